//! The contract between the PBS compiler and the VM.
//!
//! It holds the opcode table (the single source of truth for encoding, decoding,
//! disassembly, stack effects and cycle costs), the in-memory [`Program`], the `.pbc`
//! file format, the disassembler and the load-time verifier. It never runs code and does
//! no I/O. Entry points: [`encode`] and [`decode`] for files, [`load`] and [`verify`] to
//! obtain the [`VerifiedProgram`] the VM runs, [`disassemble`] for people.
//!
//! Modules: `assets` (images, banks and maps carried in a program), `op` (the opcode table),
//! `program` (the program structures), `pbc` (the file format), `verify` (the verifier),
//! `disasm` (the disassembler), `enums` (the enum table's encoding and checks), `contracts` (the contract table and
//! the dispatch tables of `CallContract`), `error` (load errors), `limits` (the sizes a program must
//! respect to load).
#![forbid(unsafe_code)]

pub mod assets;
pub mod contracts;
mod disasm;
mod enums;
mod error;
pub mod limits;
pub mod op;
mod pbc;
mod program;
pub mod template;
mod verify;

pub use assets::{Assets, BankDecl, Image, MapAsset, SoundAsset};
pub use contracts::{ContractDecl, ContractMethodDecl, Dispatch, ImplDecl};
pub use disasm::{asset_table, disassemble, disassemble_function};
pub use error::{LoadError, LoadErrorKind};
pub use op::{ends_run, DecodeError, Instr, Opcode, OperandKind, StackEffect, FLOAT_FUNCTIONS};
pub use pbc::{decode, encode, FORMAT_VERSION, MAGIC};
pub use program::{
    BuiltinConstant, Constant, Entry, EnumDecl, Function, HostSig, HostType, Program, SourceInfo,
    SpanRun, StructDecl, VariantDecl,
};
pub use verify::{load, verify, VerifiedFunction, VerifiedProgram};
