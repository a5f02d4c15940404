//! REPL sessions as golden transcripts: each `tests/repl/<name>.in` is fed to
//! `prometeuc --color never repl` on standard input, and standard output and standard error
//! are compared with `<name>.out` and `<name>.err` (`BLESS=1` rewrites them).
//!
//! The exit status is checked too: a piped REPL exits with `1` when any input failed, and
//! every failure is reported on standard error, so the status must be `1` exactly when
//! `<name>.err` is not empty.

use libtest_mimic::{Arguments, Failed, Trial};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn compare(path: &Path, actual: &str) -> Result<(), Failed> {
    if std::env::var_os("BLESS").is_some() {
        std::fs::write(path, actual).map_err(|e| Failed::from(e.to_string()))?;
        return Ok(());
    }
    let expected = std::fs::read_to_string(path).unwrap_or_default();
    if expected != actual {
        return Err(Failed::from(format!(
            "{} differs (BLESS=1 accepts):\n--- expected\n{expected}\n--- actual\n{actual}",
            path.display()
        )));
    }
    Ok(())
}

fn run(path: &Path) -> Result<(), Failed> {
    let input = std::fs::read(path).map_err(|e| e.to_string())?;
    let mut child = Command::new(env!("CARGO_BIN_EXE_prometeuc"))
        .args(["--color", "never", "repl"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| e.to_string())?;
    child
        .stdin
        .take()
        .ok_or("no stdin")?
        .write_all(&input)
        .map_err(|e| e.to_string())?;
    let output = child.wait_with_output().map_err(|e| e.to_string())?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    compare(
        &path.with_extension("out"),
        &String::from_utf8_lossy(&output.stdout),
    )?;
    compare(&path.with_extension("err"), &stderr)?;
    let expected = if stderr.is_empty() { 0 } else { 1 };
    if output.status.code() != Some(expected) {
        return Err(Failed::from(format!(
            "the REPL exited with {:?}, expected {expected} (standard error is {})",
            output.status.code(),
            if stderr.is_empty() {
                "empty"
            } else {
                "not empty"
            }
        )));
    }
    Ok(())
}

fn main() {
    let args = Arguments::from_args();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/repl");
    let mut inputs: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|entries| entries.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    inputs.retain(|p| p.extension().is_some_and(|e| e == "in"));
    inputs.sort();
    let trials = inputs
        .into_iter()
        .map(|path| {
            let name = path
                .file_stem()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            Trial::test(format!("repl/{name}"), move || run(&path))
        })
        .collect();
    libtest_mimic::run(&args, trials).exit();
}
