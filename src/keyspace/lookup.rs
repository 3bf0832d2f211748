//! Key lookups (lazy expiry, hit/miss counters, access-time updates) and
//! the stores every command goes through.
//!
//! # Cost
//!
//! A lookup computes the key's words once ([`KeyWords`]: its bytes
//! zero-padded to two words) for the shortcuts below, the hash and the
//! compare with each stored key; it hashes once and walks one chain; a
//! miss usually stops at the bucket's tag filter without visiting a slot
//! (see `keyspace/table.rs`). The clock is read for the expiry check only
//! when the entry's TTL flag is set, and once for the access-time update
//! (the coarse clock, inlined for [`crate::SystemClock`]). Reads take the
//! entry without settling ([`super::Db::entry_for_read`]): a read never
//! changes a value's size, so nothing is left for the next write to
//! account.
//!
//! A read of the key read last (ZSCORE after ZSCORE on one sorted set)
//! skips the hash and the probe: one word compared with the one kept, then
//! the key stored at the kept position ([`super::Db::read_hit`]), so a hit
//! cannot be wrong whatever moved since. Without a TTL, under an LRU-style
//! policy and on the system clock, that read makes no call at all
//! ([`Keyspace::read_fast`]): every other case leaves by a tail call to
//! the general path, which keeps the found position.
//!
//! Writes probe once: a key that may be created goes in at the hash the
//! lookup computed, out of line from the found-key path. A write to the
//! key written last (the entry still pending, see the accounting notes in
//! the parent module) skips the hash, the probe and the expiry check when
//! the key has no TTL: its length and two words compared with the ones
//! kept for the pending entry ([`super::Db::pending_hit`]), then the
//! access-time update; handing that entry out again reads no sizes. That
//! shortcut is inlined into the callers, the probing paths are not.
//! A probing write reads the TTL flag from the slot the chain walk
//! stopped at and hands the entry out with one more slot access
//! ([`super::Db::entry_for_write`]).

use super::table::KeyWords;
use super::{Entry, Keyspace};
use crate::error::{Error, Result};
use crate::value::Value;

/// "Not found by the read shortcut" (a position no table reaches).
const NO_HIT: usize = usize::MAX;

/// Why [`Keyspace::read_fast`] left a read to the general path.
#[derive(Debug, Clone, Copy)]
enum Bail {
    /// The key is not the key read last: probe.
    Probe,
    /// The key read last, at this position, needs the general path (a
    /// TTL, a stream, LFU, another clock); with `true`, the coarse clock
    /// is due for a check against the system clock first.
    Found(usize, bool),
}

/// Which values [`Keyspace::read_typed`] projecting to `T` may read by
/// the shortcut: a stream is handed out for writing (some stream reads
/// trim consumer state), so a stream read takes the general path; a read
/// of any other type takes the shortcut whatever the value (a stream
/// found there fails the projection, a WRONGTYPE that changes nothing).
/// The test is on the type, settled at compile time: no test of the value.
#[inline(always)]
fn shortcut_for<T: 'static>() -> fn(&Value) -> bool {
    if std::any::TypeId::of::<T>() == std::any::TypeId::of::<crate::types::stream::StreamValue>() {
        |_| false
    } else {
        |_| true
    }
}

/// The end of [`Keyspace::read_fast`] and [`Keyspace::read_probed`]:
/// `Ok` with what `fast_clock` becomes when the key found at `i` can be
/// read inline (`inline`: no TTL, a plain value) and the fast clock
/// grants a reading (its count, `fast_clock`, is positive; the caller
/// stores the count less one after addressing the entry, see
/// [`Keyspace::take_fast_lru`]); otherwise the general path, which
/// refreshes the clock first when it granted none.
#[inline(always)]
fn read_inline(i: usize, inline: bool, fast_clock: i32) -> Result<i32, Bail> {
    let left = fast_clock.wrapping_sub(1);
    match inline && left >= 0 {
        true => Ok(left),
        false => Err(Bail::Found(i, left < 0)),
    }
}

