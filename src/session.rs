//! A REPL session: the state kept between inputs, and the evaluation of one input. No I/O
//! happens here: program output goes to the session's sink and diagnostics are returned,
//! so sessions can be driven in-process by tests and by the terminal front end alike.
//!
//! Each input is compiled together with the session's declarations (functions, structs
//! and constants kept as source snippets) against the session's globals, verified, and
//! installed into the one long-lived VM, whose heap and global table persist. Redefining a
//! function recompiles every caller, so old callers see the new body; a global keeps its
//! value because globals are resolved by name through the version-cached lookup. An input
//! that fails to compile applies nothing; one that traps leaves the previous program in
//! place and applies none of its declarations.
//!
//! Struct types keep their identity for the life of the VM: a struct's index in the
//! program's struct table (which heap instances carry) is fixed when the struct is first
//! declared. The session text lists the structs first, in that order, and an input that
//! redefines a struct has the declaration compiled at the struct's place (its spans map back
//! to the input), so old instances and new ones name the same definition.

use crate::SharedOutput;
use prometeu_bytecode::{disassemble_function, HostSig, HostType, VerifiedProgram};
use prometeu_compiler::assets::AssetSource;
use prometeu_compiler::ast::{Item, TypeExpr};
use prometeu_compiler::types::Type;
use prometeu_compiler::{Builtins, CarriedInput, CompileOptions, ReplContext};
use prometeu_lexer::{Diagnostic, Label, SourceId, Sources, Span, Token};
use prometeu_vm::{Exit, FormatStyle, HostCtx, Hosts, Limits, Output, Trap, TrapKind, Value, Vm};
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

mod carry;
mod imports;
mod input;
mod rules;

pub use input::PendingInput;

/// The host function that shows an expression statement's value.
const ECHO: &str = "Repl.echo";

/// How many cycles run between two checks for an interruption.
const SLICE: u64 = 1_000_000;

/// One declaration kept by the session, as source text.
#[derive(Clone, Debug)]
struct Decl {
    name: String,
    text: String,
    /// Whether it declares a struct (structs are placed by identity, not by recency).
    is_struct: bool,
}

/// A struct declaration of the input compiled at its struct's place in the session text:
/// `len` bytes at `combined` in the combined text are the bytes at `input` in the input.
#[derive(Clone, Copy, Debug)]
struct Moved {
    combined: usize,
    input: usize,
    len: usize,
}

/// How spans of the combined session text map back to the input they came from.
#[derive(Clone, Debug)]
struct SpanMap {
    /// Where the input starts in the combined text.
    offset: usize,
    /// The input's source id.
    input: SourceId,
    /// The input's struct redefinitions, placed earlier in the combined text.
    moved: Vec<Moved>,
}

impl SpanMap {
    /// The span in the input for a span of the input's own text (at or after `offset`, or
    /// inside a moved declaration); spans in earlier declarations stay in the session text.
    fn map(&self, span: Span) -> Span {
        if span.source != SourceId(0) {
            return span;
        }
        let (start, end) = (span.start as usize, span.end as usize);
        if start >= self.offset && end >= start {
            return Span::new(self.input, start - self.offset, end - self.offset);
        }
        for m in &self.moved {
            // A moved declaration may sit earlier or later in the session text than in the
            // input, so the offsets are rebased rather than shifted by a signed difference.
            if start >= m.combined && end >= start && end <= m.combined + m.len {
                return Span::new(
                    self.input,
                    m.input + (start - m.combined),
                    m.input + (end - m.combined),
                );
            }
        }
        span
    }
}

/// A compiled input: the compiler's result, the sources it points into, the names the input
/// declares with their written signatures, and the mapping of its spans.
struct CompiledInput {
    compiled: prometeu_compiler::Compiled,
    sources: Sources,
    declared: Vec<(String, String)>,
    /// The declarations as the session keeps them (see [`InputDecls::texts`]).
    texts: Vec<(String, String, bool)>,
    map: SpanMap,
    /// The input's name (`<input N>`), which its lambdas are named after.
    name: String,
    /// The names of the carried inputs the program holds (one that no longer compiles is
    /// left out, and its lambdas with it).
    carried: Vec<String>,
}

