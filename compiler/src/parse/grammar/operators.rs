//! The operators of the expression grammar: which tokens they are, their precedence, and how
//! a binary operator joins the tree built so far.

use crate::ast::*;
use prometeu_lexer::{Span, Token};

/// A prefix operator token.
pub(super) fn prefix_operator(token: &Token<'_>) -> Option<UnOp> {
    match token {
        Token::Minus => Some(UnOp::Neg),
        Token::Bang => Some(UnOp::Not),
        _ => None,
    }
}

/// A binary operator token.
pub(super) fn binary_operator(token: &Token<'_>) -> Option<BinOp> {
    Some(match token {
        Token::Star => BinOp::Mul,
        Token::Slash => BinOp::Div,
        Token::Percent => BinOp::Rem,
        Token::Plus => BinOp::Add,
        Token::Minus => BinOp::Sub,
        Token::Shl => BinOp::Shl,
        Token::Shr => BinOp::Shr,
        Token::Amp => BinOp::BitAnd,
        Token::Caret => BinOp::BitXor,
        Token::Pipe => BinOp::BitOr,
        Token::Lt => BinOp::Lt,
        Token::Le => BinOp::Le,
        Token::Gt => BinOp::Gt,
        Token::Ge => BinOp::Ge,
        Token::EqEq => BinOp::Eq,
        Token::NotEq => BinOp::Ne,
        Token::AndAnd => BinOp::And,
        Token::OrOr => BinOp::Or,
        _ => return None,
    })
}

/// How tightly a binary operator binds (higher binds tighter); all of them associate to the left.
/// Casts (`as`) bind tighter than any binary operator, prefix operators tighter still.
fn precedence(op: BinOp) -> u8 {
    match op {
        BinOp::Mul | BinOp::Div | BinOp::Rem => 10,
        BinOp::Add | BinOp::Sub => 9,
        BinOp::Shl | BinOp::Shr => 8,
        BinOp::BitAnd => 7,
        BinOp::BitXor => 6,
        BinOp::BitOr => 5,
        BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => 4,
        BinOp::Eq | BinOp::Ne => 3,
        BinOp::And => 2,
        BinOp::Or => 1,
    }
}

/// Extends `tree`, the operations read so far, with `op rhs`. The new operation takes as its
/// left operand the rightmost subtree whose operator binds at least as tightly as `op` (or
/// that is not a binary operation), which gives left associativity and precedence.
/// Each binary node spans from its left operand's start to its right operand's end.
pub(super) fn push_binary(tree: &mut Expr, op: BinOp, rhs: Expr) {
    let span = Span {
        end: rhs.span.end,
        ..tree.span
    };
    if let ExprKind::Binary(inner, _, right) = &mut tree.kind {
        if precedence(*inner) < precedence(op) {
            push_binary(right, op, rhs);
            tree.span = span;
            return;
        }
    }
    let lhs = std::mem::replace(
        tree,
        Expr {
            kind: ExprKind::Error,
            span,
        },
    );
    tree.kind = ExprKind::Binary(op, Box::new(lhs), Box::new(rhs));
}
