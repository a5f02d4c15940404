//! Type checking of statements and function bodies, with local scopes, loop context,
//! missing-return analysis and unreachable-code warnings.

use super::expr::error_expr;
use super::{CheckError, Checker, TopLevel};
use crate::ast::{Block, Expr, ExprKind, FnDecl, Ident, Stmt, StmtKind, TypeExpr};
use crate::hir::{Place, TExpr, TExprKind, TFunction, TStmt, TStmtKind};
use crate::types::Type;
use prometeu_bytecode::limits::MAX_LOCALS;
use prometeu_lexer::Span;
use std::collections::HashMap;

/// What kind of local a name is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum LocalKind {
    Let,
    Param,
    ForVar,
    /// A variable of `for … in`: the element, character or index.
    EachVar,
}

/// How a local's value is reached (§21: only captured locals are boxed).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Access {
    /// The value is in the slot.
    Slot,
    /// The slot holds a box with the value (a local some lambda captures).
    Boxed,
    /// The value is in capture `n` of the running lambda.
    Capture(u16),
}

/// A local variable in scope.
#[derive(Clone, Debug)]
pub(crate) struct Local {
    pub(crate) slot: u16,
    pub(crate) ty: Type,
    pub(crate) kind: LocalKind,
    pub(crate) span: Span,
    pub(crate) access: Access,
}

/// Where the code being checked lives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Mode {
    Function,
    Global(usize),
    Const,
}

/// The context of one function body (or initializer) being checked.
pub(crate) struct FnCx {
    mode: Mode,
    pub(crate) scopes: Vec<HashMap<String, Local>>,
    pub(crate) next_slot: u32,
    max_slot: u32,
    /// Whether this body already reported using too many local slots.
    too_many_locals: bool,
    pub(crate) loops: u32,
    pub(crate) ret: Type,
    /// Inside the operand of `&&`/`||` that a constant left operand skips: not evaluated.
    pub(crate) skipped: u32,
}

impl FnCx {
    pub(crate) fn new(mode: Mode, ret: Type) -> FnCx {
        FnCx {
            mode,
            scopes: vec![HashMap::new()],
            next_slot: 0,
            max_slot: 0,
            too_many_locals: false,
            loops: 0,
            ret,
            skipped: 0,
        }
    }

    /// The context of a constant's initializer.
    pub(crate) fn constant() -> FnCx {
        FnCx::new(Mode::Const, Type::Void)
    }

    /// Inside a constant expression: the label explaining why only constants are allowed.
    pub(crate) fn const_context(&self) -> Option<&'static str> {
        (self.mode == Mode::Const)
            .then_some("constant initializers may only use literals, constants, `as` and operators")
    }

    /// Inside a global initializer: the position of that global.
    pub(crate) fn global_order(&self) -> Option<usize> {
        match self.mode {
            Mode::Global(order) => Some(order),
            _ => None,
        }
    }

    /// The local a name refers to, innermost scope first.
    pub(crate) fn lookup(&self, name: &str) -> Option<&Local> {
        self.scopes.iter().rev().find_map(|s| s.get(name))
    }

    /// Whether a local hides a top-level or built-in name.
    pub(crate) fn shadows(&self, name: &str) -> bool {
        self.lookup(name).is_some()
    }

    /// Reserves `count` consecutive slots.
    pub(crate) fn alloc(&mut self, count: u32) -> u32 {
        let slot = self.next_slot;
        self.next_slot += count;
        self.max_slot = self.max_slot.max(self.next_slot);
        slot
    }

    /// Opens a block scope.
    pub(crate) fn push_scope(&mut self) {
        self.scopes.push(HashMap::new());
    }

    /// Closes the innermost block scope.
    pub(crate) fn pop_scope(&mut self) {
        self.scopes.pop();
    }

    /// The next free slot, to give back the slots of a scope once it is closed.
    pub(crate) fn save_slots(&self) -> u32 {
        self.next_slot
    }

    /// Frees the slots reserved since [`FnCx::save_slots`].
    pub(crate) fn restore_slots(&mut self, saved: u32) {
        self.next_slot = saved;
    }

    /// How many local slots the body uses, as a function header records it. A body over
    /// the limit has been reported and is never compiled.
    pub(crate) fn locals(&self) -> u16 {
        u16::try_from(self.max_slot).unwrap_or(u16::MAX)
    }
}

