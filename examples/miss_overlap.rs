//! Shows why instruction counts matter even for operations that wait on
//! memory: it times random lookups in an ahash `HashMap` of 1M short keys,
//! plain and with a few rounds of padding per lookup (a multiply, an add
//! and a stack round trip each, independent of the lookup). On a quiet
//! machine the padded loops are far slower than the padding's own cycles
//! explain, because consecutive lookups' cache misses overlap only
//! while each lookup is short enough for the core's out-of-order window.
//!
//! ```text
//! cargo run --release --example miss_overlap
//! ```
//!
//! Wall-clock: meaningful only on a quiet machine, as ratios within one run.

use std::hint::black_box;
use std::time::Instant;

const KEYS: u64 = 1_000_000;

mod support;
use support::Rng;

/// ns per lookup over `probes` (laid out in reading order), with `pad`
/// rounds of padding per lookup.
fn time(map: &ahash::AHashMap<Vec<u8>, u64>, flat: &[u8], ends: &[usize], pad: u64) -> f64 {
    let start = Instant::now();
    let mut sum = 0u64;
    let mut from = 0;
    for &end in ends {
        let mut x = end as u64;
        for j in 0..pad {
            x = black_box(x.wrapping_mul(31).wrapping_add(j));
        }
        sum = sum.wrapping_add(map[&flat[from..end]] ^ (x & 1));
        from = end;
    }
    black_box(sum);
    start.elapsed().as_nanos() as f64 / ends.len() as f64
}

fn main() {
    let mut rng = Rng(7);
    let map: ahash::AHashMap<Vec<u8>, u64> = (0..KEYS)
        .map(|i| (format!("m:{i}").into_bytes(), i))
        .collect();
    let (mut flat, mut ends) = (Vec::new(), Vec::new());
    for _ in 0..KEYS {
        flat.extend_from_slice(format!("m:{}", rng.next() % KEYS).as_bytes());
        ends.push(flat.len());
    }
    for pad in [0, 10, 25, 50] {
        let ns: Vec<String> = (0..3)
            .map(|_| format!("{:.0}", time(&map, &flat, &ends, pad)))
            .collect();
        println!(
            "padding {pad:>2} rounds per lookup: {} ns/op",
            ns.join(" / ")
        );
    }
}
