//! Calls through contracts in the VM: the cycles a call costs do not depend on the inline
//! cache (a site that sees one struct type costs what a site that sees many costs), and a
//! verified program whose `CallContract` meets a receiver that cannot answer it traps
//! instead of panicking.

mod common;

use common::Discard;
use prometeu::bytecode::{
    ContractDecl, ContractMethodDecl, Entry, Function, ImplDecl, Instr, Program, StructDecl,
};
use prometeu::compiler::CompileOptions;
use prometeu::vm::{Limits, TrapKind};

/// The cycles `main` of `source` runs for.
fn cycles(source: &str) -> u64 {
    let unit = prometeu::compile_source("t.pbs", source, &CompileOptions::default());
    let program = unit.compiled.program.expect("compiles");
    let verified = prometeu::verify(program).expect("verifies");
    let mut vm = prometeu::new_vm(verified, Limits::default(), Box::new(Discard)).unwrap();
    vm.run_script(None).expect("runs");
    vm.stats().cycles
}

/// Three structs with identical methods; `main` calls `area` through one site on `shapes`.
fn shapes_program(shapes: &str) -> String {
    format!(
        "declare contract Shape {{ fn area(): int; }}
declare struct A(x: int) implements Shape {{ fn area(): int {{ return this.x + 1; }} }}
declare struct B(x: int) implements Shape {{ fn area(): int {{ return this.x + 1; }} }}
declare struct C(x: int) implements Shape {{ fn area(): int {{ return this.x + 1; }} }}
fn main() {{
    let shapes: [Shape] = [{shapes}];
    let total = 0;
    for i from 0 until 300 {{
        total += shapes[i % 3].area();
    }}
    assert(total == 600, \"total\");
}}"
    )
}

#[test]
fn cache_hits_and_misses_cost_the_same_cycles() {
    let monomorphic = cycles(&shapes_program("new A(1), new A(1), new A(1)"));
    let megamorphic = cycles(&shapes_program("new A(1), new B(1), new C(1)"));
    assert_eq!(monomorphic, megamorphic);
}

fn function(name: &str, params: u16, code: &[Instr]) -> Function {
    let mut bytes = Vec::new();
    for i in code {
        i.encode(&mut bytes);
    }
    Function {
        name: name.into(),
        params,
        locals: params,
        max_stack: 4,
        code: bytes,
        spans: Vec::new(),
        file: 0,
    }
}

/// A script whose `main` pushes what `receiver` pushes and calls `Shape.area` on it; only
/// struct 0 implements `Shape` (struct 1 does not).
fn script(receiver: &[Instr]) -> Program {
    let mut main = receiver.to_vec();
    main.extend([Instr::CallContract(0, 0, 0), Instr::Return()]);
    let structs = ["Sq", "Other"]
        .iter()
        .map(|n| StructDecl {
            name: (*n).into(),
            fields: vec!["x".into()],
            optional_shapes: Vec::new(),
        })
        .collect();
    Program {
        functions: vec![
            function("<globals>", 0, &[Instr::PushUnit(), Instr::Return()]),
            function("main", 0, &main),
            function("Sq.area", 1, &[Instr::LoadLocal0(), Instr::Return()]),
        ],
        structs,
        contracts: vec![ContractDecl {
            name: "Shape".into(),
            methods: vec![ContractMethodDecl {
                name: "area".into(),
                params: 0,
            }],
            implementors: vec![ImplDecl {
                ty: 0,
                functions: vec![2],
            }],
        }],
        entry: Entry {
            globals_init: 0,
            main: Some(1),
            ..Entry::default()
        },
        source_name: "t.pbs".into(),
        ..Program::default()
    }
}

fn run(program: Program) -> Result<(), TrapKind> {
    let verified = prometeu::verify(program).expect("verifies");
    let mut vm = prometeu::new_vm(verified, Limits::default(), Box::new(Discard)).unwrap();
    vm.run_script(None).map_err(|t| t.kind)
}

#[test]
fn a_receiver_that_implements_the_contract_runs_its_method() {
    assert_eq!(
        run(script(&[Instr::PushInt(1), Instr::NewStruct(0)])),
        Ok(())
    );
}

#[test]
fn a_receiver_that_cannot_answer_traps_as_an_invalid_program() {
    for receiver in [
        vec![Instr::PushInt(1), Instr::NewStruct(1)],
        vec![Instr::PushInt(1)],
        vec![Instr::PushNone()],
    ] {
        let outcome = run(script(&receiver));
        assert!(
            matches!(outcome, Err(TrapKind::InvalidProgram(_))),
            "{receiver:?}: {outcome:?}"
        );
    }
}
