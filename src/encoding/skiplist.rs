//! An unrolled skiplist ordered by (score, member) with span counts, plus a
//! member index: the big encoding of sorted sets (Redis's `zskiplist` +
//! `dict`, rearranged for the cache).
//!
//! # Why unrolled
//!
//! A classic skiplist keeps one node per member, so a search from the top
//! level touches about `log4(n) * 2` nodes scattered over the heap, and on
//! a million members nearly every one of them below the top few levels is
//! a cache miss (we measured about 15 misses per ZRANK in the descent alone
//! with one record per member). Here the level-0 nodes are *blocks*: each
//! holds a sorted run of up to [`BLOCK_MAX`] entries in one allocation
//! (see `skiplist/block.rs`): every entry sits in a *cell* it keeps while
//! it stays in the block (its score and, side by side, the member itself
//! when it is short enough for the block's cells, else its offset in a
//! byte slab holding the longer members in arrival order), a byte array
//! lists the cells in sorted order, and a parallel byte array holds a
//! monotone one-byte key of each position's score. Only blocks have
//! towers. With about 45 entries per block the towers of a million members
//! take a few hundred KiB, stay in the cache, and the search ends in one
//! block: a count over its 64 keys brackets the place, and only the cells
//! sharing the score's key (usually none to two) are read. Each link also caches the first score of the
//! block it leads to, so a step decides whether to move on without
//! touching that block (its first member is read only when the scores tie).
//!
//! The member index names a member's block *and cell*, so ZSCORE reads its
//! index slot and the cell's line (and the member's slab line only for a
//! member too long for the cells), and scans nothing; an insert writes a
//! free cell and shifts at most 63 bytes of the order and key arrays,
//! moving no score or member. Members of up to 16 bytes are hashed with two folded
//! multiplies of their words against the list's random keys (see
//! `skiplist/index.rs`), and compared as two words.
//!
//! # Format
//!
//! * Blocks live in a vector and are named by their index (`u32`); block 0
//!   is the header, which holds no entries and has all [`MAX_LEVEL`]
//!   levels.
//! * Each block has a tower of `height` links `(next, span, key)`, where
//!   `span` counts the entries from the start of this block to the start
//!   of `next` (to the end of the list when `next` is 0) and `key` is the
//!   first score of `next`. Its four lowest links sit in `low`, indexed by
//!   block id, so the steps on the busiest levels read one link each
//!   instead of a node and then a link; the rest of a taller tower sits in
//!   the shared `towers` vector, found through the block's node. The level-0
//!   span is the block's own entry count. Each block also keeps its
//!   level-0 predecessor (`back`), and the list its last block (`tail`),
//!   so reverse ranges start at the end and walk backwards.
//! * The member index (`skiplist/index.rs`) maps a member to its place
//!   with a `u32` slot per member: block id (22 bits), cell (6 bits) and a
//!   4-bit tag of the member's hash. Entries that a split, a merge or a
//!   block giving back room moves to another cell or block have their
//!   slots pointed at the new place. A split moves only the entries after
//!   the split point (into cells 0.. of the new block, in order); those
//!   before it keep their cells, so their slots stay as they are.
//!
//! The rank of a member is the sum of the spans along the descent to its
//! block plus its position inside the block.
//!
//! # Invariants
//!
//! 1. Walking level 0 from the header visits every block once; their
//!    entries, in order, are strictly increasing in (score, member)
//!    (members compared as bytes, shorter prefix first); no score is NaN.
//! 2. Every block but the header holds 1..=[`BLOCK_MAX`] entries in
//!    distinct cells below its cell capacity, its order array lists
//!    exactly the cells its bitmap marks used, its in-line length is 0 or
//!    2..=16, a member sits in its cell exactly when it is at most that
//!    long (the others' cells carry the slab mark), and every other
//!    member lies inside its slab without overlapping another, the rest of
//!    the slab being its counted holes; one of two or more entries holds
//!    at most [`BLOCK_BYTES`] slab bytes (so a longer member always has a
//!    block of its own). Its key array holds, at each sorted position, the
//!    key of that entry's score under the block's quantizer (shift at most
//!    63), and 0xFF past the entries.
//! 3. At each level below `level`, each link `x -> f` spans exactly the
//!    entries from the start of `x` to the start of `f` (or the end), its
//!    key is `f`'s first score, and every block on level `i` has a height
//!    above `i`; the header's links at and above `level` are empty, and
//!    the link at `level - 1` is not (unless the list is empty).
//! 4. Each block's `back` is its level-0 predecessor and `tail` the last
//!    block (0 when empty).
//! 5. The index holds exactly one slot per member, naming its block, cell
//!    and tag, reachable from the member's home slot without crossing an
//!    empty slot; tombstones are counted.
//! 6. Free blocks are empty, have height 0 and are on the free list; the
//!    running heap total equals the blocks' capacities.
//!
//! [`SkipList::validate`] checks all six.
//!
//! # Thresholds
//!
//! * Tower heights are drawn with P = 1/4 up to 32 (Redis `ZSKIPLIST_P`,
//!   `ZSKIPLIST_MAXLEVEL`), one per block.
//! * An insert into a block of [`BLOCK_MAX`] entries splits it in two
//!   first; a block that an insert takes past [`BLOCK_BYTES`] member bytes
//!   with two or more entries splits after it. A member longer than [`BLOCK_BYTES`] is inserted as a block
//!   of its own (splitting the block it falls in), and so is any member
//!   that falls next to one, which keeps every slab of two or more entries
//!   small enough for 24-bit offsets. A block left with fewer than a
//!   quarter of [`BLOCK_MAX`] entries merges with a neighbour when the two
//!   fit in three quarters of it, so no two neighbours are both that
//!   sparse and memory stays proportional to the live members under any
//!   churn.
//! * The index keeps live slots plus tombstones at most 4/5 of a
//!   power-of-two table: it doubles when full and shrinks when members
//!   fill less than an eighth of it. When more than half the block ids or
//!   tower links are free, a removal renumbers the blocks in list order
//!   into tight vectors (amortized O(1) per removed member); an index
//!   rebuild with none free renumbers them in list order too (same
//!   vectors), so that a search's low-level steps, which go to the next
//!   blocks in the list, read links at nearby ids.
//! * A block's cells grow by half (at least 4), straight to [`BLOCK_MAX`]
//!   once that reaches three quarters of it, and each regrowth leaves slab
//!   room for members of the average size in every free cell (at least a
//!   quarter of the slab), so a block split in half reallocates about once
//!   before its next split. A split gives the new block room for a quarter
//!   more entries, and leaves the old one its cells (its freed cells take
//!   its next inserts; its slab is rewritten, cells unchanged, only when
//!   holes pass half of it); a block whose cells are at most three
//!   eighths used (a split's old block starts at half), or slab at most
//!   half, after a removal is rewritten tighter (renumbering the cells
//!   above its new capacity).
//! * ZADD's insert-or-read ([`SkipList::insert_or_score`]) descends to the
//!   score's place before it probes the index while the list's recent
//!   calls mostly added members: the descent needs nothing from the index,
//!   so a prefetch of the member's home slot overlaps the two misses (21%
//!   off a 1M-member build). Calls that mostly find their member probe
//!   first, so they do not pay for a descent they would not use. Each step
//!   of a descent on the two lowest levels prefetches the block it reaches
//!   (another 10-15% off the build; the block's header had been the
//!   largest single miss of an insert).
//! * Each rewrite of a block (a split's new block, a compaction) sizes its
//!   cells for its members: the in-line length (0, or 2 to 16 bytes) that
//!   takes the fewest bytes, cells and slab together.
//! * Block ids are 22 bits: at most 4.2 million blocks. No two neighbours
//!   are both sparse, so that is at least about 35 million short members
//!   (typically 190 million at 45 a block), or gigabytes of long ones;
//!   exceeding it panics.
//!
//! # Compatibility
//!
//! Order, ranks and range semantics match Redis 7.0.15's skiplist. Only
//! what Redis leaves to its random level structure can differ: a
//! lexicographic range over members with *different* scores. ZSCAN walks
//! the index's home slots with Redis's reverse-binary cursor, reporting the
//! members whose home is the slot, so a member present for the whole scan
//! is reported at least once even when the index is resized or the blocks
//! renumbered between calls.
//!
//! # References
//!
//! * Redis 7.0.15 `src/t_zset.c` (`zsl*` functions; behaviour read, not
//!   copied).
//! * W. Pugh, "Skip Lists: A Probabilistic Alternative to Balanced Trees".
//! * Z. Shao, J. H. Reppy, A. W. Appel, "Unrolling Lists" (1994).

