//! Differential tests of the sorted-set commands against redis-server
//! 7.0.15: every command, option and error, each script run under several
//! `zset-max-listpack-*` settings (set by CONFIG SET on both sides) so every
//! listpack/skiplist conversion is crossed, with OBJECT ENCODING compared
//! after every step.

mod common;

use common::{Pair, element_end, sorted_elements};

/// Keys whose encoding is compared after every command.
const WATCHED: &[&str] = &["z", "z2", "z3", "lex", "dst", "d2", "ints"];

/// (zset-max-listpack-entries, zset-max-listpack-value) settings.
const CONFIGS: &[(u32, u32)] = &[(128, 64), (0, 64), (1, 64), (4, 64), (4, 3)];

fn run(p: &mut Pair, lines: &[&str]) {
    for line in lines {
        p.check(line);
        for k in WATCHED {
            p.check(&format!("OBJECT ENCODING {k}"));
        }
    }
}

/// Runs `f` on a fresh pair once per threshold setting.
fn under_every_config(mut f: impl FnMut(&mut Pair)) {
    let Some(mut p) = Pair::new() else { return };
    for (entries, value) in CONFIGS {
        p.check("FLUSHALL");
        p.check(&format!("CONFIG SET zset-max-listpack-entries {entries}"));
        p.check(&format!("CONFIG SET zset-max-listpack-value {value}"));
        f(&mut p);
    }
}

const SEED: &[&str] = &[
    "ZADD z 1 a 2 b 3 c 4 d 5 e 6 f",
    "ZADD z2 1.5 x -2 y inf top -inf bottom 0 zero",
    "ZADD z3 1 1 2 2 3 10 1.5 -5 2 22",
    "ZADD lex 0 a 0 b 0 c 0 d 0 e 0 f 0 g 0 aa 0 \"\" 0 \"b\\x00\"",
];

#[test]
fn zadd_options_and_errors() {
    under_every_config(|p| {
        run(
            p,
            &[
                "ZADD z 1 a",
                "ZADD z 2 b 3 c",
                "ZADD z NX 10 a 4 d",
                "ZADD z XX 20 a 5 e",
                "ZADD z XX CH 21 a 22 b",
                "ZADD z GT CH 1 a 100 b",
                "ZADD z LT CH 1 a 100 c",
                "ZADD z XX GT 50 c 60 nosuch",
                "ZADD z xx lt ch 1 c",
                "ZADD z ch 1 c 1 a",
                "ZADD z INCR 5 a",
                "ZADD z NX INCR 5 a",
                "ZADD z XX INCR 5 nosuch",
                "ZADD z GT INCR -1 a",
                "ZADD z LT INCR -1 a",
                "ZADD z INCR +inf a",
                "ZADD z INCR -inf a",
                "ZSCORE z a",
                "ZINCRBY z 1.5 newmember",
                "ZINCRBY z -inf newmember",
                "ZINCRBY z +inf newmember",
                "ZINCRBY z nan a",
                "ZINCRBY z nx a",
                "ZINCRBY z 1 incr",
                "ZADD z 1",
                "ZADD z 1 a 2",
                "ZADD z nx",
                "ZADD z NX XX 1 a",
                "ZADD z GT LT 1 a",
                "ZADD z NX GT 1 a",
                "ZADD z NX LT 1 a",
                "ZADD z INCR 1 a 2 b",
                "ZADD z abc a",
                "ZADD z nan a",
                "ZADD z 1e400 a",
                "ZADD z \" 1\" a",
                "ZADD z 1 a 2 b x c",
                "ZADD z 0x10 hex",
                "ZADD z -0 negzero",
                "ZADD z 0 negzero",
                "ZSCORE z negzero",
                "ZADD z 1.1 f 0.1 g 1e17 h 1e-5 i 123456789012345678 j -1.5e-300 k",
                "ZADD z 4611686018427387904 big 4611686018427387903 big2 -4611686018427387904 neg",
                "ZRANGE z 0 -1 WITHSCORES",
                "ZADD newxx XX 1 a",
                "EXISTS newxx",
                "ZADD newxx XX INCR 1 a",
                "EXISTS newxx",
                "SET s x",
                "ZADD s 1 a",
                "ZADD s xx 1 a",
                "ZADD s abc a",
                "ZINCRBY s 1 a",
                "ZADD z 1 mmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmm",
                "ZADD z2 1 mmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmm",
                "ZADD z2 2 short",
                "ZADD z3 1 1 2 2 3 10 1.5 -5",
                "ZRANGE z3 0 -1 WITHSCORES",
                "ZINCRBY z3 1 1",
                "ZADD z3 xx 7 10 8 11",
                "ZCARD z",
                "ZCARD z3",
                "ZCARD nokey",
                "ZCARD s",
                "ZADD d2 1 abcd",
                "ZADD d2 1 abc",
                "ZADD dst 1 abc",
                "ZADD dst 1 abcd",
                "ZADD dst 2 abc",
                "ZADD z3 1 xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
                "ZADD z3 1 yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy",
            ],
        );
    });
}

