//! Generic key operations (group `keyspace`) on a keyspace of 1M string
//! keys, the odd ones with a TTL: EXISTS, DEL, EXPIRE (adding and
//! replacing a TTL), TTL, PERSIST, SCAN, RANDOMKEY, and the lazy deletion
//! of an expired key on access. The string commands themselves are in
//! `strings.rs`.
//!
//! Run: `cargo bench --bench keyspace` (e.g. `-- keyspace/expire`).

// criterion_group!/criterion_main! generate undocumented items.
#![allow(missing_docs)]

mod common;

use std::hint::black_box;
use std::sync::Arc;

use common::{Probes, name, steady};
use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion, criterion_group, criterion_main};
use embedis::{Config, ExpireCondition, Expiry, Keyspace, ManualClock, ScanOptions, SetOptions};

const N: u64 = 1_000_000;
const VALUE: &[u8] = b"value-0123456789";
/// TTL of the volatile keys: far beyond any clock movement in the benches.
const LONG_TTL: i64 = 1_000_000_000;

/// `key:0` .. `key:{N-1}` with 16-byte values; the odd keys expire in
/// `LONG_TTL` seconds. The clock is manual (for the lazy-expiry bench).
fn loaded() -> (Keyspace, ManualClock) {
    let clock = ManualClock::new(1_700_000_000_000);
    let mut ks = Keyspace::with_clock(Config::default(), Arc::new(clock.clone()));
    let plain = SetOptions::default();
    let volatile = SetOptions {
        expiry: Expiry::Ex(LONG_TTL),
        ..SetOptions::default()
    };
    for i in 0..N {
        let opts = if i % 2 == 1 { &volatile } else { &plain };
        ks.set(&name("key:", i), VALUE, opts).unwrap();
    }
    (ks, clock)
}

/// The `i`-th key of a scattered walk over the even (`parity` 0) or odd
/// (1) keys; consecutive `i` give distinct keys.
fn walk(i: u64, parity: u64) -> Vec<u8> {
    name("key:", (i * 7919 % (N / 2)) * 2 + parity)
}

type State = Option<(Keyspace, ManualClock)>;

fn reads(g: &mut BenchmarkGroup<'_, WallTime>, state: &mut State) {
    let mut probes = Probes::new("key:", N, 1);
    g.bench_function("exists/1M", |b| {
        let (ks, _) = state.get_or_insert_with(loaded);
        b.iter(|| black_box(ks.exists(&[probes.pick()])));
    });
    g.bench_function("ttl/1M", |b| {
        let (ks, _) = state.get_or_insert_with(loaded);
        b.iter(|| black_box(ks.ttl(probes.pick())));
    });
    g.bench_function("randomkey/1M", |b| {
        let (ks, _) = state.get_or_insert_with(loaded);
        b.iter(|| black_box(ks.randomkey()));
    });
    for (variant, pattern, count) in [
        ("all", None, 10),
        ("match-10pct", Some(b"key:*7".to_vec()), 100),
    ] {
        let opts = ScanOptions {
            pattern,
            count,
            ..ScanOptions::default()
        };
        let mut cursor = 0;
        g.bench_function(format!("scan/{variant}/count{count}/1M"), |b| {
            let (ks, _) = state.get_or_insert_with(loaded);
            b.iter(|| {
                let (next, keys) = ks.scan(cursor, &opts);
                cursor = next;
                black_box(keys)
            });
        });
    }
}

fn writes(g: &mut BenchmarkGroup<'_, WallTime>, state: &mut State) {
    let mut next = 0;
    g.bench_function("del/1M", |b| {
        let (ks, _) = state.get_or_insert_with(loaded);
        let opts = SetOptions::default();
        steady(
            b,
            ks,
            1000,
            &mut next,
            |ks, i| assert_eq!(black_box(ks.del(&[&walk(i, 0)])), 1),
            |ks, r| {
                for i in r {
                    ks.set(&walk(i, 0), VALUE, &opts).unwrap();
                }
            },
        );
    });
    g.bench_function("expire/new-ttl/1M", |b| {
        let (ks, _) = state.get_or_insert_with(loaded);
        steady(
            b,
            ks,
            1000,
            &mut next,
            |ks, i| {
                black_box(
                    ks.expire(&walk(i, 0), LONG_TTL, ExpireCondition::ALWAYS)
                        .unwrap(),
                );
            },
            |ks, r| {
                for i in r {
                    ks.persist(&walk(i, 0));
                }
            },
        );
    });
    g.bench_function("expire/update-ttl/1M", |b| {
        let (ks, _) = state.get_or_insert_with(loaded);
        b.iter(|| {
            next += 1;
            black_box(
                ks.expire(&walk(next, 1), LONG_TTL, ExpireCondition::ALWAYS)
                    .unwrap(),
            )
        });
    });
    g.bench_function("persist/1M", |b| {
        let (ks, _) = state.get_or_insert_with(loaded);
        steady(
            b,
            ks,
            1000,
            &mut next,
            |ks, i| assert!(black_box(ks.persist(&walk(i, 1)))),
            |ks, r| {
                for i in r {
                    ks.expire(&walk(i, 1), LONG_TTL, ExpireCondition::ALWAYS)
                        .unwrap();
                }
            },
        );
    });
}

/// GET of keys whose TTL has passed: each access deletes the key. The keys
/// are set again untimed with a 1 ms TTL and the clock moved past it.
fn lazy_expiry(g: &mut BenchmarkGroup<'_, WallTime>, state: &mut State) {
    let mut next = 0;
    g.bench_function("get/expired-lazy/1M", |b| {
        let (ks, clock) = state.get_or_insert_with(loaded);
        let opts = SetOptions {
            expiry: Expiry::Px(1),
            ..SetOptions::default()
        };
        let arm = |ks: &mut Keyspace, r: std::ops::Range<u64>| {
            for i in r {
                ks.set(&walk(i, 0), VALUE, &opts).unwrap();
            }
            clock.advance(2);
        };
        arm(ks, next..next + 1000);
        steady(
            b,
            ks,
            1000,
            &mut next,
            |ks, i| assert!(black_box(ks.get(&walk(i, 0)).unwrap()).is_none()),
            // Rearm the keys of the next chunk; the walk wraps after N/2.
            |ks, r| arm(ks, r.end..r.end + 1000),
        );
    });
}

fn keyspace(c: &mut Criterion) {
    let mut g = c.benchmark_group("keyspace");
    let mut state = None;
    reads(&mut g, &mut state);
    writes(&mut g, &mut state);
    lazy_expiry(&mut g, &mut state);
    g.finish();
}

criterion_group!(benches, keyspace);
criterion_main!(benches);