mod block;
mod check;
mod index;
mod insert;
mod iter;
mod maintain;
mod ranges;
mod remove;

use std::fmt;

use self::block::Block;
use self::index::{Index, MAX_BLOCKS, MemberHasher, Place};

pub use self::block::{BLOCK_BYTES, BLOCK_MAX};
pub use self::iter::Iter;
pub use self::ranges::{LexBound, LexRange, ScoreRange};

/// Most levels a tower can have.
pub const MAX_LEVEL: usize = 32;
/// Levels every block has room for in `low`, indexed by its id: a search
/// spends most of its steps on these levels, and reaches each one's link
/// without first reading the block's node.
const LOW: usize = 4;
const HEADER: u32 = 0;
/// How many members [`SkipList::scores_into`] prefetches for at once.
const BATCH: usize = 16;
/// A descent reaching a block on a level below this one starts loading the
/// block's first three lines (keys, order, and the length, quantizer and
/// first cells), which the search of the block it stops at reads first:
/// the lines load while the descent goes on down. Every step on these
/// levels prefetches, for the few blocks passed over too.
const PREFETCH_BELOW: usize = 2;
/// A block at or below this many entries looks for a neighbour to merge.
const SPARSE: usize = BLOCK_MAX / 4;
/// Most entries a merge may produce.
const MERGED_MAX: usize = BLOCK_MAX * 3 / 4;

