//! Differential tests of the string commands against redis-server 7.0.15:
//! every command and option, the error cases and their order, numeric and
//! length boundaries, binary values, and (once OBJECT ENCODING exists in
//! embedis) the encoding after each operation.

mod common;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use common::Pair;
use embedis::{Config, MaxmemoryPolicy};

/// True when embedis implements `name`, so checks that need commands owned
/// by other modules (OBJECT, TTL, LPUSH...) start running once they land.
fn has(name: &str) -> bool {
    embedis::command::lookup(name.as_bytes()).is_some()
}

/// Compares `OBJECT ENCODING key` (and REFCOUNT, which tells Redis's
/// shared small integers apart) when embedis implements OBJECT.
fn enc(p: &mut Pair, key: &str) {
    if has("object") {
        p.check(&format!("OBJECT ENCODING {key}"));
        p.check(&format!("OBJECT REFCOUNT {key}"));
    }
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

#[test]
fn get_set_basics_and_arity() {
    let Some(mut p) = Pair::new() else { return };
    p.check_all(&[
        "GET nokey",
        "GET",
        "GET a b",
        "SET",
        "SET k",
        "SET k v",
        "GET k",
        "SET k \"\"",
        "GET k",
        "SET k \"a b\\r\\nc\\x00d\"",
        "GET k",
        "set K v2",
        "GET K",
        "GET k",
    ]);
    let long = "x".repeat(100_000);
    p.check(&format!("SET big {long}"));
    p.check("GET big");
    p.check("STRLEN big");
}

/// Every ordered pair and triple of SET options, on a present and an absent
/// key, so option conflicts, repeats and error order all match.
#[test]
fn set_option_combinations() {
    let Some(mut p) = Pair::new() else { return };
    let fut = now_secs() + 1000;
    let opts: Vec<String> = [
        "NX",
        "XX",
        "GET",
        "KEEPTTL",
        "EX 100",
        "PX 100000",
        "EX 0",
        "PX -5",
        "EX abc",
        "EX",
        "PERSIST",
        "nx",
        "kEePtTl",
        "get",
    ]
    .iter()
    .map(|s| s.to_string())
    .chain([
        format!("EXAT {fut}"),
        format!("PXAT {}", fut * 1000),
        "exat 0".into(),
    ])
    .collect();
    for (i, a) in opts.iter().enumerate() {
        for b in &opts {
            for present in [false, true] {
                let setup = if present { "SET k old" } else { "GETDEL k" };
                p.check(setup);
                p.check(&format!("SET k v {a} {b}"));
                p.check("GET k");
            }
        }
        // Triples with a subset, to bound the run time.
        for b in opts.iter().skip(i % 3).step_by(3) {
            for c in opts.iter().skip(i % 2).step_by(2) {
                p.check("SET k old");
                p.check(&format!("SET k v {a} {b} {c}"));
                p.check("GETDEL k");
                p.check(&format!("SET k v {c} {b} {a}"));
            }
        }
    }
}

#[test]
fn set_expiry_values_and_errors() {
    let Some(mut p) = Pair::new() else { return };
    p.check_all(&[
        "SET k v EX 9223372036854775",
        "SET k v EX 9223372036854776",
        "SET k v EX 9223372036854775807",
        "SET k v PX 9223372036854775807",
        "SET k v PX 9223372036854775000",
        "SET k v EXAT 9223372036854775",
        "GET k",
        "SET k v EXAT 9223372036854776",
        "SET k v PXAT 9223372036854775807",
        "GET k",
        "SET k v EX -9223372036854775808",
        "SET k v EX 99999999999999999999",
        "SET k v EX 1.5",
        "SET k v EX \" 1\"",
        "SET k v EX +1",
        "SET k v EX 01",
        "SET k v EX -0",
        "SET k v PX 0",
        "SET k v PXAT 0",
        "SET k v EXAT -1",
        // Past absolute times store a key that is already gone.
        "SET past v EXAT 1",
        "GET past",
        "SET past v PXAT 1 GET",
        "GET past",
        "SET past v PXAT 1000",
        "SETNX past again",
        "GET past",
        // A bad time is reported before WRONGTYPE and before NX/XX.
        "SET k v NX EX 0",
        "SET k v XX EX abc",
        "SET k v GET EX 0",
        "SET k v EX 5 KEEPTTL",
        "SET k v KEEPTTL PX 5",
        "SET k v EX 5 PX 5",
        "SET k v EX 5 EXAT 5",
        "SET k v PXAT 5 EXAT 5",
        "SET k v EX 5 EX 6 EX 7",
        "SET k v PX 5 PX",
    ]);
}

#[test]
fn set_nx_xx_get_replies() {
    let Some(mut p) = Pair::new() else { return };
    p.check_all(&[
        "SET k v XX",
        "GET k",
        "SET k v XX GET",
        "SET k v NX GET",
        "SET k v2 NX GET",
        "SET k v3 XX GET",
        "SET k v4 GET",
        "SET k v5 GET GET NX",
        "GET k",
        "SET k 123",
        "SET k 456 GET",
        "SET n 1 NX",
        "SET n 2 NX",
        "SETNX n 3",
        "SETNX n2 3",
        "GET n2",
        "SETNX",
        "SETNX a",
        "SETNX a b c",
    ]);
}

/// Keywords are matched as C strings: an option with a NUL byte inside is
/// read up to the NUL.
#[test]
fn nul_bytes_in_options_and_values() {
    let Some(mut p) = Pair::new() else { return };
    p.check_argv(&[b"SET", b"k", b"v", b"NX\x00junk"], "SET NX\\0junk");
    p.check_argv(&[b"SET", b"k", b"v", b"XX\x00"], "SET XX\\0");
    p.check_argv(&[b"SET", b"k", b"v", b"EX\x00", b"10"], "SET EX\\0 10");
    p.check_argv(&[b"SET", b"k", b"v", b"\x00"], "SET \\0");
    p.check_argv(&[b"SET", b"k", b"v", b""], "SET empty option");
    p.check_argv(&[b"GETEX", b"k", b"PERSIST\x00x"], "GETEX PERSIST\\0x");
    p.check_argv(&[b"LCS", b"k", b"k", b"LEN\x00x"], "LCS LEN\\0x");
    p.check_argv(
        &[b"SET", b"\x00k\r\n", b"\x00\r\n\xff"],
        "binary key and value",
    );
    p.check_argv(&[b"GET", b"\x00k\r\n"], "GET binary");
    p.check_argv(&[b"APPEND", b"\x00k\r\n", b"\x00"], "APPEND binary");
    p.check_argv(&[b"GETRANGE", b"\x00k\r\n", b"1", b"-2"], "GETRANGE binary");
    p.check_argv(
        &[b"SETRANGE", b"\x00k\r\n", b"7", b"\r\n"],
        "SETRANGE binary",
    );
    p.check_argv(&[b"GET", b"\x00k\r\n"], "GET binary after SETRANGE");
    p.check_argv(&[b"SET", b"l1", b"a\x00b\r\nc\x00"], "SET l1 binary");
    p.check_argv(&[b"SET", b"l2", b"\x00\x00b\nc"], "SET l2 binary");
    p.check_argv(&[b"LCS", b"l1", b"l2"], "LCS binary");
    p.check_argv(
        &[b"LCS", b"l1", b"l2", b"IDX", b"WITHMATCHLEN"],
        "LCS binary IDX",
    );
    p.check_argv(&[b"MGET", b"l1", b"\x00k\r\n", b"l2"], "MGET binary");
}

#[test]
fn setex_psetex() {
    let Some(mut p) = Pair::new() else { return };
    p.check_all(&[
        "SETEX k 100 v",
        "GET k",
        "SETEX k 0 v",
        "SETEX k -1 v",
        "SETEX k abc v",
        "SETEX k 9223372036854775 v",
        "SETEX k 9223372036854776 v",
        "PSETEX k 100000 v",
        "GET k",
        "PSETEX k 0 v",
        "PSETEX k -1 v",
        "PSETEX k 1.5 v",
        "PSETEX k 9223372036854775807 v",
        "SETEX k 10",
        "SETEX k 10 v extra",
        "PSETEX k",
        "SETEX k 10 12345",
        "GET k",
    ]);
    enc(&mut p, "k");
}

#[test]
fn getset_getdel() {
    let Some(mut p) = Pair::new() else { return };
    p.check_all(&[
        "GETSET k v",
        "GETSET k w",
        "GET k",
        "GETSET k 10",
        "INCR k",
        "GETSET k",
        "GETSET k a b",
        "GETDEL k",
        "GETDEL k",
        "GET k",
        "GETDEL",
        "GETDEL a b",
        "SET n 42",
        "GETDEL n",
        "GETDEL n",
    ]);
}

#[test]
fn getex_options() {
    let Some(mut p) = Pair::new() else { return };
    let fut = now_secs() + 1000;
    p.check_all(&[
        "GETEX nokey",
        "GETEX nokey EX 0",
        "GETEX nokey EX abc",
        "GETEX nokey PX -1",
        "GETEX nokey FOO",
        "GETEX nokey EX",
        "GETEX",
        "SET k v",
        "GETEX k",
        "GETEX k EX 100",
        "GETEX k PX 100000",
        "GETEX k PERSIST",
        "GETEX k PERSIST PERSIST",
        "GETEX k EX 0",
        "GETEX k EX -1",
        "GETEX k EX abc",
        "GETEX k PX 9223372036854775807",
        "GETEX k EX 9223372036854776",
        "GETEX k EX 1 PX 1",
        "GETEX k EX 1 EX 2",
        "GETEX k PERSIST EX 1",
        "GETEX k EX 1 PERSIST",
        "GETEX k KEEPTTL",
        "GETEX k NX",
        "GETEX k GET",
        "GETEX k XX",
        "GETEX k EXAT 9223372036854775",
        "GETEX k PXAT 9223372036854775807",
        "GET k",
        "GETEX k EX abc FOO",
    ]);
    p.check(&format!("GETEX k EXAT {fut}"));
    p.check(&format!("GETEX k PXAT {}", fut * 1000));
    // A past absolute time returns the value, then deletes the key.
    p.check_all(&[
        "GETEX k EXAT 1",
        "GET k",
        "SET k 12",
        "GETEX k PXAT 100",
        "GET k",
        "STRLEN k",
    ]);
}

#[test]
fn mget_mset_msetnx() {
    let Some(mut p) = Pair::new() else { return };
    p.check_all(&[
        "MGET a",
        "MGET",
        "MSET",
        "MSET a",
        "MSET a 1 b",
        "MSET a 1 b 2",
        "MGET a b c a",
        "MSET a x a y",
        "GET a",
        "MSETNX",
        "MSETNX a",
        "MSETNX a 1 b",
        "MSETNX a 1 c 3",
        "GET c",
        "MSETNX c 3 d 4",
        "MSETNX c 3 c 4",
        "MGET c d",
        "MSETNX e 5 e 6",
        "GET e",
        "msetnx f \"\"",
        "MGET f",
        "MSET n 123 s abc l 012345678901234567890123456789012345678901234",
        "MGET n s l",
    ]);
    for k in ["n", "s", "l", "e", "a"] {
        enc(&mut p, k);
    }
}

#[test]
fn incr_decr_family() {
    let Some(mut p) = Pair::new() else { return };
    p.check_all(&[
        "INCR n",
        "INCR n",
        "DECR n",
        "DECR m",
        "INCRBY n 10",
        "INCRBY n -20",
        "DECRBY n 5",
        "DECRBY n -5",
        "INCRBY n abc",
        "INCRBY n 1.5",
        "INCRBY n \" 1\"",
        "INCRBY n 01",
        "INCRBY n -0",
        "INCRBY n 99999999999999999999",
        "DECRBY n -9223372036854775808",
        "DECRBY missing -9223372036854775808",
        "DECRBY n 9223372036854775807",
        "DECRBY n x",
        "INCR",
        "INCR a b",
        "INCRBY n",
        "SET max 9223372036854775807",
        "INCR max",
        "INCRBY max 0",
        "DECRBY max -1",
        "GET max",
        "SET min -9223372036854775808",
        "DECR min",
        "INCRBY min -1",
        "INCRBY min 9223372036854775807",
        "INCRBY min 9223372036854775807",
        "SET s \" 1\"",
        "INCR s",
        "SET s \"1 \"",
        "INCR s",
        "SET s 0123",
        "INCR s",
        "SET s -0",
        "INCR s",
        "SET s +1",
        "INCR s",
        "SET s \"\"",
        "INCR s",
        "SET s 1.0",
        "INCR s",
        "SET s 9223372036854775808",
        "INCR s",
        "SET s abc",
        "DECR s",
        "SET r 12",
        "APPEND r 3",
        "INCR r",
        "GET r",
        "SET z 9999",
        "INCR z",
        "INCR z",
        "SET neg -1",
        "INCR neg",
        "INCR neg",
    ]);
    for k in ["n", "m", "max", "min", "r", "z", "neg"] {
        enc(&mut p, k);
    }
}

#[test]
fn incrbyfloat_common_cases() {
    let Some(mut p) = Pair::new() else { return };
    p.check_all(&[
        "INCRBYFLOAT f 1",
        "INCRBYFLOAT f 1.5",
        "INCRBYFLOAT f -0.25",
        "INCRBYFLOAT f 1e3",
        "INCRBYFLOAT f -2.25e3",
        "INCRBYFLOAT f abc",
        "INCRBYFLOAT f \"\"",
        "INCRBYFLOAT f \" 1\"",
        "INCRBYFLOAT f \"1 \"",
        "INCRBYFLOAT f nan",
        "INCRBYFLOAT f inf",
        "INCRBYFLOAT f -inf",
        "INCRBYFLOAT",
        "INCRBYFLOAT f",
        "GET f",
        "SET i 10",
        "INCRBYFLOAT i 5",
        "INCRBYFLOAT i -15",
        "SET s abc",
        "INCRBYFLOAT s 1",
        "SET s \" 2\"",
        "INCRBYFLOAT s 1",
        "SET s 3.0",
        "INCRBYFLOAT s 1",
        "SET s .5",
        "INCRBYFLOAT s 1",
        "SET s 5.",
        "INCRBYFLOAT s 0",
        "SET s 1e5",
        "INCRBYFLOAT s 0",
        "INCRBYFLOAT m -7",
    ]);
    for k in ["f", "i", "s", "m"] {
        enc(&mut p, k);
    }
}

/// Results that need 80-bit long double arithmetic and `%.17Lf` printing.
#[test]
fn incrbyfloat_long_double() {
    let Some(mut p) = Pair::new() else { return };
    p.check_all(&[
        "INCRBYFLOAT a 0.1",
        "INCRBYFLOAT a 0.2",
        "INCRBYFLOAT b 1e400",
        "INCRBYFLOAT b -1e400",
        "INCRBYFLOAT c 1e300",
        "INCRBYFLOAT d 1",
        "INCRBYFLOAT d 1e-20",
        "INCRBYFLOAT e 0x10",
        "INCRBYFLOAT e 1e4931",
        "INCRBYFLOAT e 1e4933",
        "INCRBYFLOAT f -0",
        "INCRBYFLOAT f 0.0000000000000000001",
        "INCRBYFLOAT g 3.14159265358979323846",
        "SET h 9223372036854775807",
        "INCRBYFLOAT h 1",
        "INCRBYFLOAT i 12345678901234567890.5",
        "INCRBYFLOAT j 1e30",
    ]);
    for k in ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"] {
        enc(&mut p, k);
    }
}

