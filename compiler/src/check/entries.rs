//! The cartridge entry points `[Init]` and `[Frame]`: how many, their signatures, and `main`
//! beside them.

use super::{describe, CheckError, Checked, Checker, TopLevel};
use crate::types::Type;
use prometeu_lexer::Span;

/// The functions marked `[Init]` and `[Frame]`, with the attributes' spans.
#[derive(Default)]
pub(crate) struct CartEntries {
    /// The `[Init]` functions and their attributes' spans.
    pub(crate) init: Vec<(u32, Span)>,
    /// The `[Frame]` functions and their attributes' spans.
    pub(crate) frame: Vec<(u32, Span)>,
}

impl Checker<'_> {
    /// Checks the cartridge entry points: at most one `[Init]`, exactly one `[Frame]` (when
    /// either is present), no parameters, `void` results, and no `main` beside them.
    pub(super) fn cart_entries(&mut self, entries: &CartEntries, out: &mut Checked) {
        for (what, list) in [("Init", &entries.init), ("Frame", &entries.frame)] {
            if let Some(&(first_fn, first)) = list.first() {
                for &(_, again) in &list[1..] {
                    self.report(
                        CheckError::new(
                            "E0509",
                            format!("more than one `[{what}]` function"),
                            again,
                            "another one here",
                        )
                        .with_label(first, "the first one"),
                    );
                }
                let sig = self.fns[first_fn as usize].clone();
                if !sig.params.is_empty() || sig.ret != Type::Void {
                    self.report(
                        CheckError::new(
                            "E0510",
                            format!("the `[{what}]` function must take no parameters and return nothing"),
                            sig.name.span,
                            format!("`{}` is `{}`", sig.name.name, describe(&sig)),
                        )
                        .with_help(format!("declare it as `[{what}] fn {}() {{ ... }}`", sig.name.name)),
                    );
                }
            }
        }
        out.init = entries.init.first().map(|e| e.0);
        out.frame = entries.frame.first().map(|e| e.0);
        if let (Some(&(_, init)), None) = (entries.init.first(), entries.frame.first()) {
            self.report(
                CheckError::new(
                    "E0511",
                    "a cartridge needs a `[Frame]` function",
                    init,
                    "`[Init]` without `[Frame]`",
                )
                .with_help("add `[Frame] fn frame() { ... }`, which runs once per frame"),
            );
        }
        if let (Some(&(_, frame)), Some((TopLevel::Fn(_), main))) =
            (entries.frame.first(), self.lookup("main"))
        {
            self.report(
                CheckError::new(
                    "E0512",
                    "a file cannot be both a script (`fn main`) and a cartridge (`[Frame]`)",
                    main,
                    "`main` makes this a script",
                )
                .with_label(frame, "`[Frame]` makes this a cartridge")
                .with_help("remove `main`, or the `[Init]`/`[Frame]` attributes"),
            );
        }
    }
}