#[test]
fn reads_and_ranges() {
    under_every_config(|p| {
        run(p, SEED);
        run(
            p,
            &[
                "SET s x",
                "ZSCORE z a",
                "ZSCORE z nosuch",
                "ZSCORE nokey a",
                "ZSCORE s a",
                "ZSCORE z2 top",
                "ZMSCORE z a nosuch f",
                "ZMSCORE nokey a b",
                "ZMSCORE s a",
                "ZRANK z a",
                "ZRANK z f",
                "ZRANK z nosuch",
                "ZRANK nokey a",
                "ZRANK s a",
                "ZREVRANK z a",
                "ZREVRANK z2 top",
                "ZREVRANK z3 10",
                "ZCOUNT z -inf +inf",
                "ZCOUNT z 2 4",
                "ZCOUNT z (2 (4",
                "ZCOUNT z (2 4",
                "ZCOUNT z 4 2",
                "ZCOUNT z (3 3",
                "ZCOUNT z 3 3",
                "ZCOUNT z2 -inf -inf",
                "ZCOUNT z2 (-inf (inf",
                "ZCOUNT z \"\" 3",
                "ZCOUNT z \" 2\" 3",
                "ZCOUNT z 2x 3",
                "ZCOUNT z nan 3",
                "ZCOUNT z ( 3",
                "ZCOUNT z (x 3",
                "ZCOUNT z 1e400 3",
                "ZCOUNT z -1e400 3",
                "ZCOUNT nokey 0 1",
                "ZCOUNT s 0 1",
                "ZCOUNT s x 1",
                "ZLEXCOUNT lex - +",
                "ZLEXCOUNT lex [a [c",
                "ZLEXCOUNT lex (a (c",
                "ZLEXCOUNT lex [b (b",
                "ZLEXCOUNT lex [b [b",
                "ZLEXCOUNT lex + -",
                "ZLEXCOUNT lex [c [a",
                "ZLEXCOUNT lex - [b",
                "ZLEXCOUNT lex (b +",
                "ZLEXCOUNT lex [ +",
                "ZLEXCOUNT lex ( +",
                "ZLEXCOUNT lex a +",
                "ZLEXCOUNT lex -x +",
                "ZLEXCOUNT lex - +x",
                "ZLEXCOUNT lex 1 +",
                "ZLEXCOUNT nokey - +",
                "ZLEXCOUNT s - +",
                "ZRANGE z 0 -1",
                "ZRANGE z 0 -1 WITHSCORES",
                "ZRANGE z 2 3",
                "ZRANGE z -2 -1",
                "ZRANGE z -100 100",
                "ZRANGE z 3 2",
                "ZRANGE z 6 10",
                "ZRANGE z 0 -1 REV",
                "ZRANGE z 0 1 REV WITHSCORES",
                "ZRANGE z x 1",
                "ZRANGE z 0 1 LIMIT 0 1",
                "ZRANGE z 0 1 withscores withscores",
                "ZRANGE z 0 1 foo",
                "ZRANGE z (1 5 BYSCORE",
                "ZRANGE z 1 5 BYSCORE WITHSCORES LIMIT 1 2",
                "ZRANGE z 1 5 BYSCORE LIMIT 1 -1",
                "ZRANGE z 1 5 BYSCORE LIMIT -1 2",
                "ZRANGE z 1 5 BYSCORE LIMIT 10 2",
                "ZRANGE z 1 5 BYSCORE LIMIT 0 0",
                "ZRANGE z 1 5 BYSCORE LIMIT 0 x",
                "ZRANGE z 1 5 BYSCORE LIMIT 0",
                "ZRANGE z 5 1 BYSCORE REV",
                "ZRANGE z 5 (1 BYSCORE REV LIMIT 1 2 WITHSCORES",
                "ZRANGE z +inf -inf BYSCORE REV",
                "ZRANGE z 1 5 BYSCORE BYSCORE",
                "ZRANGE z 1 5 BYSCORE BYLEX",
                "ZRANGE z 1 5 REV REV",
                "ZRANGE z x 5 BYSCORE",
                "ZRANGE lex [b [e BYLEX",
                "ZRANGE lex [e [b BYLEX REV",
                "ZRANGE lex - + BYLEX LIMIT 2 3",
                "ZRANGE lex + - BYLEX REV LIMIT 2 3",
                "ZRANGE lex - + BYLEX WITHSCORES",
                "ZRANGE lex x + BYLEX",
                "ZRANGE nokey 0 -1",
                "ZRANGE nokey x y",
                "ZRANGE s 0 -1",
                "ZREVRANGE z 0 -1",
                "ZREVRANGE z 1 2 WITHSCORES",
                "ZREVRANGE z 0 1 BYSCORE",
                "ZREVRANGE z 0 1 REV",
                "ZREVRANGE z 0 1 LIMIT 0 1",
                "ZRANGEBYSCORE z -inf +inf",
                "ZRANGEBYSCORE z (1 (5 WITHSCORES",
                "ZRANGEBYSCORE z 1 5 LIMIT 1 2",
                "ZRANGEBYSCORE z 1 5 BYSCORE",
                "ZRANGEBYSCORE z 1 5 REV",
                "ZRANGEBYSCORE z2 -inf +inf WITHSCORES",
                "ZRANGEBYSCORE z3 -inf +inf WITHSCORES",
                "ZREVRANGEBYSCORE z +inf -inf",
                "ZREVRANGEBYSCORE z 5 1 WITHSCORES LIMIT 1 2",
                "ZREVRANGEBYSCORE z (5 (1",
                "ZREVRANGEBYSCORE z 1 5",
                "ZRANGEBYLEX lex - +",
                "ZRANGEBYLEX lex [aa (c",
                "ZRANGEBYLEX lex - + LIMIT 1 3",
                "ZRANGEBYLEX lex - + WITHSCORES",
                "ZRANGEBYLEX lex - + BYLEX",
                "ZRANGEBYLEX lex a b",
                "ZREVRANGEBYLEX lex + -",
                "ZREVRANGEBYLEX lex (c [aa",
                "ZREVRANGEBYLEX lex + - LIMIT 2 2",
                "ZREVRANGEBYLEX lex - +",
                "ZRANGEBYLEX z - +",
                "ZADD ints 0 10 0 9 0 -1 0 100 0 1a 0 -0 0 01",
                "ZRANGE ints 0 -1",
                "ZRANGEBYLEX ints [1 [9",
                "ZRANGEBYLEX ints (-1 +",
                "ZRANK ints 100",
                "ZSCORE ints -0",
            ],
        );
    });
}