/// A failed input: its diagnostics and the sources they point into.
#[derive(Debug)]
pub struct Failure {
    /// The diagnostics, in order.
    pub diagnostics: Vec<Diagnostic>,
    /// The sources the diagnostics point into.
    pub sources: Sources,
}

/// Shows a value quoted, for the REPL's echo of expression statements.
fn echo(ctx: &mut HostCtx<'_>, args: &[Value]) -> Result<Value, TrapKind> {
    let mut text = ctx.format(args[0], FormatStyle::Quoted)?;
    text.push('\n');
    ctx.charge(text.len() as u64 / 16);
    ctx.out.write_str(&text);
    Ok(Value::Unit)
}

/// The sink the session and its VM share, so a `:reset` keeps the same output.
type SharedSink = Rc<RefCell<Box<dyn Output>>>;

/// A REPL session.
pub struct Session {
    decls: Vec<Decl>,
    /// The struct names in identity order: index `i` is struct type `i` in every program
    /// this session's VM runs.
    struct_order: Vec<String>,
    globals: Vec<(String, Type)>,
    signatures: HashMap<String, String>,
    /// Each declaration's signature as written, to refuse redefinitions that change it.
    written: HashMap<String, String>,
    hosts: Hosts,
    builtins: Builtins,
    vm: Option<Vm>,
    program: Option<VerifiedProgram>,
    out: SharedSink,
    interrupt: Arc<AtomicBool>,
    limits: Limits,
    cycles_per_input: Option<u64>,
    inputs: usize,
    /// The files the session imported and the names the prompt imported from them.
    imports: imports::Imports,
    /// The statements of earlier inputs that made lambdas, compiled into every program.
    carried: Vec<carry::Carried>,
}

impl Session {
    /// A new, empty session writing program output to `out`; setting `interrupt` stops the
    /// running evaluation at the next slice boundary.
    pub fn new(out: Box<dyn Output>, interrupt: Arc<AtomicBool>) -> Session {
        Session::with_limits(out, interrupt, Limits::default(), None)
    }

    /// A new, empty session whose VM runs under `limits`, and in which each input may run
    /// at most `cycles_per_input` cycles (none: no limit, only an interruption stops it); an
    /// input that exceeds it traps with `cycle budget exhausted`.
    pub fn with_limits(
        out: Box<dyn Output>,
        interrupt: Arc<AtomicBool>,
        limits: Limits,
        cycles_per_input: Option<u64>,
    ) -> Session {
        Session::fresh(
            Rc::new(RefCell::new(out)),
            interrupt,
            limits,
            cycles_per_input,
        )
    }

    /// A new, empty session on a shared sink.
    fn fresh(
        out: SharedSink,
        interrupt: Arc<AtomicBool>,
        limits: Limits,
        cycles_per_input: Option<u64>,
    ) -> Session {
        let mut hosts = crate::stdlib::hosts();
        let echo_sig = HostSig {
            name: ECHO.to_string(),
            params: vec![HostType::Any],
            result: HostType::Void,
        };
        hosts.register(echo_sig.clone(), 10, echo);
        let mut builtins = crate::builtins();
        builtins.hosts.push(echo_sig);
        Session {
            decls: Vec::new(),
            struct_order: Vec::new(),
            globals: Vec::new(),
            signatures: HashMap::new(),
            written: HashMap::new(),
            hosts,
            builtins,
            vm: None,
            program: None,
            out,
            interrupt,
            limits,
            cycles_per_input,
            inputs: 0,
            imports: imports::Imports::default(),
            carried: Vec::new(),
        }
    }

    /// A session whose output is captured in memory (for tests).
    pub fn captured() -> (Session, SharedOutput) {
        let out = SharedOutput::default();
        (
            Session::new(Box::new(out.clone()), Arc::new(AtomicBool::new(false))),
            out,
        )
    }

