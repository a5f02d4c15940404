//! The chumsky grammar of PBS: expressions (operators by precedence over postfix chains),
//! statements and declarations, with recovery at statement and declaration boundaries.

use super::error::{Label, SyntaxError};
use super::tokens::{token_class, TokenSet};
use crate::ast::*;
use chumsky::input::ValueInput;
use chumsky::prelude::*;
use prometeu_lexer::{SourceId, Span, Token};

mod contract;
mod operators;
mod switch;
mod types;

use operators::{binary_operator, prefix_operator, push_binary};
use switch::{reserved, switch_stmt};
use types::type_expr;

/// The error type the grammar reports.
pub(crate) type Error<'t, 's> = extra::Err<SyntaxError<'t, 's>>;

/// The span the grammar's input carries: byte offsets as `u32`, like [`Span`] (sources are
/// far below 4 GiB), so a token of the input takes 8 bytes less than with `usize` offsets.
pub(crate) type GSpan = SimpleSpan<u32>;

/// Converts a chumsky span into a source span.
fn span(source: SourceId, s: GSpan) -> Span {
    Span {
        source,
        start: s.start,
        end: s.end,
    }
}

/// A collected list without spare capacity: the tree holds many short lists, and the room a
/// growing `Vec` keeps (four elements at least) would be most of their size.
fn tight<T>(mut list: Vec<T>) -> Vec<T> {
    list.shrink_to_fit();
    list
}

/// An identifier token.
fn ident<'t, 's: 't, I>(source: SourceId) -> impl Parser<'t, I, Ident, Error<'t, 's>> + Clone
where
    I: ValueInput<'t, Token = Token<'s>, Span = GSpan>,
{
    select! {
        Token::Ident(name) => (name, 0),
        Token::Reserved(name) => (name, 1),
        Token::Some => ("some", 2),
        Token::None => ("none", 2),
    }
    .validate(move |(name, reserved): (&str, u8), e, emitter| {
        if reserved == 1 {
            emitter.emit(SyntaxError::custom(
                e.span(),
                format!("E0103|`{name}` is a reserved word and cannot be used as a name"),
            ));
        } else if reserved == 2 {
            emitter.emit(SyntaxError::custom(
                e.span(),
                format!("E0103K|`{name}` is a keyword and cannot be used as a name"),
            ));
        }
        Ident {
            name: Name::intern(name),
            span: span(source, e.span()),
        }
    })
    .labelled(Label::Identifier)
}

/// A member name (field or method): an identifier, or any word of the language, keyword or
/// reserved (§15.0), since after `.`, in a struct's field list and after `fn` in a struct
/// body a name cannot be confused with the word's own use. `and`, `or` and `not` share their
/// tokens with `&&`, `||` and `!`; the word forms are told apart by their length where they
/// can be (`||` and `or` are both two bytes, and only `or` can be meant there).
fn member<'t, 's: 't, I>(source: SourceId) -> impl Parser<'t, I, Ident, Error<'t, 's>> + Clone
where
    I: ValueInput<'t, Token = Token<'s>, Span = GSpan>,
{
    any()
        .try_map(move |token: Token<'s>, s: GSpan| {
            let name = match token {
                Token::Ident(name) | Token::Reserved(name) => name,
                Token::AndAnd if s.end - s.start == 3 => "and",
                Token::Bang if s.end - s.start == 3 => "not",
                Token::OrOr => "or",
                other => match Token::keyword(&other) {
                    Some(word) => word,
                    None => {
                        let found = Some(chumsky::util::MaybeRef::Val(other));
                        return Err(SyntaxError::expected_tokens(TokenSet::default(), found, s));
                    }
                },
            };
            Ok(Ident {
                name: Name::intern(name),
                span: span(source, s),
            })
        })
        .labelled(Label::Identifier)
}

