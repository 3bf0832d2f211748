//! Typed hash commands on [`Keyspace`]: HSET and friends.

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

use super::{HashLimits, HashValue};
use crate::encoding::listpack::{Elem, Listpack};
use crate::error::{Error, Result};
use crate::keyspace::Keyspace;
use crate::types::listpack_room;
use crate::util::float::{hincr_long_double, parse_float_increment};
use crate::util::glob::Glob;
use crate::util::num::{format_i64, parse_i64};
use crate::value::Value;

/// Options of HSCAN: `[MATCH pattern] [COUNT count]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HashScanOptions {
    /// `MATCH`: keep only fields matching this glob (`*` keeps everything).
    pub pattern: Option<Vec<u8>>,
    /// `COUNT`: how many fields one call visits in a hashtable-encoded hash
    /// (a hint, at least 1; default 10). A listpack is returned whole.
    pub count: usize,
}

impl Default for HashScanOptions {
    fn default() -> Self {
        HashScanOptions {
            pattern: None,
            count: 10,
        }
    }
}

/// The pairs a hash command returns, as owned bytes.
pub type FieldValues = Vec<(Vec<u8>, Vec<u8>)>;

/// Largest |count| HRANDFIELD serves; Redis streams any count, we build
/// the reply in memory.
const MAX_RANDOM_COUNT: u64 = 1 << 32;

fn as_hash(v: &mut Value) -> Option<&mut HashValue> {
    match v {
        Value::Hash(h) => Some(h),
        _ => None,
    }
}

/// The capacity a hash created for its first pair (`field`, `value`) is
/// given: what growing an empty listpack to take the pair would give it.
fn first_room(field: &[u8], value: &[u8]) -> usize {
    listpack_room(
        Listpack::new().total_bytes() + Listpack::entry_size(field) + Listpack::entry_size(value),
    )
}

/// HSET's writes of several pairs into a hash: Redis's up-front
/// conversion check for a listpack, then each pair in turn; how many
/// fields were new (one pair takes [`HashValue::set_one`]).
fn set_pairs(h: &mut HashValue, pairs: &[(&[u8], &[u8])], limits: HashLimits) -> usize {
    if let HashValue::Listpack(_) = h {
        let lens = pairs.iter().flat_map(|(f, v)| [f.len(), v.len()]);
        h.prepare_for(lens.clone().max().unwrap_or(0), lens.sum(), limits);
    }
    pairs.iter().filter(|(f, v)| h.set(f, v, limits)).count()
}

fn owned((f, v): (Elem<'_>, Elem<'_>)) -> (Vec<u8>, Vec<u8>) {
    (f.to_vec(), v.to_vec())
}

impl Keyspace {
    /// The hash at `key` for a write command, created empty (with room
    /// for `room()` listpack bytes) when missing, in one probe of the key
    /// table. Creating it is not a change of its
    /// own (Redis's `dbAdd` leaves the write counter alone), so the command
    /// passes the [`Keyspace::write_mark`] taken before this call to
    /// [`Keyspace::hash_written`] once it has written.
    ///
    /// # Errors
    /// [`Error::WrongType`] when the key holds another type.
    fn hash_for_write(
        &mut self,
        key: &[u8],
        room: impl FnOnce() -> usize,
    ) -> Result<&mut HashValue> {
        let make = || Value::Hash(HashValue::Listpack(Listpack::with_capacity(room())));
        self.write_typed_or_insert(key, as_hash, make)
    }

    /// The write and expiry counters before a hash write.
    fn write_mark(&self) -> (u64, u64) {
        (self.stats.dirty, self.stats.expired_keys)
    }

    /// Signals the write of `key` and sets the write counter to its value
    /// at `before` plus `changes` (Redis counts one per pair written) plus
    /// one per key that expired meanwhile, whatever creating the hash
    /// counted.
    fn hash_written(&mut self, key: &[u8], before: (u64, u64), changes: usize) {
        self.signal_modified(key);
        let expired = self.stats.expired_keys - before.1;
        self.stats.dirty = before.0 + changes as u64 + expired;
    }

