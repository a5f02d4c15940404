//! The console host functions: argument decoding, console lookup and cycle charging.
//!
//! Costs: each call pays its base cost (10 for drawing, 2 for everything else); drawing also
//! charges one cycle per 4 pixels written, and `Gfx.text` one more per byte of its string.
//! Every drawing position is moved by the `Gfx.camera` offset before drawing. The functions
//! that draw from assets are in `asset_hosts.rs`.

use super::framebuffer::{rgb8_to_rgb565, Framebuffer, HEIGHT, WIDTH};
use super::{gfx, Console, Pad};
use crate::add;
use prometeu_bytecode::HostType::{Bool, Float, Int, Str, Void};
use prometeu_vm::{HostCtx, Hosts, TrapKind, Value};
use std::any::Any;

/// The base cost of a drawing call.
pub(super) const DRAW: u32 = 10;
/// The base cost of every other console call.
pub(super) const CHEAP: u32 = 2;

/// Registers every console host function.
pub(super) fn register(hosts: &mut Hosts) {
    add(hosts, "Gfx.clear", &[Int], Void, DRAW, gfx_clear);
    add(hosts, "Gfx.pixel", &[Int, Int, Int], Void, DRAW, gfx_pixel);
    add(hosts, "Gfx.line", &[Int; 5], Void, DRAW, gfx_line);
    add(hosts, "Gfx.rect", &[Int; 5], Void, DRAW, gfx_rect);
    add(hosts, "Gfx.fill_rect", &[Int; 5], Void, DRAW, gfx_fill_rect);
    add(hosts, "Gfx.circle", &[Int; 4], Void, DRAW, gfx_circle);
    add(
        hosts,
        "Gfx.fill_circle",
        &[Int; 4],
        Void,
        DRAW,
        gfx_fill_circle,
    );
    add(
        hosts,
        "Gfx.text",
        &[Int, Int, Str, Int],
        Void,
        DRAW,
        gfx_text,
    );
    add(hosts, "Gfx.width", &[], Int, CHEAP, gfx_width);
    add(hosts, "Gfx.height", &[], Int, CHEAP, gfx_height);
    add(hosts, "Color.rgb", &[Int, Int, Int], Int, CHEAP, color_rgb);
    add(hosts, "Input.btn", &[Int], Bool, CHEAP, input_btn);
    add(hosts, "Input.btnp", &[Int], Bool, CHEAP, input_btnp);
    add(hosts, "Input.btnr", &[Int], Bool, CHEAP, input_btnr);
    add(hosts, "Rand.seed", &[Int], Void, CHEAP, rand_seed);
    add(hosts, "Rand.int", &[Int, Int], Int, CHEAP, rand_int);
    add(hosts, "Rand.float", &[], Float, CHEAP, rand_float);
    add(hosts, "System.frame", &[], Int, CHEAP, system_frame);
    add(hosts, "System.exit", &[], Void, CHEAP, system_exit);
}

/// The console installed as the VM state, or the trap for a run without one.
pub(super) fn console(state: &mut dyn Any) -> Result<&mut Console, TrapKind> {
    state
        .downcast_mut::<Console>()
        .ok_or_else(|| TrapKind::Host("the console is not available in this run".into()))
}

/// Reads `N` int arguments; anything else means a hand-made program lied about types.
pub(super) fn ints<const N: usize>(args: &[Value]) -> Result<[i64; N], TrapKind> {
    let mut out = [0; N];
    for (slot, arg) in out.iter_mut().zip(args) {
        match arg {
            Value::Int(i) => *slot = *i,
            _ => return Err(TrapKind::InvalidProgram("expected an int argument")),
        }
    }
    if args.len() < N {
        return Err(TrapKind::InvalidProgram("too few arguments"));
    }
    Ok(out)
}

