//! The keyspace: logical databases of keys, lookup with lazy expiry, and the
//! bookkeeping every write goes through.
//!
//! # Shape
//!
//! A [`Keyspace`] owns `databases` [`Db`]s and one selected index (SELECT);
//! typed methods act on the selected database. Each `Db` is an insertion-
//! ordered hash map (`indexmap`) from key bytes to an [`Entry`] holding the
//! value, its absolute expiry in Unix milliseconds (0 = none) and the 24-bit
//! LRU/LFU field. Keys with a TTL are also listed in a second index so the
//! active expire cycle samples only volatile keys, as Redis's `expires` dict.
//!
//! # Invariants
//!
//! 1. `entry.expire_at != 0` exactly when the key is in `db.expires`.
//! 2. With `cluster-enabled`, every key is in the slot index under
//!    [`crate::key_hash_slot`] of its name, and nowhere else.
//! 3. Every key insertion and removal goes through [`Db::insert`] /
//!    [`Db::remove`], so 1 and 2 cannot drift.
//!
//! # Time
//!
//! A command reads the clock once ([`Keyspace::now_ms`]); a key is logically
//! expired when `now > expire_at` (strictly). The host may freeze time for a
//! group of commands (MULTI/EXEC, scripts) with [`Keyspace::freeze_time`].

use std::sync::Arc;

use indexmap::IndexMap;
use indexmap::IndexSet;
use rand::SeedableRng;
use rand::rngs::SmallRng;

use crate::clock::{Clock, SystemClock};
use crate::cluster::SlotIndex;
use crate::config::Config;
use crate::error::{Error, Result};
use crate::value::Value;

/// Key bytes as stored in the tables.
pub(crate) type Key = Box<[u8]>;

/// The hasher for every key table: keyed per table with random seeds, so
/// clients cannot aim collisions at it.
pub(crate) type Hasher = ahash::RandomState;

/// A stored key's value and metadata.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    /// The value.
    pub(crate) value: Value,
    /// Absolute expiry in Unix ms; 0 means no TTL.
    pub(crate) expire_at: u64,
    /// Redis's 24-bit LRU clock or LFU (minutes << 8 | counter) field.
    pub(crate) lru: u32,
}

impl Entry {
    pub(crate) fn new(value: Value) -> Self {
        Entry {
            value,
            expire_at: 0,
            lru: 0,
        }
    }
}

/// One logical database.
///
/// The map is private: every access that may change a value goes through
/// [`Db::get_mut`] / [`Db::entry_at_mut`], which remember the entry handed
/// out and its heap bytes, so the running byte total can be brought up to
/// date (settled) before the next structural change or read of the total.
#[derive(Debug, Default)]
pub(crate) struct Db {
    map: IndexMap<Key, Entry, Hasher>,
    /// Keys with a TTL (Redis's `expires` dict), for sampling and counting.
    expires: IndexSet<Key, Hasher>,
    /// Per-slot key index, kept only with `cluster-enabled`.
    pub(crate) slots: Option<Box<SlotIndex>>,
    /// Key allocations (in the map and in `expires`) plus every value's
    /// [`Value::heap_bytes`], as of the last settle.
    data_bytes: usize,
    /// The entry last handed out for mutation: its position and its
    /// value's heap bytes at that time.
    pending: Option<(usize, usize)>,
    /// Running estimate of the TTL left on volatile keys, in ms (INFO
    /// keyspace `avg_ttl`), refreshed by the active expire cycle.
    pub(crate) avg_ttl: u64,
}

/// Heap bytes of a hashbrown table of `cap` usable slots of `slot` bytes
/// (buckets of data plus one control byte each and a group of spare ones).
fn raw_table_bytes(cap: usize, slot: usize) -> usize {
    if cap == 0 {
        return 0;
    }
    let buckets = if cap < 8 { cap + 1 } else { cap / 7 * 8 };
    buckets * (slot + 1) + 16
}

impl Db {
    fn new(cluster: bool) -> Self {
        Db {
            slots: cluster.then(|| Box::new(SlotIndex::new())),
            ..Db::default()
        }
    }