    /// Forgets every definition; output keeps going to the same sink.
    pub fn reset(&mut self) {
        *self = Session::fresh(
            self.out.clone(),
            self.interrupt.clone(),
            self.limits,
            self.cycles_per_input,
        );
    }

    /// The struct names of the installed program's struct table, in index order.
    pub(crate) fn struct_table(&self) -> Vec<String> {
        self.program.as_ref().map_or_else(Vec::new, |p| {
            p.program().structs.iter().map(|s| s.name.clone()).collect()
        })
    }

    /// The session's globals with their types, in definition order (those of imported
    /// files stay private to their files and are not listed).
    pub fn globals(&self) -> Vec<(String, Type)> {
        self.globals
            .iter()
            .filter(|(name, _)| !name.contains('.'))
            .cloned()
            .collect()
    }

    /// A type or signature as shown by the session (`[shapes2.Shape]`), with the types of
    /// imported files named as the prompt imported them (`[Shape]`, or `[sh.Shape]` through
    /// a module alias); a type no import of the prompt reaches keeps its file's name.
    pub fn as_written(&self, ty: &str) -> String {
        self.imports.as_written(ty)
    }

    /// Every function, struct and constant with its signature, sorted by name.
    pub fn declarations(&self) -> Vec<(String, String)> {
        let imported = |name: &str| {
            self.imports.modules.iter().any(|m| {
                name.strip_prefix(&m.prefix)
                    .is_some_and(|r| r.starts_with('.'))
            })
        };
        let mut out: Vec<(String, String)> = self
            .signatures
            .iter()
            .filter(|(name, _)| !name.starts_with('<') && !imported(name))
            .map(|(n, s)| (n.clone(), s.clone()))
            .collect();
        out.extend(self.imports.imported_signatures(&self.signatures));
        out.sort();
        out
    }

    /// The disassembly of a session function (`name` or `Struct.method`).
    pub fn disassemble(&self, name: &str) -> Option<String> {
        let program = self.program.as_ref()?.program();
        let index = program.functions.iter().position(|f| f.name == name)?;
        Some(disassemble_function(program, index))
    }

    /// Whether `text` is an incomplete input: brackets are open or the parser reached the
    /// end of the input while expecting more. To read an input line by line, use a
    /// [`PendingInput`], which lexes each line once.
    pub fn needs_more(text: &str) -> bool {
        PendingInput::new(text).needs_more()
    }

    /// The static type of an expression in the session, without running it, with the types
    /// of imported files named as the prompt imported them.
    pub fn type_of(&mut self, expr: &str) -> Result<String, Failure> {
        let prepared = self.unprepared();
        let compiled = self.compile(expr, false, &prepared, None)?;
        match compiled.compiled.checked.and_then(|c| c.last_expr) {
            Some(ty) => Ok(self.imports.as_written(&ty.to_string())),
            None => Err(Failure {
                diagnostics: vec![Diagnostic::plain("`:type` needs an expression")],
                sources: compiled.sources,
            }),
        }
    }

    /// Compiles an input against the session and the files it imports (`prepared`, with
    /// their asset files through `assets`); returns the result, the sources, and the names
    /// the input declares.
    fn compile(
        &mut self,
        input: &str,
        echo: bool,
        prepared: &imports::Prepared,
        assets: Option<&dyn AssetSource>,
    ) -> Result<CompiledInput, Failure> {
        self.inputs += 1;
        let input = with_semicolon(input);
        let decls = input_decls(&input);
        let declared = decls.signatures.clone();
        // A redefinition must keep its signature; the old definition stays otherwise.
        let mut problems = Vec::new();
        for (name, signature) in &declared {
            if let Some(old) = self.written.get(name) {
                if old != signature {
                    let mut d = Diagnostic::plain(format!(
                        "cannot redefine `{name}` with a different signature: it is `{old}`, the new one is `{signature}`"
                    ));
                    d.code = Some("E0508".into());
                    d.help = Some("the old definition stays in force; use a new name, or `:reset` the session".into());
                    problems.push(d);
                }
            }
        }
        if !problems.is_empty() {
            return Err(Failure {
                diagnostics: problems,
                sources: Sources::new(),
            });
        }
        let name = format!("<input {}>", self.inputs);
        let mut carried: Vec<&carry::Carried> = self.carried.iter().collect();
        loop {
            let attempt =
                self.compile_with(&input, &decls, prepared, assets, echo, &name, &carried)?;
            // Carried statements that no longer compile are left out (their lambdas with
            // them), and the input is compiled again.
            let (failing, attempt) = attempt;
            if failing.is_empty() {
                let mut attempt = attempt;
                attempt.declared = declared;
                attempt.texts = decls.texts;
                return Ok(attempt);
            }
            carried.retain(|c| !failing.contains(&c.name));
        }
    }

