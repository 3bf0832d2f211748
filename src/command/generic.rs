//! Commands of the `generic` group: DEL, UNLINK, EXISTS, TYPE, RENAME,
//! RENAMENX, COPY, MOVE, the TTL and EXPIRE families, PERSIST, TOUCH, KEYS,
//! SCAN, RANDOMKEY and the OBJECT container.

use super::args::{self, is_kw};
use super::flags::{DENYOOM, FAST, NO_TOUCH, READONLY, WRITE};
use super::spec;
use super::{
    ALL_KEYS, CommandSpec, Ctx, KeySpec, ONE_KEY, Reply, SECOND_KEY, TWO_KEYS, c_str, container,
    error_bytes,
};
use crate::error::{Error, Result};
use crate::expire::ExpireCondition;
use crate::keys::ScanOptions;

pub(super) const COMMANDS: &[CommandSpec] = &[
    spec("del", -2, WRITE, ALL_KEYS, del),
    spec("unlink", -2, WRITE | FAST, ALL_KEYS, unlink),
    spec("exists", -2, READONLY | FAST | NO_TOUCH, ALL_KEYS, exists),
    spec("type", 2, READONLY | FAST | NO_TOUCH, ONE_KEY, type_),
    spec("rename", 3, WRITE, TWO_KEYS, rename),
    spec("renamenx", 3, WRITE | FAST, TWO_KEYS, renamenx),
    spec("copy", -3, WRITE | DENYOOM, TWO_KEYS, copy),
    spec("move", 3, WRITE | FAST, ONE_KEY, move_),
    spec("ttl", 2, READONLY | FAST | NO_TOUCH, ONE_KEY, ttl),
    spec("pttl", 2, READONLY | FAST | NO_TOUCH, ONE_KEY, pttl),
    spec(
        "expiretime",
        2,
        READONLY | FAST | NO_TOUCH,
        ONE_KEY,
        expiretime,
    ),
    spec(
        "pexpiretime",
        2,
        READONLY | FAST | NO_TOUCH,
        ONE_KEY,
        pexpiretime,
    ),
    spec("persist", 2, WRITE | FAST, ONE_KEY, persist),
    spec("expire", -3, WRITE | FAST, ONE_KEY, expire),
    spec("pexpire", -3, WRITE | FAST, ONE_KEY, pexpire),
    spec("expireat", -3, WRITE | FAST, ONE_KEY, expireat),
    spec("pexpireat", -3, WRITE | FAST, ONE_KEY, pexpireat),
    spec("touch", -2, READONLY | FAST, ALL_KEYS, touch),
    spec("keys", 2, READONLY, KeySpec::None, keys),
    spec("scan", -2, READONLY, KeySpec::None, scan),
    spec("randomkey", 1, READONLY, KeySpec::None, randomkey),
    CommandSpec {
        name: "object",
        arity: -2,
        flags: 0,
        keys: KeySpec::None,
        handler: container,
        subcommands: OBJECT_SUBCOMMANDS,
    },
];

const OBJECT_SUBCOMMANDS: &[CommandSpec] = &[
    spec(
        "encoding",
        3,
        READONLY | NO_TOUCH,
        SECOND_KEY,
        object_encoding,
    ),
    spec("freq", 3, READONLY | NO_TOUCH, SECOND_KEY, object_freq),
    spec("help", 2, 0, KeySpec::None, object_help),
    spec(
        "idletime",
        3,
        READONLY | NO_TOUCH,
        SECOND_KEY,
        object_idletime,
    ),
    spec(
        "refcount",
        3,
        READONLY | NO_TOUCH,
        SECOND_KEY,
        object_refcount,
    ),
];

fn del(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    Ok(ctx.ks.del(&argv[1..]).into())
}

fn unlink(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    Ok(ctx.ks.unlink(&argv[1..]).into())
}

fn exists(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    Ok(ctx.ks.exists(&argv[1..]).into())
}

fn type_(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    Ok(Reply::status(
        ctx.ks.type_of(argv[1]).map_or("none", |t| t.as_str()),
    ))
}

fn touch(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    Ok(ctx.ks.touch(&argv[1..]).into())
}

