//! Calls and returns in the VM: the frame array grows past its preallocated part up to the
//! call-depth limit exactly, traps keep their stack traces, and budget pauses at calls and
//! returns resume to the same results and cycle counts as uninterrupted runs.

mod common;

use common::Discard;
use prometeu::bytecode::VerifiedProgram;
use prometeu::compiler::CompileOptions;
use prometeu::vm::{Exit, Limits, Trap, TrapKind, Value, Vm};

fn build(src: &str) -> VerifiedProgram {
    let src = format!("{src}fn main() {{}}\n");
    let unit = prometeu::compile_source("calls.pbs", &src, &CompileOptions::default());
    let program = unit.compiled.program.expect("the test program compiles");
    prometeu::verify(program).expect("the test program verifies")
}

fn vm(program: VerifiedProgram, limits: Limits) -> Vm {
    prometeu::new_vm(program, limits, Box::new(Discard)).expect("the VM starts")
}

fn function(program: &VerifiedProgram, name: &str) -> u32 {
    let at = program.functions().iter().position(|f| f.name == name);
    at.expect("function exists") as u32
}

/// A program whose `run` calls `down(n)`, which recurses `n` times: `run` and `n + 1`
/// frames of `down` are live at the deepest point.
fn recursion(n: usize) -> VerifiedProgram {
    build(&format!(
        "fn down(n: int): int {{\n    if n == 0 {{\n        return 0;\n    }}\n    return down(n - 1) + 1;\n}}\nfn run(): int {{\n    return down({n});\n}}\n"
    ))
}

/// Runs a parameterless function to its end in slices of `budget` cycles, counting pauses.
fn sliced(vm: &mut Vm, f: u32, budget: u64) -> (Result<Value, Trap>, usize) {
    if let Err(trap) = vm.start(f) {
        return (Err(trap), 0);
    }
    let mut pauses = 0;
    loop {
        match vm.resume(budget) {
            Ok(Exit::Returned(v)) => return (Ok(v), pauses),
            Ok(Exit::OutOfCycles) => pauses += 1,
            Err(trap) => return (Err(trap), pauses),
        }
    }
}

#[test]
fn recursion_deeper_than_the_preallocated_frames_reaches_the_limit_exactly() {
    let limits = Limits {
        call_depth: 3000,
        ..Limits::default()
    };
    // 3000 frames: `run` and 2999 of `down`.
    let program = recursion(2998);
    let run = function(&program, "run");
    let mut machine = vm(program, limits);
    assert_eq!(machine.call(run, None), Ok(Value::Int(2998)));

    // One frame more is one too many: the trap names the limit and shows every frame.
    let program = recursion(2999);
    let (run, down) = (function(&program, "run"), function(&program, "down"));
    let mut machine = vm(program, limits);
    let trap = machine.call(run, None).expect_err("the limit is exceeded");
    assert_eq!(trap.kind, TrapKind::CallDepth(3000));
    assert_eq!(trap.trace.len(), 3000);
    assert!(trap.trace[..2999].iter().all(|f| f.function == down));
    assert_eq!(trap.trace[2999].function, run);
    // Every `down` frame stopped at the same call, which the innermost one was making.
    assert!(trap.trace[..2999].windows(2).all(|w| w[0] == w[1]));

    // The VM is usable again after the trap, and the grown frames serve the next run.
    assert!(!machine.is_running());
    assert_eq!(
        machine.call(run, None).expect_err("traps again").kind,
        TrapKind::CallDepth(3000)
    );
}

#[test]
fn a_depth_limit_below_the_preallocation_traps_at_the_limit() {
    for limit in [1, 2, 5] {
        let limits = Limits {
            call_depth: limit,
            ..Limits::default()
        };
        // `run` plus `limit - 1` frames of `down` fit; one more does not.
        let fits = recursion(limit.saturating_sub(2));
        let run = function(&fits, "run");
        let result = vm(fits, limits).call(run, None);
        if limit >= 2 {
            assert_eq!(result, Ok(Value::Int(limit as i64 - 2)), "limit {limit}");
        } else {
            assert_eq!(result.expect_err("traps").kind, TrapKind::CallDepth(1));
        }
        let over = recursion(limit.saturating_sub(1));
        let run = function(&over, "run");
        let trap = vm(over, limits).call(run, None).expect_err("traps");
        assert_eq!(trap.kind, TrapKind::CallDepth(limit), "limit {limit}");
        assert_eq!(trap.trace.len(), limit, "limit {limit}");
    }
}

#[test]
fn pauses_at_calls_and_returns_resume_to_the_same_result_and_cycles() {
    let src = "fn fib(n: int): int {\n    if n < 2 {\n        return n;\n    }\n    return fib(n - 1) + fib(n - 2);\n}\nfn two(a: int, b: int): int {\n    let c = a * b;\n    let d = c - a;\n    return d + fib(b);\n}\nfn run(): int {\n    return two(3, 12) + fib(10);\n}\n";
    let program = build(src);
    let run = function(&program, "run");
    let mut whole = vm(program.clone(), Limits::default());
    let expected = whole.call(run, None).expect("runs");
    assert_eq!(expected, Value::Int(3 * 12 - 3 + 144 + 55));
    for budget in [1, 2, 3, 7, 50] {
        let mut machine = vm(program.clone(), Limits::default());
        let (result, pauses) = sliced(&mut machine, run, budget);
        assert_eq!(result, Ok(expected), "budget {budget}");
        assert_eq!(
            machine.stats().cycles,
            whole.stats().cycles,
            "budget {budget}"
        );
        assert!(pauses > 0, "budget {budget}");
    }
}

#[test]
fn a_trap_in_a_callee_has_the_same_trace_with_and_without_pauses() {
    let src = "fn inner(a: int, b: int): int {\n    let q = a / b;\n    return q + 1;\n}\nfn middle(x: int): int {\n    let y = x + 1;\n    return inner(y, x - x) + 2;\n}\nfn run(): int {\n    let t = middle(4);\n    return t;\n}\n";
    let program = build(src);
    let run = function(&program, "run");
    let mut whole = vm(program.clone(), Limits::default());
    let trap = whole.call(run, None).expect_err("divides by zero");
    assert_eq!(trap.kind, TrapKind::DivisionByZero);
    let names: Vec<&str> = trap
        .trace
        .iter()
        .map(|f| program.functions()[f.function as usize].name.as_str())
        .collect();
    assert_eq!(names, ["inner", "middle", "run"]);
    for budget in [1, 2, 3] {
        let mut machine = vm(program.clone(), Limits::default());
        let (result, pauses) = sliced(&mut machine, run, budget);
        let sliced_trap = result.expect_err("divides by zero");
        assert_eq!(sliced_trap, trap, "budget {budget}");
        assert_eq!(
            machine.stats().cycles,
            whole.stats().cycles,
            "budget {budget}"
        );
        assert!(pauses > 0, "budget {budget}");
    }
}

#[test]
fn the_value_stack_limit_is_checked_at_each_call() {
    // Each `down` frame takes its local and up to two temporaries; with 40 slots the
    // recursion stops with the stack-slot trap before the call-depth limit.
    let limits = Limits {
        stack_slots: 40,
        ..Limits::default()
    };
    let program = recursion(100);
    let run = function(&program, "run");
    let trap = vm(program, limits).call(run, None).expect_err("overflows");
    assert_eq!(trap.kind, TrapKind::ValueStack(40));
    assert!(
        trap.trace.len() > 5 && trap.trace.len() < 40,
        "{}",
        trap.trace.len()
    );
}
