//! A set: an intset while small and made only of integers, then a hash
//! table, never back.
//!
//! # Encodings
//!
//! * `intset`: the byte-exact [`Intset`], sorted ascending, so every reply
//!   that walks it (SMEMBERS, SINTER, SUNION ...) is in numeric order, as
//!   in Redis.
//! * `hashtable`, all members integers: an [`IntBlocks`] (packed and
//!   bitmap blocks of integers in ascending order, a few bytes a member or
//!   less; not a Redis structure, OBJECT ENCODING says `hashtable` as Redis
//!   would);
//! * `hashtable` otherwise: a [`MemberTable`] (integers as `i64`, other
//!   members as bytes, each with a hash index).
//!
//! # Thresholds
//!
//! `set-max-intset-entries` (default 512, capped at 2^30 as Redis caps
//! it), read from the configuration at each write, at the points Redis
//! 7.0.15 checks it:
//!
//! * a set is created for its first member: an intset when that member is
//!   a canonical integer ([`crate::util::num::parse_i64`]), else a table
//!   ([`SetValue::new_for`], Redis `setTypeCreate`);
//! * adding a new integer to an intset converts it once it holds more
//!   members than the limit; adding a non-integer converts it first. Only
//!   the resulting size counts, never the number of arguments of a
//!   command (7.0 has no up-front conversion);
//! * the results of SINTER, SUNION and SDIFF (and their STORE forms, and
//!   SPOP with a count that takes the whole set) are built member by
//!   member into a fresh intset, so an all-integer result within the limit
//!   is an intset even when its sources were tables;
//! * SPOP with a count that leaves at most a fifth of the count behind
//!   rebuilds the set from the members it keeps, starting from the first
//!   kept member, so the survivors may become an intset again.
//!
//! Removing members never converts. Behind `hashtable`, an all-integer
//! set lives in [`IntBlocks`] until its first non-integer member arrives,
//! then moves to a [`MemberTable`] for good (as Redis never goes back from
//! a hash table).

mod commands;
mod ops;
mod table;
#[cfg(test)]
mod tests;

pub use self::commands::SetScanOptions;
pub use self::table::MemberTable;

use rand::Rng;
use rand::rngs::SmallRng;

use crate::config::Config;
use crate::encoding::intblocks::{self, IntBlocks};
use crate::encoding::intset::Intset;
use crate::encoding::listpack::Elem;
use crate::util::glob::Glob;
use crate::util::num::parse_i64;
use crate::value::Encoding;

/// The value of a set: intset while small and all-integer, then a hash table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SetValue {
    /// Distinct integers, sorted, in Redis's intset layout.
    Intset(Intset),
    /// Integers only, past the intset limit: reported as `hashtable`
    /// (boxed: it is larger than an intset's handle).
    Ints(Box<IntBlocks>),
    /// A hash table (boxed: it is larger than an intset's handle).
    Table(Box<MemberTable>),
}

/// The most members an intset may hold, from the configuration
/// (`set-max-intset-entries`, capped at 2^30 as Redis caps it).
pub fn intset_limit(config: &Config) -> usize {
    config.set_max_intset_entries.min(1 << 30)
}

impl SetValue {
    /// An empty set of the encoding Redis creates for a first member
    /// `first`: intset for a canonical integer, else a table.
    pub fn new_for(first: &[u8]) -> Self {
        match parse_i64(first) {
            Some(_) => SetValue::Intset(Intset::new()),
            None => SetValue::Table(Box::default()),
        }
    }

    /// An empty intset-encoded set (where set operations build results).
    pub fn new_intset() -> Self {
        SetValue::Intset(Intset::new())
    }

    /// The encoding OBJECT ENCODING reports.
    pub fn encoding(&self) -> Encoding {
        match self {
            SetValue::Intset(_) => Encoding::Intset,
            SetValue::Ints(_) | SetValue::Table(_) => Encoding::Hashtable,
        }
    }

    /// Number of members.
    pub fn len(&self) -> usize {
        match self {
            SetValue::Intset(is) => is.len(),
            SetValue::Ints(b) => b.len(),
            SetValue::Table(t) => t.len(),
        }
    }

    /// Whether the set is empty (never true for a stored key).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether `member` is present.
    pub fn contains(&self, member: &[u8]) -> bool {
        self.contains_elem(Elem::parse(member))
    }

    /// Whether a classified element ([`Elem::parse`]) is present.
    pub fn contains_elem(&self, e: Elem<'_>) -> bool {
        match (self, e) {
            (SetValue::Intset(is), Elem::Int(v)) => is.contains(v),
            (SetValue::Ints(b), Elem::Int(v)) => b.contains(v),
            (SetValue::Intset(_) | SetValue::Ints(_), Elem::Str(_)) => false,
            (SetValue::Table(t), e) => t.contains_elem(e),
        }
    }

