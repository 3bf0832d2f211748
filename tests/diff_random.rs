//! Random differential test: proptest-generated command sequences run on
//! the oracle and on the command layer, replies compared byte for byte.
//!
//! Each command has a small grammar below; a sequence mixes well-formed
//! calls with mutated ones (an argument dropped, added or replaced by an
//! awkward token: "-0", "+1", " 1", huge numbers, binary bytes ...). Only
//! commands the command table knows are generated, so the test grows as
//! commands land. One oracle serves the whole run (FLUSHALL and SELECT 0
//! between cases). Replies that depend on the clock (TTL family) are
//! compared with a tolerance; commands with random or server-specific
//! replies (RANDOMKEY, SCAN, CONFIG, INFO ...) are not generated.

mod common;

use std::cell::RefCell;

use common::{Pair, sorted_elements};
use proptest::prelude::*;
use proptest::strategy::Union;
use proptest::test_runner::{Config as PropConfig, TestCaseError, TestRunner};

type Arg = Vec<u8>;
type Argv = Vec<Arg>;
/// A grammar piece: a strategy for zero or more arguments.
type Piece = BoxedStrategy<Vec<Arg>>;

const KEYS: &[&str] = &["a", "b", "c", "{a}x"];

const VALUES: &[&str] = &[
    "",
    "v",
    "hello",
    "0",
    "1",
    "-1",
    "10",
    "-0",
    "+1",
    " 1",
    "1 ",
    "01",
    "1.5",
    "-1.5e3",
    "inf",
    "nan",
    "9223372036854775807",
    "-9223372036854775808",
    "9223372036854775808",
    "12345678901234567890",
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
    "yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy",
    "a b",
    "\u{0}",
    "\u{ff}",
];

const INTS: &[&str] = &[
    "0",
    "1",
    "2",
    "3",
    "5",
    "10",
    "100",
    "-1",
    "-2",
    "-5",
    "-100",
    "-0",
    "+1",
    " 1",
    "1 ",
    "01",
    "1.0",
    "0x1",
    "",
    "abc",
    "9223372036854775807",
    "-9223372036854775808",
    "9223372036854775808",
    "-9223372036854775809",
    "18446744073709551615",
    "4611686018427387904",
    "99999999999999999999999",
];

const FLOATS: &[&str] = &[
    "0",
    "1",
    "-1",
    "1.5",
    "-0",
    "0.1",
    "1e3",
    "1E3",
    "-1.5e-3",
    ".5",
    "5.",
    "+1",
    " 1",
    "1 ",
    "inf",
    "-inf",
    "+inf",
    "nan",
    "1e308",
    "1e309",
    "-1e309",
    "0x10",
    "1_0",
    "",
    "abc",
    "9223372036854775807",
    "3.0000000000000000001",
    "1.7976931348623157e308",
];

/// Relative TTLs: errors, or long enough that no key expires between the
/// oracle's reply and ours.
const TTLS_S: &[&str] = &[
    "-1",
    "0",
    "100",
    "1000",
    "9223372036854775807",
    "9223372036854775",
    "x",
];
const TTLS_MS: &[&str] = &[
    "-1",
    "0",
    "100000",
    "3000000",
    "9223372036854775807",
    "x",
    "1.5",
];
/// Absolute times: far past or far future, never near now.
const AT_S: &[&str] = &[
    "1",
    "1000000000",
    "99999999999",
    "-1",
    "0",
    "9223372036854775807",
];
const AT_MS: &[&str] = &[
    "1",
    "1700000000000",
    "99999999999999",
    "-1",
    "0",
    "9223372036854775807",
];

fn pick(list: &'static [&'static str]) -> BoxedStrategy<Arg> {
    prop::sample::select(list)
        .prop_map(|s| s.as_bytes().to_vec())
        .boxed()
}

/// One argument from `s`.
fn one(s: BoxedStrategy<Arg>) -> Piece {
    s.prop_map(|a| vec![a]).boxed()
}

