//! One block of the unrolled skiplist: a sorted run of entries in one
//! allocation.
//!
//! Each entry lives in a *cell* (0..64) that it keeps while it stays in the
//! block, so the member index can name the cell and a lookup reads it
//! directly, without scanning the block. The block is one byte vector:
//!
//! ```text
//! [0, 64)        order: the cells in sorted (score, member) order (first len used)
//! [64, 72)       bitmap of the cells in use (u64, little-endian)
//! [72]           len (entries)      [73] cap (cells with room)
//! [76, 80)       hole bytes in the slab (u32)
//! [80, 80+10cap) cells: score (f64) and the member's slab offset (u16) each
//! [80+10cap, ..) slab: members in arrival order, LEB128 length + bytes
//! ```
//!
//! A cell's score and offset share one line (usually), so a lookup by cell
//! reads that line and the member's slab line. An insert takes the lowest
//! free cell and shifts at most 63 bytes of `order`; no score or offset
//! moves. The offset counts from the start of the vector: a member longer
//! than [`BLOCK_BYTES`] always has a block of its own (see
//! `SkipList::insert_alone`), and a slab of two or more entries stays under
//! 16 KiB (at most `2 * BLOCK_BYTES` live bytes, just before a split, plus
//! at most `BLOCK_BYTES` of holes, since a removal that leaves holes over
//! half the slab rewrites it), so every offset fits 16 bits. A removal leaves a hole in the slab, rewritten
//! without holes once they make up half of it. Operations that renumber
//! cells (a split, a merge, giving back room) report each move so the
//! member index can follow.

use super::index::{SHORT, words};
use crate::util::varint;

/// Most entries a block holds; an insert into a full block splits it first.
pub const BLOCK_MAX: usize = 64;
/// Most member bytes (lengths included) a block of two or more entries
/// holds; past it the block splits, so a long member ends up alone.
pub const BLOCK_BYTES: usize = 4096;

const USED: usize = 64;
const LEN: usize = 72;
const CAP: usize = 73;
const HOLES: usize = 76;
/// Where the cells start.
pub(super) const CELLS: usize = 80;
/// Bytes of one cell.
const CELL: usize = 10;

/// A renumbering of one entry: (old cell, new cell).
pub(super) type Moves = Vec<(u8, u8)>;

/// A sorted run of (score, member) entries (an empty vector for a free
/// block).
#[derive(Clone, Default, Debug)]
pub(super) struct Block {
    buf: Vec<u8>,
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

/// Whether two members are equal: short ones by two word compares (no
/// `memcmp` call).
#[inline(always)]
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len()
        && if a.len() <= SHORT {
            words(a) == words(b)
        } else {
            a == b
        }
}

/// Bytes a member of `len` bytes takes in a slab (length header included).
pub(super) fn stored_size(len: usize) -> usize {
    varint::len(len) + len
}

/// Whether a member of `len` bytes is long: it gets a block of its own.
#[inline]
pub(super) fn is_long(len: usize) -> bool {
    stored_size(len) > BLOCK_BYTES
}

/// The cell count to grow to from `cap`: half as many more (at least 4),
/// or straight to [`BLOCK_MAX`] from three quarters of it on, so a block
/// split in half regrows once on its way to the next split.
fn next_cap(cap: usize) -> usize {
    let c = cap + (cap / 2).max(4);
    if c * 4 >= BLOCK_MAX * 3 { BLOCK_MAX } else { c }
}

impl Block {
    /// An empty block with room for `cap` cells and `slab` member bytes.
    pub(super) fn with_room(cap: usize, slab: usize) -> Block {
        debug_assert!(cap <= BLOCK_MAX);
        let start = CELLS + CELL * cap;
        let mut buf = Vec::with_capacity(start + slab);
        buf.resize(start, 0);
        buf[CAP] = cap as u8;
        Block { buf }
    }

