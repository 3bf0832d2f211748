//! IntBlocks: a compact ordered set of `i64` for large all-integer sets.
//!
//! Not a Redis encoding: a set past `set-max-intset-entries` whose members
//! are all integers reports `hashtable` (as in Redis) but keeps them here,
//! at a fraction of a hash table's size, and converts to the general
//! table only when a non-integer member arrives.
//!
//! # Layout
//!
//! Members map to `u64` keys by flipping the sign bit, so key order is
//! numeric order. The keys are cut into *blocks*, kept in a vector sorted
//! by base key; each block holds the members in `[base, next block's
//! base)` in one of two forms, chosen per block by size:
//!
//! * *packed*: offsets from `base`, strictly increasing, each in the same
//!   number of bytes (1 to 8, the fewest the block's span needs), at most
//!   2048 of them. Sparse or random data: a block of 2048 random `i64`
//!   spans about 2^53 and takes 7 bytes a member; random `u32`s in a
//!   1M-member set take 3 bytes;
//! * *bitmap*: bit `o` set when `base + o` is a member, over at most 2^13
//!   keys (1 KiB). Dense data: consecutive integers cost 1 bit each.
//!
//! Unlike roaring bitmaps, blocks are not aligned to fixed key ranges: a
//! block covers whatever its members span, so random 64-bit members do not
//! each get a block of their own. A block splits in halves when a packed
//! one overflows (an append beyond a full last block starts a new one
//! instead, so sequential loads fill blocks completely), is rebuilt in the
//! smaller form when its width no longer fits or a bitmap turns sparse,
//! and merges with a neighbour when it shrinks under 256 members.
//!
//! # Costs
//!
//! Membership, insertion and removal: a binary search over the blocks,
//! then O(1) (bitmap) or a binary search and a move of at most 16 KiB
//! (packed). The k-th member (random picks) walks the block counts: O(n /
//! 1024). Iteration is in ascending order; an SSCAN-style cursor is a key,
//! so it survives any restructuring ([`IntBlocks::scan`]).
//!
//! Heap bytes are counted exactly: the block vector at its capacity plus
//! every block's buffer at its capacity, the latter kept as a running
//! total so [`IntBlocks::heap_bytes`] is O(1).

mod block;

use self::block::{Added, Block, PACKED_MAX};

/// A block under this many members merges with a neighbour.
const MERGE_BELOW: usize = PACKED_MAX / 8;
/// ... when the two hold at most this many together.
const MERGE_MAX: usize = PACKED_MAX / 2;

const SIGN: u64 = 1 << 63;

/// The order-preserving key of a value.
fn key(v: i64) -> u64 {
    (v as u64) ^ SIGN
}

/// The value of a key.
fn value(k: u64) -> i64 {
    (k ^ SIGN) as i64
}

/// An ordered set of `i64` in packed and bitmap blocks (module docs).
pub struct IntBlocks {
    blocks: Vec<Block>,
    len: usize,
    /// Sum of the blocks' buffer capacities.
    data_bytes: usize,
}

impl Default for IntBlocks {
    fn default() -> Self {
        Self::new()
    }
}

impl Clone for IntBlocks {
    fn clone(&self) -> Self {
        let blocks: Vec<Block> = self.blocks.clone();
        let data_bytes = blocks.iter().map(|b| b.data.capacity()).sum();
        IntBlocks {
            blocks,
            len: self.len,
            data_bytes,
        }
    }
}

impl PartialEq for IntBlocks {
    fn eq(&self, other: &Self) -> bool {
        self.len == other.len && self.iter().eq(other.iter())
    }
}

impl Eq for IntBlocks {}

impl std::fmt::Debug for IntBlocks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

impl Extend<i64> for IntBlocks {
    fn extend<I: IntoIterator<Item = i64>>(&mut self, iter: I) {
        for v in iter {
            self.insert(v);
        }
    }
}

impl FromIterator<i64> for IntBlocks {
    fn from_iter<I: IntoIterator<Item = i64>>(iter: I) -> Self {
        let mut set = IntBlocks::new();
        set.extend(iter);
        set
    }
}

impl IntBlocks {
    /// An empty set.
    pub fn new() -> Self {
        IntBlocks {
            blocks: Vec::new(),
            len: 0,
            data_bytes: 0,
        }
    }

    /// Number of members. O(1).
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Number of blocks (for tests and measurements).
    pub fn block_count(&self) -> usize {
        self.blocks.len()
    }

