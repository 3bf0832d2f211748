//! A hash: a listpack while small, then a hash table, never back.
//!
//! # Encodings
//!
//! * `listpack`: field, value, field, value ... in insertion order, in the
//!   byte-exact [`Listpack`]; lookups walk it comparing fields only.
//! * `hashtable`: a [`FieldTable`] (dense entry vector plus a hash index).
//!
//! # Thresholds
//!
//! Taken from the configuration at each write (`hash-max-listpack-entries`,
//! default 512, and `hash-max-listpack-value`, default 64), at the points
//! Redis 7.0.15 checks them:
//!
//! * before HSET/HMSET/HSETNX writes, when any of its field or value
//!   arguments is longer than the value limit, or their total would take the
//!   listpack past its 1 GiB safety limit ([`HashValue::prepare_for`]). The
//!   number of pairs given does not matter, only what ends up stored;
//! * on every single field write (including updates and HINCRBY*), when the
//!   field or the new value is longer than the value limit;
//! * after every single field write, when the listpack holds more fields
//!   than the entries limit (also for updates, so a lowered limit converts
//!   an existing hash at its next write).
//!
//! Deleting never converts back; only rebuilding the value (RESTORE, RDB
//! load) would.

mod arena;
mod commands;
mod fieldhash;
mod index;
mod table;
#[cfg(test)]
mod tests;

pub use self::commands::{FieldValues, HashScanOptions};
pub use self::table::FieldTable;

use rand::Rng;
use rand::rngs::SmallRng;

use crate::config::Config;
use crate::encoding::listpack::{Elem, Listpack, Pos};
use crate::types::listpack_room;
use crate::util::glob::Glob;
use crate::value::Encoding;

/// The value of a hash: listpack while small, then a hash table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HashValue {
    /// Field/value pairs in a listpack, in insertion order.
    Listpack(Listpack),
    /// A hash table (boxed, so a hash value stays as small as a listpack's
    /// handle and every key's entry stays small).
    Table(Box<FieldTable>),
}

impl Default for HashValue {
    fn default() -> Self {
        HashValue::Listpack(Listpack::new())
    }
}

/// The two conversion thresholds, copied out of the configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HashLimits {
    /// `hash-max-listpack-entries`: most fields a listpack hash holds.
    pub max_entries: usize,
    /// `hash-max-listpack-value`: longest field or value in a listpack hash.
    pub max_value: usize,
}

impl HashLimits {
    /// The limits currently configured.
    pub fn from_config(config: &Config) -> Self {
        HashLimits {
            max_entries: config.hash_max_listpack_entries,
            max_value: config.hash_max_listpack_value,
        }
    }
}

impl Default for HashLimits {
    fn default() -> Self {
        Self::from_config(&Config::default())
    }
}

/// Position of `field` in a hash listpack (fields only, Redis `lpFind` with
/// skip 1).
fn lp_find(lp: &Listpack, field: &[u8]) -> Option<Pos> {
    lp.find_field(field)
}

/// The value entry following a field entry.
fn lp_value(lp: &Listpack, field_pos: Pos) -> Pos {
    lp.next_pos(field_pos)
        .expect("a hash listpack pairs every field")
}

/// Sets `field` to `value` in a hash listpack, growing it by
/// [`listpack_room`]; true when the field is new. No conversion.
#[inline]
fn lp_set(lp: &mut Listpack, field: &[u8], value: &[u8]) -> bool {
    match lp_find(lp, field) {
        Some(p) => {
            let vp = lp_value(lp, p);
            let grow = Listpack::entry_size(value).saturating_sub(lp.entry_len_at(vp));
            lp.reserve_exact(grow);
            lp.replace_at(vp, value);
            false
        }
        None => {
            lp.push_pair_grown(field, value, listpack_room);
            true
        }
    }
}

