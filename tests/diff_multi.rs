//! Differential tests of transactions: MULTI, EXEC, DISCARD, WATCH and
//! UNWATCH against redis-server 7.0.15. Replies are compared byte for byte,
//! and after each scenario the statistics a transaction moves (commands
//! processed, commandstats with calls, rejected and failed calls, the
//! errorstats section).
//!
//! A second client changes watched keys (and the memory limit) in the
//! middle of a transaction: on the oracle a second connection, on embedis
//! a second [`Session`] on the same keyspace.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;

use common::Pair;
use embedis::command::{Session, split_args};

/// Another client of both servers.
struct Other {
    stream: BufReader<TcpStream>,
    session: Session,
}

impl Other {
    fn connect(p: &Pair) -> Other {
        Other {
            stream: BufReader::new(
                TcpStream::connect(("127.0.0.1", p.oracle.port)).expect("second connection"),
            ),
            session: Session::new(),
        }
    }

    /// Reads one whole RESP2 reply from the oracle into `out`.
    fn read_reply(&mut self, out: &mut Vec<u8>) {
        let start = out.len();
        self.stream.read_until(b'\n', out).unwrap();
        let head = &out[start..out.len() - 2];
        let n: i64 = std::str::from_utf8(&head[1..])
            .unwrap()
            .parse()
            .unwrap_or(0);
        match head[0] {
            b'$' if n >= 0 => {
                let mut body = vec![0u8; n as usize + 2];
                self.stream.read_exact(&mut body).unwrap();
                out.extend_from_slice(&body);
            }
            b'*' => (0..n).for_each(|_| self.read_reply(out)),
            _ => {}
        }
    }

    /// Runs a command on both sides and compares the replies.
    fn check(&mut self, p: &mut Pair, line: &str) {
        let argv = split_args(line.as_bytes()).unwrap();
        let mut req = format!("*{}\r\n", argv.len()).into_bytes();
        for a in &argv {
            req.extend_from_slice(format!("${}\r\n", a.len()).as_bytes());
            req.extend_from_slice(a);
            req.extend_from_slice(b"\r\n");
        }
        self.stream.get_mut().write_all(&req).unwrap();
        let mut want = Vec::new();
        self.read_reply(&mut want);
        let got = self.session.execute_owned(&mut p.ks, &argv).to_resp2();
        assert_eq!(
            String::from_utf8_lossy(&got),
            String::from_utf8_lossy(&want),
            "second client: `{line}` (left: embedis, right: redis)"
        );
    }
}

/// Compares the statistics transactions move.
fn stats_agree(p: &mut Pair, after: &str) {
    let counters = [
        "total_commands_processed",
        "total_error_replies",
        "keyspace_hits",
        "keyspace_misses",
    ];
    common::stats_agree(p, &counters, after);
}

/// A pair with empty databases and statistics reset.
fn fresh() -> Option<Pair> {
    let mut p = Pair::new()?;
    p.check_all(&["FLUSHALL", "CONFIG RESETSTAT"]);
    Some(p)
}

#[test]
fn queue_and_exec() {
    let Some(mut p) = fresh() else { return };
    p.check_all(&[
        "MULTI",
        "SET a 1",
        "INCR a",
        "GET a",
        "HSET h f v",
        "HGETALL h",
        "EXEC",
        "GET a",
        "MULTI",
        "EXEC",
        "MULTI",
        "PING",
        "ECHO x",
        "DISCARD",
        "GET a",
    ]);
    stats_agree(&mut p, "queue_and_exec");
}

#[test]
fn state_errors() {
    let Some(mut p) = fresh() else { return };
    p.check_all(&[
        "EXEC",
        "DISCARD",
        "exec",
        "EXEC x",
        "DISCARD x",
        "MULTI x",
        "UNWATCH x",
        "WATCH",
        "MULTI",
        "MULTI",
        "SET a 1",
        "WATCH a",
        "EXEC",
        "GET a",
        "MULTI",
        "EXEC x",
        "EXEC",
        "MULTI",
        "DISCARD x",
        "SET b 1",
        "EXEC",
        "GET b",
    ]);
    stats_agree(&mut p, "state_errors");
}

