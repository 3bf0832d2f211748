//! `maxmemory` eviction: Redis's sampled approximations of LRU and LFU, the
//! nearest-TTL policy and the two random policies.
//!
//! # Format
//!
//! Every entry carries one 24-bit access field ([`crate::keyspace::Entry`]'s
//! `lru`), read two ways depending on `maxmemory-policy`:
//!
//! ```text
//!   LRU and non-LFU policies:   23                                   0
//!                               [ Unix seconds mod 2^24 at last access ]
//!
//!   LFU policies:               23                  8 7              0
//!                               [ minutes mod 2^16   ][ log counter  ]
//!                                 (last decrement)      0..=255, new = 5
//! ```
//!
//! The LRU clock wraps every 2^24 s (about 194 days); idle time is computed
//! wrap-aware. The LFU counter is a Morris counter: an access first applies
//! the decay (one step per `lfu-decay-time` minutes since the stored time),
//! then increments with probability `1 / ((counter - 5) * lfu-log-factor + 1)`,
//! so with the default factor 10 about a million accesses saturate it. The
//! field is maintained by [`crate::keys::touch_access`] on every lookup that
//! is not `NOTOUCH`.
//!
//! # Algorithm
//!
//! Before a write that may grow memory, when `used_memory > maxmemory`, keys
//! are evicted one at a time until the figure is back under the limit:
//!
//! * **Pool policies** (`*-lru`, `*-lfu`, `volatile-ttl`): each round draws
//!   `maxmemory-samples` keys from every database (the whole keyspace for
//!   `allkeys-*`, the keys with a TTL for `volatile-*`) and offers them to a
//!   16-slot pool kept in ascending score order. The score is "how good a
//!   victim": idle milliseconds for LRU, `255 - decayed counter` for LFU,
//!   `u64::MAX - expire_at` for TTL. A candidate worse than every pooled one
//!   is dropped when the pool is full; otherwise it is inserted and, when
//!   the pool is full, the worst pooled candidate falls off. The best pooled
//!   candidate is then evicted; candidates whose key has gone since they
//!   were pooled ("ghosts") are discarded and the next best tried, sampling
//!   again if the pool runs dry. The pool lives across evictions, so it
//!   accumulates good candidates from many samples; this is what makes five
//!   samples approach a true LRU.
//! * **Random policies**: one random key from the next non-empty database,
//!   rotating through the databases from one eviction to the next.
//!
//! An evicted key is deleted like DEL deletes it (the modification hook
//! WATCH will use runs), counted in [`Stats::evicted_keys`](crate::Stats),
//! and handed, with its value and TTL, to the eviction listener when one is
//! set ([`Keyspace::set_eviction_listener`]).
//!
//! When nothing can be evicted (`noeviction`, or a `volatile-*` policy with
//! no key that has a TTL) and memory is still over the limit, the write is
//! refused with `OOM command not allowed when used memory > 'maxmemory'.`
//! before it changes anything; reads, deletions and the other writes that
//! only shrink memory still run.
//!
//! # Invariants
//!
//! 1. The pool holds at most [`POOL_SIZE`] candidates sorted by ascending
//!    score; the next victim is the last one.
//! 2. A pooled candidate may be stale (its key deleted, renamed, accessed
//!    again, its TTL removed): presence is checked again when it is picked,
//!    and the score is not refreshed (as in Redis).
//! 3. When [`Keyspace::evict`] returns `Ok`, `used_memory <= maxmemory`
//!    (or `maxmemory` is 0).
//!
//! # Thresholds
//!
//! * Pool size 16 and 5 samples per database per round: Redis's values,
//!   chosen there so that the sampled LRU is close to an exact one at a
//!   constant cost per eviction (see `docs/performance.md` for hit ratios).
//! * `maxmemory-eviction-tenacity` is accepted but does not bound the work:
//!   Redis stops after a time budget and finishes from a timer, which an
//!   in-process library does not have, so eviction here always runs until
//!   the limit holds (Redis's tenacity 100).
//!
//! # Compatibility
//!
//! Redis 7.0.15 `evict.c` (pool, scores, random rotation), `server.c`
//! `processCommand` (when the command layer evicts and refuses), `object.c`
//! (OBJECT IDLETIME / FREQ). Which keys go differs from Redis run to run
//! anyway (sampling is random), so only the policy's intent is compared.
//!
//! # References
//!
//! * Redis documentation, "Key eviction" (the sampled LRU and the pool).
//! * R. Morris, "Counting large numbers of events in small registers",
//!   CACM 21(10), 1978 (the logarithmic counter behind LFU).

