//! TMX to tile layers, with the `tiled` crate reading the file (and any external `.tsx`
//! tileset) through the compilation's [`AssetSource`].
//!
//! Supported: orthogonal, finite maps with square tiles of 8, 16 or 32 pixels; tile layers
//! in CSV, base64, or base64 with zlib or gzip compression; tiles from the map's first
//! tileset. Object and image layers are skipped. Everything else is an unsupported feature
//! (E0705) that names what the file uses.

use super::{normalize, read, AssetError, AssetSource, ReadError};
use prometeu_bytecode::assets::{
    tile_count, Assets, MapAsset, MAX_MAP_CELLS, MAX_MAP_LAYERS, MAX_MAP_SIDE, MAX_TILES,
    TILE_SIZES,
};
use prometeu_lexer::Span;
use std::io::Cursor;
use std::path::Path;

/// A converted map and what it needs from a bank.
pub(super) struct Converted {
    /// The cells.
    pub(super) map: MapAsset,
    /// The first tileset's image, normalized, if it has one.
    tileset_image: Option<String>,
    /// The tile size.
    tile: u32,
    /// The highest tile index used, if any cell is not empty.
    max_tile: Option<i16>,
}

/// A reader failure, as the `tiled` crate wants it.
#[derive(Debug)]
struct Unreadable(String);

impl std::fmt::Display for Unreadable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Unreadable {}

/// Reads and converts one TMX file; `key` is its normalized path.
pub(super) fn convert(
    reader: &dyn AssetSource,
    key: &str,
    written: &str,
    span: Span,
) -> Result<Converted, Box<AssetError>> {
    let bytes = read(reader, key, written, span)?;
    let unsupported = |what: String| {
        AssetError::new(
            "E0705",
            format!("asset file `{written}` uses an unsupported TMX feature: {what}"),
            span,
            "unsupported map",
        )
        .with_help("save it in Tiled as an orthogonal, fixed-size map with CSV or base64 (zlib) layer data")
    };
    let main = key.to_string();
    let source = reader;
    let resources = move |path: &Path| -> Result<Cursor<Vec<u8>>, Unreadable> {
        let text = path.to_string_lossy();
        let Some(path) = normalize(&text) else {
            return Err(Unreadable(format!("`{text}` is not a relative path")));
        };
        if path == main {
            return Ok(Cursor::new(bytes.clone()));
        }
        match source.read(&path) {
            Ok(bytes) => Ok(Cursor::new(bytes)),
            Err(ReadError::NotFound) => Err(Unreadable(format!("cannot find `{path}`"))),
            Err(ReadError::TooLarge { limit }) => {
                Err(Unreadable(format!("`{path}` is larger than {limit} bytes")))
            }
            Err(ReadError::Other(why)) => Err(Unreadable(format!("`{path}`: {why}"))),
        }
    };
    let mut loader = tiled::Loader::with_reader(resources);
    let map = loader.load_tmx_map(key).map_err(|e| match e {
        tiled::Error::InvalidEncodingFormat {
            encoding,
            compression,
        } => unsupported(format!(
            "layer data with encoding `{}` and compression `{}`",
            encoding.as_deref().unwrap_or("xml"),
            compression.as_deref().unwrap_or("none")
        )),
        other => AssetError::new(
            "E0702",
            format!("asset file `{written}` is not a TMX map this compiler can read"),
            span,
            other.to_string(),
        )
        .with_help("a map needs a TMX file saved by Tiled"),
    })?;
    if map.orientation != tiled::Orientation::Orthogonal {
        return Err(Box::new(unsupported(format!(
            "{} orientation (only orthogonal maps are supported)",
            format!("{:?}", map.orientation).to_lowercase()
        ))));
    }
    if map.infinite() {
        return Err(Box::new(unsupported("an infinite map".into())));
    }
    if map.tile_width != map.tile_height || !TILE_SIZES.contains(&(map.tile_width as u8)) {
        return Err(Box::new(unsupported(format!(
            "tiles of {}×{} (tiles must be square, 8, 16 or 32 pixels)",
            map.tile_width, map.tile_height
        ))));
    }
    if map.width > u32::from(MAX_MAP_SIDE) || map.height > u32::from(MAX_MAP_SIDE) {
        return Err(Box::new(too_large(written, span, map.width, map.height)));
    }
    let (width, height) = (map.width as u16, map.height as u16);
    let mut layers: Vec<Vec<i16>> = Vec::new();
    let mut max_tile: Option<i16> = None;
    for layer in map.layers() {
        let tiles = match layer.layer_type() {
            tiled::LayerType::Tiles(tiles) => tiles,
            tiled::LayerType::Objects(_) | tiled::LayerType::Image(_) => continue,
            tiled::LayerType::Group(_) => {
                return Err(Box::new(unsupported(format!(
                    "a group layer (`{}`)",
                    layer.name
                ))))
            }
        };
        if layers.len() == usize::from(MAX_MAP_LAYERS) {
            return Err(Box::new(unsupported(format!(
                "more than {MAX_MAP_LAYERS} tile layers"
            ))));
        }
        let cells = usize::from(width) * usize::from(height) * (layers.len() + 1);
        if cells > MAX_MAP_CELLS as usize {
            return Err(Box::new(too_large(written, span, map.width, map.height)));
        }
        let mut cells = Vec::with_capacity(usize::from(width) * usize::from(height));
        for y in 0..i32::from(height) {
            for x in 0..i32::from(width) {
                let Some(tile) = tiles.get_tile(x, y) else {
                    cells.push(-1);
                    continue;
                };
                if tile.tileset_index() != 0 {
                    return Err(Box::new(unsupported(format!(
                        "tiles from a second tileset (`{}`, at cell ({x}, {y}) of layer `{}`)",
                        tile.get_tileset().name,
                        layer.name
                    ))));
                }
                if tile.flip_h || tile.flip_v || tile.flip_d {
                    return Err(Box::new(unsupported(format!(
                        "a flipped or rotated tile (at cell ({x}, {y}) of layer `{}`)",
                        layer.name
                    ))));
                }
                let id = tile.id();
                if id >= MAX_TILES {
                    return Err(Box::new(AssetError::new(
                        "E0707",
                        format!(
                            "asset file `{written}` uses tile {id} at cell ({x}, {y}) of layer `{}`, beyond the {MAX_TILES} tiles a bank holds",
                            layer.name
                        ),
                        span,
                        "tile out of range",
                    )));
                }
                let id = id as i16;
                max_tile = max_tile.max(Some(id));
                cells.push(id);
            }
        }
        layers.push(cells);
    }
    let tileset = map.tilesets().first();
    let tileset_image = tileset
        .and_then(|t| t.image.as_ref())
        .and_then(|i| normalize(&i.source.to_string_lossy()));
    Ok(Converted {
        map: MapAsset {
            name: written.to_string(),
            width,
            height,
            layers: layers.len() as u16,
            cells: layers.concat(),
        },
        tileset_image,
        tile: tileset.map_or(map.tile_width, |t| t.tile_width),
        max_tile,
    })
}

