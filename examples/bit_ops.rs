//! A driver for counting the instructions of bitmap and HyperLogLog
//! operations with valgrind, where wall-clock timings are meaningless (a
//! shared, loaded machine): it builds the data an operation needs, then
//! runs the operation N times.
//!
//! ```text
//! cargo build --release --example bit_ops
//! valgrind --tool=callgrind --callgrind-out-file=/dev/null target/release/examples/bit_ops bitcount 0
//! valgrind --tool=callgrind --callgrind-out-file=/dev/null target/release/examples/bit_ops bitcount 20
//! ```
//!
//! The difference of the two totals divided by N is the cost of one
//! operation. Operations: `setbit` (random offsets below 1e8 into one
//! bitmap), `bitcount`, `bitpos` (the first 1 after 12.5 MB of zeros),
//! `bitop-and`, `bitop-or`, `bitop-xor`, `bitop-not` (over 12.5 MB
//! strings), `pfadd` (one new element into a dense HLL), `pfadd-sparse`
//! (one new element into a 10-element sparse HLL, new key each time).

use embedis::{BitOp, Config, Keyspace};

/// Bits in the big bitmaps (12.5 MB).
const BITS: u64 = 100_000_000;

/// xorshift64: a fixed pseudo-random sequence.
fn next(x: &mut u64) -> u64 {
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    *x
}

/// `a` and `b` (12.5 MB of random bytes each) and `z` (one set bit at the
/// end of 12.5 MB).
fn big_strings(ks: &mut Keyspace) {
    let mut x = 0x9E37_79B9_7F4A_7C15;
    for key in [&b"a"[..], b"b"] {
        let bytes: Vec<u8> = (0..BITS / 8).map(|_| next(&mut x) as u8).collect();
        ks.set(key, &bytes, &Default::default()).unwrap();
    }
    ks.setbit(b"z", BITS - 1, 1).unwrap();
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(op), Some(n)) = (args.get(1), args.get(2).and_then(|n| n.parse::<u64>().ok())) else {
        eprintln!("usage: bit_ops OPERATION N (see the file's docs)");
        std::process::exit(2);
    };
    let mut ks = Keyspace::new(Config::default());
    let mut x = 1u64;
    match op.as_str() {
        "setbit" => {
            // A bitmap already 12.5 MB long: the steady state of the
            // comparison's SETBIT row.
            ks.setbit(b"bm", BITS - 1, 1).unwrap();
        }
        "pfadd" => {
            let elems: Vec<String> = (0..100_000).map(|i| format!("e:{i}")).collect();
            let refs: Vec<&[u8]> = elems.iter().map(|s| s.as_bytes()).collect();
            ks.pfadd(b"hll", &refs).unwrap();
        }
        "pfadd-sparse" => {}
        _ => big_strings(&mut ks),
    }
    let mut sum = 0u64;
    for k in 0..n {
        sum += match op.as_str() {
            "setbit" => u64::from(ks.setbit(b"bm", next(&mut x) % BITS, 1).unwrap()),
            "bitcount" => ks.bitcount(b"a", None).unwrap(),
            "bitpos" => ks.bitpos(b"z", 1, None).unwrap() as u64,
            "bitop-and" => ks.bitop(BitOp::And, b"d", &[b"a", b"b"]).unwrap() as u64,
            "bitop-or" => ks.bitop(BitOp::Or, b"d", &[b"a", b"b"]).unwrap() as u64,
            "bitop-xor" => ks.bitop(BitOp::Xor, b"d", &[b"a", b"b"]).unwrap() as u64,
            "bitop-not" => ks.bitop(BitOp::Not, b"d", &[b"a"]).unwrap() as u64,
            "pfadd" => u64::from(ks.pfadd(b"hll", &[format!("n:{k}").as_bytes()]).unwrap()),
            "pfadd-sparse" => {
                let key = format!("hs:{k}");
                let elems: Vec<String> = (0..10).map(|j| format!("e:{}", k * 10 + j)).collect();
                let refs: Vec<&[u8]> = elems.iter().map(|s| s.as_bytes()).collect();
                u64::from(ks.pfadd(key.as_bytes(), &refs).unwrap())
            }
            other => {
                eprintln!("unknown operation {other}");
                std::process::exit(2);
            }
        };
    }
    println!("{op} x{n}: {sum}");
}