    /// ```text
    /// HSET key field value [field value ...]
    /// ```
    /// Sets each field (later pairs win over earlier ones with the same
    /// field), creating the hash when missing; returns how many fields were
    /// new. An empty `pairs` changes nothing.
    ///
    /// # Complexity
    /// O(1) per pair (O(n) per pair while listpack-encoded).
    ///
    /// # Errors
    /// [`Error::WrongType`] when the key holds another type.
    ///
    /// [`Error::OutOfMemory`](crate::Error::OutOfMemory) when used memory is over `maxmemory`
    /// and eviction cannot bring it under; nothing is changed then.
    pub fn hset(&mut self, key: &[u8], pairs: &[(&[u8], &[u8])]) -> Result<usize> {
        self.make_room()?;
        if pairs.is_empty() {
            self.write_typed(key, as_hash)?;
            return Ok(0);
        }
        let limits = HashLimits::from_config(&self.config);
        let before = self.write_mark();
        let (f, v) = pairs[0];
        let h = self.hash_for_write(key, || first_room(f, v))?;
        let created = match (h, pairs) {
            // One pair into a table: nothing to check or convert.
            (HashValue::Table(t), [_]) => usize::from(t.insert(f, v)),
            (h, [_]) => usize::from(h.set_one(f, v, limits)),
            (h, pairs) => set_pairs(h, pairs, limits),
        };
        // Redis counts one change per pair given.
        self.hash_written(key, before, pairs.len());
        Ok(created)
    }

    /// ```text
    /// HMSET key field value [field value ...]
    /// ```
    /// [`Keyspace::hset`] without the count (HMSET replies OK).
    ///
    /// # Complexity
    /// O(1) per pair (O(n) per pair while listpack-encoded).
    ///
    /// # Errors
    /// [`Error::WrongType`] when the key holds another type.
    ///
    /// [`Error::OutOfMemory`](crate::Error::OutOfMemory) when used memory is over `maxmemory`
    /// and eviction cannot bring it under; nothing is changed then.
    pub fn hmset(&mut self, key: &[u8], pairs: &[(&[u8], &[u8])]) -> Result<()> {
        self.make_room()?;
        self.hset(key, pairs).map(drop)
    }

    /// ```text
    /// HSETNX key field value
    /// ```
    /// Sets `field` only when it is absent; true when it was set.
    ///
    /// # Complexity
    /// O(1) (O(n) while listpack-encoded).
    ///
    /// # Errors
    /// [`Error::WrongType`] when the key holds another type.
    ///
    /// [`Error::OutOfMemory`](crate::Error::OutOfMemory) when used memory is over `maxmemory`
    /// and eviction cannot bring it under; nothing is changed then.
    pub fn hsetnx(&mut self, key: &[u8], field: &[u8], value: &[u8]) -> Result<bool> {
        self.make_room()?;
        let limits = HashLimits::from_config(&self.config);
        let before = self.write_mark();
        let h = self.hash_for_write(key, || first_room(field, value))?;
        if h.contains(field) {
            return Ok(false);
        }
        h.set_one(field, value, limits);
        self.hash_written(key, before, 1);
        Ok(true)
    }

    /// ```text
    /// HGET key field
    /// ```
    /// The value of `field`, `None` when the field or the key is missing.
    ///
    /// # Complexity
    /// O(1) (O(n) while listpack-encoded).
    ///
    /// # Errors
    /// [`Error::WrongType`] when the key holds another type.
    pub fn hget(&mut self, key: &[u8], field: &[u8]) -> Result<Option<Vec<u8>>> {
        let h = self.read_typed(key, as_hash)?;
        Ok(h.and_then(|h| h.get(field).map(|v| v.to_vec())))
    }

    /// ```text
    /// HMGET key field [field ...]
    /// ```
    /// The value of each field (`None` where missing; all `None` for a
    /// missing key).
    ///
    /// # Complexity
    /// O(1) per field (O(n) per field while listpack-encoded).
    ///
    /// # Errors
    /// [`Error::WrongType`] when the key holds another type.
    pub fn hmget(&mut self, key: &[u8], fields: &[&[u8]]) -> Result<Vec<Option<Vec<u8>>>> {
        let h = self.read_typed(key, as_hash)?;
        Ok(fields
            .iter()
            .map(|f| h.as_ref().and_then(|h| h.get(f).map(|v| v.to_vec())))
            .collect())
    }