/// One level of a block's tower.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct Link {
    /// The next block on this level (0 = none).
    next: u32,
    /// Entries from the start of this block to the start of `next` (to
    /// the end of the list when `next` is 0).
    span: u32,
    /// The first score of `next` (unused when `next` is 0).
    key: f64,
}

/// A block's place in the list.
#[derive(Clone, Copy, Debug, Default)]
struct Node {
    /// Offset in `towers` of the tower's levels from [`LOW`] up (unused
    /// when `height <= LOW`).
    tower: u32,
    /// Level-0 predecessor (0 = the header).
    back: u32,
    /// Tower height (0 for a free block).
    height: u8,
}

/// The blocks before a search target on every level: `pred[i]` is the last
/// block on level `i` whose first entry sorts before the target, and
/// `rank[i]` the number of entries before its start.
struct Path {
    pred: [u32; MAX_LEVEL],
    /// Entry counts fit 32 bits (at most 2^22 blocks of 64), and the
    /// smaller path is set up with a few vector stores, not a memset call.
    rank: [u32; MAX_LEVEL],
}

/// What an insert of a member that [`SkipList::lookup`] found absent
/// needs: its hash and the index slot its probe ended at.
#[derive(Debug)]
pub struct Vacant {
    h: u64,
    slot: usize,
}

/// A sorted set's unrolled skiplist and member index.
#[derive(Clone)]
pub struct SkipList {
    blocks: Vec<Block>,
    nodes: Vec<Node>,
    /// Each block's links on the levels below [`LOW`] (zeroed above its
    /// height): `low[i][x]` is block `x`'s link on level `i`. One vector
    /// per level keeps a level's links dense, so the many level-0 steps
    /// share cache lines.
    low: [Vec<Link>; LOW],
    /// The links of towers taller than [`LOW`] from that level up.
    towers: Vec<Link>,
    /// Links in `towers` of freed blocks (reclaimed by renumbering).
    tower_garbage: usize,
    /// Ids of free blocks.
    free: Vec<u32>,
    index: Index,
    hasher: MemberHasher,
    len: usize,
    level: usize,
    /// The last block (0 when empty).
    tail: u32,
    rng: u64,
    /// Heap bytes the blocks' vectors hold.
    block_heap: usize,
    /// How [`SkipList::insert_or_score`]'s recent calls went: up by one
    /// (to [`ADDING_MAX`]) for each that added, down by one for each that
    /// found the member; from [`ADDING_EARLY`] up it descends before
    /// probing. Timing only: no result depends on it.
    adding: u8,
}

