//! `declare sound`: WAV files (read with `hound`) converted into 48 kHz mono 16-bit samples.
//!
//! Accepted: integer PCM of 8, 16, 24 or 32 bits and 32-bit float, mono or stereo, any sample
//! rate. Each sample is first brought to 16 bits (integer samples by an arithmetic shift, float
//! ones by `round(x × 32767)` after clamping to −1..=1), stereo is mixed to mono as the floor
//! of the average of the two channels, and the result is resampled to 48 kHz by linear
//! interpolation computed exactly in integers (see [`resample`]), so the same file always
//! gives the same samples.

use super::AssetError;
use prometeu_bytecode::assets::MAX_SOUND_SAMPLES;
use prometeu_bytecode::SoundAsset;
use prometeu_lexer::Span;

/// The console's sample rate.
const RATE: u64 = 48_000;

/// Converts the bytes of a WAV file; `written` is the path as written in the source.
pub(crate) fn convert(
    bytes: &[u8],
    written: &str,
    span: Span,
) -> Result<SoundAsset, Box<AssetError>> {
    let not_wav = |why: String| {
        Box::new(
            AssetError::new(
                "E0710",
                format!("`{written}` is not a valid WAV file: {why}"),
                span,
                "not a WAV file",
            )
            .with_help("`declare sound` takes a RIFF WAV file; export the sound as WAV (PCM) from your editor"),
        )
    };
    let unsupported = |why: String| {
        Box::new(
            AssetError::new(
                "E0711",
                format!("`{written}` uses an unsupported WAV format: {why}"),
                span,
                "unsupported WAV format",
            )
            .with_help(
                "save the sound as PCM with 8, 16, 24 or 32 bits (or 32-bit float), mono or stereo",
            ),
        )
    };
    let reader = hound::WavReader::new(std::io::Cursor::new(bytes)).map_err(|e| match e {
        hound::Error::Unsupported | hound::Error::TooWide | hound::Error::InvalidSampleFormat => {
            unsupported(describe(&e))
        }
        // Such as 4-bit ADPCM, 12-bit PCM or 64-bit floats: real encodings, not broken files.
        hound::Error::FormatError(why) if why.starts_with("bits per sample is not") => {
            unsupported(describe(&e))
        }
        other => not_wav(describe(&other)),
    })?;
    let spec = reader.spec();
    let channels = spec.channels;
    if !(1..=2).contains(&channels) {
        return Err(unsupported(format!(
            "it has {channels} channels; use mono or stereo"
        )));
    }
    if spec.sample_rate == 0 {
        return Err(unsupported("its sample rate is 0 Hz".to_string()));
    }
    let format = match (spec.sample_format, spec.bits_per_sample) {
        (hound::SampleFormat::Int, bits @ (8 | 16 | 24 | 32)) => Format::Int(bits),
        (hound::SampleFormat::Float, 32) => Format::Float,
        (hound::SampleFormat::Int, bits) => {
            return Err(unsupported(format!(
                "its samples have {bits} bits; use 8, 16, 24 or 32"
            )))
        }
        (hound::SampleFormat::Float, bits) => {
            return Err(unsupported(format!(
                "its samples are {bits}-bit floats; use 32-bit floats or integers"
            )))
        }
    };
    let frames = u64::from(reader.duration());
    let rate = u64::from(spec.sample_rate);
    let too_long = |out: u64| {
        Box::new(
            AssetError::new(
                "E0712",
                format!(
                    "`{written}` is too long: it becomes {out} samples at 48 kHz, more than the {MAX_SOUND_SAMPLES} a sound may have"
                ),
                span,
                "too long",
            )
            .with_help(format!(
                "a sound may last at most {} seconds; trim it or split it into several sounds",
                MAX_SOUND_SAMPLES as u64 / RATE
            )),
        )
    };
    if output_len(frames, rate) > MAX_SOUND_SAMPLES as u64 {
        return Err(too_long(output_len(frames, rate)));
    }
    let mono = read_mono(reader, format, channels).map_err(|e| not_wav(describe(&e)))?;
    if mono.is_empty() {
        return Err(Box::new(
            AssetError::new(
                "E0713",
                format!("`{written}` holds no samples"),
                span,
                "an empty sound",
            )
            .with_help("a sound needs at least one sample; check that the file was exported with its audio"),
        ));
    }
    let out = output_len(mono.len() as u64, rate);
    if out > MAX_SOUND_SAMPLES as u64 {
        return Err(too_long(out));
    }
    Ok(SoundAsset {
        name: written.to_string(),
        samples: resample(&mono, rate).into(),
    })
}

