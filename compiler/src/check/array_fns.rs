//! The array methods that take a function (§15.5): `sort_by`, `map`, `filter`,
//! `find_index`, `any` and `all`. Each is a function the checker generates once per element
//! (and result) type, a plain loop of canonical instructions that calls the function value
//! with `CallValue`. The callback therefore runs inside the VM like any call: its cycles are
//! charged as it runs, a trap inside it has its location and a stack trace through the
//! method, and a cartridge frame can pause inside it and resume.

use super::expr::error_expr;
use super::{CheckError, Checker};
use crate::ast::{BinOp, Expr, Ident, UnOp};
use crate::hir::{Place, TExpr, TExprKind, TFunction, TStmt, TStmtKind};
use crate::types::Type;
use prometeu_lexer::Span;

/// The names of the array methods that take a function.
pub(crate) const FUNCTION_METHODS: [&str; 6] =
    ["sort_by", "map", "filter", "find_index", "any", "all"];

/// Builds typed trees at one span.
struct B {
    span: Span,
}

impl B {
    fn e(&self, kind: TExprKind, ty: Type) -> TExpr {
        TExpr {
            kind,
            ty,
            span: self.span,
        }
    }
    fn local(&self, slot: u16, ty: &Type) -> TExpr {
        self.e(TExprKind::Local(slot), ty.clone())
    }
    fn int(&self, v: i64) -> TExpr {
        self.e(TExprKind::Int(v), Type::Int)
    }
    fn bin(&self, op: BinOp, a: TExpr, b: TExpr) -> TExpr {
        let ty = match op {
            BinOp::Add | BinOp::Sub | BinOp::Mul => Type::Int,
            _ => Type::Bool,
        };
        self.e(TExprKind::Binary(op, Box::new(a), Box::new(b)), ty)
    }
    fn s(&self, kind: TStmtKind) -> TStmt {
        TStmt {
            kind,
            span: self.span,
        }
    }
    fn set(&self, slot: u16, value: TExpr) -> TStmt {
        self.s(TStmtKind::Store(Place::Local(slot), value))
    }
    fn inc(&self, slot: u16, by: TExpr) -> TStmt {
        self.s(TStmtKind::Update(Place::Local(slot), BinOp::Add, by))
    }
    fn index(&self, array: TExpr, at: TExpr, elem: &Type) -> TExpr {
        self.e(
            TExprKind::Index(Box::new(array), Box::new(at)),
            elem.clone(),
        )
    }
    fn call(&self, f: TExpr, args: Vec<TExpr>, ty: Type) -> TExpr {
        self.e(TExprKind::CallValue(Box::new((f, args))), ty)
    }
    /// `a < b ? a : b` for ints.
    fn min(&self, a: TExpr, b: TExpr) -> TExpr {
        let cond = self.bin(BinOp::Lt, a.clone(), b.clone());
        self.e(TExprKind::If(Box::new((vec![(cond, a)], b))), Type::Int)
    }
    fn ret(&self, value: TExpr) -> TStmt {
        self.s(TStmtKind::Return(Some(value)))
    }
}

