//! Typed sorted-set commands: `impl Keyspace` for ZADD, ZRANGE and the
//! rest of Redis's `sorted_set` group (set operations are in `setops`).

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

use super::range::{ZRange, ZRangeBy, rank_window, select, select_each};
use super::{AddFlags, LexRange, Limits, Outcome, ScoreRange, ZSetValue, as_zset, nan_error};
use crate::error::{Error, Result};
use crate::keyspace::Keyspace;
use crate::util::glob::Glob;
use crate::value::Value;

/// What ZMPOP returns: the key popped from and its (member, score) pairs.
pub type Popped = (Vec<u8>, Vec<(Vec<u8>, f64)>);

/// ZADD's NX / XX condition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ZAddCondition {
    /// `NX`: only add new members.
    Nx,
    /// `XX`: only update existing members.
    Xx,
}

/// ZADD's GT / LT comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ZAddCompare {
    /// `GT`: only update when the new score is greater.
    Gt,
    /// `LT`: only update when the new score is less.
    Lt,
}

/// Options of ZADD: `[NX|XX] [GT|LT] [CH]`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ZAddOptions {
    /// `NX` or `XX`.
    pub condition: Option<ZAddCondition>,
    /// `GT` or `LT`.
    pub compare: Option<ZAddCompare>,
    /// `CH`: count updated members as well as added ones.
    pub ch: bool,
}

impl ZAddOptions {
    fn flags(&self, incr: bool) -> Result<AddFlags> {
        let nx = self.condition == Some(ZAddCondition::Nx);
        if nx && self.compare.is_some() {
            return Err(Error::other(
                "ERR GT, LT, and/or NX options at the same time are not compatible",
            ));
        }
        Ok(AddFlags {
            nx,
            xx: self.condition == Some(ZAddCondition::Xx),
            gt: self.compare == Some(ZAddCompare::Gt),
            lt: self.compare == Some(ZAddCompare::Lt),
            incr,
        })
    }
}

impl Keyspace {
    pub(crate) fn zset_limits(&self) -> Limits {
        Limits::of(&self.config)
    }

    /// ```text
    /// ZADD key [NX|XX] [GT|LT] [CH] score member [score member ...]
    /// ```
    /// Adds members or updates their scores; returns how many were added
    /// (with `ch`, added plus updated). With XX on a missing key nothing is
    /// created.
    ///
    /// # Errors
    /// WRONGTYPE; `ERR GT, LT, and/or NX options at the same time are not
    /// compatible`; `ERR resulting score is not a number (NaN)` for a NaN
    /// score (before the key is looked up; nothing is changed).
    ///
    /// [`Error::OutOfMemory`](crate::Error::OutOfMemory) when used memory is over `maxmemory`
    /// and eviction cannot bring it under; nothing is changed then.
    ///
    /// # Complexity
    /// O(log n) per member (O(n) while a listpack).
    #[inline(always)]
    pub fn zadd(
        &mut self,
        key: &[u8],
        members: &[(f64, &[u8])],
        opts: &ZAddOptions,
    ) -> Result<usize> {
        match members {
            [(score, member)] if opts.condition.is_none() && opts.compare.is_none() => {
                self.zadd_one(key, *score, member, opts.ch)
            }
            _ => self.zadd_many(key, members, opts),
        }
    }

    /// [`Keyspace::zadd`] of one pair without NX/XX/GT/LT, the usual call:
    /// the key written last is found by the write shortcut
    /// ([`Keyspace::write_typed_pending`]) and the member added by
    /// [`ZSetValue::add_one`]; any other key is looked up (or created) out
    /// of line. Same replies, errors and bookkeeping as the general path
    /// [`Keyspace::zadd_many`] (the tests compare the two).
    #[inline(always)]
    fn zadd_one(&mut self, key: &[u8], score: f64, member: &[u8], ch: bool) -> Result<usize> {
        self.make_room()?;
        if score.is_nan() {
            return Err(nan_error());
        }
        let limits = self.zset_limits();
        let outcome = match self.write_typed_pending(key, as_zset) {
            Some(z) => z?.add_one(score, member, limits)?,
            None => return self.zadd_one_probed(key, score, member, ch),
        };
        Ok(self.zadd_one_done(key, outcome, ch))
    }

