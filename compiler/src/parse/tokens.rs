//! Sets of tokens as bit sets, and a one-token parser that classifies a token with a `match`.
//!
//! Chumsky tries alternatives one after the other and records what each one expected, so a
//! choice between many single tokens (the binary operators, the statement keywords) costs a
//! comparison and an error merge per alternative. [`token_class`] replaces such a choice with
//! one `match` and records all the expected tokens at once.

use super::error::SyntaxError;
use super::grammar::{Error, GSpan};
use chumsky::input::ValueInput;
use chumsky::prelude::*;
use prometeu_lexer::Token;

/// The tokens without a value, in the order of their bits in a [`TokenSet`].
const UNIT_TOKENS: [Token<'static>; 68] = [
    Token::Fn,
    Token::Declare,
    Token::Struct,
    Token::Global,
    Token::Const,
    Token::Let,
    Token::If,
    Token::Else,
    Token::While,
    Token::For,
    Token::From,
    Token::Until,
    Token::Step,
    Token::Break,
    Token::Continue,
    Token::Return,
    Token::New,
    Token::This,
    Token::True,
    Token::False,
    Token::AndAnd,
    Token::OrOr,
    Token::Bang,
    Token::As,
    Token::Plus,
    Token::Minus,
    Token::Star,
    Token::Slash,
    Token::Percent,
    Token::Amp,
    Token::Pipe,
    Token::Caret,
    Token::Shl,
    Token::Shr,
    Token::EqEq,
    Token::NotEq,
    Token::Lt,
    Token::Le,
    Token::Gt,
    Token::Ge,
    Token::Assign,
    Token::PlusAssign,
    Token::MinusAssign,
    Token::StarAssign,
    Token::SlashAssign,
    Token::PercentAssign,
    Token::LParen,
    Token::RParen,
    Token::LBrace,
    Token::RBrace,
    Token::LBracket,
    Token::RBracket,
    Token::Comma,
    Token::Semi,
    Token::Colon,
    Token::Dot,
    Token::AmpAssign,
    Token::PipeAssign,
    Token::CaretAssign,
    Token::ShlAssign,
    Token::ShrAssign,
    Token::Import,
    Token::Pub,
    Token::In,
    Token::FatArrow,
    Token::Question,
    Token::Some,
    Token::None,
];

/// The index of a token without a value in [`UNIT_TOKENS`]; `None` for tokens with a value.
fn unit_index(token: &Token<'_>) -> Option<u32> {
    let index = match token {
        Token::Int(_) | Token::Float(_) | Token::Str(_) | Token::Ident(_) | Token::Reserved(_) => {
            return None
        }
        Token::Fn => 0,
        Token::Declare => 1,
        Token::Struct => 2,
        Token::Global => 3,
        Token::Const => 4,
        Token::Let => 5,
        Token::If => 6,
        Token::Else => 7,
        Token::While => 8,
        Token::For => 9,
        Token::From => 10,
        Token::Until => 11,
        Token::Step => 12,
        Token::Break => 13,
        Token::Continue => 14,
        Token::Return => 15,
        Token::New => 16,
        Token::This => 17,
        Token::True => 18,
        Token::False => 19,
        Token::AndAnd => 20,
        Token::OrOr => 21,
        Token::Bang => 22,
        Token::As => 23,
        Token::Plus => 24,
        Token::Minus => 25,
        Token::Star => 26,
        Token::Slash => 27,
        Token::Percent => 28,
        Token::Amp => 29,
        Token::Pipe => 30,
        Token::Caret => 31,
        Token::Shl => 32,
        Token::Shr => 33,
        Token::EqEq => 34,
        Token::NotEq => 35,
        Token::Lt => 36,
        Token::Le => 37,
        Token::Gt => 38,
        Token::Ge => 39,
        Token::Assign => 40,
        Token::PlusAssign => 41,
        Token::MinusAssign => 42,
        Token::StarAssign => 43,
        Token::SlashAssign => 44,
        Token::PercentAssign => 45,
        Token::LParen => 46,
        Token::RParen => 47,
        Token::LBrace => 48,
        Token::RBrace => 49,
        Token::LBracket => 50,
        Token::RBracket => 51,
        Token::Comma => 52,
        Token::Semi => 53,
        Token::Colon => 54,
        Token::Dot => 55,
        Token::AmpAssign => 56,
        Token::PipeAssign => 57,
        Token::CaretAssign => 58,
        Token::ShlAssign => 59,
        Token::ShrAssign => 60,
        Token::Import => 61,
        Token::Pub => 62,
        Token::In => 63,
        Token::FatArrow => 64,
        Token::Question => 65,
        Token::Some => 66,
        Token::None => 67,
    };
    Some(index)
}

/// A set of tokens without a value.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct TokenSet(u128);

impl TokenSet {
    /// The tokens without a value that `classify` accepts.
    pub(crate) fn matching<O>(classify: impl Fn(&Token<'static>) -> Option<O>) -> TokenSet {
        let mut set = TokenSet::default();
        for token in UNIT_TOKENS.iter().filter(|t| classify(t).is_some()) {
            set.insert(token);
        }
        set
    }

    /// Adds a token; returns false (and adds nothing) for a token with a value.
    pub(crate) fn insert(&mut self, token: &Token<'_>) -> bool {
        match unit_index(token) {
            Some(index) => {
                self.0 |= 1u128 << index;
                true
            }
            None => false,
        }
    }

    /// Adds every token of another set.
    pub(crate) fn union(&mut self, other: TokenSet) {
        self.0 |= other.0;
    }

    /// The tokens of the set, in [`UNIT_TOKENS`] order.
    pub(crate) fn iter(self) -> impl Iterator<Item = &'static Token<'static>> {
        UNIT_TOKENS
            .iter()
            .enumerate()
            .filter(move |(index, _)| self.0 & (1u128 << index) != 0)
            .map(|(_, token)| token)
    }
}

/// One token, turned into a value by `classify`. Where `classify` rejects the token found,
/// the error expects every token it accepts (as `one_of` would), without trying them in turn.
/// `classify` must accept only tokens without a value.
pub(crate) fn token_class<'t, 's: 't, I, O>(
    classify: fn(&Token<'_>) -> Option<O>,
) -> impl Parser<'t, I, O, Error<'t, 's>> + Clone
where
    I: ValueInput<'t, Token = Token<'s>, Span = GSpan>,
{
    let expected = TokenSet::matching(classify);
    custom(move |inp| {
        let before = inp.save();
        let found = inp.next_maybe();
        if let Some(value) = found.as_deref().and_then(classify) {
            return Ok(value);
        }
        let span = inp.span_since(before.cursor());
        inp.rewind(before);
        Err(SyntaxError::expected_tokens(expected, found, span))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unit_tokens_match_their_indices() {
        for (index, token) in UNIT_TOKENS.iter().enumerate() {
            assert_eq!(unit_index(token), Some(index as u32), "{token:?}");
        }
    }

    #[test]
    fn a_set_lists_its_tokens() {
        let set = TokenSet::matching(|t| matches!(t, Token::Dot | Token::Fn).then_some(()));
        let tokens: Vec<_> = set.iter().collect();
        assert_eq!(tokens, [&Token::Fn, &Token::Dot]);
    }
}
