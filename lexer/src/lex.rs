//! The lexing driver: runs the `logos` scanner, decodes literals and collects errors.

use crate::{Diagnostic, SourceId, Span, Spanned, Token};
use logos::Logos;

/// The raw token kinds recognised by the scanner, before literal decoding.
#[derive(Logos, Clone, Copy, Debug, PartialEq)]
#[logos(skip r"[ \t\r\n\x0C]+")]
#[logos(skip(r"//[^\r\n]*", allow_greedy = true))]
enum Raw {
    #[regex(r"[0-9][0-9_]*")]
    Decimal,
    #[regex(r"0[xX][0-9a-fA-F_]*")]
    Hex,
    #[regex(r"[0-9][0-9_]*\.[0-9][0-9_]*([eE][+-]?[0-9_]+)?")]
    #[regex(r"[0-9][0-9_]*[eE][+-]?[0-9_]+")]
    Float,
    #[token("\"")]
    Quote,
    #[regex(r"[A-Za-z_][A-Za-z0-9_]*")]
    Word,
    #[token("&&")]
    AndAnd,
    #[token("||")]
    OrOr,
    #[token("!")]
    Bang,
    #[token("+")]
    Plus,
    #[token("-")]
    Minus,
    #[token("*")]
    Star,
    #[token("/")]
    Slash,
    #[token("%")]
    Percent,
    #[token("&")]
    Amp,
    #[token("|")]
    Pipe,
    #[token("^")]
    Caret,
    #[token("<<")]
    Shl,
    #[token(">>")]
    Shr,
    #[token("==")]
    EqEq,
    #[token("!=")]
    NotEq,
    #[token("<")]
    Lt,
    #[token("<=")]
    Le,
    #[token(">")]
    Gt,
    #[token(">=")]
    Ge,
    #[token("=")]
    Assign,
    #[token("+=")]
    PlusAssign,
    #[token("-=")]
    MinusAssign,
    #[token("*=")]
    StarAssign,
    #[token("/=")]
    SlashAssign,
    #[token("%=")]
    PercentAssign,
    #[token("&=")]
    AmpAssign,
    #[token("|=")]
    PipeAssign,
    #[token("^=")]
    CaretAssign,
    #[token("<<=")]
    ShlAssign,
    #[token(">>=")]
    ShrAssign,
    #[token("(")]
    LParen,
    #[token(")")]
    RParen,
    #[token("{")]
    LBrace,
    #[token("}")]
    RBrace,
    #[token("[")]
    LBracket,
    #[token("]")]
    RBracket,
    #[token(",")]
    Comma,
    #[token(";")]
    Semi,
    #[token(":")]
    Colon,
    #[token(".")]
    Dot,
    #[token("=>")]
    FatArrow,
    #[token("?")]
    Question,
}

/// What went wrong while lexing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LexErrorKind {
    /// A character that starts no token.
    UnexpectedChar(char),
    /// A string literal with no closing quote on its line.
    UnterminatedString,
    /// An escape sequence that PBS does not define.
    InvalidEscape(String),
    /// A `\u{...}` escape that is malformed or not a Unicode scalar value.
    InvalidUnicodeEscape(String),
    /// An integer literal that does not fit in 64 bits.
    IntegerTooLarge,
    /// A numeric literal with misplaced digits or separators.
    MalformedNumber(String),
}

/// A lexical error with the span of the offending characters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LexError {
    /// What went wrong.
    pub kind: LexErrorKind,
    /// The offending characters.
    pub span: Span,
}

