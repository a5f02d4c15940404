//! Parsers of the numeric options of `prometeuc run`, with the largest value each accepts.
//!
//! A value that is not a non-negative whole number, or is above the option's maximum, is a
//! usage error (status 2) with a message saying what is expected; none can make the VM
//! compute sizes it cannot represent.

/// The most nested calls `--call-depth` allows: 2^20.
pub(crate) const MAX_CALL_DEPTH: u64 = 1 << 20;
/// The longest string `--max-string` allows: 2^31 bytes.
pub(crate) const MAX_STRING: u64 = 1 << 31;
/// The most array elements `--max-array` allows: the VM's own maximum, 2^32 − 1 (an array's
/// length is stored in 32 bits).
pub(crate) const MAX_ARRAY: u64 = prometeu_vm::Limits::MAX_ARRAY as u64;
/// The most heap bytes `--heap-bytes` allows: 2^40 (1 TiB).
pub(crate) const MAX_HEAP_BYTES: u64 = 1 << 40;

/// Parses a non-negative whole number.
pub(crate) fn count(text: &str) -> Result<u64, String> {
    if let Some(rest) = text.strip_prefix('-') {
        if !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!(
                "`{text}` is negative; the value must be a non-negative count"
            ));
        }
    }
    text.parse::<u64>().map_err(|e| match e.kind() {
        std::num::IntErrorKind::PosOverflow => {
            format!("`{text}` is too large; the largest count is {}", u64::MAX)
        }
        _ => format!("`{text}` is not a count; write a non-negative whole number such as 100"),
    })
}

/// Parses a count no larger than `max`, naming the maximum when it is exceeded.
fn at_most(text: &str, max: u64, what: &str) -> Result<usize, String> {
    let n = count(text)?;
    if n > max {
        return Err(format!("at most {max} {what} are allowed, not {n}"));
    }
    usize::try_from(n).map_err(|_| format!("{n} {what} do not fit in this machine's memory"))
}

/// Parses `--call-depth`.
pub(crate) fn call_depth(text: &str) -> Result<usize, String> {
    at_most(text, MAX_CALL_DEPTH, "nested calls")
}

/// Parses `--stack-slots`: a count no larger than the VM's fixed stack capacity.
pub(crate) fn stack_slots(text: &str) -> Result<usize, String> {
    let n = count(text)?;
    if n > prometeu_vm::STACK_CAPACITY as u64 {
        return Err(format!(
            "at most {} slots are available",
            prometeu_vm::STACK_CAPACITY
        ));
    }
    Ok(n as usize)
}

/// Parses `--max-string`.
pub(crate) fn max_string(text: &str) -> Result<usize, String> {
    at_most(text, MAX_STRING, "bytes per string")
}

/// Parses `--max-array`.
pub(crate) fn max_array(text: &str) -> Result<usize, String> {
    at_most(text, MAX_ARRAY, "elements per array")
}

/// Parses `--heap-bytes`.
pub(crate) fn heap_bytes(text: &str) -> Result<usize, String> {
    at_most(text, MAX_HEAP_BYTES, "heap bytes")
}

/// Parses `--seed`: any 64-bit integer.
pub(crate) fn seed(text: &str) -> Result<i64, String> {
    text.parse::<i64>().map_err(|_| {
        format!(
            "`{text}` is not a seed; write a whole number from {} to {}",
            i64::MIN,
            i64::MAX
        )
    })
}
