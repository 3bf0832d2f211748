//! Streams: XADD of 1M 2-field entries (and the heap bytes per entry),
//! XRANGE of 100 entries, and a task-queue cycle (XREADGROUP COUNT 10 +
//! XACK of what was read).

use std::hint::black_box;

use criterion::{BatchSize, Criterion};
use embedis::types::stream::{ReadFrom, StreamId, XAddId, XAddOptions};
use embedis::{Config, Keyspace};

const ENTRIES: u64 = 1_000_000;

fn add(ks: &mut Keyspace, key: &[u8], i: u64) {
    let v = i.to_string();
    let fields: [(&[u8], &[u8]); 2] = [(b"user", v.as_bytes()), (b"action", b"click")];
    let id = XAddId::Explicit(StreamId::new(1_700_000_000_000 + i / 4, i % 4));
    ks.xadd(key, id, &fields, &XAddOptions::default()).unwrap();
}

fn loaded(n: u64) -> Keyspace {
    let mut ks = Keyspace::new(Config::default());
    for i in 0..n {
        add(&mut ks, b"s", i);
    }
    ks
}

pub(crate) fn register_benches(c: &mut Criterion) {
    let mut ks = loaded(ENTRIES);
    let bytes = ks.stream_value(b"s").unwrap().heap_bytes();
    eprintln!(
        "stream/xadd/1M: {bytes} heap bytes, {:.1} bytes per 2-field entry",
        bytes as f64 / ENTRIES as f64
    );
    let mut g = c.benchmark_group("stream");
    g.sample_size(10);
    g.bench_function("xadd/2-field/1M", |b| {
        b.iter_batched(
            || Keyspace::new(Config::default()),
            |mut ks| {
                for i in 0..ENTRIES {
                    add(&mut ks, b"s", i);
                }
                ks
            },
            BatchSize::PerIteration,
        )
    });
    let mut start = 0u64;
    g.bench_function("xrange/100/1M", |b| {
        b.iter(|| {
            start = (start + 7919) % (ENTRIES - 200);
            let from = StreamId::new(1_700_000_000_000 + start / 4, 0);
            black_box(ks.xrange(b"s", from, StreamId::MAX, Some(100)).unwrap())
        })
    });
    ks.xgroup_create(b"s", b"g", ReadFrom::After(StreamId::MIN), false, None)
        .unwrap();
    g.bench_function("xreadgroup-count10-xack/1M", |b| {
        b.iter(|| {
            let got = ks
                .xreadgroup(b"g", b"worker", &[(b"s", ReadFrom::New)], 10, false)
                .unwrap();
            let ids: Vec<StreamId> = got
                .iter()
                .flat_map(|r| r.entries.iter().map(|e| e.0))
                .collect();
            black_box(ks.xack(b"s", b"g", &ids).unwrap())
        })
    });
    g.finish();
}
