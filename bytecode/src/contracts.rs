//! The contract table of a program: its declarations, its `.pbc` encoding, the checks the
//! verifier runs on it, and the dispatch tables `CallContract` resolves through.
//!
//! The section holds a `u32` count of contracts; each contract is its name (a
//! length-prefixed string), a `u32` count of methods and for each method its name and a
//! `u16` parameter count (the receiver not included), then a `u32` count of implementing
//! structs and for each its `u32` struct index followed by one `u32` function index per
//! method, in the contract's method order.

use crate::pbc::{Reader, Writer};
use crate::{LoadError, LoadErrorKind, Program};

/// The most contracts a program may declare (`CallContract` names one with a `u16`).
pub const MAX_CONTRACTS: usize = 1 << 16;

/// The most methods a contract may have (`CallContract` names one with a `u16`).
pub const MAX_METHODS: usize = 1 << 16;

/// A contract type: the methods a struct must define to implement it, and the structs
/// that do.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct ContractDecl {
    /// The contract's name.
    pub name: String,
    /// Its methods, in declaration order; `CallContract` names one by its index here.
    pub methods: Vec<ContractMethodDecl>,
    /// The structs that implement it, each with the function of every method.
    pub implementors: Vec<ImplDecl>,
}

/// One method of a contract.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct ContractMethodDecl {
    /// The method's name.
    pub name: String,
    /// How many parameters it takes besides the receiver.
    pub params: u16,
}

/// A struct's implementation of one contract.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct ImplDecl {
    /// The struct type (an index into the program's structs).
    pub ty: u32,
    /// For each method of the contract, in its order, the function that implements it (a
    /// method of the struct, whose first parameter is the receiver).
    pub functions: Vec<u32>,
}

/// Writes the contract table.
pub(crate) fn encode(w: &mut Writer, contracts: &[ContractDecl]) {
    w.u32(contracts.len() as u32);
    for c in contracts {
        w.bytes(c.name.as_bytes());
        w.u32(c.methods.len() as u32);
        for m in &c.methods {
            w.bytes(m.name.as_bytes());
            w.u16(m.params);
        }
        w.u32(c.implementors.len() as u32);
        for i in &c.implementors {
            w.u32(i.ty);
            for &f in &i.functions {
                w.u32(f);
            }
        }
    }
}

/// Reads the contract table, refusing more contracts or methods than the operands can name.
pub(crate) fn decode(r: &mut Reader<'_>) -> Result<Vec<ContractDecl>, LoadError> {
    let at = r.pos;
    let n = r.count(12)?;
    if n > MAX_CONTRACTS {
        return Err(bad(at, format!("{n} contracts (at most {MAX_CONTRACTS})")));
    }
    let mut out = Vec::new();
    for _ in 0..n {
        let name = r.string()?;
        let at = r.pos;
        let count = r.count(6)?;
        if count > MAX_METHODS {
            return Err(bad(
                at,
                format!("contract `{name}` has {count} methods (at most {MAX_METHODS})"),
            ));
        }
        let mut methods = Vec::new();
        for _ in 0..count {
            let name = r.string()?;
            let params = r.u16()?;
            methods.push(ContractMethodDecl { name, params });
        }
        let implementors_count = r.count(4 + 4 * count)?;
        let mut implementors = Vec::new();
        for _ in 0..implementors_count {
            let ty = r.u32()?;
            let mut functions = Vec::new();
            for _ in 0..count {
                functions.push(r.u32()?);
            }
            implementors.push(ImplDecl { ty, functions });
        }
        out.push(ContractDecl {
            name,
            methods,
            implementors,
        });
    }
    Ok(out)
}

fn bad(at: usize, why: String) -> LoadError {
    LoadError::new(at, LoadErrorKind::BadContract(why))
}

/// The method that is not there: what a dispatch table holds for a struct that does not
/// implement a contract.
pub const NO_METHOD: u32 = u32::MAX;

