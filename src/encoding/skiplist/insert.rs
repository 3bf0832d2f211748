//! Inserts into a [`SkipList`]: the member lookup that leaves a
//! [`Vacant`] behind, the descent to the member's block, the insert into
//! it, and the splits and new blocks that insert makes.

use super::block::{self, BLOCK_MAX, Block};
use super::index::Index;
use super::{
    ADDING_EARLY, ADDING_MAX, HEADER, LOW, Link, MAX_BLOCKS, Node, Path, SkipList, Vacant, grow,
};

impl SkipList {
    /// Adds `member` with `score`; returns false (changing nothing) when
    /// the member is already present. O(log n).
    ///
    /// # Panics
    /// If `score` is NaN, or the list outgrows the limits in the module docs.
    pub fn insert(&mut self, score: f64, member: &[u8]) -> bool {
        if self.locate(self.hash(member), member).is_some() {
            return false;
        }
        self.insert_new(score, member);
        true
    }

    /// Adds `member`, known to be absent (its lookup just failed), with
    /// `score`, skipping the presence check. O(log n).
    ///
    /// # Panics
    /// If `score` is NaN, or the list outgrows the limits in the module docs.
    pub fn insert_new(&mut self, score: f64, member: &[u8]) {
        let h = self.hash(member);
        self.insert_hashed(h, usize::MAX, score, member);
    }

    /// Looks `member` up: its score when present, else what
    /// [`SkipList::insert_vacant`] needs to add it without hashing or
    /// probing again. O(1).
    #[inline]
    pub fn lookup(&self, member: &[u8]) -> Result<f64, Vacant> {
        let h = self.hash(member);
        self.index
            .probe(h, |(b, c)| self.block(b).score_if(c, member))
            .map_err(|slot| Vacant { h, slot })
    }

    /// Adds the member whose [`SkipList::lookup`] returned `vacant` (with
    /// no change to the list since) with `score`. O(log n).
    ///
    /// # Panics
    /// If `score` is NaN, or the list outgrows the limits in the module docs.
    pub fn insert_vacant(&mut self, vacant: Vacant, score: f64, member: &[u8]) {
        self.insert_hashed(vacant.h, vacant.slot, score, member);
    }

    /// Adds absent `member` (hash `h`) with `score`; `slot` is the vacant
    /// index slot its probe ended at (`usize::MAX` when unknown).
    fn insert_hashed(&mut self, h: u64, mut slot: usize, score: f64, member: &[u8]) {
        assert!(!score.is_nan(), "NaN score");
        debug_assert!(self.locate(h, member).is_none(), "member present");
        if !self.index.has_room(self.len) {
            self.rebuild_index(Index::size_for(self.len + 1));
            slot = usize::MAX;
        }
        let path = self.path_to(score, member);
        self.insert_along(h, slot, path, score, member);
    }

    /// Adds `member` with `score` unless it is present, in which case it
    /// returns `Err` with its score and changes nothing. O(log n).
    ///
    /// The descent to the score's place needs nothing from the member
    /// index. So while the recent calls mostly added (see
    /// [`SkipList::adding`]), this one starts the member's index line
    /// loading, descends, and only then probes: the index miss overlaps
    /// the descent's own misses instead of coming before them. Otherwise it
    /// probes first, as a present member would waste the descent.
    ///
    /// # Panics
    /// If `score` is NaN, or the list outgrows the limits in the module docs.
    #[inline]
    pub fn insert_or_score(&mut self, score: f64, member: &[u8]) -> Result<(), f64> {
        assert!(!score.is_nan(), "NaN score");
        let h = self.hash(member);
        if self.adding >= ADDING_EARLY && self.index.has_room(self.len) {
            return self.insert_or_score_early(h, score, member);
        }
        let slot = match self.probe_counted(h, member) {
            Ok(cur) => return Err(cur),
            Err(slot) => slot,
        };
        self.insert_hashed(h, slot, score, member);
        Ok(())
    }

    /// [`SkipList::insert_or_score`] descending before it probes (the
    /// index has room).
    #[inline(never)]
    fn insert_or_score_early(&mut self, h: u64, score: f64, member: &[u8]) -> Result<(), f64> {
        self.index.prefetch_home(h);
        let path = self.path_to(score, member);
        let slot = match self.probe_counted(h, member) {
            Ok(cur) => return Err(cur),
            Err(slot) => slot,
        };
        self.insert_along(h, slot, path, score, member);
        Ok(())
    }