#[test]
fn removals_and_key_deletion() {
    under_every_config(|p| {
        run(p, SEED);
        run(
            p,
            &[
                "SET s x",
                "ZREM z a nosuch b",
                "ZREM z nosuch",
                "ZREM nokey a",
                "ZREM s a",
                "ZREMRANGEBYRANK z 0 0",
                "ZREMRANGEBYRANK z -1 -1",
                "ZREMRANGEBYRANK z 5 1",
                "ZREMRANGEBYRANK z x 1",
                "ZREMRANGEBYRANK nokey 0 1",
                "ZREMRANGEBYRANK s 0 1",
                "ZRANGE z 0 -1 WITHSCORES",
                "ZREMRANGEBYRANK z 0 -1",
                "EXISTS z",
                "ZREMRANGEBYSCORE z2 (-inf (inf",
                "ZRANGE z2 0 -1 WITHSCORES",
                "ZREMRANGEBYSCORE z2 x 1",
                "ZREMRANGEBYSCORE z2 -inf +inf",
                "EXISTS z2",
                "ZREMRANGEBYLEX lex [b (d",
                "ZREMRANGEBYLEX lex x (d",
                "ZRANGE lex 0 -1",
                "ZREMRANGEBYLEX lex - +",
                "EXISTS lex",
                "ZREM z3 1 2 10 -5 22 nosuch",
                "EXISTS z3",
                "ZADD z 1 a",
                "ZREM z a a",
                "EXISTS z",
                "ZREMRANGEBYSCORE s 0 1",
                "ZREMRANGEBYLEX s - +",
            ],
        );
    });
}

