//! Model test of the typed set API: random operation sequences, with
//! `set-max-intset-entries` changed on the way, run on a [`Keyspace`] and
//! on a naive model (per key, a `BTreeSet` of members plus a "hashtable"
//! flag), comparing every result and OBJECT ENCODING, and calling
//! `Keyspace::validate` and `validate_sets` after every operation.
//!
//! The model's rules are Redis 7.0.15's: a set is created as an intset when
//! its first member is a canonical integer; adding a non-integer, or an
//! integer past the limit, converts it; nothing converts back, except that
//! SINTER/SUNION/SDIFF STORE results are built afresh (intset when all
//! integers within the limit; SDIFF's second algorithm adds the whole first
//! set before subtracting) and SPOP with a large count rebuilds the set
//! from its survivors. While intset-encoded, SMEMBERS is in numeric order.

use std::collections::{BTreeMap, BTreeSet};

use embedis::types::set::SetScanOptions;
use embedis::{Config, Encoding, Error, Keyspace};
use proptest::prelude::*;

const KEYS: &[&[u8]] = &[b"a", b"b", b"c", b"s"];
/// `s` holds a string: every set command reading it is WRONGTYPE.
const STRING_KEY: &[u8] = b"s";
const MEMBERS: &[&[u8]] = &[
    b"1",
    b"2",
    b"3",
    b"-7",
    b"40",
    b"70000",
    b"5000000000",
    b"-9223372036854775808",
    b"x",
    b"y",
    b"01",
    b"",
];

#[derive(Debug, Clone)]
enum Op {
    Add(usize, Vec<usize>),
    Rem(usize, Vec<usize>),
    Members(usize),
    IsMember(usize, usize),
    Pop(usize, usize),
    RandCount(usize, i64),
    Move(usize, usize, usize),
    Store(u8, usize, Vec<usize>),
    Read(u8, Vec<usize>),
    InterCard(Vec<usize>, usize),
    Scan(usize, usize),
    Limit(usize),
}

fn op() -> impl Strategy<Value = Op> {
    let key = 0..KEYS.len();
    let member = 0..MEMBERS.len();
    let keys = prop::collection::vec(key.clone(), 1..4);
    prop_oneof![
        8 => (key.clone(), prop::collection::vec(member.clone(), 1..6)).prop_map(|(k, m)| Op::Add(k, m)),
        3 => (key.clone(), prop::collection::vec(member.clone(), 1..4)).prop_map(|(k, m)| Op::Rem(k, m)),
        2 => key.clone().prop_map(Op::Members),
        2 => (key.clone(), member.clone()).prop_map(|(k, m)| Op::IsMember(k, m)),
        2 => (key.clone(), 0usize..8).prop_map(|(k, c)| Op::Pop(k, c)),
        1 => (key.clone(), -8i64..8).prop_map(|(k, c)| Op::RandCount(k, c)),
        2 => (key.clone(), key.clone(), member).prop_map(|(s, d, m)| Op::Move(s, d, m)),
        3 => (0u8..3, 0..KEYS.len() - 1, keys.clone()).prop_map(|(o, d, k)| Op::Store(o, d, k)),
        2 => (0u8..3, keys.clone()).prop_map(|(o, k)| Op::Read(o, k)),
        1 => (keys, 0usize..3).prop_map(|(k, l)| Op::InterCard(k, l)),
        1 => (key, 1usize..4).prop_map(|(k, c)| Op::Scan(k, c)),
        1 => (0usize..8).prop_map(Op::Limit),
    ]
}

#[derive(Debug, Clone, Default)]
struct ModelSet {
    members: BTreeSet<Vec<u8>>,
    table: bool,
}

fn int(m: &[u8]) -> Option<i64> {
    embedis::util::num::parse_i64(m)
}

fn all_int(s: &BTreeSet<Vec<u8>>) -> bool {
    s.iter().all(|m| int(m).is_some())
}

