//! Differential tests of every set command on large all-integer sets
//! (embedis keeps them in `IntBlocks` behind the `hashtable` encoding)
//! against redis-server 7.0.15: sequential, random, negative and extreme
//! members, non-canonical integers (`-0`, `007`, `+5`) and a non-integer
//! member mixed in, OBJECT ENCODING after each step, and thresholds moved
//! with CONFIG SET across the conversion points. Replies of
//! hashtable-encoded sets are compared as sets; random picks by structure.

mod common;

use std::collections::BTreeSet;

use common::{Pair, Rng, sorted_elements};

fn step(p: &mut Pair, line: &str, key: &str) {
    p.check(line);
    p.check(&format!("OBJECT ENCODING {key}"));
}

fn members(p: &mut Pair, key: &str) -> [BTreeSet<Vec<u8>>; 2] {
    let (want, got) = p.both_line(&format!("SMEMBERS {key}"));
    [want, got].map(|r| sorted_elements(&r).into_iter().collect())
}

/// SADDs `vals` in batches of 500, checking replies and encoding.
fn sadd_all(p: &mut Pair, key: &str, vals: &[String]) {
    for chunk in vals.chunks(500) {
        step(p, &format!("SADD {key} {}", chunk.join(" ")), key);
    }
}

fn range(from: i64, to: i64) -> Vec<String> {
    (from..to).map(|i| i.to_string()).collect()
}

fn randoms(rng: &mut Rng, n: usize, modulo: Option<u64>) -> Vec<String> {
    (0..n)
        .map(|_| {
            let v = rng.next();
            match modulo {
                Some(m) => ((v % m) as i64 - (m / 2) as i64).to_string(),
                None => (v as i64).to_string(),
            }
        })
        .collect()
}

/// The same members on both sides, the same size and encoding.
fn same_set(p: &mut Pair, key: &str) {
    let [want, got] = members(p, key);
    assert_eq!(want, got, "members of {key}");
    p.check(&format!("SCARD {key}"));
    p.check(&format!("OBJECT ENCODING {key}"));
}

#[test]
fn membership_on_large_integer_sets() {
    let Some(mut p) = Pair::new() else { return };
    let mut rng = Rng(7);
    sadd_all(&mut p, "seq", &range(0, 3000));
    sadd_all(&mut p, "rnd", &randoms(&mut rng, 2000, None));
    sadd_all(&mut p, "neg", &range(-2500, 100));
    let edges =
        "-9223372036854775808 9223372036854775807 -9223372036854775807 9223372036854775806 0 -1";
    step(&mut p, &format!("SADD rnd {edges}"), "rnd");
    step(&mut p, &format!("SADD seq {edges}"), "seq");
    for key in ["seq", "rnd", "neg"] {
        same_set(&mut p, key);
        for m in [
            "0",
            "-1",
            "1",
            "2999",
            "3000",
            "-2500",
            "-2501",
            "-0",
            "007",
            "+5",
            " 1",
            "1 ",
            "x",
            "-9223372036854775808",
            "9223372036854775807",
            "9223372036854775808",
            "-9223372036854775809",
            "1.0",
            "",
        ] {
            p.check(&format!("SISMEMBER {key} \"{m}\""));
        }
        p.check(&format!(
            "SMISMEMBER {key} 0 1 -1 -0 007 5 +5 100 2999 3000 x -9223372036854775808"
        ));
        step(&mut p, &format!("SADD {key} 0 1 2 3 -5 -6"), key);
        step(
            &mut p,
            &format!("SREM {key} 0 1 2 3 -5 -6 -0 007 x 123456789"),
            key,
        );
        step(
            &mut p,
            &format!("SREM {key} 100 101 102 9223372036854775807"),
            key,
        );
        p.check(&format!("SISMEMBER {key} 100"));
        same_set(&mut p, key);
    }
}

