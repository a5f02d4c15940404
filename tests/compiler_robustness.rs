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

/// Compiles a source and returns its diagnostics with their codes and 1-based lines.
fn codes(text: &str) -> Vec<(String, usize)> {
    let unit = prometeu::compile_source("limits.pbs", text, &CompileOptions::default());
    unit.compiled
        .diagnostics
        .iter()
        .map(|d| {
            let line = d.primary.as_ref().map_or(0, |l| {
                unit.sources
                    .line_col(prometeu::lexer::SourceId(0), l.span.start)
                    .0
            });
            (d.code.clone().unwrap_or_default(), line)
        })
        .collect()
}

/// Runs `prometeuc ARGS` on a file with this text, killing it after `seconds`.
fn run_bounded(name: &str, text: &str, args: &[&str], seconds: u64) -> std::process::Output {
    let dir = common::scratch(name);
    let path = common::write(&dir, "gen.pbs", text);
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_prometeuc"));
    command.args(args).arg(&path).env("NO_COLOR", "1");
    command.stdout(std::process::Stdio::piped());
    command.stderr(std::process::Stdio::piped());
    let mut child = command.spawn().expect("spawn prometeuc");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(seconds);
    loop {
        if child.try_wait().expect("wait").is_some() {
            break;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("`prometeuc {args:?}` on {name} did not finish within {seconds} s");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.wait_with_output().expect("output")
}

/// Finding 1: constants that double a string 40 times would need 2^41 bytes. The size is
/// checked before the string is built, so `check` fails fast with E0505 at the first
/// constant over 16 MiB, and names the chain it grew through.
#[test]
fn constant_folding_bomb_is_rejected_before_allocating() {
    let mut text = String::from("declare const A0: string = \"ab\";\n");
    for i in 1..=40 {
        text.push_str(&format!(
            "declare const A{i}: string = A{} + A{};\n",
            i - 1,
            i - 1
        ));
    }
    text.push_str("fn main() {\n    print(A40.len());\n}\n");
    let out = run_bounded("folding-bomb", &text, &["check"], 60);
    assert_eq!(out.status.code(), Some(1), "{}", common::stderr(&out));
    let err = common::stderr(&out);
    assert!(err.contains("[E0505] Error: string too long"), "{err}");
    assert!(err.contains("gen.pbs:25:29 ]"), "{err}");
    assert!(err.contains("`A23` (16777216 bytes) -> `A24`"), "{err}");
    assert_eq!(err.matches("[E0505]").count(), 1, "{err}");
    // A constant of exactly 16 MiB is allowed.
    let at_limit = text.lines().take(24).collect::<Vec<_>>().join("\n")
        + "\nfn main() {\n    print(A23.len());\n}\n";
    assert_eq!(codes(&at_limit), vec![]);
}

/// Finding 16: a string literal over 16 MiB used to pass `check` and `build` and trap at
/// load; it is E0505 at the literal.
#[test]
fn string_literal_over_the_limit_is_a_compile_error() {
    let long = "x".repeat((16 << 20) + 1);
    let text = format!("fn main() {{\n    print(\"{long}\");\n}}\n");
    assert_eq!(codes(&text), vec![("E0505".to_string(), 2)]);
    let exact = "x".repeat(16 << 20);
    let text = format!("fn main() {{\n    print(\"{exact}\".len());\n}}\n");
    let unit = prometeu::compile_source("exact.pbs", &text, &CompileOptions::default());
    let program = unit.compiled.program.expect("a 16 MiB literal compiles");
    let verified = prometeu::verify(program).expect("and verifies");
    prometeu::new_vm(verified, Limits::default(), Box::new(Discard)).expect("and loads");
}

/// Finding 16: 65,536 locals used to pass `check` and fail verification at load; the
/// checker reports E0600 once, at the first local over the limit.
#[test]
fn too_many_locals_is_a_compile_error() {
    let mut text = String::from("fn main() {\n");
    for i in 0..65_536 {
        text.push_str(&format!("    let v{i} = {i};\n"));
    }
    text.push_str("}\n");
    assert_eq!(codes(&text), vec![("E0600".to_string(), 65_537)]);
    // 65,535 slots are allowed, and the program loads.
    let fits: String = text.lines().take(65_535).collect::<Vec<_>>().join("\n") + "\n}\n";
    let unit = prometeu::compile_source("fits.pbs", &fits, &CompileOptions::default());
    let program = unit.compiled.program.expect("65535 locals compile");
    prometeu::verify(program).expect("and verify");
}

/// Finding 16: whatever `check` accepts, `build` writes a file that loads: a program at the
/// limits goes through the binary without "internal error".
#[test]
fn programs_at_the_limits_build_and_load() {
    let dir = common::scratch("at-limits");
    let mut text = format!(
        "declare const BIG: string = \"{}\";\nfn main() {{\n    print(BIG.len());\n",
        "y".repeat(16 << 20)
    );
    for i in 0..1000 {
        text.push_str(&format!("    let v{i} = {i};\n"));
    }
    text.push_str("}\n");
    let src = common::write(&dir, "limits.pbs", &text);
    let pbc = dir.join("limits.pbc").to_string_lossy().into_owned();
    let out = common::prometeuc(&["build", &src, "-o", &pbc]);
    assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
    let out = common::prometeuc(&["run", &pbc]);
    assert_eq!(
        common::stdout(&out),
        "16777216\n",
        "{}",
        common::stderr(&out)
    );
}

/// Finding 7: 16,000 type errors render in one pass over the source (lines are indexed
/// once), and only the first 100 are printed, then a count of the rest.
#[test]
fn many_errors_render_capped_and_fast() {
    let mut text = String::from("fn main() {\n");
    for i in 0..16_000 {
        text.push_str(&format!("    let v{i}: int = \"s{i}\";\n"));
    }
    text.push_str("}\n");
    let out = run_bounded("many-errors", &text, &["check"], 120);
    assert_eq!(out.status.code(), Some(1));
    let err = common::stderr(&out);
    assert_eq!(err.matches("[E0300] Error").count(), 100);
    assert!(
        err.ends_with("and 15900 more errors (only the first 100 are shown)\n"),
        "{}",
        &err[err.len().saturating_sub(300)..]
    );
    assert!(err.len() < 100 * 1024, "{} bytes", err.len());
}

/// Finding 7: 200 errors on one 1 MB line used to write 1.19 GB; each excerpt now shows a
/// window of the line around its label.
#[test]
fn errors_on_a_wide_line_show_a_window() {
    let pad = " ".repeat(5000);
    let stmts: String = (0..200)
        .map(|i| format!("let w{i}: int = \"x\";{pad}"))
        .collect();
    let text = format!("fn main() {{ {stmts} }}\n");
    let out = run_bounded("wide-line", &text, &["check"], 120);
    let err = common::stderr(&out);
    assert_eq!(err.matches("[E0300] Error").count(), 100);
    assert!(err.len() < 200 * 1024, "{} bytes", err.len());
    // The header still names the real column.
    assert!(
        err.contains("gen.pbs:1:5045 ]"),
        "{}",
        &err[..2000.min(err.len())]
    );
    assert!(err.contains("… "), "{}", &err[..2000.min(err.len())]);
}

/// Finding 17(a): a byte order mark is skipped, and bidirectional and control characters
/// in a line are shown escaped in excerpts with the caret under the right character.
#[test]
fn bidi_and_control_characters_are_escaped_in_excerpts() {
    let text =
        "\u{feff}fn main() {\n    let s = \"\u{202e}abc\u{1b}[2J\"; let x: int = \"y\";\n}\n";
    let unit = prometeu::compile_source("bidi.pbs", text, &CompileOptions::default());
    let rendered = render_all(
        &unit.compiled.diagnostics,
        &unit.sources,
        RenderOptions { color: false },
    );
    assert!(
        !rendered.contains('\u{202e}') && !rendered.contains('\u{1b}'),
        "{rendered}"
    );
    assert!(rendered.contains("bidi.pbs:2:38 ]"), "{rendered}");
    let lines: Vec<&str> = rendered.lines().collect();
    let excerpt = lines.iter().find(|l| l.contains("let s")).expect("excerpt");
    let caret = lines.iter().find(|l| l.contains('┬')).expect("caret line");
    let quote = excerpt
        .char_indices()
        .filter(|&(_, c)| c == '"')
        .nth(2)
        .unwrap()
        .0;
    let column = excerpt[..quote].chars().count();
    assert_eq!(caret.chars().nth(column + 1), Some('┬'), "{rendered}");
}

/// Finding 17(c): with lone-CR line endings, the trap header and the stack trace agree on
/// the line and column.
#[test]
fn lone_carriage_returns_end_lines_everywhere() {
    let text = "fn f(a: int): int {\r    return a / 0;\r}\rfn main() {\r    // a comment\r    print(f(1));\r}\r";
    let out = run_bounded("lone-cr", text, &["run"], 60);
    assert_eq!(out.status.code(), Some(3), "{}", common::stderr(&out));
    let err = common::stderr(&out);
    assert!(err.contains("gen.pbs:2:12 ]"), "{err}");
    assert!(
        err.contains("at f (") && err.contains("gen.pbs:2:12)"),
        "{err}"
    );
    assert!(err.contains("gen.pbs:6:11)"), "{err}");
}

/// Finding 1: a constant's value is shared by its uses, so a 16 MiB constant used 300 times
/// is held once, not copied into every use (which would take about 5 GB). `check` runs under
/// a 1.5 GB address-space limit.
#[cfg(target_os = "linux")]
#[test]
fn a_long_constant_used_many_times_is_stored_once() {
    let mut text = String::from("declare const A0: string = \"ab\";\n");
    for i in 1..=23 {
        text.push_str(&format!(
            "declare const A{i}: string = A{} + A{};\n",
            i - 1,
            i - 1
        ));
    }
    text.push_str("fn main() {\n");
    for _ in 0..300 {
        text.push_str("    print(A23.len());\n");
    }
    text.push_str("}\n");
    let dir = common::scratch("shared-constant");
    let path = common::write(&dir, "gen.pbs", &text);
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "ulimit -v 1500000 && exec '{}' check '{path}'",
            env!("CARGO_BIN_EXE_prometeuc")
        ))
        .output()
        .expect("run sh");
    assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
}

