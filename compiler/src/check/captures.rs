//! Which locals lambdas capture (§15.5, §21), found by a pass over a body's syntax before
//! it is checked: a captured local is boxed from its declaration on, so every access to it,
//! before and after the lambda, goes through the box; the other locals stay plain slots.
//! The pass follows the checker's scoping: a `let` is visible after its initializer, loop
//! variables and `if let` / `switch` bindings in their blocks, parameters in the body.

use crate::ast::{Arm, Block, Expr, ExprKind, Ident, PatternKind, Stmt, StmtKind};
use prometeu_lexer::Span;
use std::collections::{HashMap, HashSet};

/// What the pass found: the declarations lambdas capture (by the span of the declared
/// name) and, for each lambda (by its span), the names it captures, in first-use order.
#[derive(Debug, Default)]
pub(crate) struct Captures {
    /// The declarations some lambda captures.
    pub(crate) boxed: HashSet<Span>,
    /// Each lambda's captured names.
    pub(crate) lambdas: HashMap<Span, Vec<String>>,
}

/// The walk's state: the scopes in effect, each name with its declaration and the
/// function level (0 for the body, one more inside each lambda) that declared it.
struct Scan<'c> {
    scopes: Vec<HashMap<String, (Span, u32)>>,
    level: u32,
    /// The capture lists of the lambdas being walked, outermost first.
    open: Vec<Vec<String>>,
    out: &'c mut Captures,
}

impl Captures {
    /// Scans a function body whose parameters are `params`.
    pub(crate) fn scan_body(&mut self, params: &[&Ident], body: &Block) {
        let mut scan = Scan::new(self);
        for p in params {
            scan.declare(p);
        }
        scan.block(body);
    }

    /// Scans top-level statements (a REPL input) or one initializer expression.
    pub(crate) fn scan_stmts(&mut self, stmts: &[&Stmt]) {
        let mut scan = Scan::new(self);
        for s in stmts {
            scan.stmt(s);
        }
    }

    /// Scans one expression (a global's initializer).
    pub(crate) fn scan_expr(&mut self, e: &Expr) {
        Scan::new(self).expr(e);
    }
}

