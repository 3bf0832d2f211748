//! Model test of the typed sorted-set API: random operation sequences run
//! on a [`Keyspace`] and on a naive model (per key a `BTreeMap` of member ->
//! score), comparing every result, the full ordered contents, and calling
//! `Keyspace::validate` (skiplist order, spans, index, listpack pairs)
//! after every operation. Small, changing listpack limits make sequences
//! cross every listpack/skiplist conversion.
//!
//! The model's rules are Redis 7.0.15's: members ordered by score then by
//! bytes; ZADD's NX/XX/GT/LT/INCR rules; a key disappears when emptied;
//! *STORE of an empty result deletes the destination.

use std::collections::BTreeMap;

use embedis::types::zset::{
    Aggregate, LexBound, LexRange, ScoreRange, SetOpOptions, ZAddCompare, ZAddCondition,
    ZAddOptions, ZRange,
};
use embedis::{Config, Keyspace};
use proptest::prelude::*;

const KEYS: &[&[u8]] = &[b"a", b"b", b"c"];
const MEMBERS: &[&[u8]] = &[
    b"",
    b"m",
    b"n",
    b"0",
    b"1",
    b"10",
    b"9",
    b"-1",
    b"-0",
    b"mm",
    b"x\x00",
    b"\xff",
    b"long-member-name-0123456789",
    b"12345678901234567890",
];
const SCORES: &[f64] = &[
    0.0,
    -0.0,
    1.0,
    -1.0,
    1.5,
    2.0,
    0.1,
    1e17,
    -1e-5,
    f64::INFINITY,
    f64::NEG_INFINITY,
    3.0,
];

type Model = BTreeMap<Vec<u8>, BTreeMap<Vec<u8>, f64>>;

#[derive(Debug, Clone)]
enum Op {
    Config(usize, usize),
    Add(
        usize,
        Vec<(f64, usize)>,
        Option<ZAddCondition>,
        Option<ZAddCompare>,
        bool,
    ),
    Incr(usize, f64, usize),
    Rem(usize, Vec<usize>),
    RemRank(usize, i64, i64),
    RemScore(usize, f64, f64, bool),
    Pop(usize, bool, usize),
    Range(usize, i64, i64, bool),
    RangeScore(usize, f64, f64, bool, Option<(i64, i64)>),
    Lex(usize, usize, usize, bool),
    Rank(usize, usize),
    Store(usize, usize, usize, u8),
    RangeStore(usize, usize, i64, i64),
}

fn sorted(z: &BTreeMap<Vec<u8>, f64>) -> Vec<(Vec<u8>, f64)> {
    let mut v: Vec<(Vec<u8>, f64)> = z.iter().map(|(m, s)| (m.clone(), *s)).collect();
    v.sort_by(|a, b| a.1.partial_cmp(&b.1).unwrap().then_with(|| a.0.cmp(&b.0)));
    v
}

fn rank_window(len: usize, start: i64, stop: i64) -> Option<(usize, usize)> {
    let n = len as i64;
    let s = if start < 0 { n + start } else { start }.max(0);
    let e = if stop < 0 { n + stop } else { stop };
    if s > e || s >= n {
        return None;
    }
    Some((s as usize, e.min(n - 1) as usize + 1))
}

fn op() -> impl Strategy<Value = Op> {
    let k = 0..KEYS.len();
    let m = 0..MEMBERS.len();
    let sc = prop::sample::select(SCORES);
    let cond = prop::option::of(prop_oneof![
        Just(ZAddCondition::Nx),
        Just(ZAddCondition::Xx)
    ]);
    let cmp = prop::option::of(prop_oneof![Just(ZAddCompare::Gt), Just(ZAddCompare::Lt)]);
    prop_oneof![
        1 => (0..6usize, prop_oneof![Just(3usize), Just(8), Just(64)]).prop_map(|(e, v)| Op::Config(e, v)),
        6 => (k.clone(), prop::collection::vec((sc.clone(), m.clone()), 1..6), cond, cmp, any::<bool>())
            .prop_map(|(k, p, c, g, ch)| Op::Add(k, p, c, g, ch)),
        2 => (k.clone(), sc.clone(), m.clone()).prop_map(|(k, s, m)| Op::Incr(k, s, m)),
        2 => (k.clone(), prop::collection::vec(m.clone(), 1..4)).prop_map(|(k, v)| Op::Rem(k, v)),
        1 => (k.clone(), -6i64..6, -6i64..6).prop_map(|(k, a, b)| Op::RemRank(k, a, b)),
        1 => (k.clone(), sc.clone(), sc.clone(), any::<bool>()).prop_map(|(k, a, b, x)| Op::RemScore(k, a, b, x)),
        1 => (k.clone(), any::<bool>(), 0..4usize).prop_map(|(k, x, c)| Op::Pop(k, x, c)),
        2 => (k.clone(), -8i64..8, -8i64..8, any::<bool>()).prop_map(|(k, a, b, r)| Op::Range(k, a, b, r)),
        2 => (k.clone(), sc.clone(), sc, any::<bool>(), prop::option::of((-1i64..4, -1i64..4)))
            .prop_map(|(k, a, b, r, l)| Op::RangeScore(k, a, b, r, l)),
        1 => (k.clone(), m.clone(), m.clone(), any::<bool>()).prop_map(|(k, a, b, r)| Op::Lex(k, a, b, r)),
        2 => (k.clone(), m).prop_map(|(k, m)| Op::Rank(k, m)),
        1 => (k.clone(), k.clone(), k.clone(), 0..3u8).prop_map(|(d, a, b, o)| Op::Store(d, a, b, o)),
        1 => (k.clone(), k, -6i64..6, -6i64..6).prop_map(|(d, s, a, b)| Op::RangeStore(d, s, a, b)),
    ]
}