    /// One compilation of an input (see [`Session::compile`]) with the carried inputs
    /// `carried`; also returns the names of the carried inputs that failed to compile
    /// (when there are any, the result is to be discarded).
    #[allow(clippy::too_many_arguments)]
    fn compile_with(
        &self,
        input: &str,
        decls: &InputDecls,
        prepared: &imports::Prepared,
        assets: Option<&dyn AssetSource>,
        echo: bool,
        name: &str,
        carried: &[&carry::Carried],
    ) -> Result<(Vec<String>, CompiledInput), Failure> {
        let mut sources = Sources::new();
        let combined_id = SourceId(0);
        let input_id = SourceId(1);
        let preamble = prepared.imports.preamble(&prepared.bindings);
        let (combined, map, ranges) = self.combine(input, decls, input_id, &preamble, carried);
        sources.add("<session>", combined.clone());
        sources.add(name.to_string(), input.to_string());
        if let Some(failure) = rules::prompt_assets(decls, input_id)
            .or_else(|| rules::taken_names(decls, prepared, input_id))
        {
            return Err(Failure {
                diagnostics: failure,
                sources,
            });
        }
        // The globals of a file read again with a new text start again.
        let restarted: Vec<String> = prepared
            .changed
            .iter()
            .filter_map(|key| prepared.imports.module(key))
            .map(|m| format!("{}.", m.prefix))
            .collect();
        let options = CompileOptions {
            require_entry: false,
            keep_source: true,
            limits: prometeu_compiler::Limits::default(),
            repl: Some(ReplContext {
                globals: self
                    .globals
                    .iter()
                    .filter(|(name, _)| restarted.iter().all(|p| !name.starts_with(p)))
                    .cloned()
                    .collect(),
                echo: if echo {
                    ECHO.to_string()
                } else {
                    String::new()
                },
                prefixes: prepared.imports.prefixes(),
                struct_order: self.struct_order.clone(),
                input: name.to_string(),
                carried: ranges.clone(),
            }),
            assets: None,
        };
        let reader = imports::Assets {
            prepared,
            reader: assets,
        };
        let mut compiled = prometeu_compiler::compile_program_with_assets(
            combined_id,
            "<session>",
            &prepared.entry_path(),
            &mut sources,
            prepared,
            &self.builtins,
            &options,
            Some(&reader),
        );
        // What the carried statements report is not news: warnings are dropped, and an
        // error leaves that input out.
        let carried_at = |span: Span| {
            ranges.iter().position(|r| {
                span.source == combined_id && r.range.contains(&(span.start as usize))
            })
        };
        let in_carried = |d: &Diagnostic| d.primary.as_ref().and_then(|l| carried_at(l.span));
        let failing: Vec<String> = compiled
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .filter_map(in_carried)
            .map(|k| ranges[k].name.clone())
            .collect();
        compiled.diagnostics.retain(|d| in_carried(d).is_none());
        let kept = ranges.iter().map(|r| r.name.clone()).collect();
        if compiled.has_errors() && failing.is_empty() {
            let diagnostics = compiled
                .diagnostics
                .iter()
                .map(|d| map_spans(d.clone(), &|span| map.map(span)))
                .collect();
            return Err(Failure {
                diagnostics,
                sources,
            });
        }
        if let Some(problem) = compiled
            .checked
            .as_ref()
            .filter(|_| failing.is_empty())
            .and_then(|checked| self.struct_changes(checked, &prepared.imports))
        {
            return Err(Failure {
                diagnostics: vec![problem],
                sources,
            });
        }
        let compiled = CompiledInput {
            compiled,
            sources,
            declared: Vec::new(),
            texts: Vec::new(),
            map,
            name: name.to_string(),
            carried: kept,
        };
        Ok((failing, compiled))
    }

