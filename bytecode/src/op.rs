//! The opcode table: the single source of truth for every instruction's number, operands,
//! stack effect, cycle cost and documentation.
//!
//! Everything else is generated from the table by the `opcodes!` macro: the [`Opcode`] enum
//! with its `TryFrom<u8>`, the typed [`Instr`] enum, encoding and decoding, names for the
//! disassembler, stack effects for the compiler and verifier, and cycle costs for the VM.
//! Opcode numbers are append-only: the `.pbc` format depends on them.
//!
//! # Notes
//! - Jump operands (`Jump`, `JumpIfFalse`, `JumpIfTrue`, `JumpIfSome`, `ForPrep`, `ForLoop`) are absolute
//!   byte offsets inside the function in a [`crate::Program`]; the verifier rewrites them into
//!   instruction indices in a [`crate::VerifiedProgram`].
//! - `Call`, `CallContract`, `CallHost`, `CallHostDrop`, `NewStruct`, `NewArray`, `NewMap`,
//!   `MakeClosure` and `CallValue` have a dynamic stack effect: they pop their callee's
//!   parameter count (for `CallContract`, the receiver and the contract method's parameters),
//!   the struct's field count, `count` values (`2 × count` for `NewMap`), `captures` values,
//!   or `args` values and the function value, and push one value (the unit value for a `void`
//!   call), except `CallHostDrop`,
//!   which pushes nothing.
//! - The array methods `len`, `push` and `pop` are the instructions `ArrayLen`, `ArrayLenL`,
//!   `ArrayPush` and `ArrayPop`, not host calls; the other array methods are host functions.
//! - `ForPrep`/`ForLoop` read the three locals `slot` (the counter), `slot + 1` (the bound) and
//!   `slot + 2` (the step), which the compiler reserves next to each other.
//! - `Return` ends the function; control never falls through it.
//! - Superinstructions: `LoadLocal0..3`, `IncLocal`, `AddIntImm`, the fused
//!   compare-and-branch `JumpIfNot*Int`/`JumpIfNot*Float` families, and the local-operand
//!   forms (`*LL` reads both operands from locals, `*L` reads the right operand from a local,
//!   `*ToL` updates a local in place, `MoveLocal`, `GetFieldL`/`SetFieldL` on a struct in a
//!   local, `IndexGetLL`/`IndexSetLL` on an array and an index in locals) stand for common
//!   instruction sequences and behave exactly like them, except that each costs the cycles
//!   listed for it (the cost of its arithmetic; the loads are free), not the sum of the
//!   sequence.
//! - The cycle budget is checked after every control transfer (jumps, loop steps, calls,
//!   returns), so a run pauses at the instruction boundary after the transfer that spent it.
//!   The VM charges the costs of a straight-line run (up to and including its transfer) when
//!   it enters the run, and refunds the part not executed when an instruction traps, so the
//!   cycles counted are exactly the sum of the costs of the instructions executed, plus the
//!   extra cycles of work that grows with its input: string comparisons (1 per 16 bytes of
//!   the shorter string), `Concat` (1 per 16 bytes copied), `NewArrayRepeat` (`n / 4`) and
//!   host functions (their own charges).

/// How an instruction changes the depth of the value stack.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StackEffect {
    /// Pops `pop` values, then pushes `push` values.
    Fixed {
        /// Values popped.
        pop: u16,
        /// Values pushed.
        push: u16,
    },
    /// Depends on an operand or on the callee: see the notes of this module. The instruction
    /// pushes one value, except `CallHostDrop`, which pushes none.
    Dynamic,
}

/// The kind of one operand, as stored in the file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OperandKind {
    /// An unsigned 16-bit value, two bytes little-endian.
    U16,
    /// An unsigned 32-bit value, four bytes little-endian.
    U32,
    /// A signed 32-bit value, four bytes little-endian.
    I32,
}

/// Reading an instruction from bytes failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DecodeError {
    /// The byte is not an opcode.
    UnknownOpcode(u8),
    /// The instruction's operands run past the end of the code.
    Truncated,
}

/// Operand encoding helpers used by the generated code.
trait Operand: Sized + Copy {
    const SIZE: usize;
    fn put(self, out: &mut Vec<u8>);
    fn get(bytes: &[u8]) -> Self;
}

impl Operand for u16 {
    const SIZE: usize = 2;
    fn put(self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.to_le_bytes());
    }
    fn get(bytes: &[u8]) -> Self {
        u16::from_le_bytes([bytes[0], bytes[1]])
    }
}

impl Operand for u32 {
    const SIZE: usize = 4;
    fn put(self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.to_le_bytes());
    }
    fn get(bytes: &[u8]) -> Self {
        u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]])
    }
}

impl Operand for i32 {
    const SIZE: usize = 4;
    fn put(self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.to_le_bytes());
    }
    fn get(bytes: &[u8]) -> Self {
        i32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]])
    }
}

/// Maps an operand type name to its [`OperandKind`].
macro_rules! operand_kind {
    (u16) => {
        OperandKind::U16
    };
    (u32) => {
        OperandKind::U32
    };
    (i32) => {
        OperandKind::I32
    };
}

/// Maps a stack-effect notation to a [`StackEffect`].
macro_rules! stack_effect {
    (dyn) => {
        StackEffect::Dynamic
    };
    ($pop:literal $push:literal) => {
        StackEffect::Fixed {
            pop: $pop,
            push: $push,
        }
    };
}

