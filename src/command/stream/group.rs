//! Consumer-group commands: XGROUP, XREADGROUP, XACK, XPENDING, XCLAIM
//! and XAUTOCLAIM.

use super::{
    SECOND_KEY, c_eq, entries_reply, id_reply, int, int_or, interval_end, interval_start, kw,
    parse_read, reads_reply,
};
use crate::command::flags::{DENYOOM, WRITE};
use crate::command::{CommandSpec, Ctx, KeySpec, Reply};
use crate::error::{Error, Result};
use crate::types::stream::{ClaimOptions, Claimed, ReadFrom, StreamId, no_group, no_key_or_group};

pub(super) const XGROUP_SUBCOMMANDS: &[CommandSpec] = &[
    sub("create", -5, WRITE | DENYOOM, xgroup),
    sub("createconsumer", 5, WRITE | DENYOOM, xgroup),
    sub("delconsumer", 5, WRITE, xgroup),
    sub("destroy", 4, WRITE, xgroup),
    CommandSpec {
        name: "help",
        arity: 2,
        flags: 0,
        keys: KeySpec::None,
        handler: xgroup_help,
        subcommands: &[],
    },
    sub("setid", -5, WRITE, xgroup),
];

const fn sub(
    name: &'static str,
    arity: i32,
    flags: u32,
    handler: crate::command::Handler,
) -> CommandSpec {
    CommandSpec {
        name,
        arity,
        flags,
        keys: SECOND_KEY,
        handler,
        subcommands: &[],
    }
}

const XGROUP_HELP: &[&str] = &[
    "XGROUP <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "CREATE <key> <groupname> <id|$> [option]",
    "    Create a new consumer group. Options are:",
    "    * MKSTREAM",
    "      Create the empty stream if it does not exist.",
    "    * ENTRIESREAD entries_read",
    "      Set the group's entries_read counter (internal use).",
    "CREATECONSUMER <key> <groupname> <consumer>",
    "    Create a new consumer in the specified group.",
    "DELCONSUMER <key> <groupname> <consumer>",
    "    Remove the specified consumer.",
    "DESTROY <key> <groupname>",
    "    Remove the specified group.",
    "SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
    "    Set the current group ID and entries_read counter.",
    "HELP",
    "    Prints this help.",
];

fn xgroup_help(_: &mut Ctx<'_>, _: &[&[u8]]) -> Result<Reply> {
    Ok(Reply::status_lines(XGROUP_HELP))
}

/// `ERR unknown subcommand or wrong number of arguments for '<sub>'. Try <CMD> HELP.`
pub(super) fn sub_syntax(argv: &[&[u8]]) -> Error {
    let end = argv[1]
        .iter()
        .position(|&b| b == 0)
        .unwrap_or(argv[1].len());
    let name = String::from_utf8_lossy(&argv[1][..end.min(128)]);
    Error::other(format!(
        "ERR unknown subcommand or wrong number of arguments for '{name}'. Try {} HELP.",
        String::from_utf8_lossy(argv[0]).to_ascii_uppercase()
    ))
}

