//! The host time of a cartridge frame whose sound device is fully busy through the sampler's
//! whole path: a `declare sound` converted at build time (the platformer's 22,050 Hz jump
//! chirp, resampled to 48 kHz), started by `Audio.play` on all 16 voices at different pitches
//! and pans, looped, with the 4 synthesizer channels playing too. One tick runs the cart's
//! (empty) frame and mixes the frame's 800 stereo sample frames.
//!
//! `cargo bench --bench sound`; the figures are in docs/performance.md.

use criterion::{criterion_group, criterion_main, Criterion};
use prometeu::cart::{Cart, CartConfig};
use prometeu::compiler::assets::ReadError;
use prometeu::compiler::CompileOptions;
use prometeu::vm::Output;
use std::hint::black_box;

/// Discards program output.
struct Discard;

impl Output for Discard {
    fn write_str(&mut self, _: &str) {}
}

const CART: &str = r#"
declare sound HOP = "assets/jump.wav";

fn start() {
    for c from 0 until 4 {
        Audio.tone(c, [Wave.PULSE, Wave.TRIANGLE, Wave.SINE, Wave.NOISE][c], 220 + 110 * c, 36000, 200);
    }
    for v from 0 until 16 {
        Audio.play(HOP, v, 180, v * 16, 128 + v * 37, true);
    }
}

[Init]
fn init() {
    start();
}

[Frame]
fn frame() {
    if System.frame() % 30000 == 29999 {
        start();
    }
}
"#;

fn sampler(c: &mut Criterion) {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/carts/platformer");
    let read = |p: &str| std::fs::read(root.join(p)).map_err(|_| ReadError::NotFound);
    let unit = prometeu::compile_source_with_assets(
        "busy.pbs",
        CART,
        &CompileOptions::default(),
        Some(&read),
    );
    let verified = prometeu::verify(unit.compiled.program.expect("compiles")).expect("verifies");
    let mut cart = Cart::boot(verified, CartConfig::default(), Box::new(Discard)).expect("boots");
    cart.tick(0).expect("no trap");
    assert!(cart.audio().iter().any(|&s| s != 0), "the device sounds");
    c.bench_function("cart_frame/4 channels + 16 sampled voices", |b| {
        b.iter(|| black_box(cart.tick(0).expect("no trap")))
    });
}

criterion_group!(benches, sampler);
criterion_main!(benches);
