//! The differential harness: a real redis-server 7.0.15 (the oracle) on a
//! free loopback port, and an embedis keyspace, fed the same commands.
//!
//! If `redis-server` is not on PATH the tests fail with a clear message,
//! unless `EMBEDIS_SKIP_ORACLE=1` is set (for people without apt); CI never
//! sets it.

#![allow(dead_code, unreachable_pub)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use embedis::command::{Session, split_args};
use embedis::{Config, Keyspace};

/// A running redis-server, killed on drop.
pub struct Oracle {
    child: Child,
    stream: BufReader<TcpStream>,
    pub port: u16,
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Oracle {
    /// Starts a server with `--save '' --appendonly no` plus `extra` arguments.
    /// Returns None (after printing why) only when the oracle is missing and
    /// `EMBEDIS_SKIP_ORACLE=1`.
    pub fn start(extra: &[&str]) -> Option<Oracle> {
        let found = Command::new("redis-server").arg("--version").output();
        if found.is_err() {
            if std::env::var("EMBEDIS_SKIP_ORACLE").as_deref() == Ok("1") {
                eprintln!(
                    "redis-server not found: differential test skipped (EMBEDIS_SKIP_ORACLE=1)"
                );
                return None;
            }
            panic!(
                "redis-server (Debian 12: 7.0.15) is not on PATH; install it with \
                 `apt-get install -y redis-server` or set EMBEDIS_SKIP_ORACLE=1 to skip"
            );
        }
        for _ in 0..20 {
            if let Some(o) = Self::try_start(extra) {
                return Some(o);
            }
        }
        panic!("could not start redis-server");
    }

    fn try_start(extra: &[&str]) -> Option<Oracle> {
        let port = free_port();
        let dir = std::env::temp_dir().join(format!("embedis-oracle-{port}"));
        std::fs::create_dir_all(&dir).ok()?;
        let mut child = Command::new("redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no", "--daemonize", "no"])
            .arg("--dir")
            .arg(&dir)
            .args(extra)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .ok()?;
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(stream) = TcpStream::connect(("127.0.0.1", port)) {
                stream.set_read_timeout(Some(Duration::from_secs(30))).ok();
                let mut o = Oracle {
                    child,
                    stream: BufReader::new(stream),
                    port,
                };
                // Tests run in parallel and the port was only free when we
                // looked: another test's server may have taken it first, in
                // which case ours exited and we reached theirs. Only accept
                // the server whose process id is our child's.
                // A connection reset here (a server exiting as we reached
                // it) is a reason to try again on a new port, not a failure.
                let mine = format!("process_id:{}\r\n", o.child.id());
                return match o.handshake() {
                    Ok(info) if info.contains(&mine) => Some(o),
                    _ => None,
                };
            }
            if let Ok(Some(_)) = child.try_wait() {
                return None;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        child.kill().ok();
        None
    }

    /// `INFO server` with every I/O error returned rather than panicking:
    /// the first exchange with a server that may not be ours.
    fn handshake(&mut self) -> std::io::Result<String> {
        let req = b"*2\r\n$4\r\nINFO\r\n$6\r\nserver\r\n";
        self.stream.get_mut().write_all(req)?;
        let mut line = Vec::new();
        self.stream.read_until(b'\n', &mut line)?;
        let len = std::str::from_utf8(line.strip_prefix(b"$").unwrap_or_default())
            .ok()
            .and_then(|t| t.trim_end().parse::<usize>().ok())
            .ok_or_else(|| std::io::Error::other("not a bulk reply"))?;
        let mut body = vec![0; len + 2];
        self.stream.read_exact(&mut body)?;
        Ok(String::from_utf8_lossy(&body).into_owned())
    }

    /// Sends one command and returns the raw RESP bytes of its reply.
    pub fn send(&mut self, argv: &[&[u8]]) -> Vec<u8> {
        let mut req = format!("*{}\r\n", argv.len()).into_bytes();
        for a in argv {
            req.extend_from_slice(format!("${}\r\n", a.len()).as_bytes());
            req.extend_from_slice(a);
            req.extend_from_slice(b"\r\n");
        }
        self.stream.get_mut().write_all(&req).unwrap();
        let mut out = Vec::new();
        read_reply(&mut self.stream, &mut out);
        out
    }
}

impl Drop for Oracle {
    fn drop(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

/// Reads one complete RESP2 reply, appending its raw bytes to `out`.
fn read_reply(r: &mut BufReader<TcpStream>, out: &mut Vec<u8>) {
    let start = out.len();
    r.read_until(b'\n', out).unwrap();
    let line = out[start..].to_vec();
    assert!(
        line.ends_with(b"\r\n"),
        "bad reply line {:?}",
        String::from_utf8_lossy(&line)
    );
    let n: i64 = std::str::from_utf8(&line[1..line.len() - 2])
        .unwrap_or("0")
        .parse()
        .unwrap_or(0);
    match line[0] {
        b'$' if n >= 0 => {
            let mut buf = vec![0; n as usize + 2];
            r.read_exact(&mut buf).unwrap();
            out.extend_from_slice(&buf);
        }
        b'*' if n > 0 => {
            for _ in 0..n {
                read_reply(r, out);
            }
        }
        _ => {}
    }
}

/// The oracle and an embedis keyspace side by side.
pub struct Pair {
    pub oracle: Oracle,
    pub ks: Keyspace,
    pub session: Session,
}

impl Pair {
    /// A fresh pair with default configuration (None when skipping).
    pub fn new() -> Option<Pair> {
        Self::with(&[], Config::default())
    }

    /// A pair whose oracle gets `extra` server arguments and whose keyspace gets `config`.
    pub fn with(extra: &[&str], config: Config) -> Option<Pair> {
        let mut oracle = Oracle::start(extra)?;
        oracle.send(&[b"FLUSHALL"]);
        Some(Pair {
            oracle,
            ks: Keyspace::new(config),
            session: Session::new(),
        })
    }

    /// A pair where every access moves the LFU counter by exactly one:
    /// `allkeys-lfu` with `lfu-log-factor 0` on both sides, and a
    /// `maxmemory` so Redis does not share its small integer objects (their
    /// counters are global). For OBJECT FREQ comparisons.
    pub fn lfu() -> Option<Pair> {
        let mut config = Config::default();
        config.maxmemory_policy = embedis::MaxmemoryPolicy::AllkeysLfu;
        config.lfu_log_factor = 0;
        // No decay: it counts whole minutes of each side's own clock, so a
        // test that ran across a minute boundary saw one side decay and
        // not the other (a flake); counting is what these tests compare.
        config.lfu_decay_time = 0;
        config.maxmemory = 1 << 30;
        let extra = [
            "--maxmemory-policy",
            "allkeys-lfu",
            "--lfu-log-factor",
            "0",
            "--lfu-decay-time",
            "0",
            "--maxmemory",
            "1gb",
        ];
        Self::with(&extra, config)
    }

    /// Runs an inline-syntax line on both sides; returns (oracle bytes,
    /// embedis bytes) without comparing them.
    pub fn both_line(&mut self, line: &str) -> (Vec<u8>, Vec<u8>) {
        let argv = split_args(line.as_bytes()).expect("balanced quotes");
        let argv: Vec<&[u8]> = argv.iter().map(Vec::as_slice).collect();
        self.both(&argv)
    }

    /// Runs argv on both sides; returns (oracle bytes, embedis bytes).
    pub fn both(&mut self, argv: &[&[u8]]) -> (Vec<u8>, Vec<u8>) {
        let want = self.oracle.send(argv);
        let got = self.session.execute(&mut self.ks, argv).to_resp2();
        (want, got)
    }

    /// Runs an inline-syntax command (quotes allowed) on both sides and
    /// asserts byte-identical replies.
    pub fn check(&mut self, line: &str) -> Vec<u8> {
        let argv = split_args(line.as_bytes()).expect("balanced quotes");
        self.check_argv(&argv.iter().map(Vec::as_slice).collect::<Vec<_>>(), line)
    }

    /// Asserts byte-identical replies for argv; `what` names it in failures.
    pub fn check_argv(&mut self, argv: &[&[u8]], what: &str) -> Vec<u8> {
        let (want, got) = self.both(argv);
        assert_eq!(
            String::from_utf8_lossy(&got),
            String::from_utf8_lossy(&want),
            "reply differs for `{what}` (left: embedis, right: redis)"
        );
        want
    }

    /// Runs each line with [`Pair::check`].
    pub fn check_all(&mut self, lines: &[&str]) {
        for line in lines {
            self.check(line);
        }
    }

    /// Like [`Pair::check`] for replies whose array order is unspecified
    /// (KEYS, SCAN, SMEMBERS...): arrays are compared as sorted multisets
    /// of their top-level elements.
    pub fn check_unordered(&mut self, line: &str) -> Vec<u8> {
        let argv = split_args(line.as_bytes()).expect("balanced quotes");
        let argv: Vec<&[u8]> = argv.iter().map(Vec::as_slice).collect();
        let (want, got) = self.both(&argv);
        assert_eq!(
            sorted_elements(&got),
            sorted_elements(&want),
            "unordered reply differs for `{line}`:\n embedis: {}\n redis:   {}",
            String::from_utf8_lossy(&got),
            String::from_utf8_lossy(&want)
        );
        want
    }
}

/// One page of a SCAN-family reply (`*2`, the cursor bulk, the element
/// array): the next cursor's bytes and the elements, sorted.
pub fn scan_page(reply: &[u8]) -> (Vec<u8>, Vec<Vec<u8>>) {
    let nl = reply.iter().position(|&b| b == b'\n').unwrap();
    let rest = &reply[nl + 1..];
    let end = element_end(rest, 0);
    let cur = &rest[..end];
    let cnl = cur.iter().position(|&b| b == b'\n').unwrap();
    (
        cur[cnl + 1..cur.len() - 2].to_vec(),
        sorted_elements(&rest[end..]),
    )
}

/// Every member a full SSCAN returns, each side following its own cursor,
/// with an optional change on both sides between steps.
pub fn sscan_all(p: &mut Pair, key: &str, opts: &str, between: &[String]) -> [Vec<Vec<u8>>; 2] {
    let mut sides = [Vec::new(), Vec::new()];
    for (side, seen) in sides.iter_mut().enumerate() {
        let mut cursor = b"0".to_vec();
        let mut changes = between.iter();
        loop {
            let line = format!("SSCAN {key} {}{opts}", String::from_utf8_lossy(&cursor));
            let (want, got) = p.both_line(&line);
            let reply = if side == 1 { got } else { want };
            let (next, members) = scan_page(&reply);
            cursor = next;
            seen.extend(members);
            if cursor == b"0" {
                break;
            }
            if side == 1
                && let Some(change) = changes.next()
            {
                p.check(change);
            }
        }
    }
    sides
}

/// Splits a RESP2 reply into its top-level array elements (raw bytes), sorted.
/// A non-array reply becomes a one-element list.
pub fn sorted_elements(reply: &[u8]) -> Vec<Vec<u8>> {
    if reply.first() != Some(&b'*') {
        return vec![reply.to_vec()];
    }
    let mut pos = reply.iter().position(|&b| b == b'\n').unwrap() + 1;
    let mut items = Vec::new();
    while pos < reply.len() {
        let end = element_end(reply, pos);
        items.push(reply[pos..end].to_vec());
        pos = end;
    }
    items.sort();
    items
}

/// The end offset of the RESP2 element starting at `pos`.
pub fn element_end(buf: &[u8], pos: usize) -> usize {
    let nl = pos + buf[pos..].iter().position(|&b| b == b'\n').unwrap() + 1;
    let n: i64 = std::str::from_utf8(&buf[pos + 1..nl - 2])
        .unwrap_or("0")
        .parse()
        .unwrap_or(0);
    match buf[pos] {
        b'$' if n >= 0 => nl + n as usize + 2,
        b'*' if n > 0 => (0..n).fold(nl, |p, _| element_end(buf, p)),
        _ => nl,
    }
}

/// A parsed RESP2 reply, for tests that mask or inspect fields.
#[derive(Debug, Clone, PartialEq)]
pub enum V {
    /// A status or error line, with its `+`/`-` prefix.
    Line(Vec<u8>),
    /// An integer.
    Int(i64),
    /// A bulk string (None: nil).
    Bulk(Option<Vec<u8>>),
    /// An array (None: nil array).
    Arr(Option<Vec<V>>),
}

/// Parses one RESP2 reply from `buf` at `*pos`, advancing `*pos` past it.
/// Panics on malformed input (test code only).
pub fn parse_reply(buf: &[u8], pos: &mut usize) -> V {
    let nl = *pos + buf[*pos..].iter().position(|&b| b == b'\n').unwrap();
    let head = &buf[*pos + 1..nl - 1];
    let tag = buf[*pos];
    *pos = nl + 1;
    let n = || std::str::from_utf8(head).unwrap().parse::<i64>().unwrap();
    match tag {
        b'+' | b'-' => V::Line(buf[*pos - head.len() - 3..nl - 1].to_vec()),
        b':' => V::Int(n()),
        b'$' if n() < 0 => V::Bulk(None),
        b'$' => {
            let len = n() as usize;
            let v = buf[*pos..*pos + len].to_vec();
            *pos += len + 2;
            V::Bulk(Some(v))
        }
        b'*' if n() < 0 => V::Arr(None),
        b'*' => V::Arr(Some((0..n()).map(|_| parse_reply(buf, pos)).collect())),
        _ => panic!("bad reply {:?}", String::from_utf8_lossy(buf)),
    }
}

/// The lines of an INFO reply (a bulk string) as `(name, value)` pairs, in
/// order; a `# Title` line becomes `("#", title)`.
pub fn info_fields(reply: &[u8]) -> Vec<(String, String)> {
    let V::Bulk(Some(text)) = parse_reply(reply, &mut 0) else {
        panic!(
            "INFO reply is not a bulk: {}",
            String::from_utf8_lossy(reply)
        );
    };
    let text = String::from_utf8(text).expect("INFO is UTF-8");
    assert!(text.is_empty() || text.ends_with("\r\n"), "{text:?}");
    text.split("\r\n")
        .filter(|l| !l.is_empty())
        .map(|l| match l.strip_prefix("# ") {
            Some(title) => ("#".to_owned(), title.to_owned()),
            None => {
                let (k, v) = l.split_once(':').expect("name:value");
                (k.to_owned(), v.to_owned())
            }
        })
        .collect()
}

/// The value of the field `name` in INFO `fields` (from [`info_fields`]).
pub fn info_value<'a>(fields: &'a [(String, String)], name: &str) -> &'a str {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map_or_else(|| panic!("no INFO field {name}"), |(_, v)| v.as_str())
}

/// An INFO commandstats reply as sorted `cmdstat_x:calls=..,...` lines
/// without the timings (`usec`, `usec_per_call`).
pub fn commandstats_untimed(reply: &[u8]) -> Vec<String> {
    let mut out: Vec<String> = info_fields(reply)
        .into_iter()
        .filter(|(k, _)| k != "#")
        .map(|(k, v)| {
            let kept: Vec<&str> = v.split(',').filter(|f| !f.starts_with("usec")).collect();
            format!("{k}:{}", kept.join(","))
        })
        .collect();
    out.sort();
    out
}

/// Asserts that both sides' INFO agrees after `after`: the INFO stats
/// `counters`, the whole errorstats section, and commandstats without
/// the timings.
pub fn stats_agree(p: &mut Pair, counters: &[&str], after: &str) {
    let (want, got) = p.both_line("INFO stats");
    let (want, got) = (info_fields(&want), info_fields(&got));
    for name in counters {
        assert_eq!(
            info_value(&got, name),
            info_value(&want, name),
            "{name} after `{after}` (left: embedis, right: redis)"
        );
    }
    let (want, got) = p.both_line("INFO errorstats");
    assert_eq!(
        String::from_utf8_lossy(&got),
        String::from_utf8_lossy(&want),
        "errorstats after `{after}`"
    );
    let (want, got) = p.both_line("INFO commandstats");
    assert_eq!(
        commandstats_untimed(&got),
        commandstats_untimed(&want),
        "commandstats after `{after}`"
    );
}

/// A small deterministic generator (xorshift64*) for the tests' keys,
/// scores and picks: no allocation or library randomness enters what a
/// test measures.
pub struct Rng(pub u64);

impl Rng {
    /// The next 64 random bits.
    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A score in [0, 1).
    pub fn score(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}