#[test]
fn pops_and_blocking_forms() {
    under_every_config(|p| {
        run(p, SEED);
        run(
            p,
            &[
                "SET s x",
                "ZPOPMIN z",
                "ZPOPMAX z",
                "ZPOPMIN z 2",
                "ZPOPMAX z 0",
                "ZPOPMIN z -1",
                "ZPOPMIN z x",
                "ZPOPMIN z 1 2",
                "ZPOPMIN nokey",
                "ZPOPMIN nokey 0",
                "ZPOPMIN s",
                "ZPOPMIN s 0",
                "ZPOPMAX z 100",
                "EXISTS z",
                "ZMPOP 1 z2 MIN",
                "ZMPOP 2 nokey z2 MAX COUNT 2",
                "ZMPOP 2 nokey s MIN",
                "ZMPOP 2 z2 s MIN",
                "ZMPOP 1 nokey MIN",
                "ZMPOP 0 z2 MIN",
                "ZMPOP x z2 MIN",
                "ZMPOP 3 z2 MIN",
                "ZMPOP 1 z2 MIDDLE",
                "ZMPOP 1 z2 MIN COUNT 0",
                "ZMPOP 1 z2 MIN COUNT x",
                "ZMPOP 1 z2 MIN COUNT 1 COUNT 1",
                "ZMPOP 1 z2 MIN COUNT",
                "ZMPOP 1 z2 MIN extra",
                "ZMPOP 1 z2 max count 100",
                "EXISTS z2",
                "BZPOPMIN z3 0",
                "BZPOPMAX nokey z3 0",
                "BZPOPMIN nokey s 0",
                "BZPOPMIN z3 -1",
                "BZPOPMIN z3 x",
                "BZPOPMIN z3 inf",
                "BZPOPMIN z3 1e400",
                "BZPOPMIN z3 0x10",
                "BZPOPMIN nokey 0.01",
                "BZPOPMAX nokey 0.01",
                "BZMPOP 0 1 z3 MIN",
                "BZMPOP 0 2 nokey z3 MAX COUNT 5",
                "BZMPOP 0.01 1 nokey MIN",
                "BZMPOP x 1 nokey MIN",
                "BZMPOP -1 1 nokey MIN",
                "BZMPOP 0 0 nokey MIN",
                "BZMPOP 0 1 nokey MIN COUNT 0",
                "BZMPOP 0 1 s MIN",
                "EXISTS z3",
            ],
        );
    });
}

