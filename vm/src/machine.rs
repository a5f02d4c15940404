//! The VM state and its entry points.

use crate::code::Linked;
use crate::exec::INITIAL_FRAMES;
use crate::globals::{Globals, SiteCache};
use crate::host::{HostEntry, Hosts, Output};
use crate::trap::TraceFrame;
use crate::{Heap, HeapStats, Packed, Trap, TrapKind, Value};
use prometeu_bytecode::{Constant, VerifiedProgram};
use std::any::Any;
use std::rc::Rc;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

/// The limits of §14, configurable by the embedder.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// The deepest call nesting allowed.
    pub call_depth: usize,
    /// The most value-stack slots (locals and temporaries of all frames); values above
    /// [`STACK_CAPACITY`](crate::STACK_CAPACITY) count as that capacity.
    pub stack_slots: usize,
    /// The longest string, in bytes.
    pub max_string: usize,
    /// The most heap bytes live at once.
    pub heap_bytes: usize,
    /// The most elements one array may hold.
    pub max_array: usize,
}

impl Limits {
    /// The longest string the VM can represent, in bytes (a string's length is stored in 32
    /// bits). A larger `max_string` counts as this.
    pub const MAX_STRING: usize = u32::MAX as usize;
    /// The most elements one array can hold (objects and lengths are counted in 32 bits). A
    /// larger `max_array` counts as this.
    pub const MAX_ARRAY: usize = u32::MAX as usize;
    /// The largest heap limit, in bytes: the most memory one allocation can ask for. A
    /// larger `heap_bytes` counts as this.
    pub const MAX_HEAP: usize = isize::MAX as usize;
    /// The most value-stack slots (the stack's fixed capacity). A larger `stack_slots`
    /// counts as this.
    pub const MAX_STACK_SLOTS: usize = crate::STACK_CAPACITY;

    /// Checks every limit against the most the VM can represent, so an embedder can reject
    /// an unusable setting instead of having it clamped; the error names the first limit
    /// that is too large.
    pub fn validate(&self) -> Result<(), LimitError> {
        let checks = [
            ("stack_slots", self.stack_slots, Limits::MAX_STACK_SLOTS),
            ("max_string", self.max_string, Limits::MAX_STRING),
            ("heap_bytes", self.heap_bytes, Limits::MAX_HEAP),
            ("max_array", self.max_array, Limits::MAX_ARRAY),
        ];
        for (name, value, max) in checks {
            if value > max {
                return Err(LimitError { name, value, max });
            }
        }
        Ok(())
    }

    /// The limits with every value clamped to the most the VM can represent.
    pub fn clamped(self) -> Limits {
        Limits {
            call_depth: self.call_depth,
            stack_slots: self.stack_slots.min(Limits::MAX_STACK_SLOTS),
            max_string: self.max_string.min(Limits::MAX_STRING),
            heap_bytes: self.heap_bytes.min(Limits::MAX_HEAP),
            max_array: self.max_array.min(Limits::MAX_ARRAY),
        }
    }
}

/// A limit above the most the VM can represent, found by [`Limits::validate`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{name} is {value}, above the most allowed, {max}")]
pub struct LimitError {
    /// The field of [`Limits`] that is too large (`max_array`, `max_string`, `heap_bytes`,
    /// `stack_slots`).
    pub name: &'static str,
    /// The value given.
    pub value: usize,
    /// The most allowed.
    pub max: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            call_depth: 1024,
            stack_slots: 1 << 20,
            max_string: 16 << 20,
            heap_bytes: 1 << 30,
            max_array: 1 << 24,
        }
    }
}

/// How a run of [`Vm::resume`] ended without a trap.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Exit {
    /// The started function returned this value.
    Returned(Value),
    /// The cycle budget ran out; the next [`Vm::resume`] continues at the same instruction.
    OutOfCycles,
}

/// Counters describing the VM's work.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct VmStats {
    /// Cycles charged since the VM started.
    pub cycles: u64,
    /// The heap's counters.
    pub heap: HeapStats,
}

/// One call frame: which function, where it is, and where its locals start on the stack.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Frame {
    pub(crate) function: u32,
    /// The index in the linked code ([`Linked::code`]) of the next instruction to run.
    pub(crate) pc: u32,
    /// The stack index of local 0.
    pub(crate) base: u32,
}

