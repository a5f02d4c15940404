//! Host functions: the registry the embedder fills, and the context they run with.

use crate::format::{format_bounded, FormatBounds, FormatStyle};
use crate::{Heap, TrapKind, Value};
use prometeu_bytecode::HostSig;
use std::any::Any;
use std::sync::atomic::{AtomicBool, Ordering};

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
    /// The program's enum types (for formatting enum values).
    pub enums: &'a [prometeu_bytecode::EnumDecl],
    /// The program's output sink.
    pub out: &'a mut dyn Output,
    /// Extra cycles the call costs beyond its base cost (for work proportional to its input).
    pub extra_cycles: u64,
    /// The embedder's own state (such as the console), if any.
    pub state: &'a mut dyn Any,
    /// The embedder's interrupt flag ([`crate::Vm::set_interrupt`]), if any.
    pub interrupt: Option<&'a AtomicBool>,
}

impl HostCtx<'_> {
    /// Charges extra cycles for work proportional to the input.
    pub fn charge(&mut self, cycles: u64) {
        self.extra_cycles = self.extra_cycles.saturating_add(cycles);
    }

    /// Whether the embedder asked the run to stop; long host work checks this periodically
    /// and then fails with [`TrapKind::Interrupted`].
    pub fn interrupted(&self) -> bool {
        self.interrupt
            .is_some_and(|flag| flag.load(Ordering::Relaxed))
    }

    /// Formats a value for output or as a string result: the text may be at most as long as
    /// the longest string ("string too long" otherwise), and formatting stops with
    /// "interrupted" when the embedder's flag is set.
    pub fn format(&self, value: Value, style: FormatStyle) -> Result<String, TrapKind> {
        let bounds = FormatBounds {
            max_len: self.heap.max_string(),
            interrupt: self.interrupt,
        };
        format_bounded(self.heap, self.structs, self.enums, value, style, bounds)
    }

    /// Formats a value like [`HostCtx::format`], showing the optional layers of its static
    /// type described by `shape` (see [`crate::format_shaped`]).
    pub fn format_shaped(
        &self,
        value: Value,
        shape: u64,
        style: FormatStyle,
    ) -> Result<String, TrapKind> {
        let bounds = FormatBounds {
            max_len: self.heap.max_string(),
            interrupt: self.interrupt,
        };
        crate::format_shaped(
            self.heap,
            self.structs,
            self.enums,
            value,
            shape,
            style,
            bounds,
        )
    }

    /// Allocates a string result.
    pub fn string(&mut self, text: impl Into<String>) -> Result<Value, TrapKind> {
        self.heap.alloc_string(text).map(Value::Obj)
    }
}

/// The most parameters a host function may have.
pub const MAX_HOST_ARGS: usize = 10;

/// A host function: it receives its arguments in order and returns its result.
///
/// When it fails with [`TrapKind::HeapExhausted`], the VM may collect garbage and call it
/// once more with the same arguments, so a host function must not have visible effects
/// (output, changes to its arguments or the embedder's state) before its allocations
/// succeed.
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
