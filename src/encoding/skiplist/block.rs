//! One block of the unrolled skiplist: a sorted run of entries.
//!
//! The entries are two parallel arrays in order: the scores (`f64`, so a
//! search inside the block is a binary search over contiguous memory) and
//! a `u32` per entry packing the byte offset of its member in the block's
//! *slab* (high 24 bits) with the member's hash tag (low 8 bits), so
//! finding a member compares one byte per entry before any member bytes
//! and reads one array to do it. A member longer than [`BLOCK_BYTES`]
//! always has a block of its own (see `SkipList::insert_alone`), so a slab
//! of two or more entries stays far below 16 MiB. The slab holds the members in arrival order,
//! each as a LEB128 length and its bytes, so an insert appends to it and
//! moves no member bytes; a removal leaves a hole, and the slab is
//! rewritten without holes once they make up half of it.

use crate::util::varint;

/// Most entries a block holds; an insert that passes it splits the block.
pub const BLOCK_MAX: usize = 64;
/// Most member bytes (lengths included) a block of two or more entries
/// holds; past it the block splits, so a long member ends up alone.
pub const BLOCK_BYTES: usize = 4096;

/// A sorted run of (score, member) entries with their hash tags.
#[derive(Clone, Default, Debug)]
pub(super) struct Block {
    pub(super) scores: Vec<f64>,
    /// Each entry's member offset in `slab` (<< 8) and hash tag, in order.
    pub(super) offs: Vec<u32>,
    /// Members in arrival order (LEB128 length + bytes), with holes.
    pub(super) slab: Vec<u8>,
    /// Bytes of `slab` that belong to removed members.
    pub(super) holes: usize,
}

/// Reads the LEB128 length at `off`: (length, offset of the bytes).
/// Out-of-range input yields a length that runs past the end (the callers
/// clamp, or check where corruption is possible).
#[inline]
pub(super) fn read_len(bytes: &[u8], off: usize) -> (usize, usize) {
    match bytes.get(off..).and_then(varint::read) {
        Some((len, used)) => (len, off + used),
        None => (usize::MAX / 2, bytes.len().max(off)),
    }
}

/// Bytes a member of `len` bytes takes in a slab (length header included).
pub(super) fn stored_size(len: usize) -> usize {
    varint::len(len) + len
}

/// Appends `member` with its LEB128 length to `slab`; returns its offset.
fn push_member(slab: &mut Vec<u8>, member: &[u8]) -> u32 {
    let off = slab.len();
    reserve(slab, stored_size(member.len()), 32);
    varint::push(slab, member.len());
    slab.extend_from_slice(member);
    assert!(off < 1 << 24, "block slab past 16 MiB");
    off as u32
}

/// An entry's packed offset and tag.
#[inline]
fn pack(off: u32, tag: u8) -> u32 {
    (off << 8) | u32::from(tag)
}

/// Whether a member of `len` bytes is long: it gets a block of its own.
#[inline]
pub(super) fn is_long(len: usize) -> bool {
    stored_size(len) > BLOCK_BYTES
}

/// A slab capacity for `bytes` live bytes: a quarter more, except for a
/// long member (which stays alone).
fn with_room(bytes: usize) -> usize {
    if bytes > BLOCK_BYTES {
        bytes
    } else {
        bytes + bytes / 4
    }
}

/// Makes room for `extra` more items, growing the capacity by half (at
/// least `min`): a block fills from half to full between splits, so it
/// reallocates about twice on the way.
fn reserve<T>(v: &mut Vec<T>, extra: usize, min: usize) {
    let need = v.len() + extra;
    if need > v.capacity() {
        let target = need.max(v.capacity() + (v.capacity() / 2).max(min));
        v.reserve_exact(target - v.len());
    }
}

/// [`reserve`] for the per-entry arrays, which never need more than room
/// for a block about to split.
fn reserve_entries<T>(v: &mut Vec<T>, extra: usize) {
    let need = v.len() + extra;
    if need > v.capacity() {
        let target = (v.capacity() + (v.capacity() / 2).max(4)).min(BLOCK_MAX + 1);
        v.reserve_exact(target.max(need) - v.len());
    }
}

impl Block {
    /// Number of entries.
    #[inline]
    pub(super) fn len(&self) -> usize {
        self.scores.len()
    }