#[test]
fn set_operations_and_stores() {
    under_every_config(|p| {
        run(p, SEED);
        run(
            p,
            &[
                "SET s x",
                "ZADD z2 3 c 4 d 100 e",
                "ZUNION 2 z z2",
                "ZUNION 2 z z2 WITHSCORES",
                "ZUNION 2 z z2 WEIGHTS 2 0.5 WITHSCORES",
                "ZUNION 2 z z2 WEIGHTS 1 -1 AGGREGATE MIN WITHSCORES",
                "ZUNION 2 z z2 AGGREGATE MAX WITHSCORES",
                "ZUNION 2 z z2 AGGREGATE sum WEIGHTS 0 inf WITHSCORES",
                "ZUNION 3 z nokey z2 WITHSCORES",
                "ZUNION 1 nokey",
                "ZUNION 2 z z WITHSCORES",
                "ZUNION 0 z",
                "ZUNION -1 z",
                "ZUNION x z",
                "ZUNION 3 z z2",
                "ZUNION 2 z s",
                "ZUNION 2 z z2 WEIGHTS 1",
                "ZUNION 2 z z2 WEIGHTS 1 x",
                "ZUNION 2 z z2 AGGREGATE avg",
                "ZUNION 2 z z2 AGGREGATE",
                "ZUNION 2 z z2 LIMIT 1",
                "ZUNION 2 s z2 WEIGHTS x",
                "ZINTER 2 z z2 WITHSCORES",
                "ZINTER 2 z z2 WEIGHTS 2 3 AGGREGATE MAX WITHSCORES",
                "ZINTER 2 z2 z WEIGHTS inf -inf WITHSCORES",
                "ZINTER 2 z nokey",
                "ZINTER 2 z z WITHSCORES",
                "ZINTER 1 z2 WITHSCORES",
                "ZINTER 2 z s",
                "ZDIFF 2 z z2",
                "ZDIFF 2 z z2 WITHSCORES",
                "ZDIFF 2 z z",
                "ZDIFF 1 nokey",
                "ZDIFF 2 nokey z",
                "ZDIFF 2 z nokey WITHSCORES",
                "ZDIFF 2 z z2 WEIGHTS 1 1",
                "ZDIFF 2 z z2 AGGREGATE MIN",
                "ZINTERCARD 2 z z2",
                "ZINTERCARD 2 z z2 LIMIT 1",
                "ZINTERCARD 2 z z2 LIMIT 0",
                "ZINTERCARD 2 z z2 LIMIT -1",
                "ZINTERCARD 2 z z2 LIMIT x",
                "ZINTERCARD 2 z z2 WITHSCORES",
                "ZINTERCARD 2 z z2 WEIGHTS 1 1",
                "ZINTERCARD 0 z",
                "ZINTERCARD 1 nokey",
                "ZINTERCARD 2 z s",
                "ZUNIONSTORE dst 2 z z2",
                "ZRANGE dst 0 -1 WITHSCORES",
                "ZUNIONSTORE dst 2 z z2 WEIGHTS 1 2 AGGREGATE MIN",
                "ZRANGE dst 0 -1 WITHSCORES",
                "ZUNIONSTORE dst 2 z z2 WITHSCORES",
                "ZUNIONSTORE dst 0 z",
                "ZUNIONSTORE dst 1 nokey",
                "EXISTS dst",
                "ZINTERSTORE dst 2 z z2",
                "ZRANGE dst 0 -1 WITHSCORES",
                "ZINTERSTORE d2 2 z nokey",
                "ZINTERSTORE z 2 z z2 WEIGHTS 10 1",
                "ZRANGE z 0 -1 WITHSCORES",
                "ZDIFFSTORE dst 2 lex z",
                "ZRANGE dst 0 -1",
                "ZDIFFSTORE dst 2 z z",
                "EXISTS dst",
                "ZDIFFSTORE d2 1 z2",
                "ZUNIONSTORE s 1 z2",
                "TYPE s",
                "ZUNIONSTORE d2 2 z3 lex",
                "ZRANGE d2 0 -1 WITHSCORES",
                "ZINTERSTORE d2 1 z3 WEIGHTS 0.1",
                "ZRANGE d2 0 -1 WITHSCORES",
                "SADD st a c zz 1",
                "SADD si 1 2 3 10 -5",
                "ZUNION 2 z st WITHSCORES",
                "ZUNION 3 si st z3 WEIGHTS 2 3 4 WITHSCORES",
                "ZINTER 2 st z WITHSCORES",
                "ZINTER 2 si z3 AGGREGATE MIN WITHSCORES",
                "ZINTER 1 st WEIGHTS 3 WITHSCORES",
                "ZDIFF 2 st z WITHSCORES",
                "ZDIFF 2 z3 si WITHSCORES",
                "ZINTERCARD 2 z st",
                "ZINTERCARD 2 si z3",
                "ZUNIONSTORE dst 2 st z2",
                "ZRANGE dst 0 -1 WITHSCORES",
                "ZINTERSTORE d2 2 si si",
                "ZRANGE d2 0 -1 WITHSCORES",
                "ZDIFFSTORE dst 2 si z3",
                "ZRANGE dst 0 -1 WITHSCORES",
                "ZRANGE st 0 -1",
            ],
        );
    });
}