    /// The combined text an input is compiled as: the session's structs in identity order
    /// (an input's redefinition of one in its place), the session's other declarations that
    /// the input does not redeclare, the carried statements of earlier inputs (whose ranges
    /// are returned too), then the input with its moved struct declarations blanked out, so
    /// every byte of the input keeps its offset.
    fn combine(
        &self,
        input: &str,
        decls: &InputDecls,
        input_id: SourceId,
        preamble: &str,
        carried: &[&carry::Carried],
    ) -> (String, SpanMap, Vec<CarriedInput>) {
        let declared = &decls.signatures;
        let redefined: Vec<&(String, std::ops::Range<usize>)> = decls
            .structs
            .iter()
            .filter(|(name, _)| self.struct_order.contains(name))
            .collect();
        let mut combined = preamble.to_string();
        let mut moved = Vec::new();
        let mut blanked = input.to_string();
        for name in &self.struct_order {
            if let Some((_, range)) = redefined.iter().find(|(n, _)| n == name) {
                moved.push(Moved {
                    combined: combined.len(),
                    input: range.start,
                    len: range.len(),
                });
                combined.push_str(&input[range.clone()]);
                blank(&mut blanked, range.clone());
            } else if let Some(d) = self.decls.iter().find(|d| d.is_struct && d.name == *name) {
                combined.push_str(&d.text);
            } else {
                continue;
            }
            combined.push('\n');
        }
        for d in &self.decls {
            if !d.is_struct && declared.iter().all(|(name, _)| *name != d.name) {
                combined.push_str(&d.text);
                combined.push('\n');
            }
        }
        let mut ranges = Vec::with_capacity(carried.len());
        for c in carried {
            let start = combined.len();
            combined.push_str(&c.text);
            ranges.push(CarriedInput {
                name: c.name.clone(),
                range: start..combined.len(),
            });
            combined.push('\n');
        }
        // An input that is a lambda (`fn(x: int): int { ... }`, perhaps called) is put in
        // parentheses, so it reads as an expression and not as a declaration missing its
        // name; the `(` comes before the input's first byte, the `)` before its last `;`.
        let rest = blanked.trim_start();
        let lambda = rest.starts_with("fn") && rest[2..].trim_start().starts_with('(');
        let close = blanked.trim_end().strip_suffix(';').map(str::len);
        let wrap = if lambda { close } else { None };
        if wrap.is_some() {
            combined.push('(');
        }
        let map = SpanMap {
            offset: combined.len(),
            input: input_id,
            moved,
        };
        match wrap {
            Some(at) => {
                combined.push_str(&blanked[..at]);
                combined.push(')');
                combined.push_str(&blanked[at..]);
            }
            None => combined.push_str(&blanked),
        }
        (combined, map, ranges)
    }

    /// Evaluates one input: declarations, statements and expressions. Program output goes to
    /// the session's sink (expression values quoted); a failure is returned, and leaves the
    /// session as it was before the input.
    pub fn eval(&mut self, input: &str) -> Result<(), Failure> {
        let input = with_semicolon(input);
        let prepared = self.prepare(&input, &imports::NoFiles);
        self.eval_prepared(&input, prepared, None)
    }