/// The [`SkipList::adding`] count from which inserts descend first.
const ADDING_EARLY: u8 = 2;
/// The most [`SkipList::adding`] counts to.
const ADDING_MAX: u8 = 3;

impl Default for SkipList {
    fn default() -> Self {
        Self::new()
    }
}

impl SkipList {
    /// An empty skiplist.
    pub fn new() -> Self {
        SkipList {
            blocks: vec![Block::default()],
            nodes: vec![Node {
                tower: 0,
                back: 0,
                height: MAX_LEVEL as u8,
            }],
            low: std::array::from_fn(|_| vec![Link::default()]),
            towers: vec![Link::default(); MAX_LEVEL - LOW],
            tower_garbage: 0,
            free: Vec::new(),
            index: Index::default(),
            hasher: MemberHasher::new(),
            len: 0,
            level: 1,
            tail: 0,
            rng: 0x9E37_79B9_7F4A_7C15,
            block_heap: 0,
            adding: 0,
        }
    }

    /// An empty skiplist with index room for `n` members (`_avg_len`, the
    /// expected member length, is accepted for symmetry with other
    /// encodings; blocks size themselves).
    pub fn with_capacity(n: usize, _avg_len: usize) -> Self {
        let mut s = Self::new();
        s.index.slots = vec![index::EMPTY; Index::size_for(n)];
        s
    }

    // ----- queries -----

    /// Number of members.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether there are no members.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    #[inline]
    fn link(&self, x: u32, i: usize) -> &Link {
        if i < LOW {
            &self.low[i][x as usize]
        } else {
            &self.towers[self.nodes[x as usize].tower as usize + i - LOW]
        }
    }

    #[inline]
    fn link_mut(&mut self, x: u32, i: usize) -> &mut Link {
        if i < LOW {
            &mut self.low[i][x as usize]
        } else {
            let t = self.nodes[x as usize].tower as usize;
            &mut self.towers[t + i - LOW]
        }
    }

    #[inline]
    fn height(&self, x: u32) -> usize {
        usize::from(self.nodes[x as usize].height)
    }

    #[inline]
    fn block(&self, x: u32) -> &Block {
        &self.blocks[x as usize]
    }

    #[inline]
    fn hash(&self, member: &[u8]) -> u64 {
        self.hasher.hash_one(member)
    }

    /// Whether the block `l` leads to starts strictly before (score, member).
    #[inline]
    fn starts_before(&self, l: &Link, score: f64, member: &[u8]) -> bool {
        l.key < score || (l.key == score && self.block(l.next).first_member() < member)
    }

    /// Descends from the top level, moving to the next block on a level
    /// while `go(link, rank of the current block)` holds.
    #[inline]
    fn descend(&self, go: impl FnMut(&Link, usize) -> bool) -> Path {
        let mut path = Path {
            pred: [HEADER; MAX_LEVEL],
            rank: [0; MAX_LEVEL],
        };
        self.descend_with(go, |i, x, r| {
            path.pred[i] = x;
            path.rank[i] = r as u32;
        });
        path
    }

    /// [`SkipList::descend`] keeping only where it ends: the last block
    /// reached on level 0 and its rank.
    #[inline]
    fn walk(&self, go: impl FnMut(&Link, usize) -> bool) -> (u32, usize) {
        self.descend_with(go, |_, _, _| {})
    }

    /// The descent behind [`SkipList::descend`]: calls `visit(level,
    /// block, rank)` with the last block reached on each level, top down,
    /// and returns the last one.
    #[inline(always)]
    fn descend_with(
        &self,
        mut go: impl FnMut(&Link, usize) -> bool,
        mut visit: impl FnMut(usize, u32, usize),
    ) -> (u32, usize) {
        let (mut x, mut r) = (HEADER, 0usize);
        // The current block's upper tower (the header's is at 0): every
        // block reached on a level at or above LOW has one.
        let mut base = 0;
        for i in (LOW..self.level).rev() {
            loop {
                let l = &self.towers[base + i - LOW];
                if l.next != 0 && go(l, r) {
                    r += l.span as usize;
                    x = l.next;
                    base = self.nodes[x as usize].tower as usize;
                } else {
                    break;
                }
            }
            visit(i, x, r);
        }
        for i in (0..LOW.min(self.level)).rev() {
            loop {
                let l = &self.low[i][x as usize];
                if l.next != 0 && go(l, r) {
                    r += l.span as usize;
                    x = l.next;
                    if i < PREFETCH_BELOW {
                        self.blocks[x as usize].prefetch_head();
                    }
                } else {
                    break;
                }
            }
            visit(i, x, r);
        }
        (x, r)
    }

