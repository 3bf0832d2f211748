//! A skiplist ordered by (score, member) with span counts, plus a member
//! index: the big encoding of sorted sets (Redis's `zskiplist` + `dict`).
//!
//! # Format
//!
//! Nodes live in an arena (`Vec<Node>`) and refer to each other by `u32`
//! index; index 0 is the header, so 0 also means "no node". Each node is 24
//! bytes:
//!
//! ```text
//! +-------------+----------+-----------+-----------+--------------------------+
//! | score f64   | off u32  | next u32  | back u32  | meta u32                 |
//! |             | member   | level 0   | level 0   | block << 6 | height      |
//! |             | in bytes | forward   | backward  | (height 0 = free slot)   |
//! +-------------+----------+-----------+-----------+--------------------------+
//! ```
//!
//! Levels above 0 of a node of height `h` are `h - 1` consecutive
//! `(forward, span)` pairs in a second pool (`upper`), starting at `block`.
//! Level 0 needs no span (it is always 1). A member's bytes are stored once,
//! in a byte arena, as a LEB128 length followed by the bytes; the member
//! index is a hash table of node handles hashed by those bytes, so the index
//! and the list share the one copy.
//!
//! # Invariants
//!
//! 1. Walking level 0 from the header visits every live node exactly once,
//!    in strictly increasing (score, member) order (members compared as
//!    bytes, shorter prefix first); `back` is the previous node (0 for the
//!    first) and `tail` the last.
//! 2. At level `i > 0`, each link `x -> f` skips exactly `span` positions:
//!    `rank(f) - rank(x)`; a link to nothing has span 0. Every node on
//!    level `i` has height `> i`.
//! 3. The index holds exactly the live nodes, each findable by its member.
//! 4. Free node slots have height 0 and form a list through `next`; free
//!    upper blocks form one list per height through their first `forward`.
//! 5. `bytes.len()` equals the live members' encoded sizes plus `garbage`.
//!
//! [`SkipList::validate`] checks all five.
//!
//! # Thresholds
//!
//! * Levels are drawn with P = 1/4 up to 32 (Redis `ZSKIPLIST_P`,
//!   `ZSKIPLIST_MAXLEVEL`): on average 1.33 levels per node.
//! * The byte arena is compacted when more than half of it (and over 4 KiB)
//!   is garbage from removed members.
//! * Handles are `u32`, the upper pool is addressed with 26 bits and the
//!   byte arena with 32: a list holds at most about 200 million members and
//!   4 GiB of member bytes (exceeding either panics).
//!
//! # Compatibility
//!
//! Order, ranks and range semantics match Redis 7.0.15's skiplist. The
//! level drawn for each node differs (our generator is not `random()`), so
//! only behaviour Redis leaves to the level structure can differ: a
//! lexicographic range over members with *different* scores.
//!
//! # References
//!
//! * Redis 7.0.15 `src/t_zset.c` (`zsl*` functions; behaviour read, not
//!   copied).
//! * W. Pugh, "Skip Lists: A Probabilistic Alternative to Balanced Trees".

use std::fmt;
use std::num::NonZeroU32;

use hashbrown::HashTable;

use super::Corrupt;

/// Most levels a node can have.
pub const MAX_LEVEL: usize = 32;
const HEADER: u32 = 0;
const HEIGHT_BITS: u32 = 6;
const HEIGHT_MASK: u32 = (1 << HEIGHT_BITS) - 1;
/// Garbage (bytes of removed members) tolerated before compacting.
const MIN_GARBAGE: usize = 4096;

/// An arena node (see the module docs). Packed to 4-byte alignment so the
/// score does not pad the node to 32 bytes; fields are only copied out.
#[derive(Clone, Copy)]
#[repr(C, packed(4))]
struct Node {
    score: f64,
    off: u32,
    next: u32,
    back: u32,
    meta: u32,
}

