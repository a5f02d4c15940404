//! Maps and the heap: a map's storage is accounted and checked against the heap limit before
//! it grows, the collector traces keys and values, and reading or replacing entries of an
//! existing map allocates nothing.

mod common;

use common::Discard;
use prometeu::compiler::CompileOptions;
use prometeu::vm::{Limits, TrapKind, Vm};

fn vm_with(src: &str, limits: Limits) -> Vm {
    let unit = prometeu::compile_source("maps.pbs", src, &CompileOptions::default());
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

#[test]
fn a_growing_map_traps_at_the_heap_limit_before_allocating() {
    let limits = Limits {
        heap_bytes: 1 << 20,
        ..Limits::default()
    };
    let mut vm = vm_with(
        r#"
        fn main() {
            let m: {int: int} = {};
            for i from 0 until 1000000 {
                m[i] = i;
            }
        }
        "#,
        limits,
    );
    let trap = vm.run_script(None).expect_err("the map outgrows the heap");
    assert_eq!(trap.kind, TrapKind::HeapExhausted(1 << 20));
    let heap = vm.stats().heap;
    assert!(
        heap.peak_live_bytes <= 1 << 20,
        "the limit was never passed: {heap:?}"
    );
    // 40 bytes per entry and 8 per index slot: more than 10,000 entries fit in 1 MiB.
    assert!(heap.peak_live_bytes > 1 << 19, "{heap:?}");
}

#[test]
fn keys_and_values_are_traced_and_cleared_maps_free_them() {
    let mut vm = vm_with(
        r#"
        declare global keep: {string: [int]} = {};
        fn main() {
            let m: {string: [int]} = {};
            m["big"] = [7; 100000];
            keep["k" + str(1)] = [8; 100000];
            for i from 0 until 20000 {
                let garbage = [i; 100];
            }
            assert(m["big"][99999] == 7, "value kept alive by a local map");
            assert(keep["k1"][99999] == 8, "key and value kept alive by a global map");
            m.clear();
            keep.clear();
            for i from 0 until 20000 {
                let garbage = [i; 100];
            }
        }
        "#,
        Limits::default(),
    );
    vm.run_script(None).expect("runs");
    let heap = vm.stats().heap;
    assert!(heap.collections > 0, "{heap:?}");
    assert!(
        heap.live_bytes < 100_000 * 8,
        "the cleared values were freed: {heap:?}"
    );
}

#[test]
fn reading_and_replacing_entries_allocates_nothing() {
    let mut vm = vm_with(
        r#"
        declare enum Dir { Up, Down }
        fn main() {
            let words = {"a": 1, "b": 2};
            let dirs = {Dir.Up: 0};
            let total = 0;
            for round from 0 until 10000 {
                words["a"] += 1;
                words["b"] = words["a"];
                dirs[Dir.Up] += 1;
                total += words.get("b") else 0;
                for k, v in words {
                    total += v;
                }
            }
            print(total);
        }
        "#,
        Limits::default(),
    );
    let at_load = vm.stats().heap.allocations;
    vm.run_script(None).unwrap();
    let heap = vm.stats().heap;
    // The two maps, made once before the loop.
    assert_eq!(heap.allocations - at_load, 2, "{heap:?}");
}

#[test]
fn the_cycle_cost_of_string_keys_grows_with_their_length() {
    let cycles = |key_len: usize| {
        let key = "k".repeat(key_len);
        let src = format!(
            r#"fn main() {{ let m = {{"{key}": 1}}; let t = 0; for i from 0 until 1000 {{ t += m["{key}"]; }} }}"#
        );
        let mut vm = vm_with(&src, Limits::default());
        vm.run_script(None).unwrap();
        vm.stats().cycles
    };
    let short = cycles(1);
    let long = cycles(160);
    // 160 bytes: 10 cycles to hash and 10 to compare per lookup that finds the key; the
    // literal's insertion hashes it once (10).
    assert_eq!(long - short, 1000 * 20 + 10);
}