    /// Heap bytes the block's vectors hold.
    pub(super) fn heap(&self) -> usize {
        self.scores.capacity() * 8 + self.offs.capacity() * 4 + self.slab.capacity()
    }

    /// Slab bytes of live members.
    #[inline]
    pub(super) fn live_bytes(&self) -> usize {
        self.slab.len() - self.holes
    }

    /// The member stored at slab offset `off`.
    #[inline]
    fn member_at(&self, off: usize) -> &[u8] {
        // Members under 128 bytes (one length byte) are the common case.
        if let Some(&b) = self.slab.get(off)
            && b < 0x80
            && let Some(m) = self.slab.get(off + 1..off + 1 + usize::from(b))
        {
            return m;
        }
        let (len, p) = read_len(&self.slab, off);
        let end = p.saturating_add(len).min(self.slab.len());
        &self.slab[p.min(end)..end]
    }

    /// The member of entry `j`.
    #[inline]
    pub(super) fn member(&self, j: usize) -> &[u8] {
        self.member_at((self.offs[j] >> 8) as usize)
    }

    /// The hash tag of entry `j`.
    #[inline]
    pub(super) fn tag(&self, j: usize) -> u8 {
        self.offs[j] as u8
    }

    /// The first member (empty for an empty block).
    #[inline]
    pub(super) fn first_member(&self) -> &[u8] {
        self.offs
            .first()
            .map_or(&[], |&o| self.member_at((o >> 8) as usize))
    }

    /// Whether the block holds a long member (then it holds nothing else).
    pub(super) fn holds_long(&self) -> bool {
        self.len() == 1 && self.live_bytes() > BLOCK_BYTES
    }

    /// The position of `member` (whose hash tag is `tag`), if present.
    #[inline]
    pub(super) fn find(&self, tag: u8, member: &[u8]) -> Option<usize> {
        self.offs
            .iter()
            .enumerate()
            .filter(|&(_, &o)| o as u8 == tag)
            .map(|(j, _)| j)
            .find(|&j| self.member(j) == member)
    }

    /// How many entries sort strictly before (score, member).
    #[inline]
    pub(super) fn search(&self, score: f64, member: &[u8]) -> usize {
        let mut j = self.scores.partition_point(|&s| s < score);
        while self.scores.get(j) == Some(&score) && self.member(j) < member {
            j += 1;
        }
        j
    }

    /// [`Block::search`] for a block whose scores are all below `hi`:
    /// starts at the place `score` would have if the scores were spread
    /// evenly between the first and `hi`, and gallops from there, so a
    /// typical search reads a line or two of the scores instead of a chain
    /// of binary-search probes across the array.
    #[inline]
    pub(super) fn search_near(&self, score: f64, member: &[u8], hi: f64) -> usize {
        let s = &self.scores;
        let n = s.len();
        let lo = match s.first() {
            Some(&lo) if lo < score && score < hi && (hi - lo).is_finite() => lo,
            _ => return self.search(score, member),
        };
        let guess = (((score - lo) / (hi - lo)) * n as f64) as usize;
        let g = guess.min(n - 1);
        let below = |j: usize| s[j] < score;
        let mut j = if below(g) {
            // Every entry before `a` is below: double the stride rightwards.
            let (mut a, mut step) = (g + 1, 1);
            while a + step <= n && below(a + step - 1) {
                a += step;
                step *= 2;
            }
            let b = (a + step).min(n);
            a + s[a..b].partition_point(|&v| v < score)
        } else {
            // No entry from `b` on is below: double the stride leftwards.
            let (mut b, mut step) = (g, 1);
            while b >= step && !below(b - step) {
                b -= step;
                step *= 2;
            }
            let a = b.saturating_sub(step);
            a + s[a..b].partition_point(|&v| v < score)
        };
        while s.get(j) == Some(&score) && self.member(j) < member {
            j += 1;
        }
        debug_assert_eq!(j, self.search(score, member));
        j
    }

    /// Inserts an entry at position `j`.
    pub(super) fn insert(&mut self, j: usize, score: f64, tag: u8, member: &[u8]) {
        let off = push_member(&mut self.slab, member);
        reserve_entries(&mut self.scores, 1);
        reserve_entries(&mut self.offs, 1);
        self.scores.insert(j, score);
        self.offs.insert(j, pack(off, tag));
    }

