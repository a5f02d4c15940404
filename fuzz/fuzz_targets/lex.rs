//! Fuzz target `lex`: arbitrary bytes; when they are valid UTF-8, lex them.
//!
//! Lexing must not panic, every token and error span must lie inside the text on UTF-8
//! character boundaries, and the tokens must come in source order without overlapping
//! (the lexer's documented guarantees).
//!
//! The check is `prometeu::fuzz_checks::lex`, which `tests/fuzz_replay.rs` also
//! runs over the corpus and the committed failures under plain `cargo test`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| prometeu::fuzz_checks::lex(data));
