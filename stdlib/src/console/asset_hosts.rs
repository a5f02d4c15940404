//! The host functions of sprites, tile maps, the camera and clipping: `Gfx.spr`, `Gfx.spr_ex`,
//! `Gfx.blit`, `Gfx.map`, `Gfx.camera`, `Gfx.clip`, `Gfx.unclip`, `Gfx.pget`, `Color.r/g/b`
//! and the `TileMap` functions.
//!
//! Costs (see `docs/cartridges.md`): drawing pays the drawing base cost plus one cycle per 4
//! pixels written, and `Gfx.map` one more per cell visited; `TileMap.new` and loading a
//! declared map pay one cycle per 16 cells; everything else pays the cheap base cost.

use super::framebuffer::{rgb565_to_rgb8, Clip};
use super::hosts::{console, ints, CHEAP, DRAW};
use super::sprites::{self, Blit, MapView};
use super::Console;
use crate::add;
use prometeu_bytecode::assets::{BankDecl, Image, MAX_MAP_CELLS};
use prometeu_bytecode::HostType::{Bank, Bool, Int, TileMap, Void};
use prometeu_vm::{HostCtx, Hosts, TileMapData, TrapKind, Value};
use std::sync::Arc;

/// The name of the host function that creates the value of a `declare map` global. It cannot
/// be written in PBS (`<` is not part of a name); the compiler calls it by this name.
pub const MAP_ASSET_HOST: &str = "TileMap.<asset>";

/// Registers the asset drawing, camera, clip, colour and tile map functions.
pub(super) fn register(hosts: &mut Hosts) {
    add(
        hosts,
        "Gfx.spr",
        &[Bank, Int, Int, Int],
        Void,
        DRAW,
        gfx_spr,
    );
    add(
        hosts,
        "Gfx.spr_ex",
        &[Bank, Int, Int, Int, Int, Int, Bool, Bool],
        Void,
        DRAW,
        gfx_spr_ex,
    );
    add(
        hosts,
        "Gfx.blit",
        &[Bank, Int, Int, Int, Int, Int, Int],
        Void,
        DRAW,
        gfx_blit,
    );
    add(
        hosts,
        "Gfx.map",
        &[TileMap, Int, Bank, Int, Int, Int, Int, Int, Int],
        Void,
        DRAW,
        gfx_map,
    );
    add(hosts, "Gfx.camera", &[Int, Int], Void, CHEAP, gfx_camera);
    add(hosts, "Gfx.clip", &[Int; 4], Void, CHEAP, gfx_clip);
    add(hosts, "Gfx.unclip", &[], Void, CHEAP, gfx_unclip);
    add(hosts, "Gfx.pget", &[Int, Int], Int, CHEAP, gfx_pget);
    add(hosts, "Color.r", &[Int], Int, CHEAP, color_r);
    add(hosts, "Color.g", &[Int], Int, CHEAP, color_g);
    add(hosts, "Color.b", &[Int], Int, CHEAP, color_b);
    add(
        hosts,
        "TileMap.new",
        &[Int, Int, Int],
        TileMap,
        CHEAP,
        tilemap_new,
    );
    add(hosts, MAP_ASSET_HOST, &[Int], TileMap, CHEAP, tilemap_asset);
    add(
        hosts,
        "TileMap.get",
        &[TileMap, Int, Int, Int],
        Int,
        CHEAP,
        tilemap_get,
    );
    add(
        hosts,
        "TileMap.set",
        &[TileMap, Int, Int, Int, Int],
        Void,
        CHEAP,
        tilemap_set,
    );
    add(
        hosts,
        "TileMap.width",
        &[TileMap],
        Int,
        CHEAP,
        tilemap_width,
    );
    add(
        hosts,
        "TileMap.height",
        &[TileMap],
        Int,
        CHEAP,
        tilemap_height,
    );
    add(
        hosts,
        "TileMap.layers",
        &[TileMap],
        Int,
        CHEAP,
        tilemap_layers,
    );
}

/// Argument `i`; a hand-made program that passes too few traps.
fn arg(args: &[Value], i: usize) -> Result<Value, TrapKind> {
    args.get(i)
        .copied()
        .ok_or(TrapKind::InvalidProgram("too few arguments"))
}

