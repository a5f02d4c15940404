//! The constant pool under construction: strings interned with `string-interner` so each
//! distinct string is stored once, and constants deduplicated by value.

use prometeu_bytecode::limits::{CONSTANT_STRING_OVERHEAD, HEAP_BYTES};
use prometeu_bytecode::Constant;
use prometeu_lexer::Span;
use std::collections::HashMap;
use std::sync::Arc;
use string_interner::{DefaultStringInterner, DefaultSymbol};

/// Builds a program's string pool and constant pool.
pub(crate) struct Pool {
    interner: DefaultStringInterner,
    /// Pool index of each interned symbol, in first-use order.
    indices: HashMap<DefaultSymbol, u32>,
    strings: Vec<String>,
    constants: Vec<Constant>,
    constant_index: HashMap<Constant, u32>,
    /// The heap bytes the string constants take when the program is loaded.
    constant_bytes: usize,
    /// The constant index of each shared string already added, by its address (the `Arc`
    /// is kept so the address stays its own): a long constant used in many places is hashed
    /// once.
    by_address: HashMap<usize, (Arc<str>, u32)>,
    /// The heap the string constants must fit in when the program is loaded.
    heap_limit: usize,
    /// The first string constant whose addition took `constant_bytes` past `heap_limit`.
    over_heap: Option<Span>,
}

impl Default for Pool {
    fn default() -> Pool {
        Pool::with_heap_limit(HEAP_BYTES)
    }
}

impl Pool {
    /// An empty pool whose string constants must fit in `heap_limit` bytes.
    pub(crate) fn with_heap_limit(heap_limit: usize) -> Pool {
        Pool {
            interner: DefaultStringInterner::default(),
            indices: HashMap::new(),
            strings: Vec::new(),
            constants: Vec::new(),
            constant_index: HashMap::new(),
            constant_bytes: 0,
            by_address: HashMap::new(),
            heap_limit,
            over_heap: None,
        }
    }

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

    /// The constant-pool index of a string constant used at `span`; counts the heap bytes
    /// a new one takes when the program is loaded.
    pub(crate) fn string_constant(&mut self, text: &str, span: Span) -> u32 {
        let s = self.string(text);
        let count = self.constants.len();
        let index = self.constant(Constant::Str(s));
        if self.constants.len() > count {
            self.constant_bytes = self
                .constant_bytes
                .saturating_add(text.len() + CONSTANT_STRING_OVERHEAD);
            if self.constant_bytes > self.heap_limit && self.over_heap.is_none() {
                self.over_heap = Some(span);
            }
        }
        index
    }

    /// [`Pool::string_constant`] for a shared string, looked up by address first.
    pub(crate) fn shared_string_constant(&mut self, text: &Arc<str>, span: Span) -> u32 {
        let address = Arc::as_ptr(text) as *const u8 as usize;
        if let Some((_, index)) = self.by_address.get(&address) {
            return *index;
        }
        let index = self.string_constant(text, span);
        self.by_address.insert(address, (Arc::clone(text), index));
        index
    }

    /// Where the string constants first went over the heap limit, if they did.
    pub(crate) fn over_heap(&self) -> Option<Span> {
        self.over_heap
    }

    /// The finished string pool and constant pool.
    pub(crate) fn finish(self) -> (Vec<String>, Vec<Constant>) {
        (self.strings, self.constants)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use prometeu_lexer::SourceId;

    #[test]
    fn string_constants_over_the_heap_are_found_where_they_go_over() {
        let mut pool = Pool::with_heap_limit(3 * (10 + CONSTANT_STRING_OVERHEAD));
        let at = |i| Span::new(SourceId(0), i, i + 1);
        for (i, text) in ["aaaaaaaaaa", "bbbbbbbbbb", "aaaaaaaaaa", "cccccccccc"]
            .iter()
            .enumerate()
        {
            pool.string_constant(text, at(i));
        }
        // A repeated string is one constant, so three distinct ones fit exactly.
        assert_eq!(pool.over_heap(), None);
        pool.string_constant("d", at(9));
        assert_eq!(pool.over_heap(), Some(at(9)));
        pool.string_constant("e", at(10));
        assert_eq!(pool.over_heap(), Some(at(9)));
    }
}
