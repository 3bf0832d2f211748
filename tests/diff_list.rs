//! Differential tests of the list commands against redis-server 7.0.15:
//! every command and option, error texts and their order, nil and empty
//! replies, the blocking forms (with a short timeout on the server), type
//! errors across string and list commands, and OBJECT ENCODING / TYPE /
//! RENAME / COPY / MOVE of lists, under several `list-max-listpack-size`
//! and `list-compress-depth` settings (every command also on lists whose
//! inner nodes are LZF-compressed).

mod common;

use common::Pair;
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

/// Node fills, each with a compress depth.
const FILLS: [(&str, usize); 5] = [("-2", 0), ("4", 1), ("-1", 0), ("1", 2), ("0", 1)];

fn set_fill(p: &mut Pair, (fill, depth): (&str, usize)) {
    p.check(&format!("CONFIG SET list-max-listpack-size {fill}"));
    p.check(&format!("CONFIG SET list-compress-depth {depth}"));
}

#[test]
fn push_pop_len_and_range() {
    let Some(mut p) = Pair::new() else { return };
    for fill in FILLS {
        set_fill(&mut p, fill);
        p.check_all(&[
            "DEL l",
            "LPUSH",
            "LPUSH l",
            "LPUSHX l a",
            "RPUSHX l a",
            "LLEN l",
            "LPOP l",
            "RPOP l",
            "LPOP l 0",
            "LPOP l 3",
            "RPOP l 3",
            "LPUSH l a b c",
            "RPUSH l 1 2 3 -5 100000 99999999999 \"\" \"x y\"",
            "LPUSHX l z",
            "RPUSHX l q r",
            "LLEN l",
            "LRANGE l 0 -1",
            "LRANGE l -3 -1",
            "LRANGE l 2 1",
            "LRANGE l -100 100",
            "LRANGE l 5 5",
            "LRANGE l 20 30",
            "LRANGE l -9223372036854775808 9223372036854775807",
            "LRANGE l a 1",
            "LRANGE l 1 b",
            "LRANGE nokey 0 -1",
            "LRANGE nokey a 1",
            "LPOP l 0",
            "LPOP l -1",
            "LPOP l abc",
            "LPOP l 1 2",
            "RPOP l 1 2",
            "LPOP l",
            "RPOP l",
            "LPOP l 2",
            "RPOP l 3",
            "LRANGE l 0 -1",
            "RPOP l 100",
            "EXISTS l",
            "LPOP l",
            "LPOP l 1",
            "RPOP l 0",
        ]);
    }
}

#[test]
fn index_set_trim_rem_insert() {
    let Some(mut p) = Pair::new() else { return };
    for fill in FILLS {
        set_fill(&mut p, fill);
        p.check_all(&[
            "DEL l",
            "LINDEX l 0",
            "LINDEX l x",
            "LSET l 0 v",
            "LSET l x v",
            "LTRIM l 0 1",
            "LTRIM l a 1",
            "LREM l 0 a",
            "LREM l x a",
            "LINSERT l BEFORE a b",
            "LINSERT l middle a b",
            "RPUSH l a b a c a d a 5 05 -0",
            "LINDEX l 0",
            "LINDEX l -1",
            "LINDEX l 9",
            "LINDEX l 10",
            "LINDEX l -11",
            "LINDEX l x",
            "LSET l x v",
            "LSET l 10 v",
            "LSET l -10 first",
            "LSET l 3 \"a much longer value than before\"",
            "LSET l -1 7",
            "LRANGE l 0 -1",
            "LINSERT l BEFORE a X",
            "LINSERT l after a Y",
            "LINSERT l AFTER 5 five",
            "LINSERT l AFTER 05 z",
            "LINSERT l before nothere z",
            "LINSERT l sideways a z",
            "LRANGE l 0 -1",
            "LREM l 2 a",
            "LREM l -1 a",
            "LREM l 0 5",
            "LREM l 0 missing",
            "LREM l -9223372036854775808 zz",
            "LREM l 9223372036854775807 zz",
            "LRANGE l 0 -1",
            "LTRIM l 1 -2",
            "LRANGE l 0 -1",
            "LTRIM l -100 100",
            "LTRIM l 2 1",
            "EXISTS l",
            "RPUSH l a a a",
            "LREM l 0 a",
            "EXISTS l",
        ]);
    }
}