#[test]
fn rangestore() {
    under_every_config(|p| {
        run(p, SEED);
        run(
            p,
            &[
                "SET s x",
                "EXPIRE d2 100",
                "ZRANGESTORE dst z 0 -1",
                "ZRANGE dst 0 -1 WITHSCORES",
                "ZRANGESTORE dst z 0 2",
                "ZRANGESTORE dst z 0 3",
                "ZRANGESTORE dst z 0 4",
                "ZRANGESTORE dst z 2 1",
                "EXISTS dst",
                "ZRANGESTORE dst z (1 4 BYSCORE LIMIT 1 2",
                "ZRANGE dst 0 -1 WITHSCORES",
                "ZRANGESTORE dst z 5 1 BYSCORE REV",
                "ZRANGESTORE dst z -inf +inf BYSCORE",
                "ZRANGESTORE dst lex [b [f BYLEX",
                "ZRANGESTORE dst lex + - BYLEX REV LIMIT 1 2",
                "ZRANGE dst 0 -1",
                "ZRANGESTORE dst z 0 -1 WITHSCORES",
                "ZRANGESTORE dst z 0 -1 LIMIT 0 1",
                "ZRANGESTORE dst nokey 0 -1",
                "EXISTS dst",
                "ZRANGESTORE dst s 0 -1",
                "ZRANGESTORE s z 0 -1",
                "TYPE s",
                "ZRANGESTORE d2 z2 0 -1",
                "TTL d2",
                "ZRANGESTORE z z 1 2",
                "ZRANGE z 0 -1 WITHSCORES",
                "ZRANGESTORE z3 z3 0 -1 REV",
                "ZRANGE z3 0 -1 WITHSCORES",
            ],
        );
    });
}

/// Number of top-level elements of an array reply (or -1 otherwise).
fn array_len(reply: &[u8]) -> i64 {
    if reply.first() != Some(&b'*') {
        return -1;
    }
    let mut n = 0;
    let mut pos = reply.iter().position(|&b| b == b'\n').unwrap() + 1;
    while pos < reply.len() {
        pos = element_end(reply, pos);
        n += 1;
    }
    n
}

#[test]
fn zrandmember_shapes() {
    under_every_config(|p| {
        run(p, SEED);
        run(
            p,
            &[
                "SET s x",
                "ZRANDMEMBER nokey",
                "ZRANDMEMBER nokey 5",
                "ZRANDMEMBER nokey 5 WITHSCORES",
                "ZRANDMEMBER s",
                "ZRANDMEMBER s 1",
                "ZRANDMEMBER z 0",
                "ZRANDMEMBER z 6",
                "ZRANDMEMBER z 100 WITHSCORES",
                "ZRANDMEMBER z x",
                "ZRANDMEMBER z 1 WITHSCORES x",
                "ZRANDMEMBER z 1 foo",
                "ZRANDMEMBER z -9223372036854775808",
                "ZRANDMEMBER z 9223372036854775807 WITHSCORES",
                "ZRANDMEMBER z -4611686018427387904 WITHSCORES",
                "ZRANDMEMBER lex 10",
            ],
        );
        // Random picks: compare shapes, and check members belong to the set.
        let all = sorted_elements(&p.check("ZRANGE z 0 -1"));
        for (cmd, each) in [
            ("ZRANDMEMBER z", 0),
            ("ZRANDMEMBER z 1", 1),
            ("ZRANDMEMBER z 3", 1),
            ("ZRANDMEMBER z 5", 1),
            ("ZRANDMEMBER z -20", 1),
            ("ZRANDMEMBER z -3 WITHSCORES", 2),
            ("ZRANDMEMBER z 4 WITHSCORES", 2),
        ] {
            let argv: Vec<&[u8]> = cmd.split(' ').map(str::as_bytes).collect();
            let (want, got) = p.both(&argv);
            assert_eq!(array_len(&want), array_len(&got), "{cmd}");
            let items = sorted_elements(&got);
            for (i, item) in items.iter().enumerate() {
                if each == 0 || (i % each == 0 && !cmd.contains("WITHSCORES")) {
                    assert!(
                        all.contains(item),
                        "{cmd}: {:?}",
                        String::from_utf8_lossy(item)
                    );
                }
            }
        }
    });
}

