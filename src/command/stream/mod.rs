//! Commands of Redis's `stream` group: XADD, XRANGE, XREAD, consumer
//! groups (in `group.rs`) and XINFO (in `info.rs`).
//!
//! Handlers parse argv with Redis's rules and error order, then call the
//! typed methods in [`crate::types::stream`]. XREAD and XREADGROUP never
//! block: a BLOCK argument is validated, and when there is nothing to
//! return the reply is the nil array a timed-out block gets.

mod group;
mod info;

use super::flags::{DENYOOM, FAST, READONLY, WRITE};
use super::keyed as spec;
use super::{CommandSpec, Ctx, KeySpec, Reply, SECOND_KEY};
use crate::error::{Error, Result};
use crate::types::stream::{
    StreamEntry, StreamId, StreamRead, XAddId, XAddOptions, XTrim, XTrimStrategy,
};
use crate::util::num::parse_i64;

pub(super) const COMMANDS: &[CommandSpec] = &[
    spec("xadd", -5, WRITE | DENYOOM | FAST, xadd),
    spec("xrange", -4, READONLY, xrange),
    spec("xrevrange", -4, READONLY, xrevrange),
    spec("xlen", 2, READONLY | FAST, xlen),
    spec("xdel", -3, WRITE | FAST, xdel),
    spec("xtrim", -4, WRITE, xtrim),
    spec("xsetid", -3, WRITE | DENYOOM | FAST, xsetid),
    CommandSpec {
        name: "xread",
        arity: -4,
        flags: READONLY,
        keys: KeySpec::Custom(read_keys),
        handler: xread,
        subcommands: &[],
    },
    CommandSpec {
        name: "xreadgroup",
        arity: -7,
        flags: WRITE,
        keys: KeySpec::Custom(read_keys),
        handler: group::xreadgroup,
        subcommands: &[],
    },
    spec("xack", -4, WRITE | FAST, group::xack),
    spec("xpending", -3, READONLY, group::xpending),
    spec("xclaim", -6, WRITE | FAST, group::xclaim),
    spec("xautoclaim", -6, WRITE | FAST, group::xautoclaim),
    CommandSpec {
        name: "xgroup",
        arity: -2,
        flags: 0,
        keys: KeySpec::None,
        handler: super::container,
        subcommands: group::XGROUP_SUBCOMMANDS,
    },
    CommandSpec {
        name: "xinfo",
        arity: -2,
        flags: 0,
        keys: KeySpec::None,
        handler: super::container,
        subcommands: info::XINFO_SUBCOMMANDS,
    },
];

/// The keys of XREAD/XREADGROUP: the first half of what follows STREAMS.
fn read_keys(argv: &[&[u8]]) -> Vec<usize> {
    let Some(pos) = argv.iter().position(|a| kw(a, "streams")) else {
        return Vec::new();
    };
    let n = (argv.len() - pos - 1) / 2;
    (pos + 1..pos + 1 + n).collect()
}

pub(super) use super::args::kw;

/// True when `arg` is exactly the C string `s`.
pub(super) fn c_eq(arg: &[u8], s: &[u8]) -> bool {
    let end = arg.iter().position(|&b| b == 0).unwrap_or(arg.len());
    &arg[..end] == s
}

pub(super) fn int(arg: &[u8]) -> Result<i64> {
    parse_i64(arg).ok_or(Error::NotInteger)
}

/// An integer with a command-specific error text.
pub(super) fn int_or(arg: &[u8], text: &'static str) -> Result<i64> {
    parse_i64(arg).ok_or(Error::other(text))
}

/// A range start: inclusive, or exclusive with `(`.
pub(super) fn interval_start(arg: &[u8]) -> Result<StreamId> {
    if arg.len() > 1 && arg[0] == b'(' {
        let id = StreamId::parse(&arg[1..], 0, true)?;
        return id
            .incr()
            .ok_or(Error::other("ERR invalid start ID for the interval"));
    }
    StreamId::parse(arg, 0, false)
}

/// A range end: inclusive, or exclusive with `(`.
pub(super) fn interval_end(arg: &[u8]) -> Result<StreamId> {
    if arg.len() > 1 && arg[0] == b'(' {
        let id = StreamId::parse(&arg[1..], u64::MAX, true)?;
        return id
            .decr()
            .ok_or(Error::other("ERR invalid end ID for the interval"));
    }
    StreamId::parse(arg, u64::MAX, false)
}

pub(super) fn id_reply(id: StreamId) -> Reply {
    Reply::Bulk(id.to_bytes())
}

pub(super) fn fields_reply(fields: Vec<(Vec<u8>, Vec<u8>)>) -> Reply {
    Reply::bulks(fields.into_iter().flat_map(|(f, v)| [f, v]))
}

pub(super) fn entry_reply(e: StreamEntry) -> Reply {
    Reply::Array(vec![id_reply(e.id), fields_reply(e.fields)])
}

pub(super) fn entries_reply(entries: Vec<StreamEntry>) -> Reply {
    Reply::Array(entries.into_iter().map(entry_reply).collect())
}

