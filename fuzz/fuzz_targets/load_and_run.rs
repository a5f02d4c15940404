//! Fuzz target `load_and_run`: arbitrary bytes as a `.pbc` program file.
//!
//! When the bytes load (decode and verify), the program runs under a budget of 10,000
//! cycles with its output discarded; a trap is turned into a diagnostic against the
//! program's embedded source and rendered, as `prometeuc run` does. Nothing may panic.
//!
//! Keep this body in sync with `load_and_run` in `tests/fuzz_replay.rs`, which replays
//! the corpus and the committed crash inputs under plain `cargo test`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use prometeu::lexer::{render_all, RenderOptions};
use prometeu::vm::{Limits, Output};

/// An output sink that drops everything.
struct Discard;

impl Output for Discard {
    fn write_str(&mut self, _: &str) {}
}

fuzz_target!(|data: &[u8]| {
    let Ok(program) = prometeu::load(data) else {
        return;
    };
    let (sources, id) = prometeu::program_sources(program.program());
    let mut vm = match prometeu::new_vm(program, Limits::default(), Box::new(Discard)) {
        Ok(vm) => vm,
        Err(trap) => {
            let _ = trap.to_string();
            return;
        }
    };
    if let Err(trap) = vm.run_script(Some(10_000)) {
        let diagnostic = trap.to_diagnostic(vm.program().program(), &sources, id);
        for color in [false, true] {
            let _ = render_all(
                std::slice::from_ref(&diagnostic),
                &sources,
                RenderOptions { color },
            );
        }
    }
});
