//! The `.pbc` binary format: encoding a [`Program`] to bytes and decoding bytes back.
//!
//! The layout is documented in `docs/bytecode.md`. Decoding never panics and never
//! allocates more than a bound proportional to the input's length.

use crate::assets::{Assets, BankDecl, Image, MapAsset, SoundAsset};
use std::sync::Arc;

use crate::{
    Constant, Entry, Function, HostSig, HostType, LoadError, LoadErrorKind, Program, SourceInfo,
    SpanRun, StructDecl,
};

/// The four bytes every `.pbc` file starts with.
pub const MAGIC: [u8; 4] = *b"PBC\x1a";

/// The format version this crate writes and reads.
pub const FORMAT_VERSION: u16 = 4;

/// Header flag: the file carries the source text.
pub const FLAG_SOURCE_TEXT: u16 = 1;

/// Header flag: the file carries an assets section (before the debug information).
pub const FLAG_ASSETS: u16 = 2;

/// Header flag: the assets section ends with a table of sounds (set only with [`FLAG_ASSETS`]).
pub const FLAG_SOUNDS: u16 = 4;

/// The value that stands for "no function" in the entry section.
const NONE: u32 = u32::MAX;

/// Appends primitive values to a byte buffer.
pub(crate) struct Writer {
    out: Vec<u8>,
}

impl Writer {
    pub(crate) fn u8(&mut self, v: u8) {
        self.out.push(v);
    }
    pub(crate) fn u16(&mut self, v: u16) {
        self.out.extend_from_slice(&v.to_le_bytes());
    }
    pub(crate) fn u32(&mut self, v: u32) {
        self.out.extend_from_slice(&v.to_le_bytes());
    }
    pub(crate) fn u64(&mut self, v: u64) {
        self.out.extend_from_slice(&v.to_le_bytes());
    }
    pub(crate) fn bytes(&mut self, b: &[u8]) {
        self.u32(b.len() as u32);
        self.out.extend_from_slice(b);
    }
    /// Writes a section: its length, then what `body` writes.
    fn section(&mut self, body: impl FnOnce(&mut Writer)) {
        let at = self.out.len();
        self.u32(0);
        body(self);
        let len = (self.out.len() - at - 4) as u32;
        self.out[at..at + 4].copy_from_slice(&len.to_le_bytes());
    }
}

