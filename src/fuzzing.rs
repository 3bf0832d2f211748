//! Fuzz target bodies: plain functions that the fuzz crate (`fuzz/`) calls
//! under libFuzzer and that `cargo test` runs on a seeded corpus and a
//! seeded random smoke loop (`tests/fuzz_corpus.rs`), so CI exercises them
//! on stable.
//!
//! Each body must never panic on any input. A panic means a bug: either in
//! the code under test or in one of the invariants the bodies assert
//! (the keyspace's [`Keyspace::validate`], the parser's progress and
//! round-trip properties, well-formed RESP replies).
//!
//! # Bounded memory
//!
//! Some commands allocate in proportion to a number in their arguments
//! rather than to the input size (SETRANGE and SETBIT up to
//! `proto-max-bulk-len`, negative counts of the RANDMEMBER family). To keep
//! a fuzzing run's memory bounded the bodies:
//! - lower `proto-max-bulk-len` to [`FUZZ_MAX_BULK_LEN`] (1 MiB), and put it
//!   back after every command in case CONFIG SET raised it;
//! - skip DEBUG and PFSELFTEST, and the RANDMEMBER-family calls whose count exceeds
//!   [`FUZZ_MAX_COUNT`] in absolute value.
//!
//! Time comes from a [`ManualClock`] advanced by one millisecond per command,
//! and the keyspace's random source is seeded, so every run is reproducible.

use std::sync::Arc;

use crate::clock::ManualClock;
use crate::command::{Reply, Session, commands, parse_request};
use crate::config::Config;
use crate::keyspace::Keyspace;

/// The `proto-max-bulk-len` the fuzz bodies run with (1 MiB).
pub const FUZZ_MAX_BULK_LEN: u64 = 1024 * 1024;

/// Largest `|count|` passed to commands whose reply size is their count.
pub const FUZZ_MAX_COUNT: i64 = 10_000;

/// Most commands one input may run, so a fuzz case stays fast.
const MAX_COMMANDS: usize = 256;

/// The clock reading the bodies start from (2023-11-14, a plausible "now").
const START_MS: u64 = 1_700_000_000_000;

/// A keyspace and session set up for fuzzing (see the module docs).
#[derive(Debug)]
pub struct Harness {
    /// The keyspace commands run against.
    pub ks: Keyspace,
    /// The client session.
    pub session: Session,
    /// The keyspace's clock.
    pub clock: ManualClock,
}

impl Default for Harness {
    fn default() -> Self {
        Self::new()
    }
}

impl Harness {
    /// A fresh keyspace on a manual clock with a seeded random source.
    pub fn new() -> Self {
        let clock = ManualClock::new(START_MS);
        let config = Config {
            proto_max_bulk_len: FUZZ_MAX_BULK_LEN,
            ..Config::default()
        };
        let mut ks = Keyspace::with_clock(config, Arc::new(clock.clone()));
        ks.seed_rng(0);
        Harness {
            ks,
            session: Session::new(),
            clock,
        }
    }

    /// Runs one command (unless it is skipped as unbounded), checks the
    /// keyspace invariants and the reply's wire form, and returns the reply.
    ///
    /// # Panics
    /// When an invariant is broken: that is what the fuzzer looks for.
    pub fn run(&mut self, argv: &[&[u8]]) -> Option<Reply> {
        if !argv.is_empty() && unbounded(argv) {
            return None;
        }
        self.clock.advance(1);
        let reply = self.session.execute(&mut self.ks, argv);
        if let Err(e) = self.ks.validate() {
            panic!("invariant broken after {:?}: {e}", printable(argv));
        }
        check_resp(&reply.to_resp2());
        let config = self.ks.config_mut();
        config.proto_max_bulk_len = config.proto_max_bulk_len.min(FUZZ_MAX_BULK_LEN);
        Some(reply)
    }
}

/// Fuzz body for raw request bytes: parses requests from the front of `data`
/// with [`parse_request`] until the input runs out, is incomplete or hits a
/// protocol error (where Redis would close the connection), and runs each
/// one. Also checks that every parse makes progress and that re-encoding the
/// parsed argv as a multibulk request parses back to the same argv.
///
/// # Panics
/// Only when an invariant is broken (a bug).
pub fn command_bytes(data: &[u8]) {
    let mut h = Harness::new();
    let mut rest = data;
    for _ in 0..MAX_COMMANDS {
        let (argv, used) = match parse_request(rest) {
            Ok(Some(parsed)) => parsed,
            Ok(None) | Err(_) => return,
        };
        assert!(
            used > 0 && used <= rest.len(),
            "parse used {used} of {}",
            rest.len()
        );
        let wire = encode_multibulk(&argv);
        match parse_request(&wire) {
            Ok(Some((again, n))) if n == wire.len() => {
                assert_eq!(again, argv, "multibulk round trip changed argv");
            }
            other => panic!("re-encoded request did not parse back: {other:?}"),
        }
        rest = &rest[used..];
        if !argv.is_empty() {
            let argv: Vec<&[u8]> = argv.iter().map(Vec::as_slice).collect();
            h.run(&argv);
        }
    }
}

