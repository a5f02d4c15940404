//! Compile-time evaluation: `declare const` values and the folding of constant expressions.

use super::stmt::FnCx;
use super::{CheckError, Checker, ConstState};
use crate::ast::{BinOp, UnOp};
use crate::hir::{TExpr, TExprKind};
use crate::types::Type;
use prometeu_lexer::Span;

/// The value of a constant.
#[derive(Clone, Debug, PartialEq)]
pub enum ConstValue {
    /// An int.
    Int(i64),
    /// A float.
    Float(f64),
    /// A bool.
    Bool(bool),
    /// A string.
    Str(String),
}

impl ConstValue {
    /// The literal expression for this value at a use site.
    pub(crate) fn to_expr(&self, span: Span) -> TExpr {
        let (kind, ty) = match self {
            ConstValue::Int(v) => (TExprKind::Int(*v), Type::Int),
            ConstValue::Float(v) => (TExprKind::Float(*v), Type::Float),
            ConstValue::Bool(v) => (TExprKind::Bool(*v), Type::Bool),
            ConstValue::Str(v) => (TExprKind::Str(v.clone()), Type::Str),
        };
        TExpr { kind, ty, span }
    }

    /// The value of a literal expression.
    pub(crate) fn of(e: &TExpr) -> Option<ConstValue> {
        Some(match &e.kind {
            TExprKind::Int(v) => ConstValue::Int(*v),
            TExprKind::Float(v) => ConstValue::Float(*v),
            TExprKind::Bool(v) => ConstValue::Bool(*v),
            TExprKind::Str(v) => ConstValue::Str(v.clone()),
            _ => return None,
        })
    }
}

/// Evaluates a binary operation on constants; `Err` carries the trap message.
fn binary(op: BinOp, a: &ConstValue, b: &ConstValue) -> Result<ConstValue, &'static str> {
    use ConstValue::*;
    const OVERFLOW: &str = "integer overflow";
    Ok(match (a, b) {
        (Int(a), Int(b)) => {
            let (a, b) = (*a, *b);
            match op {
                BinOp::Add => Int(a.checked_add(b).ok_or(OVERFLOW)?),
                BinOp::Sub => Int(a.checked_sub(b).ok_or(OVERFLOW)?),
                BinOp::Mul => Int(a.checked_mul(b).ok_or(OVERFLOW)?),
                BinOp::Div | BinOp::Rem if b == 0 => return Err("division by zero"),
                BinOp::Div => Int(a.checked_div(b).ok_or(OVERFLOW)?),
                BinOp::Rem => Int(a.checked_rem(b).ok_or(OVERFLOW)?),
                BinOp::BitAnd => Int(a & b),
                BinOp::BitOr => Int(a | b),
                BinOp::BitXor => Int(a ^ b),
                BinOp::Shl | BinOp::Shr if !(0..=63).contains(&b) => {
                    return Err("shift amount out of range")
                }
                BinOp::Shl => Int(a << b),
                BinOp::Shr => Int(a >> b),
                BinOp::Eq => Bool(a == b),
                BinOp::Ne => Bool(a != b),
                BinOp::Lt => Bool(a < b),
                BinOp::Le => Bool(a <= b),
                BinOp::Gt => Bool(a > b),
                BinOp::Ge => Bool(a >= b),
                BinOp::And | BinOp::Or => return Err("invalid operands"),
            }
        }
        (Float(a), Float(b)) => {
            let (a, b) = (*a, *b);
            match op {
                BinOp::Add => Float(a + b),
                BinOp::Sub => Float(a - b),
                BinOp::Mul => Float(a * b),
                BinOp::Div => Float(a / b),
                BinOp::Rem => Float(a % b),
                BinOp::Eq => Bool(a == b),
                BinOp::Ne => Bool(a != b),
                BinOp::Lt => Bool(a < b),
                BinOp::Le => Bool(a <= b),
                BinOp::Gt => Bool(a > b),
                BinOp::Ge => Bool(a >= b),
                _ => return Err("invalid operands"),
            }
        }
        (Bool(a), Bool(b)) => match op {
            BinOp::And => Bool(*a && *b),
            BinOp::Or => Bool(*a || *b),
            BinOp::Eq => Bool(a == b),
            BinOp::Ne => Bool(a != b),
            _ => return Err("invalid operands"),
        },
        (Str(a), Str(b)) => match op {
            BinOp::Add => Str(format!("{a}{b}")),
            BinOp::Eq => Bool(a == b),
            BinOp::Ne => Bool(a != b),
            BinOp::Lt => Bool(a.as_bytes() < b.as_bytes()),
            BinOp::Le => Bool(a.as_bytes() <= b.as_bytes()),
            BinOp::Gt => Bool(a.as_bytes() > b.as_bytes()),
            BinOp::Ge => Bool(a.as_bytes() >= b.as_bytes()),
            _ => return Err("invalid operands"),
        },
        _ => return Err("invalid operands"),
    })
}

