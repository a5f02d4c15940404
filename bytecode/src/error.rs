//! The error type of loading: decoding a `.pbc` file or verifying a program.

use prometeu_lexer::Diagnostic;

/// Why a program was rejected.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LoadErrorKind {
    /// The file does not start with the `.pbc` magic number.
    #[error("not a PBS program file (bad magic number)")]
    BadMagic,
    /// The file's format version is not one this loader reads.
    #[error("unsupported format version {0} (this loader reads version {current})", current = crate::pbc::FORMAT_VERSION)]
    UnsupportedVersion(u16),
    /// The header has flags this loader does not know.
    #[error("unknown header flags {0:#06x}")]
    UnknownFlags(u16),
    /// The file ends in the middle of something.
    #[error("unexpected end of file while reading {0}")]
    Truncated(&'static str),
    /// A section's declared length disagrees with its contents.
    #[error("section {section} declares {declared} bytes but its contents take {used}")]
    SectionLength {
        /// The section's name.
        section: &'static str,
        /// The length written in the file.
        declared: u32,
        /// The bytes its contents actually took.
        used: u32,
    },
    /// Bytes follow the last section.
    #[error("{0} unexpected bytes after the last section")]
    TrailingBytes(usize),
    /// A string is not valid UTF-8.
    #[error("string is not valid UTF-8")]
    BadUtf8,
    /// An enumerated byte (constant tag, type tag) has no meaning.
    #[error("invalid {what} tag {tag}")]
    BadTag {
        /// What the tag was for.
        what: &'static str,
        /// The byte found.
        tag: u8,
    },
    /// An index points outside the table it refers to.
    #[error("{what} index {index} is out of range (the table has {len} entries)")]
    IndexOutOfRange {
        /// Which table.
        what: &'static str,
        /// The index found.
        index: u32,
        /// The table's length.
        len: u32,
    },
    /// A byte in a function's code is not an opcode.
    #[error("unknown opcode {opcode:#04x} in function `{function}`")]
    UnknownOpcode {
        /// The function.
        function: String,
        /// The byte found.
        opcode: u8,
    },
    /// An instruction's operands run past the end of its function.
    #[error("instruction truncated at the end of function `{0}`")]
    TruncatedInstruction(String),
    /// A jump lands outside its function or inside an instruction.
    #[error("jump target {target} in function `{function}` is not the start of an instruction")]
    BadJumpTarget {
        /// The function.
        function: String,
        /// The target found.
        target: u32,
    },
    /// Control can run past the last instruction of a function.
    #[error("control falls off the end of function `{0}`")]
    FallsOffEnd(String),
    /// An instruction pops more values than the stack holds.
    #[error("stack underflow in function `{function}` at pc {pc}")]
    StackUnderflow {
        /// The function.
        function: String,
        /// The instruction's offset.
        pc: u32,
    },
    /// The stack grows past the function's declared maximum.
    #[error("stack depth {depth} exceeds the declared maximum {max} in function `{function}` at pc {pc}")]
    StackTooDeep {
        /// The function.
        function: String,
        /// The instruction's offset.
        pc: u32,
        /// The depth reached.
        depth: u32,
        /// The declared maximum.
        max: u16,
    },
    /// Two control-flow paths reach one instruction with different stack depths.
    #[error("inconsistent stack depth ({a} and {b}) where control flow merges in function `{function}` at pc {pc}")]
    StackMismatch {
        /// The function.
        function: String,
        /// The instruction's offset.
        pc: u32,
        /// One depth.
        a: u32,
        /// The other depth.
        b: u32,
    },
    /// A function's header is inconsistent (such as more parameters than locals).
    #[error("function `{function}`: {why}")]
    BadFunction {
        /// The function.
        function: String,
        /// What is wrong.
        why: String,
    },
    /// The program needs a host function this VM does not provide.
    #[error("the program needs host function `{0}`, which this VM does not provide")]
    MissingHost(String),
    /// The program's host function exists with another signature.
    #[error("host function `{wanted}` has a different signature in this VM: `{provided}`")]
    HostSignature {
        /// The signature the program wants.
        wanted: String,
        /// The signature this VM has.
        provided: String,
    },
    /// The assets section is inconsistent (sizes, counts or values).
    #[error("bad asset: {0}")]
    BadAsset(String),
    /// An entry point is missing or malformed.
    #[error("bad entry point: {0}")]
    BadEntry(String),
    /// A struct type's declaration is inconsistent (such as optional shapes for fields it
    /// does not have).
    #[error("struct `{name}`: {why}")]
    BadStruct {
        /// The struct's name.
        name: String,
        /// What is wrong.
        why: String,
    },
    /// The enum table is inconsistent (counts, payload structs) or an instruction names an
    /// enum or variant that does not fit it.
    #[error("bad enum: {0}")]
    BadEnum(String),
    /// The contract table is inconsistent (implementing structs or functions that do not
    /// exist or do not fit the contract's methods).
    #[error("bad contract: {0}")]
    BadContract(String),
}

/// A rejected program: what is wrong and the byte offset in the file where it was found.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{kind} at byte {offset}")]
pub struct LoadError {
    /// The byte offset in the file (or in the function's code, for programs not read from a file).
    pub offset: usize,
    /// What is wrong.
    pub kind: LoadErrorKind,
}

impl LoadError {
    /// Builds an error at an offset.
    pub fn new(offset: usize, kind: LoadErrorKind) -> LoadError {
        LoadError { offset, kind }
    }

    /// Converts the error into a renderable diagnostic.
    pub fn to_diagnostic(&self) -> Diagnostic {
        Diagnostic::plain(format!("invalid program file: {self}"))
    }
}
