//! TTLs: the EXPIRE family, TTL/PTTL/EXPIRETIME/PEXPIRETIME, PERSIST, and
//! the active expire cycle the host drives.
//!
//! # Format
//!
//! A TTL is an absolute Unix time in milliseconds (`expire_at`, 0 = none),
//! kept in its database's `expires` map, an insertion-ordered map with O(1)
//! access by position; the key's entry only carries a flag saying it has
//! one. Relative commands (EXPIRE, PEXPIRE) add the current time once, when
//! the command runs.
//!
//! ```text
//!   db.table   key -> Entry { value, lru, ttl flag }
//!   db.expires [k0 -> t0, k1 -> t1, ...]   (exactly the flagged keys)
//!                    ^ expire_cursor[db]: where the next cycle resumes
//! ```
//!
//! # Invariants
//!
//! 1. A key is logically expired when `now > expire_at` (strictly): at the
//!    exact deadline it still exists. Every lookup deletes a logically
//!    expired key before answering (lazy expiry), so callers never see one.
//! 2. EXPIRE and friends with a deadline `<= now` delete the key at once and
//!    report success, as Redis does on a master (note `<=` here against the
//!    strict `>` of 1). Such deletions are not counted as `expired_keys`.
//! 3. The active cycle only deletes keys that are logically expired, so it
//!    never changes what a lookup would see; it only frees memory earlier.
//!
//! # Thresholds
//!
//! The active cycle mirrors Redis 7.0's `activeExpireCycle`, with the time
//! limit replaced by a budget of sampled keys (an embedded library has no
//! event loop to measure against; the host chooses how much work to do):
//!
//! - Databases are visited in turn, resuming after the one the previous
//!   call started with, so a small budget still reaches every database.
//! - Each loop samples up to `20 + 5 * (active-expire-effort - 1)` volatile
//!   keys of one database and deletes the expired ones.
//! - The loop repeats on the same database while more than
//!   `10 - (active-expire-effort - 1)` percent of the sample was expired:
//!   below that, the stale keys left are not worth the effort (Redis's
//!   "acceptable stale" since 6.0; the 25% rule is older).
//! - The call stops once `budget` keys were sampled, or every database was
//!   visited once.
//!
//! Sampling walks the `expires` set from a per-database cursor, as Redis's
//! cycle walks its hash-table buckets from `expires_cursor`. Removing the
//! key at the cursor moves the set's last key into that position, and the
//! walk looks at it next, so within a pass no key is skipped; every volatile
//! key is examined once per `len / 20` loops on its database, which bounds
//! how long an expired key can linger under a steady budget.
//!
//! # Compatibility
//!
//! Redis 7.0.15: replies and error texts of EXPIRE/PEXPIRE/EXPIREAT/
//! PEXPIREAT (with NX, XX, GT, LT), TTL/PTTL (TTL rounds `(ms + 500) / 1000`),
//! EXPIRETIME/PEXPIRETIME and PERSIST match byte for byte (pinned by
//! `tests/diff_expire.rs`). The active cycle's fast/slow modes, its time
//! limit and the `expired_stale_perc` estimate have no counterpart here.
//!
//! # References
//!
//! Redis 7.0 `expire.c` (`activeExpireCycle`, `expireGenericCommand`,
//! `ttlGenericCommand`), `db.c` (`expireIfNeeded`); docs/redis-internals.md §7.

use std::ops::BitOr;

use crate::error::{Error, Result};
use crate::keyspace::Keyspace;

/// Keys sampled per loop at `active-expire-effort` 1.
const KEYS_PER_LOOP: usize = 20;
/// Percentage of expired keys in a sample below which a database is left
/// alone, at `active-expire-effort` 1.
const ACCEPTABLE_STALE: usize = 10;

/// The `NX | XX | GT | LT` options of the EXPIRE family, combinable with `|`
/// (`XX | GT` and `XX | LT` are valid; see [`ExpireCondition::check`]).
///
/// ```
/// use embedis::ExpireCondition;
/// let c = ExpireCondition::XX | ExpireCondition::GT;
/// assert!(c.check().is_ok());
/// assert!((ExpireCondition::NX | ExpireCondition::GT).check().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ExpireCondition(u8);

