//! HyperLogLog (group `hll`): PFADD on sparse HLLs (small, and just under
//! `hll-sparse-max-bytes` 3000), the PFADD that promotes a sparse HLL to
//! dense, PFADD on dense; PFCOUNT with a stale or a valid cache and over
//! three keys; PFMERGE of seven sources.
//!
//! Run: `cargo bench --bench hll` (e.g. `-- hll/pfcount` for part of it).

// criterion_group!/criterion_main! generate undocumented items.
#![allow(missing_docs)]

mod common;

use std::hint::black_box;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use embedis::{Config, Keyspace, SetOptions};

/// Offset of the encoding byte in the HYLL header (0 dense, 1 sparse).
const ENCODING_BYTE: usize = 4;
const DEFAULT_SPARSE_MAX: usize = 3000;

fn element(i: u64) -> [u8; 8] {
    i.wrapping_mul(0x9e37_79b9_7f4a_7c15).to_le_bytes()
}

/// The bytes of an HLL holding `n` distinct elements starting at `from`,
/// built under `max_bytes` (a large value keeps it sparse), cache stale.
fn hll_bytes(from: u64, n: u64, max_bytes: usize) -> Vec<u8> {
    let mut ks = Keyspace::new(common::config(|c| c.hll_sparse_max_bytes = max_bytes));
    for chunk in (from..from + n).collect::<Vec<_>>().chunks(512) {
        let elems: Vec<[u8; 8]> = chunk.iter().map(|&i| element(i)).collect();
        let refs: Vec<&[u8]> = elems.iter().map(|e| e.as_slice()).collect();
        ks.pfadd(b"h", &refs).unwrap();
    }
    ks.get(b"h").unwrap().unwrap()
}

/// A sparse HLL grown one element at a time until it is over `min_len`
/// bytes (elements from 0).
fn sparse_of_len(min_len: usize) -> Vec<u8> {
    let mut ks = Keyspace::new(common::config(|c| c.hll_sparse_max_bytes = 1 << 20));
    let mut i = 0;
    loop {
        ks.pfadd(b"h", &[&element(i)]).unwrap();
        i += 1;
        let bytes = ks.get(b"h").unwrap().unwrap();
        if bytes.len() > min_len {
            return bytes;
        }
    }
}

fn keyspace_with(config: Config, keys: &[(&[u8], &[u8])]) -> Keyspace {
    let mut ks = Keyspace::new(config);
    for (k, v) in keys {
        ks.set(k, v, &SetOptions::default()).unwrap();
    }
    ks
}

fn sparse_config() -> Config {
    common::config(|c| c.hll_sparse_max_bytes = 1 << 20)
}

/// PFADD of a new element to a fresh copy of `bytes` (set up untimed).
fn pfadd_fresh(
    c: &mut Criterion,
    id: &str,
    config: &Config,
    bytes: &[u8],
    elem: impl Fn(u64) -> [u8; 8],
) {
    let mut i = 1u64 << 40;
    c.benchmark_group("hll").bench_function(id, |b| {
        b.iter_batched_ref(
            || keyspace_with(config.clone(), &[(b"h", bytes)]),
            |ks| {
                i += 1;
                black_box(ks.pfadd(b"h", &[&elem(i)]).unwrap())
            },
            BatchSize::SmallInput,
        );
    });
}

