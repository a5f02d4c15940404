//! `.pmc` single-file carts: a cartridge's manifest and its program (with the program's
//! assets) in one file, checked like a cartridge directory.
//!
//! Layout (little-endian):
//!
//! | bytes | content |
//! | --- | --- |
//! | 4 | magic `PMC\x1a` |
//! | 2 | format version, 1 |
//! | 2 | flags, 0 |
//! | 4 | length `m` of the manifest |
//! | m | `manifest.json`, UTF-8 |
//! | 4 | length `p` of the program |
//! | p | the program file (`.pbc`, assets included) |
//! | 4 | CRC-32 (IEEE) of everything before it |
//!
//! This module does no I/O.

use crate::bytecode::{LoadError, VerifiedProgram};
use crate::manifest::{manifest_text, parse_manifest, Manifest, ManifestError};

/// The magic number at the start of a `.pmc` file.
pub const PMC_MAGIC: [u8; 4] = *b"PMC\x1a";

/// The `.pmc` version this toolchain writes and reads.
pub const PMC_VERSION: u16 = 1;

/// The most bytes a manifest inside a `.pmc` may have (as in a cartridge directory).
pub const MAX_MANIFEST: usize = 64 << 10;

/// Why a `.pmc` file was rejected; each error has the byte offset it was found at.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PmcError {
    /// It does not start with the magic.
    #[error("it does not start with the `.pmc` magic `PMC\\x1a`")]
    BadMagic,
    /// The file ends inside a part.
    #[error("it is truncated at byte {at}: {part} needs {needed} more bytes")]
    Truncated {
        /// Where the part starts.
        at: usize,
        /// The part.
        part: &'static str,
        /// The bytes missing.
        needed: usize,
    },
    /// A version this toolchain does not read.
    #[error("it has `.pmc` version {0}, but this prometeuc reads version 1; update prometeuc")]
    Version(u16),
    /// Unknown flags.
    #[error("it has the unknown flags {0:#06x} at byte 6")]
    Flags(u16),
    /// A manifest larger than a manifest may be.
    #[error("its manifest at byte 12 is {0} bytes; a manifest has at most 64 KiB")]
    ManifestTooLarge(usize),
    /// Bytes after the checksum.
    #[error("it has {0} bytes after its checksum")]
    Trailing(usize),
    /// The checksum does not match.
    #[error("its checksum does not match its content (stored {stored:#010x}, computed {computed:#010x}); the file is damaged")]
    Checksum {
        /// The checksum in the file.
        stored: u32,
        /// The checksum of the content.
        computed: u32,
    },
    /// The manifest is not UTF-8.
    #[error("its manifest is not valid UTF-8 text")]
    ManifestText,
    /// The manifest is invalid.
    #[error("{0}")]
    Manifest(ManifestError),
    /// The program is invalid; its offset is from the start of the `.pmc` file.
    #[error("its program is invalid: {} at byte {at} of the .pmc (byte {} of the program)", error.kind, error.offset)]
    Program {
        /// The offset in the `.pmc` file.
        at: usize,
        /// The loader's error.
        error: LoadError,
    },
    /// The manifest's `app_mode` does not match the program.
    #[error("manifest.json says app_mode {mode:?}, but the program is a {actual}")]
    Mode {
        /// The mode in the manifest.
        mode: String,
        /// What the program is.
        actual: &'static str,
    },
}

impl PmcError {
    /// The error as a renderable diagnostic.
    pub fn to_diagnostic(&self) -> crate::lexer::Diagnostic {
        crate::lexer::Diagnostic::plain(format!("invalid single-file cart: {self}"))
    }
}

/// Encodes a `.pmc` file from a manifest and the bytes of a program file.
pub fn encode(manifest: &Manifest, program: &[u8]) -> Vec<u8> {
    let text = manifest_text(manifest);
    let mut out = Vec::with_capacity(20 + text.len() + program.len());
    out.extend_from_slice(&PMC_MAGIC);
    out.extend_from_slice(&PMC_VERSION.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out.extend_from_slice(&(text.len() as u32).to_le_bytes());
    out.extend_from_slice(text.as_bytes());
    out.extend_from_slice(&(program.len() as u32).to_le_bytes());
    out.extend_from_slice(program);
    let crc = crc32fast::hash(&out);
    out.extend_from_slice(&crc.to_le_bytes());
    out
}

/// The parts of a `.pmc` file, checked for their framing and checksum only.
pub struct PmcParts<'a> {
    /// The manifest, parsed and validated.
    pub manifest: Manifest,
    /// The program file's bytes.
    pub program: &'a [u8],
    /// The offset of the program in the `.pmc`.
    pub program_at: usize,
}

