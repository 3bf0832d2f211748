//! Hashes (group `hash`): HSET of a new field, HGET and HGETALL on both
//! sides of each listpack/hashtable threshold (512 entries, 64-byte
//! values), the HSET that converts, and one hash of 1M fields.
//!
//! Run: `cargo bench --bench hashes` (e.g. `-- hash/hset` for part of it).

// criterion_group!/criterion_main! generate undocumented items.
#![allow(missing_docs)]

mod common;

use std::hint::black_box;

use common::{PROBES, Rng, assert_encoding, name, names, per_key, restore_from, steady, value};
use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion, criterion_group, criterion_main};
use embedis::Keyspace;

/// Keys per dataset for the small-hash benches (each operation goes to the
/// next key, so no key grows by more than one field).
const SMALL_KEYS: u64 = 100_000;
/// Keys per dataset at the 512-entry threshold.
const EDGE_KEYS: u64 = 1000;
const BIG: u64 = 1_000_000;

/// HSETs `fields` fields (`field:0` ..) with value `v` into each of `keys`,
/// as a hashtable when `hashtable` (built under a lowered threshold, which
/// is then restored).
fn fill(ks: &mut Keyspace, keys: &[Vec<u8>], fields: u64, v: &[u8], hashtable: bool) {
    let saved = ks.config().hash_max_listpack_entries;
    if hashtable {
        ks.config_mut().hash_max_listpack_entries = 0;
    }
    let names = names("field:", fields);
    for k in keys {
        for chunk in names.chunks(64) {
            let pairs: Vec<(&[u8], &[u8])> = chunk.iter().map(|f| (f.as_slice(), v)).collect();
            ks.hset(k, &pairs).unwrap();
        }
    }
    ks.config_mut().hash_max_listpack_entries = saved;
}

/// A keyspace with `keys` hashes `h:0` .. of `fields` fields each.
fn dataset(keys: u64, fields: u64, v: &[u8], hashtable: bool) -> (Keyspace, Vec<Vec<u8>>) {
    let mut ks = common::keyspace();
    let keys = names("h:", keys);
    fill(&mut ks, &keys, fields, v, hashtable);
    (ks, keys)
}

