//! The checks of the fuzz targets (`fuzz/fuzz_targets/`), kept here so the targets and the
//! corpus replay under plain `cargo test` (`tests/fuzz_replay.rs`) run the same code.
//!
//! Each function takes arbitrary bytes and panics when a property the toolchain promises
//! does not hold; returning normally means the input passed.

use crate::compiler::CompileOptions;
use crate::lexer::{render_all, Diagnostic, RenderOptions, SourceId, Sources, Span};
use crate::manifest::{manifest_text, parse_manifest, CARTRIDGE_VERSION, CART_MAGIC};
use crate::session::{Failure, PendingInput, Session};
use crate::stdlib::console::input::{InputLog, BUTTON_MASK};
use crate::vm::{Limits, Output};
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

/// How many inputs of one `repl_session` case are evaluated.
const SESSION_INPUTS: usize = 64;

/// The cycles one REPL input may run in `repl_session`.
const SESSION_CYCLES: u64 = 100_000;

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
pub fn lex(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (tokens, errors) = crate::lexer::lex(text, SourceId(0));
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
pub fn parse_and_render(data: &[u8]) {
    let text = utf8_prefix(data);
    let unit = crate::compile_source("fuzz.pbs", text, &CompileOptions::default());
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
pub fn compile_and_verify(data: &[u8]) {
    let text = utf8_prefix(data);
    let unit = crate::compile_source("fuzz.pbs", text, &CompileOptions::default());
    if let Some(program) = unit.compiled.program {
        let bytes = crate::bytecode::encode(&program);
        if let Err(error) = crate::verify(program) {
            panic!("a compiled program fails verification: {error}");
        }
        if let Err(error) = crate::load(&bytes) {
            panic!("a compiled program's file fails to load: {error}");
        }
    }
}

/// `fuzz/fuzz_targets/load_and_run.rs`: load the bytes as a program file; when they load,
/// run under 10,000 cycles and render a trap against the embedded source.
pub fn load_and_run(data: &[u8]) {
    let Ok(program) = crate::load(data) else {
        return;
    };
    let (sources, id) = crate::program_sources(program.program());
    let mut vm = match crate::new_vm(program, Limits::default(), Box::new(Discard)) {
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

/// Asserts that every label of a diagnostic points inside a registered source, on character
/// boundaries, and that the diagnostics render with colour off and on.
fn check_diagnostics(diagnostics: &[Diagnostic], sources: &Sources) {
    for d in diagnostics {
        for label in d.primary.iter().chain(&d.secondary) {
            let span = label.span;
            assert!(
                (span.source.0 as usize) < sources.len(),
                "diagnostic {:?} points into source {} of {}",
                d.message,
                span.source.0,
                sources.len()
            );
            let text = sources.text(span.source);
            let (start, end) = (span.start as usize, span.end as usize);
            assert!(
                start <= end && end <= text.len(),
                "diagnostic {:?} has span {span} outside `{}` ({} bytes)",
                d.message,
                sources.name(span.source),
                text.len()
            );
            assert!(
                text.is_char_boundary(start) && text.is_char_boundary(end),
                "diagnostic {:?} has span {span} splitting a character",
                d.message
            );
        }
    }
    for color in [false, true] {
        let _ = render_all(diagnostics, sources, RenderOptions { color });
    }
}

/// What a session shows of itself: its variables, its declarations and its struct table.
type SessionState = (
    Vec<(String, crate::compiler::types::Type)>,
    Vec<(String, String)>,
    Vec<String>,
);

/// The session's visible state.
fn state(session: &Session) -> SessionState {
    (
        session.globals().to_vec(),
        session.declarations(),
        session.struct_table(),
    )
}

/// Checks a failed input: its diagnostics, and that the session is as it was before.
fn check_failure(failure: &Failure, session: &Session, before: &SessionState, input: &str) {
    check_diagnostics(&failure.diagnostics, &failure.sources);
    assert!(
        state(session) == *before,
        "the failed input {input:?} changed the session"
    );
}

/// Evaluates one PBS input of `repl_session`.
fn session_input(session: &mut Session, input: &str) {
    let before = state(session);
    match session.eval(input) {
        Ok(()) => {
            let structs = session.struct_table();
            assert!(
                structs.starts_with(&before.2),
                "the input {input:?} changed the identity of a struct: {:?} became {structs:?}",
                before.2
            );
        }
        Err(failure) => check_failure(&failure, session, &before, input),
    }
}

/// Runs one command line of `repl_session` (the ones that need no files or terminal).
fn session_command(session: &mut Session, line: &str) {
    let trimmed = line.trim();
    let (word, rest) = trimmed
        .split_once(char::is_whitespace)
        .unwrap_or((trimmed, ""));
    let rest = rest.trim();
    match word {
        ":reset" => {
            session.reset();
            assert!(
                state(session) == SessionState::default(),
                "`:reset` left definitions behind"
            );
        }
        ":type" | ":t" => {
            let before = state(session);
            if let Err(failure) = session.type_of(rest) {
                check_failure(&failure, session, &before, line);
            }
        }
        ":dis" => {
            let _ = session.disassemble(rest);
        }
        ":globals" => {
            let _ = (session.globals(), session.declarations());
        }
        _ => {}
    }
}

/// `fuzz/fuzz_targets/repl_session.rs`: the longest valid UTF-8 prefix as the lines of a
/// piped REPL session, grouped into inputs as the REPL does (a line starting with `:` is a
/// command; other lines continue while a [`PendingInput`] needs more), at most
/// [`SESSION_INPUTS`] of them, each under [`SESSION_CYCLES`] cycles and a 64 MiB heap.
/// Nothing may panic; a failed input leaves the variables, declarations and struct table as
/// they were, and its diagnostics point inside their sources; a successful one keeps every
/// struct's identity (the old struct table is a prefix of the new one); `:reset` forgets
/// everything.
pub fn repl_session(data: &[u8]) {
    let text = utf8_prefix(data);
    let limits = Limits {
        heap_bytes: 64 << 20,
        max_string: 1 << 20,
        max_array: 1 << 16,
        ..Limits::default()
    };
    let mut session = Session::with_limits(
        Box::new(Discard),
        Arc::new(AtomicBool::new(false)),
        limits,
        Some(SESSION_CYCLES),
    );
    let mut pending: Option<PendingInput> = None;
    let mut inputs = 0;
    for line in text.lines() {
        if inputs >= SESSION_INPUTS {
            break;
        }
        let input = match pending.as_mut() {
            Some(input) => {
                input.push_line(line);
                input
            }
            None => {
                if line.trim().is_empty() {
                    continue;
                }
                if line.trim_start().starts_with(':') {
                    session_command(&mut session, line);
                    inputs += 1;
                    continue;
                }
                pending.insert(PendingInput::new(line))
            }
        };
        if !input.needs_more() {
            if let Some(input) = pending.take() {
                session_input(&mut session, input.text());
                inputs += 1;
            }
        }
    }
}

/// `fuzz/fuzz_targets/manifest_and_log.rs`: the longest valid UTF-8 prefix as a cartridge
/// manifest and as an input log. A manifest that parses is valid (magic, version, mode, an
/// entrypoint inside the directory) and survives writing and parsing back; an error has a
/// message. A log that parses has strictly increasing frames and only button bits, renders
/// to text that parses to the same log, and answers `held_at` from its changes; an error
/// names a line of the text.
pub fn manifest_and_log(data: &[u8]) {
    let text = utf8_prefix(data);
    match parse_manifest(text) {
        Ok(manifest) => {
            assert_eq!(manifest.magic, CART_MAGIC);
            assert!((1..=CARTRIDGE_VERSION).contains(&manifest.cartridge_version));
            assert!(matches!(manifest.app_mode.as_str(), "cartridge" | "script"));
            let entry = std::path::Path::new(&manifest.entrypoint);
            assert!(
                !manifest.entrypoint.is_empty()
                    && entry
                        .components()
                        .all(|c| matches!(c, std::path::Component::Normal(_))),
                "the entrypoint {:?} leaves the cartridge directory",
                manifest.entrypoint
            );
            let written = manifest_text(&manifest);
            assert_eq!(
                parse_manifest(&written).as_ref(),
                Ok(&manifest),
                "a manifest does not survive writing and parsing back:\n{written}"
            );
        }
        Err(error) => assert!(!error.to_string().is_empty()),
    }
    match InputLog::parse(text) {
        Ok(log) => {
            let changes = log.changes();
            for pair in changes.windows(2) {
                assert!(pair[0].0 < pair[1].0, "frames do not increase: {changes:?}");
            }
            for &(frame, held) in changes {
                assert_eq!(held & !BUTTON_MASK, 0, "a held mask names no button");
                assert_eq!(log.held_at(frame), held);
            }
            if let Some(&(first, _)) = changes.first() {
                if first > 0 {
                    assert_eq!(
                        log.held_at(first - 1),
                        0,
                        "buttons held before the first line"
                    );
                }
            }
            let rendered = log.render();
            assert_eq!(
                InputLog::parse(&rendered).as_ref(),
                Ok(&log),
                "a log does not survive rendering and parsing back:\n{rendered}"
            );
        }
        Err(error) => {
            let lines = text.lines().count().max(1);
            assert!(
                (1..=lines).contains(&error.line),
                "an input-log error names line {} of a {lines}-line text",
                error.line
            );
            assert!(!error.to_string().is_empty());
        }
    }
}

/// `fuzz/fuzz_targets/load_pmc.rs`: load the bytes as a `.pmc` single-file cart; when they
/// load, boot a cartridge under 10,000 cycles per frame for three frames (mixing its sound)
/// or run a script under 10,000 cycles. A rejected file's message names a byte offset inside
/// the input when it has one.
pub fn load_pmc(data: &[u8]) {
    let (_, program) = match crate::pmc::load(data) {
        Ok(loaded) => loaded,
        Err(crate::pmc::PmcError::Program { at, error }) => {
            assert!(
                at <= data.len(),
                "offset {at} beyond the input of {} bytes",
                data.len()
            );
            let _ = error.to_string();
            return;
        }
        Err(error) => {
            let _ = error.to_string();
            return;
        }
    };
    if program.program().entry.frame.is_some() {
        let config = crate::cart::CartConfig {
            cycles_per_frame: 10_000,
            ..crate::cart::CartConfig::default()
        };
        let Ok(mut cart) = crate::cart::Cart::boot(program, config, Box::new(Discard)) else {
            return;
        };
        for _ in 0..3 {
            if cart.tick(0).is_err() {
                return;
            }
            let _ = cart.audio();
            let _ = cart.take_saves();
        }
    } else if let Ok(mut vm) = crate::new_vm(program, Limits::default(), Box::new(Discard)) {
        let _ = vm.run_script(Some(10_000));
    }
}
