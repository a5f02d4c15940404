//! The expectation comments of a test file (§22): `// expect: TEXT`, `// expect error[CODE]:`,
//! `// expect warning[CODE]:`, `// expect trap:`, `// expect screen:`, `// expect audio:`
//! and the cartridge header `// test: frames=N ...`.

use prometeu_lexer::Severity;
use std::fmt;

/// What one expectation comment asks for, with the 1-based line it is written on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Expectation {
    /// `// expect: TEXT`: the next line of standard output, in file order.
    Output {
        /// The line of the comment.
        line: usize,
        /// The expected output line.
        text: String,
    },
    /// `// expect error[CODE]: TEXT` or `// expect warning[CODE]: TEXT`: a diagnostic with
    /// that code whose primary span starts on this line and whose message contains TEXT.
    Diagnostic {
        /// The line of the comment, where the diagnostic must point.
        line: usize,
        /// Error or warning.
        severity: Severity,
        /// The diagnostic code, such as `E0301`.
        code: String,
        /// Text the message must contain.
        text: String,
    },
    /// `// expect trap: TEXT`: the run stops with a trap at this line whose message contains
    /// TEXT.
    Trap {
        /// The line of the comment, where the trap must happen.
        line: usize,
        /// Text the trap message must contain.
        text: String,
    },
    /// `// expect screen: FILE.png`: the last frame equals the image, pixel for pixel.
    Screen {
        /// The line of the comment.
        line: usize,
        /// The golden image, relative to the test file.
        file: String,
    },
    /// `// expect audio: FILE.wav`: the sound of the whole run equals the WAV file, sample
    /// for sample.
    Audio {
        /// The line of the comment.
        line: usize,
        /// The golden sound, relative to the test file.
        file: String,
    },
}

impl Expectation {
    /// The line the comment is written on.
    pub fn line(&self) -> usize {
        match self {
            Expectation::Output { line, .. }
            | Expectation::Diagnostic { line, .. }
            | Expectation::Trap { line, .. }
            | Expectation::Screen { line, .. }
            | Expectation::Audio { line, .. } => *line,
        }
    }
}

/// The `// test: frames=N [seed=S] [input=FILE] [cycles-per-frame=C] [cart=FILE]` line that
/// makes a file a cartridge test.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CartHeader {
    /// The line of the header.
    pub line: usize,
    /// How many ticks to run, as `prometeuc run --frames N` does.
    pub frames: u64,
    /// The seed of `Rand`.
    pub seed: i64,
    /// The input log to replay, relative to the test file.
    pub input: Option<String>,
    /// The cycle budget of one frame.
    pub cycles_per_frame: u64,
    /// The cartridge to run instead of this file's own code, relative to the test file.
    pub cart: Option<String>,
}

/// The most frames a test with `// expect audio:` may run: 10 minutes of sound.
pub const MAX_AUDIO_FRAMES: u64 = 36_000;

/// Everything a test file says about how it should behave.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TestSpec {
    /// The cartridge header, when the file is a cartridge test.
    pub header: Option<CartHeader>,
    /// The expectations, in file order.
    pub expectations: Vec<Expectation>,
    /// In a test of many files (a directory with `main.pbs`), the error, warning and trap
    /// expectations written in the other files, by the file's display name.
    pub imported: Vec<(String, TestSpec)>,
}

impl TestSpec {
    /// The expected output lines with the lines they are written on, in file order.
    pub fn outputs(&self) -> Vec<(usize, &str)> {
        self.expectations
            .iter()
            .filter_map(|e| match e {
                Expectation::Output { line, text } => Some((*line, text.as_str())),
                _ => None,
            })
            .collect()
    }

    /// The expected trap as `(line, text)`, if any.
    pub fn trap(&self) -> Option<(usize, &str)> {
        self.expectations.iter().find_map(|e| match e {
            Expectation::Trap { line, text } => Some((*line, text.as_str())),
            _ => None,
        })
    }

    /// The golden screen as `(line, file)`, if any.
    pub fn screen(&self) -> Option<(usize, &str)> {
        self.expectations.iter().find_map(|e| match e {
            Expectation::Screen { line, file } => Some((*line, file.as_str())),
            _ => None,
        })
    }

    /// The golden sound as `(line, file)`, if any.
    pub fn audio(&self) -> Option<(usize, &str)> {
        self.expectations.iter().find_map(|e| match e {
            Expectation::Audio { line, file } => Some((*line, file.as_str())),
            _ => None,
        })
    }
}

/// A malformed expectation comment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DirectiveError {
    /// The 1-based line of the comment.
    pub line: usize,
    /// What is wrong and how to fix it.
    pub message: String,
}

