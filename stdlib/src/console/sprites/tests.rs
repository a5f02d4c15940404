//! The blitter against a naive per-pixel reference, and the bounds of map drawing.

use super::*;
use crate::console::framebuffer::Clip;

/// A 24×16 image whose pixel `(x, y)` is `x + 32 * y + 1`, with a transparent diagonal.
fn image() -> Image {
    let mut pixels = Vec::new();
    for y in 0..16u16 {
        for x in 0..24u16 {
            pixels.push(if x == y { TRANSPARENT } else { x + 32 * y + 1 });
        }
    }
    Image {
        name: "t.png".into(),
        width: 24,
        height: 16,
        pixels,
    }
}

/// What `blit` must do, one pixel at a time.
fn reference(fb: &mut Framebuffer, image: &Image, b: Blit) -> u64 {
    let clip = fb.clip();
    let mut written = 0;
    for v in 0..b.h.max(0) {
        for u in 0..b.w.max(0) {
            let (sx, sy) = (b.sx + u, b.sy + v);
            if sx < 0 || sy < 0 || sx >= i64::from(image.width) || sy >= i64::from(image.height) {
                continue;
            }
            let p = image.pixels[(sy * i64::from(image.width) + sx) as usize];
            let dx = b.dx + if b.flip_x { b.w - 1 - u } else { u };
            let dy = b.dy + if b.flip_y { b.h - 1 - v } else { v };
            let inside = (clip.x0 as i64..clip.x1 as i64).contains(&dx)
                && (clip.y0 as i64..clip.y1 as i64).contains(&dy);
            if p != TRANSPARENT && inside {
                fb.set(dx as usize, dy as usize, p);
                written += 1;
            }
        }
    }
    written
}

#[test]
fn blit_matches_the_reference_with_flips_clipping_and_partial_sources() {
    let image = image();
    let clips = [
        Clip::FULL,
        Clip::new(5, 3, 20, 11),
        Clip::new(300, 170, 50, 50),
    ];
    let mut cases = 0;
    for clip in clips {
        for &(sx, sy, w, h) in &[
            (0, 0, 24, 16),
            (3, 2, 9, 7),
            (-4, -3, 10, 8),
            (20, 12, 10, 10),
        ] {
            for &(dx, dy) in &[(0, 0), (-5, -2), (7, 4), (310, 172), (-30, 0)] {
                for flip_x in [false, true] {
                    for flip_y in [false, true] {
                        let b = Blit {
                            sx,
                            sy,
                            w,
                            h,
                            dx,
                            dy,
                            flip_x,
                            flip_y,
                        };
                        let (mut fast, mut slow) = (Framebuffer::new(), Framebuffer::new());
                        fast.set_clip(clip);
                        slow.set_clip(clip);
                        let n = blit(&mut fast, &image, b);
                        assert_eq!(n, reference(&mut slow, &image, b), "{b:?} {clip:?}");
                        assert!(fast.pixels() == slow.pixels(), "{b:?} {clip:?}");
                        cases += 1;
                    }
                }
            }
        }
    }
    assert_eq!(cases, 3 * 4 * 5 * 4);
}

#[test]
fn extreme_positions_and_sizes_draw_nothing_and_do_not_overflow() {
    let image = image();
    let mut fb = Framebuffer::new();
    for &(dx, dy, w, h) in &[
        (i64::MAX, 0, 8, 8),
        (i64::MIN, i64::MIN, 8, 8),
        (0, 0, i64::MAX, i64::MAX),
        (0, 0, i64::MIN, 4),
        (i64::MAX - 2, i64::MAX - 2, i64::MAX, i64::MAX),
    ] {
        let b = Blit {
            sx: 0,
            sy: 0,
            w,
            h,
            dx,
            dy,
            flip_x: true,
            flip_y: true,
        };
        let n = blit(&mut fb, &image, b);
        assert!(n <= 24 * 16);
    }
}

#[test]
fn map_drawing_visits_only_cells_on_screen() {
    let bank = BankDecl {
        name: "B".into(),
        image: 0,
        tile: 8,
    };
    let image = image();
    let map = TileMapData {
        width: 1000,
        height: 1000,
        layers: 1,
        cells: vec![0; 1_000_000],
    };
    let mut fb = Framebuffer::new();
    let view = |sx, sy| MapView {
        layer: 0,
        cx: 0,
        cy: 0,
        cw: 1000,
        ch: 1000,
        sx,
        sy,
    };
    // Aligned: 40 × 23 cells cover 320 × 180 (the last row half).
    let drawn = super::map(&mut fb, &map, &bank, &image, view(0, 0)).unwrap();
    assert_eq!(drawn.cells, 40 * 23);
    // Scrolled by 3 pixels: one more column and row are partly visible.
    let drawn = super::map(&mut fb, &map, &bank, &image, view(-3, -3)).unwrap();
    assert_eq!(drawn.cells, 41 * 23);
    // Far off screen, or an enormous range: nothing, or still one screen's worth.
    let far = super::map(&mut fb, &map, &bank, &image, view(i64::MIN, i64::MIN)).unwrap();
    assert_eq!(far.cells, 0);
    let wide = MapView {
        layer: 0,
        cx: i64::MIN,
        cy: i64::MIN,
        cw: i64::MAX,
        ch: i64::MAX,
        sx: 0,
        sy: 0,
    };
    let drawn = super::map(&mut fb, &map, &bank, &image, wide).unwrap();
    assert_eq!(
        drawn.cells, 0,
        "cells left of the map are empty and not visited"
    );
    // A clip rectangle limits the cells visited too.
    fb.set_clip(Clip::new(0, 0, 16, 16));
    let drawn = super::map(&mut fb, &map, &bank, &image, view(0, 0)).unwrap();
    assert_eq!(drawn.cells, 4);
    assert_eq!(fb.clip().y1, 16);
}

#[test]
fn a_sprite_block_must_lie_inside_the_bank() {
    let bank = BankDecl {
        name: "B".into(),
        image: 0,
        tile: 8,
    };
    let image = image(); // 3 × 2 tiles
    let mut fb = Framebuffer::new();
    assert!(sprite(&mut fb, &bank, &image, 5, (0, 0), (1, 1), (false, false)).is_ok());
    assert_eq!(
        sprite(&mut fb, &bank, &image, 6, (0, 0), (1, 1), (false, false)),
        Err(SpriteError::NoTile { tile: 6, count: 6 })
    );
    assert_eq!(
        sprite(&mut fb, &bank, &image, 1, (0, 0), (3, 1), (false, false)),
        Err(SpriteError::BlockOutside {
            tile: 1,
            w: 3,
            h: 1
        })
    );
    assert!(sprite(&mut fb, &bank, &image, 0, (0, 0), (3, 2), (true, true)).is_ok());
    assert!(sprite(
        &mut fb,
        &bank,
        &image,
        0,
        (0, 0),
        (i64::MAX, 2),
        (true, true)
    )
    .is_err());
}
