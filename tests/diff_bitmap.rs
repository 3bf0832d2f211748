//! Differential tests of the bitmap commands against redis-server: SETBIT,
//! GETBIT, BITCOUNT, BITPOS, BITOP, BITFIELD and BITFIELD_RO. After every
//! step the bytes (GET) of the keys in play are compared too, so a wrong
//! write shows up where it happens, not later.

mod common;

use std::cell::RefCell;

use common::Pair;
use proptest::prelude::*;
use proptest::test_runner::{Config as PropConfig, TestCaseError, TestRunner};

/// Keys whose bytes are compared after every step.
const WATCHED: &[&str] = &["k", "a", "b", "d"];

/// Checks `line` and then the bytes of every watched key.
fn step(p: &mut Pair, line: &str) {
    p.check(line);
    for key in WATCHED {
        p.check_argv(
            &[b"GET", key.as_bytes()],
            &format!("GET {key} after `{line}`"),
        );
    }
}

fn steps(p: &mut Pair, lines: &[&str]) {
    for line in lines {
        step(p, line);
    }
}

/// Stores `bytes` under `key` on both sides.
fn put(p: &mut Pair, key: &str, bytes: &[u8]) {
    p.check_argv(&[b"SET", key.as_bytes(), bytes], "SET");
}

/// Makes `key` hold a non-string value with whatever aggregate command the
/// table knows; false when there is none yet (the WRONGTYPE checks wait).
fn make_non_string(p: &mut Pair, key: &str) -> bool {
    for (cmd, args) in [
        ("lpush", "x"),
        ("sadd", "x"),
        ("hset", "f v"),
        ("zadd", "1 x"),
    ] {
        if embedis::command::lookup(cmd.as_bytes()).is_some() {
            p.check(&format!("DEL {key}"));
            p.check(&format!("{cmd} {key} {args}"));
            return true;
        }
    }
    false
}

/// Sample bitmaps: empty, one byte, mixed bytes, runs, an integer string.
const SAMPLES: &[&[u8]] = &[
    b"",
    b"\xff",
    b"\x00",
    b"foobar",
    b"\x00\xff\x0f\xf0\xaa",
    b"\xff\xff\xff",
    b"\x00\x00\x00",
    b"\xff\xf0\x00",
    b"\x00\x0f\xff",
    b"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01",
    b"\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff",
];

/// Indexes around byte and bit boundaries, negative ones included.
const INDEXES: &[&str] = &[
    "-100", "-17", "-9", "-8", "-7", "-2", "-1", "0", "1", "2", "7", "8", "9", "23", "24", "39",
    "40", "100",
];

#[test]
fn setbit_and_getbit() {
    let Some(mut p) = Pair::new() else { return };
    steps(
        &mut p,
        &[
            "SETBIT k 0 1",
            "SETBIT k 0 1",
            "SETBIT k 7 1",
            "SETBIT k 8 1",
            "SETBIT k 15 1",
            "SETBIT k 16 0",
            "SETBIT k 63 1",
            "SETBIT k 64 1",
            "SETBIT k 1000 0",
            "SETBIT k 7 0",
            "GETBIT k 0",
            "GETBIT k 7",
            "GETBIT k 63",
            "GETBIT k 1000",
            "GETBIT k 100000",
            "GETBIT nokey 0",
            "OBJECT ENCODING k",
        ],
    );
    // Values and offsets that must be rejected, before the key is touched.
    for v in [
        "2",
        "-1",
        "a",
        "01",
        "1 ",
        " 1",
        "+1",
        "1.0",
        "",
        "9223372036854775808",
    ] {
        step(&mut p, &format!("SETBIT k 3 \"{v}\""));
        step(&mut p, &format!("SETBIT newkey 3 \"{v}\""));
    }
    for off in [
        "-1",
        "a",
        "",
        "#1",
        "1.0",
        "+1",
        "0x1",
        "4294967296",
        "9223372036854775807",
        "-9223372036854775808",
        "18446744073709551616",
    ] {
        step(&mut p, &format!("SETBIT k \"{off}\" 1"));
        step(&mut p, &format!("GETBIT k \"{off}\""));
        step(&mut p, &format!("GETBIT nokey \"{off}\""));
    }
    steps(&mut p, &["GETBIT k 4294967295", "GETBIT nokey 4294967295"]);
    // Edits of int and embstr strings leave raw; the TTL stays.
    for (key, val) in [("a", "123"), ("b", "hello")] {
        step(&mut p, &format!("SET {key} {val} EXAT 4102444800"));
        steps(
            &mut p,
            &[
                &format!("OBJECT ENCODING {key}"),
                &format!("GETBIT {key} 2"),
                &format!("SETBIT {key} 2 1"),
                &format!("OBJECT ENCODING {key}"),
                &format!("EXPIRETIME {key}"),
                &format!("SETBIT {key} 100 1"),
                &format!("GETBIT {key} 100"),
            ],
        );
    }
    // A write that changes nothing still makes the value raw.
    steps(&mut p, &["SET d 7", "SETBIT d 0 0", "OBJECT ENCODING d"]);
    if make_non_string(&mut p, "w") {
        steps(
            &mut p,
            &["SETBIT w 0 1", "GETBIT w 0", "SETBIT w x 1", "SETBIT w 0 5"],
        );
    }
}

