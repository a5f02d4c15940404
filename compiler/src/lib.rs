//! The PBS compiler: tokens to a spanned AST (chumsky), name resolution and static type
//! checking, then bytecode generation into a [`prometeu_bytecode::Program`].
//!
//! It never depends on the VM and does no I/O. The built-in functions it type-checks calls
//! against come from the caller as [`Builtins`] (built from the standard library's registry),
//! so there is one list of signatures. Entry point: [`compile`].
//!
//! Modules: `assets` (PNG and TMX conversion), `ast` (the syntax tree), `parse` (the grammar and its recovery), `types` (PBS
//! types), `check` (resolution and type checking into a typed tree), `codegen` (bytecode
//! generation), `intern` (the string interner behind the constant pool).
#![forbid(unsafe_code)]

pub mod assets;
pub mod ast;
pub mod check;
pub mod codegen;
pub mod hir;
mod intern;
pub mod name;
pub mod parse;
pub mod program;
pub mod types;

pub use program::{compile_program, compile_program_with_assets, SourceFile, SourceProvider};

use codegen::LimitError;
use prometeu_bytecode::limits::MAX_SOURCE_BYTES;
use prometeu_bytecode::{BuiltinConstant, HostSig, Program};
use prometeu_lexer::{Diagnostic, SourceId, Span};

/// Compile-time limits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// The deepest bracket nesting accepted.
    pub nesting: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits { nesting: 256 }
    }
}

/// The built-ins the compiler type-checks against: the host functions' signatures and the
/// built-in constants, both from the standard library's registry.
#[derive(Clone, Debug, Default)]
pub struct Builtins {
    /// Host function signatures; `CallHost` references are built from these.
    pub hosts: Vec<HostSig>,
    /// Built-in constants by qualified name (`Math.PI`).
    pub constants: Vec<(String, BuiltinConstant)>,
}

/// What a REPL input is compiled against: the session's globals so far.
#[derive(Clone, Debug, Default)]
pub struct ReplContext {
    /// The globals earlier inputs defined, with their types; they keep their values.
    pub globals: Vec<(String, types::Type)>,
    /// The host function that shows the value of an expression statement (`any → void`).
    pub echo: String,
    /// For imported files, by the key their [`SourceProvider`] gave them, the prefix that
    /// qualifies every name the file declares (`geo` makes `area` internally `geo.area`), so
    /// an imported file's names stay the same from one input to the next.
    pub prefixes: Vec<(String, String)>,
    /// The internal names of the structs earlier inputs declared, in the order of their
    /// indices: those structs keep their indices, and new ones come after them.
    pub struct_order: Vec<String>,
    /// The name the input's lambdas are named after (`<input 3>` makes `<input 3>.lambda1`),
    /// the same for its statements and its `declare global` initializers; empty for the
    /// plain `<input>`.
    pub input: String,
    /// The statements of earlier inputs whose lambdas may still be values in the session:
    /// each is checked again as a function of its own that never runs, named after its
    /// input, so its lambdas keep their names from one program to the next.
    pub carried: Vec<CarriedInput>,
}

/// The statements of an earlier REPL input, carried into a later program for their lambdas.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CarriedInput {
    /// The input's name (`<input 3>`): the function's, and its lambdas' prefix.
    pub name: String,
    /// The byte range of the statements in the entry file's text.
    pub range: std::ops::Range<usize>,
}

/// How to compile.
#[derive(Clone, Debug)]
pub struct CompileOptions {
    /// Whether the file must have an entry point (`fn main()`); false for REPL inputs.
    pub require_entry: bool,
    /// Whether to keep the source text in the program (so traps in a `.pbc` show excerpts).
    pub keep_source: bool,
    /// Compile-time limits.
    pub limits: Limits,
    /// Compile as a REPL input: top-level statements run in order, `let` at the top level
    /// defines session globals, and expression statements show their values.
    pub repl: Option<ReplContext>,
    /// Reads the asset files that `declare bank`, `declare map` and `declare sound` name;
    /// without one, such
    /// declarations are errors (E0709).
    pub assets: Option<assets::AssetReader>,
}

/// The name of the host function that creates the value of a `declare map` global. It is
/// not a PBS name (`<` cannot be written), so programs cannot call it themselves.
pub const MAP_ASSET_HOST: &str = "TileMap.<asset>";

/// The name of the host function that formats a `Sound` as `Sound("file.wav")` for `print`
/// and `str`; like [`MAP_ASSET_HOST`], programs cannot name it.
pub const SOUND_TEXT_HOST: &str = "Sound.<text>";

/// The hidden host function that formats a value whose type has optional layers (the
/// stdlib's `OPTIONAL_TEXT_HOST`): `(any, shape: int): string`.
pub const OPTIONAL_TEXT_HOST: &str = "Optional.<text>";

impl Default for CompileOptions {
    fn default() -> CompileOptions {
        CompileOptions {
            require_entry: true,
            keep_source: true,
            limits: Limits::default(),
            repl: None,
            assets: None,
        }
    }
}