/// Runs a drawing primitive on the console's screen, giving it a function that moves a
/// position by the camera, and charges for the pixels it wrote.
fn draw(
    ctx: &mut HostCtx<'_>,
    primitive: impl FnOnce(&mut Framebuffer, &dyn Fn(i64, i64) -> (i64, i64)) -> u64,
) -> Result<Value, TrapKind> {
    let con = console(&mut *ctx.state)?;
    let (cx, cy) = con.camera;
    let at = move |x: i64, y: i64| (x.saturating_sub(cx), y.saturating_sub(cy));
    let written = primitive(&mut con.fb, &at);
    ctx.charge(written / 4);
    Ok(Value::Unit)
}

/// `Gfx.clear(c)`.
fn gfx_clear(ctx: &mut HostCtx<'_>, args: &[Value]) -> Result<Value, TrapKind> {
    let [c] = ints(args)?;
    draw(ctx, |fb, _| gfx::clear(fb, c))
}

/// `Gfx.pixel(x, y, c)`.
fn gfx_pixel(ctx: &mut HostCtx<'_>, args: &[Value]) -> Result<Value, TrapKind> {
    let [x, y, c] = ints(args)?;
    draw(ctx, |fb, at| {
        let (x, y) = at(x, y);
        gfx::pixel(fb, x, y, c)
    })
}

/// `Gfx.line(x0, y0, x1, y1, c)`.
fn gfx_line(ctx: &mut HostCtx<'_>, args: &[Value]) -> Result<Value, TrapKind> {
    let [x0, y0, x1, y1, c] = ints(args)?;
    draw(ctx, |fb, at| {
        let ((x0, y0), (x1, y1)) = (at(x0, y0), at(x1, y1));
        gfx::line(fb, x0, y0, x1, y1, c)
    })
}

/// `Gfx.rect(x, y, w, h, c)`.
fn gfx_rect(ctx: &mut HostCtx<'_>, args: &[Value]) -> Result<Value, TrapKind> {
    let [x, y, w, h, c] = ints(args)?;
    draw(ctx, |fb, at| {
        let (x, y) = at(x, y);
        gfx::rect(fb, x, y, w, h, c)
    })
}

/// `Gfx.fill_rect(x, y, w, h, c)`.
fn gfx_fill_rect(ctx: &mut HostCtx<'_>, args: &[Value]) -> Result<Value, TrapKind> {
    let [x, y, w, h, c] = ints(args)?;
    draw(ctx, |fb, at| {
        let (x, y) = at(x, y);
        gfx::fill_rect(fb, x, y, w, h, c)
    })
}

/// `Gfx.circle(x, y, r, c)`.
fn gfx_circle(ctx: &mut HostCtx<'_>, args: &[Value]) -> Result<Value, TrapKind> {
    let [x, y, r, c] = ints(args)?;
    draw(ctx, |fb, at| {
        let (x, y) = at(x, y);
        gfx::circle(fb, x, y, r, c)
    })
}

/// `Gfx.fill_circle(x, y, r, c)`.
fn gfx_fill_circle(ctx: &mut HostCtx<'_>, args: &[Value]) -> Result<Value, TrapKind> {
    let [x, y, r, c] = ints(args)?;
    draw(ctx, |fb, at| {
        let (x, y) = at(x, y);
        gfx::fill_circle(fb, x, y, r, c)
    })
}

/// `Gfx.text(x, y, s, c)`: charged per pixel written and per byte of `s`.
fn gfx_text(ctx: &mut HostCtx<'_>, args: &[Value]) -> Result<Value, TrapKind> {
    let (Some(&x), Some(&y), Some(&s), Some(&c)) =
        (args.first(), args.get(1), args.get(2), args.get(3))
    else {
        return Err(TrapKind::InvalidProgram("too few arguments"));
    };
    let [x, y, c] = ints([x, y, c].as_slice())?;
    let text = ctx
        .heap
        .str(s)
        .ok_or(TrapKind::InvalidProgram("expected a string argument"))?;
    let con = console(&mut *ctx.state)?;
    let (x, y) = (
        x.saturating_sub(con.camera.0),
        y.saturating_sub(con.camera.1),
    );
    let written = gfx::text(&mut con.fb, x, y, text, c);
    let bytes = text.len() as u64;
    ctx.charge(bytes.saturating_add(written / 4));
    Ok(Value::Unit)
}

