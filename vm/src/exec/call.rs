//! Entering and leaving call frames.
//!
//! Frames live in a preallocated array ([`Vm::frames`](crate::machine::Vm)) of which the
//! first `depth` entries are in use; the innermost frame's `pc` and `base` are kept in the
//! dispatch loop's locals and written back only when the run stops. A call writes the
//! caller's next `pc` into its frame and the callee's frame after it; a return reads the
//! caller's frame back. Arguments are not copied: the callee's locals start at the first
//! argument, where the caller pushed it. Every instruction that calls a function goes
//! through [`enter`], so the depth and stack limits are checked in one place.

use crate::code::Callee;
use crate::machine::{Frame, Limits};
use crate::stack::Slots;
use crate::{TrapKind, Value};

/// How many frames a VM allocates up front (fewer when the call-depth limit is lower);
/// deeper runs grow the array up to the limit.
pub(crate) const INITIAL_FRAMES: usize = 1024;

/// The frame state of a function just entered.
pub(crate) struct Entered {
    /// The stack index of the callee's local 0 (its first argument).
    pub(crate) base: usize,
    /// The stack top above the callee's locals.
    pub(crate) sp: usize,
}

/// Pushes the frame of a call of `function`, described by `callee`, whose arguments are
/// the `callee.params` slots below `sp`; `pc` is the caller's next instruction. The
/// callee's locals beyond its parameters are set to unit. When the call would exceed the
/// call-depth or stack-slot limit it traps and changes nothing. The caller then continues
/// at `callee.entry` with the returned base and stack top.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
pub(crate) fn enter(
    frames: &mut Vec<Frame>,
    depth: &mut usize,
    stack: &mut Slots<'_>,
    limits: &Limits,
    function: u32,
    callee: &Callee,
    sp: usize,
    pc: usize,
) -> Result<Entered, TrapKind> {
    let d = *depth;
    if d >= frames.len() {
        grow(frames, d, limits.call_depth)?;
    }
    let locals_end = sp + callee.fresh as usize;
    if sp + callee.reserve as usize > limits.stack_slots {
        return Err(TrapKind::ValueStack(limits.stack_slots));
    }
    let base = sp - callee.params as usize;
    // The caller's frame and the new one, borrowed together: one bounds check, and the
    // array's address and length are read once (`d` is at least 1 during a run, and below
    // the length after the check above).
    if let Some([caller, frame]) = frames.get_mut(d.wrapping_sub(1)..=d) {
        caller.pc = pc as u32;
        *frame = Frame {
            function,
            pc: callee.entry,
            base: base as u32,
        };
    }
    *depth = d + 1;
    for slot in sp..locals_end {
        stack.set(slot, Value::Unit);
    }
    Ok(Entered {
        base,
        sp: locals_end,
    })
}

/// Pops the innermost frame and returns its caller's, or `None` when the run's first
/// frame returned.
#[inline(always)]
pub(crate) fn leave(frames: &[Frame], depth: &mut usize) -> Option<Frame> {
    *depth -= 1;
    match *depth {
        0 => None,
        d => frames.get(d - 1).copied(),
    }
}

/// Makes room for frame `depth` when the array is full: traps when the call-depth limit
/// is reached, otherwise doubles the array (up to the limit). Rare, so kept off the call
/// path.
#[cold]
#[inline(never)]
fn grow(frames: &mut Vec<Frame>, depth: usize, call_depth: usize) -> Result<(), TrapKind> {
    if depth >= call_depth {
        return Err(TrapKind::CallDepth(call_depth));
    }
    let len = depth
        .max(INITIAL_FRAMES / 2)
        .saturating_mul(2)
        .min(call_depth)
        .max(depth + 1);
    frames.resize(len, Frame::default());
    Ok(())
}
