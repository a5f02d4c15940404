//! Value formatting for `print`, `str`, string building and the REPL (spec §6).
//!
//! Formatting is iterative (an explicit work list, not recursion), so a deeply nested value
//! needs no host stack, and it takes time linear in the text it produces: every object on
//! the current path is in a hash set, so recognizing a cycle costs the same at any depth.
//! The text is bounded while it is built ([`FormatBounds`]), and the embedder's interrupt
//! flag is checked periodically, so neither a huge shared structure nor a long chain can
//! run away.

use crate::{Heap, ObjRef, Object, TrapKind, Value};
use prometeu_bytecode::{EnumDecl, StructDecl};
use std::collections::HashSet;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicBool, Ordering};

/// How a top-level string is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FormatStyle {
    /// Strings as their text (for `print` and `str`).
    Plain,
    /// Strings quoted and escaped (for the REPL's echo of values).
    Quoted,
}

/// What stops formatting early.
#[derive(Clone, Copy, Debug, Default)]
pub struct FormatBounds<'a> {
    /// The longest text allowed, in bytes; longer text stops with "string too long".
    pub max_len: usize,
    /// A flag that, once set, stops formatting with "interrupted".
    pub interrupt: Option<&'a AtomicBool>,
}

/// How many steps (values, separators, closing brackets) run between two looks at the
/// interrupt flag.
const INTERRUPT_EVERY: u32 = 4096;

