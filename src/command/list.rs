//! Commands of Redis's `list` group.
//!
//! Handlers parse argv in Redis's order (some commands parse their numbers
//! before looking the key up, others after), then call the typed methods in
//! [`crate::types::list`].
//!
//! The blocking commands never block: with data they behave like their
//! non-blocking forms, and without data they reply as Redis does when the
//! timeout expires (a nil array). Their timeout is still parsed and
//! validated with Redis's errors.

use super::args::{Args, int, is_kw};
use super::flags::{DENYOOM, FAST, READONLY, WRITE};
use super::keyed as spec;
use super::{ALL_BUT_LAST, CommandSpec, Ctx, KeySpec, Reply, TWO_KEYS};
use crate::error::{Error, Result};
use crate::types::list::{End, LposOptions};
use crate::util::float::LongDouble;

pub(super) const COMMANDS: &[CommandSpec] = &[
    spec("lpush", -3, WRITE | DENYOOM | FAST, lpush),
    spec("rpush", -3, WRITE | DENYOOM | FAST, rpush),
    spec("lpushx", -3, WRITE | DENYOOM | FAST, lpushx),
    spec("rpushx", -3, WRITE | DENYOOM | FAST, rpushx),
    spec("lpop", -2, WRITE | FAST, lpop),
    spec("rpop", -2, WRITE | FAST, rpop),
    spec("llen", 2, READONLY | FAST, llen),
    spec("lindex", 3, READONLY, lindex),
    spec("lset", 4, WRITE | DENYOOM, lset),
    spec("lrange", 4, READONLY, lrange),
    spec("ltrim", 4, WRITE, ltrim),
    spec("lrem", 4, WRITE, lrem),
    spec("linsert", 5, WRITE | DENYOOM, linsert),
    spec("lpos", -3, READONLY, lpos),
    super::spec("lmove", 5, WRITE | DENYOOM, TWO_KEYS, lmove),
    super::spec("rpoplpush", 3, WRITE | DENYOOM, TWO_KEYS, rpoplpush),
    super::spec("lmpop", -4, WRITE, KeySpec::Custom(lmpop_keys), lmpop),
    super::spec("blpop", -3, WRITE, ALL_BUT_LAST, blpop),
    super::spec("brpop", -3, WRITE, ALL_BUT_LAST, brpop),
    super::spec("blmove", 6, WRITE | DENYOOM, TWO_KEYS, blmove),
    super::spec("brpoplpush", 4, WRITE | DENYOOM, TWO_KEYS, brpoplpush),
    super::spec("blmpop", -5, WRITE, KeySpec::Custom(blmpop_keys), blmpop),
];

fn lmpop_keys(argv: &[&[u8]]) -> Vec<usize> {
    super::numkeys_keys(argv, 1, 2, None)
}

fn blmpop_keys(argv: &[&[u8]]) -> Vec<usize> {
    super::numkeys_keys(argv, 2, 3, None)
}

fn len_reply(n: usize) -> Reply {
    Reply::Integer(i64::try_from(n).unwrap_or(i64::MAX))
}

fn lpush(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    Ok(len_reply(ctx.ks.lpush(argv[1], &argv[2..])?))
}

fn rpush(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    Ok(len_reply(ctx.ks.rpush(argv[1], &argv[2..])?))
}

fn lpushx(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    Ok(len_reply(ctx.ks.lpushx(argv[1], &argv[2..])?))
}

fn rpushx(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    Ok(len_reply(ctx.ks.rpushx(argv[1], &argv[2..])?))
}

/// Parses a non-negative count; any failure (not an integer, or negative)
/// replies `msg`, as Redis's `getPositiveLongFromObjectOrReply`.
fn positive(arg: &[u8], msg: &'static str) -> Result<usize> {
    match int(arg) {
        Ok(v) if v >= 0 => Ok(usize::try_from(v).unwrap_or(usize::MAX)),
        _ => Err(Error::other(msg)),
    }
}

const MUST_BE_POSITIVE: &str = "ERR value is out of range, must be positive";

/// Parses an integer of at least 1 for LMPOP's numkeys and COUNT.
fn at_least_one(arg: &[u8], msg: &'static str) -> Result<usize> {
    match int(arg) {
        Ok(v) if v >= 1 => Ok(usize::try_from(v).unwrap_or(usize::MAX)),
        _ => Err(Error::other(msg)),
    }
}

