//! The linear scan that runs over the tokens before the grammar: it rejects inputs nested too
//! deeply or with unbalanced braces, and finds where the module can be cut into pieces that
//! parse on their own. It takes one token at a time, so it can run while the source is lexed,
//! before any token vector exists.

use super::ParseError;
use crate::Limits;
use prometeu_lexer::{Span, Token};

/// The longest run of operators one statement may contain before it counts as too deeply nested.
const MAX_OPERATORS_PER_STATEMENT: usize = 4096;

/// The fewest tokens a piece holds (except the first, which may be shorter), so the pieces
/// are few enough that starting a parse costs nothing noticeable.
pub(super) const PIECE_TOKENS: usize = 4096;

/// A point where the module can be cut: before a `fn` or `declare` at bracket depth 0 that
/// follows a `}` or a `;`. No declaration or statement can go on past such a point, so when
/// every piece parses without an error, the pieces' items are those of the whole.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Cut {
    /// The index of the token the piece starts with.
    pub(super) token: usize,
    /// The byte offset where that token starts.
    pub(super) offset: u32,
}

/// The state of the scan after the tokens seen so far.
pub(super) struct Scan {
    nesting: usize,
    /// The tokens seen.
    count: usize,
    /// The bracket depth (never below 0).
    depth: usize,
    /// The operators since the last `;`, `{` or `}`.
    operators: usize,
    /// Whether the last token was a `}` or a `;`.
    after_end: bool,
    /// The first nesting error (too deep, or too many operators in a statement).
    too_deep: Option<ParseError>,
    /// The `{` still open, innermost last.
    open_braces: Vec<Span>,
    /// The first `}` that closes no block.
    stray_brace: Option<Span>,
    /// The pieces' starts; the first piece starts at the first token.
    cuts: Vec<Cut>,
}

impl Scan {
    /// A scan with nothing seen yet, checking against `limits`.
    pub(super) fn new(limits: &Limits) -> Scan {
        Scan {
            nesting: limits.nesting,
            count: 0,
            depth: 0,
            operators: 0,
            after_end: false,
            too_deep: None,
            open_braces: Vec::new(),
            stray_brace: None,
            cuts: vec![Cut {
                token: 0,
                offset: 0,
            }],
        }
    }

    /// Runs a scan over a whole token slice.
    pub(super) fn over(tokens: &[(Token<'_>, Span)], limits: &Limits) -> Scan {
        let mut scan = Scan::new(limits);
        for (token, span) in tokens {
            scan.token(token, *span);
        }
        scan
    }

    /// Takes the next token.
    pub(super) fn token(&mut self, token: &Token<'_>, span: Span) {
        let index = self.count;
        self.count += 1;
        let last_cut = self.cuts.last().map_or(0, |c| c.token);
        if self.depth == 0
            && self.after_end
            && matches!(token, Token::Fn | Token::Declare)
            && index - last_cut >= PIECE_TOKENS
        {
            self.cuts.push(Cut {
                token: index,
                offset: span.start,
            });
        }
        self.after_end = matches!(token, Token::RBrace | Token::Semi);
        if self.stray_brace.is_none() {
            match token {
                Token::LBrace => self.open_braces.push(span),
                Token::RBrace if self.open_braces.pop().is_none() => self.stray_brace = Some(span),
                _ => {}
            }
        }
        match token {
            Token::LParen | Token::LBracket | Token::LBrace => {
                self.depth += 1;
                if self.depth > self.nesting && self.too_deep.is_none() {
                    self.too_deep = Some(ParseError {
                        code: "E0102",
                        message: format!(
                            "nesting is too deep (the limit is {} levels)",
                            self.nesting
                        ),
                        span,
                        label: "this bracket goes past the limit".into(),
                        help: Some("split the expression into smaller parts with `let`".into()),
                    });
                }
            }
            Token::RParen | Token::RBracket | Token::RBrace => {
                self.depth = self.depth.saturating_sub(1)
            }
            _ => {}
        }
        match token {
            Token::Semi | Token::LBrace | Token::RBrace => self.operators = 0,
            Token::Ident(_)
            | Token::Int(_)
            | Token::Float(_)
            | Token::Str(_)
            | Token::True
            | Token::False => {}
            _ => {
                self.operators += 1;
                if self.operators > MAX_OPERATORS_PER_STATEMENT && self.too_deep.is_none() {
                    self.too_deep = Some(ParseError {
                        code: "E0102",
                        message: format!(
                            "statement is too complex (more than {MAX_OPERATORS_PER_STATEMENT} operators)"
                        ),
                        span,
                        label: "the limit is reached here".into(),
                        help: Some("split the expression into smaller parts with `let`".into()),
                    });
                }
            }
        }
    }

    /// The error that stops parsing before the grammar runs, if there is one: nesting too
    /// deep first, then unbalanced braces. Unbalanced blocks are reported here because error
    /// recovery over unclosed blocks would otherwise re-parse them again and again
    /// (exponential time on a few dozen `{`); parentheses and square brackets are left to
    /// the grammar, whose statement-level recovery handles them.
    pub(super) fn error(&mut self) -> Option<ParseError> {
        if let Some(error) = self.too_deep.take() {
            return Some(error);
        }
        if let Some(span) = self.stray_brace {
            return Some(ParseError {
                code: "E0100",
                message: "unexpected closing delimiter `}`".into(),
                span,
                label: "no block is open here".into(),
                help: Some("remove it, or add the `{` it belongs to".into()),
            });
        }
        self.open_braces.last().map(|&span| ParseError {
            code: "E0100",
            message: "unclosed delimiter: this `{` is never closed".into(),
            span,
            label: "expected a matching `}` before the end of the file".into(),
            help: Some("add `}`".into()),
        })
    }

    /// The tokens seen.
    pub(super) fn count(&self) -> usize {
        self.count
    }

    /// Where the pieces start, the first at the first token.
    pub(super) fn cuts(&self) -> &[Cut] {
        &self.cuts
    }
}
