//! Byte-exact compact encodings shared by the small forms of hashes, lists,
//! sets and sorted sets.
//!
//! This layer only knows bytes: no keys, no configuration, no conversion
//! policy. The types above it (`types/`) decide when a value lives in one of
//! these encodings and when it moves to a bigger structure. Each encoding
//! keeps exactly the bytes Redis 7.0.15 keeps, so `DUMP`/RDB output and
//! `MEMORY USAGE`-style sizes can be produced by copying the buffer.
//!
//! | module | what | Redis name |
//! |---|---|---|
//! | [`listpack`] | a sequence of strings and integers, walkable both ways | `listpack.c` |
//! | [`intset`] | a sorted set of integers of one width | `intset.c` |
//! | [`skiplist`] | (score, member) order with ranks, plus a member index | `t_zset.c` (`zsl*`) |
//! | [`quicklist`] | a list as a sequence of listpack nodes | `quicklist.c` |
//! | [`intblocks`] | large all-integer sets: packed and bitmap blocks (ours, behind `hashtable`) | (none) |
//! | [`lzf`] | LZF compression of quicklist nodes | `lzf_c.c`, `lzf_d.c` |
//!
//! Both have a `validate(deep)` check that never panics on arbitrary bytes
//! and returns [`Corrupt`] with a short reason; [`fuzz`] holds the fuzz
//! target bodies built on it.

use std::fmt;

pub mod intblocks;
pub mod intset;
pub mod listpack;
pub mod lzf;
pub mod quicklist;
pub mod skiplist;

pub use intset::Intset;
pub use listpack::{Elem, Listpack, Pos};
pub use quicklist::Quicklist;
pub use skiplist::SkipList;

/// Why a byte buffer is not a valid encoding (a short static reason).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Corrupt(pub &'static str);

impl fmt::Display for Corrupt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "corrupt encoding: {}", self.0)
    }
}

impl std::error::Error for Corrupt {}

/// Fuzz target bodies for the encodings: plain functions that a libFuzzer
/// crate can call and that `cargo test` drives with a seeded corpus.
pub mod fuzz {
    use super::{Intset, Listpack, lzf};

    /// Feeds arbitrary bytes to the listpack validator.
    ///
    /// The deep check must never panic; when it accepts the bytes, iterating
    /// forwards and backwards must not panic either, must yield the same
    /// elements in opposite orders, and must agree with the element count.
    pub fn listpack_validate(data: &[u8]) {
        let shallow = Listpack::validate_bytes(data, false);
        let Ok(lp) = Listpack::from_bytes(data.to_vec()) else {
            return;
        };
        assert!(shallow.is_ok(), "deep check passed but shallow failed");
        let forward: Vec<_> = lp.iter().collect();
        let mut backward: Vec<_> = lp.iter_rev().collect();
        backward.reverse();
        assert_eq!(forward, backward, "forward and backward walks differ");
        assert_eq!(forward.len(), lp.len(), "walk disagrees with the count");
        assert_eq!(lp.is_empty(), forward.is_empty());
        if let Some(last) = forward.last() {
            assert_eq!(lp.last(), Some(*last));
            assert_eq!(lp.get(-1), Some(*last));
        }
        assert_eq!(lp.first(), forward.first().copied());
        assert_eq!(lp.as_bytes(), data);
    }

    /// Feeds arbitrary bytes to the LZF decompressor and compressor.
    ///
    /// Read as compressed data (after a 2-byte little-endian output size),
    /// expanding must not panic, must stay within the size, and must agree
    /// with an exact-size expansion. Read as plain data, compressing under
    /// several output limits must stay within each limit, expand back to the
    /// input, and succeed whenever the limit has room for all-literal output.
    pub fn lzf_bytes(data: &[u8]) {
        let (size, blob) = match data {
            [a, b, rest @ ..] => (usize::from(u16::from_le_bytes([*a, *b])), rest),
            _ => (0, data),
        };
        match lzf::decompress_upto(blob, size) {
            Ok(out) => {
                assert!(out.len() <= size, "expanded past the limit");
                assert_eq!(lzf::decompress(blob, out.len()), Ok(out));
            }
            Err(_) => assert!(lzf::decompress(blob, size).is_err()),
        }
        let n = data.len();
        let roomy = n + n / 32 + 5;
        for limit in [n / 2, n, n + 2, roomy] {
            let Some(packed) = lzf::compress(data, limit) else {
                assert!(n == 0 || limit < roomy, "refused with room to spare");
                continue;
            };
            assert!(packed.len() <= limit, "output past the limit");
            assert_eq!(lzf::decompress(&packed, n).as_deref(), Ok(data));
        }
    }