/// Reads a bool argument.
fn flag(value: Value) -> Result<bool, TrapKind> {
    match value {
        Value::Bool(b) => Ok(b),
        _ => Err(TrapKind::InvalidProgram("expected a bool argument")),
    }
}

/// The bank a `Bank` value names, with its image; a shared handle, so drawing can borrow
/// the screen mutably at the same time.
fn bank(con: &Console, value: Value) -> Result<(Arc<prometeu_bytecode::Assets>, usize), TrapKind> {
    let Value::Int(index) = value else {
        return Err(TrapKind::InvalidProgram("expected a bank argument"));
    };
    let index = usize::try_from(index)
        .ok()
        .filter(|&i| con.assets.bank_image(i).is_some())
        .ok_or(TrapKind::InvalidProgram("bank index out of range"))?;
    Ok((Arc::clone(&con.assets), index))
}

/// The declaration and image of bank `index` of `assets` (checked by [`bank`]).
fn bank_parts(
    assets: &prometeu_bytecode::Assets,
    index: usize,
) -> Result<(&BankDecl, &Image), TrapKind> {
    assets
        .bank_image(index)
        .ok_or(TrapKind::InvalidProgram("bank index out of range"))
}

/// The arguments of `Gfx.spr` and `Gfx.spr_ex`.
struct SpriteArgs {
    /// The `Bank` value.
    bank: Value,
    /// The top-left tile.
    n: i64,
    /// The position before the camera.
    at: (i64, i64),
    /// The block's size in tiles.
    size: (i64, i64),
    /// Mirroring left to right and top to bottom.
    flip: (bool, bool),
}

/// Draws a block of tiles and charges for it.
fn sprite(ctx: &mut HostCtx<'_>, name: &str, args: SpriteArgs) -> Result<Value, TrapKind> {
    let SpriteArgs {
        bank: bank_value,
        n,
        at: (x, y),
        size,
        flip,
    } = args;
    let con = console(&mut *ctx.state)?;
    let (assets, index) = bank(con, bank_value)?;
    let (decl, image) = bank_parts(&assets, index)?;
    let pos = (
        x.saturating_sub(con.camera.0),
        y.saturating_sub(con.camera.1),
    );
    let written = sprites::sprite(&mut con.fb, decl, image, n, pos, size, flip)
        .map_err(|e| TrapKind::Host(format!("{name}: {e}")))?;
    ctx.charge(written / 4);
    Ok(Value::Unit)
}

/// `Gfx.spr(bank, n, x, y)`.
fn gfx_spr(ctx: &mut HostCtx<'_>, args: &[Value]) -> Result<Value, TrapKind> {
    let [n, x, y] = ints(args.get(1..).unwrap_or(&[]))?;
    let call = SpriteArgs {
        bank: arg(args, 0)?,
        n,
        at: (x, y),
        size: (1, 1),
        flip: (false, false),
    };
    sprite(ctx, "Gfx.spr", call)
}

/// `Gfx.spr_ex(bank, n, x, y, w, h, flip_x, flip_y)`.
fn gfx_spr_ex(ctx: &mut HostCtx<'_>, args: &[Value]) -> Result<Value, TrapKind> {
    let [n, x, y, w, h] = ints(args.get(1..6).unwrap_or(&[]))?;
    let (fx, fy) = (flag(arg(args, 6)?)?, flag(arg(args, 7)?)?);
    let call = SpriteArgs {
        bank: arg(args, 0)?,
        n,
        at: (x, y),
        size: (w, h),
        flip: (fx, fy),
    };
    sprite(ctx, "Gfx.spr_ex", call)
}

/// `Gfx.blit(bank, sx, sy, sw, sh, dx, dy)`: a rectangle of the bank's image, in pixels.
fn gfx_blit(ctx: &mut HostCtx<'_>, args: &[Value]) -> Result<Value, TrapKind> {
    let [sx, sy, w, h, dx, dy] = ints(args.get(1..).unwrap_or(&[]))?;
    let con = console(&mut *ctx.state)?;
    let (assets, index) = bank(con, arg(args, 0)?)?;
    let (_, image) = bank_parts(&assets, index)?;
    let blit = Blit {
        sx,
        sy,
        w,
        h,
        dx: dx.saturating_sub(con.camera.0),
        dy: dy.saturating_sub(con.camera.1),
        flip_x: false,
        flip_y: false,
    };
    let written = sprites::blit(&mut con.fb, image, blit);
    ctx.charge(written / 4);
    Ok(Value::Unit)
}

