//! Drawing from image assets: sprites (tiles of a bank), rectangles of an image and tile maps.
//!
//! Every function clips the destination to the framebuffer's clip rectangle first and then
//! copies row by row, skipping transparent pixels ([`TRANSPARENT`]); no per-pixel bounds test
//! remains in the inner loop. Positions are screen positions (the caller has applied the
//! camera). Each function returns how many pixels it wrote, which the host functions turn
//! into cycle costs.

use super::framebuffer::{Framebuffer, WIDTH};
use super::gfx::bounds;
use prometeu_bytecode::assets::{BankDecl, Image, TRANSPARENT};
use prometeu_vm::TileMapData;

/// A rectangle of an image to copy, with its destination and mirroring.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Blit {
    /// The source rectangle's left column in the image.
    pub sx: i64,
    /// The source rectangle's top row in the image.
    pub sy: i64,
    /// The source rectangle's width.
    pub w: i64,
    /// The source rectangle's height.
    pub h: i64,
    /// The destination's left column on screen.
    pub dx: i64,
    /// The destination's top row on screen.
    pub dy: i64,
    /// Mirror left to right.
    pub flip_x: bool,
    /// Mirror top to bottom.
    pub flip_y: bool,
}

/// Copies a rectangle of `image` to the screen. The part of the source rectangle outside the
/// image draws nothing (the rest stays where it would have been); returns pixels written.
pub fn blit(fb: &mut Framebuffer, image: &Image, b: Blit) -> u64 {
    // Clip the source rectangle to the image, moving the destination with it. With a flip,
    // the columns cut from one side of the source move the other side of the destination.
    let (iw, ih) = (i128::from(image.width), i128::from(image.height));
    let (sx, sy, w, h) = (
        i128::from(b.sx),
        i128::from(b.sy),
        i128::from(b.w),
        i128::from(b.h),
    );
    let (dx, dy) = (i128::from(b.dx), i128::from(b.dy));
    let (sx0, sx1) = (sx.max(0), (sx + w).min(iw));
    let (sy0, sy1) = (sy.max(0), (sy + h).min(ih));
    if sx0 >= sx1 || sy0 >= sy1 {
        return 0;
    }
    // Destination of source column `u`: dx + (u - sx) unflipped, dx + (sx + w - 1 - u) flipped.
    let dest_x = |u: i128| {
        if b.flip_x {
            dx + (sx + w - 1 - u)
        } else {
            dx + (u - sx)
        }
    };
    let dest_y = |v: i128| {
        if b.flip_y {
            dy + (sy + h - 1 - v)
        } else {
            dy + (v - sy)
        }
    };
    let (ax, bx) = (
        dest_x(sx0).min(dest_x(sx1 - 1)),
        dest_x(sx0).max(dest_x(sx1 - 1)),
    );
    let (ay, by) = (
        dest_y(sy0).min(dest_y(sy1 - 1)),
        dest_y(sy0).max(dest_y(sy1 - 1)),
    );
    // Intersect the destination rectangle `ax..=bx × ay..=by` with the clip rectangle.
    let (cx0, cy0, cx1, cy1) = bounds(fb);
    let (x0, x1) = (ax.max(cx0), bx.min(cx1 - 1));
    let (y0, y1) = (ay.max(cy0), by.min(cy1 - 1));
    if x0 > x1 || y0 > y1 {
        return 0;
    }
    let width = (x1 - x0 + 1) as usize;
    let stride = usize::from(image.width);
    let pixels = fb.pixels_mut();
    let mut written = 0u64;
    for y in y0..=y1 {
        // The source row that lands on screen row `y`, and the source column under `x0`.
        let v = if b.flip_y {
            sy + h - 1 - (y - dy)
        } else {
            sy + (y - dy)
        } as usize;
        let u0 = if b.flip_x {
            sx + w - 1 - (x0 - dx)
        } else {
            sx + (x0 - dx)
        } as usize;
        let dst = &mut pixels[y as usize * WIDTH + x0 as usize..][..width];
        let src_row = &image.pixels[v * stride..(v + 1) * stride];
        if b.flip_x {
            let src = &src_row[u0 + 1 - width..=u0];
            written += copy_row(dst, src.iter().rev());
        } else {
            written += copy_row(dst, &src_row[u0..u0 + width]);
        }
    }
    written
}

/// Copies one row, skipping transparent pixels; returns how many were written. The test is a
/// select rather than a branch, so sprites with scattered transparency cost no mispredictions.
fn copy_row<'a>(dst: &mut [u16], src: impl IntoIterator<Item = &'a u16>) -> u64 {
    let mut written = 0;
    for (d, &p) in dst.iter_mut().zip(src) {
        let opaque = p != TRANSPARENT;
        *d = if opaque { p } else { *d };
        written += u64::from(opaque);
    }
    written
}

/// Where tile `n` of a bank starts in its image, in pixels, if the bank has that tile.
pub fn tile_origin(bank: &BankDecl, image: &Image, n: i64) -> Option<(i64, i64)> {
    let t = i64::from(bank.tile);
    let cols = i64::from(image.width) / t;
    let count = cols * (i64::from(image.height) / t);
    (0..count)
        .contains(&n)
        .then(|| ((n % cols) * t, (n / cols) * t))
}

/// Why a sprite could not be drawn.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SpriteError {
    /// The tile number is not in the bank.
    NoTile {
        /// The tile asked for.
        tile: i64,
        /// How many tiles the bank has.
        count: i64,
    },
    /// The `w × h` block starting at the tile runs off the bank's image.
    BlockOutside {
        /// The top-left tile.
        tile: i64,
        /// The block's width in tiles.
        w: i64,
        /// The block's height in tiles.
        h: i64,
    },
}

