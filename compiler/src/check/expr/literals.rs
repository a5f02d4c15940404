//! Integer literals typed by context (§15.8): a literal where a `float` is expected is that
//! float, and a built-in's overload may read integer-literal arguments as floats.

use super::{error_expr, FnCx, MAX_POSITIVE};
use crate::ast::{BinOp, Expr, ExprKind, UnOp};
use crate::check::{CheckError, Checker};
use crate::hir::{TExpr, TExprKind};
use crate::types::Type;
use prometeu_lexer::Span;

impl Checker<'_> {
    /// An integer literal (negated when `negative`) where a `float` is expected: that float,
    /// or E0315 when the float cannot hold it exactly.
    pub(super) fn int_as_float(&mut self, v: u64, negative: bool, span: Span) -> TExpr {
        let f = v as f64;
        // `f as u64` saturates, so it gives back `v` exactly when `f` is `v`.
        if f as u64 != v || v > MAX_POSITIVE + u64::from(negative) {
            let shown = if negative {
                format!("-{v}")
            } else {
                v.to_string()
            };
            self.report(
                CheckError::new(
                    "E0315",
                    format!("integer literal `{shown}` is not exactly representable as a `float`"),
                    span,
                    "a `float` is expected here",
                )
                .with_help(format!(
                    "a float holds every integer only up to 2^53 (9007199254740992); the nearest float is `{:?}`: write that if you mean it",
                    if negative { -f } else { f }
                )),
            );
            return error_expr(span);
        }
        TExpr {
            kind: TExprKind::Float(if negative { -f } else { f }),
            ty: Type::Float,
            span,
        }
    }

    /// When no overload of a built-in fits the arguments as they are, but one would with
    /// its integer-literal arguments read as floats where it takes `float`, re-checks those
    /// arguments with `float` expected (§15.8: `Math.sqrt(2)`).
    pub(super) fn float_literal_args(
        &mut self,
        candidates: &[usize],
        args: &[Expr],
        typed: &mut [TExpr],
        cx: &mut FnCx,
    ) {
        let fits_as_is = |sig: &prometeu_bytecode::HostSig| {
            sig.params.len() == typed.len()
                && typed
                    .iter()
                    .zip(&sig.params)
                    .all(|(t, &p)| t.ty.fits_host(p))
        };
        if candidates
            .iter()
            .any(|&i| fits_as_is(&self.builtins.hosts[i]))
        {
            return;
        }
        let convertible = candidates.iter().copied().find(|&i| {
            let sig = &self.builtins.hosts[i];
            sig.params.len() == typed.len()
                && typed.iter().zip(args).zip(&sig.params).all(|((t, a), &p)| {
                    t.ty.fits_host(p)
                        || (p == prometeu_bytecode::HostType::Float
                            && t.ty == Type::Int
                            && int_literal(a))
                })
        });
        let Some(chosen) = convertible else { return };
        let params = self.builtins.hosts[chosen].params.clone();
        for ((t, a), p) in typed.iter_mut().zip(args).zip(params) {
            if p == prometeu_bytecode::HostType::Float && t.ty == Type::Int {
                *t = self.value_hint(a, cx, Some(&Type::Float));
            }
        }
    }
}

/// Whether an expression is made only of integer literals, unary minus, parentheses and
/// arithmetic, so that it takes a `float` type from its context (§15.8). Only small
/// expressions count (at most 64 nodes), so this stays cheap on long chains.
pub(crate) fn int_literal(e: &Expr) -> bool {
    let mut pending = vec![e];
    let mut budget = 64;
    while let Some(e) = pending.pop() {
        budget -= 1;
        if budget == 0 {
            return false;
        }
        match &e.kind {
            ExprKind::Int(_) => {}
            ExprKind::Paren(inner) | ExprKind::Unary(UnOp::Neg, inner) => pending.push(inner),
            ExprKind::Binary(
                BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div | BinOp::Rem,
                l,
                r,
            ) => {
                pending.push(l);
                pending.push(r);
            }
            _ => return false,
        }
    }
    true
}
