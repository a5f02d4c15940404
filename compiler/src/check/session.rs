//! What the checker does differently for a REPL input: its top-level statements are one
//! function (with the statements of earlier inputs carried as functions that never run), a
//! `let` there defines a session global; and, with the files it imports, the prompt sees the
//! globals earlier inputs defined, and the structs earlier inputs declared keep their
//! indices in the struct table, wherever they are declared now.

use super::stmt::{FnCx, Mode};
use super::{CheckError, Checker, TopLevel};
use crate::ast::{Expr, Ident, Stmt, StmtKind, TypeExpr};
use crate::hir::{Place, TExpr, TExprKind, TFunction, TStmt, TStmtKind};
use crate::types::Type;
use prometeu_lexer::Span;

impl Checker<'_> {
    /// Places the structs named in `order` (internal names, as earlier inputs numbered them)
    /// first, in that order, the others after them in declaration order; returns, for each
    /// struct in declaration order, its index.
    pub(crate) fn keep_struct_order(&mut self, order: &[String]) -> Vec<usize> {
        let count = self.structs.len();
        if order.is_empty() {
            return (0..count).collect();
        }
        let rank = |name: &str| order.iter().position(|o| o == name).unwrap_or(order.len());
        let mut placed: Vec<usize> = (0..count).collect();
        placed.sort_by_key(|&i| rank(&self.structs[i].name.name));
        let mut slots = vec![0; count];
        for (index, &declared) in placed.iter().enumerate() {
            slots[declared] = index;
        }
        let mut structs: Vec<Option<super::StructInfo>> = std::mem::take(&mut self.structs)
            .into_iter()
            .map(Some)
            .collect();
        self.structs = placed.iter().filter_map(|&i| structs[i].take()).collect();
        for (what, _) in self.top.values_mut() {
            if let TopLevel::Struct(index) = what {
                *index = slots.get(*index).copied().unwrap_or(*index);
            }
        }
        slots
    }
}

/// The globals of earlier inputs that the prompt's own scope sees: those it defined itself
/// (an imported file's globals are internally qualified, `geo.count`, and stay private to
/// that file).
pub(crate) fn prompt_globals(globals: &[(String, crate::types::Type)]) -> Vec<String> {
    globals
        .iter()
        .filter(|(name, _)| !name.contains('.'))
        .map(|(name, _)| name.clone())
        .collect()
}

