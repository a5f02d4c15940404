//! `print`, `str`, `assert` and `panic`.

use crate::add;
use prometeu_bytecode::HostType::{Any, Bool, Int, Str, Void};
use prometeu_vm::{FormatStyle, HostCtx, Hosts, TrapKind, Value};

/// Registers `print`, `str`, `assert` and `panic`.
pub(crate) fn register(hosts: &mut Hosts) {
    add(hosts, "print", &[Any], Void, 10, print);
    add(hosts, "str", &[Any], Str, 10, str);
    add(hosts, "assert", &[Bool, Str], Void, 2, assert);
    add(hosts, "panic", &[Str], Void, 2, panic);
    add(
        hosts,
        OPTIONAL_TEXT_HOST,
        &[Any, Int],
        Str,
        10,
        optional_text,
    );
}

/// The hidden host function that formats a value whose static type has optional layers, for
/// `print`, `str`, `format` and the REPL's echo: its second argument is the type's optional
/// shape (bit `k`: the value `k` array levels down is optional). Its name cannot be written
/// in PBS.
pub const OPTIONAL_TEXT_HOST: &str = "Optional.<text>";

/// Formats an optional (or an array of them) as a new string: `some(3)`, `none`,
/// `[some("a"), none]`.
fn optional_text(ctx: &mut HostCtx<'_>, args: &[Value]) -> Result<Value, TrapKind> {
    let Value::Int(shape) = args[1] else {
        return Err(TrapKind::InvalidProgram("expected an int argument"));
    };
    let text = ctx.format_shaped(args[0], shape as u64, FormatStyle::Plain)?;
    ctx.charge(text.len() as u64 / 16);
    ctx.string(text)
}

/// The message of a failed `assert` or a `panic`, read from the argument string.
fn message(ctx: &mut HostCtx<'_>, v: Value) -> Result<String, TrapKind> {
    let text = ctx
        .heap
        .str(v)
        .ok_or(TrapKind::InvalidProgram("expected a string argument"))?
        .to_string();
    ctx.charge(text.len() as u64 / 16);
    Ok(text)
}

/// Traps with "assertion failed: MESSAGE" when the condition is false.
fn assert(ctx: &mut HostCtx<'_>, args: &[Value]) -> Result<Value, TrapKind> {
    match args[0] {
        Value::Bool(true) => Ok(Value::Unit),
        Value::Bool(false) => {
            let text = message(ctx, args[1])?;
            Err(TrapKind::Host(format!("assertion failed: {text}")))
        }
        _ => Err(TrapKind::InvalidProgram("expected a bool argument")),
    }
}

/// Always traps, with the message as it is.
fn panic(ctx: &mut HostCtx<'_>, args: &[Value]) -> Result<Value, TrapKind> {
    Err(TrapKind::Host(message(ctx, args[0])?))
}

/// Writes the formatted value and a newline to the program's output. The text is bounded
/// like a string (`max_string`), so printing a huge shared structure traps instead of
/// producing gigabytes.
fn print(ctx: &mut HostCtx<'_>, args: &[Value]) -> Result<Value, TrapKind> {
    let mut text = ctx.format(args[0], FormatStyle::Plain)?;
    text.push('\n');
    ctx.charge(text.len() as u64 / 16);
    ctx.out.write_str(&text);
    Ok(Value::Unit)
}

/// Formats a value as a new string.
fn str(ctx: &mut HostCtx<'_>, args: &[Value]) -> Result<Value, TrapKind> {
    if let Value::Obj(_) = args[0] {
        if ctx.heap.str(args[0]).is_some() {
            // A string formats as itself: forward the handle instead of copying the bytes.
            return Ok(args[0]);
        }
    }
    let text = match args[0] {
        // Ints and bools are the common case in string building: their text is written
        // into an exactly sized string, with the digits the formatter would write.
        Value::Int(i) => int_text(i),
        Value::Bool(b) => String::from(if b { "true" } else { "false" }),
        other => ctx.format(other, FormatStyle::Plain)?,
    };
    ctx.charge(text.len() as u64 / 16);
    ctx.string(text)
}

/// The decimal text of an int, as `{i}` writes it, in a string of exactly its length.
fn int_text(i: i64) -> String {
    // 19 digits and a sign: `i64::MIN` is the longest.
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut rest = i.unsigned_abs();
    loop {
        at -= 1;
        digits[at] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    if i < 0 {
        at -= 1;
        digits[at] = b'-';
    }
    let mut text = String::with_capacity(digits.len() - at);
    for &d in &digits[at..] {
        text.push(char::from(d));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::int_text;

    #[test]
    fn int_text_writes_what_the_formatter_writes() {
        let mut values = vec![
            0,
            1,
            -1,
            9,
            10,
            -10,
            99,
            100,
            i64::MAX,
            i64::MIN,
            i64::MIN + 1,
        ];
        let mut v: i64 = 7;
        while let Some(next) = v.checked_mul(13) {
            values.push(next);
            values.push(-next);
            values.push(next - 1);
            v = next;
        }
        for i in values {
            let text = int_text(i);
            assert_eq!(text, format!("{i}"));
            assert_eq!(text.capacity(), text.len(), "{i} is sized exactly");
        }
    }
}
