//! The field index of a [`FieldTable`](super::FieldTable): open addressing
//! with linear probing over `2^k` `u32` entries, at most half of them used.
//!
//! # Entries
//!
//! An entry is 0 when empty; else, from the low bits up:
//!
//! * `k` bits: one more than the pair's position in the table (positions
//!   stay below `2^(k-1)`, as at most half the entries are used);
//! * [`DISP_BITS`] bits: how far the entry sits past its home entry (the
//!   top `k` bits of the field's 32-bit hash), saturated at the largest
//!   value those bits hold, which means "at least that far";
//! * the rest: the field's hash bits just below the home bits, as a tag.
//!
//! A lookup walks from the home entry to the first empty one; only an
//! entry whose tag and distance both match has its field read, so a miss
//! reads one line of entries (16 per 64 bytes; at half load a walk is
//! 1.5 entries long on average for a present field, 2.5 for an absent one)
//! and nothing else, and a hit reads its pair once.
//!
//! Doubling needs each entry's new home: twice the old home (its position
//! less its distance) plus the highest tag bit. The old entries are read
//! in order and no field is read or hashed, except for an entry whose
//! distance saturated, or once `k` leaves no tag bits (tables of over
//! 2^27 fields), where the field is hashed again.
//!
//! Removing shifts the entries after the freed one back (no tombstones),
//! so walks stay as short as if the removed pairs had never been added.

/// Bits of an entry holding its distance from its home entry.
const DISP_BITS: u32 = 4;

/// The fewest entries of an index that has any, as a power of two.
pub(super) const MIN_BITS: u32 = 2;

/// The most entries, as a power of two (so positions stay below 2^30).
const MAX_BITS: u32 = 31;

/// The result of a lookup.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Probe {
    /// The field is at table position `pos`, held by entry `slot`.
    Found { slot: usize, pos: usize },
    /// The field is absent; entry `slot`, `dist` past the home entry, is
    /// where it would go (meaningless while the index has no entries).
    Vacant { slot: usize, dist: u32 },
}

/// The index (see the module docs).
#[derive(Clone, Default, Debug)]
pub(super) struct Index {
    entries: Vec<u32>,
    /// `k`: there are `2^k` entries (0 while there are none).
    bits: u32,
    /// `tag_mask(bits)` and `disp_max(bits)`, kept for the lookups.
    tags: u32,
    dmax: u32,
}

/// The entry bits of a position, for `k` bits.
#[inline]
fn pos_mask(k: u32) -> u32 {
    (1 << k) - 1
}

/// Bits of an entry holding the distance for `k` bits: [`DISP_BITS`],
/// fewer where the positions leave less room (from `k = 29` on).
#[inline]
fn disp_bits(k: u32) -> u32 {
    DISP_BITS.min(32 - k)
}

/// The largest stored distance for `k` bits (it means "at least this").
#[inline]
fn disp_max(k: u32) -> u32 {
    (1 << disp_bits(k)) - 1
}

/// The entry bits of a tag, for `k` bits (none from `k = 28` on).
#[inline]
fn tag_mask(k: u32) -> u32 {
    let low = k + disp_bits(k);
    (u64::from(u32::MAX) >> low << low) as u32
}

/// The tag bits of hash `h` for `k` bits.
#[inline]
fn tag(h: u32, k: u32) -> u32 {
    (h << k) & tag_mask(k)
}

/// The home entry of hash `h` for `k` bits.
#[inline]
fn home(h: u32, k: u32) -> usize {
    (h >> (32 - k)) as usize
}

impl Index {
    /// An index with room for `n` positions.
    pub(super) fn for_len(n: usize) -> Self {
        let len = (2 * n).next_power_of_two().max(1 << MIN_BITS);
        let bits = len.trailing_zeros();
        assert!(
            bits <= MAX_BITS,
            "a hash table holds fewer than 2^30 fields"
        );
        Index {
            entries: vec![0; len],
            bits,
            tags: tag_mask(bits),
            dmax: disp_max(bits),
        }
    }

    /// Whether `n` positions fit without doubling.
    #[inline]
    pub(super) fn fits(&self, n: usize) -> bool {
        2 * n <= self.entries.len()
    }

    /// Heap bytes held.
    pub(super) fn heap_bytes(&self) -> usize {
        self.entries.capacity() * std::mem::size_of::<u32>()
    }

    /// Number of entries.
    #[cfg(test)]
    pub(super) fn len(&self) -> usize {
        self.entries.len()
    }

