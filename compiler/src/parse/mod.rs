//! Parsing: tokens to a spanned [`Module`], never failing.
//!
//! Before the grammar runs, a linear scan rejects inputs nested deeper than the limit (so the
//! parser can never exhaust the stack); then the chumsky grammar recovers at statement and
//! declaration boundaries so one run reports every independent syntax error.

mod chains;
mod error;
mod grammar;
mod mistakes;
mod scan;
mod tokens;

use crate::ast::Module;
use crate::Limits;
use chumsky::prelude::*;
use error::{Expected, Reason, SyntaxError};
use grammar::GSpan;
use prometeu_lexer::{Diagnostic, SourceId, Span, Token};
use scan::Scan;

/// A syntax error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    /// The stable code.
    pub code: &'static str,
    /// The message: what was expected and what was found.
    pub message: String,
    /// The primary span.
    pub span: Span,
    /// The label on the span.
    pub label: String,
    /// A help line, if there is an obvious fix.
    pub help: Option<String>,
}

impl ParseError {
    /// Converts the error into a renderable diagnostic.
    pub fn to_diagnostic(&self) -> Diagnostic {
        let mut d = Diagnostic::error(self.code, &self.message, self.span, &self.label);
        d.help = self.help.clone();
        d
    }
}

/// Joins the descriptions of the expected patterns: sorted, without duplicates.
fn expected_list(expected: &Expected<'_>) -> String {
    let mut expected = expected.describe();
    expected.sort();
    expected.dedup();
    match expected.len() {
        0 => "something else".to_string(),
        1 => expected.remove(0),
        _ => {
            let last = expected.pop().unwrap_or_default();
            format!("{} or {last}", expected.join(", "))
        }
    }
}

/// Converts a grammar error into a [`ParseError`].
fn convert(error: &SyntaxError<'_, '_>, source: SourceId, eoi: u32) -> ParseError {
    let s = error.span();
    let span = Span {
        source,
        start: s.start.min(eoi),
        end: s.end.min(eoi),
    };
    let (expected, found) = match error.reason() {
        Reason::Custom(message) => return convert_custom(message, span),
        Reason::ExpectedFound { expected, found } => (expected, found.as_deref()),
    };
    let expected = expected_list(expected);
    let found_text = found.map_or("end of input".to_string(), Token::describe);
    let reserved = matches!(found, Some(Token::Reserved(_)));
    ParseError {
        code: if reserved { "E0103" } else { "E0100" },
        message: format!("expected {expected}, found {found_text}"),
        span,
        label: format!("unexpected {found_text}"),
        help: reserved.then(|| {
            "this word is reserved for a future version of PBS; pick another name".to_string()
        }),
    }
}

/// Converts a custom grammar error, `"CODE|message"`, into a [`ParseError`].
fn convert_custom(message: &str, span: Span) -> ParseError {
    let (code, message) = message.split_once('|').unwrap_or(("E0100", message));
    let (code, label, help) = match code {
        "E0105" => (
            "E0105",
            "assignment here",
            Some("assignments are statements; use `==` to compare, or assign on its own line"),
        ),
        "E0108" => (
            "E0108",
            "write `,` here",
            Some("patterns that share an arm are separated by commas: write `1, 2 =>`"),
        ),
        "E0103" => (
            "E0103",
            "reserved word",
            Some("this word is reserved for a future version of PBS; pick another name"),
        ),
        "E0103K" => (
            "E0103",
            "a keyword",
            Some("`some` and `none` make optional values; pick another name"),
        ),
        _ => ("E0100", "here", None),
    };
    ParseError {
        code,
        message: message.to_string(),
        span,
        label: label.into(),
        help: help.map(str::to_string),
    }
}

/// Whether an error is an "unexpected end of input" (the REPL continues reading then).
pub fn is_unexpected_end(error: &ParseError, source_len: usize) -> bool {
    error.code == "E0100"
        && error.message.ends_with("found end of input")
        && error.span.start as usize >= source_len
}