/// Writes a string quoted, with PBS escapes, stopping early once `out` passes `max_len`.
fn quote(text: &str, out: &mut String, max_len: usize) {
    out.push('"');
    for c in text.chars() {
        if out.len() > max_len {
            return;
        }
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\0' => out.push_str("\\0"),
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            c if c.is_control() => {
                let _ = write!(out, "\\u{{{:X}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Formats a value as PBS prints it, without bounds. Strings nested in arrays and structs
/// are quoted; an object already being printed further up (a cycle) prints as `...`.
pub fn format_value(
    heap: &Heap,
    structs: &[StructDecl],
    enums: &[EnumDecl],
    value: Value,
    style: FormatStyle,
) -> String {
    let mut out = String::new();
    let bounds = FormatBounds {
        max_len: usize::MAX,
        interrupt: None,
    };
    // Without a length bound or a flag nothing can stop it early, so the text is complete.
    let _ = write_value(
        heap,
        Types { structs, enums },
        value,
        0,
        style,
        bounds,
        &mut out,
    );
    out
}

/// Formats a value like [`format_value`], but stops with "string too long" as soon as the
/// text passes `bounds.max_len` and with "interrupted" once `bounds.interrupt` is set.
pub fn format_bounded(
    heap: &Heap,
    structs: &[StructDecl],
    enums: &[EnumDecl],
    value: Value,
    style: FormatStyle,
    bounds: FormatBounds<'_>,
) -> Result<String, TrapKind> {
    format_shaped(heap, structs, enums, value, 0, style, bounds)
}

/// Formats a value whose static type has optional layers, bounded like [`format_bounded`]:
/// bit `k` of `shape` says that the value `k` array levels down is optional, so it prints as
/// `none` or `some(...)` (the payload formatted as inside an array). Struct fields take their
/// shapes from the struct table ([`StructDecl::optional_shapes`]).
#[allow(clippy::too_many_arguments)]
pub fn format_shaped(
    heap: &Heap,
    structs: &[StructDecl],
    enums: &[EnumDecl],
    value: Value,
    shape: u64,
    style: FormatStyle,
    bounds: FormatBounds<'_>,
) -> Result<String, TrapKind> {
    let mut out = String::new();
    write_value(
        heap,
        Types { structs, enums },
        value,
        shape,
        style,
        bounds,
        &mut out,
    )?;
    Ok(out)
}

/// The program's type tables formatting names structs and enum variants with.
#[derive(Clone, Copy)]
struct Types<'a> {
    structs: &'a [StructDecl],
    enums: &'a [EnumDecl],
}

/// One pending piece of work.
enum Task {
    /// Format a value; `quoted` for a string nested in an array or struct; the optional
    /// shape of its static type.
    Value(Value, bool, u64),
    /// Continue an array or struct at element or field `next`; for an array, the optional
    /// shape of its elements.
    Items(ObjRef, usize, u64),
    /// Write the `)` that closes a `some(`.
    CloseSome,
    /// Continue a map at slot `next`, with the optional shape of its values; whether an
    /// entry was already written (so the next needs a separator).
    Entries(ObjRef, usize, u64, bool),
    /// Write the `: ` between a map key and its value.
    Colon,
}

fn write_value(
    heap: &Heap,
    types: Types<'_>,
    value: Value,
    shape: u64,
    style: FormatStyle,
    bounds: FormatBounds<'_>,
    out: &mut String,
) -> Result<(), TrapKind> {
    let quoted = style == FormatStyle::Quoted;
    let mut on_path: HashSet<ObjRef> = HashSet::new();
    let mut work = Vec::new();
    // A scalar or a string needs no work list (and `print(i)` allocates nothing for one).
    write_scalar_or_open(
        heap,
        types,
        value,
        quoted,
        shape,
        bounds.max_len,
        &mut on_path,
        &mut work,
        out,
    );
    let mut steps = 0u32;
    loop {
        if out.len() > bounds.max_len {
            return Err(TrapKind::StringTooLong {
                len: out.len(),
                limit: bounds.max_len,
            });
        }
        let Some(task) = work.pop() else {
            return Ok(());
        };
        steps += 1;
        if steps == INTERRUPT_EVERY {
            steps = 0;
            if bounds.interrupt.is_some_and(|f| f.load(Ordering::Relaxed)) {
                return Err(TrapKind::Interrupted);
            }
        }
        match task {
            Task::CloseSome => out.push(')'),
            Task::Colon => out.push_str(": "),
            Task::Entries(r, next, values, written) => match heap.get(r) {
                Some(Object::Map(map)) => match map.slots()[next.min(map.slots().len())..]
                    .iter()
                    .position(|e| !e.is_tombstone())
                    .map(|skip| (next + skip, &map.slots()[next + skip]))
                {
                    Some((at, entry)) => {
                        if written {
                            out.push_str(", ");
                        }
                        work.push(Task::Entries(r, at + 1, values, true));
                        work.push(Task::Value(entry.value(), true, values));
                        work.push(Task::Colon);
                        work.push(Task::Value(entry.key(), true, 0));
                    }
                    None => {
                        out.push('}');
                        on_path.remove(&r);
                    }
                },
                _ => {
                    on_path.remove(&r);
                }
            },
            Task::Value(value, quoted, shape) => write_scalar_or_open(
                heap,
                types,
                value,
                quoted,
                shape,
                bounds.max_len,
                &mut on_path,
                &mut work,
                out,
            ),
            Task::Items(r, next, elems) => match heap.get(r) {
                Some(Object::Array(items)) => match items.get(next) {
                    Some(&item) => {
                        if next > 0 {
                            out.push_str(", ");
                        }
                        work.push(Task::Items(r, next + 1, elems));
                        work.push(Task::Value(item.get(), true, elems));
                    }
                    None => {
                        out.push(']');
                        on_path.remove(&r);
                    }
                },
                Some(Object::Struct { ty, fields }) => match fields.get(next) {
                    Some(&field) => {
                        if next > 0 {
                            out.push_str(", ");
                        }
                        let decl = types.structs.get(*ty as usize);
                        let name = decl
                            .and_then(|d| d.fields.get(next))
                            .map_or("?", String::as_str);
                        let shape = decl
                            .and_then(|d| d.optional_shapes.get(next))
                            .copied()
                            .unwrap_or(0);
                        out.push_str(name);
                        out.push_str(": ");
                        work.push(Task::Items(r, next + 1, 0));
                        work.push(Task::Value(field.get(), true, shape));
                    }
                    None => {
                        out.push(')');
                        on_path.remove(&r);
                    }
                },
                _ => {
                    on_path.remove(&r);
                }
            },
        }
    }
}

/// Writes a scalar or a string, or opens an array or struct and schedules its contents.
#[allow(clippy::too_many_arguments)]
fn write_scalar_or_open(
    heap: &Heap,
    types: Types<'_>,
    value: Value,
    mut quoted: bool,
    shape: u64,
    max_len: usize,
    on_path: &mut HashSet<ObjRef>,
    work: &mut Vec<Task>,
    out: &mut String,
) {
    if shape & 1 != 0 && !matches!(value, Value::None) {
        // `some(x)` is `x` itself: the static type says to show the wrapping. The payload
        // is shown as inside an array; its own contents are scheduled after the `)`, so
        // they are written before it.
        out.push_str("some(");
        work.push(Task::CloseSome);
        quoted = true;
    }
    match value {
        Value::None => out.push_str("none"),
        Value::Unit => out.push_str("()"),
        Value::Bool(b) => out.push_str(if b { "true" } else { "false" }),
        Value::Int(i) => {
            let _ = write!(out, "{i}");
        }
        Value::Float(f) => {
            let _ = write!(out, "{f:?}");
        }
        Value::Enum(ty, variant) => {
            let e = types.enums.get(ty as usize);
            let v = e.and_then(|e| e.variants.get(variant as usize));
            let _ = write!(
                out,
                "{}.{}",
                e.map_or("?", |e| e.name.as_str()),
                v.map_or("?", |v| v.name.as_str())
            );
        }
        Value::Obj(r) => match heap.get(r) {
            Some(Object::Str { .. }) => {
                let s = heap.str(value).unwrap_or("");
                if quoted {
                    quote(s, out, max_len);
                } else {
                    out.push_str(s);
                }
            }
            Some(object @ (Object::Array(_) | Object::Struct { .. })) => {
                if !on_path.insert(r) {
                    out.push_str("...");
                    return;
                }
                if let Object::Struct { ty, .. } = object {
                    out.push_str(
                        types
                            .structs
                            .get(*ty as usize)
                            .map_or("?", |d| d.name.as_str()),
                    );
                    out.push('(');
                } else {
                    out.push('[');
                }
                work.push(Task::Items(r, 0, shape >> 1));
            }
            Some(Object::Map(_)) => {
                if !on_path.insert(r) {
                    out.push_str("...");
                    return;
                }
                out.push('{');
                work.push(Task::Entries(r, 0, shape >> 1, false));
            }
            Some(Object::TileMap(map)) => {
                let _ = write!(
                    out,
                    "TileMap({}x{}, {} layers)",
                    map.width, map.height, map.layers
                );
            }
            Some(Object::Closure(c)) => {
                out.push_str("fn ");
                out.push_str(&c.name);
            }
            Some(Object::Buffer { .. }) | Some(Object::Cell(_)) => {}
            None => out.push_str("<freed>"),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_use_shortest_round_trip_text() {
        let heap = Heap::new(1 << 20, 1 << 20, 1 << 20);
        let f = |x: f64| format_value(&heap, &[], &[], Value::Float(x), FormatStyle::Plain);
        assert_eq!(f(1.0), "1.0");
        assert_eq!(f(0.1 + 0.2), "0.30000000000000004");
        assert_eq!(f(1e100), "1e100");
        assert_eq!(f(-0.0), "-0.0");
        assert_eq!(f(f64::INFINITY), "inf");
        assert_eq!(f(f64::NAN), "NaN");
    }

    #[test]
    fn quoted_strings_escape() {
        let mut heap = Heap::new(1 << 20, 1 << 20, 1 << 20);
        let s = heap.alloc_string("a\"b\n").unwrap();
        assert_eq!(
            format_value(&heap, &[], &[], Value::Obj(s), FormatStyle::Quoted),
            "\"a\\\"b\\n\""
        );
    }

    #[test]
    fn cycles_print_as_ellipsis() {
        let mut heap = Heap::new(1 << 20, 1 << 20, 1 << 20);
        let a = heap.alloc_array(vec![Value::Int(1)]).unwrap();
        heap.with_array(Value::Obj(a), 1, |items| {
            items.push(Value::Obj(a).into());
            Ok(())
        })
        .unwrap();
        assert_eq!(
            format_value(&heap, &[], &[], Value::Obj(a), FormatStyle::Plain),
            "[1, ...]"
        );
    }

    #[test]
    fn text_past_the_bound_stops_with_string_too_long() {
        let mut heap = Heap::new(1 << 30, 1 << 24, 1 << 20);
        let s = heap.alloc_string("\u{1}".repeat(1 << 20)).unwrap();
        let a = heap.alloc_array(vec![Value::Obj(s)]).unwrap();
        let bounds = FormatBounds {
            max_len: 1000,
            interrupt: None,
        };
        // Quoting would write 5 MiB of escapes; it stops right after the bound.
        let err = format_bounded(&heap, &[], &[], Value::Obj(a), FormatStyle::Plain, bounds)
            .expect_err("too long");
        assert!(
            matches!(err, TrapKind::StringTooLong { len, limit: 1000 } if len <= 1010),
            "{err:?}"
        );
        let fits = format_bounded(&heap, &[], &[], Value::Int(-12), FormatStyle::Plain, bounds);
        assert_eq!(fits, Ok("-12".to_string()));
    }
}
