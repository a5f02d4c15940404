//! Enums (§15.1): declarations, variant values and constructions, `==` and `as int`.
//!
//! Each enum gets an index in the program's enum table. A variant without payload is a
//! scalar value (`TExprKind::Variant`); a variant with payload fields is an instance of a
//! hidden struct type named `Enum.Variant`, whose fields are the payload's, appended after
//! the program's own structs, so construction, field reads and formatting reuse the struct
//! machinery.

use super::expr::{declared_wants, error_expr, plural};
use super::stmt::FnCx;
use super::{CheckError, Checker, StructInfo, TopLevel};
use crate::ast::{BinOp, Expr, ExprKind, Ident, Item, Module};
use crate::hir::{TExpr, TExprKind};
use crate::types::Type;
use prometeu_lexer::Span;
use std::collections::HashMap;

/// A checked enum type.
#[derive(Clone, Debug)]
pub(crate) struct EnumInfo {
    /// Its internal name.
    pub(crate) name: Ident,
    /// Its variants in declaration order.
    pub(crate) variants: Vec<VariantInfo>,
}

/// One variant of an enum.
#[derive(Clone, Debug)]
pub(crate) struct VariantInfo {
    pub(crate) name: Ident,
    /// The payload fields with their types (empty without payload).
    pub(crate) fields: Vec<(Ident, Type)>,
    /// The payload's struct index, for a variant with payload.
    pub(crate) payload: Option<u32>,
}

impl EnumInfo {
    /// Whether any variant carries a payload (then `==` is not defined).
    pub(crate) fn has_payload(&self) -> bool {
        self.variants.iter().any(|v| !v.fields.is_empty())
    }

    /// The index of a variant by name.
    pub(crate) fn variant(&self, name: &str) -> Option<usize> {
        self.variants.iter().position(|v| v.name.name == name)
    }

    /// The variant names, written `Enum.Variant`, for help texts.
    pub(crate) fn listing(&self) -> String {
        let names: Vec<String> = self
            .variants
            .iter()
            .map(|v| format!("`{}.{}`", self.name.name, v.name.name))
            .collect();
        names.join(", ")
    }
}

