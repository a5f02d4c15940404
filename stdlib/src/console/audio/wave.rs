//! The waveforms of the synthesizer, all from integer arithmetic: a sine table computed by a
//! `const fn` in fixed point, and a 15-bit linear-feedback shift register for noise.

/// The number of entries of the sine table (one full period).
const SINE_LEN: usize = 1024;

/// The peak of a waveform sample: waves return values in `-PEAK..=PEAK`.
pub const PEAK: i32 = 32767;

/// π in fixed point with 28 fractional bits.
const PI_Q28: i64 = 843_314_857;

/// One sixteenth-bit fixed-point unit: 2^28.
const ONE_Q28: i64 = 1 << 28;

/// Multiplies two Q28 numbers.
const fn mul_q28(a: i64, b: i64) -> i64 {
    (a * b) >> 28
}

/// The sine of `x` (Q28, in `0..=π/2`) by its Taylor series up to the x^11 term, in Q28.
const fn sin_q28(x: i64) -> i64 {
    let x2 = mul_q28(x, x);
    // Horner form of x (1 - x²/6 (1 - x²/20 (1 - x²/42 (1 - x²/72 (1 - x²/110))))).
    let mut acc = ONE_Q28;
    acc = ONE_Q28 - mul_q28(x2, acc) / 110;
    acc = ONE_Q28 - mul_q28(x2, acc) / 72;
    acc = ONE_Q28 - mul_q28(x2, acc) / 42;
    acc = ONE_Q28 - mul_q28(x2, acc) / 20;
    acc = ONE_Q28 - mul_q28(x2, acc) / 6;
    mul_q28(x, acc)
}

/// The sine table: `SINE_LEN` samples of one period scaled to `PEAK`, by quarter-wave symmetry.
const fn sine_table() -> [i16; SINE_LEN] {
    let mut table = [0i16; SINE_LEN];
    let quarter = SINE_LEN / 4;
    let mut i = 0;
    while i <= quarter {
        // x = i / quarter × π/2.
        let x = (PI_Q28 / 2) * i as i64 / quarter as i64;
        let s = (sin_q28(x) * PEAK as i64 + ONE_Q28 / 2) >> 28;
        let s = if s > PEAK as i64 { PEAK as i64 } else { s };
        table[i] = s as i16;
        if i > 0 && i < quarter {
            table[2 * quarter - i] = s as i16;
        }
        if i > 0 {
            table[(2 * quarter + i) % SINE_LEN] = -(s as i16);
        }
        if i < quarter && i > 0 {
            table[SINE_LEN - i] = -(s as i16);
        }
        i += 1;
    }
    table
}

/// One period of a sine, computed at build time.
static SINE: [i16; SINE_LEN] = sine_table();

/// The sine at a 32-bit phase (a full turn is 2^32), linearly interpolated in the table.
pub fn sine(phase: u32) -> i32 {
    let index = (phase >> 22) as usize;
    let frac = ((phase >> 6) & 0xffff) as i32;
    let a = i32::from(SINE[index]);
    let b = i32::from(SINE[(index + 1) % SINE_LEN]);
    a + (((b - a) * frac) >> 16)
}

/// A pulse wave with a duty cycle in 1/256ths of the period (128 is a square wave).
pub fn pulse(phase: u32, duty: u8) -> i32 {
    if (phase >> 24) < u32::from(duty) {
        PEAK
    } else {
        -PEAK
    }
}

/// A triangle: rising from -PEAK to PEAK over the first half, falling over the second.
pub fn triangle(phase: u32) -> i32 {
    let p = (phase >> 16) as i32; // 0..65536
    let folded = if p < 32768 { p } else { 65535 - p }; // 0..32767 and back
    (folded * 2 - 32767).clamp(-PEAK, PEAK)
}

/// A sawtooth rising from -PEAK to PEAK over the period.
pub fn saw(phase: u32) -> i32 {
    (((phase >> 16) as i32) - 32768).clamp(-PEAK, PEAK)
}

/// The noise generator: a 15-bit LFSR with taps at bits 0 and 1 (period 32,767).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Lfsr(u16);

impl Default for Lfsr {
    fn default() -> Lfsr {
        Lfsr(1)
    }
}

impl Lfsr {
    /// Advances the register one step.
    pub fn step(&mut self) {
        let bit = (self.0 ^ (self.0 >> 1)) & 1;
        self.0 = (self.0 >> 1) | (bit << 14);
    }

    /// The current output: `PEAK` or `-PEAK`.
    pub fn value(self) -> i32 {
        if self.0 & 1 == 1 {
            PEAK
        } else {
            -PEAK
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sine_table_matches_the_sine_within_one_unit() {
        for (i, &s) in SINE.iter().enumerate() {
            let exact = (i as f64 / SINE_LEN as f64 * std::f64::consts::TAU).sin() * 32767.0;
            assert!(
                (f64::from(s) - exact).abs() <= 1.0,
                "entry {i}: {s} against {exact}"
            );
        }
        assert_eq!(sine(0), 0);
        assert_eq!(sine(1 << 30), PEAK);
        assert_eq!(sine(3 << 30), -PEAK);
    }

    #[test]
    fn waves_stay_within_their_peak_and_reach_it() {
        let mut seen = [(i32::MAX, i32::MIN); 3];
        for step in 0..4096u32 {
            let phase = step << 20;
            for (slot, v) in seen
                .iter_mut()
                .zip([triangle(phase), saw(phase), sine(phase)])
            {
                assert!((-PEAK..=PEAK).contains(&v));
                *slot = (slot.0.min(v), slot.1.max(v));
            }
        }
        for (lo, hi) in seen {
            assert!(lo <= -PEAK + 64 && hi >= PEAK - 64, "{lo}..{hi}");
        }
        assert_eq!(pulse(0, 128), PEAK);
        assert_eq!(pulse(u32::MAX, 128), -PEAK);
    }

    #[test]
    fn the_noise_register_has_the_full_period() {
        let mut lfsr = Lfsr::default();
        let start = lfsr;
        let mut period = 0;
        loop {
            lfsr.step();
            period += 1;
            if lfsr == start {
                break;
            }
        }
        assert_eq!(period, 32767);
    }
}
