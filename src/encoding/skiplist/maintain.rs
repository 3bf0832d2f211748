//! Upkeep of a [`SkipList`]'s storage: resizing the member index, compacting
//! the record arena, and ZSCAN's walk over the index.

use super::arena::{BACK, CHAIN, LEVELS, NEXT};
use super::{HEADER, SkipList};

impl SkipList {
    /// Rebuilds the member index with `n` buckets (a power of two), walking
    /// the arena in order.
    pub(super) fn rehash(&mut self, n: usize) {
        debug_assert!(n.is_power_of_two());
        let mut buckets = vec![0u32; n];
        let records: Vec<u32> = self
            .arena
            .records()
            .filter(|&x| x != HEADER && self.arena.height(x) != 0)
            .collect();
        for x in records {
            let b = self.hasher.hash_one(self.member_of(x)) as usize & (n - 1);
            let head = buckets[b];
            self.arena.set_u32(x as usize + CHAIN, head);
            buckets[b] = x;
        }
        self.buckets = buckets;
    }

    /// After removals: compacts the arena when free records hold too much
    /// of it, and shrinks a mostly empty index.
    pub(super) fn after_removal(&mut self) {
        let mut buckets = self.buckets.len();
        if buckets > 4 && self.len * 8 < buckets {
            buckets = self.len.next_power_of_two().max(4);
        }
        if self.arena.wants_compaction() {
            self.compact(buckets);
        } else if buckets != self.buckets.len() {
            self.rehash(buckets);
        }
    }

    /// Rewrites the arena as the live records in list order (the header,
    /// then level 0 from first to last) in a new vector of exactly their
    /// size, so neighbours in the order are neighbours in memory, and
    /// rewrites every link to the new offsets; the index is rebuilt with
    /// `buckets` buckets. O(n).
    pub(super) fn compact(&mut self, buckets: usize) {
        // Pass 1: each live record's new offset, parked in its chain field
        // (the chains are rebuilt afterwards).
        let mut order = Vec::with_capacity(self.len + 1);
        let (mut x, mut total) = (HEADER, 0usize);
        loop {
            order.push(x);
            let next = self.fwd(x, 0);
            self.arena.set_u32(x as usize + CHAIN, total as u32);
            total += self.arena.size_at(x);
            if next == 0 {
                break;
            }
            x = next;
        }
        let remap = |x: u32| match x {
            0 => 0,
            x => self.arena.u32_at(x as usize + CHAIN),
        };
        // Pass 2: copy in order, translating the links.
        let mut bytes = Vec::with_capacity(total);
        for &x in &order {
            let (o, height) = (bytes.len(), self.arena.height(x));
            let size = self.arena.size_at(x);
            bytes.extend_from_slice(&self.arena.bytes[x as usize..x as usize + size]);
            let links = [NEXT, BACK]
                .into_iter()
                .chain((1..height).map(|i| LEVELS + 8 * (i - 1)));
            for at in links {
                let field = &mut bytes[o + at..o + at + 4];
                let old = u32::from_le_bytes(field.try_into().expect("4 bytes"));
                field.copy_from_slice(&remap(old).to_le_bytes());
            }
            bytes[o + CHAIN..o + CHAIN + 4].fill(0);
        }
        self.tail = remap(self.tail);
        self.arena.replace(bytes);
        self.rehash(buckets);
    }

    /// One ZSCAN step from `cursor`: calls `f` with every member of the
    /// index buckets visited, bucket by bucket in Redis's reverse-binary
    /// cursor order, until at least `count` members were seen (or `10 *
    /// count` buckets visited), and returns the next cursor (0 when done).
    /// As with Redis's dictionaries, a member present for the whole scan is
    /// reported at least once even if the index is resized in between.
    pub fn scan(&self, cursor: u64, count: usize, mut f: impl FnMut(f64, &[u8])) -> u64 {
        if self.buckets.is_empty() {
            return 0;
        }
        let mask = (self.buckets.len() - 1) as u64;
        let (mut v, mut seen) = (cursor, 0);
        let mut visits = count.saturating_mul(10).max(1);
        loop {
            let mut x = self.buckets[(v & mask) as usize];
            while x != 0 {
                f(self.score_of(x), self.member_of(x));
                seen += 1;
                x = self.chain(x);
            }
            // Increment the bits above the mask, most significant first.
            v |= !mask;
            v = v.reverse_bits().wrapping_add(1).reverse_bits();
            visits -= 1;
            if v == 0 || seen >= count || visits == 0 {
                return v;
            }
        }
    }
}
