//! The value stack, stored as two parallel arrays: one byte of kind per slot and one
//! 64-bit payload per slot.
//!
//! A value written by one instruction is read back by the next, often while its bytes
//! are still in the CPU's store buffer. Kept as separate tag and payload arrays, every
//! write and read of a slot is two small accesses of matching size, which the CPU
//! forwards directly; a 16-byte enum copied whole would stall on each such read.

use crate::{ObjRef, Value};

const UNIT: u8 = 0;
const BOOL: u8 = 1;
const INT: u8 = 2;
const FLOAT: u8 = 3;
const OBJ: u8 = 4;

/// Splits a value into its tag and payload.
#[inline(always)]
fn encode(v: Value) -> (u8, u64) {
    match v {
        Value::Unit => (UNIT, 0),
        Value::Bool(b) => (BOOL, b as u64),
        Value::Int(i) => (INT, i as u64),
        Value::Float(f) => (FLOAT, f.to_bits()),
        Value::Obj(r) => (OBJ, r.0 as u64),
    }
}

/// Rebuilds a value from its tag and payload.
#[inline(always)]
fn decode(tag: u8, bits: u64) -> Value {
    match tag {
        BOOL => Value::Bool(bits != 0),
        INT => Value::Int(bits as i64),
        FLOAT => Value::Float(f64::from_bits(bits)),
        OBJ => Value::Obj(ObjRef(bits as u32)),
        _ => Value::Unit,
    }
}

/// The VM's value stack.
#[derive(Debug, Default)]
pub(crate) struct ValueStack {
    tags: Vec<u8>,
    bits: Vec<u64>,
}

impl ValueStack {
    /// How many slots are allocated.
    pub(crate) fn len(&self) -> usize {
        self.tags.len()
    }

    /// Grows (or shrinks) to `len` slots; new slots hold the unit value.
    pub(crate) fn resize(&mut self, len: usize) {
        self.tags.resize(len, UNIT);
        self.bits.resize(len, 0);
    }

    /// Borrows the slots for the dispatch loop.
    pub(crate) fn slots(&mut self) -> Slots<'_> {
        Slots {
            tags: &mut self.tags[..],
            bits: &mut self.bits[..],
        }
    }
}

/// The stack's slots, borrowed as slices.
pub(crate) struct Slots<'a> {
    tags: &'a mut [u8],
    bits: &'a mut [u64],
}

impl Slots<'_> {
    /// How many slots there are.
    #[inline(always)]
    pub(crate) fn len(&self) -> usize {
        self.tags.len()
    }

    /// The value in slot `i`.
    #[inline(always)]
    pub(crate) fn get(&self, i: usize) -> Value {
        decode(self.tags[i], self.bits[i])
    }

    /// Stores a value in slot `i`.
    #[inline(always)]
    pub(crate) fn set(&mut self, i: usize, v: Value) {
        let (tag, bits) = encode(v);
        self.tags[i] = tag;
        self.bits[i] = bits;
    }

    /// The int in slot `i`; `None` when the slot holds another kind (only a hand-made
    /// program can do that). Reads the tag and the payload without building a `Value`.
    #[inline(always)]
    pub(crate) fn int(&self, i: usize) -> Option<i64> {
        (self.tags[i] == INT).then_some(self.bits[i] as i64)
    }

    /// The float in slot `i`, if it holds one.
    #[inline(always)]
    pub(crate) fn float(&self, i: usize) -> Option<f64> {
        (self.tags[i] == FLOAT).then_some(f64::from_bits(self.bits[i]))
    }

    /// The bool in slot `i`, if it holds one.
    #[inline(always)]
    pub(crate) fn bool(&self, i: usize) -> Option<bool> {
        (self.tags[i] == BOOL).then_some(self.bits[i] != 0)
    }

    /// Copies slot `src` into slot `dst`.
    #[inline(always)]
    pub(crate) fn copy(&mut self, dst: usize, src: usize) {
        self.tags[dst] = self.tags[src];
        self.bits[dst] = self.bits[src];
    }
}
