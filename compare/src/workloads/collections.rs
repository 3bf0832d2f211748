//! Hashes, sorted sets, sets and lists: the builds of datasets b, d, f1
//! and g (timed, with their heap), one big hash, and the sorted-set and
//! list reads.

use std::time::Instant;

use super::{Workload, workloads};
use crate::bench::{Bytes, Cfg, Rng, build, build_rounds, median, random_ids, time_upto};
use crate::engine::{Engine, R};

pub(super) fn workloads() -> Vec<Workload> {
    workloads! {
        "hset_small" => hset_small ["ns/op", "B/field"]
            "HSET {small} hashes x 10 fields, 8 B values (dataset b)";
        "hset_big" => hset_big ["ns/op", "B/field"]
            "HSET one hash to {n} fields, 8 B values";
        "zadd" => zadd ["ns/op", "B/member"]
            "ZADD random scores, one zset to {n} (dataset d)";
        "zadd_small" => zadd_small ["ns/op"]
            "ZADD {small} zsets x 10 members, random scores (dataset e)";
        "zadd_update" => zadd_update ["ns/op"]
            "ZADD a random present member a new random score, zset of {n}";
        "zscore" => zscore ["ns/op"]
            "ZSCORE random member, zset of {n}";
        "zrank" => zrank ["ns/op"]
            "ZRANK random member, zset of {n}";
        "zrange_top" => zrange_top ["ns/op"]
            "ZRANGE top 100 WITHSCORES (REV, read in place), zset of {n}";
        "sadd" => sadd ["ns/op", "B/member"]
            "SADD {n} integers into one set (dataset f1)";
        "rpush" => rpush ["ns/op", "B/elem"]
            "RPUSH {n} x 16 B into one list (dataset g)";
        "lpop" => lpop ["ns/op"]
            "LPOP until empty, list of {n} x 16 B (dataset g)";
        "lrange_mid" => lrange_mid ["ns/op"]
            "LRANGE 100 elements at random offsets (read in place), list of {n} x 16 B";
        "lrange_head" => lrange_head ["ns/op"]
            "LRANGE 0 99 (read in place), list of {n} x 16 B";
    }
}

fn hset_small<E: Engine>(cfg: &Cfg) -> R<Vec<f64>> {
    let (keys, n) = (cfg.small, cfg.small * 10);
    // Field j of every hash, then field j+1: each hash grows to 10 fields.
    let hashes = Bytes::build(n, |i, out| {
        out.extend_from_slice(format!("h:{}", i % keys).as_bytes())
    });
    let fields = Bytes::build(n, |i, out| {
        out.extend_from_slice(format!("f{}", i / keys).as_bytes())
    });
    let values = Bytes::build(n, |i, out| {
        out.extend_from_slice(
            format!("{}{:07}", (b'a' + (i / keys) as u8) as char, i % keys).as_bytes(),
        )
    });
    build_rounds::<E>(cfg, n, n, |e| {
        (0..n).try_for_each(|i| e.hset(hashes.get(i), fields.get(i), values.get(i)))
    })
}

fn hset_big<E: Engine>(cfg: &Cfg) -> R<Vec<f64>> {
    let fields = Bytes::numbered("f:", 0..cfg.n as u64);
    let values = Bytes::build(cfg.n, |i, out| {
        out.extend_from_slice(format!("v{i:07}").as_bytes())
    });
    build_rounds::<E>(cfg, cfg.n, cfg.n, |e| {
        (0..cfg.n).try_for_each(|i| e.hset(b"hbig", fields.get(i), values.get(i)))
    })
}

/// Members `m:0..n` and their random scores in [0, 1e6).
fn members_scores(n: usize) -> (Bytes, Vec<f64>) {
    let mut rng = Rng::new(21);
    (
        Bytes::numbered("m:", 0..n as u64),
        (0..n).map(|_| rng.unit() * 1e6).collect(),
    )
}

