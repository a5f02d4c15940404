//! Fuzz target `manifest_and_log`: arbitrary bytes as a cartridge `manifest.json` and as a
//! recorded input log.
//!
//! Neither parser may panic; what parses is valid and survives writing it back and parsing
//! it again, and an input-log error names a line of the text.
//!
//! The check is `prometeu::fuzz_checks::manifest_and_log`, which `tests/fuzz_replay.rs` also
//! runs over the corpus and the committed failures under plain `cargo test`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| prometeu::fuzz_checks::manifest_and_log(data));
