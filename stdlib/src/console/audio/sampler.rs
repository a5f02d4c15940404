//! The sampler: sixteen voices playing [`Sound`] buffers at any pitch (linear-interpolation
//! resampling), volume and pan, once or looped.

use super::synth::ENV_MAX;
use super::AudioError;
use std::sync::Arc;

/// The number of sampler voices.
pub const VOICES: usize = 16;

/// The highest pitch, in 1/256ths of the recorded rate (16 times as fast).
pub const MAX_PITCH: i64 = 16 * 256;

/// The envelope's fall per sample after `Audio.stop`: silence in 10 ms (480 samples).
const RELEASE_STEP: u32 = ENV_MAX / 480;

/// A sound: mono 16-bit samples at 48 kHz, shared by every voice that plays it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sound {
    samples: Arc<[i16]>,
}

impl Sound {
    /// A sound from mono 16-bit samples at 48 kHz.
    pub fn new(samples: impl Into<Arc<[i16]>>) -> Sound {
        Sound {
            samples: samples.into(),
        }
    }

    /// The samples.
    pub fn samples(&self) -> &[i16] {
        &self.samples
    }

    /// The length in samples.
    pub fn len(&self) -> usize {
        self.samples.len()
    }

    /// Whether the sound has no samples.
    pub fn is_empty(&self) -> bool {
        self.samples.is_empty()
    }
}

/// One sampler voice.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Voice {
    sound: Option<Sound>,
    /// The read position in 1/256ths of a sample.
    position: u64,
    /// The position advance per output sample, in 1/256ths (the pitch).
    pitch: u64,
    volume: u8,
    pan: u8,
    looped: bool,
    /// Whether `Audio.stop` released the voice.
    released: bool,
    /// The release envelope, ENV_MAX while playing.
    env: u32,
}

impl Voice {
    /// Starts playing `sound` from its beginning, replacing whatever the voice played.
    pub fn play(
        &mut self,
        sound: &Sound,
        volume: i64,
        pan: i64,
        pitch: i64,
        looped: bool,
    ) -> Result<(), AudioError> {
        let volume = super::volume(volume)?;
        let pan = u8::try_from(pan).map_err(|_| AudioError::Pan(pan))?;
        if !(1..=MAX_PITCH).contains(&pitch) {
            return Err(AudioError::Pitch(pitch));
        }
        *self = Voice {
            sound: (!sound.is_empty()).then(|| sound.clone()),
            position: 0,
            pitch: pitch as u64,
            volume,
            pan,
            looped,
            released: false,
            env: ENV_MAX,
        };
        Ok(())
    }

    /// Stops the voice with a short release.
    pub fn stop(&mut self) {
        self.released = true;
    }

    /// Whether the voice is playing a sound that has not ended or been stopped.
    pub fn playing(&self) -> bool {
        self.sound.is_some() && !self.released
    }

    /// Changes the volume of the sound being played.
    pub fn set_volume(&mut self, volume: i64) -> Result<(), AudioError> {
        self.volume = super::volume(volume)?;
        Ok(())
    }

    /// The pan, 0 (left) to 255 (right).
    pub(super) fn pan(&self) -> u8 {
        self.pan
    }

    /// Whether the voice makes any sound.
    pub(super) fn sounding(&self) -> bool {
        self.sound.is_some()
    }

    /// The next mono sample and its gain (volume × envelope), advancing the position.
    pub(super) fn next(&mut self) -> (i32, u32) {
        let Some(sound) = &self.sound else {
            return (0, 0);
        };
        if self.released {
            self.env = self.env.saturating_sub(RELEASE_STEP);
            if self.env == 0 {
                self.sound = None;
                return (0, 0);
            }
        }
        let samples = sound.samples();
        let len = samples.len() as u64;
        let index = (self.position >> 8) as usize;
        let frac = (self.position & 0xff) as i32;
        let a = i32::from(samples[index]);
        let b = match samples.get(index + 1) {
            Some(&b) => i32::from(b),
            None if self.looped => i32::from(samples[0]),
            None => a,
        };
        let value = a + (((b - a) * frac) >> 8);
        let gain = u32::from(self.volume) * self.env;
        self.position += self.pitch;
        if self.position >= len << 8 {
            if self.looped {
                self.position %= len << 8;
            } else {
                self.sound = None;
            }
        }
        (value, gain)
    }
}
