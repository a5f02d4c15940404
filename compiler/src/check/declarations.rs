//! Pass 1 of the checker: each top-level declaration recorded (signatures, struct fields,
//! constants, globals, assets, entry attributes), and the bodies moved out of the tree.

use super::entries::CartEntries;
use super::{CheckError, Checker, ConstInfo, ConstState, GlobalDecl, GlobalInfo, TopLevel};
use crate::ast::{self, Item, Module};
use crate::types::Type;
use prometeu_lexer::Span;
use std::collections::HashMap;

impl<'a> Checker<'a> {
    /// Records one top-level declaration of the current file (pass 1).
    #[allow(clippy::too_many_arguments)]
    pub(super) fn declaration(
        &mut self,
        item: &'a Item,
        in_entry: bool,
        repl: Option<&crate::ReplContext>,
        declared: &crate::assets::Declared,
        entries: &mut CartEntries,
        fn_decls: &mut Vec<(&'a ast::FnDecl, usize)>,
        struct_index: &mut (&[usize], &mut usize),
        global_decls: &mut Vec<(usize, GlobalDecl<'a>)>,
        banks: &mut u32,
        map_decls: &mut usize,
        sound_decls: &mut usize,
        input_stmts: &mut Vec<&'a ast::Stmt>,
    ) {
        let c = self;
        let file = c.file;
        match item {
            Item::Fn(f) => {
                c.builtin_type_name(&f.name, "a function");
                let internal = c.internal(&f.name);
                let index = c.signature(f, None, &internal);
                for attr in &f.attrs {
                    match attr.name.as_str() {
                        "Init" | "Frame" if !in_entry => c.report(
                            CheckError::new(
                                "E0804",
                                format!("`[{}]` must be in the entry file", attr.name),
                                attr.span,
                                "in an imported file",
                            )
                            .with_help(
                                "move this function to the file you run, or call it from there",
                            ),
                        ),
                        "Init" => entries.init.push((index, attr.span)),
                        "Frame" => entries.frame.push((index, attr.span)),
                        other => c.report(
                            CheckError::new(
                                "E0506",
                                format!("unknown attribute `[{other}]`"),
                                attr.span,
                                "not an attribute",
                            )
                            .with_help("the attributes are `[Init]` and `[Frame]`"),
                        ),
                    }
                }
                c.declare(&internal, TopLevel::Fn(index));
                fn_decls.push((f, file));
            }
            Item::Struct {
                fields,
                methods,
                implements,
                ..
            } => {
                let (slots, next) = struct_index;
                let index = slots.get(**next).copied().unwrap_or(**next);
                **next += 1;
                let this = Type::Struct(c.structs[index].name.name.to_string());
                let mut seen: HashMap<String, Span> = HashMap::new();
                for field in fields {
                    c.builtin_type_name(&field.name, "a field");
                    c.member_name(&mut seen, &field.name);
                    let ty = c.resolve_type(&field.ty);
                    if ty == Type::Void {
                        c.report(CheckError::new(
                            "E0310",
                            format!("field `{}` cannot have type void", field.name.name),
                            field.ty.span(),
                            "void has no values",
                        ));
                    }
                    c.structs[index].fields.push((field.name.clone(), ty));
                }
                for m in methods {
                    c.builtin_type_name(&m.name, "a method");
                    c.member_name(&mut seen, &m.name);
                    let f = c.signature(m, Some(this.clone()), &m.name);
                    c.structs[index].methods.insert(m.name.name.to_string(), f);
                    fn_decls.push((m, file));
                }
                c.struct_implements(index, implements);
            }
            Item::Const {
                name, ty, value, ..
            } => {
                c.builtin_type_name(name, "a constant");
                let index = c.consts.len();
                let internal = c.internal(name);
                c.consts.push(ConstInfo {
                    name,
                    ty: ty.as_ref(),
                    value,
                    state: ConstState::Pending,
                    file,
                });
                c.const_refs.push(Vec::new());
                c.declare(&internal, TopLevel::Const(index));
            }
            Item::Global {
                name, ty, value, ..
            } => {
                c.builtin_type_name(name, "a global");
                let internal = c.internal(name);
                // In the REPL, declaring a session global again re-initializes it; the
                // globals of an imported file that an earlier input ran keep their values.
                if let Some((TopLevel::Global(existing), _)) =
                    c.top.get(internal.name.as_str()).copied()
                {
                    if repl.is_some() && c.globals[existing].external {
                        let decl = if in_entry {
                            GlobalDecl::Expr(existing, ty.as_ref(), value)
                        } else {
                            GlobalDecl::Kept(existing, ty.as_ref(), value)
                        };
                        global_decls.push((file, decl));
                        return;
                    }
                }
                let index = c.globals.len();
                c.globals.push(GlobalInfo {
                    name: internal.clone(),
                    ty: None,
                    external: false,
                });
                if c.declare(&internal, TopLevel::Global(index)) {
                    global_decls.push((file, GlobalDecl::Expr(index, ty.as_ref(), value)));
                }
            }
            Item::Bank { name, .. } => {
                let internal = c.internal(name);
                c.declare(&internal, TopLevel::Bank(*banks));
                *banks += 1;
            }
            Item::Sound { name, .. } => {
                let sound = declared.sound_files.get(*sound_decls).copied();
                *sound_decls += 1;
                let internal = c.internal(name);
                c.declare(&internal, TopLevel::Sound(sound.unwrap_or(u32::MAX)));
            }
            Item::Map { name, span, .. } => {
                let map_file = declared.map_files.get(*map_decls).copied().unwrap_or(0);
                *map_decls += 1;
                let internal = c.internal(name);
                if let Some((TopLevel::Global(existing), _)) =
                    c.top.get(internal.name.as_str()).copied()
                {
                    // A map of an imported file that an earlier REPL input ran keeps its
                    // value, like the file's other globals.
                    if repl.is_some() && c.globals[existing].external && !in_entry {
                        return;
                    }
                }
                let index = c.globals.len();
                c.globals.push(GlobalInfo {
                    name: internal.clone(),
                    ty: Some(Type::TileMap),
                    external: false,
                });
                if c.declare(&internal, TopLevel::Global(index)) {
                    global_decls.push((file, GlobalDecl::Map(index, map_file, *span)));
                }
            }
            Item::Stmt(s) if repl.is_some() => input_stmts.push(s),
            Item::Stmt(s) => c.report(
                CheckError::new(
                    "E0101",
                    "statements are not allowed at top level",
                    s.span,
                    "this statement is outside any function",
                )
                .with_help("wrap it in `fn main() { ... }`"),
            ),
            Item::Import(import) if c.scopes.is_empty() => c.report(
                CheckError::new(
                    "E0800",
                    "`import` needs a program compiled from a file",
                    import.span,
                    "nothing to import from here",
                )
                .with_help(
                    "put the program in a file and compile that file, or `:load` it in the REPL",
                ),
            ),
            Item::Import(_) | Item::Error | Item::Enum { .. } | Item::Contract { .. } => {}
        }
    }
}

/// Moves the statements of every function and method body out of a module, in the order
/// pass 1 declares them (items in order, a struct's methods in order); the bodies keep
/// their spans, which diagnostics still point at.
pub(super) fn take_bodies(module: &mut Module) -> Vec<ast::Block> {
    let mut bodies = Vec::new();
    let mut take = |f: &mut ast::FnDecl| {
        bodies.push(ast::Block {
            stmts: std::mem::take(&mut f.body.stmts),
            span: f.body.span,
        });
    };
    for item in &mut module.items {
        match item {
            Item::Fn(f) => take(f),
            Item::Struct { methods, .. } => methods.iter_mut().for_each(&mut take),
            _ => {}
        }
    }
    bodies
}
