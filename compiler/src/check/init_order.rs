//! Nothing reads a global before it exists (§15.9).
//!
//! Globals are initialized one after the other, in initialization order (file by file,
//! imported files first, then in source order), and a global's index is its place in that
//! order. A direct read of a later global in an initializer is reported where it is checked
//! (E0205). This pass finds the indirect ones: while bodies are checked, it records which
//! globals each function reads and which functions it calls; then, for each initializer, it
//! walks the functions it calls (breadth first, so the reported path is a shortest one) and
//! reports every global read there that is not initialized yet (E0805).
//!
//! A lambda's body runs when the lambda is called, not where it is made, so each lambda is
//! a function of its own here: making one is no call, and what its body reads and calls
//! counts only where it is called with a target known at compile time (a lambda called
//! where it is written, `fn(): int { ... }()`). A call through any other function value
//! has no known target; a global it reads too early traps at run time instead (the
//! global holds no value before its initializer has run).

use super::{CheckError, Checker};
use prometeu_lexer::Span;
use std::collections::VecDeque;

/// Whose code is being checked.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Owner {
    Function(u32),
    Global(usize),
    /// A lambda, by its number among the lambdas.
    Lambda(u32),
}

/// What the checked code reads and calls.
#[derive(Debug, Default)]
pub(crate) struct Uses {
    owner: Option<Owner>,
    /// The node of lambda 0: functions are nodes `0..lambda_base`, lambdas follow.
    pub(crate) lambda_base: u32,
    /// For each function (and lambda), the globals it reads, with where.
    reads: Vec<Vec<(usize, Span)>>,
    /// For each function (and lambda), the functions and lambdas it calls, with where.
    calls: Vec<Vec<(u32, Span)>>,
    /// For each global initializer, the functions it calls, with where.
    init_calls: Vec<(usize, u32, Span)>,
}

impl Uses {
    /// Starts recording for a function body.
    pub(crate) fn begin_function(&mut self, index: u32) {
        self.owner = Some(Owner::Function(index));
    }

    /// Starts recording for a global initializer.
    pub(crate) fn begin_global(&mut self, index: usize) {
        self.owner = Some(Owner::Global(index));
    }

    /// Stops recording.
    pub(crate) fn end(&mut self) {
        self.owner = None;
    }

    /// Starts recording for the body of lambda `n`; returns what to give [`Uses::leave`]
    /// once the body is checked.
    pub(crate) fn enter_lambda(&mut self, n: u32) -> Option<Owner> {
        self.owner.replace(Owner::Lambda(n))
    }

    /// Goes back to recording for the code around a lambda.
    pub(crate) fn leave(&mut self, outer: Option<Owner>) {
        self.owner = outer;
    }

    /// The node of the code being recorded, when it is a function or a lambda.
    fn node(&self) -> Option<usize> {
        match self.owner {
            Some(Owner::Function(f)) => Some(f as usize),
            Some(Owner::Lambda(n)) => Some((self.lambda_base + n) as usize),
            _ => None,
        }
    }

    /// Records a call of lambda `n`, at the place it is written.
    pub(crate) fn call_lambda(&mut self, n: u32, span: Span) {
        self.call(self.lambda_base + n, span);
    }

    /// Records a read of global `index`.
    pub(crate) fn read(&mut self, index: usize, span: Span) {
        if let Some(f) = self.node() {
            if self.reads.len() <= f {
                self.reads.resize_with(f + 1, Vec::new);
            }
            self.reads[f].push((index, span));
        }
    }

    /// Records a call of function (node) `index`.
    pub(crate) fn call(&mut self, index: u32, span: Span) {
        match self.owner {
            Some(Owner::Function(_) | Owner::Lambda(_)) => {
                let f = self.node().unwrap_or(0);
                if self.calls.len() <= f {
                    self.calls.resize_with(f + 1, Vec::new);
                }
                self.calls[f].push((index, span));
            }
            Some(Owner::Global(g)) => self.init_calls.push((g, index, span)),
            None => {}
        }
    }
}

