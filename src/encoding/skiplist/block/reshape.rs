//! Rewriting a [`Block`]: compaction, giving back room, splitting it in
//! two, appending a neighbour's entries, and where a block over its byte
//! limit splits.

use super::{
    BLOCK_BYTES, BLOCK_MAX, Block, CELLS, LEN, Moves, ORDER, USED, choose_inline, slab_cost_in,
};

impl Block {
    /// The block's entries rewritten into a new block with `cap` cells
    /// (the entries must fit), cells shaped for its members, and the slab
    /// in sorted order without holes with room for a quarter more, and the
    /// quantizer picked for its scores; each
    /// entry keeps its cell unless that is at or above `cap`, when it
    /// moves to the lowest free cell. Returns the renumbered cells.
    pub(in crate::encoding::skiplist) fn compact(&mut self, cap: usize) -> Moves {
        let n = self.len();
        debug_assert!(n <= cap);
        let lens = || self.order().iter().map(|&c| self.len_of(c));
        let inline = choose_inline(lens());
        let live: usize = lens().map(|l| slab_cost_in(inline, l)).sum();
        let room = if live > BLOCK_BYTES { 0 } else { live / 4 };
        let mut out = Block::with_room(cap, inline, live + room);
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
            let (score, m) = self.entry_of(c);
            out.put(to, score, m);
            out.buf[ORDER + j] = to;
        }
        out.set_word(USED, used);
        out.requantize();
        *self = out;
        moves
    }

    /// Gives back room when at least five eighths of the cells or half of
    /// the slab is unused; returns the renumbered cells.
    pub(super) fn shrink(&mut self) -> Moves {
        let (n, cap) = (self.len(), self.cap());
        let slab = self.slab().len();
        let spare = self.buf.capacity() - self.buf.len();
        // Cells: at most three eighths used, so that the half a split
        // leaves in its block (half its cells used) gives back its extra
        // cells only after losing a quarter of its entries.
        let sparse = cap >= 8 && n * 8 <= cap * 3;
        if sparse || (slab >= 64 && spare >= slab) {
            let keep = if sparse { (n + n / 4).max(1) } else { cap };
            return self.compact(keep);
        }
        Moves::new()
    }

    /// Moves the entries from sorted position `j` on into a new block
    /// (cells numbered in sorted order from 0, with room for a quarter
    /// more) and returns it. The entries kept here stay in their cells, and
    /// the cells freed serve this block's next inserts: only the moved
    /// entries need new index slots. When every moved member sits in line,
    /// the new block takes this one's cell shape and the cells move as
    /// bytes; otherwise it is shaped for its members, and the slab here is
    /// rewritten (cells unchanged) once holes make up more than half of it.
    pub(in crate::encoding::skiplist) fn split_off(&mut self, j: usize) -> Block {
        let n = self.len();
        let k = n - j;
        debug_assert!(0 < j && j < n);
        let cap = (k + k / 4).clamp(1, BLOCK_MAX);
        let mut used = self.used();
        for &c in &self.order()[j..] {
            used &= !(1 << c);
        }
        let (mut tail, freed) = self.reshaped_from(j, cap);
        tail.buf[LEN] = k as u8;
        tail.set_word(USED, u64::MAX >> (64 - k));
        tail.requantize();
        let holes = self.holes() + freed;
        self.buf[LEN] = j as u8;
        self.set_word(USED, used);
        self.set_holes(holes);
        // Its range halved: a fresh quantizer keeps its keys apart (its
        // scores' cells share their lines with the ones just copied).
        self.requantize();
        if holes * 2 > self.slab().len() {
            // Every used cell is below the capacity kept: nothing moves.
            let moves = self.compact(self.cap());
            debug_assert!(moves.is_empty());
        }
        tail
    }

    /// The entries from sorted position `j` on, in a new block of `cap`
    /// cells shaped for their members (cells 0.. in order, slab room for a
    /// quarter more), and the slab bytes they take here.
    fn reshaped_from(&self, j: usize, cap: usize) -> (Block, usize) {
        let n = self.len();
        let (k, w) = (self.inline, self.width());
        // Each moved member's length, read once (from its cell's length
        // byte while every one so far sits in line).
        let mut lens = [0usize; BLOCK_MAX];
        let mut in_line = k != 0;
        for (l, &c) in lens.iter_mut().zip(&self.order()[j..]) {
            let b = if in_line {
                self.buf[CELLS + w * usize::from(c) + 8]
            } else {
                0
            };
            in_line &= b <= k;
            *l = if in_line {
                usize::from(b)
            } else {
                self.len_of(c)
            };
        }
        let lens = &lens[..n - j];
        let inline = choose_inline(lens.iter().copied());
        let bytes: usize = lens.iter().map(|&l| slab_cost_in(inline, l)).sum();
        let room = if bytes > BLOCK_BYTES { 0 } else { bytes / 4 };
        let mut tail = Block::with_room(cap, inline, bytes + room);
        if in_line && bytes == 0 {
            // Every moved member sits in line here and there: the cells
            // move as bytes.
            self.copy_cells_to(&mut tail, j);
            return (tail, 0);
        }
        for (t, i) in (j..n).enumerate() {
            let (score, m) = self.entry_of(self.cell_at(i));
            tail.put(t as u8, score, m);
            tail.buf[ORDER + t] = t as u8;
        }
        let freed = lens.iter().map(|&l| self.slab_cost(l)).sum();
        (tail, freed)
    }

    /// Copies the cells of the entries from sorted position `j` on, as
    /// bytes, into cells 0.. of `to` (in sorted order); every one's member
    /// must sit in line in both blocks' cells, so the bytes the two cell
    /// shapes share hold it.
    fn copy_cells_to(&self, to: &mut Block, j: usize) {
        let (w, wt) = (self.width(), to.width());
        let b = w.min(wt);
        debug_assert!(self.inline != 0 && to.inline != 0);
        let k = self.len() - j;
        for (t, o) in to.buf[ORDER..ORDER + k].iter_mut().enumerate() {
            *o = t as u8;
        }
        for (t, &c) in self.order()[j..].iter().enumerate() {
            let (from, at) = (CELLS + w * usize::from(c), CELLS + wt * t);
            let (src, dst) = (&self.buf[from..from + b], &mut to.buf[at..at + b]);
            if let (Some(x), Some(y)) = (src.first_chunk::<16>(), src.last_chunk::<16>()) {
                // Two fixed-size (overlapping) moves instead of a memcpy call.
                dst[..16].copy_from_slice(x);
                dst[b - 16..].copy_from_slice(y);
            } else {
                dst.copy_from_slice(src);
            }
        }
    }

    /// Slab bytes the members of `other` would take here.
    pub(in crate::encoding::skiplist) fn slab_cost_of(&self, other: &Block) -> usize {
        other
            .order()
            .iter()
            .map(|&c| self.slab_cost(other.len_of(c)))
            .sum()
    }

    /// Appends every entry of `other` (which sorts after this block and
    /// fits beside it) in free cells, and picks the quantizer for the
    /// merged range; returns (cell in `other`, cell here)
    /// for each.
    pub(in crate::encoding::skiplist) fn append(&mut self, other: &Block) -> Moves {
        let (n, k) = (self.len(), other.len());
        debug_assert!(n + k <= BLOCK_MAX);
        // Free cells are taken lowest first, so none past n + k is needed.
        self.regrow(self.cap().max(n + k), self.slab_cost_of(other));
        let mut used = self.used();
        let mut moves = Moves::with_capacity(k);
        for i in 0..k {
            let from = other.cell_at(i);
            let c = (!used).trailing_zeros() as u8;
            used |= 1 << c;
            let (score, m) = other.entry_of(from);
            self.put(c, score, m);
            self.buf[ORDER + n + i] = c;
            moves.push((from, c));
        }
        self.buf[LEN] = (n + k) as u8;
        self.set_word(USED, used);
        self.requantize();
        moves
    }

    /// Whether the block is over its byte limit (two or more entries and
    /// more than [`BLOCK_BYTES`] slab bytes).
    #[inline]
    pub(in crate::encoding::skiplist) fn over_bytes(&self) -> bool {
        self.len() >= 2 && self.live_bytes() > BLOCK_BYTES
    }

    /// Where to split a block over its byte limit (None when it is within
    /// it): the entry where its slab bytes pass half, kept inside
    /// `1..len`.
    pub(in crate::encoding::skiplist) fn split_point(&self) -> Option<usize> {
        let n = self.len();
        if n < 2 || self.live_bytes() <= BLOCK_BYTES {
            return None;
        }
        let half = self.live_bytes() / 2;
        let (mut total, mut j) = (0, 0);
        while j < n {
            total += self.slab_cost(self.member(j).len());
            if total > half {
                break;
            }
            j += 1;
        }
        // A long entry goes alone: split before it, or after it when first.
        Some(j.clamp(1, n - 1))
    }
}
