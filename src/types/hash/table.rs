//! The `hashtable` encoding of a hash: all pairs packed in one byte arena,
//! a dense vector of their addresses, and an open-addressing index over
//! that vector.
//!
//! # Layout
//!
//! Every (field, value) pair is one block in the arena,
//! `[field length][value length][field][value]` with both lengths as LEB128
//! varints. The arena keeps blocks in chunks of at most 64 KiB (see
//! [`arena`](super::arena)), so growing never copies and spare capacity
//! stays below one chunk. A dense vector gives each pair a position and
//! holds its block's `u32` address.
//!
//! The [`index`](super::index) is `2^k` `u32` entries, at most half of
//! them used, each holding one more than a position, the distance from
//! its home entry and a tag of hash bits. A field's 32-bit hash (see
//! [`fieldhash`](super::fieldhash), keyed per table, so clients cannot aim
//! collisions at it) picks the home entry with its top `k` bits; lookups
//! walk on from there to the first empty entry, reading a field from the
//! arena only where tag and distance match:
//!
//! * a lookup reads one line of entries and, when the field is there, its
//!   block (about once): one cache miss for a new field, where a chained
//!   index read a bucket head and then the chain's entries;
//! * doubling the index reads the old entries in order and places each at
//!   its new home (twice the old home plus the highest tag bit) without
//!   reading or hashing any field.
//!
//! Per field this costs the block (two bytes more than the field and value
//! for short ones), 4 bytes of address and 8 to 16 bytes of index, with no
//! allocation of its own: 26 to 40 bytes for a 4-byte field and an 8-byte
//! value, where one boxed block per pair took 40 and Redis's dictEntry plus
//! two sds strings take 64.
//!
//! A value rewritten with the same length is overwritten in place; any
//! other rewrite appends a new block and leaves the old one dead. Dead
//! bytes are reclaimed by compacting the arena (copying the live blocks in
//! position order) once they are more than half of it, so writes stay
//! amortised O(1) and the arena at most twice its live size.
//!
//! Deleting moves the last pair into the freed position (as
//! `IndexMap::swap_remove`), so positions stay dense: that gives O(1) fair
//! random picks (HRANDFIELD) and the same HSCAN cursor scheme as the
//! keyspace's SCAN (see [`crate::keys`]).
//!
//! # Invariants
//!
//! * with no index entries there are no pairs; else the index holds
//!   exactly the positions `0..len`, each once, as its module docs say;
//! * no two pairs have the same field;
//! * every address starts a well-formed block inside the arena, no two
//!   blocks overlap, and the dead-byte count is the arena length minus the
//!   live blocks' lengths.
//!
//! # Limits
//!
//! Addresses are `u32`, so one hash holds at most 4 GiB of field and value
//! bytes, and fewer than 2^30 fields (Redis has no such limits).

use super::arena::Arena;
use super::fieldhash::FieldHasher;
use super::index::{Index, Probe};
use crate::util::varint;

/// Arena sizes below which dead bytes are never compacted away.
const COMPACT_MIN: usize = 256;

/// A hash table from field bytes to value bytes (see the module docs).
#[derive(Clone, Default)]
pub struct FieldTable {
    data: Arena,
    /// The arena address of each position's pair.
    slots: Vec<u32>,
    index: Index,
    hasher: FieldHasher,
    dead: usize,
}

impl std::fmt::Debug for FieldTable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl PartialEq for FieldTable {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().all(|(f, v)| other.get(f) == Some(v))
    }
}

impl Eq for FieldTable {}

/// The size of the block for a pair.
fn block_len(field: &[u8], value: &[u8]) -> usize {
    varint::len(field.len()) + varint::len(value.len()) + field.len() + value.len()
}

/// Appends the block for a pair.
#[inline]
fn push_block(out: &mut Vec<u8>, field: &[u8], value: &[u8]) {
    if field.len() < 0x80 && value.len() < 0x80 {
        out.extend_from_slice(&[field.len() as u8, value.len() as u8]);
    } else {
        varint::push(out, field.len());
        varint::push(out, value.len());
    }
    out.extend_from_slice(field);
    out.extend_from_slice(value);
}

/// Longest field or value [`put_short`] copies.
const SHORT: usize = 16;
/// The window a block of a short field and a short value is written in.
const WINDOW: usize = 2 + 2 * SHORT;