    /// Looks up hash `h`; `is_field(pos)` tells whether the pair at `pos`
    /// holds the field looked for (asked only when tag and distance match).
    #[inline]
    pub(super) fn find(&self, h: u32, mut is_field: impl FnMut(usize) -> bool) -> Probe {
        let k = self.bits;
        if k == 0 {
            return Probe::Vacant { slot: 0, dist: 0 };
        }
        let (wrap, tags, dmax) = (self.entries.len() - 1, self.tags, self.dmax);
        let want = (h << k) & tags;
        let mut slot = home(h, k);
        let mut dist = 0u32;
        loop {
            let e = self.entries[slot];
            if e == 0 {
                return Probe::Vacant { slot, dist };
            }
            if e & tags == want && (e >> k) & dmax == dist.min(dmax) {
                let pos = (e & pos_mask(k)) as usize - 1;
                if is_field(pos) {
                    return Probe::Found { slot, pos };
                }
            }
            slot = (slot + 1) & wrap;
            dist += 1;
        }
    }

    /// The empty entry an absent hash `h` would take, and its distance.
    fn vacancy(&self, h: u32) -> (usize, u32) {
        let wrap = self.entries.len() - 1;
        let mut slot = home(h, self.bits);
        let mut dist = 0;
        while self.entries[slot] != 0 {
            slot = (slot + 1) & wrap;
            dist += 1;
        }
        (slot, dist)
    }

    /// Records position `pos` (hash `h`) in the vacant entry `slot`,
    /// `dist` past its home, as [`Index::find`] returned it (with no
    /// doubling since).
    #[inline]
    pub(super) fn place(&mut self, slot: usize, dist: u32, h: u32, pos: usize) {
        debug_assert_eq!(self.entries[slot], 0, "a vacant entry");
        let k = self.bits;
        let pos = u32::try_from(pos + 1).expect("positions below 2^30");
        self.entries[slot] = (h << k) & self.tags | dist.min(self.dmax) << k | pos;
    }

    /// Records position `pos` of an absent hash `h` (the index has room).
    pub(super) fn insert_new(&mut self, h: u32, pos: usize) {
        let (slot, dist) = self.vacancy(h);
        self.place(slot, dist, h, pos);
    }

    /// How far the entry `e` at `slot` sits past its home; `rehash(pos)`
    /// gives a position's hash when the entry cannot tell.
    #[inline]
    fn dist_at(&self, slot: usize, e: u32, rehash: &impl Fn(usize) -> u32) -> usize {
        let k = self.bits;
        let d = (e >> k) & disp_max(k);
        if d < disp_max(k) {
            return d as usize;
        }
        let h = rehash((e & pos_mask(k)) as usize - 1);
        slot.wrapping_sub(home(h, k)) & (self.entries.len() - 1)
    }

    /// Doubles the entries (from none to the fewest), placing each old
    /// entry at its new home's first vacancy, read in order.
    #[cold]
    #[inline(never)]
    pub(super) fn grow(&mut self, rehash: impl Fn(usize) -> u32) {
        let k = self.bits;
        if k == 0 {
            *self = Index::for_len(0);
            return;
        }
        assert!(k < MAX_BITS, "a hash table holds fewer than 2^30 fields");
        let old = std::mem::replace(&mut self.entries, vec![0; 2 << k]);
        self.bits = k + 1;
        (self.tags, self.dmax) = (tag_mask(k + 1), disp_max(k + 1));
        let (wrap, dmax, tags) = ((1 << k) - 1, disp_max(k), tag_mask(k));
        let (next_dmax, next_tags) = (disp_max(k + 1), tag_mask(k + 1));
        // Without tag bits every entry is placed from its hash.
        let by_tag = if next_tags != 0 { dmax } else { 0 };
        let new = &mut self.entries[..];
        let new_wrap = new.len() - 1;
        for (slot, &e) in old.iter().enumerate() {
            if e == 0 {
                continue;
            }
            let d = (e >> k) & dmax;
            let (to, tagged) = if d < by_tag {
                let old_home = slot.wrapping_sub(d as usize) & wrap;
                (
                    2 * old_home + (e >> 31) as usize,
                    (e & tags) << 1 & next_tags,
                )
            } else {
                let h = rehash((e & pos_mask(k)) as usize - 1);
                (home(h, k + 1), tag(h, k + 1))
            };
            let (mut at, mut dist) = (to, 0);
            while new[at & new_wrap] != 0 {
                at += 1;
                dist += 1;
            }
            new[at & new_wrap] = tagged | dist.min(next_dmax) << (k + 1) | (e & pos_mask(k));
        }
    }

    /// Empties entry `slot`, shifting back the entries after it that may
    /// move closer to their homes.
    pub(super) fn remove_at(&mut self, slot: usize, rehash: impl Fn(usize) -> u32) {
        let (k, wrap) = (self.bits, self.entries.len() - 1);
        let mut hole = slot;
        let mut at = slot;
        loop {
            at = (at + 1) & wrap;
            let e = self.entries[at];
            if e == 0 {
                break;
            }
            let d = self.dist_at(at, e, &rehash);
            let gap = at.wrapping_sub(hole) & wrap;
            if d >= gap {
                let keep = !(disp_max(k) << k);
                let nd = u32::try_from(d - gap).unwrap_or(u32::MAX).min(disp_max(k));
                self.entries[hole] = e & keep | nd << k;
                hole = at;
            }
        }
        self.entries[hole] = 0;
    }

