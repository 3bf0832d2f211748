//! Redis-exact floating point (`embedis::util::float`) against the oracle:
//! INCRBYFLOAT for the 80-bit long-double arithmetic and its printing,
//! ZADD for double parsing and ZSCORE for `%.17g` double replies.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;

use common::Oracle;
use embedis::util::float::{
    format_double, hincr_long_double, incr_long_double, parse_double, parse_double_lenient,
    parse_double_sort, parse_float_increment,
};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

fn bulk(v: &[u8]) -> Vec<u8> {
    let mut out = format!("${}\r\n", v.len()).into_bytes();
    out.extend_from_slice(v);
    out.extend_from_slice(b"\r\n");
    out
}

fn show(b: &[u8]) -> String {
    let s = String::from_utf8_lossy(b);
    if s.len() > 120 {
        format!("{}...({} bytes)", &s[..120], s.len())
    } else {
        s.into_owned()
    }
}

/// Sets `k` to `a` (or deletes it), runs INCRBYFLOAT k b on the oracle and
/// asserts our reply is identical; returns the reply.
fn check_incr(o: &mut Oracle, a: Option<&[u8]>, b: &[u8]) -> Vec<u8> {
    match a {
        Some(a) => assert_eq!(o.send(&[b"SET", b"k", a]), b"+OK\r\n"),
        None => {
            o.send(&[b"DEL", b"k"]);
        }
    }
    let want = o.send(&[b"INCRBYFLOAT", b"k", b]);
    let got = match incr_long_double(a.unwrap_or(b"0"), b) {
        Ok(v) => bulk(&v),
        Err(e) => format!("-{e}\r\n").into_bytes(),
    };
    assert_eq!(
        show(&got),
        show(&want),
        "INCRBYFLOAT: current {:?} + {:?}",
        a.map(show),
        show(b)
    );
    want
}

/// Runs ZADD z <s> m on the oracle and checks parse_double's acceptance; when
/// accepted, checks ZSCORE against format_double of the parsed value.
fn check_score(o: &mut Oracle, s: &[u8]) {
    // A fresh key: ZADD keeps an old score equal to the new one (0 vs -0).
    o.send(&[b"DEL", b"z"]);
    let added = o.send(&[b"ZADD", b"z", s, b"m"]);
    let parsed = parse_double(s);
    assert_eq!(
        parsed.is_some(),
        added.starts_with(b":"),
        "ZADD acceptance of {:?}: oracle {}",
        show(s),
        show(&added)
    );
    if let Some(v) = parsed {
        let want = o.send(&[b"ZSCORE", b"z", b"m"]);
        assert_eq!(
            show(&bulk(&format_double(v))),
            show(&want),
            "ZSCORE after ZADD {:?}",
            show(s)
        );
    }
}

const EDGE_OPERANDS: &[&str] = &[
    "0",
    "-0",
    "+0",
    "1",
    "-1",
    "0.1",
    "0.2",
    "0.3",
    "-0.1",
    "1e-20",
    "1e300",
    "-1e300",
    "1e4932",
    "-1e4932",
    "1e4933",
    "1e-4950",
    "1e-5000",
    "1.18973149535723176502e4932",
    "1.18973149535723176506e4932",
    "3.6451995318824746025e-4951",
    "1.8225997659412373012e-4951",
    "1.82259976594123730127e-4951",
    "9223372036854775807",
    "-9223372036854775808",
    "9223372036854775808",
    "18446744073709551615",
    "18446744073709551616",
    "18446744073709551617",
    "0.000003814697265625",
    "0.000003814697265635",
    "0.999999999999999995",
    "0.000000000000000005",
    "-0.000000000000000005",
    "0.0000000000000000051",
    "5.",
    ".5",
    "+.5",
    "-.5e1",
    "1.e2",
    "1E2",
    "1e+2",
    "1e-2",
    "00012.50",
    "0x1p-3",
    "0X1P3",
    "0x1.8",
    "0x.8p1",
    "0xAbC.dEfp-2",
    "-0x1p16383",
    "0x1p16384",
    "0x1p-16445",
    "0x1p-16446",
    "0x0p0",
    "inf",
    "-inf",
    "+inf",
    "INF",
    "Infinity",
    "-infinity",
    "nan",
    "NaN",
    "-nan",
    "",
    " ",
    " 1",
    "1 ",
    "\t1",
    "1\n",
    "1e",
    "1e+",
    "0x",
    "0x1p",
    "0xg",
    "--1",
    "+-1",
    "1.2.3",
    "abc",
    "1,5",
    "infin",
    "infinityy",
    "1e99999999999999999999",
    "1e-99999999999999999999",
    "0e99999999999999",
    "1\x002",
];

