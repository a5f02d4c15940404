//! Fuzz target `lex`: arbitrary bytes; when they are valid UTF-8, lex them.
//!
//! Lexing must not panic, every token and error span must lie inside the text on UTF-8
//! character boundaries, and the tokens must come in source order without overlapping
//! (the lexer's documented guarantees).
//!
//! Keep this body in sync with `lex` in `tests/fuzz_replay.rs`, which replays the corpus
//! and the committed crash inputs under plain `cargo test`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use prometeu::lexer::{lex, SourceId, Span};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (tokens, errors) = lex(text, SourceId(0));
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
});
