//! The map instructions (`NewMap` … `MapIterEnd`).
//!
//! Each handler reads its operands from the stack, does its work on the heap and reports the
//! new stack pointer and the extra cycles of work that grows with its input. A handler that
//! fails changes nothing (room is reserved before anything is written), so an allocating
//! handler can run again after a collection.

use crate::map::{hash_key, KeyRef, MapData};
use crate::stack::Slots;
use crate::{format_value, FormatStyle, Heap, Object, TrapKind, Value};
use prometeu_bytecode::{Instr, Program};

/// What a map instruction did: the new stack pointer and the cycles to charge beyond the
/// instruction's fixed cost.
pub(super) struct Done {
    /// The stack pointer after the instruction.
    pub sp: usize,
    /// Extra cycles.
    pub extra: i64,
}

/// The most characters of a key shown in "key not found".
const SHOWN_KEY: usize = 64;

/// Whether the stored key `stored`, whose hash is the probed key's, has the text of the
/// string `key` (two different string objects with the same text are the same key).
fn same_text(heap: &Heap, stored: Value, key: Value) -> bool {
    match (key, heap.str(stored)) {
        (Value::Obj(_), Some(text)) => heap.str(key) == Some(text),
        _ => false,
    }
}

/// The trap for a key that is neither an int, a bool, an enum value nor a string.
fn wrong_key() -> TrapKind {
    TrapKind::InvalidProgram("a map key of the wrong kind")
}

/// Where `key` is in `map`: the map's contents, the key's entry position, the key's hash and
/// its length in bytes (a string's; 0 for other keys). A string key first tries the
/// position its last lookup found, any other key the map's recent lookups; either is taken
/// only when that entry's key is the very same value.
#[inline(always)]
fn locate(
    heap: &Heap,
    map: Value,
    key: Value,
) -> Result<(&MapData, Option<usize>, u64, usize), TrapKind> {
    let hash = match key {
        Value::Obj(_) => {
            let k = heap.str_key(key).ok_or_else(wrong_key)?;
            let (data, Value::Obj(handle)) = (heap.map(map)?, map) else {
                // `Heap::map` succeeded, so `map` is a handle.
                return Err(TrapKind::InvalidProgram("expected a map"));
            };
            let (hinted, position) = k.hint.get();
            if hinted == handle.0 && data.holds_at(position as usize, key) {
                return Ok((data, Some(position as usize), k.hash, k.len));
            }
            let found = data.find(k.hash, key, |stored| same_text(heap, stored, key));
            if let Some(position) = found {
                k.hint.set((handle.0, position as u32));
            }
            return Ok((data, found, k.hash, k.len));
        }
        Value::Int(i) => hash_key(KeyRef::Int(i)),
        Value::Bool(b) => hash_key(KeyRef::Bool(b)),
        Value::Enum(ty, variant) => hash_key(KeyRef::Enum(ty, variant)),
        _ => return Err(wrong_key()),
    };
    let data = heap.map(map)?;
    let found = match data.find_recent(key) {
        Some(position) => Some(position),
        None => data.find(hash, key, |_| false),
    };
    Ok((data, found, hash, 0))
}

/// The cycles a lookup costs beyond the instruction: for a string key 1 per 16 bytes hashed,
/// and as much again when the key is found (its text compared).
#[inline(always)]
fn lookup_cycles(len: usize, found: bool) -> i64 {
    (len / 16 * (1 + usize::from(found))) as i64
}

/// Where `key` is in `map` (its entry's position), with the key's hash and the cycles the
/// lookup costs ([`lookup_cycles`]). However the key is found (by a recent lookup, by the
/// same object, by comparing texts), the cycles are those of hashing and comparing.
#[inline(always)]
fn lookup(heap: &Heap, map: Value, key: Value) -> Result<(Option<usize>, u64, i64), TrapKind> {
    let (_, found, hash, len) = locate(heap, map, key)?;
    Ok((found, hash, lookup_cycles(len, found.is_some())))
}

/// `MapGet` when the key is in the map: the value and the extra cycles. `None` when it is
/// not, or an operand is not what it should be; [`step`] then runs the instruction and
/// makes its trap. Nothing changes either way.
#[inline(always)]
fn get_present(heap: &Heap, map: Value, key: Value) -> Option<(Value, i64)> {
    let (data, found, _, len) = locate(heap, map, key).ok()?;
    let value = data.slots().get(found?)?.value;
    Some((value, lookup_cycles(len, true)))
}