/// Keys whose TTL has passed count as missing for every command (lazy
/// expiry on both sides): writes start a new string without TTL, reads see
/// nothing, BITOP treats them as empty sources.
#[test]
fn expired_keys_are_missing() {
    let Some(mut p) = Pair::new() else { return };
    let lines = [
        "SETBIT k 20 1",
        "GETBIT k 0",
        "BITCOUNT k",
        "BITPOS k 0",
        "BITFIELD k GET u8 0",
        "BITFIELD k INCRBY u8 0 1",
        "BITOP OR d k",
        "BITOP OR k a",
    ];
    for line in lines {
        steps(&mut p, &["SET a \"\\xf0\"", "SET d abc"]);
        // Only the reply: reading k back before the sleep races its 1 ms
        // TTL, which one side may see pass and the other not (a CI flake).
        p.check("SET k \"\\xff\\xff\" PX 1");
        std::thread::sleep(std::time::Duration::from_millis(5));
        step(&mut p, line);
        steps(&mut p, &["EXISTS k", "TTL k", "OBJECT ENCODING k"]);
    }
}

#[test]
fn offset_limit_follows_proto_max_bulk_len() {
    let Some(mut p) = Pair::new() else { return };
    p.check("CONFIG SET proto-max-bulk-len 1mb");
    steps(
        &mut p,
        &[
            "SETBIT k 8388608 1",
            "GETBIT k 8388608",
            "SETBIT k 8388607 1",
            "GETBIT k 8388607",
            "BITCOUNT k",
            "BITPOS k 1",
            "BITFIELD k GET u8 8388608",
            "BITFIELD k GET u8 8388607",
            "BITFIELD d SET u8 #1048576 1",
            // Only the first bit is checked: this grows past the limit.
            "BITFIELD d SET i64 8388607 -1",
            "BITCOUNT d",
            "BITFIELD d GET i64 8388607",
            "BITFIELD d GET u8 #1048575",
        ],
    );
    p.check("CONFIG SET proto-max-bulk-len 512mb");
}

#[test]
fn default_limit_grows_to_512mb() {
    let Some(mut p) = Pair::new() else { return };
    // This builds a 512 MB string on both sides: only counts and single
    // bits are compared, never the bytes (BITFIELD's growth past the limit
    // is checked under a 1 MB limit above).
    p.check_all(&[
        "SETBIT big 4294967296 1",
        "SETBIT big 4294967295 1",
        "BITPOS big 1",
        "BITCOUNT big -1 -1",
        "BITCOUNT big -2 -1 BIT",
        "BITFIELD big GET u8 #536870911",
        "BITFIELD big GET u8 #536870912",
        "DEL big",
    ]);
}

