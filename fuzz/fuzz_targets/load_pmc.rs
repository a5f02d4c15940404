//! Fuzz target `load_pmc`: arbitrary bytes as a `.pmc` single-file cart.
//!
//! When the bytes load (framing, checksum, manifest, program), a cartridge boots and runs
//! three frames under 10,000 cycles each, mixing its sound; a script runs under 10,000
//! cycles. Nothing may panic.
//!
//! The check is `prometeu::fuzz_checks::load_pmc`, which `tests/fuzz_replay.rs` also runs
//! over the corpus and the committed failures under plain `cargo test`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| prometeu::fuzz_checks::load_pmc(data));
