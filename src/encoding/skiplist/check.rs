//! [`SkipList::validate`]: the invariants of the module docs, checked
//! without trusting any of them (no step indexes past what an earlier step
//! verified, so a broken list yields an error, never a panic).

use hashbrown::HashMap;

use super::block::{
    BLOCK_BYTES, BLOCK_MAX, Block, CELLS, IN_SLAB, INLINE_MAX, NO_KEY, ordered, quantize, read_len,
    stored_size,
};
use super::index::{EMPTY, TOMB, decode, slot_of, tag_in, tag_of};
use super::{HEADER, LOW, Link, MAX_LEVEL, SkipList};
use crate::encoding::Corrupt;

type Counts = HashMap<u32, isize, ahash::RandomState>;

impl SkipList {
    /// Checks the invariants in the module docs.
    ///
    /// # Errors
    /// [`Corrupt`] naming the first broken invariant.
    pub fn validate(&self) -> Result<(), Corrupt> {
        self.validate_storage()?;
        let (order, starts) = self.validate_level0()?;
        self.validate_upper(&order, &starts)?;
        self.validate_index()
    }

    /// Invariant 6 and the bounds every later check relies on.
    fn validate_storage(&self) -> Result<(), Corrupt> {
        let n = self.blocks.len();
        if self.nodes.len() != n
            || self.low.iter().any(|l| l.len() != n)
            || n == 0
            || usize::from(self.nodes[0].height) != MAX_LEVEL
        {
            return Err(Corrupt("node table disagrees with the blocks or header"));
        }
        if !(1..=MAX_LEVEL).contains(&self.level) {
            return Err(Corrupt("list level out of range"));
        }
        let (mut spans, mut live): (Vec<(usize, usize)>, usize) = (Vec::with_capacity(n), 0);
        for (x, node) in self.nodes.iter().enumerate() {
            let (t, h) = (node.tower as usize, usize::from(node.height));
            let up = h.saturating_sub(LOW);
            if h > MAX_LEVEL || t + up > self.towers.len() {
                return Err(Corrupt("tower out of bounds"));
            }
            if self.low[h.min(LOW)..]
                .iter()
                .any(|l| l[x] != Link::default())
            {
                return Err(Corrupt("low link above a tower's height"));
            }
            if up > 0 {
                spans.push((t, up));
            }
            live += usize::from(h > 0);
        }
        spans.sort_unstable();
        if spans.windows(2).any(|w| w[0].0 + w[0].1 > w[1].0) {
            return Err(Corrupt("towers overlap"));
        }
        let used: usize = spans.iter().map(|s| s.1).sum();
        if used + self.tower_garbage != self.towers.len() {
            return Err(Corrupt("tower garbage miscounted"));
        }
        let mut is_free = vec![false; n];
        for &y in &self.free {
            let y = y as usize;
            if y == 0 || y >= n || is_free[y] || self.nodes[y].height != 0 {
                return Err(Corrupt("free list holds a live or repeated block"));
            }
            if self.blocks[y].heap() != 0 {
                return Err(Corrupt("free list holds a live or repeated block"));
            }
            is_free[y] = true;
        }
        if n - self.free.len() != live {
            return Err(Corrupt("a block is neither live nor free"));
        }
        let heap: usize = self.blocks.iter().map(|b| b.heap()).sum();
        if heap != self.block_heap {
            return Err(Corrupt("block heap total disagrees with the blocks"));
        }
        Ok(())
    }

