//! The `hashtable` encoding of a hash: all pairs packed in one byte arena,
//! a dense vector of their offsets, and a hash index over that vector.
//!
//! # Layout
//!
//! Every (field, value) pair is one block in the arena,
//! `[field length][value length][field][value]` with both lengths as LEB128
//! varints. The arena keeps blocks in chunks of at most 64 KiB (see
//! [`arena`](super::arena)), so growing never copies and spare capacity
//! stays below one chunk. A dense vector of `u32` block addresses gives
//! each pair a position, and a [`hashbrown::HashTable`] of `u32` positions finds a
//! field; its hashes come from an [`ahash::RandomState`] keyed per table, so
//! clients cannot aim collisions at it. Per field this costs the block (two
//! bytes more than the field and value for short ones), 4 bytes of offset
//! and 5 bytes per index bucket, with no allocation of its own: about 30
//! bytes for a 4-byte field and an 8-byte value, where one boxed block per
//! pair took 40 and Redis's dictEntry plus two sds strings take 64. (The
//! index has 8/7 to 16/7 buckets per pair, as hashbrown doubles it.)
//!
//! A value rewritten with the same length is overwritten in place; any
//! other rewrite appends a new block and leaves the old one dead. Dead
//! bytes are reclaimed by compacting the arena (copying the live blocks in
//! position order) once they are more than half of it, so writes stay
//! amortised O(1) and the arena at most twice its live size.
//!
//! Deleting moves the last offset into the freed position (as
//! `IndexMap::swap_remove`), so positions stay dense: that gives O(1) fair
//! random picks (HRANDFIELD) and the same HSCAN cursor scheme as the
//! keyspace's SCAN (see [`crate::keys`]).
//!
//! # Invariants
//!
//! * the index holds exactly the positions `0..len`, each once, and each is
//!   found under the hash of its pair's field;
//! * no two pairs have the same field;
//! * every offset starts a well-formed block inside the arena, no two
//!   blocks overlap, and the dead-byte count is the arena length minus the
//!   live blocks' lengths.
//!
//! # Limits
//!
//! Addresses are `u32`, so one hash holds at most 4 GiB of field and value
//! bytes (Redis has no such limit).

use hashbrown::HashTable;

use super::arena::Arena;

/// Arena sizes below which dead bytes are never compacted away.
const COMPACT_MIN: usize = 256;

