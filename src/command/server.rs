//! Connection and server commands: PING, ECHO, SELECT, DBSIZE, FLUSHDB,
//! FLUSHALL, SWAPDB.

use super::args::{self, is_kw};
use super::flags::{FAST, READONLY, WRITE};
use super::keyless as spec;
use super::{CommandSpec, Ctx, Reply};
use crate::error::{Error, Result};

pub(super) const COMMANDS: &[CommandSpec] = &[
    spec("ping", -1, FAST, ping),
    spec("echo", 2, FAST, echo),
    spec("select", 2, FAST, select),
    spec("dbsize", 1, READONLY | FAST, dbsize),
    spec("flushdb", -1, WRITE, flushdb),
    spec("flushall", -1, WRITE, flushall),
    spec("swapdb", 3, WRITE | FAST, swapdb),
];

fn ping(_: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    match argv.len() {
        1 => Ok(Reply::status("PONG")),
        2 => Ok(Reply::bulk(argv[1])),
        _ => Err(Error::WrongArity("ping".into())),
    }
}

fn echo(_: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    Ok(Reply::bulk(argv[1]))
}

fn select(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    let db = args::db_index(argv[1])?;
    if ctx.ks.config().cluster_enabled && db != 0 {
        return Err(Error::other("ERR SELECT is not allowed in cluster mode"));
    }
    let db = usize::try_from(db).map_err(|_| Error::DbIndexOutOfRange)?;
    ctx.ks.select(db)?;
    ctx.session.db = db;
    Ok(Reply::OK)
}

fn dbsize(ctx: &mut Ctx<'_>, _: &[&[u8]]) -> Result<Reply> {
    Ok(ctx.ks.dbsize().into())
}

/// Parses the optional `ASYNC|SYNC` of FLUSHDB/FLUSHALL.
fn flush_mode(argv: &[&[u8]]) -> Result<()> {
    match argv.len() {
        1 => Ok(()),
        2 if is_kw(argv[1], "async") || is_kw(argv[1], "sync") => Ok(()),
        _ => Err(Error::Syntax),
    }
}

fn flushdb(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    flush_mode(argv)?;
    super::multi::touch_existing(ctx.ks, ctx.session.db, None);
    ctx.ks.flushdb();
    Ok(Reply::OK)
}

fn flushall(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    flush_mode(argv)?;
    for db in 0..ctx.ks.dbs.len() {
        super::multi::touch_existing(ctx.ks, db, None);
    }
    ctx.ks.flushall();
    Ok(Reply::OK)
}

fn swapdb(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    // Redis refuses SWAPDB in cluster mode before parsing the indexes.
    if ctx.ks.config().cluster_enabled {
        return Err(Error::other("ERR SWAPDB is not allowed in cluster mode"));
    }
    let a = args::db_index(argv[1]).map_err(|_| Error::other("ERR invalid first DB index"))?;
    let b = args::db_index(argv[2]).map_err(|_| Error::other("ERR invalid second DB index"))?;
    ctx.ks.swapdb(a, b)?;
    // Watched keys present in either database now see other contents.
    let (a, b) = (a as usize, b as usize);
    if a != b {
        super::multi::touch_existing(ctx.ks, a, Some(b));
        super::multi::touch_existing(ctx.ks, b, Some(a));
    }
    Ok(Reply::OK)
}
