//! The pad: twelve buttons latched once per frame, and the input-log text format that records
//! and replays them.
//!
//! # Input-log format
//!
//! A log is UTF-8 text with one line per change of the held buttons:
//!
//! ```text
//! # walk right, then jump while walking
//! 0 RIGHT
//! 12 RIGHT+A
//! 20 RIGHT
//! 30 -
//! ```
//!
//! - Each line is `<frame> <buttons>`: a frame number (a non-negative decimal integer), then
//!   the buttons held from that frame on, as names joined by `+` (spaces around `+` are allowed),
//!   or `-` for none. Names are `UP DOWN LEFT RIGHT A B X Y L R START SELECT`, in any case.
//! - The state holds until the next line; before the first line nothing is held.
//! - Frame numbers strictly increase from line to line.
//! - `#` starts a comment that runs to the end of the line; blank lines are ignored.
//!
//! [`InputLog::render`] writes this format back (a comment header, then upper-case names in
//! button order), and parsing the rendered text gives the same log.

use std::fmt;

/// The id of the up button.
pub const UP: i64 = 0;
/// The id of the down button.
pub const DOWN: i64 = 1;
/// The id of the left button.
pub const LEFT: i64 = 2;
/// The id of the right button.
pub const RIGHT: i64 = 3;
/// The id of the A button.
pub const A: i64 = 4;
/// The id of the B button.
pub const B: i64 = 5;
/// The id of the X button.
pub const X: i64 = 6;
/// The id of the Y button.
pub const Y: i64 = 7;
/// The id of the left shoulder button.
pub const L: i64 = 8;
/// The id of the right shoulder button.
pub const R: i64 = 9;
/// The id of the start button.
pub const START: i64 = 10;
/// The id of the select button.
pub const SELECT: i64 = 11;

/// How many buttons the pad has.
pub const BUTTON_COUNT: usize = 12;
/// The button names, indexed by id.
pub const BUTTON_NAMES: [&str; BUTTON_COUNT] = [
    "UP", "DOWN", "LEFT", "RIGHT", "A", "B", "X", "Y", "L", "R", "START", "SELECT",
];
/// The bits of a held-button mask that name buttons (bit `id` for button `id`).
pub const BUTTON_MASK: u16 = (1 << BUTTON_COUNT) - 1;

/// The mask bit of a button id, or `None` for an invalid id.
fn bit(button: i64) -> Option<u16> {
    (0..BUTTON_COUNT as i64)
        .contains(&button)
        .then(|| 1 << button)
}

/// The pad state: the buttons held this frame and the previous frame, as bit masks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Pad {
    /// The buttons held this frame.
    held: u16,
    /// The buttons held the previous frame.
    previous: u16,
}

impl Pad {
    /// A pad with nothing held, now or before.
    pub fn new() -> Pad {
        Pad::default()
    }

    /// Starts a frame: the current buttons become the previous ones and `new_held` (bit `id`
    /// per button; other bits are ignored) becomes current.
    pub fn latch(&mut self, new_held: u16) {
        self.previous = self.held;
        self.held = new_held & BUTTON_MASK;
    }

    /// The buttons held this frame.
    pub fn held(&self) -> u16 {
        self.held
    }

    /// The buttons held the previous frame.
    pub fn previous(&self) -> u16 {
        self.previous
    }

    /// Whether the button is held this frame; `false` for an invalid id.
    pub fn btn(&self, button: i64) -> bool {
        bit(button).is_some_and(|b| self.held & b != 0)
    }

    /// Whether the button was pressed this frame (held now, not the previous frame).
    pub fn btnp(&self, button: i64) -> bool {
        bit(button).is_some_and(|b| self.held & b != 0 && self.previous & b == 0)
    }

    /// Whether the button was released this frame (held the previous frame, not now).
    pub fn btnr(&self, button: i64) -> bool {
        bit(button).is_some_and(|b| self.held & b == 0 && self.previous & b != 0)
    }
}

/// A parse error in an input log, with the 1-based line it is on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputLogError {
    /// The 1-based line number.
    pub line: usize,
    /// What is wrong with the line.
    pub message: String,
}

impl fmt::Display for InputLogError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "input log line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for InputLogError {}

/// A recorded pad: the held-button mask from each listed frame on, frames strictly increasing.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InputLog {
    /// `(frame, held mask)` pairs, frames strictly increasing.
    changes: Vec<(u64, u16)>,
}

impl InputLog {
    /// An empty log: nothing is ever held.
    pub fn new() -> InputLog {
        InputLog::default()
    }

