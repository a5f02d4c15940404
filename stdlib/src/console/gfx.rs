//! Drawing primitives on a [`Framebuffer`].
//!
//! Coordinates and sizes are PBS ints (`i64`). Every primitive clips to the screen, never panics
//! and never overflows for any input (the arithmetic runs in `i128`/`u128`), and its work is
//! bounded by the visible area rather than by the size of the shape. Colours use the low 16
//! bits of the int (RGB565). Each function returns how many pixels it wrote after clipping,
//! which the host functions turn into cycle costs.

use super::font;
use super::framebuffer::{Framebuffer, WIDTH};

#[cfg(test)]
mod tests;

/// The RGB565 colour in the low 16 bits of a PBS int.
fn colour(c: i64) -> u16 {
    c as u16
}

/// The clip rectangle as wide ints: `(x0, y0, x1, y1)`, ends exclusive.
pub(crate) fn bounds(fb: &Framebuffer) -> (i128, i128, i128, i128) {
    let c = fb.clip();
    (c.x0 as i128, c.y0 as i128, c.x1 as i128, c.y1 as i128)
}

/// Writes one pixel if it is inside the clip rectangle; returns how many pixels were written
/// (0 or 1).
fn plot(fb: &mut Framebuffer, x: i128, y: i128, c: u16) -> u64 {
    let (x0, y0, x1, y1) = bounds(fb);
    if (x0..x1).contains(&x) && (y0..y1).contains(&y) {
        fb.set(x as usize, y as usize, c);
        1
    } else {
        0
    }
}

/// Fills the pixels `x0..=x1` of row `y`, clipped; returns how many were written.
fn hspan(fb: &mut Framebuffer, y: i128, x0: i128, x1: i128, c: u16) -> u64 {
    let (cx0, cy0, cx1, cy1) = bounds(fb);
    let (a, b) = (x0.max(cx0), x1.min(cx1 - 1));
    if !(cy0..cy1).contains(&y) || a > b {
        return 0;
    }
    let row = y as usize * WIDTH;
    fb.pixels_mut()[row + a as usize..=row + b as usize].fill(c);
    (b - a + 1) as u64
}

/// Fills the pixels `y0..=y1` of column `x`, clipped; returns how many were written.
fn vspan(fb: &mut Framebuffer, x: i128, y0: i128, y1: i128, c: u16) -> u64 {
    let (cx0, cy0, cx1, cy1) = bounds(fb);
    let (a, b) = (y0.max(cy0), y1.min(cy1 - 1));
    if !(cx0..cx1).contains(&x) || a > b {
        return 0;
    }
    for y in a..=b {
        fb.set(x as usize, y as usize, c);
    }
    (b - a + 1) as u64
}

/// Fills the clip rectangle (the whole screen unless `Gfx.clip` limited it) with colour `c`;
/// returns the number of pixels written.
pub fn clear(fb: &mut Framebuffer, c: i64) -> u64 {
    let clip = fb.clip();
    if clip.is_empty() {
        return 0;
    }
    let c = colour(c);
    for row in clip.y0..clip.y1 {
        fb.pixels_mut()[row * WIDTH + clip.x0..row * WIDTH + clip.x1].fill(c);
    }
    ((clip.x1 - clip.x0) * (clip.y1 - clip.y0)) as u64
}

/// Sets the pixel at `(x, y)` when it is on screen; returns 1 if written, else 0.
pub fn pixel(fb: &mut Framebuffer, x: i64, y: i64, c: i64) -> u64 {
    plot(fb, x.into(), y.into(), colour(c))
}

/// The steps `i` in `0..=len` for which `start + dir * i` lies in `0..limit`, if any.
fn visible_steps(start: i128, dir: i128, len: u128, limit: i128) -> Option<(u128, u128)> {
    let len = len as i128;
    let (lo, hi) = if dir > 0 {
        ((-start).max(0), (limit - 1 - start).min(len))
    } else {
        ((start - (limit - 1)).max(0), start.min(len))
    };
    (lo <= hi).then_some((lo as u128, hi as u128))
}

