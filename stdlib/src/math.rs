//! `Math`: arithmetic helpers for ints and floats, and the math constants.

use crate::add;
use prometeu_bytecode::BuiltinConstant;
use prometeu_bytecode::HostType::{Float, Int};
use prometeu_vm::{HostCtx, Hosts, TrapKind, Value};

/// Reads an int argument; anything else means a hand-made program lied about types.
fn i(v: Value) -> Result<i64, TrapKind> {
    match v {
        Value::Int(i) => Ok(i),
        _ => Err(TrapKind::InvalidProgram("expected an int argument")),
    }
}

/// Reads a float argument.
fn f(v: Value) -> Result<f64, TrapKind> {
    match v {
        Value::Float(f) => Ok(f),
        _ => Err(TrapKind::InvalidProgram("expected a float argument")),
    }
}

/// Defines a host function over float arguments.
macro_rules! float_fn {
    ($name:ident, |$($a:ident),*| $body:expr) => {
        fn $name(_: &mut HostCtx<'_>, args: &[Value]) -> Result<Value, TrapKind> {
            let mut it = args.iter().copied().map(f);
            $( let $a = it.next().unwrap_or(Ok(0.0))?; )*
            Ok(Value::Float($body))
        }
    };
}

/// Defines a host function over int arguments.
macro_rules! int_fn {
    ($name:ident, |$($a:ident),*| $body:expr) => {
        fn $name(_: &mut HostCtx<'_>, args: &[Value]) -> Result<Value, TrapKind> {
            let mut it = args.iter().copied().map(i);
            $( let $a = it.next().unwrap_or(Ok(0))?; )*
            $body.map(Value::Int)
        }
    };
}

int_fn!(abs_int, |a| a
    .checked_abs()
    .ok_or(TrapKind::IntegerOverflow));
int_fn!(min_int, |a, b| Ok::<_, TrapKind>(a.min(b)));
int_fn!(max_int, |a, b| Ok::<_, TrapKind>(a.max(b)));
int_fn!(clamp_int, |v, lo, hi| if lo > hi {
    Err(TrapKind::Host(format!(
        "Math.clamp: lower bound {lo} is greater than upper bound {hi}"
    )))
} else {
    Ok(v.clamp(lo, hi))
});
int_fn!(floor_div, |a, b| floor_div_int(a, b));
int_fn!(floor_mod, |a, b| floor_mod_int(a, b));
int_fn!(sign_int, |a| Ok::<_, TrapKind>(a.signum()));
float_fn!(abs_float, |a| a.abs());
float_fn!(sign_float, |a| if a.is_nan() || a == 0.0 {
    a
} else {
    a.signum()
});
float_fn!(lerp, |a, b, t| a + (b - a) * t);
float_fn!(min_float, |a, b| a.min(b));
float_fn!(max_float, |a, b| a.max(b));
float_fn!(clamp_float, |v, lo, hi| v.max(lo).min(hi));
float_fn!(sqrt, |a| a.sqrt());
float_fn!(sin, |a| a.sin());
float_fn!(cos, |a| a.cos());
float_fn!(tan, |a| a.tan());
float_fn!(atan2, |y, x| y.atan2(x));
float_fn!(pow, |b, e| b.powf(e));
float_fn!(exp, |a| a.exp());
float_fn!(ln, |a| a.ln());
float_fn!(floor, |a| a.floor());
float_fn!(ceil, |a| a.ceil());
float_fn!(round, |a| a.round());

/// `a / b` rounded toward negative infinity (Lua's `//`); traps like `/` on zero and overflow.
fn floor_div_int(a: i64, b: i64) -> Result<i64, TrapKind> {
    if b == 0 {
        return Err(TrapKind::DivisionByZero);
    }
    let q = a.checked_div(b).ok_or(TrapKind::IntegerOverflow)?;
    // Truncation rounded toward zero: step down when the exact quotient was negative.
    Ok(if a % b != 0 && ((a < 0) != (b < 0)) {
        q - 1
    } else {
        q
    })
}

