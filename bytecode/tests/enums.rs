//! The enum table of the `.pbc` format: its round trip, and the verifier's rejection of a
//! malformed table or of `PushEnum` operands that do not fit it.

use prometeu_bytecode::{
    decode, encode, verify, Entry, EnumDecl, Function, Instr, LoadErrorKind, Program, StructDecl,
    VariantDecl,
};

/// A program whose one function runs `code` and returns; enum `Shape` has a payload-free
/// `Empty` (0) and a `Circle(r)` (1) whose payload is struct 0.
fn program(code: &[Instr]) -> Program {
    let mut bytes = Vec::new();
    for instr in code {
        instr.encode(&mut bytes);
    }
    Instr::PushUnit().encode(&mut bytes);
    Instr::Return().encode(&mut bytes);
    Program {
        functions: vec![Function {
            name: "<globals>".into(),
            params: 0,
            locals: 1,
            max_stack: 4,
            code: bytes,
            spans: Vec::new(),
            file: 0,
        }],
        structs: vec![StructDecl {
            name: "Shape.Circle".into(),
            fields: vec!["r".into()],
            optional_shapes: Vec::new(),
        }],
        enums: vec![EnumDecl {
            name: "Shape".into(),
            variants: vec![
                VariantDecl {
                    name: "Empty".into(),
                    payload: None,
                },
                VariantDecl {
                    name: "Circle".into(),
                    payload: Some(0),
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

fn rejection(p: Program) -> String {
    match verify(p, &[]) {
        Ok(_) => panic!("a malformed program was accepted"),
        Err(e) => match e.kind {
            LoadErrorKind::BadEnum(why) => why,
            other => format!("other: {other}"),
        },
    }
}

#[test]
fn enum_table_round_trips_and_verifies() {
    let p = program(&[Instr::PushEnum(0, 0), Instr::EnumTag(), Instr::Pop()]);
    let back = decode(&encode(&p)).expect("decodes");
    assert_eq!(back.enums, p.enums);
    assert!(verify(back, &[]).is_ok());
}

#[test]
fn push_enum_out_of_range_is_rejected() {
    for instr in [Instr::PushEnum(1, 0), Instr::PushEnum(0, 2)] {
        let p = program(&[instr, Instr::Pop()]);
        assert!(verify(p, &[]).is_err(), "{instr:?} was accepted");
    }
}

#[test]
fn push_enum_of_a_payload_variant_is_rejected() {
    let why = rejection(program(&[Instr::PushEnum(0, 1), Instr::Pop()]));
    assert!(why.contains("Shape.Circle"), "{why}");
}

#[test]
fn malformed_tables_are_rejected() {
    let mut p = program(&[]);
    p.enums[0].variants.clear();
    assert!(rejection(p).contains("0 variants"));

    let mut p = program(&[]);
    p.enums[0].variants[1].payload = Some(7);
    assert!(rejection(p).contains("does not exist"));

    let mut p = program(&[]);
    p.enums[0].variants[0].payload = Some(0);
    assert!(rejection(p).contains("shares payload struct"));

    let mut p = program(&[]);
    p.structs[0].fields.clear();
    assert!(rejection(p).contains("without fields"));
}
