//! Build-time conversion of assets: the PNG files of `declare bank` become RGB565 images cut
//! into tiles, the TMX files of `declare map` become layers of tile indices, and the WAV files
//! of `declare sound` become 48 kHz mono 16-bit samples.
//!
//! The compiler does no I/O: the caller gives it an [`AssetReader`] through
//! [`crate::CompileOptions`], which reads a file by the path written in the source (relative
//! to the source file; the command line resolves it, tests serve files from memory). Each
//! distinct file is read and stored once, however many declarations name it. Problems are
//! [`AssetError`]s with stable codes (E0700–E0709, E0710–E0714 for sounds), reported with the checker's errors.

mod image;
mod sound;
mod tmx;

use crate::ast::{Item, Module};
use prometeu_bytecode::{Assets, BankDecl};
use prometeu_lexer::{Diagnostic, Span};
use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

/// Why an asset file could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReadError {
    /// There is no such file.
    NotFound,
    /// The file is larger than the reader accepts.
    TooLarge {
        /// The largest size accepted, in bytes.
        limit: u64,
    },
    /// Any other failure, described.
    Other(String),
}

/// Reads asset files by the path written in the source.
pub trait AssetSource {
    /// The bytes of the file at `path` (a relative path with `/` separators, normalized:
    /// no `.` components and no `..` after a name).
    fn read(&self, path: &str) -> Result<Vec<u8>, ReadError>;
}

impl<F> AssetSource for F
where
    F: Fn(&str) -> Result<Vec<u8>, ReadError>,
{
    fn read(&self, path: &str) -> Result<Vec<u8>, ReadError> {
        self(path)
    }
}

/// A shared [`AssetSource`], as carried by [`crate::CompileOptions`].
#[derive(Clone)]
pub struct AssetReader(pub Arc<dyn AssetSource + Send + Sync>);

impl AssetReader {
    /// Wraps a source.
    pub fn new(source: impl AssetSource + Send + Sync + 'static) -> AssetReader {
        AssetReader(Arc::new(source))
    }
}

impl fmt::Debug for AssetReader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AssetReader")
    }
}

/// An asset that could not be used, with the place in the source that names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AssetError {
    /// The stable code.
    pub code: &'static str,
    /// The message.
    pub message: String,
    /// Where the fix is needed (usually the path or the tile size).
    pub span: Span,
    /// The primary label.
    pub label: String,
    /// Secondary labels.
    pub secondary: Vec<(Span, String)>,
    /// A help line.
    pub help: Option<String>,
}

impl AssetError {
    /// An error.
    pub(crate) fn new(
        code: &'static str,
        message: impl Into<String>,
        span: Span,
        label: impl Into<String>,
    ) -> AssetError {
        AssetError {
            code,
            message: message.into(),
            span,
            label: label.into(),
            secondary: Vec::new(),
            help: None,
        }
    }

    /// Adds a help line.
    pub(crate) fn with_help(mut self, help: impl Into<String>) -> AssetError {
        self.help = Some(help.into());
        self
    }

    /// Adds a secondary label.
    pub(crate) fn with_label(mut self, span: Span, label: impl Into<String>) -> AssetError {
        self.secondary.push((span, label.into()));
        self
    }

    /// Converts the error into a renderable diagnostic.
    pub fn to_diagnostic(&self) -> Diagnostic {
        let mut d = Diagnostic::error(self.code, &self.message, self.span, &self.label);
        for (span, label) in &self.secondary {
            d = d.with_label(*span, label);
        }
        d.help = self.help.clone();
        d
    }
}

/// The converted assets of a module and how its declarations refer to them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Declared {
    /// What the program will carry.
    pub assets: Assets,
    /// For each `declare map`, in source order, the index of its map in `assets.maps`.
    pub map_files: Vec<u32>,
    /// For each `declare sound`, in source order, the index of its sound in `assets.sounds`
    /// (`u32::MAX` when the file could not be converted).
    pub sound_files: Vec<u32>,
}

