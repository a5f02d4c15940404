//! Value formatting for `print`, `str`, string building and the REPL (spec §6).

use crate::{Heap, Object, Value};

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

/// Formats a value as PBS prints it.
pub fn format_value(heap: &Heap, value: Value, style: FormatStyle) -> String {
    let mut out = String::new();
    write_value(heap, value, style, &mut out);
    out
}

fn write_value(heap: &Heap, value: Value, style: FormatStyle, out: &mut String) {
    match value {
        Value::Unit => out.push_str("()"),
        Value::Bool(b) => out.push_str(if b { "true" } else { "false" }),
        Value::Int(i) => out.push_str(&i.to_string()),
        Value::Float(f) => out.push_str(&format!("{f:?}")),
        Value::Obj(r) => match heap.get(r) {
            Some(Object::Str(s)) => match style {
                FormatStyle::Plain => out.push_str(s),
                FormatStyle::Quoted => quote(s, out),
            },
            None => out.push_str("<freed>"),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_use_shortest_round_trip_text() {
        let heap = Heap::new(1 << 20, 1 << 20);
        let f = |x: f64| format_value(&heap, Value::Float(x), FormatStyle::Plain);
        assert_eq!(f(1.0), "1.0");
        assert_eq!(f(0.1 + 0.2), "0.30000000000000004");
        assert_eq!(f(1e100), "1e100");
        assert_eq!(f(-0.0), "-0.0");
        assert_eq!(f(f64::INFINITY), "inf");
        assert_eq!(f(f64::NAN), "NaN");
    }

    #[test]
    fn quoted_strings_escape() {
        let mut heap = Heap::new(1 << 20, 1 << 20);
        let s = heap.alloc_string("a\"b\n").unwrap();
        assert_eq!(
            format_value(&heap, Value::Obj(s), FormatStyle::Quoted),
            "\"a\\\"b\\n\""
        );
    }
}