    /// A block holding one entry.
    pub(super) fn single(score: f64, member: &[u8]) -> Block {
        let mut b = Block::with_room(1, stored_size(member.len()));
        b.insert(0, score, member);
        b
    }

    /// Number of entries.
    #[inline]
    pub(super) fn len(&self) -> usize {
        self.buf.get(LEN).map_or(0, |&n| usize::from(n))
    }

    /// Cells with room (used or not).
    #[inline]
    pub(super) fn cap(&self) -> usize {
        self.buf.get(CAP).map_or(0, |&n| usize::from(n))
    }

    /// The bitmap of cells in use.
    #[inline]
    pub(super) fn used(&self) -> u64 {
        self.word(USED)
    }

    #[inline]
    fn word(&self, at: usize) -> u64 {
        self.buf
            .get(at..at + 8)
            .map_or(0, |w| u64::from_le_bytes(w.try_into().unwrap_or([0; 8])))
    }

    #[inline]
    fn set_word(&mut self, at: usize, v: u64) {
        self.buf[at..at + 8].copy_from_slice(&v.to_le_bytes());
    }

    /// Hole bytes in the slab.
    #[inline]
    pub(super) fn holes(&self) -> usize {
        self.buf.get(HOLES..CELLS).map_or(0, |w| {
            u32::from_le_bytes(w.try_into().unwrap_or([0; 4])) as usize
        })
    }

    fn set_holes(&mut self, h: usize) {
        self.buf[HOLES..CELLS].copy_from_slice(&(h as u32).to_le_bytes());
    }

    /// Where the slab starts.
    #[inline]
    pub(super) fn slab_start(&self) -> usize {
        CELLS + CELL * self.cap()
    }

    /// The slab: member bytes with holes.
    #[inline]
    pub(super) fn slab(&self) -> &[u8] {
        self.buf.get(self.slab_start()..).unwrap_or(&[])
    }

    /// Heap bytes held.
    pub(super) fn heap(&self) -> usize {
        self.buf.capacity()
    }

    /// Slab bytes of live members.
    #[inline]
    pub(super) fn live_bytes(&self) -> usize {
        self.slab().len() - self.holes()
    }

    /// The cell at sorted position `j`.
    #[inline]
    pub(super) fn cell_at(&self, j: usize) -> u8 {
        self.buf[j]
    }

    /// The cells in sorted order.
    #[inline]
    pub(super) fn order(&self) -> &[u8] {
        &self.buf[..self.len()]
    }

    /// The score and slab offset (from the start of the vector) in cell
    /// `c`, read with one bounds check.
    #[inline]
    fn cell(&self, c: u8) -> (f64, usize) {
        let at = CELLS + CELL * usize::from(c);
        let w: [u8; CELL] = self.buf[at..at + CELL].try_into().unwrap_or([0; CELL]);
        let [s0, s1, s2, s3, s4, s5, s6, s7, o0, o1] = w;
        let score = f64::from_le_bytes([s0, s1, s2, s3, s4, s5, s6, s7]);
        (score, usize::from(u16::from_le_bytes([o0, o1])))
    }

    /// The score in cell `c`.
    #[inline]
    pub(super) fn score_of(&self, c: u8) -> f64 {
        self.cell(c).0
    }

    /// The slab offset (from the start of the vector) of cell `c`'s member.
    #[inline]
    pub(super) fn off_of(&self, c: u8) -> usize {
        self.cell(c).1
    }

    /// The score and member in cell `c`.
    #[inline]
    pub(super) fn entry_of(&self, c: u8) -> (f64, &[u8]) {
        let (score, off) = self.cell(c);
        (score, self.member_at(off))
    }

    #[inline]
    fn set_cell(&mut self, c: u8, score: f64, off: usize) {
        let at = CELLS + CELL * usize::from(c);
        let [s0, s1, s2, s3, s4, s5, s6, s7] = score.to_le_bytes();
        let [o0, o1] = (off as u16).to_le_bytes();
        self.buf[at..at + CELL].copy_from_slice(&[s0, s1, s2, s3, s4, s5, s6, s7, o0, o1]);
    }