/// A name that may be qualified by a module alias (`m.Name`), read as one `Ident` whose
/// text holds the dot and whose span covers both parts.
fn qualified<'t, 's: 't, I>(source: SourceId) -> impl Parser<'t, I, Ident, Error<'t, 's>> + Clone
where
    I: ValueInput<'t, Token = Token<'s>, Span = GSpan>,
{
    // The `.name` suffix is looked ahead for by hand: when it is absent nothing is added to
    // the expected tokens, so a type's syntax errors read as before ("expected `=`", not
    // "expected `.` or `=`").
    let suffix = custom(move |inp| {
        let before = inp.save();
        if inp.peek() == Some(Token::Dot) {
            inp.skip();
            let at = inp.cursor();
            if let Some(Token::Ident(name)) = inp.next() {
                let at = inp.span_since(&at);
                return Ok(Some(Ident {
                    name: Name::intern(name),
                    span: span(source, at),
                }));
            }
        }
        inp.rewind(before);
        Ok(None)
    });
    ident(source)
        .then(suffix)
        .map(|(first, second)| match second {
            Some(second) => Ident {
                name: Name::intern(&format!("{}.{}", first.name, second.name)),
                span: first.span.to(second.span),
            },
            None => first,
        })
}

/// Wraps an expression parser so that a stray `= value` after it is reported as
/// "assignment is not an expression" instead of a generic syntax error.
fn no_assign<'t, 's: 't, I, P>(
    source: SourceId,
    expr: P,
) -> impl Parser<'t, I, Expr, Error<'t, 's>> + Clone
where
    I: ValueInput<'t, Token = Token<'s>, Span = GSpan>,
    P: Parser<'t, I, Expr, Error<'t, 's>> + Clone,
{
    expr.clone()
        .then(
            just(Token::Assign)
                .map_with(move |_, e| span(source, e.span()))
                .then_ignore(expr)
                .or_not(),
        )
        .validate(|(value, assign), _, emitter| {
            if let Some(at) = assign {
                emitter.emit(SyntaxError::custom(
                    GSpan::from(at.start..at.end),
                    "E0105|assignment is not an expression",
                ));
            }
            value
        })
}

