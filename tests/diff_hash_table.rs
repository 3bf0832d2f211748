//! Differential test of one hashtable-encoded hash through many doublings
//! of its index, deletions that move pairs between positions, rewrites of
//! other lengths (arena compaction) and a shrink, against redis-server
//! 7.0.15: every reply compared, the whole hash compared unordered.

mod common;

use common::Pair;

/// `HSET key` with fields `f:{i}` for `i` in `range`, values from `value`.
fn hset_line(key: &str, range: std::ops::Range<usize>, value: impl Fn(usize) -> String) -> String {
    let mut line = format!("HSET {key}");
    for i in range {
        line.push_str(&format!(" f:{i} {}", value(i)));
    }
    line
}

/// `HDEL key` with fields `f:{i}` for the `i` in `range` that `keep` rejects.
fn hdel_line(key: &str, range: std::ops::Range<usize>, keep: impl Fn(usize) -> bool) -> String {
    let mut line = format!("HDEL {key}");
    for i in range.filter(|&i| !keep(i)) {
        line.push_str(&format!(" f:{i}"));
    }
    line
}

/// The hash as a whole, lookups of present and missing fields, and its
/// encoding.
fn compare_all(p: &mut Pair, key: &str, fields: usize) {
    p.check(&format!("HLEN {key}"));
    p.check_unordered(&format!("HGETALL {key}"));
    p.check(&format!("OBJECT ENCODING {key}"));
    for i in (0..fields + 50).step_by(37) {
        p.check(&format!("HGET {key} f:{i}"));
        p.check(&format!("HSTRLEN {key} f:{i}"));
    }
    p.check(&format!(
        "HMGET {key} f:0 f:1 f:2 f:999999 f:{}",
        fields / 2
    ));
}

#[test]
fn one_table_through_growth_churn_and_shrink() {
    let Some(mut p) = Pair::new() else { return };
    let key = "big";
    const N: usize = 4000;
    for start in (0..N).step_by(250) {
        p.check(&hset_line(key, start..start + 250, |i| format!("v{i:07}")));
    }
    compare_all(&mut p, key, N);
    // Every third field goes: the last pairs move into the freed places.
    for start in (0..N).step_by(500) {
        p.check(&hdel_line(key, start..start + 500, |i| i % 3 != 0));
    }
    compare_all(&mut p, key, N);
    // Rewrites: same length in place, other lengths appended, new fields.
    for start in (0..N + 1000).step_by(500) {
        p.check(&hset_line(key, start..start + 500, |i| match i % 4 {
            0 => format!("w{i:07}"),
            1 => "short".to_string(),
            _ => format!("a-longer-value-for-{i}"),
        }));
    }
    compare_all(&mut p, key, N + 1000);
    p.check(&format!("HSETNX {key} f:7 nope"));
    p.check(&format!("HSETNX {key} fresh yes"));
    p.check(&format!("HINCRBY {key} counter 5"));
    // Down to a few fields: the index shrinks.
    for start in (0..N + 1000).step_by(500) {
        p.check(&hdel_line(key, start..start + 500, |i| i % 97 == 5));
    }
    compare_all(&mut p, key, N + 1000);
    p.check(&format!("DEL {key}"));
    p.check(&format!("EXISTS {key}"));
}
