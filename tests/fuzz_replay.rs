//! Replays the fuzzing corpus and the committed fuzz failures under plain `cargo test`.
//!
//! For each fuzz target in `fuzz/fuzz_targets/`, every file in `fuzz/corpus/<target>/` (the
//! seed corpus) and in `tests/fuzz-failures/<target>/` (inputs that once crashed a target)
//! goes through the same checks as the target, on the stable toolchain and without
//! libFuzzer. An input fails if it panics or takes longer than [`TIME_LIMIT`] (libFuzzer
//! reports hangs as `timeout-*` inputs). See `docs/fuzzing.md`.
//!
//! The functions `lex`, `parse_and_render`, `compile_and_verify` and `load_and_run` below
//! are copies of the fuzz target bodies: keep them in sync with
//! `fuzz/fuzz_targets/<name>.rs`.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::Duration;

use prometeu::compiler::CompileOptions;
use prometeu::lexer::{render_all, RenderOptions, SourceId, Span};
use prometeu::vm::{Limits, Output};

/// How long one input may run. The corpus inputs take milliseconds even in a debug build;
/// an input that exceeds this is reported as a hang, and its thread is left behind.
const TIME_LIMIT: Duration = Duration::from_secs(10);

/// The stack of a replay thread. The fuzz targets run on the 8 MiB main thread of an
/// optimized build; a debug build's frames are several times larger, so the replay gives
/// them room rather than report stack overflows the fuzz targets would not see.
const STACK_SIZE: usize = 64 << 20;

/// The longest prefix of `data` that is valid UTF-8.
fn utf8_prefix(data: &[u8]) -> &str {
    match std::str::from_utf8(data) {
        Ok(text) => text,
        Err(e) => std::str::from_utf8(&data[..e.valid_up_to()]).expect("valid up to here"),
    }
}

/// An output sink that drops everything.
struct Discard;

impl Output for Discard {
    fn write_str(&mut self, _: &str) {}
}

/// `fuzz/fuzz_targets/lex.rs`: when the bytes are UTF-8, lex them; spans stay inside the
/// text on character boundaries and tokens come in order without overlapping.
fn lex(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (tokens, errors) = prometeu::lexer::lex(text, SourceId(0));
    let check = |span: Span| {
        let (start, end) = (span.start as usize, span.end as usize);
        assert!(
            start <= end && end <= text.len(),
            "span {span} is outside a text of {} bytes",
            text.len()
        );
        assert!(
            text.is_char_boundary(start) && text.is_char_boundary(end),
            "span {span} splits a UTF-8 character"
        );
    };
    let mut previous_end = 0;
    for (_, span) in &tokens {
        check(*span);
        assert!(
            span.start as usize >= previous_end,
            "token at {span} overlaps or precedes the token before it"
        );
        previous_end = span.end as usize;
    }
    // Errors are not checked for order: an error inside a string literal (a bad escape)
    // comes before the error about the whole literal (unterminated), which starts earlier.
    for error in &errors {
        check(error.span);
        let _ = error.to_diagnostic();
    }
}

/// `fuzz/fuzz_targets/parse_and_render.rs`: compile, then render every diagnostic with
/// colour off and on.
fn parse_and_render(data: &[u8]) {
    let text = utf8_prefix(data);
    let unit = prometeu::compile_source("fuzz.pbs", text, &CompileOptions::default());
    for color in [false, true] {
        let _ = render_all(
            &unit.compiled.diagnostics,
            &unit.sources,
            RenderOptions { color },
        );
    }
}

/// `fuzz/fuzz_targets/compile_and_verify.rs`: whatever compiles verifies, and its encoded
/// file loads.
fn compile_and_verify(data: &[u8]) {
    let text = utf8_prefix(data);
    let unit = prometeu::compile_source("fuzz.pbs", text, &CompileOptions::default());
    if let Some(program) = unit.compiled.program {
        let bytes = prometeu::bytecode::encode(&program);
        if let Err(error) = prometeu::verify(program) {
            panic!("a compiled program fails verification: {error}");
        }
        if let Err(error) = prometeu::load(&bytes) {
            panic!("a compiled program's file fails to load: {error}");
        }
    }
}