    /// Probes the index for `member` (hash `h`): its score, or the vacant
    /// slot; counts the outcome in [`SkipList::adding`].
    #[inline(always)]
    fn probe_counted(&mut self, h: u64, member: &[u8]) -> Result<f64, usize> {
        let found = self
            .index
            .probe(h, |(b, c)| self.block(b).score_if(c, member));
        self.adding = match found {
            Ok(_) => self.adding.saturating_sub(1),
            Err(_) => (self.adding + 1).min(ADDING_MAX),
        };
        found
    }

    /// Adds absent `member` (hash `h`, vacant slot `slot` or `usize::MAX`)
    /// with `score`, `path` being the way to its place.
    fn insert_along(&mut self, h: u64, slot: usize, mut path: Path, score: f64, member: &[u8]) {
        let (x, pos) = loop {
            if self.len == 0 {
                let y = self.new_block(Block::for_member(4, member));
                self.link_block(y, &mut path, 0);
            }
            let x = match path.pred[0] {
                HEADER => self.link(HEADER, 0).next,
                p => p,
            };
            let pos = self.block(x).search(score, member);
            let xb = self.block(x);
            if xb.len() > 0 && (block::is_long(member.len()) || xb.holds_long()) {
                self.insert_alone(x, pos, &mut path, score, h, member);
                return;
            }
            if xb.len() < BLOCK_MAX {
                break (x, pos);
            }
            // A full block splits first; the entry goes to the half that
            // holds its place, with that half's cover as its path. Only a
            // new first entry searches again, so that its path leads from
            // the header (whose links' keys it changes).
            let k = BLOCK_MAX / 2;
            let (y, ypath) = self.split(x, k, &mut path);
            if pos > k {
                path = ypath;
                break (y, pos - k);
            }
            if pos > 0 {
                break (x, pos);
            }
            path = self.path_to(score, member);
        };
        let c = self.edit(x, |b| b.insert(pos, score, member));
        self.index.fill(slot, h, (x, c));
        // The descent enters a block at its top level and stays on it
        // below, so a block on the path is its predecessor on exactly its
        // own levels: its height needs no node read (the first block,
        // reached through the header's link, is not on the path).
        let hx = if path.pred[0] == x {
            path.pred.iter().take_while(|&&p| p == x).count()
        } else {
            self.height(x)
        };
        debug_assert_eq!(hx, self.height(x));
        for i in 0..self.level {
            let c = if i < hx { x } else { path.pred[i] };
            self.link_mut(c, i).span += 1;
        }
        if pos == 0 {
            // Only the first block gains a new first entry this way.
            for i in 0..hx {
                self.link_mut(path.pred[i], i).key = score;
            }
        }
        self.len += 1;
        if self.block(x).over_bytes() {
            self.settle(x, &mut path);
        }
    }

    /// Inserts an entry that must have a block of its own (a long member,
    /// or any member beside one) at position `pos` of block `x` (`path`
    /// leads there): splits `x` when the entry falls inside it, then links
    /// a new one-entry block after the part before it, or after the header
    /// when the entry comes first.
    fn insert_alone(
        &mut self,
        x: u32,
        pos: usize,
        path: &mut Path,
        score: f64,
        h: u64,
        member: &[u8],
    ) {
        let rank_x = path.rank[0] as usize;
        let p = if pos == 0 {
            // Only the first block is entered at position 0.
            debug_assert_eq!(path.pred[0], HEADER);
            HEADER
        } else {
            for i in 0..self.height(x) {
                path.pred[i] = x;
                path.rank[i] = rank_x as u32;
            }
            if pos < self.block(x).len() {
                self.split(x, pos, path);
            }
            x
        };
        // The entry is first counted at the end of `p`, then linked.
        let hp = self.height(p);
        for i in 0..self.level {
            let c = if i < hp { p } else { path.pred[i] };
            self.link_mut(c, i).span += 1;
        }
        let z = self.new_block(Block::single(score, member));
        self.index.insert(h, (z, 0));
        self.len += 1;
        self.link_block(z, path, rank_x + pos);
    }