/// The PBS virtual machine.
pub struct Vm {
    pub(crate) program: Rc<VerifiedProgram>,
    /// Host functions in the program's host-reference order.
    pub(crate) hosts: Vec<HostEntry>,
    pub(crate) limits: Limits,
    pub(crate) stack: crate::stack::ValueStack,
    pub(crate) sp: usize,
    /// The frame array: entries `..depth` are the frames of the run, innermost last; the
    /// rest is room for deeper calls.
    pub(crate) frames: Vec<Frame>,
    /// How many frames the run has (0 when no run is in progress).
    pub(crate) depth: usize,
    /// The program's code linked for the dispatch loop, with its call table.
    pub(crate) linked: Linked,
    pub(crate) heap: Heap,
    pub(crate) globals: Globals,
    pub(crate) sites: Vec<SiteCache>,
    /// One inline cache per `CallContract` site of the program.
    pub(crate) contract_sites: Vec<crate::exec::InlineCache>,
    pub(crate) constants: Vec<Packed>,
    pub(crate) out: Box<dyn Output>,
    pub(crate) state: Box<dyn Any>,
    pub(crate) cycles: u64,
    /// Set from outside to stop long host work (formatting) with an "interrupted" trap.
    pub(crate) interrupt: Option<Arc<AtomicBool>>,
}

impl Vm {
    /// Prepares a verified program to run: defines its globals and materializes each constant
    /// string exactly once.
    ///
    /// `hosts` must be the registry whose signatures the program was verified against.
    pub fn new(
        program: VerifiedProgram,
        hosts: &Hosts,
        limits: Limits,
        out: Box<dyn Output>,
    ) -> Result<Vm, Trap> {
        let placeholder = Rc::new(program.clone());
        let limits = limits.clamped();
        let mut vm = Vm {
            program: placeholder,
            hosts: Vec::new(),
            limits,
            stack: crate::stack::ValueStack::default(),
            sp: 0,
            frames: vec![Frame::default(); limits.call_depth.clamp(1, INITIAL_FRAMES)],
            depth: 0,
            linked: Linked::default(),
            heap: Heap::new(limits.heap_bytes, limits.max_string, limits.max_array),
            globals: Globals::default(),
            sites: Vec::new(),
            contract_sites: Vec::new(),
            constants: Vec::new(),
            out,
            state: Box::new(()),
            cycles: 0,
            interrupt: None,
        };
        vm.replace_program(program, hosts)?;
        Ok(vm)
    }

