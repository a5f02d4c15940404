//! Programs in many files (§16): the entry file and everything it imports, resolved through
//! the caller's [`SourceProvider`] and compiled into one self-contained program.
//!
//! The compiler opens no file. An import's path is joined to the directory of the importing
//! file and normalized (`assets::normalize`) into a path relative to the entry file's
//! directory; the provider reads that path and answers with a *key* that identifies the file
//! (the CLI uses the canonical path), so one file reached by two paths is one module, parsed
//! and checked once. Files are ordered depth first in import order, imported files before
//! their importers and the entry file last: that is the order of global initialization.

use crate::ast::{Item, Module};
use crate::check::FileLinks;
use crate::{assets, check, codegen, parse, Builtins, CompileOptions, Compiled};
use prometeu_bytecode::limits::MAX_SOURCE_BYTES;
use prometeu_lexer::{Diagnostic, SourceId, Sources, Span};
use std::collections::HashMap;

/// A source file the caller found for an import.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceFile {
    /// What identifies the file: two paths that reach the same file give the same key.
    pub key: String,
    /// The name diagnostics and trap traces show.
    pub name: String,
    /// The text.
    pub text: String,
}

/// Reads the files a program imports. `path` is normalized and relative to the entry file's
/// directory (`lib/enemies.pbs`); an error is a sentence saying why the file cannot be used.
pub trait SourceProvider {
    /// The file at `path`.
    fn load(&self, path: &str) -> Result<SourceFile, String>;
}

impl<F> SourceProvider for F
where
    F: Fn(&str) -> Result<SourceFile, String>,
{
    fn load(&self, path: &str) -> Result<SourceFile, String> {
        self(path)
    }
}

/// How far the import walk has come with a file.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Visit {
    Active,
    Done,
}

/// One file of the program while it is being resolved.
struct File {
    /// The normalized path relative to the entry file's directory.
    path: String,
    /// The key the provider gave the file.
    key: String,
    source: SourceId,
    module: Module,
    /// For each `import` item, the imported file (an index into the walk's files).
    imports: Vec<Option<usize>>,
    state: Visit,
}

/// The walk over the import graph.
struct Walk<'a> {
    provider: &'a dyn SourceProvider,
    sources: &'a mut Sources,
    options: &'a CompileOptions,
    files: Vec<File>,
    by_key: HashMap<String, usize>,
    /// The files being visited, outermost first (for the cycle's chain).
    stack: Vec<usize>,
    /// Files in initialization order.
    order: Vec<usize>,
    diagnostics: Vec<Diagnostic>,
}