/// Whether a statement list always ends in `return` or a call of `panic` (host number
/// `panic`), for missing-return analysis.
pub(crate) fn always_returns(stmts: &[TStmt], panic: Option<usize>) -> bool {
    stmts.iter().any(|s| match &s.kind {
        TStmtKind::Return(_) => true,
        TStmtKind::Expr(e) => is_panic(e, panic),
        TStmtKind::Block(b) => always_returns(b, panic),
        TStmtKind::Switch(sw) => super::switch::ends_every_path(sw, panic),
        TStmtKind::If(branches, Some(otherwise)) => {
            branches.iter().all(|(_, b)| always_returns(b, panic))
                && always_returns(otherwise, panic)
        }
        TStmtKind::IfLet {
            then,
            otherwise: Some(otherwise),
            ..
        } => always_returns(then, panic) && always_returns(otherwise, panic),
        _ => false,
    })
}

/// Whether an expression is a call of `panic`, which never returns.
fn is_panic(e: &TExpr, panic: Option<usize>) -> bool {
    matches!(e.kind, TExprKind::CallHost(host, _) if Some(host as usize) == panic)
}

impl Checker<'_> {
    /// The host number of `panic`, whose calls end a path like a `return`.
    pub(crate) fn panic_host(&self) -> Option<usize> {
        self.builtins.hosts.iter().position(|h| h.name == "panic")
    }

    /// Declares a local in the innermost scope, reporting a duplicate in the same block.
    pub(crate) fn declare_local(
        &mut self,
        cx: &mut FnCx,
        name: &Ident,
        ty: Type,
        kind: LocalKind,
        slots: u16,
    ) -> u16 {
        match kind {
            LocalKind::Let => self.builtin_type_name(name, "a variable"),
            LocalKind::ForVar | LocalKind::EachVar => {
                self.builtin_type_name(name, "a loop variable")
            }
            // Parameters are reported with their function's signature.
            LocalKind::Param => {}
        }
        if let Some(earlier) = cx.scopes.last().and_then(|s| s.get(name.name.as_str())) {
            let earlier = earlier.span;
            self.report(
                CheckError::new(
                    "E0202",
                    format!("`{}` is already declared in this block", name.name),
                    name.span,
                    "declared again here",
                )
                .with_label(earlier, "first declared here")
                .with_help("rename it, or assign to the existing variable without `let`"),
            );
        }
        let slot = self.reserve_slots(cx, slots, name.span);
        if let Some(scope) = cx.scopes.last_mut() {
            scope.insert(
                name.name.to_string(),
                Local {
                    slot,
                    ty,
                    kind,
                    span: name.span,
                    access: if self.captures.boxed.contains(&name.span) {
                        Access::Boxed
                    } else {
                        Access::Slot
                    },
                },
            );
        }
        slot
    }

    /// Reserves `slots` consecutive slots that no name refers to (for a value the compiled
    /// code keeps, such as the collection of a `for … in`); `span` is where to report a
    /// function that runs out of slots.
    pub(crate) fn declare_hidden(&mut self, cx: &mut FnCx, slots: u16, span: Span) -> u16 {
        self.reserve_slots(cx, slots, span)
    }

    /// Makes `name` a read-only loop variable for an existing slot.
    pub(crate) fn declare_alias(&mut self, cx: &mut FnCx, name: &Ident, ty: Type, slot: u16) {
        self.builtin_type_name(name, "a loop variable");
        if let Some(scope) = cx.scopes.last_mut() {
            scope.insert(
                name.name.to_string(),
                Local {
                    slot,
                    ty,
                    kind: LocalKind::EachVar,
                    span: name.span,
                    access: Access::Slot,
                },
            );
        }
    }

    /// Reserves `slots` consecutive slots, reporting (once) a body over the limit.
    pub(crate) fn reserve_slots(&mut self, cx: &mut FnCx, slots: u16, span: Span) -> u16 {
        let slot = cx.alloc(slots as u32);
        if cx.next_slot > MAX_LOCALS && !cx.too_many_locals {
            cx.too_many_locals = true;
            self.report(
                CheckError::new(
                    "E0600",
                    format!("too many local variables: a function can use at most {MAX_LOCALS} local slots"),
                    span,
                    format!("this needs slot {}", cx.next_slot),
                )
                .with_help("split the function into smaller ones, or keep the values in an array; parameters take one slot, each `let` one and each `for` loop three"),
            );
        }
        u16::try_from(slot).unwrap_or(u16::MAX)
    }

    /// Checks a function body.
    pub(crate) fn check_function(&mut self, index: u32, f: &FnDecl, body: &Block) -> TFunction {
        let sig = self.fns[index as usize].clone();
        self.begin_body(&sig.name.name);
        let params: Vec<&Ident> = sig.params.iter().map(|(n, _)| n).collect();
        self.captures.scan_body(&params, body);
        let mut cx = FnCx::new(Mode::Function, sig.ret.clone());
        for (name, ty) in &sig.params {
            self.declare_local(&mut cx, name, ty.clone(), LocalKind::Param, 1);
        }
        let mut boxing = Self::box_scope(&cx, f.header);
        boxing.extend(self.block_stmts(body, &mut cx));
        let body = boxing;
        let panic = self.panic_host();
        if !matches!(sig.ret, Type::Void | Type::Error) && !always_returns(&body, panic) {
            let ret_span = f.ret.as_ref().map_or(f.header, TypeExpr::span);
            self.report(
                CheckError::new(
                    "E0405",
                    format!(
                        "missing return: `{}` must return `{}` on every path",
                        f.name.name, sig.ret
                    ),
                    f.body.close(),
                    "control can reach the end of the function here",
                )
                .with_label(ret_span, format!("declared to return `{}`", sig.ret))
                .with_help("add a `return` at the end of the function"),
            );
        }
        TFunction {
            name: sig.name.name.to_string(),
            params: sig.params.len() as u16,
            locals: cx.locals(),
            returns_value: sig.ret != Type::Void,
            body,
            end: f.body.close(),
        }
    }

    /// Checks a global's declaration and returns its initializing store.
    pub(crate) fn check_global(
        &mut self,
        index: usize,
        ty: Option<&TypeExpr>,
        value: &Expr,
    ) -> Option<TStmt> {
        let mut cx = FnCx::new(Mode::Global(index), Type::Void);
        let owner = match &self.lambdas.input {
            Some((file, input)) if *file == self.file => input.clone(),
            _ => format!("<global {}>", self.globals[index].name.name),
        };
        self.begin_body(&owner);
        self.captures.scan_expr(value);
        let annotated = ty.map(|t| self.resolve_type(t));
        // A function global's lambda may call the global itself (recursion): its type is
        // known from the annotation before the initializer is checked.
        if let Some(t @ Type::Func(..)) = &annotated {
            if self.globals[index].ty.is_none() {
                self.globals[index].ty = Some(t.clone());
            }
        }
        let t = match &annotated {
            Some(Type::Void) => {
                let name = self.globals[index].name.clone();
                self.report(CheckError::new(
                    "E0310",
                    format!("global `{}` cannot have type void", name.name),
                    ty.map_or(name.span, TypeExpr::span),
                    "void has no values",
                ));
                error_expr(value.span)
            }
            Some(want) if !want.is_error() => self.expect(
                value,
                &mut cx,
                want,
                "the global is declared with this type",
            ),
            _ => self.value(value, &mut cx),
        };
        let ty = annotated
            .filter(|t| !t.is_error())
            .unwrap_or_else(|| t.ty.clone());
        if self.globals[index].external {
            // A REPL input declaring a session global again: same type only.
            let existing = self.globals[index].ty.clone().unwrap_or(Type::Error);
            if existing != ty && !ty.is_error() {
                let name = self.globals[index].name.clone();
                self.report(super::session::session_retyped(
                    &name.name, &existing, &ty, value.span,
                ));
                return None;
            }
        }
        self.globals[index].ty = Some(ty);
        let name = self.globals[index].name.name.clone();
        let span = value.span;
        (!t.ty.is_error()).then_some(TStmt {
            kind: TStmtKind::Store(Place::Global(name.boxed()), t),
            span,
        })
    }

    /// Checks the statements of a block in a new scope.
    pub(crate) fn block_stmts(&mut self, block: &Block, cx: &mut FnCx) -> Vec<TStmt> {
        cx.scopes.push(HashMap::new());
        let saved = cx.next_slot;
        let mut out = Vec::with_capacity(block.stmts.len());
        let mut ended = false;
        let mut warned = false;
        for s in &block.stmts {
            if ended && !warned && !matches!(s.kind, StmtKind::Error) {
                self.report(
                    CheckError::warning("W0001", "unreachable code", s.span, "this is never run")
                        .with_help(
                        "remove it, or move it before the `return`, `break`, `continue` or `panic`",
                    ),
                );
                warned = true;
            }
            if let Some(t) = self.stmt(s, cx) {
                ended |= match &t.kind {
                    TStmtKind::Return(_) | TStmtKind::Break | TStmtKind::Continue => true,
                    TStmtKind::Expr(e) => is_panic(e, self.panic_host()),
                    _ => false,
                };
                out.push(t);
            }
        }
        cx.scopes.pop();
        cx.next_slot = saved;
        out
    }

    /// Checks a condition: it must be a bool.
    pub(crate) fn condition(&mut self, e: &Expr, cx: &mut FnCx) -> TExpr {
        let t = self.value(e, cx);
        if !Type::Bool.accepts(&t.ty) {
            self.report(
                CheckError::new(
                    "E0303",
                    format!("condition must be `bool`, found `{}`", t.ty),
                    e.span,
                    format!("this is `{}`", t.ty),
                )
                .with_help(if t.ty.payload().is_some() {
                    super::optional::TAKE_PAYLOAD
                } else {
                    "compare it explicitly, such as `x != 0`"
                }),
            );
            return error_expr(e.span);
        }
        t
    }

    /// Checks one statement.
    pub(crate) fn stmt(&mut self, s: &Stmt, cx: &mut FnCx) -> Option<TStmt> {
        let span = s.span;
        let kind = match &s.kind {
            StmtKind::Let { name, ty, init } => {
                let annotated = ty.as_ref().map(|t| self.resolve_type(t));
                let t = match &annotated {
                    Some(Type::Void) => {
                        self.report(CheckError::new(
                            "E0310",
                            format!("variable `{}` cannot have type void", name.name),
                            ty.as_ref().map_or(name.span, |t| t.span()),
                            "void has no values",
                        ));
                        self.expr(init, cx);
                        error_expr(init.span)
                    }
                    Some(want) if !want.is_error() => {
                        self.expect(init, cx, want, "the variable is declared with this type")
                    }
                    // A wrong annotation was reported; `none` and `[]` take no second error.
                    Some(_) => self.value_hint(init, cx, Some(&Type::Error)),
                    None => self.value(init, cx),
                };
                let local_ty = annotated
                    .filter(|t| !t.is_error() && *t != Type::Void)
                    .unwrap_or_else(|| t.ty.clone());
                let slot = self.declare_local(cx, name, local_ty, LocalKind::Let, 1);
                let t = if self.captures.boxed.contains(&name.span) {
                    let ty = t.ty.clone();
                    let span = t.span;
                    TExpr {
                        kind: TExprKind::NewBox(Box::new(t)),
                        ty,
                        span,
                    }
                } else {
                    t
                };
                TStmtKind::Store(Place::Local(slot), t)
            }
            StmtKind::Assign { target, op, value } => {
                let (place, ty) = self.place(target, cx)?;
                match op {
                    None => {
                        let value = self.expect(value, cx, &ty, "the assigned place has this type");
                        TStmtKind::Store(place, value)
                    }
                    Some(op) => {
                        let rhs = self.value_hint(value, cx, Some(&ty));
                        if ty.is_error() || rhs.ty.is_error() {
                            return None;
                        }
                        match super::expr::binary_type(*op, &ty, &rhs.ty) {
                            Some(result) if result == ty => TStmtKind::Update(place, *op, rhs),
                            _ => {
                                let mut err = CheckError::new(
                                    "E0301",
                                    format!(
                                        "operator `{}=` cannot be applied to `{ty}` and `{}`",
                                        op.symbol(),
                                        rhs.ty
                                    ),
                                    span,
                                    if ty == rhs.ty {
                                        format!("`{ty}` does not support `{}`", op.symbol())
                                    } else {
                                        "incompatible operands".to_string()
                                    },
                                );
                                if ty.payload().is_some() {
                                    err = err.with_help(super::optional::TAKE_PAYLOAD);
                                }
                                if ty.is_numeric() && rhs.ty.is_numeric() && ty != rhs.ty {
                                    err = err.with_help(format!("there are no implicit conversions; convert the value with `as {ty}`"));
                                }
                                self.report(err);
                                return None;
                            }
                        }
                    }
                }
            }
            StmtKind::If {
                branches,
                otherwise,
            } => {
                let branches = branches
                    .iter()
                    .map(|(c, b)| (self.condition(c, cx), self.block_stmts(b, cx)))
                    .collect();
                let otherwise = otherwise.as_ref().map(|b| self.block_stmts(b, cx));
                TStmtKind::If(branches, otherwise)
            }
            StmtKind::IfLet {
                name,
                value,
                then,
                otherwise,
            } => self.if_let(name, value, then, otherwise.as_deref(), cx)?,
            StmtKind::While { cond, body } => {
                let cond = self.condition(cond, cx);
                cx.loops += 1;
                let body = self.block_stmts(body, cx);
                cx.loops -= 1;
                TStmtKind::While(cond, body)
            }
            StmtKind::For {
                var,
                from,
                until,
                step,
                body,
            } => {
                let from = self.expect(from, cx, &Type::Int, "`for` bounds are ints");
                let until = self.expect(until, cx, &Type::Int, "`for` bounds are ints");
                let step = match step {
                    Some(e) => {
                        let t = self.expect(e, cx, &Type::Int, "the `for` step is an int");
                        if t.kind == TExprKind::Int(0) {
                            self.report(
                                CheckError::new("E0408", "for loop step is zero", e.span, "this loop would never advance")
                                    .with_help("use a positive step to count up or a negative one to count down"),
                            );
                        }
                        t
                    }
                    None => TExpr {
                        kind: TExprKind::Int(1),
                        ty: Type::Int,
                        span: var.span,
                    },
                };
                cx.scopes.push(HashMap::new());
                let saved = cx.next_slot;
                let slot = self.declare_local(cx, var, Type::Int, LocalKind::ForVar, 3);
                let mut prefix = self.fresh_counter(cx, var, slot);
                cx.loops += 1;
                let mut body = self.block_stmts(body, cx);
                if !prefix.is_empty() {
                    prefix.append(&mut body);
                    body = prefix;
                }
                cx.loops -= 1;
                cx.scopes.pop();
                cx.next_slot = saved;
                TStmtKind::For {
                    slot,
                    from: Box::new(from),
                    until: Box::new(until),
                    step: Box::new(step),
                    body,
                }
            }
            StmtKind::ForIn {
                index,
                var,
                over,
                body,
            } => self.for_in(index.as_deref(), var, over, body, span, cx),
            StmtKind::Break | StmtKind::Continue => {
                let is_break = matches!(s.kind, StmtKind::Break);
                if cx.loops == 0 {
                    let word = if is_break { "break" } else { "continue" };
                    self.report(CheckError::new(
                        "E0404",
                        format!("`{word}` outside of a loop"),
                        span,
                        "not inside `while` or `for`",
                    ));
                    return None;
                }
                if is_break {
                    TStmtKind::Break
                } else {
                    TStmtKind::Continue
                }
            }
            StmtKind::Return(value) => {
                let ret = cx.ret.clone();
                match (value, &ret) {
                    (None, Type::Void | Type::Error) => TStmtKind::Return(None),
                    (None, _) => {
                        self.report(CheckError::new(
                            "E0406",
                            format!("this function must return a value of type `{ret}`"),
                            span,
                            "`return` without a value",
                        ));
                        TStmtKind::Return(None)
                    }
                    (Some(e), Type::Void) => {
                        self.expr(e, cx);
                        self.report(
                            CheckError::new(
                                "E0407",
                                "cannot return a value from a void function",
                                e.span,
                                "this value",
                            )
                            .with_help(
                                "declare a return type after the parameters, such as `fn f(): int`",
                            ),
                        );
                        TStmtKind::Return(None)
                    }
                    (Some(e), _) => TStmtKind::Return(Some(self.expect(
                        e,
                        cx,
                        &ret,
                        "the function's return type",
                    ))),
                }
            }
            StmtKind::Expr(e) => TStmtKind::Expr(self.expr(e, cx)),
            StmtKind::Block(b) => TStmtKind::Block(self.block_stmts(b, cx)),
            StmtKind::Switch(sw) => self.switch(sw, cx)?,
            StmtKind::Error => return None,
        };
        Some(TStmt { kind, span })
    }

    /// Resolves an assignment target.
    fn place(&mut self, target: &Expr, cx: &mut FnCx) -> Option<(Place, Type)> {
        match &target.kind {
            ExprKind::Field(base, field) => {
                if let ExprKind::Name(ns) = &base.kind {
                    if let Some(file) = self.module_alias(ns).filter(|_| !cx.shadows(ns)) {
                        let found = self.member(ns, file, field);
                        found?;
                        let shown = format!("{ns}.{}", field.name);
                        return self.top_level_place(found, &shown, target, cx);
                    }
                }
                let obj = self.value(base, cx);
                return match &obj.ty {
                    Type::Error => None,
                    Type::Struct(name) => {
                        let info = self.structs.iter().find(|s| s.name.name == *name)?.clone();
                        match info.field(&field.name) {
                            Some((index, ty)) => Some((Place::Field(Box::new(obj), index), ty)),
                            None => {
                                let is_method = info.methods.contains_key(field.name.as_str());
                                self.report(CheckError::new(
                                    if is_method { "E0403" } else { "E0312" },
                                    format!("`{name}` has no field `{}`", field.name),
                                    field.span,
                                    if is_method {
                                        "a method cannot be assigned to"
                                    } else {
                                        "no such field"
                                    },
                                ));
                                None
                            }
                        }
                    }
                    other => {
                        self.report(CheckError::new(
                            "E0312",
                            format!("`{other}` has no field `{}`", field.name),
                            field.span,
                            "no such field",
                        ));
                        None
                    }
                };
            }
            ExprKind::Index(base, index) => {
                let arr = self.value(base, cx);
                if matches!(arr.ty, Type::Map(..)) {
                    return self.map_place(arr, index, cx);
                }
                let idx = self.expect(index, cx, &Type::Int, "array indices are ints");
                return match &arr.ty {
                    Type::Error => None,
                    Type::Array(elem) => {
                        let elem = (**elem).clone();
                        Some((Place::Index(Box::new(arr), Box::new(idx)), elem))
                    }
                    other => {
                        self.report(CheckError::new(
                            "E0312",
                            format!("`{other}` cannot be indexed"),
                            base.span,
                            "not an array",
                        ));
                        None
                    }
                };
            }
            ExprKind::This => {
                self.report(
                    CheckError::new(
                        "E0403",
                        "invalid assignment target: `this` cannot be assigned to",
                        target.span,
                        "not assignable",
                    )
                    .with_help("assign to a field instead, such as `this.x = ...`"),
                );
                return None;
            }
            _ => {}
        }
        let ExprKind::Name(name) = &target.kind else {
            if !matches!(target.kind, ExprKind::Error) {
                self.report(
                    CheckError::new(
                        "E0403",
                        "invalid assignment target",
                        target.span,
                        "cannot be assigned to",
                    )
                    .with_help("assign to a variable, a global, a field or an array element"),
                );
            }
            return None;
        };
        if let Some(local) = cx.lookup(name) {
            let local = local.clone();
            return match local.kind {
                LocalKind::Let => Some((Self::local_place(&local), local.ty)),
                LocalKind::Param => {
                    self.report(
                        CheckError::new(
                            "E0400",
                            format!("cannot assign to parameter `{name}`: parameters are read-only"),
                            target.span,
                            "assigned here",
                        )
                        .with_label(local.span, "declared as a parameter here")
                        .with_help(format!("parameters are read-only; copy it into a `let`: `let {name}2 = {name};`")),
                    );
                    None
                }
                LocalKind::EachVar => {
                    self.report(
                        CheckError::new(
                            "E0402",
                            format!("cannot assign to the loop variable `{name}`"),
                            target.span,
                            "assigned here",
                        )
                        .with_label(local.span, "the loop variable")
                        .with_help("the variables of `for … in` are read-only; copy it into a `let` to change it"),
                    );
                    None
                }
                LocalKind::ForVar => {
                    self.report(
                        CheckError::new(
                            "E0402",
                            format!("cannot assign to the loop variable `{name}`"),
                            target.span,
                            "assigned here",
                        )
                        .with_label(local.span, "the loop variable")
                        .with_help("use `step` to change how it advances, or copy it into a `let`"),
                    );
                    None
                }
            };
        }
        let found = self.lookup(name);
        self.top_level_place(found, name, target, cx)
    }

    /// Resolves an assignment to a top-level declaration named `name` (as written).
    fn top_level_place(
        &mut self,
        found: Option<(TopLevel, Span)>,
        name: &str,
        target: &Expr,
        cx: &mut FnCx,
    ) -> Option<(Place, Type)> {
        match found {
            Some((TopLevel::Global(index), _)) => {
                let Some(ty) = self.globals[index].ty.clone() else {
                    self.unknown_global_type(index, name, target.span);
                    return None;
                };
                Some((Place::Global(self.globals[index].name.name.boxed()), ty))
            }
            Some((TopLevel::Const(_), decl)) => {
                self.report(
                    CheckError::new(
                        "E0401",
                        format!("cannot assign to constant `{name}`"),
                        target.span,
                        "assigned here",
                    )
                    .with_label(decl, "declared as a constant here")
                    .with_help("declare it with `declare global` to make it mutable"),
                );
                None
            }
            Some((TopLevel::Bank(_), decl)) => {
                self.report(
                    CheckError::new(
                        "E0401",
                        format!("cannot assign to bank `{name}`"),
                        target.span,
                        "assigned here",
                    )
                    .with_label(decl, "declared as a bank here")
                    .with_help("keep the bank in a `declare global b: Bank = ...;` to choose between banks"),
                );
                None
            }
            Some((TopLevel::Sound(_), decl)) => {
                self.report(
                    CheckError::new(
                        "E0401",
                        format!("cannot assign to sound `{name}`"),
                        target.span,
                        "assigned here",
                    )
                    .with_label(decl, "declared as a sound here")
                    .with_help("keep the sound in a `declare global s: Sound = ...;` to choose between sounds"),
                );
                None
            }
            Some((
                TopLevel::Fn(_) | TopLevel::Struct(_) | TopLevel::Enum(_) | TopLevel::Contract(_),
                decl,
            )) => {
                self.report(
                    CheckError::new(
                        "E0403",
                        "invalid assignment target",
                        target.span,
                        "a function cannot be assigned to",
                    )
                    .with_label(decl, "declared here"),
                );
                None
            }
            None => {
                let err = CheckError::new(
                    "E0200",
                    format!("cannot find `{name}` in this scope"),
                    target.span,
                    "not found",
                );
                let err = match self.unknown_name_help(name, cx) {
                    Some(help) => err.with_help(help),
                    None => err,
                };
                self.report(err);
                None
            }
        }
    }
}
