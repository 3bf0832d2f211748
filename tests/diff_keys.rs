//! Differential tests of the generic key commands against redis-server:
//! DEL, UNLINK, EXISTS, TYPE, RENAME, RENAMENX, COPY, MOVE, TOUCH, KEYS,
//! SCAN, RANDOMKEY and OBJECT, with their errors and edge cases.

mod common;

use std::collections::BTreeSet;

use common::{Pair, element_end};
use embedis::{Config, MaxmemoryPolicy};

/// Splits a SCAN reply into its cursor and its keys.
fn parse_scan(reply: &[u8]) -> (Vec<u8>, Vec<Vec<u8>>) {
    assert!(
        reply.starts_with(b"*2\r\n"),
        "not a SCAN reply: {}",
        String::from_utf8_lossy(reply)
    );
    let bulk = |pos: usize| -> (Vec<u8>, usize) {
        let end = element_end(reply, pos);
        let nl = pos + reply[pos..].iter().position(|&b| b == b'\n').unwrap() + 1;
        (reply[nl..end - 2].to_vec(), end)
    };
    let (cursor, mut pos) = bulk(4);
    let nl = pos + reply[pos..].iter().position(|&b| b == b'\n').unwrap() + 1;
    let n: usize = std::str::from_utf8(&reply[pos + 1..nl - 2])
        .unwrap()
        .parse()
        .unwrap();
    pos = nl;
    let mut keys = Vec::new();
    for _ in 0..n {
        let (key, end) = bulk(pos);
        keys.push(key);
        pos = end;
    }
    (cursor, keys)
}

/// Runs a whole SCAN (cursor 0 until 0) with `opts` on each side and
/// returns the key sets (oracle, embedis).
fn scan_all(p: &mut Pair, opts: &[&str]) -> (BTreeSet<Vec<u8>>, BTreeSet<Vec<u8>>) {
    let mut sides = Vec::new();
    for oracle in [true, false] {
        let mut cursor = b"0".to_vec();
        let mut seen = BTreeSet::new();
        for _ in 0..10_000 {
            let mut argv: Vec<&[u8]> = vec![b"SCAN", &cursor];
            argv.extend(opts.iter().map(|o| o.as_bytes()));
            let reply = if oracle {
                p.oracle.send(&argv)
            } else {
                p.session.execute(&mut p.ks, &argv).to_resp2()
            };
            let (next, keys) = parse_scan(&reply);
            seen.extend(keys);
            cursor = next;
            if cursor == b"0" {
                break;
            }
        }
        assert_eq!(cursor, b"0", "scan did not finish");
        sides.push(seen);
    }
    let embedis = sides.pop().unwrap();
    (sides.pop().unwrap(), embedis)
}

#[test]
fn del_unlink_exists_type_touch() {
    let Some(mut p) = Pair::new() else { return };
    p.check_all(&[
        "SET a 1",
        "SET b hello",
        "EXISTS a",
        "EXISTS a a b nokey a",
        "EXISTS nokey",
        "EXISTS",
        "TYPE a",
        "TYPE nokey",
        "TYPE",
        "TYPE a b",
        "TOUCH a b nokey a",
        "TOUCH",
        "DEL a a nokey",
        "DEL a",
        "DEL",
        "UNLINK b nokey",
        "UNLINK",
        "SET \"\" empty",
        "EXISTS \"\"",
        "TYPE \"\"",
        "DEL \"\"",
        "DBSIZE",
    ]);
}

#[test]
fn rename_and_renamenx() {
    let Some(mut p) = Pair::new() else { return };
    p.check_all(&[
        "RENAME nokey x",
        "RENAME nokey nokey",
        "RENAMENX nokey x",
        "RENAMENX nokey nokey",
        "SET a 1",
        "RENAME a a",
        "RENAMENX a a",
        "GET a",
        "EXPIRE a 1000",
        "RENAME a b",
        "TTL b",
        "EXISTS a",
        "SET c 3",
        "RENAMENX b c",
        "RENAME c b",
        "TTL b",
        "GET b",
        "RENAMENX b d",
        "GET d",
        "RENAME",
        "RENAME d",
        "RENAME d e f",
        "OBJECT ENCODING d",
        "SET big xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "RENAME big big2",
        "OBJECT ENCODING big2",
    ]);
}