    /// Installs another verified program while keeping the heap and the globals: globals of
    /// the same name keep their values, new ones are defined, and every global access site
    /// resolves afresh through the version-cached lookup. The REPL installs each input this
    /// way; functions are the new program's, so a redefinition reaches every caller.
    pub fn replace_program(&mut self, program: VerifiedProgram, hosts: &Hosts) -> Result<(), Trap> {
        if self.is_running() {
            return Err(Trap::new(TrapKind::InvalidProgram("a run is in progress")));
        }
        let entries = hosts.entries();
        let resolved = program
            .host_ids()
            .iter()
            .map(|&id| entries.get(id as usize).cloned())
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| {
                Trap::new(TrapKind::InvalidProgram(
                    "host registry differs from the verified one",
                ))
            })?;
        let linked = Linked::new(&program)?;
        let mut constants = Vec::with_capacity(program.program().constants.len());
        for c in &program.program().constants {
            constants.push(Packed::new(match *c {
                Constant::Int(v) => Value::Int(v),
                Constant::Float(bits) => Value::Float(f64::from_bits(bits)),
                Constant::Str(s) => Value::Obj(
                    self.heap
                        .alloc_constant_string(program.program().string(s))
                        .map_err(Trap::new)?,
                ),
            }));
        }
        for &name in &program.program().globals {
            self.globals.define(program.program().string(name));
        }
        self.globals.version = self.globals.version.wrapping_add(1);
        self.sites = vec![SiteCache::EMPTY; program.program().global_sites.len()];
        self.contract_sites =
            vec![crate::exec::InlineCache::EMPTY; program.dispatch().sites() as usize];
        self.linked = linked;
        self.constants = constants;
        self.hosts = resolved;
        crate::closure::rebind(&mut self.heap, &self.program, &program);
        self.program = Rc::new(program);
        Ok(())
    }

    /// Abandons a paused run (such as one interrupted by the user) and returns the trap
    /// that describes where it stopped.
    pub fn interrupt(&mut self) -> Trap {
        self.abandon(TrapKind::Interrupted, false)
    }

    /// Installs a flag that the embedder sets (from another thread, such as a Ctrl-C handler)
    /// to stop the run. Long host work, such as formatting a large value, checks it
    /// periodically and stops with the "interrupted" trap; between instructions the
    /// embedder checks it itself when a budgeted [`Vm::resume`] returns, and calls
    /// [`Vm::interrupt`]. The VM never clears the flag.
    pub fn set_interrupt(&mut self, flag: Arc<AtomicBool>) {
        self.interrupt = Some(flag);
    }

    /// Installs the embedder's state, which host functions reach through [`crate::HostCtx::state`].
    pub fn set_state(&mut self, state: Box<dyn Any>) {
        self.state = state;
    }

    /// The embedder's state.
    pub fn state_mut(&mut self) -> &mut dyn Any {
        &mut *self.state
    }

    /// The program being run.
    pub fn program(&self) -> &VerifiedProgram {
        &self.program
    }

    /// The heap (to read string results, for example).
    pub fn heap(&self) -> &Heap {
        &self.heap
    }

    /// The VM's counters.
    pub fn stats(&self) -> VmStats {
        VmStats {
            cycles: self.cycles,
            heap: self.heap.stats(),
        }
    }

    /// The output sink, to retrieve what the program printed.
    pub fn output(&mut self) -> &mut dyn Output {
        &mut *self.out
    }

    /// The current value of a global, by name.
    pub fn global(&self, name: &str) -> Option<Value> {
        self.globals
            .slot(name)
            .map(|s| self.globals.values[s as usize].get())
    }

    /// Whether a run is paused (started and not yet returned).
    pub fn is_running(&self) -> bool {
        self.depth > 0
    }

    /// Starts a call of a parameterless function; [`Vm::resume`] runs it.
    pub fn start(&mut self, function: u32) -> Result<(), Trap> {
        if self.is_running() {
            return Err(Trap::new(TrapKind::InvalidProgram(
                "a run is already in progress",
            )));
        }
        let callee = self
            .linked
            .callees
            .get(function as usize)
            .copied()
            .ok_or(Trap::new(TrapKind::InvalidProgram("no such function")))?;
        let locals = (callee.params + callee.fresh) as usize;
        if callee.params as usize + callee.reserve as usize > self.limits.stack_slots {
            return Err(Trap::new(TrapKind::ValueStack(self.limits.stack_slots)));
        }
        let mut slots = self.stack.slots();
        for slot in 0..locals {
            slots.set(slot, Value::Unit);
        }
        let Some(first) = self.frames.first_mut() else {
            return Err(Trap::new(TrapKind::InvalidProgram("no frame array")));
        };
        *first = Frame {
            function,
            pc: callee.entry,
            base: 0,
        };
        self.sp = locals;
        self.depth = 1;
        self.heap.next_map_epoch();
        Ok(())
    }

    /// Runs the started call until it returns, traps, or uses `budget` cycles.
    ///
    /// On a trap the run is abandoned (frames and stack are cleared) so the VM can start again;
    /// globals and heap keep their state.
    pub fn resume(&mut self, budget: u64) -> Result<Exit, Trap> {
        if !self.is_running() {
            return Err(Trap::new(TrapKind::InvalidProgram("nothing to resume")));
        }
        let (result, used) = self.execute(budget);
        self.cycles += used;
        match result {
            Ok(exit) => Ok(exit),
            Err(kind) => Err(self.abandon(kind, true)),
        }
    }

    /// Builds a trap with the current stack trace and clears the run.
    pub(crate) fn abandon(&mut self, kind: TrapKind, executing: bool) -> Trap {
        let functions = self.program.functions();
        let callees = &self.linked.callees;
        let trace = self.frames[..self.depth.min(self.frames.len())]
            .iter()
            .rev()
            .enumerate()
            .map(|(depth, frame)| {
                // Caller frames (and a trapping innermost frame) have already stepped past the
                // instruction that was running; a paused innermost frame has not.
                let function = frame.function as usize;
                let entry = callees.get(function).map_or(0, |c| c.entry);
                let local = frame.pc.saturating_sub(entry) as usize;
                let index = if depth == 0 && !executing {
                    local
                } else {
                    local.saturating_sub(1)
                };
                let pcs = functions.get(function).map_or(&[][..], |f| &f.pcs[..]);
                TraceFrame {
                    function: frame.function,
                    pc: pcs.get(index).copied().unwrap_or(0),
                }
            })
            .collect();
        self.depth = 0;
        self.sp = 0;
        Trap { kind, trace }
    }

    /// Runs a function to completion under an optional total cycle limit.
    pub fn call(&mut self, function: u32, max_cycles: Option<u64>) -> Result<Value, Trap> {
        self.start(function)?;
        let budget = match max_cycles {
            Some(limit) => limit.saturating_sub(self.cycles),
            None => u64::MAX,
        };
        match self.resume(budget)? {
            // The budget is checked at control transfers; straight-line code before the
            // final return can still overdraw it, which is a trap all the same.
            Exit::Returned(_) if max_cycles.is_some_and(|limit| self.cycles > limit) => {
                Err(Trap::new(TrapKind::CycleBudget(max_cycles.unwrap_or(0))))
            }
            Exit::Returned(value) => Ok(value),
            Exit::OutOfCycles => {
                Err(self.abandon(TrapKind::CycleBudget(max_cycles.unwrap_or(0)), false))
            }
        }
    }

    /// Runs a script: the globals initializer, then `main`, under an optional total cycle limit.
    pub fn run_script(&mut self, max_cycles: Option<u64>) -> Result<(), Trap> {
        let entry = self.program.program().entry;
        self.call(entry.globals_init, max_cycles)?;
        if let Some(main) = entry.main {
            self.call(main, max_cycles)?;
        }
        Ok(())
    }
}
