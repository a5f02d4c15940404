//! The template language of `format(template, args…)`, shared by the compiler (which checks
//! a literal template against its arguments) and the host function (which checks a template
//! built at run time the same way, then fills it in).
//!
//! `{}` is the next argument; `{:SPEC}` formats it with `SPEC`, which is an optional
//! alignment (`<` or `>`), an optional `0` (pad numbers with zeros), an optional width in
//! characters and an optional `.` and precision (decimals of a float). `{{` and `}}` are
//! braces.

/// The largest width a hole may ask for: the string limit.
pub const MAX_WIDTH: usize = crate::limits::MAX_STRING_BYTES;

/// The largest precision a hole may ask for.
pub const MAX_PRECISION: usize = 100;

/// The alignment of a padded hole.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Align {
    /// `<`: text first, padding after.
    Left,
    /// `>`: padding first, text after.
    Right,
}

/// How one hole formats its argument.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Spec {
    /// The alignment asked for; `None` is right for numbers and left for everything else.
    pub align: Option<Align>,
    /// Whether numbers are padded with zeros after their sign (`{:05}`).
    pub zero: bool,
    /// The width in characters, if any.
    pub width: Option<usize>,
    /// The number of decimals of a float (`{:.2}`), if any.
    pub precision: Option<usize>,
}

/// A piece of a parsed template.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Piece<'t> {
    /// Text copied as it is (with `{{` and `}}` already read as braces).
    Text(std::borrow::Cow<'t, str>),
    /// The next argument, formatted by the spec.
    Hole(Spec),
}

/// A template that cannot be read, with the byte offset of the problem.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TemplateError {
    /// Where in the template the problem starts.
    pub at: usize,
    /// What is wrong, for a message.
    pub message: String,
}

/// Parses a template into its pieces.
pub fn parse(template: &str) -> Result<Vec<Piece<'_>>, TemplateError> {
    let mut pieces = Vec::new();
    let mut text = String::new();
    let bytes = template.as_bytes();
    let (mut i, mut start) = (0, 0);
    let flush = |text: &mut String, pieces: &mut Vec<Piece<'_>>| {
        if !text.is_empty() {
            pieces.push(Piece::Text(std::mem::take(text).into()));
        }
    };
    while i < bytes.len() {
        match bytes[i] {
            b'{' if bytes.get(i + 1) == Some(&b'{') => {
                text.push_str(&template[start..=i]);
                i += 2;
                start = i;
            }
            b'}' if bytes.get(i + 1) == Some(&b'}') => {
                text.push_str(&template[start..=i]);
                i += 2;
                start = i;
            }
            b'}' => {
                return Err(TemplateError {
                    at: i,
                    message: "unmatched `}` (write `}}` for a brace)".into(),
                })
            }
            b'{' => {
                text.push_str(&template[start..i]);
                flush(&mut text, &mut pieces);
                let Some(close) = template[i..].find('}') else {
                    return Err(TemplateError {
                        at: i,
                        message: "unclosed `{` (write `{{` for a brace)".into(),
                    });
                };
                let inner = &template[i + 1..i + close];
                pieces.push(Piece::Hole(spec(inner, i)?));
                i += close + 1;
                start = i;
            }
            _ => i += 1,
        }
    }
    text.push_str(&template[start..]);
    flush(&mut text, &mut pieces);
    Ok(pieces)
}

/// The number of holes of a parsed template.
pub fn holes(pieces: &[Piece<'_>]) -> usize {
    pieces
        .iter()
        .filter(|p| matches!(p, Piece::Hole(_)))
        .count()
}

/// The message for a template whose holes do not match the arguments, such as "the
/// template has 2 holes `{}` but 3 arguments were given".
pub fn count_mismatch(holes: usize, given: usize) -> String {
    let holes_text = if holes == 1 {
        "1 hole `{}`".to_string()
    } else {
        format!("{holes} holes `{{}}`")
    };
    let given_text = match given {
        1 => "1 argument was given".to_string(),
        n => format!("{n} arguments were given"),
    };
    format!("the template has {holes_text} but {given_text}")
}

/// Reads the inside of a hole, `""` or `":SPEC"`.
fn spec(inner: &str, at: usize) -> Result<Spec, TemplateError> {
    let bad = |message: String| TemplateError { at, message };
    if inner.is_empty() {
        return Ok(Spec::default());
    }
    let Some(mut rest) = inner.strip_prefix(':') else {
        return Err(bad(format!(
            "`{{{inner}}}` is not a hole: holes are `{{}}` or `{{:SPEC}}` such as `{{:5}}` or `{{:.2}}`"
        )));
    };
    let mut out = Spec::default();
    if let Some(r) = rest.strip_prefix('<') {
        out.align = Some(Align::Left);
        rest = r;
    } else if let Some(r) = rest.strip_prefix('>') {
        out.align = Some(Align::Right);
        rest = r;
    }
    if let Some(r) = rest.strip_prefix('0') {
        out.zero = true;
        rest = r;
    }
    let (width, r) = number(rest);
    rest = r;
    if let Some(w) = width {
        out.width = Some(w.filter(|&w| w <= MAX_WIDTH).ok_or_else(|| {
            bad(format!(
                "the width in `{{{inner}}}` is larger than {MAX_WIDTH}"
            ))
        })?);
    }
    if let Some(r) = rest.strip_prefix('.') {
        let (precision, r) = number(r);
        rest = r;
        match precision {
            Some(Some(p)) if p <= MAX_PRECISION => out.precision = Some(p),
            Some(_) => {
                return Err(bad(format!(
                    "the precision in `{{{inner}}}` is larger than {MAX_PRECISION}"
                )))
            }
            None => {
                return Err(bad(format!(
                    "`.` in `{{{inner}}}` needs a number of decimals"
                )))
            }
        }
    }
    if !rest.is_empty() {
        return Err(bad(format!(
            "`{{{inner}}}` is not a valid hole: write `{{:<5}}`, `{{:>5}}`, `{{:05}}` or `{{:.2}}`"
        )));
    }
    Ok(out)
}

/// Reads leading decimal digits: `None` if there are none, `Some(None)` if they overflow.
fn number(s: &str) -> (Option<Option<usize>>, &str) {
    let end = s.bytes().take_while(u8::is_ascii_digit).count();
    if end == 0 {
        return (None, s);
    }
    (Some(s[..end].parse().ok()), &s[end..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_parse_into_text_and_holes() {
        let pieces = parse("x={} {{y}} {:>5}|{:05}|{:.2}").unwrap();
        assert_eq!(holes(&pieces), 4);
        assert_eq!(pieces[0], Piece::Text("x=".into()));
        assert_eq!(pieces[2], Piece::Text(" {y} ".into()));
        assert_eq!(
            pieces[3],
            Piece::Hole(Spec {
                align: Some(Align::Right),
                width: Some(5),
                ..Spec::default()
            })
        );
        assert_eq!(
            pieces[5],
            Piece::Hole(Spec {
                zero: true,
                width: Some(5),
                ..Spec::default()
            })
        );
    }

    #[test]
    fn bad_templates_say_where_and_why() {
        assert_eq!(parse("ab}").unwrap_err().at, 2);
        assert!(parse("{").unwrap_err().message.contains("unclosed"));
        assert!(parse("{x}").unwrap_err().message.contains("not a hole"));
        assert!(parse("{:5x}")
            .unwrap_err()
            .message
            .contains("not a valid hole"));
        assert!(parse("{:.}").is_err());
        assert!(parse("{:99999999999999999999999}").is_err());
    }
}
