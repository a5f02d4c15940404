//! `import` in a REPL session, at the prompt and in `:load`ed files, with the rules of a
//! compiled program (§16).
//!
//! The prompt is one file of a program that grows input by input; every file it imports is
//! a module of that program, held by the session. Each input is compiled with the compiler's
//! own program walk (`compile_program`), so visibility (`pub`), renaming (`{ a as b }`),
//! module aliases (`import "x.pbs" as m; m.name`), missing files, cycles and clashes behave
//! and are reported exactly as in a compiled program (E0800–E0806).
//!
//! - The session reads no file itself: an input's imports (and theirs, in turn) are read
//!   through the caller's [`SourceProvider`] before the input is compiled, relative to the
//!   input's folder (the current folder at the prompt, the file's folder for `:load`).
//! - The compiler reaches a module by a path `@R/path`, where `R` numbers the folder of the
//!   input that read it; a module is identified by the provider's key, so one file reached
//!   by two paths or from two inputs is one module.
//! - Every name a module declares is qualified internally by a prefix fixed when the module
//!   is first read (`geo.area`, `geo.Point`), so its private names never meet the prompt's
//!   and its globals keep their values from input to input: they are initialized once.
//! - The prompt's imports are kept as bindings (visible name → module and member); each
//!   input is compiled after `import` lines that restore them. An identical import again is
//!   no clash; a different one of a taken name is (E0803).
//! - Importing a file again re-reads it and the files it imports: a file whose text
//!   changed is compiled anew and its globals are initialized again; the others keep theirs.
//! - Nothing is kept before an input succeeds: an input that fails, or traps, leaves the
//!   session's modules, bindings and names as they were.

use super::Session;
use prometeu_compiler::assets::{AssetSource, ReadError};
use prometeu_compiler::ast::{Import, Item};
use prometeu_compiler::SourceProvider;
use prometeu_lexer::SourceId;
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

/// An imported file the session holds.
#[derive(Clone, Debug)]
pub(super) struct Module {
    /// What identifies the file (the provider's key).
    pub(super) key: String,
    /// The name diagnostics show.
    pub(super) name: String,
    /// The text, as last read (shared: each input works on a copy of the session's imports).
    pub(super) text: Rc<str>,
    /// The prefix of its internal names (`geo` for `geo.area`).
    pub(super) prefix: String,
    /// The path the prompt reaches it by, `@R/path`.
    pub(super) path: String,
    /// Each `import` of the file: the path as written and the module it named.
    imports: Vec<(String, Option<String>)>,
}

/// A name the prompt's imports brought in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Binding {
    /// `import { member as visible } from "..."`.
    Name {
        visible: String,
        key: String,
        member: String,
    },
    /// `import "..." as alias`.
    Module { alias: String, key: String },
}

impl Binding {
    /// The name the binding takes at the prompt.
    pub(super) fn visible(&self) -> &str {
        match self {
            Binding::Name { visible, .. } => visible,
            Binding::Module { alias, .. } => alias,
        }
    }
}

/// What a session knows of imported files.
#[derive(Clone, Debug, Default)]
pub(super) struct Imports {
    /// The modules, in the order they were first read.
    pub(super) modules: Vec<Module>,
    /// Path (`@R/path`) → module key.
    paths: HashMap<String, String>,
    /// The prompt's imports.
    pub(super) bindings: Vec<Binding>,
    /// The asset files the modules declare, as read, by path (`@R/path`).
    assets: HashMap<String, Rc<[u8]>>,
    /// How many folders have been read from.
    roots: usize,
}

/// An input's imports, read and ready to compile against.
pub(super) struct Prepared {
    /// The session's imports with the input's files added or re-read.
    pub(super) imports: Imports,
    /// Paths whose reading failed, with why.
    errors: HashMap<String, String>,
    /// The keys of the modules whose text changed (their globals start again).
    pub(super) changed: Vec<String>,
    /// The folder number of the input.
    root: usize,
    /// The bindings the input's own imports make (when it compiles).
    pub(super) bindings: Vec<Binding>,
    /// Where the input writes each of those names (in the input's own text).
    pub(super) binding_spans: Vec<prometeu_lexer::Span>,
    /// The asset files read while compiling the input.
    read_assets: RefCell<HashMap<String, Vec<u8>>>,
    /// The keys of the files this input read, in order.
    fresh: Vec<String>,
}

