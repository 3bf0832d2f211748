//! Transactions: MULTI, EXEC, DISCARD, WATCH and UNWATCH, as Redis 7.0.15
//! runs them for one client.
//!
//! While a session is in MULTI, [`super::dispatch`] checks each command as
//! usual (existence, arity, slots, memory) and queues it with `+QUEUED`
//! instead of running it; a command refused there marks the transaction,
//! and EXEC then discards it with `EXECABORT`. EXEC runs the queue as
//! separate calls (each counted in the statistics), replies their replies
//! in one array, errors included, or a nil array when a watched key changed
//! since WATCH.
//!
//! WATCH keeps, per session, each watched key with the keyspace's
//! modification stamp at the time; the keyspace's [`Watches`] table records
//! the stamp of the last change of every key some session watches (fed by
//! `Keyspace::signal_modified`, and by FLUSHDB, FLUSHALL and SWAPDB for the
//! watched keys they empty or replace).

use std::collections::HashMap;

use super::flags::FAST;
use super::{ALL_KEYS, CommandSpec, Ctx, Found, Reply, keyless, spec};
use crate::error::{Error, Result};
use crate::keyspace::Keyspace;

pub(super) const COMMANDS: &[CommandSpec] = &[
    keyless("multi", 1, FAST, multi),
    keyless("exec", 1, 0, exec),
    keyless("discard", 1, FAST, discard),
    spec("watch", -2, FAST, ALL_KEYS, watch),
    keyless("unwatch", 1, FAST, unwatch),
];

/// What EXEC replies after a refusal while queueing.
pub(super) const EXECABORT: &str = "EXECABORT Transaction discarded because of previous errors.";

/// A session's open transaction.
#[derive(Debug, Clone, Default)]
pub(crate) struct Transaction {
    /// The queued commands with their arguments.
    queue: Vec<(Found, Vec<Vec<u8>>)>,
    /// A command was refused while queueing: EXEC aborts.
    pub(super) refused: bool,
    /// The union of the queued commands' flags.
    pub(super) flags: u32,
}

impl Transaction {
    /// The keys of every queued command, for EXEC's slot check.
    pub(super) fn keys(&self) -> impl Iterator<Item = &[u8]> {
        self.queue.iter().flat_map(|(found, argv)| {
            let argv: Vec<&[u8]> = argv.iter().map(Vec::as_slice).collect();
            let at = found.spec.keys.key_indexes(&argv);
            at.into_iter().map(move |i| argv[i])
        })
    }

    /// Queues a command that passed the checks.
    pub(super) fn push(&mut self, found: Found, argv: &[&[u8]]) {
        self.flags |= found.spec.flags;
        self.queue
            .push((found, argv.iter().map(|a| a.to_vec()).collect()));
    }
}

/// A key one session watches: its database, name, the keyspace's stamp
/// when WATCH ran, and whether the key was already past its TTL then.
#[derive(Debug, Clone)]
pub(crate) struct Watched {
    db: usize,
    key: Box<[u8]>,
    stamp: u64,
    expired: bool,
}

/// One database's watched keys: how many watches hold each, and the stamp
/// of its last change.
type WatchedKeys = HashMap<Box<[u8]>, (u32, u64)>;

/// The keyspace's side of WATCH: the watched keys of each database.
#[derive(Debug, Default)]
pub(crate) struct Watches {
    dbs: HashMap<usize, WatchedKeys>,
    /// Advances with every change of a watched key.
    clock: u64,
}

impl Watches {
    /// Records that `key` of database `db` changed, if anyone watches it.
    #[inline]
    pub(crate) fn touch(&mut self, db: usize, key: &[u8]) {
        if !self.dbs.is_empty() {
            self.touch_watched(db, key);
        }
    }

    /// [`Watches::touch`] once some key is watched.
    #[inline(never)]
    fn touch_watched(&mut self, db: usize, key: &[u8]) {
        if let Some(slot) = self.dbs.get_mut(&db).and_then(|keys| keys.get_mut(key)) {
            self.clock += 1;
            slot.1 = self.clock;
        }
    }

    /// The watched keys of database `db`.
    fn keys_in(&self, db: usize) -> Vec<Box<[u8]>> {
        self.dbs
            .get(&db)
            .map(|keys| keys.keys().cloned().collect())
            .unwrap_or_default()
    }

    fn watch(&mut self, db: usize, key: &[u8]) -> u64 {
        let keys = self.dbs.entry(db).or_default();
        keys.entry(Box::from(key)).or_insert((0, 0)).0 += 1;
        self.clock
    }

    fn release(&mut self, w: &Watched) {
        let Some(keys) = self.dbs.get_mut(&w.db) else {
            return;
        };
        if let Some(slot) = keys.get_mut(&w.key) {
            slot.0 -= 1;
            if slot.0 == 0 {
                keys.remove(&w.key);
            }
        }
        if keys.is_empty() {
            self.dbs.remove(&w.db);
        }
    }

    /// True when `w`'s key changed after it was watched (a key no longer
    /// in the table counts as changed).
    fn changed(&self, w: &Watched) -> bool {
        self.dbs
            .get(&w.db)
            .and_then(|keys| keys.get(&w.key))
            .is_none_or(|&(_, stamp)| stamp > w.stamp)
    }
}