/// One upper level of a node: the next node on that level and how many
/// level-0 positions the link skips.
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
struct Level {
    fwd: u32,
    span: u32,
}

/// A stable reference to a member of a [`SkipList`], valid until that
/// member is removed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Handle(NonZeroU32);

impl Handle {
    fn get(self) -> u32 {
        self.0.get()
    }

    fn from_raw(x: u32) -> Option<Handle> {
        NonZeroU32::new(x).map(Handle)
    }
}

/// A score range: `min..max` with either end exclusive (Redis `zrangespec`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ScoreRange {
    /// Lower bound.
    pub min: f64,
    /// Upper bound.
    pub max: f64,
    /// Whether `min` itself is excluded (`(min`).
    pub min_ex: bool,
    /// Whether `max` itself is excluded (`(max`).
    pub max_ex: bool,
}

impl ScoreRange {
    /// The inclusive range `min..=max`.
    pub fn new(min: f64, max: f64) -> Self {
        ScoreRange {
            min,
            max,
            min_ex: false,
            max_ex: false,
        }
    }

    /// Every score (`-inf..=+inf`).
    pub fn all() -> Self {
        ScoreRange::new(f64::NEG_INFINITY, f64::INFINITY)
    }

    /// Whether `v` is at or above the lower bound.
    pub fn gte_min(&self, v: f64) -> bool {
        if self.min_ex {
            v > self.min
        } else {
            v >= self.min
        }
    }

    /// Whether `v` is at or below the upper bound.
    pub fn lte_max(&self, v: f64) -> bool {
        if self.max_ex {
            v < self.max
        } else {
            v <= self.max
        }
    }

    /// Whether no score can be in the range.
    pub fn is_empty(&self) -> bool {
        self.min > self.max || (self.min == self.max && (self.min_ex || self.max_ex))
    }
}

impl From<std::ops::RangeInclusive<f64>> for ScoreRange {
    /// `a..=b` is the inclusive range `[a, b]`.
    fn from(r: std::ops::RangeInclusive<f64>) -> Self {
        ScoreRange::new(*r.start(), *r.end())
    }
}

impl From<std::ops::RangeFull> for ScoreRange {
    /// `..` is every score.
    fn from(_: std::ops::RangeFull) -> Self {
        ScoreRange::all()
    }
}

/// One end of a lexicographic range.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LexBound {
    /// `-`: below every member.
    Min,
    /// `+`: above every member.
    Max,
    /// `[m`: `m` included.
    Inclusive(Vec<u8>),
    /// `(m`: `m` excluded.
    Exclusive(Vec<u8>),
}

impl LexBound {
    /// Compares a member with this bound's value (`-`/`+` as infinities).
    fn cmp_member(&self, m: &[u8]) -> std::cmp::Ordering {
        use std::cmp::Ordering::{Greater, Less};
        match self {
            LexBound::Min => Greater,
            LexBound::Max => Less,
            LexBound::Inclusive(v) | LexBound::Exclusive(v) => m.cmp(v),
        }
    }

    fn exclusive(&self) -> bool {
        !matches!(self, LexBound::Inclusive(_))
    }

    /// Rank of the bound among `-` < strings < `+` (for emptiness checks).
    fn cmp_bound(&self, other: &LexBound) -> std::cmp::Ordering {
        use std::cmp::Ordering::{Equal, Greater, Less};
        match (self, other) {
            (LexBound::Min, LexBound::Min) | (LexBound::Max, LexBound::Max) => Equal,
            (LexBound::Min, _) | (_, LexBound::Max) => Less,
            (LexBound::Max, _) | (_, LexBound::Min) => Greater,
            (
                LexBound::Inclusive(a) | LexBound::Exclusive(a),
                LexBound::Inclusive(b) | LexBound::Exclusive(b),
            ) => a.cmp(b),
        }
    }
}

/// A lexicographic range of members (Redis `zlexrangespec`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LexRange {
    /// Lower end.
    pub min: LexBound,
    /// Upper end.
    pub max: LexBound,
}