    /// Removes the `k` entries from position `j`, calling `gone` with each
    /// removed member first.
    pub(super) fn remove(&mut self, j: usize, k: usize, mut gone: impl FnMut(&[u8])) {
        for i in j..j + k {
            let m = self.member(i);
            gone(m);
            let size = stored_size(m.len());
            self.holes += size;
        }
        self.scores.drain(j..j + k);
        self.offs.drain(j..j + k);
        if self.holes * 2 > self.slab.len() {
            self.compact();
        }
        self.shrink();
    }

    /// The slab bytes (length header included) of the member at `at`.
    #[inline]
    fn stored_at(&self, at: usize) -> &[u8] {
        let (len, p) = read_len(&self.slab, at);
        let end = p.saturating_add(len).min(self.slab.len());
        &self.slab[at.min(end)..end]
    }

    /// Rewrites the slab in entry order without holes, leaving room for a
    /// quarter more.
    fn compact(&mut self) {
        let mut slab = Vec::with_capacity(with_room(self.live_bytes()));
        for j in 0..self.offs.len() {
            let o = self.offs[j];
            let start = slab.len() as u32;
            slab.extend_from_slice(self.stored_at((o >> 8) as usize));
            self.offs[j] = pack(start, o as u8);
        }
        self.slab = slab;
        self.holes = 0;
    }

    /// Gives back capacity when at least half of it is unused.
    fn shrink(&mut self) {
        let n = self.scores.len();
        if self.scores.capacity() >= 8 && n * 2 <= self.scores.capacity() {
            self.scores.shrink_to(n + n / 4);
            self.offs.shrink_to(n + n / 4);
        }
        let b = self.slab.len();
        if self.slab.capacity() >= 64 && b * 2 <= self.slab.capacity() {
            self.slab.shrink_to(b + b / 4);
        }
    }

    /// Moves the entries from position `j` on into a new block.
    pub(super) fn split_off(&mut self, j: usize) -> Block {
        // Each half gets room for a quarter more entries and bytes, as
        // growing would give it, without reallocating on the way.
        let k = self.len() - j;
        let room = (k + k / 4).min(BLOCK_MAX + 1);
        let bytes: usize = self.offs[j..]
            .iter()
            .map(|&o| self.stored_at((o >> 8) as usize).len())
            .sum();
        let mut tail = Block {
            scores: Vec::with_capacity(room),
            offs: Vec::with_capacity(room),
            slab: Vec::with_capacity(with_room(bytes)),
            holes: 0,
        };
        tail.scores.extend_from_slice(&self.scores[j..]);
        for &o in &self.offs[j..] {
            let off = tail.slab.len() as u32;
            tail.slab
                .extend_from_slice(self.stored_at((o >> 8) as usize));
            tail.offs.push(pack(off, o as u8));
        }
        self.scores.truncate(j);
        self.offs.truncate(j);
        self.compact();
        self.shrink();
        tail
    }

    /// Appends every entry of `other` (which sorts after this block).
    pub(super) fn append(&mut self, other: &Block) {
        reserve_entries(&mut self.scores, other.len());
        reserve_entries(&mut self.offs, other.len());
        reserve(&mut self.slab, other.live_bytes(), 32);
        self.scores.extend_from_slice(&other.scores);
        for j in 0..other.len() {
            let off = push_member(&mut self.slab, other.member(j));
            self.offs.push(pack(off, other.tag(j)));
        }
    }

    /// Where to split an over-full block (None when it is within limits):
    /// the middle entry when it holds too many, else the entry where its
    /// member bytes pass half, kept inside `1..len`.
    pub(super) fn split_point(&self) -> Option<usize> {
        let n = self.len();
        if n > BLOCK_MAX {
            return Some(n / 2);
        }
        if n < 2 || self.live_bytes() <= BLOCK_BYTES {
            return None;
        }
        let half = self.live_bytes() / 2;
        let (mut total, mut j) = (0, 0);
        while j < n {
            total += stored_size(self.member(j).len());
            if total > half {
                break;
            }
            j += 1;
        }
        // A long entry goes alone: split before it, or after it when first.
        Some(j.clamp(1, n - 1))
    }

    /// Iterates (score, member, tag) in order.
    pub(super) fn entries(&self) -> impl Iterator<Item = (f64, &[u8], u8)> + '_ {
        (0..self.len()).map(|j| (self.scores[j], self.member(j), self.tag(j)))
    }
}
