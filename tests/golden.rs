//! Golden tests: every `tests/golden/**/*.pbs` program is compiled and run, and what it does
//! is compared with the expectations written inside it. Parsing the comments and checking
//! them is `prometeu::testing`, the library behind `prometeuc test`; this runner adds the
//! `.stderr` snapshots and the `.pbc` round trip. The expectations:
//!
//! - `// expect: TEXT` — the next line of standard output (in file order);
//! - `// expect error[CODE]: TEXT` / `// expect warning[CODE]: TEXT` — a diagnostic with that
//!   code whose message contains TEXT, whose primary span starts on this line;
//! - `// expect trap: TEXT` — the program stops with a trap whose message contains TEXT, at
//!   an operation on this line.
//!
//! Programs with diagnostics or traps also have a `.stderr` snapshot of the rendered output
//! (colour off); `BLESS=1` rewrites the snapshots. Every program that runs is run a second
//! time through `.pbc` encode → decode → verify and must behave identically. A directory
//! with a `main.pbs` is one test of a program in many files (see `docs/testing.md`). The examples
//! (`examples/*.pbs` with `.out` files) run here too, one test each.

use libtest_mimic::{Arguments, Failed, Trial};
use prometeu::bytecode::encode;
use prometeu::compiler::CompileOptions;
use prometeu::lexer::{render_all, RenderOptions};
use prometeu::testing::{compare_output, run_test, ExpectedLine, TestOptions};
use prometeu::vm::Limits;
use std::path::{Path, PathBuf};

/// Compares or blesses a snapshot file.
fn snapshot(path: &Path, actual: &str) -> Result<(), Failed> {
    if std::env::var_os("BLESS").is_some() {
        std::fs::write(path, actual).map_err(|e| Failed::from(e.to_string()))?;
        return Ok(());
    }
    let expected = std::fs::read_to_string(path).map_err(|_| {
        Failed::from(format!(
            "missing snapshot {} (run with BLESS=1)",
            path.display()
        ))
    })?;
    if expected != actual {
        return Err(Failed::from(format!(
            "snapshot {} differs (run with BLESS=1 to accept):\n--- expected\n{expected}\n--- actual\n{actual}",
            path.display()
        )));
    }
    Ok(())
}

fn run_golden(path: &Path) -> Result<(), Failed> {
    let source = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    let name = path.to_string_lossy().replace('\\', "/");
    let dir = path.parent().unwrap_or(Path::new("."));
    let read = |relative: &str| match std::fs::read(dir.join(relative)) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e.to_string()),
    };
    let options = TestOptions::default();
    let report = run_test(&name, &source, &read, &options);
    let mut problems = report.failures.clone();

    // The same program through the file format must behave identically.
    if let (Some(program), Some(first)) = (&report.program, &report.script_run) {
        let bytes = encode(program);
        let reloaded = prometeu::load(&bytes)
            .map_err(|e| format!("the .pbc round trip failed to load: {e}"))?;
        if reloaded.program() != program {
            problems.push("decode(encode(program)) differs from the program".to_string());
        }
        let second = prometeu::run_script(reloaded, options.limits, Some(options.max_cycles));
        if first.stdout != second.stdout || first.trap != second.trap {
            problems.push("running the .pbc round trip behaved differently".to_string());
        }
    }

    if !report.stderr.is_empty() {
        if let Err(e) = snapshot(&path.with_extension("stderr"), &report.stderr) {
            problems.push(e.message().map(str::to_string).unwrap_or_default());
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Failed::from(problems.join("\n")))
    }
}

fn run_example(path: &Path) -> Result<(), Failed> {
    let source = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    let expected =
        std::fs::read_to_string(path.with_extension("out")).map_err(|e| e.to_string())?;
    let unit =
        prometeu::compile_source(&path.to_string_lossy(), &source, &CompileOptions::default());
    let Some(program) = unit.compiled.program else {
        return Err(Failed::from(render_all(
            &unit.compiled.diagnostics,
            &unit.sources,
            RenderOptions { color: false },
        )));
    };
    let verified = prometeu::verify(program).map_err(|e| e.to_string())?;
    let run = prometeu::run_script(verified, Limits::default(), None);
    if let Some(trap) = run.trap {
        return Err(Failed::from(format!("trap: {}", trap.message)));
    }
    if run.stdout == expected {
        return Ok(());
    }
    let lines: Vec<ExpectedLine<'_>> = expected
        .lines()
        .map(|text| ExpectedLine { text, at: None })
        .collect();
    Err(Failed::from(
        compare_output(&lines, &run.stdout)
            .unwrap_or_else(|| "the output differs only in its line endings".to_string()),
    ))
}

/// Collects the files with extension `ext` under `dir`. A directory holding a `main.pbs` is
/// one program in many files: only its `main.pbs` is collected.
fn collect(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
    let main = dir.join("main.pbs");
    if ext == "pbs" && dir != Path::new("examples") && main.is_file() {
        out.push(main);
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, ext, out);
        } else if path.extension().is_some_and(|e| e == ext) {
            out.push(path);
        }
    }
}

fn main() {
    let args = Arguments::from_args();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::env::set_current_dir(root).expect("the manifest directory exists");
    let mut trials = Vec::new();
    let mut golden = Vec::new();
    collect(Path::new("tests/golden"), "pbs", &mut golden);
    golden.sort();
    for path in golden {
        let name = path
            .strip_prefix("tests/golden")
            .unwrap_or(&path)
            .with_extension("")
            .to_string_lossy()
            .replace('\\', "/");
        trials.push(Trial::test(format!("golden/{name}"), move || {
            run_golden(&path)
        }));
    }
    let mut examples = Vec::new();
    collect(Path::new("examples"), "pbs", &mut examples);
    examples.retain(|p| p.with_extension("out").exists());
    examples.sort();
    for path in examples {
        let name = path.with_extension("").to_string_lossy().replace('\\', "/");
        trials.push(Trial::test(name, move || run_example(&path)));
    }
    libtest_mimic::run(&args, trials).exit();
}
