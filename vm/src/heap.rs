//! The heap: objects addressed by [`ObjRef`] handles, and a deterministic mark-sweep
//! collector that reclaims everything unreachable from the roots, cycles included.
//!
//! Collection only happens at safepoints chosen by the VM (between instructions), where
//! every live value is on the value stack, in a global or in the constant table.

use crate::map::{hash_key, KeyRef, MapData};
use crate::spares::Spares;
use crate::{ObjRef, Packed, TrapKind, Value};
use std::cell::Cell;

/// A heap object.
#[derive(Clone, Debug, PartialEq)]
pub enum Object {
    /// An immutable string: the first `len` bytes of a text buffer.
    Str {
        /// The buffer holding the text.
        buffer: ObjRef,
        /// The string's length in bytes.
        len: u32,
        /// The string's hash as a map key ([`hash_key`]), computed the first time the
        /// string is used as a key and kept, since the text never changes; 0 until then
        /// (a string's hash is never 0).
        hash: Cell<u64>,
        /// Where the last lookup with this string as the key found it: the map's handle
        /// and the entry's position. Only a hint: a lookup trusts it when that entry's key
        /// is this very string (see `map.rs`).
        hint: Cell<(u32, u32)>,
    },
    /// A text buffer that strings view. Only the string as long as the whole buffer may
    /// extend it in place (`s + x` appends), so every string stays immutable and repeated
    /// appends are amortized linear. Buffers of constants are frozen.
    Buffer {
        /// The text.
        text: String,
        /// Whether appending in place is forbidden.
        frozen: bool,
    },
    /// A growable array. Its elements are stored as packed values, the layout of a stack
    /// slot, so the element instructions copy two words each way.
    Array(Vec<Packed>),
    /// A struct instance: its type (an index into the program's structs) and its fields.
    Struct {
        /// The struct type.
        ty: u32,
        /// The field values, in declaration order, packed like array elements.
        fields: Box<[Packed]>,
    },
    /// A tile map: layers of tile indices (`-1` for an empty cell).
    TileMap(TileMapData),
    /// A map `{K: V}`: entries in insertion order with a hash index (see `map.rs`).
    Map(Box<MapData>),
    /// A function value (a plain function or a lambda with its captured boxes).
    Closure(crate::closure::Closure),
    /// A box holding a captured local, shared by the function that declares it and the
    /// lambdas that capture it.
    Cell(Value),
}

/// The hint of a string never used as a map key.
const NO_HINT: (u32, u32) = (u32::MAX, 0);

/// A string as a map key ([`Heap::str_key`]).
pub(crate) struct StrKey<'h> {
    /// The string's hash.
    pub(crate) hash: u64,
    /// Its length in bytes.
    pub(crate) len: usize,
    /// Where the last lookup with it found it (a map's handle and an entry position).
    pub(crate) hint: &'h Cell<(u32, u32)>,
}

/// The cells of a `TileMap` object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TileMapData {
    /// The width in cells.
    pub width: u32,
    /// The height in cells.
    pub height: u32,
    /// How many layers.
    pub layers: u32,
    /// `layers × height × width` cells, layer by layer, each row-major.
    pub cells: Vec<i32>,
}

impl TileMapData {
    /// The cell at `(layer, x, y)`, or `-1` outside the map.
    pub fn get(&self, layer: i64, x: i64, y: i64) -> i32 {
        self.index(layer, x, y).map_or(-1, |i| self.cells[i])
    }

    /// The position of cell `(layer, x, y)` in [`TileMapData::cells`], if it is inside the map.
    pub fn index(&self, layer: i64, x: i64, y: i64) -> Option<usize> {
        let inside = |v: i64, len: u32| (0..i64::from(len)).contains(&v);
        (inside(layer, self.layers) && inside(x, self.width) && inside(y, self.height)).then(|| {
            ((layer as usize * self.height as usize) + y as usize) * self.width as usize
                + x as usize
        })
    }
}

/// The bytes one array element or struct field is accounted as.
const SLOT_BYTES: u64 = 16;

/// The bytes every object is accounted as beyond its contents: its entry in the object
/// table (the size of a table slot on a 64-bit host, fixed so the accounting is the same on
/// every platform).
pub const OBJECT_BYTES: u64 = 40;

