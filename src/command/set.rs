//! Commands of Redis's `set` group: SADD, SREM, SPOP, SRANDMEMBER, SMOVE,
//! the SINTER/SUNION/SDIFF families, SSCAN and the rest.
//!
//! Handlers parse argv with Redis's rules and error order, then call the
//! typed methods in [`crate::types::set`].

use super::args::{int, kw, scan_args};
use super::flags::{DENYOOM, FAST, READONLY, WRITE};
use super::spec;
use super::{ALL_KEYS, CommandSpec, Ctx, KeySpec, ONE_KEY, Reply, TWO_KEYS};
use crate::error::{Error, Result};
use crate::types::set::SetScanOptions;

pub(super) const COMMANDS: &[CommandSpec] = &[
    spec("sadd", -3, WRITE | DENYOOM | FAST, ONE_KEY, sadd),
    spec("srem", -3, WRITE | FAST, ONE_KEY, srem),
    spec("smembers", 2, READONLY, ONE_KEY, smembers),
    spec("sismember", 3, READONLY | FAST, ONE_KEY, sismember),
    spec("smismember", -3, READONLY | FAST, ONE_KEY, smismember),
    spec("scard", 2, READONLY | FAST, ONE_KEY, scard),
    spec("spop", -2, WRITE | FAST, ONE_KEY, spop),
    spec("srandmember", -2, READONLY, ONE_KEY, srandmember),
    spec("smove", 4, WRITE | FAST, TWO_KEYS, smove),
    spec("sinter", -2, READONLY, ALL_KEYS, sinter),
    spec(
        "sintercard",
        -3,
        READONLY,
        KeySpec::Custom(numkeys_keys),
        sintercard,
    ),
    spec(
        "sinterstore",
        -3,
        WRITE | DENYOOM,
        DEST_AND_KEYS,
        sinterstore,
    ),
    spec("sunion", -2, READONLY, ALL_KEYS, sunion),
    spec(
        "sunionstore",
        -3,
        WRITE | DENYOOM,
        DEST_AND_KEYS,
        sunionstore,
    ),
    spec("sdiff", -2, READONLY, ALL_KEYS, sdiff),
    spec("sdiffstore", -3, WRITE | DENYOOM, DEST_AND_KEYS, sdiffstore),
    spec("sscan", -3, READONLY, ONE_KEY, sscan),
];

const DEST_AND_KEYS: KeySpec = ALL_KEYS;

/// Keys of SINTERCARD: `numkeys` at 1, then that many keys (as Redis finds
/// them for the cluster slot check).
fn numkeys_keys(argv: &[&[u8]]) -> Vec<usize> {
    super::numkeys_keys(argv, 1, 2, None)
}

/// A non-negative integer argument, as Redis's
/// `getPositiveLongFromObjectOrReply`: one message for a non-integer and
/// for a negative value (`msg`, or Redis's default).
fn non_negative(arg: &[u8], msg: Option<&'static str>) -> Result<u64> {
    let msg = msg.unwrap_or("ERR value is out of range, must be positive");
    int(arg)
        .ok()
        .and_then(|v| u64::try_from(v).ok())
        .ok_or_else(|| Error::other(msg))
}

fn sadd(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    Ok(ctx.ks.sadd(argv[1], &argv[2..])?.into())
}

fn srem(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    Ok(ctx.ks.srem(argv[1], &argv[2..])?.into())
}

fn smembers(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    Ok(Reply::bulks(ctx.ks.smembers(argv[1])?))
}

fn sismember(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    Ok(ctx.ks.sismember(argv[1], argv[2])?.into())
}

fn smismember(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    let found = ctx.ks.smismember(argv[1], &argv[2..])?;
    Ok(Reply::Array(found.into_iter().map(Reply::from).collect()))
}

fn scard(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    Ok(ctx.ks.scard(argv[1])?.into())
}

fn spop(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    match argv.len() {
        2 => Ok(Reply::bulk_or_nil(ctx.ks.spop(argv[1])?)),
        3 => {
            let count = non_negative(argv[2], None)?;
            let count = usize::try_from(count).unwrap_or(usize::MAX);
            Ok(Reply::bulks(ctx.ks.spop_count(argv[1], count)?))
        }
        _ => Err(Error::Syntax),
    }
}

fn srandmember(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    match argv.len() {
        2 => Ok(Reply::bulk_or_nil(ctx.ks.srandmember(argv[1])?)),
        3 => {
            let count = int(argv[2])?;
            if count == i64::MIN {
                return Err(Error::other(
                    "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807",
                ));
            }
            Ok(Reply::bulks(ctx.ks.srandmember_count(argv[1], count)?))
        }
        _ => Err(Error::Syntax),
    }
}

fn smove(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    Ok(ctx.ks.smove(argv[1], argv[2], argv[3])?.into())
}

fn sinter(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    Ok(Reply::bulks(ctx.ks.sinter(&argv[1..])?))
}

fn sintercard(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    const NUMKEYS: &str = "ERR numkeys should be greater than 0";
    let numkeys = int(argv[1]).map_err(|_| Error::other(NUMKEYS))?;
    if numkeys < 1 {
        return Err(Error::other(NUMKEYS));
    }
    let numkeys = usize::try_from(numkeys).unwrap_or(usize::MAX);
    if numkeys > argv.len() - 2 {
        return Err(Error::other(
            "ERR Number of keys can't be greater than number of args",
        ));
    }
    let mut limit = 0;
    let mut i = 2 + numkeys;
    while i < argv.len() {
        if kw(argv[i], "limit") && i + 1 < argv.len() {
            limit = non_negative(argv[i + 1], Some("ERR LIMIT can't be negative"))?;
            i += 2;
        } else {
            return Err(Error::Syntax);
        }
    }
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    Ok(ctx.ks.sintercard(&argv[2..2 + numkeys], limit)?.into())
}

fn sinterstore(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    Ok(ctx.ks.sinterstore(argv[1], &argv[2..])?.into())
}

fn sunion(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    Ok(Reply::bulks(ctx.ks.sunion(&argv[1..])?))
}

fn sunionstore(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    Ok(ctx.ks.sunionstore(argv[1], &argv[2..])?.into())
}

fn sdiff(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    Ok(Reply::bulks(ctx.ks.sdiff(&argv[1..])?))
}

fn sdiffstore(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    Ok(ctx.ks.sdiffstore(argv[1], &argv[2..])?.into())
}

/// SSCAN's options after the cursor (`TYPE` is not one of them).
fn scan_options(argv: &[&[u8]]) -> Result<SetScanOptions> {
    let mut opts = SetScanOptions::default();
    let given = scan_args(argv, 3, false)?;
    opts.count = given.count.unwrap_or(opts.count);
    opts.pattern = given.pattern.map(<[u8]>::to_vec);
    Ok(opts)
}

fn sscan(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    let cursor = super::generic::parse_cursor(argv[2])?;
    let opts = scan_options(argv);
    let (next, members) = ctx.ks.sscan_parsed(argv[1], cursor, opts)?;
    Ok(Reply::Array(vec![
        Reply::bulk(next.to_string()),
        Reply::bulks(members),
    ]))
}
