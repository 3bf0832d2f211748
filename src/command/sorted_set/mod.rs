//! Commands of Redis's `sorted_set` group: argument parsing with Redis's
//! exact error texts and order of checks, then the typed
//! [`Keyspace`](crate::Keyspace) methods of `types::zset`.
//!
//! Blocking forms (BZPOPMIN, BZPOPMAX, BZMPOP) never block: with no data
//! they reply as if their timeout had expired.

mod multi;
mod range;

use super::args::{self, is_kw};
use super::flags::{DENYOOM, FAST, READONLY, WRITE};
use super::spec;
use super::{ALL_BUT_LAST, CommandSpec, Ctx, KeySpec, ONE_KEY, Reply, TWO_KEYS};
use crate::error::{Error, Result};
use crate::types::zset::{LexBound, LexRange, ScoreRange, ZAddCompare, ZAddCondition, ZAddOptions};
use crate::util::float::{format_double, parse_double, parse_double_lenient};

const W: u32 = WRITE | DENYOOM;
const WF: u32 = WRITE | DENYOOM | FAST;
const R: u32 = READONLY;
const RF: u32 = READONLY | FAST;

pub(super) const COMMANDS: &[CommandSpec] = &[
    spec("zadd", -4, WF, ONE_KEY, zadd),
    spec("zincrby", 4, WF, ONE_KEY, zincrby),
    spec("zrem", -3, WRITE | FAST, ONE_KEY, zrem),
    spec("zcard", 2, RF, ONE_KEY, zcard),
    spec("zscore", 3, RF, ONE_KEY, zscore),
    spec("zmscore", -3, RF, ONE_KEY, zmscore),
    spec("zrank", 3, RF, ONE_KEY, zrank),
    spec("zrevrank", 3, RF, ONE_KEY, zrevrank),
    spec("zcount", 4, RF, ONE_KEY, zcount),
    spec("zlexcount", 4, RF, ONE_KEY, zlexcount),
    spec("zrange", -4, R, ONE_KEY, range::zrange),
    spec("zrangestore", -5, W, TWO_KEYS, range::zrangestore),
    spec("zrevrange", -4, R, ONE_KEY, range::zrevrange),
    spec("zrangebyscore", -4, R, ONE_KEY, range::zrangebyscore),
    spec("zrevrangebyscore", -4, R, ONE_KEY, range::zrevrangebyscore),
    spec("zrangebylex", -4, R, ONE_KEY, range::zrangebylex),
    spec("zrevrangebylex", -4, R, ONE_KEY, range::zrevrangebylex),
    spec("zremrangebyrank", 4, WRITE, ONE_KEY, range::zremrangebyrank),
    spec(
        "zremrangebyscore",
        4,
        WRITE,
        ONE_KEY,
        range::zremrangebyscore,
    ),
    spec("zremrangebylex", 4, WRITE, ONE_KEY, range::zremrangebylex),
    spec("zpopmin", -2, WRITE | FAST, ONE_KEY, multi::zpopmin),
    spec("zpopmax", -2, WRITE | FAST, ONE_KEY, multi::zpopmax),
    spec("bzpopmin", -3, WRITE | FAST, ALL_BUT_LAST, multi::bzpopmin),
    spec("bzpopmax", -3, WRITE | FAST, ALL_BUT_LAST, multi::bzpopmax),
    spec(
        "zmpop",
        -4,
        WRITE,
        KeySpec::Custom(multi::keys_at_1),
        multi::zmpop,
    ),
    spec(
        "bzmpop",
        -5,
        WRITE,
        KeySpec::Custom(multi::keys_at_2),
        multi::bzmpop,
    ),
    spec("zrandmember", -2, R, ONE_KEY, multi::zrandmember),
    spec(
        "zunion",
        -3,
        R,
        KeySpec::Custom(multi::keys_at_1),
        multi::zunion,
    ),
    spec(
        "zinter",
        -3,
        R,
        KeySpec::Custom(multi::keys_at_1),
        multi::zinter,
    ),
    spec(
        "zdiff",
        -3,
        R,
        KeySpec::Custom(multi::keys_at_1),
        multi::zdiff,
    ),
    spec(
        "zintercard",
        -3,
        R,
        KeySpec::Custom(multi::keys_at_1),
        multi::zintercard,
    ),
    spec(
        "zunionstore",
        -4,
        W,
        KeySpec::Custom(multi::dst_and_keys_at_2),
        multi::zunionstore,
    ),
    spec(
        "zinterstore",
        -4,
        W,
        KeySpec::Custom(multi::dst_and_keys_at_2),
        multi::zinterstore,
    ),
    spec(
        "zdiffstore",
        -4,
        W,
        KeySpec::Custom(multi::dst_and_keys_at_2),
        multi::zdiffstore,
    ),
    spec("zscan", -3, R, ONE_KEY, zscan),
];