    /// [`Keyspace::zadd_one`] of a key other than the key written last,
    /// out of line: looked up, or created for its first member.
    #[inline(never)]
    fn zadd_one_probed(
        &mut self,
        key: &[u8],
        score: f64,
        member: &[u8],
        ch: bool,
    ) -> Result<usize> {
        let limits = self.zset_limits();
        // A new key's first score, formatted once for its listpack's size
        // and its insert.
        let mut prepared = None;
        let z = self.write_typed_or_insert(key, as_zset, || {
            let (z, stored) = ZSetValue::new_for_first(limits, member, score);
            prepared = stored;
            Value::ZSet(z)
        })?;
        let outcome = z.add_other(score, prepared, member, limits)?;
        Ok(self.zadd_one_done(key, outcome, ch))
    }

    /// ZADD's reply for one member that had `outcome`, after signalling
    /// the change when there was one.
    #[inline(always)]
    fn zadd_one_done(&mut self, key: &[u8], outcome: Outcome, ch: bool) -> usize {
        let out = match outcome {
            Outcome::Added => 1,
            Outcome::Updated => usize::from(ch),
            Outcome::Same | Outcome::Skipped => return 0,
        };
        self.signal_modified(key);
        out
    }

    /// [`Keyspace::zadd`] past the one-pair shortcut, out of line.
    #[inline(never)]
    pub(super) fn zadd_many(
        &mut self,
        key: &[u8],
        members: &[(f64, &[u8])],
        opts: &ZAddOptions,
    ) -> Result<usize> {
        self.make_room()?;
        let flags = opts.flags(false)?;
        let (added, updated, _) = self.zadd_generic(key, members, flags)?;
        Ok(if opts.ch { added + updated } else { added })
    }

    /// ```text
    /// ZADD key [NX|XX] [GT|LT] INCR increment member
    /// ```
    /// Adds `incr` to the member's score (a missing member starts at 0) and
    /// returns the new score, or None when NX/XX/GT/LT skipped it.
    ///
    /// # Errors
    /// As [`Keyspace::zadd`], and the NaN error when the sum is NaN
    /// (`+inf` plus `-inf`).
    ///
    /// # Complexity
    /// O(log n).
    pub fn zadd_incr(
        &mut self,
        key: &[u8],
        incr: f64,
        member: &[u8],
        opts: &ZAddOptions,
    ) -> Result<Option<f64>> {
        let flags = opts.flags(true)?;
        Ok(self.zadd_generic(key, &[(incr, member)], flags)?.2)
    }

    /// ```text
    /// ZINCRBY key increment member
    /// ```
    /// Adds `incr` to the member's score and returns the new score.
    ///
    /// # Errors
    /// WRONGTYPE; the NaN error.
    ///
    /// [`Error::OutOfMemory`](crate::Error::OutOfMemory) when used memory is over `maxmemory`
    /// and eviction cannot bring it under; nothing is changed then.
    ///
    /// # Complexity
    /// O(log n).
    pub fn zincrby(&mut self, key: &[u8], incr: f64, member: &[u8]) -> Result<f64> {
        self.make_room()?;
        let out = self.zadd_incr(key, incr, member, &ZAddOptions::default())?;
        Ok(out.unwrap_or(incr))
    }

    /// Runs ZADD's loop; returns (added, updated, last processed score).
    fn zadd_generic(
        &mut self,
        key: &[u8],
        members: &[(f64, &[u8])],
        flags: AddFlags,
    ) -> Result<(usize, usize, Option<f64>)> {
        let Some(&(first_score, first)) = members.first() else {
            return Ok((0, 0, None));
        };
        // A NaN score is refused before anything changes, as Redis refuses
        // a score it cannot parse before it looks the key up.
        if members.iter().any(|(score, _)| score.is_nan()) {
            return Err(nan_error());
        }
        let limits = self.zset_limits();
        // A new key's first score, formatted once for its listpack's size
        // and its insert.
        let mut prepared = None;
        let z = if flags.xx {
            match self.write_typed(key, as_zset)? {
                Some(z) => z,
                None => return Ok((0, 0, None)),
            }
        } else {
            self.write_typed_or_insert(key, as_zset, || {
                let (z, stored) = ZSetValue::new_for_first(limits, first, first_score);
                prepared = stored;
                Value::ZSet(z)
            })?
        };
        let (mut added, mut updated, mut last) = (0, 0, None);
        let mut failed = None;
        for &(score, member) in members {
            match z.add_prepared(score, prepared.take(), member, flags, limits) {
                Err(e) => {
                    failed = Some(e);
                    break;
                }
                Ok((outcome, new)) => {
                    match outcome {
                        Outcome::Added => added += 1,
                        Outcome::Updated => updated += 1,
                        Outcome::Same | Outcome::Skipped => {}
                    }
                    if outcome != Outcome::Skipped {
                        last = Some(new);
                    }
                }
            }
        }
        if added + updated > 0 {
            self.signal_modified(key);
        }
        match failed {
            Some(e) => Err(e),
            None => Ok((added, updated, last)),
        }
    }

