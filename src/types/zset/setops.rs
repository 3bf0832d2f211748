//! ZUNION, ZINTER, ZDIFF, their STORE forms and ZINTERCARD (Redis
//! `zunionInterDiffGenericCommand`).
//!
//! Inputs may be sorted sets or sets (whose members all score 1, as in
//! Redis). They are read in place: the sources are ordered by size (stably, as
//! glibc's merge-sort `qsort` does), the smallest is walked and the others
//! are probed by member, so scores are aggregated in Redis's order and
//! floating-point sums come out bit-identical.

use std::collections::HashMap;

use super::{Limits, ZSetValue};
use crate::encoding::skiplist::SkipList;
use crate::error::Result;
use crate::keyspace::{Hasher, Keyspace};
use crate::types::set::SetValue;
use crate::value::Value;

/// How scores of a member found in several inputs combine.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Aggregate {
    /// `SUM` (the default); `+inf + -inf` counts as 0.
    #[default]
    Sum,
    /// `MIN`
    Min,
    /// `MAX`
    Max,
}

impl Aggregate {
    fn apply(self, target: &mut f64, v: f64) {
        match self {
            Aggregate::Sum => {
                *target += v;
                if target.is_nan() {
                    *target = 0.0;
                }
            }
            Aggregate::Min => {
                if v < *target {
                    *target = v;
                }
            }
            Aggregate::Max => {
                if v > *target {
                    *target = v;
                }
            }
        }
    }
}

/// `[WEIGHTS weight ...] [AGGREGATE SUM|MIN|MAX]` of ZUNION/ZINTER.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SetOpOptions {
    /// One weight per input key (empty: all 1).
    pub weights: Vec<f64>,
    /// How scores combine.
    pub aggregate: Aggregate,
}

impl SetOpOptions {
    fn weight(&self, i: usize) -> f64 {
        self.weights.get(i).copied().unwrap_or(1.0)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Union,
    Inter,
    Diff,
}

/// A computed result: the sorted set plus what the listpack check needs.
struct Computed {
    list: SkipList,
    max_len: usize,
    total: usize,
}

impl Computed {
    fn new() -> Self {
        Computed {
            list: SkipList::new(),
            max_len: 0,
            total: 0,
        }
    }

    fn add(&mut self, score: f64, member: &[u8]) {
        if self.list.insert(score, member) {
            self.max_len = self.max_len.max(member.len());
            self.total += member.len();
        }
    }

    fn into_vec(self) -> Vec<(Vec<u8>, f64)> {
        self.list.iter().map(|(s, m)| (m.to_vec(), s)).collect()
    }
}

/// An input of a set operation: a sorted set, or a set (every score 1).
#[derive(Clone, Copy)]
enum Source<'a> {
    ZSet(&'a ZSetValue),
    Set(&'a SetValue),
}

impl Source<'_> {
    /// (member, score) pairs in the source's iteration order.
    fn to_vec(self) -> Vec<(Vec<u8>, f64)> {
        match self {
            Source::ZSet(z) => z.to_vec(),
            Source::Set(s) => s.iter().map(|e| (e.to_vec(), 1.0)).collect(),
        }
    }

    fn score(self, member: &[u8]) -> Option<f64> {
        match self {
            Source::ZSet(z) => z.score(member),
            Source::Set(s) => s.contains(member).then_some(1.0),
        }
    }
}

fn score_or_zero(v: f64) -> f64 {
    if v.is_nan() { 0.0 } else { v }
}

impl Keyspace {
    /// Looks every input key up for reading (expiry, statistics) and checks
    /// its type, as Redis does before parsing the options; returns each
    /// input's size (0 when missing). Sets count as sorted sets whose
    /// members all score 1.
    ///
    /// # Errors
    /// WRONGTYPE when any key holds something other than a set or sorted set.
    pub(crate) fn zset_sources(&mut self, keys: &[&[u8]]) -> Result<Vec<usize>> {
        keys.iter()
            .map(|k| match self.lookup_read(k) {
                None => Ok(0),
                Some(e) => match &e.value {
                    Value::ZSet(z) => Ok(z.len()),
                    Value::Set(s) => Ok(s.len()),
                    _ => Err(crate::error::Error::WrongType),
                },
            })
            .collect()
    }

