//! The member index: an open-addressing table (linear probing) of `u32`
//! slots, each naming the block (22 bits) and cell (6 bits) a member lives
//! in plus a 4-bit tag from the member's hash. A lookup probes from the
//! member's home slot and, at each slot whose tag matches, compares the
//! member in the cell named: one cell line and one slab line, no scan.
//!
//! A slot holds the tag in its top four bits, then the block, then the
//! cell: the live slots with tag `t` are exactly the values in one range
//! (block ids start at 1, so [`EMPTY`] and [`TOMB`] lie below every
//! range), and a probe tells "a live slot with my tag" from everything
//! else with one subtraction and one compare.
//!
//! A (block, cell) pair holds one member, so every live slot value is
//! distinct and an update or removal finds exactly its member's slot.
//! Removed slots become tombstones, cleared when the table is rebuilt.

/// An empty slot.
pub(super) const EMPTY: u32 = 0;
/// A removed slot (probes go on past it).
pub(super) const TOMB: u32 = 1;

/// Most blocks a list can have (block ids take 22 bits of a slot).
pub(super) const MAX_BLOCKS: usize = 1 << 22;

/// Where a member lives: (block, cell).
pub(super) type Place = (u32, u8);

/// Members of at most this many bytes get the short hash.
pub(super) const SHORT: usize = 16;

/// The member hash of one list, keyed per list. Members of up to [`SHORT`]
/// bytes (nearly all in practice) are read as two words (which with the
/// length tell such members apart) and mixed with two folded multiplies
/// against the list's secret keys, about a third of the instructions of
/// [`ahash::RandomState::hash_one`], which longer members still use. The
/// keys are drawn from that random state, so a client who cannot see them
/// cannot aim collisions at one list; a list keeps its hasher for life
/// (ZSCAN walks home slots), and its clone shares it.
#[derive(Clone)]
pub(super) struct MemberHasher {
    long: ahash::RandomState,
    k0: u64,
    k1: u64,
    /// `k0 | 1` (the last multiplier, kept odd).
    k2: u64,
}

impl MemberHasher {
    /// A hasher with fresh random keys.
    pub(super) fn new() -> Self {
        let long = ahash::RandomState::new();
        let (k0, k1) = (
            long.hash_one(0x7a73_6c30_u64),
            long.hash_one(0x7a73_6c31_u64),
        );
        MemberHasher {
            long,
            k0,
            k1,
            k2: k0 | 1,
        }
    }

    /// The hash of `member`: the low bits pick its home slot, the top four
    /// its tag.
    #[inline(always)]
    pub(super) fn hash_one(&self, member: &[u8]) -> u64 {
        if member.len() > SHORT {
            return self.long.hash_one(member);
        }
        self.hash_short(words(member), member.len())
    }

    /// [`MemberHasher::hash_one`] of a member of `len` <= [`SHORT`] bytes
    /// from its [`words`] (for a caller that compares them too).
    #[inline(always)]
    pub(super) fn hash_short(&self, (a, b): (u64, u64), len: usize) -> u64 {
        debug_assert!(len <= SHORT);
        let mixed = fold(a ^ self.k0, b ^ self.k1 ^ len as u64);
        fold(mixed, self.k2)
    }
}

/// The two 64-bit halves of `a * b`, XORed.
#[inline(always)]
fn fold(a: u64, b: u64) -> u64 {
    let p = u128::from(a) * u128::from(b);
    (p as u64) ^ ((p >> 64) as u64)
}

/// A member of at most [`SHORT`] bytes as two words, which with its length
/// tell it apart from every other member that long: for 8 bytes and more
/// its first and last 8 (overlapping), for 4 to 7 its first and last 4,
/// for 1 to 3 its first, middle and last bytes; fixed-size loads only.
#[inline(always)]
pub(super) fn words(m: &[u8]) -> (u64, u64) {
    let n = m.len();
    if let (Some(a), Some(b)) = (m.first_chunk::<8>(), m.last_chunk::<8>()) {
        (u64::from_le_bytes(*a), u64::from_le_bytes(*b))
    } else if let (Some(a), Some(b)) = (m.first_chunk::<4>(), m.last_chunk::<4>()) {
        (
            u64::from(u32::from_le_bytes(*a)),
            u64::from(u32::from_le_bytes(*b)),
        )
    } else if n > 0 {
        (
            u64::from(m[0]) | u64::from(m[n / 2]) << 8 | u64::from(m[n - 1]) << 16,
            0,
        )
    } else {
        (0, 0)
    }
}

/// Where a slot keeps the tag.
const TAG_SHIFT: u32 = 28;

/// The slot value of a member in cell `c` of block `b` (>= 1) with tag `t`:
/// the tag in the top four bits, the block in the next 22, the cell in the
/// low six.
#[inline]
pub(super) fn slot_of((b, c): Place, t: u8) -> u32 {
    debug_assert!((1..MAX_BLOCKS as u32).contains(&b) && c < 64 && t < 16);
    (u32::from(t) << TAG_SHIFT) | (b << 6) | u32::from(c)
}