/// Encodes a program; the same program always gives the same bytes.
pub fn encode(program: &Program) -> Vec<u8> {
    let mut w = Writer { out: Vec::new() };
    w.out.extend_from_slice(&MAGIC);
    w.u16(FORMAT_VERSION);
    let mut flags = 0;
    if program.source_text.is_some() {
        flags |= FLAG_SOURCE_TEXT;
    }
    if !program.assets.is_empty() {
        flags |= FLAG_ASSETS;
    }
    if !program.assets.sounds.is_empty() {
        flags |= FLAG_SOUNDS;
    }
    w.u16(flags);
    w.section(|w| {
        w.u32(program.strings.len() as u32);
        for s in &program.strings {
            w.bytes(s.as_bytes());
        }
    });
    w.section(|w| {
        w.u32(program.constants.len() as u32);
        for c in &program.constants {
            match *c {
                Constant::Int(v) => {
                    w.u8(0);
                    w.u64(v as u64);
                }
                Constant::Float(bits) => {
                    w.u8(1);
                    w.u64(bits);
                }
                Constant::Str(index) => {
                    w.u8(2);
                    w.u32(index);
                }
            }
        }
    });
    w.section(|w| {
        w.u32(program.hosts.len() as u32);
        for h in &program.hosts {
            w.bytes(h.name.as_bytes());
            w.u8(h.params.len() as u8);
            for p in &h.params {
                w.u8(p.to_byte());
            }
            w.u8(h.result.to_byte());
        }
    });
    w.section(|w| {
        w.u32(program.structs.len() as u32);
        for st in &program.structs {
            w.bytes(st.name.as_bytes());
            w.u32(st.fields.len() as u32);
            for (i, f) in st.fields.iter().enumerate() {
                w.bytes(f.as_bytes());
                w.u64(st.optional_shapes.get(i).copied().unwrap_or(0));
            }
        }
    });
    w.section(|w| crate::enums::encode(w, &program.enums));
    w.section(|w| crate::contracts::encode(w, &program.contracts));
    w.section(|w| {
        w.u32(program.globals.len() as u32);
        for &g in &program.globals {
            w.u32(g);
        }
        w.u32(program.global_sites.len() as u32);
        for &s in &program.global_sites {
            w.u32(s);
        }
    });
    w.section(|w| {
        w.u32(program.functions.len() as u32);
        for f in &program.functions {
            w.bytes(f.name.as_bytes());
            w.u16(f.params);
            w.u16(f.locals);
            w.u16(f.max_stack);
            w.bytes(&f.code);
            w.u32(f.spans.len() as u32);
            for run in &f.spans {
                w.u32(run.pc);
                w.u32(run.start);
                w.u32(run.end);
            }
        }
    });
    w.section(|w| {
        let e = &program.entry;
        w.u32(e.globals_init);
        for f in [e.main, e.init, e.frame] {
            w.u32(f.unwrap_or(NONE));
        }
    });
    if !program.assets.is_empty() {
        w.section(|w| encode_assets(w, &program.assets));
    }
    w.section(|w| {
        w.bytes(program.source_name.as_bytes());
        if let Some(text) = &program.source_text {
            w.bytes(text.as_bytes());
        }
        // The other source files, then each function's file index.
        w.u32(program.files.len() as u32);
        for file in &program.files {
            w.bytes(file.name.as_bytes());
            if program.source_text.is_some() {
                w.bytes(file.text.as_deref().unwrap_or("").as_bytes());
            }
        }
        w.u32(program.functions.len() as u32);
        for f in &program.functions {
            w.u32(f.file);
        }
    });
    w.out
}

/// Writes the body of the assets section.
fn encode_assets(w: &mut Writer, assets: &Assets) {
    w.u32(assets.images.len() as u32);
    for image in &assets.images {
        w.bytes(image.name.as_bytes());
        w.u16(image.width);
        w.u16(image.height);
        for &p in &image.pixels {
            w.u16(p);
        }
    }
    w.u32(assets.banks.len() as u32);
    for bank in &assets.banks {
        w.bytes(bank.name.as_bytes());
        w.u32(bank.image);
        w.u8(bank.tile);
    }
    w.u32(assets.maps.len() as u32);
    for map in &assets.maps {
        w.bytes(map.name.as_bytes());
        w.u16(map.width);
        w.u16(map.height);
        w.u16(map.layers);
        for &c in &map.cells {
            w.u16(c as u16);
        }
    }
    if !assets.sounds.is_empty() {
        w.u32(assets.sounds.len() as u32);
        for sound in &assets.sounds {
            w.bytes(sound.name.as_bytes());
            w.u32(sound.samples.len() as u32);
            for &s in sound.samples.iter() {
                w.u16(s as u16);
            }
        }
    }
}

/// Reads the body of the assets section; every count is checked against the remaining input
/// before anything is allocated.
fn decode_assets(r: &mut Reader<'_>, sounds: bool) -> Result<Assets, LoadError> {
    let n = r.count(8)?;
    let mut images = Vec::new();
    for _ in 0..n {
        let name = r.string()?;
        let width = r.u16()?;
        let height = r.u16()?;
        let len = usize::from(width) * usize::from(height);
        let data = r.take(len * 2)?;
        let pixels = data
            .chunks_exact(2)
            .map(|b| u16::from_le_bytes([b[0], b[1]]))
            .collect();
        images.push(Image {
            name,
            width,
            height,
            pixels,
        });
    }
    let n = r.count(9)?;
    let mut banks = Vec::new();
    for _ in 0..n {
        banks.push(BankDecl {
            name: r.string()?,
            image: r.u32()?,
            tile: r.u8()?,
        });
    }
    let n = r.count(10)?;
    let mut maps = Vec::new();
    for _ in 0..n {
        let name = r.string()?;
        let width = r.u16()?;
        let height = r.u16()?;
        let layers = r.u16()?;
        let len = usize::from(width) * usize::from(height) * usize::from(layers);
        let data = r.take(len.saturating_mul(2))?;
        let cells = data
            .chunks_exact(2)
            .map(|b| i16::from_le_bytes([b[0], b[1]]))
            .collect();
        maps.push(MapAsset {
            name,
            width,
            height,
            layers,
            cells,
        });
    }
    let sounds = if sounds {
        decode_sounds(r)?
    } else {
        Vec::new()
    };
    let assets = Assets {
        images,
        banks,
        maps,
        sounds,
    };
    let at = r.pos;
    assets.validate().map_err(|e| LoadError::new(at, e.kind))?;
    Ok(assets)
}