fn pop(ctx: &mut Ctx<'_>, argv: &[&[u8]], end: End) -> Result<Reply> {
    if argv.len() > 3 {
        return Err(Error::WrongArity(
            String::from_utf8_lossy(argv[0]).to_ascii_lowercase(),
        ));
    }
    let count = match argv.get(2) {
        Some(arg) => Some(positive(arg, MUST_BE_POSITIVE)?),
        None => None,
    };
    let popped = match end {
        End::Left => ctx.ks.lpop(argv[1], count)?,
        End::Right => ctx.ks.rpop(argv[1], count)?,
    };
    Ok(match (popped, count) {
        (None, None) => Reply::Nil,
        (None, Some(_)) => Reply::NilArray,
        (Some(mut one), None) => Reply::Bulk(one.pop().expect("one element")),
        (Some(many), Some(_)) => Reply::bulks(many),
    })
}

fn lpop(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    pop(ctx, argv, End::Left)
}

fn rpop(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    pop(ctx, argv, End::Right)
}

fn llen(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    Ok(len_reply(ctx.ks.llen(argv[1])?))
}

fn lindex(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    let Ok(index) = int(argv[2]) else {
        // Redis looks the key up before parsing the index.
        return if ctx.ks.list_probe(argv[1], false)? {
            Err(Error::NotInteger)
        } else {
            Ok(Reply::Nil)
        };
    };
    Ok(Reply::bulk_or_nil(ctx.ks.lindex(argv[1], index)?))
}

fn lset(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    let Ok(index) = int(argv[2]) else {
        return if ctx.ks.list_probe(argv[1], true)? {
            Err(Error::NotInteger)
        } else {
            Err(Error::NoSuchKey)
        };
    };
    ctx.ks.lset(argv[1], index, argv[3])?;
    Ok(Reply::OK)
}

fn lrange(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    let (start, stop) = (int(argv[2])?, int(argv[3])?);
    Ok(Reply::bulks(ctx.ks.lrange(argv[1], start, stop)?))
}

fn ltrim(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    let (start, stop) = (int(argv[2])?, int(argv[3])?);
    ctx.ks.ltrim(argv[1], start, stop)?;
    Ok(Reply::OK)
}

fn lrem(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    let count = int(argv[2])?;
    Ok(len_reply(ctx.ks.lrem(argv[1], count, argv[3])?))
}

fn linsert(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    let after = if is_kw(argv[2], "after") {
        true
    } else if is_kw(argv[2], "before") {
        false
    } else {
        return Err(Error::Syntax);
    };
    Ok(Reply::Integer(
        ctx.ks.linsert(argv[1], after, argv[3], argv[4])?,
    ))
}

const RANK_ZERO: &str = "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list";

/// LPOS options; `count` None when COUNT was not given.
fn parse_lpos(argv: &[&[u8]]) -> Result<(LposOptions, Option<usize>)> {
    let mut opts = LposOptions::default();
    let mut count = None;
    let mut args = Args::new(argv, 3);
    while let Some(opt) = args.next() {
        let more = !args.is_empty();
        if is_kw(opt, "rank") && more {
            opts.rank = args.int_value()?;
            if opts.rank == 0 {
                return Err(Error::other(RANK_ZERO));
            }
        } else if is_kw(opt, "count") && more {
            count = Some(positive(args.value()?, "ERR COUNT can't be negative")?);
        } else if is_kw(opt, "maxlen") && more {
            opts.maxlen = positive(args.value()?, "ERR MAXLEN can't be negative")?;
        } else {
            return Err(Error::Syntax);
        }
    }
    opts.count = count.unwrap_or(1);
    Ok((opts, count))
}

fn lpos(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    let (opts, count) = parse_lpos(argv)?;
    let found = ctx.ks.lpos(argv[1], argv[2], opts)?;
    let index = |i: usize| Reply::Integer(i64::try_from(i).unwrap_or(i64::MAX));
    Ok(match count {
        Some(_) => Reply::Array(found.into_iter().map(index).collect()),
        None => found.first().map_or(Reply::Nil, |&i| index(i)),
    })
}

/// LEFT or RIGHT (syntax error otherwise).
fn end_arg(arg: &[u8]) -> Result<End> {
    if is_kw(arg, "left") {
        Ok(End::Left)
    } else if is_kw(arg, "right") {
        Ok(End::Right)
    } else {
        Err(Error::Syntax)
    }
}

