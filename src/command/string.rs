//! String commands: Redis's `string` group (GET, SET and variants,
//! MGET/MSET, the INCR family, APPEND, GETRANGE/SETRANGE, LCS).
//!
//! Handlers parse argv with Redis's rules and error order, then call the
//! typed methods in [`crate::types::string`]. Keywords are compared as C
//! strings, as Redis does: an argument such as `NX\0junk` reads as `NX`.

use super::args::{Args, int, kw};
use super::flags::{DENYOOM, FAST, READONLY, WRITE};
use super::keyed as spec;
use super::{ALL_KEYS, CommandSpec, Ctx, KeySpec, Reply, TWO_KEYS};
use crate::error::{Error, Result};
use crate::types::string::{
    Expiry, LcsIdx, LcsResult, LcsWant, SetCondition, SetOptions, lcs_compute,
};

pub(super) const COMMANDS: &[CommandSpec] = &[
    spec("get", 2, READONLY | FAST, get),
    spec("set", -3, WRITE | DENYOOM, set),
    spec("setnx", 3, WRITE | DENYOOM | FAST, setnx),
    spec("setex", 4, WRITE | DENYOOM, setex),
    spec("psetex", 4, WRITE | DENYOOM, psetex),
    spec("getset", 3, WRITE | DENYOOM | FAST, getset),
    spec("getdel", 2, WRITE | FAST, getdel),
    spec("getex", -2, WRITE | FAST, getex),
    super::spec("mget", -2, READONLY | FAST, ALL_KEYS, mget),
    super::spec("mset", -3, WRITE | DENYOOM, PAIRS, mset),
    super::spec("msetnx", -3, WRITE | DENYOOM, PAIRS, msetnx),
    spec("incr", 2, WRITE | DENYOOM | FAST, incr),
    spec("decr", 2, WRITE | DENYOOM | FAST, decr),
    spec("incrby", 3, WRITE | DENYOOM | FAST, incrby),
    spec("decrby", 3, WRITE | DENYOOM | FAST, decrby),
    spec("incrbyfloat", 3, WRITE | DENYOOM | FAST, incrbyfloat),
    spec("append", 3, WRITE | DENYOOM | FAST, append),
    spec("strlen", 2, READONLY | FAST, strlen),
    spec("getrange", 4, READONLY, getrange),
    spec("substr", 4, READONLY, getrange),
    spec("setrange", 4, WRITE | DENYOOM, setrange),
    super::spec("lcs", -3, READONLY, TWO_KEYS, lcs),
];

const PAIRS: KeySpec = KeySpec::Range {
    first: 1,
    last: -1,
    step: 2,
};

fn get(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    Ok(Reply::bulk_or_nil(ctx.ks.get(argv[1])?))
}

/// The four timed expiry options shared by SET and GETEX.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Timed {
    Ex,
    Px,
    ExAt,
    PxAt,
}

impl Timed {
    fn parse(arg: &[u8]) -> Option<Timed> {
        [
            ("ex", Timed::Ex),
            ("px", Timed::Px),
            ("exat", Timed::ExAt),
            ("pxat", Timed::PxAt),
        ]
        .into_iter()
        .find_map(|(name, t)| kw(arg, name).then_some(t))
    }

    fn with(self, v: i64) -> Expiry {
        match self {
            Timed::Ex => Expiry::Ex(v),
            Timed::Px => Expiry::Px(v),
            Timed::ExAt => Expiry::ExAt(v),
            Timed::PxAt => Expiry::PxAt(v),
        }
    }
}

/// SET/GETEX options as parsed, before the time argument is read as an
/// integer (Redis reports option syntax errors first).
#[derive(Debug, Default)]
struct Extended<'a> {
    nx: bool,
    xx: bool,
    get: bool,
    keepttl: bool,
    persist: bool,
    timed: Option<(Timed, &'a [u8])>,
}

/// Parses SET's (`for_set`) or GETEX's options from `argv[start..]` with
/// Redis's compatibility rules: a repeated option is accepted (the last
/// time wins) while conflicting options are a syntax error.
fn parse_extended<'a>(argv: &[&'a [u8]], start: usize, for_set: bool) -> Result<Extended<'a>> {
    let mut o = Extended::default();
    let mut args = Args::new(argv, start);
    while let Some(arg) = args.next() {
        let timed_kind = o.timed.map(|(t, _)| t);
        if for_set && kw(arg, "nx") && !o.xx {
            o.nx = true;
        } else if for_set && kw(arg, "xx") && !o.nx {
            o.xx = true;
        } else if for_set && kw(arg, "get") {
            o.get = true;
        } else if for_set && kw(arg, "keepttl") && timed_kind.is_none() {
            o.keepttl = true;
        } else if !for_set && kw(arg, "persist") && timed_kind.is_none() {
            o.persist = true;
        } else if let Some(t) = Timed::parse(arg)
            && args.remaining() > 0
            && !o.keepttl
            && !o.persist
            && timed_kind.is_none_or(|k| k == t)
        {
            o.timed = Some((t, args.value()?));
        } else {
            return Err(Error::Syntax);
        }
    }
    Ok(o)
}

fn set(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    let o = parse_extended(argv, 3, true)?;
    let expiry = match o.timed {
        Some((t, value)) => t.with(int(value)?),
        None if o.keepttl => Expiry::KeepTtl,
        None => Expiry::None,
    };
    let condition = if o.nx {
        SetCondition::IfAbsent
    } else if o.xx {
        SetCondition::IfPresent
    } else {
        SetCondition::Always
    };
    let opts = SetOptions {
        condition,
        expiry,
        get: o.get,
    };
    let out = ctx.ks.set(argv[1], argv[2], &opts)?;
    Ok(if opts.get {
        Reply::bulk_or_nil(out.old)
    } else if out.written {
        Reply::OK
    } else {
        Reply::Nil
    })
}