    /// ```text
    /// HDEL key field [field ...]
    /// ```
    /// Removes the fields; returns how many existed. The key is deleted
    /// when its last field goes.
    ///
    /// # Complexity
    /// O(1) per field (O(n) per field while listpack-encoded).
    ///
    /// # Errors
    /// [`Error::WrongType`] when the key holds another type.
    pub fn hdel(&mut self, key: &[u8], fields: &[&[u8]]) -> Result<usize> {
        let Some(h) = self.write_typed(key, as_hash)? else {
            return Ok(0);
        };
        let mut deleted = 0;
        for f in fields {
            if h.remove(f) {
                deleted += 1;
                if h.is_empty() {
                    break;
                }
            }
        }
        if h.is_empty() {
            self.remove_emptied(key);
        } else if deleted > 0 {
            self.signal_modified(key);
        }
        // Redis counts one change per deleted field.
        self.stats.dirty += (deleted as u64).saturating_sub(1);
        Ok(deleted)
    }

    /// ```text
    /// HLEN key
    /// ```
    /// Number of fields (0 for a missing key).
    ///
    /// # Complexity
    /// O(1).
    ///
    /// # Errors
    /// [`Error::WrongType`] when the key holds another type.
    pub fn hlen(&mut self, key: &[u8]) -> Result<usize> {
        Ok(self.read_typed(key, as_hash)?.map_or(0, |h| h.len()))
    }

    /// ```text
    /// HSTRLEN key field
    /// ```
    /// Length of the value of `field` (0 when missing).
    ///
    /// # Complexity
    /// O(1) (O(n) while listpack-encoded).
    ///
    /// # Errors
    /// [`Error::WrongType`] when the key holds another type.
    pub fn hstrlen(&mut self, key: &[u8], field: &[u8]) -> Result<usize> {
        let h = self.read_typed(key, as_hash)?;
        Ok(h.and_then(|h| h.get(field)).map_or(0, |v| match v {
            Elem::Str(s) => s.len(),
            Elem::Int(_) => v.to_vec().len(),
        }))
    }

    /// ```text
    /// HEXISTS key field
    /// ```
    /// Whether `field` exists.
    ///
    /// # Complexity
    /// O(1) (O(n) while listpack-encoded).
    ///
    /// # Errors
    /// [`Error::WrongType`] when the key holds another type.
    pub fn hexists(&mut self, key: &[u8], field: &[u8]) -> Result<bool> {
        Ok(self
            .read_typed(key, as_hash)?
            .is_some_and(|h| h.contains(field)))
    }

    /// ```text
    /// HKEYS key
    /// ```
    /// The fields, in the hash's iteration order (insertion order while
    /// listpack-encoded).
    ///
    /// # Complexity
    /// O(n).
    ///
    /// # Errors
    /// [`Error::WrongType`] when the key holds another type.
    pub fn hkeys(&mut self, key: &[u8]) -> Result<Vec<Vec<u8>>> {
        let h = self.read_typed(key, as_hash)?;
        Ok(h.map_or_else(Vec::new, |h| h.iter().map(|(f, _)| f.to_vec()).collect()))
    }

    /// ```text
    /// HVALS key
    /// ```
    /// The values, in the same order as [`Keyspace::hkeys`].
    ///
    /// # Complexity
    /// O(n).
    ///
    /// # Errors
    /// [`Error::WrongType`] when the key holds another type.
    pub fn hvals(&mut self, key: &[u8]) -> Result<Vec<Vec<u8>>> {
        let h = self.read_typed(key, as_hash)?;
        Ok(h.map_or_else(Vec::new, |h| h.iter().map(|(_, v)| v.to_vec()).collect()))
    }

