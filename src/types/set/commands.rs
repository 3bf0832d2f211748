//! Typed set commands on [`Keyspace`]: SADD and friends.

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

use super::ops::{self, Source};
use super::{SetValue, intset_limit};
use crate::error::{Error, Result};
use crate::keyspace::Keyspace;
use crate::util::glob::Glob;
use crate::value::Value;

/// Options of SSCAN: `[MATCH pattern] [COUNT count]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetScanOptions {
    /// `MATCH`: keep only members matching this glob (`*` keeps everything).
    pub pattern: Option<Vec<u8>>,
    /// `COUNT`: how many positions one call visits in a hashtable-encoded
    /// set (a hint, at least 1; default 10). An intset is returned whole.
    pub count: usize,
}

impl Default for SetScanOptions {
    fn default() -> Self {
        SetScanOptions {
            pattern: None,
            count: 10,
        }
    }
}

/// Largest |count| SRANDMEMBER serves with repeats; Redis streams any
/// count, we build the reply in memory.
const MAX_RANDOM_COUNT: u64 = 1 << 32;

/// SPOP rebuilds the set from the kept members when fewer than a fifth of
/// the count would remain (Redis's `SPOP_MOVE_STRATEGY_MUL`).
const SPOP_REBUILD_MUL: usize = 5;

fn as_set(v: &mut Value) -> Option<&mut SetValue> {
    match v {
        Value::Set(s) => Some(s),
        _ => None,
    }
}

fn owned(set: &SetValue) -> Vec<Vec<u8>> {
    set.iter().map(|e| e.to_vec()).collect()
}

impl Keyspace {
    /// A random source for one command, seeded from the keyspace's.
    fn set_rng(&mut self) -> SmallRng {
        SmallRng::seed_from_u64(self.rng.random())
    }

    /// The set under `key` as it is now, without any lookup side effects.
    pub(super) fn set_ref(&self, key: &[u8]) -> Option<&SetValue> {
        match self.db().get(key).map(|e| &e.value) {
            Some(Value::Set(s)) => Some(s),
            _ => None,
        }
    }

    /// Looks each key up for reading, in order (lazy expiry, statistics,
    /// access times), failing on the first that holds another type.
    fn lookup_sources(&mut self, keys: &[&[u8]]) -> Result<()> {
        for key in keys {
            self.read_typed(key, as_set)?;
        }
        Ok(())
    }

