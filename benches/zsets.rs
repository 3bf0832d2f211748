//! Sorted sets (group `zset`): ZADD of a new member, ZSCORE and ZRANK on
//! both sides of each listpack/skiplist threshold (128 entries, 64-byte
//! members), the ZADD that converts, one zset of 1M members (ZADD new and
//! update, ZRANK, ZSCORE, top-100 ranges, ZPOPMIN), and ZUNIONSTORE /
//! ZINTERSTORE of two 100k-member zsets.
//!
//! Run: `cargo bench --bench zsets` (e.g. `-- zset/zadd` for part of it).

// criterion_group!/criterion_main! generate undocumented items.
#![allow(missing_docs)]

mod common;

use std::hint::black_box;

use common::{PROBES, Probes, Rng, assert_encoding, name, per_key, restore_from, steady};
use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion, criterion_group, criterion_main};
use embedis::encoding::SkipList;
use embedis::{Keyspace, ScoreRange, SetOpOptions, ZAddOptions, ZRange};

const SMALL_KEYS: u64 = 100_000;
const EDGE_KEYS: u64 = 1000;
const BIG: u64 = 1_000_000;
const OPTS: ZAddOptions = ZAddOptions {
    condition: None,
    compare: None,
    ch: false,
};

/// ZADDs `members` (member `i` with score `i`) to `key`.
fn fill(ks: &mut Keyspace, key: &[u8], members: &[Vec<u8>]) {
    for chunk in members.chunks(1000).zip((0..).step_by(1000)) {
        let (chunk, base) = chunk;
        let pairs: Vec<(f64, &[u8])> = chunk
            .iter()
            .enumerate()
            .map(|(j, m)| ((base + j) as f64, m.as_slice()))
            .collect();
        ks.zadd(key, &pairs, &OPTS).unwrap();
    }
}

/// `keys` zsets `z:0` .. holding `members` each, as skiplists when
/// `skiplist` (built under a lowered threshold, then restored).
fn dataset(keys: u64, members: &[Vec<u8>], skiplist: bool) -> (Keyspace, Vec<Vec<u8>>) {
    let mut ks = common::keyspace();
    if skiplist {
        ks.config_mut().zset_max_listpack_entries = 0;
    }
    let names = common::names("z:", keys);
    for key in &names {
        fill(&mut ks, key, members);
    }
    ks.config_mut().zset_max_listpack_entries = 128;
    (ks, names)
}

/// Members `member:0` .. of `len` bytes (zero-padded on the left).
fn members(n: u64, len: usize) -> Vec<Vec<u8>> {
    (0..n)
        .map(|i| format!("{:0>len$}", format!("member:{i}")).into_bytes())
        .collect()
}

/// ZADD of `member` (score 4.5, near the front) into the next key; undone by
/// ZREM, or by copying `template` when the ZADD converts.
fn zadd_each(
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
            black_box(ks.zadd(k, &[(4.5, member)], &OPTS).unwrap());
        };
        match template {
            None => per_key(b, ks, keys, &mut next, op, |ks, k| {
                ks.zrem(k, &[member]).unwrap();
            }),
            Some(t) => per_key(b, ks, keys, &mut next, op, restore_from(t)),
        }
    });
}

/// ZSCORE and ZRANK of pseudo-random members of pseudo-random keys.
fn reads_each(
    g: &mut BenchmarkGroup<'_, WallTime>,
    suffix: &str,
    ks: &mut Keyspace,
    keys: &[Vec<u8>],
    members: &[Vec<u8>],
) {
    let mut rng = Rng::new(19);
    let probes: Vec<(usize, usize)> = (0..PROBES)
        .map(|_| {
            let k = rng.below(keys.len() as u64) as usize;
            (k, rng.below(members.len() as u64) as usize)
        })
        .collect();
    let mut at = 0;
    g.bench_function(format!("zscore/{suffix}"), |b| {
        b.iter(|| {
            at = (at + 1) & (PROBES - 1);
            let (k, m) = probes[at];
            black_box(ks.zscore(&keys[k], &members[m]).unwrap())
        });
    });
    g.bench_function(format!("zrank/{suffix}"), |b| {
        b.iter(|| {
            at = (at + 1) & (PROBES - 1);
            let (k, m) = probes[at];
            black_box(ks.zrank(&keys[k], &members[m]).unwrap())
        });
    });
}

