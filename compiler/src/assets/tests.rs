//! Conversion of PNG and TMX files read from memory.

use super::*;
use prometeu_bytecode::assets::{KEY_SUBSTITUTE, TRANSPARENT};
use prometeu_lexer::SourceId;

/// Parses a source and converts its assets with files served from `files`.
fn convert_with(source: &str, files: &[(&str, Vec<u8>)]) -> (Declared, Vec<AssetError>) {
    let (tokens, errors) = prometeu_lexer::lex(source, SourceId(0));
    assert!(errors.is_empty());
    let (module, errors) = crate::parse::parse(
        &tokens,
        SourceId(0),
        source.len(),
        &crate::Limits::default(),
    );
    assert!(errors.is_empty(), "{errors:?}");
    let files: Vec<(String, Vec<u8>)> = files
        .iter()
        .map(|(n, b)| (n.to_string(), b.clone()))
        .collect();
    let read = move |path: &str| {
        files
            .iter()
            .find(|(n, _)| n == path)
            .map(|(_, b)| b.clone())
            .ok_or(ReadError::NotFound)
    };
    convert(&module, Some(&read))
}

/// An RGBA PNG of `w × h` pixels, each from `f(x, y)`.
fn rgba_png(w: u32, h: u32, f: impl Fn(u32, u32) -> [u8; 4]) -> Vec<u8> {
    let mut data = Vec::new();
    for y in 0..h {
        for x in 0..w {
            data.extend_from_slice(&f(x, y));
        }
    }
    let mut out = Vec::new();
    let mut e = png::Encoder::new(&mut out, w, h);
    e.set_color(png::ColorType::Rgba);
    e.set_depth(png::BitDepth::Eight);
    e.write_header().unwrap().write_image_data(&data).unwrap();
    out
}

#[test]
fn pixels_pack_to_rgb565_with_two_kinds_of_transparency() {
    assert_eq!(image::pack(255, 255, 255, 255), 0xffff);
    assert_eq!(image::pack(255, 0, 0, 128), 0xf800);
    assert_eq!(image::pack(255, 0, 0, 127), TRANSPARENT);
    assert_eq!(image::pack(255, 0, 255, 255), TRANSPARENT);
    // Near-magenta packs to the key's bits, so it is stored as the substitute.
    assert_eq!(image::pack(250, 0, 250, 255), KEY_SUBSTITUTE);
    assert_eq!(image::pack(255, 4, 255, 255), KEY_SUBSTITUTE);
}

#[test]
fn a_file_named_by_several_banks_is_stored_once() {
    let png = rgba_png(16, 16, |x, y| [x as u8 * 16, y as u8 * 16, 0, 255]);
    let (declared, errors) = convert_with(
        "declare bank A = \"t.png\" tile 8;\ndeclare bank B = \"./t.png\" tile 16;\ndeclare bank C = \"x/../t.png\" tile 8;\n",
        &[("t.png", png)],
    );
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(declared.assets.images.len(), 1);
    let banks: Vec<(u32, u8)> = declared
        .assets
        .banks
        .iter()
        .map(|b| (b.image, b.tile))
        .collect();
    assert_eq!(banks, [(0, 8), (0, 16), (0, 8)]);
    let image = &declared.assets.images[0];
    assert_eq!((image.width, image.height), (16, 16));
    assert_eq!(image.pixels[0], 0);
    assert_eq!(image.pixels[17], image::pack(16, 16, 0, 255));
}

