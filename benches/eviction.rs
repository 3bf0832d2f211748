//! Hit ratio of a cache under `maxmemory`: Redis's sampled `allkeys-lru`
//! and `allkeys-lfu` (and `allkeys-random` for scale) against an exact LRU
//! (the `lru` crate), on one Zipf(0.99) key trace, in one run.
//!
//! Run: `cargo bench --bench eviction` (about a minute in release; the
//! numbers go to docs/performance.md). `EVICTION_KEYS` and
//! `EVICTION_REQUESTS` scale the trace down, e.g. for a quick look:
//! `EVICTION_KEYS=100000 EVICTION_REQUESTS=1000000 cargo bench --bench eviction`.
//!
//! Under `cargo bench -- --test` (the smoke run of every bench) the trace
//! shrinks to 10,000 keys and 100,000 requests unless the variables say
//! otherwise.
//!
//! The workload is a read-through cache: GET the key; on a miss, SET it
//! (16-byte value). The embedis caches get `maxmemory` equal to the
//! `used_memory` of a keyspace holding exactly 10 % of the keys in the same
//! shape; the exact LRU holds 10 % of the keys. The trace is replayed on a
//! manual clock advancing 1 ms per request (1,000 requests per simulated
//! second), because the LRU clock has one-second resolution and LFU decays
//! per minute: a wall-clock replay would squeeze hours of traffic into a
//! few seconds. The first `keys` requests warm the caches up and are not
//! counted. The result does not depend on timing, so it is stable on a busy
//! machine.

// A bench binary: its main and helpers need no API docs.
#![allow(missing_docs)]

mod common;

use std::num::NonZeroUsize;
use std::sync::Arc;

use embedis::{Config, Keyspace, ManualClock, MaxmemoryPolicy, SetOptions};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

const VALUE: &[u8] = b"value-0123456789";
const SKEW: f64 = 0.99;

fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn key(id: u32) -> Vec<u8> {
    format!("key:{id}").into_bytes()
}

/// A Zipf(`SKEW`) trace over ranks `0..keys` (rank 0 most popular), drawn
/// by inverting the cumulative distribution.
fn zipf_trace(keys: usize, requests: usize, seed: u64) -> Vec<u32> {
    let mut cdf = Vec::with_capacity(keys);
    let mut total = 0.0;
    for rank in 1..=keys {
        total += 1.0 / (rank as f64).powf(SKEW);
        cdf.push(total);
    }
    let mut rng = SmallRng::seed_from_u64(seed);
    (0..requests)
        .map(|_| {
            let u = rng.random::<f64>() * total;
            cdf.partition_point(|&c| c < u).min(keys - 1) as u32
        })
        .collect()
}

/// `used_memory` of a keyspace holding `count` keys of the trace's shape.
fn memory_for(count: usize) -> usize {
    let mut ks = Keyspace::new(Config::default());
    for id in 0..count as u32 {
        ks.set(&key(id), VALUE, &SetOptions::default()).unwrap();
    }
    ks.used_memory()
}

struct Outcome {
    hits: usize,
    counted: usize,
    evicted: u64,
    resident: usize,
}

fn run_embedis(policy: MaxmemoryPolicy, limit: usize, trace: &[u32], warmup: usize) -> Outcome {
    let clock = ManualClock::new(1_700_000_000_000);
    let mut config = Config::default();
    config.maxmemory = limit as u64;
    config.maxmemory_policy = policy;
    let mut ks = Keyspace::with_clock(config, Arc::new(clock.clone()));
    ks.seed_rng(42);
    let opts = SetOptions::default();
    let mut hits = 0;
    let mut resident = 0;
    for (i, &id) in trace.iter().enumerate() {
        clock.advance(1);
        let k = key(id);
        let hit = ks.get(&k).unwrap().is_some();
        if !hit {
            ks.set(&k, VALUE, &opts).unwrap();
        }
        if i >= warmup {
            hits += usize::from(hit);
            resident += ks.dbsize();
        }
    }
    let counted = trace.len() - warmup;
    Outcome {
        hits,
        counted,
        evicted: ks.stats().evicted_keys,
        resident: resident / counted.max(1),
    }
}

fn run_exact_lru(capacity: usize, trace: &[u32], warmup: usize) -> Outcome {
    let mut cache = lru::LruCache::new(NonZeroUsize::new(capacity).unwrap());
    let mut hits = 0;
    let mut evicted = 0;
    for (i, &id) in trace.iter().enumerate() {
        let hit = cache.get(&id).is_some();
        if !hit && cache.push(id, ()).is_some() {
            evicted += 1;
        }
        if i >= warmup {
            hits += usize::from(hit);
        }
    }
    Outcome {
        hits,
        counted: trace.len() - warmup,
        evicted,
        resident: cache.len(),
    }
}

fn main() {
    // `cargo bench` passes `--bench`; a filter argument is not used here.
    let smoke = common::smoke_test();
    let keys = env_or("EVICTION_KEYS", if smoke { 10_000 } else { 1_000_000 });
    let requests = env_or(
        "EVICTION_REQUESTS",
        if smoke { 100_000 } else { 10_000_000 },
    );
    let capacity = keys / 10;
    let warmup = keys.min(requests / 2);
    println!(
        "Zipf({SKEW}) over {keys} keys, {requests} requests ({warmup} warm-up), \
         room for {capacity} keys"
    );
    let trace = zipf_trace(keys, requests, 2026);
    let limit = memory_for(capacity);
    println!("maxmemory = {limit} bytes (used_memory of {capacity} keys)");
    println!(
        "{:<24} {:>9} {:>12} {:>14}",
        "cache", "hit ratio", "evictions", "avg resident"
    );
    let report = |name: &str, o: Outcome| {
        println!(
            "{name:<24} {:>8.2}% {:>12} {:>14}",
            100.0 * o.hits as f64 / o.counted as f64,
            o.evicted,
            o.resident
        );
    };
    report(
        "exact LRU (lru crate)",
        run_exact_lru(capacity, &trace, warmup),
    );
    for policy in [
        MaxmemoryPolicy::AllkeysLru,
        MaxmemoryPolicy::AllkeysLfu,
        MaxmemoryPolicy::AllkeysRandom,
    ] {
        let name = format!("embedis {}", policy.as_str());
        report(&name, run_embedis(policy, limit, &trace, warmup));
    }
}
