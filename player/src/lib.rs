//! The window shell of the PROMETEU player: a window showing the console's screen at an
//! integer scale, a fixed 60 Hz step, the keyboard and gamepads, the host keys, the sound
//! device, and the folder watch of `prometeuc watch`.
//!
//! This crate knows nothing about programs or the VM: the `prometeuc` binary hands it a
//! [`Session`] (the cart, its recorder and captures), and the player calls it once per
//! frame with the buttons held. So the console itself stays testable without a window.
#![forbid(unsafe_code)]

mod app;
pub mod audio;
pub mod gamepad;
pub mod held;
pub mod keymap;
pub mod pacing;
pub mod render;
pub mod watch;

use std::fmt;
use std::path::PathBuf;

pub use keymap::KeyMap;

/// What one frame of the session did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// The frame ran (completed or overran); the cart goes on.
    Ran,
    /// The cart asked to stop with `System.exit()`.
    Exited,
    /// The cart trapped; the diagnostic was reported and this is the window's banner.
    Trapped(String),
}

/// Counters the overlay shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// The logical frame the cart is on.
    pub frame: u64,
    /// The cycles the last completed frame used.
    pub cycles: u64,
    /// The cycle budget of one frame.
    pub budget: u64,
    /// Ticks that ran out of cycles so far.
    pub overruns: u64,
    /// Heap bytes live now.
    pub heap_live_bytes: u64,
    /// Whether a GIF capture is running.
    pub capturing: bool,
}

/// The cart side of the player, implemented by the `prometeuc` binary.
pub trait Session {
    /// Runs one tick with the buttons held (bit `id` per button).
    fn tick(&mut self, held: u16) -> Step;
    /// The screen, 320×180 RGB565 pixels.
    fn pixels(&mut self) -> &[u16];
    /// The sound of the last tick: 800 stereo sample frames at 48 kHz, interleaved left
    /// then right.
    fn audio(&mut self) -> &[i16];
    /// The overlay's counters.
    fn stats(&mut self) -> Stats;
    /// Boots the cart again (`F5`); an error is the banner to show.
    fn restart(&mut self) -> Result<(), String>;
    /// Saves a screenshot (`F12`); the message says where, or what failed.
    fn screenshot(&mut self) -> String;
    /// Starts or stops a GIF capture (`F9`); the message says what happened.
    fn toggle_gif(&mut self) -> String;
    /// Reloads after a change to the watched files: `Ok` when the new program runs, else
    /// the banner to show while the old program goes on.
    fn reload(&mut self, changed: &[PathBuf]) -> Result<(), String>;
    /// Ends the session (writes what the command line asked for) and returns the exit
    /// status.
    fn finish(&mut self) -> u8;
}

/// How the player runs.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// The window title.
    pub title: String,
    /// The window scale; `None` picks the largest that fits the monitor (at least 2).
    pub scale: Option<u32>,
    /// Quit after this many ticks.
    pub frames: Option<u64>,
    /// Watch this folder and reload on changes.
    pub watch: Option<PathBuf>,
    /// The keys of the pad buttons.
    pub keymap: KeyMap,
    /// Write every frame's wall-clock interval and every key press's latency here.
    pub pacing_log: Option<PathBuf>,
    /// Open no sound device (`--mute`).
    pub mute: bool,
}

/// Why the player could not run.
#[derive(Debug)]
pub enum PlayError {
    /// There is no display to open a window on.
    NoDisplay(String),
    /// The window or its drawing surface could not be made.
    Window(String),
    /// The folder watch could not start.
    Watch(String),
    /// The pacing log could not be written.
    PacingLog(String),
}

impl fmt::Display for PlayError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PlayError::NoDisplay(why) => write!(
                f,
                "no display to open a window on ({why}); run the cart headless with `prometeuc run FILE --frames N` instead"
            ),
            PlayError::Window(e) => write!(f, "cannot open the player window: {e}"),
            PlayError::Watch(e) => write!(f, "{e}"),
            PlayError::PacingLog(e) => write!(f, "cannot write the pacing log: {e}"),
        }
    }
}

impl std::error::Error for PlayError {}

/// Checks for a display before touching the windowing system (Linux and the BSDs: X11 or
/// Wayland).
fn display_available() -> Result<(), PlayError> {
    if cfg!(all(unix, not(target_os = "macos"), not(target_os = "ios"))) {
        let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty());
        if !set("DISPLAY") && !set("WAYLAND_DISPLAY") && !set("WAYLAND_SOCKET") {
            return Err(PlayError::NoDisplay(
                "neither DISPLAY nor WAYLAND_DISPLAY is set".into(),
            ));
        }
    }
    Ok(())
}

/// Opens the window and runs the session until it quits; returns the session's exit status.
pub fn run(session: &mut dyn Session, options: Options) -> Result<u8, PlayError> {
    display_available()?;
    app::run(session, options)
}
