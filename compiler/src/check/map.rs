//! Maps `{K: V}` (§15.6): the map type, literals, `m[k]` as a value and as a place, and the
//! map methods. Errors are E0950–E0959.
//!
//! Keys are `int`, `string`, `bool` or an enum without payloads (values that compare by
//! value); values are any type but `void` and optionals (`m.get(k)` is the optional read).
//! A literal's key and value types come from the expected type, else from its first entry;
//! `{}` needs an expected type. Two equal constant keys in one literal are an error.

use super::expr::error_expr;
use super::stmt::FnCx;
use super::{CheckError, Checker};
use crate::ast::{Expr, Ident, TypeExpr};
use crate::hir::{MapOp, Place, TExpr, TExprKind};
use crate::types::Type;
use prometeu_lexer::Span;

/// The help of a map type with a key type that cannot be a key.
const KEY_HELP: &str = "map keys are int, string, bool or an enum without payloads; to key by a struct, key by one of its fields (such as an id) instead";

/// A constant key, to find duplicates in a literal.
#[derive(PartialEq)]
enum ConstKey<'a> {
    Int(i64),
    Bool(bool),
    Str(&'a str),
    Variant(u16),
}

impl<'a> ConstKey<'a> {
    fn of(e: &'a TExpr) -> Option<ConstKey<'a>> {
        match &e.kind {
            TExprKind::Int(v) => Some(ConstKey::Int(*v)),
            TExprKind::Bool(v) => Some(ConstKey::Bool(*v)),
            TExprKind::Str(v) => Some(ConstKey::Str(v)),
            TExprKind::Variant { variant, .. } => Some(ConstKey::Variant(*variant)),
            _ => None,
        }
    }
}

impl Checker<'_> {
    /// Resolves a written map type `{K: V}`.
    pub(crate) fn resolve_map(&mut self, key: &TypeExpr, value: &TypeExpr) -> Type {
        let k = self.resolve_type(key);
        let v = self.resolve_type(value);
        let key_ok = match &k {
            Type::Int | Type::Str | Type::Bool | Type::Error => true,
            Type::Enum(_) => self
                .enum_of(&k)
                .is_some_and(|index| !self.enums[index].has_payload()),
            _ => false,
        };
        if !key_ok {
            let why = match &k {
                Type::Enum(_) => "an enum with payloads cannot be a key",
                Type::Float => "floats cannot be keys (NaN is not equal to itself)",
                _ => "not a key type",
            };
            self.report(
                CheckError::new(
                    "E0950",
                    format!("`{k}` cannot be the key type of a map"),
                    key.span(),
                    why,
                )
                .with_help(KEY_HELP),
            );
        }
        let value_ok = match &v {
            Type::Optional(inner) => {
                self.report(
                    CheckError::new(
                        "E0951",
                        format!("map values cannot be optional (`{v}`)"),
                        value.span(),
                        "an optional value type",
                    )
                    .with_help(format!(
                        "store `{inner}` instead and read with `m.get(k)`, which gives `{inner}?` (`none` when the key is absent); remove a key with `m.remove(k)`"
                    )),
                );
                false
            }
            Type::Void => {
                self.report(CheckError::new(
                    "E0310",
                    "map values cannot have type void",
                    value.span(),
                    "void has no values",
                ));
                false
            }
            _ => true,
        };
        if !key_ok || !value_ok || k.is_error() || v.is_error() {
            return Type::Error;
        }
        Type::Map(Box::new(k), Box::new(v))
    }

