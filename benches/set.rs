//! Sets: SADD building the anchor datasets (100k intsets of 10 integers,
//! one 1M-integer hashtable set) and SISMEMBER on each encoding.

use std::hint::black_box;

use criterion::{BatchSize, Criterion};
use embedis::{Config, Keyspace};

fn decimal(v: u64) -> Vec<u8> {
    v.to_string().into_bytes()
}

/// SADDs `si:N` with the 10 integers `N*10 .. N*10+9`, for N < `sets`.
fn load_small_sets(ks: &mut Keyspace, sets: u64) {
    for n in 0..sets {
        let members: Vec<Vec<u8>> = (0..10).map(|j| decimal(n * 10 + j)).collect();
        let refs: Vec<&[u8]> = members.iter().map(Vec::as_slice).collect();
        ks.sadd(format!("si:{n}").as_bytes(), &refs).unwrap();
    }
}

/// SADDs 0 .. `n` into `sbig`, 1000 members per call.
fn load_big_set(ks: &mut Keyspace, n: u64) {
    let members: Vec<Vec<u8>> = (0..n).map(decimal).collect();
    for chunk in members.chunks(1000) {
        let refs: Vec<&[u8]> = chunk.iter().map(Vec::as_slice).collect();
        ks.sadd(b"sbig", &refs).unwrap();
    }
}

pub(crate) fn register_benches(c: &mut Criterion) {
    let mut g = c.benchmark_group("set");
    g.sample_size(10);
    g.bench_function("sadd/intset/100k-x10", |b| {
        b.iter_batched(
            || Keyspace::new(Config::default()),
            |mut ks| {
                load_small_sets(&mut ks, 100_000);
                ks
            },
            BatchSize::PerIteration,
        );
    });
    g.bench_function("sadd/hashtable/1M-integers", |b| {
        b.iter_batched(
            || Keyspace::new(Config::default()),
            |mut ks| {
                load_big_set(&mut ks, 1_000_000);
                ks
            },
            BatchSize::PerIteration,
        );
    });
    g.finish();

    let mut ks = Keyspace::new(Config::default());
    load_big_set(&mut ks, 1_000_000);
    load_small_sets(&mut ks, 1000);
    let probes: Vec<Vec<u8>> = (0..4096u64)
        .map(|i| decimal(i.wrapping_mul(0x9E37_79B9) % 2_000_000))
        .collect();
    let mut g = c.benchmark_group("set");
    g.bench_function("sismember/hashtable/1M", |b| {
        let mut i = 0;
        b.iter(|| {
            i = (i + 1) & 4095;
            black_box(ks.sismember(b"sbig", &probes[i]).unwrap())
        });
    });
    g.bench_function("sismember/intset/10", |b| {
        let mut i = 0;
        b.iter(|| {
            i = (i + 1) & 4095;
            black_box(ks.sismember(b"si:7", &probes[i & 127]).unwrap())
        });
    });
    g.finish();
}
