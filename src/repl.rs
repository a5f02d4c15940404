//! The terminal front end of `prometeuc repl`: line editing, history, prompts, commands and
//! Ctrl-C. The evaluation itself is [`prometeu::session::Session`].

use crate::imports::DiskSources;
use prometeu::lexer::{render_all, RenderOptions};
use prometeu::session::{Failure, PendingInput, Session};
use prometeu::vm::Output;
use rustyline::completion::Completer;
use rustyline::error::ReadlineError;
use rustyline::highlight::{CmdKind, Highlighter, MatchingBracketHighlighter};
use rustyline::hint::Hinter;
use rustyline::validate::Validator;
use rustyline::Helper;
use std::borrow::Cow;
use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
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
/// a [`PendingInput`], so the editor itself accepts every line.
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

/// Where inputs come from: the line editor, or plain standard input (with the number of
/// lines read so far).
enum Input {
    Editor(Box<rustyline::Editor<EditorHelper, rustyline::history::DefaultHistory>>),
    Plain(std::io::StdinLock<'static>, usize),
}

/// What reading a line produced.
enum Line {
    Text(String),
    /// A line that is not valid UTF-8, with the bad bytes replaced (empty when the line
    /// editor discarded it).
    Invalid(String),
    /// A line longer than the most it may be; its text was not kept.
    TooLong,
    Interrupted,
    End,
}

/// The most bytes one input (a line, or all the lines of a multi-line input with the line
/// breaks between them) may have: the source cap, as for a file.
const INPUT_CAP: usize = crate::files::SOURCE.bytes as usize;

impl Input {
    /// Reads one line of at most `limit` bytes (without its line break); a longer line is
    /// [`Line::TooLong`], and plain standard input reads no more than a few bytes past the
    /// limit, so memory stays bounded whatever the input.
    fn read(&mut self, prompt: &str, limit: usize) -> std::io::Result<Line> {
        match self {
            Input::Editor(editor) => match editor.readline(prompt) {
                Ok(line) if line.len() > limit => Ok(Line::TooLong),
                Ok(line) => Ok(Line::Text(line)),
                Err(ReadlineError::Interrupted) => Ok(Line::Interrupted),
                Err(ReadlineError::Eof) => Ok(Line::End),
                Err(ReadlineError::Io(e)) if e.kind() == std::io::ErrorKind::InvalidData => {
                    Ok(Line::Invalid(String::new()))
                }
                Err(ReadlineError::Io(e)) => Err(e),
                Err(e) => Err(std::io::Error::other(e.to_string())),
            },
            Input::Plain(stdin, count) => {
                let mut bytes = Vec::new();
                // Room for the line and its `\r\n`, and one byte more to see it is too long.
                let most = limit.saturating_add(3) as u64;
                if std::io::Read::take(&mut *stdin, most).read_until(b'\n', &mut bytes)? == 0 {
                    return Ok(Line::End);
                }
                *count += 1;
                while bytes.last().is_some_and(|b| matches!(b, b'\n' | b'\r')) {
                    bytes.pop();
                }
                if bytes.len() > limit {
                    return Ok(Line::TooLong);
                }
                Ok(match String::from_utf8(bytes) {
                    Ok(text) => Line::Text(text),
                    Err(e) => Line::Invalid(String::from_utf8_lossy(e.as_bytes()).into_owned()),
                })
            }
        }
    }

    /// The number of the line read last, when reading from plain standard input (1-based).
    fn line_number(&self) -> Option<usize> {
        match self {
            Input::Editor(_) => None,
            Input::Plain(_, count) => Some(*count),
        }
    }
}

/// The history file under the user's data directory.
fn history_path() -> Option<PathBuf> {
    let dir = dirs::data_dir()?.join("prometeuc");
    std::fs::create_dir_all(&dir).ok()?;
    Some(dir.join("history.txt"))
}

/// The entries of a history file in the line editor's format (an optional `#V2` first line,
/// then one entry per line with line breaks and backslashes escaped as `\n` and `\\`), and
/// how many lines were skipped because they are not valid UTF-8.
fn history_entries(bytes: &[u8]) -> (Vec<String>, usize) {
    let mut entries = Vec::new();
    let mut skipped = 0;
    let mut escaped = false;
    for (index, raw) in bytes.split(|&b| b == b'\n').enumerate() {
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        let Ok(line) = std::str::from_utf8(raw) else {
            skipped += 1;
            continue;
        };
        if index == 0 && line == "#V2" {
            escaped = true;
            continue;
        }
        if line.is_empty() {
            continue;
        }
        entries.push(if escaped {
            unescape_history(line)
        } else {
            line.to_string()
        });
    }
    (entries, skipped)
}

/// Undoes the escapes of a history line; a line with any other escape is kept as it is.
fn unescape_history(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('\\') => out.push('\\'),
            _ => return line.to_string(),
        }
    }
    out
}