fn setnx(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    Ok(ctx.ks.setnx(argv[1], argv[2])?.into())
}

fn setex(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    ctx.ks.setex(argv[1], int(argv[2])?, argv[3])?;
    Ok(Reply::OK)
}

fn psetex(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    ctx.ks.psetex(argv[1], int(argv[2])?, argv[3])?;
    Ok(Reply::OK)
}

fn getset(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    Ok(Reply::bulk_or_nil(ctx.ks.getset(argv[1], argv[2])?))
}

fn getdel(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    Ok(Reply::bulk_or_nil(ctx.ks.getdel(argv[1])?))
}

fn getex(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    let o = parse_extended(argv, 2, false)?;
    let expiry = match o.timed {
        // Redis reads the time only once the key is known to hold a string:
        // a missing key answers nil and another type WRONGTYPE first.
        Some((t, value)) => match int(value) {
            Ok(v) => t.with(v),
            Err(e) => {
                return match ctx.ks.get(argv[1])? {
                    None => Ok(Reply::Nil),
                    Some(_) => Err(e),
                };
            }
        },
        None if o.persist => Expiry::Persist,
        None => Expiry::None,
    };
    Ok(Reply::bulk_or_nil(ctx.ks.getex(argv[1], expiry)?))
}

fn mget(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    let values = ctx.ks.mget(&argv[1..]);
    Ok(Reply::Array(
        values.into_iter().map(Reply::bulk_or_nil).collect(),
    ))
}

/// The key/value pairs of MSET/MSETNX (`argv` must have an odd length).
fn pairs<'a>(argv: &[&'a [u8]], command: &str) -> Result<Vec<(&'a [u8], &'a [u8])>> {
    if argv.len().is_multiple_of(2) {
        return Err(Error::WrongArity(command.to_owned()));
    }
    Ok(argv[1..].chunks_exact(2).map(|p| (p[0], p[1])).collect())
}

fn mset(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    ctx.ks.mset(&pairs(argv, "mset")?)?;
    Ok(Reply::OK)
}

fn msetnx(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    Ok(ctx.ks.msetnx(&pairs(argv, "msetnx")?)?.into())
}

fn incr(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    Ok(ctx.ks.incr(argv[1])?.into())
}

fn decr(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    Ok(ctx.ks.decr(argv[1])?.into())
}

fn incrby(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    Ok(ctx.ks.incrby(argv[1], int(argv[2])?)?.into())
}

fn decrby(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    Ok(ctx.ks.decrby(argv[1], int(argv[2])?)?.into())
}

fn incrbyfloat(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    Ok(Reply::Bulk(ctx.ks.incrbyfloat(argv[1], argv[2])?))
}

fn append(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    Ok(ctx.ks.append(argv[1], argv[2])?.into())
}

fn strlen(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    Ok(ctx.ks.strlen(argv[1])?.into())
}

fn getrange(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    let (start, end) = (int(argv[2])?, int(argv[3])?);
    Ok(Reply::Bulk(ctx.ks.getrange(argv[1], start, end)?))
}

fn setrange(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    Ok(ctx.ks.setrange(argv[1], int(argv[2])?, argv[3])?.into())
}

/// `LCS key1 key2 [LEN] [IDX] [MINMATCHLEN len] [WITHMATCHLEN]`. Redis
/// checks the keys' types before the options, and the LEN/IDX conflict
/// after all of them.
fn lcs(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    let (a, b) = ctx.ks.lcs_inputs(argv[1], argv[2])?;
    let (mut len, mut idx, mut with_len, mut min) = (false, false, false, 0usize);
    let mut args = Args::new(argv, 3);
    while let Some(arg) = args.next() {
        if kw(arg, "idx") {
            idx = true;
        } else if kw(arg, "len") {
            len = true;
        } else if kw(arg, "withmatchlen") {
            with_len = true;
        } else if kw(arg, "minmatchlen") && args.remaining() > 0 {
            // Negative lengths mean "no minimum".
            min = usize::try_from(args.int_value()?).unwrap_or(0);
        } else {
            return Err(Error::Syntax);
        }
    }
    if len && idx {
        return Err(Error::other(
            "ERR If you want both the length and indexes, please just use IDX.",
        ));
    }
    let want = match (idx, len) {
        (true, _) => LcsWant::Idx(min),
        (false, true) => LcsWant::Len,
        (false, false) => LcsWant::String,
    };
    Ok(
        match lcs_compute(&a, &b, want, ctx.ks.config().proto_max_bulk_len)? {
            LcsResult::String(s) => Reply::Bulk(s),
            LcsResult::Len(n) => n.into(),
            LcsResult::Idx(found) => idx_reply(&found, with_len),
        },
    )
}

/// The IDX reply: a two-field map (`matches`, `len`), an array in RESP2.
fn idx_reply(found: &LcsIdx, with_len: bool) -> Reply {
    let pair = |(s, e): (usize, usize)| Reply::Array(vec![s.into(), e.into()]);
    let matches = found
        .matches
        .iter()
        .map(|m| {
            let mut item = vec![pair(m.a), pair(m.b)];
            if with_len {
                item.push(m.len.into());
            }
            Reply::Array(item)
        })
        .collect();
    Reply::Array(vec![
        Reply::bulk(&b"matches"[..]),
        Reply::Array(matches),
        Reply::bulk(&b"len"[..]),
        found.len.into(),
    ])
}