/// The bytes a separately allocated block (a string's text, an array's elements, a struct's
/// fields) is accounted as beyond its contents, for the allocator's bookkeeping.
pub const BLOCK_BYTES: u64 = 16;

/// The least room a string buffer grows to when an append finds it full: short lines built
/// piece by piece then grow once instead of at every other piece.
const MIN_GROWN_BUFFER: usize = 32;

/// The bytes a block of `bytes` bytes is accounted as (nothing when it is empty, since an
/// empty block is not allocated).
fn block(bytes: u64) -> u64 {
    if bytes == 0 {
        0
    } else {
        bytes.saturating_add(BLOCK_BYTES)
    }
}

/// The bytes a new string of `len` bytes is accounted as: the string, its buffer and the text.
pub fn string_bytes(len: usize) -> u64 {
    2 * OBJECT_BYTES + block(len as u64)
}

/// The bytes a new array with room for exactly `len` elements is accounted as.
pub fn array_bytes(len: usize) -> u64 {
    OBJECT_BYTES + block((len as u64).saturating_mul(SLOT_BYTES))
}

impl Object {
    /// The bytes the object is accounted as, for the heap limit and collection pacing: its
    /// table entry plus the memory it owns (allocated capacity, not just length).
    fn size(&self) -> u64 {
        OBJECT_BYTES
            + match self {
                Object::Str { .. } => 0,
                Object::Buffer { text, .. } => block(text.capacity() as u64),
                Object::Array(items) => block(items.capacity() as u64 * SLOT_BYTES),
                Object::Struct { fields, .. } => block(fields.len() as u64 * SLOT_BYTES),
                Object::TileMap(map) => block(std::mem::size_of_val(map.cells.as_slice()) as u64),
                Object::Map(map) => block(map.storage_bytes()),
                Object::Closure(c) => block(c.captures.len() as u64 * SLOT_BYTES),
                Object::Cell(_) => 0,
            }
    }
}

/// Counters that describe the heap's work, for `--stats` and for tests.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct HeapStats {
    /// Objects allocated since the VM started.
    pub allocations: u64,
    /// Bytes allocated since the VM started.
    pub bytes_allocated: u64,
    /// Strings created from the program's constant pool (once each, at load).
    pub constant_strings: u64,
    /// Collections run.
    pub collections: u64,
    /// Objects freed by collections.
    pub freed: u64,
    /// Bytes live right now.
    pub live_bytes: u64,
    /// The most bytes ever live at once.
    pub peak_live_bytes: u64,
}

/// One slot of the object table.
#[derive(Debug)]
struct Slot {
    object: Option<Object>,
    marked: bool,
}

/// The VM heap.
#[derive(Debug)]
pub struct Heap {
    slots: Vec<Slot>,
    free: Vec<u32>,
    stats: HeapStats,
    /// Bytes allocated since the last collection.
    since_collection: u64,
    /// Collect when the accounted live bytes (garbage included) reach this.
    next_collection: u64,
    /// The most bytes that may be live.
    limit: usize,
    /// The longest a string may be.
    max_string: usize,
    /// The most elements an array may hold.
    max_array: usize,
    /// The run counter map iteration locks are kept against (see `map.rs`).
    map_epoch: u32,
    /// Field and element storage of freed small objects, kept for reuse.
    spares: Spares,
}

/// The least allocation volume between two collections.
const MIN_GROWTH: u64 = 1 << 20;

/// After a collection leaves `live` bytes, the next one runs when the heap has grown to
/// `live × GROWTH` (at least `MIN_GROWTH` more), clamped to the heap limit.
const GROWTH: u64 = 2;

impl Heap {
    /// An empty heap with a size limit in bytes, a string length limit in bytes and an array
    /// length limit; each is clamped to the most the VM can represent (see [`crate::Limits`]).
    pub fn new(limit: usize, max_string: usize, max_array: usize) -> Heap {
        let limit = limit.min(crate::Limits::MAX_HEAP);
        Heap {
            slots: Vec::new(),
            free: Vec::new(),
            stats: HeapStats::default(),
            since_collection: 0,
            next_collection: MIN_GROWTH.min(limit as u64),
            limit,
            max_string: max_string.min(crate::Limits::MAX_STRING),
            max_array: max_array.min(crate::Limits::MAX_ARRAY),
            map_epoch: 0,
            spares: Spares::default(),
        }
    }