/// Parses tokens into a module; always returns a module (possibly partial) and every error.
pub fn parse(
    tokens: &[(Token<'_>, Span)],
    source: SourceId,
    source_len: usize,
    limits: &Limits,
) -> (Module, Vec<ParseError>) {
    parse_owned(tokens.to_vec(), source, source_len, limits)
}

/// Parses tokens into a module like [`parse`], consuming them: the grammar's input is built
/// in the tokens' own allocation, so parsing holds one token vector, not two.
pub fn parse_owned(
    tokens: Vec<(Token<'_>, Span)>,
    source: SourceId,
    source_len: usize,
    limits: &Limits,
) -> (Module, Vec<ParseError>) {
    if let Some(error) = Scan::over(&tokens, limits).error() {
        return (Module::default(), vec![error]);
    }
    // The grammar's tokens (a `u32` span without the source) are 32 bytes against the
    // lexer's 40, with the same alignment: they are collected in the same allocation, which
    // is then trimmed, so parsing holds one token vector, 32 bytes a token.
    let mut converted: Vec<(Token<'_>, GSpan)> = tokens
        .into_iter()
        .map(|(t, s)| (t, GSpan::from(s.start..s.end)))
        .collect();
    converted.shrink_to_fit();
    // Offsets are `u32`; the compiler refuses larger sources before lexing.
    let end = u32::try_from(source_len).unwrap_or(u32::MAX);
    let eoi = GSpan::from(end..end);
    let input = converted.as_slice().map(eoi, |(t, s)| (t, s));
    let (module, errors) = grammar::module(source).parse(input).into_output_errors();
    let mut errors: Vec<ParseError> = errors.iter().map(|e| convert(e, source, end)).collect();
    mistakes::refine(&mut errors, &converted);
    let module = module.unwrap_or_default();
    errors.extend(chains::chained_comparisons(&module));
    errors.sort_by_key(|e| e.span.start);
    errors.dedup_by(|a, b| a.span == b.span);
    (module, errors)
}

/// Lexes and parses a whole source file: in pieces when it lexes and parses cleanly (less
/// memory), otherwise with one lexing and one parse of the whole, for the same diagnostics.
/// Returns the module and the lexing and parsing diagnostics, in that order. Equal names
/// share one allocation ([`crate::name::interning`]).
pub fn parse_source(text: &str, source: SourceId, limits: &Limits) -> (Module, Vec<Diagnostic>) {
    crate::name::interning(|| parse_source_interned(text, source, limits))
}

/// [`parse_source`], once interning is on.
fn parse_source_interned(
    text: &str,
    source: SourceId,
    limits: &Limits,
) -> (Module, Vec<Diagnostic>) {
    let (module, parse_errors, mut diagnostics) = match parse_in_pieces(text, source, limits) {
        Some((module, errors)) => (module, errors, Vec::new()),
        None => {
            // The tokens are consumed by the parser: nothing after parsing needs them.
            let (tokens, lex_errors) = prometeu_lexer::lex(text, source);
            let diagnostics: Vec<Diagnostic> =
                lex_errors.iter().map(|e| e.to_diagnostic()).collect();
            let (module, errors) = parse_owned(tokens, source, text.len(), limits);
            (module, errors, diagnostics)
        }
    };
    diagnostics.extend(parse_errors.iter().map(|e| e.to_diagnostic()));
    (module, diagnostics)
}

/// Lexes and parses a source into a module like [`parse_owned`], holding less memory. The
/// source is lexed once without keeping its tokens, to check its nesting and braces and to
/// find where it can be cut into pieces at declaration boundaries; then each piece is lexed
/// again and parsed, from the last piece to the first, and its tokens are freed once it is
/// parsed. So no token vector of the whole source exists, and the tokens of one piece at
/// most are alive next to the syntax tree. Returns `None` when the source has a lexical
/// error or a piece has a syntax error: the caller then lexes the whole source and parses
/// it with [`parse_owned`], so diagnostics are exactly those of one parse.
pub fn parse_in_pieces(
    text: &str,
    source: SourceId,
    limits: &Limits,
) -> Option<(Module, Vec<ParseError>)> {
    let mut scan = Scan::new(limits);
    let lex_errors = prometeu_lexer::lex_each(text, source, 0..text.len(), |token, span| {
        scan.token(&token, span)
    });
    if !lex_errors.is_empty() {
        return None;
    }
    if let Some(error) = scan.error() {
        return Some((Module::default(), vec![error]));
    }
    // Offsets are `u32`; the compiler refuses larger sources before lexing.
    let end = u32::try_from(text.len()).unwrap_or(u32::MAX);
    // The items of the pieces, last piece first and each piece's items reversed.
    let mut items = Vec::new();
    let mut public = Vec::new();
    let mut piece_end = (end, scan.count());
    for cut in scan.cuts().iter().rev() {
        let (end_offset, end_token) = piece_end;
        let mut tokens: Vec<(Token<'_>, GSpan)> =
            Vec::with_capacity(end_token.saturating_sub(cut.token));
        let range = cut.offset as usize..end_offset as usize;
        prometeu_lexer::lex_each(text, source, range, |token, span| {
            tokens.push((token, GSpan::from(span.start..span.end)))
        });
        let eoi = GSpan::from(end_offset..end_offset);
        let input = tokens.as_slice().map(eoi, |(t, s)| (t, s));
        let (module, errors) = grammar::module(source).parse(input).into_output_errors();
        if !errors.is_empty() {
            return None;
        }
        let module = module.unwrap_or_default();
        items.extend(module.items.into_iter().rev());
        public.extend(module.public.into_iter().rev());
        piece_end = (cut.offset, cut.token);
    }
    items.reverse();
    public.reverse();
    items.shrink_to_fit();
    public.shrink_to_fit();
    let module = Module { items, public };
    let mut errors = chains::chained_comparisons(&module);
    errors.sort_by_key(|e| e.span.start);
    errors.dedup_by(|a, b| a.span == b.span);
    Some((module, errors))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A source of many small declarations, long enough to be cut into several pieces.
    fn many_declarations() -> String {
        let mut text =
            String::from("declare struct P(x: int) {\n    fn get(): int { return this.x; }\n}\n");
        for i in 0..2000 {
            text.push_str(&format!(
                "declare global g{i}: int = {i};\n[Init]\nfn f{i}(a: int): int {{\n    if a < 1 < 2 {{ print(\"s{i}\"); }}\n    return a * {i};\n}}\nprint(g{i});\n"
            ));
        }
        text
    }

    fn whole(text: &str) -> (Module, Vec<ParseError>) {
        let (tokens, errors) = prometeu_lexer::lex(text, SourceId(0));
        assert!(errors.is_empty());
        parse_owned(tokens, SourceId(0), text.len(), &Limits::default())
    }

    fn pieces(text: &str) -> Option<(Module, Vec<ParseError>)> {
        parse_in_pieces(text, SourceId(0), &Limits::default())
    }

    #[test]
    fn a_long_source_is_cut_into_pieces_that_parse_to_the_whole_module() {
        let text = many_declarations();
        let (tokens, _) = prometeu_lexer::lex(&text, SourceId(0));
        let scan = Scan::over(&tokens, &Limits::default());
        assert!(scan.cuts().len() > 10, "several pieces");
        let (module, errors) = pieces(&text).expect("no syntax error");
        assert_eq!((module, errors), whole(&text));
    }

    #[test]
    fn a_syntax_error_in_any_piece_asks_for_one_parse_of_the_whole() {
        let mut text = many_declarations();
        text.push_str("fn broken( {\n}\n");
        assert!(pieces(&text).is_none());
        let (_, errors) = whole(&text);
        assert!(!errors.is_empty());
    }
}
