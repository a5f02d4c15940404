//! The heap: objects addressed by [`ObjRef`] handles, and a deterministic mark-sweep
//! collector that reclaims everything unreachable from the roots, cycles included.
//!
//! Collection only happens at safepoints chosen by the VM (between instructions), where
//! every live value is on the value stack, in a global or in the constant table.

use crate::{ObjRef, TrapKind, Value};

/// A heap object.
#[derive(Clone, Debug, PartialEq)]
pub enum Object {
    /// An immutable string: the first `len` bytes of a text buffer.
    Str {
        /// The buffer holding the text.
        buffer: ObjRef,
        /// The string's length in bytes.
        len: u32,
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
    /// A growable array.
    Array(Vec<Value>),
    /// A struct instance: its type (an index into the program's structs) and its fields.
    Struct {
        /// The struct type.
        ty: u32,
        /// The field values, in declaration order.
        fields: Box<[Value]>,
    },
    /// A tile map: layers of tile indices (`-1` for an empty cell).
    TileMap(TileMapData),
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
const SLOT_BYTES: usize = 16;

impl Object {
    /// An estimate of the bytes the object occupies, used for limits and collection pacing.
    fn size(&self) -> usize {
        match self {
            Object::Str { .. } => 32,
            Object::Buffer { text, .. } => 32 + text.len(),
            Object::Array(items) => 32 + SLOT_BYTES * items.len(),
            Object::Struct { fields, .. } => 32 + SLOT_BYTES * fields.len(),
            Object::TileMap(map) => 48 + 4 * map.cells.len(),
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
    /// Collect when `since_collection` passes this.
    threshold: u64,
    /// The most bytes that may be live.
    limit: usize,
    /// The longest a string may be.
    max_string: usize,
    /// The most elements an array may hold.
    max_array: usize,
}

/// The smallest allocation volume between two collections.
const MIN_THRESHOLD: u64 = 1 << 20;

impl Heap {
    /// An empty heap with a size limit and a string length limit in bytes.
    pub fn new(limit: usize, max_string: usize, max_array: usize) -> Heap {
        Heap {
            slots: Vec::new(),
            free: Vec::new(),
            stats: HeapStats::default(),
            since_collection: 0,
            threshold: MIN_THRESHOLD,
            limit,
            max_string,
            max_array,
        }
    }

    /// The heap's counters.
    pub fn stats(&self) -> HeapStats {
        self.stats
    }

    /// Allocates an object and returns its handle; traps when the heap limit would be exceeded.
    pub fn alloc(&mut self, object: Object) -> Result<ObjRef, TrapKind> {
        let size = object.size() as u64;
        if self.stats.live_bytes + size > self.limit as u64 {
            return Err(TrapKind::HeapExhausted(self.limit));
        }
        self.stats.allocations += 1;
        self.stats.bytes_allocated += size;
        self.stats.live_bytes += size;
        self.stats.peak_live_bytes = self.stats.peak_live_bytes.max(self.stats.live_bytes);
        self.since_collection += size;
        let slot = Slot {
            object: Some(object),
            marked: false,
        };
        match self.free.pop() {
            Some(index) => {
                self.slots[index as usize] = slot;
                Ok(ObjRef(index))
            }
            None => {
                self.slots.push(slot);
                Ok(ObjRef(self.slots.len() as u32 - 1))
            }
        }
    }

    /// Allocates a string (its buffer and the string viewing it), enforcing the length limit.
    pub fn alloc_string(&mut self, text: impl Into<String>) -> Result<ObjRef, TrapKind> {
        self.new_string(text.into(), false)
    }

    fn new_string(&mut self, text: String, frozen: bool) -> Result<ObjRef, TrapKind> {
        if text.len() > self.max_string {
            return Err(TrapKind::StringTooLong {
                len: text.len(),
                limit: self.max_string,
            });
        }
        let len = text.len() as u32;
        let buffer = self.alloc(Object::Buffer { text, frozen })?;
        self.alloc(Object::Str { buffer, len })
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
        let Some(&Object::Str { buffer, len }) = self.get(a_ref) else {
            return Err(not_string());
        };
        let tail = self.str(b).ok_or_else(not_string)?.to_string();
        let total = len as usize + tail.len();
        if total > self.max_string {
            return Err(TrapKind::StringTooLong {
                len: total,
                limit: self.max_string,
            });
        }
        let extendable = matches!(
            self.get(buffer),
            Some(Object::Buffer { text, frozen: false }) if text.len() == len as usize
        );
        if extendable {
            let grown = tail.len() as u64;
            if self.stats.live_bytes + grown + 32 > self.limit as u64 {
                return Err(TrapKind::HeapExhausted(self.limit));
            }
            if let Some(Some(Object::Buffer { text, .. })) = self
                .slots
                .get_mut(buffer.0 as usize)
                .map(|s| s.object.as_mut())
            {
                text.push_str(&tail);
            }
            self.stats.live_bytes += grown;
            self.stats.bytes_allocated += grown;
            self.since_collection += grown;
            let r = self.alloc(Object::Str {
                buffer,
                len: total as u32,
            })?;
            return Ok((r, tail.len()));
        }
        let mut text = String::with_capacity(total);
        text.push_str(self.str(a).ok_or_else(not_string)?);
        text.push_str(&tail);
        Ok((self.new_string(text, false)?, total))
    }

    /// The longest a string may be.
    pub fn max_string(&self) -> usize {
        self.max_string
    }

    /// Allocates an array, enforcing the array length limit.
    pub fn alloc_array(&mut self, items: Vec<Value>) -> Result<ObjRef, TrapKind> {
        self.check_array_len(items.len())?;
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

    /// The elements of an array value, mutably, with a closure that may change its length;
    /// the heap's accounting follows the change. `None` when the value is not a live array.
    pub fn with_array<T>(
        &mut self,
        value: Value,
        f: impl FnOnce(&mut Vec<Value>) -> Result<T, TrapKind>,
    ) -> Result<T, TrapKind> {
        let Value::Obj(r) = value else {
            return Err(TrapKind::InvalidProgram("expected an array"));
        };
        let limit = self.limit;
        let Some(Object::Array(items)) = self
            .slots
            .get_mut(r.0 as usize)
            .and_then(|s| s.object.as_mut())
        else {
            return Err(TrapKind::InvalidProgram("expected an array"));
        };
        let before = items.len();
        let result = f(items);
        let after = items.len();
        if after > self.max_array {
            items.truncate(before);
            return Err(TrapKind::ArrayTooLong {
                len: after,
                limit: self.max_array,
            });
        }
        if after > before {
            let grown = (SLOT_BYTES * (after - before)) as u64;
            if self.stats.live_bytes + grown > limit as u64 {
                items.truncate(before);
                return Err(TrapKind::HeapExhausted(limit));
            }
            self.stats.live_bytes += grown;
            self.stats.bytes_allocated += grown;
            self.since_collection += grown;
            self.stats.peak_live_bytes = self.stats.peak_live_bytes.max(self.stats.live_bytes);
        } else {
            self.stats.live_bytes -= (SLOT_BYTES * (before - after)) as u64;
        }
        result
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
    pub fn array(&self, value: Value) -> Result<&[Value], TrapKind> {
        match value {
            Value::Obj(r) => match self.get(r) {
                Some(Object::Array(items)) => Ok(items),
                _ => Err(TrapKind::InvalidProgram("expected an array")),
            },
            _ => Err(TrapKind::InvalidProgram("expected an array")),
        }
    }

    /// The elements of an array value, mutably, without changing its length.
    pub fn array_mut(&mut self, value: Value) -> Result<&mut [Value], TrapKind> {
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
    pub fn fields_mut(&mut self, value: Value) -> Result<&mut [Value], TrapKind> {
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
    pub fn fields(&self, value: Value) -> Result<&[Value], TrapKind> {
        if let Value::Obj(r) = value {
            if let Some(Object::Struct { fields, .. }) = self.get(r) {
                return Ok(fields);
            }
        }
        Err(TrapKind::InvalidProgram("expected a struct"))
    }

    /// The object behind a handle, if the handle is live.
    pub fn get(&self, r: ObjRef) -> Option<&Object> {
        self.slots.get(r.0 as usize).and_then(|s| s.object.as_ref())
    }

    /// The text of a string value; `None` when the value is not a live string.
    pub fn str(&self, value: Value) -> Option<&str> {
        match value {
            Value::Obj(r) => match self.get(r)? {
                Object::Str { buffer, len } => match self.get(*buffer)? {
                    Object::Buffer { text, .. } => text.get(..*len as usize),
                    _ => None,
                },
                _ => None,
            },
            _ => None,
        }
    }

    /// Whether enough was allocated since the last collection to collect at the next safepoint.
    pub fn wants_collection(&self) -> bool {
        self.since_collection >= self.threshold || self.stats.live_bytes * 2 > self.limit as u64
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
                Some(Object::Array(items)) => work.extend(children(items)),
                Some(Object::Struct { fields, .. }) => work.extend(children(fields)),
                Some(Object::Str { buffer, .. }) => work.push(*buffer),
                Some(Object::Buffer { .. }) | Some(Object::TileMap(_)) | None => {}
            }
        }
        let mut live = 0u64;
        for (index, slot) in self.slots.iter_mut().enumerate() {
            if slot.marked {
                slot.marked = false;
                live += slot.object.as_ref().map_or(0, |o| o.size() as u64);
            } else if slot.object.take().is_some() {
                self.free.push(index as u32);
                self.stats.freed += 1;
            }
        }
        self.stats.collections += 1;
        self.stats.live_bytes = live;
        self.since_collection = 0;
        self.threshold = MIN_THRESHOLD.max(live);
    }
}

/// The heap handles among some values.
fn children(values: &[Value]) -> impl Iterator<Item = ObjRef> + '_ {
    values.iter().filter_map(|v| match v {
        Value::Obj(r) => Some(*r),
        _ => None,
    })
}
