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

#[inline(never)]
fn measured(op: &str, ks: &mut Keyspace, inp: &Inputs, node: &Listpack, n: usize) -> usize {
    let mut sum = 0;
    for i in 0..n {
        sum += match op {
            "rpush" | "rpush_deep" => ks.rpush(b"l", &[&inp.values[i]]).unwrap(),
            "hset_small" => ks
                .hset(&inp.keys[i], &[(&inp.fields[i], &inp.values[i])])
                .unwrap(),
            "hset_big" => ks.hset(b"h", &[(&inp.fields[i], &inp.values[i])]).unwrap(),
            "lzf_crate" => ::lzf::compress(node.as_bytes()).map_or(0, |c| c.len()),
            _ => lzf::compress(node.as_bytes(), node.total_bytes()).map_or(0, |c| c.len()),
        };
    }
    sum
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(op), Some(n)) = (
        args.get(1),
        args.get(2).and_then(|n| n.parse::<usize>().ok()),
    ) else {
        eprintln!("usage: list_ops rpush|rpush_deep|hset_small|hset_big|lzf N");
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
    let sum = measured(op, &mut ks, &inp, &node(), n);
    println!("{op} x{n}: {sum}");
}
