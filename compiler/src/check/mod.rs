//! Name resolution and static type checking: the AST in, a typed tree ([`crate::hir`]) and
//! every error and warning out.
//!
//! The checker first collects the top-level declarations (so functions and constants can be
//! used before they are declared), evaluates constants, checks global initializers in source
//! order, then checks each function body. An expression that failed gets the error type,
//! which is accepted everywhere, so one mistake is reported once.

mod array_fns;
mod captures;
mod closures;
mod consts;
mod contracts;
mod declarations;
mod defaults;
mod entries;
mod enums;
mod error;
mod expr;
mod foreach;
mod init_order;
mod map;
mod optional;
mod scope;
mod session;
mod stmt;
mod switch;

pub use consts::ConstValue;
pub use error::CheckError;
pub use scope::{item_name, FileLinks};

use crate::ast::{self, Ident, Item, Module, TypeExpr};
use crate::hir::{TExpr, TFunction, TStmt};
use crate::types::Type;
use crate::Builtins;
use defaults::default_text;
use entries::CartEntries;
use prometeu_lexer::{Severity, Span};
use std::collections::HashMap;

/// The names of the built-in types, which no declaration may take.
pub(crate) const BUILTIN_TYPES: [&str; 5] = ["int", "float", "bool", "string", "void"];

/// The signature of a program function.
#[derive(Clone, Debug)]
pub(crate) struct FnSig {
    pub(crate) name: Ident,
    pub(crate) params: Vec<(Ident, Type)>,
    pub(crate) ret: Type,
    pub(crate) header: Span,
}

/// How far a constant's evaluation has come.
#[derive(Clone, Debug)]
pub(crate) enum ConstState {
    Pending,
    InProgress,
    Done(ConstValue),
    Failed,
}

/// A `declare const`.
#[derive(Clone, Debug)]
pub(crate) struct ConstInfo<'a> {
    pub(crate) name: &'a Ident,
    pub(crate) ty: Option<&'a TypeExpr>,
    pub(crate) value: &'a ast::Expr,
    pub(crate) state: ConstState,
    /// The file that declares it (its initializer is resolved there).
    pub(crate) file: usize,
}

/// A `declare global`.
#[derive(Clone, Debug)]
pub(crate) struct GlobalInfo {
    pub(crate) name: Ident,
    /// Its type, once its declaration has been checked.
    pub(crate) ty: Option<Type>,
    /// Defined by an earlier REPL input: it already has a value and is not re-initialized.
    pub(crate) external: bool,
}

/// A struct type: its fields and methods.
#[derive(Clone, Debug)]
pub(crate) struct StructInfo {
    pub(crate) name: Ident,
    pub(crate) fields: Vec<(Ident, Type)>,
    /// Each field's default value, checked: a constant, or an empty array made anew by each
    /// `new` (same length as `fields` once the defaults are checked).
    pub(crate) defaults: Vec<Option<TExpr>>,
    /// Method name → function index.
    pub(crate) methods: HashMap<String, u32>,
}

impl StructInfo {
    /// The index and type of a field.
    pub(crate) fn field(&self, name: &str) -> Option<(u16, Type)> {
        self.fields
            .iter()
            .position(|(f, _)| f.name == name)
            .map(|i| (i as u16, self.fields[i].1.clone()))
    }
}

/// What a top-level name refers to.
#[derive(Clone, Copy, Debug)]
pub(crate) enum TopLevel {
    Fn(u32),
    Const(usize),
    Global(usize),
    Struct(usize),
    /// A `declare bank`, by bank index.
    Bank(u32),
    /// A `declare sound`, by the index of its sound in the program's assets.
    Sound(u32),
    /// A `declare enum`, by index.
    Enum(usize),
    /// A `declare contract`, by index.
    Contract(usize),
}

