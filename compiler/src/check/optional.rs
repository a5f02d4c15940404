//! Optionals (§15.3): the type `T?`, `some(e)`, `none`, automatic wrapping, `else`,
//! `if let`, and the methods `is_some`, `is_none` and `unwrap`.
//!
//! At run time `none` is its own value and `some(x)` is `x` itself, so wrapping a `T` where a
//! `T?` is expected only changes the static type ([`TExprKind::Some`] generates no code).

use super::expr::error_expr;
use super::stmt::{FnCx, LocalKind};
use super::{CheckError, Checker};
use crate::ast::{Block, Expr, ExprKind, Ident, TypeExpr};
use crate::hir::{TExpr, TExprKind, TStmtKind};
use crate::types::Type;
use prometeu_lexer::Span;
use std::collections::HashMap;

/// The help for a `T?` used where a `T` is needed.
pub(crate) const TAKE_PAYLOAD: &str = "an optional may be `none`: give a fallback with \
     `opt else value`, test it with `if let v = opt { ... }`, or call `opt.unwrap()` \
     (which traps on `none`)";

/// An expression without the parentheses around it.
pub(crate) fn strip_parens(e: &Expr) -> &ExprKind {
    match &e.kind {
        ExprKind::Paren(inner) => strip_parens(inner),
        kind => kind,
    }
}

