//! The optional instructions (`PushNone` … `NeOpt`, opcodes 0x90–0x96) under the verifier:
//! well-formed uses load, malformed ones (underflow, bad jump targets, stacks that disagree
//! where paths merge, unassigned opcodes, struct tables that do not fit) are rejected at
//! load, and a verified program that misuses `none` traps instead of panicking.

mod common;

use common::{encode, rejection, Discard};
use prometeu::bytecode::{Entry, Function, Instr, LoadErrorKind, Program, StructDecl};
use prometeu::vm::{Limits, TrapKind};

/// The byte offset of instruction `index` of `code`.
fn offset(code: &[Instr], index: usize) -> u32 {
    encode(&code[..index]).len() as u32
}

/// A function of raw code.
fn function(name: &str, code: Vec<u8>, max_stack: u16) -> Function {
    Function {
        name: name.into(),
        params: 0,
        locals: 0,
        max_stack,
        code,
        spans: Vec::new(),
        file: 0,
    }
}

/// A script whose `main` is `code` (raw bytes), with an empty globals initializer.
fn script(main: Vec<u8>) -> Program {
    let globals = encode(&[Instr::PushUnit(), Instr::Return()]);
    Program {
        functions: vec![function("<globals>", globals, 1), function("main", main, 4)],
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

#[test]
fn every_optional_instruction_verifies_in_a_well_formed_function() {
    // none else 0: JumpIfSome skips the fallback, and both paths reach `end` with one value.
    let mut code = vec![
        Instr::PushNone(),
        Instr::JumpIfSome(0),
        Instr::Pop(),
        Instr::PushInt(0),
        Instr::IsNone(),
        Instr::PushNone(),
        Instr::IsSome(),
        Instr::EqOpt(),
        Instr::PushNone(),
        Instr::NeOpt(),
        Instr::Unwrap(),
        Instr::Return(),
    ];
    code[1] = Instr::JumpIfSome(offset(&code, 4));
    let program = prometeu::verify(script(encode(&code))).expect("well-formed code verifies");
    let main = &program.functions()[1];
    assert_eq!(
        main.code[1],
        Instr::JumpIfSome(4),
        "the target becomes an index"
    );
}

#[test]
fn comparing_optionals_needs_two_values() {
    let code = encode(&[Instr::PushNone(), Instr::EqOpt(), Instr::Return()]);
    assert!(matches!(
        rejection(script(code)),
        LoadErrorKind::StackUnderflow { pc: 1, .. }
    ));
    let code = encode(&[Instr::PushNone(), Instr::NeOpt(), Instr::Return()]);
    assert!(matches!(
        rejection(script(code)),
        LoadErrorKind::StackUnderflow { pc: 1, .. }
    ));
}

#[test]
fn testing_or_unwrapping_an_empty_stack_is_rejected() {
    for instr in [Instr::IsNone(), Instr::IsSome(), Instr::Unwrap()] {
        let code = encode(&[instr, Instr::Return()]);
        assert!(
            matches!(
                rejection(script(code)),
                LoadErrorKind::StackUnderflow { pc: 0, .. }
            ),
            "{instr:?}"
        );
    }
    let code = encode(&[Instr::JumpIfSome(5), Instr::PushUnit(), Instr::Return()]);
    assert!(matches!(
        rejection(script(code)),
        LoadErrorKind::StackUnderflow { pc: 0, .. }
    ));
}

#[test]
fn jump_if_some_must_land_on_an_instruction() {
    // Offset 2 is inside the JumpIfSome itself.
    let code = encode(&[Instr::PushNone(), Instr::JumpIfSome(2), Instr::Return()]);
    assert!(matches!(
        rejection(script(code)),
        LoadErrorKind::BadJumpTarget { target: 2, .. }
    ));
    let code = encode(&[Instr::PushNone(), Instr::JumpIfSome(1000), Instr::Return()]);
    assert!(matches!(
        rejection(script(code)),
        LoadErrorKind::BadJumpTarget { target: 1000, .. }
    ));
}

#[test]
fn jump_if_some_paths_must_agree_on_the_stack_depth() {
    // The fall-through path pushes a second value before the merge point.
    let mut code = vec![
        Instr::PushNone(),
        Instr::JumpIfSome(0),
        Instr::PushInt(1),
        Instr::Pop(),
        Instr::PushInt(2),
        Instr::Return(),
    ];
    code[1] = Instr::JumpIfSome(offset(&code, 4));
    code[3] = Instr::Nop();
    assert!(matches!(
        rejection(script(encode(&code))),
        LoadErrorKind::StackMismatch { .. }
    ));
}

#[test]
fn the_unassigned_opcodes_after_the_optional_ones_are_unknown() {
    for opcode in 0x97u8..=0x9F {
        let mut code = encode(&[Instr::PushNone()]);
        code.push(opcode);
        code.extend(encode(&[Instr::Return()]));
        assert_eq!(
            rejection(script(code)),
            LoadErrorKind::UnknownOpcode {
                function: "main".into(),
                opcode
            }
        );
    }
}

#[test]
fn a_truncated_jump_if_some_is_rejected() {
    let mut code = encode(&[Instr::PushNone(), Instr::JumpIfSome(0)]);
    code.truncate(code.len() - 2);
    assert_eq!(
        rejection(script(code)),
        LoadErrorKind::TruncatedInstruction("main".into())
    );
}

#[test]
fn optional_shapes_must_match_the_fields() {
    let mut program = script(encode(&[Instr::PushUnit(), Instr::Return()]));
    program.structs.push(StructDecl {
        name: "Node".into(),
        fields: vec!["value".into(), "next".into()],
        optional_shapes: vec![1],
    });
    assert!(matches!(
        rejection(program.clone()),
        LoadErrorKind::BadStruct { .. }
    ));
    program.structs[0].optional_shapes = vec![0, 1];
    prometeu::verify(program).expect("one shape a field verifies");
}

#[test]
fn none_where_a_value_is_needed_traps_as_an_invalid_program() {
    // Verified (the stack depths are right), but `none` is not an int.
    let code = encode(&[
        Instr::PushNone(),
        Instr::PushInt(1),
        Instr::AddInt(),
        Instr::Return(),
    ]);
    let program = prometeu::verify(script(code)).expect("depths are fine");
    let mut vm = prometeu::new_vm(program, Limits::default(), Box::new(Discard)).unwrap();
    let trap = vm.run_script(None).expect_err("adding none traps");
    assert!(matches!(trap.kind, TrapKind::InvalidProgram(_)), "{trap:?}");
}

#[test]
fn unwrap_of_none_in_hand_made_code_traps() {
    let code = encode(&[Instr::PushNone(), Instr::Unwrap(), Instr::Return()]);
    let program = prometeu::verify(script(code)).expect("depths are fine");
    let mut vm = prometeu::new_vm(program, Limits::default(), Box::new(Discard)).unwrap();
    let trap = vm.run_script(None).expect_err("unwrap of none traps");
    assert_eq!(trap.kind, TrapKind::UnwrapNone);
}
