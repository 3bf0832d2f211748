//! Differential tests of the hash commands against redis-server 7.0.15:
//! every command and option, error texts and their order, OBJECT ENCODING
//! after each step (with the thresholds at their defaults and lowered to 0,
//! 1 and 4 by CONFIG SET on both sides), exact insertion order while
//! listpack-encoded, pairwise-unordered comparison once a hashtable, and
//! the generic key commands (TYPE, RENAME, COPY, MOVE, DEL) on hashes.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::{Pair, element_end};
use embedis::command::split_args;

/// Runs `line` on both sides, asserts identical replies, then compares
/// OBJECT ENCODING of `key`.
fn step(p: &mut Pair, line: &str, key: &str) {
    p.check(line);
    p.check(&format!("OBJECT ENCODING {key}"));
}

/// The top-level elements of an array reply, as raw RESP bytes, in order.
fn elements(reply: &[u8]) -> Vec<Vec<u8>> {
    assert_eq!(
        reply[0],
        b'*',
        "not an array: {}",
        String::from_utf8_lossy(reply)
    );
    let mut pos = reply.iter().position(|&b| b == b'\n').unwrap() + 1;
    let mut out = Vec::new();
    while pos < reply.len() {
        let end = element_end(reply, pos);
        out.push(reply[pos..end].to_vec());
        pos = end;
    }
    out
}

/// A flat field/value array as a map (asserting no field repeats).
fn pair_map(reply: &[u8]) -> BTreeMap<Vec<u8>, Vec<u8>> {
    let items = elements(reply);
    assert_eq!(items.len() % 2, 0);
    let mut map = BTreeMap::new();
    for kv in items.chunks(2) {
        assert!(
            map.insert(kv[0].clone(), kv[1].clone()).is_none(),
            "repeated field"
        );
    }
    map
}

fn argv_of(line: &str) -> Vec<Vec<u8>> {
    split_args(line.as_bytes()).expect("balanced quotes")
}

fn both(p: &mut Pair, line: &str) -> (Vec<u8>, Vec<u8>) {
    let argv = argv_of(line);
    let argv: Vec<&[u8]> = argv.iter().map(Vec::as_slice).collect();
    p.both(&argv)
}

/// HGETALL compared as a set of pairs (for hashtable-encoded hashes).
fn check_pairs(p: &mut Pair, line: &str) {
    let (want, got) = both(p, line);
    assert_eq!(pair_map(&got), pair_map(&want), "`{line}` differs");
}

/// Compares a hash whatever its encoding: exact order while listpack.
fn check_hash(p: &mut Pair, key: &str) {
    let enc = p.check(&format!("OBJECT ENCODING {key}"));
    if enc.ends_with(b"listpack\r\n") {
        p.check(&format!("HGETALL {key}"));
        p.check(&format!("HKEYS {key}"));
        p.check(&format!("HVALS {key}"));
    } else {
        check_pairs(p, &format!("HGETALL {key}"));
        p.check_unordered(&format!("HKEYS {key}"));
        p.check_unordered(&format!("HVALS {key}"));
    }
    p.check(&format!("HLEN {key}"));
}

#[test]
fn basics_errors_and_arity() {
    let Some(mut p) = Pair::new() else { return };
    p.check_all(&[
        "HSET",
        "HSET h",
        "HSET h f",
        "HSET h f v g",
        "HMSET h f",
        "HMSET h f v g",
        "HSETNX h f",
        "HGET h",
        "HMGET h",
        "HDEL h",
        "HLEN",
        "HSTRLEN h",
        "HEXISTS h",
        "HKEYS",
        "HVALS",
        "HGETALL",
        "HINCRBY h f",
        "HINCRBYFLOAT h f",
        "HRANDFIELD",
        "HSCAN h",
        "HGET h f",
        "HMGET h f g",
        "HLEN h",
        "HSTRLEN h f",
        "HEXISTS h f",
        "HKEYS h",
        "HVALS h",
        "HGETALL h",
        "HDEL h f",
        "HRANDFIELD h",
        "HRANDFIELD h 3",
        "HRANDFIELD h -3 WITHVALUES",
        "HSCAN h 0",
        "HSCAN h 0 BOGUS",
        "HSCAN h x",
        "EXISTS h",
    ]);
    for line in [
        "HSET h f v",
        "HSET h f v2 g w",
        "HMSET h a 1 b 2",
        "HSETNX h f zzz",
        "HSETNX h n new",
        "HGET h f",
        "HGET h nope",
        "HMGET h f nope g a",
        "HLEN h",
        "HSTRLEN h f",
        "HSTRLEN h nope",
        "HEXISTS h f",
        "HEXISTS h nope",
        "HDEL h f nope f g",
        "HGETALL h",
        "HKEYS h",
        "HVALS h",
        "HDEL h a b n",
        "EXISTS h",
        "HLEN h",
    ] {
        step(&mut p, line, "h");
    }
}

