//! Stream workloads: XADD (dataset j) and a consumer-group read/ack cycle.

use super::{Workload, workloads};
use crate::bench::{Bytes, Cfg, build, build_rounds, median, time_upto};
use crate::engine::{Engine, Id, R};

pub(super) fn workloads() -> Vec<Workload> {
    workloads! {
        "xadd" => xadd ["ns/op", "B/entry"]
            "XADD {n} entries of 2 fields (dataset j)";
        "xreadgroup" => xreadgroup ["ns/op"]
            "XREADGROUP COUNT 10 + XACK of the 10, stream of {n}";
    }
}

/// Entry `i`'s ID: four entries per millisecond, as a busy producer's.
fn id(i: usize) -> Id {
    (1_700_000_000_000 + i as u64 / 4, i as u64 % 4)
}

/// The 2-field entries of dataset j.
fn entries(n: usize) -> (Bytes, Bytes) {
    let a = Bytes::build(n, |i, out| {
        out.extend_from_slice(format!("a{i:07}").as_bytes())
    });
    let b = Bytes::build(n, |i, out| {
        out.extend_from_slice(format!("b{i:07}").as_bytes())
    });
    (a, b)
}

fn add_all<E: Engine>(e: &mut E, n: usize, a: &Bytes, b: &Bytes) -> R<()> {
    (0..n).try_for_each(|i| e.xadd(b"st", id(i), &[(b"f1", a.get(i)), (b"f2", b.get(i))]))
}

fn xadd<E: Engine>(cfg: &Cfg) -> R<Vec<f64>> {
    let (a, b) = entries(cfg.n);
    build_rounds::<E>(cfg, cfg.n, cfg.n, |e| add_all(e, cfg.n, &a, &b))
}

fn xreadgroup<E: Engine>(cfg: &Cfg) -> R<Vec<f64>> {
    let (a, b) = entries(cfg.n);
    let cycles = cfg.n / 10 / cfg.rounds.max(1);
    let (mut e, _, _) = build::<E>(cfg.n, |e| add_all(e, cfg.n, &a, &b))?;
    e.xgroup_create(b"st", b"g")?;
    let ns = median(cfg.rounds, || {
        time_upto(cycles, cfg.budget, |_| {
            assert_eq!(e.xread_ack(b"st", b"g", b"worker", 10)?, 10);
            Ok(())
        })
    })?;
    Ok(vec![ns])
}