#[test]
fn incrbyfloat_edge_cases() {
    let Some(mut o) = Oracle::start(&[]) else {
        return;
    };
    for a in EDGE_OPERANDS {
        for b in ["0", "1", "-1", "0.1", "-1e-20", "1e4932", "-0", "inf", "x"] {
            check_incr(&mut o, Some(a.as_bytes()), b.as_bytes());
            check_incr(&mut o, Some(b.as_bytes()), a.as_bytes());
        }
        check_incr(&mut o, None, a.as_bytes());
    }
    let long_ok = format!("1.{}", "0".repeat(5117));
    let long_bad = format!("1.{}", "0".repeat(5118));
    let long_int = "9".repeat(4932);
    let long_frac = format!("0.{}", "3".repeat(5000));
    for s in [&long_ok, &long_bad, &long_int, &long_frac] {
        check_incr(&mut o, Some(s.as_bytes()), b"0.5");
        check_incr(&mut o, Some(b"0.5"), s.as_bytes());
    }
}

/// A random INCRBYFLOAT operand: mostly valid numbers of every shape, some
/// special values and some junk.
fn random_operand(rng: &mut SmallRng) -> String {
    let sign = ["", "-", "", "+"][rng.random_range(0..4)];
    let digits = |rng: &mut SmallRng, lo: usize, hi: usize| -> String {
        let n = rng.random_range(lo..=hi);
        (0..n)
            .map(|_| char::from(b'0' + rng.random_range(0..10u8)))
            .collect()
    };
    match rng.random_range(0..12) {
        0 => format!("{sign}{}", rng.random_range(0..1000)),
        1 => format!("{sign}{}", rng.random::<u64>() >> rng.random_range(0..64)),
        2 | 3 => {
            let int = digits(rng, 0, 5);
            format!("{sign}{int}.{}", digits(rng, 1, 30))
        }
        4 => {
            let (int, frac) = (digits(rng, 1, 1), digits(rng, 0, 25));
            format!("{sign}{int}.{frac}e{}", rng.random_range(-40..40))
        }
        5 => {
            let int = digits(rng, 1, 22);
            format!("{sign}{int}e{}", rng.random_range(-4960..4940))
        }
        6 => format!(
            "{sign}0x{:x}.{:x}p{}",
            rng.random::<u32>(),
            rng.random::<u64>(),
            rng.random_range(-70..70)
        ),
        7 => format!(
            "{sign}0x1.{:016x}p{}",
            rng.random::<u64>(),
            rng.random_range(-16460..16390)
        ),
        8 => format!(
            "{sign}{}",
            rng.random::<f64>() * 10f64.powi(rng.random_range(-25..25))
        ),
        9 => format!(
            "{sign}{}",
            rng.random_range(1..1_000_000u64) as f64 / 1024.0
        ),
        10 => {
            let specials = [
                "inf", "infinity", "nan", "1e", "0x", " 1", "1x", "", "1e5000", "1e-5000", ".",
            ];
            specials[rng.random_range(0..specials.len())].to_string()
        }
        _ => format!("{sign}{}", rng.random_range(-1e6..1e6)),
    }
}

