//! Introspection: the statistics INFO reports (per-command and per-error
//! counters next to the keyspace's [`Stats`]), the INFO text itself, and
//! typed views of the same figures.
//!
//! # What is counted where
//!
//! The command layer ([`Session::execute`](crate::command::Session::execute))
//! times each command it runs and records, as Redis's `call()` does: the
//! command's calls and microseconds, a failed call when the reply is an
//! error, the error's code in the error table, the slow log entry, and the
//! memory peak. A command refused before it runs (wrong arity, CROSSSLOT,
//! OOM) counts as a rejected call and an error, not as a processed command.
//! Typed methods called directly are not commands: they move the keyspace
//! counters (hits, misses, expired keys) but no command statistics.
//!
//! `text` renders the INFO sections with Redis 7.0.15's field names and
//! order; `sysinfo` reads the few process figures (RSS, CPU time) the host
//! operating system offers.

mod latency;
mod memory;
mod rate;
mod sysinfo;
mod text;

use std::collections::{BTreeMap, HashMap};

use rand::Rng;

use crate::keyspace::{Hasher, Keyspace, Stats};
use crate::slowlog::{Ran, SlowLog};

pub use memory::{DbOverhead, MemoryStats};

/// One command's counters (`INFO commandstats`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CommandStats {
    /// Full name: `get`, or `container|sub` for subcommands (`config|get`).
    pub name: String,
    /// Times it ran (failed runs included, rejected ones not).
    pub calls: u64,
    /// Microseconds spent running it, in total.
    pub usec: u64,
    /// Times it was refused before running (arity, CROSSSLOT, OOM).
    pub rejected_calls: u64,
    /// Times it ran and replied with an error.
    pub failed_calls: u64,
}

impl CommandStats {
    /// Average microseconds per call (0 before the first call).
    pub fn usec_per_call(&self) -> f64 {
        if self.calls == 0 {
            0.0
        } else {
            self.usec as f64 / self.calls as f64
        }
    }
}

/// One database's line of `INFO keyspace`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct DbStats {
    /// Database index.
    pub db: usize,
    /// Keys, counting expired keys not yet reclaimed (as DBSIZE).
    pub keys: usize,
    /// Keys with a TTL.
    pub expires: usize,
    /// Redis's running estimate of the TTL left on volatile keys, in ms
    /// (refreshed by the active expire cycle; 0 until it has sampled).
    pub avg_ttl: u64,
}

/// The introspection state a keyspace carries.
#[derive(Debug)]
pub(crate) struct Introspection {
    /// Clock reading (Unix ms) when the keyspace was created.
    started_ms: u64,
    run_id: String,
    replid: String,
    /// Highest `used_memory` sampled (see [`Keyspace::used_memory_peak`]).
    pub(crate) peak_memory: u64,
    /// `used_memory` of the empty keyspace.
    pub(crate) startup_memory: u64,
    /// Per-command counters and latency histograms, keyed by the address
    /// of the command's static table entry (stable for the program's life).
    commands: HashMap<usize, (CommandStats, Option<latency::Histogram>), Hasher>,
    /// Error replies by code, in byte order as Redis's radix tree lists them.
    errors: BTreeMap<Vec<u8>, u64>,
    pub(crate) slowlog: SlowLog,
    /// `instantaneous_ops_per_sec` samples.
    ops: rate::OpsRate,
    /// `total_connections_received`: the host counts as one connection,
    /// made when the keyspace was created (CONFIG RESETSTAT zeroes it).
    connections_received: u64,
}

impl Introspection {
    /// Fresh state for a keyspace created at `now_ms`.
    pub(crate) fn new(now_ms: u64, rng: &mut impl Rng) -> Self {
        Introspection {
            started_ms: now_ms,
            run_id: random_hex(rng),
            replid: random_hex(rng),
            peak_memory: 0,
            startup_memory: 0,
            commands: HashMap::default(),
            errors: BTreeMap::new(),
            slowlog: SlowLog::default(),
            ops: rate::OpsRate::default(),
            connections_received: 1,
        }
    }

    /// What CONFIG RESETSTAT clears here: command and error tables, the
    /// rate samples and the connection counter (the slow log and the memory
    /// peak stay).
    pub(crate) fn reset_stats(&mut self) {
        self.commands.clear();
        self.errors.clear();
        self.ops.reset();
        self.connections_received = 0;
    }

    fn command(
        &mut self,
        id: usize,
        name: impl FnOnce() -> String,
    ) -> &mut (CommandStats, Option<latency::Histogram>) {
        self.commands.entry(id).or_insert_with(|| {
            let stats = CommandStats {
                name: name(),
                calls: 0,
                usec: 0,
                rejected_calls: 0,
                failed_calls: 0,
            };
            (stats, None)
        })
    }

    /// Counts an error reply under its code, as Redis: the first word when
    /// a space occurs within the first 31 bytes, else `ERR`.
    fn count_error(&mut self, stats: &mut Stats, text: &[u8]) {
        stats.total_error_replies += 1;
        let code = match text.iter().take(31).position(|&b| b == b' ') {
            Some(end) => &text[..end],
            None => b"ERR",
        };
        match self.errors.get_mut(code) {
            Some(n) => *n += 1,
            None => {
                self.errors.insert(code.to_vec(), 1);
            }
        }
    }
}

