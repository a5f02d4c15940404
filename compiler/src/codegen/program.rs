//! The whole program: its functions generated one at a time, in index order, then the
//! globals' initializers and the tables ([`Generator`]); [`generate`] and
//! [`generate_files`] run it over a module checked whole.

use super::{Gen, LimitError};
use crate::check::Checked;
use crate::hir::{TExpr, TExprKind, TFunction, TStmt, TStmtKind};
use crate::intern::Pool;
use crate::types::Type;
use crate::Builtins;
use prometeu_bytecode::{Entry, Function, Program};
use prometeu_lexer::{SourceId, Span};
use std::collections::HashMap;

/// A source file of the program, for its debug information.
#[derive(Clone, Debug)]
pub struct DebugFile {
    /// The id its spans carry.
    pub source: SourceId,
    /// Its display name.
    pub name: String,
    /// Its text, when the program keeps source texts.
    pub text: Option<String>,
}

/// Generates a program's code function by function, so each typed body can be freed as soon
/// as it is generated (the checker hands each one over once checked).
///
/// The functions must come in index order; the constants, host functions and global access
/// sites are numbered in the order the code first uses them, so the program is the same as
/// when the module is generated whole.
pub struct Generator<'a> {
    g: Gen<'a>,
    /// The source id of each file (the entry file first).
    sources: Vec<SourceId>,
    /// The globals' names in the string pool, in declaration order.
    globals: Vec<u32>,
    functions: Vec<Function>,
    /// Whether [`Generator::start`] has run.
    started: bool,
}

impl<'a> Generator<'a> {
    /// Starts a program whose files carry the ids `sources` (the entry file first).
    pub fn new(builtins: &'a Builtins, sources: Vec<SourceId>) -> Generator<'a> {
        Generator {
            g: Gen {
                builtins,
                params: Vec::new(),
                lambda_base: 0,
                pool: Pool::default(),
                hosts: Vec::new(),
                host_index: HashMap::new(),
                global_sites: Vec::new(),
                contract_sites: 0,
                errors: Vec::new(),
            },
            sources,
            globals: Vec::new(),
            functions: Vec::new(),
            started: false,
        }
    }

    /// Sets what the functions' code refers to before the first one is generated: each
    /// function's parameter count by index (those not known yet, such as the lambdas', are
    /// taken from `Checked` by [`Generator::finish`]), the index of the first lambda, and
    /// the globals' names in declaration order (the first strings of the pool).
    pub fn start<'n>(
        &mut self,
        params: Vec<u16>,
        lambda_base: u32,
        globals: impl IntoIterator<Item = &'n str>,
    ) {
        self.g.params = params;
        self.g.lambda_base = lambda_base;
        self.globals = globals
            .into_iter()
            .map(|name| self.g.pool.string(name))
            .collect();
        self.started = true;
    }

    /// How many functions have been generated: the index of the next one.
    pub fn generated(&self) -> usize {
        self.functions.len()
    }

    /// The index of the file whose spans carry `span`'s source (0, the entry file, for a
    /// program of one file).
    fn file_of(&self, span: Span) -> u32 {
        if self.sources.len() < 2 {
            return 0;
        }
        self.sources
            .iter()
            .position(|&s| s == span.source)
            .map_or(0, |i| i as u32)
    }

    /// Generates the code of function number [`Generator::generated`] and frees its body.
    pub fn function(&mut self, f: &mut TFunction) {
        let body = std::mem::take(&mut f.body);
        let mut function = self.g.function(&f.name, f.params, f.locals, &body, f.end);
        function.file = self.file_of(f.end);
        self.functions.push(function);
        crate::drop_deep(body);
    }

