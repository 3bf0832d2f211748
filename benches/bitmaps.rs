//! Bitmaps (group `bitmap`): random SETBIT, GETBIT and BITFIELD over a
//! 10^8-bit bitmap, and the whole-string scans (BITCOUNT, BITPOS, BITOP)
//! over 12.5 MB (10^8 bits) strings. Bitmaps are raw strings, so the names
//! carry no encoding.
//!
//! Run: `cargo bench --bench bitmaps` (e.g. `-- bitmap/bitop` for part of it).

// criterion_group!/criterion_main! generate undocumented items.
#![allow(missing_docs)]

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use embedis::{BitOp, BitfieldOp, BitfieldType, Config, Keyspace};

/// Bits in the big bitmaps (12.5 MB).
const BITS: u64 = 100_000_000;

/// xorshift64: a fixed pseudo-random sequence.
fn next(x: &mut u64) -> u64 {
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    *x
}

/// A keyspace with `a` and `b`: 12.5 MB each, about half the bits set.
fn loaded() -> Keyspace {
    let mut ks = Keyspace::new(Config::default());
    let mut x = 0x9E37_79B9_7F4A_7C15;
    for key in [&b"a"[..], b"b"] {
        let bytes: Vec<u8> = (0..BITS / 8).map(|_| next(&mut x) as u8).collect();
        ks.set(key, &bytes, &Default::default()).unwrap();
    }
    // One set bit at the very end, after a long run of zeros, for BITPOS.
    ks.setbit(b"z", BITS - 1, 1).unwrap();
    ks
}

fn bitmaps(c: &mut Criterion) {
    let mut ks = loaded();
    let mut g = c.benchmark_group("bitmap");
    g.bench_function("setbit/random/1e8", |b| {
        let mut x = 1;
        b.iter(|| {
            let r = next(&mut x);
            ks.setbit(b"a", r % BITS, (r >> 63) as u8).unwrap()
        });
    });
    g.bench_function("getbit/random/1e8", |b| {
        let mut x = 7;
        b.iter(|| ks.getbit(b"a", next(&mut x) % BITS).unwrap());
    });
    g.bench_function("bitfield/incrby-u16/random/1e8", |b| {
        let ty = BitfieldType::new(false, 16).unwrap();
        let mut x = 3;
        b.iter(|| {
            let op = BitfieldOp::IncrBy {
                ty,
                offset: next(&mut x) % (BITS - 16),
                increment: 1,
            };
            ks.bitfield(b"a", &[op]).unwrap()
        });
    });
    g.bench_function("bitfield/get-i32/random/1e8", |b| {
        let ty = BitfieldType::new(true, 32).unwrap();
        let mut x = 5;
        b.iter(|| {
            let op = BitfieldOp::Get {
                ty,
                offset: next(&mut x) % (BITS - 32),
            };
            ks.bitfield(b"a", &[op]).unwrap()
        });
    });
    g.throughput(Throughput::Bytes(BITS / 8));
    g.bench_function("bitcount/12.5MB", |b| {
        b.iter(|| ks.bitcount(black_box(b"a"), None).unwrap());
    });
    g.bench_function("bitpos/after-zeros/12.5MB", |b| {
        b.iter(|| ks.bitpos(black_box(b"z"), 1, None).unwrap());
    });
    g.bench_function("bitop-and/12.5MB", |b| {
        b.iter(|| ks.bitop(BitOp::And, b"d", &[b"a", b"b"]).unwrap());
    });
    g.bench_function("bitop-not/12.5MB", |b| {
        b.iter(|| ks.bitop(BitOp::Not, b"d", &[b"a"]).unwrap());
    });
    g.finish();
}

criterion_group!(benches, bitmaps);
criterion_main!(benches);
