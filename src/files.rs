//! Files of the command line: capped reads of every input, outputs checked before a run and
//! written atomically, and the rule that no output may resolve to an input.
//!
//! Every input goes through [`read_capped`] with the [`Cap`] of its kind, which refuses
//! directories, FIFOs and sockets and anything larger than the cap. Every output goes
//! through [`PendingFile`]: it is created as a temporary file in the output's own directory
//! when the command starts (so an unwritable place fails before any work), filled at the
//! end, and renamed over the output only once it is complete. A failed write leaves the old
//! file as it was. [`Inputs`] remembers what a command read, so an output that is the same
//! file (by canonical path or, on Unix, by device and inode) is refused.

use std::fmt;
use std::fs::{File, Metadata};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// The most bytes one kind of input may have, with a name for messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Cap {
    /// The largest size accepted, in bytes.
    pub(crate) bytes: u64,
    /// What the file is, as in "the most a source may be".
    pub(crate) what: &'static str,
}

/// Sources (`.pbs`): 32 MiB, room for a string constant at the 16 MiB string limit and the
/// code around it.
pub(crate) const SOURCE: Cap = Cap {
    bytes: 32 << 20,
    what: "a source",
};
/// Program files (`.pbc`): 64 MiB.
pub(crate) const PROGRAM: Cap = Cap {
    bytes: 64 << 20,
    what: "a program file",
};
/// Single-file carts (`.pmc`): a program file and a manifest.
pub(crate) const PMC: Cap = Cap {
    bytes: (64 << 20) + (64 << 10) + 64,
    what: "a program file",
};
/// Save files: exactly the largest a valid one can be.
pub(crate) const SAVE: Cap = Cap {
    bytes: prometeu::save::MAX_SAVE_FILE as u64,
    what: "a save file",
};
/// Cartridge manifests: 64 KiB.
pub(crate) const MANIFEST: Cap = Cap {
    bytes: 64 << 10,
    what: "a manifest",
};
/// Asset files a source declares (`declare bank`, `declare map`): 16 MiB.
pub(crate) const ASSET: Cap = Cap {
    bytes: 16 << 20,
    what: "an asset file",
};
/// Input logs: 64 MiB.
pub(crate) const INPUT_LOG: Cap = Cap {
    bytes: 64 << 20,
    what: "an input log",
};

/// A size in bytes as a short text (`64 KiB`, `16 MiB`).
fn size_text(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 20 && b % (1 << 20) == 0 => format!("{} MiB", b >> 20),
        b if b >= 1 << 10 && b % (1 << 10) == 0 => format!("{} KiB", b >> 10),
        b => format!("{b} bytes"),
    }
}

/// Why a file could not be read.
#[derive(Debug)]
pub(crate) enum ReadError {
    /// The path names something that is not a regular file (a directory, FIFO or socket).
    NotAFile { path: PathBuf, kind: &'static str },
    /// The file holds more than its cap.
    TooLarge { path: PathBuf, cap: Cap },
    /// The operating system refused.
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::NotAFile { path, kind } => {
                write!(f, "`{}` is {kind}, not a file", path.display())
            }
            ReadError::TooLarge { path, cap } => write!(
                f,
                "`{}` is larger than {}, the most {} may be",
                path.display(),
                size_text(cap.bytes),
                cap.what
            ),
            ReadError::Io { path, error } => write!(f, "cannot read `{}`: {error}", path.display()),
        }
    }
}

/// What a path names when it is not a regular file or a device, such as `a directory`.
pub(crate) fn special_kind(meta: &Metadata) -> Option<&'static str> {
    let kind = meta.file_type();
    if kind.is_dir() {
        return Some("a directory");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return Some("a FIFO (named pipe)");
        }
        if kind.is_socket() {
            return Some("a socket");
        }
    }
    None
}

