//! A driver for counting the instructions of list and hash writes (and of
//! LZF on quicklist nodes) with valgrind, where wall-clock timings are
//! meaningless on a shared, loaded machine. Each mode runs its operation N
//! times inside `measured`, so callgrind can count just that function:
//!
//! ```text
//! cargo build --release --example list_ops
//! valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.out \
//!     --toggle-collect='list_ops::measured' target/release/examples/list_ops rpush 200000
//! callgrind_annotate /tmp/cg.out | head
//! ```
//!
//! The total divided by N is the cost of one operation. Modes, after the
//! workloads of `cargo run --release -p compare`:
//! * `rpush`: RPUSH of 16-byte values into one list (dataset g);
//! * `rpush_deep`: the same with `list-compress-depth 1`, so every node
//!   that fills is LZF-compressed once;
//! * `rpush_many`: the same values pushed 100 per RPUSH call;
//! * `lpop`: LPOP (`Keyspace::lpop_one`) of a list of N such values until
//!   it is empty (the list is built before `measured`);
//! * `rpop`: the same from the tail (`Keyspace::rpop_one`);
//! * `lpop_count`, `rpop_count`: the same 10 elements per call
//!   (`LPOP key 10`; the count per operation is per element);
//! * `lrange_head`: N x LRANGE 0 99 of a list of 1M such values;
//! * `lrange_mid`: N x LRANGE of 100 elements at random offsets of that
//!   list;
//! * `lrange_with_head`, `lrange_with_mid`: the same through
//!   `Keyspace::lrange_with` (elements read in place, no copies);
//! * `hset_small`: HSET into 10 000 hashes of 10 fields each, field by
//!   field (dataset b, 8-byte values); N is rounded to whole rounds;
//! * `hset_big`: HSET of N fields into one hash;
//! * `lzf`: compresses an 8 KiB list node's listpack N times.

use embedis::encoding::listpack::{Elem, Listpack};
use embedis::encoding::lzf;
use embedis::{Config, Keyspace};

/// Hashes in `hset_small`.
const SMALL_HASHES: usize = 10_000;

/// The inputs of one mode, prepared outside the measured function.
struct Inputs {
    keys: Vec<Vec<u8>>,
    fields: Vec<Vec<u8>>,
    values: Vec<Vec<u8>>,
}

fn inputs(op: &str, n: usize) -> Inputs {
    let mut keys = Vec::with_capacity(n);
    let mut fields = Vec::with_capacity(n);
    let mut values = Vec::with_capacity(n);
    for i in 0..n {
        match op {
            "hset_small" => {
                let round = i / SMALL_HASHES;
                keys.push(format!("h:{}", i % SMALL_HASHES).into_bytes());
                fields.push(format!("f{round}").into_bytes());
                let tag = char::from(b'a' + round as u8);
                values.push(format!("{tag}{:07}", i % SMALL_HASHES).into_bytes());
            }
            "hset_big" => {
                fields.push(format!("f:{i}").into_bytes());
                values.push(format!("v{i:07}").into_bytes());
            }
            _ => values.push(format!("e{i:015}").into_bytes()),
        }
    }
    Inputs {
        keys,
        fields,
        values,
    }
}

/// An 8 KiB quicklist node as RPUSH builds them (16-byte values).
fn node() -> Listpack {
    let mut lp = Listpack::new();
    let mut i = 0;
    while lp.total_bytes() < 8100 {
        lp.push_back(Elem::Str(format!("e{i:015}").as_bytes()));
        i += 1;
    }
    lp
}

/// LRANGE of 100 elements from `start` by `Keyspace::lrange_with`: the
/// bytes seen.
fn read_in_place(ks: &mut Keyspace, start: i64) -> usize {
    let mut bytes = 0;
    ks.lrange_with(b"l", start, start + 99, |e| bytes += e.len())
        .unwrap();
    bytes
}

/// Elements in the list that `lrange_*` read.
const LONG_LIST: usize = 1_000_000;