    /// Brings `data_bytes` up to date with the entry last handed out.
    fn settle(&mut self) {
        if let Some((i, before)) = self.pending.take() {
            let after = self.map[i].value.heap_bytes();
            self.data_bytes = self.data_bytes + after - before;
        }
    }

    /// What settling would change `data_bytes` by (signed).
    fn pending_delta(&self) -> isize {
        self.pending.map_or(0, |(i, before)| {
            self.map[i].value.heap_bytes() as isize - before as isize
        })
    }

    /// Heap bytes this database holds: its tables at capacity, every key
    /// allocation and every value's heap bytes. O(1).
    pub(crate) fn used_memory(&self) -> usize {
        let (map, expires, slots) = self.table_bytes();
        (self.data_bytes as isize + self.pending_delta()) as usize + map + expires + slots
    }

    /// Heap bytes of the tables alone, at capacity: (key table, TTL index,
    /// slot index), keys and values excluded. MEMORY STATS reports them
    /// per database. O(1).
    pub(crate) fn table_bytes(&self) -> (usize, usize, usize) {
        let entry = 8 + std::mem::size_of::<Key>() + std::mem::size_of::<Entry>();
        let map = self.map.capacity() * entry + raw_table_bytes(self.map.capacity(), 8);
        let expires = self.expires.capacity() * (8 + std::mem::size_of::<Key>())
            + raw_table_bytes(self.expires.capacity(), 8);
        let slots = self.slots.as_ref().map_or(0, |s| s.heap_bytes());
        (map, expires, slots)
    }

    /// The entry of `key`, for reading.
    pub(crate) fn get(&self, key: &[u8]) -> Option<&Entry> {
        self.map.get(key)
    }

    /// The position and entry of `key`, for reading.
    pub(crate) fn get_full(&self, key: &[u8]) -> Option<(usize, &Entry)> {
        self.map.get_full(key).map(|(i, _, e)| (i, e))
    }

    /// The entry of `key`, for writing (its size change is accounted).
    pub(crate) fn get_mut(&mut self, key: &[u8]) -> Option<&mut Entry> {
        self.settle();
        let i = self.map.get_index_of(key)?;
        self.entry_at_mut(i).map(|(_, e)| e)
    }

    /// The key and entry at position `i` (`0..len`), for writing (its size
    /// change is accounted).
    pub(crate) fn entry_at_mut(&mut self, i: usize) -> Option<(&[u8], &mut Entry)> {
        self.settle();
        let Db { map, pending, .. } = self;
        let (key, entry) = map.get_index_mut(i)?;
        *pending = Some((i, entry.value.heap_bytes()));
        Some((key, entry))
    }

    /// The key and entry at position `i` (`0..len`): positions are dense,
    /// so a uniform `i` is a uniform sample (RANDOMKEY, SCAN, eviction).
    pub(crate) fn get_index(&self, i: usize) -> Option<(&[u8], &Entry)> {
        self.map.get_index(i).map(|(k, e)| (&k[..], e))
    }

