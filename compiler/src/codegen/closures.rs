//! Code for function values: lambdas with their captured boxes, functions named as values,
//! calls of function values, and the boxes of captured locals.

use super::{FnGen, Gen};
use crate::hir::{BoxAt, TExpr, TExprKind};
use prometeu_bytecode::Instr;

impl Gen<'_> {
    /// Generates a function-value expression; `false` when `e` is not one.
    pub(super) fn closure_expr(&mut self, f: &mut FnGen, e: &TExpr) -> bool {
        let span = e.span;
        match &e.kind {
            TExprKind::Lambda { index, captures } => {
                for at in captures {
                    match *at {
                        BoxAt::Slot(slot) => f.e.emit(Instr::LoadLocal(slot), span),
                        BoxAt::Capture(k) => f.e.emit(Instr::CaptureBox(k), span),
                    }
                }
                let count = captures.len() as u16;
                f.e.emit_call(
                    Instr::MakeClosure(self.lambda_base + index, count),
                    span,
                    count as u32,
                );
            }
            TExprKind::FuncRef(index) => f.e.emit(Instr::FuncRef(*index), span),
            TExprKind::CallValue(call) => {
                let (callee, args) = &**call;
                self.expr(f, callee);
                for a in args {
                    self.expr(f, a);
                }
                let count = args.len() as u16;
                f.e.emit_call(Instr::CallValue(count), span, count as u32 + 1);
            }
            TExprKind::NewBox(value) => {
                self.expr(f, value);
                f.e.emit(Instr::NewBox(), span);
            }
            TExprKind::LoadBox(slot) => f.e.emit(Instr::LoadBox(*slot), span),
            TExprKind::LoadCapture(k) => f.e.emit(Instr::LoadCapture(*k), span),
            TExprKind::CallGenerated(index, args) => {
                for a in args {
                    self.expr(f, a);
                }
                let count = args.len() as u32;
                f.e.emit_call(Instr::Call(self.lambda_base + index), span, count);
            }
            _ => return false,
        }
        true
    }
}