#[test]
fn copy_options_and_errors() {
    let Some(mut p) = Pair::new() else { return };
    p.check_all(&[
        "COPY nokey x",
        "SET a 10",
        "EXPIRE a 5000",
        "COPY a a",
        "COPY a a DB 0",
        "COPY a b",
        "TTL b",
        "GET b",
        "COPY a b",
        "COPY a b REPLACE",
        "COPY a b replace REPLACE",
        "COPY a a DB 1",
        "COPY a a DB 1",
        "COPY a a DB 1 REPLACE",
        "COPY a b DB",
        "COPY a b DB x",
        "COPY a b DB 16",
        "COPY a b DB -1",
        "COPY a b DB 4294967296",
        "COPY a b DB 2147483648",
        "COPY a b DB 99 FOO",
        "COPY a b FOO DB 99",
        "COPY a b REPLACE FOO",
        "COPY a b DB 2 DB 3",
        "COPY",
        "COPY a",
        "COPY nokey nokey",
        "COPY nokey b DB 1 REPLACE",
        "SET s hello",
        "COPY s s2",
        "OBJECT ENCODING s2",
        "SET r xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "COPY r r2",
        "OBJECT ENCODING r2",
        "SELECT 1",
        "GET a",
        "TTL a",
        "SELECT 3",
        "KEYS *",
        "SELECT 0",
    ]);
}

#[test]
fn move_cases() {
    let Some(mut p) = Pair::new() else { return };
    p.check_all(&[
        "MOVE nokey 1",
        "MOVE nokey 0",
        "MOVE nokey 16",
        "MOVE nokey -1",
        "MOVE nokey x",
        "MOVE nokey 4294967296",
        "MOVE nokey",
        "SET a 1",
        "EXPIRE a 3000",
        "MOVE a 0",
        "MOVE a 1",
        "EXISTS a",
        "SELECT 1",
        "TTL a",
        "GET a",
        "SET b 2",
        "SELECT 0",
        "SET b 3",
        "MOVE b 1",
        "GET b",
        "SELECT 1",
        "GET b",
        "MOVE a 0",
        "SELECT 0",
        "TTL a",
    ]);
}

#[test]
fn keys_with_tricky_patterns() {
    let Some(mut p) = Pair::new() else { return };
    let keys: &[&[u8]] = &[
        b"",
        b"a",
        b"A",
        b"ab",
        b"abc",
        b"a*c",
        b"a?c",
        b"a[c",
        b"a]c",
        b"a\\c",
        b"a-c",
        b"^",
        b"]",
        b"[",
        b"-",
        b"\\",
        b"hello",
        b"hallo",
        b"hxllo",
        b"hllo",
        b"heeeello",
        b"\x00",
        b"a\x00b",
        b"\x7f",
        b"\x80",
        b"\xf0",
        b"\xff",
        b"user:1",
        b"user:12",
        b"user:x",
        b"{a}x",
    ];
    for k in keys {
        p.check_argv(&[b"SET", k, b"v"], "SET");
    }
    let patterns: &[&[u8]] = &[
        b"*",
        b"**",
        b"***a",
        b"",
        b"?",
        b"??",
        b"a*",
        b"*c",
        b"a*c",
        b"a?c",
        b"h?llo",
        b"h*llo",
        b"h[ae]llo",
        b"h[^e]llo",
        b"h[a-b]llo",
        b"h[b-a]llo",
        b"h[x-a]llo",
        b"[",
        b"[a",
        b"a[",
        b"[^",
        b"a[^",
        b"[]",
        b"[]]",
        b"[^]]",
        b"[]a]",
        b"[\\]]",
        b"a[\\]]c",
        b"a[\\",
        b"[a-]",
        b"[a-",
        b"a[b-",
        b"[-a]",
        b"[--]",
        b"[^-]",
        b"a\\*c",
        b"a\\?c",
        b"a\\[c",
        b"a\\\\c",
        b"\\",
        b"*\\",
        b"a\\",
        b"\\a",
        b"[A-Z]",
        b"[a-Z]",
        b"[Z-a]",
        b"[a-\xff]",
        b"[\x80-\x7f]",
        b"[\x00-\x7f]",
        b"[\xf0-\xff]",
        b"\x00",
        b"a\x00b",
        b"a?b",
        b"*\x00*",
        b"user:[0-9]",
        b"user:[0-9]*",
        b"user:[^0-9]",
        b"{a}*",
        b"*[",
        b"*[^",
        b"*[a-",
        b"[[]",
        b"[[]*",
        b"[*]",
        b"[?]*",
        b"[^a-z]",
        b"[^^]",
        b"[\\^]",
        b"h*l*o",
        b"h**e*l*o",
        b"*e*e*",
    ];
    for pat in patterns {
        let (want, got) = p.both(&[b"KEYS", pat]);
        assert_eq!(
            common::sorted_elements(&got),
            common::sorted_elements(&want),
            "KEYS {:?}",
            String::from_utf8_lossy(pat)
        );
    }
}