/// The (block, cell) of a live slot value.
#[inline]
pub(super) fn decode(v: u32) -> Place {
    ((v >> 6) & (MAX_BLOCKS as u32 - 1), (v & 63) as u8)
}

/// The tag of a live slot value.
#[inline]
pub(super) fn tag_in(v: u32) -> u8 {
    (v >> TAG_SHIFT) as u8
}

/// The smallest live slot value with tag `t` (block 1, cell 0): the live
/// slots with that tag are `first_live(t)` and the
/// [`LIVE_SPAN`] - 1 values after it.
#[inline(always)]
fn first_live(t: u8) -> u32 {
    slot_of((1, 0), t)
}

/// How many values the live slots of one tag take.
const LIVE_SPAN: u32 = (1 << TAG_SHIFT) - (1 << 6);

/// The tag of a hash.
#[inline]
pub(super) fn tag_of(h: u64) -> u8 {
    (h >> 60) as u8
}

/// The slot table.
#[derive(Clone, Default)]
pub(super) struct Index {
    pub(super) slots: Vec<u32>,
    /// Tombstones in `slots`.
    pub(super) tombs: usize,
}

impl Index {
    /// The slot mask (the table is a power of two long, or empty).
    #[inline]
    pub(super) fn mask(&self) -> usize {
        self.slots.len().wrapping_sub(1)
    }

    /// The home slot of hash `h`.
    #[inline]
    pub(super) fn home(&self, h: u64) -> usize {
        h as usize & self.mask()
    }

    /// Starts loading the home slot of hash `h` (a hint; see
    /// [`crate::util::prefetch`]).
    #[inline(always)]
    pub(super) fn prefetch_home(&self, h: u64) {
        if let Some(s) = self.slots.get(self.home(h)) {
            crate::util::prefetch::prefetch(s);
        }
    }

    /// The place named by the home slot of hash `h` when that slot is
    /// live with `h`'s tag: where a lookup of `h` most likely ends.
    #[inline(always)]
    pub(super) fn home_candidate(&self, h: u64) -> Option<Place> {
        let v = *self.slots.get(self.home(h))?;
        let d = v.wrapping_sub(first_live(tag_of(h)));
        (d < LIVE_SPAN).then_some(((d >> 6) + 1, (d & 63) as u8))
    }

    /// Probes for hash `h`: calls `f` with the place of each slot whose tag
    /// matches, in probe order, until it returns `Some`.
    #[inline(always)]
    pub(super) fn find<T>(&self, h: u64, f: impl FnMut(Place) -> Option<T>) -> Option<T> {
        self.probe(h, f).ok()
    }

    /// Probes for hash `h`, calling `f` as [`Index::find`] does; when `f`
    /// finds nothing, returns `Err` with the slot an insert of `h` would fill
    /// (the first tombstone on the path, else the empty slot that ended
    /// it; `usize::MAX` for an empty table).
    #[inline(always)]
    pub(super) fn probe<T>(
        &self,
        h: u64,
        mut f: impl FnMut(Place) -> Option<T>,
    ) -> Result<T, usize> {
        let (mask, first) = (self.mask(), first_live(tag_of(h)));
        let mut s = h as usize & mask;
        let mut vacant = usize::MAX;
        // The load limit keeps a fifth of the slots empty, so the probe
        // ends; an empty table (mask all ones) has no slot `s`.
        while let Some(&v) = self.slots.get(s) {
            // A live slot with this tag (see the module docs), which the
            // difference decodes: block - 1, then the cell.
            let d = v.wrapping_sub(first);
            if d < LIVE_SPAN {
                if let Some(x) = f(((d >> 6) + 1, (d & 63) as u8)) {
                    return Ok(x);
                }
            } else if v == EMPTY {
                return Err(if vacant == usize::MAX { s } else { vacant });
            } else if v == TOMB && vacant == usize::MAX {
                vacant = s;
            }
            s = (s + 1) & mask;
        }
        Err(vacant)
    }

    /// [`Index::find`] kept out of line, for the rare lookups (members
    /// longer than [`SHORT`] bytes) of a caller whose common ones inline it.
    #[inline(never)]
    pub(super) fn find_outlined<T>(&self, h: u64, f: impl FnMut(Place) -> Option<T>) -> Option<T> {
        self.probe(h, f).ok()
    }

    /// Fills slot `s`, found vacant by [`Index::probe`] for hash `h` with
    /// no change to the table since, with a member at `at`; falls back to
    /// [`Index::insert`] when `s` is not vacant.
    #[inline]
    pub(super) fn fill(&mut self, s: usize, h: u64, at: Place) {
        match self.slots.get(s) {
            Some(&EMPTY) => self.slots[s] = slot_of(at, tag_of(h)),
            Some(&TOMB) => {
                self.tombs -= 1;
                self.slots[s] = slot_of(at, tag_of(h));
            }
            _ => self.insert(h, at),
        }
    }

