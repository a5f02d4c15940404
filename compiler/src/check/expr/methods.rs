//! The typing of method calls: struct methods, the methods of the built-in array and string
//! types, and the reports shared by every call (wrong argument count, unknown method).

use super::{error_expr, plural, FnCx};
use crate::ast::{Expr, Ident};
use crate::check::{CheckError, Checker};
use crate::hir::{TExpr, TExprKind};
use crate::types::Type;
use prometeu_lexer::Span;

impl Checker<'_> {
    /// Checks `receiver.name(args)`: a struct method, or an array or string method.
    pub(super) fn method_call(
        &mut self,
        receiver: TExpr,
        name: &Ident,
        args: &[Expr],
        span: Span,
        cx: &mut FnCx,
    ) -> TExpr {
        match receiver.ty.clone() {
            Type::Error => {
                for a in args {
                    self.expr(a, cx);
                }
                error_expr(span)
            }
            Type::Struct(s) => {
                let method = self
                    .structs
                    .iter()
                    .find(|i| i.name.name == s)
                    .and_then(|i| i.methods.get(name.name.as_str()).copied());
                match method {
                    Some(index) => self.call_fn_with(index, Some(receiver), args, span, cx),
                    None => self.no_method(name, &s, args, span, cx),
                }
            }
            Type::Contract(c) => self.contract_call(receiver, &c, name, args, span, cx),
            Type::Array(elem) => {
                if let Some(t) = self.function_method(&elem, &receiver, name, args, span, cx) {
                    return t;
                }
                self.builtin_method("Array", &elem, receiver, name, args, span, cx)
            }
            Type::Str => self.builtin_method("String", &Type::Str, receiver, name, args, span, cx),
            Type::TileMap => self.tilemap_method(receiver, name, args, span, cx),
            Type::Map(..) => self.map_method(receiver, name, args, span, cx),
            Type::Optional(payload) => {
                let on = receiver.ty.to_string();
                if let Some(t) = self.optional_method(receiver, &payload, name, args, span) {
                    return t;
                }
                for a in args {
                    self.expr(a, cx);
                }
                self.report(
                    CheckError::new(
                        "E0204",
                        format!("cannot find method `{}` on `{on}`", name.name),
                        name.span,
                        "no such method",
                    )
                    .with_help(format!(
                        "an optional has `is_some()`, `is_none()` and `unwrap()`; {}",
                        crate::check::optional::TAKE_PAYLOAD
                    )),
                );
                error_expr(span)
            }
            other => self.no_method(name, &other.to_string(), args, span, cx),
        }
    }

    /// Checks a method of the built-in array or string types. Array methods are generic in
    /// the element type `elem`; their host functions take `any`.
    #[allow(clippy::too_many_arguments)]
    fn builtin_method(
        &mut self,
        family: &str,
        elem: &Type,
        receiver: TExpr,
        name: &Ident,
        args: &[Expr],
        span: Span,
        cx: &mut FnCx,
    ) -> TExpr {
        let array = Type::Array(Box::new(elem.clone()));
        let int = Type::Int;
        // (parameter types, result type) of each method, with the element type filled in.
        let shape: Option<(Vec<Type>, Type)> = match (family, name.name.as_str()) {
            ("Array", "len") => Some((vec![], int.clone())),
            ("Array", "push") => Some((vec![elem.clone()], Type::Void)),
            ("Array", "pop") => Some((vec![], elem.clone())),
            ("Array", "insert") => Some((vec![int.clone(), elem.clone()], Type::Void)),
            ("Array", "remove") => Some((vec![int.clone()], elem.clone())),
            ("Array", "clear") | ("Array", "reverse") => Some((vec![], Type::Void)),
            ("Array", "contains") => Some((vec![elem.clone()], Type::Bool)),
            ("Array", "index_of") => Some((vec![elem.clone()], int.clone())),
            ("Array", "slice") => Some((vec![int.clone(), int.clone()], array.clone())),
            ("Array", "sort") => {
                if !matches!(elem, Type::Int | Type::Float | Type::Str) {
                    self.report(CheckError::new(
                        "E0305",
                        format!("`sort` needs an array of int, float or string, not `{array}`"),
                        name.span,
                        "cannot sort these elements",
                    ));
                    return error_expr(span);
                }
                Some((vec![], Type::Void))
            }
            ("String", "len") | ("String", "char_count") => Some((vec![], int.clone())),
            ("String", "substr") => Some((vec![int.clone(), int.clone()], Type::Str)),
            ("String", "find") => Some((vec![Type::Str], int.clone())),
            ("String", "contains") | ("String", "starts_with") | ("String", "ends_with") => {
                Some((vec![Type::Str], Type::Bool))
            }
            ("String", "upper") | ("String", "lower") | ("String", "trim") => {
                Some((vec![], Type::Str))
            }
            ("String", "split") => Some((vec![Type::Str], Type::Array(Box::new(Type::Str)))),
            ("String", "repeat") => Some((vec![int.clone()], Type::Str)),
            ("String", "parse_int") => Some((vec![], int.clone())),
            ("String", "parse_float") => Some((vec![], Type::Float)),
            ("String", "char_at") => Some((vec![int.clone()], Type::Str)),
            ("String", "byte_at") => Some((vec![int.clone()], int.clone())),
            ("String", "code") => Some((vec![], int.clone())),
            ("String", "replace") => Some((vec![Type::Str, Type::Str], Type::Str)),
            ("String", "pad_left") | ("String", "pad_right") => {
                Some((vec![int.clone(), Type::Str], Type::Str))
            }
            ("Array", "join") => {
                if !matches!(elem, Type::Str | Type::Error) {
                    self.report(
                        CheckError::new(
                            "E0305",
                            format!("`join` needs an array of strings, not `{array}`"),
                            name.span,
                            "cannot join these elements",
                        )
                        .with_help("convert the elements first, such as with `str(x)` in a loop"),
                    );
                    return error_expr(span);
                }
                Some((vec![Type::Str], Type::Str))
            }
            _ => None,
        };
        let qualified = format!("{family}.{}", name.name);
        let host = self.builtins.hosts.iter().position(|h| h.name == qualified);
        let (Some((params, result)), Some(host)) = (shape, host) else {
            let on = if family == "Array" {
                array.to_string()
            } else {
                "string".to_string()
            };
            return self.no_method(name, &on, args, span, cx);
        };
        if args.len() != params.len() {
            let count = plural(params.len(), "argument");
            return self.wrong_count(&name.name, "takes", &count, args, span, None, cx);
        }
        let wants: Vec<(Type, Option<(Span, String)>)> =
            params.into_iter().map(|t| (t, None)).collect();
        let mut typed = vec![receiver];
        if !self.typed_args(args, &wants, cx, &mut typed) {
            return error_expr(span);
        }
        TExpr {
            kind: TExprKind::call_host(host, typed),
            ty: result,
            span,
        }
    }
}

