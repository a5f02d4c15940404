//! The interactive REPL driven through a pseudo-terminal: multi-line input with the `..`
//! prompt, history recall with the arrow keys, Ctrl-C interrupting a running loop, Ctrl-D at
//! a `..` prompt, and a history file with a damaged line.

use rexpect::session::{spawn_command, PtySession};
use std::path::{Path, PathBuf};
use std::process::Command;

/// A fresh data directory for one test's history file.
fn data_dir(name: &str) -> PathBuf {
    let data = std::env::temp_dir().join(format!("prometeuc-pty-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data);
    std::fs::create_dir_all(data.join("prometeuc")).unwrap();
    data
}

/// Starts the REPL in a pseudo-terminal with `data` as the user's data directory.
fn spawn(data: &Path) -> PtySession {
    let mut command = Command::new(env!("CARGO_BIN_EXE_prometeuc"));
    command.args(["--color", "never", "repl"]);
    command
        .env("XDG_DATA_HOME", data)
        .env("HOME", data)
        .env("TERM", "xterm");
    spawn_command(command, Some(20_000)).expect("spawns in a pty")
}

#[test]
fn interactive_session_in_a_terminal() {
    let data = data_dir("session");
    let mut p = spawn(&data);

    p.exp_string(">> ").unwrap();
    // A function typed over three lines continues on `..` prompts.
    p.send_line("fn twice(x: int): int {").unwrap();
    p.exp_string(".. ").unwrap();
    p.send_line("    return x * 2;").unwrap();
    p.exp_string(".. ").unwrap();
    p.send_line("}").unwrap();
    p.exp_string(">> ").unwrap();
    p.send_line("twice(21)").unwrap();
    p.exp_string("42").unwrap();
    p.exp_string(">> ").unwrap();

    // The up arrow recalls the previous input from history.
    p.send("\x1b[A").unwrap();
    p.flush().unwrap();
    p.send_line("").unwrap();
    p.exp_string("42").unwrap();
    p.exp_string(">> ").unwrap();

    // Ctrl-C stops a runaway loop and returns to the prompt with the session intact.
    p.send_line("while true { }").unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    p.send_control('c').unwrap();
    p.exp_string("interrupted").unwrap();
    p.exp_string(">> ").unwrap();
    p.send_line("twice(4)").unwrap();
    p.exp_string("8").unwrap();
    p.exp_string(">> ").unwrap();

    // Ctrl-D leaves; the history file was written under the data directory.
    p.send_control('d').unwrap();
    p.exp_eof().unwrap();
    let history = std::fs::read_to_string(data.join("prometeuc/history.txt")).unwrap();
    assert!(history.contains("twice(21)"), "{history}");
}

#[test]
fn ctrl_d_at_a_continuation_prompt_abandons_the_input() {
    let data = data_dir("ctrl-d");
    let mut p = spawn(&data);
    p.exp_string(">> ").unwrap();
    p.send_line("fn unfinished(): int {").unwrap();
    p.exp_string(".. ").unwrap();
    p.send_line("    return 1;").unwrap();
    p.exp_string(".. ").unwrap();
    // Nothing is evaluated (no error about a `;` nobody typed); the session goes on.
    p.send_control('d').unwrap();
    let before = p.exp_string(">> ").unwrap();
    assert!(
        before.contains("the unfinished input was abandoned"),
        "{before}"
    );
    assert!(!before.contains("rror"), "{before}");
    p.send_line("unfinished()").unwrap();
    p.exp_string("cannot find function `unfinished`").unwrap();
    p.exp_string(">> ").unwrap();
    p.send_line("6 * 7").unwrap();
    p.exp_string("42").unwrap();
    p.exp_string(">> ").unwrap();
    p.send_control('d').unwrap();
    p.exp_eof().unwrap();
}

#[test]
fn history_keeps_the_entries_after_a_line_that_is_not_utf8() {
    let data = data_dir("history");
    let file = data.join("prometeuc/history.txt");
    std::fs::write(&file, b"#V2\n10 + 1\n\"bad \xff\xfe\"\n20 + 2\n").unwrap();
    let mut p = spawn(&data);
    let before = p.exp_string(">> ").unwrap();
    assert!(
        before.contains("skipped 1 history entry that is not valid UTF-8"),
        "{before}"
    );
    // The newest entry, after the damaged line, is recalled first...
    p.send("\x1b[A").unwrap();
    p.flush().unwrap();
    p.send_line("").unwrap();
    p.exp_string("22").unwrap();
    p.exp_string(">> ").unwrap();
    // ...and the one before the damaged line is still there.
    p.send("\x1b[A\x1b[A").unwrap();
    p.flush().unwrap();
    p.send_line("").unwrap();
    p.exp_string("11").unwrap();
    p.exp_string(">> ").unwrap();
    p.send_control('d').unwrap();
    p.exp_eof().unwrap();
    // Saving rewrote the file as valid UTF-8, without the damaged entry.
    let saved = std::fs::read_to_string(&file).expect("the history file is UTF-8 now");
    assert!(
        saved.contains("20 + 2") && saved.contains("10 + 1"),
        "{saved}"
    );
    assert!(!saved.contains("bad"), "{saved}");
}
