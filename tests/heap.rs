//! The heap's promises, checked with the VM's own counters: garbage (cycles included) is
//! reclaimed, and reading or forwarding existing values never allocates.

mod common;

use common::Discard;
use prometeu::compiler::CompileOptions;
use prometeu::vm::{Limits, Vm};

fn vm_for(src: &str) -> Vm {
    let unit = prometeu::compile_source("heap.pbs", src, &CompileOptions::default());
    let program = unit
        .compiled
        .program
        .unwrap_or_else(|| panic!("{:?}", unit.compiled.diagnostics));
    prometeu::new_vm(
        prometeu::verify(program).unwrap(),
        Limits::default(),
        Box::new(Discard),
    )
    .unwrap()
}

#[test]
fn garbage_cycles_are_reclaimed_with_bounded_peak_heap() {
    let mut vm = vm_for(
        r#"
        declare struct Pair(other: [Pair], data: [int]);
        fn main() {
            for i from 0 until 200000 {
                let a = new Pair([], [0; 1000]);
                let b = new Pair([a], []);
                a.other.push(b);
                let me: [[int]] = [];
                me.push(a.data);
            }
        }
        "#,
    );
    vm.run_script(None).expect("runs");
    let heap = vm.stats().heap;
    // Each iteration allocates about 16 KB, 3.2 GB in all; the peak stays small.
    assert!(heap.bytes_allocated > 3_000_000_000, "{heap:?}");
    assert!(
        heap.peak_live_bytes < 32 << 20,
        "peak live heap {} bytes",
        heap.peak_live_bytes
    );
    assert!(heap.collections > 10, "{heap:?}");
    assert!(heap.freed > 1_000_000, "{heap:?}");
}

#[test]
fn a_self_referencing_array_is_reclaimed() {
    let mut vm = vm_for(
        r#"
        declare struct Box(items: [Box]);
        fn main() {
            for i from 0 until 50000 {
                let b = new Box([]);
                b.items.push(b);
                let filler = [1; 100];
            }
        }
        "#,
    );
    vm.run_script(None).unwrap();
    let heap = vm.stats().heap;
    assert!(
        heap.collections > 0 && heap.live_bytes < 4 << 20,
        "{heap:?}"
    );
}

#[test]
fn field_element_and_method_access_on_existing_objects_allocates_nothing() {
    let mut vm = vm_for(
        r#"
        declare struct P(x: int, y: float, name: string, tags: [string]) {
            fn bump(d: int): int {
                this.x += d;
                return this.x;
            }
            fn first(): string { return this.tags[0]; }
        }
        declare global shared: string = "g";
        fn main() {
            let p = new P(1, 2.0, "player", ["a", "b"]);
            let xs = [1, 2, 3];
            let total = 0;
            for i from 0 until 100000 {
                p.x = p.x + 1;
                p.y = p.y * 1.0;
                let n = p.name;
                let t = p.first();
                total += p.bump(1) % 7;
                xs[i % 3] = xs[(i + 1) % 3] + 1;
                total += xs[0] % 3 + xs.len();
                let s = shared;
                let same = p.name == n and t == "a" and s == "g";
                let alias = p;
                alias.tags[1] = p.tags[0];
            }
            print(total);
        }
        "#,
    );
    let at_load = vm.stats().heap.allocations;
    vm.run_script(None).unwrap();
    let heap = vm.stats().heap;
    // The struct, its tags array and the `xs` array.
    assert_eq!(heap.allocations - at_load, 3, "{heap:?}");
}

#[test]
fn string_building_allocates_exactly_the_new_strings() {
    let mut vm = vm_for(
        r#"
        fn main() {
            let s = "";
            for i from 0 until 1000 {
                s = s + "x";
            }
            let upper = s.upper();
            let same = s.trim();
        }
        "#,
    );
    let at_load = vm.stats().heap;
    vm.run_script(None).unwrap();
    let heap = vm.stats().heap;
    // The first concatenation copies the frozen constant into a new buffer (a buffer and a
    // string); the 999 others append in place (one string each); `upper` builds a buffer
    // and a string; `trim` of an untrimmed string forwards it.
    assert_eq!(heap.allocations - at_load.allocations, 2 + 999 + 2);
    // Appends are amortized linear: the bytes written grow with the text, not its square
    // (copying on every append would write about 500,000 bytes here); each of the 1,000
    // strings counts its 40-byte table entry.
    let bytes = heap.bytes_allocated - at_load.bytes_allocated;
    assert!(bytes < 50_000, "{bytes} bytes allocated");
}

#[test]
fn appends_to_a_million_characters_stay_linear() {
    let mut vm = vm_for(
        r#"
        fn main() {
            let s = "";
            for i from 0 until 1000000 {
                s += "y";
            }
            print(s.len());
        }
        "#,
    );
    vm.run_script(None).unwrap();
    let heap = vm.stats().heap;
    assert!(heap.bytes_allocated < 64_000_000, "{heap:?}");
}