/// A hash table from field bytes to value bytes (see the module docs).
#[derive(Clone, Default)]
pub struct FieldTable {
    data: Arena,
    offsets: Vec<u32>,
    index: HashTable<u32>,
    hasher: ahash::RandomState,
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

fn push_varint(out: &mut Vec<u8>, mut n: usize) {
    loop {
        let low = (n & 0x7F) as u8;
        n >>= 7;
        if n == 0 {
            out.push(low);
            return;
        }
        out.push(low | 0x80);
    }
}

fn varint_len(mut n: usize) -> usize {
    let mut len = 1;
    while n >= 0x80 {
        n >>= 7;
        len += 1;
    }
    len
}

/// Reads a varint at the start of `buf`: (value, bytes used).
#[inline]
fn read_varint(buf: &[u8]) -> Option<(usize, usize)> {
    match buf.first() {
        Some(&b) if b < 0x80 => Some((usize::from(b), 1)),
        _ => read_long_varint(buf),
    }
}

/// [`read_varint`] for values of two bytes or more.
fn read_long_varint(buf: &[u8]) -> Option<(usize, usize)> {
    let mut n = 0usize;
    for (i, &b) in buf.iter().enumerate().take(10) {
        n |= usize::from(b & 0x7F).checked_shl(7 * i as u32)?;
        if b & 0x80 == 0 {
            return Some((n, i + 1));
        }
    }
    None
}

/// The size of the block for a pair.
fn block_len(field: &[u8], value: &[u8]) -> usize {
    varint_len(field.len()) + varint_len(value.len()) + field.len() + value.len()
}

/// Appends the block for a pair.
fn push_block(out: &mut Vec<u8>, field: &[u8], value: &[u8]) {
    if field.len() < 0x80 && value.len() < 0x80 {
        out.extend_from_slice(&[field.len() as u8, value.len() as u8]);
    } else {
        push_varint(out, field.len());
        push_varint(out, value.len());
    }
    out.extend_from_slice(field);
    out.extend_from_slice(value);
}

/// The block at `at`: (field, value, block length), or None when malformed.
fn try_block(data: &[u8], at: usize) -> Option<(&[u8], &[u8], usize)> {
    let rest = data.get(at..)?;
    let (flen, a) = read_varint(rest)?;
    let (vlen, b) = read_varint(rest.get(a..)?)?;
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

fn pos(i: usize) -> u32 {
    u32::try_from(i).expect("a hash table holds fewer than 2^32 fields")
}

impl FieldTable {
    /// An empty table with room for `n` pairs.
    pub fn with_capacity(n: usize) -> Self {
        FieldTable {
            data: Arena::default(),
            offsets: Vec::with_capacity(n),
            index: HashTable::with_capacity(n),
            hasher: ahash::RandomState::new(),
            dead: 0,
        }
    }

    /// Number of pairs.
    pub fn len(&self) -> usize {
        self.offsets.len()
    }

    /// Whether the table is empty.
    pub fn is_empty(&self) -> bool {
        self.offsets.is_empty()
    }

    fn hash(&self, field: &[u8]) -> u64 {
        self.hasher.hash_one(field)
    }

    /// Position of `field`, if present.
    pub fn find(&self, field: &[u8]) -> Option<usize> {
        self.find_hashed(self.hash(field), field)
    }

    /// Position of `field`, whose hash is `hash`.
    fn find_hashed(&self, hash: u64, field: &[u8]) -> Option<usize> {
        let (data, offsets) = (&self.data, &self.offsets);
        self.index
            .find(hash, |&i| field_at(data, offsets[i as usize]) == field)
            .map(|&i| i as usize)
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
        let (f, v, _) = block(&self.data, self.offsets[i]);
        (f, v)
    }

    /// Appends a pair's block to the arena; returns its offset.
    fn append(&mut self, field: &[u8], value: &[u8]) -> u32 {
        self.data.push(block_len(field, value), |out| {
            push_block(out, field, value);
        })
    }

    /// Sets `field` to `value`; true when the field is new.
    pub fn insert(&mut self, field: &[u8], value: &[u8]) -> bool {
        let hash = self.hash(field);
        if let Some(i) = self.find_hashed(hash, field) {
            let at = self.offsets[i];
            let (_, old, len) = block(&self.data, at);
            if old.len() == value.len() {
                self.data.block_mut(at, len)[len - value.len()..].copy_from_slice(value);
            } else {
                self.dead += len;
                self.offsets[i] = self.append(field, value);
                self.maybe_compact();
            }
            return false;
        }
        self.push_hashed(hash, field, value);
        true
    }

    /// Adds a pair whose field is known to be absent (conversion from a
    /// listpack, which never holds duplicates).
    pub(crate) fn push_new(&mut self, field: &[u8], value: &[u8]) {
        debug_assert!(self.find(field).is_none());
        self.push_hashed(self.hash(field), field, value);
    }

    /// Adds a pair whose field (hashing to `hash`) is absent.
    fn push_hashed(&mut self, hash: u64, field: &[u8], value: &[u8]) {
        let n = pos(self.offsets.len());
        let at = self.append(field, value);
        self.offsets.push(at);
        let FieldTable {
            data,
            offsets,
            index,
            hasher,
            ..
        } = self;
        index.insert_unique(hash, n, |&i| {
            hasher.hash_one(field_at(data, offsets[i as usize]))
        });
    }

    /// Removes `field`; true when it was present. The last pair takes the
    /// freed position.
    pub fn remove(&mut self, field: &[u8]) -> bool {
        let hash = self.hash(field);
        let (data, offsets) = (&self.data, &self.offsets);
        let Ok(found) = self
            .index
            .find_entry(hash, |&i| field_at(data, offsets[i as usize]) == field)
        else {
            return false;
        };
        let (at, _) = found.remove();
        let at = at as usize;
        let last = self.offsets.len() - 1;
        self.dead += block(&self.data, self.offsets[at]).2;
        self.offsets.swap_remove(at);
        if at != last {
            let moved_hash = self.hash(field_at(&self.data, self.offsets[at]));
            let slot = self
                .index
                .find_mut(moved_hash, |&i| i as usize == last)
                .expect("moved pair is indexed");
            *slot = pos(at);
        }
        if self.offsets.is_empty() {
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
        let len = self.offsets.len();
        if self.offsets.capacity() > 16 && self.offsets.capacity() / 4 > len {
            self.offsets.shrink_to(len * 2);
            let FieldTable {
                data,
                offsets,
                index,
                hasher,
                ..
            } = self;
            index.shrink_to(len * 2, |&i| {
                hasher.hash_one(field_at(data, offsets[i as usize]))
            });
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
        for at in &mut self.offsets {
            let (_, _, len) = block(&self.data, *at);
            let bytes = &self.data.get(*at).expect("live block")[..len];
            *at = data.push(len, |out| out.extend_from_slice(bytes));
        }
        self.data = data;
        self.dead = 0;
    }

    /// The pairs in position order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&[u8], &[u8])> + '_ {
        self.offsets.iter().map(|&at| {
            let (f, v, _) = block(&self.data, at);
            (f, v)
        })
    }

    /// Heap bytes held (arena, offset vector and index at capacity), for
    /// MEMORY USAGE-style estimates. O(1).
    pub fn heap_bytes(&self) -> usize {
        self.data.heap_bytes()
            + self.offsets.capacity() * std::mem::size_of::<u32>()
            + self.index.allocation_size()
    }

    /// Checks the invariants in the module docs.
    ///
    /// # Errors
    /// A description of the first broken invariant.
    pub fn validate(&self) -> Result<(), String> {
        self.data.validate()?;
        if self.index.len() != self.offsets.len() {
            return Err(format!(
                "index holds {} positions for {} pairs",
                self.index.len(),
                self.offsets.len()
            ));
        }
        let mut seen = vec![false; self.offsets.len()];
        for &i in self.index.iter() {
            let slot = seen.get_mut(i as usize).ok_or("index past the pairs")?;
            if std::mem::replace(slot, true) {
                return Err(format!("position {i} indexed twice"));
            }
        }
        let mut spans = Vec::with_capacity(self.offsets.len());
        for (i, &at) in self.offsets.iter().enumerate() {
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
}
