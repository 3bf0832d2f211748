//! The Redis command layer: argv in, the exact reply redis-server 7.0.15
//! would send out.
//!
//! ```
//! let mut ks = embedis::Keyspace::new(embedis::Config::default());
//! let mut session = embedis::command::Session::new();
//! let reply = session.execute(&mut ks, &[b"SET".as_slice(), b"k", b"v"]);
//! assert_eq!(reply.to_resp2(), b"+OK\r\n");
//! let reply = session.execute(&mut ks, &[b"GET".as_slice(), b"k"]);
//! assert_eq!(reply.to_resp2(), b"$1\r\nv\r\n");
//! ```
//!
//! # Layout
//!
//! A table of [`CommandSpec`]s (one slice per Redis command group, in the
//! file named after the group) gives each command's name, arity, flags and
//! key positions. [`Session::execute`] looks the command up, checks arity
//! and (with `cluster-enabled`) that all keys share a slot, then calls the
//! handler. Handlers only parse arguments and call the typed
//! [`Keyspace`](crate::Keyspace) methods, so the typed API and the wire
//! behaviour cannot drift apart.

mod args;
mod bitmap;
mod cluster;
mod config;
mod generic;
mod hash;
mod hyperloglog;
mod introspection;
mod list;
mod multi;
mod reply;
mod resp;
mod server;
mod session;
mod set;
mod sorted_set;
mod stream;
mod string;

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::OnceLock;
use std::time::Instant;

use crate::error::{Error, Result};
use crate::keyspace::Keyspace;

pub use reply::Reply;
pub use resp::{Parsed, ProtocolError, parse_request, split_args};
pub use session::Session;

pub(crate) use multi::Watches;

/// Command flags (a subset of Redis's, as bits).
pub mod flags {
    /// May modify the keyspace.
    pub const WRITE: u32 = 1;
    /// Never modifies the keyspace.
    pub const READONLY: u32 = 1 << 1;
    /// May grow memory: refused with OOM when over `maxmemory`.
    pub const DENYOOM: u32 = 1 << 2;
    /// O(1) or O(log n).
    pub const FAST: u32 = 1 << 3;
    /// Administrative command.
    pub const ADMIN: u32 = 1 << 4;
    /// Does not touch keys' access times (OBJECT, TYPE, TTL ...).
    pub const NO_TOUCH: u32 = 1 << 5;
}

/// Where a command's keys are in its argv.
#[derive(Clone, Copy)]
pub enum KeySpec {
    /// No keys.
    None,
    /// Keys at `first`, `first + step`, ... up to `last` (negative counts
    /// from the end: -1 is the last argument), as Redis's legacy key specs.
    Range {
        /// Index of the first key.
        first: i32,
        /// Index of the last key (negative: from the end).
        last: i32,
        /// Distance between keys.
        step: i32,
    },
    /// Computed from the arguments (e.g. a `numkeys` argument).
    Custom(fn(&[&[u8]]) -> Vec<usize>),
}

impl std::fmt::Debug for KeySpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            KeySpec::None => f.write_str("None"),
            KeySpec::Range { first, last, step } => write!(f, "Range({first}, {last}, {step})"),
            KeySpec::Custom(_) => f.write_str("Custom"),
        }
    }
}

impl KeySpec {
    /// Indexes of the keys in `argv`.
    pub fn key_indexes(&self, argv: &[&[u8]]) -> Vec<usize> {
        match *self {
            KeySpec::None => Vec::new(),
            KeySpec::Custom(f) => f(argv),
            KeySpec::Range { first, last, step } => {
                let argc = argv.len() as i32;
                let last = if last < 0 { argc + last } else { last };
                let mut out = Vec::new();
                let mut i = first;
                while i <= last && i < argc {
                    out.push(i as usize);
                    i += step.max(1);
                }
                out
            }
        }
    }
}

/// Key positions of a command that counts its keys (ZUNION, ZUNIONSTORE,
/// ZMPOP, LMPOP, SINTERCARD, EVAL, ...), as Redis finds them for the cluster
/// slot check: the count at `count_at` is read with C's `atoi`, and unless
/// `1 <= count <= argc - first` there are no keys at all (not even `store`),
/// so the command runs and reports its own error. Otherwise the keys are
/// `first..first + count`, then `store` (a destination key) when given.
pub(crate) fn numkeys_keys(
    argv: &[&[u8]],
    count_at: usize,
    first: usize,
    store: Option<usize>,
) -> Vec<usize> {
    let count = argv.get(count_at).map_or(0, |a| c_atoi(a));
    let room = argv.len().saturating_sub(first);
    match usize::try_from(count) {
        Ok(n) if n >= 1 && n <= room => (first..first + n).chain(store).collect(),
        _ => Vec::new(),
    }
}

