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
