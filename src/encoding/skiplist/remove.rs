//! Removals from a [`SkipList`]: by member, by rank window, and the
//! unlinking, freeing and merging of blocks they leave sparse or empty.

use super::block::Block;
use super::{BLOCK_BYTES, HEADER, LOW, Link, MAX_LEVEL, MERGED_MAX, Node, Path, SPARSE, SkipList};

impl SkipList {
    /// Changes the score of a present member and returns its old score
    /// (None, changing nothing, when absent). O(log n).
    ///
    /// # Panics
    /// If `score` is NaN.
    pub fn update_score(&mut self, member: &[u8], score: f64) -> Option<f64> {
        assert!(!score.is_nan(), "NaN score");
        let (x, c) = self.locate(self.hash(member), member)?;
        let b = self.block(x);
        let old = b.score_of(c);
        let j = b.position_of(c);
        // An entry inside its block that keeps its place only changes its
        // score; anything else is a removal and an insert.
        if j > 0 && j + 1 < b.len() {
            let (prev, next) = (b.member(j - 1), b.member(j + 1));
            let (ps, ns) = (b.score(j - 1), b.score(j + 1));
            let after_prev = ps < score || (ps == score && prev < member);
            let before_next = score < ns || (score == ns && member < next);
            if after_prev && before_next {
                self.blocks[x as usize].set_score_of(c, score);
                return Some(old);
            }
        }
        self.remove(member);
        self.insert_new(score, member);
        Some(old)
    }

    /// Removes `member`, returning its score. O(log n).
    pub fn remove(&mut self, member: &[u8]) -> Option<f64> {
        let (x, c) = self.locate(self.hash(member), member)?;
        let score = self.block(x).score_of(c);
        let j = self.block(x).position_of(c);
        let path = self.path_to(score, member);
        self.remove_entries(x, j, 1, &path);
        self.after_removal();
        Some(score)
    }

    /// Removes the members at 0-based positions `start..end` (clamped) and
    /// returns how many were removed. O(log n + m) per block touched.
    pub fn remove_range(&mut self, start: usize, end: usize) -> usize {
        let end = end.min(self.len);
        if start >= end {
            return 0;
        }
        let mut left = end - start;
        while left > 0 {
            let (path, x, j) = self.path_to_rank(start);
            let k = left.min(self.block(x).len() - j);
            self.remove_entries(x, j, k, &path);
            left -= k;
        }
        self.after_removal();
        end - start
    }

    /// Removes `k` entries of block `x` from position `j`; `path` is the
    /// path to the first of them. Unlinks an emptied block and merges a
    /// sparse one with a neighbour.
    fn remove_entries(&mut self, x: u32, j: usize, k: usize, path: &Path) {
        let moves = {
            let (blocks, index, hasher) = (&mut self.blocks, &mut self.index, &self.hasher);
            let b = &mut blocks[x as usize];
            let before = b.heap();
            let moves = b.remove(j, k, |m, c| index.remove(hasher.hash_one(m), (x, c)));
            self.block_heap = self.block_heap + b.heap() - before;
            moves
        };
        self.follow(x, x, &moves);
        let hx = self.height(x);
        for i in 0..self.level {
            let c = if i < hx { x } else { path.pred[i] };
            self.link_mut(c, i).span -= k as u32;
        }
        self.len -= k;
        if self.block(x).len() == 0 {
            self.unlink(x, &path.pred);
            self.release(x);
            return;
        }
        if j == 0 {
            let first = self.block(x).score(0);
            for i in 0..hx {
                self.link_mut(path.pred[i], i).key = first;
            }
        }
        if self.block(x).len() <= SPARSE {
            self.merge_sparse(x, path);
        }
    }

    /// Takes block `y` out of every level, given its predecessor on each
    /// of its levels; its spans pass to the predecessors.
    fn unlink(&mut self, y: u32, pred: &[u32; MAX_LEVEL]) {
        for (i, &p) in pred.iter().enumerate().take(self.height(y)) {
            let yl = *self.link(y, i);
            let pl = self.link_mut(p, i);
            debug_assert_eq!(pl.next, y);
            pl.next = yl.next;
            pl.key = yl.key;
            pl.span += yl.span;
        }
        let back = self.nodes[y as usize].back;
        match self.link(y, 0).next {
            0 => self.tail = back,
            f => self.nodes[f as usize].back = back,
        }
        while self.level > 1 && self.link(HEADER, self.level - 1).next == 0 {
            *self.link_mut(HEADER, self.level - 1) = Link::default();
            self.level -= 1;
        }
        if self.tail == HEADER {
            // Empty: the header's level-0 span is its own (no) entries.
            *self.link_mut(HEADER, 0) = Link::default();
        }
    }

    /// Frees an unlinked, emptied block.
    fn release(&mut self, y: u32) {
        let b = std::mem::take(&mut self.blocks[y as usize]);
        self.block_heap -= b.heap();
        self.tower_garbage += self.height(y).saturating_sub(LOW);
        self.nodes[y as usize] = Node::default();
        for l in &mut self.low {
            l[y as usize] = Link::default();
        }
        self.free.push(y);
    }

    /// Merges sparse block `x` into a neighbour when the two fit: its next
    /// block moves into it, or it moves into its previous block.
    fn merge_sparse(&mut self, x: u32, path: &Path) {
        let fits = |a: &Block, b: &Block| {
            a.len() + b.len() <= MERGED_MAX && a.live_bytes() + a.slab_cost_of(b) <= BLOCK_BYTES
        };
        let y = self.link(x, 0).next;
        if y != 0 && fits(self.block(x), self.block(y)) {
            // y's predecessors: x on x's levels, x's path above them.
            let mut pred = path.pred;
            for p in pred.iter_mut().take(self.height(x)) {
                *p = x;
            }
            self.absorb(x, y, &pred);
            return;
        }
        let w = self.nodes[x as usize].back;
        if w != HEADER && fits(self.block(w), self.block(x)) {
            let b = self.block(x);
            let (score, first) = (b.score(0), b.first_member().to_vec());
            let xpath = self.path_to(score, &first);
            debug_assert_eq!(xpath.pred[0], w);
            self.absorb(w, x, &xpath.pred);
        }
    }

    /// Moves every entry of block `y` to the end of its predecessor `x`,
    /// then unlinks and frees `y` (`pred` holds `y`'s predecessors).
    fn absorb(&mut self, x: u32, y: u32, pred: &[u32; MAX_LEVEL]) {
        let moved = std::mem::take(&mut self.blocks[y as usize]);
        self.block_heap -= moved.heap();
        let moves = self.edit(x, |b| b.append(&moved));
        self.follow(y, x, &moves);
        self.unlink(y, pred);
        self.release(y);
    }
}
