//! The value representation: a small copyable enum; heap values are handles.

/// A handle to an object in the VM's [`crate::Heap`]. Copying it never copies the object.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ObjRef(pub u32);

/// One PBS value. Types are checked statically, so instructions know what they expect.
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub enum Value {
    /// The result of a `void` call, and the content of slots not yet written.
    #[default]
    Unit,
    /// A bool.
    Bool(bool),
    /// A 64-bit signed integer.
    Int(i64),
    /// A 64-bit float.
    Float(f64),
    /// A heap object: a string, an array or a struct instance.
    Obj(ObjRef),
    /// A payload-free enum variant: the enum type (an index into the program's enums) and
    /// the variant index. It lives wholly in the value, so making one allocates nothing.
    Enum(u16, u16),
    /// `none`, the optional without a value. An optional with a value is the value itself.
    None,
}

/// The tag word of each kind of value in a [`Packed`] value and in a stack slot.
const UNIT: u64 = 0;
pub(crate) const BOOL: u64 = 1;
pub(crate) const INT: u64 = 2;
pub(crate) const FLOAT: u64 = 3;
const OBJ: u64 = 4;
pub(crate) const ENUM: u64 = 5;
const NONE: u64 = 6;

/// A value stored as two 64-bit words, a kind tag and a payload: the layout of a stack
/// slot, which array elements and struct fields share, so that moving a value between a
/// slot and an element copies two words instead of decoding one enum and encoding another.
#[derive(Clone, Copy, Debug)]
pub struct Packed {
    tag: u64,
    bits: u64,
}

impl Packed {
    /// The unit value, packed.
    pub const UNIT: Packed = Packed { tag: UNIT, bits: 0 };

    /// `none`, packed.
    pub const NONE: Packed = Packed { tag: NONE, bits: 0 };

    /// Whether this is the unit value (a global holds it until its initializer has run).
    #[inline(always)]
    pub fn is_unit(self) -> bool {
        self.tag == UNIT
    }

    /// Packs a value.
    #[inline(always)]
    pub fn new(v: Value) -> Packed {
        let (tag, bits) = match v {
            Value::Unit => (UNIT, 0),
            Value::Bool(b) => (BOOL, b as u64),
            Value::Int(i) => (INT, i as u64),
            Value::Float(f) => (FLOAT, f.to_bits()),
            Value::Obj(r) => (OBJ, r.0 as u64),
            Value::Enum(ty, variant) => (ENUM, (u64::from(ty) << 16) | u64::from(variant)),
            Value::None => (NONE, 0),
        };
        Packed { tag, bits }
    }

    /// The value this packs.
    #[inline(always)]
    pub fn get(self) -> Value {
        let bits = self.bits;
        match self.tag {
            BOOL => Value::Bool(bits != 0),
            INT => Value::Int(bits as i64),
            FLOAT => Value::Float(f64::from_bits(bits)),
            OBJ => Value::Obj(ObjRef(bits as u32)),
            ENUM => Value::Enum((bits >> 16) as u16, bits as u16),
            NONE => Value::None,
            _ => Value::Unit,
        }
    }

    /// The heap handle this holds, if it holds one (what the collector follows).
    #[inline(always)]
    pub fn obj(self) -> Option<ObjRef> {
        (self.tag == OBJ).then_some(ObjRef(self.bits as u32))
    }

    /// The two words: the tag and the payload.
    #[inline(always)]
    pub(crate) fn words(self) -> (u64, u64) {
        (self.tag, self.bits)
    }

    /// Rebuilds a packed value from the words [`Packed::words`] gave.
    #[inline(always)]
    pub(crate) fn from_words(tag: u64, bits: u64) -> Packed {
        Packed { tag, bits }
    }
}

impl Default for Packed {
    fn default() -> Packed {
        Packed::UNIT
    }
}

/// Packed values are equal when the values they pack are (so floats compare as floats).
impl PartialEq for Packed {
    fn eq(&self, other: &Packed) -> bool {
        self.get() == other.get()
    }
}

impl From<Value> for Packed {
    #[inline(always)]
    fn from(v: Value) -> Packed {
        Packed::new(v)
    }
}

impl From<Packed> for Value {
    #[inline(always)]
    fn from(p: Packed) -> Value {
        p.get()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_of_value_survives_packing() {
        let values = [
            Value::Unit,
            Value::Bool(true),
            Value::Bool(false),
            Value::Int(i64::MIN),
            Value::Int(-1),
            Value::Float(-0.5),
            Value::Float(f64::INFINITY),
            Value::Obj(ObjRef(u32::MAX)),
            Value::Enum(u16::MAX, 7),
            Value::None,
        ];
        for v in values {
            let p = Packed::new(v);
            assert_eq!(p.get(), v);
            let (tag, bits) = p.words();
            assert_eq!(Packed::from_words(tag, bits).get(), v);
        }
        assert_eq!(Packed::new(Value::Obj(ObjRef(3))).obj(), Some(ObjRef(3)));
        assert_eq!(Packed::new(Value::Int(3)).obj(), None);
    }

    #[test]
    fn packed_values_compare_as_values() {
        let nan = Packed::new(Value::Float(f64::NAN));
        assert_ne!(nan, nan);
        assert_eq!(
            Packed::new(Value::Float(0.0)),
            Packed::new(Value::Float(-0.0))
        );
        assert_ne!(Packed::new(Value::Int(0)), Packed::new(Value::Bool(false)));
        assert_eq!(Packed::default().get(), Value::Unit);
    }
}