/// Copies `s` (at most [`SHORT`] bytes) to `w[at..at + s.len()]` as two
/// overlapping fixed-size pieces (the first and last 8, or 4, bytes; for 1
/// to 3 bytes the first, middle and last), with no call to `memcpy`;
/// `w` must have [`SHORT`] bytes from `at` on.
#[inline(always)]
fn put_short(w: &mut [u8; WINDOW], at: usize, s: &[u8]) {
    let n = s.len();
    if let (Some(a), Some(b)) = (s.first_chunk::<8>(), s.last_chunk::<8>()) {
        w[at..at + 8].copy_from_slice(a);
        w[at + n - 8..at + n].copy_from_slice(b);
    } else if let (Some(a), Some(b)) = (s.first_chunk::<4>(), s.last_chunk::<4>()) {
        w[at..at + 4].copy_from_slice(a);
        w[at + n - 4..at + n].copy_from_slice(b);
    } else if n > 0 {
        (w[at], w[at + n / 2], w[at + n - 1]) = (s[0], s[n / 2], s[n - 1]);
    }
}

/// The block at `at`: (field, value, block length), or None when malformed.
fn try_block(data: &[u8], at: usize) -> Option<(&[u8], &[u8], usize)> {
    let rest = data.get(at..)?;
    let (flen, a) = varint::read(rest)?;
    let (vlen, b) = varint::read(rest.get(a..)?)?;
    let start = a + b;
    let end = start.checked_add(flen)?.checked_add(vlen)?;
    let body = rest.get(start..end)?;
    let (field, value) = body.split_at(flen);
    Some((field, value, end))
}

fn block(data: &Arena, at: u32) -> (&[u8], &[u8], usize) {
    data.get(at)
        .and_then(|b| try_block(b, 0))
        .expect("well-formed block")
}

fn field_at(data: &Arena, at: u32) -> &[u8] {
    block(data, at).0
}

impl FieldTable {
    /// An empty table with room for `n` pairs.
    pub fn with_capacity(n: usize) -> Self {
        FieldTable {
            slots: Vec::with_capacity(n),
            index: if n > 0 {
                Index::for_len(n)
            } else {
                Index::default()
            },
            ..FieldTable::default()
        }
    }

    /// Number of pairs.
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// Whether the table is empty.
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// The 32-bit hash of a field.
    #[inline]
    fn hash(&self, field: &[u8]) -> u32 {
        self.hasher.hash(field)
    }

    /// Position of `field`, if present.
    pub fn find(&self, field: &[u8]) -> Option<usize> {
        match self.probe(self.hash(field), field) {
            Probe::Found { pos, .. } => Some(pos),
            Probe::Vacant { .. } => None,
        }
    }

    /// The index lookup of `field`, whose hash is `h`.
    #[inline]
    fn probe(&self, h: u32, field: &[u8]) -> Probe {
        let (data, slots) = (&self.data, &self.slots);
        self.index
            .find(h, |pos| field_at(data, slots[pos]) == field)
    }

    /// The hash of the field at position `pos`, read from the arena.
    fn hash_at(&self, pos: usize) -> u32 {
        self.hash(field_at(&self.data, self.slots[pos]))
    }

    /// The value of `field`.
    pub fn get(&self, field: &[u8]) -> Option<&[u8]> {
        self.find(field).map(|i| self.get_index(i).1)
    }

    /// The pair at position `i` (`0..len`).
    ///
    /// # Panics
    /// If `i >= len`.
    pub fn get_index(&self, i: usize) -> (&[u8], &[u8]) {
        let (f, v, _) = block(&self.data, self.slots[i]);
        (f, v)
    }

    /// Appends a pair's block to the arena; returns its address.
    #[inline]
    fn append(&mut self, field: &[u8], value: &[u8]) -> u32 {
        let (f, v) = (field.len(), value.len());
        if f <= SHORT && v <= SHORT {
            // Both lengths take one varint byte.
            return self.data.push_window::<WINDOW>(
                f + v + 2,
                |w| {
                    (w[0], w[1]) = (f as u8, v as u8);
                    put_short(w, 2, field);
                    put_short(w, 2 + f, value);
                },
                |out| push_block(out, field, value),
            );
        }
        self.data.push(block_len(field, value), |out| {
            push_block(out, field, value);
        })
    }

