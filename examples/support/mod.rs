//! What the per-operation drivers share: their deterministic generator
//! (a directory without `main.rs`, so Cargo does not build it as an
//! example of its own).

/// xorshift64*: deterministic keys, scores and picks.
pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    /// The next 64 random bits.
    pub(crate) fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A score in [0, 1e6) (the compare tool's dataset d).
    #[allow(dead_code)] // not every driver draws scores
    pub(crate) fn score(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 * 1e6
    }
}