fn zadd<E: Engine>(cfg: &Cfg) -> R<Vec<f64>> {
    let (members, scores) = members_scores(cfg.n);
    build_rounds::<E>(cfg, cfg.n, cfg.n, |e| {
        (0..cfg.n).try_for_each(|i| e.zadd(b"zbig", scores[i], members.get(i)))
    })
}

/// An engine holding dataset d.
fn board<E: Engine>(cfg: &Cfg) -> R<E> {
    let (members, scores) = members_scores(cfg.n);
    let (e, _, _) = build::<E>(cfg.n, |e| {
        (0..cfg.n).try_for_each(|i| e.zadd(b"zbig", scores[i], members.get(i)))
    })?;
    Ok(e)
}

/// Dataset e as ZADDs, key by key: `zs:N` gets members `m:0..10` with
/// random scores (the memory row of dataset e builds the same).
fn zadd_small<E: Engine>(cfg: &Cfg) -> R<Vec<f64>> {
    let n = cfg.small * 10;
    let keys = Bytes::build(n, |i, out| {
        out.extend_from_slice(format!("zs:{}", i / 10).as_bytes())
    });
    let members = Bytes::build(n, |i, out| {
        out.extend_from_slice(format!("m:{}", i % 10).as_bytes())
    });
    let mut rng = Rng::new(41);
    let scores: Vec<f64> = (0..n).map(|_| rng.unit() * 1e6).collect();
    let ns = build_rounds::<E>(cfg, n, n, |e| {
        (0..n).try_for_each(|i| e.zadd(keys.get(i), scores[i], members.get(i)))
    })?;
    Ok(vec![ns[0]])
}

/// Times `probe` on random present members of dataset d (`seed` picks
/// them); it answers whether the member was found.
fn board_probes<E: Engine>(
    cfg: &Cfg,
    seed: u64,
    mut probe: impl FnMut(&mut E, &[u8]) -> R<bool>,
) -> R<Vec<f64>> {
    let probes = Bytes::numbered("m:", random_ids(seed, cfg.n, cfg.n));
    let mut e = board::<E>(cfg)?;
    let ns = median(cfg.rounds, || {
        time_upto(probes.len(), cfg.budget, |i| {
            assert!(probe(&mut e, probes.get(i))?);
            Ok(())
        })
    })?;
    Ok(vec![ns])
}

/// Score updates, as a leaderboard makes them: each round moves random
/// present members to random places in a fresh score range above the
/// last (so no update leaves a score as it was).
fn zadd_update<E: Engine>(cfg: &Cfg) -> R<Vec<f64>> {
    let probes = Bytes::numbered("m:", random_ids(24, cfg.n, cfg.n));
    let mut rng = Rng::new(25);
    let scores: Vec<f64> = (0..cfg.n).map(|_| rng.unit() * 1e6).collect();
    let mut e = board::<E>(cfg)?;
    let mut round = 0.0;
    let ns = median(cfg.rounds, || {
        round += 1.0;
        let base = round * 1e6;
        time_upto(probes.len(), cfg.budget, |i| {
            e.zadd(b"zbig", base + scores[i], probes.get(i))
        })
    })?;
    Ok(vec![ns])
}

fn zscore<E: Engine>(cfg: &Cfg) -> R<Vec<f64>> {
    board_probes::<E>(cfg, 23, |e, m| Ok(e.zscore(b"zbig", m)?.is_some()))
}

fn zrank<E: Engine>(cfg: &Cfg) -> R<Vec<f64>> {
    board_probes::<E>(cfg, 22, |e, m| Ok(e.zrank(b"zbig", m)?.is_some()))
}

