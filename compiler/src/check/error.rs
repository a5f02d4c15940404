//! The error type of name resolution and type checking.

use prometeu_lexer::{Diagnostic, Severity, Span};

/// A resolution or type error (or warning) with its labels.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckError {
    /// Error or warning.
    pub severity: Severity,
    /// The stable code.
    pub code: &'static str,
    /// The message.
    pub message: String,
    /// The primary span: where the fix is most likely needed.
    pub span: Span,
    /// The primary label.
    pub label: String,
    /// Secondary labels.
    pub secondary: Vec<(Span, String)>,
    /// A help line.
    pub help: Option<String>,
    /// Note lines.
    pub notes: Vec<String>,
}

impl CheckError {
    /// An error.
    pub fn new(
        code: &'static str,
        message: impl Into<String>,
        span: Span,
        label: impl Into<String>,
    ) -> CheckError {
        CheckError {
            severity: Severity::Error,
            code,
            message: message.into(),
            span,
            label: label.into(),
            secondary: Vec::new(),
            help: None,
            notes: Vec::new(),
        }
    }

    /// A warning.
    pub fn warning(
        code: &'static str,
        message: impl Into<String>,
        span: Span,
        label: impl Into<String>,
    ) -> CheckError {
        CheckError {
            severity: Severity::Warning,
            ..CheckError::new(code, message, span, label)
        }
    }

    /// Adds a secondary label.
    pub fn with_label(mut self, span: Span, label: impl Into<String>) -> CheckError {
        self.secondary.push((span, label.into()));
        self
    }

    /// Adds a help line.
    pub fn with_help(mut self, help: impl Into<String>) -> CheckError {
        self.help = Some(help.into());
        self
    }

    /// Adds a note line.
    pub fn with_note(mut self, note: impl Into<String>) -> CheckError {
        self.notes.push(note.into());
        self
    }

    /// Converts the error into a renderable diagnostic.
    pub fn to_diagnostic(&self) -> Diagnostic {
        let mut d = Diagnostic::error(self.code, &self.message, self.span, &self.label);
        d.severity = self.severity;
        for (span, label) in &self.secondary {
            d = d.with_label(*span, label);
        }
        d.help = self.help.clone();
        d.notes = self.notes.clone();
        d
    }
}