fn rename(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    ctx.ks.rename(argv[1], argv[2])?;
    Ok(Reply::OK)
}

fn renamenx(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    Ok(ctx.ks.renamenx(argv[1], argv[2])?.into())
}

/// Parses a database index as Redis's `getIntFromObjectOrReply` does, then
/// checks it against the number of databases.
fn db_index(ctx: &Ctx<'_>, arg: &[u8]) -> Result<usize> {
    let n = args::int(arg)?;
    if i32::try_from(n).is_err() {
        return Err(Error::other(
            "ERR value is out of range, value must between -2147483648 and 2147483647",
        ));
    }
    usize::try_from(n)
        .ok()
        .filter(|&db| db < ctx.ks.databases())
        .ok_or(Error::DbIndexOutOfRange)
}

fn copy(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    let mut db = None;
    let mut replace = false;
    let mut opts = args::Args::new(argv, 3);
    while let Some(arg) = opts.next() {
        if is_kw(arg, "replace") {
            replace = true;
        } else if is_kw(arg, "db") && opts.remaining() >= 1 {
            db = Some(db_index(ctx, opts.value()?)?);
        } else {
            return Err(Error::Syntax);
        }
    }
    Ok(ctx.ks.copy(argv[1], argv[2], db, replace)?.into())
}

fn move_(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    if ctx.ks.config().cluster_enabled {
        return Err(Error::other("ERR MOVE is not allowed in cluster mode"));
    }
    let db = db_index(ctx, argv[2])?;
    Ok(ctx.ks.move_key(argv[1], db)?.into())
}

fn ttl(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    Ok(ctx.ks.ttl(argv[1]).into())
}

fn pttl(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    Ok(ctx.ks.pttl(argv[1]).into())
}

fn expiretime(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    Ok(ctx.ks.expiretime(argv[1]).into())
}

fn pexpiretime(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    Ok(ctx.ks.pexpiretime(argv[1]).into())
}

fn persist(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    Ok(ctx.ks.persist(argv[1]).into())
}

/// Parses the `NX|XX|GT|LT` flags after the time argument, then the time,
/// in Redis's order (flag errors first). An unknown flag is an error reply
/// that echoes the flag.
fn expire_args(argv: &[&[u8]]) -> std::result::Result<(ExpireCondition, i64), Reply> {
    let mut cond = ExpireCondition::ALWAYS;
    for &opt in &argv[3..] {
        cond = cond
            | match opt {
                o if is_kw(o, "nx") => ExpireCondition::NX,
                o if is_kw(o, "xx") => ExpireCondition::XX,
                o if is_kw(o, "gt") => ExpireCondition::GT,
                o if is_kw(o, "lt") => ExpireCondition::LT,
                o => {
                    let mut text = b"ERR Unsupported option ".to_vec();
                    text.extend_from_slice(c_str(o, usize::MAX));
                    return Err(error_bytes(text));
                }
            };
    }
    cond.check()?;
    let when = args::int(argv[2])?;
    Ok((cond, when))
}

type ExpireFn = fn(&mut crate::Keyspace, &[u8], i64, ExpireCondition) -> Result<bool>;

fn expire_generic(ctx: &mut Ctx<'_>, argv: &[&[u8]], f: ExpireFn) -> Result<Reply> {
    match expire_args(argv) {
        Ok((cond, when)) => Ok(f(ctx.ks, argv[1], when, cond)?.into()),
        Err(reply) => Ok(reply),
    }
}

fn expire(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    expire_generic(ctx, argv, crate::Keyspace::expire)
}

fn pexpire(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    expire_generic(ctx, argv, crate::Keyspace::pexpire)
}

fn expireat(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    expire_generic(ctx, argv, crate::Keyspace::expireat)
}

fn pexpireat(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    expire_generic(ctx, argv, crate::Keyspace::pexpireat)
}

fn keys(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    Ok(Reply::bulks(ctx.ks.keys(argv[1])))
}

fn randomkey(ctx: &mut Ctx<'_>, _: &[&[u8]]) -> Result<Reply> {
    Ok(Reply::bulk_or_nil(ctx.ks.randomkey()))
}