#[test]
fn conversions_and_thresholds() {
    let Some(mut p) = Pair::new() else { return };
    for limit in [512usize, 0, 1, 4, 2000] {
        p.check("FLUSHALL");
        p.check(&format!("CONFIG SET set-max-intset-entries {limit}"));
        sadd_all(&mut p, "a", &range(1000, 3100));
        same_set(&mut p, "a");
        for odd in ["-0", "007", "+5", "x"] {
            p.check("DEL b");
            sadd_all(&mut p, "b", &range(-1500, 1500));
            step(&mut p, &format!("SADD b {odd}"), "b");
            step(&mut p, "SADD b 99999 -99999", "b");
            p.check(&format!("SISMEMBER b {odd}"));
            step(&mut p, &format!("SREM b {odd}"), "b");
            same_set(&mut p, "b");
        }
        // Removing back under the limit never converts back.
        step(
            &mut p,
            &format!("SREM a {}", range(1000, 3095).join(" ")),
            "a",
        );
        same_set(&mut p, "a");
        step(&mut p, "SADD a 1", "a");
        same_set(&mut p, "a");
    }
    p.check("CONFIG SET set-max-intset-entries 512");
}

#[test]
fn algebra_on_large_integer_sets() {
    let Some(mut p) = Pair::new() else { return };
    let mut rng = Rng(99);
    sadd_all(&mut p, "s1", &range(0, 2000));
    sadd_all(&mut p, "s2", &range(1500, 4000));
    sadd_all(&mut p, "s3", &randoms(&mut rng, 1500, Some(8000)));
    sadd_all(&mut p, "small", &range(1990, 2010));
    p.check("SADD mixed 5 10 1995 x y");
    let keys = [
        "s1 s2",
        "s2 s1 s3",
        "s1 small",
        "small s1 s2",
        "s1 mixed",
        "s1 nokey",
        "s3 s3",
    ];
    for ks in keys {
        for cmd in ["SINTER", "SUNION", "SDIFF"] {
            p.check_unordered(&format!("{cmd} {ks}"));
            p.check(&format!("{cmd}STORE dst {ks}"));
            same_set_or_missing(&mut p, "dst");
        }
        let n = ks.split(' ').count();
        p.check(&format!("SINTERCARD {n} {ks}"));
        p.check(&format!("SINTERCARD {n} {ks} LIMIT 7"));
    }
    // The same algebra under a raised limit (results become intsets).
    p.check("CONFIG SET set-max-intset-entries 10000");
    for ks in ["s1 s2", "s1 s3", "s2 s3 small"] {
        for cmd in ["SINTER", "SUNION", "SDIFF"] {
            p.check(&format!("{cmd}STORE dst {ks}"));
            same_set_or_missing(&mut p, "dst");
        }
    }
    p.check("CONFIG SET set-max-intset-entries 512");
}

fn same_set_or_missing(p: &mut Pair, key: &str) {
    if p.check(&format!("EXISTS {key}")) == b":1\r\n" {
        same_set(p, key);
    }
}

#[test]
fn smove_between_encodings() {
    let Some(mut p) = Pair::new() else { return };
    sadd_all(&mut p, "big", &range(-1000, 1000));
    p.check("SADD tiny 1 2 3");
    p.check("SADD words a b");
    for (src, dst, m) in [
        ("big", "tiny", "500"),
        ("big", "tiny", "500"),
        ("big", "words", "-7"),
        ("big", "new", "999"),
        ("tiny", "big", "500"),
        ("words", "big", "a"),
        ("big", "big", "0"),
        ("big", "tiny", "-0"),
        ("big", "tiny", "x"),
    ] {
        p.check(&format!("SMOVE {src} {dst} {m}"));
        for k in [src, dst] {
            same_set_or_missing(&mut p, k);
        }
    }
}