#[test]
fn integer_like_binary_and_empty_fields() {
    let Some(mut p) = Pair::new() else { return };
    for line in [
        "HSET h 1 -1 01 +1 -0 0 \"\" \"\"",
        "HSET h 9223372036854775807 -9223372036854775808 9223372036854775808 x",
        "HSET h \" 1\" 12345678901234567890 4095 -4096 4096 -4097 127 128",
        "HGET h 1",
        "HGET h 01",
        "HGET h \"\"",
        "HSTRLEN h 9223372036854775807",
        "HSTRLEN h 4095",
        "HEXISTS h +1",
        "HEXISTS h 1.0",
        "HDEL h 01",
        "HGETALL h",
        "HSET h \"a\\x00b\" \"\\x00\\xff\"",
        "HGET h \"a\\x00b\"",
        "HGET h a",
        "HGETALL h",
    ] {
        step(&mut p, line, "h");
    }
    p.check_argv(&[b"HSET", b"b", b"\xff\xfe", b"\x00"], "binary hset");
    p.check_argv(&[b"HGET", b"b", b"\xff\xfe"], "binary hget");
    p.check("HGETALL b");
}

#[test]
fn hincrby_and_hincrbyfloat() {
    let Some(mut p) = Pair::new() else { return };
    for line in [
        "HINCRBY h n 5",
        "HINCRBY h n -7",
        "HINCRBY h n 0",
        "HINCRBY h n x",
        "HINCRBY h n -0",
        "HINCRBY h n 1.5",
        "HINCRBY h n 9223372036854775808",
        "HSET h max 9223372036854775807 min -9223372036854775808 s abc z -0 sp \" 1\"",
        "HINCRBY h max 1",
        "HINCRBY h max 0",
        "HINCRBY h min -1",
        "HINCRBY h min 9223372036854775807",
        "HINCRBY h s 1",
        "HINCRBY h z 1",
        "HINCRBY h sp 1",
        "HINCRBYFLOAT h f 1.5",
        "HINCRBYFLOAT h f 0.1",
        "HINCRBYFLOAT h f -1.6",
        "HINCRBYFLOAT h f abc",
        "HINCRBYFLOAT h f inf",
        "HINCRBYFLOAT h f nan",
        "HINCRBYFLOAT h f \"\"",
        "HINCRBYFLOAT h s 1",
        "HINCRBYFLOAT h n 1e3",
        "HINCRBYFLOAT h max 1",
        "HSET h big 1e4932",
        "HINCRBYFLOAT h big 1e4932",
        "HINCRBYFLOAT h f 5e-20",
        "HINCRBYFLOAT new f inf",
        "EXISTS new",
        "HINCRBYFLOAT new f 3.0e0",
        "HINCRBY new2 f x",
        "EXISTS new2",
        "HGETALL h",
        "HGETALL new",
    ] {
        step(&mut p, line, "h");
    }
    // A value longer than the limit, produced by an increment, converts.
    p.check("CONFIG SET hash-max-listpack-value 5");
    step(&mut p, "HSET c f 9999", "c");
    step(&mut p, "HINCRBY c f 1", "c");
    step(&mut p, "HINCRBY c f 90000", "c");
    step(&mut p, "HSET d f 1", "d");
    step(&mut p, "HINCRBYFLOAT d f 0.25", "d");
    step(&mut p, "HINCRBYFLOAT d f 0.125", "d");
    check_hash(&mut p, "c");
    check_hash(&mut p, "d");
}