fn lit(word: &'static str) -> Piece {
    Just(vec![word.as_bytes().to_vec()]).boxed()
}

fn key() -> Piece {
    one(pick(KEYS))
}

fn value() -> Piece {
    one(prop_oneof![
        6 => pick(VALUES),
        2 => prop::collection::vec(any::<u8>(), 0..6),
        1 => prop_oneof![Just(45usize), Just(200), Just(20_000)].prop_map(|n| vec![b'z'; n]),
    ]
    .boxed())
}

fn int() -> Piece {
    one(
        prop_oneof![4 => pick(INTS), 1 => any::<i64>().prop_map(|n| n.to_string().into_bytes())]
            .boxed(),
    )
}

fn float() -> Piece {
    one(pick(FLOATS))
}

/// `piece` zero or one time.
fn opt(piece: Piece) -> Piece {
    prop_oneof![Just(Vec::new()), piece].boxed()
}

/// `piece` repeated `min..max` times.
fn many(piece: Piece, min: usize, max: usize) -> Piece {
    prop::collection::vec(piece, min..max)
        .prop_map(|v| v.concat())
        .boxed()
}

fn seq(pieces: Vec<Piece>) -> Piece {
    pieces.prop_map(|v| v.concat()).boxed()
}

fn alt(pieces: Vec<Piece>) -> Piece {
    Union::new(pieces).boxed()
}

/// Option words in any order, each possibly repeated or in conflict.
fn options(choices: Vec<Piece>, max: usize) -> Piece {
    many(alt(choices), 0, max)
}

fn expire_flags() -> Piece {
    let flag = alt(vec![
        lit("NX"),
        lit("XX"),
        lit("GT"),
        lit("LT"),
        lit("nx"),
        lit("FOO"),
    ]);
    prop_oneof![3 => opt(flag.clone()), 1 => many(flag, 2, 4)].boxed()
}

fn set_options() -> Piece {
    options(
        vec![
            lit("NX"),
            lit("XX"),
            lit("GET"),
            lit("KEEPTTL"),
            seq(vec![lit("EX"), one(pick(TTLS_S))]),
            seq(vec![lit("PX"), one(pick(TTLS_MS))]),
            seq(vec![lit("EXAT"), one(pick(AT_S))]),
            seq(vec![lit("PXAT"), one(pick(AT_MS))]),
            lit("ex"),
            lit("PERSIST"),
        ],
        4,
    )
}

fn getex_options() -> Piece {
    options(
        vec![
            seq(vec![lit("EX"), one(pick(TTLS_S))]),
            seq(vec![lit("PX"), one(pick(TTLS_MS))]),
            seq(vec![lit("EXAT"), one(pick(AT_S))]),
            seq(vec![lit("PXAT"), one(pick(AT_MS))]),
            lit("PERSIST"),
            lit("KEEPTTL"),
        ],
        3,
    )
}

fn db() -> Piece {
    one(prop_oneof![4 => pick(&["0", "1", "2"]), 1 => pick(&["16", "-1", "x", "01"])].boxed())
}

