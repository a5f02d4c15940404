//! Fuzz target `load_and_run`: arbitrary bytes as a `.pbc` program file.
//!
//! When the bytes load (decode and verify), the program runs under a budget of 10,000
//! cycles with its output discarded; a trap is turned into a diagnostic against the
//! program's embedded source and rendered, as `prometeuc run` does. Nothing may panic.
//!
//! The check is `prometeu::fuzz_checks::load_and_run`, which `tests/fuzz_replay.rs` also
//! runs over the corpus and the committed failures under plain `cargo test`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| prometeu::fuzz_checks::load_and_run(data));
