//! Work that grows with its input: formatting is linear, bounded by the string limit,
//! interruptible and needs no host stack; string comparisons and the string and array
//! methods charge cycles in proportion to the bytes or elements they go through.

mod common;

use common::Discard;
use prometeu::compiler::CompileOptions;
use prometeu::vm::{Limits, TrapKind, Vm};
use std::sync::atomic::AtomicBool;
use std::sync::{mpsc, Arc};
use std::time::Duration;

fn vm_with(src: &str, limits: Limits) -> Vm {
    let unit = prometeu::compile_source("work.pbs", src, &CompileOptions::default());
    let program = unit
        .compiled
        .program
        .unwrap_or_else(|| panic!("{:?}", unit.compiled.diagnostics));
    prometeu::new_vm(
        prometeu::verify(program).unwrap(),
        limits,
        Box::new(Discard),
    )
    .unwrap()
}

/// The cycles a script uses.
fn cycles(src: &str) -> u64 {
    let mut vm = vm_with(src, Limits::default());
    vm.run_script(None)
        .unwrap_or_else(|t| panic!("{src}: {t:?}"));
    vm.stats().cycles
}

/// A chain of `depth` structs, each holding the next one in an array.
const CHAIN: &str = r#"
declare struct Node(next: [Node]);
fn chain(depth: int): Node {
    let head = new Node([]);
    for i from 0 until depth {
        head = new Node([head]);
    }
    return head;
}
"#;

#[test]
fn formatting_a_deep_chain_is_linear_and_needs_no_host_stack() {
    // 300,000 levels: formatting that re-scans the path at every level would take about
    // 4.5e10 steps, and recursion would need far more than the thread's 256 KiB of stack.
    let src = format!(
        "{CHAIN}
        fn main() {{
            let s = str(chain(300000));
            if s.len() != 4200014 {{ print(1 / 0); }}
            if s.substr(0, 20) != \"Node(next: [Node(nex\" {{ print(1 / 0); }}
        }}"
    );
    // Compiled here: the small stack is for the run, which is what must not recurse.
    let unit = prometeu::compile_source("work.pbs", &src, &CompileOptions::default());
    let program = unit.compiled.program.expect("compiles");
    let (done, result) = mpsc::channel();
    std::thread::Builder::new()
        .stack_size(256 << 10)
        .spawn(move || {
            let verified = prometeu::verify(program).unwrap();
            let mut vm = prometeu::new_vm(verified, Limits::default(), Box::new(Discard)).unwrap();
            let _ = done.send(vm.run_script(None).map(|()| vm.stats().cycles));
        })
        .unwrap();
    let outcome = result
        .recv_timeout(Duration::from_secs(120))
        .expect("formatting finishes in linear time");
    let cycles = outcome.expect("the chain formats");
    // The `str` call is charged in proportion to its 4.2 MB of text.
    assert!(cycles > 4_200_014 / 16, "{cycles}");
}

#[test]
fn formatting_stops_at_the_string_limit() {
    // Forty levels of sharing print as 2^40 leaves; the text stops at the limit.
    let doubling = r#"
        declare struct Two(a: [Two], b: [Two]);
        fn main() {
            let t = new Two([], []);
            for i from 0 until 40 {
                t = new Two([t], [t]);
            }
            let s = str(t);
            print(s.len());
        }
    "#;
    let limits = Limits {
        max_string: 1 << 20,
        ..Limits::default()
    };
    let mut vm = vm_with(doubling, limits);
    let trap = vm.run_script(None).expect_err("the text is too long");
    assert!(
        matches!(trap.kind, TrapKind::StringTooLong { len, limit } if limit == 1 << 20 && len > limit && len < 2 << 20),
        "{:?}",
        trap.kind
    );
    // `print` is bounded the same way, instead of writing terabytes.
    let mut vm = vm_with(
        &doubling.replace("let s = str(t);\n            print(s.len());", "print(t);"),
        limits,
    );
    let trap = vm.run_script(None).expect_err("the text is too long");
    assert!(
        matches!(trap.kind, TrapKind::StringTooLong { .. }),
        "{:?}",
        trap.kind
    );
}

#[test]
fn formatting_sees_the_interrupt_flag() {
    let src = format!("{CHAIN} fn main() {{ print(chain(10000)); }}");
    let mut vm = vm_with(&src, Limits::default());
    vm.set_interrupt(Arc::new(AtomicBool::new(true)));
    let trap = vm.run_script(None).expect_err("the flag stops formatting");
    assert_eq!(trap.kind, TrapKind::Interrupted);
    // A cleared flag changes nothing.
    let mut vm = vm_with(&src, Limits::default());
    vm.set_interrupt(Arc::new(AtomicBool::new(false)));
    vm.run_script(None).expect("formats");
}

/// The extra cycles `stmt` costs on strings of `long` bytes over strings of `short` bytes,
/// with `a` and `b` bound to two strings of that length that differ in their last byte and
/// `xs` to nine copies of `a` followed by `b`; building them is measured separately and
/// subtracted.
fn extra(stmt: &str, short: usize, long: usize) -> i64 {
    let program = |n: usize, with: bool| {
        let body = if with {
            format!("{stmt};")
        } else {
            String::new()
        };
        format!(
            r#"fn main() {{
                let a = "x".repeat({n});
                let b = "x".repeat({n} - 1) + "y";
                let xs = [a, a, a, a, a, a, a, a, a, b];
                {body}
            }}"#
        )
    };
    let cost = |n| cycles(&program(n, true)) as i64 - cycles(&program(n, false)) as i64;
    cost(long) - cost(short)
}

#[test]
fn string_comparisons_charge_per_sixteen_bytes() {
    for op in ["==", "!=", "<", "<=", ">", ">="] {
        assert_eq!(
            extra(&format!("let r = a {op} b"), 16, 1600),
            99,
            "a {op} b"
        );
    }
}

#[test]
fn string_methods_charge_for_the_bytes_they_read() {
    // 1,600 bytes against 16: 99 more blocks of 16 bytes per string read.
    assert_eq!(extra("let r = a.find(b)", 16, 1600), 2 * 99);
    assert_eq!(extra("let r = a.contains(b)", 16, 1600), 2 * 99);
    assert_eq!(extra("let r = a.starts_with(b)", 16, 1600), 99);
    assert_eq!(extra("let r = a.ends_with(b)", 16, 1600), 99);
    assert_eq!(extra("let r = a.upper()", 16, 1600), 99);
    // `a + b` appends `b` in place (`a` is the whole of its buffer): only `b` is copied.
    assert_eq!(extra("let r = a + b", 16, 1600), 99);
    assert_eq!(extra("let r = a.split(b)", 16, 1600), 99);
    // Ten quoted strings of 1,584 more bytes each.
    assert_eq!(extra("let r = str(xs)", 16, 1600), 10 * 99);
}

#[test]
fn array_searches_and_sorts_of_strings_charge_for_the_bytes_compared() {
    // `index_of(b)` compares all ten strings (`b` is the last): 10 × 99 more blocks.
    assert_eq!(extra("let r = xs.index_of(b)", 16, 1600), 10 * 99);
    assert_eq!(extra("let r = xs.contains(b)", 16, 1600), 10 * 99);
    // Sorting ten strings: their bytes × (⌊log2 10⌋ + 1) / 16.
    assert_eq!(extra("xs.sort()", 16, 1600), (16000 - 160) * 4 / 16);
}
