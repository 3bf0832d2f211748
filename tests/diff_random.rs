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
mod random;

use common::{Pair, element_end};
use proptest::prelude::*;
use proptest::strategy::Union;
use random::{Argv, Piece, alt, lit, many, one, opt, pick, seq};

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

/// EX, PX, EXAT and PXAT with their times (SET and GETEX).
fn timed_expiry() -> [Piece; 4] {
    [
        seq(vec![lit("EX"), one(pick(TTLS_S))]),
        seq(vec![lit("PX"), one(pick(TTLS_MS))]),
        seq(vec![lit("EXAT"), one(pick(AT_S))]),
        seq(vec![lit("PXAT"), one(pick(AT_MS))]),
    ]
}

fn set_options() -> Piece {
    let words = [lit("NX"), lit("XX"), lit("GET"), lit("KEEPTTL")];
    let odd = [lit("ex"), lit("PERSIST")];
    options(
        words.into_iter().chain(timed_expiry()).chain(odd).collect(),
        4,
    )
}

fn getex_options() -> Piece {
    let words = [lit("PERSIST"), lit("KEEPTTL")];
    options(timed_expiry().into_iter().chain(words).collect(), 3)
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
    .into_iter()
    .chain(type_grammar())
    .chain(transaction_grammar())
    .collect()
}

const FIELDS: &[&str] = &[
    "f",
    "g",
    "1",
    "",
    "-1",
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx0",
];
const MEMBERS: &[&str] = &[
    "1",
    "2",
    "-3",
    "10",
    "a",
    "b",
    "",
    "9223372036854775807",
    "1.5",
    "01",
];
const SCORES: &[&str] = &[
    "0", "1", "-1", "1.5", "2", "inf", "-inf", "+inf", "nan", "1e308", "(1", "(2", "x", "-0", " 1",
];
const LEX: &[&str] = &["-", "+", "[a", "(a", "[1", "(2", "a", "[", ""];

fn field() -> Piece {
    one(pick(FIELDS))
}

fn member() -> Piece {
    one(prop_oneof![4 => pick(MEMBERS), 1 => pick(VALUES)].boxed())
}

fn score() -> Piece {
    one(pick(SCORES))
}

fn small_int() -> Piece {
    one(
        prop_oneof![4 => pick(&["0", "1", "2", "3", "-1", "-2", "-100", "100"]), 1 => pick(INTS)]
            .boxed(),
    )
}

fn side() -> Piece {
    alt(vec![lit("LEFT"), lit("RIGHT"), lit("left"), lit("UP")])
}

