//! Value formatting for `print`, `str`, string building and the REPL (spec §6).

use crate::{Heap, ObjRef, Object, Value};
use prometeu_bytecode::StructDecl;

/// How a top-level string is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FormatStyle {
    /// Strings as their text (for `print` and `str`).
    Plain,
    /// Strings quoted and escaped (for the REPL's echo of values).
    Quoted,
}

/// Writes a string quoted, with PBS escapes.
fn quote(text: &str, out: &mut String) {
    out.push('"');
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\0' => out.push_str("\\0"),
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            c if c.is_control() => out.push_str(&format!("\\u{{{:X}}}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Formats a value as PBS prints it. Strings nested in arrays and structs are quoted; an
/// object already being printed further up (a cycle) prints as `...`.
pub fn format_value(
    heap: &Heap,
    structs: &[StructDecl],
    value: Value,
    style: FormatStyle,
) -> String {
    let mut out = String::new();
    let mut visiting = Vec::new();
    write_value(heap, structs, value, style, &mut visiting, &mut out);
    out
}

fn write_value(
    heap: &Heap,
    structs: &[StructDecl],
    value: Value,
    style: FormatStyle,
    visiting: &mut Vec<ObjRef>,
    out: &mut String,
) {
    match value {
        Value::Unit => out.push_str("()"),
        Value::Bool(b) => out.push_str(if b { "true" } else { "false" }),
        Value::Int(i) => out.push_str(&i.to_string()),
        Value::Float(f) => out.push_str(&format!("{f:?}")),
        Value::Obj(r) => match heap.get(r) {
            Some(Object::Str { .. }) => {
                let s = heap.str(value).unwrap_or("");
                match style {
                    FormatStyle::Plain => out.push_str(s),
                    FormatStyle::Quoted => quote(s, out),
                }
            }
            Some(object) => {
                if visiting.contains(&r) {
                    out.push_str("...");
                    return;
                }
                visiting.push(r);
                stacker::maybe_grow(64 * 1024, 1024 * 1024, || match object {
                    Object::Array(items) => {
                        out.push('[');
                        for (i, item) in items.iter().enumerate() {
                            if i > 0 {
                                out.push_str(", ");
                            }
                            write_value(heap, structs, *item, FormatStyle::Quoted, visiting, out);
                        }
                        out.push(']');
                    }
                    Object::Struct { ty, fields } => {
                        let decl = structs.get(*ty as usize);
                        out.push_str(decl.map_or("?", |d| d.name.as_str()));
                        out.push('(');
                        for (i, field) in fields.iter().enumerate() {
                            if i > 0 {
                                out.push_str(", ");
                            }
                            let name = decl
                                .and_then(|d| d.fields.get(i))
                                .map_or("?", String::as_str);
                            out.push_str(name);
                            out.push_str(": ");
                            write_value(heap, structs, *field, FormatStyle::Quoted, visiting, out);
                        }
                        out.push(')');
                    }
                    Object::TileMap(map) => out.push_str(&format!(
                        "TileMap({}x{}, {} layers)",
                        map.width, map.height, map.layers
                    )),
                    Object::Str { .. } | Object::Buffer { .. } => {}
                });
                visiting.pop();
            }
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
        let f = |x: f64| format_value(&heap, &[], Value::Float(x), FormatStyle::Plain);
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
            format_value(&heap, &[], Value::Obj(s), FormatStyle::Quoted),
            "\"a\\\"b\\n\""
        );
    }

    #[test]
    fn cycles_print_as_ellipsis() {
        let mut heap = Heap::new(1 << 20, 1 << 20, 1 << 20);
        let a = heap.alloc_array(vec![Value::Int(1)]).unwrap();
        heap.with_array(Value::Obj(a), |items| {
            items.push(Value::Obj(a));
            Ok(())
        })
        .unwrap();
        assert_eq!(
            format_value(&heap, &[], Value::Obj(a), FormatStyle::Plain),
            "[1, ...]"
        );
    }
}
