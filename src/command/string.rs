//! String commands: GET, SET and the rest of Redis's `string` group.

use super::args::{Args, is_kw};
use super::flags::{DENYOOM, FAST, READONLY, WRITE};
use super::{CommandSpec, Ctx, KeySpec, Reply};
use crate::error::{Error, Result};
use crate::types::string::{Expiry, SetCondition, SetOptions};

pub(super) const COMMANDS: &[CommandSpec] = &[
    spec("get", 2, READONLY | FAST, get),
    spec("set", -3, WRITE | DENYOOM, set),
];

const ONE_KEY: KeySpec = KeySpec::Range {
    first: 1,
    last: 1,
    step: 1,
};

const fn spec(name: &'static str, arity: i32, flags: u32, handler: super::Handler) -> CommandSpec {
    CommandSpec {
        name,
        arity,
        flags,
        keys: ONE_KEY,
        handler,
        subcommands: &[],
    }
}

fn get(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    Ok(Reply::bulk_or_nil(ctx.ks.get(argv[1])?))
}

/// Parses `[NX|XX] [GET] [EX|PX|EXAT|PXAT|KEEPTTL]` in any order.
fn parse_set_options(argv: &[&[u8]], start: usize) -> Result<SetOptions> {
    let mut opts = SetOptions::default();
    let mut args = Args::new(argv, start);
    while let Some(arg) = args.next() {
        let cond = |c| {
            if opts.condition == SetCondition::Always || opts.condition == c {
                Ok(c)
            } else {
                Err(Error::Syntax)
            }
        };
        let free = opts.expiry == Expiry::None;
        if is_kw(arg, "nx") {
            opts.condition = cond(SetCondition::IfAbsent)?;
        } else if is_kw(arg, "xx") {
            opts.condition = cond(SetCondition::IfPresent)?;
        } else if is_kw(arg, "get") {
            opts.get = true;
        } else if is_kw(arg, "keepttl") && (free || opts.expiry == Expiry::KeepTtl) {
            opts.expiry = Expiry::KeepTtl;
        } else if free && args.remaining() > 0 && is_timed(arg) {
            let v = super::args::int(args.value()?)?;
            opts.expiry = timed(arg, v);
        } else {
            return Err(Error::Syntax);
        }
    }
    Ok(opts)
}

fn is_timed(arg: &[u8]) -> bool {
    ["ex", "px", "exat", "pxat"].iter().any(|k| is_kw(arg, k))
}

fn timed(arg: &[u8], v: i64) -> Expiry {
    if is_kw(arg, "ex") {
        Expiry::Ex(v)
    } else if is_kw(arg, "px") {
        Expiry::Px(v)
    } else if is_kw(arg, "exat") {
        Expiry::ExAt(v)
    } else {
        Expiry::PxAt(v)
    }
}

fn set(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    let opts = parse_set_options(argv, 3)?;
    let out = ctx.ks.set(argv[1], argv[2], &opts)?;
    Ok(if opts.get {
        Reply::bulk_or_nil(out.old)
    } else if out.written {
        Reply::OK
    } else {
        Reply::Nil
    })
}
