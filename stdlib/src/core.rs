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
    let text = ctx.format(args[0], FormatStyle::Plain)?;
    ctx.charge(text.len() as u64 / 16);
    ctx.string(text)
}