impl fmt::Display for DirectiveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for DirectiveError {}

/// The keys a `// test:` line accepts.
const HEADER_KEYS: &str = "frames, seed, input, cycles-per-frame and cart";

/// Reads every expectation comment of a source text.
///
/// An `// expect` comment may end any line (it usually follows the statement it is about);
/// the `// test:` header must be a line of its own.
pub fn parse_directives(source: &str) -> Result<TestSpec, DirectiveError> {
    let mut spec = TestSpec::default();
    for (index, text) in source.lines().enumerate() {
        let line = index + 1;
        let error = |message: String| DirectiveError { line, message };
        if let Some(rest) = text.trim_start().strip_prefix("// test:") {
            if let Some(first) = &spec.header {
                return Err(error(format!(
                    "a second `// test:` line; the first one is on line {}, and a test has one",
                    first.line
                )));
            }
            spec.header = Some(parse_header(line, rest).map_err(error)?);
            continue;
        }
        let Some(at) = text.find("// expect") else {
            continue;
        };
        let rest = &text[at + "// expect".len()..];
        let expectation = if let Some(t) = rest.strip_prefix(": ") {
            Expectation::Output {
                line,
                text: t.to_string(),
            }
        } else if rest == ":" {
            Expectation::Output {
                line,
                text: String::new(),
            }
        } else if let Some(t) = rest.strip_prefix(" trap:") {
            Expectation::Trap {
                line,
                text: t.trim().to_string(),
            }
        } else if let Some(t) = rest.strip_prefix(" screen:") {
            let file = t.trim();
            if !file.ends_with(".png") || file.len() == ".png".len() {
                return Err(error(format!(
                    "`// expect screen:` names a `.png` file, found `{file}`"
                )));
            }
            if spec.screen().is_some() {
                return Err(error(
                    "a second `// expect screen:`; a test compares only its last frame".to_string(),
                ));
            }
            Expectation::Screen {
                line,
                file: file.to_string(),
            }
        } else if let Some(t) = rest.strip_prefix(" audio:") {
            let file = t.trim();
            if !file.ends_with(".wav") || file.len() == ".wav".len() {
                return Err(error(format!(
                    "`// expect audio:` names a `.wav` file, found `{file}`"
                )));
            }
            if spec.audio().is_some() {
                return Err(error(
                    "a second `// expect audio:`; a test compares the sound of its whole run once"
                        .to_string(),
                ));
            }
            Expectation::Audio {
                line,
                file: file.to_string(),
            }
        } else if let Some(d) = parse_diagnostic(line, rest) {
            d
        } else if let Some(word) = directive_word(rest) {
            return Err(error(format!(
                "unknown expectation `// expect {word}:`; expected `// expect:`, \
                 `// expect error[CODE]:`, `// expect warning[CODE]:`, `// expect trap:`, \
                 `// expect screen:` or `// expect audio:`"
            )));
        } else {
            continue;
        };
        spec.expectations.push(expectation);
    }
    if let (Some((line, _)), Some(header)) = (spec.audio(), &spec.header) {
        if header.frames > MAX_AUDIO_FRAMES {
            return Err(DirectiveError {
                line,
                message: format!(
                    "`// expect audio:` compares at most {MAX_AUDIO_FRAMES} frames (10 minutes of sound), \
                     and the test runs {}; lower `frames=`",
                    header.frames
                ),
            });
        }
    }
    if spec.header.is_none() {
        if let Some((line, _)) = spec.screen() {
            return Err(DirectiveError {
                line,
                message: "`// expect screen:` needs a cartridge test: add a \
                          `// test: frames=N` line"
                    .to_string(),
            });
        }
        if let Some((line, _)) = spec.audio() {
            return Err(DirectiveError {
                line,
                message: "`// expect audio:` needs a cartridge test: add a \
                          `// test: frames=N` line"
                    .to_string(),
            });
        }
    }
    Ok(spec)
}

/// `error[CODE]: TEXT` or `warning[CODE]: TEXT` after `// expect`.
fn parse_diagnostic(line: usize, rest: &str) -> Option<Expectation> {
    let (severity, rest) = if let Some(r) = rest.strip_prefix(" error[") {
        (Severity::Error, r)
    } else if let Some(r) = rest.strip_prefix(" warning[") {
        (Severity::Warning, r)
    } else {
        return None;
    };
    let (code, text) = rest.split_once("]:")?;
    Some(Expectation::Diagnostic {
        line,
        severity,
        code: code.to_string(),
        text: text.trim().to_string(),
    })
}