#[test]
fn append_strlen() {
    let Some(mut p) = Pair::new() else { return };
    p.check_all(&[
        "STRLEN k",
        "APPEND k abc",
        "APPEND k def",
        "STRLEN k",
        "GET k",
        "APPEND k \"\"",
        "APPEND e \"\"",
        "STRLEN e",
        "GET e",
        "APPEND n 12",
        "INCR n",
        "APPEND n 3",
        "STRLEN n",
        "SET i -123",
        "STRLEN i",
        "APPEND i \"\"",
        "GET i",
        "STRLEN",
        "STRLEN a b",
        "APPEND",
        "APPEND a",
        "APPEND a b c",
    ]);
    for k in ["k", "e", "n", "i"] {
        enc(&mut p, k);
    }
}

#[test]
fn getrange_substr() {
    let Some(mut p) = Pair::new() else { return };
    p.check("SET s \"Hello, World\"");
    p.check("SET n -12345");
    p.check("SET e \"\"");
    let bounds = [
        "0",
        "1",
        "3",
        "-1",
        "-3",
        "-12",
        "-13",
        "-100",
        "11",
        "12",
        "100",
        "9223372036854775807",
        "-9223372036854775808",
    ];
    for key in ["s", "n", "e", "missing"] {
        for a in bounds {
            for b in bounds {
                p.check(&format!("GETRANGE {key} {a} {b}"));
            }
        }
        p.check(&format!("SUBSTR {key} 1 -2"));
    }
    p.check_all(&[
        "GETRANGE s a 1",
        "GETRANGE s 1 b",
        "GETRANGE missing x 1",
        "GETRANGE s 1.0 2",
        "GETRANGE s 1",
        "GETRANGE s 1 2 3",
        "SUBSTR s 0",
        "SUBSTR s x 0",
    ]);
}