use rand::Rng;

use crate::config::MaxmemoryPolicy;
use crate::error::{Error, Result};
use crate::keyspace::{Db, Entry, Keyspace};
use crate::value::Value;

/// Slots in the eviction pool (Redis's `EVPOOL_SIZE`).
pub(crate) const POOL_SIZE: usize = 16;

/// A key that `maxmemory` evicted, as the eviction listener receives it.
///
/// The listener owns the value, so it can move it to secondary storage
/// without copying (write-behind), or just log the key.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Evicted {
    /// The database the key was in.
    pub db: usize,
    /// The key.
    pub key: Vec<u8>,
    /// Its value.
    pub value: Value,
    /// Its absolute expiry in Unix milliseconds, if it had a TTL.
    pub expire_at: Option<u64>,
}

/// A callback for evicted keys; see [`Keyspace::set_eviction_listener`].
pub type EvictionListener = Box<dyn FnMut(Evicted) + Send>;

/// One pooled eviction candidate.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Candidate {
    /// Higher is a better victim.
    score: u64,
    db: usize,
    key: Box<[u8]>,
}

/// The eviction pool: candidates in ascending score order.
#[derive(Debug, Default)]
pub(crate) struct Pool {
    slots: Vec<Candidate>,
}

impl Pool {
    /// Offers a sampled key: inserted in score order when the pool has room
    /// or the key beats the worst pooled candidate (which then falls off).
    /// Among equal scores the newcomer goes before the pooled ones.
    fn offer(&mut self, score: u64, db: usize, key: &[u8]) {
        let at = self.slots.partition_point(|c| c.score < score);
        let full = self.slots.len() == POOL_SIZE;
        if full && at == 0 {
            return;
        }
        let candidate = Candidate {
            score,
            db,
            key: key.into(),
        };
        if full {
            self.slots.remove(0);
            self.slots.insert(at - 1, candidate);
        } else {
            self.slots.insert(at, candidate);
        }
    }

    /// Takes the best candidate out.
    fn pop_best(&mut self) -> Option<Candidate> {
        self.slots.pop()
    }

    #[cfg(test)]
    fn scores(&self) -> Vec<u64> {
        self.slots.iter().map(|c| c.score).collect()
    }
}

/// [`EvictionState::skip`]: the command running was admitted.
const SKIP_ADMITTED: u8 = 1;
/// [`EvictionState::skip`]: no limit and no gated table.
const SKIP_NO_LIMIT: u8 = 2;

/// Eviction state kept in the [`Keyspace`].
#[derive(Default)]
pub(crate) struct EvictionState {
    pool: Pool,
    /// Rotation for the random policies (Redis's `next_db`).
    next_db: usize,
    listener: Option<EvictionListener>,
    /// Why [`Keyspace::make_room`] may return at once, as bits (one test
    /// on every typed write): [`SKIP_ADMITTED`] while the command layer
    /// runs a command it has already admitted (evicted for and checked
    /// against the limit, per the command's DENYOOM flag), so a command
    /// is judged once, by Redis's rule; [`SKIP_NO_LIMIT`] while
    /// `maxmemory` is 0 and no key table is gated, as last checked
    /// (cleared by [`Keyspace::config_mut`] and by gating a table).
    skip: u8,
    /// Some database's key table was told memory is tight (see
    /// [`Keyspace::refresh_growth_gate`]).
    gated: bool,
    /// Used memory when the last write was admitted (after its eviction),
    /// for the property tests.
    #[cfg(test)]
    pub(crate) admitted_at: Option<usize>,
}

