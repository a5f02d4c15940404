//! Code generation: the typed tree to a bytecode [`prometeu_bytecode::Program`].
//!
//! Instructions are chosen by the static types (`AddInt` vs `AddFloat`), local loads use
//! the `LoadLocal0..3` superinstructions, operands that are plain locals use the
//! local-operand forms (`AddIntLL`, `AddFloatL`, `MulIntToL`, `GetFieldL`, `IndexGetLL`, ...),
//! `if`/`while` conditions compile to jumps with fused compare-and-branch instructions, the
//! one-float `Math` functions compile to `FloatFn`, `for` loops use the fused
//! `ForPrep`/`ForLoop` pair, and every global access gets its own access site for the
//! version-cached lookup.

mod closures;
mod emit;
mod limits;
mod loops;
mod map;
mod optional;
mod peephole;
mod program;
mod select;
mod switch;

use crate::ast::{BinOp, UnOp};
use crate::hir::{Place, TExpr, TExprKind, TStmt, TStmtKind};
use crate::intern::Pool;
use crate::types::Type;
use crate::Builtins;
use emit::{Emitter, Patch};
pub use limits::LimitError;
pub use program::{generate, generate_files, DebugFile, Generator};
use prometeu_bytecode::limits::MAX_CODE_BYTES;
use prometeu_bytecode::{Constant, Function, HostSig, HostType, Instr, FLOAT_FUNCTIONS};
use prometeu_lexer::Span;
use select::{binary, fused_branch, load_local};
use std::collections::HashMap;

/// The jumps of the innermost loops that still need their targets.
struct LoopLabels {
    breaks: Vec<Patch>,
    continues: Vec<Patch>,
}

/// Program-wide generation state.
struct Gen<'a> {
    builtins: &'a Builtins,
    /// Each function's parameter count, by function index.
    params: Vec<u16>,
    /// The function index of lambda 0.
    lambda_base: u32,
    pool: Pool,
    hosts: Vec<HostSig>,
    host_index: HashMap<usize, u32>,
    global_sites: Vec<u32>,
    /// How many `CallContract` sites have been emitted (each names its own site).
    contract_sites: u32,
    errors: Vec<LimitError>,
}

/// Per-function generation state.
struct FnGen {
    e: Emitter,
    loops: Vec<LoopLabels>,
    /// The map slots of the enclosing `for … in` loops over maps, outermost first.
    map_loops: Vec<u16>,
}