#[test]
fn a_map_named_twice_is_stored_once_and_empty_cells_are_minus_one() {
    let tmx = br#"<?xml version="1.0"?>
<map version="1.10" orientation="orthogonal" renderorder="right-down" width="3" height="1" tilewidth="8" tileheight="8" infinite="0">
 <tileset firstgid="5" name="t" tilewidth="8" tileheight="8" tilecount="4" columns="2"><image source="t.png" width="16" height="16"/></tileset>
 <layer id="1" name="a" width="3" height="1"><data encoding="csv">5,0,8</data></layer>
 <objectgroup id="2" name="things"/>
</map>"#;
    let (declared, errors) = convert_with(
        "declare map M = \"m.tmx\";\ndeclare map N = \"m.tmx\";\n",
        &[("m.tmx", tmx.to_vec())],
    );
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(declared.map_files, [0, 0]);
    let map = &declared.assets.maps[0];
    assert_eq!((map.width, map.height, map.layers), (3, 1, 1));
    assert_eq!(
        map.cells,
        [0, -1, 3],
        "tile numbers count from the tileset's first gid"
    );
}

#[test]
fn an_external_tileset_is_read_through_the_same_reader() {
    let tmx = br#"<?xml version="1.0"?>
<map version="1.10" orientation="orthogonal" renderorder="right-down" width="2" height="1" tilewidth="8" tileheight="8" infinite="0">
 <tileset firstgid="1" source="tiles.tsx"/>
 <layer id="1" name="a" width="2" height="1"><data encoding="csv">2,1</data></layer>
</map>"#;
    let tsx = br#"<?xml version="1.0"?>
<tileset version="1.10" name="t" tilewidth="16" tileheight="16" tilecount="4" columns="2"><image source="t.png" width="32" height="32"/></tileset>"#;
    let png = rgba_png(16, 16, |_, _| [0, 0, 0, 255]);
    let (_, errors) = convert_with(
        "declare bank B = \"maps/t.png\" tile 8;\ndeclare map M = \"maps/m.tmx\";\n",
        &[
            ("maps/m.tmx", tmx.to_vec()),
            ("maps/tiles.tsx", tsx.to_vec()),
            ("maps/t.png", png),
        ],
    );
    // The tileset's 16-pixel tiles do not fit the 8-pixel bank cut from the same image.
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].code, "E0707");
    let (_, errors) = convert_with(
        "declare map M = \"maps/m.tmx\";\n",
        &[("maps/m.tmx", tmx.to_vec())],
    );
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].code, "E0702");
    assert!(errors[0].label.contains("tiles.tsx"), "{}", errors[0].label);
}

#[test]
fn without_a_reader_asset_declarations_are_errors() {
    let source = "declare bank B = \"t.png\" tile 8;\ndeclare map M = \"m.tmx\";\n";
    let (tokens, _) = prometeu_lexer::lex(source, SourceId(0));
    let (module, _) = crate::parse::parse(
        &tokens,
        SourceId(0),
        source.len(),
        &crate::Limits::default(),
    );
    let (_, errors) = convert(&module, None);
    let codes: Vec<&str> = errors.iter().map(|e| e.code).collect();
    assert_eq!(codes, ["E0709", "E0709"]);
}

#[test]
fn read_failures_name_the_file() {
    let read = |_: &str| -> Result<Vec<u8>, ReadError> { Err(ReadError::TooLarge { limit: 10 }) };
    let source = "declare bank B = \"big.png\" tile 8;\n";
    let (tokens, _) = prometeu_lexer::lex(source, SourceId(0));
    let (module, _) = crate::parse::parse(
        &tokens,
        SourceId(0),
        source.len(),
        &crate::Limits::default(),
    );
    let (_, errors) = convert(&module, Some(&read));
    assert_eq!(errors[0].code, "E0701");
    assert!(errors[0].message.contains("`big.png`"));
    let read = |_: &str| -> Result<Vec<u8>, ReadError> { Err(ReadError::Other("denied".into())) };
    let (_, errors) = convert(&module, Some(&read));
    assert_eq!(
        errors[0].message,
        "cannot read asset file `big.png`: denied"
    );
}

#[test]
fn paths_normalize_lexically() {
    assert_eq!(normalize("a/./b/../c.png").as_deref(), Some("a/c.png"));
    assert_eq!(normalize("..\\up.png").as_deref(), Some("../up.png"));
    assert_eq!(normalize("/abs.png"), None);
    assert_eq!(normalize("C:/x.png"), None);
    assert_eq!(normalize("./"), None);
}

