//! Golden tests of PBS programs (§22): the expectation comments of a test file, running the
//! script or cartridge under a cycle limit, and comparing what it did with what the comments
//! expect.
//!
//! `prometeuc test` and the project's own golden runner (`tests/golden.rs`) both call
//! [`run_test`]. Nothing here touches files: companion files (golden PNGs, input logs, a
//! cartridge named by `cart=`) are read through a callback, and the files a test wants
//! written (blessed goldens, `.actual.png`, `.diff.png`) come back in the report for the
//! caller to write.

mod audio;
mod check;
pub mod directives;
pub mod screen;

pub use check::{compare_output, describe, describe_trap, line_of, ExpectedLine};
pub use directives::{parse_directives, CartHeader, DirectiveError, Expectation, TestSpec};

use crate::cart::{Cart, CartConfig, Tick};
use crate::{program_sources, ScriptRun, SharedOutput};
use prometeu_bytecode::{Program, VerifiedProgram};
use prometeu_compiler::assets::ReadError;
use prometeu_compiler::CompileOptions;
use prometeu_lexer::{render_all, RenderOptions};
use prometeu_stdlib::console::{Framebuffer, InputLog};
use prometeu_vm::Limits;
use screen::Image;

/// The default cycle limit of one test: scripts trap beyond it, cartridges fail.
pub const DEFAULT_MAX_CYCLES: u64 = 1_000_000_000;

/// How tests run.
#[derive(Clone, Copy, Debug)]
pub struct TestOptions {
    /// The most cycles one test may use in total (boot and every frame, for a cartridge).
    pub max_cycles: u64,
    /// Write the golden files of screen expectations instead of comparing with them.
    pub bless: bool,
    /// The VM's limits.
    pub limits: Limits,
}

impl Default for TestOptions {
    fn default() -> TestOptions {
        TestOptions {
            max_cycles: DEFAULT_MAX_CYCLES,
            bless: false,
            limits: Limits::default(),
        }
    }
}

/// Reads a companion file named relative to the test file: `Ok(None)` when it does not
/// exist, `Err` with a description when it cannot be read.
pub type ReadFile<'a> = &'a dyn Fn(&str) -> Result<Option<Vec<u8>>, String>;

/// Why a test wants a file written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WriteKind {
    /// A golden file written by `--bless`.
    Golden,
    /// The last frame of a failing screen test (`NAME.actual.png`).
    Actual,
    /// The golden image with the differing pixels marked (`NAME.diff.png`).
    Diff,
}

/// A file the caller should write, named relative to the test file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileWrite {
    /// The path, relative to the test file's directory.
    pub path: String,
    /// The contents.
    pub bytes: Vec<u8>,
    /// Why it is written.
    pub kind: WriteKind,
}

/// What running one test found.
#[derive(Debug, Default)]
pub struct TestReport {
    /// Why the test failed, one problem per entry; empty when it passed.
    pub failures: Vec<String>,
    /// Files to write beside the test.
    pub writes: Vec<FileWrite>,
    /// The rendered diagnostics and trap, without colour (what `prometeuc run` would print
    /// on standard error).
    pub stderr: String,
    /// The compiled program, when it compiled.
    pub program: Option<Program>,
    /// The run of a script test.
    pub script_run: Option<ScriptRun>,
}

impl TestReport {
    /// Whether every expectation held.
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }

    /// The failure text: every problem, one or a few lines each.
    pub fn message(&self) -> String {
        self.failures.join("\n")
    }
}

