//! The grammar's error type.
//!
//! It carries the same information as chumsky's `Rich` error and merges it the same way, but
//! keeps the set of expected patterns as bit sets. Chumsky records an alternative error at
//! almost every token (each operator the expression parser tries and does not find is one),
//! so merging has to be cheap: with `Rich` it is a linear search through a vector of patterns
//! plus allocations, here it is a bitwise or.

use super::grammar::GSpan;
use super::tokens::TokenSet;
use chumsky::error::Error;
use chumsky::input::Input;
use chumsky::label::LabelError;
use chumsky::util::MaybeRef;
use chumsky::DefaultExpected;
use prometeu_lexer::Token;

/// A named pattern the grammar expects (the argument of `labelled`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Label {
    /// A name.
    Identifier,
    /// A type.
    Type,
    /// An expression.
    Expression,
    /// A `{ ... }` block.
    Block,
    /// The `;` ending a statement.
    Semicolon,
    /// A statement.
    Statement,
    /// A `declare` item.
    Declaration,
}

impl Label {
    /// Every label, in the order of their bits.
    const ALL: [Label; 7] = [
        Label::Identifier,
        Label::Type,
        Label::Expression,
        Label::Block,
        Label::Semicolon,
        Label::Statement,
        Label::Declaration,
    ];

    /// How the label reads in "expected ..." messages.
    pub(crate) fn text(self) -> &'static str {
        match self {
            Label::Identifier => "identifier",
            Label::Type => "type",
            Label::Expression => "expression",
            Label::Block => "block",
            Label::Semicolon => "`;`",
            Label::Statement => "statement",
            Label::Declaration => "declaration",
        }
    }

    /// The label's bit in [`Expected::labels`].
    fn bit(self) -> u8 {
        1 << self as u8
    }
}

/// A set of expected patterns.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Expected<'s> {
    /// Tokens without a value.
    tokens: TokenSet,
    /// Labels, one bit per [`Label`].
    labels: u8,
    /// Any token (not the end of input).
    any: bool,
    /// Something other than what was found.
    something_else: bool,
    /// The end of input.
    end_of_input: bool,
    /// Tokens with a value (the grammar expects none today).
    valued: Vec<Token<'s>>,
}

impl<'s> Expected<'s> {
    /// Adds a token.
    fn add_token(&mut self, token: &Token<'s>) {
        if !self.tokens.insert(token) && !self.valued.contains(token) {
            self.valued.push(token.clone());
        }
    }

    /// Adds every pattern of another set.
    fn union(&mut self, other: Expected<'s>) {
        self.tokens.union(other.tokens);
        self.labels |= other.labels;
        self.any |= other.any;
        self.something_else |= other.something_else;
        self.end_of_input |= other.end_of_input;
        for token in &other.valued {
            self.add_token(token);
        }
    }

    /// Describes every pattern, in no particular order.
    pub(crate) fn describe(&self) -> Vec<String> {
        let mut out: Vec<String> = self.tokens.iter().map(Token::describe).collect();
        out.extend(self.valued.iter().map(Token::describe));
        out.extend(
            Label::ALL
                .iter()
                .filter(|label| self.labels & label.bit() != 0)
                .map(|label| label.text().to_string()),
        );
        for (present, text) in [
            (self.any, "something"),
            (self.something_else, "something else"),
            (self.end_of_input, "end of input"),
        ] {
            if present {
                out.push(text.to_string());
            }
        }
        out
    }
}

/// Something an error can expect: one of chumsky's default patterns, or a [`Label`].
pub(crate) trait Pattern<'s> {
    /// Adds the pattern to a set.
    fn add_to(self, set: &mut Expected<'s>);
}

impl<'s> Pattern<'s> for DefaultExpected<'_, Token<'s>> {
    fn add_to(self, set: &mut Expected<'s>) {
        match self {
            DefaultExpected::Token(token) => set.add_token(&token),
            DefaultExpected::Any => set.any = true,
            DefaultExpected::SomethingElse => set.something_else = true,
            DefaultExpected::EndOfInput => set.end_of_input = true,
            // `NothingElse` (and anything chumsky adds later) is not reported, as with `Rich`.
            _ => {}
        }
    }
}

impl<'s> Pattern<'s> for Label {
    fn add_to(self, set: &mut Expected<'s>) {
        set.labels |= self.bit();
    }
}