/// A RIFF WAV file with a `fmt ` chunk of `tag` (1 PCM, 3 float) and the given data.
fn wav(tag: u16, channels: u16, rate: u32, bits: u16, data: &[u8]) -> Vec<u8> {
    let block = channels * bits.div_ceil(8);
    let mut out = b"RIFF".to_vec();
    out.extend_from_slice(&(36 + data.len() as u32).to_le_bytes());
    out.extend_from_slice(b"WAVEfmt ");
    out.extend_from_slice(&16u32.to_le_bytes());
    for v in [tag, channels] {
        out.extend_from_slice(&v.to_le_bytes());
    }
    out.extend_from_slice(&rate.to_le_bytes());
    out.extend_from_slice(&(rate * u32::from(block)).to_le_bytes());
    for v in [block, bits] {
        out.extend_from_slice(&v.to_le_bytes());
    }
    out.extend_from_slice(b"data");
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    out.extend_from_slice(data);
    out
}

/// Converts one `declare sound` of `file`.
fn sound_of(file: Vec<u8>) -> Result<Vec<i16>, Box<AssetError>> {
    let (declared, mut errors) = convert_with("declare sound S = \"s.wav\";\n", &[("s.wav", file)]);
    if let Some(e) = errors.pop() {
        return Err(Box::new(e));
    }
    Ok(declared.assets.sounds[0].samples.to_vec())
}

fn le16(samples: &[i16]) -> Vec<u8> {
    samples.iter().flat_map(|s| s.to_le_bytes()).collect()
}

#[test]
fn sixteen_bit_mono_at_48_khz_is_stored_as_it_is() {
    let samples = [0, 1, -1, 32767, -32768, 1234];
    assert_eq!(
        sound_of(wav(1, 1, 48_000, 16, &le16(&samples))).unwrap(),
        samples
    );
}

#[test]
fn every_sample_width_becomes_16_bits() {
    // 8-bit samples are unsigned: 0 is the most negative, 128 silence, 255 the top.
    assert_eq!(
        sound_of(wav(1, 1, 48_000, 8, &[0, 128, 255, 129])).unwrap(),
        [-32768, 0, 32512, 256]
    );
    // 24-bit: the top 16 bits (an arithmetic shift, so -1 stays -1).
    let s24: Vec<u8> = [0x123456i32, -1, -0x800000]
        .iter()
        .flat_map(|v| v.to_le_bytes()[..3].to_vec())
        .collect();
    assert_eq!(
        sound_of(wav(1, 1, 48_000, 24, &s24)).unwrap(),
        [0x1234, -1, -32768]
    );
    let s32: Vec<u8> = [0x7fff_ffffi32, -0x8000_0000, 0x0001_8000]
        .iter()
        .flat_map(|v| v.to_le_bytes())
        .collect();
    assert_eq!(
        sound_of(wav(1, 1, 48_000, 32, &s32)).unwrap(),
        [32767, -32768, 1]
    );
    // Floats: scaled by 32,767, rounded, clamped at ±1; NaN is silence.
    let f: Vec<u8> = [0.5f32, -1.0, 2.0, -3.0, f32::NAN, 0.00002]
        .iter()
        .flat_map(|v| v.to_le_bytes())
        .collect();
    assert_eq!(
        sound_of(wav(3, 1, 48_000, 32, &f)).unwrap(),
        [16384, -32767, 32767, -32767, 0, 1]
    );
}

#[test]
fn stereo_is_mixed_to_the_floor_of_the_average() {
    let frames = [100i16, 300, -1, 0, 32767, 32767, -32768, -32768, 5, -6];
    assert_eq!(
        sound_of(wav(1, 2, 48_000, 16, &le16(&frames))).unwrap(),
        [200, -1, 32767, -32768, -1]
    );
}

