//! Cartridge directories: `manifest.json` next to `program.pbc`. Parsing and validation
//! with precise errors; reading and writing the files is the binary's job.

use serde::{Deserialize, Serialize};

/// The magic string of a cartridge manifest.
pub const CART_MAGIC: &str = "PMTU";

/// The manifest version this toolchain writes and reads.
pub const CARTRIDGE_VERSION: u64 = 1;

/// A cartridge's `manifest.json`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// Always `"PMTU"`.
    pub magic: String,
    /// The manifest format version.
    pub cartridge_version: u64,
    /// A stable identifier, such as `pong`.
    pub app_id: String,
    /// The title shown to players.
    pub title: String,
    /// The cart's own version, such as `1.0.0`.
    pub app_version: String,
    /// `cartridge` (a frame loop) or `script` (runs `main` once).
    pub app_mode: String,
    /// The program file, relative to the directory.
    pub entrypoint: String,
}

/// Why a manifest was rejected.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ManifestError {
    /// The file is not JSON (or not an object).
    #[error("manifest.json is not a JSON object: {0}")]
    NotJson(String),
    /// A required field is absent.
    #[error("manifest.json is missing the field `{0}`")]
    MissingField(&'static str),
    /// A field has the wrong JSON type.
    #[error("manifest.json field `{field}` must be {expected}")]
    WrongType {
        /// The field.
        field: &'static str,
        /// What it must be.
        expected: &'static str,
    },
    /// The magic string is not `PMTU`.
    #[error("manifest.json has magic {0:?}; a cartridge manifest has \"PMTU\"")]
    BadMagic(String),
    /// The manifest comes from a newer toolchain.
    #[error("manifest.json has cartridge_version {0}, but this prometeuc reads version 1; update prometeuc")]
    FutureVersion(u64),
    /// `cartridge_version` 0.
    #[error("manifest.json has cartridge_version 0, which does not exist")]
    ZeroVersion,
    /// An unknown `app_mode`.
    #[error("manifest.json has app_mode {0:?}; expected \"cartridge\" or \"script\"")]
    BadMode(String),
    /// The entrypoint file is missing.
    #[error(
        "the entrypoint `{0}` named by manifest.json was not found in the cartridge directory"
    )]
    EntrypointNotFound(String),
    /// The entrypoint leaves the cartridge directory.
    #[error("the entrypoint `{0}` must be a file inside the cartridge directory")]
    EntrypointOutside(String),
    /// The entrypoint is inside by name but resolves, through a symbolic link, to a file
    /// outside the cartridge directory.
    #[error("the entrypoint `{0}` named by manifest.json leads outside the cartridge directory through a symbolic link; put the program file itself in the directory")]
    EntrypointEscapes(String),
    /// The entrypoint names something that is not a file.
    #[error("the entrypoint `{entrypoint}` named by manifest.json is {kind}, not a program file")]
    EntrypointNotAFile {
        /// The entrypoint as written.
        entrypoint: String,
        /// What it is, such as `a directory`.
        kind: &'static str,
    },
}

/// Parses and validates a manifest (everything but the entrypoint file's existence).
pub fn parse_manifest(text: &str) -> Result<Manifest, ManifestError> {
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| ManifestError::NotJson(e.to_string()))?;
    let object = value
        .as_object()
        .ok_or_else(|| ManifestError::NotJson("the top level is not an object".into()))?;
    let string = |field: &'static str| -> Result<String, ManifestError> {
        match object.get(field) {
            None => Err(ManifestError::MissingField(field)),
            Some(v) => v
                .as_str()
                .map(str::to_string)
                .ok_or(ManifestError::WrongType {
                    field,
                    expected: "a string",
                }),
        }
    };
    let magic = string("magic")?;
    if magic != CART_MAGIC {
        return Err(ManifestError::BadMagic(magic));
    }
    let version = match object.get("cartridge_version") {
        None => return Err(ManifestError::MissingField("cartridge_version")),
        Some(v) => v.as_u64().ok_or(ManifestError::WrongType {
            field: "cartridge_version",
            expected: "a non-negative integer",
        })?,
    };
    if version == 0 {
        return Err(ManifestError::ZeroVersion);
    }
    if version > CARTRIDGE_VERSION {
        return Err(ManifestError::FutureVersion(version));
    }
    let manifest = Manifest {
        magic,
        cartridge_version: version,
        app_id: string("app_id")?,
        title: string("title")?,
        app_version: string("app_version")?,
        app_mode: string("app_mode")?,
        entrypoint: string("entrypoint")?,
    };
    if manifest.app_mode != "cartridge" && manifest.app_mode != "script" {
        return Err(ManifestError::BadMode(manifest.app_mode));
    }
    let path = std::path::Path::new(&manifest.entrypoint);
    if manifest.entrypoint.is_empty()
        || path.is_absolute()
        || path
            .components()
            .any(|c| !matches!(c, std::path::Component::Normal(_)))
    {
        return Err(ManifestError::EntrypointOutside(manifest.entrypoint));
    }
    Ok(manifest)
}

/// The manifest text for a program, pretty-printed with a trailing newline.
pub fn manifest_text(manifest: &Manifest) -> String {
    let mut text = serde_json::to_string_pretty(manifest).expect("a manifest serializes");
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid() -> Manifest {
        Manifest {
            magic: "PMTU".into(),
            cartridge_version: 1,
            app_id: "pong".into(),
            title: "Pong".into(),
            app_version: "1.0.0".into(),
            app_mode: "cartridge".into(),
            entrypoint: "program.pbc".into(),
        }
    }

    #[test]
    fn round_trip() {
        assert_eq!(parse_manifest(&manifest_text(&valid())), Ok(valid()));
    }

    #[test]
    fn each_problem_has_its_error() {
        let with = |edit: &dyn Fn(&mut serde_json::Value)| {
            let mut v = serde_json::to_value(valid()).unwrap();
            edit(&mut v);
            parse_manifest(&v.to_string())
        };
        assert_eq!(
            with(&|v| {
                v.as_object_mut().unwrap().remove("title");
            }),
            Err(ManifestError::MissingField("title"))
        );
        assert_eq!(
            with(&|v| v["magic"] = "NOPE".into()),
            Err(ManifestError::BadMagic("NOPE".into()))
        );
        assert_eq!(
            with(&|v| v["cartridge_version"] = 7.into()),
            Err(ManifestError::FutureVersion(7))
        );
        assert_eq!(
            with(&|v| v["app_mode"] = "movie".into()),
            Err(ManifestError::BadMode("movie".into()))
        );
        assert_eq!(
            with(&|v| v["entrypoint"] = "../x.pbc".into()),
            Err(ManifestError::EntrypointOutside("../x.pbc".into()))
        );
        assert!(matches!(
            with(&|v| v["title"] = 3.into()),
            Err(ManifestError::WrongType { field: "title", .. })
        ));
        assert!(matches!(
            parse_manifest("[1]"),
            Err(ManifestError::NotJson(_))
        ));
        assert!(matches!(
            parse_manifest("{"),
            Err(ManifestError::NotJson(_))
        ));
    }
}
