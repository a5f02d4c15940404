//! `:load` reads at most 32 MiB (the source cap) of one regular file: devices that never end, files that are
//! too large, directories, named pipes and files that are not UTF-8 give clear errors, and
//! the session goes on. Each run has a time limit, so a read that does not stop (or an open
//! that waits for a pipe's writer) fails the test instead of hanging it.

mod common;

use std::io::Write;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Runs a piped REPL on `input`, killing it if it runs longer than `limit`.
fn repl(input: &str, limit: Duration) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_prometeuc"))
        .args(["--color", "never", "repl"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write the input");
    let start = Instant::now();
    while child.try_wait().expect("wait").is_none() {
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the REPL still ran after {limit:?} on {input:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().expect("output")
}

const LIMIT: Duration = Duration::from_secs(30);

#[cfg(unix)]
#[test]
fn load_of_an_endless_device_stops_at_the_source_cap() {
    let o = repl(":load /dev/zero\n1 + 1\n", LIMIT);
    common::assert_stderr_contains(
        &o,
        "error: `/dev/zero` is larger than 32 MiB, the most a source may be",
    );
    assert_eq!(common::stdout(&o), "2\n");
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn load_of_a_file_over_the_source_cap_is_refused() {
    let dir = common::scratch("load-large");
    let path = dir.join("large.pbs");
    let file = std::fs::File::create(&path).unwrap();
    file.set_len((32 << 20) + 1).unwrap();
    drop(file);
    let o = repl(&format!(":load {}\n3\n", path.display()), LIMIT);
    common::assert_stderr_contains(&o, "is larger than 32 MiB, the most a source may be");
    assert_eq!(common::stdout(&o), "3\n");
    assert_eq!(o.status.code(), Some(1));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn load_of_a_file_of_exactly_the_source_cap_is_read() {
    let dir = common::scratch("load-limit");
    let path = dir.join("limit.pbs");
    let mut text = String::from("fn at_the_limit(): int { return 7; }\n");
    text.push_str(&" ".repeat((32 << 20) - text.len()));
    std::fs::write(&path, &text).unwrap();
    let o = repl(
        &format!(":load {}\nat_the_limit()\n", path.display()),
        LIMIT,
    );
    assert_eq!(common::stderr(&o), "");
    assert_eq!(common::stdout(&o), "7\n");
    assert_eq!(o.status.code(), Some(0));
    let _ = std::fs::remove_dir_all(&dir);
}

#[cfg(unix)]
#[test]
fn load_of_a_named_pipe_is_refused_without_opening_it() {
    let dir = common::scratch("load-fifo");
    let fifo = dir.join("pipe.pbs");
    let made = Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    let o = repl(&format!(":load {}\n4\n", fifo.display()), LIMIT);
    common::assert_stderr_contains(&o, "is a FIFO (named pipe), not a file");
    assert_eq!(common::stdout(&o), "4\n");
}

#[test]
fn load_of_a_file_that_is_not_utf8_is_refused() {
    let dir = common::scratch("load-binary");
    let path = dir.join("binary.pbs");
    std::fs::write(&path, b"fn f(): int { return 1; }\n\xff\n").unwrap();
    let o = repl(&format!(":load {}\nf()\n", path.display()), LIMIT);
    common::assert_stderr_contains(&o, "it is not UTF-8 text (invalid byte at offset 26)");
    common::assert_stderr_contains(&o, "cannot find function `f`");
    assert_eq!(o.status.code(), Some(1));
}

/// Runs a piped REPL on `input`, written from another thread that stops quietly when the
/// REPL stops reading, killing the REPL if it runs longer than `limit`.
fn repl_unread(input: Vec<u8>, limit: Duration) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_prometeuc"))
        .args(["--color", "never", "repl"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    let mut stdin = child.stdin.take().expect("stdin");
    let writer = std::thread::spawn(move || stdin.write_all(&input).is_ok());
    let start = Instant::now();
    while child.try_wait().expect("wait").is_none() {
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the REPL still ran after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = writer.join();
    child.wait_with_output().expect("output")
}

/// The source cap, which also bounds one line and one multi-line input.
const CAP: usize = 32 << 20;

#[test]
fn a_piped_line_over_the_source_cap_stops_the_repl_naming_the_line() {
    let mut input = b"print(1)\n// then a line that never ends\nlet s = \"".to_vec();
    input.resize(input.len() + CAP + 1024, b'a');
    input.extend_from_slice(b"\";\nprint(2)\n");
    let o = repl_unread(input, LIMIT);
    assert_eq!(o.status.code(), Some(1), "{}", common::stderr(&o));
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        "1\n",
        "nothing after the long line runs"
    );
    assert_eq!(
        common::stderr(&o),
        "error: line 3 of the input is longer than 32 MiB, the most a source may be; the rest of the input was not read (split the data over several inputs, or `:load` a file)\n"
    );
}

#[test]
fn a_piped_multi_line_input_over_the_source_cap_stops_the_repl_naming_its_lines() {
    // Each line is under the cap; together they pass it on line 6.
    let mut input = b"print(1)\nlet a = [\n".to_vec();
    let chunk = format!("\"{}\",\n", "b".repeat((10 << 20) - 4));
    for _ in 0..5 {
        input.extend_from_slice(chunk.as_bytes());
    }
    input.extend_from_slice(b"];\nprint(2)\n");
    let o = repl_unread(input, LIMIT);
    assert_eq!(o.status.code(), Some(1), "{}", common::stderr(&o));
    assert_eq!(String::from_utf8_lossy(&o.stdout), "1\n");
    assert_eq!(
        common::stderr(&o),
        "error: the input that starts on line 2 grows past 32 MiB (the most a source may be) at line 6; the rest of the input was not read (split the data over several inputs, or `:load` a file)\n"
    );
}

#[test]
fn a_piped_line_of_exactly_the_source_cap_is_evaluated() {
    // `// ` and `a`s: a comment of exactly the cap, then an input after it.
    let mut input = b"// ".to_vec();
    input.resize(CAP, b'a');
    input.extend_from_slice(b"\r\nprint(3)\n");
    let o = repl_unread(input, LIMIT);
    assert_eq!(o.status.code(), Some(0), "{}", common::stderr(&o));
    assert_eq!(String::from_utf8_lossy(&o.stdout), "3\n");
}
