//! Global access sites: each `GetGlobal`/`SetGlobal` names its global by a site index whose
//! cache holds the slot, valid while the globals' version is unchanged (the REPL's late
//! binding: a later input may define a global an earlier function already names).

use crate::globals::SiteCache;
use crate::TrapKind;

/// Resolves a global access site through its version-checked cache.
#[inline(always)]
pub(super) fn resolve(
    sites: &mut [SiteCache],
    globals: &crate::globals::Globals,
    program: &prometeu_bytecode::VerifiedProgram,
    names: &[u32],
    site: u32,
) -> Result<usize, TrapKind> {
    let cache = sites[site as usize];
    if cache.version == globals.version {
        return Ok(cache.slot as usize);
    }
    resolve_miss(sites, globals, program, names, site)
}

/// Looks a global access site's name up and refills its cache: the first access after a
/// global was defined, kept out of line so the cached path stays small.
#[cold]
#[inline(never)]
fn resolve_miss(
    sites: &mut [SiteCache],
    globals: &crate::globals::Globals,
    program: &prometeu_bytecode::VerifiedProgram,
    names: &[u32],
    site: u32,
) -> Result<usize, TrapKind> {
    let name = program.program().string(names[site as usize]);
    let slot = globals
        .slot(name)
        .ok_or_else(|| TrapKind::UndefinedGlobal(name.to_string()))?;
    sites[site as usize] = SiteCache {
        version: globals.version,
        slot,
    };
    Ok(slot as usize)
}