/// `Gfx.width()`: the screen width, 320 (no console needed).
fn gfx_width(_: &mut HostCtx<'_>, _: &[Value]) -> Result<Value, TrapKind> {
    Ok(Value::Int(WIDTH as i64))
}

/// `Gfx.height()`: the screen height, 180 (no console needed).
fn gfx_height(_: &mut HostCtx<'_>, _: &[Value]) -> Result<Value, TrapKind> {
    Ok(Value::Int(HEIGHT as i64))
}

/// `Color.rgb(r, g, b)`: 8-bit channels, clamped to 0..=255, packed to RGB565.
fn color_rgb(_: &mut HostCtx<'_>, args: &[Value]) -> Result<Value, TrapKind> {
    let [r, g, b] = ints(args)?;
    Ok(Value::Int(i64::from(rgb8_to_rgb565(r, g, b))))
}

/// Asks the pad one question about one button.
fn query(
    ctx: &mut HostCtx<'_>,
    args: &[Value],
    question: fn(&Pad, i64) -> bool,
) -> Result<Value, TrapKind> {
    let [button] = ints(args)?;
    Ok(Value::Bool(question(
        &console(&mut *ctx.state)?.pad,
        button,
    )))
}

/// `Input.btn(b)`.
fn input_btn(ctx: &mut HostCtx<'_>, args: &[Value]) -> Result<Value, TrapKind> {
    query(ctx, args, Pad::btn)
}

/// `Input.btnp(b)`.
fn input_btnp(ctx: &mut HostCtx<'_>, args: &[Value]) -> Result<Value, TrapKind> {
    query(ctx, args, Pad::btnp)
}

/// `Input.btnr(b)`.
fn input_btnr(ctx: &mut HostCtx<'_>, args: &[Value]) -> Result<Value, TrapKind> {
    query(ctx, args, Pad::btnr)
}

/// `Rand.seed(s)`.
fn rand_seed(ctx: &mut HostCtx<'_>, args: &[Value]) -> Result<Value, TrapKind> {
    let [seed] = ints(args)?;
    console(&mut *ctx.state)?.rng.seed(seed);
    Ok(Value::Unit)
}

/// `Rand.int(lo, hi)`: traps when `hi <= lo`.
fn rand_int(ctx: &mut HostCtx<'_>, args: &[Value]) -> Result<Value, TrapKind> {
    let [lo, hi] = ints(args)?;
    console(&mut *ctx.state)?
        .rng
        .int(lo, hi)
        .map(Value::Int)
        .map_err(|e| TrapKind::Host(format!("Rand.int: {e}")))
}

/// `Rand.float()`.
fn rand_float(ctx: &mut HostCtx<'_>, _: &[Value]) -> Result<Value, TrapKind> {
    Ok(Value::Float(console(&mut *ctx.state)?.rng.float()))
}

/// `System.frame()`: frames since boot (saturating at the int maximum).
fn system_frame(ctx: &mut HostCtx<'_>, _: &[Value]) -> Result<Value, TrapKind> {
    let frame = console(&mut *ctx.state)?.frame;
    Ok(Value::Int(i64::try_from(frame).unwrap_or(i64::MAX)))
}

/// `System.exit()`: asks the embedder to stop after the current frame.
fn system_exit(ctx: &mut HostCtx<'_>, _: &[Value]) -> Result<Value, TrapKind> {
    console(&mut *ctx.state)?.exit_requested = true;
    Ok(Value::Unit)
}
