//! The `hashtable` encoding of a hash: all pairs packed in one byte arena,
//! a dense vector of (address, chain link) entries, and a chained index of
//! bucket heads over that vector.
//!
//! # Layout
//!
//! Every (field, value) pair is one block in the arena,
//! `[field length][value length][field][value]` with both lengths as LEB128
//! varints. The arena keeps blocks in chunks of at most 64 KiB (see
//! [`arena`](super::arena)), so growing never copies and spare capacity
//! stays below one chunk. A dense vector of entries gives each pair a
//! position; an entry holds the block's `u32` address and a `u32` link.
//!
//! The index is `2^k` bucket heads (`u32`: one more than the position of
//! the chain's first pair, 0 for an empty chain), always more than the
//! pairs. A field's 32-bit hash (see [`fieldhash`](super::fieldhash), keyed
//! per table, so clients cannot aim collisions at it) picks the bucket with
//! its top `k` bits. Positions need only `k` bits, so a link holds one
//! more than the position of the next pair in the chain (0 ends it) in
//! its low `k` bits and the pair's remaining `32 - k` hash bits above:
//!
//! * a lookup compares those bits before reading a field from the arena,
//!   so it reads the arena about once, for the field it finds;
//! * doubling the buckets needs one more hash bit per pair, the highest
//!   of those stored: growth walks the chains and splits each in two
//!   without reading or hashing any field (bucket `b` becomes `2b` and
//!   `2b + 1`, so the new heads are written in order).
//!
//! Per field this costs the block (two bytes more than the field and value
//! for short ones), 8 bytes of entry and 4 to 8 bytes of heads, with no
//! allocation of its own: about 27 bytes for a 4-byte field and an 8-byte
//! value, where one boxed block per pair took 40 and Redis's dictEntry plus
//! two sds strings take 64. A lookup reads a head, the entries of its chain
//! (fewer than one other on average) and the block it finds.
//!
//! A value rewritten with the same length is overwritten in place; any
//! other rewrite appends a new block and leaves the old one dead. Dead
//! bytes are reclaimed by compacting the arena (copying the live blocks in
//! position order) once they are more than half of it, so writes stay
//! amortised O(1) and the arena at most twice its live size.
//!
//! Deleting moves the last entry into the freed position (as
//! `IndexMap::swap_remove`), so positions stay dense: that gives O(1) fair
//! random picks (HRANDFIELD) and the same HSCAN cursor scheme as the
//! keyspace's SCAN (see [`crate::keys`]).
//!
//! # Invariants
//!
//! * with no buckets there are no pairs; else there are `2^k` buckets,
//!   `2 <= k <= 31`, and fewer pairs than buckets;
//! * the chains hold exactly the positions `0..len`, each once, each in
//!   the bucket of its field's hash and linked with that hash's low
//!   `32 - k` bits;
//! * no two pairs have the same field;
//! * every address starts a well-formed block inside the arena, no two
//!   blocks overlap, and the dead-byte count is the arena length minus the
//!   live blocks' lengths.
//!
//! # Limits
//!
//! Addresses are `u32`, so one hash holds at most 4 GiB of field and value
//! bytes, and fewer than 2^31 fields (Redis has no such limits).

use super::arena::Arena;
use super::fieldhash::FieldHasher;
use crate::util::varint;

/// Arena sizes below which dead bytes are never compacted away.
const COMPACT_MIN: usize = 256;

/// The fewest buckets of a table that has any, as a power of two.
const MIN_BUCKET_BITS: u32 = 2;

/// Where a pair lives, and the rest of its chain.
#[derive(Clone, Copy, Debug)]
struct Slot {
    /// Arena address of the pair's block.
    at: u32,
    /// The pair's hash bits below the bucket's, above bit `k`; the next
    /// position plus one below.
    link: u32,
}

/// A hash table from field bytes to value bytes (see the module docs).
#[derive(Clone, Default)]
pub struct FieldTable {
    data: Arena,
    slots: Vec<Slot>,
    heads: Vec<u32>,
    /// `k`: the buckets are `2^k` (0 while there are none).
    bits: u32,
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

/// One more than position `i`, as heads and links hold it.
fn link_to(i: usize) -> u32 {
    u32::try_from(i + 1)
        .ok()
        .filter(|&n| n < 1 << 31)
        .expect("a hash table holds fewer than 2^31 fields")
}

/// The low `bits` bits set.
fn low_mask(bits: u32) -> u32 {
    (1u32 << bits) - 1
}

/// Where the link to a pair is kept: a bucket head or another pair's slot.
#[derive(Clone, Copy)]
enum Link {
    Head(usize),
    Slot(usize),
}

impl FieldTable {
    /// An empty table with room for `n` pairs.
    pub fn with_capacity(n: usize) -> Self {
        let mut t = FieldTable {
            slots: Vec::with_capacity(n),
            ..FieldTable::default()
        };
        if n > 0 {
            t.heads = vec![0; Self::buckets_for(n)];
            t.bits = t.heads.len().trailing_zeros();
        }
        t
    }

