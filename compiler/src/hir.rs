//! The typed tree the checker produces and the code generator consumes: names are resolved
//! to slots, globals, functions and host functions, and every expression has its type.

use crate::ast::{BinOp, UnOp};
use crate::types::Type;
use prometeu_lexer::Span;

/// A typed expression.
#[derive(Clone, Debug, PartialEq)]
pub struct TExpr {
    /// What it computes.
    pub kind: TExprKind,
    /// Its static type.
    pub ty: Type,
    /// Its source span.
    pub span: Span,
}

/// The kinds of typed expression.
#[derive(Clone, Debug, PartialEq)]
pub enum TExprKind {
    /// An int constant.
    Int(i64),
    /// A float constant.
    Float(f64),
    /// A bool constant.
    Bool(bool),
    /// A string constant, shared: a constant used in many places is stored once.
    Str(std::sync::Arc<str>),
    /// A local slot.
    Local(u16),
    /// A global, by name.
    Global(Box<str>),
    /// A unary operation on an operand of the expression's type.
    Unary(UnOp, Box<TExpr>),
    /// A binary operation; the operand type is the left operand's type.
    Binary(BinOp, Box<TExpr>, Box<TExpr>),
    /// A conversion between int and float.
    Cast(Box<TExpr>),
    /// A call of a program function, by index.
    Call(u32, Box<[TExpr]>),
    /// A call of method `m` of contract `c` through a contract value: the receiver, then
    /// the arguments.
    CallContract(u16, u16, Box<[TExpr]>),
    /// A call of a host function, by index into the builtins' signatures.
    CallHost(u32, Box<[TExpr]>),
    /// A field of a struct instance, by index.
    Field(Box<TExpr>, u16),
    /// An array element.
    Index(Box<TExpr>, Box<TExpr>),
    /// A new struct instance of struct type `index`, with its fields in order.
    NewStruct(u32, Box<[TExpr]>),
    /// An array literal.
    Array(Box<[TExpr]>),
    /// `[value; count]`.
    ArrayRepeat(Box<TExpr>, Box<TExpr>),
    /// `if c { a } else if d { b } else { e }` as a value: the branches in order, then the
    /// `else` value; every value has the expression's type (in one box, so that an
    /// expression node stays small).
    If(Box<(Vec<(TExpr, TExpr)>, TExpr)>),
    /// A `switch` used as a value.
    Switch(Box<TSwitch<TExpr>>),
    /// An expression that had an error (never reaches code generation).
    Error,
    /// `some(e)`, or a `T` wrapped where a `T?` is expected: the same value at run time.
    Some(Box<TExpr>),
    /// `none`.
    None,
    /// `opt else fallback`: the fallback is evaluated only when `opt` is `none`.
    Else(Box<TExpr>, Box<TExpr>),
    /// `opt.is_none()`.
    IsNone(Box<TExpr>),
    /// `opt.is_some()`.
    IsSome(Box<TExpr>),
    /// `opt.unwrap()`: traps with "unwrap of none".
    Unwrap(Box<TExpr>),
    /// A payload-free variant of enum type `ty` (a scalar value).
    Variant {
        /// The enum's index in the program's enum table.
        ty: u16,
        /// The variant's index.
        variant: u16,
    },
    /// The variant index of an enum value, as an int (`e as int`, and both sides of `==`).
    EnumTag(Box<TExpr>),
    /// A map operation on its operands (the map first); see [`MapOp`].
    Map(MapOp, Box<[TExpr]>),
    /// A lambda: lambda number `index` (its function follows the program's other checked
    /// functions) with the boxes it captures, in its capture order.
    Lambda {
        /// The lambda's number in the program, from 0.
        index: u32,
        /// Where each captured box is found in the enclosing function.
        captures: Box<[BoxAt]>,
    },
    /// A program function (top-level function or method) as a value.
    FuncRef(u32),
    /// A call of a function value with its arguments.
    CallValue(Box<(TExpr, Vec<TExpr>)>),
    /// A new box holding the value (the declaration of a captured local).
    NewBox(Box<TExpr>),
    /// The value in the box of a local slot (a captured local of this function).
    LoadBox(u16),
    /// The value in capture `index` of the running lambda.
    LoadCapture(u16),
    /// A call of a function the checker generated (an array method that takes a function),
    /// numbered like the lambdas.
    CallGenerated(u32, Box<[TExpr]>),
}

impl TExprKind {
    /// A call of host function `host` (an index into the builtins' signatures, a registry
    /// far smaller than `u32::MAX`).
    pub fn call_host(host: usize, args: Vec<TExpr>) -> TExprKind {
        TExprKind::CallHost(host as u32, args.into_boxed_slice())
    }
}

/// The map operations of [`TExprKind::Map`], each one instruction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MapOp {
    /// A literal: the operands are keys and values, alternating.
    New,
    /// `m[k]`, trapping when `k` is absent.
    Get,
    /// `m.get(k)`: the value or `none`.
    GetOpt,
    /// `m.has(k)`.
    Has,
    /// `m.remove(k)`: the value removed or `none`.
    Remove,
    /// `m.len()`.
    Len,
    /// `m.keys()`.
    Keys,
    /// `m.values()`.
    Values,
    /// `m.clear()`.
    Clear,
    /// The key at a position in insertion order (a `for … in` step).
    KeyAt,
    /// The value at a position in insertion order (a `for … in` step).
    ValueAt,
}

/// Where a function finds a box it passes to a lambda it makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BoxAt {
    /// In a local slot of its own (a captured local it declares).
    Slot(u16),
    /// Among its own captures (it is a lambda capturing through).
    Capture(u16),
}