/// Reads a whole file of at most `cap.bytes` bytes. Directories, FIFOs and sockets are
/// refused before opening (a FIFO would block); devices such as `/dev/zero` are read through
/// the cap and refused when they go past it. The REPL's `:load` uses this with [`SOURCE`].
pub(crate) fn read_capped(path: &Path, cap: Cap) -> Result<Vec<u8>, ReadError> {
    let io = |error| ReadError::Io {
        path: path.to_path_buf(),
        error,
    };
    let meta = std::fs::metadata(path).map_err(io)?;
    if let Some(kind) = special_kind(&meta) {
        return Err(ReadError::NotAFile {
            path: path.to_path_buf(),
            kind,
        });
    }
    let file = File::open(path).map_err(io)?;
    let mut bytes = Vec::new();
    file.take(cap.bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > cap.bytes {
        return Err(ReadError::TooLarge {
            path: path.to_path_buf(),
            cap,
        });
    }
    Ok(bytes)
}

/// Which file a path resolves to: its canonical path and, on Unix, its device and inode.
#[derive(Clone, Debug)]
struct FileId {
    canonical: PathBuf,
    node: Option<(u64, u64)>,
}

impl FileId {
    /// The identity of an existing file, following symbolic links.
    fn of_existing(path: &Path) -> Option<FileId> {
        let canonical = std::fs::canonicalize(path).ok()?;
        let node = std::fs::metadata(&canonical).ok().and_then(|m| node(&m));
        Some(FileId { canonical, node })
    }

    /// The identity an output would have: the file if it exists, or its canonical directory
    /// joined with its name.
    fn of_output(path: &Path) -> Option<FileId> {
        if let Some(id) = FileId::of_existing(path) {
            return Some(id);
        }
        let dir = std::fs::canonicalize(parent_dir(path)).ok()?;
        Some(FileId {
            canonical: dir.join(path.file_name()?),
            node: None,
        })
    }

    fn same(&self, other: &FileId) -> bool {
        self.canonical == other.canonical || (self.node.is_some() && self.node == other.node)
    }
}

#[cfg(unix)]
fn node(meta: &Metadata) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    Some((meta.dev(), meta.ino()))
}

#[cfg(not(unix))]
fn node(_: &Metadata) -> Option<(u64, u64)> {
    None
}

/// The directory an output is written in (`.` for a bare file name).
pub(crate) fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// An output that resolves to an input of the same command.
#[derive(Debug)]
pub(crate) struct Overwrite {
    /// The output as given.
    pub(crate) output: PathBuf,
    /// The input it would replace, as given.
    pub(crate) input: PathBuf,
}

impl fmt::Display for Overwrite {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the output `{}` is the input `{}`; writing it would destroy the input, so choose another output path",
            self.output.display(),
            self.input.display()
        )
    }
}

/// The files a command reads, to keep its outputs off them.
#[derive(Default)]
pub(crate) struct Inputs(Vec<(PathBuf, FileId)>);

impl Inputs {
    /// Remembers an input (ignored when it does not exist: it cannot be overwritten).
    pub(crate) fn add(&mut self, path: &Path) {
        if let Some(id) = FileId::of_existing(path) {
            self.0.push((path.to_path_buf(), id));
        }
    }

    /// Refuses an output that is the same file as an input.
    pub(crate) fn check(&self, output: &Path) -> Result<(), Overwrite> {
        let Some(out) = FileId::of_output(output) else {
            return Ok(());
        };
        match self.0.iter().find(|(_, id)| id.same(&out)) {
            Some((input, _)) => Err(Overwrite {
                output: output.to_path_buf(),
                input: input.clone(),
            }),
            None => Ok(()),
        }
    }

    /// The inputs that lie directly in `dir`, with their file names.
    pub(crate) fn names_in(&self, dir: &Path) -> Vec<(PathBuf, String)> {
        let Ok(dir) = std::fs::canonicalize(dir) else {
            return Vec::new();
        };
        self.0
            .iter()
            .filter(|(_, id)| id.canonical.parent() == Some(dir.as_path()))
            .filter_map(|(given, id)| {
                let name = id.canonical.file_name()?.to_string_lossy().into_owned();
                Some((given.clone(), name))
            })
            .collect()
    }
}

/// Checks that `dir` is (or can be made) a writable directory, creating it if needed.
pub(crate) fn prepare_dir(dir: &Path) -> Result<(), String> {
    if let Ok(meta) = std::fs::metadata(dir) {
        if !meta.is_dir() {
            return Err(format!("`{}` is not a directory", dir.display()));
        }
    }
    std::fs::create_dir_all(dir)
        .map_err(|e| format!("cannot create the directory `{}`: {e}", dir.display()))?;
    // A probe file shows now, not after the run, whether the directory takes new files.
    tempfile::Builder::new()
        .prefix(".prometeuc-probe")
        .tempfile_in(dir)
        .map(drop)
        .map_err(|e| format!("cannot write in the directory `{}`: {e}", dir.display()))
}