/// 40 random lowercase hex digits (run and replication ids).
fn random_hex(rng: &mut impl Rng) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    (0..40)
        .map(|_| char::from(HEX[rng.random_range(0..16)]))
        .collect()
}

/// A command the command layer resolved: its table entry's identity and
/// how to spell its full name.
pub(crate) struct CommandId {
    /// Address of the static table entry.
    pub(crate) id: usize,
    /// The container's name, for a subcommand.
    pub(crate) parent: Option<&'static str>,
    /// The entry's own name.
    pub(crate) own: &'static str,
    /// Never enters the slow log (EXEC: the commands it ran do).
    pub(crate) skip_slowlog: bool,
}

impl CommandId {
    /// `own`, or `parent|own` for a subcommand.
    pub(crate) fn full_name(&self) -> String {
        match self.parent {
            Some(p) => format!("{p}|{}", self.own),
            None => self.own.to_owned(),
        }
    }
}

impl Keyspace {
    /// Records a command refused before it ran: a rejected call (when the
    /// command is known) and the error reply.
    pub(crate) fn record_rejected(&mut self, cmd: Option<&CommandId>, error: &[u8]) {
        if let Some(cmd) = cmd {
            self.introspection
                .command(cmd.id, || cmd.full_name())
                .0
                .rejected_calls += 1;
        }
        self.introspection.count_error(&mut self.stats, error);
    }

    /// Records a command that ran: its statistics, its error (if it replied
    /// with one), the slow log, the command rate and the memory peak.
    /// `ran.argv` is what the client sent.
    pub(crate) fn record_call(&mut self, cmd: &CommandId, ran: &Ran<'_>, error: Option<&[u8]>) {
        let intro = &mut self.introspection;
        let (stats, latency) = intro.command(cmd.id, || cmd.full_name());
        stats.calls += 1;
        stats.usec += ran.duration_ns / 1000;
        if error.is_some() {
            stats.failed_calls += 1;
        }
        latency
            .get_or_insert_with(latency::Histogram::default)
            .record(ran.duration_ns);
        if let Some(text) = error {
            intro.count_error(&mut self.stats, text);
        }
        let clock = &self.clock;
        if !cmd.skip_slowlog {
            intro.slowlog.offer(
                self.config.slowlog_log_slower_than,
                self.config.slowlog_max_len,
                ran,
                || clock.now_ms() / 1000,
            );
        }
        self.stats.total_commands_processed += 1;
        // Every 100 ms, as Redis's cron: sample the command rate and the
        // memory peak (INFO and MEMORY STATS also raise the peak).
        let tick = self
            .introspection
            .ops
            .observe(ran.finished, self.stats.total_commands_processed);
        if tick {
            self.raise_memory_peak();
        }
    }

    /// Per-command counters (`INFO commandstats`), sorted by name. A command
    /// appears once it ran or was rejected.
    ///
    /// # Complexity
    /// O(c log c) in the commands used.
    pub fn command_stats(&self) -> Vec<CommandStats> {
        let mut out: Vec<CommandStats> = self
            .introspection
            .commands
            .values()
            .map(|(stats, _)| stats.clone())
            .collect();
        out.sort_by(|a, b| a.name.cmp(&b.name));
        out
    }

    /// Error replies by error code (`INFO errorstats`), in byte order:
    /// (`ERR`, 3), (`WRONGTYPE`, 1) ...
    ///
    /// # Complexity
    /// O(e) in the codes seen.
    pub fn error_stats(&self) -> Vec<(Vec<u8>, u64)> {
        self.introspection
            .errors
            .iter()
            .map(|(code, &n)| (code.clone(), n))
            .collect()
    }

    /// The `INFO keyspace` figures of every database holding keys.
    ///
    /// # Complexity
    /// O(databases).
    pub fn keyspace_stats(&self) -> Vec<DbStats> {
        self.dbs
            .iter()
            .enumerate()
            .filter(|(_, db)| db.len() > 0 || db.expires_len() > 0)
            .map(|(i, db)| DbStats {
                db: i,
                keys: db.len(),
                expires: db.expires_len(),
                avg_ttl: db.avg_ttl,
            })
            .collect()
    }

    /// Records the memory in use if it is a new high.
    pub(crate) fn raise_memory_peak(&mut self) {
        let used = self.used_memory() as u64;
        if used > self.introspection.peak_memory {
            self.introspection.peak_memory = used;
        }
    }

    /// The memory high-water mark: the largest [`Keyspace::used_memory`]
    /// sampled (every 100 ms of commands, by INFO and MEMORY STATS, and now).
    ///
    /// # Complexity
    /// O(1).
    pub fn used_memory_peak(&self) -> usize {
        let peak = usize::try_from(self.introspection.peak_memory).unwrap_or(usize::MAX);
        peak.max(self.used_memory())
    }
}

#[cfg(test)]
mod tests;
