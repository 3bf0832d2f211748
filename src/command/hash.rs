//! Commands of Redis's `hash` group: HSET, HGET, HDEL, HINCRBY*,
//! HRANDFIELD, HSCAN and the rest.
//!
//! Handlers parse argv with Redis's rules and error order, then call the
//! typed methods in [`crate::types::hash`]. Option keywords compare as C
//! strings (up to the first NUL byte), as Redis's `strcasecmp` does.

use super::args::{int, kw, scan_args};
use super::flags::{DENYOOM, FAST, READONLY, WRITE};
use super::keyed as spec;
use super::{CommandSpec, Ctx, Reply};
use crate::error::{Error, Result};
use crate::types::hash::HashScanOptions;
use crate::value::ValueType;

pub(super) const COMMANDS: &[CommandSpec] = &[
    spec("hset", -4, WRITE | DENYOOM | FAST, hset),
    spec("hmset", -4, WRITE | DENYOOM | FAST, hmset),
    spec("hsetnx", 4, WRITE | DENYOOM | FAST, hsetnx),
    spec("hget", 3, READONLY | FAST, hget),
    spec("hmget", -3, READONLY | FAST, hmget),
    spec("hdel", -3, WRITE | FAST, hdel),
    spec("hlen", 2, READONLY | FAST, hlen),
    spec("hstrlen", 3, READONLY | FAST, hstrlen),
    spec("hexists", 3, READONLY | FAST, hexists),
    spec("hkeys", 2, READONLY, hkeys),
    spec("hvals", 2, READONLY, hvals),
    spec("hgetall", 2, READONLY, hgetall),
    spec("hincrby", 4, WRITE | DENYOOM | FAST, hincrby),
    spec("hincrbyfloat", 4, WRITE | DENYOOM | FAST, hincrbyfloat),
    spec("hrandfield", -2, READONLY, hrandfield),
    spec("hscan", -3, READONLY, hscan),
];

/// The (field, value) pairs of HSET/HMSET, after Redis's odd-count check.
fn pairs<'a>(argv: &[&'a [u8]], name: &str) -> Result<Vec<(&'a [u8], &'a [u8])>> {
    if argv.len() % 2 == 1 {
        return Err(Error::WrongArity(name.to_owned()));
    }
    Ok(argv[2..].chunks_exact(2).map(|p| (p[0], p[1])).collect())
}

fn hset(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    let pairs = pairs(argv, "hset")?;
    Ok(ctx.ks.hset(argv[1], &pairs)?.into())
}

fn hmset(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    let pairs = pairs(argv, "hmset")?;
    ctx.ks.hmset(argv[1], &pairs)?;
    Ok(Reply::OK)
}

fn hsetnx(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    Ok(ctx.ks.hsetnx(argv[1], argv[2], argv[3])?.into())
}

fn hget(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    Ok(Reply::bulk_or_nil(ctx.ks.hget(argv[1], argv[2])?))
}

fn hmget(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    let values = ctx.ks.hmget(argv[1], &argv[2..])?;
    Ok(Reply::Array(
        values.into_iter().map(Reply::bulk_or_nil).collect(),
    ))
}

fn hdel(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    Ok(ctx.ks.hdel(argv[1], &argv[2..])?.into())
}

fn hlen(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    Ok(ctx.ks.hlen(argv[1])?.into())
}

fn hstrlen(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    Ok(ctx.ks.hstrlen(argv[1], argv[2])?.into())
}

fn hexists(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    Ok(ctx.ks.hexists(argv[1], argv[2])?.into())
}

fn hkeys(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    Ok(Reply::bulks(ctx.ks.hkeys(argv[1])?))
}

fn hvals(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    Ok(Reply::bulks(ctx.ks.hvals(argv[1])?))
}

fn flat(pairs: Vec<(Vec<u8>, Vec<u8>)>) -> Reply {
    Reply::bulks(pairs.into_iter().flat_map(|(f, v)| [f, v]))
}

fn hgetall(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    Ok(flat(ctx.ks.hgetall(argv[1])?))
}

fn hincrby(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    let incr = int(argv[3])?;
    Ok(ctx.ks.hincrby(argv[1], argv[2], incr)?.into())
}

fn hincrbyfloat(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    Ok(Reply::bulk(ctx.ks.hincrbyfloat(argv[1], argv[2], argv[3])?))
}

fn hrandfield(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    if argv.len() == 2 {
        return Ok(Reply::bulk_or_nil(ctx.ks.hrandfield(argv[1])?));
    }
    let count = int(argv[2])?;
    if count == i64::MIN {
        return Err(Error::other(
            "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807",
        ));
    }
    let withvalues = match argv.len() {
        3 => false,
        4 if kw(argv[3], "withvalues") => true,
        _ => return Err(Error::Syntax),
    };
    if !withvalues {
        return Ok(Reply::bulks(ctx.ks.hrandfield_count(argv[1], count)?));
    }
    if count.unsigned_abs() > (i64::MAX / 2) as u64 {
        return Err(Error::other("ERR value is out of range"));
    }
    Ok(flat(ctx.ks.hrandfield_withvalues(argv[1], count)?))
}

fn hscan(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    let cursor = super::generic::parse_cursor(argv[2])?;
    // Redis looks the key up before reading the options: a missing key
    // replies an empty scan whatever follows, a wrong type WRONGTYPE.
    match ctx.ks.lookup_quiet(argv[1]).map(|e| e.value.value_type()) {
        None => return Ok(scan_reply(0, Vec::new())),
        Some(ValueType::Hash) => {}
        Some(_) => return Err(Error::WrongType),
    }
    let mut opts = HashScanOptions::default();
    let given = scan_args(argv, 3, false)?;
    opts.count = given.count.unwrap_or(opts.count);
    opts.pattern = given.pattern.map(<[u8]>::to_vec);
    let (next, pairs) = ctx.ks.hscan(argv[1], cursor, &opts)?;
    Ok(scan_reply(next, pairs))
}

fn scan_reply(cursor: u64, pairs: Vec<(Vec<u8>, Vec<u8>)>) -> Reply {
    Reply::Array(vec![Reply::bulk(cursor.to_string()), flat(pairs)])
}