/// How a key is taken back to its base state after the timed HSET.
enum Undo {
    /// HDEL the field again.
    Hdel,
    /// COPY the template key over it (the HSET changed its encoding).
    CopyFrom(&'static [u8]),
}

/// Times HSET of `field` = `v` into the next key of `keys` (one per key
/// per chunk); each key is restored by `undo` outside the timing.
fn hset_each(
    g: &mut BenchmarkGroup<'_, WallTime>,
    id: &str,
    ks: &mut Keyspace,
    keys: &[Vec<u8>],
    (field, v): (&[u8], &[u8]),
    undo: Undo,
) {
    let mut next = 0;
    g.bench_function(id, |b| {
        let op = |ks: &mut Keyspace, k: &[u8]| {
            black_box(ks.hset(k, &[(field, v)]).unwrap());
        };
        match undo {
            Undo::Hdel => per_key(b, ks, keys, &mut next, op, |ks, k| {
                ks.hdel(k, &[field]).unwrap();
            }),
            Undo::CopyFrom(t) => per_key(b, ks, keys, &mut next, op, restore_from(t)),
        }
    });
}

/// Times HGET of pseudo-random existing fields of pseudo-random keys.
fn hget_each(
    g: &mut BenchmarkGroup<'_, WallTime>,
    id: &str,
    ks: &mut Keyspace,
    keys: &[Vec<u8>],
    fields: u64,
) {
    let mut rng = Rng::new(11);
    let probes: Vec<(usize, Vec<u8>)> = (0..PROBES)
        .map(|_| {
            let k = rng.below(keys.len() as u64) as usize;
            (k, name("field:", rng.below(fields)))
        })
        .collect();
    let mut at = 0;
    g.bench_function(id, |b| {
        b.iter(|| {
            at = (at + 1) & (PROBES - 1);
            let (k, f) = &probes[at];
            black_box(ks.hget(&keys[*k], f).unwrap())
        });
    });
}

/// 100k hashes of 9 fields: HSET of a 10th field and HGET.
fn small(c: &mut Criterion) {
    let mut g = c.benchmark_group("hash");
    let v = value(10);
    let (mut ks, keys) = dataset(SMALL_KEYS, 9, &v, false);
    assert_encoding(&mut ks, &keys[0], "listpack");
    hset_each(
        &mut g,
        "hset/listpack/10",
        &mut ks,
        &keys,
        (b"new", &v),
        Undo::Hdel,
    );
    hget_each(&mut g, "hget/listpack/10", &mut ks, &keys, 9);
    g.finish();
}

/// The 512-entry threshold: HSET of the 512th field into listpack hashes,
/// of the 513th into hashtable hashes, and of the 513th into listpack
/// hashes (the conversion); HGET and HGETALL at 512 and 513.
fn entries_threshold(c: &mut Criterion) {
    let mut g = c.benchmark_group("hash");
    let v = value(10);
    let (mut ks, keys) = dataset(EDGE_KEYS, 511, &v, false);
    hset_each(
        &mut g,
        "hset/listpack/512",
        &mut ks,
        &keys,
        (b"new", &v),
        Undo::Hdel,
    );
    assert_encoding(&mut ks, &keys[0], "listpack");
    fill(&mut ks, &keys, 512, &v, false);
    fill(&mut ks, &[b"template".to_vec()], 512, &v, false);
    assert_encoding(&mut ks, &keys[0], "listpack");
    let field = (b"new".as_slice(), v.as_slice());
    hset_each(
        &mut g,
        "hset/listpack-to-hashtable/513",
        &mut ks,
        &keys,
        field,
        Undo::CopyFrom(b"template"),
    );
    hget_each(&mut g, "hget/listpack/512", &mut ks, &keys, 512);
    g.bench_function("hgetall/listpack/512", |b| {
        b.iter(|| black_box(ks.hgetall(&keys[7]).unwrap()));
    });
    drop(ks);

    let (mut ks, keys) = dataset(EDGE_KEYS, 512, &v, true);
    assert_encoding(&mut ks, &keys[0], "hashtable");
    hset_each(
        &mut g,
        "hset/hashtable/513",
        &mut ks,
        &keys,
        field,
        Undo::Hdel,
    );
    hget_each(&mut g, "hget/hashtable/513", &mut ks, &keys, 512);
    ks.hset(&keys[7], &[field]).unwrap();
    g.bench_function("hgetall/hashtable/513", |b| {
        b.iter(|| black_box(ks.hgetall(&keys[7]).unwrap()));
    });
    g.finish();
}

/// The 64-byte value threshold on hashes of 10 fields: HSET overwriting a
/// field and HGET with 64-byte values (listpack) and 65-byte values
/// (hashtable), and the HSET of a 65-byte value that converts.
fn value_threshold(c: &mut Criterion) {
    let mut g = c.benchmark_group("hash");
    for (enc, len) in [("listpack", 64), ("hashtable", 65)] {
        let v = value(len);
        let (mut ks, keys) = dataset(EDGE_KEYS, 10, &v, false);
        assert_encoding(&mut ks, &keys[0], enc);
        let mut rng = Rng::new(5);
        let mut next = 0;
        let id = format!("hset/{enc}/{len}B-value");
        let field = names("field:", 10);
        g.bench_function(&id, |b| {
            b.iter(|| {
                next += 1;
                let k = &keys[rng.below(EDGE_KEYS) as usize];
                black_box(ks.hset(k, &[(&field[next % 10], &v)]).unwrap())
            });
        });
        hget_each(
            &mut g,
            &format!("hget/{enc}/{len}B-value"),
            &mut ks,
            &keys,
            10,
        );
    }
    let (mut ks, keys) = dataset(EDGE_KEYS, 10, &value(64), false);
    fill(&mut ks, &[b"template".to_vec()], 10, &value(64), false);
    let long = value(65);
    let id = "hset/listpack-to-hashtable/65B-value";
    hset_each(
        &mut g,
        id,
        &mut ks,
        &keys,
        (b"new", &long),
        Undo::CopyFrom(b"template"),
    );
    g.finish();
}

/// One hash of 1M fields: HSET of a new field and HGET.
fn big(c: &mut Criterion) {
    let mut g = c.benchmark_group("hash");
    let v = value(10);
    let mut state: Option<(Keyspace, Vec<Vec<u8>>)> = None;
    let build = || dataset(1, BIG, &v, false);
    let mut next = 0;
    g.bench_function("hset/hashtable/1M", |b| {
        let (ks, _) = state.get_or_insert_with(build);
        steady(
            b,
            ks,
            1000,
            &mut next,
            |ks, i| {
                black_box(ks.hset(b"h:0", &[(&name("new:", i), &v)]).unwrap());
            },
            |ks, r| {
                let fields: Vec<Vec<u8>> = r.map(|i| name("new:", i)).collect();
                ks.hdel(b"h:0", &common::refs(&fields)).unwrap();
            },
        );
    });
    let mut probes = common::Probes::new("field:", BIG, 9);
    g.bench_function("hget/hashtable/1M", |b| {
        let (ks, _) = state.get_or_insert_with(build);
        b.iter(|| black_box(ks.hget(b"h:0", probes.pick()).unwrap()));
    });
    g.finish();
}

criterion_group!(benches, small, entries_threshold, value_threshold, big);
criterion_main!(benches);
