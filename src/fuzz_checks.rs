//! The checks of the fuzz targets (`fuzz/fuzz_targets/`), kept here so the targets and the
//! corpus replay under plain `cargo test` (`tests/fuzz_replay.rs`) run the same code.
//!
//! Each function takes arbitrary bytes and panics when a property the toolchain promises
//! does not hold; returning normally means the input passed.

use crate::compiler::CompileOptions;
use crate::lexer::{render_all, RenderOptions, SourceId, Span};
use crate::vm::{Limits, Output};

/// The longest prefix of `data` that is valid UTF-8.
fn utf8_prefix(data: &[u8]) -> &str {
    match std::str::from_utf8(data) {
        Ok(text) => text,
        Err(e) => std::str::from_utf8(&data[..e.valid_up_to()]).expect("valid up to here"),
    }
}

/// An output sink that drops everything.
struct Discard;

impl Output for Discard {
    fn write_str(&mut self, _: &str) {}
}

/// `fuzz/fuzz_targets/lex.rs`: when the bytes are UTF-8, lex them; spans stay inside the
/// text on character boundaries and tokens come in order without overlapping.
pub fn lex(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (tokens, errors) = crate::lexer::lex(text, SourceId(0));
    let check = |span: Span| {
        let (start, end) = (span.start as usize, span.end as usize);
        assert!(
            start <= end && end <= text.len(),
            "span {span} is outside a text of {} bytes",
            text.len()
        );
        assert!(
            text.is_char_boundary(start) && text.is_char_boundary(end),
            "span {span} splits a UTF-8 character"
        );
    };
    let mut previous_end = 0;
    for (_, span) in &tokens {
        check(*span);
        assert!(
            span.start as usize >= previous_end,
            "token at {span} overlaps or precedes the token before it"
        );
        previous_end = span.end as usize;
    }
    // Errors are not checked for order: an error inside a string literal (a bad escape)
    // comes before the error about the whole literal (unterminated), which starts earlier.
    for error in &errors {
        check(error.span);
        let _ = error.to_diagnostic();
    }
}

/// `fuzz/fuzz_targets/parse_and_render.rs`: compile, then render every diagnostic with
/// colour off and on.
pub fn parse_and_render(data: &[u8]) {
    let text = utf8_prefix(data);
    let unit = crate::compile_source("fuzz.pbs", text, &CompileOptions::default());
    for color in [false, true] {
        let _ = render_all(
            &unit.compiled.diagnostics,
            &unit.sources,
            RenderOptions { color },
        );
    }
}

/// `fuzz/fuzz_targets/compile_and_verify.rs`: whatever compiles verifies, and its encoded
/// file loads.
pub fn compile_and_verify(data: &[u8]) {
    let text = utf8_prefix(data);
    let unit = crate::compile_source("fuzz.pbs", text, &CompileOptions::default());
    if let Some(program) = unit.compiled.program {
        let bytes = crate::bytecode::encode(&program);
        if let Err(error) = crate::verify(program) {
            panic!("a compiled program fails verification: {error}");
        }
        if let Err(error) = crate::load(&bytes) {
            panic!("a compiled program's file fails to load: {error}");
        }
    }
}

/// `fuzz/fuzz_targets/load_and_run.rs`: load the bytes as a program file; when they load,
/// run under 10,000 cycles and render a trap against the embedded source.
pub fn load_and_run(data: &[u8]) {
    let Ok(program) = crate::load(data) else {
        return;
    };
    let (sources, id) = crate::program_sources(program.program());
    let mut vm = match crate::new_vm(program, Limits::default(), Box::new(Discard)) {
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
}

/// `fuzz/fuzz_targets/load_pmc.rs`: load the bytes as a `.pmc` single-file cart; when they
/// load, boot a cartridge under 10,000 cycles per frame for three frames (mixing its sound)
/// or run a script under 10,000 cycles. A rejected file's message names a byte offset inside
/// the input when it has one.
pub fn load_pmc(data: &[u8]) {
    let (_, program) = match crate::pmc::load(data) {
        Ok(loaded) => loaded,
        Err(crate::pmc::PmcError::Program { at, error }) => {
            assert!(
                at <= data.len(),
                "offset {at} beyond the input of {} bytes",
                data.len()
            );
            let _ = error.to_string();
            return;
        }
        Err(error) => {
            let _ = error.to_string();
            return;
        }
    };
    if program.program().entry.frame.is_some() {
        let config = crate::cart::CartConfig {
            cycles_per_frame: 10_000,
            ..crate::cart::CartConfig::default()
        };
        let Ok(mut cart) = crate::cart::Cart::boot(program, config, Box::new(Discard)) else {
            return;
        };
        for _ in 0..3 {
            if cart.tick(0).is_err() {
                return;
            }
            let _ = cart.audio();
            let _ = cart.take_saves();
        }
    } else if let Ok(mut vm) = crate::new_vm(program, Limits::default(), Box::new(Discard)) {
        let _ = vm.run_script(Some(10_000));
    }
}
