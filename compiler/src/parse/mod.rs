//! Parsing: tokens to a spanned [`Module`], never failing.
//!
//! Before the grammar runs, a linear scan rejects inputs nested deeper than the limit (so the
//! parser can never exhaust the stack); then the chumsky grammar recovers at statement and
//! declaration boundaries so one run reports every independent syntax error.

mod chains;
mod error;
mod grammar;
mod mistakes;
mod tokens;

use crate::ast::Module;
use crate::Limits;
use chumsky::prelude::*;
use error::{Expected, Reason, SyntaxError};
use grammar::GSpan;
use prometeu_lexer::{Diagnostic, SourceId, Span, Token};

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

/// The longest run of operators one statement may contain before it counts as too deeply nested.
const MAX_OPERATORS_PER_STATEMENT: usize = 4096;

/// Checks that braces are balanced, in one linear pass. Unbalanced blocks are reported
/// here, before the grammar runs: error recovery over unclosed blocks would otherwise
/// re-parse them again and again (exponential time on a few dozen `{`). Parentheses and
/// square brackets are left to the grammar, whose statement-level recovery handles them.
fn check_braces(tokens: &[(Token<'_>, Span)]) -> Vec<ParseError> {
    let mut open: Vec<Span> = Vec::new();
    for (token, span) in tokens {
        match token {
            Token::LBrace => open.push(*span),
            Token::RBrace if open.pop().is_none() => {
                return vec![ParseError {
                    code: "E0100",
                    message: "unexpected closing delimiter `}`".into(),
                    span: *span,
                    label: "no block is open here".into(),
                    help: Some("remove it, or add the `{` it belongs to".into()),
                }];
            }
            _ => {}
        }
    }
    match open.last() {
        Some(span) => vec![ParseError {
            code: "E0100",
            message: "unclosed delimiter: this `{` is never closed".into(),
            span: *span,
            label: "expected a matching `}` before the end of the file".into(),
            help: Some("add `}`".into()),
        }],
        None => Vec::new(),
    }
}

/// Rejects inputs nested deeper than the limit, in one linear pass.
fn check_depth(tokens: &[(Token<'_>, Span)], limits: &Limits) -> Option<ParseError> {
    let mut depth = 0usize;
    let mut operators = 0usize;
    for (token, span) in tokens {
        match token {
            Token::LParen | Token::LBracket | Token::LBrace => {
                depth += 1;
                if depth > limits.nesting {
                    return Some(ParseError {
                        code: "E0102",
                        message: format!(
                            "nesting is too deep (the limit is {} levels)",
                            limits.nesting
                        ),
                        span: *span,
                        label: "this bracket goes past the limit".into(),
                        help: Some("split the expression into smaller parts with `let`".into()),
                    });
                }
            }
            Token::RParen | Token::RBracket | Token::RBrace => depth = depth.saturating_sub(1),
            _ => {}
        }
        match token {
            Token::Semi | Token::LBrace | Token::RBrace => operators = 0,
            Token::Ident(_)
            | Token::Int(_)
            | Token::Float(_)
            | Token::Str(_)
            | Token::True
            | Token::False => {}
            _ => {
                operators += 1;
                if operators > MAX_OPERATORS_PER_STATEMENT {
                    return Some(ParseError {
                        code: "E0102",
                        message: format!(
                            "statement is too complex (more than {MAX_OPERATORS_PER_STATEMENT} operators)"
                        ),
                        span: *span,
                        label: "the limit is reached here".into(),
                        help: Some("split the expression into smaller parts with `let`".into()),
                    });
                }
            }
        }
    }
    None
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
    if let Some(error) = check_depth(&tokens, limits) {
        return (Module::default(), vec![error]);
    }
    let unbalanced = check_braces(&tokens);
    if !unbalanced.is_empty() {
        return (Module::default(), unbalanced);
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

/// The fewest tokens a piece of [`parse_in_pieces`] holds (except the first, which may be
/// shorter), so the pieces are few enough that starting a parse costs nothing noticeable.
const PIECE_TOKENS: usize = 4096;

/// Where the module can be cut into pieces that parse on their own: before a `fn` or
/// `declare` at bracket depth 0 that follows a `}` or a `;`, at least [`PIECE_TOKENS`]
/// after the previous cut. No declaration or statement can go on past such a point, so
/// when every piece parses without an error, the pieces' items are those of the whole.
fn cut_points(tokens: &[(Token<'_>, GSpan)]) -> Vec<usize> {
    let mut cuts = vec![0];
    let mut depth = 0usize;
    for (i, (token, _)) in tokens.iter().enumerate() {
        let after_end = i > 0 && matches!(tokens[i - 1].0, Token::RBrace | Token::Semi);
        if depth == 0
            && after_end
            && matches!(token, Token::Fn | Token::Declare)
            && i - cuts[cuts.len() - 1] >= PIECE_TOKENS
        {
            cuts.push(i);
        }
        match token {
            Token::LParen | Token::LBracket | Token::LBrace => depth += 1,
            Token::RParen | Token::RBracket | Token::RBrace => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    cuts
}

/// Parses tokens into a module like [`parse_owned`], holding less memory: the module is cut
/// into pieces at declaration boundaries and parsed from the last piece to the first, and
/// the tokens of each piece are freed once it is parsed, so the tokens and the syntax tree
/// are never both whole. Returns `None` when a piece has a syntax error: the caller then
/// parses the whole token stream with [`parse_owned`] (lexing again), so diagnostics are
/// exactly those of one parse.
pub fn parse_in_pieces(
    tokens: Vec<(Token<'_>, Span)>,
    source: SourceId,
    source_len: usize,
    limits: &Limits,
) -> Option<(Module, Vec<ParseError>)> {
    if let Some(error) = check_depth(&tokens, limits) {
        return Some((Module::default(), vec![error]));
    }
    let unbalanced = check_braces(&tokens);
    if !unbalanced.is_empty() {
        return Some((Module::default(), unbalanced));
    }
    let mut converted: Vec<(Token<'_>, GSpan)> = tokens
        .into_iter()
        .map(|(t, s)| (t, GSpan::from(s.start..s.end)))
        .collect();
    converted.shrink_to_fit();
    let end = u32::try_from(source_len).unwrap_or(u32::MAX);
    let cuts = cut_points(&converted);
    // The items of the pieces, last piece first and each piece's items reversed.
    let mut items = Vec::new();
    let mut public = Vec::new();
    let mut piece_end = end;
    for &cut in cuts.iter().rev() {
        let eoi = GSpan::from(piece_end..piece_end);
        let input = converted[cut..].map(eoi, |(t, s)| (t, s));
        // The grammar borrows the piece's tokens, so each piece builds its own.
        let (module, errors) = grammar::module(source).parse(input).into_output_errors();
        if !errors.is_empty() {
            return None;
        }
        let module = module.unwrap_or_default();
        items.extend(module.items.into_iter().rev());
        public.extend(module.public.into_iter().rev());
        piece_end = converted.get(cut).map_or(end, |(_, s)| s.start);
        converted.truncate(cut);
        if converted.len() < converted.capacity() / 2 {
            converted.shrink_to_fit();
        }
    }
    items.reverse();
    public.reverse();
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
        let (tokens, errors) = prometeu_lexer::lex(text, SourceId(0));
        assert!(errors.is_empty());
        parse_in_pieces(tokens, SourceId(0), text.len(), &Limits::default())
    }

    #[test]
    fn a_long_source_is_cut_into_pieces_that_parse_to_the_whole_module() {
        let text = many_declarations();
        let (tokens, _) = prometeu_lexer::lex(&text, SourceId(0));
        let converted: Vec<_> = tokens
            .into_iter()
            .map(|(t, s)| (t, GSpan::from(s.start..s.end)))
            .collect();
        assert!(cut_points(&converted).len() > 10, "several pieces");
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
