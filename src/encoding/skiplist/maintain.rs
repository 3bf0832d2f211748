//! Upkeep of a [`SkipList`]'s storage: resizing the member index,
//! renumbering the blocks, and ZSCAN's walk over the index.

use super::index::{EMPTY, Index, TOMB, decode, slot_of, tag_in};
use super::{HEADER, LOW, Link, Node, SkipList};

impl SkipList {
    /// Rebuilds the member index with `n` slots (a power of two), hashing
    /// every member again; tombstones go. When no block id or tower link
    /// is free, the blocks are first renumbered in list order (the new
    /// slots name the new ids) in vectors of the same capacities: a
    /// search's steps on the low levels then go to nearby ids, whose links
    /// share cache lines, until later splits add ids at the end again. (A
    /// rebuild's timing depends on tombstones, so on the hash; keeping the
    /// capacities keeps the heap size independent of it.)
    pub(super) fn rebuild_index(&mut self, n: usize) {
        debug_assert!(n.is_power_of_two() && n > self.len);
        if self.free.is_empty() && self.tower_garbage == 0 {
            self.renumber_blocks(false);
        }
        let mut fresh = Index {
            slots: vec![EMPTY; n],
            tombs: 0,
        };
        for x in self.blocks_in_memory_order() {
            let b = &self.blocks[x as usize];
            for &c in b.order() {
                fresh.insert(self.hasher.hash_one(b.member_of(c)), (x, c));
            }
        }
        self.index = fresh;
    }

    /// The ids of the blocks holding entries, in the order their vectors
    /// lie in memory once there are more than a few hundred of them (in
    /// id order before that, when they fit the cache anyway). A pass over
    /// every member then reads the heap front to back, which the hardware
    /// prefetches, where id or list order jumps to a random block each
    /// time: an index rebuild of 1M members takes about a fifth less time.
    fn blocks_in_memory_order(&self) -> Vec<u32> {
        let live = self
            .blocks
            .iter()
            .enumerate()
            .skip(1)
            .filter(|(_, b)| b.len() > 0);
        if self.blocks.len() <= 256 {
            return live.map(|(x, _)| x as u32).collect();
        }
        let mut at: Vec<(usize, u32)> = live
            .map(|(x, b)| (b.raw().as_ptr() as usize, x as u32))
            .collect();
        at.sort_unstable();
        at.into_iter().map(|(_, x)| x).collect()
    }

    /// After removals: shrinks a mostly empty index, and renumbers the
    /// blocks when free ids or tower links make up more than half of
    /// their vectors.
    pub(super) fn after_removal(&mut self) {
        let slots = self.index.slots.len();
        if slots > 8 && self.len * 8 < slots {
            self.rebuild_index(Index::size_for(self.len));
        }
        let free = self.free.len();
        if (free >= 16 && free * 2 > self.blocks.len())
            || (self.tower_garbage >= 64 && self.tower_garbage * 2 > self.towers.len())
        {
            self.renumber();
        }
    }

    /// Rewrites the blocks, towers and nodes in list order into vectors of
    /// exactly their size, with no free blocks, and points every link,
    /// back link and index slot at the new ids. O(blocks + index slots).
    pub(super) fn renumber(&mut self) {
        let remap = self.renumber_blocks(true);
        for s in &mut self.index.slots {
            if *s != EMPTY && *s != TOMB {
                let (b, c) = decode(*s);
                *s = slot_of((remap[b as usize], c), tag_in(*s));
            }
        }
    }

    /// [`SkipList::renumber`] but for the index slots (left naming the old
    /// ids), into vectors of exactly their size when `exact`, else of the
    /// old ones' capacities; returns the new id of each old one. O(blocks).
    fn renumber_blocks(&mut self, exact: bool) -> Vec<u32> {
        let mut order = Vec::with_capacity(self.blocks.len() - self.free.len());
        let mut x = HEADER;
        loop {
            order.push(x);
            x = self.link(x, 0).next;
            if x == 0 {
                break;
            }
        }
        let mut remap = vec![0u32; self.blocks.len()];
        for (new, &old) in order.iter().enumerate() {
            remap[old as usize] = new as u32;
        }
        let upper = |h: u8| usize::from(h).saturating_sub(LOW);
        let tower_len: usize = order
            .iter()
            .map(|&x| upper(self.nodes[x as usize].height))
            .sum();
        let room = |len: usize, cap: usize| if exact { len } else { cap.max(len) };
        let mut towers = Vec::with_capacity(room(tower_len, self.towers.capacity()));
        let mut nodes = Vec::with_capacity(room(order.len(), self.nodes.capacity()));
        let mut low: [Vec<Link>; LOW] =
            std::array::from_fn(|i| Vec::with_capacity(room(order.len(), self.low[i].capacity())));
        let mut blocks = Vec::with_capacity(room(order.len(), self.blocks.capacity()));
        let moved = |l: &Link| Link {
            next: remap[l.next as usize],
            ..*l
        };
        for &old in &order {
            let node = self.nodes[old as usize];
            let t = node.tower as usize;
            let up = upper(node.height);
            nodes.push(Node {
                tower: if up > 0 { towers.len() as u32 } else { 0 },
                back: remap[node.back as usize],
                height: node.height,
            });
            for (to, from) in low.iter_mut().zip(&self.low) {
                to.push(moved(&from[old as usize]));
            }
            towers.extend(self.towers[t..t + up].iter().map(moved));
            blocks.push(std::mem::take(&mut self.blocks[old as usize]));
        }
        self.blocks = blocks;
        self.nodes = nodes;
        self.low = low;
        self.towers = towers;
        self.tower_garbage = 0;
        if exact {
            self.free = Vec::new();
        }
        self.tail = remap[self.tail as usize];
        remap
    }

    /// One ZSCAN step from `cursor`: calls `f` with every member whose
    /// home slot in the index is visited, slot by slot in Redis's
    /// reverse-binary cursor order, until at least `count` members were
    /// seen (or `10 * count` slots visited), and returns the next cursor
    /// (0 when done). As with Redis's dictionaries, a member present for
    /// the whole scan is reported at least once even if the index is
    /// resized in between: a member's home slot is its hash masked, so the
    /// cursor arithmetic is the same as over chained buckets.
    pub fn scan(&self, cursor: u64, count: usize, mut f: impl FnMut(f64, &[u8])) -> u64 {
        if self.index.slots.is_empty() {
            return 0;
        }
        let mask = self.index.mask() as u64;
        let (mut v, mut seen) = (cursor, 0);
        let mut visits = count.saturating_mul(10).max(1);
        loop {
            seen += self.scan_home((v & mask) as usize, &mut f);
            // Increment the bits above the mask, most significant first.
            v |= !mask;
            v = v.reverse_bits().wrapping_add(1).reverse_bits();
            visits -= 1;
            if v == 0 || seen >= count || visits == 0 {
                return v;
            }
        }
    }

    /// Reports every member whose home slot is `home`: they sit in the run
    /// of occupied slots starting there. Returns how many.
    fn scan_home(&self, home: usize, f: &mut impl FnMut(f64, &[u8])) -> usize {
        let slots = &self.index.slots;
        let mask = slots.len() - 1;
        let mut n = 0;
        let mut s = home;
        for _ in 0..slots.len() {
            match slots[s] {
                EMPTY => break,
                TOMB => {}
                v => {
                    let (b, c) = decode(v);
                    let m = self.block(b).member_of(c);
                    if self.index.home(self.hasher.hash_one(m)) == home {
                        f(self.block(b).score_of(c), m);
                        n += 1;
                    }
                }
            }
            s = (s + 1) & mask;
        }
        n
    }
}