impl std::fmt::Display for SpriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SpriteError::NoTile { tile, count } => write!(
                f,
                "tile {tile} is not in the bank (it has tiles 0 to {})",
                count - 1
            ),
            SpriteError::BlockOutside { tile, w, h } => write!(
                f,
                "the {w}x{h} block of tiles starting at tile {tile} runs off the bank's image"
            ),
        }
    }
}

/// Draws the `w × h` block of tiles whose top-left tile is `n` with its top-left corner at
/// `(x, y)`, optionally mirrored as a whole; returns pixels written. A block of zero or
/// negative size draws nothing.
#[allow(clippy::too_many_arguments)]
pub fn sprite(
    fb: &mut Framebuffer,
    bank: &BankDecl,
    image: &Image,
    n: i64,
    pos: (i64, i64),
    size: (i64, i64),
    flip: (bool, bool),
) -> Result<u64, SpriteError> {
    let t = i64::from(bank.tile);
    let count = (i64::from(image.width) / t) * (i64::from(image.height) / t);
    let Some((sx, sy)) = tile_origin(bank, image, n) else {
        return Err(SpriteError::NoTile { tile: n, count });
    };
    let (w, h) = size;
    if w <= 0 || h <= 0 {
        return Ok(0);
    }
    let fits = |start: i64, tiles: i64, side: u16| {
        tiles
            .checked_mul(t)
            .and_then(|len| start.checked_add(len))
            .is_some_and(|end| end <= i64::from(side))
    };
    if !fits(sx, w, image.width) || !fits(sy, h, image.height) {
        return Err(SpriteError::BlockOutside { tile: n, w, h });
    }
    Ok(blit(
        fb,
        image,
        Blit {
            sx,
            sy,
            w: w * t,
            h: h * t,
            dx: pos.0,
            dy: pos.1,
            flip_x: flip.0,
            flip_y: flip.1,
        },
    ))
}

/// What drawing a map did: the cells visited and the pixels written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MapDraw {
    /// Cells looked at (inside the map, the asked range and the clip rectangle).
    pub cells: u64,
    /// Pixels written.
    pub pixels: u64,
}

/// A cell whose tile is not in the bank.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BadCell {
    /// The cell's column.
    pub x: i64,
    /// The cell's row.
    pub y: i64,
    /// The tile it holds.
    pub tile: i64,
    /// How many tiles the bank has.
    pub count: i64,
}

/// The cells of one map layer to draw and where: cells `cx..cx+cw × cy..cy+ch`, cell `(cx, cy)`
/// with its top-left corner at screen `(sx, sy)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MapView {
    /// The layer.
    pub layer: i64,
    /// The first column.
    pub cx: i64,
    /// The first row.
    pub cy: i64,
    /// How many columns.
    pub cw: i64,
    /// How many rows.
    pub ch: i64,
    /// The screen column of the first cell's left edge.
    pub sx: i64,
    /// The screen row of the first cell's top edge.
    pub sy: i64,
}

/// Draws cells of one layer of a map with a bank's tiles. Only cells that are inside the map,
/// inside the asked range and at least partly inside the clip rectangle are visited, so the
/// work is bounded by the visible area; empty cells (`-1`) draw nothing. A cell with a tile
/// the bank does not have stops the drawing with an error.
pub fn map(
    fb: &mut Framebuffer,
    map: &TileMapData,
    bank: &BankDecl,
    image: &Image,
    view: MapView,
) -> Result<MapDraw, BadCell> {
    let mut out = MapDraw::default();
    if !(0..i64::from(map.layers)).contains(&view.layer) || view.cw <= 0 || view.ch <= 0 {
        return Ok(out);
    }
    let t = i128::from(bank.tile);
    let (bx0, by0, bx1, by1) = bounds(fb);
    // Cell `c` covers the pixels from `s + (c - c0) * t` for `t` pixels: the first cell that
    // reaches `lo` is the one holding pixel `lo`, the last one starts at or before `hi - 1`.
    let range = |c0: i64, n: i64, s: i64, lo: i128, hi: i128, len: u32| -> (i128, i128) {
        let (c0, n, s) = (i128::from(c0), i128::from(n), i128::from(s));
        let first = (c0 + (lo - s).div_euclid(t).max(0)).max(0);
        let last = (c0 + (hi - 1 - s).div_euclid(t).min(n - 1)).min(i128::from(len) - 1);
        (first, last)
    };
    let (x_first, x_last) = range(view.cx, view.cw, view.sx, bx0, bx1, map.width);
    let (y_first, y_last) = range(view.cy, view.ch, view.sy, by0, by1, map.height);
    if x_first > x_last || y_first > y_last {
        return Ok(out);
    }
    let cols = i64::from(image.width) / i64::from(bank.tile);
    let count = cols * (i64::from(image.height) / i64::from(bank.tile));
    for y in y_first..=y_last {
        for x in x_first..=x_last {
            out.cells += 1;
            let tile = i64::from(map.get(view.layer, x as i64, y as i64));
            if tile < 0 {
                continue;
            }
            if tile >= count {
                return Err(BadCell {
                    x: x as i64,
                    y: y as i64,
                    tile,
                    count,
                });
            }
            let t64 = i64::from(bank.tile);
            let dx = i128::from(view.sx) + (x - i128::from(view.cx)) * t;
            let dy = i128::from(view.sy) + (y - i128::from(view.cy)) * t;
            out.pixels += blit(
                fb,
                image,
                Blit {
                    sx: (tile % cols) * t64,
                    sy: (tile / cols) * t64,
                    w: t64,
                    h: t64,
                    dx: dx as i64,
                    dy: dy as i64,
                    flip_x: false,
                    flip_y: false,
                },
            );
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
