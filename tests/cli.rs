//! Command-line tests: every subcommand, the exit statuses, and malformed inputs.

mod common;

use common::*;
use std::process::Command;

#[test]
fn run_prints_the_program_output_and_exits_zero() {
    let o = prometeuc(&["run", "examples/hello.pbs"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        std::fs::read_to_string("examples/hello.out").unwrap()
    );
}

#[test]
fn compile_errors_exit_one_with_rendered_diagnostics() {
    let dir = scratch("compile-error");
    let file = write(&dir, "bad.pbs", "fn main() {\n    let x: int = 1.5;\n}\n");
    let o = prometeuc(&["--color", "never", "run", &file]);
    assert_eq!(o.status.code(), Some(1));
    assert_stderr_contains(&o, "[E0300] Error: mismatched types");
    assert!(stdout(&o).is_empty());
    let o = prometeuc(&["check", &file]);
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn traps_exit_three_with_location_and_stack_trace() {
    let dir = scratch("trap");
    let file = write(
        &dir,
        "trap.pbs",
        "fn div(a: int, b: int): int {\n    return a / b;\n}\nfn main() {\n    print(1);\n    print(div(1, 0));\n}\n",
    );
    let o = prometeuc(&["--color=never", "run", &file]);
    assert_eq!(o.status.code(), Some(3));
    assert_eq!(stdout(&o), "1\n");
    let err = stderr(&o);
    assert!(err.contains("trap: division by zero"), "{err}");
    assert!(err.contains("at div ("), "{err}");
    assert!(err.contains("trap.pbs:2:12)"), "{err}");
    assert!(err.contains("at main ("), "{err}");
}

#[test]
fn usage_errors_exit_two() {
    assert_eq!(prometeuc(&[]).status.code(), Some(2));
    assert_eq!(prometeuc(&["run"]).status.code(), Some(2));
    assert_eq!(prometeuc(&["frobnicate"]).status.code(), Some(2));
    assert_eq!(
        prometeuc(&["run", "x.pbs", "--max-cycles", "lots"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        prometeuc(&["--color", "sometimes", "check", "x.pbs"])
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn the_value_stack_limit_is_checked_and_bounded() {
    let dir = scratch("stack-slots");
    let file = write(
        &dir,
        "deep.pbs",
        "fn down(n: int): int {\n    let a = n;\n    let b = n;\n    if n == 0 {\n        return 0;\n    }\n    return down(n - 1) + a - b;\n}\nfn main() {\n    print(down(500));\n}\n",
    );
    let ok = prometeuc(&["run", &file]);
    assert_eq!(ok.status.code(), Some(0), "{}", stderr(&ok));
    assert_eq!(stdout(&ok), "0\n");
    let small = prometeuc(&["run", "--stack-slots", "200", &file]);
    assert_eq!(small.status.code(), Some(3));
    assert_stderr_contains(&small, "the value stack exceeded 200 slots");
    let too_big = prometeuc(&["run", "--stack-slots", "1048577", &file]);
    assert_eq!(too_big.status.code(), Some(2));
    assert_stderr_contains(&too_big, "at most 1048576 slots are available");
}

#[test]
fn check_reports_success_silently() {
    let o = prometeuc(&["check", "examples/fib.pbs"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).is_empty() && stderr(&o).is_empty());
}

#[test]
fn build_then_run_and_disasm_the_pbc() {
    let dir = scratch("build");
    let out = dir.join("fib.pbc");
    let o = prometeuc(&["build", "examples/fib.pbs", "-o", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let first = std::fs::read(&out).unwrap();
    assert!(first.starts_with(b"PBC\x1a"));
    // The same source compiles to byte-identical output.
    prometeuc(&["build", "examples/fib.pbs", "-o", out.to_str().unwrap()]);
    assert_eq!(std::fs::read(&out).unwrap(), first);
    let o = prometeuc(&["run", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        stdout(&o),
        std::fs::read_to_string("examples/fib.out").unwrap()
    );
    let from_pbc = stdout(&prometeuc(&["disasm", out.to_str().unwrap()]));
    let from_source = stdout(&prometeuc(&["disasm", "examples/fib.pbs"]));
    assert!(from_pbc.contains("fn fib"));
    assert_eq!(
        from_pbc.replace(out.to_str().unwrap(), ""),
        from_source.replace(out.to_str().unwrap(), "")
    );
}

#[test]
fn a_trap_in_a_pbc_still_shows_the_source_excerpt() {
    let dir = scratch("pbc-trap");
    let file = write(
        &dir,
        "t.pbs",
        "fn main() {\n    let x = 0;\n    print(10 % x);\n}\n",
    );
    let pbc = dir.join("t.pbc");
    prometeuc(&["build", &file, "-o", pbc.to_str().unwrap()]);
    let o = prometeuc(&["--color", "never", "run", pbc.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(3));
    assert!(stderr(&o).contains("print(10 % x);"), "{}", stderr(&o));
}

#[test]
fn malformed_program_files_are_rejected_with_an_offset() {
    let dir = scratch("bad-pbc");
    let garbage = dir.join("bad.pbc");
    std::fs::write(&garbage, b"PBC\x1a\x01\x00\x00\x00\xff\xff").unwrap();
    for cmd in ["run", "disasm"] {
        let o = prometeuc(&["--color", "never", cmd, garbage.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(1));
        let err = stderr(&o);
        assert!(err.starts_with("error: invalid program file: "), "{err}");
        assert!(err.contains(" at byte "), "{err}");
    }
    std::fs::write(&garbage, b"not a program").unwrap();
    let o = prometeuc(&["--color", "never", "run", garbage.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert_stderr_contains(&o, "bad magic number");
}

#[test]
fn missing_files_and_non_utf8_sources_are_load_errors() {
    let o = prometeuc(&["run", "does/not/exist.pbs"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("cannot read"));
    let dir = scratch("utf8");
    let path = dir.join("latin1.pbs");
    std::fs::write(&path, b"fn main() { print(\"\xe9\"); }").unwrap();
    let o = prometeuc(&["run", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("not valid UTF-8"));
}

#[test]
fn color_is_controlled_by_flag_and_no_color() {
    let dir = scratch("color");
    let file = write(&dir, "e.pbs", "fn main() { let x = y; }\n");
    let always = prometeuc(&["--color", "always", "check", &file]);
    assert!(stderr(&always).contains('\u{1b}'));
    let never = prometeuc(&["--color", "never", "check", &file]);
    assert!(!stderr(&never).contains('\u{1b}'));
    let auto = Command::new(env!("CARGO_BIN_EXE_prometeuc"))
        .args(["check", &file])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(stderr(&auto), stderr(&never));
}

#[test]
fn max_cycles_bounds_a_runaway_script() {
    let dir = scratch("cycles");
    let file = write(
        &dir,
        "spin.pbs",
        "fn main() {\n    while true {\n    }\n}\n",
    );
    let o = prometeuc(&["--color", "never", "run", &file, "--max-cycles", "100000"]);
    assert_eq!(o.status.code(), Some(3));
    assert_stderr_contains(&o, "cycle budget exhausted");
}

#[test]
fn stats_reports_cycles() {
    let o = prometeuc(&["run", "examples/hello.pbs", "--stats"]);
    assert_eq!(o.status.code(), Some(0));
    assert_stderr_contains(&o, " cycles");
}

#[test]
fn fifty_copies_of_a_string_are_stored_once() {
    let dir = scratch("dedup");
    let mut src = String::from("fn main() {\n");
    for _ in 0..50 {
        src.push_str("    print(\"a distinctive string literal\");\n");
    }
    src.push_str("}\n");
    let file = write(&dir, "dedup.pbs", &src);
    let pbc = dir.join("dedup.pbc");
    let o = prometeuc(&["build", &file, "-o", pbc.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0));
    let bytes = std::fs::read(&pbc).unwrap();
    // The source text travels in the debug section; count the pool copies without it.
    let needle = b"a distinctive string literal";
    let count = bytes.windows(needle.len()).filter(|w| w == needle).count();
    assert_eq!(
        count,
        1 + 50,
        "one pool entry plus the 50 copies inside the embedded source"
    );
    let o = prometeuc(&["disasm", pbc.to_str().unwrap()]);
    assert_eq!(stdout(&o).matches("Const 0 ").count(), 50);
}

#[test]
fn disasm_uses_short_local_loads() {
    let dir = scratch("locals");
    let file = write(
        &dir,
        "l.pbs",
        "fn sum4(a: int, b: int, c: int, d: int): int {\n    return max4(a, b, c, d);\n}\nfn max4(a: int, b: int, c: int, d: int): int {\n    return Math.max(Math.max(a, b), Math.max(c, d));\n}\nfn main() {\n    print(sum4(1, 2, 3, 4));\n}\n",
    );
    let o = prometeuc(&["disasm", &file]);
    let text = stdout(&o);
    for op in ["LoadLocal0", "LoadLocal1", "LoadLocal2", "LoadLocal3"] {
        assert!(text.contains(op), "{text}");
    }
    assert!(
        text.contains("return max4(a, b, c, d);"),
        "source lines are interleaved: {text}"
    );
}

#[test]
fn disasm_uses_local_operand_forms() {
    let dir = scratch("local-forms");
    let file = write(
        &dir,
        "f.pbs",
        "declare struct P(x: float, v: float);\nfn advance(p: P, xs: [int], i: int, s: int, h: float): int {\n    let t = s;\n    t += i * s;\n    t += i;\n    p.x += p.v * h;\n    p.v = Math.sqrt(h * 8.0);\n    xs[i] = xs[i] + t;\n    if p.x < 1.0 and not (i > s) {\n        return t - (i + 1) + p.v as int - 1;\n    }\n    let u = t - i;\n    return u;\n}\nfn main() {\n    print(advance(new P(0.0, 1.0), [1, 2], 1, 3, 0.5));\n}\n",
    );
    let o = prometeuc(&["disasm", &file]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    for op in [
        "MoveLocal 5 3",
        "MulIntLL 2 3",
        "AddIntToL 5",
        "GetFieldL 0 0",
        "GetFieldL 0 1",
        "MulFloatL 4",
        "SetFieldL 0 0",
        "IndexGetLL 1 2",
        "AddIntL 5",
        "IndexSetLL 1 2",
        "JumpIfNotLtFloat",
        "JumpIfNotLeInt",
        "SubIntLL 5 2",
        "AddIntToLL 5 2",
        "AddLocalImm 2 1",
        "FloatFn 0                  ; Math.sqrt",
        "ReturnLocal 6",
    ] {
        assert!(text.contains(op), "{op} missing from:\n{text}");
    }
    let o = prometeuc(&["run", &file]);
    assert_eq!(stdout(&o), "6\n");
}

#[test]
fn deep_nesting_is_a_compile_error_not_a_crash() {
    let dir = scratch("nesting");
    let src = format!(
        "fn main() {{\n    print({}1{});\n}}\n",
        "(".repeat(5000),
        ")".repeat(5000)
    );
    let file = write(&dir, "deep.pbs", &src);
    let o = prometeuc(&["--color", "never", "check", &file]);
    assert_eq!(o.status.code(), Some(1));
    assert_stderr_contains(&o, "E0102");
    let unary = format!("fn main() {{\n    print({}1);\n}}\n", "-".repeat(20000));
    let file = write(&dir, "unary.pbs", &unary);
    let o = prometeuc(&["--color", "never", "check", &file]);
    assert_eq!(o.status.code(), Some(1));
    let long_sum = format!("fn main() {{\n    print(0{});\n}}\n", " + 1".repeat(3000));
    let file = write(&dir, "sum.pbs", &long_sum);
    let o = prometeuc(&["run", &file]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), "3000\n");
}

#[test]
fn limits_are_configurable_from_the_command_line() {
    let dir = scratch("limits");
    let file = write(
        &dir,
        "deep.pbs",
        "fn down(n: int): int {\n    if n == 0 { return 0; }\n    return down(n - 1) + 1;\n}\nfn main() {\n    print(down(50));\n}\n",
    );
    let o = prometeuc(&["run", &file]);
    assert_eq!(stdout(&o), "50\n");
    let o = prometeuc(&["--color", "never", "run", &file, "--call-depth", "20"]);
    assert_eq!(o.status.code(), Some(3));
    assert_stderr_contains(&o, "call depth exceeded 20");
    let text = write(
        &dir,
        "long.pbs",
        "fn main() {\n    print(\"ab\".repeat(100));\n}\n",
    );
    let o = prometeuc(&["--color", "never", "run", &text, "--max-string", "50"]);
    assert_eq!(o.status.code(), Some(3));
    assert_stderr_contains(&o, "string too long: 200 bytes exceeds the limit of 50");
    let o = prometeuc(&["run", &text, "--heap-bytes", "lots"]);
    assert_eq!(o.status.code(), Some(2));
}
