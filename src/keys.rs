//! Typed commands that act on keys of any type (Redis's `generic` group)
//! and on whole databases: DEL, EXISTS, TYPE, RENAME, COPY, MOVE, TOUCH,
//! KEYS, SCAN, RANDOMKEY, OBJECT, DBSIZE, FLUSHDB, FLUSHALL, SWAPDB.
//!
//! Also here: the per-key access tracking OBJECT IDLETIME and FREQ report
//! (Redis's 24-bit `lru` field), which the keyspace lookups update.
//!
//! # SCAN cursors
//!
//! Each database's key table keeps its keys at dense positions, and a
//! deletion moves the last entry into the freed position. A SCAN cursor here is the number of
//! positions still to visit: a scan starts at the end of the map and walks
//! down to position 0. Insertions go to the end (already behind the cursor),
//! and a deletion only moves the last entry, which the scan either visited
//! already or, if the map shrank below the cursor, will still visit. So every
//! key present for the whole scan is returned at least once, Redis's
//! guarantee, while the cursor values themselves differ from Redis's
//! reverse-binary bucket indexes. A database of at most COUNT keys is
//! returned whole with cursor 0, as Redis does for small tables.

use rand::Rng;
use rand::rngs::SmallRng;

use crate::config::Config;
use crate::error::{Error, Result};
use crate::keyspace::{Db, Entry, Keyspace};
use crate::util::glob::Glob;
use crate::value::{Encoding, Value, ValueType};

/// Largest value of the 24-bit LRU clock (seconds, wrapping).
const LRU_CLOCK_MAX: u64 = (1 << 24) - 1;
/// Counter a new value starts with under an LFU policy.
const LFU_INIT_VAL: u32 = 5;
/// Integers `0..SHARED_INTEGERS` are shared objects in Redis (refcount `i32::MAX`).
const SHARED_INTEGERS: i64 = 10_000;

/// `ERR source and destination objects are the same`
fn same_object() -> Error {
    Error::other("ERR source and destination objects are the same")
}

/// Options of SCAN: `[MATCH pattern] [COUNT count] [TYPE type]`.
///
/// ```
/// use embedis::{Config, Keyspace, ScanOptions};
/// let mut ks = Keyspace::new(Config::default());
/// ks.set(b"user:1", b"a", &Default::default()).unwrap();
/// ks.set(b"item:1", b"b", &Default::default()).unwrap();
/// let opts = ScanOptions { pattern: Some(b"user:*".to_vec()), ..Default::default() };
/// let (cursor, keys) = ks.scan(0, &opts);
/// assert_eq!((cursor, keys), (0, vec![b"user:1".to_vec()]));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanOptions {
    /// `MATCH`: keep only keys matching this glob (`*` keeps everything).
    pub pattern: Option<Vec<u8>>,
    /// `COUNT`: how many positions one call visits (a hint, at least 1; default 10).
    pub count: usize,
    /// `TYPE`: keep only keys whose TYPE name equals this, ignoring case.
    /// A name that is no type matches nothing.
    pub type_name: Option<Vec<u8>>,
}

impl Default for ScanOptions {
    fn default() -> Self {
        ScanOptions {
            pattern: None,
            count: 10,
            type_name: None,
        }
    }
}

impl Keyspace {
    /// ```text
    /// DBSIZE
    /// ```
    /// Number of keys in the selected database, counting keys whose TTL has
    /// passed but that no lookup or expire cycle has reclaimed yet (as Redis).
    pub fn dbsize(&self) -> usize {
        self.db().len()
    }

    /// ```text
    /// FLUSHDB
    /// ```
    /// Removes every key of the selected database.
    pub fn flushdb(&mut self) {
        self.db_mut().clear();
        self.stats.dirty += 1;
    }

    /// ```text
    /// FLUSHALL
    /// ```
    /// Removes every key of every database.
    pub fn flushall(&mut self) {
        for db in &mut self.dbs {
            db.clear();
        }
        self.stats.dirty += 1;
    }