#[test]
fn conversions_under_changed_thresholds() {
    let Some(mut p) = Pair::new() else { return };
    for entries in [0, 1, 4] {
        p.check("FLUSHALL");
        p.check(&format!("CONFIG SET hash-max-listpack-entries {entries}"));
        p.check("CONFIG SET hash-max-listpack-value 64");
        for line in [
            "HSET k a 1 a 2 a 3 a 4 a 5",
            "HSET k b 1",
            "HSET k c 1 d 2",
            "HSET k e 1",
            "HDEL k a b c d",
            "HSET k f 1",
        ] {
            step(&mut p, line, "k");
        }
        check_hash(&mut p, "k");
        step(&mut p, "HSETNX n a 1", "n");
        step(&mut p, "HSETNX n a 2", "n");
        step(&mut p, "HMSET m a 1 b 2 c 3 d 4", "m");
        step(&mut p, "HINCRBY i a 1", "i");
        step(&mut p, "HINCRBYFLOAT j a 1", "j");
        check_hash(&mut p, "m");
    }
    for value in [0, 1, 4] {
        p.check("FLUSHALL");
        p.check("CONFIG SET hash-max-listpack-entries 128");
        p.check(&format!("CONFIG SET hash-max-listpack-value {value}"));
        for (key, line) in [
            ("a", "HSET a \"\" \"\""),
            ("b", "HSET b x \"\""),
            ("c", "HSET c \"\" x"),
            ("d", "HSET d abcd abcd"),
            ("e", "HSET e abcde 1"),
            ("f", "HSET f 1 12345"),
            ("g", "HSETNX g abcd abcde"),
            ("h", "HSET h 1234 1"),
        ] {
            step(&mut p, line, key);
        }
        // A long argument converts even when it only repeats a field.
        step(&mut p, "HSET d abcd abcd abcdefgh 1", "d");
        step(&mut p, "HSETNX h 1234 longer-than-limit", "h");
    }
    // Lowering the entries limit converts an existing listpack at its next
    // single-field write, updates included, but not on HSETNX of a present
    // field or HDEL.
    p.check("FLUSHALL");
    p.check("CONFIG SET hash-max-listpack-entries 128");
    p.check("CONFIG SET hash-max-listpack-value 64");
    step(&mut p, "HSET l a 1 b 2 c 3 d 4 e 5 f 6", "l");
    p.check("CONFIG SET hash-max-listpack-entries 4");
    step(&mut p, "HSETNX l a 9", "l");
    step(&mut p, "HDEL l f", "l");
    step(&mut p, "HINCRBY l a 1", "l");
    check_hash(&mut p, "l");
}

#[test]
fn default_threshold_crossings() {
    let Some(mut p) = Pair::new() else { return };
    let mut line = String::from("HSET big");
    for i in 0..512 {
        line.push_str(&format!(" f{i} {i}"));
    }
    step(&mut p, &line, "big");
    p.check("HGETALL big");
    step(&mut p, "HSET big f0 again", "big");
    step(&mut p, "HSET big f512 x", "big");
    check_hash(&mut p, "big");
    let v64 = "v".repeat(64);
    step(&mut p, &format!("HSET s f {v64}"), "s");
    step(&mut p, &format!("HSET s {v64} f"), "s");
    step(&mut p, &format!("HSET s g {v64}x"), "s");
    check_hash(&mut p, "s");
    // Deleting down to one field keeps the hashtable.
    let mut del = String::from("HDEL big");
    for i in 1..=512 {
        del.push_str(&format!(" f{i}"));
    }
    step(&mut p, &del, "big");
    check_hash(&mut p, "big");
}

