//! Assets carried inside a program: images converted to RGB565, the banks of tiles cut from
//! them, tile maps, and sounds converted to 48 kHz mono 16-bit samples.
//!
//! The compiler converts PNG, TMX and WAV files into these structures; the `.pbc` format stores
//! them in its assets section (see `docs/bytecode.md`), and the console draws from them. A
//! program file therefore runs the same wherever it is moved: nothing at run time opens an
//! asset file. [`Assets::validate`] is the loader's check of sizes, counts and indices.

use crate::{LoadError, LoadErrorKind};
use std::sync::Arc;

/// The RGB565 value that marks a transparent pixel in an [`Image`] (exact magenta).
///
/// An opaque source pixel whose colour packs to this value is stored as [`KEY_SUBSTITUTE`].
pub const TRANSPARENT: u16 = 0xf81f;

/// What an opaque pixel that would pack to [`TRANSPARENT`] is stored as: the same red and
/// blue with the lowest green step.
pub const KEY_SUBSTITUTE: u16 = 0xf83f;

/// The tile sizes a bank may use, in pixels.
pub const TILE_SIZES: [u8; 3] = [8, 16, 32];

/// The most tiles one bank may hold.
pub const MAX_TILES: u32 = 1024;

/// The widest or tallest an image may be, in pixels.
pub const MAX_IMAGE_SIDE: u16 = 32768;

/// The most pixels one image may hold (1,024 tiles of 32 × 32).
pub const MAX_IMAGE_PIXELS: u32 = 1024 * 32 * 32;

/// The widest or tallest a map may be, in cells.
pub const MAX_MAP_SIDE: u16 = 4096;

/// The most layers a map may have.
pub const MAX_MAP_LAYERS: u16 = 64;

/// The most cells (width × height × layers) one stored map may hold.
pub const MAX_MAP_CELLS: u32 = 1 << 22;

/// The most sounds a program may carry (distinct WAV files).
pub const MAX_SOUNDS: usize = 64;

/// The most samples one sound may hold: 2^24, about 349 seconds at 48 kHz.
pub const MAX_SOUND_SAMPLES: usize = 1 << 24;

/// The most samples all the sounds of a program may hold together (2^24, 32 MiB), so a
/// program with sounds fits the 64 MiB a program file may have.
pub const MAX_TOTAL_SOUND_SAMPLES: usize = 1 << 24;

/// A converted image: RGB565 pixels, row-major, with [`TRANSPARENT`] for transparent ones.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Image {
    /// The asset file it came from, as written in the source (for `disasm`).
    pub name: String,
    /// Its width in pixels.
    pub width: u16,
    /// Its height in pixels.
    pub height: u16,
    /// `width × height` colours.
    pub pixels: Vec<u16>,
}

/// A `declare bank`: an image cut into square tiles numbered row-major from 0.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BankDecl {
    /// The declared name.
    pub name: String,
    /// The image it cuts, an index into [`Assets::images`].
    pub image: u32,
    /// The tile size in pixels (one of [`TILE_SIZES`]).
    pub tile: u8,
}

/// A converted tile map: layers of tile indices, `-1` for empty cells.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct MapAsset {
    /// The asset file it came from, as written in the source.
    pub name: String,
    /// Its width in cells.
    pub width: u16,
    /// Its height in cells.
    pub height: u16,
    /// How many layers it has.
    pub layers: u16,
    /// `layers × height × width` cells, layer by layer, each row-major.
    pub cells: Vec<i16>,
}

/// A converted sound: mono 16-bit samples at 48 kHz, shared with the voices that play it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SoundAsset {
    /// The asset file it came from, as written in the source (for `disasm` and formatting).
    pub name: String,
    /// The samples (at least one).
    pub samples: Arc<[i16]>,
}

/// Every asset of a program. Each distinct file is stored once, however many declarations
/// name it.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Assets {
    /// The images, one per distinct PNG file.
    pub images: Vec<Image>,
    /// The banks, in declaration order; a `Bank` value is an index into this list.
    pub banks: Vec<BankDecl>,
    /// The maps, one per distinct TMX file.
    pub maps: Vec<MapAsset>,
    /// The sounds, one per distinct WAV file; a `Sound` value is an index into this list.
    pub sounds: Vec<SoundAsset>,
}

impl Assets {
    /// Whether the program has no assets at all.
    pub fn is_empty(&self) -> bool {
        self.images.is_empty()
            && self.banks.is_empty()
            && self.maps.is_empty()
            && self.sounds.is_empty()
    }

