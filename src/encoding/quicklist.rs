//! Quicklist: a list stored as a sequence of listpack nodes, with Redis
//! 7.0.15's rules for when a node takes one more element, when it splits
//! and when neighbours merge, so node boundaries (and so `DUMP` bytes)
//! match the server's.
//!
//! # Format
//!
//! ```text
//! [listpack node 0] <-> [listpack node 1] <-> ... <-> [listpack node n-1]
//!   head                                                tail
//! ```
//!
//! Each node is a complete [`Listpack`]. Redis links nodes in a doubly
//! linked list; here they sit in a `VecDeque`, which gives the same order,
//! O(1) pushes at both ends and index arithmetic for neighbours. Each node
//! keeps its element count beside its buffer, so finding the node of an
//! index reads only the node table, never the node buffers.
//! RDB type 18 (`QUICKLIST_2`) writes the node count and then, per node, a
//! container byte (2 = packed listpack) and the listpack bytes.
//!
//! # Invariants
//!
//! 1. No node is empty; an empty quicklist has no nodes.
//! 2. The cached element count equals the sum of the node counts.
//! 3. Every node is a valid listpack with a known header count.
//! 4. A node grows by a push or an insert only while the *fill* rule below
//!    allows it (LSET replaces in place without that check, as Redis does,
//!    so a replaced element may leave a node above the size limit).
//!
//! # Thresholds
//!
//! The fill factor is `list-max-listpack-size`, fixed when the list is
//! created and clamped to `-5..=32767`:
//!
//! * negative `-1..=-5`: a node may hold up to 4, 8, 16, 32 or 64 KiB;
//! * positive `n`: at most `n` entries, and never more than 8 KiB (the
//!   safety limit) once the size test fails;
//! * `0`: every node holds one element.
//!
//! Sizes are estimates, as in Redis: inserting `sz` bytes counts the node's
//! listpack bytes plus `sz + 8`; merging two nodes counts both buffers minus
//! 11 bytes (one header and terminator).
//!
//! Merges happen only after an insert splits a full node: the two nodes on
//! each side of the split point are tried first, then the split node with
//! its left and then its right neighbour. Deletions never merge.
//!
//! # Compression
//!
//! With `list-compress-depth` d > 0, the d nodes at each end stay raw and
//! every node deeper than that is kept LZF-compressed when its listpack is
//! at least 48 bytes and compression saves more than 8 bytes (Redis's
//! `MIN_COMPRESS_BYTES` and `MIN_COMPRESS_IMPROVE`); a list of at most 2d
//! nodes has no compressed node. Compressed nodes record the listpack's size
//! and count, so the fill rules and index arithmetic never decompress.
//!
//! Only the nodes an operation touches are decompressed: a write
//! decompresses its node in place and compresses it again afterwards when
//! it is still deep; a read decompresses a temporary copy and leaves the
//! node compressed. When nodes are added or removed, the nodes that crossed
//! the depth boundary change state. So the head and tail are always raw,
//! and pushes and pops at the ends decompress nothing.
//!
//! # Compatibility
//!
//! Redis 7.0.15 `quicklist.c`. Plain nodes (one element per raw buffer) are
//! only used by Redis for elements of at least 1 GiB and are not
//! implemented. Which nodes are compressed follows the rule above; Redis
//! reaches the same state after pushes and pops, but its per-node
//! bookkeeping can leave a deep node raw after some inserts (a node too
//! small to compress that grew), and its read paths compress such a node
//! when they pass it. No reply depends on compression.
//!
//! # References
//!
//! * Redis 7.0.15 `src/quicklist.c` (behaviour read, not copied).

use std::borrow::Cow;
use std::collections::VecDeque;

use super::Corrupt;
use super::listpack::{Elem, Listpack};

mod ends;
mod iter;
mod node;
mod shape;

pub use iter::Iter;
use node::Node;
pub use node::NodeView;
pub(crate) use node::copy_out;

