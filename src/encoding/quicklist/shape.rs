//! Keeping a quicklist in shape: compression of the nodes deeper than
//! `list-compress-depth` from either end, merging and conforming nodes
//! after a change, and the structural check (`validate`).

use super::{Corrupt, Listpack, Quicklist, SIZE_CLASSES, SIZE_SAFETY_LIMIT, node};

impl Quicklist {
    /// The compress depth as a node count.
    pub(super) fn depth(&self) -> usize {
        usize::from(self.compress)
    }

    /// Whether node `i` lies deeper than the compress depth from both ends
    /// (and so is kept compressed when that is worth it).
    pub(super) fn is_deep(&self, i: usize) -> bool {
        let d = self.depth();
        d > 0 && i >= d && i < self.nodes.len().saturating_sub(d)
    }

    /// Runs `f` on node `i`'s listpack, decompressing the node first and
    /// compressing it again afterwards when it is deep and not empty.
    pub(super) fn modify<R>(&mut self, i: usize, f: impl FnOnce(&mut Listpack) -> R) -> R {
        let r = self.nodes[i].edit(f);
        if self.is_deep(i) && self.nodes[i].len() > 0 {
            self.nodes[i].compress();
        }
        r
    }

    /// Compresses node `i` (an index that may be out of range) if it is deep.
    pub(super) fn compress_if_deep(&mut self, i: usize) {
        if self.is_deep(i) {
            self.nodes[i].compress();
        }
    }

    /// Decompresses node `i` (an index that may be out of range).
    pub(super) fn decompress_at(&mut self, i: usize) {
        if let Some(node) = self.nodes.get_mut(i) {
            node.decompress();
        }
    }

    /// Puts node `i` (an index that may be out of range) in the state its
    /// depth calls for.
    pub(super) fn conform(&mut self, i: usize) {
        if self.is_deep(i) {
            self.nodes[i].compress();
        } else {
            self.decompress_at(i);
        }
    }

    /// After nodes were removed: the nodes now within the depth of either
    /// end are raw (nothing becomes deep by a removal).
    pub(super) fn settle_removed(&mut self) {
        let n = self.nodes.len();
        let ends = self.depth().min(n);
        for i in (0..ends).chain(n - ends..n) {
            self.nodes[i].decompress();
        }
    }

    /// After nodes were added or rebuilt at `touched`: those nodes and the
    /// two that an insertion pushes past the depth get the state their
    /// position calls for.
    pub(super) fn settle_added(&mut self, touched: std::ops::Range<usize>) {
        if self.depth() == 0 {
            return;
        }
        for i in touched {
            self.conform(i);
        }
        self.compress_if_deep(self.depth());
        self.compress_if_deep(self.nodes.len().wrapping_sub(self.depth() + 1));
    }

    /// Checks the invariants; `strict_sizes` also checks that every node
    /// respects the fill factor (not guaranteed after LSET). Compressed
    /// nodes must expand to valid listpacks of their recorded size and
    /// count; nodes within the compress depth of either end must be raw,
    /// and deeper raw nodes must be ones compression would not keep.
    ///
    /// # Errors
    /// [`Corrupt`] naming the first broken invariant.
    pub fn validate(&self, strict_sizes: bool) -> Result<(), Corrupt> {
        let mut total = 0;
        for (i, node) in self.nodes.iter().enumerate() {
            let lp = node.checked_listpack()?;
            if lp.is_empty() {
                return Err(Corrupt("empty quicklist node"));
            }
            if lp.header_count() == u16::MAX {
                return Err(Corrupt("node count unknown"));
            }
            total += lp.len();
            if strict_sizes && lp.len() > 1 && !self.node_within_fill(&lp) {
                return Err(Corrupt("node larger than the fill factor allows"));
            }
            match (node.is_compressed(), self.is_deep(i)) {
                (true, false) => return Err(Corrupt("node compressed within the depth")),
                (false, true) if node::compress(&lp).is_some() => {
                    return Err(Corrupt("deep node left uncompressed"));
                }
                _ => {}
            }
        }
        if total != self.count {
            return Err(Corrupt("element count disagrees with the nodes"));
        }
        if self.span_bytes(0..self.nodes.len()) != self.node_bytes {
            return Err(Corrupt("node byte count disagrees with the nodes"));
        }
        Ok(())
    }

    /// Whether a node of several elements is within the fill factor.
    pub(super) fn node_within_fill(&self, lp: &Listpack) -> bool {
        if self.fill < 0 {
            let class = (-(self.fill as i64) - 1) as usize;
            return lp.total_bytes() <= SIZE_CLASSES[class];
        }
        lp.len() <= self.fill as usize && lp.total_bytes() <= SIZE_SAFETY_LIMIT
    }
}
