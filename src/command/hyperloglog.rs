//! Commands of Redis's `hyperloglog` group: PFADD, PFCOUNT, PFMERGE,
//! PFDEBUG and PFSELFTEST.

use std::borrow::Cow;

use super::flags::{ADMIN, DENYOOM, FAST, READONLY, WRITE};
use super::spec;
use super::{ALL_KEYS, CommandSpec, Ctx, KeySpec, ONE_KEY, Reply, SECOND_KEY};
use crate::error::Result;
use crate::types::hll::{PfDebugOp, PfDebugReply};

pub(super) const COMMANDS: &[CommandSpec] = &[
    spec("pfadd", -2, WRITE | DENYOOM | FAST, ONE_KEY, pfadd),
    spec("pfcount", -2, READONLY, ALL_KEYS, pfcount),
    spec("pfmerge", -2, WRITE | DENYOOM, ALL_KEYS, pfmerge),
    spec("pfdebug", 3, WRITE | DENYOOM | ADMIN, SECOND_KEY, pfdebug),
    spec("pfselftest", 1, ADMIN, KeySpec::None, pfselftest),
];

fn pfadd(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    let changed = ctx.ks.pfadd(argv[1], &argv[2..])?;
    Ok(Reply::Integer(i64::from(changed)))
}

fn pfcount(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    // A valid count is below 2^63: the cache's top bit is the stale flag.
    Ok(Reply::Integer(ctx.ks.pfcount(&argv[1..])? as i64))
}

fn pfmerge(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    ctx.ks.pfmerge(argv[1], &argv[2..])?;
    Ok(Reply::OK)
}

fn pfdebug(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    let Some(op) = PfDebugOp::parse(argv[1]) else {
        // Redis looks the key up (and makes it raw) before reading the
        // subcommand, so those errors come first.
        ctx.ks.pfdebug_target(argv[2])?;
        return Ok(unknown_subcommand(argv[1]));
    };
    Ok(match ctx.ks.pfdebug(op, argv[2])? {
        PfDebugReply::Registers(regs) => Reply::Array(
            regs.into_iter()
                .map(|v| Reply::Integer(i64::from(v)))
                .collect(),
        ),
        PfDebugReply::Decoded(text) => Reply::Bulk(text),
        PfDebugReply::Encoding(enc) => Reply::status(enc.as_str()),
        PfDebugReply::Converted(done) => Reply::Integer(i64::from(done)),
    })
}

/// `ERR Unknown PFDEBUG subcommand '<name>'`: the name as a C string (up to
/// its first NUL), CR and LF turned into spaces as Redis does in errors.
fn unknown_subcommand(name: &[u8]) -> Reply {
    let end = name.iter().position(|&b| b == 0).unwrap_or(name.len());
    let mut text = b"ERR Unknown PFDEBUG subcommand '".to_vec();
    text.extend(name[..end].iter().map(|&b| match b {
        b'\r' | b'\n' => b' ',
        b => b,
    }));
    text.push(b'\'');
    Reply::Error(Cow::Owned(text))
}

fn pfselftest(ctx: &mut Ctx<'_>, _argv: &[&[u8]]) -> Result<Reply> {
    ctx.ks.pfselftest()?;
    Ok(Reply::OK)
}