/// `fuzz/fuzz_targets/load_and_run.rs`: load the bytes as a program file; when they load,
/// run under 10,000 cycles and render a trap against the embedded source.
fn load_and_run(data: &[u8]) {
    let Ok(program) = prometeu::load(data) else {
        return;
    };
    let (sources, id) = prometeu::program_sources(program.program());
    let mut vm = match prometeu::new_vm(program, Limits::default(), Box::new(Discard)) {
        Ok(vm) => vm,
        Err(trap) => {
            let _ = trap.to_string();
            return;
        }
    };
    if let Err(trap) = vm.run_script(Some(10_000)) {
        let diagnostic = trap.to_diagnostic(vm.program().program(), &sources, id);
        for color in [false, true] {
            let _ = render_all(
                std::slice::from_ref(&diagnostic),
                &sources,
                RenderOptions { color },
            );
        }
    }
}

/// The files of a directory, sorted, skipping hidden ones; none if it does not exist.
fn files_in(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .map(|e| e.expect("readable directory entry").path())
        .filter(|p| p.is_file())
        .filter(|p| {
            !p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        })
        .collect();
    files.sort();
    files
}

/// What replaying one input did.
enum Outcome {
    Passed,
    Panicked,
    TimedOut,
}

/// Runs `body` on `data` on its own thread (with a [`STACK_SIZE`] stack), waiting at most
/// [`TIME_LIMIT`].
fn run_one(body: fn(&[u8]), data: Vec<u8>) -> Outcome {
    let (done, result) = mpsc::channel();
    std::thread::Builder::new()
        .name("fuzz-replay".into())
        .stack_size(STACK_SIZE)
        .spawn(move || {
            let passed = catch_unwind(AssertUnwindSafe(|| body(&data))).is_ok();
            let _ = done.send(passed);
        })
        .expect("spawn a replay thread");
    match result.recv_timeout(TIME_LIMIT) {
        Ok(true) => Outcome::Passed,
        Ok(false) | Err(RecvTimeoutError::Disconnected) => Outcome::Panicked,
        Err(RecvTimeoutError::Timeout) => Outcome::TimedOut,
    }
}

/// Runs `body` on every corpus file and committed failure of `target`, reporting every
/// input that panics or hangs.
fn replay(target: &str, body: fn(&[u8])) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let corpus = files_in(&root.join("fuzz/corpus").join(target));
    assert!(
        !corpus.is_empty(),
        "the seed corpus fuzz/corpus/{target}/ is missing or empty"
    );
    let failures = files_in(&root.join("tests/fuzz-failures").join(target));
    let mut failed = Vec::new();
    for path in corpus.iter().chain(&failures) {
        let data = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let shown = path
            .strip_prefix(root)
            .unwrap_or(path)
            .display()
            .to_string();
        match run_one(body, data) {
            Outcome::Passed => {}
            Outcome::Panicked => failed.push(format!("{shown}: panicked (message above)")),
            Outcome::TimedOut => {
                failed.push(format!("{shown}: still running after {TIME_LIMIT:?}"))
            }
        }
    }
    assert!(
        failed.is_empty(),
        "{target}: {} of {} inputs failed:\n  {}",
        failed.len(),
        corpus.len() + failures.len(),
        failed.join("\n  ")
    );
}

#[test]
fn lex_corpus_and_failures() {
    replay("lex", lex);
}

#[test]
fn parse_and_render_corpus_and_failures() {
    replay("parse_and_render", parse_and_render);
}

#[test]
fn compile_and_verify_corpus_and_failures() {
    replay("compile_and_verify", compile_and_verify);
}

#[test]
fn load_and_run_corpus_and_failures() {
    replay("load_and_run", load_and_run);
}
