//! Live sound: the console's 48 kHz stereo blocks played through the default output device.
//!
//! The frame loop feeds one block (800 stereo sample frames) per simulated frame into a small
//! [`Ring`]; the device's callback, on its own thread, takes samples out of it. The ring holds
//! at most [`CAPACITY_FRAMES`] frames of sound, and after starting (or running dry) it waits
//! until [`PRIME_FRAMES`] frames are buffered before playing, so the sound lags the picture by
//! about two frames (33 ms) plus the device's own buffer. When the ring runs dry the device
//! plays silence; when it is full the oldest samples are dropped, so the lag never grows.

use cpal::traits::{DeviceTrait, HostTrait, StreamTrait};
use cpal::{FromSample, SampleFormat, SizedSample, StreamConfig};
use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard};

/// The console's sample rate.
pub const SAMPLE_RATE: u32 = 48_000;

/// The stereo sample frames of one simulated frame (48 000 / 60).
pub const FRAME_SAMPLES: usize = 800;

/// The most frames of sound the ring holds before it drops the oldest.
pub const CAPACITY_FRAMES: usize = 4;

/// The frames of sound buffered before playing starts (again).
pub const PRIME_FRAMES: usize = 2;

/// A bounded queue of interleaved stereo samples between the frame loop and the device.
#[derive(Debug)]
pub struct Ring {
    samples: VecDeque<i16>,
    capacity: usize,
    prime: usize,
    primed: bool,
    underruns: u64,
    dropped: u64,
    requested: u64,
}

impl Default for Ring {
    fn default() -> Ring {
        Ring::new(
            CAPACITY_FRAMES * FRAME_SAMPLES,
            PRIME_FRAMES * FRAME_SAMPLES,
        )
    }
}

impl Ring {
    /// A ring holding at most `capacity` stereo sample frames, which starts playing once
    /// `prime` of them are buffered.
    pub fn new(capacity: usize, prime: usize) -> Ring {
        Ring {
            samples: VecDeque::with_capacity(capacity * 2),
            capacity: capacity * 2,
            prime: prime.min(capacity) * 2,
            primed: false,
            underruns: 0,
            dropped: 0,
            requested: 0,
        }
    }

    /// Appends interleaved stereo samples, dropping the oldest ones past the capacity.
    pub fn feed(&mut self, block: &[i16]) {
        let block = &block[..block.len() & !1];
        let extra = (self.samples.len() + block.len()).saturating_sub(self.capacity);
        if extra > 0 {
            let from_old = extra.min(self.samples.len());
            self.samples.drain(..from_old);
            self.dropped += (extra / 2) as u64;
        }
        let keep = block.len().min(self.capacity);
        self.samples.extend(&block[block.len() - keep..]);
        if self.samples.len() >= self.prime {
            self.primed = true;
        }
    }

    /// Fills `out` with interleaved stereo samples; what the ring does not have is silence.
    pub fn consume(&mut self, out: &mut [i16]) {
        self.requested += (out.len() / 2) as u64;
        let mut filled = 0;
        if self.primed {
            filled = out.len().min(self.samples.len());
            for (slot, sample) in out.iter_mut().zip(self.samples.drain(..filled)) {
                *slot = sample;
            }
        }
        out[filled..].fill(0);
        if filled < out.len() {
            if self.primed {
                self.underruns += 1;
            }
            self.primed = self.prime == 0 && !self.samples.is_empty();
        }
    }

    /// Forgets the buffered sound (pause, restart, reload): the device plays silence until
    /// new frames are fed.
    pub fn clear(&mut self) {
        self.samples.clear();
        self.primed = false;
    }

    /// The stereo sample frames buffered now.
    pub fn buffered(&self) -> usize {
        self.samples.len() / 2
    }

    /// How often the device asked for more than the ring had while it was playing.
    pub fn underruns(&self) -> u64 {
        self.underruns
    }

    /// The stereo sample frames dropped because the ring was full.
    pub fn dropped(&self) -> u64 {
        self.dropped
    }

    /// The stereo sample frames the device asked for so far (played, or silence).
    pub fn requested(&self) -> u64 {
        self.requested
    }
}

/// The sound output of the player: a device stream fed from a shared [`Ring`], or nothing
/// (muted, or no usable device).
pub struct Audio {
    ring: Arc<Mutex<Ring>>,
    _stream: Option<cpal::Stream>,
}