    /// A source already looked up, read without side effects.
    fn source(&self, key: &[u8]) -> Option<Source<'_>> {
        match &self.db().get(key)?.value {
            Value::ZSet(z) => Some(Source::ZSet(z)),
            Value::Set(s) => Some(Source::Set(s)),
            _ => None,
        }
    }

    fn compute(&mut self, keys: &[&[u8]], opts: &SetOpOptions, op: Op) -> Result<Computed> {
        let sizes = self.zset_sources(keys)?;
        let mut order: Vec<usize> = (0..keys.len()).collect();
        if op != Op::Diff {
            order.sort_by_key(|&i| sizes[i]);
        }
        let mut out = Computed::new();
        match op {
            Op::Union => self.union(keys, &order, opts, &mut out),
            Op::Inter => {
                self.inter(keys, &order, opts, |s, m| {
                    out.add(s, m);
                    true
                });
            }
            Op::Diff => self.diff(keys, &mut out),
        }
        Ok(out)
    }

    fn union(&self, keys: &[&[u8]], order: &[usize], opts: &SetOpOptions, out: &mut Computed) {
        let mut acc: HashMap<Vec<u8>, f64, Hasher> = HashMap::default();
        let mut first_seen: Vec<Vec<u8>> = Vec::new();
        for &i in order {
            let Some(z) = self.source(keys[i]) else {
                continue;
            };
            let w = opts.weight(i);
            for (m, s) in z.to_vec() {
                let score = score_or_zero(w * s);
                match acc.get_mut(&m) {
                    Some(t) => opts.aggregate.apply(t, score),
                    None => {
                        acc.insert(m.clone(), score);
                        first_seen.push(m);
                    }
                }
            }
        }
        for m in first_seen {
            out.add(acc[&m], &m);
        }
    }