/// XREAD/XREADGROUP replies: nil array when nothing was served.
pub(super) fn reads_reply(reads: Vec<StreamRead>) -> Reply {
    if reads.is_empty() {
        return Reply::NilArray;
    }
    Reply::Array(
        reads
            .into_iter()
            .map(|r| {
                let entries = r
                    .entries
                    .into_iter()
                    .map(|(id, fields)| {
                        let body = fields.map_or(Reply::NilArray, fields_reply);
                        Reply::Array(vec![id_reply(id), body])
                    })
                    .collect();
                Reply::Array(vec![Reply::Bulk(r.key), Reply::Array(entries)])
            })
            .collect(),
    )
}

/// Parsed XADD/XTRIM options.
struct AddArgs {
    trim: Option<XTrim>,
    nomkstream: bool,
    id: XAddId,
    /// Index of the ID argument (XADD).
    id_pos: usize,
}

/// The shared XADD/XTRIM option parser, with Redis's error order.
fn parse_add_or_trim(argv: &[&[u8]], xadd: bool) -> Result<AddArgs> {
    let mut strategy: Option<XTrimStrategy> = None;
    let mut approx = false;
    let mut limit: Option<i64> = None;
    let mut args = AddArgs {
        trim: None,
        nomkstream: false,
        id: XAddId::Auto,
        id_pos: argv.len(),
    };
    let mut i = 2;
    while i < argv.len() {
        let more = argv.len() - 1 - i;
        let opt = argv[i];
        if xadd && c_eq(opt, b"*") {
            args.id_pos = i;
            break;
        } else if (kw(opt, "maxlen") || kw(opt, "minid")) && more > 0 {
            if strategy.is_some() {
                return Err(Error::other(
                    "ERR syntax error, MAXLEN and MINID options at the same time are not compatible",
                ));
            }
            approx = false;
            let next = argv[i + 1];
            if more >= 2 && c_eq(next, b"~") {
                approx = true;
                i += 1;
            } else if more >= 2 && c_eq(next, b"=") {
                i += 1;
            }
            strategy = Some(if kw(opt, "maxlen") {
                let n = int(argv[i + 1])?;
                if n < 0 {
                    return Err(Error::other("ERR The MAXLEN argument must be >= 0."));
                }
                XTrimStrategy::MaxLen(n as u64)
            } else {
                XTrimStrategy::MinId(StreamId::parse(argv[i + 1], 0, true)?)
            });
            i += 1;
        } else if kw(opt, "limit") && more > 0 {
            let n = int(argv[i + 1])?;
            if n < 0 {
                return Err(Error::other("ERR The LIMIT argument must be >= 0."));
            }
            limit = Some(n);
            i += 1;
        } else if xadd && kw(opt, "nomkstream") {
            args.nomkstream = true;
        } else if xadd {
            let (id, seq_given) = StreamId::parse_for_add(opt)?;
            args.id = if seq_given {
                XAddId::Explicit(id)
            } else {
                XAddId::AutoSeq(id.ms)
            };
            args.id_pos = i;
            break;
        } else {
            return Err(Error::Syntax);
        }
        i += 1;
    }
    if limit.is_some_and(|l| l != 0) && strategy.is_none() {
        return Err(Error::other(
            "ERR syntax error, LIMIT cannot be used without specifying a trimming strategy",
        ));
    }
    if !xadd && strategy.is_none() {
        return Err(Error::other(
            "ERR syntax error, XTRIM must be called with a trimming strategy",
        ));
    }
    if limit.is_some() && !approx {
        return Err(Error::other(
            "ERR syntax error, LIMIT cannot be used without the special ~ option",
        ));
    }
    args.trim = strategy.map(|strategy| XTrim {
        strategy,
        approx,
        limit: limit.map(|l| l as u64),
    });
    Ok(args)
}

fn xadd(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    let args = parse_add_or_trim(argv, true)?;
    let field_pos = args.id_pos + 1;
    let n = argv.len() as i64 - field_pos as i64;
    if n < 2 || n % 2 == 1 {
        return Err(Error::WrongArity("xadd".into()));
    }
    let fields: Vec<(&[u8], &[u8])> = argv[field_pos..]
        .chunks_exact(2)
        .map(|p| (p[0], p[1]))
        .collect();
    let opts = XAddOptions {
        nomkstream: args.nomkstream,
        trim: args.trim,
    };
    Ok(match ctx.ks.xadd(argv[1], args.id, &fields, &opts)? {
        Some(id) => id_reply(id),
        None => Reply::Nil,
    })
}

fn xtrim(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    let args = parse_add_or_trim(argv, false)?;
    let trim = args.trim.expect("XTRIM has a strategy");
    Ok(Reply::Integer(ctx.ks.xtrim(argv[1], &trim)? as i64))
}