#[test]
fn wrongtype_both_ways() {
    let Some(mut p) = Pair::new() else { return };
    p.check_all(&["SET s v", "HSET h f v"]);
    for cmd in [
        "HSET s f v",
        "HMSET s f v",
        "HSETNX s f v",
        "HGET s f",
        "HMGET s f",
        "HDEL s f",
        "HLEN s",
        "HSTRLEN s f",
        "HEXISTS s f",
        "HKEYS s",
        "HVALS s",
        "HGETALL s",
        "HINCRBY s f 1",
        "HINCRBYFLOAT s f 1",
        "HINCRBY s f x",
        "HINCRBYFLOAT s f x",
        "HRANDFIELD s",
        "HRANDFIELD s 2",
        "HRANDFIELD s 2 WITHVALUES",
        "HSCAN s 0",
        "HSCAN s 0 BOGUS",
        "HSCAN s x",
        "GET h",
        "SET h x GET",
        "GETSET h x",
        "GETDEL h",
        "GETEX h",
        "APPEND h x",
        "STRLEN h",
        "INCR h",
        "INCRBYFLOAT h 1",
        "GETRANGE h 0 1",
        "SETRANGE h 0 x",
        "MGET h s",
        "TYPE h",
        "TYPE s",
        "HGETALL h",
    ] {
        p.check(cmd);
    }
    step(&mut p, "SET h x", "h");
}

#[test]
fn generic_commands_on_hashes() {
    let Some(mut p) = Pair::new() else { return };
    p.check("CONFIG SET hash-max-listpack-entries 4");
    for line in [
        "HSET small a 1 b 2",
        "HSET large a 1 b 2 c 3 d 4 e 5",
        "TYPE small",
        "TYPE large",
        "COPY small small2",
        "COPY large large2",
        "HSET small2 z 26",
        "HGETALL small",
        "HGETALL small2",
        "RENAME small renamed",
        "EXISTS small",
        "HGETALL renamed",
        "MOVE large 1",
        "EXISTS large",
        "SELECT 1",
        "TYPE large",
        "OBJECT ENCODING large",
        "HLEN large",
        "SELECT 0",
        "DEL renamed large2 nothing",
        "EXISTS renamed large2",
        "OBJECT ENCODING small2",
        "EXPIRE small2 100",
        "HSET small2 y 25",
        "TTL small2",
        "HDEL small2 a b y z",
        "EXISTS small2",
    ] {
        p.check(line);
    }
    check_hash(&mut p, "small2");
    p.check("SELECT 1");
    check_hash(&mut p, "large");
    p.check("SELECT 0");
}

