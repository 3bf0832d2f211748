//! A sorted set: a listpack while small, then a skiplist with a member
//! index.
//!
//! # Thresholds
//!
//! The encoding changes at exactly the points Redis 7.0.15 changes it, so
//! OBJECT ENCODING always agrees:
//!
//! * ZADD on a new key starts a skiplist when `zset-max-listpack-entries`
//!   is 0 or the *first* member is longer than `zset-max-listpack-value`,
//!   else a listpack.
//! * Adding a new member to a listpack first converts it to a skiplist when
//!   the count would exceed `zset-max-listpack-entries`, the member is
//!   longer than `zset-max-listpack-value`, or the listpack would pass
//!   1 GiB. Updates of existing members never convert.
//! * Removals never convert back.
//! * ZUNIONSTORE/ZINTERSTORE/ZDIFFSTORE build a skiplist and turn it into a
//!   listpack when the result fits both limits (Redis
//!   `zsetConvertToListpackIfNeeded`).
//! * ZRANGESTORE starts a skiplist when a rank range is known to yield more
//!   than `zset-max-listpack-entries` members, else a listpack, and then
//!   adds members one by one under the rules above.
//!
//! # Compatibility
//!
//! Replies match Redis 7.0.15 byte for byte. Where Redis leaves the result
//! to its skiplist's random levels (lexicographic ranges over members with
//! different scores in a skiplist) the result can differ.

mod api;
mod listpack;
mod range;
mod setops;

use crate::config::Config;
use crate::encoding::Listpack;
use crate::encoding::skiplist::SkipList;
use crate::error::{Error, Result};
use crate::util::float::format_double;
use crate::value::{Encoding, Value};

pub use crate::encoding::skiplist::{LexBound, LexRange, ScoreRange};
pub use api::{Popped, ZAddCompare, ZAddCondition, ZAddOptions};
pub(crate) use range::limit_with_rank;
pub use range::{ZRange, ZRangeBy};
pub use setops::{Aggregate, SetOpOptions};

/// The listpack limits, copied out of the configuration before a lookup.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Limits {
    /// `zset-max-listpack-entries`
    pub(crate) entries: usize,
    /// `zset-max-listpack-value`
    pub(crate) value: usize,
}

impl Limits {
    pub(crate) fn of(config: &Config) -> Self {
        Limits {
            entries: config.zset_max_listpack_entries,
            value: config.zset_max_listpack_value,
        }
    }
}

/// ZADD's behaviour flags for one member (Redis `ZADD_IN_*`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct AddFlags {
    pub(crate) nx: bool,
    pub(crate) xx: bool,
    pub(crate) gt: bool,
    pub(crate) lt: bool,
    pub(crate) incr: bool,
}

/// What adding one member did (Redis `ZADD_OUT_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// A new member.
    Added,
    /// An existing member got a different score.
    Updated,
    /// An existing member kept its score (it was processed).
    Same,
    /// NX/XX/GT/LT skipped the member.
    Skipped,
}

/// `ERR resulting score is not a number (NaN)`
pub(crate) fn nan_error() -> Error {
    Error::other("ERR resulting score is not a number (NaN)")
}

/// The value of a sorted set: a listpack while small, then a skiplist with
/// a member index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ZSetValue {
    /// `member, score` pairs in order.
    Listpack(Listpack),
    /// A skiplist plus member index.
    Skiplist(Box<SkipList>),
}

/// Projects a value to a sorted set (for the keyspace's typed lookups).
pub(crate) fn as_zset(v: &mut Value) -> Option<&mut ZSetValue> {
    match v {
        Value::ZSet(z) => Some(z),
        _ => None,
    }
}

impl ZSetValue {
    /// An empty listpack sorted set.
    pub fn new_listpack() -> Self {
        ZSetValue::Listpack(Listpack::new())
    }

    /// An empty skiplist sorted set.
    pub fn new_skiplist() -> Self {
        ZSetValue::Skiplist(Box::default())
    }