    /// Replaces the score of cell `c`.
    pub(super) fn set_score_of(&mut self, c: u8, score: f64) {
        let off = self.off_of(c);
        self.set_cell(c, score, off);
    }

    /// The member stored at offset `off`.
    #[inline]
    fn member_at(&self, off: usize) -> &[u8] {
        // Members under 128 bytes (one length byte) are the common case.
        if let Some(&b) = self.buf.get(off)
            && b < 0x80
            && let Some(m) = self.buf.get(off + 1..off + 1 + usize::from(b))
        {
            return m;
        }
        let (len, p) = read_len(&self.buf, off);
        let end = p.saturating_add(len).min(self.buf.len());
        &self.buf[p.min(end)..end]
    }

    /// The score in cell `c` if its member is `member`.
    #[inline]
    pub(super) fn score_if(&self, c: u8, member: &[u8]) -> Option<f64> {
        let (score, off) = self.cell(c);
        same(self.member_at(off), member).then_some(score)
    }

    /// Whether the member in cell `c` is `member`.
    #[inline]
    pub(super) fn holds(&self, c: u8, member: &[u8]) -> bool {
        same(self.member_of(c), member)
    }

    /// The member in cell `c`.
    #[inline]
    pub(super) fn member_of(&self, c: u8) -> &[u8] {
        self.member_at(self.off_of(c))
    }

    /// The score at sorted position `j`.
    #[inline]
    pub(super) fn score(&self, j: usize) -> f64 {
        self.score_of(self.cell_at(j))
    }

    /// The member at sorted position `j`.
    #[inline]
    pub(super) fn member(&self, j: usize) -> &[u8] {
        self.member_of(self.cell_at(j))
    }

    /// The first score (None for an empty block).
    #[inline]
    pub(super) fn first_score(&self) -> Option<f64> {
        (self.len() > 0).then(|| self.score(0))
    }

    /// The first member (empty for an empty block).
    #[inline]
    pub(super) fn first_member(&self) -> &[u8] {
        if self.len() == 0 { &[] } else { self.member(0) }
    }

    /// Whether the block holds a long member (then it holds nothing else).
    pub(super) fn holds_long(&self) -> bool {
        self.len() == 1 && self.live_bytes() > BLOCK_BYTES
    }

    /// The sorted position of cell `c` (which must be in use).
    #[inline]
    pub(super) fn position_of(&self, c: u8) -> usize {
        // Eight order bytes a step: the lowest byte of `w ^ c*ONES` that is
        // zero is the first match (the borrow trick flags no false byte
        // below a true one). Bytes past `len` are stale, but `c` occurs
        // before them.
        const ONES: u64 = 0x0101_0101_0101_0101;
        let pat = ONES * u64::from(c);
        for (k, w) in self.buf[..USED].chunks_exact(8).enumerate() {
            let v = u64::from_le_bytes(w.try_into().unwrap_or([0; 8])) ^ pat;
            let hit = v.wrapping_sub(ONES) & !v & (ONES << 7);
            if hit != 0 {
                let j = k * 8 + hit.trailing_zeros() as usize / 8;
                debug_assert!(j < self.len(), "cell not in use");
                return j;
            }
        }
        debug_assert!(false, "cell not in use");
        0
    }