    /// The heap's counters.
    pub fn stats(&self) -> HeapStats {
        self.stats
    }

    /// The heap limit in bytes.
    pub fn limit(&self) -> usize {
        self.limit
    }

    /// Traps with "out of memory" unless `bytes` more would stay within the heap limit; called
    /// before allocating, so memory beyond the limit is never requested.
    pub fn ensure_room(&self, bytes: u64) -> Result<(), TrapKind> {
        if self.stats.live_bytes.saturating_add(bytes) > self.limit as u64 {
            return Err(TrapKind::HeapExhausted(self.limit));
        }
        Ok(())
    }

    /// Counts `bytes` more as allocated and live.
    fn account(&mut self, bytes: u64) {
        self.stats.bytes_allocated += bytes;
        self.stats.live_bytes += bytes;
        self.stats.peak_live_bytes = self.stats.peak_live_bytes.max(self.stats.live_bytes);
        self.since_collection += bytes;
    }

    /// Allocates an object and returns its handle; traps when the heap limit would be exceeded.
    pub fn alloc(&mut self, object: Object) -> Result<ObjRef, TrapKind> {
        let size = object.size();
        self.ensure_room(size)?;
        let slot = Slot {
            object: Some(object),
            marked: false,
        };
        let index = match self.free.pop() {
            Some(index) => {
                self.slots[index as usize] = slot;
                index
            }
            None => {
                let index = u32::try_from(self.slots.len())
                    .map_err(|_| TrapKind::HeapExhausted(self.limit))?;
                self.slots
                    .try_reserve(1)
                    .map_err(|_| TrapKind::HeapExhausted(self.limit))?;
                self.slots.push(slot);
                index
            }
        };
        self.stats.allocations += 1;
        self.account(size);
        Ok(ObjRef(index))
    }

    /// Traps with "string too long" when a string of `len` bytes would exceed the limit, and
    /// with "out of memory" when it would not fit in the heap.
    pub fn check_string(&self, len: usize) -> Result<(), TrapKind> {
        if len > self.max_string {
            return Err(TrapKind::StringTooLong {
                len,
                limit: self.max_string,
            });
        }
        self.ensure_room(string_bytes(len))
    }

    /// An empty text buffer with room for `len` bytes, after checking that a string of that
    /// length is allowed and fits; the allocation itself failing is "out of memory" too.
    pub fn text_buffer(&self, len: usize) -> Result<String, TrapKind> {
        self.check_string(len)?;
        let mut text = String::new();
        text.try_reserve_exact(len)
            .map_err(|_| TrapKind::HeapExhausted(self.limit))?;
        Ok(text)
    }

    /// Allocates a string (its buffer and the string viewing it), enforcing the length limit.
    pub fn alloc_string(&mut self, text: impl Into<String>) -> Result<ObjRef, TrapKind> {
        self.new_string(text.into(), false)
    }

    fn new_string(&mut self, mut text: String, frozen: bool) -> Result<ObjRef, TrapKind> {
        self.check_string(text.len())?;
        // Keep only the bytes the text needs; a builder's spare room would count as live.
        text.shrink_to_fit();
        let len = text.len() as u32;
        self.ensure_room(string_bytes(text.capacity()))?;
        let buffer = self.alloc(Object::Buffer { text, frozen })?;
        self.alloc(Object::Str {
            buffer,
            len,
            hash: Cell::new(0),
            hint: Cell::new(NO_HINT),
        })
    }

    /// Allocates a string from the constant pool and counts it as a materialization; its
    /// buffer is frozen, so appends never grow (and keep alive) a constant's buffer.
    pub(crate) fn alloc_constant_string(&mut self, text: &str) -> Result<ObjRef, TrapKind> {
        self.stats.constant_strings += 1;
        self.new_string(text.to_string(), true)
    }

