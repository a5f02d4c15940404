//! The function-value instructions: making closures and boxes, reading captures, and
//! finding the function a `CallValue` enters.

use crate::closure::Closure;
use crate::{Heap, Object, TrapKind, Value};
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

/// The function a call of `callee` with `args` arguments enters, and whether the arguments
/// must move down over the function value (a plain function has no slot for it).
pub(super) fn callee(
    heap: &Heap,
    functions: &[VerifiedFunction],
    callee: Value,
    args: u16,
) -> Result<(u32, bool), TrapKind> {
    let Value::Obj(r) = callee else {
        return Err(TrapKind::InvalidProgram(
            "a call of a value that is not a function",
        ));
    };
    let Some(Object::Closure(c)) = heap.get(r) else {
        return Err(TrapKind::InvalidProgram(
            "a call of a value that is not a function",
        ));
    };
    let Some(f) = functions.get(c.function as usize) else {
        return Err(TrapKind::StaleFunction(c.name.to_string()));
    };
    let expected = if c.lambda {
        args as u32 + 1
    } else {
        args as u32
    };
    if f.params as u32 != expected {
        return Err(TrapKind::InvalidProgram(
            "a function value called with the wrong arity",
        ));
    }
    Ok((c.function, !c.lambda))
}

/// The box of capture `index` of the lambda whose function value is `this`.
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
