//! Model test of the typed hash API: random operation sequences, with the
//! conversion thresholds changed on the way, run on a [`Keyspace`] and on a
//! naive model (per key, the pairs in listpack order plus a "converted"
//! flag), comparing every result, OBJECT ENCODING, and calling
//! `Keyspace::validate` and `validate_hashes` after every operation.
//!
//! The model's rules are Redis 7.0.15's: HSET converts up front when any
//! argument is longer than the value limit; every single field write
//! converts when its field or value is too long, and afterwards when the
//! field count passes the entries limit; nothing converts back; the last
//! HDEL deletes the key. While listpack-encoded, HGETALL lists pairs in
//! insertion order (updates keep their place).

use std::collections::{BTreeMap, BTreeSet};

use embedis::types::hash::HashScanOptions;
use embedis::{Config, Encoding, Error, Keyspace};
use proptest::prelude::*;

const KEYS: &[&[u8]] = &[b"h", b"g", b"s"];
/// `s` holds a string: every hash command on it is WRONGTYPE.
const STRING_KEY: &[u8] = b"s";
const FIELDS: &[&[u8]] = &[
    b"a",
    b"b",
    b"c",
    b"d",
    b"e",
    b"f",
    b"1",
    b"-2",
    b"",
    b"long-field",
];
const VALUES: &[&[u8]] = &[
    b"",
    b"v",
    b"0",
    b"7",
    b"-3",
    b"01",
    b"x y",
    b"12345678",
    b"\x00\xff",
];

#[derive(Debug, Clone)]
enum Op {
    Set(usize, Vec<(usize, usize)>),
    SetNx(usize, usize, usize),
    Del(usize, Vec<usize>),
    IncrBy(usize, usize, i64),
    IncrByFloat(usize, usize, i64),
    Get(usize, usize),
    StrLen(usize, usize),
    GetAll(usize),
    RandCount(usize, i64),
    Scan(usize, usize),
    Limits(usize, usize),
}

fn op() -> impl Strategy<Value = Op> {
    let key = 0..KEYS.len();
    let field = 0..FIELDS.len();
    let value = 0..VALUES.len();
    prop_oneof![
        6 => (key.clone(), prop::collection::vec((field.clone(), value.clone()), 1..5))
            .prop_map(|(k, p)| Op::Set(k, p)),
        2 => (key.clone(), field.clone(), value).prop_map(|(k, f, v)| Op::SetNx(k, f, v)),
        3 => (key.clone(), prop::collection::vec(field.clone(), 1..4)).prop_map(|(k, f)| Op::Del(k, f)),
        2 => (key.clone(), field.clone(), -20i64..20).prop_map(|(k, f, n)| Op::IncrBy(k, f, n)),
        1 => (key.clone(), field.clone(), -20i64..20).prop_map(|(k, f, n)| Op::IncrByFloat(k, f, n)),
        2 => (key.clone(), field.clone()).prop_map(|(k, f)| Op::Get(k, f)),
        1 => (key.clone(), field).prop_map(|(k, f)| Op::StrLen(k, f)),
        2 => key.clone().prop_map(Op::GetAll),
        1 => (key.clone(), -12i64..12).prop_map(|(k, n)| Op::RandCount(k, n)),
        1 => (key, 1usize..4).prop_map(|(k, c)| Op::Scan(k, c)),
        1 => (0usize..7, 0usize..10).prop_map(|(e, v)| Op::Limits(e, v)),
    ]
}

/// One model hash: pairs in listpack order and whether it was converted.
#[derive(Debug, Default, Clone)]
struct ModelHash {
    pairs: Vec<(Vec<u8>, Vec<u8>)>,
    table: bool,
}

struct Model {
    hashes: BTreeMap<Vec<u8>, ModelHash>,
    entries: usize,
    value: usize,
}

impl Model {
    /// Redis's `hashTypeSet` on the model; true when the field is new.
    fn set_one(&self, h: &mut ModelHash, f: &[u8], v: &[u8]) -> bool {
        if f.len() > self.value || v.len() > self.value {
            h.table = true;
        }
        let new = match h.pairs.iter_mut().find(|(k, _)| k == f) {
            Some(pair) => {
                pair.1 = v.to_vec();
                false
            }
            None => {
                h.pairs.push((f.to_vec(), v.to_vec()));
                true
            }
        };
        if h.pairs.len() > self.entries {
            h.table = true;
        }
        new
    }

    fn get(&self, key: &[u8], f: &[u8]) -> Option<Vec<u8>> {
        let h = self.hashes.get(key)?;
        h.pairs.iter().find(|(k, _)| k == f).map(|(_, v)| v.clone())
    }
}

