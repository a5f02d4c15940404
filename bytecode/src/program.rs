//! The in-memory form of a compiled program, exactly what a `.pbc` file holds.

use crate::Instr;

/// The type of a host function's parameter or result, as recorded in signatures.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HostType {
    /// No value (results only).
    Void,
    /// A 64-bit signed integer.
    Int,
    /// A 64-bit float.
    Float,
    /// A bool.
    Bool,
    /// A string.
    Str,
    /// Any value (such as the argument of `print`).
    Any,
    /// A tile bank declared with `declare bank` (an index into the program's banks).
    Bank,
    /// A tile map (a heap object).
    TileMap,
    /// A sound declared with `declare sound` (an index into the program's sounds).
    Sound,
}

impl HostType {
    /// The byte that encodes this type in a `.pbc` file.
    pub fn to_byte(self) -> u8 {
        match self {
            HostType::Void => 0,
            HostType::Int => 1,
            HostType::Float => 2,
            HostType::Bool => 3,
            HostType::Str => 4,
            HostType::Any => 5,
            HostType::Bank => 6,
            HostType::TileMap => 7,
            HostType::Sound => 8,
        }
    }

    /// The type a byte encodes, if any.
    pub fn from_byte(byte: u8) -> Option<HostType> {
        Some(match byte {
            0 => HostType::Void,
            1 => HostType::Int,
            2 => HostType::Float,
            3 => HostType::Bool,
            4 => HostType::Str,
            5 => HostType::Any,
            6 => HostType::Bank,
            7 => HostType::TileMap,
            8 => HostType::Sound,
            _ => return None,
        })
    }

    /// The PBS spelling of the type.
    pub fn name(self) -> &'static str {
        match self {
            HostType::Void => "void",
            HostType::Int => "int",
            HostType::Float => "float",
            HostType::Bool => "bool",
            HostType::Str => "string",
            HostType::Any => "any",
            HostType::Bank => "Bank",
            HostType::TileMap => "TileMap",
            HostType::Sound => "Sound",
        }
    }
}

/// The signature of a host function: its qualified name, parameter types and result type.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct HostSig {
    /// The qualified name, such as `Math.sqrt`.
    pub name: String,
    /// The parameter types, in order.
    pub params: Vec<HostType>,
    /// The result type.
    pub result: HostType,
}

impl std::fmt::Display for HostSig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let params: Vec<&str> = self.params.iter().map(|p| p.name()).collect();
        write!(
            f,
            "{}({}): {}",
            self.name,
            params.join(", "),
            self.result.name()
        )
    }
}

/// The value of a built-in constant such as `Math.PI`, inlined by the compiler.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum BuiltinConstant {
    /// An int constant.
    Int(i64),
    /// A float constant.
    Float(f64),
}

/// One entry of the constant pool.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Constant {
    /// An int.
    Int(i64),
    /// A float, stored as its IEEE-754 bits so that programs compare and hash exactly.
    Float(u64),
    /// A string: an index into the program's string pool.
    Str(u32),
}

/// A run of instructions that share one source span: from byte `pc` until the next run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SpanRun {
    /// The first byte offset of the run.
    pub pc: u32,
    /// The first source byte of the span.
    pub start: u32,
    /// One past the last source byte of the span.
    pub end: u32,
}

/// One compiled function.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Function {
    /// The function's name (methods are `Struct.method`).
    pub name: String,
    /// How many parameters it takes (they occupy the first local slots).
    pub params: u16,
    /// How many local slots it uses, parameters included.
    pub locals: u16,
    /// The deepest the value stack gets above the locals.
    pub max_stack: u16,
    /// The encoded instructions.
    pub code: Vec<u8>,
    /// The `pc → span` table, ordered by `pc`.
    pub spans: Vec<SpanRun>,
    /// The source file the spans point into: 0 is the program's `source_name`, `n` is
    /// `Program::files[n - 1]`.
    pub file: u32,
}

impl Function {
    /// The source span of the instruction at byte offset `pc`.
    pub fn span_at(&self, pc: u32) -> Option<(u32, u32)> {
        let index = self.spans.partition_point(|run| run.pc <= pc);
        index
            .checked_sub(1)
            .map(|i| (self.spans[i].start, self.spans[i].end))
    }

