//! Hashes, sorted sets, sets and lists: the builds of datasets b, d, f1
//! and g (timed, with their heap), one big hash, and the sorted-set reads.

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
        "zrank" => zrank ["ns/op"]
            "ZRANK random member, zset of {n}";
        "zrange_top" => zrange_top ["ns/op"]
            "ZRANGE top 100 WITHSCORES (REV), zset of {n}";
        "sadd" => sadd ["ns/op", "B/member"]
            "SADD {n} integers into one set (dataset f1)";
        "rpush" => rpush ["ns/op", "B/elem"]
            "RPUSH {n} x 16 B into one list (dataset g)";
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

fn zrank<E: Engine>(cfg: &Cfg) -> R<Vec<f64>> {
    let probes = Bytes::numbered("m:", random_ids(22, cfg.n, cfg.n));
    let mut e = board::<E>(cfg)?;
    let ns = median(cfg.rounds, || {
        time_upto(probes.len(), cfg.budget, |i| {
            assert!(e.zrank(b"zbig", probes.get(i))?.is_some());
            Ok(())
        })
    })?;
    Ok(vec![ns])
}

fn zrange_top<E: Engine>(cfg: &Cfg) -> R<Vec<f64>> {
    let mut e = board::<E>(cfg)?;
    let ns = median(cfg.rounds, || {
        time_upto(cfg.n, cfg.budget, |_| {
            let top = e.zrange_top(b"zbig", 100)?;
            assert!(top.len() == 100 && top[0].1 >= top[99].1);
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

fn rpush<E: Engine>(cfg: &Cfg) -> R<Vec<f64>> {
    let values = Bytes::build(cfg.n, |i, out| {
        out.extend_from_slice(format!("e{i:015}").as_bytes())
    });
    build_rounds::<E>(cfg, cfg.n, cfg.n, |e| {
        (0..cfg.n).try_for_each(|i| e.rpush(b"lbig", values.get(i)))
    })
}
