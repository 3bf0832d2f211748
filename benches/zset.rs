//! Sorted sets: one zset grown to 1M members (ZADD with random scores,
//! ZRANK, ZSCORE, top-100 ZRANGE), 100k small listpack zsets, and the
//! listpack/skiplist crossover at the default 128-entry threshold.

use std::hint::black_box;

use criterion::{BatchSize, Criterion};
use embedis::encoding::SkipList;
use embedis::types::zset::{ScoreRange, ZAddOptions, ZRange};
use embedis::{Config, Keyspace};

const BIG: usize = 1_000_000;
const SMALL_KEYS: usize = 100_000;

fn member(i: usize) -> Vec<u8> {
    format!("member:{i}").into_bytes()
}

/// xorshift64: a fixed pseudo-random sequence.
fn rng(seed: u64) -> impl FnMut() -> u64 {
    let mut x = seed;
    move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    }
}

/// A keyspace whose `board` holds `member:0` .. `member:{BIG-1}` with
/// random integer-ish scores.
fn board() -> Keyspace {
    let mut ks = Keyspace::new(Config::default());
    let mut next = rng(0x9E37_79B9_7F4A_7C15);
    let opts = ZAddOptions::default();
    for i in 0..BIG {
        let score = (next() % 1_000_000) as f64 / 4.0;
        ks.zadd(b"board", &[(score, &member(i))], &opts).unwrap();
    }
    ks
}

/// Bytes per member of a standalone 1M-member skiplist (heap capacity) for
/// anchor dataset d: members `m:0` .. `m:999999`, random non-integral
/// scores below 1e6.
fn report_memory() {
    let mut s = SkipList::new();
    let mut next = rng(7);
    for i in 0..BIG {
        let score = (next() >> 11) as f64 / (1u64 << 53) as f64 * 1e6;
        s.insert(score, format!("m:{i}").as_bytes());
    }
    let per = s.heap_bytes() as f64 / BIG as f64;
    eprintln!("zset/memory/skiplist/1M (dataset d): {per:.1} B/member");
}

pub(crate) fn register_benches(c: &mut Criterion) {
    report_memory();
    let mut ks = board();
    let mut g = c.benchmark_group("zset");
    let opts = ZAddOptions::default();
    let mut next = rng(42);
    let probes: Vec<Vec<u8>> = (0..4096).map(|_| member(next() as usize % BIG)).collect();
    let mut fresh = BIG;
    g.bench_function("zadd/new/skiplist/1M", |b| {
        b.iter(|| {
            fresh += 1;
            let score = (next() % 1_000_000) as f64 / 4.0;
            black_box(
                ks.zadd(b"board", &[(score, &member(fresh))], &opts)
                    .unwrap(),
            )
        });
    });
    g.bench_function("zadd/update/skiplist/1M", |b| {
        let mut i = 0;
        b.iter(|| {
            i = (i + 1) & 4095;
            let score = (next() % 1_000_000) as f64 / 4.0;
            black_box(ks.zadd(b"board", &[(score, &probes[i])], &opts).unwrap())
        });
    });
    g.bench_function("zrank/skiplist/1M", |b| {
        let mut i = 0;
        b.iter(|| {
            i = (i + 1) & 4095;
            black_box(ks.zrank(b"board", &probes[i]).unwrap())
        });
    });
    g.bench_function("zscore/skiplist/1M", |b| {
        let mut i = 0;
        b.iter(|| {
            i = (i + 1) & 4095;
            black_box(ks.zscore(b"board", &probes[i]).unwrap())
        });
    });
    let top = ZRange::by_rank(0, 99).rev();
    g.bench_function("zrange-top100-withscores/skiplist/1M", |b| {
        b.iter(|| black_box(ks.zrange(b"board", &top).unwrap()));
    });
    let top_score = ZRange::by_score(ScoreRange::all()).rev().limit(0, 100);
    g.bench_function("zrangebyscore-top100/skiplist/1M", |b| {
        b.iter(|| black_box(ks.zrange(b"board", &top_score).unwrap()));
    });
    drop(ks);
    small_sets(&mut g);
    crossover(&mut g);
    g.finish();
}

/// ZADD round-robin into 100k small (listpack) zsets.
fn small_sets(g: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>) {
    let mut ks = Keyspace::new(Config::default());
    let keys: Vec<Vec<u8>> = (0..SMALL_KEYS)
        .map(|i| format!("user:{i}").into_bytes())
        .collect();
    let opts = ZAddOptions::default();
    let mut next = rng(3);
    let mut i = 0;
    g.bench_function("zadd/listpack/100k-keys", |b| {
        b.iter(|| {
            i = (i + 1) % SMALL_KEYS;
            let r = next();
            let m = member((r % 16) as usize);
            black_box(ks.zadd(&keys[i], &[((r % 100) as f64, &m)], &opts).unwrap())
        });
    });
}

/// ZADD + ZREM of one member on a 128-member zset in each encoding.
fn crossover(g: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>) {
    for (name, entries) in [("listpack", 128usize), ("skiplist", 0)] {
        let mut config = Config::default();
        config.zset_max_listpack_entries = entries;
        let mut ks = Keyspace::new(config);
        let opts = ZAddOptions::default();
        for i in 0..127 {
            ks.zadd(b"z", &[(i as f64, &member(i))], &opts).unwrap();
        }
        let mut next = rng(5);
        g.bench_function(format!("zadd-zrem/{name}/128"), |b| {
            b.iter_batched(
                || (next() % 128) as f64,
                |s| {
                    ks.zadd(b"z", &[(s, b"probe".as_slice())], &opts).unwrap();
                    black_box(ks.zrem(b"z", &[b"probe"]).unwrap())
                },
                BatchSize::SmallInput,
            );
        });
        g.bench_function(format!("zrank/{name}/128"), |b| {
            let mut i = 0;
            b.iter(|| {
                i = (i + 1) % 127;
                black_box(ks.zrank(b"z", &member(i)).unwrap())
            });
        });
    }
}