    /// How many entries satisfy `pred`, which holds for a prefix of the
    /// sorted order (binary search).
    #[inline]
    pub(super) fn partition_point(&self, pred: impl Fn(f64) -> bool) -> usize {
        let (mut lo, mut hi) = (0, self.len());
        while lo < hi {
            let mid = (lo + hi) / 2;
            if pred(self.score(mid)) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo
    }

    /// How many entries sort strictly before (score, member).
    #[inline]
    pub(super) fn search(&self, score: f64, member: &[u8]) -> usize {
        let mut j = self.partition_point(|s| s < score);
        while j < self.len() && self.score(j) == score && self.member(j) < member {
            j += 1;
        }
        j
    }

    /// [`Block::search`] for a block whose first score is `lo` and whose
    /// scores are all below `hi` (both known from the links that lead to
    /// it and from it, so the first cell is not read): starts at the place `score` would have if the scores were spread
    /// evenly between the first and `hi`, and gallops from there, so a
    /// typical search reads a cell line or two instead of a chain of
    /// binary-search probes across the block.
    #[inline]
    pub(super) fn search_near(&self, score: f64, member: &[u8], lo: f64, hi: f64) -> usize {
        let n = self.len();
        if n == 0 || !(lo < score && score < hi && (hi - lo).is_finite()) {
            return self.search(score, member);
        }
        debug_assert_eq!(Some(lo), self.first_score());
        let guess = (((score - lo) / (hi - lo)) * n as f64) as usize;
        let g = guess.min(n - 1);
        let below = |j: usize| self.score(j) < score;
        let (mut a, mut b) = if below(g) {
            // Every entry before `a` is below: double the stride rightwards.
            let (mut a, mut step) = (g + 1, 1);
            while a + step <= n && below(a + step - 1) {
                a += step;
                step *= 2;
            }
            (a, (a + step).min(n))
        } else {
            // No entry from `b` on is below: double the stride leftwards.
            let (mut b, mut step) = (g, 1);
            while b >= step && !below(b - step) {
                b -= step;
                step *= 2;
            }
            (b.saturating_sub(step), b)
        };
        while a < b {
            let mid = (a + b) / 2;
            if below(mid) {
                a = mid + 1;
            } else {
                b = mid;
            }
        }
        let mut j = a;
        while j < n && self.score(j) == score && self.member(j) < member {
            j += 1;
        }
        debug_assert_eq!(j, self.search(score, member));
        j
    }

    /// Regrows the vector to `cap` cells (at least as many as now) with
    /// room for `extra` more slab bytes, in one reallocation; the slab
    /// moves with the cells' end and the offsets follow it.
    fn regrow(&mut self, cap: usize, extra: usize) {
        debug_assert!(cap >= self.cap());
        let (old_start, new_start) = (self.slab_start(), CELLS + CELL * cap);
        let slab = self.buf.len() - old_start;
        let need = new_start + slab + extra;
        if need > self.buf.capacity() {
            // Room for members of the average size in every free cell, so
            // the slab runs out about when the cells do (at least a quarter
            // of the slab, 32 bytes, and `extra`).
            let n = self.len();
            let avg = (slab - self.holes()).div_ceil(n.max(1));
            let room = extra.max(avg * (cap - n)).max(slab / 4).max(32);
            let mut buf = Vec::with_capacity(new_start + slab + room);
            buf.extend_from_slice(&self.buf[..old_start]);
            buf.resize(new_start, 0);
            buf.extend_from_slice(&self.buf[old_start..]);
            self.buf = buf;
        } else if cap != self.cap() {
            self.buf.resize(need - extra, 0);
            self.buf.copy_within(old_start..old_start + slab, new_start);
        }
        self.buf[CAP] = cap as u8;
        if new_start != old_start {
            let mut used = self.used();
            while used != 0 {
                let c = used.trailing_zeros() as u8;
                used &= used - 1;
                let off = self.off_of(c) + new_start - old_start;
                let s = self.score_of(c);
                self.set_cell(c, s, off);
            }
        }
    }

    /// Appends `member` to the slab (room must exist); returns its offset.
    fn push_member(&mut self, member: &[u8]) -> usize {
        let off = self.buf.len();
        varint::push(&mut self.buf, member.len());
        self.buf.extend_from_slice(member);
        off
    }

    /// Inserts an entry at sorted position `j` (the block must hold fewer
    /// than [`BLOCK_MAX`]); returns its cell.
    pub(super) fn insert(&mut self, j: usize, score: f64, member: &[u8]) -> u8 {
        let size = stored_size(member.len());
        if self.buf.is_empty() {
            *self = Block::with_room(4, size.max(32));
        }
        // The header in one read: no bounds check per field.
        let (n, cap, used) = match self.buf.first_chunk::<CELLS>() {
            Some(h) => {
                let [u0, u1, u2, u3, u4, u5, u6, u7] = [
                    h[USED],
                    h[USED + 1],
                    h[USED + 2],
                    h[USED + 3],
                    h[USED + 4],
                    h[USED + 5],
                    h[USED + 6],
                    h[USED + 7],
                ];
                let used = u64::from_le_bytes([u0, u1, u2, u3, u4, u5, u6, u7]);
                (usize::from(h[LEN]), usize::from(h[CAP]), used)
            }
            None => (0, 0, 0),
        };
        debug_assert!(n < BLOCK_MAX && j <= n);
        let free = (!used).trailing_zeros() as usize;
        let cap2 = if free >= cap { next_cap(cap) } else { cap };
        if cap2 != cap || self.buf.len() + size > self.buf.capacity() {
            self.regrow(cap2, size);
        }
        let c = free as u8;
        let off = self.push_member(member);
        debug_assert!(n < 2 || off < 1 << 16);
        self.set_cell(c, score, off);
        self.buf.copy_within(j..n, j + 1);
        self.buf[j] = c;
        self.buf[LEN] = (n + 1) as u8;
        self.set_word(USED, used | 1 << c);
        c
    }

    /// Removes the `k` entries from sorted position `j`, calling `gone`
    /// with each removed member and its cell first; returns the cells
    /// renumbered by giving back room.
    pub(super) fn remove(&mut self, j: usize, k: usize, mut gone: impl FnMut(&[u8], u8)) -> Moves {
        let n = self.len();
        let (mut used, mut holes) = (self.used(), self.holes());
        for i in j..j + k {
            let c = self.cell_at(i);
            let m = self.member_of(c);
            gone(m, c);
            holes += stored_size(m.len());
            used &= !(1 << c);
        }
        self.buf.copy_within(j + k..n, j);
        self.buf[LEN] = (n - k) as u8;
        self.set_word(USED, used);
        self.set_holes(holes);
        if n == k {
            return Moves::new();
        }
        if holes * 2 > self.slab().len() {
            self.compact(self.cap());
        }
        self.shrink()
    }

    /// Rewrites the block with `cap` cells (the entries must fit) and the
    /// slab in sorted order without holes, with room for a quarter more;
    /// returns the renumbered cells (the entries at or above `cap` move to
    /// the lowest free cells).
    fn compact(&mut self, cap: usize) -> Moves {
        let n = self.len();
        debug_assert!(n <= cap);
        let live = self.live_bytes();
        let start = CELLS + CELL * cap;
        let room = if live > BLOCK_BYTES { 0 } else { live / 4 };
        let mut out = Block {
            buf: Vec::with_capacity(start + live + room),
        };
        out.buf.resize(start, 0);
        out.buf[CAP] = cap as u8;
        out.buf[LEN] = n as u8;
        let (mut moves, mut used) = (Moves::new(), 0u64);
        for &c in self.order() {
            if usize::from(c) < cap {
                used |= 1 << c;
            }
        }
        for j in 0..n {
            let c = self.cell_at(j);
            let to = if usize::from(c) < cap {
                c
            } else {
                let f = (!used).trailing_zeros() as u8;
                used |= 1 << f;
                moves.push((c, f));
                f
            };
            let off = out.push_member(self.member_of(c));
            out.set_cell(to, self.score_of(c), off);
            out.buf[j] = to;
        }
        out.set_word(USED, used);
        *self = out;
        moves
    }

    /// Gives back room when at least half of the cells or the slab is
    /// unused; returns the renumbered cells.
    fn shrink(&mut self) -> Moves {
        let (n, cap) = (self.len(), self.cap());
        let slab = self.slab().len();
        let spare = self.buf.capacity() - self.buf.len();
        if (cap >= 8 && n * 2 <= cap) || (slab >= 64 && spare >= slab) {
            let keep = if cap >= 8 && n * 2 <= cap {
                (n + n / 4).max(1)
            } else {
                cap
            };
            return self.compact(keep);
        }
        Moves::new()
    }

    /// Moves the entries from sorted position `j` on into a new block
    /// (cells numbered in sorted order from 0) and gives this one room for
    /// a quarter more entries than it keeps; returns the new block and the
    /// cells renumbered here.
    pub(super) fn split_off(&mut self, j: usize) -> (Block, Moves) {
        let n = self.len();
        let k = n - j;
        let bytes: usize = (j..n).map(|i| stored_size(self.member(i).len())).sum();
        let room = if bytes > BLOCK_BYTES { 0 } else { bytes / 4 };
        let mut tail = Block::with_room((k + k / 4).clamp(1, BLOCK_MAX), bytes + room);
        for i in j..n {
            let c = self.cell_at(i);
            let off = tail.push_member(self.member_of(c));
            let t = (i - j) as u8;
            tail.set_cell(t, self.score_of(c), off);
            tail.buf[i - j] = t;
        }
        tail.buf[LEN] = k as u8;
        tail.set_word(USED, u64::MAX >> (64 - k));
        let mut used = self.used();
        let mut holes = self.holes();
        for i in j..n {
            let c = self.cell_at(i);
            used &= !(1 << c);
            holes += stored_size(self.member_of(c).len());
        }
        self.buf[LEN] = j as u8;
        self.set_word(USED, used);
        self.set_holes(holes);
        let moves = self.compact((j + j / 4).clamp(j, BLOCK_MAX));
        (tail, moves)
    }

    /// Appends every entry of `other` (which sorts after this block and
    /// fits beside it) in free cells; returns (cell in `other`, cell here)
    /// for each.
    pub(super) fn append(&mut self, other: &Block) -> Moves {
        let (n, k) = (self.len(), other.len());
        debug_assert!(n + k <= BLOCK_MAX);
        // Free cells are taken lowest first, so none past n + k is needed.
        self.regrow(self.cap().max(n + k), other.live_bytes());
        let mut used = self.used();
        let mut moves = Moves::with_capacity(k);
        for i in 0..k {
            let from = other.cell_at(i);
            let c = (!used).trailing_zeros() as u8;
            used |= 1 << c;
            let off = self.push_member(other.member_of(from));
            self.set_cell(c, other.score_of(from), off);
            self.buf[n + i] = c;
            moves.push((from, c));
        }
        self.buf[LEN] = (n + k) as u8;
        self.set_word(USED, used);
        moves
    }

    /// Whether the block is over its byte limit (two or more entries and
    /// more than [`BLOCK_BYTES`] member bytes).
    #[inline]
    pub(super) fn over_bytes(&self) -> bool {
        self.len() >= 2 && self.live_bytes() > BLOCK_BYTES
    }

    /// Where to split a block over its byte limit (None when it is within
    /// it): the entry where its member bytes pass half, kept inside
    /// `1..len`.
    pub(super) fn split_point(&self) -> Option<usize> {
        let n = self.len();
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

    /// Iterates (score, member, cell) in sorted order.
    pub(super) fn entries(&self) -> impl Iterator<Item = (f64, &[u8], u8)> + '_ {
        self.order().iter().map(|&c| {
            let (s, m) = self.entry_of(c);
            (s, m, c)
        })
    }

    /// The raw vector (for the validator).
    pub(super) fn raw(&self) -> &[u8] {
        &self.buf
    }

    /// The raw vector, writable (tests break invariants through it).
    #[cfg(test)]
    pub(super) fn raw_mut(&mut self) -> &mut Vec<u8> {
        &mut self.buf
    }
}
