//! The fixed-step clock: one simulated frame per 1/60 s of wall-clock time, never earlier.
//!
//! When the host falls behind, the frames that are due are all simulated and presented once
//! (presenting is skipped, never simulating). When it falls far behind (a heavy cart on a
//! slow machine, or a suspended process), the clock lets go of the lost time instead of
//! rushing through it: the game slows down, but no frame is dropped from the simulation.

use std::time::{Duration, Instant};

/// The length of one frame: 1/60 s.
pub const STEP: Duration = Duration::from_nanos(16_666_667);

/// The most frames simulated before presenting once.
pub const MAX_CATCH_UP: u32 = 4;

/// How far behind the clock may fall before it lets go of the lost time.
pub const MAX_LAG: Duration = Duration::from_millis(250);

/// The wall-clock deadlines of the frames.
#[derive(Clone, Copy, Debug)]
pub struct Clock {
    /// When the next frame is due.
    next: Instant,
}

impl Clock {
    /// A clock whose first frame is due at `now`.
    pub fn new(now: Instant) -> Clock {
        Clock { next: now }
    }

    /// When the next frame is due.
    pub fn deadline(&self) -> Instant {
        self.next
    }

    /// How many frames to simulate at `now` (at most [`MAX_CATCH_UP`]); their deadlines are
    /// consumed.
    pub fn due(&mut self, now: Instant) -> u32 {
        let mut frames = 0;
        while self.next <= now && frames < MAX_CATCH_UP {
            self.next += STEP;
            frames += 1;
        }
        if now > self.next + MAX_LAG {
            self.next = now;
        }
        frames
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_are_never_early() {
        let start = Instant::now();
        let mut clock = Clock::new(start);
        assert_eq!(clock.due(start), 1);
        assert_eq!(clock.due(start + STEP / 2), 0);
        assert_eq!(clock.due(start + STEP), 1);
        assert_eq!(clock.deadline(), start + STEP * 2);
    }

    #[test]
    fn falling_behind_simulates_every_due_frame_in_bounded_batches() {
        let start = Instant::now();
        let mut clock = Clock::new(start);
        let late = start + STEP * 6;
        assert_eq!(clock.due(late), MAX_CATCH_UP);
        assert_eq!(clock.due(late), 3);
        assert_eq!(clock.due(late), 0);
    }

    #[test]
    fn a_long_stall_lets_go_of_the_lost_time() {
        let start = Instant::now();
        let mut clock = Clock::new(start);
        let stalled = start + Duration::from_secs(5);
        assert_eq!(clock.due(stalled), MAX_CATCH_UP);
        assert_eq!(clock.deadline(), stalled);
        assert_eq!(clock.due(stalled + STEP / 2), 1);
    }
}
