//! The slow log: commands whose run took at least `slowlog-log-slower-than`
//! microseconds, newest first, at most `slowlog-max-len` of them.
//!
//! The command layer times every command it runs and offers the duration
//! here (typed methods called directly are not timed). As Redis, an entry
//! keeps at most 32 arguments (the last slot then says how many more there
//! were) and at most 128 bytes of each argument (followed by how many more
//! bytes there were). Entry ids keep counting across `SLOWLOG RESET`.

use std::collections::VecDeque;

use crate::keyspace::Keyspace;

/// Most arguments an entry keeps (the last one becomes the "more" marker).
const MAX_ARGC: usize = 32;
/// Most bytes an argument keeps.
const MAX_STRING: usize = 128;

/// One slow log entry, as `SLOWLOG GET` reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SlowlogEntry {
    /// Unique, increasing id (never reused, not reset by `SLOWLOG RESET`).
    pub id: u64,
    /// When the command ran, in Unix seconds.
    pub time: u64,
    /// How long it ran, in microseconds.
    pub duration_us: u64,
    /// Its arguments, cut as Redis cuts them.
    pub args: Vec<Vec<u8>>,
    /// The session's client address (empty unless the host set one with
    /// [`Session::set_client_addr`](crate::command::Session::set_client_addr)).
    pub client_addr: Vec<u8>,
    /// The session's client name (empty when none).
    pub client_name: Vec<u8>,
}

/// The log itself, newest entry first.
#[derive(Debug, Default)]
pub(crate) struct SlowLog {
    entries: VecDeque<SlowlogEntry>,
    next_id: u64,
}

/// What the command layer knows about a command that just ran.
pub(crate) struct Ran<'a> {
    pub(crate) argv: &'a [&'a [u8]],
    pub(crate) duration_ns: u64,
    /// When the command finished.
    pub(crate) finished: std::time::Instant,
    pub(crate) client_addr: &'a [u8],
    pub(crate) client_name: &'a [u8],
}

impl SlowLog {
    /// Logs `ran` (at Unix second `now_secs()`) when it took at least
    /// `slower_than` µs (a negative threshold disables the log), then trims
    /// the log to `max_len`.
    pub(crate) fn offer(
        &mut self,
        slower_than: i64,
        max_len: u64,
        ran: &Ran<'_>,
        now_secs: impl FnOnce() -> u64,
    ) {
        let Ok(threshold) = u64::try_from(slower_than) else {
            return;
        };
        let duration_us = ran.duration_ns / 1000;
        if duration_us >= threshold {
            let entry = SlowlogEntry {
                id: self.next_id,
                time: now_secs(),
                duration_us,
                args: logged_args(ran.argv),
                client_addr: ran.client_addr.to_vec(),
                client_name: ran.client_name.to_vec(),
            };
            self.next_id += 1;
            self.entries.push_front(entry);
        }
        let max_len = usize::try_from(max_len).unwrap_or(usize::MAX);
        if self.entries.len() > max_len {
            self.entries.truncate(max_len);
        }
    }
}

/// The arguments as an entry keeps them.
fn logged_args(argv: &[&[u8]]) -> Vec<Vec<u8>> {
    let kept = argv.len().min(MAX_ARGC);
    let mut out = Vec::with_capacity(kept);
    for (i, arg) in argv[..kept].iter().enumerate() {
        if kept < argv.len() && i == kept - 1 {
            let more = argv.len() - kept + 1;
            out.push(format!("... ({more} more arguments)").into_bytes());
        } else if arg.len() > MAX_STRING {
            let mut cut = arg[..MAX_STRING].to_vec();
            cut.extend_from_slice(
                format!("... ({} more bytes)", arg.len() - MAX_STRING).as_bytes(),
            );
            out.push(cut);
        } else {
            out.push(arg.to_vec());
        }
    }
    out
}

impl Keyspace {
    /// ```text
    /// SLOWLOG GET [count]
    /// ```
    /// The newest `count` slow log entries, newest first (`usize::MAX` for
    /// all; the command's default is 10). Only commands run through the
    /// command layer ([`Session::execute`](crate::command::Session::execute))
    /// are timed and logged.
    ///
    /// ```
    /// use embedis::{Config, Keyspace, command::Session};
    /// let mut ks = Keyspace::new(Config::default());
    /// ks.config_set(&[(b"slowlog-log-slower-than".as_slice(), b"0".as_slice())]).unwrap();
    /// Session::new().execute(&mut ks, &[b"SET".as_slice(), b"k", b"v"]);
    /// let entries = ks.slowlog_get(10);
    /// assert_eq!(entries[0].args, vec![b"SET".to_vec(), b"k".to_vec(), b"v".to_vec()]);
    /// ```
    ///
    /// # Complexity
    /// O(count).
    pub fn slowlog_get(&self, count: usize) -> Vec<SlowlogEntry> {
        self.introspection
            .slowlog
            .entries
            .iter()
            .take(count)
            .cloned()
            .collect()
    }

    /// ```text
    /// SLOWLOG LEN
    /// ```
    /// Number of entries in the slow log.
    ///
    /// # Complexity
    /// O(1).
    pub fn slowlog_len(&self) -> usize {
        self.introspection.slowlog.entries.len()
    }

    /// ```text
    /// SLOWLOG RESET
    /// ```
    /// Empties the slow log (ids keep counting).
    ///
    /// # Complexity
    /// O(n) in the entries dropped.
    pub fn slowlog_reset(&mut self) {
        self.introspection.slowlog.entries.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ran<'a>(argv: &'a [&'a [u8]], duration_us: u64) -> Ran<'a> {
        Ran {
            argv,
            duration_ns: duration_us * 1000,
            finished: std::time::Instant::now(),
            client_addr: b"",
            client_name: b"n",
        }
    }

    #[test]
    fn threshold_trim_and_ids() {
        let mut log = SlowLog::default();
        log.offer(-1, 10, &ran(&[b"a"], 100), || 7);
        assert!(log.entries.is_empty());
        log.offer(5, 10, &ran(&[b"a"], 4), || 7);
        assert!(log.entries.is_empty());
        for _ in 0..3 {
            log.offer(5, 10, &ran(&[b"a"], 5), || 7);
        }
        assert_eq!(log.entries.len(), 3);
        assert_eq!(log.entries[0].id, 2);
        log.offer(5, 2, &ran(&[b"b"], 0), || 7);
        assert_eq!(log.entries.len(), 2);
        assert_eq!(log.entries[1].id, 1);
        log.entries.clear();
        log.offer(0, 2, &ran(&[b"b"], 0), || 7);
        assert_eq!(log.entries[0].id, 3);
        assert_eq!(log.entries[0].client_name, b"n");
    }

    #[test]
    fn long_argv_and_strings_are_cut() {
        let long = vec![b'x'; 130];
        let argv: Vec<&[u8]> = std::iter::repeat_n(long.as_slice(), 40).collect();
        let args = logged_args(&argv);
        assert_eq!(args.len(), 32);
        assert_eq!(args[31], b"... (9 more arguments)");
        let mut want = vec![b'x'; 128];
        want.extend_from_slice(b"... (2 more bytes)");
        assert_eq!(args[0], want);
        let exact: Vec<&[u8]> = std::iter::repeat_n(&b"y"[..], 32).collect();
        assert_eq!(logged_args(&exact).len(), 32);
        assert_eq!(logged_args(&exact)[31], b"y");
        assert_eq!(logged_args(&[&[b'z'; 128][..]])[0].len(), 128);
    }
}
