//! The hand-written baseline: what a user would write with std collections
//! and ahash, no library. Each type lives in its own map (no shared
//! keyspace, no type checks, no expiry, no encodings).

use std::collections::btree_map::Entry as BEntry;
use std::collections::{BTreeMap, BTreeSet, VecDeque};

use ahash::{AHashMap, AHashSet};

use crate::engine::{Engine, Id, Miss, R};

/// An f64 ordered by `total_cmp`, for the sorted-set index.
#[derive(Clone, Copy, PartialEq)]
struct Score(f64);
impl Eq for Score {}
impl PartialOrd for Score {
    fn partial_cmp(&self, o: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Score {
    fn cmp(&self, o: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&o.0)
    }
}

/// A sorted set: member -> score, and (score, member) in order.
#[derive(Default)]
struct Zset {
    scores: AHashMap<Vec<u8>, f64>,
    order: BTreeSet<(Score, Vec<u8>)>,
}

/// A stream entry's field/value pairs.
type Fields = Vec<(Vec<u8>, Vec<u8>)>;

/// A stream: entries by ID and consumer groups.
#[derive(Default)]
struct Stream {
    entries: BTreeMap<Id, Fields>,
    groups: AHashMap<Vec<u8>, Group>,
}

/// A consumer group: last delivered ID and pending entries (ID -> consumer).
#[derive(Default)]
struct Group {
    last: Id,
    pending: BTreeMap<Id, Vec<u8>>,
}

/// The std baseline.
#[derive(Default)]
pub(crate) struct Std {
    strings: AHashMap<Vec<u8>, Vec<u8>>,
    hashes: AHashMap<Vec<u8>, AHashMap<Vec<u8>, Vec<u8>>>,
    zsets: AHashMap<Vec<u8>, Zset>,
    sets: AHashMap<Vec<u8>, AHashSet<Vec<u8>>>,
    lists: AHashMap<Vec<u8>, VecDeque<Vec<u8>>>,
    streams: AHashMap<Vec<u8>, Stream>,
}

fn not_int() -> Miss {
    Miss::Fails("value is not an integer".into())
}

impl Engine for Std {
    const NAME: &'static str = "std baseline";
    const VERSION: &'static str = "ahash 0.8 + std collections";

