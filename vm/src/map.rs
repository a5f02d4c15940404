//! The table behind a PBS map `{K: V}`: entries in insertion order, and a hash index over
//! them.
//!
//! The entries are a vector in the order their keys were first inserted; assigning to an
//! existing key replaces its value in place, and removing a key leaves a tombstone (an entry
//! whose key is `Value::None`, which no key can be), so iteration and formatting always
//! follow insertion order. When tombstones make up more than half of the vector it is
//! compacted, and a `for … in` loop compacts the map when it starts, so positions in a loop
//! are ordinals. The index is a
//! `hashbrown` table of entry positions. Hashes come from fixed functions of the key (no
//! random seed), so the table's layout, its growth and every cycle count are the same on
//! every run and machine. Keys are ints, bools, payload-free enum values or strings; a
//! string key is hashed and compared by its bytes, which the caller reads from the heap.
//!
//! The string hash reads every byte (eight at a time, multiplied and rotated, then the
//! SplitMix64 finalizer), so strings that differ anywhere, however long, hash apart; it is
//! not keyed, so a program could be written to make many keys collide, but only the
//! program itself chooses its keys and each collision costs one probe step, as in any open
//! hash table. A string keeps its hash once computed (see `Object::Str`), so a string used
//! again as a key is not hashed again. On top of the index, each map remembers where a few
//! recent lookups found their keys ([`RECENT`] slots chosen by the key's handle or value):
//! a lookup with the very same key value (the same int, or the same string object) finds it
//! there without hashing or probing.

use crate::{Packed, Value};
use hashbrown::HashTable;
use std::cell::Cell;

/// The bytes one entry (hash, key and value) is accounted as.
pub const ENTRY_BYTES: u64 = 40;

/// The bytes one slot of the hash index is accounted as (a position and its control byte,
/// rounded up).
pub const INDEX_BYTES: u64 = 8;

/// One key and its value, with the key's hash. The key and the value are stored packed,
/// as on the stack, so a lookup compares the key's two words and a get or a set copies the
/// value's two words.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Entry {
    /// The key's hash ([`hash_key`]).
    pub hash: u64,
    key: Packed,
    value: Packed,
}

/// The key of a removed entry (a tombstone): `none`, which no key can be.
const TOMBSTONE: Packed = Packed::NONE;

impl Entry {
    /// The key (`Value::None` for a removed entry).
    #[inline(always)]
    pub fn key(&self) -> Value {
        self.key.get()
    }

    /// The value.
    #[inline(always)]
    pub fn value(&self) -> Value {
        self.value.get()
    }

    /// The value as its two words.
    #[inline(always)]
    pub(crate) fn packed_value(&self) -> Packed {
        self.value
    }

    /// Whether the entry is a removed one.
    #[inline(always)]
    pub fn is_tombstone(&self) -> bool {
        self.key.words() == TOMBSTONE.words()
    }
}

/// A map's contents.
#[derive(Clone, Debug, Default)]
pub struct MapData {
    entries: Vec<Entry>,
    /// How many entries are not tombstones.
    live: usize,
    index: HashTable<u32>,
    /// How many `for … in` loops over the map are running (counted in epoch `epoch`).
    locks: u32,
    /// The run in which `locks` was counted; a lock from an earlier run (one that trapped
    /// inside a loop) no longer counts.
    epoch: u32,
    /// Positions that recent successful lookups found, each in the slot of its key
    /// ([`recent_slot`]). A lookup of the very same key value (the same int, or the same
    /// string object, which is alive as long as the map holds it) checks its slot first; a
    /// position that no longer holds that key (after a removal or a compaction) is a miss.
    /// It only saves time: the cycles charged are the same.
    recent: [Cell<u32>; RECENT],
}

/// Whether a stored key is the very same value as the key `probe`: the same int, bool or
/// variant, or the same string object (a comparison of handles, not of texts). Both are
/// compared as their two words, which is exact for every kind a key can have; `probe` is
/// never `none` (a lookup with any other kind of key fails before it probes), so a
/// tombstone never matches.
#[inline(always)]
fn same_key(stored: Packed, probe: Packed) -> bool {
    stored.words() == probe.words()
}

/// How many recent lookups a map remembers.
pub const RECENT: usize = 8;

/// The slot of [`MapData`]'s recent lookups that `key` uses: the top bits of its handle or
/// value multiplied by an odd constant (handles of strings made together are often a fixed
/// step apart, which low bits alone would crowd into few slots).
#[inline(always)]
fn recent_slot(key: Packed) -> usize {
    let (_, bits) = key.words();
    (bits.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - RECENT.trailing_zeros())) as usize
}

