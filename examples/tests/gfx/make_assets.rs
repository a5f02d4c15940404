//! Writes the PNG and TMX files the graphics tests in this folder draw from. Run by
//! `tests/assets.rs`, which checks that the committed files are what this code makes
//! (`BLESS=1` rewrites them). Every image is drawn here, pixel by pixel.

/// An RGBA image under construction.
pub struct Canvas {
    pub width: u32,
    pub height: u32,
    pub rgba: Vec<u8>,
}

impl Canvas {
    /// A transparent canvas.
    pub fn new(width: u32, height: u32) -> Canvas {
        Canvas {
            width,
            height,
            rgba: vec![0; (width * height * 4) as usize],
        }
    }

    /// Sets one pixel.
    pub fn set(&mut self, x: u32, y: u32, c: [u8; 4]) {
        if x < self.width && y < self.height {
            let i = ((y * self.width + x) * 4) as usize;
            self.rgba[i..i + 4].copy_from_slice(&c);
        }
    }

    /// Fills a rectangle.
    pub fn fill(&mut self, x: u32, y: u32, w: u32, h: u32, c: [u8; 4]) {
        for yy in y..y + h {
            for xx in x..x + w {
                self.set(xx, yy, c);
            }
        }
    }

    /// Draws a character grid with its top-left corner at `(x, y)`: each character is looked
    /// up in `palette`; characters not in it (such as `.`) leave the pixel as it is.
    pub fn grid(&mut self, x: u32, y: u32, rows: &[&str], palette: &[(char, [u8; 4])]) {
        for (dy, row) in rows.iter().enumerate() {
            for (dx, ch) in row.chars().enumerate() {
                if let Some((_, c)) = palette.iter().find(|(k, _)| *k == ch) {
                    self.set(x + dx as u32, y + dy as u32, *c);
                }
            }
        }
    }

    /// The image as an 8-bit RGBA PNG.
    pub fn png(&self) -> Vec<u8> {
        encode(
            self.width,
            self.height,
            png::ColorType::Rgba,
            png::BitDepth::Eight,
            &self.rgba,
            None,
        )
    }
}

/// Encodes raw image data as a PNG.
pub fn encode(
    width: u32,
    height: u32,
    color: png::ColorType,
    depth: png::BitDepth,
    data: &[u8],
    palette: Option<(&[u8], &[u8])>,
) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, width, height);
        encoder.set_color(color);
        encoder.set_depth(depth);
        if let Some((plte, trns)) = palette {
            encoder.set_palette(plte.to_vec());
            encoder.set_trns(trns.to_vec());
        }
        let mut writer = encoder.write_header().expect("png header");
        writer.write_image_data(data).expect("png data");
    }
    out
}

const RED: [u8; 4] = [255, 0, 0, 255];
const GREEN: [u8; 4] = [0, 255, 0, 255];
const BLUE: [u8; 4] = [0, 0, 255, 255];
const WHITE: [u8; 4] = [255, 255, 255, 255];
const YELLOW: [u8; 4] = [255, 255, 0, 255];
const MAGENTA: [u8; 4] = [255, 0, 255, 255];
const HALF: [u8; 4] = [0, 255, 255, 100];

/// The 32×16 test sheet: eight 8×8 tiles, each asymmetric so that flips show, with
/// transparent pixels made both ways (alpha below 128 and exact magenta).
fn sheet() -> Vec<u8> {
    let mut c = Canvas::new(32, 16);
    let palette = [
        ('R', RED),
        ('G', GREEN),
        ('B', BLUE),
        ('W', WHITE),
        ('Y', YELLOW),
        ('M', MAGENTA),
        ('h', HALF),
    ];
    // Tile 0: an "F" shape in red on white, the white with one magenta (transparent) corner.
    c.grid(
        0,
        0,
        &[
            "MWWWWWWW", "WRRRRRRW", "WRWWWWWW", "WRRRRWWW", "WRWWWWWW", "WRWWWWWW", "WRWWWWWW",
            "WWWWWWWW",
        ],
        &palette,
    );
    // Tile 1: a green arrow pointing right over transparency.
    c.grid(
        8,
        0,
        &[
            "........", "....G...", "....GG..", "GGGGGGG.", "GGGGGGGG", "....GG..", "....G...",
            "........",
        ],
        &palette,
    );
    // Tile 2: a blue gradient down the rows, half-transparent (alpha 100) top row.
    c.grid(8 * 2, 0, &["hhhhhhhh"], &palette);
    for y in 1..8 {
        c.fill(16, y, 8, 1, [0, 0, 80 + 25 * y as u8, 255]);
    }
    // Tile 3: a yellow diagonal from the top left.
    for i in 0..8 {
        c.set(24 + i, i, YELLOW);
        c.set(24 + i, 7 - i / 2, RED);
    }
    // Tiles 4-7 (second row): four solid quadrant markers, so blocks of 2×2 show their order.
    let quadrant = [RED, GREEN, BLUE, WHITE];
    for (i, col) in quadrant.iter().enumerate() {
        let x = 8 * i as u32;
        c.fill(x, 8, 8, 8, *col);
        c.fill(x + 1, 9, 2, 2, [0, 0, 0, 255]);
    }
    c.png()
}

