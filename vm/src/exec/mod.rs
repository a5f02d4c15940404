//! The dispatch loop: fetch, charge cycles, and run each instruction.
//!
//! Frame state (pc, base, sp, depth) lives in locals; a call writes the caller's pc and the
//! new frame into the frame array (`call.rs`), and the rest is written back when the run
//! stops (return, pause or trap). All functions' code is one linked array (`crate::code`). The verifier has proven operand ranges, jump targets and
//! stack depths, so handlers do not re-check them; values are still matched by kind, so a
//! program that lies about types traps instead of misbehaving.

#[macro_use]
mod macros;
mod arith;
mod call;
mod closure;
mod cold;
mod contract;
mod global;
mod map;
mod optional;

pub(crate) use contract::InlineCache;

use crate::host::HostCtx;
use crate::machine::{Exit, Vm};
use crate::{Object, Packed, TrapKind, Value};
use arith::{
    add_float, add_int, div, div_float, float_fn, float_to_int, mul_float, mul_int, rem, shift,
    str, sub_float, sub_int,
};
pub(crate) use call::INITIAL_FRAMES;
use call::{enter, leave};
use cold::{paused, trapped, uninitialized, Stop};
use global::resolve;
use prometeu_bytecode::Instr;
use std::rc::Rc;

impl Vm {
    /// Runs from the current frame until the run's first frame returns, a trap, or the budget
    /// is spent. Returns the outcome and the cycles used.
    pub(crate) fn execute(&mut self, budget: u64) -> (Result<Exit, TrapKind>, u64) {
        let program = Rc::clone(&self.program);
        let site_names = &program.program().global_sites;
        let Some(&frame) = self.frames.get(self.depth.wrapping_sub(1)) else {
            return (Err(TrapKind::InvalidProgram("no frame")), 0);
        };
        let Vm {
            stack: stack_vec,
            sp: saved_sp,
            frames,
            depth: saved_depth,
            linked,
            heap,
            globals,
            sites,
            contract_sites,
            constants,
            out,
            state,
            hosts,
            limits,
            interrupt,
            ..
        } = self;
        // One code array for all functions: a call or return changes only `pc` and `base`.
        let code: &[Instr] = &linked.code;
        let run_cost: &[u32] = &linked.run_cost;
        let callees = &linked.callees[..];
        let functions = program.functions();
        let mut depth = *saved_depth;
        let mut pc = frame.pc as usize;
        let mut base = frame.base as usize;
        let mut sp = *saved_sp;
        // The stack as one fixed-size borrow: every index is masked into range, so no access
        // is bounds-checked, and the stack never moves during a run.
        let mut stack = stack_vec.slots();
        // Cycles left. A straight-line run (up to and including the next jump, loop step, call
        // or return) is charged when it is entered; after each control transfer the budget is
        // checked and the next run charged. A run pauses at the boundary after the transfer
        // that overdrew the budget, exactly as if every instruction had been charged on its
        // own; a trap refunds the part of its run that did not execute. Work proportional to
        // input (concatenation, host calls) is subtracted as it happens.
        let start = budget.min(i64::MAX as u64) as i64;
        let mut remaining = start - run_cost.get(pc).copied().unwrap_or(0) as i64;
        // Leaves the loop with a trap, handing the frame state to the cold exit.
        macro_rules! trap {
            ($kind:expr) => {{
                let kind: TrapKind = $kind;
                break trapped(kind, pc, sp, depth, remaining);
            }};
        }
        // Leaves the loop because the budget is spent.
        macro_rules! pause {
            () => {
                break paused(pc, sp, depth, remaining)
            };
        }
        // After a control transfer: pauses the run when the budget is spent (`pc` already
        // names the next instruction), or charges the run that starts at `pc`.
        macro_rules! check_budget {
            () => {
                if remaining < 0 {
                    pause!();
                }
                remaining -= run_cost.get(pc).copied().unwrap_or(0) as i64;
            };
        }
        // Returns the value in stack slot `$result` to the caller: it moves to the callee's
        // base, where the caller expects it, and the caller's frame state comes back.
        macro_rules! return_from {
            ($result:expr) => {{
                let result = $result;
                match leave(frames, &mut depth) {
                    None => {
                        let value = get!(stack, result);
                        break Stop {
                            result: Ok(Exit::Returned(value)),
                            pc,
                            sp: base,
                            depth,
                            remaining,
                        };
                    }
                    Some(caller) => {
                        copy!(stack, base, result);
                        sp = base + 1;
                        pc = caller.pc as usize;
                        base = caller.base as usize;
                        check_budget!();
                    }
                }
            }};
        }
        // Enters function `$function` with its arguments on top of the stack: through the
        // call table, like `Call` (closures and contract calls use it too).
        macro_rules! enter {
            ($function:expr) => {{
                let function: u32 = $function;
                let Some(callee) = callees.get(function as usize) else {
                    trap!(TrapKind::InvalidProgram("no such function"));
                };
                enter_callee!(function, callee)
            }};
        }
        // Enters function `$function` whose call-table row `$callee` the caller has read.
        macro_rules! enter_callee {
            ($function:expr, $callee:expr) => {{
                let (function, callee): (u32, &crate::code::Callee) = ($function, $callee);
                let entered = attempt!(enter(
                    frames, &mut depth, &mut stack, limits, function, callee, sp, pc
                ));
                base = entered.base;
                sp = entered.sp;
                pc = callee.entry as usize;
                // The callee's first run is charged from the call table, like any run.
                if remaining < 0 {
                    pause!();
                }
                remaining -= callee.entry_cost as i64;
            }};
        }
        macro_rules! safepoint {
            () => {
                safepoint_impl!(heap, stack, sp, globals, constants)
            };
        }
        // Runs an allocating operation whose operands are still on the stack. When it does
        // not fit in the heap, the whole heap is collected (values may have become garbage
        // since the last collection without any allocation) and the operation runs once
        // more, so "out of memory" means that the live data themselves do not fit.
        macro_rules! allocating {
            ($e:expr) => {
                match $e {
                    Ok(v) => v,
                    Err(TrapKind::HeapExhausted(_)) => {
                        collect_impl!(heap, stack, sp, globals, constants);
                        attempt!($e)
                    }
                    Err(k) => trap!(k),
                }
            };
        }
        // Calls host function `$host` on the arguments on top of the stack, pops them and
        // evaluates to its result.
        macro_rules! call_host {
            ($host:expr) => {{
                let entry = &hosts[$host as usize];
                let argc = entry.sig.params.len();
                let args_start = sp - argc;
                // Host functions take a slice of values: gather the arguments (at most
                // `MAX_HOST_ARGS`, which registration enforces) without allocating.
                let mut args = [Value::Unit; crate::host::MAX_HOST_ARGS];
                for (k, arg) in args.iter_mut().enumerate().take(argc) {
                    *arg = stack.get(args_start + k);
                }
                let (value, extra) = allocating!({
                    let mut ctx = HostCtx {
                        heap,
                        structs: &program.program().structs,
                        enums: &program.program().enums,
                        out: &mut **out,
                        extra_cycles: entry.cost as u64,
                        state: &mut **state,
                        interrupt: interrupt.as_deref(),
                    };
                    (entry.func)(&mut ctx, &args[..argc]).map(|v| (v, ctx.extra_cycles))
                });
                remaining -= extra.min(i64::MAX as u64) as i64;
                sp = args_start;
                value
            }};
        }
        // Enters program function `$function`, whose parameters are the values on top of the
        // stack: pushes its frame and clears its other locals.
        let Stop {
            result,
            pc,
            sp,
            depth,
            mut remaining,
        } = loop {
            let Some(instr) = code.get(pc) else {
                trap!(TrapKind::InvalidProgram("pc out of range"));
            };
            pc += 1;
            match *instr {
                Instr::Nop() => {}
                Instr::PushUnit() => {
                    set!(stack, sp, Value::Unit);
                    sp += 1;
                }
                Instr::PushTrue() => {
                    set!(stack, sp, Value::Bool(true));
                    sp += 1;
                }
                Instr::PushFalse() => {
                    set!(stack, sp, Value::Bool(false));
                    sp += 1;
                }
                Instr::PushInt(v) => {
                    set!(stack, sp, Value::Int(v as i64));
                    sp += 1;
                }
                Instr::Const(index) => {
                    set_packed!(stack, sp, constants[index as usize]);
                    sp += 1;
                }
                Instr::Pop() => sp -= 1,
                Instr::LoadLocal(slot) => {
                    copy!(stack, sp, base + slot as usize);
                    sp += 1;
                }
                Instr::StoreLocal(slot) => {
                    sp -= 1;
                    copy!(stack, base + slot as usize, sp);
                }
                Instr::LoadLocal0() => {
                    copy!(stack, sp, base);
                    sp += 1;
                }
                Instr::LoadLocal1() => {
                    copy!(stack, sp, base + 1);
                    sp += 1;
                }
                Instr::LoadLocal2() => {
                    copy!(stack, sp, base + 2);
                    sp += 1;
                }
                Instr::LoadLocal3() => {
                    copy!(stack, sp, base + 3);
                    sp += 1;
                }
                Instr::GetGlobal(site) => {
                    let slot = attempt!(resolve(sites, globals, &program, site_names, site));
                    let value = globals.values[slot];
                    // A global holds `Unit` only until its initializer has stored its value.
                    if value.is_unit() {
                        attempt!(Err(uninitialized(&program, site_names, site)));
                    }
                    set_packed!(stack, sp, value);
                    sp += 1;
                }
                Instr::SetGlobal(site) => {
                    let slot = attempt!(resolve(sites, globals, &program, site_names, site));
                    sp -= 1;
                    globals.values[slot] = get_packed!(stack, sp);
                }
                Instr::AddInt() => binary!(stack, sp, int, add_int, Value::Int),
                Instr::SubInt() => binary!(stack, sp, int, sub_int, Value::Int),
                Instr::MulInt() => binary!(stack, sp, int, mul_int, Value::Int),
                Instr::DivInt() => binary!(stack, sp, int, div, Value::Int),
                Instr::RemInt() => binary!(stack, sp, int, rem, Value::Int),
                Instr::NegInt() => {
                    let a = operand!(stack.int(sp - 1));
                    set!(
                        stack,
                        sp - 1,
                        Value::Int(attempt!(a.checked_neg().ok_or(TrapKind::IntegerOverflow)))
                    );
                }
                Instr::AddFloat() => binary!(stack, sp, float, add_float, Value::Float),
                Instr::SubFloat() => binary!(stack, sp, float, sub_float, Value::Float),
                Instr::MulFloat() => binary!(stack, sp, float, mul_float, Value::Float),
                Instr::DivFloat() => binary!(stack, sp, float, div_float, Value::Float),
                Instr::RemFloat() => binary!(
                    stack,
                    sp,
                    float,
                    |a: f64, b: f64| Ok::<_, TrapKind>(a % b),
                    Value::Float
                ),
                Instr::NegFloat() => {
                    let a = operand!(stack.float(sp - 1));
                    set!(stack, sp - 1, Value::Float(-a));
                }
                Instr::BitAnd() => binary!(
                    stack,
                    sp,
                    int,
                    |a: i64, b: i64| Ok::<_, TrapKind>(a & b),
                    Value::Int
                ),
                Instr::BitOr() => binary!(
                    stack,
                    sp,
                    int,
                    |a: i64, b: i64| Ok::<_, TrapKind>(a | b),
                    Value::Int
                ),
                Instr::BitXor() => binary!(
                    stack,
                    sp,
                    int,
                    |a: i64, b: i64| Ok::<_, TrapKind>(a ^ b),
                    Value::Int
                ),
                Instr::Shl() => binary!(
                    stack,
                    sp,
                    int,
                    |a: i64, b| shift(b).map(|s| a << s),
                    Value::Int
                ),
                Instr::Shr() => binary!(
                    stack,
                    sp,
                    int,
                    |a: i64, b| shift(b).map(|s| a >> s),
                    Value::Int
                ),
                Instr::Not() => {
                    let a = operand!(stack.bool(sp - 1));
                    set!(stack, sp - 1, Value::Bool(!a));
                }
                Instr::EqInt() => binary!(
                    stack,
                    sp,
                    int,
                    |a, b| Ok::<_, TrapKind>(a == b),
                    Value::Bool
                ),
                Instr::NeInt() => binary!(
                    stack,
                    sp,
                    int,
                    |a, b| Ok::<_, TrapKind>(a != b),
                    Value::Bool
                ),
                Instr::LtInt() => {
                    binary!(stack, sp, int, |a, b| Ok::<_, TrapKind>(a < b), Value::Bool)
                }
                Instr::LeInt() => binary!(
                    stack,
                    sp,
                    int,
                    |a, b| Ok::<_, TrapKind>(a <= b),
                    Value::Bool
                ),
                Instr::GtInt() => {
                    binary!(stack, sp, int, |a, b| Ok::<_, TrapKind>(a > b), Value::Bool)
                }
                Instr::GeInt() => binary!(
                    stack,
                    sp,
                    int,
                    |a, b| Ok::<_, TrapKind>(a >= b),
                    Value::Bool
                ),
                Instr::EqFloat() => binary!(
                    stack,
                    sp,
                    float,
                    |a, b| Ok::<_, TrapKind>(a == b),
                    Value::Bool
                ),
                Instr::NeFloat() => binary!(
                    stack,
                    sp,
                    float,
                    |a, b| Ok::<_, TrapKind>(a != b),
                    Value::Bool
                ),
                Instr::LtFloat() => binary!(
                    stack,
                    sp,
                    float,
                    |a, b| Ok::<_, TrapKind>(a < b),
                    Value::Bool
                ),
                Instr::LeFloat() => binary!(
                    stack,
                    sp,
                    float,
                    |a, b| Ok::<_, TrapKind>(a <= b),
                    Value::Bool
                ),
                Instr::GtFloat() => binary!(
                    stack,
                    sp,
                    float,
                    |a, b| Ok::<_, TrapKind>(a > b),
                    Value::Bool
                ),
                Instr::GeFloat() => binary!(
                    stack,
                    sp,
                    float,
                    |a, b| Ok::<_, TrapKind>(a >= b),
                    Value::Bool
                ),
                Instr::EqBool() => binary!(
                    stack,
                    sp,
                    bool,
                    |a, b| Ok::<_, TrapKind>(a == b),
                    Value::Bool
                ),
                Instr::NeBool() => binary!(
                    stack,
                    sp,
                    bool,
                    |a, b| Ok::<_, TrapKind>(a != b),
                    Value::Bool
                ),
                Instr::EqStr() => {
                    compare_strings!(heap, stack, sp, remaining, |o: std::cmp::Ordering| o
                        .is_eq())
                }
                Instr::NeStr() => {
                    compare_strings!(heap, stack, sp, remaining, |o: std::cmp::Ordering| o
                        .is_ne())
                }
                Instr::LtStr() => {
                    compare_strings!(heap, stack, sp, remaining, |o: std::cmp::Ordering| o
                        .is_lt())
                }
                Instr::LeStr() => {
                    compare_strings!(heap, stack, sp, remaining, |o: std::cmp::Ordering| o
                        .is_le())
                }
                Instr::GtStr() => {
                    compare_strings!(heap, stack, sp, remaining, |o: std::cmp::Ordering| o
                        .is_gt())
                }
                Instr::GeStr() => {
                    compare_strings!(heap, stack, sp, remaining, |o: std::cmp::Ordering| o
                        .is_ge())
                }
                Instr::Concat() => {
                    let (r, written) =
                        allocating!(heap.concat(get!(stack, sp - 2), get!(stack, sp - 1)));
                    remaining -= written as i64 / 16;
                    sp -= 1;
                    set!(stack, sp - 1, Value::Obj(r));
                    safepoint!();
                }
                Instr::IntToFloat() => {
                    let a = operand!(stack.int(sp - 1));
                    set!(stack, sp - 1, Value::Float(a as f64));
                }
                Instr::FloatToInt() => {
                    let a = operand!(stack.float(sp - 1));
                    set!(stack, sp - 1, Value::Int(float_to_int(a)));
                }
                Instr::Jump(target) => {
                    pc = target as usize;
                    check_budget!();
                }
                Instr::JumpIfFalse(target) => {
                    sp -= 1;
                    if !operand!(stack.bool(sp)) {
                        pc = target as usize;
                    }
                    check_budget!();
                }
                Instr::JumpIfTrue(target) => {
                    sp -= 1;
                    if operand!(stack.bool(sp)) {
                        pc = target as usize;
                    }
                    check_budget!();
                }
                Instr::Call(function) => enter!(function),
                Instr::CallContract(contract, method, site) => {
                    let dispatch = program.dispatch();
                    let slot = dispatch.slot(contract, method);
                    let receiver = get!(stack, sp - 1 - dispatch.arity(slot) as usize);
                    let cache = &mut contract_sites[site as usize];
                    let function =
                        attempt!(contract::resolve(cache, dispatch, heap, receiver, slot));
                    enter!(function)
                }
                Instr::CallHost(host) => {
                    let value = call_host!(host);
                    set!(stack, sp, value);
                    sp += 1;
                    safepoint!();
                }
                Instr::CallHostDrop(host) => {
                    call_host!(host);
                    safepoint!();
                }
                Instr::Return() => return_from!(sp - 1),
                Instr::ReturnLocal(slot) => return_from!(base + slot as usize),
                Instr::ForPrep(slot, exit) => {
                    let at = base + slot as usize;
                    let (i, end, step) = (
                        operand!(stack.int(at)),
                        operand!(stack.int(at + 1)),
                        operand!(stack.int(at + 2)),
                    );
                    if step == 0 {
                        trap!(TrapKind::ZeroStep);
                    }
                    if (step > 0 && i >= end) || (step < 0 && i <= end) {
                        pc = exit as usize;
                    }
                    check_budget!();
                }
                Instr::Dup() => {
                    copy!(stack, sp, sp - 1);
                    sp += 1;
                }
                Instr::Dup2() => {
                    copy!(stack, sp, sp - 2);
                    copy!(stack, sp + 1, sp - 1);
                    sp += 2;
                }
                Instr::NewStruct(ty) => {
                    let count = program.program().structs[ty as usize].fields.len();
                    let r = allocating!(
                        heap.alloc_struct(ty, (sp - count..sp).map(|i| stack.packed(i)))
                    );
                    sp -= count;
                    set!(stack, sp, Value::Obj(r));
                    sp += 1;
                    safepoint!();
                }
                Instr::PushEnum(ty, variant) => {
                    set!(stack, sp, Value::Enum(ty, variant));
                    sp += 1;
                }
                Instr::EnumTag() => {
                    let tag = match get!(stack, sp - 1) {
                        Value::Enum(_, variant) => Some(variant),
                        Value::Obj(r) => match heap.get(r) {
                            Some(Object::Struct { ty, .. }) => {
                                program.struct_tags().get(*ty as usize).copied().flatten()
                            }
                            _ => None,
                        },
                        _ => None,
                    };
                    let tag = operand!(tag);
                    set!(stack, sp - 1, Value::Int(i64::from(tag)));
                }
                Instr::GetField(index) => {
                    let value = field!(heap, get!(stack, sp - 1), index);
                    set_packed!(stack, sp - 1, value);
                }
                Instr::SetField(index) => {
                    set_field!(heap, get!(stack, sp - 2), index, get_packed!(stack, sp - 1));
                    sp -= 2;
                }
                Instr::NewArray(count) => {
                    let count = count as usize;
                    let r =
                        allocating!(heap.alloc_literal((sp - count..sp).map(|i| stack.packed(i))));
                    sp -= count;
                    set!(stack, sp, Value::Obj(r));
                    sp += 1;
                    safepoint!();
                }
                Instr::NewArrayRepeat() => {
                    let n = operand!(stack.int(sp - 1));
                    if n < 0 {
                        trap!(TrapKind::NegativeLength(n));
                    }
                    let len = usize::try_from(n).unwrap_or(usize::MAX);
                    attempt!(heap.check_array_len(len));
                    remaining -= n / 4;
                    let r = allocating!(heap.alloc_repeat(get!(stack, sp - 2), len));
                    sp -= 1;
                    set!(stack, sp - 1, Value::Obj(r));
                    safepoint!();
                }
                Instr::IndexGet() => {
                    let index = operand!(stack.int(sp - 1));
                    let value = element!(heap, get!(stack, sp - 2), index);
                    sp -= 1;
                    set_packed!(stack, sp - 1, value);
                }
                Instr::IndexSet() => {
                    let index = operand!(stack.int(sp - 2));
                    set_element!(heap, get!(stack, sp - 3), index, get_packed!(stack, sp - 1));
                    sp -= 3;
                }
                Instr::IncLocal(slot, delta) => {
                    let at = base + slot as usize;
                    let v = operand!(stack.int(at));
                    set!(
                        stack,
                        at,
                        Value::Int(attempt!(v
                            .checked_add(delta as i64)
                            .ok_or(TrapKind::IntegerOverflow)))
                    );
                }
                Instr::AddIntImm(value) => {
                    let v = operand!(stack.int(sp - 1));
                    set!(
                        stack,
                        sp - 1,
                        Value::Int(attempt!(v
                            .checked_add(value as i64)
                            .ok_or(TrapKind::IntegerOverflow)))
                    );
                }
                Instr::JumpIfNotLtInt(target) => compare_jump!(stack, sp, pc, target, <),
                Instr::JumpIfNotLeInt(target) => compare_jump!(stack, sp, pc, target, <=),
                Instr::JumpIfNotGtInt(target) => compare_jump!(stack, sp, pc, target, >),
                Instr::JumpIfNotGeInt(target) => compare_jump!(stack, sp, pc, target, >=),
                Instr::JumpIfNotEqInt(target) => compare_jump!(stack, sp, pc, target, ==),
                Instr::JumpIfNotNeInt(target) => compare_jump!(stack, sp, pc, target, !=),
                Instr::EqRef() => {
                    sp -= 1;
                    set!(
                        stack,
                        sp - 1,
                        Value::Bool(stack.get(sp - 1) == stack.get(sp))
                    );
                }
                Instr::NeRef() => {
                    sp -= 1;
                    set!(
                        stack,
                        sp - 1,
                        Value::Bool(stack.get(sp - 1) != stack.get(sp))
                    );
                }
                Instr::AddIntLL(a, b) => {
                    locals_binary!(stack, sp, base, int, a, b, add_int, Value::Int)
                }
                Instr::SubIntLL(a, b) => {
                    locals_binary!(stack, sp, base, int, a, b, sub_int, Value::Int)
                }
                Instr::MulIntLL(a, b) => {
                    locals_binary!(stack, sp, base, int, a, b, mul_int, Value::Int)
                }
                Instr::AddFloatLL(a, b) => {
                    locals_binary!(stack, sp, base, float, a, b, add_float, Value::Float)
                }
                Instr::SubFloatLL(a, b) => {
                    locals_binary!(stack, sp, base, float, a, b, sub_float, Value::Float)
                }
                Instr::MulFloatLL(a, b) => {
                    locals_binary!(stack, sp, base, float, a, b, mul_float, Value::Float)
                }
                Instr::DivFloatLL(a, b) => {
                    locals_binary!(stack, sp, base, float, a, b, div_float, Value::Float)
                }
                Instr::AddIntL(s) => {
                    top_local_binary!(stack, sp, base, int, s, add_int, Value::Int)
                }
                Instr::SubIntL(s) => {
                    top_local_binary!(stack, sp, base, int, s, sub_int, Value::Int)
                }
                Instr::MulIntL(s) => {
                    top_local_binary!(stack, sp, base, int, s, mul_int, Value::Int)
                }
                Instr::AddFloatL(s) => {
                    top_local_binary!(stack, sp, base, float, s, add_float, Value::Float)
                }
                Instr::SubFloatL(s) => {
                    top_local_binary!(stack, sp, base, float, s, sub_float, Value::Float)
                }
                Instr::MulFloatL(s) => {
                    top_local_binary!(stack, sp, base, float, s, mul_float, Value::Float)
                }
                Instr::DivFloatL(s) => {
                    top_local_binary!(stack, sp, base, float, s, div_float, Value::Float)
                }
                Instr::AddIntToL(s) => update_local!(stack, sp, base, int, s, add_int, Value::Int),
                Instr::SubIntToL(s) => update_local!(stack, sp, base, int, s, sub_int, Value::Int),
                Instr::MulIntToL(s) => update_local!(stack, sp, base, int, s, mul_int, Value::Int),
                Instr::AddFloatToL(s) => {
                    update_local!(stack, sp, base, float, s, add_float, Value::Float)
                }
                Instr::SubFloatToL(s) => {
                    update_local!(stack, sp, base, float, s, sub_float, Value::Float)
                }
                Instr::MulFloatToL(s) => {
                    update_local!(stack, sp, base, float, s, mul_float, Value::Float)
                }
                Instr::DivFloatToL(s) => {
                    update_local!(stack, sp, base, float, s, div_float, Value::Float)
                }
                Instr::MoveLocal(dst, src) => {
                    copy!(stack, base + dst as usize, base + src as usize)
                }
                Instr::GetFieldL(slot, index) => {
                    let value = field!(heap, get!(stack, base + slot as usize), index);
                    set_packed!(stack, sp, value);
                    sp += 1;
                }
                Instr::SetFieldL(slot, index) => {
                    set_field!(
                        heap,
                        get!(stack, base + slot as usize),
                        index,
                        get_packed!(stack, sp - 1)
                    );
                    sp -= 1;
                }
                Instr::IndexGetLL(array, index) => {
                    let i = operand!(stack.int(base + index as usize));
                    let value = element!(heap, get!(stack, base + array as usize), i);
                    set_packed!(stack, sp, value);
                    sp += 1;
                }
                Instr::ArrayLen() => {
                    let len = attempt!(heap.array_len(get!(stack, sp - 1)));
                    set!(stack, sp - 1, Value::Int(len as i64));
                }
                Instr::PushNone() => {
                    set!(stack, sp, Value::None);
                    sp += 1;
                }
                Instr::IsNone() => {
                    let none = matches!(get!(stack, sp - 1), Value::None);
                    set!(stack, sp - 1, Value::Bool(none));
                }
                Instr::IsSome() => {
                    let none = matches!(get!(stack, sp - 1), Value::None);
                    set!(stack, sp - 1, Value::Bool(!none));
                }
                Instr::Unwrap() => {
                    if matches!(get!(stack, sp - 1), Value::None) {
                        trap!(TrapKind::UnwrapNone);
                    }
                }
                Instr::JumpIfSome(target) => {
                    if !matches!(get!(stack, sp - 1), Value::None) {
                        pc = target as usize;
                    }
                    check_budget!();
                }
                Instr::JumpIfNoneL(s, t) => optional_local_jump!(stack, base, pc, s, t, true),
                Instr::JumpIfSomeL(s, t) => optional_local_jump!(stack, base, pc, s, t, false),
                Instr::UnwrapFieldL(s, index) => {
                    unwrap_field_local!(stack, heap, base, sp, pc, s, index)
                }
                Instr::JumpIfNotLtIntLI(s, v, t) => {
                    compare_local_jump!(stack, base, pc, s, v, t, <)
                }
                Instr::JumpIfNotLeIntLI(s, v, t) => {
                    compare_local_jump!(stack, base, pc, s, v, t, <=)
                }
                Instr::JumpIfNotGtIntLI(s, v, t) => {
                    compare_local_jump!(stack, base, pc, s, v, t, >)
                }
                Instr::JumpIfNotGeIntLI(s, v, t) => {
                    compare_local_jump!(stack, base, pc, s, v, t, >=)
                }
                Instr::JumpIfNotEqIntLI(s, v, t) => {
                    compare_local_jump!(stack, base, pc, s, v, t, ==)
                }
                Instr::JumpIfNotNeIntLI(s, v, t) => {
                    compare_local_jump!(stack, base, pc, s, v, t, !=)
                }
                Instr::EqOpt() | Instr::NeOpt() => {
                    let (eq, extra) =
                        optional::equal(heap, get!(stack, sp - 2), get!(stack, sp - 1));
                    remaining -= extra;
                    sp -= 1;
                    let result = eq == matches!(*instr, Instr::EqOpt());
                    set!(stack, sp - 1, Value::Bool(result));
                }
                Instr::NewMap(_)
                | Instr::MapGet()
                | Instr::MapSet()
                | Instr::MapLen()
                | Instr::MapHas()
                | Instr::MapGetOpt()
                | Instr::MapRemove()
                | Instr::MapKeys()
                | Instr::MapValues()
                | Instr::MapClear()
                | Instr::MapKeyAt()
                | Instr::MapValueAt()
                | Instr::MapIterBegin(_)
                | Instr::MapIterEnd(_) => {
                    let done = allocating!(map::step(
                        *instr,
                        heap,
                        &mut stack,
                        sp,
                        base,
                        program.program()
                    ));
                    sp = done.sp;
                    remaining -= done.extra;
                    safepoint!();
                }
                Instr::MakeClosure(function, count) => {
                    let count = count as usize;
                    let mut boxes = [Value::Unit; 8];
                    let value = if count <= boxes.len() {
                        for (k, b) in boxes.iter_mut().enumerate().take(count) {
                            *b = get!(stack, sp - count + k);
                        }
                        allocating!(closure::make(
                            heap,
                            functions,
                            function,
                            true,
                            &boxes[..count]
                        ))
                    } else {
                        let many: Vec<Value> = (sp - count..sp).map(|i| stack.get(i)).collect();
                        allocating!(closure::make(heap, functions, function, true, &many))
                    };
                    sp -= count;
                    set!(stack, sp, value);
                    sp += 1;
                    safepoint!();
                }
                Instr::FuncRef(function) => {
                    let value = allocating!(closure::make(heap, functions, function, false, &[]));
                    set!(stack, sp, value);
                    sp += 1;
                    safepoint!();
                }
                Instr::CallValue(args) => {
                    let at = sp - args as usize - 1;
                    let Some((function, callee, shift)) =
                        closure::callee(heap, callees, stack.obj(at), args)
                    else {
                        let value = get!(stack, at);
                        trap!(closure::callee_trap(heap, callees, value));
                    };
                    if shift {
                        for k in at..sp - 1 {
                            copy!(stack, k, k + 1);
                        }
                        sp -= 1;
                    }
                    enter_callee!(function, callee)
                }
                Instr::NewBox() => {
                    let cell = allocating!(heap.alloc(Object::Cell(get!(stack, sp - 1))));
                    set!(stack, sp - 1, Value::Obj(cell));
                    safepoint!();
                }
                Instr::LoadBox(slot) => {
                    let v = attempt!(closure::load(heap, get!(stack, base + slot as usize)));
                    set!(stack, sp, v);
                    sp += 1;
                }
                Instr::StoreBox(slot) => {
                    sp -= 1;
                    let cell = get!(stack, base + slot as usize);
                    attempt!(closure::store(heap, cell, get!(stack, sp)));
                }
                Instr::LoadCapture(index) => {
                    let Some(v) = closure::load_capture(heap, stack.obj(base), index) else {
                        let this = get!(stack, base);
                        trap!(closure::capture_trap(heap, this, index));
                    };
                    set!(stack, sp, v);
                    sp += 1;
                }
                Instr::StoreCapture(index) => {
                    sp -= 1;
                    let cell = attempt!(closure::capture(heap, get!(stack, base), index));
                    attempt!(closure::store(heap, cell, get!(stack, sp)));
                }
                Instr::CaptureBox(index) => {
                    let cell = attempt!(closure::capture(heap, get!(stack, base), index));
                    set!(stack, sp, cell);
                    sp += 1;
                }
                Instr::ArrayLenL(slot) => {
                    let len = attempt!(heap.array_len(get!(stack, base + slot as usize)));
                    set!(stack, sp, Value::Int(len as i64));
                    sp += 1;
                }
                Instr::ArrayPush() => {
                    attempt!(heap.push(get!(stack, sp - 2), get_packed!(stack, sp - 1)));
                    sp -= 2;
                    safepoint!();
                }
                Instr::ArrayPop() => {
                    let value = attempt!(heap.pop(get!(stack, sp - 1)));
                    set_packed!(stack, sp - 1, value);
                }
                Instr::IndexSetLL(array, index) => {
                    let i = operand!(stack.int(base + index as usize));
                    set_element!(
                        heap,
                        get!(stack, base + array as usize),
                        i,
                        get_packed!(stack, sp - 1)
                    );
                    sp -= 1;
                }
                Instr::JumpIfNotLtFloat(target) => compare_jump!(stack, sp, pc, target, float, <),
                Instr::JumpIfNotLeFloat(target) => compare_jump!(stack, sp, pc, target, float, <=),
                Instr::JumpIfNotGtFloat(target) => compare_jump!(stack, sp, pc, target, float, >),
                Instr::JumpIfNotGeFloat(target) => compare_jump!(stack, sp, pc, target, float, >=),
                Instr::AddIntToLL(d, s) => {
                    update_from_local!(stack, base, int, d, s, add_int, Value::Int)
                }
                Instr::SubIntToLL(d, s) => {
                    update_from_local!(stack, base, int, d, s, sub_int, Value::Int)
                }
                Instr::MulIntToLL(d, s) => {
                    update_from_local!(stack, base, int, d, s, mul_int, Value::Int)
                }
                Instr::AddFloatToLL(d, s) => {
                    update_from_local!(stack, base, float, d, s, add_float, Value::Float)
                }
                Instr::SubFloatToLL(d, s) => {
                    update_from_local!(stack, base, float, d, s, sub_float, Value::Float)
                }
                Instr::MulFloatToLL(d, s) => {
                    update_from_local!(stack, base, float, d, s, mul_float, Value::Float)
                }
                Instr::DivFloatToLL(d, s) => {
                    update_from_local!(stack, base, float, d, s, div_float, Value::Float)
                }
                Instr::AddLocalImm(slot, value) => {
                    let v = operand!(stack.int(base + slot as usize));
                    set!(stack, sp, Value::Int(attempt!(add_int(v, value as i64))));
                    sp += 1;
                }
                Instr::FloatFn(func) => {
                    let a = operand!(stack.float(sp - 1));
                    set!(stack, sp - 1, Value::Float(float_fn(func, a)));
                }
                Instr::ForLoop(slot, body) => {
                    let at = base + slot as usize;
                    let (i, end, step) = (
                        operand!(stack.int(at)),
                        operand!(stack.int(at + 1)),
                        operand!(stack.int(at + 2)),
                    );
                    if let Some(next) = i.checked_add(step) {
                        set!(stack, at, Value::Int(next));
                        if (step > 0 && next < end) || (step < 0 && next > end) {
                            pc = body as usize;
                        }
                    }
                    check_budget!();
                }
            }
        };
        if result.is_err() {
            // Refund the rest of the trapping instruction's run: it never executed.
            let trapped_in_transfer = pc
                .checked_sub(1)
                .and_then(|at| code.get(at))
                .is_none_or(prometeu_bytecode::ends_run);
            if !trapped_in_transfer {
                remaining += run_cost.get(pc).copied().unwrap_or(0) as i64;
            }
        }
        *saved_sp = sp;
        *saved_depth = depth;
        if let Some(top) = frames.get_mut(depth.wrapping_sub(1)) {
            top.pc = pc as u32;
        }
        if let Ok(Exit::Returned(_)) = result {
            *saved_sp = 0;
        }
        (result, (start - remaining) as u64)
    }
}
