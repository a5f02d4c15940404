//! PNG to RGB565: any colour type and bit depth, with alpha below 128 or exact magenta
//! transparent.

use super::AssetError;
use prometeu_bytecode::assets::{
    tile_count, Image, KEY_SUBSTITUTE, MAX_TILES, TILE_SIZES, TRANSPARENT,
};
use prometeu_lexer::Span;
use std::io::Cursor;

/// The tile size of a `declare bank`, or the error for one that is not 8, 16 or 32.
pub(super) fn tile_size(written: u64, span: Span, errors: &mut Vec<AssetError>) -> Option<u8> {
    match u8::try_from(written) {
        Ok(t) if TILE_SIZES.contains(&t) => Some(t),
        _ => {
            errors.push(
                AssetError::new(
                    "E0706",
                    format!("tile size {written} is not supported"),
                    span,
                    "expected 8, 16 or 32",
                )
                .with_help("write `tile 8`, `tile 16` or `tile 32`"),
            );
            None
        }
    }
}

/// Packs an 8-bit RGBA pixel: transparent ones become [`TRANSPARENT`], an opaque one that
/// would pack to it becomes [`KEY_SUBSTITUTE`].
pub(crate) fn pack(r: u8, g: u8, b: u8, a: u8) -> u16 {
    if a < 128 || (r, g, b) == (255, 0, 255) {
        return TRANSPARENT;
    }
    let c = (u16::from(r >> 3) << 11) | (u16::from(g >> 2) << 5) | u16::from(b >> 3);
    if c == TRANSPARENT {
        KEY_SUBSTITUTE
    } else {
        c
    }
}

/// Decodes a PNG into an [`Image`]. The size is checked against the bank limits before the
/// pixels are decoded, so a huge image costs nothing.
pub(super) fn convert(bytes: &[u8], written: &str, span: Span) -> Result<Image, Box<AssetError>> {
    let not_png = |why: String| {
        AssetError::new(
            "E0702",
            format!("asset file `{written}` is not a PNG image this compiler can read"),
            span,
            why,
        )
        .with_help("a bank needs a PNG file (any colour type and bit depth)")
    };
    let mut decoder = png::Decoder::new(Cursor::new(bytes));
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let mut reader = decoder.read_info().map_err(|e| not_png(e.to_string()))?;
    let info = reader.info();
    let (width, height) = (info.width, info.height);
    if info.animation_control.is_some() {
        return Err(Box::new(
            AssetError::new(
                "E0705",
                format!("asset file `{written}` uses an unsupported PNG feature: animation (APNG)"),
                span,
                "an animated PNG",
            )
            .with_help("save the sprite sheet as a still PNG, with the frames side by side"),
        ));
    }
    // 1,024 tiles of 32 pixels fit in a row of 32,768 pixels; anything wider or taller is
    // over the tile limit whatever the tile size, and is reported by `check_tiles`.
    let side = |n: u32| u16::try_from(n).ok().filter(|&n| n <= 32768);
    let (Some(w), Some(h)) = (side(width), side(height)) else {
        return Err(Box::new(too_many(written, span, width, height, None)));
    };
    if u64::from(width) * u64::from(height) > u64::from(MAX_TILES) * 32 * 32 {
        return Err(Box::new(too_many(written, span, width, height, None)));
    }
    let size = reader
        .output_buffer_size()
        .ok_or_else(|| not_png("the image is too large".into()))?;
    let mut buf = vec![0; size];
    let frame = reader
        .next_frame(&mut buf)
        .map_err(|e| not_png(e.to_string()))?;
    let channels = match frame.color_type {
        png::ColorType::Grayscale => 1,
        png::ColorType::GrayscaleAlpha => 2,
        png::ColorType::Rgb => 3,
        png::ColorType::Rgba => 4,
        png::ColorType::Indexed => {
            return Err(Box::new(not_png("indexed colour was not expanded".into())))
        }
    };
    let mut pixels = Vec::with_capacity(usize::from(w) * usize::from(h));
    for row in buf.chunks_exact(frame.line_size).take(usize::from(h)) {
        for px in row[..usize::from(w) * channels].chunks_exact(channels) {
            pixels.push(match *px {
                [g] => pack(g, g, g, 255),
                [g, a] => pack(g, g, g, a),
                [r, g, b] => pack(r, g, b, 255),
                [r, g, b, a] => pack(r, g, b, a),
                _ => TRANSPARENT,
            });
        }
    }
    if pixels.len() != usize::from(w) * usize::from(h) {
        return Err(Box::new(not_png("the image data is incomplete".into())));
    }
    Ok(Image {
        name: written.to_string(),
        width: w,
        height: h,
        pixels,
    })
}

/// The error for an image with more tiles than a bank holds.
fn too_many(written: &str, span: Span, width: u32, height: u32, tile: Option<u8>) -> AssetError {
    let (count, of) = match tile {
        Some(t) => (
            (u64::from(width) / u64::from(t)) * (u64::from(height) / u64::from(t)),
            format!(" of {t}×{t}"),
        ),
        None => (
            (u64::from(width) / 32) * (u64::from(height) / 32),
            " even of 32×32".to_string(),
        ),
    };
    AssetError::new(
        "E0704",
        format!(
            "asset file `{written}` is {width}×{height} pixels: {count} tiles{of}, more than the {MAX_TILES} a bank holds"
        ),
        span,
        "too many tiles",
    )
    .with_help("split the image into several banks, or use larger tiles")
}

/// Checks that an image is a whole number of tiles and not more than a bank holds.
pub(super) fn check_tiles(
    image: &Image,
    tile: u8,
    written: &str,
    span: Span,
    tile_span: Span,
) -> Result<(), Box<AssetError>> {
    let t = u16::from(tile);
    if image.width % t != 0 || image.height % t != 0 {
        return Err(Box::new(
            AssetError::new(
                "E0703",
                format!(
                    "asset file `{written}` is {}×{} pixels, not a whole number of {t}×{t} tiles",
                    image.width, image.height
                ),
                span,
                format!("{}×{} pixels", image.width, image.height),
            )
            .with_label(tile_span, format!("tiles of {t}×{t}"))
            .with_help(format!(
                "make the image's width and height multiples of {t}, or choose another tile size"
            )),
        ));
    }
    if tile_count(image, tile) > MAX_TILES {
        return Err(Box::new(
            too_many(
                written,
                span,
                u32::from(image.width),
                u32::from(image.height),
                Some(tile),
            )
            .with_label(tile_span, format!("tiles of {t}×{t}")),
        ));
    }
    Ok(())
}