impl LexError {
    /// Converts the error into a renderable diagnostic.
    pub fn to_diagnostic(&self) -> Diagnostic {
        match &self.kind {
            LexErrorKind::UnexpectedChar(c) => {
                let mut shown = String::new();
                if c.is_whitespace() || crate::display::needs_escape(*c) {
                    crate::display::escape_char(*c, &mut shown);
                } else {
                    shown.push(*c);
                }
                if *c == '~' && self.span.end - self.span.start == 2 {
                    let mut d = Diagnostic::error(
                        "E0001",
                        "`~=` is not an operator; PBS writes \"not equal\" as `!=`",
                        self.span,
                        "write `!=` here",
                    );
                    d.help = Some("compare with `a != b`".into());
                    return d;
                }
                Diagnostic::error(
                    "E0001",
                    format!("unexpected character `{shown}`"),
                    self.span,
                    "not valid here",
                )
            }
            LexErrorKind::UnterminatedString => Diagnostic::error(
                "E0002",
                "unterminated string literal",
                self.span,
                "this string has no closing quote on its line",
            )
            .with_help("close the string with `\"`; use `\\n` for a line break inside it"),
            LexErrorKind::InvalidEscape(text) => Diagnostic::error(
                "E0003",
                format!("unknown escape sequence `{text}`"),
                self.span,
                "not a valid escape",
            )
            .with_help("valid escapes are \\n \\r \\t \\b \\f \\0 \\\\ \\\" and \\u{...}"),
            LexErrorKind::InvalidUnicodeEscape(why) => Diagnostic::error(
                "E0004",
                format!("invalid unicode escape: {why}"),
                self.span,
                "here",
            )
            .with_help("write 1 to 6 hex digits naming a Unicode scalar value, such as \\u{1F600}"),
            LexErrorKind::IntegerTooLarge => Diagnostic::error(
                "E0005",
                "integer literal is too large",
                self.span,
                "does not fit in a 64-bit signed integer",
            )
            .with_help(
                "the largest int is 9223372036854775807; use a float literal for larger values",
            ),
            LexErrorKind::MalformedNumber(why) => Diagnostic::error(
                "E0006",
                format!("malformed number literal: {why}"),
                self.span,
                "here",
            ),
        }
    }
}

/// Maps a word to its keyword token, or to an identifier or reserved word.
fn word(text: &str) -> Token<'_> {
    match text {
        "fn" => Token::Fn,
        "import" => Token::Import,
        "pub" => Token::Pub,
        "declare" => Token::Declare,
        "struct" => Token::Struct,
        "global" => Token::Global,
        "const" => Token::Const,
        "let" => Token::Let,
        "if" => Token::If,
        "else" => Token::Else,
        "while" => Token::While,
        "for" => Token::For,
        "from" => Token::From,
        "until" => Token::Until,
        "step" => Token::Step,
        "in" => Token::In,
        "break" => Token::Break,
        "continue" => Token::Continue,
        "return" => Token::Return,
        "new" => Token::New,
        "this" => Token::This,
        "true" => Token::True,
        "false" => Token::False,
        "and" => Token::AndAnd,
        "or" => Token::OrOr,
        "not" => Token::Bang,
        "as" => Token::As,
        "some" => Token::Some,
        "none" => Token::None,
        "enum" | "switch" | "default" | "service" | "contract" | "implements" | "host"
        | "error" | "optional" | "result" | "ok" | "err" | "handle" | "spawn" | "yield"
        | "sleep" => Token::Reserved(text),
        _ => Token::Ident(text),
    }
}

/// The largest magnitude an integer literal may have (`i64::MAX + 1`, for `-9223372036854775808`).
const INT_LITERAL_LIMIT: u64 = 1 << 63;

/// Parses the digits of an integer literal in a radix, ignoring `_` separators.
fn parse_int(digits: &str, radix: u32) -> Option<u64> {
    let mut value: u64 = 0;
    for c in digits.chars().filter(|&c| c != '_') {
        let d = c.to_digit(radix)? as u64;
        value = value.checked_mul(radix as u64)?.checked_add(d)?;
    }
    Some(value)
}

/// Decodes the string literal that starts at the quote at `start`; returns its value and end offset.
fn string_literal(
    src: &str,
    start: usize,
    id: SourceId,
    errors: &mut Vec<LexError>,
) -> (String, usize) {
    let mut value = String::new();
    let mut chars = src[start + 1..]
        .char_indices()
        .map(|(i, c)| (i + start + 1, c))
        .peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return (value, i + 1),
            '\n' | '\r' => break,
            '\\' => {
                let Some(&(j, e)) = chars.peek() else { break };
                match e {
                    'n' | 'r' | 't' | 'b' | 'f' | '0' | '\\' | '"' => {
                        chars.next();
                        value.push(match e {
                            'n' => '\n',
                            'r' => '\r',
                            't' => '\t',
                            'b' => '\u{8}',
                            'f' => '\u{c}',
                            '0' => '\0',
                            other => other,
                        });
                    }
                    'u' => {
                        chars.next();
                        let (ch, end) = unicode_escape(src, i, j + 1, id, errors);
                        if let Some(ch) = ch {
                            value.push(ch);
                        }
                        while chars.peek().is_some_and(|&(k, _)| k < end) {
                            chars.next();
                        }
                    }
                    '\n' | '\r' => break,
                    other => {
                        chars.next();
                        errors.push(LexError {
                            kind: LexErrorKind::InvalidEscape(format!("\\{other}")),
                            span: Span::new(id, i, j + other.len_utf8()),
                        });
                    }
                }
            }
            other => value.push(other),
        }
    }
    let end = src[start..]
        .find(['\n', '\r'])
        .map_or(src.len(), |n| start + n);
    errors.push(LexError {
        kind: LexErrorKind::UnterminatedString,
        span: Span::new(id, start, end),
    });
    (value, end)
}