    /// ```text
    /// ZREM key member [member ...]
    /// ```
    /// Removes members; returns how many were there. The key is deleted
    /// when it empties.
    ///
    /// # Errors
    /// WRONGTYPE.
    ///
    /// # Complexity
    /// O(m log n).
    pub fn zrem(&mut self, key: &[u8], members: &[&[u8]]) -> Result<usize> {
        let Some(z) = self.write_typed(key, as_zset)? else {
            return Ok(0);
        };
        let mut removed = 0;
        for m in members {
            removed += usize::from(z.remove(m));
            if z.is_empty() {
                break;
            }
        }
        let emptied = z.is_empty();
        if emptied {
            self.remove_emptied(key);
        }
        if removed > 0 && !emptied {
            self.signal_modified(key);
        }
        Ok(removed)
    }

    /// ```text
    /// ZCARD key
    /// ```
    /// Number of members (0 for a missing key).
    ///
    /// # Errors
    /// WRONGTYPE.
    ///
    /// # Complexity
    /// O(1) (O(n) for a listpack past 65535 elements).
    pub fn zcard(&mut self, key: &[u8]) -> Result<usize> {
        Ok(self.read_typed(key, as_zset)?.map_or(0, |z| z.len()))
    }

    /// ```text
    /// ZSCORE key member
    /// ```
    /// The member's score.
    ///
    /// # Errors
    /// WRONGTYPE.
    ///
    /// # Complexity
    /// O(1) (O(n) while a listpack).
    #[inline(always)]
    pub fn zscore(&mut self, key: &[u8], member: &[u8]) -> Result<Option<f64>> {
        // Spelled out rather than through a closure, which the compiler
        // may keep out of line once there are two callers.
        match self.read_typed(key, as_zset)? {
            Some(z) => Ok(z.score(member)),
            None => Ok(None),
        }
    }

    /// ```text
    /// ZMSCORE key member [member ...]
    /// ```
    /// Each member's score (None for missing members or a missing key).
    /// A large set's members are looked up in prefetched groups, so their
    /// memory waits overlap: per member, well under one ZSCORE call (see
    /// `examples/zset_ops.rs zmscore`).
    ///
    /// # Errors
    /// WRONGTYPE.
    ///
    /// # Complexity
    /// O(m).
    pub fn zmscore(&mut self, key: &[u8], members: &[&[u8]]) -> Result<Vec<Option<f64>>> {
        Ok(match self.read_typed(key, as_zset)? {
            Some(z) => z.scores(members),
            None => vec![None; members.len()],
        })
    }

    /// ```text
    /// ZRANK key member
    /// ```
    /// 0-based position of the member, lowest score first.
    ///
    /// # Errors
    /// WRONGTYPE.
    ///
    /// # Complexity
    /// O(log n).
    pub fn zrank(&mut self, key: &[u8], member: &[u8]) -> Result<Option<usize>> {
        Ok(self.read_typed(key, as_zset)?.and_then(|z| z.rank(member)))
    }

    /// ```text
    /// ZREVRANK key member
    /// ```
    /// 0-based position of the member, highest score first.
    ///
    /// # Errors
    /// WRONGTYPE.
    ///
    /// # Complexity
    /// O(log n).
    pub fn zrevrank(&mut self, key: &[u8], member: &[u8]) -> Result<Option<usize>> {
        Ok(self
            .read_typed(key, as_zset)?
            .and_then(|z| z.rank(member).map(|r| z.len() - 1 - r)))
    }

    /// ```text
    /// ZCOUNT key min max
    /// ```
    /// Number of members with a score in `range`.
    ///
    /// # Errors
    /// WRONGTYPE.
    ///
    /// # Complexity
    /// O(log n).
    pub fn zcount(&mut self, key: &[u8], range: &ScoreRange) -> Result<usize> {
        Ok(self.read_typed(key, as_zset)?.map_or(0, |z| {
            let (a, b) = z.score_window(range);
            b - a
        }))
    }