fn pfadd(c: &mut Criterion) {
    // A 1000-element sparse HLL: each add walks the opcodes.
    let sparse = hll_bytes(0, 1000, 1 << 20);
    pfadd_fresh(c, "pfadd/sparse/1k", &sparse_config(), &sparse, element);
    // Just under the default 3000-byte limit: still sparse after one add.
    let near = sparse_of_len(DEFAULT_SPARSE_MAX - 100);
    pfadd_fresh(c, "pfadd/sparse/2.9KB", &Config::default(), &near, element);
    // The same HLL with the limit at its length: an add that lengthens it
    // promotes it to dense. Find such an element once, then time its add.
    let at_limit = common::config(|c| c.hll_sparse_max_bytes = near.len());
    let promoting = (1u64 << 40..)
        .find(|&i| {
            let mut ks = keyspace_with(at_limit.clone(), &[(b"h", &near)]);
            ks.pfadd(b"h", &[&element(i)]).unwrap();
            ks.get(b"h").unwrap().unwrap()[ENCODING_BYTE] == 0
        })
        .unwrap();
    let id = "pfadd/sparse-to-dense/2.9KB";
    pfadd_fresh(c, id, &at_limit, &near, |_| element(promoting));
    let dense = hll_bytes(0, 100_000, DEFAULT_SPARSE_MAX);
    assert_eq!(dense[ENCODING_BYTE], 0);
    let mut ks = keyspace_with(Config::default(), &[(b"h", &dense)]);
    let mut i = 0u64;
    c.benchmark_group("hll")
        .bench_function("pfadd/dense/100k", |b| {
            b.iter(|| {
                i += 1;
                black_box(ks.pfadd(b"h", &[&element(i)]).unwrap())
            });
        });
}

fn pfcount(c: &mut Criterion) {
    let mut g = c.benchmark_group("hll");
    let sparse = hll_bytes(0, 1000, 1 << 20);
    let dense = hll_bytes(0, 100_000, DEFAULT_SPARSE_MAX);
    for (name, bytes) in [("sparse/1k", &sparse), ("dense/100k", &dense)] {
        // The cache is stale in `bytes`: every run computes the estimate.
        g.bench_function(format!("pfcount/{name}"), |b| {
            b.iter_batched_ref(
                || keyspace_with(sparse_config(), &[(b"h", bytes)]),
                |ks| black_box(ks.pfcount(&[b"h"]).unwrap()),
                BatchSize::SmallInput,
            );
        });
    }
    let mut ks = keyspace_with(sparse_config(), &[(b"h", &dense)]);
    ks.pfcount(&[b"h"]).unwrap();
    g.bench_function("pfcount/dense-cached/100k", |b| {
        b.iter(|| black_box(ks.pfcount(&[b"h"]).unwrap()));
    });
    let other = hll_bytes(50_000, 100_000, DEFAULT_SPARSE_MAX);
    let mut ks = keyspace_with(
        sparse_config(),
        &[(b"a", &dense), (b"b", &other), (b"c", &sparse)],
    );
    g.bench_function("pfcount/2-dense-1-sparse/3-keys-union", |b| {
        b.iter(|| black_box(ks.pfcount(&[b"a", b"b", b"c"]).unwrap()));
    });
    g.finish();
}

fn pfmerge(c: &mut Criterion) {
    let mut g = c.benchmark_group("hll");
    let names: Vec<Vec<u8>> = (0..7).map(|i| format!("s{i}").into_bytes()).collect();
    for (label, n, max_bytes) in [
        ("dense", 20_000u64, DEFAULT_SPARSE_MAX),
        ("sparse", 300, 1 << 20),
    ] {
        let values: Vec<Vec<u8>> = (0..7).map(|i| hll_bytes(i * n / 2, n, max_bytes)).collect();
        let pairs: Vec<(&[u8], &[u8])> = names
            .iter()
            .zip(&values)
            .map(|(k, v)| (k.as_slice(), v.as_slice()))
            .collect();
        let srcs = common::refs(&names);
        g.bench_function(format!("pfmerge/{label}/7-keys"), |b| {
            b.iter_batched_ref(
                || keyspace_with(sparse_config(), &pairs),
                |ks| ks.pfmerge(b"dest", &srcs).unwrap(),
                BatchSize::SmallInput,
            );
        });
    }
    g.finish();
}

criterion_group!(benches, pfadd, pfcount, pfmerge);
criterion_main!(benches);
