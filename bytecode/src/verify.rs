//! The load-time verifier: the only way to obtain a [`VerifiedProgram`].
//!
//! It proves what the VM's dispatch loop relies on without re-checking: every operand is in
//! range, every jump lands on an instruction of its own function, no path falls off a
//! function's end, and the stack never underflows, never exceeds the declared maximum and
//! has one depth wherever control flow merges. It also resolves each host reference against
//! the host functions the VM provides.

use crate::op::{ends_run, falls_through, jump_target, with_jump_target};
use crate::pbc::decode_with_offsets;
use crate::{HostSig, Instr, LoadError, LoadErrorKind, Program, StackEffect};

/// A function whose code passed verification, decoded for execution.
#[derive(Clone, Debug, PartialEq)]
pub struct VerifiedFunction {
    /// The function's name.
    pub name: String,
    /// How many parameters it takes.
    pub params: u16,
    /// How many local slots it uses, parameters included.
    pub locals: u16,
    /// The deepest the value stack gets above the locals.
    pub max_stack: u16,
    /// The instructions; jump targets are instruction indices.
    pub code: Vec<Instr>,
    /// The byte offset (`pc`) in the original code of each instruction.
    pub pcs: Vec<u32>,
    /// For each instruction, the summed cycle costs of the straight-line run from it up to
    /// and including the next instruction that [`ends_run`](crate::ends_run).
    pub run_cost: Vec<u32>,
}

/// A program that passed verification: the VM runs nothing else.
#[derive(Clone, Debug, PartialEq)]
pub struct VerifiedProgram {
    program: Program,
    functions: Vec<VerifiedFunction>,
    host_ids: Vec<u32>,
    struct_tags: Vec<Option<u16>>,
    dispatch: crate::Dispatch,
}

impl VerifiedProgram {
    /// The program as it was decoded or compiled.
    pub fn program(&self) -> &Program {
        &self.program
    }

    /// The verified, decoded functions, in the program's order.
    pub fn functions(&self) -> &[VerifiedFunction] {
        &self.functions
    }

    /// For each host reference of the program, its index in the host list given to the verifier.
    pub fn host_ids(&self) -> &[u32] {
        &self.host_ids
    }

    /// For each struct type, the enum variant index its instances stand for (`None` for a
    /// plain struct); `EnumTag` reads a payload instance's tag from it.
    pub fn struct_tags(&self) -> &[Option<u16>] {
        &self.struct_tags
    }

    /// The contract dispatch tables: method slots, their arities, each struct's methods
    /// and the number of `CallContract` sites (numbered from 0 in program order).
    pub fn dispatch(&self) -> &crate::Dispatch {
        &self.dispatch
    }
}

/// Decodes and verifies a `.pbc` file against the host functions a VM provides.
pub fn load(bytes: &[u8], available: &[HostSig]) -> Result<VerifiedProgram, LoadError> {
    let (program, offsets) = decode_with_offsets(bytes)?;
    verify_with_offsets(program, available, &offsets)
}

/// Verifies an in-memory program; error offsets are relative to the failing function's code.
pub fn verify(program: Program, available: &[HostSig]) -> Result<VerifiedProgram, LoadError> {
    verify_with_offsets(program, available, &[])
}

