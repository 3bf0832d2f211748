//! Streams (group `stream`): XADD of 2-field entries onto a stream of 1M
//! entries, XRANGE/XREVRANGE/XREAD of 100 or 10 entries out of 1M, and a
//! task-queue cycle (XREADGROUP COUNT 10 + XACK of what was read). Also
//! prints the heap bytes per entry the stream accounts for after 1M XADDs
//! (dataset j; the allocator-counted figure comes from `compare/`, see
//! docs/performance.md). Streams have one encoding, so the names carry
//! none.
//!
//! Run: `cargo bench --bench streams` (e.g. `-- stream/xadd`).

// criterion_group!/criterion_main! generate undocumented items.
#![allow(missing_docs)]

mod common;

use std::hint::black_box;

use common::steady;
use criterion::{Criterion, criterion_group, criterion_main};
use embedis::Keyspace;
use embedis::types::stream::{ReadFrom, StreamId, XAddId, XAddOptions, XTrim, XTrimStrategy};

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

fn loaded() -> Keyspace {
    let mut ks = common::keyspace();
    for i in 0..ENTRIES {
        add(&mut ks, b"s", i);
    }
    let bytes = ks.stream_value(b"s").unwrap().heap_bytes();
    eprintln!(
        "stream: {ENTRIES} 2-field entries: {bytes} heap bytes accounted, {:.1} per entry",
        bytes as f64 / ENTRIES as f64
    );
    ks.xgroup_create(b"s", b"g", ReadFrom::After(StreamId::MIN), false, None)
        .unwrap();
    ks
}

fn streams(c: &mut Criterion) {
    let mut g = c.benchmark_group("stream");
    let mut state: Option<Keyspace> = None;
    // New entries after the last; each chunk is trimmed off the front again
    // (XTRIM MAXLEN = 1M), so the stream keeps 1M entries.
    let mut next = ENTRIES;
    let trim = XTrim {
        strategy: XTrimStrategy::MaxLen(ENTRIES),
        approx: false,
        limit: None,
    };
    g.bench_function("xadd/2-field/1M", |b| {
        let ks = state.get_or_insert_with(loaded);
        steady(
            b,
            ks,
            1000,
            &mut next,
            |ks, i| add(ks, b"s", i),
            |ks, _| {
                ks.xtrim(b"s", &trim).unwrap();
            },
        );
    });
    let mut at = 0u64;
    let mut start = || {
        at = (at + 7919) % (ENTRIES - 200);
        id(next - ENTRIES + at)
    };
    g.bench_function("xrange/100/1M", |b| {
        let ks = state.get_or_insert_with(loaded);
        b.iter(|| black_box(ks.xrange(b"s", start(), StreamId::MAX, Some(100)).unwrap()));
    });
    g.bench_function("xrevrange/100/1M", |b| {
        let ks = state.get_or_insert_with(loaded);
        b.iter(|| {
            black_box(
                ks.xrevrange(b"s", start(), StreamId::MIN, Some(100))
                    .unwrap(),
            )
        });
    });
    g.bench_function("xread/10/1M", |b| {
        let ks = state.get_or_insert_with(loaded);
        b.iter(|| black_box(ks.xread(&[(b"s", ReadFrom::After(start()))], 10).unwrap()));
    });
    g.bench_function("xreadgroup+xack/10/1M", |b| {
        let ks = state.get_or_insert_with(loaded);
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

criterion_group!(benches, streams);
criterion_main!(benches);
