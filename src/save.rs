//! Save files: the 256 save slots of one cart, in a small binary format with a magic, a
//! version, the cart's `app_id` and a checksum, and where the player keeps them.
//!
//! Layout (little-endian):
//!
//! | bytes | content |
//! | --- | --- |
//! | 4 | magic `PMSV` |
//! | 2 | format version, 1 |
//! | 2 | length `n` of the app id, 1–64 |
//! | n | the app id (UTF-8) |
//! | 2048 | the 256 slots, each an `i64` |
//! | 4 | CRC-32 (IEEE) of everything before it |
//!
//! Decoding checks every part and rejects a file of another cart, so a corrupt or foreign
//! file is reported and can be left untouched. This module does no I/O.

use crate::stdlib::console::save::SLOTS;
use std::path::{Path, PathBuf};

/// The magic number at the start of a save file.
pub const SAVE_MAGIC: [u8; 4] = *b"PMSV";

/// The save-file version this toolchain writes and reads.
pub const SAVE_VERSION: u16 = 1;

/// The longest app id a save file holds, in bytes.
pub const MAX_APP_ID: usize = 64;

/// The most bytes a save file can have.
pub const MAX_SAVE_FILE: usize = 4 + 2 + 2 + MAX_APP_ID + SLOTS * 8 + 4;

/// Why a save file was rejected.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SaveFileError {
    /// It does not start with `PMSV`.
    #[error("it is not a save file (it does not start with the magic `PMSV`)")]
    BadMagic,
    /// It is too short for its header or its slots.
    #[error("it is truncated: {found} bytes, but a save file of this cart has {expected}")]
    Truncated {
        /// The size found.
        found: usize,
        /// The size its header implies.
        expected: usize,
    },
    /// It has bytes after the checksum.
    #[error("it has {0} bytes after its checksum")]
    Trailing(usize),
    /// A version this toolchain does not read.
    #[error("it has save-file version {0}, but this prometeuc reads version 1")]
    Version(u16),
    /// An app id length of 0 or above 64.
    #[error("its app id length {0} is out of range (1 to 64)")]
    AppIdLength(usize),
    /// The app id is not UTF-8.
    #[error("its app id is not valid UTF-8")]
    AppIdText,
    /// The checksum does not match the content.
    #[error("its checksum does not match its content (stored {stored:#010x}, computed {computed:#010x}); the file is damaged")]
    Checksum {
        /// The checksum in the file.
        stored: u32,
        /// The checksum of the content.
        computed: u32,
    },
    /// The file belongs to another cart.
    #[error("it belongs to the cart `{found}`, not to `{expected}`")]
    Foreign {
        /// The app id in the file.
        found: String,
        /// The app id of the cart being run.
        expected: String,
    },
}

impl SaveFileError {
    /// The error as a renderable diagnostic. A run reports it as a warning and goes on with
    /// its saves in memory.
    pub fn to_diagnostic(&self) -> crate::lexer::Diagnostic {
        crate::lexer::Diagnostic::plain(format!("the save file is not used: {self}"))
    }
}

/// Encodes the slots of the cart `app_id` (at most 64 bytes; longer ids are cut at a
/// character boundary).
pub fn encode(app_id: &str, slots: &[i64; SLOTS]) -> Vec<u8> {
    let id = stored_id(app_id).as_bytes();
    let mut out = Vec::with_capacity(MAX_SAVE_FILE);
    out.extend_from_slice(&SAVE_MAGIC);
    out.extend_from_slice(&SAVE_VERSION.to_le_bytes());
    out.extend_from_slice(&(id.len() as u16).to_le_bytes());
    out.extend_from_slice(id);
    for v in slots {
        out.extend_from_slice(&v.to_le_bytes());
    }
    let crc = crc32fast::hash(&out);
    out.extend_from_slice(&crc.to_le_bytes());
    out
}

/// The app id as [`encode`] stores it.
fn stored_id(app_id: &str) -> &str {
    let mut end = app_id.len().min(MAX_APP_ID);
    while !app_id.is_char_boundary(end) {
        end -= 1;
    }
    &app_id[..end]
}

