//! The methods of `TileMap` values.

use super::{error_expr, plural, FnCx};
use crate::ast::{Expr, Ident};
use crate::check::Checker;
use crate::hir::{TExpr, TExprKind};
use crate::types::Type;
use prometeu_lexer::Span;

impl Checker<'_> {
    /// Checks a method of `TileMap` (`get`, `set`, `width`, `height`, `layers`): a call of the
    /// host function `TileMap.<name>` with the map as its first argument.
    pub(super) fn tilemap_method(
        &mut self,
        receiver: TExpr,
        name: &Ident,
        args: &[Expr],
        span: Span,
        cx: &mut FnCx,
    ) -> TExpr {
        let qualified = format!("TileMap.{}", name.name);
        let host = self.builtins.hosts.iter().position(|h| {
            h.name == qualified && h.params.first() == Some(&prometeu_bytecode::HostType::TileMap)
        });
        let Some(host) = host else {
            return self.no_method(name, "TileMap", args, span, cx);
        };
        let sig = self.builtins.hosts[host].clone();
        let params: Option<Vec<Type>> = sig.params[1..]
            .iter()
            .map(|&p| Type::from_host(p))
            .collect();
        let (Some(params), Some(result)) = (params, Type::from_host(sig.result)) else {
            return self.no_method(name, "TileMap", args, span, cx);
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