impl Gen<'_> {
    fn host(&mut self, builtin: usize) -> u32 {
        if let Some(&i) = self.host_index.get(&builtin) {
            return i;
        }
        let i = self.hosts.len() as u32;
        self.hosts.push(self.builtins.hosts[builtin].clone());
        self.host_index.insert(builtin, i);
        i
    }

    /// The `FloatFn` operand of a one-float `Math` builtin, which compiles to that
    /// instruction instead of a host call.
    fn float_function(&self, builtin: usize) -> Option<u16> {
        let sig = &self.builtins.hosts[builtin];
        if sig.params != [HostType::Float] || sig.result != HostType::Float {
            return None;
        }
        let index = FLOAT_FUNCTIONS.iter().position(|name| *name == sig.name)?;
        u16::try_from(index).ok()
    }

    fn site(&mut self, name: &str) -> u32 {
        let s = self.pool.string(name);
        self.global_sites.push(s);
        self.global_sites.len() as u32 - 1
    }

    fn int(&mut self, f: &mut FnGen, v: i64, span: Span) {
        match i32::try_from(v) {
            Ok(small) => f.e.emit(Instr::PushInt(small), span),
            Err(_) => {
                let c = self.pool.constant(Constant::Int(v));
                f.e.emit(Instr::Const(c), span);
            }
        }
    }

    fn expr(&mut self, f: &mut FnGen, e: &TExpr) {
        stacker::maybe_grow(64 * 1024, 1024 * 1024, || self.expr_inner(f, e))
    }

    fn expr_inner(&mut self, f: &mut FnGen, e: &TExpr) {
        let span = e.span;
        match &e.kind {
            TExprKind::Int(v) => self.int(f, *v, span),
            TExprKind::Float(v) => {
                let c = self.pool.constant(Constant::Float(v.to_bits()));
                f.e.emit(Instr::Const(c), span);
            }
            TExprKind::Bool(true) => f.e.emit(Instr::PushTrue(), span),
            TExprKind::Bool(false) => f.e.emit(Instr::PushFalse(), span),
            TExprKind::Str(s) => {
                let c = self.pool.shared_string_constant(s, span);
                f.e.emit(Instr::Const(c), span);
            }
            TExprKind::Local(slot) => f.e.emit(load_local(*slot), span),
            TExprKind::Lambda { .. }
            | TExprKind::FuncRef(_)
            | TExprKind::CallValue(..)
            | TExprKind::NewBox(_)
            | TExprKind::LoadBox(_)
            | TExprKind::LoadCapture(_)
            | TExprKind::CallGenerated(..) => {
                self.closure_expr(f, e);
            }
            TExprKind::Variant { ty, variant } => f.e.emit(Instr::PushEnum(*ty, *variant), span),
            TExprKind::EnumTag(value) => {
                self.expr(f, value);
                f.e.emit(Instr::EnumTag(), span);
            }
            TExprKind::Global(name) => {
                let site = self.site(name);
                f.e.emit(Instr::GetGlobal(site), span);
            }
            TExprKind::Unary(op, operand) => {
                self.expr(f, operand);
                let instr = match (op, &e.ty) {
                    (UnOp::Neg, Type::Float) => Instr::NegFloat(),
                    (UnOp::Neg, _) => Instr::NegInt(),
                    (UnOp::Not, _) => Instr::Not(),
                };
                f.e.emit(instr, span);
            }
            TExprKind::Switch(sw) => self.switch_value(f, sw, span),
            TExprKind::If(if_) => {
                let (branches, otherwise) = &**if_;
                let depth = f.e.depth();
                let mut ends = Vec::with_capacity(branches.len());
                for (cond, value) in branches {
                    let next = self.branch(f, cond, false);
                    self.expr(f, value);
                    ends.push(f.e.emit_jump(Instr::Jump(0), span));
                    let target = f.e.here();
                    for p in next {
                        f.e.patch(p, target);
                    }
                    f.e.set_depth(depth);
                }
                self.expr(f, otherwise);
                let target = f.e.here();
                for end in ends {
                    f.e.patch(end, target);
                }
            }
            TExprKind::Binary(BinOp::And, a, b) | TExprKind::Binary(BinOp::Or, a, b) => {
                let is_and = matches!(e.kind, TExprKind::Binary(BinOp::And, _, _));
                self.expr(f, a);
                let short = f.e.emit_jump(
                    if is_and {
                        Instr::JumpIfFalse(0)
                    } else {
                        Instr::JumpIfTrue(0)
                    },
                    span,
                );
                let depth = f.e.depth();
                self.expr(f, b);
                let end = f.e.emit_jump(Instr::Jump(0), span);
                let short_target = f.e.here();
                f.e.patch(short, short_target);
                f.e.set_depth(depth);
                f.e.emit(
                    if is_and {
                        Instr::PushFalse()
                    } else {
                        Instr::PushTrue()
                    },
                    span,
                );
                let end_target = f.e.here();
                f.e.patch(end, end_target);
            }
            TExprKind::Binary(op, a, b) => {
                if let (Type::Int, Some(x), Some(k)) = (&a.ty, local(a), immediate(*op, b)) {
                    f.e.emit(Instr::AddLocalImm(x, k), span);
                } else if let (Some(forms), Some(x), Some(y)) =
                    (LocalForms::of(*op, &a.ty), local(a), local(b))
                {
                    f.e.emit((forms.both)(x, y), span);
                } else {
                    self.expr(f, a);
                    self.apply(f, *op, &a.ty, b, span);
                }
            }
            TExprKind::Cast(inner) => {
                self.expr(f, inner);
                let instr = if e.ty == Type::Float {
                    Instr::IntToFloat()
                } else {
                    Instr::FloatToInt()
                };
                f.e.emit(instr, span);
            }
            TExprKind::Call(index, args) => {
                for a in args {
                    self.expr(f, a);
                }
                // The generated initializer functions come after the checked ones and
                // take no parameters.
                let params = self.params.get(*index as usize).map_or(0, |&p| p as u32);
                f.e.emit_call(Instr::Call(*index), span, params);
            }
            TExprKind::CallContract(contract, method, args) => {
                for a in args {
                    self.expr(f, a);
                }
                let site = self.contract_sites;
                self.contract_sites = self.contract_sites.wrapping_add(1);
                let instr = Instr::CallContract(*contract, *method, site);
                f.e.emit_call(instr, span, args.len() as u32);
            }
            TExprKind::CallHost(builtin, args) => {
                if !self.host_call(f, *builtin as usize, args, span, false) {
                    // `push` as a value: the unit value a `void` call leaves.
                    f.e.emit(Instr::PushUnit(), span);
                }
            }
            TExprKind::Field(obj, index) => match local(obj) {
                Some(slot) => f.e.emit(Instr::GetFieldL(slot, *index), span),
                None => {
                    self.expr(f, obj);
                    f.e.emit(Instr::GetField(*index), span);
                }
            },
            TExprKind::Index(arr, index) => match (local(arr), local(index)) {
                (Some(a), Some(i)) => f.e.emit(Instr::IndexGetLL(a, i), span),
                _ => {
                    self.expr(f, arr);
                    self.expr(f, index);
                    f.e.emit(Instr::IndexGet(), span);
                }
            },
            TExprKind::NewStruct(ty, fields) => {
                for v in fields {
                    self.expr(f, v);
                }
                f.e.emit_call(Instr::NewStruct(*ty), span, fields.len() as u32);
            }
            TExprKind::Array(items) => {
                for v in items {
                    self.expr(f, v);
                }
                f.e.emit_call(
                    Instr::NewArray(items.len() as u32),
                    span,
                    items.len() as u32,
                );
            }
            TExprKind::ArrayRepeat(value, count) => {
                self.expr(f, value);
                self.expr(f, count);
                f.e.emit(Instr::NewArrayRepeat(), span);
            }
            TExprKind::Error => f.e.emit(Instr::PushUnit(), span),
            TExprKind::Map(op, operands) => self.map_expr(f, *op, operands, span),
            _ => {
                self.optional_expr(f, e);
            }
        }
    }

    /// Generates a call of a built-in: the one-float `Math` functions become `FloatFn`, the
    /// array methods `len`, `push` and `pop` their own instructions, the rest host calls
    /// (`CallHostDrop` when `discard` asks for the result to be dropped). Returns whether
    /// the call left a value on the stack.
    fn host_call(
        &mut self,
        f: &mut FnGen,
        builtin: usize,
        args: &[TExpr],
        span: Span,
        discard: bool,
    ) -> bool {
        let name = self.builtins.hosts[builtin].name.as_str();
        match (name, args) {
            ("Array.len", [array]) => {
                match local(array) {
                    Some(slot) => f.e.emit(Instr::ArrayLenL(slot), span),
                    None => {
                        self.expr(f, array);
                        f.e.emit(Instr::ArrayLen(), span);
                    }
                }
                return true;
            }
            ("Array.push", [array, value]) => {
                self.expr(f, array);
                self.expr(f, value);
                f.e.emit(Instr::ArrayPush(), span);
                return false;
            }
            ("Array.pop", [array]) => {
                self.expr(f, array);
                f.e.emit(Instr::ArrayPop(), span);
                return true;
            }
            _ => {}
        }
        for a in args {
            self.expr(f, a);
        }
        if let Some(func) = self.float_function(builtin) {
            f.e.emit(Instr::FloatFn(func), span);
            return true;
        }
        let h = self.host(builtin);
        if discard {
            f.e.emit_call(Instr::CallHostDrop(h), span, args.len() as u32);
            false
        } else {
            f.e.emit_call(Instr::CallHost(h), span, args.len() as u32);
            true
        }
    }

    /// Applies `op` to the value on top of the stack and `right`, leaving the result there:
    /// a local right operand uses the `*L` form, an int literal addend `AddIntImm`.
    fn apply(&mut self, f: &mut FnGen, op: BinOp, ty: &Type, right: &TExpr, span: Span) {
        if let (Some(forms), Some(slot)) = (LocalForms::of(op, ty), local(right)) {
            f.e.emit((forms.right)(slot), span);
        } else if let (Type::Int, Some(k)) = (ty, immediate(op, right)) {
            f.e.emit(Instr::AddIntImm(k), span);
        } else {
            self.expr(f, right);
            f.e.emit(binary(op, ty), span);
        }
    }

    /// Evaluates a condition and jumps (to targets patched later) when its value is `when`,
    /// falling through otherwise. `and`, `or` and `not` become jumps instead of values, and a
    /// comparison becomes one fused compare-and-branch instruction where one exists.
    fn branch(&mut self, f: &mut FnGen, cond: &TExpr, when: bool) -> Vec<Patch> {
        stacker::maybe_grow(64 * 1024, 1024 * 1024, || self.branch_inner(f, cond, when))
    }

    fn branch_inner(&mut self, f: &mut FnGen, cond: &TExpr, when: bool) -> Vec<Patch> {
        match &cond.kind {
            TExprKind::Binary(op @ (BinOp::And | BinOp::Or), a, b) => {
                // `a and b` is false as soon as `a` is; `a or b` is true as soon as `a` is.
                let decides = *op == BinOp::Or;
                if when == decides {
                    let mut jumps = self.branch(f, a, when);
                    jumps.extend(self.branch(f, b, when));
                    jumps
                } else {
                    let skip = self.branch(f, a, decides);
                    let jumps = self.branch(f, b, when);
                    let here = f.e.here();
                    for p in skip {
                        f.e.patch(p, here);
                    }
                    jumps
                }
            }
            TExprKind::Unary(UnOp::Not, inner) => self.branch(f, inner, !when),
            TExprKind::Binary(op, a, b) => match fused_branch(*op, &a.ty, when) {
                Some(instr) => {
                    self.expr(f, a);
                    self.expr(f, b);
                    vec![f.e.emit_jump(instr, cond.span)]
                }
                None => self.branch_on_value(f, cond, when),
            },
            _ => self.branch_on_value(f, cond, when),
        }
    }

    /// Evaluates a condition as a value and jumps when it is `when`.
    fn branch_on_value(&mut self, f: &mut FnGen, cond: &TExpr, when: bool) -> Vec<Patch> {
        self.expr(f, cond);
        let instr = if when {
            Instr::JumpIfTrue(0)
        } else {
            Instr::JumpIfFalse(0)
        };
        vec![f.e.emit_jump(instr, cond.span)]
    }

    /// Pushes the operands a place needs before its value (the object, or array and index).
    /// Places whose object (or array and index) are locals need nothing on the stack: the
    /// `*L` forms read them directly.
    fn place_operands(&mut self, f: &mut FnGen, place: &Place) {
        match held_in_locals(place) {
            Some(_) => {}
            None => match place {
                Place::Local(_) | Place::Global(_) | Place::Boxed(_) | Place::Capture(_) => {}
                Place::Field(obj, _) => self.expr(f, obj),
                Place::Index(arr, index) | Place::MapEntry(arr, index) => {
                    self.expr(f, arr);
                    self.expr(f, index);
                }
            },
        }
    }

    /// Loads a place's current value, given its operands already on the stack (kept there).
    fn load_place(&mut self, f: &mut FnGen, place: &Place, span: Span) {
        if let Some(instr) = held_in_locals(place) {
            f.e.emit(instr.load, span);
            return;
        }
        match place {
            Place::Local(slot) => f.e.emit(load_local(*slot), span),
            Place::Boxed(slot) => f.e.emit(Instr::LoadBox(*slot), span),
            Place::Capture(k) => f.e.emit(Instr::LoadCapture(*k), span),
            Place::Global(name) => {
                let site = self.site(name);
                f.e.emit(Instr::GetGlobal(site), span);
            }
            Place::Field(_, index) => {
                f.e.emit(Instr::Dup(), span);
                f.e.emit(Instr::GetField(*index), span);
            }
            Place::Index(_, _) => {
                f.e.emit(Instr::Dup2(), span);
                f.e.emit(Instr::IndexGet(), span);
            }
            Place::MapEntry(_, _) => {
                f.e.emit(Instr::Dup2(), span);
                f.e.emit(Instr::MapGet(), span);
            }
        }
    }

    /// Stores the value on top of the stack into a place whose operands are below it.
    fn store(&mut self, f: &mut FnGen, place: &Place, span: Span) {
        if let Some(instr) = held_in_locals(place) {
            f.e.emit(instr.store, span);
            return;
        }
        match place {
            Place::Local(slot) => f.e.emit(Instr::StoreLocal(*slot), span),
            Place::Boxed(slot) => f.e.emit(Instr::StoreBox(*slot), span),
            Place::Capture(k) => f.e.emit(Instr::StoreCapture(*k), span),
            Place::Global(name) => {
                let site = self.site(name);
                f.e.emit(Instr::SetGlobal(site), span);
            }
            Place::Field(_, index) => f.e.emit(Instr::SetField(*index), span),
            Place::Index(_, _) => f.e.emit(Instr::IndexSet(), span),
            Place::MapEntry(_, _) => f.e.emit(Instr::MapSet(), span),
        }
    }

    fn block(&mut self, f: &mut FnGen, stmts: &[TStmt]) {
        for s in stmts {
            self.stmt(f, s);
        }
    }

    fn stmt(&mut self, f: &mut FnGen, s: &TStmt) {
        let span = s.span;
        match &s.kind {
            TStmtKind::Store(place, value) => match (place, local(value)) {
                (Place::Local(slot), Some(src)) => f.e.emit(Instr::MoveLocal(*slot, src), span),
                _ => {
                    self.place_operands(f, place);
                    self.expr(f, value);
                    self.store(f, place, span);
                }
            },
            TStmtKind::Update(Place::Local(slot), op, value)
                if value.ty == Type::Int && immediate(*op, value).is_some() =>
            {
                f.e.emit(
                    Instr::IncLocal(*slot, immediate(*op, value).unwrap_or(0)),
                    span,
                );
            }
            TStmtKind::Update(place, op, value) => {
                match (place, LocalForms::of(*op, &value.ty), local(value)) {
                    (Place::Local(slot), Some(forms), Some(src)) => {
                        f.e.emit((forms.update_from)(*slot, src), span)
                    }
                    (Place::Local(slot), Some(forms), None) => {
                        self.expr(f, value);
                        f.e.emit((forms.update)(*slot), span);
                    }
                    _ => {
                        self.place_operands(f, place);
                        self.load_place(f, place, span);
                        self.apply(f, *op, &value.ty, value, span);
                        self.store(f, place, span);
                    }
                }
            }
            TStmtKind::Expr(e) => match &e.kind {
                // A host call made as a statement leaves nothing to discard.
                TExprKind::CallHost(builtin, args) => {
                    if self.host_call(f, *builtin as usize, args, e.span, true) {
                        f.e.emit(Instr::Pop(), span);
                    }
                }
                _ => {
                    self.expr(f, e);
                    f.e.emit(Instr::Pop(), span);
                }
            },
            TStmtKind::If(branches, otherwise) => {
                let mut ends = Vec::new();
                for (cond, body) in branches {
                    let next = self.branch(f, cond, false);
                    self.block(f, body);
                    ends.push(f.e.emit_jump(Instr::Jump(0), span));
                    let target = f.e.here();
                    for p in next {
                        f.e.patch(p, target);
                    }
                }
                if let Some(body) = otherwise {
                    self.block(f, body);
                }
                let target = f.e.here();
                for end in ends {
                    f.e.patch(end, target);
                }
            }
            TStmtKind::IfLet {
                slot,
                value,
                then,
                otherwise,
            } => self.if_let(f, *slot, value, then, otherwise.as_deref(), span),
            TStmtKind::While(cond, body) => self.while_loop(f, cond, body, span),
            TStmtKind::For {
                slot,
                from,
                until,
                step,
                body,
            } => self.for_loop(f, *slot, [from, until, step], body, span),
            TStmtKind::Break => {
                let p = f.e.emit_jump(Instr::Jump(0), span);
                if let Some(l) = f.loops.last_mut() {
                    l.breaks.push(p);
                }
            }
            TStmtKind::Continue => {
                let p = f.e.emit_jump(Instr::Jump(0), span);
                if let Some(l) = f.loops.last_mut() {
                    l.continues.push(p);
                }
            }
            TStmtKind::Return(value) => match value.as_ref().and_then(local) {
                Some(slot) => {
                    self.end_map_loops(f, span);
                    f.e.emit(Instr::ReturnLocal(slot), span)
                }
                None => {
                    match value {
                        Some(v) => self.expr(f, v),
                        None => f.e.emit(Instr::PushUnit(), span),
                    }
                    self.end_map_loops(f, span);
                    f.e.emit(Instr::Return(), span);
                }
            },
            TStmtKind::Block(stmts) => self.block(f, stmts),
            TStmtKind::Switch(sw) => self.switch(f, sw, span),
            TStmtKind::Loop {
                cond,
                head,
                body,
                next,
            } => self.step_loop(f, cond, head, body, next, span),
            TStmtKind::MapLoop { slot, body } => self.map_loop(f, *slot, body, span),
        }
    }

    /// Generates one function; every function ends in an implicit `return` (reachable only
    /// in `void` functions, since the checker proved the others return on every path).
    fn function(
        &mut self,
        name: &str,
        params: u16,
        locals: u16,
        body: &[TStmt],
        end: Span,
    ) -> Function {
        let mut f = FnGen {
            e: Emitter::new(),
            loops: Vec::new(),
            map_loops: Vec::new(),
        };
        self.block(&mut f, body);
        f.e.emit(Instr::PushUnit(), end);
        f.e.emit(Instr::Return(), end);
        if let Some(span) = f.e.too_deep() {
            self.errors.push(LimitError::StackTooDeep {
                function: name.to_string(),
                span,
            });
        }
        if f.e.code_len() > MAX_CODE_BYTES {
            self.errors.push(LimitError::CodeTooLarge {
                function: name.to_string(),
                span: end,
            });
        }
        f.e.finish(name.to_string(), params, locals)
    }
}