impl Checker<'_> {
    /// Checks the statements of the earlier inputs that `repl` carries, each as a function
    /// that never runs (named after its input, like its lambdas), and takes them out of
    /// `stmts`, which keeps the input's own.
    pub(crate) fn check_carried(
        &mut self,
        stmts: &mut Vec<&Stmt>,
        repl: &crate::ReplContext,
    ) -> Vec<TFunction> {
        let carried_at = |s: &&Stmt| {
            let at = s.span.start as usize;
            repl.carried.iter().position(|k| k.range.contains(&at))
        };
        let mut out = Vec::with_capacity(repl.carried.len());
        for (k, carried) in repl.carried.iter().enumerate() {
            let own: Vec<&Stmt> = stmts
                .iter()
                .copied()
                .filter(|s| carried_at(s) == Some(k))
                .collect();
            out.push(self.check_input(&own, repl, &carried.name, &carried.name).0);
        }
        stmts.retain(|s| carried_at(s).is_none());
        out
    }

    /// Checks the statements of a REPL input as the body of one function: a `let` at the top
    /// level defines (or, with the same type, re-assigns) a session global, and an expression
    /// statement with a value shows it through the REPL's echo function. Also returns the
    /// type of the last expression statement.
    ///
    /// The function is named `name`; its lambdas are named after `owner` (or after `name`
    /// when `owner` is empty).
    pub(crate) fn check_input(
        &mut self,
        stmts: &[&Stmt],
        repl: &crate::ReplContext,
        name: &str,
        owner: &str,
    ) -> (TFunction, Option<Type>) {
        let mut cx = FnCx::new(Mode::Function, Type::Void);
        self.begin_body(if owner.is_empty() { name } else { owner });
        self.captures.scan_stmts(stmts);
        let echo = self.builtins.hosts.iter().position(|h| h.name == repl.echo);
        let mut body = Vec::new();
        let mut last = None;
        let mut end = Span::default();
        for s in stmts {
            end = s.span.end_point();
            match &s.kind {
                StmtKind::Let { name, ty, init } => {
                    if let Some(t) = self.session_let(name, ty.as_deref(), init, &mut cx) {
                        body.push(TStmt {
                            kind: TStmtKind::Store(Place::Global(name.name.boxed()), t),
                            span: s.span,
                        });
                    }
                }
                StmtKind::Expr(e) => {
                    let t = self.expr(e, &mut cx);
                    last = Some(t.ty.clone());
                    // A value with optional layers is shown as its text, which `print`
                    // writes as it is (the text is the same in both styles).
                    let print = self.builtins.hosts.iter().position(|h| h.name == "print");
                    let (echo, t) = match (echo, print) {
                        (Some(_), Some(print)) if t.ty.optional_shape() != 0 => {
                            (Some(print), self.optional_text(t))
                        }
                        _ => (echo, t),
                    };
                    let kind = match echo {
                        Some(echo) if !matches!(t.ty, Type::Void | Type::Error) => {
                            TStmtKind::Expr(TExpr {
                                span: t.span,
                                kind: TExprKind::call_host(echo, vec![t]),
                                ty: Type::Void,
                            })
                        }
                        _ => TStmtKind::Expr(t),
                    };
                    body.push(TStmt { kind, span: s.span });
                }
                _ => body.extend(self.stmt(s, &mut cx)),
            }
        }
        let function = TFunction {
            name: name.to_string(),
            params: 0,
            locals: cx.locals(),
            returns_value: false,
            body,
            end,
        };
        (function, last)
    }

    /// A `let` at the REPL prompt: checks the initializer and defines the session global.
    fn session_let(
        &mut self,
        name: &Ident,
        ty: Option<&TypeExpr>,
        init: &Expr,
        cx: &mut FnCx,
    ) -> Option<TExpr> {
        let annotated = ty.map(|t| self.resolve_type(t)).filter(|t| !t.is_error());
        let t = match &annotated {
            Some(want) => self.expect(init, cx, want, "the variable is declared with this type"),
            None => self.value(init, cx),
        };
        let ty = annotated.unwrap_or_else(|| t.ty.clone());
        if ty.is_error() {
            return None;
        }
        match self.top.get(name.name.as_str()).copied() {
            Some((TopLevel::Global(index), _)) => {
                let existing = self.globals[index].ty.clone().unwrap_or(Type::Error);
                if existing != ty {
                    self.report(session_retyped(&name.name, &existing, &ty, name.span));
                    return None;
                }
            }
            Some((_, earlier)) => {
                self.report(
                    CheckError::new(
                        "E0201",
                        format!("`{}` is declared more than once", name.name),
                        name.span,
                        "declared again here",
                    )
                    .with_label(earlier, "first declared here"),
                );
                return None;
            }
            None => {
                let index = self.globals.len();
                self.globals.push(super::GlobalInfo {
                    name: name.clone(),
                    ty: Some(ty),
                    external: false,
                });
                self.top
                    .insert(name.name.to_string(), (TopLevel::Global(index), name.span));
            }
        }
        Some(t)
    }
}

/// E0507: a REPL input declares a session global again with another type.
pub(crate) fn session_retyped(name: &str, existing: &Type, ty: &Type, span: Span) -> CheckError {
    CheckError::new(
        "E0507",
        format!("`{name}` is already a session variable of type `{existing}`"),
        span,
        format!("this is `{ty}`"),
    )
    .with_help("pick another name, or `:reset` the session")
}