/// Builds the list the read modes work on: N values for the pops, 1M for
/// `lrange_*`, none for the others.
fn prepare(op: &str, ks: &mut Keyspace, inp: &Inputs) {
    let n = match op {
        "lpop" | "rpop" | "lpop_count" | "rpop_count" => inp.values.len(),
        m if m.starts_with("lrange") => LONG_LIST,
        _ => return,
    };
    for i in 0..n {
        ks.rpush(b"l", &[format!("e{i:015}").as_bytes()]).unwrap();
    }
}

/// A start offset for `lrange_mid` (splitmix64 of `i`, fixed).
fn offset(i: usize) -> i64 {
    let mut z = (i as u64)
        .wrapping_add(1)
        .wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    ((z ^ (z >> 31)) % (LONG_LIST as u64 - 99)) as i64
}

/// The sum of `f(i)` for `i` in `0..n`.
#[inline(always)]
fn times(n: usize, f: impl FnMut(usize) -> usize) -> usize {
    (0..n).map(f).sum()
}

/// Runs `op` `n` times; the mode is matched once, outside the loop, so the
/// count per operation holds only the engine's work (and the drop of what
/// it returns).
#[inline(never)]
fn measured(op: &str, ks: &mut Keyspace, inp: &Inputs, node: &Listpack, n: usize) -> usize {
    match op {
        "rpush" | "rpush_deep" => times(n, |i| ks.rpush(b"l", &[&inp.values[i]]).unwrap()),
        "rpush_many" => inp
            .values
            .chunks(100)
            .map(|chunk| {
                let batch: Vec<&[u8]> = chunk.iter().map(Vec::as_slice).collect();
                ks.rpush(b"l", &batch).unwrap()
            })
            .sum(),
        "lpop" => times(n, |_| ks.lpop_one(b"l").unwrap().map_or(0, |v| v.len())),
        "rpop" => times(n, |_| ks.rpop_one(b"l").unwrap().map_or(0, |v| v.len())),
        "lpop_count" => times(n.div_ceil(10), |_| {
            ks.lpop(b"l", Some(10)).unwrap().map_or(0, |v| v.len())
        }),
        "rpop_count" => times(n.div_ceil(10), |_| {
            ks.rpop(b"l", Some(10)).unwrap().map_or(0, |v| v.len())
        }),
        "lrange_head" => times(n, |_| ks.lrange(b"l", 0, 99).unwrap().len()),
        "lrange_mid" => times(n, |i| {
            let s = offset(i);
            ks.lrange(b"l", s, s + 99).unwrap().len()
        }),
        "lrange_with_head" => times(n, |_| read_in_place(ks, 0)),
        "lrange_with_mid" => times(n, |i| read_in_place(ks, offset(i))),
        "hset_small" => times(n, |i| {
            ks.hset(&inp.keys[i], &[(&inp.fields[i], &inp.values[i])])
                .unwrap()
        }),
        "hset_big" => times(n, |i| {
            ks.hset(b"h", &[(&inp.fields[i], &inp.values[i])]).unwrap()
        }),
        "lzf_crate" => times(n, |_| {
            ::lzf::compress(node.as_bytes()).map_or(0, |c| c.len())
        }),
        _ => times(n, |_| {
            lzf::compress(node.as_bytes(), node.total_bytes()).map_or(0, |c| c.len())
        }),
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(op), Some(n)) = (
        args.get(1),
        args.get(2).and_then(|n| n.parse::<usize>().ok()),
    ) else {
        eprintln!(
            "usage: list_ops rpush|rpush_deep|rpush_many|[lr]pop[_count]|lrange_[with_]head|lrange_[with_]mid|hset_small|hset_big|lzf N"
        );
        std::process::exit(2);
    };
    let n = if op == "hset_small" {
        n.div_ceil(SMALL_HASHES) * SMALL_HASHES
    } else {
        n
    };
    let mut config = Config::default();
    if op == "rpush_deep" {
        config.list_compress_depth = 1;
    }
    let mut ks = Keyspace::new(config);
    let inp = inputs(op, n);
    prepare(op, &mut ks, &inp);
    let sum = measured(op, &mut ks, &inp, &node(), n);
    println!("{op} x{n}: {sum}");
}