impl Keyspace {
    /// Deletes `key` from the selected database if its TTL has passed.
    /// Returns true when the key was expired (and is now gone).
    pub(crate) fn expire_if_needed(&mut self, key: &[u8], now: u64) -> bool {
        let db = &self.dbs[self.selected];
        match db.find(key) {
            Some(i) if db.is_expired(key, db.entry_at(i), now) => {
                self.expire_at_pos(i, key);
                true
            }
            _ => false,
        }
    }

    /// Deletes the expired `key` at position `pos` of the selected database.
    fn expire_at_pos(&mut self, pos: usize, key: &[u8]) {
        self.dbs[self.selected].remove_at(pos, key);
        self.stats.expired_keys += 1;
        self.signal_modified(key);
    }

    /// Whether `key`, with a TTL when `ttl`, is past it; reads the clock
    /// only for a key with a TTL.
    #[inline]
    fn ttl_passed(&self, ttl: bool, key: &[u8]) -> bool {
        ttl && self.now_ms() > self.dbs[self.selected].expire_at(key)
    }

    /// The position of a live `key`, after lazy expiry.
    #[inline(always)]
    fn find_live(&mut self, key: &[u8]) -> Option<usize> {
        let (i, ttl) = self.dbs[self.selected].find_flagged(key)?;
        if self.ttl_passed(ttl, key) {
            self.expire_at_pos(i, key);
            return None;
        }
        Some(i)
    }

    /// The entry at position `i`, its access field updated, for reading.
    #[inline(always)]
    fn touch_read(&mut self, i: usize) -> &mut Entry {
        self.touch_with(|db| db.entry_for_read(i))
    }

    /// The entry at position `i`, its access field updated, for writing
    /// (its size change is accounted).
    #[inline(always)]
    fn touch_write(&mut self, i: usize) -> &mut Entry {
        self.touch_with(|db| db.entry_at_mut(i).expect("live position").1)
    }

    /// The entry of the key `w`, at position `i`, its access field updated, for
    /// writing (its size change is accounted). [`Keyspace::touch_with`]
    /// spelled out: through the closure, INCR on 1M keys took 19 more
    /// instructions (callgrind, `examples/keyspace_ops`, session 6).
    #[inline(always)]
    fn touch_write_key(&mut self, i: usize, w: &KeyWords) -> &mut Entry {
        if let Some(now) = self.take_fast_lru() {
            let entry = self.dbs[self.selected].entry_for_write(i, w);
            entry.lru = now;
            return entry;
        }
        self.refresh_clock();
        let now = self.lru_now();
        let Keyspace {
            dbs,
            selected,
            config,
            rng,
            ..
        } = self;
        let entry = dbs[*selected].entry_for_write(i, w);
        crate::keys::touch_access(&mut entry.lru, config, now, rng);
        entry
    }

    /// The entry `take` hands out of the selected database, its LRU/LFU
    /// access field updated: with a reading of the fast clock
    /// ([`Keyspace::take_fast_lru`], which also says the policy is not
    /// LFU), the field is that time; otherwise after
    /// [`Keyspace::refresh_clock`], the general update.
    #[inline(always)]
    fn touch_with(&mut self, take: impl FnOnce(&mut super::Db) -> &mut Entry) -> &mut Entry {
        if let Some(now) = self.take_fast_lru() {
            let entry = take(&mut self.dbs[self.selected]);
            entry.lru = now;
            return entry;
        }
        self.refresh_clock();
        let now = self.lru_now();
        let Keyspace {
            dbs,
            selected,
            config,
            rng,
            ..
        } = self;
        let entry = take(&mut dbs[*selected]);
        crate::keys::touch_access(&mut entry.lru, config, now, rng);
        entry
    }

