//! The console's sound device: a four-channel synthesizer and a sixteen-voice sampler,
//! mixed into 48 kHz 16-bit stereo with integer arithmetic only, so the same cart with the
//! same input produces the same samples on every machine and run.
//!
//! The host functions only change channel and voice states. The embedder calls
//! [`Audio::mix_frame`] once at the end of every video frame (every tick of the frame loop),
//! which renders exactly [`SAMPLES_PER_FRAME`] stereo sample frames into an [`AudioBlock`];
//! a headless run appends the blocks to a WAV file, a player feeds them to its audio output.

mod mixer;
pub mod sampler;
pub mod synth;
pub mod wave;

pub use sampler::{Sound, Voice, VOICES};
pub use synth::{Channel, Wave, CHANNELS};

/// The output sample rate, in Hz.
pub const SAMPLE_RATE: u32 = 48_000;

/// Stereo sample frames per video frame (48,000 / 60).
pub const SAMPLES_PER_FRAME: usize = 800;

/// One video frame of output: `SAMPLES_PER_FRAME` stereo frames, interleaved left then right.
pub type AudioBlock = [i16; SAMPLES_PER_FRAME * 2];

/// A silent block.
pub const SILENT_BLOCK: AudioBlock = [0; SAMPLES_PER_FRAME * 2];

/// An argument of an `Audio` call out of its range.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AudioError {
    /// A channel outside `0..4`.
    Channel(i64),
    /// A voice outside `0..16`.
    Voice(i64),
    /// A wave number that is not a `Wave.*` constant.
    Wave(i64),
    /// A frequency outside 20–20,000 Hz.
    Frequency(i64),
    /// A tone length outside 1–36,000 frames.
    Frames(i64),
    /// A volume outside 0–255.
    Volume(i64),
    /// A pan outside 0–255.
    Pan(i64),
    /// A pitch outside 1–4,096.
    Pitch(i64),
    /// A pulse duty outside 1–255.
    Duty(i64),
}

impl std::fmt::Display for AudioError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            AudioError::Channel(c) => write!(
                f,
                "channel {c} does not exist; the synthesizer has channels 0 to {}",
                CHANNELS - 1
            ),
            AudioError::Voice(v) => write!(
                f,
                "voice {v} does not exist; the sampler has voices 0 to {}",
                VOICES - 1
            ),
            AudioError::Wave(w) => write!(
                f,
                "{w} is not a wave; use Wave.PULSE, Wave.TRIANGLE, Wave.SAW, Wave.SINE or Wave.NOISE"
            ),
            AudioError::Frequency(hz) => write!(
                f,
                "a frequency of {hz} Hz is outside the audible range; use {} to {} Hz",
                synth::MIN_FREQ,
                synth::MAX_FREQ
            ),
            AudioError::Frames(n) => write!(
                f,
                "a tone of {n} frames is out of range; use 1 to {} frames",
                synth::MAX_TONE_FRAMES
            ),
            AudioError::Volume(v) => write!(f, "volume {v} is out of range; use 0 to 255"),
            AudioError::Pan(p) => write!(
                f,
                "pan {p} is out of range; use 0 (left) to 255 (right), 128 for the centre"
            ),
            AudioError::Pitch(p) => write!(
                f,
                "pitch {p} is out of range; use 1 to {} in 1/256ths of the recorded rate (256 plays as recorded)",
                sampler::MAX_PITCH
            ),
            AudioError::Duty(d) => write!(
                f,
                "duty {d} is out of range; use 1 to 255 in 1/256ths of the period (128 is square)"
            ),
        }
    }
}

impl std::error::Error for AudioError {}

/// Checks a volume argument.
fn volume(v: i64) -> Result<u8, AudioError> {
    u8::try_from(v).map_err(|_| AudioError::Volume(v))
}

/// The sound device: channel and voice states; see the module documentation.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Audio {
    channels: [Channel; CHANNELS],
    voices: [Voice; VOICES],
}

impl Audio {
    /// A silent device.
    pub fn new() -> Audio {
        Audio::default()
    }

    /// The synthesizer channel `index`, or the error for a channel that does not exist.
    pub fn channel(&mut self, index: i64) -> Result<&mut Channel, AudioError> {
        usize::try_from(index)
            .ok()
            .and_then(|i| self.channels.get_mut(i))
            .ok_or(AudioError::Channel(index))
    }

    /// The sampler voice `index`, or the error for a voice that does not exist.
    pub fn voice(&mut self, index: i64) -> Result<&mut Voice, AudioError> {
        usize::try_from(index)
            .ok()
            .and_then(|i| self.voices.get_mut(i))
            .ok_or(AudioError::Voice(index))
    }

    /// `Audio.play`: plays `sound` on a voice at a volume (0–255), pan (0–255, 128 the
    /// centre) and pitch (1/256ths of the recorded rate), once or looped.
    pub fn play(
        &mut self,
        voice: i64,
        sound: &Sound,
        volume: i64,
        pan: i64,
        pitch: i64,
        looped: bool,
    ) -> Result<(), AudioError> {
        self.voice(voice)?.play(sound, volume, pan, pitch, looped)
    }

    /// `Audio.tone`: plays a tone on a channel.
    pub fn tone(
        &mut self,
        channel: i64,
        wave: i64,
        freq: i64,
        frames: i64,
        volume: i64,
    ) -> Result<(), AudioError> {
        let channel = self.channel(channel)?;
        let wave = Wave::from_id(wave).ok_or(AudioError::Wave(wave))?;
        channel.tone(wave, freq, frames, volume)
    }

    /// How many channels and voices make sound.
    pub fn active(&self) -> usize {
        self.channels.iter().filter(|c| c.sounding()).count()
            + self.voices.iter().filter(|v| v.sounding()).count()
    }
}

#[cfg(test)]
mod tests;