    /// Every key and entry, in position order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (&[u8], &Entry)> + '_ {
        self.map.iter().map(|(k, e)| (&k[..], e))
    }

    /// Number of keys with a TTL.
    pub(crate) fn expires_len(&self) -> usize {
        self.expires.len()
    }

    /// The key at position `i` (`0..expires_len`) of the TTL index.
    pub(crate) fn expires_key_at(&self, i: usize) -> Option<&[u8]> {
        self.expires.get_index(i).map(|k| &k[..])
    }

    /// Adds `key` to the TTL index.
    fn add_expire(&mut self, key: &[u8]) {
        self.expires.insert(key.into());
        self.data_bytes += key.len();
    }

    /// Drops `key` from the TTL index.
    fn drop_expire(&mut self, key: &[u8]) {
        if self.expires.swap_remove(key) {
            self.data_bytes -= key.len();
        }
    }

    /// Inserts or replaces `key`, keeping the expiry and slot indexes right.
    /// Returns the previous entry.
    pub(crate) fn insert(&mut self, key: &[u8], entry: Entry) -> Option<Entry> {
        self.settle();
        let has_ttl = entry.expire_at != 0;
        self.data_bytes += entry.value.heap_bytes();
        let old = match self.map.get_mut(key) {
            Some(slot) => Some(std::mem::replace(slot, entry)),
            None => {
                self.map.insert(key.into(), entry);
                self.data_bytes += key.len();
                if let Some(slots) = &mut self.slots {
                    slots.add(key);
                }
                None
            }
        };
        if let Some(old) = &old {
            self.data_bytes -= old.value.heap_bytes();
        }
        let had_ttl = old.as_ref().is_some_and(|e| e.expire_at != 0);
        if has_ttl && !had_ttl {
            self.add_expire(key);
        } else if had_ttl && !has_ttl {
            self.drop_expire(key);
        }
        old
    }

    /// Removes `key` and returns its entry.
    pub(crate) fn remove(&mut self, key: &[u8]) -> Option<Entry> {
        self.settle();
        let entry = self.map.swap_remove(key)?;
        self.data_bytes -= key.len() + entry.value.heap_bytes();
        if entry.expire_at != 0 {
            self.drop_expire(key);
        }
        if let Some(slots) = &mut self.slots {
            slots.remove(key);
        }
        Some(entry)
    }

    /// Sets (`when != 0`) or clears (`when == 0`) the TTL of an existing key.
    /// Returns false when the key is absent.
    pub(crate) fn set_expire(&mut self, key: &[u8], when: u64) -> bool {
        let Some(entry) = self.map.get_mut(key) else {
            return false;
        };
        let had = entry.expire_at != 0;
        entry.expire_at = when;
        if when != 0 && !had {
            self.add_expire(key);
        } else if when == 0 && had {
            self.drop_expire(key);
        }
        true
    }

    /// Removes every key.
    pub(crate) fn clear(&mut self) {
        self.map = IndexMap::default();
        self.expires = IndexSet::default();
        self.data_bytes = 0;
        self.pending = None;
        if let Some(slots) = &mut self.slots {
            **slots = SlotIndex::new();
        }
    }

    /// Number of keys, counting keys expired but not yet reclaimed (as DBSIZE does).
    pub(crate) fn len(&self) -> usize {
        self.map.len()
    }

    /// Checks the invariants in the module docs.
    pub(crate) fn validate(&self) -> std::result::Result<(), String> {
        let volatile = self.map.values().filter(|e| e.expire_at != 0).count();
        if volatile != self.expires.len() {
            return Err(format!(
                "{volatile} volatile keys but {} in expires",
                self.expires.len()
            ));
        }
        for key in &self.expires {
            match self.map.get(key) {
                Some(e) if e.expire_at != 0 => {}
                _ => return Err(format!("expires lists {key:?} without a TTL")),
            }
        }
        if let Some(slots) = &self.slots {
            slots.validate(self.map.keys().map(|k| &k[..]), self.map.len())?;
        }
        for (key, e) in &self.map {
            validate_value(&e.value)
                .map_err(|m| format!("key {:?}: {m}", String::from_utf8_lossy(key)))?;
        }
        self.validate_bytes()
    }

    /// Checks the running byte total against a count from scratch.
    fn validate_bytes(&self) -> std::result::Result<(), String> {
        let keys: usize = self.map.keys().map(|k| k.len()).sum();
        let ttl_keys: usize = self.expires.iter().map(|k| k.len()).sum();
        let values: usize = self.map.values().map(|e| e.value.heap_bytes()).sum();
        let counted = self.data_bytes as isize + self.pending_delta();
        let fresh = (keys + ttl_keys + values) as isize;
        if counted != fresh {
            return Err(format!("running byte total {counted}, recounted {fresh}"));
        }
        Ok(())
    }
}

/// Checks a value's own invariants where its type keeps counters or
/// structure the keyspace relies on.
fn validate_value(value: &Value) -> std::result::Result<(), String> {
    use crate::types::hash::HashValue;
    use crate::types::set::SetValue;
    match value {
        Value::ZSet(z) => {
            z.validate().map_err(|m| format!("zset: {m}"))?;
            if z.is_empty() {
                return Err("empty zset".into());
            }
        }
        Value::List(l) => {
            l.quicklist()
                .validate(false)
                .map_err(|m| format!("list: {}", m.0))?;
        }
        Value::Hash(HashValue::Table(t)) => t.validate().map_err(|m| format!("hash: {m}"))?,
        Value::Set(SetValue::Table(t)) => t.validate().map_err(|m| format!("set: {m}"))?,
        Value::Stream(st) => st
            .validate_structure()
            .map_err(|m| format!("stream: {m}"))?,
        _ => {}
    }
    Ok(())
}