    /// The live position of `key` (lazy expiry applied), counted as a
    /// keyspace hit or miss, and remembered for the next read
    /// ([`super::Db::arm_read`]). `hit` is the key's position when the
    /// caller already found it as the key read last; otherwise it probes.
    #[inline(always)]
    fn find_counted_from(&mut self, key: &[u8], w: &KeyWords, hit: usize) -> Option<usize> {
        let db = &self.dbs[self.selected];
        let found = match hit {
            NO_HIT => db.find_keyed(key, w),
            i => Some((i, db.entry_at(i).has_ttl())),
        };
        match found {
            Some((i, ttl)) if !self.ttl_passed(ttl, key) => {
                self.stats.keyspace_hits += 1;
                self.dbs[self.selected].arm_read(w, i);
                Some(i)
            }
            _ => {
                if let Some((i, _)) = found {
                    self.expire_at_pos(i, key);
                }
                self.stats.keyspace_misses += 1;
                None
            }
        }
    }

    /// [`Keyspace::find_counted_from`] for a key not found yet.
    #[inline(always)]
    fn find_counted(&mut self, key: &[u8]) -> Option<usize> {
        let w = KeyWords::of(key);
        let hit = self.read_hit_pos(&w);
        self.find_counted_from(key, &w, hit)
    }

    /// The position of `w` if it is the key read last, else `NO_HIT`.
    #[inline(always)]
    fn read_hit_pos(&self, w: &KeyWords) -> usize {
        self.dbs[self.selected]
            .read_hit(w)
            .map_or(NO_HIT, |(at, _)| at.pos())
    }

    /// The read shortcut, with no call on its way: when `w` is the key
    /// read last ([`super::Db::read_hit`]), without a TTL, `plain` holds
    /// for its value, and the system coarse clock can be read inline
    /// under an LRU-style policy ([`Keyspace::take_fast_lru`]), what
    /// `fast_clock` becomes; the caller takes the entry
    /// ([`Keyspace::read_fast_entry`]). Otherwise `Err` says what the
    /// general path needs.
    #[inline(always)]
    fn read_fast(&self, w: &KeyWords, plain: fn(&Value) -> bool) -> Result<i32, Bail> {
        let db = &self.dbs[self.selected];
        let Some((at, entry)) = db.read_hit(w) else {
            return Err(Bail::Probe);
        };
        let left = self.fast_clock.wrapping_sub(1);
        match entry.no_ttl_and_not_negative(left) && plain(&entry.value) {
            true => Ok(left),
            false => Err(Bail::Found(at.pos(), left < 0)),
        }
    }

    /// [`Keyspace::read_fast`] for a key that is not the key read last:
    /// the probe, then the same conditions; `Ok` with the position too.
    /// `Err(Bail::Probe)` here means the key is absent.
    #[inline(always)]
    fn read_probed(
        &self,
        key: &[u8],
        w: &KeyWords,
        plain: fn(&Value) -> bool,
    ) -> Result<(usize, i32), Bail> {
        let db = &self.dbs[self.selected];
        let Some((i, entry)) = db.lookup_keyed(key, w) else {
            return Err(Bail::Probe);
        };
        let inline = !entry.has_ttl() && plain(&entry.value);
        read_inline(i, inline, self.fast_clock).map(|left| (i, left))
    }

    /// The entry [`Keyspace::read_fast`] found, its access time set to
    /// the fast clock's reading (`left` readings left after it) and the
    /// hit counted. The slot is addressed before anything is stored, so
    /// the compiler addresses it once.
    #[inline(always)]
    fn read_fast_entry(&mut self, left: i32) -> &mut Entry {
        let entry = self.dbs[self.selected].entry_for_read_hit();
        entry.lru = crate::clock::coarse_lru_peek();
        self.fast_clock = left;
        self.stats.keyspace_hits += 1;
        entry
    }

    /// The entry [`Keyspace::read_probed`] found at `i` (the key `w`), its
    /// access time set to the fast clock's reading (`left` readings left
    /// after it), the hit counted, and the key remembered as the key read
    /// last.
    #[inline(always)]
    fn read_probed_entry(&mut self, (i, left): (usize, i32), w: &KeyWords) -> &mut Entry {
        let Keyspace {
            dbs,
            selected,
            stats,
            fast_clock,
            ..
        } = self;
        let entry = dbs[*selected].entry_for_read_armed(i, w);
        entry.lru = crate::clock::coarse_lru_peek();
        *fast_clock = left;
        stats.keyspace_hits += 1;
        entry
    }

