//! The console half of the standard library: the screen, the pad, the random generator, the
//! sound device, the save slots and the `Gfx`, `Color`, `Input`, `Rand`, `System`, `Audio`
//! and `Save` host functions that reach them.
//!
//! The embedder installs a [`Console`] as the VM state (`Vm::set_state`); the host functions
//! find it with a downcast and trap with "the console is not available in this run" when the
//! state is something else. The embedder drives the frame loop: it latches the pad, advances
//! [`Console::frame`], and stops after a frame in which [`Console::exit_requested`] was set.

mod asset_hosts;
pub mod audio;
mod audio_hosts;
pub mod font;
pub mod framebuffer;
pub mod gfx;
mod hosts;
pub mod input;
pub mod rand;
pub mod save;
pub mod sprites;

pub use audio::{Audio, AudioBlock, Sound};
pub use framebuffer::Framebuffer;
pub use input::{InputLog, InputLogError, Pad, Recorder};
pub use rand::{RangeError, Rng};
pub use save::SaveSlots;

use prometeu_bytecode::{Assets, BuiltinConstant};
use prometeu_vm::Hosts;
use std::sync::Arc;

/// Everything a cartridge can touch besides the VM itself.
#[derive(Clone, Debug)]
pub struct Console {
    /// The screen.
    pub fb: Framebuffer,
    /// The buttons, latched by the embedder at the start of each frame.
    pub pad: Pad,
    /// The `Rand` generator.
    pub rng: Rng,
    /// Frames since boot, as `System.frame()` reports it; the embedder advances it.
    pub frame: u64,
    /// Set by `System.exit()`: the run ends after the current frame.
    pub exit_requested: bool,
    /// The sound device; the embedder mixes it at the end of every frame.
    pub audio: Audio,
    /// The save slots; the embedder persists them at the end of a frame that wrote them.
    pub save: SaveSlots,
    /// The running program's banks and maps, which `Gfx.spr`, `Gfx.map`, ... draw from; the
    /// embedder installs them from the loaded program.
    pub assets: Arc<Assets>,
    /// The `Gfx.camera` offset, subtracted from every drawing position.
    pub camera: (i64, i64),
}

impl Console {
    /// A console with a black screen, nothing held, frame 0 and `Rand` seeded with `seed`.
    pub fn new(seed: i64) -> Console {
        Console {
            fb: Framebuffer::new(),
            pad: Pad::new(),
            rng: Rng::new(seed),
            frame: 0,
            exit_requested: false,
            audio: Audio::new(),
            save: SaveSlots::default(),
            assets: Arc::default(),
            camera: (0, 0),
        }
    }

    /// A console like [`Console::new`] that draws from a program's assets.
    pub fn with_assets(seed: i64, assets: Arc<Assets>) -> Console {
        Console {
            assets,
            ..Console::new(seed)
        }
    }
}

impl Default for Console {
    /// A console with the default seed, 0.
    fn default() -> Console {
        Console::new(0)
    }
}

/// Registers the `Gfx`, `Color`, `Input`, `Rand`, `System`, `Audio` and `Save` host
/// functions.
pub fn register(hosts: &mut Hosts) {
    hosts::register(hosts);
    audio_hosts::register(hosts);
    asset_hosts::register(hosts);
}

/// The RGB565 value of `Color.BLACK`.
pub const BLACK: u16 = 0x0000;
/// The RGB565 value of `Color.WHITE`.
pub const WHITE: u16 = 0xffff;
/// The RGB565 value of `Color.RED`.
pub const RED: u16 = 0xf800;
/// The RGB565 value of `Color.GREEN`.
pub const GREEN: u16 = 0x07e0;
/// The RGB565 value of `Color.BLUE`.
pub const BLUE: u16 = 0x001f;
/// The RGB565 value of `Color.YELLOW`.
pub const YELLOW: u16 = 0xffe0;
/// The RGB565 value of `Color.CYAN`.
pub const CYAN: u16 = 0x07ff;
/// The RGB565 value of `Color.MAGENTA`.
pub const MAGENTA: u16 = 0xf81f;
/// The RGB565 value of `Color.GRAY`.
pub const GRAY: u16 = 0x8410;
/// The RGB565 value of `Color.ORANGE`.
pub const ORANGE: u16 = 0xfd20;

/// The console constants: `Button.UP` … `Button.SELECT`, the `Wave`s and the named `Color`s.
pub fn constants() -> Vec<(&'static str, BuiltinConstant)> {
    let buttons = [
        ("Button.UP", input::UP),
        ("Button.DOWN", input::DOWN),
        ("Button.LEFT", input::LEFT),
        ("Button.RIGHT", input::RIGHT),
        ("Button.A", input::A),
        ("Button.B", input::B),
        ("Button.X", input::X),
        ("Button.Y", input::Y),
        ("Button.L", input::L),
        ("Button.R", input::R),
        ("Button.START", input::START),
        ("Button.SELECT", input::SELECT),
    ];
    let colours = [
        ("Color.BLACK", BLACK),
        ("Color.WHITE", WHITE),
        ("Color.RED", RED),
        ("Color.GREEN", GREEN),
        ("Color.BLUE", BLUE),
        ("Color.YELLOW", YELLOW),
        ("Color.CYAN", CYAN),
        ("Color.MAGENTA", MAGENTA),
        ("Color.GRAY", GRAY),
        ("Color.ORANGE", ORANGE),
    ];
    let waves = [
        ("Wave.PULSE", 0),
        ("Wave.TRIANGLE", 1),
        ("Wave.SAW", 2),
        ("Wave.SINE", 3),
        ("Wave.NOISE", 4),
    ];
    buttons
        .into_iter()
        .chain(waves)
        .map(|(name, id)| (name, BuiltinConstant::Int(id)))
        .chain(
            colours
                .into_iter()
                .map(|(name, c)| (name, BuiltinConstant::Int(i64::from(c)))),
        )
        .collect()
}

#[cfg(test)]
mod tests;
