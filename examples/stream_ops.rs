//! A driver for counting the instructions of stream operations with
//! valgrind, where wall-clock timings are meaningless (a shared, loaded
//! machine): it builds a stream of 1M 2-field entries, then runs one
//! operation N times.
//!
//! ```text
//! cargo build --release --example stream_ops
//! valgrind --tool=callgrind --callgrind-out-file=/dev/null target/release/examples/stream_ops xrange 0
//! valgrind --tool=callgrind --callgrind-out-file=/dev/null target/release/examples/stream_ops xrange 20000
//! ```
//!
//! The difference of the two totals divided by N is the cost of one
//! operation (operations: `xadd`, `xrange`, `cycle` = XREADGROUP COUNT 10 +
//! XACK of the 10).

use embedis::types::stream::{ReadFrom, StreamId, XAddId, XAddOptions};
use embedis::{Config, Keyspace};

const ENTRIES: u64 = 1_000_000;

/// Entry `i`: four entries per millisecond, as a busy producer's.
fn id(i: u64) -> StreamId {
    StreamId::new(1_700_000_000_000 + i / 4, i % 4)
}

fn add(ks: &mut Keyspace, i: u64) {
    let v = i.to_string();
    let fields: [(&[u8], &[u8]); 2] = [(b"user", v.as_bytes()), (b"action", b"click")];
    ks.xadd(
        b"s",
        XAddId::Explicit(id(i)),
        &fields,
        &XAddOptions::default(),
    )
    .unwrap();
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(op), Some(n)) = (args.get(1), args.get(2).and_then(|n| n.parse::<u64>().ok())) else {
        eprintln!("usage: stream_ops xadd|xrange|cycle N");
        std::process::exit(2);
    };
    let mut ks = Keyspace::new(Config::default());
    for i in 0..ENTRIES {
        add(&mut ks, i);
    }
    ks.xgroup_create(b"s", b"g", ReadFrom::After(StreamId::MIN), false, None)
        .unwrap();
    let mut sum = 0usize;
    for k in 0..n {
        match op.as_str() {
            "xadd" => add(&mut ks, ENTRIES + k),
            "xrange" => {
                let start = (k * 7919) % (ENTRIES - 200);
                sum += ks
                    .xrange(b"s", id(start), StreamId::MAX, Some(100))
                    .unwrap()
                    .len();
            }
            "cycle" => {
                let got = ks
                    .xreadgroup(b"g", b"worker", &[(b"s", ReadFrom::New)], 10, false)
                    .unwrap();
                let ids: Vec<StreamId> = got[0].entries.iter().map(|e| e.0).collect();
                sum += ks.xack(b"s", b"g", &ids).unwrap() as usize;
            }
            _ => panic!("unknown operation {op}"),
        }
    }
    println!("{op} x {n}: {sum}");
}