macro_rules! opcodes {
    ($(
        $(#[doc = $doc:literal])+
        $num:literal $name:ident ( $($field:ident : $ty:ident),* ) [$($effect:tt)+] $cost:literal;
    )*) => {
        /// Every opcode, numbered as in the `.pbc` format.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[repr(u8)]
        pub enum Opcode {
            $( $(#[doc = $doc])+ $name = $num, )*
        }

        /// One decoded instruction with its typed operands. Its discriminant is the opcode
        /// number, so the dispatch loop can read costs from a table.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[repr(u8)]
        pub enum Instr {
            $( $(#[doc = $doc])+ $name($($ty),*) = $num, )*
        }

        /// The cycle cost of every opcode, indexed by opcode number (unused numbers cost 0).
        const COSTS: [u8; 256] = {
            let mut table = [0u8; 256];
            $( table[$num] = $cost; )*
            table
        };

        impl TryFrom<u8> for Opcode {
            type Error = DecodeError;
            fn try_from(byte: u8) -> Result<Opcode, DecodeError> {
                match byte {
                    $( $num => Ok(Opcode::$name), )*
                    other => Err(DecodeError::UnknownOpcode(other)),
                }
            }
        }

        impl Opcode {
            /// Every opcode in table order.
            pub const ALL: &'static [Opcode] = &[$(Opcode::$name),*];

            /// The opcode's name as the disassembler prints it.
            pub fn name(self) -> &'static str {
                match self { $( Opcode::$name => stringify!($name), )* }
            }

            /// The one-line documentation of the opcode.
            pub fn doc(self) -> &'static str {
                match self { $( Opcode::$name => concat!($($doc),+).trim_ascii(), )* }
            }

            /// The kinds of the opcode's operands, in order.
            pub fn operands(self) -> &'static [OperandKind] {
                match self { $( Opcode::$name => &[$(operand_kind!($ty)),*], )* }
            }

            /// How the opcode changes the stack depth.
            pub fn stack_effect(self) -> StackEffect {
                match self { $( Opcode::$name => stack_effect!($($effect)+), )* }
            }

            /// The fixed cycle cost charged before the instruction runs.
            pub fn cost(self) -> u32 {
                match self { $( Opcode::$name => $cost, )* }
            }

            /// The encoded size of the instruction in bytes, opcode included.
            /// Whether this is one of the VM's internal forms (from [`FIRST_INTERNAL`] on),
            /// which no `.pbc` may hold.
            pub fn is_internal(self) -> bool {
                self as u8 >= FIRST_INTERNAL
            }

            pub fn size(self) -> usize {
                match self { $( Opcode::$name => 1 $(+ <$ty as Operand>::SIZE)*, )* }
            }
        }

        impl Instr {
            /// The instruction's fixed cycle cost (the same as its opcode's).
            #[inline(always)]
            pub fn cost(&self) -> u32 {
                COSTS[self.opcode() as usize] as u32
            }

            /// The instruction's opcode.
            pub fn opcode(&self) -> Opcode {
                match self { $( Instr::$name(..) => Opcode::$name, )* }
            }

            /// The instruction's operands widened to `i64`, in order (for the disassembler).
            pub fn operand_values(&self) -> Vec<i64> {
                match *self { $( Instr::$name($($field),*) => vec![$($field as i64),*], )* }
            }

            /// Appends the encoded instruction to `out`.
            pub fn encode(&self, out: &mut Vec<u8>) {
                match *self {
                    $( Instr::$name($($field),*) => {
                        out.push($num);
                        $( Operand::put($field, out); )*
                    } )*
                }
            }

            /// Decodes the instruction at the start of `bytes`; returns it and its size.
            #[allow(unused_assignments)]
            pub fn decode(bytes: &[u8]) -> Result<(Instr, usize), DecodeError> {
                let (&first, _) = bytes.split_first().ok_or(DecodeError::Truncated)?;
                let opcode = Opcode::try_from(first)?;
                if opcode.is_internal() {
                    return Err(DecodeError::UnknownOpcode(first));
                }
                let size = opcode.size();
                if bytes.len() < size {
                    return Err(DecodeError::Truncated);
                }
                #[allow(unused_mut, unused_variables, unused_assignments)]
                let mut at = 1usize;
                let instr = match opcode {
                    $( Opcode::$name => {
                        $( let $field = <$ty as Operand>::get(&bytes[at..]); at += <$ty as Operand>::SIZE; )*
                        Instr::$name($($field),*)
                    } )*
                };
                Ok((instr, size))
            }
        }
    };
}

opcodes! {
    /// Does nothing.
    0x00 Nop() [0 0] 1;
    /// Pushes the unit value (the result of a `void` call).
    0x01 PushUnit() [0 1] 1;
    /// Pushes `true`.
    0x02 PushTrue() [0 1] 1;
    /// Pushes `false`.
    0x03 PushFalse() [0 1] 1;
    /// Pushes a small integer held in the operand.
    0x04 PushInt(value: i32) [0 1] 1;
    /// Pushes constant `index` of the constant pool (an int, a float or a string).
    0x05 Const(index: u32) [0 1] 1;
    /// Discards the top of the stack.
    0x06 Pop() [1 0] 1;
    /// Pushes local `slot` of the current frame.
    0x07 LoadLocal(slot: u16) [0 1] 1;
    /// Pops a value into local `slot` of the current frame.
    0x08 StoreLocal(slot: u16) [1 0] 1;
    /// Pushes local 0 (superinstruction of `LoadLocal 0`).
    0x09 LoadLocal0() [0 1] 1;
    /// Pushes local 1 (superinstruction of `LoadLocal 1`).
    0x0A LoadLocal1() [0 1] 1;
    /// Pushes local 2 (superinstruction of `LoadLocal 2`).
    0x0B LoadLocal2() [0 1] 1;
    /// Pushes local 3 (superinstruction of `LoadLocal 3`).
    0x0C LoadLocal3() [0 1] 1;
    /// Pushes the global named by access site `site`, through the site's version-checked cache.
    0x0D GetGlobal(site: u32) [0 1] 2;
    /// Pops a value into the global named by access site `site`.
    0x0E SetGlobal(site: u32) [1 0] 2;
    /// Pops two ints, pushes their sum; traps on overflow.
    0x0F AddInt() [2 1] 1;
    /// Pops two ints, pushes their difference; traps on overflow.
    0x10 SubInt() [2 1] 1;
    /// Pops two ints, pushes their product; traps on overflow.
    0x11 MulInt() [2 1] 2;
    /// Pops two ints, pushes their quotient truncated toward zero; traps on zero or overflow.
    0x12 DivInt() [2 1] 4;
    /// Pops two ints, pushes the remainder with the dividend's sign; traps on zero or overflow.
    0x13 RemInt() [2 1] 4;
    /// Negates the int on top; traps on overflow.
    0x14 NegInt() [1 1] 1;
    /// Pops two floats, pushes their sum.
    0x15 AddFloat() [2 1] 1;
    /// Pops two floats, pushes their difference.
    0x16 SubFloat() [2 1] 1;
    /// Pops two floats, pushes their product.
    0x17 MulFloat() [2 1] 2;
    /// Pops two floats, pushes their quotient.
    0x18 DivFloat() [2 1] 4;
    /// Pops two floats, pushes the remainder with the dividend's sign.
    0x19 RemFloat() [2 1] 4;
    /// Negates the float on top.
    0x1A NegFloat() [1 1] 1;
    /// Pops two ints, pushes their bitwise and.
    0x1B BitAnd() [2 1] 1;
    /// Pops two ints, pushes their bitwise or.
    0x1C BitOr() [2 1] 1;
    /// Pops two ints, pushes their bitwise exclusive or.
    0x1D BitXor() [2 1] 1;
    /// Pops an int and a shift amount, pushes the left shift; traps outside `0..=63`.
    0x1E Shl() [2 1] 1;
    /// Pops an int and a shift amount, pushes the arithmetic right shift; traps outside `0..=63`.
    0x1F Shr() [2 1] 1;
    /// Negates the bool on top.
    0x20 Not() [1 1] 1;
    /// Pops two ints, pushes whether they are equal.
    0x21 EqInt() [2 1] 1;
    /// Pops two ints, pushes whether they differ.
    0x22 NeInt() [2 1] 1;
    /// Pops two ints, pushes `a < b`.
    0x23 LtInt() [2 1] 1;
    /// Pops two ints, pushes `a <= b`.
    0x24 LeInt() [2 1] 1;
    /// Pops two ints, pushes `a > b`.
    0x25 GtInt() [2 1] 1;
    /// Pops two ints, pushes `a >= b`.
    0x26 GeInt() [2 1] 1;
    /// Pops two floats, pushes whether they are equal (IEEE).
    0x27 EqFloat() [2 1] 1;
    /// Pops two floats, pushes whether they differ (IEEE).
    0x28 NeFloat() [2 1] 1;
    /// Pops two floats, pushes `a < b`.
    0x29 LtFloat() [2 1] 1;
    /// Pops two floats, pushes `a <= b`.
    0x2A LeFloat() [2 1] 1;
    /// Pops two floats, pushes `a > b`.
    0x2B GtFloat() [2 1] 1;
    /// Pops two floats, pushes `a >= b`.
    0x2C GeFloat() [2 1] 1;
    /// Pops two bools, pushes whether they are equal.
    0x2D EqBool() [2 1] 1;
    /// Pops two bools, pushes whether they differ.
    0x2E NeBool() [2 1] 1;
    /// Pops two strings, pushes whether their contents are equal; charges 1 more cycle per 16 bytes of the
    /// shorter one.
    0x2F EqStr() [2 1] 2;
    /// Pops two strings, pushes whether their contents differ; charges 1 more cycle per 16 bytes of the
    /// shorter one.
    0x30 NeStr() [2 1] 2;
    /// Pops two strings, pushes whether `a < b` byte-wise; charges 1 more cycle per 16 bytes of the
    /// shorter one.
    0x31 LtStr() [2 1] 2;
    /// Pops two strings, pushes whether `a <= b` byte-wise; charges 1 more cycle per 16 bytes of the
    /// shorter one.
    0x32 LeStr() [2 1] 2;
    /// Pops two strings, pushes whether `a > b` byte-wise; charges 1 more cycle per 16 bytes of the
    /// shorter one.
    0x33 GtStr() [2 1] 2;
    /// Pops two strings, pushes whether `a >= b` byte-wise; charges 1 more cycle per 16 bytes of the
    /// shorter one.
    0x34 GeStr() [2 1] 2;
    /// Pops two strings, pushes their concatenation (a new string); charges 1 more cycle per
    /// 16 bytes copied.
    0x35 Concat() [2 1] 4;
    /// Converts the int on top to a float.
    0x36 IntToFloat() [1 1] 1;
    /// Converts the float on top to an int, truncating toward zero and saturating; NaN gives 0.
    0x37 FloatToInt() [1 1] 1;
    /// Continues at `target`.
    0x38 Jump(target: u32) [0 0] 1;
    /// Pops a bool and continues at `target` when it is false.
    0x39 JumpIfFalse(target: u32) [1 0] 1;
    /// Pops a bool and continues at `target` when it is true.
    0x3A JumpIfTrue(target: u32) [1 0] 1;
    /// Calls function `function` with its arguments on top of the stack.
    0x3B Call(function: u32) [dyn] 5;
    /// Calls host function `host` (an index into the program's host references).
    0x3C CallHost(host: u32) [dyn] 5;
    /// Pops the result and returns it to the caller.
    0x3D Return() [1 0] 3;
    /// Starts a `for` loop over locals `slot..slot+3`: traps on a zero step, jumps to `exit` if the loop runs zero times.
    0x3E ForPrep(slot: u16, exit: u32) [0 0] 2;
    /// Steps a `for` loop over locals `slot..slot+3` and jumps back to `body` while it runs.
    0x3F ForLoop(slot: u16, body: u32) [0 0] 2;
    /// Duplicates the top of the stack.
    0x40 Dup() [1 2] 1;
    /// Duplicates the top two values of the stack, keeping their order.
    0x41 Dup2() [2 4] 1;
    /// Pops the fields of struct type `ty` (in declaration order) and pushes a new instance.
    0x42 NewStruct(ty: u32) [dyn] 8;
    /// Pops a struct instance, pushes its field `index`.
    0x43 GetField(index: u16) [1 1] 1;
    /// Pops a struct instance and a value, stores the value in field `index`.
    0x44 SetField(index: u16) [2 0] 1;
    /// Pops `count` values and pushes a new array holding them in order.
    0x45 NewArray(count: u32) [dyn] 8;
    /// Pops a value and a count `n`, pushes a new array of `n` copies of the value; traps if `n < 0`,
    /// and checks the length and heap limits before allocating; charges `n / 4` more cycles.
    0x46 NewArrayRepeat() [2 1] 8;
    /// Pops an array and an index, pushes the element; traps when out of bounds.
    0x47 IndexGet() [2 1] 1;
    /// Pops an array, an index and a value, stores the element; traps when out of bounds.
    0x48 IndexSet() [3 0] 1;
    /// Pops two heap references, pushes whether they are the same object.
    0x49 EqRef() [2 1] 1;
    /// Pops two heap references, pushes whether they are different objects.
    0x4A NeRef() [2 1] 1;
    /// Adds `delta` to the int in local `slot` (superinstruction of `x += K`); traps on overflow.
    0x4B IncLocal(slot: u16, delta: i32) [0 0] 1;
    /// Adds `value` to the int on top (superinstruction of `PushInt; AddInt`); traps on overflow.
    0x4C AddIntImm(value: i32) [1 1] 1;
    /// Pops two ints and jumps to `target` unless `a < b` (fused `LtInt; JumpIfFalse`).
    0x4D JumpIfNotLtInt(target: u32) [2 0] 1;
    /// Pops two ints and jumps to `target` unless `a <= b` (fused `LeInt; JumpIfFalse`).
    0x4E JumpIfNotLeInt(target: u32) [2 0] 1;
    /// Pops two ints and jumps to `target` unless `a > b` (fused `GtInt; JumpIfFalse`).
    0x4F JumpIfNotGtInt(target: u32) [2 0] 1;
    /// Pops two ints and jumps to `target` unless `a >= b` (fused `GeInt; JumpIfFalse`).
    0x50 JumpIfNotGeInt(target: u32) [2 0] 1;
    /// Pops two ints and jumps to `target` unless `a == b` (fused `EqInt; JumpIfFalse`).
    0x51 JumpIfNotEqInt(target: u32) [2 0] 1;
    /// Pops two ints and jumps to `target` unless `a != b` (fused `NeInt; JumpIfFalse`).
    0x52 JumpIfNotNeInt(target: u32) [2 0] 1;
    /// Pushes local `a` + local `b` (ints; superinstruction of two loads and `AddInt`); traps on overflow.
    0x53 AddIntLL(a: u16, b: u16) [0 1] 1;
    /// Pushes local `a` - local `b` (ints; superinstruction of two loads and `SubInt`); traps on overflow.
    0x54 SubIntLL(a: u16, b: u16) [0 1] 1;
    /// Pushes local `a` * local `b` (ints; superinstruction of two loads and `MulInt`); traps on overflow.
    0x55 MulIntLL(a: u16, b: u16) [0 1] 2;
    /// Pushes local `a` + local `b` (floats; superinstruction of two loads and `AddFloat`).
    0x56 AddFloatLL(a: u16, b: u16) [0 1] 1;
    /// Pushes local `a` - local `b` (floats; superinstruction of two loads and `SubFloat`).
    0x57 SubFloatLL(a: u16, b: u16) [0 1] 1;
    /// Pushes local `a` * local `b` (floats; superinstruction of two loads and `MulFloat`).
    0x58 MulFloatLL(a: u16, b: u16) [0 1] 2;
    /// Pushes local `a` / local `b` (floats; superinstruction of two loads and `DivFloat`).
    0x59 DivFloatLL(a: u16, b: u16) [0 1] 4;
    /// Replaces the top with top + local `slot` (ints; superinstruction of a load and `AddInt`); traps on overflow.
    0x5A AddIntL(slot: u16) [1 1] 1;
    /// Replaces the top with top - local `slot` (ints; superinstruction of a load and `SubInt`); traps on overflow.
    0x5B SubIntL(slot: u16) [1 1] 1;
    /// Replaces the top with top * local `slot` (ints; superinstruction of a load and `MulInt`); traps on overflow.
    0x5C MulIntL(slot: u16) [1 1] 2;
    /// Replaces the top with top + local `slot` (floats; superinstruction of a load and `AddFloat`).
    0x5D AddFloatL(slot: u16) [1 1] 1;
    /// Replaces the top with top - local `slot` (floats; superinstruction of a load and `SubFloat`).
    0x5E SubFloatL(slot: u16) [1 1] 1;
    /// Replaces the top with top * local `slot` (floats; superinstruction of a load and `MulFloat`).
    0x5F MulFloatL(slot: u16) [1 1] 2;
    /// Replaces the top with top / local `slot` (floats; superinstruction of a load and `DivFloat`).
    0x60 DivFloatL(slot: u16) [1 1] 4;
    /// Pops a value and stores local `slot` + it into local `slot` (ints; superinstruction of `x += v` on a local); traps on overflow.
    0x61 AddIntToL(slot: u16) [1 0] 1;
    /// Pops a value and stores local `slot` - it into local `slot` (ints; superinstruction of `x -= v` on a local); traps on overflow.
    0x62 SubIntToL(slot: u16) [1 0] 1;
    /// Pops a value and stores local `slot` * it into local `slot` (ints; superinstruction of `x *= v` on a local); traps on overflow.
    0x63 MulIntToL(slot: u16) [1 0] 2;
    /// Pops a value and stores local `slot` + it into local `slot` (floats; superinstruction of `x += v` on a local).
    0x64 AddFloatToL(slot: u16) [1 0] 1;
    /// Pops a value and stores local `slot` - it into local `slot` (floats; superinstruction of `x -= v` on a local).
    0x65 SubFloatToL(slot: u16) [1 0] 1;
    /// Pops a value and stores local `slot` * it into local `slot` (floats; superinstruction of `x *= v` on a local).
    0x66 MulFloatToL(slot: u16) [1 0] 2;
    /// Pops a value and stores local `slot` / it into local `slot` (floats; superinstruction of `x /= v` on a local).
    0x67 DivFloatToL(slot: u16) [1 0] 4;
    /// Copies local `src` into local `dst` (superinstruction of `LoadLocal src; StoreLocal dst`).
    0x68 MoveLocal(dst: u16, src: u16) [0 0] 1;
    /// Pushes field `index` of the struct in local `slot` (superinstruction of a load and `GetField`).
    0x69 GetFieldL(slot: u16, index: u16) [0 1] 1;
    /// Pops a value into field `index` of the struct in local `slot` (superinstruction of a load, the value and `SetField`).
    0x6A SetFieldL(slot: u16, index: u16) [1 0] 1;
    /// Pushes element local `index` of the array in local `array`; traps when out of bounds (superinstruction of two loads and `IndexGet`).
    0x6B IndexGetLL(array: u16, index: u16) [0 1] 1;
    /// Pops a value into element local `index` of the array in local `array`; traps when out of bounds (superinstruction of two loads, the value and `IndexSet`).
    0x6C IndexSetLL(array: u16, index: u16) [1 0] 1;
    /// Pops two floats and jumps to `target` unless `a < b` (fused `LtFloat; JumpIfFalse`).
    0x6D JumpIfNotLtFloat(target: u32) [2 0] 1;
    /// Pops two floats and jumps to `target` unless `a <= b` (fused `LeFloat; JumpIfFalse`).
    0x6E JumpIfNotLeFloat(target: u32) [2 0] 1;
    /// Pops two floats and jumps to `target` unless `a > b` (fused `GtFloat; JumpIfFalse`).
    0x6F JumpIfNotGtFloat(target: u32) [2 0] 1;
    /// Pops two floats and jumps to `target` unless `a >= b` (fused `GeFloat; JumpIfFalse`).
    0x70 JumpIfNotGeFloat(target: u32) [2 0] 1;
    /// Stores local `dst` + local `src` into local `dst` (ints; superinstruction of `x += y` on two locals); traps on overflow.
    0x71 AddIntToLL(dst: u16, src: u16) [0 0] 1;
    /// Stores local `dst` - local `src` into local `dst` (ints; superinstruction of `x -= y` on two locals); traps on overflow.
    0x72 SubIntToLL(dst: u16, src: u16) [0 0] 1;
    /// Stores local `dst` * local `src` into local `dst` (ints; superinstruction of `x *= y` on two locals); traps on overflow.
    0x73 MulIntToLL(dst: u16, src: u16) [0 0] 2;
    /// Stores local `dst` + local `src` into local `dst` (floats; superinstruction of `x += y` on two locals).
    0x74 AddFloatToLL(dst: u16, src: u16) [0 0] 1;
    /// Stores local `dst` - local `src` into local `dst` (floats; superinstruction of `x -= y` on two locals).
    0x75 SubFloatToLL(dst: u16, src: u16) [0 0] 1;
    /// Stores local `dst` * local `src` into local `dst` (floats; superinstruction of `x *= y` on two locals).
    0x76 MulFloatToLL(dst: u16, src: u16) [0 0] 2;
    /// Stores local `dst` / local `src` into local `dst` (floats; superinstruction of `x /= y` on two locals).
    0x77 DivFloatToLL(dst: u16, src: u16) [0 0] 4;
    /// Pushes local `slot` + `value` (superinstruction of `LoadLocal; AddIntImm`); traps on overflow.
    0x78 AddLocalImm(slot: u16, value: i32) [0 1] 1;
    /// Replaces the float on top with `Math` function `func` of it (see `FLOAT_FUNCTIONS`); costs what the host call it replaces costs.
    0x79 FloatFn(func: u16) [1 1] 13;
    /// Returns local `slot` to the caller (superinstruction of `LoadLocal slot; Return`).
    0x7A ReturnLocal(slot: u16) [0 0] 3;
    /// Calls host function `host` like `CallHost` and discards its result (fused `CallHost; Pop`
    /// of a call made as a statement); costs what `CallHost` costs.
    0x7B CallHostDrop(host: u32) [dyn] 5;
    /// Replaces the array on top with its length (`xs.len()`).
    0x7C ArrayLen() [1 1] 1;
    /// Pops a value and an array below it and appends the value (`xs.push(v)`); traps when
    /// the array is at the length limit or the heap is full.
    0x7D ArrayPush() [2 0] 2;
    /// Replaces the array on top with its last element, removed (`xs.pop()`); traps when the
    /// array is empty.
    0x7E ArrayPop() [1 1] 2;
    /// Pushes the length of the array in local `slot` (superinstruction of a load and `ArrayLen`).
    0x7F ArrayLenL(slot: u16) [0 1] 1;
    /// Pushes the payload-free variant `variant` of enum type `ty` (a scalar; allocates nothing).
    0x80 PushEnum(ty: u16, variant: u16) [0 1] 1;
    /// Pops an enum value (a payload-free variant or a payload instance), pushes its variant
    /// index as an int.
    0x81 EnumTag() [1 1] 1;
    /// Pushes `none`, the optional without a value (`some(x)` is `x` itself).
    0x90 PushNone() [0 1] 1;
    /// Pops an optional, pushes whether it is `none`.
    0x91 IsNone() [1 1] 1;
    /// Pops an optional, pushes whether it holds a value.
    0x92 IsSome() [1 1] 1;
    /// Traps with "unwrap of none" when the optional on top is `none`; otherwise leaves its value.
    0x93 Unwrap() [1 1] 1;
    /// Continues at `target` when the optional on top holds a value; either way it stays on top.
    0x94 JumpIfSome(target: u32) [1 1] 1;
    /// Pops two optionals, pushes whether they are equal: both `none`, or both values that are
    /// equal (strings by content, charged like `EqStr`; other heap values by identity).
    0x95 EqOpt() [2 1] 2;
    /// Pops two optionals, pushes whether they differ (the negation of `EqOpt`).
    0x96 NeOpt() [2 1] 2;
    /// Calls method `method` of contract `contract` on the receiver below its arguments: the
    /// receiver's struct's method, found through the inline cache of call site `site`.
    0xA0 CallContract(contract: u16, method: u16, site: u32) [dyn] 6;
    /// Pops `captures` boxes and pushes a new function value for lambda `function`, whose
    /// local 0 is that value when it runs (the boxes are read through it).
    0xB0 MakeClosure(function: u32, captures: u16) [dyn] 8;
    /// Pushes a function value for the plain function `function` (a top-level function or
    /// a method).
    0xB1 FuncRef(function: u32) [0 1] 8;
    /// Calls the function value below its `args` arguments; pops both, pushes the result.
    0xB2 CallValue(args: u16) [dyn] 6;
    /// Pops a value and pushes a new box holding it (a captured local).
    0xB3 NewBox() [1 1] 4;
    /// Pushes the value held by the box in local `slot`.
    0xB4 LoadBox(slot: u16) [0 1] 1;
    /// Pops a value into the box in local `slot`.
    0xB5 StoreBox(slot: u16) [1 0] 1;
    /// Pushes the value held by capture `index` of the running lambda.
    0xB6 LoadCapture(index: u16) [0 1] 2;
    /// Pops a value into capture `index` of the running lambda.
    0xB7 StoreCapture(index: u16) [1 0] 2;
    /// Pushes the box of capture `index` of the running lambda (to capture it again).
    0xB8 CaptureBox(index: u16) [0 1] 1;
    /// Pops `count` key-value pairs (key, then value, in order) and pushes a new map holding
    /// them in that order (a repeated key keeps its first place and takes the later value);
    /// charges 4 more cycles per pair and 1 per 16 bytes of each string key.
    0xC0 NewMap(count: u32) [dyn] 8;
    /// Pops a map and a key, pushes the key's value; traps with "key not found" when it is
    /// absent. A string key charges 1 more cycle per 16 bytes.
    0xC1 MapGet() [2 1] 3;
    /// Pops a map, a key and a value: replaces the key's value in place, or appends the key;
    /// traps when a new key is added while a loop runs over the map. A string key charges 1
    /// more cycle per 16 bytes.
    0xC2 MapSet() [3 0] 4;
    /// Pops a map, pushes how many keys it holds.
    0xC3 MapLen() [1 1] 1;
    /// Pops a map and a key, pushes whether the key is present (string keys charged like `MapGet`).
    0xC4 MapHas() [2 1] 3;
    /// Pops a map and a key, pushes the key's value or `none` (string keys charged like `MapGet`).
    0xC5 MapGetOpt() [2 1] 3;
    /// Pops a map and a key, removes the key and pushes its value, or `none` when it was absent;
    /// traps when the key is present while a loop runs over the map. Charges 1 more cycle per
    /// 16 entries moved down and per 16 bytes of a string key.
    0xC6 MapRemove() [2 1] 4;
    /// Pops a map, pushes a new array of its keys in insertion order; charges `n / 4` more.
    0xC7 MapKeys() [1 1] 8;
    /// Pops a map, pushes a new array of its values in insertion order; charges `n / 4` more.
    0xC8 MapValues() [1 1] 8;
    /// Pops a map and removes every key (the unit value is pushed); traps while a loop runs
    /// over a non-empty map. Charges `n / 16` more.
    0xC9 MapClear() [1 1] 2;
    /// Pops a map and a position, pushes the key at that position in insertion order.
    0xCA MapKeyAt() [2 1] 1;
    /// Pops a map and a position, pushes the value at that position in insertion order.
    0xCB MapValueAt() [2 1] 1;
    /// Notes that a `for … in` loop over the map in local `slot` starts: until `MapIterEnd`,
    /// adding or removing its keys traps.
    0xCC MapIterBegin(slot: u16) [0 0] 1;
    /// Notes that the `for … in` loop over the map in local `slot` has ended.
    0xCD MapIterEnd(slot: u16) [0 0] 1;
    /// Internal form of `LoadLocal slot; IsSome; JumpIfFalse target`: continues at `target`
    /// when the optional in local `slot` is `none`. Never in a `.pbc` (see [`Opcode::is_internal`]).
    0xF0 JumpIfNoneL(slot: u16, target: u32) [0 0] 0;
    /// Internal form of `LoadLocal slot; IsNone; JumpIfFalse target`: continues at `target`
    /// when the optional in local `slot` holds a value. Never in a `.pbc`.
    0xF1 JumpIfSomeL(slot: u16, target: u32) [0 0] 0;
    /// Internal form of `LoadLocal slot; Unwrap; GetField index`: pushes field `index` of the
    /// struct held by the optional in local `slot`, trapping as `Unwrap` does on `none`.
    /// Never in a `.pbc`.
    0xF2 UnwrapFieldL(slot: u16, index: u16) [0 1] 0;
    /// Internal form of `LoadLocal slot; PushInt value; JumpIfNotLtInt target`. Never in a `.pbc`.
    0xF3 JumpIfNotLtIntLI(slot: u16, value: i32, target: u32) [0 0] 0;
    /// Internal form of `LoadLocal slot; PushInt value; JumpIfNotLeInt target`. Never in a `.pbc`.
    0xF4 JumpIfNotLeIntLI(slot: u16, value: i32, target: u32) [0 0] 0;
    /// Internal form of `LoadLocal slot; PushInt value; JumpIfNotGtInt target`. Never in a `.pbc`.
    0xF5 JumpIfNotGtIntLI(slot: u16, value: i32, target: u32) [0 0] 0;
    /// Internal form of `LoadLocal slot; PushInt value; JumpIfNotGeInt target`. Never in a `.pbc`.
    0xF6 JumpIfNotGeIntLI(slot: u16, value: i32, target: u32) [0 0] 0;
    /// Internal form of `LoadLocal slot; PushInt value; JumpIfNotEqInt target`. Never in a `.pbc`.
    0xF7 JumpIfNotEqIntLI(slot: u16, value: i32, target: u32) [0 0] 0;
    /// Internal form of `LoadLocal slot; PushInt value; JumpIfNotNeInt target`. Never in a `.pbc`.
    0xF8 JumpIfNotNeIntLI(slot: u16, value: i32, target: u32) [0 0] 0;
}

/// The first opcode number of the VM's internal forms. The rows from here on are not part of
/// the `.pbc` format: decoding refuses them as unknown opcodes, the compiler never emits them,
/// and they have no cycle cost of their own. The VM puts them in place of the canonical
/// sequence each one names when it links a verified program, keeping that sequence's
/// instructions after it (so a jump into the sequence still finds them) and charging the
/// sequence's own costs, so cycle counts are those of the canonical instructions.
pub const FIRST_INTERNAL: u8 = 0xF0;

/// Whether control can continue to the next instruction after `instr`.
pub fn falls_through(instr: &Instr) -> bool {
    !matches!(
        instr,
        Instr::Jump(_) | Instr::Return() | Instr::ReturnLocal(_)
    )
}

/// The one-float `Math` functions that compile to [`Instr::FloatFn`], indexed by its operand.
/// They compute exactly what the host functions of the same names compute, at the same cost
/// (a host call's 5 cycles plus the function's 8), without the host-call protocol.
pub const FLOAT_FUNCTIONS: [&str; 9] = [
    "Math.sqrt",
    "Math.sin",
    "Math.cos",
    "Math.tan",
    "Math.exp",
    "Math.ln",
    "Math.floor",
    "Math.ceil",
    "Math.round",
];

/// Whether an instruction ends a straight-line run: it may transfer control (a jump, a
/// loop step, a call or a return). The VM checks the cycle budget after each of these and
/// charges the cost of the run that follows.
pub fn ends_run(instr: &Instr) -> bool {
    jump_target(instr).is_some()
        || matches!(
            instr,
            Instr::Call(_)
                | Instr::CallValue(_)
                | Instr::CallContract(..)
                | Instr::Return()
                | Instr::ReturnLocal(_)
        )
}

/// The jump target operand of an instruction, if it has one.
pub fn jump_target(instr: &Instr) -> Option<u32> {
    match *instr {
        Instr::Jump(t) | Instr::JumpIfFalse(t) | Instr::JumpIfTrue(t) | Instr::JumpIfSome(t) => {
            Some(t)
        }
        Instr::JumpIfNotLtInt(t)
        | Instr::JumpIfNotLeInt(t)
        | Instr::JumpIfNotGtInt(t)
        | Instr::JumpIfNotGeInt(t)
        | Instr::JumpIfNotEqInt(t)
        | Instr::JumpIfNotNeInt(t)
        | Instr::JumpIfNotLtFloat(t)
        | Instr::JumpIfNotLeFloat(t)
        | Instr::JumpIfNotGtFloat(t)
        | Instr::JumpIfNotGeFloat(t) => Some(t),
        Instr::ForPrep(_, t) | Instr::ForLoop(_, t) => Some(t),
        Instr::JumpIfNoneL(_, t)
        | Instr::JumpIfSomeL(_, t)
        | Instr::JumpIfNotLtIntLI(_, _, t)
        | Instr::JumpIfNotLeIntLI(_, _, t)
        | Instr::JumpIfNotGtIntLI(_, _, t)
        | Instr::JumpIfNotGeIntLI(_, _, t)
        | Instr::JumpIfNotEqIntLI(_, _, t)
        | Instr::JumpIfNotNeIntLI(_, _, t) => Some(t),
        _ => None,
    }
}

/// Replaces the jump target operand of an instruction (no-op for instructions without one).
pub fn with_jump_target(instr: Instr, target: u32) -> Instr {
    match instr {
        Instr::Jump(_) => Instr::Jump(target),
        Instr::JumpIfFalse(_) => Instr::JumpIfFalse(target),
        Instr::JumpIfTrue(_) => Instr::JumpIfTrue(target),
        Instr::JumpIfSome(_) => Instr::JumpIfSome(target),
        Instr::ForPrep(slot, _) => Instr::ForPrep(slot, target),
        Instr::ForLoop(slot, _) => Instr::ForLoop(slot, target),
        Instr::JumpIfNotLtInt(_) => Instr::JumpIfNotLtInt(target),
        Instr::JumpIfNotLeInt(_) => Instr::JumpIfNotLeInt(target),
        Instr::JumpIfNotGtInt(_) => Instr::JumpIfNotGtInt(target),
        Instr::JumpIfNotGeInt(_) => Instr::JumpIfNotGeInt(target),
        Instr::JumpIfNotEqInt(_) => Instr::JumpIfNotEqInt(target),
        Instr::JumpIfNotNeInt(_) => Instr::JumpIfNotNeInt(target),
        Instr::JumpIfNotLtFloat(_) => Instr::JumpIfNotLtFloat(target),
        Instr::JumpIfNotLeFloat(_) => Instr::JumpIfNotLeFloat(target),
        Instr::JumpIfNotGtFloat(_) => Instr::JumpIfNotGtFloat(target),
        Instr::JumpIfNotGeFloat(_) => Instr::JumpIfNotGeFloat(target),
        Instr::JumpIfNoneL(slot, _) => Instr::JumpIfNoneL(slot, target),
        Instr::JumpIfSomeL(slot, _) => Instr::JumpIfSomeL(slot, target),
        Instr::JumpIfNotLtIntLI(slot, v, _) => Instr::JumpIfNotLtIntLI(slot, v, target),
        Instr::JumpIfNotLeIntLI(slot, v, _) => Instr::JumpIfNotLeIntLI(slot, v, target),
        Instr::JumpIfNotGtIntLI(slot, v, _) => Instr::JumpIfNotGtIntLI(slot, v, target),
        Instr::JumpIfNotGeIntLI(slot, v, _) => Instr::JumpIfNotGeIntLI(slot, v, target),
        Instr::JumpIfNotEqIntLI(slot, v, _) => Instr::JumpIfNotEqIntLI(slot, v, target),
        Instr::JumpIfNotNeIntLI(slot, v, _) => Instr::JumpIfNotNeIntLI(slot, v, target),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_opcode_round_trips_through_its_byte() {
        for &op in Opcode::ALL {
            assert_eq!(Opcode::try_from(op as u8), Ok(op));
        }
        assert_eq!(
            Opcode::try_from(0xFF),
            Err(DecodeError::UnknownOpcode(0xFF))
        );
    }

    #[test]
    fn internal_forms_never_decode_from_a_program_file() {
        let internal: Vec<Opcode> = Opcode::ALL
            .iter()
            .copied()
            .filter(|op| op.is_internal())
            .collect();
        assert!(!internal.is_empty());
        for op in internal {
            assert!(op as u8 >= FIRST_INTERNAL);
            let mut bytes = vec![op as u8];
            bytes.resize(op.size(), 0);
            assert_eq!(
                Instr::decode(&bytes),
                Err(DecodeError::UnknownOpcode(op as u8)),
                "{} decoded",
                op.name()
            );
        }
        assert!(!Opcode::JumpIfFalse.is_internal());
    }

    #[test]
    fn encode_decode_round_trip() {
        let instrs = [
            Instr::PushInt(-7),
            Instr::ForPrep(3, 99),
            Instr::Const(70000),
            Instr::Return(),
        ];
        let mut bytes = Vec::new();
        for i in &instrs {
            i.encode(&mut bytes);
        }
        let mut at = 0;
        for i in &instrs {
            let (d, size) = Instr::decode(&bytes[at..]).unwrap();
            assert_eq!(&d, i);
            assert_eq!(size, i.opcode().size());
            at += size;
        }
        assert_eq!(Instr::decode(&bytes[..2]), Err(DecodeError::Truncated));
    }

    /// A snapshot of the whole table: any change to numbers, operands, effects or costs shows here.
    #[test]
    fn opcode_table_snapshot() {
        let mut table = String::new();
        for &op in Opcode::ALL {
            table.push_str(&format!(
                "{:#04x} {} {:?} {:?} cost={}\n",
                op as u8,
                op.name(),
                op.operands(),
                op.stack_effect(),
                op.cost()
            ));
        }
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/opcodes.snap");
        if std::env::var_os("BLESS").is_some() {
            std::fs::write(path, &table).unwrap();
        }
        let expected = std::fs::read_to_string(path).unwrap_or_default();
        assert_eq!(
            table, expected,
            "the opcode table changed; review and rerun with BLESS=1"
        );
    }
}