/// HRANDFIELD: replies are random, so compare their shape: lengths,
/// distinctness where Redis guarantees it, membership, pairing.
#[test]
fn hrandfield_structure() {
    let Some(mut p) = Pair::new() else { return };
    p.check_all(&[
        "HSET h a 1 b 2 c 3 d 4 e 5 f 6 g 7 h 8 i 9 j 10",
        "HRANDFIELD h 0",
        "HRANDFIELD h 0 WITHVALUES",
        "HRANDFIELD h 10",
        "HRANDFIELD h 100 WITHVALUES",
        "HRANDFIELD h 1 WITHVALUE",
        "HRANDFIELD h 1 WITHVALUES x",
        "HRANDFIELD h x",
        "HRANDFIELD h 1.5",
        "HRANDFIELD h -9223372036854775808",
        "HRANDFIELD h 4611686018427387904 WITHVALUES",
        "HRANDFIELD h -4611686018427387904 WITHVALUES",
        "HRANDFIELD missing",
        "HRANDFIELD missing 5",
        "HRANDFIELD missing -5 WITHVALUES",
    ]);
    let fields: BTreeSet<Vec<u8>> = (b'a'..=b'j')
        .map(|c| format!("$1\r\n{}\r\n", c as char).into_bytes())
        .collect();
    let check_shape = |p: &mut Pair, line: &str, want_len: usize, distinct: bool, values: bool| {
        let (want, got) = both(p, line);
        for reply in [&want, &got] {
            let items = elements(reply);
            let per = if values { 2 } else { 1 };
            assert_eq!(items.len(), want_len * per, "`{line}` length");
            let names: Vec<&Vec<u8>> = items.iter().step_by(per).collect();
            assert!(
                names.iter().all(|f| fields.contains(*f)),
                "`{line}` membership"
            );
            if distinct {
                let set: BTreeSet<_> = names.iter().collect();
                assert_eq!(set.len(), names.len(), "`{line}` distinct");
            }
        }
        if values {
            let (w, g) = (elements(&want), elements(&got));
            for kv in w.chunks(2).chain(g.chunks(2)) {
                // field "$1\r\nc\r\n" pairs with the value c - 'a' + 1.
                let n = kv[0][4] - b'a' + 1;
                assert_eq!(
                    kv[1],
                    format!("${}\r\n{n}\r\n", n.to_string().len()).into_bytes()
                );
            }
        }
    };
    for entries in [128, 0] {
        p.check(&format!("CONFIG SET hash-max-listpack-entries {entries}"));
        p.check("HSET h j 10");
        p.check("OBJECT ENCODING h");
        for (line, len, distinct, values) in [
            ("HRANDFIELD h 3", 3, true, false),
            ("HRANDFIELD h 9", 9, true, false),
            ("HRANDFIELD h 5 WITHVALUES", 5, true, true),
            ("HRANDFIELD h 1 WITHVALUES", 1, true, true),
            ("HRANDFIELD h -25", 25, false, false),
            ("HRANDFIELD h -1", 1, false, false),
            ("HRANDFIELD h -30 WITHVALUES", 30, false, true),
        ] {
            check_shape(&mut p, line, len, distinct, values);
        }
        let (want, got) = both(&mut p, "HRANDFIELD h");
        assert!(fields.contains(&want) && fields.contains(&got));
        // A count covering the hash returns all of it (in listpack order
        // while listpack-encoded).
        if entries > 0 {
            p.check("HRANDFIELD h 10 WITHVALUES");
        } else {
            check_pairs(&mut p, "HRANDFIELD h 10 WITHVALUES");
        }
    }
}

/// Runs a whole HSCAN iteration on both sides and compares what was found.
fn full_scan(p: &mut Pair, key: &str, opts: &str) -> BTreeMap<Vec<u8>, Vec<u8>> {
    let mut results = Vec::new();
    for side in 0..2 {
        let mut found = BTreeMap::new();
        let mut cursor = b"0".to_vec();
        loop {
            let line = format!("HSCAN {key} {} {opts}", String::from_utf8_lossy(&cursor));
            let (want, got) = both(p, &line);
            let reply = if side == 0 { want } else { got };
            let parts = elements(&reply);
            let head = &parts[0];
            let start = head.iter().position(|&b| b == b'\n').unwrap() + 1;
            cursor = head[start..head.len() - 2].to_vec();
            found.extend(pair_map(&parts[1]));
            if cursor == b"0" {
                break;
            }
        }
        results.push(found);
    }
    assert_eq!(results[1], results[0], "HSCAN {key} {opts}");
    results.pop().unwrap()
}

#[test]
fn hscan_listpack_and_hashtable() {
    let Some(mut p) = Pair::new() else { return };
    p.check_all(&[
        "HSET lp a 1 b 2 ab 3 \"\" 4 10 5",
        "HSCAN lp 0",
        "HSCAN lp 0 COUNT 1",
        "HSCAN lp 0 MATCH a*",
        "HSCAN lp 0 MATCH *",
        "HSCAN lp 0 MATCH 1*",
        "HSCAN lp 0 count 2 match ?",
        "HSCAN lp 0 COUNT 0",
        "HSCAN lp 0 COUNT -1",
        "HSCAN lp 0 COUNT x",
        "HSCAN lp 0 COUNT",
        "HSCAN lp 0 MATCH",
        "HSCAN lp 0 TYPE hash",
        "HSCAN lp 0 NOVALUES",
        "HSCAN lp -1",
        "HSCAN lp 18446744073709551616",
        "HSCAN lp \" 0\"",
        "HSCAN lp 1x",
    ]);
    p.check_argv(
        &[b"HSCAN", b"lp", b"0", b"COUNT\x00x", b"3"],
        "NUL in keyword",
    );
    let mut line = String::from("HSET ht");
    for i in 0..700 {
        line.push_str(&format!(" field:{i} {i}"));
    }
    step(&mut p, &line, "ht");
    let all = full_scan(&mut p, "ht", "");
    assert_eq!(all.len(), 700);
    full_scan(&mut p, "ht", "COUNT 100");
    let some = full_scan(&mut p, "ht", "MATCH field:1* COUNT 7");
    assert_eq!(some.len(), 111);
    full_scan(&mut p, "ht", "MATCH nothing*");
    p.check("HSCAN ht 0 COUNT 0");
}

