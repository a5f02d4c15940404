//! The buttons the keyboard holds between two frames.

/// Keyboard buttons: those whose keys are down, and those pressed since the last frame, so a
/// tap shorter than a frame is still seen by one frame.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Held {
    down: u16,
    tapped: u16,
}

impl Held {
    /// A key of button `id` went down; returns whether it was up before (a new press).
    pub fn press(&mut self, id: usize) -> bool {
        let bit = 1u16 << id;
        let new = self.down & bit == 0;
        if new {
            self.tapped |= bit;
        }
        self.down |= bit;
        new
    }

    /// A key of button `id` went up.
    pub fn release(&mut self, id: usize) {
        self.down &= !(1u16 << id);
    }

    /// Every key counts as up (the window lost the focus).
    pub fn release_all(&mut self) {
        self.down = 0;
    }

    /// The buttons for the next frame: those down now and those tapped since the last call.
    pub fn take(&mut self) -> u16 {
        let held = self.down | self.tapped;
        self.tapped = 0;
        held
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tap_between_two_frames_is_seen_by_one_frame() {
        let mut held = Held::default();
        assert!(held.press(4));
        held.release(4);
        assert_eq!(held.take(), 1 << 4);
        assert_eq!(held.take(), 0);
    }

    #[test]
    fn a_held_key_stays_held_and_repeats_are_not_new_presses() {
        let mut held = Held::default();
        assert!(held.press(0));
        assert!(!held.press(0));
        assert_eq!(held.take(), 1);
        assert_eq!(held.take(), 1);
        held.release_all();
        assert_eq!(held.take(), 0);
    }
}
