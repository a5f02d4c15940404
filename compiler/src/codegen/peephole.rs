//! The canonical clean-up of one function's code, run once its code is complete.
//!
//! Code generation emits simple patterns that this pass tidies, so that the instructions a
//! program executes (and so its cycle counts) do not depend on those patterns:
//!
//! - a jump to an unconditional `Jump` goes straight to that jump's target (jump threading);
//! - a `Jump` to a `Return`/`ReturnLocal` becomes that return;
//! - instructions no path reaches are removed (code after `return`, `break` or `continue`,
//!   the implicit `PushUnit; Return` tail of a function that returns on every path);
//! - a `Jump` to the next instruction is removed, and a `JumpIfFalse`/`JumpIfTrue` to the
//!   next instruction becomes a `Pop`.
//!
//! The rules repeat until none applies. Jump targets and span runs are rewritten to the new
//! offsets; the stack depths only ever shrink, so `max_stack` stays a valid bound.

use prometeu_bytecode::op::{falls_through, jump_target, with_jump_target};
use prometeu_bytecode::{Instr, SpanRun};

/// One instruction while cleaning: its jump target is an instruction index.
#[derive(Clone, Copy)]
struct Item {
    instr: Instr,
    /// The index of the span run this instruction belongs to, if any.
    run: Option<usize>,
}

/// Puts encoded code into canonical form and rewrites its span runs to match. Code that
/// does not decode, or whose jumps do not land on instructions, is returned unchanged (the
/// verifier reports it).
pub(crate) fn clean(code: Vec<u8>, spans: Vec<SpanRun>) -> (Vec<u8>, Vec<SpanRun>) {
    match decode(&code, &spans) {
        Some(items) => {
            let items = simplify(items);
            encode(&items, &spans)
        }
        None => (code, spans),
    }
}

/// Decodes the code into items whose jump targets are instruction indices.
fn decode(code: &[u8], spans: &[SpanRun]) -> Option<Vec<Item>> {
    let mut items = Vec::new();
    let mut offsets = Vec::new();
    let mut at = 0usize;
    let mut run = 0usize;
    while at < code.len() {
        let (instr, size) = Instr::decode(&code[at..]).ok()?;
        while run + 1 < spans.len() && spans[run + 1].pc as usize <= at {
            run += 1;
        }
        let covered = spans.get(run).filter(|r| r.pc as usize <= at).map(|_| run);
        offsets.push(at as u32);
        items.push(Item {
            instr,
            run: covered,
        });
        at += size;
    }
    for item in &mut items {
        if let Some(t) = jump_target(&item.instr) {
            let index = offsets.binary_search(&t).ok()?;
            item.instr = with_jump_target(item.instr, index as u32);
        }
    }
    Some(items)
}

/// Applies the rules until none changes anything.
fn simplify(mut items: Vec<Item>) -> Vec<Item> {
    // Every round removes an instruction or retargets a jump closer to its end, so the
    // rounds are bounded; the cap is a guard, not a limit reached in practice.
    for _ in 0..items.len() + 2 {
        let mut changed = thread_jumps(&mut items);
        let keep = reachable(&items);
        let mut removed = keep.iter().any(|k| !k);
        let mut keep = keep;
        // A jump to the next kept instruction does nothing.
        for i in 0..items.len() {
            if !keep[i] {
                continue;
            }
            let Some(t) = jump_target(&items[i].instr) else {
                continue;
            };
            let next = (i + 1..items.len()).find(|&k| keep[k]);
            if next != Some(t as usize) {
                continue;
            }
            match items[i].instr {
                Instr::Jump(_) => {
                    keep[i] = false;
                    removed = true;
                }
                Instr::JumpIfFalse(_) | Instr::JumpIfTrue(_) => {
                    items[i].instr = Instr::Pop();
                    changed = true;
                }
                _ => {}
            }
        }
        if removed {
            items = compact(items, &keep);
            changed = true;
        }
        if !changed {
            break;
        }
    }
    items
}

/// Points jumps at the end of chains of unconditional jumps, and turns a `Jump` to a
/// return into that return. Returns whether anything changed.
fn thread_jumps(items: &mut [Item]) -> bool {
    let mut changed = false;
    for i in 0..items.len() {
        let Some(first) = jump_target(&items[i].instr) else {
            continue;
        };
        let mut t = first as usize;
        let mut steps = 0;
        while let Some(Item {
            instr: Instr::Jump(next),
            ..
        }) = items.get(t)
        {
            if *next as usize == t || steps > items.len() {
                break;
            }
            t = *next as usize;
            steps += 1;
        }
        if t != first as usize {
            items[i].instr = with_jump_target(items[i].instr, t as u32);
            changed = true;
        }
        if let (Instr::Jump(_), Some(ret)) = (items[i].instr, items.get(t)) {
            if matches!(ret.instr, Instr::Return() | Instr::ReturnLocal(_)) {
                items[i].instr = ret.instr;
                changed = true;
            }
        }
    }
    changed
}

