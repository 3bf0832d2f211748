//! Pops (ZPOPMIN/MAX, ZMPOP and the blocking forms), ZRANDMEMBER and the
//! multi-key set operations with their `numkeys` arguments.

use super::super::args::{self, is_kw};
use super::super::{Ctx, Reply};
use super::{pairs_reply, score_reply};
use crate::error::{Error, Result};
use crate::types::zset::{Aggregate, SetOpOptions};
use crate::util::float::{LongDouble, parse_double, parse_double_lenient};

pub(super) fn keys_at_1(argv: &[&[u8]]) -> Vec<usize> {
    super::super::numkeys_keys(argv, 1, 2, None)
}

pub(super) fn keys_at_2(argv: &[&[u8]]) -> Vec<usize> {
    super::super::numkeys_keys(argv, 2, 3, None)
}

pub(super) fn dst_and_keys_at_2(argv: &[&[u8]]) -> Vec<usize> {
    super::super::numkeys_keys(argv, 2, 3, Some(1))
}

/// A long in `min..=max`, with `msg` (or Redis's default range text) for
/// both a non-integer and an out-of-range value when given.
fn range_long(arg: &[u8], min: i64, max: i64, msg: Option<&'static str>) -> Result<i64> {
    let v = match (args::int(arg), msg) {
        (Ok(v), _) => v,
        (Err(_), Some(m)) => return Err(Error::other(m)),
        (Err(e), None) => return Err(e),
    };
    if (min..=max).contains(&v) {
        return Ok(v);
    }
    Err(match msg {
        Some(m) => Error::other(m),
        None => Error::other(format!(
            "ERR value is out of range, value must between {min} and {max}"
        )),
    })
}

fn pop(ctx: &mut Ctx<'_>, argv: &[&[u8]], max: bool) -> Result<Reply> {
    if argv.len() > 3 {
        return Err(Error::Syntax);
    }
    let count = match argv.get(2) {
        Some(a) => range_long(
            a,
            0,
            i64::MAX,
            Some("ERR value is out of range, must be positive"),
        )?,
        None => 1,
    };
    let items = ctx.ks.zmpop(&[argv[1]], max, count as usize)?;
    Ok(pairs_reply(items.map_or_else(Vec::new, |(_, v)| v), true))
}

pub(super) fn zpopmin(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    pop(ctx, argv, false)
}

pub(super) fn zpopmax(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    pop(ctx, argv, true)
}

/// Checks a blocking timeout in seconds as Redis does: a long double, then
/// milliseconds rounded up must not be negative (an out-of-range product
/// converts to a negative number on x86).
fn check_timeout(arg: &[u8]) -> Result<()> {
    if LongDouble::parse(arg).is_none() {
        return Err(Error::other("ERR timeout is not a float or out of range"));
    }
    let ms = (parse_double_lenient(arg).unwrap_or(0.0) * 1000.0).ceil();
    if !(ms > -1.0 && ms < 9.223_372_036_854_775e18) {
        return Err(Error::other("ERR timeout is negative"));
    }
    Ok(())
}

fn bpop(ctx: &mut Ctx<'_>, argv: &[&[u8]], max: bool) -> Result<Reply> {
    check_timeout(argv[argv.len() - 1])?;
    let keys = &argv[1..argv.len() - 1];
    Ok(match ctx.ks.zmpop(keys, max, 1)? {
        Some((key, mut items)) if !items.is_empty() => {
            let (m, s) = items.remove(0);
            Reply::Array(vec![Reply::Bulk(key), Reply::Bulk(m), score_reply(s)])
        }
        _ => Reply::NilArray,
    })
}

pub(super) fn bzpopmin(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    bpop(ctx, argv, false)
}

pub(super) fn bzpopmax(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    bpop(ctx, argv, true)
}

/// ZMPOP / BZMPOP: `numkeys key... MIN|MAX [COUNT count]` starting at `at`.
fn mpop(ctx: &mut Ctx<'_>, argv: &[&[u8]], at: usize, timeout: Option<&[u8]>) -> Result<Reply> {
    let numkeys = range_long(
        argv[at],
        1,
        i64::MAX,
        Some("ERR numkeys should be greater than 0"),
    )?;
    let where_idx = usize::try_from(numkeys)
        .ok()
        .and_then(|n| n.checked_add(at + 1))
        .filter(|&w| w < argv.len())
        .ok_or(Error::Syntax)?;
    let max = match argv[where_idx] {
        w if is_kw(w, "min") => false,
        w if is_kw(w, "max") => true,
        _ => return Err(Error::Syntax),
    };
    let mut count = None;
    let mut j = where_idx + 1;
    while j < argv.len() {
        if count.is_none() && is_kw(argv[j], "count") && j + 1 < argv.len() {
            j += 1;
            count = Some(range_long(
                argv[j],
                1,
                i64::MAX,
                Some("ERR count should be greater than 0"),
            )?);
        } else {
            return Err(Error::Syntax);
        }
        j += 1;
    }
    if let Some(t) = timeout {
        check_timeout(t)?;
    }
    let keys = &argv[at + 1..where_idx];
    let count = usize::try_from(count.unwrap_or(1)).unwrap_or(usize::MAX);
    Ok(match ctx.ks.zmpop(keys, max, count)? {
        Some((key, items)) if !items.is_empty() => {
            let pairs = items
                .into_iter()
                .map(|(m, s)| Reply::Array(vec![Reply::Bulk(m), score_reply(s)]))
                .collect();
            Reply::Array(vec![Reply::Bulk(key), Reply::Array(pairs)])
        }
        _ => Reply::NilArray,
    })
}

