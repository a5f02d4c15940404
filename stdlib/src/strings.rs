//! String methods (`s.len()`, `s.substr(a, b)`, ...). They receive the string as their first
//! argument; methods that build text allocate exactly the new string, after checking that it
//! fits. Every method whose work grows with its input charges 1 cycle per 16 bytes it reads
//! or writes (see the cost table in `docs/cartridges.md`).

use crate::add;
use prometeu_bytecode::HostType::{Any, Bool, Float, Int, Str};
use prometeu_vm::{string_bytes, HostCtx, Hosts, TrapKind, Value};

/// Registers every string method.
pub(crate) fn register(hosts: &mut Hosts) {
    add(hosts, "String.len", &[Str], Int, 1, len);
    add(hosts, "String.char_count", &[Str], Int, 2, char_count);
    add(hosts, "String.substr", &[Str, Int, Int], Str, 4, substr);
    add(hosts, "String.find", &[Str, Str], Int, 4, find);
    add(hosts, "String.contains", &[Str, Str], Bool, 4, contains);
    add(
        hosts,
        "String.starts_with",
        &[Str, Str],
        Bool,
        2,
        starts_with,
    );
    add(hosts, "String.ends_with", &[Str, Str], Bool, 2, ends_with);
    add(hosts, "String.upper", &[Str], Str, 4, upper);
    add(hosts, "String.lower", &[Str], Str, 4, lower);
    add(hosts, "String.trim", &[Str], Str, 4, trim);
    add(hosts, "String.split", &[Str, Str], Any, 8, split);
    add(hosts, "String.repeat", &[Str, Int], Str, 4, repeat);
    add(hosts, "String.parse_int", &[Str], Int, 4, parse_int);
    add(hosts, "String.parse_float", &[Str], Float, 4, parse_float);
    crate::text::register(hosts);
}

/// Reads a string argument.
pub(crate) fn text<'h>(ctx: &'h HostCtx<'_>, v: Value) -> Result<&'h str, TrapKind> {
    ctx.heap
        .str(v)
        .ok_or(TrapKind::InvalidProgram("expected a string argument"))
}

pub(crate) fn int(v: Value) -> Result<i64, TrapKind> {
    match v {
        Value::Int(i) => Ok(i),
        _ => Err(TrapKind::InvalidProgram("expected an int argument")),
    }
}

/// Quotes text for an error message.
pub(crate) fn quoted(s: &str) -> String {
    let shown: String = s.chars().take(40).collect();
    if shown.len() < s.len() {
        format!("{shown:?}...")
    } else {
        format!("{shown:?}")
    }
}

fn len(ctx: &mut HostCtx<'_>, args: &[Value]) -> Result<Value, TrapKind> {
    Ok(Value::Int(text(ctx, args[0])?.len() as i64))
}

fn char_count(ctx: &mut HostCtx<'_>, args: &[Value]) -> Result<Value, TrapKind> {
    let s = text(ctx, args[0])?;
    let (n, bytes) = (s.chars().count() as i64, s.len() as u64);
    ctx.charge(bytes / 16);
    Ok(Value::Int(n))
}

fn substr(ctx: &mut HostCtx<'_>, args: &[Value]) -> Result<Value, TrapKind> {
    let (start, end) = (int(args[1])?, int(args[2])?);
    let s = text(ctx, args[0])?;
    if start < 0 || end < start || end as u64 > s.len() as u64 {
        return Err(TrapKind::Host(format!(
            "byte range {start}..{end} is out of bounds for a string of length {}",
            s.len()
        )));
    }
    let (start, end) = (start as usize, end as usize);
    for i in [start, end] {
        if !s.is_char_boundary(i) {
            return Err(TrapKind::Host(format!(
                "byte index {i} is not on a character boundary"
            )));
        }
    }
    ctx.heap.check_string(end - start)?;
    let part = s[start..end].to_string();
    ctx.charge(part.len() as u64 / 16);
    ctx.string(part)
}

fn two<'h>(ctx: &'h HostCtx<'_>, args: &[Value]) -> Result<(&'h str, &'h str), TrapKind> {
    Ok((text(ctx, args[0])?, text(ctx, args[1])?))
}

fn find(ctx: &mut HostCtx<'_>, args: &[Value]) -> Result<Value, TrapKind> {
    let (s, needle) = two(ctx, args)?;
    let bytes = (s.len() + needle.len()) as u64;
    let found = s.find(needle).map_or(-1, |i| i as i64);
    ctx.charge(bytes / 16);
    Ok(Value::Int(found))
}

fn contains(ctx: &mut HostCtx<'_>, args: &[Value]) -> Result<Value, TrapKind> {
    let (s, needle) = two(ctx, args)?;
    let (found, bytes) = (s.contains(needle), (s.len() + needle.len()) as u64);
    ctx.charge(bytes / 16);
    Ok(Value::Bool(found))
}

fn starts_with(ctx: &mut HostCtx<'_>, args: &[Value]) -> Result<Value, TrapKind> {
    let (s, prefix) = two(ctx, args)?;
    let (found, bytes) = (s.starts_with(prefix), prefix.len().min(s.len()) as u64);
    ctx.charge(bytes / 16);
    Ok(Value::Bool(found))
}

fn ends_with(ctx: &mut HostCtx<'_>, args: &[Value]) -> Result<Value, TrapKind> {
    let (s, suffix) = two(ctx, args)?;
    let (found, bytes) = (s.ends_with(suffix), suffix.len().min(s.len()) as u64);
    ctx.charge(bytes / 16);
    Ok(Value::Bool(found))
}