/// Where an assignment stores.
#[derive(Clone, Debug, PartialEq)]
pub enum Place {
    /// A local slot.
    Local(u16),
    /// A global, by name.
    Global(Box<str>),
    /// A field of a struct instance.
    Field(Box<TExpr>, u16),
    /// An array element.
    Index(Box<TExpr>, Box<TExpr>),
    /// A map entry `m[k]` (a store adds the key when it is absent).
    MapEntry(Box<TExpr>, Box<TExpr>),
    /// The box in a local slot (a captured local).
    Boxed(u16),
    /// Capture `index` of the running lambda.
    Capture(u16),
}

/// A typed statement.
#[derive(Clone, Debug, PartialEq)]
pub struct TStmt {
    /// What it does.
    pub kind: TStmtKind,
    /// Its source span.
    pub span: Span,
}

/// The kinds of typed statement.
#[derive(Clone, Debug, PartialEq)]
pub enum TStmtKind {
    /// Store a value (a `let` or an assignment).
    Store(Place, TExpr),
    /// A compound assignment `place op= value`; the place is evaluated once.
    Update(Place, BinOp, TExpr),
    /// Evaluate and discard.
    Expr(TExpr),
    /// `if` / `else if` / `else`.
    If(Vec<(TExpr, Vec<TStmt>)>, Option<Vec<TStmt>>),
    /// `while`.
    While(TExpr, Vec<TStmt>),
    /// `for`: the counter occupies `slot`, the bound `slot + 1`, the step `slot + 2`.
    For {
        /// The first of the three slots.
        slot: u16,
        /// The start value.
        from: Box<TExpr>,
        /// The bound.
        until: Box<TExpr>,
        /// The step (a literal 1 when omitted).
        step: Box<TExpr>,
        /// The body.
        body: Vec<TStmt>,
    },
    /// `break`.
    Break,
    /// `continue`.
    Continue,
    /// `return`, with the value of a non-void function.
    Return(Option<TExpr>),
    /// A nested block.
    Block(Vec<TStmt>),
    /// `if let`: when `value` holds a value it is stored in `slot` and `then` runs,
    /// otherwise `otherwise` runs.
    IfLet {
        /// The slot of the bound name.
        slot: u16,
        /// The optional tested (boxed, so that a statement node stays small).
        value: Box<TExpr>,
        /// The statements run with the payload bound.
        then: Vec<TStmt>,
        /// The statements run when the value is `none`.
        otherwise: Option<Vec<TStmt>>,
    },
    /// A loop that tests `cond` before each step, runs `head` then `body`, and then `next`
    /// (where `continue` goes): what `for … in` becomes.
    Loop {
        /// Whether to run another step.
        cond: Box<TExpr>,
        /// What each step does first (the loop variables are set here).
        head: Vec<TStmt>,
        /// The body as written.
        body: Vec<TStmt>,
        /// What ends each step, after the body or a `continue`.
        next: Vec<TStmt>,
    },
    /// `switch`.
    Switch(Box<TSwitch>),
    /// A `for … in` loop over the map in local `slot`: while `body` runs, adding or removing
    /// the map's keys traps.
    MapLoop {
        /// The local holding the map.
        slot: u16,
        /// The lowered loop.
        body: Box<TStmt>,
    },
}

/// A checked `switch`: a statement, whose bodies are statements (`B` is `Vec<TStmt>`), or a
/// value, whose bodies are expressions (`B` is [`TExpr`]).
#[derive(Clone, Debug, PartialEq)]
pub struct TSwitch<B = Vec<TStmt>> {
    /// The value switched on.
    pub scrutinee: TExpr,
    /// The local slot holding the scrutinee; an enum switch also uses `slot + 1` for the tag.
    pub slot: u16,
    /// What the scrutinee is.
    pub kind: SwitchKind,
    /// The arms other than `default`, in order.
    pub arms: Vec<TArm<B>>,
    /// The `default` arm's body.
    pub default: Option<B>,
    /// Whether every value runs some arm (a `default`, or every case covered).
    pub covers: bool,
}

/// The kinds of value a `switch` dispatches on. (Optionals will add their own kind.)
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SwitchKind {
    /// An `int`: a binary search over the case values.
    Int,
    /// A `string`: the cases compared in order.
    Str,
    /// A `bool`.
    Bool,
    /// An enum: a binary search over the variant indices.
    Enum,
    /// An optional: `some(v)` is the key `true`, `none` the key `false`.
    Optional,
}

/// One non-default arm of a checked `switch`.
#[derive(Clone, Debug, PartialEq)]
pub struct TArm<B = Vec<TStmt>> {
    /// The values that select it.
    pub keys: Vec<Key>,
    /// The payload bindings of a variant pattern: the local slot and the payload field index.
    pub bindings: Vec<(u16, u16)>,
    /// The boxing of the bindings that lambdas in the arm capture, run before the body.
    pub boxes: Vec<TStmt>,
    /// The body.
    pub body: B,
    /// The span of the arm's patterns.
    pub span: Span,
}

/// A value a `switch` arm matches.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Key {
    /// An int (also a variant index in an enum switch).
    Int(i64),
    /// A string.
    Str(std::sync::Arc<str>),
    /// A bool.
    Bool(bool),
}

/// A checked function ready for code generation.
#[derive(Clone, Debug, PartialEq)]
pub struct TFunction {
    /// The name.
    pub name: String,
    /// How many parameters.
    pub params: u16,
    /// How many local slots in all.
    pub locals: u16,
    /// Whether it returns a value.
    pub returns_value: bool,
    /// The body.
    pub body: Vec<TStmt>,
    /// The span of the closing brace (for the implicit return).
    pub end: Span,
}