/// C's `atoi` as glibc computes it: leading white space, an optional sign,
/// then digits up to the first other byte (0 when there are none); the
/// value saturates to 64 bits and is then cut to 32, as `(int)strtol(..)`.
fn c_atoi(s: &[u8]) -> i32 {
    let s = &s[s
        .iter()
        .take_while(|b| matches!(b, b' ' | b'\t'..=b'\r'))
        .count()..];
    let (neg, digits) = match s.first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let mut v: i64 = 0;
    for &d in digits.iter().take_while(|b| b.is_ascii_digit()) {
        let d = i64::from(d - b'0');
        v = v
            .saturating_mul(10)
            .saturating_add(if neg { -d } else { d });
    }
    v as i32
}

/// The execution context a handler gets.
pub(crate) struct Ctx<'a> {
    pub(crate) ks: &'a mut Keyspace,
    pub(crate) session: &'a mut Session,
}

/// A command handler: parses argv (argv[0] is the command name) and runs it.
pub(crate) type Handler = fn(&mut Ctx<'_>, &[&[u8]]) -> Result<Reply>;

/// One entry of the command table.
pub struct CommandSpec {
    /// Lowercase name (for subcommands, the subcommand alone).
    pub name: &'static str,
    /// Redis arity: positive = exact argc, negative = at least |arity|.
    pub arity: i32,
    /// Bits from [`flags`].
    pub flags: u32,
    /// Key positions.
    pub keys: KeySpec,
    pub(crate) handler: Handler,
    /// Subcommands (CONFIG GET, OBJECT ENCODING, ...); empty for plain commands.
    pub subcommands: &'static [CommandSpec],
}

impl std::fmt::Debug for CommandSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CommandSpec")
            .field("name", &self.name)
            .field("arity", &self.arity)
            .field("keys", &self.keys)
            .finish_non_exhaustive()
    }
}

impl CommandSpec {
    /// True when `argc` arguments satisfy the arity.
    pub fn arity_ok(&self, argc: usize) -> bool {
        let argc = argc as i64;
        let arity = i64::from(self.arity);
        if arity >= 0 {
            argc == arity
        } else {
            argc >= -arity
        }
    }
}

/// A plain (non-container) table entry; every group file builds its table
/// with it.
pub(crate) const fn spec(
    name: &'static str,
    arity: i32,
    flags: u32,
    keys: KeySpec,
    handler: Handler,
) -> CommandSpec {
    CommandSpec {
        name,
        arity,
        flags,
        keys,
        handler,
        subcommands: &[],
    }
}

/// A table entry whose one key is `argv[1]`: most commands of the type
/// groups (hash, list, string, stream) build their tables with it.
pub(crate) const fn keyed(
    name: &'static str,
    arity: i32,
    flags: u32,
    handler: Handler,
) -> CommandSpec {
    spec(name, arity, flags, ONE_KEY, handler)
}

/// A table entry without keys (server, cluster and CONFIG commands).
pub(crate) const fn keyless(
    name: &'static str,
    arity: i32,
    flags: u32,
    handler: Handler,
) -> CommandSpec {
    spec(name, arity, flags, KeySpec::None, handler)
}

/// Keys from `argv[first]` to `argv[last]` one by one (`last` negative:
/// counted from the end).
const fn key_range(first: i32, last: i32) -> KeySpec {
    KeySpec::Range {
        first,
        last,
        step: 1,
    }
}

/// The one key at `argv[1]`.
pub(crate) const ONE_KEY: KeySpec = key_range(1, 1);
/// The keys at `argv[1]` and `argv[2]` (source and destination).
pub(crate) const TWO_KEYS: KeySpec = key_range(1, 2);
/// Every argument after the name is a key.
pub(crate) const ALL_KEYS: KeySpec = key_range(1, -1);
/// Every argument but the name and the last (a timeout) is a key.
pub(crate) const ALL_BUT_LAST: KeySpec = key_range(1, -2);
/// The one key at `argv[2]` (subcommands such as OBJECT ENCODING, XINFO
/// STREAM, PFDEBUG's key).
pub(crate) const SECOND_KEY: KeySpec = key_range(2, 2);

/// A handler for container commands, never called (subcommands run instead).
pub(crate) fn container(_: &mut Ctx<'_>, _: &[&[u8]]) -> Result<Reply> {
    Err(Error::Syntax)
}

