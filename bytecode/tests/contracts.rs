//! The contract table of the `.pbc` format: its round trip, the dispatch tables the verifier
//! builds, its numbering of `CallContract` sites, and its rejection of malformed tables and
//! out-of-range operands.

use prometeu_bytecode::{
    decode, disassemble, encode, verify, ContractDecl, ContractMethodDecl, Entry, Function,
    ImplDecl, Instr, LoadErrorKind, Program, StructDecl,
};

fn function(name: &str, params: u16, code: &[Instr]) -> Function {
    let mut bytes = Vec::new();
    for instr in code {
        instr.encode(&mut bytes);
    }
    Function {
        name: name.into(),
        params,
        locals: params.max(1),
        max_stack: 4,
        code: bytes,
        spans: Vec::new(),
        file: 0,
    }
}

/// Struct 0 `Sq` and struct 1 `Ci` implement contract `Shape { area(): float; grow(k) }`
/// with functions 1, 2 and 3, 4; function 0 runs `code`.
fn program(code: &[Instr]) -> Program {
    let method = || function("m", 1, &[Instr::LoadLocal0(), Instr::Return()]);
    let grow = || function("g", 2, &[Instr::LoadLocal1(), Instr::Return()]);
    let mut main = code.to_vec();
    main.extend([Instr::PushUnit(), Instr::Return()]);
    Program {
        functions: vec![
            function("<globals>", 0, &main),
            method(),
            grow(),
            method(),
            grow(),
        ],
        structs: ["Sq", "Ci"]
            .iter()
            .map(|n| StructDecl {
                name: (*n).into(),
                fields: vec!["x".into()],
                optional_shapes: Vec::new(),
            })
            .collect(),
        contracts: vec![ContractDecl {
            name: "Shape".into(),
            methods: vec![
                ContractMethodDecl {
                    name: "area".into(),
                    params: 0,
                },
                ContractMethodDecl {
                    name: "grow".into(),
                    params: 1,
                },
            ],
            implementors: vec![
                ImplDecl {
                    ty: 0,
                    functions: vec![1, 2],
                },
                ImplDecl {
                    ty: 1,
                    functions: vec![3, 4],
                },
            ],
        }],
        entry: Entry {
            globals_init: 0,
            ..Entry::default()
        },
        source_name: "a.pbs".into(),
        ..Program::default()
    }
}

/// Builds an `Sq`, then calls `area` and `grow` through the contract.
fn calls() -> Vec<Instr> {
    vec![
        Instr::PushInt(1),
        Instr::NewStruct(0),
        Instr::Dup(),
        Instr::CallContract(0, 0, 7),
        Instr::Pop(),
        Instr::PushInt(2),
        Instr::CallContract(0, 1, 7),
        Instr::Pop(),
    ]
}

fn rejection(p: Program) -> String {
    match verify(p, &[]) {
        Ok(_) => panic!("a malformed program was accepted"),
        Err(e) => match e.kind {
            LoadErrorKind::BadContract(why) => why,
            other => format!("other: {other}"),
        },
    }
}

#[test]
fn contract_table_round_trips_and_builds_dispatch_tables() {
    let p = program(&calls());
    let back = decode(&encode(&p)).expect("decodes");
    assert_eq!(back.contracts, p.contracts);
    let v = verify(back, &[]).expect("verifies");
    let d = v.dispatch();
    assert_eq!(d.slot(0, 1), 1);
    assert_eq!(d.arity(1), 1);
    assert_eq!(d.lookup(0, d.slot(0, 0)), 1);
    assert_eq!(d.lookup(1, d.slot(0, 1)), 4);
    assert_eq!(d.lookup(2, 0), prometeu_bytecode::contracts::NO_METHOD);
    // Both sites said 7 in the file; the verifier gives each its own cache.
    assert_eq!(d.sites(), 2);
    let sites: Vec<u32> = v.functions()[0]
        .code
        .iter()
        .filter_map(|i| match i {
            Instr::CallContract(_, _, site) => Some(*site),
            _ => None,
        })
        .collect();
    assert_eq!(sites, vec![0, 1]);
}

#[test]
fn disassembly_lists_the_contract_table_and_names_the_method() {
    let text = disassemble(&program(&calls()));
    assert!(text.contains("contract 0 Shape: area/0, grow/1"), "{text}");
    assert!(
        text.contains("implemented by Ci (struct 1): functions 3, 4"),
        "{text}"
    );
    assert!(text.contains("; Shape.grow"), "{text}");
}

#[test]
fn call_contract_operands_out_of_range_are_rejected() {
    for instr in [Instr::CallContract(1, 0, 0), Instr::CallContract(0, 2, 0)] {
        let p = program(&[Instr::PushInt(1), Instr::NewStruct(0), instr, Instr::Pop()]);
        match verify(p, &[]) {
            Ok(_) => panic!("{instr:?} was accepted"),
            Err(e) => assert!(
                matches!(e.kind, LoadErrorKind::IndexOutOfRange { .. }),
                "{:?}",
                e.kind
            ),
        }
    }
}

#[test]
fn call_contract_pops_the_receiver_and_the_arguments() {
    // `grow` takes an argument besides the receiver: without it the stack underflows.
    let p = program(&[
        Instr::PushInt(1),
        Instr::NewStruct(0),
        Instr::CallContract(0, 1, 0),
    ]);
    assert!(matches!(
        verify(p, &[]).unwrap_err().kind,
        LoadErrorKind::StackUnderflow { .. }
    ));
}

#[test]
fn malformed_contract_tables_are_rejected() {
    let mut p = program(&[]);
    p.contracts[0].implementors[1].ty = 5;
    assert!(rejection(p).contains("struct 5, which does not exist"));

    let mut p = program(&[]);
    p.contracts[0].implementors[1].ty = 0;
    assert!(rejection(p).contains("implements `Shape` twice"));

    let mut p = program(&[]);
    p.contracts[0].implementors[0].functions.pop();
    assert!(rejection(p).contains("gives 1 methods for the 2"));

    let mut p = program(&[]);
    p.contracts[0].implementors[0].functions[0] = 99;
    assert!(rejection(p).contains("function 99, which does not exist"));

    // `area` implemented by a function of two parameters: the arity does not fit.
    let mut p = program(&[]);
    p.contracts[0].implementors[0].functions[0] = 2;
    assert!(rejection(p).contains("with 2 parameters, not 1"));
}

#[test]
fn a_truncated_contract_section_is_rejected() {
    let bytes = encode(&program(&calls()));
    for cut in [bytes.len() / 2, bytes.len() - 1] {
        assert!(decode(&bytes[..cut]).is_err());
    }
}