    /// Evaluates an input whose imports are read: `prepared`, with asset files through
    /// `assets`.
    fn eval_prepared(
        &mut self,
        input: &str,
        prepared: imports::Prepared,
        assets: Option<&dyn AssetSource>,
    ) -> Result<(), Failure> {
        let CompiledInput {
            compiled,
            sources,
            declared,
            texts,
            map,
            name,
            carried,
        } = self.compile(input, true, &prepared, assets)?;
        let program = compiled.program.ok_or_else(|| Failure {
            diagnostics: vec![Diagnostic::plain("internal error: no program")],
            sources: Sources::new(),
        })?;
        let verified =
            prometeu_bytecode::verify(program, &self.hosts.signatures()).map_err(|e| Failure {
                diagnostics: vec![Diagnostic::plain(format!(
                    "internal error: the input failed verification: {e}"
                ))],
                sources: Sources::new(),
            })?;
        let previous = self.program.clone();
        let result = self.install_and_run(verified.clone());
        if let Err(trap) = result {
            // The program's own files, then the input, for the trace.
            let (mut trap_sources, entry) = crate::program_sources(verified.program());
            let input_id = trap_sources.add(
                sources.name(map.input).to_string(),
                sources.text(map.input).to_string(),
            );
            let sources = trap_sources;
            let map = SpanMap {
                input: input_id,
                ..map
            };
            let remap = |span: Span| map.map(span);
            let diagnostic = trap.to_diagnostic(verified.program(), &sources, entry);
            let mut diagnostic = map_spans(diagnostic, &remap);
            diagnostic.notes = trace_notes(&trap, verified.program(), &sources, &remap);
            if let (Some(vm), Some(previous)) = (self.vm.as_mut(), previous) {
                let _ = vm.replace_program(previous, &self.hosts);
            }
            return Err(Failure {
                diagnostics: vec![diagnostic],
                sources,
            });
        }
        // Success: keep the input's declarations and the new globals.
        self.decls
            .retain(|d| declared.iter().all(|(n, _)| *n != d.name));
        for (name, text, is_struct) in texts {
            self.decls.push(Decl {
                name,
                text,
                is_struct,
            });
        }
        self.written.extend(declared);
        self.carried.retain(|c| carried.contains(&c.name));
        let lambdas = format!("{name}.lambda");
        if verified
            .functions()
            .iter()
            .any(|f| f.name.starts_with(&lambdas))
        {
            if let Some(text) = carry::carried_text(&with_semicolon(input)) {
                self.carried.push(carry::Carried { name, text });
            }
        }
        if let Some(checked) = compiled.checked {
            self.globals = checked.session_globals;
            self.signatures = checked.signatures.into_iter().collect();
            for s in &checked.structs {
                if !self.struct_order.contains(&s.name) {
                    self.struct_order.push(s.name.clone());
                }
            }
        }
        let read = prepared.take_assets();
        self.imports = prepared.imports;
        self.imports.rebind(prepared.bindings);
        self.imports.keep_assets(read);
        self.program = Some(verified);
        Ok(())
    }

    /// Installs a program into the VM (creating it on first use) and runs the input.
    fn install_and_run(&mut self, program: VerifiedProgram) -> Result<(), Trap> {
        match &mut self.vm {
            Some(vm) => vm.replace_program(program, &self.hosts)?,
            None => {
                let mut vm = Vm::new(
                    program,
                    &self.hosts,
                    self.limits,
                    Box::new(Forward(self.out.clone())),
                )?;
                // The console is there too, so `Rand` and drawing work at the prompt.
                vm.set_state(Box::new(crate::stdlib::console::Console::new(0)));
                vm.set_interrupt(self.interrupt.clone());
                self.vm = Some(vm);
            }
        }
        let vm = self.vm.as_mut().expect("the VM exists");
        // The console draws and plays from the assets of the program installed now.
        let assets = Arc::clone(&vm.program().program().assets);
        if let Some(console) = vm
            .state_mut()
            .downcast_mut::<crate::stdlib::console::Console>()
        {
            console.assets = assets;
        }
        let entry = vm.program().program().entry;
        let functions = [Some(entry.globals_init), entry.main].into_iter().flatten();
        if let Some(budget) = self.cycles_per_input {
            let limit = vm.stats().cycles.saturating_add(budget);
            for function in functions {
                vm.call(function, Some(limit))?;
            }
            return Ok(());
        }
        self.interrupt.store(false, Ordering::SeqCst);
        for function in functions {
            vm.start(function)?;
            loop {
                match vm.resume(SLICE)? {
                    Exit::Returned(_) => break,
                    Exit::OutOfCycles => {
                        if self.interrupt.swap(false, Ordering::SeqCst) {
                            return Err(vm.interrupt());
                        }
                    }
                }
            }
        }
        Ok(())
    }
}

