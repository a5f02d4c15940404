//! Fuzz target `parse_and_render`: text through the whole front end, then every diagnostic
//! rendered with colour off and on.
//!
//! The input is the longest valid UTF-8 prefix of the bytes. Neither compiling nor
//! rendering may panic, whatever the text (multi-byte characters, tabs, CRLF, spans at the
//! end of the file).
//!
//! Keep this body in sync with `parse_and_render` in `tests/fuzz_replay.rs`, which replays
//! the corpus and the committed crash inputs under plain `cargo test`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use prometeu::compiler::CompileOptions;
use prometeu::lexer::{render_all, RenderOptions};

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
    for color in [false, true] {
        let _ = render_all(
            &unit.compiled.diagnostics,
            &unit.sources,
            RenderOptions { color },
        );
    }
});