impl Walk<'_> {
    /// Lexes and parses a registered source, collecting its errors.
    fn parse(&mut self, source: SourceId) -> Module {
        let text = self.sources.text(source);
        let (module, diagnostics) = parse::parse_source(text, source, &self.options.limits);
        self.diagnostics.extend(diagnostics);
        module
    }

    /// Visits file `f`: resolves and visits its imports in order, then places it in the
    /// initialization order.
    fn visit(&mut self, f: usize) {
        stacker::maybe_grow(64 * 1024, 4 * 1024 * 1024, || self.visit_inner(f));
    }

    fn visit_inner(&mut self, f: usize) {
        self.stack.push(f);
        let dir = match self.files[f].path.rfind('/') {
            Some(at) => self.files[f].path[..=at].to_string(),
            None => String::new(),
        };
        let wanted: Vec<(String, Span)> = self.files[f]
            .module
            .items
            .iter()
            .filter_map(|item| match item {
                Item::Import(import) => Some(import.path.clone()),
                _ => None,
            })
            .collect();
        for (written, span) in wanted {
            let target = self.resolve(&dir, &written, span);
            self.files[f].imports.push(target);
            if let Some(g) = target {
                match self.files[g].state {
                    Visit::Done => {}
                    Visit::Active => self.cycle(g, span),
                }
            }
        }
        self.files[f].state = Visit::Done;
        self.stack.pop();
        self.order.push(f);
    }

    /// Finds (loading, parsing and visiting it if new) the file an import names.
    fn resolve(&mut self, dir: &str, written: &str, span: Span) -> Option<usize> {
        let joined = assets::normalize(&format!("{dir}{written}"))
            .filter(|_| !written.starts_with('/') && !written.contains(':'));
        let Some(path) = joined.filter(|p| p.ends_with(".pbs")) else {
            self.diagnostics.push(
                Diagnostic::error(
                    "E0800",
                    format!(
                        "cannot import `{}`: an import names a relative `.pbs` file",
                        prometeu_lexer::escape_for_display(written)
                    ),
                    span,
                    "not a relative path to a `.pbs` file",
                )
                .with_help("write the path from this file's folder, such as `\"./enemies.pbs\"`"),
            );
            return None;
        };
        let file = match self.provider.load(&path) {
            Ok(file) => file,
            Err(why) => {
                self.diagnostics.push(
                    Diagnostic::error(
                        "E0800",
                        format!("cannot import `{}`: {why}", prometeu_lexer::escape_for_display(written)),
                        span,
                        "imported here",
                    )
                    .with_help("the path is relative to the file that imports it; check its spelling and that the file exists"),
                );
                return None;
            }
        };
        if let Some(&known) = self.by_key.get(&file.key) {
            return Some(known);
        }
        if file.text.len() > MAX_SOURCE_BYTES {
            self.diagnostics.push(Diagnostic::error(
                "E0604",
                format!(
                    "source file is too large: {} bytes, over the limit of {MAX_SOURCE_BYTES}",
                    file.text.len()
                ),
                span,
                "imported here",
            ));
            return None;
        }
        let source = self.sources.add(file.name, file.text);
        let module = self.parse(source);
        let index = self.files.len();
        self.files.push(File {
            path,
            key: file.key.clone(),
            source,
            module,
            imports: Vec::new(),
            state: Visit::Active,
        });
        self.by_key.insert(file.key, index);
        self.visit(index);
        Some(index)
    }

    /// Reports the import (at `span`) that closes a cycle back to file `g`.
    fn cycle(&mut self, g: usize, span: Span) {
        let from = self.stack.iter().position(|&s| s == g).unwrap_or(0);
        let mut chain: Vec<String> = self.stack[from..]
            .iter()
            .map(|&s| self.sources.name(self.files[s].source).to_string())
            .collect();
        chain.push(self.sources.name(self.files[g].source).to_string());
        let chain: Vec<String> = chain
            .iter()
            .map(|n| prometeu_lexer::escape_for_display(n).into_owned())
            .collect();
        self.diagnostics.push(
            Diagnostic::error(
                "E0806",
                "import cycle: these files import each other",
                span,
                "this import closes the cycle",
            )
            .with_note(format!("the chain: {}", chain.join(" → ")))
            .with_help("move what both files need into a third file that both import"),
        );
    }
}

/// The stem of a path (`enemies` for `lib/enemies.pbs`).
fn stem(path: &str) -> String {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.strip_suffix(".pbs").unwrap_or(name).to_string()
}

/// Compiles the entry file registered in `sources` as `entry` (at `entry_path`, its
/// normalized path relative to its own directory, usually its file name) with every file it
/// imports into one program. The imported files are registered in `sources`, so diagnostics
/// render with each file's text and name. Asset paths stay relative to the file that
/// declares them.
pub fn compile_program(
    entry: SourceId,
    entry_key: &str,
    entry_path: &str,
    sources: &mut Sources,
    provider: &dyn SourceProvider,
    builtins: &Builtins,
    options: &CompileOptions,
) -> Compiled {
    let reader = options
        .assets
        .as_ref()
        .map(|r| &*r.0 as &dyn assets::AssetSource);
    compile_program_with_assets(
        entry, entry_key, entry_path, sources, provider, builtins, options, reader,
    )
}

