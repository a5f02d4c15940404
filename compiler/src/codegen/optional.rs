//! Code generation for optionals (§15.3). `none` is the value `PushNone` pushes and
//! `some(x)` is `x` itself, so wrapping emits nothing and optionals of scalars never
//! allocate; `else` and `if let` branch with `JumpIfSome`, which keeps the optional on the
//! stack either way.

use super::{FnGen, Gen};
use crate::hir::{TExpr, TExprKind, TStmt};
use prometeu_bytecode::Instr;
use prometeu_lexer::Span;

impl Gen<'_> {
    /// Generates an optional expression; false when `e` is not one.
    pub(super) fn optional_expr(&mut self, f: &mut FnGen, e: &TExpr) -> bool {
        let span = e.span;
        match &e.kind {
            TExprKind::Some(inner) => self.expr(f, inner),
            TExprKind::None => f.e.emit(Instr::PushNone(), span),
            TExprKind::Else(opt, fallback) => {
                // opt; JumpIfSome end; Pop; fallback; end:
                self.expr(f, opt);
                let end = f.e.emit_jump(Instr::JumpIfSome(0), span);
                f.e.emit(Instr::Pop(), fallback.span);
                self.expr(f, fallback);
                let target = f.e.here();
                f.e.patch(end, target);
            }
            TExprKind::IsNone(opt) => {
                self.expr(f, opt);
                f.e.emit(Instr::IsNone(), span);
            }
            TExprKind::IsSome(opt) => {
                self.expr(f, opt);
                f.e.emit(Instr::IsSome(), span);
            }
            TExprKind::Unwrap(opt) => {
                self.expr(f, opt);
                f.e.emit(Instr::Unwrap(), span);
            }
            _ => return false,
        }
        true
    }

    /// Generates `if let`: value; JumpIfSome then; Pop; otherwise; Jump end;
    /// then: StoreLocal slot; then-block; end:
    pub(super) fn if_let(
        &mut self,
        f: &mut FnGen,
        slot: u16,
        value: &TExpr,
        then: &[TStmt],
        otherwise: Option<&[TStmt]>,
        span: Span,
    ) {
        self.expr(f, value);
        let depth = f.e.depth();
        let to_then = f.e.emit_jump(Instr::JumpIfSome(0), value.span);
        f.e.emit(Instr::Pop(), value.span);
        if let Some(body) = otherwise {
            self.block(f, body);
        }
        let end = f.e.emit_jump(Instr::Jump(0), span);
        let then_target = f.e.here();
        f.e.patch(to_then, then_target);
        f.e.set_depth(depth);
        f.e.emit(Instr::StoreLocal(slot), value.span);
        self.block(f, then);
        let end_target = f.e.here();
        f.e.patch(end, end_target);
    }
}
