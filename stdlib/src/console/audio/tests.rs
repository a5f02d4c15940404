//! Tests of the sound device: golden hashes of every wave and of a sample at several pitches
//! and pans, frequency and duration measured from the samples, releases, ranges and traps.

use super::*;

/// Renders `frames` video frames, interleaved stereo.
fn render(audio: &mut Audio, frames: usize) -> Vec<i16> {
    let mut out = Vec::with_capacity(frames * SAMPLES_PER_FRAME * 2);
    let mut block = SILENT_BLOCK;
    for _ in 0..frames {
        audio.mix_frame(&mut block);
        out.extend_from_slice(&block);
    }
    out
}

/// FNV-1a over the little-endian bytes of the samples.
fn hash(samples: &[i16]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in samples.iter().flat_map(|s| s.to_le_bytes()) {
        h ^= u64::from(byte);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// The left channel of interleaved samples.
fn left(samples: &[i16]) -> Vec<i16> {
    samples.iter().step_by(2).copied().collect()
}

/// The right channel of interleaved samples.
fn right(samples: &[i16]) -> Vec<i16> {
    samples.iter().skip(1).step_by(2).copied().collect()
}

/// Upward zero crossings of a mono signal.
fn rising_crossings(mono: &[i16]) -> usize {
    mono.windows(2).filter(|w| w[0] < 0 && w[1] >= 0).count()
}

/// A tone of one wave: 440 Hz for 4 frames at volume 200, rendered for 6 frames.
fn tone_of(wave: i64) -> Vec<i16> {
    let mut audio = Audio::new();
    audio.tone(1, wave, 440, 4, 200).unwrap();
    render(&mut audio, 6)
}

#[test]
fn every_wave_has_its_golden_hash() {
    let hashes: Vec<u64> = (0..5).map(|w| hash(&tone_of(w))).collect();
    assert_eq!(
        hashes,
        [
            0x0cc6_d4c9_2a45_ca79,
            0x8fa2_b611_ae40_e7d1,
            0xd73f_1f82_2488_b565,
            0x662a_ee1b_6104_cb85,
            0x9b77_3f15_ca05_43f1,
        ],
        "{hashes:#018x?}"
    );
}

#[test]
fn wave_constants_name_the_waves_in_order() {
    let constants = crate::console::constants();
    for (i, name) in ["PULSE", "TRIANGLE", "SAW", "SINE", "NOISE"]
        .iter()
        .enumerate()
    {
        let value = constants
            .iter()
            .find(|(n, _)| *n == format!("Wave.{name}"))
            .map(|(_, v)| *v);
        assert_eq!(
            value,
            Some(prometeu_bytecode::BuiltinConstant::Int(i as i64))
        );
        assert_eq!(Wave::from_id(i as i64), Some(Wave::ALL[i]));
    }
    assert_eq!(Wave::from_id(5), None);
}

#[test]
fn a_tone_has_its_frequency_from_zero_crossings() {
    for (wave, freq) in [
        (0, 440),
        (1, 1000),
        (2, 220),
        (3, 440),
        (3, 20),
        (3, 20_000),
    ] {
        let mut audio = Audio::new();
        audio.tone(0, wave, freq, 60, 255).unwrap();
        let out = render(&mut audio, 60);
        // One second of sound: the crossings count the periods, give or take the edges.
        let crossings = rising_crossings(&left(&out)) as i64;
        assert!(
            (crossings - freq).abs() <= 2,
            "wave {wave} at {freq} Hz crossed zero upwards {crossings} times in a second"
        );
    }
}

#[test]
fn a_tone_lasts_its_frames_then_releases_to_silence() {
    let mut audio = Audio::new();
    audio.tone(2, 3, 500, 3, 255).unwrap();
    let out = left(&render(&mut audio, 6));
    let last = out.iter().rposition(|&s| s != 0).unwrap();
    // 3 frames of 800 samples, then a release of at most 480 samples.
    assert!(
        (3 * 800..3 * 800 + 480).contains(&last),
        "the last sound is at sample {last}"
    );
    // Sound across the whole note: every 10 ms window of the note has a non-zero sample.
    for window in out[..2400].chunks(480) {
        assert!(window.iter().any(|&s| s != 0));
    }
    assert_eq!(audio.active(), 0, "a released channel is idle");
    assert!(render(&mut audio, 2).iter().all(|&s| s == 0));
}

#[test]
fn the_release_never_jumps_more_than_a_step() {
    // At the end of a note and at `silence`, the envelope falls linearly: no sample differs
    // from the one before by more than the loudest wave moves in one sample plus one step.
    let mut audio = Audio::new();
    audio.tone(0, 1, 100, 2, 255).unwrap();
    let mut out = render(&mut audio, 1);
    audio.channel(0).unwrap().silence();
    out.extend(render(&mut audio, 2));
    let mono = left(&out);
    // After the 1 ms attack (48 samples), which ramps a wave that starts at its peak.
    let biggest = mono[48..]
        .windows(2)
        .map(|w| (i32::from(w[1]) - i32::from(w[0])).abs())
        .max()
        .unwrap();
    // A 100 Hz triangle moves 10,239 × 4 / 480 ≈ 85 per sample; the release adds ≤ 22.
    assert!(biggest <= 110, "a jump of {biggest}");
    assert_eq!(*mono.last().unwrap(), 0);
}

#[test]
fn one_source_at_full_volume_peaks_above_a_quarter_of_full_scale() {
    let mut audio = Audio::new();
    audio.tone(0, 0, 440, 2, 255).unwrap();
    let out = render(&mut audio, 2);
    let peak = out.iter().map(|s| i32::from(*s).abs()).max().unwrap();
    assert!(peak >= 32768 / 4, "peak {peak}");
}

#[test]
fn the_sum_saturates_instead_of_wrapping() {
    let mut audio = Audio::new();
    let loud = Sound::new(vec![i16::MAX; 4000]);
    for c in 0..4 {
        audio.tone(c, 0, 100, 2, 255).unwrap();
    }
    for v in 0..16 {
        audio.play(v, &loud, 255, 128, 256, true).unwrap();
    }
    let out = render(&mut audio, 1);
    // The pulse starts high: every source adds, the sum is far above i16::MAX, and stays so.
    assert!(
        out[200..400].iter().all(|&s| s == i16::MAX),
        "{:?}",
        &out[200..210]
    );
}

/// A test sound: one period of a 16-sample ramp, repeated, 4,800 samples (0.1 s).
fn ramp() -> Sound {
    Sound::new(
        (0..4800)
            .map(|i| ((i % 16) as i16 - 8) * 2000)
            .collect::<Vec<_>>(),
    )
}

#[test]
fn a_sample_has_its_golden_hash_at_each_pitch_and_pan() {
    let mut hashes = Vec::new();
    for (pitch, pan) in [(256, 128), (128, 0), (512, 255), (300, 64)] {
        let mut audio = Audio::new();
        audio.play(3, &ramp(), 200, pan, pitch, false).unwrap();
        hashes.push(hash(&render(&mut audio, 14)));
    }
    assert_eq!(
        hashes,
        [
            0x32d2_cfd6_aae7_7d85,
            0x42fb_a10b_1404_4d73,
            0xcdd7_616a_2591_5105,
            0xb007_d2a1_cc78_689d,
        ],
        "{hashes:#018x?}"
    );
}

#[test]
fn pitch_changes_the_length_and_frequency_of_a_sample() {
    for (pitch, samples) in [(256u64, 4800u64), (128, 9600), (512, 2400), (1024, 1200)] {
        let mut audio = Audio::new();
        audio
            .play(0, &ramp(), 255, 128, pitch as i64, false)
            .unwrap();
        let out = left(&render(&mut audio, 14));
        let last = out.iter().rposition(|&s| s != 0).unwrap() as u64;
        assert!(
            last < samples && last + 2 >= samples,
            "pitch {pitch}: sound ends at sample {last}, expected about {samples}"
        );
        // The ramp has 300 periods; resampled, they still are 300 periods.
        let crossings = rising_crossings(&out);
        assert!(
            (299..=301).contains(&crossings),
            "pitch {pitch}: {crossings} periods"
        );
        assert!(!audio.voice(0).unwrap().playing());
    }
}

#[test]
fn pitch_interpolates_linearly_between_samples() {
    let mut audio = Audio::new();
    let sound = Sound::new(vec![0, 25_600, 0]);
    audio.play(0, &sound, 255, 128, 64, false).unwrap();
    let out = left(&render(&mut audio, 1));
    // Quarter steps from 0 to 25,600 and back, scaled by 255/255 × 5/16 and the centre pan.
    let expected: Vec<i16> = [0, 6400, 12800, 19200, 25600, 19200, 12800, 6400]
        .iter()
        .map(|&v: &i32| (v * 5 / 16 * 254 / 255) as i16)
        .collect();
    assert_eq!(&out[..8], expected.as_slice());
}

#[test]
fn pan_sends_a_voice_left_right_or_to_both() {
    for (pan, expect_left, expect_right) in
        [(0, true, false), (255, false, true), (128, true, true)]
    {
        let mut audio = Audio::new();
        audio.play(5, &ramp(), 255, pan, 256, false).unwrap();
        let out = render(&mut audio, 2);
        let loud = |s: Vec<i16>| s.iter().any(|&v| v.abs() > 1000);
        assert_eq!(loud(left(&out)), expect_left, "pan {pan} left");
        assert_eq!(loud(right(&out)), expect_right, "pan {pan} right");
    }
}

#[test]
fn a_looped_sample_plays_until_stopped_then_releases() {
    let mut audio = Audio::new();
    audio.play(15, &ramp(), 255, 128, 256, true).unwrap();
    let out = left(&render(&mut audio, 30));
    assert!(
        out[24_000 - 800..].iter().any(|&s| s != 0),
        "still playing after 0.5 s"
    );
    assert!(audio.voice(15).unwrap().playing());
    audio.voice(15).unwrap().stop();
    assert!(!audio.voice(15).unwrap().playing());
    let tail = left(&render(&mut audio, 2));
    let last = tail.iter().rposition(|&s| s != 0).unwrap();
    assert!(last < 480, "the release ends within 10 ms, not at {last}");
    assert_eq!(audio.active(), 0);
}

#[test]
fn volume_changes_a_playing_voice() {
    let mut audio = Audio::new();
    audio.play(2, &ramp(), 255, 128, 256, true).unwrap();
    let loud = render(&mut audio, 1);
    audio.voice(2).unwrap().set_volume(0).unwrap();
    let quiet = render(&mut audio, 1);
    assert!(loud.iter().any(|&s| s != 0));
    assert!(quiet.iter().all(|&s| s == 0));
    assert!(
        audio.voice(2).unwrap().playing(),
        "volume 0 keeps the voice playing"
    );
}

#[test]
fn the_mix_is_identical_across_runs() {
    let run = || {
        let mut audio = Audio::new();
        audio.tone(0, 4, 3000, 20, 120).unwrap();
        audio.tone(3, 3, 261, 10, 255).unwrap();
        audio.play(7, &ramp(), 90, 30, 333, true).unwrap();
        render(&mut audio, 20)
    };
    assert_eq!(run(), run());
}

#[test]
fn noise_is_not_periodic_at_its_frequency() {
    let out = left(&tone_of(4));
    let distinct: std::collections::HashSet<&[i16]> = out[..3200].chunks(109).collect();
    assert!(
        distinct.len() > 20,
        "noise repeats: {} distinct chunks",
        distinct.len()
    );
}

#[test]
fn out_of_range_arguments_are_errors_with_their_range() {
    let mut audio = Audio::new();
    let cases: Vec<(Result<(), AudioError>, &str)> = vec![
        (
            audio.tone(4, 0, 440, 1, 1),
            "channel 4 does not exist; the synthesizer has channels 0 to 3",
        ),
        (audio.tone(-1, 0, 440, 1, 1), "channel -1"),
        (audio.tone(0, 5, 440, 1, 1), "5 is not a wave"),
        (
            audio.tone(0, 0, 19, 1, 1),
            "a frequency of 19 Hz is outside the audible range; use 20 to 20000 Hz",
        ),
        (audio.tone(0, 0, 20_001, 1, 1), "20001 Hz"),
        (audio.tone(0, 0, 440, 0, 1), "a tone of 0 frames"),
        (audio.tone(0, 0, 440, 36_001, 1), "36001 frames"),
        (
            audio.tone(0, 0, 440, 1, 256),
            "volume 256 is out of range; use 0 to 255",
        ),
        (audio.tone(0, 0, 440, 1, -1), "volume -1"),
        (
            audio.play(16, &ramp(), 1, 1, 256, false),
            "voice 16 does not exist; the sampler has voices 0 to 15",
        ),
        (
            audio.play(0, &ramp(), 1, 256, 256, false),
            "pan 256 is out of range",
        ),
        (audio.play(0, &ramp(), 1, -1, 256, false), "pan -1"),
        (
            audio.play(0, &ramp(), 1, 1, 0, false),
            "pitch 0 is out of range; use 1 to 4096",
        ),
        (audio.play(0, &ramp(), 1, 1, 4097, false), "pitch 4097"),
        (audio.play(0, &ramp(), 300, 1, 256, false), "volume 300"),
        (
            audio.channel(0).and_then(|c| c.set_duty(0)),
            "duty 0 is out of range",
        ),
        (audio.voice(0).and_then(|v| v.set_volume(-5)), "volume -5"),
    ];
    for (result, text) in cases {
        let message = result.expect_err(text).to_string();
        assert!(
            message.contains(text),
            "{message:?} should contain {text:?}"
        );
    }
    assert_eq!(audio, Audio::new(), "a rejected call changes nothing");
}

#[test]
fn duty_changes_the_pulse_width() {
    let high_share = |duty: i64| {
        let mut audio = Audio::new();
        audio.channel(0).unwrap().set_duty(duty).unwrap();
        audio.tone(0, 0, 100, 10, 255).unwrap();
        let out = left(&render(&mut audio, 10));
        out.iter().filter(|&&s| s > 0).count() * 100 / out.len()
    };
    assert!((48..=52).contains(&high_share(128)));
    assert!((23..=27).contains(&high_share(64)));
}
