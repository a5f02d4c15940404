//! Function values: the closure object, and how closures follow their functions when a REPL
//! session installs a recompiled program.

use crate::{Heap, Object, Value};
use prometeu_bytecode::{Instr, VerifiedProgram};
use std::collections::HashMap;
use std::rc::Rc;

/// A function value: a plain function (a top-level function or a method) or a lambda with
/// the boxes of the locals it captured.
#[derive(Clone, Debug, PartialEq)]
pub struct Closure {
    /// The function's index in the running program.
    pub function: u32,
    /// The function's name, for formatting (`fn add`).
    pub name: Rc<str>,
    /// Whether the function is a lambda, which receives this value as its local 0.
    pub lambda: bool,
    /// The boxes of the captured locals, in the lambda's capture order.
    pub captures: Box<[Value]>,
}

/// What a function of a program is, as function values see it: its name, its parameter
/// count and, for a lambda, the captures its `MakeClosure` sites pass.
fn shapes(program: &VerifiedProgram) -> HashMap<&str, (u32, u16, Option<u16>)> {
    let mut captures: HashMap<u32, u16> = HashMap::new();
    for f in program.functions() {
        for instr in &f.code {
            if let Instr::MakeClosure(function, count) = *instr {
                captures.insert(function, count);
            }
        }
    }
    program
        .functions()
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let i = i as u32;
            (f.name.as_str(), (i, f.params, captures.get(&i).copied()))
        })
        .collect()
}

/// Points every function value on the heap at the function of the same name in `new`,
/// which is about to replace `old` (late binding, as calls by name have in a REPL session).
/// A value whose function is gone, or whose parameter or capture count changed, is left
/// pointing nowhere: calling it traps.
pub(crate) fn rebind(heap: &mut Heap, old: &VerifiedProgram, new: &VerifiedProgram) {
    let targets = shapes(new);
    heap.for_each_closure(|c| {
        let Some(before) = old.functions().get(c.function as usize) else {
            c.function = u32::MAX;
            return;
        };
        // The lambdas of a plain `<input>` (not named after its input's number) exist only
        // in that input's program: another input's lambdas of the same name are others.
        let found = if before.name.starts_with("<input>.") {
            None
        } else {
            targets.get(before.name.as_str())
        };
        c.function = match found {
            Some(&(index, params, captures)) => {
                let fits = params == before.params
                    && if c.lambda {
                        captures == Some(c.captures.len() as u16)
                    } else {
                        captures.is_none()
                    };
                if fits {
                    index
                } else {
                    u32::MAX
                }
            }
            None => u32::MAX,
        };
    });
}

impl Heap {
    /// Runs `f` on every function value on the heap.
    fn for_each_closure(&mut self, mut f: impl FnMut(&mut Closure)) {
        for object in self.objects_mut() {
            if let Object::Closure(c) = object {
                f(c);
            }
        }
    }
}
