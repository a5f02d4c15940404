//! Which physical keys hold which pad buttons, the host keys, and the key-map file that
//! changes the defaults.
//!
//! Keys are physical positions (winit's [`KeyCode`]), so the map does not depend on the
//! keyboard layout: `KeyZ` is the key left of `X` on a QWERTY board whatever it prints.
//!
//! # Key-map file
//!
//! A JSON object from button names to lists of key names, for example
//!
//! ```json
//! { "A": ["KeyJ"], "B": ["KeyK", "Space"], "START": ["Enter", "NumpadEnter"] }
//! ```
//!
//! A button listed in the file gets exactly the keys listed (an empty list leaves it
//! without keys); the others keep their defaults. Key names are those of [`KEY_NAMES`].
//! A key may hold one button only, and the host keys (`Escape P Period F1 F5 F9 F12`) cannot
//! be mapped.

use prometeu_stdlib::console::input::{BUTTON_COUNT, BUTTON_NAMES};
use std::fmt;
use winit::keyboard::KeyCode;

/// What a host key does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HostKey {
    /// Quit the player.
    Quit,
    /// Pause or resume.
    Pause,
    /// Run one frame while paused.
    Step,
    /// Boot the cart again.
    Restart,
    /// Show or hide the overlay.
    Overlay,
    /// Save a screenshot.
    Screenshot,
    /// Start or stop a GIF capture.
    Gif,
}

/// The host key on a physical key, if any.
pub fn host_key(code: KeyCode) -> Option<HostKey> {
    Some(match code {
        KeyCode::Escape => HostKey::Quit,
        KeyCode::KeyP => HostKey::Pause,
        KeyCode::Period => HostKey::Step,
        KeyCode::F5 => HostKey::Restart,
        KeyCode::F1 => HostKey::Overlay,
        KeyCode::F12 => HostKey::Screenshot,
        KeyCode::F9 => HostKey::Gif,
        _ => return None,
    })
}

/// The keys a key-map file may name (every key but the host keys).
pub const KEY_CODES: [KeyCode; 96] = {
    use KeyCode::*;
    [
        KeyA,
        KeyB,
        KeyC,
        KeyD,
        KeyE,
        KeyF,
        KeyG,
        KeyH,
        KeyI,
        KeyJ,
        KeyK,
        KeyL,
        KeyM,
        KeyN,
        KeyO,
        KeyQ,
        KeyR,
        KeyS,
        KeyT,
        KeyU,
        KeyV,
        KeyW,
        KeyX,
        KeyY,
        KeyZ,
        Digit0,
        Digit1,
        Digit2,
        Digit3,
        Digit4,
        Digit5,
        Digit6,
        Digit7,
        Digit8,
        Digit9,
        ArrowUp,
        ArrowDown,
        ArrowLeft,
        ArrowRight,
        Enter,
        Space,
        Backspace,
        Tab,
        ShiftLeft,
        ShiftRight,
        ControlLeft,
        ControlRight,
        AltLeft,
        AltRight,
        Comma,
        Slash,
        Semicolon,
        Quote,
        BracketLeft,
        BracketRight,
        Minus,
        Equal,
        Backquote,
        Backslash,
        Insert,
        Delete,
        Home,
        End,
        PageUp,
        PageDown,
        Numpad0,
        Numpad1,
        Numpad2,
        Numpad3,
        Numpad4,
        Numpad5,
        Numpad6,
        Numpad7,
        Numpad8,
        Numpad9,
        NumpadEnter,
        NumpadAdd,
        NumpadSubtract,
        NumpadMultiply,
        NumpadDivide,
        NumpadDecimal,
        F2,
        F3,
        F4,
        F6,
        F7,
        F8,
        F10,
        F11,
        CapsLock,
        SuperLeft,
        SuperRight,
        ContextMenu,
        IntlBackslash,
        NumLock,
        ScrollLock,
    ]
};

/// The name of a key in key-map files (winit's name for it, such as `KeyZ` or `ArrowUp`).
pub fn key_name(code: KeyCode) -> String {
    format!("{code:?}")
}

/// The key a key-map name stands for.
fn key_by_name(name: &str) -> Option<KeyCode> {
    KEY_CODES.iter().copied().find(|&c| key_name(c) == name)
}

/// The names of the keys a key-map file may use, space-separated.
pub fn key_names() -> String {
    KEY_CODES
        .iter()
        .map(|&c| key_name(c))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The pad button each key holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyMap {
    /// `(key, button id)` pairs; a key appears once.
    keys: Vec<(KeyCode, usize)>,
}

/// The default keys of every button, by button id.
const DEFAULT_KEYS: [KeyCode; BUTTON_COUNT] = [
    KeyCode::ArrowUp,
    KeyCode::ArrowDown,
    KeyCode::ArrowLeft,
    KeyCode::ArrowRight,
    KeyCode::KeyZ,
    KeyCode::KeyX,
    KeyCode::KeyA,
    KeyCode::KeyS,
    KeyCode::KeyQ,
    KeyCode::KeyW,
    KeyCode::Enter,
    KeyCode::Backspace,
];

impl Default for KeyMap {
    fn default() -> KeyMap {
        KeyMap {
            keys: DEFAULT_KEYS
                .iter()
                .enumerate()
                .map(|(id, &key)| (key, id))
                .collect(),
        }
    }
}

/// A mistake in a key-map file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyMapError {
    /// The text is not JSON of the expected shape.
    Syntax(String),
    /// A name that is not a button.
    UnknownButton(String),
    /// A name that is not a key.
    UnknownKey(String),
    /// A host key was given to a button.
    HostKey(String),
    /// One key was given to two buttons.
    Duplicate {
        /// The key's name.
        key: String,
        /// The first button it was given to.
        first: String,
        /// The second button it was given to.
        second: String,
    },
}

