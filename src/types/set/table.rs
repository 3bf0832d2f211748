//! The `hashtable` encoding of a set: integers and strings in two dense
//! tables, each with a hash index.
//!
//! # Layout
//!
//! A member that is a canonical decimal integer (Redis's `string2ll` rules,
//! [`parse_i64`]) is stored as an `i64` in the integer table; any other
//! member as a `Box<[u8]>` in the string table. Canonical text and `i64`
//! correspond one to one, so the split loses nothing and a lookup knows
//! which table to ask. Each table is a dense vector of members plus a
//! [`hashbrown::HashTable`] of `u32` positions into it, hashed with one
//! [`ahash::RandomState`] keyed per set, so clients cannot aim collisions
//! at it.
//!
//! An integer costs 8 bytes in its vector and 5 bytes per index bucket
//! (about 19 bytes a member at 1M members, against Redis's 48); a string
//! costs its 16-byte box plus one allocation for its bytes.
//!
//! Deleting moves the last member of the same table into the freed
//! position, so positions stay dense: uniform random picks are O(1)
//! (SPOP, SRANDMEMBER) and SSCAN walks positions downwards (see
//! [`MemberTable::scan`]).
//!
//! # Invariants
//!
//! * each index holds exactly the positions `0..len` of its vector, once
//!   each, found under the hash of the member there;
//! * no member repeats; every member of the string table is *not* a
//!   canonical integer.

use std::borrow::Borrow;
use std::hash::Hash;

use hashbrown::HashTable;

use crate::encoding::listpack::Elem;
use crate::util::num::parse_i64;

type Hasher = ahash::RandomState;

fn pos(i: usize) -> u32 {
    u32::try_from(i).expect("a set table holds fewer than 2^32 members")
}

/// A dense vector of members with a hash index over it.
#[derive(Clone, Default)]
struct Dense<T> {
    items: Vec<T>,
    index: HashTable<u32>,
}

impl<T> Dense<T> {
    fn with_capacity(n: usize) -> Self {
        Dense {
            items: Vec::with_capacity(n),
            index: HashTable::with_capacity(n),
        }
    }

    fn find<B>(&self, hasher: &Hasher, key: &B) -> Option<usize>
    where
        T: Borrow<B>,
        B: Hash + Eq + ?Sized,
    {
        let items = &self.items;
        self.index
            .find(hasher.hash_one(key), |&i| items[i as usize].borrow() == key)
            .map(|&i| i as usize)
    }

    /// Adds the member `key` (built by `make`) unless present, hashing it
    /// once; true when it was added.
    fn insert_with<B>(&mut self, hasher: &Hasher, key: &B, make: impl FnOnce() -> T) -> bool
    where
        T: Borrow<B>,
        B: Hash + Eq + ?Sized,
    {
        let Dense { items, index } = self;
        let found = index.entry(
            hasher.hash_one(key),
            |&i| items[i as usize].borrow() == key,
            |&i| hasher.hash_one(items[i as usize].borrow()),
        );
        match found {
            hashbrown::hash_table::Entry::Occupied(_) => false,
            hashbrown::hash_table::Entry::Vacant(slot) => {
                slot.insert(pos(items.len()));
                items.push(make());
                true
            }
        }
    }

    /// Removes the member at position `at`; the last one takes its place.
    fn remove_at<B>(&mut self, hasher: &Hasher, at: usize) -> T
    where
        T: Borrow<B>,
        B: Hash + Eq + ?Sized,
    {
        let hash = hasher.hash_one(self.items[at].borrow());
        let Ok(slot) = self.index.find_entry(hash, |&i| i as usize == at) else {
            unreachable!("member is indexed");
        };
        slot.remove();
        let last = self.items.len() - 1;
        let removed = self.items.swap_remove(at);
        if at != last {
            let moved = hasher.hash_one(self.items[at].borrow());
            let slot = self
                .index
                .find_mut(moved, |&i| i as usize == last)
                .expect("moved member is indexed");
            *slot = pos(at);
        }
        self.maybe_shrink::<B>(hasher);
        removed
    }

    /// Gives memory back once at most a quarter full, as Redis resizes a
    /// dict after deletions.
    fn maybe_shrink<B>(&mut self, hasher: &Hasher)
    where
        T: Borrow<B>,
        B: Hash + Eq + ?Sized,
    {
        let len = self.items.len();
        if self.items.capacity() > 16 && self.items.capacity() / 4 > len {
            self.items.shrink_to(len * 2);
            let Dense { items, index } = self;
            index.shrink_to(len * 2, |&i| hasher.hash_one(items[i as usize].borrow()));
        }
    }

    fn heap_bytes(&self) -> usize {
        self.items.capacity() * std::mem::size_of::<T>() + self.index.allocation_size()
    }