/// The remainder that goes with [`floor_div_int`]: it has the sign of `b` (Lua's `%`).
fn floor_mod_int(a: i64, b: i64) -> Result<i64, TrapKind> {
    if b == 0 {
        return Err(TrapKind::DivisionByZero);
    }
    // `wrapping_rem` is exact here: only `i64::MIN % -1` wraps, and its remainder is 0.
    let r = a.wrapping_rem(b);
    Ok(if r != 0 && ((r < 0) != (b < 0)) {
        r + b
    } else {
        r
    })
}

/// Registers every `Math` function.
pub(crate) fn register(hosts: &mut Hosts) {
    add(hosts, "Math.abs", &[Int], Int, 2, abs_int);
    add(hosts, "Math.abs", &[Float], Float, 2, abs_float);
    add(hosts, "Math.min", &[Int, Int], Int, 2, min_int);
    add(hosts, "Math.min", &[Float, Float], Float, 2, min_float);
    add(hosts, "Math.max", &[Int, Int], Int, 2, max_int);
    add(hosts, "Math.max", &[Float, Float], Float, 2, max_float);
    add(hosts, "Math.clamp", &[Int, Int, Int], Int, 3, clamp_int);
    add(hosts, "Math.floor_div", &[Int, Int], Int, 2, floor_div);
    add(hosts, "Math.floor_mod", &[Int, Int], Int, 2, floor_mod);
    add(hosts, "Math.sign", &[Int], Int, 1, sign_int);
    add(hosts, "Math.sign", &[Float], Float, 1, sign_float);
    add(hosts, "Math.lerp", &[Float, Float, Float], Float, 3, lerp);
    add(
        hosts,
        "Math.clamp",
        &[Float, Float, Float],
        Float,
        3,
        clamp_float,
    );
    for (name, func) in [
        ("Math.sqrt", sqrt as prometeu_vm::HostFn),
        ("Math.sin", sin),
        ("Math.cos", cos),
        ("Math.tan", tan),
        ("Math.exp", exp),
        ("Math.ln", ln),
        ("Math.floor", floor),
        ("Math.ceil", ceil),
        ("Math.round", round),
    ] {
        add(hosts, name, &[Float], Float, 8, func);
    }
    add(hosts, "Math.atan2", &[Float, Float], Float, 8, atan2);
    add(hosts, "Math.pow", &[Float, Float], Float, 8, pow);
}

/// The `Math` constants.
pub(crate) fn constants() -> Vec<(&'static str, BuiltinConstant)> {
    vec![
        ("Math.PI", BuiltinConstant::Float(std::f64::consts::PI)),
        ("Math.TAU", BuiltinConstant::Float(std::f64::consts::TAU)),
        ("Math.INT_MAX", BuiltinConstant::Int(i64::MAX)),
        ("Math.INT_MIN", BuiltinConstant::Int(i64::MIN)),
    ]
}

#[cfg(test)]
mod tests {
    use super::{floor_div_int, floor_mod_int};
    use prometeu_vm::TrapKind;

    #[test]
    fn floor_division_rounds_toward_negative_infinity() {
        for (a, b, q, r) in [
            (7, 2, 3, 1),
            (-7, 2, -4, 1),
            (7, -2, -4, -1),
            (-7, -2, 3, -1),
            (6, -3, -2, 0),
            (i64::MIN, 1, i64::MIN, 0),
        ] {
            assert_eq!(floor_div_int(a, b), Ok(q), "{a} // {b}");
            assert_eq!(floor_mod_int(a, b), Ok(r), "{a} % {b}");
            assert_eq!(q * b + r, a);
        }
        assert_eq!(floor_mod_int(i64::MIN, -1), Ok(0));
        assert_eq!(floor_div_int(i64::MIN, -1), Err(TrapKind::IntegerOverflow));
        assert_eq!(floor_div_int(1, 0), Err(TrapKind::DivisionByZero));
        assert_eq!(floor_mod_int(1, 0), Err(TrapKind::DivisionByZero));
    }
}