/// Byte limits selected by negative fill factors `-1..=-5`.
const SIZE_CLASSES: [usize; 5] = [4096, 8192, 16384, 32768, 65536];
/// The largest node a count-limited fill factor may build.
const SIZE_SAFETY_LIMIT: usize = 8192;
/// Per-entry overhead added to an element's length when estimating growth.
const SIZE_ESTIMATE_OVERHEAD: usize = 8;
/// One listpack header plus terminator, saved when two nodes merge.
const MERGE_SAVING: usize = 11;
/// Largest accepted fill factor.
const FILL_MAX: i64 = (1 << 15) - 1;
/// Smallest accepted fill factor.
const FILL_MIN: i64 = -5;
/// Largest accepted compress depth.
const COMPRESS_MAX: usize = (1 << 16) - 1;

/// A list of byte strings stored as listpack nodes.
#[derive(Debug)]
pub struct Quicklist {
    nodes: VecDeque<Node>,
    count: usize,
    fill: i32,
    compress: u16,
    /// Sum of the nodes' [`Node::allocated_bytes`], kept by
    /// [`Quicklist::tracked`] so [`Quicklist::allocated_bytes`] is O(1).
    node_bytes: usize,
}

impl Clone for Quicklist {
    /// Clones the nodes; the clone's buffers are exact-sized, so its byte
    /// count is taken afresh.
    fn clone(&self) -> Self {
        let nodes = self.nodes.clone();
        let node_bytes = nodes.iter().map(Node::allocated_bytes).sum();
        Quicklist {
            nodes,
            node_bytes,
            ..*self
        }
    }
}

impl PartialEq for Quicklist {
    /// Same nodes and settings; spare buffer capacity does not count.
    fn eq(&self, other: &Self) -> bool {
        self.nodes == other.nodes
            && self.count == other.count
            && self.fill == other.fill
            && self.compress == other.compress
    }
}

impl Eq for Quicklist {}

/// Whether a node of `sz` bytes fits the size class of a negative fill.
fn meets_size_class(sz: usize, fill: i32) -> bool {
    if fill >= 0 {
        return false;
    }
    let class = (-(fill as i64) - 1) as usize;
    SIZE_CLASSES.get(class).is_some_and(|&limit| sz <= limit)
}

/// Whether a node may take one more element of `sz` bytes (see
/// [`allow_insert_sized`]).
#[inline]
fn allow_insert(node: &Node, fill: i32, sz: usize) -> bool {
    allow_insert_sized(node.total_bytes(), node.len() as u32, fill, sz)
}

/// Whether a node of `bytes` bytes and `count` elements may take one more
/// element of `sz` bytes: a negative fill allows up to its size class
/// (4 KiB shifted left by `-fill - 1`), a non-negative one up to `fill`
/// elements within the safety limit.
#[inline(always)]
fn allow_insert_sized(bytes: usize, count: u32, fill: i32, sz: usize) -> bool {
    let new_sz = bytes + sz + SIZE_ESTIMATE_OVERHEAD;
    if fill < 0 {
        // `!fill` is `-fill - 1`, 0..=4 after clamping.
        return new_sz <= SIZE_CLASSES[0] << !fill;
    }
    new_sz <= SIZE_SAFETY_LIMIT && i64::from(count) < i64::from(fill)
}

/// Whether two nodes may become one.
fn allow_merge(a: &Node, b: &Node, fill: i32) -> bool {
    let merged = a.total_bytes() + b.total_bytes() - MERGE_SAVING;
    if meets_size_class(merged, fill) {
        return true;
    }
    if merged > SIZE_SAFETY_LIMIT {
        return false;
    }
    ((a.len() + b.len()) as i64) <= i64::from(fill)
}

/// A listpack holding `a`'s entries followed by `b`'s (Redis `lpMerge`).
fn concat(a: &Listpack, b: &Listpack) -> Listpack {
    let (ab, bb) = (a.as_bytes(), b.as_bytes());
    let mut buf = Vec::with_capacity(ab.len() + bb.len() - 7);
    buf.extend_from_slice(&ab[..ab.len() - 1]);
    buf.extend_from_slice(&bb[6..]);
    let total = u32::try_from(buf.len()).expect("merged node below 4 GiB");
    buf[..4].copy_from_slice(&total.to_le_bytes());
    let count = u16::try_from(a.len() + b.len()).unwrap_or(u16::MAX);
    buf[4..6].copy_from_slice(&count.to_le_bytes());
    Listpack::from_bytes(buf).expect("concatenation of valid listpacks")
}