    /// Looks a key up for reading: lazy expiry, hit/miss counters, and the
    /// access time (LRU) or frequency (LFU) update. The entry is handed out
    /// mutable, but a read must not change its size (debug builds check).
    /// The key read last is found by [`Keyspace::read_fast`]; any other
    /// key is probed out of line.
    #[inline]
    pub(crate) fn lookup_read(&mut self, key: &[u8]) -> Option<&mut Entry> {
        let w = KeyWords::of(key);
        match self.read_fast(&w, |_| true) {
            Ok(left) => Some(self.read_fast_entry(left)),
            Err(Bail::Probe) => self.lookup_read_probe(key, w.lo, w.mid()),
            Err(Bail::Found(i, refresh)) => self.lookup_read_slow(key, i, refresh),
        }
    }

    /// [`Keyspace::lookup_read`] of a key that is not the key read last,
    /// out of line; `lo` and `mid` are its [`KeyWords`] (see
    /// [`KeyWords::resume`]).
    #[inline(never)]
    fn lookup_read_probe(&mut self, key: &[u8], lo: u64, mid: u64) -> Option<&mut Entry> {
        let w = KeyWords::resume(key, lo, mid);
        match self.read_probed(key, &w, |_| true) {
            Ok(found) => Some(self.read_probed_entry(found, &w)),
            Err(Bail::Probe) => {
                self.stats.keyspace_misses += 1;
                None
            }
            Err(Bail::Found(i, refresh)) => self.lookup_read_slow(key, i, refresh),
        }
    }

    /// [`Keyspace::lookup_read`] past the shortcut, out of line: `hit` is
    /// the key's position when [`Keyspace::read_fast`] found it (else
    /// `NO_HIT`), `refresh` whether the clock is due for a check.
    #[inline(never)]
    fn lookup_read_slow(&mut self, key: &[u8], hit: usize, refresh: bool) -> Option<&mut Entry> {
        if refresh {
            self.refresh_clock();
        }
        let i = self.find_counted_from(key, &KeyWords::of(key), hit)?;
        Some(self.touch_read(i))
    }

    /// [`Keyspace::lookup_read`] for a read command that may change the
    /// value it reads (PFCOUNT caches the count it computes): the entry's
    /// size change is accounted.
    pub(crate) fn lookup_read_mut(&mut self, key: &[u8]) -> Option<&mut Entry> {
        let i = self.find_counted(key)?;
        Some(self.touch_write(i))
    }

