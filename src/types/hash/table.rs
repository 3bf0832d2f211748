//! The `hashtable` encoding of a hash: a dense vector of entries plus a
//! hash index over it.
//!
//! # Layout
//!
//! Every (field, value) pair lives in one heap block, `[field length as a
//! LEB128 varint][field][value]`, held as a `Box<[u8]>` in a dense vector.
//! A [`hashbrown::HashTable`] of `u32` positions into that vector finds a
//! field; its hashes come from an [`ahash::RandomState`] keyed per table, so
//! clients cannot aim collisions at it. Per field this costs the 16-byte box
//! in the vector, 5 bytes per index bucket and one allocation for the bytes,
//! less than Redis's dictEntry plus two sds strings.
//!
//! Deleting moves the last entry into the freed position (as
//! `IndexMap::swap_remove`), so positions stay dense: that gives O(1) fair
//! random picks (HRANDFIELD) and the same HSCAN cursor scheme as the
//! keyspace's SCAN (see [`crate::keys`]).
//!
//! # Invariants
//!
//! * the index holds exactly the positions `0..entries.len()`, each once,
//!   and each is found under the hash of its entry's field;
//! * no two entries have the same field;
//! * every entry's varint prefix is well formed and fits in the block.

use hashbrown::HashTable;

/// A hash table from field bytes to value bytes (see the module docs).
#[derive(Clone, Default)]
pub struct FieldTable {
    entries: Vec<Box<[u8]>>,
    index: HashTable<u32>,
    hasher: ahash::RandomState,
}

impl std::fmt::Debug for FieldTable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl PartialEq for FieldTable {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().all(|(f, v)| other.get(f) == Some(v))
    }
}

impl Eq for FieldTable {}

/// Builds the block for one pair.
fn pack(field: &[u8], value: &[u8]) -> Box<[u8]> {
    let mut out = Vec::with_capacity(field.len() + value.len() + 5);
    let mut n = field.len();
    loop {
        let low = (n & 0x7F) as u8;
        n >>= 7;
        if n == 0 {
            out.push(low);
            break;
        }
        out.push(low | 0x80);
    }
    out.extend_from_slice(field);
    out.extend_from_slice(value);
    out.into_boxed_slice()
}

/// Splits a block into (field, value), or None when malformed.
fn try_unpack(block: &[u8]) -> Option<(&[u8], &[u8])> {
    let mut len = 0usize;
    for (i, &b) in block.iter().enumerate().take(10) {
        len |= usize::from(b & 0x7F) << (7 * i);
        if b & 0x80 == 0 {
            let rest = &block[i + 1..];
            return (len <= rest.len()).then(|| rest.split_at(len));
        }
    }
    None
}

fn unpack(block: &[u8]) -> (&[u8], &[u8]) {
    try_unpack(block).expect("well-formed entry")
}

fn field_of(block: &[u8]) -> &[u8] {
    unpack(block).0
}

fn pos(i: usize) -> u32 {
    u32::try_from(i).expect("a hash table holds fewer than 2^32 fields")
}

impl FieldTable {
    /// An empty table with room for `n` pairs.
    pub fn with_capacity(n: usize) -> Self {
        FieldTable {
            entries: Vec::with_capacity(n),
            index: HashTable::with_capacity(n),
            hasher: ahash::RandomState::new(),
        }
    }

