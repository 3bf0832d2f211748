//! Model test of the typed list API: random operation sequences on two list
//! keys run against a [`Keyspace`] and a `VecDeque` model per key, comparing
//! every result. After every operation each list's quicklist is checked:
//! no empty node, a valid listpack per node, counts that agree, nodes
//! within the fill factor (until an LSET, which Redis lets overflow a node),
//! and, with `list-compress-depth` 1 or 2, compressed nodes that expand to
//! valid listpacks, raw nodes within the depth of each end, and no deep
//! node left raw that compression would shrink.
//!
//! The model's rules are Redis 7.0.15's list semantics written from its
//! documented behaviour: empty lists disappear, LRANGE clips, LREM counts
//! from the tail when negative, LINSERT uses the first pivot from the head.

use std::collections::{BTreeMap, VecDeque};

use embedis::types::list::{End, LposOptions};
use embedis::{Config, Keyspace};
use proptest::prelude::*;

const KEYS: &[&[u8]] = &[b"a", b"b"];

#[derive(Debug, Clone)]
enum Op {
    Push(usize, End, Vec<Vec<u8>>),
    PushX(usize, End, Vec<u8>),
    Pop(usize, End, Option<usize>),
    Index(usize, i64),
    Set(usize, i64, Vec<u8>),
    Range(usize, i64, i64),
    Trim(usize, i64, i64),
    Rem(usize, i64, Vec<u8>),
    Insert(usize, bool, Vec<u8>, Vec<u8>),
    Pos(usize, Vec<u8>, i64, usize, usize),
    Move(usize, usize, End, End),
    Mpop(End, usize),
}

fn value() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        4 => prop::sample::select(vec![&b"a"[..], b"b", b"1", b"-7", b"300", b"01", b""]).prop_map(<[u8]>::to_vec),
        1 => (0usize..600).prop_map(|n| vec![b'x'; n]),
        1 => any::<i64>().prop_map(|v| v.to_string().into_bytes()),
    ]
}

fn end() -> impl Strategy<Value = End> {
    prop_oneof![Just(End::Left), Just(End::Right)]
}

fn op() -> impl Strategy<Value = Op> {
    let k = 0..KEYS.len();
    let idx = -12i64..12;
    prop_oneof![
        6 => (k.clone(), end(), prop::collection::vec(value(), 1..6)).prop_map(|(k, e, v)| Op::Push(k, e, v)),
        1 => (k.clone(), end(), value()).prop_map(|(k, e, v)| Op::PushX(k, e, v)),
        2 => (k.clone(), end(), prop::option::of(0usize..5)).prop_map(|(k, e, c)| Op::Pop(k, e, c)),
        1 => (k.clone(), idx.clone()).prop_map(|(k, i)| Op::Index(k, i)),
        1 => (k.clone(), idx.clone(), value()).prop_map(|(k, i, v)| Op::Set(k, i, v)),
        1 => (k.clone(), idx.clone(), idx.clone()).prop_map(|(k, a, b)| Op::Range(k, a, b)),
        1 => (k.clone(), -3i64..3, -20i64..20).prop_map(|(k, a, b)| Op::Trim(k, a, b)),
        1 => (k.clone(), -3i64..3, value()).prop_map(|(k, c, v)| Op::Rem(k, c, v)),
        4 => (k.clone(), any::<bool>(), value(), value()).prop_map(|(k, a, p, v)| Op::Insert(k, a, p, v)),
        1 => (k.clone(), value(), prop_oneof![-3i64..0, 1i64..4], 0usize..3, 0usize..8)
            .prop_map(|(k, v, r, c, m)| Op::Pos(k, v, r, c, m)),
        1 => (k.clone(), k, end(), end()).prop_map(|(a, b, f, t)| Op::Move(a, b, f, t)),
        1 => (end(), 1usize..4).prop_map(|(e, c)| Op::Mpop(e, c)),
    ]
}

/// LRANGE index rules on a model list.
fn clamp(len: usize, start: i64, stop: i64) -> Option<(usize, usize)> {
    let n = len as i64;
    let s = if start < 0 { start + n } else { start }.max(0);
    let e = if stop < 0 { stop + n } else { stop }.min(n - 1);
    (s <= e && s < n).then(|| (s as usize, (e - s + 1) as usize))
}

