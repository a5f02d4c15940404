//! Makes the platformer's sprite sheet (`assets/sprites.png`) and level (`assets/level.tmx`).
//! Run by `tests/assets.rs`, which checks that the committed files are what this code makes
//! (`BLESS=1 cargo test --test assets` rewrites them). All art is drawn here.

/// The sheet is 8 tiles wide; tile `n` is at column `n % 8`, row `n / 8`.
const COLS: u32 = 8;
/// The tile size.
const T: u32 = 16;

/// Tile numbers (the cart's constants match these).
pub const GRASS: i64 = 0;
pub const DIRT: i64 = 1;
pub const BRICK: i64 = 2;
pub const STONE: i64 = 3;
pub const COIN: i64 = 4;
pub const CLOUD_L: i64 = 6;
pub const CLOUD_R: i64 = 7;
pub const BUSH: i64 = 15;
pub const HILL: i64 = 16;
pub const FLOWER: i64 = 17;

/// The level's size in cells.
pub const LEVEL_W: usize = 100;
pub const LEVEL_H: usize = 11;

/// An RGBA canvas.
struct Sheet {
    rgba: Vec<u8>,
}

impl Sheet {
    const W: u32 = COLS * T;
    const H: u32 = 3 * T;

    fn set(&mut self, x: u32, y: u32, c: [u8; 4]) {
        if x < Self::W && y < Self::H {
            let i = ((y * Self::W + x) * 4) as usize;
            self.rgba[i..i + 4].copy_from_slice(&c);
        }
    }

    /// Draws pixel `(x, y)` of tile `n`.
    fn tile_px(&mut self, n: u32, x: u32, y: u32, c: [u8; 4]) {
        self.set((n % COLS) * T + x, (n / COLS) * T + y, c);
    }

    /// Fills tile `n` from a function of the pixel position.
    fn tile_with(&mut self, n: u32, f: impl Fn(u32, u32) -> Option<[u8; 4]>) {
        for y in 0..T {
            for x in 0..T {
                if let Some(c) = f(x, y) {
                    self.tile_px(n, x, y, c);
                }
            }
        }
    }

    /// Draws a 16-row character grid into tile `n`; `.` is transparent.
    fn tile_grid(&mut self, n: u32, rows: [&str; 16], palette: &[(char, [u8; 4])]) {
        for (y, row) in rows.iter().enumerate() {
            for (x, ch) in row.chars().enumerate() {
                if let Some((_, c)) = palette.iter().find(|(k, _)| *k == ch) {
                    self.tile_px(n, x as u32, y as u32, *c);
                }
            }
        }
    }
}

const fn rgb(r: u8, g: u8, b: u8) -> [u8; 4] {
    [r, g, b, 255]
}

/// A small deterministic hash for texture noise.
fn noise(x: u32, y: u32, seed: u32) -> u32 {
    let mut h = x.wrapping_mul(374_761_393) ^ y.wrapping_mul(668_265_263) ^ seed;
    h = (h ^ (h >> 13)).wrapping_mul(1_274_126_177);
    h ^ (h >> 16)
}