#[test]
fn bitcount_ranges_and_units() {
    let Some(mut p) = Pair::new() else { return };
    let units = ["", " BYTE", " BIT", " bit", " Byte", " FOO"];
    for sample in SAMPLES {
        put(&mut p, "k", sample);
        p.check("BITCOUNT k");
        for start in INDEXES {
            for end in INDEXES {
                for unit in units {
                    p.check(&format!("BITCOUNT k {start} {end}{unit}"));
                }
            }
        }
    }
    p.check("SET k 1234567");
    p.check_all(&["BITCOUNT k", "BITCOUNT k 1 -2", "BITCOUNT k 3 40 BIT"]);
    p.check_argv(&[b"BITCOUNT", b"k", b"0", b"9", b"bit\x00x"], "NUL unit");
    p.check_argv(&[b"BITCOUNT", b"k", b"0", b"9", b"bi\x00t"], "NUL unit");
    // Argument errors, on an existing and on a missing key (which answers 0
    // before any argument is looked at).
    for key in ["k", "nokey"] {
        for args in [
            "0",
            "0 1 BIT extra",
            "a 1",
            "0 a",
            "1.5 2",
            "\"\" 1",
            "9223372036854775808 1",
            "0 1 FOO",
            "-1 -2 FOO",
            "-2 -1 FOO",
            "-1 -1 FOO",
            "0 -1 FOO",
            "-9223372036854775808 9223372036854775807 BIT",
            "-9223372036854775808 -9223372036854775807 BIT",
            "9223372036854775807 9223372036854775807 BIT",
        ] {
            p.check(&format!("BITCOUNT {key} {args}"));
        }
    }
    if make_non_string(&mut p, "w") {
        p.check_all(&["BITCOUNT w", "BITCOUNT w 0", "BITCOUNT w a b"]);
    }
}

#[test]
fn bitpos_ranges_and_padding() {
    let Some(mut p) = Pair::new() else { return };
    let units = [" BYTE", " BIT", " bit", " FOO"];
    for sample in SAMPLES {
        put(&mut p, "k", sample);
        for bit in ["0", "1"] {
            p.check(&format!("BITPOS k {bit}"));
            for start in INDEXES {
                p.check(&format!("BITPOS k {bit} {start}"));
                for end in INDEXES {
                    p.check(&format!("BITPOS k {bit} {start} {end}"));
                    for unit in units {
                        p.check(&format!("BITPOS k {bit} {start} {end}{unit}"));
                    }
                }
            }
        }
    }
    p.check("SET k 1234567");
    p.check_all(&["BITPOS k 0", "BITPOS k 1 2", "BITPOS k 0 3 40 BIT"]);
    for key in ["k", "nokey"] {
        for args in [
            "2",
            "-1",
            "a",
            "01",
            "1 a",
            "0 a",
            "1 0 a",
            "1 0 1 FOO",
            "1 0 a FOO",
            "1 a 1 BIT",
            "1 0 a BIT",
            "1 0 1 BIT extra",
            "0 9223372036854775807",
            "0 -9223372036854775808 -9223372036854775808 BIT",
        ] {
            p.check(&format!("BITPOS {key} {args}"));
        }
    }
    p.check("SET e \"\"");
    p.check_all(&[
        "BITPOS e 0",
        "BITPOS e 1",
        "BITPOS e 0 0",
        "BITPOS e 0 0 -1 BIT",
    ]);
    if make_non_string(&mut p, "w") {
        p.check_all(&["BITPOS w 0", "BITPOS w 2", "BITPOS w 1 a"]);
    }
}