/// The result of checking a module.
#[derive(Clone, Debug, Default)]
pub struct Checked {
    /// The program functions, in declaration order. Code generation moves their bodies out
    /// (and frees them), so after `compile` only their names and signatures remain.
    pub functions: Vec<TFunction>,
    /// The globals (name and type), in declaration order.
    pub globals: Vec<(String, Type)>,
    /// The global initializers, in source order; moved out by code generation like the
    /// function bodies.
    pub global_init: Vec<TStmt>,
    /// The index of `main`, if the module has one.
    pub main: Option<u32>,
    /// The struct types, in declaration order.
    pub structs: Vec<prometeu_bytecode::StructDecl>,
    /// Every global after this module, earlier REPL inputs' included (REPL mode).
    pub session_globals: Vec<(String, Type)>,
    /// Each function, struct and constant with a text describing its signature, used to
    /// refuse REPL redefinitions that change a signature.
    pub signatures: Vec<(String, String)>,
    /// The type of the last expression statement of a REPL input (for `:type`).
    pub last_expr: Option<Type>,
    /// The `[Init]` function of a cartridge.
    pub init: Option<u32>,
    /// The `[Frame]` function of a cartridge.
    pub frame: Option<u32>,
    /// The converted assets the program carries.
    pub assets: prometeu_bytecode::Assets,
    /// The enum types, in declaration order.
    pub enums: Vec<prometeu_bytecode::EnumDecl>,
    /// The function index of lambda 0: the lambdas' functions follow all the others.
    pub lambda_base: u32,
    /// The contract types with their implementing structs, in declaration order.
    pub contracts: Vec<prometeu_bytecode::ContractDecl>,
}

/// Receives each program function as soon as its body is checked, so its code can be
/// generated and its typed body freed before the next body is checked.
pub(crate) trait BodySink {
    /// Called once, before the first function body is checked, with each program
    /// function's parameter count by function index (the lambdas are numbered after them)
    /// and the names of the program's globals in declaration order.
    fn start(&mut self, params: Vec<u16>, globals: &[&str]);

    /// Called with function `index` once its body is checked, in index order, as long as
    /// no error has been reported; it may take the body.
    fn function(&mut self, index: u32, function: &mut TFunction);
}

/// A global's initialization, in source order.
#[derive(Clone, Copy)]
enum GlobalDecl<'a> {
    /// `declare global`: an expression, with its annotated type.
    Expr(usize, Option<&'a TypeExpr>, &'a ast::Expr),
    /// `declare map`: a fresh copy of map `file` of the program's assets.
    Map(usize, u32, Span),
    /// In a REPL input, the `declare global` of an imported file that an earlier input ran:
    /// not initialized again, but checked as a function that never runs, so the lambdas of
    /// its initializer exist in this program too.
    Kept(usize, Option<&'a TypeExpr>, &'a ast::Expr),
}

/// The checker's state for one module.
pub(crate) struct Checker<'a> {
    pub(crate) builtins: &'a Builtins,
    pub(crate) top: HashMap<String, (TopLevel, Span)>,
    pub(crate) fns: Vec<FnSig>,
    pub(crate) consts: Vec<ConstInfo<'a>>,
    pub(crate) globals: Vec<GlobalInfo>,
    pub(crate) structs: Vec<StructInfo>,
    pub(crate) enums: Vec<enums::EnumInfo>,
    pub(crate) contracts: Vec<contracts::ContractInfo>,
    pub(crate) errors: Vec<CheckError>,
    /// The constants being evaluated, outermost first.
    pub(crate) const_stack: Vec<usize>,
    /// For each constant, the constants its initializer uses.
    pub(crate) const_refs: Vec<Vec<usize>>,
    /// The file being checked (an index into the program's files).
    pub(crate) file: usize,
    /// Each file's display name.
    pub(crate) file_names: Vec<String>,
    /// Each file's names that are qualified internally (see `scope`).
    pub(crate) renames: Vec<HashMap<String, String>>,
    /// Each file's declarations by written name.
    pub(crate) exports: Vec<HashMap<String, scope::Export>>,
    /// Each file's visible names; empty for a program of one file.
    pub(crate) scopes: Vec<scope::Scope>,
    /// Each file's visible names resolved, once every declaration is registered (one hash
    /// lookup per name in the bodies instead of two).
    pub(crate) resolved: Vec<HashMap<String, (TopLevel, Span)>>,
    /// What each function body reads and calls, for the initialization order (§15.9).
    pub(crate) uses: init_order::Uses,
    /// In a REPL input with imports, the globals earlier inputs defined at the prompt, which
    /// the prompt's scope (the entry file's) sees beside its own declarations.
    pub(crate) prompt_globals: Vec<String>,
    /// The locals lambdas capture, found before each body is checked.
    pub(crate) captures: captures::Captures,
    /// The lambdas checked so far, and the name of the function being checked.
    pub(crate) lambdas: closures::Lambdas,
}