    /// Points the entry of position `from` (hash `h`) to position `to`.
    pub(super) fn repoint(&mut self, h: u32, from: usize, to: usize) {
        let (k, wrap) = (self.bits, self.entries.len() - 1);
        let (from, to) = (from as u32 + 1, to as u32 + 1);
        let mut slot = home(h, k);
        loop {
            let e = self.entries[slot];
            assert!(e != 0, "every position has its entry");
            if e & pos_mask(k) == from {
                self.entries[slot] = e & !pos_mask(k) | to;
                return;
            }
            slot = (slot + 1) & wrap;
        }
    }

    /// An index for `room` positions (at least `hashes.len()`), holding
    /// position `i` with hash `hashes[i]`.
    pub(super) fn rebuild(room: usize, hashes: impl ExactSizeIterator<Item = u32>) -> Self {
        let mut index = Index::for_len(room.max(hashes.len()));
        for (pos, h) in hashes.enumerate() {
            index.insert_new(h, pos);
        }
        index
    }

    /// Checks the index holds positions `0..n` once each, with `hash(pos)`
    /// their hashes, each tagged and placed as the module docs say.
    ///
    /// # Errors
    /// A description of the first broken invariant.
    pub(super) fn validate(&self, n: usize, hash: impl Fn(usize) -> u32) -> Result<(), String> {
        let (len, k) = (self.entries.len(), self.bits);
        if len == 0 {
            return if n == 0 {
                Ok(())
            } else {
                Err(format!("{n} pairs and no index"))
            };
        }
        if len != 1 << k || !(MIN_BITS..=MAX_BITS).contains(&k) || 2 * n > len {
            return Err(format!("{n} pairs in an index of {len} entries, {k} bits"));
        }
        let mut seen = vec![false; n];
        for (slot, &e) in self.entries.iter().enumerate().filter(|(_, e)| **e != 0) {
            let pos = (e & pos_mask(k)) as usize;
            let seen = seen
                .get_mut(pos.wrapping_sub(1))
                .ok_or("entry past the pairs")?;
            if std::mem::replace(seen, true) {
                return Err(format!("position {} indexed twice", pos - 1));
            }
            let h = hash(pos - 1);
            let dist = slot.wrapping_sub(home(h, k)) & (len - 1);
            let stored = (e >> k) & disp_max(k);
            if e & tag_mask(k) != tag(h, k) || stored as usize != dist.min(disp_max(k) as usize) {
                return Err(format!("position {} tagged or placed wrongly", pos - 1));
            }
            if (0..dist).any(|d| self.entries[slot.wrapping_sub(d + 1) & (len - 1)] == 0) {
                return Err(format!("position {} past a vacancy", pos - 1));
            }
        }
        match seen.iter().position(|&s| !s) {
            Some(i) => Err(format!("position {i} not indexed")),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Hashes crowded into few homes (so distances saturate and walks
    /// wrap around the end), through doublings and removals, against a
    /// plain list.
    #[test]
    fn crowded_homes_grow_and_shift_back() {
        let hash = |pos: usize| -> u32 {
            let x = (pos as u32).wrapping_mul(0x9E37_79B9);
            // A fifth of the positions share one of two hashes' top bits.
            match pos % 5 {
                0 => 0xFFFF_0000 | (x >> 16),
                1 => x >> 16,
                _ => x,
            }
        };
        let mut index = Index::default();
        let n = 3000;
        for pos in 0..n {
            let h = hash(pos);
            let Probe::Vacant { slot, dist } = index.find(h, |p| p == pos) else {
                panic!("{pos} found before it was added");
            };
            if index.fits(pos + 1) {
                index.place(slot, dist, h, pos);
            } else {
                index.grow(hash);
                index.insert_new(h, pos);
            }
        }
        index.validate(n, hash).unwrap();
        for pos in 0..n {
            assert!(
                matches!(index.find(hash(pos), |p| p == pos), Probe::Found { pos: p, .. } if p == pos)
            );
        }
        // Remove every third position, moving the last into the hole, as
        // the table does.
        let mut live: Vec<usize> = (0..n).collect();
        let mut i = 0;
        while i < live.len() {
            let id = live[i];
            let Probe::Found { slot, pos } = index.find(hash(id), |p| live[p] == id) else {
                panic!("{id} indexed");
            };
            assert_eq!(pos, i);
            index.remove_at(slot, |p| hash(live[p]));
            let last = live.len() - 1;
            if i != last {
                index.repoint(hash(live[last]), last, i);
            }
            live.swap_remove(i);
            index.validate(live.len(), |p| hash(live[p])).unwrap();
            i += 2;
        }
        let rebuilt = Index::rebuild(live.len(), live.iter().map(|&id| hash(id)));
        rebuilt.validate(live.len(), |p| hash(live[p])).unwrap();
    }
}
