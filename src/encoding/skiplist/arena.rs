//! The record arena under the skiplist: every node, with its levels and
//! member bytes, is one variable-size record in a single byte vector, and a
//! node's handle is its byte offset.
//!
//! A live record is laid out as
//!
//! ```text
//! +0   score      f64 LE
//! +8   next       u32 LE   level-0 forward link (0 = none; the header is 0)
//! +12  back       u32 LE   level-0 backward link (0 = the header)
//! +16  chain      u32 LE   next node in the same index bucket (0 = none)
//! +20  height     u8       1..=32 (0 marks a free record)
//! +21  levels     (height - 1) x { forward u32, span u32 } for levels 1..
//! ...  length     LEB128 member length
//! ...  member     the member's bytes
//! ```
//!
//! so one search step reads the score, the forward link and (on equal
//! scores) the member from the same few bytes of one record. A free record
//! keeps its size at +0, one more than the offset of the next free record
//! of that size at +4 (0 ends the list) and 0 at +20.
//!
//! A freed record is reused by a node of exactly its size; records are
//! never split or merged. When free records hold more than a quarter of the
//! arena the skiplist compacts it (`SkipList::compact`): the live records
//! are copied, in list order, into a new, tight vector and every link is
//! rewritten, so the arena stays proportional to the live members under any
//! churn (and a range walk then reads neighbouring bytes).

use hashbrown::HashMap;

use super::super::Corrupt;

/// Offset of the score in a record.
pub(super) const SCORE: usize = 0;
/// Offset of the level-0 forward link.
pub(super) const NEXT: usize = 8;
/// Offset of the level-0 backward link.
pub(super) const BACK: usize = 12;
/// Offset of the index chain link.
pub(super) const CHAIN: usize = 16;
/// Offset of the height byte.
pub(super) const HEIGHT: usize = 20;
/// Offset of the level-1 link (levels 1.. follow, 8 bytes each).
pub(super) const LEVELS: usize = 21;

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

/// The byte vector of records plus the free lists.
#[derive(Clone)]
pub(super) struct Arena {
    pub(super) bytes: Vec<u8>,
    /// Record size -> offset of the first free record of that size.
    free: HashMap<u32, u32, ahash::RandomState>,
    /// Bytes held by free records.
    pub(super) garbage: usize,
}

impl Arena {
    pub(super) fn new() -> Self {
        Arena {
            bytes: Vec::new(),
            free: HashMap::with_hasher(ahash::RandomState::new()),
            garbage: 0,
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
        self.bytes.capacity() + self.free.allocation_size()
    }

    /// Whether free records hold enough of the arena to compact it: more
    /// than a quarter, and at least 4 KiB.
    pub(super) fn wants_compaction(&self) -> bool {
        self.garbage >= 4096 && self.garbage * 4 > self.bytes.len()
    }

    /// Replaces the records with `bytes` (the live records, compacted by
    /// the skiplist): no free records remain.
    pub(super) fn replace(&mut self, bytes: Vec<u8>) {
        self.bytes = bytes;
        self.free = HashMap::with_hasher(ahash::RandomState::new());
        self.garbage = 0;
    }

    /// Checks the record walk, the free lists and `garbage`.
    pub(super) fn validate(&self) -> Result<(), Corrupt> {
        let (mut free_records, mut free_bytes) = (0usize, 0usize);
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
            x += size;
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