/// Which instructions some path from the entry reaches.
fn reachable(items: &[Item]) -> Vec<bool> {
    let mut seen = vec![false; items.len()];
    let mut work = vec![0usize];
    while let Some(i) = work.pop() {
        if i >= items.len() || seen[i] {
            continue;
        }
        seen[i] = true;
        if let Some(t) = jump_target(&items[i].instr) {
            work.push(t as usize);
        }
        if falls_through(&items[i].instr) {
            work.push(i + 1);
        }
    }
    seen
}

/// Drops the instructions not kept and renumbers the jump targets: a target that was
/// dropped moves to the next kept instruction (control reached it only by falling through
/// dropped code that did nothing, or not at all).
fn compact(items: Vec<Item>, keep: &[bool]) -> Vec<Item> {
    // The number of kept instructions before each position: a kept instruction's new
    // index, and for a dropped one the new index of the next kept instruction.
    let mut new_index = Vec::with_capacity(items.len() + 1);
    let mut count = 0u32;
    for &k in keep {
        new_index.push(count);
        count += u32::from(k);
    }
    new_index.push(count);
    items
        .into_iter()
        .zip(keep)
        .filter(|(_, &k)| k)
        .map(|(mut item, _)| {
            if let Some(t) = jump_target(&item.instr) {
                let to = new_index[(t as usize).min(new_index.len() - 1)];
                item.instr = with_jump_target(item.instr, to);
            }
            item
        })
        .collect()
}

/// Encodes the items back into bytes, with byte-offset jump targets and span runs.
fn encode(items: &[Item], spans: &[SpanRun]) -> (Vec<u8>, Vec<SpanRun>) {
    let mut offsets = Vec::with_capacity(items.len() + 1);
    let mut at = 0u32;
    for item in items {
        offsets.push(at);
        at += item.instr.opcode().size() as u32;
    }
    offsets.push(at);
    let mut code = Vec::with_capacity(at as usize);
    let mut runs: Vec<SpanRun> = Vec::new();
    let mut last_run = None;
    for (i, item) in items.iter().enumerate() {
        if item.run != last_run {
            if let Some(r) = item.run.and_then(|r| spans.get(r)) {
                runs.push(SpanRun {
                    pc: offsets[i],
                    ..*r
                });
            }
            last_run = item.run;
        }
        let instr = match jump_target(&item.instr) {
            Some(t) => with_jump_target(item.instr, offsets[t as usize]),
            None => item.instr,
        };
        instr.encode(&mut code);
    }
    (code, runs)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bytes(instrs: &[Instr]) -> Vec<u8> {
        let mut out = Vec::new();
        for i in instrs {
            i.encode(&mut out);
        }
        out
    }

    fn instrs(code: &[u8]) -> Vec<Instr> {
        let mut out = Vec::new();
        let mut at = 0;
        while at < code.len() {
            let (i, size) = Instr::decode(&code[at..]).unwrap();
            out.push(i);
            at += size;
        }
        out
    }

    fn run(span: u32, pc: u32) -> SpanRun {
        SpanRun {
            pc,
            start: span,
            end: span + 1,
        }
    }

    #[test]
    fn a_jump_to_the_next_instruction_is_removed() {
        // 0: PushInt 1 (5 bytes), 5: Jump 10, 10: Return
        let code = bytes(&[Instr::PushInt(1), Instr::Jump(10), Instr::Return()]);
        let (code, _) = clean(code, vec![]);
        assert_eq!(instrs(&code), [Instr::PushInt(1), Instr::Return()]);
    }

    #[test]
    fn jumps_to_jumps_are_threaded_and_a_jump_to_a_return_returns() {
        // 0: PushTrue, 1: JumpIfFalse 11, 6: PushInt 1, 11: Jump 16, 16: Jump 6 ...
        let code = bytes(&[
            Instr::PushTrue(),      // 0
            Instr::JumpIfFalse(11), // 1
            Instr::PushInt(1),      // 6
            Instr::Jump(16),        // 11 (reached from 1)
            Instr::Jump(22),        // 16
            Instr::Nop(),           // 21 (unreachable)
            Instr::ReturnLocal(0),  // 22
        ]);
        let (code, _) = clean(code, vec![]);
        assert_eq!(
            instrs(&code),
            [
                Instr::PushTrue(),
                Instr::JumpIfFalse(14),
                Instr::PushInt(1),
                Instr::ReturnLocal(0),
                Instr::ReturnLocal(0),
            ]
        );
    }

    #[test]
    fn unreachable_tails_are_removed_and_spans_follow() {
        let code = bytes(&[
            Instr::LoadLocal0(), // 0
            Instr::Return(),     // 1
            Instr::PushUnit(),   // 2
            Instr::Return(),     // 3
        ]);
        let spans = vec![run(10, 0), run(20, 1), run(30, 2)];
        let (code, spans) = clean(code, spans);
        assert_eq!(instrs(&code), [Instr::LoadLocal0(), Instr::Return()]);
        assert_eq!(spans, [run(10, 0), run(20, 1)]);
    }

    #[test]
    fn a_branch_to_the_next_instruction_only_pops() {
        let code = bytes(&[Instr::PushTrue(), Instr::JumpIfTrue(6), Instr::Return()]);
        let (code, _) = clean(code, vec![]);
        assert_eq!(
            instrs(&code),
            [Instr::PushTrue(), Instr::Pop(), Instr::Return()]
        );
    }
}