    /// The total bytes of pixel, cell and sample data (what `--stats` reports).
    pub fn data_bytes(&self) -> usize {
        let pixels: usize = self.images.iter().map(|i| i.pixels.len() * 2).sum();
        let cells: usize = self.maps.iter().map(|m| m.cells.len() * 2).sum();
        let samples: usize = self.sounds.iter().map(|s| s.samples.len() * 2).sum();
        pixels + cells + samples
    }

    /// The image of a bank, when the bank exists.
    pub fn bank_image(&self, bank: usize) -> Option<(&BankDecl, &Image)> {
        let decl = self.banks.get(bank)?;
        Some((decl, self.images.get(decl.image as usize)?))
    }

    /// Checks every size, count and index; the loader calls this for every program.
    pub fn validate(&self) -> Result<(), LoadError> {
        let bad = |why: String| Err(LoadError::new(0, LoadErrorKind::BadAsset(why)));
        for image in &self.images {
            if image.width == 0
                || image.height == 0
                || image.width > MAX_IMAGE_SIDE
                || image.height > MAX_IMAGE_SIDE
                || u32::from(image.width) * u32::from(image.height) > MAX_IMAGE_PIXELS
            {
                return bad(format!(
                    "image `{}` has an unsupported size {}×{}",
                    image.name, image.width, image.height
                ));
            }
            if image.pixels.len() != usize::from(image.width) * usize::from(image.height) {
                return bad(format!(
                    "image `{}` holds {} pixels instead of {}×{}",
                    image.name,
                    image.pixels.len(),
                    image.width,
                    image.height
                ));
            }
        }
        for bank in &self.banks {
            let Some(image) = self.images.get(bank.image as usize) else {
                return Err(LoadError::new(
                    0,
                    LoadErrorKind::IndexOutOfRange {
                        what: "image",
                        index: bank.image,
                        len: self.images.len() as u32,
                    },
                ));
            };
            if !TILE_SIZES.contains(&bank.tile) {
                return bad(format!(
                    "bank `{}` has tile size {}, not 8, 16 or 32",
                    bank.name, bank.tile
                ));
            }
            let t = u16::from(bank.tile);
            if image.width % t != 0 || image.height % t != 0 {
                return bad(format!(
                    "bank `{}`: image `{}` is not a whole number of {t}-pixel tiles",
                    bank.name, image.name
                ));
            }
            if tile_count(image, bank.tile) > MAX_TILES {
                return bad(format!("bank `{}` has more than 1,024 tiles", bank.name));
            }
        }
        for map in &self.maps {
            if map.width > MAX_MAP_SIDE
                || map.height > MAX_MAP_SIDE
                || map.layers > MAX_MAP_LAYERS
                || u32::from(map.width) * u32::from(map.height) * u32::from(map.layers)
                    > MAX_MAP_CELLS
            {
                return bad(format!(
                    "map `{}` has an unsupported size {}×{}×{}",
                    map.name, map.width, map.height, map.layers
                ));
            }
            let cells = usize::from(map.width) * usize::from(map.height) * usize::from(map.layers);
            if map.cells.len() != cells {
                return bad(format!(
                    "map `{}` holds {} cells instead of {}×{}×{}",
                    map.name,
                    map.cells.len(),
                    map.width,
                    map.height,
                    map.layers
                ));
            }
            if let Some(&cell) = map
                .cells
                .iter()
                .find(|&&c| c < -1 || i32::from(c) >= MAX_TILES as i32)
            {
                return bad(format!(
                    "map `{}` has a cell with tile {cell}, outside -1..=1023",
                    map.name
                ));
            }
        }
        self.validate_sounds()
    }

    /// Checks the count and lengths of the sounds.
    fn validate_sounds(&self) -> Result<(), LoadError> {
        let bad = |why: String| Err(LoadError::new(0, LoadErrorKind::BadAsset(why)));
        if self.sounds.len() > MAX_SOUNDS {
            return bad(format!(
                "the program has {} sounds; at most {MAX_SOUNDS} are allowed",
                self.sounds.len()
            ));
        }
        let mut total = 0usize;
        for sound in &self.sounds {
            let len = sound.samples.len();
            if len == 0 || len > MAX_SOUND_SAMPLES {
                return bad(format!(
                    "sound `{}` has {len} samples, outside 1..={MAX_SOUND_SAMPLES}",
                    sound.name
                ));
            }
            total += len;
        }
        if total > MAX_TOTAL_SOUND_SAMPLES {
            return bad(format!(
                "the sounds hold {total} samples together; at most {MAX_TOTAL_SOUND_SAMPLES} are allowed"
            ));
        }
        Ok(())
    }
}

/// How many tiles of size `tile` an image holds.
pub fn tile_count(image: &Image, tile: u8) -> u32 {
    let t = u32::from(tile.max(1));
    (u32::from(image.width) / t) * (u32::from(image.height) / t)
}
