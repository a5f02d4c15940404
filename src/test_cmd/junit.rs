//! The JUnit XML report of `prometeuc test --junit FILE`: one `<testsuite>` with one
//! `<testcase>` per test, failures with their message, filtered-out tests as `<skipped/>`.

use super::Entry;
use std::time::Duration;

/// The report for the tests, in the order given.
pub(crate) fn report(entries: &[Entry<'_>], total: Duration) -> String {
    let failures = entries
        .iter()
        .filter(|e| matches!(e, Entry::Ran(o) if !o.failures.is_empty()))
        .count();
    let skipped = entries
        .iter()
        .filter(|e| matches!(e, Entry::Skipped(_)))
        .count();
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    xml.push_str(&format!(
        "<testsuites name=\"prometeuc test\" tests=\"{}\" failures=\"{failures}\" errors=\"0\" skipped=\"{skipped}\" time=\"{:.3}\">\n",
        entries.len(),
        total.as_secs_f64()
    ));
    xml.push_str(&format!(
        "  <testsuite name=\"prometeuc test\" tests=\"{}\" failures=\"{failures}\" errors=\"0\" skipped=\"{skipped}\" time=\"{:.3}\">\n",
        entries.len(),
        total.as_secs_f64()
    ));
    for entry in entries {
        match entry {
            Entry::Skipped(name) => xml.push_str(&format!(
                "    <testcase name=\"{}\" classname=\"{}\" time=\"0\">\n      <skipped message=\"filtered out\"/>\n    </testcase>\n",
                escape(name),
                escape(class_name(name))
            )),
            Entry::Ran(o) => {
                let head = format!(
                    "    <testcase name=\"{}\" classname=\"{}\" time=\"{:.3}\"",
                    escape(&o.name),
                    escape(class_name(&o.name)),
                    o.time.as_secs_f64()
                );
                if o.failures.is_empty() {
                    xml.push_str(&head);
                    xml.push_str("/>\n");
                } else {
                    let text = o.failures.join("\n");
                    let first = text.lines().next().unwrap_or("");
                    xml.push_str(&format!(
                        "{head}>\n      <failure message=\"{}\" type=\"failure\">{}</failure>\n    </testcase>\n",
                        escape(first),
                        escape(&text)
                    ));
                }
            }
        }
    }
    xml.push_str("  </testsuite>\n</testsuites>\n");
    xml
}

/// The directory part of a test name, which CI services show as the test's class.
fn class_name(name: &str) -> &str {
    name.rsplit_once('/').map_or("", |(dir, _)| dir)
}

/// Escapes text for an XML attribute or element. Characters XML 1.0 cannot hold at all
/// (control characters other than tab, newline and carriage return) are written as
/// `\u{XX}`, so the report stays well-formed whatever a program printed.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\t' | '\r' => out.push_str(&format!("&#{};", c as u32)),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {
                out.push_str(&format!("\\u{{{:x}}}", c as u32))
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_handles_markup_quotes_and_control_characters() {
        assert_eq!(
            escape("a<b & \"c\" 'd'>\u{1b}[0m\n"),
            "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;\\u{1b}[0m&#10;"
        );
    }
}