impl ExpireCondition {
    /// No condition: always set the TTL.
    pub const ALWAYS: ExpireCondition = ExpireCondition(0);
    /// `NX`: only when the key has no TTL.
    pub const NX: ExpireCondition = ExpireCondition(1);
    /// `XX`: only when the key has a TTL.
    pub const XX: ExpireCondition = ExpireCondition(2);
    /// `GT`: only when the new deadline is later than the current one (a key
    /// without TTL counts as never expiring, so GT never applies to it).
    pub const GT: ExpireCondition = ExpireCondition(4);
    /// `LT`: only when the new deadline is earlier than the current one (a
    /// key without TTL always qualifies).
    pub const LT: ExpireCondition = ExpireCondition(8);

    /// True when every flag of `other` is set in `self`.
    pub fn contains(self, other: ExpireCondition) -> bool {
        self.0 & other.0 == other.0
    }

    /// Rejects the combinations Redis rejects.
    ///
    /// # Errors
    /// - `ERR NX and XX, GT or LT options at the same time are not compatible`;
    /// - `ERR GT and LT options at the same time are not compatible`.
    pub fn check(self) -> Result<()> {
        let others = ExpireCondition::XX | ExpireCondition::GT | ExpireCondition::LT;
        if self.contains(ExpireCondition::NX) && self.0 & others.0 != 0 {
            return Err(Error::other(
                "ERR NX and XX, GT or LT options at the same time are not compatible",
            ));
        }
        if self.contains(ExpireCondition::GT | ExpireCondition::LT) {
            return Err(Error::other(
                "ERR GT and LT options at the same time are not compatible",
            ));
        }
        Ok(())
    }

    /// Whether a key whose current deadline is `current` (None = no TTL) may
    /// get the deadline `when`.
    fn allows(self, current: Option<i64>, when: i64) -> bool {
        if self.contains(Self::NX) && current.is_some() {
            return false;
        }
        if self.contains(Self::XX) && current.is_none() {
            return false;
        }
        if self.contains(Self::GT) && current.is_none_or(|c| when <= c) {
            return false;
        }
        if self.contains(Self::LT) && current.is_some_and(|c| when >= c) {
            return false;
        }
        true
    }
}

impl BitOr for ExpireCondition {
    type Output = ExpireCondition;

    fn bitor(self, rhs: ExpireCondition) -> ExpireCondition {
        ExpireCondition(self.0 | rhs.0)
    }
}

impl Keyspace {
    /// ```text
    /// EXPIRE key seconds [NX | XX | GT | LT]
    /// ```
    /// Sets `key` to expire `seconds` from now; returns whether the TTL was
    /// set. A time `<= 0` deletes the key at once (and returns true).
    ///
    /// # Errors
    /// `ERR invalid expire time in 'expire' command` when the deadline
    /// overflows; the [`ExpireCondition::check`] errors.
    ///
    /// # Complexity
    /// O(1).
    pub fn expire(&mut self, key: &[u8], seconds: i64, cond: ExpireCondition) -> Result<bool> {
        cond.check()?;
        let when = self.deadline(seconds, 1000, true, "expire")?;
        self.expire_at_ms(key, when, cond)
    }

    /// ```text
    /// PEXPIRE key milliseconds [NX | XX | GT | LT]
    /// ```
    /// [`Keyspace::expire`] in milliseconds.
    ///
    /// # Errors
    /// `ERR invalid expire time in 'pexpire' command` on overflow; the
    /// [`ExpireCondition::check`] errors.
    ///
    /// # Complexity
    /// O(1).
    pub fn pexpire(&mut self, key: &[u8], ms: i64, cond: ExpireCondition) -> Result<bool> {
        cond.check()?;
        let when = self.deadline(ms, 1, true, "pexpire")?;
        self.expire_at_ms(key, when, cond)
    }

    /// ```text
    /// EXPIREAT key unix-time-seconds [NX | XX | GT | LT]
    /// ```
    /// Sets `key` to expire at an absolute Unix time; a time not after now
    /// deletes the key at once (and returns true).
    ///
    /// # Errors
    /// `ERR invalid expire time in 'expireat' command` on overflow; the
    /// [`ExpireCondition::check`] errors.
    ///
    /// # Complexity
    /// O(1).
    pub fn expireat(
        &mut self,
        key: &[u8],
        unix_seconds: i64,
        cond: ExpireCondition,
    ) -> Result<bool> {
        cond.check()?;
        let when = self.deadline(unix_seconds, 1000, false, "expireat")?;
        self.expire_at_ms(key, when, cond)
    }

