//! Introspection commands: INFO, the MEMORY container (USAGE, STATS,
//! DOCTOR, MALLOC-STATS, PURGE, HELP) and the SLOWLOG container (GET, LEN,
//! RESET, HELP).

use super::args::{self, is_kw};
use super::flags::READONLY;
use super::{CommandSpec, Ctx, KeySpec, Reply, SECOND_KEY, c_str, container, error_bytes, spec};
use crate::error::{Error, Result};
use crate::info::MemoryStats;
use crate::slowlog::SlowlogEntry;
use crate::util::float::format_double;

pub(super) const COMMANDS: &[CommandSpec] = &[
    spec("info", -1, 0, KeySpec::None, info),
    CommandSpec {
        name: "memory",
        arity: -2,
        flags: 0,
        keys: KeySpec::None,
        handler: container,
        subcommands: MEMORY,
    },
    CommandSpec {
        name: "slowlog",
        arity: -2,
        flags: 0,
        keys: KeySpec::None,
        handler: container,
        subcommands: SLOWLOG,
    },
];

const MEMORY: &[CommandSpec] = &[
    spec("doctor", 2, 0, KeySpec::None, memory_doctor),
    spec("malloc-stats", 2, 0, KeySpec::None, memory_malloc_stats),
    spec("purge", 2, 0, KeySpec::None, memory_purge),
    spec("stats", 2, 0, KeySpec::None, memory_stats),
    spec("usage", -3, READONLY, SECOND_KEY, memory_usage),
    spec("help", 2, 0, KeySpec::None, memory_help),
];

const SLOWLOG: &[CommandSpec] = &[
    spec("get", -2, 0, KeySpec::None, slowlog_get),
    spec("len", 2, 0, KeySpec::None, slowlog_len),
    spec("reset", 2, 0, KeySpec::None, slowlog_reset),
    spec("help", 2, 0, KeySpec::None, slowlog_help),
];

fn info(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    ctx.ks.raise_memory_peak();
    Ok(Reply::Bulk(ctx.ks.info(&argv[1..]).into_bytes()))
}

/// `MEMORY USAGE key [SAMPLES count]`: options are checked before the key
/// is looked up; a count of 0 means every element.
fn memory_usage(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    let mut samples = DEFAULT_SAMPLES;
    let mut opts = args::Args::new(argv, 3);
    while let Some(opt) = opts.next() {
        if !is_kw(opt, "samples") || opts.is_empty() {
            return Err(Error::Syntax);
        }
        let n = opts.int_value()?;
        samples = match usize::try_from(n) {
            Ok(0) => usize::MAX,
            Ok(n) => n,
            Err(_) => return Err(Error::Syntax),
        };
    }
    Ok(ctx
        .ks
        .memory_usage(argv[2], samples)
        .map_or(Reply::Nil, Reply::from))
}

/// Elements MEMORY USAGE samples by default.
const DEFAULT_SAMPLES: usize = 5;

fn memory_stats(ctx: &mut Ctx<'_>, _: &[&[u8]]) -> Result<Reply> {
    Ok(memory_stats_reply(&ctx.ks.memory_stats()))
}

/// MEMORY STATS as Redis replies it: a flat list of name, value pairs,
/// each `db.N` holding its own list. Ratios are single precision, printed
/// as doubles.
fn memory_stats_reply(m: &MemoryStats) -> Reply {
    let mut out = Vec::with_capacity(2 * (27 + m.dbs.len()));
    let int = |out: &mut Vec<Reply>, name: &'static str, v: i64| {
        out.push(Reply::bulk(name));
        out.push(Reply::Integer(v));
    };
    let as_i64 = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
    int(&mut out, "peak.allocated", as_i64(m.peak_allocated));
    int(&mut out, "total.allocated", as_i64(m.total_allocated));
    int(&mut out, "startup.allocated", as_i64(m.startup_allocated));
    for name in [
        "replication.backlog",
        "clients.slaves",
        "clients.normal",
        "cluster.links",
        "aof.buffer",
        "lua.caches",
        "functions.caches",
    ] {
        int(&mut out, name, 0);
    }
    for db in &m.dbs {
        out.push(Reply::bulk(format!("db.{}", db.db)));
        let mut inner = Vec::with_capacity(6);
        int(&mut inner, "overhead.hashtable.main", as_i64(db.main));
        int(&mut inner, "overhead.hashtable.expires", as_i64(db.expires));
        int(
            &mut inner,
            "overhead.hashtable.slot-to-keys",
            as_i64(db.slot_to_keys),
        );
        out.push(Reply::Array(inner));
    }
    int(&mut out, "overhead.total", as_i64(m.overhead_total));
    int(&mut out, "keys.count", as_i64(m.keys_count));
    int(&mut out, "keys.bytes-per-key", as_i64(m.keys_bytes_per_key));
    int(&mut out, "dataset.bytes", as_i64(m.dataset_bytes));
    let double = |out: &mut Vec<Reply>, name: &'static str, v: f32| {
        out.push(Reply::bulk(name));
        out.push(Reply::Bulk(format_double(f64::from(v))));
    };
    double(&mut out, "dataset.percentage", m.dataset_percentage);
    double(&mut out, "peak.percentage", m.peak_percentage);
    // As a libc-malloc build of Redis: the allocator's figures are the
    // used memory and the process RSS.
    int(&mut out, "allocator.allocated", as_i64(m.total_allocated));
    int(&mut out, "allocator.active", as_i64(m.process_rss));
    int(&mut out, "allocator.resident", as_i64(m.process_rss));
    double(&mut out, "allocator-fragmentation.ratio", m.fragmentation());
    int(
        &mut out,
        "allocator-fragmentation.bytes",
        m.fragmentation_bytes(),
    );
    double(&mut out, "allocator-rss.ratio", 1.0);
    int(&mut out, "allocator-rss.bytes", 0);
    double(&mut out, "rss-overhead.ratio", 1.0);
    int(&mut out, "rss-overhead.bytes", 0);
    double(&mut out, "fragmentation", m.fragmentation());
    int(&mut out, "fragmentation.bytes", m.fragmentation_bytes());
    Reply::Array(out)
}