    /// Decodes the function's code into `(pc, instruction)` pairs, stopping at the first bad byte.
    pub fn instructions(&self) -> Vec<(u32, Instr)> {
        let mut out = Vec::new();
        let mut at = 0usize;
        while at < self.code.len() {
            match Instr::decode(&self.code[at..]) {
                Ok((instr, size)) => {
                    out.push((at as u32, instr));
                    at += size;
                }
                Err(_) => break,
            }
        }
        out
    }
}

/// A struct type: its name and field names, in declaration order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StructDecl {
    /// The struct's name.
    pub name: String,
    /// The field names, in declaration (and constructor) order.
    pub fields: Vec<String>,
    /// For each field, where its type is optional, for formatting (`some(..)` and `none`):
    /// bit `k` is set when the value `k` array levels down is optional, bit 0 for the
    /// field's own value. Empty means no field is optional.
    pub optional_shapes: Vec<u64>,
}

/// Which functions start a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Entry {
    /// The function that initializes the globals in source order (always present).
    pub globals_init: u32,
    /// `fn main()` of a script.
    pub main: Option<u32>,
    /// The `[Init]` function of a cartridge.
    pub init: Option<u32>,
    /// The `[Frame]` function of a cartridge.
    pub frame: Option<u32>,
}

/// A whole compiled program.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Program {
    /// The deduplicated string pool; constants and names refer to it.
    pub strings: Vec<String>,
    /// The constant pool.
    pub constants: Vec<Constant>,
    /// The functions; `Call` operands index this list.
    pub functions: Vec<Function>,
    /// The host functions the program calls, by signature; `CallHost` operands index this list.
    pub hosts: Vec<HostSig>,
    /// The struct types; `NewStruct` operands index this list.
    pub structs: Vec<StructDecl>,
    /// The names of the program's globals (indices into `strings`), in declaration order.
    pub globals: Vec<u32>,
    /// The global each access site names (an index into `strings`); `GetGlobal`/`SetGlobal` operands index this list.
    pub global_sites: Vec<u32>,
    /// The entry points.
    pub entry: Entry,
    /// The source file's display name.
    pub source_name: String,
    /// The source text, kept so traps in a `.pbc` still show excerpts.
    pub source_text: Option<String>,
    /// The program's other source files (the files the entry file imports), file 1 onwards.
    pub files: Vec<SourceInfo>,
    /// The graphics assets (banks and maps), shared with the console that draws them.
    pub assets: std::sync::Arc<crate::Assets>,
    /// The enum types; `PushEnum` operands index this list, and formatting names variants
    /// through it.
    pub enums: Vec<EnumDecl>,
    /// The contract types with the structs that implement them; `CallContract` operands
    /// index this list.
    pub contracts: Vec<crate::ContractDecl>,
}

/// An enum type: its name and its variants, in declaration order (a variant's index is its
/// tag).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct EnumDecl {
    /// The enum's name.
    pub name: String,
    /// The variants, in declaration order.
    pub variants: Vec<VariantDecl>,
}

/// One variant of an enum.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct VariantDecl {
    /// The variant's name.
    pub name: String,
    /// For a variant with payload fields, the struct type (an index into the program's
    /// structs, named `Enum.Variant`) whose instances hold its values; `None` for a variant
    /// without payload, whose values are scalars.
    pub payload: Option<u32>,
}

/// A source file of a program other than its entry file.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct SourceInfo {
    /// Its display name.
    pub name: String,
    /// Its text, when the program keeps source texts.
    pub text: Option<String>,
}

impl Program {
    /// The name and text of source file `file` (0 is the entry file), if it exists.
    pub fn file(&self, file: u32) -> Option<(&str, Option<&str>)> {
        match file {
            0 => Some((&self.source_name, self.source_text.as_deref())),
            n => self
                .files
                .get(n as usize - 1)
                .map(|f| (f.name.as_str(), f.text.as_deref())),
        }
    }

    /// How many source files the program names (at least one).
    pub fn file_count(&self) -> usize {
        1 + self.files.len()
    }

    /// The string a constant or name index refers to, or `""` when out of range.
    pub fn string(&self, index: u32) -> &str {
        self.strings.get(index as usize).map_or("", String::as_str)
    }
}
