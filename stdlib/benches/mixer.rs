//! The host time of mixing one video frame of sound (800 stereo sample frames), with every
//! source busy: 4 synthesizer channels and 16 sampler voices, and with nothing playing.
//!
//! `cargo bench -p prometeu-stdlib --bench mixer`; the figures are in docs/performance.md.

use criterion::{criterion_group, criterion_main, Criterion};
use prometeu_stdlib::console::audio::{Audio, Sound, SILENT_BLOCK};
use std::hint::black_box;

/// A device with all 4 channels playing (one of each tonal wave, and noise) and all 16 voices
/// playing a looped one-second sound at different pitches and pans.
fn busy() -> Audio {
    let mut audio = Audio::new();
    for (channel, wave) in [(0, 0), (1, 1), (2, 3), (3, 4)] {
        audio
            .tone(channel, wave, 220 + 110 * channel, 36_000, 200)
            .unwrap();
    }
    let sound = Sound::new(
        (0..48_000)
            .map(|i| ((i * 7919) % 65_536 - 32_768) as i16)
            .collect::<Vec<_>>(),
    );
    for voice in 0..16 {
        audio
            .play(voice, &sound, 180, voice * 16, 128 + voice * 37, true)
            .unwrap();
    }
    audio
}

fn mixer(c: &mut Criterion) {
    let mut block = SILENT_BLOCK;
    let mut audio = busy();
    assert_eq!(audio.active(), 20);
    c.bench_function("mix_frame/4 channels + 16 voices", |b| {
        b.iter(|| {
            audio.mix_frame(&mut block);
            black_box(&block);
        })
    });
    let mut quiet = Audio::new();
    c.bench_function("mix_frame/silent", |b| {
        b.iter(|| {
            quiet.mix_frame(&mut block);
            black_box(&block);
        })
    });
}

criterion_group!(benches, mixer);
criterion_main!(benches);