    /// ```text
    /// SWAPDB index1 index2
    /// ```
    /// Swaps two databases' contents.
    ///
    /// # Errors
    /// `ERR DB index is out of range` for an index outside `0..databases`;
    /// `ERR SWAPDB is not allowed in cluster mode` with `cluster-enabled`.
    pub fn swapdb(&mut self, a: i64, b: i64) -> Result<()> {
        if self.config.cluster_enabled {
            return Err(Error::other("ERR SWAPDB is not allowed in cluster mode"));
        }
        let n = self.dbs.len() as i64;
        if !(0..n).contains(&a) || !(0..n).contains(&b) {
            return Err(Error::DbIndexOutOfRange);
        }
        if a != b {
            self.dbs.swap(a as usize, b as usize);
            self.expire_cursor.swap(a as usize, b as usize);
            self.stats.dirty += 1;
        }
        Ok(())
    }

    /// The selected database, for sibling modules.
    #[allow(dead_code)]
    pub(crate) fn selected_db_ref(&self) -> &Db {
        self.db()
    }

    /// Runs `f` with database `db` selected, then restores the selection.
    pub(crate) fn with_db<R>(&mut self, db: usize, f: impl FnOnce(&mut Keyspace) -> R) -> R {
        let saved = self.selected;
        self.selected = db;
        let out = f(self);
        self.selected = saved;
        out
    }

    /// ```text
    /// DEL key [key ...]
    /// ```
    /// Deletes the keys; returns how many existed (a key named twice counts once).
    ///
    /// # Complexity
    /// O(N) in the number of keys, plus the size of each deleted value.
    pub fn del(&mut self, keys: &[&[u8]]) -> usize {
        keys.iter().filter(|k| self.delete_key(k)).count()
    }

    /// ```text
    /// UNLINK key [key ...]
    /// ```
    /// The same as [`Keyspace::del`] in process (Redis frees the memory on a
    /// background thread; here the values are dropped at once).
    ///
    /// # Complexity
    /// O(N) in the number of keys.
    pub fn unlink(&mut self, keys: &[&[u8]]) -> usize {
        self.del(keys)
    }

    /// ```text
    /// EXISTS key [key ...]
    /// ```
    /// Counts the keys that exist; a key named twice counts twice. Does not
    /// update access times.
    ///
    /// # Complexity
    /// O(N) in the number of keys.
    pub fn exists(&mut self, keys: &[&[u8]]) -> usize {
        keys.iter()
            .filter(|k| self.lookup_read_notouch(k).is_some())
            .count()
    }

    /// ```text
    /// TYPE key
    /// ```
    /// The type of the value at `key`, `None` when missing (TYPE replies `none`).
    ///
    /// # Complexity
    /// O(1).
    pub fn type_of(&mut self, key: &[u8]) -> Option<ValueType> {
        self.lookup_read_notouch(key).map(|e| e.value.value_type())
    }

    /// ```text
    /// TOUCH key [key ...]
    /// ```
    /// Updates the access time of the keys that exist; returns their count.
    ///
    /// # Complexity
    /// O(N) in the number of keys.
    pub fn touch(&mut self, keys: &[&[u8]]) -> usize {
        keys.iter()
            .filter(|k| self.lookup_read(k).is_some())
            .count()
    }

    /// ```text
    /// RENAME key newkey
    /// ```
    /// Renames `key`, replacing any value at `newkey`. The TTL moves with the
    /// value. Renaming a key to itself succeeds and changes nothing.
    ///
    /// # Errors
    /// `ERR no such key` when `key` does not exist.
    ///
    /// # Complexity
    /// O(1), plus freeing the replaced value.
    pub fn rename(&mut self, key: &[u8], newkey: &[u8]) -> Result<()> {
        self.rename_generic(key, newkey, false).map(|_| ())
    }

    /// ```text
    /// RENAMENX key newkey
    /// ```
    /// Renames `key` only when `newkey` does not exist; returns whether it did.
    /// `RENAMENX k k` on an existing key returns false.
    ///
    /// # Errors
    /// `ERR no such key` when `key` does not exist.
    ///
    /// # Complexity
    /// O(1).
    pub fn renamenx(&mut self, key: &[u8], newkey: &[u8]) -> Result<bool> {
        self.rename_generic(key, newkey, true)
    }