    /// Feeds arbitrary bytes to the intset validator.
    ///
    /// The deep check must never panic; when it accepts the bytes, the
    /// values must iterate strictly increasing, agree with the length, and
    /// each one must be found by `contains`.
    pub fn intset_validate(data: &[u8]) {
        let shallow = Intset::validate_bytes(data, false);
        let Ok(set) = Intset::from_bytes(data.to_vec()) else {
            return;
        };
        assert!(shallow.is_ok(), "deep check passed but shallow failed");
        let values: Vec<i64> = set.iter().collect();
        assert_eq!(values.len(), set.len(), "walk disagrees with the length");
        assert!(values.windows(2).all(|w| w[0] < w[1]), "not increasing");
        for (i, v) in values.iter().enumerate() {
            assert_eq!(set.get(i), Some(*v));
            assert!(set.contains(*v));
        }
        assert_eq!(set.as_bytes(), data);
    }
}

#[cfg(test)]
mod tests {
    use super::fuzz::{intset_validate, listpack_validate};
    use super::{Elem, Intset, Listpack};
    use rand::rngs::SmallRng;
    use rand::{Rng, SeedableRng};

    /// Valid listpacks of assorted shapes to mutate.
    fn listpack_seeds() -> Vec<Vec<u8>> {
        let mut seeds = vec![Listpack::new().into_bytes()];
        let mut lp = Listpack::new();
        for e in [
            Elem::Int(1),
            Elem::Int(-4096),
            Elem::Int(40000),
            Elem::Int(8_000_000),
            Elem::Int(1 << 40),
            Elem::Str(b"abc"),
            Elem::Str(&[7; 100]),
            Elem::Str(&[9; 5000]),
            Elem::Int(i64::MIN),
        ] {
            lp.push_back(e);
            seeds.push(lp.as_bytes().to_vec());
        }
        seeds
    }

    fn intset_seeds() -> Vec<Vec<u8>> {
        let mut seeds = Vec::new();
        let mut s = Intset::new();
        for v in [3, -7, 1000, 70000, -5_000_000_000, i64::MAX] {
            s.insert(v);
            seeds.push(s.as_bytes().to_vec());
        }
        seeds
    }

    /// A random small corruption of `data`: flipped bits, overwritten,
    /// inserted or deleted bytes, truncation, or a rewritten header field.
    fn mutate(rng: &mut SmallRng, data: &[u8]) -> Vec<u8> {
        let mut out = data.to_vec();
        for _ in 0..rng.random_range(1..4) {
            let n = out.len();
            match rng.random_range(0..7) {
                0 if n > 0 => {
                    let i = rng.random_range(0..n);
                    out[i] ^= 1 << rng.random_range(0..8);
                }
                1 if n > 0 => {
                    let i = rng.random_range(0..n);
                    out[i] = rng.random();
                }
                2 => {
                    let i = rng.random_range(0..=n);
                    out.insert(i, rng.random());
                }
                3 if n > 0 => {
                    out.remove(rng.random_range(0..n));
                }
                4 => out.truncate(rng.random_range(0..=n)),
                5 if n >= 4 => {
                    // Keep the total consistent so deeper checks get a go.
                    let len = u32::try_from(n).unwrap().to_le_bytes();
                    out[..4].copy_from_slice(&len);
                }
                _ if n >= 6 => {
                    let i = rng.random_range(4..6);
                    out[i] = rng.random();
                }
                _ => {}
            }
        }
        out
    }

    #[test]
    fn listpack_fuzz_body_on_mutated_blobs() {
        let seeds = listpack_seeds();
        let mut rng = SmallRng::seed_from_u64(0x1157);
        let mut accepted = 0;
        for round in 0..20_000 {
            let seed = &seeds[round % seeds.len()];
            let blob = mutate(&mut rng, seed);
            accepted += usize::from(Listpack::validate_bytes(&blob, true).is_ok());
            listpack_validate(&blob);
        }
        for seed in &seeds {
            listpack_validate(seed);
            assert!(Listpack::validate_bytes(seed, true).is_ok());
        }
        assert!(
            accepted > 100,
            "mutations never produced valid blobs ({accepted})"
        );
        assert!(
            accepted < 19_000,
            "mutations rarely broke the blobs ({accepted})"
        );
    }

    #[test]
    fn intset_fuzz_body_on_mutated_blobs() {
        let seeds = intset_seeds();
        let mut rng = SmallRng::seed_from_u64(0x1257);
        let mut accepted = 0;
        for round in 0..20_000 {
            let seed = &seeds[round % seeds.len()];
            let blob = mutate(&mut rng, seed);
            accepted += usize::from(Intset::validate_bytes(&blob, true).is_ok());
            intset_validate(&blob);
        }
        for seed in &seeds {
            intset_validate(seed);
        }
        assert!(
            accepted > 100,
            "mutations never produced valid blobs ({accepted})"
        );
    }

    #[test]
    fn fuzz_bodies_survive_arbitrary_bytes() {
        let mut rng = SmallRng::seed_from_u64(5);
        for _ in 0..5_000 {
            let len = rng.random_range(0..40);
            let blob: Vec<u8> = (0..len).map(|_| rng.random()).collect();
            listpack_validate(&blob);
            intset_validate(&blob);
        }
    }
}
