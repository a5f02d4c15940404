//! The assets section of the `.pbc` format: round trips, and the loader's rejection of
//! truncated or inconsistent sections.

use prometeu_bytecode::assets::{KEY_SUBSTITUTE, TRANSPARENT};
use prometeu_bytecode::{
    decode, encode, Assets, BankDecl, Image, LoadErrorKind, MapAsset, Program,
};
use std::sync::Arc;

/// A program with two images, three banks (two sharing one image) and a two-layer map.
fn program() -> Program {
    let assets = Assets {
        images: vec![
            Image {
                name: "tiles.png".into(),
                width: 16,
                height: 8,
                pixels: (0..128u16)
                    .map(|i| match i % 5 {
                        0 => TRANSPARENT,
                        1 => KEY_SUBSTITUTE,
                        _ => i * 331,
                    })
                    .collect(),
            },
            Image {
                name: "big.png".into(),
                width: 32,
                height: 32,
                pixels: vec![0x1234; 32 * 32],
            },
        ],
        banks: vec![
            BankDecl {
                name: "SMALL".into(),
                image: 0,
                tile: 8,
            },
            BankDecl {
                name: "BIG".into(),
                image: 1,
                tile: 16,
            },
            BankDecl {
                name: "BIG8".into(),
                image: 1,
                tile: 8,
            },
        ],
        maps: vec![MapAsset {
            name: "level.tmx".into(),
            width: 3,
            height: 2,
            layers: 2,
            cells: vec![-1, 0, 1, 2, 3, 1023, 0, 0, -1, -1, 5, 6],
        }],
        sounds: Vec::new(),
    };
    Program {
        strings: vec!["x".into()],
        source_name: "a.pbs".into(),
        assets: Arc::new(assets),
        ..Program::default()
    }
}

#[test]
fn an_assets_section_round_trips() {
    let p = program();
    let bytes = encode(&p);
    assert_eq!(
        u16::from_le_bytes([bytes[6], bytes[7]]) & 2,
        2,
        "the assets flag is set"
    );
    assert_eq!(decode(&bytes).expect("decodes"), p);
    assert_eq!(
        encode(&decode(&bytes).unwrap()),
        bytes,
        "encoding is stable"
    );
}

#[test]
fn a_program_without_assets_has_no_assets_section_or_flag() {
    let p = Program {
        source_name: "a.pbs".into(),
        ..Program::default()
    };
    let bytes = encode(&p);
    assert_eq!(u16::from_le_bytes([bytes[6], bytes[7]]), 0);
    let with = encode(&program());
    assert!(with.len() > bytes.len() + 128 * 2 + 32 * 32 * 2);
}

#[test]
fn every_truncation_of_an_assets_program_is_rejected() {
    let bytes = encode(&program());
    for len in 0..bytes.len() {
        assert!(
            decode(&bytes[..len]).is_err(),
            "a prefix of {len} bytes decoded"
        );
    }
}

/// Encodes a program whose assets were changed by `edit`, and decodes it.
fn decode_edited(edit: impl FnOnce(&mut Assets)) -> LoadErrorKind {
    let mut p = program();
    edit(Arc::make_mut(&mut p.assets));
    decode(&encode(&p)).expect_err("rejected").kind
}

#[test]
fn inconsistent_assets_are_rejected() {
    let bad_asset = |k: &LoadErrorKind| matches!(k, LoadErrorKind::BadAsset(_));
    assert!(matches!(
        decode_edited(|a| a.banks[1].image = 2),
        LoadErrorKind::IndexOutOfRange {
            what: "image",
            index: 2,
            len: 2
        }
    ));
    assert!(bad_asset(&decode_edited(|a| a.banks[0].tile = 12)));
    assert!(
        bad_asset(&decode_edited(|a| a.banks[0].tile = 32)),
        "16×8 is not 32-pixel tiles"
    );
    assert!(bad_asset(&decode_edited(|a| a.maps[0].cells[3] = -2)));
    assert!(bad_asset(&decode_edited(|a| a.maps[0].cells[3] = 1024)));
    assert!(bad_asset(&decode_edited(|a| {
        a.images.push(Image {
            name: "empty.png".into(),
            ..Image::default()
        })
    })));
    // Too many tiles: 40 × 32 tiles of 8 pixels = 1,280.
    assert!(bad_asset(&decode_edited(|a| {
        a.images[1] = Image {
            name: "wide.png".into(),
            width: 320,
            height: 256,
            pixels: vec![0; 320 * 256],
        }
    })));
}

#[test]
fn a_pixel_count_that_disagrees_with_the_size_is_rejected() {
    // Declare a bigger image in the file than its pixels: the section runs short.
    let bytes = encode(&program());
    let name = b"tiles.png";
    let at = bytes
        .windows(name.len())
        .position(|w| w == name)
        .expect("the image name is in the file")
        + name.len();
    let mut wider = bytes.clone();
    wider[at..at + 2].copy_from_slice(&17u16.to_le_bytes());
    assert!(decode(&wider).is_err());
    let mut narrower = bytes;
    narrower[at..at + 2].copy_from_slice(&15u16.to_le_bytes());
    assert!(decode(&narrower).is_err());
}

#[test]
fn an_unknown_flag_is_still_rejected() {
    let mut bytes = encode(&program());
    bytes[6] |= 8;
    assert!(matches!(
        decode(&bytes).unwrap_err().kind,
        LoadErrorKind::UnknownFlags(_)
    ));
}