impl Checker<'_> {
    /// Gives each global of `annotated` (file, global, written type) that type before any
    /// initializer is checked: a lambda in an initializer may read a global declared after
    /// it (its body runs later). Each annotation is resolved again, and its errors reported,
    /// with its global.
    pub(crate) fn written_global_types<'t>(
        &mut self,
        annotated: impl Iterator<Item = (usize, usize, &'t crate::ast::TypeExpr)>,
    ) {
        for (file, index, ty) in annotated {
            if self.globals[index].ty.is_some() {
                continue;
            }
            self.file = file;
            let errors = self.errors.len();
            let t = self.resolve_type(ty);
            self.errors.truncate(errors);
            if !t.is_error() && t != crate::types::Type::Void {
                self.globals[index].ty = Some(t);
            }
        }
    }

    /// Reports every global that a function called from an initializer reads before the
    /// global is initialized.
    pub(crate) fn init_order(&mut self) {
        let uses = std::mem::take(&mut self.uses);
        let count = self.fns.len() + self.lambdas.done.len();
        let mut reported: Vec<(usize, usize)> = Vec::new();
        for &(global, first, call_span) in &uses.init_calls {
            // Breadth-first search from the called function; `parent` rebuilds the path.
            let mut parent: Vec<Option<u32>> = vec![None; count];
            let mut seen = vec![false; count];
            let mut queue = VecDeque::new();
            if (first as usize) < count {
                seen[first as usize] = true;
                queue.push_back(first);
            }
            while let Some(f) = queue.pop_front() {
                for &(read, read_span) in uses.reads.get(f as usize).map_or(&[][..], |r| r) {
                    let external = self.globals.get(read).is_none_or(|g| g.external);
                    if read < global || external || reported.contains(&(global, read)) {
                        continue;
                    }
                    reported.push((global, read));
                    let mut path = vec![f];
                    while let Some(p) = parent[*path.last().unwrap_or(&f) as usize] {
                        path.push(p);
                    }
                    path.reverse();
                    self.report_early_read(global, read, read_span, call_span, &path);
                }
                for &(callee, _) in uses.calls.get(f as usize).map_or(&[][..], |c| c) {
                    let c = callee as usize;
                    if c < count && !seen[c] {
                        seen[c] = true;
                        parent[c] = Some(f);
                        queue.push_back(callee);
                    }
                }
            }
        }
    }

    /// Reports that the initializer of global `global` reads global `read` (at `read_span`)
    /// through the functions of `path`, starting with the call at `call_span`.
    fn report_early_read(
        &mut self,
        global: usize,
        read: usize,
        read_span: Span,
        call_span: Span,
        path: &[u32],
    ) {
        let target = self.globals[global].name.name.clone();
        let name = self.globals[read].name.name.clone();
        let mut chain = format!("the initializer of `{target}`");
        for (i, f) in path.iter().enumerate() {
            let verb = if i == 0 { " calls" } else { ", which calls" };
            match self.fns.get(*f as usize) {
                Some(callee) => chain.push_str(&format!("{verb} `{}`", callee.name.name)),
                None => chain.push_str(&format!("{verb} a lambda")),
            }
        }
        chain.push_str(&format!(", which reads `{name}`"));
        let order = if read == global {
            format!("`{name}` is the global being initialized")
        } else {
            format!("`{name}` is initialized after `{target}`")
        };
        self.report(
            CheckError::new(
                "E0805",
                format!("global `{name}` is read before its initializer has run"),
                read_span,
                format!("`{name}` is read here"),
            )
            .with_label(call_span, format!("called while initializing `{target}`"))
            .with_note(chain)
            .with_note(order)
            .with_help(format!(
                "declare `{name}` before `{target}` (in an imported file, or earlier in this one), or compute the value without calling this function"
            )),
        );
    }
}
