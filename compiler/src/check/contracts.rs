//! Contracts (§15.4): declarations, a struct's `implements` clause, the implicit conversion
//! of a struct to a contract it implements, and calls through a contract value.
//!
//! A contract value is the struct instance itself (`Type::Contract` only changes what the
//! checker lets you do with it), so the conversion costs nothing at run time. A call through
//! a contract compiles to `CallContract`, which runs the method of the receiver's struct.

use super::expr::{declared_wants, error_expr, plural};
use super::stmt::FnCx;
use super::{CheckError, Checker, TopLevel};
use crate::ast::{ContractMethod, Expr, Ident, Item, Module};
use crate::hir::{TExpr, TExprKind};
use crate::types::Type;
use prometeu_lexer::Span;
use std::collections::HashMap;

/// A checked contract type.
#[derive(Clone, Debug)]
pub(crate) struct ContractInfo {
    /// Its internal name.
    pub(crate) name: Ident,
    /// The methods it requires, in declaration order.
    pub(crate) methods: Vec<MethodInfo>,
    /// The structs that implement it (struct indices), in the order they were checked.
    pub(crate) implementors: Vec<usize>,
    /// The structs that list it after `implements`, whether or not they define its methods
    /// (a struct that gets them wrong still converts, so the mistake is reported once).
    pub(crate) claimed: Vec<usize>,
}

/// One method a contract requires.
#[derive(Clone, Debug)]
pub(crate) struct MethodInfo {
    pub(crate) name: Ident,
    /// The parameters besides the receiver.
    pub(crate) params: Vec<(Ident, Type)>,
    pub(crate) ret: Type,
    /// The written signature, for labels.
    pub(crate) header: Span,
}

impl MethodInfo {
    /// The method's signature as PBS text: `fn area(): float`.
    fn text(&self) -> String {
        signature_text(
            &self.name.name,
            self.params.iter().map(|(_, t)| t),
            &self.ret,
        )
    }
}

/// A method signature as PBS text, `fn name(int, float): bool`.
fn signature_text<'t>(name: &str, params: impl Iterator<Item = &'t Type>, ret: &Type) -> String {
    let params: Vec<String> = params.map(Type::to_string).collect();
    match ret {
        Type::Void => format!("fn {name}({})", params.join(", ")),
        ret => format!("fn {name}({}): {ret}", params.join(", ")),
    }
}