/// The bulk strings of a flat RESP2 array (nested arrays flattened).
fn bulks(reply: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut pos = 0;
    while pos < reply.len() {
        let nl = pos + reply[pos..].iter().position(|&b| b == b'\n').unwrap() + 1;
        if reply[pos] == b'$' {
            let end = element_end(reply, pos);
            out.push(reply[nl..end - 2].to_vec());
            pos = end;
        } else {
            pos = nl;
        }
    }
    out
}

/// Runs ZSCAN to completion on both sides and compares the (member, score)
/// pairs seen.
fn full_zscan(p: &mut Pair, key: &str, opts: &[&str]) {
    let mut sides = Vec::new();
    for oracle in [true, false] {
        let mut cursor = b"0".to_vec();
        let mut seen = std::collections::BTreeSet::new();
        loop {
            let mut argv: Vec<&[u8]> = vec![b"ZSCAN", key.as_bytes(), &cursor];
            argv.extend(opts.iter().map(|o| o.as_bytes()));
            let reply = if oracle {
                p.oracle.send(&argv)
            } else {
                p.session.execute(&mut p.ks, &argv).to_resp2()
            };
            let items = bulks(&reply);
            for pair in items[1..].chunks(2) {
                seen.insert((pair[0].clone(), pair[1].clone()));
            }
            cursor.clone_from(&items[0]);
            if cursor == b"0" {
                break;
            }
        }
        sides.push(seen);
    }
    assert!(
        !sides[0].is_empty() || opts.contains(&"MATCH"),
        "ZSCAN {key} saw nothing"
    );
    assert_eq!(sides[1], sides[0], "ZSCAN {key} {opts:?} (left: embedis)");
}

#[test]
fn zscan() {
    under_every_config(|p| {
        run(p, SEED);
        run(
            p,
            &[
                "SET s x",
                "ZSCAN nokey 0",
                "ZSCAN nokey 0 COUNT 0",
                "ZSCAN s 0",
                "ZSCAN s x",
                "ZSCAN z x",
                "ZSCAN z -1 COUNT 0",
                "ZSCAN z 0 COUNT 0",
                "ZSCAN z 0 COUNT x",
                "ZSCAN z 0 TYPE zset",
                "ZSCAN z 0 MATCH",
                "ZSCAN z 0 foo bar",
            ],
        );
        for (key, opts) in [
            ("z", &[][..]),
            ("z2", &["COUNT", "2"]),
            ("z3", &["MATCH", "1*"]),
            ("lex", &["MATCH", "[a-c]", "COUNT", "1"]),
            ("z", &["MATCH", "*"]),
        ] {
            full_zscan(p, key, opts);
        }
        let enc = p.check("OBJECT ENCODING z3");
        if enc.windows(8).any(|w| w == b"listpack") {
            p.check("ZSCAN z3 0");
            p.check("ZSCAN z2 0 MATCH *o*");
        }
    });
}

#[test]
fn large_sets_cross_default_thresholds() {
    let Some(mut p) = Pair::new() else { return };
    let mut line = String::from("ZADD big");
    for i in 0..300 {
        line.push_str(&format!(" {} m{i}", (i * 37) % 101));
    }
    for l in [
        line.as_str(),
        "OBJECT ENCODING big",
        "ZCARD big",
        "ZRANGE big 0 -1 WITHSCORES",
        "ZRANGE big 100 120",
        "ZREVRANGE big 10 20 WITHSCORES",
        "ZRANGEBYSCORE big (20 40 LIMIT 5 10 WITHSCORES",
        "ZCOUNT big 10 (60",
        "ZRANK big m150",
        "ZREVRANK big m150",
        "ZREMRANGEBYSCORE big 30 40",
        "ZREMRANGEBYRANK big 10 50",
        "ZCARD big",
        "ZRANGESTORE dst big 0 99",
        "OBJECT ENCODING dst",
        "ZRANGESTORE dst big 0 200",
        "OBJECT ENCODING dst",
        "ZRANGESTORE dst big 0 50 BYSCORE",
        "OBJECT ENCODING dst",
        "ZUNIONSTORE u 1 big",
        "OBJECT ENCODING u",
        "ZINTERSTORE u 2 big dst",
        "OBJECT ENCODING u",
        "ZPOPMIN big 150",
        "OBJECT ENCODING big",
        "ZRANGE big 0 -1 WITHSCORES",
    ] {
        p.check(l);
    }
}