#[test]
fn refused_while_queueing_aborts() {
    let Some(mut p) = fresh() else { return };
    p.check_all(&[
        "MULTI",
        "SET a 1",
        "SET b",
        "NOSUCH x y",
        "CONFIG NOSUCH",
        "SET c 1",
        "EXEC",
        "EXISTS a b c",
        "MULTI",
        "GET",
        "DISCARD",
        "MULTI",
        "SET a 1",
        "EXEC",
    ]);
    stats_agree(&mut p, "refused_while_queueing_aborts");
}

#[test]
fn errors_inside_exec_are_replied_in_the_array() {
    let Some(mut p) = fresh() else { return };
    p.check_all(&[
        "SET s v",
        "MULTI",
        "LPUSH s x",
        "INCR s",
        "SET t 1",
        "INCRBYFLOAT t x",
        "XADD st 0-0 f v",
        "ZADD z nan a",
        "SET u 2",
        "EXEC",
        "MGET s t u",
        "MULTI",
        "SELECT 1",
        "SET x 1",
        "SELECT 99",
        "EXEC",
        "GET x",
        "SELECT 0",
        "GET x",
        "MULTI",
        "BLPOP nolist 0",
        "BRPOPLPUSH nolist other 1",
        "XREAD BLOCK 0 STREAMS nostream $",
        "EXEC",
    ]);
    stats_agree(&mut p, "errors_inside_exec");
}

#[test]
fn watch_aborts_on_changes_of_watched_keys_only() {
    let Some(mut p) = fresh() else { return };
    let mut other = Other::connect(&p);
    p.check_all(&["SET a 1", "SADD s m", "RPUSH l x"]);
    let cases: &[(&[&str], &str)] = &[
        // (watch, what the other client does)
        (&["a"], "SET a 2"),
        (&["a"], "SET b 2"),
        (&["a", "b"], "DEL b"),
        (&["nokey"], "SET nokey 1"),
        (&["nokey2"], "DEL nokey2"),
        (&["s"], "SADD s m"),
        (&["s"], "SADD s n"),
        (&["s"], "SREM s zz"),
        (&["l"], "LPUSH l y"),
        (&["a"], "EXPIRE a 1000"),
        (&["a"], "PERSIST a"),
        (&["a"], "PERSIST a"),
        (&["a"], "GET a"),
        (&["a"], "APPEND a x"),
        (&["a"], "INCR counter"),
        (&["a"], "RENAME a a2"),
        (&["a2"], "RENAME a2 a"),
        (&["l"], "LPOP l 100"),
        (&["l"], "RPUSH l z"),
    ];
    for (keys, change) in cases {
        p.check(&format!("WATCH {}", keys.join(" ")));
        other.check(&mut p, change);
        p.check_all(&["MULTI", "GET a", "SET w 1", "EXEC"]);
    }
    // Own changes before MULTI count too; changes inside the transaction
    // do not; UNWATCH forgets.
    p.check_all(&[
        "WATCH a",
        "SET a 5",
        "MULTI",
        "INCR a",
        "EXEC",
        "WATCH a",
        "MULTI",
        "INCR a",
        "SET a 9",
        "EXEC",
        "WATCH a",
        "SET a 6",
        "UNWATCH",
        "MULTI",
        "INCR a",
        "EXEC",
        "WATCH a",
        "SET a 7",
        "MULTI",
        "DISCARD",
        "MULTI",
        "INCR a",
        "EXEC",
        "WATCH a a a",
        "EXEC",
    ]);
    // Another database's key of the same name is another key.
    p.check("WATCH a");
    other.check(&mut p, "SELECT 1");
    other.check(&mut p, "SET a other");
    p.check_all(&["MULTI", "GET a", "EXEC"]);
    other.check(&mut p, "SELECT 0");
    stats_agree(&mut p, "watch");
}

