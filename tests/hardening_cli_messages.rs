//! Command-line hardening: the messages for misused options and odd files, the caps on the
//! limit options, names from program files escaped before they reach the terminal, and
//! script runs that check for signals without changing their cycle counts.

mod common;

use common::*;
use prometeu::bytecode::encode;
use std::path::Path;

const CART: &str = "[Frame]\nfn frame() {\n    Gfx.clear(Color.BLACK);\n}\n";

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Compiles a source in memory to its program.
fn program(text: &str) -> prometeu::bytecode::Program {
    let unit = prometeu::compile_source("t.pbs", text, &Default::default());
    unit.compiled.program.expect("compiles")
}

#[test]
fn negative_frames_say_frames_must_be_a_count() {
    let dir = scratch("neg-frames");
    let src = write(&dir, "c.pbs", CART);
    for flag in [
        "--frames",
        "--cycles-per-frame",
        "--max-cycles",
        "--call-depth",
    ] {
        let o = prometeuc(&["run", &src, flag, "-1"]);
        assert_eq!(o.status.code(), Some(2), "{flag}");
        assert_stderr_contains(
            &o,
            "`-1` is negative; the value must be a non-negative count",
        );
        assert!(!stderr(&o).contains("-- -1"), "{}", stderr(&o));
    }
    let o = prometeuc(&["run", &src, "--frames", "lots"]);
    assert_eq!(o.status.code(), Some(2));
    assert_stderr_contains(&o, "`lots` is not a count");
}

