//! `if` and `switch` as expressions (§15.8): `let speed = if boosted { 4.0 } else { 2.0 };`,
//! `let name = switch s { State.Title => { "title" } default => { "game" } };`.

use super::error_expr;
use crate::ast::{Expr, Switch};
use crate::check::stmt::FnCx;
use crate::check::{CheckError, Checker};
use crate::hir::{TExpr, TExprKind};
use crate::types::Type;
use prometeu_lexer::Span;

impl Checker<'_> {
    /// Checks an `if` used as a value: bool conditions, an `else`, and one type for every
    /// branch (the expected type if there is one, else the first branch's).
    pub(super) fn if_value(
        &mut self,
        branches: &[(Expr, Expr)],
        otherwise: Option<&Expr>,
        span: Span,
        cx: &mut FnCx,
        hint: Option<&Type>,
    ) -> TExpr {
        let mut ty: Option<Type> = None;
        let mut failed = false;
        let mut typed = Vec::with_capacity(branches.len());
        for (cond, value) in branches {
            let cond = self.condition(cond, cx);
            let value = self.branch_value(value, cx, hint, &mut ty, IF);
            failed |= cond.ty.is_error() || value.ty.is_error();
            typed.push((cond, value));
        }
        let Some(otherwise) = otherwise else {
            self.report(
                CheckError::new(
                    "E0340",
                    "an `if` used as a value needs an `else`",
                    span,
                    "there is no value when no condition holds",
                )
                .with_help("add `else { value }` with a value of the same type"),
            );
            return error_expr(span);
        };
        let otherwise = self.branch_value(otherwise, cx, hint, &mut ty, IF);
        if failed || otherwise.ty.is_error() {
            return error_expr(span);
        }
        TExpr {
            kind: TExprKind::If(Box::new((typed, otherwise))),
            ty: otherwise_ty(ty),
            span,
        }
    }

    /// Checks a `switch` used as a value: the statement's rules for patterns, coverage and
    /// `default`, and one type for every arm's value (the expected type if there is one,
    /// else the first arm's).
    pub(super) fn switch_value(
        &mut self,
        sw: &Switch<Expr>,
        span: Span,
        cx: &mut FnCx,
        hint: Option<&Type>,
    ) -> TExpr {
        let mut ty: Option<Type> = None;
        let mut failed = false;
        let checked = self.switch_of(sw, cx, &mut |this, value: &Expr, cx| {
            let t = this.branch_value(value, cx, hint, &mut ty, SWITCH);
            failed |= t.ty.is_error();
            t
        });
        match (checked, ty) {
            (Some(sw), Some(ty)) if !failed && !ty.is_error() => TExpr {
                kind: TExprKind::Switch(Box::new(sw)),
                ty,
                span,
            },
            _ => error_expr(span),
        }
    }

    /// Checks one branch's value: against the expected type, or else against the type of
    /// the first branch, which it sets.
    fn branch_value(
        &mut self,
        value: &Expr,
        cx: &mut FnCx,
        hint: Option<&Type>,
        ty: &mut Option<Type>,
        labels: (&str, &str),
    ) -> TExpr {
        match (hint, ty.clone()) {
            (Some(want), _) if !want.is_error() => {
                let t = self.expect(value, cx, want, labels.0);
                if ty.is_none() {
                    *ty = Some(want.clone());
                }
                t
            }
            (_, Some(first)) if !first.is_error() => self.expect(value, cx, &first, labels.1),
            _ => {
                let t = self.value(value, cx);
                *ty = Some(t.ty.clone());
                t
            }
        }
    }
}

/// The labels of a branch whose type is wrong: against the expected type, against the first
/// branch's.
const IF: (&str, &str) = (
    "the `if` must give this type",
    "every branch of an `if` value must have the type of the first",
);
const SWITCH: (&str, &str) = (
    "the `switch` must give this type",
    "every arm of a `switch` value must have the type of the first",
);

/// The type of a checked `if` value.
fn otherwise_ty(ty: Option<Type>) -> Type {
    ty.unwrap_or(Type::Error)
}