/// The word of an `// expect WORD:` comment that looks like a directive, if the text after
/// `// expect` has that shape.
fn directive_word(rest: &str) -> Option<&str> {
    let (word, _) = rest.strip_prefix(' ')?.split_once(':')?;
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "[]-_".contains(c));
    plain.then_some(word)
}

/// The `key=value` pairs of a `// test:` line.
fn parse_header(line: usize, rest: &str) -> Result<CartHeader, String> {
    let mut header = CartHeader {
        line,
        frames: 0,
        seed: 0,
        input: None,
        cycles_per_frame: crate::cart::DEFAULT_CYCLES_PER_FRAME,
        cart: None,
    };
    let mut frames = None;
    for pair in rest.split_whitespace() {
        let Some((key, value)) = pair.split_once('=') else {
            return Err(format!(
                "expected `key=value` in `// test:`, found `{pair}`; the keys are {HEADER_KEYS}"
            ));
        };
        let number = |what: &str| -> Result<u64, String> {
            value.parse().map_err(|_| {
                format!("`{key}` is {what}, found `{value}`; write for example `{key}=60`")
            })
        };
        match key {
            "frames" => frames = Some(number("a whole number of frames")?),
            "cycles-per-frame" => {
                header.cycles_per_frame = number("a whole number of cycles")?;
                if header.cycles_per_frame == 0 {
                    return Err("`cycles-per-frame` must be at least 1".to_string());
                }
            }
            "seed" => {
                header.seed = value.parse().map_err(|_| {
                    format!("`seed` is an integer, found `{value}`; write for example `seed=7`")
                })?
            }
            "input" => header.input = Some(value.to_string()),
            "cart" => header.cart = Some(value.to_string()),
            _ => {
                return Err(format!(
                    "unknown key `{key}` in `// test:`; the keys are {HEADER_KEYS}"
                ))
            }
        }
    }
    header.frames = frames
        .ok_or_else(|| "`// test:` needs `frames=N`, the number of frames to run".to_string())?;
    Ok(header)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_directive_parses_with_its_line() {
        let spec = parse_directives(
            "// test: frames=3 seed=-2 input=a.input cycles-per-frame=500 cart=game.pbs\n\
             // expect screen: s.png\n\
             // expect audio: s.wav\n\
             // expect: one\n\
             x // expect:\n\
             y // expect error[E0300]: mismatched\n\
             z // expect warning[W0001]: unreachable\n\
             w // expect trap: division\n",
        )
        .expect("parses");
        let header = spec.header.clone().expect("a header");
        assert_eq!(
            (header.frames, header.seed, header.cycles_per_frame),
            (3, -2, 500)
        );
        assert_eq!(header.input.as_deref(), Some("a.input"));
        assert_eq!(header.cart.as_deref(), Some("game.pbs"));
        assert_eq!(spec.screen(), Some((2, "s.png")));
        assert_eq!(spec.audio(), Some((3, "s.wav")));
        assert_eq!(spec.outputs(), vec![(4, "one"), (5, "")]);
        assert_eq!(spec.trap(), Some((8, "division")));
        assert!(matches!(
            &spec.expectations[4],
            Expectation::Diagnostic { line: 6, severity: Severity::Error, code, text }
                if code == "E0300" && text == "mismatched"
        ));
    }

    #[test]
    fn malformed_headers_say_what_to_write() {
        let err = |text: &str| parse_directives(text).expect_err("rejected").to_string();
        assert_eq!(
            err("\n// test: seed=1\n"),
            "line 2: `// test:` needs `frames=N`, the number of frames to run"
        );
        assert!(err("// test: frames=ten\n")
            .contains("`frames` is a whole number of frames, found `ten`"));
        assert!(err("// test: frames=1 fps=60\n").contains("unknown key `fps`"));
        assert!(err("// test: frames=1 cycles-per-frame=0\n").contains("at least 1"));
        assert!(err("// test: frames=1\n// test: frames=2\n").contains("a second `// test:` line"));
        assert!(err("// expect screen: a.png\n").contains("needs a cartridge test"));
        assert!(err("// expect audio: a.wav\n").contains("needs a cartridge test"));
        assert!(err("// test: frames=1\n// expect audio: a.png\n").contains("names a `.wav` file"));
        assert!(
            err("// test: frames=1\n// expect audio: a.wav\n// expect audio: b.wav\n")
                .contains("a second `// expect audio:`")
        );
        assert!(err("// test: frames=36001\n// expect audio: a.wav\n")
            .contains("compares at most 36000 frames"));
        assert!(err("// expect colour: red\n").contains("unknown expectation `// expect colour:`"));
    }
}