#[test]
fn scan_errors_and_options() {
    let Some(mut p) = Pair::new() else { return };
    p.check_all(&[
        "SCAN 0",
        "SCAN",
        "SCAN x",
        "SCAN \" 0\"",
        "SCAN 0x1",
        "SCAN 18446744073709551616",
        "SCAN -18446744073709551616",
        "SCAN 1.5",
        "SCAN +",
        "SCAN 0 COUNT",
        "SCAN 0 COUNT 0",
        "SCAN 0 COUNT -1",
        "SCAN 0 COUNT x",
        "SCAN 0 COUNT 9223372036854775808",
        "SCAN 0 MATCH",
        "SCAN 0 TYPE",
        "SCAN 0 FOO",
        "SCAN 0 MATCH * FOO",
        "SCAN 0 COUNT 0 MATCH *",
        "SCAN 0 MATCH * COUNT 0",
        "SCAN x COUNT 0",
        "SET a 1",
        "SET b 2",
        "SET \"\" 3",
        "SCAN 0 TYPE list",
        "SCAN 0 TYPE foo",
        "SCAN 0 MATCH nomatch",
    ]);
    // Cursors with no keys left to visit, in any syntax Redis accepts.
    for cursor in ["", "+0", "-0", "00"] {
        let (want, got) = p.both(&[b"SCAN", cursor.as_bytes(), b"MATCH", b"zzz"]);
        assert_eq!(parse_scan(&got).1, parse_scan(&want).1, "SCAN {cursor:?}");
    }
    // Small databases come back whole with cursor 0 on both sides.
    for opts in [
        &[][..],
        &["MATCH", "*"],
        &["MATCH", "?"],
        &["TYPE", "STRING"],
        &["MATCH", "**"],
    ] {
        let mut argv: Vec<&[u8]> = vec![b"SCAN", b"0"];
        argv.extend(opts.iter().map(|o| o.as_bytes()));
        let (want, got) = p.both(&argv);
        let (want, got) = (parse_scan(&want), parse_scan(&got));
        assert_eq!(got.0, want.0, "cursor for {opts:?}");
        let sorted = |mut v: Vec<Vec<u8>>| {
            v.sort();
            v
        };
        assert_eq!(sorted(got.1), sorted(want.1), "keys for {opts:?}");
    }
}

#[test]
fn scan_full_iterations_return_the_same_keys() {
    let Some(mut p) = Pair::new() else { return };
    for i in 0..500 {
        let key = format!("key:{i}");
        let value = if i % 7 == 0 {
            "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
        } else {
            "v"
        };
        p.check(&format!("SET {key} {value}"));
    }
    for opts in [
        &[][..],
        &["COUNT", "1"],
        &["COUNT", "7"],
        &["COUNT", "1000"],
        &["MATCH", "key:1*"],
        &["MATCH", "key:[2-3]?", "COUNT", "5"],
        &["TYPE", "string", "COUNT", "50"],
        &["TYPE", "hash"],
        &["MATCH", "*9", "TYPE", "String"],
    ] {
        let (want, got) = scan_all(&mut p, opts);
        assert_eq!(got, want, "SCAN with {opts:?}");
    }
}