    /// The bucket count for `n` pairs: a power of two above `n`.
    fn buckets_for(n: usize) -> usize {
        (n + 1).next_power_of_two().max(1 << MIN_BUCKET_BITS)
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

    /// The bucket of hash `h` (the table has buckets).
    #[inline]
    fn bucket(&self, h: u32) -> usize {
        (h >> (32 - self.bits)) as usize
    }

    /// Position of `field`, if present.
    pub fn find(&self, field: &[u8]) -> Option<usize> {
        self.find_hashed(self.hash(field), field)
    }

    /// Position of `field`, whose hash is `h`.
    #[inline]
    fn find_hashed(&self, h: u32, field: &[u8]) -> Option<usize> {
        if self.heads.is_empty() {
            return None;
        }
        let mask = low_mask(self.bits);
        let tag = h << self.bits;
        let mut next = self.heads[self.bucket(h)];
        while next != 0 {
            let i = (next - 1) as usize;
            let slot = self.slots[i];
            if slot.link & !mask == tag && field_at(&self.data, slot.at) == field {
                return Some(i);
            }
            next = slot.link & mask;
        }
        None
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
        let (f, v, _) = block(&self.data, self.slots[i].at);
        (f, v)
    }

    /// Appends a pair's block to the arena; returns its address.
    fn append(&mut self, field: &[u8], value: &[u8]) -> u32 {
        self.data.push(block_len(field, value), |out| {
            push_block(out, field, value);
        })
    }

    /// Sets `field` to `value`; true when the field is new. One walk of
    /// one chain: a new pair goes to the front of the chain walked.
    pub fn insert(&mut self, field: &[u8], value: &[u8]) -> bool {
        let h = self.hash(field);
        match self.find_hashed(h, field) {
            Some(i) => {
                self.set_value(i, field, value);
                false
            }
            None => {
                self.push_hashed(h, field, value);
                true
            }
        }
    }

    /// Rewrites the value of the pair at position `i` (whose field is
    /// `field`): in place when the length is unchanged, else as a new
    /// block.
    fn set_value(&mut self, i: usize, field: &[u8], value: &[u8]) {
        let at = self.slots[i].at;
        let (_, old, len) = block(&self.data, at);
        if old.len() == value.len() {
            self.data.block_mut(at, len)[len - value.len()..].copy_from_slice(value);
        } else {
            self.dead += len;
            self.slots[i].at = self.append(field, value);
            self.maybe_compact();
        }
    }

    /// Adds a pair whose field is known to be absent (conversion from a
    /// listpack, which never holds duplicates).
    pub(crate) fn push_new(&mut self, field: &[u8], value: &[u8]) {
        debug_assert!(self.find(field).is_none());
        self.push_hashed(self.hash(field), field, value);
    }

    /// Adds a pair whose field (hashing to `h`) is absent, at the front of
    /// its chain, doubling the buckets first when they would be full.
    fn push_hashed(&mut self, h: u32, field: &[u8], value: &[u8]) {
        if self.slots.len() + 1 >= self.heads.len() {
            self.grow();
        }
        let n = self.slots.len();
        let b = self.bucket(h);
        let link = h << self.bits | self.heads[b];
        let at = self.append(field, value);
        self.slots.push(Slot { at, link });
        self.heads[b] = link_to(n);
    }

    /// Doubles the buckets, splitting every chain by the highest stored
    /// hash bit of each pair (see the module docs); no field is read.
    fn grow(&mut self) {
        if self.heads.is_empty() {
            self.heads = vec![0; 1 << MIN_BUCKET_BITS];
            self.bits = MIN_BUCKET_BITS;
            return;
        }
        assert!(self.bits < 31, "a hash table holds fewer than 2^31 fields");
        let mask = low_mask(self.bits);
        let mut heads = vec![0u32; self.heads.len() * 2];
        for (b, &head) in self.heads.iter().enumerate() {
            let mut next = head;
            while next != 0 {
                let i = (next - 1) as usize;
                let link = self.slots[i].link;
                next = link & mask;
                let to = 2 * b + (link >> 31) as usize;
                self.slots[i].link = (link & !mask) << 1 | heads[to];
                heads[to] = link_to(i);
            }
        }
        self.heads = heads;
        self.bits += 1;
    }

    /// Rebuilds the buckets for `n` pairs (at least the current count),
    /// hashing every field again, in position order.
    fn rebuild(&mut self, n: usize) {
        self.heads = vec![0; Self::buckets_for(n.max(self.slots.len()))];
        self.bits = self.heads.len().trailing_zeros();
        for i in 0..self.slots.len() {
            let h = self.hash(field_at(&self.data, self.slots[i].at));
            let b = self.bucket(h);
            self.slots[i].link = h << self.bits | self.heads[b];
            self.heads[b] = link_to(i);
        }
    }

    /// The link to `target` (a position) in the chain of bucket `b`.
    fn link_of(&self, b: usize, target: usize) -> Link {
        let mask = low_mask(self.bits);
        let mut at = Link::Head(b);
        loop {
            let next = self.read_link(at) & mask;
            assert!(next != 0, "every pair is in its bucket's chain");
            let i = (next - 1) as usize;
            if i == target {
                return at;
            }
            at = Link::Slot(i);
        }
    }

    fn read_link(&self, at: Link) -> u32 {
        match at {
            Link::Head(b) => self.heads[b],
            Link::Slot(i) => self.slots[i].link,
        }
    }

    /// Points the link `at` to `next` (a head or link value's low bits),
    /// keeping the hash bits a slot's link carries.
    fn write_link(&mut self, at: Link, next: u32) {
        let mask = low_mask(self.bits);
        match at {
            Link::Head(b) => self.heads[b] = next,
            Link::Slot(i) => {
                let link = &mut self.slots[i].link;
                *link = *link & !mask | next;
            }
        }
    }

    /// Removes `field`; true when it was present. The last pair takes the
    /// freed position.
    pub fn remove(&mut self, field: &[u8]) -> bool {
        let h = self.hash(field);
        let Some(i) = self.find_hashed(h, field) else {
            return false;
        };
        let mask = low_mask(self.bits);
        let unlink = self.link_of(self.bucket(h), i);
        self.write_link(unlink, self.slots[i].link & mask);
        self.dead += block(&self.data, self.slots[i].at).2;
        let last = self.slots.len() - 1;
        if i != last {
            let moved = self.hash(field_at(&self.data, self.slots[last].at));
            let relink = self.link_of(self.bucket(moved), last);
            self.write_link(relink, link_to(i));
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
        for slot in &mut self.slots {
            let (_, _, len) = block(&self.data, slot.at);
            let bytes = &self.data.get(slot.at).expect("live block")[..len];
            slot.at = data.push(len, |out| out.extend_from_slice(bytes));
        }
        self.data = data;
        self.dead = 0;
    }

    /// The pairs in position order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&[u8], &[u8])> + '_ {
        self.slots.iter().map(|slot| {
            let (f, v, _) = block(&self.data, slot.at);
            (f, v)
        })
    }

    /// Heap bytes held (arena, entries and heads at capacity), for
    /// MEMORY USAGE-style estimates. O(1).
    pub fn heap_bytes(&self) -> usize {
        self.data.heap_bytes()
            + self.slots.capacity() * std::mem::size_of::<Slot>()
            + self.heads.capacity() * std::mem::size_of::<u32>()
    }

    /// Checks the invariants in the module docs.
    ///
    /// # Errors
    /// A description of the first broken invariant.
    pub fn validate(&self) -> Result<(), String> {
        self.data.validate()?;
        self.validate_chains()?;
        let mut spans = Vec::with_capacity(self.slots.len());
        for (i, slot) in self.slots.iter().enumerate() {
            let (field, value, len) = self
                .data
                .get(slot.at)
                .and_then(|b| try_block(b, 0))
                .ok_or("malformed block")?;
            if len != block_len(field, value) {
                return Err(format!("block at {} has non-minimal lengths", slot.at));
            }
            if self.find(field) != Some(i) {
                return Err(format!("field {field:?} at {i} not found at its position"));
            }
            let (chunk, start) = (slot.at >> 16, (slot.at & 0xFFFF) as usize);
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

    /// The bucket and chain invariants.
    fn validate_chains(&self) -> Result<(), String> {
        let (n, buckets) = (self.slots.len(), self.heads.len());
        if buckets == 0 {
            return match n {
                0 => Ok(()),
                _ => Err(format!("{n} pairs and no buckets")),
            };
        }
        if buckets != 1 << self.bits || !(MIN_BUCKET_BITS..32).contains(&self.bits) || n >= buckets
        {
            return Err(format!(
                "{n} pairs in {buckets} buckets of {} bits",
                self.bits
            ));
        }
        let mask = low_mask(self.bits);
        let mut seen = vec![false; n];
        for (b, &head) in self.heads.iter().enumerate() {
            let mut next = head;
            while next != 0 {
                let i = (next - 1) as usize;
                let slot = seen.get_mut(i).ok_or("chain past the pairs")?;
                if std::mem::replace(slot, true) {
                    return Err(format!("position {i} chained twice"));
                }
                let link = self.slots[i].link;
                let h = self.hash(field_at(&self.data, self.slots[i].at));
                if self.bucket(h) != b || link & !mask != h << self.bits {
                    return Err(format!("position {i} chained under another hash"));
                }
                next = link & mask;
            }
        }
        match seen.iter().position(|&s| !s) {
            Some(i) => Err(format!("position {i} in no chain")),
            None => Ok(()),
        }
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
        assert!(t.heads.len() <= 4 * model.len().next_power_of_two());
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
}
