//! The record arena under the skiplist: every node, with its levels and
//! member bytes, is one variable-size record in a single byte vector, and a
//! node's handle is its byte offset.
//!
//! A live record is laid out as
//!
//! ```text
//! +0   score      f64 LE
//! +8   next       u32 LE   level-0 forward link (0 = none; the header is 0)
//! +12  chain      u32 LE   next node in the same index bucket (0 = none)
//! +16  height     u8       1..=32 (0 marks a free record)
//! +17  levels     (height - 1) x { forward u32, span u32 } for levels 1..
//! ...  length     LEB128 member length
//! ...  member     the member's bytes
//! ```
//!
//! so one search step reads the score, the forward link and (on equal
//! scores) the member from the same few bytes of one record. A free record
//! keeps its size at +0, one more than the offset of the next free record
//! of that size at +4 (0 ends the list) and 0 at +16.
//!
//! Records never move and never split or merge: a freed record is reused
//! only by a node of exactly its size. Handles therefore stay valid and
//! record boundaries never change, which is what lets ZSCAN walk the arena
//! in 1 KiB chunks with a cursor that misses no member present for the whole
//! scan. `starts` holds, per chunk, the first record that starts inside it.

use hashbrown::HashMap;

use super::super::Corrupt;

/// Arena bytes a SCAN cursor step covers.
pub(super) const CHUNK: usize = 1024;
const NO_START: u32 = u32::MAX;

/// Offset of the score in a record.
pub(super) const SCORE: usize = 0;
/// Offset of the level-0 forward link.
pub(super) const NEXT: usize = 8;
/// Offset of the index chain link.
pub(super) const CHAIN: usize = 12;
/// Offset of the height byte.
pub(super) const HEIGHT: usize = 16;
/// Offset of the level-1 link (levels 1.. follow, 8 bytes each).
pub(super) const LEVELS: usize = 17;

/// Bytes of a node record of `height` levels holding a `len`-byte member.
pub(super) fn record_size(height: usize, len: usize) -> usize {
    let mut n = 1;
    let mut v = len >> 7;
    while v != 0 {
        n += 1;
        v >>= 7;
    }
    LEVELS + 8 * (height - 1) + n + len
}

/// The byte vector of records plus the free lists and chunk starts.
#[derive(Clone)]
pub(super) struct Arena {
    pub(super) bytes: Vec<u8>,
    /// Record size -> offset of the first free record of that size.
    free: HashMap<u32, u32, ahash::RandomState>,
    /// Bytes held by free records.
    pub(super) garbage: usize,
    /// Per CHUNK, the offset of the first record starting in it.
    starts: Vec<u32>,
}

impl Arena {
    pub(super) fn new() -> Self {
        Arena {
            bytes: Vec::new(),
            free: HashMap::with_hasher(ahash::RandomState::new()),
            garbage: 0,
            starts: Vec::new(),
        }
    }

    #[inline]
    pub(super) fn u32_at(&self, o: usize) -> u32 {
        let b: [u8; 4] = self.bytes[o..o + 4].try_into().expect("4 bytes");
        u32::from_le_bytes(b)
    }

    #[inline]
    pub(super) fn set_u32(&mut self, o: usize, v: u32) {
        self.bytes[o..o + 4].copy_from_slice(&v.to_le_bytes());
    }

    #[inline]
    pub(super) fn f64_at(&self, o: usize) -> f64 {
        let b: [u8; 8] = self.bytes[o..o + 8].try_into().expect("8 bytes");
        f64::from_le_bytes(b)
    }

    #[inline]
    pub(super) fn set_f64(&mut self, o: usize, v: f64) {
        self.bytes[o..o + 8].copy_from_slice(&v.to_le_bytes());
    }

    /// The height of the record at `x` (0 for a free record).
    #[inline]
    pub(super) fn height(&self, x: u32) -> usize {
        usize::from(self.bytes[x as usize + HEIGHT])
    }

    /// The member bytes of the live record at `x`.
    #[inline]
    pub(super) fn member(&self, x: u32) -> &[u8] {
        let mut p = x as usize + LEVELS + 8 * (self.height(x) - 1);
        let first = self.bytes[p];
        p += 1;
        let mut len = usize::from(first & 0x7F);
        if first & 0x80 != 0 {
            let mut shift = 7;
            loop {
                let b = self.bytes[p];
                p += 1;
                len |= usize::from(b & 0x7F) << shift;
                if b & 0x80 == 0 {
                    break;
                }
                shift += 7;
            }
        }
        &self.bytes[p..p + len]
    }

    /// Size of the record (live or free) at `x`.
    pub(super) fn size_at(&self, x: u32) -> usize {
        match self.height(x) {
            0 => self.u32_at(x as usize) as usize,
            h => record_size(h, self.member(x).len()),
        }
    }