/// The grammar of every command the test knows, by name.
fn grammar() -> Vec<(&'static str, Piece)> {
    let kv = || seq(vec![key(), value()]);
    vec![
        ("ping", opt(value())),
        ("echo", value()),
        ("select", db()),
        ("swapdb", seq(vec![db(), db()])),
        ("dbsize", Just(vec![]).boxed()),
        (
            "flushdb",
            opt(alt(vec![lit("ASYNC"), lit("sync"), lit("LAZY")])),
        ),
        ("get", key()),
        ("set", seq(vec![key(), value(), set_options()])),
        ("setnx", kv()),
        ("setex", seq(vec![key(), one(pick(TTLS_S)), value()])),
        ("psetex", seq(vec![key(), one(pick(TTLS_MS)), value()])),
        ("getset", kv()),
        ("getdel", key()),
        ("getex", seq(vec![key(), getex_options()])),
        ("mget", many(key(), 1, 4)),
        ("mset", many(kv(), 1, 4)),
        ("msetnx", many(kv(), 1, 4)),
        ("incr", key()),
        ("decr", key()),
        ("incrby", seq(vec![key(), int()])),
        ("decrby", seq(vec![key(), int()])),
        ("incrbyfloat", seq(vec![key(), float()])),
        ("append", kv()),
        ("strlen", key()),
        ("getrange", seq(vec![key(), int(), int()])),
        ("substr", seq(vec![key(), int(), int()])),
        (
            "setrange",
            seq(vec![
                key(),
                one(pick(&["0", "1", "5", "100", "-1", "536870912", "x"])),
                value(),
            ]),
        ),
        (
            "lcs",
            seq(vec![
                key(),
                key(),
                options(
                    vec![
                        lit("LEN"),
                        lit("IDX"),
                        lit("WITHMATCHLEN"),
                        seq(vec![lit("MINMATCHLEN"), int()]),
                    ],
                    3,
                ),
            ]),
        ),
        ("del", many(key(), 1, 4)),
        ("unlink", many(key(), 1, 4)),
        ("exists", many(key(), 1, 4)),
        ("touch", many(key(), 1, 4)),
        ("type", key()),
        ("rename", seq(vec![key(), key()])),
        ("renamenx", seq(vec![key(), key()])),
        (
            "copy",
            seq(vec![
                key(),
                key(),
                options(vec![seq(vec![lit("DB"), db()]), lit("REPLACE")], 3),
            ]),
        ),
        ("move", seq(vec![key(), db()])),
        (
            "expire",
            seq(vec![key(), one(pick(TTLS_S)), expire_flags()]),
        ),
        (
            "pexpire",
            seq(vec![key(), one(pick(TTLS_MS)), expire_flags()]),
        ),
        (
            "expireat",
            seq(vec![key(), one(pick(AT_S)), expire_flags()]),
        ),
        (
            "pexpireat",
            seq(vec![key(), one(pick(AT_MS)), expire_flags()]),
        ),
        ("persist", key()),
        ("ttl", key()),
        ("pttl", key()),
        ("expiretime", key()),
        ("pexpiretime", key()),
        (
            "keys",
            one(pick(&[
                "*", "a", "?", "[ab]", "{a}*", "[^a]*", "\\a", "[", "*x",
            ])),
        ),
        (
            "object",
            seq(vec![
                one(pick(&[
                    "ENCODING", "encoding", "REFCOUNT", "FREQ", "NOSUCH",
                ])),
                key(),
            ]),
        ),
    ]
}

/// How replies of a command are compared.
enum Compare {
    Exact,
    /// Integer replies may differ by this much (clock skew between sides).
    Tolerance(i64),
    /// Array order is unspecified.
    Unordered,
}

fn compare_mode(name: &[u8]) -> Compare {
    let n = name.to_ascii_lowercase();
    match n.as_slice() {
        b"ttl" | b"expiretime" => Compare::Tolerance(1),
        b"pttl" | b"pexpiretime" => Compare::Tolerance(250),
        b"keys" => Compare::Unordered,
        _ => Compare::Exact,
    }
}

fn integer(reply: &[u8]) -> Option<i64> {
    let text = reply.strip_prefix(b":")?.strip_suffix(b"\r\n")?;
    std::str::from_utf8(text).ok()?.parse().ok()
}

fn replies_match(name: &[u8], want: &[u8], got: &[u8]) -> bool {
    match compare_mode(name) {
        Compare::Exact => want == got,
        Compare::Unordered => sorted_elements(want) == sorted_elements(got),
        Compare::Tolerance(t) => match (integer(want), integer(got)) {
            (Some(a), Some(b)) if a >= 0 && b >= 0 => (a - b).abs() <= t,
            _ => want == got,
        },
    }
}