#[test]
fn incrbyfloat_random() {
    let Some(mut o) = Oracle::start(&[]) else {
        return;
    };
    let mut rng = SmallRng::seed_from_u64(0x_f10a7);
    let mut prev: Option<Vec<u8>> = None;
    for i in 0..3000 {
        // Every third round continues from the previous result, as repeated
        // INCRBYFLOATs on one key do.
        let a = match (&prev, i % 3) {
            (Some(p), 0) => p.clone(),
            _ => random_operand(&mut rng).into_bytes(),
        };
        let b = random_operand(&mut rng);
        let reply = check_incr(&mut o, Some(&a), b.as_bytes());
        prev = reply.strip_prefix(b"$").map(|_| {
            let start = reply.iter().position(|&c| c == b'\n').unwrap() + 1;
            reply[start..reply.len() - 2].to_vec()
        });
    }
}

#[test]
fn zadd_parsing_and_zscore_printing() {
    let Some(mut o) = Oracle::start(&[]) else {
        return;
    };
    // A skiplist zset replies the stored double itself (a listpack one
    // round-trips it through text, folding -0 into 0).
    assert_eq!(
        o.send(&[b"CONFIG", b"SET", b"zset-max-listpack-entries", b"0"]),
        b"+OK\r\n"
    );
    for s in EDGE_OPERANDS {
        check_score(&mut o, s.as_bytes());
    }
    for s in [
        "1e308",
        "1e309",
        "1.7976931348623157e308",
        "1.7976931348623158e308",
        "1.797693134862315808e308",
        "1e-400",
        "4.9406564584124654e-324",
        "2.4703282292062328e-324",
        "2.4703282292062327e-324",
        "0x1p-1074",
        "0x1p-1075",
        "0x1.0000000000001p-1075",
        "0x1.fffffffffffff7ffp1023",
        "0x1.fffffffffffff8p1023",
        "0.1",
        "1e16",
        "1e17",
        "123456789012345678",
        "0.0001",
        "0.00001",
        "1.00000762939453125",
        "-2.5e-5",
    ] {
        check_score(&mut o, s.as_bytes());
    }
    let mut rng = SmallRng::seed_from_u64(0x_5c07e);
    for i in 0..3000 {
        let s = match i % 3 {
            0 => random_operand(&mut rng),
            1 => format!("{:e}", f64::from_bits(rng.random::<u64>() & !(1 << 62))),
            _ => format!("{}", f64::from_bits(rng.random::<u64>())),
        };
        check_score(&mut o, s.as_bytes());
    }
}

/// Checks a score-range bound: acceptance against ZCOUNT's, and the value by
/// storing our parse as a score that only an equal bound can count.
fn check_bound(o: &mut Oracle, s: &[u8]) {
    o.send(&[b"DEL", b"r"]);
    let ours = parse_double_lenient(s);
    if let Some(v) = ours {
        assert_eq!(o.send(&[b"ZADD", b"r", &format_double(v), b"m"]), b":1\r\n");
    }
    let count = o.send(&[b"ZCOUNT", b"r", s, s]);
    let want: &[u8] = if ours.is_some() {
        b":1\r\n"
    } else {
        b"-ERR min or max is not a float\r\n"
    };
    assert_eq!(
        show(&count),
        show(want),
        "ZCOUNT bound {:?} (ours {ours:?})",
        show(s)
    );
    let mut open = b"(".to_vec();
    open.extend_from_slice(s);
    let count = o.send(&[b"ZCOUNT", b"r", b"-inf", &open]);
    let want: &[u8] = if ours.is_some() {
        b":0\r\n"
    } else {
        b"-ERR min or max is not a float\r\n"
    };
    assert_eq!(show(&count), show(want), "ZCOUNT open bound {:?}", show(s));
}

