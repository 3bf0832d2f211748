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
//!
//! Both have a `validate(deep)` check that never panics on arbitrary bytes
//! and returns [`Corrupt`] with a short reason; [`fuzz`] holds the fuzz
//! target bodies built on it.

use std::fmt;

pub mod intset;
pub mod listpack;

pub use intset::Intset;
pub use listpack::{Elem, Listpack};

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
    use super::{Intset, Listpack};

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