fn xgroup(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    let opt = argv[1];
    let (key, group) = (argv[2], argv[3]);
    let create = kw(opt, "create");
    let setid = kw(opt, "setid");
    let mut mkstream = false;
    let mut entries_read = None;
    let mut i = 5;
    while i < argv.len() {
        if create && kw(argv[i], "mkstream") {
            mkstream = true;
            i += 1;
        } else if (create || setid) && kw(argv[i], "entriesread") && i + 1 < argv.len() {
            let n = int(argv[i + 1])?;
            if n < 0 && n != -1 {
                return Err(Error::other(
                    "ERR value for ENTRIESREAD must be positive or -1",
                ));
            }
            entries_read = Some(n);
            i += 2;
        } else {
            return Err(sub_syntax(argv));
        }
    }
    let has_group = ctx.ks.stream_group_probe(key, group)?;
    if !mkstream {
        let Some(has_group) = has_group else {
            return Err(Error::other(
                "ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.",
            ));
        };
        if !has_group && !create && !kw(opt, "destroy") {
            return Err(no_group(group, key));
        }
    }
    let n = argv.len();
    if create && (5..=8).contains(&n) {
        let from = if c_eq(argv[4], b"$") {
            ReadFrom::Last
        } else {
            ReadFrom::After(StreamId::parse(argv[4], 0, true)?)
        };
        ctx.ks
            .xgroup_create(key, group, from, mkstream, entries_read)?;
        Ok(Reply::OK)
    } else if setid && (n == 5 || n == 7) {
        let from = if c_eq(argv[4], b"$") {
            ReadFrom::Last
        } else {
            ReadFrom::After(StreamId::parse(argv[4], 0, false)?)
        };
        ctx.ks.xgroup_setid(key, group, from, entries_read)?;
        Ok(Reply::OK)
    } else if kw(opt, "destroy") && n == 4 {
        Ok(ctx.ks.xgroup_destroy(key, group)?.into())
    } else if kw(opt, "createconsumer") && n == 5 {
        Ok(ctx.ks.xgroup_createconsumer(key, group, argv[4])?.into())
    } else if kw(opt, "delconsumer") && n == 5 {
        Ok(Reply::Integer(
            ctx.ks.xgroup_delconsumer(key, group, argv[4])? as i64,
        ))
    } else {
        Err(sub_syntax(argv))
    }
}

pub(super) fn xreadgroup(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    let args = parse_read(argv, true)?;
    let (group, consumer) = args.group.expect("checked by parse_read");
    let mut streams = Vec::with_capacity(args.n);
    for k in 0..args.n {
        let key = argv[args.streams_at + k];
        let id_arg = argv[args.streams_at + args.n + k];
        ctx.ks.xreadgroup_check(key, group)?;
        let from = if c_eq(id_arg, b"$") {
            return Err(Error::other(
                "ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set.",
            ));
        } else if c_eq(id_arg, b">") {
            ReadFrom::New
        } else {
            // Redis marks `>` with the largest ID: given explicitly, it
            // reads new entries too.
            match StreamId::parse(id_arg, 0, true)? {
                StreamId::MAX => ReadFrom::New,
                id => ReadFrom::After(id),
            }
        };
        streams.push((key, from));
    }
    let reads = ctx
        .ks
        .xreadgroup_unchecked(group, consumer, &streams, args.count, args.noack)?;
    Ok(reads_reply(reads))
}

pub(super) fn xack(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    if ctx.ks.stream_group_probe_read(argv[1], argv[2])? != Some(true) {
        return Ok(Reply::Integer(0));
    }
    let ids = argv[3..]
        .iter()
        .map(|a| StreamId::parse(a, 0, true))
        .collect::<Result<Vec<_>>>()?;
    // The probe above made the command's one counted lookup.
    let acked = ctx.ks.uncounted(|ks| ks.xack(argv[1], argv[2], &ids))?;
    Ok(Reply::Integer(acked as i64))
}

pub(super) fn xpending(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    let n = argv.len();
    if n != 3 && !(6..=9).contains(&n) {
        return Err(Error::Syntax);
    }
    let (key, group) = (argv[1], argv[2]);
    if n == 3 {
        let s = ctx.ks.xpending(key, group)?;
        let Some((lo, hi)) = s.bounds else {
            return Ok(Reply::Array(vec![
                Reply::Integer(0),
                Reply::Nil,
                Reply::Nil,
                Reply::NilArray,
            ]));
        };
        let consumers = s
            .consumers
            .into_iter()
            .map(|(name, c)| Reply::Array(vec![Reply::Bulk(name), Reply::bulk(c.to_string())]))
            .collect();
        return Ok(Reply::Array(vec![
            Reply::Integer(s.count as i64),
            id_reply(lo),
            id_reply(hi),
            Reply::Array(consumers),
        ]));
    }
    let mut at = 3;
    let mut min_idle = 0;
    if kw(argv[3], "idle") {
        min_idle = int(argv[4])?;
        if n < 8 {
            return Err(Error::Syntax);
        }
        at += 2;
    }
    let count = int(argv[at + 2])?.max(0) as usize;
    let start = interval_start(argv[at])?;
    let end = interval_end(argv[at + 1])?;
    let consumer = argv.get(at + 3).copied();
    let rows = ctx
        .ks
        .xpending_range(key, group, min_idle, start, end, count, consumer)?;
    Ok(Reply::Array(
        rows.into_iter()
            .map(|r| {
                Reply::Array(vec![
                    id_reply(r.id),
                    Reply::Bulk(r.consumer),
                    Reply::Integer(r.idle as i64),
                    Reply::Integer(r.delivery_count as i64),
                ])
            })
            .collect(),
    ))
}