/// Forwards VM output to the session's sink.
struct Forward(SharedSink);

impl Output for Forward {
    fn write_str(&mut self, text: &str) {
        self.0.borrow_mut().write_str(text);
    }
}

/// Adds the `;` an input may omit after its last statement (on a line of its own, so a
/// trailing comment cannot swallow it).
fn with_semicolon(input: &str) -> String {
    let trimmed = input.trim_end();
    let (tokens, _) = prometeu_lexer::lex(trimmed, SourceId(0));
    // A lambda written as the whole input (`fn(x: int): int { ... }`) ends with `}` but is
    // an expression statement.
    let lambda = matches!(
        (tokens.first(), tokens.get(1)),
        (Some((Token::Fn, _)), Some((Token::LParen, _)))
    );
    match tokens.last() {
        Some((Token::RBrace, _)) if lambda => format!(
            "{trimmed}
;"
        ),
        None | Some((Token::Semi | Token::RBrace, _)) => trimmed.to_string(),
        Some(_) => format!("{trimmed}\n;"),
    }
}

/// Replaces the bytes of `range` in `text` with spaces, keeping line breaks, so the text
/// keeps its length and its line numbers.
fn blank(text: &mut String, range: std::ops::Range<usize>) {
    let spaces: String = text[range.clone()]
        .chars()
        .map(|c| {
            if c == '\n' {
                "\n".to_string()
            } else {
                " ".repeat(c.len_utf8())
            }
        })
        .collect();
    text.replace_range(range, &spaces);
}