#[test]
fn bitop_combinations() {
    let Some(mut p) = Pair::new() else { return };
    put(&mut p, "a", b"\xf0");
    put(&mut p, "b", b"\x0f\x0f");
    p.check("SET n 12345");
    p.check("SET long \"0123456789abcdefghijklmnopqrstuvwxyz-0123456789abcdefghijklmnopq\"");
    let sources = [
        "a",
        "b",
        "a b",
        "b a",
        "a missing",
        "missing a",
        "n a",
        "long a",
        "a long b n",
        "long long",
        "missing",
        "missing other",
        "k",
        "d",
    ];
    for op in ["AND", "or", "Xor", "NOT", "not"] {
        for src in sources {
            step(&mut p, "SET d \"old value\" EX 1000");
            step(&mut p, &format!("BITOP {op} d {src}"));
            p.check("TTL d");
            p.check("OBJECT ENCODING d");
            p.check("EXISTS d");
        }
    }
    // In place (destination among the sources), and errors.
    steps(
        &mut p,
        &[
            "SET k \"\\xaa\\x55\"",
            "BITOP NOT k k",
            "BITOP XOR k k a",
            "BITOP AND k k",
            "BITOP NAND d a b",
            "BITOP \"\" d a",
            "BITOP NOT d a b",
            "BITOP NOT d",
            "BITOP AND d",
        ],
    );
    p.check_argv(&[b"BITOP", b"and\x00junk", b"d", b"a", b"b"], "NUL op");
    step(&mut p, "GET d");
    if make_non_string(&mut p, "w") {
        steps(
            &mut p,
            &[
                "SET d keep",
                "BITOP AND d a w",
                "BITOP NOT d w",
                "BITOP OR w a",
            ],
        );
    }
}