/// Reads a little-endian `u32` length at `at`.
fn length(bytes: &[u8], at: usize, part: &'static str) -> Result<usize, PmcError> {
    let field = bytes.get(at..at + 4).ok_or(PmcError::Truncated {
        at,
        part,
        needed: (at + 4).saturating_sub(bytes.len()),
    })?;
    Ok(u32::from_le_bytes(field.try_into().expect("four bytes")) as usize)
}

/// Splits a `.pmc` file into its manifest and program bytes, checking the magic, version,
/// flags, lengths and checksum, and validating the manifest.
pub fn split(bytes: &[u8]) -> Result<PmcParts<'_>, PmcError> {
    if bytes.len() < 4 || bytes[..4] != PMC_MAGIC {
        return Err(PmcError::BadMagic);
    }
    if bytes.len() < 8 {
        return Err(PmcError::Truncated {
            at: 4,
            part: "the header",
            needed: 8 - bytes.len(),
        });
    }
    let version = u16::from_le_bytes([bytes[4], bytes[5]]);
    if version != PMC_VERSION {
        return Err(PmcError::Version(version));
    }
    let flags = u16::from_le_bytes([bytes[6], bytes[7]]);
    if flags != 0 {
        return Err(PmcError::Flags(flags));
    }
    let manifest_len = length(bytes, 8, "the manifest length")?;
    if manifest_len > MAX_MANIFEST {
        return Err(PmcError::ManifestTooLarge(manifest_len));
    }
    let manifest_at = 12;
    let manifest_end = manifest_at + manifest_len;
    if bytes.len() < manifest_end {
        return Err(PmcError::Truncated {
            at: manifest_at,
            part: "the manifest",
            needed: manifest_end - bytes.len(),
        });
    }
    let program_len = length(bytes, manifest_end, "the program length")?;
    let program_at = manifest_end + 4;
    let end = program_at
        .checked_add(program_len)
        .and_then(|e| e.checked_add(4))
        .ok_or(PmcError::Truncated {
            at: program_at,
            part: "the program",
            needed: usize::MAX,
        })?;
    if bytes.len() < end {
        return Err(PmcError::Truncated {
            at: program_at,
            part: if bytes.len() < end - 4 {
                "the program"
            } else {
                "the checksum"
            },
            needed: end - bytes.len(),
        });
    }
    if bytes.len() > end {
        return Err(PmcError::Trailing(bytes.len() - end));
    }
    let stored = u32::from_le_bytes(bytes[end - 4..].try_into().expect("four bytes"));
    let computed = crc32fast::hash(&bytes[..end - 4]);
    if stored != computed {
        return Err(PmcError::Checksum { stored, computed });
    }
    let text = std::str::from_utf8(&bytes[manifest_at..manifest_end])
        .map_err(|_| PmcError::ManifestText)?;
    let manifest = parse_manifest(text).map_err(PmcError::Manifest)?;
    Ok(PmcParts {
        manifest,
        program: &bytes[program_at..end - 4],
        program_at,
    })
}

/// Decodes and verifies a `.pmc` file: its framing, its manifest, its program, and that the
/// manifest's `app_mode` matches the program.
pub fn load(bytes: &[u8]) -> Result<(Manifest, VerifiedProgram), PmcError> {
    let parts = split(bytes)?;
    let program = crate::load(parts.program).map_err(|error| PmcError::Program {
        at: parts.program_at + error.offset,
        error,
    })?;
    let is_cart = program.program().entry.frame.is_some();
    if is_cart != (parts.manifest.app_mode == "cartridge") {
        return Err(PmcError::Mode {
            mode: parts.manifest.app_mode,
            actual: if is_cart { "cartridge" } else { "script" },
        });
    }
    Ok((parts.manifest, program))
}