    fn rename_generic(&mut self, key: &[u8], newkey: &[u8], nx: bool) -> Result<bool> {
        if self.lookup_write(key).is_none() {
            return Err(Error::NoSuchKey);
        }
        if key == newkey {
            return Ok(!nx);
        }
        if self.lookup_write(newkey).is_some() && nx {
            return Ok(false);
        }
        let db = self.db_mut();
        let (entry, expire_at) = db.remove(key).expect("looked up above");
        db.insert(newkey, entry, expire_at);
        self.signal_modified(key);
        self.signal_modified(newkey);
        Ok(true)
    }

    /// ```text
    /// COPY source destination [DB destination-db] [REPLACE]
    /// ```
    /// Copies the value (and TTL) at `src` to `dst` in database `db` (the
    /// selected one by default). Returns false, copying nothing, when `src`
    /// is missing or `dst` exists without `replace`.
    ///
    /// # Errors
    /// - `ERR DB index is out of range` for `db >= databases`;
    /// - `ERR Copying to another database is not allowed in cluster mode`
    ///   with `cluster-enabled` unless both databases are 0;
    /// - `ERR source and destination objects are the same` for the same key
    ///   in the same database.
    ///
    /// [`Error::OutOfMemory`](crate::Error::OutOfMemory) when used memory is over `maxmemory`
    /// and eviction cannot bring it under; nothing is changed then.
    ///
    /// # Complexity
    /// O(N) in the size of the value.
    pub fn copy(
        &mut self,
        src: &[u8],
        dst: &[u8],
        db: Option<usize>,
        replace: bool,
    ) -> Result<bool> {
        self.make_room()?;
        let src_db = self.selected;
        let dst_db = db.unwrap_or(src_db);
        if dst_db >= self.dbs.len() {
            return Err(Error::DbIndexOutOfRange);
        }
        if self.config.cluster_enabled && (src_db != 0 || dst_db != 0) {
            return Err(Error::other(
                "ERR Copying to another database is not allowed in cluster mode",
            ));
        }
        if src_db == dst_db && src == dst {
            return Err(same_object());
        }
        let Some(entry) = self.lookup_read(src) else {
            return Ok(false);
        };
        let value = entry.value.clone();
        let expire_at = self.db().expire_at(src);
        let lru = self.new_access_field();
        self.with_db(dst_db, |ks| {
            if ks.lookup_write(dst).is_some() && !replace {
                return Ok(false);
            }
            ks.db_mut()
                .insert(dst, Entry::with_lru(value, lru), expire_at);
            ks.signal_modified(dst);
            Ok(true)
        })
    }

    /// ```text
    /// MOVE key db
    /// ```
    /// Moves `key` (with its TTL) from the selected database to `db`. Returns
    /// false when the key is missing or already exists in `db`.
    ///
    /// # Errors
    /// - `ERR MOVE is not allowed in cluster mode` with `cluster-enabled`;
    /// - `ERR DB index is out of range` for `db >= databases`;
    /// - `ERR source and destination objects are the same` when `db` is the
    ///   selected database.
    ///
    /// # Complexity
    /// O(1).
    pub fn move_key(&mut self, key: &[u8], db: usize) -> Result<bool> {
        if self.config.cluster_enabled {
            return Err(Error::other("ERR MOVE is not allowed in cluster mode"));
        }
        if db >= self.dbs.len() {
            return Err(Error::DbIndexOutOfRange);
        }
        if db == self.selected {
            return Err(same_object());
        }
        if self.lookup_write(key).is_none() {
            return Ok(false);
        }
        if self.with_db(db, |ks| ks.lookup_write(key).is_some()) {
            return Ok(false);
        }
        let (entry, expire_at) = self.db_mut().remove(key).expect("looked up above");
        self.signal_modified(key);
        self.with_db(db, |ks| {
            ks.db_mut().insert(key, entry, expire_at);
            ks.signal_modified(key);
        });
        Ok(true)
    }

    /// ```text
    /// KEYS pattern
    /// ```
    /// Every live key matching the glob `pattern` (see [`crate::util::glob`]),
    /// in no particular order. Expired keys are skipped but not deleted.
    ///
    /// # Complexity
    /// O(N) in the number of keys of the database.
    pub fn keys(&self, pattern: &[u8]) -> Vec<Vec<u8>> {
        let now = self.now_ms();
        let glob = (pattern != b"*").then(|| Glob::new(pattern, false));
        let db = self.db();
        db.iter()
            .filter(|(k, e)| {
                glob.as_ref().is_none_or(|g| g.matches(k)) && !db.is_expired(k, e, now)
            })
            .map(|(k, _)| k.to_vec())
            .collect()
    }