/// Runs one test: `name` is the test file's path (used in diagnostics and to resolve
/// companion files), `source` its text.
pub fn run_test(name: &str, source: &str, read: ReadFile<'_>, options: &TestOptions) -> TestReport {
    let mut report = TestReport::default();
    let spec = match parse_directives(source) {
        Ok(spec) => spec,
        Err(e) => {
            report.failures.push(e.to_string());
            return report;
        }
    };
    let (program_name, text) = match program_text(name, source, &spec, read) {
        Ok(Under::Source(name, text)) => (name, text),
        Ok(Under::Pmc(verified)) => {
            report.program = Some(verified.program().clone());
            run_verified(name, &spec, *verified, read, options, &mut report);
            return report;
        }
        Err(problem) => {
            report.failures.push(problem);
            return report;
        }
    };
    // Asset paths are relative to the program's source; `read` is relative to the test file.
    let base = spec
        .header
        .as_ref()
        .and_then(|h| h.cart.clone())
        .unwrap_or_else(|| "test.pbs".to_string());
    let assets = |path: &str| match read(&sibling(&base, path)) {
        Ok(Some(bytes)) => Ok(bytes),
        Ok(None) => Err(ReadError::NotFound),
        Err(e) => Err(ReadError::Other(e)),
    };
    // Imports are read like companion files, relative to the program's source.
    let provider = |path: &str| -> Result<prometeu_compiler::SourceFile, String> {
        let file = sibling(&base, path);
        match read(&file) {
            Ok(Some(bytes)) => Ok(prometeu_compiler::SourceFile {
                key: file.clone(),
                name: sibling(&program_name, path),
                text: String::from_utf8(bytes)
                    .map_err(|_| format!("`{path}` is not valid UTF-8"))?,
            }),
            Ok(None) => Err(format!("there is no file `{path}`")),
            Err(e) => Err(e),
        }
    };
    let entry = base.rsplit('/').next().unwrap_or(&base).to_string();
    let unit = crate::compile_program_source(
        &program_name,
        &text,
        &base,
        &entry,
        &provider,
        &CompileOptions::default(),
        Some(&assets),
    );
    // The expectations written in the imported files apply to their own lines.
    let mut spec = spec;
    let mut imported: Vec<(prometeu_lexer::SourceId, TestSpec)> = Vec::new();
    for n in 1..unit.sources.len() {
        let id = prometeu_lexer::SourceId(unit.id.0 + n as u32);
        if let Ok(other) = parse_directives(unit.sources.text(id)) {
            spec.imported
                .push((unit.sources.name(id).to_string(), other.clone()));
            imported.push((id, other));
        }
    }
    report.stderr = render_all(
        &unit.compiled.diagnostics,
        &unit.sources,
        RenderOptions { color: false },
    );
    let in_file = |id: prometeu_lexer::SourceId, entry: bool| -> Vec<prometeu_lexer::Diagnostic> {
        unit.compiled
            .diagnostics
            .iter()
            .filter(|d| d.primary.as_ref().map_or(entry, |l| l.span.source == id))
            .cloned()
            .collect()
    };
    report.failures.extend(check::check_diagnostics(
        &spec,
        &in_file(unit.id, true),
        &unit.sources,
        unit.id,
    ));
    for (id, other) in &imported {
        report.failures.extend(check::check_diagnostics(
            other,
            &in_file(*id, false),
            &unit.sources,
            *id,
        ));
    }
    let Some(program) = unit.compiled.program else {
        if !spec.outputs().is_empty()
            || spec.trap().is_some()
            || spec.screen().is_some()
            || spec.audio().is_some()
        {
            report.failures.push(
                "the program did not compile, but it is expected to run (output, a trap, a screen or a sound)"
                    .to_string(),
            );
        }
        return report;
    };
    let verified = match crate::verify(program.clone()) {
        Ok(v) => v,
        Err(e) => {
            report.failures.push(format!(
                "internal error: the compiled program failed verification: {e}"
            ));
            return report;
        }
    };
    report.program = Some(program);
    run_verified(name, &spec, verified, read, options, &mut report);
    report
}

