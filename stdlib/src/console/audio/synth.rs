//! The synthesizer: four channels, each playing one tone at a time with a short linear
//! attack and release so that notes never click.

use super::wave::{self, Lfsr};
use super::{AudioError, SAMPLES_PER_FRAME, SAMPLE_RATE};

/// The number of synthesizer channels.
pub const CHANNELS: usize = 4;

/// The lowest tone frequency, in Hz.
pub const MIN_FREQ: i64 = 20;
/// The highest tone frequency, in Hz.
pub const MAX_FREQ: i64 = 20_000;
/// The longest tone, in video frames (ten minutes).
pub const MAX_TONE_FRAMES: i64 = 36_000;

/// The envelope's full level.
pub(super) const ENV_MAX: u32 = 4800;
/// The envelope's rise per sample during the attack: full level in 1 ms (48 samples).
const ATTACK_STEP: u32 = ENV_MAX / 48;
/// The envelope's fall per sample during the release: silence in 10 ms (480 samples).
const RELEASE_STEP: u32 = ENV_MAX / 480;

/// A synthesizer waveform.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Wave {
    /// A pulse (square by default, see [`Channel::duty`]).
    #[default]
    Pulse,
    /// A triangle.
    Triangle,
    /// A rising sawtooth.
    Saw,
    /// A sine.
    Sine,
    /// Noise from a 15-bit LFSR clocked at eight times the frequency.
    Noise,
}

impl Wave {
    /// Every wave, in the order of their `Wave.*` constants (0 to 4).
    pub const ALL: [Wave; 5] = [
        Wave::Pulse,
        Wave::Triangle,
        Wave::Saw,
        Wave::Sine,
        Wave::Noise,
    ];

    /// The wave with the number `Wave.*` gives it.
    pub fn from_id(id: i64) -> Option<Wave> {
        usize::try_from(id)
            .ok()
            .and_then(|i| Wave::ALL.get(i))
            .copied()
    }
}

/// One synthesizer channel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Channel {
    wave: Wave,
    /// The phase, a full period being 2^32.
    phase: u32,
    /// The phase advance per sample.
    step: u32,
    /// Samples left before the release starts.
    remaining: u64,
    /// The volume, 0–255.
    volume: u8,
    /// The pulse duty in 1/256ths of the period.
    duty: u8,
    /// The envelope level, 0..=ENV_MAX.
    env: u32,
    noise: Lfsr,
}

impl Default for Channel {
    fn default() -> Channel {
        Channel {
            wave: Wave::Pulse,
            phase: 0,
            step: 0,
            remaining: 0,
            volume: 0,
            duty: 128,
            env: 0,
            noise: Lfsr::default(),
        }
    }
}

/// The phase step of a frequency: `freq × 2^32 / 48,000`, rounded down.
fn phase_step(freq: i64) -> u32 {
    ((freq as u64) << 32).div_euclid(SAMPLE_RATE as u64) as u32
}

impl Channel {
    /// Starts a tone: `frames` video frames at `freq` Hz; the phase carries on from the
    /// previous tone and the envelope rises from where it is, so a new note never clicks.
    pub fn tone(
        &mut self,
        wave: Wave,
        freq: i64,
        frames: i64,
        volume: i64,
    ) -> Result<(), AudioError> {
        if !(MIN_FREQ..=MAX_FREQ).contains(&freq) {
            return Err(AudioError::Frequency(freq));
        }
        if !(1..=MAX_TONE_FRAMES).contains(&frames) {
            return Err(AudioError::Frames(frames));
        }
        let volume = super::volume(volume)?;
        self.wave = wave;
        self.step = phase_step(freq);
        self.remaining = frames as u64 * SAMPLES_PER_FRAME as u64;
        self.volume = volume;
        Ok(())
    }

    /// Ends the tone: the envelope falls to silence over the release.
    pub fn silence(&mut self) {
        self.remaining = 0;
    }

    /// Sets the pulse duty in 1/256ths of the period (1–255; 128 is square).
    pub fn set_duty(&mut self, duty: i64) -> Result<(), AudioError> {
        match u8::try_from(duty) {
            Ok(d) if d > 0 => {
                self.duty = d;
                Ok(())
            }
            _ => Err(AudioError::Duty(duty)),
        }
    }

    /// Whether the channel makes any sound (a note, or the release of one).
    pub fn sounding(&self) -> bool {
        self.remaining > 0 || self.env > 0
    }

    /// The next mono sample, `-PEAK..=PEAK` before volume and envelope, and its gain: the
    /// product of volume (0–255) and envelope (0..=ENV_MAX).
    pub(super) fn next(&mut self) -> (i32, u32) {
        if self.remaining > 0 {
            self.remaining -= 1;
            self.env = (self.env + ATTACK_STEP).min(ENV_MAX);
        } else {
            self.env = self.env.saturating_sub(RELEASE_STEP);
        }
        if self.env == 0 {
            return (0, 0);
        }
        let value = match self.wave {
            Wave::Pulse => wave::pulse(self.phase, self.duty),
            Wave::Triangle => wave::triangle(self.phase),
            Wave::Saw => wave::saw(self.phase),
            Wave::Sine => wave::sine(self.phase),
            Wave::Noise => self.noise.value(),
        };
        let before = self.phase >> 29;
        self.phase = self.phase.wrapping_add(self.step);
        if self.wave == Wave::Noise {
            // The register steps eight times per period; a step is under half a period, so
            // the eighths crossed are fewer than eight and the wrapped difference is exact.
            let crossed = (self.phase >> 29).wrapping_sub(before) & 7;
            for _ in 0..crossed {
                self.noise.step();
            }
        }
        (value, u32::from(self.volume) * self.env)
    }
}