/// Hardening: compiling took about 100 times the source size, because the tokens, the
/// syntax tree and the typed tree were all held until the end. Each stage's data is now
/// freed once the next stage no longer needs it, the parser frees the tokens of each piece
/// it parsed, identifiers are interned, the tree nodes are small and each function's code is
/// generated as soon as it is checked, so `check` and `build` of a 4 MB source of ordinary
/// functions fit in a 150 MB address space (`check` needed more than 400 MB at first, 300 MB
/// before parsing in pieces, 180 MB before interning and 130 MB before generating each
/// function as checked; the window-free debug binary needs about 97 MB for `check` and
/// 107 MB for `build` now).
#[cfg(target_os = "linux")]
#[test]
fn compile_memory_is_a_small_multiple_of_the_source() {
    let mut text = String::from(
        "declare struct P(x: int, y: int) {\n    fn sum(): int { return this.x + this.y; }\n}\n",
    );
    let mut i = 0;
    while text.len() < 4_000_000 {
        text.push_str(&format!(
            "fn f{i}(a: int, b: int): int {{\n    let c = a * {i} + b;\n    if c > 10 {{\n        c = c - 3;\n    }}\n    let p = new P(a, c);\n    return p.sum() + str(c).len();\n}}\n"
        ));
        i += 1;
    }
    text.push_str("fn main() {\n    print(f1(1, 2));\n}\n");
    let dir = common::scratch("compile-memory");
    let path = common::write(&dir, "gen.pbs", &text);
    let program = dir.join("gen.pbc");
    for args in [
        format!("check '{path}'"),
        format!("build '{path}' -o '{}'", program.display()),
    ] {
        let out = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!(
                "ulimit -v 150000 && exec '{}' {args}",
                env!("CARGO_BIN_EXE_prometeuc")
            ))
            .output()
            .expect("run sh");
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args}: {}",
            common::stderr(&out)
        );
    }
    assert!(program.exists(), "build wrote no program");
}

#[test]
fn deeply_nested_lambdas_compile_and_run() {
    // Each lambda's body is parsed by a statement grammar of its own: nesting as deep as the
    // bracket limit allows must neither overflow the stack nor slow to a crawl.
    let n = 120;
    let text = format!(
        "fn main() {{ let f = {}fn(): int {{ return 1; }}{}; print(f()); }}",
        "fn(): int { let g = ".repeat(n),
        "; return g(); }".repeat(n)
    );
    exercise(&text);
    let out = run_bounded("nested_lambdas.pbs", &text, &["run"], 60);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "1\n");
}
