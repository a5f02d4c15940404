//! Map lookups charge the same cycles however they find their key: through the position a
//! string key remembers, through a map's recent lookups, by probing the index with the same
//! string object, or by comparing the texts of two equal strings.

mod common;

use common::Discard;
use prometeu::compiler::CompileOptions;

/// Runs `main` of `src` to the end and returns the cycles it used.
fn cycles(src: &str) -> u64 {
    let unit = prometeu::compile_source("lookup.pbs", src, &CompileOptions::default());
    let program = unit
        .compiled
        .program
        .unwrap_or_else(|| panic!("{:?}", unit.compiled.diagnostics));
    let program = prometeu::verify(program).expect("the test program verifies");
    let mut vm = prometeu::new_vm(program, prometeu::vm::Limits::default(), Box::new(Discard))
        .expect("the VM starts");
    vm.run_script(None).expect("the test program runs");
    vm.stats().cycles
}

/// A program of 1,000 gets and sets of a 40-byte string key, alternating between the first
/// and second of `maps` and of `keys` (array literals over maps `a`, `b` and keys `k`, `c`,
/// where `c` has the text of `k` but is another string).
fn string_lookups(maps: &str, keys: &str) -> String {
    format!(
        r#"
        fn main() {{
            let k = "a key of forty bytes, built at run t" + str(1000);
            let c = "a key of forty bytes, built at run t" + str(1000);
            let a: {{string: int}} = {{}};
            a[k] = 1;
            let b: {{string: int}} = {{}};
            b[k] = 2;
            let maps = {maps};
            let keys = {keys};
            let s = 0;
            for i from 0 until 1000 {{
                let m = maps[i % 2];
                let key = keys[i % 2];
                m[key] += 1;
                s += m[key];
            }}
            assert(s > 0, "the lookups ran");
        }}
        "#
    )
}

#[test]
fn string_key_lookups_cost_the_same_however_the_key_is_found() {
    // The same map and key object every time: the remembered position answers.
    let remembered = cycles(&string_lookups("[a, a]", "[k, k]"));
    // One key object in two maps in turn: the remembered position is always the other map's.
    let two_maps = cycles(&string_lookups("[a, b]", "[k, k]"));
    // Two string objects of one text: every other lookup compares texts.
    let two_strings = cycles(&string_lookups("[a, a]", "[k, c]"));
    assert_eq!(remembered, two_maps);
    assert_eq!(remembered, two_strings);
    // The key's length is charged: 40 bytes are 2 cycles per lookup, 4 when found, so a
    // program with a 4-byte key costs less.
    let short = string_lookups("[a, a]", "[k, k]").replace("forty bytes, built at run t", "");
    assert!(cycles(&short) < remembered);
}

#[test]
fn int_key_lookups_cost_the_same_whether_recent_or_probed() {
    let program = |keys: &str| {
        format!(
            r#"
            fn main() {{
                let m: {{int: int}} = {{}};
                for i from 0 until 64 {{
                    m[i] = i;
                }}
                let keys = {keys};
                let s = 0;
                for i from 0 until 1000 {{
                    s += m[keys[i % 4]];
                }}
                assert(s > 0, "the lookups ran");
            }}
            "#
        )
    };
    // The same key every time: the map's recent lookups answer.
    let recent = cycles(&program("[5, 5, 5, 5]"));
    // Keys that share a slot of the recent lookups (or not), changing every time.
    let probed = cycles(&program("[5, 13, 21, 29]"));
    assert_eq!(recent, probed);
}