fn matches(elem: &[u8], needle: &[u8]) -> bool {
    elem == needle
}

struct Model {
    lists: BTreeMap<usize, VecDeque<Vec<u8>>>,
    replaced: [bool; 2],
}

impl Model {
    fn list(&mut self, k: usize) -> &mut VecDeque<Vec<u8>> {
        self.lists.entry(k).or_default()
    }

    fn tidy(&mut self) {
        self.lists.retain(|_, l| !l.is_empty());
    }

    fn pop(&mut self, k: usize, e: End) -> Option<Vec<u8>> {
        let l = self.list(k);
        match e {
            End::Left => l.pop_front(),
            End::Right => l.pop_back(),
        }
    }

    fn push(&mut self, k: usize, e: End, v: Vec<u8>) {
        let l = self.list(k);
        match e {
            End::Left => l.push_front(v),
            End::Right => l.push_back(v),
        }
    }
}

fn apply(ks: &mut Keyspace, m: &mut Model, op: &Op) {
    match op.clone() {
        Op::Push(k, e, vs) => {
            let refs: Vec<&[u8]> = vs.iter().map(Vec::as_slice).collect();
            let got = match e {
                End::Left => ks.lpush(KEYS[k], &refs),
                End::Right => ks.rpush(KEYS[k], &refs),
            };
            for v in vs {
                m.push(k, e, v);
            }
            assert_eq!(got, Ok(m.list(k).len()));
        }
        Op::PushX(k, e, v) => {
            let exists = m.lists.contains_key(&k);
            let got = match e {
                End::Left => ks.lpushx(KEYS[k], &[&v]),
                End::Right => ks.rpushx(KEYS[k], &[&v]),
            };
            let want = if exists {
                m.push(k, e, v);
                m.list(k).len()
            } else {
                0
            };
            assert_eq!(got, Ok(want));
        }
        Op::Pop(k, e, count) => {
            let exists = m.lists.contains_key(&k);
            let got = match e {
                End::Left => ks.lpop(KEYS[k], count),
                End::Right => ks.rpop(KEYS[k], count),
            };
            let want = exists.then(|| {
                let n = count.unwrap_or(1);
                (0..n).map_while(|_| m.pop(k, e)).collect::<Vec<_>>()
            });
            assert_eq!(got, Ok(want));
        }
        Op::Index(k, i) => {
            let l = m.list(k);
            let n = l.len() as i64;
            let j = if i < 0 { i + n } else { i };
            let want = (0..n).contains(&j).then(|| l[j as usize].clone());
            assert_eq!(ks.lindex(KEYS[k], i), Ok(want));
        }
        Op::Set(k, i, v) => {
            let exists = m.lists.contains_key(&k);
            let l = m.list(k);
            let n = l.len() as i64;
            let j = if i < 0 { i + n } else { i };
            let got = ks.lset(KEYS[k], i, &v);
            if !exists {
                assert_eq!(got, Err(embedis::Error::NoSuchKey));
            } else if (0..n).contains(&j) {
                l[j as usize] = v;
                assert_eq!(got, Ok(()));
                m.replaced[k] = true;
            } else {
                assert_eq!(got, Err(embedis::Error::IndexOutOfRange));
            }
        }
        Op::Range(k, a, b) => {
            let l = m.list(k);
            let want: Vec<Vec<u8>> = clamp(l.len(), a, b)
                .map(|(s, n)| l.iter().skip(s).take(n).cloned().collect())
                .unwrap_or_default();
            assert_eq!(ks.lrange(KEYS[k], a, b), Ok(want));
        }
        Op::Trim(k, a, b) => {
            let l = m.list(k);
            *l = clamp(l.len(), a, b)
                .map(|(s, n)| l.iter().skip(s).take(n).cloned().collect())
                .unwrap_or_default();
            assert_eq!(ks.ltrim(KEYS[k], a, b), Ok(()));
        }
        Op::Rem(k, c, v) => {
            let l = m.list(k);
            let limit = if c == 0 {
                usize::MAX
            } else {
                c.unsigned_abs() as usize
            };
            let mut removed = 0;
            let mut keep: Vec<Option<Vec<u8>>> = l.drain(..).map(Some).collect();
            let order: Vec<usize> = if c < 0 {
                (0..keep.len()).rev().collect()
            } else {
                (0..keep.len()).collect()
            };
            for i in order {
                if removed < limit && matches(keep[i].as_ref().unwrap(), &v) {
                    keep[i] = None;
                    removed += 1;
                }
            }
            l.extend(keep.into_iter().flatten());
            assert_eq!(ks.lrem(KEYS[k], c, &v), Ok(removed));
        }
        Op::Insert(k, after, pivot, v) => {
            let exists = m.lists.contains_key(&k);
            let l = m.list(k);
            let want = match l.iter().position(|e| matches(e, &pivot)) {
                _ if !exists => 0,
                None => -1,
                Some(i) => {
                    l.insert(i + usize::from(after), v.clone());
                    l.len() as i64
                }
            };
            assert_eq!(ks.linsert(KEYS[k], after, &pivot, &v), Ok(want));
        }
        Op::Pos(k, v, rank, count, maxlen) => {
            let l = m.list(k);
            let n = l.len();
            let scan = if maxlen == 0 { n } else { maxlen.min(n) };
            let idx: Vec<usize> = if rank > 0 {
                (0..scan).collect()
            } else {
                (0..scan).map(|i| n - 1 - i).collect()
            };
            let hits: Vec<usize> = idx
                .into_iter()
                .filter(|&i| matches(&l[i], &v))
                .skip(rank.unsigned_abs() as usize - 1)
                .collect();
            let want: Vec<usize> = if count == 0 {
                hits
            } else {
                hits.into_iter().take(count).collect()
            };
            let opts = LposOptions {
                rank,
                count,
                maxlen,
            };
            assert_eq!(ks.lpos(KEYS[k], &v, opts), Ok(want));
        }
        Op::Move(a, b, f, t) => {
            let want = if m.lists.contains_key(&a) {
                let v = m.pop(a, f).unwrap();
                m.push(b, t, v.clone());
                Some(v)
            } else {
                None
            };
            assert_eq!(ks.lmove(KEYS[a], KEYS[b], f, t), Ok(want));
        }
        Op::Mpop(e, c) => {
            let first = (0..KEYS.len()).find(|k| m.lists.contains_key(k));
            let want = first.map(|k| {
                let vs: Vec<Vec<u8>> = (0..c).map_while(|_| m.pop(k, e)).collect();
                (KEYS[k].to_vec(), vs)
            });
            assert_eq!(ks.lmpop(KEYS, e, c), Ok(want));
        }
    }
    m.tidy();
}