    /// Takes a free block id (or a new one) for `b`, with a fresh tower.
    fn new_block(&mut self, b: Block) -> u32 {
        let height = self.random_level();
        let tower = self.towers.len() as u32;
        let upper = height.saturating_sub(LOW);
        if upper > 0 {
            grow(&mut self.towers, upper);
            self.towers
                .extend(std::iter::repeat_n(Link::default(), upper));
        }
        let node = Node {
            tower,
            back: 0,
            height: height as u8,
        };
        self.block_heap += b.heap();
        if let Some(y) = self.free.pop() {
            self.blocks[y as usize] = b;
            self.nodes[y as usize] = node;
            for l in &mut self.low {
                l[y as usize] = Link::default();
            }
            y
        } else {
            let y = self.blocks.len();
            assert!(y < MAX_BLOCKS, "sorted set exceeds 2^22 blocks");
            grow(&mut self.blocks, 1);
            grow(&mut self.nodes, 1);
            for l in &mut self.low {
                grow(l, 1);
                l.push(Link::default());
            }
            self.blocks.push(b);
            self.nodes.push(node);
            y as u32
        }
    }

    /// Links block `y` (fresh, holding entries already counted in the spans
    /// that cover it) after `path.pred[i]` on each of its levels; its first
    /// entry has rank `rank_y`.
    fn link_block(&mut self, y: u32, path: &mut Path, rank_y: usize) {
        let hy = self.height(y);
        if hy > self.level {
            for i in self.level..hy {
                path.pred[i] = HEADER;
                path.rank[i] = 0;
                *self.link_mut(HEADER, i) = Link {
                    next: 0,
                    span: self.len as u32,
                    key: 0.0,
                };
            }
            self.level = hy;
        }
        let key = self.block(y).first_score().unwrap_or(0.0);
        for i in 0..hy {
            let (p, rp) = (path.pred[i], path.rank[i] as usize);
            let old = *self.link(p, i);
            *self.link_mut(y, i) = Link {
                next: old.next,
                span: (rp + old.span as usize - rank_y) as u32,
                key: old.key,
            };
            *self.link_mut(p, i) = Link {
                next: y,
                span: (rank_y - rp) as u32,
                key,
            };
        }
        let p0 = path.pred[0];
        self.nodes[y as usize].back = p0;
        match self.link(y, 0).next {
            0 => self.tail = y,
            f => self.nodes[f as usize].back = y,
        }
    }

    /// Splits block `x` while it is over its byte limit; `path` is the
    /// path to an entry of `x` (its `pred` on the levels `x` is on may be
    /// `x`).
    fn settle(&mut self, x: u32, path: &mut Path) {
        let Some(k) = self.block(x).split_point() else {
            return;
        };
        let (y, mut ypath) = self.split(x, k, path);
        // Blocks split off y land after it, so x's path stays right.
        self.settle(y, &mut ypath);
        self.settle(x, path);
    }

    /// Moves the entries of block `x` from position `k` (in `1..len`) into
    /// a new block linked after it; `path` is the path to an entry of `x`,
    /// and becomes x's cover (x itself on its levels). Returns the new
    /// block and its cover.
    fn split(&mut self, x: u32, k: usize, path: &mut Path) -> (u32, Path) {
        let rank_x = path.rank[0] as usize;
        for i in 0..self.height(x) {
            path.pred[i] = x;
            path.rank[i] = rank_x as u32;
        }
        // The tail's entries get cells 0.. in order; x's keep theirs.
        let n = self.block(x).len();
        let mut old = [0u8; BLOCK_MAX];
        old[..n - k].copy_from_slice(&self.block(x).order()[k..]);
        let tail = self.edit(x, |b| b.split_off(k));
        let y = self.new_block(tail);
        self.follow_tail(x, y, &old[..n - k]);
        self.link_block(y, path, rank_x + k);
        let mut ypath = Path {
            pred: path.pred,
            rank: path.rank,
        };
        for i in 0..self.height(y) {
            ypath.pred[i] = y;
            ypath.rank[i] = (rank_x + k) as u32;
        }
        (y, ypath)
    }

    /// Points the index slots of the entries that a split moved from cells
    /// `old` of block `x` to cells 0.. of block `y` at their new places.
    fn follow_tail(&mut self, x: u32, y: u32, old: &[u8]) {
        let b = &self.blocks[y as usize];
        let (index, hasher) = (&mut self.index, &self.hasher);
        for (new, &c) in old.iter().enumerate() {
            let h = hasher.hash_one(b.member_of(new as u8));
            index.relocate(h, (x, c), (y, new as u8));
        }
    }
}