    /// The block that holds key `k` if anything does: the last one whose
    /// base is at most `k` (None when `k` is below every block).
    #[inline]
    fn route(&self, k: u64) -> Option<usize> {
        let last = self.blocks.len().checked_sub(1)?;
        if self.blocks[last].base <= k {
            return Some(last);
        }
        self.blocks.partition_point(|b| b.base <= k).checked_sub(1)
    }

    /// Whether `v` is a member. O(log n).
    pub fn contains(&self, v: i64) -> bool {
        let k = key(v);
        self.route(k).is_some_and(|i| self.blocks[i].contains(k))
    }

    /// Adds `v`; true when it was new. O(log n) plus a move within one
    /// block (amortized: a block is rebuilt or split now and then).
    pub fn insert(&mut self, v: i64) -> bool {
        let k = key(v);
        let Some(i) = self.route(k) else {
            if self.blocks.is_empty() {
                self.put_block(0, Block::single(k));
            } else {
                self.rebuild(0..1, Some(k));
            }
            self.len += 1;
            return true;
        };
        let block = &mut self.blocks[i];
        let cap = block.data.capacity();
        let added = block.insert(k);
        let grown = block.data.capacity() - cap;
        let packed = block.width != 0;
        self.data_bytes += grown;
        match added {
            Added::Yes => {}
            Added::No => return false,
            Added::After if packed && i + 1 < self.blocks.len() => self.rebuild(i..i + 1, Some(k)),
            Added::After => self.put_block(i + 1, Block::single(k)),
            Added::Rebuild => self.rebuild(i..i + 1, Some(k)),
        }
        self.len += 1;
        true
    }

    /// Removes `v`; true when it was present. O(log n) plus a move within
    /// one block (amortized: small blocks merge now and then).
    pub fn remove(&mut self, v: i64) -> bool {
        let k = key(v);
        let Some(i) = self.route(k) else {
            return false;
        };
        let block = &mut self.blocks[i];
        let cap = block.data.capacity();
        let removed = block.remove(k);
        let now = block.data.capacity();
        self.data_bytes = self.data_bytes - cap + now;
        if !removed {
            return false;
        }
        self.len -= 1;
        self.tidy(i);
        true
    }

    /// After a removal from block `i`: drops it when empty, repacks a
    /// sparse bitmap, merges a small block with its smaller neighbour.
    fn tidy(&mut self, i: usize) {
        let n = self.blocks[i].len();
        if n == 0 {
            let gone = self.blocks.remove(i);
            self.data_bytes -= gone.data.capacity();
            let len = self.blocks.len();
            if len == 0 || self.blocks.capacity() > 2 * len + 4 {
                self.blocks.shrink_to(len + len / 4);
            }
            return;
        }
        if self.blocks[i].too_sparse() {
            self.rebuild(i..i + 1, None);
            return;
        }
        if n >= MERGE_BELOW {
            return;
        }
        let left = i.checked_sub(1).map(|j| (self.blocks[j].len(), j));
        let right = self.blocks.get(i + 1).map(|b| (b.len(), i + 1));
        let smaller = match (left, right) {
            (Some(l), Some(r)) => Some(l.min(r)),
            (l, r) => l.or(r),
        };
        if let Some((m, j)) = smaller
            && m + n <= MERGE_MAX
        {
            self.rebuild(i.min(j)..i.max(j) + 1, None);
        }
    }

    fn put_block(&mut self, at: usize, block: Block) {
        self.data_bytes += block.data.capacity();
        self.blocks.insert(at, block);
    }

    /// Re-encodes the blocks in `range` (plus the key `extra`, which is
    /// absent and lies within their reach) into fresh blocks.
    fn rebuild(&mut self, range: std::ops::Range<usize>, extra: Option<u64>) {
        let mut keys = Vec::new();
        for b in &self.blocks[range.clone()] {
            b.decode_into(&mut keys);
            self.data_bytes -= b.data.capacity();
        }
        if let Some(k) = extra {
            let at = keys.partition_point(|&x| x < k);
            keys.insert(at, k);
        }
        let mut fresh = Vec::new();
        if !keys.is_empty() {
            Block::encode(&keys, &mut fresh);
        }
        self.data_bytes += fresh.iter().map(|b| b.data.capacity()).sum::<usize>();
        self.blocks.splice(range, fresh);
    }

