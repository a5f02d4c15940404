//! Cycle accounting: the VM charges whole straight-line runs at once, but the cycles it
//! reports must equal the sum of the table costs of the instructions that executed, on
//! normal returns, on traps in the middle of a run, and across budget pauses.

mod common;

use common::Discard;
use prometeu::bytecode::{Instr, VerifiedProgram};
use prometeu::compiler::CompileOptions;
use prometeu::vm::{Exit, Limits, TrapKind, Vm};

fn build(src: &str) -> VerifiedProgram {
    let unit = prometeu::compile_source("cycles.pbs", src, &CompileOptions::default());
    let program = unit.compiled.program.expect("the test program compiles");
    prometeu::verify(program).expect("the test program verifies")
}

fn vm(program: VerifiedProgram) -> Vm {
    prometeu::new_vm(program, Limits::default(), Box::new(Discard)).expect("the VM starts")
}

/// The summed table cost of a function's instructions in `range`.
fn cost(program: &VerifiedProgram, function: &str, range: std::ops::Range<usize>) -> u64 {
    let f = program
        .functions()
        .iter()
        .find(|f| f.name == function)
        .expect("function exists");
    f.code[range].iter().map(|i| i.cost() as u64).sum()
}

fn code_len(program: &VerifiedProgram, function: &str) -> usize {
    let f = program.functions().iter().find(|f| f.name == function);
    f.expect("function exists").code.len()
}

fn index_of(program: &VerifiedProgram, function: &str, wanted: fn(&Instr) -> bool) -> usize {
    let f = program.functions().iter().find(|f| f.name == function);
    let f = f.expect("function exists");
    f.code.iter().position(wanted).expect("instruction exists")
}

/// Resumes a started run in slices of `budget` cycles until it returns; how often it paused.
fn resume_in_slices(vm: &mut Vm, budget: u64) -> usize {
    let mut pauses = 0;
    loop {
        match vm.resume(budget).expect("no trap") {
            Exit::Returned(_) => return pauses,
            Exit::OutOfCycles => pauses += 1,
        }
    }
}

#[test]
fn a_trap_in_the_middle_of_a_run_counts_only_what_executed() {
    let program = build(
        "fn main() {\n    let a = 7;\n    let b = 0;\n    let c = a / b;\n    let d = c + 1;\n    let e = d * 3;\n}\n",
    );
    let div = index_of(&program, "main", |i| matches!(i, Instr::DivInt()));
    let globals = code_len(&program, "<globals>");
    let expected = cost(&program, "<globals>", 0..globals) + cost(&program, "main", 0..div + 1);
    let mut vm = vm(program);
    let trap = vm.run_script(None).expect_err("division by zero traps");
    assert_eq!(trap.kind, TrapKind::DivisionByZero);
    assert_eq!(vm.stats().cycles, expected);
}

#[test]
fn a_loop_counts_every_iteration_and_pauses_resume_exactly() {
    let src =
        "fn main() {\n    let s = 0;\n    for i from 0 until 1000 {\n        s += i;\n    }\n}\n";
    let program = build(src);
    let len = code_len(&program, "main");
    let body = index_of(&program, "main", |i| matches!(i, Instr::ForPrep(..))) + 1;
    let step = index_of(&program, "main", |i| matches!(i, Instr::ForLoop(..)));
    let expected = cost(&program, "main", 0..body)
        + 1000 * cost(&program, "main", body..step + 1)
        + cost(&program, "main", step + 1..len);

    let mut whole = vm(program.clone());
    let main = whole.program().program().entry.main.expect("main exists");
    whole.call(main, None).expect("the loop runs");
    assert_eq!(whole.stats().cycles, expected);

    // The same run in slices of 7 cycles: every pause is at a transfer, and the total is
    // the same to the cycle.
    let mut sliced = vm(program);
    sliced.start(main).expect("starts");
    let pauses = resume_in_slices(&mut sliced, 7);
    assert!(pauses > 100, "only {pauses} pauses");
    assert_eq!(sliced.stats().cycles, expected);
}

#[test]
fn a_budget_pause_inside_a_callback_of_an_array_method_resumes_exactly() {
    // `sort_by` and `map` call lambdas from generated loops inside the VM: a run sliced into
    // small budgets pauses inside the callbacks and ends with the same result and cycles.
    let src = "fn main(): void {\n    let xs: [int] = [];\n    for i from 0 until 300 {\n        xs.push((i * 7919) % 300);\n    }\n    let k = 3;\n    xs.sort_by(fn(a: int, b: int): bool { return a % k < b % k; });\n    let ys = xs.map(fn(x: int): int { return x * k; });\n    assert(ys[0] == 0 && ys[299] % 3 == 0 && xs[299] % 3 == 2, \"sorted by x % 3\");\n}\n";
    let program = build(src);
    let mut whole = vm(program.clone());
    let main = whole.program().program().entry.main.expect("main exists");
    whole.call(main, None).expect("runs");
    let expected = whole.stats().cycles;

    let mut sliced = vm(program);
    sliced.start(main).expect("starts");
    let pauses = resume_in_slices(&mut sliced, 5);
    assert!(pauses > 1000, "only {pauses} pauses");
    assert_eq!(sliced.stats().cycles, expected);
}