impl Checker<'_> {
    /// Reports a call with the wrong number of arguments (E0304), after checking each
    /// argument for errors of its own.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn wrong_count(
        &mut self,
        name: &str,
        verb: &str,
        count: &str,
        args: &[Expr],
        span: Span,
        declared: Option<Span>,
        cx: &mut FnCx,
    ) -> TExpr {
        for a in args {
            self.expr(a, cx);
        }
        let given = args.len();
        let mut error = CheckError::new(
            "E0304",
            format!(
                "wrong number of arguments: `{name}` {verb} {count} but {given} {} given",
                if given == 1 { "was" } else { "were" }
            ),
            span,
            format!("{} given", plural(given, "argument")),
        );
        if let Some(declared) = declared {
            error = error.with_label(declared, "declared here");
        }
        self.report(error);
        error_expr(span)
    }

    /// Reports a method that does not exist on a type (E0204), after checking the arguments
    /// for errors of their own.
    pub(super) fn no_method(
        &mut self,
        name: &Ident,
        on: &str,
        args: &[Expr],
        span: Span,
        cx: &mut FnCx,
    ) -> TExpr {
        for a in args {
            self.expr(a, cx);
        }
        self.report(CheckError::new(
            "E0204",
            format!("cannot find method `{}` on `{on}`", name.name),
            name.span,
            "no such method",
        ));
        error_expr(span)
    }

    /// Checks arguments against the types wanted (each with an optional label for the
    /// declaration it comes from), appending them to `typed`; false after any error.
    pub(crate) fn typed_args(
        &mut self,
        args: &[Expr],
        wants: &[(Type, Option<(Span, String)>)],
        cx: &mut FnCx,
        typed: &mut Vec<TExpr>,
    ) -> bool {
        typed.reserve_exact(args.len());
        let mut ok = true;
        for (arg, (want, label)) in args.iter().zip(wants) {
            let t = self.value_hint(arg, cx, Some(want));
            if t.ty.payload() == Some(want) {
                let mut error = CheckError::new(
                    "E0920",
                    format!("expected `{want}`, found the optional `{}`", t.ty),
                    arg.span,
                    format!("this is `{}`, which may be `none`", t.ty),
                )
                .with_help(crate::check::optional::TAKE_PAYLOAD);
                if let Some((span, text)) = label {
                    error = error.with_label(*span, text.clone());
                }
                self.report(error);
                ok = false;
            } else if let Some(error) = (!want.accepts(&t.ty))
                .then(|| self.not_implemented(&t.ty, want, arg.span))
                .flatten()
            {
                self.report(error);
                ok = false;
            } else if !want.accepts(&t.ty) {
                let mut error = CheckError::new(
                    "E0305",
                    format!(
                        "mismatched argument type: expected `{want}`, found `{}`",
                        t.ty
                    ),
                    arg.span,
                    format!("this is `{}`", t.ty),
                );
                if let Some((span, text)) = label {
                    error = error.with_label(*span, text.clone());
                }
                self.report(error);
                ok = false;
            }
            ok &= !t.ty.is_error();
            typed.push(t);
        }
        ok
    }
}
