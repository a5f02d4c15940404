//! The terminal front end of `prometeuc repl`: line editing, history, prompts, commands and
//! Ctrl-C. The evaluation itself is [`prometeu::session::Session`].

use prometeu::lexer::{render_all, RenderOptions};
use prometeu::session::{Failure, Session};
use prometeu::vm::Output;
use rustyline::completion::Completer;
use rustyline::error::ReadlineError;
use rustyline::highlight::{CmdKind, Highlighter, MatchingBracketHighlighter};
use rustyline::hint::Hinter;
use rustyline::validate::Validator;
use rustyline::Helper;
use std::borrow::Cow;
use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

const HELP: &str = "\
Enter declarations (fn, declare struct/global/const), statements or expressions.
An expression's value is printed; `let` defines a session variable.
Input continues on the next line (prompt `..`) while brackets are open.
Commands:
  :help          this text
  :quit          leave (Ctrl-D works too)
  :type EXPR     the static type of an expression
  :dis NAME      the bytecode of a function (NAME or Struct.method)
  :globals       the session's variables, functions, structs and constants
  :reset         forget every definition
  :load FILE     evaluate a file's declarations in the session
Ctrl-C interrupts a running evaluation.";

/// Program output straight to standard output, flushed per write so it interleaves with
/// diagnostics in order.
struct Stdout;

impl Output for Stdout {
    fn write_str(&mut self, text: &str) {
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(text.as_bytes());
        let _ = out.flush();
    }
}

/// Bracket matching for the line editor. Inputs continue on `..` lines decided by
/// [`Session::needs_more`], so the editor itself accepts every line.
struct EditorHelper {
    brackets: MatchingBracketHighlighter,
}

impl Helper for EditorHelper {}

impl Completer for EditorHelper {
    type Candidate = String;
}

impl Hinter for EditorHelper {
    type Hint = String;
}

impl Validator for EditorHelper {}

impl Highlighter for EditorHelper {
    fn highlight<'l>(&self, line: &'l str, pos: usize) -> Cow<'l, str> {
        self.brackets.highlight(line, pos)
    }

    fn highlight_char(&self, line: &str, pos: usize, kind: CmdKind) -> bool {
        self.brackets.highlight_char(line, pos, kind)
    }
}