#[test]
fn lpos_options_and_errors() {
    let Some(mut p) = Pair::new() else { return };
    p.check_all(&[
        "LPOS l a",
        "LPOS l a COUNT 0",
        "RPUSH l a b c a b c a 1 01",
        "LPOS l a",
        "LPOS l c",
        "LPOS l z",
        "LPOS l 1",
        "LPOS l z COUNT 2",
        "LPOS l a RANK 2",
        "LPOS l a RANK -1",
        "LPOS l a RANK -3",
        "LPOS l a RANK 4",
        "LPOS l a COUNT 0",
        "LPOS l a COUNT 2",
        "LPOS l a COUNT 2 RANK 2",
        "LPOS l a COUNT 0 RANK -1",
        "LPOS l a COUNT 0 MAXLEN 4",
        "LPOS l a RANK -1 MAXLEN 2",
        "LPOS l a RANK -1 MAXLEN 1",
        "LPOS l a RANK 0",
        "LPOS l a RANK -9223372036854775808",
        "LPOS l a RANK -9223372036854775808 COUNT 0",
        "LPOS l a RANK 9223372036854775807",
        "LPOS l a RANK -9223372036854775809",
        "LPOS l a COUNT 9223372036854775807 MAXLEN 9223372036854775807",
        "LPOS l a RANK x",
        "LPOS l a COUNT -1",
        "LPOS l a COUNT x",
        "LPOS l a MAXLEN -1",
        "LPOS l a MAXLEN x",
        "LPOS l a RANK",
        "LPOS l a FOO 1",
        "LPOS l a COUNT 1 COUNT 2",
        "SET s v",
        "LPOS s a",
        "LPOS s a RANK 0",
    ]);
}

#[test]
fn lmove_rpoplpush_lmpop() {
    let Some(mut p) = Pair::new() else { return };
    for fill in [("-2", 0), ("2", 1)] {
        set_fill(&mut p, fill);
        p.check_all(&[
            "FLUSHALL",
            "LMOVE a b LEFT RIGHT",
            "LMOVE a b UP RIGHT",
            "LMOVE a b left middle",
            "RPOPLPUSH a b",
            "RPUSH a 1 2 3",
            "LMOVE a b LEFT RIGHT",
            "LMOVE a b right left",
            "LMOVE a a LEFT RIGHT",
            "LRANGE a 0 -1",
            "RPOPLPUSH a a",
            "LRANGE a 0 -1",
            "RPOPLPUSH a b",
            "EXISTS a",
            "LRANGE b 0 -1",
            "SET s v",
            "LMOVE b s LEFT LEFT",
            "LMOVE s b LEFT LEFT",
            "RPOPLPUSH b s",
            "LRANGE b 0 -1",
            "LMPOP",
            "LMPOP 1",
            "LMPOP 1 a",
            "LMPOP 0 a LEFT",
            "LMPOP -1 a LEFT",
            "LMPOP x a LEFT",
            "LMPOP 2 a LEFT",
            "LMPOP 1 a MIDDLE",
            "LMPOP 1 a LEFT",
            "LMPOP 2 a b LEFT",
            "LMPOP 2 a b RIGHT COUNT 10",
            "RPUSH b 1 2 3 4",
            "LMPOP 2 a b LEFT COUNT 0",
            "LMPOP 2 a b LEFT COUNT x",
            "LMPOP 2 a b LEFT COUNT",
            "LMPOP 2 a b LEFT COUNT 1 COUNT 1",
            "LMPOP 2 a b LEFT FOO",
            "LMPOP 2 a b RIGHT COUNT 2",
            "LMPOP 2 s b LEFT",
            "LMPOP 2 b s LEFT",
            "LMPOP 3 a b s left count 5",
            "EXISTS b",
        ]);
    }
}