impl Checker<'_> {
    /// Folds an operation whose operands are constants, inside a constant expression.
    pub(crate) fn fold(&mut self, cx: &FnCx, e: TExpr) -> TExpr {
        if cx.const_context().is_none() || cx.skipped > 0 {
            return e;
        }
        let result = match &e.kind {
            TExprKind::Unary(op, operand) => match (op, ConstValue::of(operand)) {
                (UnOp::Neg, Some(ConstValue::Int(v))) => v
                    .checked_neg()
                    .map(ConstValue::Int)
                    .ok_or("integer overflow"),
                (UnOp::Neg, Some(ConstValue::Float(v))) => Ok(ConstValue::Float(-v)),
                (UnOp::Not, Some(ConstValue::Bool(v))) => Ok(ConstValue::Bool(!v)),
                _ => return e,
            },
            TExprKind::Binary(BinOp::And, a, _)
                if ConstValue::of(a) == Some(ConstValue::Bool(false)) =>
            {
                Ok(ConstValue::Bool(false))
            }
            TExprKind::Binary(BinOp::Or, a, _)
                if ConstValue::of(a) == Some(ConstValue::Bool(true)) =>
            {
                Ok(ConstValue::Bool(true))
            }
            TExprKind::Binary(op, a, b) => match (ConstValue::of(a), ConstValue::of(b)) {
                (Some(a), Some(b)) => binary(*op, &a, &b),
                _ => return e,
            },
            _ => return e,
        };
        match result {
            Ok(v) => v.to_expr(e.span),
            Err(why) => {
                self.report(CheckError::new(
                    "E0503",
                    format!("constant evaluation failed: {why}"),
                    e.span,
                    why,
                ));
                TExpr {
                    kind: TExprKind::Error,
                    ty: Type::Error,
                    span: e.span,
                }
            }
        }
    }

    /// Folds an `as` conversion of a constant, inside a constant expression.
    pub(crate) fn fold_cast(&mut self, cx: &FnCx, e: &TExpr, to: &Type) -> Option<TExpr> {
        cx.const_context()?;
        let v = match (ConstValue::of(e)?, to) {
            (ConstValue::Int(v), Type::Float) => ConstValue::Float(v as f64),
            (ConstValue::Float(v), Type::Int) => ConstValue::Int(v as i64),
            _ => return None,
        };
        Some(v.to_expr(e.span))
    }

    /// The value of constant `index`, evaluating it on first use; `None` after an error.
    pub(crate) fn const_value(&mut self, index: usize) -> Option<ConstValue> {
        match &self.consts[index].state {
            ConstState::Done(v) => return Some(v.clone()),
            ConstState::Failed => return None,
            ConstState::InProgress => {
                let name = self.consts[index].name;
                self.report(CheckError::new(
                    "E0502",
                    format!("constant `{}` depends on itself", name.name),
                    name.span,
                    "defined in terms of itself",
                ));
                self.consts[index].state = ConstState::Failed;
                return None;
            }
            ConstState::Pending => {}
        }
        self.consts[index].state = ConstState::InProgress;
        let info = self.consts[index].clone();
        if let Some(ty @ crate::ast::TypeExpr::Array(..)) = info.ty {
            self.report(
                CheckError::new(
                    "E0504",
                    "constants must have a scalar type (int, float, bool or string)",
                    ty.span(),
                    "not a scalar type",
                )
                .with_help("use `declare global` for other types"),
            );
            self.consts[index].state = ConstState::Failed;
            return None;
        }
        let annotated = info.ty.map(|t| self.resolve_type(t));
        let mut cx = FnCx::constant();
        let t = match &annotated {
            Some(want) if !want.is_error() => self.expect(
                info.value,
                &mut cx,
                want,
                "the constant is declared with this type",
            ),
            _ => self.value(info.value, &mut cx),
        };
        if matches!(self.consts[index].state, ConstState::Failed) {
            return None;
        }
        let result = ConstValue::of(&t);
        if result.is_none() && !t.ty.is_error() {
            self.report(CheckError::new(
                "E0502",
                "this is not a constant expression",
                info.value.span,
                "cannot be evaluated at compile time",
            ));
        }
        if let Some(ty) = annotated {
            if matches!(ty, Type::Void) {
                self.report(CheckError::new(
                    "E0504",
                    "constants must have a scalar type (int, float, bool or string)",
                    info.ty.map_or(info.name.span, |t| t.span()),
                    "not a scalar type",
                ));
                self.consts[index].state = ConstState::Failed;
                return None;
            }
        }
        self.consts[index].state = match &result {
            Some(v) => ConstState::Done(v.clone()),
            None => ConstState::Failed,
        };
        result
    }
}