/// Checks SORT's numeric weight acceptance.
///
/// SORT tests `errno == ERANGE` without clearing errno first, so a stale
/// ERANGE from an earlier command would reject any weight. Accepting a new
/// connection leaves errno at EAGAIN, so the SORT runs on a fresh one.
fn check_sort(o: &mut Oracle, s: &[u8]) {
    o.send(&[b"DEL", b"l"]);
    o.send(&[b"RPUSH", b"l", s]);
    let mut fresh = TcpStream::connect(("127.0.0.1", o.port)).unwrap();
    fresh.write_all(b"*2\r\n$4\r\nSORT\r\n$1\r\nl\r\n").unwrap();
    let mut reply = [0u8; 1];
    fresh.read_exact(&mut reply).unwrap();
    let accepted = reply[0] == b'*';
    assert_eq!(
        parse_double_sort(s).is_some(),
        accepted,
        "SORT weight {:?}",
        show(s)
    );
}

#[test]
fn range_bounds_and_sort_weights() {
    let Some(mut o) = Oracle::start(&[]) else {
        return;
    };
    let mut cases: Vec<Vec<u8>> = EDGE_OPERANDS
        .iter()
        .map(|s| s.as_bytes().to_vec())
        .collect();
    for s in [
        &b"\0"[..],
        b"\0x",
        b"1\0x",
        b" \0",
        b" \t\r\n\x0b\x0c7",
        b"1e-400",
        b"-1e-400",
        b"1e309",
        b"1e-310",
        b"0x1p-1074",
        b"0x1.8p-1060",
        b"2.2250738585072014e-308",
        b"2.2250738585072011e-308",
        b"0x1.fffffffffffff8p-1023",
        b"0x1.fffffffffffff7p-1023",
        b"0x1.fffffffffffff7ffffp-1023",
        b"4.9406564584124654e-324",
        b"2.4703282292062328e-324",
        b"0x0.0000000000001p-1022",
        b"0x1.00000000000008p-1022",
        b"0x1.00000000000001p-1022",
        b"0x1p-1022",
    ] {
        cases.push(s.to_vec());
    }
    let mut rng = SmallRng::seed_from_u64(0x_b0d5);
    for i in 0..800 {
        let mut s = random_operand(&mut rng).into_bytes();
        if i % 4 == 0 {
            s.insert(0, b' ');
        }
        if i % 7 == 0 {
            s.extend_from_slice(b"\0junk");
        }
        cases.push(s);
    }
    for s in &cases {
        check_bound(&mut o, s);
        check_sort(&mut o, s);
    }
}

/// Sets field f of hash h to `a` (or removes it), runs HINCRBYFLOAT h f b
/// on the oracle and compares with our two HINCRBYFLOAT steps.
fn check_hincr(o: &mut Oracle, a: Option<&[u8]>, b: &[u8]) {
    o.send(&[b"DEL", b"h"]);
    o.send(&[b"HSET", b"h", b"other", b"1"]);
    if let Some(a) = a {
        o.send(&[b"HSET", b"h", b"f", a]);
    }
    let want = o.send(&[b"HINCRBYFLOAT", b"h", b"f", b]);
    let got = match parse_float_increment(b).and_then(|inc| hincr_long_double(a, inc)) {
        Ok(v) => bulk(&v),
        Err(e) => format!("-{e}\r\n").into_bytes(),
    };
    assert_eq!(
        show(&got),
        show(&want),
        "HINCRBYFLOAT: {:?} + {:?}",
        a.map(show),
        show(b)
    );
}

#[test]
fn hincrbyfloat() {
    let Some(mut o) = Oracle::start(&[]) else {
        return;
    };
    for a in EDGE_OPERANDS {
        for b in ["0", "-1.5", "0.1", "1e4932", "inf", "x"] {
            check_hincr(&mut o, Some(a.as_bytes()), b.as_bytes());
            check_hincr(&mut o, Some(b.as_bytes()), a.as_bytes());
        }
        check_hincr(&mut o, None, a.as_bytes());
    }
    let mut rng = SmallRng::seed_from_u64(0x_4a54);
    for _ in 0..600 {
        let (a, b) = (random_operand(&mut rng), random_operand(&mut rng));
        check_hincr(&mut o, Some(a.as_bytes()), b.as_bytes());
    }
}