#[test]
fn blocking_forms_time_out_or_pop() {
    let Some(mut p) = Pair::new() else { return };
    p.check_all(&[
        "BLPOP a 0.01",
        "BRPOP a b 0.01",
        "BLPOP a x",
        "BLPOP a -1",
        "BLPOP a 1e999",
        "BLPOP a inf",
        "BLPOP a nan",
        "BLMOVE a b LEFT RIGHT 0.01",
        "BLMOVE a b LEFT RIGHT x",
        "BLMOVE a b LEFT UP 0.01",
        "BRPOPLPUSH a b 0.01",
        "BRPOPLPUSH a b -1",
        "BLMPOP 0.01 1 a LEFT",
        "BLMPOP x 1 a LEFT",
        "BLMPOP 0.01 0 a LEFT",
        "BLMPOP 0.01 1 a LEFT COUNT 0",
        "BLMPOP -1 1 a LEFT",
        "RPUSH a 1 2 3 4 5 6",
        "SET s v",
        "BLPOP s a 0",
        "BLPOP a s 0",
        "BRPOP a 0",
        "BLMOVE a b RIGHT LEFT 0",
        "BLMOVE a s RIGHT LEFT 0",
        "BRPOPLPUSH a b 0",
        "LRANGE b 0 -1",
        "BLMPOP 0 2 x b RIGHT COUNT 5",
        "EXISTS a b",
        "BLPOP x y 0.01",
    ]);
}

#[test]
fn types_and_generic_commands() {
    let Some(mut p) = Pair::new() else { return };
    p.check_all(&[
        "RPUSH l a b c",
        "TYPE l",
        "OBJECT ENCODING l",
        "GET l",
        "APPEND l x",
        "INCR l",
        "SET s v",
        "LPUSH s a",
        "LLEN s",
        "LRANGE s 0 -1",
        "LINDEX s 0",
        "LINDEX s x",
        "LSET s 0 v",
        "LSET s x v",
        "LINSERT s BEFORE a b",
        "LREM s 0 a",
        "LTRIM s 0 1",
        "RPOP s",
        "LPOP s 2",
        "RENAME l l2",
        "LRANGE l2 0 -1",
        "COPY l2 l3",
        "LPUSH l3 z",
        "LRANGE l2 0 -1",
        "LRANGE l3 0 -1",
        "MOVE l3 1",
        "SELECT 1",
        "LRANGE l3 0 -1",
        "SELECT 0",
        "DEL l2",
        "EXISTS l2",
        "SET l v",
        "TYPE l",
        "RPUSH bin \"\\x00\\xff\" \"a\\r\\nb\" \"\"",
        "LRANGE bin 0 -1",
        "LPOS bin \"\\x00\\xff\"",
        "LINSERT bin AFTER \"\" \"\\x00\"",
        "LREM bin 0 \"\\x00\"",
        "LRANGE bin 0 -1",
        "OBJECT ENCODING bin",
    ]);
}

/// CONFIG SET only affects lists created afterwards: nodes of an existing
/// list keep the fill they were created with.
#[test]
fn fill_is_fixed_at_creation() {
    let Some(mut p) = Pair::new() else { return };
    set_fill(&mut p, ("2", 0));
    p.check("RPUSH l 1 2 3 4 5");
    set_fill(&mut p, ("-2", 1));
    p.check("RPUSH l 6 7 8 9");
    p.check("LINSERT l AFTER 2 x");
    p.check("LRANGE l 0 -1");
}

/// Random command mixes with long, integer and short elements under each
/// fill and compress depths 0 to 2; every reply compared.
#[test]
fn random_mixes() {
    let Some(mut p) = Pair::new() else { return };
    let mut rng = SmallRng::seed_from_u64(0x115);
    for (i, (fill, _)) in FILLS.into_iter().enumerate() {
        // Compression of inner nodes changes no reply.
        set_fill(&mut p, (fill, i % 3));
        p.check("DEL l m");
        for _ in 0..400 {
            let line = random_command(&mut rng);
            p.check(&line);
        }
        p.check("LRANGE l 0 -1");
        p.check("LRANGE m 0 -1");
    }
}

/// Checks that `key`'s inner nodes are compressed (at least `min` of them)
/// and that the quicklist's invariants, depth rules included, hold.
fn compressed_nodes(p: &mut Pair, key: &str) -> usize {
    p.ks.list_quicklist(key.as_bytes(), |ql| {
        ql.validate(false).unwrap();
        ql.compressed_nodes()
    })
    .unwrap()
    .unwrap_or(0)
}