/// Hashes, lists, sets, sorted sets, bitmaps, HyperLogLogs: generated once
/// their commands are in the table. The shared key names make WRONGTYPE
/// errors common.
fn type_grammar() -> Vec<(&'static str, Piece)> {
    let fv = || seq(vec![field(), value()]);
    let range = || seq(vec![small_int(), small_int()]);
    let limit = || opt(seq(vec![lit("LIMIT"), small_int(), small_int()]));
    let zrange_opts = options(
        vec![
            lit("BYSCORE"),
            lit("BYLEX"),
            lit("REV"),
            lit("WITHSCORES"),
            seq(vec![lit("LIMIT"), small_int(), small_int()]),
        ],
        3,
    );
    let zadd_flags = options(
        vec![
            lit("NX"),
            lit("XX"),
            lit("GT"),
            lit("LT"),
            lit("CH"),
            lit("INCR"),
        ],
        3,
    );
    let bit_unit = || opt(alt(vec![lit("BYTE"), lit("BIT"), lit("WORD")]));
    vec![
        ("hset", seq(vec![key(), many(fv(), 1, 4)])),
        ("hsetnx", seq(vec![key(), fv()])),
        ("hmset", seq(vec![key(), many(fv(), 1, 3)])),
        ("hget", seq(vec![key(), field()])),
        ("hmget", seq(vec![key(), many(field(), 1, 4)])),
        ("hdel", seq(vec![key(), many(field(), 1, 3)])),
        ("hlen", key()),
        ("hstrlen", seq(vec![key(), field()])),
        ("hexists", seq(vec![key(), field()])),
        ("hincrby", seq(vec![key(), field(), int()])),
        ("hincrbyfloat", seq(vec![key(), field(), float()])),
        ("hkeys", key()),
        ("hvals", key()),
        ("hgetall", key()),
        ("lpush", seq(vec![key(), many(value(), 1, 4)])),
        ("rpush", seq(vec![key(), many(value(), 1, 4)])),
        ("lpushx", seq(vec![key(), many(value(), 1, 3)])),
        ("rpushx", seq(vec![key(), many(value(), 1, 3)])),
        ("lpop", seq(vec![key(), opt(small_int())])),
        ("rpop", seq(vec![key(), opt(small_int())])),
        ("llen", key()),
        ("lrange", seq(vec![key(), range()])),
        ("lindex", seq(vec![key(), small_int()])),
        ("lset", seq(vec![key(), small_int(), value()])),
        (
            "linsert",
            seq(vec![
                key(),
                alt(vec![lit("BEFORE"), lit("after"), lit("MIDDLE")]),
                value(),
                value(),
            ]),
        ),
        ("lrem", seq(vec![key(), small_int(), value()])),
        ("ltrim", seq(vec![key(), range()])),
        (
            "lpos",
            seq(vec![
                key(),
                value(),
                options(
                    vec![
                        seq(vec![lit("RANK"), small_int()]),
                        seq(vec![lit("COUNT"), small_int()]),
                        seq(vec![lit("MAXLEN"), small_int()]),
                    ],
                    3,
                ),
            ]),
        ),
        ("lmove", seq(vec![key(), key(), side(), side()])),
        ("rpoplpush", seq(vec![key(), key()])),
        ("sadd", seq(vec![key(), many(member(), 1, 5)])),
        ("srem", seq(vec![key(), many(member(), 1, 3)])),
        ("scard", key()),
        ("sismember", seq(vec![key(), member()])),
        ("smismember", seq(vec![key(), many(member(), 1, 4)])),
        ("smembers", key()),
        ("sinter", many(key(), 1, 4)),
        ("sunion", many(key(), 1, 4)),
        ("sdiff", many(key(), 1, 4)),
        ("sinterstore", seq(vec![key(), many(key(), 1, 3)])),
        ("sunionstore", seq(vec![key(), many(key(), 1, 3)])),
        ("sdiffstore", seq(vec![key(), many(key(), 1, 3)])),
        (
            "sintercard",
            seq(vec![
                one(pick(&["1", "2", "0", "-1", "3"])),
                many(key(), 1, 3),
                limit(),
            ]),
        ),
        ("smove", seq(vec![key(), key(), member()])),
        (
            "zadd",
            seq(vec![
                key(),
                zadd_flags,
                many(seq(vec![score(), member()]), 1, 4),
            ]),
        ),
        ("zincrby", seq(vec![key(), score(), member()])),
        ("zscore", seq(vec![key(), member()])),
        ("zmscore", seq(vec![key(), many(member(), 1, 3)])),
        ("zcard", key()),
        ("zcount", seq(vec![key(), score(), score()])),
        (
            "zlexcount",
            seq(vec![key(), one(pick(LEX)), one(pick(LEX))]),
        ),
        (
            "zrange",
            seq(vec![
                key(),
                alt(vec![
                    range(),
                    seq(vec![score(), score()]),
                    seq(vec![one(pick(LEX)), one(pick(LEX))]),
                ]),
                zrange_opts,
            ]),
        ),
        (
            "zrangebyscore",
            seq(vec![
                key(),
                score(),
                score(),
                opt(lit("WITHSCORES")),
                limit(),
            ]),
        ),
        (
            "zrevrangebyscore",
            seq(vec![
                key(),
                score(),
                score(),
                opt(lit("WITHSCORES")),
                limit(),
            ]),
        ),
        (
            "zrangebylex",
            seq(vec![key(), one(pick(LEX)), one(pick(LEX)), limit()]),
        ),
        (
            "zrevrange",
            seq(vec![key(), range(), opt(lit("WITHSCORES"))]),
        ),
        ("zrank", seq(vec![key(), member()])),
        ("zrevrank", seq(vec![key(), member()])),
        ("zrem", seq(vec![key(), many(member(), 1, 3)])),
        ("zremrangebyrank", seq(vec![key(), range()])),
        ("zremrangebyscore", seq(vec![key(), score(), score()])),
        (
            "zremrangebylex",
            seq(vec![key(), one(pick(LEX)), one(pick(LEX))]),
        ),
        ("zpopmin", seq(vec![key(), opt(small_int())])),
        ("zpopmax", seq(vec![key(), opt(small_int())])),
        (
            "setbit",
            seq(vec![
                key(),
                one(pick(&["0", "1", "7", "8", "100", "-1", "4294967296", "x"])),
                one(pick(&["0", "1", "2", "-1"])),
            ]),
        ),
        (
            "getbit",
            seq(vec![
                key(),
                one(pick(&["0", "1", "7", "100", "-1", "4294967296"])),
            ]),
        ),
        (
            "bitcount",
            seq(vec![key(), opt(seq(vec![range(), bit_unit()]))]),
        ),
        (
            "bitpos",
            seq(vec![
                key(),
                one(pick(&["0", "1", "2"])),
                opt(seq(vec![
                    small_int(),
                    opt(seq(vec![small_int(), bit_unit()])),
                ])),
            ]),
        ),
        (
            "bitop",
            seq(vec![
                alt(vec![
                    lit("AND"),
                    lit("or"),
                    lit("XOR"),
                    lit("NOT"),
                    lit("NAND"),
                ]),
                key(),
                many(key(), 1, 3),
            ]),
        ),
        ("pfadd", seq(vec![key(), many(member(), 0, 4)])),
        ("pfcount", many(key(), 1, 3)),
        ("pfmerge", seq(vec![key(), many(key(), 0, 3)])),
    ]
}

