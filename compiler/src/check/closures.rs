//! Function values (§15.5): function types, functions and methods as values, lambdas with
//! their captures, calls of function values, and the access to captured locals.

use super::expr::error_expr;
use super::stmt::{always_returns, Access, FnCx, Local, LocalKind, Mode};
use super::{CheckError, Checker};
use crate::ast::{self, Expr, TypeExpr};
use crate::hir::{BoxAt, Place, TExpr, TExprKind, TFunction, TStmt, TStmtKind};
use crate::types::Type;
use prometeu_lexer::Span;

/// The lambdas of the program, in the order they are numbered.
#[derive(Debug, Default)]
pub(crate) struct Lambdas {
    /// The name of the function whose body is being checked (lambdas are named after it).
    pub(crate) owner: String,
    /// How many lambdas each owner has so far (a REPL input names the lambdas of its
    /// statements and of its global initializers after itself, in one count).
    pub(crate) counts: std::collections::HashMap<String, u32>,
    /// The checked lambdas and generated functions; number `n` is function
    /// `lambda_base + n`.
    pub(crate) done: Vec<TFunction>,
    /// The generated array methods, by method and types.
    pub(crate) generated: std::collections::HashMap<String, u32>,
    /// In a REPL input, the prompt's file and the input's name, which the lambdas of the
    /// prompt's global initializers are named after (as those of its statements are).
    pub(crate) input: Option<(usize, String)>,
}