/// How deep imports may nest while they are read (the compiler reports cycles).
const MAX_DEPTH: usize = 64;

/// The `import` items of a text.
fn imports_of(text: &str) -> Vec<Import> {
    let (tokens, _) = prometeu_lexer::lex(text, SourceId(0));
    let limits = prometeu_compiler::Limits::default();
    let (module, _) = prometeu_compiler::parse::parse(&tokens, SourceId(0), text.len(), &limits);
    module
        .items
        .into_iter()
        .filter_map(|item| match item {
            Item::Import(import) => Some(import),
            _ => None,
        })
        .collect()
}

/// The path the compiler computes for an import written in a file in folder `dir`, as the
/// compiler checks it (`None`: the compiler refuses it).
fn joined(dir: &str, written: &str) -> Option<String> {
    prometeu_compiler::assets::normalize(&format!("{dir}{written}"))
        .filter(|p| !written.starts_with('/') && !written.contains(':') && p.ends_with(".pbs"))
}

/// The folder part of a path, with its `/` (empty for a file at the top).
fn folder(path: &str) -> &str {
    path.rfind('/').map_or("", |at| &path[..=at])
}

/// The path without its `@R/` folder, as the provider knows it.
fn unrooted(path: &str) -> &str {
    match path.strip_prefix('@').and_then(|p| p.split_once('/')) {
        Some((_, rest)) => rest,
        None => path,
    }
}