/// Locks the ring; a poisoned lock (a panic on the other side) still holds a usable ring.
fn lock(ring: &Mutex<Ring>) -> MutexGuard<'_, Ring> {
    ring.lock().unwrap_or_else(|e| e.into_inner())
}

impl Audio {
    /// No sound at all: nothing is opened and feeding does nothing audible.
    pub fn silent() -> Audio {
        Audio {
            ring: Arc::new(Mutex::new(Ring::default())),
            _stream: None,
        }
    }

    /// Opens the default output device at 48 kHz; when there is none or it fails, the
    /// player runs silent and the error is the one-line notice to show.
    pub fn open() -> Result<Audio, (Audio, String)> {
        let ring = Arc::new(Mutex::new(Ring::default()));
        // alsa-lib writes its own complaints (no card, unknown PCM) to standard error; while
        // the device is opened on this thread they go to a buffer instead, so a machine
        // without sound gets the one notice below.
        #[cfg(any(
            target_os = "linux",
            target_os = "dragonfly",
            target_os = "freebsd",
            target_os = "netbsd"
        ))]
        let _quiet = alsa::Output::local_error_handler().ok();
        match open_stream(&ring) {
            Ok(stream) => Ok(Audio {
                ring,
                _stream: Some(stream),
            }),
            Err(why) => Err((
                Audio::silent(),
                format!("no sound: {why}; the cart runs silent (--mute skips the sound device)"),
            )),
        }
    }

    /// Whether a device is playing.
    pub fn is_live(&self) -> bool {
        self._stream.is_some()
    }

    /// Queues the sound of one simulated frame.
    pub fn feed(&self, block: &[i16]) {
        if self.is_live() {
            lock(&self.ring).feed(block);
        }
    }

    /// Forgets the queued sound.
    pub fn clear(&self) {
        lock(&self.ring).clear();
    }

    /// The ring's underruns, dropped sample frames and requested sample frames so far.
    pub fn counters(&self) -> (u64, u64, u64) {
        let ring = lock(&self.ring);
        (ring.underruns(), ring.dropped(), ring.requested())
    }
}

/// A cpal error as a lowercase phrase.
fn describe(e: &cpal::Error) -> String {
    use cpal::ErrorKind as K;
    match e.kind() {
        K::DeviceNotAvailable => "the audio device is not available".into(),
        K::HostUnavailable => "no audio system is running".into(),
        K::DeviceBusy => "the audio device is busy".into(),
        K::PermissionDenied => "access to the audio device was denied".into(),
        K::UnsupportedConfig => "the audio device cannot play 48 kHz".into(),
        _ => {
            let text = e.to_string();
            let text = text.trim_end_matches('.');
            let mut chars = text.chars();
            chars.next().map_or("the audio device failed".into(), |c| {
                c.to_lowercase().chain(chars).collect()
            })
        }
    }
}

/// Builds and starts the output stream on the default device.
fn open_stream(ring: &Arc<Mutex<Ring>>) -> Result<cpal::Stream, String> {
    let host = cpal::default_host();
    let device = host
        .default_output_device()
        .ok_or_else(|| "there is no audio output device".to_string())?;
    let supported = device
        .supported_output_configs()
        .map_err(|e| describe(&e))?
        .filter(|c| c.channels() >= 1)
        .filter_map(|c| c.try_with_sample_rate(SAMPLE_RATE))
        .min_by_key(|c| {
            let format = match c.sample_format() {
                SampleFormat::I16 => 0,
                SampleFormat::F32 => 1,
                _ => 2,
            };
            (c.channels() != 2, format)
        })
        .ok_or_else(|| "the audio device cannot play 48 kHz".to_string())?;
    let mut config = supported.config();
    // Ask for a device buffer of about one frame when the device says what it accepts.
    if let cpal::SupportedBufferSize::Range { min, max } = *supported.buffer_size() {
        config.buffer_size = cpal::BufferSize::Fixed((FRAME_SAMPLES as u32).clamp(min, max));
    }
    let stream = match supported.sample_format() {
        SampleFormat::I16 => build::<i16>(&device, &config, ring),
        SampleFormat::F32 => build::<f32>(&device, &config, ring),
        SampleFormat::I32 => build::<i32>(&device, &config, ring),
        SampleFormat::U16 => build::<u16>(&device, &config, ring),
        other => Err(format!("the audio device wants {other} samples")),
    }?;
    stream.play().map_err(|e| describe(&e))?;
    Ok(stream)
}

