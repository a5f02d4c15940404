//! Helpers shared by the integration tests: running the `prometeuc` binary and reading what
//! it printed, scratch directories, and an output sink for VMs whose output is not checked.
//!
//! Each test crate uses only some of them.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Runs the binary with `args` from the repository root, without `NO_COLOR` from the caller.
pub fn prometeuc(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_prometeuc"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("NO_COLOR")
        .output()
        .expect("the binary runs")
}

/// What a run printed on standard output.
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// What a run printed on standard error.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Asserts that a run's standard error contains `text`, showing all of it otherwise.
#[track_caller]
pub fn assert_stderr_contains(o: &Output, text: &str) {
    let err = stderr(o);
    assert!(err.contains(text), "{text:?} not in:\n{err}");
}

/// A fresh, empty scratch directory for one test.
pub fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("prometeuc-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// Writes `text` to `dir/name` and returns the path as a string.
pub fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write");
    path.to_string_lossy().into_owned()
}

/// An output sink that discards everything a program prints.
pub struct Discard;

impl prometeu::vm::Output for Discard {
    fn write_str(&mut self, _: &str) {}
}

/// The binary as a command to configure (standard streams, environment) before running it.
pub fn command(args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_prometeuc"));
    cmd.args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("NO_COLOR");
    cmd
}

/// Runs a command, killing it and failing the test if it takes longer than `seconds`.
#[track_caller]
pub fn output_within(mut cmd: Command, seconds: u64) -> Output {
    use std::process::Stdio;
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(seconds);
    while child.try_wait().expect("wait").is_none() {
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the command did not finish within {seconds} s: {cmd:?}");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.wait_with_output().expect("output")
}

/// Encodes instructions into a function's code bytes, for hand-made programs.
pub fn encode(code: &[prometeu::bytecode::Instr]) -> Vec<u8> {
    let mut bytes = Vec::new();
    for i in code {
        i.encode(&mut bytes);
    }
    bytes
}

/// Why the verifier rejects a hand-made program (it must reject it).
pub fn rejection(program: prometeu::bytecode::Program) -> prometeu::bytecode::LoadErrorKind {
    match prometeu::verify(program) {
        Ok(_) => panic!("the program was accepted"),
        Err(e) => e.kind,
    }
}