/// A PBS string literal of `text`.
fn literal(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

impl Imports {
    /// The module with key `key`.
    pub(super) fn module(&self, key: &str) -> Option<&Module> {
        self.modules.iter().find(|m| m.key == key)
    }

    /// A prefix no other module has, from a file's stem.
    fn fresh_prefix(&self, path: &str) -> String {
        let name = path.rsplit('/').next().unwrap_or(path);
        let stem = name.strip_suffix(".pbs").unwrap_or(name);
        let stem = if stem.is_empty() { "file" } else { stem };
        let taken = |p: &str| self.modules.iter().any(|m| m.prefix == p);
        if !taken(stem) {
            return stem.to_string();
        }
        (2..)
            .map(|n| format!("{stem}{n}"))
            .find(|p| !taken(p))
            .unwrap_or_default()
    }

    /// The `import` lines that restore the prompt's bindings, leaving out those an input
    /// makes again.
    pub(super) fn preamble(&self, except: &[Binding]) -> String {
        let mut text = String::new();
        for binding in self.bindings.iter().filter(|b| !except.contains(b)) {
            let path = |key: &str| {
                self.module(key)
                    .map(|m| literal(&format!("../{}", m.path)))
                    .unwrap_or_default()
            };
            match binding {
                Binding::Name {
                    visible,
                    key,
                    member,
                } => text.push_str(&format!(
                    "import {{ {member} as {visible} }} from {};\n",
                    path(key)
                )),
                Binding::Module { alias, key } => {
                    text.push_str(&format!("import {} as {alias};\n", path(key)))
                }
            }
        }
        text
    }

    /// The file a name the prompt imported comes from, unless `except` makes it again.
    pub(super) fn bound_file(&self, name: &str, except: &[Binding]) -> Option<String> {
        let binding = self
            .bindings
            .iter()
            .find(|b| b.visible() == name && !except.contains(b))?;
        let key = match binding {
            Binding::Name { key, .. } | Binding::Module { key, .. } => key,
        };
        self.module(key).map(|m| m.name.clone())
    }

    /// The prefix of every module, by key, for the compiler.
    pub(super) fn prefixes(&self) -> Vec<(String, String)> {
        self.modules
            .iter()
            .map(|m| (m.key.clone(), m.prefix.clone()))
            .collect()
    }

    /// The prompt's bindings after an input that made `made`: a name bound again is bound
    /// as the input says.
    pub(super) fn rebind(&mut self, made: Vec<Binding>) {
        self.bindings
            .retain(|b| made.iter().all(|m| m.visible() != b.visible()));
        self.bindings.extend(made);
    }

    /// Keeps the asset files an input read.
    pub(super) fn keep_assets(&mut self, read: HashMap<String, Vec<u8>>) {
        self.assets
            .extend(read.into_iter().map(|(path, bytes)| (path, bytes.into())));
    }
}

impl Prepared {
    /// The compile-time path of the input itself, in its folder.
    pub(super) fn entry_path(&self) -> String {
        format!("@{}/<input>.pbs", self.root)
    }

    /// Reads the file an import written in folder `dir` (of folder number `root`) names,
    /// and the files it imports; returns its key.
    fn read(
        &mut self,
        dir: &str,
        written: &str,
        provider: &dyn SourceProvider,
        depth: usize,
    ) -> Option<String> {
        let path = joined(dir, written)?;
        let rooted = format!("@{}/{path}", self.root);
        if let Some(key) = self.imports.paths.get(&rooted) {
            if self.fresh.contains(key) {
                return Some(key.clone());
            }
        }
        if self.errors.contains_key(&rooted) || depth > MAX_DEPTH {
            return None;
        }
        let file = match provider.load(&path) {
            Ok(file) => file,
            Err(why) => {
                self.errors.insert(rooted, why);
                return None;
            }
        };
        self.imports.paths.insert(rooted.clone(), file.key.clone());
        if self.fresh.contains(&file.key) {
            return Some(file.key);
        }
        self.fresh.push(file.key.clone());
        let at = match self.imports.modules.iter().position(|m| m.key == file.key) {
            Some(at) => {
                let module = &mut self.imports.modules[at];
                if *module.text != *file.text {
                    self.changed.push(file.key.clone());
                    module.text = file.text.as_str().into();
                }
                module.path = rooted.clone();
                at
            }
            None => {
                let prefix = self.imports.fresh_prefix(&path);
                self.imports.modules.push(Module {
                    key: file.key.clone(),
                    name: file.name.clone(),
                    text: file.text.as_str().into(),
                    prefix,
                    path: rooted.clone(),
                    imports: Vec::new(),
                });
                self.imports.modules.len() - 1
            }
        };
        let inner: Vec<String> = imports_of(&file.text)
            .into_iter()
            .map(|i| i.path.0)
            .collect();
        let mut edges = Vec::new();
        for written in inner {
            let key = self.read(folder(&path), &written, provider, depth + 1);
            edges.push((written, key));
        }
        self.imports.modules[at].imports = edges;
        Some(file.key)
    }

    /// Gives every path by which a module is reached the paths of its imports, so a module
    /// read again from another folder is found from every file that imports it.
    fn link_paths(&mut self) {
        for _ in 0..MAX_DEPTH {
            let mut added = Vec::new();
            for (path, key) in &self.imports.paths {
                let Some(module) = self.imports.module(key) else {
                    continue;
                };
                for (written, target) in &module.imports {
                    let (Some(target), Some(inner)) = (target, joined(folder(path), written))
                    else {
                        continue;
                    };
                    if !self.imports.paths.contains_key(&inner) {
                        added.push((inner, target.clone()));
                    }
                }
            }
            if added.is_empty() {
                return;
            }
            self.imports.paths.extend(added);
        }
    }
}

impl Session {
    /// Reads the files an input imports (through `provider`, relative to the input's
    /// folder) into a copy of the session's imports, and works out the bindings the input's
    /// imports make.
    pub(super) fn prepare(&self, input: &str, provider: &dyn SourceProvider) -> Prepared {
        let mut prepared = self.unprepared();
        prepared.imports.roots += 1;
        for import in imports_of(input) {
            let Some(key) = prepared.read("", &import.path.0, provider, 0) else {
                continue;
            };
            match &import.alias {
                Some(alias) => {
                    prepared.binding_spans.push(alias.span);
                    prepared.bindings.push(Binding::Module {
                        alias: alias.name.to_string(),
                        key,
                    });
                }
                None => {
                    for (name, alias) in &import.names {
                        prepared
                            .binding_spans
                            .push(alias.as_ref().unwrap_or(name).span);
                        prepared.bindings.push(Binding::Name {
                            visible: alias.as_ref().unwrap_or(name).name.to_string(),
                            key: key.clone(),
                            member: name.name.to_string(),
                        });
                    }
                }
            }
        }
        prepared.link_paths();
        prepared
    }

    /// The imports of an input without any (a plain input, or one without a provider).
    pub(super) fn unprepared(&self) -> Prepared {
        Prepared {
            imports: self.imports.clone(),
            errors: HashMap::new(),
            changed: Vec::new(),
            root: self.imports.roots + 1,
            bindings: Vec::new(),
            binding_spans: Vec::new(),
            read_assets: RefCell::new(HashMap::new()),
            fresh: Vec::new(),
        }
    }
}

impl SourceProvider for Prepared {
    fn load(&self, path: &str) -> Result<prometeu_compiler::SourceFile, String> {
        if let Some(why) = self.errors.get(path) {
            return Err(why.clone());
        }
        let module = self
            .imports
            .paths
            .get(path)
            .and_then(|key| self.imports.module(key))
            .ok_or_else(|| format!("there is no file `{}`", unrooted(path)))?;
        Ok(prometeu_compiler::SourceFile {
            key: module.key.clone(),
            name: module.name.clone(),
            text: module.text.to_string(),
        })
    }
}

/// The asset files of an input's modules: those read before from the session, new ones
/// from the input's folder through the caller's reader.
pub(super) struct Assets<'a> {
    pub(super) prepared: &'a Prepared,
    pub(super) reader: Option<&'a dyn AssetSource>,
}

