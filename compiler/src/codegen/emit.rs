//! The instruction emitter of one function: encodes instructions, records the `pc → span`
//! runs, tracks the stack depth for `max_stack`, and patches jumps.

use prometeu_bytecode::limits::MAX_STACK;
use prometeu_bytecode::{Function, Instr, SpanRun, StackEffect};
use prometeu_lexer::Span;

/// A jump whose target is not known yet: the byte offset of its target operand.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Patch(usize);

/// Emits the code of one function.
pub(crate) struct Emitter {
    code: Vec<u8>,
    spans: Vec<SpanRun>,
    depth: u32,
    max: u32,
    /// The first instruction that took the depth past [`MAX_STACK`].
    too_deep: Option<Span>,
}

impl Emitter {
    pub(crate) fn new() -> Emitter {
        Emitter {
            code: Vec::new(),
            spans: Vec::new(),
            depth: 0,
            max: 0,
            too_deep: None,
        }
    }

    /// The byte offset the next instruction will have.
    pub(crate) fn here(&self) -> u32 {
        self.code.len() as u32
    }

    /// The current stack depth.
    pub(crate) fn depth(&self) -> u32 {
        self.depth
    }

    /// Resets the tracked depth at a join point reached from elsewhere.
    pub(crate) fn set_depth(&mut self, depth: u32) {
        self.depth = depth;
    }

    /// Emits one instruction at a source span; `call_params` is the pop count of a dynamic-effect instruction.
    pub(crate) fn emit_call(&mut self, instr: Instr, span: Span, call_params: u32) {
        let pc = self.here();
        if self
            .spans
            .last()
            .is_none_or(|r| (r.start, r.end) != (span.start, span.end))
        {
            self.spans.push(SpanRun {
                pc,
                start: span.start,
                end: span.end,
            });
        }
        instr.encode(&mut self.code);
        let (pop, push) = match instr.opcode().stack_effect() {
            StackEffect::Fixed { pop, push } => (pop as u32, push as u32),
            StackEffect::Dynamic => (
                call_params,
                u32::from(!matches!(instr, Instr::CallHostDrop(_))),
            ),
        };
        self.depth = self.depth.saturating_sub(pop).saturating_add(push);
        self.max = self.max.max(self.depth);
        if self.depth > MAX_STACK && self.too_deep.is_none() {
            self.too_deep = Some(span);
        }
    }

    /// Where the stack first got deeper than the format allows, if it did.
    pub(crate) fn too_deep(&self) -> Option<Span> {
        self.too_deep
    }

    /// The size of the code so far, in bytes.
    pub(crate) fn code_len(&self) -> usize {
        self.code.len()
    }

    /// Emits one instruction with a fixed stack effect.
    pub(crate) fn emit(&mut self, instr: Instr, span: Span) {
        self.emit_call(instr, span, 0);
    }

    /// Emits a jump-like instruction with a placeholder target and returns its patch.
    pub(crate) fn emit_jump(&mut self, instr: Instr, span: Span) -> Patch {
        self.emit(instr, span);
        Patch(self.code.len() - 4)
    }

    /// Points a pending jump at `target`.
    pub(crate) fn patch(&mut self, patch: Patch, target: u32) {
        self.code[patch.0..patch.0 + 4].copy_from_slice(&target.to_le_bytes());
    }

    /// Finishes the function, putting its code into canonical form (see [`super::peephole`]).
    pub(crate) fn finish(self, name: String, params: u16, locals: u16) -> Function {
        let (code, spans) = super::peephole::clean(self.code, self.spans);
        Function {
            name,
            params,
            locals,
            max_stack: self.max.min(u16::MAX as u32) as u16,
            code,
            spans,
            file: 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use prometeu_lexer::SourceId;

    #[test]
    fn a_stack_deeper_than_the_format_allows_is_found_where_it_overflows() {
        let mut e = Emitter::new();
        for _ in 0..MAX_STACK {
            e.emit(Instr::PushInt(0), Span::default());
        }
        assert_eq!(e.too_deep(), None);
        let last = Span::new(SourceId(0), 5, 6);
        e.emit(Instr::PushInt(0), last);
        e.emit(Instr::PushInt(0), Span::default());
        assert_eq!(e.too_deep(), Some(last));
    }
}
