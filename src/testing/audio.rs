//! `// expect audio: FILE.wav`: the sound of a cart test's whole run against a golden WAV
//! file, sample for sample, or blessed into it.

use super::{sibling, FileWrite, ReadFile, TestOptions, TestReport, WriteKind};
use crate::stdlib::console::audio::SAMPLES_PER_FRAME;
use crate::wav::{read_wav, wav_bytes};

/// Where a test's sound is compared, and how.
pub(super) struct AudioCheck<'a> {
    /// The test's name (its path), to show companion files by their path.
    pub name: &'a str,
    /// The reader of companion files.
    pub read: ReadFile<'a>,
    /// The options (`--bless`).
    pub options: &'a TestOptions,
}

/// The first sample frame where two interleaved stereo signals differ, with the channel.
fn first_difference(golden: &[i16], actual: &[i16]) -> Option<(usize, &'static str, i16, i16)> {
    golden
        .iter()
        .zip(actual)
        .position(|(g, a)| g != a)
        .map(|i| {
            let side = if i % 2 == 0 { "left" } else { "right" };
            (i / 2, side, golden[i], actual[i])
        })
}

impl AudioCheck<'_> {
    /// Compares the run's samples (interleaved stereo) with the golden file at `file`.
    pub(super) fn check(&self, line: usize, file: &str, samples: &[i16], report: &mut TestReport) {
        let shown = |path: &str| sibling(self.name, path);
        let golden = (self.read)(file);
        if self.options.bless {
            let same =
                matches!(&golden, Ok(Some(bytes)) if read_wav(bytes).is_ok_and(|g| g == samples));
            if !report.failures.is_empty() {
                report.failures.push(format!(
                    "line {line}: `{}` was not blessed, because the test fails for the reasons above",
                    shown(file)
                ));
            } else if !same {
                report.writes.push(FileWrite {
                    path: file.to_string(),
                    bytes: wav_bytes(samples),
                    kind: WriteKind::Golden,
                });
            }
            return;
        }
        let stem = file.strip_suffix(".wav").unwrap_or(file);
        let actual_path = format!("{stem}.actual.wav");
        let (golden_shown, actual_shown) = (shown(file), shown(&actual_path));
        let write_actual = |report: &mut TestReport| {
            report.writes.push(FileWrite {
                path: actual_path.clone(),
                bytes: wav_bytes(samples),
                kind: WriteKind::Actual,
            });
        };
        let bytes = match golden {
            Ok(Some(bytes)) => bytes,
            Ok(None) => {
                write_actual(report);
                report.failures.push(format!(
                    "line {line}: the golden sound `{golden_shown}` does not exist; run with `--bless` to \
                     create it from the run's sound (wrote `{actual_shown}`)"
                ));
                return;
            }
            Err(e) => {
                report
                    .failures
                    .push(format!("line {line}: cannot read `{golden_shown}`: {e}"));
                return;
            }
        };
        let golden = match read_wav(&bytes) {
            Ok(g) => g,
            Err(e) => {
                write_actual(report);
                report.failures.push(format!(
                    "line {line}: `{golden_shown}` cannot be compared: {e}; run with `--bless` to rewrite \
                     it (wrote `{actual_shown}`)"
                ));
                return;
            }
        };
        if golden.len() != samples.len() {
            write_actual(report);
            report.failures.push(format!(
                "line {line}: `{golden_shown}` has {} sample frames, but the run made {} ({} frames of {SAMPLES_PER_FRAME}) (wrote `{actual_shown}`)",
                golden.len() / 2,
                samples.len() / 2,
                samples.len() / 2 / SAMPLES_PER_FRAME
            ));
            return;
        }
        if let Some((at, side, expected, found)) = first_difference(&golden, samples) {
            write_actual(report);
            let differing = golden
                .chunks(2)
                .zip(samples.chunks(2))
                .filter(|(g, a)| g != a)
                .count();
            report.failures.push(format!(
                "line {line}: the sound differs from `{golden_shown}`: {differing} of {} sample frames differ; \
                 the first is sample frame {at} (frame {}), {side}: expected {expected}, found {found}\n  wrote `{actual_shown}`",
                golden.len() / 2,
                at / SAMPLES_PER_FRAME
            ));
        }
    }
}