/// Loads the history file into the editor entry by entry, so one damaged line (say, bytes
/// that are not UTF-8) loses only itself. The next save rewrites the file without it.
fn load_history(
    editor: &mut rustyline::Editor<EditorHelper, rustyline::history::DefaultHistory>,
    path: &Path,
) {
    let Ok(bytes) = crate::files::read_capped(path, crate::files::SOURCE) else {
        return;
    };
    let (entries, skipped) = history_entries(&bytes);
    for entry in entries {
        let _ = editor.add_history_entry(entry);
    }
    if skipped > 0 {
        let entries = if skipped == 1 { "entry" } else { "entries" };
        eprintln!(
            "warning: skipped {skipped} history {entries} that {} not valid UTF-8 in `{}`",
            if skipped == 1 { "is" } else { "are" },
            path.display()
        );
    }
}

/// The text of a file for `:load`: one PBS source, read through the command line's capped
/// reader (directories and named pipes are refused before they are opened, and the read stops
/// at the source size cap).
fn read_source(path: &str) -> Result<String, String> {
    let bytes = crate::files::read_capped(Path::new(path), crate::files::SOURCE)
        .map_err(|e| e.to_string())?;
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "cannot load `{path}`: it is not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        )
    })
}

fn report(failure: &Failure, color: bool) {
    let text = render_all(
        &failure.diagnostics,
        &failure.sources,
        RenderOptions { color },
    );
    let _ = std::io::stderr().write_all(text.as_bytes());
}

/// What handling one input did.
enum Step {
    /// The input did what it asked.
    Done,
    /// The input failed; its error was reported.
    Failed,
    /// Leave the REPL.
    Quit,
}

/// Runs the REPL until `:quit` or the end of input. Returns the exit status: `1` when the
/// input cannot be read or the line editor cannot start, and, when standard input is not a
/// terminal, when any input failed; `0` otherwise.
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
            load_history(&mut editor, path);
        }
        println!(
            "PBS {} — :help for help, :quit to leave",
            env!("CARGO_PKG_VERSION")
        );
        Input::Editor(Box::new(editor))
    } else {
        Input::Plain(std::io::stdin().lock(), 0)
    };
    let prompt = |p: &'static str| if interactive { p } else { "" };
    let mut failed = false;
    'inputs: loop {
        let mut invalid = None;
        let first = match input.read(prompt(">> "), INPUT_CAP) {
            Ok(Line::Text(t)) => t,
            Ok(Line::Invalid(text)) => {
                invalid = Some(input.line_number());
                text
            }
            Ok(Line::TooLong) => match too_long(None, input.line_number()) {
                Some(()) => continue,
                None => {
                    failed = true;
                    break;
                }
            },
            Ok(Line::Interrupted) => continue,
            Ok(Line::End) => break,
            Err(e) => {
                eprintln!("error: cannot read input: {e}");
                return 1;
            }
        };
        if first.trim().is_empty() && invalid.is_none() {
            continue;
        }
        let start = input.line_number();
        let mut text = first;
        if !text.trim_start().starts_with(':') {
            let mut pending = PendingInput::new(&text);
            while pending.needs_more() {
                // The line break before the new line counts too.
                let room = INPUT_CAP.saturating_sub(pending.text().len() + 1);
                let more = match input.read(prompt(".. "), room) {
                    Ok(Line::Text(more)) => more,
                    Ok(Line::Invalid(more)) => {
                        invalid.get_or_insert(input.line_number());
                        more
                    }
                    Ok(Line::TooLong) => match too_long(start, input.line_number()) {
                        Some(()) => continue 'inputs,
                        None => {
                            failed = true;
                            break 'inputs;
                        }
                    },
                    Ok(Line::Interrupted) => continue 'inputs,
                    // Nothing is evaluated: completing the input with the `;` or `}` it
                    // lacks would report errors about text that was never typed.
                    Ok(Line::End) if interactive => {
                        eprintln!("the unfinished input was abandoned");
                        continue 'inputs;
                    }
                    Ok(Line::End) => {
                        eprintln!(
                            "error: the input that starts on line {} is unfinished at the end of the input (a bracket is still open, or a statement is cut short); it was not evaluated",
                            start.unwrap_or(0)
                        );
                        failed = true;
                        break 'inputs;
                    }
                    Err(e) => {
                        eprintln!("error: cannot read input: {e}");
                        return 1;
                    }
                };
                pending.push_line(&more);
            }
            text = pending.into_text();
        }
        if let Some(line) = invalid {
            // The input goes on to its end (judged on the text with the bad bytes replaced)
            // and is skipped as a whole, so its remaining lines are not read as new inputs.
            match line {
                Some(line) => eprintln!(
                    "error: line {line} of the input is not valid UTF-8; {} was skipped",
                    input_name(start, input.line_number(), line)
                ),
                None => {
                    eprintln!("error: the line typed is not valid UTF-8; the input was skipped")
                }
            }
            failed = true;
            continue;
        }
        if let Input::Editor(editor) = &mut input {
            let _ = editor.add_history_entry(text.as_str());
            if let Some(path) = &history {
                let _ = editor.save_history(path);
            }
        }
        match command(&mut session, &text, color) {
            Step::Done => {}
            Step::Failed => failed = true,
            Step::Quit => break,
        }
    }
    u8::from(failed && !interactive)
}

