//! The dispatch loop's rare exits, marked cold.
//!
//! A running program almost never traps or runs out of cycles in the middle of a frame, but
//! the optimiser cannot know that: without a hint it weighs a handler's trap branch like its
//! normal path. Passing each trap and pause through these never-inlined cold functions tells
//! it which way the branch goes.
//!
//! The frame state the code after the loop needs (`pc`, `sp`, the call depth and the budget)
//! goes into the call as arguments and comes back in the [`Stop`] it returns. None of it is
//! live across the call, so the register allocator need not keep it in registers that
//! survive calls, or in memory, on the hot paths only to have it after a trap.

use crate::machine::Exit;
use crate::TrapKind;

/// Why and where a run stopped: the outcome and the frame state at that instruction
/// boundary, which the dispatch loop writes back into the VM.
pub(super) struct Stop {
    /// The run's outcome.
    pub(super) result: Result<Exit, TrapKind>,
    /// The index of the next instruction (after the trapping one, for a trap).
    pub(super) pc: usize,
    /// The stack pointer.
    pub(super) sp: usize,
    /// How many frames are active.
    pub(super) depth: usize,
    /// The cycles left, before any refund.
    pub(super) remaining: i64,
}

/// The stop of a run that trapped; calling it marks the branch that traps as cold.
#[cold]
#[inline(never)]
pub(super) fn trapped(kind: TrapKind, pc: usize, sp: usize, depth: usize, remaining: i64) -> Stop {
    Stop {
        result: Err(kind),
        pc,
        sp,
        depth,
        remaining,
    }
}

/// The stop of a run whose budget is spent; calling it marks the pausing branch as cold.
#[cold]
#[inline(never)]
pub(super) fn paused(pc: usize, sp: usize, depth: usize, remaining: i64) -> Stop {
    Stop {
        result: Ok(Exit::OutOfCycles),
        pc,
        sp,
        depth,
        remaining,
    }
}

/// The trap for a read of a global (at access site `site`) before its initializer ran.
#[cold]
#[inline(never)]
pub(super) fn uninitialized(
    program: &prometeu_bytecode::VerifiedProgram,
    names: &[u32],
    site: u32,
) -> TrapKind {
    let name = program.program().string(names[site as usize]);
    TrapKind::UninitializedGlobal(name.to_string())
}