    fn validate<B>(&self, hasher: &Hasher) -> Result<(), String>
    where
        T: Borrow<B>,
        B: Hash + Eq + ?Sized,
    {
        if self.index.len() != self.items.len() {
            return Err(format!(
                "index holds {} positions for {} members",
                self.index.len(),
                self.items.len()
            ));
        }
        let mut seen = vec![false; self.items.len()];
        for &i in &self.index {
            let slot = seen.get_mut(i as usize).ok_or("index past the members")?;
            if std::mem::replace(slot, true) {
                return Err(format!("position {i} indexed twice"));
            }
        }
        for (i, item) in self.items.iter().enumerate() {
            if self.find(hasher, item.borrow()) != Some(i) {
                return Err(format!("member at {i} not found at its position"));
            }
        }
        Ok(())
    }
}

/// A hash set of members, integers kept as `i64` (see the module docs).
#[derive(Clone, Default)]
pub struct MemberTable {
    ints: Dense<i64>,
    strs: Dense<Box<[u8]>>,
    hasher: Hasher,
    /// Sum of the string members' lengths (their allocations), kept so
    /// [`MemberTable::heap_bytes`] is O(1).
    str_bytes: usize,
}

impl std::fmt::Debug for MemberTable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_set()
            .entries(self.iter().map(|e| e.to_vec()))
            .finish()
    }
}

impl PartialEq for MemberTable {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().all(|e| other.contains_elem(e))
    }
}

impl Eq for MemberTable {}

impl MemberTable {
    /// An empty table with room for `ints` integer members.
    pub fn with_capacity(ints: usize) -> Self {
        MemberTable {
            ints: Dense::with_capacity(ints),
            strs: Dense::default(),
            hasher: Hasher::new(),
            str_bytes: 0,
        }
    }

    /// Number of members.
    pub fn len(&self) -> usize {
        self.ints.items.len() + self.strs.items.len()
    }

    /// Whether the table is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether every member is an integer.
    pub fn all_integers(&self) -> bool {
        self.strs.items.is_empty()
    }

    /// Whether `member` is present.
    pub fn contains(&self, member: &[u8]) -> bool {
        self.contains_elem(Elem::parse(member))
    }

    /// Whether the integer `v` is present.
    pub fn contains_int(&self, v: i64) -> bool {
        self.ints.find(&self.hasher, &v).is_some()
    }

    /// Whether an element (classified with [`Elem::parse`]) is present.
    pub fn contains_elem(&self, e: Elem<'_>) -> bool {
        match e {
            Elem::Int(v) => self.contains_int(v),
            Elem::Str(s) => self.strs.find(&self.hasher, s).is_some(),
        }
    }

    /// Adds `member`; true when it was new.
    pub fn insert(&mut self, member: &[u8]) -> bool {
        self.insert_elem(Elem::parse(member))
    }

    /// Adds the integer `v`; true when it was new.
    pub fn insert_int(&mut self, v: i64) -> bool {
        self.ints.insert_with(&self.hasher, &v, || v)
    }

    /// Adds a classified element; true when it was new. A `Str` element
    /// must not be a canonical integer.
    pub fn insert_elem(&mut self, e: Elem<'_>) -> bool {
        match e {
            Elem::Int(v) => self.insert_int(v),
            Elem::Str(s) => {
                debug_assert!(parse_i64(s).is_none());
                let added = self.strs.insert_with(&self.hasher, s, || s.into());
                if added {
                    self.str_bytes += s.len();
                }
                added
            }
        }
    }

    /// Removes `member`; true when it was present.
    pub fn remove(&mut self, member: &[u8]) -> bool {
        self.remove_elem(Elem::parse(member))
    }

    /// Removes a classified element; true when it was present.
    pub fn remove_elem(&mut self, e: Elem<'_>) -> bool {
        match e {
            Elem::Int(v) => match self.ints.find(&self.hasher, &v) {
                Some(at) => {
                    self.ints.remove_at::<i64>(&self.hasher, at);
                    true
                }
                None => false,
            },
            Elem::Str(s) => match self.strs.find(&self.hasher, s) {
                Some(at) => {
                    self.strs.remove_at::<[u8]>(&self.hasher, at);
                    self.str_bytes -= s.len();
                    true
                }
                None => false,
            },
        }
    }

