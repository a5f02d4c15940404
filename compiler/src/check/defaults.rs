//! The defaults of struct fields (§15.8): `declare struct Enemy(x: float, hp: int = 3,
//! trail: [float] = [])`. A default is a constant expression of the field's type, or `[]` for
//! an array field, which gives each instance a new empty array (`{}` a new empty map for a
//! map field); `none` for an optional field.

use super::consts::ConstValue;
use super::expr::error_expr;
use super::stmt::FnCx;
use super::{CheckError, Checker};
use crate::ast::{Expr, ExprKind, Ident};
use crate::hir::{MapOp, TExpr, TExprKind};
use crate::types::Type;

impl Checker<'_> {
    /// Checks the defaults of struct `index` and records them. A default that has an error
    /// is recorded as an error expression, so a `new` that leaves it out adds no error.
    pub(crate) fn field_defaults(&mut self, index: usize, defaults: &[Option<Expr>]) {
        let fields = self.structs[index].fields.clone();
        let mut checked: Vec<Option<TExpr>> = fields
            .iter()
            .zip(defaults)
            .map(|((field, ty), default)| {
                default.as_ref().map(|d| self.field_default(field, ty, d))
            })
            .collect();
        checked.resize(fields.len(), None);
        self.structs[index].defaults = checked;
    }

    fn field_default(&mut self, field: &Ident, ty: &Type, default: &Expr) -> TExpr {
        if let (ExprKind::Array(items), Type::Array(_)) = (&default.kind, ty) {
            if items.is_empty() {
                return TExpr {
                    kind: TExprKind::Array(Box::default()),
                    ty: ty.clone(),
                    span: default.span,
                };
            }
        }
        if let (ExprKind::Map(entries), Type::Map(..)) = (&default.kind, ty) {
            if entries.is_empty() {
                return TExpr {
                    kind: TExprKind::Map(MapOp::New, Box::default()),
                    ty: ty.clone(),
                    span: default.span,
                };
            }
        }
        let mut cx = FnCx::constant();
        let t = self.expect(default, &mut cx, ty, "the field is declared with this type");
        if t.ty.is_error() || is_constant(&t) {
            return t;
        }
        self.report(
            CheckError::new(
                "E0335",
                format!("the default of field `{}` is not a constant", field.name),
                default.span,
                "cannot be evaluated at compile time",
            )
            .with_help(match ty {
                Type::Array(_) => "an array field's default can only be `[]`; fill the array after `new`".to_string(),
                Type::Map(..) => "a map field's default can only be `{}`; fill the map after `new`".to_string(),
                _ => format!("use a literal or a `declare const`, or pass the value to `new` by name (`{}: …`)", field.name),
            }),
        );
        error_expr(default.span)
    }
}

/// Whether a checked default is a constant: a literal, `none`, or a literal wrapped as an
/// optional (`hp: int? = 3`).
fn is_constant(t: &TExpr) -> bool {
    match &t.kind {
        TExprKind::None => true,
        TExprKind::Some(inner) => is_constant(inner),
        _ => ConstValue::of(t).is_some(),
    }
}

/// How a checked default reads in a struct's signature (`3`, `"idle"`, `[]`, `none`).
pub(crate) fn default_text(default: &TExpr) -> String {
    match &default.kind {
        TExprKind::None => return "none".to_string(),
        TExprKind::Some(inner) => return default_text(inner),
        _ => {}
    }
    match ConstValue::of(default) {
        Some(ConstValue::Int(v)) => v.to_string(),
        Some(ConstValue::Float(v)) => format!("{v:?}"),
        Some(ConstValue::Bool(v)) => v.to_string(),
        Some(ConstValue::Str(v)) => format!("\"{}\"", v.escape_debug()),
        None if matches!(default.kind, TExprKind::Array(_)) => "[]".to_string(),
        None if matches!(default.kind, TExprKind::Map(..)) => "{}".to_string(),
        None => "…".to_string(),
    }
}