/// A node with one element.
fn single(value: &[u8]) -> Node {
    let mut lp = Listpack::new();
    lp.push_back(Elem::Str(value));
    Node::raw(lp)
}

impl Quicklist {
    /// An empty quicklist with Redis's clamping of `fill`
    /// (`list-max-listpack-size`) and `compress_depth`
    /// (`list-compress-depth`).
    pub fn new(fill: i64, compress_depth: usize) -> Self {
        Quicklist {
            nodes: VecDeque::new(),
            count: 0,
            fill: fill.clamp(FILL_MIN, FILL_MAX) as i32,
            compress: compress_depth.min(COMPRESS_MAX) as u16,
            node_bytes: 0,
        }
    }

    /// Rebuilds a quicklist from its nodes (as an RDB load would), keeping
    /// the boundaries given and compressing the nodes deeper than
    /// `depth`. Empty nodes are dropped.
    pub fn from_nodes(nodes: impl IntoIterator<Item = Listpack>, fill: i64, depth: usize) -> Self {
        let mut ql = Quicklist::new(fill, depth);
        for mut lp in nodes {
            let n = lp.sync_count();
            if n > 0 {
                ql.count += n;
                ql.nodes.push_back(Node::raw(lp));
            }
        }
        for i in 0..ql.nodes.len() {
            ql.conform(i);
        }
        ql.node_bytes = ql.span_bytes(0..ql.nodes.len());
        ql
    }

    /// The number of elements.
    pub fn len(&self) -> usize {
        self.count
    }

    /// Whether there are no elements.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The fill factor in use (clamped `list-max-listpack-size`).
    pub fn fill(&self) -> i32 {
        self.fill
    }

    /// The compress depth recorded at creation.
    pub fn compress_depth(&self) -> usize {
        usize::from(self.compress)
    }

    /// The number of nodes.
    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    /// The number of LZF-compressed nodes.
    pub fn compressed_nodes(&self) -> usize {
        self.nodes.iter().filter(|n| n.is_compressed()).count()
    }

    /// The nodes as stored (raw or compressed), head first.
    pub fn node_views(&self) -> impl ExactSizeIterator<Item = NodeView<'_>> + '_ {
        self.nodes.iter().map(Node::view)
    }

    /// The node listpacks, head first; compressed nodes are decompressed
    /// into copies.
    pub fn listpacks(&self) -> impl ExactSizeIterator<Item = Cow<'_, Listpack>> + '_ {
        self.nodes.iter().map(Node::listpack)
    }

    /// Total bytes of all node listpacks, as if none were compressed.
    pub fn listpack_bytes(&self) -> usize {
        self.nodes.iter().map(Node::total_bytes).sum()
    }

    /// Heap bytes held: node buffers (spare capacity included; compressed
    /// nodes count their LZF bytes) and the node table. O(1).
    pub fn allocated_bytes(&self) -> usize {
        self.nodes.capacity() * std::mem::size_of::<Node>() + self.node_bytes
    }

    /// Buffer bytes of the nodes in `r` (clipped to the list).
    fn span_bytes(&self, r: std::ops::Range<usize>) -> usize {
        let end = r.end.min(self.nodes.len());
        let start = r.start.min(end);
        self.nodes
            .range(start..end)
            .map(Node::allocated_bytes)
            .sum()
    }

