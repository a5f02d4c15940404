//! Type checking of calls: of program functions, of built-in functions, and the errors of
//! calling something that is not a function.

use super::*;

impl Checker<'_> {
    /// Checks a call: of a program function, of a built-in, or an error.
    pub(super) fn call(
        &mut self,
        callee: &Expr,
        args: &[Expr],
        span: Span,
        cx: &mut FnCx,
    ) -> TExpr {
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
                    if matches!(local.ty, Type::Func(..)) {
                        let f = Self::local_value(local, callee.span);
                        return self.call_value(f, args, span, cx);
                    }
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
                match self.lookup(name) {
                    Some((TopLevel::Fn(index), _)) => return self.call_fn(index, args, span, cx),
                    Some((TopLevel::Global(g), _))
                        if matches!(self.globals[g].ty, Some(Type::Func(..))) =>
                    {
                        let f = self.value(callee, cx);
                        return self.call_value(f, args, span, cx);
                    }
                    Some((kind, decl)) => {
                        let mut err = CheckError::new(
                            "E0308",
                            format!("`{name}` is not a function"),
                            callee.span,
                            "not callable",
                        )
                        .with_label(decl, "declared here");
                        if matches!(kind, TopLevel::Struct(_)) {
                            err = CheckError::new(
                                "E0308",
                                format!("`{name}` is a struct, not a function"),
                                callee.span,
                                "a struct",
                            )
                            .with_label(decl, "declared here")
                            .with_help(format!("create an instance with `new {name}(...)`"));
                        }
                        for a in args {
                            self.expr(a, cx);
                        }
                        self.report(err);
                        return error_expr(span);
                    }
                    None => name.to_string(),
                }
            }
            ExprKind::Field(base, field) => match &base.kind {
                ExprKind::Name(ns) if !cx.shadows(ns) && self.module_alias(ns).is_some() => {
                    let file = self.module_alias(ns).unwrap_or(0);
                    return match self.member(ns, file, field) {
                        Some((TopLevel::Fn(index), _)) => self.call_fn(index, args, span, cx),
                        Some((TopLevel::Global(g), _))
                            if matches!(self.globals[g].ty, Some(Type::Func(..))) =>
                        {
                            let f = self.value(callee, cx);
                            self.call_value(f, args, span, cx)
                        }
                        Some((_, decl)) => {
                            self.report(
                                CheckError::new(
                                    "E0308",
                                    format!("`{ns}.{}` is not a function", field.name),
                                    callee.span,
                                    "not callable",
                                )
                                .with_label(decl, "declared here"),
                            );
                            error_expr(span)
                        }
                        None => {
                            for a in args {
                                self.expr(a, cx);
                            }
                            error_expr(span)
                        }
                    };
                }
                ExprKind::Name(ns) if !cx.shadows(ns) && !self.is_user_name(ns) => {
                    format!("{ns}.{}", field.name)
                }
                _ => {
                    let receiver = self.value(base, cx);
                    // `s.f(x)` calls the method `f` when the struct has one, and otherwise
                    // the function value in its field `f`.
                    if let Some(field_value) = self.function_field(&receiver, field, callee.span) {
                        return self.call_value(field_value, args, span, cx);
                    }
                    return self.method_call(receiver, field, args, span, cx);
                }
            },
            _ => {
                let t = self.value(callee, cx);
                return self.call_value(t, args, span, cx);
            }
        };
        self.call_host(&name, callee.span, args, span, cx)
    }

    /// Checks a call of a program function; a method's receiver comes first.
    pub(super) fn call_fn(
        &mut self,
        index: u32,
        args: &[Expr],
        span: Span,
        cx: &mut FnCx,
    ) -> TExpr {
        self.call_fn_with(index, None, args, span, cx)
    }

    pub(super) fn call_fn_with(
        &mut self,
        index: u32,
        receiver: Option<TExpr>,
        args: &[Expr],
        span: Span,
        cx: &mut FnCx,
    ) -> TExpr {
        self.uses.call(index, span);
        let mut sig = self.fns[index as usize].clone();
        let mut typed = Vec::with_capacity(args.len() + 1);
        if let Some(r) = receiver {
            sig.params.remove(0);
            typed.push(r);
        }
        if args.len() != sig.params.len() {
            let count = plural(sig.params.len(), "argument");
            return self.wrong_count(
                &sig.name.name,
                "takes",
                &count,
                args,
                span,
                Some(sig.header),
                cx,
            );
        }
        let wants = declared_wants(&sig.params, "parameter");
        if !self.typed_args(args, &wants, cx, &mut typed) {
            return error_expr(span);
        }
        TExpr {
            kind: TExprKind::Call(index, typed.into()),
            ty: sig.ret,
            span,
        }
    }

    /// Checks a call of a built-in, choosing the overload that fits the argument types.
    pub(super) fn call_host(
        &mut self,
        name: &str,
        callee_span: Span,
        args: &[Expr],
        span: Span,
        cx: &mut FnCx,
    ) -> TExpr {
        if name == "format" {
            return self.format_call(args, span, cx);
        }
        let candidates: Vec<usize> = (0..self.builtins.hosts.len())
            .filter(|&i| self.builtins.hosts[i].name == name)
            .collect();
        if candidates.is_empty() {
            for a in args {
                self.expr(a, cx);
            }
            let err = CheckError::new(
                "E0204",
                format!("cannot find function `{name}`"),
                callee_span,
                "not found",
            );
            let err = match self.unknown_name_help(name, cx) {
                Some(help) => err.with_help(help),
                None => err,
            };
            self.report(err);
            return error_expr(span);
        }
        let mut typed: Vec<TExpr> = args.iter().map(|a| self.value(a, cx)).collect();
        if typed.iter().any(|t| t.ty.is_error()) {
            return error_expr(span);
        }
        self.float_literal_args(&candidates, args, &mut typed, cx);
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
            let typed = if matches!(name, "print" | "str") {
                typed
                    .into_iter()
                    .map(|t| self.optional_text(self.sound_text(t)))
                    .collect()
            } else {
                typed
            };
            return TExpr {
                kind: TExprKind::call_host(chosen, typed),
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