/// An expression.
pub(crate) fn expr<'t, 's: 't, I>(
    source: SourceId,
) -> impl Parser<'t, I, Expr, Error<'t, 's>> + Clone
where
    I: ValueInput<'t, Token = Token<'s>, Span = GSpan>,
{
    recursive(move |expr| {
        let mk = move |kind: ExprKind, s: GSpan| Expr {
            kind,
            span: span(source, s),
        };
        let literal = select! {
            Token::Int(v) => ExprKind::Int(v),
            Token::Float(v) => ExprKind::Float(v),
            Token::Str(s) => ExprKind::Str(s.into_boxed_str()),
            Token::True => ExprKind::Bool(true),
            Token::False => ExprKind::Bool(false),
            Token::This => ExprKind::This,
        };
        let name = select! {
            Token::Ident(name) => ExprKind::Name(Name::intern(name)),
            Token::None => ExprKind::None,
        };
        let some = just(Token::Some)
            .ignore_then(
                no_assign(source, expr.clone())
                    .delimited_by(just(Token::LParen), just(Token::RParen)),
            )
            .map(|e: Expr| ExprKind::Some(Box::new(e)));
        let args = no_assign(source, expr.clone())
            .separated_by(just(Token::Comma))
            .allow_trailing()
            .collect::<Vec<Expr>>()
            .map(tight)
            .delimited_by(just(Token::LParen), just(Token::RParen));
        let paren = no_assign(source, expr.clone())
            .delimited_by(just(Token::LParen), just(Token::RParen))
            .map(|e: Expr| ExprKind::Paren(Box::new(e)));
        // `[]`, `[a, b, ...]` or `[v; n]`: the first element is parsed once, then what
        // follows it decides the form (two alternatives that each parsed the first element
        // would take exponential time on nested brackets).
        enum Tail {
            Repeat(Expr),
            More(Vec<Expr>),
        }
        let element = no_assign(source, expr.clone());
        let array = element
            .clone()
            .then(
                just(Token::Semi)
                    .ignore_then(expr.clone())
                    .map(Tail::Repeat)
                    .or(just(Token::Comma)
                        .ignore_then(
                            element
                                .separated_by(just(Token::Comma))
                                .allow_trailing()
                                .collect::<Vec<Expr>>()
                                .map(tight),
                        )
                        .map(Tail::More))
                    .or_not(),
            )
            .or_not()
            .delimited_by(just(Token::LBracket), just(Token::RBracket))
            .map(|literal| match literal {
                None => ExprKind::Array(Box::default()),
                Some((first, None)) => ExprKind::Array(Box::new([first])),
                Some((value, Some(Tail::Repeat(count)))) => {
                    ExprKind::ArrayRepeat(Box::new(value), Box::new(count))
                }
                Some((first, Some(Tail::More(rest)))) => {
                    let mut items = Vec::with_capacity(rest.len() + 1);
                    items.push(first);
                    items.extend(rest);
                    ExprKind::Array(items.into_boxed_slice())
                }
            });
        // `{k: v, ...}` and `{}` (§15.6); a statement that starts with `{` is a block, so
        // this is only reached where an expression is expected.
        let map_literal = no_assign(source, expr.clone())
            .then_ignore(just(Token::Colon))
            .then(no_assign(source, expr.clone()))
            .separated_by(just(Token::Comma))
            .allow_trailing()
            .collect::<Vec<(Expr, Expr)>>()
            .delimited_by(just(Token::LBrace), just(Token::RBrace))
            .map(|entries| ExprKind::Map(entries.into_boxed_slice()));
        // `new S(a, b, field: c)`: a named argument is a member name, then `:`.
        let new_arg = member(source)
            .then_ignore(just(Token::Colon))
            .or_not()
            .then(no_assign(source, expr.clone()))
            .map(|(field, value)| NewArg { field, value });
        let new_args = new_arg
            .separated_by(just(Token::Comma))
            .allow_trailing()
            .collect::<Vec<NewArg>>()
            .delimited_by(just(Token::LParen), just(Token::RParen));
        let new = just(Token::New)
            .ignore_then(qualified(source))
            .then(new_args)
            .map(|(name, args)| {
                if args.iter().all(|a| a.field.is_none()) {
                    // Collected into a list of its own size (reusing the arguments' list
                    // would keep its larger room).
                    let mut values = Vec::with_capacity(args.len());
                    values.extend(args.into_iter().map(|a| a.value));
                    ExprKind::New(Box::new((name, values)))
                } else {
                    ExprKind::NewNamed(Box::new((name, tight(args))))
                }
            });
        // `if c { a } else { b }` as a value (§15.8): each block holds one expression.
        let value_block = no_assign(source, expr.clone())
            .delimited_by(just(Token::LBrace), just(Token::RBrace))
            .labelled(Label::Block);
        let if_value = just(Token::If)
            .ignore_then(no_assign(source, expr.clone()))
            .then(value_block.clone())
            .then(
                just(Token::Else)
                    .then(just(Token::If))
                    .ignore_then(no_assign(source, expr.clone()))
                    .then(value_block.clone())
                    .repeated()
                    .collect::<Vec<(Expr, Expr)>>(),
            )
            .then(just(Token::Else).ignore_then(value_block.clone()).or_not())
            .map(|((first, rest), otherwise)| {
                let mut branches = Vec::with_capacity(rest.len() + 1);
                branches.push(first);
                branches.extend(rest);
                ExprKind::If(Box::new((branches, otherwise)))
            });
        // `switch e { p => { a } ... }` as a value (§15.8): each arm's braces hold one expression.
        let switch_value =
            switch_stmt(source, no_assign(source, expr.clone()), value_block.clone())
                .map(ExprKind::Switch);
        // `fn(a: int): int { ... }`: the body's statements are parsed by a statement
        // grammar made when a lambda is met, since statements contain expressions.
        let lambda_param = ident(source)
            .then_ignore(just(Token::Colon))
            .then(type_expr(source))
            .map(|(name, ty)| Param { name, ty });
        let lambda_body = custom(move |inp| {
            let block = stmt(source)
                .repeated()
                .collect::<Vec<Stmt>>()
                .map(tight)
                .delimited_by(just(Token::LBrace), just(Token::RBrace))
                .map_with(move |stmts, e| Block {
                    stmts,
                    span: span(source, e.span()),
                })
                .recover_with(via_parser(block_recovery(source)))
                .labelled(Label::Block);
            stacker::maybe_grow(256 * 1024, 4 * 1024 * 1024, || inp.parse(&block))
        });
        let lambda = just(Token::Fn)
            .ignore_then(
                lambda_param
                    .separated_by(just(Token::Comma))
                    .allow_trailing()
                    .collect::<Vec<Param>>()
                    .map(tight)
                    .delimited_by(just(Token::LParen), just(Token::RParen)),
            )
            .then(just(Token::Colon).ignore_then(type_expr(source)).or_not())
            .map_with(move |header, e| (header, span(source, e.span())))
            .then(lambda_body)
            .map(|(((params, ret), header), body)| {
                ExprKind::Lambda(Box::new(Lambda {
                    params,
                    ret,
                    body,
                    header,
                }))
            });
        let atom = literal
            .or(name)
            .or(lambda)
            .or(some)
            .or(new)
            .or(paren)
            .or(array)
            .or(map_literal)
            .or(if_value)
            .or(switch_value)
            .map_with(move |kind, e| mk(kind, e.span()))
            .labelled(Label::Expression)
            .boxed();
        enum Postfix {
            Call(Vec<Expr>),
            Field(Ident),
            Index(Expr),
        }
        // The first token is checked once, so an expression that ends (the usual case) records
        // one failure instead of three.
        let postfix_start = token_class(|t| {
            matches!(t, Token::LParen | Token::Dot | Token::LBracket).then_some(())
        });
        let postfix_op = postfix_start.rewind().ignore_then(
            args.map(Postfix::Call)
                .or(just(Token::Dot)
                    // `new` after a dot names a built-in constructor such as `TileMap.new`.
                    .ignore_then(member(source))
                    .map(Postfix::Field))
                .or(expr
                    .clone()
                    .delimited_by(just(Token::LBracket), just(Token::RBracket))
                    .map(Postfix::Index)),
        );
        let chain = atom.foldl_with(postfix_op.repeated(), move |lhs, op, e| {
            let kind = match op {
                Postfix::Call(args) => ExprKind::Call(Box::new((lhs, args))),
                Postfix::Field(name) => ExprKind::Field(Box::new(lhs), Box::new(name)),
                Postfix::Index(index) => ExprKind::Index(Box::new(lhs), Box::new(index)),
            };
            mk(kind, e.span())
        });
        // Operators are read flat, `-x as T * y ...`, and the tree is built by precedence as
        // each binary operator arrives: one token class per operator position instead of one
        // alternative per operator (what a Pratt parser built from chumsky's combinators does).
        let prefix_op =
            token_class(prefix_operator).map_with(move |op, e| (op, span(source, e.span())));
        let unary = prefix_op
            .repeated()
            .foldr(chain, |(op, at), rhs: Expr| Expr {
                span: Span {
                    end: rhs.span.end,
                    ..at
                },
                kind: ExprKind::Unary(op, Box::new(rhs)),
            });
        let cast = unary.foldl_with(
            just(Token::As).ignore_then(type_expr(source)).repeated(),
            move |lhs, ty, e| mk(ExprKind::Cast(Box::new(lhs), Box::new(ty)), e.span()),
        );
        let binary = cast.clone().foldl(
            token_class(binary_operator).then(cast).repeated(),
            |mut lhs, (op, rhs)| {
                push_binary(&mut lhs, op, rhs);
                lhs
            },
        );
        // `opt else fallback` binds more loosely than every binary operator and associates
        // to the right: the fallback is a whole expression, `else` chains included.
        // The `else` is looked for by hand, so an expression that ends adds nothing to the
        // expected tokens (a syntax error after it reads as before, without "`else` or").
        let fallback = {
            let expr = expr.clone();
            custom(move |inp| {
                if inp.peek() == Some(Token::Else) {
                    inp.skip();
                    return inp.parse(&expr).map(Some);
                }
                Ok(None)
            })
        };
        binary
            .then(fallback)
            .map_with(move |(lhs, fallback), e| match fallback {
                Some(fallback) => mk(ExprKind::Else(Box::new(lhs), Box::new(fallback)), e.span()),
                None => lhs,
            })
            .labelled(Label::Expression)
    })
}