#[test]
fn watch_and_flushes() {
    let Some(mut p) = fresh() else { return };
    let mut other = Other::connect(&p);
    let rounds: &[(&str, &str)] = &[
        ("SET a 1", "FLUSHDB"),
        ("DEL a", "FLUSHDB"),
        ("SET a 1", "FLUSHALL"),
        ("DEL a", "FLUSHALL"),
        ("SET a 1", "SWAPDB 0 1"),
        ("DEL a", "SWAPDB 0 1"),
        ("DEL a", "SWAPDB 0 2"),
        ("SET a 1", "SWAPDB 1 2"),
        ("SET a 1", "SWAPDB 0 0"),
    ];
    for (setup, change) in rounds {
        p.check_all(&[
            "FLUSHALL", "SELECT 1", "SET a x", "SELECT 0", setup, "WATCH a",
        ]);
        other.check(&mut p, change);
        p.check_all(&["MULTI", "PING", "EXEC"]);
    }
    stats_agree(&mut p, "flushes");
}

#[test]
fn watched_key_expiring_aborts() {
    let Some(mut p) = fresh() else { return };
    p.check_all(&["SET a 1 PX 30", "WATCH a"]);
    std::thread::sleep(std::time::Duration::from_millis(60));
    p.check_all(&["MULTI", "PING", "EXEC"]);
    p.check_all(&["SET b 1 PX 100000", "WATCH b", "MULTI", "PING", "EXEC"]);
}

#[test]
fn oom_inside_multi() {
    let Some(mut p) = fresh() else { return };
    let mut other = Other::connect(&p);
    p.check_all(&["SET a 1", "CONFIG SET maxmemory-policy noeviction"]);
    // Over the limit: MULTI itself runs, then any command is refused
    // while queueing, EXEC aborts; DISCARD is never refused.
    p.check_all(&[
        "CONFIG SET maxmemory 1",
        "MULTI",
        "GET a",
        "PING",
        "SET b 1",
        "EXEC",
        "MULTI",
        "PING",
        "DISCARD",
        "GET a",
    ]);
    // Under the limit while queueing, over it at EXEC: EXEC of a
    // transaction with a DENYOOM command is refused, one without runs.
    for queued in [&["SET b 1", "GET a"][..], &["GET a", "DEL zz"]] {
        p.check("CONFIG SET maxmemory 0");
        p.check("MULTI");
        for line in queued {
            p.check(line);
        }
        other.check(&mut p, "CONFIG SET maxmemory 1");
        p.check_all(&["EXEC", "EXISTS b"]);
    }
    p.check("CONFIG SET maxmemory 0");
    stats_agree(&mut p, "oom");
}

#[test]
fn eviction_touches_watched_keys() {
    let Some(mut p) = fresh() else { return };
    let mut other = Other::connect(&p);
    p.check_all(&[
        "CONFIG SET maxmemory-policy allkeys-lru",
        "SET a 1",
        "WATCH a",
    ]);
    other.check(&mut p, "CONFIG SET maxmemory 1");
    other.check(&mut p, "CONFIG SET maxmemory 0");
    p.check_all(&["MULTI", "PING", "EXEC", "EXISTS a"]);
}

/// The argv of each SLOWLOG GET entry.
fn slowlog_commands(reply: &[u8]) -> Vec<common::V> {
    let common::V::Arr(Some(entries)) = common::parse_reply(reply, &mut 0) else {
        panic!("SLOWLOG GET: {}", String::from_utf8_lossy(reply));
    };
    entries
        .into_iter()
        .map(|e| match e {
            common::V::Arr(Some(mut fields)) => fields.swap_remove(3),
            other => panic!("slow log entry {other:?}"),
        })
        .collect()
}

#[test]
fn exec_leaves_the_slow_log_to_its_commands() {
    let Some(mut p) = fresh() else { return };
    p.check_all(&[
        "CONFIG SET slowlog-log-slower-than 0",
        "SLOWLOG RESET",
        "MULTI",
        "SET a 1",
        "GET a",
        "EXEC",
        "MULTI",
        "SET a",
        "EXEC",
        "SLOWLOG LEN",
    ]);
    let (want, got) = p.both_line("SLOWLOG GET 100");
    assert_eq!(slowlog_commands(&got), slowlog_commands(&want));
    p.check("CONFIG SET slowlog-log-slower-than 10000");
}
