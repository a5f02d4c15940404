//! Fuzz target `parse_and_render`: text through the whole front end, then every diagnostic
//! rendered with colour off and on.
//!
//! The input is the longest valid UTF-8 prefix of the bytes. Neither compiling nor
//! rendering may panic, whatever the text (multi-byte characters, tabs, CRLF, spans at the
//! end of the file).
//!
//! The check is `prometeu::fuzz_checks::parse_and_render`, which `tests/fuzz_replay.rs` also
//! runs over the corpus and the committed failures under plain `cargo test`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| prometeu::fuzz_checks::parse_and_render(data));