    /// `a + b` for two strings: appends in place when `a` is the whole of an unfrozen
    /// buffer, else copies both into a new buffer. Returns the new string and the bytes
    /// written (for cycle accounting).
    pub fn concat(&mut self, a: Value, b: Value) -> Result<(ObjRef, usize), TrapKind> {
        let not_string = || TrapKind::InvalidProgram("expected a string");
        let Value::Obj(a_ref) = a else {
            return Err(not_string());
        };
        let Some(&Object::Str { buffer, len, .. }) = self.get(a_ref) else {
            return Err(not_string());
        };
        let tail_len = self.str(b).ok_or_else(not_string)?.len();
        let total = len as usize + tail_len;
        if total > self.max_string {
            return Err(TrapKind::StringTooLong {
                len: total,
                limit: self.max_string,
            });
        }
        let capacity = match self.get(buffer) {
            Some(Object::Buffer {
                text,
                frozen: false,
            }) if text.len() == len as usize => Some(text.capacity()),
            _ => None,
        };
        if let Some(capacity) = capacity {
            // Grow the buffer in place, doubling its room when it is full, so repeated
            // appends are amortized linear; the growth is checked against the limit first.
            let new_capacity = if total > capacity {
                total
                    .max(capacity.saturating_mul(2))
                    .max(MIN_GROWN_BUFFER)
                    .min(self.max_string)
            } else {
                capacity
            };
            let grown = block(new_capacity as u64) - block(capacity as u64);
            self.ensure_room(grown + OBJECT_BYTES)?;
            self.append_in_place(buffer, b, new_capacity)?;
            self.account(grown);
            let r = self.alloc(Object::Str {
                buffer,
                len: total as u32,
                hash: Cell::new(0),
                hint: Cell::new(NO_HINT),
            })?;
            return Ok((r, tail_len));
        }
        let mut text = self.text_buffer(total)?;
        text.push_str(self.str(a).ok_or_else(not_string)?);
        text.push_str(self.str(b).ok_or_else(not_string)?);
        Ok((self.new_string(text, false)?, total))
    }

    /// Appends the text of string `b` to the unfrozen buffer `buffer`, first growing the
    /// buffer's room to `capacity` bytes. The tail is copied straight from its own buffer;
    /// only when it lives in the same buffer (`s + s`) is it copied out first.
    fn append_in_place(
        &mut self,
        buffer: ObjRef,
        b: Value,
        capacity: usize,
    ) -> Result<(), TrapKind> {
        let not_string = || TrapKind::InvalidProgram("expected a string");
        let out_of_memory = TrapKind::HeapExhausted(self.limit);
        let Value::Obj(b_ref) = b else {
            return Err(not_string());
        };
        let Some(&Object::Str {
            buffer: tail_buffer,
            len: tail_len,
            ..
        }) = self.get(b_ref)
        else {
            return Err(not_string());
        };
        let (target, source) = (buffer.0 as usize, tail_buffer.0 as usize);
        let tail_len = tail_len as usize;
        if target == source {
            let Some(Object::Buffer { text, .. }) =
                self.slots.get_mut(target).and_then(|s| s.object.as_mut())
            else {
                return Err(not_string());
            };
            let tail = text.get(..tail_len).ok_or_else(not_string)?.to_string();
            text.try_reserve_exact(capacity - text.len())
                .map_err(|_| out_of_memory)?;
            text.push_str(&tail);
            return Ok(());
        }
        // Two different slots: borrow the target mutably and the source shared at once.
        let (low, high) = self.slots.split_at_mut(target.max(source));
        let (target_slot, source_slot) = if target < source {
            (low.get_mut(target), high.first())
        } else {
            (high.first_mut(), low.get(source))
        };
        let (
            Some(Slot {
                object: Some(Object::Buffer { text, .. }),
                ..
            }),
            Some(Slot {
                object: Some(Object::Buffer { text: tail, .. }),
                ..
            }),
        ) = (target_slot, source_slot)
        else {
            return Err(not_string());
        };
        let tail = tail.get(..tail_len).ok_or_else(not_string)?;
        text.try_reserve_exact(capacity - text.len())
            .map_err(|_| out_of_memory)?;
        text.push_str(tail);
        Ok(())
    }

    /// The longest a string may be.
    pub fn max_string(&self) -> usize {
        self.max_string
    }