/// What an input declares, found by one parse of it.
#[derive(Default)]
struct InputDecls {
    /// The functions, structs and constants, each with its signature as written: parameter
    /// and result types, field types, or the constant's type.
    signatures: Vec<(String, String)>,
    /// The same declarations as the session keeps them: name, source text, whether a struct.
    texts: Vec<(String, String, bool)>,
    /// The struct declarations (the first of each name), each with its byte range from
    /// `declare` to the end of the declaration.
    structs: Vec<(String, std::ops::Range<usize>)>,
    /// The asset declarations (`declare bank`, `map`, `sound`): the span and the kind.
    assets: Vec<(Span, &'static str)>,
    /// Every top-level name the input declares, with its span in the input.
    names: Vec<(String, Span)>,
}

/// Parses an input for the declarations it makes.
fn input_decls(input: &str) -> InputDecls {
    let (tokens, _) = prometeu_lexer::lex(input, SourceId(0));
    let limits = prometeu_compiler::Limits::default();
    let (module, _) = prometeu_compiler::parse::parse(&tokens, SourceId(0), input.len(), &limits);
    let ty = |t: &TypeExpr| {
        input
            .get(t.span().range())
            .unwrap_or("?")
            .split_whitespace()
            .collect::<String>()
    };
    let mut out = InputDecls::default();
    for item in &module.items {
        if let Some(name) = prometeu_compiler::check::item_name(item) {
            out.names.push((name.name.to_string(), name.span));
        }
        let (name, span, signature) = match item {
            Item::Fn(f) => {
                let params: Vec<String> = f.params.iter().map(|p| ty(&p.ty)).collect();
                let ret = f.ret.as_ref().map_or("void".to_string(), ty);
                let signature = format!("fn({}): {ret}", params.join(", "));
                (&f.name, f.header.to(f.body.span), signature)
            }
            Item::Struct {
                name,
                fields,
                span,
                implements,
                ..
            } => {
                let fields: Vec<String> = fields
                    .iter()
                    .map(|p| format!("{}: {}", p.name.name, ty(&p.ty)))
                    .collect();
                // The range starts at the `declare` before `struct`.
                let before = tokens.partition_point(|(_, t)| t.end <= span.start);
                if let Some((Token::Declare, t)) = before.checked_sub(1).map(|i| &tokens[i]) {
                    if out.structs.iter().all(|(n, _)| *n != name.name) {
                        out.structs
                            .push((name.name.to_string(), t.start as usize..span.end as usize));
                    }
                }
                // The contracts it implements are part of it: values of the session
                // may be held as those contracts.
                let contracts: Vec<&str> = implements.0.iter().map(|c| c.name.as_str()).collect();
                let signature = if contracts.is_empty() {
                    format!("struct({})", fields.join(", "))
                } else {
                    format!(
                        "struct({}) implements {}",
                        fields.join(", "),
                        contracts.join(", ")
                    )
                };
                (name, *span, signature)
            }
            Item::Const {
                name, ty: t, span, ..
            } => {
                let signature = format!("const {}", t.as_ref().map_or("?".to_string(), ty));
                (name, *span, signature)
            }
            Item::Enum { name, span, .. } => (name, *span, "enum".to_string()),
            Item::Contract {
                name,
                methods,
                span,
            } => {
                let methods: Vec<String> = methods
                    .iter()
                    .map(|m| {
                        let params: Vec<String> = m.params.iter().map(|p| ty(&p.ty)).collect();
                        let ret = m.ret.as_ref().map_or("void".to_string(), ty);
                        format!("{}({}): {ret}", m.name.name, params.join(", "))
                    })
                    .collect();
                (name, *span, format!("contract({})", methods.join("; ")))
            }
            Item::Bank { span, .. } => {
                out.assets.push((*span, "bank"));
                continue;
            }
            Item::Map { span, .. } => {
                out.assets.push((*span, "map"));
                continue;
            }
            Item::Sound { span, .. } => {
                out.assets.push((*span, "sound"));
                continue;
            }
            Item::Global { .. } | Item::Import(_) | Item::Stmt(_) | Item::Error => continue,
        };
        let is_struct = matches!(item, Item::Struct { .. });
        let mut text = input.get(span.range()).unwrap_or("").to_string();
        if is_struct
            || matches!(
                item,
                Item::Const { .. } | Item::Enum { .. } | Item::Contract { .. }
            )
        {
            text.insert_str(0, "declare ");
        }
        out.signatures.push((name.name.to_string(), signature));
        out.texts.push((name.name.to_string(), text, is_struct));
    }
    out
}

/// Applies a span mapping to every label of a diagnostic.
fn map_spans(mut d: Diagnostic, remap: &impl Fn(Span) -> Span) -> Diagnostic {
    if let Some(primary) = &mut d.primary {
        primary.span = remap(primary.span);
    }
    d.secondary = d
        .secondary
        .into_iter()
        .map(|l| Label {
            span: remap(l.span),
            message: l.message,
        })
        .collect();
    d
}

/// The stack trace of a trap, with each location in the input or the session text.
fn trace_notes(
    trap: &Trap,
    program: &prometeu_bytecode::Program,
    sources: &Sources,
    remap: &impl Fn(Span) -> Span,
) -> Vec<String> {
    let mut lines = Vec::new();
    for frame in &trap.trace {
        let Some(function) = program.functions.get(frame.function as usize) else {
            continue;
        };
        let name = &function.name;
        match function.span_at(frame.pc) {
            Some((start, end)) => {
                let span = remap(Span {
                    source: SourceId(function.file),
                    start,
                    end,
                });
                let (line, col) = sources.line_col(span.source, span.start);
                lines.push(format!(
                    "at {name} ({}:{line}:{col})",
                    sources.name(span.source)
                ));
            }
            None => lines.push(format!("at {name}")),
        }
    }
    prometeu_vm::trace_note(lines).into_iter().collect()
}
