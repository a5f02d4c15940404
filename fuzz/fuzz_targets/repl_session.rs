//! Fuzz target `repl_session`: arbitrary bytes as the lines of a REPL session.
//!
//! The lines are grouped into inputs as the piped REPL groups them (commands on one line,
//! PBS continued while brackets are open) and evaluated in one session, redefinitions and
//! `:reset` included, each input under a cycle budget. Nothing may panic, a failed input
//! changes nothing, struct identities survive redefinitions, and every diagnostic points
//! inside its sources.
//!
//! The check is `prometeu::fuzz_checks::repl_session`, which `tests/fuzz_replay.rs` also
//! runs over the corpus and the committed failures under plain `cargo test`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| prometeu::fuzz_checks::repl_session(data));
