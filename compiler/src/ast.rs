//! The spanned syntax tree the parser builds. Every node carries the span of its source text.

pub use crate::name::Name;
use prometeu_lexer::Span;

/// A name with its span.
#[derive(Clone, Debug, PartialEq)]
pub struct Ident {
    /// The text of the name, shared with its other occurrences.
    pub name: Name,
    /// Where it appears.
    pub span: Span,
}

/// A type as written in the source.
#[derive(Clone, Debug, PartialEq)]
pub enum TypeExpr {
    /// A named type: `int`, `string`, a struct name.
    Named(Ident),
    /// An array type `[T]`.
    Array(Box<TypeExpr>, Span),
    /// An optional type `T?`; the span covers the `?` too.
    Optional(Box<TypeExpr>, Span),
    /// A map type `{K: V}`.
    Map(Box<TypeExpr>, Box<TypeExpr>, Span),
    /// A function type `fn(int, int): bool`, with its result (`None` for `void`).
    Func(Vec<TypeExpr>, Option<Box<TypeExpr>>, Span),
}

impl TypeExpr {
    /// The span of the whole type.
    pub fn span(&self) -> Span {
        match self {
            TypeExpr::Named(i) => i.span,
            TypeExpr::Array(_, s)
            | TypeExpr::Optional(_, s)
            | TypeExpr::Map(_, _, s)
            | TypeExpr::Func(_, _, s) => *s,
        }
    }
}

/// A unary operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnOp {
    /// `-`
    Neg,
    /// `!` / `not`
    Not,
}

/// A binary operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
    /// `%`
    Rem,
    /// `&`
    BitAnd,
    /// `|`
    BitOr,
    /// `^`
    BitXor,
    /// `<<`
    Shl,
    /// `>>`
    Shr,
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `&&` / `and`
    And,
    /// `||` / `or`
    Or,
}

impl BinOp {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::Rem => "%",
            BinOp::BitAnd => "&",
            BinOp::BitOr => "|",
            BinOp::BitXor => "^",
            BinOp::Shl => "<<",
            BinOp::Shr => ">>",
            BinOp::Eq => "==",
            BinOp::Ne => "!=",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::And => "&&",
            BinOp::Or => "||",
        }
    }

    /// Whether the operator is `==`/`!=` (one non-associative level).
    pub fn is_equality(self) -> bool {
        matches!(self, BinOp::Eq | BinOp::Ne)
    }

    /// Whether the operator is `<`, `<=`, `>` or `>=` (one non-associative level).
    pub fn is_ordering(self) -> bool {
        matches!(self, BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge)
    }
}

/// An expression with its span.
#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    /// What kind of expression.
    pub kind: ExprKind,
    /// Where it appears.
    pub span: Span,
}

/// The kinds of expression.
#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    /// An integer literal (its magnitude; `-` is a separate unary node).
    Int(u64),
    /// A float literal.
    Float(f64),
    /// A string literal.
    Str(Box<str>),
    /// `true` or `false`.
    Bool(bool),
    /// A name.
    Name(Name),
    /// `this`.
    This,
    /// A parenthesized expression (kept to tell `(a < b) < c` from `a < b < c`).
    Paren(Box<Expr>),
    /// A unary operation.
    Unary(UnOp, Box<Expr>),
    /// A binary operation.
    Binary(BinOp, Box<Expr>, Box<Expr>),
    /// `e as T`.
    Cast(Box<Expr>, Box<TypeExpr>),
    /// A call `f(args)` (including `Math.sqrt(x)` and method calls `p.m(x)`): the callee and
    /// the arguments, in one box so that an expression node stays small.
    Call(Box<(Expr, Vec<Expr>)>),
    /// A field access `e.name` (also the callee of qualified and method calls).
    Field(Box<Expr>, Box<Ident>),
    /// An index `e[i]`.
    Index(Box<Expr>, Box<Expr>),
    /// An array literal `[a, b, c]`.
    Array(Box<[Expr]>),
    /// A repeated array literal `[v; n]`.
    ArrayRepeat(Box<Expr>, Box<Expr>),
    /// A map literal `{k: v, ...}` (`{}` is the empty map).
    Map(Box<[(Expr, Expr)]>),
    /// `new S(args)`: the struct's name and the arguments.
    New(Box<(Ident, Vec<Expr>)>),
    /// A part the parser could not read (an error was already reported).
    Error,
    /// `some(e)`.
    Some(Box<Expr>),
    /// `none`.
    None,
    /// `opt else fallback`.
    Else(Box<Expr>, Box<Expr>),
    /// `new S(args)` where some arguments name their field: `new Enemy(1.0, 2.0, hp: 5)`.
    NewNamed(Box<(Ident, Vec<NewArg>)>),
    /// `if c { a } else if d { b } else { e }` used as a value: each branch's condition and
    /// value, then the `else` value (missing when the source has none, which is an error).
    If(Box<(ValueBranches, Option<Expr>)>),
    /// A `switch` used as a value: each arm's block holds one expression.
    Switch(Box<Switch<Expr>>),
    /// A lambda `fn(a: int): int { ... }`.
    Lambda(Box<Lambda>),
}