/// Iterator over a hash's (field, value) pairs, as borrowed elements.
#[derive(Debug)]
pub enum Pairs<'a> {
    /// Walking a listpack.
    Listpack(crate::encoding::listpack::Iter<'a>),
    /// Walking a table's entries.
    Table(&'a FieldTable, std::ops::Range<usize>),
}

impl<'a> Iterator for Pairs<'a> {
    type Item = (Elem<'a>, Elem<'a>);

    fn next(&mut self) -> Option<Self::Item> {
        match self {
            Pairs::Listpack(it) => Some((it.next()?, it.next()?)),
            Pairs::Table(t, range) => {
                let (f, v) = t.get_index(range.next()?);
                Some((Elem::Str(f), Elem::Str(v)))
            }
        }
    }
}

impl HashValue {
    /// An empty hash (listpack-encoded, as Redis creates them).
    pub fn new() -> Self {
        Self::default()
    }

    /// The encoding OBJECT ENCODING reports.
    pub fn encoding(&self) -> Encoding {
        match self {
            HashValue::Listpack(_) => Encoding::Listpack,
            HashValue::Table(_) => Encoding::Hashtable,
        }
    }

    /// Number of fields.
    pub fn len(&self) -> usize {
        match self {
            HashValue::Listpack(lp) => lp.len() / 2,
            HashValue::Table(t) => t.len(),
        }
    }

    /// Whether the hash has no fields (never true for a stored key).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The value of `field`, borrowed.
    pub fn get(&self, field: &[u8]) -> Option<Elem<'_>> {
        match self {
            HashValue::Listpack(lp) => lp_find(lp, field).map(|p| lp.at(lp_value(lp, p))),
            HashValue::Table(t) => t.get(field).map(Elem::Str),
        }
    }

    /// Whether `field` is present.
    pub fn contains(&self, field: &[u8]) -> bool {
        match self {
            HashValue::Listpack(lp) => lp_find(lp, field).is_some(),
            HashValue::Table(t) => t.find(field).is_some(),
        }
    }

    /// The pairs in iteration order (insertion order while a listpack).
    pub fn iter(&self) -> Pairs<'_> {
        match self {
            HashValue::Listpack(lp) => Pairs::Listpack(lp.iter()),
            HashValue::Table(t) => Pairs::Table(t, 0..t.len()),
        }
    }

    /// Converts a listpack hash to a hash table (no-op for a table).
    pub fn convert_to_table(&mut self) {
        if let HashValue::Listpack(lp) = self {
            let mut t = FieldTable::with_capacity(lp.len() / 2);
            let (mut f, mut v) = (Vec::new(), Vec::new());
            for (field, value) in lp.pairs() {
                f.clear();
                v.clear();
                field.write_to(&mut f);
                value.write_to(&mut v);
                t.push_new(&f, &v);
            }
            *self = HashValue::Table(Box::new(t));
        }
    }

    /// Redis's up-front check before HSET/HMSET/HSETNX write their
    /// arguments (`longest` is the longest field or value given, `total`
    /// their summed length): converts when one is longer than the value
    /// limit or the total would take the listpack past its safety limit.
    pub fn prepare_for(&mut self, longest: usize, total: usize, limits: HashLimits) {
        let HashValue::Listpack(lp) = self else {
            return;
        };
        if longest > limits.max_value || !lp.safe_to_add(total) {
            self.convert_to_table();
        }
    }

    /// Sets `field` to `value`, converting as the module docs say; true
    /// when the field is new (Redis `hashTypeSet`).
    pub fn set(&mut self, field: &[u8], value: &[u8], limits: HashLimits) -> bool {
        if matches!(self, HashValue::Listpack(_))
            && (field.len() > limits.max_value || value.len() > limits.max_value)
        {
            self.convert_to_table();
        }
        match self {
            HashValue::Listpack(lp) => {
                let new = lp_set(lp, field, value);
                if lp.len() / 2 > limits.max_entries {
                    self.convert_to_table();
                }
                new
            }
            HashValue::Table(t) => t.insert(field, value),
        }
    }

    /// One pair written by HSET or HSETNX: [`HashValue::prepare_for`]
    /// with that pair alone, then [`HashValue::set`], with the checks a
    /// listpack passes (both within the value limit, within the safety
    /// limit) made once.
    #[inline]
    pub fn set_one(&mut self, field: &[u8], value: &[u8], limits: HashLimits) -> bool {
        let (f, v) = (field.len(), value.len());
        if let HashValue::Listpack(lp) = self
            && f <= limits.max_value
            && v <= limits.max_value
            && lp.safe_to_add(f + v)
        {
            let new = lp_set(lp, field, value);
            if lp.len() / 2 > limits.max_entries {
                self.convert_to_table();
            }
            return new;
        }
        self.prepare_for(f.max(v), f + v, limits);
        self.set(field, value, limits)
    }

    /// Removes `field`; true when it was present. Never converts.
    pub fn remove(&mut self, field: &[u8]) -> bool {
        match self {
            HashValue::Listpack(lp) => match lp_find(lp, field) {
                Some(p) => {
                    lp.remove_from(p, 2);
                    true
                }
                None => false,
            },
            HashValue::Table(t) => t.remove(field),
        }
    }

    /// One uniformly random pair. `None` only for an empty hash.
    pub fn random_pair(&self, rng: &mut SmallRng) -> Option<(Elem<'_>, Elem<'_>)> {
        let n = self.len();
        if n == 0 {
            return None;
        }
        self.iter().nth(rng.random_range(0..n))
    }

    /// `count` pairs drawn independently (repeats allowed), in draw order:
    /// HRANDFIELD with a negative count.
    pub fn random_pairs(&self, rng: &mut SmallRng, count: usize) -> Vec<(Elem<'_>, Elem<'_>)> {
        let n = self.len();
        if n == 0 {
            return Vec::new();
        }
        match self {
            HashValue::Listpack(_) => {
                let all: Vec<_> = self.iter().collect();
                (0..count).map(|_| all[rng.random_range(0..n)]).collect()
            }
            HashValue::Table(t) => (0..count)
                .map(|_| {
                    let (f, v) = t.get_index(rng.random_range(0..n));
                    (Elem::Str(f), Elem::Str(v))
                })
                .collect(),
        }
    }

    /// `count` distinct pairs (all of them, in iteration order, when
    /// `count >= len`): HRANDFIELD with a positive count. A listpack's
    /// sample keeps listpack order, as Redis's.
    pub fn random_distinct(&self, rng: &mut SmallRng, count: usize) -> Vec<(Elem<'_>, Elem<'_>)> {
        let n = self.len();
        if count >= n {
            return self.iter().collect();
        }
        let mut picks = rand::seq::index::sample(rng, n, count).into_vec();
        match self {
            HashValue::Listpack(_) => {
                picks.sort_unstable();
                let mut want = picks.into_iter().peekable();
                self.iter()
                    .enumerate()
                    .filter(|(i, _)| want.next_if_eq(i).is_some())
                    .map(|(_, p)| p)
                    .collect()
            }
            HashValue::Table(t) => picks
                .into_iter()
                .map(|i| {
                    let (f, v) = t.get_index(i);
                    (Elem::Str(f), Elem::Str(v))
                })
                .collect(),
        }
    }

    /// One HSCAN step: the next cursor (0 when done) and the pairs found.
    /// A listpack is returned whole with cursor 0, as Redis does; a table
    /// is walked from its last position down, `count` positions per call,
    /// with the keyspace SCAN's cursor scheme (every field present for the
    /// whole scan is returned at least once).
    pub fn scan(
        &self,
        cursor: u64,
        count: usize,
        pattern: Option<&Glob>,
    ) -> (u64, Vec<(Elem<'_>, Elem<'_>)>) {
        let keep = |f: &Elem<'_>| {
            pattern.is_none_or(|g| match *f {
                Elem::Str(s) => g.matches(s),
                Elem::Int(_) => g.matches(&f.to_vec()),
            })
        };
        match self {
            HashValue::Listpack(_) => (0, self.iter().filter(|(f, _)| keep(f)).collect()),
            HashValue::Table(t) => {
                let len = t.len();
                let start = match cursor {
                    0 => len,
                    c => usize::try_from(c).map_or(len, |c| c.min(len)),
                };
                let next = start.saturating_sub(count.max(1));
                let found = (next..start)
                    .rev()
                    .map(|i| {
                        let (f, v) = t.get_index(i);
                        (Elem::Str(f), Elem::Str(v))
                    })
                    .filter(|(f, _)| keep(f))
                    .collect();
                (next as u64, found)
            }
        }
    }

    /// Checks the hash's invariants: a valid listpack with an even number
    /// of entries and no repeated field, or a consistent table; never empty.
    ///
    /// # Errors
    /// A description of the first broken invariant.
    pub fn validate(&self) -> Result<(), String> {
        if self.is_empty() {
            return Err("empty hash stored".into());
        }
        match self {
            HashValue::Listpack(lp) => {
                lp.validate(true).map_err(|e| format!("listpack: {e}"))?;
                if lp.len() % 2 != 0 {
                    return Err("listpack holds an odd number of entries".into());
                }
                let mut seen = std::collections::HashSet::new();
                for (f, _) in lp.pairs() {
                    if !seen.insert(f.to_vec()) {
                        return Err(format!("field {:?} repeated", f.to_vec()));
                    }
                }
                Ok(())
            }
            HashValue::Table(t) => t.validate(),
        }
    }
}
