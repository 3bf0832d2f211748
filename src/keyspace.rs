//! The keyspace: logical databases of keys, lookup with lazy expiry, and the
//! bookkeeping every write goes through.
//!
//! # Shape
//!
//! A [`Keyspace`] owns `databases` [`Db`]s and one selected index (SELECT);
//! typed methods act on the selected database. Each `Db` keeps its keys in a
//! `table::Table`: dense, position-addressable slots of key + [`Entry`]
//! (value, 24-bit LRU/LFU field, TTL flag) under a chained hash index, 56
//! bytes a key plus 4 bytes of index (see `keyspace/table.rs`). Keys with a
//! TTL are also in `expires` (key -> absolute expiry in Unix ms), as Redis's
//! `expires` dict; the entry's flag says whether to look there, so keys
//! without TTL cost nothing extra and the active expire cycle samples only
//! volatile keys.
//!
//! # Memory accounting
//!
//! Each `Db` keeps a running total of its key allocations and values'
//! [`crate::Value::heap_bytes`]; the tables' own bytes are computed from
//! the slots and buckets they have allocated (stable: no figure that moves
//! with deleted-slot markers). Entries handed out for writing are
//! remembered (position and heap bytes then) and settled at the next
//! hand-out of another entry or structural change, so
//! [`Keyspace::used_memory`] is exact and O(1) without hooks in every
//! command; handing the pending entry out again settles nothing (its size
//! then is still the one to settle from), so a run of writes to one key
//! reads `heap_bytes` twice in all. Entries handed out for reading are
//! not (a read leaves sizes alone; debug builds check it). `validate`
//! recounts from scratch. Under `maxmemory` the key tables grow late and
//! give spare slots back (see `keyspace/table.rs`, "Growth under
//! maxmemory").
//!
//! # Invariants
//!
//! 1. `entry.has_ttl()` exactly when the key is in `db.expires`.
//! 2. With `cluster-enabled`, every key is in the slot index under
//!    [`crate::key_hash_slot`] of its name, and nowhere else.
//! 3. Every key insertion and removal goes through `Db::insert` /
//!    `insert_new` / `remove` / `remove_at`, so 1 and 2 cannot drift, and
//!    every access that may resize a value through `Db::get_mut` /
//!    `entry_at_mut`, so the byte total cannot either.
//!
//! # Time
//!
//! A command reads the clock once ([`Keyspace::now_ms`]); a key is logically
//! expired when `now > expire_at` (strictly). A lookup reads it for the
//! expiry check only when the key has a TTL, and once for the access-time
//! update. The host may freeze time for a
//! group of commands (MULTI/EXEC, scripts) with [`Keyspace::freeze_time`].

use std::sync::Arc;

use rand::SeedableRng;
use rand::rngs::SmallRng;

use crate::clock::{Clock, SystemClock};
use crate::config::Config;
use crate::error::{Error, Result};

mod db;
#[cfg(test)]
mod hot_tests;
mod keyhash;
mod lookup;
mod table;

pub(crate) use db::Db;
pub(crate) use table::{Entry, Hasher};