    /// Number of pairs.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the table is empty.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn hash(&self, field: &[u8]) -> u64 {
        self.hasher.hash_one(field)
    }

    /// Position of `field`, if present.
    pub fn find(&self, field: &[u8]) -> Option<usize> {
        let entries = &self.entries;
        self.index
            .find(self.hash(field), |&i| {
                field_of(&entries[i as usize]) == field
            })
            .map(|&i| i as usize)
    }

    /// The value of `field`.
    pub fn get(&self, field: &[u8]) -> Option<&[u8]> {
        self.find(field).map(|i| self.get_index(i).1)
    }

    /// The pair at position `i` (`0..len`).
    ///
    /// # Panics
    /// If `i >= len`.
    pub fn get_index(&self, i: usize) -> (&[u8], &[u8]) {
        unpack(&self.entries[i])
    }

    /// Sets `field` to `value`; true when the field is new.
    pub fn insert(&mut self, field: &[u8], value: &[u8]) -> bool {
        if let Some(i) = self.find(field) {
            self.entries[i] = pack(field, value);
            return false;
        }
        let hash = self.hash(field);
        let n = pos(self.entries.len());
        self.entries.push(pack(field, value));
        let FieldTable {
            entries,
            index,
            hasher,
        } = self;
        index.insert_unique(hash, n, |&i| {
            hasher.hash_one(field_of(&entries[i as usize]))
        });
        true
    }

    /// Adds a pair whose field is known to be absent (conversion from a
    /// listpack, which never holds duplicates).
    pub(crate) fn push_new(&mut self, field: &[u8], value: &[u8]) {
        debug_assert!(self.find(field).is_none());
        let hash = self.hash(field);
        let n = pos(self.entries.len());
        self.entries.push(pack(field, value));
        let FieldTable {
            entries,
            index,
            hasher,
        } = self;
        index.insert_unique(hash, n, |&i| {
            hasher.hash_one(field_of(&entries[i as usize]))
        });
    }

    /// Removes `field`; true when it was present. The last pair takes the
    /// freed position.
    pub fn remove(&mut self, field: &[u8]) -> bool {
        let hash = self.hash(field);
        let entries = &self.entries;
        let Ok(found) = self
            .index
            .find_entry(hash, |&i| field_of(&entries[i as usize]) == field)
        else {
            return false;
        };
        let (at, _) = found.remove();
        let at = at as usize;
        let last = self.entries.len() - 1;
        self.entries.swap_remove(at);
        if at != last {
            let moved_hash = self.hash(field_of(&self.entries[at]));
            let slot = self
                .index
                .find_mut(moved_hash, |&i| i as usize == last)
                .expect("moved entry is indexed");
            *slot = pos(at);
        }
        self.maybe_shrink();
        true
    }

    /// Gives memory back once the table is at most a quarter full, as
    /// Redis resizes a dict after deletions.
    fn maybe_shrink(&mut self) {
        let len = self.entries.len();
        if self.entries.capacity() > 16 && self.entries.capacity() / 4 > len {
            self.entries.shrink_to(len * 2);
            let FieldTable {
                entries,
                index,
                hasher,
            } = self;
            index.shrink_to(len * 2, |&i| {
                hasher.hash_one(field_of(&entries[i as usize]))
            });
        }
    }

    /// The pairs in position order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&[u8], &[u8])> + '_ {
        self.entries.iter().map(|b| unpack(b))
    }

    /// Heap bytes held (blocks at their requested size, vector and index
    /// at capacity), for MEMORY USAGE-style estimates.
    pub fn heap_bytes(&self) -> usize {
        let blocks: usize = self.entries.iter().map(|b| b.len()).sum();
        blocks
            + self.entries.capacity() * std::mem::size_of::<Box<[u8]>>()
            + self.index.allocation_size()
    }

    /// Checks the invariants in the module docs.
    ///
    /// # Errors
    /// A description of the first broken invariant.
    pub fn validate(&self) -> Result<(), String> {
        if self.index.len() != self.entries.len() {
            return Err(format!(
                "index holds {} positions for {} entries",
                self.index.len(),
                self.entries.len()
            ));
        }
        let mut seen = vec![false; self.entries.len()];
        for &i in self.index.iter() {
            let slot = seen.get_mut(i as usize).ok_or("index past the entries")?;
            if std::mem::replace(slot, true) {
                return Err(format!("position {i} indexed twice"));
            }
        }
        for (i, block) in self.entries.iter().enumerate() {
            let (field, _) = try_unpack(block).ok_or("malformed entry")?;
            if self.find(field) != Some(i) {
                return Err(format!("field {field:?} at {i} not found at its position"));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insert_find_remove_keep_positions_dense() {
        let mut t = FieldTable::default();
        for i in 0..100u32 {
            assert!(t.insert(format!("f{i}").as_bytes(), &i.to_le_bytes()));
        }
        assert!(!t.insert(b"f7", b"seven"));
        assert_eq!(t.get(b"f7"), Some(&b"seven"[..]));
        for i in (0..100).step_by(3) {
            assert!(t.remove(format!("f{i}").as_bytes()));
            t.validate().unwrap();
        }
        assert!(!t.remove(b"f0"));
        assert_eq!(t.len(), 66);
        assert_eq!(t.get(b"f7"), Some(&b"seven"[..]));
        for i in 0..100 {
            t.remove(format!("f{i}").as_bytes());
        }
        assert!(t.is_empty());
        t.validate().unwrap();
    }

    #[test]
    fn long_fields_use_multibyte_prefixes() {
        let mut t = FieldTable::default();
        let long = vec![b'x'; 20_000];
        t.insert(&long, b"v");
        t.insert(b"", &long);
        assert_eq!(t.get(&long), Some(&b"v"[..]));
        assert_eq!(t.get(b""), Some(&long[..]));
        t.validate().unwrap();
        let mut other = FieldTable::default();
        other.insert(b"", &long);
        other.insert(&long, b"v");
        assert_eq!(t, other);
    }
}