    /// Looks a key up for reading without updating its access time or
    /// frequency (Redis's `LOOKUP_NOTOUCH`: TYPE, EXISTS, the TTL family,
    /// OBJECT); lazy expiry and hit/miss counters still apply.
    pub(crate) fn lookup_read_notouch(&mut self, key: &[u8]) -> Option<&mut Entry> {
        let i = self.find_counted(key)?;
        Some(self.dbs[self.selected].entry_for_read(i))
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

    /// The pending entry (the key written last, no TTL), its access field
    /// updated, for writing again: the shortcut of
    /// [`Keyspace::lookup_write`] and [`Keyspace::write_typed_or_insert`].
    #[inline(always)]
    fn touch_pending(&mut self) -> &mut Entry {
        self.touch_with(super::Db::pending_entry)
    }

    /// Looks a key up for writing: lazy expiry and the access time update.
    /// The key written last is found without a probe
    /// ([`super::Db::pending_hit`]).
    #[inline(always)]
    pub(crate) fn lookup_write(&mut self, key: &[u8]) -> Option<&mut Entry> {
        let w = KeyWords::of(key);
        match self.dbs[self.selected].pending_hit(&w) {
            Some(false) => Some(self.touch_pending()),
            hit => self.lookup_write_probed(key, hit, w.lo, w.mid()),
        }
    }

    /// [`Keyspace::lookup_write`] past the shortcut: the pending key with
    /// a TTL (`hit` = `Some(true)`), or any other key (`hit` = None);
    /// `lo` and `mid` are the key's [`KeyWords`] (see
    /// [`KeyWords::resume`]).
    #[inline(never)]
    fn lookup_write_probed(
        &mut self,
        key: &[u8],
        hit: Option<bool>,
        lo: u64,
        mid: u64,
    ) -> Option<&mut Entry> {
        let w = KeyWords::resume(key, lo, mid);
        let db = &self.dbs[self.selected];
        let (i, ttl) = match hit {
            Some(ttl) => (db.pending_pos(), ttl),
            None => db.find_keyed(key, &w)?,
        };
        if self.ttl_passed(ttl, key) {
            self.expire_at_pos(i, key);
            return None;
        }
        Some(self.touch_write_key(i, &w))
    }

    /// Looks `key` up for a read command and projects its value to the type
    /// the command works on (`proj` returns None for any other type). A
    /// stream is handed out with its size change accounted (some stream
    /// commands that read also trim consumer state); other values must not
    /// change size through the reference. The key read last is found by
    /// [`Keyspace::read_fast`]; any other key is probed out of line.
    ///
    /// # Errors
    /// [`Error::WrongType`] when the key holds another type.
    #[inline(always)]
    pub(crate) fn read_typed<T: 'static, P>(
        &mut self,
        key: &[u8],
        proj: P,
    ) -> Result<Option<&mut T>>
    where
        P: Fn(&mut Value) -> Option<&mut T> + Copy,
    {
        let w = KeyWords::of(key);
        match self.read_fast(&w, shortcut_for::<T>()) {
            Ok(left) => match proj(&mut self.read_fast_entry(left).value) {
                Some(t) => Ok(Some(t)),
                None => Err(Error::WrongType),
            },
            Err(Bail::Probe) => self.read_typed_probe(key, w.lo, w.mid(), proj),
            Err(Bail::Found(i, refresh)) => self.read_typed_slow(key, i, refresh, proj),
        }
    }