impl std::fmt::Debug for EvictionState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EvictionState")
            .field("pool", &self.pool)
            .field("next_db", &self.next_db)
            .field("listener", &self.listener.as_ref().map(|_| "set"))
            .field("admitted", &(self.skip & SKIP_ADMITTED != 0))
            .finish()
    }
}

/// Which table a policy draws from.
fn samples_all_keys(policy: MaxmemoryPolicy) -> bool {
    matches!(
        policy,
        MaxmemoryPolicy::AllkeysLru | MaxmemoryPolicy::AllkeysLfu | MaxmemoryPolicy::AllkeysRandom
    )
}

/// Number of keys a policy may evict from `db`.
fn candidates_in(db: &Db, all_keys: bool) -> usize {
    if all_keys { db.len() } else { db.expires_len() }
}

/// The key, entry and expiry at sampling position `i` of `db`'s candidate
/// table (the expiry is read only for volatile sampling, else 0).
fn candidate_at(db: &Db, all_keys: bool, i: usize) -> Option<(&[u8], &Entry, u64)> {
    if all_keys {
        db.get_index(i).map(|(k, e)| (k, e, 0))
    } else {
        let (key, when) = db.expires_entry_at(i)?;
        Some((key, db.get(key)?, when))
    }
}

/// How good a victim `entry` (expiring at `expire_at`) is under `policy`
/// at `now` (higher is better).
fn score(policy: MaxmemoryPolicy, entry: &Entry, expire_at: u64, decay: u32, now: u64) -> u64 {
    match policy {
        MaxmemoryPolicy::VolatileTtl => u64::MAX - expire_at,
        p if p.is_lfu() => 255 - u64::from(crate::keys::lfu_decayed(entry.lru, decay, now)),
        _ => crate::keys::idle_seconds(entry.lru, now) * 1000,
    }
}

impl Keyspace {
    /// Evicts keys by `maxmemory-policy` until used memory is at most
    /// `maxmemory`; returns how many keys went. Does nothing when
    /// `maxmemory` is 0 or memory is under the limit.
    ///
    /// Writes that may grow memory call this first (the command layer before
    /// every command, as Redis), so a host needs it only after lowering
    /// `maxmemory` through [`Keyspace::config_mut`] to shed memory at once.
    ///
    /// # Errors
    /// [`Error::OutOfMemory`] when memory is still over the limit and
    /// nothing (more) can be evicted: under `noeviction`, under a
    /// `volatile-*` policy with no key left that has a TTL, or when the
    /// key tables alone (which keep their capacity) exceed the limit.
    ///
    /// # Complexity
    /// O(1) when under the limit; else per evicted key O(databases ×
    /// `maxmemory-samples`) for the pool policies, O(databases) for the
    /// random ones, plus freeing the value.
    pub fn evict(&mut self) -> Result<usize> {
        let limit = self.config.maxmemory;
        if limit != 0 && self.used_memory_u64() > limit {
            // Over the limit: the key tables give back their spare slots
            // before any key goes.
            self.refresh_growth_gate();
        }
        let out = self.evict_to_limit();
        self.refresh_growth_gate();
        out
    }

    /// Tells each database's key table whether memory is tight: whether
    /// its next growth (a doubled index, a grown chunk) would take used
    /// memory past `maxmemory`. A tight table delays doubling its index
    /// (Redis's `dictExpandAllowed`), so a limit just under a doubling does
    /// not make eviction empty the keyspace to pay for it (issue 8).
    pub(crate) fn refresh_growth_gate(&mut self) {
        let limit = self.config.maxmemory;
        if limit == 0 {
            if self.evict.gated {
                self.dbs.iter_mut().for_each(|db| db.set_tight(false));
                self.evict.gated = false;
            }
            return;
        }
        let used = self.used_memory_u64();
        for db in &mut self.dbs {
            db.set_tight(used + db.next_growth_bytes() as u64 > limit);
        }
        self.evict.gated = true;
        self.evict.skip &= !SKIP_NO_LIMIT;
    }

