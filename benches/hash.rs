//! Hashes: HSET into 100k small (listpack) hashes and into one hash growing
//! to 1M fields (hashtable), HGET on both, and HGET at the 512-field
//! threshold under each encoding (the listpack/hashtable crossover).

use std::hint::black_box;

use criterion::{BatchSize, Criterion};
use embedis::{Config, Keyspace};

fn names(prefix: &str, n: usize) -> Vec<Vec<u8>> {
    (0..n)
        .map(|i| format!("{prefix}{i}").into_bytes())
        .collect()
}

/// `keys.len()` hashes with the given fields, each field's value its name.
fn filled(config: Config, keys: &[Vec<u8>], fields: &[Vec<u8>]) -> Keyspace {
    let mut ks = Keyspace::new(config);
    for k in keys {
        for f in fields {
            ks.hset(k, &[(f, f)]).unwrap();
        }
    }
    ks
}

fn with_entries(entries: usize) -> Config {
    let mut config = Config::default();
    config.hash_max_listpack_entries = entries;
    config
}

pub(crate) fn register_benches(c: &mut Criterion) {
    let keys = names("hash:", 100_000);
    let small_fields = names("field:", 10);
    let big_fields = names("f:", 1_000_000);
    let mut g = c.benchmark_group("hash");
    g.sample_size(10);
    g.bench_function("hset/listpack/100k-x10", |b| {
        b.iter_batched_ref(
            || Keyspace::new(Config::default()),
            |ks| {
                for k in &keys {
                    for f in &small_fields {
                        ks.hset(k, &[(f, b"value-0123")]).unwrap();
                    }
                }
            },
            BatchSize::LargeInput,
        );
    });
    g.bench_function("hset/hashtable/1M", |b| {
        b.iter_batched_ref(
            || Keyspace::new(Config::default()),
            |ks| {
                for f in &big_fields {
                    ks.hset(b"big", &[(f, b"value-0123")]).unwrap();
                }
            },
            BatchSize::LargeInput,
        );
    });
    let mut small = filled(Config::default(), &keys, &small_fields);
    g.bench_function("hget/listpack/100k-x10", |b| {
        let mut i = 0usize;
        b.iter(|| {
            i = i.wrapping_add(7919);
            let k = &keys[i % keys.len()];
            black_box(small.hget(k, &small_fields[i % 10]).unwrap())
        });
    });
    drop(small);
    let mut big = filled(Config::default(), &[b"big".to_vec()], &big_fields);
    g.bench_function("hget/hashtable/1M", |b| {
        let mut i = 0usize;
        b.iter(|| {
            i = i.wrapping_add(7919);
            black_box(big.hget(b"big", &big_fields[i % big_fields.len()]).unwrap())
        });
    });
    drop(big);
    let fields512 = names("field:", 512);
    for (encoding, entries) in [("listpack", 512), ("hashtable", 0)] {
        let mut ks = filled(with_entries(entries), &[b"h".to_vec()], &fields512);
        g.bench_function(format!("hget/{encoding}/512"), |b| {
            let mut i = 0usize;
            b.iter(|| {
                i = i.wrapping_add(101);
                black_box(ks.hget(b"h", &fields512[i % 512]).unwrap())
            });
        });
    }
    g.finish();
}
