//! The interactive REPL driven through a pseudo-terminal: multi-line input with the `..`
//! prompt, history recall with the arrow keys, and Ctrl-C interrupting a running loop.

use rexpect::session::spawn_command;
use std::process::Command;

#[test]
fn interactive_session_in_a_terminal() {
    let data = std::env::temp_dir().join(format!("prometeuc-pty-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data);
    std::fs::create_dir_all(&data).unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_prometeuc"));
    command.args(["--color", "never", "repl"]);
    command
        .env("XDG_DATA_HOME", &data)
        .env("HOME", &data)
        .env("TERM", "xterm");
    let mut p = spawn_command(command, Some(20_000)).expect("spawns in a pty");

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
