//! Identifier text in the syntax tree and the checker's tables: [`Name`], a shared,
//! immutable string. While a source file is parsed (inside [`interning`]), every occurrence
//! of one identifier shares one allocation, so a name written a thousand times is stored
//! once and each occurrence costs a pointer and a length; cloning a `Name` never copies
//! its text.

use std::borrow::Borrow;
use std::cell::RefCell;
use std::collections::HashSet;
use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

/// The text of an identifier, shared between its occurrences.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Name(Arc<str>);

thread_local! {
    /// The names seen by the parse running on this thread, when one is inside [`interning`].
    static TABLE: RefCell<Option<HashSet<Arc<str>>>> = const { RefCell::new(None) };
}

/// Runs `f` with identifier interning on for this thread: [`Name::intern`] then returns
/// one shared allocation per distinct text. The table is dropped when the outermost call
/// returns, so nothing outlives the parse.
pub(crate) fn interning<R>(f: impl FnOnce() -> R) -> R {
    let outermost = TABLE.with(|t| {
        let mut t = t.borrow_mut();
        let outermost = t.is_none();
        if outermost {
            *t = Some(HashSet::new());
        }
        outermost
    });
    /// Drops the table when the outermost call ends, even by unwinding.
    struct Reset(bool);
    impl Drop for Reset {
        fn drop(&mut self) {
            if self.0 {
                TABLE.with(|t| t.borrow_mut().take());
            }
        }
    }
    let _reset = Reset(outermost);
    f()
}

impl Name {
    /// The name of `text`, sharing the allocation of an equal name met earlier in the same
    /// [`interning`] call.
    pub fn intern(text: &str) -> Name {
        TABLE.with(|t| match t.borrow_mut().as_mut() {
            Some(table) => match table.get(text) {
                Some(shared) => Name(shared.clone()),
                None => {
                    let shared: Arc<str> = Arc::from(text);
                    table.insert(shared.clone());
                    Name(shared)
                }
            },
            None => Name(Arc::from(text)),
        })
    }

    /// The text of the name.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A copy of the text of the name, owned.
    pub fn boxed(&self) -> Box<str> {
        Box::from(&*self.0)
    }
}

impl Default for Name {
    fn default() -> Name {
        Name(Arc::from(""))
    }
}

impl Deref for Name {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Name {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for Name {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&*self.0, f)
    }
}

impl fmt::Debug for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl From<&str> for Name {
    fn from(text: &str) -> Name {
        Name(Arc::from(text))
    }
}

impl From<String> for Name {
    fn from(text: String) -> Name {
        Name(Arc::from(text))
    }
}

impl From<&String> for Name {
    fn from(text: &String) -> Name {
        Name(Arc::from(text.as_str()))
    }
}

impl From<Name> for String {
    fn from(name: Name) -> String {
        name.0.to_string()
    }
}

impl PartialEq<str> for Name {
    fn eq(&self, other: &str) -> bool {
        &*self.0 == other
    }
}

impl PartialEq<&str> for Name {
    fn eq(&self, other: &&str) -> bool {
        &*self.0 == *other
    }
}

impl PartialEq<String> for Name {
    fn eq(&self, other: &String) -> bool {
        *self.0 == **other
    }
}

impl PartialEq<Name> for str {
    fn eq(&self, other: &Name) -> bool {
        self == &*other.0
    }
}

impl PartialEq<Name> for &str {
    fn eq(&self, other: &Name) -> bool {
        *self == &*other.0
    }
}

impl PartialEq<Name> for String {
    fn eq(&self, other: &Name) -> bool {
        **self == *other.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_share_their_text_only_while_interning() {
        let (a, b) = interning(|| (Name::intern("speed"), Name::intern("speed")));
        assert!(Arc::ptr_eq(&a.0, &b.0));
        assert_eq!(a, "speed");
        let (c, d) = (Name::intern("speed"), Name::intern("speed"));
        assert!(!Arc::ptr_eq(&c.0, &d.0));
        assert_eq!(c, d);
        TABLE.with(|t| assert!(t.borrow().is_none()));
    }

    #[test]
    fn nested_interning_keeps_the_outer_table() {
        interning(|| {
            let a = Name::intern("x");
            let b = interning(|| Name::intern("x"));
            assert!(Arc::ptr_eq(&a.0, &b.0));
            let c = Name::intern("x");
            assert!(Arc::ptr_eq(&a.0, &c.0));
        });
    }
}