/// Draws a line from `(x0, y0)` to `(x1, y1)`, both endpoints included; returns pixels written.
///
/// The line takes `max(|dx|, |dy|) + 1` steps along its major axis; at step `i` the minor axis
/// has moved `i * minor / major` rounded to nearest, halves rounding away from the start
/// (exactly what Bresenham's error term produces). Only the steps whose major coordinate is on
/// screen are visited, starting from the error term computed in closed form, so a line between
/// far off-screen points costs no more than one across the screen.
pub fn line(fb: &mut Framebuffer, x0: i64, y0: i64, x1: i64, y1: i64, c: i64) -> u64 {
    let c = colour(c);
    let (x0, y0, x1, y1) = (
        i128::from(x0),
        i128::from(y0),
        i128::from(x1),
        i128::from(y1),
    );
    let (dx, dy) = ((x1 - x0).unsigned_abs(), (y1 - y0).unsigned_abs());
    let (sx, sy) = (if x1 >= x0 { 1 } else { -1 }, if y1 >= y0 { 1 } else { -1 });
    if dx == 0 && dy == 0 {
        return plot(fb, x0, y0, c);
    }
    // Walk the major axis; `to_xy` maps (major offset, minor offset) back to a position.
    let (cx0, cy0, cx1, cy1) = bounds(fb);
    let (start, dir, major, minor, lo_bound, limit) = if dx >= dy {
        (x0, sx, dx, dy, cx0, cx1 - cx0)
    } else {
        (y0, sy, dy, dx, cy0, cy1 - cy0)
    };
    let to_xy = |i: u128, m: u128| -> (i128, i128) {
        let (i, m) = (i as i128, m as i128);
        if dx >= dy {
            (x0 + sx * i, y0 + sy * m)
        } else {
            (x0 + sx * m, y0 + sy * i)
        }
    };
    let Some((lo, hi)) = visible_steps(start - lo_bound, dir, major, limit) else {
        return 0;
    };
    // `lo * minor` < 2^128 because both factors are below 2^64.
    let product = lo * minor;
    let (mut q, mut r) = (product / major, product % major);
    let mut written = 0;
    for i in lo..=hi {
        let m = q + u128::from(2 * r >= major);
        let (x, y) = to_xy(i, m);
        written += plot(fb, x, y, c);
        r += minor;
        if r >= major {
            r -= major;
            q += 1;
        }
    }
    written
}

/// Draws the outline of the `w × h` rectangle with top-left corner `(x, y)`; returns pixels written.
pub fn rect(fb: &mut Framebuffer, x: i64, y: i64, w: i64, h: i64, c: i64) -> u64 {
    if w <= 0 || h <= 0 {
        return 0;
    }
    let c = colour(c);
    let (x0, y0) = (i128::from(x), i128::from(y));
    let (x1, y1) = (x0 + i128::from(w) - 1, y0 + i128::from(h) - 1);
    if h == 1 {
        return hspan(fb, y0, x0, x1, c);
    }
    if w == 1 {
        return vspan(fb, x0, y0, y1, c);
    }
    hspan(fb, y0, x0, x1, c)
        + hspan(fb, y1, x0, x1, c)
        + vspan(fb, x0, y0 + 1, y1 - 1, c)
        + vspan(fb, x1, y0 + 1, y1 - 1, c)
}

/// Fills the `w × h` rectangle with top-left corner `(x, y)`; returns pixels written.
pub fn fill_rect(fb: &mut Framebuffer, x: i64, y: i64, w: i64, h: i64, c: i64) -> u64 {
    if w <= 0 || h <= 0 {
        return 0;
    }
    let c = colour(c);
    let (x0, y0) = (i128::from(x), i128::from(y));
    let (x1, y1) = (x0 + i128::from(w) - 1, y0 + i128::from(h) - 1);
    let (_, cy0, _, cy1) = bounds(fb);
    (y0.max(cy0)..=y1.min(cy1 - 1))
        .map(|row| hspan(fb, row, x0, x1, c))
        .sum()
}

/// The smallest `s` with `s * s >= t`.
fn ceil_sqrt(t: u128) -> u128 {
    let s = match u64::try_from(t) {
        Ok(small) => u128::from(small.isqrt()),
        Err(_) => t.isqrt(),
    };
    if s * s == t {
        s
    } else {
        s + 1
    }
}

/// The largest `s` with `s * s <= t`.
fn floor_sqrt(t: u128) -> u128 {
    match u64::try_from(t) {
        Ok(small) => u128::from(small.isqrt()),
        Err(_) => t.isqrt(),
    }
}

/// The row the midpoint circle algorithm picks for column `x` (`x <= r`) of its first octant:
/// the smallest `y` with `x² + (y + ½)² >= r²`, i.e. `√(r² − x²)` rounded, halves down.
///
/// `r < 2^63`, so `4r²` fits in a `u128`.
fn octant_y(r: u128, x: u128) -> u128 {
    ceil_sqrt(4 * (r * r - x * x)) / 2
}