impl AssetSource for Assets<'_> {
    fn read(&self, path: &str) -> Result<Vec<u8>, ReadError> {
        if let Some(bytes) = self.prepared.imports.assets.get(path) {
            return Ok(bytes.to_vec());
        }
        if let Some(bytes) = self.prepared.read_assets.borrow().get(path) {
            return Ok(bytes.clone());
        }
        let own = format!("@{}/", self.prepared.root);
        let (Some(reader), Some(rest)) = (self.reader, path.strip_prefix(&own)) else {
            return Err(ReadError::NotFound);
        };
        let bytes = reader.read(rest)?;
        self.prepared
            .read_assets
            .borrow_mut()
            .insert(path.to_string(), bytes.clone());
        Ok(bytes)
    }
}

impl Prepared {
    /// The asset files read while compiling.
    pub(super) fn take_assets(&self) -> HashMap<String, Vec<u8>> {
        std::mem::take(&mut *self.read_assets.borrow_mut())
    }
}

/// A provider with no files, for inputs evaluated without one.
pub(super) struct NoFiles;

impl SourceProvider for NoFiles {
    fn load(&self, path: &str) -> Result<prometeu_compiler::SourceFile, String> {
        Err(format!(
            "`{path}` cannot be read: this session was given no files to import"
        ))
    }
}

impl Imports {
    /// How the prompt writes the declaration an imported file's internal name `internal`
    /// (`prefix.Name`) stands for: the name a named import gave it (`Shape`, `S` for
    /// `{ Shape as S }`), else through a module alias (`shapes.Shape`); `None` when no
    /// import of the prompt reaches it.
    fn written_name(&self, internal: &str) -> Option<String> {
        let (prefix, member) = internal.split_once('.')?;
        let module = self.modules.iter().find(|m| m.prefix == prefix)?;
        let named = self.bindings.iter().find_map(|b| match b {
            Binding::Name {
                visible,
                key,
                member: m,
            } if *key == module.key && m == member => Some(visible.clone()),
            _ => None,
        });
        named.or_else(|| {
            self.bindings.iter().find_map(|b| match b {
                Binding::Module { alias, key }
                    if *key == module.key
                        && public_names(&module.text).iter().any(|n| n == member) =>
                {
                    Some(format!("{alias}.{member}"))
                }
                _ => None,
            })
        })
    }

