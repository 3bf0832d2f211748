//! Differential tests of the set commands against redis-server 7.0.15:
//! every command and option, error texts, OBJECT ENCODING after each step
//! (with `set-max-intset-entries` at its default and lowered to 0, 1 and 4
//! by CONFIG SET on both sides), exact member order wherever Redis's is
//! fixed (intset-encoded sets and results), unordered comparison for
//! hashtable-encoded ones, structural checks of random picks, and the
//! generic key commands (TYPE, RENAME, COPY, MOVE, DEL) on sets.

mod common;

use std::collections::BTreeSet;

use common::{Pair, sorted_elements};

/// Runs `line` on both sides, asserts identical replies, then compares
/// OBJECT ENCODING of `key`.
fn step(p: &mut Pair, line: &str, key: &str) {
    p.check(line);
    p.check(&format!("OBJECT ENCODING {key}"));
}

/// Member bulk strings of an array reply, as a set (asserting no repeats).
fn member_set(reply: &[u8]) -> BTreeSet<Vec<u8>> {
    let items = sorted_elements(reply);
    let n = items.len();
    let set: BTreeSet<Vec<u8>> = items.into_iter().collect();
    assert_eq!(
        set.len(),
        n,
        "repeated member in {:?}",
        String::from_utf8_lossy(reply)
    );
    set
}

/// Number of elements of an array reply.
fn array_len(reply: &[u8]) -> usize {
    let nl = reply.iter().position(|&b| b == b'\n').unwrap();
    std::str::from_utf8(&reply[1..nl - 1])
        .unwrap()
        .parse()
        .unwrap()
}

fn config_both(p: &mut Pair, limit: usize) {
    p.check(&format!("CONFIG SET set-max-intset-entries {limit}"));
}

fn sadd_range(p: &mut Pair, key: &str, from: i64, to: i64) {
    let members: Vec<String> = (from..to).map(|i| i.to_string()).collect();
    step(p, &format!("SADD {key} {}", members.join(" ")), key);
}

#[test]
fn conversion_points_under_each_limit() {
    let Some(mut p) = Pair::new() else { return };
    for limit in [512usize, 0, 1, 4] {
        p.check("FLUSHALL");
        config_both(&mut p, limit);
        step(&mut p, "SADD a 5", "a");
        step(&mut p, "SADD a 3 1 3 1 3 1", "a");
        if limit >= 3 {
            p.check("SMEMBERS a");
        } else {
            p.check_unordered("SMEMBERS a");
        }
        step(&mut p, "SADD a 2", "a");
        step(&mut p, "SADD a 4 6", "a");
        step(
            &mut p,
            "SADD a -9223372036854775808 9223372036854775807 70000",
            "a",
        );
        p.check_unordered("SMEMBERS a");
        step(&mut p, "SADD b x", "b");
        step(&mut p, "SADD c 1 2 x", "c");
        step(&mut p, "SADD d 1 01", "d");
        step(&mut p, "SADD e 1 -0", "e");
        step(&mut p, "SADD f 1 +1 \" 1\" 1.0", "f");
        step(&mut p, "SADD g 10 20 30 40", "g");
        step(&mut p, "SADD g 10 20 30 40 40 40 40 40 40", "g");
        step(&mut p, "SREM g 10 20 30", "g");
        step(&mut p, "SREM g 40 50", "g");
        p.check("EXISTS g");
        step(&mut p, "SADD h 1", "h");
        step(&mut p, "SADD h 2 3 4 5", "h");
        step(&mut p, "SREM h 1 2 3 4", "h");
        step(&mut p, "SADD h 6", "h");
        p.check_unordered("SMEMBERS h");
    }
    config_both(&mut p, 512);
    p.check("FLUSHALL");
    sadd_range(&mut p, "big", 0, 512);
    p.check("SMEMBERS big");
    step(&mut p, "SADD big 511", "big");
    step(&mut p, "SADD big 512", "big");
    p.check("SCARD big");
    sadd_range(&mut p, "big2", 0, 600);
    step(&mut p, "SADD wide 1 2 3", "wide");
    step(&mut p, "SADD wide 100000 -100000 5000000000", "wide");
    p.check("SMEMBERS wide");
    // Lowering the limit does not convert until the next addition.
    config_both(&mut p, 2);
    step(&mut p, "SREM wide 1", "wide");
    step(&mut p, "SADD wide 1", "wide");
    config_both(&mut p, 512);
}

