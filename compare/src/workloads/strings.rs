//! String workloads: SET of new keys, GET hit and miss, INCR.

use super::{Workload, workloads};
use crate::bench::{Bytes, Cfg, build, build_rounds, median, random_ids, time_upto};
use crate::engine::{Engine, R};

pub(super) fn workloads() -> Vec<Workload> {
    workloads! {
        "set" => set_new ["ns/op", "B/key"]
            "SET {n} new keys (`key:N` -> 16 B)";
        "get_hit" => get_hit ["ns/op"]
            "GET hit, random, {n} keys";
        "get_miss" => get_miss ["ns/op"]
            "GET miss, {n} keys";
        "incr" => incr ["ns/op"]
            "INCR random of {n} existing counters";
    }
}

/// `key:0..n` and their 16-byte values `vNNN..` (dataset a).
pub(crate) fn keys_values(n: usize) -> (Bytes, Bytes) {
    let keys = Bytes::numbered("key:", 0..n as u64);
    let values = Bytes::build(n, |i, out| {
        out.extend_from_slice(format!("v{i:015}").as_bytes())
    });
    (keys, values)
}

fn set_new<E: Engine>(cfg: &Cfg) -> R<Vec<f64>> {
    let (keys, values) = keys_values(cfg.n);
    build_rounds::<E>(cfg, cfg.n, cfg.n, |e| {
        (0..cfg.n).try_for_each(|i| e.set(keys.get(i), values.get(i)))
    })
}

/// An engine holding dataset a.
fn loaded<E: Engine>(cfg: &Cfg) -> R<E> {
    let (keys, values) = keys_values(cfg.n);
    let (e, _, _) = build::<E>(cfg.n, |e| {
        (0..cfg.n).try_for_each(|i| e.set(keys.get(i), values.get(i)))
    })?;
    Ok(e)
}

fn probe<E: Engine>(cfg: &Cfg, probes: &Bytes, hit: bool) -> R<Vec<f64>> {
    let mut e = loaded::<E>(cfg)?;
    let ns = median(cfg.rounds, || {
        time_upto(probes.len(), cfg.budget, |i| {
            let got = e.get(probes.get(i))?;
            assert_eq!(got.is_some(), hit, "GET {:?}", probes.get(i));
            Ok(())
        })
    })?;
    Ok(vec![ns])
}

fn get_hit<E: Engine>(cfg: &Cfg) -> R<Vec<f64>> {
    let probes = Bytes::numbered("key:", random_ids(11, cfg.n, cfg.n));
    probe::<E>(cfg, &probes, true)
}

fn get_miss<E: Engine>(cfg: &Cfg) -> R<Vec<f64>> {
    let probes = Bytes::numbered("nokey:", random_ids(12, cfg.n, cfg.n));
    probe::<E>(cfg, &probes, false)
}

fn incr<E: Engine>(cfg: &Cfg) -> R<Vec<f64>> {
    let counters = Bytes::numbered("ctr:", 0..cfg.n as u64);
    let probes = Bytes::numbered("ctr:", random_ids(13, cfg.n, cfg.n));
    let (mut e, _, _) = build::<E>(cfg.n, |e| {
        (0..cfg.n).try_for_each(|i| e.incr(counters.get(i)).map(drop))
    })?;
    let ns = median(cfg.rounds, || {
        time_upto(probes.len(), cfg.budget, |i| {
            e.incr(probes.get(i)).map(drop)
        })
    })?;
    Ok(vec![ns])
}
