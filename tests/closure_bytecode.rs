//! The function-value instructions (`MakeClosure` … `CaptureBox`, opcodes 0xB0–0xB8) under
//! the verifier and the VM: well-formed uses load and run, out-of-range operands and stack
//! underflows are rejected at load, and a verified program that misuses them traps instead
//! of panicking.

mod common;

use common::{encode, Discard};
use prometeu::bytecode::{Entry, Function, Instr, LoadErrorKind, Program};
use prometeu::vm::{Limits, TrapKind, Value};

fn function(name: &str, params: u16, locals: u16, code: &[Instr], max_stack: u16) -> Function {
    Function {
        name: name.into(),
        params,
        locals,
        max_stack,
        code: encode(code),
        spans: Vec::new(),
        file: 0,
    }
}

/// A script whose `main` is `main`, with `extra` functions after it (from index 2).
fn script(main: &[Instr], extra: Vec<Function>) -> Program {
    let mut functions = vec![
        function("<globals>", 0, 0, &[Instr::PushUnit(), Instr::Return()], 1),
        function("main", 0, 1, main, 6),
    ];
    functions.extend(extra);
    Program {
        functions,
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

fn run(program: Program) -> Result<Value, TrapKind> {
    let verified = prometeu::verify(program).expect("verifies");
    let mut vm = prometeu::new_vm(verified, Limits::default(), Box::new(Discard)).unwrap();
    vm.run_script(None)
        .map_err(|t| t.kind)
        .map(|()| Value::Unit)
}

/// A lambda (parameter 0 is its function value) that adds its argument to capture 0 and
/// stores the sum back: `fn(x: int): int { n += x; return n; }`.
fn adder() -> Function {
    function(
        "adder",
        2,
        2,
        &[
            Instr::LoadCapture(0),
            Instr::LoadLocal(1),
            Instr::AddInt(),
            Instr::StoreCapture(0),
            Instr::LoadCapture(0),
            Instr::Return(),
        ],
        2,
    )
}

#[test]
fn a_lambda_shares_its_box_with_the_function_that_made_it() {
    // n = box(40); f = adder capturing n; f(2); assert the box now holds 42.
    let main = [
        Instr::PushInt(40),
        Instr::NewBox(),
        Instr::StoreLocal(0),
        Instr::LoadLocal(0),
        Instr::MakeClosure(2, 1),
        Instr::PushInt(2),
        Instr::CallValue(1),
        Instr::Pop(),
        Instr::LoadBox(0),
        Instr::PushInt(42),
        Instr::EqInt(),
        Instr::JumpIfTrue(0),
        Instr::PushInt(1),
        Instr::PushInt(0),
        Instr::DivInt(),
        Instr::Return(),
        Instr::PushUnit(),
        Instr::Return(),
    ];
    let mut code = main.to_vec();
    let ok = encode(&code[..16]).len() as u32;
    code[11] = Instr::JumpIfTrue(ok);
    assert_eq!(run(script(&code, vec![adder()])), Ok(Value::Unit));
}

#[test]
fn a_plain_function_value_is_called_without_the_value_slot() {
    let add = function(
        "add",
        2,
        2,
        &[
            Instr::LoadLocal(0),
            Instr::LoadLocal(1),
            Instr::AddInt(),
            Instr::Return(),
        ],
        2,
    );
    let main = [
        Instr::FuncRef(2),
        Instr::PushInt(1),
        Instr::PushInt(2),
        Instr::CallValue(2),
        Instr::StoreBox(0),
        Instr::PushUnit(),
        Instr::Return(),
    ];
    // Local 0 holds no box: the store traps, after the call returned.
    assert!(matches!(
        run(script(&main, vec![add])),
        Err(TrapKind::InvalidProgram(_))
    ));
}

#[test]
fn out_of_range_operands_and_underflows_are_rejected() {
    let bad_fn = script(&[Instr::FuncRef(9), Instr::Return()], Vec::new());
    assert!(matches!(
        prometeu::verify(bad_fn).map_err(|e| e.kind),
        Err(LoadErrorKind::IndexOutOfRange { .. })
    ));
    // A lambda must have a parameter 0 for its function value.
    let no_param = function("f", 0, 0, &[Instr::PushUnit(), Instr::Return()], 1);
    let program = script(&[Instr::MakeClosure(2, 0), Instr::Return()], vec![no_param]);
    assert!(matches!(
        prometeu::verify(program).map_err(|e| e.kind),
        Err(LoadErrorKind::IndexOutOfRange { .. })
    ));
    // MakeClosure pops its boxes; CallValue pops the value and its arguments.
    let under = script(&[Instr::MakeClosure(2, 1), Instr::Return()], vec![adder()]);
    assert!(matches!(
        prometeu::verify(under).map_err(|e| e.kind),
        Err(LoadErrorKind::StackUnderflow { .. })
    ));
    let under = script(
        &[Instr::PushInt(1), Instr::CallValue(1), Instr::Return()],
        Vec::new(),
    );
    assert!(matches!(
        prometeu::verify(under).map_err(|e| e.kind),
        Err(LoadErrorKind::StackUnderflow { .. })
    ));
    let bad_box = script(&[Instr::LoadBox(7), Instr::Return()], Vec::new());
    assert!(prometeu::verify(bad_box).is_err());
}

#[test]
fn misused_function_values_trap() {
    // Calling an int.
    let main = [
        Instr::PushInt(3),
        Instr::PushInt(1),
        Instr::CallValue(1),
        Instr::Return(),
    ];
    assert!(matches!(
        run(script(&main, Vec::new())),
        Err(TrapKind::InvalidProgram(_))
    ));
    // Calling a lambda with the wrong number of arguments.
    let main = [
        Instr::PushInt(0),
        Instr::NewBox(),
        Instr::MakeClosure(2, 1),
        Instr::CallValue(0),
        Instr::Return(),
    ];
    assert!(matches!(
        run(script(&main, vec![adder()])),
        Err(TrapKind::InvalidProgram(_))
    ));
    // A capture the value does not have.
    let main = [
        Instr::MakeClosure(2, 0),
        Instr::PushInt(1),
        Instr::CallValue(1),
        Instr::Return(),
    ];
    assert!(matches!(
        run(script(&main, vec![adder()])),
        Err(TrapKind::InvalidProgram(_))
    ));
    // A lambda entered by a plain `Call`: local 0 is not a function value.
    let main = [
        Instr::PushInt(5),
        Instr::PushInt(1),
        Instr::Call(2),
        Instr::Return(),
    ];
    assert!(matches!(
        run(script(&main, vec![adder()])),
        Err(TrapKind::InvalidProgram(_))
    ));
}
