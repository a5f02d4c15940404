//! The canonical form of compiled code: no jumps to the next instruction or to jumps, no
//! unreachable instructions, and the array methods and discarded built-in calls as their own
//! instructions, with the cycle costs the documentation gives.

mod common;

use common::Discard;
use prometeu::bytecode::op::{falls_through, jump_target};
use prometeu::bytecode::{Instr, VerifiedProgram};
use prometeu::compiler::CompileOptions;
use prometeu::vm::Limits;

fn build(name: &str, src: &str) -> VerifiedProgram {
    let unit = prometeu::compile_source(name, src, &CompileOptions::default());
    let program = unit.compiled.program.expect("the test program compiles");
    prometeu::verify(program).expect("the test program verifies")
}

fn code<'a>(program: &'a VerifiedProgram, function: &str) -> &'a [Instr] {
    let f = program.functions().iter().find(|f| f.name == function);
    &f.expect("function exists").code
}

/// Runs `main` and returns the cycles it used (with the globals initializer).
fn cycles(src: &str) -> u64 {
    let mut vm = prometeu::new_vm(
        build("cycles.pbs", src),
        Limits::default(),
        Box::new(Discard),
    )
    .expect("the VM starts");
    vm.run_script(None).expect("runs without a trap");
    vm.stats().cycles
}

/// Checks the canonical-form rules on every function of a program.
fn assert_canonical(name: &str, program: &VerifiedProgram) {
    for f in program.functions() {
        let mut reached = vec![false; f.code.len()];
        let mut work = vec![0usize];
        while let Some(i) = work.pop() {
            if i >= f.code.len() || reached[i] {
                continue;
            }
            reached[i] = true;
            if let Some(t) = jump_target(&f.code[i]) {
                work.push(t as usize);
            }
            if falls_through(&f.code[i]) {
                work.push(i + 1);
            }
        }
        for (i, instr) in f.code.iter().enumerate() {
            assert!(
                reached[i],
                "{name}: {}: instruction {i} ({instr:?}) is unreachable",
                f.name
            );
            if let Some(t) = jump_target(instr) {
                let t = t as usize;
                if matches!(
                    instr,
                    Instr::Jump(_) | Instr::JumpIfFalse(_) | Instr::JumpIfTrue(_)
                ) {
                    assert_ne!(
                        t,
                        i + 1,
                        "{name}: {}: {i} jumps to the next instruction",
                        f.name
                    );
                }
                assert!(
                    !matches!(f.code.get(t), Some(Instr::Jump(_))),
                    "{name}: {}: {i} jumps to a jump",
                    f.name
                );
            }
            assert!(
                !matches!(
                    (instr, f.code.get(i + 1)),
                    (Instr::CallHost(_), Some(Instr::Pop()))
                ),
                "{name}: {}: a built-in's result is pushed only to be popped",
                f.name
            );
        }
    }
}

#[test]
fn every_example_and_benchmark_compiles_to_canonical_code() {
    let root = env!("CARGO_MANIFEST_DIR");
    let mut checked = 0;
    for dir in ["examples", "benches/programs"] {
        let mut paths: Vec<_> = std::fs::read_dir(format!("{root}/{dir}"))
            .expect("directory exists")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == "pbs"))
            .collect();
        paths.sort();
        for path in paths {
            let text = std::fs::read_to_string(&path).expect("readable");
            let name = path.display().to_string();
            let unit = prometeu::compile_source(&name, &text, &CompileOptions::default());
            let Some(program) = unit.compiled.program else {
                continue;
            };
            let program = prometeu::verify(program).expect("verifies");
            assert_canonical(&name, &program);
            checked += 1;
        }
    }
    assert!(checked >= 20, "only {checked} programs checked");
}

#[test]
fn a_function_that_returns_on_every_path_has_no_dead_tail() {
    let program = build(
        "tail.pbs",
        "fn sq(x: int): int { return x * x; }\nfn sign(x: int): int {\n    if x < 0 {\n        return -1;\n    } else {\n        return 1;\n    }\n}\nfn main() { print(sq(3) + sign(-2)); }\n",
    );
    assert_eq!(
        code(&program, "sq"),
        [Instr::MulIntLL(0, 0), Instr::Return()]
    );
    let sign = code(&program, "sign");
    assert!(
        !sign
            .iter()
            .any(|i| matches!(i, Instr::PushUnit() | Instr::Jump(_))),
        "{sign:?}"
    );
}

#[test]
fn an_if_without_else_ends_its_branch_without_a_jump() {
    let program = build(
        "if.pbs",
        "fn f(x: int) {\n    if x > 0 {\n        print(\"positive\");\n    }\n}\nfn main() { f(1); }\n",
    );
    let f = code(&program, "f");
    assert!(!f.iter().any(|i| matches!(i, Instr::Jump(_))), "{f:?}");
    assert!(
        f.iter().any(|i| matches!(i, Instr::CallHostDrop(_))),
        "{f:?}"
    );
}

#[test]
fn array_methods_are_instructions_not_host_calls() {
    let program = build(
        "arrays.pbs",
        "fn main() {\n    let xs: [int] = [];\n    xs.push(4);\n    xs.push(5);\n    let n = xs.len();\n    print(xs.pop() + n);\n}\n",
    );
    let main = code(&program, "main");
    assert!(main.contains(&Instr::ArrayPush()), "{main:?}");
    assert!(main.contains(&Instr::ArrayLenL(0)), "{main:?}");
    assert!(main.contains(&Instr::ArrayPop()), "{main:?}");
    let hosts: Vec<String> = program
        .program()
        .hosts
        .iter()
        .map(|h| h.to_string())
        .collect();
    assert!(hosts.iter().all(|h| !h.starts_with("Array.")), "{hosts:?}");
}

#[test]
fn push_len_and_pop_cost_what_the_cycle_table_says() {
    let base = "fn main() {\n    let xs: [int] = [];\n    let n = 0;\n";
    let end = "}\n";
    let empty = cycles(&format!("{base}{end}"));
    // `xs.push(7);` is `LoadLocal0` 1, `PushInt` 1, `ArrayPush` 2.
    let pushes = cycles(&format!("{base}{}{end}", "    xs.push(7);\n".repeat(10)));
    assert_eq!(pushes - empty, 10 * 4);
    // `n = xs.len();` is `ArrayLenL` 1 and `StoreLocal` 1.
    let lens = cycles(&format!("{base}{}{end}", "    n = xs.len();\n".repeat(10)));
    assert_eq!(lens - empty, 10 * 2);
    // `n = xs.pop();` after a push is `LoadLocal0` 1, `ArrayPop` 2 and `StoreLocal` 1.
    let one = "    xs.push(7);\n";
    let pushed = cycles(&format!("{base}{}{end}", one.repeat(10)));
    let popped = cycles(&format!(
        "{base}{}{}{end}",
        one.repeat(10),
        "    n = xs.pop();\n".repeat(10)
    ));
    assert_eq!(popped - pushed, 10 * 4);
}