    /// ```text
    /// SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]
    /// ```
    /// One step of an incremental scan: returns the next cursor (0 when the
    /// scan is complete) and the keys found. Start with cursor 0. Every key
    /// that exists during the whole scan is returned at least once; see the
    /// module docs for the cursor's meaning, which differs from Redis's.
    /// Expired keys met on the way are deleted and not returned.
    ///
    /// # Complexity
    /// O(COUNT) per call.
    pub fn scan(&mut self, cursor: u64, opts: &ScanOptions) -> (u64, Vec<Vec<u8>>) {
        let len = self.db().len();
        let start = match cursor {
            0 => len,
            c => usize::try_from(c).map_or(len, |c| c.min(len)),
        };
        let next = start.saturating_sub(opts.count.max(1));
        let candidates: Vec<Vec<u8>> = (next..start)
            .rev()
            .filter_map(|i| self.db().get_index(i).map(|(k, _)| k.to_vec()))
            .collect();
        let glob = opts
            .pattern
            .as_deref()
            .filter(|p| *p != b"*")
            .map(|p| Glob::new(p, false));
        let now = self.now_ms();
        let keys = candidates
            .into_iter()
            .filter(|key| {
                if glob.as_ref().is_some_and(|g| !g.matches(key)) {
                    return false;
                }
                if let Some(want) = &opts.type_name {
                    let have = self.type_of(key).map_or("none", ValueType::as_str);
                    if !have.as_bytes().eq_ignore_ascii_case(want) {
                        return false;
                    }
                }
                !self.expire_if_needed(key, now)
            })
            .collect();
        (next as u64, keys)
    }

    /// ```text
    /// RANDOMKEY
    /// ```
    /// A random live key of the selected database, `None` when it is empty.
    /// Expired keys drawn on the way are deleted.
    ///
    /// # Complexity
    /// O(1) expected.
    pub fn randomkey(&mut self) -> Option<Vec<u8>> {
        let now = self.now_ms();
        loop {
            let len = self.db().len();
            if len == 0 {
                return None;
            }
            let i = self.rng.random_range(0..len);
            let key = self.db().get_index(i).map(|(k, _)| k.to_vec())?;
            if !self.expire_if_needed(&key, now) {
                return Some(key);
            }
        }
    }

    /// ```text
    /// OBJECT ENCODING key
    /// ```
    /// The internal encoding of the value at `key`, `None` when missing.
    /// Does not update the access time.
    ///
    /// # Complexity
    /// O(1).
    pub fn object_encoding(&mut self, key: &[u8]) -> Option<Encoding> {
        self.lookup_read_notouch(key).map(|e| e.value.encoding())
    }

    /// ```text
    /// OBJECT REFCOUNT key
    /// ```
    /// Redis's reference count of the value: `i32::MAX` for the shared
    /// integers 0..=9999 (which Redis shares unless `maxmemory` is set with
    /// an LRU or LFU policy), else 1. `None` when missing.
    ///
    /// # Complexity
    /// O(1).
    pub fn object_refcount(&mut self, key: &[u8]) -> Option<i64> {
        let shareable = self.config.maxmemory == 0 || !self.config.maxmemory_policy.tracks_access();
        let entry = self.lookup_read_notouch(key)?;
        let shared = matches!(&entry.value, Value::String(crate::types::string::StringValue::Int(v))
            if shareable && (0..SHARED_INTEGERS).contains(v));
        Some(if shared { i64::from(i32::MAX) } else { 1 })
    }

    /// ```text
    /// OBJECT IDLETIME key
    /// ```
    /// Seconds since the value at `key` was last read or written, `None`
    /// when missing. Does not update the access time.
    ///
    /// # Errors
    /// `ERR An LFU maxmemory policy is selected, idle time not tracked. ...`
    /// under an LFU `maxmemory-policy` (checked after the key exists).
    ///
    /// # Complexity
    /// O(1).
    pub fn object_idletime(&mut self, key: &[u8]) -> Result<Option<u64>> {
        let now = self.lru_now();
        let lfu = self.config.maxmemory_policy.is_lfu();
        let Some(entry) = self.lookup_read_notouch(key) else {
            return Ok(None);
        };
        if lfu {
            return Err(Error::other(
                "ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.",
            ));
        }
        Ok(Some(idle_seconds(entry.lru, now)))
    }

