//! A driver for counting the instructions per call of the typed ZADD and
//! ZSCORE with valgrind, the operation chosen once, outside the measured
//! loops (so the counts hold no per-call driver dispatch): it builds one
//! zset of 1M members `m:0..` with random scores in [0, 1e6) (the dataset
//! of `examples/zset_ops.rs` and the compare tool), then runs one `op_*`
//! function over N prepared arguments.
//!
//! ```text
//! cargo build --release --example zset_calls
//! valgrind --tool=callgrind --collect-atstart=no \
//!   --toggle-collect='zset_calls::op_*' --callgrind-out-file=/tmp/zc.out \
//!   target/release/examples/zset_calls zscore 100000
//! callgrind_annotate --inclusive=yes /tmp/zc.out | head -30
//! ```
//!
//! Divide the `op_*` inclusive count by N for one call (for `build`, by
//! 1M; N is ignored). Operations: `build` (ZADD of 1M new members into one
//! zset, the measured loop being the build itself), `insert` (ZADD of a new
//! member into the 1M-member zset), `update` (ZADD of a present member with
//! a new score), `zscore` (of a present member, inlined into the loop as
//! in the compare tool since its adapters inline), `zscore_call` (the
//! same through an out-of-line wrapper, as a caller that keeps its call
//! out of line makes it, the wrapper counted inclusively), `list_score`
//! (`SkipList::score` through an out-of-line wrapper, on a bare skiplist
//! built with the same inserts: the lookup without the keyspace around
//! it), `zadd_nop` (ZADD of a present member with its own score: the
//! per-call share above the skiplist's insert, plus one member lookup).

use std::hint::black_box;

use embedis::encoding::skiplist::SkipList;
use embedis::{Config, Keyspace, ZAddOptions};

const MEMBERS: u64 = 1_000_000;

/// The sorted set's key, passed through `black_box` so that calls inlined
/// into the loops see it as a caller's runtime key, not a constant.
const KEY: &[u8] = b"z";

mod support;
use support::Rng;

fn member(i: u64) -> Vec<u8> {
    format!("m:{i}").into_bytes()
}

/// ZADD of each (score, member), one pair per call, default options.
#[inline(never)]
fn op_zadd(ks: &mut Keyspace, args: &[(f64, Vec<u8>)]) -> usize {
    let opts = ZAddOptions::default();
    let key = black_box(KEY);
    let mut sum = 0;
    for (score, m) in args {
        sum += ks.zadd(key, &[(*score, m.as_slice())], &opts).unwrap();
    }
    sum
}

/// ZSCORE of each member.
#[inline(never)]
fn op_zscore(ks: &mut Keyspace, args: &[(f64, Vec<u8>)]) -> f64 {
    let key = black_box(KEY);
    let mut sum = 0.0;
    for (_, m) in args {
        sum += ks.zscore(key, m).unwrap().unwrap();
    }
    sum
}

/// ZSCORE through a wrapper kept out of line, as a caller whose own
/// function is not inlined into its loop makes it (and as the compare
/// tool did before session 11): the count includes the call, the saving
/// and restoring of registers, and the `Result` handed back.
#[inline(never)]
fn zscore_call(ks: &mut Keyspace, key: &[u8], m: &[u8]) -> embedis::Result<Option<f64>> {
    ks.zscore(key, m)
}

/// ZSCORE of each member through [`zscore_call`].
#[inline(never)]
fn op_zscore_call(ks: &mut Keyspace, args: &[(f64, Vec<u8>)]) -> f64 {
    let key = black_box(KEY);
    let mut sum = 0.0;
    for (_, m) in args {
        sum += zscore_call(ks, key, m).unwrap().unwrap();
    }
    sum
}

/// `SkipList::score` kept out of line, as [`zscore_call`] keeps the
/// keyspace's ZSCORE: the two differ by the keyspace's share (the key's
/// lookup, its access time, the hit count, the type test).
#[inline(never)]
fn list_score(list: &SkipList, m: &[u8]) -> Option<f64> {
    list.score(m)
}

/// [`list_score`] of each member.
#[inline(never)]
fn op_list_score(list: &SkipList, args: &[(f64, Vec<u8>)]) -> f64 {
    let mut sum = 0.0;
    for (_, m) in args {
        sum += list_score(list, m).unwrap();
    }
    sum
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(op), Some(n)) = (args.get(1), args.get(2).and_then(|n| n.parse::<u64>().ok())) else {
        eprintln!("usage: zset_calls build|insert|update|zscore|zscore_call|list_score|zadd_nop N");
        std::process::exit(2);
    };
    let mut ks = Keyspace::new(Config::default());
    let mut rng = Rng(21);
    let all: Vec<(f64, Vec<u8>)> = (0..MEMBERS).map(|i| (rng.score(), member(i))).collect();
    let t = std::time::Instant::now();
    if op == "build" {
        let base = ks.used_memory();
        let sum = op_zadd(&mut ks, &all);
        let ns = t.elapsed().as_nanos() as f64 / MEMBERS as f64;
        let per = (ks.used_memory() - base) as f64 / MEMBERS as f64;
        println!("build: {sum} ({ns:.0} ns/op wall-clock, {per:.1} B/member used_memory)");
        return;
    }
    // The bare skiplist is built only for `list_score`, the keyspace's
    // sorted set for the others, so either holds the only 1M members.
    let mut list = SkipList::new();
    if op == "list_score" {
        for (s, m) in &all {
            // ZADD's own insert-or-read, as `Keyspace::zadd` calls it.
            let _ = list.insert_or_score(*s, m);
        }
    } else {
        let opts = ZAddOptions::default();
        for (s, m) in &all {
            ks.zadd(KEY, &[(*s, m.as_slice())], &opts).unwrap();
        }
    }
    let prepared: Vec<(f64, Vec<u8>)> = (0..n)
        .map(|i| {
            // Distinct present members (a multiplier coprime with 1M).
            let present = ((i * 7_919 + 13) % MEMBERS) as usize;
            match op.as_str() {
                "insert" => (rng.score(), member(MEMBERS + i)),
                "zadd_nop" => all[present].clone(),
                _ => (rng.score(), all[present].1.clone()),
            }
        })
        .collect();
    let t = std::time::Instant::now();
    let out = match op.as_str() {
        "insert" | "update" | "zadd_nop" => op_zadd(&mut ks, &prepared) as f64,
        "zscore" => op_zscore(&mut ks, &prepared),
        "zscore_call" => op_zscore_call(&mut ks, &prepared),
        "list_score" => op_list_score(&list, &prepared),
        _ => panic!("unknown operation {op}"),
    };
    let ns = t.elapsed().as_nanos() as f64 / n.max(1) as f64;
    println!("{op} x {n}: {out} ({ns:.0} ns/op wall-clock, meaningful only on a quiet machine)");
}
