//! Sets (group `set`): SADD of a new member and SISMEMBER on both sides of
//! the intset/hashtable threshold (512 integers), the SADD that converts
//! (513th integer, or a first non-integer), the SADD that widens an intset
//! from int16 to int32, one set of 1M integers and one of 1M strings, and
//! SINTER/SUNIONSTORE of two 10k-member sets of each kind.
//!
//! Run: `cargo bench --bench sets` (e.g. `-- set/sadd` for part of it).

// criterion_group!/criterion_main! generate undocumented items.
#![allow(missing_docs)]

mod common;

use std::hint::black_box;

use common::{PROBES, Rng, assert_encoding, per_key, restore_from, steady};
use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion, criterion_group, criterion_main};
use embedis::Keyspace;

const SMALL_KEYS: u64 = 100_000;
const EDGE_KEYS: u64 = 1000;
const BIG: u64 = 1_000_000;
/// The smallest integer in the datasets (above the int16 range, so every
/// intset is int32 from the start).
const BASE: u64 = 100_000;
/// An integer member no dataset holds (fits the int32 width the datasets
/// already use, so adding it never widens an intset).
const NEW_INT: &[u8] = b"1999999999";

fn decimal(v: u64) -> Vec<u8> {
    v.to_string().into_bytes()
}

/// SADDs the integers `base .. base + members` to `key`.
fn fill(ks: &mut Keyspace, key: &[u8], base: u64, members: u64) {
    fill_with(ks, key, base, members, decimal);
}

/// `keys` sets `s:0` ..; set `k` holds the integers `BASE + k*1000 ..` (`members`
/// of them), as a hashtable when `hashtable` (built under a lowered
/// threshold, which is then restored).
fn dataset(keys: u64, members: u64, hashtable: bool) -> (Keyspace, Vec<Vec<u8>>) {
    let mut ks = common::keyspace();
    if hashtable {
        ks.config_mut().set_max_intset_entries = 0;
    }
    let names = common::names("s:", keys);
    for (k, key) in names.iter().enumerate() {
        fill(&mut ks, key, BASE + k as u64 * 1000, members);
    }
    ks.config_mut().set_max_intset_entries = 512;
    (ks, names)
}

fn sadd_each(
    g: &mut BenchmarkGroup<'_, WallTime>,
    id: &str,
    ks: &mut Keyspace,
    keys: &[Vec<u8>],
    member: &[u8],
    template: Option<&'static [u8]>,
) {
    let mut next = 0;
    g.bench_function(id, |b| {
        let op = |ks: &mut Keyspace, k: &[u8]| {
            black_box(ks.sadd(k, &[member]).unwrap());
        };
        match template {
            None => per_key(b, ks, keys, &mut next, op, |ks, k| {
                ks.srem(k, &[member]).unwrap();
            }),
            Some(t) => per_key(b, ks, keys, &mut next, op, restore_from(t)),
        }
    });
}

/// SISMEMBER of pseudo-random members (about half present) of
/// pseudo-random keys.
fn sismember_each(
    g: &mut BenchmarkGroup<'_, WallTime>,
    id: &str,
    ks: &mut Keyspace,
    keys: &[Vec<u8>],
    members: u64,
) {
    let mut rng = Rng::new(13);
    let probes: Vec<(usize, Vec<u8>)> = (0..PROBES)
        .map(|_| {
            let k = rng.below(keys.len() as u64);
            (
                k as usize,
                decimal(BASE + k * 1000 + rng.below(2 * members)),
            )
        })
        .collect();
    let mut at = 0;
    g.bench_function(id, |b| {
        b.iter(|| {
            at = (at + 1) & (PROBES - 1);
            let (k, m) = &probes[at];
            black_box(ks.sismember(&keys[*k], m).unwrap())
        });
    });
}

/// 100k intsets of 9 integers: SADD of a 10th, SISMEMBER, and the SADD of
/// a non-integer that converts a 10-member intset.
fn small(c: &mut Criterion) {
    let mut g = c.benchmark_group("set");
    let (mut ks, keys) = dataset(SMALL_KEYS, 9, false);
    assert_encoding(&mut ks, &keys[0], "intset");
    sadd_each(&mut g, "sadd/intset/10", &mut ks, &keys, NEW_INT, None);
    sismember_each(&mut g, "sismember/intset/10", &mut ks, &keys, 9);
    drop(ks);
    let (mut ks, keys) = dataset(EDGE_KEYS, 10, false);
    fill(&mut ks, b"template", BASE, 10);
    let id = "sadd/intset-to-hashtable/non-integer";
    sadd_each(&mut g, id, &mut ks, &keys, b"member", Some(b"template"));
    g.finish();
}

