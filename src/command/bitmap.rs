//! Commands of Redis's `bitmap` group: SETBIT, GETBIT, BITCOUNT, BITPOS,
//! BITOP, BITFIELD, BITFIELD_RO.
//!
//! Keywords are compared as Redis's `strcasecmp` does, on the argument read
//! as a C string (bytes after a NUL are ignored).

use super::args::{int, kw};
use super::flags::{DENYOOM, FAST, READONLY, WRITE};
use super::spec;
use super::{CommandSpec, Ctx, KeySpec, ONE_KEY, Reply};
use crate::error::{Error, Result};
use crate::types::bitmap::{
    BIT_VALUE_ERR, BitOp, BitUnit, BitfieldOp, BitfieldOverflow, BitfieldType, BitposRange,
    parse_offset,
};

pub(super) const COMMANDS: &[CommandSpec] = &[
    spec("setbit", 4, WRITE | DENYOOM, ONE_KEY, setbit),
    spec("getbit", 3, READONLY | FAST, ONE_KEY, getbit),
    spec("bitcount", -2, READONLY, ONE_KEY, bitcount),
    spec("bitpos", -3, READONLY, ONE_KEY, bitpos),
    spec("bitop", -4, WRITE | DENYOOM, BITOP_KEYS, bitop),
    spec("bitfield", -2, WRITE | DENYOOM, ONE_KEY, bitfield),
    spec("bitfield_ro", -2, READONLY | FAST, ONE_KEY, bitfield_ro),
];

/// BITOP: the destination and every source.
const BITOP_KEYS: KeySpec = KeySpec::Range {
    first: 2,
    last: -1,
    step: 1,
};

fn setbit(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    let offset = parse_offset(argv[2], None, ctx.ks.config().proto_max_bulk_len)?;
    let bit = int(argv[3]).map_err(|_| Error::other(BIT_VALUE_ERR))?;
    let bit = u8::try_from(bit).unwrap_or(u8::MAX);
    Ok(Reply::Integer(ctx.ks.setbit(argv[1], offset, bit)?.into()))
}

fn getbit(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    let offset = parse_offset(argv[2], None, ctx.ks.config().proto_max_bulk_len)?;
    Ok(Reply::Integer(ctx.ks.getbit(argv[1], offset)?.into()))
}

/// `BYTE` or `BIT`, else a syntax error.
fn unit(arg: &[u8]) -> Result<BitUnit> {
    if kw(arg, "bit") {
        Ok(BitUnit::Bit)
    } else if kw(arg, "byte") {
        Ok(BitUnit::Byte)
    } else {
        Err(Error::Syntax)
    }
}

/// BITCOUNT's `[start end [BYTE|BIT]]`, in Redis's order: both indexes,
/// then the both-negative shortcut (which skips the unit word), then the unit.
fn bitcount_range(argv: &[&[u8]]) -> Result<Option<(i64, i64, BitUnit)>> {
    match argv.len() {
        2 => return Ok(None),
        4 | 5 => {}
        _ => return Err(Error::Syntax),
    }
    let (start, end) = (int(argv[2])?, int(argv[3])?);
    if start < 0 && end < 0 && start > end {
        return Ok(Some((start, end, BitUnit::Byte)));
    }
    let unit = argv.get(4).map_or(Ok(BitUnit::Byte), |a| unit(a))?;
    Ok(Some((start, end, unit)))
}

fn bitcount(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    let n = ctx.ks.bitcount_with(argv[1], || bitcount_range(argv))?;
    Ok(Reply::Integer(n as i64))
}

/// BITPOS's `[start [end [BYTE|BIT]]]`, in Redis's order: start, the unit
/// word, then end.
fn bitpos_range(argv: &[&[u8]]) -> Result<Option<BitposRange>> {
    if argv.len() == 3 {
        return Ok(None);
    }
    if argv.len() > 6 {
        return Err(Error::Syntax);
    }
    let start = int(argv[3])?;
    let unit = argv.get(5).map_or(Ok(BitUnit::Byte), |a| unit(a))?;
    let end = argv.get(4).map(|a| int(a)).transpose()?;
    Ok(Some(BitposRange { start, end, unit }))
}

fn bitpos(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    let bit = int(argv[2])?;
    let bit = u8::try_from(bit).unwrap_or(u8::MAX);
    let pos = ctx.ks.bitpos_with(argv[1], bit, || bitpos_range(argv))?;
    Ok(Reply::Integer(pos))
}

fn bitop(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    let name = argv[1];
    let op = if kw(name, "and") {
        BitOp::And
    } else if kw(name, "or") {
        BitOp::Or
    } else if kw(name, "xor") {
        BitOp::Xor
    } else if kw(name, "not") {
        BitOp::Not
    } else {
        return Err(Error::Syntax);
    };
    let len = ctx.ks.bitop(op, argv[2], &argv[3..])?;
    Ok(Reply::from(len))
}

/// Parses BITFIELD's subcommands; every error is found before anything runs.
fn parse_bitfield(argv: &[&[u8]], max_bulk_len: u64) -> Result<Vec<BitfieldOp>> {
    let mut ops = Vec::new();
    let mut j = 2;
    while j < argv.len() {
        let left = argv.len() - j - 1;
        let sub = argv[j];
        let (is_get, is_set) = (kw(sub, "get"), kw(sub, "set"));
        if kw(sub, "overflow") && left >= 1 {
            ops.push(BitfieldOp::Overflow(overflow_mode(argv[j + 1])?));
            j += 2;
            continue;
        }
        if !((is_get && left >= 2) || ((is_set || kw(sub, "incrby")) && left >= 3)) {
            return Err(Error::Syntax);
        }
        let ty = BitfieldType::parse(argv[j + 1])?;
        let offset = parse_offset(argv[j + 2], Some(ty.bits()), max_bulk_len)?;
        if is_get {
            ops.push(BitfieldOp::Get { ty, offset });
            j += 3;
            continue;
        }
        let n = int(argv[j + 3])?;
        ops.push(if is_set {
            BitfieldOp::Set {
                ty,
                offset,
                value: n,
            }
        } else {
            BitfieldOp::IncrBy {
                ty,
                offset,
                increment: n,
            }
        });
        j += 4;
    }
    Ok(ops)
}

fn overflow_mode(arg: &[u8]) -> Result<BitfieldOverflow> {
    if kw(arg, "wrap") {
        Ok(BitfieldOverflow::Wrap)
    } else if kw(arg, "sat") {
        Ok(BitfieldOverflow::Sat)
    } else if kw(arg, "fail") {
        Ok(BitfieldOverflow::Fail)
    } else {
        Err(Error::other("ERR Invalid OVERFLOW type specified"))
    }
}

fn bitfield_reply(values: Vec<Option<i64>>) -> Reply {
    Reply::Array(
        values
            .into_iter()
            .map(|v| v.map_or(Reply::Nil, Reply::Integer))
            .collect(),
    )
}

fn bitfield(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    let ops = parse_bitfield(argv, ctx.ks.config().proto_max_bulk_len)?;
    Ok(bitfield_reply(ctx.ks.bitfield(argv[1], &ops)?))
}

fn bitfield_ro(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    let ops = parse_bitfield(argv, ctx.ks.config().proto_max_bulk_len)?;
    Ok(bitfield_reply(ctx.ks.bitfield_ro(argv[1], &ops)?))
}