    /// [`Keyspace::evict`] without the growth gate's refresh.
    fn evict_to_limit(&mut self) -> Result<usize> {
        let limit = self.config.maxmemory;
        if limit == 0 || self.used_memory_u64() <= limit {
            return Ok(0);
        }
        let policy = self.config.maxmemory_policy;
        if policy == MaxmemoryPolicy::Noeviction {
            return Err(Error::OutOfMemory);
        }
        let mut evicted = 0;
        while self.used_memory_u64() > limit {
            let victim = match policy {
                MaxmemoryPolicy::AllkeysRandom | MaxmemoryPolicy::VolatileRandom => {
                    self.random_victim(samples_all_keys(policy))
                }
                _ => self.pool_victim(policy),
            };
            let Some((db, key)) = victim else {
                return Err(Error::OutOfMemory);
            };
            self.evict_key(db, key);
            evicted += 1;
        }
        Ok(evicted)
    }

    /// [`Keyspace::used_memory`] in `maxmemory`'s unit.
    fn used_memory_u64(&self) -> u64 {
        self.used_memory() as u64
    }

    /// The check a typed write that may grow memory makes before it changes
    /// anything: evict if needed, refuse if still over the limit. Skipped
    /// inside a command the command layer has already admitted.
    ///
    /// # Errors
    /// [`Error::OutOfMemory`] as [`Keyspace::evict`].
    #[inline]
    pub(crate) fn make_room(&mut self) -> Result<()> {
        if self.evict.skip != 0 {
            return Ok(());
        }
        self.make_room_checked()
    }

    /// Makes [`Keyspace::make_room`] check the limit again (the
    /// configuration may change).
    pub(crate) fn recheck_room(&mut self) {
        self.evict.skip &= !SKIP_NO_LIMIT;
    }

    /// [`Keyspace::make_room`] under a limit (or just after one was
    /// lifted), out of line.
    #[inline(never)]
    fn make_room_checked(&mut self) -> Result<()> {
        if self.config.maxmemory == 0 {
            self.refresh_growth_gate();
            self.evict.skip |= SKIP_NO_LIMIT;
            return Ok(());
        }
        self.evict()?;
        #[cfg(test)]
        {
            self.evict.admitted_at = Some(self.used_memory());
        }
        Ok(())
    }

    /// Redis's `processCommand` rule, for the command layer: evict if needed;
    /// refuse a command flagged DENYOOM if memory is still over the limit.
    /// On success the command counts as admitted until
    /// [`Keyspace::end_command`].
    ///
    /// # Errors
    /// [`Error::OutOfMemory`] for a DENYOOM command while over the limit.
    pub(crate) fn admit_command(&mut self, denyoom: bool) -> Result<()> {
        let over = self.config.maxmemory != 0 && self.evict().is_err();
        if self.config.maxmemory == 0 && self.evict.gated {
            self.refresh_growth_gate();
        }
        #[cfg(test)]
        {
            self.evict.admitted_at = Some(self.used_memory());
        }
        if over && denyoom {
            return Err(Error::OutOfMemory);
        }
        self.evict.skip |= SKIP_ADMITTED;
        Ok(())
    }

    /// Ends the command [`Keyspace::admit_command`] admitted.
    pub(crate) fn end_command(&mut self) {
        self.evict.skip &= !SKIP_ADMITTED;
    }

