//! Host functions: the registry the embedder fills, and the context they run with.

use crate::{Heap, TrapKind, Value};
use prometeu_bytecode::HostSig;
use std::any::Any;

/// Where program output goes. The VM never writes to a terminal or file itself.
pub trait Output {
    /// Writes text exactly as given.
    fn write_str(&mut self, text: &str);
}

impl Output for String {
    fn write_str(&mut self, text: &str) {
        self.push_str(text);
    }
}

/// What a host function can reach while it runs.
pub struct HostCtx<'a> {
    /// The heap, to read argument strings and allocate results.
    pub heap: &'a mut Heap,
    /// The program's struct types (for formatting).
    pub structs: &'a [prometeu_bytecode::StructDecl],
    /// The program's output sink.
    pub out: &'a mut dyn Output,
    /// Extra cycles the call costs beyond its base cost (for work proportional to its input).
    pub extra_cycles: u64,
    /// The embedder's own state (such as the console), if any.
    pub state: &'a mut dyn Any,
}

impl HostCtx<'_> {
    /// Charges extra cycles for work proportional to the input.
    pub fn charge(&mut self, cycles: u64) {
        self.extra_cycles = self.extra_cycles.saturating_add(cycles);
    }

    /// Allocates a string result.
    pub fn string(&mut self, text: impl Into<String>) -> Result<Value, TrapKind> {
        self.heap.alloc_string(text).map(Value::Obj)
    }
}

/// The most parameters a host function may have.
pub const MAX_HOST_ARGS: usize = 10;

/// A host function: it receives its arguments in order and returns its result.
pub type HostFn = fn(&mut HostCtx<'_>, &[Value]) -> Result<Value, TrapKind>;

/// One registered host function.
#[derive(Clone)]
pub struct HostEntry {
    /// Its signature, which programs refer to.
    pub sig: HostSig,
    /// The base cycle cost of one call.
    pub cost: u32,
    /// The implementation.
    pub func: HostFn,
}

/// The registry of host functions a VM provides.
#[derive(Clone, Default)]
pub struct Hosts {
    entries: Vec<HostEntry>,
}

impl Hosts {
    /// An empty registry.
    pub fn new() -> Hosts {
        Hosts::default()
    }

    /// Registers a host function.
    ///
    /// # Panics
    /// When the signature has more than [`MAX_HOST_ARGS`] parameters (a programming error
    /// of the embedder, caught the first time the registry is built).
    pub fn register(&mut self, sig: HostSig, cost: u32, func: HostFn) {
        assert!(
            sig.params.len() <= MAX_HOST_ARGS,
            "host function {} has too many parameters",
            sig.name
        );
        self.entries.push(HostEntry { sig, cost, func });
    }

    /// The signatures of every registered function, in registration order; the verifier and
    /// the compiler's type checker both read this list.
    pub fn signatures(&self) -> Vec<HostSig> {
        self.entries.iter().map(|e| e.sig.clone()).collect()
    }

    /// The registered functions.
    pub fn entries(&self) -> &[HostEntry] {
        &self.entries
    }
}