/// The branches of an `if` used as a value: each condition with its value, in order.
pub type ValueBranches = Vec<(Expr, Expr)>;

/// A lambda expression: a function written where a value is expected.
#[derive(Clone, Debug, PartialEq)]
pub struct Lambda {
    /// The parameters.
    pub params: Vec<Param>,
    /// The declared result type; `None` means `void`.
    pub ret: Option<TypeExpr>,
    /// The body.
    pub body: Block,
    /// The header `fn(...): T`, for labels.
    pub header: Span,
}

/// An argument of `new`, positional or naming its field (`hp: 5`).
#[derive(Clone, Debug, PartialEq)]
pub struct NewArg {
    /// The field it names, if written `name: value`.
    pub field: Option<Ident>,
    /// The value.
    pub value: Expr,
}

/// A block `{ ... }`.
#[derive(Clone, Debug, PartialEq)]
pub struct Block {
    /// The statements in order.
    pub stmts: Vec<Stmt>,
    /// The whole block, braces included.
    pub span: Span,
}

impl Block {
    /// The span of the closing brace.
    pub fn close(&self) -> Span {
        Span {
            source: self.span.source,
            start: self.span.end.saturating_sub(1).max(self.span.start),
            end: self.span.end,
        }
    }
}

/// A statement with its span.
#[derive(Clone, Debug, PartialEq)]
pub struct Stmt {
    /// What kind of statement.
    pub kind: StmtKind,
    /// Where it appears.
    pub span: Span,
}

/// The kinds of statement.
#[derive(Clone, Debug, PartialEq)]
pub enum StmtKind {
    /// `let name (: T)? = init;`
    Let {
        /// The new local's name.
        name: Ident,
        /// The annotated type, if any (boxed: most `let`s have none).
        ty: Option<Box<TypeExpr>>,
        /// The initializer.
        init: Box<Expr>,
    },
    /// `target = value;` or `target op= value;`
    Assign {
        /// The place assigned to.
        target: Box<Expr>,
        /// The operator of a compound assignment.
        op: Option<BinOp>,
        /// The value.
        value: Box<Expr>,
    },
    /// `if c { } else if c { } else { }`
    If {
        /// Each condition with its block, in order.
        branches: Vec<(Expr, Block)>,
        /// The final `else` block.
        otherwise: Option<Box<Block>>,
    },
    /// `while c { }`
    While {
        /// The condition.
        cond: Box<Expr>,
        /// The body.
        body: Block,
    },
    /// `for v from a until b step s { }`
    For {
        /// The loop variable.
        var: Box<Ident>,
        /// The start.
        from: Box<Expr>,
        /// The bound (exclusive).
        until: Box<Expr>,
        /// The step, if given.
        step: Option<Box<Expr>>,
        /// The body.
        body: Box<Block>,
    },
    /// `break;`
    Break,
    /// `continue;`
    Continue,
    /// `return e?;`
    Return(Option<Expr>),
    /// An expression statement.
    Expr(Expr),
    /// A nested block.
    Block(Block),
    /// A statement the parser could not read (an error was already reported).
    Error,
    /// `if let name = opt { } else { }`
    IfLet {
        /// The name bound to the payload in `then`.
        name: Ident,
        /// The optional tested.
        value: Box<Expr>,
        /// The block run when the value is `some`.
        then: Box<Block>,
        /// The block run when it is `none` (an `else if` is a block holding that `if`).
        otherwise: Option<Box<Block>>,
    },
    /// `for x in xs { }`, or `for i, x in xs { }` with the index first.
    ForIn {
        /// The index variable, when two names are given.
        index: Option<Box<Ident>>,
        /// The element (or character) variable.
        var: Ident,
        /// The collection.
        over: Box<Expr>,
        /// The body.
        body: Box<Block>,
    },
    /// `switch e { patterns => { ... } ... }`
    Switch(Box<Switch>),
}

