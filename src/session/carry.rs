//! Lambdas written at the prompt, carried from input to input.
//!
//! A lambda of an input is a function of that input's program, named after the input
//! (`<input 3>.lambda1`); the next input is a new program, installed with
//! `Vm::replace_program`, which points every function value at the function of the same
//! name in the new program. So that the lambdas of an earlier input are still there, every
//! later program is compiled with that input's statements (and its `declare global`
//! initializers, as assignments) as a function of its own, `<input 3>`, that never runs:
//! its lambdas get the same names and captures, and are compiled against the current
//! definitions, so they bind late like the functions of the session.

use prometeu_compiler::ast::Item;
use prometeu_lexer::{SourceId, Token};

/// The statements of an earlier input, kept for the lambdas they make.
#[derive(Clone, Debug)]
pub(super) struct Carried {
    /// The input's name, `<input N>`.
    pub(super) name: String,
    /// The statements, as they are compiled again: first the input's `declare global`
    /// initializers as assignments to their globals, then its statements, in the order the
    /// checker numbers their lambdas.
    pub(super) text: String,
}

/// The text to carry for an input (already ended by `;`), or `None` when it has neither
/// statements nor global initializers.
pub(super) fn carried_text(input: &str) -> Option<String> {
    let (tokens, _) = prometeu_lexer::lex(input, SourceId(0));
    // A lambda as the whole input (perhaps called) is compiled in parentheses, as an
    // expression; the lambdas its body makes when it is called are carried the same way.
    if let (Some((Token::Fn, _)), Some((Token::LParen, _))) = (tokens.first(), tokens.get(1)) {
        let body = input.trim_end().strip_suffix(';').unwrap_or(input);
        return Some(format!("({body});\n"));
    }
    let limits = prometeu_compiler::Limits::default();
    let (module, _) = prometeu_compiler::parse::parse(&tokens, SourceId(0), input.len(), &limits);
    let text = |range: std::ops::Range<usize>| input.get(range).unwrap_or("");
    let mut globals = String::new();
    let mut stmts = String::new();
    for item in &module.items {
        match item {
            Item::Global { name, value, .. } => {
                globals.push_str(&format!("{} = {};\n", name.name, text(value.span.range())));
            }
            Item::Stmt(s) => {
                let end = s.span.end as usize;
                stmts.push_str(text(s.span.range()));
                // The `;` that ends the statement, when it is not part of its span.
                let next = tokens.partition_point(|(_, t)| (t.start as usize) < end);
                if let Some((Token::Semi, _)) = tokens.get(next) {
                    stmts.push(';');
                }
                stmts.push('\n');
            }
            _ => {}
        }
    }
    let all = globals + &stmts;
    (!all.is_empty()).then_some(all)
}

#[cfg(test)]
mod tests {
    use super::carried_text;

    #[test]
    fn globals_come_first_as_assignments_then_the_statements() {
        let text = carried_text(
            "let f = fn(): int { return 1; };\ndeclare global g: fn(): int = fn(): int { return 2; };\nf();",
        )
        .expect("carried");
        assert_eq!(
            text,
            "g = fn(): int { return 2; };\nlet f = fn(): int { return 1; };\nf();\n"
        );
    }

    #[test]
    fn a_lambda_as_the_whole_input_is_carried_in_parentheses() {
        assert_eq!(
            carried_text("fn(): int { return 1; }();").as_deref(),
            Some("(fn(): int { return 1; }());\n")
        );
    }

    #[test]
    fn an_input_of_declarations_only_has_nothing_to_carry() {
        assert_eq!(carried_text("fn f(): int { return 1; }"), None);
        assert_eq!(
            carried_text("let x = 1;\nprint(x)\n;").as_deref(),
            Some("let x = 1;\nprint(x)\n;\n")
        );
    }
}