/// Commands left out for now, each with the known difference that would
/// fail every run (remove the entry once it is fixed on main).
const SKIP: &[&str] = &[];

/// A generated command: its grammar's argv, sometimes mutated.
fn command() -> BoxedStrategy<Argv> {
    let active: Vec<_> = grammar()
        .into_iter()
        .filter(|(name, _)| embedis::command::lookup(name.as_bytes()).is_some())
        .filter(|(name, _)| !SKIP.contains(name))
        .map(|(name, args)| {
            (Just(name), args, any::<bool>()).prop_map(|(n, a, upper)| {
                let name = if upper {
                    n.to_ascii_uppercase()
                } else {
                    n.to_owned()
                };
                let mut argv = vec![name.into_bytes()];
                argv.extend(a);
                argv
            })
        })
        .map(|s| s.boxed())
        .collect();
    assert!(!active.is_empty());
    let mut active = active;
    active.push(unknown_command());
    let awkward = prop_oneof![pick(INTS), pick(VALUES), pick(FLOATS), pick(KEYS)];
    (
        Union::new(active),
        0u8..16,
        any::<prop::sample::Index>(),
        awkward,
    )
        .prop_map(|(mut argv, mutation, at, token)| {
            let i = 1 + at.index(argv.len().max(2) - 1);
            match mutation {
                0 if argv.len() > 1 => drop(argv.pop()),
                1 => argv.push(token),
                2 if i < argv.len() => argv[i] = token,
                _ => {}
            }
            argv
        })
        .boxed()
}

/// A name no table has, with arguments: the unknown-command error quotes
/// them (cut at NUL and at 128 bytes, CR and LF turned into spaces).
fn unknown_command() -> BoxedStrategy<Argv> {
    let name = prop_oneof![
        pick(&["nosuch", "GETX", "", "a\u{0}b", "x\r\ny", "'", "%s%n"]),
        prop::collection::vec(any::<u8>(), 1..8),
        (100usize..300).prop_map(|n| vec![b'n'; n]),
    ];
    let arg = prop_oneof![
        pick(VALUES),
        prop::collection::vec(any::<u8>(), 0..8),
        (60usize..140).prop_map(|n| vec![b'q'; n]),
    ];
    (name, prop::collection::vec(arg, 0..6))
        .prop_filter("a real command", |(n, _)| {
            embedis::command::lookup(n).is_none()
        })
        .prop_map(|(name, args)| std::iter::once(name).chain(args).collect())
        .boxed()
}

/// Runs one case on the shared pair; the error describes the first difference.
fn run_case(p: &mut Pair, cmds: &[Argv]) -> Result<(), String> {
    for reset in [&[&b"FLUSHALL"[..]][..], &[b"SELECT", b"0"]] {
        let (want, got) = p.both(reset);
        assert_eq!(want, got, "reset failed");
    }
    for (i, argv) in cmds.iter().enumerate() {
        let refs: Vec<&[u8]> = argv.iter().map(Vec::as_slice).collect();
        let (want, got) = p.both(&refs);
        if !replies_match(refs[0], &want, &got) {
            let shown: Vec<_> = argv
                .iter()
                .map(|a| String::from_utf8_lossy(a).into_owned())
                .collect();
            return Err(format!(
                "command {i} {shown:?} differs:\n embedis: {:?}\n redis:   {:?}",
                String::from_utf8_lossy(&got),
                String::from_utf8_lossy(&want)
            ));
        }
    }
    Ok(())
}

#[test]
fn random_commands_match_oracle() {
    let Some(p) = Pair::new() else { return };
    let p = RefCell::new(p);
    let cases = std::env::var("EMBEDIS_RANDOM_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(300);
    let mut runner = TestRunner::new(PropConfig {
        cases,
        ..PropConfig::default()
    });
    let strategy = prop::collection::vec(command(), 1..25);
    let result = runner.run(&strategy, |cmds| {
        run_case(&mut p.borrow_mut(), &cmds).map_err(TestCaseError::fail)
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}
