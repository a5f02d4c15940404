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
