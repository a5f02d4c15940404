//! The token kinds of PBS, as the parser sees them.

use crate::Span;
use std::fmt;

/// A value paired with its span.
pub type Spanned<T> = (T, Span);

/// One token of PBS source, with its decoded value where it has one.
#[derive(Clone, Debug, PartialEq)]
pub enum Token<'src> {
    /// An integer literal; values above `i64::MAX` are checked by the compiler.
    Int(u64),
    /// A float literal.
    Float(f64),
    /// A string literal with its escapes decoded.
    Str(String),
    /// An identifier.
    Ident(&'src str),
    /// A reserved word that is not yet a keyword (`import`, `enum`, ...).
    Reserved(&'src str),
    /// `fn`
    Fn,
    /// `import`
    Import,
    /// `pub`
    Pub,
    /// `declare`
    Declare,
    /// `struct`
    Struct,
    /// `global`
    Global,
    /// `const`
    Const,
    /// `let`
    Let,
    /// `if`
    If,
    /// `else`
    Else,
    /// `while`
    While,
    /// `for`
    For,
    /// `from`
    From,
    /// `until`
    Until,
    /// `step`
    Step,
    /// `in`
    In,
    /// `break`
    Break,
    /// `continue`
    Continue,
    /// `return`
    Return,
    /// `new`
    New,
    /// `this`
    This,
    /// `true`
    True,
    /// `false`
    False,
    /// `&&` or `and`
    AndAnd,
    /// `||` or `or`
    OrOr,
    /// `!` or `not`
    Bang,
    /// `as`
    As,
    /// `+`
    Plus,
    /// `-`
    Minus,
    /// `*`
    Star,
    /// `/`
    Slash,
    /// `%`
    Percent,
    /// `&`
    Amp,
    /// `|`
    Pipe,
    /// `^`
    Caret,
    /// `<<`
    Shl,
    /// `>>`
    Shr,
    /// `==`
    EqEq,
    /// `!=`
    NotEq,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `=`
    Assign,
    /// `+=`
    PlusAssign,
    /// `-=`
    MinusAssign,
    /// `*=`
    StarAssign,
    /// `/=`
    SlashAssign,
    /// `%=`
    PercentAssign,
    /// `&=`
    AmpAssign,
    /// `|=`
    PipeAssign,
    /// `^=`
    CaretAssign,
    /// `<<=`
    ShlAssign,
    /// `>>=`
    ShrAssign,
    /// `(`
    LParen,
    /// `)`
    RParen,
    /// `{`
    LBrace,
    /// `}`
    RBrace,
    /// `[`
    LBracket,
    /// `]`
    RBracket,
    /// `,`
    Comma,
    /// `;`
    Semi,
    /// `:`
    Colon,
    /// `.`
    Dot,
    /// `=>` (between a `switch` arm's patterns and its block)
    FatArrow,
    /// `?` (after a type: an optional)
    Question,
    /// `some`
    Some,
    /// `none`
    None,
}

impl Token<'_> {
    /// The text of a keyword token (`fn`, `struct`, `this`, ...); `None` for other tokens.
    pub fn keyword(&self) -> Option<&'static str> {
        Some(match self {
            Token::Fn => "fn",
            Token::Import => "import",
            Token::Pub => "pub",
            Token::Declare => "declare",
            Token::Struct => "struct",
            Token::Global => "global",
            Token::Const => "const",
            Token::Let => "let",
            Token::If => "if",
            Token::Else => "else",
            Token::While => "while",
            Token::For => "for",
            Token::From => "from",
            Token::Until => "until",
            Token::Step => "step",
            Token::In => "in",
            Token::Break => "break",
            Token::Continue => "continue",
            Token::Return => "return",
            Token::New => "new",
            Token::This => "this",
            Token::True => "true",
            Token::False => "false",
            Token::As => "as",
            Token::Some => "some",
            Token::None => "none",
            _ => return None,
        })
    }

    /// The keyword or punctuation text of a token, or a description of a literal.
    pub fn describe(&self) -> String {
        let text = match self {
            Token::Int(v) => return format!("integer `{v}`"),
            Token::Float(v) => return format!("float `{v:?}`"),
            Token::Str(_) => return "string literal".to_string(),
            Token::Ident(name) => return format!("identifier `{name}`"),
            Token::Reserved(name) => return format!("reserved word `{name}`"),
            Token::Fn
            | Token::Import
            | Token::Pub
            | Token::Declare
            | Token::Struct
            | Token::Global
            | Token::Const
            | Token::Let
            | Token::If
            | Token::Else
            | Token::While
            | Token::For
            | Token::From
            | Token::Until
            | Token::Step
            | Token::In
            | Token::Break
            | Token::Continue
            | Token::Return
            | Token::New
            | Token::This
            | Token::True
            | Token::False
            | Token::As
            | Token::Some
            | Token::None => self.keyword().unwrap_or_default(),
            Token::AndAnd => "&&",
            Token::OrOr => "||",
            Token::Bang => "!",
            Token::Plus => "+",
            Token::Minus => "-",
            Token::Star => "*",
            Token::Slash => "/",
            Token::Percent => "%",
            Token::Amp => "&",
            Token::Pipe => "|",
            Token::Caret => "^",
            Token::Shl => "<<",
            Token::Shr => ">>",
            Token::EqEq => "==",
            Token::NotEq => "!=",
            Token::Lt => "<",
            Token::Le => "<=",
            Token::Gt => ">",
            Token::Ge => ">=",
            Token::Assign => "=",
            Token::PlusAssign => "+=",
            Token::MinusAssign => "-=",
            Token::StarAssign => "*=",
            Token::SlashAssign => "/=",
            Token::PercentAssign => "%=",
            Token::AmpAssign => "&=",
            Token::PipeAssign => "|=",
            Token::CaretAssign => "^=",
            Token::ShlAssign => "<<=",
            Token::ShrAssign => ">>=",
            Token::LParen => "(",
            Token::RParen => ")",
            Token::LBrace => "{",
            Token::RBrace => "}",
            Token::LBracket => "[",
            Token::RBracket => "]",
            Token::Comma => ",",
            Token::Semi => ";",
            Token::Colon => ":",
            Token::Dot => ".",
            Token::FatArrow => "=>",
            Token::Question => "?",
        };
        format!("`{text}`")
    }
}

impl fmt::Display for Token<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe())
    }
}
