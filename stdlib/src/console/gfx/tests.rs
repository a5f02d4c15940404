//! Tests of the drawing primitives: clipping, pixel counts and shapes.

use super::*;
use crate::console::framebuffer::HEIGHT;
use std::collections::BTreeSet;

/// The screen width as a wide int.
const W: i128 = WIDTH as i128;
/// The screen height as a wide int.
const H: i128 = HEIGHT as i128;

/// Every lit (non-zero) pixel as `(x, y)`.
fn lit(fb: &Framebuffer) -> BTreeSet<(i64, i64)> {
    let mut set = BTreeSet::new();
    for y in 0..HEIGHT {
        for x in 0..WIDTH {
            if fb.get(x, y) != Some(0) {
                set.insert((x as i64, y as i64));
            }
        }
    }
    set
}

/// The on-screen subset of a set of points.
fn visible(points: impl IntoIterator<Item = (i64, i64)>) -> BTreeSet<(i64, i64)> {
    points
        .into_iter()
        .filter(|&(x, y)| (0..W as i64).contains(&x) && (0..H as i64).contains(&y))
        .collect()
}

/// The classic all-octant integer Bresenham line, unclipped.
fn reference_line(mut x0: i64, mut y0: i64, x1: i64, y1: i64) -> Vec<(i64, i64)> {
    let (dx, dy) = ((x1 - x0).abs(), -(y1 - y0).abs());
    let (sx, sy) = ((x1 - x0).signum(), (y1 - y0).signum());
    let mut err = dx + dy;
    let mut out = Vec::new();
    loop {
        out.push((x0, y0));
        if x0 == x1 && y0 == y1 {
            return out;
        }
        let e2 = 2 * err;
        if e2 >= dy {
            err += dy;
            x0 += sx;
        }
        if e2 <= dx {
            err += dx;
            y0 += sy;
        }
    }
}

/// The classic incremental midpoint circle, unclipped.
fn reference_circle(cx: i64, cy: i64, r: i64) -> BTreeSet<(i64, i64)> {
    let (mut x, mut y, mut d) = (0, r, 1 - r);
    let mut out = BTreeSet::new();
    while x <= y {
        for (a, b) in [(x, y), (y, x)] {
            for (sa, sb) in [(1, 1), (1, -1), (-1, 1), (-1, -1)] {
                out.insert((cx + sa * a, cy + sb * b));
            }
        }
        x += 1;
        if d < 0 {
            d += 2 * x + 1;
        } else {
            y -= 1;
            d += 2 * (x - y) + 1;
        }
    }
    out
}

/// A small deterministic generator for test inputs.
fn lcg(state: &mut u64) -> i64 {
    *state = state
        .wrapping_mul(6_364_136_223_846_793_005)
        .wrapping_add(1_442_695_040_888_963_407);
    (*state >> 33) as i64
}

const EXTREMES: [i64; 9] = [
    i64::MIN,
    i64::MIN + 1,
    -1_000_000_000_000_000_000,
    -1,
    0,
    100,
    1_000_000_000_000_000_000,
    i64::MAX - 1,
    i64::MAX,
];

#[test]
fn clear_writes_every_pixel() {
    let mut fb = Framebuffer::new();
    assert_eq!(clear(&mut fb, 0x1_2345), 320 * 180);
    assert!(fb.pixels().iter().all(|&p| p == 0x2345), "low 16 bits only");
}

#[test]
fn pixel_clips_at_every_edge() {
    let mut fb = Framebuffer::new();
    assert_eq!(pixel(&mut fb, 0, 0, 1), 1);
    assert_eq!(pixel(&mut fb, 319, 179, 2), 1);
    for (x, y) in [(-1, 0), (0, -1), (320, 0), (0, 180), (i64::MIN, i64::MAX)] {
        assert_eq!(pixel(&mut fb, x, y, 3), 0);
    }
    assert_eq!(lit(&fb), BTreeSet::from([(0, 0), (319, 179)]));
    assert_eq!(fb.get(319, 179), Some(2));
}

