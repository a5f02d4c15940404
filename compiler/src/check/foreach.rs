//! `for x in xs`, `for i, x in xs` and `for ch in s` (§15.7): checked, then lowered to a
//! [`TStmtKind::Loop`] over three slots: the collection, the position (which is also the
//! index variable `i`) and the element or character variable.
//!
//! An array loop reads the length again before each step, so elements pushed or popped in the
//! body are seen; a string loop steps from character to character, its position being the byte
//! index where the current character starts.

use super::stmt::{FnCx, LocalKind};
use super::{CheckError, Checker};
use crate::ast::{BinOp, Block, Expr, Ident};
use crate::hir::{Place, TExpr, TExprKind, TStmt, TStmtKind};
use crate::types::Type;
use prometeu_lexer::Span;

/// What a `for … in` runs over.
enum Over {
    /// The elements of an array of this element type.
    Array(Type),
    /// The characters of a string.
    Chars,
}

impl Checker<'_> {
    /// Checks `for [index,] var in over { body }` and lowers it.
    pub(crate) fn for_in(
        &mut self,
        index: Option<&Ident>,
        var: &Ident,
        over: &Expr,
        body: &Block,
        span: Span,
        cx: &mut FnCx,
    ) -> TStmtKind {
        let collection = self.value(over, cx);
        let kind = match &collection.ty {
            Type::Array(elem) => Some(Over::Array((**elem).clone())),
            Type::Str => Some(Over::Chars),
            Type::Error => None,
            other => {
                self.report(
                    CheckError::new(
                        "E0409",
                        format!("cannot loop over a value of type `{other}`"),
                        over.span,
                        format!("this has type `{other}`"),
                    )
                    .with_help(match other {
                        Type::Int => "`for … in` runs over an array's elements or a string's characters; to count, write `for i from 0 until n { }`",
                        _ => "`for … in` runs over an array's elements or a string's characters",
                    }),
                );
                None
            }
        };
        cx.push_scope();
        let saved = cx.save_slots();
        let hidden = self.declare_hidden(cx, 2, var.span);
        let (collection_slot, position) = (hidden, hidden + 1);
        // A captured loop variable gets a new box in each step, so lambdas made in
        // different steps see different values.
        let index_box = match index {
            Some(index) if self.captures.boxed.contains(&index.span) => {
                Some(self.declare_local(cx, index, Type::Int, LocalKind::EachVar, 1))
            }
            Some(index) => {
                self.declare_alias(cx, index, Type::Int, position);
                None
            }
            None => None,
        };
        let var_boxed = self.captures.boxed.contains(&var.span);
        let elem_ty = match &kind {
            Some(Over::Array(elem)) => elem.clone(),
            Some(Over::Chars) => Type::Str,
            None => Type::Error,
        };
        let var_slot = self.declare_local(cx, var, elem_ty.clone(), LocalKind::EachVar, 1);
        cx.loops += 1;
        let body = self.block_stmts(body, cx);
        cx.loops -= 1;
        cx.pop_scope();
        cx.restore_slots(saved);
        let Some(kind) = kind else {
            return TStmtKind::Block(Vec::new());
        };
        let at = |kind: TExprKind, ty: Type| TExpr { kind, ty, span };
        let local = |slot: u16, ty: &Type| at(TExprKind::Local(slot), ty.clone());
        let store = |slot: u16, value: TExpr| TStmt {
            kind: TStmtKind::Store(Place::Local(slot), value),
            span,
        };
        let coll = local(collection_slot, &collection.ty);
        let pos = local(position, &Type::Int);
        let (len_host, element, step) = match kind {
            Over::Array(_) => (
                "Array.len",
                at(
                    TExprKind::Index(Box::new(coll.clone()), Box::new(pos.clone())),
                    elem_ty.clone(),
                ),
                at(TExprKind::Int(1), Type::Int),
            ),
            Over::Chars => (
                "String.len",
                self.host_call(
                    "String.char_at",
                    vec![coll.clone(), pos.clone()],
                    Type::Str,
                    span,
                ),
                self.host_call(
                    "String.len",
                    vec![if var_boxed {
                        at(TExprKind::LoadBox(var_slot), Type::Str)
                    } else {
                        local(var_slot, &Type::Str)
                    }],
                    Type::Int,
                    span,
                ),
            ),
        };
        let len = self.host_call(len_host, vec![coll], Type::Int, span);
        let cond = at(
            TExprKind::Binary(BinOp::Lt, Box::new(pos), Box::new(len)),
            Type::Bool,
        );
        let lowered = TStmtKind::Loop {
            cond: Box::new(cond),
            head: {
                let mut head = Vec::with_capacity(2);
                if let Some(slot) = index_box {
                    let boxed = TExprKind::NewBox(Box::new(local(position, &Type::Int)));
                    head.push(store(slot, at(boxed, Type::Int)));
                }
                let element = if var_boxed {
                    let ty = element.ty.clone();
                    at(TExprKind::NewBox(Box::new(element)), ty)
                } else {
                    element
                };
                head.push(store(var_slot, element));
                head
            },
            body,
            next: vec![TStmt {
                kind: TStmtKind::Update(Place::Local(position), BinOp::Add, step),
                span,
            }],
        };
        TStmtKind::Block(vec![
            store(collection_slot, collection),
            store(position, at(TExprKind::Int(0), Type::Int)),
            TStmt {
                kind: lowered,
                span,
            },
        ])
    }

    /// A call of the built-in `name` (one the registry always has) with typed arguments.
    pub(crate) fn host_call(
        &mut self,
        name: &str,
        args: Vec<TExpr>,
        ty: Type,
        span: Span,
    ) -> TExpr {
        match self.builtins.hosts.iter().position(|h| h.name == name) {
            Some(host) => TExpr {
                kind: TExprKind::CallHost(host, args),
                ty,
                span,
            },
            None => {
                self.report(CheckError::new(
                    "E0409",
                    format!("the built-in `{name}` that `for … in` needs is missing"),
                    span,
                    "this loop",
                ));
                super::expr::error_expr(span)
            }
        }
    }
}