#[test]
fn membership_and_counts() {
    let Some(mut p) = Pair::new() else { return };
    p.check_all(&[
        "SADD s 1 2 3",
        "SISMEMBER s 2",
        "SISMEMBER s 02",
        "SISMEMBER s x",
        "SISMEMBER nokey x",
        "SMISMEMBER s 1 x 3 03",
        "SMISMEMBER nokey a b",
        "SCARD s",
        "SCARD nokey",
        "SADD t a b c 1",
        "SISMEMBER t a",
        "SISMEMBER t 1",
        "SISMEMBER t 01",
        "SMISMEMBER t a z 1",
        "SCARD t",
        "SREM t a z",
        "SREM nokey a",
        "SMEMBERS nokey",
        "SREM s 1 2 3 4",
        "EXISTS s",
    ]);
    p.check_argv(
        &[b"SADD", b"bin", b"\x00\xff", b"", b"a\r\nb"],
        "SADD binary",
    );
    p.check_argv(&[b"SISMEMBER", b"bin", b"\x00\xff"], "SISMEMBER binary");
    p.check_argv(&[b"SISMEMBER", b"bin", b""], "SISMEMBER empty");
    p.check_unordered("SMEMBERS bin");
    for line in [
        "SADD",
        "SADD s",
        "SREM s",
        "SMEMBERS",
        "SMEMBERS a b",
        "SISMEMBER s",
        "SMISMEMBER s",
        "SCARD",
        "SPOP",
        "SRANDMEMBER",
        "SMOVE a b",
        "SINTER",
        "SINTERCARD 1",
        "SINTERSTORE d",
        "SUNION",
        "SUNIONSTORE d",
        "SDIFF",
        "SDIFFSTORE d",
        "SSCAN s",
    ] {
        p.check(line);
    }
}

#[test]
fn wrong_type_both_directions() {
    let Some(mut p) = Pair::new() else { return };
    p.check_all(&["SET str v", "SADD set 1 x", "LPUSH list a"]);
    for line in [
        "SADD str a",
        "SREM str a",
        "SMEMBERS str",
        "SISMEMBER str a",
        "SMISMEMBER str a",
        "SCARD str",
        "SPOP str",
        "SPOP str 2",
        "SRANDMEMBER str",
        "SRANDMEMBER str 2",
        "SMOVE str set a",
        "SMOVE set str 1",
        "SMOVE set str nope",
        "SMOVE nokey str 1",
        "SINTER set str",
        "SINTER nokey str",
        "SINTERCARD 2 set str",
        "SINTERSTORE d set str",
        "SUNION set list",
        "SUNIONSTORE d set list",
        "SDIFF set str",
        "SDIFF nokey str",
        "SDIFFSTORE d set str",
        "SSCAN str 0",
        "SSCAN str 0 COUNT 0",
        "GET set",
        "APPEND set x",
        "INCR set",
        "LPUSH set a",
        "HSET set f v",
        "STRLEN set",
    ] {
        p.check(line);
    }
    // A STORE destination of another type is simply replaced.
    step(&mut p, "SINTERSTORE str set", "str");
    p.check("TYPE str");
    step(&mut p, "SUNIONSTORE list set", "list");
}

