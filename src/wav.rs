//! WAV files of the console's sound: 48 kHz 16-bit stereo PCM, written and read with hound.
//! This module works on bytes in memory; the binary streams long runs to disk itself.

use crate::stdlib::console::audio::SAMPLE_RATE;
use std::io::Cursor;

/// The format of every WAV file the toolchain writes: 48 kHz, 16-bit, stereo PCM.
pub fn spec() -> hound::WavSpec {
    hound::WavSpec {
        channels: 2,
        sample_rate: SAMPLE_RATE,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    }
}

/// Encodes interleaved stereo samples (left, right, left, …) as a WAV file.
pub fn wav_bytes(samples: &[i16]) -> Vec<u8> {
    let mut cursor = Cursor::new(Vec::new());
    {
        let mut writer =
            hound::WavWriter::new(&mut cursor, spec()).expect("writing to memory cannot fail");
        for &s in samples {
            writer
                .write_sample(s)
                .expect("writing to memory cannot fail");
        }
        writer.finalize().expect("writing to memory cannot fail");
    }
    cursor.into_inner()
}

/// Why a golden WAV file could not be compared.
#[derive(Debug, thiserror::Error)]
pub enum WavError {
    /// hound could not read it.
    #[error("it is not a readable WAV file: {0}")]
    Unreadable(#[from] hound::Error),
    /// It is not 48 kHz 16-bit stereo PCM.
    #[error("it is {channels}-channel {bits}-bit at {rate} Hz; the console's sound is 2-channel 16-bit PCM at 48000 Hz")]
    Format {
        /// Its channels.
        channels: u16,
        /// Its bits per sample.
        bits: u16,
        /// Its sample rate.
        rate: u32,
    },
}

/// Decodes a 48 kHz 16-bit stereo WAV file into interleaved samples.
pub fn read_wav(bytes: &[u8]) -> Result<Vec<i16>, WavError> {
    let reader = hound::WavReader::new(Cursor::new(bytes))?;
    let s = reader.spec();
    if s != spec() {
        return Err(WavError::Format {
            channels: s.channels,
            bits: s.bits_per_sample,
            rate: s.sample_rate,
        });
    }
    reader
        .into_samples::<i16>()
        .collect::<Result<Vec<_>, _>>()
        .map_err(WavError::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_round_trip_through_a_wav_file() {
        let samples: Vec<i16> = (0..3200)
            .map(|i| (i * 37 % 65_536 - 32_768) as i16)
            .collect();
        let bytes = wav_bytes(&samples);
        assert_eq!(bytes.len(), 44 + samples.len() * 2);
        assert_eq!(read_wav(&bytes).unwrap(), samples);
    }

    #[test]
    fn a_wav_file_of_another_format_is_rejected() {
        let mut cursor = Cursor::new(Vec::new());
        let mono = hound::WavSpec {
            channels: 1,
            ..spec()
        };
        hound::WavWriter::new(&mut cursor, mono)
            .unwrap()
            .finalize()
            .unwrap();
        let message = read_wav(&cursor.into_inner()).unwrap_err().to_string();
        assert!(
            message.contains("1-channel 16-bit at 48000 Hz"),
            "{message}"
        );
        assert!(read_wav(b"RIFF").is_err());
    }
}
