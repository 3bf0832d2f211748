//! A skiplist ordered by (score, member) with span counts, plus a member
//! index: the big encoding of sorted sets (Redis's `zskiplist` + `dict`).
//!
//! # Format
//!
//! Every node is one variable-size record in a byte arena (see
//! `skiplist/arena.rs` for the byte layout) and is referred to by its byte
//! offset as a `u32`; offset 0 is the header (a node of 32 levels), so 0
//! also means "no node". A record holds, in this order, the score, the
//! level-0 forward and backward links, the index chain link, the height,
//! the `(forward, span)` pairs of levels 1.., and the member (LEB128
//! length, bytes). Level 0 needs no span (it is always 1). The list keeps
//! its last node (`tail`), so reverse ranges start there and walk the
//! backward links, as Redis's do.
//!
//! Keeping all of a node in one place is the point: a search step that
//! looks at the next node reads its score and its forward links from the
//! same cache line, and the member bytes (needed only when scores are
//! equal) follow them. The member index is a chained hash table: a
//! power-of-two array of bucket heads whose chains run through the records'
//! chain links, so a lookup costs the bucket and the node it names, and the
//! index adds 4 bytes per member plus the bucket array.
//!
//! # Invariants
//!
//! 1. Walking level 0 from the header visits every live node exactly once,
//!    in strictly increasing (score, member) order (members compared as
//!    bytes, shorter prefix first).
//! 2. At level `i > 0`, each link `x -> f` skips exactly `span` positions:
//!    `rank(f) - rank(x)`; a link to nothing has span 0. Every node on
//!    level `i` has height `> i`.
//! 3. Every live node is on exactly one bucket chain, the one its member
//!    hashes to, and the chains hold nothing else.
//! 4. The arena's records tile it exactly; free records are on the free
//!    list of their size and add up to its `garbage`.
//! 5. Each node's backward link names the node before it on level 0 (0 for
//!    the first), and `tail` is the last node (0 when empty).
//!
//! [`SkipList::validate`] checks all five.
//!
//! # Thresholds
//!
//! * Levels are drawn with P = 1/4 up to 32 (Redis `ZSKIPLIST_P`,
//!   `ZSKIPLIST_MAXLEVEL`): on average 1.33 levels per node.
//! * The bucket array doubles when the members outnumber the buckets (load
//!   factor at most 1) and, after removals, shrinks to the next power of
//!   two when the members fill less than an eighth of it.
//! * The arena grows by an eighth of its size at a time; freed records are
//!   reused by nodes of exactly their size, and when free records hold more
//!   than a quarter of the arena (and at least 4 KiB) a removal compacts it
//!   into a tight new vector, laid out in list order (neighbours in the
//!   order become neighbours in memory). Memory therefore stays proportional to the
//!   live members under any insert/remove churn (a queue popped by ZPOPMIN
//!   included), at an amortized O(log n) per removed member.
//! * Handles are byte offsets in a `u32`: the arena holds at most 4 GiB
//!   (about 130 million short members); exceeding it panics.
//!
//! # Compatibility
//!
//! Order, ranks and range semantics match Redis 7.0.15's skiplist. The
//! level drawn for each node differs (our generator is not `random()`), so
//! only behaviour Redis leaves to the level structure can differ: a
//! lexicographic range over members with *different* scores. ZSCAN walks
//! the member index's buckets with Redis's reverse-binary cursor, so a
//! member present for the whole scan is reported at least once even when
//! the index is resized or the arena compacted between calls.
//!
//! # References
//!
//! * Redis 7.0.15 `src/t_zset.c` (`zsl*` functions; behaviour read, not
//!   copied).
//! * W. Pugh, "Skip Lists: A Probabilistic Alternative to Balanced Trees".

mod arena;
mod iter;
mod maintain;
mod ranges;

use std::fmt;
use std::num::NonZeroU32;

use self::arena::{Arena, BACK, CHAIN, LEVELS, NEXT, SCORE};
use super::Corrupt;

pub use self::iter::Iter;
pub use self::ranges::{LexBound, LexRange, ScoreRange};

/// Most levels a node can have.
pub const MAX_LEVEL: usize = 32;
const HEADER: u32 = 0;

/// Node -> 1-based rank, built by `validate`.
type RankMap = hashbrown::HashMap<u32, usize, ahash::RandomState>;

/// A reference to a member of a [`SkipList`], valid until the next removal
/// (a removal can compact the arena, which moves the records).
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

