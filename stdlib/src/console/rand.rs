//! `Rand`: a deterministic pseudo-random generator that gives the same numbers on every
//! platform for a given seed.
//!
//! The generator is xoshiro256** (Blackman and Vigna), its state filled by four outputs of
//! SplitMix64 started at the seed's two's-complement bits. Everything is wrapping 64-bit
//! integer arithmetic; floats are made from integers exactly, so no platform float behaviour
//! leaks in.

use std::fmt;

/// The SplitMix64 increment (the golden ratio in 64-bit fixed point).
const GOLDEN: u64 = 0x9e37_79b9_7f4a_7c15;

/// One SplitMix64 step: advances `state` and returns the next output.
fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(GOLDEN);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// `Rand.int` was asked for an empty range.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RangeError {
    /// The inclusive lower bound that was given.
    pub lo: i64,
    /// The exclusive upper bound that was given.
    pub hi: i64,
}

impl fmt::Display for RangeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "hi ({}) must be greater than lo ({})", self.hi, self.lo)
    }
}

impl std::error::Error for RangeError {}

/// The generator state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rng {
    /// The xoshiro256** state, never all zero.
    state: [u64; 4],
}

impl Rng {
    /// A generator started from `seed`.
    pub fn new(seed: i64) -> Rng {
        let mut rng = Rng { state: [0; 4] };
        rng.seed(seed);
        rng
    }

    /// Restarts the generator from `seed`; the same seed always gives the same sequence.
    pub fn seed(&mut self, seed: i64) {
        let mut sm = seed as u64;
        // SplitMix64 is a bijection of its state, so the four words are never all zero.
        self.state = [0; 4].map(|_| splitmix64(&mut sm));
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let s = &mut self.state;
        let result = s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        result
    }

    /// A uniform int in `lo..hi` (`hi` excluded), without modulo bias for any range, even
    /// `i64::MIN..i64::MAX`; an error when `hi <= lo`.
    ///
    /// Uses Lemire's multiply-and-reject method: a 64×64→128-bit product maps the random word
    /// onto the range, and the few words that would favour some results are drawn again.
    pub fn int(&mut self, lo: i64, hi: i64) -> Result<i64, RangeError> {
        if hi <= lo {
            return Err(RangeError { lo, hi });
        }
        // `hi - lo` is in 1..=2^64-1, which fits a u64 exactly.
        let span = hi.wrapping_sub(lo) as u64;
        // 2^64 mod span: this many low products would make some results more likely.
        let threshold = span.wrapping_neg() % span;
        loop {
            let product = u128::from(self.next_u64()) * u128::from(span);
            if product as u64 >= threshold {
                let offset = (product >> 64) as u64;
                return Ok(lo.wrapping_add(offset as i64));
            }
        }
    }

    /// A uniform float in `[0, 1)`: 53 random bits scaled by 2^-53, exact on every platform.
    pub fn float(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }
}

impl Default for Rng {
    /// The generator with the default seed, 0.
    fn default() -> Rng {
        Rng::new(0)
    }
}

#[cfg(test)]
mod tests;
