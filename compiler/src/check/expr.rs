//! Type checking of expressions.

use super::stmt::{FnCx, LocalKind};
use super::{CheckError, Checker, TopLevel};
use crate::ast::{BinOp, Expr, ExprKind, Ident, UnOp};
use crate::hir::{TExpr, TExprKind};
use crate::types::Type;
use prometeu_bytecode::limits::MAX_STRING_BYTES;
use prometeu_bytecode::BuiltinConstant;
use prometeu_lexer::Span;

pub(crate) use literals::int_literal;

mod calls;
mod construct;
mod format;
mod if_value;
mod literals;
mod methods;
mod tilemap;

/// The largest integer literal magnitude that is valid without a unary minus.
pub(crate) const MAX_POSITIVE: u64 = i64::MAX as u64;

/// Builds an error expression.
pub(crate) fn error_expr(span: Span) -> TExpr {
    TExpr {
        kind: TExprKind::Error,
        ty: Type::Error,
        span,
    }
}

impl Checker<'_> {
    /// E0207: global `index` is used (at `span`) before its declaration is checked, which
    /// only a lambda in an earlier initializer can do; without a written type, its type is
    /// not known there.
    pub(crate) fn unknown_global_type(&mut self, index: usize, name: &str, span: Span) {
        let decl = self.globals[index].name.span;
        self.report(
            CheckError::new(
                "E0207",
                format!("the type of global `{name}` is not known here"),
                span,
                "used in a lambda of an earlier initializer",
            )
            .with_label(decl, "declared here without a type")
            .with_help(format!(
                "write the type of `{name}` in its declaration (`declare global {name}: T = ...`), or declare it before this initializer"
            )),
        );
    }

    /// Checks an expression used as a value (a `void` call is an error here).
    pub(crate) fn value(&mut self, e: &Expr, cx: &mut FnCx) -> TExpr {
        self.value_hint(e, cx, None)
    }

    /// Checks a value with the type its context expects, which gives `[]` its element type.
    pub(crate) fn value_hint(&mut self, e: &Expr, cx: &mut FnCx, hint: Option<&Type>) -> TExpr {
        let t = self.expr_hint(e, cx, hint);
        if t.ty == Type::Void {
            self.report(CheckError::new(
                "E0307",
                "this call has no value",
                e.span,
                "returns void",
            ));
            return error_expr(e.span);
        }
        t
    }

    /// Checks a value against an expected type, reporting a mismatch at the expression.
    pub(crate) fn expect(&mut self, e: &Expr, cx: &mut FnCx, want: &Type, why: &str) -> TExpr {
        let t = self.value_hint(e, cx, Some(want));
        if t.ty.payload() == Some(want) {
            self.report(
                CheckError::new(
                    "E0920",
                    format!("expected `{want}`, found the optional `{}`", t.ty),
                    e.span,
                    format!("this is `{}`, which may be `none`; {why}", t.ty),
                )
                .with_help(super::optional::TAKE_PAYLOAD),
            );
            return error_expr(e.span);
        }
        if !want.accepts(&t.ty) {
            if let Some(err) = self.not_implemented(&t.ty, want, e.span) {
                self.report(err);
                return error_expr(e.span);
            }
            let mut err = CheckError::new(
                "E0300",
                format!("mismatched types: expected `{want}`, found `{}`", t.ty),
                e.span,
                format!("this is `{}`; {why}", t.ty),
            );
            if t.ty.is_numeric() && want.is_numeric() {
                err = err.with_help(format!("convert it with `as {want}`"));
            }
            self.report(err);
            return error_expr(e.span);
        }
        t
    }

    /// Checks an expression (it may be a `void` call).
    pub(crate) fn expr(&mut self, e: &Expr, cx: &mut FnCx) -> TExpr {
        self.expr_hint(e, cx, None)
    }

    /// Checks an expression with an optional expected type.
    fn expr_hint(&mut self, e: &Expr, cx: &mut FnCx, hint: Option<&Type>) -> TExpr {
        stacker::maybe_grow(64 * 1024, 1024 * 1024, || {
            let inner = Self::inner_hint(e, hint);
            let t = self.expr_inner(e, cx, inner);
            let t = self.to_contract(t, inner);
            Self::wrap_optional(t, hint)
        })
    }

    fn expr_inner(&mut self, e: &Expr, cx: &mut FnCx, hint: Option<&Type>) -> TExpr {
        let span = e.span;
        let make = |kind, ty| TExpr { kind, ty, span };
        match &e.kind {
            ExprKind::Int(v) => {
                if *v > MAX_POSITIVE {
                    self.report(
                        CheckError::new(
                            "E0005",
                            "integer literal is too large",
                            span,
                            "does not fit in an int",
                        )
                        .with_help("only `-9223372036854775808` may use this magnitude"),
                    );
                    return error_expr(span);
                }
                if hint == Some(&Type::Float) {
                    return self.int_as_float(*v, false, span);
                }
                make(TExprKind::Int(*v as i64), Type::Int)
            }
            ExprKind::Float(v) => make(TExprKind::Float(*v), Type::Float),
            ExprKind::Str(s) if s.len() > MAX_STRING_BYTES => {
                self.report(super::consts::literal_too_long(span, s.len()));
                error_expr(span)
            }
            ExprKind::Str(s) => make(TExprKind::Str((**s).into()), Type::Str),
            ExprKind::Bool(b) => make(TExprKind::Bool(*b), Type::Bool),
            ExprKind::Paren(inner) => {
                let mut t = self.expr_hint(inner, cx, hint);
                t.span = span;
                t
            }
            ExprKind::Name(name) => self.name(name, span, cx),
            ExprKind::Lambda(lambda) => self.lambda(lambda, span, cx),
            ExprKind::This => match cx.lookup("this") {
                Some(local) => Self::local_value(local, span),
                None => {
                    self.report(CheckError::new(
                        "E0314",
                        "`this` is only available inside methods",
                        span,
                        "not inside a method",
                    ));
                    error_expr(span)
                }
            },
            ExprKind::Unary(op, operand) => self.unary(*op, operand, span, cx, hint),
            ExprKind::Binary(op, lhs, rhs) => self.binary(*op, lhs, rhs, span, cx, hint),
            ExprKind::Cast(inner, ty) => {
                let t = self.value(inner, cx);
                let to = self.resolve_type(ty);
                if t.ty.is_error() || to.is_error() {
                    return error_expr(span);
                }
                if t.ty == to {
                    let mut t = t;
                    t.span = span;
                    return t;
                }
                if self.enum_of(&t.ty).is_some() {
                    if let Some(tag) = self.enum_cast(t.clone(), &to, span) {
                        return tag;
                    }
                }
                if t.ty.is_numeric() && to.is_numeric() {
                    if let Some(folded) = self.fold_cast(cx, &t, &to) {
                        return TExpr { span, ..folded };
                    }
                    return make(TExprKind::Cast(Box::new(t)), to);
                }
                self.report(
                    CheckError::new(
                        "E0306",
                        format!("cannot convert `{}` to `{to}` with `as`", t.ty),
                        span,
                        "invalid conversion",
                    )
                    .with_help("`as` converts between int and float only"),
                );
                error_expr(span)
            }
            ExprKind::Call(call) => {
                let (callee, args) = &**call;
                match self.variant_call(callee, args, span, cx) {
                    Some(t) => t,
                    None => self.call(callee, args, span, cx),
                }
            }
            ExprKind::Field(base, field) => {
                if let Some(t) = self.variant_value(base, field, span, cx) {
                    return t;
                }
                if let ExprKind::Name(ns) = &base.kind {
                    if let Some(file) = self.module_alias(ns).filter(|_| !cx.shadows(ns)) {
                        let found = self.member(ns, file, field);
                        if found.is_none() {
                            return error_expr(span);
                        }
                        let shown = format!("{ns}.{}", field.name);
                        return self.top_level_value(found, &shown, span, cx);
                    }
                    if !cx.shadows(ns) {
                        if let Some(Some(&index)) = self
                            .struct_named(ns)
                            .map(|i| self.structs[i].methods.get(field.name.as_str()))
                        {
                            return self.function_value(index, span);
                        }
                    }
                    if !cx.shadows(ns) && !self.is_user_name(ns) {
                        let qualified = format!("{ns}.{}", field.name);
                        if self.builtins.hosts.iter().any(|h| h.name == qualified) {
                            return self.builtin_value(&qualified, span);
                        }
                        let found = self
                            .builtins
                            .constants
                            .iter()
                            .find(|(n, _)| *n == qualified)
                            .map(|(_, v)| *v);
                        return match found {
                            Some(BuiltinConstant::Int(v)) => make(TExprKind::Int(v), Type::Int),
                            Some(BuiltinConstant::Float(v)) => {
                                make(TExprKind::Float(v), Type::Float)
                            }
                            None => {
                                self.report(CheckError::new(
                                    "E0200",
                                    format!("cannot find `{qualified}`"),
                                    span,
                                    "no such built-in",
                                ));
                                error_expr(span)
                            }
                        };
                    }
                }
                let t = self.value(base, cx);
                if let Type::Struct(name) = &t.ty {
                    let info = self.structs.iter().find(|s| s.name.name == *name).cloned();
                    if let Some(info) = info {
                        if let Some((index, ty)) = info.field(&field.name) {
                            return make(TExprKind::Field(Box::new(t), index), ty);
                        }
                        if info.methods.contains_key(field.name.as_str()) {
                            self.report(
                                CheckError::new(
                                    "E0312",
                                    format!(
                                        "`{}` is a method of `{name}`, not a field",
                                        field.name
                                    ),
                                    field.span,
                                    "a method",
                                )
                                .with_help(format!(
                                    "call it: `.{}(...)`; as a function value, write `{name}.{}`",
                                    field.name, field.name
                                )),
                            );
                            return error_expr(span);
                        }
                    }
                }
                let family = match &t.ty {
                    Type::Array(_) => Some("Array"),
                    Type::Str => Some("String"),
                    Type::TileMap => Some("TileMap"),
                    _ => None,
                };
                let qualified = family.map(|f| format!("{f}.{}", field.name));
                let is_method =
                    qualified.is_some_and(|q| self.builtins.hosts.iter().any(|h| h.name == q));
                if is_method {
                    self.report(
                        CheckError::new(
                            "E0312",
                            format!("`{}` is a method of `{}`, not a field", field.name, t.ty),
                            field.span,
                            "a method",
                        )
                        .with_help(format!(
                            "call it: `.{}(...)`; a method named without `()` does nothing",
                            field.name
                        )),
                    );
                } else if t.ty.payload().is_some() {
                    self.report(
                        CheckError::new(
                            "E0312",
                            format!("`{}` has no field `{}`", t.ty, field.name),
                            field.span,
                            "no such field",
                        )
                        .with_help(super::optional::TAKE_PAYLOAD),
                    );
                } else if !t.ty.is_error() {
                    let mut error = CheckError::new(
                        "E0312",
                        format!("`{}` has no field `{}`", t.ty, field.name),
                        field.span,
                        "no such field",
                    );
                    if let Type::Contract(c) = &t.ty {
                        error = error.with_help(format!(
                            "a `{c}` value gives access to the methods of `{c}` only; declare a method that returns the field"
                        ));
                    }
                    self.report(error);
                }
                error_expr(span)
            }
            ExprKind::Index(base, index) => {
                let arr = self.value(base, cx);
                if matches!(arr.ty, Type::Map(..)) {
                    return self.map_index(arr, index, span, cx);
                }
                let idx = self.expect(index, cx, &Type::Int, "array indices are ints");
                match arr.ty.clone() {
                    Type::Array(elem) => {
                        make(TExprKind::Index(Box::new(arr), Box::new(idx)), *elem)
                    }
                    Type::Error => error_expr(span),
                    other => {
                        self.report(CheckError::new(
                            "E0312",
                            format!("`{other}` cannot be indexed"),
                            base.span,
                            "not an array",
                        ));
                        error_expr(span)
                    }
                }
            }
            ExprKind::Array(items) => self.array_literal(items, span, cx, hint),
            ExprKind::Map(entries) => self.map_literal(entries, span, cx, hint),
            ExprKind::ArrayRepeat(value, count) => {
                let elem_hint = match hint {
                    Some(Type::Array(elem)) => Some((**elem).clone()),
                    _ => None,
                };
                let v = self.value_hint(value, cx, elem_hint.as_ref());
                let n = self.expect(count, cx, &Type::Int, "the count of `[v; n]` is an int");
                if v.ty.is_error() || n.ty.is_error() {
                    return error_expr(span);
                }
                let ty = Type::Array(Box::new(v.ty.clone()));
                make(TExprKind::ArrayRepeat(Box::new(v), Box::new(n)), ty)
            }
            ExprKind::New(new) => self.new_struct(&new.0, &new.1, span, cx),
            ExprKind::Some(inner) => self.some_expr(inner, span, cx, hint),
            ExprKind::None => self.none_expr(span, hint),
            ExprKind::Else(opt, fallback) => self.else_expr(opt, fallback, span, cx, hint),
            ExprKind::NewNamed(new) => self.new_named(&new.0, &new.1, span, cx),
            ExprKind::Switch(sw) => self.switch_value(sw, span, cx, hint),
            ExprKind::If(if_) => self.if_value(&if_.0, if_.1.as_ref(), span, cx, hint),
            ExprKind::Error => error_expr(span),
        }
    }

    /// Resolves a name used as a value.
    fn name(&mut self, name: &str, span: Span, cx: &mut FnCx) -> TExpr {
        if let Some(local) = cx.lookup(name) {
            return Self::local_value(local, span);
        }
        let found = self.lookup(name);
        if found.is_none() && self.builtins.hosts.iter().any(|h| h.name == name) {
            return self.builtin_value(name, span);
        }
        self.top_level_value(found, name, span, cx)
    }

    /// The value of a top-level declaration named `name` (as written) in an expression.
    fn top_level_value(
        &mut self,
        found: Option<(super::TopLevel, Span)>,
        name: &str,
        span: Span,
        cx: &mut FnCx,
    ) -> TExpr {
        match found.map(|(t, _)| t) {
            Some(TopLevel::Const(index)) => {
                if let Some(&user) = self.const_stack.last() {
                    self.const_refs[user].push(index);
                }
                match self.const_value(index) {
                    Some(v) => v.to_expr(span),
                    None => error_expr(span),
                }
            }
            Some(TopLevel::Global(index)) => {
                if let Some(limit) = cx.const_context() {
                    self.report(CheckError::new(
                        "E0502",
                        format!("`{name}` is not a constant expression"),
                        span,
                        limit,
                    ));
                    return error_expr(span);
                }
                if let Some(current) = cx.global_order() {
                    if index >= current {
                        let decl = self.globals[index].name.span;
                        self.report(
                            CheckError::new(
                                "E0205",
                                format!("global `{name}` is used before its declaration"),
                                span,
                                "used here",
                            )
                            .with_label(decl, "declared here")
                            .with_help("globals are initialized in source order; move this declaration below it"),
                        );
                        return error_expr(span);
                    }
                }
                self.uses.read(index, span);
                match self.globals[index].ty.clone() {
                    Some(ty) => TExpr {
                        kind: TExprKind::Global(self.globals[index].name.name.boxed()),
                        ty,
                        span,
                    },
                    None => {
                        self.unknown_global_type(index, name, span);
                        error_expr(span)
                    }
                }
            }
            Some(top @ (TopLevel::Bank(index) | TopLevel::Sound(index))) => {
                if let Some(limit) = cx.const_context() {
                    self.report(CheckError::new(
                        "E0502",
                        format!("`{name}` is not a constant expression"),
                        span,
                        limit,
                    ));
                    return error_expr(span);
                }
                let ty = if matches!(top, TopLevel::Sound(_)) {
                    Type::Sound
                } else {
                    Type::Bank
                };
                TExpr {
                    kind: TExprKind::Int(i64::from(index)),
                    ty,
                    span,
                }
            }
            Some(TopLevel::Struct(_)) => {
                self.report(
                    CheckError::new(
                        "E0309",
                        format!("`{name}` is a struct type, not a value"),
                        span,
                        "a type",
                    )
                    .with_help(format!("create an instance with `new {name}(...)`")),
                );
                error_expr(span)
            }
            Some(TopLevel::Contract(_)) => {
                self.report(
                    CheckError::new(
                        "E0309",
                        format!("`{name}` is a contract type, not a value"),
                        span,
                        "a type",
                    )
                    .with_help(format!(
                        "create an instance of a struct that implements `{name}`"
                    )),
                );
                error_expr(span)
            }
            Some(TopLevel::Enum(index)) => {
                let first = self.enums[index]
                    .variants
                    .first()
                    .map_or("Variant".to_string(), |v| v.name.name.to_string());
                self.report(
                    CheckError::new(
                        "E0309",
                        format!("`{name}` is an enum type, not a value"),
                        span,
                        "a type",
                    )
                    .with_help(format!(
                        "name one of its variants, such as `{name}.{first}`"
                    )),
                );
                error_expr(span)
            }
            Some(TopLevel::Fn(index)) => {
                if let Some(limit) = cx.const_context() {
                    self.report(CheckError::new(
                        "E0502",
                        format!("`{name}` is not a constant expression"),
                        span,
                        limit,
                    ));
                    return error_expr(span);
                }
                self.function_value(index, span)
            }
            None => {
                let err = CheckError::new(
                    "E0200",
                    format!("cannot find `{name}` in this scope"),
                    span,
                    "not found",
                );
                let err = match self.unknown_name_help(name, cx) {
                    Some(help) => err.with_help(help),
                    None => err,
                };
                self.report(err);
                error_expr(span)
            }
        }
    }

    /// The help for a name that is not found, when it looks like a known mistake: a field or
    /// method of the current struct without `this.`, or a null from another language.
    pub(crate) fn unknown_name_help(&self, name: &str, cx: &FnCx) -> Option<String> {
        if let Some(Type::Struct(s)) = cx.lookup("this").map(|l| l.ty.clone()) {
            let info = self.structs.iter().find(|i| i.name.name == s)?;
            if info.field(name).is_some() {
                return Some(format!(
                    "`{name}` is a field of `{s}`: inside a method, write `this.{name}`"
                ));
            }
            if info.methods.contains_key(name) {
                return Some(format!(
                    "`{name}` is a method of `{s}`: inside a method, call it as `this.{name}(...)`"
                ));
            }
        }
        matches!(name, "nil" | "null" | "None" | "undefined" | "NULL").then(|| {
            "PBS has no null: the missing value is `none`, of an optional type such as \
             `int?` (`let x: int? = none;`)"
                .to_string()
        })
    }

    fn unary(
        &mut self,
        op: UnOp,
        operand: &Expr,
        span: Span,
        cx: &mut FnCx,
        hint: Option<&Type>,
    ) -> TExpr {
        if let (UnOp::Neg, ExprKind::Int(v)) = (op, &operand.kind) {
            if hint == Some(&Type::Float) {
                return self.int_as_float(*v, true, span);
            }
            if *v == MAX_POSITIVE + 1 {
                return TExpr {
                    kind: TExprKind::Int(i64::MIN),
                    ty: Type::Int,
                    span,
                };
            }
        }
        let numeric_hint = hint.filter(|_| op == UnOp::Neg);
        let t = self.value_hint(operand, cx, numeric_hint);
        let ok = match op {
            UnOp::Neg => t.ty.is_numeric(),
            UnOp::Not => t.ty == Type::Bool,
        };
        if t.ty.is_error() {
            return error_expr(span);
        }
        if !ok {
            let sym = if op == UnOp::Neg { "-" } else { "!" };
            self.report(CheckError::new(
                "E0302",
                format!("operator `{sym}` cannot be applied to `{}`", t.ty),
                span,
                format!("this is `{}`", t.ty),
            ));
            return error_expr(span);
        }
        let ty = t.ty.clone();
        self.fold(
            cx,
            TExpr {
                kind: TExprKind::Unary(op, Box::new(t)),
                ty,
                span,
            },
        )
    }

    #[allow(clippy::too_many_arguments)]
    fn binary(
        &mut self,
        op: BinOp,
        lhs: &Expr,
        rhs: &Expr,
        span: Span,
        cx: &mut FnCx,
        hint: Option<&Type>,
    ) -> TExpr {
        // The expected type of each operand (§15.0): for an arithmetic operator whose operands
        // are both integer literals, the expected type of the whole; otherwise an operand made
        // of integer literals takes the type of the other operand.
        let arithmetic = matches!(
            op,
            BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div | BinOp::Rem
        );
        let relational = arithmetic
            || matches!(
                op,
                BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge
            );
        let (l_lit, r_lit) = (int_literal(lhs), int_literal(rhs));
        let both = if arithmetic && l_lit && r_lit {
            hint.filter(|t| **t == Type::Float)
        } else {
            None
        };
        if relational && l_lit && !r_lit && both.is_none() {
            let r = self.value(rhs, cx);
            let l = self.value_hint(lhs, cx, Some(&r.ty).filter(|t| **t == Type::Float));
            return self.binary_typed(op, lhs, rhs, l, r, span, cx);
        }
        if op.is_equality() && matches!(super::optional::strip_parens(lhs), ExprKind::None) {
            // `none == o`: `none` takes the type of the other operand.
            let r = self.value(rhs, cx);
            let l = self.value_hint(lhs, cx, Some(&r.ty));
            return self.binary_typed(op, lhs, rhs, l, r, span, cx);
        }
        let l = self.value_hint(lhs, cx, both);
        // In a constant expression, `false && x` and `true || x` never evaluate `x`.
        let skips = cx.const_context().is_some()
            && matches!(
                (op, &l.kind),
                (BinOp::And, TExprKind::Bool(false)) | (BinOp::Or, TExprKind::Bool(true))
            );
        cx.skipped += skips as u32;
        let r_hint = both
            .or(Some(&l.ty).filter(|t| relational && **t == Type::Float))
            .or(Some(&l.ty).filter(|t| op.is_equality() && t.payload().is_some()))
            .or(Some(&l.ty).filter(|t| op.is_equality() && matches!(t, Type::Contract(_))));
        let r = self.value_hint(rhs, cx, r_hint);
        cx.skipped -= skips as u32;
        self.binary_typed(op, lhs, rhs, l, r, span, cx)
    }

    /// Types a binary operator over its checked operands.
    #[allow(clippy::too_many_arguments)]
    fn binary_typed(
        &mut self,
        op: BinOp,
        lhs: &Expr,
        rhs: &Expr,
        l: TExpr,
        r: TExpr,
        span: Span,
        cx: &mut FnCx,
    ) -> TExpr {
        if l.ty.is_error() || r.ty.is_error() {
            return error_expr(span);
        }
        if op.is_equality() && self.function_equality(&l, &r, span) {
            return error_expr(span);
        }
        // `7 == o`: the plain operand is wrapped like the right one of `o == 7`.
        let l = if op.is_equality() {
            // `shape == circle`: the struct converts to the contract on the other side.
            let l = self.to_contract(l, Some(&r.ty));
            Self::wrap_optional(l, Some(&r.ty))
        } else {
            l
        };
        let (l, r) = match self.enum_equality(op, l, r, span) {
            Ok(t) => return t,
            Err(operands) => *operands,
        };
        let result = binary_type(op, &l.ty, &r.ty);
        let Some(ty) = result else {
            let mut err = CheckError::new(
                "E0301",
                format!(
                    "operator `{}` cannot be applied to `{}` and `{}`",
                    op.symbol(),
                    l.ty,
                    r.ty
                ),
                span,
                if l.ty == r.ty {
                    format!("`{}` does not support `{}`", l.ty, op.symbol())
                } else {
                    "incompatible operands".to_string()
                },
            );
            if l.ty != r.ty {
                err = err
                    .with_label(lhs.span, format!("this is `{}`", l.ty))
                    .with_label(rhs.span, format!("this is `{}`", r.ty));
            }
            if op == BinOp::Add && (l.ty == Type::Str) != (r.ty == Type::Str) {
                err = err.with_help(
                    "`+` joins two strings: convert the other value with `str(...)`, such as `\"hp: \" + str(hp)`, or write `format(\"hp: {}\", hp)`",
                );
            }
            if l.ty.payload().is_some() || r.ty.payload().is_some() {
                err = err.with_help(super::optional::TAKE_PAYLOAD);
            }
            if l.ty.is_numeric() && r.ty.is_numeric() && l.ty != r.ty {
                err = err.with_help(if l.ty == Type::Int {
                    "there are no implicit conversions; convert the int with `as float`, e.g. `1 as float + 2.0`"
                } else {
                    "there are no implicit conversions; convert the int with `as float`, e.g. `2.0 + 1 as float`"
                });
            }
            self.report(err);
            return error_expr(span);
        };
        self.fold(
            cx,
            TExpr {
                kind: TExprKind::Binary(op, Box::new(l), Box::new(r)),
                ty,
                span,
            },
        )
    }
}