/// MULTI/EXEC/DISCARD/WATCH/UNWATCH, once they are in the table.
fn transaction_grammar() -> Vec<(&'static str, Piece)> {
    vec![
        ("multi", Just(vec![]).boxed()),
        ("exec", Just(vec![]).boxed()),
        ("discard", Just(vec![]).boxed()),
        ("watch", many(key(), 1, 3)),
        ("unwatch", Just(vec![]).boxed()),
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
        b"keys" | b"hkeys" | b"hvals" | b"hgetall" | b"smembers" | b"sinter" | b"sunion"
        | b"sdiff" => Compare::Unordered,
        _ => Compare::Exact,
    }
}

fn integer(reply: &[u8]) -> Option<i64> {
    let text = reply.strip_prefix(b":")?.strip_suffix(b"\r\n")?;
    std::str::from_utf8(text).ok()?.parse().ok()
}

/// `reply` with the elements of every array at depth `from` or deeper
/// sorted, so replies that differ only in unspecified orders compare equal.
fn sort_arrays(reply: &[u8], from: usize) -> Vec<u8> {
    fn walk(b: &[u8], pos: usize, depth: usize, from: usize) -> (Vec<u8>, usize) {
        let end = element_end(b, pos);
        if b[pos] != b'*' {
            return (b[pos..end].to_vec(), end);
        }
        let nl = pos + b[pos..].iter().position(|&c| c == b'\n').unwrap() + 1;
        let n: i64 = std::str::from_utf8(&b[pos + 1..nl - 2])
            .unwrap()
            .parse()
            .unwrap();
        let (mut items, mut p) = (Vec::new(), nl);
        for _ in 0..n.max(0) {
            let (item, next) = walk(b, p, depth + 1, from);
            items.push(item);
            p = next;
        }
        if depth >= from {
            items.sort();
        }
        let mut out = b[pos..nl].to_vec();
        items.iter().for_each(|i| out.extend_from_slice(i));
        (out, end)
    }
    walk(reply, 0, 0, from).0
}

fn replies_match(name: &[u8], want: &[u8], got: &[u8]) -> bool {
    if want == got {
        return true;
    }
    // Sets and hashes have no order; inside EXEC their replies keep theirs.
    if name.eq_ignore_ascii_case(b"exec") {
        return sort_arrays(want, 2) == sort_arrays(got, 2);
    }
    match compare_mode(name) {
        Compare::Exact => false,
        Compare::Unordered => sort_arrays(want, 0) == sort_arrays(got, 0),
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
        .prop_map(|(argv, mutation, at, token)| random::mutate(argv, mutation, at, token))
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
    // Leave any transaction the previous case opened (replies not compared).
    for leave in [&b"DISCARD"[..], b"UNWATCH"] {
        if embedis::command::lookup(leave).is_some() {
            p.both(&[leave]);
        }
    }
    random::reset(p, &[&["FLUSHALL"], &["SELECT", "0"]]);
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
    let strategy = prop::collection::vec(command(), 1..25);
    random::run_cases(300, strategy, |p, cmds| run_case(p, &cmds));
}

#[test]
fn sort_arrays_sorts_from_a_depth() {
    let reply = b"*2\r\n*2\r\n$1\r\nb\r\n$1\r\na\r\n:1\r\n";
    assert_eq!(
        sort_arrays(reply, 1),
        b"*2\r\n*2\r\n$1\r\na\r\n$1\r\nb\r\n:1\r\n"
    );
    let swapped = b"*2\r\n:1\r\n*2\r\n$1\r\nb\r\n$1\r\na\r\n";
    assert_eq!(sort_arrays(swapped, 0), sort_arrays(reply, 1));
    assert_ne!(sort_arrays(swapped, 1), sort_arrays(reply, 1));
    assert_eq!(sort_arrays(reply, 2), reply);
    assert_eq!(sort_arrays(b"$-1\r\n", 0), b"$-1\r\n");
}