impl<'a> Checker<'a> {
    /// Reports an error or warning.
    pub(crate) fn report(&mut self, error: CheckError) {
        self.errors.push(error);
    }

    /// Reports a declaration (`what`: "a struct", "a variable", ...) named like a built-in
    /// type, which would make the type name ambiguous.
    pub(crate) fn builtin_type_name(&mut self, name: &Ident, what: &str) {
        if BUILTIN_TYPES.contains(&name.name.as_str()) {
            self.report(
                CheckError::new(
                    "E0206",
                    format!(
                        "`{}` is a built-in type and cannot be the name of {what}",
                        name.name
                    ),
                    name.span,
                    "a built-in type name",
                )
                .with_help("pick another name; int, float, bool, string and void are reserved for the built-in types"),
            );
        }
    }

    /// Resolves a parameter's type (of a function, method, contract method or lambda);
    /// `void` is E0310.
    pub(crate) fn param_type(&mut self, p: &ast::Param) -> Type {
        let ty = self.resolve_type(&p.ty);
        if ty == Type::Void {
            self.report(CheckError::new(
                "E0310",
                format!("parameter `{}` cannot have type void", p.name.name),
                p.ty.span(),
                "void has no values",
            ));
        }
        ty
    }

    /// Resolves a written type.
    pub(crate) fn resolve_type(&mut self, ty: &TypeExpr) -> Type {
        match ty {
            TypeExpr::Named(name) => match name.name.as_str() {
                "int" => Type::Int,
                "float" => Type::Float,
                "bool" => Type::Bool,
                "string" => Type::Str,
                "void" => Type::Void,
                "Bank" => Type::Bank,
                "TileMap" => Type::TileMap,
                "Sound" => Type::Sound,
                other if self.enum_named(other).is_some() => {
                    let index = self.enum_named(other).unwrap_or(0);
                    Type::Enum(self.enums[index].name.name.to_string())
                }
                other if self.struct_named(other).is_some() => {
                    let index = self.struct_named(other).unwrap_or(0);
                    Type::Struct(self.structs[index].name.name.to_string())
                }
                other if self.contract_named(other).is_some() => {
                    let index = self.contract_named(other).unwrap_or(0);
                    Type::Contract(self.contracts[index].name.name.to_string())
                }
                other => {
                    self.report(
                        CheckError::new(
                            "E0203",
                            format!("unknown type `{other}`"),
                            name.span,
                            "not a type",
                        )
                        .with_help("the types are int, float, bool, string and void"),
                    );
                    Type::Error
                }
            },
            TypeExpr::Optional(inner, span) => self.resolve_optional(inner, *span),
            TypeExpr::Map(key, value, _) => self.resolve_map(key, value),
            TypeExpr::Func(params, ret, _) => self.resolve_func_type(params, ret.as_deref()),
            TypeExpr::Array(inner, span) => match self.resolve_type(inner) {
                Type::Error => Type::Error,
                Type::Void => {
                    self.report(CheckError::new(
                        "E0310",
                        "array elements cannot have type void",
                        *span,
                        "void has no values",
                    ));
                    Type::Error
                }
                t => Type::Array(Box::new(t)),
            },
        }
    }

