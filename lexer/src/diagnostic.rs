//! The one plain diagnostic type every stage converts its errors into.

use crate::Span;

/// How serious a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    /// The program cannot be compiled or run.
    Error,
    /// The program is accepted but probably not what was meant.
    Warning,
}

/// A labelled span inside a diagnostic.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    /// Where the label points.
    pub span: Span,
    /// What the label says (may be empty).
    pub message: String,
}

/// A compile error, warning, load error or runtime trap, ready to be rendered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// The stable code, such as `E0201`.
    pub code: Option<String>,
    /// The one-line message: lowercase, no trailing period.
    pub message: String,
    /// The primary label: where the fix is most likely needed; the report's location.
    pub primary: Option<Label>,
    /// Secondary labels that help explain the primary one.
    pub secondary: Vec<Label>,
    /// An obvious fix, when there is one.
    pub help: Option<String>,
    /// Extra lines printed after the excerpt (such as a stack trace).
    pub notes: Vec<String>,
}

impl Diagnostic {
    /// An error with a code, a message and a primary label.
    pub fn error(
        code: &str,
        message: impl Into<String>,
        span: Span,
        label: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            code: Some(code.to_string()),
            message: message.into(),
            primary: Some(Label {
                span,
                message: label.into(),
            }),
            secondary: Vec::new(),
            help: None,
            notes: Vec::new(),
        }
    }

    /// A warning with a code, a message and a primary label.
    pub fn warning(
        code: &str,
        message: impl Into<String>,
        span: Span,
        label: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, message, span, label)
        }
    }

    /// An error that points at nothing in the source.
    pub fn plain(message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            code: None,
            message: message.into(),
            primary: None,
            secondary: Vec::new(),
            help: None,
            notes: Vec::new(),
        }
    }

    /// Adds a secondary label.
    pub fn with_label(mut self, span: Span, message: impl Into<String>) -> Diagnostic {
        self.secondary.push(Label {
            span,
            message: message.into(),
        });
        self
    }

    /// Adds a help line.
    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    /// Adds a note line.
    pub fn with_note(mut self, note: impl Into<String>) -> Diagnostic {
        self.notes.push(note.into());
        self
    }

    /// Whether this diagnostic is an error (not a warning).
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}
