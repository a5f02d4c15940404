//! The constant pool under construction: strings interned with `string-interner` so each
//! distinct string is stored once, and constants deduplicated by value.

use prometeu_bytecode::Constant;
use std::collections::HashMap;
use string_interner::{DefaultStringInterner, DefaultSymbol};

/// Builds a program's string pool and constant pool.
#[derive(Default)]
pub(crate) struct Pool {
    interner: DefaultStringInterner,
    /// Pool index of each interned symbol, in first-use order.
    indices: HashMap<DefaultSymbol, u32>,
    strings: Vec<String>,
    constants: Vec<Constant>,
    constant_index: HashMap<Constant, u32>,
}

impl Pool {
    /// The string-pool index of a string, adding it on first use.
    pub(crate) fn string(&mut self, text: &str) -> u32 {
        let symbol = self.interner.get_or_intern(text);
        if let Some(&index) = self.indices.get(&symbol) {
            return index;
        }
        let index = self.strings.len() as u32;
        self.strings.push(text.to_string());
        self.indices.insert(symbol, index);
        index
    }

    /// The constant-pool index of a constant, adding it on first use.
    pub(crate) fn constant(&mut self, c: Constant) -> u32 {
        if let Some(&index) = self.constant_index.get(&c) {
            return index;
        }
        let index = self.constants.len() as u32;
        self.constants.push(c);
        self.constant_index.insert(c, index);
        index
    }

    /// The constant-pool index of a string constant.
    pub(crate) fn string_constant(&mut self, text: &str) -> u32 {
        let s = self.string(text);
        self.constant(Constant::Str(s))
    }

    /// The finished string pool and constant pool.
    pub(crate) fn finish(self) -> (Vec<String>, Vec<Constant>) {
        (self.strings, self.constants)
    }
}