/// A long string for the block kernels: `len` bytes of xorshift noise with
/// runs of 0x00 and 0xff of `run` bytes starting at every third of it.
fn long_bytes(seed: u64, len: usize, run: usize) -> Vec<u8> {
    let mut x = seed | 1;
    let mut b: Vec<u8> = (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect();
    for (i, fill) in [(len / 3, 0x00), (2 * len / 3, 0xff)] {
        let end = (i + run).min(len);
        b[i..end].fill(fill);
    }
    b
}

/// BITCOUNT, BITPOS and BITOP over strings of several 512-byte popcount
/// blocks and 64-byte skip blocks, with ranges cutting blocks anywhere.
#[test]
fn long_strings_through_the_block_kernels() {
    let Some(mut p) = Pair::new() else { return };
    let long = long_bytes(7, 5000, 1500);
    put(&mut p, "k", &long);
    put(&mut p, "a", &long_bytes(11, 2049, 700));
    put(&mut p, "b", &long_bytes(13, 4000, 100));
    // All zeros but one bit near the end, and all ones but one.
    let mut zeros = vec![0u8; 3000];
    zeros[2990] = 0x04;
    put(&mut p, "z", &zeros);
    let mut ones = vec![0xffu8; 3000];
    ones[2100] = 0xbf;
    put(&mut p, "o", &ones);
    let cuts = [
        "0", "1", "63", "64", "511", "512", "513", "1666", "-1", "-513", "-4000",
    ];
    let bit_cuts = [
        "0", "7", "509", "4095", "4097", "13333", "-1", "-9", "-4103", "-32000",
    ];
    for key in ["k", "z", "o"] {
        p.check(&format!("BITCOUNT {key}"));
        for bit in ["0", "1"] {
            p.check(&format!("BITPOS {key} {bit}"));
        }
        for start in cuts {
            for end in cuts {
                p.check(&format!("BITCOUNT {key} {start} {end}"));
                for bit in ["0", "1"] {
                    p.check(&format!("BITPOS {key} {bit} {start} {end}"));
                }
            }
            for bit in ["0", "1"] {
                p.check(&format!("BITPOS {key} {bit} {start}"));
            }
        }
        for start in bit_cuts {
            for end in bit_cuts {
                p.check(&format!("BITCOUNT {key} {start} {end} BIT"));
                for bit in ["0", "1"] {
                    p.check(&format!("BITPOS {key} {bit} {start} {end} BIT"));
                }
            }
        }
    }
    for op in ["AND", "OR", "XOR"] {
        for srcs in ["k a", "a k", "k a b", "b a k z", "o o", "a missing k"] {
            step(&mut p, &format!("BITOP {op} d {srcs}"));
        }
    }
    for src in ["k", "z", "o", "a"] {
        step(&mut p, &format!("BITOP NOT d {src}"));
        p.check("BITCOUNT d");
    }
}

/// Limits of a BITFIELD type: (min, max) as i128.
fn limits(signed: bool, bits: u32) -> (i128, i128) {
    if signed {
        (-(1i128 << (bits - 1)), (1i128 << (bits - 1)) - 1)
    } else {
        (0, (1i128 << bits) - 1)
    }
}

#[test]
fn bitfield_every_type_at_its_limits() {
    let Some(mut p) = Pair::new() else { return };
    for signed in [true, false] {
        let widths = if signed { 1..=64 } else { 1..=63 };
        for bits in widths {
            let ty = format!("{}{bits}", if signed { 'i' } else { 'u' });
            let (min, max) = limits(signed, bits);
            let text = |v: &[i128]| -> Vec<String> {
                v.iter()
                    .filter(|v| i64::try_from(**v).is_ok())
                    .map(|v| v.to_string())
                    .collect()
            };
            let (lo, hi) = (i128::from(i64::MIN), i128::from(i64::MAX));
            let values = text(&[min, max, min - 1, max + 1, 0, -1, 1, lo, hi]);
            let increments = text(&[1, -1, max + 1, min - 1, lo, hi]);
            p.check("DEL k");
            for mode in ["WRAP", "SAT", "FAIL"] {
                for v in &values {
                    let off = ["0", "5", "#1"][v.len() % 3];
                    let set =
                        format!("BITFIELD k OVERFLOW {mode} SET {ty} {off} {v} GET {ty} {off}");
                    p.check(&set);
                    for incr in &increments {
                        p.check(&format!(
                            "BITFIELD k OVERFLOW {mode} INCRBY {ty} {off} {incr} GET {ty} {off}"
                        ));
                    }
                    p.check_argv(&[b"GET", b"k"], &set);
                }
            }
        }
    }
}

#[test]
fn bitfield_offsets_and_growth() {
    let Some(mut p) = Pair::new() else { return };
    steps(
        &mut p,
        &[
            "BITFIELD k GET u8 0",
            "EXISTS k",
            "BITFIELD k",
            "EXISTS k",
            "BITFIELD k OVERFLOW FAIL INCRBY u8 100 1000",
            "BITFIELD k OVERFLOW FAIL SET i8 #20 1000",
            "BITFIELD k SET u4 #3 15 GET u4 12 GET u8 #1 INCRBY i5 13 -3",
            "BITFIELD k SET i64 1 -1 GET u63 1 GET i64 1 GET i1 0 GET u1 64",
            "BITFIELD k SET u16 #1 65535 SET u16 #1 0 GET u16 16",
            "BITFIELD k INCRBY u2 7 1 INCRBY u2 7 1 INCRBY u2 7 1 INCRBY u2 7 1",
            "BITFIELD k OVERFLOW SAT INCRBY i3 30 2 INCRBY i3 30 2 OVERFLOW WRAP INCRBY i3 30 2",
            "BITFIELD k OVERFLOW FAIL INCRBY i3 30 -9 OVERFLOW sat INCRBY i3 30 -9 overflow wrap incrby i3 30 -9",
            "BITFIELD k GET i8 #0 GET i8 #1 GET i8 #2 GET i8 #3 GET i8 #100",
            "BITFIELD_RO k GET i8 #0 OVERFLOW SAT GET u3 5",
            "BITFIELD_RO k GET i8 0 SET i8 0 1",
            "BITFIELD_RO k INCRBY i8 0 1",
            "BITFIELD_RO nokey GET u8 0",
            "BITFIELD_RO nokey",
            "BITFIELD_RO nokey SET u8 0 1",
            "EXISTS nokey",
            "SET a 999",
            "BITFIELD a GET u8 0 GET u16 8",
            "OBJECT ENCODING a",
            "BITFIELD a SET u8 0 57",
            "OBJECT ENCODING a",
            "SET b 7",
            "BITFIELD b OVERFLOW FAIL INCRBY u8 0 1000",
            "OBJECT ENCODING b",
        ],
    );
    // Parse errors: found before anything runs, in argument order.
    for args in [
        "GET",
        "GET u8",
        "SET u8 0",
        "INCRBY u8 0",
        "OVERFLOW",
        "OVERFLOW BAD GET u8 0",
        "FOO u8 0",
        "GET u64 0",
        "GET i65 0",
        "GET i0 0",
        "GET x8 0",
        "GET I8 0",
        "GET u 0",
        "GET i08 0",
        "GET \"\" 0",
        "GET u8 -1",
        "GET u8 a",
        "GET u8 #",
        "GET u8 #-1",
        "GET u8 ##1",
        "GET u8 #9223372036854775807",
        "GET u8 4294967296",
        "GET u8 #536870912",
        "GET u8 #536870911",
        "SET u8 0 a",
        "SET u8 0 1.5",
        "SET u8 0 9223372036854775808",
        "INCRBY u8 0 ''",
        "SET u8 0 1 GET u8",
        "SET u8 0 1 GET u64 0",
        "SET u8 0 1 BAD",
        "GET u8 a SET u64 0 1",
        "OVERFLOW FAIL OVERFLOW NOPE",
        "GET i64 #67108863",
        "SET u8 #2305843009213693952 1",
    ] {
        step(&mut p, &format!("BITFIELD k {args}"));
        step(&mut p, &format!("BITFIELD_RO k {args}"));
    }
    for argv in [
        &[&b"BITFIELD"[..], b"k", b"get\x00x", b"u8", b"0"][..],
        &[b"BITFIELD", b"k", b"GET", b"u8\x00x", b"0"],
        &[b"BITFIELD", b"k", b"GET", b"u8", b"0\x00"],
        &[
            b"BITFIELD",
            b"k",
            b"overflow",
            b"sat\x00",
            b"INCRBY",
            b"u2",
            b"0",
            b"9",
        ],
    ] {
        p.check_argv(argv, "NUL in BITFIELD arguments");
        step(&mut p, "GET k");
    }
    if make_non_string(&mut p, "w") {
        p.check_all(&[
            "BITFIELD w GET u8 0",
            "BITFIELD w SET u8 0 1",
            "BITFIELD_RO w GET u8 0",
            "BITFIELD w GET u64 0",
            "BITFIELD_RO w SET u8 0 1",
        ]);
    }
}

/// Access counting under LFU with `lfu-log-factor 0` (each lookup adds
/// exactly 1 to OBJECT FREQ): which bitmap commands touch which keys, and
/// that in-place edits and BITOP overwrites keep the counter.
#[test]
fn lfu_access_counting() {
    let Some(mut p) = Pair::lfu() else { return };
    let ops = [
        "SETBIT k 3 1",
        "SETBIT k 100 0",
        "GETBIT k 3",
        "GETBIT k x",
        "BITCOUNT k",
        "BITCOUNT k 0",
        "BITPOS k 1 0 -1 BIT",
        "BITPOS k 2",
        "BITOP AND k k other",
        "BITOP OR d k k",
        "BITOP XOR k missing missing2",
        "BITFIELD k GET u8 0",
        "BITFIELD k INCRBY u8 0 1",
        "BITFIELD k OVERFLOW FAIL INCRBY u8 0 1000",
        "BITFIELD k GET u64 0",
        "BITFIELD_RO k GET u8 0",
        "BITFIELD_RO k SET u8 0 1",
    ];
    for op in ops {
        p.check("SET k 100");
        p.check("SET d abc");
        for _ in 0..2 {
            p.check(op);
            p.check("OBJECT FREQ k");
            p.check("OBJECT FREQ d");
        }
    }
}

/// A random bitmap command on keys `a`, `b`, `d`, with offsets kept small
/// enough that strings stay short.
fn command() -> BoxedStrategy<String> {
    let key = prop::sample::select(vec!["a", "b", "d"]);
    let small = 0i64..200;
    let idx = prop_oneof![-30i64..30, Just(i64::MIN), Just(i64::MAX)];
    let ty = (any::<bool>(), 1u32..=64).prop_map(|(s, b)| {
        if s || b == 64 {
            format!("i{b}")
        } else {
            format!("u{b}")
        }
    });
    let num = prop_oneof![
        -300i64..300,
        any::<i64>(),
        Just(i64::MIN),
        Just(i64::MAX),
        (0u32..64).prop_map(|s| 1i64 << s),
        (0u32..64).prop_map(|s| (1i64 << s).wrapping_sub(1)),
    ];
    let field = prop_oneof![
        (ty.clone(), small.clone()).prop_map(|(t, o)| format!("GET {t} {o}")),
        (ty.clone(), 0i64..20, num.clone()).prop_map(|(t, o, v)| format!("SET {t} #{o} {v}")),
        (ty.clone(), small.clone(), num.clone())
            .prop_map(|(t, o, v)| format!("INCRBY {t} {o} {v}")),
        prop::sample::select(vec!["OVERFLOW WRAP", "OVERFLOW SAT", "OVERFLOW FAIL"])
            .prop_map(str::to_owned),
    ];
    let unit = prop::sample::select(vec!["", " BYTE", " BIT"]);
    let op = prop::sample::select(vec!["AND", "OR", "XOR", "NOT"]);
    prop_oneof![
        3 => (key.clone(), small.clone(), 0u8..2).prop_map(|(k, o, v)| format!("SETBIT {k} {o} {v}")),
        1 => (key.clone(), small.clone()).prop_map(|(k, o)| format!("GETBIT {k} {o}")),
        2 => (key.clone(), idx.clone(), idx.clone(), unit.clone())
            .prop_map(|(k, s, e, u)| format!("BITCOUNT {k} {s} {e}{u}")),
        2 => (key.clone(), 0u8..2, idx.clone(), prop::option::of((idx.clone(), unit.clone())))
            .prop_map(|(k, b, s, e)| match e {
                None => format!("BITPOS {k} {b} {s}"),
                Some((e, u)) => format!("BITPOS {k} {b} {s} {e}{u}"),
            }),
        2 => (op, key.clone(), prop::collection::vec(key.clone(), 1..4))
            .prop_map(|(o, d, s)| {
                let s = if o == "NOT" { &s[..1] } else { &s[..] };
                format!("BITOP {o} {d} {}", s.join(" "))
            }),
        3 => (key.clone(), prop::collection::vec(field, 0..5))
            .prop_map(|(k, f)| format!("BITFIELD {k} {}", f.join(" "))),
        1 => (key, prop::sample::select(vec!["\"\"", "1", "12345", "\"\\xff\\x00\"", "abc"]))
            .prop_map(|(k, v)| format!("SET {k} {v}")),
    ]
    .boxed()
}

fn run_case(p: &mut Pair, cmds: &[String]) -> Result<(), String> {
    let (want, got) = p.both(&[b"FLUSHALL"]);
    assert_eq!(want, got);
    for (i, line) in cmds.iter().enumerate() {
        let argv = embedis::command::split_args(line.as_bytes()).expect("quotes");
        let argv: Vec<&[u8]> = argv.iter().map(Vec::as_slice).collect();
        let mut compare = |what: &str, argv: &[&[u8]]| {
            let (want, got) = p.both(argv);
            if want == got {
                return Ok(());
            }
            Err(format!(
                "step {i} `{line}` ({what}) differs:\n embedis: {:?}\n redis:   {:?}",
                String::from_utf8_lossy(&got),
                String::from_utf8_lossy(&want)
            ))
        };
        compare("reply", &argv)?;
        for key in ["a", "b", "d"] {
            compare(&format!("GET {key}"), &[b"GET", key.as_bytes()])?;
        }
    }
    Ok(())
}

#[test]
fn random_sequences_match_oracle() {
    let Some(p) = Pair::new() else { return };
    let p = RefCell::new(p);
    let mut runner = TestRunner::new(PropConfig {
        cases: 500,
        ..PropConfig::default()
    });
    let result = runner.run(&prop::collection::vec(command(), 1..20), |cmds| {
        run_case(&mut p.borrow_mut(), &cmds).map_err(TestCaseError::fail)
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}
