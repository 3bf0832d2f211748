//! Strings (group `string`): GET, SET, INCR, APPEND and MGET on a keyspace
//! of 1M keys of one encoding (embstr 16-byte values, raw 100-byte values,
//! int), and the embstr/raw crossover at 44/45 bytes.
//!
//! Run: `cargo bench --bench strings` (a filter such as `-- string/get`
//! runs part of it; `--quick` shortens each bench).

// criterion_group!/criterion_main! generate undocumented items.
#![allow(missing_docs)]

mod common;

use std::hint::black_box;

use common::{Probes, name, steady, value};
use criterion::{Criterion, criterion_group, criterion_main};
use embedis::{Encoding, Keyspace, SetOptions};

const N: u64 = 1_000_000;

/// A keyspace holding `key:0` .. `key:{N-1}`, key `i` set to `value(i)`.
fn loaded(value: impl Fn(u64) -> Vec<u8>) -> Keyspace {
    let mut ks = common::keyspace();
    let opts = SetOptions::default();
    for i in 0..N {
        ks.set(&name("key:", i), &value(i), &opts).unwrap();
    }
    ks
}

/// Makes the value of key `i`.
type MakeValue = fn(u64) -> Vec<u8>;

fn embstr(_: u64) -> Vec<u8> {
    b"value-0123456789".to_vec()
}

fn raw(_: u64) -> Vec<u8> {
    value(100)
}

fn int(i: u64) -> Vec<u8> {
    i.to_string().into_bytes()
}

/// GET hits (and misses) and SET overwrites on the 1M-key keyspace of each
/// encoding; INCR on the int one.
fn point_ops(c: &mut Criterion) {
    let mut g = c.benchmark_group("string");
    let opts = SetOptions::default();
    let datasets: [(&str, MakeValue); 3] = [("embstr", embstr), ("raw", raw), ("int", int)];
    for (enc, make) in datasets {
        let mut ks: Option<Keyspace> = None;
        let mut probes = Probes::new("key:", N, 1);
        g.bench_function(format!("get/{enc}/1M"), |b| {
            let ks = ks.get_or_insert_with(|| loaded(make));
            assert_eq!(
                ks.object_encoding(b"key:7").map(Encoding::as_str),
                Some(enc)
            );
            b.iter(|| black_box(ks.get(probes.pick()).unwrap()));
        });
        let v = make(12345);
        g.bench_function(format!("set/{enc}/1M"), |b| {
            let ks = ks.get_or_insert_with(|| loaded(make));
            b.iter(|| black_box(ks.set(probes.pick(), &v, &opts).unwrap()));
        });
        if enc == "int" {
            g.bench_function("incr/int/1M", |b| {
                let ks = ks.get_or_insert_with(|| loaded(make));
                b.iter(|| black_box(ks.incr(probes.pick()).unwrap()));
            });
        }
        if enc == "embstr" {
            let mut misses = Probes::new("miss:", N, 2);
            g.bench_function("get/miss/1M", |b| {
                let ks = ks.get_or_insert_with(|| loaded(make));
                b.iter(|| black_box(ks.get(misses.pick()).unwrap()));
            });
            // A new key per iteration; each chunk's keys are deleted again.
            let mut next = 0;
            g.bench_function("set/embstr/new-key/1M", |b| {
                let ks = ks.get_or_insert_with(|| loaded(make));
                steady(
                    b,
                    ks,
                    1000,
                    &mut next,
                    |ks, i| {
                        black_box(ks.set(&name("new:", i), &v, &opts).unwrap());
                    },
                    |ks, r| {
                        for i in r {
                            ks.del(&[&name("new:", i)]);
                        }
                    },
                );
            });
            let keys: Vec<Vec<u8>> = (0..10).map(|i| name("key:", i * 99_991)).collect();
            let refs = common::refs(&keys);
            g.bench_function("mget/embstr/10-keys/1M", |b| {
                let ks = ks.get_or_insert_with(|| loaded(make));
                b.iter(|| black_box(ks.mget(&refs)));
            });
        }
    }
    g.finish();
}

/// The embstr/raw boundary: values of 44 bytes are embstr, 45 bytes raw.
/// SET overwrites and GETs on 4096 keys holding values of each size, and
/// APPEND to a raw string kept near 1 KB.
fn crossover(c: &mut Criterion) {
    let mut g = c.benchmark_group("string");
    let opts = SetOptions::default();
    for (enc, len) in [("embstr", 44), ("raw", 45)] {
        let v = value(len);
        let mut ks = common::keyspace();
        for i in 0..4096 {
            ks.set(&name("k:", i), &v, &opts).unwrap();
        }
        assert_eq!(ks.object_encoding(b"k:0").map(Encoding::as_str), Some(enc));
        let mut probes = Probes::new("k:", 4096, 3);
        g.bench_function(format!("set/{enc}/{len}B"), |b| {
            b.iter(|| black_box(ks.set(probes.pick(), &v, &opts).unwrap()));
        });
        g.bench_function(format!("get/{enc}/{len}B"), |b| {
            b.iter(|| black_box(ks.get(probes.pick()).unwrap()));
        });
    }
    let base = value(1024);
    let mut ks = common::keyspace();
    ks.set(b"s", &base, &opts).unwrap();
    let mut next = 0;
    g.bench_function("append/raw/16B-to-1KB", |b| {
        steady(
            b,
            &mut ks,
            64,
            &mut next,
            |ks, _| {
                black_box(ks.append(b"s", b"0123456789abcdef").unwrap());
            },
            |ks, _| {
                ks.set(b"s", &base, &opts).unwrap();
            },
        );
    });
    g.finish();
}

criterion_group!(benches, point_ops, crossover);
criterion_main!(benches);
