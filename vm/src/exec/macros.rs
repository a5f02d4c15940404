//! The dispatch loop's building blocks: macros that read and write the value stack, the
//! locals and heap objects, and leave the loop with a trap. They are macros rather than
//! functions because they `break` out of the loop with the trap and keep the frame's state in
//! the loop's locals.

/// Pops two operands of one kind and pushes `f(a, b)`.
macro_rules! binary {
    ($stack:ident, $sp:ident, $get:ident, $f:expr, $wrap:expr) => {{
        let b = operand!($stack.$get($sp - 1));
        let a = operand!($stack.$get($sp - 2));
        $sp -= 1;
        match $f(a, b) {
            Ok(v) => set!($stack, $sp - 1, $wrap(v)),
            Err(k) => trap!(k),
        }
    }};
}

/// Reads an operand of the kind an instruction expects, leaving the loop when it is not.
macro_rules! operand {
    ($e:expr) => {
        match $e {
            Some(v) => v,
            None => {
                trap!(TrapKind::InvalidProgram("an operand of the wrong kind",))
            }
        }
    };
}

/// Unwraps a result inside the loop, leaving it with the error.
macro_rules! attempt {
    ($e:expr) => {
        match $e {
            Ok(v) => v,
            Err(k) => trap!(k),
        }
    };
}

/// Pops two strings and pushes the result of testing their byte-wise ordering.
/// Charges 1 cycle per 16 bytes the comparison may read (the shorter string's length).
macro_rules! compare_strings {
    ($heap:ident, $stack:ident, $sp:ident, $remaining:ident, $test:expr) => {{
        let ordering = {
            let a = attempt!(str($heap, get!($stack, $sp - 2)));
            let b = attempt!(str($heap, get!($stack, $sp - 1)));
            $remaining -= (a.len().min(b.len()) / 16) as i64;
            a.as_bytes().cmp(b.as_bytes())
        };
        $sp -= 1;
        set!($stack, $sp - 1, Value::Bool($test(ordering)));
    }};
}

/// Reads a stack slot as a value.
macro_rules! get {
    ($stack:ident, $i:expr) => {
        $stack.get($i)
    };
}

/// Writes a value into a stack slot.
macro_rules! set {
    ($stack:ident, $i:expr, $v:expr) => {{
        let value = $v;
        $stack.set($i, value)
    }};
}

/// Reads a stack slot as a packed value, without decoding it.
macro_rules! get_packed {
    ($stack:ident, $i:expr) => {
        $stack.packed($i)
    };
}

/// Writes a packed value into a stack slot.
macro_rules! set_packed {
    ($stack:ident, $i:expr, $v:expr) => {{
        let value: Packed = $v;
        $stack.set_packed($i, value)
    }};
}

/// Copies one stack slot into another, tag and payload, without decoding the value.
macro_rules! copy {
    ($stack:ident, $dst:expr, $src:expr) => {{
        let (dst, src) = ($dst, $src);
        $stack.copy(dst, src)
    }};
}

/// Pushes `f(local a, local b)` for two locals of one kind.
macro_rules! locals_binary {
    ($stack:ident, $sp:ident, $base:ident, $get:ident, $a:expr, $b:expr, $f:expr, $wrap:expr) => {{
        let a = operand!($stack.$get($base + $a as usize));
        let b = operand!($stack.$get($base + $b as usize));
        match $f(a, b) {
            Ok(v) => set!($stack, $sp, $wrap(v)),
            Err(k) => trap!(k),
        }
        $sp += 1;
    }};
}

/// Replaces the top with `f(top, local slot)` for operands of one kind.
macro_rules! top_local_binary {
    ($stack:ident, $sp:ident, $base:ident, $get:ident, $slot:expr, $f:expr, $wrap:expr) => {{
        let a = operand!($stack.$get($sp - 1));
        let b = operand!($stack.$get($base + $slot as usize));
        match $f(a, b) {
            Ok(v) => set!($stack, $sp - 1, $wrap(v)),
            Err(k) => trap!(k),
        }
    }};
}

/// Pops a value `v` and stores `f(local slot, v)` into the local, for operands of one kind.
macro_rules! update_local {
    ($stack:ident, $sp:ident, $base:ident, $get:ident, $slot:expr, $f:expr, $wrap:expr) => {{
        let at = $base + $slot as usize;
        let v = operand!($stack.$get($sp - 1));
        let a = operand!($stack.$get(at));
        match $f(a, v) {
            Ok(r) => set!($stack, at, $wrap(r)),
            Err(k) => trap!(k),
        }
        $sp -= 1;
    }};
}

/// Stores `f(local dst, local src)` into local `dst`, for operands of one kind.
macro_rules! update_from_local {
    ($stack:ident, $base:ident, $get:ident, $dst:expr, $src:expr, $f:expr, $wrap:expr) => {{
        let at = $base + $dst as usize;
        let a = operand!($stack.$get(at));
        let b = operand!($stack.$get($base + $src as usize));
        match $f(a, b) {
            Ok(r) => set!($stack, at, $wrap(r)),
            Err(k) => trap!(k),
        }
    }};
}

