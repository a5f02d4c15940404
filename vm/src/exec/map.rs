//! The map instructions (`NewMap` … `MapIterEnd`).
//!
//! Each handler reads its operands from the stack, does its work on the heap and reports the
//! new stack pointer and the extra cycles of work that grows with its input. A handler that
//! fails changes nothing (room is reserved before anything is written), so an allocating
//! handler can run again after a collection.

use crate::map::{hash_scalar, MapData};
use crate::stack::Slots;
use crate::value::{BOOL, ENUM, INT};
use crate::{format_value, FormatStyle, Heap, ObjRef, Object, Packed, TrapKind, Value};
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

/// Where `key` is in the map `map`: the map's contents, the key's entry position (or, when
/// the key is absent, its hash) and its length in bytes (a string's; 0 for other keys).
/// `None` when `map` is not a map or `key` is not a key (see [`lookup_trap`]). A string key
/// first tries the position its last lookup found, any other key the map's recent
/// lookups; either is taken only when that entry's key is the very same value. The key is
/// read as its two words, as on the stack, and compared that way.
#[inline(always)]
fn find_key(
    heap: &Heap,
    map: ObjRef,
    key: Packed,
) -> Option<(&MapData, Result<usize, u64>, usize)> {
    let Some(Object::Map(data)) = heap.get(map) else {
        return None;
    };
    let (tag, _) = key.words();
    if let Some(string) = key.obj() {
        let k = heap.str_key(Value::Obj(string))?;
        let (hinted, position) = k.hint.get();
        if hinted == map.0 && data.holds_at(position as usize, key) {
            return Some((data, Ok(position as usize), k.len));
        }
        let data: &MapData = data;
        return probe_str(heap, map, data, key).map(|(at, len)| (data, at, len));
    }
    if !matches!(tag, INT | BOOL | ENUM) {
        return None;
    }
    if let Some(position) = data.find_recent(key) {
        return Some((data, Ok(position), 0));
    }
    let hash = hash_scalar(key)?;
    Some((data, data.find_packed(hash, key, |_| false).ok_or(hash), 0))
}

/// [`find_key`] for a string key that its hint does not place: probes the index with the
/// string's kept hash, comparing texts, and remembers the position found in the hint.
#[inline(never)]
fn probe_str(
    heap: &Heap,
    map: ObjRef,
    data: &MapData,
    key: Packed,
) -> Option<(Result<usize, u64>, usize)> {
    let string = Value::Obj(key.obj()?);
    let k = heap.str_key(string)?;
    let found = data.find_packed(k.hash, key, |stored| same_text(heap, stored, string));
    if let Some(position) = found {
        k.hint.set((map.0, position as u32));
    }
    Some((found.ok_or(k.hash), k.len))
}

/// The trap for a lookup that [`find_key`] refused: a key that is not a string, an int, a
/// bool or an enum value, or else a map operand that is not a map.
#[cold]
#[inline(never)]
fn lookup_trap(heap: &Heap, key: Value) -> TrapKind {
    let is_key = match key {
        Value::Obj(_) => heap.str_key(key).is_some(),
        Value::Int(_) | Value::Bool(_) | Value::Enum(..) => true,
        _ => false,
    };
    if is_key {
        TrapKind::InvalidProgram("expected a map")
    } else {
        wrong_key()
    }
}

/// The cycles a lookup costs beyond the instruction: for a string key 1 per 16 bytes hashed,
/// and as much again when the key is found (its text compared).
#[inline(always)]
fn lookup_cycles(len: usize, found: bool) -> i64 {
    (len / 16 * (1 + usize::from(found))) as i64
}

/// Where `key` is in `map` (its entry's position), with the key's hash when it is absent and
/// the cycles the lookup costs ([`lookup_cycles`]). However the key is found (by a recent
/// lookup, by the same object, by comparing texts), the cycles are those of hashing and
/// comparing.
#[inline(always)]
fn lookup(heap: &Heap, map: Value, key: Value) -> Result<(Option<usize>, u64, i64), TrapKind> {
    let found = match map {
        Value::Obj(map) => find_key(heap, map, Packed::new(key)),
        _ => None,
    };
    match found {
        Some((_, Ok(position), len)) => Ok((Some(position), 0, lookup_cycles(len, true))),
        Some((_, Err(hash), len)) => Ok((None, hash, lookup_cycles(len, false))),
        None => Err(lookup_trap(heap, key)),
    }
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
fn insert(heap: &mut Heap, map: Value, key: Value, value: Value) -> Result<i64, TrapKind> {
    let (found, hash, extra) = lookup(heap, map, key)?;
    match found {
        // Replacing a value never changes the storage, so it needs no accounting.
        Some(position) => heap.map_mut(map)?.set_value(position, Packed::new(value)),
        None => push_new(heap, map, Packed::new(key), Packed::new(value), hash)?,
    }
    Ok(extra)
}

/// Appends an entry for `key`, which is not in `map` and hashes to `hash`, reserving room
/// first; traps when a loop is iterating over the map.
#[inline(never)]
fn push_new(
    heap: &mut Heap,
    map: Value,
    key: Packed,
    value: Packed,
    hash: u64,
) -> Result<(), TrapKind> {
    if locked(heap, map)? {
        return Err(changed());
    }
    heap.with_map(map, 1, |m| {
        m.push_packed(hash, key, value);
        Ok(())
    })
}

/// Runs one map instruction at stack pointer `sp` in the frame at `base`. `MapGet` of a key
/// that is present and `MapSet` take short paths that read the map operand as a handle and
/// the key and the value as their two words; anything else (a missing key for `MapGet`,
/// an operand of the wrong kind, the other instructions) runs the general handler, which
/// also makes the traps.
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
        Instr::MapGet() => {
            if let Some(map) = stack.obj(sp - 2) {
                if let Some((data, Ok(position), len)) = find_key(heap, map, stack.packed(sp - 1)) {
                    if let Some(entry) = data.slots().get(position) {
                        stack.set_packed(sp - 2, entry.packed_value());
                        let extra = lookup_cycles(len, true);
                        return Ok(Done { sp: sp - 1, extra });
                    }
                }
            }
        }
        Instr::MapSet() => {
            if let Some(map) = stack.obj(sp - 3) {
                let key = stack.packed(sp - 2);
                match find_key(heap, map, key).map(|(_, at, len)| (at, len)) {
                    Some((Ok(position), len)) => {
                        // Replacing a value never changes the storage, so it needs no
                        // accounting.
                        if let Some(Object::Map(data)) = heap.get_mut(map) {
                            data.set_value(position, stack.packed(sp - 1));
                        }
                        let extra = lookup_cycles(len, true);
                        return Ok(Done { sp: sp - 3, extra });
                    }
                    Some((Err(hash), len)) => {
                        push_new(heap, Value::Obj(map), key, stack.packed(sp - 1), hash)?;
                        let extra = lookup_cycles(len, false);
                        return Ok(Done { sp: sp - 3, extra });
                    }
                    None => {}
                }
            }
            // Anything but a handle is not a map; this fails, with the right trap.
            let map = stack.obj(sp - 3).map_or(Value::Unit, Value::Obj);
            let extra = insert(heap, map, stack.get(sp - 2), stack.get(sp - 1))?;
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
            let value = heap.map(map)?.slots()[position].value();
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
                (_, Some(position)) => heap.map(map)?.slots()[position].value(),
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
                    .map(|e| if keys { e.key() } else { e.value() }),
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
                entry.key()
            } else {
                entry.value()
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