    /// The member at position `i` (sorted position for integers only).
    /// O(1), O(n / 1024) for [`IntBlocks`].
    ///
    /// # Panics
    /// If `i >= len`.
    pub fn get_index(&self, i: usize) -> Elem<'_> {
        match self {
            SetValue::Intset(is) => Elem::Int(is.get(i).expect("index in range")),
            SetValue::Ints(b) => Elem::Int(b.nth(i).expect("index in range")),
            SetValue::Table(t) => t.get_index(i),
        }
    }

    /// The members in iteration order (ascending for an intset).
    pub fn iter(&self) -> Members<'_> {
        match self {
            SetValue::Intset(is) => Members::Intset(is, 0..is.len()),
            SetValue::Ints(b) => Members::Ints(b.iter()),
            SetValue::Table(t) => Members::Table(t, 0..t.len()),
        }
    }

    /// Converts to the general table (no-op for a table): where a
    /// non-integer member is about to arrive.
    pub fn convert_to_table(&mut self) {
        let t = match self {
            SetValue::Intset(is) => {
                let mut t = MemberTable::with_capacity(is.len());
                is.iter().for_each(|v| _ = t.insert_int(v));
                t
            }
            SetValue::Ints(b) => {
                let mut t = MemberTable::with_capacity(b.len());
                b.iter().for_each(|v| _ = t.insert_int(v));
                t
            }
            SetValue::Table(_) => return,
        };
        *self = SetValue::Table(Box::new(t));
    }

    /// Converts an intset past its limit to [`IntBlocks`].
    fn convert_to_ints(&mut self) {
        if let SetValue::Intset(is) = self {
            *self = SetValue::Ints(Box::new(is.iter().collect()));
        }
    }

    /// Adds `member` (Redis `setTypeAdd`), converting as the module docs
    /// say; true when it was new. `limit` is [`intset_limit`].
    pub fn add(&mut self, member: &[u8], limit: usize) -> bool {
        self.add_elem(Elem::parse(member), limit)
    }

    /// [`SetValue::add`] for a classified element.
    pub fn add_elem(&mut self, e: Elem<'_>, limit: usize) -> bool {
        match (&mut *self, e) {
            (SetValue::Intset(is), Elem::Int(v)) => {
                if !is.insert(v) {
                    return false;
                }
                if is.len() > limit {
                    self.convert_to_ints();
                }
                true
            }
            (SetValue::Ints(b), Elem::Int(v)) => b.insert(v),
            (SetValue::Intset(_) | SetValue::Ints(_), e @ Elem::Str(_)) => {
                self.convert_to_table();
                self.add_elem(e, limit)
            }
            (SetValue::Table(t), e) => t.insert_elem(e),
        }
    }

    /// Removes `member`; true when it was present. Never converts.
    pub fn remove(&mut self, member: &[u8]) -> bool {
        self.remove_elem(Elem::parse(member))
    }

    /// [`SetValue::remove`] for a classified element.
    pub fn remove_elem(&mut self, e: Elem<'_>) -> bool {
        match (self, e) {
            (SetValue::Intset(is), Elem::Int(v)) => is.remove(v),
            (SetValue::Ints(b), Elem::Int(v)) => b.remove(v),
            (SetValue::Intset(_) | SetValue::Ints(_), Elem::Str(_)) => false,
            (SetValue::Table(t), e) => t.remove_elem(e),
        }
    }

    /// Removes and returns the member at position `i`.
    ///
    /// # Panics
    /// If `i >= len`.
    pub fn remove_index(&mut self, i: usize) -> Vec<u8> {
        match self {
            SetValue::Intset(is) => {
                let v = is.get(i).expect("index in range");
                is.remove(v);
                crate::util::num::format_i64(v)
            }
            SetValue::Ints(b) => {
                crate::util::num::format_i64(b.remove_nth(i).expect("index in range"))
            }
            SetValue::Table(t) => t.remove_index(i),
        }
    }

    /// A uniformly random position (the set must not be empty).
    pub fn random_index(&self, rng: &mut SmallRng) -> usize {
        rng.random_range(0..self.len())
    }

    /// Removes and returns one uniformly random member (None when empty).
    pub fn pop_random(&mut self, rng: &mut SmallRng) -> Option<Vec<u8>> {
        if self.is_empty() {
            return None;
        }
        let i = self.random_index(rng);
        Some(self.remove_index(i))
    }

    /// The members at positions `picks` (repeats allowed), in the order
    /// of `picks`; for [`IntBlocks`], when picking each would cost more
    /// than one ascending walk, they are collected in one walk and then
    /// shuffled (a random order, as a hash table's would be).
    pub fn members_at(&self, mut picks: Vec<usize>, rng: &mut SmallRng) -> Vec<Vec<u8>> {
        let SetValue::Ints(b) = self else {
            return picks
                .into_iter()
                .map(|i| self.get_index(i).to_vec())
                .collect();
        };
        if picks.len().saturating_mul(b.block_count()) <= b.len() {
            return picks
                .into_iter()
                .map(|i| self.get_index(i).to_vec())
                .collect();
        }
        picks.sort_unstable();
        let mut out = Vec::with_capacity(picks.len());
        let (mut walk, mut at, mut cur) = (b.iter(), 0, 0);
        for p in picks {
            while at <= p {
                cur = walk.next().expect("position in range");
                at += 1;
            }
            out.push(crate::util::num::format_i64(cur));
        }
        rand::seq::SliceRandom::shuffle(&mut out[..], rng);
        out
    }

    /// Removes `count` (less than the length) distinct uniformly random
    /// members and returns them.
    pub fn pop_many(&mut self, count: usize, rng: &mut SmallRng) -> Vec<Vec<u8>> {
        if !matches!(self, SetValue::Ints(_)) {
            return (0..count).filter_map(|_| self.pop_random(rng)).collect();
        }
        let picks = rand::seq::index::sample(rng, self.len(), count).into_vec();
        let popped = self.members_at(picks, rng);
        for m in &popped {
            self.remove(m);
        }
        popped
    }

    /// One SSCAN step: an intset is returned whole with cursor 0, as Redis
    /// does; [`IntBlocks`] about `count` members at a time in ascending
    /// order (odd cursors, [`IntBlocks::scan`]); a table `count` positions
    /// at a time (even cursors, [`MemberTable::scan`]). A cursor of the
    /// other kind, left by a scan started before a conversion, starts over.
    pub fn scan(&self, cursor: u64, count: usize, pattern: Option<&Glob>) -> (u64, Vec<Vec<u8>>) {
        let mut found = Vec::new();
        let next = match self {
            SetValue::Intset(_) => {
                found.extend(self.iter());
                0
            }
            SetValue::Ints(b) => {
                let mut ints = Vec::new();
                let next = b.scan(cursor, count, &mut ints);
                found.extend(ints.into_iter().map(Elem::Int));
                next
            }
            SetValue::Table(t) => t.scan(cursor, count, &mut found),
        };
        let found = found
            .into_iter()
            .map(|e| e.to_vec())
            .filter(|m| pattern.is_none_or(|g| g.matches(m)))
            .collect();
        (next, found)
    }

    /// Heap bytes held by the members (MEMORY USAGE-style estimate).
    pub fn heap_bytes(&self) -> usize {
        match self {
            SetValue::Intset(is) => is.allocated_bytes(),
            SetValue::Ints(b) => std::mem::size_of::<IntBlocks>() + b.heap_bytes(),
            SetValue::Table(t) => std::mem::size_of::<MemberTable>() + t.heap_bytes(),
        }
    }

    /// Checks the set's invariants: a deep-valid intset or a consistent
    /// table; never empty.
    ///
    /// # Errors
    /// A description of the first broken invariant.
    pub fn validate(&self) -> Result<(), String> {
        if self.is_empty() {
            return Err("empty set stored".into());
        }
        match self {
            SetValue::Intset(is) => is.validate(true).map_err(|e| format!("intset: {e}")),
            SetValue::Ints(b) => b.validate().map_err(|e| format!("intblocks: {e}")),
            SetValue::Table(t) => t.validate(),
        }
    }
}

/// Iterator over a set's members, borrowed.
#[derive(Debug)]
pub enum Members<'a> {
    /// Walking an intset in ascending order.
    Intset(&'a Intset, std::ops::Range<usize>),
    /// Walking [`IntBlocks`] in ascending order.
    Ints(intblocks::Iter<'a>),
    /// Walking a table's positions.
    Table(&'a MemberTable, std::ops::Range<usize>),
}

impl<'a> Iterator for Members<'a> {
    type Item = Elem<'a>;

    fn next(&mut self) -> Option<Elem<'a>> {
        match self {
            Members::Intset(is, r) => r.next().and_then(|i| is.get(i)).map(Elem::Int),
            Members::Ints(it) => it.next().map(Elem::Int),
            Members::Table(t, r) => r.next().map(|i| t.get_index(i)),
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = match self {
            Members::Intset(_, r) | Members::Table(_, r) => r.len(),
            Members::Ints(it) => it.len(),
        };
        (n, Some(n))
    }
}
