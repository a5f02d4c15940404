//! The program's code as the dispatch loop runs it, linked once when a program is installed.
//!
//! Every function's instructions are laid end to end in one array, with jump targets made
//! absolute, and their run costs in a parallel array. A frame's `pc` is then an index into
//! that one array, so calling or returning changes only `pc` and `base`: the loop never
//! switches to another function's code. Each function also gets one compact [`Callee`]
//! entry holding everything a call needs (where the code starts, how many slots the frame
//! takes, what the first run costs), so the `Call` handler reads a single table row instead
//! of the verified function with its names and tables.
//!
//! Linking also puts the VM's internal forms in place of the canonical sequences they stand
//! for (a local compared with an int constant and a branch, an optional local tested and a
//! branch, an optional local unwrapped and a field read): the form sits at the sequence's
//! first instruction and the rest of the sequence stays after it, so jump targets, run costs
//! and trap locations are those of the canonical code.

use crate::{Trap, TrapKind};
use prometeu_bytecode::op::{jump_target, with_jump_target};
use prometeu_bytecode::{Instr, VerifiedProgram};

/// What a call needs to know about the function it enters, resolved at load time.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Callee {
    /// The index in [`Linked::code`] of the function's first instruction.
    pub(crate) entry: u32,
    /// How many parameters it takes: the arguments on top of the caller's stack become its
    /// first locals where they are.
    pub(crate) params: u32,
    /// How many locals it has beyond its parameters; a call sets them to unit.
    pub(crate) fresh: u32,
    /// The cost of the straight-line run that starts at its first instruction.
    pub(crate) entry_cost: u32,
    /// How many slots the call needs above the caller's stack top: the fresh locals and
    /// the deepest the function's own stack gets.
    pub(crate) reserve: u32,
}

/// The linked code of one program.
#[derive(Debug, Default)]
pub(crate) struct Linked {
    /// All functions' instructions, one after another, with absolute jump targets.
    pub(crate) code: Vec<Instr>,
    /// For each instruction of [`Linked::code`], the cost of the run that starts at it.
    pub(crate) run_cost: Vec<u32>,
    /// One entry per function, in the program's order.
    pub(crate) callees: Vec<Callee>,
}

impl Linked {
    /// Links the verified functions of a program. Fails only when the code of all functions
    /// together has more instructions than 32 bits can index.
    pub(crate) fn new(program: &VerifiedProgram) -> Result<Linked, Trap> {
        let functions = program.functions();
        let total: usize = functions.iter().map(|f| f.code.len()).sum();
        if u32::try_from(total).is_err() {
            return Err(Trap::new(TrapKind::InvalidProgram(
                "the program has too many instructions",
            )));
        }
        let mut code = Vec::with_capacity(total);
        let mut run_cost = Vec::with_capacity(total);
        let mut callees = Vec::with_capacity(functions.len());
        for f in functions {
            let entry = code.len() as u32;
            code.extend(f.code.iter().map(|&instr| match jump_target(&instr) {
                Some(target) => with_jump_target(instr, entry + target),
                None => instr,
            }));
            fuse(&mut code[entry as usize..]);
            run_cost.extend_from_slice(&f.run_cost);
            let fresh = u32::from(f.locals.saturating_sub(f.params));
            callees.push(Callee {
                entry,
                params: u32::from(f.params),
                fresh,
                entry_cost: f.run_cost.first().copied().unwrap_or(0),
                reserve: fresh + u32::from(f.max_stack),
            });
        }
        Ok(Linked {
            code,
            run_cost,
            callees,
        })
    }
}

/// The local that a canonical load instruction pushes, if `instr` is one.
fn loaded_local(instr: &Instr) -> Option<u16> {
    match *instr {
        Instr::LoadLocal(slot) => Some(slot),
        Instr::LoadLocal0() => Some(0),
        Instr::LoadLocal1() => Some(1),
        Instr::LoadLocal2() => Some(2),
        Instr::LoadLocal3() => Some(3),
        _ => None,
    }
}