    /// Block index and rank within it of the `r`-th smallest member.
    fn locate(&self, mut r: usize) -> (usize, usize) {
        for (i, b) in self.blocks.iter().enumerate() {
            if r < b.len() {
                return (i, r);
            }
            r -= b.len();
        }
        unreachable!("rank below the length")
    }

    /// The `r`-th smallest member (None past the end). O(n / 1024).
    pub fn nth(&self, r: usize) -> Option<i64> {
        (r < self.len).then(|| {
            let (i, r) = self.locate(r);
            value(self.blocks[i].nth(r))
        })
    }

    /// Removes and returns the `r`-th smallest member.
    pub fn remove_nth(&mut self, r: usize) -> Option<i64> {
        let v = self.nth(r)?;
        self.remove(v);
        Some(v)
    }

    /// The smallest member.
    pub fn first(&self) -> Option<i64> {
        self.blocks.first().map(|b| value(b.nth(0)))
    }

    /// The largest member.
    pub fn last(&self) -> Option<i64> {
        self.blocks.last().map(|b| value(b.last()))
    }

    /// The members in ascending order.
    pub fn iter(&self) -> Iter<'_> {
        Iter {
            blocks: &self.blocks,
            block: 0,
            pos: 0,
            left: self.len,
        }
    }

    /// One step of a cursor walk in ascending order, appending at least
    /// `count` members (at most one more) to `out`, or all that are left.
    /// Cursor 0 starts; the returned cursor is 0 at the end. A cursor is
    /// `2k + 1` for the key `2k` to resume from (members change, blocks are
    /// rebuilt: keys stay), so every member present for the whole walk is
    /// returned once, and members added or removed meanwhile at most once.
    /// An even cursor other than 0 (another encoding's) starts over.
    pub fn scan(&self, cursor: u64, count: usize, out: &mut Vec<i64>) -> u64 {
        let start = if cursor % 2 == 1 { cursor - 1 } else { 0 };
        let mut bi = self.route(start).unwrap_or(0);
        let mut pos = self.blocks.get(bi).map_or(0, |b| b.seek(start));
        let (mut taken, mut last) = (0usize, 0u64);
        while let Some(b) = self.blocks.get(bi) {
            let Some((k, next)) = b.next_from(pos) else {
                bi += 1;
                pos = 0;
                continue;
            };
            if taken >= count.max(1) && (last % 2 == 1 || k != last + 1) {
                let resume = if last % 2 == 1 { last + 1 } else { last + 2 };
                return resume + 1;
            }
            out.push(value(k));
            taken += 1;
            last = k;
            pos = next;
        }
        0
    }

    /// Heap bytes held: the block vector at its capacity and every block's
    /// buffer at its capacity. O(1).
    pub fn heap_bytes(&self) -> usize {
        self.blocks.capacity() * std::mem::size_of::<Block>() + self.data_bytes
    }

    /// Checks every invariant of the module docs: blocks non-empty, in
    /// strictly increasing base order, each within its range and well
    /// formed, and the counts and byte total kept right.
    ///
    /// # Errors
    /// A description of the first broken invariant.
    pub fn validate(&self) -> Result<(), String> {
        let mut total = 0;
        let mut bytes = 0;
        for (i, b) in self.blocks.iter().enumerate() {
            let next = self.blocks.get(i + 1).map(|n| n.base);
            if next.is_some_and(|n| n <= b.base) {
                return Err(format!("block {i} not below the next one"));
            }
            b.validate(next).map_err(|e| format!("block {i}: {e}"))?;
            total += b.len();
            bytes += b.data.capacity();
        }
        if total != self.len {
            return Err(format!("blocks hold {total} members, length {}", self.len));
        }
        if bytes != self.data_bytes {
            return Err(format!(
                "buffers hold {bytes} bytes, counted {}",
                self.data_bytes
            ));
        }
        Ok(())
    }
}

/// Ascending iterator over an [`IntBlocks`].
#[derive(Debug, Clone)]
pub struct Iter<'a> {
    blocks: &'a [Block],
    block: usize,
    pos: usize,
    left: usize,
}

impl Iterator for Iter<'_> {
    type Item = i64;

    #[inline]
    fn next(&mut self) -> Option<i64> {
        while let Some(b) = self.blocks.get(self.block) {
            if let Some((k, next)) = b.next_from(self.pos) {
                self.pos = next;
                self.left -= 1;
                return Some(value(k));
            }
            self.block += 1;
            self.pos = 0;
        }
        None
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left, Some(self.left))
    }
}

impl ExactSizeIterator for Iter<'_> {}

#[cfg(test)]
mod tests;