    /// Invariants 1, 2 and 4; returns the live blocks in order and their
    /// first entries' ranks.
    fn validate_level0(&self) -> Result<(Vec<u32>, Vec<usize>), Corrupt> {
        let live = self.blocks.len() - self.free.len();
        let (mut order, mut starts) = (vec![HEADER], vec![0]);
        let (mut prev, mut rank) = (HEADER, 0usize);
        let mut last: Option<(f64, Vec<u8>)> = None;
        let mut x = self.link(HEADER, 0).next;
        if self.link(HEADER, 0).span != 0 || self.blocks[0].heap() != 0 {
            return Err(Corrupt("header holds entries"));
        }
        while x != 0 {
            let xi = x as usize;
            if xi >= self.blocks.len() || self.nodes[xi].height == 0 || order.len() >= live {
                return Err(Corrupt("level 0 reaches a free or unknown block, or loops"));
            }
            if self.nodes[xi].back != prev {
                return Err(Corrupt("back link is not the level 0 predecessor"));
            }
            let b = &self.blocks[xi];
            let k = b.len();
            check_cells(b)?;
            check_keys(b)?;
            if self.link(x, 0).span as usize != k {
                return Err(Corrupt("level 0 span is not the block's count"));
            }
            let members = check_slab(b)?;
            if k >= 2 && b.live_bytes() > BLOCK_BYTES {
                return Err(Corrupt("block of two or more entries over its bytes"));
            }
            for (j, m) in members.into_iter().enumerate() {
                let s = b.score(j);
                let in_order = match &last {
                    None => !s.is_nan(),
                    Some((ls, lm)) => *ls < s || (*ls == s && lm.as_slice() < m),
                };
                if !in_order {
                    return Err(Corrupt("entries out of order or NaN"));
                }
                last = Some((s, m.to_vec()));
            }
            order.push(x);
            starts.push(rank);
            rank += k;
            prev = x;
            x = self.link(x, 0).next;
        }
        if order.len() != live || rank != self.len || self.tail != prev {
            return Err(Corrupt("len, tail or live blocks disagree with level 0"));
        }
        Ok((order, starts))
    }

    /// Invariant 3.
    fn validate_upper(&self, order: &[u32], starts: &[usize]) -> Result<(), Corrupt> {
        let mut pos = vec![usize::MAX; self.blocks.len()];
        for (p, &x) in order.iter().enumerate() {
            pos[x as usize] = p;
        }
        for i in 0..MAX_LEVEL {
            let on_level = order[1..].iter().filter(|&&x| self.height(x) > i).count();
            if i >= self.level {
                if *self.link(HEADER, i) != Link::default() {
                    return Err(Corrupt("header link above the list level"));
                }
                continue;
            }
            let (mut x, mut seen) = (HEADER, 0);
            loop {
                let l = *self.link(x, i);
                let px = pos[x as usize];
                let (end, key) = match l.next {
                    0 => (self.len, None),
                    f => {
                        let pf = pos.get(f as usize).copied().unwrap_or(usize::MAX);
                        if pf == usize::MAX || pf <= px || self.height(f) <= i {
                            return Err(Corrupt("link to a short, dead or earlier block"));
                        }
                        (starts[pf], self.blocks[f as usize].first_score())
                    }
                };
                if l.span as usize != end - starts[px] {
                    return Err(Corrupt("span disagrees with ranks"));
                }
                if key.is_some_and(|k| k.to_bits() != l.key.to_bits()) {
                    return Err(Corrupt("link key is not the next block's first score"));
                }
                if l.next == 0 {
                    break;
                }
                seen += 1;
                x = l.next;
            }
            if seen != on_level {
                return Err(Corrupt("a tall block is missing from a level"));
            }
        }
        if self.level > 1 && self.link(HEADER, self.level - 1).next == 0 {
            return Err(Corrupt("list level above the tallest block"));
        }
        Ok(())
    }

    /// Invariant 5.
    fn validate_index(&self) -> Result<(), Corrupt> {
        let slots = &self.index.slots;
        if !slots.is_empty() && !slots.len().is_power_of_two() {
            return Err(Corrupt("index size not a power of two"));
        }
        let mut counts = Counts::with_hasher(ahash::RandomState::new());
        let (mut live, mut tombs) = (0, 0);
        for &v in slots {
            match v {
                EMPTY => {}
                TOMB => tombs += 1,
                v => {
                    let (b, c) = decode(v);
                    let b = b as usize;
                    if b == 0 || b >= self.blocks.len() || self.nodes[b].height == 0 {
                        return Err(Corrupt("index slot names a free or unknown block"));
                    }
                    if self.blocks[b].used() & (1 << c) == 0 {
                        return Err(Corrupt("index slot names a free cell"));
                    }
                    let m = self.blocks[b].member_of(c);
                    if tag_of(self.hasher.hash_one(m)) != tag_in(v) {
                        return Err(Corrupt("index slot tag disagrees with its member"));
                    }
                    live += 1;
                    *counts.entry(v).or_default() += 1;
                }
            }
        }
        if live != self.len || tombs != self.index.tombs || (live + tombs) * 5 > slots.len() * 4 {
            return Err(Corrupt("index holds the wrong number of slots"));
        }
        if live > 0 && !slots.contains(&EMPTY) {
            return Err(Corrupt("index has no empty slot"));
        }
        for (x, b) in self.blocks.iter().enumerate().skip(1) {
            for (_, m, c) in b.entries() {
                let h = self.hasher.hash_one(m);
                *counts.entry(slot_of((x as u32, c), tag_of(h))).or_default() -= 1;
                if self.locate(h, m) != Some((x as u32, c)) {
                    return Err(Corrupt("member not found through the index"));
                }
            }
        }
        if counts.values().any(|&c| c != 0) {
            return Err(Corrupt("index slots disagree with the members"));
        }
        Ok(())
    }
}