pub(super) fn zmpop(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    mpop(ctx, argv, 1, None)
}

pub(super) fn bzmpop(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    mpop(ctx, argv, 2, Some(argv[1]))
}

pub(super) fn zrandmember(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    if argv.len() < 3 {
        return Ok(Reply::bulk_or_nil(ctx.ks.zrandmember(argv[1])?));
    }
    let count = range_long(argv[2], -i64::MAX, i64::MAX, None)?;
    let withscores = match argv.len() {
        3 => false,
        4 if is_kw(argv[3], "withscores") => true,
        _ => return Err(Error::Syntax),
    };
    if withscores && !(-i64::MAX / 2..=i64::MAX / 2).contains(&count) {
        return Err(Error::other("ERR value is out of range"));
    }
    let items = ctx.ks.zrandmember_count(argv[1], count)?;
    Ok(pairs_reply(items, withscores))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Union,
    Inter,
    Diff,
    Card,
}

/// The set operations: `[dst] numkeys key... [WEIGHTS w...] [AGGREGATE a]
/// [WITHSCORES] [LIMIT n]`, parsed in Redis's order (numkeys, key types,
/// then options).
fn setop(ctx: &mut Ctx<'_>, argv: &[&[u8]], op: Op, store: bool) -> Result<Reply> {
    let at = if store { 2 } else { 1 };
    let numkeys = args::int(argv[at])?;
    if numkeys < 1 {
        let name = String::from_utf8_lossy(argv[0]).to_ascii_lowercase();
        return Err(Error::other(format!(
            "ERR at least 1 input key is needed for '{name}' command"
        )));
    }
    let n = usize::try_from(numkeys).unwrap_or(usize::MAX);
    if n > argv.len() - (at + 1) {
        return Err(Error::Syntax);
    }
    let keys = &argv[at + 1..at + 1 + n];
    ctx.ks.zset_sources(keys)?;
    let mut opts = SetOpOptions::default();
    let (mut withscores, mut limit) = (false, 0usize);
    let mut j = at + 1 + n;
    let plain = op != Op::Diff && op != Op::Card;
    while j < argv.len() {
        let remaining = argv.len() - j;
        let a = argv[j];
        if plain && remaining > n && is_kw(a, "weights") {
            opts.weights = argv[j + 1..=j + n]
                .iter()
                .map(|w| {
                    parse_double(w).ok_or_else(|| Error::other("ERR weight value is not a float"))
                })
                .collect::<Result<_>>()?;
            j += n + 1;
        } else if plain && remaining >= 2 && is_kw(a, "aggregate") {
            opts.aggregate = match argv[j + 1] {
                x if is_kw(x, "sum") => Aggregate::Sum,
                x if is_kw(x, "min") => Aggregate::Min,
                x if is_kw(x, "max") => Aggregate::Max,
                _ => return Err(Error::Syntax),
            };
            j += 2;
        } else if !store && op != Op::Card && is_kw(a, "withscores") {
            withscores = true;
            j += 1;
        } else if op == Op::Card && remaining >= 2 && is_kw(a, "limit") {
            let l = range_long(
                argv[j + 1],
                0,
                i64::MAX,
                Some("ERR LIMIT can't be negative"),
            )?;
            limit = usize::try_from(l).unwrap_or(usize::MAX);
            j += 2;
        } else {
            return Err(Error::Syntax);
        }
    }
    // The sources were looked up (and counted) above.
    ctx.ks.uncounted(|ks| {
        if store {
            let dst = argv[1];
            let n = match op {
                Op::Union => ks.zunionstore(dst, keys, &opts)?,
                Op::Inter => ks.zinterstore(dst, keys, &opts)?,
                _ => ks.zdiffstore(dst, keys)?,
            };
            return Ok(n.into());
        }
        let items = match op {
            Op::Union => ks.zunion(keys, &opts)?,
            Op::Inter => ks.zinter(keys, &opts)?,
            Op::Diff => ks.zdiff(keys)?,
            Op::Card => return Ok(ks.zintercard(keys, limit)?.into()),
        };
        Ok(pairs_reply(items, withscores))
    })
}

pub(super) fn zunion(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    setop(ctx, argv, Op::Union, false)
}

pub(super) fn zinter(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    setop(ctx, argv, Op::Inter, false)
}

pub(super) fn zdiff(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    setop(ctx, argv, Op::Diff, false)
}

pub(super) fn zintercard(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    setop(ctx, argv, Op::Card, false)
}

pub(super) fn zunionstore(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    setop(ctx, argv, Op::Union, true)
}

pub(super) fn zinterstore(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    setop(ctx, argv, Op::Inter, true)
}

pub(super) fn zdiffstore(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    setop(ctx, argv, Op::Diff, true)
}
