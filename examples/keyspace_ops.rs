//! A driver for counting the instructions (valgrind) and timing the cache
//! behaviour of single-key operations on a large keyspace: it builds 1M
//! string keys (`key:<i>`, 10-byte values) and 100k counters, then runs
//! each operation `N` times on keys drawn at random.
//!
//! ```text
//! cargo build --release --example keyspace_ops
//! valgrind --tool=callgrind --toggle-collect='keyspace_ops::op_*' \
//!     --callgrind-out-file=/tmp/ks.out target/release/examples/keyspace_ops 100000
//! callgrind_annotate --inclusive=yes /tmp/ks.out | grep op_
//! target/release/examples/keyspace_ops 1000000 time
//! ```
//!
//! Each `op_*` function's inclusive count divided by `N` is the cost of
//! one operation. With `time` it prints nanoseconds per operation instead,
//! with a `std::collections::HashMap` GET on the same keys for reference
//! (wall-clock: meaningful only on a quiet machine, as ratios within one
//! run). `op_write_same_key` is the keyspace's own share of a write to
//! the key written last (RPUSH into one list, HSET into one hash);
//! `op_get_same_key` is GET of the key read last.

use std::collections::HashMap;
use std::hint::black_box;
use std::time::Instant;

use embedis::types::string::SetOptions;
use embedis::{Config, Keyspace};

const KEYS: usize = 1_000_000;
const COUNTERS: usize = 100_000;

fn key(prefix: &str, i: usize) -> Vec<u8> {
    format!("{prefix}:{i}").into_bytes()
}

/// `n` positions in `0..range`, drawn by xorshift (no allocation in the loops).
fn draws(n: usize, range: usize, seed: u64) -> Vec<usize> {
    let mut x = seed | 1;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x % range as u64) as usize
        })
        .collect()
}

#[inline(never)]
fn op_get_hit(ks: &mut Keyspace, keys: &[Vec<u8>]) -> usize {
    let mut n = 0;
    for k in keys {
        n += ks.get(k).unwrap().map_or(0, |v| v.len());
    }
    n
}

#[inline(never)]
fn op_get_miss(ks: &mut Keyspace, keys: &[Vec<u8>]) -> usize {
    let mut n = 0;
    for k in keys {
        n += usize::from(ks.get(k).unwrap().is_none());
    }
    n
}

#[inline(never)]
fn op_set_overwrite(ks: &mut Keyspace, keys: &[Vec<u8>], opts: &SetOptions) {
    for k in keys {
        ks.set(k, b"value-new!", opts).unwrap();
    }
}

#[inline(never)]
fn op_set_new(ks: &mut Keyspace, keys: &[Vec<u8>], opts: &SetOptions) {
    for k in keys {
        ks.set(k, b"value-new!", opts).unwrap();
    }
}

#[inline(never)]
fn op_incr(ks: &mut Keyspace, keys: &[Vec<u8>]) -> i64 {
    let mut n = 0;
    for k in keys {
        n += ks.incr(k).unwrap();
    }
    n
}

/// GET of one key again and again: the read shortcut (the key read last
/// is found without a hash or a probe).
#[inline(never)]
fn op_get_same_key(ks: &mut Keyspace, n: usize) -> usize {
    let mut total = 0;
    for _ in 0..n {
        total += ks.get(b"key:4242").unwrap().map_or(0, |v| v.len());
    }
    total
}

/// The keyspace's share of a collection write to the key written last:
/// HSET with no pairs runs `make_room`, the write lookup (the pending-key
/// shortcut, the access-time update) and the WRONGTYPE check, then
/// returns before touching the hash.
#[inline(never)]
fn op_write_same_key(ks: &mut Keyspace, n: usize) -> usize {
    let mut total = 0;
    for _ in 0..n {
        total += ks.hset(b"h", &[]).unwrap();
    }
    total
}

#[inline(never)]
fn op_std_get(map: &HashMap<Vec<u8>, Vec<u8>>, keys: &[Vec<u8>]) -> usize {
    let mut n = 0;
    for k in keys {
        n += map.get(k).map_or(0, |v| v.to_vec().len());
    }
    n
}

fn timed<R>(label: &str, n: usize, time: bool, f: impl FnOnce() -> R) {
    let start = Instant::now();
    black_box(f());
    if time {
        let ns = start.elapsed().as_nanos() as f64 / n as f64;
        println!("{label:<14} {ns:8.1} ns/op");
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let Some(n) = args.get(1).and_then(|n| n.parse::<usize>().ok()) else {
        eprintln!("usage: keyspace_ops N [time]");
        std::process::exit(2);
    };
    let time = args.get(2).is_some_and(|a| a == "time");
    let mut ks = Keyspace::new(Config::default());
    let opts = SetOptions::default();
    for i in 0..KEYS {
        ks.set(&key("key", i), format!("v{i:09}").as_bytes(), &opts)
            .unwrap();
    }
    for i in 0..COUNTERS {
        ks.set(&key("ctr", i), b"100", &opts).unwrap();
    }
    let hits: Vec<Vec<u8>> = draws(n, KEYS, 7)
        .into_iter()
        .map(|i| key("key", i))
        .collect();
    let misses: Vec<Vec<u8>> = (0..n).map(|i| key("miss", i)).collect();
    let fresh: Vec<Vec<u8>> = (0..n).map(|i| key("new", i)).collect();
    let ctrs: Vec<Vec<u8>> = draws(n, COUNTERS, 11)
        .into_iter()
        .map(|i| key("ctr", i))
        .collect();
    timed("get hit", n, time, || op_get_hit(&mut ks, &hits));
    timed("get miss", n, time, || op_get_miss(&mut ks, &misses));
    timed("get same key", n, time, || op_get_same_key(&mut ks, n));
    timed("set overwrite", n, time, || {
        op_set_overwrite(&mut ks, &hits, &opts)
    });
    timed("set new", n, time, || op_set_new(&mut ks, &fresh, &opts));
    timed("incr", n, time, || op_incr(&mut ks, &ctrs));
    ks.hset(b"h", &[(b"f", b"v")]).unwrap();
    timed("write same key", n, time, || op_write_same_key(&mut ks, n));
    if time {
        let map: HashMap<Vec<u8>, Vec<u8>> = (0..KEYS)
            .map(|i| (key("key", i), format!("v{i:09}").into_bytes()))
            .collect();
        timed("std get hit", n, time, || op_std_get(&map, &hits));
    }
}