/// Every command group's table.
const GROUPS: &[&[CommandSpec]] = &[
    server::COMMANDS,
    config::COMMANDS,
    string::COMMANDS,
    generic::COMMANDS,
    cluster::COMMANDS,
    list::COMMANDS,
    hash::COMMANDS,
    set::COMMANDS,
    sorted_set::COMMANDS,
    stream::COMMANDS,
    bitmap::COMMANDS,
    hyperloglog::COMMANDS,
    introspection::COMMANDS,
    multi::COMMANDS,
];

/// Command names (as bytes, so a lookup needs no UTF-8 check) to specs,
/// hashed with the keyspace's fast hasher.
type Table = HashMap<&'static [u8], &'static CommandSpec, crate::keyspace::Hasher>;

fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| {
        GROUPS
            .iter()
            .flat_map(|g| g.iter())
            .map(|c| (c.name.as_bytes(), c))
            .collect()
    })
}

/// Looks a command up by name, ignoring case.
pub fn lookup(name: &[u8]) -> Option<&'static CommandSpec> {
    let mut buf = [0u8; 32];
    if name.len() > buf.len() {
        return None;
    }
    let lower = &mut buf[..name.len()];
    lower.copy_from_slice(name);
    lower.make_ascii_lowercase();
    table().get(&*lower).copied()
}

/// Every top-level command in the table.
pub fn commands() -> impl Iterator<Item = &'static CommandSpec> {
    GROUPS.iter().flat_map(|g| g.iter())
}

/// A command found in the table: its entry and, for a subcommand, the
/// container's entry.
#[derive(Clone, Copy, Debug)]
struct Found {
    spec: &'static CommandSpec,
    parent: Option<&'static CommandSpec>,
}

impl Found {
    /// The identity command statistics are kept under.
    fn id(self) -> crate::info::CommandId {
        crate::info::CommandId {
            id: std::ptr::from_ref(self.spec) as usize,
            parent: self.parent.map(|p| p.name),
            own: self.spec.name,
            skip_slowlog: self.is("exec"),
        }
    }

    /// True for the top-level command `name`.
    fn is(self, name: &str) -> bool {
        self.parent.is_none() && self.spec.name == name
    }
}

/// A command refused before running: the command when it is known (its
/// rejected calls count), and the error reply.
type Refused = (Option<Found>, Reply);

/// Resolves argv to the spec that will run it, checking arity, or returns
/// the exact error reply.
fn resolve(argv: &[&[u8]]) -> std::result::Result<Found, Refused> {
    let Some(spec) = lookup(argv[0]) else {
        return Err((None, unknown_command(argv)));
    };
    let top = Found { spec, parent: None };
    if !spec.arity_ok(argv.len()) {
        return Err((Some(top), Error::WrongArity(spec.name.to_owned()).into()));
    }
    if spec.subcommands.is_empty() {
        return Ok(top);
    }
    let sub = argv[1];
    let found = spec
        .subcommands
        .iter()
        .find(|s| sub.eq_ignore_ascii_case(s.name.as_bytes()));
    let Some(sub_spec) = found else {
        return Err((None, unknown_subcommand(spec.name, sub)));
    };
    let found = Found {
        spec: sub_spec,
        parent: Some(spec),
    };
    if !sub_spec.arity_ok(argv.len()) {
        let full = format!("{}|{}", spec.name, sub_spec.name);
        return Err((Some(found), Error::WrongArity(full).into()));
    }
    Ok(found)
}

/// Redis prints client bytes in some errors with `%.Ns`: cut at NUL and at
/// `max` bytes.
fn c_str(bytes: &[u8], max: usize) -> &[u8] {
    let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    &bytes[..end.min(max)]
}

/// Error replies never carry CR or LF (Redis turns them into spaces).
fn error_bytes(mut text: Vec<u8>) -> Reply {
    for b in &mut text {
        if *b == b'\r' || *b == b'\n' {
            *b = b' ';
        }
    }
    Reply::Error(Cow::Owned(text))
}

fn unknown_command(argv: &[&[u8]]) -> Reply {
    let mut args: Vec<u8> = Vec::new();
    for arg in &argv[1..] {
        if args.len() >= 128 {
            break;
        }
        let room = 128 - args.len();
        args.push(b'\'');
        args.extend_from_slice(c_str(arg, room));
        args.extend_from_slice(b"' ");
    }
    let mut text = b"ERR unknown command '".to_vec();
    text.extend_from_slice(c_str(argv[0], 128));
    text.extend_from_slice(b"', with args beginning with: ");
    text.extend_from_slice(&args);
    error_bytes(text)
}