    /// Runs `f`, which may change, add or remove nodes only within `lo..hi`
    /// and, for compression, within `depth + 2` nodes of either end, and
    /// keeps `node_bytes` in step: the nodes outside those regions keep
    /// their bytes and merely shift, so only the regions are recounted.
    fn tracked<R>(&mut self, lo: usize, hi: usize, f: impl FnOnce(&mut Self) -> R) -> R {
        /// Which region takes the change in node count.
        enum Takes {
            Front,
            Window(usize, usize),
            Back,
        }
        let len = self.nodes.len();
        let ends = if self.compress > 0 {
            self.depth() + 2
        } else {
            0
        }
        .min(len);
        let (lo, hi) = (lo.min(len), hi.min(len));
        let hi = hi.max(lo);
        // Regions [0, front), [lo, hi), [len - back, len); a window that
        // reaches an end region joins it.
        // (An end region that takes the window also takes the `ends` nodes
        // beyond it: removing nodes there brings those within the depth.)
        let (front, back, takes) = if lo <= ends {
            ((hi + ends).min(len), ends, Takes::Front)
        } else if hi + ends >= len {
            (ends, (len - lo + ends).min(len), Takes::Back)
        } else {
            (ends, ends, Takes::Window(lo, hi))
        };
        if front + back >= len {
            let out = f(self);
            self.node_bytes = self.span_bytes(0..self.nodes.len());
            return out;
        }
        let window = |ql: &Self, a: usize, b: usize| ql.span_bytes(a..b);
        let before = self.span_bytes(0..front)
            + self.span_bytes(len - back..len)
            + match takes {
                Takes::Window(a, b) => window(self, a, b),
                _ => 0,
            };
        let out = f(self);
        let new_len = self.nodes.len();
        let grow = |n: usize| (n + new_len).saturating_sub(len);
        let after = match takes {
            Takes::Front => {
                self.span_bytes(0..grow(front)) + self.span_bytes(new_len - back..new_len)
            }
            Takes::Back => {
                self.span_bytes(0..front) + self.span_bytes(new_len - grow(back)..new_len)
            }
            Takes::Window(a, b) => {
                self.span_bytes(0..front)
                    + window(self, a, grow(b))
                    + self.span_bytes(new_len - back..new_len)
            }
        };
        self.node_bytes = self.node_bytes + after - before;
        out
    }

    /// The node index and in-node offset of element `index` (negative counts
    /// from the tail), or None when out of range. Never decompresses.
    pub fn locate(&self, index: i64) -> Option<(usize, usize)> {
        let n = self.count as i64;
        let index = if index < 0 {
            index.checked_add(n)?
        } else {
            index
        };
        if !(0..n).contains(&index) {
            return None;
        }
        let index = index as usize;
        // Only the node counts are read, slice by slice: a tight loop.
        let (a, b) = self.nodes.as_slices();
        if index <= (self.count - 1) / 2 {
            let (mut left, mut i) = (index, 0);
            for part in [a, b] {
                for node in part {
                    let len = node.len();
                    if left < len {
                        return Some((i, left));
                    }
                    left -= len;
                    i += 1;
                }
            }
        } else {
            let mut left = self.count - 1 - index;
            let mut i = self.nodes.len();
            for part in [b, a] {
                for node in part.iter().rev() {
                    i -= 1;
                    let len = node.len();
                    if left < len {
                        return Some((i, len - 1 - left));
                    }
                    left -= len;
                }
            }
        }
        None
    }

    /// The element at `index` (negative counts from the tail).
    pub fn get(&self, index: i64) -> Option<Vec<u8>> {
        let (node, offset) = self.locate(index)?;
        let (lp, popped) = self.nodes[node].reader();
        lp.get((offset + popped) as isize).map(|e| e.to_vec())
    }

    /// The first element.
    pub fn first(&self) -> Option<Vec<u8>> {
        let lp = self.nodes.front()?.listpack();
        lp.first().map(|e| e.to_vec())
    }

    /// The last element.
    pub fn last(&self) -> Option<Vec<u8>> {
        let lp = self.nodes.back()?.listpack();
        lp.last().map(|e| e.to_vec())
    }

    /// Replaces the element at `index` in place (Redis
    /// `quicklistReplaceAtIndex`); false when out of range.
    pub fn replace(&mut self, index: i64, value: &[u8]) -> bool {
        let Some((node, offset)) = self.locate(index) else {
            return false;
        };
        self.tracked(node, node + 1, |ql| {
            ql.modify(node, |lp| lp.replace(offset as isize, Elem::Str(value)))
        })
    }