/// 100k listpack zsets of 9 members: ZADD of a 10th, ZSCORE, ZRANK.
fn small(c: &mut Criterion) {
    let mut g = c.benchmark_group("zset");
    let m = members(9, 0);
    let (mut ks, keys) = dataset(SMALL_KEYS, &m, false);
    assert_encoding(&mut ks, &keys[0], "listpack");
    zadd_each(&mut g, "zadd/listpack/10", &mut ks, &keys, b"new", None);
    reads_each(&mut g, "listpack/10", &mut ks, &keys, &m);
    g.finish();
}

/// The 128-entry threshold: ZADD of the 128th member into listpacks, of
/// the 129th into skiplists and into listpacks (the conversion); ZSCORE
/// and ZRANK at 128 and 129.
fn entries_threshold(c: &mut Criterion) {
    let mut g = c.benchmark_group("zset");
    let m = members(128, 0);
    let (mut ks, keys) = dataset(EDGE_KEYS, &m[..127], false);
    zadd_each(&mut g, "zadd/listpack/128", &mut ks, &keys, b"new", None);
    assert_encoding(&mut ks, &keys[0], "listpack");
    for key in keys.iter().chain([&b"template".to_vec()]) {
        fill(&mut ks, key, &m);
    }
    assert_encoding(&mut ks, &keys[0], "listpack");
    let id = "zadd/listpack-to-skiplist/129";
    zadd_each(&mut g, id, &mut ks, &keys, b"new", Some(b"template"));
    reads_each(&mut g, "listpack/128", &mut ks, &keys, &m);
    drop(ks);
    let (mut ks, keys) = dataset(EDGE_KEYS, &m, true);
    assert_encoding(&mut ks, &keys[0], "skiplist");
    zadd_each(&mut g, "zadd/skiplist/129", &mut ks, &keys, b"new", None);
    reads_each(&mut g, "skiplist/129", &mut ks, &keys, &m);
    g.finish();
}

/// The 64-byte member threshold on zsets of 10 members: ZADD of a new
/// member, ZSCORE and ZRANK with 64-byte members (listpack) and 65-byte
/// members (skiplist), and the ZADD of a 65-byte member that converts.
fn value_threshold(c: &mut Criterion) {
    let mut g = c.benchmark_group("zset");
    for (enc, len) in [("listpack", 64), ("skiplist", 65)] {
        let m = members(11, len);
        let (mut ks, keys) = dataset(EDGE_KEYS, &m[..10], false);
        assert_encoding(&mut ks, &keys[0], enc);
        zadd_each(
            &mut g,
            &format!("zadd/{enc}/{len}B-member"),
            &mut ks,
            &keys,
            &m[10],
            None,
        );
        reads_each(
            &mut g,
            &format!("{enc}/{len}B-member"),
            &mut ks,
            &keys,
            &m[..10],
        );
    }
    let m = members(10, 64);
    let (mut ks, keys) = dataset(EDGE_KEYS, &m, false);
    fill(&mut ks, b"template", &m);
    let long = members(11, 65).pop().unwrap();
    let id = "zadd/listpack-to-skiplist/65B-member";
    zadd_each(&mut g, id, &mut ks, &keys, &long, Some(b"template"));
    g.finish();
}