/// Fuzz body for the request parser alone: parses every request from the
/// front of `data` (without running them) and checks that each parse makes
/// progress, that no strict prefix of a complete request parses as a
/// request, and that the parse is the same with trailing bytes cut off.
///
/// # Panics
/// Only when an invariant is broken (a bug).
pub fn resp_request(data: &[u8]) {
    let mut rest = data;
    while let Ok(Some((argv, used))) = parse_request(rest) {
        assert!(
            used > 0 && used <= rest.len(),
            "parse used {used} of {}",
            rest.len()
        );
        let exact = parse_request(&rest[..used]);
        assert_eq!(
            exact,
            Ok(Some((argv, used))),
            "parse changed when the tail was cut"
        );
        if used <= 4096 {
            for cut in 0..used {
                if let Ok(Some(early)) = parse_request(&rest[..cut]) {
                    panic!("prefix of {cut} bytes parsed as {early:?} before the request ended");
                }
            }
        }
        rest = &rest[used..];
    }
}

/// Fuzz body for argument lists: splits `data` into commands (see
/// [`split_argv`]) and runs each on two keyspaces, one fed the argv
/// directly, the other fed it as multibulk bytes through [`parse_request`];
/// their replies must be identical (except for the commands whose replies
/// depend on more than the clock and the seeded random source).
///
/// # Panics
/// Only when an invariant is broken (a bug).
pub fn command_argv(data: &[u8]) {
    let mut direct = Harness::new();
    let mut wired = Harness::new();
    for argv in split_argv(data).into_iter().take(MAX_COMMANDS) {
        let argv: Vec<&[u8]> = argv.iter().map(Vec::as_slice).collect();
        let a = direct.run(&argv);
        let wire = encode_multibulk(&argv);
        let (parsed, _) = parse_request(&wire)
            .unwrap_or_else(|e| panic!("own encoding rejected: {e}"))
            .unwrap_or_else(|| panic!("own encoding incomplete"));
        let parsed: Vec<&[u8]> = parsed.iter().map(Vec::as_slice).collect();
        let b = if parsed.is_empty() {
            None
        } else {
            wired.run(&parsed)
        };
        if argv.is_empty() || !deterministic(argv[0]) {
            continue;
        }
        if let (Some(a), Some(b)) = (&a, &b) {
            assert_eq!(a, b, "replies differ for {:?}", printable(&argv));
        }
    }
}