    /// Sets `field` to `value`; true when the field is new. One index
    /// walk: a new pair takes the vacancy the lookup ended on.
    #[inline]
    pub fn insert(&mut self, field: &[u8], value: &[u8]) -> bool {
        let h = self.hash(field);
        match self.probe(h, field) {
            Probe::Found { pos, .. } => {
                self.set_value(pos, field, value);
                false
            }
            Probe::Vacant { slot, dist } => {
                let n = self.slots.len();
                if self.index.fits(n + 1) {
                    self.index.place(slot, dist, h, n);
                } else {
                    self.grow();
                    self.index.insert_new(h, n);
                }
                let at = self.append(field, value);
                self.slots.push(at);
                true
            }
        }
    }

    /// Rewrites the value of the pair at position `i` (whose field is
    /// `field`): in place when the length is unchanged, else as a new
    /// block.
    fn set_value(&mut self, i: usize, field: &[u8], value: &[u8]) {
        let at = self.slots[i];
        let (_, old, len) = block(&self.data, at);
        if old.len() == value.len() {
            self.data.block_mut(at, len)[len - value.len()..].copy_from_slice(value);
        } else {
            self.dead += len;
            self.slots[i] = self.append(field, value);
            self.maybe_compact();
        }
    }

    /// Adds a pair whose field is known to be absent (conversion from a
    /// listpack, which never holds duplicates).
    pub(crate) fn push_new(&mut self, field: &[u8], value: &[u8]) {
        debug_assert!(self.find(field).is_none());
        let n = self.slots.len();
        if !self.index.fits(n + 1) {
            self.grow();
        }
        self.index.insert_new(self.hash(field), n);
        let at = self.append(field, value);
        self.slots.push(at);
    }

    /// Doubles the index (see [`Index::grow`]); fields are hashed again
    /// only where the index cannot place an entry by itself.
    fn grow(&mut self) {
        let (data, slots, hasher) = (&self.data, &self.slots, &self.hasher);
        self.index
            .grow(|pos| hasher.hash(field_at(data, slots[pos])));
    }

    /// Rebuilds the index for `n` pairs (at least the current count),
    /// hashing every field again, in position order.
    fn rebuild(&mut self, n: usize) {
        let hashes = (0..self.slots.len()).map(|i| self.hash_at(i));
        self.index = Index::rebuild(n, hashes);
    }

    /// Removes `field`; true when it was present. The last pair takes the
    /// freed position.
    pub fn remove(&mut self, field: &[u8]) -> bool {
        let Probe::Found { slot, pos: i } = self.probe(self.hash(field), field) else {
            return false;
        };
        let (data, slots, hasher) = (&self.data, &self.slots, &self.hasher);
        self.index
            .remove_at(slot, |pos| hasher.hash(field_at(data, slots[pos])));
        self.dead += block(&self.data, self.slots[i]).2;
        let last = self.slots.len() - 1;
        if i != last {
            self.index.repoint(self.hash_at(last), last, i);
            self.slots[i] = self.slots[last];
        }
        self.slots.pop();
        if self.slots.is_empty() {
            self.data = Arena::default();
            self.dead = 0;
        }
        self.maybe_shrink();
        self.maybe_compact();
        true
    }

    /// Gives memory back once the table is at most a quarter full, as
    /// Redis resizes a dict after deletions.
    fn maybe_shrink(&mut self) {
        let len = self.slots.len();
        if self.slots.capacity() > 16 && self.slots.capacity() / 4 > len {
            self.slots.shrink_to(len * 2);
            self.rebuild(len * 2);
        }
    }

    /// Copies the live blocks into a fresh arena, in position order, once
    /// dead bytes are the larger part of a non-trivial arena.
    fn maybe_compact(&mut self) {
        let used = self.data.used();
        if used < COMPACT_MIN || self.dead * 2 <= used {
            return;
        }
        let mut data = Arena::default();
        for at in &mut self.slots {
            let (_, _, len) = block(&self.data, *at);
            let bytes = &self.data.get(*at).expect("live block")[..len];
            *at = data.push(len, |out| out.extend_from_slice(bytes));
        }
        self.data = data;
        self.dead = 0;
    }

