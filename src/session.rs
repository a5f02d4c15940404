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

use crate::SharedOutput;
use prometeu_bytecode::{disassemble_function, HostSig, HostType, VerifiedProgram};
use prometeu_compiler::ast::{Item, TypeExpr};
use prometeu_compiler::types::Type;
use prometeu_compiler::{Builtins, CompileOptions, ReplContext};
use prometeu_lexer::{Diagnostic, Label, SourceId, Sources, Span, Token};
use prometeu_vm::{
    format_value, Exit, FormatStyle, HostCtx, Hosts, Limits, Output, Trap, TrapKind, Value, Vm,
};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// The host function that shows an expression statement's value.
const ECHO: &str = "Repl.echo";

/// How many cycles run between two checks for an interruption.
const SLICE: u64 = 1_000_000;

/// One declaration kept by the session, as source text.
#[derive(Clone, Debug)]
struct Decl {
    name: String,
    text: String,
}

/// A compiled input: the compiler's result, the sources it points into, and the names the
/// input declares with their written signatures.
type CompiledInput = (prometeu_compiler::Compiled, Sources, Vec<(String, String)>);

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
    let mut text = format_value(ctx.heap, ctx.structs, args[0], FormatStyle::Quoted);
    text.push('\n');
    ctx.out.write_str(&text);
    Ok(Value::Unit)
}

/// A REPL session.
pub struct Session {
    decls: Vec<Decl>,
    globals: Vec<(String, Type)>,
    signatures: HashMap<String, String>,
    /// Each declaration's signature as written, to refuse redefinitions that change it.
    written: HashMap<String, String>,
    hosts: Hosts,
    builtins: Builtins,
    vm: Option<Vm>,
    program: Option<VerifiedProgram>,
    out: Box<dyn Output>,
    interrupt: Arc<AtomicBool>,
    inputs: usize,
}