impl Checker<'_> {
    /// Resolves `T?` as written.
    pub(crate) fn resolve_optional(&mut self, inner: &TypeExpr, span: Span) -> Type {
        match self.resolve_type(inner) {
            Type::Error => Type::Error,
            Type::Void => {
                self.report(
                    CheckError::new(
                        "E0923",
                        "`void?` is not a type",
                        span,
                        "void has no values to be optional",
                    )
                    .with_help("a function without a result has no return type; an optional needs a type with values, such as `int?`"),
                );
                Type::Error
            }
            t @ Type::Optional(_) => {
                self.report(
                    CheckError::new(
                        "E0922",
                        format!("`{t}?` is an optional of an optional"),
                        span,
                        "a second `?`",
                    )
                    .with_help(format!(
                        "`{t}` already holds a value or `none`; write `{t}`"
                    )),
                );
                Type::Error
            }
            t => Type::Optional(Box::new(t)),
        }
    }

    /// Wraps a checked `T` whose expected type is `T?` (the implicit conversion of §15.0).
    pub(crate) fn wrap_optional(t: TExpr, want: Option<&Type>) -> TExpr {
        match want {
            Some(opt @ Type::Optional(inner)) if **inner == t.ty => TExpr {
                span: t.span,
                ty: opt.clone(),
                kind: TExprKind::Some(Box::new(t)),
            },
            _ => t,
        }
    }

    /// The hint an expression gets inside a context that expects `want`: the payload type of
    /// an optional (so `let x: float? = 1;` and `let xs: [int]? = [];` work), unless the
    /// expression itself produces optionals.
    pub(crate) fn inner_hint<'h>(e: &Expr, hint: Option<&'h Type>) -> Option<&'h Type> {
        match (&e.kind, hint) {
            (ExprKind::None | ExprKind::Some(_) | ExprKind::Else(..) | ExprKind::Paren(_), h) => h,
            (_, Some(Type::Optional(inner))) => Some(inner),
            (_, h) => h,
        }
    }

    /// Checks `some(e)`.
    pub(crate) fn some_expr(
        &mut self,
        inner: &Expr,
        span: Span,
        cx: &mut FnCx,
        hint: Option<&Type>,
    ) -> TExpr {
        let t = self.value_hint(inner, cx, hint.and_then(Type::payload));
        match &t.ty {
            Type::Error => error_expr(span),
            Type::Optional(_) => {
                self.report(
                    CheckError::new(
                        "E0922",
                        format!("`some` of an optional would be `{}?`", t.ty),
                        inner.span,
                        format!("this is already `{}`", t.ty),
                    )
                    .with_help(
                        "an optional already holds a value or `none`: use it without `some(...)`",
                    ),
                );
                error_expr(span)
            }
            payload => TExpr {
                ty: Type::Optional(Box::new(payload.clone())),
                kind: TExprKind::Some(Box::new(t)),
                span,
            },
        }
    }

    /// Checks `none`, which takes its type from the expected type.
    pub(crate) fn none_expr(&mut self, span: Span, hint: Option<&Type>) -> TExpr {
        match hint {
            Some(ty @ Type::Optional(_)) => TExpr {
                kind: TExprKind::None,
                ty: ty.clone(),
                span,
            },
            Some(Type::Error) => error_expr(span),
            Some(other) => {
                self.report(
                    CheckError::new(
                        "E0921",
                        format!("`none` is not a value of type `{other}`"),
                        span,
                        format!("the expected type here is `{other}`"),
                    )
                    .with_help(format!(
                        "only optionals can be `none`: declare the type as `{other}?`"
                    )),
                );
                error_expr(span)
            }
            None => {
                self.report(
                    CheckError::new(
                        "E0921",
                        "cannot infer the type of `none`",
                        span,
                        "no expected type here",
                    )
                    .with_help("annotate the variable, such as `let x: int? = none;`"),
                );
                error_expr(span)
            }
        }
    }

    /// Checks `opt else fallback`.
    pub(crate) fn else_expr(
        &mut self,
        opt: &Expr,
        fallback: &Expr,
        span: Span,
        cx: &mut FnCx,
        hint: Option<&Type>,
    ) -> TExpr {
        let l = self.value(opt, cx);
        let payload = match &l.ty {
            Type::Error => {
                self.value(fallback, cx);
                return error_expr(span);
            }
            Type::Optional(inner) => (**inner).clone(),
            other => {
                let other = other.clone();
                self.value(fallback, cx);
                self.report(
                    CheckError::new(
                        "E0924",
                        format!("`else` needs an optional on its left, found `{other}`"),
                        opt.span,
                        format!("this is `{other}`, which always has a value"),
                    )
                    .with_help(
                        "remove `else ...`, or make the left side an optional such as `int?`",
                    ),
                );
                return error_expr(span);
            }
        };
        let optional = Type::Optional(Box::new(payload.clone()));
        let fallback_hint = match hint {
            Some(Type::Optional(_)) => &optional,
            _ => &payload,
        };
        let r = self.value_hint(fallback, cx, Some(fallback_hint));
        let ty = if r.ty.is_error() {
            return error_expr(span);
        } else if r.ty == payload {
            payload
        } else if r.ty == optional {
            optional
        } else {
            self.report(
                CheckError::new(
                    "E0925",
                    format!(
                        "mismatched types: the fallback of `else` must be `{payload}` or `{optional}`, found `{}`",
                        r.ty
                    ),
                    fallback.span,
                    format!("this is `{}`", r.ty),
                )
                .with_label(opt.span, format!("this is `{optional}`")),
            );
            return error_expr(span);
        };
        TExpr {
            kind: TExprKind::Else(Box::new(l), Box::new(r)),
            ty,
            span,
        }
    }

    /// Checks `if let name = value { then } else { otherwise }`.
    pub(crate) fn if_let(
        &mut self,
        name: &Ident,
        value: &Expr,
        then: &Block,
        otherwise: Option<&Block>,
        cx: &mut FnCx,
    ) -> Option<TStmtKind> {
        let v = self.value(value, cx);
        let payload = match &v.ty {
            Type::Error => Type::Error,
            Type::Optional(inner) => (**inner).clone(),
            other => {
                self.report(
                    CheckError::new(
                        "E0926",
                        format!("`if let` needs an optional, found `{other}`"),
                        value.span,
                        format!("this is `{other}`, which always has a value"),
                    )
                    .with_help("use a plain `let` for a value that is never `none`"),
                );
                Type::Error
            }
        };
        cx.scopes.push(HashMap::new());
        let saved = cx.next_slot;
        let slot = self.declare_local(cx, name, payload, LocalKind::Let, 1);
        let mut then_body = Self::box_scope(cx, name.span);
        then_body.extend(self.block_stmts(then, cx));
        let then = then_body;
        cx.scopes.pop();
        cx.next_slot = saved;
        let otherwise = otherwise.map(|b| self.block_stmts(b, cx));
        (!v.ty.is_error()).then_some(TStmtKind::IfLet {
            slot,
            value: Box::new(v),
            then,
            otherwise,
        })
    }

    /// Checks `opt.is_some()`, `opt.is_none()` and `opt.unwrap()`.
    pub(crate) fn optional_method(
        &mut self,
        receiver: TExpr,
        payload: &Type,
        name: &Ident,
        args: &[Expr],
        span: Span,
    ) -> Option<TExpr> {
        let (kind, ty): (fn(Box<TExpr>) -> TExprKind, Type) = match name.name.as_str() {
            "is_some" => (TExprKind::IsSome, Type::Bool),
            "is_none" => (TExprKind::IsNone, Type::Bool),
            "unwrap" => (TExprKind::Unwrap, payload.clone()),
            _ => return None,
        };
        if !args.is_empty() {
            let given = args.len();
            self.report(CheckError::new(
                "E0304",
                format!(
                    "wrong number of arguments: `{}` takes 0 arguments but {given} {} given",
                    name.name,
                    if given == 1 { "was" } else { "were" }
                ),
                span,
                format!("{given} given"),
            ));
            return Some(error_expr(span));
        }
        Some(TExpr {
            kind: kind(Box::new(receiver)),
            ty,
            span,
        })
    }

    /// An argument of `print`, `str`, `format` or the REPL's echo whose type has optional
    /// layers becomes its text through the hidden host function, which knows the type's
    /// optional shape; any other argument is unchanged.
    pub(crate) fn optional_text(&self, arg: TExpr) -> TExpr {
        let shape = arg.ty.optional_shape();
        if shape == 0 {
            return arg;
        }
        let host = self.builtins.hosts.iter().position(|h| {
            h.name == crate::OPTIONAL_TEXT_HOST
                && h.params
                    == [
                        prometeu_bytecode::HostType::Any,
                        prometeu_bytecode::HostType::Int,
                    ]
                && h.result == prometeu_bytecode::HostType::Str
        });
        let Some(host) = host else { return arg };
        let span = arg.span;
        let shape = TExpr {
            kind: TExprKind::Int(shape as i64),
            ty: Type::Int,
            span,
        };
        TExpr {
            span,
            kind: TExprKind::call_host(host, vec![arg, shape]),
            ty: Type::Str,
        }
    }
}