/// An output being prepared: a temporary file next to its final path.
pub(crate) struct PendingFile {
    path: PathBuf,
    temp: tempfile::NamedTempFile,
}

impl PendingFile {
    /// Checks an output path and creates its temporary file: the directory must exist and
    /// take new files, and the path must not be a directory.
    pub(crate) fn new(path: &Path) -> Result<PendingFile, String> {
        let dir = parent_dir(path);
        match std::fs::metadata(dir) {
            Ok(meta) if meta.is_dir() => {}
            Ok(_) => {
                return Err(format!(
                    "cannot write `{}`: `{}` is not a directory",
                    path.display(),
                    dir.display()
                ))
            }
            Err(e) => {
                return Err(format!(
                    "cannot write `{}`: the directory `{}` cannot be used: {e}",
                    path.display(),
                    dir.display()
                ))
            }
        }
        if let Ok(meta) = std::fs::metadata(path) {
            if let Some(kind) = special_kind(&meta) {
                return Err(format!(
                    "cannot write `{}`: it is {kind}, not a file",
                    path.display()
                ));
            }
        }
        let name = path
            .file_name()
            .map_or("out".into(), |n| n.to_string_lossy().into_owned());
        let prefix = format!(".{name}.");
        let mut builder = tempfile::Builder::new();
        builder.prefix(&prefix).suffix(".tmp");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            // Like a plain create: readable by others unless the umask says otherwise.
            builder.permissions(std::fs::Permissions::from_mode(0o666));
        }
        let temp = builder
            .tempfile_in(dir)
            .map_err(|e| format!("cannot write `{}`: {e}", path.display()))?;
        Ok(PendingFile {
            path: path.to_path_buf(),
            temp,
        })
    }

    /// The temporary file, for outputs written in pieces (then [`PendingFile::commit_written`]).
    pub(crate) fn file_mut(&mut self) -> &mut std::fs::File {
        self.temp.as_file_mut()
    }

    /// Syncs what was written through [`PendingFile::file_mut`] and puts the file in place.
    pub(crate) fn commit_written(mut self) -> Result<(), String> {
        self.fill(&[])?;
        self.install()
    }

    /// Writes the whole content to the temporary file and syncs it.
    fn fill(&mut self, bytes: &[u8]) -> Result<(), String> {
        let file = self.temp.as_file_mut();
        file.write_all(bytes)
            .and_then(|()| file.sync_all())
            .map_err(|e| format!("cannot write `{}`: {e}", self.path.display()))
    }

    /// Renames the filled temporary file over the final path.
    fn install(self) -> Result<(), String> {
        let path = self.path;
        self.temp
            .persist(&path)
            .map(drop)
            .map_err(|e| format!("cannot write `{}`: {}", path.display(), e.error))
    }

    /// Writes the content and puts the file in place; on failure the old file is untouched
    /// and the temporary file is removed.
    pub(crate) fn commit(mut self, bytes: &[u8]) -> Result<(), String> {
        self.fill(bytes)?;
        self.install()
    }
}

/// Writes a file atomically (temporary file in the same directory, then rename).
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), String> {
    PendingFile::new(path)?.commit(bytes)
}

/// Writes several files of one directory so that either all of them or none are replaced:
/// every temporary file is filled first, and only then are they renamed into place.
pub(crate) fn commit_all(files: Vec<(PendingFile, Vec<u8>)>) -> Result<(), String> {
    let mut filled = Vec::with_capacity(files.len());
    for (mut file, bytes) in files {
        file.fill(&bytes)?;
        filled.push(file);
    }
    filled.into_iter().try_for_each(PendingFile::install)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_as_units() {
        assert_eq!(size_text(16 << 20), "16 MiB");
        assert_eq!(size_text(64 << 10), "64 KiB");
        assert_eq!(size_text(1000), "1000 bytes");
    }
}