    /// The encoding ZADD gives a new key whose first member is `first`
    /// (with `score`); a listpack is allocated with the room its growth
    /// policy would give it for that pair, and comes with how the score is
    /// stored (for [`ZSetValue::add_prepared`]).
    fn new_for_first(limits: Limits, first: &[u8], score: f64) -> (Self, Option<listpack::Stored>) {
        if limits.entries == 0 || limits.value < first.len() {
            (Self::new_skiplist(), None)
        } else {
            let stored = listpack::Stored::of(score);
            let cap = listpack::first_capacity(first, &stored);
            (
                ZSetValue::Listpack(Listpack::with_capacity(cap)),
                Some(stored),
            )
        }
    }

    /// The encoding OBJECT ENCODING reports.
    pub fn encoding(&self) -> Encoding {
        match self {
            ZSetValue::Listpack(_) => Encoding::Listpack,
            ZSetValue::Skiplist(_) => Encoding::Skiplist,
        }
    }

    /// Number of members.
    pub fn len(&self) -> usize {
        match self {
            ZSetValue::Listpack(lp) => lp.len() / 2,
            ZSetValue::Skiplist(s) => s.len(),
        }
    }

    /// Whether there are no members.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The score of `member`.
    #[inline(always)]
    pub fn score(&self, member: &[u8]) -> Option<f64> {
        match self {
            ZSetValue::Listpack(lp) => Self::listpack_score(lp, member),
            ZSetValue::Skiplist(s) => s.score(member),
        }
    }

    /// [`ZSetValue::score`] of each member, in order (a skiplist looks
    /// them up in prefetched groups, see [`SkipList::scores_into`]).
    pub fn scores(&self, members: &[&[u8]]) -> Vec<Option<f64>> {
        match self {
            ZSetValue::Listpack(lp) => members
                .iter()
                .map(|m| Self::listpack_score(lp, m))
                .collect(),
            ZSetValue::Skiplist(s) => {
                let mut out = Vec::new();
                s.scores_into(members, &mut out);
                out
            }
        }
    }

    /// [`ZSetValue::score`] of a listpack, out of line so that the
    /// skiplist's lookup, which waits on memory, stays short.
    #[inline(never)]
    fn listpack_score(lp: &Listpack, member: &[u8]) -> Option<f64> {
        listpack::find(lp, member).map(|(_, s)| s)
    }

    /// 0-based position of `member` in ascending order.
    pub fn rank(&self, member: &[u8]) -> Option<usize> {
        match self {
            ZSetValue::Listpack(lp) => lp.pairs().position(|(m, _)| m.matches(member)),
            ZSetValue::Skiplist(s) => s.rank(member),
        }
    }

    /// Every (member, score) in ascending order.
    pub fn to_vec(&self) -> Vec<(Vec<u8>, f64)> {
        self.window(0, self.len(), false)
    }

    /// Converts a listpack to a skiplist (no-op for a skiplist).
    pub(crate) fn convert_to_skiplist(&mut self) {
        if let ZSetValue::Listpack(lp) = self {
            let mut s = SkipList::with_capacity(lp.len() / 2, 16);
            for (m, score) in listpack::entries(lp) {
                s.insert(score, &m);
            }
            *self = ZSetValue::Skiplist(Box::new(s));
        }
    }

    /// Turns a skiplist into a listpack when it fits the limits (after a
    /// *STORE), given its longest member and total member bytes.
    pub(crate) fn shrink_if_fits(&mut self, limits: Limits, max_len: usize, total: usize) {
        if let ZSetValue::Skiplist(s) = self
            && s.len() <= limits.entries
            && max_len <= limits.value
            && Listpack::new().safe_to_add(total)
        {
            let mut lp = Listpack::new();
            for (score, m) in s.iter() {
                listpack::push(&mut lp, m, score);
            }
            *self = ZSetValue::Listpack(lp);
        }
    }