/// The immediate of `x + K` or `x - K` for an int literal `K` whose addend fits in 32 bits.
fn immediate(op: BinOp, operand: &TExpr) -> Option<i32> {
    let TExprKind::Int(k) = operand.kind else {
        return None;
    };
    let addend = match op {
        BinOp::Add => k,
        BinOp::Sub => k.checked_neg()?,
        _ => return None,
    };
    i32::try_from(addend).ok()
}

/// The local slot an expression reads, when it is a plain local.
fn local(e: &TExpr) -> Option<u16> {
    match e.kind {
        TExprKind::Local(slot) => Some(slot),
        _ => None,
    }
}

/// The local-operand superinstructions of one typed arithmetic operator.
struct LocalForms {
    /// Both operands in locals: pushes `a op b`.
    both: fn(u16, u16) -> Instr,
    /// The right operand in a local: replaces the top with `top op local`.
    right: fn(u16) -> Instr,
    /// `local op= top`, popping the top.
    update: fn(u16) -> Instr,
    /// `dst op= src` on two locals.
    update_from: fn(u16, u16) -> Instr,
}

impl LocalForms {
    /// The forms of `op` on operands of type `ty`, for the operators that have them.
    fn of(op: BinOp, ty: &Type) -> Option<LocalForms> {
        let forms = |both, right, update, update_from| {
            Some(LocalForms {
                both,
                right,
                update,
                update_from,
            })
        };
        match (op, ty) {
            (BinOp::Add, Type::Int) => forms(
                Instr::AddIntLL,
                Instr::AddIntL,
                Instr::AddIntToL,
                Instr::AddIntToLL,
            ),
            (BinOp::Sub, Type::Int) => forms(
                Instr::SubIntLL,
                Instr::SubIntL,
                Instr::SubIntToL,
                Instr::SubIntToLL,
            ),
            (BinOp::Mul, Type::Int) => forms(
                Instr::MulIntLL,
                Instr::MulIntL,
                Instr::MulIntToL,
                Instr::MulIntToLL,
            ),
            (BinOp::Add, Type::Float) => forms(
                Instr::AddFloatLL,
                Instr::AddFloatL,
                Instr::AddFloatToL,
                Instr::AddFloatToLL,
            ),
            (BinOp::Sub, Type::Float) => forms(
                Instr::SubFloatLL,
                Instr::SubFloatL,
                Instr::SubFloatToL,
                Instr::SubFloatToLL,
            ),
            (BinOp::Mul, Type::Float) => forms(
                Instr::MulFloatLL,
                Instr::MulFloatL,
                Instr::MulFloatToL,
                Instr::MulFloatToLL,
            ),
            (BinOp::Div, Type::Float) => forms(
                Instr::DivFloatLL,
                Instr::DivFloatL,
                Instr::DivFloatToL,
                Instr::DivFloatToLL,
            ),
            _ => None,
        }
    }
}

/// The load and store of a place whose struct, or array and index, are held in locals.
struct LocalPlace {
    load: Instr,
    store: Instr,
}

/// The local-operand load and store of a field or element place, when its operands are
/// plain locals (which no expression can reassign, so reading them after the value is
/// evaluated is the same as reading them before).
fn held_in_locals(place: &Place) -> Option<LocalPlace> {
    match place {
        Place::Field(obj, index) => local(obj).map(|slot| LocalPlace {
            load: Instr::GetFieldL(slot, *index),
            store: Instr::SetFieldL(slot, *index),
        }),
        Place::Index(arr, index) => match (local(arr), local(index)) {
            (Some(a), Some(i)) => Some(LocalPlace {
                load: Instr::IndexGetLL(a, i),
                store: Instr::IndexSetLL(a, i),
            }),
            _ => None,
        },
        Place::Local(_)
        | Place::Global(_)
        | Place::MapEntry(_, _)
        | Place::Boxed(_)
        | Place::Capture(_) => None,
    }
}