/// The live bytes after `main` runs `setup`, then makes enough garbage to be collected many
/// times, then runs `check`; the program keeps a big struct only through optionals.
fn live_after(setup: &str, check: &str) -> (u64, u64) {
    let src = format!(
        r#"
        declare struct Big(data: [int]);
        declare struct Holder(big: Big?);
        declare global kept: Big? = none;
        fn main() {{
            let local: Big? = new Big([7; 100000]);
            let holder = new Holder(new Big([8; 100000]));
            kept = new Big([9; 100000]);
            let slots: [Big?] = [new Big([6; 100000])];
            {setup}
            for i from 0 until 20000 {{
                let garbage = [i; 100];
            }}
            {check}
        }}
        "#
    );
    let mut vm = vm_for(&src);
    vm.run_script(None)
        .expect("runs without a failed assertion");
    let heap = vm.stats().heap;
    (heap.live_bytes, heap.collections)
}

#[test]
fn an_optional_holding_the_only_reference_keeps_the_object_alive() {
    let (live, collections) = live_after(
        "",
        r#"
            assert(local.unwrap().data[99999] == 7, "local");
            assert(holder.big.unwrap().data[99999] == 8, "field");
            assert(kept.unwrap().data[99999] == 9, "global");
            assert(slots[0].unwrap().data[99999] == 6, "element");
        "#,
    );
    assert!(collections > 0, "the garbage was collected");
    // Four arrays of 100,000 ints are still reachable.
    assert!(live > 4 * 100_000 * 8, "live {live} bytes");
}

#[test]
fn setting_the_optionals_to_none_frees_the_objects() {
    let (live, collections) = live_after(
        "local = none; holder.big = none; kept = none; slots[0] = none;",
        r#"assert(local.is_none() && kept.is_none(), "none");"#,
    );
    assert!(collections > 0, "the garbage was collected");
    assert!(live < 100_000 * 8, "live {live} bytes");
}

#[test]
fn for_in_over_an_existing_array_allocates_nothing() {
    let mut vm = vm_for(
        r#"
        declare struct E(x: int);
        fn main() {
            let xs = [1, 2, 3, 4, 5];
            let es = [new E(1), new E(2)];
            let total = 0;
            for round from 0 until 10000 {
                for i, x in xs {
                    total += x * i;
                }
                for e in es {
                    e.x += 1;
                }
            }
            print(total);
        }
        "#,
    );
    let at_load = vm.stats().heap.allocations;
    vm.run_script(None).unwrap();
    let heap = vm.stats().heap;
    // The two arrays and the two structs, made once before the loops.
    assert_eq!(heap.allocations - at_load, 4, "{heap:?}");
}

#[test]
fn payload_free_enums_and_optionals_of_scalars_allocate_nothing() {
    let mut vm = vm_for(
        r#"
        declare enum State { Title, Playing, Over }
        fn next(s: State): State {
            switch s {
                State.Title => { return State.Playing; }
                State.Playing => { return State.Over; }
                State.Over => { return State.Title; }
            }
        }
        fn half(n: int): int? {
            if n % 2 == 0 { return n / 2; }
            return none;
        }
        fn main() {
            let s = State.Title;
            let states = [State.Title, State.Over];
            let count = 0;
            let sum = 0;
            for i from 0 until 30000 {
                s = next(s);
                if s == State.Over { count += 1; }
                states[i % 2] = s;
                let h: int? = half(i);
                sum += h else -1;
                if let v = h { sum += v; }
                let f: float? = none;
                if i % 3 == 0 { f = 1.5; }
                sum += (f else 0.0) as int;
            }
            print(count + sum + states[0] as int);
        }
        "#,
    );
    let at_load = vm.stats().heap.allocations;
    vm.run_script(None).unwrap();
    let heap = vm.stats().heap;
    // Only the `states` array, made once before the loop.
    assert_eq!(heap.allocations - at_load, 1, "{heap:?}");
}

#[test]
fn cycles_through_closures_and_boxes_are_reclaimed() {
    // Each step makes a struct whose field holds a lambda that captures (through a box)
    // the struct itself, plus a captured array: a cycle struct → closure → box → struct.
    let mut vm = vm_for(
        r#"
        declare struct Node(data: [int], on: (fn(): int)?);
        fn main() {
            let kept = 0;
            for i from 0 until 20000 {
                let n = new Node([0; 1000], none);
                let data = n.data;
                n.on = fn(): int { return n.data.len() + data.len(); };
                if let f = n.on {
                    kept += f();
                }
            }
            assert(kept == 40000000, "sum");
        }
        "#,
    );
    vm.run_script(None).expect("runs");
    let heap = vm.stats().heap;
    assert!(heap.bytes_allocated > 300_000_000, "{heap:?}");
    assert!(
        heap.peak_live_bytes < 32 << 20,
        "peak live heap {} bytes",
        heap.peak_live_bytes
    );
    assert!(heap.freed > 50_000, "{heap:?}");
}

#[test]
fn a_live_closure_keeps_its_captures() {
    // Garbage is made between the calls, so collections run while the counter lives.
    let mut vm = vm_for(
        r#"
        fn counter(): fn(): int {
            let n = 0;
            let log: [int] = [];
            return fn(): int { n += 1; log.push(n); return log.len(); };
        }
        fn main() {
            let c = counter();
            let last = 0;
            for i from 0 until 3000 {
                let junk = [0; 1000];
                last = c();
            }
            assert(last == 3000, "count");
        }
        "#,
    );
    vm.run_script(None).expect("runs");
    assert!(vm.stats().heap.collections > 2, "{:?}", vm.stats().heap);
}