    /// A written type (`[shapes2.Shape]`) with each imported file's type named as the prompt
    /// writes it (`[Shape]`); a name no import of the prompt reaches stays qualified by its
    /// file.
    pub(super) fn as_written(&self, ty: &str) -> String {
        let mut out = String::with_capacity(ty.len());
        let mut word = String::new();
        let flush = |word: &mut String, out: &mut String| {
            if !word.is_empty() {
                match self.written_name(word) {
                    Some(name) => out.push_str(&name),
                    None => out.push_str(word),
                }
                word.clear();
            }
        };
        for ch in ty.chars() {
            if ch.is_alphanumeric() || ch == '_' || ch == '.' {
                word.push(ch);
            } else {
                flush(&mut word, &mut out);
                out.push(ch);
            }
        }
        flush(&mut word, &mut out);
        out
    }

    /// The signatures of the names the prompt imported, under the names it sees them by
    /// (`m.name` for a module alias's `pub` declarations).
    pub(super) fn imported_signatures(
        &self,
        signatures: &HashMap<String, String>,
    ) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for binding in &self.bindings {
            match binding {
                Binding::Name {
                    visible,
                    key,
                    member,
                } => {
                    let Some(module) = self.module(key) else {
                        continue;
                    };
                    if let Some(signature) = signatures.get(&format!("{}.{member}", module.prefix))
                    {
                        out.push((visible.clone(), signature.clone()));
                    }
                }
                Binding::Module { alias, key } => {
                    let Some(module) = self.module(key) else {
                        continue;
                    };
                    for name in public_names(&module.text) {
                        if let Some(signature) =
                            signatures.get(&format!("{}.{name}", module.prefix))
                        {
                            out.push((format!("{alias}.{name}"), signature.clone()));
                        }
                    }
                }
            }
        }
        out
    }
}

/// The names a text declares with `pub`.
fn public_names(text: &str) -> Vec<String> {
    let (tokens, _) = prometeu_lexer::lex(text, SourceId(0));
    let limits = prometeu_compiler::Limits::default();
    let (module, _) = prometeu_compiler::parse::parse(&tokens, SourceId(0), text.len(), &limits);
    let mut names = Vec::new();
    for (i, item) in module.items.iter().enumerate() {
        let name = match item {
            Item::Fn(f) => &f.name,
            Item::Const { name, .. } | Item::Struct { name, .. } | Item::Contract { name, .. } => {
                name
            }
            _ => continue,
        };
        if module.pub_span(i).is_some() {
            names.push(name.name.to_string());
        }
    }
    names
}

impl Session {
    /// Evaluates an input that may `import` files, read through `provider` relative to the
    /// input's folder (the current folder at the prompt, a `:load`ed file's folder), with
    /// every import form and rule of a compiled program; see the module documentation.
    pub fn eval_with_imports(
        &mut self,
        input: &str,
        provider: &dyn SourceProvider,
    ) -> Result<(), super::Failure> {
        self.eval_with_files(input, provider, None)
    }

    /// Like [`Session::eval_with_imports`], with the asset files that imported files
    /// declare (`declare bank`, `map`, `sound`) read through `assets`, relative to the
    /// input's folder like the imports.
    pub fn eval_with_files(
        &mut self,
        input: &str,
        provider: &dyn SourceProvider,
        assets: Option<&dyn AssetSource>,
    ) -> Result<(), super::Failure> {
        let input = super::with_semicolon(input);
        let prepared = self.prepare(&input, provider);
        self.eval_prepared(&input, prepared, assets)
    }
}