/// Counters INFO reports.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Stats {
    /// Read lookups that found a key.
    pub keyspace_hits: u64,
    /// Read lookups that found nothing.
    pub keyspace_misses: u64,
    /// Keys deleted because their TTL passed (lazily or actively).
    pub expired_keys: u64,
    /// Keys evicted by maxmemory.
    pub evicted_keys: u64,
    /// Commands run through the command layer.
    pub total_commands_processed: u64,
    /// Writes since the keyspace was created (Redis's `dirty`).
    pub dirty: u64,
    /// Error replies the command layer sent (rejected commands included).
    pub total_error_replies: u64,
}

/// Redis's data, in process: logical databases of keys with TTLs.
///
/// ```
/// use embedis::{Config, Keyspace};
/// let mut ks = Keyspace::new(Config::default());
/// ks.set(b"greeting", b"hello", &Default::default()).unwrap();
/// assert_eq!(ks.get(b"greeting").unwrap().as_deref(), Some(&b"hello"[..]));
/// ```
#[derive(Debug)]
pub struct Keyspace {
    pub(crate) config: Config,
    pub(crate) dbs: Vec<Db>,
    pub(crate) selected: usize,
    pub(crate) clock: Arc<dyn Clock>,
    frozen_ms: Option<u64>,
    pub(crate) stats: Stats,
    pub(crate) rng: SmallRng,
    /// Persistent position of the active expire cycle per database.
    pub(crate) expire_cursor: Vec<usize>,
    /// The database the next active expire cycle starts with.
    pub(crate) expire_next_db: usize,
    /// Command and error statistics, the slow log, the memory peak.
    pub(crate) introspection: crate::info::Introspection,
    /// maxmemory eviction: the candidate pool, the listener.
    pub(crate) evict: crate::evict::EvictionState,
    /// WATCH: the last change of every watched key.
    pub(crate) watches: crate::command::Watches,
}

impl Keyspace {
    /// A keyspace with `config.databases` empty databases and the system clock.
    pub fn new(config: Config) -> Self {
        Self::with_clock(config, Arc::new(SystemClock))
    }

    /// A keyspace reading time from `clock` (e.g. a [`crate::ManualClock`]).
    pub fn with_clock(config: Config, clock: Arc<dyn Clock>) -> Self {
        let n = config.databases.max(1);
        let dbs = (0..n).map(|_| Db::new(config.cluster_enabled)).collect();
        let mut rng = SmallRng::from_os_rng();
        let introspection = crate::info::Introspection::new(clock.now_ms(), &mut rng);
        let mut ks = Keyspace {
            config,
            dbs,
            selected: 0,
            clock,
            frozen_ms: None,
            stats: Stats::default(),
            rng,
            expire_cursor: vec![0; n],
            expire_next_db: 0,
            introspection,
            evict: crate::evict::EvictionState::default(),
            watches: crate::command::Watches::default(),
        };
        ks.introspection.startup_memory = ks.used_memory() as u64;
        ks
    }

