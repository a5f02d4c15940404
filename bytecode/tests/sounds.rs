//! The sounds table at the end of the assets section: round trips, the header flag that
//! announces it, and the loader's rejection of truncated tables and bad counts and lengths.

use prometeu_bytecode::assets::{MAX_SOUNDS, MAX_SOUND_SAMPLES};
use prometeu_bytecode::{decode, encode, Assets, LoadErrorKind, Program, SoundAsset};
use std::sync::Arc;

/// A sound of `n` samples.
fn sound(name: &str, n: usize) -> SoundAsset {
    SoundAsset {
        name: name.into(),
        samples: (0..n).map(|i| (i as i16).wrapping_mul(311)).collect(),
    }
}

/// A program with only sounds (no images, banks or maps).
fn program(sounds: Vec<SoundAsset>) -> Program {
    Program {
        strings: vec!["x".into()],
        source_name: "a.pbs".into(),
        assets: Arc::new(Assets {
            sounds,
            ..Assets::default()
        }),
        ..Program::default()
    }
}

/// Where the sounds table starts: after the assets section's three empty counts.
fn table_offset(bytes: &[u8]) -> usize {
    let name = b"jump.wav";
    bytes
        .windows(name.len())
        .position(|w| w == name)
        .expect("the first sound's name is in the file")
        - 8
}

#[test]
fn sounds_round_trip_behind_their_own_flag() {
    let p = program(vec![sound("jump.wav", 5), sound("music/loop.wav", 300)]);
    let bytes = encode(&p);
    assert_eq!(u16::from_le_bytes([bytes[6], bytes[7]]), 0b110);
    let decoded = decode(&bytes).expect("decodes");
    assert_eq!(decoded, p);
    assert_eq!(
        decoded.assets.sounds[1].samples[299],
        (299i16).wrapping_mul(311)
    );
    assert_eq!(encode(&decoded), bytes, "encoding is stable");
}

#[test]
fn a_program_without_sounds_keeps_the_layout_it_had() {
    let p = program(Vec::new());
    let bytes = encode(&p);
    assert_eq!(u16::from_le_bytes([bytes[6], bytes[7]]), 0);
}

#[test]
fn every_truncation_of_a_sounds_table_is_rejected() {
    let bytes = encode(&program(vec![sound("jump.wav", 7), sound("b.wav", 3)]));
    for len in 0..bytes.len() {
        let error = decode(&bytes[..len]).expect_err("a truncated file never decodes");
        assert!(error.offset <= len, "offset {} past {len}", error.offset);
    }
}

#[test]
fn bad_counts_and_lengths_are_rejected_without_allocating() {
    let bytes = encode(&program(vec![sound("jump.wav", 4)]));
    let table = table_offset(&bytes);
    let count = u32::from_le_bytes(bytes[table..table + 4].try_into().unwrap());
    assert_eq!(count, 1, "the table starts with its count");
    let with_count = |n: u32| {
        let mut b = bytes.clone();
        b[table..table + 4].copy_from_slice(&n.to_le_bytes());
        decode(&b).expect_err("rejected").kind
    };
    // No sounds behind the flag, more than the limit, and more than the input could hold.
    assert!(matches!(with_count(0), LoadErrorKind::BadAsset(_)));
    assert!(matches!(
        with_count(MAX_SOUNDS as u32 + 1),
        LoadErrorKind::Truncated(_)
    ));
    assert!(matches!(with_count(u32::MAX), LoadErrorKind::Truncated(_)));
    assert!(matches!(with_count(2), LoadErrorKind::Truncated(_)));
    let length = table + 4 + 4 + b"jump.wav".len();
    let with_length = |n: u32| {
        let mut b = bytes.clone();
        b[length..length + 4].copy_from_slice(&n.to_le_bytes());
        decode(&b).expect_err("rejected").kind
    };
    assert!(matches!(with_length(0), LoadErrorKind::BadAsset(_)));
    assert!(matches!(
        with_length(MAX_SOUND_SAMPLES as u32 + 1),
        LoadErrorKind::BadAsset(_)
    ));
    assert!(matches!(with_length(u32::MAX), LoadErrorKind::BadAsset(_)));
    assert!(matches!(with_length(5), LoadErrorKind::Truncated(_)));
    // A shorter length leaves samples over at the end of the section.
    assert!(matches!(
        with_length(3),
        LoadErrorKind::SectionLength { .. }
    ));
}

#[test]
fn the_sounds_flag_needs_the_assets_flag_and_its_table() {
    let mut only_sounds_flag = encode(&program(Vec::new()));
    only_sounds_flag[6] |= 4;
    assert!(matches!(
        decode(&only_sounds_flag).unwrap_err().kind,
        LoadErrorKind::UnknownFlags(4)
    ));
    // An assets section without its announced table runs short.
    let mut p = program(Vec::new());
    Arc::make_mut(&mut p.assets)
        .maps
        .push(prometeu_bytecode::MapAsset {
            name: "m.tmx".into(),
            width: 1,
            height: 1,
            layers: 1,
            cells: vec![0],
        });
    let mut bytes = encode(&p);
    bytes[6] |= 4;
    assert!(decode(&bytes).is_err());
}

#[test]
fn the_loader_checks_the_count_and_total_limits() {
    let many = (0..=MAX_SOUNDS)
        .map(|i| sound(&format!("{i}.wav"), 1))
        .collect();
    assert!(matches!(
        decode(&encode(&program(many))).unwrap_err().kind,
        LoadErrorKind::BadAsset(_)
    ));
    // Validation of a program built in memory: an empty sound.
    let empty = program(vec![sound("e.wav", 0)]);
    assert!(empty.assets.validate().is_err());
}
