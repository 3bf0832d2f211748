//! Cluster hash slots: `key_hash_slot` and the per-slot key index.
//!
//! # Format
//!
//! A key's slot is CRC16/XMODEM (polynomial 0x1021, initial value 0, no
//! reflection, no final xor) of its hashed part, masked to 14 bits
//! (0..=16383). The hashed part is the whole key unless the key holds a
//! hash tag: the bytes between the first `{` and the first `}` after it,
//! when that span is not empty. So `{user1000}.following` and
//! `{user1000}.followers` share a slot, `foo{}{bar}` hashes whole, and
//! `foo{{bar}}zap` hashes `{bar`.
//!
//! # Invariants
//!
//! The slot index holds each key of its database exactly once, under its
//! slot, and `counts[slot]` equals the number of keys held under `slot`.
//!
//! # References
//!
//! Redis cluster specification, "Keys distribution model"; check value
//! CRC16/XMODEM("123456789") = 0x31C3.

use std::collections::BTreeSet;

use crate::error::{Error, Result};
use crate::keyspace::Keyspace;

/// Number of hash slots.
pub const CLUSTER_SLOTS: u16 = 16384;

const CRC16: crc::Crc<u16> = crc::Crc::<u16>::new(&crc::CRC_16_XMODEM);

/// The cluster hash slot of `key` (0..=16383), honouring hash tags.
///
/// ```
/// assert_eq!(embedis::key_hash_slot(b"foo"), 12182);
/// assert_eq!(embedis::key_hash_slot(b"{user1000}.following"), embedis::key_hash_slot(b"user1000"));
/// ```
pub fn key_hash_slot(key: &[u8]) -> u16 {
    CRC16.checksum(hash_tag(key)) & (CLUSTER_SLOTS - 1)
}

/// The part of `key` that is hashed: the non-empty `{tag}` if any, else the key.
fn hash_tag(key: &[u8]) -> &[u8] {
    let Some(open) = key.iter().position(|&b| b == b'{') else {
        return key;
    };
    let rest = &key[open + 1..];
    match rest.iter().position(|&b| b == b'}') {
        Some(close) if close > 0 => &rest[..close],
        _ => key,
    }
}

/// Keys of one database grouped by slot (kept only with `cluster-enabled`).
#[derive(Debug, Clone)]
pub(crate) struct SlotIndex {
    counts: Vec<u32>,
    keys: BTreeSet<(u16, Box<[u8]>)>,
    /// Sum of the indexed keys' lengths (their copies' allocations).
    key_bytes: usize,
}

impl SlotIndex {
    pub(crate) fn new() -> Self {
        SlotIndex {
            counts: vec![0; usize::from(CLUSTER_SLOTS)],
            keys: BTreeSet::new(),
            key_bytes: 0,
        }
    }

    /// Estimated heap bytes: the count table, the key copies and the
    /// ordered set's share per key (leaves about two thirds full).
    pub(crate) fn heap_bytes(&self) -> usize {
        let per_key = (11 * std::mem::size_of::<(u16, Box<[u8]>)>() + 16) * 3 / 22;
        self.counts.capacity() * 4 + self.key_bytes + self.keys.len() * per_key
    }

    pub(crate) fn add(&mut self, key: &[u8]) {
        let slot = key_hash_slot(key);
        if self.keys.insert((slot, key.into())) {
            self.key_bytes += key.len();
            self.counts[usize::from(slot)] += 1;
        }
    }

    pub(crate) fn remove(&mut self, key: &[u8]) {
        let slot = key_hash_slot(key);
        if self.keys.remove(&(slot, Box::from(key))) {
            self.key_bytes -= key.len();
            self.counts[usize::from(slot)] -= 1;
        }
    }

    /// Number of keys in `slot`.
    pub(crate) fn count(&self, slot: u16) -> u32 {
        self.counts[usize::from(slot)]
    }

    /// Up to `max` keys of `slot`, in byte order.
    pub(crate) fn keys_in(&self, slot: u16, max: usize) -> Vec<Vec<u8>> {
        let start = (slot, Box::<[u8]>::default());
        self.keys
            .range(start..)
            .take_while(|(s, _)| *s == slot)
            .take(max)
            .map(|(_, k)| k.to_vec())
            .collect()
    }