    /// Adds or updates one member as ZADD does (Redis `zsetAdd`), converting
    /// to a skiplist first when a new member would not fit the listpack.
    /// Returns what happened and the member's score afterwards.
    ///
    /// # Errors
    /// `ERR resulting score is not a number (NaN)` for a NaN score or
    /// increment result.
    pub(crate) fn add(
        &mut self,
        score: f64,
        member: &[u8],
        flags: AddFlags,
        limits: Limits,
    ) -> Result<(Outcome, f64)> {
        self.add_prepared(score, None, member, flags, limits)
    }

    /// [`ZSetValue::add`] given how `score` is stored when that is known
    /// already (the first member of a new key).
    fn add_prepared(
        &mut self,
        score: f64,
        stored: Option<listpack::Stored>,
        member: &[u8],
        flags: AddFlags,
        limits: Limits,
    ) -> Result<(Outcome, f64)> {
        if score.is_nan() {
            return Err(nan_error());
        }
        let (pos, cur) = match self {
            ZSetValue::Listpack(lp) => {
                let stored = stored.unwrap_or_else(|| listpack::Stored::of(score));
                match listpack::locate(lp, member, &stored) {
                    Ok((p, cur)) => (Some(p), cur),
                    Err(at) => {
                        if flags.xx {
                            return Ok((Outcome::Skipped, score));
                        }
                        if lp.len() / 2 < limits.entries
                            && member.len() <= limits.value
                            && lp.safe_to_add(member.len())
                        {
                            listpack::insert_at(lp, at, member, &stored);
                        } else {
                            self.convert_to_skiplist();
                            self.insert_new_skiplist(score, member);
                        }
                        return Ok((Outcome::Added, score));
                    }
                }
            }
            ZSetValue::Skiplist(s) => match s.lookup(member) {
                Ok(sc) => (None, sc),
                Err(vacant) => {
                    if flags.xx {
                        return Ok((Outcome::Skipped, score));
                    }
                    s.insert_vacant(vacant, score, member);
                    return Ok((Outcome::Added, score));
                }
            },
        };
        if flags.nx {
            return Ok((Outcome::Skipped, cur));
        }
        let mut new = score;
        if flags.incr {
            new += cur;
            if new.is_nan() {
                return Err(nan_error());
            }
        }
        if (flags.lt && new >= cur) || (flags.gt && new <= cur) {
            return Ok((Outcome::Skipped, cur));
        }
        if new == cur {
            return Ok((Outcome::Same, new));
        }
        match self {
            ZSetValue::Listpack(lp) => {
                listpack::delete_at(lp, pos.expect("listpack position"));
                listpack::insert(lp, member, new);
            }
            ZSetValue::Skiplist(s) => {
                s.update_score(member, new);
            }
        }
        Ok((Outcome::Updated, new))
    }

    /// [`ZSetValue::add_prepared`] with default flags (ZADD of one pair
    /// without options): a skiplist member is looked up once, then
    /// inserted at the place the lookup found, given its new score, or
    /// left as it is; a listpack and a NaN score take the general path,
    /// out of line.
    ///
    /// # Errors
    /// As [`ZSetValue::add`].
    #[inline(always)]
    fn add_one(&mut self, score: f64, member: &[u8], limits: Limits) -> Result<Outcome> {
        match self {
            ZSetValue::Skiplist(s) if !score.is_nan() => {
                Ok(match s.insert_or_score(score, member) {
                    Ok(()) => Outcome::Added,
                    Err(cur) if cur == score => Outcome::Same,
                    Err(_) => {
                        s.update_score(member, score);
                        Outcome::Updated
                    }
                })
            }
            _ => self.add_other(score, None, member, limits),
        }
    }

