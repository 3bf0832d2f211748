//! A driver for counting the instructions of set operations on a large
//! all-integer set with valgrind, where wall-clock timings are meaningless
//! (a shared, loaded machine), and for printing what such a set costs in
//! memory.
//!
//! ```text
//! cargo build --release --example set_ops
//! valgrind --tool=callgrind --callgrind-out-file=/dev/null target/release/examples/set_ops sadd 0
//! valgrind --tool=callgrind --callgrind-out-file=/dev/null target/release/examples/set_ops sadd 200000
//! target/release/examples/set_ops memory 0
//! ```
//!
//! Every run first builds `sbig` with `SADD sbig 0` ... `SADD sbig 999999`
//! (dataset f1), then runs one operation N times; the difference of two
//! totals divided by the difference of N is the cost of one operation.
//! Operations: `sadd` (appending new integers), `saddrand` (new random
//! integers), `sismember` (present members, scattered), `smiss` (absent
//! members), `srandmember`, `spop`, and `memory` (prints the accounted
//! bytes per member of 1M sequential integers, of 1M random integers below
//! 2^32 and of 1M random `i64`, N ignored).

use embedis::{Config, Keyspace};

const MEMBERS: u64 = 1_000_000;

mod support;
use support::Rng;

fn build(ks: &mut Keyspace, key: &[u8], mut member: impl FnMut(u64) -> i64) {
    for i in 0..MEMBERS {
        ks.sadd(key, &[member(i).to_string().as_bytes()]).unwrap();
    }
}

fn per_member(ks: &mut Keyspace, key: &[u8]) -> f64 {
    let n = ks.scard(key).unwrap();
    ks.memory_usage(key, 0).unwrap() as f64 / n as f64
}

fn memory() {
    let mut ks = Keyspace::new(Config::default());
    build(&mut ks, b"seq", |i| i as i64);
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    build(&mut ks, b"r32", |_| (rng.next() >> 32) as i64);
    build(&mut ks, b"r64", |_| rng.next() as i64);
    for key in [&b"seq"[..], b"r32", b"r64"] {
        let b = per_member(&mut ks, key);
        let enc = ks.object_encoding(key).unwrap();
        println!(
            "{}: {} members, {b:.2} B/member (MEMORY USAGE), encoding {}",
            String::from_utf8_lossy(key),
            ks.scard(key).unwrap(),
            enc.as_str()
        );
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(op), Some(n)) = (args.get(1), args.get(2).and_then(|n| n.parse::<u64>().ok())) else {
        eprintln!("usage: set_ops sadd|saddrand|sismember|smiss|srandmember|spop|memory N");
        std::process::exit(2);
    };
    if op == "memory" {
        memory();
        return;
    }
    let mut ks = Keyspace::new(Config::default());
    build(&mut ks, b"sbig", |i| i as i64);
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    let texts: Vec<String> = (0..n)
        .map(|k| match op.as_str() {
            "sadd" => (MEMBERS + k).to_string(),
            "saddrand" => (rng.next() as i64).to_string(),
            "smiss" => (-1 - (rng.next() % MEMBERS) as i64).to_string(),
            _ => (rng.next() % MEMBERS).to_string(),
        })
        .collect();
    let mut sum = 0usize;
    for t in &texts {
        let m = t.as_bytes();
        sum += match op.as_str() {
            "sadd" | "saddrand" => ks.sadd(b"sbig", &[m]).unwrap(),
            "sismember" | "smiss" => usize::from(ks.sismember(b"sbig", m).unwrap()),
            "srandmember" => ks.srandmember(b"sbig").unwrap().map_or(0, |v| v.len()),
            "spop" => ks.spop(b"sbig").unwrap().map_or(0, |v| v.len()),
            _ => panic!("unknown operation {op}"),
        };
    }
    println!("{op} x {n}: {sum}");
}
