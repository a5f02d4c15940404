//! The files a program imports, read from disk for the compiler (which opens no file).
//!
//! Import paths arrive normalized and relative to the entry file's directory. The file is
//! found by canonical path, so one file reached by two paths (`./a.pbs`, `lib/../a.pbs`, a
//! symbolic link) is one module; it must lie inside the entry file's directory (after
//! following links), and it is read through the capped reader like every other source.

use crate::files;
use prometeu::compiler::{SourceFile, SourceProvider};
use std::cell::RefCell;
use std::path::{Path, PathBuf};

/// Reads imported files relative to the entry file's directory, remembering each one read.
pub(crate) struct DiskSources {
    /// The entry file's directory as given (for display names).
    shown: PathBuf,
    /// The canonical form of that directory.
    root: PathBuf,
    /// The canonical paths of the files read, in order.
    read: RefCell<Vec<PathBuf>>,
}

impl DiskSources {
    /// A reader for the imports of the entry file at `entry`.
    pub(crate) fn new(entry: &Path) -> DiskSources {
        let shown = entry.parent().map(Path::to_path_buf).unwrap_or_default();
        let dir = if shown.as_os_str().is_empty() {
            Path::new(".")
        } else {
            shown.as_path()
        };
        let root = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
        DiskSources {
            shown,
            root,
            read: RefCell::new(Vec::new()),
        }
    }

    /// The key of the entry file itself (its canonical path), so importing it is a cycle.
    pub(crate) fn key_of(path: &Path) -> String {
        std::fs::canonicalize(path)
            .unwrap_or_else(|_| path.to_path_buf())
            .display()
            .to_string()
    }

    /// The canonical paths of the imported files read so far.
    pub(crate) fn files(&self) -> Vec<PathBuf> {
        self.read.borrow().clone()
    }
}

impl SourceProvider for DiskSources {
    fn load(&self, path: &str) -> Result<SourceFile, String> {
        let joined = self.root.join(path);
        let canonical = std::fs::canonicalize(&joined).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => format!("there is no file `{path}`"),
            _ => format!("cannot read `{path}`: {e}"),
        })?;
        if !canonical.starts_with(&self.root) {
            return Err(format!(
                "`{path}` is outside the folder of the entry file; imported files must be inside it"
            ));
        }
        let bytes = files::read_capped(&canonical, files::SOURCE).map_err(|e| e.to_string())?;
        let text = String::from_utf8(bytes).map_err(|e| {
            format!(
                "`{path}` is not valid UTF-8 (byte {})",
                e.utf8_error().valid_up_to()
            )
        })?;
        self.read.borrow_mut().push(canonical.clone());
        Ok(SourceFile {
            key: canonical.display().to_string(),
            name: self.shown.join(path).display().to_string(),
            text,
        })
    }
}
