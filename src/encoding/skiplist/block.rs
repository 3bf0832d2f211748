//! One block of the unrolled skiplist: a sorted run of entries in one
//! allocation.
//!
//! Each entry lives in a *cell* (0..64) that it keeps while it stays in the
//! block, so the member index can name the cell and a lookup reads it
//! directly, without scanning the block. The block is one byte vector
//! plus its *in-line length* `k` (0, or 2 to [`INLINE_MAX`]), which fixes
//! the cell size `w`:
//!
//! ```text
//! [0, 64)           keys: a one-byte key of each sorted position's score (first
//!                     len used, 0xFF after)
//! [64, 128)         order: the cells in sorted (score, member) order (first len used)
//! [128, 136)        bitmap of the cells in use (u64, little-endian)
//! [136]             len (entries)   [137] cap (cells with room)   [138] key shift
//! [140, 144)        hole bytes in the slab (u32)
//! [144, 152)        key base (u64)
//! [152, 152+w*cap)  cells, w bytes each: the score (f64), then
//!                     k = 0 (w = 10): the member's slab offset (u16);
//!                     k > 0 (w = 9 + k): a length byte L, then the member
//!                     itself when L <= k, or (L = 0xFF) its slab offset
//! [152+w*cap, ..)   slab: the other members in arrival order, LEB128 length + bytes
//! ```
//!
//! The cells sit in arrival order, so a search over them would read a
//! random line of the block at each probe, each read waiting on the one
//! before. The key array spares it: a score's key is its distance above
//! the block's *base*, as an order-preserving `u64` of the score (-0 taken
//! as +0), shifted right by the block's *shift* and capped at 255. Keys
//! never decrease with the score, so a smaller key means a smaller score
//! and a larger one a larger score: a search counts, over the whole array
//! at once and without a branch per key, the keys below and at most the
//! score's, and reads cells (binary search, then equal scores by member)
//! only among the entries sharing its key, usually none or one. Each
//! rewrite of a block (both halves of a split, a compaction, a merge)
//! picks base and shift for its scores: the base at its first score, the
//! smallest shift that fits the range to its last into a byte, so the
//! last key is 128 or more and scores inserted later up to the next
//! block's first take the keys above it (or share 255). A block made for
//! one entry takes shift 63 (valid, if coarse, until its first split).
//! Requantizing a split's old half too matters: kept, its quantizer would
//! cover a range halved at every split, and its entries would crowd a few
//! keys.
//!
//! A member of at most `k` bytes always sits in its cell, a longer one
//! always in the slab. So a lookup of a short member reads one cell (one
//! line, or two when the cell straddles a boundary) and no slab line, and
//! one of a member too long for the cells knows it is in the slab. `k` is
//! kept beside the vector (in [`Block`], which the block table holds) so
//! the cell's place is known before the block is read. Each rewrite of a
//! block (a split's new block, a compaction) picks the `k` that takes the fewest bytes
//! for its members, cells and slab together: members of 8 bytes take 17
//! instead of 19 (10-byte cell, length byte and bytes), members longer
//! than [`INLINE_MAX`] keep 10-byte cells, and a block shaped for shorter
//! members puts a longer newcomer in its slab until the next rewrite.
//!
//! An insert takes the lowest free cell and shifts at most 63 bytes of
//! `order` and as many of `keys`; no score or member moves. The offset
//! counts from the start of the vector: a member longer than
//! [`BLOCK_BYTES`] always has a block of its own (see
//! `SkipList::insert_alone`), and a slab of two or more entries stays
//! under 16 KiB (at most `2 * BLOCK_BYTES` live bytes, just
//! before a split, plus at most `BLOCK_BYTES` of holes, since a removal
//! or split that leaves holes over half the slab rewrites it; a merge counts the
//! slab bytes the moved members will take), so every offset fits 16 bits. A
//! removal leaves a hole in the slab, rewritten without holes once they
//! make up half of it. Operations that renumber cells (a merge, giving
//! back room) report each move so the member index can follow; a split
//! renumbers only the entries it moves out (to cells 0.. of the new
//! block, in order, copied as bytes when every one sits in line in both
//! blocks' cells).

mod keys;
mod reshape;

pub(super) use self::keys::{ordered, quantize};

use super::index::{SHORT, words};
use crate::util::varint;

/// Most entries a block holds; an insert into a full block splits it first.
pub const BLOCK_MAX: usize = 64;
/// Most slab bytes (members not in line, lengths included) a block of two
/// or more entries holds; past it the block splits, so a long member ends
/// up alone.
pub const BLOCK_BYTES: usize = 4096;