fn verify_with_offsets(
    program: Program,
    available: &[HostSig],
    offsets: &[usize],
) -> Result<VerifiedProgram, LoadError> {
    program.assets.validate()?;
    let struct_tags = crate::enums::struct_tags(&program)?;
    let mut dispatch = crate::contracts::dispatch(&program)?;
    let strings = program.strings.len() as u32;
    let check = |what: &'static str, index: u32, len: u32| {
        if index < len {
            Ok(())
        } else {
            Err(LoadError::new(
                0,
                LoadErrorKind::IndexOutOfRange { what, index, len },
            ))
        }
    };
    for c in &program.constants {
        if let crate::Constant::Str(index) = *c {
            check("string", index, strings)?;
        }
    }
    for &g in program.globals.iter().chain(&program.global_sites) {
        check("string", g, strings)?;
    }
    for st in &program.structs {
        let shapes = st.optional_shapes.len();
        if shapes != 0 && shapes != st.fields.len() {
            return Err(LoadError::new(
                0,
                LoadErrorKind::BadStruct {
                    name: st.name.clone(),
                    why: format!("{shapes} optional shapes for {} fields", st.fields.len()),
                },
            ));
        }
    }
    let mut host_ids = Vec::new();
    for wanted in &program.hosts {
        match available.iter().position(|h| h == wanted) {
            Some(i) => host_ids.push(i as u32),
            None => {
                let same_name = available.iter().find(|h| h.name == wanted.name);
                let kind = match same_name {
                    Some(provided) => LoadErrorKind::HostSignature {
                        wanted: wanted.to_string(),
                        provided: provided.to_string(),
                    },
                    None => LoadErrorKind::MissingHost(wanted.to_string()),
                };
                return Err(LoadError::new(0, kind));
            }
        }
    }
    let nfuncs = program.functions.len() as u32;
    let entry = program.entry;
    for (what, f) in [
        ("globals initializer", Some(entry.globals_init)),
        ("main", entry.main),
        ("init", entry.init),
        ("frame", entry.frame),
    ] {
        if let Some(f) = f {
            match program.functions.get(f as usize) {
                None => {
                    return Err(LoadError::new(
                        0,
                        LoadErrorKind::BadEntry(format!(
                            "{what} is function {f}, which does not exist"
                        )),
                    ))
                }
                Some(func) if func.params != 0 => {
                    return Err(LoadError::new(
                        0,
                        LoadErrorKind::BadEntry(format!("{what} `{}` takes parameters", func.name)),
                    ))
                }
                Some(_) => {}
            }
        }
    }
    let mut functions = Vec::new();
    let mut sites = 0u32;
    for index in 0..program.functions.len() {
        let base = offsets.get(index).copied().unwrap_or(0);
        functions.push(verify_function(&program, index, base, nfuncs, &mut sites)?);
    }
    dispatch.set_sites(sites);
    Ok(VerifiedProgram {
        program,
        functions,
        host_ids,
        struct_tags,
        dispatch,
    })
}

