//! The grammar of contracts (§15.4): `declare contract Name { fn m(params): T; ... }` and a
//! struct's `implements A, m.B` clause.

use super::switch::reserved;
use super::{member, qualified, span, type_expr, Error, GSpan};
use crate::ast::*;
use chumsky::input::ValueInput;
use chumsky::prelude::*;
use prometeu_lexer::{SourceId, Span, Token};

/// `contract Name { fn method(params): T; ... }` (after `declare`). A body that does not
/// parse is skipped to its closing brace, so the declarations after it are still read.
pub(super) fn contract_decl<'t, 's: 't, I>(
    source: SourceId,
    params: impl Parser<'t, I, Vec<Param>, Error<'t, 's>> + Clone + 't,
) -> impl Parser<'t, I, Item, Error<'t, 's>> + Clone
where
    I: ValueInput<'t, Token = Token<'s>, Span = GSpan>,
{
    let method = just(Token::Fn)
        .ignore_then(member(source))
        .then(params)
        .then(just(Token::Colon).ignore_then(type_expr(source)).or_not())
        .map_with(move |((name, params), ret), e| ContractMethod {
            name,
            params,
            ret,
            header: span(source, e.span()),
        })
        .then_ignore(just(Token::Semi).labelled(super::super::error::Label::Semicolon));
    reserved("contract")
        .ignore_then(super::ident(source))
        .then(
            method
                .repeated()
                .collect::<Vec<ContractMethod>>()
                .delimited_by(just(Token::LBrace), just(Token::RBrace))
                .recover_with(via_parser(nested_delimiters(
                    Token::LBrace,
                    Token::RBrace,
                    [
                        (Token::LParen, Token::RParen),
                        (Token::LBracket, Token::RBracket),
                    ],
                    |_| Vec::new(),
                ))),
        )
        .map_with(move |(name, methods), e| Item::Contract {
            name,
            methods,
            span: span(source, e.span()),
        })
        // Boxed, so the grammar that holds it stays small on the stack while it is built.
        .boxed()
}

/// A struct's `implements A, m.B` clause, with the span of the whole clause; no clause is
/// an empty list.
pub(super) fn implements_clause<'t, 's: 't, I>(
    source: SourceId,
) -> impl Parser<'t, I, (Vec<Ident>, Span), Error<'t, 's>> + Clone
where
    I: ValueInput<'t, Token = Token<'s>, Span = GSpan>,
{
    reserved("implements")
        .ignore_then(
            qualified(source)
                .separated_by(just(Token::Comma))
                .at_least(1)
                .collect::<Vec<Ident>>(),
        )
        .map_with(move |names, e| (names, span(source, e.span())))
        .or_not()
        .map_with(move |clause, e| {
            clause.unwrap_or_else(|| {
                let at: GSpan = e.span();
                (Vec::new(), span(source, at))
            })
        })
        .boxed()
}