    /// The path to (score, member): predecessors strictly before it.
    fn path_to(&self, score: f64, member: &[u8]) -> Path {
        self.descend(|l, _| self.starts_before(l, score, member))
    }

    /// The path to the entry at 0-based `rank` (< len): the blocks starting
    /// strictly before it, and the (block, position) holding it.
    fn path_to_rank(&self, rank: usize) -> (Path, u32, usize) {
        let path = self.descend(|l, r| r + (l.span as usize) < rank);
        let p = path.pred[0];
        let r0 = path.rank[0] as usize;
        if p != HEADER && r0 + self.block(p).len() > rank {
            let j = rank - r0;
            (path, p, j)
        } else {
            let x = self.link(p, 0).next;
            (path, x, 0)
        }
    }

    /// The block and cell of `member`, if present.
    #[inline]
    fn locate(&self, h: u64, member: &[u8]) -> Option<Place> {
        self.index
            .find(h, |(b, c)| self.block(b).holds(c, member).then_some((b, c)))
    }

    /// [`SkipList::score`] of each member, in order, appended to `out`.
    /// A lookup waits on memory (the index slot, then the cell), so the
    /// members go in groups of [`BATCH`]: first every home slot of the
    /// group is prefetched, then the cell each live home slot with the
    /// member's tag names, and only then is each member looked up, its
    /// lines by then loaded or in flight together.
    pub fn scores_into(&self, members: &[&[u8]], out: &mut Vec<Option<f64>>) {
        out.reserve(members.len());
        for group in members.chunks(BATCH) {
            let mut hs = [0u64; BATCH];
            for (h, m) in hs.iter_mut().zip(group) {
                *h = self.hash(m);
                self.index.prefetch_home(*h);
            }
            for &h in &hs[..group.len()] {
                if let Some((b, c)) = self.index.home_candidate(h) {
                    self.block(b).prefetch_cell(c);
                }
            }
            out.extend(group.iter().map(|m| self.score(m)));
        }
    }

    /// The score of `member`, if present. O(1).
    #[inline(always)]
    pub fn score(&self, member: &[u8]) -> Option<f64> {
        // The member's words serve the hash and every compare; members of
        // 8 to 16 bytes take a lookup of their own, where the cell's words
        // are two plain loads.
        let n = member.len();
        if n.wrapping_sub(8) <= index::SHORT - 8 {
            let w = index::words(member);
            let f = |(b, c)| self.block(b).score_if_short::<true>(c, n, w);
            self.index.find(self.hasher.hash_short(w, n), f)
        } else if n < 8 {
            let w = index::words(member);
            let f = |(b, c)| self.block(b).score_if_short::<false>(c, n, w);
            self.index.find(self.hasher.hash_short(w, n), f)
        } else {
            self.index.find_outlined(self.hash(member), |(b, c)| {
                self.block(b).score_if(c, member)
            })
        }
    }

    /// 0-based position of `member` in ascending order. O(log n).
    pub fn rank(&self, member: &[u8]) -> Option<usize> {
        let (b, c) = self.locate(self.hash(member), member)?;
        let score = self.block(b).score_of(c);
        // The last block starting at or before the member is its own.
        let (x, r) = self.walk(|l, _| {
            l.key < score || (l.key == score && self.block(l.next).first_member() <= member)
        });
        debug_assert_eq!(x, b);
        Some(r + self.block(b).position_of(c))
    }

    /// The (block, position) of the entry at 0-based `rank` (< len).
    fn at_rank(&self, rank: usize) -> (u32, usize) {
        let (x, r) = self.walk(|l, r| r + (l.span as usize) <= rank);
        (x, rank - r)
    }

