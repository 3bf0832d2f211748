//! Point operations on a keyspace of 1M string keys.

use std::hint::black_box;

use criterion::{BatchSize, Criterion};
use embedis::{Config, Keyspace, SetOptions};

const KEYS: usize = 1_000_000;

fn key(i: usize) -> Vec<u8> {
    format!("key:{i}").into_bytes()
}

/// A keyspace holding `key:0` .. `key:999999`, each a 16-byte value.
fn loaded() -> Keyspace {
    let mut ks = Keyspace::new(Config::default());
    let opts = SetOptions::default();
    for i in 0..KEYS {
        ks.set(&key(i), b"value-0123456789", &opts).unwrap();
    }
    ks
}

/// A fixed pseudo-random order of key indexes (xorshift), so every bench
/// touches keys in the same scattered order.
fn order(n: usize) -> Vec<Vec<u8>> {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            key((x % KEYS as u64) as usize)
        })
        .collect()
}

pub(crate) fn register_benches(c: &mut Criterion) {
    let mut ks = loaded();
    let keys = order(4096);
    let mut g = c.benchmark_group("keyspace");
    g.bench_function("get/hit/embstr/1M", |b| {
        let mut i = 0;
        b.iter(|| {
            i = (i + 1) & 4095;
            black_box(ks.get(&keys[i]).unwrap())
        });
    });
    let misses: Vec<Vec<u8>> = (0..4096)
        .map(|i| format!("miss:{i}").into_bytes())
        .collect();
    g.bench_function("get/miss/1M", |b| {
        let mut i = 0;
        b.iter(|| {
            i = (i + 1) & 4095;
            black_box(ks.get(&misses[i]).unwrap())
        });
    });
    g.bench_function("set/overwrite/embstr/1M", |b| {
        let opts = SetOptions::default();
        let mut i = 0;
        b.iter(|| {
            i = (i + 1) & 4095;
            ks.set(&keys[i], b"value-9876543210", &opts).unwrap();
        });
    });
    let counters: Vec<Vec<u8>> = (0..4096)
        .map(|i| format!("counter:{i}").into_bytes())
        .collect();
    for k in &counters {
        ks.set(k, b"0", &SetOptions::default()).unwrap();
    }
    g.bench_function("incr/int/1M", |b| {
        let mut i = 0;
        b.iter(|| {
            i = (i + 1) & 4095;
            black_box(ks.incr(&counters[i]).unwrap())
        });
    });
    g.bench_function("set/new/embstr/1M", |b| {
        let opts = SetOptions::default();
        b.iter_batched_ref(
            || {
                (
                    Keyspace::new(Config::default()),
                    (0..KEYS).map(key).collect::<Vec<_>>(),
                )
            },
            |(ks, keys)| {
                for k in keys.iter() {
                    ks.set(k, b"value-0123456789", &opts).unwrap();
                }
            },
            BatchSize::PerIteration,
        );
    });
    g.finish();
}