/// Checks a live block's layout: 1..=[`BLOCK_MAX`] entries in at most
/// `cap` cells, the sorted order a permutation of the cells in use (and
/// those exactly the used bitmap), all inside the vector.
fn check_cells(b: &Block) -> Result<(), Corrupt> {
    let raw = b.raw();
    let (k, cap) = (b.len(), b.cap());
    if raw.len() < CELLS || k == 0 || k > cap || cap > BLOCK_MAX || b.slab_start() > raw.len() {
        return Err(Corrupt("block empty, over-full or cells miscounted"));
    }
    let mut seen = 0u64;
    for &c in b.order() {
        if usize::from(c) >= cap || seen & (1 << c) != 0 {
            return Err(Corrupt("block order repeats a cell or names one past cap"));
        }
        seen |= 1 << c;
    }
    if seen != b.used() {
        return Err(Corrupt("block order disagrees with its used cells"));
    }
    Ok(())
}

/// Checks a block's key array (after [`check_cells`]): a shift of at most
/// 63, each entry's key that of its score, [`NO_KEY`] past the entries.
fn check_keys(b: &Block) -> Result<(), Corrupt> {
    let (base, shift) = b.quantizer();
    if shift > 63 {
        return Err(Corrupt("block quantizer shift out of range"));
    }
    let keys = b.keys();
    for (j, &k) in keys.iter().enumerate() {
        let want = if j < b.len() {
            quantize(ordered(b.score(j)), base, shift)
        } else {
            NO_KEY
        };
        if k != want {
            return Err(Corrupt("block key disagrees with its entry's score"));
        }
    }
    Ok(())
}

/// Checks that each member of `b` sits in its cell exactly when it is at
/// most the block's in-line length (a valid one) long, that the others lie
/// inside its slab without overlapping, marked so in their cells, and that
/// the slab's other bytes add up to its holes; returns the members in
/// entry order.
fn check_slab(b: &Block) -> Result<Vec<&[u8]>, Corrupt> {
    let raw = b.raw();
    let start = b.slab_start();
    let k = b.inline_max();
    if k == 1 || k > INLINE_MAX {
        return Err(Corrupt("block's in-line length out of range"));
    }
    let mut regions = Vec::with_capacity(b.len());
    let mut members = Vec::with_capacity(b.len());
    for &c in b.order() {
        let Some(o) = b.slab_off(c) else {
            // In line: the cell's length byte is at most k.
            members.push(b.member_of(c));
            continue;
        };
        if b.len_byte(c).is_some_and(|l| l != IN_SLAB) {
            return Err(Corrupt(
                "cell length byte neither a length nor the slab mark",
            ));
        }
        let (len, p) = read_len(raw, o);
        let end = p.saturating_add(len);
        if o < start || end > raw.len() || stored_size(len) != end - o {
            return Err(Corrupt("member runs past its slab"));
        }
        if k != 0 && len <= k {
            return Err(Corrupt("member short enough for its cell sits in the slab"));
        }
        regions.push((o, end));
        members.push(&raw[p..end]);
    }
    regions.sort_unstable();
    if regions.windows(2).any(|w| w[0].1 > w[1].0) {
        return Err(Corrupt("members overlap in the slab"));
    }
    let live: usize = regions.iter().map(|r| r.1 - r.0).sum();
    if live + b.holes() != raw.len() - start {
        return Err(Corrupt("slab holes miscounted"));
    }
    Ok(members)
}
