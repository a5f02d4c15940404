//! The dispatch loop's rare exits, marked cold.
//!
//! A running program almost never traps or runs out of cycles in the middle of a frame, but
//! the optimiser cannot know that: without a hint it weighs a handler's trap branch like its
//! normal path and keeps the frame's state (`sp`, the budget, the frame index) in memory
//! around every instruction that may trap. Passing each trap and pause through these
//! never-inlined cold functions tells it which way the branch goes, so the state stays in
//! registers on the normal path and is saved only on the way out.

use crate::machine::Exit;
use crate::TrapKind;

/// Hands back the trap unchanged; calling it marks the branch that traps as cold.
#[cold]
#[inline(never)]
pub(super) fn trapped(kind: TrapKind) -> TrapKind {
    kind
}

/// The exit of a run whose budget is spent; calling it marks the pausing branch as cold.
#[cold]
#[inline(never)]
pub(super) fn paused() -> Exit {
    Exit::OutOfCycles
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