/// Reads the sounds table at the end of the assets section: a count, then per sound its
/// name, its sample count and the samples. The count and every length are checked against
/// the limits and the remaining input before anything is allocated.
fn decode_sounds(r: &mut Reader<'_>) -> Result<Vec<SoundAsset>, LoadError> {
    let at = r.pos;
    let n = r.count(8)?;
    if n == 0 || n > crate::assets::MAX_SOUNDS {
        return Err(LoadError::new(
            at,
            LoadErrorKind::BadAsset(format!(
                "the sounds table holds {n} sounds, outside 1..={}",
                crate::assets::MAX_SOUNDS
            )),
        ));
    }
    let mut sounds = Vec::new();
    for _ in 0..n {
        let name = r.string()?;
        let at = r.pos;
        let len = r.u32()? as usize;
        if len == 0 || len > crate::assets::MAX_SOUND_SAMPLES {
            return Err(LoadError::new(
                at,
                LoadErrorKind::BadAsset(format!(
                    "sound `{name}` has {len} samples, outside 1..={}",
                    crate::assets::MAX_SOUND_SAMPLES
                )),
            ));
        }
        let data = r.take(len * 2)?;
        let samples: Arc<[i16]> = data
            .chunks_exact(2)
            .map(|b| i16::from_le_bytes([b[0], b[1]]))
            .collect();
        sounds.push(SoundAsset { name, samples });
    }
    Ok(sounds)
}

/// Reads primitive values from untrusted bytes, tracking the offset for errors.
pub(crate) struct Reader<'a> {
    bytes: &'a [u8],
    pub(crate) pos: usize,
    what: &'static str,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], LoadError> {
        if self.bytes.len() - self.pos < n {
            return Err(LoadError::new(
                self.bytes.len(),
                LoadErrorKind::Truncated(self.what),
            ));
        }
        let slice = &self.bytes[self.pos..self.pos + n];
        self.pos += n;
        Ok(slice)
    }
    pub(crate) fn u8(&mut self) -> Result<u8, LoadError> {
        Ok(self.take(1)?[0])
    }
    pub(crate) fn u16(&mut self) -> Result<u16, LoadError> {
        let b = self.take(2)?;
        Ok(u16::from_le_bytes([b[0], b[1]]))
    }
    pub(crate) fn u32(&mut self) -> Result<u32, LoadError> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
    pub(crate) fn u64(&mut self) -> Result<u64, LoadError> {
        let b = self.take(8)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(b);
        Ok(u64::from_le_bytes(a))
    }
    pub(crate) fn bytes(&mut self) -> Result<&'a [u8], LoadError> {
        let len = self.u32()? as usize;
        self.take(len)
    }
    pub(crate) fn string(&mut self) -> Result<String, LoadError> {
        let at = self.pos;
        let bytes = self.bytes()?;
        std::str::from_utf8(bytes)
            .map(str::to_string)
            .map_err(|_| LoadError::new(at + 4, LoadErrorKind::BadUtf8))
    }
    /// Reads a count of items each at least `min_size` bytes long, rejecting counts the input cannot hold.
    pub(crate) fn count(&mut self, min_size: usize) -> Result<usize, LoadError> {
        let count = self.u32()? as usize;
        if count.saturating_mul(min_size) > self.bytes.len() - self.pos {
            return Err(LoadError::new(
                self.bytes.len(),
                LoadErrorKind::Truncated(self.what),
            ));
        }
        Ok(count)
    }
    /// Reads one section: its length, then `body`, checking that the body used exactly that length.
    fn section<T>(
        &mut self,
        what: &'static str,
        body: impl FnOnce(&mut Reader<'a>) -> Result<T, LoadError>,
    ) -> Result<T, LoadError> {
        self.what = what;
        let declared = self.u32()?;
        let start = self.pos;
        if (declared as usize) > self.bytes.len() - self.pos {
            return Err(LoadError::new(
                self.bytes.len(),
                LoadErrorKind::Truncated(what),
            ));
        }
        let mut inner = Reader {
            bytes: &self.bytes[..start + declared as usize],
            pos: start,
            what,
        };
        let value = body(&mut inner)?;
        if inner.pos != start + declared as usize {
            return Err(LoadError::new(
                start - 4,
                LoadErrorKind::SectionLength {
                    section: what,
                    declared,
                    used: (inner.pos - start) as u32,
                },
            ));
        }
        self.pos = inner.pos;
        Ok(value)
    }
}