    /// Checks a map literal `{k: v, ...}`; `{}` takes its types from the expected type.
    pub(crate) fn map_literal(
        &mut self,
        entries: &[(Expr, Expr)],
        span: Span,
        cx: &mut FnCx,
        hint: Option<&Type>,
    ) -> TExpr {
        let hinted = match hint {
            Some(Type::Map(k, v)) => Some(((**k).clone(), (**v).clone())),
            _ => None,
        };
        let Some((first_key, first_value)) = entries.first() else {
            return match hinted {
                Some((k, v)) => TExpr {
                    kind: TExprKind::Map(MapOp::New, Box::default()),
                    ty: Type::Map(Box::new(k), Box::new(v)),
                    span,
                },
                // The annotation already had an error: nothing more to say.
                None if hint.is_some_and(Type::is_error) => error_expr(span),
                None => {
                    self.report(
                        CheckError::new(
                            "E0952",
                            "cannot infer the key and value types of `{}`",
                            span,
                            "empty map",
                        )
                        .with_help("annotate the variable, such as `let m: {string: int} = {};`"),
                    );
                    error_expr(span)
                }
            };
        };
        let (key_ty, value_ty) = match hinted {
            Some(types) => types,
            None => {
                let k = self.value(first_key, cx);
                let v = self.value(first_value, cx);
                if k.ty.is_error() || v.ty.is_error() {
                    for (k, v) in &entries[1..] {
                        self.value(k, cx);
                        self.value(v, cx);
                    }
                    return error_expr(span);
                }
                let (kt, vt) = (k.ty.clone(), v.ty.clone());
                let ty = self.literal_types(&kt, &vt, first_key.span, first_value.span);
                if ty.is_error() {
                    return error_expr(span);
                }
                return self.map_entries(entries, Some((k, v)), kt, vt, span, cx);
            }
        };
        self.map_entries(entries, None, key_ty, value_ty, span, cx)
    }

    /// Checks that the types a literal's first entry gives can make a map type, reporting
    /// them at the entry otherwise.
    fn literal_types(&mut self, k: &Type, v: &Type, key_at: Span, value_at: Span) -> Type {
        let key_ok = match k {
            Type::Int | Type::Str | Type::Bool => true,
            Type::Enum(_) => self
                .enum_of(k)
                .is_some_and(|index| !self.enums[index].has_payload()),
            _ => false,
        };
        if !key_ok {
            self.report(
                CheckError::new(
                    "E0950",
                    format!("`{k}` cannot be the key type of a map"),
                    key_at,
                    format!("this key is `{k}`"),
                )
                .with_help(KEY_HELP),
            );
            return Type::Error;
        }
        if let Type::Optional(inner) = v {
            self.report(
                CheckError::new(
                    "E0951",
                    format!("map values cannot be optional (`{v}`)"),
                    value_at,
                    format!("this value is `{v}`"),
                )
                .with_help(format!(
                    "store `{inner}` values (unwrap them, or leave the key out) and read with `m.get(k)`, which gives `{inner}?`"
                )),
            );
            return Type::Error;
        }
        Type::Map(Box::new(k.clone()), Box::new(v.clone()))
    }

    /// Checks every entry of a literal against the key and value types.
    fn map_entries(
        &mut self,
        entries: &[(Expr, Expr)],
        first: Option<(TExpr, TExpr)>,
        key_ty: Type,
        value_ty: Type,
        span: Span,
        cx: &mut FnCx,
    ) -> TExpr {
        let mut typed = Vec::with_capacity(entries.len() * 2);
        let mut failed = false;
        let mut first = first;
        for (i, (k, v)) in entries.iter().enumerate() {
            let (tk, tv) = match (i, first.take()) {
                (0, Some(pair)) => pair,
                _ => (
                    self.expect(k, cx, &key_ty, "the map's keys have this type"),
                    self.expect(v, cx, &value_ty, "the map's values have this type"),
                ),
            };
            failed |= tk.ty.is_error() || tv.ty.is_error();
            typed.push(tk);
            typed.push(tv);
        }
        if failed {
            return error_expr(span);
        }
        // Two equal constant keys: the second would silently replace the first.
        for i in 1..entries.len() {
            let Some(key) = ConstKey::of(&typed[2 * i]) else {
                continue;
            };
            let earlier = (0..i).find(|&j| ConstKey::of(&typed[2 * j]).as_ref() == Some(&key));
            if let Some(j) = earlier {
                self.report(
                    CheckError::new(
                        "E0953",
                        "duplicate key in map literal",
                        entries[i].0.span,
                        "this key is already in the literal",
                    )
                    .with_label(entries[j].0.span, "first given here")
                    .with_help("remove one of the two entries; a map holds each key once"),
                );
                return error_expr(span);
            }
        }
        TExpr {
            kind: TExprKind::Map(MapOp::New, typed.into()),
            ty: Type::Map(Box::new(key_ty), Box::new(value_ty)),
            span,
        }
    }

