//! The enum table of a program: its `.pbc` encoding, its decoder limits and the checks the
//! verifier runs on it.
//!
//! The section holds a `u32` count of enums; each enum is its name (a length-prefixed
//! string), a `u32` count of variants, and for each variant its name and a `u32` payload
//! struct index (`0xFFFF_FFFF` for a variant without payload).

use crate::pbc::{Reader, Writer};
use crate::{EnumDecl, LoadError, LoadErrorKind, Program, VariantDecl};

/// The most enums a program may declare (`PushEnum` names one with a `u16`).
pub const MAX_ENUMS: usize = 1 << 16;

/// The most variants an enum may have (`PushEnum` names one with a `u16`).
pub const MAX_VARIANTS: usize = 1 << 16;

/// The payload index that stands for "no payload".
const NO_PAYLOAD: u32 = u32::MAX;

/// Writes the enum table.
pub(crate) fn encode(w: &mut Writer, enums: &[EnumDecl]) {
    w.u32(enums.len() as u32);
    for e in enums {
        w.bytes(e.name.as_bytes());
        w.u32(e.variants.len() as u32);
        for v in &e.variants {
            w.bytes(v.name.as_bytes());
            w.u32(v.payload.unwrap_or(NO_PAYLOAD));
        }
    }
}

/// Reads the enum table, refusing more enums or variants than the operands can name.
pub(crate) fn decode(r: &mut Reader<'_>) -> Result<Vec<EnumDecl>, LoadError> {
    let at = r.pos;
    let n = r.count(8)?;
    if n > MAX_ENUMS {
        return Err(too_many(at, format!("{n} enums (at most {MAX_ENUMS})")));
    }
    let mut out = Vec::new();
    for _ in 0..n {
        let name = r.string()?;
        let at = r.pos;
        let count = r.count(8)?;
        if count > MAX_VARIANTS {
            return Err(too_many(
                at,
                format!("enum `{name}` has {count} variants (at most {MAX_VARIANTS})"),
            ));
        }
        let mut variants = Vec::new();
        for _ in 0..count {
            let name = r.string()?;
            let payload = r.u32()?;
            variants.push(VariantDecl {
                name,
                payload: (payload != NO_PAYLOAD).then_some(payload),
            });
        }
        out.push(EnumDecl { name, variants });
    }
    Ok(out)
}

fn too_many(at: usize, why: String) -> LoadError {
    LoadError::new(at, LoadErrorKind::BadEnum(why))
}

/// Checks the enum table against the program's structs and returns, for each struct type,
/// the variant index its instances stand for (`None` for a plain struct). Each payload
/// struct belongs to exactly one variant and has at least one field; every enum has at
/// least one variant.
pub(crate) fn struct_tags(program: &Program) -> Result<Vec<Option<u16>>, LoadError> {
    if program.enums.len() > MAX_ENUMS {
        return Err(too_many(0, format!("{} enums", program.enums.len())));
    }
    let mut tags: Vec<Option<u16>> = vec![None; program.structs.len()];
    for e in &program.enums {
        if e.variants.is_empty() || e.variants.len() > MAX_VARIANTS {
            return Err(too_many(
                0,
                format!("enum `{}` has {} variants", e.name, e.variants.len()),
            ));
        }
        for (index, v) in e.variants.iter().enumerate() {
            let Some(payload) = v.payload else { continue };
            let bad = |why: &str| {
                LoadError::new(
                    0,
                    LoadErrorKind::BadEnum(format!("variant `{}.{}` {why}", e.name, v.name)),
                )
            };
            let Some(tag) = tags.get_mut(payload as usize) else {
                return Err(bad(&format!(
                    "names payload struct {payload}, which does not exist"
                )));
            };
            if tag.is_some() {
                return Err(bad(&format!(
                    "shares payload struct {payload} with another variant"
                )));
            }
            if program.structs[payload as usize].fields.is_empty() {
                return Err(bad("has a payload struct without fields"));
            }
            *tag = Some(index as u16);
        }
    }
    Ok(tags)
}
