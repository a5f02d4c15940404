//! Rewrites of syntax errors that come from common mistakes (§15.10), made once the grammar
//! has run, from the error and the tokens around it: a missing `;` is reported at the end of
//! the statement it ends, `elif` suggests `else if`, `x++` and `x--` suggest `x += 1`, and
//! a map entry without its `:` asks for it between the key and the value, and
//! an "expected" list drops the operators that could continue an expression whenever a
//! token that ends one (`;`, `)`, ...) is expected too.

use super::grammar::GSpan;
use super::ParseError;
use prometeu_lexer::{Span, Token};

/// The descriptions of tokens that only continue an expression.
const CONTINUATIONS: [&str; 30] = [
    "`!=`",
    "`%`",
    "`&&`",
    "`&`",
    "`(`",
    "`*`",
    "`+`",
    "`-`",
    "`.`",
    "`/`",
    "`<<`",
    "`<=`",
    "`<`",
    "`==`",
    "`=`",
    "`>=`",
    "`>>`",
    "`>`",
    "`[`",
    "`^`",
    "`as`",
    "`|`",
    "`||`",
    "`+=`",
    "`-=`",
    "`*=`",
    "`/=`",
    "`%=`",
    "`&=`",
    "something else",
];

/// Refines each error in place.
pub(super) fn refine(errors: &mut [ParseError], tokens: &[(Token<'_>, GSpan)]) {
    for error in errors.iter_mut() {
        if error.code != "E0100" {
            continue;
        }
        let at = tokens.partition_point(|(_, s)| s.start < error.span.start);
        let before = |back: usize| at.checked_sub(back).and_then(|i| tokens.get(i));
        let source = error.span.source;
        let spanned = |s: GSpan| Span::new(source, s.start as usize, s.end as usize);
        // `} elif cond {`: the grammar stops at the token after `elif`.
        if let (Some((Token::Ident("elif"), elif)), Some((Token::RBrace, _))) =
            (before(1), before(2))
        {
            *error = ParseError {
                code: "E0106",
                message: "`elif` is not a keyword; PBS writes `else if`".into(),
                span: spanned(*elif),
                label: "write `else if` here".into(),
                help: Some("chain conditions with `} else if cond {`".into()),
            };
            continue;
        }
        // `x++;` stops at the second `+`; `x--;` at the token after the second `-`.
        let doubled = match (before(1), tokens.get(at), before(2)) {
            (Some((Token::Plus, a)), Some((Token::Plus, b)), _) if a.end == b.start => {
                Some(("++", "+=", a.start, b.end))
            }
            (Some((Token::Minus, b)), _, Some((Token::Minus, a))) if a.end == b.start => {
                Some(("--", "-=", a.start, b.end))
            }
            _ => None,
        };
        if let Some((op, fix, start, end)) = doubled {
            *error = ParseError {
                code: "E0107",
                message: format!("PBS has no `{op}` operator"),
                span: spanned(GSpan::from(start..end)),
                label: format!("`{op}` here"),
                help: Some(format!("write `x {fix} 1;` as a statement of its own")),
            };
            continue;
        }
        // `{"a" 1}`: a map literal's key without the `:` before its value.
        if expects_colon(&error.message) && innermost_open(&tokens[..at]) == Some(&Token::LBrace) {
            if let Some((_, key)) = before(1) {
                // Where an operator could continue the key, it is a literal's entry;
                // where only `:` fits, a map type's key type.
                let entry = CONTINUATIONS[..CONTINUATIONS.len() - 1]
                    .iter()
                    .any(|c| error.message.contains(c));
                let found = error.message.rsplit_once(", found ").map_or("", |(_, f)| f);
                let (between, help) = if entry {
                    (
                        "the key and the value",
                        "write each entry of a map as `key: value`, such as `{\"a\": 1}`",
                    )
                } else {
                    (
                        "the key type and the value type",
                        "write a map type as `{K: V}`, such as `{string: int}`",
                    )
                };
                error.message = format!("expected `:` between {between}, found {found}");
                error.span = spanned(GSpan::from(key.end..key.end));
                error.label = "add `:` here".into();
                error.help = Some(help.into());
                continue;
            }
        }
        trim_expected(error);
        // A missing `;` belongs at the end of the statement, not at the token after it.
        // (At the end of the input the REPL reads on instead, so that error stays put.)
        if error.message.starts_with("expected `;`,")
            && !error.message.ends_with("found end of input")
        {
            if let Some((_, last)) = before(1) {
                error.span = spanned(GSpan::from(last.end..last.end));
                error.label = "add `;` here".into();
                error.help = Some("end each statement with `;`".into());
            }
            if in_contract_body(&tokens[..at]) {
                error.help = Some(if error.message.ends_with("found `{`") {
                    "a contract's method has no body: end its signature with `;` and define the method in each struct that implements the contract".into()
                } else {
                    "end each method signature of a contract with `;`".into()
                });
            }
        }
    }
}

/// Whether an "expected" message lists `:` among the tokens that fit.
fn expects_colon(message: &str) -> bool {
    message
        .strip_prefix("expected ")
        .and_then(|rest| rest.split_once(", found "))
        .is_some_and(|(list, _)| {
            list.split(", ")
                .flat_map(|item| item.split(" or "))
                .any(|item| item == "`:`")
        })
}

/// The innermost bracket that the tokens leave open.
fn innermost_open<'t, 'a>(tokens: &'t [(Token<'a>, GSpan)]) -> Option<&'t Token<'a>> {
    let mut depth = 0usize;
    for (token, _) in tokens.iter().rev() {
        match token {
            Token::RBrace | Token::RParen | Token::RBracket => depth += 1,
            Token::LBrace | Token::LParen | Token::LBracket if depth == 0 => return Some(token),
            Token::LBrace | Token::LParen | Token::LBracket => depth -= 1,
            _ => {}
        }
    }
    None
}

/// Whether the tokens end inside the braces of a `declare contract` body.
fn in_contract_body(tokens: &[(Token<'_>, GSpan)]) -> bool {
    let mut depth = 0i32;
    for (token, _) in tokens.iter().rev() {
        match token {
            Token::RBrace => depth += 1,
            Token::LBrace if depth == 0 => depth = -1,
            Token::LBrace => depth -= 1,
            Token::Reserved("contract") => return depth == -1,
            Token::Declare if depth == -1 => return false,
            _ => {}
        }
    }
    false
}

/// Drops the operators from "expected A, B or C, found X" when something that ends an
/// expression is expected too; the message then names the likely token.
fn trim_expected(error: &mut ParseError) {
    let Some(rest) = error.message.strip_prefix("expected ") else {
        return;
    };
    let Some((list, found)) = rest.split_once(", found ") else {
        return;
    };
    let items: Vec<&str> = list
        .split(", ")
        .flat_map(|item| item.split(" or "))
        .filter(|item| !item.is_empty())
        .collect();
    let kept: Vec<&str> = items
        .iter()
        .copied()
        .filter(|item| !CONTINUATIONS.contains(item))
        .collect();
    // Only an expected token that ends an expression makes the operators noise; where an
    // expression may start, `-` and `(` are prefixes, not operators.
    let ends = [
        "`;`", "`)`", "`]`", "`,`", "`}`", "block", "`{`", "`until`", "`step`", "`=>`",
    ];
    if kept.len() == items.len()
        || items.contains(&"expression")
        || !kept.iter().any(|k| ends.contains(k))
    {
        return;
    }
    let text = match kept.as_slice() {
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
        [] => return,
    };
    error.message = format!("expected {text}, found {found}");
}