/// Where inputs come from: the line editor, or plain standard input.
enum Input {
    Editor(Box<rustyline::Editor<EditorHelper, rustyline::history::DefaultHistory>>),
    Plain(std::io::StdinLock<'static>),
}

/// What reading a line produced.
enum Line {
    Text(String),
    Interrupted,
    End,
}

impl Input {
    fn read(&mut self, prompt: &str) -> std::io::Result<Line> {
        match self {
            Input::Editor(editor) => match editor.readline(prompt) {
                Ok(line) => Ok(Line::Text(line)),
                Err(ReadlineError::Interrupted) => Ok(Line::Interrupted),
                Err(ReadlineError::Eof) => Ok(Line::End),
                Err(ReadlineError::Io(e)) => Err(e),
                Err(e) => Err(std::io::Error::other(e.to_string())),
            },
            Input::Plain(stdin) => {
                let mut line = String::new();
                if stdin.read_line(&mut line)? == 0 {
                    return Ok(Line::End);
                }
                Ok(Line::Text(line.trim_end_matches(['\n', '\r']).to_string()))
            }
        }
    }
}

/// The history file under the user's data directory.
fn history_path() -> Option<PathBuf> {
    let dir = dirs::data_dir()?.join("prometeuc");
    std::fs::create_dir_all(&dir).ok()?;
    Some(dir.join("history.txt"))
}

fn report(failure: &Failure, color: bool) {
    let text = render_all(
        &failure.diagnostics,
        &failure.sources,
        RenderOptions { color },
    );
    let _ = std::io::stderr().write_all(text.as_bytes());
}

/// Runs the REPL until `:quit` or the end of input. Returns the exit status.
pub fn run(color: Option<bool>) -> u8 {
    let interactive = std::io::stdin().is_terminal();
    let color =
        color.unwrap_or(interactive && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()));
    let interrupt = Arc::new(AtomicBool::new(false));
    {
        let flag = interrupt.clone();
        // Without a handler Ctrl-C would end the process; with it, a running evaluation stops.
        let _ = ctrlc::set_handler(move || flag.store(true, Ordering::SeqCst));
    }
    let mut session = Session::new(Box::new(Stdout), interrupt);
    let history = if interactive { history_path() } else { None };
    let mut input = if interactive {
        let mut editor = match rustyline::Editor::new() {
            Ok(e) => e,
            Err(e) => {
                eprintln!("error: cannot start the line editor: {e}");
                return 1;
            }
        };
        editor.set_helper(Some(EditorHelper {
            brackets: MatchingBracketHighlighter::new(),
        }));
        if let Some(path) = &history {
            let _ = editor.load_history(path);
        }
        println!(
            "PBS {} — :help for help, :quit to leave",
            env!("CARGO_PKG_VERSION")
        );
        Input::Editor(Box::new(editor))
    } else {
        Input::Plain(std::io::stdin().lock())
    };
    let prompt = |p: &'static str| if interactive { p } else { "" };
    loop {
        let first = match input.read(prompt(">> ")) {
            Ok(Line::Text(t)) => t,
            Ok(Line::Interrupted) => continue,
            Ok(Line::End) => break,
            Err(e) => {
                eprintln!("error: cannot read input: {e}");
                return 1;
            }
        };
        if first.trim().is_empty() {
            continue;
        }
        let mut text = first;
        if !text.trim_start().starts_with(':') {
            let mut abandoned = false;
            while Session::needs_more(&text) {
                match input.read(prompt(".. ")) {
                    Ok(Line::Text(more)) => {
                        text.push('\n');
                        text.push_str(&more);
                    }
                    Ok(Line::Interrupted) => {
                        abandoned = true;
                        break;
                    }
                    Ok(Line::End) => break,
                    Err(e) => {
                        eprintln!("error: cannot read input: {e}");
                        return 1;
                    }
                }
            }
            if abandoned {
                continue;
            }
        }
        if let Input::Editor(editor) = &mut input {
            let _ = editor.add_history_entry(text.as_str());
            if let Some(path) = &history {
                let _ = editor.save_history(path);
            }
        }
        if !command(&mut session, &text, color) {
            break;
        }
    }
    0
}

/// Handles one input (a command or PBS); returns false to leave.
fn command(session: &mut Session, text: &str, color: bool) -> bool {
    let trimmed = text.trim();
    let (word, rest) = trimmed
        .split_once(char::is_whitespace)
        .unwrap_or((trimmed, ""));
    let rest = rest.trim();
    match word {
        ":quit" | ":q" | ":exit" => return false,
        ":help" | ":h" => println!("{HELP}"),
        ":type" | ":t" => match session.type_of(rest) {
            Ok(ty) => println!("{ty}"),
            Err(f) => report(&f, color),
        },
        ":dis" => match session.disassemble(rest) {
            Some(text) => print!("{text}"),
            None => eprintln!("error: no function named `{rest}` in this session"),
        },
        ":globals" => {
            for (name, ty) in session.globals() {
                println!("{name}: {ty}");
            }
            for (name, signature) in session.declarations() {
                println!("{name}: {signature}");
            }
        }
        ":reset" => session.reset(),
        ":load" => match std::fs::read_to_string(rest) {
            Ok(source) => {
                if let Err(f) = session.eval(&source) {
                    report(&f, color);
                }
            }
            Err(e) => eprintln!("error: cannot read `{rest}`: {e}"),
        },
        w if w.starts_with(':') => eprintln!("error: unknown command `{w}` (try :help)"),
        _ => {
            if let Err(f) = session.eval(text) {
                report(&f, color);
            }
        }
    }
    let _ = std::io::stdout().flush();
    true
}
