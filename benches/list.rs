//! List operations on one list of small elements: pushes into a list
//! growing to 1M elements, pops, and LRANGE of 100 elements.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::Criterion;
use embedis::{Config, Keyspace};

const LEN: usize = 1_000_000;
const ELEM: &[u8] = b"element-01234567";

/// A keyspace holding list `l` of `LEN` 16-byte elements.
fn loaded() -> Keyspace {
    let mut ks = Keyspace::new(Config::default());
    for _ in 0..LEN {
        ks.rpush(b"l", &[ELEM]).unwrap();
    }
    ks
}

pub(crate) fn register_benches(c: &mut Criterion) {
    let mut g = c.benchmark_group("list");
    g.bench_function("rpush/16B/1M", |b| {
        let mut ks = Keyspace::new(Config::default());
        let mut len = 0;
        b.iter_custom(|iters| {
            let mut spent = Duration::ZERO;
            let mut left = iters;
            while left > 0 {
                if len == LEN {
                    ks.lpop(b"l", Some(LEN)).unwrap();
                    len = 0;
                }
                let n = left.min((LEN - len) as u64);
                let start = Instant::now();
                for _ in 0..n {
                    black_box(ks.rpush(b"l", &[ELEM]).unwrap());
                }
                spent += start.elapsed();
                len += n as usize;
                left -= n;
            }
            spent
        });
    });
    let mut ks = loaded();
    let bytes = ks.list_allocated_bytes(b"l").unwrap();
    eprintln!(
        "list of {LEN} x 16 B: {:.2} B/element allocated",
        bytes as f64 / LEN as f64
    );
    g.bench_function("lpop", |b| {
        let mut len = LEN;
        b.iter_custom(|iters| {
            let mut spent = Duration::ZERO;
            let mut left = iters;
            while left > 0 {
                if len == 0 {
                    ks = loaded();
                    len = LEN;
                }
                let n = left.min(len as u64);
                let start = Instant::now();
                for _ in 0..n {
                    black_box(ks.lpop(b"l", None).unwrap());
                }
                spent += start.elapsed();
                len -= n as usize;
                left -= n;
            }
            spent
        });
    });
    let mut ks = loaded();
    g.bench_function("lrange/100", |b| {
        b.iter(|| black_box(ks.lrange(b"l", 500_000, 500_099).unwrap()));
    });
    g.finish();
}
