//! String methods (`s.len()`, `s.substr(a, b)`, ...). They receive the string as their first
//! argument; methods that build text allocate exactly the new string.

use crate::add;
use prometeu_bytecode::HostType::{Any, Bool, Float, Int, Str};
use prometeu_vm::{HostCtx, Hosts, TrapKind, Value};

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
}

/// Reads a string argument.
fn text<'h>(ctx: &'h HostCtx<'_>, v: Value) -> Result<&'h str, TrapKind> {
    ctx.heap
        .str(v)
        .ok_or(TrapKind::InvalidProgram("expected a string argument"))
}

fn int(v: Value) -> Result<i64, TrapKind> {
    match v {
        Value::Int(i) => Ok(i),
        _ => Err(TrapKind::InvalidProgram("expected an int argument")),
    }
}

/// Quotes text for an error message.
fn quoted(s: &str) -> String {
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
    let part = s[start..end].to_string();
    ctx.charge(part.len() as u64 / 16);
    ctx.string(part)
}

fn two<'h>(ctx: &'h HostCtx<'_>, args: &[Value]) -> Result<(&'h str, &'h str), TrapKind> {
    Ok((text(ctx, args[0])?, text(ctx, args[1])?))
}

fn find(ctx: &mut HostCtx<'_>, args: &[Value]) -> Result<Value, TrapKind> {
    let (s, needle) = two(ctx, args)?;
    let (found, bytes) = (s.find(needle).map_or(-1, |i| i as i64), s.len() as u64);
    ctx.charge(bytes / 16);
    Ok(Value::Int(found))
}

fn contains(ctx: &mut HostCtx<'_>, args: &[Value]) -> Result<Value, TrapKind> {
    let (s, needle) = two(ctx, args)?;
    let (found, bytes) = (s.contains(needle), s.len() as u64);
    ctx.charge(bytes / 16);
    Ok(Value::Bool(found))
}

fn starts_with(ctx: &mut HostCtx<'_>, args: &[Value]) -> Result<Value, TrapKind> {
    let (s, prefix) = two(ctx, args)?;
    Ok(Value::Bool(s.starts_with(prefix)))
}

fn ends_with(ctx: &mut HostCtx<'_>, args: &[Value]) -> Result<Value, TrapKind> {
    let (s, suffix) = two(ctx, args)?;
    Ok(Value::Bool(s.ends_with(suffix)))
}

/// Builds a new string from the argument string.
fn map(
    ctx: &mut HostCtx<'_>,
    args: &[Value],
    f: impl FnOnce(&str) -> String,
) -> Result<Value, TrapKind> {
    let out = f(text(ctx, args[0])?);
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
fn split(ctx: &mut HostCtx<'_>, args: &[Value]) -> Result<Value, TrapKind> {
    let (s, sep) = two(ctx, args)?;
    let parts: Vec<String> = if sep.is_empty() {
        s.chars().map(String::from).collect()
    } else {
        s.split(sep).map(str::to_string).collect()
    };
    ctx.charge(s.len() as u64 / 16 + parts.len() as u64);
    ctx.heap.check_array_len(parts.len())?;
    let mut items = Vec::with_capacity(parts.len());
    for p in parts {
        items.push(ctx.string(p)?);
    }
    ctx.heap.alloc_array(items).map(Value::Obj)
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
    let out = s.repeat(n as usize);
    ctx.charge(out.len() as u64 / 16);
    ctx.string(out)
}

fn parse_int(ctx: &mut HostCtx<'_>, args: &[Value]) -> Result<Value, TrapKind> {
    let s = text(ctx, args[0])?;
    s.parse::<i64>()
        .map(Value::Int)
        .map_err(|_| TrapKind::Host(format!("cannot parse {} as an int", quoted(s))))
}

fn parse_float(ctx: &mut HostCtx<'_>, args: &[Value]) -> Result<Value, TrapKind> {
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