impl Checker<'_> {
    /// Pass 0: registers a contract's name (its methods are read by
    /// [`Checker::contract_bodies`]).
    pub(crate) fn declare_contract(&mut self, name: &Ident) {
        self.builtin_type_name(name, "a contract");
        let internal = self.internal(name);
        let index = self.contracts.len();
        self.contracts.push(ContractInfo {
            name: internal.clone(),
            methods: Vec::new(),
            implementors: Vec::new(),
            claimed: Vec::new(),
        });
        self.declare(&internal, TopLevel::Contract(index));
    }

    /// The contract a written type name (`Name` or `m.Name`) refers to in the current file.
    pub(crate) fn contract_named(&self, name: &str) -> Option<usize> {
        match self.type_named(name) {
            Some((TopLevel::Contract(index), _)) => Some(index),
            _ => None,
        }
    }

    /// The index of a contract by internal name.
    fn contract_index(&self, name: &str) -> Option<usize> {
        self.contracts.iter().position(|c| c.name.name == name)
    }

    /// After pass 0 (every type name known): reads each contract's method signatures.
    pub(crate) fn contract_bodies(&mut self, modules: &[Module]) {
        let mut index = 0;
        for (file, module) in modules.iter().enumerate() {
            self.file = file;
            for item in &module.items {
                let Item::Contract { methods, .. } = item else {
                    continue;
                };
                let checked = self.contract_methods(methods);
                if let Some(contract) = self.contracts.get_mut(index) {
                    contract.methods = checked;
                }
                index += 1;
            }
        }
    }

    /// Resolves the methods of one contract, reporting a name given twice.
    fn contract_methods(&mut self, methods: &[ContractMethod]) -> Vec<MethodInfo> {
        let mut seen: HashMap<String, Span> = HashMap::new();
        let mut out = Vec::new();
        for m in methods {
            if let Some(&first) = seen.get(m.name.name.as_str()) {
                self.report(
                    CheckError::new(
                        "E0933",
                        format!(
                            "method `{}` is declared more than once in this contract",
                            m.name.name
                        ),
                        m.name.span,
                        "declared again here",
                    )
                    .with_label(first, "first declared here")
                    .with_help("remove one of them, or give it another name"),
                );
                continue;
            }
            seen.insert(m.name.name.to_string(), m.name.span);
            let mut params = Vec::new();
            for p in &m.params {
                let ty = self.param_type(p);
                params.push((p.name.clone(), ty));
            }
            let ret = m.ret.as_ref().map_or(Type::Void, |t| self.resolve_type(t));
            out.push(MethodInfo {
                name: m.name.clone(),
                params,
                ret,
                header: m.header,
            });
        }
        out
    }

    /// Pass 1, after struct `index`'s methods are registered: checks its `implements`
    /// clause, each named contract once, and that the struct defines every method of each
    /// with the exact signature.
    pub(crate) fn struct_implements(&mut self, index: usize, clause: &(Vec<Ident>, Span)) {
        let (names, at) = clause;
        let mut seen: Vec<(usize, Span)> = Vec::new();
        for name in names {
            let contract = match self.type_named(&name.name) {
                Some((TopLevel::Contract(c), _)) => c,
                Some((TopLevel::Struct(_), declared)) => {
                    self.report(
                        CheckError::new(
                            "E0931",
                            format!("`{}` is a struct, not a contract", name.name),
                            name.span,
                            "a struct cannot be implemented",
                        )
                        .with_label(declared, "declared as a struct here")
                        .with_help(
                            "`implements` lists contracts, declared with `declare contract Name { fn method(): T; }`",
                        ),
                    );
                    continue;
                }
                _ => {
                    self.report(
                        CheckError::new(
                            "E0930",
                            format!("unknown contract `{}`", name.name),
                            name.span,
                            "not a contract",
                        )
                        .with_help(format!(
                            "declare it with `declare contract {} {{ fn method(): T; }}`, or import it",
                            name.name
                        )),
                    );
                    continue;
                }
            };
            if let Some(&(_, first)) = seen.iter().find(|(c, _)| *c == contract) {
                self.report(
                    CheckError::new(
                        "E0932",
                        format!(
                            "`{}` is listed more than once after `implements`",
                            name.name
                        ),
                        name.span,
                        "listed again here",
                    )
                    .with_label(first, "first listed here")
                    .with_help("list each contract once"),
                );
                continue;
            }
            seen.push((contract, name.span));
            self.contracts[contract].claimed.push(index);
            if self.implements_all(index, contract, *at) {
                self.contracts[contract].implementors.push(index);
            }
        }
    }

    /// Checks that struct `index` defines every method of `contract` with its signature,
    /// reporting each one missing or different at the `implements` clause `at`.
    fn implements_all(&mut self, index: usize, contract: usize, at: Span) -> bool {
        let struct_name = self.structs[index].name.name.clone();
        let contract_name = self.contracts[contract].name.name.clone();
        let methods = self.contracts[contract].methods.clone();
        let mut ok = true;
        for m in &methods {
            let Some(&f) = self.structs[index].methods.get(m.name.name.as_str()) else {
                ok = false;
                self.report(
                    CheckError::new(
                        "E0934",
                        format!(
                            "`{struct_name}` does not define `{}`, which `{contract_name}` requires",
                            m.name.name
                        ),
                        at,
                        format!("`{struct_name}` is missing `{}`", m.name.name),
                    )
                    .with_label(m.header, format!("`{contract_name}` requires this method"))
                    .with_help(format!(
                        "add `{} {{ ... }}` to `{struct_name}`",
                        m.text()
                    )),
                );
                continue;
            };
            let sig = self.fns[f as usize].clone();
            let params: Vec<&Type> = sig.params.iter().skip(1).map(|(_, t)| t).collect();
            let same = params.len() == m.params.len()
                && params.iter().zip(&m.params).all(|(a, (_, b))| *a == b)
                && sig.ret == m.ret;
            let has_errors = params.iter().any(|t| t.is_error()) || sig.ret.is_error();
            if !same && !has_errors {
                ok = false;
                let found = signature_text(&m.name.name, params.into_iter(), &sig.ret);
                self.report(
                    CheckError::new(
                        "E0935",
                        format!(
                            "`{struct_name}.{}` does not have the signature `{contract_name}` requires",
                            m.name.name
                        ),
                        at,
                        format!("`{struct_name}` has `{found}`"),
                    )
                    .with_label(m.header, format!("`{contract_name}` requires `{}`", m.text()))
                    .with_label(sig.header, "the struct's method")
                    .with_help(format!(
                        "declare the method as `{} {{ ... }}`",
                        m.text()
                    )),
                );
            }
        }
        ok
    }

    /// Whether struct type `name` implements contract `contract`.
    fn implements(&self, name: &str, contract: usize) -> bool {
        self.contracts[contract]
            .claimed
            .iter()
            .any(|&s| self.structs[s].name.name == name)
    }

    /// The implicit conversion of §15.0: a struct value where a contract it implements is
    /// expected becomes that contract (the value itself is unchanged).
    pub(crate) fn to_contract(&self, mut t: TExpr, want: Option<&Type>) -> TExpr {
        if let (Some(Type::Contract(c)), Type::Struct(s)) = (want, &t.ty) {
            if let Some(contract) = self.contract_index(c) {
                if self.implements(s, contract) {
                    t.ty = Type::Contract(c.clone());
                }
            }
        }
        t
    }

    /// The error for a struct value where a contract it does not implement is expected, if
    /// that is the mismatch.
    pub(crate) fn not_implemented(
        &self,
        found: &Type,
        want: &Type,
        span: Span,
    ) -> Option<CheckError> {
        let want = want.payload().unwrap_or(want);
        let (Type::Struct(s), Type::Contract(c)) = (found, want) else {
            return None;
        };
        let declared = self.structs.iter().find(|i| &i.name.name == s)?.name.span;
        Some(
            CheckError::new(
                "E0936",
                format!("`{s}` does not implement the contract `{c}`"),
                span,
                format!("this is `{s}`, where a `{c}` is expected"),
            )
            .with_label(declared, format!("`{s}` is declared here"))
            .with_help(format!(
                "add `implements {c}` to `declare struct {s}(...)` and define the methods `{c}` requires"
            )),
        )
    }

    /// The error for `new C(...)` where `C` is a contract.
    pub(crate) fn new_contract(&self, name: &Ident) -> Option<CheckError> {
        let index = self.contract_named(&name.name)?;
        let contract = &self.contracts[index];
        let mut error = CheckError::new(
            "E0938",
            format!(
                "`{}` is a contract and has no instances of its own",
                name.name
            ),
            name.span,
            "a contract, not a struct",
        )
        .with_label(contract.name.span, "declared as a contract here");
        let example = contract
            .claimed
            .first()
            .map(|&s| self.structs[s].name.name.clone());
        error = match example {
            Some(s) => error.with_help(format!(
                "create an instance of a struct that implements `{}`, such as `new {s}(...)`",
                name.name
            )),
            None => error.with_help(format!(
                "declare a struct with `implements {}` and create one of those with `new`",
                name.name
            )),
        };
        Some(error)
    }

    /// Checks `receiver.name(args)` on a value of contract `contract`: a call of the method
    /// of whichever struct the value holds.
    pub(crate) fn contract_call(
        &mut self,
        receiver: TExpr,
        contract: &str,
        name: &Ident,
        args: &[Expr],
        span: Span,
        cx: &mut FnCx,
    ) -> TExpr {
        let Some(index) = self.contract_index(contract) else {
            return error_expr(span);
        };
        let info = &self.contracts[index];
        let Some(m) = info.methods.iter().position(|m| m.name.name == name.name) else {
            let listing: Vec<String> = info
                .methods
                .iter()
                .map(|m| format!("`{}`", m.name.name))
                .collect();
            let help = if listing.is_empty() {
                format!("`{contract}` declares no methods")
            } else {
                format!("`{contract}` has {}", listing.join(", "))
            };
            let declared = info.name.span;
            for a in args {
                self.expr(a, cx);
            }
            self.report(
                CheckError::new(
                    "E0937",
                    format!("contract `{contract}` has no method `{}`", name.name),
                    name.span,
                    "not a method of the contract",
                )
                .with_label(declared, format!("`{contract}` is declared here"))
                .with_help(format!(
                    "{help}; a call through a contract can use only the contract's methods"
                )),
            );
            return error_expr(span);
        };
        let method = info.methods[m].clone();
        // Any implementing struct's method may run: each is a possible callee for the
        // initialization order.
        let callees: Vec<u32> = info
            .implementors
            .iter()
            .filter_map(|&s| self.structs[s].methods.get(name.name.as_str()).copied())
            .collect();
        for f in callees {
            self.uses.call(f, span);
        }
        if args.len() != method.params.len() {
            let count = plural(method.params.len(), "argument");
            return self.wrong_count(
                &format!("{contract}.{}", name.name),
                "takes",
                &count,
                args,
                span,
                Some(method.header),
                cx,
            );
        }
        let wants = declared_wants(&method.params, "parameter");
        let mut typed = vec![receiver];
        if !self.typed_args(args, &wants, cx, &mut typed) {
            return error_expr(span);
        }
        TExpr {
            kind: TExprKind::CallContract(index as u16, m as u16, typed.into()),
            ty: method.ret,
            span,
        }
    }

    /// The contract table of the program, with each implementor's method functions.
    pub(crate) fn contract_decls(&self) -> Vec<prometeu_bytecode::ContractDecl> {
        self.contracts
            .iter()
            .map(|c| prometeu_bytecode::ContractDecl {
                name: c.name.name.to_string(),
                methods: c
                    .methods
                    .iter()
                    .map(|m| prometeu_bytecode::ContractMethodDecl {
                        name: m.name.name.to_string(),
                        params: m.params.len() as u16,
                    })
                    .collect(),
                implementors: c
                    .implementors
                    .iter()
                    .map(|&s| prometeu_bytecode::ImplDecl {
                        ty: s as u32,
                        functions: c
                            .methods
                            .iter()
                            .map(|m| {
                                self.structs[s]
                                    .methods
                                    .get(m.name.name.as_str())
                                    .copied()
                                    .unwrap_or(u32::MAX)
                            })
                            .collect(),
                    })
                    .collect(),
            })
            .collect()
    }

    /// The signature text of each contract, for the REPL's redefinition rule.
    pub(crate) fn contract_signatures(&self) -> Vec<(String, String)> {
        self.contracts
            .iter()
            .map(|c| {
                let methods: Vec<String> = c.methods.iter().map(MethodInfo::text).collect();
                (
                    c.name.name.to_string(),
                    format!("contract({})", methods.join("; ")),
                )
            })
            .collect()
    }
}
