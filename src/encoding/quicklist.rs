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
//! O(1) pushes at both ends and index arithmetic for neighbours.
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
//! # Compatibility
//!
//! Redis 7.0.15 `quicklist.c`. Two of its features are not implemented:
//! plain nodes (one element per raw buffer) are only used for elements of
//! at least 1 GiB, and LZF compression of inner nodes
//! (`list-compress-depth`) changes memory use and the RDB bytes of inner
//! nodes but no reply. The compress depth is stored so it can be added.
//!
//! # References
//!
//! * Redis 7.0.15 `src/quicklist.c` (behaviour read, not copied).

use std::collections::VecDeque;

use super::Corrupt;
use super::listpack::{Elem, Listpack, Pos};

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
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quicklist {
    nodes: VecDeque<Listpack>,
    count: usize,
    fill: i32,
    compress: u16,
}

/// Whether a node of `sz` bytes fits the size class of a negative fill.
fn meets_size_class(sz: usize, fill: i32) -> bool {
    if fill >= 0 {
        return false;
    }
    let class = (-(fill as i64) - 1) as usize;
    SIZE_CLASSES.get(class).is_some_and(|&limit| sz <= limit)
}

/// Whether a node may take one more element of `sz` bytes.
fn allow_insert(node: &Listpack, fill: i32, sz: usize) -> bool {
    let new_sz = node.total_bytes() + sz + SIZE_ESTIMATE_OVERHEAD;
    if meets_size_class(new_sz, fill) {
        return true;
    }
    if new_sz > SIZE_SAFETY_LIMIT {
        return false;
    }
    (node.len() as i64) < i64::from(fill)
}

