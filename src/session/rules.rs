//! The rules a REPL input must keep beyond those of the compiler: asset declarations belong
//! in imported files, and the structs earlier inputs declared keep their indices and fields,
//! since live instances on the heap use them.

use super::imports::{Binding, Imports, Prepared};
use super::{InputDecls, Session};
use prometeu_compiler::check::Checked;
use prometeu_lexer::{Diagnostic, SourceId, Span};

/// The errors for asset declarations made at the prompt (whose asset files a session keeps
/// only for imported files), with spans in the input `input`.
pub(super) fn prompt_assets(decls: &InputDecls, input: SourceId) -> Option<Vec<Diagnostic>> {
    let errors: Vec<Diagnostic> = decls
        .assets
        .iter()
        .map(|(span, what)| {
            Diagnostic::error(
                "E0709",
                format!("`declare {what}` cannot be made at the prompt"),
                Span::new(input, span.start as usize, span.end as usize),
                "declared at the prompt",
            )
            .with_help(
                "declare it with `pub` in a file and import that file: `import { name } from \"./assets.pbs\";` (paths in that file are relative to it)",
            )
        })
        .collect();
    (!errors.is_empty()).then_some(errors)
}

/// The errors for declarations of an input whose names the prompt's imports took, as the
/// compiler reports a name declared beside an import of it (E0803), at the declaration.
pub(super) fn taken_names(
    decls: &InputDecls,
    prepared: &Prepared,
    input: SourceId,
) -> Option<Vec<Diagnostic>> {
    let imports = &prepared.imports;
    let errors: Vec<Diagnostic> = decls
        .names
        .iter()
        .filter_map(|(name, span)| {
            let file = imports.bound_file(name, &prepared.bindings)?;
            Some(
                Diagnostic::error(
                    "E0803",
                    format!("`{name}` clashes with the import of `{name}` from `{file}`"),
                    Span::new(input, span.start as usize, span.end as usize),
                    "declared here",
                )
                .with_note(format!("an earlier input imported `{name}` at the prompt"))
                .with_help(format!(
                    "pick another name for this declaration, or `:reset` and import `{name}` under another name: `import {{ {name} as other_name }} from ...`"
                )),
            )
        })
        .collect();
    let rebound = prepared
        .bindings
        .iter()
        .zip(&prepared.binding_spans)
        .filter_map(|(binding, span)| {
            let name = binding.visible();
            let file = imports.bound_file(name, &prepared.bindings)?;
            Some(
                Diagnostic::error(
                    "E0803",
                    format!(
                        "the import `{name}` clashes with the import of `{name}` from `{file}`"
                    ),
                    Span::new(input, span.start as usize, span.end as usize),
                    "imported here",
                )
                .with_note(format!("an earlier input imported `{name}` at the prompt"))
                .with_help(match binding {
                    Binding::Name { member, .. } => {
                        format!("rename this one: `import {{ {member} as other_name }} from ...`")
                    }
                    Binding::Module { .. } => {
                        "rename this one: `import \"...\" as other_name;`".to_string()
                    }
                }),
            )
        });
    let errors: Vec<Diagnostic> = errors.into_iter().chain(rebound).collect();
    (!errors.is_empty()).then_some(errors)
}

impl Session {
    /// The error, if an input's program would move or change a struct earlier inputs
    /// declared: one removed from a file read again, or given other fields.
    pub(super) fn struct_changes(
        &self,
        checked: &Checked,
        imports: &Imports,
    ) -> Option<Diagnostic> {
        let file_of = |name: &str| {
            imports
                .modules
                .iter()
                .find(|m| {
                    name.strip_prefix(&m.prefix)
                        .is_some_and(|r| r.starts_with('.'))
                })
                .map(|m| m.name.clone())
        };
        let shown = |name: &str| name.split_once('.').map_or(name, |(_, n)| n).to_string();
        for (index, old) in self.struct_order.iter().enumerate() {
            let Some(file) = file_of(old) else { continue };
            let now = checked.structs.get(index).map(|s| s.name.as_str());
            let before = self.signatures.get(old);
            let after = checked
                .signatures
                .iter()
                .find(|(n, _)| n == old)
                .map(|(_, s)| s);
            let problem = if now != Some(old.as_str()) {
                format!(
                    "`{file}` no longer declares the struct `{}` that values of the session have",
                    shown(old)
                )
            } else if before.is_some() && before != after {
                format!(
                    "cannot change the struct `{}` of `{file}`: it is `{}`, the new one is `{}`",
                    shown(old),
                    before.map_or("?", String::as_str),
                    after.map_or("?", String::as_str)
                )
            } else {
                continue;
            };
            let mut d = Diagnostic::plain(problem);
            d.code = Some("E0508".into());
            d.help = Some(
                "the file's old definitions stay in force; keep the struct as it was, or `:reset` the session and import the file again".into(),
            );
            return Some(d);
        }
        None
    }
}