    pub(crate) fn validate<'a>(
        &self,
        keys: impl Iterator<Item = &'a [u8]>,
        len: usize,
    ) -> Result<(), String> {
        if self.keys.len() != len {
            return Err(format!(
                "slot index has {} keys, db has {len}",
                self.keys.len()
            ));
        }
        for key in keys {
            if !self.keys.contains(&(key_hash_slot(key), Box::from(key))) {
                return Err(format!("key {key:?} missing from slot index"));
            }
        }
        let total: u64 = self.counts.iter().map(|&c| u64::from(c)).sum();
        if total != len as u64 {
            return Err(format!("slot counts sum to {total}, db has {len}"));
        }
        Ok(())
    }
}

/// The reply of every CLUSTER subcommand when `cluster-enabled` is off.
pub(crate) const CLUSTER_DISABLED: &str = "ERR This instance has cluster support disabled";

impl Keyspace {
    /// The selected database's slot index, or the cluster-disabled error.
    fn slot_index(&self) -> Result<&SlotIndex> {
        self.db()
            .slots
            .as_deref()
            .ok_or(Error::other(CLUSTER_DISABLED))
    }

    /// ```text
    /// CLUSTER COUNTKEYSINSLOT slot
    /// ```
    /// Number of keys of the selected database in `slot`, counting keys whose
    /// TTL has passed but that were not reclaimed yet (as Redis does).
    ///
    /// # Errors
    /// - `ERR This instance has cluster support disabled` without `cluster-enabled`.
    /// - `ERR Invalid slot` when `slot >= 16384`.
    ///
    /// # Complexity
    /// O(1).
    pub fn cluster_countkeysinslot(&self, slot: u16) -> Result<u64> {
        let index = self.slot_index()?;
        if slot >= CLUSTER_SLOTS {
            return Err(Error::other("ERR Invalid slot"));
        }
        Ok(u64::from(index.count(slot)))
    }

    /// ```text
    /// CLUSTER GETKEYSINSLOT slot count
    /// ```
    /// Up to `count` keys of the selected database in `slot`, in byte order
    /// (Redis lists them in its own internal order).
    ///
    /// # Errors
    /// - `ERR This instance has cluster support disabled` without `cluster-enabled`.
    /// - `ERR Invalid slot or number of keys` when `slot >= 16384`.
    ///
    /// # Complexity
    /// O(log n + count).
    pub fn cluster_getkeysinslot(&self, slot: u16, count: usize) -> Result<Vec<Vec<u8>>> {
        let index = self.slot_index()?;
        if slot >= CLUSTER_SLOTS {
            return Err(Error::other("ERR Invalid slot or number of keys"));
        }
        Ok(index.keys_in(slot, count))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc16_check_value() {
        assert_eq!(CRC16.checksum(b"123456789"), 0x31C3);
    }

    #[test]
    fn known_slots() {
        let cases: &[(&[u8], u16)] = &[
            (b"foo", 12182),
            (b"bar", 5061),
            (b"hello", 866),
            (b"key", 12539),
            (b"a", 15495),
            (b"mykey", 14687),
            (b"somekey", 11058),
            (b"user1000", 3443),
            (b"{user1000}.following", 3443),
            (b"{user1000}.followers", 3443),
            (b"foo{bar}{zap}", 5061),
            (b"foo{}{bar}", 8363),
            (b"foo{{bar}}zap", 4015),
            (b"{}", 15257),
            (b"", 0),
        ];
        for (key, slot) in cases {
            assert_eq!(
                key_hash_slot(key),
                *slot,
                "{}",
                String::from_utf8_lossy(key)
            );
        }
    }

    #[test]
    fn index_counts_and_lists() {
        let mut idx = SlotIndex::new();
        idx.add(b"{a}1");
        idx.add(b"{a}2");
        idx.add(b"{a}2");
        idx.add(b"b");
        let slot = key_hash_slot(b"a");
        assert_eq!(idx.count(slot), 2);
        assert_eq!(
            idx.keys_in(slot, 10),
            vec![b"{a}1".to_vec(), b"{a}2".to_vec()]
        );
        assert_eq!(idx.keys_in(slot, 1).len(), 1);
        idx.remove(b"{a}1");
        assert_eq!(idx.count(slot), 1);
        let keys: [&[u8]; 2] = [b"{a}2", b"b"];
        idx.validate(keys.into_iter(), 2).unwrap();
    }
}