    /// Parses the text format described in the module documentation.
    pub fn parse(text: &str) -> Result<InputLog, InputLogError> {
        let mut log = InputLog::new();
        for (index, raw) in text.lines().enumerate() {
            let error = |message: String| InputLogError {
                line: index + 1,
                message,
            };
            let content = raw.split('#').next().unwrap_or("").trim();
            if content.is_empty() {
                continue;
            }
            let (frame_text, buttons) = content
                .split_once(char::is_whitespace)
                .unwrap_or((content, ""));
            let frame: u64 = frame_text.parse().map_err(|_| {
                error(format!(
                    "bad frame number `{frame_text}`: expected a non-negative integer"
                ))
            })?;
            let held = parse_buttons(buttons.trim()).map_err(error)?;
            if let Some(&(last, _)) = log.changes.last() {
                if frame <= last {
                    return Err(error(format!(
                        "frame {frame} is not after the previous frame {last}; frames must strictly increase"
                    )));
                }
            }
            log.changes.push((frame, held));
        }
        Ok(log)
    }

    /// The changes, as `(frame, held mask)` pairs in increasing frame order.
    pub fn changes(&self) -> &[(u64, u16)] {
        &self.changes
    }

    /// Appends a change; returns `false` (and changes nothing) unless `frame` is after the last
    /// change. Bits that name no button are dropped.
    pub fn push(&mut self, frame: u64, held: u16) -> bool {
        if self.changes.last().is_some_and(|&(last, _)| frame <= last) {
            return false;
        }
        self.changes.push((frame, held & BUTTON_MASK));
        true
    }

    /// The buttons held at `frame`: those of the last change at or before it, else none.
    pub fn held_at(&self, frame: u64) -> u16 {
        let after = self.changes.partition_point(|&(f, _)| f <= frame);
        after.checked_sub(1).map_or(0, |i| self.changes[i].1)
    }

    /// Writes the log in the text format, one line per change after a comment header.
    pub fn render(&self) -> String {
        let mut out = String::from("# PROMETEU input log: `<frame> <buttons>` per change\n");
        for &(frame, held) in &self.changes {
            out.push_str(&format!("{frame} {}\n", button_list(held)));
        }
        out
    }
}

/// Parses `-` or `NAME+NAME...` into a held mask.
fn parse_buttons(text: &str) -> Result<u16, String> {
    if text.is_empty() {
        return Err("missing buttons after the frame number (write `-` for none)".into());
    }
    if text == "-" {
        return Ok(0);
    }
    let mut held = 0;
    for name in text.split('+').map(str::trim) {
        if name.is_empty() {
            return Err(format!("empty button name in `{text}`"));
        }
        if name == "-" {
            return Err(format!(
                "`-` means no buttons and cannot be combined with buttons in `{text}`; write `-` alone or only button names"
            ));
        }
        let id = BUTTON_NAMES
            .iter()
            .position(|known| known.eq_ignore_ascii_case(name))
            .ok_or_else(|| {
                format!(
                    "unknown button `{name}` (expected {} or `-`)",
                    BUTTON_NAMES.join(", ")
                )
            })?;
        held |= 1 << id;
    }
    Ok(held)
}

/// The buttons of a mask as `NAME+NAME...` in id order, or `-` when none.
fn button_list(held: u16) -> String {
    let names: Vec<&str> = (0..BUTTON_COUNT)
        .filter(|&id| held & (1 << id) != 0)
        .map(|id| BUTTON_NAMES[id])
        .collect();
    if names.is_empty() {
        "-".into()
    } else {
        names.join("+")
    }
}

/// Builds an [`InputLog`] from the pad state of every frame, keeping only the changes.
#[derive(Clone, Debug, Default)]
pub struct Recorder {
    /// The changes so far.
    log: InputLog,
    /// The buttons held at the last recorded frame.
    current: u16,
    /// The last frame recorded, if any.
    last_frame: Option<u64>,
}

impl Recorder {
    /// A recorder that has seen no frame yet (nothing held).
    pub fn new() -> Recorder {
        Recorder::default()
    }

    /// Records the buttons held at `frame`; returns `false` (recording nothing) unless `frame`
    /// is after every frame recorded before.
    pub fn record(&mut self, frame: u64, held: u16) -> bool {
        if self.last_frame.is_some_and(|last| frame <= last) {
            return false;
        }
        self.last_frame = Some(frame);
        let held = held & BUTTON_MASK;
        if held != self.current {
            self.current = held;
            self.log.push(frame, held);
        }
        true
    }

    /// The log recorded so far.
    pub fn log(&self) -> &InputLog {
        &self.log
    }

    /// The recorded log.
    pub fn into_log(self) -> InputLog {
        self.log
    }

    /// The log recorded so far in the text format.
    pub fn render(&self) -> String {
        self.log.render()
    }
}

#[cfg(test)]
mod tests;
