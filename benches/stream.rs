//! Streams: XADD of 2-field entries (one at a time onto a growing stream),
//! XRANGE of 100 entries out of 1M, and a task-queue cycle (XREADGROUP
//! COUNT 10 + XACK of what was read) over 1M entries. Also prints the heap
//! bytes per entry the stream accounts for after 1M XADDs (dataset j; the
//! allocator-counted figure comes from `compare/`, see docs/performance.md).
//!
//! Run: `cargo bench --bench bench -- stream/` (add `--quick` for a short run).

use std::hint::black_box;

use criterion::Criterion;
use embedis::types::stream::{ReadFrom, StreamId, XAddId, XAddOptions};
use embedis::{Config, Keyspace};

const ENTRIES: u64 = 1_000_000;

/// Entry `i`: four entries per millisecond, as a busy producer's.
fn id(i: u64) -> StreamId {
    StreamId::new(1_700_000_000_000 + i / 4, i % 4)
}

fn add(ks: &mut Keyspace, key: &[u8], i: u64) {
    let v = i.to_string();
    let fields: [(&[u8], &[u8]); 2] = [(b"user", v.as_bytes()), (b"action", b"click")];
    ks.xadd(
        key,
        XAddId::Explicit(id(i)),
        &fields,
        &XAddOptions::default(),
    )
    .unwrap();
}

fn loaded(n: u64) -> Keyspace {
    let mut ks = Keyspace::new(Config::default());
    for i in 0..n {
        add(&mut ks, b"s", i);
    }
    ks
}

pub(crate) fn register_benches(c: &mut Criterion) {
    let mut g = c.benchmark_group("stream");
    g.sample_size(10);
    let mut fresh = Keyspace::new(Config::default());
    let mut next = 0u64;
    g.bench_function("xadd/2-field/append", |b| {
        b.iter(|| {
            add(&mut fresh, b"s", next);
            next += 1;
        })
    });
    drop(fresh);

    let mut ks = loaded(ENTRIES);
    let bytes = ks.stream_value(b"s").unwrap().heap_bytes();
    eprintln!(
        "stream: {ENTRIES} 2-field entries: {bytes} heap bytes accounted, {:.1} per entry",
        bytes as f64 / ENTRIES as f64
    );
    let mut start = 0u64;
    g.bench_function("xrange/100/1M", |b| {
        b.iter(|| {
            start = (start + 7919) % (ENTRIES - 200);
            let got = ks.xrange(b"s", id(start), StreamId::MAX, Some(100));
            black_box(got.unwrap())
        })
    });
    ks.xgroup_create(b"s", b"g", ReadFrom::After(StreamId::MIN), false, None)
        .unwrap();
    g.bench_function("xreadgroup-count10-xack/1M", |b| {
        b.iter(|| {
            let mut got = ks
                .xreadgroup(b"g", b"worker", &[(b"s", ReadFrom::New)], 10, false)
                .unwrap();
            if got.is_empty() {
                // The group read everything: start over (rare: every 100k cycles).
                ks.xgroup_setid(b"s", b"g", ReadFrom::After(StreamId::MIN), None)
                    .unwrap();
                got = ks
                    .xreadgroup(b"g", b"worker", &[(b"s", ReadFrom::New)], 10, false)
                    .unwrap();
            }
            let ids: Vec<StreamId> = got[0].entries.iter().map(|e| e.0).collect();
            black_box(ks.xack(b"s", b"g", &ids).unwrap())
        })
    });
    g.finish();
}
