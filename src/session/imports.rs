//! `import` in a REPL session: the imported files are read through a [`SourceProvider`]
//! (the session itself opens no file) and evaluated into the session before the input that
//! imports them, so their declarations become session definitions that later inputs use.
//!
//! The prompt has one namespace, so an imported file's declarations enter it under their own
//! names, `pub` or not; the renaming forms (`{ a as b }`, `import "x" as m`) are refused.

use super::{Failure, Session};
use prometeu_compiler::ast::{Import, Item};
use prometeu_compiler::SourceProvider;
use prometeu_lexer::{Diagnostic, SourceId};
use std::collections::HashSet;

/// The files of one input's imports: those evaluated, and the chain being read.
#[derive(Default)]
struct Walk {
    done: HashSet<String>,
    /// The key and name of each file whose imports are being evaluated, outermost first.
    stack: Vec<(String, String)>,
}

/// How deep imports may nest before the chain is refused.
const MAX_DEPTH: usize = 64;

/// What a text declares: each top-level name, and whether it is `pub` (none when the text
/// does not parse: its evaluation reports why).
type Exports = Option<Vec<(String, bool)>>;

/// The imports of a text, the text with each of them blanked (offsets are kept), and the
/// names the text declares.
fn split_imports(text: &str) -> (String, Vec<Import>, Exports) {
    let (tokens, _) = prometeu_lexer::lex(text, SourceId(0));
    let limits = prometeu_compiler::Limits::default();
    let (module, errors) =
        prometeu_compiler::parse::parse(&tokens, SourceId(0), text.len(), &limits);
    let mut blanked = text.to_string();
    let mut imports = Vec::new();
    let mut exports = Vec::new();
    for (i, item) in module.items.iter().enumerate() {
        let name = match item {
            Item::Fn(f) => Some(&f.name),
            Item::Const { name, .. }
            | Item::Global { name, .. }
            | Item::Struct { name, .. }
            | Item::Bank { name, .. }
            | Item::Map { name, .. }
            | Item::Sound { name, .. }
            | Item::Enum { name, .. } => Some(name),
            Item::Import(import) => {
                super::blank(&mut blanked, import.span.range());
                imports.push(import.clone());
                None
            }
            Item::Stmt(_) | Item::Error => None,
        };
        if let Some(name) = name {
            exports.push((name.name.clone(), module.pub_span(i).is_some()));
        }
    }
    let parsed = errors.is_empty() && !module.items.iter().any(|i| matches!(i, Item::Error));
    (blanked, imports, parsed.then_some(exports))
}

/// A failure with one plain diagnostic of `code`.
fn refused_with(code: &str, message: String, help: &str) -> Failure {
    let mut failure = refused(message, help);
    failure.diagnostics[0].code = Some(code.into());
    failure
}

/// A failure with one plain `E0800` diagnostic.
fn refused(message: String, help: &str) -> Failure {
    let mut d = Diagnostic::plain(message);
    d.code = Some("E0800".into());
    d.help = Some(help.into());
    Failure {
        diagnostics: vec![d],
        sources: prometeu_lexer::Sources::new(),
    }
}

impl Session {
    /// Evaluates an input that may `import` files: each imported file (after the files it
    /// imports in turn) is read through `provider`, which answers for paths relative to the
    /// importing input's folder, and evaluated as an input of its own, named by its file;
    /// then the input itself runs. Importing a file again re-reads it, so changes are picked
    /// up. The first failure stops the chain; files evaluated before it stay defined.
    pub fn eval_with_imports(
        &mut self,
        input: &str,
        provider: &dyn SourceProvider,
    ) -> Result<(), Failure> {
        let input = super::with_semicolon(input);
        let (blanked, imports, _) = split_imports(&input);
        if imports.is_empty() {
            return self.eval(&input);
        }
        let mut walk = Walk::default();
        for import in &imports {
            self.import_file("", import, provider, &mut walk)?;
        }
        self.eval(&blanked)
    }

    /// Evaluates the file one `import` (written in a file in folder `dir`) names, once per
    /// chain of imports.
    fn import_file(
        &mut self,
        dir: &str,
        import: &Import,
        provider: &dyn SourceProvider,
        walk: &mut Walk,
    ) -> Result<(), Failure> {
        let depth = walk.stack.len();
        let written = &import.path.0;
        let shown = prometeu_lexer::escape_for_display(written);
        if import.alias.is_some() || import.names.iter().any(|(_, alias)| alias.is_some()) {
            return Err(refused(
                format!("cannot import `{shown}` with `as` at the prompt"),
                "the REPL has one namespace: write `import { a, b } from \"./file.pbs\";` and use the names as the file declares them",
            ));
        }
        if depth >= MAX_DEPTH {
            return Err(refused(
                format!("cannot import `{shown}`: imports nest more than {MAX_DEPTH} files deep"),
                "import fewer files from each other",
            ));
        }
        let path = prometeu_compiler::assets::normalize(&format!("{dir}{written}"))
            .filter(|p| !written.starts_with('/') && !written.contains(':') && p.ends_with(".pbs"))
            .ok_or_else(|| {
                refused(
                    format!("cannot import `{shown}`: an import names a relative `.pbs` file"),
                    "write the path from the importing file's folder, such as `\"./enemies.pbs\"`",
                )
            })?;
        let file = provider.load(&path).map_err(|why| {
            refused(
                format!("cannot import `{shown}`: {why}"),
                "the path is relative to the file that imports it (at the prompt, to the current folder); check its spelling and that the file exists",
            )
        })?;
        let (blanked, imports, exports) = split_imports(&file.text);
        for (name, _) in import.names.iter().filter(|_| exports.is_some()) {
            match exports.iter().flatten().find(|(n, _)| *n == name.name) {
                None => {
                    return Err(refused_with(
                        "E0801",
                        format!("`{path}` declares no `{}`", name.name),
                        "check the name's spelling, or add it to the imported file",
                    ))
                }
                Some((_, false)) => {
                    return Err(refused_with(
                        "E0802",
                        format!("`{}` is private to `{path}`", name.name),
                        "mark it `pub` in the imported file to import it",
                    ))
                }
                Some(_) => {}
            }
        }
        if walk.done.contains(&file.key) {
            return Ok(());
        }
        if let Some(from) = walk.stack.iter().position(|(key, _)| *key == file.key) {
            let mut chain: Vec<&str> = walk.stack[from..].iter().map(|(_, n)| n.as_str()).collect();
            chain.push(&file.name);
            let mut failure = refused_with(
                "E0806",
                "import cycle: these files import each other".to_string(),
                "move what both files need into a third file that both import",
            );
            failure.diagnostics[0]
                .notes
                .push(format!("the chain: {}", chain.join(" → ")));
            return Err(failure);
        }
        walk.stack.push((file.key.clone(), file.name.clone()));
        let folder = match path.rfind('/') {
            Some(i) => path[..=i].to_string(),
            None => String::new(),
        };
        for inner in &imports {
            self.import_file(&folder, inner, provider, walk)?;
        }
        walk.stack.pop();
        walk.done.insert(file.key);
        self.next_name = Some(file.name);
        self.eval(&blanked)
    }
}