#[test]
fn fill_rect_counts_and_clips() {
    let mut fb = Framebuffer::new();
    assert_eq!(fill_rect(&mut fb, 10, 20, 10, 5, 7), 50);
    assert_eq!(lit(&fb).len(), 50);
    assert_eq!(fb.get(19, 24), Some(7));
    assert_eq!(fb.get(20, 24), Some(0));
    assert_eq!(fill_rect(&mut fb, -3, 0, 10, 1, 7), 7);
    assert_eq!(fill_rect(&mut fb, 315, 0, 10, 1, 7), 5);
    assert_eq!(fill_rect(&mut fb, 0, -3, 1, 10, 7), 7);
    assert_eq!(fill_rect(&mut fb, 0, 178, 1, 10, 7), 2);
    assert_eq!(fill_rect(&mut fb, 0, 0, 0, 10, 7), 0);
    assert_eq!(fill_rect(&mut fb, 0, 0, 10, -1, 7), 0);
    assert_eq!(
        fill_rect(&mut fb, i64::MIN, i64::MIN, i64::MAX, i64::MAX, 7),
        0
    );
    assert_eq!(fill_rect(&mut fb, -5, -5, i64::MAX, i64::MAX, 7), 320 * 180);
    assert_eq!(
        fill_rect(&mut fb, i64::MAX, i64::MAX, i64::MAX, i64::MAX, 7),
        0
    );
}

#[test]
fn rect_outline_counts() {
    let mut fb = Framebuffer::new();
    assert_eq!(rect(&mut fb, 10, 10, 10, 5, 1), 26);
    assert_eq!(lit(&fb).len(), 26);
    assert_eq!(fb.get(11, 11), Some(0), "the inside stays empty");
    assert_eq!(fb.get(19, 14), Some(1), "the far corner is included");
    assert_eq!(rect(&mut fb, 0, 0, 1, 1, 1), 1);
    assert_eq!(rect(&mut fb, 0, 0, 1, 5, 1), 5);
    assert_eq!(rect(&mut fb, 0, 0, 5, 1, 1), 5);
    assert_eq!(rect(&mut fb, 0, 0, 2, 2, 1), 4);
    assert_eq!(rect(&mut fb, 0, 0, 320, 180, 1), 2 * 320 + 2 * 178);
    assert_eq!(
        rect(&mut fb, -1, -1, 322, 182, 1),
        0,
        "every edge is off screen"
    );
    assert_eq!(rect(&mut fb, -1, 5, 10, 3, 1), 9 + 9 + 1);
    assert_eq!(rect(&mut fb, 0, 0, -4, 4, 1), 0);
}

#[test]
fn extreme_rectangles_never_panic() {
    let mut fb = Framebuffer::new();
    for &a in &EXTREMES {
        for &b in &EXTREMES {
            assert!(rect(&mut fb, a, b, b, a, 1) <= 2 * 320 + 2 * 180);
            assert!(fill_rect(&mut fb, a, b, b, a, 1) <= 320 * 180);
            assert!(fill_rect(&mut fb, a, a, b, b, 1) <= 320 * 180);
        }
    }
}

#[test]
fn line_endpoints_are_inclusive() {
    let mut fb = Framebuffer::new();
    assert_eq!(line(&mut fb, 5, 5, 5, 5, 1), 1);
    assert_eq!(line(&mut fb, 10, 20, 30, 27, 2), 21);
    assert_eq!(fb.get(10, 20), Some(2));
    assert_eq!(fb.get(30, 27), Some(2));
    assert_eq!(line(&mut fb, 40, 50, 40, 10, 3), 41);
    assert_eq!(fb.get(40, 10), Some(3));
    assert_eq!(fb.get(40, 50), Some(3));
}

#[test]
fn lines_match_classic_bresenham() {
    let mut seed = 7;
    for _ in 0..1000 {
        let [x0, y0, x1, y1] = [0; 4].map(|_| lcg(&mut seed) % 500 - 90);
        let mut fb = Framebuffer::new();
        let written = line(&mut fb, x0, y0, x1, y1, 1);
        let expected = visible(reference_line(x0, y0, x1, y1));
        assert_eq!(lit(&fb), expected, "line ({x0},{y0})-({x1},{y1})");
        assert_eq!(written, expected.len() as u64);
    }
}