impl<'c> Scan<'c> {
    fn new(out: &'c mut Captures) -> Scan<'c> {
        Scan {
            scopes: vec![HashMap::new()],
            level: 0,
            open: Vec::new(),
            out,
        }
    }

    fn declare(&mut self, name: &Ident) {
        if let Some(scope) = self.scopes.last_mut() {
            scope.insert(name.name.to_string(), (name.span, self.level));
        }
    }

    /// A use of `name`: when it names a local of an enclosing function, that local is
    /// boxed and every lambda between them captures it.
    fn use_name(&mut self, name: &str) {
        let found = self.scopes.iter().rev().find_map(|s| s.get(name)).copied();
        let Some((decl, level)) = found else {
            return;
        };
        if level >= self.level {
            return;
        }
        self.out.boxed.insert(decl);
        for list in self.open.iter_mut().skip(level as usize) {
            if !list.iter().any(|n| n == name) {
                list.push(name.to_string());
            }
        }
    }

    fn block(&mut self, b: &Block) {
        self.scopes.push(HashMap::new());
        for s in &b.stmts {
            self.stmt(s);
        }
        self.scopes.pop();
    }

    fn scoped_block(&mut self, names: &[&Ident], b: &Block) {
        self.scopes.push(HashMap::new());
        for n in names {
            self.declare(n);
        }
        self.block(b);
        self.scopes.pop();
    }

    /// Walks the value of a `switch` value's arm with its bindings in scope.
    fn scoped_expr(&mut self, names: &[&Ident], e: &Expr) {
        self.scopes.push(HashMap::new());
        for n in names {
            self.declare(n);
        }
        self.expr(e);
        self.scopes.pop();
    }

    fn stmt(&mut self, s: &Stmt) {
        match &s.kind {
            StmtKind::Let { name, init, .. } => {
                self.expr(init);
                self.declare(name);
            }
            StmtKind::Assign { target, value, .. } => {
                self.expr(target);
                self.expr(value);
            }
            StmtKind::If {
                branches,
                otherwise,
            } => {
                for (c, b) in branches {
                    self.expr(c);
                    self.block(b);
                }
                if let Some(b) = otherwise {
                    self.block(b);
                }
            }
            StmtKind::While { cond, body } => {
                self.expr(cond);
                self.block(body);
            }
            StmtKind::For {
                var,
                from,
                until,
                step,
                body,
            } => {
                self.expr(from);
                self.expr(until);
                if let Some(step) = step {
                    self.expr(step);
                }
                self.scoped_block(&[var], body);
            }
            StmtKind::ForIn {
                index,
                var,
                over,
                body,
            } => {
                self.expr(over);
                let mut names = Vec::new();
                names.extend(index.as_deref());
                names.push(var);
                self.scoped_block(&names, body);
            }
            StmtKind::IfLet {
                name,
                value,
                then,
                otherwise,
            } => {
                self.expr(value);
                self.scoped_block(&[name], then);
                if let Some(b) = otherwise {
                    self.block(b);
                }
            }
            StmtKind::Switch(sw) => {
                self.expr(&sw.scrutinee);
                for arm in &sw.arms {
                    let names = arm_bindings(arm);
                    self.scoped_block(&names, &arm.body);
                }
            }
            StmtKind::Return(Some(e)) | StmtKind::Expr(e) => self.expr(e),
            StmtKind::Block(b) => self.block(b),
            StmtKind::Return(None) | StmtKind::Break | StmtKind::Continue | StmtKind::Error => {}
        }
    }

    fn expr(&mut self, e: &Expr) {
        stacker::maybe_grow(64 * 1024, 1024 * 1024, || self.expr_inner(e));
    }

    fn expr_inner(&mut self, e: &Expr) {
        match &e.kind {
            ExprKind::Name(n) => self.use_name(n),
            ExprKind::This => self.use_name("this"),
            ExprKind::Lambda(lambda) => {
                self.level += 1;
                self.open.push(Vec::new());
                self.scopes.push(HashMap::new());
                for p in &lambda.params {
                    self.declare(&p.name);
                }
                self.block(&lambda.body);
                self.scopes.pop();
                self.level -= 1;
                let list = self.open.pop().unwrap_or_default();
                self.out.lambdas.insert(e.span, list);
            }
            ExprKind::Paren(x)
            | ExprKind::Unary(_, x)
            | ExprKind::Cast(x, _)
            | ExprKind::Field(x, _)
            | ExprKind::Some(x) => self.expr(x),
            ExprKind::Binary(_, a, b)
            | ExprKind::Else(a, b)
            | ExprKind::Index(a, b)
            | ExprKind::ArrayRepeat(a, b) => {
                self.expr(a);
                self.expr(b);
            }
            ExprKind::Call(call) => {
                let (callee, args) = &**call;
                self.expr(callee);
                for a in args {
                    self.expr(a);
                }
            }
            ExprKind::Array(items) => {
                for a in items {
                    self.expr(a);
                }
            }
            ExprKind::New(new) => {
                for a in &new.1 {
                    self.expr(a);
                }
            }
            ExprKind::NewNamed(new) => {
                for a in &new.1 {
                    self.expr(&a.value);
                }
            }
            ExprKind::Map(entries) => {
                for (k, v) in entries {
                    self.expr(k);
                    self.expr(v);
                }
            }
            ExprKind::Switch(sw) => {
                self.expr(&sw.scrutinee);
                for arm in &sw.arms {
                    let names = arm_bindings(arm);
                    self.scoped_expr(&names, &arm.body);
                }
            }
            ExprKind::If(if_) => {
                let (branches, otherwise) = &**if_;
                for (c, v) in branches {
                    self.expr(c);
                    self.expr(v);
                }
                if let Some(v) = otherwise {
                    self.expr(v);
                }
            }
            ExprKind::Int(_)
            | ExprKind::Float(_)
            | ExprKind::Str(_)
            | ExprKind::Bool(_)
            | ExprKind::None
            | ExprKind::Error => {}
        }
    }
}

/// The names a `switch` arm's patterns bind.
fn arm_bindings<B>(arm: &Arm<B>) -> Vec<&Ident> {
    let mut names: Vec<&Ident> = Vec::new();
    for p in &arm.patterns {
        match &p.kind {
            PatternKind::Path {
                bindings: Some(b), ..
            } => names.extend(b.iter()),
            PatternKind::Some(n) => names.push(n),
            _ => {}
        }
    }
    names
}