#[test]
fn smove_cases() {
    let Some(mut p) = Pair::new() else { return };
    for limit in [512usize, 1] {
        p.check("FLUSHALL");
        config_both(&mut p, limit);
        p.check_all(&["SADD a 1 2 x", "SADD b 5"]);
        step(&mut p, "SMOVE a b 1", "b");
        step(&mut p, "SMOVE a b 1", "b");
        step(&mut p, "SMOVE a b x", "b");
        step(&mut p, "SMOVE a new 2", "new");
        p.check("EXISTS a");
        step(&mut p, "SMOVE new fresh 2", "fresh");
        p.check("EXISTS new");
        step(&mut p, "SMOVE b fresh2 x", "fresh2");
        step(&mut p, "SMOVE b b 5", "b");
        step(&mut p, "SMOVE b b 6", "b");
        p.check("SMOVE nokey b 5");
        p.check_unordered("SMEMBERS b");
    }
    config_both(&mut p, 512);
}

#[test]
fn intersections() {
    let Some(mut p) = Pair::new() else { return };
    p.check_all(&[
        "SADD i1 1 2 3 4 5 6",
        "SADD i2 6 5 4 3",
        "SADD i3 5 3 1 9",
        "SADD h1 a b c 3 5",
        "SADD h2 a c 5",
    ]);
    // Smallest set an intset: ascending order.
    p.check("SINTER i1 i2");
    p.check("SINTER i1 i2 i3");
    p.check("SINTER i1 h1");
    p.check("SINTER i1 i1");
    p.check("SINTER i1");
    p.check("SINTER i1 nokey");
    p.check("SINTER nokey i1");
    p.check_unordered("SINTER h1 h2");
    p.check_unordered("SINTER h2 h1 h2");
    for line in [
        "SINTERCARD 1 i1",
        "SINTERCARD 2 i1 i2",
        "SINTERCARD 2 i1 i2 LIMIT 2",
        "SINTERCARD 2 i1 i2 limit 0",
        "SINTERCARD 2 i1 i2 LIMIT 100",
        "SINTERCARD 2 i1 i2 LIMIT 1 LIMIT 3",
        "SINTERCARD 2 h1 h2 LIMIT 1",
        "SINTERCARD 2 i1 nokey",
        "SINTERCARD 3 i1 i2",
        "SINTERCARD 0 i1",
        "SINTERCARD -1 i1",
        "SINTERCARD x i1",
        "SINTERCARD 1 i1 LIMIT",
        "SINTERCARD 1 i1 LIMIT -1",
        "SINTERCARD 1 i1 LIMIT x",
        "SINTERCARD 1 i1 FOO 1",
        "SINTERCARD 1 i1 i2",
    ] {
        p.check(line);
    }
    step(&mut p, "SINTERSTORE d i1 i2", "d");
    p.check("SMEMBERS d");
    step(&mut p, "SINTERSTORE d h1 h2", "d");
    p.check_unordered("SMEMBERS d");
    // Hashtable sources, integer result: a fresh intset.
    step(&mut p, "SINTERSTORE d h1 i1", "d");
    p.check("SMEMBERS d");
    step(&mut p, "SINTERSTORE d i1 nokey", "d");
    p.check("EXISTS d");
    p.check("SET d v");
    p.check("EXPIRE d 100");
    step(&mut p, "SINTERSTORE d i1 i3", "d");
    p.check("TTL d");
    step(&mut p, "SINTERSTORE i1 i1 i3", "i1");
    p.check("SMEMBERS i1");
    step(&mut p, "SINTERSTORE d i2 h2", "d");
    p.check("EXISTS d");
}