#[test]
fn far_lines_clip_fast_and_exactly() {
    let mut fb = Framebuffer::new();
    let big = 1_000_000_000_000_000_000;
    assert_eq!(line(&mut fb, -big, 5, big, 5, 1), 320);
    assert_eq!(line(&mut fb, 7, -big, 7, big, 1), 180);
    let mut fb = Framebuffer::new();
    assert_eq!(line(&mut fb, -big, -big, big, big, 1), 180);
    assert_eq!(lit(&fb), (0..180).map(|i| (i, i)).collect());
    let mut fb = Framebuffer::new();
    assert_eq!(
        line(&mut fb, i64::MIN, i64::MIN, i64::MAX, i64::MAX, 1),
        180
    );
    assert_eq!(lit(&fb), (0..180).map(|i| (i, i)).collect());
    // A clipped line keeps exactly the pixels of the unclipped one.
    let mut fb = Framebuffer::new();
    line(&mut fb, -100_000, -37, 150_000, 400, 1);
    let full = reference_line(-100_000, -37, 150_000, 400);
    assert_eq!(lit(&fb), visible(full));
    for &a in &EXTREMES {
        for &b in &EXTREMES {
            assert!(line(&mut fb, a, b, b, a, 1) <= 320);
            assert!(line(&mut fb, a, a, b, b, 1) <= 320);
            assert!(line(&mut fb, a, 90, b, 91, 1) <= 320);
        }
    }
}

#[test]
fn circle_matches_the_midpoint_algorithm() {
    for r in 0..120 {
        let mut fb = Framebuffer::new();
        let written = circle(&mut fb, 160, 90, r, 1);
        let expected = visible(reference_circle(160, 90, r));
        assert_eq!(lit(&fb), expected, "radius {r}");
        assert_eq!(written, expected.len() as u64);
    }
    let mut fb = Framebuffer::new();
    circle(&mut fb, 5, 170, 40, 1);
    assert_eq!(lit(&fb), visible(reference_circle(5, 170, 40)));
}

#[test]
fn circle_is_eightfold_symmetric() {
    let mut fb = Framebuffer::new();
    circle(&mut fb, 90, 90, 57, 1);
    let points = lit(&fb);
    for &(x, y) in &points {
        let (dx, dy) = (x - 90, y - 90);
        for (a, b) in [(dx, dy), (dy, dx)] {
            for (sa, sb) in [(1, 1), (1, -1), (-1, 1), (-1, -1)] {
                assert!(points.contains(&(90 + sa * a, 90 + sb * b)));
            }
        }
    }
}

#[test]
fn small_and_degenerate_circles() {
    let mut fb = Framebuffer::new();
    assert_eq!(circle(&mut fb, 3, 3, -1, 1), 0);
    assert_eq!(fill_circle(&mut fb, 3, 3, -5, 1), 0);
    assert_eq!(circle(&mut fb, 3, 3, 0, 1), 1);
    assert_eq!(fill_circle(&mut fb, 8, 8, 0, 1), 1);
    assert_eq!(lit(&fb), BTreeSet::from([(3, 3), (8, 8)]));
    assert_eq!(circle(&mut fb, 20, 20, 1, 1), 4);
    assert_eq!(fill_circle(&mut fb, 30, 30, 1, 1), 5);
}

#[test]
fn filled_rows_span_the_outline_exactly() {
    for r in 0..90 {
        let mut outline = Framebuffer::new();
        circle(&mut outline, 160, 90, r, 1);
        let mut filled = Framebuffer::new();
        let written = fill_circle(&mut filled, 160, 90, r, 1);
        // Each row of the outline, as (leftmost, rightmost) column.
        let mut spans = std::collections::BTreeMap::new();
        for (x, y) in lit(&outline) {
            let span = spans.entry(y).or_insert((x, x));
            *span = (span.0.min(x), span.1.max(x));
        }
        let expected: BTreeSet<(i64, i64)> = spans
            .iter()
            .flat_map(|(&y, &(a, b))| (a..=b).map(move |x| (x, y)))
            .collect();
        assert_eq!(lit(&filled), expected, "radius {r}");
        assert_eq!(written, expected.len() as u64);
    }
}

