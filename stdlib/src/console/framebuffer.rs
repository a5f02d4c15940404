//! The console screen: a 320×180 RGB565 framebuffer.

/// The width of the screen in pixels.
pub const WIDTH: usize = 320;
/// The height of the screen in pixels.
pub const HEIGHT: usize = 180;

/// The FNV-1a 64-bit offset basis.
const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
/// The FNV-1a 64-bit prime.
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

/// The screen: `WIDTH × HEIGHT` RGB565 pixels, one `u16` each, row by row from the top left,
/// and the clip rectangle that drawing is limited to.
#[derive(Clone, PartialEq, Eq)]
pub struct Framebuffer {
    /// `WIDTH * HEIGHT` colours, row-major.
    pixels: Vec<u16>,
    /// Where drawing may write (`Gfx.clip`); the whole screen by default.
    clip: Clip,
}

/// A rectangle of the screen, `x0..x1 × y0..y1` (end exclusive), always inside the screen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Clip {
    /// The first column.
    pub x0: usize,
    /// The first row.
    pub y0: usize,
    /// One past the last column.
    pub x1: usize,
    /// One past the last row.
    pub y1: usize,
}

impl Clip {
    /// The whole screen.
    pub const FULL: Clip = Clip {
        x0: 0,
        y0: 0,
        x1: WIDTH,
        y1: HEIGHT,
    };

    /// The part of the screen inside the `w × h` rectangle at `(x, y)`; empty when it is
    /// off screen or `w`/`h` is not positive.
    pub fn new(x: i64, y: i64, w: i64, h: i64) -> Clip {
        let span = |start: i64, len: i64, limit: usize| -> (usize, usize) {
            let (start, len) = (i128::from(start), i128::from(len).max(0));
            let lo = start.clamp(0, limit as i128) as usize;
            let hi = (start + len).clamp(0, limit as i128) as usize;
            (lo, hi.max(lo))
        };
        let (x0, x1) = span(x, w, WIDTH);
        let (y0, y1) = span(y, h, HEIGHT);
        Clip { x0, y0, x1, y1 }
    }

    /// Whether the clip rectangle holds no pixel.
    pub fn is_empty(&self) -> bool {
        self.x0 >= self.x1 || self.y0 >= self.y1
    }
}

impl Framebuffer {
    /// The width of the screen in pixels.
    pub const WIDTH: usize = WIDTH;
    /// The height of the screen in pixels.
    pub const HEIGHT: usize = HEIGHT;

    /// A black screen.
    pub fn new() -> Framebuffer {
        Framebuffer {
            pixels: vec![0; WIDTH * HEIGHT],
            clip: Clip::FULL,
        }
    }

    /// The rectangle drawing is limited to.
    pub fn clip(&self) -> Clip {
        self.clip
    }

    /// Limits drawing to a rectangle of the screen ([`Clip::FULL`] lifts the limit).
    pub fn set_clip(&mut self, clip: Clip) {
        self.clip = clip;
    }

    /// Every pixel, row-major from the top left.
    pub fn pixels(&self) -> &[u16] {
        &self.pixels
    }

    /// Every pixel, mutable, row-major from the top left.
    pub fn pixels_mut(&mut self) -> &mut [u16] {
        &mut self.pixels
    }

    /// The colour at `(x, y)`, or `None` when the position is off screen.
    pub fn get(&self, x: usize, y: usize) -> Option<u16> {
        (x < WIDTH && y < HEIGHT).then(|| self.pixels[y * WIDTH + x])
    }

    /// Sets the colour at `(x, y)` and returns whether the position was on screen.
    pub fn set(&mut self, x: usize, y: usize, colour: u16) -> bool {
        if x < WIDTH && y < HEIGHT {
            self.pixels[y * WIDTH + x] = colour;
            true
        } else {
            false
        }
    }

    /// The FNV-1a 64-bit hash of the pixels as little-endian bytes, the same on every platform.
    pub fn hash(&self) -> u64 {
        self.pixels
            .iter()
            .flat_map(|p| p.to_le_bytes())
            .fold(FNV_OFFSET, |h, byte| {
                (h ^ u64::from(byte)).wrapping_mul(FNV_PRIME)
            })
    }

    /// The pixels as 8-bit RGB triples (`WIDTH × HEIGHT × 3` bytes), row-major from the top left.
    pub fn to_rgb8(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.pixels.len() * 3);
        for &p in &self.pixels {
            out.extend_from_slice(&rgb565_to_rgb8(p));
        }
        out
    }
}