/// A `switch`: a statement, whose arms hold blocks (`B` is [`Block`]), or a value, whose
/// arms each hold one expression (`B` is [`Expr`]).
#[derive(Clone, Debug, PartialEq)]
pub struct Switch<B = Block> {
    /// The value switched on.
    pub scrutinee: Expr,
    /// The arms in order.
    pub arms: Vec<Arm<B>>,
    /// The `switch` keyword and its scrutinee, where errors about the whole switch point.
    pub head: Span,
}

/// One arm of a `switch`: its patterns, separated by `,`, and its block (or its value).
#[derive(Clone, Debug, PartialEq)]
pub struct Arm<B = Block> {
    /// The patterns; the arm runs when any of them matches.
    pub patterns: Vec<Pattern>,
    /// The arm's block, or the value of a `switch` used as a value.
    pub body: B,
    /// The patterns and the block.
    pub span: Span,
}

/// A `switch` pattern with its span.
#[derive(Clone, Debug, PartialEq)]
pub struct Pattern {
    /// What kind of pattern.
    pub kind: PatternKind,
    /// Where it appears.
    pub span: Span,
}

/// The kinds of `switch` pattern.
#[derive(Clone, Debug, PartialEq)]
pub enum PatternKind {
    /// `default`, which matches everything.
    Default,
    /// An int, string or bool literal, optionally negated (`-1`), as an expression.
    Literal(Expr),
    /// A dotted name: a variant `Enum.Variant` or `m.Enum.Variant`, or a `declare const`
    /// name (`LIMIT`, `m.LIMIT`), with the bindings of a variant's payload fields (`_` for
    /// one that is not bound) when written with parentheses.
    Path {
        /// The segments of the name, in order.
        segments: Vec<Ident>,
        /// The payload bindings, when written.
        bindings: Option<Vec<Ident>>,
    },
    /// `some(name)` (or `some(_)`) in a `switch` over an optional.
    Some(Ident),
    /// `none` in a `switch` over an optional.
    None,
}

/// A function parameter.
#[derive(Clone, Debug, PartialEq)]
pub struct Param {
    /// Its name.
    pub name: Ident,
    /// Its type.
    pub ty: TypeExpr,
}

/// A function declaration (top-level or a method).
#[derive(Clone, Debug, PartialEq)]
pub struct FnDecl {
    /// Attributes such as `[Frame]`.
    pub attrs: Vec<Ident>,
    /// The name.
    pub name: Ident,
    /// The parameters.
    pub params: Vec<Param>,
    /// The declared result type; `None` means `void`.
    pub ret: Option<TypeExpr>,
    /// The body.
    pub body: Block,
    /// The header `fn name(...): T`, for labels.
    pub header: Span,
}