fn claimed_reply(c: Claimed) -> Reply {
    match c {
        Claimed::Entries(e) => entries_reply(e),
        Claimed::Ids(ids) => Reply::Array(ids.into_iter().map(id_reply).collect()),
    }
}

pub(super) fn xclaim(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    let (key, group, consumer) = (argv[1], argv[2], argv[3]);
    if ctx.ks.stream_group_probe_read(key, group)? != Some(true) {
        return Err(no_key_or_group(key, group, false));
    }
    let min_idle = int_or(argv[4], "ERR Invalid min-idle-time argument for XCLAIM")?.max(0);
    let mut ids = Vec::new();
    let mut j = 5;
    while j < argv.len() {
        match StreamId::parse(argv[j], 0, true) {
            Ok(id) => ids.push(id),
            Err(_) => break,
        }
        j += 1;
    }
    let now = ctx.ks.now_ms() as i64;
    let mut opts = ClaimOptions::default();
    while j < argv.len() {
        let more = argv.len() - 1 - j;
        let opt = argv[j];
        if kw(opt, "force") {
            opts.force = true;
        } else if kw(opt, "justid") {
            opts.justid = true;
        } else if kw(opt, "idle") && more > 0 {
            j += 1;
            let idle = int_or(argv[j], "ERR Invalid IDLE option argument for XCLAIM")?;
            opts.delivery_time = Some(now.wrapping_sub(idle));
        } else if kw(opt, "time") && more > 0 {
            j += 1;
            opts.delivery_time = Some(int_or(
                argv[j],
                "ERR Invalid TIME option argument for XCLAIM",
            )?);
        } else if kw(opt, "retrycount") && more > 0 {
            j += 1;
            let r = int_or(argv[j], "ERR Invalid RETRYCOUNT option argument for XCLAIM")?;
            opts.retry_count = u64::try_from(r).ok();
        } else if kw(opt, "lastid") && more > 0 {
            j += 1;
            opts.last_id = Some(StreamId::parse(argv[j], 0, true)?);
        } else {
            let end = opt.iter().position(|&b| b == 0).unwrap_or(opt.len());
            return Err(Error::other(format!(
                "ERR Unrecognized XCLAIM option '{}'",
                String::from_utf8_lossy(&opt[..end])
            )));
        }
        j += 1;
    }
    let claimed = ctx
        .ks
        .uncounted(|ks| ks.xclaim(key, group, consumer, min_idle, &ids, &opts))?;
    Ok(claimed_reply(claimed))
}

pub(super) fn xautoclaim(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    let (key, group, consumer) = (argv[1], argv[2], argv[3]);
    let min_idle = int_or(argv[4], "ERR Invalid min-idle-time argument for XAUTOCLAIM")?.max(0);
    let start = interval_start(argv[5])?;
    let mut count = 100usize;
    let mut justid = false;
    let mut j = 6;
    while j < argv.len() {
        let more = argv.len() - 1 - j;
        if kw(argv[j], "count") && more > 0 {
            let n = int_or(argv[j + 1], "ERR COUNT must be > 0")?;
            if !(1..=i64::MAX / 16).contains(&n) {
                return Err(Error::other("ERR COUNT must be > 0"));
            }
            count = n as usize;
            j += 1;
        } else if kw(argv[j], "justid") {
            justid = true;
        } else {
            return Err(Error::Syntax);
        }
        j += 1;
    }
    let got = ctx
        .ks
        .xautoclaim(key, group, consumer, min_idle, start, count, justid)?;
    Ok(Reply::Array(vec![
        id_reply(got.next),
        claimed_reply(got.claimed),
        Reply::Array(got.deleted.into_iter().map(id_reply).collect()),
    ]))
}
