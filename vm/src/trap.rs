//! Runtime traps: the errors a running program can stop with.

use prometeu_bytecode::Program;
use prometeu_lexer::{Diagnostic, Label, SourceId, Sources, Span};

/// What went wrong at run time.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TrapKind {
    /// Integer arithmetic overflowed.
    #[error("integer overflow")]
    IntegerOverflow,
    /// Integer division or remainder by zero.
    #[error("division by zero")]
    DivisionByZero,
    /// A shift amount outside `0..=63`.
    #[error("shift amount out of range")]
    ShiftOutOfRange,
    /// A `for` loop with step zero.
    #[error("for loop step is zero")]
    ZeroStep,
    /// Too many nested calls.
    #[error("stack overflow: call depth exceeded {0}")]
    CallDepth(usize),
    /// The value stack is full.
    #[error("stack overflow: the value stack exceeded {0} slots")]
    ValueStack(usize),
    /// A script used up its total cycle budget.
    #[error("cycle budget exhausted: the program used more than {0} cycles")]
    CycleBudget(u64),
    /// A string would exceed the size limit.
    #[error("string too long: {len} bytes exceeds the limit of {limit}")]
    StringTooLong {
        /// The length that was asked for.
        len: usize,
        /// The limit.
        limit: usize,
    },
    /// An array would exceed the length limit.
    #[error("array too long: {len} elements exceeds the limit of {limit}")]
    ArrayTooLong {
        /// The length that was asked for.
        len: usize,
        /// The limit.
        limit: usize,
    },
    /// An array index outside the array.
    #[error("index {index} out of bounds for length {len}")]
    IndexOutOfBounds {
        /// The index used.
        index: i64,
        /// The array's length.
        len: usize,
    },
    /// `[v; n]` with a negative `n`.
    #[error("array length {0} is negative")]
    NegativeLength(i64),
    /// The heap would exceed its size limit.
    #[error("out of memory: the heap limit of {0} bytes was exceeded")]
    HeapExhausted(usize),
    /// The run was interrupted from outside (Ctrl-C in the REPL).
    #[error("interrupted")]
    Interrupted,
    /// A global that no input has defined (only possible when programs are combined).
    #[error("global `{0}` is not defined")]
    UndefinedGlobal(String),
    /// A global read before its initializer has run: possible only through a function
    /// value called while the globals are initialized (§15.9 rules out every other way).
    #[error("global `{0}` is read before its initializer has run")]
    UninitializedGlobal(String),
    /// A host function reported an error.
    #[error("{0}")]
    Host(String),
    /// A value of the wrong kind reached an instruction (only a hand-made program can do this).
    #[error("invalid program: {0}")]
    InvalidProgram(&'static str),
    /// `unwrap()` of an optional that is `none`.
    #[error("unwrap of none")]
    UnwrapNone,
    /// A call of a function value whose function a REPL input removed or redefined with
    /// another shape.
    #[error("function value `{0}` refers to a function that no longer exists")]
    StaleFunction(String),
}

/// How many innermost and outermost frames a long stack trace shows.
const TRACE_EDGE: usize = 8;

/// Formats stack-trace lines (innermost first) as one note, eliding the middle of a long
/// trace; `None` when there are no lines.
pub fn trace_note(mut lines: Vec<String>) -> Option<String> {
    if lines.is_empty() {
        return None;
    }
    if lines.len() > 2 * TRACE_EDGE {
        let hidden = lines.len() - 2 * TRACE_EDGE;
        lines.splice(
            TRACE_EDGE..lines.len() - TRACE_EDGE,
            [format!("... {hidden} more frames ...")],
        );
    }
    Some(format!("stack trace:\n  {}", lines.join("\n  ")))
}

/// One frame of a trap's stack trace.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TraceFrame {
    /// The function's index in the program.
    pub function: u32,
    /// The byte offset of the instruction that was running (or calling).
    pub pc: u32,
}

/// A trap with the stack trace at the failing instruction, innermost frame first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trap {
    /// What went wrong.
    pub kind: TrapKind,
    /// The stack trace, innermost first; empty when the trap happened outside any frame.
    pub trace: Vec<TraceFrame>,
}

impl std::fmt::Display for Trap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.kind)
    }
}

impl std::error::Error for Trap {}

impl Trap {
    /// A trap without a stack trace yet (the dispatch loop adds it).
    pub fn new(kind: TrapKind) -> Trap {
        Trap {
            kind,
            trace: Vec::new(),
        }
    }

    /// Converts the trap into a renderable diagnostic: message, excerpt at the failing operation
    /// and a stack trace (`at frame (game.pbs:12:9)`, innermost first).
    ///
    /// `source` is the id under which the program's entry source text is registered in
    /// `sources`; the program's other files (`Program::files`) follow it, file `n` at id
    /// `source + n`, as `prometeu::program_sources` registers them.
    pub fn to_diagnostic(
        &self,
        program: &Program,
        sources: &Sources,
        source: SourceId,
    ) -> Diagnostic {
        let file_of = |frame: &TraceFrame| -> u32 {
            program
                .functions
                .get(frame.function as usize)
                .map_or(0, |f| f.file)
        };
        let location = |frame: &TraceFrame| -> Option<Span> {
            let f = program.functions.get(frame.function as usize)?;
            let (start, end) = f.span_at(frame.pc)?;
            let source = SourceId(source.0.checked_add(f.file)?);
            Some(Span { source, start, end })
        };
        let mut notes = Vec::new();
        for frame in &self.trace {
            let name = program
                .functions
                .get(frame.function as usize)
                .map_or("?", |f| f.name.as_str());
            match location(frame) {
                Some(span) if !sources.text(span.source).is_empty() => {
                    let (line, col) = sources.line_col(span.source, span.start);
                    notes.push(format!(
                        "at {name} ({}:{line}:{col})",
                        sources.name(span.source)
                    ));
                }
                _ => {
                    let file = program.file(file_of(frame)).map_or("?", |(name, _)| name);
                    notes.push(format!("at {name} ({file})"));
                }
            }
        }
        let message = format!("trap: {}", self.kind);
        let primary = self
            .trace
            .first()
            .and_then(location)
            .filter(|span| !sources.text(span.source).is_empty());
        let mut diagnostic = Diagnostic::plain(message);
        diagnostic.primary = primary.map(|span| Label {
            span,
            message: "the program stopped here".into(),
        });
        diagnostic.notes.extend(trace_note(notes));
        diagnostic
    }
}