    /// Allocates an array of values or packed values, enforcing the array length limit.
    /// A value and a packed value have the same size and alignment, so the standard
    /// library packs the elements in the vector's own memory.
    pub fn alloc_array<T: Into<Packed>>(&mut self, items: Vec<T>) -> Result<ObjRef, TrapKind> {
        self.check_array_len(items.len())?;
        let mut items: Vec<Packed> = items.into_iter().map(Into::into).collect();
        items.shrink_to_fit();
        self.alloc(Object::Array(items))
    }

    /// Allocates a struct of type `ty` holding `fields`, in storage a freed struct of the
    /// same size left behind when there is one.
    pub(crate) fn alloc_struct(
        &mut self,
        ty: u32,
        fields: impl ExactSizeIterator<Item = Packed>,
    ) -> Result<ObjRef, TrapKind> {
        let fields = self.spares.fields(fields);
        self.alloc(Object::Struct { ty, fields })
    }

    /// Allocates an array literal holding `items`, enforcing the array length limit, in
    /// storage a freed array of the same room left behind when there is one.
    pub(crate) fn alloc_literal(
        &mut self,
        items: impl ExactSizeIterator<Item = Packed>,
    ) -> Result<ObjRef, TrapKind> {
        self.check_array_len(items.len())?;
        let items = self.spares.elements(items);
        self.alloc(Object::Array(items))
    }

    /// Allocates `[value; len]`, checking the length limit and the heap limit before any
    /// memory is requested.
    pub fn alloc_repeat(&mut self, value: Value, len: usize) -> Result<ObjRef, TrapKind> {
        self.check_array_len(len)?;
        self.ensure_room(array_bytes(len))?;
        let mut items = Vec::new();
        items
            .try_reserve_exact(len)
            .map_err(|_| TrapKind::HeapExhausted(self.limit))?;
        items.resize(len, Packed::new(value));
        self.alloc(Object::Array(items))
    }

    /// Traps when an array would exceed the length limit.
    pub fn check_array_len(&self, len: usize) -> Result<(), TrapKind> {
        if len > self.max_array {
            return Err(TrapKind::ArrayTooLong {
                len,
                limit: self.max_array,
            });
        }
        Ok(())
    }

    /// The elements of an array value, mutably, with a closure that may add up to
    /// `additional` elements. Before the closure runs, the length limit is checked and the
    /// room for them is reserved (doubling the capacity when it is full) within the heap
    /// limit, so a trap leaves the array unchanged; the accounting follows the capacity.
    pub fn with_array<T>(
        &mut self,
        value: Value,
        additional: usize,
        f: impl FnOnce(&mut Vec<Packed>) -> Result<T, TrapKind>,
    ) -> Result<T, TrapKind> {
        let Value::Obj(r) = value else {
            return Err(TrapKind::InvalidProgram("expected an array"));
        };
        let (limit, max_array, live) = (self.limit, self.max_array, self.stats.live_bytes);
        let Some(Object::Array(items)) = self
            .slots
            .get_mut(r.0 as usize)
            .and_then(|s| s.object.as_mut())
        else {
            return Err(TrapKind::InvalidProgram("expected an array"));
        };
        let before = items.capacity() as u64;
        let wanted = items.len().saturating_add(additional);
        if wanted > max_array {
            return Err(TrapKind::ArrayTooLong {
                len: wanted,
                limit: max_array,
            });
        }
        if wanted > items.capacity() {
            let new_capacity = wanted
                .max(items.capacity().saturating_mul(2))
                .max(4)
                .min(max_array);
            let grown = block(new_capacity as u64 * SLOT_BYTES) - block(before * SLOT_BYTES);
            if live.saturating_add(grown) > limit as u64 {
                return Err(TrapKind::HeapExhausted(limit));
            }
            items
                .try_reserve_exact(new_capacity - items.len())
                .map_err(|_| TrapKind::HeapExhausted(limit))?;
        }
        let result = f(items);
        let after = items.capacity() as u64;
        let (was, now) = (block(before * SLOT_BYTES), block(after * SLOT_BYTES));
        if now > was {
            self.account(now - was);
        } else {
            self.stats.live_bytes -= was - now;
        }
        result
    }