/// The sample encodings accepted.
#[derive(Clone, Copy)]
enum Format {
    /// Integer PCM of this many bits.
    Int(u16),
    /// 32-bit float.
    Float,
}

/// Reads every sample frame, converted to 16 bits and mixed to mono.
fn read_mono(
    mut reader: hound::WavReader<std::io::Cursor<&[u8]>>,
    format: Format,
    channels: u16,
) -> Result<Vec<i16>, hound::Error> {
    let mut samples: Vec<i32> = Vec::new();
    match format {
        Format::Int(bits) => {
            for s in reader.samples::<i32>() {
                samples.push(int_to_16(s?, bits));
            }
        }
        Format::Float => {
            for s in reader.samples::<f32>() {
                samples.push(float_to_16(s?));
            }
        }
    }
    Ok(if channels == 2 {
        samples
            .chunks(2)
            .map(|pair| {
                let (l, r) = (pair[0], pair.get(1).copied().unwrap_or(pair[0]));
                ((l + r) >> 1) as i16
            })
            .collect()
    } else {
        samples.into_iter().map(|s| s as i16).collect()
    })
}

/// An integer sample of `bits` bits as a 16-bit one (an arithmetic shift either way).
fn int_to_16(sample: i32, bits: u16) -> i32 {
    if bits <= 16 {
        sample << (16 - bits)
    } else {
        sample >> (bits - 16)
    }
}

/// A float sample as a 16-bit one: clamped to −1..=1, scaled by 32,767 and rounded (NaN is 0).
fn float_to_16(sample: f32) -> i32 {
    if sample.is_nan() {
        return 0;
    }
    (sample.clamp(-1.0, 1.0) * 32767.0).round() as i32
}

/// How many 48 kHz samples `frames` frames at `rate` Hz become: `ceil(frames × 48000 / rate)`.
fn output_len(frames: u64, rate: u64) -> u64 {
    (u128::from(frames) * u128::from(RATE)).div_ceil(u128::from(rate)) as u64
}

/// Resamples mono samples at `rate` Hz to 48 kHz by linear interpolation in exact integer
/// arithmetic: output sample `i` sits at source position `i × rate / 48000`, whose whole part
/// `k` and remainder `f` give `s[k] + (s[k+1] − s[k]) × f / 48000` (rounded toward negative
/// infinity; past the last sample `s[k+1]` is `s[k]`). At 48 kHz the samples are unchanged.
pub(crate) fn resample(samples: &[i16], rate: u64) -> Vec<i16> {
    if rate == RATE {
        return samples.to_vec();
    }
    let len = output_len(samples.len() as u64, rate);
    (0..len)
        .map(|i| {
            let position = u128::from(i) * u128::from(rate);
            let k = (position / u128::from(RATE)) as usize;
            let f = (position % u128::from(RATE)) as i64;
            let a = i64::from(samples[k]);
            let b = i64::from(samples.get(k + 1).copied().unwrap_or(samples[k]));
            (a + ((b - a) * f).div_euclid(RATE as i64)) as i16
        })
        .collect()
}

/// A decoding error in words.
fn describe(e: &hound::Error) -> String {
    match e {
        // The bytes are in memory: the only failure of a read is running out of them.
        hound::Error::IoError(_) => "the file ends in the middle of its data".to_string(),
        hound::Error::FormatError(why) => why.to_string(),
        hound::Error::TooWide => "its samples are wider than 32 bits".to_string(),
        hound::Error::UnfinishedSample => "the data ends in the middle of a sample".to_string(),
        hound::Error::Unsupported => {
            "a WAV feature (such as a compressed encoding) that is not supported".to_string()
        }
        hound::Error::InvalidSampleFormat => "an invalid sample format".to_string(),
    }
}