/// A set built member by member into a fresh intset.
fn fresh(members: BTreeSet<Vec<u8>>, limit: usize) -> ModelSet {
    let table = !all_int(&members) || members.len() > limit;
    ModelSet { members, table }
}

#[derive(Debug)]
struct Model {
    sets: BTreeMap<Vec<u8>, ModelSet>,
    limit: usize,
}

impl Model {
    fn add(&mut self, key: &[u8], ms: &[&[u8]]) -> usize {
        let limit = self.limit;
        let set = self.sets.entry(key.to_vec()).or_insert_with(|| ModelSet {
            members: BTreeSet::new(),
            table: int(ms[0]).is_none(),
        });
        let mut added = 0;
        for m in ms {
            if set.members.insert(m.to_vec()) {
                added += 1;
                if int(m).is_none() || set.members.len() > limit {
                    set.table = true;
                }
            }
        }
        added
    }

    fn remove_emptied(&mut self, key: &[u8]) {
        if self.sets.get(key).is_some_and(|s| s.members.is_empty()) {
            self.sets.remove(key);
        }
    }

    fn get(&self, key: &[u8]) -> BTreeSet<Vec<u8>> {
        self.sets
            .get(key)
            .map(|s| s.members.clone())
            .unwrap_or_default()
    }

    fn sizes(&self, keys: &[&[u8]]) -> Vec<usize> {
        keys.iter().map(|k| self.get(k).len()).collect()
    }

    /// The result of SINTER (0), SUNION (1) or SDIFF (2) as a fresh set.
    fn compute(&self, op: u8, keys: &[&[u8]]) -> Option<ModelSet> {
        let sets: Vec<_> = keys.iter().map(|k| self.get(k)).collect();
        let limit = self.limit;
        let result: BTreeSet<Vec<u8>> = match op {
            0 => sets[0]
                .iter()
                .filter(|m| sets[1..].iter().all(|s| s.contains(*m)))
                .cloned()
                .collect(),
            1 => sets.iter().flatten().cloned().collect(),
            _ => sets[0]
                .iter()
                .filter(|m| sets[1..].iter().all(|s| !s.contains(*m)))
                .cloned()
                .collect(),
        };
        if result.is_empty() {
            return None;
        }
        let mut out = fresh(result, limit);
        if op == 2 && !keys[1..].contains(&keys[0]) {
            let sizes = self.sizes(keys);
            let present: Vec<usize> = sizes.iter().copied().filter(|&n| n > 0).collect();
            let work_one = sizes[0] * present.len() / 2;
            let work_two: usize = present.iter().sum();
            if work_one > work_two {
                out.table = fresh(sets[0].clone(), limit).table;
            }
        }
        Some(out)
    }
}

fn encoding(ks: &mut Keyspace, key: &[u8]) -> Option<Encoding> {
    ks.object_encoding(key)
}

fn check_state(ks: &mut Keyspace, model: &Model) -> Result<(), TestCaseError> {
    ks.validate().map_err(TestCaseError::fail)?;
    ks.validate_sets().map_err(TestCaseError::fail)?;
    for key in &KEYS[..3] {
        let want = model.sets.get(*key).map(|s| {
            if s.table {
                Encoding::Hashtable
            } else {
                Encoding::Intset
            }
        });
        prop_assert_eq!(encoding(ks, key), want, "encoding of {:?}", key);
        prop_assert_eq!(ks.scard(key).unwrap(), model.get(key).len());
    }
    Ok(())
}

fn as_set(v: Vec<Vec<u8>>) -> BTreeSet<Vec<u8>> {
    v.into_iter().collect()
}

/// Members in intset order: ascending integers.
fn numeric(s: &BTreeSet<Vec<u8>>) -> Vec<Vec<u8>> {
    let mut v: Vec<_> = s.iter().cloned().collect();
    v.sort_by_key(|m| int(m));
    v
}

