//! The grammar of types: names, arrays, maps, function types, grouping and optionals.

use super::super::error::Label;
use super::{qualified, span, tight, Error, GSpan};
use crate::ast::*;
use chumsky::input::ValueInput;
use chumsky::prelude::*;
use prometeu_lexer::{SourceId, Span, Token};

/// A type: a name, `[T]`, `{K: V}`, `fn(T, U): R`, `(T)` (grouping) or `T?` (`?` binds to
/// the type before it).
pub(super) fn type_expr<'t, 's: 't, I>(
    source: SourceId,
) -> impl Parser<'t, I, TypeExpr, Error<'t, 's>> + Clone
where
    I: ValueInput<'t, Token = Token<'s>, Span = GSpan>,
{
    recursive(move |ty| {
        let base = qualified(source)
            .map(TypeExpr::Named)
            .or(ty
                .clone()
                .delimited_by(just(Token::LBracket), just(Token::RBracket))
                .map_with(move |inner, e| TypeExpr::Array(Box::new(inner), span(source, e.span()))))
            .or(ty
                .clone()
                .then_ignore(just(Token::Colon))
                .then(ty.clone())
                .delimited_by(just(Token::LBrace), just(Token::RBrace))
                .map_with(move |(k, v), e| {
                    TypeExpr::Map(Box::new(k), Box::new(v), span(source, e.span()))
                }))
            .or(ty
                .clone()
                .delimited_by(just(Token::LParen), just(Token::RParen)))
            .or(just(Token::Fn)
                .ignore_then(
                    ty.clone()
                        .separated_by(just(Token::Comma))
                        .allow_trailing()
                        .collect::<Vec<TypeExpr>>()
                        .map(tight)
                        .delimited_by(just(Token::LParen), just(Token::RParen)),
                )
                .then(just(Token::Colon).ignore_then(ty).or_not())
                .map_with(move |(params, ret), e| {
                    TypeExpr::Func(params, ret.map(Box::new), span(source, e.span()))
                }));
        // Each `?` is looked for by hand, so a type that ends adds nothing to the expected
        // tokens ("expected `=`", not "expected `=` or `?`").
        let questions = custom(|inp| {
            let mut count = 0u32;
            while inp.peek() == Some(Token::Question) {
                inp.skip();
                count += 1;
            }
            Ok(count)
        });
        base.then(questions)
            .map_with(move |(inner, count): (TypeExpr, u32), e| {
                let whole: GSpan = e.span();
                (0..count).fold(inner, |inner, _| {
                    let at = Span {
                        source,
                        start: inner.span().start,
                        end: whole.end,
                    };
                    TypeExpr::Optional(Box::new(inner), at)
                })
            })
    })
    .labelled(Label::Type)
}
