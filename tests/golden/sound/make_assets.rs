//! Writes the WAV files the sound tests in this folder play and reject. Run by
//! `tests/assets.rs`, which checks that the committed files are what this code makes
//! (`BLESS=1` rewrites them). Every sample is computed here with integers.

/// A RIFF WAV file: a `fmt ` chunk with `tag` (1 PCM, 3 float, 2 ADPCM), then `data`.
pub fn wav(tag: u16, channels: u16, rate: u32, bits: u16, data: &[u8]) -> Vec<u8> {
    wav_declaring(tag, channels, rate, bits, data, data.len() as u32)
}

/// Like [`wav`], with a `data` chunk that declares `declared` bytes whatever it holds.
pub fn wav_declaring(
    tag: u16,
    channels: u16,
    rate: u32,
    bits: u16,
    data: &[u8],
    declared: u32,
) -> Vec<u8> {
    let block = channels * bits.div_ceil(8);
    let mut out = Vec::new();
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&(36 + data.len() as u32).to_le_bytes());
    out.extend_from_slice(b"WAVEfmt ");
    out.extend_from_slice(&16u32.to_le_bytes());
    out.extend_from_slice(&tag.to_le_bytes());
    out.extend_from_slice(&channels.to_le_bytes());
    out.extend_from_slice(&rate.to_le_bytes());
    out.extend_from_slice(&(rate * u32::from(block)).to_le_bytes());
    out.extend_from_slice(&block.to_le_bytes());
    out.extend_from_slice(&bits.to_le_bytes());
    out.extend_from_slice(b"data");
    out.extend_from_slice(&declared.to_le_bytes());
    out.extend_from_slice(data);
    out
}

/// Little-endian 16-bit samples.
pub fn pcm16(samples: &[i16]) -> Vec<u8> {
    samples.iter().flat_map(|s| s.to_le_bytes()).collect()
}

/// The blip: 2,400 samples (50 ms at 48 kHz) of a 500 Hz square wave falling linearly from
/// ±16,000 to silence.
pub fn blip_samples() -> Vec<i16> {
    (0..2400i32)
        .map(|i| {
            let level = 16_000 * (2400 - i) / 2400;
            (if (i / 48) % 2 == 0 { level } else { -level }) as i16
        })
        .collect()
}

/// A rising ramp from −24,000 to 24,000 over `n` samples.
fn ramp(n: i32) -> impl Iterator<Item = i32> {
    (0..n).map(move |i| -24_000 + 48_000 * i / n)
}

/// Every file, by its path relative to this folder.
pub fn files() -> Vec<(&'static str, Vec<u8>)> {
    let blip = blip_samples();
    // 8-bit unsigned stereo at 24 kHz: a ramp on the left, one of half the height on the right.
    let stereo8: Vec<u8> = ramp(600)
        .flat_map(|v| {
            let l = (v / 256 + 128) as u8;
            let r = (v / 512 + 128) as u8;
            [l, r]
        })
        .collect();
    // 24-bit mono at 44.1 kHz.
    let mono24: Vec<u8> = ramp(441)
        .flat_map(|v| {
            let b = (v * 256).to_le_bytes();
            [b[0], b[1], b[2]]
        })
        .collect();
    // 32-bit float stereo at 32 kHz, with a left channel past full scale (clamped).
    let float32: Vec<u8> = ramp(320)
        .flat_map(|v| {
            let l = v as f32 / 12_000.0;
            let r = v as f32 / 48_000.0;
            let mut b = l.to_le_bytes().to_vec();
            b.extend_from_slice(&r.to_le_bytes());
            b
        })
        .collect();
    // 32-bit integer mono at 96 kHz.
    let int32: Vec<u8> = ramp(960).flat_map(|v| (v * 65_536).to_le_bytes()).collect();
    let mut files = vec![
        ("assets/blip.wav", wav(1, 1, 48_000, 16, &pcm16(&blip))),
        ("assets/stereo8.wav", wav(1, 2, 24_000, 8, &stereo8)),
        ("assets/mono24.wav", wav(1, 1, 44_100, 24, &mono24)),
        ("assets/float32.wav", wav(3, 2, 32_000, 32, &float32)),
        ("assets/int32.wav", wav(1, 1, 96_000, 32, &int32)),
        (
            "assets/bad/not_wav.wav",
            b"this is a text file, not a sound\n".to_vec(),
        ),
        (
            "assets/bad/truncated.wav",
            wav_declaring(1, 1, 48_000, 16, &pcm16(&blip[..100]), 4800),
        ),
        ("assets/bad/adpcm.wav", wav(2, 1, 22_050, 4, &[0x11; 64])),
        (
            "assets/bad/three_channels.wav",
            wav(1, 3, 48_000, 16, &[0; 12]),
        ),
        ("assets/bad/empty.wav", wav(1, 1, 48_000, 16, &[])),
        // An 8 kHz file that declares 2,800,000 samples: 16,800,000 at 48 kHz.
        (
            "assets/bad/long.wav",
            wav_declaring(1, 1, 8_000, 8, &[128; 16], 2_800_000),
        ),
    ];
    for (i, name) in MANY.iter().enumerate() {
        let click = [(i as i16 + 1) * 100, 0];
        files.push((name, wav(1, 1, 48_000, 16, &pcm16(&click))));
    }
    files
}

/// Sixty-five one-click files, one more than a program may carry.
pub const MANY: [&str; 65] = [
    "assets/many/00.wav",
    "assets/many/01.wav",
    "assets/many/02.wav",
    "assets/many/03.wav",
    "assets/many/04.wav",
    "assets/many/05.wav",
    "assets/many/06.wav",
    "assets/many/07.wav",
    "assets/many/08.wav",
    "assets/many/09.wav",
    "assets/many/10.wav",
    "assets/many/11.wav",
    "assets/many/12.wav",
    "assets/many/13.wav",
    "assets/many/14.wav",
    "assets/many/15.wav",
    "assets/many/16.wav",
    "assets/many/17.wav",
    "assets/many/18.wav",
    "assets/many/19.wav",
    "assets/many/20.wav",
    "assets/many/21.wav",
    "assets/many/22.wav",
    "assets/many/23.wav",
    "assets/many/24.wav",
    "assets/many/25.wav",
    "assets/many/26.wav",
    "assets/many/27.wav",
    "assets/many/28.wav",
    "assets/many/29.wav",
    "assets/many/30.wav",
    "assets/many/31.wav",
    "assets/many/32.wav",
    "assets/many/33.wav",
    "assets/many/34.wav",
    "assets/many/35.wav",
    "assets/many/36.wav",
    "assets/many/37.wav",
    "assets/many/38.wav",
    "assets/many/39.wav",
    "assets/many/40.wav",
    "assets/many/41.wav",
    "assets/many/42.wav",
    "assets/many/43.wav",
    "assets/many/44.wav",
    "assets/many/45.wav",
    "assets/many/46.wav",
    "assets/many/47.wav",
    "assets/many/48.wav",
    "assets/many/49.wav",
    "assets/many/50.wav",
    "assets/many/51.wav",
    "assets/many/52.wav",
    "assets/many/53.wav",
    "assets/many/54.wav",
    "assets/many/55.wav",
    "assets/many/56.wav",
    "assets/many/57.wav",
    "assets/many/58.wav",
    "assets/many/59.wav",
    "assets/many/60.wav",
    "assets/many/61.wav",
    "assets/many/62.wav",
    "assets/many/63.wav",
    "assets/many/64.wav",
];
