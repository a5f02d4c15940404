//! The program's code as the dispatch loop runs it, linked once when a program is installed.
//!
//! Every function's instructions are laid end to end in one array, with jump targets made
//! absolute, and their run costs in a parallel array. A frame's `pc` is then an index into
//! that one array, so calling or returning changes only `pc` and `base`: the loop never
//! switches to another function's code. Each function also gets one compact [`Callee`]
//! entry holding everything a call needs (where the code starts, how many slots the frame
//! takes, what the first run costs), so the `Call` handler reads a single table row instead
//! of the verified function with its names and tables.

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
}