    /// Reseeds the random source (RANDOMKEY, sampling) for reproducible runs.
    pub fn seed_rng(&mut self, seed: u64) {
        self.rng = SmallRng::seed_from_u64(seed);
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Mutable configuration. `databases` and `cluster_enabled` are fixed at
    /// construction; changing them here has no effect.
    pub fn config_mut(&mut self) -> &mut Config {
        &mut self.config
    }

    /// Counters for INFO.
    pub fn stats(&self) -> Stats {
        self.stats
    }

    /// Selects the database typed methods act on.
    ///
    /// # Errors
    /// [`Error::DbIndexOutOfRange`] when `db >= databases`.
    pub fn select(&mut self, db: usize) -> Result<()> {
        if db >= self.dbs.len() {
            return Err(Error::DbIndexOutOfRange);
        }
        self.selected = db;
        Ok(())
    }

    /// The selected database index.
    pub fn selected_db(&self) -> usize {
        self.selected
    }

    /// Number of logical databases.
    pub fn databases(&self) -> usize {
        self.dbs.len()
    }

    /// The time commands see, in Unix ms: the frozen time if set, else the clock.
    pub fn now_ms(&self) -> u64 {
        self.frozen_ms.unwrap_or_else(|| self.clock.now_ms())
    }

    /// Freezes time at the current clock reading until [`Keyspace::unfreeze_time`],
    /// so a group of commands sees one instant (as MULTI/EXEC does).
    pub fn freeze_time(&mut self) {
        self.frozen_ms = Some(self.clock.now_ms());
    }

    /// Lets time follow the clock again.
    pub fn unfreeze_time(&mut self) {
        self.frozen_ms = None;
    }

    pub(crate) fn db(&self) -> &Db {
        &self.dbs[self.selected]
    }

    pub(crate) fn db_mut(&mut self) -> &mut Db {
        &mut self.dbs[self.selected]
    }

    /// Deletes `key` from the selected database if its TTL has passed.
    /// Returns true when the key was expired (and is now gone).
    pub(crate) fn expire_if_needed(&mut self, key: &[u8], now: u64) -> bool {
        let db = &mut self.dbs[self.selected];
        match db.get(key) {
            Some(e) if e.expire_at != 0 && now > e.expire_at => {
                db.remove(key);
                self.stats.expired_keys += 1;
                self.signal_modified(key);
                true
            }
            _ => false,
        }
    }

    /// The position of a live `key` in the selected database's map, after
    /// lazy expiry: one hash lookup; callers then reach the entry by index.
    fn find_live(&mut self, key: &[u8], now: u64) -> Option<usize> {
        let (index, entry) = self.dbs[self.selected].get_full(key)?;
        if entry.expire_at != 0 && now > entry.expire_at {
            self.expire_if_needed(key, now);
            return None;
        }
        Some(index)
    }

    /// Looks a key up for reading: lazy expiry, hit/miss counters, and the
    /// access time (LRU) or frequency (LFU) update.
    pub(crate) fn lookup_read(&mut self, key: &[u8]) -> Option<&mut Entry> {
        self.lookup_counted(key, true)
    }

    /// Looks a key up for reading without updating its access time or
    /// frequency (Redis's `LOOKUP_NOTOUCH`: TYPE, EXISTS, the TTL family,
    /// OBJECT); lazy expiry and hit/miss counters still apply.
    pub(crate) fn lookup_read_notouch(&mut self, key: &[u8]) -> Option<&mut Entry> {
        self.lookup_counted(key, false)
    }

    fn lookup_counted(&mut self, key: &[u8], touch: bool) -> Option<&mut Entry> {
        let now = self.now_ms();
        let Some(index) = self.find_live(key, now) else {
            self.stats.keyspace_misses += 1;
            return None;
        };
        self.stats.keyspace_hits += 1;
        let Keyspace {
            dbs,
            selected,
            config,
            rng,
            ..
        } = self;
        let (_, entry) = dbs[*selected].entry_at_mut(index)?;
        if touch {
            crate::keys::touch_access(&mut entry.lru, config, now, rng);
        }
        Some(entry)
    }

    /// Runs `f` with the hit/miss counters left as they were: for a typed
    /// call that repeats lookups the command layer already made and counted
    /// (Redis looks each key up once per command).
    pub(crate) fn uncounted<R>(&mut self, f: impl FnOnce(&mut Self) -> R) -> R {
        let (hits, misses) = (self.stats.keyspace_hits, self.stats.keyspace_misses);
        let out = f(self);
        self.stats.keyspace_hits = hits;
        self.stats.keyspace_misses = misses;
        out
    }

    /// Looks a key up for writing: lazy expiry and the access time update.
    pub(crate) fn lookup_write(&mut self, key: &[u8]) -> Option<&mut Entry> {
        let now = self.now_ms();
        let index = self.find_live(key, now)?;
        let Keyspace {
            dbs,
            selected,
            config,
            rng,
            ..
        } = self;
        let (_, entry) = dbs[*selected].entry_at_mut(index)?;
        crate::keys::touch_access(&mut entry.lru, config, now, rng);
        Some(entry)
    }

    /// Looks `key` up for a read command and projects its value to the type
    /// the command works on (`proj` returns None for any other type).
    ///
    /// # Errors
    /// [`Error::WrongType`] when the key holds another type.
    pub(crate) fn read_typed<T>(
        &mut self,
        key: &[u8],
        proj: fn(&mut Value) -> Option<&mut T>,
    ) -> Result<Option<&mut T>> {
        match self.lookup_read(key) {
            None => Ok(None),
            Some(entry) => proj(&mut entry.value).map(Some).ok_or(Error::WrongType),
        }
    }

    /// [`Keyspace::read_typed`] for write commands (no hit/miss counting).
    ///
    /// # Errors
    /// [`Error::WrongType`] when the key holds another type.
    pub(crate) fn write_typed<T>(
        &mut self,
        key: &[u8],
        proj: fn(&mut Value) -> Option<&mut T>,
    ) -> Result<Option<&mut T>> {
        match self.lookup_write(key) {
            None => Ok(None),
            Some(entry) => proj(&mut entry.value).map(Some).ok_or(Error::WrongType),
        }
    }

    /// Looks `key` up for a write command, creating it with `make()` when it
    /// is absent (LPUSH, HSET, SADD, ZADD ... on a new key).
    ///
    /// # Errors
    /// [`Error::WrongType`] when the key holds another type.
    pub(crate) fn write_typed_or_insert<T>(
        &mut self,
        key: &[u8],
        proj: fn(&mut Value) -> Option<&mut T>,
        make: impl FnOnce() -> Value,
    ) -> Result<&mut T> {
        if self.lookup_write(key).is_none() {
            self.add_key(key, make());
        }
        let entry = self.dbs[self.selected]
            .get_mut(key)
            .expect("present or just added");
        proj(&mut entry.value).ok_or(Error::WrongType)
    }

    /// Removes a key that a command emptied (an aggregate with no elements
    /// left), as Redis deletes empty lists, hashes, sets and sorted sets.
    pub(crate) fn remove_emptied(&mut self, key: &[u8]) {
        if self.dbs[self.selected].remove(key).is_some() {
            self.signal_modified(key);
        }
    }

    /// The LRU/LFU field a value created now starts with.
    pub(crate) fn new_access_field(&self) -> u32 {
        crate::keys::new_access_field(&self.config, self.now_ms())
    }

    /// Looks a key up without touching statistics or access times, as OBJECT,
    /// TYPE and the TTL family do (lazy expiry still applies).
    pub(crate) fn lookup_quiet(&mut self, key: &[u8]) -> Option<&Entry> {
        let now = self.now_ms();
        self.expire_if_needed(key, now);
        self.dbs[self.selected].get(key)
    }

    /// Whether a live (unexpired) key exists, without side effects beyond
    /// lazy expiry (used by unit tests).
    #[cfg(test)]
    pub(crate) fn key_exists(&mut self, key: &[u8]) -> bool {
        self.lookup_quiet(key).is_some()
    }

    /// Stores `value` under `key` as SET does: replaces any value, and drops
    /// the TTL unless `keep_ttl`.
    ///
    /// Under an LFU policy an overwrite keeps the old entry's access field
    /// (Redis's `dbOverwrite`), so callers look the key up first, as Redis
    /// does, to count the access.
    pub(crate) fn set_key(&mut self, key: &[u8], value: Value, keep_ttl: bool) {
        let mut lru = self.new_access_field();
        let db = &mut self.dbs[self.selected];
        if self.config.maxmemory_policy.is_lfu()
            && let Some(old) = db.get(key)
        {
            lru = old.lru;
        }
        let expire_at = if keep_ttl {
            db.get(key).map_or(0, |e| e.expire_at)
        } else {
            0
        };
        db.insert(
            key,
            Entry {
                value,
                expire_at,
                lru,
            },
        );
        self.signal_modified(key);
    }

    /// Adds a key known to be absent.
    pub(crate) fn add_key(&mut self, key: &[u8], value: Value) {
        let lru = self.new_access_field();
        self.dbs[self.selected].insert(
            key,
            Entry {
                lru,
                ..Entry::new(value)
            },
        );
        self.signal_modified(key);
    }

    /// Deletes a key; true if it existed (expired keys count as absent).
    pub(crate) fn delete_key(&mut self, key: &[u8]) -> bool {
        let now = self.now_ms();
        if self.expire_if_needed(key, now) {
            return false;
        }
        let removed = self.dbs[self.selected].remove(key).is_some();
        if removed {
            self.signal_modified(key);
        }
        removed
    }

    /// Records that `key` in the selected database changed. This is the one
    /// hook WATCH, client-side caching and notifications will hang off.
    pub(crate) fn signal_modified(&mut self, key: &[u8]) {
        self.stats.dirty += 1;
        self.watches.touch(self.selected, key);
    }

    /// Heap bytes the data holds, over every database: the key tables at
    /// capacity, key allocations and each value's heap bytes (buffers at
    /// capacity). Kept up to date incrementally, so this is O(databases).
    /// This is the figure `maxmemory` is compared with.
    ///
    /// ```
    /// use embedis::{Config, Keyspace};
    /// let mut ks = Keyspace::new(Config::default());
    /// let empty = ks.used_memory();
    /// ks.set(b"k", &[b'x'; 100], &Default::default()).unwrap();
    /// assert!(ks.used_memory() >= empty + 101);
    /// ks.del(&[b"k"]);
    /// ks.flushall();
    /// assert_eq!(ks.used_memory(), 0);
    /// ```
    pub fn used_memory(&self) -> usize {
        self.dbs.iter().map(Db::used_memory).sum()
    }

    /// ```text
    /// MEMORY USAGE key [SAMPLES count]
    /// ```
    /// Bytes `key` costs in the selected database: its key allocation, its
    /// share of the key table (entry slot and index), and its value's heap
    /// bytes; `None` when the key is missing. Every size is exact here, so
    /// `samples` (Redis's sampling of aggregate elements) is accepted and
    /// ignored. Does not update the access time.
    ///
    /// # Complexity
    /// O(1).
    pub fn memory_usage(&mut self, key: &[u8], samples: usize) -> Option<usize> {
        let _ = samples;
        let entry = self.lookup_quiet(key)?;
        let table = 8 + std::mem::size_of::<Key>() + std::mem::size_of::<Entry>() + 9;
        let ttl = if entry.expire_at != 0 {
            key.len() + 8 + std::mem::size_of::<Key>() + 9
        } else {
            0
        };
        Some(table + key.len() + ttl + entry.value.heap_bytes())
    }

    /// Checks every structural invariant of every database.
    ///
    /// # Errors
    /// A description of the first broken invariant.
    pub fn validate(&self) -> std::result::Result<(), String> {
        for (i, db) in self.dbs.iter().enumerate() {
            db.validate().map_err(|e| format!("db {i}: {e}"))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;
    use crate::types::string::StringValue;

    fn ks_at(ms: u64) -> (Keyspace, ManualClock) {
        let clock = ManualClock::new(ms);
        (
            Keyspace::with_clock(Config::default(), Arc::new(clock.clone())),
            clock,
        )
    }

    #[test]
    fn expiry_is_strictly_after_the_deadline() {
        let (mut ks, clock) = ks_at(1_000);
        ks.add_key(b"k", Value::String(StringValue::from_bytes(b"v")));
        assert!(ks.db_mut().set_expire(b"k", 1_500));
        clock.set(1_500);
        assert!(ks.lookup_read(b"k").is_some());
        clock.set(1_501);
        assert!(ks.lookup_read(b"k").is_none());
        assert_eq!(ks.stats().expired_keys, 1);
        ks.validate().unwrap();
    }

    #[test]
    fn select_checks_range() {
        let (mut ks, _) = ks_at(0);
        assert_eq!(ks.select(16), Err(Error::DbIndexOutOfRange));
        ks.select(15).unwrap();
        assert_eq!(ks.selected_db(), 15);
    }
}
