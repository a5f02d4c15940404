//! The errors of code generation: a program that would not fit the limits of the `.pbc`
//! format or of loading (see [`prometeu_bytecode::limits`]). The checker already rejects
//! the limits it can see (string lengths, local slots); these are the ones only the
//! generated code shows.

use prometeu_bytecode::limits::{CONSTANT_STRING_OVERHEAD, HEAP_BYTES, MAX_CODE_BYTES, MAX_STACK};
use prometeu_lexer::{Diagnostic, Span};

/// A limit the generated program would exceed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LimitError {
    /// A function's operand stack would get deeper than [`MAX_STACK`] slots.
    StackTooDeep {
        /// The function.
        function: String,
        /// The expression that first went over the limit.
        span: Span,
    },
    /// A function's code would be larger than [`MAX_CODE_BYTES`].
    CodeTooLarge {
        /// The function.
        function: String,
        /// The function's end.
        span: Span,
    },
    /// The constant strings would take more than the heap when the program is loaded.
    ConstantsTooLarge {
        /// The string constant that went over the limit.
        span: Span,
    },
}

impl LimitError {
    /// Converts the error into a renderable diagnostic.
    pub fn to_diagnostic(&self) -> Diagnostic {
        match self {
            LimitError::StackTooDeep { function, span } => Diagnostic::error(
                "E0601",
                format!(
                    "expression is too large: `{function}` would need more than {MAX_STACK} stack slots for temporary values"
                ),
                *span,
                "the stack overflows here",
            )
            .with_help("split the expression, and keep intermediate values in local variables"),
            LimitError::CodeTooLarge { function, span } => Diagnostic::error(
                "E0602",
                format!(
                    "function is too large: the code of `{function}` would be more than {MAX_CODE_BYTES} bytes"
                ),
                *span,
                "the function ends here",
            )
            .with_help("split the function into smaller ones"),
            LimitError::ConstantsTooLarge { span } => Diagnostic::error(
                "E0603",
                format!(
                    "the program's constant strings would take more than the heap limit of {HEAP_BYTES} bytes when it is loaded"
                ),
                *span,
                "this string goes over the limit",
            )
            .with_help(format!(
                "each distinct string literal or string constant is allocated once when the program starts and counts as its length plus {CONSTANT_STRING_OVERHEAD} bytes; use fewer or shorter ones"
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_limit_has_its_code_and_location() {
        let span = Span::new(prometeu_lexer::SourceId(0), 3, 7);
        let errors = [
            LimitError::StackTooDeep {
                function: "main".into(),
                span,
            },
            LimitError::CodeTooLarge {
                function: "main".into(),
                span,
            },
            LimitError::ConstantsTooLarge { span },
        ];
        let codes: Vec<_> = errors
            .iter()
            .map(|e| {
                let d = e.to_diagnostic();
                assert_eq!(d.primary.map(|l| l.span), Some(span));
                d.code.unwrap()
            })
            .collect();
        assert_eq!(codes, ["E0601", "E0602", "E0603"]);
    }
}