#[test]
fn randomkey() {
    let Some(mut p) = Pair::new() else { return };
    p.check_all(&[
        "RANDOMKEY",
        "RANDOMKEY x",
        "SET only 1",
        "RANDOMKEY",
        "DEL only",
        "RANDOMKEY",
    ]);
    p.check_all(&["SET a 1", "SET b 2"]);
    let (_, got) = p.both(&[b"RANDOMKEY"]);
    assert!(
        got == b"$1\r\na\r\n" || got == b"$1\r\nb\r\n",
        "{}",
        String::from_utf8_lossy(&got)
    );
}

#[test]
fn object_subcommands() {
    let Some(mut p) = Pair::new() else { return };
    p.check_all(&[
        "OBJECT",
        "OBJECT HELP",
        "object help",
        "OBJECT HELP x",
        "OBJECT FOO",
        "OBJECT FOO k",
        "OBJECT ENCODING",
        "OBJECT ENCODING a b",
        "OBJECT ENCODING nokey",
        "OBJECT REFCOUNT nokey",
        "OBJECT IDLETIME nokey",
        "OBJECT FREQ nokey",
        "SET int 12345",
        "SET shared 9999",
        "SET zero 0",
        "SET neg -5",
        "SET emb hello",
        "SET raw xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "OBJECT ENCODING int",
        "OBJECT ENCODING emb",
        "OBJECT ENCODING raw",
        "OBJECT encoding shared",
        "OBJECT REFCOUNT int",
        "OBJECT REFCOUNT shared",
        "OBJECT REFCOUNT zero",
        "OBJECT REFCOUNT neg",
        "OBJECT REFCOUNT emb",
        "OBJECT REFCOUNT raw",
        "OBJECT IDLETIME emb",
        "OBJECT FREQ emb",
        "OBJECT FREQ",
        "OBJECT IDLETIME",
        "OBJECT REFCOUNT",
        "OBJECT HELP ENCODING",
    ]);
}

#[test]
fn object_under_an_lfu_policy() {
    let mut config = Config::default();
    config.maxmemory_policy = MaxmemoryPolicy::AllkeysLfu;
    let Some(mut p) = Pair::with(&["--maxmemory-policy", "allkeys-lfu"], config) else {
        return;
    };
    p.check_all(&[
        "SET k v",
        "OBJECT FREQ k",
        "OBJECT IDLETIME k",
        "OBJECT IDLETIME nokey",
        "OBJECT FREQ nokey",
        "GET k",
        "OBJECT FREQ k",
        "OBJECT REFCOUNT k",
        "SET n 5",
        "OBJECT REFCOUNT n",
    ]);
}

/// Random patterns and keys over the bytes the glob rules care about,
/// compared through KEYS (deterministic seed, so failures reproduce).
#[test]
fn keys_with_random_patterns() {
    let Some(mut p) = Pair::new() else { return };
    const ALPHABET: &[u8] = b"ab*?[]^-\\A\x00\xff";
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n as u64) as usize
    };
    let word = |max: usize, next: &mut dyn FnMut(usize) -> usize| -> Vec<u8> {
        let len = next(max + 1);
        (0..len).map(|_| ALPHABET[next(ALPHABET.len())]).collect()
    };
    for _ in 0..60 {
        let key = word(4, &mut next);
        p.check_argv(&[b"SET", &key, b"v"], "SET random key");
    }
    for _ in 0..600 {
        let pattern = word(6, &mut next);
        let (want, got) = p.both(&[b"KEYS", &pattern]);
        assert_eq!(
            common::sorted_elements(&got),
            common::sorted_elements(&want),
            "KEYS {:?}",
            String::from_utf8_lossy(&pattern)
        );
    }
}