/// Runs a random-pick command on both sides: same size, members drawn
/// from the set, distinct when `distinct`.
fn check_picks(p: &mut Pair, line: &str, all: &BTreeSet<Vec<u8>>, distinct: bool) {
    let (want, got) = p.both_line(line);
    let (want, got) = (sorted_elements(&want), sorted_elements(&got));
    assert_eq!(want.len(), got.len(), "`{line}` sizes");
    let set: BTreeSet<_> = got.iter().cloned().collect();
    assert!(set.is_subset(all), "`{line}` returned a non-member");
    if distinct {
        assert_eq!(set.len(), got.len(), "`{line}` repeated a member");
    }
}

#[test]
fn random_picks_and_pops() {
    let Some(mut p) = Pair::new() else { return };
    let mut rng = Rng(3);
    sadd_all(&mut p, "r", &randoms(&mut rng, 3000, Some(1 << 40)));
    let [all, _] = members(&mut p, "r");
    for line in [
        "SRANDMEMBER r 10",
        "SRANDMEMBER r 2000",
        "SRANDMEMBER r 5000",
    ] {
        check_picks(&mut p, line, &all, true);
    }
    check_picks(&mut p, "SRANDMEMBER r -4000", &all, false);
    check_picks(&mut p, "SRANDMEMBER r -3", &all, false);
    // SPOP: what is popped and what stays make the set before.
    for (count, key) in [
        (10, "p1"),
        (600, "p2"),
        (2700, "p3"),
        (3000, "p4"),
        (4000, "p5"),
    ] {
        p.check(&format!("SUNIONSTORE {key} r"));
        let [before, _] = members(&mut p, key);
        let (want, got) = p.both_line(&format!("SPOP {key} {count}"));
        assert_eq!(sorted_elements(&want).len(), sorted_elements(&got).len());
        let popped: BTreeSet<_> = sorted_elements(&got).into_iter().collect();
        let [rest_want, rest] = members(&mut p, key);
        assert_eq!(rest_want.len(), rest.len());
        assert!(popped.is_disjoint(&rest));
        assert_eq!(
            popped.union(&rest).cloned().collect::<BTreeSet<_>>(),
            before
        );
        p.check(&format!("OBJECT ENCODING {key}"));
        p.check(&format!("SCARD {key}"));
    }
    p.check("SUNIONSTORE one r");
    for _ in 0..5 {
        let (want, got) = p.both_line("SPOP one");
        assert_eq!(want.len() > 5, got.len() > 5);
        p.check("SCARD one");
    }
}

#[test]
fn sscan_on_large_integer_sets() {
    let Some(mut p) = Pair::new() else { return };
    sadd_all(&mut p, "s", &range(-1200, 1800));
    for opts in [
        "",
        " COUNT 1",
        " COUNT 7",
        " COUNT 1000",
        " MATCH 1*",
        " MATCH -1?0 COUNT 50",
    ] {
        let [want, got] = common::sscan_all(&mut p, "s", opts, &[]);
        let (w, g): (BTreeSet<_>, BTreeSet<_>) =
            (want.into_iter().collect(), got.iter().cloned().collect());
        assert_eq!(w, g, "SSCAN s{opts}");
        assert_eq!(g.len(), got.len(), "SSCAN s{opts} repeated a member");
    }
    // Changes between steps (applied to both sides while embedis scans):
    // every member present throughout is returned, including across the
    // conversion a non-integer member causes.
    let changes: Vec<String> = (0..30)
        .map(|i| match i {
            10 => "SADD s word".to_string(),
            i if i % 2 == 0 => format!("SADD s {}", 5000 + i),
            i => format!("SREM s {}", -1200 + 100 * i),
        })
        .collect();
    let [before, _] = members(&mut p, "s");
    let [_, got] = common::sscan_all(&mut p, "s", " COUNT 20", &changes);
    let [after, _] = members(&mut p, "s");
    let got: BTreeSet<_> = got.into_iter().collect();
    for m in before.intersection(&after) {
        assert!(got.contains(m), "{:?} missed", String::from_utf8_lossy(m));
    }
    same_set(&mut p, "s");
}