impl PartialEq for MapData {
    fn eq(&self, other: &MapData) -> bool {
        self.iter().eq(other.iter())
    }
}

/// A key as the table hashes and compares it: its scalar, or a string key's bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyRef<'a> {
    /// An int key.
    Int(i64),
    /// A bool key.
    Bool(bool),
    /// A payload-free enum key (type and variant).
    Enum(u16, u16),
    /// A string key's bytes.
    Str(&'a [u8]),
}

/// Mixes a 64-bit word into a well-spread hash (the SplitMix64 finalizer).
#[inline(always)]
fn mix(mut x: u64) -> u64 {
    x ^= x >> 30;
    x = x.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x ^= x >> 27;
    x = x.wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// The hash of a key: a fixed function, the same on every run and machine.
#[inline]
pub fn hash_key(key: KeyRef<'_>) -> u64 {
    match key {
        KeyRef::Int(i) => mix(i as u64),
        KeyRef::Bool(b) => mix(u64::from(b) + 0x51),
        KeyRef::Enum(ty, variant) => mix(enum_bits(ty, variant) + 0x7E00_0000),
        KeyRef::Str(bytes) => hash_bytes(bytes),
    }
}

/// The type and the variant of an enum key as one word (also its packed payload).
#[inline(always)]
fn enum_bits(ty: u16, variant: u16) -> u64 {
    u64::from(ty) << 16 | u64::from(variant)
}

/// The hash of a string key's bytes (never 0).
fn hash_bytes(bytes: &[u8]) -> u64 {
    let mut h = (bytes.len() as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        h = (h.rotate_left(5) ^ u64::from_le_bytes(word)).wrapping_mul(0x517C_C1B7_2722_0A95);
    }
    let mut last = [0u8; 8];
    last[..chunks.remainder().len()].copy_from_slice(chunks.remainder());
    h = (h.rotate_left(5) ^ u64::from_le_bytes(last)).wrapping_mul(0x517C_C1B7_2722_0A95);
    // Never 0, which a string's cached hash uses for "not computed yet".
    mix(h).max(1)
}

/// The hash of a scalar key (an int, a bool or a variant) given as its two words; `None`
/// for any other kind of value.
#[inline(always)]
pub(crate) fn hash_scalar(key: Packed) -> Option<u64> {
    // The same values as `hash_key`, computed here so that the hash is inlined.
    match key.get() {
        Value::Int(i) => Some(mix(i as u64)),
        Value::Bool(b) => Some(mix(u64::from(b) + 0x51)),
        Value::Enum(ty, variant) => Some(mix(enum_bits(ty, variant) + 0x7E00_0000)),
        _ => None,
    }
}

impl MapData {
    /// An empty map with room for `n` entries.
    pub fn with_capacity(n: usize) -> MapData {
        MapData {
            entries: Vec::with_capacity(n),
            live: 0,
            index: HashTable::with_capacity(n),
            locks: 0,
            epoch: 0,
            recent: Default::default(),
        }
    }

    /// How many keys the map holds.
    pub fn len(&self) -> usize {
        self.live
    }

    /// Whether the map is empty.
    pub fn is_empty(&self) -> bool {
        self.live == 0
    }

    /// The entries in insertion order, tombstones (key `Value::None`) included; positions
    /// are indices into this slice.
    pub fn slots(&self) -> &[Entry] {
        &self.entries
    }

    /// The entries in insertion order, without tombstones.
    pub fn iter(&self) -> impl Iterator<Item = &Entry> + '_ {
        self.entries.iter().filter(|e| !e.is_tombstone())
    }

    /// The bytes the map's own storage is accounted as (its capacity, not just its length).
    pub fn storage_bytes(&self) -> u64 {
        self.entries.capacity() as u64 * ENTRY_BYTES + self.index.capacity() as u64 * INDEX_BYTES
    }

    /// The bytes the storage would grow by to hold `additional` more entries (an estimate
    /// from above: the vector doubles and the index grows to at least the same capacity).
    pub fn growth_bytes(&self, additional: usize) -> u64 {
        let wanted = self.entries.len().saturating_add(additional);
        let mut bytes = 0u64;
        if wanted > self.entries.capacity() {
            let cap = wanted.max(self.entries.capacity().saturating_mul(2)).max(4);
            bytes += (cap - self.entries.capacity()) as u64 * ENTRY_BYTES;
        }
        if wanted > self.index.capacity() {
            let cap = wanted.saturating_mul(2).max(8);
            bytes += cap.saturating_sub(self.index.capacity()) as u64 * INDEX_BYTES;
        }
        bytes
    }

    /// Reserves room for `additional` more entries; `false` when the memory is not available.
    pub fn try_reserve(&mut self, additional: usize) -> bool {
        let wanted = self.entries.len().saturating_add(additional);
        if wanted > self.entries.capacity() {
            let cap = wanted.max(self.entries.capacity().saturating_mul(2)).max(4);
            if self
                .entries
                .try_reserve_exact(cap - self.entries.len())
                .is_err()
            {
                return false;
            }
        }
        let entries = &self.entries;
        self.index
            .try_reserve(additional, |&i| entries[i as usize].hash)
            .is_ok()
    }

    /// The position of the entry for `key`, whose hash is `hash`: a stored key with the same
    /// hash is the one when it is the same value or `same` says so (it compares a stored
    /// key's text with `key`'s). A key found is remembered for [`MapData::find_recent`].
    #[inline]
    pub fn find(&self, hash: u64, key: Value, same: impl FnMut(Value) -> bool) -> Option<usize> {
        self.find_packed(hash, Packed::new(key), same)
    }

    /// [`MapData::find`] with the key given as its two words.
    #[inline]
    pub(crate) fn find_packed(
        &self,
        hash: u64,
        key: Packed,
        mut same: impl FnMut(Value) -> bool,
    ) -> Option<usize> {
        let entries = &self.entries;
        let found = self
            .index
            .find(hash, |&i| {
                entries
                    .get(i as usize)
                    .is_some_and(|e| e.hash == hash && (same_key(e.key, key) || same(e.key.get())))
            })
            .map(|&i| i as usize);
        if let Some(position) = found {
            self.recent[recent_slot(key)].set(position as u32);
        }
        found
    }

    /// Whether the entry at `position` has the very value `key` as its key (the same int,
    /// bool or variant, or the same string object).
    #[inline(always)]
    pub(crate) fn holds_at(&self, position: usize, key: Packed) -> bool {
        self.entries
            .get(position)
            .is_some_and(|e| same_key(e.key, key))
    }

    /// The position of `key` when a recent lookup found this very value there (the same int,
    /// bool or variant, or the same string object); `None` says nothing.
    #[inline(always)]
    pub(crate) fn find_recent(&self, key: Packed) -> Option<usize> {
        let position = self.recent[recent_slot(key)].get() as usize;
        self.holds_at(position, key).then_some(position)
    }

    /// Replaces the value of the entry at `position`; the key keeps its place.
    #[inline(always)]
    pub(crate) fn set_value(&mut self, position: usize, value: Packed) {
        if let Some(e) = self.entries.get_mut(position) {
            e.value = value;
        }
    }

    /// Appends an entry for a key that is not in the map; the room must have been reserved
    /// (otherwise the vector or the index grows on its own).
    pub fn push(&mut self, hash: u64, key: Value, value: Value) {
        self.push_packed(hash, Packed::new(key), Packed::new(value));
    }

    /// [`MapData::push`] with the key and the value given as their two words.
    pub(crate) fn push_packed(&mut self, hash: u64, key: Packed, value: Packed) {
        let position = self.entries.len() as u32;
        self.entries.push(Entry { hash, key, value });
        self.recent[recent_slot(key)].set(position);
        let entries = &self.entries;
        self.index
            .insert_unique(hash, position, |&i| entries[i as usize].hash);
        self.live += 1;
    }

    /// Removes the entry at `position`, leaving a tombstone, and returns its value and how
    /// many entries a compaction moved (0 when none ran): the others keep their order.
    pub fn remove_at(&mut self, position: usize) -> Option<(Value, usize)> {
        let entry = *self.entries.get(position)?;
        if entry.is_tombstone() {
            return None;
        }
        let at = position as u32;
        if let Ok(found) = self.index.find_entry(entry.hash, |&i| i == at) {
            found.remove();
        }
        self.entries[position] = Entry {
            hash: 0,
            key: TOMBSTONE,
            value: Packed::UNIT,
        };
        self.live -= 1;
        while self.entries.last().is_some_and(Entry::is_tombstone) {
            self.entries.pop();
        }
        let dead = self.entries.len() - self.live;
        let moved = if dead > 8 && dead * 2 > self.entries.len() {
            self.compact()
        } else {
            0
        };
        Some((entry.value(), moved))
    }

    /// Drops the tombstones and renumbers the index; returns how many entries it kept (the
    /// work done), 0 when there was no tombstone.
    pub fn compact(&mut self) -> usize {
        if self.live == self.entries.len() {
            return 0;
        }
        self.entries.retain(|e| !e.is_tombstone());
        // The index keeps its capacity and gets fewer positions, so it never grows here.
        self.index.clear();
        for (position, e) in self.entries.iter().enumerate() {
            let entries = &self.entries;
            self.index
                .insert_unique(e.hash, position as u32, |&i| entries[i as usize].hash);
        }
        self.entries.len()
    }

    /// Removes every entry and releases the storage.
    pub fn clear(&mut self) {
        self.entries = Vec::new();
        self.live = 0;
        self.index = HashTable::new();
    }

    /// Whether a `for … in` loop of run `epoch` is iterating over the map.
    pub fn is_locked(&self, epoch: u32) -> bool {
        self.epoch == epoch && self.locks > 0
    }

    /// Notes that a loop of run `epoch` starts iterating over the map.
    pub fn lock(&mut self, epoch: u32) {
        if self.epoch != epoch {
            self.epoch = epoch;
            self.locks = 0;
        }
        self.locks = self.locks.saturating_add(1);
    }

    /// Notes that a loop of run `epoch` over the map has ended.
    pub fn unlock(&mut self, epoch: u32) {
        if self.epoch == epoch {
            self.locks = self.locks.saturating_sub(1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ObjRef;

    fn int_map(keys: &[i64]) -> MapData {
        let mut m = MapData::default();
        for &k in keys {
            let h = hash_key(KeyRef::Int(k));
            assert!(m.try_reserve(1));
            m.push(h, Value::Int(k), Value::Int(k * 10));
        }
        m
    }

    fn find_int(m: &MapData, k: i64) -> Option<usize> {
        m.find(hash_key(KeyRef::Int(k)), Value::Int(k), |_| false)
    }

    #[test]
    fn removal_keeps_the_order_of_the_others_and_the_index_follows() {
        let mut m = int_map(&[5, 1, 9, 3, 7]);
        assert_eq!(m.remove_at(1), Some((Value::Int(10), 0)));
        assert_eq!(m.remove_at(1), None);
        let keys: Vec<Value> = m.iter().map(|e| e.key()).collect();
        assert_eq!(
            keys,
            vec![Value::Int(5), Value::Int(9), Value::Int(3), Value::Int(7)]
        );
        assert_eq!(find_int(&m, 1), None);
        assert_eq!(find_int(&m, 7), Some(4));
        assert_eq!(find_int(&m, 5), Some(0));
        assert_eq!(m.len(), 4);
        assert_eq!(m.compact(), 4);
        assert_eq!(find_int(&m, 7), Some(3));
        assert_eq!(m.compact(), 0);
    }

    #[test]
    fn removing_most_keys_compacts_and_keeps_order() {
        let keys: Vec<i64> = (0..100).collect();
        let mut m = int_map(&keys);
        let mut moved = 0;
        for k in (0..100).filter(|k| k % 10 != 0) {
            let at = find_int(&m, k).expect("present");
            moved += m.remove_at(at).expect("removed").1;
        }
        assert!(moved > 0, "a compaction ran");
        assert!(m.slots().len() < 100);
        let left: Vec<Value> = m.iter().map(|e| e.key()).collect();
        let want: Vec<Value> = (0..10).map(|k| Value::Int(k * 10)).collect();
        assert_eq!(left, want);
        for k in 0..10 {
            assert!(find_int(&m, k * 10).is_some());
        }
    }

    #[test]
    fn many_keys_are_all_found_after_growth() {
        let keys: Vec<i64> = (0..1000).map(|i| i * 7919 - 500).collect();
        let m = int_map(&keys);
        for (pos, &k) in keys.iter().enumerate() {
            assert_eq!(find_int(&m, k), Some(pos));
        }
        assert_eq!(find_int(&m, 1), None);
    }

    #[test]
    fn hashes_are_fixed_values() {
        // Pinned so that a change of the hash function (and so of table layouts) is noticed.
        assert_eq!(hash_key(KeyRef::Int(0)), 0);
        assert_ne!(hash_key(KeyRef::Str(b"a")), hash_key(KeyRef::Str(b"b")));
        assert_eq!(
            hash_key(KeyRef::Str(b"hello, world")),
            hash_key(KeyRef::Str(b"hello, world"))
        );
        assert_ne!(
            hash_key(KeyRef::Str(b"abcdefgh")),
            hash_key(KeyRef::Str(b"abcdefgh\0"))
        );
    }

    #[test]
    fn scalar_hashes_of_packed_keys_are_the_key_hashes() {
        for i in [0i64, 1, -1, 31, i64::MIN, i64::MAX, 1 << 40] {
            let packed = Packed::new(Value::Int(i));
            assert_eq!(hash_scalar(packed), Some(hash_key(KeyRef::Int(i))));
        }
        for b in [false, true] {
            let packed = Packed::new(Value::Bool(b));
            assert_eq!(hash_scalar(packed), Some(hash_key(KeyRef::Bool(b))));
        }
        for (ty, variant) in [(0u16, 0u16), (3, 7), (u16::MAX, u16::MAX)] {
            let packed = Packed::new(Value::Enum(ty, variant));
            assert_eq!(
                hash_scalar(packed),
                Some(hash_key(KeyRef::Enum(ty, variant)))
            );
        }
        for other in [
            Value::Unit,
            Value::None,
            Value::Float(1.0),
            Value::Obj(ObjRef(3)),
        ] {
            assert_eq!(hash_scalar(Packed::new(other)), None);
        }
    }

    #[test]
    fn keys_with_one_hash_are_told_apart_by_value() {
        // Every key gets the same hash, so each lookup walks past the others.
        let mut m = MapData::default();
        for k in 0..40 {
            assert!(m.try_reserve(1));
            m.push(7, Value::Int(k), Value::Int(k + 100));
        }
        for k in 0..40 {
            let at = m.find_packed(7, Packed::new(Value::Int(k)), |_| false);
            assert_eq!(at, Some(k as usize));
            assert_eq!(m.slots()[k as usize].value(), Value::Int(k + 100));
        }
        assert_eq!(
            m.find_packed(7, Packed::new(Value::Int(40)), |_| false),
            None
        );
        // A bool and an int with the same payload are different keys.
        assert_eq!(
            m.find_packed(7, Packed::new(Value::Bool(true)), |_| false),
            None
        );
        // Keys that are equal by text (told by `same`) match though their values differ.
        let by_text = m.find_packed(7, Packed::new(Value::Obj(ObjRef(9))), |stored| {
            stored == Value::Int(12)
        });
        assert_eq!(by_text, Some(12));
    }

    #[test]
    fn a_removed_key_is_not_found_recently_and_comes_back_at_the_end() {
        let mut m = int_map(&[4, 8, 15, 16, 23, 42]);
        let key = Packed::new(Value::Int(15));
        assert_eq!(find_int(&m, 15), Some(2));
        assert_eq!(m.find_recent(key), Some(2));
        assert_eq!(m.remove_at(2), Some((Value::Int(150), 0)));
        assert!(m.slots()[2].is_tombstone());
        assert_eq!(m.find_recent(key), None);
        assert_eq!(find_int(&m, 15), None);
        assert!(m.try_reserve(1));
        m.push(hash_key(KeyRef::Int(15)), Value::Int(15), Value::Int(-1));
        assert_eq!(find_int(&m, 15), Some(6));
        assert_eq!(m.find_recent(key), Some(6));
        m.set_value(6, Packed::new(Value::Int(-2)));
        let keys: Vec<Value> = m.iter().map(|e| e.key()).collect();
        let want: Vec<Value> = [4, 8, 16, 23, 42, 15].map(Value::Int).to_vec();
        assert_eq!(keys, want);
        assert_eq!(m.slots()[6].value(), Value::Int(-2));
        // A compaction moves the entry; the remembered position no longer holds the key.
        assert_eq!(m.compact(), 6);
        assert_eq!(m.find_recent(key), None);
        assert_eq!(find_int(&m, 15), Some(5));
    }

    #[test]
    fn growth_keeps_every_key_after_removals_and_reinsertions() {
        let mut m = int_map(&(0..300).collect::<Vec<i64>>());
        for k in (0..300).step_by(3) {
            let at = find_int(&m, k).expect("present");
            m.remove_at(at).expect("removed");
        }
        for k in (0..300).step_by(3).chain(300..600) {
            assert!(m.try_reserve(1));
            m.push(hash_key(KeyRef::Int(k)), Value::Int(k), Value::Int(k * 10));
        }
        assert_eq!(m.len(), 600);
        for k in 0..600 {
            let at = find_int(&m, k).expect("every key is found");
            assert_eq!(m.slots()[at].key(), Value::Int(k));
            assert_eq!(m.slots()[at].value(), Value::Int(k * 10));
        }
    }

    #[test]
    fn locks_from_an_earlier_run_do_not_count() {
        let mut m = int_map(&[1]);
        m.lock(1);
        assert!(m.is_locked(1));
        assert!(!m.is_locked(2));
        m.lock(2);
        m.unlock(2);
        assert!(!m.is_locked(2));
    }
}