/// The outcome of compiling one source.
#[derive(Clone, Debug)]
pub struct Compiled {
    /// The program, when there were no errors.
    pub program: Option<Program>,
    /// What the checker learned about the module (signatures, session globals).
    pub checked: Option<check::Checked>,
    /// Every error and warning, in source order.
    pub diagnostics: Vec<Diagnostic>,
}

impl Compiled {
    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Sorts diagnostics by file and position, keeping the order of those at one position.
pub(crate) fn sorted(mut diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    diagnostics.sort_by_key(|d| {
        d.primary
            .as_ref()
            .map_or((0, 0), |l| (l.span.source.0, l.span.start))
    });
    diagnostics
}

/// Compiles one source text to a program, reporting every error it finds; asset files are
/// read through `options.assets`.
pub fn compile(
    text: &str,
    source: SourceId,
    name: &str,
    builtins: &Builtins,
    options: &CompileOptions,
) -> Compiled {
    let reader = options
        .assets
        .as_ref()
        .map(|r| &*r.0 as &dyn assets::AssetSource);
    compile_with_assets(text, source, name, builtins, options, reader)
}

/// Like [`compile`], with asset files read through `assets` (a borrowed source, such as a
/// test's in-memory files) instead of `options.assets`.
pub fn compile_with_assets(
    text: &str,
    source: SourceId,
    name: &str,
    builtins: &Builtins,
    options: &CompileOptions,
    assets: Option<&dyn assets::AssetSource>,
) -> Compiled {
    if text.len() > MAX_SOURCE_BYTES {
        return Compiled {
            program: None,
            checked: None,
            diagnostics: vec![Diagnostic::error(
                "E0604",
                format!(
                    "source file is too large: {} bytes, over the limit of {MAX_SOURCE_BYTES}",
                    text.len()
                ),
                Span::new(source, 0, 0),
                "the file starts here",
            )
            .with_help("split the source into smaller files and import them")],
        };
    }
    // A source that lexes cleanly is lexed and parsed in pieces (less memory).
    let (module, diagnostics) = parse::parse_source(text, source, &options.limits);
    compile_parsed(
        module,
        diagnostics,
        text,
        source,
        name,
        builtins,
        options,
        assets,
    )
}

/// The stages after parsing, for a program of one file (`diagnostics` are the lexing and
/// parsing ones).
#[allow(clippy::too_many_arguments)]
pub(crate) fn compile_parsed(
    mut module: ast::Module,
    mut diagnostics: Vec<Diagnostic>,
    text: &str,
    source: SourceId,
    name: &str,
    builtins: &Builtins,
    options: &CompileOptions,
    assets: Option<&dyn assets::AssetSource>,
) -> Compiled {
    if !diagnostics.is_empty() {
        return Compiled {
            program: None,
            checked: None,
            diagnostics: sorted(diagnostics),
        };
    }
    let (declared, asset_errors) = assets::convert(&module, assets);
    diagnostics.extend(asset_errors.iter().map(|e| e.to_diagnostic()));
    // Each function's code is generated as soon as it is checked (unless an asset error
    // already rules the program out), so the typed bodies are never all alive at once.
    let mut generator = codegen::Generator::new(builtins, vec![source]);
    let clean = !diagnostics.iter().any(Diagnostic::is_error);
    let files = check::Files {
        modules: std::slice::from_mut(&mut module),
        links: &[],
        names: &[],
    };
    let sink = clean.then_some(&mut generator as &mut dyn check::BodySink);
    let (mut checked, errors) =
        check::check_into(files, builtins, options.repl.as_ref(), &declared, sink);
    diagnostics.extend(errors.iter().map(|e| e.to_diagnostic()));
    if options.require_entry
        && checked.main.is_none()
        && checked.frame.is_none()
        && !diagnostics.iter().any(Diagnostic::is_error)
    {
        let first_line = text.find('\n').unwrap_or(text.len());
        let span = Span::new(source, 0, first_line.min(text.trim_end().len()));
        diagnostics.push(
            Diagnostic::error(
                "E0500",
                "no entry point: the program has no `fn main()` and no `[Frame]` function",
                span,
                "the program starts here",
            )
            .with_help("add `fn main() { ... }` for a script, or `[Frame] fn frame() { ... }` for a cartridge"),
        );
    }
    let diagnostics = sorted(diagnostics);
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Compiled {
            program: None,
            checked: Some(checked),
            diagnostics,
        };
    }
    // The syntax tree is not needed by the rest of code generation: free it first.
    drop_deep(module);
    let file = codegen::DebugFile {
        source,
        name: name.to_string(),
        text: options.keep_source.then(|| text.to_string()),
    };
    let generated = generator.finish(&mut checked, std::slice::from_ref(&file));
    match generated {
        Ok(program) => Compiled {
            program: Some(program),
            checked: Some(checked),
            diagnostics,
        },
        Err(errors) => {
            let mut diagnostics = diagnostics;
            diagnostics.extend(errors.iter().map(LimitError::to_diagnostic));
            Compiled {
                program: None,
                checked: Some(checked),
                diagnostics: sorted(diagnostics),
            }
        }
    }
}

/// Drops a tree on a grown stack (deep trees drop recursively).
pub(crate) fn drop_deep<T>(tree: T) {
    stacker::maybe_grow(256 * 1024, 16 * 1024 * 1024, || drop(tree));
}
