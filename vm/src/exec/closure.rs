//! The function-value instructions: making closures and boxes, reading captures, and
//! finding the function a `CallValue` enters.

use crate::closure::Closure;
use crate::code::Callee;
use crate::{Heap, ObjRef, Object, TrapKind, Value};
use prometeu_bytecode::VerifiedFunction;
use std::rc::Rc;

/// Allocates a function value for `function`: a lambda with `captures`, or a plain function.
pub(super) fn make(
    heap: &mut Heap,
    functions: &[VerifiedFunction],
    function: u32,
    lambda: bool,
    captures: &[Value],
) -> Result<Value, TrapKind> {
    let name: Rc<str> = Rc::from(functions[function as usize].name.as_str());
    heap.alloc(Object::Closure(Closure {
        function,
        name,
        lambda,
        captures: captures.into(),
    }))
    .map(Value::Obj)
}

/// The function a call of the function value `callee` (a handle read from the stack) with
/// `args` arguments enters, its call-table row, and whether the arguments must move down over the function
/// value (a plain function has no slot for it); `None` when the call traps ([`callee_trap`]
/// says how). The arity is checked against the call table, which the call reads next anyway.
#[inline(always)]
pub(super) fn callee<'c>(
    heap: &Heap,
    callees: &'c [Callee],
    callee: Option<ObjRef>,
    args: u16,
) -> Option<(u32, &'c Callee, bool)> {
    let Some(Object::Closure(c)) = heap.get(callee?) else {
        return None;
    };
    let f = callees.get(c.function as usize)?;
    (f.params == u32::from(args) + u32::from(c.lambda)).then_some((c.function, f, !c.lambda))
}

/// The trap of a call of `callee` with `args` arguments that [`callee`] refused.
#[cold]
#[inline(never)]
pub(super) fn callee_trap(heap: &Heap, callees: &[Callee], callee: Value) -> TrapKind {
    let not_a_function = TrapKind::InvalidProgram("a call of a value that is not a function");
    let Value::Obj(r) = callee else {
        return not_a_function;
    };
    let Some(Object::Closure(c)) = heap.get(r) else {
        return not_a_function;
    };
    match callees.get(c.function as usize) {
        None => TrapKind::StaleFunction(c.name.to_string()),
        Some(_) => TrapKind::InvalidProgram("a function value called with the wrong arity"),
    }
}

/// The value in the box of capture `index` of the lambda whose function value is `this` (a
/// handle read from the stack); `None` when there is no such capture or box
/// ([`capture_trap`] says which).
#[inline(always)]
pub(super) fn load_capture(heap: &Heap, this: Option<ObjRef>, index: u16) -> Option<Value> {
    let Some(Object::Closure(c)) = heap.get(this?) else {
        return None;
    };
    let Value::Obj(cell) = *c.captures.get(index as usize)? else {
        return None;
    };
    match heap.get(cell)? {
        Object::Cell(v) => Some(*v),
        _ => None,
    }
}

/// The trap of a capture read that [`load_capture`] refused.
#[cold]
#[inline(never)]
pub(super) fn capture_trap(heap: &Heap, this: Value, index: u16) -> TrapKind {
    match capture(heap, this, index) {
        Ok(cell) => load(heap, cell).err(),
        Err(k) => Some(k),
    }
    .unwrap_or(TrapKind::InvalidProgram("an operand of the wrong kind"))
}

/// The box of capture `index` of the lambda whose function value is `this`.
#[inline(always)]
pub(super) fn capture(heap: &Heap, this: Value, index: u16) -> Result<Value, TrapKind> {
    if let Value::Obj(r) = this {
        if let Some(Object::Closure(c)) = heap.get(r) {
            if let Some(&b) = c.captures.get(index as usize) {
                return Ok(b);
            }
        }
    }
    Err(TrapKind::InvalidProgram(
        "a capture the function value does not have",
    ))
}

/// The value held by the box `cell`.
#[inline(always)]
pub(super) fn load(heap: &Heap, cell: Value) -> Result<Value, TrapKind> {
    if let Value::Obj(r) = cell {
        if let Some(Object::Cell(v)) = heap.get(r) {
            return Ok(*v);
        }
    }
    Err(TrapKind::InvalidProgram("an operand of the wrong kind"))
}

/// Stores `value` into the box `cell`.
pub(super) fn store(heap: &mut Heap, cell: Value, value: Value) -> Result<(), TrapKind> {
    if let Value::Obj(r) = cell {
        if let Some(Object::Cell(v)) = heap.get_mut(r) {
            *v = value;
            return Ok(());
        }
    }
    Err(TrapKind::InvalidProgram("an operand of the wrong kind"))
}