    /// [`ZSetValue::add_prepared`] with default flags, out of line: the
    /// general path of [`ZSetValue::add_one`] (`stored` is how a new
    /// key's first score is stored, see [`ZSetValue::new_for_first`]).
    ///
    /// # Errors
    /// As [`ZSetValue::add`].
    #[inline(never)]
    fn add_other(
        &mut self,
        score: f64,
        stored: Option<listpack::Stored>,
        member: &[u8],
        limits: Limits,
    ) -> Result<Outcome> {
        let (outcome, _) = self.add_prepared(score, stored, member, AddFlags::default(), limits)?;
        Ok(outcome)
    }

    /// Adds a member known to be absent to a skiplist (just converted).
    fn insert_new_skiplist(&mut self, score: f64, member: &[u8]) {
        if let ZSetValue::Skiplist(s) = self {
            s.insert_new(score, member);
        }
    }

    /// Removes `member`; true if it was there.
    pub fn remove(&mut self, member: &[u8]) -> bool {
        match self {
            ZSetValue::Listpack(lp) => match listpack::find(lp, member) {
                Some((p, _)) => {
                    listpack::delete_at(lp, p);
                    true
                }
                None => false,
            },
            ZSetValue::Skiplist(s) => s.remove(member).is_some(),
        }
    }

    /// Number of leading members (ascending) for which `pred(score,
    /// member)` holds; `pred` must hold on a prefix of the order.
    pub(crate) fn count_while(&self, pred: impl Fn(f64, &[u8]) -> bool) -> usize {
        match self {
            ZSetValue::Listpack(lp) => listpack::count_while(lp, pred),
            ZSetValue::Skiplist(s) => s.count_while(pred),
        }
    }

    /// The ascending ranks `start..end` of the members inside `range`.
    pub(crate) fn score_window(&self, range: &ScoreRange) -> (usize, usize) {
        if range.is_empty() {
            return (0, 0);
        }
        let (a, b) = match self {
            ZSetValue::Listpack(lp) => (
                listpack::count_while(lp, |s, _| !range.gte_min(s)),
                listpack::count_while(lp, |s, _| range.lte_max(s)),
            ),
            // Scores only: the descent reads no member bytes.
            ZSetValue::Skiplist(sl) => (
                sl.count_scores_while(|s| !range.gte_min(s)),
                sl.count_scores_while(|s| range.lte_max(s)),
            ),
        };
        (a, b.max(a))
    }

    /// The ascending ranks `start..end` a lexicographic range covers when
    /// walked forward (or backward with `rev`), found as Redis finds them.
    pub(crate) fn lex_window(&self, range: &LexRange, rev: bool) -> (usize, usize) {
        if range.is_empty() {
            return (0, 0);
        }
        match self {
            ZSetValue::Skiplist(_) => {
                let a = self.count_while(|_, m| !range.gte_min(m));
                let b = self.count_while(|_, m| range.lte_max(m));
                (a, b.max(a))
            }
            ZSetValue::Listpack(lp) => {
                let members: Vec<Vec<u8>> = lp.pairs().map(|(m, _)| m.to_vec()).collect();
                lex_window_linear(&members, range, rev)
            }
        }
    }

    /// (member, score) at ascending ranks `start..end`, descending with `rev`.
    pub(crate) fn window(&self, start: usize, end: usize, rev: bool) -> Vec<(Vec<u8>, f64)> {
        let end = end.min(self.len());
        if start >= end {
            return Vec::new();
        }
        match self {
            ZSetValue::Listpack(lp) => {
                let mut out: Vec<(Vec<u8>, f64)> = lp
                    .pairs()
                    .skip(start)
                    .take(end - start)
                    .map(|(m, s)| (m.to_vec(), listpack::elem_score(s)))
                    .collect();
                if rev {
                    out.reverse();
                }
                out
            }
            // A reverse window walks the backward links from its last member.
            ZSetValue::Skiplist(s) => {
                let mut out = Vec::with_capacity(end - start);
                s.each_in(start, end, rev, |sc, m| out.push((m.to_vec(), sc)));
                out
            }
        }
    }