    /// ```text
    /// PEXPIREAT key unix-time-milliseconds [NX | XX | GT | LT]
    /// ```
    /// [`Keyspace::expireat`] in milliseconds.
    ///
    /// # Errors
    /// The [`ExpireCondition::check`] errors.
    ///
    /// # Complexity
    /// O(1).
    pub fn pexpireat(&mut self, key: &[u8], unix_ms: i64, cond: ExpireCondition) -> Result<bool> {
        cond.check()?;
        let when = self.deadline(unix_ms, 1, false, "pexpireat")?;
        self.expire_at_ms(key, when, cond)
    }

    /// Converts a command's time argument to an absolute deadline in ms,
    /// failing exactly where Redis detects overflow.
    fn deadline(
        &self,
        value: i64,
        unit: i64,
        relative: bool,
        command: &'static str,
    ) -> Result<i64> {
        let invalid = || Error::InvalidExpireTime(command);
        let ms = value.checked_mul(unit).ok_or_else(invalid)?;
        let base = if relative {
            i64::try_from(self.now_ms()).unwrap_or(i64::MAX)
        } else {
            0
        };
        ms.checked_add(base).ok_or_else(invalid)
    }

    /// The shared tail of the EXPIRE family, with an absolute deadline.
    /// `cond` was checked by the caller, before the time (as Redis orders it).
    fn expire_at_ms(&mut self, key: &[u8], when: i64, cond: ExpireCondition) -> Result<bool> {
        let now = i64::try_from(self.now_ms()).unwrap_or(i64::MAX);
        let Some(entry) = self.lookup_write(key) else {
            return Ok(false);
        };
        let has_ttl = entry.has_ttl();
        let at = self.db().expire_at(key);
        let current = has_ttl.then(|| i64::try_from(at).unwrap_or(i64::MAX));
        if !cond.allows(current, when) {
            return Ok(false);
        }
        if when <= now {
            self.db_mut().remove(key);
        } else {
            self.db_mut()
                .set_expire(key, u64::try_from(when).expect("after now, so positive"));
        }
        self.signal_modified(key);
        Ok(true)
    }

    /// ```text
    /// PERSIST key
    /// ```
    /// Removes the TTL of `key`; returns whether there was one.
    ///
    /// # Complexity
    /// O(1).
    pub fn persist(&mut self, key: &[u8]) -> bool {
        match self.lookup_write(key) {
            Some(entry) if entry.has_ttl() => {
                self.db_mut().set_expire(key, 0);
                self.signal_modified(key);
                true
            }
            _ => false,
        }
    }

    /// The TTL query shared by TTL, PTTL, EXPIRETIME and PEXPIRETIME: -2 for
    /// a missing key, -1 without TTL, else the absolute deadline in ms.
    fn deadline_of(&mut self, key: &[u8]) -> i64 {
        match self.lookup_read_notouch(key) {
            None => -2,
            Some(e) if !e.has_ttl() => -1,
            Some(_) => i64::try_from(self.db().expire_at(key)).unwrap_or(i64::MAX),
        }
    }

    /// ```text
    /// PTTL key
    /// ```
    /// Milliseconds until `key` expires; -2 when missing, -1 without TTL.
    /// Does not update the access time.
    ///
    /// # Complexity
    /// O(1).
    pub fn pttl(&mut self, key: &[u8]) -> i64 {
        let now = i64::try_from(self.now_ms()).unwrap_or(i64::MAX);
        match self.deadline_of(key) {
            d if d < 0 => d,
            d => (d - now).max(0),
        }
    }

    /// ```text
    /// TTL key
    /// ```
    /// Seconds until `key` expires, rounded to nearest (`(ms + 500) / 1000`);
    /// -2 when missing, -1 without TTL.
    ///
    /// # Complexity
    /// O(1).
    pub fn ttl(&mut self, key: &[u8]) -> i64 {
        match self.pttl(key) {
            t if t < 0 => t,
            t => round_seconds(t),
        }
    }

    /// ```text
    /// PEXPIRETIME key
    /// ```
    /// The absolute Unix time in ms at which `key` expires; -2 when missing,
    /// -1 without TTL.
    ///
    /// # Complexity
    /// O(1).
    pub fn pexpiretime(&mut self, key: &[u8]) -> i64 {
        self.deadline_of(key)
    }

