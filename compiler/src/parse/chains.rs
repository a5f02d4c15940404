//! A syntax rule checked after parsing: comparison operators do not chain
//! (`a < b < c` and `a == b == c` are errors; parentheses make the intent explicit).

use super::ParseError;
use crate::ast::{Block, Expr, ExprKind, Item, Module, Stmt, StmtKind};

/// Reports every chained comparison in a module.
pub(super) fn chained_comparisons(module: &Module) -> Vec<ParseError> {
    let mut errors = Vec::new();
    for item in &module.items {
        match item {
            Item::Fn(f) => block(&f.body, &mut errors),
            Item::Struct {
                methods, defaults, ..
            } => {
                for d in defaults.iter().flatten() {
                    expr(d, &mut errors);
                }
                for m in methods {
                    block(&m.body, &mut errors);
                }
            }
            Item::Const { value, .. } | Item::Global { value, .. } => expr(value, &mut errors),
            Item::Stmt(s) => stmt(s, &mut errors),
            Item::Bank { .. }
            | Item::Map { .. }
            | Item::Sound { .. }
            | Item::Import(_)
            | Item::Enum { .. }
            | Item::Contract { .. }
            | Item::Error => {}
        }
    }
    errors
}

fn block(b: &Block, errors: &mut Vec<ParseError>) {
    for s in &b.stmts {
        stmt(s, errors);
    }
}

fn stmt(s: &Stmt, errors: &mut Vec<ParseError>) {
    match &s.kind {
        StmtKind::Let { init, .. } => expr(init, errors),
        StmtKind::Assign { target, value, .. } => {
            expr(target, errors);
            expr(value, errors);
        }
        StmtKind::If {
            branches,
            otherwise,
        } => {
            for (c, b) in branches {
                expr(c, errors);
                block(b, errors);
            }
            if let Some(b) = otherwise {
                block(b, errors);
            }
        }
        StmtKind::While { cond, body } => {
            expr(cond, errors);
            block(body, errors);
        }
        StmtKind::For {
            from,
            until,
            step,
            body,
            ..
        } => {
            expr(from, errors);
            expr(until, errors);
            if let Some(s) = step {
                expr(s, errors);
            }
            block(body, errors);
        }
        StmtKind::ForIn { over, body, .. } => {
            expr(over, errors);
            block(body, errors);
        }
        StmtKind::Return(Some(e)) | StmtKind::Expr(e) => expr(e, errors),
        StmtKind::Block(b) => block(b, errors),
        StmtKind::IfLet {
            value,
            then,
            otherwise,
            ..
        } => {
            expr(value, errors);
            block(then, errors);
            if let Some(b) = otherwise {
                block(b, errors);
            }
        }
        StmtKind::Switch(sw) => {
            expr(&sw.scrutinee, errors);
            for arm in &sw.arms {
                block(&arm.body, errors);
            }
        }
        StmtKind::Return(None) | StmtKind::Break | StmtKind::Continue | StmtKind::Error => {}
    }
}

fn expr(e: &Expr, errors: &mut Vec<ParseError>) {
    stacker::maybe_grow(64 * 1024, 1024 * 1024, || expr_inner(e, errors));
}

/// An `if` or `switch` expression used as an operand, without parentheses, is error E0109.
fn operand(e: &Expr, errors: &mut Vec<ParseError>) {
    let (word, form) = match e.kind {
        ExprKind::If(..) => ("an `if`", "(if c { a } else { b })"),
        ExprKind::Switch(..) => ("a `switch`", "(switch x { p => { a } ... })"),
        _ => return,
    };
    errors.push(ParseError {
        code: "E0109",
        message: format!("{word} expression used as an operand must be in parentheses"),
        span: e.span,
        label: "put it in parentheses".into(),
        help: Some(format!(
            "write `{form}`; without them {word} value may only be a whole initializer, argument, return value, assigned value or arm value"
        )),
    });
}

fn expr_inner(e: &Expr, errors: &mut Vec<ParseError>) {
    match &e.kind {
        ExprKind::Binary(_, lhs, rhs) => {
            operand(lhs, errors);
            operand(rhs, errors);
        }
        ExprKind::Unary(_, x)
        | ExprKind::Cast(x, _)
        | ExprKind::Field(x, _)
        | ExprKind::Index(x, _) => operand(x, errors),
        ExprKind::Call(call) => operand(&call.0, errors),
        _ => {}
    }
    match &e.kind {
        ExprKind::Binary(op, lhs, rhs) => {
            if let ExprKind::Binary(inner, _, _) = &lhs.kind {
                if (op.is_ordering() && inner.is_ordering())
                    || (op.is_equality() && inner.is_equality())
                {
                    errors.push(ParseError {
                        code: "E0104",
                        message: "comparison operators cannot be chained; use `and`".into(),
                        span: e.span,
                        label: "chained comparison".into(),
                        help: Some("write `a < b and b < c`, or add parentheses".into()),
                    });
                }
            }
            expr(lhs, errors);
            expr(rhs, errors);
        }
        ExprKind::Paren(x)
        | ExprKind::Unary(_, x)
        | ExprKind::Cast(x, _)
        | ExprKind::Field(x, _)
        | ExprKind::Some(x) => expr(x, errors),
        ExprKind::Else(a, b) => {
            expr(a, errors);
            expr(b, errors);
        }
        ExprKind::Call(call) => {
            let (callee, args) = &**call;
            expr(callee, errors);
            for a in args {
                expr(a, errors);
            }
        }
        ExprKind::Index(a, b) | ExprKind::ArrayRepeat(a, b) => {
            expr(a, errors);
            expr(b, errors);
        }
        ExprKind::Array(items) => {
            for a in items {
                expr(a, errors);
            }
        }
        ExprKind::New(new) => {
            for a in &new.1 {
                expr(a, errors);
            }
        }
        ExprKind::NewNamed(new) => {
            for a in &new.1 {
                expr(&a.value, errors);
            }
        }
        ExprKind::Map(entries) => {
            for (k, v) in entries {
                expr(k, errors);
                expr(v, errors);
            }
        }
        ExprKind::Lambda(lambda) => block(&lambda.body, errors),
        ExprKind::If(if_) => {
            let (branches, otherwise) = &**if_;
            for (cond, value) in branches {
                expr(cond, errors);
                expr(value, errors);
            }
            if let Some(value) = otherwise {
                expr(value, errors);
            }
        }
        ExprKind::Switch(sw) => {
            expr(&sw.scrutinee, errors);
            for arm in &sw.arms {
                expr(&arm.body, errors);
            }
        }
        ExprKind::Int(_)
        | ExprKind::Float(_)
        | ExprKind::Str(_)
        | ExprKind::Bool(_)
        | ExprKind::Name(_)
        | ExprKind::This
        | ExprKind::None
        | ExprKind::Error => {}
    }
}