/// Builds a stream of `T` samples that plays the ring's stereo frames on every channel
/// layout (mono gets the average, extra channels silence).
fn build<T>(
    device: &cpal::Device,
    config: &StreamConfig,
    ring: &Arc<Mutex<Ring>>,
) -> Result<cpal::Stream, String>
where
    T: SizedSample + FromSample<i16>,
{
    let channels = usize::from(config.channels);
    let ring = ring.clone();
    let mut stereo: Vec<i16> = Vec::new();
    device
        .build_output_stream::<T, _, _>(
            *config,
            move |out: &mut [T], _| {
                let frames = out.len() / channels;
                stereo.resize(frames * 2, 0);
                lock(&ring).consume(&mut stereo);
                for (frame, lr) in out.chunks_mut(channels).zip(stereo.chunks(2)) {
                    if channels == 1 {
                        let mono = ((i32::from(lr[0]) + i32::from(lr[1])) / 2) as i16;
                        frame[0] = T::from_sample(mono);
                    } else {
                        for (i, slot) in frame.iter_mut().enumerate() {
                            *slot = T::from_sample(if i < 2 { lr[i] } else { 0 });
                        }
                    }
                }
            },
            |_| {},
            None,
        )
        .map_err(|e| describe(&e))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block(value: i16, frames: usize) -> Vec<i16> {
        vec![value; frames * 2]
    }

    #[test]
    fn fed_samples_come_out_in_order_once_primed() {
        let mut ring = Ring::new(8, 4);
        ring.feed(&[1, 2, 3, 4]);
        let mut out = [9i16; 4];
        ring.consume(&mut out);
        assert_eq!(out, [0; 4], "not primed yet: silence, nothing taken");
        assert_eq!(ring.buffered(), 2);
        ring.feed(&[5, 6, 7, 8]);
        let mut out = [0i16; 6];
        ring.consume(&mut out);
        assert_eq!(out, [1, 2, 3, 4, 5, 6]);
        assert_eq!(ring.buffered(), 1);
    }

    #[test]
    fn an_underrun_plays_silence_and_waits_to_prime_again() {
        let mut ring = Ring::new(8, 2);
        ring.feed(&block(7, 3));
        let mut out = [1i16; 10];
        ring.consume(&mut out);
        assert_eq!(&out[..6], &[7; 6]);
        assert_eq!(&out[6..], &[0; 4], "the missing part is silence");
        assert_eq!(ring.underruns(), 1);
        assert_eq!(ring.requested(), 5);
        ring.feed(&block(5, 1));
        let mut out = [1i16; 2];
        ring.consume(&mut out);
        assert_eq!(out, [0, 0], "below the priming level after running dry");
        ring.feed(&block(5, 1));
        ring.consume(&mut out);
        assert_eq!(out, [5, 5]);
    }

    #[test]
    fn an_overrun_drops_the_oldest_samples() {
        let mut ring = Ring::new(4, 1);
        ring.feed(&[1, 1, 2, 2, 3, 3]);
        ring.feed(&[4, 4, 5, 5]);
        assert_eq!(ring.buffered(), 4);
        assert_eq!(ring.dropped(), 1);
        let mut out = [0i16; 8];
        ring.consume(&mut out);
        assert_eq!(out, [2, 2, 3, 3, 4, 4, 5, 5]);
        ring.feed(&block(6, 10));
        assert_eq!(
            ring.buffered(),
            4,
            "a block larger than the ring keeps its end"
        );
        assert_eq!(ring.dropped(), 7);
    }

    #[test]
    fn the_default_ring_lags_two_frames_and_holds_four() {
        let mut ring = Ring::default();
        let mut out = vec![0i16; FRAME_SAMPLES * 2];
        ring.feed(&block(3, FRAME_SAMPLES));
        ring.consume(&mut out);
        assert!(
            out.iter().all(|&s| s == 0),
            "one frame is not enough to start"
        );
        ring.feed(&block(3, FRAME_SAMPLES));
        ring.consume(&mut out);
        assert!(out.iter().all(|&s| s == 3));
        for _ in 0..10 {
            ring.feed(&block(4, FRAME_SAMPLES));
        }
        assert_eq!(ring.buffered(), CAPACITY_FRAMES * FRAME_SAMPLES);
    }

    #[test]
    fn clearing_silences_at_once() {
        let mut ring = Ring::new(8, 1);
        ring.feed(&block(9, 4));
        ring.clear();
        let mut out = [1i16; 4];
        ring.consume(&mut out);
        assert_eq!(out, [0; 4]);
        assert_eq!(ring.underruns(), 0, "a cleared ring is not an underrun");
    }
}