/// Applies one op to both sides and compares results.
fn apply(ks: &mut Keyspace, model: &mut Model, op: &Op) {
    match op {
        Op::Config(e, v) => {
            ks.config_mut().zset_max_listpack_entries = *e;
            ks.config_mut().zset_max_listpack_value = *v;
        }
        Op::Add(k, pairs, cond, cmp, ch) => {
            let key = KEYS[*k];
            let args: Vec<(f64, &[u8])> = pairs.iter().map(|(s, m)| (*s, MEMBERS[*m])).collect();
            let opts = ZAddOptions {
                condition: *cond,
                compare: *cmp,
                ch: *ch,
            };
            let got = ks.zadd(key, &args, &opts);
            if *cond == Some(ZAddCondition::Nx) && cmp.is_some() {
                assert!(got.is_err());
                return;
            }
            let xx = *cond == Some(ZAddCondition::Xx);
            if xx && !model.contains_key(key) {
                assert_eq!(got.unwrap(), 0);
                return;
            }
            let z = model.entry(key.to_vec()).or_default();
            let (mut added, mut updated) = (0, 0);
            for (s, m) in &args {
                match z.get(*m).copied() {
                    None if !xx => {
                        z.insert(m.to_vec(), *s);
                        added += 1;
                    }
                    None => {}
                    Some(_) if *cond == Some(ZAddCondition::Nx) => {}
                    Some(cur) => {
                        let skip = match cmp {
                            Some(ZAddCompare::Gt) => *s <= cur,
                            Some(ZAddCompare::Lt) => *s >= cur,
                            None => false,
                        };
                        if !skip && *s != cur {
                            z.insert(m.to_vec(), *s);
                            updated += 1;
                        }
                    }
                }
            }
            assert_eq!(got.unwrap(), if *ch { added + updated } else { added });
        }
        Op::Incr(k, s, m) => {
            let key = KEYS[*k];
            let cur = model.get(key).and_then(|z| z.get(MEMBERS[*m]).copied());
            let sum = cur.unwrap_or(0.0) + s;
            let got = ks.zincrby(key, *s, MEMBERS[*m]);
            if sum.is_nan() {
                assert!(got.is_err());
            } else {
                // -0 and 0 compare equal: a listpack stores -0 as 0, as Redis does.
                assert_eq!(got.unwrap(), if cur.is_some() { sum } else { *s });
                model
                    .entry(key.to_vec())
                    .or_default()
                    .insert(MEMBERS[*m].to_vec(), if cur.is_some() { sum } else { *s });
            }
        }
        Op::Rem(k, ms) => {
            let key = KEYS[*k];
            let members: Vec<&[u8]> = ms.iter().map(|i| MEMBERS[*i]).collect();
            let mut n = 0;
            if let Some(z) = model.get_mut(key) {
                for m in &members {
                    n += usize::from(z.remove(*m).is_some());
                }
            }
            assert_eq!(ks.zrem(key, &members).unwrap(), n);
        }
        Op::RemRank(k, a, b) => {
            let key = KEYS[*k];
            let v = model.get(key).map(sorted).unwrap_or_default();
            let gone: Vec<_> =
                rank_window(v.len(), *a, *b).map_or_else(Vec::new, |(s, e)| v[s..e].to_vec());
            for (m, _) in &gone {
                model.get_mut(key).unwrap().remove(m);
            }
            assert_eq!(ks.zremrangebyrank(key, *a, *b).unwrap(), gone.len());
        }
        Op::RemScore(k, a, b, ex) => {
            let key = KEYS[*k];
            let r = ScoreRange {
                min: *a,
                max: *b,
                min_ex: *ex,
                max_ex: false,
            };
            let mut n = 0;
            if let Some(z) = model.get_mut(key) {
                let before = z.len();
                z.retain(|_, s| !(r.gte_min(*s) && r.lte_max(*s)));
                n = before - z.len();
            }
            assert_eq!(ks.zremrangebyscore(key, &r).unwrap(), n);
        }
        Op::Pop(k, max, c) => {
            let key = KEYS[*k];
            let mut v = model.get(key).map(sorted).unwrap_or_default();
            if *max {
                v.reverse();
            }
            v.truncate(*c);
            for (m, _) in &v {
                model.get_mut(key).unwrap().remove(m);
            }
            let got = if *max {
                ks.zpopmax(key, *c)
            } else {
                ks.zpopmin(key, *c)
            };
            assert_eq!(got.unwrap(), v);
        }
        Op::Range(k, a, b, rev) => {
            let key = KEYS[*k];
            let mut v = model.get(key).map(sorted).unwrap_or_default();
            if *rev {
                v.reverse();
            }
            let want =
                rank_window(v.len(), *a, *b).map_or_else(Vec::new, |(s, e)| v[s..e].to_vec());
            let mut spec = ZRange::by_rank(*a, *b);
            if *rev {
                spec = spec.rev();
            }
            assert_eq!(ks.zrange(key, &spec).unwrap(), want);
        }
        Op::RangeScore(k, a, b, rev, limit) => {
            let key = KEYS[*k];
            let r = ScoreRange::new(*a, *b);
            let mut v: Vec<_> = model.get(key).map(sorted).unwrap_or_default();
            v.retain(|(_, s)| r.gte_min(*s) && r.lte_max(*s));
            if *rev {
                v.reverse();
            }
            if let Some((off, cnt)) = limit {
                v = if *off < 0 {
                    Vec::new()
                } else {
                    let it = v.into_iter().skip(*off as usize);
                    if *cnt < 0 {
                        it.collect()
                    } else {
                        it.take(*cnt as usize).collect()
                    }
                };
            }
            let mut spec = ZRange::by_score(r);
            spec.rev = *rev;
            spec.limit = *limit;
            assert_eq!(ks.zrange(key, &spec).unwrap(), v);
            assert_eq!(
                ks.zcount(key, &r).unwrap(),
                model.get(key).map_or(0, |z| z
                    .values()
                    .filter(|s| r.gte_min(**s) && r.lte_max(**s))
                    .count())
            );
        }
        Op::Lex(k, a, b, rev) => {
            // Lex ranges are specified for equal scores: check on a copy of
            // the key's members, all at score 0.
            let key = KEYS[*k];
            let members: Vec<Vec<u8>> = model
                .get(key)
                .map(|z| z.keys().cloned().collect())
                .unwrap_or_default();
            let flat: Vec<(f64, &[u8])> = members.iter().map(|m| (0.0, m.as_slice())).collect();
            ks.del(&[b"lexcopy"]);
            if !flat.is_empty() {
                ks.zadd(b"lexcopy", &flat, &ZAddOptions::default()).unwrap();
            }
            let r = LexRange {
                min: LexBound::Inclusive(MEMBERS[*a].to_vec()),
                max: LexBound::Exclusive(MEMBERS[*b].to_vec()),
            };
            let mut want: Vec<(Vec<u8>, f64)> = members
                .iter()
                .filter(|m| r.gte_min(m) && r.lte_max(m))
                .map(|m| (m.clone(), 0.0))
                .collect();
            if *rev {
                want.reverse();
            }
            let mut spec = ZRange::by_lex(r.clone());
            spec.rev = *rev;
            assert_eq!(ks.zrange(b"lexcopy", &spec).unwrap(), want);
            assert_eq!(ks.zlexcount(b"lexcopy", &r).unwrap(), want.len());
            ks.del(&[b"lexcopy"]);
        }
        Op::Rank(k, m) => {
            let key = KEYS[*k];
            let v = model.get(key).map(sorted).unwrap_or_default();
            let pos = v.iter().position(|(x, _)| x == MEMBERS[*m]);
            assert_eq!(ks.zrank(key, MEMBERS[*m]).unwrap(), pos);
            assert_eq!(
                ks.zrevrank(key, MEMBERS[*m]).unwrap(),
                pos.map(|p| v.len() - 1 - p)
            );
            assert_eq!(ks.zscore(key, MEMBERS[*m]).unwrap(), pos.map(|p| v[p].1));
        }
        Op::Store(d, a, b, o) => {
            let (dst, ka, kb) = (KEYS[*d], KEYS[*a], KEYS[*b]);
            let za = model.get(ka).cloned().unwrap_or_default();
            let zb = model.get(kb).cloned().unwrap_or_default();
            let mut out = BTreeMap::new();
            let n = match o {
                0 => {
                    for z in [&za, &zb] {
                        for (m, s) in z {
                            let e = out.entry(m.clone()).or_insert(f64::NAN);
                            *e = if e.is_nan() { *s } else { *e + *s };
                            if e.is_nan() {
                                *e = 0.0;
                            }
                        }
                    }
                    let opts = SetOpOptions {
                        weights: vec![],
                        aggregate: Aggregate::Sum,
                    };
                    ks.zunionstore(dst, &[ka, kb], &opts).unwrap()
                }
                1 => {
                    for (m, s) in &za {
                        if let Some(t) = zb.get(m) {
                            out.insert(m.clone(), s.max(*t));
                        }
                    }
                    let opts = SetOpOptions {
                        weights: vec![],
                        aggregate: Aggregate::Max,
                    };
                    ks.zinterstore(dst, &[ka, kb], &opts).unwrap()
                }
                _ => {
                    if ka != kb {
                        for (m, s) in &za {
                            if !zb.contains_key(m) {
                                out.insert(m.clone(), *s);
                            }
                        }
                    }
                    ks.zdiffstore(dst, &[ka, kb]).unwrap()
                }
            };
            assert_eq!(n, out.len());
            model.insert(dst.to_vec(), out);
        }
        Op::RangeStore(d, s, a, b) => {
            let v = model.get(KEYS[*s]).map(sorted).unwrap_or_default();
            let picked: BTreeMap<Vec<u8>, f64> = rank_window(v.len(), *a, *b)
                .map_or_else(Vec::new, |(x, y)| v[x..y].to_vec())
                .into_iter()
                .collect();
            assert_eq!(
                ks.zrangestore(KEYS[*d], KEYS[*s], &ZRange::by_rank(*a, *b))
                    .unwrap(),
                picked.len()
            );
            model.insert(KEYS[*d].to_vec(), picked);
        }
    }
    model.retain(|_, z| !z.is_empty());
}