/// A 16×8 8-bit gray image with a 50% ramp, for the gray conversion.
fn gray() -> Vec<u8> {
    let data: Vec<u8> = (0..8u32)
        .flat_map(|_| (0..16u32).map(|x| (x * 17) as u8))
        .collect();
    encode(
        16,
        8,
        png::ColorType::Grayscale,
        png::BitDepth::Eight,
        &data,
        None,
    )
}

/// A 16×8 two-bit palette image whose index 0 is transparent through `tRNS`.
fn palette() -> Vec<u8> {
    let plte = [0, 0, 0, 255, 128, 0, 0, 128, 255, 255, 255, 255];
    let trns = [0];
    // Two bits per pixel: 16 pixels = 4 bytes a row; indices cycle 0,1,2,3.
    let data: Vec<u8> = (0..8).flat_map(|_| [0b0001_1011u8; 4]).collect();
    encode(
        16,
        8,
        png::ColorType::Indexed,
        png::BitDepth::Two,
        &data,
        Some((&plte, &trns)),
    )
}

/// A TMX map of 6×4 cells with two layers, using the test sheet as its tileset; `encoding`
/// is `csv`, `base64` or `zlib`.
fn tmx(encoding: &str) -> Vec<u8> {
    let ground: Vec<i64> = vec![
        1, 2, 0, 0, 2, 1, //
        0, 0, 0, 0, 0, 0, //
        0, 5, 6, 0, 0, 0, //
        5, 5, 5, 5, 5, 5,
    ];
    let overlay: Vec<i64> = vec![
        0, 0, 0, 0, 0, 0, //
        0, 4, 0, 0, 3, 0, //
        0, 0, 0, 0, 0, 0, //
        0, 0, 0, 0, 0, 8,
    ];
    let data = |cells: &[i64]| -> (String, String) {
        match encoding {
            "csv" => (
                r#"encoding="csv""#.to_string(),
                cells
                    .chunks(6)
                    .map(|r| {
                        r.iter()
                            .map(|c| c.to_string())
                            .collect::<Vec<_>>()
                            .join(",")
                    })
                    .collect::<Vec<_>>()
                    .join(",\n"),
            ),
            _ => {
                use base64::Engine;
                let raw: Vec<u8> = cells
                    .iter()
                    .flat_map(|&c| (c as u32).to_le_bytes())
                    .collect();
                if encoding == "zlib" {
                    use std::io::Write;
                    let mut z =
                        flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
                    z.write_all(&raw).expect("zlib");
                    let packed = z.finish().expect("zlib");
                    (
                        r#"encoding="base64" compression="zlib""#.to_string(),
                        base64::engine::general_purpose::STANDARD.encode(packed),
                    )
                } else {
                    (
                        r#"encoding="base64""#.to_string(),
                        base64::engine::general_purpose::STANDARD.encode(raw),
                    )
                }
            }
        }
    };
    let (g_attr, g_data) = data(&ground);
    let (o_attr, o_data) = data(&overlay);
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<map version="1.10" tiledversion="1.10.2" orientation="orthogonal" renderorder="right-down" width="6" height="4" tilewidth="8" tileheight="8" infinite="0" nextlayerid="3" nextobjectid="1">
 <tileset firstgid="1" name="sheet" tilewidth="8" tileheight="8" tilecount="8" columns="4">
  <image source="sheet.png" width="32" height="16"/>
 </tileset>
 <layer id="1" name="ground" width="6" height="4">
  <data {g_attr}>
{g_data}
</data>
 </layer>
 <layer id="2" name="overlay" width="6" height="4">
  <data {o_attr}>
{o_data}
</data>
 </layer>
</map>
"#
    )
    .into_bytes()
}

