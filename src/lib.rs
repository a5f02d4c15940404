//! The facade of the PBS toolchain: compile sources, load `.pbc` files and run programs
//! with the standard library, in-process.
//!
//! The `prometeuc` binary (`src/main.rs`) is the only place that touches files and the
//! terminal; everything here takes and returns values, so tests and embedders can drive the
//! whole pipeline without I/O.
#![forbid(unsafe_code)]

pub use prometeu_bytecode as bytecode;
pub use prometeu_compiler as compiler;
pub use prometeu_lexer as lexer;
pub use prometeu_stdlib as stdlib;
pub use prometeu_vm as vm;

pub mod capture;
pub mod cart;
pub mod fuzz_checks;
pub mod manifest;
pub mod pmc;
pub mod save;
pub mod session;
pub mod testing;
pub mod wav;

use prometeu_bytecode::{LoadError, Program, VerifiedProgram};
use prometeu_compiler::{Builtins, CompileOptions, Compiled};
use prometeu_lexer::{Diagnostic, SourceId, Sources};
use prometeu_vm::{Hosts, Limits, Output, Trap, Vm};

/// The built-ins the compiler checks against, from the standard library's registry.
pub fn builtins() -> Builtins {
    Builtins {
        hosts: stdlib::hosts().signatures(),
        constants: stdlib::constants()
            .into_iter()
            .map(|(name, value)| (name.to_string(), value))
            .collect(),
    }
}

/// A source registered for diagnostics, with its compilation result.
pub struct SourceUnit {
    /// The registry holding the source text.
    pub sources: Sources,
    /// The id of the source in `sources`.
    pub id: SourceId,
    /// What the compiler produced.
    pub compiled: Compiled,
}

/// Compiles a source text under a display name.
pub fn compile_source(name: &str, text: &str, options: &CompileOptions) -> SourceUnit {
    let reader = options
        .assets
        .as_ref()
        .map(|r| &*r.0 as &dyn prometeu_compiler::assets::AssetSource);
    compile_source_with_assets(name, text, options, reader)
}

/// Compiles a source text under a display name, reading its asset files through `assets`.
pub fn compile_source_with_assets(
    name: &str,
    text: &str,
    options: &CompileOptions,
    assets: Option<&dyn prometeu_compiler::assets::AssetSource>,
) -> SourceUnit {
    let mut sources = Sources::new();
    let id = sources.add(name, text);
    let compiled =
        prometeu_compiler::compile_with_assets(text, id, name, &builtins(), options, assets);
    SourceUnit {
        sources,
        id,
        compiled,
    }
}

/// Compiles the entry file `name` (its text `text`) of a program in many files: imports are
/// read through `provider`, which answers for paths relative to the entry file's directory
/// (`entry_path` is the entry's own path there, usually its file name, and `entry_key` the
/// key the provider would give it). Asset files are read through `assets`. An owned `String`
/// text is moved into the unit's `Sources` rather than copied.
pub fn compile_program_source(
    name: &str,
    text: impl Into<String>,
    entry_key: &str,
    entry_path: &str,
    provider: &dyn prometeu_compiler::SourceProvider,
    options: &CompileOptions,
    assets: Option<&dyn prometeu_compiler::assets::AssetSource>,
) -> SourceUnit {
    let mut sources = Sources::new();
    let id = sources.add(name, text);
    let compiled = prometeu_compiler::compile_program_with_assets(
        id,
        entry_key,
        entry_path,
        &mut sources,
        provider,
        &builtins(),
        options,
        assets,
    );
    SourceUnit {
        sources,
        id,
        compiled,
    }
}

/// Verifies an in-memory program against the standard library.
pub fn verify(program: Program) -> Result<VerifiedProgram, LoadError> {
    prometeu_bytecode::verify(program, &stdlib::hosts().signatures())
}

/// Decodes and verifies `.pbc` bytes against the standard library.
pub fn load(bytes: &[u8]) -> Result<VerifiedProgram, LoadError> {
    prometeu_bytecode::load(bytes, &stdlib::hosts().signatures())
}

/// Creates a VM with the standard library for a verified program.
pub fn new_vm(program: VerifiedProgram, limits: Limits, out: Box<dyn Output>) -> Result<Vm, Trap> {
    let hosts: Hosts = stdlib::hosts();
    let assets = std::sync::Arc::clone(&program.program().assets);
    let mut vm = Vm::new(program, &hosts, limits, out)?;
    // Scripts may use the console too (Rand, drawing to an unseen screen); seed 0.
    vm.set_state(Box::new(stdlib::console::Console::with_assets(0, assets)));
    Ok(vm)
}

/// A source registry for a program's embedded source texts, used to render its traps: the
/// entry file under the returned id, and each other file of the program right after it.
pub fn program_sources(program: &Program) -> (Sources, SourceId) {
    let mut sources = Sources::new();
    let id = sources.add(
        program.source_name.clone(),
        program.source_text.clone().unwrap_or_default(),
    );
    for file in &program.files {
        sources.add(file.name.clone(), file.text.clone().unwrap_or_default());
    }
    (sources, id)
}

/// What running a script in memory produced.
#[derive(Debug)]
pub struct ScriptRun {
    /// Everything the program printed.
    pub stdout: String,
    /// The trap that stopped it, rendered without colour, if any.
    pub trap: Option<Diagnostic>,
}

/// A sink that appends output to a shared string.
#[derive(Clone, Default)]
pub struct SharedOutput(pub std::rc::Rc<std::cell::RefCell<String>>);

impl Output for SharedOutput {
    fn write_str(&mut self, text: &str) {
        self.0.borrow_mut().push_str(text);
    }
}

/// Runs a verified script in memory and captures its output.
pub fn run_script(program: VerifiedProgram, limits: Limits, max_cycles: Option<u64>) -> ScriptRun {
    let out = SharedOutput::default();
    let (sources, id) = program_sources(program.program());
    let trap = match new_vm(program, limits, Box::new(out.clone())) {
        Ok(mut vm) => vm
            .run_script(max_cycles)
            .err()
            .map(|t| t.to_diagnostic(vm.program().program(), &sources, id)),
        Err(t) => Some(Diagnostic::plain(format!("trap: {t}"))),
    };
    let stdout = out.0.borrow().clone();
    ScriptRun { stdout, trap }
}