#[test]
fn unions_and_differences() {
    let Some(mut p) = Pair::new() else { return };
    for limit in [512usize, 0, 1, 4] {
        p.check("FLUSHALL");
        config_both(&mut p, limit);
        p.check_all(&[
            "SADD i1 1 2 3",
            "SADD i2 3 4 5",
            "SADD h1 a b 1 7",
            "SADD h2 b c",
        ]);
        let ordered = |n: usize| n <= limit;
        let lines = [
            ("SUNION i1 i2", ordered(5)),
            ("SUNION i1 nokey i1", ordered(3)),
            ("SUNION nokey", true),
            ("SUNION h1 h2", false),
            ("SUNION i1 h1", false),
            ("SDIFF i1 i2", ordered(2)),
            ("SDIFF i1 nokey", ordered(3)),
            ("SDIFF nokey i1", true),
            ("SDIFF i1 i1", true),
            ("SDIFF i1 i2 i1", true),
            ("SDIFF h1 h2", false),
            ("SDIFF h1 h2 i1", false),
        ];
        for (line, ordered) in lines {
            if ordered {
                p.check(line);
            } else {
                p.check_unordered(line);
            }
        }
        for (store, key) in [
            ("SUNIONSTORE d i1 i2", "d"),
            ("SUNIONSTORE d h1 h2", "d"),
            ("SUNIONSTORE d i1 h1", "d"),
            ("SDIFFSTORE d i1 i2", "d"),
            ("SDIFFSTORE d h1 h2", "d"),
            ("SDIFFSTORE i1 i1 i2", "i1"),
        ] {
            step(&mut p, store, key);
            p.check_unordered(&format!("SMEMBERS {key}"));
        }
        step(&mut p, "SDIFFSTORE d i2 i2", "d");
        p.check("EXISTS d");
        step(&mut p, "SUNIONSTORE d nokey", "d");
        p.check("EXISTS d");
    }
    config_both(&mut p, 512);
}

#[test]
fn difference_algorithms_show_in_the_encoding() {
    let Some(mut p) = Pair::new() else { return };
    // Algorithm 1 (first set small against large others): only survivors
    // are added, so removing the strings leaves an intset.
    p.check("SADD first 1 2 3 x y");
    sadd_range(&mut p, "other", 100, 200);
    p.check("SADD other x y");
    step(&mut p, "SDIFFSTORE d first other", "d");
    p.check("SMEMBERS d");
    // Algorithm 2 (a big first set against small others): the whole first
    // set is added and then subtracted, so the result stays a hashtable.
    p.check("SADD many a b c d e f g h i j k l m n o p q r s t 1 2 3");
    p.check("SADD few a b c d e f g h i j k l m n o p q r s t");
    p.check("SADD few2 zz");
    p.check("SADD few3 yy");
    step(&mut p, "SDIFFSTORE d many few few2 few3", "d");
    p.check_unordered("SMEMBERS d");
    p.check_unordered("SDIFF many few few2 few3");
    // A big integer first set past the limit during algorithm 2.
    config_both(&mut p, 4);
    p.check("SADD ints 1 2 3 4");
    p.check("SADD sub 1 2");
    p.check("SADD sub2 9");
    step(&mut p, "SDIFFSTORE d ints sub sub2", "d");
    config_both(&mut p, 512);
}

/// Pops with `line` on both sides, then checks what each side popped and
/// kept against the members both had before.
fn check_pop(p: &mut Pair, line: &str, key: &str) {
    let before = member_set(&p.both_line(&format!("SMEMBERS {key}")).0);
    let (want, got) = p.both_line(line);
    let (want_set, got_set) = (member_set(&want), member_set(&got));
    assert_eq!(array_len(&want), array_len(&got), "`{line}` sizes");
    let (rest_want, rest_got) = p.both_line(&format!("SMEMBERS {key}"));
    for (popped, rest) in [(&want_set, rest_want), (&got_set, rest_got)] {
        let rest = member_set(&rest);
        assert!(popped.is_disjoint(&rest));
        let all: BTreeSet<_> = popped.union(&rest).cloned().collect();
        assert_eq!(all, before, "`{line}`: popped + kept != before");
    }
    p.check(&format!("OBJECT ENCODING {key}"));
    p.check(&format!("SCARD {key}"));
    p.check(&format!("DEL {key}"));
}