/// Decodes `\u{...}` whose backslash is at `backslash` and whose `{` should be at `open`.
fn unicode_escape(
    src: &str,
    backslash: usize,
    open: usize,
    id: SourceId,
    errors: &mut Vec<LexError>,
) -> (Option<char>, usize) {
    let rest = &src[open..];
    let fail = |why: &str, end: usize, errors: &mut Vec<LexError>| {
        errors.push(LexError {
            kind: LexErrorKind::InvalidUnicodeEscape(why.to_string()),
            span: Span::new(id, backslash, end),
        });
    };
    if !rest.starts_with('{') {
        fail("expected `{` after `\\u`", open, errors);
        return (None, open);
    }
    let Some(close) = rest
        .find(['}', '"', '\n', '\r'])
        .filter(|&k| rest.as_bytes()[k] == b'}')
    else {
        let end = open + rest.find(['"', '\n', '\r']).unwrap_or(rest.len());
        fail("missing closing `}`", end, errors);
        return (None, end);
    };
    let digits = &rest[1..close];
    let end = open + close + 1;
    if digits.is_empty() || digits.len() > 6 || !digits.chars().all(|c| c.is_ascii_hexdigit()) {
        fail("expected 1 to 6 hex digits", end, errors);
        return (None, end);
    }
    let code = u32::from_str_radix(digits, 16).unwrap_or(u32::MAX);
    match char::from_u32(code) {
        Some(ch) => (Some(ch), end),
        None => {
            fail(
                &format!("{digits:?} is not a Unicode scalar value").replace('"', ""),
                end,
                errors,
            );
            (None, end)
        }
    }
}

/// Lexes a whole source; never stops at an error.
///
/// Returns every token it could read plus every lexical error, in source order. A byte
/// order mark at the very start is skipped; a line ends at `\n`, `\r\n` or a lone `\r`
/// (which ends a `//` comment and an unterminated string).
pub fn lex(src: &str, id: SourceId) -> (Vec<Spanned<Token<'_>>>, Vec<LexError>) {
    let mut tokens = Vec::new();
    let errors = lex_each(src, id, 0..src.len(), |token, span| {
        tokens.push((token, span))
    });
    // The vector grew by doubling; give back the unused part before the parser builds the
    // syntax tree next to it.
    tokens.shrink_to_fit();
    (tokens, errors)
}

