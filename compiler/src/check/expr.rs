//! Type checking of expressions.

use super::stmt::{FnCx, LocalKind};
use super::{CheckError, Checker, TopLevel};
use crate::ast::{BinOp, Expr, ExprKind, UnOp};
use crate::hir::{TExpr, TExprKind};
use crate::types::Type;
use prometeu_bytecode::BuiltinConstant;
use prometeu_lexer::Span;

/// The largest integer literal magnitude that is valid without a unary minus.
const MAX_POSITIVE: u64 = i64::MAX as u64;

/// Builds an error expression.
pub(crate) fn error_expr(span: Span) -> TExpr {
    TExpr {
        kind: TExprKind::Error,
        ty: Type::Error,
        span,
    }
}

impl Checker<'_> {
    /// Checks an expression used as a value (a `void` call is an error here).
    pub(crate) fn value(&mut self, e: &Expr, cx: &mut FnCx) -> TExpr {
        let t = self.expr(e, cx);
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
        let t = self.value(e, cx);
        if !want.accepts(&t.ty) {
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
        stacker::maybe_grow(64 * 1024, 1024 * 1024, || self.expr_inner(e, cx))
    }

    fn expr_inner(&mut self, e: &Expr, cx: &mut FnCx) -> TExpr {
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
                make(TExprKind::Int(*v as i64), Type::Int)
            }
            ExprKind::Float(v) => make(TExprKind::Float(*v), Type::Float),
            ExprKind::Str(s) => make(TExprKind::Str(s.clone()), Type::Str),
            ExprKind::Bool(b) => make(TExprKind::Bool(*b), Type::Bool),
            ExprKind::Paren(inner) => {
                let mut t = self.expr(inner, cx);
                t.span = span;
                t
            }
            ExprKind::Name(name) => self.name(name, span, cx),
            ExprKind::This => {
                self.report(CheckError::new(
                    "E0200",
                    "cannot find `this` outside a method",
                    span,
                    "not in a method",
                ));
                error_expr(span)
            }
            ExprKind::Unary(op, operand) => self.unary(*op, operand, span, cx),
            ExprKind::Binary(op, lhs, rhs) => self.binary(*op, lhs, rhs, span, cx),
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
            ExprKind::Call(callee, args) => self.call(callee, args, span, cx),
            ExprKind::Field(base, field) => {
                if let ExprKind::Name(ns) = &base.kind {
                    if !cx.shadows(ns) && !self.top.contains_key(ns) {
                        let qualified = format!("{ns}.{}", field.name);
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
                if !t.ty.is_error() {
                    self.report(CheckError::new(
                        "E0200",
                        format!("cannot find field `{}` on `{}`", field.name, t.ty),
                        field.span,
                        "no such field",
                    ));
                }
                error_expr(span)
            }
            ExprKind::Index(_, _)
            | ExprKind::Array(_)
            | ExprKind::ArrayRepeat(_, _)
            | ExprKind::New(_, _) => {
                self.report(CheckError::new(
                    "E0203",
                    "unknown type: arrays and structs are not supported yet",
                    span,
                    "not supported",
                ));
                error_expr(span)
            }
            ExprKind::Error => error_expr(span),
        }
    }

    /// Resolves a name used as a value.
    fn name(&mut self, name: &str, span: Span, cx: &mut FnCx) -> TExpr {
        if let Some(local) = cx.lookup(name) {
            return TExpr {
                kind: TExprKind::Local(local.slot),
                ty: local.ty.clone(),
                span,
            };
        }
        match self.top.get(name).map(|(t, _)| *t) {
            Some(TopLevel::Const(index)) => match self.const_value(index) {
                Some(v) => v.to_expr(span),
                None => error_expr(span),
            },
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
                match self.globals[index].ty.clone() {
                    Some(ty) => TExpr {
                        kind: TExprKind::Global(name.to_string()),
                        ty,
                        span,
                    },
                    None => error_expr(span),
                }
            }
            Some(TopLevel::Fn(_)) => {
                self.report(
                    CheckError::new(
                        "E0309",
                        format!("`{name}` is a function, not a value"),
                        span,
                        "a function",
                    )
                    .with_help(format!("call it: `{name}(...)`")),
                );
                error_expr(span)
            }
            None => {
                self.report(CheckError::new(
                    "E0200",
                    format!("cannot find `{name}` in this scope"),
                    span,
                    "not found",
                ));
                error_expr(span)
            }
        }
    }

    fn unary(&mut self, op: UnOp, operand: &Expr, span: Span, cx: &mut FnCx) -> TExpr {
        if let (UnOp::Neg, ExprKind::Int(v)) = (op, &operand.kind) {
            if *v == MAX_POSITIVE + 1 {
                return TExpr {
                    kind: TExprKind::Int(i64::MIN),
                    ty: Type::Int,
                    span,
                };
            }
        }
        let t = self.value(operand, cx);
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

    fn binary(&mut self, op: BinOp, lhs: &Expr, rhs: &Expr, span: Span, cx: &mut FnCx) -> TExpr {
        let l = self.value(lhs, cx);
        // In a constant expression, `false && x` and `true || x` never evaluate `x`.
        let skips = cx.const_context().is_some()
            && matches!(
                (op, &l.kind),
                (BinOp::And, TExprKind::Bool(false)) | (BinOp::Or, TExprKind::Bool(true))
            );
        cx.skipped += skips as u32;
        let r = self.value(rhs, cx);
        cx.skipped -= skips as u32;
        if l.ty.is_error() || r.ty.is_error() {
            return error_expr(span);
        }
        use BinOp::*;
        let result = match op {
            Add if l.ty == r.ty && (l.ty.is_numeric() || l.ty == Type::Str) => Some(l.ty.clone()),
            Sub | Mul | Div | Rem if l.ty == r.ty && l.ty.is_numeric() => Some(l.ty.clone()),
            BitAnd | BitOr | BitXor | Shl | Shr if l.ty == Type::Int && r.ty == Type::Int => {
                Some(Type::Int)
            }
            Eq | Ne if l.ty == r.ty && l.ty != Type::Void => Some(Type::Bool),
            Lt | Le | Gt | Ge if l.ty == r.ty && (l.ty.is_numeric() || l.ty == Type::Str) => {
                Some(Type::Bool)
            }
            And | Or if l.ty == Type::Bool && r.ty == Type::Bool => Some(Type::Bool),
            _ => None,
        };
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

    /// Checks a call: of a program function, of a built-in, or an error.
    fn call(&mut self, callee: &Expr, args: &[Expr], span: Span, cx: &mut FnCx) -> TExpr {
        if let Some(limit) = cx.const_context() {
            self.report(CheckError::new(
                "E0502",
                "a call is not a constant expression",
                span,
                limit,
            ));
            return error_expr(span);
        }
        let name = match &callee.kind {
            ExprKind::Name(name) => {
                if let Some(local) = cx.lookup(name) {
                    let what = if local.kind == LocalKind::Param {
                        "parameter"
                    } else {
                        "local variable"
                    };
                    self.report(CheckError::new(
                        "E0308",
                        format!("`{name}` is not a function"),
                        callee.span,
                        format!("a {what} of type `{}`", local.ty),
                    ));
                    return error_expr(span);
                }
                match self.top.get(name.as_str()).map(|(t, s)| (*t, *s)) {
                    Some((TopLevel::Fn(index), _)) => return self.call_fn(index, args, span, cx),
                    Some((_, decl)) => {
                        self.report(
                            CheckError::new(
                                "E0308",
                                format!("`{name}` is not a function"),
                                callee.span,
                                "not callable",
                            )
                            .with_label(decl, "declared here"),
                        );
                        return error_expr(span);
                    }
                    None => name.clone(),
                }
            }
            ExprKind::Field(base, field) => match &base.kind {
                ExprKind::Name(ns) if !cx.shadows(ns) && !self.top.contains_key(ns) => {
                    format!("{ns}.{}", field.name)
                }
                _ => {
                    let t = self.value(base, cx);
                    if !t.ty.is_error() {
                        self.report(CheckError::new(
                            "E0204",
                            format!("cannot find method `{}` on `{}`", field.name, t.ty),
                            field.span,
                            "no such method",
                        ));
                    }
                    return error_expr(span);
                }
            },
            _ => {
                let t = self.value(callee, cx);
                if !t.ty.is_error() {
                    self.report(CheckError::new(
                        "E0308",
                        format!("`{}` is not a function", t.ty),
                        callee.span,
                        "not callable",
                    ));
                }
                return error_expr(span);
            }
        };
        self.call_host(&name, callee.span, args, span, cx)
    }

    /// Checks a call of a program function.
    fn call_fn(&mut self, index: u32, args: &[Expr], span: Span, cx: &mut FnCx) -> TExpr {
        let sig = self.fns[index as usize].clone();
        if args.len() != sig.params.len() {
            let typed: Vec<TExpr> = args.iter().map(|a| self.expr(a, cx)).collect();
            drop(typed);
            self.report(
                CheckError::new(
                    "E0304",
                    format!(
                        "wrong number of arguments: `{}` takes {} but {} {} given",
                        sig.name.name,
                        plural(sig.params.len(), "argument"),
                        args.len(),
                        if args.len() == 1 { "was" } else { "were" }
                    ),
                    span,
                    format!("{} given", plural(args.len(), "argument")),
                )
                .with_label(sig.header, "declared here"),
            );
            return error_expr(span);
        }
        let mut typed = Vec::new();
        let mut failed = false;
        for (arg, (param, want)) in args.iter().zip(&sig.params) {
            let t = self.value(arg, cx);
            if !want.accepts(&t.ty) {
                self.report(
                    CheckError::new(
                        "E0305",
                        format!(
                            "mismatched argument type: expected `{want}`, found `{}`",
                            t.ty
                        ),
                        arg.span,
                        format!("this is `{}`", t.ty),
                    )
                    .with_label(
                        param.span,
                        format!("parameter `{}` is `{want}`", param.name),
                    ),
                );
                failed = true;
            }
            failed |= t.ty.is_error();
            typed.push(t);
        }
        if failed {
            return error_expr(span);
        }
        TExpr {
            kind: TExprKind::Call(index, typed),
            ty: sig.ret,
            span,
        }
    }

    /// Checks a call of a built-in, choosing the overload that fits the argument types.
    fn call_host(
        &mut self,
        name: &str,
        callee_span: Span,
        args: &[Expr],
        span: Span,
        cx: &mut FnCx,
    ) -> TExpr {
        let candidates: Vec<usize> = (0..self.builtins.hosts.len())
            .filter(|&i| self.builtins.hosts[i].name == name)
            .collect();
        if candidates.is_empty() {
            for a in args {
                self.expr(a, cx);
            }
            self.report(CheckError::new(
                "E0204",
                format!("cannot find function `{name}`"),
                callee_span,
                "not found",
            ));
            return error_expr(span);
        }
        let typed: Vec<TExpr> = args.iter().map(|a| self.value(a, cx)).collect();
        if typed.iter().any(|t| t.ty.is_error()) {
            return error_expr(span);
        }
        let fits = |i: usize| {
            let sig = &self.builtins.hosts[i];
            sig.params.len() == typed.len()
                && typed
                    .iter()
                    .zip(&sig.params)
                    .all(|(t, &p)| t.ty.fits_host(p))
        };
        if let Some(&chosen) = candidates.iter().find(|&&i| fits(i)) {
            let ty = Type::from_host(self.builtins.hosts[chosen].result).unwrap_or(Type::Error);
            return TExpr {
                kind: TExprKind::CallHost(chosen, typed),
                ty,
                span,
            };
        }
        let arity_ok: Vec<usize> = candidates
            .iter()
            .copied()
            .filter(|&i| self.builtins.hosts[i].params.len() == typed.len())
            .collect();
        let signatures: Vec<String> = candidates
            .iter()
            .map(|&i| self.builtins.hosts[i].to_string())
            .collect();
        if arity_ok.is_empty() {
            let want = self.builtins.hosts[candidates[0]].params.len();
            self.report(
                CheckError::new(
                    "E0304",
                    format!(
                        "wrong number of arguments: `{name}` takes {} but {} {} given",
                        plural(want, "argument"),
                        typed.len(),
                        if typed.len() == 1 { "was" } else { "were" }
                    ),
                    span,
                    format!("{} given", plural(typed.len(), "argument")),
                )
                .with_help(format!("the signature is `{}`", signatures.join("` or `"))),
            );
        } else {
            let sig = self.builtins.hosts[arity_ok[0]].clone();
            let bad = typed
                .iter()
                .zip(&sig.params)
                .position(|(t, &p)| !t.ty.fits_host(p))
                .unwrap_or(0);
            let found = typed[bad].ty.clone();
            self.report(
                CheckError::new(
                    "E0305",
                    format!("mismatched argument type: `{name}` does not take `{found}` here"),
                    args[bad].span,
                    format!("this is `{found}`"),
                )
                .with_help(format!("the signature is `{}`", signatures.join("` or `"))),
            );
        }
        error_expr(span)
    }
}

/// "1 argument", "2 arguments".
fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}
