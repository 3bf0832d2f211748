//! Memory of the anchor datasets not already built by a timed workload
//! (a, b, d, f1, g and j are: SET, HSET small, ZADD, SADD, RPUSH, XADD).
//! Inputs are made on the fly inside the build, in batches that are
//! freed before the heap is read, so only what the engine keeps counts.

use super::bits::offsets;
use super::{Workload, workloads};
use crate::bench::{Cfg, Rng, build};
use crate::engine::{Engine, R};

pub(super) fn workloads() -> Vec<Workload> {
    workloads! {
        "ds_c" => ds_c ["B/field", "B/key"]
            "Memory: {c} hashes x 1000 fields, 8 B values (dataset c)";
        "ds_e" => ds_e ["B/member", "B/key"]
            "Memory: {small} zsets x 10 members, random scores (dataset e)";
        "ds_f2" => ds_f2 ["B/member", "B/key"]
            "Memory: {small} sets x 10 integers (dataset f2)";
        "ds_h1" => ds_h1 ["B/key"]
            "Memory: {h1} HLLs x 100k elements, dense (dataset h1)";
        "ds_h2" => ds_h2 ["B/key"]
            "Memory: {small} HLLs x 10 elements, sparse (dataset h2)";
        "ds_i" => ds_i ["B/SETBIT"]
            "Memory: 1 bitmap, {bits} SETBITs at random offsets < 1e8 (dataset i)";
    }
}

/// Builds once and divides the heap held by each of `units`.
fn memory<E: Engine>(units: &[usize], f: impl FnOnce(&mut E) -> R<()>) -> R<Vec<f64>> {
    let (e, _, bytes) = build::<E>(1, f)?;
    drop(e);
    Ok(units.iter().map(|&u| bytes / u.max(1) as f64).collect())
}

fn ds_c<E: Engine>(cfg: &Cfg) -> R<Vec<f64>> {
    let keys = cfg.hashes_c;
    memory::<E>(&[keys * 1000, keys], |e| {
        for n in 0..keys {
            let key = format!("H:{n}");
            for j in 0..1000 {
                let v = format!("x{:07}", (n * 1000 + j) % 10_000_000);
                e.hset(key.as_bytes(), format!("f{j}").as_bytes(), v.as_bytes())?;
            }
        }
        Ok(())
    })
}

fn ds_e<E: Engine>(cfg: &Cfg) -> R<Vec<f64>> {
    let mut rng = Rng::new(41);
    memory::<E>(&[cfg.small * 10, cfg.small], |e| {
        for n in 0..cfg.small {
            let key = format!("zs:{n}");
            for j in 0..10 {
                e.zadd(
                    key.as_bytes(),
                    rng.unit() * 1e6,
                    format!("m:{j}").as_bytes(),
                )?;
            }
        }
        Ok(())
    })
}

fn ds_f2<E: Engine>(cfg: &Cfg) -> R<Vec<f64>> {
    memory::<E>(&[cfg.small * 10, cfg.small], |e| {
        for n in 0..cfg.small {
            let key = format!("si:{n}");
            for j in 0..10 {
                e.sadd(key.as_bytes(), (n * 10 + j).to_string().as_bytes())?;
            }
        }
        Ok(())
    })
}

/// PFADDs `e:{first}..e:{first+count}` into `key`, 1000 per call.
fn pfadd_range<E: Engine>(e: &mut E, key: &[u8], first: usize, count: usize) -> R<()> {
    let mut start = first;
    while start < first + count {
        let end = (start + 1000).min(first + count);
        let batch: Vec<String> = (start..end).map(|i| format!("e:{i}")).collect();
        let refs: Vec<&[u8]> = batch.iter().map(|s| s.as_bytes()).collect();
        e.pfadd(key, &refs)?;
        start = end;
    }
    Ok(())
}

fn ds_h1<E: Engine>(cfg: &Cfg) -> R<Vec<f64>> {
    memory::<E>(&[cfg.dense_hlls], |e| {
        (0..cfg.dense_hlls)
            .try_for_each(|n| pfadd_range(e, format!("hd:{n}").as_bytes(), n * 100_000, 100_000))
    })
}

fn ds_h2<E: Engine>(cfg: &Cfg) -> R<Vec<f64>> {
    memory::<E>(&[cfg.small], |e| {
        (0..cfg.small).try_for_each(|n| pfadd_range(e, format!("hs:{n}").as_bytes(), n * 10, 10))
    })
}

fn ds_i<E: Engine>(cfg: &Cfg) -> R<Vec<f64>> {
    let offs = offsets(51, cfg.setbits);
    memory::<E>(&[cfg.setbits], |e| {
        offs.iter().try_for_each(|&o| e.setbit(b"bm", o))
    })
}