#[test]
fn other_rates_are_resampled_by_exact_integer_interpolation() {
    // 24 kHz doubles the length: every other sample is the midpoint (rounded down).
    assert_eq!(
        sound_of(wav(1, 1, 24_000, 16, &le16(&[0, 101, -100]))).unwrap(),
        [0, 50, 101, 0, -100, -100]
    );
    // 96 kHz halves it: every other sample.
    assert_eq!(
        sound_of(wav(1, 1, 96_000, 16, &le16(&[1, 2, 3, 4, 5]))).unwrap(),
        [1, 3, 5]
    );
    // 44.1 kHz: ceil(441 × 48000 / 44100) = 480 samples; sample 160 sits at source
    // position 147 exactly.
    let ramp: Vec<i16> = (0..441).map(|i| i * 10).collect();
    let out = sound_of(wav(1, 1, 44_100, 16, &le16(&ramp))).unwrap();
    assert_eq!(out.len(), 480);
    assert_eq!(out[160], 1470);
    assert_eq!(out[1], 9, "position 0.91875 of a step of 10, rounded down");
    assert_eq!(sound::resample(&[7], 8_000), [7; 6]);
}

#[test]
fn a_file_named_by_several_sounds_is_stored_once() {
    let file = wav(1, 1, 48_000, 16, &le16(&[1, 2]));
    let other = wav(1, 1, 48_000, 16, &le16(&[3]));
    let (declared, errors) = convert_with(
        "declare sound A = \"s.wav\";\ndeclare sound B = \"o.wav\";\ndeclare sound C = \"x/../s.wav\";\n",
        &[("s.wav", file), ("o.wav", other)],
    );
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(declared.assets.sounds.len(), 2);
    assert_eq!(declared.sound_files, [0, 1, 0]);
    assert_eq!(declared.assets.sounds[0].name, "s.wav");
}

#[test]
fn a_really_long_file_is_rejected_by_its_length_after_conversion() {
    // 2,796,203 samples at 8 kHz become 16,777,218 at 48 kHz, two more than a sound may have.
    let data = vec![128u8; 2_796_203];
    let e = sound_of(wav(1, 1, 8_000, 8, &data)).unwrap_err();
    assert_eq!(e.code, "E0712");
    assert!(e.message.contains("16777218 samples"), "{}", e.message);
    // One sample fewer fits: 16,777,212 samples.
    let fits = sound_of(wav(1, 1, 8_000, 8, &data[..2_796_202])).unwrap();
    assert_eq!(fits.len(), 16_777_212);
}

#[test]
fn without_a_reader_a_sound_is_e0709() {
    let source = "declare sound S = \"s.wav\";\n";
    let (tokens, _) = prometeu_lexer::lex(source, SourceId(0));
    let (module, _) = crate::parse::parse(
        &tokens,
        SourceId(0),
        source.len(),
        &crate::Limits::default(),
    );
    let (_, errors) = convert(&module, None);
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].code, "E0709");
    assert!(errors[0].message.contains("`declare sound`"));
}

#[test]
fn damaged_wav_files_are_errors_never_panics() {
    let good = wav(1, 2, 22_050, 16, &le16(&[1, -2, 3, -4, 5, -6, 7, -8]));
    let float = wav(3, 1, 11_025, 32, &[0, 0, 128, 63, 0, 0, 0, 191]);
    for file in [good, float] {
        for len in 0..file.len() {
            let _ = sound_of(file[..len].to_vec());
        }
        for at in 0..file.len() {
            for mask in [0x01u8, 0x80, 0xff] {
                let mut bad = file.clone();
                bad[at] ^= mask;
                if let Err(e) = sound_of(bad) {
                    assert!(
                        ["E0710", "E0711", "E0712", "E0713"].contains(&e.code),
                        "{e:?}"
                    );
                }
            }
        }
    }
}