/// The hero, facing right: a wide-brimmed hat, fair hair, a tunic with a belt; `legs` picks
/// the leg pose.
fn hero(legs: [&'static str; 4]) -> [&'static str; 16] {
    [
        "................",
        "......RRRR......",
        ".....RRRRRR.....",
        "....RRRRRRRRRR..",
        "....HHSSSKSS....",
        "...HHSSSSKSS....",
        "...HHSSSSSSSS...",
        ".....SSSSSS.....",
        "....BBBBBBB.....",
        "...BBBBBBBBB....",
        "..SSBBBYYBBBSS..",
        "..SS.BBYYBB.SS..",
        legs[0],
        legs[1],
        legs[2],
        legs[3],
    ]
}

/// The sprite sheet as a PNG.
fn sprites() -> Vec<u8> {
    let mut s = Sheet {
        rgba: vec![0; (Sheet::W * Sheet::H * 4) as usize],
    };
    let grass = [rgb(88, 184, 56), rgb(60, 150, 40), rgb(130, 220, 80)];
    let soil = [rgb(150, 96, 52), rgb(120, 72, 38), rgb(172, 118, 70)];
    // 0 grass over soil, 1 soil.
    s.tile_with(GRASS as u32, |x, y| {
        let n = noise(x, y, 1) % 3;
        let edge = 4 + (noise(x, 0, 7) % 3);
        Some(if y < edge {
            if y == 0 {
                grass[2]
            } else {
                grass[n as usize % 2]
            }
        } else {
            soil[n as usize]
        })
    });
    s.tile_with(DIRT as u32, |x, y| {
        let n = noise(x, y, 2) % 7;
        Some(soil[if n < 3 { n as usize } else { 0 }])
    });
    // 2 brick: mortar lines, offset every other row of bricks.
    s.tile_with(BRICK as u32, |x, y| {
        let row = y / 4;
        let shift = if row % 2 == 0 { 0 } else { 4 };
        let mortar = y % 4 == 3 || (x + shift) % 8 == 7;
        Some(if mortar {
            rgb(230, 210, 180)
        } else if noise(x, y, 3) % 5 == 0 {
            rgb(170, 60, 40)
        } else {
            rgb(196, 80, 52)
        })
    });
    // 3 stone block: bevelled.
    s.tile_with(STONE as u32, |x, y| {
        Some(if x == 0 || y == 0 {
            rgb(200, 200, 210)
        } else if x == 15 || y == 15 {
            rgb(80, 80, 96)
        } else if (x == 4 || x == 11) && (y == 4 || y == 11) {
            rgb(100, 100, 116)
        } else {
            rgb(150, 150, 166)
        })
    });
    // 4, 5 coin: face on, and edge on.
    let coin = [
        ('Y', rgb(255, 210, 40)),
        ('O', rgb(210, 150, 20)),
        ('W', rgb(255, 250, 200)),
    ];
    s.tile_grid(
        COIN as u32,
        [
            "................",
            "................",
            ".....OOOOOO.....",
            "....OYYYYYYO....",
            "...OYYWWYYYYO...",
            "...OYWYYOYYYO...",
            "...OYWYYOYYYO...",
            "...OYYYYOYYYO...",
            "...OYYYYOYYYO...",
            "...OYYYYOYYYO...",
            "...OYYYYYYYYO...",
            "....OYYYYYYO....",
            ".....OOOOOO.....",
            "................",
            "................",
            "................",
        ],
        &coin,
    );
    s.tile_grid(
        COIN as u32 + 1,
        [
            "................",
            "................",
            ".......OO.......",
            "......OYYO......",
            "......OWYO......",
            "......OWYO......",
            "......OYYO......",
            "......OYYO......",
            "......OYYO......",
            "......OYYO......",
            "......OYYO......",
            "......OYYO......",
            ".......OO.......",
            "................",
            "................",
            "................",
        ],
        &coin,
    );
    // 6, 7 cloud halves.
    for (n, cx) in [(CLOUD_L as u32, 16i32), (CLOUD_R as u32, 0)] {
        s.tile_with(n, |x, y| {
            let (x, y) = (x as i32, y as i32);
            let bumps = [
                (cx - 6, 9, 6),
                (cx, 7, 7),
                (cx + 6, 9, 6),
                (cx - 10, 11, 4),
                (cx + 10, 11, 4),
            ];
            let inside = bumps
                .iter()
                .any(|&(bx, by, r)| (x - bx).pow(2) + (y - by).pow(2) <= r * r)
                && y <= 14;
            inside.then(|| {
                if y >= 12 {
                    rgb(210, 226, 240)
                } else {
                    rgb(255, 255, 255)
                }
            })
        });
    }
    // 8-11 hero: standing, two running poses, jumping.
    let hero_palette = [
        ('R', rgb(30, 160, 150)),
        ('H', rgb(230, 180, 60)),
        ('S', rgb(250, 196, 150)),
        ('K', rgb(30, 20, 10)),
        ('B', rgb(236, 120, 40)),
        ('Y', rgb(120, 70, 30)),
        ('N', rgb(70, 50, 90)),
    ];
    s.tile_grid(
        8,
        hero([
            "....BBB..BBB....",
            "....BBB..BBB....",
            "...NNN....NNN...",
            "..NNNN....NNNN..",
        ]),
        &hero_palette,
    );
    s.tile_grid(
        9,
        hero([
            "...BBBB.BBBB....",
            "..NBBB...BBB....",
            "..NN......NNN...",
            "..........NNNN..",
        ]),
        &hero_palette,
    );
    s.tile_grid(
        10,
        hero([
            ".....BBBBB......",
            ".....BBBBN......",
            "......NNNN......",
            "......NNN.......",
        ]),
        &hero_palette,
    );
    s.tile_grid(
        11,
        hero([
            "..BBBB...BBBBNN.",
            ".NNBB.....BBNN..",
            ".NN.............",
            "................",
        ]),
        &hero_palette,
    );
    // 12, 13 slime: squashed and stretched.
    let slime = [
        ('G', rgb(120, 40, 170)),
        ('L', rgb(170, 90, 220)),
        ('W', rgb(255, 255, 255)),
        ('K', rgb(20, 10, 30)),
    ];
    s.tile_grid(
        12,
        [
            "................",
            "................",
            "................",
            "................",
            "................",
            "................",
            "......GGGG......",
            "....GGLLLLGG....",
            "...GLLLLLLLLG...",
            "..GLLWKLLWKLLG..",
            "..GLLWKLLWKLLG..",
            ".GLLLLLLLLLLLLG.",
            ".GLLLLKKKKLLLLG.",
            ".GLLLLLLLLLLLLG.",
            "..GGGGGGGGGGGG..",
            "................",
        ],
        &slime,
    );
    s.tile_grid(
        13,
        [
            "................",
            "................",
            "................",
            ".......GG.......",
            ".....GGLLGG.....",
            "....GLLLLLLG....",
            "....GLLLLLLG....",
            "...GLWKLLWKLG...",
            "...GLWKLLWKLG...",
            "...GLLLLLLLLG...",
            "...GLLLKKLLLG...",
            "...GLLLLLLLLG...",
            "...GLLLLLLLLG...",
            "....GLLLLLLG....",
            "...GGGGGGGGGG...",
            "................",
        ],
        &slime,
    );
    // 14 heart.
    s.tile_grid(
        14,
        [
            "................",
            "................",
            "...KKK...KKK....",
            "..KRRRK.KRRRK...",
            ".KRWRRRKRRRRRK..",
            ".KRWRRRRRRRRRK..",
            ".KRRRRRRRRRRRK..",
            "..KRRRRRRRRRK...",
            "...KRRRRRRRK....",
            "....KRRRRRK.....",
            ".....KRRRK......",
            "......KRK.......",
            ".......K........",
            "................",
            "................",
            "................",
        ],
        &[
            ('K', rgb(60, 0, 0)),
            ('R', rgb(230, 30, 50)),
            ('W', rgb(255, 200, 200)),
        ],
    );
    // 15 bush, 16 distant hill, 17 flower.
    s.tile_with(BUSH as u32, |x, y| {
        let (x, y) = (x as i32, y as i32);
        let inside = [(4, 10, 5), (11, 10, 5), (8, 7, 5)]
            .iter()
            .any(|&(bx, by, r)| (x - bx).pow(2) + (y - by).pow(2) <= r * r);
        inside.then(|| {
            if noise(x as u32, y as u32, 5) % 6 == 0 {
                rgb(40, 120, 40)
            } else {
                rgb(56, 156, 56)
            }
        })
    });
    s.tile_with(HILL as u32, |x, y| {
        let top = (x as i32 - 8).abs() / 2 + 2;
        (y as i32 >= top).then(|| {
            if (x + y) % 5 == 0 {
                rgb(120, 190, 120)
            } else {
                rgb(140, 210, 140)
            }
        })
    });
    s.tile_with(FLOWER as u32, |x, y| match (x, y) {
        (7..=8, 8..=15) => Some(rgb(40, 140, 40)),
        (5..=6, 11) | (9..=10, 12) => Some(rgb(40, 140, 40)),
        (6..=9, 4..=7) if !((x == 6 || x == 9) && (y == 4 || y == 7)) => {
            Some(if (7..=8).contains(&x) && (5..=6).contains(&y) {
                rgb(255, 220, 0)
            } else {
                rgb(255, 120, 180)
            })
        }
        _ => None,
    });
    let mut out = Vec::new();
    {
        let mut e = png::Encoder::new(&mut out, Sheet::W, Sheet::H);
        e.set_color(png::ColorType::Rgba);
        e.set_depth(png::BitDepth::Eight);
        let mut w = e.write_header().expect("png header");
        w.write_image_data(&s.rgba).expect("png data");
    }
    out
}

/// The level's two layers of tile numbers (`-1` empty): scenery behind, and the solid
/// ground with coins.
pub fn level() -> (Vec<i64>, Vec<i64>) {
    let mut back = vec![-1i64; LEVEL_W * LEVEL_H];
    let mut front = vec![-1i64; LEVEL_W * LEVEL_H];
    let at = |x: usize, y: usize| y * LEVEL_W + x;
    // Ground: rows 9 and 10, with gaps to jump over.
    let gaps = [(18, 20), (37, 39), (61, 63), (80, 82)];
    for x in 0..LEVEL_W {
        if gaps.iter().any(|&(a, b)| (a..=b).contains(&x)) {
            continue;
        }
        front[at(x, 9)] = GRASS;
        front[at(x, 10)] = DIRT;
    }
    // Platforms of bricks and stone steps, with coins above.
    let platforms = [
        (8, 6, 4),
        (23, 5, 3),
        (30, 6, 5),
        (44, 4, 4),
        (52, 6, 3),
        (67, 5, 6),
        (86, 6, 4),
    ];
    for &(x, y, len) in &platforms {
        for i in 0..len {
            front[at(x + i, y)] = BRICK;
            front[at(x + i, y - 1)] = COIN;
        }
    }
    for (i, x) in [
        (0, 14),
        (1, 15),
        (2, 16),
        (0, 57),
        (1, 58),
        (2, 59),
        (3, 60),
    ] {
        for y in (8 - i)..9 {
            front[at(x, y)] = STONE;
        }
    }
    for x in [4, 5, 27, 28, 48, 49, 50, 74, 75, 93, 94] {
        front[at(x, 8)] = COIN;
    }
    // Scenery: clouds, hills, bushes and flowers (drawn behind, with parallax).
    for &(x, y) in &[
        (3, 1),
        (12, 2),
        (21, 1),
        (33, 3),
        (41, 1),
        (55, 2),
        (66, 1),
        (78, 3),
        (90, 1),
    ] {
        back[at(x, y)] = CLOUD_L;
        back[at(x + 1, y)] = CLOUD_R;
    }
    for x in (0..LEVEL_W).step_by(9) {
        back[at(x, 8)] = HILL;
        back[at(x + 1, 8)] = HILL;
    }
    for x in (5..LEVEL_W).step_by(7) {
        back[at(x, 8)] = if x % 2 == 0 { BUSH } else { FLOWER };
    }
    (back, front)
}

/// The level as a TMX document: two CSV layers over the sprite sheet's tileset.
fn level_tmx() -> Vec<u8> {
    let (back, front) = level();
    let csv = |cells: &[i64]| {
        cells
            .chunks(LEVEL_W)
            .map(|row| {
                row.iter()
                    .map(|&c| (c + 1).to_string())
                    .collect::<Vec<_>>()
                    .join(",")
            })
            .collect::<Vec<_>>()
            .join(",\n")
    };
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<map version="1.10" tiledversion="1.10.2" orientation="orthogonal" renderorder="right-down" width="{w}" height="{h}" tilewidth="16" tileheight="16" infinite="0" nextlayerid="3" nextobjectid="1">
 <tileset firstgid="1" name="sprites" tilewidth="16" tileheight="16" tilecount="24" columns="8">
  <image source="sprites.png" width="128" height="48"/>
 </tileset>
 <layer id="1" name="scenery" width="{w}" height="{h}">
  <data encoding="csv">
{back}
</data>
 </layer>
 <layer id="2" name="ground" width="{w}" height="{h}">
  <data encoding="csv">
{front}
</data>
 </layer>
</map>
"#,
        w = LEVEL_W,
        h = LEVEL_H,
        back = csv(&back),
        front = csv(&front)
    )
    .into_bytes()
}