/// Draws the outline of the circle of radius `r` around `(x, y)` (midpoint algorithm); returns
/// pixels written. A negative radius draws nothing; radius 0 draws the centre pixel.
///
/// The pixels are exactly those of the classic midpoint algorithm, computed per visible column
/// and row of each octant in closed form, so a huge circle costs no more than a screen-sized one.
pub fn circle(fb: &mut Framebuffer, x: i64, y: i64, r: i64, c: i64) -> u64 {
    if r < 0 {
        return 0;
    }
    let c = colour(c);
    let (cx, cy, r) = (i128::from(x), i128::from(y), r as u128);
    // On-screen points as (y, x), so sorting orders them row by row.
    let mut points: Vec<(i128, i128)> = Vec::new();
    let (bx0, by0, bx1, by1) = bounds(fb);
    let visit = |points: &mut Vec<(i128, i128)>, px: i128, py: i128| {
        if (bx0..bx1).contains(&px) && (by0..by1).contains(&py) {
            points.push((py, px));
        }
    };
    // The octants stepping along x: (cx ± i, cy ± y(i)).
    for dir in [1, -1] {
        if let Some((lo, hi)) = visible_steps(cx - bx0, dir, r, bx1 - bx0) {
            for i in lo..=hi {
                let oy = octant_y(r, i);
                if i > oy {
                    break;
                }
                for sy in [1, -1] {
                    visit(&mut points, cx + dir * i as i128, cy + sy * oy as i128);
                }
            }
        }
    }
    // The octants stepping along y: (cx ± y(i), cy ± i).
    for dir in [1, -1] {
        if let Some((lo, hi)) = visible_steps(cy - by0, dir, r, by1 - by0) {
            for i in lo..=hi {
                let ox = octant_y(r, i);
                if i > ox {
                    break;
                }
                for sx in [1, -1] {
                    visit(&mut points, cx + sx * ox as i128, cy + dir * i as i128);
                }
            }
        }
    }
    points.sort_unstable();
    points.dedup();
    for &(py, px) in &points {
        fb.set(px as usize, py as usize, c);
    }
    points.len() as u64
}

/// The half-width of row `v` (`v <= r`) of a filled circle: the farthest column its midpoint
/// outline reaches on that row.
fn half_width(r: u128, v: u128) -> u128 {
    let oy = octant_y(r, v);
    if v <= oy {
        // Rows near the centre are crossed by the octants that step along y.
        oy
    } else {
        // Elsewhere: the largest column i with y(i) >= v, i.e. 4i² < 4r² − (2v − 1)².
        let m = 4 * r * r - (2 * v - 1) * (2 * v - 1);
        floor_sqrt((m - 1) / 4)
    }
}

/// Fills the circle of radius `r` around `(x, y)`: every row spans its outline exactly as
/// [`circle`] draws it; returns pixels written. Radius 0 draws the centre pixel.
pub fn fill_circle(fb: &mut Framebuffer, x: i64, y: i64, r: i64, c: i64) -> u64 {
    if r < 0 {
        return 0;
    }
    let c = colour(c);
    let (cx, cy, ri) = (i128::from(x), i128::from(y), i128::from(r));
    let r = r as u128;
    let (_, by0, _, by1) = bounds(fb);
    ((cy - ri).max(by0)..=(cy + ri).min(by1 - 1))
        .map(|row| {
            let half = half_width(r, (row - cy).unsigned_abs()) as i128;
            hspan(fb, row, cx - half, cx + half, c)
        })
        .sum()
}

/// Draws one glyph with its top-left corner at `(x, y)`; returns pixels written.
fn glyph(fb: &mut Framebuffer, x: i128, y: i128, rows: [u8; 8], c: u16) -> u64 {
    let mut written = 0;
    for (dy, bits) in rows.into_iter().enumerate() {
        for dx in 0..8 {
            if bits & (0x80 >> dx) != 0 {
                written += plot(fb, x + dx as i128, y + dy as i128, c);
            }
        }
    }
    written
}

/// Draws `s` in the built-in 8×8 font with its top-left corner at `(x, y)`; returns pixels
/// written. Only set glyph pixels are drawn (the background shows through). Each character
/// advances 8 pixels; `\n` returns to `x`, 8 pixels down; characters outside ASCII 32–126 draw
/// as `?`.
pub fn text(fb: &mut Framebuffer, x: i64, y: i64, s: &str, c: i64) -> u64 {
    let c = colour(c);
    let start = i128::from(x);
    let (mut cx, mut cy) = (start, i128::from(y));
    let cell = i128::from(font::CELL);
    let mut written = 0;
    let (bx0, by0, bx1, by1) = bounds(fb);
    for ch in s.chars() {
        if cy >= by1 {
            break;
        }
        if ch == '\n' {
            cx = start;
            cy += cell;
            continue;
        }
        if cx > bx0 - cell && cx < bx1 && cy > by0 - cell {
            written += glyph(fb, cx, cy, font::glyph(ch), c);
        }
        cx += cell;
    }
    written
}