/// A seeded random walk over the commands (lex ranges only on `lx`, whose
/// scores are all 0, as Redis specifies them), compared step by step.
#[test]
fn random_walk() {
    const MEMBERS: &[&str] = &["a", "b", "c", "1", "10", "-1", "2.5", "\"\"", "xyzxyzxyz"];
    const SCORES: &[&str] = &[
        "0", "1", "-1", "2.5", "-0", "inf", "-inf", "1e300", "(1", "x",
    ];
    const KEYS: &[&str] = &["z", "z2", "z3"];
    let mut x: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = move |n: usize| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        (x % n as u64) as usize
    };
    under_every_config(|p| {
        for _ in 0..300 {
            let mut pick = |v: &[&'static str]| v[next(v.len())];
            let (k, k2, m, s, s2) = (
                pick(KEYS),
                pick(KEYS),
                pick(MEMBERS),
                pick(SCORES),
                pick(SCORES),
            );
            let opt = pick(&["", "NX", "XX", "GT", "LT", "CH", "XX GT", "INCR", "LT CH"]);
            let i = pick(&["0", "1", "-1", "2", "-3", "10"]);
            let line = match pick(&[
                "zadd",
                "zadd",
                "zadd",
                "zincrby",
                "zrem",
                "zrange",
                "zrangebyscore",
                "zrevrange",
                "zremrangebyrank",
                "zremrangebyscore",
                "zpop",
                "store",
                "lex",
                "lexq",
                "rank",
                "zrangestore",
                "zmpop",
            ]) {
                "zadd" => format!("ZADD {k} {opt} {s} {m}"),
                "zincrby" => format!("ZINCRBY {k} {s} {m}"),
                "zrem" => format!("ZREM {k} {m} {}", pick(MEMBERS)),
                "zrange" => format!("ZRANGE {k} {i} {} WITHSCORES", pick(&["-1", "0", "3"])),
                "zrangebyscore" => {
                    format!("ZRANGE {k} {s2} {s} BYSCORE REV LIMIT {i} 3 WITHSCORES")
                }
                "zrevrange" => format!("ZREVRANGE {k} {i} -1 WITHSCORES"),
                "zremrangebyrank" => format!("ZREMRANGEBYRANK {k} {i} {}", pick(&["0", "-1", "1"])),
                "zremrangebyscore" => format!("ZREMRANGEBYSCORE {k} {s} {s2}"),
                "zpop" => format!(
                    "{} {k} {}",
                    pick(&["ZPOPMIN", "ZPOPMAX"]),
                    pick(&["1", "2", "0"])
                ),
                "store" => format!(
                    "{} {k} 2 {k2} {} {}",
                    pick(&["ZUNIONSTORE", "ZINTERSTORE", "ZDIFFSTORE"]),
                    pick(KEYS),
                    pick(&["", "WEIGHTS 2 -1", "AGGREGATE MIN"])
                ),
                "lex" => format!("ZADD lx 0 {m}"),
                "lexq" => format!(
                    "{} lx {} {}",
                    pick(&[
                        "ZRANGEBYLEX",
                        "ZREVRANGEBYLEX",
                        "ZLEXCOUNT",
                        "ZREMRANGEBYLEX"
                    ]),
                    pick(&["-", "[b", "(1", "[10"]),
                    pick(&["+", "(c", "[a", "[2.5"])
                ),
                "rank" => format!("{} {k} {m}", pick(&["ZRANK", "ZREVRANK", "ZSCORE"])),
                "zrangestore" => format!("ZRANGESTORE {k2} {k} {i} -1"),
                _ => format!("ZMPOP 2 {k} {k2} {} COUNT 2", pick(&["MIN", "MAX"])),
            };
            if line.starts_with("ZADD") && line.contains("INCR") && line.contains("NX") {
                continue;
            }
            p.check(&line);
            for key in KEYS.iter().chain(&["lx"]) {
                p.check(&format!("OBJECT ENCODING {key}"));
            }
        }
        for key in ["z", "z2", "z3", "lx"] {
            p.check(&format!("ZRANGE {key} 0 -1 WITHSCORES"));
        }
    });
}
