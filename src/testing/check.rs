//! Comparing what a program did with what its test expects, with failure messages that say
//! what happened instead.

use super::directives::{Expectation, TestSpec};
use prometeu_lexer::{Diagnostic, Severity, SourceId, Sources};

/// The line a diagnostic's primary span starts on (0 when it has no span).
pub fn line_of(d: &Diagnostic, sources: &Sources, id: SourceId) -> usize {
    d.primary
        .as_ref()
        .filter(|l| l.span.source == id)
        .map_or(0, |l| sources.line_col(id, l.span.start).0)
}

/// A diagnostic in one line: `line 3: error[E0301]: message`.
pub fn describe(d: &Diagnostic, sources: &Sources, id: SourceId) -> String {
    let severity = severity_name(d.severity);
    let code = d
        .code
        .as_deref()
        .map_or(String::new(), |c| format!("[{c}]"));
    format!(
        "line {}: {severity}{code}: {}",
        line_of(d, sources, id),
        d.message
    )
}

fn severity_name(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// Checks the compiler's diagnostics: each expected one must be reported, and nothing else.
/// Returns one problem per mismatch.
pub fn check_diagnostics(
    spec: &TestSpec,
    diagnostics: &[Diagnostic],
    sources: &Sources,
    id: SourceId,
) -> Vec<String> {
    let mut problems = Vec::new();
    let mut unmatched: Vec<&Diagnostic> = diagnostics.iter().collect();
    let mut missing = Vec::new();
    for e in &spec.expectations {
        let Expectation::Diagnostic {
            line,
            severity,
            code,
            text,
        } = e
        else {
            continue;
        };
        let found = unmatched.iter().position(|d| {
            d.severity == *severity
                && d.code.as_deref() == Some(code.as_str())
                && line_of(d, sources, id) == *line
                && d.message.contains(text.as_str())
        });
        match found {
            Some(i) => {
                unmatched.remove(i);
            }
            None => missing.push(format!(
                "expected {}[{code}] on line {line} containing {text:?}",
                severity_name(*severity)
            )),
        }
    }
    let had_missing = !missing.is_empty();
    problems.extend(missing);
    for d in &unmatched {
        problems.push(format!(
            "unexpected diagnostic: {}",
            describe(d, sources, id)
        ));
    }
    if had_missing && unmatched.is_empty() {
        problems.push(if diagnostics.is_empty() {
            "instead, the program compiled without diagnostics".to_string()
        } else {
            "instead, only the other expected diagnostics were reported".to_string()
        });
    }
    problems
}

/// One expected output line: its text and, when it comes from a comment, the comment's line.
#[derive(Clone, Copy, Debug)]
pub struct ExpectedLine<'a> {
    /// The line the program must print.
    pub text: &'a str,
    /// The source line of the `// expect:` comment.
    pub at: Option<usize>,
}

/// Compares standard output line by line; `None` when it matches, otherwise the first
/// difference with both texts.
pub fn compare_output(expected: &[ExpectedLine<'_>], actual: &str) -> Option<String> {
    let actual: Vec<&str> = actual.lines().collect();
    let at = |e: &ExpectedLine<'_>| {
        e.at.map_or(String::new(), |l| format!(" (`// expect:` on line {l})"))
    };
    for (i, e) in expected.iter().enumerate() {
        let n = i + 1;
        match actual.get(i) {
            Some(a) if *a == e.text => {}
            Some(a) => {
                return Some(format!(
                    "output line {n} differs{}:\n  expected: {:?}\n  actual:   {a:?}",
                    at(e),
                    e.text
                ))
            }
            None => {
                return Some(format!(
                "output line {n} is missing{}: expected {:?}, but the program printed {} line{}",
                at(e),
                e.text,
                actual.len(),
                if actual.len() == 1 { "" } else { "s" }
            ))
            }
        }
    }
    actual.get(expected.len()).map(|extra| {
        format!(
            "unexpected output line {}: {extra:?} ({} line{} expected)",
            expected.len() + 1,
            expected.len(),
            if expected.len() == 1 { "" } else { "s" }
        )
    })
}

/// A trap in one line: `line 3: division by zero`.
pub fn describe_trap(d: &Diagnostic, sources: &Sources, id: SourceId) -> String {
    let message = d.message.strip_prefix("trap: ").unwrap_or(&d.message);
    format!("line {}: {message}", line_of(d, sources, id))
}

/// Checks how the run ended against the expected trap.
pub fn check_trap(
    expected: Option<(usize, &str)>,
    actual: Option<&Diagnostic>,
    sources: &Sources,
    id: SourceId,
) -> Option<String> {
    match (actual, expected) {
        (None, None) => None,
        (Some(d), None) => Some(format!(
            "unexpected trap: {}",
            describe_trap(d, sources, id)
        )),
        (None, Some((line, text))) => Some(format!(
            "expected a trap on line {line} containing {text:?}, but the program ran to the end"
        )),
        (Some(d), Some((line, text))) => {
            (!d.message.contains(text) || line_of(d, sources, id) != line).then(|| {
                format!(
                    "expected a trap on line {line} containing {text:?}, but got: {}",
                    describe_trap(d, sources, id)
                )
            })
        }
    }
}
