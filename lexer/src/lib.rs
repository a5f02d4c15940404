//! Source text to tokens, plus the pieces every later stage shares: spans, the source
//! registry and the one diagnostic type with its single ariadne renderer.
//!
//! This crate does no file or terminal I/O: callers hand it text and receive tokens,
//! errors and rendered strings. Entry points: [`lex`] turns a source into tokens and
//! [`LexError`]s (lexing never stops at an error), [`render`] turns a [`Diagnostic`]
//! into text.
//!
//! Modules: `span` (byte-offset spans and sources), `token` (the token kinds),
//! `lex` (the driver around the `logos` scanner and string-literal decoding),
//! `diagnostic` (the plain diagnostic type), `display` ([`escape_for_display`], for text
//! from files) and `render` (the ariadne renderer).
#![forbid(unsafe_code)]

mod diagnostic;
mod display;
mod lex;
mod render;
mod span;
mod token;

pub use diagnostic::{Diagnostic, Label, Severity};
pub use display::{escape_for_display, needs_escape};
pub use lex::{lex, lex_each, LexError, LexErrorKind};
pub use render::{render, render_all, RenderOptions};
pub use span::{SourceId, Sources, Span};
pub use token::{Spanned, Token};