impl fmt::Display for KeyMapError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyMapError::Syntax(e) => write!(
                f,
                "expected a JSON object from button names to lists of key names, as in {{\"A\": [\"KeyJ\"]}}: {e}"
            ),
            KeyMapError::UnknownButton(name) => write!(
                f,
                "unknown button `{name}`: expected one of {}",
                BUTTON_NAMES.join(" ")
            ),
            KeyMapError::UnknownKey(name) => {
                write!(f, "unknown key `{name}`: expected one of {}", key_names())
            }
            KeyMapError::HostKey(name) => write!(
                f,
                "key `{name}` is a host key (Escape P Period F1 F5 F9 F12 are reserved); pick another key"
            ),
            KeyMapError::Duplicate { key, first, second } => write!(
                f,
                "key `{key}` is given to both {first} and {second}; a key can hold one button"
            ),
        }
    }
}

impl std::error::Error for KeyMapError {}

impl KeyMap {
    /// Parses a key-map file (see the module documentation) over the defaults.
    pub fn parse(text: &str) -> Result<KeyMap, KeyMapError> {
        let entries: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(text).map_err(|e| KeyMapError::Syntax(e.to_string()))?;
        let mut by_button: Vec<Vec<KeyCode>> = DEFAULT_KEYS.iter().map(|&k| vec![k]).collect();
        for (button, keys) in &entries {
            let id = BUTTON_NAMES
                .iter()
                .position(|n| n.eq_ignore_ascii_case(button))
                .ok_or_else(|| KeyMapError::UnknownButton(button.clone()))?;
            let names = keys.as_array().ok_or_else(|| {
                KeyMapError::Syntax(format!("the value of `{button}` is not a list"))
            })?;
            let mut codes = Vec::new();
            for name in names {
                let name = name.as_str().ok_or_else(|| {
                    KeyMapError::Syntax(format!("a key of `{button}` is not a string"))
                })?;
                let code = key_by_name(name).ok_or_else(|| {
                    if key_by_name_any(name).is_some() {
                        KeyMapError::HostKey(name.to_string())
                    } else {
                        KeyMapError::UnknownKey(name.to_string())
                    }
                })?;
                codes.push(code);
            }
            by_button[id] = codes;
        }
        let mut keys: Vec<(KeyCode, usize)> = Vec::new();
        for (id, codes) in by_button.iter().enumerate() {
            for &code in codes {
                if let Some(&(_, first)) = keys.iter().find(|(k, _)| *k == code) {
                    if first != id {
                        return Err(KeyMapError::Duplicate {
                            key: key_name(code),
                            first: BUTTON_NAMES[first].to_string(),
                            second: BUTTON_NAMES[id].to_string(),
                        });
                    }
                    continue;
                }
                keys.push((code, id));
            }
        }
        Ok(KeyMap { keys })
    }

    /// The button id a key holds, if any.
    pub fn button(&self, code: KeyCode) -> Option<usize> {
        self.keys
            .iter()
            .find(|(k, _)| *k == code)
            .map(|&(_, id)| id)
    }

    /// The keys of a button, by name, for help text.
    pub fn keys_of(&self, id: usize) -> Vec<String> {
        self.keys
            .iter()
            .filter(|(_, b)| *b == id)
            .map(|&(k, _)| key_name(k))
            .collect()
    }
}

/// A host key by its name (to tell a host key from an unknown name).
fn key_by_name_any(name: &str) -> Option<KeyCode> {
    use KeyCode::*;
    [Escape, KeyP, Period, F1, F5, F9, F12]
        .into_iter()
        .find(|&c| key_name(c) == name)
}

/// Where the player looks for the key-map file: `keys.json` in the `prometeuc` folder of the
/// user's configuration directory (`$XDG_CONFIG_HOME` or `~/.config` on Linux).
pub fn keymap_path() -> Option<std::path::PathBuf> {
    dirs::config_dir().map(|d| d.join("prometeuc").join("keys.json"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_follow_the_spec_table() {
        let map = KeyMap::default();
        assert_eq!(map.button(KeyCode::ArrowUp), Some(0));
        assert_eq!(map.button(KeyCode::KeyZ), Some(4));
        assert_eq!(map.button(KeyCode::KeyA), Some(6));
        assert_eq!(map.button(KeyCode::Backspace), Some(11));
        assert_eq!(map.button(KeyCode::KeyP), None);
    }

    #[test]
    fn a_listed_button_gets_exactly_its_keys() {
        let map = KeyMap::parse(r#"{"a": ["KeyJ", "Space"]}"#).unwrap();
        assert_eq!(map.button(KeyCode::KeyJ), Some(4));
        assert_eq!(map.button(KeyCode::Space), Some(4));
        assert_eq!(map.button(KeyCode::KeyZ), None);
        assert_eq!(map.button(KeyCode::KeyX), Some(5));
    }

    #[test]
    fn key_map_mistakes_are_named() {
        let err = |t: &str| KeyMap::parse(t).unwrap_err().to_string();
        assert!(err(r#"{"JUMP": []}"#).starts_with("unknown button `JUMP`"));
        assert!(err(r#"{"A": ["Kz"]}"#).starts_with("unknown key `Kz`"));
        assert!(err(r#"{"A": ["Escape"]}"#).contains("is a host key"));
        assert_eq!(
            err(r#"{"A": ["KeyX"]}"#),
            "key `KeyX` is given to both A and B; a key can hold one button"
        );
        assert!(err("[1]").starts_with("expected a JSON object"));
    }

    #[test]
    fn no_host_key_is_mappable() {
        for code in KEY_CODES {
            assert_eq!(host_key(code), None, "{code:?}");
        }
    }
}
