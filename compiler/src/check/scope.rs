//! Per-file namespaces of a program in many files (§16).
//!
//! Every declaration has one *internal* name that is unique in the whole program: its own
//! name, unless another file declares the same name, in which case the declarations of the
//! imported files are qualified by their file's stem (`ui.Button`; the entry file keeps plain
//! names). Each file then has a [`Scope`] from the names visible in it (its own declarations
//! and what it imports) to internal names, plus its module aliases (`import "..." as m`).
//! A program of one file has no scopes: its names are already the internal ones.

use super::{CheckError, Checker, TopLevel};
use crate::ast::{Ident, Item, Module};
use prometeu_lexer::Span;
use std::collections::HashMap;

/// How one file of a program is linked to the others.
#[derive(Clone, Debug, Default)]
pub struct FileLinks {
    /// The file's stem (`enemies` for `lib/enemies.pbs`), used to qualify clashing names.
    pub stem: String,
    /// For each `import` item of the file, in order, the index of the imported file (`None`
    /// when it could not be resolved; that was reported already).
    pub imports: Vec<Option<usize>>,
    /// When set, every name the file declares is qualified internally by this prefix, clash
    /// or not (a REPL session keeps an imported file's internal names stable this way).
    pub prefix: Option<String>,
}

/// A declaration one file offers to the others.
#[derive(Clone, Debug)]
pub(crate) struct Export {
    /// Its internal name.
    pub(crate) internal: String,
    /// Whether it is marked `pub`.
    pub(crate) public: bool,
    /// Where it is declared.
    pub(crate) span: Span,
}

/// The names visible in one file.
#[derive(Clone, Debug, Default)]
pub(crate) struct Scope {
    /// Visible name → internal name.
    pub(crate) names: HashMap<String, String>,
    /// Module alias → file index.
    pub(crate) modules: HashMap<String, usize>,
}

/// The name each top-level item declares.
pub fn item_name(item: &Item) -> Option<&Ident> {
    match item {
        Item::Fn(f) => Some(&f.name),
        Item::Const { name, .. }
        | Item::Global { name, .. }
        | Item::Struct { name, .. }
        | Item::Bank { name, .. }
        | Item::Map { name, .. }
        | Item::Sound { name, .. }
        | Item::Enum { name, .. }
        | Item::Contract { name, .. } => Some(name),
        Item::Import(_) | Item::Stmt(_) | Item::Error => None,
    }
}

/// The internal names of each file's declarations that differ from their written names.
pub(crate) fn renames(modules: &[Module], links: &[FileLinks]) -> Vec<HashMap<String, String>> {
    let entry = modules.len().saturating_sub(1);
    let mut files_declaring: HashMap<&str, usize> = HashMap::new();
    for module in modules {
        let mut seen: Vec<&str> = Vec::new();
        for name in module.items.iter().filter_map(item_name) {
            if !seen.contains(&name.name.as_str()) {
                seen.push(&name.name);
                *files_declaring.entry(&name.name).or_default() += 1;
            }
        }
    }
    // A stem shared by two files gets the file's index appended.
    let mut stems: Vec<String> = Vec::new();
    for (f, link) in links.iter().enumerate() {
        let stem = if stems.contains(&link.stem) || link.stem.is_empty() {
            format!("{}{f}", link.stem)
        } else {
            link.stem.clone()
        };
        stems.push(stem);
    }
    modules
        .iter()
        .enumerate()
        .map(|(f, module)| {
            let mut map = HashMap::new();
            if f == entry {
                return map;
            }
            if let Some(prefix) = links.get(f).and_then(|l| l.prefix.as_ref()) {
                for name in module.items.iter().filter_map(item_name) {
                    map.insert(name.name.to_string(), format!("{prefix}.{}", name.name));
                }
                return map;
            }
            for name in module.items.iter().filter_map(item_name) {
                if files_declaring
                    .get(name.name.as_str())
                    .copied()
                    .unwrap_or(0)
                    > 1
                {
                    let stem = stems.get(f).map_or("", String::as_str);
                    map.insert(name.name.to_string(), format!("{stem}.{}", name.name));
                }
            }
            map
        })
        .collect()
}

