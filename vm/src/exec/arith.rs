//! Arithmetic, comparison and conversion handlers.

use crate::{Heap, TrapKind, Value};

/// Reads a string operand.
#[inline(always)]
pub(super) fn str(heap: &Heap, v: Value) -> Result<&str, TrapKind> {
    heap.str(v)
        .ok_or(TrapKind::InvalidProgram("expected a string"))
}

/// Integer division truncating toward zero.
#[inline(always)]
pub(super) fn div(a: i64, b: i64) -> Result<i64, TrapKind> {
    if b == 0 {
        return Err(TrapKind::DivisionByZero);
    }
    a.checked_div(b).ok_or(TrapKind::IntegerOverflow)
}

/// Integer remainder with the dividend's sign.
#[inline(always)]
pub(super) fn rem(a: i64, b: i64) -> Result<i64, TrapKind> {
    if b == 0 {
        return Err(TrapKind::DivisionByZero);
    }
    a.checked_rem(b).ok_or(TrapKind::IntegerOverflow)
}

/// A shift amount in `0..=63`.
#[inline(always)]
pub(super) fn shift(amount: i64) -> Result<u32, TrapKind> {
    if (0..=63).contains(&amount) {
        Ok(amount as u32)
    } else {
        Err(TrapKind::ShiftOutOfRange)
    }
}

/// `float as int`: truncates toward zero, saturates at the bounds, and maps NaN to 0.
#[inline(always)]
pub(super) fn float_to_int(f: f64) -> i64 {
    // Rust's `as` performs exactly this conversion.
    f as i64
}

/// Int addition; traps on overflow.
#[inline(always)]
pub(super) fn add_int(a: i64, b: i64) -> Result<i64, TrapKind> {
    a.checked_add(b).ok_or(TrapKind::IntegerOverflow)
}

/// Int subtraction; traps on overflow.
#[inline(always)]
pub(super) fn sub_int(a: i64, b: i64) -> Result<i64, TrapKind> {
    a.checked_sub(b).ok_or(TrapKind::IntegerOverflow)
}

/// Int multiplication; traps on overflow.
#[inline(always)]
pub(super) fn mul_int(a: i64, b: i64) -> Result<i64, TrapKind> {
    a.checked_mul(b).ok_or(TrapKind::IntegerOverflow)
}

/// Float addition (never traps).
#[inline(always)]
pub(super) fn add_float(a: f64, b: f64) -> Result<f64, TrapKind> {
    Ok(a + b)
}

/// Float subtraction (never traps).
#[inline(always)]
pub(super) fn sub_float(a: f64, b: f64) -> Result<f64, TrapKind> {
    Ok(a - b)
}

/// Float multiplication (never traps).
#[inline(always)]
pub(super) fn mul_float(a: f64, b: f64) -> Result<f64, TrapKind> {
    Ok(a * b)
}

/// Float division (never traps: IEEE gives infinities and NaN).
#[inline(always)]
pub(super) fn div_float(a: f64, b: f64) -> Result<f64, TrapKind> {
    Ok(a / b)
}

/// `Math` function `func` of [`prometeu_bytecode::FLOAT_FUNCTIONS`] (the verifier proved the
/// index in range).
#[inline(always)]
pub(super) fn float_fn(func: u16, a: f64) -> f64 {
    match func {
        0 => a.sqrt(),
        1 => a.sin(),
        2 => a.cos(),
        3 => a.tan(),
        4 => a.exp(),
        5 => a.ln(),
        6 => a.floor(),
        7 => a.ceil(),
        _ => a.round(),
    }
}