    /// Inserts `value` next to element `index` (before it, or after it when
    /// `after`), splitting or adding nodes as Redis's `_quicklistInsert`
    /// does. False when `index` is out of range.
    pub fn insert(&mut self, index: i64, value: &[u8], after: bool) -> bool {
        let Some((node, offset)) = self.locate(index) else {
            return false;
        };
        // A split adds a node and up to four merges follow around it, then
        // the nodes within two of the centre are recompressed: all within
        // this window (the after-window shrinks by up to three nodes).
        self.tracked(node.saturating_sub(4), node + 8, |ql| {
            ql.insert_at(node, offset, value, after);
        });
        true
    }

    fn insert_at(&mut self, node: usize, offset: usize, value: &[u8], after: bool) {
        let fill = self.fill;
        let sz = value.len();
        let len = self.nodes[node].len();
        let full = !allow_insert(&self.nodes[node], fill, sz);
        let at_tail = after && offset + 1 == len;
        let at_head = !after && offset == 0;
        let next_ok = at_tail
            && self
                .nodes
                .get(node + 1)
                .is_some_and(|n| allow_insert(n, fill, sz));
        let prev_ok = at_head && node > 0 && allow_insert(&self.nodes[node - 1], fill, sz);
        self.count += 1;
        if !full {
            let at = offset + usize::from(after);
            self.modify(node, |lp| lp.insert(at, Elem::Str(value)));
        } else if next_ok {
            self.modify(node + 1, |lp| lp.push_front(Elem::Str(value)));
        } else if prev_ok {
            self.modify(node - 1, |lp| lp.push_back(Elem::Str(value)));
        } else if at_tail || at_head {
            let at = node + usize::from(after);
            self.nodes.insert(at, single(value));
            self.settle_added(at..at + 1);
        } else {
            self.split_insert(node, offset, value, after);
        }
    }

    /// Splits a full node at `offset` and puts `value` at the cut, then
    /// tries merges around the split node.
    fn split_insert(&mut self, node: usize, offset: usize, value: &[u8], after: bool) {
        let mut center = node;
        let split = self.nodes[node].edit(|lp| {
            let mut split = lp.clone();
            let n = lp.len();
            if after {
                // The original keeps [0, offset], the new node takes the rest.
                lp.remove_range(offset as isize + 1, n);
                split.remove_range(0, offset + 1);
                split.push_front(Elem::Str(value));
            } else {
                // The new node takes [0, offset), the original keeps the rest.
                lp.remove_range(0, offset);
                split.remove_range(offset as isize, n);
                split.push_back(Elem::Str(value));
            }
            split
        });
        if after {
            self.nodes.insert(node + 1, Node::raw(split));
        } else {
            self.nodes.insert(node, Node::raw(split));
            center += 1;
        }
        self.merge_around(center);
        // Every node built or merged above lies within two of the centre.
        self.settle_removed();
        self.settle_added(center.saturating_sub(2)..center + 3);
    }

    /// Merges node `i + 1` into node `i` (both must exist).
    fn merge_pair(&mut self, i: usize) {
        let b = self.nodes.remove(i + 1).expect("right node exists");
        let b = b.into_listpack();
        self.nodes[i].edit(|a| *a = concat(a, &b));
    }

    fn can_merge(&self, i: usize) -> bool {
        i + 1 < self.nodes.len() && allow_merge(&self.nodes[i], &self.nodes[i + 1], self.fill)
    }

    /// Redis's `_quicklistMergeNodes` around `center`.
    fn merge_around(&mut self, mut center: usize) {
        if center >= 2 && self.can_merge(center - 2) {
            self.merge_pair(center - 2);
            center -= 1;
        }
        if self.can_merge(center + 1) {
            self.merge_pair(center + 1);
        }
        let target = if center >= 1 && self.can_merge(center - 1) {
            self.merge_pair(center - 1);
            center - 1
        } else {
            center
        };
        if self.can_merge(target) {
            self.merge_pair(target);
        }
    }

