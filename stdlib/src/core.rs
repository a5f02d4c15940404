//! `print` and `str`.

use crate::add;
use prometeu_bytecode::HostType::{Any, Str, Void};
use prometeu_vm::{FormatStyle, HostCtx, Hosts, TrapKind, Value};

/// Registers `print` and `str`.
pub(crate) fn register(hosts: &mut Hosts) {
    add(hosts, "print", &[Any], Void, 10, print);
    add(hosts, "str", &[Any], Str, 10, str);
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