    /// Walks the smallest input and calls `emit(score, member)` for each
    /// member in every input; stops early when `emit` returns false.
    fn inter(
        &self,
        keys: &[&[u8]],
        order: &[usize],
        opts: &SetOpOptions,
        mut emit: impl FnMut(f64, &[u8]) -> bool,
    ) {
        let first = order[0];
        let Some(z0) = self.source(keys[first]) else {
            return;
        };
        'members: for (m, s) in z0.to_vec() {
            let mut score = score_or_zero(opts.weight(first) * s);
            for &j in &order[1..] {
                let v = if keys[j] == keys[first] {
                    s
                } else {
                    match self.source(keys[j]).and_then(|z| z.score(&m)) {
                        Some(v) => v,
                        None => continue 'members,
                    }
                };
                opts.aggregate.apply(&mut score, v * opts.weight(j));
            }
            if !emit(score, &m) {
                return;
            }
        }
    }

    fn diff(&self, keys: &[&[u8]], out: &mut Computed) {
        let Some(z0) = self.source(keys[0]) else {
            return;
        };
        if keys[1..].contains(&keys[0]) {
            return;
        }
        for (m, s) in z0.to_vec() {
            let elsewhere = keys[1..]
                .iter()
                .any(|k| self.source(k).is_some_and(|z| z.score(&m).is_some()));
            if !elsewhere {
                out.add(s, &m);
            }
        }
    }

    fn store_computed(&mut self, dst: &[u8], c: Computed) -> usize {
        let n = c.list.len();
        if n == 0 {
            self.delete_key(dst);
            return 0;
        }
        let mut z = ZSetValue::Skiplist(Box::new(c.list));
        z.shrink_if_fits(Limits::of(&self.config), c.max_len, c.total);
        self.set_key(dst, Value::ZSet(z), false);
        n
    }

    /// ```text
    /// ZUNION numkeys key [key ...] [WEIGHTS weight ...] [AGGREGATE SUM|MIN|MAX] [WITHSCORES]
    /// ```
    /// The union of the inputs, ascending, with aggregated weighted scores.
    ///
    /// # Errors
    /// WRONGTYPE.
    ///
    /// # Complexity
    /// O(N) + O(M log M) for N input members and M result members.
    pub fn zunion(&mut self, keys: &[&[u8]], opts: &SetOpOptions) -> Result<Vec<(Vec<u8>, f64)>> {
        Ok(self.compute(keys, opts, Op::Union)?.into_vec())
    }

    /// ```text
    /// ZINTER numkeys key [key ...] [WEIGHTS weight ...] [AGGREGATE SUM|MIN|MAX] [WITHSCORES]
    /// ```
    /// The members in every input, ascending, with aggregated weighted scores.
    ///
    /// # Errors
    /// WRONGTYPE.
    ///
    /// # Complexity
    /// O(N * K) + O(M log M) for the smallest input N and K inputs.
    pub fn zinter(&mut self, keys: &[&[u8]], opts: &SetOpOptions) -> Result<Vec<(Vec<u8>, f64)>> {
        Ok(self.compute(keys, opts, Op::Inter)?.into_vec())
    }

    /// ```text
    /// ZDIFF numkeys key [key ...] [WITHSCORES]
    /// ```
    /// The members of the first input that are in no other, ascending.
    ///
    /// # Errors
    /// WRONGTYPE.
    ///
    /// # Complexity
    /// O(L) + O(M log M) for L input members.
    pub fn zdiff(&mut self, keys: &[&[u8]]) -> Result<Vec<(Vec<u8>, f64)>> {
        Ok(self
            .compute(keys, &SetOpOptions::default(), Op::Diff)?
            .into_vec())
    }

    /// ```text
    /// ZUNIONSTORE destination numkeys key [key ...] [WEIGHTS weight ...] [AGGREGATE SUM|MIN|MAX]
    /// ```
    /// Stores [`Keyspace::zunion`] in `dst` (deleting it when empty); returns the size.
    ///
    /// # Errors
    /// WRONGTYPE.
    ///
    /// [`Error::OutOfMemory`](crate::Error::OutOfMemory) when used memory is over `maxmemory`
    /// and eviction cannot bring it under; nothing is changed then.
    ///
    /// # Complexity
    /// As ZUNION.
    pub fn zunionstore(
        &mut self,
        dst: &[u8],
        keys: &[&[u8]],
        opts: &SetOpOptions,
    ) -> Result<usize> {
        self.make_room()?;
        let c = self.compute(keys, opts, Op::Union)?;
        Ok(self.store_computed(dst, c))
    }

    /// ```text
    /// ZINTERSTORE destination numkeys key [key ...] [WEIGHTS weight ...] [AGGREGATE SUM|MIN|MAX]
    /// ```
    /// Stores [`Keyspace::zinter`] in `dst` (deleting it when empty); returns the size.
    ///
    /// # Errors
    /// WRONGTYPE.
    ///
    /// [`Error::OutOfMemory`](crate::Error::OutOfMemory) when used memory is over `maxmemory`
    /// and eviction cannot bring it under; nothing is changed then.
    ///
    /// # Complexity
    /// As ZINTER.
    pub fn zinterstore(
        &mut self,
        dst: &[u8],
        keys: &[&[u8]],
        opts: &SetOpOptions,
    ) -> Result<usize> {
        self.make_room()?;
        let c = self.compute(keys, opts, Op::Inter)?;
        Ok(self.store_computed(dst, c))
    }

    /// ```text
    /// ZDIFFSTORE destination numkeys key [key ...]
    /// ```
    /// Stores [`Keyspace::zdiff`] in `dst` (deleting it when empty); returns the size.
    ///
    /// # Errors
    /// WRONGTYPE.
    ///
    /// [`Error::OutOfMemory`](crate::Error::OutOfMemory) when used memory is over `maxmemory`
    /// and eviction cannot bring it under; nothing is changed then.
    ///
    /// # Complexity
    /// As ZDIFF.
    pub fn zdiffstore(&mut self, dst: &[u8], keys: &[&[u8]]) -> Result<usize> {
        self.make_room()?;
        let c = self.compute(keys, &SetOpOptions::default(), Op::Diff)?;
        Ok(self.store_computed(dst, c))
    }

    /// ```text
    /// ZINTERCARD numkeys key [key ...] [LIMIT limit]
    /// ```
    /// The size of the intersection, counting at most `limit` (0: no limit).
    ///
    /// # Errors
    /// WRONGTYPE.
    ///
    /// # Complexity
    /// O(N * K).
    pub fn zintercard(&mut self, keys: &[&[u8]], limit: usize) -> Result<usize> {
        let sizes = self.zset_sources(keys)?;
        let mut order: Vec<usize> = (0..keys.len()).collect();
        order.sort_by_key(|&i| sizes[i]);
        let mut n = 0;
        self.inter(keys, &order, &SetOpOptions::default(), |_, _| {
            n += 1;
            limit == 0 || n < limit
        });
        Ok(n)
    }
}