    /// ```text
    /// OBJECT FREQ key
    /// ```
    /// The logarithmic access-frequency counter of `key` (0..=255, decayed
    /// to now), `None` when missing.
    ///
    /// # Errors
    /// `ERR An LFU maxmemory policy is not selected, access frequency not tracked. ...`
    /// unless `maxmemory-policy` is an LFU policy (checked after the key exists).
    ///
    /// # Complexity
    /// O(1).
    pub fn object_freq(&mut self, key: &[u8]) -> Result<Option<u32>> {
        let now = self.lru_now();
        let lfu = self.config.maxmemory_policy.is_lfu();
        let decay = self.config.lfu_decay_time;
        let Some(entry) = self.lookup_read_notouch(key) else {
            return Ok(None);
        };
        if !lfu {
            return Err(Error::other(
                "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.",
            ));
        }
        Ok(Some(lfu_decayed(entry.lru, decay, now)))
    }
}

/// Redis's LRU clock: Unix seconds modulo 2^24.
#[inline]
pub(crate) fn lru_clock(now_ms: u64) -> u32 {
    u32::try_from((now_ms / 1000) & LRU_CLOCK_MAX).expect("24 bits")
}

/// Unix minutes modulo 2^16, the LFU "last decrement time".
fn lfu_minutes(now_ms: u64) -> u32 {
    u32::try_from((now_ms / 60_000) & 0xffff).expect("16 bits")
}

/// The access field a value created at `now_ms` starts with: the LRU clock,
/// or under an LFU policy (minutes << 8 | 5).
pub(crate) fn new_access_field(config: &Config, now_ms: u64) -> u32 {
    if config.maxmemory_policy.is_lfu() {
        lfu_minutes(now_ms) << 8 | LFU_INIT_VAL
    } else {
        lru_clock(now_ms)
    }
}

/// Records an access: the LRU clock, or under an LFU policy the decayed
/// counter incremented with probability 1 / ((counter - 5) * lfu-log-factor + 1).
#[inline(always)]
pub(crate) fn touch_access(field: &mut u32, config: &Config, now_ms: u64, rng: &mut SmallRng) {
    if config.maxmemory_policy.is_lfu() {
        touch_lfu(field, config, now_ms, rng);
    } else {
        *field = lru_clock(now_ms);
    }
}

/// [`touch_access`] under an LFU policy, out of line (the LRU update is a
/// division and a store).
#[inline(never)]
fn touch_lfu(field: &mut u32, config: &Config, now_ms: u64, rng: &mut SmallRng) {
    let mut counter = lfu_decayed(*field, config.lfu_decay_time, now_ms);
    if counter < 255 {
        let base = f64::from(counter.saturating_sub(LFU_INIT_VAL));
        let p = 1.0 / (base * f64::from(config.lfu_log_factor) + 1.0);
        if rng.random::<f64>() < p {
            counter += 1;
        }
    }
    *field = lfu_minutes(now_ms) << 8 | counter;
}

/// The LFU counter in `field` after one decrement per `decay_minutes`
/// elapsed since its last decrement time (0 = never decay).
pub(crate) fn lfu_decayed(field: u32, decay_minutes: u32, now_ms: u64) -> u32 {
    let last = field >> 8;
    let counter = field & 0xff;
    let now = lfu_minutes(now_ms);
    let elapsed = if now >= last {
        now - last
    } else {
        0xffff - last + now
    };
    let periods = elapsed.checked_div(decay_minutes).unwrap_or(0);
    counter.saturating_sub(periods)
}

/// Seconds since the LRU clock stood at `field` (the clock wraps every 2^24 s).
pub(crate) fn idle_seconds(field: u32, now_ms: u64) -> u64 {
    let clock = u64::from(lru_clock(now_ms));
    let field = u64::from(field);
    if clock >= field {
        clock - field
    } else if field - clock <= 3600 {
        // A field set from a reading a little ahead of this one (the wall
        // clock stepped back): idle now, not since the clock wrapped.
        0
    } else {
        clock + (LRU_CLOCK_MAX - field)
    }
}

#[cfg(test)]
mod tests;
