//! The mixer: renders one video frame of every channel and voice into a stereo block.
//!
//! Each source's sample (`-32767..=32767`) is scaled by its volume (0–255) and envelope,
//! then by 5/16, so one source at volume 255 peaks at 10,239 (just under a third of full
//! scale). Synthesizer channels sound in the centre at full level on both sides; a voice's
//! pan uses a balance law: the left gain is `min(255, 2 × (255 − pan))` / 255 and the right
//! `min(255, 2 × pan)` / 255, so 128 plays at (nearly) full level on both sides, 0 only on
//! the left and 255 only on the right. The sums are 32-bit and saturate to 16 bits.

use super::synth::ENV_MAX;
use super::{Audio, AudioBlock, SAMPLES_PER_FRAME};

/// The divisor taking `sample × volume × envelope × 5` to output scale.
const SCALE: i64 = 255 * ENV_MAX as i64 * 16;

/// A source's contribution at its gain (volume × envelope).
fn scaled(value: i32, gain: u32) -> i32 {
    (i64::from(value) * i64::from(gain) * 5 / SCALE) as i32
}

/// The (left, right) gains of a pan, in 1/255ths.
fn pan_gains(pan: u8) -> (i32, i32) {
    let pan = i32::from(pan);
    ((2 * (255 - pan)).min(255), (2 * pan).min(255))
}

impl Audio {
    /// Renders the next video frame: advances every channel and voice by
    /// [`SAMPLES_PER_FRAME`] samples and writes the mix, interleaved left then right.
    pub fn mix_frame(&mut self, out: &mut AudioBlock) {
        let mut left = [0i32; SAMPLES_PER_FRAME];
        let mut right = [0i32; SAMPLES_PER_FRAME];
        for channel in self.channels.iter_mut().filter(|c| c.sounding()) {
            for (l, r) in left.iter_mut().zip(right.iter_mut()) {
                let (value, gain) = channel.next();
                let s = scaled(value, gain);
                *l += s;
                *r += s;
            }
        }
        for voice in self.voices.iter_mut().filter(|v| v.sounding()) {
            let (lg, rg) = pan_gains(voice.pan());
            for (l, r) in left.iter_mut().zip(right.iter_mut()) {
                let (value, gain) = voice.next();
                let s = scaled(value, gain);
                *l += s * lg / 255;
                *r += s * rg / 255;
            }
        }
        for (pair, (l, r)) in out.chunks_exact_mut(2).zip(left.iter().zip(&right)) {
            pair[0] = (*l).clamp(i32::from(i16::MIN), i32::from(i16::MAX)) as i16;
            pair[1] = (*r).clamp(i32::from(i16::MIN), i32::from(i16::MAX)) as i16;
        }
    }
}