    fn sources(&self, keys: &[&[u8]]) -> Vec<Source<'_>> {
        keys.iter().map(|k| self.set_ref(k)).collect()
    }

    /// Stores a computed set under `dst` (replacing any value and TTL), or
    /// deletes `dst` when it is empty; returns its size.
    fn store_set(&mut self, dst: &[u8], set: SetValue) -> usize {
        let n = set.len();
        if n == 0 {
            self.delete_key(dst);
        } else {
            self.lookup_write(dst);
            self.set_key(dst, Value::Set(set), false);
        }
        n
    }

    /// ```text
    /// SADD key member [member ...]
    /// ```
    /// Adds the members, creating the set (an intset when the first member
    /// is an integer) when missing; returns how many were new.
    ///
    /// # Complexity
    /// O(1) per member (O(n) per member while intset-encoded).
    ///
    /// # Errors
    /// [`Error::WrongType`] when the key holds another type.
    ///
    /// [`Error::OutOfMemory`](crate::Error::OutOfMemory) when used memory is over `maxmemory`
    /// and eviction cannot bring it under; nothing is changed then.
    pub fn sadd(&mut self, key: &[u8], members: &[&[u8]]) -> Result<usize> {
        self.make_room()?;
        let Some(first) = members.first() else {
            self.write_typed(key, as_set)?;
            return Ok(0);
        };
        let limit = intset_limit(&self.config);
        let make = || Value::Set(SetValue::new_for(first));
        let set = self.write_typed_or_insert(key, as_set, make)?;
        let added = members.iter().filter(|m| set.add(m, limit)).count();
        if added > 0 {
            self.signal_modified(key);
        }
        Ok(added)
    }

    /// ```text
    /// SREM key member [member ...]
    /// ```
    /// Removes the members; returns how many were present. The key is
    /// deleted when its last member goes.
    ///
    /// # Complexity
    /// O(1) per member (O(n) per member while intset-encoded).
    ///
    /// # Errors
    /// [`Error::WrongType`] when the key holds another type.
    pub fn srem(&mut self, key: &[u8], members: &[&[u8]]) -> Result<usize> {
        let Some(set) = self.write_typed(key, as_set)? else {
            return Ok(0);
        };
        let mut removed = 0;
        for m in members {
            if set.remove(m) {
                removed += 1;
                if set.is_empty() {
                    break;
                }
            }
        }
        if set.is_empty() {
            self.remove_emptied(key);
        } else if removed > 0 {
            self.signal_modified(key);
        }
        Ok(removed)
    }

    /// ```text
    /// SMEMBERS key
    /// ```
    /// Every member (ascending while intset-encoded; empty for a missing key).
    ///
    /// # Complexity
    /// O(n).
    ///
    /// # Errors
    /// [`Error::WrongType`] when the key holds another type.
    pub fn smembers(&mut self, key: &[u8]) -> Result<Vec<Vec<u8>>> {
        Ok(self
            .read_typed(key, as_set)?
            .map_or_else(Vec::new, |s| owned(s)))
    }

    /// ```text
    /// SISMEMBER key member
    /// ```
    /// Whether `member` is in the set.
    ///
    /// # Complexity
    /// O(1) (O(log n) while intset-encoded).
    ///
    /// # Errors
    /// [`Error::WrongType`] when the key holds another type.
    pub fn sismember(&mut self, key: &[u8], member: &[u8]) -> Result<bool> {
        Ok(self
            .read_typed(key, as_set)?
            .is_some_and(|s| s.contains(member)))
    }

    /// ```text
    /// SMISMEMBER key member [member ...]
    /// ```
    /// Whether each member is in the set (all false for a missing key).
    ///
    /// # Complexity
    /// O(1) per member (O(log n) while intset-encoded).
    ///
    /// # Errors
    /// [`Error::WrongType`] when the key holds another type.
    pub fn smismember(&mut self, key: &[u8], members: &[&[u8]]) -> Result<Vec<bool>> {
        let set = self.read_typed(key, as_set)?;
        Ok(members
            .iter()
            .map(|m| set.as_ref().is_some_and(|s| s.contains(m)))
            .collect())
    }

    /// ```text
    /// SCARD key
    /// ```
    /// Number of members (0 for a missing key).
    ///
    /// # Complexity
    /// O(1).
    ///
    /// # Errors
    /// [`Error::WrongType`] when the key holds another type.
    pub fn scard(&mut self, key: &[u8]) -> Result<usize> {
        Ok(self.read_typed(key, as_set)?.map_or(0, |s| s.len()))
    }

    /// ```text
    /// SPOP key
    /// ```
    /// Removes and returns a random member (`None` for a missing key).
    ///
    /// # Complexity
    /// O(1) (O(n) while intset-encoded).
    ///
    /// # Errors
    /// [`Error::WrongType`] when the key holds another type.
    pub fn spop(&mut self, key: &[u8]) -> Result<Option<Vec<u8>>> {
        let mut rng = self.set_rng();
        let Some(set) = self.write_typed(key, as_set)? else {
            return Ok(None);
        };
        let member = set.pop_random(&mut rng);
        if set.is_empty() {
            self.remove_emptied(key);
        } else {
            self.signal_modified(key);
        }
        Ok(member)
    }

    /// ```text
    /// SPOP key count
    /// ```
    /// Removes and returns up to `count` distinct random members. A count
    /// covering the whole set returns it in the order Redis does (ascending
    /// when it is all integers within the intset limit) and deletes the key.
    /// When at most a fifth of `count` members would remain, the set is
    /// rebuilt from the survivors, which may turn it back into an intset.
    ///
    /// # Complexity
    /// O(count) (O(n) per member while intset-encoded).
    ///
    /// # Errors
    /// [`Error::WrongType`] when the key holds another type.
    pub fn spop_count(&mut self, key: &[u8], count: usize) -> Result<Vec<Vec<u8>>> {
        let limit = intset_limit(&self.config);
        let mut rng = self.set_rng();
        let Some(set) = self.write_typed(key, as_set)? else {
            return Ok(Vec::new());
        };
        if count == 0 {
            return Ok(Vec::new());
        }
        let size = set.len();
        if count >= size {
            let all = owned(&ops::union(&[Some(&*set)], limit));
            self.remove_emptied(key);
            return Ok(all);
        }
        let remaining = size - count;
        let popped = if remaining * SPOP_REBUILD_MUL > count {
            set.pop_many(count, &mut rng)
        } else {
            let mut kept: Option<SetValue> = None;
            for _ in 0..remaining {
                let Some(m) = set.pop_random(&mut rng) else {
                    break;
                };
                kept.get_or_insert_with(|| SetValue::new_for(&m))
                    .add(&m, limit);
            }
            let popped = owned(set);
            if let Some(kept) = kept {
                *set = kept;
            }
            popped
        };
        self.signal_modified(key);
        Ok(popped)
    }

    /// ```text
    /// SRANDMEMBER key
    /// ```
    /// A random member (`None` for a missing key).
    ///
    /// # Complexity
    /// O(1).
    ///
    /// # Errors
    /// [`Error::WrongType`] when the key holds another type.
    pub fn srandmember(&mut self, key: &[u8]) -> Result<Option<Vec<u8>>> {
        let mut rng = self.set_rng();
        let set = self.read_typed(key, as_set)?;
        Ok(set.map(|s| s.get_index(s.random_index(&mut rng)).to_vec()))
    }

    /// ```text
    /// SRANDMEMBER key count
    /// ```
    /// With `count > 0`, up to `count` distinct members (the whole set, in
    /// its iteration order, when `count` is at least its size); with
    /// `count < 0`, exactly `|count|` members drawn independently.
    ///
    /// # Complexity
    /// O(|count|) (O(n) when the count nears the size).
    ///
    /// # Errors
    /// [`Error::WrongType`]; `ERR value is out of range` for a negative
    /// count beyond 2^32 (whose reply would not fit in memory).
    pub fn srandmember_count(&mut self, key: &[u8], count: i64) -> Result<Vec<Vec<u8>>> {
        let mut rng = self.set_rng();
        let Some(set) = self.read_typed(key, as_set)? else {
            return Ok(Vec::new());
        };
        let n = count.unsigned_abs();
        if count < 0 && n > MAX_RANDOM_COUNT {
            return Err(Error::other("ERR value is out of range"));
        }
        let size = set.len();
        if count < 0 || count == 1 {
            let picks = (0..n).map(|_| set.random_index(&mut rng)).collect();
            return Ok(set.members_at(picks, &mut rng));
        }
        let n = usize::try_from(n).unwrap_or(usize::MAX);
        if n >= size {
            return Ok(owned(set));
        }
        let picks = rand::seq::index::sample(&mut rng, size, n).into_vec();
        Ok(set.members_at(picks, &mut rng))
    }

    /// ```text
    /// SMOVE source destination member
    /// ```
    /// Moves `member` from one set to another (creating the destination
    /// when missing, deleting the source when emptied); true when it was
    /// in the source. With `source == destination`, reports membership.
    ///
    /// # Complexity
    /// O(1) (O(n) while intset-encoded).
    ///
    /// # Errors
    /// [`Error::WrongType`] when the source, or (only if the source
    /// exists) the destination, holds another type.
    pub fn smove(&mut self, src: &[u8], dst: &[u8], member: &[u8]) -> Result<bool> {
        let limit = intset_limit(&self.config);
        let src_type = self.lookup_write(src).map(|e| e.value.value_type());
        let dst_type = self.lookup_write(dst).map(|e| e.value.value_type());
        let set_type = Some(crate::value::ValueType::Set);
        if src_type.is_none() {
            return Ok(false);
        }
        if src_type != set_type || dst_type.is_some_and(|t| Some(t) != set_type) {
            return Err(Error::WrongType);
        }
        let source = self.set_mut_quiet(src).expect("looked up");
        if src == dst {
            return Ok(source.contains(member));
        }
        if !source.remove(member) {
            return Ok(false);
        }
        if source.is_empty() {
            self.remove_emptied(src);
        } else {
            self.signal_modified(src);
        }
        match self.set_mut_quiet(dst) {
            Some(dest) => {
                if dest.add(member, limit) {
                    self.signal_modified(dst);
                }
            }
            None => {
                let mut dest = SetValue::new_for(member);
                dest.add(member, limit);
                self.add_key(dst, Value::Set(dest));
            }
        }
        Ok(true)
    }

    fn set_mut_quiet(&mut self, key: &[u8]) -> Option<&mut SetValue> {
        self.db_mut()
            .get_mut(key)
            .and_then(|e| as_set(&mut e.value))
    }

    /// ```text
    /// SINTER key [key ...]
    /// ```
    /// Members present in every set (a missing key is an empty set), in
    /// the iteration order of the smallest set.
    ///
    /// # Complexity
    /// O(n * m): n the smallest set's size, m the number of keys.
    ///
    /// # Errors
    /// [`Error::WrongType`] for the first key that holds another type.
    pub fn sinter(&mut self, keys: &[&[u8]]) -> Result<Vec<Vec<u8>>> {
        self.lookup_sources(keys)?;
        let Some(sets) = self.sources(keys).into_iter().collect::<Option<Vec<_>>>() else {
            return Ok(Vec::new());
        };
        let mut out = Vec::new();
        ops::for_each_common(&sets, |e| {
            out.push(e.to_vec());
            true
        });
        Ok(out)
    }

    /// ```text
    /// SINTERCARD numkeys key [key ...] [LIMIT limit]
    /// ```
    /// The size of the intersection, counting stopped at `limit` (0 = no
    /// limit).
    ///
    /// # Complexity
    /// O(n * m): n the smallest set's size, m the number of keys.
    ///
    /// # Errors
    /// [`Error::WrongType`] for the first key that holds another type.
    pub fn sintercard(&mut self, keys: &[&[u8]], limit: usize) -> Result<usize> {
        self.lookup_sources(keys)?;
        let Some(sets) = self.sources(keys).into_iter().collect::<Option<Vec<_>>>() else {
            return Ok(0);
        };
        let mut n = 0;
        ops::for_each_common(&sets, |_| {
            n += 1;
            limit == 0 || n < limit
        });
        Ok(n)
    }

    /// ```text
    /// SINTERSTORE destination key [key ...]
    /// ```
    /// Stores the intersection in `destination` (deleting it when empty);
    /// returns its size.
    ///
    /// # Complexity
    /// O(n * m): n the smallest set's size, m the number of keys.
    ///
    /// # Errors
    /// [`Error::WrongType`] for the first source that holds another type.
    ///
    /// [`Error::OutOfMemory`](crate::Error::OutOfMemory) when used memory is over `maxmemory`
    /// and eviction cannot bring it under; nothing is changed then.
    pub fn sinterstore(&mut self, dst: &[u8], keys: &[&[u8]]) -> Result<usize> {
        self.make_room()?;
        self.lookup_sources(keys)?;
        let limit = intset_limit(&self.config);
        let sets = self.sources(keys).into_iter().collect::<Option<Vec<_>>>();
        let result = sets.map_or_else(SetValue::new_intset, |s| ops::intersection(&s, limit));
        Ok(self.store_set(dst, result))
    }

    fn union_of(&mut self, keys: &[&[u8]]) -> Result<SetValue> {
        self.lookup_sources(keys)?;
        let limit = intset_limit(&self.config);
        Ok(ops::union(&self.sources(keys), limit))
    }

    fn difference_of(&mut self, keys: &[&[u8]]) -> Result<SetValue> {
        self.lookup_sources(keys)?;
        let limit = intset_limit(&self.config);
        Ok(ops::difference(&self.sources(keys), limit))
    }

    /// ```text
    /// SUNION key [key ...]
    /// ```
    /// Members of any of the sets (ascending when the result is all
    /// integers within the intset limit).
    ///
    /// # Complexity
    /// O(total members).
    ///
    /// # Errors
    /// [`Error::WrongType`] for the first key that holds another type.
    pub fn sunion(&mut self, keys: &[&[u8]]) -> Result<Vec<Vec<u8>>> {
        Ok(owned(&self.union_of(keys)?))
    }

    /// ```text
    /// SUNIONSTORE destination key [key ...]
    /// ```
    /// Stores the union in `destination` (deleting it when empty); returns
    /// its size.
    ///
    /// # Complexity
    /// O(total members).
    ///
    /// # Errors
    /// [`Error::WrongType`] for the first source that holds another type.
    ///
    /// [`Error::OutOfMemory`](crate::Error::OutOfMemory) when used memory is over `maxmemory`
    /// and eviction cannot bring it under; nothing is changed then.
    pub fn sunionstore(&mut self, dst: &[u8], keys: &[&[u8]]) -> Result<usize> {
        self.make_room()?;
        let result = self.union_of(keys)?;
        Ok(self.store_set(dst, result))
    }

    /// ```text
    /// SDIFF key [key ...]
    /// ```
    /// Members of the first set that are in none of the others (ascending
    /// when the result is an intset).
    ///
    /// # Complexity
    /// O(total members) at most.
    ///
    /// # Errors
    /// [`Error::WrongType`] for the first key that holds another type.
    pub fn sdiff(&mut self, keys: &[&[u8]]) -> Result<Vec<Vec<u8>>> {
        Ok(owned(&self.difference_of(keys)?))
    }

    /// ```text
    /// SDIFFSTORE destination key [key ...]
    /// ```
    /// Stores the difference in `destination` (deleting it when empty);
    /// returns its size.
    ///
    /// # Complexity
    /// O(total members) at most.
    ///
    /// # Errors
    /// [`Error::WrongType`] for the first source that holds another type.
    ///
    /// [`Error::OutOfMemory`](crate::Error::OutOfMemory) when used memory is over `maxmemory`
    /// and eviction cannot bring it under; nothing is changed then.
    pub fn sdiffstore(&mut self, dst: &[u8], keys: &[&[u8]]) -> Result<usize> {
        self.make_room()?;
        let result = self.difference_of(keys)?;
        Ok(self.store_set(dst, result))
    }

    /// ```text
    /// SSCAN key cursor [MATCH pattern] [COUNT count]
    /// ```
    /// One step of an incremental iteration: the next cursor (0 when done)
    /// and the members found. An intset comes back whole with cursor 0, as
    /// in Redis; a table `count` positions at a time, returning every
    /// member present for the whole scan at least once (cursor values
    /// differ from Redis's).
    ///
    /// # Complexity
    /// O(count) per call (O(n) while intset-encoded).
    ///
    /// # Errors
    /// [`Error::WrongType`] when the key holds another type.
    pub fn sscan(
        &mut self,
        key: &[u8],
        cursor: u64,
        opts: &SetScanOptions,
    ) -> Result<(u64, Vec<Vec<u8>>)> {
        self.sscan_parsed(key, cursor, Ok(opts.clone()))
    }

    /// [`Keyspace::sscan`] with options whose parse may have failed: as in
    /// Redis, a missing key or a wrong type is reported before them.
    pub(crate) fn sscan_parsed(
        &mut self,
        key: &[u8],
        cursor: u64,
        opts: Result<SetScanOptions>,
    ) -> Result<(u64, Vec<Vec<u8>>)> {
        let Some(set) = self.read_typed(key, as_set)? else {
            return Ok((0, Vec::new()));
        };
        let opts = opts?;
        let glob = opts
            .pattern
            .as_deref()
            .filter(|p| *p != b"*")
            .map(|p| Glob::new(p, false));
        Ok(set.scan(cursor, opts.count, glob.as_ref()))
    }

    /// The checks of every set in the selected database
    /// ([`SetValue::validate`]).
    ///
    /// # Errors
    /// The first key whose set is broken, with the reason.
    pub fn validate_sets(&self) -> std::result::Result<(), String> {
        for (key, entry) in self.db().iter() {
            if let Value::Set(s) = &entry.value {
                s.validate().map_err(|e| format!("set {key:?}: {e}"))?;
            }
        }
        Ok(())
    }
}