/// Builds a new string from the argument string.
fn map(
    ctx: &mut HostCtx<'_>,
    args: &[Value],
    f: impl FnOnce(&str) -> String,
) -> Result<Value, TrapKind> {
    let s = text(ctx, args[0])?;
    // The result is at least about as long as the input: check that much before building it.
    ctx.heap.check_string(s.len())?;
    let out = f(s);
    ctx.charge(out.len() as u64 / 16);
    ctx.string(out)
}

fn upper(ctx: &mut HostCtx<'_>, args: &[Value]) -> Result<Value, TrapKind> {
    map(ctx, args, str::to_uppercase)
}

fn lower(ctx: &mut HostCtx<'_>, args: &[Value]) -> Result<Value, TrapKind> {
    map(ctx, args, str::to_lowercase)
}

fn trim(ctx: &mut HostCtx<'_>, args: &[Value]) -> Result<Value, TrapKind> {
    let s = text(ctx, args[0])?;
    if s.trim().len() == s.len() {
        // Nothing to trim: forward the same string instead of copying it.
        return Ok(args[0]);
    }
    map(ctx, args, |s| s.trim().to_string())
}

/// Splits on a separator; an empty separator splits into characters.
///
/// The pieces are counted and measured first, so the array limit and the heap limit are
/// checked before anything is allocated; then each piece becomes a string of its own.
fn split(ctx: &mut HostCtx<'_>, args: &[Value]) -> Result<Value, TrapKind> {
    let (s, sep) = two(ctx, args)?;
    let (mut parts, mut bytes, len) = (0usize, 0u64, s.len() as u64);
    for piece in pieces(s, sep) {
        parts += 1;
        bytes += string_bytes(piece.len());
    }
    ctx.charge(len / 16 + parts as u64);
    ctx.heap.check_array_len(parts)?;
    ctx.heap
        .ensure_room(bytes.saturating_add(prometeu_vm::array_bytes(parts)))?;
    let mut items = Vec::new();
    items
        .try_reserve_exact(parts)
        .map_err(|_| TrapKind::HeapExhausted(ctx.heap.limit()))?;
    let (s, sep) = two(ctx, args)?;
    let (s, sep) = (s.to_string(), sep.to_string());
    for piece in pieces(&s, &sep) {
        items.push(ctx.string(piece)?);
    }
    ctx.heap.alloc_array(items).map(Value::Obj)
}

/// The pieces `split` produces: the characters for an empty separator, else the text
/// between separators.
fn pieces<'s>(s: &'s str, sep: &'s str) -> Box<dyn Iterator<Item = &'s str> + 's> {
    if sep.is_empty() {
        Box::new(s.char_indices().map(|(i, c)| &s[i..i + c.len_utf8()]))
    } else {
        Box::new(s.split(sep))
    }
}

fn repeat(ctx: &mut HostCtx<'_>, args: &[Value]) -> Result<Value, TrapKind> {
    let n = int(args[1])?;
    let s = text(ctx, args[0])?;
    if n < 0 {
        return Err(TrapKind::Host(format!("cannot repeat a string {n} times")));
    }
    let len = (s.len() as u128) * (n as u128);
    if len > ctx.heap.max_string() as u128 {
        return Err(TrapKind::StringTooLong {
            len: len.min(usize::MAX as u128) as usize,
            limit: ctx.heap.max_string(),
        });
    }
    // `len` fits the string limit, so it fits a `usize`; for a non-empty `s`, `n` is at most
    // `len`, and an empty `s` repeats to the empty string however large `n` is.
    let len = len as usize;
    ctx.heap.check_string(len)?;
    let mut out: Vec<u8> = Vec::new();
    out.try_reserve_exact(len)
        .map_err(|_| TrapKind::HeapExhausted(ctx.heap.limit()))?;
    if len > 0 {
        // Copy the text, then double what is there, so a long result takes few copies.
        out.extend_from_slice(s.as_bytes());
        while out.len() < len {
            let take = (len - out.len()).min(out.len());
            out.extend_from_within(..take);
        }
    }
    let out = String::from_utf8(out)
        .map_err(|_| TrapKind::InvalidProgram("repeat produced invalid text"))?;
    ctx.charge(out.len() as u64 / 16);
    ctx.string(out)
}

fn parse_int(ctx: &mut HostCtx<'_>, args: &[Value]) -> Result<Value, TrapKind> {
    let bytes = text(ctx, args[0])?.len() as u64;
    ctx.charge(bytes / 16);
    let s = text(ctx, args[0])?;
    s.parse::<i64>()
        .map(Value::Int)
        .map_err(|_| TrapKind::Host(format!("cannot parse {} as an int", quoted(s))))
}

fn parse_float(ctx: &mut HostCtx<'_>, args: &[Value]) -> Result<Value, TrapKind> {
    let bytes = text(ctx, args[0])?.len() as u64;
    ctx.charge(bytes / 16);
    let s = text(ctx, args[0])?;
    let valid = !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_digit() || b".+-eE".contains(&b))
        || matches!(s, "inf" | "-inf" | "NaN");
    match s.parse::<f64>() {
        Ok(v) if valid => Ok(Value::Float(v)),
        _ => Err(TrapKind::Host(format!(
            "cannot parse {} as a float",
            quoted(s)
        ))),
    }
}