fn memory_doctor(ctx: &mut Ctx<'_>, _: &[&[u8]]) -> Result<Reply> {
    Ok(Reply::Bulk(ctx.ks.memory_doctor().into_bytes()))
}

/// The host's allocator is not jemalloc, so this is what Redis built
/// with libc malloc replies.
fn memory_malloc_stats(_: &mut Ctx<'_>, _: &[&[u8]]) -> Result<Reply> {
    Ok(Reply::bulk("Stats not supported for the current allocator"))
}

/// Nothing to purge without jemalloc: OK, as Redis built with libc malloc.
fn memory_purge(_: &mut Ctx<'_>, _: &[&[u8]]) -> Result<Reply> {
    Ok(Reply::OK)
}

const MEMORY_HELP: &[&str] = &[
    "MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "DOCTOR",
    "    Return memory problems reports.",
    "MALLOC-STATS",
    "    Return internal statistics report from the memory allocator.",
    "PURGE",
    "    Attempt to purge dirty pages for reclamation by the allocator.",
    "STATS",
    "    Return information about the memory usage of the server.",
    "USAGE <key> [SAMPLES <count>]",
    "    Return memory in bytes used by <key> and its value. Nested values are",
    "    sampled up to <count> times (default: 5, 0 means sample all).",
    "HELP",
    "    Prints this help.",
];

fn memory_help(_: &mut Ctx<'_>, _: &[&[u8]]) -> Result<Reply> {
    Ok(Reply::status_lines(MEMORY_HELP))
}

/// `SLOWLOG GET [count]`: 10 entries by default, -1 for all.
fn slowlog_get(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    if argv.len() > 3 {
        return Ok(subcommand_syntax_error(argv));
    }
    let count = match argv.get(2) {
        None => 10,
        Some(arg) => match args::int(arg) {
            Ok(-1) => usize::MAX,
            Ok(n) if n >= 0 => usize::try_from(n).unwrap_or(usize::MAX),
            _ => {
                return Err(Error::other(
                    "ERR count should be greater than or equal to -1",
                ));
            }
        },
    };
    Ok(Reply::Array(
        ctx.ks
            .slowlog_get(count)
            .into_iter()
            .map(entry_reply)
            .collect(),
    ))
}

fn entry_reply(e: SlowlogEntry) -> Reply {
    let int = |v: u64| Reply::Integer(i64::try_from(v).unwrap_or(i64::MAX));
    Reply::Array(vec![
        int(e.id),
        int(e.time),
        int(e.duration_us),
        Reply::bulks(e.args),
        Reply::Bulk(e.client_addr),
        Reply::Bulk(e.client_name),
    ])
}

fn slowlog_len(ctx: &mut Ctx<'_>, _: &[&[u8]]) -> Result<Reply> {
    Ok(ctx.ks.slowlog_len().into())
}

fn slowlog_reset(ctx: &mut Ctx<'_>, _: &[&[u8]]) -> Result<Reply> {
    ctx.ks.slowlog_reset();
    Ok(Reply::OK)
}

const SLOWLOG_HELP: &[&str] = &[
    "SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "GET [<count>]",
    "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
    "    Entries are made of:",
    "    id, timestamp, time in microseconds, arguments array, client IP and port,",
    "    client name",
    "LEN",
    "    Return the length of the slowlog.",
    "RESET",
    "    Reset the slowlog.",
    "HELP",
    "    Prints this help.",
];

fn slowlog_help(_: &mut Ctx<'_>, _: &[&[u8]]) -> Result<Reply> {
    Ok(Reply::status_lines(SLOWLOG_HELP))
}

/// Redis's reply when a subcommand gets arguments it cannot take: the
/// subcommand as typed, the container upper-cased.
fn subcommand_syntax_error(argv: &[&[u8]]) -> Reply {
    let mut text = b"ERR unknown subcommand or wrong number of arguments for '".to_vec();
    text.extend_from_slice(c_str(argv[1], 128));
    text.extend_from_slice(b"'. Try ");
    text.extend_from_slice(&argv[0].to_ascii_uppercase());
    text.extend_from_slice(b" HELP.");
    error_bytes(text)
}
