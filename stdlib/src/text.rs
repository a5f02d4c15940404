//! The string conveniences of §15.8: characters and bytes by index (`char_at`, `byte_at`,
//! `code`, `String.from_code`), `replace`, padding (`pad_left`, `pad_right`) and `join` of an
//! array of strings. Each builder measures its result first and checks it against the string
//! limit and the heap before allocating; each charges 1 cycle per 16 bytes it reads or writes.

use crate::add;
use crate::strings::{int, quoted, text};
use prometeu_bytecode::HostType::{Any, Int, Str};
use prometeu_vm::{HostCtx, Hosts, TrapKind, Value};

/// Registers the string conveniences.
pub(crate) fn register(hosts: &mut Hosts) {
    add(hosts, "String.char_at", &[Str, Int], Str, 4, char_at);
    add(hosts, "String.byte_at", &[Str, Int], Int, 1, byte_at);
    add(hosts, "String.code", &[Str], Int, 1, code);
    add(hosts, "String.from_code", &[Int], Str, 4, from_code);
    add(hosts, "String.replace", &[Str, Str, Str], Str, 4, replace);
    add(hosts, "String.pad_left", &[Str, Int, Str], Str, 4, pad_left);
    add(
        hosts,
        "String.pad_right",
        &[Str, Int, Str],
        Str,
        4,
        pad_right,
    );
    add(hosts, "Array.join", &[Any, Str], Str, 4, join);
}

/// Checks that `i` is a byte index inside `s`, returning it as a `usize`.
fn byte_index(s: &str, i: i64) -> Result<usize, TrapKind> {
    match usize::try_from(i) {
        Ok(at) if at < s.len() => Ok(at),
        _ => Err(TrapKind::Host(format!(
            "byte index {i} is out of bounds for a string of length {}",
            s.len()
        ))),
    }
}

fn char_at(ctx: &mut HostCtx<'_>, args: &[Value]) -> Result<Value, TrapKind> {
    let i = int(args[1])?;
    let s = text(ctx, args[0])?;
    let at = byte_index(s, i)?;
    if !s.is_char_boundary(at) {
        return Err(TrapKind::Host(format!(
            "byte index {i} is not on a character boundary"
        )));
    }
    let c = s[at..].chars().next().unwrap_or_default();
    ctx.string(c.to_string())
}

fn byte_at(ctx: &mut HostCtx<'_>, args: &[Value]) -> Result<Value, TrapKind> {
    let i = int(args[1])?;
    let s = text(ctx, args[0])?;
    let at = byte_index(s, i)?;
    Ok(Value::Int(i64::from(s.as_bytes()[at])))
}

fn code(ctx: &mut HostCtx<'_>, args: &[Value]) -> Result<Value, TrapKind> {
    let s = text(ctx, args[0])?;
    match s.chars().next() {
        Some(c) => Ok(Value::Int(i64::from(u32::from(c)))),
        None => Err(TrapKind::Host(
            "code() of an empty string: it has no first character".into(),
        )),
    }
}

fn from_code(ctx: &mut HostCtx<'_>, args: &[Value]) -> Result<Value, TrapKind> {
    let c = int(args[0])?;
    match u32::try_from(c).ok().and_then(char::from_u32) {
        Some(c) => ctx.string(c.to_string()),
        None => Err(TrapKind::Host(format!(
            "{c} is not a character code: codes are 0 to 1114111 (0x10FFFF), without 55296 to 57343 (0xD800 to 0xDFFF)"
        ))),
    }
}

/// Fails with "string too long" when a result of `len` bytes (computed without overflow)
/// exceeds the limit, else checks that it fits in the heap.
fn check_len(ctx: &HostCtx<'_>, len: u128) -> Result<usize, TrapKind> {
    let limit = ctx.heap.max_string();
    if len > limit as u128 {
        return Err(TrapKind::StringTooLong {
            len: len.min(usize::MAX as u128) as usize,
            limit,
        });
    }
    let len = len as usize;
    ctx.heap.check_string(len)?;
    Ok(len)
}

/// Every occurrence of `from` replaced by `to`; an empty `from` matches before every
/// character and at the end, as in most languages.
fn replace(ctx: &mut HostCtx<'_>, args: &[Value]) -> Result<Value, TrapKind> {
    let (s, from, to) = (
        text(ctx, args[0])?,
        text(ctx, args[1])?,
        text(ctx, args[2])?,
    );
    let hits = s.matches(from).count() as u128;
    let len = s.len() as u128 + hits * to.len() as u128 - hits * from.len() as u128;
    let read = (s.len() + from.len() + to.len()) as u64;
    check_len(ctx, len)?;
    let out = s.replace(from, to);
    ctx.charge((read + out.len() as u64) / 16);
    ctx.string(out)
}

/// Pads with `fill` on the left (`left`) or the right up to `width` characters.
fn pad(ctx: &mut HostCtx<'_>, args: &[Value], left: bool) -> Result<Value, TrapKind> {
    let width = int(args[1])?;
    let (s, fill) = (text(ctx, args[0])?, text(ctx, args[2])?);
    let mut fills = fill.chars();
    let (Some(c), None) = (fills.next(), fills.next()) else {
        return Err(TrapKind::Host(format!(
            "the fill of a pad must be exactly one character, not {}",
            quoted(fill)
        )));
    };
    let (have, bytes) = (s.chars().count() as u128, s.len());
    ctx.charge(bytes as u64 / 16);
    let want = u128::try_from(width).unwrap_or(0);
    if want <= have {
        return Ok(args[0]);
    }
    let n = want - have;
    let len = check_len(ctx, bytes as u128 + n * c.len_utf8() as u128)?;
    let s = text(ctx, args[0])?;
    let mut out = ctx.heap.text_buffer(len)?;
    let padding = std::iter::repeat_n(c, n as usize);
    if left {
        out.extend(padding);
        out.push_str(s);
    } else {
        out.push_str(s);
        out.extend(padding);
    }
    ctx.charge(out.len() as u64 / 16);
    ctx.string(out)
}

fn pad_left(ctx: &mut HostCtx<'_>, args: &[Value]) -> Result<Value, TrapKind> {
    pad(ctx, args, true)
}

fn pad_right(ctx: &mut HostCtx<'_>, args: &[Value]) -> Result<Value, TrapKind> {
    pad(ctx, args, false)
}

/// The strings of an array joined with a separator between each two.
fn join(ctx: &mut HostCtx<'_>, args: &[Value]) -> Result<Value, TrapKind> {
    let items = ctx.heap.array(args[0])?;
    let sep = text(ctx, args[1])?;
    let mut len = sep.len() as u128 * items.len().saturating_sub(1) as u128;
    for item in items {
        len += text(ctx, item.get())?.len() as u128;
    }
    let count = items.len() as u64;
    let len = check_len(ctx, len)?;
    let mut out = ctx.heap.text_buffer(len)?;
    let (items, sep) = (ctx.heap.array(args[0])?, text(ctx, args[1])?);
    for (i, &item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(sep);
        }
        out.push_str(text(ctx, item.get())?);
    }
    ctx.charge(count / 4 + out.len() as u64 / 16);
    ctx.string(out)
}