/// Parses a SCAN cursor as C's `strtoul` in base 10 does, with Redis's
/// extra checks: no leading space, nothing after the digits (the argument
/// ends at its first NUL byte), no overflow. A sign is allowed and `-n`
/// wraps to `2^64 - n`; the empty string is cursor 0.
pub(super) fn parse_cursor(arg: &[u8]) -> Result<u64> {
    let invalid = || Error::other("ERR invalid cursor");
    let text = c_str(arg, usize::MAX);
    if text
        .first()
        .is_some_and(|&b| matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r'))
    {
        return Err(invalid());
    }
    let (negative, digits) = match text.first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    if digits.is_empty() {
        return if text.is_empty() {
            Ok(0)
        } else {
            Err(invalid())
        };
    }
    let mut value: u64 = 0;
    for &d in digits {
        if !d.is_ascii_digit() {
            return Err(invalid());
        }
        value = value
            .checked_mul(10)
            .and_then(|v| v.checked_add(u64::from(d - b'0')))
            .ok_or_else(invalid)?;
    }
    Ok(if negative {
        value.wrapping_neg()
    } else {
        value
    })
}

fn scan(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    let cursor = parse_cursor(argv[1])?;
    let mut opts = ScanOptions::default();
    let given = args::scan_args(argv, 2, true)?;
    opts.count = given.count.unwrap_or(opts.count);
    opts.pattern = given.pattern.map(<[u8]>::to_vec);
    opts.type_name = given.type_name.map(<[u8]>::to_vec);
    let (next, keys) = ctx.ks.scan(cursor, &opts);
    Ok(Reply::Array(vec![
        Reply::bulk(next.to_string()),
        Reply::bulks(keys),
    ]))
}

fn object_encoding(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    Ok(match ctx.ks.object_encoding(argv[2]) {
        Some(enc) => Reply::bulk(enc.as_str()),
        None => Reply::Nil,
    })
}

fn object_refcount(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    Ok(ctx
        .ks
        .object_refcount(argv[2])
        .map_or(Reply::Nil, Reply::Integer))
}

fn object_idletime(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    let idle = ctx.ks.object_idletime(argv[2])?;
    Ok(idle.map_or(Reply::Nil, |s| {
        Reply::Integer(i64::try_from(s).unwrap_or(i64::MAX))
    }))
}

fn object_freq(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    Ok(ctx
        .ks
        .object_freq(argv[2])?
        .map_or(Reply::Nil, |f| Reply::Integer(i64::from(f))))
}

const OBJECT_HELP: &[&str] = &[
    "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "ENCODING <key>",
    "    Return the kind of internal representation used in order to store the value",
    "    associated with a <key>.",
    "FREQ <key>",
    "    Return the access frequency index of the <key>. The returned integer is",
    "    proportional to the logarithm of the recent access frequency of the key.",
    "IDLETIME <key>",
    "    Return the idle time of the <key>, that is the approximated number of",
    "    seconds elapsed since the last access to the key.",
    "REFCOUNT <key>",
    "    Return the number of references of the value associated with the specified",
    "    <key>.",
    "HELP",
    "    Prints this help.",
];

fn object_help(_: &mut Ctx<'_>, _: &[&[u8]]) -> Result<Reply> {
    Ok(Reply::status_lines(OBJECT_HELP))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursor_parsing_follows_strtoul() {
        assert_eq!(parse_cursor(b"0"), Ok(0));
        assert_eq!(parse_cursor(b""), Ok(0));
        assert_eq!(parse_cursor(b"+7"), Ok(7));
        assert_eq!(parse_cursor(b"007"), Ok(7));
        assert_eq!(parse_cursor(b"-1"), Ok(u64::MAX));
        assert_eq!(parse_cursor(b"18446744073709551615"), Ok(u64::MAX));
        assert_eq!(parse_cursor(b"5\0junk"), Ok(5));
        for bad in [
            &b"18446744073709551616"[..],
            b" 1",
            b"1 ",
            b"+",
            b"-",
            b"0x1",
            b"1a",
            b"\t1",
        ] {
            assert!(parse_cursor(bad).is_err(), "{bad:?}");
        }
    }
}