#[test]
fn huge_circles_clip() {
    let mut fb = Framebuffer::new();
    assert_eq!(fill_circle(&mut fb, 160, 90, i64::MAX, 1), 320 * 180);
    assert_eq!(circle(&mut fb, 160, 90, i64::MAX, 1), 0);
    // The top of a huge circle is a nearly flat arc across row 90.
    let mut fb = Framebuffer::new();
    let r = 1_000_000_000_000;
    let written = circle(&mut fb, 160, 90 + r, r, 1);
    assert_eq!(written, 320);
    assert!(lit(&fb).iter().all(|&(_, y)| y == 90));
    for &a in &EXTREMES {
        for &b in &EXTREMES {
            assert!(circle(&mut fb, a, b, b.max(a), 1) <= 4 * (320 + 180));
            assert!(fill_circle(&mut fb, a, b, b.max(a), 1) <= 320 * 180);
        }
    }
}

#[test]
fn text_draws_glyph_bitmaps() {
    let mut fb = Framebuffer::new();
    let written = text(&mut fb, 40, 30, "A", 0xffff);
    let bits = font::glyph('A');
    let mut expected = BTreeSet::new();
    for (dy, row) in bits.iter().enumerate() {
        for dx in 0..8 {
            if row & (0x80 >> dx) != 0 {
                expected.insert((40 + dx, 30 + dy as i64));
            }
        }
    }
    assert_eq!(lit(&fb), expected);
    assert_eq!(
        written,
        u64::from(bits.iter().map(|r| r.count_ones()).sum::<u32>())
    );
}

#[test]
fn text_advances_and_wraps_on_newline() {
    let mut a = Framebuffer::new();
    text(&mut a, 10, 10, "Hi\nyo", 1);
    let mut b = Framebuffer::new();
    text(&mut b, 10, 10, "H", 1);
    text(&mut b, 18, 10, "i", 1);
    text(&mut b, 10, 18, "y", 1);
    text(&mut b, 18, 18, "o", 1);
    assert_eq!(lit(&a), lit(&b));
    let mut c = Framebuffer::new();
    let mut d = Framebuffer::new();
    assert_eq!(text(&mut c, 0, 0, "é\t", 1), text(&mut d, 0, 0, "??", 1));
    assert_eq!(lit(&c), lit(&d));
    assert_eq!(text(&mut c, 0, 0, " ", 1), 0);
}

#[test]
fn text_clips_partial_glyphs() {
    let mut fb = Framebuffer::new();
    // 'A' shifted 2 left loses its two leftmost columns (only column 1 has bits there).
    let full: u32 = font::glyph('A').iter().map(|r| r.count_ones()).sum();
    let lost: u32 = font::glyph('A')
        .iter()
        .map(|r| (r & 0xc0).count_ones())
        .sum();
    assert_eq!(text(&mut fb, -2, 0, "A", 1), u64::from(full - lost));
    // Only the top-left 4×4 of 'A' is on screen: rows `..##`, `.#..`, `.#..`, `.###`.
    assert_eq!(text(&mut fb, 316, 176, "A", 1), 2 + 1 + 1 + 3);
    let long = "x".repeat(10_000);
    for &a in &EXTREMES {
        for &b in &EXTREMES {
            assert!(text(&mut fb, a, b, &long, 1) <= 320 * 180);
            assert!(text(&mut fb, a, b, "a\nb\nc", 1) <= 3 * 64);
        }
    }
}

#[test]
fn random_full_range_inputs_never_panic() {
    let mut rng = crate::console::Rng::new(1);
    let mut fb = Framebuffer::new();
    for round in 0..3000 {
        // Mix full-range values with values near the screen so both paths are exercised.
        let mut v = || {
            let raw = rng.next_u64() as i64;
            if round % 2 == 0 {
                raw
            } else {
                raw % 1000
            }
        };
        let [a, b, c, d] = [v(), v(), v(), v()];
        assert!(pixel(&mut fb, a, b, c) <= 1);
        assert!(line(&mut fb, a, b, c, d, 1) <= 320);
        assert!(rect(&mut fb, a, b, c, d, 1) <= 2 * (320 + 180));
        assert!(fill_rect(&mut fb, a, b, c, d, 1) <= 320 * 180);
        assert!(circle(&mut fb, a, b, c, 1) <= 4 * (320 + 180));
        assert!(fill_circle(&mut fb, a, b, d, 1) <= 320 * 180);
        assert!(text(&mut fb, a % 400, b % 200, "Hello,\nworld!", c) <= 12 * 64);
    }
}