#[test]
fn spop_structure_and_encodings() {
    let Some(mut p) = Pair::new() else { return };
    p.check_all(&[
        "SPOP nokey",
        "SPOP nokey 3",
        "SADD s 1",
        "SPOP s 0",
        "SPOP s",
        "EXISTS s",
        "SADD s 1 2 3",
        "SPOP s -1",
        "SPOP s x",
        "SPOP s 1 2",
        "SPOP s 3",
        "EXISTS s",
        "SADD s 3 1 2",
        "SPOP s 100",
        "SADD s 1 2 3 x",
    ]);
    p.check_unordered("SPOP s 4");
    sadd_range(&mut p, "big", 0, 600);
    p.check_unordered("SPOP big 600");
    // Small counts: random removals.
    for (n, count) in [(10, 1), (10, 3), (600, 20), (600, 100)] {
        sadd_range(&mut p, "r", 0, n);
        check_pop(&mut p, &format!("SPOP r {count}"), "r");
    }
    // Large counts: the set is rebuilt from the survivors (intset again
    // when they are integers within the limit).
    for (n, count) in [(10, 9), (600, 580), (600, 500), (30, 25)] {
        sadd_range(&mut p, "r", 0, n);
        check_pop(&mut p, &format!("SPOP r {count}"), "r");
    }
    p.check("SADD m a b c d e f g h i j");
    check_pop(&mut p, "SPOP m 9", "m");
    p.check("SADD one x");
    let (want, got) = p.both_line("SPOP one");
    assert_eq!(want, got);
    p.check("SADD t 1 2 3");
    p.check("EXPIRE t 100");
    check_pop(&mut p, "SPOP t", "t");
}

#[test]
fn srandmember_structure() {
    let Some(mut p) = Pair::new() else { return };
    p.check_all(&[
        "SRANDMEMBER nokey",
        "SRANDMEMBER nokey 5",
        "SRANDMEMBER nokey -5",
        "SADD s 3 1 2",
        "SRANDMEMBER s 0",
        "SRANDMEMBER s 3",
        "SRANDMEMBER s 100",
        "SRANDMEMBER s x",
        "SRANDMEMBER s 1 2",
        "SRANDMEMBER s -9223372036854775808",
        "SRANDMEMBER s 9223372036854775807",
        "SADD h a b c",
    ]);
    p.check_unordered("SRANDMEMBER h 3");
    p.check_unordered("SRANDMEMBER h 50");
    sadd_range(&mut p, "big", 0, 1000);
    let all = member_set(&p.both_line("SMEMBERS big").0);
    for line in [
        "SRANDMEMBER s",
        "SRANDMEMBER s 1",
        "SRANDMEMBER s 2",
        "SRANDMEMBER s -10",
        "SRANDMEMBER h -4",
        "SRANDMEMBER big 10",
        "SRANDMEMBER big 400",
        "SRANDMEMBER big 999",
        "SRANDMEMBER big -2000",
    ] {
        let (want, got) = p.both_line(line);
        let key = line.split(' ').nth(1).unwrap();
        let universe = member_set(&p.both_line(&format!("SMEMBERS {key}")).0);
        if want.starts_with(b"$") {
            assert!(got.starts_with(b"$"));
            continue;
        }
        assert_eq!(array_len(&want), array_len(&got), "`{line}` sizes");
        let items = sorted_elements(&got);
        if !line.contains('-') {
            let distinct: BTreeSet<_> = items.iter().collect();
            assert_eq!(distinct.len(), items.len(), "`{line}` repeats");
        }
        assert!(items.iter().all(|m| universe.contains(m)), "`{line}` stray");
    }
    assert_eq!(all.len(), 1000);
}