/// Where the order array starts (the key array is at 0).
pub(super) const ORDER: usize = 64;
/// Where the bitmap of cells in use is.
pub(super) const USED: usize = 128;
const LEN: usize = 136;
const CAP: usize = 137;
/// Where the quantizer's shift is (its base is a `u64` at [`BASE`]).
pub(super) const SHIFT: usize = 138;
const HOLES: usize = 140;
const BASE: usize = 144;
/// Where the cells start.
pub(super) const CELLS: usize = 152;
/// The key of the positions past the entries.
pub(super) const NO_KEY: u8 = 0xFF;
/// A fresh block's quantizer shift: valid for any score, useful for none.
const COARSE: u8 = 63;
/// Longest member a cell can hold in line.
pub(super) const INLINE_MAX: usize = 16;
/// The length byte of a cell whose member sits in the slab.
pub(super) const IN_SLAB: u8 = 0xFF;

/// A renumbering of one entry: (old cell, new cell).
pub(super) type Moves = Vec<(u8, u8)>;

/// A sorted run of (score, member) entries (an empty vector for a free
/// block).
#[derive(Clone, Default, Debug)]
pub(super) struct Block {
    buf: Vec<u8>,
    /// Longest member its cells hold in line (0, or 2..=[`INLINE_MAX`]);
    /// kept here rather than in `buf` so a lookup knows the cell size
    /// before it reads the block.
    inline: u8,
    /// The cell width that `inline` gives (0 for a free block), kept so a
    /// lookup takes it with one load.
    width: u8,
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

/// Bytes of a cell holding members of up to `inline` bytes in line: the
/// score, then a slab offset (`inline` 0), or a length byte and `inline`
/// bytes for the member or, past it, [`IN_SLAB`] and a slab offset.
#[inline(always)]
fn width_for(inline: usize) -> usize {
    if inline == 0 { 10 } else { 9 + inline }
}

/// Whether a member of `len` bytes sits in its cell in a block holding
/// members of up to `inline` bytes in line.
#[inline]
fn fits_in(inline: u8, len: usize) -> bool {
    len <= usize::from(inline) && inline != 0
}

/// Slab bytes a member of `len` bytes takes in a block holding members of
/// up to `inline` bytes in line.
#[inline]
fn slab_cost_in(inline: u8, len: usize) -> usize {
    if fits_in(inline, len) {
        0
    } else {
        stored_size(len)
    }
}

/// The in-line length for a block of members with lengths `lens`: the one
/// taking the fewest bytes (cells and slab together), then, when that puts
/// members in line, the longest within one byte a member of that: the
/// headroom keeps in line the members a block receives later that are a
/// little longer (counters gaining a digit), which would otherwise each
/// need slab room.
pub(super) fn choose_inline(lens: impl Iterator<Item = usize>) -> u8 {
    let mut hist = [0usize; INLINE_MAX + 1];
    let mut n = 0;
    for l in lens {
        n += 1;
        if let Some(h) = hist.get_mut(l) {
            *h += 1;
        }
    }
    // Bytes saved over `inline` 0: the slab bytes of the members that move
    // into their cells, less the wider cells (1 is no valid length).
    let mut saved = [isize::MIN; INLINE_MAX + 1];
    saved[0] = 0;
    let mut moved = 0;
    for (k, &h) in hist.iter().enumerate() {
        moved += (h * stored_size(k)) as isize;
        if k >= 2 {
            saved[k] = moved - (n * (width_for(k) - width_for(0))) as isize;
        }
    }
    let (best_k, best) = (0..=INLINE_MAX)
        .map(|k| (k, saved[k]))
        .fold((0, 0), |b, c| if c.1 > b.1 { c } else { b });
    if best_k == 0 {
        return 0;
    }
    let roomy = (best_k..=INLINE_MAX).rfind(|&k| saved[k] >= best - n as isize);
    roomy.unwrap_or(best_k) as u8
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
    /// An empty block with room for `cap` cells holding members of up to
    /// `inline` bytes in line, and `slab` member bytes.
    pub(super) fn with_room(cap: usize, inline: u8, slab: usize) -> Block {
        debug_assert!(
            cap <= BLOCK_MAX && (inline == 0 || (2..=INLINE_MAX as u8).contains(&inline))
        );
        let start = CELLS + width_for(usize::from(inline)) * cap;
        let mut buf = Vec::with_capacity(start + slab);
        buf.resize(start, 0);
        buf[..ORDER].fill(NO_KEY);
        buf[CAP] = cap as u8;
        buf[SHIFT] = COARSE;
        let width = width_for(usize::from(inline)) as u8;
        Block { buf, inline, width }
    }

    /// An empty block with room for `cap` cells, shaped for `member`.
    pub(super) fn for_member(cap: usize, member: &[u8]) -> Block {
        let inline = choose_inline(std::iter::once(member.len()));
        let slab = if usize::from(inline) >= member.len() {
            0
        } else {
            stored_size(member.len()).max(32)
        };
        Block::with_room(cap, inline, slab)
    }

    /// A block holding one entry.
    pub(super) fn single(score: f64, member: &[u8]) -> Block {
        let mut b = Block::for_member(1, member);
        b.insert(0, score, member);
        b
    }

    /// Longest member its cells hold in line (0 for none).
    #[inline]
    pub(super) fn inline_max(&self) -> usize {
        usize::from(self.inline)
    }

    /// Bytes of one of its cells.
    #[inline]
    fn width(&self) -> usize {
        width_for(self.inline_max())
    }

    /// Whether a member of `len` bytes sits in its cell here.
    #[inline]
    fn fits_inline(&self, len: usize) -> bool {
        fits_in(self.inline, len)
    }

    /// Slab bytes a member of `len` bytes takes here (0 in line).
    #[inline]
    pub(super) fn slab_cost(&self, len: usize) -> usize {
        slab_cost_in(self.inline, len)
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
        self.buf.get(HOLES..HOLES + 4).map_or(0, |w| {
            u32::from_le_bytes(w.try_into().unwrap_or([0; 4])) as usize
        })
    }

    fn set_holes(&mut self, h: usize) {
        self.buf[HOLES..HOLES + 4].copy_from_slice(&(h as u32).to_le_bytes());
    }

    /// Where the slab starts.
    #[inline]
    pub(super) fn slab_start(&self) -> usize {
        CELLS + self.width() * self.cap()
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
        self.buf[ORDER + j]
    }

    /// The cells in sorted order.
    #[inline]
    pub(super) fn order(&self) -> &[u8] {
        self.buf.get(ORDER..ORDER + self.len()).unwrap_or(&[])
    }

    /// Where cell `c` starts.
    #[inline]
    fn cell_off(&self, c: u8) -> usize {
        CELLS + self.width() * usize::from(c)
    }

    /// The score in cell `c` and where its member is: `Ok` with the
    /// member's bytes in line, `Err` with its slab offset (from the start
    /// of the vector).
    #[inline]
    fn cell(&self, c: u8) -> (f64, Result<&[u8], usize>) {
        let (k, w) = (self.inline_max(), self.width());
        let at = CELLS + w * usize::from(c);
        let Some((s, rest)) = self.buf[at..at + w].split_first_chunk::<8>() else {
            return (0.0, Ok(&[]));
        };
        let score = f64::from_le_bytes(*s);
        let off = |o: &[u8]| match o.first_chunk::<2>() {
            Some(&o) => usize::from(u16::from_le_bytes(o)),
            None => 0,
        };
        if k == 0 {
            return (score, Err(off(rest)));
        }
        match rest.split_first() {
            Some((&l, m)) if usize::from(l) <= k => {
                (score, Ok(m.get(..usize::from(l)).unwrap_or(&[])))
            }
            Some((_, o)) => (score, Err(off(o))),
            None => (score, Ok(&[])),
        }
    }

    /// The score in cell `c`.
    #[inline]
    pub(super) fn score_of(&self, c: u8) -> f64 {
        let at = self.cell_off(c);
        f64::from_le_bytes(self.buf[at..at + 8].try_into().unwrap_or([0; 8]))
    }

    /// The slab offset (from the start of the vector) of cell `c`'s
    /// member, or None when the member sits in the cell.
    #[inline]
    pub(super) fn slab_off(&self, c: u8) -> Option<usize> {
        self.cell(c).1.err()
    }

    /// The length byte of cell `c` (None when the cells hold no member in
    /// line), for the validator.
    pub(super) fn len_byte(&self, c: u8) -> Option<u8> {
        (self.inline != 0).then(|| self.buf[self.cell_off(c) + 8])
    }

    /// The score and member in cell `c`.
    #[inline]
    pub(super) fn entry_of(&self, c: u8) -> (f64, &[u8]) {
        match self.cell(c) {
            (score, Ok(m)) => (score, m),
            (score, Err(off)) => (score, self.member_at(off)),
        }
    }

    /// Writes `member` (stored in line when it fits, else appended to the
    /// slab, which must have room) and `score` into cell `c`.
    #[inline]
    fn put(&mut self, c: u8, score: f64, member: &[u8]) {
        let at = self.cell_off(c);
        let n = member.len();
        if self.fits_inline(n) {
            let cell = &mut self.buf[at..at + 9 + n];
            cell[..8].copy_from_slice(&score.to_le_bytes());
            cell[8] = n as u8;
            let dst = &mut cell[9..];
            if let (Some(a), Some(b)) = (member.first_chunk::<8>(), member.last_chunk::<8>()) {
                // Two fixed-size (overlapping) moves instead of a memcpy call.
                dst[..8].copy_from_slice(a);
                dst[n - 8..].copy_from_slice(b);
            } else {
                dst.copy_from_slice(member);
            }
        } else {
            self.buf[at..at + 8].copy_from_slice(&score.to_le_bytes());
            let off = self.push_member(member);
            self.set_slab_off(c, off);
        }
    }

    /// Points cell `c` (whose member goes in the slab) at slab offset
    /// `off`.
    fn set_slab_off(&mut self, c: u8, off: usize) {
        let mut at = self.cell_off(c) + 8;
        if self.inline != 0 {
            self.buf[at] = IN_SLAB;
            at += 1;
        }
        self.buf[at..at + 2].copy_from_slice(&(off as u16).to_le_bytes());
    }

    /// Replaces the score of cell `c`, which must keep its sorted position.
    pub(super) fn set_score_of(&mut self, c: u8, score: f64) {
        let at = self.cell_off(c);
        self.buf[at..at + 8].copy_from_slice(&score.to_le_bytes());
        let j = self.position_of(c);
        self.buf[j] = self.key_of(score);
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
    #[inline(always)]
    pub(super) fn score_if(&self, c: u8, member: &[u8]) -> Option<f64> {
        let n = member.len();
        if self.fits_inline(n) {
            // Such a member can only sit in line: one cell read.
            let at = CELLS + self.width() * usize::from(c);
            let (s, rest) = self.buf.get(at..at + 9 + n)?.split_first_chunk::<8>()?;
            let (&l, m) = rest.split_first()?;
            return (usize::from(l) == n && words(m) == words(member))
                .then(|| f64::from_le_bytes(*s));
        }
        self.score_if_slab(c, member)
    }

    /// [`Block::score_if`] for a member of `n` <= [`SHORT`] bytes given by
    /// its [`words`] `w` (which the caller computed once, for its hash
    /// too); `WIDE` says `n >= 8`, so that a caller that tested it gets the
    /// cell's words with two plain loads and no test of the length.
    #[inline(always)]
    pub(super) fn score_if_short<const WIDE: bool>(
        &self,
        c: u8,
        n: usize,
        w: (u64, u64),
    ) -> Option<f64> {
        debug_assert!(n <= SHORT && WIDE == (n >= 8));
        // Such a member can only sit in line when it fits: one cell read.
        let fits = match WIDE {
            true => n <= usize::from(self.inline),
            false => self.fits_inline(n),
        };
        if !fits {
            return self.score_if_slab_short(c, n, w);
        }
        let at = CELLS + usize::from(self.width) * usize::from(c);
        let (s, rest) = self.buf.get(at..at + 9 + n)?.split_first_chunk::<8>()?;
        let (&l, m) = rest.split_first()?;
        let mw = match WIDE {
            true => (
                u64::from_le_bytes(*m.first_chunk::<8>()?),
                u64::from_le_bytes(*m.last_chunk::<8>()?),
            ),
            false => words(m),
        };
        (usize::from(l) == n && mw == w).then(|| f64::from_le_bytes(*s))
    }

    /// [`Block::score_if_short`] for a block whose cells are too short for
    /// the member: it is in the slab.
    #[inline(never)]
    fn score_if_slab_short(&self, c: u8, n: usize, w: (u64, u64)) -> Option<f64> {
        let (score, m) = self.cell(c);
        let m = match m {
            Ok(m) => m,
            Err(off) => self.member_at(off),
        };
        (m.len() == n && words(m) == w).then_some(score)
    }

    /// [`Block::score_if`] for a member too long for the cells.
    #[inline(never)]
    fn score_if_slab(&self, c: u8, member: &[u8]) -> Option<f64> {
        let (score, m) = self.cell(c);
        let m = match m {
            Ok(m) => m,
            Err(off) => self.member_at(off),
        };
        same(m, member).then_some(score)
    }

    /// Whether the member in cell `c` is `member`.
    #[inline]
    pub(super) fn holds(&self, c: u8, member: &[u8]) -> bool {
        self.score_if(c, member).is_some()
    }

    /// The length of the member in cell `c`, read from the cell when it
    /// sits there.
    #[inline]
    pub(super) fn len_of(&self, c: u8) -> usize {
        if self.inline != 0 {
            let l = self.buf[self.cell_off(c) + 8];
            if l <= self.inline {
                return usize::from(l);
            }
        }
        self.member_of(c).len()
    }

    /// The member in cell `c`.
    #[inline]
    pub(super) fn member_of(&self, c: u8) -> &[u8] {
        self.entry_of(c).1
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

    /// Starts loading the block's first three lines (score keys, order,
    /// then length, quantizer and the first cells), which a search of it
    /// reads first.
    #[inline(always)]
    pub(super) fn prefetch_head(&self) {
        for at in [0, ORDER, USED] {
            if let Some(b) = self.buf.get(at) {
                crate::util::prefetch::prefetch(b);
            }
        }
    }

    /// Starts loading the line(s) of cell `c`.
    #[inline(always)]
    pub(super) fn prefetch_cell(&self, c: u8) {
        let at = self.cell_off(c);
        for b in [self.buf.get(at), self.buf.get(at + self.width() - 1)]
            .into_iter()
            .flatten()
        {
            crate::util::prefetch::prefetch(b);
        }
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
        for (k, w) in self.buf[ORDER..USED].chunks_exact(8).enumerate() {
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

    /// Regrows the vector to `cap` cells (at least as many as now) with
    /// room for `extra` more slab bytes, in one reallocation; the slab
    /// moves with the cells' end and the offsets follow it.
    fn regrow(&mut self, cap: usize, extra: usize) {
        debug_assert!(cap >= self.cap());
        let (old_start, new_start) = (self.slab_start(), CELLS + self.width() * cap);
        let slab = self.buf.len() - old_start;
        let need = new_start + slab + extra;
        if need > self.buf.capacity() {
            // Room for members of the average slab size in every free cell,
            // so the slab runs out about when the cells do (at least a
            // quarter of the slab, 32 bytes once it is used, and `extra`).
            let n = self.len();
            let live = slab - self.holes();
            let avg = live.div_ceil(n.max(1));
            let least = if live + extra == 0 { 0 } else { 32 };
            let room = extra.max(avg * (cap - n)).max(slab / 4).max(least);
            // One reallocation (in place when the allocator can).
            self.buf
                .reserve_exact(new_start + slab + room - self.buf.len());
        }
        if cap != self.cap() {
            self.buf.resize(need - extra, 0);
            self.buf.copy_within(old_start..old_start + slab, new_start);
        }
        self.buf[CAP] = cap as u8;
        // Only members in the slab have offsets to move.
        if new_start != old_start && slab > 0 {
            let mut used = self.used();
            while used != 0 {
                let c = used.trailing_zeros() as u8;
                used &= used - 1;
                if let Some(off) = self.slab_off(c) {
                    self.set_slab_off(c, off + new_start - old_start);
                }
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
    #[inline]
    pub(super) fn insert(&mut self, j: usize, score: f64, member: &[u8]) -> u8 {
        if self.buf.is_empty() {
            *self = Block::for_member(4, member);
        }
        let size = self.slab_cost(member.len());
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
        debug_assert!(n < 2 || self.buf.len() < 1 << 16);
        self.put(c, score, member);
        let key = self.key_of(score);
        self.buf.copy_within(ORDER + j..ORDER + n, ORDER + j + 1);
        self.buf[ORDER + j] = c;
        self.buf.copy_within(j..n, j + 1);
        self.buf[j] = key;
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
            holes += self.slab_cost(m.len());
            used &= !(1 << c);
        }
        self.buf.copy_within(ORDER + j + k..ORDER + n, ORDER + j);
        self.buf.copy_within(j + k..n, j);
        self.buf[n - k..n].fill(NO_KEY);
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

    /// Sets the in-line length without reshaping the cells (tests break
    /// invariants through it).
    #[cfg(test)]
    pub(super) fn set_inline_raw(&mut self, inline: u8) {
        self.inline = inline;
        self.width = width_for(usize::from(inline)) as u8;
    }

    /// The raw vector, writable (tests break invariants through it).
    #[cfg(test)]
    pub(super) fn raw_mut(&mut self) -> &mut Vec<u8> {
        &mut self.buf
    }
}