/// Decodes and checks one function.
fn verify_function(
    program: &Program,
    index: usize,
    base: usize,
    nfuncs: u32,
    sites: &mut u32,
) -> Result<VerifiedFunction, LoadError> {
    let f = &program.functions[index];
    let name = || f.name.clone();
    let at = |pc: u32| base + pc as usize;
    if f.params > f.locals {
        return Err(LoadError::new(
            base,
            LoadErrorKind::BadFunction {
                function: name(),
                why: format!("{} parameters but only {} locals", f.params, f.locals),
            },
        ));
    }
    // Decode every instruction and remember where each starts.
    let mut code = Vec::new();
    let mut pcs = Vec::new();
    let mut pos = 0usize;
    while pos < f.code.len() {
        match Instr::decode(&f.code[pos..]) {
            Ok((instr, size)) => {
                code.push(instr);
                pcs.push(pos as u32);
                pos += size;
            }
            Err(crate::DecodeError::UnknownOpcode(opcode)) => {
                return Err(LoadError::new(
                    at(pos as u32),
                    LoadErrorKind::UnknownOpcode {
                        function: name(),
                        opcode,
                    },
                ))
            }
            Err(crate::DecodeError::Truncated) => {
                return Err(LoadError::new(
                    at(pos as u32),
                    LoadErrorKind::TruncatedInstruction(name()),
                ))
            }
        }
    }
    if code.is_empty() {
        return Err(LoadError::new(base, LoadErrorKind::FallsOffEnd(name())));
    }
    let index_of = |target: u32| pcs.binary_search(&target).ok();
    // Check operands and rewrite jump targets into instruction indices.
    let range = |pc: u32, what: &'static str, index: u32, len: u32| {
        if index < len {
            Ok(())
        } else {
            Err(LoadError::new(
                at(pc),
                LoadErrorKind::IndexOutOfRange { what, index, len },
            ))
        }
    };
    let locals = f.locals as u32;
    let mut pops_pushes = Vec::with_capacity(code.len());
    for (i, instr) in code.iter_mut().enumerate() {
        let pc = pcs[i];
        match *instr {
            Instr::Const(c) => range(pc, "constant", c, program.constants.len() as u32)?,
            Instr::LoadLocal(s) | Instr::StoreLocal(s) => range(pc, "local", s as u32, locals)?,
            Instr::LoadLocal0() => range(pc, "local", 0, locals)?,
            Instr::LoadLocal1() => range(pc, "local", 1, locals)?,
            Instr::LoadLocal2() => range(pc, "local", 2, locals)?,
            Instr::LoadLocal3() => range(pc, "local", 3, locals)?,
            Instr::ForPrep(s, _) | Instr::ForLoop(s, _) => {
                range(pc, "local", s as u32 + 2, locals)?
            }
            Instr::IncLocal(s, _)
            | Instr::AddIntL(s)
            | Instr::SubIntL(s)
            | Instr::MulIntL(s)
            | Instr::AddFloatL(s)
            | Instr::SubFloatL(s)
            | Instr::MulFloatL(s)
            | Instr::DivFloatL(s)
            | Instr::AddIntToL(s)
            | Instr::SubIntToL(s)
            | Instr::MulIntToL(s)
            | Instr::AddFloatToL(s)
            | Instr::SubFloatToL(s)
            | Instr::MulFloatToL(s)
            | Instr::DivFloatToL(s)
            | Instr::GetFieldL(s, _)
            | Instr::SetFieldL(s, _)
            | Instr::AddLocalImm(s, _)
            | Instr::ArrayLenL(s)
            | Instr::MapIterBegin(s)
            | Instr::MapIterEnd(s)
            | Instr::ReturnLocal(s) => range(pc, "local", s as u32, locals)?,
            Instr::FloatFn(func) => range(
                pc,
                "float function",
                func as u32,
                crate::FLOAT_FUNCTIONS.len() as u32,
            )?,
            Instr::AddIntLL(a, b)
            | Instr::SubIntLL(a, b)
            | Instr::MulIntLL(a, b)
            | Instr::AddFloatLL(a, b)
            | Instr::SubFloatLL(a, b)
            | Instr::MulFloatLL(a, b)
            | Instr::DivFloatLL(a, b)
            | Instr::MoveLocal(a, b)
            | Instr::AddIntToLL(a, b)
            | Instr::SubIntToLL(a, b)
            | Instr::MulIntToLL(a, b)
            | Instr::AddFloatToLL(a, b)
            | Instr::SubFloatToLL(a, b)
            | Instr::MulFloatToLL(a, b)
            | Instr::DivFloatToLL(a, b)
            | Instr::IndexGetLL(a, b)
            | Instr::IndexSetLL(a, b) => {
                range(pc, "local", a as u32, locals)?;
                range(pc, "local", b as u32, locals)?
            }
            Instr::GetGlobal(site) | Instr::SetGlobal(site) => {
                range(pc, "global site", site, program.global_sites.len() as u32)?
            }
            Instr::Call(func) | Instr::FuncRef(func) => range(pc, "function", func, nfuncs)?,
            Instr::MakeClosure(func, _) => {
                range(pc, "function", func, nfuncs)?;
                // A lambda's local 0 is the function value it runs as.
                range(
                    pc,
                    "lambda parameter",
                    0,
                    program.functions[func as usize].params as u32,
                )?
            }
            Instr::LoadBox(slot) | Instr::StoreBox(slot) => {
                range(pc, "local", slot as u32, locals)?
            }
            // A lambda reads its captures through local 0; which captures exist is known only
            // from the function value, so the VM checks the index when it runs.
            Instr::LoadCapture(_) | Instr::StoreCapture(_) | Instr::CaptureBox(_) => {
                range(pc, "local", 0, locals)?
            }
            Instr::CallValue(_) | Instr::NewBox() => {}
            Instr::CallHost(h) | Instr::CallHostDrop(h) => {
                range(pc, "host function", h, program.hosts.len() as u32)?
            }
            Instr::NewStruct(ty) => range(pc, "struct type", ty, program.structs.len() as u32)?,
            Instr::PushEnum(ty, variant) => {
                range(pc, "enum type", ty as u32, program.enums.len() as u32)?;
                let e = &program.enums[ty as usize];
                range(pc, "enum variant", variant as u32, e.variants.len() as u32)?;
                if e.variants[variant as usize].payload.is_some() {
                    return Err(LoadError::new(
                        at(pc),
                        LoadErrorKind::BadEnum(format!(
                            "`PushEnum` of `{}.{}`, which has a payload",
                            e.name, e.variants[variant as usize].name
                        )),
                    ));
                }
            }
            Instr::EnumTag() => {}
            Instr::CallContract(contract, method, _) => {
                let count = program.contracts.len() as u32;
                range(pc, "contract", contract as u32, count)?;
                let methods = program.contracts[contract as usize].methods.len() as u32;
                range(pc, "contract method", method as u32, methods)?;
                // Every site gets its own inline cache: the sites are numbered here, in
                // program order, whatever the file says.
                *instr = Instr::CallContract(contract, method, *sites);
                *sites = sites.checked_add(1).ok_or_else(|| {
                    LoadError::new(
                        at(pc),
                        LoadErrorKind::BadContract("too many call sites".into()),
                    )
                })?;
            }
            Instr::Nop()
            | Instr::Dup()
            | Instr::Dup2()
            | Instr::GetField(_)
            | Instr::SetField(_)
            | Instr::NewArray(_)
            | Instr::NewArrayRepeat()
            | Instr::IndexGet()
            | Instr::IndexSet()
            | Instr::ArrayLen()
            | Instr::ArrayPush()
            | Instr::ArrayPop()
            | Instr::EqRef()
            | Instr::NeRef()
            | Instr::AddIntImm(_)
            | Instr::JumpIfNotLtInt(_)
            | Instr::JumpIfNotLeInt(_)
            | Instr::JumpIfNotGtInt(_)
            | Instr::JumpIfNotGeInt(_)
            | Instr::JumpIfNotEqInt(_)
            | Instr::JumpIfNotNeInt(_)
            | Instr::JumpIfNotLtFloat(_)
            | Instr::JumpIfNotLeFloat(_)
            | Instr::JumpIfNotGtFloat(_)
            | Instr::JumpIfNotGeFloat(_)
            | Instr::PushNone()
            | Instr::IsNone()
            | Instr::IsSome()
            | Instr::Unwrap()
            | Instr::JumpIfSome(_)
            | Instr::EqOpt()
            | Instr::NeOpt()
            | Instr::NewMap(_)
            | Instr::MapGet()
            | Instr::MapSet()
            | Instr::MapLen()
            | Instr::MapHas()
            | Instr::MapGetOpt()
            | Instr::MapRemove()
            | Instr::MapKeys()
            | Instr::MapValues()
            | Instr::MapClear()
            | Instr::MapKeyAt()
            | Instr::MapValueAt() => {}
            // Decoding refuses the VM's internal forms, so none reaches this point.
            Instr::JumpIfNoneL(..)
            | Instr::JumpIfSomeL(..)
            | Instr::UnwrapFieldL(..)
            | Instr::JumpIfNotLtIntLI(..)
            | Instr::JumpIfNotLeIntLI(..)
            | Instr::JumpIfNotGtIntLI(..)
            | Instr::JumpIfNotGeIntLI(..)
            | Instr::JumpIfNotEqIntLI(..)
            | Instr::JumpIfNotNeIntLI(..) => {
                return Err(LoadError::new(
                    at(pc),
                    LoadErrorKind::UnknownOpcode {
                        function: name(),
                        opcode: instr.opcode() as u8,
                    },
                ))
            }
            Instr::PushUnit()
            | Instr::PushTrue()
            | Instr::PushFalse()
            | Instr::PushInt(_)
            | Instr::Pop()
            | Instr::AddInt()
            | Instr::SubInt()
            | Instr::MulInt()
            | Instr::DivInt()
            | Instr::RemInt()
            | Instr::NegInt()
            | Instr::AddFloat()
            | Instr::SubFloat()
            | Instr::MulFloat()
            | Instr::DivFloat()
            | Instr::RemFloat()
            | Instr::NegFloat()
            | Instr::BitAnd()
            | Instr::BitOr()
            | Instr::BitXor()
            | Instr::Shl()
            | Instr::Shr()
            | Instr::Not()
            | Instr::EqInt()
            | Instr::NeInt()
            | Instr::LtInt()
            | Instr::LeInt()
            | Instr::GtInt()
            | Instr::GeInt()
            | Instr::EqFloat()
            | Instr::NeFloat()
            | Instr::LtFloat()
            | Instr::LeFloat()
            | Instr::GtFloat()
            | Instr::GeFloat()
            | Instr::EqBool()
            | Instr::NeBool()
            | Instr::EqStr()
            | Instr::NeStr()
            | Instr::LtStr()
            | Instr::LeStr()
            | Instr::GtStr()
            | Instr::GeStr()
            | Instr::Concat()
            | Instr::IntToFloat()
            | Instr::FloatToInt()
            | Instr::Jump(_)
            | Instr::JumpIfFalse(_)
            | Instr::JumpIfTrue(_)
            | Instr::Return() => {}
        }
        if let Some(target) = jump_target(instr) {
            let Some(t) = index_of(target) else {
                return Err(LoadError::new(
                    at(pc),
                    LoadErrorKind::BadJumpTarget {
                        function: name(),
                        target,
                    },
                ));
            };
            *instr = with_jump_target(*instr, t as u32);
        }
        let (pop, push) = match instr.opcode().stack_effect() {
            StackEffect::Fixed { pop, push } => (pop as u32, push as u32),
            StackEffect::Dynamic => match *instr {
                Instr::Call(func) => (program.functions[func as usize].params as u32, 1),
                Instr::CallContract(c, m, _) => {
                    let method = &program.contracts[c as usize].methods[m as usize];
                    (method.params as u32 + 1, 1)
                }
                Instr::NewStruct(ty) => (program.structs[ty as usize].fields.len() as u32, 1),
                Instr::NewArray(count) => (count, 1),
                Instr::NewMap(count) => (count.saturating_mul(2), 1),
                Instr::CallHost(h) => (program.hosts[h as usize].params.len() as u32, 1),
                Instr::CallHostDrop(h) => (program.hosts[h as usize].params.len() as u32, 0),
                Instr::MakeClosure(_, captures) => (captures as u32, 1),
                Instr::CallValue(args) => (args as u32 + 1, 1),
                _ => (0, 0),
            },
        };
        pops_pushes.push((pop, push));
    }
    // Abstract interpretation of the stack depth over every reachable path.
    let mut depth: Vec<Option<u32>> = vec![None; code.len()];
    let mut work = vec![(0usize, 0u32)];
    while let Some((i, d)) = work.pop() {
        if i >= code.len() {
            return Err(LoadError::new(
                at(f.code.len() as u32),
                LoadErrorKind::FallsOffEnd(name()),
            ));
        }
        let pc = pcs[i];
        match depth[i] {
            Some(seen) if seen == d => continue,
            Some(seen) => {
                return Err(LoadError::new(
                    at(pc),
                    LoadErrorKind::StackMismatch {
                        function: name(),
                        pc,
                        a: seen,
                        b: d,
                    },
                ))
            }
            None => depth[i] = Some(d),
        }
        let (pop, push) = pops_pushes[i];
        if d < pop {
            return Err(LoadError::new(
                at(pc),
                LoadErrorKind::StackUnderflow {
                    function: name(),
                    pc,
                },
            ));
        }
        let after = d - pop + push;
        if after > f.max_stack as u32 {
            return Err(LoadError::new(
                at(pc),
                LoadErrorKind::StackTooDeep {
                    function: name(),
                    pc,
                    depth: after,
                    max: f.max_stack,
                },
            ));
        }
        let instr = code[i];
        if let Some(t) = jump_target(&instr) {
            work.push((t as usize, after));
        }
        if falls_through(&instr) {
            work.push((i + 1, after));
        }
    }
    let run_cost = run_costs(&code);
    Ok(VerifiedFunction {
        name: f.name.clone(),
        params: f.params,
        locals: f.locals,
        max_stack: f.max_stack,
        code,
        pcs,
        run_cost,
    })
}

/// The cost of the run starting at each instruction, computed backwards: an instruction
/// that ends a run costs itself; any other adds its cost to the run after it.
fn run_costs(code: &[Instr]) -> Vec<u32> {
    let mut costs = vec![0u32; code.len()];
    let mut after = 0u32;
    for (i, instr) in code.iter().enumerate().rev() {
        let own = instr.cost();
        after = if ends_run(instr) {
            own
        } else {
            own.saturating_add(after)
        };
        costs[i] = after;
    }
    costs
}