    /// The pairs in position order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&[u8], &[u8])> + '_ {
        self.slots.iter().map(|&at| {
            let (f, v, _) = block(&self.data, at);
            (f, v)
        })
    }

    /// Heap bytes held (arena, addresses and index at capacity), for
    /// MEMORY USAGE-style estimates. O(1).
    pub fn heap_bytes(&self) -> usize {
        self.data.heap_bytes()
            + self.slots.capacity() * std::mem::size_of::<u32>()
            + self.index.heap_bytes()
    }

    /// Checks the invariants in the module docs.
    ///
    /// # Errors
    /// A description of the first broken invariant.
    pub fn validate(&self) -> Result<(), String> {
        self.data.validate()?;
        self.index
            .validate(self.slots.len(), |pos| self.hash_at(pos))?;
        let mut spans = Vec::with_capacity(self.slots.len());
        for (i, &at) in self.slots.iter().enumerate() {
            let (field, value, len) = self
                .data
                .get(at)
                .and_then(|b| try_block(b, 0))
                .ok_or("malformed block")?;
            if len != block_len(field, value) {
                return Err(format!("block at {at} has non-minimal lengths"));
            }
            if self.find(field) != Some(i) {
                return Err(format!("field {field:?} at {i} not found at its position"));
            }
            let (chunk, start) = (at >> 16, (at & 0xFFFF) as usize);
            spans.push((chunk, start, start + len));
        }
        spans.sort_unstable();
        if spans
            .windows(2)
            .any(|w| w[0].0 == w[1].0 && w[0].2 > w[1].1)
        {
            return Err("blocks overlap".into());
        }
        let live: usize = spans.iter().map(|(_, a, b)| b - a).sum();
        if live + self.dead != self.data.used() {
            return Err(format!(
                "{live} live and {} dead bytes in an arena of {}",
                self.dead,
                self.data.used()
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insert_find_remove_keep_positions_dense() {
        let mut t = FieldTable::default();
        for i in 0..100u32 {
            assert!(t.insert(format!("f{i}").as_bytes(), &i.to_le_bytes()));
        }
        assert!(!t.insert(b"f7", b"seven"));
        assert_eq!(t.get(b"f7"), Some(&b"seven"[..]));
        for i in (0..100).step_by(3) {
            assert!(t.remove(format!("f{i}").as_bytes()));
            t.validate().unwrap();
        }
        assert!(!t.remove(b"f0"));
        assert_eq!(t.len(), 66);
        assert_eq!(t.get(b"f7"), Some(&b"seven"[..]));
        for i in 0..100 {
            t.remove(format!("f{i}").as_bytes());
        }
        assert!(t.is_empty());
        t.validate().unwrap();
    }

    #[test]
    fn long_fields_use_multibyte_prefixes() {
        let mut t = FieldTable::default();
        let long = vec![b'x'; 20_000];
        t.insert(&long, b"v");
        t.insert(b"", &long);
        assert_eq!(t.get(&long), Some(&b"v"[..]));
        assert_eq!(t.get(b""), Some(&long[..]));
        t.validate().unwrap();
        let mut other = FieldTable::default();
        other.insert(b"", &long);
        other.insert(&long, b"v");
        assert_eq!(t, other);
    }

    /// Enough pairs for many chunks, with blocks of their own chunk mixed
    /// in: everything is found, and spare capacity stays below a chunk
    /// (where one doubling vector could hold as much again as it stores).
    #[test]
    fn many_chunks_little_spare_room() {
        let mut t = FieldTable::default();
        let big = vec![b'b'; 17_000];
        for i in 0..60_000u32 {
            let value: &[u8] = if i % 10_000 == 5 { &big } else { b"12345678" };
            t.insert(format!("f:{i}").as_bytes(), value);
        }
        t.validate().unwrap();
        assert_eq!(t.get(b"f:10005").map(<[u8]>::len), Some(17_000));
        assert_eq!(t.get(b"f:59999"), Some(&b"12345678"[..]));
        let spare = t.data.heap_bytes() - t.data.used();
        assert!(spare < 70_000, "{spare} spare bytes for {}", t.data.used());
        for i in (0..60_000u32).step_by(2) {
            assert!(t.remove(format!("f:{i}").as_bytes()));
        }
        t.validate().unwrap();
        assert_eq!(t.len(), 30_000);
    }

    /// Inserts and removes in a scrambled order through several doublings
    /// of the buckets and a shrink, against a std map, validating along
    /// the way.
    #[test]
    fn chains_survive_growth_shrink_and_churn() {
        let mut t = FieldTable::default();
        let mut model = std::collections::HashMap::new();
        let mut x: u64 = 7;
        for step in 0..30_000u32 {
            x = x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            // Growing (a quarter removes), then shrinking (an eighth
            // inserts, into a tenth of the fields).
            let k = (x >> 33) % 3000;
            let removing = match step < 15_000 {
                true => x >> 62 == 0,
                false => x >> 61 != 0,
            };
            if removing {
                let f = format!("k{k}");
                assert_eq!(t.remove(f.as_bytes()), model.remove(&f).is_some());
            } else {
                let f = format!("k{}", if step < 15_000 { k } else { k % 300 });
                let v = step.to_le_bytes();
                assert_eq!(t.insert(f.as_bytes(), &v), model.insert(f, v).is_none());
            }
            if step % 1009 == 0 {
                t.validate().unwrap();
            }
        }
        t.validate().unwrap();
        assert_eq!(t.len(), model.len());
        assert!(t.index.len() <= 8 * model.len().next_power_of_two());
        for (f, v) in &model {
            assert_eq!(t.get(f.as_bytes()), Some(&v[..]));
        }
    }

    /// Entries and heads take at most 12.5 bytes per pair for a hash of
    /// 1000 fields built one at a time (hashbrown's index of positions
    /// with its own offsets took 14.4).
    #[test]
    fn index_bytes_per_pair() {
        let mut t = FieldTable::default();
        for i in 0..1000u32 {
            t.insert(format!("f{i}").as_bytes(), b"x0000000");
        }
        let index = t.heap_bytes() - t.data.heap_bytes();
        assert!(index * 2 <= 1000 * 25, "{index} bytes of index");
        t.validate().unwrap();
    }

    /// Rewrites of other lengths leave dead blocks; compaction reclaims
    /// them and keeps every pair; same-length rewrites stay in place.
    #[test]
    fn rewrites_and_compaction() {
        let mut t = FieldTable::default();
        for i in 0..200u32 {
            t.insert(format!("f{i}").as_bytes(), b"12345678");
        }
        let arena = t.data.used();
        t.insert(b"f3", b"87654321");
        assert_eq!(t.data.used(), arena, "same length rewrites in place");
        for round in 0..20 {
            for i in 0..200u32 {
                let v = "v".repeat((i as usize + round) % 13);
                t.insert(format!("f{i}").as_bytes(), v.as_bytes());
            }
            t.validate().unwrap();
            assert!(t.dead * 2 <= t.data.used().max(COMPACT_MIN));
        }
        for i in 0..200u32 {
            let v = "v".repeat((i as usize + 19) % 13);
            assert_eq!(t.get(format!("f{i}").as_bytes()), Some(v.as_bytes()));
        }
        for i in 0..195u32 {
            assert!(t.remove(format!("f{i}").as_bytes()));
        }
        t.validate().unwrap();
        assert!(t.data.used() < 256, "arena compacted ({})", t.data.used());
        assert_eq!(t.len(), 5);
    }

    /// Blocks of short fields and values written through the arena's
    /// window hold the bytes `push_block` writes, for every pair of
    /// lengths from 0 to one past the short limit, across chunk ends
    /// (where the window does not fit and the plain path writes).
    #[test]
    fn window_blocks_match_plain_blocks() {
        let mut t = FieldTable::default();
        let bytes: Vec<u8> = (0..40u8)
            .map(|i| i.wrapping_mul(29).wrapping_add(3))
            .collect();
        let mut pairs = Vec::new();
        for round in 0..300usize {
            for f in 0..=SHORT + 1 {
                let v = (round * 7 + f) % (SHORT + 2);
                let mut field = bytes[round % 20..round % 20 + f].to_vec();
                field.extend_from_slice(&round.to_le_bytes()[..2]);
                pairs.push((field, bytes[f..f + v].to_vec()));
            }
        }
        for (f, v) in &pairs {
            assert!(t.insert(f, v));
        }
        t.validate().unwrap();
        assert!(t.data.chunk_count() > 1, "pairs span chunks");
        for (i, (f, v)) in pairs.iter().enumerate() {
            let (got_f, got_v) = t.get_index(i);
            assert_eq!((got_f, got_v), (&f[..], &v[..]), "pair {i}");
            let mut plain = Vec::new();
            push_block(&mut plain, f, v);
            let at = t.slots[i];
            assert_eq!(
                &t.data.get(at).unwrap()[..plain.len()],
                &plain[..],
                "pair {i}"
            );
        }
    }
}
