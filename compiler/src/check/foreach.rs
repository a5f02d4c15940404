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
use crate::hir::{MapOp, Place, TExpr, TExprKind, TStmt, TStmtKind};
use crate::types::Type;
use prometeu_lexer::Span;

/// What a `for … in` runs over.
enum Over {
    /// The elements of an array of this element type.
    Array(Type),
    /// The characters of a string.
    Chars,
}

/// `for k in m` / `for k, v in m` over a map (see `map_for_in`).
struct MapOver<'a> {
    key: Type,
    value: Type,
    index: Option<&'a Ident>,
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
        if let Type::Map(key, value) = &collection.ty {
            let map = MapOver {
                key: (**key).clone(),
                value: (**value).clone(),
                index,
            };
            return self.map_for_in(map, var, collection, body, span, cx);
        }
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
                        _ => "`for … in` runs over an array's elements, a string's characters or a map's keys (`for k, v in m`)",
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

    /// Checks `for k in m { }` / `for k, v in m { }` and lowers it: the map, the position, the
    /// key and the value take four slots; each step reads the key and value at the position
    /// in insertion order, and the loop is a [`TStmtKind::MapLoop`], so adding or removing
    /// keys while it runs traps.
    fn map_for_in(
        &mut self,
        over: MapOver<'_>,
        var: &Ident,
        collection: TExpr,
        body: &Block,
        span: Span,
        cx: &mut FnCx,
    ) -> TStmtKind {
        cx.push_scope();
        let saved = cx.save_slots();
        let hidden = self.declare_hidden(cx, 2, var.span);
        let (map_slot, position) = (hidden, hidden + 1);
        let (key_name, value_name) = match over.index {
            Some(key) => (key, Some(var)),
            None => (var, None),
        };
        let key_slot = self.declare_local(cx, key_name, over.key.clone(), LocalKind::EachVar, 1);
        let value_slot = match value_name {
            Some(name) => self.declare_local(cx, name, over.value.clone(), LocalKind::EachVar, 1),
            None => self.declare_hidden(cx, 1, var.span),
        };
        cx.loops += 1;
        let body = self.block_stmts(body, cx);
        cx.loops -= 1;
        cx.pop_scope();
        cx.restore_slots(saved);
        let at = |kind: TExprKind, ty: Type| TExpr { kind, ty, span };
        let store = |slot: u16, value: TExpr| TStmt {
            kind: TStmtKind::Store(Place::Local(slot), value),
            span,
        };
        let map = at(TExprKind::Local(map_slot), collection.ty.clone());
        let pos = at(TExprKind::Local(position), Type::Int);
        let read = |op: MapOp, ty: &Type| {
            at(
                TExprKind::Map(op, Box::new([map.clone(), pos.clone()])),
                ty.clone(),
            )
        };
        let mut head = vec![store(key_slot, read(MapOp::KeyAt, &over.key))];
        if value_name.is_some() {
            head.push(store(value_slot, read(MapOp::ValueAt, &over.value)));
        }
        let len = at(
            TExprKind::Map(MapOp::Len, Box::new([map.clone()])),
            Type::Int,
        );
        let cond = at(
            TExprKind::Binary(BinOp::Lt, Box::new(pos), Box::new(len)),
            Type::Bool,
        );
        let lowered = TStmtKind::Loop {
            cond: Box::new(cond),
            head,
            body,
            next: vec![TStmt {
                kind: TStmtKind::Update(
                    Place::Local(position),
                    BinOp::Add,
                    at(TExprKind::Int(1), Type::Int),
                ),
                span,
            }],
        };
        TStmtKind::Block(vec![
            store(map_slot, collection),
            store(position, at(TExprKind::Int(0), Type::Int)),
            TStmt {
                kind: TStmtKind::MapLoop {
                    slot: map_slot,
                    body: Box::new(TStmt {
                        kind: lowered,
                        span,
                    }),
                },
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
                kind: TExprKind::call_host(host, args),
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
