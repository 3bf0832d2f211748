//! ZRANGE and its older forms, ZRANGESTORE, ZREMRANGEBY*: one option
//! parser (Redis `zrangeGenericCommand`) with each legacy command fixing
//! the range kind and direction.

use super::super::args::{self, is_kw};
use super::super::{Ctx, Reply};
use super::{lex_range, pairs_reply, score_range};
use crate::error::{Error, Result};
use crate::types::zset::{ZRange, ZRangeBy};

/// What a range command selects by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Rank,
    Score,
    Lex,
}

/// Parses `<key> <min> <max> [BYSCORE|BYLEX] [REV] [WITHSCORES] [LIMIT o c]`
/// starting at the key index, with the kind and direction fixed by legacy
/// commands; returns the request and WITHSCORES.
fn parse(
    argv: &[&[u8]],
    key: usize,
    store: bool,
    mut kind: Option<Kind>,
    mut rev: Option<bool>,
) -> Result<(ZRange, bool)> {
    let mut withscores = false;
    let mut limit = None;
    let mut j = key + 3;
    while j < argv.len() {
        let left = argv.len() - j - 1;
        let a = argv[j];
        if !store && is_kw(a, "withscores") {
            withscores = true;
        } else if is_kw(a, "limit") && left >= 2 {
            limit = Some((args::int(argv[j + 1])?, args::int(argv[j + 2])?));
            j += 2;
        } else if rev.is_none() && is_kw(a, "rev") {
            rev = Some(true);
        } else if kind.is_none() && is_kw(a, "bylex") {
            kind = Some(Kind::Lex);
        } else if kind.is_none() && is_kw(a, "byscore") {
            kind = Some(Kind::Score);
        } else {
            return Err(Error::Syntax);
        }
        j += 1;
    }
    let kind = kind.unwrap_or(Kind::Rank);
    let rev = rev.unwrap_or(false);
    if limit.is_some_and(|(_, count)| count != -1) && kind == Kind::Rank {
        return Err(crate::types::zset::limit_with_rank());
    }
    if withscores && kind == Kind::Lex {
        return Err(Error::other(
            "ERR syntax error, WITHSCORES not supported in combination with BYLEX",
        ));
    }
    let (mut lo, mut hi) = (argv[key + 1], argv[key + 2]);
    if rev && kind != Kind::Rank {
        std::mem::swap(&mut lo, &mut hi);
    }
    let by = match kind {
        Kind::Rank => ZRangeBy::Rank(args::int(lo)?, args::int(hi)?),
        Kind::Score => ZRangeBy::Score(score_range(lo, hi)?),
        Kind::Lex => ZRangeBy::Lex(lex_range(lo, hi)?),
    };
    Ok((ZRange { by, rev, limit }, withscores))
}

fn run(ctx: &mut Ctx<'_>, argv: &[&[u8]], kind: Option<Kind>, rev: Option<bool>) -> Result<Reply> {
    let (spec, withscores) = parse(argv, 1, false, kind, rev)?;
    let items = ctx.ks.zrange(argv[1], &spec)?;
    Ok(pairs_reply(items, withscores))
}

pub(super) fn zrange(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    run(ctx, argv, None, None)
}

pub(super) fn zrevrange(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    run(ctx, argv, Some(Kind::Rank), Some(true))
}

pub(super) fn zrangebyscore(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    run(ctx, argv, Some(Kind::Score), Some(false))
}

pub(super) fn zrevrangebyscore(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    run(ctx, argv, Some(Kind::Score), Some(true))
}

pub(super) fn zrangebylex(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    run(ctx, argv, Some(Kind::Lex), Some(false))
}

pub(super) fn zrevrangebylex(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    run(ctx, argv, Some(Kind::Lex), Some(true))
}

pub(super) fn zrangestore(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    let (spec, _) = parse(argv, 2, true, None, None)?;
    Ok(ctx.ks.zrangestore(argv[1], argv[2], &spec)?.into())
}

pub(super) fn zremrangebyrank(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    let (start, stop) = (args::int(argv[2])?, args::int(argv[3])?);
    Ok(ctx.ks.zremrangebyrank(argv[1], start, stop)?.into())
}

pub(super) fn zremrangebyscore(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    let range = score_range(argv[2], argv[3])?;
    Ok(ctx.ks.zremrangebyscore(argv[1], &range)?.into())
}

pub(super) fn zremrangebylex(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    let range = lex_range(argv[2], argv[3])?;
    Ok(ctx.ks.zremrangebylex(argv[1], &range)?.into())
}