/// Skips a balanced block after an error, producing an error block.
fn block_recovery<'t, 's: 't, I>(
    source: SourceId,
) -> impl Parser<'t, I, Block, Error<'t, 's>> + Clone
where
    I: ValueInput<'t, Token = Token<'s>, Span = GSpan>,
{
    nested_delimiters(
        Token::LBrace,
        Token::RBrace,
        [
            (Token::LParen, Token::RParen),
            (Token::LBracket, Token::RBracket),
        ],
        move |s| Block {
            stmts: vec![Stmt {
                kind: StmtKind::Error,
                span: span(source, s),
            }],
            span: span(source, s),
        },
    )
}

/// A statement; `block` parses `{ ... }` (passed in to share one recursive definition).
pub(crate) fn stmt<'t, 's: 't, I>(
    source: SourceId,
) -> impl Parser<'t, I, Stmt, Error<'t, 's>> + Clone
where
    I: ValueInput<'t, Token = Token<'s>, Span = GSpan>,
{
    recursive(move |stmt| {
        let expr = expr(source);
        let block = stmt
            .clone()
            .repeated()
            .collect::<Vec<Stmt>>()
            .map(tight)
            .delimited_by(just(Token::LBrace), just(Token::RBrace))
            .map_with(move |stmts, e| Block {
                stmts,
                span: span(source, e.span()),
            })
            .recover_with(via_parser(block_recovery(source)))
            .labelled(Label::Block)
            .boxed();
        // A condition: `if x = 1 {` is reported as "assignment is not an expression".
        let cond = no_assign(source, expr.clone());
        let semi = just(Token::Semi).labelled(Label::Semicolon);
        let let_ = just(Token::Let)
            .ignore_then(ident(source))
            .then(just(Token::Colon).ignore_then(type_expr(source)).or_not())
            .then_ignore(just(Token::Assign))
            .then(no_assign(source, expr.clone()))
            .then_ignore(semi.clone())
            .map(|((name, ty), init)| StmtKind::Let {
                name,
                ty: ty.map(Box::new),
                init: Box::new(init),
            });
        // An `else` part may be another `if` (or `if let`), kept as a block holding it.
        let else_if = token_class(|t| matches!(t, Token::If).then_some(()))
            .rewind()
            .ignore_then(stmt.clone())
            .map(|s: Stmt| Block {
                span: s.span,
                stmts: vec![s],
            });
        let if_ = just(Token::If)
            .ignore_then(cond.clone())
            .then(block.clone())
            .then(
                just(Token::Else)
                    .then(just(Token::If))
                    .ignore_then(cond.clone())
                    .then(block.clone())
                    .repeated()
                    .collect::<Vec<_>>()
                    .map(tight),
            )
            .then(
                just(Token::Else)
                    .ignore_then(block.clone().or(else_if.clone()))
                    .or_not(),
            )
            .map(|(((c, b), rest), otherwise)| {
                let mut branches = Vec::with_capacity(rest.len() + 1);
                branches.push((c, b));
                branches.extend(rest);
                StmtKind::If {
                    branches,
                    otherwise: otherwise.map(Box::new),
                }
            });
        // `if let v = opt { } else { }`.
        let if_let = just(Token::If)
            .then(just(Token::Let))
            .ignore_then(ident(source))
            .then_ignore(just(Token::Assign))
            .then(cond.clone())
            .then(block.clone())
            .then(
                just(Token::Else)
                    .ignore_then(block.clone().or(else_if.clone()))
                    .or_not(),
            )
            .map(|(((name, value), then), otherwise)| StmtKind::IfLet {
                name,
                value: Box::new(value),
                then: Box::new(then),
                otherwise: otherwise.map(Box::new),
            });
        let while_ = just(Token::While)
            .ignore_then(cond.clone())
            .then(block.clone())
            .map(|(cond, body)| StmtKind::While {
                cond: Box::new(cond),
                body,
            });
        let counted = just(Token::From)
            .ignore_then(expr.clone())
            .then_ignore(just(Token::Until))
            .then(expr.clone())
            .then(just(Token::Step).ignore_then(expr.clone()).or_not())
            .map(|((from, until), step)| (from, until, step));
        let for_count = ident(source).then(counted).then(block.clone()).map(
            |((var, (from, until, step)), body)| StmtKind::For {
                var: Box::new(var),
                from: Box::new(from),
                until: Box::new(until),
                step: step.map(Box::new),
                body: Box::new(body),
            },
        );
        let for_in = ident(source)
            .then(just(Token::Comma).ignore_then(ident(source)).or_not())
            .then_ignore(just(Token::In))
            .then(cond.clone())
            .then(block.clone())
            .map(|(((first, second), over), body)| {
                let (index, var) = match second {
                    Some(var) => (Some(Box::new(first)), var),
                    None => (None, first),
                };
                StmtKind::ForIn {
                    index,
                    var,
                    over: Box::new(over),
                    body: Box::new(body),
                }
            });
        let for_ = just(Token::For).ignore_then(for_count.or(for_in));
        let jump = just(Token::Break)
            .to(StmtKind::Break)
            .or(just(Token::Continue).to(StmtKind::Continue))
            .then_ignore(semi.clone());
        let return_ = just(Token::Return)
            .ignore_then(no_assign(source, expr.clone()).or_not())
            .then_ignore(semi.clone())
            .map(StmtKind::Return);
        let assign_op = select! {
            Token::Assign => None,
            Token::PlusAssign => Some(BinOp::Add),
            Token::MinusAssign => Some(BinOp::Sub),
            Token::StarAssign => Some(BinOp::Mul),
            Token::SlashAssign => Some(BinOp::Div),
            Token::PercentAssign => Some(BinOp::Rem),
            Token::AmpAssign => Some(BinOp::BitAnd),
            Token::PipeAssign => Some(BinOp::BitOr),
            Token::CaretAssign => Some(BinOp::BitXor),
            Token::ShlAssign => Some(BinOp::Shl),
            Token::ShrAssign => Some(BinOp::Shr),
        };
        let expr_stmt = expr
            .clone()
            .then(assign_op.then(expr.clone()).or_not())
            .then_ignore(semi.clone())
            .map(|(target, rest)| match rest {
                Some((op, value)) => StmtKind::Assign {
                    target: Box::new(target),
                    op,
                    value: Box::new(value),
                },
                None => StmtKind::Expr(target),
            });
        // The keyword (or `{`) is checked once, so an expression statement is not tried
        // against each keyword statement in turn.
        let keyword = token_class(|t| {
            matches!(
                t,
                Token::Let
                    | Token::If
                    | Token::While
                    | Token::For
                    | Token::Break
                    | Token::Continue
                    | Token::Return
                    | Token::LBrace
            )
            .then_some(())
        });
        let switch_ = switch_stmt(source, cond.clone(), block.clone()).map(StmtKind::Switch);
        let keyword_stmt = let_
            .or(if_let)
            .or(if_)
            .or(while_)
            .or(for_)
            .or(jump)
            .or(return_)
            .or(block.clone().map(StmtKind::Block));
        keyword
            .rewind()
            .ignore_then(keyword_stmt)
            .or(switch_)
            .or(expr_stmt)
            .map_with(move |kind, e| Stmt {
                kind,
                span: span(source, e.span()),
            })
            .labelled(Label::Statement)
            // A broken statement is skipped, balanced blocks included, up to and including its
            // `;` (or up to the `}` that closes the enclosing block), so later statements are
            // still checked. The skip never re-parses what it skips: recovery stays linear.
            .recover_with(via_parser(
                block_recovery(source)
                    .ignored()
                    .or(any()
                        .and_is(one_of([Token::Semi, Token::LBrace, Token::RBrace]).not())
                        .ignored())
                    .repeated()
                    .at_least(1)
                    .then(just(Token::Semi).or_not())
                    .map_with(move |_, e| Stmt {
                        kind: StmtKind::Error,
                        span: span(source, e.span()),
                    }),
            ))
            .labelled(Label::Statement)
            .boxed()
    })
}

