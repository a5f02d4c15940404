//! `switch` statements and values (§15.2, §15.8): the scrutinee's kind, each pattern resolved to the value it
//! matches, duplicates, `default` placement, exhaustiveness, unreachable arms and payload
//! bindings.

use super::stmt::{always_returns, FnCx, LocalKind};
use super::{CheckError, Checker, ConstValue, TopLevel};
use crate::ast::{Arm, Block, ExprKind, Ident, Pattern, PatternKind, Switch, UnOp};
use crate::hir::{Key, SwitchKind, TArm, TStmt, TStmtKind, TSwitch};
use crate::types::Type;
use prometeu_lexer::Span;
use std::collections::HashMap;

/// A pattern resolved against the scrutinee: the value it matches, and for a variant its
/// index with the bindings written for its payload.
struct Resolved<'p> {
    key: Key,
    variant: Option<(usize, Option<&'p Vec<Ident>>)>,
}

/// Whether a switch ends every path: it covers every value and each arm ends its path.
pub(crate) fn ends_every_path(sw: &TSwitch, panic: Option<usize>) -> bool {
    sw.covers
        && sw.arms.iter().all(|a| always_returns(&a.body, panic))
        && sw.default.as_ref().is_none_or(|d| always_returns(d, panic))
}

impl Checker<'_> {
    /// Checks a `switch` statement.
    pub(crate) fn switch(&mut self, sw: &Switch, cx: &mut FnCx) -> Option<TStmtKind> {
        let sw = self.switch_of(sw, cx, &mut |this, body: &Block, cx| {
            this.block_stmts(body, cx)
        })?;
        Some(TStmtKind::Switch(Box::new(sw)))
    }

    /// Checks a `switch` whose arm bodies `check_body` checks (blocks of a statement, values
    /// of a `switch` used as a value); `None` when the scrutinee cannot be switched on.
    pub(crate) fn switch_of<B, T>(
        &mut self,
        sw: &Switch<B>,
        cx: &mut FnCx,
        check_body: &mut impl FnMut(&mut Self, &B, &mut FnCx) -> T,
    ) -> Option<TSwitch<T>> {
        let scrutinee = self.value(&sw.scrutinee, cx);
        let enum_index = self.enum_of(&scrutinee.ty);
        let kind = match &scrutinee.ty {
            Type::Int => SwitchKind::Int,
            Type::Str => SwitchKind::Str,
            Type::Bool => SwitchKind::Bool,
            Type::Optional(_) => SwitchKind::Optional,
            _ if enum_index.is_some() => SwitchKind::Enum,
            other => {
                if !other.is_error() {
                    self.report(
                        CheckError::new(
                            "E0910",
                            format!("cannot `switch` on a value of type `{other}`"),
                            sw.scrutinee.span,
                            format!("this is `{other}`"),
                        )
                        .with_help("a `switch` takes an int, a string, a bool, an enum or an optional; use `if` for other values"),
                    );
                }
                for arm in &sw.arms {
                    self.arm_body(arm, &[], cx, check_body);
                }
                return None;
            }
        };
        let saved = cx.next_slot;
        let slot = u16::try_from(cx.alloc(2)).unwrap_or(u16::MAX);
        let mut seen: HashMap<Key, Span> = HashMap::new();
        let mut arms = Vec::new();
        let mut default: Option<(T, Span)> = None;
        let last = sw.arms.len().saturating_sub(1);
        for (i, arm) in sw.arms.iter().enumerate() {
            let mut keys = Vec::new();
            let mut binds: Option<(usize, &Vec<Ident>)> = None;
            let mut payload: Option<&Ident> = None;
            let mut is_default = false;
            for p in &arm.patterns {
                if let PatternKind::Default = p.kind {
                    if i != last || arm.patterns.len() != 1 {
                        self.report(
                            CheckError::new(
                                "E0914",
                                "`default` must be the last arm of a `switch`, on its own",
                                p.span,
                                "`default` here",
                            )
                            .with_help(
                                "move `default => { ... }` to the end, after every other arm",
                            ),
                        );
                    }
                    is_default = true;
                    continue;
                }
                let Some(resolved) = self.resolve_pattern(p, kind, enum_index, &scrutinee.ty)
                else {
                    continue;
                };
                if let Some(&first) = seen.get(&resolved.key) {
                    self.report(
                        CheckError::new(
                            "E0913",
                            "duplicate pattern: this case is already matched by an earlier pattern",
                            p.span,
                            "matched again here",
                        )
                        .with_label(first, "first matched here")
                        .with_help("remove this pattern; each case can appear in one arm only"),
                    );
                    continue;
                }
                seen.insert(resolved.key.clone(), p.span);
                if let PatternKind::Some(name) = &p.kind {
                    if name.name != "_" {
                        if arm.patterns.len() > 1 {
                            self.report(
                                CheckError::new(
                                    "E0917",
                                    "an arm with several patterns cannot bind the payload",
                                    p.span,
                                    "binds a name",
                                )
                                .with_help(
                                    "give `some(...)` an arm of its own, or write `some(_)`",
                                ),
                            );
                        } else {
                            payload = Some(name);
                        }
                    }
                }
                if let (Some((variant, written)), Some(e)) = (resolved.variant, enum_index) {
                    self.check_bindings(e, variant, written, p.span, arm.patterns.len());
                    if let Some(written) = written {
                        binds = Some((variant, written));
                    }
                }
                keys.push(resolved.key);
            }
            if is_default {
                let body = self.arm_body(arm, &[], cx, check_body).2;
                default = Some((body, arm.span));
                continue;
            }
            let (bindings, boxes, body) = match (binds, enum_index, payload) {
                (_, _, Some(name)) => {
                    let inner = match &scrutinee.ty {
                        Type::Optional(inner) => (**inner).clone(),
                        other => other.clone(),
                    };
                    self.arm_body(arm, &[(name, 0, inner)], cx, check_body)
                }
                (Some((variant, written)), Some(e), None) if arm.patterns.len() == 1 => {
                    let fields = self.enums[e].variants[variant].fields.clone();
                    let wanted: Vec<(&Ident, u16, Type)> = written
                        .iter()
                        .zip(fields)
                        .enumerate()
                        .filter(|(_, (name, _))| name.name != "_")
                        .map(|(index, (name, (_, ty)))| (name, index as u16, ty))
                        .collect();
                    self.arm_body(arm, &wanted, cx, check_body)
                }
                _ => self.arm_body(arm, &[], cx, check_body),
            };
            arms.push(TArm {
                keys,
                bindings,
                boxes,
                body,
                span: arm.span,
            });
        }
        cx.next_slot = saved;
        let missing = self.missing_cases(kind, enum_index, &seen);
        if let Some((_, span)) = &default {
            if matches!(
                kind,
                SwitchKind::Bool | SwitchKind::Enum | SwitchKind::Optional
            ) && missing.is_empty()
            {
                self.report(
                    CheckError::warning(
                        "W0002",
                        "unreachable `switch` arm: every case is already matched",
                        *span,
                        "this arm never runs",
                    )
                    .with_help("remove the `default` arm"),
                );
            }
        } else {
            match kind {
                SwitchKind::Int | SwitchKind::Str => self.report(
                    CheckError::new(
                        "E0912",
                        format!(
                            "a `switch` on `{}` needs a `default` arm",
                            scrutinee.ty
                        ),
                        sw.head,
                        "no `default` arm",
                    )
                    .with_help("add `default => { ... }` as the last arm, for the values no pattern matches"),
                ),
                SwitchKind::Bool | SwitchKind::Enum | SwitchKind::Optional
                    if !missing.is_empty() =>
                {
                    let list: Vec<String> = missing.iter().map(|m| format!("`{m}`")).collect();
                    self.report(
                        CheckError::new(
                            "E0911",
                            format!("`switch` does not cover every case: missing {}", list.join(", ")),
                            sw.head,
                            format!("{} not covered", plural_cases(missing.len())),
                        )
                        .with_help(format!(
                            "add an arm for {}, or a `default => {{ ... }}` arm",
                            list.join(", ")
                        )),
                    );
                }
                _ => {}
            }
        }
        let covers = default.is_some()
            || (kind != SwitchKind::Int && kind != SwitchKind::Str && missing.is_empty());
        Some(TSwitch {
            scrutinee,
            slot,
            kind,
            arms,
            default: default.map(|d| d.0),
            covers,
        })
    }

    /// Checks an arm's body, with the payload bindings `(name, field, type)` in scope.
    fn arm_body<B, T>(
        &mut self,
        arm: &Arm<B>,
        bindings: &[(&Ident, u16, Type)],
        cx: &mut FnCx,
        check_body: &mut impl FnMut(&mut Self, &B, &mut FnCx) -> T,
    ) -> (Vec<(u16, u16)>, Vec<TStmt>, T) {
        cx.scopes.push(HashMap::new());
        let saved = cx.next_slot;
        let mut slots = Vec::new();
        for (name, field, ty) in bindings {
            let slot = self.declare_local(cx, name, ty.clone(), LocalKind::Let, 1);
            slots.push((slot, *field));
        }
        let boxes = Self::box_scope(cx, arm.span);
        let body = check_body(self, &arm.body, cx);
        cx.scopes.pop();
        cx.next_slot = saved;
        (slots, boxes, body)
    }

    /// The cases no pattern matched, as PBS text (`State.Over`, `false`).
    fn missing_cases(
        &self,
        kind: SwitchKind,
        enum_index: Option<usize>,
        seen: &HashMap<Key, Span>,
    ) -> Vec<String> {
        match (kind, enum_index) {
            (SwitchKind::Bool, _) => [true, false]
                .into_iter()
                .filter(|b| !seen.contains_key(&Key::Bool(*b)))
                .map(|b| b.to_string())
                .collect(),
            (SwitchKind::Optional, _) => [(true, "some(_)"), (false, "none")]
                .into_iter()
                .filter(|(b, _)| !seen.contains_key(&Key::Bool(*b)))
                .map(|(_, text)| text.to_string())
                .collect(),
            (SwitchKind::Enum, Some(e)) => {
                let info = &self.enums[e];
                info.variants
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| !seen.contains_key(&Key::Int(*i as i64)))
                    .map(|(_, v)| format!("{}.{}", info.name.name, v.name.name))
                    .collect()
            }
            _ => Vec::new(),
        }
    }

    /// Checks the bindings written for a variant pattern: one per payload field, none for
    /// a variant without payload, and no named binding in an arm of several patterns.
    fn check_bindings(
        &mut self,
        e: usize,
        variant: usize,
        written: Option<&Vec<Ident>>,
        span: Span,
        patterns: usize,
    ) {
        let info = &self.enums[e];
        let v = &info.variants[variant];
        let name = format!("{}.{}", info.name.name, v.name.name);
        let fields: Vec<String> = v.fields.iter().map(|(f, _)| f.name.to_string()).collect();
        let given = written.map_or(0, Vec::len);
        if given != fields.len() || (written.is_some() && fields.is_empty()) {
            let (message, help) = if fields.is_empty() {
                (
                    format!("`{name}` has no payload to bind"),
                    format!("write `{name}` without parentheses"),
                )
            } else {
                (
                    format!(
                        "`{name}` has {} payload field{} but the pattern binds {given}",
                        fields.len(),
                        if fields.len() == 1 { "" } else { "s" }
                    ),
                    format!(
                        "bind each field in order, `_` for one you do not need: `{name}({})`",
                        fields.join(", ")
                    ),
                )
            };
            self.report(
                CheckError::new("E0916", message, span, "wrong bindings")
                    .with_label(v.name.span, "declared here")
                    .with_help(help),
            );
            return;
        }
        if patterns > 1 && written.is_some_and(|w| w.iter().any(|b| b.name != "_")) {
            self.report(
                CheckError::new(
                    "E0917",
                    "an arm with several patterns cannot bind payload fields",
                    span,
                    "binds names",
                )
                .with_help("give this variant an arm of its own, or write `_` for every field"),
            );
        }
    }

    /// Resolves a pattern to the value it matches, reporting one that does not fit the
    /// scrutinee.
    fn resolve_pattern<'p>(
        &mut self,
        p: &'p Pattern,
        kind: SwitchKind,
        enum_index: Option<usize>,
        scrutinee: &Type,
    ) -> Option<Resolved<'p>> {
        let plain = |key: Key| Resolved { key, variant: None };
        let (key, ty) = match &p.kind {
            PatternKind::Default => return None,
            PatternKind::Some(_) | PatternKind::None if kind == SwitchKind::Optional => {
                return Some(plain(Key::Bool(matches!(p.kind, PatternKind::Some(_)))));
            }
            PatternKind::Some(_) | PatternKind::None => {
                self.pattern_mismatch(p.span, "an optional pattern", scrutinee);
                return None;
            }
            PatternKind::Literal(e) => match &e.kind {
                ExprKind::Int(v) => (Key::Int(i64::try_from(*v).ok()?), Type::Int),
                ExprKind::Unary(UnOp::Neg, inner) => match inner.kind {
                    ExprKind::Int(v) if v <= 1 << 63 => {
                        (Key::Int((v as i64).wrapping_neg()), Type::Int)
                    }
                    _ => {
                        self.pattern_mismatch(p.span, "a negated string or bool", scrutinee);
                        return None;
                    }
                },
                ExprKind::Str(s) => (Key::Str((**s).into()), Type::Str),
                ExprKind::Bool(b) => (Key::Bool(*b), Type::Bool),
                _ => return None,
            },
            PatternKind::Path { segments, bindings } => {
                if let [.., last] = segments.as_slice() {
                    if segments.len() >= 2 {
                        let owner: Vec<&str> = segments[..segments.len() - 1]
                            .iter()
                            .map(|s| s.name.as_str())
                            .collect();
                        if let Some(e) = self.enum_named(&owner.join(".")) {
                            let info = &self.enums[e];
                            let enum_ty = Type::Enum(info.name.name.to_string());
                            let Some(v) = info.variant(&last.name) else {
                                let error = CheckError::new(
                                    "E0901",
                                    format!("`{}` has no variant `{}`", info.name.name, last.name),
                                    last.span,
                                    "no such variant",
                                )
                                .with_help(format!("the variants are {}", info.listing()));
                                self.report(error);
                                return None;
                            };
                            if Some(e) != enum_index {
                                self.pattern_mismatch(p.span, &format!("`{enum_ty}`"), scrutinee);
                                return None;
                            }
                            return Some(Resolved {
                                key: Key::Int(v as i64),
                                variant: Some((v, bindings.as_ref())),
                            });
                        }
                    }
                }
                let value = self.pattern_const(segments)?;
                if bindings.is_some() {
                    self.report(CheckError::new(
                        "E0915",
                        "only enum variants take bindings in a pattern",
                        p.span,
                        "not a variant",
                    ));
                    return None;
                }
                match value {
                    ConstValue::Int(v) => (Key::Int(v), Type::Int),
                    ConstValue::Str(s) => (Key::Str(s), Type::Str),
                    ConstValue::Bool(b) => (Key::Bool(b), Type::Bool),
                    ConstValue::Float(_) => {
                        self.pattern_mismatch(p.span, "a `float` constant", scrutinee);
                        return None;
                    }
                }
            }
        };
        let fits = matches!(
            (kind, &key),
            (SwitchKind::Int, Key::Int(_))
                | (SwitchKind::Str, Key::Str(_))
                | (SwitchKind::Bool, Key::Bool(_))
        );
        if !fits {
            self.pattern_mismatch(p.span, &format!("`{ty}`"), scrutinee);
            return None;
        }
        Some(plain(key))
    }

    /// The value of a `declare const` named in a pattern (`LIMIT` or `m.LIMIT`).
    fn pattern_const(&mut self, segments: &[Ident]) -> Option<ConstValue> {
        let found = match segments {
            [name] => self.lookup(&name.name),
            [alias, name] => match self.module_alias(&alias.name) {
                Some(file) => self.member(&alias.name, file, name),
                None => None,
            },
            _ => None,
        };
        let written: Vec<&str> = segments.iter().map(|s| s.name.as_str()).collect();
        let span = match (segments.first(), segments.last()) {
            (Some(a), Some(b)) => a.span.to(b.span),
            _ => return None,
        };
        match found {
            Some((TopLevel::Const(index), _)) => self.const_value(index),
            _ => {
                self.report(
                    CheckError::new(
                        "E0915",
                        format!("`{}` is not a literal, a constant or an enum variant", written.join(".")),
                        span,
                        "not a pattern",
                    )
                    .with_help("a pattern is a literal (`1`, `-1`, `\"a\"`, `true`), a `declare const` name, an `Enum.Variant` or `default`"),
                );
                None
            }
        }
    }

    /// Reports a pattern whose type is not the scrutinee's.
    fn pattern_mismatch(&mut self, span: Span, what: &str, scrutinee: &Type) {
        self.report(
            CheckError::new(
                "E0915",
                format!("this pattern is {what}, but the `switch` is on `{scrutinee}`"),
                span,
                format!("not a `{scrutinee}`"),
            )
            .with_help(format!(
                "every pattern of this `switch` must be a `{scrutinee}` value"
            )),
        );
    }
}

/// "1 case", "2 cases".
fn plural_cases(n: usize) -> String {
    if n == 1 {
        "1 case".to_string()
    } else {
        format!("{n} cases")
    }
}