    /// Records a function's signature (a method gets `this` as its first parameter) and
    /// returns its function index.
    fn signature(&mut self, f: &ast::FnDecl, this: Option<Type>, internal: &Ident) -> u32 {
        // Sized exactly: a program holds one list per function.
        let mut params = Vec::with_capacity(f.params.len() + usize::from(this.is_some()));
        if let Some(this) = this.clone() {
            params.push((
                Ident {
                    name: "this".into(),
                    span: f.name.span,
                },
                this,
            ));
        }
        for p in &f.params {
            self.builtin_type_name(&p.name, "a parameter");
            let ty = self.param_type(p);
            params.push((p.name.clone(), ty));
        }
        let ret = f.ret.as_ref().map_or(Type::Void, |t| self.resolve_type(t));
        let name = match &this {
            Some(t) => Ident {
                name: format!("{t}.{}", f.name.name).into(),
                span: f.name.span,
            },
            None => internal.clone(),
        };
        let index = self.fns.len() as u32;
        self.fns.push(FnSig {
            name,
            params,
            ret,
            header: f.header,
        });
        index
    }

    /// The signature text of every function, struct and constant.
    fn signatures(&mut self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for f in &self.fns {
            let params: Vec<String> = f.params.iter().map(|(_, t)| t.to_string()).collect();
            out.push((
                f.name.name.to_string(),
                format!("fn({}): {}", params.join(", "), f.ret),
            ));
        }
        for s in &self.structs {
            let fields: Vec<String> = s
                .fields
                .iter()
                .zip(s.defaults.iter().chain(std::iter::repeat(&None)))
                .map(
                    |((n, t), default)| match default.as_ref().map(default_text) {
                        Some(value) => format!("{}: {t} = {value}", n.name),
                        None => format!("{}: {t}", n.name),
                    },
                )
                .collect();
            out.push((
                s.name.name.to_string(),
                format!("struct({})", fields.join(", ")),
            ));
        }
        for e in &self.enums {
            let variants: Vec<String> = e
                .variants
                .iter()
                .map(|v| {
                    let fields: Vec<String> = v
                        .fields
                        .iter()
                        .map(|(n, t)| format!("{}: {t}", n.name))
                        .collect();
                    format!("{}({})", v.name.name, fields.join(", "))
                })
                .collect();
            out.push((
                e.name.name.to_string(),
                format!("enum({})", variants.join(", ")),
            ));
        }
        out.extend(self.contract_signatures());
        for i in 0..self.consts.len() {
            let file = self.consts[i].file;
            let written = &self.consts[i].name.name;
            let name = self
                .renames
                .get(file)
                .and_then(|map| map.get(written.as_str()))
                .cloned()
                .unwrap_or_else(|| written.to_string());
            let ty = match &self.consts[i].state {
                ConstState::Done(v) => v.to_expr(Span::default()).ty.to_string(),
                _ => "?".to_string(),
            };
            out.push((name, format!("const {ty}")));
        }
        out
    }

    /// Checks that a field or method name is unique within its struct.
    fn member_name(&mut self, seen: &mut HashMap<String, Span>, name: &Ident) {
        if let Some(&earlier) = seen.get(name.name.as_str()) {
            self.report(
                CheckError::new(
                    "E0201",
                    format!("`{}` is declared more than once in this struct", name.name),
                    name.span,
                    "declared again here",
                )
                .with_label(earlier, "first declared here"),
            );
        } else {
            seen.insert(name.name.to_string(), name.span);
        }
    }

    /// Registers a top-level name, reporting a duplicate against the earlier declaration.
    fn declare(&mut self, name: &Ident, what: TopLevel) -> bool {
        if let Some((_, earlier)) = self.top.get(name.name.as_str()) {
            // Struct names are collected first; the primary label goes to whichever
            // declaration comes later in the source.
            let (later, first) = if earlier.start > name.span.start {
                (*earlier, name.span)
            } else {
                (name.span, *earlier)
            };
            self.report(
                CheckError::new(
                    "E0201",
                    format!("`{}` is declared more than once", name.name),
                    later,
                    "declared again here",
                )
                .with_label(first, "first declared here")
                .with_help("rename one of them"),
            );
            return false;
        }
        self.top.insert(name.name.to_string(), (what, name.span));
        true
    }
}