/// What `CallContract` resolves through, built once when the program is verified.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Dispatch {
    /// For each contract, the index of its first method among all contracts' methods (its
    /// method `m` is method slot `first[c] + m`).
    first: Vec<u32>,
    /// For each method slot, its parameter count besides the receiver.
    arity: Vec<u16>,
    /// For each struct type, `(method slot, function)` pairs sorted by slot: the methods
    /// through which its instances answer contract calls.
    per_struct: Vec<Vec<(u32, u32)>>,
    /// How many `CallContract` sites the program has; the verifier numbers them from 0.
    sites: u32,
}

impl Dispatch {
    /// The method slot of method `method` of contract `contract` (both in range, as the
    /// verifier proved).
    #[inline]
    pub fn slot(&self, contract: u16, method: u16) -> u32 {
        self.first[contract as usize] + method as u32
    }

    /// The parameter count of a method slot, besides the receiver.
    #[inline]
    pub fn arity(&self, slot: u32) -> u16 {
        self.arity[slot as usize]
    }

    /// The function through which an instance of struct type `ty` answers method slot
    /// `slot`, or [`NO_METHOD`] when the struct does not implement the method's contract.
    pub fn lookup(&self, ty: u32, slot: u32) -> u32 {
        let Some(table) = self.per_struct.get(ty as usize) else {
            return NO_METHOD;
        };
        match table.binary_search_by_key(&slot, |&(s, _)| s) {
            Ok(i) => table[i].1,
            Err(_) => NO_METHOD,
        }
    }

    /// How many `CallContract` sites the program has (each gets its own inline cache).
    pub fn sites(&self) -> u32 {
        self.sites
    }

    /// Records the number of call sites.
    pub(crate) fn set_sites(&mut self, sites: u32) {
        self.sites = sites;
    }
}

/// Checks the contract table against the program's structs and functions and builds the
/// dispatch tables: every implementing struct exists and appears once per contract, and
/// each of its functions exists and takes the receiver plus the method's parameters.
pub(crate) fn dispatch(program: &Program) -> Result<Dispatch, LoadError> {
    if program.contracts.len() > MAX_CONTRACTS {
        return Err(bad(0, format!("{} contracts", program.contracts.len())));
    }
    let mut d = Dispatch {
        per_struct: vec![Vec::new(); program.structs.len()],
        ..Dispatch::default()
    };
    let mut next = 0u32;
    for c in &program.contracts {
        if c.methods.len() > MAX_METHODS {
            return Err(bad(
                0,
                format!("contract `{}` has {} methods", c.name, c.methods.len()),
            ));
        }
        d.first.push(next);
        d.arity.extend(c.methods.iter().map(|m| m.params));
        for i in &c.implementors {
            let Some(table) = d.per_struct.get_mut(i.ty as usize) else {
                return Err(bad(
                    0,
                    format!(
                        "contract `{}` names struct {}, which does not exist",
                        c.name, i.ty
                    ),
                ));
            };
            let struct_name = &program.structs[i.ty as usize].name;
            if table.last().is_some_and(|&(slot, _)| slot >= next) {
                return Err(bad(
                    0,
                    format!("struct `{struct_name}` implements `{}` twice", c.name),
                ));
            }
            if i.functions.len() != c.methods.len() {
                return Err(bad(
                    0,
                    format!(
                        "struct `{struct_name}` gives {} methods for the {} of `{}`",
                        i.functions.len(),
                        c.methods.len(),
                        c.name
                    ),
                ));
            }
            for (m, (&f, method)) in i.functions.iter().zip(&c.methods).enumerate() {
                let Some(function) = program.functions.get(f as usize) else {
                    return Err(bad(
                        0,
                        format!(
                            "`{struct_name}` implements `{}.{}` with function {f}, which does not exist",
                            c.name, method.name
                        ),
                    ));
                };
                if u32::from(function.params) != u32::from(method.params) + 1 {
                    return Err(bad(
                        0,
                        format!(
                            "`{}` implements `{}.{}` with {} parameters, not {} (the receiver and {})",
                            function.name,
                            c.name,
                            method.name,
                            function.params,
                            u32::from(method.params) + 1,
                            method.params
                        ),
                    ));
                }
                table.push((next + m as u32, f));
            }
        }
        next += c.methods.len() as u32;
    }
    Ok(d)
}