/// Where each function's code starts in the file, for error offsets.
pub(crate) type CodeOffsets = Vec<usize>;

/// Decodes bytes into a program without verifying it; see [`crate::load`] for the full check.
pub fn decode(bytes: &[u8]) -> Result<Program, LoadError> {
    decode_with_offsets(bytes).map(|(p, _)| p)
}

/// Decodes bytes into a program plus the file offset of each function's code.
pub(crate) fn decode_with_offsets(bytes: &[u8]) -> Result<(Program, CodeOffsets), LoadError> {
    let mut r = Reader {
        bytes,
        pos: 0,
        what: "header",
    };
    if r.take(4)
        .map_err(|_| LoadError::new(0, LoadErrorKind::BadMagic))?
        != MAGIC
    {
        return Err(LoadError::new(0, LoadErrorKind::BadMagic));
    }
    let version = r.u16()?;
    if version != FORMAT_VERSION {
        return Err(LoadError::new(
            4,
            LoadErrorKind::UnsupportedVersion(version),
        ));
    }
    let flags = r.u16()?;
    if flags & !(FLAG_SOURCE_TEXT | FLAG_ASSETS | FLAG_SOUNDS) != 0
        || (flags & FLAG_SOUNDS != 0 && flags & FLAG_ASSETS == 0)
    {
        return Err(LoadError::new(6, LoadErrorKind::UnknownFlags(flags)));
    }
    let strings = r.section("strings", |r| {
        let n = r.count(4)?;
        let mut out = Vec::new();
        for _ in 0..n {
            out.push(r.string()?);
        }
        Ok(out)
    })?;
    let constants = r.section("constants", |r| {
        let n = r.count(5)?;
        let mut out = Vec::new();
        for _ in 0..n {
            let at = r.pos;
            out.push(match r.u8()? {
                0 => Constant::Int(r.u64()? as i64),
                1 => Constant::Float(r.u64()?),
                2 => Constant::Str(r.u32()?),
                tag => {
                    return Err(LoadError::new(
                        at,
                        LoadErrorKind::BadTag {
                            what: "constant",
                            tag,
                        },
                    ))
                }
            });
        }
        Ok(out)
    })?;
    let hosts = r.section("host functions", |r| {
        let n = r.count(6)?;
        let mut out = Vec::new();
        for _ in 0..n {
            let name = r.string()?;
            let count = r.u8()?;
            let mut params = Vec::new();
            for _ in 0..count {
                params.push(host_type(r)?);
            }
            let result = host_type(r)?;
            out.push(HostSig {
                name,
                params,
                result,
            });
        }
        Ok(out)
    })?;
    let structs = r.section("structs", |r| {
        let n = r.count(8)?;
        let mut out = Vec::new();
        for _ in 0..n {
            let name = r.string()?;
            let count = r.count(12)?;
            let mut fields = Vec::new();
            let mut optional_shapes = Vec::new();
            for _ in 0..count {
                fields.push(r.string()?);
                optional_shapes.push(r.u64()?);
            }
            if optional_shapes.iter().all(|&s| s == 0) {
                optional_shapes.clear();
            }
            out.push(StructDecl {
                name,
                fields,
                optional_shapes,
            });
        }
        Ok(out)
    })?;
    let enums = r.section("enums", crate::enums::decode)?;
    let contracts = r.section("contracts", crate::contracts::decode)?;
    let (globals, global_sites) = r.section("globals", |r| {
        let n = r.count(4)?;
        let mut globals = Vec::new();
        for _ in 0..n {
            globals.push(r.u32()?);
        }
        let n = r.count(4)?;
        let mut sites = Vec::new();
        for _ in 0..n {
            sites.push(r.u32()?);
        }
        Ok((globals, sites))
    })?;
    let (functions, offsets) = r.section("functions", |r| {
        let n = r.count(18)?;
        let mut functions = Vec::new();
        let mut offsets = Vec::new();
        for _ in 0..n {
            let name = r.string()?;
            let params = r.u16()?;
            let locals = r.u16()?;
            let max_stack = r.u16()?;
            offsets.push(r.pos + 4);
            let code = r.bytes()?.to_vec();
            let runs = r.count(12)?;
            let mut spans = Vec::new();
            for _ in 0..runs {
                spans.push(SpanRun {
                    pc: r.u32()?,
                    start: r.u32()?,
                    end: r.u32()?,
                });
            }
            functions.push(Function {
                name,
                params,
                locals,
                max_stack,
                code,
                spans,
                file: 0,
            });
        }
        Ok((functions, offsets))
    })?;
    let entry = r.section("entry points", |r| {
        let globals_init = r.u32()?;
        let mut opt = || -> Result<Option<u32>, LoadError> {
            let v = r.u32()?;
            Ok((v != NONE).then_some(v))
        };
        Ok(Entry {
            globals_init,
            main: opt()?,
            init: opt()?,
            frame: opt()?,
        })
    })?;
    let assets = if flags & FLAG_ASSETS != 0 {
        r.section("assets", |r| decode_assets(r, flags & FLAG_SOUNDS != 0))?
    } else {
        Assets::default()
    };
    let mut functions = functions;
    let (source_name, source_text, files) = r.section("debug info", |r| {
        let with_text = flags & FLAG_SOURCE_TEXT != 0;
        let name = r.string()?;
        let text = if with_text { Some(r.string()?) } else { None };
        let n = r.count(4)?;
        let mut files = Vec::new();
        for _ in 0..n {
            let name = r.string()?;
            let text = if with_text { Some(r.string()?) } else { None };
            files.push(SourceInfo { name, text });
        }
        let at = r.pos;
        let n = r.count(4)?;
        if n != functions.len() {
            return Err(LoadError::new(
                at,
                LoadErrorKind::IndexOutOfRange {
                    what: "function file table",
                    index: n as u32,
                    len: functions.len() as u32,
                },
            ));
        }
        for f in functions.iter_mut() {
            let at = r.pos;
            let file = r.u32()?;
            if file as usize > files.len() {
                return Err(LoadError::new(
                    at,
                    LoadErrorKind::IndexOutOfRange {
                        what: "source file",
                        index: file,
                        len: files.len() as u32 + 1,
                    },
                ));
            }
            f.file = file;
        }
        Ok((name, text, files))
    })?;
    if r.pos != bytes.len() {
        return Err(LoadError::new(
            r.pos,
            LoadErrorKind::TrailingBytes(bytes.len() - r.pos),
        ));
    }
    Ok((
        Program {
            strings,
            constants,
            functions,
            hosts,
            structs,
            globals,
            global_sites,
            entry,
            source_name,
            source_text,
            files,
            assets: std::sync::Arc::new(assets),
            enums,
            contracts,
        },
        offsets,
    ))
}