    /// Generates the functions of `checked` not generated yet and the globals' initializers,
    /// and builds the program with the debug information of `files` (the entry file first,
    /// the files of the ids given to [`Generator::new`]); or reports the limits it would
    /// exceed. The bodies and initializers are moved out of `checked` and freed.
    pub fn finish(
        mut self,
        checked: &mut Checked,
        files: &[DebugFile],
    ) -> Result<Program, Vec<LimitError>> {
        let params = checked.functions.iter().map(|f| f.params).collect();
        if self.started {
            self.g.params = params;
            self.g.lambda_base = checked.lambda_base;
        } else {
            let globals = checked.globals.iter().map(|(name, _)| name.as_str());
            self.start(params, checked.lambda_base, globals);
        }
        self.functions
            .reserve_exact(checked.functions.len() + 1 - self.functions.len());
        let start = self.functions.len();
        for f in checked.functions.iter_mut().skip(start) {
            self.function(f);
        }
        let global_init = std::mem::take(&mut checked.global_init);
        let checked: &Checked = checked;
        let init_index = self.globals_init(global_init, files);
        let Generator {
            mut g,
            globals,
            functions,
            ..
        } = self;
        if let Some(span) = g.pool.over_heap() {
            g.errors.push(LimitError::ConstantsTooLarge { span });
        }
        if !g.errors.is_empty() {
            return Err(g.errors);
        }
        let (strings, constants) = g.pool.finish();
        Ok(Program {
            strings,
            constants,
            functions,
            hosts: g.hosts,
            structs: checked.structs.clone(),
            globals,
            global_sites: g.global_sites,
            entry: Entry {
                globals_init: init_index,
                main: checked.main,
                init: checked.init,
                frame: checked.frame,
            },
            source_name: files.first().map_or(String::new(), |f| f.name.clone()),
            source_text: files.first().and_then(|f| f.text.clone()),
            files: files
                .iter()
                .skip(1)
                .map(|f| prometeu_bytecode::SourceInfo {
                    name: f.name.clone(),
                    text: f.text.clone(),
                })
                .collect(),
            assets: std::sync::Arc::new(checked.assets.clone()),
            enums: checked.enums.clone(),
            contracts: checked.contracts.clone(),
        })
    }

    /// Generates the globals initializer and returns its function index. A global holds no
    /// value until its initializer has run: a read before that (possible only through a
    /// function value called while the globals are initialized, §15.9) traps instead of
    /// seeing a value of the wrong type or a zero.
    fn globals_init(&mut self, global_init: Vec<TStmt>, files: &[DebugFile]) -> u32 {
        let mut init = Vec::new();
        let start = Span::default();
        // The initializers of each imported file, in initialization order, get a function of
        // their own so their spans point into their file.
        let mut per_file: Vec<(u32, Vec<TStmt>)> = Vec::new();
        for stmt in global_init {
            let file = self.file_of(stmt.span);
            if file == 0 {
                init.push(stmt);
                continue;
            }
            match per_file.last_mut() {
                Some((last, stmts)) if *last == file => stmts.push(stmt),
                _ => per_file.push((file, vec![stmt])),
            }
        }
        let mut calls = Vec::new();
        for (file, stmts) in per_file {
            let name = format!("<globals {}>", files[file as usize].name);
            let index = self.functions.len() as u32;
            let end = stmts.last().map_or(start, |s| s.span);
            let mut function = self.g.function(&name, 0, 0, &stmts, end);
            function.file = file;
            self.functions.push(function);
            calls.push(TStmt {
                kind: TStmtKind::Expr(TExpr {
                    kind: TExprKind::Call(index, Box::default()),
                    ty: Type::Void,
                    span: start,
                }),
                span: start,
            });
        }
        // The imported files' initializers, then the entry file's.
        let entry_inits = std::mem::replace(&mut init, calls);
        init.extend(entry_inits);
        let init_index = self.functions.len() as u32;
        let function = self.g.function("<globals>", 0, 0, &init, start);
        self.functions.push(function);
        init_index
    }
}

/// Generates the program for a checked module, or reports the limits it would exceed.
///
/// The function bodies and global initializers are moved out of `checked` and freed as soon
/// as their code is generated, so the typed tree and the program are not both held whole;
/// what stays in `checked` (signatures, globals, entry points) is what callers read after.
pub fn generate(
    checked: &mut Checked,
    builtins: &Builtins,
    source_name: &str,
    source_text: Option<&str>,
) -> Result<Program, Vec<LimitError>> {
    let file = DebugFile {
        source: SourceId::default(),
        name: source_name.to_string(),
        text: source_text.map(str::to_string),
    };
    generate_files(checked, builtins, std::slice::from_ref(&file))
}