/// Decodes a save file of the cart `app_id`.
pub fn decode(bytes: &[u8], app_id: &str) -> Result<[i64; SLOTS], SaveFileError> {
    if bytes.len() < 4 || bytes[..4] != SAVE_MAGIC {
        return Err(SaveFileError::BadMagic);
    }
    let header = 8;
    if bytes.len() < header {
        return Err(SaveFileError::Truncated {
            found: bytes.len(),
            expected: header,
        });
    }
    let version = u16::from_le_bytes([bytes[4], bytes[5]]);
    if version != SAVE_VERSION {
        return Err(SaveFileError::Version(version));
    }
    let id_len = usize::from(u16::from_le_bytes([bytes[6], bytes[7]]));
    if !(1..=MAX_APP_ID).contains(&id_len) {
        return Err(SaveFileError::AppIdLength(id_len));
    }
    let expected = header + id_len + SLOTS * 8 + 4;
    if bytes.len() < expected {
        return Err(SaveFileError::Truncated {
            found: bytes.len(),
            expected,
        });
    }
    if bytes.len() > expected {
        return Err(SaveFileError::Trailing(bytes.len() - expected));
    }
    let body = &bytes[..expected - 4];
    let stored = u32::from_le_bytes(
        bytes[expected - 4..]
            .try_into()
            .expect("four checksum bytes"),
    );
    let computed = crc32fast::hash(body);
    if stored != computed {
        return Err(SaveFileError::Checksum { stored, computed });
    }
    let id = std::str::from_utf8(&bytes[header..header + id_len])
        .map_err(|_| SaveFileError::AppIdText)?;
    if id != stored_id(app_id) {
        return Err(SaveFileError::Foreign {
            found: id.to_string(),
            expected: app_id.to_string(),
        });
    }
    let mut slots = [0i64; SLOTS];
    for (slot, chunk) in slots
        .iter_mut()
        .zip(body[header + id_len..].chunks_exact(8))
    {
        *slot = i64::from_le_bytes(chunk.try_into().expect("eight bytes"));
    }
    Ok(slots)
}

/// The app id of a program without a manifest: its source's file stem, lowercased, with
/// every character other than ASCII letters and digits replaced by `_` (`build --cart` and
/// `build --pmc` write the same id into their manifests).
pub fn app_id_from_stem(stem: &str) -> String {
    stem.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect()
}

/// Where the player keeps a cart's save file: `DATA/prometeu/saves/APP_ID.sav`, where
/// `DATA` is the user's data directory (`$XDG_DATA_HOME` or `~/.local/share` on Linux,
/// `~/Library/Application Support` on macOS, `%APPDATA%` on Windows) and the app id is
/// reduced to ASCII letters, digits, `_`, `-` and `.` (other characters become `_`, and a
/// leading `.` too), so it always names one file inside that directory.
pub fn save_path(data_dir: &Path, app_id: &str) -> PathBuf {
    let mut name: String = stored_id(app_id)
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if name.is_empty() || name.starts_with('.') {
        name.insert(0, '_');
    }
    data_dir
        .join("prometeu")
        .join("saves")
        .join(format!("{name}.sav"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> [i64; SLOTS] {
        let mut slots = [0; SLOTS];
        slots[0] = 12_345;
        slots[255] = i64::MIN;
        slots[17] = -1;
        slots
    }

    #[test]
    fn a_save_file_round_trips() {
        let bytes = encode("pong", &sample());
        assert_eq!(bytes.len(), 8 + 4 + 2048 + 4);
        assert_eq!(&bytes[..4], b"PMSV");
        assert_eq!(decode(&bytes, "pong"), Ok(sample()));
    }

    #[test]
    fn a_foreign_save_file_is_rejected() {
        let bytes = encode("snake", &sample());
        assert_eq!(
            decode(&bytes, "pong").unwrap_err().to_string(),
            "it belongs to the cart `snake`, not to `pong`"
        );
    }

    #[test]
    fn every_truncation_and_bit_flip_is_rejected() {
        let bytes = encode("pong", &sample());
        for len in 0..bytes.len() {
            assert!(decode(&bytes[..len], "pong").is_err(), "cut at {len}");
        }
        for bit in 0..bytes.len() * 8 {
            let mut flipped = bytes.clone();
            flipped[bit / 8] ^= 1 << (bit % 8);
            assert!(decode(&flipped, "pong").is_err(), "bit {bit}");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert_eq!(decode(&longer, "pong"), Err(SaveFileError::Trailing(1)));
    }

    #[test]
    fn damaged_files_say_what_is_wrong() {
        assert_eq!(decode(b"{}", "x"), Err(SaveFileError::BadMagic));
        let mut bytes = encode("pong", &sample());
        bytes[100] ^= 0xff;
        assert!(decode(&bytes, "pong")
            .unwrap_err()
            .to_string()
            .contains("checksum does not match"));
        let mut future = encode("pong", &sample());
        future[4] = 2;
        assert_eq!(decode(&future, "pong"), Err(SaveFileError::Version(2)));
    }

    #[test]
    fn save_paths_stay_in_the_saves_directory() {
        let data = Path::new("/data");
        assert_eq!(
            save_path(data, "pong"),
            Path::new("/data/prometeu/saves/pong.sav")
        );
        for id in ["../../etc/passwd", "..", "", "a/b", "a\\b", "ä"] {
            let path = save_path(data, id);
            assert_eq!(
                path.parent(),
                Some(Path::new("/data/prometeu/saves")),
                "{id}"
            );
            assert!(!path.file_name().unwrap().to_string_lossy().starts_with('.'));
        }
        assert_eq!(app_id_from_stem("My Game-2"), "my_game_2");
    }
}