    /// ```text
    /// HGETALL key
    /// ```
    /// The (field, value) pairs, in the same order as [`Keyspace::hkeys`].
    ///
    /// # Complexity
    /// O(n).
    ///
    /// # Errors
    /// [`Error::WrongType`] when the key holds another type.
    pub fn hgetall(&mut self, key: &[u8]) -> Result<FieldValues> {
        let h = self.read_typed(key, as_hash)?;
        Ok(h.map_or_else(Vec::new, |h| h.iter().map(owned).collect()))
    }

    /// ```text
    /// HINCRBY key field increment
    /// ```
    /// Adds `increment` to the integer in `field` (missing = 0), creating
    /// the hash when missing; returns the new value.
    ///
    /// # Complexity
    /// O(1) (O(n) while listpack-encoded).
    ///
    /// # Errors
    /// [`Error::WrongType`]; `ERR hash value is not an integer` when the
    /// field holds no canonical 64-bit integer; [`Error::Overflow`].
    ///
    /// [`Error::OutOfMemory`](crate::Error::OutOfMemory) when used memory is over `maxmemory`
    /// and eviction cannot bring it under; nothing is changed then.
    pub fn hincrby(&mut self, key: &[u8], field: &[u8], increment: i64) -> Result<i64> {
        self.make_room()?;
        let limits = HashLimits::from_config(&self.config);
        let before = self.write_mark();
        let h = self.hash_for_write(key, || 0)?;
        let current = match h.get(field) {
            None => 0,
            Some(Elem::Int(v)) => v,
            Some(Elem::Str(s)) => {
                parse_i64(s).ok_or_else(|| Error::other("ERR hash value is not an integer"))?
            }
        };
        let new = current.checked_add(increment).ok_or(Error::Overflow)?;
        h.set(field, &format_i64(new), limits);
        self.hash_written(key, before, 1);
        Ok(new)
    }

    /// ```text
    /// HINCRBYFLOAT key field increment
    /// ```
    /// Adds the decimal `increment` to the number in `field` (missing = 0)
    /// in 80-bit extended precision, as Redis does, and returns the new
    /// value as stored.
    ///
    /// # Complexity
    /// O(1) (O(n) while listpack-encoded).
    ///
    /// # Errors
    /// [`Error::NotFloat`] for a bad increment and `ERR value is NaN or
    /// Infinity` for an infinite one (both before the key is looked up);
    /// then [`Error::WrongType`]; `ERR hash value is not a float`; `ERR
    /// increment would produce NaN or Infinity`.
    ///
    /// [`Error::OutOfMemory`](crate::Error::OutOfMemory) when used memory is over `maxmemory`
    /// and eviction cannot bring it under; nothing is changed then.
    pub fn hincrbyfloat(&mut self, key: &[u8], field: &[u8], increment: &[u8]) -> Result<Vec<u8>> {
        self.make_room()?;
        let incr = parse_float_increment(increment)?;
        let limits = HashLimits::from_config(&self.config);
        let before = self.write_mark();
        let h = self.hash_for_write(key, || 0)?;
        let current = h.get(field).map(|v| v.to_vec());
        let new = hincr_long_double(current.as_deref(), incr)?;
        h.set(field, &new, limits);
        self.hash_written(key, before, 1);
        Ok(new)
    }

    /// A random source for one command, seeded from the keyspace's.
    fn command_rng(&mut self) -> SmallRng {
        SmallRng::seed_from_u64(self.rng.random())
    }

    /// ```text
    /// HRANDFIELD key
    /// ```
    /// A random field, `None` for a missing key.
    ///
    /// # Complexity
    /// O(1) (O(n) while listpack-encoded).
    ///
    /// # Errors
    /// [`Error::WrongType`] when the key holds another type.
    pub fn hrandfield(&mut self, key: &[u8]) -> Result<Option<Vec<u8>>> {
        let mut rng = self.command_rng();
        let h = self.read_typed(key, as_hash)?;
        Ok(h.and_then(|h| h.random_pair(&mut rng).map(|(f, _)| f.to_vec())))
    }