/// Why parsing failed.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Reason<'t, 's> {
    /// Something else than what was found was expected; `found` is `None` at the end of input.
    ExpectedFound {
        expected: Expected<'s>,
        found: Option<MaybeRef<'t, Token<'s>>>,
    },
    /// A message of the grammar's own, `"CODE|message"`.
    Custom(String),
}

/// A syntax error as the grammar reports it (converted to a `ParseError` afterwards).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct SyntaxError<'t, 's> {
    span: GSpan,
    reason: Reason<'t, 's>,
}

impl<'t, 's> SyntaxError<'t, 's> {
    /// An error with a message of the grammar's own.
    pub(crate) fn custom(span: GSpan, message: impl Into<String>) -> Self {
        SyntaxError {
            span,
            reason: Reason::Custom(message.into()),
        }
    }

    /// Where the error is.
    pub(crate) fn span(&self) -> GSpan {
        self.span
    }

    /// Why parsing failed.
    pub(crate) fn reason(&self) -> &Reason<'t, 's> {
        &self.reason
    }

    /// An error expecting any token of a set.
    pub(crate) fn expected_tokens(
        tokens: TokenSet,
        found: Option<MaybeRef<'t, Token<'s>>>,
        span: GSpan,
    ) -> Self {
        SyntaxError {
            span,
            reason: Reason::ExpectedFound {
                expected: Expected {
                    tokens,
                    ..Expected::default()
                },
                found,
            },
        }
    }

    /// An "expected ..., found ..." reason.
    fn expected_found<P: Pattern<'s>>(
        expected: impl IntoIterator<Item = P>,
        found: Option<MaybeRef<'t, Token<'s>>>,
    ) -> Reason<'t, 's> {
        let mut set = Expected::default();
        for pattern in expected {
            pattern.add_to(&mut set);
        }
        Reason::ExpectedFound {
            expected: set,
            found,
        }
    }
}

impl<'t, 's: 't, I, L> LabelError<'t, I, L> for SyntaxError<'t, 's>
where
    I: Input<'t, Token = Token<'s>, Span = GSpan>,
    L: Pattern<'s>,
{
    fn expected_found<E: IntoIterator<Item = L>>(
        expected: E,
        found: Option<MaybeRef<'t, Token<'s>>>,
        span: GSpan,
    ) -> Self {
        SyntaxError {
            span,
            reason: SyntaxError::expected_found(expected, found),
        }
    }

    /// Adds the patterns; like `Rich`, keeps the first `found` and ignores custom errors.
    fn merge_expected_found<E: IntoIterator<Item = L>>(
        mut self,
        new_expected: E,
        new_found: Option<MaybeRef<'t, Token<'s>>>,
        _span: GSpan,
    ) -> Self {
        if let Reason::ExpectedFound { expected, found } = &mut self.reason {
            for pattern in new_expected {
                pattern.add_to(expected);
            }
            if found.is_none() {
                *found = new_found;
            }
        }
        self
    }

    fn replace_expected_found<E: IntoIterator<Item = L>>(
        self,
        new_expected: E,
        new_found: Option<MaybeRef<'t, Token<'s>>>,
        span: GSpan,
    ) -> Self {
        <Self as LabelError<'t, I, L>>::expected_found(new_expected, new_found, span)
    }

    /// Replaces the expected patterns with the label (a custom error loses its message).
    fn label_with(&mut self, label: L) {
        let found = match &mut self.reason {
            Reason::ExpectedFound { found, .. } => found.take(),
            Reason::Custom(_) => None,
        };
        let mut expected = Expected::default();
        label.add_to(&mut expected);
        self.reason = Reason::ExpectedFound { expected, found };
    }
}

impl<'t, 's: 't, I> Error<'t, I> for SyntaxError<'t, 's>
where
    I: Input<'t, Token = Token<'s>, Span = GSpan>,
{
    /// Merges two errors at one position: a custom error wins (the first one if both are),
    /// otherwise the patterns are united and the first `found` is kept, as with `Rich`.
    fn merge(mut self, other: Self) -> Self {
        match (&mut self.reason, other.reason) {
            (Reason::Custom(_), _) => {}
            (_, custom @ Reason::Custom(_)) => self.reason = custom,
            (
                Reason::ExpectedFound { expected, .. },
                Reason::ExpectedFound {
                    expected: other, ..
                },
            ) => expected.union(other),
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_match_their_bits() {
        for (index, label) in Label::ALL.iter().enumerate() {
            assert_eq!(label.bit(), 1 << index, "{label:?}");
        }
    }
}