    /// The length of an array value (the `ArrayLen` instructions).
    #[inline]
    pub fn array_len(&self, value: Value) -> Result<usize, TrapKind> {
        if let Value::Obj(r) = value {
            if let Some(Slot {
                object: Some(Object::Array(items)),
                ..
            }) = self.slots.get(r.0 as usize)
            {
                return Ok(items.len());
            }
        }
        Err(TrapKind::InvalidProgram("expected an array"))
    }

    /// Appends an element to an array value (the `ArrayPush` instruction). When the array has
    /// room it touches only the array; otherwise it grows it as [`Heap::with_array`] does,
    /// within the length and heap limits.
    #[inline]
    pub fn push(&mut self, array: Value, item: Packed) -> Result<(), TrapKind> {
        if let Value::Obj(r) = array {
            let max_array = self.max_array;
            if let Some(Slot {
                object: Some(Object::Array(items)),
                ..
            }) = self.slots.get_mut(r.0 as usize)
            {
                if items.len() < items.capacity() && items.len() < max_array {
                    items.push(item);
                    return Ok(());
                }
            }
        }
        self.with_array(array, 1, |items| {
            items.push(item);
            Ok(())
        })
    }

    /// Removes and returns the last element of an array value (the `ArrayPop` instruction);
    /// traps when the array is empty. The capacity, and so the accounting, does not change.
    #[inline]
    pub fn pop(&mut self, array: Value) -> Result<Packed, TrapKind> {
        if let Value::Obj(r) = array {
            if let Some(Slot {
                object: Some(Object::Array(items)),
                ..
            }) = self.slots.get_mut(r.0 as usize)
            {
                return items
                    .pop()
                    .ok_or_else(|| TrapKind::Host("pop from an empty array".into()));
            }
        }
        Err(TrapKind::InvalidProgram("expected an array"))
    }

    /// Allocates a tile map; traps when the heap limit would be exceeded.
    pub fn alloc_tilemap(&mut self, map: TileMapData) -> Result<Value, TrapKind> {
        self.alloc(Object::TileMap(map)).map(Value::Obj)
    }

    /// The cells of a tile map value.
    pub fn tilemap(&self, value: Value) -> Result<&TileMapData, TrapKind> {
        match value {
            Value::Obj(r) => match self.get(r) {
                Some(Object::TileMap(map)) => Ok(map),
                _ => Err(TrapKind::InvalidProgram("expected a tile map")),
            },
            _ => Err(TrapKind::InvalidProgram("expected a tile map")),
        }
    }

    /// The cells of a tile map value, mutably (its size never changes).
    pub fn tilemap_mut(&mut self, value: Value) -> Result<&mut TileMapData, TrapKind> {
        let Value::Obj(r) = value else {
            return Err(TrapKind::InvalidProgram("expected a tile map"));
        };
        match self
            .slots
            .get_mut(r.0 as usize)
            .and_then(|s| s.object.as_mut())
        {
            Some(Object::TileMap(map)) => Ok(map),
            _ => Err(TrapKind::InvalidProgram("expected a tile map")),
        }
    }

    /// The elements of an array value.
    pub fn array(&self, value: Value) -> Result<&[Packed], TrapKind> {
        match value {
            Value::Obj(r) => match self.get(r) {
                Some(Object::Array(items)) => Ok(items),
                _ => Err(TrapKind::InvalidProgram("expected an array")),
            },
            _ => Err(TrapKind::InvalidProgram("expected an array")),
        }
    }

    /// The elements of an array value, mutably, without changing its length.
    pub fn array_mut(&mut self, value: Value) -> Result<&mut [Packed], TrapKind> {
        if let Value::Obj(r) = value {
            if let Some(Object::Array(items)) = self
                .slots
                .get_mut(r.0 as usize)
                .and_then(|s| s.object.as_mut())
            {
                return Ok(items);
            }
        }
        Err(TrapKind::InvalidProgram("expected an array"))
    }

    /// The fields of a struct value, mutably.
    pub fn fields_mut(&mut self, value: Value) -> Result<&mut [Packed], TrapKind> {
        if let Value::Obj(r) = value {
            if let Some(Object::Struct { fields, .. }) = self
                .slots
                .get_mut(r.0 as usize)
                .and_then(|s| s.object.as_mut())
            {
                return Ok(fields);
            }
        }
        Err(TrapKind::InvalidProgram("expected a struct"))
    }

