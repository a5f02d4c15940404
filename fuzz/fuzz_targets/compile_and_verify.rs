//! Fuzz target `compile_and_verify`: whatever the compiler accepts must be a valid program.
//!
//! The input is the longest valid UTF-8 prefix of the bytes. When it compiles, the program
//! must pass `prometeu::verify`, and its encoded `.pbc` bytes must load again (what
//! `prometeuc build` writes, `prometeuc run` must accept); anything else panics.
//!
//! The check is `prometeu::fuzz_checks::compile_and_verify`, which `tests/fuzz_replay.rs` also
//! runs over the corpus and the committed failures under plain `cargo test`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| prometeu::fuzz_checks::compile_and_verify(data));
