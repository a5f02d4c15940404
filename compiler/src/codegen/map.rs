//! Code generation for maps (§15.6): every map operation is one instruction on operands
//! pushed in order (the map first), and a `for … in` over a map is bracketed by
//! `MapIterBegin`/`MapIterEnd`, with a `MapIterEnd` for each enclosing map loop before a
//! `return` inside it (`break` leaves through the loop's end, where its `MapIterEnd` is).

use super::{FnGen, Gen};
use crate::hir::{MapOp, TExpr, TStmt};
use prometeu_bytecode::Instr;
use prometeu_lexer::Span;

impl Gen<'_> {
    /// Generates a map operation.
    pub(super) fn map_expr(&mut self, f: &mut FnGen, op: MapOp, operands: &[TExpr], span: Span) {
        for operand in operands {
            self.expr(f, operand);
        }
        let instr = match op {
            MapOp::New => {
                let pairs = (operands.len() / 2) as u32;
                f.e.emit_call(Instr::NewMap(pairs), span, 2 * pairs);
                return;
            }
            MapOp::Get => Instr::MapGet(),
            MapOp::GetOpt => Instr::MapGetOpt(),
            MapOp::Has => Instr::MapHas(),
            MapOp::Remove => Instr::MapRemove(),
            MapOp::Len => Instr::MapLen(),
            MapOp::Keys => Instr::MapKeys(),
            MapOp::Values => Instr::MapValues(),
            MapOp::Clear => Instr::MapClear(),
            MapOp::KeyAt => Instr::MapKeyAt(),
            MapOp::ValueAt => Instr::MapValueAt(),
        };
        f.e.emit(instr, span);
    }

    /// Generates a loop over the map in local `slot`.
    pub(super) fn map_loop(&mut self, f: &mut FnGen, slot: u16, body: &TStmt, span: Span) {
        f.e.emit(Instr::MapIterBegin(slot), span);
        f.map_loops.push(slot);
        self.stmt(f, body);
        f.map_loops.pop();
        f.e.emit(Instr::MapIterEnd(slot), span);
    }

    /// Ends every map loop a `return` leaves, innermost first.
    pub(super) fn end_map_loops(&mut self, f: &mut FnGen, span: Span) {
        for i in (0..f.map_loops.len()).rev() {
            let slot = f.map_loops[i];
            f.e.emit(Instr::MapIterEnd(slot), span);
        }
    }
}