/// Normalizes a relative asset path: `\` becomes `/`, `.` components go, `name/..` pairs
/// cancel. `None` for an absolute path or an empty one.
pub fn normalize(path: &str) -> Option<String> {
    let path = path.replace('\\', "/");
    if path.starts_with('/') || path.contains(':') {
        return None;
    }
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." if parts.last().is_some_and(|p| *p != "..") => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    (!parts.is_empty()).then(|| parts.join("/"))
}

/// Reads one asset file, turning a failure into the error for the declaration.
pub(crate) fn read(
    reader: &dyn AssetSource,
    path: &str,
    written: &str,
    span: Span,
) -> Result<Vec<u8>, Box<AssetError>> {
    reader.read(path).map_err(|e| {
        Box::new(match e {
            ReadError::NotFound => AssetError::new(
                "E0700",
                format!("cannot find asset file `{written}`"),
                span,
                "no such file",
            )
            .with_help(
                "asset paths are relative to the source file; check the name and the folder",
            ),
            ReadError::TooLarge { limit } => AssetError::new(
                "E0701",
                format!(
                    "asset file `{written}` is larger than the {limit} bytes an asset may have"
                ),
                span,
                "too large",
            ),
            ReadError::Other(why) => AssetError::new(
                "E0701",
                format!("cannot read asset file `{written}`: {why}"),
                span,
                "cannot be read",
            ),
        })
    })
}

/// Reads and converts every asset a module declares.
pub fn convert(module: &Module, reader: Option<&dyn AssetSource>) -> (Declared, Vec<AssetError>) {
    let mut out = Declared::default();
    let mut errors = Vec::new();
    // Normalized path → image index (or `None` after a failure, so it is reported once).
    let mut images: HashMap<String, Option<u32>> = HashMap::new();
    let mut maps: HashMap<String, Option<u32>> = HashMap::new();
    // Banks by normalized image path, for checking maps against them.
    let mut bank_paths: Vec<(String, usize, Span)> = Vec::new();
    for item in &module.items {
        let Item::Bank {
            name, path, tile, ..
        } = item
        else {
            continue;
        };
        let placeholder = BankDecl {
            name: name.name.to_string(),
            image: u32::MAX,
            tile: 0,
        };
        out.assets.banks.push(placeholder);
        let Some(tile_size) = image::tile_size(tile.0, tile.1, &mut errors) else {
            continue;
        };
        let Some((key, reader)) = locate(reader, &path.0, path.1, "bank", &mut errors) else {
            continue;
        };
        let index = match images.get(&key) {
            Some(done) => *done,
            None => {
                let converted = read(reader, &key, &path.0, path.1)
                    .and_then(|bytes| image::convert(&bytes, &path.0, path.1));
                let index = match converted {
                    Ok(image) => {
                        out.assets.images.push(image);
                        Some(out.assets.images.len() as u32 - 1)
                    }
                    Err(e) => {
                        errors.push(*e);
                        None
                    }
                };
                images.insert(key.clone(), index);
                index
            }
        };
        let Some(index) = index else { continue };
        let image = &out.assets.images[index as usize];
        if let Err(e) = image::check_tiles(image, tile_size, &path.0, path.1, tile.1) {
            errors.push(*e);
            continue;
        }
        let bank = out.assets.banks.len() - 1;
        out.assets.banks[bank] = BankDecl {
            name: name.name.to_string(),
            image: index,
            tile: tile_size,
        };
        bank_paths.push((key, bank, item_span(item)));
    }
    for item in &module.items {
        let Item::Map { path, .. } = item else {
            continue;
        };
        out.map_files.push(u32::MAX);
        let Some((key, reader)) = locate(reader, &path.0, path.1, "map", &mut errors) else {
            continue;
        };
        let index = match maps.get(&key) {
            Some(done) => *done,
            None => {
                let converted = tmx::convert(reader, &key, &path.0, path.1).and_then(|c| {
                    tmx::check_banks(&c, &out.assets, &bank_paths, &path.0, path.1)?;
                    Ok(c.map)
                });
                let index = match converted {
                    Ok(map) => {
                        out.assets.maps.push(map);
                        Some(out.assets.maps.len() as u32 - 1)
                    }
                    Err(e) => {
                        errors.push(*e);
                        None
                    }
                };
                maps.insert(key, index);
                index
            }
        };
        if let (Some(index), Some(last)) = (index, out.map_files.last_mut()) {
            *last = index;
        }
    }
    sounds(module, reader, &mut out, &mut errors);
    (out, errors)
}

