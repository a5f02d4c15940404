//! Array methods (`xs.push(v)`, `xs.len()`, ...). The compiler types them generically; here
//! they receive the array as their first argument.

use crate::add;
use prometeu_bytecode::HostType::{Any, Bool, Int, Void};
use prometeu_vm::{HostCtx, Hosts, TrapKind, Value};
use std::cmp::Ordering;

/// Registers every array method.
pub(crate) fn register(hosts: &mut Hosts) {
    add(hosts, "Array.len", &[Any], Int, 1, len);
    add(hosts, "Array.push", &[Any, Any], Void, 2, push);
    add(hosts, "Array.pop", &[Any], Any, 2, pop);
    add(hosts, "Array.insert", &[Any, Int, Any], Void, 4, insert);
    add(hosts, "Array.remove", &[Any, Int], Any, 4, remove);
    add(hosts, "Array.clear", &[Any], Void, 2, clear);
    add(hosts, "Array.contains", &[Any, Any], Bool, 2, contains);
    add(hosts, "Array.index_of", &[Any, Any], Int, 2, index_of);
    add(hosts, "Array.slice", &[Any, Int, Int], Any, 4, slice);
    add(hosts, "Array.reverse", &[Any], Void, 2, reverse);
    add(hosts, "Array.sort", &[Any], Void, 4, sort);
}

fn int(v: Value) -> Result<i64, TrapKind> {
    match v {
        Value::Int(i) => Ok(i),
        _ => Err(TrapKind::InvalidProgram("expected an int argument")),
    }
}

/// PBS `==`: strings by contents, everything else by value (heap objects by identity).
pub(crate) fn equal(ctx: &HostCtx<'_>, a: Value, b: Value) -> bool {
    match (ctx.heap.str(a), ctx.heap.str(b)) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    }
}

fn len(ctx: &mut HostCtx<'_>, args: &[Value]) -> Result<Value, TrapKind> {
    Ok(Value::Int(ctx.heap.array(args[0])?.len() as i64))
}

fn push(ctx: &mut HostCtx<'_>, args: &[Value]) -> Result<Value, TrapKind> {
    let v = args[1];
    ctx.heap.with_array(args[0], 1, |items| {
        items.push(v.into());
        Ok(Value::Unit)
    })
}

fn pop(ctx: &mut HostCtx<'_>, args: &[Value]) -> Result<Value, TrapKind> {
    ctx.heap.with_array(args[0], 0, |items| {
        items
            .pop()
            .map(Value::from)
            .ok_or_else(|| TrapKind::Host("pop from an empty array".into()))
    })
}

/// Checks an index for `insert` (which may equal the length) or element access.
fn check_index(index: i64, len: usize, allow_end: bool) -> Result<usize, TrapKind> {
    let limit = if allow_end { len + 1 } else { len };
    match usize::try_from(index) {
        Ok(i) if i < limit => Ok(i),
        _ => Err(TrapKind::IndexOutOfBounds { index, len }),
    }
}

fn insert(ctx: &mut HostCtx<'_>, args: &[Value]) -> Result<Value, TrapKind> {
    let index = int(args[1])?;
    let v = args[2];
    ctx.heap.with_array(args[0], 1, |items| {
        let i = check_index(index, items.len(), true)?;
        items.insert(i, v.into());
        Ok(Value::Unit)
    })?;
    let n = ctx.heap.array(args[0])?.len() as u64;
    ctx.charge(n / 8);
    Ok(Value::Unit)
}

fn remove(ctx: &mut HostCtx<'_>, args: &[Value]) -> Result<Value, TrapKind> {
    let index = int(args[1])?;
    let value = ctx.heap.with_array(args[0], 0, |items| {
        if items.is_empty() {
            return Err(TrapKind::Host("pop from an empty array".into()));
        }
        let i = check_index(index, items.len(), false)?;
        Ok(items.remove(i).get())
    })?;
    let n = ctx.heap.array(args[0])?.len() as u64;
    ctx.charge(n / 8);
    Ok(value)
}

fn clear(ctx: &mut HostCtx<'_>, args: &[Value]) -> Result<Value, TrapKind> {
    ctx.heap.with_array(args[0], 0, |items| {
        items.clear();
        Ok(Value::Unit)
    })
}

