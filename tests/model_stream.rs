//! Proptest model test of streams: random XADD/XDEL/XTRIM/XREADGROUP/XACK/
//! XCLAIM/XAUTOCLAIM/DELCONSUMER sequences against a naive model (ordered
//! maps), with small node limits so entries spread over many nodes.
//! After every step the stream's `validate()` checks the node limits and
//! that the group PEL and each consumer's PEL agree, and the entries and
//! pending lists are compared with the model.

use std::collections::BTreeMap;
use std::sync::Arc;

use embedis::types::stream::{
    ClaimOptions, Claimed, ReadFrom, StreamId, XAddId, XAddOptions, XTrim, XTrimStrategy,
};
use embedis::{Config, Keyspace, ManualClock};
use proptest::prelude::*;

const MAX_ENTRIES: usize = 4;
const CONSUMERS: [&[u8]; 3] = [b"a", b"b", b"c"];

#[derive(Debug, Clone)]
enum Op {
    Add {
        gap: u64,
        fields: u8,
        same: bool,
    },
    Del(usize),
    TrimLen {
        keep: u64,
        approx: bool,
    },
    TrimMin {
        idx: usize,
        approx: bool,
    },
    Read {
        consumer: usize,
        count: usize,
        noack: bool,
    },
    Ack(usize),
    Claim {
        consumer: usize,
        idx: usize,
        force: bool,
    },
    AutoClaim {
        consumer: usize,
        count: usize,
    },
    DelConsumer(usize),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0u64..3, 1u8..4, any::<bool>()).prop_map(|(gap, fields, same)| Op::Add { gap, fields, same }),
        2 => any::<usize>().prop_map(Op::Del),
        1 => (0u64..12, any::<bool>()).prop_map(|(keep, approx)| Op::TrimLen { keep, approx }),
        1 => (any::<usize>(), any::<bool>()).prop_map(|(idx, approx)| Op::TrimMin { idx, approx }),
        3 => (0usize..3, 0usize..4, any::<bool>()).prop_map(|(consumer, count, noack)| Op::Read { consumer, count, noack }),
        2 => any::<usize>().prop_map(Op::Ack),
        2 => (0usize..3, any::<usize>(), any::<bool>()).prop_map(|(consumer, idx, force)| Op::Claim { consumer, idx, force }),
        1 => (0usize..3, 1usize..5).prop_map(|(consumer, count)| Op::AutoClaim { consumer, count }),
        1 => (0usize..3).prop_map(Op::DelConsumer),
    ]
}

type Fields = Vec<(Vec<u8>, Vec<u8>)>;

#[derive(Default)]
struct Model {
    entries: BTreeMap<StreamId, Fields>,
    last_id: StreamId,
    group_last: StreamId,
    /// id -> (owner, delivery count)
    pel: BTreeMap<StreamId, (usize, u64)>,
}

impl Model {
    /// Some known ID (live, pending or past), picked by `idx`.
    fn pick(&self, idx: usize) -> StreamId {
        let mut ids: Vec<StreamId> = self
            .entries
            .keys()
            .chain(self.pel.keys())
            .copied()
            .collect();
        ids.push(StreamId::new(self.last_id.ms + 1, 0));
        ids.sort();
        ids[idx % ids.len()]
    }
}

fn key() -> &'static [u8] {
    b"s"
}

