//! A driver for counting the instructions and simulated cache misses of
//! sorted-set operations with valgrind, where wall-clock timings are
//! meaningless (a shared, loaded machine): it builds one zset of 1M members
//! `m:0..` with random scores in [0, 1e6) (the compare tool's dataset d),
//! then runs one operation N times inside `run`, the only function measured.
//!
//! ```text
//! cargo build --release --example zset_ops
//! valgrind --tool=callgrind --cache-sim=yes --collect-atstart=no \
//!   --toggle-collect='zset_ops::run' --callgrind-out-file=/tmp/z.out \
//!   target/release/examples/zset_ops zrank 20000
//! callgrind_annotate /tmp/z.out | head -20
//! ```
//!
//! Divide the totals by N for one operation. Operations: `insert` (ZADD of a
//! new member), `update` (ZADD of a present member with a new score),
//! `zrank`, `zscore`, `top` (ZRANGE 0 99 WITHSCORES), `revtop` (ZRANGE 0 99
//! REV WITHSCORES), `revtop_with` (the same lent by `zrange_with`), `zrem`
//! (of a present member), `popmin` (ZPOPMIN 1) and `zmscore` (ZMSCORE of
//! 100 present members per call, N members in all; its time is per member);
//! `build` measures building the 1M-member zset itself (N is ignored) and
//! prints its `used_memory` per member.

use embedis::types::zset::ZRange;
use embedis::{Config, Keyspace, ZAddOptions};

const MEMBERS: u64 = 1_000_000;

mod support;
use support::Rng;

fn member(i: u64) -> Vec<u8> {
    format!("m:{i}").into_bytes()
}

/// The measured loop: `n` operations `op` on prepared arguments.
#[inline(never)]
fn run(ks: &mut Keyspace, op: &str, args: &[(f64, Vec<u8>)]) -> usize {
    let opts = ZAddOptions::default();
    let mut sum = 0usize;
    for (score, m) in args {
        sum += match op {
            "insert" | "update" => ks.zadd(b"z", &[(*score, m.as_slice())], &opts).unwrap(),
            "zrank" => ks.zrank(b"z", m).unwrap().unwrap(),
            "zscore" => ks.zscore(b"z", m).unwrap().unwrap() as usize,
            "top" => ks.zrange(b"z", &ZRange::by_rank(0, 99)).unwrap().len(),
            "revtop" => ks
                .zrange(b"z", &ZRange::by_rank(0, 99).rev())
                .unwrap()
                .len(),
            "revtop_with" => {
                let spec = ZRange::by_rank(0, 99).rev();
                let mut bytes = 0;
                ks.zrange_with(b"z", &spec, |m, _| bytes += m.len())
                    .unwrap();
                bytes
            }
            "zrem" => ks.zrem(b"z", &[m.as_slice()]).unwrap(),
            "popmin" => ks.zpopmin(b"z", 1).unwrap().len(),
            _ => panic!("unknown operation {op}"),
        };
    }
    sum
}

/// ZMSCORE of `members`, 100 per call; how many were found.
#[inline(never)]
fn zmscore_100(ks: &mut Keyspace, members: &[&[u8]]) -> usize {
    members
        .chunks(100)
        .map(|c| ks.zmscore(b"z", c).unwrap().iter().flatten().count())
        .sum()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(op), Some(n)) = (args.get(1), args.get(2).and_then(|n| n.parse::<u64>().ok())) else {
        eprintln!(
            "usage: zset_ops build|insert|update|zrank|zscore|zmscore|top|revtop|revtop_with|zrem|popmin N"
        );
        std::process::exit(2);
    };
    let mut ks = Keyspace::new(Config::default());
    let mut rng = Rng(21);
    let opts = ZAddOptions::default();
    if op == "build" {
        let all: Vec<(f64, Vec<u8>)> = (0..MEMBERS).map(|i| (rng.score(), member(i))).collect();
        let t = std::time::Instant::now();
        let base = ks.used_memory();
        let sum = run(&mut ks, "insert", &all);
        let ns = t.elapsed().as_nanos() as f64 / MEMBERS as f64;
        let per = (ks.used_memory() - base) as f64 / MEMBERS as f64;
        println!("build: {sum} ({ns:.0} ns/op wall-clock, {per:.1} B/member used_memory)");
        return;
    }
    for i in 0..MEMBERS {
        ks.zadd(b"z", &[(rng.score(), member(i).as_slice())], &opts)
            .unwrap();
    }
    let prepared: Vec<(f64, Vec<u8>)> = (0..n)
        .map(|i| {
            let pick = match op.as_str() {
                "insert" => MEMBERS + i,
                // Distinct present members (a multiplier coprime with 1M).
                _ => (i * 7_919 + 13) % MEMBERS,
            };
            (rng.score(), member(pick))
        })
        .collect();
    if op == "zmscore" {
        let members: Vec<&[u8]> = prepared.iter().map(|(_, m)| m.as_slice()).collect();
        let t = std::time::Instant::now();
        let found = zmscore_100(&mut ks, &members);
        let ns = t.elapsed().as_nanos() as f64 / n.max(1) as f64;
        println!(
            "zmscore x {n}: {found} ({ns:.0} ns per member wall-clock, meaningful only on a quiet machine)"
        );
        return;
    }
    let t = std::time::Instant::now();
    let sum = run(&mut ks, op, &prepared);
    let ns = t.elapsed().as_nanos() as f64 / n.max(1) as f64;
    println!("{op} x {n}: {sum} ({ns:.0} ns/op wall-clock, meaningful only on a quiet machine)");
}