/// `Gfx.map(m, layer, bank, cx, cy, cw, ch, sx, sy)`.
fn gfx_map(ctx: &mut HostCtx<'_>, args: &[Value]) -> Result<Value, TrapKind> {
    let [layer] = ints(args.get(1..2).unwrap_or(&[]))?;
    let [cx, cy, cw, ch, sx, sy] = ints(args.get(3..).unwrap_or(&[]))?;
    let map = ctx.heap.tilemap(arg(args, 0)?)?;
    let con = console(&mut *ctx.state)?;
    let (assets, index) = bank(con, arg(args, 2)?)?;
    let (decl, image) = bank_parts(&assets, index)?;
    let view = MapView {
        layer,
        cx,
        cy,
        cw,
        ch,
        sx: sx.saturating_sub(con.camera.0),
        sy: sy.saturating_sub(con.camera.1),
    };
    let drawn = sprites::map(&mut con.fb, map, decl, image, view).map_err(|c| {
        TrapKind::Host(format!(
            "Gfx.map: cell ({}, {}) of layer {layer} holds tile {}, which is not in the bank (it has tiles 0 to {})",
            c.x,
            c.y,
            c.tile,
            c.count - 1
        ))
    })?;
    ctx.charge(drawn.cells + drawn.pixels / 4);
    Ok(Value::Unit)
}

/// `Gfx.camera(x, y)`.
fn gfx_camera(ctx: &mut HostCtx<'_>, args: &[Value]) -> Result<Value, TrapKind> {
    let [x, y] = ints(args)?;
    console(&mut *ctx.state)?.camera = (x, y);
    Ok(Value::Unit)
}

/// `Gfx.clip(x, y, w, h)`: in screen coordinates (the camera does not move it).
fn gfx_clip(ctx: &mut HostCtx<'_>, args: &[Value]) -> Result<Value, TrapKind> {
    let [x, y, w, h] = ints(args)?;
    console(&mut *ctx.state)?.fb.set_clip(Clip::new(x, y, w, h));
    Ok(Value::Unit)
}

/// `Gfx.unclip()`.
fn gfx_unclip(ctx: &mut HostCtx<'_>, _: &[Value]) -> Result<Value, TrapKind> {
    console(&mut *ctx.state)?.fb.set_clip(Clip::FULL);
    Ok(Value::Unit)
}

/// `Gfx.pget(x, y)`: the colour at a screen position (the camera does not move it), `0` off
/// screen.
fn gfx_pget(ctx: &mut HostCtx<'_>, args: &[Value]) -> Result<Value, TrapKind> {
    let [x, y] = ints(args)?;
    let fb = &console(&mut *ctx.state)?.fb;
    let colour = match (usize::try_from(x), usize::try_from(y)) {
        (Ok(x), Ok(y)) => fb.get(x, y).unwrap_or(0),
        _ => 0,
    };
    Ok(Value::Int(i64::from(colour)))
}

/// One 8-bit channel of the RGB565 colour in the low 16 bits of an int.
fn channel(args: &[Value], which: usize) -> Result<Value, TrapKind> {
    let [c] = ints(args)?;
    Ok(Value::Int(i64::from(rgb565_to_rgb8(c as u16)[which])))
}

/// `Color.r(c)`.
fn color_r(_: &mut HostCtx<'_>, args: &[Value]) -> Result<Value, TrapKind> {
    channel(args, 0)
}

/// `Color.g(c)`.
fn color_g(_: &mut HostCtx<'_>, args: &[Value]) -> Result<Value, TrapKind> {
    channel(args, 1)
}

/// `Color.b(c)`.
fn color_b(_: &mut HostCtx<'_>, args: &[Value]) -> Result<Value, TrapKind> {
    channel(args, 2)
}