/// The error for a map larger than the console stores.
fn too_large(written: &str, span: Span, width: u32, height: u32) -> AssetError {
    AssetError::new(
        "E0708",
        format!(
            "asset file `{written}` is a {width}×{height} map, larger than a program may carry"
        ),
        span,
        "map too large",
    )
    .with_help(format!(
        "maps may be at most {MAX_MAP_SIDE} cells on a side and {MAX_MAP_CELLS} cells over all layers"
    ))
}

/// Checks a map against the banks cut from its tileset's image: the same tile size, and no
/// tile beyond the bank's last.
pub(super) fn check_banks(
    converted: &Converted,
    assets: &Assets,
    banks: &[(String, usize, Span)],
    written: &str,
    span: Span,
) -> Result<(), Box<AssetError>> {
    let Some(image_path) = &converted.tileset_image else {
        return Ok(());
    };
    for (path, bank, bank_span) in banks {
        if path != image_path {
            continue;
        }
        let Some((decl, image)) = assets.bank_image(*bank) else {
            continue;
        };
        let count = tile_count(image, decl.tile);
        let fits_size = u32::from(decl.tile) == converted.tile;
        let fits_count = converted.max_tile.is_none_or(|t| (t as u32) < count);
        if !fits_size || !fits_count {
            let why = if fits_size {
                format!(
                    "it uses tile {}, and bank `{}` has tiles 0 to {}",
                    converted.max_tile.unwrap_or(0),
                    decl.name,
                    count.saturating_sub(1)
                )
            } else {
                format!(
                    "its tiles are {t}×{t} and bank `{}` cuts tiles of {b}×{b}",
                    decl.name,
                    t = converted.tile,
                    b = decl.tile
                )
            };
            return Err(Box::new(AssetError::new(
                "E0707",
                format!("the tileset of map `{written}` does not fit bank `{}`: {why}", decl.name),
                span,
                "this map",
            )
            .with_label(*bank_span, "the bank cut from the tileset's image")
            .with_help("use the same tile size in Tiled and in `declare bank`, and only tiles the image has")));
        }
    }
    Ok(())
}