    /// The first slot on `h`'s probe path holding `value`.
    fn position(&self, h: u64, value: u32) -> Option<usize> {
        let mask = self.mask();
        let mut s = self.home(h);
        for _ in 0..self.slots.len() {
            match self.slots[s] {
                EMPTY => return None,
                v if v == value => return Some(s),
                _ => {}
            }
            s = (s + 1) & mask;
        }
        None
    }

    /// Whether one more member fits under the load limit (live members and
    /// tombstones at most 4/5 of the slots).
    pub(super) fn has_room(&self, live: usize) -> bool {
        (live + 1 + self.tombs) * 5 <= self.slots.len() * 4
    }

    /// The table size for `live` members: a power of two they fill at most
    /// 4/5 of (at least 8).
    pub(super) fn size_for(live: usize) -> usize {
        (live * 5 / 4 + 1).next_power_of_two().max(8)
    }

    /// Adds a member at `at` with hash `h` (room must exist).
    pub(super) fn insert(&mut self, h: u64, at: Place) {
        let mask = self.mask();
        let mut s = self.home(h);
        loop {
            match self.slots[s] {
                EMPTY => break,
                TOMB => {
                    self.tombs -= 1;
                    break;
                }
                _ => s = (s + 1) & mask,
            }
        }
        self.slots[s] = slot_of(at, tag_of(h));
    }

    /// Moves a member with hash `h` from `from` to `to`.
    pub(super) fn relocate(&mut self, h: u64, from: Place, to: Place) {
        let tag = tag_of(h);
        if let Some(s) = self.position(h, slot_of(from, tag)) {
            self.slots[s] = slot_of(to, tag);
        } else {
            debug_assert!(false, "relocated member not in the index");
        }
    }

    /// Removes a member with hash `h` at `at`.
    pub(super) fn remove(&mut self, h: u64, at: Place) {
        match self.position(h, slot_of(at, tag_of(h))) {
            Some(s) => {
                let mask = self.mask();
                if self.slots[(s + 1) & mask] == EMPTY {
                    // The end of a run: this slot and the tombstones just
                    // before it become empty.
                    self.slots[s] = EMPTY;
                    let mut p = s.wrapping_sub(1) & mask;
                    while self.slots[p] == TOMB {
                        self.slots[p] = EMPTY;
                        self.tombs -= 1;
                        p = p.wrapping_sub(1) & mask;
                    }
                } else {
                    self.slots[s] = TOMB;
                    self.tombs += 1;
                }
            }
            None => debug_assert!(false, "removed member not in the index"),
        }
    }

    /// Heap bytes held.
    pub(super) fn heap(&self) -> usize {
        self.slots.capacity() * 4
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every live slot value decodes to its block, cell and tag; the live
    /// values of a tag are exactly its range, which holds neither empty
    /// nor tombstone nor any value of another tag.
    #[test]
    fn slot_values_and_tag_ranges() {
        let blocks = [1u32, 2, 63, 64, 1000, MAX_BLOCKS as u32 - 1];
        for t in 0..16u8 {
            let first = first_live(t);
            assert!(EMPTY.wrapping_sub(first) >= LIVE_SPAN);
            assert!(TOMB.wrapping_sub(first) >= LIVE_SPAN);
            for &b in &blocks {
                for c in [0u8, 1, 31, 63] {
                    let v = slot_of((b, c), t);
                    assert_eq!((decode(v), tag_in(v)), ((b, c), t));
                    for u in 0..16u8 {
                        let d = v.wrapping_sub(first_live(u));
                        assert_eq!(d < LIVE_SPAN, u == t, "{b} {c} {t} {u}");
                        if u == t {
                            assert_eq!(((d >> 6) + 1, (d & 63) as u8), (b, c));
                        }
                    }
                }
            }
        }
    }

    /// A probe passes slots of other tags and tombstones, stops at the
    /// first empty slot, and hands each slot with the tag to the closure.
    #[test]
    fn probe_visits_the_tag_in_order() {
        let mut ix = Index {
            slots: vec![EMPTY; 16],
            tombs: 0,
        };
        let h = (5u64 << 60) | 3; // tag 5, home 3
        ix.slots[3] = slot_of((7, 1), 5);
        ix.slots[4] = slot_of((8, 2), 6);
        ix.slots[5] = TOMB;
        ix.slots[6] = slot_of((9, 3), 5);
        ix.tombs = 1;
        let mut seen = Vec::new();
        let r: Result<(), usize> = ix.probe(h, |p| {
            seen.push(p);
            None
        });
        assert_eq!(seen, [(7, 1), (9, 3)]);
        assert_eq!(r, Err(5), "the tombstone is the slot to fill");
        assert_eq!(ix.find(h, |p| (p == (9, 3)).then_some(p)), Some((9, 3)));
        assert_eq!(
            ix.find_outlined(h, |p| (p == (7, 1)).then_some(p)),
            Some((7, 1))
        );
        let other = (6u64 << 60) | 3;
        assert_eq!(ix.find(other, Some), Some((8, 2)));
        assert_eq!(ix.probe(other ^ (1 << 60), |_| None::<()>), Err(5));
    }
}