fn check(ks: &mut Keyspace, m: &Model, fill: i64, depth: usize) -> usize {
    let mut packed = 0;
    for (k, key) in KEYS.iter().enumerate() {
        let state = ks
            .list_quicklist(key, |ql| {
                assert_eq!(ql.fill() as i64, fill.clamp(-5, 32767));
                assert_eq!(ql.compress_depth(), depth);
                ql.validate(!m.replaced[k]).unwrap();
                (ql.iter().collect::<Vec<_>>(), ql.compressed_nodes())
            })
            .unwrap();
        let Some((all, compressed)) = state else {
            assert!(!m.lists.contains_key(&k), "list {k} missing");
            continue;
        };
        let want: Vec<Vec<u8>> = m.lists[&k].iter().cloned().collect();
        assert_eq!(all, want);
        packed += compressed;
    }
    ks.validate().unwrap();
    packed
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn list_ops_match_the_model(
        fill in prop::sample::select(vec![-2i64, -1, 0, 1, 2, 4, 9]),
        depth in prop::sample::select(vec![0usize, 0, 1, 2]),
        ops in prop::collection::vec(op(), 1..120),
    ) {
        let mut config = Config::default();
        config.list_max_listpack_size = fill;
        config.list_compress_depth = depth;
        let mut ks = Keyspace::new(config);
        let mut m = Model { lists: BTreeMap::new(), replaced: [false; 2] };
        for op in &ops {
            apply(&mut ks, &mut m, op);
            for k in 0..KEYS.len() {
                if !m.lists.contains_key(&k) {
                    m.replaced[k] = false;
                }
            }
            let packed = check(&mut ks, &m, fill, depth);
            prop_assert!(depth > 0 || packed == 0);
        }
    }
}