impl LexRange {
    /// Whether `m` is at or above the lower end.
    pub fn gte_min(&self, m: &[u8]) -> bool {
        let c = self.min.cmp_member(m);
        if self.min.exclusive() {
            c.is_gt()
        } else {
            c.is_ge()
        }
    }

    /// Whether `m` is at or below the upper end.
    pub fn lte_max(&self, m: &[u8]) -> bool {
        let c = self.max.cmp_member(m);
        if self.max.exclusive() {
            c.is_lt()
        } else {
            c.is_le()
        }
    }

    /// Whether no member can be in the range.
    pub fn is_empty(&self) -> bool {
        let c = self.min.cmp_bound(&self.max);
        c.is_gt() || (c.is_eq() && (self.min.exclusive() || self.max.exclusive()))
    }
}

/// A sorted set's skiplist and member index.
#[derive(Clone)]
pub struct SkipList {
    nodes: Vec<Node>,
    upper: Vec<Level>,
    /// Head of the free-slot list (0 = none).
    free_node: u32,
    /// Per height, head of the free upper-block list, plus one (0 = none).
    free_upper: [u32; MAX_LEVEL + 1],
    bytes: Vec<u8>,
    garbage: usize,
    index: HashTable<u32>,
    hasher: ahash::RandomState,
    tail: u32,
    len: usize,
    level: usize,
    rng: u64,
}

impl Default for SkipList {
    fn default() -> Self {
        Self::new()
    }
}

/// Reads the LEB128 length at `off` and returns the member it prefixes.
fn member_at(bytes: &[u8], off: u32) -> &[u8] {
    let mut p = off as usize;
    let mut len = 0usize;
    let mut shift = 0;
    loop {
        let b = bytes[p];
        p += 1;
        len |= usize::from(b & 0x7F) << shift;
        if b & 0x80 == 0 {
            break;
        }
        shift += 7;
    }
    &bytes[p..p + len]
}

/// Bytes a member of `len` bytes takes in the arena.
fn encoded_size(len: usize) -> usize {
    let mut n = 1;
    let mut v = len >> 7;
    while v != 0 {
        n += 1;
        v >>= 7;
    }
    n + len
}

fn push_member(bytes: &mut Vec<u8>, member: &[u8]) -> u32 {
    let off = u32::try_from(bytes.len()).expect("skiplist member storage exceeds 4 GiB");
    let mut v = member.len();
    loop {
        let b = (v & 0x7F) as u8;
        v >>= 7;
        if v == 0 {
            bytes.push(b);
            break;
        }
        bytes.push(b | 0x80);
    }
    bytes.extend_from_slice(member);
    assert!(
        u32::try_from(bytes.len()).is_ok(),
        "skiplist member storage exceeds 4 GiB"
    );
    off
}

impl SkipList {
    /// An empty skiplist.
    pub fn new() -> Self {
        SkipList {
            nodes: vec![Node {
                score: 0.0,
                off: 0,
                next: 0,
                back: 0,
                meta: MAX_LEVEL as u32,
            }],
            upper: vec![Level::default(); MAX_LEVEL - 1],
            free_node: 0,
            free_upper: [0; MAX_LEVEL + 1],
            bytes: Vec::new(),
            garbage: 0,
            index: HashTable::new(),
            hasher: ahash::RandomState::new(),
            tail: 0,
            len: 0,
            level: 1,
            rng: 0x9E37_79B9_7F4A_7C15,
        }
    }