/// The first element equal to `args[1]`. Charges 1 cycle per 4 elements, plus 1 per 16
/// bytes compared when looking for a string (the shorter of the needle and each string
/// element, up to the match).
fn position(ctx: &mut HostCtx<'_>, args: &[Value]) -> Result<Option<usize>, TrapKind> {
    let items = ctx.heap.array(args[0])?;
    let needle = ctx.heap.str(args[1]);
    let mut compared = 0u64;
    let found = items.iter().position(|item| {
        let item = item.get();
        if let (Some(x), Some(y)) = (needle, ctx.heap.str(item)) {
            compared += x.len().min(y.len()) as u64;
        }
        equal(ctx, item, args[1])
    });
    let n = items.len() as u64;
    ctx.charge(n / 4 + compared / 16);
    Ok(found)
}

fn contains(ctx: &mut HostCtx<'_>, args: &[Value]) -> Result<Value, TrapKind> {
    Ok(Value::Bool(position(ctx, args)?.is_some()))
}

fn index_of(ctx: &mut HostCtx<'_>, args: &[Value]) -> Result<Value, TrapKind> {
    Ok(Value::Int(position(ctx, args)?.map_or(-1, |i| i as i64)))
}

fn slice(ctx: &mut HostCtx<'_>, args: &[Value]) -> Result<Value, TrapKind> {
    let (start, end) = (int(args[1])?, int(args[2])?);
    let items = ctx.heap.array(args[0])?;
    let len = items.len();
    if start < 0 || end < start || end as u64 > len as u64 {
        return Err(TrapKind::Host(format!(
            "slice {start}..{end} out of bounds for length {len}"
        )));
    }
    ctx.heap.check_array_len((end - start) as usize)?;
    ctx.heap
        .ensure_room(prometeu_vm::array_bytes((end - start) as usize))?;
    let part = items[start as usize..end as usize].to_vec();
    ctx.charge(part.len() as u64 / 4);
    ctx.heap.alloc_array(part).map(Value::Obj)
}

fn reverse(ctx: &mut HostCtx<'_>, args: &[Value]) -> Result<Value, TrapKind> {
    let n = ctx.heap.array_mut(args[0])?.len() as u64;
    ctx.heap.array_mut(args[0])?.reverse();
    ctx.charge(n / 8);
    Ok(Value::Unit)
}

/// Sorts ints, floats (by total order) or strings (byte-wise), stably and ascending. Charges
/// `n × (⌊log2 n⌋ + 1) / 4`, and for strings also their total bytes × (⌊log2 n⌋ + 1) / 16,
/// since each element takes part in about that many comparisons.
fn sort(ctx: &mut HostCtx<'_>, args: &[Value]) -> Result<Value, TrapKind> {
    let mut items: Vec<Value> = ctx.heap.array(args[0])?.iter().map(|p| p.get()).collect();
    let n = items.len() as u64;
    let rounds = 64 - n.leading_zeros() as u64;
    let heap = &*ctx.heap;
    let bytes: u64 = items
        .iter()
        .filter_map(|&v| heap.str(v))
        .map(|s| s.len() as u64)
        .sum();
    ctx.charge(n * rounds / 4 + bytes.saturating_mul(rounds) / 16);
    let heap = &*ctx.heap;
    let mut bad = false;
    items.sort_by(|a, b| match (a, b) {
        (Value::Int(x), Value::Int(y)) => x.cmp(y),
        (Value::Float(x), Value::Float(y)) => x.total_cmp(y),
        _ => match (heap.str(*a), heap.str(*b)) {
            (Some(x), Some(y)) => x.as_bytes().cmp(y.as_bytes()),
            _ => {
                bad = true;
                Ordering::Equal
            }
        },
    });
    if bad {
        return Err(TrapKind::InvalidProgram(
            "sort needs ints, floats or strings",
        ));
    }
    for (slot, v) in ctx.heap.array_mut(args[0])?.iter_mut().zip(items) {
        *slot = v.into();
    }
    Ok(Value::Unit)
}