/// Reads an RDB length at `*pos` (6-, 14- and 32-bit forms).
fn rdb_len(buf: &[u8], pos: &mut usize) -> usize {
    let b = buf[*pos];
    *pos += 1;
    match b >> 6 {
        0 => usize::from(b & 0x3F),
        1 => {
            *pos += 1;
            (usize::from(b & 0x3F) << 8) | usize::from(buf[*pos - 1])
        }
        _ if b == 0x80 => {
            *pos += 4;
            u32::from_be_bytes(buf[*pos - 4..*pos].try_into().unwrap()) as usize
        }
        _ => panic!("unexpected RDB length byte 0x{b:02x} (run with rdbcompression no)"),
    }
}

/// The listpack in the oracle's DUMP of a listpack-encoded hash (RDB type
/// 16, then the listpack as a raw RDB string, then version and CRC).
fn dumped_listpack(p: &mut Pair, key: &str) -> Vec<u8> {
    let reply = p.oracle.send(&[b"DUMP", key.as_bytes()]);
    let nl = reply.iter().position(|&b| b == b'\n').unwrap();
    let payload = &reply[nl + 1..reply.len() - 2];
    assert_eq!(payload[0], 16, "not a listpack hash");
    let mut pos = 1;
    let len = rdb_len(payload, &mut pos);
    assert_eq!(pos + len + 10, payload.len());
    payload[pos..pos + len].to_vec()
}

/// Runs `line`, then compares the encoding and, while listpack, the bytes.
fn step_bytes(p: &mut Pair, line: &str) {
    p.check(line);
    let enc = p.check("OBJECT ENCODING h");
    if enc.ends_with(b"listpack\r\n") {
        let got = p.ks.hash_listpack_bytes(b"h").unwrap().unwrap();
        assert!(
            got == dumped_listpack(p, "h"),
            "listpack bytes differ after `{line}`"
        );
    }
}

/// Listpack bytes equal the oracle's (via DUMP) after every write: integer
/// widths, string length classes, replacements growing and shrinking
/// entries, deletions in the middle and increments.
#[test]
fn listpack_bytes_match_dump() {
    let Some(mut p) = Pair::with(&["--rdbcompression", "no"], embedis::Config::default()) else {
        return;
    };
    let values = [
        "0",
        "127",
        "128",
        "-1",
        "4095",
        "4096",
        "-4096",
        "-4097",
        "32767",
        "32768",
        "8388607",
        "8388608",
        "2147483647",
        "2147483648",
        "-9223372036854775808",
        "9223372036854775807",
        "9223372036854775808",
        "01",
        "\"\"",
        "x",
        "-0",
    ];
    for (i, v) in values.iter().enumerate() {
        step_bytes(&mut p, &format!("HSET h f{i} {v} {v} f{i}"));
    }
    let mut x: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = |n: u64| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x % n
    };
    for _ in 0..300 {
        let f = next(30);
        let line = match next(6) {
            0 => format!("HDEL h f{f}"),
            1 => format!("HINCRBY h n{f} {}", next(100_000) as i64 - 50_000),
            2 => format!("HINCRBYFLOAT h n{f} 1.5"),
            3 => format!("HSET h f{f} {}", "s".repeat(next(64) as usize + 1)),
            _ => format!("HSET h f{f} {}", values[next(values.len() as u64) as usize]),
        };
        step_bytes(&mut p, &line);
    }
}