/// Reads element `index` of an array value as a packed value, leaving the loop with a
/// trap when it is out of bounds. One unsigned compare covers a negative index too.
macro_rules! element {
    ($heap:ident, $array:expr, $index:expr) => {{
        let index: i64 = $index;
        let items = attempt!($heap.array($array));
        if (index as u64) < items.len() as u64 {
            items[index as usize]
        } else {
            trap!(TrapKind::IndexOutOfBounds {
                index,
                len: items.len(),
            });
        }
    }};
}

/// Stores a packed value into element `index` of an array value, leaving the loop with a
/// trap when it is out of bounds.
macro_rules! set_element {
    ($heap:ident, $array:expr, $index:expr, $value:expr) => {{
        let (index, value): (i64, Packed) = ($index, $value);
        let items = attempt!($heap.array_mut($array));
        let len = items.len();
        if (index as u64) < len as u64 {
            items[index as usize] = value;
        } else {
            trap!(TrapKind::IndexOutOfBounds { index, len });
        }
    }};
}

/// Reads field `index` of a struct value as a packed value.
macro_rules! field {
    ($heap:ident, $object:expr, $index:expr) => {{
        let fields = attempt!($heap.fields($object));
        match fields.get($index as usize) {
            Some(&value) => value,
            None => {
                trap!(TrapKind::InvalidProgram("field index out of range",))
            }
        }
    }};
}

/// Stores a packed value into field `index` of a struct value.
macro_rules! set_field {
    ($heap:ident, $object:expr, $index:expr, $value:expr) => {{
        let value: Packed = $value;
        let fields = attempt!($heap.fields_mut($object));
        match fields.get_mut($index as usize) {
            Some(field) => *field = value,
            None => {
                trap!(TrapKind::InvalidProgram("field index out of range",))
            }
        }
    }};
}

/// Collects garbage if enough was allocated; only used between instructions, where every
/// live value is on the stack, in a global or in the constant table.
macro_rules! safepoint_impl {
    ($heap:ident, $stack:ident, $sp:ident, $globals:ident, $constants:ident) => {
        if $heap.wants_collection() {
            collect_impl!($heap, $stack, $sp, $globals, $constants);
        }
    };
}

/// Collects garbage now: every live value is on the stack below `sp`, in a global or in the
/// constant table.
macro_rules! collect_impl {
    ($heap:ident, $stack:ident, $sp:ident, $globals:ident, $constants:ident) => {
        $heap.collect(
            (0..$sp)
                .map(|i| $stack.get(i))
                .chain($globals.values.iter().map(|p| p.get()))
                .chain($constants.iter().map(|p| p.get())),
        )
    };
}

/// Pops two ints (or two values of the named kind) and jumps unless the comparison `$op`
/// holds, then checks the budget (with the dispatch loop's own `check_budget!`).
macro_rules! compare_jump {
    ($stack:ident, $sp:ident, $pc:ident, $target:ident, $op:tt) => {
        compare_jump!($stack, $sp, $pc, $target, int, $op)
    };
    ($stack:ident, $sp:ident, $pc:ident, $target:ident, $get:ident, $op:tt) => {{
        let b = operand!($stack.$get($sp - 1));
        let a = operand!($stack.$get($sp - 2));
        $sp -= 2;
        // A comparison with NaN does not hold: the branch is taken.
        let holds = a $op b;
        if !holds {
            $pc = $target as usize;
        }
        check_budget!();
    }};
}

/// The internal form of a local compared with an int constant and a `JumpIfNot*Int`: jumps
/// unless the comparison holds, otherwise continues after the canonical sequence, whose two
/// later instructions follow the form in the code; then checks the budget.
macro_rules! compare_local_jump {
    ($stack:ident, $base:ident, $pc:ident, $slot:ident, $value:ident, $target:ident, $op:tt) => {{
        // Past the sequence first, so that a trap names its last instruction, as it would.
        $pc += 2;
        let a = operand!($stack.int($base + $slot as usize));
        if !(a $op i64::from($value)) {
            $pc = $target as usize;
        }
        check_budget!();
    }};
}

/// The internal form of `LoadLocal; IsSome` or `LoadLocal; IsNone` and a `JumpIfFalse`:
/// jumps when the optional in the local is (`none`) or is not (`some`) `none`, otherwise
/// continues after the canonical sequence; then checks the budget.
macro_rules! optional_local_jump {
    ($stack:ident, $base:ident, $pc:ident, $slot:ident, $target:ident, $jump_if_none:literal) => {{
        let none = matches!(get!($stack, $base + $slot as usize), Value::None);
        $pc = if none == $jump_if_none {
            $target as usize
        } else {
            $pc + 2
        };
        check_budget!();
    }};
}

/// The internal form of `LoadLocal; Unwrap; GetField`: pushes a field of the struct held by
/// the optional in a local, or traps as the `Unwrap` would, naming it.
macro_rules! unwrap_field_local {
    ($stack:ident, $heap:ident, $base:ident, $sp:ident, $pc:ident, $slot:ident, $index:ident) => {{
        $pc += 1;
        let optional = get!($stack, $base + $slot as usize);
        if matches!(optional, Value::None) {
            trap!(TrapKind::UnwrapNone);
        }
        $pc += 1;
        set_packed!($stack, $sp, field!($heap, optional, $index));
        $sp += 1;
    }};
}
