//! `new S(...)`: positional arguments first, then arguments that name their field
//! (`new Enemy(10.0, 20.0, hp: 5)`), with the declared defaults filling the fields not given
//! (§15.8).
//!
//! Named arguments follow the order of the fields, so the arguments are evaluated in the
//! order they are written, which is also the order of the fields. A default is a constant, or
//! `[]`, which makes a new empty array for each instance.

use super::{declared_wants, error_expr, plural, FnCx};
use crate::ast::{Expr, Ident, NewArg};
use crate::check::{CheckError, Checker, StructInfo};
use crate::hir::{TExpr, TExprKind};
use crate::types::Type;
use prometeu_lexer::Span;

/// One argument of `new` as written: the field it names (if any) and its value.
type Arg<'e> = (Option<&'e Ident>, &'e Expr);

impl Checker<'_> {
    /// `new S(a, b)` with positional arguments only.
    pub(super) fn new_struct(
        &mut self,
        name: &Ident,
        args: &[Expr],
        span: Span,
        cx: &mut FnCx,
    ) -> TExpr {
        let args: Vec<Arg<'_>> = args.iter().map(|a| (None, a)).collect();
        self.construct(name, &args, span, cx)
    }

    /// `new S(a, field: b)` with named arguments.
    pub(super) fn new_named(
        &mut self,
        name: &Ident,
        args: &[NewArg],
        span: Span,
        cx: &mut FnCx,
    ) -> TExpr {
        let args: Vec<Arg<'_>> = args.iter().map(|a| (a.field.as_ref(), &a.value)).collect();
        self.construct(name, &args, span, cx)
    }

    /// Checks each argument's value for errors of its own, for a `new` that failed.
    fn abandon(&mut self, args: &[Arg<'_>], span: Span, cx: &mut FnCx) -> TExpr {
        for (_, value) in args {
            self.expr(value, cx);
        }
        error_expr(span)
    }

    fn construct(&mut self, name: &Ident, args: &[Arg<'_>], span: Span, cx: &mut FnCx) -> TExpr {
        if super::super::BUILTIN_TYPES.contains(&name.name.as_str())
            && self.structs.iter().any(|s| s.name.name == name.name)
        {
            // This struct was reported at its declaration: its name is a built-in type's.
            return self.abandon(args, span, cx);
        }
        let Some(index) = self.struct_named(&name.name) else {
            self.abandon(args, span, cx);
            if matches!(name.name.as_str(), "Sound" | "Bank") {
                let (what, how) = if name.name == "Sound" {
                    ("sound", "declare sound NAME = \"file.wav\";")
                } else {
                    ("bank", "declare bank NAME = \"file.png\" tile 8;")
                };
                self.report(
                    CheckError::new(
                        "E0203",
                        format!("`{}` values cannot be created with `new`", name.name),
                        name.span,
                        "not a struct",
                    )
                    .with_help(format!("a {what} comes from a top-level `{how}`")),
                );
                return error_expr(span);
            }
            if let Some(error) = self.new_contract(name) {
                self.report(error);
                return error_expr(span);
            }
            self.report(CheckError::new(
                "E0203",
                format!("unknown type `{}`", name.name),
                name.span,
                "not a struct",
            ));
            return error_expr(span);
        };
        let info = self.structs[index].clone();
        let positional = args.iter().take_while(|(field, _)| field.is_none()).count();
        let has_defaults = info.defaults.iter().any(Option::is_some);
        if positional > info.fields.len()
            || (positional == args.len() && !has_defaults && positional != info.fields.len())
        {
            let count = plural(info.fields.len(), "field");
            let values: Vec<Expr> = args.iter().map(|(_, v)| (*v).clone()).collect();
            return self.wrong_count(
                &info.name.name,
                "has",
                &count,
                &values,
                span,
                Some(info.name.span),
                cx,
            );
        }
        let Some(slots) = self.field_slots(&info, args, positional, span) else {
            return self.abandon(args, span, cx);
        };
        let wants = declared_wants(&info.fields, "field");
        let mut given: Vec<Option<TExpr>> = vec![None; info.fields.len()];
        let mut ok = true;
        for ((_, value), &slot) in args.iter().zip(&slots) {
            let mut typed = Vec::new();
            ok &= self.typed_args(
                std::slice::from_ref(*value),
                &wants[slot..=slot],
                cx,
                &mut typed,
            );
            given[slot] = typed.pop();
        }
        if !ok {
            return error_expr(span);
        }
        let fields = given
            .into_iter()
            .zip(&info.defaults)
            .map(|(value, default)| match (value, default) {
                (Some(value), _) => value,
                (None, Some(default)) => TExpr {
                    span,
                    ..default.clone()
                },
                (None, None) => error_expr(span),
            })
            .collect();
        TExpr {
            kind: TExprKind::NewStruct(index as u32, fields),
            ty: Type::Struct(info.name.name.to_string()),
            span,
        }
    }

    /// The field each argument sets, in written order; `None` after reporting a named
    /// argument that is unknown, repeated, out of order or before a positional one, or a
    /// field without a default that no argument sets.
    fn field_slots(
        &mut self,
        info: &StructInfo,
        args: &[Arg<'_>],
        positional: usize,
        span: Span,
    ) -> Option<Vec<usize>> {
        let struct_name = &info.name.name;
        let mut slots: Vec<usize> = (0..positional).collect();
        let mut ok = true;
        for (field, value) in &args[positional..] {
            let Some(field) = field else {
                self.report(
                    CheckError::new(
                        "E0332",
                        "a positional argument cannot follow a named one",
                        value.span,
                        "this argument has no field name",
                    )
                    .with_help(format!(
                        "write the positional arguments first, or name this one: `new {struct_name}(…, field: value)`"
                    )),
                );
                ok = false;
                continue;
            };
            let Some(slot) = info.fields.iter().position(|(f, _)| f.name == field.name) else {
                let names: Vec<String> = info
                    .fields
                    .iter()
                    .map(|(f, _)| format!("`{}`", f.name))
                    .collect();
                self.report(
                    CheckError::new(
                        "E0330",
                        format!("`{struct_name}` has no field `{}`", field.name),
                        field.span,
                        "no such field",
                    )
                    .with_label(info.name.span, "declared here")
                    .with_help(format!(
                        "the fields of `{struct_name}` are {}",
                        names.join(", ")
                    )),
                );
                ok = false;
                continue;
            };
            if let Some(earlier) = slots.iter().position(|&s| s == slot) {
                let how = if earlier < positional {
                    "by position"
                } else {
                    "by name"
                };
                self.report(
                    CheckError::new(
                        "E0331",
                        format!("field `{}` is given twice", field.name),
                        field.span,
                        "given again here",
                    )
                    .with_label(args[earlier].1.span, format!("already given {how} here"))
                    .with_help("give each field once"),
                );
                ok = false;
                continue;
            }
            if let Some(&last) = slots.last().filter(|&&last| last > slot) {
                let after = &info.fields[last].0.name;
                self.report(
                    CheckError::new(
                        "E0333",
                        format!("named argument `{}` must come before `{after}`", field.name),
                        field.span,
                        "out of order",
                    )
                    .with_label(info.name.span, "the fields are declared in this order")
                    .with_help(format!(
                        "write named arguments in the order of the fields of `{struct_name}`, so they run in the order you read them"
                    )),
                );
                ok = false;
                continue;
            }
            slots.push(slot);
        }
        let missing: Vec<&Ident> = info
            .fields
            .iter()
            .enumerate()
            .filter(|(i, _)| !slots.contains(i) && info.defaults[*i].is_none())
            .map(|(_, (f, _))| f)
            .collect();
        if ok && !missing.is_empty() {
            let names: Vec<String> = missing.iter().map(|f| format!("`{}`", f.name)).collect();
            let what = if missing.len() == 1 {
                "field"
            } else {
                "fields"
            };
            let example = format!("{}: …", missing[0].name);
            let mut error = CheckError::new(
                "E0334",
                format!("missing {what} {} in `new {struct_name}`", names.join(", ")),
                span,
                format!("{} not given", names.join(", ")),
            )
            .with_help(format!(
                "give every field without a default, by position or by name (`{example}`), or declare a default in the struct (`{}: T = value`)",
                missing[0].name
            ));
            for f in &missing {
                error = error.with_label(f.span, "declared here without a default");
            }
            self.report(error);
            ok = false;
        }
        ok.then_some(slots)
    }
}