/// Reads and converts the files of every `declare sound`, each distinct file once, and checks
/// the count and total length against the program's limits.
fn sounds(
    module: &Module,
    reader: Option<&dyn AssetSource>,
    out: &mut Declared,
    errors: &mut Vec<AssetError>,
) {
    use prometeu_bytecode::assets::{MAX_SOUNDS, MAX_TOTAL_SOUND_SAMPLES};
    let mut done: HashMap<String, Option<u32>> = HashMap::new();
    let mut total = 0usize;
    for item in &module.items {
        let Item::Sound { path, .. } = item else {
            continue;
        };
        out.sound_files.push(u32::MAX);
        let Some((key, reader)) = locate(reader, &path.0, path.1, "sound", errors) else {
            continue;
        };
        let index = match done.get(&key) {
            Some(index) => *index,
            None => {
                let converted = read(reader, &key, &path.0, path.1)
                    .and_then(|bytes| sound::convert(&bytes, &path.0, path.1))
                    .and_then(|sound| {
                        if out.assets.sounds.len() == MAX_SOUNDS {
                            return Err(Box::new(AssetError::new(
                                "E0714",
                                format!("`{}` would be sound number {}; a program may have at most {MAX_SOUNDS} sound files", path.0, MAX_SOUNDS + 1),
                                path.1,
                                "one sound too many",
                            ).with_help("reuse a file for several declarations, or combine short sounds into one")));
                        }
                        if total + sound.samples.len() > MAX_TOTAL_SOUND_SAMPLES {
                            return Err(Box::new(AssetError::new(
                                "E0714",
                                format!("with `{}` the sounds hold {} samples together; a program may hold at most {MAX_TOTAL_SOUND_SAMPLES} (about {} seconds at 48 kHz)", path.0, total + sound.samples.len(), MAX_TOTAL_SOUND_SAMPLES / 48_000),
                                path.1,
                                "too much sound in total",
                            ).with_help("shorten some sounds or leave some out")));
                        }
                        Ok(sound)
                    });
                let index = match converted {
                    Ok(sound) => {
                        total += sound.samples.len();
                        out.assets.sounds.push(sound);
                        Some(out.assets.sounds.len() as u32 - 1)
                    }
                    Err(e) => {
                        errors.push(*e);
                        None
                    }
                };
                done.insert(key, index);
                index
            }
        };
        if let (Some(index), Some(last)) = (index, out.sound_files.last_mut()) {
            *last = index;
        }
    }
}

/// The span of a bank declaration.
fn item_span(item: &Item) -> Span {
    match item {
        Item::Bank { span, .. } | Item::Map { span, .. } => *span,
        _ => Span::default(),
    }
}

/// The normalized path of a declaration's file and the reader to read it with, or the error
/// for a path that cannot name a file or a compilation without a reader.
fn locate<'r>(
    reader: Option<&'r dyn AssetSource>,
    written: &str,
    span: Span,
    what: &str,
    errors: &mut Vec<AssetError>,
) -> Option<(String, &'r dyn AssetSource)> {
    let Some(reader) = reader else {
        errors.push(
            AssetError::new(
                "E0709",
                format!("`declare {what}` needs asset files, which cannot be read here"),
                span,
                "no asset files in this compilation",
            )
            .with_help("assets are available when compiling a source file (`prometeuc run`, `build`, `check`, `test`)"),
        );
        return None;
    };
    match normalize(written) {
        Some(key) => Some((key, reader)),
        None => {
            errors.push(
                AssetError::new(
                    "E0700",
                    format!("asset path `{written}` does not name a file relative to the source"),
                    span,
                    "not a relative path",
                )
                .with_help(
                    "write the path relative to the source file, such as \"assets/tiles.png\"",
                ),
            );
            None
        }
    }
}

#[cfg(test)]
mod tests;