    /// Removes the members at ascending ranks `start..end`; returns how many.
    pub(crate) fn remove_window(&mut self, start: usize, end: usize) -> usize {
        let end = end.min(self.len());
        if start >= end {
            return 0;
        }
        match self {
            ZSetValue::Listpack(lp) => {
                let Some(p) = lp.seek(2 * start as isize) else {
                    return 0;
                };
                lp.remove_from(p, 2 * (end - start)) / 2
            }
            ZSetValue::Skiplist(s) => s.remove_range(start, end),
        }
    }

    /// Removes and returns the lowest (or, with `max`, highest) member.
    pub(crate) fn pop(&mut self, max: bool) -> Option<(Vec<u8>, f64)> {
        let n = self.len();
        if n == 0 {
            return None;
        }
        let at = if max { n - 1 } else { 0 };
        let entry = self.window(at, at + 1, false).pop()?;
        self.remove_window(at, at + 1);
        Some(entry)
    }

    /// One ZSCAN step without filtering: the next cursor and a flat
    /// `member, score` list. A listpack returns everything with cursor 0;
    /// a skiplist walks its member index's buckets from `cursor` with
    /// Redis's reverse-binary cursor, so a member present for the whole
    /// scan is returned at least once.
    pub(crate) fn scan(&self, cursor: u64, count: usize) -> (u64, Vec<Vec<u8>>) {
        match self {
            ZSetValue::Listpack(lp) => (0, listpack::raw_pairs(lp)),
            ZSetValue::Skiplist(s) => {
                let mut out = Vec::new();
                let next = s.scan(cursor, count, |score, m| {
                    out.push(m.to_vec());
                    out.push(format_double(score));
                });
                (next, out)
            }
        }
    }

    /// Checks the encoding's invariants and the pair order.
    ///
    /// # Errors
    /// A description of the first broken invariant.
    pub fn validate(&self) -> std::result::Result<(), String> {
        match self {
            ZSetValue::Skiplist(s) => s.validate().map_err(|e| e.to_string()),
            ZSetValue::Listpack(lp) => {
                lp.validate(true).map_err(|e| e.to_string())?;
                if lp.len() % 2 != 0 {
                    return Err("odd listpack element count".into());
                }
                let v = listpack::entries(lp).collect::<Vec<_>>();
                for w in v.windows(2) {
                    let ((ma, sa), (mb, sb)) = (&w[0], &w[1]);
                    if sa.is_nan() || !(sa < sb || (sa == sb && ma < mb)) {
                        return Err("listpack pairs out of order or duplicated".into());
                    }
                }
                if v.iter().any(|(_, s)| s.is_nan()) {
                    return Err("NaN score".into());
                }
                Ok(())
            }
        }
    }
}

/// Redis's `zzlFirstInLexRange`/`zzlLastInLexRange` walk over a member
/// list, returning the window of ranks the walk covers.
fn lex_window_linear(members: &[Vec<u8>], range: &LexRange, rev: bool) -> (usize, usize) {
    let (Some(first), Some(last)) = (members.first(), members.last()) else {
        return (0, 0);
    };
    if !range.gte_min(last) || !range.lte_max(first) {
        return (0, 0);
    }
    if rev {
        let Some(k) = members.iter().rposition(|m| range.lte_max(m)) else {
            return (0, 0);
        };
        if !range.gte_min(&members[k]) {
            return (0, 0);
        }
        let l = members[..k]
            .iter()
            .rposition(|m| !range.gte_min(m))
            .map_or(0, |i| i + 1);
        (l, k + 1)
    } else {
        let Some(i) = members.iter().position(|m| range.gte_min(m)) else {
            return (0, 0);
        };
        if !range.lte_max(&members[i]) {
            return (0, 0);
        }
        let j = members[i..]
            .iter()
            .position(|m| !range.lte_max(m))
            .map_or(members.len(), |d| i + d);
        (i, j)
    }
}

#[cfg(test)]
mod one_tests;
#[cfg(test)]
mod tests;
