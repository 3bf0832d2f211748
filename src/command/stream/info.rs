//! XINFO STREAM / GROUPS / CONSUMERS / HELP.

use super::group::sub_syntax;
use super::{SECOND_KEY, entry_reply, id_reply, int, kw};
use crate::command::flags::READONLY;
use crate::command::{CommandSpec, Ctx, KeySpec, Reply};
use crate::error::{Error, Result};
use crate::types::stream::StreamId;

pub(super) const XINFO_SUBCOMMANDS: &[CommandSpec] = &[
    sub("consumers", 4, xinfo),
    sub("groups", 3, xinfo),
    CommandSpec {
        name: "help",
        arity: 2,
        flags: 0,
        keys: KeySpec::None,
        handler: xinfo_help,
        subcommands: &[],
    },
    sub("stream", -3, xinfo),
];

const fn sub(name: &'static str, arity: i32, handler: crate::command::Handler) -> CommandSpec {
    CommandSpec {
        name,
        arity,
        flags: READONLY,
        keys: SECOND_KEY,
        handler,
        subcommands: &[],
    }
}

const XINFO_HELP: &[&str] = &[
    "XINFO <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "CONSUMERS <key> <groupname>",
    "    Show consumers of <groupname>.",
    "GROUPS <key>",
    "    Show the stream consumer groups.",
    "STREAM <key> [FULL [COUNT <count>]",
    "    Show information about the stream.",
    "HELP",
    "    Prints this help.",
];

fn xinfo_help(_: &mut Ctx<'_>, _: &[&[u8]]) -> Result<Reply> {
    Ok(Reply::status_lines(XINFO_HELP))
}

fn kv(out: &mut Vec<Reply>, name: &'static str, value: Reply) {
    out.push(Reply::bulk(name));
    out.push(value);
}

fn int_reply(v: u64) -> Reply {
    Reply::Integer(v as i64)
}

fn opt_int(v: Option<i64>) -> Reply {
    v.map_or(Reply::Nil, Reply::Integer)
}

fn xinfo(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    let key = argv[2];
    let opt = argv[1];
    // Redis looks the key up before checking the subcommand's form.
    ctx.ks.stream_value(key)?;
    if kw(opt, "consumers") && argv.len() == 4 {
        let rows = ctx.ks.uncounted(|ks| ks.xinfo_consumers(key, argv[3]))?;
        return Ok(Reply::Array(
            rows.into_iter()
                .map(|c| {
                    let mut m = Vec::new();
                    kv(&mut m, "name", Reply::Bulk(c.name));
                    kv(&mut m, "pending", int_reply(c.pending));
                    kv(&mut m, "idle", int_reply(c.idle));
                    Reply::Array(m)
                })
                .collect(),
        ));
    }
    if kw(opt, "groups") && argv.len() == 3 {
        let rows = ctx.ks.uncounted(|ks| ks.xinfo_groups(key))?;
        return Ok(Reply::Array(
            rows.into_iter()
                .map(|g| {
                    let mut m = Vec::new();
                    kv(&mut m, "name", Reply::Bulk(g.name));
                    kv(&mut m, "consumers", int_reply(g.consumers));
                    kv(&mut m, "pending", int_reply(g.pending));
                    kv(&mut m, "last-delivered-id", id_reply(g.last_delivered_id));
                    kv(&mut m, "entries-read", opt_int(g.entries_read));
                    kv(&mut m, "lag", opt_int(g.lag));
                    Reply::Array(m)
                })
                .collect(),
        ));
    }
    if kw(opt, "stream") {
        return xinfo_stream(ctx, argv);
    }
    Err(sub_syntax(argv))
}

fn xinfo_stream(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    let key = argv[2];
    let optv = &argv[3..];
    let mut full = false;
    let mut count = 10i64;
    if !optv.is_empty() {
        if (optv.len() != 1 && optv.len() != 3) || !kw(optv[0], "full") {
            return Err(sub_syntax(argv));
        }
        full = true;
        if optv.len() == 3 {
            if !kw(optv[1], "count") {
                return Err(sub_syntax(argv));
            }
            count = int(optv[2])?;
            if count < 0 {
                count = 10;
            }
        }
    }
    // XINFO looked the key up (and counted it) already.
    let Some(crate::value::Value::Stream(s)) = ctx.ks.lookup_quiet(key).map(|e| &e.value) else {
        return Err(Error::NoSuchKey);
    };
    let info = s.info();
    let mut m = Vec::new();
    kv(&mut m, "length", int_reply(info.length));
    kv(&mut m, "radix-tree-keys", int_reply(info.radix_tree_keys));
    kv(&mut m, "radix-tree-nodes", int_reply(info.radix_tree_nodes));
    kv(
        &mut m,
        "last-generated-id",
        id_reply(info.last_generated_id),
    );
    kv(
        &mut m,
        "max-deleted-entry-id",
        id_reply(info.max_deleted_entry_id),
    );
    kv(&mut m, "entries-added", int_reply(info.entries_added));
    kv(
        &mut m,
        "recorded-first-entry-id",
        id_reply(info.recorded_first_entry_id),
    );
    if !full {
        kv(&mut m, "groups", int_reply(info.groups));
        kv(
            &mut m,
            "first-entry",
            info.first_entry.map_or(Reply::Nil, entry_reply),
        );
        kv(
            &mut m,
            "last-entry",
            info.last_entry.map_or(Reply::Nil, entry_reply),
        );
        return Ok(Reply::Array(m));
    }
    let count = count as usize;
    let entries = s.range(StreamId::MIN, StreamId::MAX, false, count);
    kv(&mut m, "entries", super::entries_reply(entries));
    let mut groups = Vec::new();
    for g in s.groups_info() {
        let mut gm = Vec::new();
        kv(&mut gm, "name", Reply::Bulk(g.name.clone()));
        kv(&mut gm, "last-delivered-id", id_reply(g.last_delivered_id));
        kv(&mut gm, "entries-read", opt_int(g.entries_read));
        kv(&mut gm, "lag", opt_int(g.lag));
        kv(&mut gm, "pel-count", int_reply(g.pending));
        let pel = s
            .full_group_pel(&g.name, count)
            .into_iter()
            .map(|(id, c, t, n)| {
                Reply::Array(vec![
                    id_reply(id),
                    Reply::Bulk(c),
                    int_reply(t),
                    int_reply(n),
                ])
            })
            .collect();
        kv(&mut gm, "pending", Reply::Array(pel));
        let mut consumers = Vec::new();
        for c in s.consumers_info(&g.name, 0).unwrap_or_default() {
            let mut cm = Vec::new();
            kv(&mut cm, "name", Reply::Bulk(c.name.clone()));
            kv(&mut cm, "seen-time", int_reply(c.seen_time));
            kv(&mut cm, "pel-count", int_reply(c.pending));
            let pel = s
                .full_consumer_pel(&g.name, &c.name, count)
                .into_iter()
                .map(|(id, t, n)| Reply::Array(vec![id_reply(id), int_reply(t), int_reply(n)]))
                .collect();
            kv(&mut cm, "pending", Reply::Array(pel));
            consumers.push(Reply::Array(cm));
        }
        kv(&mut gm, "consumers", Reply::Array(consumers));
        groups.push(Reply::Array(gm));
    }
    kv(&mut m, "groups", Reply::Array(groups));
    let _ = Error::Syntax;
    Ok(Reply::Array(m))
}
