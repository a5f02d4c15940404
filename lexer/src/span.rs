//! Byte-offset spans and the registry of source texts they point into.

use std::fmt;

/// Identifies one source text registered in a [`Sources`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct SourceId(pub u32);

/// A half-open byte range `start..end` inside one source text.
///
/// Spans always lie on UTF-8 character boundaries of their source.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct Span {
    /// The source the range belongs to.
    pub source: SourceId,
    /// The first byte of the range.
    pub start: u32,
    /// One past the last byte of the range.
    pub end: u32,
}

impl Span {
    /// Builds a span from a source and byte offsets.
    pub fn new(source: SourceId, start: usize, end: usize) -> Span {
        Span {
            source,
            start: start as u32,
            end: end as u32,
        }
    }

    /// The smallest span that covers both `self` and `other`.
    pub fn to(self, other: Span) -> Span {
        Span {
            source: self.source,
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    /// An empty span at the end of `self`.
    pub fn end_point(self) -> Span {
        Span {
            source: self.source,
            start: self.end,
            end: self.end,
        }
    }

    /// The byte range as a `Range<usize>`.
    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.start, self.end)
    }
}

/// One registered source text with its display name and the start of each of its lines.
#[derive(Clone, Debug)]
struct SourceFile {
    name: String,
    text: String,
    /// The byte offset where each line starts; the first is 0.
    line_starts: Vec<u32>,
}

/// The byte offsets where the lines of `text` start. A line ends at `\n`, at `\r\n` and at
/// a `\r` not followed by `\n`; the lexer, the renderer and every position follow this rule.
fn line_starts(text: &str) -> Vec<u32> {
    let bytes = text.as_bytes();
    let mut starts = vec![0u32];
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => starts.push(i as u32 + 1),
            b'\r' if bytes.get(i + 1) == Some(&b'\n') => {
                starts.push(i as u32 + 2);
                i += 1;
            }
            b'\r' => starts.push(i as u32 + 1),
            _ => {}
        }
        i += 1;
    }
    starts
}

/// The registry of source texts that spans point into.
#[derive(Clone, Debug, Default)]
pub struct Sources {
    files: Vec<SourceFile>,
}

impl Sources {
    /// An empty registry.
    pub fn new() -> Sources {
        Sources::default()
    }

    /// Registers a source text under a display name and returns its id. Its lines are
    /// indexed once, here.
    pub fn add(&mut self, name: impl Into<String>, text: impl Into<String>) -> SourceId {
        let text = text.into();
        self.files.push(SourceFile {
            name: name.into(),
            line_starts: line_starts(&text),
            text,
        });
        SourceId(self.files.len() as u32 - 1)
    }

    /// The display name of a source, as registered (see
    /// [`escape_for_display`](crate::escape_for_display) before showing it).
    pub fn name(&self, id: SourceId) -> &str {
        self.files
            .get(id.0 as usize)
            .map_or("<unknown>", |f| f.name.as_str())
    }

    /// The text of a source.
    pub fn text(&self, id: SourceId) -> &str {
        self.files
            .get(id.0 as usize)
            .map_or("", |f| f.text.as_str())
    }

    /// The 1-based line and column (in characters) of a byte offset. Lines end at `\n`,
    /// `\r\n` and a lone `\r`.
    pub fn line_col(&self, id: SourceId, offset: u32) -> (usize, usize) {
        let text = self.text(id);
        let offset = floor_boundary(text, offset as usize);
        let line = self.line_of(id, offset);
        let start = self.line_bounds(id, line).0.min(offset);
        let col = text[start..offset].chars().count() + 1;
        (line + 1, col)
    }

    /// The 0-based line that contains a byte offset (an offset inside a line terminator
    /// belongs to the line it ends).
    pub(crate) fn line_of(&self, id: SourceId, offset: usize) -> usize {
        let Some(file) = self.files.get(id.0 as usize) else {
            return 0;
        };
        file.line_starts
            .partition_point(|&start| start as usize <= offset)
            .saturating_sub(1)
    }

    /// How many lines a source has (an empty text has one).
    pub(crate) fn line_count(&self, id: SourceId) -> usize {
        self.files
            .get(id.0 as usize)
            .map_or(1, |f| f.line_starts.len())
    }

    /// The byte range of a 0-based line's content, without its terminator (and, for the
    /// first line, without a leading byte order mark, which the lexer skips too).
    pub(crate) fn line_bounds(&self, id: SourceId, line: usize) -> (usize, usize) {
        let Some(file) = self.files.get(id.0 as usize) else {
            return (0, 0);
        };
        let text = file.text.as_bytes();
        let mut start = file
            .line_starts
            .get(line)
            .map_or(text.len(), |&s| s as usize);
        if line == 0 && file.text.starts_with('\u{FEFF}') {
            start = '\u{FEFF}'.len_utf8();
        }
        let end = match file.line_starts.get(line + 1) {
            // A line followed by another ends with its terminator: `\r\n`, `\n` or `\r`.
            Some(&next) => {
                let next = next as usize;
                if next >= start + 2 && &text[next - 2..next] == b"\r\n" {
                    next - 2
                } else {
                    next - 1
                }
            }
            None => text.len(),
        };
        (start, end)
    }

    /// How many sources are registered.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// Whether no source is registered.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

/// The largest character boundary of `text` at or before `offset` (clamped to its length).
pub(crate) fn floor_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}
