//! The value stack, stored as two parallel arrays of 64-bit words: one payload per slot and
//! one kind tag per slot.
//!
//! A value written by one instruction is read back by the next, often while its bytes
//! are still in the CPU's store buffer. Kept as separate tag and payload arrays, every
//! write and read of a slot is two accesses of matching size, which the CPU forwards
//! directly; a 16-byte enum copied whole would stall on each such read.
//!
//! Both arrays have the fixed length [`STACK_CAPACITY`], a power of two, live in one
//! allocation (payloads first, then tags), and every index is masked with
//! `STACK_CAPACITY - 1`. The compiler can then see that no access is out of bounds and emits
//! no bounds checks, which the dispatch loop would otherwise pay on every operand, and one
//! base address serves both arrays, which leaves a register free in the loop. The
//! verifier's stack-depth proof and the `stack_slots` limit checked at each call keep real
//! indices below the capacity, so the mask never changes one. The allocation is zeroed,
//! which the system provides lazily: only the pages a program touches take memory.

use crate::value::{Packed, BOOL, FLOAT, INT};
use crate::{ObjRef, Value};

/// How many slots the value stack has: the most that [`crate::Limits::stack_slots`] may
/// allow.
pub const STACK_CAPACITY: usize = 1 << 20;

/// Masks an index into the stack's range; a no-op for every index a verified program uses.
#[inline(always)]
fn slot(i: usize) -> usize {
    i & (STACK_CAPACITY - 1)
}

/// The VM's value stack. Its arrays are taken when it is first used and returned to a
/// per-thread spare when the VM is dropped, so creating many VMs one after another (tests,
/// fuzzing, tools) reuses one allocation instead of zeroing a new one each time.
#[derive(Default)]
pub(crate) struct ValueStack {
    arrays: Option<Arrays>,
}

/// The payloads of a value stack (words `0..STACK_CAPACITY`) followed by its tags (words
/// `STACK_CAPACITY..`), one allocation so the dispatch loop needs one base address for both.
type Arrays = Box<[u64; 2 * STACK_CAPACITY]>;

thread_local! {
    /// The arrays of the last value stack dropped on this thread, kept for the next one.
    static SPARE: std::cell::Cell<Option<Arrays>> = const { std::cell::Cell::new(None) };
}

/// The thread's spare arrays, or new zeroed ones. Slots of a reused stack keep stale
/// values, which is harmless: a verified program writes every slot (a local on entry, a
/// temporary when pushed) before reading it, and the collector scans only up to `sp`.
fn take_arrays() -> Arrays {
    SPARE
        .try_with(|spare| spare.take())
        .ok()
        .flatten()
        .unwrap_or_else(zeroed)
}

impl Drop for ValueStack {
    fn drop(&mut self) {
        if let Some(arrays) = self.arrays.take() {
            // During thread exit the spare may already be gone; the arrays are then freed.
            let _ = SPARE.try_with(|spare| spare.set(Some(arrays)));
        }
    }
}

/// A zeroed array of `2 * STACK_CAPACITY` words on the heap, built without a copy on the
/// call stack.
fn zeroed() -> Arrays {
    match vec![0; 2 * STACK_CAPACITY].into_boxed_slice().try_into() {
        Ok(array) => array,
        Err(_) => unreachable!("the vector has exactly 2 * STACK_CAPACITY elements"),
    }
}

impl ValueStack {
    /// Borrows the slots for the dispatch loop.
    pub(crate) fn slots(&mut self) -> Slots<'_> {
        Slots {
            words: self.arrays.get_or_insert_with(take_arrays),
        }
    }
}

/// The stack's slots, borrowed as one fixed-size array of payloads then tags.
pub(crate) struct Slots<'a> {
    words: &'a mut [u64; 2 * STACK_CAPACITY],
}

impl Slots<'_> {
    /// The tag of slot `i`.
    #[inline(always)]
    fn tag(&self, i: usize) -> u64 {
        self.words[STACK_CAPACITY + slot(i)]
    }

    /// The payload of slot `i`.
    #[inline(always)]
    fn bits(&self, i: usize) -> u64 {
        self.words[slot(i)]
    }

    /// The value in slot `i`.
    #[inline(always)]
    pub(crate) fn get(&self, i: usize) -> Value {
        self.packed(i).get()
    }

    /// Stores a value in slot `i`.
    #[inline(always)]
    pub(crate) fn set(&mut self, i: usize, v: Value) {
        self.set_packed(i, Packed::new(v))
    }

    /// The value in slot `i` as its two words, without decoding it.
    #[inline(always)]
    pub(crate) fn packed(&self, i: usize) -> Packed {
        Packed::from_words(self.tag(i), self.bits(i))
    }

    /// Stores a value given as its two words in slot `i`.
    #[inline(always)]
    pub(crate) fn set_packed(&mut self, i: usize, p: Packed) {
        let (tag, bits) = p.words();
        self.words[STACK_CAPACITY + slot(i)] = tag;
        self.words[slot(i)] = bits;
    }

    /// The int in slot `i`; `None` when the slot holds another kind (only a hand-made
    /// program can do that). Reads the tag and the payload without building a `Value`.
    #[inline(always)]
    pub(crate) fn int(&self, i: usize) -> Option<i64> {
        (self.tag(i) == INT).then_some(self.bits(i) as i64)
    }

    /// The float in slot `i`, if it holds one.
    #[inline(always)]
    pub(crate) fn float(&self, i: usize) -> Option<f64> {
        (self.tag(i) == FLOAT).then_some(f64::from_bits(self.bits(i)))
    }

    /// The bool in slot `i`, if it holds one.
    #[inline(always)]
    pub(crate) fn bool(&self, i: usize) -> Option<bool> {
        (self.tag(i) == BOOL).then_some(self.bits(i) != 0)
    }

    /// The heap handle in slot `i`, if it holds one.
    #[inline(always)]
    pub(crate) fn obj(&self, i: usize) -> Option<ObjRef> {
        self.packed(i).obj()
    }

    /// Copies slot `src` into slot `dst`.
    #[inline(always)]
    pub(crate) fn copy(&mut self, dst: usize, src: usize) {
        let (dst, src) = (slot(dst), slot(src));
        self.words[STACK_CAPACITY + dst] = self.words[STACK_CAPACITY + src];
        self.words[dst] = self.words[src];
    }
}