/// Lexes the tokens of `src` that start in `range`, handing each to `each` in source order
/// instead of collecting them, and returns the lexical errors. Spans are offsets into the
/// whole of `src`. `range` should start where a token (or the source) starts: lexing a part
/// cut at token boundaries gives that part's tokens exactly as lexing the whole would. A byte
/// order mark is skipped only at the very start of the source.
pub fn lex_each<'src>(
    src: &'src str,
    id: SourceId,
    range: std::ops::Range<usize>,
    mut each: impl FnMut(Token<'src>, Span),
) -> Vec<LexError> {
    let mut errors = Vec::new();
    let mut lexer = Raw::lexer(src);
    let first = range.start.min(src.len());
    if first == 0 && src.starts_with('\u{FEFF}') {
        lexer.bump('\u{FEFF}'.len_utf8());
    } else if src.is_char_boundary(first) {
        lexer.bump(first);
    } else {
        return errors;
    }
    while let Some(raw) = lexer.next() {
        let range = match lexer.span() {
            found if found.start >= range.end => break,
            found => found,
        };
        let span = Span::new(id, range.start, range.end);
        let text = lexer.slice();
        let token = match raw {
            Err(()) => {
                let c = src[range.start..].chars().next().unwrap_or('\u{FFFD}');
                let mut end = range.start + c.len_utf8();
                if c == '~' && src[end..].starts_with('=') {
                    // `~=` (Lua's not-equal): reported once, and read as `!=` so that the
                    // parser does not report the `=` again.
                    end += 1;
                    lexer.bump(end - range.end);
                    errors.push(LexError {
                        kind: LexErrorKind::UnexpectedChar(c),
                        span: Span::new(id, range.start, end),
                    });
                    each(Token::NotEq, Span::new(id, range.start, end));
                    continue;
                }
                if end > range.end {
                    lexer.bump(end - range.end);
                }
                errors.push(LexError {
                    kind: LexErrorKind::UnexpectedChar(c),
                    span: Span::new(id, range.start, end),
                });
                continue;
            }
            Ok(Raw::Decimal) => match parse_int(text, 10) {
                Some(v) if v <= INT_LITERAL_LIMIT => Token::Int(v),
                _ => {
                    errors.push(LexError {
                        kind: LexErrorKind::IntegerTooLarge,
                        span,
                    });
                    Token::Int(0)
                }
            },
            Ok(Raw::Hex) => {
                let digits = &text[2..];
                if !digits.chars().any(|c| c.is_ascii_hexdigit()) {
                    errors.push(LexError {
                        kind: LexErrorKind::MalformedNumber(
                            "`0x` needs at least one hex digit".into(),
                        ),
                        span,
                    });
                    Token::Int(0)
                } else {
                    match parse_int(digits, 16) {
                        Some(v) if v <= INT_LITERAL_LIMIT => Token::Int(v),
                        _ => {
                            errors.push(LexError {
                                kind: LexErrorKind::IntegerTooLarge,
                                span,
                            });
                            Token::Int(0)
                        }
                    }
                }
            }
            Ok(Raw::Float) => {
                let cleaned: String = text.chars().filter(|&c| c != '_').collect();
                match cleaned.parse::<f64>() {
                    Ok(v) => Token::Float(v),
                    Err(_) => {
                        errors.push(LexError {
                            kind: LexErrorKind::MalformedNumber("not a valid float".into()),
                            span,
                        });
                        Token::Float(0.0)
                    }
                }
            }
            Ok(Raw::Quote) => {
                let (value, end) = string_literal(src, range.start, id, &mut errors);
                lexer.bump(end - range.end);
                each(Token::Str(value), Span::new(id, range.start, end));
                continue;
            }
            Ok(Raw::Word) => word(text),
            Ok(Raw::AndAnd) => Token::AndAnd,
            Ok(Raw::OrOr) => Token::OrOr,
            Ok(Raw::Bang) => Token::Bang,
            Ok(Raw::Plus) => Token::Plus,
            Ok(Raw::Minus) => Token::Minus,
            Ok(Raw::Star) => Token::Star,
            Ok(Raw::Slash) => Token::Slash,
            Ok(Raw::Percent) => Token::Percent,
            Ok(Raw::Amp) => Token::Amp,
            Ok(Raw::Pipe) => Token::Pipe,
            Ok(Raw::Caret) => Token::Caret,
            Ok(Raw::Shl) => Token::Shl,
            Ok(Raw::Shr) => Token::Shr,
            Ok(Raw::EqEq) => Token::EqEq,
            Ok(Raw::NotEq) => Token::NotEq,
            Ok(Raw::Lt) => Token::Lt,
            Ok(Raw::Le) => Token::Le,
            Ok(Raw::Gt) => Token::Gt,
            Ok(Raw::Ge) => Token::Ge,
            Ok(Raw::Assign) => Token::Assign,
            Ok(Raw::PlusAssign) => Token::PlusAssign,
            Ok(Raw::MinusAssign) => Token::MinusAssign,
            Ok(Raw::StarAssign) => Token::StarAssign,
            Ok(Raw::SlashAssign) => Token::SlashAssign,
            Ok(Raw::PercentAssign) => Token::PercentAssign,
            Ok(Raw::AmpAssign) => Token::AmpAssign,
            Ok(Raw::PipeAssign) => Token::PipeAssign,
            Ok(Raw::CaretAssign) => Token::CaretAssign,
            Ok(Raw::ShlAssign) => Token::ShlAssign,
            Ok(Raw::ShrAssign) => Token::ShrAssign,
            Ok(Raw::LParen) => Token::LParen,
            Ok(Raw::RParen) => Token::RParen,
            Ok(Raw::LBrace) => Token::LBrace,
            Ok(Raw::RBrace) => Token::RBrace,
            Ok(Raw::LBracket) => Token::LBracket,
            Ok(Raw::RBracket) => Token::RBracket,
            Ok(Raw::Comma) => Token::Comma,
            Ok(Raw::Semi) => Token::Semi,
            Ok(Raw::Colon) => Token::Colon,
            Ok(Raw::Dot) => Token::Dot,
            Ok(Raw::FatArrow) => Token::FatArrow,
            Ok(Raw::Question) => Token::Question,
        };
        each(token, span);
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str) -> Vec<Token<'_>> {
        lex(src, SourceId(0))
            .0
            .into_iter()
            .map(|(t, _)| t)
            .collect()
    }

    #[test]
    fn numbers_and_words() {
        assert_eq!(
            kinds("1_000 0xFF 2.5e-3 1e9 foo and"),
            vec![
                Token::Int(1000),
                Token::Int(255),
                Token::Float(2.5e-3),
                Token::Float(1e9),
                Token::Ident("foo"),
                Token::AndAnd
            ]
        );
    }

    #[test]
    fn string_escapes_decode() {
        assert_eq!(
            kinds(r#""a\n\u{1F600}\"""#),
            vec![Token::Str("a\n\u{1F600}\"".into())]
        );
    }

    #[test]
    fn errors_do_not_stop_lexing() {
        let (tokens, errors) = lex("let @ x = \"bad\\q\";\n\"open", SourceId(0));
        assert_eq!(errors.len(), 3);
        assert_eq!(errors[0].kind, LexErrorKind::UnexpectedChar('@'));
        assert!(matches!(errors[1].kind, LexErrorKind::InvalidEscape(_)));
        assert_eq!(errors[2].kind, LexErrorKind::UnterminatedString);
        assert_eq!(tokens.len(), 6);
    }

    #[test]
    fn multibyte_unexpected_char_spans_whole_char() {
        let (_, errors) = lex("é", SourceId(0));
        assert_eq!(errors[0].span.range(), 0..2);
    }

    #[test]
    fn leading_bom_is_skipped() {
        let (tokens, errors) = lex("\u{FEFF}let x", SourceId(0));
        assert!(errors.is_empty());
        assert_eq!(tokens[0], (Token::Let, Span::new(SourceId(0), 3, 6)));
    }

    #[test]
    fn a_bom_elsewhere_is_an_escaped_unexpected_character() {
        let (_, errors) = lex("let \u{FEFF}x", SourceId(0));
        assert_eq!(errors[0].kind, LexErrorKind::UnexpectedChar('\u{FEFF}'));
        assert_eq!(
            errors[0].to_diagnostic().message,
            "unexpected character `\\u{feff}`"
        );
    }

    #[test]
    fn lone_carriage_return_ends_comments_and_strings() {
        let (tokens, errors) = lex("// note\rlet \"open\rx", SourceId(0));
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].kind, LexErrorKind::UnterminatedString);
        assert_eq!(errors[0].span.range(), 12..17);
        assert_eq!(tokens[0].0, Token::Let);
        assert_eq!(tokens.last().unwrap().0, Token::Ident("x"));
    }

    #[test]
    fn int_limit() {
        let (tokens, errors) = lex("9223372036854775808 9223372036854775809", SourceId(0));
        assert_eq!(tokens[0].0, Token::Int(1 << 63));
        assert_eq!(errors.len(), 1);
    }

    #[test]
    fn a_range_cut_at_a_token_gives_the_whole_sources_tokens_there() {
        let src = "\u{FEFF}let a = \"x;y\"; // c\nfn f() { return 0x1F + 2.5; }\nlet b = a;";
        let (whole, errors) = lex(src, SourceId(3));
        assert!(errors.is_empty());
        let cut = src.find("fn").unwrap();
        let end = src.rfind("let").unwrap();
        let mut part = Vec::new();
        let errors = lex_each(src, SourceId(3), cut..end, |t, s| part.push((t, s)));
        assert!(errors.is_empty());
        let expected: Vec<_> = whole
            .into_iter()
            .filter(|(_, s)| (cut..end).contains(&(s.start as usize)))
            .collect();
        assert_eq!(part, expected);
        assert_eq!(part[0], (Token::Fn, Span::new(SourceId(3), cut, cut + 2)));
        assert_eq!(part.last().unwrap().0, Token::RBrace);
    }
}