impl Checker<'_> {
    /// A `Sound` argument of `print` or `str` becomes its text, `Sound("file.wav")`, through
    /// the hidden host function; any other argument is unchanged.
    fn sound_text(&self, arg: TExpr) -> TExpr {
        if arg.ty != Type::Sound {
            return arg;
        }
        let host = self.builtins.hosts.iter().position(|h| {
            h.name == crate::SOUND_TEXT_HOST
                && h.params == [prometeu_bytecode::HostType::Sound]
                && h.result == prometeu_bytecode::HostType::Str
        });
        match host {
            Some(host) => TExpr {
                span: arg.span,
                kind: TExprKind::call_host(host, vec![arg]),
                ty: Type::Str,
            },
            None => arg,
        }
    }

    /// Checks an array literal; an empty one takes its type from the context.
    fn array_literal(
        &mut self,
        items: &[Expr],
        span: Span,
        cx: &mut FnCx,
        hint: Option<&Type>,
    ) -> TExpr {
        let elem_hint = match hint {
            Some(Type::Array(elem)) => Some((**elem).clone()),
            _ => None,
        };
        if items.is_empty() {
            return match elem_hint {
                Some(elem) => TExpr {
                    kind: TExprKind::Array(Box::default()),
                    ty: Type::Array(Box::new(elem)),
                    span,
                },
                None => {
                    self.report(
                        CheckError::new(
                            "E0311",
                            "cannot infer the element type of `[]`",
                            span,
                            "empty array",
                        )
                        .with_help("annotate the variable, such as `let xs: [int] = [];`"),
                    );
                    error_expr(span)
                }
            };
        }
        let first = self.value_hint(&items[0], cx, elem_hint.as_ref());
        let elem = elem_hint.clone().unwrap_or_else(|| first.ty.clone());
        let mut typed = Vec::with_capacity(items.len());
        let mut failed = false;
        for (i, item) in items.iter().enumerate() {
            let t = if i == 0 {
                first.clone()
            } else {
                self.value_hint(item, cx, Some(&elem))
            };
            if !elem.accepts(&t.ty) && !failed {
                let mut err = CheckError::new(
                    "E0300",
                    format!("mismatched types: expected `{elem}`, found `{}`", t.ty),
                    item.span,
                    format!("this is `{}`", t.ty),
                );
                if i > 0 && elem_hint.is_none() {
                    err =
                        err.with_label(items[0].span, format!("the array's elements are `{elem}`"));
                }
                self.report(err);
                failed = true;
            }
            // One report per literal: further elements of a failed literal are not reported.
            failed |= t.ty.is_error() || !elem.accepts(&t.ty);
            typed.push(t);
        }
        if failed || elem.is_error() {
            return error_expr(span);
        }
        TExpr {
            kind: TExprKind::Array(typed.into()),
            ty: Type::Array(Box::new(elem)),
            span,
        }
    }
}

