//! Screen comparison: decoding a golden PNG, counting the pixels that differ from the last
//! frame, and the `.diff.png` image that marks them.

use std::io::Cursor;

/// The most bytes a golden image may decode to (a screen is 320×180×3 bytes; this leaves
/// room for larger images, which are then reported as the wrong size).
const DECODE_LIMIT: usize = 64 << 20;

/// An 8-bit RGB image.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Image {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// `width × height` RGB triples, row-major from the top left.
    pub rgb: Vec<u8>,
}

/// Decodes a PNG of any colour type and bit depth to 8-bit RGB (alpha is dropped).
pub fn decode_png(bytes: &[u8]) -> Result<Image, String> {
    let mut decoder = png::Decoder::new_with_limits(
        Cursor::new(bytes),
        png::Limits {
            bytes: DECODE_LIMIT,
        },
    );
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let mut reader = decoder.read_info().map_err(|e| e.to_string())?;
    let size = reader
        .output_buffer_size()
        .ok_or("the image is too large")?;
    let mut buf = vec![0; size];
    let info = reader.next_frame(&mut buf).map_err(|e| e.to_string())?;
    buf.truncate(info.buffer_size());
    let channels = match info.color_type {
        png::ColorType::Grayscale => 1,
        png::ColorType::GrayscaleAlpha => 2,
        png::ColorType::Rgb => 3,
        png::ColorType::Rgba => 4,
        png::ColorType::Indexed => return Err("indexed colour was not expanded".to_string()),
    };
    let mut rgb = Vec::with_capacity(info.width as usize * info.height as usize * 3);
    for row in buf.chunks_exact(info.line_size) {
        for px in row[..info.width as usize * channels].chunks_exact(channels) {
            if channels < 3 {
                rgb.extend_from_slice(&[px[0], px[0], px[0]]);
            } else {
                rgb.extend_from_slice(&px[..3]);
            }
        }
    }
    Ok(Image {
        width: info.width,
        height: info.height,
        rgb,
    })
}

/// Encodes an image as an 8-bit RGB PNG.
pub fn encode_png(image: &Image) -> Vec<u8> {
    crate::cart::rgb_png(image.width, image.height, &image.rgb)
}

/// How the last frame differs from its golden image.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScreenDiff {
    /// How many pixels differ.
    pub pixels: usize,
    /// The smallest box holding them: `(x0, y0, x1, y1)`, inclusive.
    pub bounds: (u32, u32, u32, u32),
    /// The golden image dimmed, with the differing pixels in bright red.
    pub diff: Image,
}

/// The colour differing pixels have in a `.diff.png`.
const MARK: [u8; 3] = [255, 0, 0];

/// Compares the actual screen with the golden one; `None` when they are equal. Both images
/// must have the same size.
pub fn compare(golden: &Image, actual: &Image) -> Option<ScreenDiff> {
    debug_assert_eq!((golden.width, golden.height), (actual.width, actual.height));
    let mut pixels = 0;
    let mut bounds = (u32::MAX, u32::MAX, 0, 0);
    let mut diff = Vec::with_capacity(golden.rgb.len());
    let width = golden.width.max(1) as usize;
    for (i, (g, a)) in golden
        .rgb
        .chunks_exact(3)
        .zip(actual.rgb.chunks_exact(3))
        .enumerate()
    {
        if g == a {
            // Dimmed to a quarter, so the marks stand out on any picture.
            diff.extend(g.iter().map(|c| c / 4));
            continue;
        }
        diff.extend_from_slice(&MARK);
        pixels += 1;
        let (x, y) = ((i % width) as u32, (i / width) as u32);
        bounds = (
            bounds.0.min(x),
            bounds.1.min(y),
            bounds.2.max(x),
            bounds.3.max(y),
        );
    }
    (pixels > 0).then_some(ScreenDiff {
        pixels,
        bounds,
        diff: Image {
            width: golden.width,
            height: golden.height,
            rgb: diff,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn image(width: u32, height: u32, fill: [u8; 3]) -> Image {
        Image {
            width,
            height,
            rgb: fill.repeat((width * height) as usize),
        }
    }

    #[test]
    fn equal_images_have_no_diff() {
        let a = image(4, 3, [10, 20, 30]);
        assert_eq!(compare(&a, &a.clone()), None);
    }

    #[test]
    fn diff_counts_pixels_and_bounds_them() {
        let golden = image(4, 3, [100, 100, 100]);
        let mut actual = golden.clone();
        for (x, y) in [(1, 0), (2, 2)] {
            let i = (y * 4 + x) * 3;
            actual.rgb[i] = 0;
        }
        let d = compare(&golden, &actual).expect("differs");
        assert_eq!(d.pixels, 2);
        assert_eq!(d.bounds, (1, 0, 2, 2));
        assert_eq!(&d.diff.rgb[3..6], &MARK);
        assert_eq!(&d.diff.rgb[0..3], &[25, 25, 25]);
    }

    #[test]
    fn png_round_trips_and_garbage_is_an_error() {
        let a = image(5, 2, [1, 2, 3]);
        assert_eq!(decode_png(&encode_png(&a)), Ok(a));
        assert!(decode_png(b"not a png").is_err());
    }
}