/// The top 100 of dataset d, best first, read in place. The callback
/// checks the count, the bytes and the order with no chain of its own
/// from one member to the next but a counter: a walk kept out of line
/// holds the callback's state in memory, and a select of `first` on
/// each member (as this workload had until session 11) made every such
/// walk wait about 3.4 ns a member on it, whatever the walk's own cost.
fn zrange_top<E: Engine>(cfg: &Cfg) -> R<Vec<f64>> {
    let mut e = board::<E>(cfg)?;
    let ns = median(cfg.rounds, || {
        time_upto(cfg.n, cfg.budget, |_| {
            let (mut bytes, mut seen, mut first, mut last) = (0, 0, f64::NAN, f64::NAN);
            let n = e.zrange_top(b"zbig", 100, &mut |m, s| {
                bytes += m.len();
                if seen == 0 {
                    first = s;
                }
                seen += 1;
                last = s;
            })?;
            assert!(n == 100 && seen == 100 && bytes > 0 && first >= last);
            Ok(())
        })
    })?;
    Ok(vec![ns])
}

fn sadd<E: Engine>(cfg: &Cfg) -> R<Vec<f64>> {
    let members = Bytes::numbered("", 0..cfg.n as u64);
    build_rounds::<E>(cfg, cfg.n, cfg.n, |e| {
        (0..cfg.n).try_for_each(|i| e.sadd(b"sbig", members.get(i)))
    })
}

/// The 16-byte elements of dataset g: `e000000000000000`, ...
fn list_values(n: usize) -> Bytes {
    Bytes::build(n, |i, out| {
        out.extend_from_slice(format!("e{i:015}").as_bytes())
    })
}

fn rpush<E: Engine>(cfg: &Cfg) -> R<Vec<f64>> {
    let values = list_values(cfg.n);
    build_rounds::<E>(cfg, cfg.n, cfg.n, |e| {
        (0..cfg.n).try_for_each(|i| e.rpush(b"lbig", values.get(i)))
    })
}

/// An engine holding dataset g (built untimed).
fn long_list<E: Engine>(values: &Bytes) -> R<E> {
    let (e, _, _) = build::<E>(values.len(), |e| {
        (0..values.len()).try_for_each(|i| e.rpush(b"lbig", values.get(i)))
    })?;
    Ok(e)
}

fn lpop<E: Engine>(cfg: &Cfg) -> R<Vec<f64>> {
    let values = list_values(cfg.n);
    let ns = median(cfg.rounds, || {
        let mut e = long_list::<E>(&values)?;
        let t0 = Instant::now();
        for i in 0..cfg.n {
            let v = e.lpop(b"lbig")?;
            assert!(v.as_deref() == Some(values.get(i)), "LPOP {i}");
        }
        let ns = t0.elapsed().as_nanos() as f64 / cfg.n as f64;
        assert!(e.lpop(b"lbig")?.is_none(), "the drained list is gone");
        Ok(ns)
    })?;
    Ok(vec![ns])
}

/// Times `LRANGE lbig start start+99` for each start of `starts`, each
/// element read where the engine's API hands it over (borrowed by embedis,
/// yo-kv and std; kevy-embedded answers owned copies).
fn lrange_100<E: Engine>(cfg: &Cfg, starts: &[usize]) -> R<Vec<f64>> {
    let values = list_values(cfg.n);
    let mut e = long_list::<E>(&values)?;
    let ns = median(cfg.rounds, || {
        time_upto(starts.len(), cfg.budget, |i| {
            let s = starts[i];
            let (mut bytes, mut last_ok) = (0, false);
            let n = e.lrange(b"lbig", s as i64, s as i64 + 99, &mut |v| {
                bytes += v.len();
                last_ok = v == values.get(s + 99);
            })?;
            assert!(n == 100 && bytes == 1600 && last_ok);
            Ok(())
        })
    })?;
    Ok(vec![ns])
}

fn lrange_mid<E: Engine>(cfg: &Cfg) -> R<Vec<f64>> {
    let starts: Vec<usize> = random_ids(24, cfg.n - 99, cfg.n / 10)
        .map(|s| s as usize)
        .collect();
    lrange_100::<E>(cfg, &starts)
}

fn lrange_head<E: Engine>(cfg: &Cfg) -> R<Vec<f64>> {
    lrange_100::<E>(cfg, &vec![0; cfg.n / 10])
}