    /// How many leading members satisfy `pred`, which must hold for a
    /// prefix of the order and fail for the rest (e.g. "score < min").
    /// O(log n).
    pub fn count_while(&self, pred: impl Fn(f64, &[u8]) -> bool) -> usize {
        let (x, r) = self.walk(|l, _| pred(l.key, self.block(l.next).first_member()));
        if x == HEADER {
            return 0;
        }
        let inside = self
            .block(x)
            .entries()
            .take_while(|&(s, m, _)| pred(s, m))
            .count();
        r + inside
    }

    /// How many leading members have a score satisfying `pred`, which must
    /// hold for a prefix of the scores (e.g. "score < min"). O(log n), and
    /// reads no member bytes.
    pub fn count_scores_while(&self, pred: impl Fn(f64) -> bool) -> usize {
        let (x, r) = self.walk(|l, _| pred(l.key));
        if x == HEADER {
            return 0;
        }
        r + self.block(x).partition_point(pred)
    }

    /// Iterates members at 0-based positions `start..end` (clamped),
    /// double-ended: each end is found when first used, so a reverse range
    /// ending at the last member starts at the tail without a search.
    pub fn range(&self, start: usize, end: usize) -> Iter<'_> {
        let end = end.min(self.len);
        Iter::new(self, start.min(end), end)
    }

    /// Iterates all members in ascending order (double-ended).
    pub fn iter(&self) -> Iter<'_> {
        Iter::new(self, 0, self.len)
    }

    /// Bytes of heap this list holds (capacities, not just lengths). O(1).
    pub fn heap_bytes(&self) -> usize {
        self.block_heap
            + self.blocks.capacity() * std::mem::size_of::<Block>()
            + self.nodes.capacity() * std::mem::size_of::<Node>()
            + self.low.iter().map(Vec::capacity).sum::<usize>() * std::mem::size_of::<Link>()
            + self.towers.capacity() * std::mem::size_of::<Link>()
            + self.free.capacity() * 4
            + self.index.heap()
    }

    // ----- mutations -----

    fn random_level(&mut self) -> usize {
        // xorshift64*: each pair of low zero bits is one more level (P = 1/4).
        let mut x = self.rng;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.rng = x;
        let r = x.wrapping_mul(0x2545_F491_4F6C_DD1D);
        let level = 1 + (r | (1 << 63)).trailing_zeros() as usize / 2;
        level.min(MAX_LEVEL)
    }

    /// Runs `f` on block `x`, keeping the heap total in step.
    #[inline]
    fn edit<T>(&mut self, x: u32, f: impl FnOnce(&mut Block) -> T) -> T {
        let b = &mut self.blocks[x as usize];
        let before = b.heap();
        let out = f(b);
        let after = b.heap();
        self.block_heap = self.block_heap + after - before;
        out
    }

    /// Points the index slots of entries that moved from cells of block
    /// `from` to cells of block `to` (`moves` pairs the old cell with the
    /// new) at their new places.
    fn follow(&mut self, from: u32, to: u32, moves: &[(u8, u8)]) {
        let b = &self.blocks[to as usize];
        let (index, hasher) = (&mut self.index, &self.hasher);
        for &(old, new) in moves {
            let h = hasher.hash_one(b.member_of(new));
            index.relocate(h, (from, old), (to, new));
        }
    }
}

/// Makes room for `extra` more items, growing by an eighth (at least 4):
/// the block tables hold a few percent of the bytes, so little slack.
fn grow<T>(v: &mut Vec<T>, extra: usize) {
    if v.len() + extra > v.capacity() {
        let more = (v.capacity() / 8).max(4).max(extra);
        v.reserve_exact(more);
    }
}

impl fmt::Debug for SkipList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.iter().map(|(s, m)| (s, String::from_utf8_lossy(m))))
            .finish()
    }
}

impl PartialEq for SkipList {
    fn eq(&self, other: &Self) -> bool {
        self.len == other.len && self.iter().eq(other.iter())
    }
}

/// Scores are never NaN, so equality is reflexive.
impl Eq for SkipList {}

#[cfg(test)]
mod tests;