    /// An empty skiplist with room for `n` members of about `avg_len` bytes.
    pub fn with_capacity(n: usize, avg_len: usize) -> Self {
        let mut s = Self::new();
        s.nodes.reserve(n);
        s.upper.reserve(n / 3);
        s.bytes.reserve(n * encoded_size(avg_len));
        s.index.reserve(n, |_| 0);
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

    fn height(&self, x: u32) -> usize {
        (self.nodes[x as usize].meta & HEIGHT_MASK) as usize
    }

    fn block(&self, x: u32) -> usize {
        (self.nodes[x as usize].meta >> HEIGHT_BITS) as usize
    }

    fn fwd(&self, x: u32, i: usize) -> u32 {
        if i == 0 {
            self.nodes[x as usize].next
        } else {
            self.upper[self.block(x) + i - 1].fwd
        }
    }

    fn span(&self, x: u32, i: usize) -> usize {
        if i == 0 {
            1
        } else {
            self.upper[self.block(x) + i - 1].span as usize
        }
    }

    fn set_fwd(&mut self, x: u32, i: usize, f: u32) {
        if i == 0 {
            self.nodes[x as usize].next = f;
        } else {
            let b = self.block(x);
            self.upper[b + i - 1].fwd = f;
        }
    }

    fn set_span(&mut self, x: u32, i: usize, span: usize) {
        if i > 0 {
            let b = self.block(x);
            self.upper[b + i - 1].span = u32::try_from(span).expect("span fits u32");
        }
    }

    fn score_of(&self, x: u32) -> f64 {
        self.nodes[x as usize].score
    }

    fn member_of(&self, x: u32) -> &[u8] {
        member_at(&self.bytes, self.nodes[x as usize].off)
    }

    /// Whether node `x` sorts strictly before (score, member).
    fn precedes(&self, x: u32, score: f64, member: &[u8]) -> bool {
        let s = self.score_of(x);
        s < score || (s == score && self.member_of(x) < member)
    }

    fn hash(&self, member: &[u8]) -> u64 {
        self.hasher.hash_one(member)
    }

    /// The handle of `member`, if present. O(1).
    pub fn find(&self, member: &[u8]) -> Option<Handle> {
        let h = self.hash(member);
        let (nodes, bytes) = (&self.nodes, &self.bytes);
        self.index
            .find(h, |&x| member_at(bytes, nodes[x as usize].off) == member)
            .and_then(|&x| Handle::from_raw(x))
    }

    /// The score of `member`, if present. O(1).
    pub fn score(&self, member: &[u8]) -> Option<f64> {
        self.find(member).map(|h| self.score_of(h.get()))
    }

    /// The (score, member) a handle refers to.
    pub fn entry(&self, h: Handle) -> (f64, &[u8]) {
        (self.score_of(h.get()), self.member_of(h.get()))
    }

    /// The first (lowest) member.
    pub fn first(&self) -> Option<Handle> {
        Handle::from_raw(self.fwd(HEADER, 0))
    }

    /// The last (highest) member.
    pub fn last(&self) -> Option<Handle> {
        Handle::from_raw(self.tail)
    }

    /// The member after `h`.
    pub fn next(&self, h: Handle) -> Option<Handle> {
        Handle::from_raw(self.fwd(h.get(), 0))
    }

    /// The member before `h`.
    pub fn prev(&self, h: Handle) -> Option<Handle> {
        Handle::from_raw(self.nodes[h.get() as usize].back)
    }

    /// 0-based position of `member` in ascending order. O(log n).
    pub fn rank(&self, member: &[u8]) -> Option<usize> {
        self.find(member).map(|h| self.rank_of(h))
    }

    /// 0-based position of the member `h` refers to. O(log n).
    pub fn rank_of(&self, h: Handle) -> usize {
        let n = h.get();
        let (score, member) = (self.score_of(n), self.member_of(n));
        let mut x = HEADER;
        let mut traversed = 0;
        for i in (0..self.level).rev() {
            loop {
                let f = self.fwd(x, i);
                if f != 0 && (f == n || self.precedes(f, score, member)) {
                    traversed += self.span(x, i);
                    x = f;
                } else {
                    break;
                }
            }
            if x == n {
                break;
            }
        }
        debug_assert_eq!(x, n);
        traversed - 1
    }

    /// The member at 0-based position `rank`. O(log n).
    pub fn at_rank(&self, rank: usize) -> Option<Handle> {
        if rank >= self.len {
            return None;
        }
        let target = rank + 1;
        let mut x = HEADER;
        let mut traversed = 0;
        for i in (0..self.level).rev() {
            loop {
                let f = self.fwd(x, i);
                if f != 0 && traversed + self.span(x, i) <= target {
                    traversed += self.span(x, i);
                    x = f;
                } else {
                    break;
                }
            }
            if traversed == target {
                return Handle::from_raw(x);
            }
        }
        None
    }

    /// How many leading members satisfy `pred`, which must hold for a
    /// prefix of the order and fail for the rest (e.g. "score < min").
    /// O(log n).
    pub fn count_while(&self, pred: impl Fn(f64, &[u8]) -> bool) -> usize {
        let mut x = HEADER;
        let mut traversed = 0;
        for i in (0..self.level).rev() {
            loop {
                let f = self.fwd(x, i);
                if f != 0 && pred(self.score_of(f), self.member_of(f)) {
                    traversed += self.span(x, i);
                    x = f;
                } else {
                    break;
                }
            }
        }
        traversed
    }

    /// Iterates members at 0-based positions `start..end` (clamped),
    /// double-ended.
    pub fn range(&self, start: usize, end: usize) -> Iter<'_> {
        let end = end.min(self.len);
        if start >= end {
            return Iter {
                list: self,
                front: 0,
                back: 0,
                remaining: 0,
            };
        }
        let front = self.at_rank(start).map_or(0, Handle::get);
        let back = if end == self.len {
            self.tail
        } else {
            self.at_rank(end - 1).map_or(0, Handle::get)
        };
        Iter {
            list: self,
            front,
            back,
            remaining: end - start,
        }
    }

