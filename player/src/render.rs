//! Drawing the screen into the window's buffer: integer scaling with nearest-neighbour
//! pixels, letterboxing, and the host's own text (overlay and banners) on top.
//!
//! The host text is drawn into the window buffer only, never into the cart's framebuffer, so
//! screenshots, recordings and GIF captures never show it.

use prometeu_stdlib::console::font;
use prometeu_stdlib::console::framebuffer::{rgb565_to_rgb8, HEIGHT, WIDTH};

/// The largest integer scale at which the screen fits in `width` × `height` (at least 1).
pub fn fit_scale(width: u32, height: u32) -> u32 {
    (width / WIDTH as u32).min(height / HEIGHT as u32).max(1)
}

/// The default window scale for a monitor of `width` × `height`: the largest that fits in
/// nine tenths of it (room for decorations and panels), at least 2.
pub fn default_scale(monitor: Option<(u32, u32)>) -> u32 {
    monitor.map_or(2, |(w, h)| fit_scale(w * 9 / 10, h * 9 / 10).max(2))
}

/// Where the screen lands in a window: its scale and top-left corner.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Placement {
    /// The integer scale.
    pub scale: u32,
    /// The left edge of the screen in the window.
    pub x: u32,
    /// The top edge of the screen in the window.
    pub y: u32,
}

/// Centres the screen at the largest integer scale that fits the window.
pub fn place(width: u32, height: u32) -> Placement {
    let scale = fit_scale(width, height);
    let w = WIDTH as u32 * scale;
    let h = HEIGHT as u32 * scale;
    Placement {
        scale,
        x: width.saturating_sub(w) / 2,
        y: height.saturating_sub(h) / 2,
    }
}

/// A 0RGB pixel as softbuffer expects.
fn xrgb(rgb: [u8; 3]) -> u32 {
    (u32::from(rgb[0]) << 16) | (u32::from(rgb[1]) << 8) | u32::from(rgb[2])
}

/// Draws the screen (RGB565 pixels) into a `width`-wide window buffer, black around it.
pub fn blit(pixels: &[u16], buffer: &mut [u32], width: u32, height: u32) -> Placement {
    let p = place(width, height);
    buffer.fill(0);
    let (w, s) = (width as usize, p.scale as usize);
    let mut row = vec![0u32; WIDTH * s];
    for (sy, line) in pixels.chunks_exact(WIDTH).enumerate() {
        for (sx, &px) in line.iter().enumerate() {
            row[sx * s..(sx + 1) * s].fill(xrgb(rgb565_to_rgb8(px)));
        }
        for dy in 0..s {
            let y = p.y as usize + sy * s + dy;
            if y >= height as usize {
                break;
            }
            let start = y * w + p.x as usize;
            let len = row.len().min(w - p.x as usize);
            buffer[start..start + len].copy_from_slice(&row[..len]);
        }
    }
    p
}

/// A colour of host text, 0RGB.
pub const BANNER_RED: u32 = 0x00b0_2020;
/// The overlay's background, 0RGB.
pub const OVERLAY_BACK: u32 = 0x0020_2020;

/// Draws lines of text in the built-in font at `dot` window pixels per font pixel, on a
/// background box, with the box's top-left corner at (`x`, `y`); clipped to the buffer.
pub fn text_box(
    buffer: &mut [u32],
    size: (u32, u32),
    at: (u32, u32),
    dot: u32,
    lines: &[String],
    back: u32,
) {
    let (width, height) = (size.0 as usize, size.1 as usize);
    let cell = font::CELL as usize * dot as usize;
    let cols = lines.iter().map(|l| l.chars().count()).max().unwrap_or(0);
    let pad = dot as usize * 2;
    let (bx, by) = (at.0 as usize, at.1 as usize);
    let bw = cols * cell + 2 * pad;
    let bh = lines.len() * cell + 2 * pad;
    for y in by..(by + bh).min(height) {
        let end = (bx + bw).min(width);
        if bx < end {
            buffer[y * width + bx..y * width + end].fill(back);
        }
    }
    for (row, line) in lines.iter().enumerate() {
        for (col, c) in line.chars().enumerate() {
            let glyph = font::glyph(c);
            for (gy, bits) in glyph.iter().enumerate() {
                for gx in 0..8 {
                    if bits & (0x80 >> gx) == 0 {
                        continue;
                    }
                    let x0 = bx + pad + col * cell + gx * dot as usize;
                    let y0 = by + pad + row * cell + gy * dot as usize;
                    for y in y0..(y0 + dot as usize).min(height) {
                        for x in x0..(x0 + dot as usize).min(width) {
                            buffer[y * width + x] = 0x00ff_ffff;
                        }
                    }
                }
            }
        }
    }
}

/// How many characters of host text fit across the window at `dot`.
pub fn columns(width: u32, dot: u32) -> usize {
    (width as usize / (font::CELL as usize * dot as usize)).saturating_sub(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_scale_is_at_least_two() {
        assert_eq!(default_scale(None), 2);
        assert_eq!(default_scale(Some((640, 360))), 2);
        assert_eq!(default_scale(Some((1920, 1080))), 5);
        assert_eq!(default_scale(Some((3840, 2160))), 10);
    }

    #[test]
    fn a_resized_window_letterboxes_at_an_integer_scale() {
        assert_eq!(
            place(1000, 400),
            Placement {
                scale: 2,
                x: 180,
                y: 20
            }
        );
        assert_eq!(
            place(100, 100),
            Placement {
                scale: 1,
                x: 0,
                y: 0
            }
        );
    }

    #[test]
    fn blit_scales_with_nearest_neighbour_pixels() {
        let mut pixels = vec![0u16; WIDTH * HEIGHT];
        pixels[0] = 0xf800;
        pixels[1] = 0x001f;
        let (w, h) = (WIDTH as u32 * 2, HEIGHT as u32 * 2 + 10);
        let mut buffer = vec![7u32; (w * h) as usize];
        let p = blit(&pixels, &mut buffer, w, h);
        assert_eq!(
            p,
            Placement {
                scale: 2,
                x: 0,
                y: 5
            }
        );
        let at = |x: u32, y: u32| buffer[(y * w + x) as usize];
        assert_eq!(at(0, 0), 0, "the letterbox is black");
        for (x, y) in [(0, 5), (1, 5), (0, 6), (1, 6)] {
            assert_eq!(at(x, y), 0x00ff_0000);
        }
        assert_eq!(at(2, 5), 0x0000_00ff);
        assert_eq!(at(4, 5), 0);
    }

    #[test]
    fn text_is_clipped_to_the_buffer() {
        let mut buffer = vec![0u32; 20 * 10];
        text_box(&mut buffer, (20, 10), (5, 5), 2, &["WWW".into()], 1);
        assert!(buffer.contains(&0x00ff_ffff));
    }
}