    /// ```text
    /// ZLEXCOUNT key min max
    /// ```
    /// Number of members in a lexicographic range (meaningful when all
    /// scores are equal).
    ///
    /// # Errors
    /// WRONGTYPE.
    ///
    /// # Complexity
    /// O(log n).
    pub fn zlexcount(&mut self, key: &[u8], range: &LexRange) -> Result<usize> {
        Ok(self.read_typed(key, as_zset)?.map_or(0, |z| {
            let (a, b) = z.lex_window(range, false);
            b - a
        }))
    }

    /// ```text
    /// ZRANGE key start stop [BYSCORE|BYLEX] [REV] [LIMIT offset count]
    /// ```
    /// The selected (member, score) pairs in reply order.
    ///
    /// # Errors
    /// WRONGTYPE; `ERR syntax error, LIMIT is only supported in combination
    /// with either BYSCORE or BYLEX` for a rank range with a limit.
    ///
    /// # Complexity
    /// O(log n + m).
    pub fn zrange(&mut self, key: &[u8], spec: &ZRange) -> Result<Vec<(Vec<u8>, f64)>> {
        spec.check()?;
        Ok(self
            .read_typed(key, as_zset)?
            .map_or_else(Vec::new, |z| select(z, spec)))
    }

    /// [`Keyspace::zrange`] without copying: calls `f` on each selected
    /// (member, score) in reply order, the member borrowed from the sorted
    /// set (an integer-encoded member of a small set is formatted into a
    /// scratch buffer first), and returns how many there were. For callers
    /// that consume the pairs in place, e.g. a leaderboard rendering its top
    /// 100 without allocating 100 member copies.
    ///
    /// ```text
    /// ZRANGE key start stop [BYSCORE|BYLEX] [REV] [LIMIT offset count]
    /// ```
    ///
    /// ```
    /// use embedis::types::zset::{ZAddOptions, ZRange};
    /// let mut ks = embedis::Keyspace::new(embedis::Config::default());
    /// let opts = ZAddOptions::default();
    /// ks.zadd(b"board", &[(10.0, b"ann".as_slice()), (30.0, b"bob"), (20.0, b"cy")], &opts).unwrap();
    /// let mut names = Vec::new();
    /// let n = ks.zrange_with(b"board", &ZRange::by_rank(0, 1).rev(), |m, _| names.push(m.len())).unwrap();
    /// assert_eq!((n, names), (2, vec![3, 2]));
    /// ```
    ///
    /// # Errors
    /// As [`Keyspace::zrange`].
    ///
    /// # Complexity
    /// O(log n + m).
    pub fn zrange_with(
        &mut self,
        key: &[u8],
        spec: &ZRange,
        f: impl FnMut(&[u8], f64),
    ) -> Result<usize> {
        spec.check()?;
        Ok(self
            .read_typed(key, as_zset)?
            .map_or(0, |z| select_each(z, spec, f)))
    }

    /// ```text
    /// ZRANGESTORE dst src min max [BYSCORE|BYLEX] [REV] [LIMIT offset count]
    /// ```
    /// Stores the selection in `dst` (deleting `dst` when it is empty) and
    /// returns its size.
    ///
    /// # Errors
    /// As [`Keyspace::zrange`].
    ///
    /// [`Error::OutOfMemory`](crate::Error::OutOfMemory) when used memory is over `maxmemory`
    /// and eviction cannot bring it under; nothing is changed then.
    ///
    /// # Complexity
    /// O(log n + m log m).
    pub fn zrangestore(&mut self, dst: &[u8], src: &[u8], spec: &ZRange) -> Result<usize> {
        self.make_room()?;
        spec.check()?;
        let items = self
            .read_typed(src, as_zset)?
            .map_or_else(Vec::new, |z| select(z, spec));
        if items.is_empty() {
            self.delete_key(dst);
            return Ok(0);
        }
        let limits = self.zset_limits();
        let known_len = matches!(spec.by, ZRangeBy::Rank(..)).then_some(items.len());
        let mut z = if known_len.is_some_and(|n| n > limits.entries) {
            ZSetValue::new_skiplist()
        } else {
            ZSetValue::new_listpack()
        };
        for (m, s) in &items {
            z.add(*s, m, AddFlags::default(), limits)?;
        }
        self.set_key(dst, Value::ZSet(z), false);
        Ok(items.len())
    }

