//! The PBS virtual machine: runs a [`VerifiedProgram`] produced by the bytecode crate's
//! verifier.
//!
//! It owns the values, the heap and its collector, the call frames, the dispatch loop, the
//! cycle budget and the traps. It never depends on the compiler and does no I/O: program
//! output goes through an injectable [`Output`] sink, and host functions (the standard
//! library, the console) are registered from outside through [`Hosts`].
//!
//! Entry points: [`Vm::new`], then [`Vm::run_script`] for scripts, or [`Vm::start`] and
//! [`Vm::resume`] to run a function under a cycle budget that can pause and resume.
//!
//! Modules: `value` (the value representation), `heap` (objects and the mark-sweep
//! collector), `globals` (the global table with its version-cached lookup), `host` (host
//! function registry and context), `trap` (runtime errors), `format` (value formatting),
//! `machine` (the VM state and entry points), `code` (the program's code linked for
//! execution, with the call table) and `exec` (the dispatch loop and instruction
//! handlers grouped by family).
#![forbid(unsafe_code)]

mod closure;
mod code;
mod exec;
mod format;
mod globals;
mod heap;
mod host;
mod machine;
mod map;
mod spares;
mod stack;
mod trap;
mod value;

pub use closure::Closure;
pub use format::{format_bounded, format_shaped, format_value, FormatBounds, FormatStyle};
pub use heap::{
    array_bytes, string_bytes, Heap, HeapStats, Object, TileMapData, BLOCK_BYTES, OBJECT_BYTES,
};
pub use host::{HostCtx, HostEntry, HostFn, Hosts, Output, MAX_HOST_ARGS};
pub use machine::{Exit, LimitError, Limits, Vm, VmStats};
pub use map::{hash_key, Entry as MapEntry, KeyRef, MapData};
pub use stack::STACK_CAPACITY;
pub use trap::{trace_note, Trap, TrapKind};
pub use value::{ObjRef, Packed, Value};

pub use prometeu_bytecode::VerifiedProgram;