/// The "key not found" trap, the key shown as `str` shows it with strings quoted.
fn not_found(heap: &Heap, program: &Program, key: Value) -> TrapKind {
    let mut shown = format_value(
        heap,
        &program.structs,
        &program.enums,
        key,
        FormatStyle::Quoted,
    );
    if let Some((cut, _)) = shown.char_indices().nth(SHOWN_KEY) {
        shown.truncate(cut);
        shown.push('…');
    }
    TrapKind::Host(format!("key not found: {shown}"))
}

/// The trap for adding or removing keys while a loop runs over the map.
fn changed() -> TrapKind {
    TrapKind::Host("map changed during iteration".into())
}

/// Whether a loop of the current run is iterating over `map`.
fn locked(heap: &Heap, map: Value) -> Result<bool, TrapKind> {
    Ok(heap.map(map)?.is_locked(heap.map_epoch()))
}

/// Stores `value` under `key`: in place when the key is present, else appended (reserving
/// room first). Returns the extra cycles.
#[inline(always)]
fn insert(heap: &mut Heap, map: Value, key: Value, value: Value) -> Result<i64, TrapKind> {
    let (found, hash, extra) = lookup(heap, map, key)?;
    match found {
        // Replacing a value never changes the storage, so it needs no accounting.
        Some(position) => heap.map_mut(map)?.set_value(position, value),
        None => {
            if locked(heap, map)? {
                return Err(changed());
            }
            heap.with_map(map, 1, |m| {
                m.push(hash, key, value);
                Ok(())
            })?
        }
    }
    Ok(extra)
}

/// Runs one map instruction at stack pointer `sp` in the frame at `base`. A get of a key
/// that is present takes a short path and a set goes straight to the insertion; anything
/// else (a missing key, an operand of the wrong kind, the other instructions) runs the
/// general handler, which also makes the traps.
#[inline(never)]
pub(super) fn step(
    instr: Instr,
    heap: &mut Heap,
    stack: &mut Slots<'_>,
    sp: usize,
    base: usize,
    program: &Program,
) -> Result<Done, TrapKind> {
    match instr {
        // The map operand is read as a handle (a tag test) rather than decoded as a value.
        Instr::MapGet() => {
            if let Some(map) = stack.obj(sp - 2) {
                let key = stack.get(sp - 1);
                if let Some((value, extra)) = get_present(heap, Value::Obj(map), key) {
                    stack.set(sp - 2, value);
                    return Ok(Done { sp: sp - 1, extra });
                }
            }
        }
        Instr::MapSet() => {
            // Anything but a handle is not a map, and fails as one.
            let map = stack.obj(sp - 3).map_or(Value::Unit, Value::Obj);
            let (key, value) = (stack.get(sp - 2), stack.get(sp - 1));
            let extra = insert(heap, map, key, value)?;
            return Ok(Done { sp: sp - 3, extra });
        }
        _ => {}
    }
    general(instr, heap, stack, sp, base, program)
}

