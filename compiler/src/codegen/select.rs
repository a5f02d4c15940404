//! Instruction selection: the instruction for a binary operator on a type, and the fused
//! compare-and-branch forms.

use crate::ast::BinOp;
use crate::types::Type;
use prometeu_bytecode::Instr;

/// The fused compare-and-branch that jumps when `a op b` is `when`, if there is one. For
/// ints, jumping when the comparison holds is jumping unless its negation holds; floats
/// have no such negation (NaN compares false both ways), so they fuse only for `when = false`.
pub(super) fn fused_branch(op: BinOp, ty: &Type, when: bool) -> Option<Instr> {
    match (ty, when) {
        (Type::Int, false) => int_branch_unless(op),
        (Type::Int, true) => int_branch_unless(match op {
            BinOp::Lt => BinOp::Ge,
            BinOp::Le => BinOp::Gt,
            BinOp::Gt => BinOp::Le,
            BinOp::Ge => BinOp::Lt,
            BinOp::Eq => BinOp::Ne,
            BinOp::Ne => BinOp::Eq,
            _ => return None,
        }),
        (Type::Float, false) => match op {
            BinOp::Lt => Some(Instr::JumpIfNotLtFloat(0)),
            BinOp::Le => Some(Instr::JumpIfNotLeFloat(0)),
            BinOp::Gt => Some(Instr::JumpIfNotGtFloat(0)),
            BinOp::Ge => Some(Instr::JumpIfNotGeFloat(0)),
            _ => None,
        },
        _ => None,
    }
}

/// The int compare-and-branch that jumps unless `a op b`.
fn int_branch_unless(op: BinOp) -> Option<Instr> {
    match op {
        BinOp::Lt => Some(Instr::JumpIfNotLtInt(0)),
        BinOp::Le => Some(Instr::JumpIfNotLeInt(0)),
        BinOp::Gt => Some(Instr::JumpIfNotGtInt(0)),
        BinOp::Ge => Some(Instr::JumpIfNotGeInt(0)),
        BinOp::Eq => Some(Instr::JumpIfNotEqInt(0)),
        BinOp::Ne => Some(Instr::JumpIfNotNeInt(0)),
        _ => None,
    }
}

/// The instruction that loads a local, using the short forms for slots 0 to 3.
pub(super) fn load_local(slot: u16) -> Instr {
    match slot {
        0 => Instr::LoadLocal0(),
        1 => Instr::LoadLocal1(),
        2 => Instr::LoadLocal2(),
        3 => Instr::LoadLocal3(),
        n => Instr::LoadLocal(n),
    }
}

/// The typed instruction of a binary operator (not `&&`/`||`).
pub(super) fn binary(op: BinOp, ty: &Type) -> Instr {
    use BinOp::*;
    match (op, ty) {
        (Add, Type::Str) => Instr::Concat(),
        (Add, Type::Float) => Instr::AddFloat(),
        (Add, _) => Instr::AddInt(),
        (Sub, Type::Float) => Instr::SubFloat(),
        (Sub, _) => Instr::SubInt(),
        (Mul, Type::Float) => Instr::MulFloat(),
        (Mul, _) => Instr::MulInt(),
        (Div, Type::Float) => Instr::DivFloat(),
        (Div, _) => Instr::DivInt(),
        (Rem, Type::Float) => Instr::RemFloat(),
        (Rem, _) => Instr::RemInt(),
        (BitAnd, _) => Instr::BitAnd(),
        (BitOr, _) => Instr::BitOr(),
        (BitXor, _) => Instr::BitXor(),
        (Shl, _) => Instr::Shl(),
        (Shr, _) => Instr::Shr(),
        (Eq, Type::Float) => Instr::EqFloat(),
        (Eq, Type::Bool) => Instr::EqBool(),
        (Eq, Type::Str) => Instr::EqStr(),
        (
            Eq,
            Type::Array(_) | Type::Struct(_) | Type::Contract(_) | Type::TileMap | Type::Map(..),
        ) => Instr::EqRef(),
        (Eq, Type::Optional(_)) => Instr::EqOpt(),
        (Ne, Type::Optional(_)) => Instr::NeOpt(),
        (Eq, _) => Instr::EqInt(),
        (Ne, Type::Float) => Instr::NeFloat(),
        (Ne, Type::Bool) => Instr::NeBool(),
        (Ne, Type::Str) => Instr::NeStr(),
        (
            Ne,
            Type::Array(_) | Type::Struct(_) | Type::Contract(_) | Type::TileMap | Type::Map(..),
        ) => Instr::NeRef(),
        (Ne, _) => Instr::NeInt(),
        (Lt, Type::Float) => Instr::LtFloat(),
        (Lt, Type::Str) => Instr::LtStr(),
        (Lt, _) => Instr::LtInt(),
        (Le, Type::Float) => Instr::LeFloat(),
        (Le, Type::Str) => Instr::LeStr(),
        (Le, _) => Instr::LeInt(),
        (Gt, Type::Float) => Instr::GtFloat(),
        (Gt, Type::Str) => Instr::GtStr(),
        (Gt, _) => Instr::GtInt(),
        (Ge, Type::Float) => Instr::GeFloat(),
        (Ge, Type::Str) => Instr::GeStr(),
        (Ge, _) => Instr::GeInt(),
        (And, _) | (Or, _) => Instr::Nop(),
    }
}