/// Whether two nodes may become one.
fn allow_merge(a: &Listpack, b: &Listpack, fill: i32) -> bool {
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

/// A listpack with one element.
fn single(value: &[u8]) -> Listpack {
    let mut lp = Listpack::new();
    lp.push_back(Elem::Str(value));
    lp
}

impl Quicklist {
    /// An empty quicklist with Redis's clamping of `fill`
    /// (`list-max-listpack-size`) and `compress_depth`.
    pub fn new(fill: i64, compress_depth: usize) -> Self {
        Quicklist {
            nodes: VecDeque::new(),
            count: 0,
            fill: fill.clamp(FILL_MIN, FILL_MAX) as i32,
            compress: compress_depth.min(COMPRESS_MAX) as u16,
        }
    }

    /// Rebuilds a quicklist from its nodes (as an RDB load would), keeping
    /// the boundaries given. Empty nodes are dropped.
    pub fn from_nodes(nodes: impl IntoIterator<Item = Listpack>, fill: i64, depth: usize) -> Self {
        let mut ql = Quicklist::new(fill, depth);
        for mut lp in nodes {
            let n = lp.sync_count();
            if n > 0 {
                ql.count += n;
                ql.nodes.push_back(lp);
            }
        }
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

    /// The nodes, head first.
    pub fn nodes(&self) -> impl ExactSizeIterator<Item = &Listpack> + '_ {
        self.nodes.iter()
    }

    /// Total bytes of all node listpacks.
    pub fn listpack_bytes(&self) -> usize {
        self.nodes.iter().map(Listpack::total_bytes).sum()
    }

    /// Heap bytes held: node buffers (spare capacity included) and the
    /// node table.
    pub fn allocated_bytes(&self) -> usize {
        let table = self.nodes.capacity() * std::mem::size_of::<Listpack>();
        table
            + self
                .nodes
                .iter()
                .map(Listpack::allocated_bytes)
                .sum::<usize>()
    }

    /// The node index and in-node offset of element `index` (negative counts
    /// from the tail), or None when out of range.
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
        let mut index = index as usize;
        if index <= (self.count - 1) / 2 {
            for (i, node) in self.nodes.iter().enumerate() {
                let len = node.len();
                if index < len {
                    return Some((i, index));
                }
                index -= len;
            }
        } else {
            let mut from_tail = self.count - 1 - index;
            for (i, node) in self.nodes.iter().enumerate().rev() {
                let len = node.len();
                if from_tail < len {
                    return Some((i, len - 1 - from_tail));
                }
                from_tail -= len;
            }
        }
        None
    }

    /// The element at `index` (negative counts from the tail).
    pub fn get(&self, index: i64) -> Option<Elem<'_>> {
        let (node, offset) = self.locate(index)?;
        self.nodes[node].get(offset as isize)
    }

    /// The first element.
    pub fn first(&self) -> Option<Elem<'_>> {
        self.nodes.front().and_then(Listpack::first)
    }

    /// The last element.
    pub fn last(&self) -> Option<Elem<'_>> {
        self.nodes.back().and_then(Listpack::last)
    }

    /// Elements from head to tail.
    pub fn iter(&self) -> Iter<'_> {
        self.iter_at(0, false)
    }

    /// Elements starting at `index` (negative counts from the tail), going
    /// towards the tail, or towards the head when `reverse`. Empty when the
    /// index is out of range.
    pub fn iter_at(&self, index: i64, reverse: bool) -> Iter<'_> {
        let cursor = self
            .locate(index)
            .and_then(|(node, offset)| Some((node, self.nodes[node].seek(offset as isize)?)));
        Iter {
            ql: self,
            cursor,
            reverse,
        }
    }

    /// Appends `value` at the tail (Redis `quicklistPushTail`).
    pub fn push_back(&mut self, value: &[u8]) {
        match self.nodes.back_mut() {
            Some(tail) if allow_insert(tail, self.fill, value.len()) => {
                tail.push_back(Elem::Str(value));
            }
            Some(tail) => {
                tail.shrink_to_fit();
                let node = self.growing_node(value);
                self.nodes.push_back(node);
            }
            None => self.nodes.push_back(single(value)),
        }
        self.count += 1;
    }

    /// Prepends `value` at the head (Redis `quicklistPushHead`).
    pub fn push_front(&mut self, value: &[u8]) {
        match self.nodes.front_mut() {
            Some(head) if allow_insert(head, self.fill, value.len()) => {
                head.push_front(Elem::Str(value));
            }
            Some(head) => {
                head.shrink_to_fit();
                let node = self.growing_node(value);
                self.nodes.push_front(node);
            }
            None => self.nodes.push_front(single(value)),
        }
        self.count += 1;
    }

    /// A one-element node for the end of a list that just filled a node:
    /// its buffer is reserved up to the node size limit at once, so the
    /// pushes that follow do not reallocate (the node is shrunk when full).
    fn growing_node(&self, value: &[u8]) -> Listpack {
        let limit = if self.fill < 0 {
            SIZE_CLASSES[(-(self.fill as i64) - 1) as usize]
        } else {
            // Room for `fill` entries like this one (1 to 5 bytes of tag,
            // 1 to 5 of backlen), never above the safety limit.
            let per_entry = value.len() + SIZE_ESTIMATE_OVERHEAD;
            (7 + self.fill as usize * per_entry).min(SIZE_SAFETY_LIMIT)
        };
        let first = single(value);
        let mut buf = Vec::with_capacity(limit.max(first.total_bytes()));
        buf.extend_from_slice(first.as_bytes());
        Listpack::from_bytes(buf).expect("a valid one-element listpack")
    }

    /// Removes and returns the head element.
    pub fn pop_front(&mut self) -> Option<Vec<u8>> {
        let head = self.nodes.front_mut()?;
        let value = head.first().expect("nodes are never empty").to_vec();
        head.remove(0);
        if head.is_empty() {
            self.nodes.pop_front();
        }
        self.count -= 1;
        Some(value)
    }

    /// Removes and returns the tail element.
    pub fn pop_back(&mut self) -> Option<Vec<u8>> {
        let tail = self.nodes.back_mut()?;
        let value = tail.last().expect("nodes are never empty").to_vec();
        tail.remove(-1);
        if tail.is_empty() {
            self.nodes.pop_back();
        }
        self.count -= 1;
        Some(value)
    }

    /// Replaces the element at `index` in place (Redis
    /// `quicklistReplaceAtIndex`); false when out of range.
    pub fn replace(&mut self, index: i64, value: &[u8]) -> bool {
        let Some((node, offset)) = self.locate(index) else {
            return false;
        };
        self.nodes[node].replace(offset as isize, Elem::Str(value))
    }

    /// Inserts `value` next to element `index` (before it, or after it when
    /// `after`), splitting or adding nodes as Redis's `_quicklistInsert`
    /// does. False when `index` is out of range.
    pub fn insert(&mut self, index: i64, value: &[u8], after: bool) -> bool {
        let Some((node, offset)) = self.locate(index) else {
            return false;
        };
        self.insert_at(node, offset, value, after);
        true
    }

    fn insert_at(&mut self, node: usize, offset: usize, value: &[u8], after: bool) {
        let fill = self.fill;
        let sz = value.len();
        let full = !allow_insert(&self.nodes[node], fill, sz);
        let at_tail = after && offset + 1 == self.nodes[node].len();
        let at_head = !after && offset == 0;
        let next_ok = at_tail
            && self
                .nodes
                .get(node + 1)
                .is_some_and(|n| allow_insert(n, fill, sz));
        let prev_ok = at_head && node > 0 && allow_insert(&self.nodes[node - 1], fill, sz);
        self.count += 1;
        if !full {
            let lp = &mut self.nodes[node];
            let at = offset + usize::from(after);
            lp.insert(at, Elem::Str(value));
        } else if next_ok {
            self.nodes[node + 1].push_front(Elem::Str(value));
        } else if prev_ok {
            self.nodes[node - 1].push_back(Elem::Str(value));
        } else if at_tail || at_head {
            self.nodes.insert(node + usize::from(after), single(value));
        } else {
            self.split_insert(node, offset, value, after);
        }
    }

    /// Splits a full node at `offset` and puts `value` at the cut, then
    /// tries merges around the split node.
    fn split_insert(&mut self, node: usize, offset: usize, value: &[u8], after: bool) {
        let lp = &mut self.nodes[node];
        let mut split = lp.clone();
        let n = lp.len();
        let mut center = node;
        if after {
            // The original keeps [0, offset], the new node takes the rest.
            lp.remove_range(offset as isize + 1, n);
            split.remove_range(0, offset + 1);
            split.push_front(Elem::Str(value));
            self.nodes.insert(node + 1, split);
        } else {
            // The new node takes [0, offset), the original keeps the rest.
            lp.remove_range(0, offset);
            split.remove_range(offset as isize, n);
            split.push_back(Elem::Str(value));
            self.nodes.insert(node, split);
            center += 1;
        }
        self.merge_around(center);
    }

    /// Merges node `i + 1` into node `i` (both must exist).
    fn merge_pair(&mut self, i: usize) {
        let b = self.nodes.remove(i + 1).expect("right node exists");
        self.nodes[i] = concat(&self.nodes[i], &b);
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
        while left > 0 {
            let len = self.nodes[node].len();
            let del = left.min(len - offset);
            if del == len {
                self.nodes.remove(node);
            } else {
                self.nodes[node].remove_range(offset as isize, del);
                node += 1;
            }
            left -= del;
            offset = 0;
        }
        self.count -= removed;
        removed
    }

    /// Removes elements equal to `needle` (as Redis compares list entries):
    /// up to `limit` of them (0 = all), scanning from the tail when
    /// `from_tail`. Returns how many were removed (LREM).
    pub fn remove_matching(&mut self, needle: &[u8], limit: usize, from_tail: bool) -> usize {
        let mut removed = 0;
        let wanted = if limit == 0 { usize::MAX } else { limit };
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
            removed += remove_in_node(&mut self.nodes[i], needle, wanted - removed, from_tail);
            if self.nodes[i].is_empty() {
                self.nodes.remove(i);
            } else if !from_tail {
                i += 1;
            }
            if removed == wanted {
                break;
            }
        }
        self.count -= removed;
        removed
    }

    /// Checks the invariants; `strict_sizes` also checks that every node
    /// respects the fill factor (not guaranteed after LSET).
    ///
    /// # Errors
    /// [`Corrupt`] naming the first broken invariant.
    pub fn validate(&self, strict_sizes: bool) -> Result<(), Corrupt> {
        let mut total = 0;
        for lp in &self.nodes {
            lp.validate(true)?;
            if lp.is_empty() {
                return Err(Corrupt("empty quicklist node"));
            }
            if lp.header_count() == u16::MAX {
                return Err(Corrupt("node count unknown"));
            }
            total += lp.len();
            if strict_sizes && lp.len() > 1 && !self.node_within_fill(lp) {
                return Err(Corrupt("node larger than the fill factor allows"));
            }
        }
        if total != self.count {
            return Err(Corrupt("element count disagrees with the nodes"));
        }
        Ok(())
    }

    /// Whether a node of several elements is within the fill factor.
    fn node_within_fill(&self, lp: &Listpack) -> bool {
        if self.fill < 0 {
            let class = (-(self.fill as i64) - 1) as usize;
            return lp.total_bytes() <= SIZE_CLASSES[class];
        }
        lp.len() <= self.fill as usize && lp.total_bytes() <= SIZE_SAFETY_LIMIT
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

/// An iterator over a quicklist's elements in either direction.
#[derive(Debug, Clone)]
pub struct Iter<'a> {
    ql: &'a Quicklist,
    cursor: Option<(usize, Pos)>,
    reverse: bool,
}

impl<'a> Iterator for Iter<'a> {
    type Item = Elem<'a>;

    fn next(&mut self) -> Option<Elem<'a>> {
        let (node, pos) = self.cursor?;
        let nodes = &self.ql.nodes;
        let lp = &nodes[node];
        let elem = lp.at(pos);
        self.cursor = if self.reverse {
            match lp.prev_pos(pos) {
                Some(p) => Some((node, p)),
                None if node > 0 => nodes[node - 1].last_pos().map(|p| (node - 1, p)),
                None => None,
            }
        } else {
            match lp.next_pos(pos) {
                Some(p) => Some((node, p)),
                None => nodes
                    .get(node + 1)
                    .and_then(|n| n.first_pos().map(|p| (node + 1, p))),
            }
        };
        Some(elem)
    }
}

#[cfg(test)]
mod tests;