impl Session {
    /// A new, empty session writing program output to `out`; setting `interrupt` stops the
    /// running evaluation at the next slice boundary.
    pub fn new(out: Box<dyn Output>, interrupt: Arc<AtomicBool>) -> Session {
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
            globals: Vec::new(),
            signatures: HashMap::new(),
            written: HashMap::new(),
            hosts,
            builtins,
            vm: None,
            program: None,
            out,
            interrupt,
            inputs: 0,
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

    /// Forgets every definition.
    pub fn reset(&mut self) {
        let out = std::mem::replace(&mut self.out, Box::new(String::new()));
        let interrupt = self.interrupt.clone();
        *self = Session::new(out, interrupt);
    }

    /// The session's globals with their types, in definition order.
    pub fn globals(&self) -> &[(String, Type)] {
        &self.globals
    }

    /// Every function, struct and constant with its signature, sorted by name.
    pub fn declarations(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = self
            .signatures
            .iter()
            .filter(|(name, _)| !name.starts_with('<'))
            .map(|(n, s)| (n.clone(), s.clone()))
            .collect();
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
    /// end of the input while expecting more.
    pub fn needs_more(text: &str) -> bool {
        let (tokens, lex_errors) = prometeu_lexer::lex(text, SourceId(0));
        if lex_errors
            .iter()
            .any(|e| e.kind == prometeu_lexer::LexErrorKind::UnterminatedString)
        {
            return false;
        }
        let mut depth = 0i64;
        for (t, _) in &tokens {
            match t {
                Token::LParen | Token::LBracket | Token::LBrace => depth += 1,
                Token::RParen | Token::RBracket | Token::RBrace => depth -= 1,
                _ => {}
            }
        }
        if depth > 0 {
            return true;
        }
        if depth < 0 || tokens.is_empty() {
            return false;
        }
        // More is needed when the parser hits the end of the input, unless the one thing
        // missing is the `;` the REPL adds by itself.
        let ends_early = |text: &str| {
            let (tokens, _) = prometeu_lexer::lex(text, SourceId(0));
            let limits = prometeu_compiler::Limits::default();
            let (_, errors) =
                prometeu_compiler::parse::parse(&tokens, SourceId(0), text.len(), &limits);
            (
                errors
                    .iter()
                    .any(|e| prometeu_compiler::parse::is_unexpected_end(e, text.len())),
                errors.is_empty(),
            )
        };
        let (early, _) = ends_early(text);
        if !early {
            return false;
        }
        let (_, completes) = ends_early(&with_semicolon(text));
        !completes
    }

    /// The static type of an expression in the session, without running it.
    pub fn type_of(&mut self, expr: &str) -> Result<String, Failure> {
        let (compiled, sources, _) = self.compile(expr, false)?;
        match compiled.checked.and_then(|c| c.last_expr) {
            Some(ty) => Ok(ty.to_string()),
            None => Err(Failure {
                diagnostics: vec![Diagnostic::plain("`:type` needs an expression")],
                sources,
            }),
        }
    }

    /// Compiles an input against the session; returns the result, the sources, and the
    /// names the input declares.
    fn compile(&mut self, input: &str, echo: bool) -> Result<CompiledInput, Failure> {
        self.inputs += 1;
        let input = with_semicolon(input);
        let declared = declared_names(&input);
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
        let mut combined = String::new();
        for d in &self.decls {
            if declared.iter().all(|(name, _)| *name != d.name) {
                combined.push_str(&d.text);
                combined.push('\n');
            }
        }
        let offset = combined.len();
        combined.push_str(&input);
        let mut sources = Sources::new();
        let combined_id = sources.add("<session>", combined.clone());
        let input_id = sources.add(format!("<input {}>", self.inputs), input.clone());
        let options = CompileOptions {
            require_entry: false,
            keep_source: true,
            limits: prometeu_compiler::Limits::default(),
            repl: Some(ReplContext {
                globals: self.globals.clone(),
                echo: if echo {
                    ECHO.to_string()
                } else {
                    String::new()
                },
            }),
            assets: None,
        };
        let compiled = prometeu_compiler::compile(
            &combined,
            combined_id,
            "<session>",
            &self.builtins,
            &options,
        );
        let remap = |span: Span| to_input(span, offset, input_id);
        if compiled.has_errors() {
            let diagnostics = compiled
                .diagnostics
                .iter()
                .map(|d| map_spans(d.clone(), &remap))
                .collect();
            return Err(Failure {
                diagnostics,
                sources,
            });
        }
        Ok((compiled, sources, declared))
    }

    /// Evaluates one input: declarations, statements and expressions. Program output goes to
    /// the session's sink (expression values quoted); a failure is returned, and leaves the
    /// session as it was before the input.
    pub fn eval(&mut self, input: &str) -> Result<(), Failure> {
        let (compiled, sources, declared) = self.compile(input, true)?;
        let program = compiled.program.ok_or_else(|| Failure {
            diagnostics: vec![Diagnostic::plain("internal error: no program")],
            sources: Sources::new(),
        })?;
        let offset =
            program.source_text.as_deref().map_or(0, |t| t.len()) - with_semicolon(input).len();
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
            let diagnostic = trap.to_diagnostic(verified.program(), &sources, SourceId(0));
            let input_id = SourceId(1);
            let remap = |span: Span| to_input(span, offset, input_id);
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
        let input_text = with_semicolon(input);
        self.decls
            .retain(|d| declared.iter().all(|(n, _)| *n != d.name));
        for (name, text) in declared_texts(&input_text) {
            self.decls.push(Decl { name, text });
        }
        self.written.extend(declared);
        if let Some(checked) = compiled.checked {
            self.globals = checked.session_globals;
            self.signatures = checked.signatures.into_iter().collect();
        }
        self.program = Some(verified);
        Ok(())
    }

    /// Installs a program into the VM (creating it on first use) and runs the input.
    fn install_and_run(&mut self, program: VerifiedProgram) -> Result<(), Trap> {
        match &mut self.vm {
            Some(vm) => vm.replace_program(program, &self.hosts)?,
            None => {
                let out = std::mem::replace(&mut self.out, Box::new(String::new()));
                let mut vm = Vm::new(
                    program,
                    &self.hosts,
                    Limits::default(),
                    Box::new(Forward(out)),
                )?;
                // The console is there too, so `Rand` and drawing work at the prompt.
                vm.set_state(Box::new(crate::stdlib::console::Console::new(0)));
                self.vm = Some(vm);
            }
        }
        let vm = self.vm.as_mut().expect("the VM exists");
        let entry = vm.program().program().entry;
        self.interrupt.store(false, Ordering::SeqCst);
        for function in [Some(entry.globals_init), entry.main].into_iter().flatten() {
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
struct Forward(Box<dyn Output>);

impl Output for Forward {
    fn write_str(&mut self, text: &str) {
        self.0.write_str(text);
    }
}

/// Adds the `;` an input may omit after its last statement (on a line of its own, so a
/// trailing comment cannot swallow it).
fn with_semicolon(input: &str) -> String {
    let trimmed = input.trim_end();
    let (tokens, _) = prometeu_lexer::lex(trimmed, SourceId(0));
    match tokens.last() {
        None | Some((Token::Semi | Token::RBrace, _)) => trimmed.to_string(),
        Some(_) => format!("{trimmed}\n;"),
    }
}

/// The functions, structs and constants an input declares, with their source text.
fn declared_texts(input: &str) -> Vec<(String, String)> {
    let (tokens, _) = prometeu_lexer::lex(input, SourceId(0));
    let limits = prometeu_compiler::Limits::default();
    let (module, _) = prometeu_compiler::parse::parse(&tokens, SourceId(0), input.len(), &limits);
    let mut out = Vec::new();
    for item in &module.items {
        let (name, span) = match item {
            Item::Fn(f) => (&f.name, f.header.to(f.body.span)),
            Item::Struct { name, span, .. } => (name, *span),
            Item::Const { name, span, .. } => (name, *span),
            Item::Global { .. }
            | Item::Bank { .. }
            | Item::Map { .. }
            | Item::Stmt(_)
            | Item::Error => continue,
        };
        let mut text = input.get(span.range()).unwrap_or("").to_string();
        if matches!(item, Item::Struct { .. } | Item::Const { .. }) {
            text.insert_str(0, "declare ");
        }
        out.push((name.name.clone(), text));
    }
    out
}

/// The names an input declares (functions, structs, constants), each with its signature
/// as written: parameter and result types, field types, or the constant's type.
fn declared_names(input: &str) -> Vec<(String, String)> {
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
    let mut out = Vec::new();
    for item in &module.items {
        match item {
            Item::Fn(f) => {
                let params: Vec<String> = f.params.iter().map(|p| ty(&p.ty)).collect();
                let ret = f.ret.as_ref().map_or("void".to_string(), ty);
                out.push((
                    f.name.name.clone(),
                    format!("fn({}): {ret}", params.join(", ")),
                ));
            }
            Item::Struct { name, fields, .. } => {
                let fields: Vec<String> = fields
                    .iter()
                    .map(|p| format!("{}: {}", p.name.name, ty(&p.ty)))
                    .collect();
                out.push((name.name.clone(), format!("struct({})", fields.join(", "))));
            }
            Item::Const { name, ty: t, .. } => {
                out.push((
                    name.name.clone(),
                    format!("const {}", t.as_ref().map_or("?".to_string(), ty)),
                ));
            }
            Item::Global { .. }
            | Item::Bank { .. }
            | Item::Map { .. }
            | Item::Stmt(_)
            | Item::Error => {}
        }
    }
    out
}

/// Maps a span of the combined session text to the input it came from, when it lies in the
/// input (at or after `offset`); spans in earlier declarations stay in the session text.
fn to_input(span: Span, offset: usize, input: SourceId) -> Span {
    if span.start as usize >= offset {
        Span::new(
            input,
            span.start as usize - offset,
            span.end as usize - offset,
        )
    } else {
        span
    }
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
                    source: SourceId(0),
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