#[test]
fn sscan_cases() {
    let Some(mut p) = Pair::new() else { return };
    p.check_all(&[
        "SSCAN nokey 0",
        "SSCAN nokey 0 COUNT 0",
        "SSCAN nokey x",
        "SADD s 5 1 3 10 11",
        "SSCAN s 0",
        "SSCAN s 0 MATCH 1*",
        "SSCAN s 0 match * count 1",
        "SSCAN s 0 COUNT 0",
        "SSCAN s 0 COUNT -1",
        "SSCAN s 0 COUNT x",
        "SSCAN s 0 TYPE set",
        "SSCAN s 0 MATCH",
        "SSCAN s abc",
        "SSCAN s -1",
        "SSCAN s 18446744073709551616",
    ]);
    p.check("SADD h a b c");
    let [want, got] = scan_all(&mut p, "h", " COUNT 100");
    assert_eq!(want, got);
    sadd_range(&mut p, "big", 0, 700);
    p.check("SADD big x1 x2 y3");
    for opts in ["", " COUNT 7", " MATCH x*", " MATCH 1?0 COUNT 50"] {
        let [want, got] = scan_all(&mut p, "big", opts);
        assert_eq!(want, got, "SSCAN big{opts}");
        assert!(!want.is_empty());
    }
}

/// Every member a full SSCAN of `key` with `opts` returns, on the oracle
/// and on embedis, without repeats (each side follows its own cursor).
fn scan_all(p: &mut Pair, key: &str, opts: &str) -> [BTreeSet<Vec<u8>>; 2] {
    common::sscan_all(p, key, opts, &[]).map(BTreeSet::from_iter)
}

#[test]
fn generic_commands_on_sets() {
    let Some(mut p) = Pair::new() else { return };
    p.check_all(&[
        "SADD a 1 2 3",
        "SADD b x y",
        "TYPE a",
        "TYPE b",
        "COPY a c",
        "OBJECT ENCODING c",
        "SMEMBERS c",
        "COPY b d",
        "OBJECT ENCODING d",
        "RENAME a e",
        "SMEMBERS e",
        "OBJECT ENCODING e",
        "EXISTS a",
        "MOVE e 1",
        "SELECT 1",
        "SMEMBERS e",
        "OBJECT ENCODING e",
        "SELECT 0",
        "DEL b c d",
        "EXISTS b c d",
        "SADD t 1",
        "PEXPIRE t 1",
    ]);
    std::thread::sleep(std::time::Duration::from_millis(5));
    p.check_all(&["SCARD t", "SADD t 2", "TTL t", "SMEMBERS t"]);
}

/// Access counting under LFU with `lfu-log-factor 0` (every lookup adds
/// exactly 1, so OBJECT FREQ counts lookups): which set commands look
/// which keys up, how often, and that STORE overwrites and SPOP rebuilds
/// keep the counter.
#[test]
fn lfu_access_counting() {
    let Some(mut p) = Pair::lfu() else { return };
    let ops = [
        "SADD a 9",
        "SREM a 100",
        "SMEMBERS a",
        "SISMEMBER a 1",
        "SMISMEMBER a 1 2",
        "SCARD a",
        "SRANDMEMBER a",
        "SRANDMEMBER a 2",
        "SMOVE a b 1",
        "SMOVE b a 1",
        "SMOVE a a 2",
        "SINTER a b",
        "SINTER a a",
        "SINTERCARD 2 a b",
        "SINTERSTORE b a b",
        "SINTERSTORE a a b",
        "SUNION a b",
        "SUNIONSTORE b a",
        "SDIFF a b",
        "SDIFFSTORE b b a",
        "SSCAN a 0",
        "SPOP a 1",
        "SPOP a 8",
    ];
    for op in ops {
        p.check("DEL a b");
        p.check("SADD a 1 2 3 4 5 6 7 8 9 10");
        p.check("SADD b 2 3 x");
        for _ in 0..2 {
            if op.starts_with("SRANDMEMBER") || op.starts_with("SPOP") {
                p.both_line(op);
            } else {
                p.check_unordered(op);
            }
            p.check("OBJECT FREQ a");
            p.check("OBJECT FREQ b");
        }
    }
}