/// Marks the watched keys of database `db` that hold a value (expired or
/// not) there or in database `other` as changed, as Redis's
/// `touchAllWatchedKeysInDb`: FLUSHDB and FLUSHALL call it before they
/// empty a database, SWAPDB after it swapped two.
pub(super) fn touch_existing(ks: &mut Keyspace, db: usize, other: Option<usize>) {
    if ks.watches.dbs.is_empty() {
        return;
    }
    for key in ks.watches.keys_in(db) {
        let present = |d: usize| ks.dbs[d].get(&key).is_some();
        if present(db) || other.is_some_and(present) {
            ks.watches.touch(db, &key);
        }
    }
}

/// True when the key exists in `db` but its TTL has passed (it is still
/// there because nothing looked it up).
fn logically_expired(ks: &Keyspace, db: usize, key: &[u8]) -> bool {
    let now = ks.now_ms();
    let db = &ks.dbs[db];
    db.get(key).is_some_and(|e| db.is_expired(key, e, now))
}

fn multi(ctx: &mut Ctx<'_>, _: &[&[u8]]) -> Result<Reply> {
    if ctx.session.multi.is_some() {
        return Err(Error::other("ERR MULTI calls can not be nested"));
    }
    ctx.session.multi = Some(Transaction::default());
    Ok(Reply::OK)
}

fn discard(ctx: &mut Ctx<'_>, _: &[&[u8]]) -> Result<Reply> {
    if ctx.session.multi.take().is_none() {
        return Err(Error::other("ERR DISCARD without MULTI"));
    }
    unwatch_all(ctx);
    Ok(Reply::OK)
}

/// Ends the session's transaction and watches (EXEC's and DISCARD's
/// cleanup, and what a refused EXEC does).
pub(super) fn discard_transaction(ctx: &mut Ctx<'_>) {
    ctx.session.multi = None;
    unwatch_all(ctx);
}

fn exec(ctx: &mut Ctx<'_>, _: &[&[u8]]) -> Result<Reply> {
    let Some(tx) = ctx.session.multi.take() else {
        return Err(Error::other("ERR EXEC without MULTI"));
    };
    let ks = &*ctx.ks;
    let touched = ctx
        .session
        .watched
        .iter()
        .any(|w| ks.watches.changed(w) || (!w.expired && logically_expired(ks, w.db, &w.key)));
    unwatch_all(ctx);
    if tx.refused {
        return Err(Error::other(EXECABORT));
    }
    if touched {
        return Ok(Reply::NilArray);
    }
    let mut replies = Vec::with_capacity(tx.queue.len());
    ctx.session.in_exec = true;
    for (found, argv) in &tx.queue {
        let argv: smallvec::SmallVec<[&[u8]; 8]> = argv.iter().map(Vec::as_slice).collect();
        replies.push(super::call(ctx.session, ctx.ks, *found, &argv));
    }
    ctx.session.in_exec = false;
    Ok(Reply::Array(replies))
}

fn watch(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    if ctx.session.multi.is_some() {
        return Err(Error::other("ERR WATCH inside MULTI is not allowed"));
    }
    let db = ctx.session.db;
    for &key in &argv[1..] {
        let already = ctx
            .session
            .watched
            .iter()
            .any(|w| w.db == db && *w.key == *key);
        if already {
            continue;
        }
        let expired = logically_expired(ctx.ks, db, key);
        let stamp = ctx.ks.watches.watch(db, key);
        ctx.session.watched.push(Watched {
            db,
            key: Box::from(key),
            stamp,
            expired,
        });
    }
    Ok(Reply::OK)
}

fn unwatch(ctx: &mut Ctx<'_>, _: &[&[u8]]) -> Result<Reply> {
    unwatch_all(ctx);
    Ok(Reply::OK)
}

fn unwatch_all(ctx: &mut Ctx<'_>) {
    for w in std::mem::take(&mut ctx.session.watched) {
        ctx.ks.watches.release(&w);
    }
}

#[cfg(test)]
mod tests {
    use crate::command::Session;
    use crate::{Config, Keyspace};

    fn run(ks: &mut Keyspace, s: &mut Session, line: &str) -> Vec<u8> {
        let argv: Vec<&[u8]> = line.split(' ').map(str::as_bytes).collect();
        s.execute(ks, &argv).to_resp2()
    }

    #[test]
    fn watches_of_several_sessions_are_counted() {
        let mut ks = Keyspace::new(Config::default());
        let (mut a, mut b, mut c) = (Session::new(), Session::new(), Session::new());
        run(&mut ks, &mut a, "WATCH k");
        run(&mut ks, &mut b, "WATCH k j");
        run(&mut ks, &mut b, "UNWATCH");
        // b's UNWATCH leaves a's watch in place.
        run(&mut ks, &mut c, "SET k v");
        run(&mut ks, &mut a, "MULTI");
        assert_eq!(run(&mut ks, &mut a, "EXEC"), b"*-1\r\n");
        run(&mut ks, &mut b, "WATCH k");
        run(&mut ks, &mut c, "SET j v");
        run(&mut ks, &mut b, "MULTI");
        run(&mut ks, &mut b, "GET k");
        assert_eq!(run(&mut ks, &mut b, "EXEC"), b"*1\r\n$1\r\nv\r\n");
        // Every watch released: writes find an empty table again.
        assert!(ks.watches.dbs.is_empty());
        assert!(!a.in_multi() && a.watched.is_empty());
    }
}