impl Checker<'_> {
    /// Resolves a written function type `fn(T, U): R`.
    pub(crate) fn resolve_func_type(
        &mut self,
        params: &[TypeExpr],
        ret: Option<&TypeExpr>,
    ) -> Type {
        let mut failed = false;
        let mut types = Vec::with_capacity(params.len());
        for p in params {
            match self.resolve_type(p) {
                Type::Void => {
                    self.report(
                        CheckError::new(
                            "E0943",
                            "a parameter of a function type cannot be `void`",
                            p.span(),
                            "void has no values",
                        )
                        .with_help("leave the parameter out: `fn()` takes no arguments"),
                    );
                    failed = true;
                }
                Type::Error => failed = true,
                t => types.push(t),
            }
        }
        let ret = match ret {
            Some(r) => self.resolve_type(r),
            None => Type::Void,
        };
        if failed || ret.is_error() {
            return Type::Error;
        }
        Type::Func(types, Box::new(ret))
    }

    /// Starts the body of a function named `owner`: its lambdas are named after it and
    /// numbered on from the owner's earlier ones.
    pub(crate) fn begin_body(&mut self, owner: &str) {
        self.lambdas.owner = owner.to_string();
    }

    /// The value of a local, read through its box or capture when it has one.
    pub(crate) fn local_value(local: &Local, span: Span) -> TExpr {
        let kind = match local.access {
            Access::Slot => TExprKind::Local(local.slot),
            Access::Boxed => TExprKind::LoadBox(local.slot),
            Access::Capture(k) => TExprKind::LoadCapture(k),
        };
        TExpr {
            kind,
            ty: local.ty.clone(),
            span,
        }
    }

    /// Where an assignment to a local stores.
    pub(crate) fn local_place(local: &Local) -> Place {
        match local.access {
            Access::Slot => Place::Local(local.slot),
            Access::Boxed => Place::Boxed(local.slot),
            Access::Capture(k) => Place::Capture(k),
        }
    }

    /// The statement that puts the value already in `slot` into a new box, for a captured
    /// parameter or binding; `None` when the local is not captured.
    pub(crate) fn box_in_place(local: &Local, span: Span) -> Option<TStmt> {
        (local.access == Access::Boxed).then(|| {
            let value = TExpr {
                kind: TExprKind::Local(local.slot),
                ty: local.ty.clone(),
                span,
            };
            TStmt {
                kind: TStmtKind::Store(
                    Place::Local(local.slot),
                    TExpr {
                        kind: TExprKind::NewBox(Box::new(value)),
                        ty: local.ty.clone(),
                        span,
                    },
                ),
                span,
            }
        })
    }

    /// The boxing of the captured locals of the innermost scope (parameters, or the
    /// bindings of an `if let` or a `switch` arm) at the start of its body.
    pub(crate) fn box_scope(cx: &FnCx, span: Span) -> Vec<TStmt> {
        let mut locals: Vec<&Local> = cx
            .scopes
            .iter()
            .last()
            .into_iter()
            .flat_map(|s| s.values())
            .collect();
        locals.sort_by_key(|l| l.slot);
        locals
            .into_iter()
            .filter_map(|l| Self::box_in_place(l, span))
            .collect()
    }

    /// A program function (or method) named as a value.
    pub(crate) fn function_value(&mut self, index: u32, span: Span) -> TExpr {
        self.uses.call(index, span);
        let sig = &self.fns[index as usize];
        let ty = Type::Func(
            sig.params.iter().map(|(_, t)| t.clone()).collect(),
            Box::new(sig.ret.clone()),
        );
        TExpr {
            kind: TExprKind::FuncRef(index),
            ty,
            span,
        }
    }

    /// A built-in function named as a value: refused, with the lambda that wraps it.
    pub(crate) fn builtin_value(&mut self, name: &str, span: Span) -> TExpr {
        let example = self
            .builtins
            .hosts
            .iter()
            .find(|h| h.name == name)
            .map(|h| {
                let params: Vec<String> = h
                    .params
                    .iter()
                    .enumerate()
                    .map(|(i, p)| {
                        let ty = match p.name() {
                            "any" => "int",
                            other => other,
                        };
                        format!("{}: {ty}", (b'a' + (i % 26) as u8) as char)
                    })
                    .collect();
                let args: Vec<String> = (0..h.params.len())
                    .map(|i| ((b'a' + (i % 26) as u8) as char).to_string())
                    .collect();
                let ret = match h.result.name() {
                    "void" => String::new(),
                    r => format!(": {r}"),
                };
                let body = if ret.is_empty() {
                    format!("{name}({});", args.join(", "))
                } else {
                    format!("return {name}({});", args.join(", "))
                };
                format!("fn({}){ret} {{ {body} }}", params.join(", "))
            })
            .unwrap_or_else(|| format!("fn(...) {{ {name}(...); }}"));
        self.report(
            CheckError::new(
                "E0941",
                format!("the built-in function `{name}` cannot be used as a value"),
                span,
                "a built-in function",
            )
            .with_help(format!(
                "wrap it in a lambda with the types you need, such as `{example}`"
            )),
        );
        error_expr(span)
    }

    /// Checks a lambda expression: its body is a function of its own, whose local 0 is the
    /// function value and whose captures are the boxes of the enclosing locals it names.
    pub(crate) fn lambda(&mut self, lambda: &ast::Lambda, span: Span, cx: &mut FnCx) -> TExpr {
        if let Some(limit) = cx.const_context() {
            self.report(CheckError::new(
                "E0502",
                "a lambda is not a constant expression",
                span,
                limit,
            ));
            return error_expr(span);
        }
        let names = self
            .captures
            .lambdas
            .get(&span)
            .cloned()
            .unwrap_or_default();
        let mut from = Vec::with_capacity(names.len());
        let mut captured = Vec::with_capacity(names.len());
        for name in names {
            let Some(local) = cx.lookup(&name) else {
                continue;
            };
            let at = match local.access {
                Access::Boxed => BoxAt::Slot(local.slot),
                Access::Capture(k) => BoxAt::Capture(k),
                Access::Slot => continue,
            };
            from.push(at);
            captured.push((name, local.clone()));
        }
        let mut params = Vec::with_capacity(lambda.params.len());
        let mut failed = false;
        for p in &lambda.params {
            let t = self.param_type(p);
            failed |= t == Type::Void || t.is_error();
            params.push((p.name.clone(), t));
        }
        let ret = match &lambda.ret {
            Some(r) => self.resolve_type(r),
            None => Type::Void,
        };
        failed |= ret.is_error();
        let index = self.lambdas.done.len() as u32;
        let count = self
            .lambdas
            .counts
            .entry(self.lambdas.owner.clone())
            .or_insert(0);
        *count += 1;
        let name = format!("{}.lambda{count}", self.lambdas.owner);
        self.lambdas.done.push(TFunction {
            name: name.clone(),
            params: 0,
            locals: 0,
            returns_value: false,
            body: Vec::new(),
            end: span,
        });
        let outer = std::mem::replace(cx, FnCx::new(Mode::Function, ret.clone()));
        self.reserve_slots(cx, 1, span);
        for (k, (name, local)) in captured.into_iter().enumerate() {
            if let Some(scope) = cx.scopes.last_mut() {
                scope.insert(
                    name,
                    Local {
                        access: Access::Capture(k as u16),
                        ..local
                    },
                );
            }
        }
        for (name, ty) in &params {
            self.declare_local(cx, name, ty.clone(), LocalKind::Param, 1);
        }
        // The body runs when the lambda is called: what it reads is its own (§15.9).
        let uses = self.uses.enter_lambda(index);
        let mut body = Self::box_scope(cx, lambda.header);
        body.extend(self.block_stmts(&lambda.body, cx));
        self.uses.leave(uses);
        let panic = self.panic_host();
        if !matches!(ret, Type::Void | Type::Error) && !always_returns(&body, panic) {
            let ret_span = lambda.ret.as_ref().map_or(lambda.header, TypeExpr::span);
            self.report(
                CheckError::new(
                    "E0405",
                    format!("missing return: the lambda must return `{ret}` on every path"),
                    lambda.body.close(),
                    "control can reach the end of the lambda here",
                )
                .with_label(ret_span, format!("declared to return `{ret}`"))
                .with_help("add a `return` at the end of the lambda's body"),
            );
        }
        let function = TFunction {
            name,
            params: params.len() as u16 + 1,
            locals: cx.locals(),
            returns_value: ret != Type::Void,
            body,
            end: lambda.body.close(),
        };
        *cx = outer;
        self.lambdas.done[index as usize] = function;
        if failed {
            return error_expr(span);
        }
        TExpr {
            kind: TExprKind::Lambda {
                index,
                captures: from.into(),
            },
            ty: Type::Func(params.into_iter().map(|(_, t)| t).collect(), Box::new(ret)),
            span,
        }
    }

    /// Checks a call of a function value `f` (already checked) with `args`.
    pub(crate) fn call_value(
        &mut self,
        f: TExpr,
        args: &[Expr],
        span: Span,
        cx: &mut FnCx,
    ) -> TExpr {
        let (params, ret) = match &f.ty {
            Type::Func(params, ret) => (params.clone(), (**ret).clone()),
            Type::Error => {
                for a in args {
                    self.expr(a, cx);
                }
                return error_expr(span);
            }
            other => {
                let help = match other.payload() {
                    Some(Type::Func(..)) => Some(super::optional::TAKE_PAYLOAD),
                    _ => None,
                };
                let mut err = CheckError::new(
                    "E0308",
                    format!("`{other}` is not a function"),
                    f.span,
                    "not callable",
                );
                if let Some(help) = help {
                    err = err.with_help(help);
                }
                self.report(err);
                for a in args {
                    self.expr(a, cx);
                }
                return error_expr(span);
            }
        };
        if args.len() != params.len() {
            let count = super::expr::plural(params.len(), "argument");
            return self.wrong_count(&format!("{}", f.ty), "takes", &count, args, span, None, cx);
        }
        let mut typed = Vec::with_capacity(args.len());
        let mut failed = false;
        for (a, want) in args.iter().zip(&params) {
            let t = self.expect(a, cx, want, "the function value takes this type here");
            failed |= t.ty.is_error();
            typed.push(t);
        }
        if failed {
            return error_expr(span);
        }
        // A lambda called where it is written has a known target (§15.9).
        if let TExprKind::Lambda { index, .. } = f.kind {
            self.uses.call_lambda(index, span);
        }
        TExpr {
            kind: TExprKind::CallValue(Box::new((f, typed))),
            ty: ret,
            span,
        }
    }

    /// `==`/`!=` on function values: an error (functions have no equality).
    /// A comparison of an optional function with `none` is allowed.
    pub(crate) fn function_equality(&mut self, l: &TExpr, r: &TExpr, span: Span) -> bool {
        let is_fn =
            |t: &Type| matches!(t, Type::Func(..)) || matches!(t.payload(), Some(Type::Func(..)));
        if !(is_fn(&l.ty) || is_fn(&r.ty)) {
            return false;
        }
        if matches!(l.kind, TExprKind::None) || matches!(r.kind, TExprKind::None) {
            return false;
        }
        self.report(
            CheckError::new(
                "E0940",
                "function values cannot be compared with `==` or `!=`",
                span,
                "compares function values",
            )
            .with_help("functions have no equality; compare something they compute, or keep an id (an int or an enum) beside each function"),
        );
        true
    }

    /// The function value in field `field` of a struct `receiver` that has no method of
    /// that name, for the call `receiver.field(...)`.
    pub(crate) fn function_field(
        &mut self,
        receiver: &TExpr,
        field: &ast::Ident,
        span: Span,
    ) -> Option<TExpr> {
        let Type::Struct(name) = &receiver.ty else {
            return None;
        };
        let info = self.structs.iter().find(|s| s.name.name == *name)?;
        if info.methods.contains_key(field.name.as_str()) {
            return None;
        }
        let (index, ty) = info.field(&field.name)?;
        matches!(ty, Type::Func(..)).then(|| TExpr {
            kind: TExprKind::Field(Box::new(receiver.clone()), index),
            ty,
            span,
        })
    }

    /// A captured `for` counter is read through a new box made at the start of each step,
    /// so lambdas made in different steps see different values: the statement that makes
    /// it (none when the counter is not captured), with the name pointed at the box's slot.
    pub(crate) fn fresh_counter(
        &mut self,
        cx: &mut FnCx,
        var: &ast::Ident,
        slot: u16,
    ) -> Vec<TStmt> {
        let boxed = self.captures.boxed.contains(&var.span);
        // A captured counter is read through a new box made at the start of each
        // step, so lambdas made in different steps see different values.
        let mut prefix = Vec::new();
        if boxed {
            let copy = self.declare_hidden(cx, 1, var.span);
            if let Some(local) = cx
                .scopes
                .last_mut()
                .and_then(|s| s.get_mut(var.name.as_str()))
            {
                local.slot = copy;
            }
            let counter = TExpr {
                kind: TExprKind::Local(slot),
                ty: Type::Int,
                span: var.span,
            };
            prefix.push(TStmt {
                kind: TStmtKind::Store(
                    Place::Local(copy),
                    TExpr {
                        kind: TExprKind::NewBox(Box::new(counter)),
                        ty: Type::Int,
                        span: var.span,
                    },
                ),
                span: var.span,
            });
        }
        prefix
    }
}