/// Runs one map instruction without the short paths of [`step`].
#[inline(never)]
fn general(
    instr: Instr,
    heap: &mut Heap,
    stack: &mut Slots<'_>,
    sp: usize,
    base: usize,
    program: &Program,
) -> Result<Done, TrapKind> {
    let at = |i: usize| stack.get(i);
    match instr {
        Instr::NewMap(count) => {
            let count = count as usize;
            let first = sp - 2 * count;
            let map = Value::Obj(heap.alloc(Object::Map(Box::default()))?);
            heap.with_map(map, count, |_| Ok(()))?;
            let mut extra = 4 * count as i64;
            for pair in 0..count {
                let (key, value) = (at(first + 2 * pair), at(first + 2 * pair + 1));
                extra += insert(heap, map, key, value)?;
            }
            stack.set(first, map);
            Ok(Done {
                sp: first + 1,
                extra,
            })
        }
        Instr::MapGet() => {
            let (map, key) = (at(sp - 2), at(sp - 1));
            let (found, _, extra) = lookup(heap, map, key)?;
            let Some(position) = found else {
                return Err(not_found(heap, program, key));
            };
            let value = heap.map(map)?.slots()[position].value;
            stack.set(sp - 2, value);
            Ok(Done { sp: sp - 1, extra })
        }
        Instr::MapLen() => {
            let len = heap.map(at(sp - 1))?.len();
            stack.set(sp - 1, Value::Int(len as i64));
            Ok(Done { sp, extra: 0 })
        }
        Instr::MapHas() | Instr::MapGetOpt() => {
            let (map, key) = (at(sp - 2), at(sp - 1));
            let (found, _, extra) = lookup(heap, map, key)?;
            let result = match (instr, found) {
                (Instr::MapHas(), found) => Value::Bool(found.is_some()),
                (_, Some(position)) => heap.map(map)?.slots()[position].value,
                (_, None) => Value::None,
            };
            stack.set(sp - 2, result);
            Ok(Done { sp: sp - 1, extra })
        }
        Instr::MapRemove() => {
            let (map, key) = (at(sp - 2), at(sp - 1));
            let (found, _, mut extra) = lookup(heap, map, key)?;
            let result = match found {
                None => Value::None,
                Some(position) => {
                    if locked(heap, map)? {
                        return Err(changed());
                    }
                    let removed = heap.with_map(map, 0, |m| Ok(m.remove_at(position)))?;
                    let (value, moved) = removed.unwrap_or((Value::None, 0));
                    extra += (moved / 8) as i64;
                    value
                }
            };
            stack.set(sp - 2, result);
            Ok(Done { sp: sp - 1, extra })
        }
        Instr::MapKeys() | Instr::MapValues() => {
            let map = at(sp - 1);
            let len = heap.map(map)?.len();
            heap.check_array_len(len)?;
            heap.ensure_room(crate::array_bytes(len))?;
            let mut items = Vec::new();
            items
                .try_reserve_exact(len)
                .map_err(|_| TrapKind::HeapExhausted(heap.limit()))?;
            let keys = matches!(instr, Instr::MapKeys());
            items.extend(
                heap.map(map)?
                    .iter()
                    .map(|e| if keys { e.key } else { e.value }),
            );
            let array = heap.alloc_array(items)?;
            stack.set(sp - 1, Value::Obj(array));
            Ok(Done {
                sp,
                extra: (len / 4) as i64,
            })
        }
        Instr::MapClear() => {
            let map = at(sp - 1);
            let len = heap.map(map)?.len();
            if len > 0 && locked(heap, map)? {
                return Err(changed());
            }
            heap.with_map(map, 0, |m| {
                m.clear();
                Ok(())
            })?;
            stack.set(sp - 1, Value::Unit);
            Ok(Done {
                sp,
                extra: (len / 16) as i64,
            })
        }
        Instr::MapKeyAt() | Instr::MapValueAt() => {
            let (map, position) = (at(sp - 2), at(sp - 1));
            let Value::Int(position) = position else {
                return Err(TrapKind::InvalidProgram("an operand of the wrong kind"));
            };
            let entries = heap.map(map)?.slots();
            let entry = usize::try_from(position)
                .ok()
                .and_then(|p| entries.get(p))
                .ok_or(TrapKind::IndexOutOfBounds {
                    index: position,
                    len: entries.len(),
                })?;
            let value = if matches!(instr, Instr::MapKeyAt()) {
                entry.key
            } else {
                entry.value
            };
            stack.set(sp - 2, value);
            Ok(Done {
                sp: sp - 1,
                extra: 0,
            })
        }
        Instr::MapIterBegin(slot) | Instr::MapIterEnd(slot) => {
            let map = at(base + slot as usize);
            let epoch = heap.map_epoch();
            let begin = matches!(instr, Instr::MapIterBegin(_));
            // A loop starts on a compacted map, so its positions are ordinals; nothing can
            // leave a tombstone while it runs.
            let moved = heap.with_map(map, 0, |m| {
                Ok(if begin {
                    let moved = m.compact();
                    m.lock(epoch);
                    moved
                } else {
                    m.unlock(epoch);
                    0
                })
            })?;
            Ok(Done {
                sp,
                extra: (moved / 8) as i64,
            })
        }
        _ => Err(TrapKind::InvalidProgram("not a map instruction")),
    }
}
