//! Malformed sources never make the compiler (or the diagnostic renderer) panic, hang or
//! overflow its stack, and whatever compiles also verifies.

mod common;

use common::Discard;
use prometeu::compiler::CompileOptions;
use prometeu::lexer::{render_all, RenderOptions};
use prometeu::vm::Limits;
use proptest::prelude::*;

/// Compiles, renders every diagnostic, and runs what compiles under a small budget.
fn exercise(text: &str) {
    let unit = prometeu::compile_source("fuzz.pbs", text, &CompileOptions::default());
    for color in [false, true] {
        render_all(
            &unit.compiled.diagnostics,
            &unit.sources,
            RenderOptions { color },
        );
    }
    if let Some(program) = unit.compiled.program {
        let verified = prometeu::verify(program).expect("whatever compiles must verify");
        let mut vm = prometeu::new_vm(verified, Limits::default(), Box::new(Discard)).expect("vm");
        let _ = vm.run_script(Some(50_000));
    }
}

fn examples() -> Vec<String> {
    [
        "hello",
        "fib",
        "fizzbuzz",
        "collatz",
        "primes",
        "mandelbrot",
    ]
    .iter()
    .map(|n| {
        std::fs::read_to_string(format!("{}/examples/{n}.pbs", env!("CARGO_MANIFEST_DIR"))).unwrap()
    })
    .collect()
}

/// Pieces of PBS and of not-PBS that mutations splice in.
const FRAGMENTS: &[&str] = &[
    "(",
    ")",
    "{",
    "}",
    "[",
    "]",
    ";",
    ",",
    "=",
    "==",
    "<",
    "+",
    "-",
    "*",
    "/",
    "%",
    ".",
    ":",
    "\"",
    "\\",
    "fn",
    "let",
    "if",
    "else",
    "while",
    "for",
    "from",
    "until",
    "step",
    "return",
    "break",
    "declare",
    "global",
    "const",
    "as",
    "int",
    "float",
    "x",
    "main",
    "print",
    "Math.sqrt",
    "0x",
    "9223372036854775808",
    "1e999",
    "é",
    "😀",
    "\u{0}",
    "\r\n",
    "\n",
    "@",
    "#",
    "enum",
    "this",
    "new",
    "\"\\u{D800}\"",
    "//",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn mutated_examples_never_crash(
        which in 0usize..6,
        edits in proptest::collection::vec((any::<usize>(), 0usize..FRAGMENTS.len(), 0usize..4), 1..6),
    ) {
        let mut text = examples()[which].clone();
        for (at, fragment, delete) in edits {
            let mut at = at % (text.len() + 1);
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            let mut end = (at + delete).min(text.len());
            while !text.is_char_boundary(end) {
                end += 1;
            }
            text.replace_range(at..end, FRAGMENTS[fragment]);
        }
        exercise(&text);
    }

    #[test]
    fn token_soup_never_crashes(pieces in proptest::collection::vec(0usize..FRAGMENTS.len(), 0..80)) {
        let text: Vec<&str> = pieces.iter().map(|&i| FRAGMENTS[i]).collect();
        exercise(&text.join(" "));
    }
}

#[test]
fn pathological_inputs_are_reported_not_crashed_on() {
    let nested_blocks = format!("fn main() {{{}{}}}", "{".repeat(3000), "}".repeat(3000));
    let unclosed = "fn main() { print(".repeat(500);
    let many_errors = "fn main() { let = ; }\n".repeat(2000);
    for text in [
        nested_blocks,
        unclosed,
        many_errors,
        "\"".repeat(1000),
        "é".repeat(10_000),
    ] {
        exercise(&text);
    }
}
