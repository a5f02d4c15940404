//! Calls through a contract (`CallContract`): each call site has an inline cache keyed by
//! the receiver's struct type.
//!
//! A hit costs one comparison; a miss looks the method up in the struct's dispatch table,
//! built when the program was verified, and refills the cache. Hits and misses cost the
//! same cycles, those of the canonical instruction, so cycle counts never depend on the
//! cache.

use crate::{Heap, Object, TrapKind, Value};
use prometeu_bytecode::contracts::{Dispatch, NO_METHOD};

/// One call site's cache: the struct type it last saw and the function that type runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct InlineCache {
    ty: u32,
    function: u32,
}

impl InlineCache {
    /// A cache that has seen no receiver (no struct type is `u32::MAX`: the verifier's
    /// struct indices are below the table's length).
    pub(crate) const EMPTY: InlineCache = InlineCache {
        ty: u32::MAX,
        function: 0,
    };
}

/// The function a contract call of method slot `slot` runs for `receiver`, through the
/// site's cache.
#[inline(always)]
pub(super) fn resolve(
    cache: &mut InlineCache,
    dispatch: &Dispatch,
    heap: &Heap,
    receiver: Value,
    slot: u32,
) -> Result<u32, TrapKind> {
    let ty = match receiver {
        Value::Obj(r) => match heap.get(r) {
            Some(Object::Struct { ty, .. }) => *ty,
            _ => return Err(TrapKind::InvalidProgram("contract call on a non-struct")),
        },
        _ => return Err(TrapKind::InvalidProgram("contract call on a non-struct")),
    };
    if cache.ty == ty {
        return Ok(cache.function);
    }
    miss(cache, dispatch, ty, slot)
}

/// Looks the method up in the struct's table and refills the cache.
#[cold]
#[inline(never)]
fn miss(cache: &mut InlineCache, dispatch: &Dispatch, ty: u32, slot: u32) -> Result<u32, TrapKind> {
    let function = dispatch.lookup(ty, slot);
    if function == NO_METHOD {
        return Err(TrapKind::InvalidProgram(
            "contract call on a struct that does not implement the contract",
        ));
    }
    *cache = InlineCache { ty, function };
    Ok(function)
}