fn run(ks: &mut Keyspace, model: &mut Model, op: &Op) -> Result<(), TestCaseError> {
    let key = |i: &usize| KEYS[*i];
    let members = |v: &[usize]| v.iter().map(|&i| MEMBERS[i]).collect::<Vec<_>>();
    match op {
        Op::Add(k, m) => {
            let got = ks.sadd(key(k), &members(m));
            if key(k) == STRING_KEY {
                prop_assert_eq!(got, Err(Error::WrongType));
            } else {
                prop_assert_eq!(got.unwrap(), model.add(key(k), &members(m)));
            }
        }
        Op::Rem(k, m) => {
            let got = ks.srem(key(k), &members(m));
            if key(k) == STRING_KEY {
                prop_assert_eq!(got, Err(Error::WrongType));
            } else {
                let mut n = 0;
                if let Some(s) = model.sets.get_mut(key(k)) {
                    n = members(m).iter().filter(|x| s.members.remove(**x)).count();
                }
                model.remove_emptied(key(k));
                prop_assert_eq!(got.unwrap(), n);
            }
        }
        Op::Members(k) => {
            let got = ks.smembers(key(k));
            match model.sets.get(key(k)) {
                _ if key(k) == STRING_KEY => prop_assert_eq!(got, Err(Error::WrongType)),
                Some(s) if !s.table => prop_assert_eq!(got.unwrap(), numeric(&s.members)),
                _ => prop_assert_eq!(as_set(got.unwrap()), model.get(key(k))),
            }
        }
        Op::IsMember(k, m) => {
            if key(k) != STRING_KEY {
                let want = model.get(key(k)).contains(MEMBERS[*m]);
                prop_assert_eq!(ks.sismember(key(k), MEMBERS[*m]).unwrap(), want);
            }
        }
        Op::Pop(k, c) => pop(ks, model, key(k), *c)?,
        Op::RandCount(k, c) => {
            if key(k) != STRING_KEY {
                let all = model.get(key(k));
                let got = ks.srandmember_count(key(k), *c).unwrap();
                let want_len = if all.is_empty() {
                    0
                } else if *c < 0 {
                    c.unsigned_abs() as usize
                } else {
                    (*c as usize).min(all.len())
                };
                prop_assert_eq!(got.len(), want_len);
                prop_assert!(got.iter().all(|m| all.contains(m)));
                if *c > 0 {
                    prop_assert_eq!(as_set(got).len(), want_len);
                }
            }
        }
        Op::Move(s, d, m) => {
            let (src, dst, m) = (key(s), key(d), MEMBERS[*m]);
            let got = ks.smove(src, dst, m);
            if !model.sets.contains_key(src) && src != STRING_KEY {
                prop_assert_eq!(got.unwrap(), false);
            } else if src == STRING_KEY || dst == STRING_KEY {
                prop_assert_eq!(got, Err(Error::WrongType));
            } else if src == dst {
                prop_assert_eq!(got.unwrap(), model.get(src).contains(m));
            } else {
                let had = model.sets.get_mut(src).unwrap().members.remove(m);
                prop_assert_eq!(got.unwrap(), had);
                if had {
                    model.remove_emptied(src);
                    model.add(dst, &[m]);
                }
            }
        }
        _ => return run_multi(ks, model, op),
    }
    Ok(())
}