/// Puts an internal form (see [`prometeu_bytecode::op::FIRST_INTERNAL`]) at the first
/// instruction of every canonical sequence that one stands for, in one function's linked
/// code. The sequence's other instructions stay where they are, so a jump into its middle
/// runs them as before; the internal form does their work and continues after the last one.
/// Each sequence starts with a load of a local, which none of them holds at a later position,
/// so no two replaced sequences overlap in a way that would change what either reads.
fn fuse(code: &mut [Instr]) {
    for i in 0..code.len().saturating_sub(2) {
        let Some(slot) = loaded_local(&code[i]) else {
            continue;
        };
        code[i] = match (code[i + 1], code[i + 2]) {
            (Instr::IsSome(), Instr::JumpIfFalse(t)) => Instr::JumpIfNoneL(slot, t),
            (Instr::IsNone(), Instr::JumpIfFalse(t)) => Instr::JumpIfSomeL(slot, t),
            (Instr::Unwrap(), Instr::GetField(index)) => Instr::UnwrapFieldL(slot, index),
            (Instr::PushInt(v), Instr::JumpIfNotLtInt(t)) => Instr::JumpIfNotLtIntLI(slot, v, t),
            (Instr::PushInt(v), Instr::JumpIfNotLeInt(t)) => Instr::JumpIfNotLeIntLI(slot, v, t),
            (Instr::PushInt(v), Instr::JumpIfNotGtInt(t)) => Instr::JumpIfNotGtIntLI(slot, v, t),
            (Instr::PushInt(v), Instr::JumpIfNotGeInt(t)) => Instr::JumpIfNotGeIntLI(slot, v, t),
            (Instr::PushInt(v), Instr::JumpIfNotEqInt(t)) => Instr::JumpIfNotEqIntLI(slot, v, t),
            (Instr::PushInt(v), Instr::JumpIfNotNeInt(t)) => Instr::JumpIfNotNeIntLI(slot, v, t),
            _ => continue,
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use prometeu_bytecode::{verify, Function, Program};

    fn function(name: &str, params: u16, locals: u16, max_stack: u16, code: &[Instr]) -> Function {
        let mut bytes = Vec::new();
        for instr in code {
            instr.encode(&mut bytes);
        }
        Function {
            name: name.to_string(),
            params,
            locals,
            max_stack,
            code: bytes,
            spans: Vec::new(),
            file: 0,
        }
    }

    #[test]
    fn functions_are_laid_end_to_end_with_absolute_jumps_and_one_call_entry_each() {
        let first = [Instr::PushUnit(), Instr::Return()];
        // A loop: jump back to the start until local 1 is true, then return local 0.
        let second = [
            Instr::LoadLocal1(),
            Instr::JumpIfFalse(0),
            Instr::ReturnLocal(0),
        ];
        let program = Program {
            functions: vec![
                function("<globals>", 0, 0, 1, &first),
                function("f", 2, 5, 1, &second),
            ],
            ..Program::default()
        };
        let verified = verify(program, &[]).expect("verifies");
        let linked = Linked::new(&verified).expect("links");
        assert_eq!(
            linked.code,
            [
                Instr::PushUnit(),
                Instr::Return(),
                Instr::LoadLocal1(),
                Instr::JumpIfFalse(2),
                Instr::ReturnLocal(0),
            ]
        );
        let costs: Vec<u32> = verified
            .functions()
            .iter()
            .flat_map(|f| f.run_cost.clone())
            .collect();
        assert_eq!(linked.run_cost, costs);
        assert_eq!(
            linked.callees[1],
            Callee {
                entry: 2,
                params: 2,
                fresh: 3,
                entry_cost: costs[2],
                reserve: 4,
            }
        );
        assert_eq!(linked.callees[0].entry, 0);
    }

    #[test]
    fn fused_sequences_keep_their_tail_and_jump_into_the_linked_code() {
        let first = [Instr::PushUnit(), Instr::Return()];
        // A loop on local 2 below 9, an optional test of local 0 and a field of local 1;
        // `LoadLocal 3; PushInt; Pop` matches nothing and stays canonical.
        let second = [
            Instr::LoadLocal2(),
            Instr::PushInt(9),
            Instr::JumpIfNotLtInt(0),
            Instr::LoadLocal0(),
            Instr::IsSome(),
            Instr::JumpIfFalse(0),
            Instr::LoadLocal(1),
            Instr::Unwrap(),
            Instr::GetField(1),
            Instr::LoadLocal(3),
            Instr::PushInt(9),
            Instr::Pop(),
            Instr::Pop(),
            Instr::Pop(),
            Instr::ReturnLocal(0),
        ];
        let mut bytes = 0u32;
        let offsets: Vec<u32> = second
            .iter()
            .map(|instr| {
                let at = bytes;
                bytes += instr.opcode().size() as u32;
                at
            })
            .collect();
        // Both branches leave to the `ReturnLocal`, past the pops of what the fall-through left.
        let exit = offsets[14];
        let mut second = second;
        second[2] = Instr::JumpIfNotLtInt(exit);
        second[5] = Instr::JumpIfFalse(exit);
        let program = Program {
            functions: vec![
                function("<globals>", 0, 0, 1, &first),
                function("f", 2, 4, 3, &second),
            ],
            ..Program::default()
        };
        let verified = verify(program, &[]).expect("verifies");
        let linked = Linked::new(&verified).expect("links");
        let code = &linked.code[2..];
        assert_eq!(code[0], Instr::JumpIfNotLtIntLI(2, 9, 16));
        assert_eq!(code[3], Instr::JumpIfNoneL(0, 16));
        assert_eq!(code[6], Instr::UnwrapFieldL(1, 1));
        assert_eq!(code[9], Instr::LoadLocal(3));
        // The tails are untouched, with absolute targets.
        assert_eq!(code[1..3], [Instr::PushInt(9), Instr::JumpIfNotLtInt(16)]);
        assert_eq!(code[4..6], [Instr::IsSome(), Instr::JumpIfFalse(16)]);
        assert_eq!(code[7..9], [Instr::Unwrap(), Instr::GetField(1)]);
    }
}