impl Checker<'_> {
    /// The initialization of a `declare map` global: a call of the host function that copies
    /// the program's map `file` into a new `TileMap`.
    fn map_global(&mut self, index: usize, file: u32, span: Span) -> Option<TStmt> {
        let host = self
            .builtins
            .hosts
            .iter()
            .position(|h| h.name == crate::MAP_ASSET_HOST && h.params.len() == 1);
        let Some(host) = host else {
            self.report(CheckError::new(
                "E0709",
                "`declare map` needs the console, which this compilation does not have",
                span,
                "a map needs the console",
            ));
            return None;
        };
        let name = self.globals[index].name.name.clone();
        Some(TStmt {
            kind: crate::hir::TStmtKind::Store(
                crate::hir::Place::Global(name.as_str().into()),
                crate::hir::TExpr {
                    kind: crate::hir::TExprKind::call_host(
                        host,
                        vec![crate::hir::TExpr {
                            kind: crate::hir::TExprKind::Int(i64::from(file)),
                            ty: Type::Int,
                            span,
                        }],
                    ),
                    ty: Type::TileMap,
                    span,
                },
            ),
            span,
        })
    }
}

/// A function's signature as PBS text, such as `fn(int): bool`.
fn describe(sig: &FnSig) -> String {
    let params: Vec<String> = sig.params.iter().map(|(_, t)| t.to_string()).collect();
    format!("fn({}): {}", params.join(", "), sig.ret)
}

/// Checks a module against the builtins and the assets its declarations converted to. The
/// statements of its function and method bodies are consumed (the module keeps their spans
/// and every declaration).
pub fn check(
    module: &mut Module,
    builtins: &Builtins,
    repl: Option<&crate::ReplContext>,
    declared: &crate::assets::Declared,
) -> (Checked, Vec<CheckError>) {
    check_files(
        std::slice::from_mut(module),
        &[],
        &[],
        builtins,
        repl,
        declared,
    )
}

/// The files of one program, how they import each other, and their display names, as
/// [`check_files`] takes them.
pub(crate) struct Files<'m> {
    pub(crate) modules: &'m mut [Module],
    pub(crate) links: &'m [FileLinks],
    pub(crate) names: &'m [String],
}

/// Checks the files of one program, given in initialization order (imported files first,
/// the entry file last), with how they import each other and their display names. With
/// one file and no links this is [`check`].
pub fn check_files(
    modules: &mut [Module],
    links: &[FileLinks],
    file_names: &[String],
    builtins: &Builtins,
    repl: Option<&crate::ReplContext>,
    declared: &crate::assets::Declared,
) -> (Checked, Vec<CheckError>) {
    let files = Files {
        modules,
        links,
        names: file_names,
    };
    check_into(files, builtins, repl, declared, None)
}

