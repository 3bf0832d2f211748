//! Eviction cost (group `evict`): SET of a new key into a keyspace held at
//! `maxmemory` by each policy, so new keys push old ones out, against
//! the same SET without a limit. The hit ratios of the policies are in
//! `eviction.rs` (a plain program, not criterion).
//!
//! Run: `cargo bench --bench evict`.

// criterion_group!/criterion_main! generate undocumented items.
#![allow(missing_docs)]

mod common;

use std::hint::black_box;

use common::{name, steady};
use criterion::{Criterion, criterion_group, criterion_main};
use embedis::{Config, Expiry, Keyspace, MaxmemoryPolicy, SetOptions};

/// Keys that fit under the limit.
const KEYS: u64 = 100_000;
const VALUE: &[u8] = b"value-0123456789";

fn set_opts(volatile: bool) -> SetOptions {
    SetOptions {
        expiry: if volatile {
            Expiry::Ex(1_000_000)
        } else {
            Expiry::None
        },
        ..SetOptions::default()
    }
}

/// A keyspace holding `KEYS` keys (with TTLs when `volatile`), no limit.
fn filled(volatile: bool) -> Keyspace {
    let mut ks = Keyspace::new(Config::default());
    ks.seed_rng(42);
    let opts = set_opts(volatile);
    for i in 0..KEYS {
        ks.set(&name("key:", i), VALUE, &opts).unwrap();
    }
    ks
}

/// [`filled`], then limited to the memory it uses under `policy`.
fn at_limit(policy: MaxmemoryPolicy, volatile: bool) -> Keyspace {
    let mut ks = filled(volatile);
    let opts = set_opts(volatile);
    let used = ks.used_memory() as u64;
    let config = ks.config_mut();
    config.maxmemory = used;
    config.maxmemory_policy = policy;
    // New keys until the first eviction (memory grows in steps, as the key
    // table does): from then on new keys push old ones out.
    let mut i = KEYS;
    while ks.stats().evicted_keys == 0 {
        ks.set(&name("key:", i), VALUE, &opts).unwrap();
        i += 1;
        assert!(i < 2 * KEYS, "{policy:?}: no eviction");
    }
    ks
}

fn evict(c: &mut Criterion) {
    let mut g = c.benchmark_group("evict");
    let policies = [
        (MaxmemoryPolicy::AllkeysLru, false),
        (MaxmemoryPolicy::AllkeysLfu, false),
        (MaxmemoryPolicy::AllkeysRandom, false),
        (MaxmemoryPolicy::VolatileLru, true),
        (MaxmemoryPolicy::VolatileTtl, true),
    ];
    for (policy, volatile) in policies {
        let mut ks = None;
        let opts = set_opts(volatile);
        // Past any key the set-up wrote.
        let mut next = 2 * KEYS;
        g.bench_function(format!("{}/set-new/100k", policy.as_str()), |b| {
            let ks = ks.get_or_insert_with(|| at_limit(policy, volatile));
            b.iter(|| {
                next += 1;
                black_box(ks.set(&name("key:", next), VALUE, &opts).unwrap())
            });
        });
    }
    // The baseline: no limit; each chunk's new keys are deleted again.
    let mut ks = None;
    let opts = set_opts(false);
    let mut next = 2 * KEYS;
    g.bench_function("unlimited/set-new/100k", |b| {
        let ks = ks.get_or_insert_with(|| filled(false));
        steady(
            b,
            ks,
            1000,
            &mut next,
            |ks, i| {
                black_box(ks.set(&name("key:", i), VALUE, &opts).unwrap());
            },
            |ks, r| {
                for i in r {
                    ks.del(&[&name("key:", i)]);
                }
            },
        );
    });
    g.finish();
}

criterion_group!(benches, evict);
criterion_main!(benches);
