//! The map instructions (`NewMap` … `MapIterEnd`, opcodes 0xC0–0xCD) under the verifier and
//! the VM: well-formed uses load, `NewMap`'s pairs and the locals of `MapIterBegin` are
//! checked at load, and a verified program that misuses a map traps instead of panicking.

mod common;

use common::{encode, rejection, Discard};
use prometeu::bytecode::{Entry, Function, Instr, LoadErrorKind, Program};
use prometeu::vm::{Limits, TrapKind};

/// A script whose `main` has `locals` locals and the code `main`.
fn script(main: &[Instr], locals: u16) -> Program {
    let function = |name: &str, code: Vec<u8>, locals: u16| Function {
        name: name.into(),
        params: 0,
        locals,
        max_stack: 8,
        code,
        spans: Vec::new(),
        file: 0,
    };
    Program {
        functions: vec![
            function(
                "<globals>",
                encode(&[Instr::PushUnit(), Instr::Return()]),
                0,
            ),
            function("main", encode(main), locals),
        ],
        entry: Entry {
            globals_init: 0,
            main: Some(1),
            init: None,
            frame: None,
        },
        source_name: "t.pbs".into(),
        ..Program::default()
    }
}

fn trap_of(program: Program) -> TrapKind {
    let verified = prometeu::verify(program).expect("verifies");
    let mut vm = prometeu::new_vm(verified, Limits::default(), Box::new(Discard)).unwrap();
    vm.run_script(None).expect_err("traps").kind
}

#[test]
fn every_map_instruction_verifies_and_runs_in_a_well_formed_function() {
    let code = [
        Instr::PushInt(1),
        Instr::PushInt(10),
        Instr::PushInt(2),
        Instr::PushInt(20),
        Instr::NewMap(2),
        Instr::StoreLocal(0),
        Instr::MapIterBegin(0),
        Instr::LoadLocal(0),
        Instr::PushInt(0),
        Instr::MapKeyAt(),
        Instr::LoadLocal(0),
        Instr::PushInt(1),
        Instr::MapValueAt(),
        Instr::AddInt(),
        Instr::Pop(),
        Instr::MapIterEnd(0),
        Instr::LoadLocal(0),
        Instr::PushInt(3),
        Instr::PushInt(30),
        Instr::MapSet(),
        Instr::LoadLocal(0),
        Instr::PushInt(1),
        Instr::MapRemove(),
        Instr::Pop(),
        Instr::LoadLocal(0),
        Instr::PushInt(2),
        Instr::MapHas(),
        Instr::Pop(),
        Instr::LoadLocal(0),
        Instr::PushInt(9),
        Instr::MapGetOpt(),
        Instr::Pop(),
        Instr::LoadLocal(0),
        Instr::MapKeys(),
        Instr::Pop(),
        Instr::LoadLocal(0),
        Instr::MapValues(),
        Instr::Pop(),
        Instr::LoadLocal(0),
        Instr::PushInt(2),
        Instr::MapGet(),
        Instr::LoadLocal(0),
        Instr::MapLen(),
        Instr::AddInt(),
        Instr::LoadLocal(0),
        Instr::MapClear(),
        Instr::Pop(),
        Instr::Return(),
    ];
    let verified = prometeu::verify(script(&code, 1)).expect("verifies");
    let mut vm = prometeu::new_vm(verified, Limits::default(), Box::new(Discard)).unwrap();
    let main = 1;
    let result = vm.call(main, None).expect("runs");
    // m[2] + m.len() after removing 1 and adding 3: 20 + 2.
    assert_eq!(result, prometeu::vm::Value::Int(22));
}

#[test]
fn new_map_pops_two_values_per_pair() {
    // One pair needs two values; one is an underflow.
    let kind = rejection(script(
        &[Instr::PushInt(1), Instr::NewMap(1), Instr::Return()],
        0,
    ));
    assert!(
        matches!(kind, LoadErrorKind::StackUnderflow { pc: 5, .. }),
        "{kind:?}"
    );
    // A count whose pairs could never fit is an underflow too, not an overflow.
    let kind = rejection(script(&[Instr::NewMap(u32::MAX), Instr::Return()], 0));
    assert!(
        matches!(kind, LoadErrorKind::StackUnderflow { .. }),
        "{kind:?}"
    );
}

#[test]
fn iteration_instructions_check_their_local() {
    for instr in [Instr::MapIterBegin(3), Instr::MapIterEnd(3)] {
        let kind = rejection(script(&[instr, Instr::PushUnit(), Instr::Return()], 1));
        assert!(
            matches!(
                kind,
                LoadErrorKind::IndexOutOfRange {
                    what: "local",
                    index: 3,
                    ..
                }
            ),
            "{instr:?}: {kind:?}"
        );
    }
}

#[test]
fn map_instructions_on_other_values_trap_as_invalid_programs() {
    let cases: [&[Instr]; 4] = [
        &[
            Instr::PushInt(1),
            Instr::PushInt(2),
            Instr::MapGet(),
            Instr::Return(),
        ],
        &[Instr::PushInt(1), Instr::MapLen(), Instr::Return()],
        &[
            Instr::PushInt(1),
            Instr::StoreLocal(0),
            Instr::MapIterBegin(0),
            Instr::PushUnit(),
            Instr::Return(),
        ],
        // A float key is not a key.
        &[
            Instr::PushInt(1),
            Instr::PushInt(1),
            Instr::NewMap(1),
            Instr::Const(0),
            Instr::PushInt(1),
            Instr::MapSet(),
            Instr::PushUnit(),
            Instr::Return(),
        ],
    ];
    for code in cases {
        let mut program = script(code, 1);
        program.constants = vec![prometeu::bytecode::Constant::Float(1.5f64.to_bits())];
        let kind = trap_of(program);
        assert!(
            matches!(kind, TrapKind::InvalidProgram(_)),
            "{code:?}: {kind:?}"
        );
    }
}

#[test]
fn positions_outside_the_map_trap() {
    let kind = trap_of(script(
        &[
            Instr::NewMap(0),
            Instr::PushInt(0),
            Instr::MapKeyAt(),
            Instr::Return(),
        ],
        0,
    ));
    assert_eq!(kind, TrapKind::IndexOutOfBounds { index: 0, len: 0 });
}