    /// Removes an ascending window chosen by `pick` from the set at `key`.
    fn zremrange(
        &mut self,
        key: &[u8],
        pick: impl FnOnce(&ZSetValue) -> Option<(usize, usize)>,
    ) -> Result<usize> {
        let Some(z) = self.write_typed(key, as_zset)? else {
            return Ok(0);
        };
        let Some((a, b)) = pick(z) else {
            return Ok(0);
        };
        let removed = z.remove_window(a, b);
        if z.is_empty() {
            self.remove_emptied(key);
        } else if removed > 0 {
            self.signal_modified(key);
        }
        Ok(removed)
    }

    /// ```text
    /// ZREMRANGEBYRANK key start stop
    /// ```
    /// Removes members at positions `start..=stop` (negative from the end).
    ///
    /// # Errors
    /// WRONGTYPE.
    ///
    /// # Complexity
    /// O(log n + m).
    pub fn zremrangebyrank(&mut self, key: &[u8], start: i64, stop: i64) -> Result<usize> {
        self.zremrange(key, |z| rank_window(z.len(), start, stop))
    }

    /// ```text
    /// ZREMRANGEBYSCORE key min max
    /// ```
    /// Removes members with a score in `range`.
    ///
    /// # Errors
    /// WRONGTYPE.
    ///
    /// # Complexity
    /// O(log n + m).
    pub fn zremrangebyscore(&mut self, key: &[u8], range: &ScoreRange) -> Result<usize> {
        self.zremrange(key, |z| Some(z.score_window(range)))
    }

    /// ```text
    /// ZREMRANGEBYLEX key min max
    /// ```
    /// Removes members in a lexicographic range.
    ///
    /// # Errors
    /// WRONGTYPE.
    ///
    /// # Complexity
    /// O(log n + m).
    pub fn zremrangebylex(&mut self, key: &[u8], range: &LexRange) -> Result<usize> {
        self.zremrange(key, |z| Some(z.lex_window(range, false)))
    }

    /// ```text
    /// ZPOPMIN key [count]
    /// ```
    /// Removes and returns up to `count` lowest members.
    ///
    /// # Errors
    /// WRONGTYPE.
    ///
    /// # Complexity
    /// O(m log n).
    pub fn zpopmin(&mut self, key: &[u8], count: usize) -> Result<Vec<(Vec<u8>, f64)>> {
        Ok(self
            .zmpop(&[key], false, count)?
            .map_or_else(Vec::new, |(_, v)| v))
    }

    /// ```text
    /// ZPOPMAX key [count]
    /// ```
    /// Removes and returns up to `count` highest members, highest first.
    ///
    /// # Errors
    /// WRONGTYPE.
    ///
    /// # Complexity
    /// O(m log n).
    pub fn zpopmax(&mut self, key: &[u8], count: usize) -> Result<Vec<(Vec<u8>, f64)>> {
        Ok(self
            .zmpop(&[key], true, count)?
            .map_or_else(Vec::new, |(_, v)| v))
    }

    /// ```text
    /// ZMPOP numkeys key [key ...] MIN|MAX [COUNT count]
    /// ```
    /// Pops up to `count` members from the first existing key (lowest first,
    /// or highest first with `max`); returns that key and the members.
    /// Blocking forms (BZPOPMIN, BZPOPMAX, BZMPOP) behave as this when data
    /// is there and as an expired timeout otherwise.
    ///
    /// # Errors
    /// WRONGTYPE when a key before the first sorted set holds another type.
    ///
    /// # Complexity
    /// O(k + m log n).
    pub fn zmpop(&mut self, keys: &[&[u8]], max: bool, count: usize) -> Result<Option<Popped>> {
        for &key in keys {
            let Some(z) = self.write_typed(key, as_zset)? else {
                continue;
            };
            let mut out = Vec::with_capacity(count.min(z.len()));
            while out.len() < count {
                match z.pop(max) {
                    Some(e) => out.push(e),
                    None => break,
                }
            }
            if z.is_empty() {
                self.remove_emptied(key);
            } else if !out.is_empty() {
                self.signal_modified(key);
            }
            return Ok(Some((key.to_vec(), out)));
        }
        Ok(None)
    }

