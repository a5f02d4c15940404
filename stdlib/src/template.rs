//! `format(template, args…)`. The compiler passes the arguments as one array, so any number
//! of them fits a host call. A template that does not parse or does not match the number of
//! arguments traps; the text grows piece by piece and traps as soon as it would pass the
//! string limit. It costs 1 cycle per 16 bytes of the result, like `str`.

use crate::add;
use crate::strings::text;
use prometeu_bytecode::template::{self, Align, Piece, Spec};
use prometeu_bytecode::HostType::{Any, Str};
use prometeu_vm::{FormatStyle, HostCtx, Hosts, TrapKind, Value};

/// Registers `format`.
pub(crate) fn register(hosts: &mut Hosts) {
    add(hosts, "format", &[Str, Any], Str, 10, format);
}

fn format(ctx: &mut HostCtx<'_>, args: &[Value]) -> Result<Value, TrapKind> {
    let values: Vec<Value> = ctx.heap.array(args[1])?.iter().map(|p| p.get()).collect();
    let template = text(ctx, args[0])?.to_string();
    let pieces = template::parse(&template)
        .map_err(|e| TrapKind::Host(format!("format: {} (at byte {})", e.message, e.at)))?;
    let holes = template::holes(&pieces);
    if holes != values.len() {
        return Err(TrapKind::Host(format!(
            "format: {}",
            template::count_mismatch(holes, values.len())
        )));
    }
    let limit = ctx.heap.max_string();
    let mut out = String::new();
    let mut next = values.iter();
    for piece in &pieces {
        match piece {
            Piece::Text(t) => out.push_str(t),
            Piece::Hole(spec) => {
                let v = *next
                    .next()
                    .ok_or(TrapKind::InvalidProgram("format arguments"))?;
                let shown = hole(ctx, v, spec)?;
                if out.len() + shown.len() > limit {
                    return Err(TrapKind::StringTooLong {
                        len: out.len() + shown.len(),
                        limit,
                    });
                }
                out.push_str(&shown);
            }
        }
        if out.len() > limit {
            return Err(TrapKind::StringTooLong {
                len: out.len(),
                limit,
            });
        }
    }
    ctx.charge(out.len() as u64 / 16);
    ctx.string(out)
}

/// One argument formatted by its hole's spec.
fn hole(ctx: &HostCtx<'_>, v: Value, spec: &Spec) -> Result<String, TrapKind> {
    let number = matches!(v, Value::Int(_) | Value::Float(_));
    if (spec.zero || spec.precision.is_some()) && !number {
        return Err(TrapKind::Host(
            "format: `0` and `.N` in a hole apply to numbers only".into(),
        ));
    }
    let width = spec.width.unwrap_or(0);
    if width > ctx.heap.max_string() {
        return Err(TrapKind::StringTooLong {
            len: width,
            limit: ctx.heap.max_string(),
        });
    }
    let body = match (v, spec.precision) {
        (Value::Float(f), Some(p)) if f.is_finite() => format!("{f:.p$}"),
        (Value::Int(_), Some(_)) => {
            return Err(TrapKind::Host(
                "format: `.N` gives decimals to floats only; convert the int with `as float`"
                    .into(),
            ))
        }
        _ => ctx.format(v, FormatStyle::Plain)?,
    };
    let chars = body.chars().count();
    if chars >= width {
        return Ok(body);
    }
    let pad = width - chars;
    let finite = !matches!(v, Value::Float(f) if !f.is_finite());
    if spec.zero && finite {
        // Zeros go after the sign: `{:05}` of -42 is `-0042`.
        let (sign, digits) = match body.strip_prefix('-') {
            Some(rest) => ("-", rest),
            None => ("", body.as_str()),
        };
        return Ok(format!("{sign}{}{digits}", "0".repeat(pad)));
    }
    let right = spec.align.map_or(number, |a| a == Align::Right);
    let spaces = " ".repeat(pad);
    Ok(if right {
        spaces + &body
    } else {
        body + &spaces
    })
}