/// Bytes per member of a standalone 1M-member skiplist (heap capacity) for
/// anchor dataset d: members `m:0` .. `m:999999`, random non-integral
/// scores below 1e6.
fn report_memory() {
    let mut s = SkipList::new();
    let mut rng = Rng::new(7);
    for i in 0..BIG {
        let score = (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64 * 1e6;
        s.insert(score, format!("m:{i}").as_bytes());
    }
    let per = s.heap_bytes() as f64 / BIG as f64;
    eprintln!("zset/memory/skiplist/1M (dataset d): {per:.1} B/member");
}

/// A keyspace whose `board` holds `member:0` .. `member:{BIG-1}` with
/// pseudo-random scores (quarter-integers below 250k).
fn board() -> Keyspace {
    report_memory();
    let mut ks = common::keyspace();
    let mut rng = Rng::new(0x9E37_79B9_7F4A_7C15);
    for chunk in (0..BIG).collect::<Vec<_>>().chunks(1000) {
        let names: Vec<Vec<u8>> = chunk.iter().map(|&i| name("member:", i)).collect();
        let pairs: Vec<(f64, &[u8])> = names
            .iter()
            .map(|m| (rng.below(1_000_000) as f64 / 4.0, m.as_slice()))
            .collect();
        ks.zadd(b"board", &pairs, &OPTS).unwrap();
    }
    assert_encoding(&mut ks, b"board", "skiplist");
    ks
}

/// ZADD of new members (removed again after each chunk) and of existing
/// members with new scores.
fn big_writes(g: &mut BenchmarkGroup<'_, WallTime>, state: &mut Option<Keyspace>) {
    let mut rng = Rng::new(42);
    let mut next = 0;
    g.bench_function("zadd/skiplist/1M", |b| {
        let ks = state.get_or_insert_with(board);
        steady(
            b,
            ks,
            1000,
            &mut next,
            |ks, i| {
                let score = rng.below(1_000_000) as f64 / 4.0;
                black_box(
                    ks.zadd(b"board", &[(score, &name("new:", i))], &OPTS)
                        .unwrap(),
                );
            },
            |ks, r| {
                let m: Vec<Vec<u8>> = r.map(|i| name("new:", i)).collect();
                ks.zrem(b"board", &common::refs(&m)).unwrap();
            },
        );
    });
    let mut probes = Probes::new("member:", BIG, 43);
    g.bench_function("zadd/skiplist/update/1M", |b| {
        let ks = state.get_or_insert_with(board);
        b.iter(|| {
            let score = rng.below(1_000_000) as f64 / 4.0;
            black_box(ks.zadd(b"board", &[(score, probes.pick())], &OPTS).unwrap())
        });
    });
    g.bench_function("zpopmin/skiplist/1M", |b| {
        let ks = state.get_or_insert_with(board);
        let mut state = (ks, Vec::new());
        steady(
            b,
            &mut state,
            1000,
            &mut next,
            |(ks, popped), _| popped.extend(ks.zpopmin(b"board", 1).unwrap()),
            |(ks, popped), _| {
                let pairs: Vec<(f64, &[u8])> =
                    popped.iter().map(|(m, s)| (*s, m.as_slice())).collect();
                ks.zadd(b"board", &pairs, &OPTS).unwrap();
                popped.clear();
            },
        );
    });
}

/// ZRANK, ZSCORE and the top 100 by rank and by score.
fn big_reads(g: &mut BenchmarkGroup<'_, WallTime>, state: &mut Option<Keyspace>) {
    let mut probes = Probes::new("member:", BIG, 44);
    g.bench_function("zrank/skiplist/1M", |b| {
        let ks = state.get_or_insert_with(board);
        b.iter(|| black_box(ks.zrank(b"board", probes.pick()).unwrap()));
    });
    g.bench_function("zscore/skiplist/1M", |b| {
        let ks = state.get_or_insert_with(board);
        b.iter(|| black_box(ks.zscore(b"board", probes.pick()).unwrap()));
    });
    let top = ZRange::by_rank(0, 99).rev();
    g.bench_function("zrange/skiplist/top100-rev/1M", |b| {
        let ks = state.get_or_insert_with(board);
        b.iter(|| black_box(ks.zrange(b"board", &top).unwrap()));
    });
    let by_score = ZRange::by_score(ScoreRange::all()).rev().limit(0, 100);
    g.bench_function("zrangebyscore/skiplist/top100-rev/1M", |b| {
        let ks = state.get_or_insert_with(board);
        b.iter(|| black_box(ks.zrange(b"board", &by_score).unwrap()));
    });
}

fn big(c: &mut Criterion) {
    let mut g = c.benchmark_group("zset");
    let mut state = None;
    big_writes(&mut g, &mut state);
    big_reads(&mut g, &mut state);
    g.finish();
}

/// ZUNIONSTORE and ZINTERSTORE of two zsets overlapping by half: 100k
/// members each (skiplists) and 60 each (listpacks, result under 128).
fn setops(c: &mut Criterion) {
    let mut g = c.benchmark_group("zset");
    g.sample_size(20);
    let opts = SetOpOptions::default();
    for (enc, n) in [("skiplist", 100_000u64), ("listpack", 60)] {
        let mut ks = common::keyspace();
        let all = common::names("m:", n + n / 2);
        fill(&mut ks, b"a", &all[..n as usize]);
        fill(&mut ks, b"b", &all[n as usize / 2..]);
        assert_encoding(&mut ks, b"a", enc);
        let keys: [&[u8]; 2] = [b"a", b"b"];
        let size = if n >= 1000 {
            format!("{}k", n / 1000)
        } else {
            n.to_string()
        };
        g.bench_function(format!("zunionstore/{enc}/2x{size}"), |b| {
            b.iter(|| black_box(ks.zunionstore(b"dst", &keys, &opts).unwrap()));
        });
        g.bench_function(format!("zinterstore/{enc}/2x{size}"), |b| {
            b.iter(|| black_box(ks.zinterstore(b"dst", &keys, &opts).unwrap()));
        });
    }
    g.finish();
}

criterion_group!(
    benches,
    small,
    entries_threshold,
    value_threshold,
    big,
    setops
);
criterion_main!(benches);