fn check_contents(ks: &mut Keyspace, model: &Model) {
    for key in KEYS {
        let want = model.get(*key).map(sorted).unwrap_or_default();
        let got = ks.zrange(key, &ZRange::by_rank(0, -1)).unwrap();
        assert_eq!(got.len(), want.len(), "{key:?}");
        for ((gm, gs), (wm, ws)) in got.iter().zip(&want) {
            assert_eq!(gm, wm);
            assert!(gs == ws, "{gm:?}: {gs} vs {ws}");
        }
        assert_eq!(ks.zcard(key).unwrap(), want.len());
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn zset_ops_match_the_model(ops in prop::collection::vec(op(), 1..60)) {
        let mut config = Config::default();
        config.zset_max_listpack_entries = 4;
        config.zset_max_listpack_value = 8;
        let mut ks = Keyspace::new(config);
        let mut model = Model::new();
        for op in &ops {
            apply(&mut ks, &mut model, op);
            ks.validate().map_err(|e| TestCaseError::fail(format!("{op:?}: {e}")))?;
            check_contents(&mut ks, &model);
        }
    }
}

/// A sorted queue by time (ZADD at the back, ZPOPMIN at the front) whose
/// members grow longer, so freed skiplist records never fit new members:
/// the accounted memory stays within a bound of a fresh load of the same
/// live members, and the contents stay exact.
#[test]
fn queue_churn_keeps_memory_bounded() {
    let member = |t: u64| format!("job:{t}:{}", "p".repeat((t / 500) as usize));
    let mut ks = Keyspace::new(Config::default());
    let opts = ZAddOptions::default();
    let (live, total) = (2_000u64, 30_000u64);
    for t in 0..total {
        let m = member(t);
        assert_eq!(
            ks.zadd(b"q", &[(t as f64, m.as_bytes())], &opts).unwrap(),
            1
        );
        if t >= live {
            let popped = ks.zpopmin(b"q", 1).unwrap();
            assert_eq!(popped[0].1, (t - live) as f64);
        }
        if t % 9_973 == 0 {
            ks.validate().unwrap();
        }
    }
    ks.validate().unwrap();
    assert_eq!(ks.zcard(b"q").unwrap(), live as usize);
    let mut fresh = Keyspace::new(Config::default());
    for t in total - live..total {
        fresh
            .zadd(b"q", &[(t as f64, member(t).as_bytes())], &opts)
            .unwrap();
    }
    let (churned, loaded) = (ks.used_memory(), fresh.used_memory());
    assert!(
        churned <= loaded * 3 / 2,
        "{churned} bytes after churn vs {loaded} loaded"
    );
    let top = ks.zrange(b"q", &ZRange::by_rank(0, 0).rev()).unwrap();
    assert_eq!(top[0].1, (total - 1) as f64);
}