/// A function declaration, `[Attr] fn name(params): T { ... }`, whose name is read by
/// `name` (an identifier for top-level functions, a member name for methods).
fn fn_decl<'t, 's: 't, I>(
    source: SourceId,
    name: impl Parser<'t, I, Ident, Error<'t, 's>> + Clone,
    params: impl Parser<'t, I, Vec<Param>, Error<'t, 's>> + Clone,
    block: impl Parser<'t, I, Block, Error<'t, 's>> + Clone,
) -> impl Parser<'t, I, FnDecl, Error<'t, 's>> + Clone
where
    I: ValueInput<'t, Token = Token<'s>, Span = GSpan>,
{
    let attr = ident(source).delimited_by(just(Token::LBracket), just(Token::RBracket));
    let header = just(Token::Fn)
        .ignore_then(name)
        .then(params)
        .then(just(Token::Colon).ignore_then(type_expr(source)).or_not())
        .map_with(move |x, e| (x, span(source, e.span())));
    attr.repeated()
        .collect::<Vec<Ident>>()
        .map(tight)
        .then(header)
        .then(block)
        .map(|((attrs, (((name, params), ret), header)), body)| FnDecl {
            attrs,
            name,
            params,
            ret,
            body,
            header,
        })
}

/// A whole source file: declarations, with top-level statements kept for the checker to
/// report (or for the REPL to run).
pub(crate) fn module<'t, 's: 't, I>(
    source: SourceId,
) -> impl Parser<'t, I, Module, Error<'t, 's>> + Clone
where
    I: ValueInput<'t, Token = Token<'s>, Span = GSpan>,
{
    let stmt = stmt(source);
    let block = stmt
        .clone()
        .repeated()
        .collect::<Vec<Stmt>>()
        .map(tight)
        .delimited_by(just(Token::LBrace), just(Token::RBrace))
        .map_with(move |stmts, e| Block {
            stmts,
            span: span(source, e.span()),
        })
        .recover_with(via_parser(block_recovery(source)));
    let param = ident(source)
        .then_ignore(just(Token::Colon))
        .then(type_expr(source))
        .map(|(name, ty)| Param { name, ty });
    let params = param
        .clone()
        .separated_by(just(Token::Comma))
        .allow_trailing()
        .collect::<Vec<Param>>()
        .map(tight)
        .delimited_by(just(Token::LParen), just(Token::RParen));
    let function = fn_decl(source, ident(source), params.clone(), block.clone()).map(Item::Fn);
    let contract = contract::contract_decl(source, params.clone());
    let method = fn_decl(source, member(source), params, block);
    // A struct's fields: `name: Type`, each with an optional default `= value`.
    let struct_fields = member(source)
        .then_ignore(just(Token::Colon))
        .then(type_expr(source))
        .then(just(Token::Assign).ignore_then(expr(source)).or_not())
        .map(|((name, ty), default)| (Param { name, ty }, default))
        .separated_by(just(Token::Comma))
        .allow_trailing()
        .collect::<Vec<(Param, Option<Expr>)>>()
        .delimited_by(just(Token::LParen), just(Token::RParen));
    let structure = just(Token::Struct)
        .ignore_then(ident(source))
        .then(struct_fields)
        .then(contract::implements_clause(source))
        .then(
            method
                .repeated()
                .collect::<Vec<FnDecl>>()
                .map(tight)
                .delimited_by(just(Token::LBrace), just(Token::RBrace))
                .or(just(Token::Semi).to(Vec::new())),
        )
        .map_with(move |(((name, fields), implements), methods), e| {
            let (fields, defaults) = fields.into_iter().unzip();
            Item::Struct {
                name,
                fields,
                defaults,
                methods,
                implements,
                span: span(source, e.span()),
            }
        });
    let payload_fields = member(source)
        .then_ignore(just(Token::Colon))
        .then(type_expr(source))
        .map(|(name, ty)| Param { name, ty })
        .separated_by(just(Token::Comma))
        .allow_trailing()
        .collect::<Vec<Param>>()
        .delimited_by(just(Token::LParen), just(Token::RParen));
    let variant = member(source)
        .then(payload_fields.or_not())
        .map(|(name, fields)| Variant {
            name,
            fields: fields.unwrap_or_default(),
        });
    let enumeration = reserved("enum")
        .ignore_then(ident(source))
        .then(
            variant
                .separated_by(just(Token::Comma))
                .allow_trailing()
                .collect::<Vec<Variant>>()
                .delimited_by(just(Token::LBrace), just(Token::RBrace)),
        )
        .map_with(move |(name, variants), e| Item::Enum {
            name,
            variants,
            span: span(source, e.span()),
        });
    let binding = ident(source)
        .then(just(Token::Colon).ignore_then(type_expr(source)).or_not())
        .then_ignore(just(Token::Assign))
        .then(expr(source))
        .then_ignore(just(Token::Semi).labelled(Label::Semicolon));
    // `bank`, `map` and `tile` are words only here, so they stay usable as names elsewhere.
    let word = |w: &'static str| select! { Token::Ident(name) if name == w => () };
    let asset_path = select! { Token::Str(path) => path }
        .map_with(move |path, e| (path, span(source, e.span())));
    let bank = word("bank")
        .ignore_then(ident(source))
        .then_ignore(just(Token::Assign))
        .then(asset_path)
        .then_ignore(word("tile"))
        .then(select! { Token::Int(n) => n }.map_with(move |n, e| (n, span(source, e.span()))))
        .then_ignore(just(Token::Semi).labelled(Label::Semicolon))
        .map_with(move |((name, path), tile), e| Item::Bank {
            name,
            path,
            tile,
            span: span(source, e.span()),
        });
    let map = word("map")
        .ignore_then(ident(source))
        .then_ignore(just(Token::Assign))
        .then(asset_path)
        .then_ignore(just(Token::Semi).labelled(Label::Semicolon))
        .map_with(move |(name, path), e| Item::Map {
            name,
            path,
            span: span(source, e.span()),
        });
    let sound = word("sound")
        .ignore_then(ident(source))
        .then_ignore(just(Token::Assign))
        .then(asset_path)
        .then_ignore(just(Token::Semi).labelled(Label::Semicolon))
        .map_with(move |(name, path), e| Item::Sound {
            name,
            path,
            span: span(source, e.span()),
        });
    let declare = just(Token::Declare)
        .ignore_then(
            bank.or(map)
                .or(sound)
                .or(structure)
                .or(enumeration)
                .or(contract)
                .or(just(Token::Const)
                    .ignore_then(binding.clone())
                    .map_with(move |((name, ty), value), e| Item::Const {
                        name,
                        ty,
                        value,
                        span: span(source, e.span()),
                    })
                    .or(just(Token::Global).ignore_then(binding).map_with(
                        move |((name, ty), value), e| Item::Global {
                            name,
                            ty,
                            value,
                            span: span(source, e.span()),
                        },
                    ))),
        )
        .labelled(Label::Declaration);
    // A broken declaration is skipped up to its `;`, so the next one is still checked.
    let broken_declaration = just(Token::Declare)
        .then(any().and_is(just(Token::Semi).not()).repeated())
        .then(just(Token::Semi))
        .to(Item::Error);
    // An attribute `[Name]` starts a function; any other `[` starts an expression (the REPL).
    let attribute_start = just(Token::LBracket)
        .then(select! { Token::Ident(_) => () })
        .then(just(Token::RBracket));
    let top_level_stmt = any()
        .and_is(one_of([Token::Fn, Token::Declare, Token::Import, Token::Pub]).not())
        .and_is(attribute_start.not())
        .rewind()
        .ignore_then(stmt)
        .map(Item::Stmt);
    let import_names = ident(source)
        .then(just(Token::As).ignore_then(ident(source)).or_not())
        .separated_by(just(Token::Comma))
        .allow_trailing()
        .collect::<Vec<(Ident, Option<Ident>)>>()
        .map(tight)
        .delimited_by(just(Token::LBrace), just(Token::RBrace));
    let import_path = select! { Token::Str(path) => path }
        .map_with(move |path, e| (path, span(source, e.span())));
    let import = just(Token::Import)
        .ignore_then(
            import_names
                .then_ignore(just(Token::From))
                .then(import_path)
                .map(|(names, path)| (names, None, path))
                .or(import_path
                    .then_ignore(just(Token::As))
                    .then(ident(source))
                    .map(|(path, alias)| (Vec::new(), Some(alias), path))),
        )
        .then_ignore(just(Token::Semi).labelled(Label::Semicolon))
        .map_with(move |(names, alias, path), e| {
            Item::Import(Import {
                names,
                alias,
                path,
                span: span(source, e.span()),
            })
        });
    let public = just(Token::Pub)
        .map_with(move |_, e| span(source, e.span()))
        .then(function.clone().or(declare.clone()))
        .map(|(at, item)| (Some(at), item));
    // Attributes may also come before `pub`: `[Frame] pub fn frame() { ... }`.
    let attributed_public = ident(source)
        .delimited_by(just(Token::LBracket), just(Token::RBracket))
        .repeated()
        .at_least(1)
        .collect::<Vec<Ident>>()
        .then(just(Token::Pub).map_with(move |_, e| span(source, e.span())))
        .then(function.clone())
        .map(|((mut attrs, at), mut item)| {
            if let Item::Fn(f) = &mut item {
                attrs.append(&mut f.attrs);
                f.attrs = attrs;
            }
            (Some(at), item)
        });
    let item = public
        .or(attributed_public)
        .or(function.map(|item| (None, item)))
        .or(declare.map(|item| (None, item)))
        .or(import.map(|item| (None, item)))
        .or(top_level_stmt.map(|item| (None, item)))
        .recover_with(via_parser(broken_declaration.map(|item| (None, item))))
        .recover_with(via_parser(
            any()
                .and_is(one_of([Token::Fn, Token::Declare, Token::Import, Token::Pub]).not())
                .repeated()
                .at_least(1)
                .to((None, Item::Error)),
        ));
    item.repeated()
        .collect::<Vec<(Option<Span>, Item)>>()
        .map(|items| {
            let (public, items) = items.into_iter().unzip();
            Module { items, public }
        })
        .then_ignore(end())
}
