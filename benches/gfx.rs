//! Criterion benchmarks of drawing from assets: one 16×16 sprite with transparency, a
//! full-screen tile map (16- and 8-pixel tiles), and a frame of the platformer example
//! through the VM.
//!
//! Run with `cargo bench --bench gfx`.

use criterion::{criterion_group, criterion_main, Criterion};
use prometeu::bytecode::assets::{BankDecl, Image, TRANSPARENT};
use prometeu::cart::{Cart, CartConfig};
use prometeu::compiler::assets::ReadError;
use prometeu::compiler::CompileOptions;
use prometeu::stdlib::console::sprites::{self, MapView};
use prometeu::stdlib::console::Framebuffer;
use prometeu::vm::{Output, TileMapData};
use std::hint::black_box;

/// A sink that discards output.
struct Discard;

impl Output for Discard {
    fn write_str(&mut self, text: &str) {
        black_box(text);
    }
}

/// A 128×64 image where one pixel in five is transparent.
fn image() -> Image {
    Image {
        name: "bench.png".into(),
        width: 128,
        height: 64,
        pixels: (0..128 * 64u32)
            .map(|i| {
                if i % 5 == 0 {
                    TRANSPARENT
                } else {
                    (i * 2654) as u16 | 1
                }
            })
            .collect(),
    }
}

fn drawing(c: &mut Criterion) {
    let image = image();
    let mut group = c.benchmark_group("gfx");
    let bank16 = BankDecl {
        name: "B".into(),
        image: 0,
        tile: 16,
    };
    let bank8 = BankDecl {
        name: "B".into(),
        image: 0,
        tile: 8,
    };
    let mut fb = Framebuffer::new();
    let mut n = 0i64;
    group.bench_function("spr_16x16", |b| {
        b.iter(|| {
            n = (n + 37) % 300;
            let written = sprites::sprite(
                &mut fb,
                &bank16,
                &image,
                black_box(n % 32),
                (n, n % 160),
                (1, 1),
                (n % 2 == 0, false),
            );
            black_box(written)
        })
    });
    for (name, bank, tile) in [
        ("map_full_screen_16", &bank16, 16u32),
        ("map_full_screen_8", &bank8, 8),
    ] {
        let (w, h) = (320 / tile + 1, 180 / tile + 1);
        let map = TileMapData {
            width: w,
            height: h,
            layers: 1,
            cells: (0..(w * h) as i32).map(|i| i % 32).collect(),
        };
        let view = MapView {
            layer: 0,
            cx: 0,
            cy: 0,
            cw: i64::from(w),
            ch: i64::from(h),
            sx: -3,
            sy: -5,
        };
        group.bench_function(name, |b| {
            b.iter(|| black_box(sprites::map(&mut fb, &map, bank, &image, black_box(view))))
        });
    }
    group.finish();
}

fn platformer(c: &mut Criterion) {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/carts/platformer");
    let text = std::fs::read_to_string(root.join("platformer.pbs")).expect("source");
    let read = |p: &str| std::fs::read(root.join(p)).map_err(|_| ReadError::NotFound);
    let unit = prometeu::compile_source_with_assets(
        "platformer.pbs",
        &text,
        &CompileOptions::default(),
        Some(&read),
    );
    let verified = prometeu::verify(unit.compiled.program.expect("compiles")).expect("verifies");
    let mut cart = Cart::boot(verified, CartConfig::default(), Box::new(Discard)).expect("boots");
    // Hold RIGHT: the hero runs and the level scrolls.
    let right = 1u16 << prometeu::stdlib::console::input::RIGHT;
    c.bench_function("platformer_frame", |b| {
        b.iter(|| black_box(cart.tick(right).expect("no trap")))
    });
}

criterion_group!(benches, drawing, platformer);
criterion_main!(benches);
