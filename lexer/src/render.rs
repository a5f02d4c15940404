//! The single place that calls ariadne: renders a [`Diagnostic`] to text.
//!
//! ariadne never sees a source text as it is, but a *view* of it: every line with its
//! control, bidirectional and invisible characters escaped (so they cannot act on the
//! terminal, and the caret stays under the right character), and lines ended by `\n` alone,
//! so ariadne counts lines by the rule of [`Sources::line_col`]. A view of a whole source is
//! built once per [`render_all`] call. When a line that a label touches is wider than
//! [`WIDE_LINE`] characters, the diagnostic gets its own view instead, in which that line is
//! cut to a window of [`WINDOW`] characters around its labels (with `…` where text was cut)
//! and the lines no label touches are empty. ariadne's `file:line:column` headers are then
//! rewritten with the positions [`Sources::line_col`] gives, so they always name the place in
//! the file, whatever the view showed.

use crate::display::{escape_excerpt, escape_for_display, needs_escape};
use crate::{Diagnostic, Severity, SourceId, Sources, Span};
use ariadne::{Color, Config, IndexType, Label, Report, ReportKind};
use std::collections::HashMap;

/// The most diagnostics one [`render_all`] call renders; the rest are counted in a last line.
pub const MAX_RENDERED: usize = 100;

/// Lines wider than this many characters (after escaping) are shown as a window.
pub const WIDE_LINE: usize = 160;

/// The width, in characters, of the window shown of a wide line.
pub const WINDOW: usize = 120;

/// Marks a cut at either end of a windowed line.
const ELLIPSIS: char = '…';

/// Surrounds the view number that stands for a source name in ariadne's headers.
const NAME_MARK: char = '\u{1}';

/// How diagnostics are rendered.
#[derive(Clone, Copy, Debug, Default)]
pub struct RenderOptions {
    /// Whether to emit ANSI colours.
    pub color: bool,
}

/// Clamps a span to its source and to character boundaries, so the renderer never panics.
fn clamp(sources: &Sources, span: Span) -> (usize, usize) {
    let text = sources.text(span.source);
    let start = crate::span::floor_boundary(text, span.start as usize);
    let mut end = (span.end as usize).clamp(start, text.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    (start, end)
}

/// A whole source as ariadne sees it: every line escaped and ended by `\n`.
struct Escaped {
    source: ariadne::Source<String>,
    /// The character offset in the view where each line starts.
    line_starts: Vec<usize>,
}

impl Escaped {
    fn new(sources: &Sources, id: SourceId) -> Escaped {
        let text = sources.text(id);
        let lines = sources.line_count(id);
        let mut view = String::with_capacity(text.len() + 1);
        let mut line_starts = Vec::with_capacity(lines);
        let mut chars = 0;
        for line in 0..lines {
            let (start, end) = sources.line_bounds(id, line);
            let shown = escape_excerpt(&text[start..end]);
            line_starts.push(chars);
            chars += shown.chars().count() + 1;
            view.push_str(&shown);
            view.push('\n');
        }
        Escaped {
            source: ariadne::Source::from(view),
            line_starts,
        }
    }
}

/// Where one end of a label lies in the original source.
#[derive(Clone, Copy, Debug)]
struct Place {
    /// The 0-based line.
    line: usize,
    /// The byte offset from the start of the line, at most the line's content length.
    within: usize,
    /// Whether the end lies past the content, taking in the line terminator.
    past: bool,
}

fn place(sources: &Sources, id: SourceId, offset: usize, end_of: Option<usize>) -> Place {
    // The end of a non-empty span belongs to the line of its last byte.
    let line = match end_of {
        Some(start) if offset > start => sources.line_of(id, offset - 1),
        _ => sources.line_of(id, offset),
    };
    let (start, end) = sources.line_bounds(id, line);
    let within = offset.saturating_sub(start);
    Place {
        line,
        within: within.min(end - start),
        past: end_of.is_some() && within > end - start,
    }
}

/// The width of a character in an excerpt: its escape's length, or one.
fn shown_width(c: char) -> usize {
    if c != '\t' && needs_escape(c) {
        format!("\\u{{{:x}}}", c as u32).len()
    } else {
        1
    }
}

/// One excerpt line as shown, and where the given byte offsets of the original line land in
/// it (in characters, in the order given).
fn show_line(line: &str, points: &[usize]) -> (String, Vec<usize>) {
    let mapped = points
        .iter()
        .map(|&p| line[..p].chars().map(shown_width).sum())
        .collect();
    (escape_excerpt(line).into_owned(), mapped)
}

/// Whether a line is too wide to show whole (wider than [`WIDE_LINE`] once escaped).
fn is_wide(line: &str) -> bool {
    // An escape is wider than the character, so counting characters settles most lines.
    line.len() > WIDE_LINE
        && (line.chars().count() > WIDE_LINE
            || line.chars().map(shown_width).sum::<usize>() > WIDE_LINE)
}

/// A window of about [`WINDOW`] characters of a wide line around the given byte offsets,
/// with `…` where the line was cut, and where the offsets land in it (in characters; an
/// offset outside the window lands on the nearer edge). Only the window is walked, so the
/// cost does not grow with the line.
fn show_window(line: &str, points: &[usize]) -> (String, Vec<usize>) {
    let lo = points.iter().copied().min().unwrap_or(0);
    let hi = points.iter().copied().max().unwrap_or(0);
    let spread = line[lo..hi].chars().take(WINDOW + 1).count();
    let back = if spread + 20 <= WINDOW {
        (WINDOW - spread) / 2
    } else {
        10
    };
    let start = line[..lo]
        .char_indices()
        .rev()
        .take(back)
        .last()
        .map_or(lo, |(i, _)| i);
    let mut shown = String::with_capacity(WINDOW * 2);
    let prefix = usize::from(start > 0);
    if start > 0 {
        shown.push(ELLIPSIS);
    }
    let mut width = 0;
    let mut end = start;
    let mut mapped = vec![None; points.len()];
    for (offset, c) in line[start..].char_indices() {
        let at = start + offset;
        for (k, &p) in points.iter().enumerate() {
            if mapped[k].is_none() && p <= at {
                mapped[k] = Some(width);
            }
        }
        let w = shown_width(c);
        if width + w > WINDOW {
            break;
        }
        if c != '\t' && needs_escape(c) {
            crate::display::escape_char(c, &mut shown);
        } else {
            shown.push(c);
        }
        width += w;
        end = at + c.len_utf8();
    }
    let cut = end < line.len();
    if cut {
        shown.push(ELLIPSIS);
    }
    let mapped = points
        .iter()
        .zip(mapped)
        .map(|(&p, m)| {
            let within = match m {
                Some(m) => m,
                // Past the window: the end of the shown text (the line end, when not cut).
                None if p >= end => width,
                None => 0,
            };
            within + prefix
        })
        .collect();
    (shown, mapped)
}

/// One label to draw.
struct Drawn<'d> {
    source: SourceId,
    start: (usize, Place),
    end: Place,
    message: &'d str,
    color: Color,
    order: i32,
}

