//! Code for `switch` statements and values. The scrutinee is stored in a local once. An int or enum
//! switch dispatches with a binary search over the sorted case values (an enum's variant
//! index, read with `EnumTag`), so finding the arm takes a logarithmic number of
//! compare-and-branch instructions; a bool switch is one conditional jump, and a string
//! switch compares the cases in order. The arms follow the dispatch, each ending with a
//! jump past the switch; an arm with payload bindings first copies the fields it binds
//! into their locals.

use super::{load_local, FnGen, Gen, Patch};
use crate::hir::{Key, SwitchKind, TExpr, TSwitch};
use prometeu_bytecode::{Constant, Instr};
use prometeu_lexer::Span;

/// At most this many cases are tested one after the other; larger ranges are split.
const LINEAR_CASES: usize = 3;

impl Gen<'_> {
    /// Generates a `switch` statement.
    pub(super) fn switch(&mut self, f: &mut FnGen, sw: &TSwitch, span: Span) {
        self.switch_with(f, sw, span, |this, f, body| this.block(f, body));
    }

    /// Generates a `switch` used as a value: each arm leaves its value on the stack. An
    /// exhaustive switch without `default` sends the dispatch's impossible fall-through to
    /// the last arm, so every path into the join pushes one value.
    pub(super) fn switch_value(&mut self, f: &mut FnGen, sw: &TSwitch<TExpr>, span: Span) {
        let depth = f.e.depth();
        self.switch_with(f, sw, span, |this, f, value| {
            f.e.set_depth(depth);
            this.expr(f, value);
        });
    }

    /// Generates the dispatch of a `switch` and its arms, each arm's body by `body`.
    fn switch_with<B>(
        &mut self,
        f: &mut FnGen,
        sw: &TSwitch<B>,
        span: Span,
        mut body: impl FnMut(&mut Self, &mut FnGen, &B),
    ) {
        let value = sw.slot;
        self.expr(f, &sw.scrutinee);
        f.e.emit(Instr::StoreLocal(value), sw.scrutinee.span);
        // For each arm, the jumps that select it; then the jumps to `default` (or the end).
        let mut to_arm: Vec<Vec<Patch>> = vec![Vec::new(); sw.arms.len()];
        let mut to_default = Vec::new();
        match sw.kind {
            SwitchKind::Int | SwitchKind::Enum => {
                let key = if sw.kind == SwitchKind::Enum {
                    let key = value + 1;
                    f.e.emit(load_local(value), span);
                    f.e.emit(Instr::EnumTag(), span);
                    f.e.emit(Instr::StoreLocal(key), span);
                    key
                } else {
                    value
                };
                let mut cases: Vec<(i64, usize)> = Vec::new();
                for (arm, a) in sw.arms.iter().enumerate() {
                    for k in &a.keys {
                        if let Key::Int(v) = k {
                            cases.push((*v, arm));
                        }
                    }
                }
                cases.sort_unstable();
                self.search(f, key, &cases, &mut to_arm, &mut to_default, span);
            }
            SwitchKind::Bool | SwitchKind::Optional => {
                let mut when_true = None;
                let mut when_false = None;
                for (arm, a) in sw.arms.iter().enumerate() {
                    for k in &a.keys {
                        match k {
                            Key::Bool(true) => when_true = Some(arm),
                            Key::Bool(false) => when_false = Some(arm),
                            _ => {}
                        }
                    }
                }
                f.e.emit(load_local(value), span);
                if sw.kind == SwitchKind::Optional {
                    f.e.emit(Instr::IsSome(), span);
                }
                let jump = f.e.emit_jump(Instr::JumpIfTrue(0), span);
                match when_true {
                    Some(arm) => to_arm[arm].push(jump),
                    None => to_default.push(jump),
                }
                let jump = f.e.emit_jump(Instr::Jump(0), span);
                match when_false {
                    Some(arm) => to_arm[arm].push(jump),
                    None => to_default.push(jump),
                }
            }
            SwitchKind::Str => {
                for (arm, a) in sw.arms.iter().enumerate() {
                    for k in &a.keys {
                        if let Key::Str(s) = k {
                            f.e.emit(load_local(value), span);
                            let c = self.pool.shared_string_constant(s, a.span);
                            f.e.emit(Instr::Const(c), a.span);
                            f.e.emit(Instr::EqStr(), a.span);
                            to_arm[arm].push(f.e.emit_jump(Instr::JumpIfTrue(0), a.span));
                        }
                    }
                }
                to_default.push(f.e.emit_jump(Instr::Jump(0), span));
            }
        }
        if sw.default.is_none() && sw.covers {
            // Only an exhaustive switch has no `default` and no way to reach it: its
            // dispatch's last jumps go to the last arm instead of past the switch.
            if let Some(last) = to_arm.last_mut() {
                last.append(&mut to_default);
            }
        }
        let mut ends = Vec::new();
        for (a, jumps) in sw.arms.iter().zip(to_arm) {
            let here = f.e.here();
            for p in jumps {
                f.e.patch(p, here);
            }
            for &(local, field) in &a.bindings {
                f.e.emit(load_local(value), a.span);
                // The payload of `some(v)` is the optional's value itself.
                if sw.kind != SwitchKind::Optional {
                    f.e.emit(Instr::GetField(field), a.span);
                }
                f.e.emit(Instr::StoreLocal(local), a.span);
            }
            self.block(f, &a.boxes);
            body(self, f, &a.body);
            ends.push(f.e.emit_jump(Instr::Jump(0), span));
        }
        let here = f.e.here();
        for p in to_default {
            f.e.patch(p, here);
        }
        if let Some(default) = &sw.default {
            body(self, f, default);
        }
        let end = f.e.here();
        for p in ends {
            f.e.patch(p, end);
        }
    }

    /// Pushes an int operand (a small immediate or a pool constant).
    fn case_value(&mut self, f: &mut FnGen, v: i64, span: Span) {
        match i32::try_from(v) {
            Ok(small) => f.e.emit(Instr::PushInt(small), span),
            Err(_) => {
                let c = self.pool.constant(Constant::Int(v));
                f.e.emit(Instr::Const(c), span);
            }
        }
    }

    /// Dispatches on the int in local `key` over sorted `cases`: a few cases are tested in
    /// turn, more are split in half at the middle case value.
    fn search(
        &mut self,
        f: &mut FnGen,
        key: u16,
        cases: &[(i64, usize)],
        to_arm: &mut [Vec<Patch>],
        to_default: &mut Vec<Patch>,
        span: Span,
    ) {
        if cases.len() <= LINEAR_CASES {
            for &(v, arm) in cases {
                f.e.emit(load_local(key), span);
                self.case_value(f, v, span);
                // Jumps when the key is not different from the case: when it is equal.
                to_arm[arm].push(f.e.emit_jump(Instr::JumpIfNotNeInt(0), span));
            }
            to_default.push(f.e.emit_jump(Instr::Jump(0), span));
            return;
        }
        let mid = cases.len() / 2;
        f.e.emit(load_local(key), span);
        self.case_value(f, cases[mid].0, span);
        // Jumps to the upper half when the key is not below the middle case.
        let upper = f.e.emit_jump(Instr::JumpIfNotLtInt(0), span);
        self.search(f, key, &cases[..mid], to_arm, to_default, span);
        let here = f.e.here();
        f.e.patch(upper, here);
        self.search(f, key, &cases[mid..], to_arm, to_default, span);
    }
}