/// Runs a verified program as the test says: a script or a cartridge.
fn run_verified(
    name: &str,
    spec: &TestSpec,
    verified: VerifiedProgram,
    read: ReadFile<'_>,
    options: &TestOptions,
    report: &mut TestReport,
) {
    let is_cart = verified.program().entry.frame.is_some();
    match (&spec.header, is_cart) {
        (None, false) => script_test(spec, verified, options, report),
        (Some(header), true) => {
            let context = CartContext { name, read, options };
            cart_test(spec, header, verified, &context, report)
        }
        (None, true) => report.failures.push(
            "this program is a cartridge: add a `// test: frames=N` line saying how many frames to run"
                .to_string(),
        ),
        (Some(header), false) => report.failures.push(format!(
            "line {}: `// test:` is for cartridges, but this program is a script (it has `fn main`); \
             remove the line",
            header.line
        )),
    }
}

/// The program under test.
enum Under {
    /// A source to compile: its name and text.
    Source(String, String),
    /// A `.pmc` single-file cart named by `cart=`, loaded and verified.
    Pmc(Box<VerifiedProgram>),
}

/// The program under test: the file itself, or the cartridge its `cart=` key names (a source,
/// or a `.pmc` file).
fn program_text(
    name: &str,
    source: &str,
    spec: &TestSpec,
    read: ReadFile<'_>,
) -> Result<Under, String> {
    let Some((header, cart)) = spec
        .header
        .as_ref()
        .and_then(|h| h.cart.as_ref().map(|c| (h, c)))
    else {
        return Ok(Under::Source(name.to_string(), source.to_string()));
    };
    if let Some(e) = spec
        .expectations
        .iter()
        .find(|e| matches!(e, Expectation::Diagnostic { .. } | Expectation::Trap { .. }))
    {
        return Err(format!(
            "line {}: this expectation names a line, but the code under test is in `{cart}` \
             (line {} says `cart=`); write it in that file's own test instead",
            e.line(),
            header.line
        ));
    }
    let bytes = read_companion(read, cart, header.line, "the cartridge")?;
    if cart.ends_with(".pmc") || bytes.starts_with(&crate::pmc::PMC_MAGIC) {
        return crate::pmc::load(&bytes)
            .map(|(_, program)| Under::Pmc(Box::new(program)))
            .map_err(|e| {
                format!(
                    "line {}: invalid single-file cart `{cart}`: {e}",
                    header.line
                )
            });
    }
    let text = String::from_utf8(bytes)
        .map_err(|_| format!("line {}: `{cart}` is not valid UTF-8", header.line))?;
    Ok(Under::Source(sibling(name, cart), text))
}

/// Reads a companion file that must exist.
fn read_companion(
    read: ReadFile<'_>,
    path: &str,
    line: usize,
    what: &str,
) -> Result<Vec<u8>, String> {
    match read(path) {
        Ok(Some(bytes)) => Ok(bytes),
        Ok(None) => Err(format!(
            "line {line}: {what} `{path}` does not exist (paths are relative to the test file)"
        )),
        Err(e) => Err(format!("line {line}: cannot read {what} `{path}`: {e}")),
    }
}

/// `relative` resolved against the directory of `name`, with `.` and `..` folded.
fn sibling(name: &str, relative: &str) -> String {
    let mut parts: Vec<&str> = name.split('/').collect();
    parts.pop();
    for part in relative.split('/') {
        match part {
            "." | "" => {}
            ".." if parts.last().is_some_and(|p| *p != "..") => {
                parts.pop();
            }
            _ => parts.push(part),
        }
    }
    parts.join("/")
}

fn script_test(
    spec: &TestSpec,
    verified: VerifiedProgram,
    options: &TestOptions,
    report: &mut TestReport,
) {
    let (sources, id) = program_sources(verified.program());
    let run = crate::run_script(verified, options.limits, Some(options.max_cycles));
    check_run(spec, &run.stdout, run.trap.as_ref(), &sources, id, report);
    report.script_run = Some(run);
}