/// Like [`compile_program`], with asset files read through `assets`.
#[allow(clippy::too_many_arguments)]
pub fn compile_program_with_assets(
    entry: SourceId,
    entry_key: &str,
    entry_path: &str,
    sources: &mut Sources,
    provider: &dyn SourceProvider,
    builtins: &Builtins,
    options: &CompileOptions,
    assets_source: Option<&dyn assets::AssetSource>,
) -> Compiled {
    let entry_text_len = sources.text(entry).len();
    if entry_text_len > MAX_SOURCE_BYTES {
        let text = sources.text(entry).to_string();
        let name = sources.name(entry).to_string();
        return crate::compile_with_assets(&text, entry, &name, builtins, options, assets_source);
    }
    let mut walk = Walk {
        provider,
        sources,
        options,
        files: Vec::new(),
        by_key: HashMap::new(),
        stack: Vec::new(),
        order: Vec::new(),
        diagnostics: Vec::new(),
    };
    let module = walk.parse(entry);
    let entry_path = assets::normalize(entry_path).unwrap_or_else(|| "main.pbs".to_string());
    walk.by_key.insert(entry_key.to_string(), 0);
    walk.files.push(File {
        path: entry_path,
        key: entry_key.to_string(),
        source: entry,
        module,
        imports: Vec::new(),
        state: Visit::Active,
    });
    walk.visit(0);
    let Walk {
        files,
        order,
        diagnostics,
        sources,
        ..
    } = walk;
    let mut diagnostics = diagnostics;
    if files.len() == 1 {
        // A program of one file compiles exactly as before.
        let mut files = files;
        let module = std::mem::take(&mut files[0].module);
        let name = sources.name(entry).to_string();
        return crate::compile_parsed(
            module,
            diagnostics,
            sources.text(entry),
            entry,
            &name,
            builtins,
            options,
            assets_source,
        );
    }
    if !diagnostics.is_empty() {
        return Compiled {
            program: None,
            checked: None,
            diagnostics: crate::sorted(diagnostics),
        };
    }
    // Files in initialization order; `position[walk index]` is a file's place in it.
    let mut position = vec![0; files.len()];
    for (at, &f) in order.iter().enumerate() {
        position[f] = at;
    }
    let mut slots: Vec<Option<File>> = files.into_iter().map(Some).collect();
    let mut ordered: Vec<File> = order.iter().filter_map(|&f| slots[f].take()).collect();
    let links: Vec<FileLinks> = ordered
        .iter()
        .map(|file| FileLinks {
            stem: stem(&file.path),
            imports: file
                .imports
                .iter()
                .map(|i| i.map(|g| position[g]))
                .collect(),
            prefix: options.repl.as_ref().and_then(|repl| {
                repl.prefixes
                    .iter()
                    .find(|(key, _)| *key == file.key)
                    .map(|(_, prefix)| prefix.clone())
            }),
        })
        .collect();
    let names: Vec<String> = ordered
        .iter()
        .map(|file| sources.name(file.source).to_string())
        .collect();
    // The assets of every file, with paths made relative to the entry file's directory.
    let mut asset_items = Module::default();
    for file in &ordered {
        let dir = file.path.rfind('/').map_or("", |at| &file.path[..=at]);
        for item in &file.module.items {
            let mut item = match item {
                Item::Bank { .. } | Item::Map { .. } | Item::Sound { .. } => item.clone(),
                _ => continue,
            };
            if let Item::Bank { path, .. } | Item::Map { path, .. } | Item::Sound { path, .. } =
                &mut item
            {
                if !dir.is_empty() && !path.0.starts_with('/') {
                    path.0 = format!("{dir}{}", path.0);
                }
            }
            asset_items.items.push(item);
        }
    }
    let (declared, asset_errors) = assets::convert(&asset_items, assets_source);
    diagnostics.extend(asset_errors.iter().map(|e| e.to_diagnostic()));
    let mut modules: Vec<Module> = ordered
        .iter_mut()
        .map(|f| std::mem::take(&mut f.module))
        .collect();
    // Debug files: the entry file first, then the others in initialization order.
    let debug_order: Vec<&File> = ordered
        .iter()
        .rev()
        .take(1)
        .chain(ordered.iter().rev().skip(1).rev())
        .collect();
    // Each function's code is generated as soon as it is checked (unless an asset error
    // already rules the program out).
    let mut generator =
        codegen::Generator::new(builtins, debug_order.iter().map(|f| f.source).collect());
    let clean = !diagnostics.iter().any(Diagnostic::is_error);
    let files = check::Files {
        modules: &mut modules,
        links: &links,
        names: &names,
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
        let text = sources.text(entry);
        let first_line = text.find('\n').unwrap_or(text.len());
        let span = Span::new(entry, 0, first_line.min(text.trim_end().len()));
        diagnostics.push(
            Diagnostic::error(
                "E0500",
                "no entry point: the program has no `fn main()` and no `[Frame]` function",
                span,
                "the program starts here",
            )
            .with_help("add `fn main() { ... }` to the entry file for a script, or `[Frame] fn frame() { ... }` for a cartridge"),
        );
    }
    let diagnostics = crate::sorted(diagnostics);
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Compiled {
            program: None,
            checked: Some(checked),
            diagnostics,
        };
    }
    crate::drop_deep(modules);
    let mut debug: Vec<codegen::DebugFile> = Vec::new();
    for file in debug_order {
        debug.push(codegen::DebugFile {
            source: file.source,
            name: sources.name(file.source).to_string(),
            text: options
                .keep_source
                .then(|| sources.text(file.source).to_string()),
        });
    }
    match generator.finish(&mut checked, &debug) {
        Ok(program) => Compiled {
            program: Some(program),
            checked: Some(checked),
            diagnostics,
        },
        Err(errors) => {
            let mut diagnostics = diagnostics;
            diagnostics.extend(errors.iter().map(codegen::LimitError::to_diagnostic));
            Compiled {
                program: None,
                checked: Some(checked),
                diagnostics: crate::sorted(diagnostics),
            }
        }
    }
}
