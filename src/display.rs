//! Text from program files made safe for the terminal.
//!
//! A `.pbc` file can hold any string as a function, struct or source name, so a hand-made file
//! could forge stack-trace lines or recolour the terminal with control characters, or reorder
//! what is shown with bidirectional formatting characters. Names are escaped before they are
//! printed; the embedded source text, which diagnostics point into by byte offset, has such
//! characters replaced by `?` of the same byte length.

use prometeu::bytecode::Program;
use prometeu::lexer::{escape_for_display, needs_escape};
use std::borrow::Cow;

/// Replaces the unsafe characters of a source text, other than tab, line feed and carriage
/// return, with `?` repeated to the character's UTF-8 length, so every byte offset stays valid.
fn neutralize_source(text: &str) -> Cow<'_, str> {
    let bad = |c: char| needs_escape(c) && !matches!(c, '\t' | '\n' | '\r');
    if !text.chars().any(bad) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if bad(c) {
            out.extend(std::iter::repeat_n('?', c.len_utf8()));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// A copy of a program for showing it (disassembly, stack traces): the names of functions,
/// structs, fields, globals and the source are escaped, and the source text neutralized. It
/// is never run.
pub(crate) fn program_for_display(program: &Program) -> Program {
    let mut shown = program.clone();
    let escape = |s: &mut String| {
        if let Cow::Owned(e) = escape_for_display(s) {
            *s = e;
        }
    };
    for f in &mut shown.functions {
        escape(&mut f.name);
    }
    for s in &mut shown.structs {
        escape(&mut s.name);
        s.fields.iter_mut().for_each(escape);
    }
    escape(&mut shown.source_name);
    if let Some(text) = &mut shown.source_text {
        if let Cow::Owned(clean) = neutralize_source(text) {
            *text = clean;
        }
    }
    for file in &mut shown.files {
        escape(&mut file.name);
        if let Some(text) = &mut file.text {
            if let Cow::Owned(clean) = neutralize_source(text) {
                *text = clean;
            }
        }
    }
    // Global names share the string pool with string constants (which the disassembler
    // already quotes with escapes): an unsafe name gets an escaped copy at the pool's end.
    let mut redirect = |index: &mut u32| {
        if let Cow::Owned(e) = escape_for_display(program.string(*index)) {
            *index = shown.strings.len() as u32;
            shown.strings.push(e);
        }
    };
    let (mut globals, mut sites) = (shown.globals.clone(), shown.global_sites.clone());
    globals.iter_mut().for_each(&mut redirect);
    sites.iter_mut().for_each(&mut redirect);
    shown.globals = globals;
    shown.global_sites = sites;
    shown
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_lose_their_control_and_bidi_characters() {
        assert_eq!(escape_for_display("main"), "main");
        assert_eq!(
            escape_for_display("f\n    at main (x.pbs:1:1)\u{1b}[31m"),
            "f\\u{a}    at main (x.pbs:1:1)\\u{1b}[31m"
        );
        assert_eq!(escape_for_display("a\u{202e}b"), "a\\u{202e}b");
    }

    #[test]
    fn the_source_keeps_its_byte_offsets() {
        let text = "a\u{1b}b\u{202e}c\n\td";
        let clean = neutralize_source(text);
        assert_eq!(clean, "a?b???c\n\td");
        assert_eq!(clean.len(), text.len());
    }
}
