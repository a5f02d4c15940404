//! Sizes and the heap limit: any requested size gives a trap (never a panic or an abort),
//! the heap limit is checked before memory is requested, objects are accounted at what they
//! really occupy, and the collector keeps its work bounded when live data approach the limit.

mod common;

use common::Discard;
use prometeu::compiler::CompileOptions;
use prometeu::vm::{array_bytes, string_bytes, HeapStats, Limits, TrapKind, Vm};

/// Limits at the most the VM accepts for sizes, so only representability stops a request.
fn wide_open() -> Limits {
    Limits {
        max_string: usize::MAX,
        max_array: usize::MAX,
        heap_bytes: usize::MAX,
        ..Limits::default()
    }
}

fn vm_with(src: &str, limits: Limits) -> Vm {
    let unit = prometeu::compile_source("limits.pbs", src, &CompileOptions::default());
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

/// Runs `main` and returns the trap it stopped with and the heap's counters.
fn trap_of(src: &str, limits: Limits) -> (TrapKind, HeapStats) {
    let mut vm = vm_with(src, limits);
    let trap = vm.run_script(None).expect_err("the program traps");
    (trap.kind, vm.stats().heap)
}

#[test]
fn huge_array_sizes_trap_instead_of_panicking() {
    for n in ["1152921504606846976", "100000000000", "9223372036854775807"] {
        let src = format!("fn main() {{ let a = [0; {n}]; print(a.len()); }}");
        let (kind, _) = trap_of(&src, wide_open());
        assert_eq!(
            kind,
            TrapKind::ArrayTooLong {
                len: n.parse().unwrap(),
                limit: Limits::MAX_ARRAY
            },
            "[0; {n}]"
        );
    }
}

#[test]
fn huge_string_repeats_trap_instead_of_panicking() {
    let (kind, _) = trap_of(
        r#"fn main() { let s = "ab".repeat(4611686018427387904); print(s.len()); }"#,
        wide_open(),
    );
    assert!(
        matches!(kind, TrapKind::StringTooLong { limit, .. } if limit == Limits::MAX_STRING),
        "{kind:?}"
    );
    // An empty string repeats to the empty string however large the count.
    let mut vm = vm_with(
        r#"fn main() { let s = "".repeat(9223372036854775807); if s.len() != 0 { print(1 / 0); } }"#,
        wide_open(),
    );
    vm.run_script(None)
        .expect("repeating the empty string runs");
}

#[test]
fn a_size_within_the_limits_but_beyond_the_heap_is_out_of_memory() {
    // 4,000,000,000 elements are allowed by `max_array` but would take 64 GB.
    let limits = Limits {
        max_array: Limits::MAX_ARRAY,
        ..Limits::default()
    };
    let (kind, heap) = trap_of("fn main() { let a = [0; 4000000000]; }", limits);
    assert_eq!(kind, TrapKind::HeapExhausted(Limits::default().heap_bytes));
    assert!(heap.peak_live_bytes < 1 << 20, "{heap:?}");
}

#[test]
fn limits_above_the_representable_maxima_are_reported_and_clamped() {
    let err = wide_open().validate().expect_err("usize::MAX is too large");
    assert_eq!(err.name, "max_string");
    assert_eq!(err.max, Limits::MAX_STRING);
    assert_eq!(
        err.to_string(),
        format!(
            "max_string is {}, above the most allowed, {}",
            usize::MAX,
            Limits::MAX_STRING
        )
    );
    let too_many_slots = Limits {
        stack_slots: Limits::MAX_STACK_SLOTS + 1,
        ..Limits::default()
    };
    assert_eq!(too_many_slots.validate().unwrap_err().name, "stack_slots");
    assert_eq!(Limits::default().validate(), Ok(()));
    let clamped = wide_open().clamped();
    assert_eq!(clamped.validate(), Ok(()));
    assert_eq!(
        (clamped.max_string, clamped.max_array, clamped.heap_bytes),
        (Limits::MAX_STRING, Limits::MAX_ARRAY, Limits::MAX_HEAP)
    );
}

#[test]
fn an_array_past_the_heap_limit_traps_before_allocating() {
    let limits = Limits {
        heap_bytes: 1000,
        max_array: 1_000_000_000,
        ..Limits::default()
    };
    let (kind, heap) = trap_of("fn main() { let a = [0; 200000000]; }", limits);
    assert_eq!(kind, TrapKind::HeapExhausted(1000));
    // Nothing beyond the limit was ever accounted (or requested).
    assert!(heap.peak_live_bytes <= 1000, "{heap:?}");
    assert_eq!(heap.allocations, heap.constant_strings * 2, "{heap:?}");
}

#[test]
fn split_results_are_accounted_at_their_real_size() {
    let mut vm = vm_with(
        r#"
        declare global parts: [string] = [];
        fn main() {
            parts = "x".repeat(1000).split("");
        }
        "#,
        Limits::default(),
    );
    vm.run_script(None).unwrap();
    let heap = vm.stats().heap;
    // The repeated string, then each one-byte piece (a string, its buffer and one byte with
    // its block) and the array of exactly 1,000 elements; the global's first, empty array.
    let expected = string_bytes(1000) + 1000 * string_bytes(1) + array_bytes(1000) + array_bytes(0);
    let constants = string_bytes(1) + string_bytes(0);
    assert_eq!(heap.live_bytes, expected + constants, "{heap:?}");
    // The documented rule: two 40-byte table entries, the text and 16 bytes for its block.
    assert_eq!(string_bytes(1), 2 * 40 + 1 + 16);
    assert_eq!(array_bytes(1000), 40 + 16 * 1000 + 16);
}

#[test]
fn a_split_past_the_heap_limit_traps_before_allocating_the_pieces() {
    let limits = Limits {
        heap_bytes: 4 << 20,
        ..Limits::default()
    };
    // 1,000,000 pieces need about 100 MB; the 1 MB string itself fits.
    let (kind, heap) = trap_of(
        r#"fn main() { let s = "x".repeat(1000000); let parts = s.split(""); }"#,
        limits,
    );
    assert_eq!(kind, TrapKind::HeapExhausted(4 << 20));
    // The constants, the repeated string, and not one piece.
    assert_eq!(heap.allocations, heap.constant_strings * 2 + 2, "{heap:?}");
}

#[test]
fn collections_stay_bounded_with_live_data_near_the_limit() {
    // About 35 MB stay live under a 48 MB limit while 2,000,000 short-lived structs (about
    // 160 MB) come and go. Collecting at every allocation past half the limit would run
    // about two million collections.
    let limits = Limits {
        heap_bytes: 48 << 20,
        ..Limits::default()
    };
    let mut vm = vm_with(
        r#"
        declare struct P(a: int, b: int);
        fn main() {
            let keep: [P] = [];
            for i from 0 until 350000 {
                keep.push(new P(i, i));
            }
            let total = 0;
            for i from 0 until 2000000 {
                let t = new P(i, 1);
                total += t.b;
            }
            if total != 2000000 { print(1 / 0); }
        }
        "#,
        limits,
    );
    vm.run_script(None).expect("the live data fit");
    let heap = vm.stats().heap;
    assert!(heap.peak_live_bytes <= 48 << 20, "{heap:?}");
    assert!(heap.live_bytes > 30 << 20, "{heap:?}");
    assert!(heap.collections <= 40, "{heap:?}");
}

#[test]
fn a_full_collection_runs_before_out_of_memory() {
    // Each call leaves 2.4 MB of garbage under a 4 MB limit, so the next call's array only
    // fits after collecting it; 200 calls allocate 480 MB in all.
    let limits = Limits {
        heap_bytes: 4 << 20,
        ..Limits::default()
    };
    let mut vm = vm_with(
        r#"
        fn make(): int {
            let g = [0; 150000];
            return g.len();
        }
        fn main() {
            let total = 0;
            for i from 0 until 200 {
                total += make();
            }
            if total != 30000000 { print(1 / 0); }
        }
        "#,
        limits,
    );
    vm.run_script(None)
        .expect("the garbage is collected before trapping");
    let heap = vm.stats().heap;
    assert!(heap.bytes_allocated > 400 << 20, "{heap:?}");
    assert!(heap.peak_live_bytes <= 4 << 20, "{heap:?}");
    assert!(
        heap.collections >= 199 && heap.collections <= 400,
        "{heap:?}"
    );
}

#[test]
fn live_data_that_do_not_fit_trap_after_one_full_collection() {
    let limits = Limits {
        heap_bytes: 4 << 20,
        ..Limits::default()
    };
    let (kind, heap) = trap_of(
        r#"
        fn main() {
            let keep: [[int]] = [];
            for i from 0 until 100 {
                keep.push([0; 100000]);
            }
        }
        "#,
        limits,
    );
    assert_eq!(kind, TrapKind::HeapExhausted(4 << 20));
    assert!(heap.collections <= 4, "{heap:?}");
}

#[test]
fn pushes_reserve_room_within_the_heap_limit() {
    let limits = Limits {
        heap_bytes: 1 << 20,
        ..Limits::default()
    };
    let (kind, heap) = trap_of(
        r#"
        fn main() {
            let xs: [int] = [];
            while true {
                xs.push(1);
            }
        }
        "#,
        limits,
    );
    assert_eq!(kind, TrapKind::HeapExhausted(1 << 20));
    assert!(heap.peak_live_bytes <= 1 << 20, "{heap:?}");
    // The array doubled up to 32,768 elements (512 KB); doubling again does not fit.
    assert!(heap.peak_live_bytes > 512 << 10, "{heap:?}");
}
