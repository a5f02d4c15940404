//! Code generation of loops: `while`, the counting `for` (the fused `ForPrep`/`ForLoop`
//! pair), and the stepping loop that `for … in` is lowered to. Each loop collects the jumps of
//! its `break`s and `continue`s and points them at its end and at its next step.

use super::{FnGen, Gen, LoopLabels};
use crate::hir::{TExpr, TStmt};
use prometeu_bytecode::Instr;
use prometeu_lexer::Span;

impl Gen<'_> {
    /// Generates a loop body with `breaks` as its first exits, and returns the jumps of its
    /// `break` and `continue` statements, still to be patched.
    fn loop_body(
        &mut self,
        f: &mut FnGen,
        breaks: Vec<super::Patch>,
        body: &[TStmt],
    ) -> LoopLabels {
        f.loops.push(LoopLabels {
            breaks,
            continues: Vec::new(),
        });
        self.block(f, body);
        f.loops.pop().unwrap_or(LoopLabels {
            breaks: Vec::new(),
            continues: Vec::new(),
        })
    }

    /// `while cond { body }`.
    pub(super) fn while_loop(&mut self, f: &mut FnGen, cond: &TExpr, body: &[TStmt], span: Span) {
        let top = f.e.here();
        let exit = self.branch(f, cond, false);
        let labels = self.loop_body(f, exit, body);
        let back = f.e.emit_jump(Instr::Jump(0), span);
        f.e.patch(back, top);
        let end = f.e.here();
        for b in labels.breaks {
            f.e.patch(b, end);
        }
        for c in labels.continues {
            f.e.patch(c, top);
        }
    }

    /// `for v from a until b step s { body }`, its counter, bound and step in `slot` and the
    /// two slots after it.
    pub(super) fn for_loop(
        &mut self,
        f: &mut FnGen,
        slot: u16,
        [from, until, step]: [&TExpr; 3],
        body: &[TStmt],
        span: Span,
    ) {
        self.expr(f, from);
        f.e.emit(Instr::StoreLocal(slot), from.span);
        self.expr(f, until);
        f.e.emit(Instr::StoreLocal(slot + 1), until.span);
        self.expr(f, step);
        f.e.emit(Instr::StoreLocal(slot + 2), step.span);
        let exit = f.e.emit_jump(Instr::ForPrep(slot, 0), step.span);
        let body_start = f.e.here();
        let labels = self.loop_body(f, vec![exit], body);
        let next = f.e.here();
        let back = f.e.emit_jump(Instr::ForLoop(slot, 0), span);
        f.e.patch(back, body_start);
        let end = f.e.here();
        for b in labels.breaks {
            f.e.patch(b, end);
        }
        for c in labels.continues {
            f.e.patch(c, next);
        }
    }

    /// A loop that tests `cond`, runs `head` and `body`, then `next` (where `continue` goes).
    pub(super) fn step_loop(
        &mut self,
        f: &mut FnGen,
        cond: &TExpr,
        head: &[TStmt],
        body: &[TStmt],
        next: &[TStmt],
        span: Span,
    ) {
        let top = f.e.here();
        let exit = self.branch(f, cond, false);
        self.block(f, head);
        let labels = self.loop_body(f, exit, body);
        let step = f.e.here();
        for c in labels.continues {
            f.e.patch(c, step);
        }
        self.block(f, next);
        let back = f.e.emit_jump(Instr::Jump(0), span);
        f.e.patch(back, top);
        let end = f.e.here();
        for b in labels.breaks {
            f.e.patch(b, end);
        }
    }
}
