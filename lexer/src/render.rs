//! The single place that calls ariadne: renders a [`Diagnostic`] to text.

use crate::{Diagnostic, Severity, SourceId, Sources, Span};
use ariadne::{Color, Config, IndexType, Label, Report, ReportKind};

/// How diagnostics are rendered.
#[derive(Clone, Copy, Debug, Default)]
pub struct RenderOptions {
    /// Whether to emit ANSI colours.
    pub color: bool,
}

/// Clamps a span to its source and to character boundaries, so the renderer never panics.
fn clamp(sources: &Sources, span: Span) -> (SourceId, std::ops::Range<usize>) {
    let text = sources.text(span.source);
    let mut start = (span.start as usize).min(text.len());
    let mut end = (span.end as usize).clamp(start, text.len());
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    while !text.is_char_boundary(end) {
        end += 1;
    }
    (span.source, start..end)
}

/// Wraps [`Sources`] as an ariadne cache.
struct Cache<'a> {
    sources: &'a Sources,
    cached: Vec<Option<ariadne::Source<String>>>,
}

impl ariadne::Cache<SourceId> for Cache<'_> {
    type Storage = String;

    fn fetch(&mut self, id: &SourceId) -> Result<&ariadne::Source<String>, impl std::fmt::Debug> {
        let index = id.0 as usize;
        if self.cached.len() <= index {
            self.cached.resize(index + 1, None);
        }
        let sources = self.sources;
        Ok::<_, String>(
            self.cached[index]
                .get_or_insert_with(|| ariadne::Source::from(sources.text(*id).to_string())),
        )
    }

    fn display<'b>(&self, id: &'b SourceId) -> Option<impl std::fmt::Display + 'b> {
        Some(self.sources.name(*id).to_string())
    }
}

/// Renders one diagnostic to a string (ending in a newline).
pub fn render(diagnostic: &Diagnostic, sources: &Sources, options: RenderOptions) -> String {
    let kind = match diagnostic.severity {
        Severity::Error => ReportKind::Error,
        Severity::Warning => ReportKind::Warning,
    };
    let Some(primary) = &diagnostic.primary else {
        let mut out = String::new();
        let head = match diagnostic.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        match &diagnostic.code {
            Some(code) => out.push_str(&format!("{head}[{code}]: {}\n", diagnostic.message)),
            None => out.push_str(&format!("{head}: {}\n", diagnostic.message)),
        }
        if let Some(help) = &diagnostic.help {
            out.push_str(&format!("help: {help}\n"));
        }
        for note in &diagnostic.notes {
            out.push_str(note);
            out.push('\n');
        }
        return out;
    };
    let config = Config::default()
        .with_index_type(IndexType::Byte)
        .with_color(options.color);
    let mut report = Report::build(kind, clamp(sources, primary.span))
        .with_config(config)
        .with_message(&diagnostic.message);
    if let Some(code) = &diagnostic.code {
        report = report.with_code(code);
    }
    let primary_color = match diagnostic.severity {
        Severity::Error => Color::Red,
        Severity::Warning => Color::Yellow,
    };
    let mut label = Label::new(clamp(sources, primary.span))
        .with_color(primary_color)
        .with_order(0);
    if !primary.message.is_empty() {
        label = label.with_message(&primary.message);
    }
    report = report.with_label(label);
    for (i, secondary) in diagnostic.secondary.iter().enumerate() {
        let mut label = Label::new(clamp(sources, secondary.span))
            .with_color(Color::Blue)
            .with_order(i as i32 + 1);
        if !secondary.message.is_empty() {
            label = label.with_message(&secondary.message);
        }
        report = report.with_label(label);
    }
    if let Some(help) = &diagnostic.help {
        report = report.with_help(help);
    }
    for note in &diagnostic.notes {
        report = report.with_note(note);
    }
    let mut out = Vec::new();
    let cache = Cache {
        sources,
        cached: Vec::new(),
    };
    if report.finish().write(cache, &mut out).is_err() {
        return format!("error: {}\n", diagnostic.message);
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Renders several diagnostics, one after the other.
pub fn render_all(diagnostics: &[Diagnostic], sources: &Sources, options: RenderOptions) -> String {
    diagnostics
        .iter()
        .map(|d| render(d, sources, options))
        .collect()
}