    /// The fields of a struct value.
    pub fn fields(&self, value: Value) -> Result<&[Packed], TrapKind> {
        if let Value::Obj(r) = value {
            if let Some(Object::Struct { fields, .. }) = self.get(r) {
                return Ok(fields);
            }
        }
        Err(TrapKind::InvalidProgram("expected a struct"))
    }

    /// The contents of a map value.
    pub fn map(&self, value: Value) -> Result<&MapData, TrapKind> {
        if let Value::Obj(r) = value {
            if let Some(Object::Map(map)) = self.get(r) {
                return Ok(map);
            }
        }
        Err(TrapKind::InvalidProgram("expected a map"))
    }

    /// The contents of a map value, mutably, for changes that keep its storage as it is (the
    /// accounting follows the storage, so anything that may grow or shrink it goes through
    /// [`Heap::with_map`]).
    pub(crate) fn map_mut(&mut self, value: Value) -> Result<&mut MapData, TrapKind> {
        if let Value::Obj(r) = value {
            if let Some(Object::Map(map)) = self
                .slots
                .get_mut(r.0 as usize)
                .and_then(|s| s.object.as_mut())
            {
                return Ok(map);
            }
        }
        Err(TrapKind::InvalidProgram("expected a map"))
    }

    /// The contents of a map value, mutably, with a closure that may add up to `additional`
    /// entries. The length limit (the array limit, since `keys()` must fit in an array) is
    /// checked and the room is reserved within the heap limit before the closure runs, so a
    /// trap leaves the map unchanged; the accounting follows the storage's capacity.
    pub fn with_map<T>(
        &mut self,
        value: Value,
        additional: usize,
        f: impl FnOnce(&mut MapData) -> Result<T, TrapKind>,
    ) -> Result<T, TrapKind> {
        let (limit, max_array, live) = (self.limit, self.max_array, self.stats.live_bytes);
        let Some(Object::Map(map)) = (match value {
            Value::Obj(r) => self
                .slots
                .get_mut(r.0 as usize)
                .and_then(|s| s.object.as_mut()),
            _ => None,
        }) else {
            return Err(TrapKind::InvalidProgram("expected a map"));
        };
        let before = block(map.storage_bytes());
        if additional > 0 {
            let wanted = map.len().saturating_add(additional);
            if wanted > max_array {
                return Err(TrapKind::ArrayTooLong {
                    len: wanted,
                    limit: max_array,
                });
            }
            let grown = map.growth_bytes(additional).saturating_add(BLOCK_BYTES);
            if live.saturating_add(grown) > limit as u64 {
                return Err(TrapKind::HeapExhausted(limit));
            }
        }
        // A reservation that fails half way (the entries grew, the index could not) still
        // counts what it took.
        let result = if additional == 0 || map.try_reserve(additional) {
            f(map)
        } else {
            Err(TrapKind::HeapExhausted(limit))
        };
        let after = block(map.storage_bytes());
        if after > before {
            self.account(after - before);
        } else {
            self.stats.live_bytes -= before - after;
        }
        result
    }

    /// The run counter that map iteration locks are kept against.
    pub(crate) fn map_epoch(&self) -> u32 {
        self.map_epoch
    }

    /// Starts a new run for map iteration locks: loops left running by an abandoned run no
    /// longer lock their maps.
    pub(crate) fn next_map_epoch(&mut self) {
        self.map_epoch = self.map_epoch.wrapping_add(1);
    }

    /// The object behind a handle, mutably, if the handle is live.
    pub(crate) fn get_mut(&mut self, r: ObjRef) -> Option<&mut Object> {
        self.slots
            .get_mut(r.0 as usize)
            .and_then(|s| s.object.as_mut())
    }

    /// The object behind a handle, if the handle is live.
    pub fn get(&self, r: ObjRef) -> Option<&Object> {
        self.slots.get(r.0 as usize).and_then(|s| s.object.as_ref())
    }

    /// The text of a string value; `None` when the value is not a live string.
    pub fn str(&self, value: Value) -> Option<&str> {
        match value {
            Value::Obj(r) => match self.get(r)? {
                Object::Str { buffer, len, .. } => match self.get(*buffer)? {
                    Object::Buffer { text, .. } => text.get(..*len as usize),
                    _ => None,
                },
                _ => None,
            },
            _ => None,
        }
    }

