//! The 64-bit key hash of a key table, keyed per table.
//!
//! Keys of up to 16 bytes (nearly all in practice) are read as the two
//! words `table::key_words` gives (which with the length tell such keys apart)
//! and mixed with two folded multiplies (the product's two 64-bit halves
//! XORed, as foldhash and ahash's fallback do) against the table's secret
//! keys: about a third of the instructions of a full
//! [`ahash::RandomState::hash_one`], which longer keys still use. The
//! keys are drawn from that random state, so a client who cannot see them
//! cannot aim collisions at one table. Both halves of the result are
//! used: the low bits pick a bucket, the high half a tag-filter bit.

use super::table::{Hasher, KeyWords, WORDS_KEY};

/// A key hasher with its own random keys.
#[derive(Clone)]
pub(crate) struct KeyHasher {
    long: Hasher,
    k0: u64,
    k1: u64,
}

impl Default for KeyHasher {
    fn default() -> Self {
        let long = Hasher::new();
        let (k0, k1) = (
            long.hash_one(0x6b65_7930_u64),
            long.hash_one(0x6b65_7931_u64),
        );
        KeyHasher { long, k0, k1 }
    }
}

impl std::fmt::Debug for KeyHasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("KeyHasher")
    }
}

/// The two 64-bit halves of `a * b`, XORed.
#[inline(always)]
fn fold(a: u64, b: u64) -> u64 {
    let p = u128::from(a) * u128::from(b);
    (p as u64) ^ ((p >> 64) as u64)
}

impl KeyHasher {
    /// The hash of `key`.
    #[inline(always)]
    pub(crate) fn hash(&self, key: &[u8]) -> u64 {
        if key.len() > WORDS_KEY {
            return self.long.hash_one(key);
        }
        self.hash_words(&KeyWords::of(key))
    }

    /// The hash of a key of at most `WORDS_KEY` bytes given as its words.
    #[inline(always)]
    pub(crate) fn hash_words(&self, w: &KeyWords) -> u64 {
        let mixed = fold(w.lo ^ self.k0, w.hi ^ self.k1 ^ w.len as u64);
        fold(mixed, self.k0 | 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Sequential short keys of every length class spread over the
    /// buckets (low bits) and over the tag bits (high half) of a table
    /// their size; keys are told apart by length; tables differ.
    #[test]
    fn short_keys_spread_in_both_halves() {
        let h = KeyHasher::default();
        for prefix in ["", "k", "key:", "user:1000:", "a-longer-prefix:"] {
            let mut low = vec![0u32; 4096];
            let mut high = vec![0u32; 4096];
            for i in 0..3000 {
                let k = format!("{prefix}{i}");
                let x = h.hash(k.as_bytes());
                low[(x & 4095) as usize] += 1;
                high[(x >> 52) as usize] += 1;
            }
            for (half, b) in [("low", &low), ("high", &high)] {
                let worst = b.iter().max().copied().unwrap_or(0);
                assert!(
                    worst <= 12,
                    "{worst} keys in one {half} bucket, prefix {prefix:?}"
                );
            }
        }
        assert_ne!(h.hash(b""), h.hash(b"\0"));
        assert_ne!(h.hash(b"ab"), h.hash(b"ab\0"));
        assert_ne!(h.hash(b"k1"), KeyHasher::default().hash(b"k1"));
        assert_eq!(h.hash(b"abc"), h.clone().hash(b"abc"));
        let long = [b'x'; 40];
        assert_eq!(h.hash(&long), h.hash(&long));
    }
}