impl Checker<'_> {
    /// The struct a written type name (`Name` or `m.Name`) refers to in the current file.
    pub(crate) fn struct_named(&self, name: &str) -> Option<usize> {
        match self.type_named(name) {
            Some((TopLevel::Struct(index), _)) => Some(index),
            _ => None,
        }
    }

    /// The declaration a written type name (`Name`, or `m.Name` for a `pub` declaration of an
    /// imported module) refers to in the current file.
    pub(crate) fn type_named(&self, name: &str) -> Option<(TopLevel, Span)> {
        match name.split_once('.') {
            Some((alias, member)) => {
                let file = self.module_alias(alias)?;
                let export = self.exports.get(file)?.get(member)?;
                if !export.public {
                    return None;
                }
                self.top.get(&export.internal).copied()
            }
            None => self.lookup(name),
        }
    }

    /// The internal form of a name declared in the current file.
    pub(crate) fn internal(&self, name: &Ident) -> Ident {
        match self
            .renames
            .get(self.file)
            .and_then(|map| map.get(name.name.as_str()))
        {
            Some(internal) => Ident {
                name: crate::name::Name::from(internal.clone()),
                span: name.span,
            },
            None => name.clone(),
        }
    }

    /// What a top-level name visible in the current file refers to.
    pub(crate) fn lookup(&self, name: &str) -> Option<(TopLevel, Span)> {
        if let Some(resolved) = self.resolved.get(self.file) {
            return resolved.get(name).copied();
        }
        match self.scopes.get(self.file) {
            Some(scope) => scope
                .names
                .get(name)
                .and_then(|internal| self.top.get(internal))
                .copied(),
            None => self.top.get(name).copied(),
        }
    }

    /// The file a module alias of the current file names.
    pub(crate) fn module_alias(&self, name: &str) -> Option<usize> {
        self.scopes.get(self.file)?.modules.get(name).copied()
    }

    /// Whether a name is declared or imported in the current file (so it is not a built-in
    /// namespace such as `Math`).
    pub(crate) fn is_user_name(&self, name: &str) -> bool {
        self.lookup(name).is_some() || self.module_alias(name).is_some()
    }

    /// Resolves `m.name` through the module alias `alias` (naming file `file`): the
    /// declaration, or an error when it does not exist or is not `pub`.
    pub(crate) fn member(
        &mut self,
        alias: &str,
        file: usize,
        name: &Ident,
    ) -> Option<(TopLevel, Span)> {
        let export = self
            .exports
            .get(file)
            .and_then(|e| e.get(name.name.as_str()))
            .cloned();
        let file_name = self.file_names.get(file).cloned().unwrap_or_default();
        match export {
            None => {
                self.report(
                    CheckError::new(
                        "E0801",
                        format!("`{file_name}` declares no `{}`", name.name),
                        name.span,
                        format!("not declared in `{alias}`"),
                    )
                    .with_help(format!(
                        "check the spelling, or declare `{}` in `{file_name}` as `pub`",
                        name.name
                    )),
                );
                None
            }
            Some(export) if !export.public => {
                self.not_public(&name.name, name.span, &export, &file_name);
                None
            }
            Some(export) => self.top.get(&export.internal).copied(),
        }
    }

    /// Reports the use of a declaration that is not `pub` from another file.
    fn not_public(&mut self, name: &str, at: Span, export: &Export, file_name: &str) {
        self.report(
            CheckError::new(
                "E0802",
                format!("`{name}` is private to `{file_name}`"),
                at,
                "imported here",
            )
            .with_label(export.span, "declared here without `pub`")
            .with_help(format!(
                "mark the declaration `pub` in `{file_name}` to let other files use it"
            )),
        );
    }

    /// Builds each file's exports and scope from its declarations and its imports,
    /// reporting names that do not exist, are not `pub`, or clash.
    pub(crate) fn link(&mut self, modules: &[Module], links: &[FileLinks]) {
        self.exports = modules
            .iter()
            .enumerate()
            .map(|(f, module)| {
                let mut exports = HashMap::new();
                for (i, item) in module.items.iter().enumerate() {
                    if let Some(name) = item_name(item) {
                        let internal = self
                            .renames
                            .get(f)
                            .and_then(|m| m.get(name.name.as_str()))
                            .cloned()
                            .unwrap_or_else(|| name.name.to_string());
                        exports.entry(name.name.to_string()).or_insert(Export {
                            internal,
                            public: module.pub_span(i).is_some(),
                            span: name.span,
                        });
                    }
                }
                exports
            })
            .collect();
        let mut scopes = Vec::with_capacity(modules.len());
        for (f, module) in modules.iter().enumerate() {
            let mut scope = Scope::default();
            // Where each visible name comes from, for the clash label.
            let mut origin: HashMap<String, (Span, &'static str)> = HashMap::new();
            for (name, export) in &self.exports[f] {
                scope.names.insert(name.clone(), export.internal.clone());
                origin.insert(name.clone(), (export.span, "declared here"));
            }
            if f + 1 == modules.len() {
                for name in &self.prompt_globals {
                    if !scope.names.contains_key(name) {
                        scope.names.insert(name.clone(), name.clone());
                        origin.insert(name.clone(), (Span::default(), "a global of the session"));
                    }
                }
            }
            let imports = links.get(f).map_or(&[][..], |l| &l.imports[..]);
            let mut next = 0;
            for item in &module.items {
                let Item::Import(import) = item else { continue };
                let target = imports.get(next).copied().flatten();
                next += 1;
                let Some(target) = target else { continue };
                let file_name = self.file_names.get(target).cloned().unwrap_or_default();
                if let Some(alias) = &import.alias {
                    if self.clash(&origin, alias) {
                        continue;
                    }
                    origin.insert(alias.name.to_string(), (alias.span, "imported here"));
                    scope.modules.insert(alias.name.to_string(), target);
                    continue;
                }
                for (name, alias) in &import.names {
                    let export = self.exports[target].get(name.name.as_str()).cloned();
                    let Some(export) = export else {
                        self.report(
                            CheckError::new(
                                "E0801",
                                format!("`{file_name}` declares no `{}`", name.name),
                                name.span,
                                "not declared there",
                            )
                            .with_help(format!(
                                "check the spelling, or declare `{}` in `{file_name}` as `pub`",
                                name.name
                            )),
                        );
                        continue;
                    };
                    if !export.public {
                        self.not_public(&name.name, name.span, &export, &file_name);
                        continue;
                    }
                    let visible = alias.as_ref().unwrap_or(name);
                    if self.clash(&origin, visible) {
                        continue;
                    }
                    origin.insert(visible.name.to_string(), (visible.span, "imported here"));
                    scope
                        .names
                        .insert(visible.name.to_string(), export.internal);
                }
            }
            scopes.push(scope);
        }
        self.scopes = scopes;
    }

    /// Reports a visible name that is already taken in the file; true if it is.
    fn clash(&mut self, origin: &HashMap<String, (Span, &'static str)>, name: &Ident) -> bool {
        let Some(&(earlier, what)) = origin.get(name.name.as_str()) else {
            return false;
        };
        let mut error = CheckError::new(
            "E0803",
            format!(
                "the import `{}` clashes with another name in this file",
                name.name
            ),
            name.span,
            "imported here",
        )
        .with_help(format!(
            "rename one of them: `import {{ {} as other_name }} from ...`",
            name.name
        ));
        // A global of the REPL session has no declaration left to point at.
        if earlier == Span::default() {
            error = error.with_note(format!("`{}` is {what}", name.name));
        } else {
            error = error.with_label(earlier, format!("`{}` is {what}", name.name));
        }
        self.report(error);
        true
    }
}
