//! Watching a cart's folder for `prometeuc watch`: changes are debounced (an editor's save
//! is often several writes, renames and deletions) and reported to the window's event loop.

use notify::{EventKind, RecursiveMode};
use notify_debouncer_full::{new_debouncer, DebounceEventResult, Debouncer, RecommendedCache};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How long the folder must be quiet before a change is reported.
pub const DEBOUNCE: Duration = Duration::from_millis(200);

/// Whether a changed path is one the cart is made of: a `.pbs` source, a `.pbc` program, a
/// `manifest.json`, or anything in an `assets` folder; never an editor's swap, backup or
/// temporary file, nor a hidden file.
pub fn relevant(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    let scratch = name.starts_with('.')
        || name.starts_with('#')
        || name.ends_with('~')
        || name == "4913"
        || [".swp", ".swx", ".swo", ".tmp", ".bak"]
            .iter()
            .any(|s| name.ends_with(s));
    if scratch {
        return false;
    }
    let in_assets = path.components().any(|c| c.as_os_str() == "assets");
    in_assets
        || name == "manifest.json"
        || path.extension().is_some_and(|e| e == "pbs" || e == "pbc")
}

/// A running watch; dropping it stops watching.
pub struct Watch {
    _debouncer: Debouncer<notify::RecommendedWatcher, RecommendedCache>,
}

/// Watches `dir` (and below) and calls `changed` with the relevant paths of every debounced
/// batch of changes.
pub fn watch(
    dir: &Path,
    mut changed: impl FnMut(Vec<PathBuf>) + Send + 'static,
) -> Result<Watch, String> {
    let mut debouncer = new_debouncer(DEBOUNCE, None, move |result: DebounceEventResult| {
        let Ok(events) = result else { return };
        let mut paths: Vec<PathBuf> = events
            .iter()
            .filter(|e| {
                matches!(
                    e.kind,
                    EventKind::Create(_) | EventKind::Modify(_) | EventKind::Remove(_)
                )
            })
            .flat_map(|e| e.paths.iter().cloned())
            .filter(|p| relevant(p))
            .collect();
        paths.sort();
        paths.dedup();
        if !paths.is_empty() {
            changed(paths);
        }
    })
    .map_err(|e| format!("cannot watch `{}`: {e}", dir.display()))?;
    debouncer
        .watch(dir, RecursiveMode::Recursive)
        .map_err(|e| format!("cannot watch `{}`: {e}", dir.display()))?;
    Ok(Watch {
        _debouncer: debouncer,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editor_scratch_files_do_not_reload() {
        for name in [
            "game.pbs",
            "game.pbc",
            "manifest.json",
            "assets/sprites.png",
        ] {
            assert!(relevant(Path::new(name)), "{name}");
        }
        for name in [
            ".game.pbs.swp",
            "game.pbs~",
            "4913",
            "#game.pbs#",
            "shot.png",
            "run.log",
            "game.pbs.tmp",
        ] {
            assert!(!relevant(Path::new(name)), "{name}");
        }
    }
}
