//! HyperLogLog: PFADD on sparse and dense HLLs, PFCOUNT with a stale or a
//! valid cache and over several keys, PFMERGE of seven sources.

use std::hint::black_box;

use criterion::{BatchSize, Criterion};
use embedis::{Config, Keyspace, SetOptions};

fn element(i: u64) -> [u8; 8] {
    i.wrapping_mul(0x9e37_79b9_7f4a_7c15).to_le_bytes()
}

/// The bytes of an HLL holding `n` distinct elements starting at `from`,
/// built under `max_bytes` (a large value keeps it sparse), cache stale.
fn hll_bytes(from: u64, n: u64, max_bytes: usize) -> Vec<u8> {
    let mut config = Config::default();
    config.hll_sparse_max_bytes = max_bytes;
    let mut ks = Keyspace::new(config);
    for chunk in (from..from + n).collect::<Vec<_>>().chunks(512) {
        let elems: Vec<[u8; 8]> = chunk.iter().map(|&i| element(i)).collect();
        let refs: Vec<&[u8]> = elems.iter().map(|e| e.as_slice()).collect();
        ks.pfadd(b"h", &refs).unwrap();
    }
    ks.get(b"h").unwrap().unwrap()
}

fn keyspace_with(keys: &[(&[u8], &[u8])]) -> Keyspace {
    let mut config = Config::default();
    config.hll_sparse_max_bytes = 1 << 20;
    let mut ks = Keyspace::new(config);
    for (k, v) in keys {
        ks.set(k, v, &SetOptions::default()).unwrap();
    }
    ks
}

fn pfadd(c: &mut Criterion) {
    let mut g = c.benchmark_group("hll/pfadd");
    // A 1000-element sparse HLL (about 3 KB): each add walks the opcodes.
    let sparse = hll_bytes(0, 1000, 1 << 20);
    g.bench_function("sparse/1k", |b| {
        let mut i = 1u64 << 40;
        b.iter_batched_ref(
            || keyspace_with(&[(b"h", &sparse)]),
            |ks| {
                i += 1;
                black_box(ks.pfadd(b"h", &[&element(i)]).unwrap())
            },
            BatchSize::SmallInput,
        );
    });
    let dense = hll_bytes(0, 100_000, 3000);
    let mut ks = keyspace_with(&[(b"h", &dense)]);
    g.bench_function("dense/100k", |b| {
        let mut i = 0u64;
        b.iter(|| {
            i += 1;
            black_box(ks.pfadd(b"h", &[&element(i)]).unwrap())
        });
    });
    g.finish();
}

fn pfcount(c: &mut Criterion) {
    let mut g = c.benchmark_group("hll/pfcount");
    let sparse = hll_bytes(0, 1000, 1 << 20);
    let dense = hll_bytes(0, 100_000, 3000);
    for (name, bytes) in [("sparse/1k", &sparse), ("dense/100k", &dense)] {
        // The cache is stale in `bytes`: every run computes the estimate.
        g.bench_function(name, |b| {
            b.iter_batched_ref(
                || keyspace_with(&[(b"h", bytes)]),
                |ks| black_box(ks.pfcount(&[b"h"]).unwrap()),
                BatchSize::SmallInput,
            );
        });
    }
    let mut ks = keyspace_with(&[(b"h", &dense)]);
    ks.pfcount(&[b"h"]).unwrap();
    g.bench_function("cached", |b| {
        b.iter(|| black_box(ks.pfcount(&[b"h"]).unwrap()));
    });
    let other = hll_bytes(50_000, 100_000, 3000);
    let mut ks = keyspace_with(&[(b"a", &dense), (b"b", &other), (b"c", &sparse)]);
    g.bench_function("union/2-dense-1-sparse", |b| {
        b.iter(|| black_box(ks.pfcount(&[b"a", b"b", b"c"]).unwrap()));
    });
    g.finish();
}

fn pfmerge(c: &mut Criterion) {
    let mut g = c.benchmark_group("hll/pfmerge");
    let names: Vec<Vec<u8>> = (0..7).map(|i| format!("s{i}").into_bytes()).collect();
    for (label, n, max_bytes) in [
        ("7-dense", 20_000u64, 3000usize),
        ("7-sparse", 300, 1 << 20),
    ] {
        let values: Vec<Vec<u8>> = (0..7).map(|i| hll_bytes(i * n / 2, n, max_bytes)).collect();
        let pairs: Vec<(&[u8], &[u8])> = names
            .iter()
            .zip(&values)
            .map(|(k, v)| (k.as_slice(), v.as_slice()))
            .collect();
        let srcs: Vec<&[u8]> = names.iter().map(Vec::as_slice).collect();
        g.bench_function(label, |b| {
            b.iter_batched_ref(
                || keyspace_with(&pairs),
                |ks| ks.pfmerge(b"dest", &srcs).unwrap(),
                BatchSize::SmallInput,
            );
        });
    }
    g.finish();
}

pub(crate) fn register_benches(c: &mut Criterion) {
    pfadd(c);
    pfcount(c);
    pfmerge(c);
}
