//! HyperLogLog and bitmap workloads.

use super::{Workload, workloads};
use crate::bench::{Bytes, Cfg, build, median, random_ids, time_upto};
use crate::engine::{Engine, R};

/// Bitmaps address bits below this (1e8: a 12.5 MB string).
pub(crate) const BITS: u64 = 100_000_000;

pub(super) fn workloads() -> Vec<Workload> {
    workloads! {
        "pfadd" => pfadd ["ns/op"]
            "PFADD one new element, one HLL, {n} times";
        "pfcount" => pfcount ["ns/op"]
            "PFCOUNT of that HLL (dense, unchanged: cached)";
        "setbit" => setbit ["ns/op"]
            "SETBIT random offset < 1e8, {n} times";
        "bitcount" => bitcount ["ns/op"]
            "BITCOUNT of that 12.5 MB bitmap";
    }
}

fn elements(n: usize) -> Bytes {
    Bytes::numbered("e:", 0..n as u64)
}

fn pfadd_all<E: Engine>(e: &mut E, els: &Bytes) -> R<()> {
    (0..els.len()).try_for_each(|i| e.pfadd(b"hll", &[els.get(i)]))
}

fn pfadd<E: Engine>(cfg: &Cfg) -> R<Vec<f64>> {
    let els = elements(cfg.n);
    let ns = median(cfg.rounds, || {
        let (e, ns, _) = build::<E>(cfg.n, |e| pfadd_all(e, &els))?;
        drop(e);
        Ok(ns)
    })?;
    Ok(vec![ns])
}

fn pfcount<E: Engine>(cfg: &Cfg) -> R<Vec<f64>> {
    let els = elements(cfg.n);
    let (mut e, _, _) = build::<E>(cfg.n, |e| pfadd_all(e, &els))?;
    let want = cfg.n as f64;
    let ns = median(cfg.rounds, || {
        time_upto(cfg.n, cfg.budget, |_| {
            let c = e.pfcount(b"hll")? as f64;
            assert!((c - want).abs() < want * 0.05, "PFCOUNT {c} for {want}");
            Ok(())
        })
    })?;
    Ok(vec![ns])
}

/// `n` random bit offsets below [`BITS`].
pub(crate) fn offsets(seed: u64, n: usize) -> Vec<u64> {
    random_ids(seed, BITS as usize, n).collect()
}

fn setbit<E: Engine>(cfg: &Cfg) -> R<Vec<f64>> {
    let offs = offsets(31, cfg.n);
    let ns = median(cfg.rounds, || {
        let (e, ns, _) = build::<E>(cfg.n, |e| offs.iter().try_for_each(|&o| e.setbit(b"bm", o)))?;
        drop(e);
        Ok(ns)
    })?;
    Ok(vec![ns])
}

fn bitcount<E: Engine>(cfg: &Cfg) -> R<Vec<f64>> {
    let offs = offsets(31, cfg.n);
    let (mut e, _, _) = build::<E>(cfg.n, |e| offs.iter().try_for_each(|&o| e.setbit(b"bm", o)))?;
    let ns = median(cfg.rounds, || {
        time_upto(cfg.n, cfg.budget, |_| {
            assert!(e.bitcount(b"bm")? > 0);
            Ok(())
        })
    })?;
    Ok(vec![ns])
}
