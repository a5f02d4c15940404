//! The typing of `format(template, args…)`: the arguments of any type are packed into one
//! array for the host function, and a literal template is checked against them here (E0316)
//! so that only templates built at run time can trap.

use super::{error_expr, plural, FnCx};
use crate::ast::{Expr, ExprKind};
use crate::check::{CheckError, Checker};
use crate::hir::{TExpr, TExprKind};
use crate::types::Type;
use prometeu_bytecode::template::{self, Piece};
use prometeu_lexer::Span;

impl Checker<'_> {
    /// Checks a call of the built-in `format`.
    pub(super) fn format_call(&mut self, args: &[Expr], span: Span, cx: &mut FnCx) -> TExpr {
        let host = self.builtins.hosts.iter().position(|h| h.name == "format");
        let (Some(host), Some((first, rest))) = (host, args.split_first()) else {
            for a in args {
                self.expr(a, cx);
            }
            self.report(
                CheckError::new(
                    "E0304",
                    "wrong number of arguments: `format` takes a template and its arguments but none were given",
                    span,
                    "0 arguments given",
                )
                .with_help("write `format(\"x = {}\", x)`"),
            );
            return error_expr(span);
        };
        let tpl = self.expect(
            first,
            cx,
            &Type::Str,
            "the first argument of `format` is its template",
        );
        // An optional argument is formatted by its text (`some(3)`, `none`).
        let typed: Vec<TExpr> = rest
            .iter()
            .map(|a| {
                let t = self.value(a, cx);
                self.optional_text(t)
            })
            .collect();
        if tpl.ty.is_error() || typed.iter().any(|t| t.ty.is_error()) {
            return error_expr(span);
        }
        if let ExprKind::Str(text) = &first.kind {
            if !self.check_template(text, first.span, rest, &typed) {
                return error_expr(span);
            }
        }
        let list = TExpr {
            kind: TExprKind::Array(typed.into()),
            // The host function takes the arguments as one array of any values.
            ty: Type::Array(Box::new(Type::Str)),
            span,
        };
        TExpr {
            kind: TExprKind::call_host(host, vec![tpl, list]),
            ty: Type::Str,
            span,
        }
    }

    /// Checks a literal template against the arguments; false after reporting E0316.
    fn check_template(&mut self, text: &str, at: Span, args: &[Expr], typed: &[TExpr]) -> bool {
        let pieces = match template::parse(text) {
            Ok(pieces) => pieces,
            Err(e) => {
                self.report(
                    CheckError::new(
                        "E0316",
                        format!("invalid `format` template: {}", e.message),
                        at,
                        format!("at byte {} of the template", e.at),
                    )
                    .with_help("holes are `{}`, `{:5}`, `{:<5}`, `{:>5}`, `{:05}` and `{:.2}`; `{{` and `}}` are braces"),
                );
                return false;
            }
        };
        let holes = template::holes(&pieces);
        if holes != typed.len() {
            let mut err = CheckError::new(
                "E0316",
                format!(
                    "`format` template does not match its arguments: {}",
                    template::count_mismatch(holes, typed.len())
                ),
                at,
                format!(
                    "{} here, {} after it",
                    plural(holes, "hole"),
                    plural(typed.len(), "argument")
                ),
            );
            err = err.with_help(if holes > typed.len() {
                "pass one argument for each `{}`, or write `{{` for a literal brace"
            } else {
                "add a `{}` for each argument, or remove the extra arguments"
            });
            self.report(err);
            return false;
        }
        let specs = pieces.iter().filter_map(|p| match p {
            Piece::Hole(spec) => Some(spec),
            Piece::Text(_) => None,
        });
        for ((spec, t), arg) in specs.zip(typed).zip(args) {
            let problem = if spec.precision.is_some() && t.ty != Type::Float {
                Some("`.N` gives decimals to floats only")
            } else if spec.zero && !t.ty.is_numeric() {
                Some("`0` pads numbers only")
            } else {
                None
            };
            if let Some(problem) = problem {
                let mut err = CheckError::new(
                    "E0316",
                    format!("`format` hole does not fit its argument: {problem}"),
                    arg.span,
                    format!("this is `{}`", t.ty),
                );
                if t.ty == Type::Int {
                    err = err.with_help("convert it with `as float`");
                }
                self.report(err);
                return false;
            }
        }
        true
    }
}