/// A top-level declaration.
#[derive(Clone, Debug, PartialEq)]
pub enum Item {
    /// `fn ...`
    Fn(FnDecl),
    /// `declare const NAME: T = e;`
    Const {
        /// The name.
        name: Ident,
        /// The annotated type.
        ty: Option<TypeExpr>,
        /// The constant expression.
        value: Expr,
        /// The whole declaration.
        span: Span,
    },
    /// `declare global name: T = e;`
    Global {
        /// The name.
        name: Ident,
        /// The annotated type.
        ty: Option<TypeExpr>,
        /// The initializer.
        value: Expr,
        /// The whole declaration.
        span: Span,
    },
    /// `declare struct Name(field: T, ...) { methods }`
    Struct {
        /// The name.
        name: Ident,
        /// The fields, in order.
        fields: Vec<Param>,
        /// Each field's default value, if it has one (same length as `fields`).
        defaults: Vec<Option<Expr>>,
        /// The methods.
        methods: Vec<FnDecl>,
        /// The contracts named after `implements` (each `Name` or `m.Name`), with the span
        /// of the whole clause; empty without one.
        implements: (Vec<Ident>, Span),
        /// The whole declaration.
        span: Span,
    },
    /// `declare bank NAME = "file.png" tile N;`
    Bank {
        /// The name.
        name: Ident,
        /// The asset path as written (relative to the source file), with its span.
        path: (String, Span),
        /// The tile size as written, with its span.
        tile: (u64, Span),
        /// The whole declaration.
        span: Span,
    },
    /// `declare map NAME = "file.tmx";`
    Map {
        /// The name.
        name: Ident,
        /// The asset path as written (relative to the source file), with its span.
        path: (String, Span),
        /// The whole declaration.
        span: Span,
    },
    /// `declare sound NAME = "file.wav";`
    Sound {
        /// The name.
        name: Ident,
        /// The asset path as written (relative to the source file), with its span.
        path: (String, Span),
        /// The whole declaration.
        span: Span,
    },
    /// `import { a, b as c } from "./path.pbs";` or `import "./path.pbs" as m;`
    Import(Import),
    /// An executable statement at top level (an error outside the REPL).
    Stmt(Stmt),
    /// A declaration the parser could not read (an error was already reported).
    Error,
    /// `declare enum Name { A, B(x: T, ...), ... }`
    Enum {
        /// The name.
        name: Ident,
        /// The variants, in order.
        variants: Vec<Variant>,
        /// The whole declaration.
        span: Span,
    },
    /// `declare contract Name { fn method(params): T; ... }`
    Contract {
        /// The name.
        name: Ident,
        /// The methods the contract requires, in order.
        methods: Vec<ContractMethod>,
        /// The whole declaration.
        span: Span,
    },
}

/// One method a contract requires: a signature without a body.
#[derive(Clone, Debug, PartialEq)]
pub struct ContractMethod {
    /// The method's name.
    pub name: Ident,
    /// The parameters (the receiver is implicit).
    pub params: Vec<Param>,
    /// The declared result type; `None` means `void`.
    pub ret: Option<TypeExpr>,
    /// The signature `fn name(...): T`, for labels.
    pub header: Span,
}

/// One variant of an enum declaration.
#[derive(Clone, Debug, PartialEq)]
pub struct Variant {
    /// The variant's name.
    pub name: Ident,
    /// Its payload fields, in order (empty for a variant without payload).
    pub fields: Vec<Param>,
}

/// An `import` declaration.
#[derive(Clone, Debug, PartialEq)]
pub struct Import {
    /// The imported names with their local aliases (`b as c`), for the `{ ... } from` form.
    pub names: Vec<(Ident, Option<Ident>)>,
    /// The module alias of the `import "path" as m` form.
    pub alias: Option<Ident>,
    /// The path as written, with its span.
    pub path: (String, Span),
    /// The whole declaration.
    pub span: Span,
}

/// A parsed source file.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Module {
    /// The declarations in source order.
    pub items: Vec<Item>,
    /// For each item, the span of its `pub` keyword when it has one (same length as `items`).
    pub public: Vec<Option<Span>>,
}

impl Module {
    /// The span of the `pub` keyword of item `index`, if it is public.
    pub fn pub_span(&self, index: usize) -> Option<Span> {
        self.public.get(index).copied().flatten()
    }
}