/// Splits fuzz input into argv lists.
///
/// The first byte is the separator; the rest is cut at each separator into
/// arguments, and an empty piece (two separators in a row) ends a command.
/// An `argv[0]` of exactly one byte `b` names the command at index
/// `b % table size` of [`commands`], and for a command with subcommands a
/// one-byte `argv[1]` picks a subcommand the same way, so random input
/// reaches real commands often.
pub fn split_argv(data: &[u8]) -> Vec<Vec<Vec<u8>>> {
    let Some((&sep, body)) = data.split_first() else {
        return Vec::new();
    };
    let table: Vec<_> = commands().collect();
    let mut out = Vec::new();
    let mut current: Vec<Vec<u8>> = Vec::new();
    for piece in body.split(|&b| b == sep) {
        if piece.is_empty() {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            continue;
        }
        let mut arg = piece.to_vec();
        if current.is_empty() && arg.len() == 1 && !table.is_empty() {
            arg = table[usize::from(arg[0]) % table.len()]
                .name
                .as_bytes()
                .to_vec();
        } else if current.len() == 1 && arg.len() == 1 {
            let subs = crate::command::lookup(&current[0]).map_or(&[][..], |c| c.subcommands);
            if !subs.is_empty() {
                arg = subs[usize::from(arg[0]) % subs.len()]
                    .name
                    .as_bytes()
                    .to_vec();
            }
        }
        current.push(arg);
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// The RESP multibulk encoding of `argv`.
pub fn encode_multibulk<A: AsRef<[u8]>>(argv: &[A]) -> Vec<u8> {
    let mut out = format!("*{}\r\n", argv.len()).into_bytes();
    for a in argv {
        let a = a.as_ref();
        out.extend_from_slice(format!("${}\r\n", a.len()).as_bytes());
        out.extend_from_slice(a);
        out.extend_from_slice(b"\r\n");
    }
    out
}

/// Commands the bodies refuse to run because their cost is not bounded by
/// the input size (see the module docs).
fn unbounded(argv: &[&[u8]]) -> bool {
    let name = argv[0];
    // PFSELFTEST does a fixed ~26M register operations (about a second).
    if name.eq_ignore_ascii_case(b"debug") || name.eq_ignore_ascii_case(b"pfselftest") {
        return true;
    }
    let counted = ["srandmember", "hrandfield", "zrandmember"];
    if counted
        .iter()
        .any(|c| name.eq_ignore_ascii_case(c.as_bytes()))
    {
        let count = argv.get(2).and_then(|a| crate::util::num::parse_i64(a));
        return count.is_some_and(|n| n.unsigned_abs() > FUZZ_MAX_COUNT.unsigned_abs());
    }
    false
}

/// False for commands whose replies may depend on wall time, process state
/// or connection identity rather than only on the keyspace.
fn deterministic(name: &[u8]) -> bool {
    let varying = [
        "time", "info", "lastsave", "client", "hello", "memory", "debug", "latency", "slowlog",
    ];
    !varying
        .iter()
        .any(|v| name.eq_ignore_ascii_case(v.as_bytes()))
}

/// Checks that `bytes` is exactly one well-formed RESP2 reply.
fn check_resp(bytes: &[u8]) {
    let end =
        resp_end(bytes, 0).unwrap_or_else(|| panic!("malformed reply {:?}", printable(&[bytes])));
    assert_eq!(
        end,
        bytes.len(),
        "trailing bytes after reply {:?}",
        printable(&[bytes])
    );
}

/// The end of the RESP2 element starting at `pos`, or `None` if malformed.
fn resp_end(b: &[u8], pos: usize) -> Option<usize> {
    let tag = *b.get(pos)?;
    let cr = pos + b.get(pos..)?.windows(2).position(|w| w == b"\r\n")?;
    let body = &b[pos + 1..cr];
    let next = cr + 2;
    match tag {
        b'+' | b'-' => (!body.contains(&b'\n') && !body.contains(&b'\r')).then_some(next),
        b':' => crate::util::num::parse_i64(body).map(|_| next),
        b'$' | b'*' => {
            let n = crate::util::num::parse_i64(body)?;
            if n == -1 {
                return Some(next);
            }
            let n = usize::try_from(n).ok()?;
            if tag == b'$' {
                let end = next.checked_add(n)?;
                (b.get(end..end + 2)? == b"\r\n").then_some(end + 2)
            } else {
                (0..n).try_fold(next, |p, _| resp_end(b, p))
            }
        }
        _ => None,
    }
}

/// argv as lossy text for panic messages.
fn printable(argv: &[&[u8]]) -> Vec<String> {
    argv.iter()
        .map(|a| String::from_utf8_lossy(&a[..a.len().min(64)]).into_owned())
        .collect()
}

pub use crate::types::hll::hll_bytes;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_argv_scheme() {
        let out = split_argv(b"|SET|k|v||GET|k");
        assert_eq!(
            out,
            vec![
                vec![b"SET".to_vec(), b"k".to_vec(), b"v".to_vec()],
                vec![b"GET".to_vec(), b"k".to_vec()]
            ]
        );
        let picked = split_argv(b"|\x00|k");
        let first = commands().next().unwrap().name.as_bytes().to_vec();
        assert_eq!(picked, vec![vec![first, b"k".to_vec()]]);
        assert!(split_argv(b"").is_empty());
        assert!(split_argv(b"|||").is_empty());
    }

    #[test]
    fn resp_checker_accepts_and_rejects() {
        assert_eq!(resp_end(b"*2\r\n$1\r\na\r\n:-3\r\n", 0), Some(16));
        assert_eq!(resp_end(b"$-1\r\n", 0), Some(5));
        assert_eq!(resp_end(b"$2\r\na\r\n", 0), None);
        assert_eq!(resp_end(b":01\r\n", 0), None);
        assert_eq!(resp_end(b"*1\r\n", 0), None);
        assert_eq!(resp_end(b"?x\r\n", 0), None);
    }

    #[test]
    fn harness_runs_and_skips() {
        let mut h = Harness::new();
        let r = h.run(&[b"SET", b"k", b"v"]).unwrap();
        assert_eq!(r.to_resp2(), b"+OK\r\n");
        assert!(h.run(&[b"DEBUG", b"SLEEP", b"10"]).is_none());
        assert!(h.run(&[b"SRANDMEMBER", b"s", b"-100000"]).is_none());
        assert!(h.run(&[b"SRANDMEMBER", b"s", b"-10"]).is_some());
        h.ks.config_mut().proto_max_bulk_len = u64::MAX;
        h.run(&[b"PING"]);
        assert_eq!(h.ks.config().proto_max_bulk_len, FUZZ_MAX_BULK_LEN);
    }
}