    /// ```text
    /// HRANDFIELD key count
    /// ```
    /// With `count >= 0`, up to `count` distinct fields (the whole hash when
    /// `count` is at least its size); with `count < 0`, exactly `|count|`
    /// fields drawn independently, so repeats are possible.
    ///
    /// # Complexity
    /// O(|count|) (plus O(n) while listpack-encoded).
    ///
    /// # Errors
    /// [`Error::WrongType`]; `ERR value is out of range` for a negative
    /// count beyond 2^32 (whose reply would not fit in memory).
    pub fn hrandfield_count(&mut self, key: &[u8], count: i64) -> Result<Vec<Vec<u8>>> {
        let pairs = self.random_fields(key, count, false)?;
        Ok(pairs.into_iter().map(|(f, _)| f).collect())
    }

    /// ```text
    /// HRANDFIELD key count WITHVALUES
    /// ```
    /// [`Keyspace::hrandfield_count`] with each field's value.
    ///
    /// # Complexity
    /// O(|count|) (plus O(n) while listpack-encoded).
    ///
    /// # Errors
    /// As [`Keyspace::hrandfield_count`].
    pub fn hrandfield_withvalues(&mut self, key: &[u8], count: i64) -> Result<FieldValues> {
        self.random_fields(key, count, true)
    }

    fn random_fields(&mut self, key: &[u8], count: i64, values: bool) -> Result<FieldValues> {
        let mut rng = self.command_rng();
        let Some(h) = self.read_typed(key, as_hash)? else {
            return Ok(Vec::new());
        };
        let n = count.unsigned_abs();
        if count < 0 && n > MAX_RANDOM_COUNT {
            return Err(Error::other("ERR value is out of range"));
        }
        let n = usize::try_from(n).unwrap_or(usize::MAX);
        let picked = if count < 0 {
            h.random_pairs(&mut rng, n)
        } else {
            h.random_distinct(&mut rng, n)
        };
        Ok(picked
            .into_iter()
            .map(|(f, v)| (f.to_vec(), if values { v.to_vec() } else { Vec::new() }))
            .collect())
    }

    /// ```text
    /// HSCAN key cursor [MATCH pattern] [COUNT count]
    /// ```
    /// One step of an incremental iteration over the hash: the next cursor
    /// (0 when done) and the (field, value) pairs found. A listpack-encoded
    /// hash comes back whole with cursor 0, as in Redis; a hashtable-encoded
    /// one `count` fields at a time, returning every field present for the
    /// whole scan at least once (cursor values differ from Redis's).
    ///
    /// # Complexity
    /// O(count) per call (O(n) while listpack-encoded).
    ///
    /// # Errors
    /// [`Error::WrongType`] when the key holds another type.
    pub fn hscan(
        &mut self,
        key: &[u8],
        cursor: u64,
        opts: &HashScanOptions,
    ) -> Result<(u64, FieldValues)> {
        let glob = opts
            .pattern
            .as_deref()
            .filter(|p| *p != b"*")
            .map(|p| Glob::new(p, false));
        let Some(h) = self.read_typed(key, as_hash)? else {
            return Ok((0, Vec::new()));
        };
        let (next, found) = h.scan(cursor, opts.count, glob.as_ref());
        Ok((next, found.into_iter().map(owned).collect()))
    }

    /// The exact listpack bytes of a listpack-encoded hash (what Redis's
    /// DUMP carries for it), `None` for a missing key or a hashtable.
    ///
    /// # Complexity
    /// O(n) (the bytes are copied).
    ///
    /// # Errors
    /// [`Error::WrongType`] when the key holds another type.
    pub fn hash_listpack_bytes(&mut self, key: &[u8]) -> Result<Option<Vec<u8>>> {
        Ok(match self.read_typed(key, as_hash)? {
            Some(HashValue::Listpack(lp)) => Some(lp.as_bytes().to_vec()),
            _ => None,
        })
    }

    /// The encoding-independent checks of every hash in the selected
    /// database ([`HashValue::validate`]).
    ///
    /// # Errors
    /// The first key whose hash is broken, with the reason.
    pub fn validate_hashes(&self) -> std::result::Result<(), String> {
        for (key, entry) in self.db().iter() {
            if let Value::Hash(h) = &entry.value {
                h.validate().map_err(|e| format!("hash {key:?}: {e}"))?;
            }
        }
        Ok(())
    }
}
