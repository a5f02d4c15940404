//! Gamepads through gilrs: the d-pad and left stick, the face buttons by position, the
//! shoulders, Start and Select. Without gamepad support the player runs keyboard-only.

use gilrs::{Axis, Button, Gilrs};
use prometeu_stdlib::console::input as pad;

/// How far the left stick must lean to hold a direction.
const STICK_THRESHOLD: f32 = 0.5;

/// The connected gamepads, if gamepad support is available.
pub struct Gamepads {
    gilrs: Option<Gilrs>,
}

/// The pad bit of a button id constant.
fn bit(id: i64) -> u16 {
    1 << id
}

impl Gamepads {
    /// Opens gamepad support; without it (no backend, no permission) the player uses the
    /// keyboard only, silently.
    pub fn open() -> Gamepads {
        Gamepads {
            gilrs: Gilrs::new().ok(),
        }
    }

    /// The buttons held on all connected gamepads together.
    pub fn held(&mut self) -> u16 {
        let Some(gilrs) = &mut self.gilrs else {
            return 0;
        };
        while gilrs.next_event().is_some() {}
        let buttons = [
            (Button::DPadUp, pad::UP),
            (Button::DPadDown, pad::DOWN),
            (Button::DPadLeft, pad::LEFT),
            (Button::DPadRight, pad::RIGHT),
            (Button::South, pad::A),
            (Button::East, pad::B),
            (Button::West, pad::X),
            (Button::North, pad::Y),
            (Button::LeftTrigger, pad::L),
            (Button::RightTrigger, pad::R),
            (Button::Start, pad::START),
            (Button::Select, pad::SELECT),
        ];
        let mut held = 0;
        for (_, gamepad) in gilrs.gamepads() {
            for (button, id) in buttons {
                if gamepad.is_pressed(button) {
                    held |= bit(id);
                }
            }
            let x = gamepad.value(Axis::LeftStickX);
            let y = gamepad.value(Axis::LeftStickY);
            if x <= -STICK_THRESHOLD {
                held |= bit(pad::LEFT);
            }
            if x >= STICK_THRESHOLD {
                held |= bit(pad::RIGHT);
            }
            // gilrs reports up as positive.
            if y >= STICK_THRESHOLD {
                held |= bit(pad::UP);
            }
            if y <= -STICK_THRESHOLD {
                held |= bit(pad::DOWN);
            }
        }
        held
    }
}