/// Like [`generate`], for a program of several files: `files[0]` is the entry file. Each
/// function records the file its spans point into; the globals of each imported file are
/// initialized by a function of their own (`<globals enemies.pbs>`), called in order by
/// `<globals>` before the entry file's initializers run.
pub fn generate_files(
    checked: &mut Checked,
    builtins: &Builtins,
    files: &[DebugFile],
) -> Result<Program, Vec<LimitError>> {
    let sources = files.iter().map(|f| f.source).collect();
    Generator::new(builtins, sources).finish(checked, files)
}

/// Generates each function as soon as the checker has checked it.
impl crate::check::BodySink for Generator<'_> {
    fn start(&mut self, params: Vec<u16>, globals: &[&str]) {
        let lambda_base = params.len() as u32;
        Generator::start(self, params, lambda_base, globals.iter().copied());
    }

    fn function(&mut self, index: u32, function: &mut TFunction) {
        if self.started && index as usize == self.generated() {
            self.function(function);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::{compile, Builtins, CompileOptions};
    use prometeu_bytecode::{HostSig, HostType};
    use prometeu_lexer::SourceId;

    fn builtins() -> Builtins {
        Builtins {
            hosts: vec![HostSig {
                name: "print".into(),
                params: vec![HostType::Any],
                result: HostType::Void,
            }],
            constants: Vec::new(),
        }
    }

    /// Functions calling later ones, methods, lambdas, string constants and globals: what
    /// the program numbers in the order its code first uses it.
    const SOURCE: &str = "declare struct P(x: int) {\n    fn get(): int { return this.x + later(1); }\n}\n\
declare global g: int = 7;\n\
declare global h: string = \"h\";\n\
fn first(a: int): int {\n    let f = fn(b: int): int { return a + b + g; };\n    print(\"first\");\n    return f(a) + later(a);\n}\n\
fn later(a: int): int {\n    print(h + \"later\");\n    let big = 123456789012;\n    return a * 2 + big;\n}\n\
fn main() {\n    let p = new P(first(2));\n    print(p.get());\n    print(2.5);\n}\n";

    #[test]
    fn generating_each_function_as_it_is_checked_gives_the_program_of_a_whole_generation() {
        let builtins = builtins();
        let options = CompileOptions::default();
        let compiled = compile(SOURCE, SourceId(0), "t.pbs", &builtins, &options);
        assert!(!compiled.has_errors(), "{:?}", compiled.diagnostics);
        let incremental = compiled.program.expect("a program");
        let (mut module, _) = crate::parse::parse_source(SOURCE, SourceId(0), &options.limits);
        let declared = crate::assets::Declared::default();
        let (mut checked, errors) = crate::check::check(&mut module, &builtins, None, &declared);
        assert!(errors.is_empty(), "{errors:?}");
        assert!(checked.functions.iter().all(|f| !f.body.is_empty()));
        let whole = super::generate(&mut checked, &builtins, "t.pbs", Some(SOURCE)).expect("ok");
        assert_eq!(incremental, whole);
        assert!(
            incremental.functions.len() > 5,
            "the lambda and the methods too"
        );
        let checked = compiled.checked.expect("checked");
        assert!(checked.functions.iter().all(|f| f.body.is_empty()));
    }

    #[test]
    fn after_an_error_nothing_is_generated_and_the_bodies_stay() {
        let source = "fn a(): int { return 1; }\nfn b(): int { return \"no\"; }\nfn c(): int { return 3; }\nfn main() { print(a() + b() + c()); }\n";
        let builtins = builtins();
        let compiled = compile(
            source,
            SourceId(0),
            "t.pbs",
            &builtins,
            &CompileOptions::default(),
        );
        assert!(compiled.has_errors());
        assert!(compiled.program.is_none());
        let checked = compiled.checked.expect("checked");
        let bodies: Vec<bool> = checked
            .functions
            .iter()
            .map(|f| f.body.is_empty())
            .collect();
        // `a` was generated before the error in `b`; from `b` on, the bodies are kept.
        assert_eq!(bodies, [true, false, false, false]);
    }
}
