//! The sizes a program must respect to load and start: the fixed widths of the `.pbc` format
//! and the default runtime limits that loading already depends on.
//!
//! The compiler checks a program against these before it produces one, so that a program the
//! checker accepted never fails verification or loading with the default limits.

/// The most local slots one function may use, parameters included (`locals` is a `u16`, and
/// every slot operand is a `u16` below it).
pub const MAX_LOCALS: u32 = u16::MAX as u32;

/// The deepest one function's operand stack may get above its locals (`max_stack` is a `u16`).
pub const MAX_STACK: u32 = u16::MAX as u32;

/// The longest string a program may hold, in bytes: the VM's default string limit (16 MiB).
/// A longer constant string cannot be materialized when the program is loaded.
pub const MAX_STRING_BYTES: usize = 16 << 20;

/// The VM's default heap limit in bytes (1 GiB); the constant strings of a program are
/// allocated on this heap when it is loaded.
pub const HEAP_BYTES: usize = 1 << 30;

/// The heap bytes one constant string takes besides its text, as the VM counts them when it
/// materializes the constant pool (the string object and its buffer).
pub const CONSTANT_STRING_OVERHEAD: usize = 64;

/// The largest byte size of one function's code: jump targets are `u32` byte offsets.
pub const MAX_CODE_BYTES: usize = u32::MAX as usize;

/// The largest source text, in bytes: spans are `u32` byte offsets.
pub const MAX_SOURCE_BYTES: usize = u32::MAX as usize;
