//! Lists (group `list`): pushes, pops, LINDEX, LSET and LRANGE on one list
//! of 1M 16-byte elements, as a plain quicklist and with
//! `list-compress-depth 1` (every node but the two ends LZF-compressed).
//! Redis 7.0 lists are always quicklists; the thresholds that matter are
//! the node size (`list-max-listpack-size`, 8 KB by default) and the
//! compression depth.
//!
//! Run: `cargo bench --bench lists` (e.g. `-- list/lindex` for part of it).

// criterion_group!/criterion_main! generate undocumented items.
#![allow(missing_docs)]

mod common;

use std::hint::black_box;

use common::{assert_encoding, steady};
use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion, criterion_group, criterion_main};
use embedis::Keyspace;

const LEN: u64 = 1_000_000;
const ELEM: &[u8] = b"element-01234567";
const MIDDLE: i64 = LEN as i64 / 2;

/// A keyspace holding list `l` of `LEN` elements (`element-` and 8
/// digits: 16 bytes, varied enough that compression does real work).
fn loaded(compress_depth: usize) -> Keyspace {
    let mut ks = Keyspace::new(common::config(|c| c.list_compress_depth = compress_depth));
    let elems: Vec<Vec<u8>> = (0..LEN)
        .map(|i| format!("element-{i:08}").into_bytes())
        .collect();
    for chunk in elems.chunks(1000) {
        ks.rpush(b"l", &common::refs(chunk)).unwrap();
    }
    assert_encoding(&mut ks, b"l", "quicklist");
    ks
}

fn report_memory(ks: &mut Keyspace, variant: &str) {
    let bytes = ks.list_allocated_bytes(b"l").unwrap();
    eprintln!(
        "list/{variant}/1M: {:.2} B/element allocated",
        bytes as f64 / LEN as f64
    );
}

/// Pushes at one end and pops at the same end, each kept at 1M elements
/// by the opposite operation outside the timing.
fn push_pop(
    g: &mut BenchmarkGroup<'_, WallTime>,
    variant: &str,
    ks: &mut Option<Keyspace>,
    depth: usize,
) {
    let mut next = 0;
    for (cmd, left) in [("rpush", false), ("lpush", true)] {
        g.bench_function(format!("{cmd}/{variant}/1M"), |b| {
            let ks = ks.get_or_insert_with(|| loaded(depth));
            steady(
                b,
                ks,
                1000,
                &mut next,
                |ks, _| {
                    let n = if left {
                        ks.lpush(b"l", &[ELEM])
                    } else {
                        ks.rpush(b"l", &[ELEM])
                    };
                    black_box(n.unwrap());
                },
                |ks, r| {
                    let n = Some(r.count());
                    if left {
                        ks.lpop(b"l", n)
                    } else {
                        ks.rpop(b"l", n)
                    }
                    .unwrap();
                },
            );
        });
    }
    g.bench_function(format!("lpop/{variant}/1M"), |b| {
        let ks = ks.get_or_insert_with(|| loaded(depth));
        // The state carries the popped elements to the untimed push-back.
        let mut state = (ks, Vec::new());
        steady(
            b,
            &mut state,
            1000,
            &mut next,
            |(ks, popped), _| popped.push(ks.lpop(b"l", None).unwrap().unwrap()),
            |(ks, popped), _| {
                for batch in popped.drain(..).rev() {
                    ks.lpush(b"l", &common::refs(&batch)).unwrap();
                }
            },
        );
    });
}

/// LINDEX and LSET at the middle and LRANGE of 100 there: each walks to a
/// node, and with compression has to decompress it.
fn reads(
    g: &mut BenchmarkGroup<'_, WallTime>,
    variant: &str,
    ks: &mut Option<Keyspace>,
    depth: usize,
) {
    g.bench_function(format!("lindex/{variant}/middle/1M"), |b| {
        let ks = ks.get_or_insert_with(|| loaded(depth));
        let mut i = 0;
        b.iter(|| {
            i = (i + 7919) % 4096;
            black_box(ks.lindex(b"l", MIDDLE + i).unwrap())
        });
    });
    g.bench_function(format!("lindex/{variant}/head/1M"), |b| {
        let ks = ks.get_or_insert_with(|| loaded(depth));
        b.iter(|| black_box(ks.lindex(b"l", 5).unwrap()));
    });
    g.bench_function(format!("lset/{variant}/middle/1M"), |b| {
        let ks = ks.get_or_insert_with(|| loaded(depth));
        let mut i = 0;
        b.iter(|| {
            i = (i + 7919) % 4096;
            ks.lset(b"l", MIDDLE + i, ELEM).unwrap();
        });
    });
    g.bench_function(format!("lrange/{variant}/100/1M"), |b| {
        let ks = ks.get_or_insert_with(|| loaded(depth));
        b.iter(|| black_box(ks.lrange(b"l", MIDDLE, MIDDLE + 99).unwrap()));
    });
}

fn benches_for(c: &mut Criterion, variant: &str, depth: usize) {
    let mut g = c.benchmark_group("list");
    let mut ks = None;
    push_pop(&mut g, variant, &mut ks, depth);
    reads(&mut g, variant, &mut ks, depth);
    if let Some(ks) = ks.as_mut() {
        report_memory(ks, variant);
    }
    g.finish();
}

fn quicklist(c: &mut Criterion) {
    benches_for(c, "quicklist", 0);
}

fn compressed(c: &mut Criterion) {
    benches_for(c, "compressed-depth1", 1);
}

criterion_group!(benches, quicklist, compressed);
criterion_main!(benches);