fn step(ks: &mut Keyspace, m: &mut Model, op: &Op, n: &mut u64) -> Result<(), TestCaseError> {
    match *op {
        Op::Add { gap, fields, same } => {
            let id = StreamId::new(
                m.last_id.ms + gap,
                if gap == 0 { m.last_id.seq + 1 } else { 0 },
            );
            *n += 1;
            let f: Fields = (0..fields)
                .map(|i| {
                    let name = if same {
                        format!("f{i}")
                    } else {
                        format!("g{}", (*n + u64::from(i)) % 5)
                    };
                    (
                        name.into_bytes(),
                        format!("{}", *n * 7 + u64::from(i)).into_bytes(),
                    )
                })
                .collect();
            let pairs: Vec<(&[u8], &[u8])> = f
                .iter()
                .map(|(a, b)| (a.as_slice(), b.as_slice()))
                .collect();
            let got = ks.xadd(key(), XAddId::Explicit(id), &pairs, &XAddOptions::default());
            prop_assert_eq!(got, Ok(Some(id)));
            m.entries.insert(id, f);
            m.last_id = id;
        }
        Op::Del(idx) => {
            let id = m.pick(idx);
            let want = u64::from(m.entries.remove(&id).is_some());
            prop_assert_eq!(ks.xdel(key(), &[id]), Ok(want));
        }
        Op::TrimLen { keep, approx } => {
            let t = XTrim {
                strategy: XTrimStrategy::MaxLen(keep),
                approx,
                limit: None,
            };
            let removed = ks.xtrim(key(), &t).unwrap();
            let len = m.entries.len() as u64;
            if approx {
                prop_assert!(removed <= len.saturating_sub(keep));
            } else {
                prop_assert_eq!(removed, len.saturating_sub(keep));
            }
            for _ in 0..removed {
                m.entries.pop_first();
            }
        }
        Op::TrimMin { idx, approx } => {
            let min = m.pick(idx);
            let t = XTrim {
                strategy: XTrimStrategy::MinId(min),
                approx,
                limit: None,
            };
            let removed = ks.xtrim(key(), &t).unwrap();
            let below = m.entries.range(..min).count() as u64;
            if approx {
                prop_assert!(removed <= below);
            } else {
                prop_assert_eq!(removed, below);
            }
            for _ in 0..removed {
                m.entries.pop_first();
            }
        }
        Op::Read {
            consumer,
            count,
            noack,
        } => {
            let got = ks
                .xreadgroup(
                    b"g",
                    CONSUMERS[consumer],
                    &[(key(), ReadFrom::New)],
                    count,
                    noack,
                )
                .unwrap();
            let want: Vec<StreamId> = m
                .entries
                .range(m.group_last.incr().unwrap()..)
                .map(|(k, _)| *k)
                .take(if count == 0 { usize::MAX } else { count })
                .collect();
            let got_ids: Vec<StreamId> = got
                .iter()
                .flat_map(|r| r.entries.iter().map(|e| e.0))
                .collect();
            prop_assert_eq!(&got_ids, &want);
            if let Some(last) = want.last() {
                m.group_last = *last;
            }
            if !noack {
                for id in want {
                    m.pel.insert(id, (consumer, 1));
                }
            }
        }
        Op::Ack(idx) => {
            let id = m.pick(idx);
            let want = u64::from(m.pel.remove(&id).is_some());
            prop_assert_eq!(ks.xack(key(), b"g", &[id]), Ok(want));
        }
        Op::Claim {
            consumer,
            idx,
            force,
        } => {
            let id = m.pick(idx);
            let opts = ClaimOptions {
                force,
                justid: false,
                ..Default::default()
            };
            let got = ks
                .xclaim(key(), b"g", CONSUMERS[consumer], 0, &[id], &opts)
                .unwrap();
            let Claimed::Entries(got) = got else {
                unreachable!()
            };
            let mut want = Vec::new();
            if !m.entries.contains_key(&id) {
                m.pel.remove(&id);
            } else if let Some(p) = m.pel.get_mut(&id) {
                *p = (consumer, p.1 + 1);
                want.push(id);
            } else if force {
                m.pel.insert(id, (consumer, 2));
                want.push(id);
            }
            prop_assert_eq!(got.iter().map(|e| e.id).collect::<Vec<_>>(), want);
        }
        Op::AutoClaim { consumer, count } => {
            let got = ks
                .xautoclaim(
                    key(),
                    b"g",
                    CONSUMERS[consumer],
                    0,
                    StreamId::MIN,
                    count,
                    true,
                )
                .unwrap();
            let mut claimed = Vec::new();
            let mut deleted = Vec::new();
            let mut left = count;
            let ids: Vec<StreamId> = m.pel.keys().copied().collect();
            let mut next = StreamId::MIN;
            for (i, id) in ids.iter().enumerate() {
                if left == 0 {
                    next = ids[i];
                    break;
                }
                if m.entries.contains_key(id) {
                    let p = m.pel.get_mut(id).unwrap();
                    p.0 = consumer;
                    claimed.push(*id);
                } else {
                    m.pel.remove(id);
                    deleted.push(*id);
                }
                left -= 1;
            }
            prop_assert_eq!(got.claimed, Claimed::Ids(claimed));
            prop_assert_eq!(got.deleted, deleted);
            prop_assert_eq!(got.next, next);
        }
        Op::DelConsumer(consumer) => {
            let before = m.pel.len();
            m.pel.retain(|_, p| p.0 != consumer);
            let want = (before - m.pel.len()) as u64;
            prop_assert_eq!(
                ks.xgroup_delconsumer(key(), b"g", CONSUMERS[consumer]),
                Ok(want)
            );
        }
    }
    Ok(())
}

fn compare(ks: &mut Keyspace, m: &Model) -> Result<(), TestCaseError> {
    let s = ks.stream_value(key()).unwrap();
    s.validate(MAX_ENTRIES).map_err(TestCaseError::fail)?;
    ks.validate().map_err(TestCaseError::fail)?;
    let all = ks
        .xrange(key(), StreamId::MIN, StreamId::MAX, None)
        .unwrap();
    let got: Vec<(StreamId, Fields)> = all.into_iter().map(|e| (e.id, e.fields)).collect();
    let want: Vec<(StreamId, Fields)> = m.entries.iter().map(|(k, v)| (*k, v.clone())).collect();
    prop_assert_eq!(got, want);
    prop_assert_eq!(ks.xlen(key()).unwrap(), m.entries.len() as u64);
    let rows = ks
        .xpending_range(
            key(),
            b"g",
            0,
            StreamId::MIN,
            StreamId::MAX,
            usize::MAX,
            None,
        )
        .unwrap();
    let got: Vec<(StreamId, Vec<u8>, u64)> = rows
        .into_iter()
        .map(|r| (r.id, r.consumer, r.delivery_count))
        .collect();
    let want: Vec<(StreamId, Vec<u8>, u64)> = m
        .pel
        .iter()
        .map(|(id, (c, n))| (*id, CONSUMERS[*c].to_vec(), *n))
        .collect();
    prop_assert_eq!(got, want);
    let summary = ks.xpending(key(), b"g").unwrap();
    prop_assert_eq!(summary.count, m.pel.len() as u64);
    Ok(())
}

fn run(ops: &[Op]) -> Result<(), TestCaseError> {
    let mut cfg = Config::default();
    cfg.stream_node_max_entries = MAX_ENTRIES;
    cfg.stream_node_max_bytes = 120;
    let mut ks = Keyspace::with_clock(cfg, Arc::new(ManualClock::new(1_000)));
    ks.xgroup_create(key(), b"g", ReadFrom::After(StreamId::MIN), true, None)
        .unwrap();
    let mut m = Model::default();
    let mut n = 0;
    for op in ops {
        step(&mut ks, &mut m, op, &mut n)?;
        compare(&mut ks, &m)?;
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn stream_matches_model(ops in prop::collection::vec(op(), 1..60)) {
        run(&ops)?;
    }
}