#[test]
fn setrange_cases() {
    let Some(mut p) = Pair::new() else { return };
    p.check_all(&[
        "SETRANGE k 0 \"\"",
        "GET k",
        "SETRANGE k 5 \"\"",
        "GET k",
        "SETRANGE k -1 \"\"",
        "SETRANGE k -1 x",
        "SETRANGE k x y",
        "SETRANGE k 1.5 y",
        "SETRANGE k 5 abc",
        "GET k",
        "STRLEN k",
        "SETRANGE k 0 XY",
        "GET k",
        "SETRANGE k 6 0123456789",
        "GET k",
        "SETRANGE k 100 \"\"",
        "STRLEN k",
        "SET n 12345",
        "SETRANGE n 0 \"\"",
        "SETRANGE n 1 9",
        "GET n",
        "INCR n",
        "SETRANGE k 536870912 x",
        "SETRANGE k 536870911 xx",
        "SETRANGE k 9223372036854775807 x",
        "SETRANGE k 9223372036854775807 \"\"",
        "SETRANGE nokey 536870912 x",
        "SETRANGE nokey 536870912 \"\"",
        "SETRANGE nokey -1 \"\"",
        "GET nokey",
        "SETRANGE",
        "SETRANGE k 1",
        "SETRANGE k 1 a b",
    ]);
    for k in ["k", "n"] {
        enc(&mut p, k);
    }
}