/// Redis's strict integer syntax (no `-0`, no leading zeros or signs).
fn strict_int(v: &[u8]) -> Option<i64> {
    let s = std::str::from_utf8(v).ok()?;
    let n: i64 = s.parse().ok()?;
    (n.to_string() == s).then_some(n)
}

fn run(ks: &mut Keyspace, m: &mut Model, op: &Op) -> Result<(), TestCaseError> {
    let wrong = |k: usize| KEYS[k] == STRING_KEY;
    match op {
        Op::Set(k, pairs) => {
            let args: Vec<(&[u8], &[u8])> =
                pairs.iter().map(|&(f, v)| (FIELDS[f], VALUES[v])).collect();
            let got = ks.hset(KEYS[*k], &args);
            if wrong(*k) {
                prop_assert_eq!(got, Err(Error::WrongType));
                return Ok(());
            }
            let mut h = m.hashes.remove(KEYS[*k]).unwrap_or_default();
            if args
                .iter()
                .any(|(f, v)| f.len() > m.value || v.len() > m.value)
            {
                h.table = true;
            }
            let created = args.iter().filter(|(f, v)| m.set_one(&mut h, f, v)).count();
            m.hashes.insert(KEYS[*k].to_vec(), h);
            prop_assert_eq!(got, Ok(created));
        }
        Op::SetNx(k, f, v) => {
            let got = ks.hsetnx(KEYS[*k], FIELDS[*f], VALUES[*v]);
            if wrong(*k) {
                prop_assert_eq!(got, Err(Error::WrongType));
                return Ok(());
            }
            let mut h = m.hashes.remove(KEYS[*k]).unwrap_or_default();
            let exists = h.pairs.iter().any(|(x, _)| x == FIELDS[*f]);
            if !exists {
                m.set_one(&mut h, FIELDS[*f], VALUES[*v]);
            }
            m.hashes.insert(KEYS[*k].to_vec(), h);
            prop_assert_eq!(got, Ok(!exists));
        }
        Op::Del(k, fields) => {
            let fs: Vec<&[u8]> = fields.iter().map(|&f| FIELDS[f]).collect();
            let got = ks.hdel(KEYS[*k], &fs);
            if wrong(*k) {
                prop_assert_eq!(got, Err(Error::WrongType));
                return Ok(());
            }
            let mut n = 0;
            if let Some(h) = m.hashes.get_mut(KEYS[*k]) {
                for f in &fs {
                    if let Some(i) = h.pairs.iter().position(|(x, _)| x == f) {
                        h.pairs.remove(i);
                        n += 1;
                    }
                }
                if h.pairs.is_empty() {
                    m.hashes.remove(KEYS[*k]);
                }
            }
            prop_assert_eq!(got, Ok(n));
        }
        Op::IncrBy(k, f, by) | Op::IncrByFloat(k, f, by) => {
            let float = matches!(op, Op::IncrByFloat(..));
            let (key, field) = (KEYS[*k], FIELDS[*f]);
            let got = if float {
                ks.hincrbyfloat(key, field, by.to_string().as_bytes())
            } else {
                ks.hincrby(key, field, *by)
                    .map(|n| n.to_string().into_bytes())
            };
            if wrong(*k) {
                prop_assert_eq!(got, Err(Error::WrongType));
                return Ok(());
            }
            let current = m.get(key, field);
            // Values here are short: as floats, exactly the strict
            // integers plus "01" (string2ld accepts leading zeros).
            let parsed = match &current {
                None => Some(0),
                Some(v) if float && v.as_slice() == b"01" => Some(1),
                Some(v) => strict_int(v),
            };
            let Some(cur) = parsed else {
                let text = if float {
                    "ERR hash value is not a float"
                } else {
                    "ERR hash value is not an integer"
                };
                prop_assert_eq!(got, Err(Error::other(text)));
                return Ok(());
            };
            let new = (cur + by).to_string().into_bytes();
            let mut h = m.hashes.remove(key).unwrap_or_default();
            m.set_one(&mut h, field, &new);
            m.hashes.insert(key.to_vec(), h);
            prop_assert_eq!(got, Ok(new));
        }
        Op::Get(k, f) => {
            let got = ks.hget(KEYS[*k], FIELDS[*f]);
            if wrong(*k) {
                prop_assert_eq!(got, Err(Error::WrongType));
            } else {
                prop_assert_eq!(got, Ok(m.get(KEYS[*k], FIELDS[*f])));
                prop_assert_eq!(
                    ks.hexists(KEYS[*k], FIELDS[*f]),
                    Ok(m.get(KEYS[*k], FIELDS[*f]).is_some())
                );
            }
        }
        Op::StrLen(k, f) => {
            let got = ks.hstrlen(KEYS[*k], FIELDS[*f]);
            if wrong(*k) {
                prop_assert_eq!(got, Err(Error::WrongType));
            } else {
                prop_assert_eq!(got, Ok(m.get(KEYS[*k], FIELDS[*f]).map_or(0, |v| v.len())));
            }
        }
        Op::GetAll(k) => {
            let got = ks.hgetall(KEYS[*k]);
            if wrong(*k) {
                prop_assert_eq!(got, Err(Error::WrongType));
                return Ok(());
            }
            let got = got.unwrap();
            match m.hashes.get(KEYS[*k]) {
                None => prop_assert!(got.is_empty()),
                Some(h) if !h.table => prop_assert_eq!(&got, &h.pairs),
                Some(h) => {
                    let a: BTreeSet<_> = got.iter().collect();
                    let b: BTreeSet<_> = h.pairs.iter().collect();
                    prop_assert_eq!(a, b);
                    prop_assert_eq!(got.len(), h.pairs.len());
                }
            }
            let keys = ks.hkeys(KEYS[*k]).unwrap();
            prop_assert_eq!(keys, got.iter().map(|(f, _)| f.clone()).collect::<Vec<_>>());
            prop_assert_eq!(ks.hlen(KEYS[*k]).unwrap(), got.len());
        }
        Op::RandCount(k, n) => {
            let got = ks.hrandfield_withvalues(KEYS[*k], *n);
            if wrong(*k) {
                prop_assert_eq!(got, Err(Error::WrongType));
                return Ok(());
            }
            let got = got.unwrap();
            let len = m.hashes.get(KEYS[*k]).map_or(0, |h| h.pairs.len());
            let want = if *n < 0 && len > 0 {
                n.unsigned_abs() as usize
            } else {
                (*n).max(0) as usize
            };
            prop_assert_eq!(got.len(), want.min(if *n < 0 { usize::MAX } else { len }));
            for (f, v) in &got {
                prop_assert_eq!(m.get(KEYS[*k], f), Some(v.clone()));
            }
            if *n >= 0 {
                let uniq: BTreeSet<_> = got.iter().map(|(f, _)| f).collect();
                prop_assert_eq!(uniq.len(), got.len());
            }
        }
        Op::Scan(k, count) => {
            let opts = HashScanOptions {
                count: *count,
                ..HashScanOptions::default()
            };
            let mut seen = BTreeMap::new();
            let mut cursor = 0;
            loop {
                let got = ks.hscan(KEYS[*k], cursor, &opts);
                if wrong(*k) {
                    prop_assert_eq!(got, Err(Error::WrongType));
                    return Ok(());
                }
                let (next, pairs) = got.unwrap();
                seen.extend(pairs);
                if next == 0 {
                    break;
                }
                cursor = next;
            }
            let want: BTreeMap<_, _> = m
                .hashes
                .get(KEYS[*k])
                .map(|h| h.pairs.iter().cloned().collect())
                .unwrap_or_default();
            prop_assert_eq!(seen, want);
        }
        Op::Limits(entries, value) => {
            ks.config_mut().hash_max_listpack_entries = *entries;
            ks.config_mut().hash_max_listpack_value = *value;
            m.entries = *entries;
            m.value = *value;
        }
    }
    Ok(())
}

fn check_encodings(ks: &mut Keyspace, m: &Model) -> Result<(), TestCaseError> {
    for key in KEYS.iter().filter(|k| **k != STRING_KEY) {
        let want = m.hashes.get(*key).map(|h| {
            if h.table {
                Encoding::Hashtable
            } else {
                Encoding::Listpack
            }
        });
        prop_assert_eq!(ks.object_encoding(key), want, "key {:?}", key);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn hashes_follow_the_model(
        entries in 0usize..7,
        value in 0usize..10,
        ops in prop::collection::vec(op(), 1..60),
    ) {
        let mut config = Config::default();
        config.hash_max_listpack_entries = entries;
        config.hash_max_listpack_value = value;
        let mut ks = Keyspace::new(config);
        ks.set(STRING_KEY, b"str", &Default::default()).unwrap();
        let mut m = Model { hashes: BTreeMap::new(), entries, value };
        for op in &ops {
            run(&mut ks, &mut m, op)?;
            ks.validate().map_err(TestCaseError::fail)?;
            ks.validate_hashes().map_err(TestCaseError::fail)?;
            check_encodings(&mut ks, &m)?;
        }
    }
}