fn unknown_subcommand(container: &str, sub: &[u8]) -> Reply {
    let mut text = b"ERR unknown subcommand '".to_vec();
    text.extend_from_slice(c_str(sub, 128));
    text.extend_from_slice(format!("'. Try {} HELP.", container.to_ascii_uppercase()).as_bytes());
    error_bytes(text)
}

/// Runs one command for `session` against `ks`, timing it and recording
/// its statistics (see [`crate::info`]); in MULTI, queues it instead.
pub(crate) fn dispatch(session: &mut Session, ks: &mut Keyspace, argv: &[&[u8]]) -> Reply {
    if argv.is_empty() {
        return Reply::Error(Cow::Borrowed(b"ERR empty command"));
    }
    let found = match admit(session, ks, argv) {
        Ok(found) => found,
        Err(Admission::Refused(found, reply)) => return refuse(session, ks, found, reply),
        Err(Admission::ExecCrossSlot(found)) => {
            // Redis's cluster redirection discards the transaction and
            // replies the error as it is.
            multi::discard_transaction(&mut Ctx { ks, session });
            let reply: Reply = Error::CrossSlot.into();
            if let Reply::Error(text) = &reply {
                ks.record_rejected(Some(&found.id()), text);
            }
            return reply;
        }
    };
    if let Some(tx) = &mut session.multi
        && !runs_in_multi(found)
    {
        ks.end_command();
        tx.push(found, argv);
        return Reply::Status(Cow::Borrowed("QUEUED"));
    }
    let reply = call(session, ks, found, argv);
    ks.end_command();
    reply
}

/// The commands that run at once inside MULTI instead of being queued.
fn runs_in_multi(found: Found) -> bool {
    ["exec", "discard", "multi", "watch"]
        .iter()
        .any(|name| found.is(name))
}

/// Runs an admitted command: selects the session's database, calls the
/// handler, records the call (statistics, errors, slow log).
fn call(session: &mut Session, ks: &mut Keyspace, found: Found, argv: &[&[u8]]) -> Reply {
    if ks.select(session.db).is_err() {
        session.db = 0;
        let _ = ks.select(0);
    }
    let start = Instant::now();
    let mut ctx = Ctx { ks, session };
    let reply = match (found.spec.handler)(&mut ctx, argv) {
        Ok(reply) => reply,
        Err(e) => e.into(),
    };
    let finished = Instant::now();
    let ran = crate::slowlog::Ran {
        argv,
        duration_ns: u64::try_from((finished - start).as_nanos()).unwrap_or(u64::MAX),
        finished,
        client_addr: &session.client_addr,
        client_name: &session.client_name,
    };
    let error = match &reply {
        Reply::Error(text) => Some(&text[..]),
        _ => None,
    };
    ks.record_call(&found.id(), &ran, error);
    reply
}

/// A command refused before running, as Redis's `rejectCommand`: inside
/// MULTI the transaction is marked so EXEC aborts; a refused EXEC ends the
/// transaction and replies `EXECABORT` quoting the reason; the refusal is
/// counted (the command's rejected calls, the error statistics).
fn refuse(session: &mut Session, ks: &mut Keyspace, found: Option<Found>, reply: Reply) -> Reply {
    let reply = match (found, reply) {
        (Some(f), Reply::Error(text)) if f.is("exec") => {
            multi::discard_transaction(&mut Ctx { ks, session });
            // Redis quotes its own text: arity errors have no `ERR` code.
            let reason = text.strip_prefix(b"ERR ").unwrap_or(&text);
            let mut out = b"EXECABORT Transaction discarded because of: ".to_vec();
            out.extend_from_slice(reason);
            Reply::Error(Cow::Owned(out))
        }
        (_, reply) => {
            if let Some(tx) = &mut session.multi {
                tx.refused = true;
            }
            reply
        }
    };
    if let Reply::Error(text) = &reply {
        ks.record_rejected(found.map(Found::id).as_ref(), text);
    }
    reply
}