    /// ```text
    /// EXPIRETIME key
    /// ```
    /// [`Keyspace::pexpiretime`] in seconds, rounded to nearest.
    ///
    /// # Complexity
    /// O(1).
    pub fn expiretime(&mut self, key: &[u8]) -> i64 {
        match self.deadline_of(key) {
            d if d < 0 => d,
            d => round_seconds(d),
        }
    }

    /// Runs one active expire cycle: samples keys with a TTL in each
    /// database in turn and deletes the expired ones, until `budget` keys
    /// were sampled or every database was visited once. Returns how many
    /// keys it deleted. See the module docs for the algorithm.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use embedis::{Config, ExpireCondition, Keyspace, ManualClock};
    /// let clock = ManualClock::new(1_000_000);
    /// let mut ks = Keyspace::with_clock(Config::default(), Arc::new(clock.clone()));
    /// ks.set(b"k", b"v", &Default::default()).unwrap();
    /// ks.pexpire(b"k", 10, ExpireCondition::ALWAYS).unwrap();
    /// clock.advance(11);
    /// assert_eq!(ks.dbsize(), 1);
    /// assert_eq!(ks.active_expire_cycle(100), 1);
    /// assert_eq!(ks.dbsize(), 0);
    /// ```
    ///
    /// # Complexity
    /// O(budget).
    pub fn active_expire_cycle(&mut self, budget: usize) -> usize {
        let effort =
            usize::try_from(self.config.active_expire_effort.clamp(1, 10) - 1).unwrap_or(0);
        let per_loop = KEYS_PER_LOOP + KEYS_PER_LOOP / 4 * effort;
        let acceptable = ACCEPTABLE_STALE - effort;
        let now = self.now_ms();
        let n = self.dbs.len();
        let (mut sampled_total, mut deleted) = (0, 0);
        for _ in 0..n {
            if sampled_total >= budget {
                break;
            }
            let db = self.expire_next_db % n;
            self.expire_next_db = (db + 1) % n;
            loop {
                let want = per_loop
                    .min(budget - sampled_total)
                    .min(self.dbs[db].expires_len());
                if want == 0 {
                    if self.dbs[db].expires_len() == 0 {
                        self.dbs[db].avg_ttl = 0;
                    }
                    break;
                }
                let expired = self.with_db(db, |ks| ks.sample_expired(db, want, now));
                sampled_total += want;
                deleted += expired;
                if expired * 100 / want <= acceptable {
                    break;
                }
            }
        }
        deleted
    }

    /// Examines `want` volatile keys of the selected database `db` from its
    /// expire cursor, deleting the expired ones; returns how many it deleted.
    /// The TTLs left on the others feed the database's `avg_ttl` estimate
    /// (2 % weight per round, as Redis).
    fn sample_expired(&mut self, db: usize, want: usize, now: u64) -> usize {
        let mut expired = 0;
        // u128: a few TTLs near the far end of the clock would overflow u64.
        let (mut ttl_sum, mut ttl_samples) = (0u128, 0u128);
        for _ in 0..want {
            let len = self.dbs[db].expires_len();
            if len == 0 {
                break;
            }
            let pos = self.expire_cursor[db] % len;
            let key = self.dbs[db]
                .expires_key_at(pos)
                .expect("pos < len")
                .to_vec();
            if self.expire_if_needed(&key, now) {
                // The last key now sits at `pos`: look at it next.
                expired += 1;
                self.expire_cursor[db] = pos;
            } else {
                self.expire_cursor[db] = pos + 1;
                let at = self.dbs[db].expire_at(&key);
                if at > now {
                    ttl_sum += u128::from(at - now);
                    ttl_samples += 1;
                }
            }
        }
        if let Some(sample) = ttl_sum.checked_div(ttl_samples) {
            let sample = u64::try_from(sample).unwrap_or(u64::MAX);
            let avg = &mut self.dbs[db].avg_ttl;
            if *avg == 0 {
                *avg = sample;
            }
            *avg = *avg / 50 * 49 + sample / 50;
        }
        expired
    }
}

/// Milliseconds to seconds, rounding half up as Redis's TTL does. Computed
/// without overflow for deadlines near `i64::MAX` (Redis prints those too).
fn round_seconds(ms: i64) -> i64 {
    let ms = u64::try_from(ms).unwrap_or(0);
    i64::try_from((u128::from(ms) + 500) / 1000).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests;
