//! The `switch` grammar (§15.2, §15.8): arms of patterns separated by `,`, each with a block
//! after `=>`; a `switch` used as a value has one expression in each arm's braces.

use super::super::error::SyntaxError;
use super::{ident, member, span, Error, GSpan};
use crate::ast::*;
use chumsky::input::ValueInput;
use chumsky::prelude::*;
use prometeu_lexer::{SourceId, Token};

/// A contextual word that the lexer reads as reserved (`switch`, `default`, `enum`).
pub(super) fn reserved<'t, 's: 't, I>(
    word: &'static str,
) -> impl Parser<'t, I, (), Error<'t, 's>> + Clone
where
    I: ValueInput<'t, Token = Token<'s>, Span = GSpan>,
{
    select! { Token::Reserved(w) if w == word => () }
}

/// One `switch` pattern: `default`, a literal (optionally negated), or a dotted name with
/// optional payload bindings.
fn pattern<'t, 's: 't, I>(source: SourceId) -> impl Parser<'t, I, Pattern, Error<'t, 's>> + Clone
where
    I: ValueInput<'t, Token = Token<'s>, Span = GSpan>,
{
    let literal = select! {
        Token::Int(n) => ExprKind::Int(n),
        Token::Str(text) => ExprKind::Str(text.into_boxed_str()),
        Token::True => ExprKind::Bool(true),
        Token::False => ExprKind::Bool(false),
    }
    .map_with(move |kind, e| Expr {
        kind,
        span: span(source, e.span()),
    });
    let negated = just(Token::Minus)
        .ignore_then(literal)
        .map_with(move |operand, e| Expr {
            kind: ExprKind::Unary(UnOp::Neg, Box::new(operand)),
            span: span(source, e.span()),
        });
    let bindings = ident(source)
        .separated_by(just(Token::Comma))
        .allow_trailing()
        .collect::<Vec<Ident>>()
        .delimited_by(just(Token::LParen), just(Token::RParen));
    let some = just(Token::Some)
        .ignore_then(ident(source).delimited_by(just(Token::LParen), just(Token::RParen)))
        .map(PatternKind::Some);
    let none = just(Token::None).to(PatternKind::None);
    let path = ident(source)
        .then(
            just(Token::Dot)
                .ignore_then(member(source))
                .repeated()
                .collect::<Vec<Ident>>(),
        )
        .then(bindings.or_not())
        .map(|((first, rest), bindings)| {
            let mut segments = vec![first];
            segments.extend(rest);
            PatternKind::Path { segments, bindings }
        });
    reserved("default")
        .to(PatternKind::Default)
        .or(negated.or(literal).map(PatternKind::Literal))
        .or(some)
        .or(none)
        .or(path)
        .map_with(move |kind, e| Pattern {
            kind,
            span: span(source, e.span()),
        })
}

/// A `switch`: `switch e { p, q => { ... } ... }`, each arm's body read by `block` (a block
/// of statements, or the braced value of a `switch` used as a value). A `|` between patterns
/// is reported (patterns are separated by `,`) and read as a `,`.
pub(super) fn switch_stmt<'t, 's: 't, I, B>(
    source: SourceId,
    scrutinee: impl Parser<'t, I, Expr, Error<'t, 's>> + Clone + 't,
    block: impl Parser<'t, I, B, Error<'t, 's>> + Clone + 't,
) -> impl Parser<'t, I, Box<Switch<B>>, Error<'t, 's>> + Clone
where
    I: ValueInput<'t, Token = Token<'s>, Span = GSpan>,
    B: 't,
{
    let bar = just(Token::Pipe).validate(|_, e, emitter| {
        emitter.emit(SyntaxError::custom(
            e.span(),
            "E0108|switch patterns are separated by `,`, not `|`",
        ));
    });
    let separator = just(Token::Comma).ignored().or(bar);
    let patterns = pattern(source)
        .separated_by(separator)
        .at_least(1)
        .collect::<Vec<Pattern>>();
    let arm = patterns
        .then_ignore(just(Token::FatArrow))
        .then(block.clone())
        .map_with(move |(patterns, body), e| Arm {
            patterns,
            body,
            span: span(source, e.span()),
        })
        // A broken pattern list is skipped up to its `=>`; the arm's block is still read.
        .recover_with(via_parser(
            any()
                .and_is(one_of([Token::FatArrow, Token::LBrace, Token::RBrace]).not())
                .repeated()
                .at_least(1)
                .then(just(Token::FatArrow))
                .ignore_then(block)
                .map_with(move |body, e| Arm {
                    patterns: Vec::new(),
                    body,
                    span: span(source, e.span()),
                }),
        ));
    reserved("switch")
        .ignore_then(scrutinee)
        .map_with(move |scrutinee, e| (scrutinee, span(source, e.span())))
        .then(
            arm.repeated()
                .collect::<Vec<Arm<B>>>()
                .delimited_by(just(Token::LBrace), just(Token::RBrace)),
        )
        .map(|((scrutinee, head), arms)| {
            Box::new(Switch {
                scrutinee,
                arms,
                head,
            })
        })
}