/// Every list command on lists whose inner nodes are compressed (long,
/// repetitive elements; depths 1 and 2), reading and writing inside
/// compressed nodes, with the node invariants checked after each step.
#[test]
fn commands_on_compressed_nodes() {
    let Some(mut p) = Pair::new() else { return };
    for fill in [("4", 1), ("2", 2), ("-1", 1), ("3", 2)] {
        set_fill(&mut p, fill);
        p.check("FLUSHALL");
        // Elements of 40 to 60 bytes; of about 400 with 4 KiB nodes.
        let reps = if fill.0 == "-1" { 130 } else { 13 };
        let e = |i: usize| format!("e{i}-{}", "abc".repeat(reps + i % 7));
        for i in 0..60 {
            p.check(&format!("RPUSH l {}", e(i)));
        }
        p.check("RPUSH l 1 2 3 12345 -7");
        assert!(compressed_nodes(&mut p, "l") > 2, "{fill:?}");
        let lines = vec![
            "LLEN l".to_string(),
            "LINDEX l 30".into(),
            "LINDEX l -30".into(),
            "LINDEX l 62".into(),
            "LRANGE l 10 40".into(),
            "LRANGE l -50 -20".into(),
            format!("LPOS l {} RANK 1", e(33)),
            format!("LPOS l {} RANK -1 COUNT 0", e(20)),
            format!("LPOS l {} MAXLEN 10", e(33)),
            "LPOS l 12345".into(),
            "LSET l 25 replaced".into(),
            format!("LSET l -25 {}", "q".repeat(300)),
            "LINDEX l 25".into(),
            format!("LINSERT l BEFORE {} inserted-before", e(31)),
            format!("LINSERT l AFTER {} {}", e(40), "w".repeat(90)),
            format!("LINSERT l AFTER {} 777", e(12)),
            format!("LREM l 1 {}", e(15)),
            format!("LREM l -1 {}", e(45)),
            format!("LREM l 0 {}", e(22)),
            "LREM l 0 777".into(),
            "LRANGE l 0 -1".into(),
            "LPOP l 7".into(),
            "RPOP l 9".into(),
            "LMOVE l m LEFT RIGHT".into(),
            "LMOVE l l RIGHT LEFT".into(),
            "RPOPLPUSH l m".into(),
            "LMPOP 2 l m RIGHT COUNT 3".into(),
            "LTRIM l 3 -4".into(),
            "LRANGE l 0 -1".into(),
            "LTRIM l 5 10".into(),
            "LRANGE l 0 -1".into(),
            "OBJECT ENCODING l".into(),
        ];
        for line in &lines {
            p.check(line);
            compressed_nodes(&mut p, "l");
        }
    }
}

fn random_value(rng: &mut SmallRng) -> String {
    match rng.random_range(0..4) {
        0 => format!("{}", rng.random_range(-300..300)),
        1 => "v".repeat(rng.random_range(0..200)),
        _ => ["a", "b", "c", "dd"][rng.random_range(0..4)].to_string(),
    }
}

fn random_command(rng: &mut SmallRng) -> String {
    let key = ["l", "m"][rng.random_range(0..2)];
    let v = random_value(rng);
    let i = rng.random_range(-12..12);
    let j = rng.random_range(-12..12);
    match rng.random_range(0..14) {
        0..=2 => format!("RPUSH {key} {v} {}", random_value(rng)),
        3 | 4 => format!("LPUSH {key} {v}"),
        5 => format!("LPOP {key}"),
        6 => format!("RPOP {key} {}", rng.random_range(0..4)),
        7 => format!(
            "LINSERT {key} {} {v} {}",
            ["BEFORE", "AFTER"][rng.random_range(0..2)],
            random_value(rng)
        ),
        8 => format!("LSET {key} {i} {v}"),
        9 => format!("LREM {key} {i} {v}"),
        10 => format!("LTRIM {key} {i} {}", j + 20),
        11 => format!(
            "LMOVE l m {} {}",
            ["LEFT", "RIGHT"][rng.random_range(0..2)],
            ["LEFT", "RIGHT"][rng.random_range(0..2)]
        ),
        12 => format!("LPOS {key} {v} RANK {} COUNT 0", if i == 0 { 1 } else { i }),
        _ => format!("LRANGE {key} {i} {j}"),
    }
}