/// With a 1 MB `proto-max-bulk-len` (the smallest Redis accepts) the
/// length limits of APPEND, SETRANGE and LCS can be reached cheaply.
#[test]
fn length_limits_at_one_megabyte() {
    let mb: u64 = 1024 * 1024;
    let mut config = Config::default();
    config.proto_max_bulk_len = mb;
    let Some(mut p) = Pair::with(&["--proto-max-bulk-len", "1mb"], config) else {
        return;
    };
    p.check_all(&[
        "SETRANGE k 1048576 x",
        "SETRANGE k 1048575 xy",
        "SETRANGE k 1048575 x",
        "STRLEN k",
        "APPEND k y",
        "APPEND k \"\"",
        "STRLEN k",
        "SETRANGE k 1048575 z",
        "GETRANGE k -3 -1",
        "GETDEL k",
        "SETRANGE j 1048570 abcdef",
        "APPEND j g",
        "STRLEN j",
    ]);
    let big = "y".repeat(1_048_576);
    p.check(&format!("SET b {big}"));
    p.check("APPEND b z");
    p.check("APPEND b \"\"");
    p.check("SETRANGE b 0 z");
    p.check("GETDEL b");
    // LCS table limit: (n+1)*(m+1)*4 bytes.
    p.check(&format!("SET x {}", "a".repeat(511)));
    p.check(&format!("SET y {}", "b".repeat(511)));
    p.check("LCS x y LEN");
    p.check(&format!("SET y {}", "b".repeat(512)));
    p.check("LCS x y LEN");
    p.check("LCS x y");
    p.check("LCS x missing");
    p.check("LCS x y BAD");
}