impl Default for Framebuffer {
    fn default() -> Framebuffer {
        Framebuffer::new()
    }
}

impl std::fmt::Debug for Framebuffer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Framebuffer({WIDTH}x{HEIGHT}, hash {:016x})",
            self.hash()
        )
    }
}

/// Expands one RGB565 colour to 8-bit channels, replicating the high bits into the low ones.
pub fn rgb565_to_rgb8(p: u16) -> [u8; 3] {
    let r5 = ((p >> 11) & 0x1f) as u8;
    let g6 = ((p >> 5) & 0x3f) as u8;
    let b5 = (p & 0x1f) as u8;
    [
        (r5 << 3) | (r5 >> 2),
        (g6 << 2) | (g6 >> 4),
        (b5 << 3) | (b5 >> 2),
    ]
}

/// Packs 8-bit channels, each clamped to `0..=255`, into an RGB565 colour.
pub fn rgb8_to_rgb565(r: i64, g: i64, b: i64) -> u16 {
    let [r, g, b] = [r, g, b].map(|c| c.clamp(0, 255) as u16);
    ((r >> 3) << 11) | ((g >> 2) << 5) | (b >> 3)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_is_black_and_sized() {
        let fb = Framebuffer::new();
        assert_eq!(fb.pixels().len(), 320 * 180);
        assert!(fb.pixels().iter().all(|&p| p == 0));
        assert_eq!(fb.get(319, 179), Some(0));
        assert_eq!(fb.get(320, 0), None);
        assert_eq!(fb.get(0, 180), None);
    }

    #[test]
    fn set_is_row_major() {
        let mut fb = Framebuffer::new();
        assert!(fb.set(3, 2, 0xabcd));
        assert!(!fb.set(320, 2, 1));
        assert_eq!(fb.pixels()[2 * 320 + 3], 0xabcd);
        assert_eq!(fb.get(3, 2), Some(0xabcd));
    }

    #[test]
    fn hash_is_fnv1a_over_little_endian_bytes() {
        let mut fb = Framebuffer::new();
        fb.set(0, 0, 0x1234);
        let mut h = FNV_OFFSET;
        for (i, _) in fb.pixels().iter().enumerate() {
            let bytes: [u8; 2] = if i == 0 { [0x34, 0x12] } else { [0, 0] };
            for b in bytes {
                h ^= u64::from(b);
                h = h.wrapping_mul(FNV_PRIME);
            }
        }
        assert_eq!(fb.hash(), h);
        assert_ne!(fb.hash(), Framebuffer::new().hash());
    }

    #[test]
    fn fnv_of_known_input() {
        // FNV-1a 64 of the single byte "a" is a published test vector.
        let h = (FNV_OFFSET ^ u64::from(b'a')).wrapping_mul(FNV_PRIME);
        assert_eq!(h, 0xaf63_dc4c_8601_ec8c);
    }

    #[test]
    fn rgb8_expansion_replicates_high_bits() {
        assert_eq!(rgb565_to_rgb8(0xffff), [255, 255, 255]);
        assert_eq!(rgb565_to_rgb8(0x0000), [0, 0, 0]);
        assert_eq!(rgb565_to_rgb8(0xf800), [255, 0, 0]);
        assert_eq!(rgb565_to_rgb8(0x07e0), [0, 255, 0]);
        assert_eq!(rgb565_to_rgb8(0x001f), [0, 0, 255]);
        // r5 = 0b10000 -> 0b10000100, g6 = 0b100000 -> 0b10000010, b5 = 0b00001 -> 0b00001000.
        assert_eq!(rgb565_to_rgb8(0x8401), [0x84, 0x82, 0x08]);
        let mut fb = Framebuffer::new();
        fb.set(1, 0, 0xf800);
        let rgb = fb.to_rgb8();
        assert_eq!(rgb.len(), 320 * 180 * 3);
        assert_eq!(&rgb[0..6], &[0, 0, 0, 255, 0, 0]);
    }

    #[test]
    fn rgb_packing_clamps() {
        assert_eq!(rgb8_to_rgb565(255, 255, 255), 0xffff);
        assert_eq!(rgb8_to_rgb565(-5, 1000, i64::MIN), 0x07e0);
        assert_eq!(rgb8_to_rgb565(255, 160, 0), 0xfd00);
        assert_eq!(rgb8_to_rgb565(128, 128, 128), 0x8410);
    }
}