/// The operations over several keys (STORE, SINTER/SUNION/SDIFF,
/// SINTERCARD), SSCAN and limit changes.
fn run_multi(ks: &mut Keyspace, model: &mut Model, op: &Op) -> Result<(), TestCaseError> {
    let key = |i: &usize| KEYS[*i];
    let keys = |v: &[usize]| v.iter().map(key).collect::<Vec<_>>();
    let wrong = |ks_keys: &[&[u8]]| ks_keys.contains(&STRING_KEY);
    match op {
        Op::Store(o, d, ks_) => {
            let (dst, srcs) = (key(d), keys(ks_));
            let got = match o {
                0 => ks.sinterstore(dst, &srcs),
                1 => ks.sunionstore(dst, &srcs),
                _ => ks.sdiffstore(dst, &srcs),
            };
            if wrong(&srcs) {
                prop_assert_eq!(got, Err(Error::WrongType));
            } else {
                let result = model.compute(*o, &srcs);
                prop_assert_eq!(got.unwrap(), result.as_ref().map_or(0, |r| r.members.len()));
                match result {
                    Some(r) => {
                        model.sets.insert(dst.to_vec(), r);
                    }
                    None => {
                        model.sets.remove(dst);
                    }
                }
            }
        }
        Op::Read(o, ks_) => {
            let srcs = keys(ks_);
            let got = match o {
                0 => ks.sinter(&srcs),
                1 => ks.sunion(&srcs),
                _ => ks.sdiff(&srcs),
            };
            if wrong(&srcs) {
                prop_assert_eq!(got, Err(Error::WrongType));
            } else {
                let got = got.unwrap();
                match model.compute(*o, &srcs) {
                    None => prop_assert!(got.is_empty()),
                    Some(r) if !r.table && *o != 0 => {
                        prop_assert_eq!(got, numeric(&r.members));
                    }
                    Some(r) => prop_assert_eq!(as_set(got), r.members),
                }
            }
        }
        Op::InterCard(ks_, limit) => {
            let srcs = keys(ks_);
            let got = ks.sintercard(&srcs, *limit);
            if wrong(&srcs) {
                prop_assert_eq!(got, Err(Error::WrongType));
            } else {
                let n = model.compute(0, &srcs).map_or(0, |r| r.members.len());
                let want = if *limit == 0 { n } else { n.min(*limit) };
                prop_assert_eq!(got.unwrap(), want);
            }
        }
        Op::Scan(k, count) => {
            if key(k) != STRING_KEY {
                let opts = SetScanOptions {
                    pattern: None,
                    count: *count,
                };
                let mut seen = BTreeSet::new();
                let mut cursor = 0;
                loop {
                    let (next, found) = ks.sscan(key(k), cursor, &opts).unwrap();
                    seen.extend(found);
                    if next == 0 {
                        break;
                    }
                    cursor = next;
                }
                prop_assert_eq!(seen, model.get(key(k)));
            }
        }
        Op::Limit(n) => {
            ks.config_mut().set_max_intset_entries = *n;
            model.limit = *n;
        }
        _ => unreachable!("handled by run"),
    }
    Ok(())
}

fn pop(
    ks: &mut Keyspace,
    model: &mut Model,
    key: &[u8],
    count: usize,
) -> Result<(), TestCaseError> {
    if key == STRING_KEY {
        prop_assert_eq!(ks.spop_count(key, count), Err(Error::WrongType));
        return Ok(());
    }
    let before = model.get(key);
    let got = ks.spop_count(key, count).unwrap();
    prop_assert_eq!(got.len(), count.min(before.len()));
    let popped = as_set(got);
    prop_assert_eq!(popped.len(), count.min(before.len()));
    prop_assert!(popped.is_subset(&before));
    if popped.is_empty() {
        return Ok(());
    }
    let limit = model.limit;
    let set = model.sets.get_mut(key).unwrap();
    set.members.retain(|m| !popped.contains(m));
    let remaining = set.members.len();
    if remaining > 0 && remaining * 5 <= count {
        set.table = fresh(set.members.clone(), limit).table;
    }
    model.remove_emptied(key);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn sets_follow_the_model(ops in prop::collection::vec(op(), 1..80)) {
        let mut config = Config::default();
        config.set_max_intset_entries = 4;
        let mut ks = Keyspace::new(config);
        ks.set(STRING_KEY, b"v", &Default::default()).unwrap();
        let mut model = Model { sets: BTreeMap::new(), limit: 4 };
        for op in &ops {
            run(&mut ks, &mut model, op)?;
            check_state(&mut ks, &model)?;
        }
    }
}