    /// Checks `m[k]` read as a value, `map` already checked: the value, trapping when the key
    /// is absent.
    pub(crate) fn map_index(&mut self, map: TExpr, key: &Expr, span: Span, cx: &mut FnCx) -> TExpr {
        match self.map_key(map, key, cx) {
            Some((map, key, value_ty)) => TExpr {
                kind: TExprKind::Map(MapOp::Get, Box::new([map, key])),
                ty: value_ty,
                span,
            },
            None => error_expr(span),
        }
    }

    /// Checks `m[k]` as an assignment target, `map` already checked.
    pub(crate) fn map_place(
        &mut self,
        map: TExpr,
        key: &Expr,
        cx: &mut FnCx,
    ) -> Option<(Place, Type)> {
        let (map, key, value_ty) = self.map_key(map, key, cx)?;
        Some((Place::MapEntry(Box::new(map), Box::new(key)), value_ty))
    }

    /// Checks the key of `m[k]`; the typed map and key and the value type.
    fn map_key(&mut self, map: TExpr, key: &Expr, cx: &mut FnCx) -> Option<(TExpr, TExpr, Type)> {
        let Type::Map(key_ty, value_ty) = map.ty.clone() else {
            self.value(key, cx);
            return None;
        };
        let key = self.expect(key, cx, &key_ty, "the map's keys have this type");
        if key.ty.is_error() {
            return None;
        }
        Some((map, key, *value_ty))
    }

    /// Checks a method of a map: `len`, `has`, `get`, `remove`, `keys`, `values`, `clear`.
    pub(crate) fn map_method(
        &mut self,
        receiver: TExpr,
        name: &Ident,
        args: &[Expr],
        span: Span,
        cx: &mut FnCx,
    ) -> TExpr {
        let Type::Map(key_ty, value_ty) = receiver.ty.clone() else {
            return error_expr(span);
        };
        let (op, takes_key, result) = match name.name.as_str() {
            "len" => (MapOp::Len, false, Type::Int),
            "has" => (MapOp::Has, true, Type::Bool),
            "get" => (MapOp::GetOpt, true, Type::Optional(value_ty.clone())),
            "remove" => (MapOp::Remove, true, Type::Optional(value_ty.clone())),
            "keys" => (MapOp::Keys, false, Type::Array(key_ty.clone())),
            "values" => (MapOp::Values, false, Type::Array(value_ty.clone())),
            "clear" => (MapOp::Clear, false, Type::Void),
            _ => {
                for a in args {
                    self.expr(a, cx);
                }
                self.report(
                    CheckError::new(
                        "E0204",
                        format!("cannot find method `{}` on `{}`", name.name, receiver.ty),
                        name.span,
                        "no such method",
                    )
                    .with_help("a map has `len()`, `has(k)`, `get(k)`, `remove(k)`, `keys()`, `values()` and `clear()`; read or set an entry with `m[k]`"),
                );
                return error_expr(span);
            }
        };
        let wanted = usize::from(takes_key);
        if args.len() != wanted {
            let count = if takes_key {
                "1 argument"
            } else {
                "0 arguments"
            };
            return self.wrong_count(&name.name, "takes", count, args, span, None, cx);
        }
        let mut operands = vec![receiver];
        if takes_key {
            let key = self.expect(&args[0], cx, &key_ty, "the map's keys have this type");
            if key.ty.is_error() {
                return error_expr(span);
            }
            operands.push(key);
        }
        TExpr {
            kind: TExprKind::Map(op, operands.into()),
            ty: result,
            span,
        }
    }
}