/// A two-frame animated PNG (APNG), which banks do not accept.
fn animated() -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, 8, 8);
        encoder.set_color(png::ColorType::Rgba);
        encoder.set_depth(png::BitDepth::Eight);
        encoder.set_animated(2, 0).expect("apng");
        let mut writer = encoder.write_header().expect("png header");
        writer.write_image_data(&[255; 8 * 8 * 4]).expect("frame 1");
        writer.write_image_data(&[128; 8 * 8 * 4]).expect("frame 2");
    }
    out
}

/// A map document with the given header attributes, tileset and CSV rows.
fn raw_tmx(attrs: &str, tileset: &str, width: usize, height: usize, csv: &str) -> Vec<u8> {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<map version="1.10" {attrs} width="{width}" height="{height}" infinite="0" nextlayerid="2" nextobjectid="1">
 {tileset}
 <layer id="1" name="ground" width="{width}" height="{height}">
  <data encoding="csv">
{csv}
</data>
 </layer>
</map>
"#
    )
    .into_bytes()
}

/// The files the asset error tests name (`errors_*.pbs`).
fn broken() -> Vec<(&'static str, Vec<u8>)> {
    let sheet8 = r#"<tileset firstgid="1" name="sheet" tilewidth="8" tileheight="8" tilecount="8" columns="4"><image source="sheet.png" width="32" height="16"/></tileset>"#;
    let sheet16 = r#"<tileset firstgid="1" name="sheet" tilewidth="16" tileheight="16" tilecount="2" columns="2"><image source="../sheet.png" width="32" height="16"/></tileset>"#;
    let ortho8 =
        r#"orientation="orthogonal" renderorder="right-down" tilewidth="8" tileheight="8""#;
    let wide = vec!["0"; 5000].join(",");
    vec![
        (
            "assets/bad/not_png.png",
            b"this is a text file, not an image\n".to_vec(),
        ),
        ("assets/bad/odd_size.png", Canvas::new(20, 16).png()),
        ("assets/bad/too_many.png", Canvas::new(264, 256).png()),
        ("assets/bad/animated.png", animated()),
        ("assets/bad/not_tmx.tmx", b"this is not a map\n".to_vec()),
        (
            "assets/bad/isometric.tmx",
            raw_tmx(
                r#"orientation="isometric" renderorder="right-down" tilewidth="8" tileheight="8""#,
                sheet8,
                2,
                1,
                "1,2",
            ),
        ),
        (
            "assets/bad/flipped.tmx",
            raw_tmx(ortho8, sheet8, 2, 1, "1,2147483650"),
        ),
        (
            "assets/bad/tiles16.tmx",
            raw_tmx(
                r#"orientation="orthogonal" renderorder="right-down" tilewidth="16" tileheight="16""#,
                sheet16,
                2,
                1,
                "1,2",
            ),
        ),
        (
            "assets/bad/past_bank.tmx",
            raw_tmx(
                ortho8,
                r#"<tileset firstgid="1" name="sheet" tilewidth="8" tileheight="8" tilecount="64" columns="8"><image source="../sheet.png" width="64" height="64"/></tileset>"#,
                2,
                1,
                "1,40",
            ),
        ),
        (
            "assets/bad/too_wide.tmx",
            raw_tmx(ortho8, sheet8, 5000, 1, &wide),
        ),
    ]
}

/// Every file this generator makes, by path relative to `examples/tests/gfx/`.
pub fn files() -> Vec<(&'static str, Vec<u8>)> {
    let mut files = broken();
    files.extend(vec![
        ("assets/sheet.png", sheet()),
        ("assets/gray.png", gray()),
        ("assets/palette.png", palette()),
        ("assets/map_csv.tmx", tmx("csv")),
        ("assets/map_base64.tmx", tmx("base64")),
        ("assets/map_zlib.tmx", tmx("zlib")),
    ]);
    files
}