#[test]
fn lcs_replies() {
    let Some(mut p) = Pair::new() else { return };
    p.check_all(&[
        "MSET a ohmytext b mynewtext",
        "LCS a b",
        "LCS a b LEN",
        "LCS a b IDX",
        "LCS a b IDX WITHMATCHLEN",
        "LCS a b IDX MINMATCHLEN 4",
        "LCS a b IDX MINMATCHLEN 4 WITHMATCHLEN",
        "LCS a b WITHMATCHLEN IDX MINMATCHLEN -5",
        "LCS a b MINMATCHLEN 2 LEN",
        "LCS a b WITHMATCHLEN",
        "LCS a b LEN IDX",
        "LCS a b IDX LEN",
        "LCS a b FOO",
        "LCS a b MINMATCHLEN",
        "LCS a b MINMATCHLEN x",
        "LCS a b MINMATCHLEN x LEN IDX",
        "LCS a b LEN IDX MINMATCHLEN x",
        "LCS a b idx len",
        "LCS a missing",
        "LCS missing a IDX",
        "LCS missing missing2",
        "LCS missing missing2 IDX WITHMATCHLEN",
        "LCS a a IDX WITHMATCHLEN",
        "LCS a",
        "LCS",
        "MSET n1 1234567 n2 7654321",
        "LCS n1 n2 IDX WITHMATCHLEN",
        "MSET x aaaa y aa",
        "LCS x y IDX",
        "LCS y x IDX WITHMATCHLEN",
        "MSET x abcabcabc y cbacbacba",
        "LCS x y",
        "LCS x y IDX WITHMATCHLEN",
        "LCS y x IDX WITHMATCHLEN",
        "MSET x \"\" y abc",
        "LCS x y IDX",
        "LCS y x",
    ]);
    // Pseudo-random strings over small alphabets exercise tie-breaking.
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for round in 0..40 {
        let alphabet = 2 + round % 4;
        let mut word = |n: u64| -> String {
            (0..n)
                .map(|_| (b'a' + (next() % alphabet) as u8) as char)
                .collect()
        };
        let (la, lb) = (round % 13 + 1, (round * 7) % 17 + 1);
        let (a, b) = (word(la), word(lb));
        p.check(&format!("MSET ra {a} rb {b}"));
        p.check("LCS ra rb");
        p.check("LCS ra rb IDX WITHMATCHLEN");
        p.check("LCS rb ra IDX MINMATCHLEN 2 WITHMATCHLEN");
    }
}