/// A sorted set's skiplist and member index.
#[derive(Clone)]
pub struct SkipList {
    arena: Arena,
    /// Bucket heads of the member index (0 = empty); a power of two long,
    /// or empty before the first insert.
    buckets: Vec<u32>,
    hasher: ahash::RandomState,
    len: usize,
    level: usize,
    /// The last node (0 when empty).
    tail: u32,
    rng: u64,
}

impl Default for SkipList {
    fn default() -> Self {
        Self::new()
    }
}

impl SkipList {
    /// An empty skiplist.
    pub fn new() -> Self {
        let mut arena = Arena::new();
        let header = arena.alloc(0.0, MAX_LEVEL, b"");
        debug_assert_eq!(header, HEADER);
        SkipList {
            arena,
            buckets: Vec::new(),
            hasher: ahash::RandomState::new(),
            len: 0,
            level: 1,
            tail: 0,
            rng: 0x9E37_79B9_7F4A_7C15,
        }
    }

    /// An empty skiplist with room for `n` members of about `avg_len` bytes.
    pub fn with_capacity(n: usize, avg_len: usize) -> Self {
        let mut s = Self::new();
        // On average 1.33 levels, a third of an 8-byte level each.
        s.arena
            .bytes
            .reserve_exact(n * (arena::record_size(1, avg_len) + 3));
        s.buckets = vec![0; n.next_power_of_two().max(4)];
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
    fn fwd(&self, x: u32, i: usize) -> u32 {
        if i == 0 {
            self.arena.u32_at(x as usize + NEXT)
        } else {
            self.arena.u32_at(x as usize + LEVELS + 8 * (i - 1))
        }
    }

    #[inline]
    fn span(&self, x: u32, i: usize) -> usize {
        if i == 0 {
            1
        } else {
            self.arena.u32_at(x as usize + LEVELS + 8 * (i - 1) + 4) as usize
        }
    }

    fn set_fwd(&mut self, x: u32, i: usize, f: u32) {
        if i == 0 {
            self.arena.set_u32(x as usize + NEXT, f);
        } else {
            self.arena.set_u32(x as usize + LEVELS + 8 * (i - 1), f);
        }
    }

    fn set_span(&mut self, x: u32, i: usize, span: usize) {
        if i > 0 {
            let s = u32::try_from(span).expect("span fits u32");
            self.arena.set_u32(x as usize + LEVELS + 8 * (i - 1) + 4, s);
        }
    }

    #[inline]
    fn back(&self, x: u32) -> u32 {
        self.arena.u32_at(x as usize + BACK)
    }

    fn set_back(&mut self, x: u32, b: u32) {
        self.arena.set_u32(x as usize + BACK, b);
    }

    #[inline]
    fn score_of(&self, x: u32) -> f64 {
        self.arena.f64_at(x as usize + SCORE)
    }

    #[inline]
    fn member_of(&self, x: u32) -> &[u8] {
        self.arena.member(x)
    }

    #[inline]
    fn chain(&self, x: u32) -> u32 {
        self.arena.u32_at(x as usize + CHAIN)
    }

    /// Whether node `x` sorts strictly before (score, member).
    #[inline]
    fn precedes(&self, x: u32, score: f64, member: &[u8]) -> bool {
        let s = self.score_of(x);
        s < score || (s == score && self.member_of(x) < member)
    }

    fn bucket_of(&self, member: &[u8]) -> usize {
        self.hasher.hash_one(member) as usize & (self.buckets.len() - 1)
    }

    fn find_raw(&self, member: &[u8]) -> u32 {
        if self.buckets.is_empty() {
            return 0;
        }
        let mut x = self.buckets[self.bucket_of(member)];
        while x != 0 && self.member_of(x) != member {
            x = self.chain(x);
        }
        x
    }

    /// The handle of `member`, if present. O(1).
    pub fn find(&self, member: &[u8]) -> Option<Handle> {
        Handle::from_raw(self.find_raw(member))
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

    /// The last (highest) member. O(1).
    pub fn last(&self) -> Option<Handle> {
        Handle::from_raw(self.tail)
    }

    /// The member after `h`.
    pub fn next(&self, h: Handle) -> Option<Handle> {
        Handle::from_raw(self.fwd(h.get(), 0))
    }

    /// The member before `h`.
    pub fn prev(&self, h: Handle) -> Option<Handle> {
        Handle::from_raw(self.back(h.get()))
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

    /// The node at 0-based position `rank` (< len), using the ends when
    /// they are the target.
    fn node_at(&self, rank: usize) -> u32 {
        if rank == 0 {
            self.fwd(HEADER, 0)
        } else if rank + 1 == self.len {
            self.tail
        } else {
            self.at_rank(rank).map_or(0, Handle::get)
        }
    }

    /// Bytes of heap this list holds (capacities, not just lengths). O(1).
    pub fn heap_bytes(&self) -> usize {
        self.arena.heap_bytes() + self.buckets.capacity() * std::mem::size_of::<u32>()
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

    /// Takes node `n` off its bucket chain.
    fn unchain(&mut self, n: u32) {
        let b = self.bucket_of(self.member_of(n));
        let next = self.chain(n);
        if self.buckets[b] == n {
            self.buckets[b] = next;
            return;
        }
        let mut x = self.buckets[b];
        while self.chain(x) != n {
            x = self.chain(x);
        }
        self.arena.set_u32(x as usize + CHAIN, next);
    }

    /// Links node `n` (allocated, not linked) at its place in the order.
    fn link(&mut self, n: u32) {
        let mut update = [HEADER; MAX_LEVEL];
        let mut rank = [0usize; MAX_LEVEL];
        let mut x = HEADER;
        let mut r = 0;
        {
            let (score, member) = (self.score_of(n), self.member_of(n));
            for i in (0..self.level).rev() {
                loop {
                    let f = self.fwd(x, i);
                    if f != 0 && self.precedes(f, score, member) {
                        r += self.span(x, i);
                        x = f;
                    } else {
                        break;
                    }
                }
                update[i] = x;
                rank[i] = r;
            }
        }
        let h = self.arena.height(n);
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
        self.set_back(n, update[0]);
        match self.fwd(n, 0) {
            0 => self.tail = n,
            f => self.set_back(f, n),
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
        match self.fwd(n, 0) {
            0 => self.tail = self.back(n),
            f => self.set_back(f, self.back(n)),
        }
        for (i, &u) in update.iter().enumerate().take(self.level) {
            let uf = self.fwd(u, i);
            if uf == n {
                let f = self.fwd(n, i);
                if f != 0 {
                    let s = self.span(u, i) + self.span(n, i) - 1;
                    self.set_span(u, i, s);
                } else {
                    self.set_span(u, i, 0);
                }
                self.set_fwd(u, i, f);
            } else if uf != 0 {
                let s = self.span(u, i) - 1;
                self.set_span(u, i, s);
            }
        }
        while self.level > 1 && self.fwd(HEADER, self.level - 1) == 0 {
            self.level -= 1;
        }
        self.len -= 1;
    }

    /// Releases an unlinked node: index entry and record.
    fn release(&mut self, n: u32) {
        self.unchain(n);
        self.arena.release(n);
    }

    /// Adds `member` with `score`; returns false (changing nothing) when
    /// the member is already present. O(log n).
    ///
    /// # Panics
    /// If `score` is NaN, or the list outgrows the limits in the module docs.
    pub fn insert(&mut self, score: f64, member: &[u8]) -> bool {
        assert!(!score.is_nan(), "NaN score");
        if self.len >= self.buckets.len() {
            self.rehash((self.buckets.len() * 2).max(4));
        }
        let b = self.bucket_of(member);
        let mut x = self.buckets[b];
        while x != 0 {
            if self.member_of(x) == member {
                return false;
            }
            x = self.chain(x);
        }
        let height = self.random_level();
        let n = self.arena.alloc(score, height, member);
        self.arena.set_u32(n as usize + CHAIN, self.buckets[b]);
        self.buckets[b] = n;
        self.link(n);
        true
    }

    /// Changes the score of a present member and returns its old score
    /// (None, changing nothing, when absent). O(log n).
    ///
    /// # Panics
    /// If `score` is NaN.
    pub fn update_score(&mut self, member: &[u8], score: f64) -> Option<f64> {
        assert!(!score.is_nan(), "NaN score");
        let n = self.find_raw(member);
        if n == 0 {
            return None;
        }
        let old = self.score_of(n);
        // A node that keeps its place only changes its score (no search).
        let (back, next) = (self.back(n), self.fwd(n, 0));
        let after_prev = back == HEADER || self.precedes(back, score, member);
        let before_next = next == 0 || {
            let s = self.score_of(next);
            score < s || (score == s && member < self.member_of(next))
        };
        if after_prev && before_next {
            self.arena.set_f64(n as usize + SCORE, score);
            return Some(old);
        }
        let update = self.predecessors(n);
        self.unlink(n, &update);
        self.arena.set_f64(n as usize + SCORE, score);
        self.link(n);
        Some(old)
    }

    /// Removes `member`, returning its score. O(log n).
    pub fn remove(&mut self, member: &[u8]) -> Option<f64> {
        let n = self.find_raw(member);
        if n == 0 {
            return None;
        }
        let score = self.score_of(n);
        let update = self.predecessors(n);
        self.unlink(n, &update);
        self.release(n);
        self.after_removal();
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
        self.after_removal();
        end - start
    }

    // ----- validation -----

    /// Checks the invariants in the module docs.
    ///
    /// # Errors
    /// [`Corrupt`] naming the first broken invariant.
    pub fn validate(&self) -> Result<(), Corrupt> {
        self.arena.validate()?;
        if self.arena.height(HEADER) != MAX_LEVEL {
            return Err(Corrupt("header record lost its levels"));
        }
        let ranks = self.validate_level0()?;
        self.validate_upper(&ranks)?;
        self.validate_back()?;
        self.validate_index()
    }

    /// Invariant 1; returns each live node's 1-based rank.
    fn validate_level0(&self) -> Result<RankMap, Corrupt> {
        let mut rank = hashbrown::HashMap::with_hasher(ahash::RandomState::new());
        let (mut x, mut prev, mut count) = (self.fwd(HEADER, 0), HEADER, 0);
        while x != 0 {
            count += 1;
            if count > self.len || self.arena.height(x) == 0 {
                return Err(Corrupt(
                    "level 0 walk longer than len or hits a free record",
                ));
            }
            rank.insert(x, count);
            let s = self.score_of(x);
            if s.is_nan() || (prev != HEADER && !self.precedes(prev, s, self.member_of(x))) {
                return Err(Corrupt("level 0 out of order"));
            }
            prev = x;
            x = self.fwd(x, 0);
        }
        let live = self
            .arena
            .records()
            .filter(|&r| r != HEADER && self.arena.height(r) != 0)
            .count();
        if count != self.len || live != self.len {
            return Err(Corrupt(
                "len disagrees with the level 0 walk or live records",
            ));
        }
        Ok(rank)
    }

    /// Invariant 2.
    fn validate_upper(&self, rank: &RankMap) -> Result<(), Corrupt> {
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
                let rf = rank.get(&f).copied().unwrap_or(0);
                if self.arena.height(f) <= i || rf <= r {
                    return Err(Corrupt("upper link to a short, dead or earlier node"));
                }
                if self.span(x, i) != rf - r {
                    return Err(Corrupt("span disagrees with ranks"));
                }
                r = rf;
                x = f;
            }
        }
        if self.level > 1 && self.fwd(HEADER, self.level - 1) == 0 {
            return Err(Corrupt("list level above the highest node"));
        }
        Ok(())
    }

    /// Invariant 5.
    fn validate_back(&self) -> Result<(), Corrupt> {
        if self.back(HEADER) != 0 || self.chain(HEADER) != 0 {
            return Err(Corrupt("header has a backward or chain link"));
        }
        let (mut x, mut prev) = (self.fwd(HEADER, 0), HEADER);
        while x != 0 {
            if self.back(x) != prev {
                return Err(Corrupt("backward link is not the level 0 predecessor"));
            }
            prev = x;
            x = self.fwd(x, 0);
        }
        if self.tail != prev {
            return Err(Corrupt("tail is not the last node"));
        }
        Ok(())
    }

    /// Invariant 3.
    fn validate_index(&self) -> Result<(), Corrupt> {
        if !self.buckets.is_empty() && !self.buckets.len().is_power_of_two() {
            return Err(Corrupt("bucket count not a power of two"));
        }
        let mut chained = 0;
        for (b, &head) in self.buckets.iter().enumerate() {
            let mut x = head;
            while x != 0 {
                chained += 1;
                if chained > self.len || self.arena.height(x) == 0 {
                    return Err(Corrupt(
                        "index chain longer than len or holds a free record",
                    ));
                }
                if self.bucket_of(self.member_of(x)) != b {
                    return Err(Corrupt("member chained in the wrong bucket"));
                }
                if self.find_raw(self.member_of(x)) != x {
                    return Err(Corrupt("member chained twice"));
                }
                x = self.chain(x);
            }
        }
        if chained != self.len {
            return Err(Corrupt("index does not hold every member"));
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

#[cfg(test)]
mod tests;
