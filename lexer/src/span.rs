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

/// One registered source text with its display name.
#[derive(Clone, Debug)]
struct SourceFile {
    name: String,
    text: String,
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

    /// Registers a source text under a display name and returns its id.
    pub fn add(&mut self, name: impl Into<String>, text: impl Into<String>) -> SourceId {
        self.files.push(SourceFile {
            name: name.into(),
            text: text.into(),
        });
        SourceId(self.files.len() as u32 - 1)
    }

    /// The display name of a source.
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

    /// The 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, id: SourceId, offset: u32) -> (usize, usize) {
        let text = self.text(id);
        let mut offset = (offset as usize).min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let before = &text[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let col = before[line_start..].chars().count() + 1;
        (line, col)
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
