//! An input read line by line, as the REPL reads it: after each line, whether it goes on.

use prometeu_lexer::{LexErrorKind, SourceId, Token};

/// The text of an input read line by line, with what its tokens so far say about whether it
/// is complete.
///
/// Each line is lexed once, when it is added: no token goes past the end of its line (a
/// string literal ends with its line at the latest, and comments are line comments), so the
/// bracket count of the whole text is the sum of its lines'. Reading an input of many lines
/// therefore takes time linear in its length; the text is parsed only after a line that
/// leaves every bracket closed.
#[derive(Clone, Debug, Default)]
pub struct PendingInput {
    /// The lines so far, joined by `\n`.
    text: String,
    /// Brackets opened minus brackets closed.
    depth: i64,
    /// Whether any line had a token.
    has_tokens: bool,
    /// Whether a line has a string literal that its line does not close.
    unterminated: bool,
    /// The bytes lexed or parsed so far: the work done, which the tests bound.
    work: usize,
}

impl PendingInput {
    /// An input whose first line (or whole text, line breaks included) is `text`.
    pub fn new(text: &str) -> PendingInput {
        let mut input = PendingInput::default();
        input.add(text);
        input
    }

    /// Adds the next line (without its line break).
    pub fn push_line(&mut self, line: &str) {
        self.text.push('\n');
        self.add(line);
    }

    /// The text so far.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The text so far, taken out of the input.
    pub fn into_text(self) -> String {
        self.text
    }

    /// Lexes `more`, the new part, and appends it to the text.
    fn add(&mut self, more: &str) {
        self.work += more.len();
        let mut depth = 0i64;
        let mut any = false;
        let errors = prometeu_lexer::lex_each(more, SourceId(0), 0..more.len(), |token, _| {
            any = true;
            match token {
                Token::LParen | Token::LBracket | Token::LBrace => depth += 1,
                Token::RParen | Token::RBracket | Token::RBrace => depth -= 1,
                _ => {}
            }
        });
        self.depth += depth;
        self.has_tokens |= any;
        self.unterminated |= errors
            .iter()
            .any(|e| e.kind == LexErrorKind::UnterminatedString);
        self.text.push_str(more);
    }

    /// Whether the input is incomplete: brackets are open, or the parser reaches the end of
    /// the text while expecting more (other than the `;` the REPL adds by itself). A string
    /// literal left open ends the input, so that its error is shown.
    pub fn needs_more(&mut self) -> bool {
        if self.unterminated {
            return false;
        }
        if self.depth > 0 {
            return true;
        }
        if self.depth < 0 || !self.has_tokens {
            return false;
        }
        let completed = super::with_semicolon(&self.text);
        self.work += self.text.len() + completed.len();
        let (early, _) = ends_early(&self.text);
        if !early {
            return false;
        }
        let (_, completes) = ends_early(&completed);
        !completes
    }
}

/// Whether parsing `text` stops at its end expecting more, and whether it parses cleanly.
fn ends_early(text: &str) -> (bool, bool) {
    let (tokens, _) = prometeu_lexer::lex(text, SourceId(0));
    let limits = prometeu_compiler::Limits::default();
    let (_, errors) =
        prometeu_compiler::parse::parse_owned(tokens, SourceId(0), text.len(), &limits);
    (
        errors
            .iter()
            .any(|e| prometeu_compiler::parse::is_unexpected_end(e, text.len())),
        errors.is_empty(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads `lines` one at a time, answering `needs_more` after each.
    fn read(lines: &[&str]) -> (PendingInput, Vec<bool>) {
        let mut input = PendingInput::new(lines[0]);
        let mut answers = vec![input.needs_more()];
        for line in &lines[1..] {
            input.push_line(line);
            answers.push(input.needs_more());
        }
        (input, answers)
    }

    #[test]
    fn a_long_pasted_input_is_lexed_once_and_parsed_once() {
        let mut lines = vec!["fn long(): int {".to_string(), "let total = 0;".into()];
        for i in 0..20_000 {
            lines.push(format!("    total = total + {i}; // line {i}"));
        }
        lines.push("    return total;".into());
        lines.push("}".into());
        let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
        let (input, answers) = read(&lines);
        let last = answers.len() - 1;
        assert!(
            answers[..last].iter().all(|&more| more),
            "open until the `}}`"
        );
        assert!(!answers[last], "the `}}` completes it");
        assert_eq!(input.text(), lines.join("\n"));
        // Each line lexed once, then the whole parsed once (with and without a `;`): a
        // version that lexed the whole text after every line would do 10,000 times more.
        let len = input.text().len();
        assert!(
            input.work <= 4 * len,
            "{} bytes of work for {len}",
            input.work
        );
    }

    #[test]
    fn reading_line_by_line_answers_as_reading_the_whole_text() {
        let inputs: [&[&str]; 9] = [
            &["fn f()", "{", "  return;", "}"],
            &["let x = 1 +", "  2", "  + 3;"],
            &["print(1,", "2)"],
            &["let s = \"open", "more"],
            &["1 + 2"],
            &[")", "("],
            &["// just a comment", "", "let y = [", "1, 2", "];"],
            &[
                "declare struct P(x: int) {",
                "  fn get(): int { return this.x; }",
                "}",
            ],
            &["if true {", "} else", "{ print(1); }"],
        ];
        for lines in inputs {
            let (_, answers) = read(lines);
            for (n, more) in answers.iter().enumerate() {
                let whole = lines[..=n].join("\n");
                assert_eq!(
                    *more,
                    PendingInput::new(&whole).needs_more(),
                    "after line {n} of {lines:?}"
                );
            }
        }
    }
}
