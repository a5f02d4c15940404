//! Replays the fuzzing corpus and the committed fuzz failures under plain `cargo test`.
//!
//! For each fuzz target in `fuzz/fuzz_targets/`, every file in `fuzz/corpus/<target>/` (the
//! seed corpus) and in `tests/fuzz-failures/<target>/` (inputs that once crashed a target)
//! goes through the same checks as the target, on the stable toolchain and without
//! libFuzzer. An input fails if it panics or takes longer than [`TIME_LIMIT`] (libFuzzer
//! reports hangs as `timeout-*` inputs). See `docs/fuzzing.md`.
//!
//! The checks themselves are `prometeu::fuzz_checks`, which the fuzz targets call too.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::Duration;

use prometeu::fuzz_checks::{
    compile_and_verify, lex, load_and_run, load_pmc, manifest_and_log, parse_and_render,
    repl_session,
};

/// How long one input may run. The corpus inputs take milliseconds even in a debug build;
/// an input that exceeds this is reported as a hang, and its thread is left behind.
const TIME_LIMIT: Duration = Duration::from_secs(10);

/// The stack of a replay thread. The fuzz targets run on the 8 MiB main thread of an
/// optimized build; a debug build's frames are several times larger, so the replay gives
/// them room rather than report stack overflows the fuzz targets would not see.
const STACK_SIZE: usize = 64 << 20;

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

#[test]
fn repl_session_corpus_and_failures() {
    replay("repl_session", repl_session);
}

#[test]
fn manifest_and_log_corpus_and_failures() {
    replay("manifest_and_log", manifest_and_log);
}

#[test]
fn load_pmc_corpus_and_failures() {
    replay("load_pmc", load_pmc);
}