fn lmove(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    let (from, to) = (end_arg(argv[3])?, end_arg(argv[4])?);
    Ok(Reply::bulk_or_nil(
        ctx.ks.lmove(argv[1], argv[2], from, to)?,
    ))
}

fn rpoplpush(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    Ok(Reply::bulk_or_nil(ctx.ks.rpoplpush(argv[1], argv[2])?))
}

/// `[key, [elements...]]`, or a nil array when nothing was popped.
fn keyed_reply(popped: Option<(Vec<u8>, Vec<Vec<u8>>)>) -> Reply {
    match popped {
        None => Reply::NilArray,
        Some((key, elems)) => Reply::Array(vec![Reply::Bulk(key), Reply::bulks(elems)]),
    }
}

/// Parses `numkeys key... LEFT|RIGHT [COUNT n]` starting at `at`.
fn parse_mpop<'b>(argv: &[&'b [u8]], at: usize) -> Result<(Vec<&'b [u8]>, End, usize)> {
    let numkeys = at_least_one(argv[at], "ERR numkeys should be greater than 0")?;
    let where_at = at.saturating_add(numkeys).saturating_add(1);
    let Some(where_arg) = argv.get(where_at) else {
        return Err(Error::Syntax);
    };
    let end = end_arg(where_arg)?;
    let mut count = None;
    let mut args = Args::new(argv, where_at + 1);
    while let Some(opt) = args.next() {
        if count.is_none() && is_kw(opt, "count") && !args.is_empty() {
            count = Some(at_least_one(
                args.value()?,
                "ERR count should be greater than 0",
            )?);
        } else {
            return Err(Error::Syntax);
        }
    }
    Ok((argv[at + 1..where_at].to_vec(), end, count.unwrap_or(1)))
}

fn lmpop(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    let (keys, end, count) = parse_mpop(argv, 1)?;
    Ok(keyed_reply(ctx.ks.lmpop(&keys, end, count)?))
}

/// Validates a blocking timeout in seconds as Redis does.
fn check_timeout(arg: &[u8]) -> Result<()> {
    if LongDouble::parse(arg).is_none() {
        return Err(Error::other("ERR timeout is not a float or out of range"));
    }
    // Redis converts seconds to whole milliseconds, rounding up; values
    // beyond the i64 range convert to the minimum, hence negative too.
    let secs = std::str::from_utf8(arg)
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
        .unwrap_or(0.0);
    let ms = (secs * 1000.0).ceil();
    if ms < 0.0 || ms.is_nan() || ms >= 9.223_372_036_854_776e18 {
        return Err(Error::other("ERR timeout is negative"));
    }
    Ok(())
}

fn bpop(ctx: &mut Ctx<'_>, argv: &[&[u8]], end: End) -> Result<Reply> {
    check_timeout(argv[argv.len() - 1])?;
    let keys = &argv[1..argv.len() - 1];
    let popped = ctx.ks.lmpop(keys, end, 1)?;
    Ok(match popped {
        None => Reply::NilArray,
        Some((key, mut elems)) => Reply::Array(vec![
            Reply::Bulk(key),
            Reply::Bulk(elems.pop().expect("one element")),
        ]),
    })
}

fn blpop(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    bpop(ctx, argv, End::Left)
}

fn brpop(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    bpop(ctx, argv, End::Right)
}

fn bmove(ctx: &mut Ctx<'_>, argv: &[&[u8]], from: End, to: End) -> Result<Reply> {
    Ok(match ctx.ks.lmove(argv[1], argv[2], from, to)? {
        Some(v) => Reply::Bulk(v),
        // Inside EXEC Redis answers at once, as a plain nil, where a
        // timed-out block would get a nil array.
        None if ctx.session.in_exec => Reply::Nil,
        None => Reply::NilArray,
    })
}

fn blmove(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    let (from, to) = (end_arg(argv[3])?, end_arg(argv[4])?);
    check_timeout(argv[5])?;
    bmove(ctx, argv, from, to)
}

fn brpoplpush(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    check_timeout(argv[3])?;
    bmove(ctx, argv, End::Right, End::Left)
}

fn blmpop(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    let (keys, end, count) = parse_mpop(argv, 2)?;
    check_timeout(argv[1])?;
    Ok(keyed_reply(ctx.ks.lmpop(&keys, end, count)?))
}