    /// The member at position `i` (`0..len`): integers first, then strings.
    ///
    /// # Panics
    /// If `i >= len`.
    pub fn get_index(&self, i: usize) -> Elem<'_> {
        match self.ints.items.get(i) {
            Some(&v) => Elem::Int(v),
            None => Elem::Str(&self.strs.items[i - self.ints.items.len()]),
        }
    }

    /// Removes and returns the member at position `i` (`0..len`).
    ///
    /// # Panics
    /// If `i >= len`.
    pub fn remove_index(&mut self, i: usize) -> Vec<u8> {
        let n = self.ints.items.len();
        if i < n {
            let v = self.ints.remove_at::<i64>(&self.hasher, i);
            crate::util::num::format_i64(v)
        } else {
            let s = self.strs.remove_at::<[u8]>(&self.hasher, i - n);
            self.str_bytes -= s.len();
            s.into_vec()
        }
    }

    /// The members in position order.
    pub fn iter(&self) -> impl Iterator<Item = Elem<'_>> + '_ {
        let ints = self.ints.items.iter().map(|&v| Elem::Int(v));
        ints.chain(self.strs.items.iter().map(|s| Elem::Str(s)))
    }

    /// One SSCAN step over positions, visiting at most `count` of them:
    /// the string table from its top down, then the integer table from
    /// its top down. Deletions move members only to lower positions of
    /// their own table, so a member present for the whole scan is returned
    /// at least once. Cursor `0` starts; the returned cursor is 0 at the
    /// end. Cursors are even: `4p + 2` = strings below position `p`, `4p`
    /// = integers below position `p`; an odd cursor (an
    /// [`IntBlocks`](crate::encoding::intblocks::IntBlocks) one, from
    /// before the set converted) starts over.
    pub fn scan<'a>(&'a self, cursor: u64, count: usize, out: &mut Vec<Elem<'a>>) -> u64 {
        let nstr = self.strs.items.len();
        let nint = self.ints.items.len();
        let clamp = |p: u64, n: usize| usize::try_from(p).map_or(n, |p| p.min(n));
        let (mut in_strs, mut top) = match cursor {
            c if c == 0 || c % 2 == 1 => (true, nstr),
            c if c % 4 == 2 => (true, clamp(c / 4, nstr)),
            c => (false, clamp(c / 4, nint)),
        };
        let cursor_at = |top: usize, in_strs: bool| 4 * top as u64 + 2 * u64::from(in_strs);
        let mut budget = count.max(1);
        loop {
            let bottom = top.saturating_sub(budget);
            budget -= top - bottom;
            if in_strs {
                out.extend((bottom..top).rev().map(|i| Elem::Str(&self.strs.items[i])));
            } else {
                out.extend((bottom..top).rev().map(|i| Elem::Int(self.ints.items[i])));
            }
            top = bottom;
            if top > 0 {
                return cursor_at(top, in_strs);
            }
            if !in_strs || nint == 0 {
                return 0;
            }
            in_strs = false;
            top = nint;
            if budget == 0 {
                return cursor_at(top, false);
            }
        }
    }

    /// Heap bytes held (vectors and indexes at capacity, string bytes at
    /// their length). O(1): the string total is kept as members change.
    pub fn heap_bytes(&self) -> usize {
        self.ints.heap_bytes() + self.strs.heap_bytes() + self.str_bytes
    }

    /// Checks the invariants in the module docs.
    ///
    /// # Errors
    /// A description of the first broken invariant.
    pub fn validate(&self) -> Result<(), String> {
        self.ints.validate::<i64>(&self.hasher)?;
        self.strs.validate::<[u8]>(&self.hasher)?;
        let strs: usize = self.strs.items.iter().map(|s| s.len()).sum();
        if strs != self.str_bytes {
            return Err(format!(
                "string bytes counted {} but the members hold {strs}",
                self.str_bytes
            ));
        }
        if let Some(s) = self.strs.items.iter().find(|s| parse_i64(s).is_some()) {
            return Err(format!("integer {s:?} kept as a string"));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_and_strings_live_apart() {
        let mut t = MemberTable::default();
        assert!(t.insert(b"12"));
        assert!(t.insert(b"012"));
        assert!(t.insert(b"-0"));
        assert!(!t.insert(b"12"));
        assert!(t.insert_int(-5));
        assert!(!t.insert(b"-5"));
        assert_eq!(t.len(), 4);
        assert!(t.contains(b"012") && t.contains(b"-5") && !t.contains(b"5"));
        assert!(!t.all_integers());
        t.validate().unwrap();
        assert!(t.remove(b"012") && t.remove(b"-0"));
        assert!(t.all_integers());
        assert!(!t.remove(b"nope"));
        t.validate().unwrap();
    }

    #[test]
    fn removal_keeps_positions_dense() {
        let mut t = MemberTable::default();
        for i in 0..200i64 {
            t.insert_int(i);
            t.insert(format!("s{i}").as_bytes());
        }
        for i in (0..200).step_by(3) {
            assert!(t.remove(format!("{i}").as_bytes()));
            assert!(t.remove(format!("s{i}").as_bytes()));
            t.validate().unwrap();
        }
        let before = t.len();
        let v = t.remove_index(0);
        assert!(!t.contains(&v));
        assert_eq!(t.len(), before - 1);
        t.validate().unwrap();
    }

    #[test]
    fn scan_visits_every_member_once_without_changes() {
        let mut t = MemberTable::default();
        for i in 0..57i64 {
            t.insert_int(i);
        }
        for i in 0..23 {
            t.insert(format!("x{i}").as_bytes());
        }
        for count in [1, 7, 10, 80, 1000] {
            let mut cursor = 0;
            let mut seen = Vec::new();
            loop {
                let mut out = Vec::new();
                cursor = t.scan(cursor, count, &mut out);
                seen.extend(out.iter().map(|e| e.to_vec()));
                if cursor == 0 {
                    break;
                }
            }
            let n = seen.len();
            seen.sort();
            seen.dedup();
            assert_eq!((n, seen.len()), (80, 80), "count {count}");
        }
    }
}