    /// ```text
    /// ZRANDMEMBER key
    /// ```
    /// A random member.
    ///
    /// # Errors
    /// WRONGTYPE.
    ///
    /// # Complexity
    /// O(log n) (O(n) while a listpack).
    pub fn zrandmember(&mut self, key: &[u8]) -> Result<Option<Vec<u8>>> {
        Ok(self.zrandmember_count(key, 1)?.pop().map(|(m, _)| m))
    }

    /// ```text
    /// ZRANDMEMBER key count [WITHSCORES]
    /// ```
    /// `count > 0`: up to `count` distinct members (the whole set, highest
    /// first, when `count` reaches its size); `count < 0`: `-count` members
    /// drawn independently (repeats possible).
    ///
    /// # Errors
    /// WRONGTYPE.
    ///
    /// # Complexity
    /// O(|count| log n), or O(n) for large counts.
    pub fn zrandmember_count(&mut self, key: &[u8], count: i64) -> Result<Vec<(Vec<u8>, f64)>> {
        let mut rng = SmallRng::from_rng(&mut self.rng);
        let Some(z) = self.read_typed(key, as_zset)? else {
            return Ok(Vec::new());
        };
        let n = z.len();
        if count == 0 || n == 0 {
            return Ok(Vec::new());
        }
        let wanted = usize::try_from(count.unsigned_abs()).unwrap_or(usize::MAX);
        if count < 0 || wanted == 1 {
            let all = matches!(z, ZSetValue::Listpack(_)).then(|| z.to_vec());
            return Ok((0..wanted)
                .map(|_| {
                    let r = rng.random_range(0..n);
                    match &all {
                        Some(v) => v[r].clone(),
                        None => z.window(r, r + 1, false).remove(0),
                    }
                })
                .collect());
        }
        if wanted >= n {
            // Redis walks the set from its tail here.
            return Ok(z.window(0, n, true));
        }
        if wanted.saturating_mul(3) > n || matches!(z, ZSetValue::Listpack(_)) {
            let mut all = z.to_vec();
            let mut keep = rand::seq::index::sample(&mut rng, n, wanted).into_vec();
            keep.sort_unstable();
            return Ok(keep
                .into_iter()
                .map(|i| std::mem::take(&mut all[i]))
                .collect());
        }
        let picks = rand::seq::index::sample(&mut rng, n, wanted);
        Ok(picks
            .into_iter()
            .map(|r| z.window(r, r + 1, false).remove(0))
            .collect())
    }

    /// Whether `key` holds a sorted set, for commands that check the type
    /// before parsing options (ZSCAN).
    ///
    /// # Errors
    /// WRONGTYPE.
    pub(crate) fn zset_present(&mut self, key: &[u8]) -> Result<bool> {
        Ok(self.read_typed(key, as_zset)?.is_some())
    }

    /// ```text
    /// ZSCAN key cursor [MATCH pattern] [COUNT count]
    /// ```
    /// One step of an incremental scan: the next cursor (0 when done) and a
    /// flat `member, score` list. A listpack set is returned whole with
    /// cursor 0 (scores as stored); a skiplist walks its member index's
    /// buckets with Redis's reverse-binary cursor, so a member present for
    /// the whole scan is returned at least once (cursor values and order
    /// differ from Redis's, whose hash function is seeded at random).
    ///
    /// # Errors
    /// WRONGTYPE.
    ///
    /// # Complexity
    /// O(count) per call.
    pub fn zscan(
        &mut self,
        key: &[u8],
        cursor: u64,
        pattern: Option<&[u8]>,
        count: usize,
    ) -> Result<(u64, Vec<Vec<u8>>)> {
        let Some(z) = self.read_typed(key, as_zset)? else {
            return Ok((0, Vec::new()));
        };
        let (next, flat) = z.scan(cursor, count.max(1));
        let glob = pattern.filter(|p| *p != b"*").map(|p| Glob::new(p, false));
        let Some(glob) = glob else {
            return Ok((next, flat));
        };
        let mut out = Vec::with_capacity(flat.len());
        let mut it = flat.into_iter();
        while let (Some(m), Some(s)) = (it.next(), it.next()) {
            if glob.matches(&m) {
                out.push(m);
                out.push(s);
            }
        }
        Ok((next, out))
    }
}