    /// A string value as a map key: its hash, its length in bytes and its lookup hint;
    /// `None` when the value is not a live string. The hash is computed from the text once
    /// and kept with the string, so later lookups with the same string read neither its
    /// buffer nor its bytes.
    #[inline(always)]
    pub(crate) fn str_key(&self, value: Value) -> Option<StrKey<'_>> {
        let Value::Obj(r) = value else {
            return None;
        };
        let Object::Str {
            buffer,
            len,
            hash,
            hint,
        } = self.get(r)?
        else {
            return None;
        };
        let len = *len as usize;
        let mut known = hash.get();
        if known == 0 {
            known = self.first_hash(*buffer, len, hash)?;
        }
        Some(StrKey {
            hash: known,
            len,
            hint,
        })
    }

    /// Hashes the first `len` bytes of `buffer` for a string first used as a map key and
    /// keeps the hash in the string's `hash` cell; `None` when `buffer` is not a buffer.
    #[cold]
    #[inline(never)]
    fn first_hash(&self, buffer: ObjRef, len: usize, hash: &Cell<u64>) -> Option<u64> {
        let Object::Buffer { text, .. } = self.get(buffer)? else {
            return None;
        };
        let known = hash_key(KeyRef::Str(text.as_bytes().get(..len)?));
        hash.set(known);
        Some(known)
    }

    /// Whether the heap has grown enough since the last collection to collect at the next
    /// safepoint.
    pub fn wants_collection(&self) -> bool {
        self.since_collection > 0 && self.stats.live_bytes >= self.next_collection
    }

    /// Every live object, for passes over the whole heap (rebinding function values).
    pub(crate) fn objects_mut(&mut self) -> impl Iterator<Item = &mut Object> {
        self.slots.iter_mut().filter_map(|s| s.object.as_mut())
    }

    /// Marks everything reachable from `roots` and frees the rest.
    pub fn collect(&mut self, roots: impl IntoIterator<Item = Value>) {
        let mut work: Vec<ObjRef> = Vec::new();
        for value in roots {
            if let Value::Obj(r) = value {
                work.push(r);
            }
        }
        while let Some(r) = work.pop() {
            let Some(slot) = self.slots.get_mut(r.0 as usize) else {
                continue;
            };
            if slot.marked || slot.object.is_none() {
                continue;
            }
            slot.marked = true;
            match slot.object.as_ref() {
                Some(Object::Array(items)) => work.extend(items.iter().filter_map(|p| p.obj())),
                Some(Object::Struct { fields, .. }) => {
                    work.extend(fields.iter().filter_map(|p| p.obj()))
                }
                Some(Object::Str { buffer, .. }) => work.push(*buffer),
                Some(Object::Map(map)) => {
                    for e in map.slots() {
                        work.extend(children(&[e.key(), e.value()]));
                    }
                }
                Some(Object::Closure(c)) => work.extend(children(&c.captures)),
                Some(Object::Cell(Value::Obj(r))) => work.push(*r),
                Some(Object::Cell(_)) => {}
                Some(Object::Buffer { .. }) | Some(Object::TileMap(_)) | None => {}
            }
        }
        let mut live = 0u64;
        for (index, slot) in self.slots.iter_mut().enumerate() {
            if slot.marked {
                slot.marked = false;
                live += slot.object.as_ref().map_or(0, Object::size);
            } else if let Some(object) = slot.object.take() {
                self.spares.keep(object);
                self.free.push(index as u32);
                self.stats.freed += 1;
            }
        }
        self.stats.collections += 1;
        self.stats.live_bytes = live;
        self.since_collection = 0;
        self.next_collection = live
            .saturating_mul(GROWTH)
            .max(live + MIN_GROWTH)
            .min(self.limit as u64);
    }
}

/// The heap handles among some values.
fn children(values: &[Value]) -> impl Iterator<Item = ObjRef> + '_ {
    values.iter().filter_map(|v| match v {
        Value::Obj(r) => Some(*r),
        _ => None,
    })
}

#[cfg(test)]
#[path = "heap_tests.rs"]
mod tests;