/// The 512-entry threshold: SADD of the 512th integer into intsets, of the
/// 513th into hashtables and into intsets (the conversion); SISMEMBER at
/// 512 and 513.
fn entries_threshold(c: &mut Criterion) {
    let mut g = c.benchmark_group("set");
    let (mut ks, keys) = dataset(EDGE_KEYS, 511, false);
    sadd_each(&mut g, "sadd/intset/512", &mut ks, &keys, NEW_INT, None);
    assert_encoding(&mut ks, &keys[0], "intset");
    for (k, key) in keys.iter().enumerate() {
        fill(&mut ks, key, BASE + k as u64 * 1000 + 511, 1);
    }
    fill(&mut ks, b"template", BASE, 512);
    assert_encoding(&mut ks, &keys[0], "intset");
    let id = "sadd/intset-to-hashtable/513";
    sadd_each(&mut g, id, &mut ks, &keys, NEW_INT, Some(b"template"));
    sismember_each(&mut g, "sismember/intset/512", &mut ks, &keys, 512);
    drop(ks);
    let (mut ks, keys) = dataset(EDGE_KEYS, 512, true);
    assert_encoding(&mut ks, &keys[0], "hashtable");
    sadd_each(&mut g, "sadd/hashtable/513", &mut ks, &keys, NEW_INT, None);
    sismember_each(&mut g, "sismember/hashtable/513", &mut ks, &keys, 512);
    g.finish();
}

/// The intset's element width: SADD of a new integer that fits the int16
/// width of 100-member intsets of small integers, and of one that needs
/// int32 (the whole intset is rewritten wider).
fn width_threshold(c: &mut Criterion) {
    let mut g = c.benchmark_group("set");
    let keys = common::names("w:", EDGE_KEYS);
    let mut ks = common::keyspace();
    for key in keys.iter().chain([&b"template".to_vec()]) {
        fill(&mut ks, key, 0, 100);
    }
    assert_encoding(&mut ks, &keys[0], "intset");
    sadd_each(
        &mut g,
        "sadd/intset/int16/100",
        &mut ks,
        &keys,
        b"30000",
        None,
    );
    let id = "sadd/intset/int16-to-int32/100";
    sadd_each(&mut g, id, &mut ks, &keys, b"70000", Some(b"template"));
    g.finish();
}

/// A set member: the integer `v`, or the string `m:v`.
type Member = fn(u64) -> Vec<u8>;

fn string_member(v: u64) -> Vec<u8> {
    common::name("m:", v)
}

/// Since all-integer sets past the intset limit have their own layout
/// (still reported `hashtable`), the big sets come in both kinds.
const KINDS: [(&str, Member); 2] = [("integers", decimal), ("strings", string_member)];

/// SADDs `make(base) .. make(base + n - 1)` to `key`.
fn fill_with(ks: &mut Keyspace, key: &[u8], base: u64, n: u64, make: Member) {
    let all: Vec<Vec<u8>> = (base..base + n).map(make).collect();
    for chunk in all.chunks(1000) {
        ks.sadd(key, &common::refs(chunk)).unwrap();
    }
}

/// One set of 1M members `BASE ..` of each kind: SADD of new members,
/// SISMEMBER (half the probes present).
fn big(c: &mut Criterion) {
    let mut g = c.benchmark_group("set");
    for (kind, make) in KINDS {
        let build = || {
            let mut ks = common::keyspace();
            fill_with(&mut ks, b"s", BASE, BIG, make);
            assert_encoding(&mut ks, b"s", "hashtable");
            ks
        };
        let mut state: Option<Keyspace> = None;
        let mut next = BASE + 2 * BIG;
        g.bench_function(format!("sadd/hashtable/{kind}/1M"), |b| {
            let ks = state.get_or_insert_with(build);
            steady(
                b,
                ks,
                1000,
                &mut next,
                |ks, i| {
                    black_box(ks.sadd(b"s", &[&make(i)]).unwrap());
                },
                |ks, r| {
                    let members: Vec<Vec<u8>> = r.map(make).collect();
                    ks.srem(b"s", &common::refs(&members)).unwrap();
                },
            );
        });
        let mut rng = Rng::new(17);
        let probes: Vec<Vec<u8>> = (0..PROBES)
            .map(|_| make(BASE + rng.below(2 * BIG)))
            .collect();
        let mut at = 0;
        g.bench_function(format!("sismember/hashtable/{kind}/1M"), |b| {
            let ks = state.get_or_insert_with(build);
            b.iter(|| {
                at = (at + 1) & (PROBES - 1);
                black_box(ks.sismember(b"s", &probes[at]).unwrap())
            });
        });
    }
    g.finish();
}

/// SINTER and SUNIONSTORE of two 10k-member hashtable sets overlapping by
/// half, of each kind.
fn setops(c: &mut Criterion) {
    let mut g = c.benchmark_group("set");
    for (kind, make) in KINDS {
        let mut ks = common::keyspace();
        fill_with(&mut ks, b"a", BASE, 10_000, make);
        fill_with(&mut ks, b"b", BASE + 5_000, 10_000, make);
        assert_encoding(&mut ks, b"a", "hashtable");
        let keys: [&[u8]; 2] = [b"a", b"b"];
        g.bench_function(format!("sinter/hashtable/{kind}/2x10k"), |b| {
            b.iter(|| black_box(ks.sinter(&keys).unwrap()));
        });
        g.bench_function(format!("sunionstore/hashtable/{kind}/2x10k"), |b| {
            b.iter(|| black_box(ks.sunionstore(b"dst", &keys).unwrap()));
        });
    }
    g.finish();
}

criterion_group!(
    benches,
    small,
    entries_threshold,
    width_threshold,
    big,
    setops
);
criterion_main!(benches);