#[test]
fn a_trap_inside_nested_calls_is_the_same_whether_the_run_was_paused_or_not() {
    // The trap leaves the dispatch loop with the frame state of the trapping instruction:
    // its location, the stack trace and the cycles must not depend on where earlier pauses
    // cut the run.
    let src = "fn get(xs: [int], i: int): int {\n    return xs[i];\n}\nfn sum(xs: [int], n: int): int {\n    let s = 0;\n    for i from 0 until n {\n        s += get(xs, i);\n    }\n    return s;\n}\nfn main(): void {\n    let xs = [1, 2, 3, 4, 5];\n    print(str(sum(xs, 5)));\n    print(str(sum(xs, 9)));\n}\n";
    let program = build(src);
    let mut whole = vm(program.clone());
    let main = whole.program().program().entry.main.expect("main exists");
    let expected = whole.call(main, None).expect_err("the index traps");
    assert_eq!(
        expected.kind,
        TrapKind::IndexOutOfBounds { index: 5, len: 5 }
    );
    assert_eq!(
        expected.trace.len(),
        3,
        "get, sum and main: {:?}",
        expected.trace
    );
    let cycles = whole.stats().cycles;

    for slice in [1, 2, 3, 7] {
        let mut sliced = vm(program.clone());
        sliced.start(main).expect("starts");
        let trap = loop {
            match sliced.resume(slice) {
                Ok(Exit::OutOfCycles) => {}
                Ok(Exit::Returned(_)) => panic!("the run returned instead of trapping"),
                Err(trap) => break trap,
            }
        };
        assert_eq!(trap, expected, "slices of {slice} cycles");
        assert_eq!(sliced.stats().cycles, cycles, "slices of {slice} cycles");
    }
}

#[test]
fn sequences_the_vm_fuses_are_charged_as_their_canonical_instructions() {
    // `i < 1000` (a local against a constant and a branch), `at.is_some()` and
    // `at.unwrap().next` each run as one internal form in the VM, but the cycles counted are
    // those of the canonical instructions, whole and in slices of 3 cycles.
    let src = "declare struct E(v: int, next: E?);\nfn main() {\n    let i = 0;\n    while i < 1000 {\n        i += 1;\n    }\n    let at: E? = new E(1, new E(2, new E(3, none)));\n    while at.is_some() {\n        at = at.unwrap().next;\n    }\n}\n";
    let program = build(src);
    let code = |function: &str| {
        let f = program.functions().iter().find(|f| f.name == function);
        f.expect("function exists").code.clone()
    };
    let main = code("main");
    let first = main
        .windows(3)
        .position(|w| matches!(w, [_, Instr::PushInt(1000), Instr::JumpIfNotLtInt(_)]))
        .expect("the compare-and-branch sequence");
    let second = main
        .windows(3)
        .position(|w| matches!(w, [_, Instr::IsSome(), Instr::JumpIfFalse(_)]))
        .expect("the optional test");
    let back = |from: usize| {
        from + main[from..]
            .iter()
            .position(|i| matches!(i, Instr::Jump(_)))
            .expect("the loop's jump back")
    };
    let (end1, end2) = (back(first) + 1, back(second) + 1);
    let cost = |range: std::ops::Range<usize>| cost(&program, "main", range);
    let globals = code("<globals>").len();
    let expected = self::cost(&program, "<globals>", 0..globals)
        + cost(0..first)
        + 1001 * cost(first..first + 3)
        + 1000 * cost(first + 3..end1)
        + cost(end1..second)
        + 4 * cost(second..second + 3)
        + 3 * cost(second + 3..end2)
        + cost(end2..main.len());

    let mut whole = vm(program.clone());
    whole.run_script(None).expect("runs");
    assert_eq!(whole.stats().cycles, expected);

    let mut sliced = vm(program);
    let entry = sliced.program().program().entry.main.expect("main exists");
    let init = sliced.program().program().entry.globals_init;
    sliced.call(init, None).expect("globals run");
    sliced.start(entry).expect("starts");
    let pauses = resume_in_slices(&mut sliced, 3);
    assert!(pauses > 500, "only {pauses} pauses");
    assert_eq!(sliced.stats().cycles, expected);
}

#[test]
fn an_unwrap_of_none_in_a_fused_field_read_traps_where_the_unwrap_is() {
    let src = "declare struct E(v: int, next: E?);\nfn main() {\n    let at: E? = none;\n    let v = at.unwrap().v;\n    let w = v + 1;\n}\n";
    let program = build(src);
    let unwrap = index_of(&program, "main", |i| matches!(i, Instr::Unwrap()));
    let globals = code_len(&program, "<globals>");
    let expected = cost(&program, "<globals>", 0..globals) + cost(&program, "main", 0..unwrap + 1);
    let main = program.functions().iter().find(|f| f.name == "main");
    let at = main.expect("main exists").pcs[unwrap];
    let mut vm = vm(program);
    let trap = vm.run_script(None).expect_err("the unwrap traps");
    assert_eq!(trap.kind, TrapKind::UnwrapNone);
    assert_eq!(vm.stats().cycles, expected);
    // The innermost frame names the `Unwrap`, whose span is the one the message shows.
    assert_eq!(
        trap.trace.first().map(|frame| frame.pc),
        Some(at),
        "{trap:?}"
    );
}
