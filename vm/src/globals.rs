//! The global table and the cache entries of its access sites (the lookup itself is in `exec/global.rs`).
//!
//! Each global access site of a program names a global. The first time a site runs, it
//! resolves the name to a slot and caches the slot together with the table's version; later
//! runs reuse the slot while the version is unchanged. Defining a global bumps the version,
//! so every site re-resolves once after a change (such as a REPL redefinition).

use crate::Packed;
use std::collections::HashMap;

/// The table of global variables.
#[derive(Debug, Default)]
pub struct Globals {
    /// The values, by slot, packed like stack slots so that reading and writing a global
    /// copies two words.
    pub(crate) values: Vec<Packed>,
    by_name: HashMap<String, u32>,
    /// Bumped whenever the name → slot mapping changes.
    pub(crate) version: u32,
}

impl Globals {
    /// Defines a global (or finds the existing one of that name) and returns its slot.
    pub fn define(&mut self, name: &str) -> u32 {
        if let Some(&slot) = self.by_name.get(name) {
            return slot;
        }
        let slot = self.values.len() as u32;
        self.values.push(Packed::UNIT);
        self.by_name.insert(name.to_string(), slot);
        self.version = self.version.wrapping_add(1);
        slot
    }

    /// The slot of a global, if defined.
    pub fn slot(&self, name: &str) -> Option<u32> {
        self.by_name.get(name).copied()
    }
}

/// One access site's cache: the slot it resolved to and the version it was resolved at.
#[derive(Clone, Copy, Debug)]
pub(crate) struct SiteCache {
    pub(crate) version: u32,
    pub(crate) slot: u32,
}

impl SiteCache {
    /// A cache entry that never matches, so the first access resolves.
    pub(crate) const EMPTY: SiteCache = SiteCache {
        version: u32::MAX,
        slot: 0,
    };
}