/// TTLs: whole-value writes drop them, in-place edits keep them. Observed
/// through GET after the short TTLs pass, so only GET is needed.
#[test]
fn ttl_kept_or_cleared() {
    let Some(mut p) = Pair::new() else { return };
    let keep = [
        "APPEND {} x",
        "INCR {}",
        "DECRBY {} 2",
        "INCRBYFLOAT {} 1.5",
        "SETRANGE {} 0 9",
        "SET {} v KEEPTTL",
        "SETRANGE {} 1 \"\"",
        "APPEND {} \"\"",
        "GETEX {}",
        "SET {} v NX",
    ];
    let clear = [
        "SET {} v",
        "GETSET {} v",
        "MSET {} v",
        "SET {} v GET",
        "SET {} v XX",
        "GETEX {} PERSIST",
    ];
    let mut keys = Vec::new();
    for (i, op) in keep.iter().chain(clear.iter()).enumerate() {
        let key = format!("t{i}");
        p.check(&format!("SET {key} 10 PX 150"));
        p.check(&op.replace("{}", &key));
        if has("pttl") {
            p.check(&format!("TTL {key}"));
        }
        keys.push(key);
    }
    p.check("SETEX s1 100 v");
    p.check("SETEX s1 100000 v");
    p.check("PSETEX s2 150 v");
    p.check("GETEX s3 PX 150");
    p.check("SET s3 v");
    p.check("GETEX s3 PX 150");
    p.check("GETEX s3");
    std::thread::sleep(Duration::from_millis(400));
    for key in keys.iter().map(String::as_str).chain(["s1", "s2", "s3"]) {
        p.check(&format!("GET {key}"));
    }
}