impl Checker<'_> {
    /// Pass 0: registers an enum's name (its variants are read by [`Checker::enum_bodies`]).
    pub(crate) fn declare_enum(&mut self, name: &Ident) {
        self.builtin_type_name(name, "an enum");
        let internal = self.internal(name);
        let index = self.enums.len();
        self.enums.push(EnumInfo {
            name: internal.clone(),
            variants: Vec::new(),
        });
        self.declare(&internal, TopLevel::Enum(index));
    }

    /// After pass 0 (every type name known): reads each enum's variants and payload field
    /// types, and appends one hidden struct type per variant with payload.
    pub(crate) fn enum_bodies(&mut self, modules: &[Module]) {
        let mut index = 0;
        for (file, module) in modules.iter().enumerate() {
            self.file = file;
            for item in &module.items {
                let Item::Enum { name, variants, .. } = item else {
                    continue;
                };
                if variants.is_empty() {
                    self.report(
                        CheckError::new(
                            "E0906",
                            format!("enum `{}` has no variants", name.name),
                            name.span,
                            "declared without variants",
                        )
                        .with_help(format!(
                            "list its variants: `declare enum {} {{ A, B }}`",
                            name.name
                        )),
                    );
                }
                let mut seen: HashMap<String, Span> = HashMap::new();
                let mut out = Vec::new();
                for v in variants {
                    if let Some(&first) = seen.get(v.name.name.as_str()) {
                        self.report(
                            CheckError::new(
                                "E0201",
                                format!(
                                    "`{}` is declared more than once in this enum",
                                    v.name.name
                                ),
                                v.name.span,
                                "declared again here",
                            )
                            .with_label(first, "first declared here"),
                        );
                        continue;
                    }
                    seen.insert(v.name.name.to_string(), v.name.span);
                    let mut fields = Vec::new();
                    let mut field_names: HashMap<String, Span> = HashMap::new();
                    for f in &v.fields {
                        self.member_name(&mut field_names, &f.name);
                        let ty = self.resolve_type(&f.ty);
                        if ty == Type::Void {
                            self.report(CheckError::new(
                                "E0310",
                                format!("field `{}` cannot have type void", f.name.name),
                                f.ty.span(),
                                "void has no values",
                            ));
                        }
                        fields.push((f.name.clone(), ty));
                    }
                    out.push(VariantInfo {
                        name: v.name.clone(),
                        fields,
                        payload: None,
                    });
                }
                let enum_name = self.enums[index].name.name.clone();
                for v in &mut out {
                    if v.fields.is_empty() {
                        continue;
                    }
                    v.payload = Some(self.structs.len() as u32);
                    self.structs.push(StructInfo {
                        name: Ident {
                            name: format!("{enum_name}.{}", v.name.name).into(),
                            span: v.name.span,
                        },
                        fields: v.fields.clone(),
                        defaults: vec![None; v.fields.len()],
                        methods: HashMap::new(),
                    });
                }
                self.enums[index].variants = out;
                index += 1;
            }
        }
    }

    /// The enum a written type name (`Name` or `m.Name`) refers to in the current file.
    pub(crate) fn enum_named(&self, name: &str) -> Option<usize> {
        match self.type_named(name) {
            Some((TopLevel::Enum(index), _)) => Some(index),
            _ => None,
        }
    }

    /// The enum index of an enum type.
    pub(crate) fn enum_of(&self, ty: &Type) -> Option<usize> {
        let Type::Enum(name) = ty else { return None };
        match self.top.get(name) {
            Some((TopLevel::Enum(index), _)) => Some(*index),
            _ => None,
        }
    }

    /// The enum an expression names when it is used as the left of `.Variant`: `State` (not
    /// shadowed by a local) or `m.State`.
    pub(crate) fn enum_base(&self, base: &Expr, cx: &FnCx) -> Option<usize> {
        match &base.kind {
            ExprKind::Name(name) if cx.lookup(name).is_none() => self.enum_named(name),
            ExprKind::Field(inner, member) => match &inner.kind {
                ExprKind::Name(alias) if cx.lookup(alias).is_none() => {
                    self.module_alias(alias)?;
                    self.enum_named(&format!("{alias}.{}", member.name))
                }
                _ => None,
            },
            _ => None,
        }
    }

    /// Looks a variant up by name, reporting an unknown one.
    fn variant_of(&mut self, index: usize, field: &Ident) -> Option<usize> {
        let info = &self.enums[index];
        if let Some(v) = info.variant(&field.name) {
            return Some(v);
        }
        let error = CheckError::new(
            "E0901",
            format!("`{}` has no variant `{}`", info.name.name, field.name),
            field.span,
            "no such variant",
        )
        .with_help(format!("the variants are {}", info.listing()));
        self.report(error);
        None
    }

    /// `Enum.Variant` as a value: a payload-free variant. `None` when `base` names no enum.
    pub(crate) fn variant_value(
        &mut self,
        base: &Expr,
        field: &Ident,
        span: Span,
        cx: &FnCx,
    ) -> Option<TExpr> {
        let index = self.enum_base(base, cx)?;
        let Some(v) = self.variant_of(index, field) else {
            return Some(error_expr(span));
        };
        let info = &self.enums[index];
        let variant = &info.variants[v];
        if !variant.fields.is_empty() {
            let fields: Vec<&str> = variant
                .fields
                .iter()
                .map(|(f, _)| f.name.as_str())
                .collect();
            let error = CheckError::new(
                "E0900",
                format!(
                    "`{}.{}` has a payload and must be given its fields",
                    info.name.name, field.name
                ),
                span,
                "payload missing",
            )
            .with_help(format!(
                "construct it like a call: `{}.{}({})`",
                info.name.name,
                field.name,
                fields.join(", ")
            ));
            self.report(error);
            return Some(error_expr(span));
        }
        Some(TExpr {
            kind: TExprKind::Variant {
                ty: index as u16,
                variant: v as u16,
            },
            ty: Type::Enum(info.name.name.to_string()),
            span,
        })
    }

    /// `Enum.Variant(args)`: a variant with payload, its fields given in order. `None` when
    /// the callee is not a variant.
    pub(crate) fn variant_call(
        &mut self,
        callee: &Expr,
        args: &[Expr],
        span: Span,
        cx: &mut FnCx,
    ) -> Option<TExpr> {
        let ExprKind::Field(base, field) = &callee.kind else {
            return None;
        };
        let index = self.enum_base(base, cx)?;
        let Some(v) = self.variant_of(index, field) else {
            for a in args {
                self.expr(a, cx);
            }
            return Some(error_expr(span));
        };
        let info = self.enums[index].clone();
        let variant = &info.variants[v];
        let written = format!("{}.{}", info.name.name, variant.name.name);
        let Some(payload) = variant.payload else {
            for a in args {
                self.expr(a, cx);
            }
            self.report(
                CheckError::new(
                    "E0903",
                    format!("`{written}` has no payload and is not called"),
                    span,
                    "called here",
                )
                .with_help(format!("write `{written}` without parentheses")),
            );
            return Some(error_expr(span));
        };
        if args.len() != variant.fields.len() {
            let count = plural(variant.fields.len(), "field");
            return Some(self.wrong_count(
                &written,
                "has",
                &count,
                args,
                span,
                Some(variant.name.span),
                cx,
            ));
        }
        let wants = declared_wants(&variant.fields, "field");
        let mut typed = Vec::new();
        if !self.typed_args(args, &wants, cx, &mut typed) {
            return Some(error_expr(span));
        }
        Some(TExpr {
            kind: TExprKind::NewStruct(payload, typed.into()),
            ty: Type::Enum(info.name.name.to_string()),
            span,
        })
    }

    /// `==`/`!=` on two values of one enum type: their tags compared as ints, or an error
    /// when the enum has payloads. `None` when the operands are not enums.
    pub(crate) fn enum_equality(
        &mut self,
        op: BinOp,
        l: TExpr,
        r: TExpr,
        span: Span,
    ) -> Result<TExpr, Box<(TExpr, TExpr)>> {
        let Some(index) = self.enum_of(&l.ty) else {
            return Err(Box::new((l, r)));
        };
        if !op.is_equality() || l.ty != r.ty {
            return Err(Box::new((l, r)));
        }
        if self.enums[index].has_payload() {
            let name = self.enums[index].name.name.clone();
            self.report(
                CheckError::new(
                    "E0902",
                    format!("`{}` cannot compare values of `{name}`, whose variants have payloads", op.symbol()),
                    span,
                    format!("`{name}` has payloads"),
                )
                .with_help(format!(
                    "use `switch` to tell the variants apart: `switch v {{ {name}.Variant(x) => {{ ... }} default => {{ ... }} }}`"
                )),
            );
            return Ok(error_expr(span));
        }
        // A variant written out is its index; anything else reads the tag at run time.
        let tag = |e: TExpr| TExpr {
            span: e.span,
            kind: match e.kind {
                TExprKind::Variant { variant, .. } => TExprKind::Int(i64::from(variant)),
                _ => TExprKind::EnumTag(Box::new(e)),
            },
            ty: Type::Int,
        };
        Ok(TExpr {
            kind: TExprKind::Binary(op, Box::new(tag(l)), Box::new(tag(r))),
            ty: Type::Bool,
            span,
        })
    }

    /// `e as int` on an enum value: its variant index, for enums without payloads.
    pub(crate) fn enum_cast(&mut self, t: TExpr, to: &Type, span: Span) -> Option<TExpr> {
        let index = self.enum_of(&t.ty)?;
        if *to != Type::Int {
            return None;
        }
        if self.enums[index].has_payload() {
            let name = self.enums[index].name.name.clone();
            self.report(
                CheckError::new(
                    "E0905",
                    format!("`{name}` values cannot be converted to `int`: its variants have payloads"),
                    span,
                    "invalid conversion",
                )
                .with_help("`as int` gives the index of a variant of an enum without payloads; use `switch` here"),
            );
            return Some(error_expr(span));
        }
        Some(TExpr {
            kind: TExprKind::EnumTag(Box::new(t)),
            ty: Type::Int,
            span,
        })
    }

    /// The enum table the program carries.
    pub(crate) fn enum_decls(&self) -> Vec<prometeu_bytecode::EnumDecl> {
        self.enums
            .iter()
            .map(|e| prometeu_bytecode::EnumDecl {
                name: e.name.name.to_string(),
                variants: e
                    .variants
                    .iter()
                    .map(|v| prometeu_bytecode::VariantDecl {
                        name: v.name.name.to_string(),
                        payload: v.payload,
                    })
                    .collect(),
            })
            .collect()
    }
}