    #[inline(always)]
    fn open() -> Self {
        Std::default()
    }
    #[inline(always)]
    fn set(&mut self, k: &[u8], v: &[u8]) -> R<()> {
        match self.strings.get_mut(k) {
            Some(old) => {
                old.clear();
                old.extend_from_slice(v);
            }
            None => {
                self.strings.insert(k.to_vec(), v.to_vec());
            }
        }
        Ok(())
    }
    #[inline(always)]
    fn get(&mut self, k: &[u8]) -> R<Option<usize>> {
        Ok(self.strings.get(k).map(Vec::len))
    }
    #[inline(always)]
    fn incr(&mut self, k: &[u8]) -> R<i64> {
        let v = self
            .strings
            .entry(k.to_vec())
            .or_insert_with(|| b"0".to_vec());
        let n: i64 = std::str::from_utf8(v)
            .ok()
            .and_then(|s| s.parse().ok())
            .ok_or_else(not_int)?;
        let n = n.checked_add(1).ok_or_else(not_int)?;
        v.clear();
        v.extend_from_slice(n.to_string().as_bytes());
        Ok(n)
    }
    #[inline(always)]
    fn hset(&mut self, k: &[u8], f: &[u8], v: &[u8]) -> R<()> {
        let h = match self.hashes.get_mut(k) {
            Some(h) => h,
            None => self.hashes.entry(k.to_vec()).or_default(),
        };
        h.insert(f.to_vec(), v.to_vec());
        Ok(())
    }
    #[inline(always)]
    fn zadd(&mut self, k: &[u8], score: f64, m: &[u8]) -> R<()> {
        let z = match self.zsets.get_mut(k) {
            Some(z) => z,
            None => self.zsets.entry(k.to_vec()).or_default(),
        };
        if let Some(old) = z.scores.insert(m.to_vec(), score) {
            z.order.remove(&(Score(old), m.to_vec()));
        }
        z.order.insert((Score(score), m.to_vec()));
        Ok(())
    }
    #[inline(always)]
    fn zscore(&mut self, k: &[u8], m: &[u8]) -> R<Option<f64>> {
        Ok(self.zsets.get(k).and_then(|z| z.scores.get(m).copied()))
    }
    #[inline(always)]
    fn zrank(&mut self, k: &[u8], m: &[u8]) -> R<Option<usize>> {
        let Some(z) = self.zsets.get(k) else {
            return Ok(None);
        };
        let Some(&s) = z.scores.get(m) else {
            return Ok(None);
        };
        // BTreeSet has no rank: count what precedes (O(rank)).
        Ok(Some(z.order.range(..(Score(s), m.to_vec())).count()))
    }
    #[inline(always)]
    fn zrange_top(&mut self, k: &[u8], n: usize, f: &mut impl FnMut(&[u8], f64)) -> R<usize> {
        let Some(z) = self.zsets.get(k) else {
            return Ok(0);
        };
        Ok(z.order.iter().rev().take(n).map(|(s, m)| f(m, s.0)).count())
    }
    #[inline(always)]
    fn sadd(&mut self, k: &[u8], m: &[u8]) -> R<()> {
        let s = match self.sets.get_mut(k) {
            Some(s) => s,
            None => self.sets.entry(k.to_vec()).or_default(),
        };
        s.insert(m.to_vec());
        Ok(())
    }
    #[inline(always)]
    fn rpush(&mut self, k: &[u8], v: &[u8]) -> R<()> {
        let l = match self.lists.get_mut(k) {
            Some(l) => l,
            None => self.lists.entry(k.to_vec()).or_default(),
        };
        l.push_back(v.to_vec());
        Ok(())
    }
    #[inline(always)]
    fn lpop(&mut self, k: &[u8]) -> R<Option<Vec<u8>>> {
        let Some(l) = self.lists.get_mut(k) else {
            return Ok(None);
        };
        let v = l.pop_front();
        if l.is_empty() {
            self.lists.remove(k);
        }
        Ok(v)
    }
    #[inline(always)]
    fn lrange(&mut self, k: &[u8], start: i64, stop: i64, f: &mut impl FnMut(&[u8])) -> R<usize> {
        let Some(l) = self.lists.get(k) else {
            return Ok(0);
        };
        let n = l.len() as i64;
        let start = if start < 0 { start + n } else { start }.max(0);
        let stop = if stop < 0 { stop + n } else { stop }.min(n - 1);
        if start > stop {
            return Ok(0);
        }
        let (a, b) = (start as usize, stop as usize);
        l.range(a..=b).for_each(|v| f(v));
        Ok(b - a + 1)
    }
    #[inline(always)]
    fn pfadd(&mut self, _k: &[u8], _es: &[&[u8]]) -> R<()> {
        Err(Miss::Lacks("no std equivalent"))
    }
    #[inline(always)]
    fn pfcount(&mut self, _k: &[u8]) -> R<u64> {
        Err(Miss::Lacks("no std equivalent"))
    }
    #[inline(always)]
    fn setbit(&mut self, k: &[u8], off: u64) -> R<()> {
        let b = match self.strings.get_mut(k) {
            Some(b) => b,
            None => self.strings.entry(k.to_vec()).or_default(),
        };
        let byte = (off / 8) as usize;
        if b.len() <= byte {
            b.resize(byte + 1, 0);
        }
        b[byte] |= 0x80 >> (off % 8);
        Ok(())
    }
    #[inline(always)]
    fn bitcount(&mut self, k: &[u8]) -> R<u64> {
        let Some(b) = self.strings.get(k) else {
            return Ok(0);
        };
        let (words, rest) = b.as_chunks::<8>();
        let whole: u64 = words
            .iter()
            .map(|w| u64::from_ne_bytes(*w).count_ones() as u64)
            .sum();
        Ok(whole + rest.iter().map(|x| x.count_ones() as u64).sum::<u64>())
    }
    #[inline(always)]
    fn xadd(&mut self, k: &[u8], id: Id, fields: &[(&[u8], &[u8])]) -> R<()> {
        let s = match self.streams.get_mut(k) {
            Some(s) => s,
            None => self.streams.entry(k.to_vec()).or_default(),
        };
        if s.entries
            .last_key_value()
            .is_some_and(|(last, _)| *last >= id)
        {
            return Err(Miss::Fails("ID not above the top item".into()));
        }
        let owned = fields
            .iter()
            .map(|(f, v)| (f.to_vec(), v.to_vec()))
            .collect();
        s.entries.insert(id, owned);
        Ok(())
    }
    #[inline(always)]
    fn xgroup_create(&mut self, k: &[u8], g: &[u8]) -> R<()> {
        let s = self
            .streams
            .get_mut(k)
            .ok_or(Miss::Fails("no such key".into()))?;
        s.groups.entry(g.to_vec()).or_default();
        Ok(())
    }
    #[inline(always)]
    fn xread_ack(&mut self, k: &[u8], g: &[u8], c: &[u8], n: usize) -> R<usize> {
        let s = self
            .streams
            .get_mut(k)
            .ok_or(Miss::Fails("no such key".into()))?;
        let group = s.groups.get_mut(g).ok_or(Miss::Fails("no group".into()))?;
        let from = (group.last.0, group.last.1.wrapping_add(1));
        let mut read = Vec::with_capacity(n);
        for (id, fields) in s.entries.range(from..).take(n) {
            read.push((*id, fields.clone()));
            group.pending.insert(*id, c.to_vec());
            group.last = *id;
        }
        let mut acked = 0;
        for (id, _) in &read {
            if let BEntry::Occupied(e) = group.pending.entry(*id) {
                e.remove();
                acked += 1;
            }
        }
        Ok(acked)
    }
}
