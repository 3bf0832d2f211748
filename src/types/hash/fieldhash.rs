//! The 32-bit field hash of a [`FieldTable`](super::FieldTable), keyed per
//! table.
//!
//! Fields of up to 16 bytes (nearly all in practice) are read as two
//! overlapping words and mixed with one folded multiply (the product's
//! two 64-bit halves XORed, as foldhash and ahash's fallback do) against
//! the table's secret keys: about a fifth of the instructions of a full
//! [`ahash::RandomState::hash_one`], which longer fields still use. The
//! keys are drawn from that random state, so a client who cannot see them
//! cannot aim collisions at one table.

/// A field hasher with its own random keys.
#[derive(Clone)]
pub(super) struct FieldHasher {
    long: ahash::RandomState,
    k0: u64,
    k1: u64,
}

impl Default for FieldHasher {
    fn default() -> Self {
        let long = ahash::RandomState::new();
        let (k0, k1) = (long.hash_one(0x5eed_u64), long.hash_one(0xfee1_u64));
        FieldHasher { long, k0, k1 }
    }
}

/// The two 64-bit halves of `a * b`, XORed.
#[inline]
fn fold(a: u64, b: u64) -> u64 {
    let p = u128::from(a) * u128::from(b);
    (p as u64) ^ ((p >> 64) as u64)
}

#[inline]
fn word8(s: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(s[at..at + 8].try_into().expect("eight bytes"))
}

#[inline]
fn word4(s: &[u8], at: usize) -> u64 {
    u64::from(u32::from_le_bytes(
        s[at..at + 4].try_into().expect("four bytes"),
    ))
}

impl FieldHasher {
    /// The hash of `field`.
    #[inline]
    pub(super) fn hash(&self, field: &[u8]) -> u32 {
        let len = field.len();
        let (a, b) = match len {
            8..=16 => (word8(field, 0), word8(field, len - 8)),
            4..=7 => (word4(field, 0), word4(field, len - 4)),
            1..=3 => {
                let bytes = [field[0], field[len / 2], field[len - 1]];
                (
                    u64::from(bytes[0]) << 16 | u64::from(bytes[1]) << 8 | u64::from(bytes[2]),
                    0,
                )
            }
            0 => (0, 0),
            _ => return (self.long.hash_one(field) >> 32) as u32,
        };
        let mixed = fold(a ^ self.k0, b ^ self.k1 ^ len as u64);
        (fold(mixed, self.k0 | 1) >> 32) as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Distinct short fields of every length spread over the buckets of
    /// a table their size: no bucket of 4096 takes more than 12 of
    /// 3000 sequential names, at any length class.
    #[test]
    fn short_fields_spread() {
        let h = FieldHasher::default();
        for prefix in [
            "",
            "f",
            "field:",
            "a-longer-prefix:",
            "a-prefix-longer-than-16:",
        ] {
            let mut buckets = vec![0u32; 4096];
            for i in 0..3000 {
                let f = format!("{prefix}{i}");
                buckets[(h.hash(f.as_bytes()) >> 20) as usize] += 1;
            }
            let worst = buckets.iter().max().copied().unwrap_or(0);
            assert!(
                worst <= 12,
                "{worst} fields in one bucket for prefix {prefix:?}"
            );
        }
        let other = FieldHasher::default();
        assert_ne!(h.hash(b"f1"), other.hash(b"f1"), "keys differ per table");
        assert_eq!(h.hash(b"abc"), h.clone().hash(b"abc"));
        assert_ne!(h.hash(b""), h.hash(b"\0"));
    }
}
