//! Storage of dead structs and arrays kept for reuse.
//!
//! A struct's fields and an array's elements each live in an allocation of their own. When
//! the collector frees small ones, their storage goes into per-size lists instead of back to
//! the system allocator, and `new` of a struct or an array literal of that size takes it from
//! there: a program that builds and drops many small objects (trees, lists, particles) then
//! allocates and frees its element storage without calling the allocator. The storage only
//! ever comes from objects that were live, and the lists together hold at most
//! [`MAX_SPARE_BYTES`], so they never raise the memory a program needs above what it already
//! used. Accounting is unchanged: reused storage has exactly the size a new one would have,
//! and spare storage is not live.

use crate::heap::Object;
use crate::Packed;

/// The largest struct (in fields) or array literal (in elements) whose storage is kept.
const MAX_SPARE_LEN: usize = 8;

/// The most bytes of element storage the lists hold together.
const MAX_SPARE_BYTES: usize = 16 << 20;

/// Per-size lists of reusable field and element storage.
#[derive(Debug, Default)]
pub(crate) struct Spares {
    /// `fields[n - 1]`: field storage of exactly `n` slots.
    fields: [Vec<Box<[Packed]>>; MAX_SPARE_LEN],
    /// `elements[n - 1]`: empty element vectors with room for exactly `n` elements.
    elements: [Vec<Vec<Packed>>; MAX_SPARE_LEN],
    /// The bytes of storage in all lists.
    bytes: usize,
}

/// The bytes of `n` slots of storage.
fn storage_bytes(n: usize) -> usize {
    n * std::mem::size_of::<Packed>()
}

impl Spares {
    /// Takes the storage of a freed object when it is small enough and there is room, and
    /// drops the object otherwise.
    pub(crate) fn keep(&mut self, object: Object) {
        match object {
            Object::Struct { fields, .. } => {
                let n = fields.len();
                if (1..=MAX_SPARE_LEN).contains(&n) && self.has_room(n) {
                    self.bytes += storage_bytes(n);
                    self.fields[n - 1].push(fields);
                }
            }
            Object::Array(mut items) => {
                let n = items.capacity();
                if (1..=MAX_SPARE_LEN).contains(&n) && self.has_room(n) {
                    items.clear();
                    self.bytes += storage_bytes(n);
                    self.elements[n - 1].push(items);
                }
            }
            _ => {}
        }
    }

    /// Whether `n` more slots of storage fit under [`MAX_SPARE_BYTES`].
    fn has_room(&self, n: usize) -> bool {
        self.bytes + storage_bytes(n) <= MAX_SPARE_BYTES
    }

    /// Field storage holding `values`, reused when a spare one of that size exists.
    pub(crate) fn fields(
        &mut self,
        values: impl ExactSizeIterator<Item = Packed>,
    ) -> Box<[Packed]> {
        let n = values.len();
        let spare = match n {
            1..=MAX_SPARE_LEN => self.fields[n - 1].pop(),
            _ => None,
        };
        match spare {
            Some(mut fields) => {
                self.bytes -= storage_bytes(n);
                for (field, value) in fields.iter_mut().zip(values) {
                    *field = value;
                }
                fields
            }
            None => values.collect(),
        }
    }

    /// An element vector holding `values` with room for exactly that many, reused when a
    /// spare one of that size exists.
    pub(crate) fn elements(
        &mut self,
        values: impl ExactSizeIterator<Item = Packed>,
    ) -> Vec<Packed> {
        let n = values.len();
        let spare = match n {
            1..=MAX_SPARE_LEN => self.elements[n - 1].pop(),
            _ => None,
        };
        match spare {
            Some(mut items) => {
                self.bytes -= storage_bytes(n);
                items.extend(values);
                items
            }
            None => {
                let mut items: Vec<Packed> = values.collect();
                items.shrink_to_fit();
                items
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Value;

    fn packed(values: &[i64]) -> Vec<Packed> {
        values.iter().map(|&i| Packed::new(Value::Int(i))).collect()
    }

    #[test]
    fn storage_of_a_freed_struct_is_reused_with_the_new_values() {
        let mut spares = Spares::default();
        let old = spares.fields(packed(&[1, 2]).into_iter());
        let address = old.as_ptr();
        spares.keep(Object::Struct { ty: 0, fields: old });
        assert_eq!(spares.bytes, 32);
        let new = spares.fields(packed(&[7, 8]).into_iter());
        assert_eq!(new.as_ptr(), address, "the freed storage is reused");
        assert_eq!(&new[..], &packed(&[7, 8])[..]);
        assert_eq!(spares.bytes, 0);
        // Another size is never served from that list.
        spares.keep(Object::Struct { ty: 0, fields: new });
        assert_eq!(
            &spares.fields(packed(&[5, 6, 7]).into_iter())[..],
            &packed(&[5, 6, 7])[..]
        );
        assert_eq!(spares.fields[1].len(), 1);
    }

    #[test]
    fn element_storage_keeps_its_exact_capacity() {
        let mut spares = Spares::default();
        let mut grown = packed(&[1, 2, 3]);
        grown.reserve_exact(1);
        let capacity = grown.capacity();
        spares.keep(Object::Array(grown));
        let items = spares.elements(packed(&[4; 3]).into_iter());
        assert_eq!(
            items.capacity(),
            3,
            "a literal of 3 never takes the grown vector"
        );
        assert_eq!(spares.elements[capacity - 1].len(), 1);
        let again = spares.elements(packed(&[9; 4]).into_iter().take(capacity));
        assert_eq!(again.len(), capacity);
        assert_eq!(again.capacity(), capacity);
        assert!(spares.elements[capacity - 1].is_empty());
    }

    #[test]
    fn the_lists_hold_a_bounded_number_of_bytes() {
        let mut spares = Spares::default();
        let per = storage_bytes(MAX_SPARE_LEN);
        for _ in 0..MAX_SPARE_BYTES / per + 10 {
            let fields = vec![Packed::UNIT; MAX_SPARE_LEN].into_boxed_slice();
            spares.keep(Object::Struct { ty: 0, fields });
        }
        assert_eq!(spares.bytes, MAX_SPARE_BYTES / per * per);
        assert_eq!(
            spares.fields[MAX_SPARE_LEN - 1].len(),
            MAX_SPARE_BYTES / per
        );
        // Empty and large storage is never kept.
        spares.keep(Object::Array(Vec::new()));
        spares.keep(Object::Array(vec![Packed::UNIT; MAX_SPARE_LEN + 1]));
        assert_eq!(spares.bytes, MAX_SPARE_BYTES / per * per);
    }
}
