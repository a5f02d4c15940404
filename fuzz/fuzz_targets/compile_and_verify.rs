//! Fuzz target `compile_and_verify`: whatever the compiler accepts must be a valid program.
//!
//! The input is the longest valid UTF-8 prefix of the bytes. When it compiles, the program
//! must pass `prometeu::verify`, and its encoded `.pbc` bytes must load again (what
//! `prometeuc build` writes, `prometeuc run` must accept); anything else panics.
//!
//! Keep this body in sync with `compile_and_verify` in `tests/fuzz_replay.rs`, which
//! replays the corpus and the committed crash inputs under plain `cargo test`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use prometeu::compiler::CompileOptions;

/// The longest prefix of `data` that is valid UTF-8.
fn utf8_prefix(data: &[u8]) -> &str {
    match std::str::from_utf8(data) {
        Ok(text) => text,
        Err(e) => std::str::from_utf8(&data[..e.valid_up_to()]).expect("valid up to here"),
    }
}

fuzz_target!(|data: &[u8]| {
    let text = utf8_prefix(data);
    let unit = prometeu::compile_source("fuzz.pbs", text, &CompileOptions::default());
    if let Some(program) = unit.compiled.program {
        let bytes = prometeu::bytecode::encode(&program);
        if let Err(error) = prometeu::verify(program) {
            panic!("a compiled program fails verification: {error}");
        }
        if let Err(error) = prometeu::load(&bytes) {
            panic!("a compiled program's file fails to load: {error}");
        }
    }
});