    /// Deletes `count` elements starting at `start` (negative counts from
    /// the tail), clipped to the list's end, as Redis's `quicklistDelRange`.
    /// Returns how many were deleted.
    pub fn remove_range(&mut self, start: i64, count: usize) -> usize {
        let Some((node, _)) = self.locate(start) else {
            return 0;
        };
        let first = if start < 0 {
            start + self.count as i64
        } else {
            start
        };
        let last = first.saturating_add(count as i64).min(self.count as i64) - 1;
        let end = self.locate(last).map_or(node, |(n, _)| n) + 1;
        self.tracked(node, end, |ql| ql.remove_range_untracked(start, count))
    }

    fn remove_range_untracked(&mut self, start: i64, count: usize) -> usize {
        let Some((mut node, mut offset)) = self.locate(start) else {
            return 0;
        };
        let first = if start < 0 {
            start + self.count as i64
        } else {
            start
        };
        let mut left = count.min(self.count - first as usize);
        let removed = left;
        let nodes_before = self.nodes.len();
        while left > 0 {
            let len = self.nodes[node].len();
            let del = left.min(len - offset);
            if del == len {
                self.nodes.remove(node);
            } else {
                self.modify(node, |lp| lp.remove_range(offset as isize, del));
                node += 1;
            }
            left -= del;
            offset = 0;
        }
        self.count -= removed;
        if self.nodes.len() != nodes_before {
            self.settle_removed();
        }
        removed
    }

    /// Removes elements equal to `needle` (as Redis compares list entries):
    /// up to `limit` of them (0 = all), scanning from the tail when
    /// `from_tail`. Returns how many were removed (LREM).
    pub fn remove_matching(&mut self, needle: &[u8], limit: usize, from_tail: bool) -> usize {
        // A scan of the whole list anyway: recount it all.
        let n = self.nodes.len();
        self.tracked(0, n, |ql| {
            ql.remove_matching_untracked(needle, limit, from_tail)
        })
    }

    fn remove_matching_untracked(&mut self, needle: &[u8], limit: usize, from_tail: bool) -> usize {
        let mut removed = 0;
        let wanted = if limit == 0 { usize::MAX } else { limit };
        let nodes_before = self.nodes.len();
        let mut i = if from_tail { self.nodes.len() } else { 0 };
        loop {
            if from_tail {
                if i == 0 {
                    break;
                }
                i -= 1;
            } else if i >= self.nodes.len() {
                break;
            }
            // A compressed node without a match is left compressed.
            if self.nodes[i].is_compressed() {
                let lp = self.nodes[i].listpack().into_owned();
                if !lp.iter().any(|e| e.matches(needle)) {
                    i += usize::from(!from_tail);
                    continue;
                }
                self.nodes[i] = Node::raw(lp);
            }
            let left = wanted - removed;
            removed += self.modify(i, |lp| remove_in_node(lp, needle, left, from_tail));
            if self.nodes[i].len() == 0 {
                self.nodes.remove(i);
            } else if !from_tail {
                i += 1;
            }
            if removed == wanted {
                break;
            }
        }
        self.count -= removed;
        if self.nodes.len() != nodes_before {
            self.settle_removed();
        }
        removed
    }
}

/// Removes up to `limit` matches of `needle` inside one node.
fn remove_in_node(lp: &mut Listpack, needle: &[u8], limit: usize, from_tail: bool) -> usize {
    let mut removed = 0;
    if from_tail {
        let mut pos = lp.last_pos();
        while let Some(p) = pos {
            if removed == limit {
                break;
            }
            let prev = lp.prev_pos(p);
            if lp.at(p).matches(needle) {
                lp.remove_at(p);
                removed += 1;
            }
            pos = prev;
        }
    } else {
        let mut pos = lp.first_pos();
        while let Some(p) = pos {
            if removed == limit {
                break;
            }
            if lp.at(p).matches(needle) {
                pos = lp.remove_at(p);
                removed += 1;
            } else {
                pos = lp.next_pos(p);
            }
        }
    }
    removed
}

#[cfg(test)]
mod tests;