impl Checker<'_> {
    /// Checks `receiver.name(args)` for an array method that takes a function, or refuses
    /// `contains`/`index_of` on an array of functions; `None` for the other methods.
    pub(crate) fn function_method(
        &mut self,
        elem: &Type,
        receiver: &TExpr,
        name: &Ident,
        args: &[Expr],
        span: Span,
        cx: &mut super::stmt::FnCx,
    ) -> Option<TExpr> {
        let method = name.name.as_str();
        if matches!(method, "contains" | "index_of") && matches!(elem, Type::Func(..)) {
            for a in args {
                self.expr(a, cx);
            }
            self.report(
                CheckError::new(
                    "E0940",
                    format!("`{method}` compares elements with `==`, which function values do not have"),
                    name.span,
                    "needs `==` on the elements",
                )
                .with_help("find the element with `find_index(fn(f: ...): bool { ... })` and a test of your own"),
            );
            return Some(error_expr(span));
        }
        if !FUNCTION_METHODS.contains(&method) {
            return None;
        }
        let bool_fn = |n: usize| Type::Func(vec![elem.clone(); n], Box::new(Type::Bool));
        let wanted = match method {
            "sort_by" => bool_fn(2),
            "map" => Type::Func(vec![elem.clone()], Box::new(Type::Error)),
            _ => bool_fn(1),
        };
        if args.len() != 1 {
            return Some(self.wrong_count(method, "takes", "1 argument", args, span, None, cx));
        }
        let f = self.value(&args[0], cx);
        let result = match (&f.ty, &wanted) {
            (Type::Error, _) => return Some(error_expr(span)),
            (Type::Func(p, r), Type::Func(wp, _)) if method == "map" => {
                (p == wp && **r != Type::Void).then(|| (**r).clone())
            }
            (t, w) => (t == w).then_some(Type::Void),
        };
        let Some(result) = result else {
            let shown = match method {
                "map" => format!("fn({elem}): U"),
                _ => wanted.to_string(),
            };
            let example = match method {
                "sort_by" => format!("fn(a: {elem}, b: {elem}): bool {{ return ...; }}"),
                "map" => format!("fn(x: {elem}): U {{ return ...; }}"),
                _ => format!("fn(x: {elem}): bool {{ return ...; }}"),
            };
            self.report(
                CheckError::new(
                    "E0944",
                    format!("`{method}` takes a function `{shown}`, found `{}`", f.ty),
                    args[0].span,
                    format!("this is `{}`", f.ty),
                )
                .with_help(format!("pass a function of that type, such as `{example}`")),
            );
            return Some(error_expr(span));
        };
        let ty = match method {
            "sort_by" => Type::Void,
            "map" => Type::Array(Box::new(result.clone())),
            "filter" => Type::Array(Box::new(elem.clone())),
            "find_index" => Type::Int,
            _ => Type::Bool,
        };
        let index = self.generated(method, elem, &f.ty, &result, span);
        // A lambda written as the argument runs here, once per element (§15.9).
        if let TExprKind::Lambda { index: lambda, .. } = f.kind {
            self.uses.call_lambda(lambda, span);
        }
        Some(TExpr {
            kind: TExprKind::CallGenerated(index, Box::new([receiver.clone(), f])),
            ty,
            span,
        })
    }

    /// The generated function for `method` on arrays of `elem` with callback type `fty`,
    /// made on first use.
    fn generated(
        &mut self,
        method: &str,
        elem: &Type,
        fty: &Type,
        result: &Type,
        span: Span,
    ) -> u32 {
        let key = format!("{method} {elem} {result}");
        if let Some(&index) = self.lambdas.generated.get(&key) {
            return index;
        }
        let b = B { span };
        let array = Type::Array(Box::new(elem.clone()));
        let xs = b.local(0, &array);
        let f = b.local(1, fty);
        let len = self.host_call("Array.len", vec![xs.clone()], Type::Int, span);
        // Slot 2 is the position in every method but `sort_by`.
        let i = b.local(2, &Type::Int);
        let more = b.bin(BinOp::Lt, i.clone(), len.clone());
        let x = b.index(xs.clone(), i.clone(), elem);
        let test = b.call(f.clone(), vec![x.clone()], Type::Bool);
        let step = b.inc(2, b.int(1));
        let (body, locals, returns) = match method {
            "map" | "filter" => {
                let out_ty = Type::Array(Box::new(if method == "map" {
                    result.clone()
                } else {
                    elem.clone()
                }));
                let out = b.local(3, &out_ty);
                let item = if method == "map" {
                    b.call(f.clone(), vec![x.clone()], result.clone())
                } else {
                    x.clone()
                };
                let push = self.host_call("Array.push", vec![out.clone(), item], Type::Void, span);
                let push = b.s(TStmtKind::Expr(push));
                let each = if method == "map" {
                    vec![push, step]
                } else {
                    vec![b.s(TStmtKind::If(vec![(test, vec![push])], None)), step]
                };
                let body = vec![
                    b.set(2, b.int(0)),
                    b.set(3, b.e(TExprKind::Array(Box::default()), out_ty)),
                    b.s(TStmtKind::While(more, each)),
                    b.ret(out),
                ];
                (body, 4, true)
            }
            "find_index" | "any" | "all" => {
                let (test, found, otherwise) = match method {
                    "find_index" => (test, i.clone(), b.int(-1)),
                    "any" => (
                        test,
                        b.e(TExprKind::Bool(true), Type::Bool),
                        b.e(TExprKind::Bool(false), Type::Bool),
                    ),
                    _ => (
                        b.e(TExprKind::Unary(UnOp::Not, Box::new(test)), Type::Bool),
                        b.e(TExprKind::Bool(false), Type::Bool),
                        b.e(TExprKind::Bool(true), Type::Bool),
                    ),
                };
                let each = vec![
                    b.s(TStmtKind::If(vec![(test, vec![b.ret(found)])], None)),
                    step,
                ];
                let body = vec![
                    b.set(2, b.int(0)),
                    b.s(TStmtKind::While(more, each)),
                    b.ret(otherwise),
                ];
                (body, 3, true)
            }
            _ => (self.merge_sort(&b, elem, fty, len), 11, false),
        };
        let index = self.lambdas.done.len() as u32;
        self.lambdas.done.push(TFunction {
            name: format!("Array.{method}"),
            params: 2,
            locals,
            returns_value: returns,
            body,
            end: span,
        });
        self.lambdas.generated.insert(key, index);
        index
    }

    /// A stable bottom-up merge sort of local 0 by the function in local 1: runs of
    /// `width` are merged into a scratch array, which is copied back after each pass; an
    /// element of the right run goes first only when it is strictly less.
    fn merge_sort(&mut self, b: &B, elem: &Type, fty: &Type, len: TExpr) -> Vec<TStmt> {
        let int = Type::Int;
        let array = Type::Array(Box::new(elem.clone()));
        let (xs, less) = (b.local(0, &array), b.local(1, fty));
        let (n, tmp, width, lo, mid, hi, i, j, k) = (2, 3, 4, 5, 6, 7, 8, 9, 10);
        let l = |s: u16| b.local(s, &int);
        let at = |arr: TExpr, s: u16| b.index(arr, l(s), elem);
        let tmp_e = b.local(tmp, &array);
        let set_at = |arr: TExpr, s: u16, v: TExpr| {
            b.s(TStmtKind::Store(
                Place::Index(Box::new(arr), Box::new(l(s))),
                v,
            ))
        };
        // Take from the right run: `j < hi && (i >= mid || less(xs[j], xs[i]))`.
        let right_less = b.call(
            less.clone(),
            vec![at(xs.clone(), j), at(xs.clone(), i)],
            Type::Bool,
        );
        let left_done = b.bin(BinOp::Ge, l(i), l(mid));
        let take_right = b.bin(
            BinOp::And,
            b.bin(BinOp::Lt, l(j), l(hi)),
            b.bin(BinOp::Or, left_done, right_less),
        );
        let merge_step = vec![
            b.s(TStmtKind::If(
                vec![(
                    take_right,
                    vec![
                        set_at(tmp_e.clone(), k, at(xs.clone(), j)),
                        b.inc(j, b.int(1)),
                    ],
                )],
                Some(vec![
                    set_at(tmp_e.clone(), k, at(xs.clone(), i)),
                    b.inc(i, b.int(1)),
                ]),
            )),
            b.inc(k, b.int(1)),
        ];
        let two_w = || b.bin(BinOp::Mul, l(width), b.int(2));
        let run = vec![
            b.set(mid, b.min(b.bin(BinOp::Add, l(lo), l(width)), l(n))),
            b.set(hi, b.min(b.bin(BinOp::Add, l(lo), two_w()), l(n))),
            b.set(i, l(lo)),
            b.set(j, l(mid)),
            b.set(k, l(lo)),
            b.s(TStmtKind::While(b.bin(BinOp::Lt, l(k), l(hi)), merge_step)),
            b.inc(lo, two_w()),
        ];
        let copy_back = vec![
            set_at(xs.clone(), k, at(tmp_e.clone(), k)),
            b.inc(k, b.int(1)),
        ];
        let pass = vec![
            b.set(lo, b.int(0)),
            b.s(TStmtKind::While(b.bin(BinOp::Lt, l(lo), l(n)), run)),
            b.set(k, b.int(0)),
            b.s(TStmtKind::While(b.bin(BinOp::Lt, l(k), l(n)), copy_back)),
            b.s(TStmtKind::Update(Place::Local(width), BinOp::Mul, b.int(2))),
        ];
        let first = b.index(xs.clone(), b.int(0), elem);
        vec![
            b.set(n, len),
            b.s(TStmtKind::If(
                vec![(
                    b.bin(BinOp::Lt, l(n), b.int(2)),
                    vec![b.s(TStmtKind::Return(None))],
                )],
                None,
            )),
            b.set(
                tmp,
                b.e(
                    TExprKind::ArrayRepeat(Box::new(first), Box::new(l(n))),
                    array.clone(),
                ),
            ),
            b.set(width, b.int(1)),
            b.s(TStmtKind::While(b.bin(BinOp::Lt, l(width), l(n)), pass)),
        ]
    }
}