/// Reports an input that grew past [`INPUT_CAP`] at line `line` (`start` is its first line
/// when the input already had lines before). Typed at a terminal, the input is abandoned and
/// the session goes on (`Some`); read from plain standard input, where the input ends cannot
/// be judged without keeping it whole, so reading stops there (`None`).
fn too_long(start: Option<usize>, line: Option<usize>) -> Option<()> {
    let what = match (start, line) {
        (Some(start), Some(line)) if start != line => {
            format!("the input that starts on line {start} grows past 32 MiB (the most a source may be) at line {line}")
        }
        (_, Some(line)) => {
            format!("line {line} of the input is longer than 32 MiB, the most a source may be")
        }
        (_, None) => {
            eprintln!("error: the input is longer than 32 MiB, the most a source may be; it was abandoned");
            return Some(());
        }
    };
    eprintln!("error: {what}; the rest of the input was not read (split the data over several inputs, or `:load` a file)");
    None
}

/// How an error about line `bad` names the input on lines `start` to `end` of standard
/// input.
fn input_name(start: Option<usize>, end: Option<usize>, bad: usize) -> String {
    match (start, end) {
        (Some(start), Some(end)) if end > start => {
            format!("the input on lines {start} to {end}")
        }
        (Some(start), _) if start != bad => format!("the input on line {start}"),
        _ => "it".to_string(),
    }
}

/// Handles one input (a command or PBS).
fn command(session: &mut Session, text: &str, color: bool) -> Step {
    let trimmed = text.trim();
    let (word, rest) = trimmed
        .split_once(char::is_whitespace)
        .unwrap_or((trimmed, ""));
    let rest = rest.trim();
    let step = match word {
        ":quit" | ":q" | ":exit" => return Step::Quit,
        ":help" | ":h" => {
            println!("{HELP}");
            Step::Done
        }
        ":type" | ":t" => match session.type_of(rest) {
            Ok(ty) => {
                println!("{ty}");
                Step::Done
            }
            Err(f) => failure(&f, color),
        },
        ":dis" if rest.is_empty() => {
            usage("`:dis` needs a function name: `:dis NAME` or `:dis Struct.method`")
        }
        ":dis" => match session.disassemble(rest) {
            Some(text) => {
                print!("{text}");
                Step::Done
            }
            None => usage(&format!("no function named `{rest}` in this session")),
        },
        ":globals" => {
            for (name, ty) in session.globals() {
                println!("{name}: {}", session.as_written(&ty.to_string()));
            }
            for (name, signature) in session.declarations() {
                println!("{name}: {}", session.as_written(&signature));
            }
            Step::Done
        }
        ":reset" => {
            session.reset();
            Step::Done
        }
        ":load" if rest.is_empty() => usage("`:load` needs a file name: `:load FILE`"),
        ":load" => match read_source(rest) {
            Ok(source) => {
                // Its imports and their asset files are relative to the file's folder.
                let file = Path::new(rest);
                let assets = crate::asset_reader(file);
                match session.eval_with_files(&source, &DiskSources::new(file), Some(&*assets.0)) {
                    Ok(()) => Step::Done,
                    Err(f) => failure(&f, color),
                }
            }
            Err(message) => usage(&message),
        },
        w if w.starts_with(':') => usage(&format!("unknown command `{w}` (try :help)")),
        // Imports typed at the prompt are relative to the current directory.
        _ => {
            let prompt = Path::new("<prompt>");
            let assets = crate::asset_reader(prompt);
            match session.eval_with_files(text, &DiskSources::new(prompt), Some(&*assets.0)) {
                Ok(()) => Step::Done,
                Err(f) => failure(&f, color),
            }
        }
    };
    let _ = std::io::stdout().flush();
    step
}

/// Reports a failed input.
fn failure(failure: &Failure, color: bool) -> Step {
    report(failure, color);
    Step::Failed
}

/// Reports a command that could not be carried out.
fn usage(message: &str) -> Step {
    eprintln!("error: {message}");
    Step::Failed
}

#[cfg(test)]
mod tests {
    use super::history_entries;

    #[test]
    fn history_entries_skip_only_the_lines_that_are_not_utf8() {
        let file = b"#V2\nlet a = 1\n\xff\xfe\nfn f() {\\n    print(\"\\\\\");\\n}\n\n:globals\r\n";
        let (entries, skipped) = history_entries(file);
        assert_eq!(
            entries,
            ["let a = 1", "fn f() {\n    print(\"\\\");\n}", ":globals"]
        );
        assert_eq!(skipped, 1);
    }

    #[test]
    fn history_entries_of_an_old_file_are_not_unescaped() {
        let (entries, skipped) = history_entries(b"a\\nb\n\xc3\nc\n");
        assert_eq!(entries, ["a\\nb", "c"]);
        assert_eq!(skipped, 1);
    }

    #[test]
    fn history_entries_keep_a_line_with_an_unknown_escape_as_it_is() {
        let (entries, _) = history_entries(b"#V2\nx\\ty\n");
        assert_eq!(entries, ["x\\ty"]);
    }
}
