//! The comparison of optionals (`EqOpt`, `NeOpt`).

use crate::{Heap, Value};

/// Whether two optionals are equal, and the extra cycles the comparison costs: both `none`,
/// or both values that are equal (ints, bools and floats by value, floats as IEEE does;
/// strings by content, 1 cycle per 16 bytes of the shorter one; other heap values by
/// identity). Values of different kinds are never equal.
pub(super) fn equal(heap: &Heap, a: Value, b: Value) -> (bool, i64) {
    match (a, b) {
        (Value::None, Value::None) => (true, 0),
        (Value::None, _) | (_, Value::None) => (false, 0),
        (Value::Int(x), Value::Int(y)) => (x == y, 0),
        (Value::Float(x), Value::Float(y)) => (x == y, 0),
        (Value::Bool(x), Value::Bool(y)) => (x == y, 0),
        (Value::Unit, Value::Unit) => (true, 0),
        (Value::Obj(_), Value::Obj(_)) => match (heap.str(a), heap.str(b)) {
            (Some(x), Some(y)) => (x == y, (x.len().min(y.len()) / 16) as i64),
            _ => (a == b, 0),
        },
        _ => (false, 0),
    }
}