/// The jump sample: 150 ms at 22,050 Hz, 16-bit mono, a triangle wave gliding up from
/// 300 Hz to 900 Hz and fading out. The phase is a 32-bit fraction of a period advanced by
/// `freq × 2^32 / rate` per sample, so the file is the same on every machine.
fn jump_wav() -> Vec<u8> {
    const RATE: u32 = 22_050;
    let n = RATE * 150 / 1000;
    let mut phase: u32 = 0;
    let mut data = Vec::new();
    for i in 0..n {
        let freq = 300 + 600 * i / n;
        phase = phase.wrapping_add(((u64::from(freq) << 32) / u64::from(RATE)) as u32);
        // Triangle from the phase's top 16 bits: −32768 … 32767 … −32768.
        let p = (phase >> 16) as i32;
        let tri = if p < 32768 {
            p * 2 - 32768
        } else {
            (65535 - p) * 2 - 32768
        };
        let level = 20_000 * (n - i) as i32 / n as i32;
        let sample = (tri * level / 32768) as i16;
        data.extend_from_slice(&sample.to_le_bytes());
    }
    let mut out = b"RIFF".to_vec();
    out.extend_from_slice(&(36 + data.len() as u32).to_le_bytes());
    out.extend_from_slice(b"WAVEfmt ");
    out.extend_from_slice(&16u32.to_le_bytes());
    out.extend_from_slice(&1u16.to_le_bytes()); // PCM
    out.extend_from_slice(&1u16.to_le_bytes()); // mono
    out.extend_from_slice(&RATE.to_le_bytes());
    out.extend_from_slice(&(RATE * 2).to_le_bytes());
    out.extend_from_slice(&2u16.to_le_bytes());
    out.extend_from_slice(&16u16.to_le_bytes());
    out.extend_from_slice(b"data");
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    out.extend_from_slice(&data);
    out
}

/// Every file this generator makes, by path relative to `examples/carts/platformer/`.
pub fn files() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("assets/sprites.png", sprites()),
        ("assets/level.tmx", level_tmx()),
        ("assets/jump.wav", jump_wav()),
    ]
}
