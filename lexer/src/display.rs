//! Showing text that came from a file (source excerpts, names, messages) without letting
//! it act on the terminal: control, bidirectional-override and invisible characters are
//! written as `\u{...}` escapes.

use std::borrow::Cow;

/// Whether a character is shown as an escape: control characters (tab and line breaks
/// included), the bidirectional formatting characters (`U+202A`..`U+202E`,
/// `U+2066`..`U+2069`, the marks `U+200E`, `U+200F`, `U+061C`), the line and paragraph
/// separators, the byte order mark and the zero-width characters.
pub fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061C}'
                | '\u{200B}'..='\u{200F}'
                | '\u{2028}'..='\u{202E}'
                | '\u{2060}'..='\u{2069}'
                | '\u{FEFF}'
                | '\u{FFF9}'..='\u{FFFB}'
        )
}

/// Escapes the characters of `text` that must not reach a terminal raw (see the module
/// documentation), as `\u{202e}`; other text, including non-ASCII letters, is unchanged.
///
/// Every stage that shows text taken from a file uses it: the renderer for excerpts,
/// messages, labels and notes; the command line for names read from a `.pbc` file.
pub fn escape_for_display(text: &str) -> Cow<'_, str> {
    escape_with(text, needs_escape)
}

/// Escapes a source line for an excerpt: like [`escape_for_display`], but a tab stays a
/// tab (the renderer expands it).
pub(crate) fn escape_excerpt(text: &str) -> Cow<'_, str> {
    escape_with(text, |c| c != '\t' && needs_escape(c))
}

/// The escape of one character, such as `\u{202e}`.
pub(crate) fn escape_char(c: char, out: &mut String) {
    out.push_str(&format!("\\u{{{:x}}}", c as u32));
}

fn escape_with(text: &str, escape: impl Fn(char) -> bool) -> Cow<'_, str> {
    let plain_ascii = |b: &u8| (b' '..0x7f).contains(b);
    if text.is_ascii() && text.as_bytes().iter().all(plain_ascii) {
        return Cow::Borrowed(text);
    }
    if !text.chars().any(&escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if escape(c) {
            escape_char(c, &mut out);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_bidi_controls_and_bom_but_not_letters() {
        assert_eq!(escape_for_display("a\u{202e}b"), "a\\u{202e}b");
        assert_eq!(
            escape_for_display("\u{feff}x\u{1b}[2J"),
            "\\u{feff}x\\u{1b}[2J"
        );
        assert_eq!(escape_for_display("tab\there\n"), "tab\\u{9}here\\u{a}");
        assert!(matches!(
            escape_for_display("héllo wörld"),
            Cow::Borrowed(_)
        ));
        assert_eq!(escape_excerpt("\tx\u{2066}"), "\tx\\u{2066}");
    }
}