    /// [`Keyspace::read_typed`] of a key that is not the key read last, out
    /// of line; `lo` and `mid` are its [`KeyWords`] (see
    /// [`KeyWords::resume`]).
    #[inline(never)]
    fn read_typed_probe<T: 'static, P>(
        &mut self,
        key: &[u8],
        lo: u64,
        mid: u64,
        proj: P,
    ) -> Result<Option<&mut T>>
    where
        P: Fn(&mut Value) -> Option<&mut T> + Copy,
    {
        let w = KeyWords::resume(key, lo, mid);
        match self.read_probed(key, &w, shortcut_for::<T>()) {
            Ok(found) => match proj(&mut self.read_probed_entry(found, &w).value) {
                Some(t) => Ok(Some(t)),
                None => Err(Error::WrongType),
            },
            Err(Bail::Probe) => {
                self.stats.keyspace_misses += 1;
                Ok(None)
            }
            Err(Bail::Found(i, refresh)) => self.read_typed_slow(key, i, refresh, proj),
        }
    }

    /// [`Keyspace::read_typed`] past the shortcut, out of line: `hit` is
    /// the key's position when [`Keyspace::read_fast`] found it (else
    /// `NO_HIT`), `refresh` whether the clock is due for a check.
    #[inline(never)]
    fn read_typed_slow<T, P>(
        &mut self,
        key: &[u8],
        hit: usize,
        refresh: bool,
        proj: P,
    ) -> Result<Option<&mut T>>
    where
        P: Fn(&mut Value) -> Option<&mut T> + Copy,
    {
        if refresh {
            self.refresh_clock();
        }
        let Some(i) = self.find_counted_from(key, &KeyWords::of(key), hit) else {
            return Ok(None);
        };
        self.read_typed_at(i, proj)
    }

    /// The live entry at position `i`, touched and projected for
    /// [`Keyspace::read_typed`]; a stream is handed out for writing.
    #[inline(always)]
    fn read_typed_at<T, P>(&mut self, i: usize, proj: P) -> Result<Option<&mut T>>
    where
        P: Fn(&mut Value) -> Option<&mut T> + Copy,
    {
        let stream = matches!(self.dbs[self.selected].entry_at(i).value, Value::Stream(_));
        let entry = match stream {
            true => self.touch_write(i),
            false => self.touch_read(i),
        };
        match proj(&mut entry.value) {
            Some(t) => Ok(Some(t)),
            None => Err(Error::WrongType),
        }
    }

    /// [`Keyspace::read_typed`] for write commands (no hit/miss counting).
    ///
    /// # Errors
    /// [`Error::WrongType`] when the key holds another type.
    #[inline(always)]
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
    /// is absent (LPUSH, HSET, SADD, ZADD ... on a new key). One probe:
    /// a new key goes in at the hash the lookup computed.
    ///
    /// # Errors
    /// [`Error::WrongType`] when the key holds another type.
    #[inline(always)]
    pub(crate) fn write_typed_or_insert<T>(
        &mut self,
        key: &[u8],
        proj: fn(&mut Value) -> Option<&mut T>,
        make: impl FnOnce() -> Value,
    ) -> Result<&mut T> {
        let w = KeyWords::of(key);
        let entry = match self.dbs[self.selected].pending_hit(&w) {
            Some(false) => self.touch_pending(),
            hit => self.write_or_insert_probed(key, hit, (w.lo, w.mid()), make),
        };
        proj(&mut entry.value).ok_or(Error::WrongType)
    }

    /// The shortcut of [`Keyspace::write_typed_or_insert`] alone: when
    /// `key` is the key written last (the entry still pending, no TTL),
    /// its value projected by `proj`, the access field updated; None for
    /// any other key, touching nothing, so that the caller goes on to
    /// [`Keyspace::write_typed_or_insert`]. For a caller whose creation
    /// of a new key needs more than a closure's captures (ZADD of one
    /// pair): its slow path stays out of line.
    ///
    /// # Errors
    /// [`Error::WrongType`] when the key holds another type.
    #[inline(always)]
    pub(crate) fn write_typed_pending<T>(
        &mut self,
        key: &[u8],
        proj: fn(&mut Value) -> Option<&mut T>,
    ) -> Option<Result<&mut T>> {
        let w = KeyWords::of(key);
        if self.dbs[self.selected].pending_hit(&w) != Some(false) {
            return None;
        }
        let entry = self.touch_pending();
        Some(match proj(&mut entry.value) {
            Some(t) => Ok(t),
            None => Err(Error::WrongType),
        })
    }

    /// [`Keyspace::write_typed_or_insert`] past the shortcut (`hit` as in
    /// [`Keyspace::lookup_write_probed`]): the entry of `key`, created with
    /// `make()` when absent.
    #[inline(never)]
    fn write_or_insert_probed(
        &mut self,
        key: &[u8],
        hit: Option<bool>,
        (lo, mid): (u64, u64),
        make: impl FnOnce() -> Value,
    ) -> &mut Entry {
        let w = KeyWords::resume(key, lo, mid);
        let db = &self.dbs[self.selected];
        let (hash, found) = match hit {
            Some(ttl) => (None, Some((db.pending_pos(), ttl))),
            None => {
                let (hash, found) = db.probe_keyed(key, &w);
                (Some(hash), found)
            }
        };
        match found {
            Some((i, ttl)) if !self.ttl_passed(ttl, key) => self.touch_write_key(i, &w),
            _ => self.insert_for_write(key, hash, found.map(|(i, _)| i), make),
        }
    }

    /// The insertion half of [`Keyspace::write_typed_or_insert`], out of
    /// line: deletes the expired key at `found` if any, adds `key` (whose
    /// hash is `hash`, when known) with `make()`, and hands the new entry
    /// out for writing.
    #[inline(never)]
    fn insert_for_write(
        &mut self,
        key: &[u8],
        hash: Option<u64>,
        found: Option<usize>,
        make: impl FnOnce() -> Value,
    ) -> &mut Entry {
        if let Some(i) = found {
            self.expire_at_pos(i, key);
        }
        let lru = self.new_access_field();
        let db = &mut self.dbs[self.selected];
        let hash = hash.unwrap_or_else(|| db.hash(key));
        let pos = db.insert_new(key, hash, Entry::with_lru(make(), lru), 0);
        self.signal_modified(key);
        let (_, entry) = self.dbs[self.selected]
            .entry_at_mut(pos)
            .expect("just added");
        entry
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
        match self.config.maxmemory_policy.is_lfu() {
            true => crate::keys::new_access_field(&self.config, self.lru_now()),
            false => self.lru_field_now(),
        }
    }

    /// Looks a key up without touching statistics or access times, as OBJECT,
    /// TYPE and the TTL family do (lazy expiry still applies).
    pub(crate) fn lookup_quiet(&mut self, key: &[u8]) -> Option<&Entry> {
        let i = self.find_live(key)?;
        Some(self.dbs[self.selected].entry_at(i))
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
        self.store(key, value, keep_ttl, 0, false);
    }

    /// Redis's `setKey` in one probe: stores `value` under `key`, with the
    /// TTL `expire_at` (0 = none) or, with `keep_ttl`, the key's current
    /// one. With `touch`, an existing live key first counts an access
    /// (the lookup Redis makes before overwriting); either way an overwrite
    /// keeps the access field under LFU and takes the current time under
    /// LRU. An expired key is deleted (and counted) first.
    pub(crate) fn store(
        &mut self,
        key: &[u8],
        value: Value,
        keep_ttl: bool,
        expire_at: u64,
        touch: bool,
    ) {
        let sel = self.selected;
        let (hash, found) = self.dbs[sel].probe_keyed(key, &KeyWords::of(key));
        let live = found
            .filter(|&(_, ttl)| !self.ttl_passed(ttl, key))
            .map(|(i, _)| i);
        if let Some(i) = live {
            let lfu = self.config.maxmemory_policy.is_lfu();
            let mut lru = match lfu {
                true => self.dbs[sel].entry_at(i).lru,
                false => self.lru_field_now(),
            };
            if lfu && touch {
                let now = self.lru_now();
                crate::keys::touch_access(&mut lru, &self.config, now, &mut self.rng);
            }
            let db = &mut self.dbs[sel];
            let old = db.entry_at(i);
            let when = match keep_ttl && old.has_ttl() {
                true => db.expire_at(key),
                false => expire_at,
            };
            db.replace_at(i, key, Entry::with_lru(value, lru), when);
        } else {
            if let Some((i, _)) = found {
                self.expire_at_pos(i, key);
            }
            let lru = self.new_access_field();
            let entry = Entry::with_lru(value, lru);
            self.dbs[sel].insert_new(key, hash, entry, expire_at);
        }
        self.signal_modified(key);
    }

    /// Adds a key known to be absent.
    pub(crate) fn add_key(&mut self, key: &[u8], value: Value) {
        let lru = self.new_access_field();
        self.dbs[self.selected].insert(key, Entry::with_lru(value, lru), 0);
        self.signal_modified(key);
    }

    /// Deletes a key; true if it existed (expired keys count as absent).
    pub(crate) fn delete_key(&mut self, key: &[u8]) -> bool {
        let Some(i) = self.find_live(key) else {
            return false;
        };
        self.dbs[self.selected].remove_at(i, key);
        self.signal_modified(key);
        true
    }

    /// Records that `key` in the selected database changed. This is the one
    /// hook WATCH, client-side caching and notifications will hang off.
    #[inline]
    pub(crate) fn signal_modified(&mut self, key: &[u8]) {
        self.stats.dirty += 1;
        self.watches.touch(self.selected, key);
    }
}
