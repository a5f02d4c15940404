//! What the checker does differently for a REPL input compiled with the files it imports:
//! the prompt sees the globals earlier inputs defined, and the structs earlier inputs
//! declared keep their indices in the struct table, wherever they are declared now.

use super::{Checker, TopLevel};

impl Checker<'_> {
    /// Places the structs named in `order` (internal names, as earlier inputs numbered them)
    /// first, in that order, the others after them in declaration order; returns, for each
    /// struct in declaration order, its index.
    pub(crate) fn keep_struct_order(&mut self, order: &[String]) -> Vec<usize> {
        let count = self.structs.len();
        if order.is_empty() {
            return (0..count).collect();
        }
        let rank = |name: &str| order.iter().position(|o| o == name).unwrap_or(order.len());
        let mut placed: Vec<usize> = (0..count).collect();
        placed.sort_by_key(|&i| rank(&self.structs[i].name.name));
        let mut slots = vec![0; count];
        for (index, &declared) in placed.iter().enumerate() {
            slots[declared] = index;
        }
        let mut structs: Vec<Option<super::StructInfo>> = std::mem::take(&mut self.structs)
            .into_iter()
            .map(Some)
            .collect();
        self.structs = placed.iter().filter_map(|&i| structs[i].take()).collect();
        for (what, _) in self.top.values_mut() {
            if let TopLevel::Struct(index) = what {
                *index = slots.get(*index).copied().unwrap_or(*index);
            }
        }
        slots
    }
}

/// The globals of earlier inputs that the prompt's own scope sees: those it defined itself
/// (an imported file's globals are internally qualified, `geo.count`, and stay private to
/// that file).
pub(crate) fn prompt_globals(globals: &[(String, crate::types::Type)]) -> Vec<String> {
    globals
        .iter()
        .filter(|(name, _)| !name.contains('.'))
        .map(|(name, _)| name.clone())
        .collect()
}