/// Renders diagnostics against one set of sources, reusing the escaped views of the
/// sources across diagnostics.
struct Renderer<'a> {
    sources: &'a Sources,
    options: RenderOptions,
    escaped: HashMap<SourceId, Escaped>,
}

/// The views one diagnostic is drawn from, as ariadne's cache; a view is named by its
/// index, which the headers then replace with the source's name.
struct Views<'v> {
    views: Vec<&'v ariadne::Source<String>>,
}

impl ariadne::Cache<usize> for Views<'_> {
    type Storage = String;

    fn fetch(&mut self, id: &usize) -> Result<&ariadne::Source<String>, impl std::fmt::Debug> {
        self.views.get(*id).copied().ok_or("no such view")
    }

    fn display<'b>(&self, id: &'b usize) -> Option<impl std::fmt::Display + 'b> {
        Some(format!("{NAME_MARK}{id}{NAME_MARK}"))
    }
}

/// Escapes each line of a multi-line text (such as a stack-trace note) separately.
fn escape_lines(text: &str) -> String {
    text.split('\n')
        .map(|line| escape_for_display(line).into_owned())
        .collect::<Vec<_>>()
        .join("\n")
}

impl<'a> Renderer<'a> {
    fn new(sources: &'a Sources, options: RenderOptions) -> Renderer<'a> {
        Renderer {
            sources,
            options,
            escaped: HashMap::new(),
        }
    }

    /// A diagnostic without a location: header, help and notes as plain lines.
    fn plain(diagnostic: &Diagnostic) -> String {
        let mut out = String::new();
        let head = match diagnostic.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let message = escape_for_display(&diagnostic.message);
        match &diagnostic.code {
            Some(code) => out.push_str(&format!("{head}[{code}]: {message}\n")),
            None => out.push_str(&format!("{head}: {message}\n")),
        }
        if let Some(help) = &diagnostic.help {
            out.push_str(&format!("help: {}\n", escape_for_display(help)));
        }
        for note in &diagnostic.notes {
            out.push_str(&escape_lines(note));
            out.push('\n');
        }
        out
    }

    fn render(&mut self, diagnostic: &Diagnostic) -> String {
        let Some(primary) = &diagnostic.primary else {
            return Renderer::plain(diagnostic);
        };
        let sources = self.sources;
        let primary_color = match diagnostic.severity {
            Severity::Error => Color::Red,
            Severity::Warning => Color::Yellow,
        };
        let labels = std::iter::once((primary, primary_color))
            .chain(diagnostic.secondary.iter().map(|l| (l, Color::Blue)));
        let mut drawn = Vec::new();
        for (order, (label, color)) in labels.enumerate() {
            let id = label.span.source;
            let (start, end) = clamp(sources, label.span);
            drawn.push(Drawn {
                source: id,
                start: (start, place(sources, id, start, None)),
                end: place(sources, id, end, Some(start)),
                message: &label.message,
                color,
                order: order as i32,
            });
        }
        // One view per source: the shared escaped one, or this diagnostic's own when a
        // labelled line is too wide.
        let mut ids: Vec<SourceId> = drawn.iter().map(|d| d.source).collect();
        ids.sort();
        ids.dedup();
        let mut locals: HashMap<SourceId, Escaped> = HashMap::new();
        // positions[label] = (start, end) in characters of its view.
        let mut positions = vec![(0, 0); drawn.len()];
        for &id in &ids {
            let text = sources.text(id);
            let mut lines: HashMap<usize, Vec<(usize, usize, bool)>> = HashMap::new();
            for (i, d) in drawn.iter().enumerate().filter(|(_, d)| d.source == id) {
                lines
                    .entry(d.start.1.line)
                    .or_default()
                    .push((i, d.start.1.within, false));
                lines
                    .entry(d.end.line)
                    .or_default()
                    .push((i, d.end.within, true));
            }
            let wide = lines.keys().any(|&line| {
                let (start, end) = sources.line_bounds(id, line);
                is_wide(&text[start..end])
            });
            let mut shown_lines: HashMap<usize, (String, Vec<usize>)> = HashMap::new();
            for (&line, points) in &lines {
                let (start, end) = sources.line_bounds(id, line);
                let offsets: Vec<usize> = points.iter().map(|p| p.1).collect();
                let text = &text[start..end];
                let shown = if wide && is_wide(text) {
                    show_window(text, &offsets)
                } else {
                    show_line(text, &offsets)
                };
                shown_lines.insert(line, shown);
            }
            let line_starts: &[usize] = if wide {
                let last = lines.keys().copied().max().unwrap_or(0);
                let mut view = String::new();
                let mut starts = Vec::with_capacity(last + 1);
                let mut chars = 0;
                for line in 0..=last {
                    starts.push(chars);
                    if let Some((shown, _)) = shown_lines.get(&line) {
                        chars += shown.chars().count();
                        view.push_str(shown);
                    }
                    chars += 1;
                    view.push('\n');
                }
                locals.insert(
                    id,
                    Escaped {
                        source: ariadne::Source::from(view),
                        line_starts: starts,
                    },
                );
                &locals[&id].line_starts
            } else {
                &self
                    .escaped
                    .entry(id)
                    .or_insert_with(|| Escaped::new(sources, id))
                    .line_starts
            };
            for (&line, points) in &lines {
                let mapped = &shown_lines[&line].1;
                for (k, &(label, _, is_end)) in points.iter().enumerate() {
                    let base = line_starts.get(line).copied().unwrap_or(0);
                    if is_end {
                        let past = usize::from(drawn[label].end.past);
                        positions[label].1 = base + mapped[k] + past;
                    } else {
                        positions[label].0 = base + mapped[k];
                    }
                }
            }
        }
        for p in &mut positions {
            p.1 = p.1.max(p.0);
        }
        let view_of: HashMap<SourceId, usize> =
            ids.iter().enumerate().map(|(i, &id)| (id, i)).collect();
        // Header positions: (view, line, column) as ariadne computes them from the view,
        // and the real `name:line:column`; the primary label's wins a tie.
        let mut headers: HashMap<(usize, usize, usize), String> = HashMap::new();
        for (i, d) in drawn.iter().enumerate().rev() {
            let view = view_of[&d.source];
            let starts = match locals.get(&d.source) {
                Some(local) => &local.line_starts,
                None => &self.escaped[&d.source].line_starts,
            };
            let line = d.start.1.line;
            let col = positions[i].0 - starts.get(line).copied().unwrap_or(0);
            let (real_line, real_col) = sources.line_col(d.source, d.start.0 as u32);
            headers.insert(
                (view, line + 1, col + 1),
                format!(
                    "{}:{real_line}:{real_col}",
                    escape_for_display(sources.name(d.source))
                ),
            );
        }
        let views = Views {
            views: ids
                .iter()
                .map(|id| match locals.get(id) {
                    Some(local) => &local.source,
                    None => &self.escaped[id].source,
                })
                .collect(),
        };
        let kind = match diagnostic.severity {
            Severity::Error => ReportKind::Error,
            Severity::Warning => ReportKind::Warning,
        };
        let config = Config::default()
            .with_index_type(IndexType::Char)
            .with_color(self.options.color);
        let span_of = |i: usize| (view_of[&drawn[i].source], positions[i].0..positions[i].1);
        let message = escape_for_display(&diagnostic.message);
        let mut report = Report::build(kind, span_of(0))
            .with_config(config)
            .with_message(&message);
        if let Some(code) = &diagnostic.code {
            report = report.with_code(code);
        }
        for (i, d) in drawn.iter().enumerate() {
            let mut label = Label::new(span_of(i))
                .with_color(d.color)
                .with_order(d.order);
            if !d.message.is_empty() {
                label = label.with_message(escape_for_display(d.message));
            }
            report = report.with_label(label);
        }
        if let Some(help) = &diagnostic.help {
            report = report.with_help(escape_for_display(help));
        }
        for note in &diagnostic.notes {
            report = report.with_note(escape_lines(note));
        }
        let mut out = Vec::new();
        if report.finish().write(views, &mut out).is_err() {
            return format!("error: {message}\n");
        }
        let names: Vec<String> = ids
            .iter()
            .map(|&id| escape_for_display(sources.name(id)).into_owned())
            .collect();
        fix_headers(&String::from_utf8_lossy(&out), &headers, &names)
    }
}

/// Replaces each `NAME_MARK view NAME_MARK:line:column` that ariadne wrote with the source's
/// name and the real position.
/// A position not found keeps ariadne's numbers, after the source's name.
fn fix_headers(
    text: &str,
    headers: &HashMap<(usize, usize, usize), String>,
    names: &[String],
) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find(NAME_MARK) {
        out.push_str(&rest[..open]);
        let after = &rest[open + NAME_MARK.len_utf8()..];
        let Some(close) = after.find(NAME_MARK) else {
            rest = after;
            continue;
        };
        let view = after[..close].parse::<usize>().unwrap_or(usize::MAX);
        let tail = &after[close + NAME_MARK.len_utf8()..];
        let digits = |s: &str| s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
        let mut position = None;
        if let Some(numbers) = tail.strip_prefix(':') {
            let n1 = digits(numbers);
            if let Some(more) = numbers[n1..].strip_prefix(':') {
                let n2 = digits(more);
                if let (Ok(line), Ok(col)) = (numbers[..n1].parse(), more[..n2].parse()) {
                    position = Some(((line, col), 1 + n1 + 1 + n2));
                }
            }
        }
        match position
            .and_then(|((line, col), len)| headers.get(&(view, line, col)).map(|real| (real, len)))
        {
            Some((real, len)) => {
                out.push_str(real);
                rest = &tail[len..];
            }
            None => {
                out.push_str(names.get(view).map_or("<unknown>", String::as_str));
                rest = tail;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Renders one diagnostic to a string (ending in a newline).
pub fn render(diagnostic: &Diagnostic, sources: &Sources, options: RenderOptions) -> String {
    Renderer::new(sources, options).render(diagnostic)
}

/// Renders several diagnostics, one after the other: at most [`MAX_RENDERED`] of them
/// (errors before warnings when they must be chosen, shown in their order), then a last line
/// that counts the rest, such as `and 15900 more errors (only the first 100 are shown)`.
pub fn render_all(diagnostics: &[Diagnostic], sources: &Sources, options: RenderOptions) -> String {
    let mut shown: Vec<usize> = if diagnostics.len() <= MAX_RENDERED {
        (0..diagnostics.len()).collect()
    } else {
        let errors = (0..diagnostics.len()).filter(|&i| diagnostics[i].is_error());
        let warnings = (0..diagnostics.len()).filter(|&i| !diagnostics[i].is_error());
        errors.chain(warnings).take(MAX_RENDERED).collect()
    };
    shown.sort_unstable();
    let mut renderer = Renderer::new(sources, options);
    let mut out: String = shown
        .iter()
        .map(|&i| renderer.render(&diagnostics[i]))
        .collect();
    let hidden_errors = diagnostics.iter().filter(|d| d.is_error()).count()
        - shown.iter().filter(|&&i| diagnostics[i].is_error()).count();
    let hidden_warnings = diagnostics.len() - shown.len() - hidden_errors;
    if shown.len() < diagnostics.len() {
        let count = |n: usize, what: &str| match n {
            1 => format!("1 more {what}"),
            n => format!("{n} more {what}s"),
        };
        let mut parts = Vec::new();
        if hidden_errors > 0 {
            parts.push(count(hidden_errors, "error"));
        }
        if hidden_warnings > 0 {
            parts.push(count(hidden_warnings, "warning"));
        }
        out.push_str(&format!(
            "and {} (only the first {MAX_RENDERED} are shown)\n",
            parts.join(" and ")
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error_at(id: SourceId, start: usize, end: usize) -> Diagnostic {
        Diagnostic::error(
            "E0300",
            "mismatched types",
            Span::new(id, start, end),
            "here",
        )
    }

    #[test]
    fn line_col_counts_lone_cr_crlf_and_lf_as_line_ends() {
        let mut sources = Sources::new();
        let id = sources.add("t.pbs", "a\rb\r\nc\nd");
        assert_eq!(sources.line_col(id, 2), (2, 1));
        assert_eq!(sources.line_col(id, 5), (3, 1));
        assert_eq!(sources.line_col(id, 7), (4, 1));
        assert_eq!(sources.line_bounds(id, 1), (2, 3));
    }

    #[test]
    fn a_leading_byte_order_mark_is_neither_shown_nor_counted() {
        let mut sources = Sources::new();
        let id = sources.add("t.pbs", "\u{feff}let x");
        assert_eq!(sources.line_col(id, 3), (1, 1));
        assert_eq!(sources.line_col(id, 0), (1, 1));
        let out = render(&error_at(id, 7, 8), &sources, RenderOptions::default());
        assert!(
            out.contains("t.pbs:1:5 ]") && out.contains(" 1 │ let x\n"),
            "{out}"
        );
    }

    #[test]
    fn render_all_prefers_errors_and_counts_what_it_leaves_out() {
        let mut sources = Sources::new();
        let id = sources.add("t.pbs", "let x = 1;\n".repeat(300));
        let mut diagnostics = Vec::new();
        for line in 0..150 {
            let start = line * 11;
            diagnostics.push(Diagnostic::warning(
                "W0001",
                "unreachable code",
                Span::new(id, start, start + 3),
                "",
            ));
            diagnostics.push(error_at(id, start + 4, start + 5));
        }
        let out = render_all(&diagnostics, &sources, RenderOptions::default());
        assert_eq!(out.matches("[E0300]").count(), 100);
        assert_eq!(out.matches("[W0001]").count(), 0);
        assert!(
            out.ends_with(
                "and 50 more errors and 150 more warnings (only the first 100 are shown)\n"
            ),
            "{out}"
        );
    }

    #[test]
    fn names_and_notes_from_files_are_escaped() {
        let mut sources = Sources::new();
        let id = sources.add("evil\u{202e}.pbs", "x\n");
        let d = error_at(id, 0, 1).with_note("at f\u{1b}[2J (evil.pbs:1:1)\nat main");
        let out = render(&d, &sources, RenderOptions::default());
        assert!(out.contains("evil\\u{202e}.pbs:1:1"), "{out}");
        assert!(out.contains("at f\\u{1b}[2J (evil.pbs:1:1)"), "{out}");
        assert!(
            !out.contains('\u{1b}') && !out.contains('\u{202e}'),
            "{out}"
        );
    }

    #[test]
    fn any_span_on_awkward_text_renders_without_panicking() {
        let texts = [
            "a\rb\r\nc\n\nd",
            "\u{feff}é\u{202e}x\t\u{1b}y\u{2028}z\u{0b}w",
            "",
            "\n\r",
        ];
        for text in texts {
            let wide = format!("{text}{}{text}", "é ".repeat(200));
            for text in [text.to_string(), wide] {
                let mut sources = Sources::new();
                let id = sources.add("t\u{202e}.pbs", text.as_str());
                let len = text.len() + 2;
                let step = (len / 12).max(1);
                for start in (0..len).step_by(step) {
                    for end in (0..len).step_by(step) {
                        let d =
                            error_at(id, start, end).with_label(Span::new(id, end, start), "other");
                        for color in [false, true] {
                            let out = render(&d, &sources, RenderOptions { color });
                            assert!(out.contains("t\\u{202e}.pbs:"), "{out}");
                            assert!(!out.contains(NAME_MARK), "{out}");
                        }
                    }
                }
            }
        }
    }
}