/// A score as a bulk reply (`%.17g`, `inf`/`-inf`).
fn score_reply(s: f64) -> Reply {
    Reply::Bulk(format_double(s))
}

/// A flat `member [score]` array.
fn pairs_reply(items: Vec<(Vec<u8>, f64)>, withscores: bool) -> Reply {
    let mut out = Vec::with_capacity(items.len() * if withscores { 2 } else { 1 });
    for (m, s) in items {
        out.push(Reply::Bulk(m));
        if withscores {
            out.push(score_reply(s));
        }
    }
    Reply::Array(out)
}

/// A score argument (`ERR value is not a valid float`).
fn score_arg(arg: &[u8]) -> Result<f64> {
    parse_double(arg).ok_or(Error::NotFloat)
}

/// One end of a score range: `(` makes it exclusive; the rest is `strtod`.
fn score_bound(arg: &[u8]) -> Option<(f64, bool)> {
    match arg.first() {
        Some(b'(') => parse_double_lenient(&arg[1..]).map(|v| (v, true)),
        _ => parse_double_lenient(arg).map(|v| (v, false)),
    }
}

/// `min max` of a score range (`ERR min or max is not a float`).
fn score_range(min: &[u8], max: &[u8]) -> Result<ScoreRange> {
    let bad = || Error::other("ERR min or max is not a float");
    let (min, min_ex) = score_bound(min).ok_or_else(bad)?;
    let (max, max_ex) = score_bound(max).ok_or_else(bad)?;
    Ok(ScoreRange {
        min,
        max,
        min_ex,
        max_ex,
    })
}

/// One end of a lex range: `-`, `+`, `(member` or `[member`.
fn lex_bound(arg: &[u8]) -> Option<LexBound> {
    let alone = arg.len() == 1 || arg.get(1) == Some(&0);
    match arg.first()? {
        b'+' if alone => Some(LexBound::Max),
        b'-' if alone => Some(LexBound::Min),
        b'(' => Some(LexBound::Exclusive(arg[1..].to_vec())),
        b'[' => Some(LexBound::Inclusive(arg[1..].to_vec())),
        _ => None,
    }
}

/// `min max` of a lex range (`ERR min or max not valid string range item`).
fn lex_range(min: &[u8], max: &[u8]) -> Result<LexRange> {
    let bad = || Error::other("ERR min or max not valid string range item");
    Ok(LexRange {
        min: lex_bound(min).ok_or_else(bad)?,
        max: lex_bound(max).ok_or_else(bad)?,
    })
}