/// Key bytes as stored in the expires index.
pub(crate) type Key = Box<[u8]>;

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
    /// `clock` is the [`SystemClock`]: access times read its coarse clock
    /// directly (inlined) instead of through the trait object.
    system_clock: bool,
    /// Readings [`Keyspace::take_fast_lru`] may still take from the
    /// system coarse clock before the next check against the system
    /// clock ([`Keyspace::refresh_clock`]); negative once they ran out,
    /// and 0 again after each refresh with another clock or policy.
    fast_clock: i32,
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
        let mut ks = Self::with_clock(config, Arc::new(SystemClock));
        ks.system_clock = true;
        ks
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
            system_clock: false,
            fast_clock: 0,
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
        // The read shortcut's clock readings were granted under the old
        // policy (see `refresh_clock`); `make_room` skips its check under
        // the old limit.
        self.fast_clock = 0;
        self.recheck_room();
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

    /// The time access fields (LRU/LFU) are taken and compared at: the
    /// clock's coarse reading (see [`crate::Clock::coarse_ms`]), which never
    /// goes backwards; not frozen by [`Keyspace::freeze_time`], so fields
    /// set inside a frozen group compare with later readings.
    #[inline]
    pub(crate) fn lru_now(&self) -> u64 {
        if self.system_clock {
            crate::clock::coarse_system_ms()
        } else {
            self.clock.coarse_ms()
        }
    }

    /// The access field a value takes now under an LRU-style policy
    /// (Redis's LRU clock of [`Keyspace::lru_now`]); with the system clock,
    /// with no division.
    #[inline]
    pub(crate) fn lru_field_now(&self) -> u32 {
        if self.system_clock {
            crate::clock::coarse_system_lru()
        } else {
            crate::keys::lru_clock(self.clock.coarse_ms())
        }
    }

    /// [`Keyspace::lru_now`] for the read shortcut, as the access field
    /// it sets (Redis's LRU clock), with no call, no division and no
    /// branch on the clock's kind or the policy: takes one of the readings
    /// `fast_clock` grants and returns the system coarse clock's reading;
    /// None when none is left (every `COARSE_CHECK_EVERY`th reading, and
    /// always with another clock or under an LFU policy, where the access
    /// field is not a plain time). After None the caller goes on to
    /// [`Keyspace::refresh_clock`], which sets the count again; until then
    /// the count stays negative, so every reading is refused. One
    /// subtraction in memory and a branch on its sign.
    #[inline(always)]
    pub(crate) fn take_fast_lru(&mut self) -> Option<u32> {
        self.fast_clock = self.fast_clock.wrapping_sub(1);
        (self.fast_clock >= 0).then(crate::clock::coarse_lru_peek)
    }

    /// For the system clock and an LRU-style policy: checks the coarse
    /// clock against the system clock (starting its ticker), as every
    /// `COARSE_CHECK_EVERY`th reading does, and lets
    /// [`Keyspace::take_fast_lru`] take that many readings again; with
    /// another clock or policy, grants none. A configuration change
    /// ([`Keyspace::config_mut`]) takes them back.
    #[cold]
    #[inline(never)]
    pub(crate) fn refresh_clock(&mut self) {
        if self.system_clock && !self.config.maxmemory_policy.is_lfu() {
            crate::clock::coarse_refresh();
            self.fast_clock = crate::clock::COARSE_CHECK_EVERY as i32;
        } else {
            self.fast_clock = 0;
        }
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
        Some(Db::key_overhead(key, entry.has_ttl()) + entry.value.heap_bytes())
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
    use crate::value::Value;

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
    fn the_key_written_last_is_found_after_moves_and_expiry() {
        let (mut ks, clock) = ks_at(1_000);
        ks.rpush(b"a", &[b"x"]).unwrap();
        ks.rpush(b"b", &[b"y"]).unwrap();
        // Deleting "a" moves "b" into its position; "b" was pending.
        assert_eq!(ks.del(&[b"a"]), 1);
        assert_eq!(ks.rpush(b"b", &[b"z"]).unwrap(), 2);
        assert_eq!(ks.rpush(b"b", &[b"w"]).unwrap(), 3);
        ks.validate().unwrap();
        // A pending key whose TTL passes is expired, not written to.
        assert!(ks.db_mut().set_expire(b"b", 1_500));
        clock.set(1_501);
        assert_eq!(ks.rpush(b"b", &[b"v"]).unwrap(), 1);
        assert_eq!(ks.stats().expired_keys, 1);
        let long = [b'k'; 20];
        ks.rpush(&long, &[b"1"]).unwrap();
        assert_eq!(ks.rpush(&long, &[b"2"]).unwrap(), 2);
        ks.validate().unwrap();
    }

    #[test]
    fn writes_alternating_between_keys_of_every_length_stay_exact() {
        let (mut ks, clock) = ks_at(1_000);
        for n in 0..=20usize {
            let a: Vec<u8> = (0..n).map(|i| b'a' + i as u8).collect();
            let mut b = a.clone();
            if let Some(last) = b.last_mut() {
                *last = b'#';
            }
            for round in 1..=3 {
                assert_eq!(ks.rpush(&a, &[b"x"]).unwrap(), round, "{n}");
                assert_eq!(ks.rpush(&a, &[b"y"]).unwrap(), round + 1, "{n}");
                if n > 0 {
                    assert_eq!(ks.rpush(&b, &[b"z"]).unwrap(), round, "{n}");
                }
                assert_eq!(ks.rpop_one(&a).unwrap().as_deref(), Some(&b"y"[..]));
            }
            ks.validate().unwrap();
        }
        // A TTL set on the key written last is seen by the next write;
        // once removed (PERSIST), writes take the shortcut again.
        ks.rpush(b"t", &[b"1"]).unwrap();
        assert!(ks.db_mut().set_expire(b"t", 1_500));
        assert_eq!(ks.rpush(b"t", &[b"2"]).unwrap(), 2);
        assert!(ks.db_mut().set_expire(b"t", 0));
        clock.set(2_000);
        assert_eq!(ks.rpush(b"t", &[b"3"]).unwrap(), 3);
        assert!(ks.db_mut().set_expire(b"t", 2_500));
        clock.set(2_501);
        assert_eq!(ks.rpush(b"t", &[b"4"]).unwrap(), 1);
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