/// `TileMap.new(w, h, layers)`: every cell empty (`-1`); traps for a negative or too large size.
fn tilemap_new(ctx: &mut HostCtx<'_>, args: &[Value]) -> Result<Value, TrapKind> {
    let [w, h, layers] = ints(args)?;
    let cells = [w, h, layers]
        .iter()
        .try_fold(
            1i64,
            |acc, &n| if n < 0 { None } else { acc.checked_mul(n) },
        )
        .filter(|&n| n <= i64::from(MAX_MAP_CELLS));
    let Some(cells) = cells else {
        return Err(TrapKind::Host(format!(
            "TileMap.new: a {w}x{h} map with {layers} layers is not possible (sizes must be 0 or more, with at most {MAX_MAP_CELLS} cells in all)"
        )));
    };
    ctx.charge(cells as u64 / 16);
    // The heap limit is checked before the cells are allocated.
    ctx.heap.ensure_room(tilemap_bytes(cells as u64))?;
    ctx.heap.alloc_tilemap(TileMapData {
        width: w as u32,
        height: h as u32,
        layers: layers as u32,
        cells: vec![-1; cells as usize],
    })
}

/// The heap bytes a map of `cells` cells is accounted as: its object and its 4-byte cells.
fn tilemap_bytes(cells: u64) -> u64 {
    prometeu_vm::OBJECT_BYTES + prometeu_vm::BLOCK_BYTES + cells.saturating_mul(4)
}

/// Creates the value of a `declare map` global: a fresh copy of the program's map `n`.
fn tilemap_asset(ctx: &mut HostCtx<'_>, args: &[Value]) -> Result<Value, TrapKind> {
    let [n] = ints(args)?;
    let con = console(&mut *ctx.state)?;
    let assets = Arc::clone(&con.assets);
    let map = usize::try_from(n)
        .ok()
        .and_then(|i| assets.maps.get(i))
        .ok_or(TrapKind::InvalidProgram("map index out of range"))?;
    ctx.charge(map.cells.len() as u64 / 16);
    ctx.heap
        .ensure_room(tilemap_bytes(map.cells.len() as u64))?;
    ctx.heap.alloc_tilemap(TileMapData {
        width: u32::from(map.width),
        height: u32::from(map.height),
        layers: u32::from(map.layers),
        cells: map.cells.iter().map(|&c| i32::from(c)).collect(),
    })
}

/// `m.get(layer, x, y)`: `-1` outside the map.
fn tilemap_get(ctx: &mut HostCtx<'_>, args: &[Value]) -> Result<Value, TrapKind> {
    let [layer, x, y] = ints(args.get(1..).unwrap_or(&[]))?;
    let map = ctx.heap.tilemap(arg(args, 0)?)?;
    Ok(Value::Int(i64::from(map.get(layer, x, y))))
}

/// `m.set(layer, x, y, tile)`: writes outside the map are ignored; a tile below -1 or above
/// the int range of a cell traps.
fn tilemap_set(ctx: &mut HostCtx<'_>, args: &[Value]) -> Result<Value, TrapKind> {
    let [layer, x, y, tile] = ints(args.get(1..).unwrap_or(&[]))?;
    let cell = i32::try_from(tile)
        .ok()
        .filter(|&t| t >= -1)
        .ok_or_else(|| {
            TrapKind::Host(format!(
            "TileMap.set: tile {tile} is not a tile number (use -1 for an empty cell, or 0 to {})",
            i32::MAX
        ))
        })?;
    let map = ctx.heap.tilemap_mut(arg(args, 0)?)?;
    if let Some(i) = map.index(layer, x, y) {
        map.cells[i] = cell;
    }
    Ok(Value::Unit)
}

/// `m.width()`.
fn tilemap_width(ctx: &mut HostCtx<'_>, args: &[Value]) -> Result<Value, TrapKind> {
    Ok(Value::Int(i64::from(
        ctx.heap.tilemap(arg(args, 0)?)?.width,
    )))
}

/// `m.height()`.
fn tilemap_height(ctx: &mut HostCtx<'_>, args: &[Value]) -> Result<Value, TrapKind> {
    Ok(Value::Int(i64::from(
        ctx.heap.tilemap(arg(args, 0)?)?.height,
    )))
}

/// `m.layers()`.
fn tilemap_layers(ctx: &mut HostCtx<'_>, args: &[Value]) -> Result<Value, TrapKind> {
    Ok(Value::Int(i64::from(
        ctx.heap.tilemap(arg(args, 0)?)?.layers,
    )))
}