/// Parses ZADD's `[NX|XX] [GT|LT] [CH] [INCR]` flags (ZINCRBY presets
/// INCR) and runs it, checking in Redis's order.
fn zadd_generic(ctx: &mut Ctx<'_>, argv: &[&[u8]], mut incr: bool) -> Result<Reply> {
    let (mut nx, mut xx, mut gt, mut lt, mut ch) = (false, false, false, false, false);
    let mut i = 2;
    while let Some(&opt) = argv.get(i) {
        match () {
            () if is_kw(opt, "nx") => nx = true,
            () if is_kw(opt, "xx") => xx = true,
            () if is_kw(opt, "ch") => ch = true,
            () if is_kw(opt, "incr") => incr = true,
            () if is_kw(opt, "gt") => gt = true,
            () if is_kw(opt, "lt") => lt = true,
            () => break,
        }
        i += 1;
    }
    let rest = &argv[i..];
    if rest.is_empty() || !rest.len().is_multiple_of(2) {
        return Err(Error::Syntax);
    }
    if nx && xx {
        return Err(Error::other(
            "ERR XX and NX options at the same time are not compatible",
        ));
    }
    if (nx && (gt || lt)) || (gt && lt) {
        return Err(Error::other(
            "ERR GT, LT, and/or NX options at the same time are not compatible",
        ));
    }
    if incr && rest.len() > 2 {
        return Err(Error::other(
            "ERR INCR option supports a single increment-element pair",
        ));
    }
    let pairs = rest
        .chunks(2)
        .map(|p| Ok((score_arg(p[0])?, p[1])))
        .collect::<Result<Vec<(f64, &[u8])>>>()?;
    let opts = ZAddOptions {
        condition: (nx || xx).then_some(if nx {
            ZAddCondition::Nx
        } else {
            ZAddCondition::Xx
        }),
        compare: (gt || lt).then_some(if gt { ZAddCompare::Gt } else { ZAddCompare::Lt }),
        ch,
    };
    if incr {
        let (score, member) = pairs[0];
        let out = ctx.ks.zadd_incr(argv[1], score, member, &opts)?;
        return Ok(out.map_or(Reply::Nil, score_reply));
    }
    Ok(ctx.ks.zadd(argv[1], &pairs, &opts)?.into())
}

fn zadd(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    zadd_generic(ctx, argv, false)
}

fn zincrby(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    zadd_generic(ctx, argv, true)
}

fn zrem(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    Ok(ctx.ks.zrem(argv[1], &argv[2..])?.into())
}

fn zcard(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    Ok(ctx.ks.zcard(argv[1])?.into())
}

fn zscore(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    Ok(ctx
        .ks
        .zscore(argv[1], argv[2])?
        .map_or(Reply::Nil, score_reply))
}

fn zmscore(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    let scores = ctx.ks.zmscore(argv[1], &argv[2..])?;
    Ok(Reply::Array(
        scores
            .into_iter()
            .map(|s| s.map_or(Reply::Nil, score_reply))
            .collect(),
    ))
}

fn zrank(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    Ok(ctx
        .ks
        .zrank(argv[1], argv[2])?
        .map_or(Reply::Nil, Reply::from))
}

fn zrevrank(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    Ok(ctx
        .ks
        .zrevrank(argv[1], argv[2])?
        .map_or(Reply::Nil, Reply::from))
}

fn zcount(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    let range = score_range(argv[2], argv[3])?;
    Ok(ctx.ks.zcount(argv[1], &range)?.into())
}

fn zlexcount(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    let range = lex_range(argv[2], argv[3])?;
    Ok(ctx.ks.zlexcount(argv[1], &range)?.into())
}

/// ZSCAN: the cursor is checked first, then the key, then the options (so
/// a missing key answers an empty scan whatever the options say).
fn zscan(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    let cursor = super::generic::parse_cursor(argv[2])?;
    let empty = || Reply::Array(vec![Reply::bulk("0"), Reply::Array(Vec::new())]);
    if !ctx.ks.zset_present(argv[1])? {
        return Ok(empty());
    }
    let given = args::scan_args(argv, 3, false)?;
    let count = given.count.unwrap_or(10);
    let (next, items) = ctx.ks.zscan(argv[1], cursor, given.pattern, count)?;
    Ok(Reply::Array(vec![
        Reply::bulk(next.to_string()),
        Reply::bulks(items),
    ]))
}