/// Reads one host type byte.
fn host_type(r: &mut Reader<'_>) -> Result<HostType, LoadError> {
    let at = r.pos;
    let tag = r.u8()?;
    HostType::from_byte(tag)
        .ok_or_else(|| LoadError::new(at, LoadErrorKind::BadTag { what: "type", tag }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_and_garbage_inputs_are_rejected() {
        assert_eq!(decode(b"").unwrap_err().kind, LoadErrorKind::BadMagic);
        assert_eq!(
            decode(b"PBC\x1a\x09\x00\x00\x00").unwrap_err().kind,
            LoadErrorKind::UnsupportedVersion(9)
        );
        let mut huge_count = MAGIC.to_vec();
        huge_count.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        huge_count.extend_from_slice(&[0, 0, 4, 0, 0, 0, 0xff, 0xff, 0xff, 0xff]);
        assert!(matches!(
            decode(&huge_count).unwrap_err().kind,
            LoadErrorKind::Truncated(_)
        ));
    }

    #[test]
    fn files_of_the_first_format_are_refused_with_the_version() {
        let mut old = MAGIC.to_vec();
        old.extend_from_slice(&[1, 0, 0, 0]);
        assert_eq!(
            decode(&old).unwrap_err().kind,
            LoadErrorKind::UnsupportedVersion(1)
        );
    }

    /// A program of two files whose second function points into the second file.
    fn two_files() -> Program {
        let function = |name: &str, file: u32| Function {
            name: name.into(),
            params: 0,
            locals: 0,
            max_stack: 1,
            code: vec![],
            spans: vec![],
            file,
        };
        Program {
            functions: vec![function("main", 0), function("spawn", 1)],
            source_name: "main.pbs".into(),
            source_text: Some("fn main() {}".into()),
            files: vec![SourceInfo {
                name: "enemies.pbs".into(),
                text: Some("pub fn spawn() {}".into()),
            }],
            ..Program::default()
        }
    }

    #[test]
    fn each_function_keeps_its_file_through_the_format() {
        let program = two_files();
        let (decoded, _) = decode_with_offsets(&encode(&program)).unwrap();
        assert_eq!(decoded, program);
        assert_eq!(
            decoded.file(1),
            Some(("enemies.pbs", Some("pub fn spawn() {}")))
        );
    }

    #[test]
    fn a_function_file_index_past_the_files_is_refused() {
        let mut program = two_files();
        program.functions[1].file = 2;
        let err = decode(&encode(&program)).unwrap_err();
        assert_eq!(
            err.kind,
            LoadErrorKind::IndexOutOfRange {
                what: "source file",
                index: 2,
                len: 2
            }
        );
    }

    #[test]
    fn a_file_table_of_the_wrong_length_is_refused() {
        let program = two_files();
        let mut bytes = encode(&program);
        // The table's count is the last u32 before the two indices.
        let at = bytes.len() - 12;
        bytes[at..at + 4].copy_from_slice(&1u32.to_le_bytes());
        let err = decode(&bytes).unwrap_err();
        assert!(matches!(
            err.kind,
            LoadErrorKind::IndexOutOfRange {
                what: "function file table",
                ..
            }
        ));
    }

    #[test]
    fn round_trip() {
        let p = Program {
            strings: vec!["a".into(), "héllo".into()],
            constants: vec![
                Constant::Int(-5),
                Constant::Float(1.5f64.to_bits()),
                Constant::Str(1),
            ],
            hosts: vec![HostSig {
                name: "print".into(),
                params: vec![HostType::Any],
                result: HostType::Void,
            }],
            source_name: "x.pbs".into(),
            source_text: Some("fn main() {}".into()),
            ..Program::default()
        };
        let bytes = encode(&p);
        assert_eq!(decode(&bytes).unwrap(), p);
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(matches!(
            decode(&longer).unwrap_err().kind,
            LoadErrorKind::TrailingBytes(1)
        ));
    }
}