fn range_generic(ctx: &mut Ctx<'_>, argv: &[&[u8]], rev: bool) -> Result<Reply> {
    let (start_arg, end_arg) = if rev {
        (argv[3], argv[2])
    } else {
        (argv[2], argv[3])
    };
    let start = interval_start(start_arg)?;
    let end = interval_end(end_arg)?;
    let mut count: Option<usize> = None;
    let mut j = 4;
    while j < argv.len() {
        if kw(argv[j], "count") && argv.len() - j > 1 {
            count = Some(int(argv[j + 1])?.max(0) as usize);
            j += 2;
        } else {
            return Err(Error::Syntax);
        }
    }
    if count == Some(0) {
        return Ok(match ctx.ks.stream_value(argv[1]) {
            Ok(_) => Reply::NilArray,
            Err(Error::NoSuchKey) => Reply::Array(Vec::new()),
            Err(e) => return Err(e),
        });
    }
    let entries = if rev {
        ctx.ks.xrevrange(argv[1], end, start, count)?
    } else {
        ctx.ks.xrange(argv[1], start, end, count)?
    };
    Ok(entries_reply(entries))
}

fn xrange(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    range_generic(ctx, argv, false)
}

fn xrevrange(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    range_generic(ctx, argv, true)
}

fn xlen(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    Ok(Reply::Integer(ctx.ks.xlen(argv[1])? as i64))
}

fn xdel(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    if !ctx.ks.stream_probe(argv[1])? {
        return Ok(Reply::Integer(0));
    }
    let ids = argv[2..]
        .iter()
        .map(|a| StreamId::parse(a, 0, true))
        .collect::<Result<Vec<_>>>()?;
    Ok(Reply::Integer(ctx.ks.xdel(argv[1], &ids)? as i64))
}

fn xsetid(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    let id = StreamId::parse(argv[2], 0, true)?;
    let mut entries_added = None;
    let mut max_deleted = None;
    let mut i = 3;
    while i < argv.len() {
        let more = argv.len() - 1 - i;
        if kw(argv[i], "entriesadded") && more > 0 {
            let n = int(argv[i + 1])?;
            if n < 0 {
                return Err(Error::other("ERR entries_added must be positive"));
            }
            entries_added = Some(n as u64);
        } else if kw(argv[i], "maxdeletedid") && more > 0 {
            let md = StreamId::parse(argv[i + 1], 0, true)?;
            if id < md {
                return Err(Error::other(
                    "ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id",
                ));
            }
            max_deleted = Some(md);
        } else {
            return Err(Error::Syntax);
        }
        i += 2;
    }
    ctx.ks.xsetid(argv[1], id, entries_added, max_deleted)?;
    Ok(Reply::OK)
}

/// Options shared by XREAD and XREADGROUP.
pub(super) struct ReadArgs<'a> {
    pub(super) count: usize,
    pub(super) group: Option<(&'a [u8], &'a [u8])>,
    pub(super) noack: bool,
    pub(super) streams_at: usize,
    pub(super) n: usize,
}

/// Parses XREAD/XREADGROUP options up to STREAMS, as Redis orders its
/// checks.
pub(super) fn parse_read<'a>(argv: &[&'a [u8]], group_cmd: bool) -> Result<ReadArgs<'a>> {
    let mut args = ReadArgs {
        count: 0,
        group: None,
        noack: false,
        streams_at: 0,
        n: 0,
    };
    let mut i = 1;
    while i < argv.len() {
        let more = argv.len() - i - 1;
        let o = argv[i];
        if kw(o, "block") && more > 0 {
            i += 1;
            let t = int_or(argv[i], "ERR timeout is not an integer or out of range")?;
            if t < 0 {
                return Err(Error::other("ERR timeout is negative"));
            }
        } else if kw(o, "count") && more > 0 {
            i += 1;
            args.count = int(argv[i])?.max(0) as usize;
        } else if kw(o, "streams") && more > 0 {
            args.streams_at = i + 1;
            let rest = argv.len() - args.streams_at;
            if !rest.is_multiple_of(2) {
                return Err(Error::other(
                    "ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified.",
                ));
            }
            args.n = rest / 2;
            break;
        } else if kw(o, "group") && more >= 2 {
            if !group_cmd {
                return Err(Error::other(
                    "ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.",
                ));
            }
            args.group = Some((argv[i + 1], argv[i + 2]));
            i += 2;
        } else if kw(o, "noack") {
            if !group_cmd {
                return Err(Error::other(
                    "ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.",
                ));
            }
            args.noack = true;
        } else {
            return Err(Error::Syntax);
        }
        i += 1;
    }
    if args.streams_at == 0 {
        return Err(Error::Syntax);
    }
    if group_cmd && args.group.is_none() {
        return Err(Error::other("ERR Missing GROUP option for XREADGROUP"));
    }
    Ok(args)
}

fn xread(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    let args = parse_read(argv, false)?;
    let mut streams = Vec::with_capacity(args.n);
    for k in 0..args.n {
        let key = argv[args.streams_at + k];
        let id_arg = argv[args.streams_at + args.n + k];
        let last = ctx.ks.stream_last_id(key)?;
        let after = if c_eq(id_arg, b"$") {
            last.unwrap_or(StreamId::MIN)
        } else if c_eq(id_arg, b">") {
            return Err(Error::other(
                "ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.",
            ));
        } else {
            StreamId::parse(id_arg, 0, true)?
        };
        streams.push((key, after));
    }
    Ok(reads_reply(ctx.ks.xread_after(&streams, args.count)?))
}