/// Checks output and trap, and adds a rendered trap to the report's standard error.
fn check_run(
    spec: &TestSpec,
    stdout: &str,
    trap: Option<&prometeu_lexer::Diagnostic>,
    sources: &prometeu_lexer::Sources,
    id: prometeu_lexer::SourceId,
    report: &mut TestReport,
) {
    let expected: Vec<ExpectedLine<'_>> = spec
        .outputs()
        .into_iter()
        .map(|(line, text)| ExpectedLine {
            text,
            at: Some(line),
        })
        .collect();
    report.failures.extend(compare_output(&expected, stdout));
    // A trap in an imported file is expected by that file's `// expect trap:`.
    let (expected_trap, trap_file) = match trap
        .and_then(|d| d.primary.as_ref())
        .filter(|l| l.span.source != id)
    {
        Some(label) => {
            let name = sources.name(label.span.source);
            let other = spec.imported.iter().find(|(n, _)| n == name);
            (other.and_then(|(_, s)| s.trap()), label.span.source)
        }
        None => (spec.trap(), id),
    };
    let expected_trap = expected_trap.or_else(|| {
        // Expected in an imported file, but the trap happened elsewhere (or not at all).
        spec.imported
            .iter()
            .find_map(|(_, s)| s.trap())
            .filter(|_| spec.trap().is_none())
    });
    report
        .failures
        .extend(check::check_trap(expected_trap, trap, sources, trap_file));
    if let Some(d) = trap {
        report.stderr.push_str(&render_all(
            std::slice::from_ref(d),
            sources,
            RenderOptions { color: false },
        ));
    }
}

/// What a cartridge test needs besides its program: the test's name, the reader of
/// companion files and the options.
struct CartContext<'a> {
    name: &'a str,
    read: ReadFile<'a>,
    options: &'a TestOptions,
}

fn cart_test(
    spec: &TestSpec,
    header: &CartHeader,
    verified: VerifiedProgram,
    context: &CartContext<'_>,
    report: &mut TestReport,
) {
    let (read, options) = (context.read, context.options);
    let log = match &header.input {
        None => None,
        Some(path) => {
            let parsed = read_companion(read, path, header.line, "the input log").and_then(|b| {
                let text = String::from_utf8_lossy(&b).into_owned();
                InputLog::parse(&text).map_err(|e| format!("line {}: `{path}`: {e}", header.line))
            });
            match parsed {
                Ok(log) => Some(log),
                Err(problem) => {
                    report.failures.push(problem);
                    return;
                }
            }
        }
    };
    let program = verified.program().clone();
    let (sources, id) = program_sources(&program);
    let out = SharedOutput::default();
    let config = CartConfig {
        cycles_per_frame: header.cycles_per_frame,
        seed: header.seed,
        limits: options.limits,
    };
    let mut trap = None;
    let mut screen = None;
    let mut sound = spec.audio().map(|_| Vec::new());
    match Cart::boot(verified, config, Box::new(out.clone())) {
        Err(t) => trap = Some(t),
        Ok(mut cart) => {
            for tick in 0..=header.frames {
                if cart.stats().cycles > options.max_cycles {
                    report.failures.push(format!(
                        "the cart used more than {} cycles, the test's cycle limit, after {tick} of {} frames",
                        options.max_cycles, header.frames
                    ));
                    break;
                }
                if tick == header.frames {
                    break;
                }
                let held = log.as_ref().map_or(0, |l| l.held_at(cart.frame()));
                let outcome = cart.tick(held);
                if let (Ok(_), Some(sound)) = (&outcome, &mut sound) {
                    sound.extend_from_slice(cart.audio());
                }
                match outcome {
                    Err(t) => {
                        trap = Some(t);
                        break;
                    }
                    Ok(Tick::Exited(_)) => break,
                    Ok(_) => {}
                }
            }
            screen = Some(cart.framebuffer().clone());
        }
    }
    let trap = trap.map(|t| t.to_diagnostic(&program, &sources, id));
    let stdout = out.0.borrow().clone();
    check_run(spec, &stdout, trap.as_ref(), &sources, id, report);
    if let Some((line, file)) = spec.screen() {
        match &screen {
            Some(fb) => check_screen(line, file, fb, context, report),
            None => report.failures.push(format!(
                "line {line}: there is no screen to compare: the cart trapped while booting"
            )),
        }
    }
    if let Some((line, file)) = spec.audio() {
        let check = audio::AudioCheck {
            name: context.name,
            read: context.read,
            options: context.options,
        };
        match (&screen, sound) {
            (Some(_), Some(sound)) => check.check(line, file, &sound, report),
            _ => report.failures.push(format!(
                "line {line}: there is no sound to compare: the cart trapped while booting"
            )),
        }
    }
}