/// The checks a command passes before it runs: it exists, its arity,
/// (with `cluster-enabled`) that its keys share a slot, and memory. As
/// Redis's processCommand, with `maxmemory` set every command first
/// evicts; then a DENYOOM command, EXEC of a transaction holding one, or
/// (inside MULTI) any command but EXEC and DISCARD is refused while over
/// the limit.
fn admit(
    session: &Session,
    ks: &mut Keyspace,
    argv: &[&[u8]],
) -> std::result::Result<Found, Admission> {
    let found = resolve(argv).map_err(|(found, reply)| Admission::Refused(found, reply))?;
    if ks.config.cluster_enabled {
        // EXEC checks the keys of every queued command together.
        if let Some(tx) = session.multi.as_ref().filter(|_| found.is("exec")) {
            if same_slot(tx.keys()).is_err() {
                return Err(Admission::ExecCrossSlot(found));
            }
        } else if let Err(e) = check_slots(found.spec, argv) {
            return Err(Admission::Refused(Some(found), e.into()));
        }
    }
    let denyoom = found.spec.flags & flags::DENYOOM != 0
        || session.multi.as_ref().is_some_and(|tx| {
            (found.is("exec") && tx.flags & flags::DENYOOM != 0)
                || !(found.is("exec") || found.is("discard"))
        });
    if let Err(e) = ks.admit_command(denyoom) {
        return Err(Admission::Refused(Some(found), e.into()));
    }
    Ok(found)
}

/// Why [`admit`] turned a command away.
enum Admission {
    /// Refused with this reply (see [`refuse`]).
    Refused(Option<Found>, Reply),
    /// EXEC whose queued commands' keys span slots (cluster mode).
    ExecCrossSlot(Found),
}

/// Fails with CROSSSLOT when the command's keys span more than one slot.
fn check_slots(spec: &CommandSpec, argv: &[&[u8]]) -> Result<()> {
    same_slot(spec.keys.key_indexes(argv).into_iter().map(|i| argv[i]))
}

/// Fails with CROSSSLOT unless all `keys` hash to one slot.
fn same_slot<'a>(keys: impl Iterator<Item = &'a [u8]>) -> Result<()> {
    let mut slot = None;
    for key in keys {
        let s = crate::cluster::key_hash_slot(key);
        match slot {
            None => slot = Some(s),
            Some(prev) if prev != s => return Err(Error::CrossSlot),
            Some(_) => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    fn run(ks: &mut Keyspace, s: &mut Session, argv: &[&str]) -> Vec<u8> {
        let argv: Vec<&[u8]> = argv.iter().map(|a| a.as_bytes()).collect();
        s.execute(ks, &argv).to_resp2()
    }

    #[test]
    fn numkeys_keys_follow_redis() {
        let keys = |line: &str, count_at, first, store| {
            let v: Vec<&[u8]> = line.split(' ').map(str::as_bytes).collect();
            numkeys_keys(&v, count_at, first, store)
        };
        let none: Vec<usize> = Vec::new();
        assert_eq!(keys("ZUNIONSTORE d 2 a b", 2, 3, Some(1)), vec![3, 4, 1]);
        assert_eq!(keys("ZUNIONSTORE d 3 a b", 2, 3, Some(1)), none);
        assert_eq!(keys("ZUNIONSTORE d 0 a", 2, 3, Some(1)), none);
        assert_eq!(keys("LMPOP 3 a b LEFT", 1, 2, None), vec![2, 3, 4]);
        assert_eq!(keys("LMPOP 2x a b LEFT", 1, 2, None), vec![2, 3]);
        assert_eq!(keys("LMPOP 4294967298 a b", 1, 2, None), vec![2, 3]);
        assert_eq!(keys("LMPOP", 1, 2, None), none);
        assert_eq!(c_atoi(b"  -12x"), -12);
        assert_eq!(c_atoi(b"+7"), 7);
        assert_eq!(c_atoi(b"x1"), 0);
        assert_eq!(c_atoi(b"99999999999999999999"), -1);
        assert_eq!(c_atoi(b"-99999999999999999999"), 0);
    }

    #[test]
    fn table_names_are_unique_and_lowercase() {
        let mut seen = std::collections::HashSet::new();
        for c in commands() {
            assert_eq!(c.name, c.name.to_ascii_lowercase());
            assert!(seen.insert(c.name), "duplicate {}", c.name);
        }
    }

    #[test]
    fn unknown_and_arity_errors() {
        let mut ks = Keyspace::new(Config::default());
        let mut s = Session::new();
        assert_eq!(
            run(&mut ks, &mut s, &["foo", "a", "b"]),
            b"-ERR unknown command 'foo', with args beginning with: 'a' 'b' \r\n"
        );
        assert_eq!(
            run(&mut ks, &mut s, &["GET"]),
            b"-ERR wrong number of arguments for 'get' command\r\n"
        );
    }
}