    /// Iterates all members in ascending order (double-ended).
    pub fn iter(&self) -> Iter<'_> {
        Iter {
            list: self,
            front: self.fwd(HEADER, 0),
            back: self.tail,
            remaining: self.len,
        }
    }

    /// Number of node slots (live or free); SCAN cursors run over slots.
    pub fn slots(&self) -> usize {
        self.nodes.len()
    }

    /// The member in node slot `slot` (1-based), if that slot is live.
    pub fn at_slot(&self, slot: usize) -> Option<(f64, &[u8])> {
        if slot == 0 || slot >= self.nodes.len() || self.height(slot as u32) == 0 {
            return None;
        }
        Some((self.score_of(slot as u32), self.member_of(slot as u32)))
    }

    /// Bytes of heap this list holds (capacity, not just length).
    pub fn heap_bytes(&self) -> usize {
        self.nodes.capacity() * std::mem::size_of::<Node>()
            + self.upper.capacity() * std::mem::size_of::<Level>()
            + self.bytes.capacity()
            + self.index.capacity() * (std::mem::size_of::<u32>() + 1)
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

    fn alloc_block(&mut self, height: usize) -> usize {
        if height == 1 {
            return 0;
        }
        let head = self.free_upper[height];
        if head != 0 {
            let b = (head - 1) as usize;
            self.free_upper[height] = self.upper[b].fwd;
            return b;
        }
        let b = self.upper.len();
        self.upper.resize(b + height - 1, Level::default());
        assert!(
            b < 1 << (32 - HEIGHT_BITS),
            "skiplist upper levels exhausted"
        );
        b
    }

    fn free_block(&mut self, x: u32) {
        let height = self.height(x);
        if height > 1 {
            let b = self.block(x);
            self.upper[b].fwd = self.free_upper[height];
            self.free_upper[height] = b as u32 + 1;
        }
    }

    fn alloc_node(&mut self, score: f64, off: u32) -> u32 {
        let height = self.random_level();
        let block = self.alloc_block(height);
        let meta = ((block as u32) << HEIGHT_BITS) | height as u32;
        for i in 0..height - 1 {
            self.upper[block + i] = Level::default();
        }
        let node = Node {
            score,
            off,
            next: 0,
            back: 0,
            meta,
        };
        if self.free_node != 0 {
            let x = self.free_node;
            self.free_node = self.nodes[x as usize].next;
            self.nodes[x as usize] = node;
            x
        } else {
            let x = u32::try_from(self.nodes.len()).expect("skiplist has 2^32 nodes");
            self.nodes.push(node);
            x
        }
    }

    /// Links node `n` (allocated, not linked) at its place in the order.
    fn link(&mut self, n: u32) {
        let (score, off) = (self.score_of(n), self.nodes[n as usize].off);
        let mut update = [HEADER; MAX_LEVEL];
        let mut rank = [0usize; MAX_LEVEL];
        let mut x = HEADER;
        let mut r = 0;
        for i in (0..self.level).rev() {
            loop {
                let f = self.fwd(x, i);
                if f != 0 && self.precedes(f, score, member_at(&self.bytes, off)) {
                    r += self.span(x, i);
                    x = f;
                } else {
                    break;
                }
            }
            update[i] = x;
            rank[i] = r;
        }
        let h = self.height(n);
        if h > self.level {
            self.level = h;
        }
        for i in 0..h {
            let u = update[i];
            let f = self.fwd(u, i);
            self.set_fwd(n, i, f);
            if f != 0 {
                let s = rank[i] + self.span(u, i) - rank[0];
                self.set_span(n, i, s);
            } else {
                self.set_span(n, i, 0);
            }
            self.set_fwd(u, i, n);
            self.set_span(u, i, rank[0] + 1 - rank[i]);
        }
        for (i, &u) in update.iter().enumerate().take(self.level).skip(h) {
            if self.fwd(u, i) != 0 {
                let s = self.span(u, i) + 1;
                self.set_span(u, i, s);
            }
        }
        let prev = update[0];
        self.nodes[n as usize].back = prev;
        let next = self.nodes[n as usize].next;
        if next != 0 {
            self.nodes[next as usize].back = n;
        } else {
            self.tail = n;
        }
        self.len += 1;
    }

    /// The predecessors of node `n` on every level.
    fn predecessors(&self, n: u32) -> [u32; MAX_LEVEL] {
        let (score, member) = (self.score_of(n), self.member_of(n));
        let mut update = [HEADER; MAX_LEVEL];
        let mut x = HEADER;
        for i in (0..self.level).rev() {
            loop {
                let f = self.fwd(x, i);
                if f != 0 && f != n && self.precedes(f, score, member) {
                    x = f;
                } else {
                    break;
                }
            }
            update[i] = x;
        }
        debug_assert_eq!(self.fwd(update[0], 0), n);
        update
    }

    /// Unlinks node `n` given its predecessors (the node stays allocated).
    fn unlink(&mut self, n: u32, update: &[u32; MAX_LEVEL]) {
        for (i, &u) in update.iter().enumerate().take(self.level) {
            if self.fwd(u, i) == n {
                let f = self.fwd(n, i);
                if f != 0 {
                    let s = self.span(u, i) + self.span(n, i) - 1;
                    self.set_span(u, i, s);
                } else {
                    self.set_span(u, i, 0);
                }
                self.set_fwd(u, i, f);
            } else if self.fwd(u, i) != 0 {
                let s = self.span(u, i) - 1;
                self.set_span(u, i, s);
            }
        }
        let Node { next, back, .. } = self.nodes[n as usize];
        if next != 0 {
            self.nodes[next as usize].back = back;
        } else {
            self.tail = back;
        }
        while self.level > 1 && self.fwd(HEADER, self.level - 1) == 0 {
            self.level -= 1;
        }
        self.len -= 1;
    }

    /// Releases an unlinked node: index entry, member bytes, slot.
    fn release(&mut self, n: u32) {
        let h = self.hash(self.member_of(n));
        if let Ok(entry) = self.index.find_entry(h, |&x| x == n) {
            entry.remove();
        }
        self.garbage += encoded_size(self.member_of(n).len());
        self.free_block(n);
        let node = &mut self.nodes[n as usize];
        node.meta = 0;
        node.next = self.free_node;
        node.back = 0;
        self.free_node = n;
        self.maybe_compact();
    }

    /// Adds `member` with `score`; returns false (changing nothing) when
    /// the member is already present. O(log n).
    ///
    /// # Panics
    /// If `score` is NaN, or the list outgrows the limits in the module docs.
    pub fn insert(&mut self, score: f64, member: &[u8]) -> bool {
        assert!(!score.is_nan(), "NaN score");
        if self.find(member).is_some() {
            return false;
        }
        let off = push_member(&mut self.bytes, member);
        let n = self.alloc_node(score, off);
        self.link(n);
        let h = self.hash(member);
        let (nodes, bytes, hasher) = (&self.nodes, &self.bytes, &self.hasher);
        self.index.insert_unique(h, n, |&x| {
            hasher.hash_one(member_at(bytes, nodes[x as usize].off))
        });
        true
    }

    /// Changes the score of a present member and returns its old score
    /// (None, changing nothing, when absent). O(log n).
    ///
    /// # Panics
    /// If `score` is NaN.
    pub fn update_score(&mut self, member: &[u8], score: f64) -> Option<f64> {
        assert!(!score.is_nan(), "NaN score");
        let n = self.find(member)?.get();
        let old = self.score_of(n);
        let Node { next, back, .. } = self.nodes[n as usize];
        let after_prev = back == 0 || self.precedes(back, score, member);
        let before_next = next == 0 || {
            let s = self.score_of(next);
            score < s || (score == s && member < self.member_of(next))
        };
        if after_prev && before_next {
            self.nodes[n as usize].score = score;
            return Some(old);
        }
        let update = self.predecessors(n);
        self.unlink(n, &update);
        self.nodes[n as usize].score = score;
        self.link(n);
        Some(old)
    }

    /// Removes `member`, returning its score. O(log n).
    pub fn remove(&mut self, member: &[u8]) -> Option<f64> {
        let n = self.find(member)?.get();
        let score = self.score_of(n);
        let update = self.predecessors(n);
        self.unlink(n, &update);
        self.release(n);
        Some(score)
    }

    /// Removes the members at 0-based positions `start..end` (clamped) and
    /// returns how many were removed. O(log n + m).
    pub fn remove_range(&mut self, start: usize, end: usize) -> usize {
        let end = end.min(self.len);
        if start >= end {
            return 0;
        }
        let mut update = [HEADER; MAX_LEVEL];
        let mut x = HEADER;
        let mut traversed = 0;
        for i in (0..self.level).rev() {
            loop {
                let f = self.fwd(x, i);
                if f != 0 && traversed + self.span(x, i) <= start {
                    traversed += self.span(x, i);
                    x = f;
                } else {
                    break;
                }
            }
            update[i] = x;
        }
        for _ in start..end {
            let n = self.fwd(update[0], 0);
            self.unlink(n, &update);
            self.release(n);
        }
        end - start
    }

    /// Rewrites the byte arena without the removed members' bytes.
    fn maybe_compact(&mut self) {
        if self.garbage <= MIN_GARBAGE || self.garbage * 2 <= self.bytes.len() {
            return;
        }
        let mut fresh = Vec::with_capacity(self.bytes.len() - self.garbage);
        let mut x = self.fwd(HEADER, 0);
        while x != 0 {
            let off = push_member(
                &mut fresh,
                member_at(&self.bytes, self.nodes[x as usize].off),
            );
            self.nodes[x as usize].off = off;
            x = self.nodes[x as usize].next;
        }
        self.bytes = fresh;
        self.garbage = 0;
    }

    // ----- validation -----

    /// Checks the invariants in the module docs.
    ///
    /// # Errors
    /// [`Corrupt`] naming the first broken invariant.
    pub fn validate(&self) -> Result<(), Corrupt> {
        let mut rank = vec![0usize; self.nodes.len()];
        let (mut x, mut prev, mut count, mut live_bytes) = (self.fwd(HEADER, 0), 0u32, 0, 0);
        while x != 0 {
            count += 1;
            if count > self.len || self.height(x) == 0 {
                return Err(Corrupt("level 0 walk longer than len or hits a free slot"));
            }
            rank[x as usize] = count;
            if self.nodes[x as usize].back != prev {
                return Err(Corrupt("backward link wrong"));
            }
            let s = self.score_of(x);
            if s.is_nan() || (prev != 0 && !self.precedes(prev, s, self.member_of(x))) {
                return Err(Corrupt("level 0 out of order"));
            }
            if self.find(self.member_of(x)).map(Handle::get) != Some(x) {
                return Err(Corrupt("index does not find the member's node"));
            }
            live_bytes += encoded_size(self.member_of(x).len());
            prev = x;
            x = self.fwd(x, 0);
        }
        if count != self.len || self.tail != prev || self.index.len() != self.len {
            return Err(Corrupt("len, tail or index size wrong"));
        }
        if live_bytes + self.garbage != self.bytes.len() {
            return Err(Corrupt("byte arena accounting wrong"));
        }
        for i in 1..MAX_LEVEL {
            let (mut x, mut r) = (HEADER, 0);
            loop {
                let f = self.fwd(x, i);
                if i >= self.level && x == HEADER && f != 0 {
                    return Err(Corrupt("link above the list level"));
                }
                if f == 0 {
                    if self.span(x, i) != 0 {
                        return Err(Corrupt("span of a link to nothing is not 0"));
                    }
                    break;
                }
                if self.height(f) <= i || rank[f as usize] <= r {
                    return Err(Corrupt("upper link to a short or earlier node"));
                }
                if self.span(x, i) != rank[f as usize] - r {
                    return Err(Corrupt("span disagrees with ranks"));
                }
                r = rank[f as usize];
                x = f;
            }
        }
        if self.level > 1 && self.fwd(HEADER, self.level - 1) == 0 {
            return Err(Corrupt("list level above the highest node"));
        }
        let free = (1..self.nodes.len())
            .filter(|&i| self.height(i as u32) == 0)
            .count();
        if free + self.len + 1 != self.nodes.len() {
            return Err(Corrupt("free slots and live nodes do not add up"));
        }
        Ok(())
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

/// Iterator over (score, member) in ascending order, double-ended.
#[derive(Debug, Clone)]
pub struct Iter<'a> {
    list: &'a SkipList,
    front: u32,
    back: u32,
    remaining: usize,
}

impl<'a> Iterator for Iter<'a> {
    type Item = (f64, &'a [u8]);

    fn next(&mut self) -> Option<Self::Item> {
        if self.remaining == 0 {
            return None;
        }
        self.remaining -= 1;
        let x = self.front;
        self.front = self.list.fwd(x, 0);
        Some((self.list.score_of(x), self.list.member_of(x)))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.remaining, Some(self.remaining))
    }
}

impl DoubleEndedIterator for Iter<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        if self.remaining == 0 {
            return None;
        }
        self.remaining -= 1;
        let x = self.back;
        self.back = self.list.nodes[x as usize].back;
        Some((self.list.score_of(x), self.list.member_of(x)))
    }
}

impl ExactSizeIterator for Iter<'_> {}

impl fmt::Debug for Node {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Node {
            score,
            off,
            next,
            back,
            meta,
        } = *self;
        write!(
            f,
            "Node({score}, off {off}, next {next}, back {back}, meta {meta:#x})"
        )
    }
}

#[cfg(test)]
mod tests;