/// Like [`check_files`], handing each function to `sink` as soon as its body is checked
/// (outside the REPL, whose inputs add functions after the program's).
pub(crate) fn check_into(
    files: Files<'_>,
    builtins: &Builtins,
    repl: Option<&crate::ReplContext>,
    declared: &crate::assets::Declared,
    sink: Option<&mut dyn BodySink>,
) -> (Checked, Vec<CheckError>) {
    let Files {
        modules,
        links,
        names: file_names,
    } = files;
    let mut sink = sink.filter(|_| repl.is_none());
    // The function and method bodies are moved out (their spans stay) and each is freed
    // once checked, so the syntax tree and the typed tree are not both held whole.
    let bodies: Vec<ast::Block> = modules
        .iter_mut()
        .flat_map(declarations::take_bodies)
        .collect();
    let modules: &[Module] = modules;
    let entry = modules.len().saturating_sub(1);
    let many = modules.len() > 1;
    let mut c = Checker {
        builtins,
        top: HashMap::new(),
        fns: Vec::new(),
        consts: Vec::new(),
        globals: Vec::new(),
        structs: Vec::new(),
        enums: Vec::new(),
        contracts: Vec::new(),
        errors: Vec::new(),
        const_stack: Vec::new(),
        const_refs: Vec::new(),
        file: 0,
        file_names: file_names.to_vec(),
        renames: Vec::new(),
        exports: Vec::new(),
        scopes: Vec::new(),
        resolved: Vec::new(),
        uses: init_order::Uses::default(),
        prompt_globals: Vec::new(),
        captures: captures::Captures::default(),
        lambdas: closures::Lambdas::default(),
    };
    if let Some(repl) = repl.filter(|r| !r.input.is_empty()) {
        c.lambdas.input = Some((entry, repl.input.clone()));
    }
    if many {
        c.renames = scope::renames(modules, links);
        c.prompt_globals = repl.map_or_else(Vec::new, |r| session::prompt_globals(&r.globals));
        c.link(modules, links);
    }
    // Session globals of earlier REPL inputs.
    if let Some(repl) = repl {
        for (name, ty) in &repl.globals {
            let index = c.globals.len();
            let ident = Ident {
                name: crate::name::Name::from(name.clone()),
                span: Span::default(),
            };
            c.globals.push(GlobalInfo {
                name: ident.clone(),
                ty: Some(ty.clone()),
                external: true,
            });
            c.top
                .insert(name.clone(), (TopLevel::Global(index), Span::default()));
        }
    }
    let mut input_stmts = Vec::new();
    let mut entries = CartEntries::default();
    // Pass 0: struct names, so every signature can refer to them.
    for (file, module) in modules.iter().enumerate() {
        c.file = file;
        for item in &module.items {
            if let Item::Struct { name, .. } = item {
                c.builtin_type_name(name, "a struct");
                let internal = c.internal(name);
                let index = c.structs.len();
                c.structs.push(StructInfo {
                    name: internal.clone(),
                    fields: Vec::new(),
                    defaults: Vec::new(),
                    methods: HashMap::new(),
                });
                c.declare(&internal, TopLevel::Struct(index));
            }
            if let Item::Enum { name, .. } = item {
                c.declare_enum(name);
            }
            if let Item::Contract { name, .. } = item {
                c.declare_contract(name);
            }
        }
    }
    // Structs of earlier REPL inputs keep their indices.
    let slots = c.keep_struct_order(repl.map_or(&[][..], |r| &r.struct_order[..]));
    c.enum_bodies(modules);
    c.contract_bodies(modules);
    // Pass 1: declarations.
    let mut fn_decls: Vec<(&ast::FnDecl, usize)> = Vec::new();
    let mut struct_index = 0;
    let mut global_decls = Vec::new();
    let mut banks = 0u32;
    let mut map_decls = 0usize;
    let mut sound_decls = 0usize;
    for (file, module) in modules.iter().enumerate() {
        c.file = file;
        for item in &module.items {
            c.declaration(
                item,
                file == entry,
                repl,
                declared,
                &mut entries,
                &mut fn_decls,
                &mut (&slots[..], &mut struct_index),
                &mut global_decls,
                &mut banks,
                &mut map_decls,
                &mut sound_decls,
                &mut input_stmts,
            );
        }
    }
    if many {
        c.resolved = c
            .scopes
            .iter()
            .map(|scope| {
                scope
                    .names
                    .iter()
                    .filter_map(|(name, internal)| {
                        c.top.get(internal).map(|found| (name.clone(), *found))
                    })
                    .collect()
            })
            .collect();
    }
    // Pass 2: constants (evaluated on demand, so order does not matter).
    for i in 0..c.consts.len() {
        c.const_value(i);
    }
    // Pass 2b: the defaults of struct fields (constants, so after the constants).
    let mut index = 0;
    for (file, module) in modules.iter().enumerate() {
        c.file = file;
        for item in &module.items {
            if let Item::Struct { defaults, .. } = item {
                c.field_defaults(index, defaults);
                index += 1;
            }
        }
    }
    // The lambdas follow the functions in the initialization-order graph.
    c.uses.lambda_base = c.fns.len() as u32;
    c.written_global_types(global_decls.iter().filter_map(|(file, decl)| match decl {
        GlobalDecl::Expr(index, Some(ty), _) => Some((*file, *index, *ty)),
        _ => None,
    }));
    // Pass 3: globals, in initialization order.
    let mut out = Checked::default();
    let mut kept = Vec::new();
    for (file, decl) in global_decls {
        c.file = file;
        match decl {
            GlobalDecl::Expr(index, ty, value) => {
                c.uses.begin_global(index);
                let stmt = c.check_global(index, ty, value);
                c.uses.end();
                out.global_init.extend(stmt);
            }
            GlobalDecl::Map(index, file, span) => {
                out.global_init.extend(c.map_global(index, file, span));
            }
            GlobalDecl::Kept(index, ty, value) => {
                if let Some(stmt) = c.check_global(index, ty, value) {
                    kept.push(TFunction {
                        name: format!("<kept {}>", c.globals[index].name.name),
                        params: 0,
                        locals: 0,
                        returns_value: false,
                        end: stmt.span,
                        body: vec![stmt],
                    });
                }
            }
        }
    }
    out.assets = declared.assets.clone();
    // Pass 4: function bodies, each handed to the sink (and its code generated) once
    // checked, until an error shows that no program will be generated.
    if let Some(sink) = sink.as_deref_mut() {
        let params = c.fns.iter().map(|f| f.params.len() as u16).collect();
        let globals: Vec<&str> = c
            .globals
            .iter()
            .filter(|g| !g.external)
            .map(|g| g.name.name.as_str())
            .collect();
        sink.start(params, &globals);
    }
    let (mut seen, mut failed) = (0, false);
    for (index, ((f, file), body)) in fn_decls.iter().zip(bodies).enumerate() {
        c.file = *file;
        c.uses.begin_function(index as u32);
        let mut function = c.check_function(index as u32, f, &body);
        c.uses.end();
        crate::drop_deep(body);
        failed = failed
            || c.errors[seen..]
                .iter()
                .any(|e| e.severity == Severity::Error);
        seen = c.errors.len();
        if let Some(sink) = sink.as_deref_mut().filter(|_| !failed) {
            sink.function(index as u32, &mut function);
        }
        out.functions.push(function);
    }
    c.file = entry;
    c.init_order();
    // The statements of a REPL input run as one more function, after the globals.
    if let Some(repl) = repl {
        out.functions
            .extend(c.check_carried(&mut input_stmts, repl));
        out.functions.append(&mut kept);
        let index = out.functions.len() as u32;
        let (function, last) = c.check_input(&input_stmts, repl, "<input>", &repl.input);
        out.functions.push(function);
        out.main = Some(index);
        out.last_expr = last;
    }
    out.lambda_base = out.functions.len() as u32;
    out.functions.append(&mut c.lambdas.done);
    out.globals = c
        .globals
        .iter()
        .filter(|g| !g.external)
        .map(|g| (g.name.name.to_string(), g.ty.clone().unwrap_or(Type::Error)))
        .collect();
    out.session_globals = c
        .globals
        .iter()
        .map(|g| (g.name.name.to_string(), g.ty.clone().unwrap_or(Type::Error)))
        .collect();
    out.signatures = c.signatures();
    out.enums = c.enum_decls();
    out.contracts = c.contract_decls();
    out.structs = c
        .structs
        .iter()
        .map(|s| prometeu_bytecode::StructDecl {
            name: s.name.name.to_string(),
            fields: s.fields.iter().map(|(f, _)| f.name.to_string()).collect(),
            optional_shapes: if s.fields.iter().any(|(_, t)| t.optional_shape() != 0) {
                s.fields.iter().map(|(_, t)| t.optional_shape()).collect()
            } else {
                Vec::new()
            },
        })
        .collect();
    // Entry point.
    if repl.is_some() {
        return (out, c.errors);
    }
    c.cart_entries(&entries, &mut out);
    let entry_source = modules
        .last()
        .and_then(|m| m.items.iter().find_map(scope::item_name))
        .map(|n| n.span.source);
    if let Some((TopLevel::Fn(index), _)) = c.lookup("main") {
        let sig = &c.fns[index as usize];
        // `main` counts only where the entry file declares it.
        if !many || Some(sig.name.span.source) == entry_source {
            if !sig.params.is_empty() || sig.ret != Type::Void {
                let span = sig.name.span;
                c.report(
                    CheckError::new(
                        "E0501",
                        "main must take no parameters and return nothing",
                        span,
                        "declared here",
                    )
                    .with_help("declare it as `fn main() { ... }`"),
                );
            }
            out.main = Some(index);
        }
    }
    (out, c.errors)
}
