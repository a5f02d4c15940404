//! Compile-time evaluation: `declare const` values and the folding of constant expressions.

use super::stmt::FnCx;
use super::{CheckError, Checker, ConstState};
use crate::ast::{BinOp, UnOp};
use crate::hir::{TExpr, TExprKind};
use crate::types::Type;
use prometeu_bytecode::limits::MAX_STRING_BYTES;
use prometeu_lexer::Span;
use std::sync::Arc;

/// The value of a constant.
#[derive(Clone, Debug, PartialEq)]
pub enum ConstValue {
    /// An int.
    Int(i64),
    /// A float.
    Float(f64),
    /// A bool.
    Bool(bool),
    /// A string, shared by every use of the constant.
    Str(Arc<str>),
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

/// Why folding a constant operation failed.
enum FoldError {
    /// The operation would trap at run time; the trap message.
    Trap(&'static str),
    /// A string concatenation whose result would have this many bytes, over the limit.
    TooLong(usize),
}

impl From<&'static str> for FoldError {
    fn from(why: &'static str) -> FoldError {
        FoldError::Trap(why)
    }
}

/// Evaluates a binary operation on constants. A string result is measured before it is
/// built, so a result over the string limit is never allocated.
fn binary(op: BinOp, a: &ConstValue, b: &ConstValue) -> Result<ConstValue, FoldError> {
    use ConstValue::*;
    const OVERFLOW: &str = "integer overflow";
    Ok(match (a, b) {
        (Int(a), Int(b)) => {
            let (a, b) = (*a, *b);
            match op {
                BinOp::Add => Int(a.checked_add(b).ok_or(OVERFLOW)?),
                BinOp::Sub => Int(a.checked_sub(b).ok_or(OVERFLOW)?),
                BinOp::Mul => Int(a.checked_mul(b).ok_or(OVERFLOW)?),
                BinOp::Div | BinOp::Rem if b == 0 => return Err("division by zero".into()),
                BinOp::Div => Int(a.checked_div(b).ok_or(OVERFLOW)?),
                BinOp::Rem => Int(a.checked_rem(b).ok_or(OVERFLOW)?),
                BinOp::BitAnd => Int(a & b),
                BinOp::BitOr => Int(a | b),
                BinOp::BitXor => Int(a ^ b),
                BinOp::Shl | BinOp::Shr if !(0..=63).contains(&b) => {
                    return Err("shift amount out of range".into())
                }
                BinOp::Shl => Int(a << b),
                BinOp::Shr => Int(a >> b),
                BinOp::Eq => Bool(a == b),
                BinOp::Ne => Bool(a != b),
                BinOp::Lt => Bool(a < b),
                BinOp::Le => Bool(a <= b),
                BinOp::Gt => Bool(a > b),
                BinOp::Ge => Bool(a >= b),
                BinOp::And | BinOp::Or => return Err("invalid operands".into()),
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
                _ => return Err("invalid operands".into()),
            }
        }
        (Bool(a), Bool(b)) => match op {
            BinOp::And => Bool(*a && *b),
            BinOp::Or => Bool(*a || *b),
            BinOp::Eq => Bool(a == b),
            BinOp::Ne => Bool(a != b),
            _ => return Err("invalid operands".into()),
        },
        (Str(a), Str(b)) => match op {
            BinOp::Add => {
                let len = a.len().saturating_add(b.len());
                if len > MAX_STRING_BYTES {
                    return Err(FoldError::TooLong(len));
                }
                let mut joined = String::with_capacity(len);
                joined.push_str(a);
                joined.push_str(b);
                Str(Arc::from(joined))
            }
            BinOp::Eq => Bool(a == b),
            BinOp::Ne => Bool(a != b),
            BinOp::Lt => Bool(a.as_bytes() < b.as_bytes()),
            BinOp::Le => Bool(a.as_bytes() <= b.as_bytes()),
            BinOp::Gt => Bool(a.as_bytes() > b.as_bytes()),
            BinOp::Ge => Bool(a.as_bytes() >= b.as_bytes()),
            _ => return Err("invalid operands".into()),
        },
        _ => return Err("invalid operands".into()),
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
                    .ok_or(FoldError::Trap("integer overflow")),
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
            Err(FoldError::Trap(why)) => {
                self.report(CheckError::new(
                    "E0503",
                    format!("constant evaluation failed: {why}"),
                    e.span,
                    why,
                ));
                error_expr(e.span)
            }
            Err(FoldError::TooLong(len)) => {
                let error = self.string_too_long(&e, len);
                self.report(error);
                error_expr(e.span)
            }
        }
    }

    /// The error for a constant string concatenation whose result would be `len` bytes: at
    /// the operation, with the operands' sizes and the chain of constants the value grew
    /// through.
    fn string_too_long(&self, e: &TExpr, len: usize) -> CheckError {
        let mut error = CheckError::new(
            "E0505",
            format!("string too long: this constant string would be {len} bytes, over the limit of {MAX_STRING_BYTES}"),
            e.span,
            format!("this would be {len} bytes"),
        );
        if let Some(&current) = self.const_stack.last() {
            let chain = self.growth_chain(current);
            if chain.len() > 1 {
                error = error.with_note(format!("the value grows through {}", chain_text(&chain)));
            }
        }
        error.with_help(format!(
            "a string can hold at most {MAX_STRING_BYTES} bytes (16 MiB); build long strings at run time, or make the constants shorter"
        ))
    }

    /// The constants a string constant's value grew through, oldest first, ending with
    /// `current`: from each constant, the constant it uses whose value is the longest string.
    fn growth_chain(&self, current: usize) -> Vec<(String, Option<usize>)> {
        let mut chain = Vec::new();
        let mut at = Some(current);
        let mut seen = std::collections::HashSet::new();
        while let Some(index) = at {
            if !seen.insert(index) {
                break;
            }
            let len = match &self.consts[index].state {
                ConstState::Done(ConstValue::Str(v)) => Some(v.len()),
                _ => None,
            };
            chain.push((self.consts[index].name.name.to_string(), len));
            at = self.const_refs[index]
                .iter()
                .filter_map(|&r| match &self.consts[r].state {
                    ConstState::Done(ConstValue::Str(v)) => Some((v.len(), r)),
                    _ => None,
                })
                .max()
                .map(|(_, r)| r);
        }
        chain.reverse();
        chain
    }
}

/// The error for a string literal of `len` bytes, over the string limit.
pub(crate) fn literal_too_long(span: Span, len: usize) -> CheckError {
    CheckError::new(
        "E0505",
        format!("string too long: this string literal is {len} bytes, over the limit of {MAX_STRING_BYTES}"),
        span,
        format!("{len} bytes"),
    )
    .with_help("a string can hold at most 16 MiB; split the text into smaller pieces")
}

/// A chain of constants as text, such as `` `A0` (2 bytes) -> `A1` (4 bytes) -> `A2` ``;
/// a long chain keeps its first three and last three links.
fn chain_text(chain: &[(String, Option<usize>)]) -> String {
    let link = |(name, len): &(String, Option<usize>)| match len {
        Some(len) => format!("`{name}` ({len} bytes)"),
        None => format!("`{name}`"),
    };
    let links: Vec<String> = if chain.len() > 6 {
        let mut links: Vec<String> = chain[..3].iter().map(link).collect();
        links.push(format!("... {} more ...", chain.len() - 6));
        links.extend(chain[chain.len() - 3..].iter().map(link));
        links
    } else {
        chain.iter().map(link).collect()
    };
    links.join(" -> ")
}

/// An expression that already failed.
fn error_expr(span: Span) -> TExpr {
    TExpr {
        kind: TExprKind::Error,
        ty: Type::Error,
        span,
    }
}

impl Checker<'_> {
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
        self.const_stack.push(index);
        // The initializer's names are those of the constant's own file.
        let file = std::mem::replace(&mut self.file, self.consts[index].file);
        let value = self.evaluate_const(index);
        self.file = file;
        self.const_stack.pop();
        value
    }

    /// Evaluates a pending constant's initializer and records the outcome.
    fn evaluate_const(&mut self, index: usize) -> Option<ConstValue> {
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
                .with_help(format!(
                    "an array is a value that changes: write `declare global {}: {} = ...;` instead",
                    info.name.name,
                    ty_text(ty)
                )),
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
        if let (None, Type::Array(_)) = (&result, &t.ty) {
            self.report(
                CheckError::new(
                    "E0504",
                    "constants must have a scalar type (int, float, bool or string)",
                    info.value.span,
                    format!("this is `{}`", t.ty),
                )
                .with_help(format!(
                    "an array is a value that changes: write `declare global {}: {} = ...;` instead",
                    info.name.name, t.ty
                )),
            );
        } else if result.is_none() && !t.ty.is_error() {
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

/// A type as written, for a help message.
fn ty_text(ty: &crate::ast::TypeExpr) -> String {
    match ty {
        crate::ast::TypeExpr::Named(name) => name.name.to_string(),
        crate::ast::TypeExpr::Array(inner, _) => format!("[{}]", ty_text(inner)),
        crate::ast::TypeExpr::Optional(inner, _) => format!("{}?", ty_text(inner)),
        crate::ast::TypeExpr::Map(key, value, _) => {
            format!("{{{}: {}}}", ty_text(key), ty_text(value))
        }
        crate::ast::TypeExpr::Func(params, ret, _) => {
            let params: Vec<String> = params.iter().map(ty_text).collect();
            match ret {
                Some(ret) => format!("fn({}): {}", params.join(", "), ty_text(ret)),
                None => format!("fn({})", params.join(", ")),
            }
        }
    }
}