/// The result type of a binary operator on operands of these types, if it applies.
pub(crate) fn binary_type(op: BinOp, l: &Type, r: &Type) -> Option<Type> {
    use BinOp::*;
    if l != r {
        return None;
    }
    match op {
        Add if l.is_numeric() || *l == Type::Str => Some(l.clone()),
        Sub | Mul | Div | Rem if l.is_numeric() => Some(l.clone()),
        BitAnd | BitOr | BitXor | Shl | Shr if *l == Type::Int => Some(Type::Int),
        Eq | Ne if *l != Type::Void => Some(Type::Bool),
        Lt | Le | Gt | Ge if l.is_numeric() || *l == Type::Str => Some(Type::Bool),
        And | Or if *l == Type::Bool => Some(Type::Bool),
        _ => None,
    }
}

/// "1 argument", "2 arguments".
pub(crate) fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// The expected type of each argument matched against declared slots (a function's
/// parameters or a struct's fields), each labelled with its declaration, such as
/// "parameter `x` is `int`".
pub(crate) fn declared_wants(
    slots: &[(Ident, Type)],
    what: &str,
) -> Vec<(Type, Option<(Span, String)>)> {
    slots
        .iter()
        .map(|(slot, want)| {
            let label = format!("{what} `{}` is `{want}`", slot.name);
            (want.clone(), Some((slot.span, label)))
        })
        .collect()
}