#[test]
fn limit_flags_are_capped_at_what_the_machine_can_represent() {
    let cases = [
        ("--call-depth", "1048577", "at most 1048576 nested calls"),
        (
            "--max-string",
            "2147483649",
            "at most 2147483648 bytes per string",
        ),
        (
            "--max-array",
            "4294967296",
            "at most 4294967295 elements per array",
        ),
        (
            "--heap-bytes",
            "1099511627777",
            "at most 1099511627776 heap bytes",
        ),
        ("--heap-bytes", "18446744073709551616", "is too large"),
    ];
    for (flag, value, message) in cases {
        let o = prometeuc(&["run", "examples/hello.pbs", flag, value]);
        assert_eq!(o.status.code(), Some(2), "{flag} {value}: {}", stderr(&o));
        assert_stderr_contains(&o, message);
    }
    // The maxima themselves are accepted.
    let o = prometeuc(&[
        "run",
        "examples/hello.pbs",
        "--max-array",
        "4294967295",
        "--max-string",
        "2147483648",
        "--heap-bytes",
        "1099511627776",
        "--call-depth",
        "1048576",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn a_program_with_neither_main_nor_frame_is_an_error() {
    let dir = scratch("no-entry");
    let mut p = program("fn main() {\n    print(1);\n}\n");
    p.entry.main = None;
    let pbc = dir.join("empty.pbc");
    std::fs::write(&pbc, encode(&p)).unwrap();
    let o = prometeuc(&["--color", "never", "run", path(&pbc)]);
    assert_eq!(o.status.code(), Some(1));
    assert_stderr_contains(&o, "has neither `fn main()` nor a `[Frame]` function");
    assert!(stdout(&o).is_empty());
}

#[test]
fn entrypoints_that_are_not_files_say_what_they_are() {
    let dir = scratch("entry-kinds");
    let src = write(&dir, "c.pbs", CART);
    let cart = dir.join("cart");
    prometeuc(&["build", &src, "--cart", path(&cart)]);
    let manifest = std::fs::read_to_string(cart.join("manifest.json")).unwrap();
    std::fs::create_dir(cart.join("d.pbc")).unwrap();
    std::fs::write(
        cart.join("manifest.json"),
        manifest.replace("program.pbc", "d.pbc"),
    )
    .unwrap();
    let o = prometeuc(&["--color", "never", "run", path(&cart)]);
    assert_eq!(o.status.code(), Some(1));
    assert_stderr_contains(
        &o,
        "the entrypoint `d.pbc` named by manifest.json is a directory",
    );
    #[cfg(unix)]
    {
        let fifo = cart.join("f.pbc");
        assert!(std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success());
        std::fs::write(
            cart.join("manifest.json"),
            manifest.replace("program.pbc", "f.pbc"),
        )
        .unwrap();
        let o = output_within(command(&["--color", "never", "run", path(&cart)]), 30);
        assert_eq!(o.status.code(), Some(1));
        assert_stderr_contains(&o, "is a FIFO (named pipe), not a program file");
    }
}

#[test]
fn screenshot_every_into_a_file_says_it_is_not_a_directory() {
    let dir = scratch("every-file");
    let src = write(&dir, "c.pbs", CART);
    let file = write(&dir, "somefile", "x");
    let o = prometeuc(&[
        "--color",
        "never",
        "run",
        &src,
        "--screenshot-every",
        "1",
        &file,
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert_stderr_contains(&o, "somefile` is not a directory");
    assert!(!stderr(&o).contains("File exists"), "{}", stderr(&o));
}

#[test]
fn an_input_log_combining_dash_with_buttons_says_so() {
    let dir = scratch("dash-log");
    let src = write(&dir, "c.pbs", CART);
    let log = write(&dir, "in.log", "0 -+A\n");
    let o = prometeuc(&["--color", "never", "run", &src, "--input", &log]);
    assert_eq!(o.status.code(), Some(1));
    assert_stderr_contains(
        &o,
        "`-` means no buttons and cannot be combined with buttons",
    );
    assert!(!stderr(&o).contains("unknown button"), "{}", stderr(&o));
}

/// A program whose trapping function has a name that tries to forge trace lines and colour.
fn forged_program() -> prometeu::bytecode::Program {
    let mut p =
        program("fn boom(): int {\n    return 1 / 0;\n}\nfn main() {\n    print(boom());\n}\n");
    let evil = "boom (t.pbs:1:1)\n    at forged\u{1b}[31m\u{202e}";
    for f in &mut p.functions {
        if f.name == "boom" {
            f.name = evil.to_string();
        }
    }
    p.source_name = "t.pbs\u{1b}]0;title\u{7}".to_string();
    p
}

#[test]
fn names_from_a_pbc_are_escaped_in_traces_and_disassembly() {
    let dir = scratch("forged");
    let pbc = dir.join("forged.pbc");
    std::fs::write(&pbc, encode(&forged_program())).unwrap();
    let o = prometeuc(&["--color", "never", "run", path(&pbc)]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        !err.contains('\u{1b}') && !err.contains('\u{202e}') && !err.contains('\u{7}'),
        "{err:?}"
    );
    assert!(err.contains("\\u{1b}[31m"), "{err}");
    assert!(
        !err.lines().any(|l| l.trim_start().starts_with("at forged")),
        "no forged trace line: {err}"
    );
    let o = prometeuc(&["disasm", path(&pbc)]);
    assert_eq!(o.status.code(), Some(0));
    let text = stdout(&o);
    assert!(
        !text.contains('\u{1b}') && !text.contains('\u{202e}'),
        "{text:?}"
    );
    assert!(
        text.contains("fn boom (t.pbs:1:1)\\u{a}    at forged"),
        "{text}"
    );
}

#[test]
fn script_runs_in_slices_keep_the_cycles_of_one_run() {
    let dir = scratch("slices");
    // Several million cycles: many slices between the checks for signals.
    let text = "fn main() {\n    let s = 0;\n    for i from 0 until 800000 {\n        s += i % 7;\n    }\n    print(s);\n}\n";
    let src = write(&dir, "long.pbs", text);
    let verified = || prometeu::verify(program(text)).unwrap();
    let mut vm = prometeu::new_vm(verified(), Default::default(), Box::new(Discard)).unwrap();
    vm.run_script(None).unwrap();
    let cycles = vm.stats().cycles;
    assert!(cycles > 3_000_000, "{cycles}");
    let o = prometeuc(&["run", &src, "--stats"]);
    assert_eq!(o.status.code(), Some(0));
    assert_stderr_contains(&o, &format!("stats: {cycles} cycles\n"));
    // A budget that runs out a few slices in traps where one uninterrupted run does.
    let limit = 2_500_001;
    let mut vm = prometeu::new_vm(verified(), Default::default(), Box::new(Discard)).unwrap();
    let trap = vm.run_script(Some(limit)).unwrap_err();
    let expected = vm.stats().cycles;
    assert_eq!(
        trap.kind.to_string(),
        format!("cycle budget exhausted: the program used more than {limit} cycles")
    );
    let o = prometeuc(&["run", &src, "--stats", "--max-cycles", &limit.to_string()]);
    assert_eq!(o.status.code(), Some(3));
    assert_stderr_contains(&o, &format!("stats: {expected} cycles\n"));
    assert_stderr_contains(&o, "cycle budget exhausted");
}

#[test]
fn wrong_kind_traps_say_what_the_docs_say() {
    let dir = scratch("wrong-kind");
    let mut p =
        program("fn f(a: int): int {\n    return a * 3;\n}\nfn main() {\n    print(f(7));\n}\n");
    // Hand-edit main: the int argument becomes `true` (PushTrue and four Nops, same length).
    let mut push = Vec::new();
    prometeu::bytecode::Instr::PushInt(7).encode(&mut push);
    let main = p.entry.main.unwrap() as usize;
    let code = &mut p.functions[main].code;
    let at = code
        .windows(push.len())
        .position(|w| w == push.as_slice())
        .expect("main pushes 7");
    code[at] = prometeu::bytecode::Opcode::PushTrue as u8;
    code[at + 1..at + push.len()].fill(prometeu::bytecode::Opcode::Nop as u8);
    let pbc = dir.join("kind.pbc");
    std::fs::write(&pbc, encode(&p)).unwrap();
    let o = prometeuc(&["--color", "never", "run", path(&pbc)]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    let message = "invalid program: an operand of the wrong kind";
    assert_stderr_contains(&o, message);
    let docs = std::fs::read_to_string("docs/bytecode.md").unwrap();
    assert!(docs.contains(message), "docs/bytecode.md names the message");
}

#[test]
fn names_from_a_manifest_are_escaped_in_errors() {
    let dir = scratch("forged-manifest");
    let src = write(&dir, "c.pbs", CART);
    let cart = dir.join("cart");
    prometeuc(&["build", &src, "--cart", path(&cart)]);
    let manifest = std::fs::read_to_string(cart.join("manifest.json")).unwrap();
    std::fs::write(
        cart.join("manifest.json"),
        manifest.replace("program.pbc", "\\u001b[2J\\u202egone.pbc"),
    )
    .unwrap();
    let o = prometeuc(&["--color", "never", "run", path(&cart)]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        !err.contains('\u{1b}') && !err.contains('\u{202e}'),
        "{err:?}"
    );
    assert!(
        err.contains("the entrypoint `\\u{1b}[2J\\u{202e}gone.pbc`"),
        "{err}"
    );
}