    /// A new live record: `score`, no links, `height` levels, `member`.
    ///
    /// # Panics
    /// When the arena would pass 4 GiB.
    pub(super) fn alloc(&mut self, score: f64, height: usize, member: &[u8]) -> u32 {
        let size = record_size(height, member.len());
        let x = self.take(size);
        let o = x as usize;
        let rec = &mut self.bytes[o..o + size];
        rec[..LEVELS + 8 * (height - 1)].fill(0);
        rec[..8].copy_from_slice(&score.to_le_bytes());
        rec[HEIGHT] = height as u8;
        let mut p = LEVELS + 8 * (height - 1);
        let mut v = member.len();
        loop {
            let b = (v & 0x7F) as u8;
            v >>= 7;
            if v == 0 {
                rec[p] = b;
                p += 1;
                break;
            }
            rec[p] = b | 0x80;
            p += 1;
        }
        rec[p..].copy_from_slice(member);
        x
    }

    /// Room for a record of `size` bytes: a free record of that exact size,
    /// else the end of the arena.
    fn take(&mut self, size: usize) -> u32 {
        let key = size as u32;
        if let Some(head) = self.free.get(&key).copied() {
            match self.u32_at(head as usize + 4) {
                0 => self.free.remove(&key),
                next => self.free.insert(key, next - 1),
            };
            self.garbage -= size;
            return head;
        }
        let o = self.bytes.len();
        let end = o + size;
        assert!(u32::try_from(end).is_ok(), "skiplist storage exceeds 4 GiB");
        let cap = self.bytes.capacity();
        if end > cap {
            // Grow by an eighth: little slack at any size, still amortized
            // O(1) per byte.
            let target = end.max(cap + cap / 8).max(512);
            self.bytes.reserve_exact(target - o);
        }
        self.bytes.resize(end, 0);
        let chunk = o / CHUNK;
        if self.starts.len() <= chunk {
            self.starts.resize(chunk + 1, NO_START);
        }
        if self.starts[chunk] == NO_START {
            self.starts[chunk] = o as u32;
        }
        o as u32
    }

    /// Turns the live record at `x` into a free one.
    pub(super) fn release(&mut self, x: u32) {
        let size = self.size_at(x);
        let key = size as u32;
        let next = self.free.get(&key).map_or(0, |&head| head + 1);
        let o = x as usize;
        self.set_u32(o, key);
        self.set_u32(o + 4, next);
        self.bytes[o + HEIGHT] = 0;
        self.free.insert(key, x);
        self.garbage += size;
    }

    /// Number of SCAN chunks.
    pub(super) fn chunks(&self) -> usize {
        self.starts.len()
    }

    /// The records (live or free) starting inside chunk `c`.
    pub(super) fn chunk_records(&self, c: usize) -> impl Iterator<Item = u32> + '_ {
        let mut x = self.starts.get(c).copied().unwrap_or(NO_START) as usize;
        let end = ((c + 1) * CHUNK).min(self.bytes.len());
        std::iter::from_fn(move || {
            if x >= end {
                return None;
            }
            let r = x as u32;
            x += self.size_at(r);
            Some(r)
        })
    }

    /// Every record (live or free) in arena order.
    pub(super) fn records(&self) -> impl Iterator<Item = u32> + '_ {
        let mut x = 0usize;
        std::iter::from_fn(move || {
            if x >= self.bytes.len() {
                return None;
            }
            let r = x as u32;
            x += self.size_at(r);
            Some(r)
        })
    }

    /// Heap bytes held (capacities).
    pub(super) fn heap_bytes(&self) -> usize {
        self.bytes.capacity() + self.starts.capacity() * 4 + self.free.allocation_size()
    }

    /// Checks the record walk, the free lists, `garbage` and `starts`.
    pub(super) fn validate(&self) -> Result<(), Corrupt> {
        let (mut free_records, mut free_bytes) = (0usize, 0usize);
        let mut expect_starts = Vec::new();
        let mut x = 0usize;
        while x < self.bytes.len() {
            let h = self.bytes.get(x + HEIGHT).copied().unwrap_or(0);
            if x + LEVELS > self.bytes.len() || h > 32 {
                return Err(Corrupt("record header out of bounds or bad height"));
            }
            let size = self.size_at(x as u32);
            if size < LEVELS + 1 || x + size > self.bytes.len() {
                return Err(Corrupt("record size out of bounds"));
            }
            if h == 0 {
                free_records += 1;
                free_bytes += size;
            }
            let chunk = x / CHUNK;
            if expect_starts.len() <= chunk {
                expect_starts.resize(chunk + 1, NO_START);
                expect_starts[chunk] = x as u32;
            }
            x += size;
        }
        if expect_starts != self.starts {
            return Err(Corrupt("chunk starts disagree with the records"));
        }
        if free_bytes != self.garbage {
            return Err(Corrupt("free bytes disagree with garbage"));
        }
        let mut listed = 0;
        for (&size, &head) in &self.free {
            let mut f = head + 1;
            while f != 0 {
                let x = f - 1;
                listed += 1;
                if listed > free_records || self.height(x) != 0 || self.u32_at(x as usize) != size {
                    return Err(Corrupt("free list holds a wrong record"));
                }
                f = self.u32_at(x as usize + 4);
            }
        }
        if listed != free_records {
            return Err(Corrupt("free record missing from the free lists"));
        }
        Ok(())
    }
}