/// Compares the last frame with the golden PNG, or blesses it; the messages name files by
/// their path from the current directory, as the test's name does.
fn check_screen(
    line: usize,
    file: &str,
    fb: &Framebuffer,
    context: &CartContext<'_>,
    report: &mut TestReport,
) {
    let (read, options) = (context.read, context.options);
    let shown = |path: &str| sibling(context.name, path);
    let actual = Image {
        width: Framebuffer::WIDTH as u32,
        height: Framebuffer::HEIGHT as u32,
        rgb: fb.to_rgb8(),
    };
    let golden = read(file);
    let matches = |golden: &Result<Option<Vec<u8>>, String>| matches!(golden, Ok(Some(bytes)) if screen::decode_png(bytes).is_ok_and(|g| g == actual));
    if options.bless {
        if !report.failures.is_empty() {
            report.failures.push(format!(
                "line {line}: `{}` was not blessed, because the test fails for the reasons above",
                shown(file)
            ));
        } else if !matches(&golden) {
            report.writes.push(FileWrite {
                path: file.to_string(),
                bytes: screen::encode_png(&actual),
                kind: WriteKind::Golden,
            });
        }
        return;
    }
    let stem = file.strip_suffix(".png").unwrap_or(file);
    let actual_path = format!("{stem}.actual.png");
    let diff_path = format!("{stem}.diff.png");
    let (golden_shown, actual_shown, diff_shown) =
        (shown(file), shown(&actual_path), shown(&diff_path));
    let write_actual = |report: &mut TestReport| {
        report.writes.push(FileWrite {
            path: actual_path.clone(),
            bytes: screen::encode_png(&actual),
            kind: WriteKind::Actual,
        });
    };
    let bytes = match golden {
        Ok(Some(bytes)) => bytes,
        Ok(None) => {
            write_actual(report);
            report.failures.push(format!(
                "line {line}: the golden screen `{golden_shown}` does not exist; run with `--bless` to \
                 create it from the last frame (wrote `{actual_shown}`)"
            ));
            return;
        }
        Err(e) => {
            report
                .failures
                .push(format!("line {line}: cannot read `{golden_shown}`: {e}"));
            return;
        }
    };
    let golden = match screen::decode_png(&bytes) {
        Ok(g) => g,
        Err(e) => {
            write_actual(report);
            report.failures.push(format!(
                "line {line}: `{golden_shown}` is not a readable PNG ({e}); run with `--bless` to rewrite \
                 it (wrote `{actual_shown}`)"
            ));
            return;
        }
    };
    if (golden.width, golden.height) != (actual.width, actual.height) {
        write_actual(report);
        report.failures.push(format!(
            "line {line}: `{golden_shown}` is {}x{}, but the screen is {}x{} (wrote `{actual_shown}`)",
            golden.width, golden.height, actual.width, actual.height
        ));
        return;
    }
    if let Some(diff) = screen::compare(&golden, &actual) {
        write_actual(report);
        report.writes.push(FileWrite {
            path: diff_path.clone(),
            bytes: screen::encode_png(&diff.diff),
            kind: WriteKind::Diff,
        });
        let (x0, y0, x1, y1) = diff.bounds;
        report.failures.push(format!(
            "line {line}: the screen differs from `{golden_shown}`: {} of {} pixels differ, in the box from ({x0}, {y0}) to ({x1}, {y1})\n  wrote `{actual_shown}` and `{diff_shown}` (differing pixels in red)",
            diff.pixels,
            golden.width * golden.height
        ));
    }
}