    /// Calls `listener` with every key `maxmemory` evicts from now on (its
    /// database, name, value and TTL), replacing any previous listener.
    ///
    /// It runs inside the write that caused the eviction, before that write
    /// proceeds, so it must not block for long; it cannot reach the keyspace
    /// (which is borrowed), but it can queue the key, e.g. on a channel, or
    /// write the value through to other storage. Keys that expire, or that
    /// commands delete, are not reported.
    ///
    /// ```
    /// use std::sync::{Arc, Mutex};
    /// use embedis::{Config, Keyspace, MaxmemoryPolicy};
    /// let mut ks = Keyspace::new(Config::default());
    /// let gone = Arc::new(Mutex::new(Vec::new()));
    /// let sink = Arc::clone(&gone);
    /// ks.set_eviction_listener(move |e| sink.lock().unwrap().push(e.key));
    /// ks.config_mut().maxmemory_policy = MaxmemoryPolicy::AllkeysLru;
    /// ks.config_mut().maxmemory = 1 << 20;
    /// for i in 0..5_000 {
    ///     ks.set(format!("k{i}").as_bytes(), &[b'v'; 1000], &Default::default()).unwrap();
    /// }
    /// let gone = gone.lock().unwrap();
    /// assert_eq!(gone.len() as u64, ks.stats().evicted_keys);
    /// assert!(ks.dbsize() + gone.len() == 5_000 && !gone.is_empty());
    /// ```
    pub fn set_eviction_listener(&mut self, listener: impl FnMut(Evicted) + Send + 'static) {
        self.evict.listener = Some(Box::new(listener));
    }

    /// Removes the eviction listener and returns it.
    pub fn take_eviction_listener(&mut self) -> Option<EvictionListener> {
        self.evict.listener.take()
    }

    /// Deletes an evicted key: the delete hook, the counter, the listener.
    fn evict_key(&mut self, db: usize, key: Box<[u8]>) {
        let Some((entry, expire_at)) = self.dbs[db].remove(&key) else {
            return;
        };
        self.stats.evicted_keys += 1;
        self.with_db(db, |ks| ks.signal_modified(&key));
        if let Some(listener) = &mut self.evict.listener {
            listener(Evicted {
                db,
                key: key.into_vec(),
                value: entry.value,
                expire_at: (expire_at != 0).then_some(expire_at),
            });
        }
    }

    /// The next victim of a pool policy, or None when no database has a
    /// candidate.
    fn pool_victim(&mut self, policy: MaxmemoryPolicy) -> Option<(usize, Box<[u8]>)> {
        let all_keys = samples_all_keys(policy);
        loop {
            let mut total = 0;
            for db in 0..self.dbs.len() {
                let n = candidates_in(&self.dbs[db], all_keys);
                if n != 0 {
                    self.populate_pool(db, policy);
                    total += n;
                }
            }
            if total == 0 {
                return None;
            }
            while let Some(c) = self.evict.pool.pop_best() {
                let db = &self.dbs[c.db];
                let present = db.get(&c.key).is_some_and(|e| all_keys || e.has_ttl());
                if present {
                    return Some((c.db, c.key));
                }
            }
        }
    }

    /// Samples `maxmemory-samples` candidates of `db` into the pool: all of
    /// them when the table is that small, else positions drawn at random.
    fn populate_pool(&mut self, db_index: usize, policy: MaxmemoryPolicy) {
        let now = self.lru_now();
        let all_keys = samples_all_keys(policy);
        let Keyspace {
            dbs,
            rng,
            config,
            evict,
            ..
        } = self;
        let db = &dbs[db_index];
        let n = candidates_in(db, all_keys);
        let samples = (config.maxmemory_samples.max(1)) as usize;
        let decay = config.lfu_decay_time;
        for draw in 0..samples.min(n) {
            let i = if n <= samples {
                draw
            } else {
                rng.random_range(0..n)
            };
            if let Some((key, entry, when)) = candidate_at(db, all_keys, i) {
                evict
                    .pool
                    .offer(score(policy, entry, when, decay, now), db_index, key);
            }
        }
    }

    /// A random victim from the next database with a candidate.
    fn random_victim(&mut self, all_keys: bool) -> Option<(usize, Box<[u8]>)> {
        let n = self.dbs.len();
        for _ in 0..n {
            self.evict.next_db = self.evict.next_db.wrapping_add(1);
            let db_index = self.evict.next_db % n;
            let db = &self.dbs[db_index];
            let len = candidates_in(db, all_keys);
            if len != 0 {
                let i = self.rng.random_range(0..len);
                let (key, _, _) = candidate_at(db, all_keys, i)?;
                return Some((db_index, key.into()));
            }
        }
        None
    }
}

#[cfg(test)]
mod tests;