/// The string commands on a key of another type (a hash): WRONGTYPE and
/// where it falls in each command's error order.
#[test]
fn wrong_type() {
    let Some(mut p) = Pair::new() else { return };
    let make = "HSET w f v";
    p.check(make);
    p.check_all(&[
        "GET w",
        "GETSET w v",
        "GETDEL w",
        "GETEX w",
        "GETEX w EX 0",
        "GETEX w EX abc",
        "GETEX w FOO",
        "SET w v GET",
        "SET w v GET EX 0",
        "SET w v NX GET",
        "MGET w nokey",
        "INCR w",
        "DECRBY w x",
        "DECRBY w -9223372036854775808",
        "INCRBYFLOAT w 1",
        "INCRBYFLOAT w x",
        "APPEND w x",
        "STRLEN w",
        "GETRANGE w 0 -1",
        "GETRANGE w x 1",
        "SETRANGE w 0 x",
        "SETRANGE w 0 \"\"",
        "SETRANGE w -1 x",
        "LCS w nokey",
        "LCS nokey w FOO",
        "LCS w w LEN IDX",
        "SETNX w v",
        "MSETNX a 1 w 2",
        "GET a",
        "TYPE w",
        "HGETALL w",
        "SET w v",
        "GET w",
    ]);
    p.check(make);
    p.check("MSET w v");
    p.check("GET w");
    p.check(make);
    p.check("SETEX w 10 v");
    p.check("GET w");
}

/// Access counting under LFU with `lfu-log-factor 0` (every access adds
/// exactly 1, so OBJECT FREQ counts lookups): which string commands touch
/// a key, how often, and that overwrites keep the counter as Redis's
/// `dbOverwrite` does. `maxmemory` is set so Redis does not share small
/// integer objects (their counters are global in Redis).
#[test]
fn lfu_access_counting() {
    let Some(mut p) = Pair::lfu() else { return };
    let ops = [
        "GET k",
        "SET k w",
        "SET k w NX",
        "SET k w XX GET",
        "SETNX k w",
        "SETEX k 100 w",
        "PSETEX k 100000 w",
        "GETSET k w",
        "GETEX k",
        "GETEX k PERSIST",
        "MGET k k",
        "MSET k w k x",
        "MSETNX k w",
        "INCR k",
        "DECRBY k 3",
        "INCRBYFLOAT k 1.5",
        "APPEND k x",
        "STRLEN k",
        "GETRANGE k 0 1",
        "SETRANGE k 0 x",
        "SETRANGE k 0 \"\"",
        "LCS k k",
        "LCS k other",
    ];
    for op in ops {
        p.check("SET k 100");
        p.check(op);
        p.check("OBJECT FREQ k");
        p.check(op);
        p.check("OBJECT FREQ k");
        enc(&mut p, "k");
    }
}

/// Redis shares the integer objects 0..9999 unless `maxmemory` is set with
/// an LRU/LFU policy; OBJECT REFCOUNT shows which values are shared after
/// every way a string command can store an integer.
#[test]
fn shared_integers_under_lru_with_maxmemory() {
    let mut config = Config::default();
    config.maxmemory_policy = MaxmemoryPolicy::AllkeysLru;
    config.maxmemory = 1 << 30;
    let extra = ["--maxmemory-policy", "allkeys-lru", "--maxmemory", "1gb"];
    let Some(mut p) = Pair::with(&extra, config) else {
        return;
    };
    let ops = [
        "SET k 5",
        "INCR k",
        "DECRBY k 3",
        "INCRBY k 10000",
        "GETSET k 7",
        "MSET k 8",
        "SETEX k 100 9",
        "APPEND n 3",
        "SET k 9999",
        "INCR k",
        "DECR k",
    ];
    for op in ops {
        p.check(op);
        enc(&mut p, "k");
    }
    enc(&mut p, "n");
}
