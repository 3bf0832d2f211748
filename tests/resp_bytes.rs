//! Byte-level tests of the request parser against the oracle.
//!
//! Each case is a raw byte string. It is written on a fresh TCP connection
//! to a real redis-server, the write side is shut down, and everything the
//! server sends until it closes is the expected output: replies for each
//! complete request, then, on a protocol error, the error reply (after which
//! Redis closes the connection). The embedis side feeds the same bytes to
//! `parse_request` in a loop and runs each request, in the same way, and the
//! two byte streams must be identical. Incomplete trailing requests produce
//! nothing on either side (Redis drops them when the client goes away).

mod common;

use std::io::{Read, Write};
use std::net::{Shutdown, TcpStream};
use std::time::Duration;

use proptest::prelude::*;
use proptest::test_runner::{Config as PropConfig, TestCaseError, TestRunner};

use embedis::command::{Session, parse_request};
use embedis::{Config, Keyspace};

/// What embedis answers on a connection that receives `bytes` and closes.
fn embedis_stream(bytes: &[u8]) -> Vec<u8> {
    let mut ks = Keyspace::new(Config::default());
    let mut session = Session::new();
    let mut out = Vec::new();
    let mut rest = bytes;
    loop {
        match parse_request(rest) {
            Ok(None) => break,
            Err(e) => {
                out.extend_from_slice(&e.to_resp2());
                break;
            }
            Ok(Some((argv, used))) => {
                assert!(used > 0, "no progress on {rest:?}");
                if !argv.is_empty() {
                    out.extend(session.execute_owned(&mut ks, &argv).to_resp2());
                }
                rest = &rest[used..];
            }
        }
    }
    out
}

/// A redis-server reached over fresh connections.
struct Raw {
    oracle: common::Oracle,
}

impl Raw {
    fn start() -> Option<Raw> {
        common::Oracle::start(&[]).map(|oracle| Raw { oracle })
    }

    /// What redis-server answers on a connection that receives `bytes` and closes.
    fn oracle_stream(&mut self, bytes: &[u8]) -> Vec<u8> {
        self.oracle.send(&[b"FLUSHALL"]);
        let mut s = TcpStream::connect(("127.0.0.1", self.oracle.port)).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        s.write_all(bytes).unwrap();
        s.shutdown(Shutdown::Write).unwrap();
        let mut out = Vec::new();
        s.read_to_end(&mut out).unwrap();
        out
    }

    /// Compares both streams for `bytes`; the error describes a difference.
    fn compare(&mut self, bytes: &[u8]) -> Result<(), String> {
        let want = self.oracle_stream(bytes);
        let got = embedis_stream(bytes);
        if got == want {
            return Ok(());
        }
        Err(format!(
            "stream differs for input {:?}\n embedis: {:?}\n redis:   {:?}",
            String::from_utf8_lossy(bytes),
            String::from_utf8_lossy(&got),
            String::from_utf8_lossy(&want)
        ))
    }

    fn check(&mut self, bytes: &[u8]) {
        if let Err(e) = self.compare(bytes) {
            panic!("{e}");
        }
    }

    /// Checks `bytes` cut at every point (the incomplete tail is dropped).
    fn check_every_cut(&mut self, bytes: &[u8]) {
        for cut in 0..=bytes.len() {
            self.check(&bytes[..cut]);
        }
    }
}

#[test]
fn multibulk_well_formed() {
    let Some(mut r) = Raw::start() else { return };
    for case in [
        &b"*1\r\n$4\r\nPING\r\n"[..],
        b"*2\r\n$4\r\nECHO\r\n$3\r\na\x00b\r\n",
        b"*2\r\n$4\r\nECHO\r\n$0\r\n\r\n",
        b"*2\r\n$4\r\necho\r\n$2\r\n\r\n\r\n",
        b"*0\r\n*1\r\n$4\r\nPING\r\n",
        b"*-1\r\n*-5\r\n*1\r\n$4\r\nPING\r\n",
        b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$2\r\n10\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n",
        // Redis never checks the two bytes after a bulk payload.
        b"*2\r\n$4\r\nECHO\r\n$3\r\nabcXY*1\r\n$4\r\nPING\r\n",
        // Nor the byte after the CR of a count line.
        b"*1\rX$4\r\nPING\r\n",
        b"*1\r\n$4\rXPING\r\n",
        b"*2\r\n$4\r\nECHO\r\n$1\r\n\xff\r\n",
    ] {
        r.check(case);
    }
}

#[test]
fn multibulk_protocol_errors() {
    let Some(mut r) = Raw::start() else { return };
    for case in [
        &b"*x\r\n"[..],
        b"*\r\n",
        b"*01\r\n",
        b"*-0\r\n",
        b"*+1\r\n",
        b"* 1\r\n",
        b"*1 \r\n",
        b"*1\n\r\n",
        b"*2147483648\r\n",
        b"*9223372036854775808\r\n",
        b"*99999999999999999999\r\n",
        b"*1\r\n:1\r\n",
        b"*1\r\n\xff\r\n",
        b"*1\r\n\r\n",
        b"*1\r\n\n\r\n",
        b"*1\r\n$-1\r\n",
        b"*1\r\n$x\r\n",
        b"*1\r\n$\r\n",
        b"*1\r\n$01\r\n",
        b"*1\r\n$-0\r\n",
        b"*1\r\n$+1\r\n",
        b"*1\r\n$ 1\r\n",
        b"*1\r\n$536870913\r\n",
        b"*2\r\n$4\r\nECHO\r\nPING\r\n",
        b"*1\r\n$4\r\nPING\r\n*1\r\n:1\r\n*1\r\n$4\r\nPING\r\n",
    ] {
        r.check(case);
    }
}

#[test]
fn multibulk_waits_for_more() {
    let Some(mut r) = Raw::start() else { return };
    for case in [
        // No CR yet, or nothing after it: Redis waits even for a bad tag.
        &b"*1\r\n:1"[..],
        b"*1\r\n:1\r",
        b"*1\r",
        b"*x",
        // strchr stops at NUL: the line never ends.
        b"*1\x00\r\n$4\r\nPING\r\n",
        b"*1\r\n$\x004\r\nPING\r\n",
        b"*1\r\n$536870912\r\n",
    ] {
        r.check(case);
    }
}

#[test]
fn inline_requests() {
    let Some(mut r) = Raw::start() else { return };
    for case in [
        &b"PING\r\n"[..],
        b"PING\n",
        b"ping\r\nPING\r\r\n",
        b"\r\n\n   \r\n\t\n",
        b"ECHO a\x0bb\r\n",
        b"ECHO a\x0cb\r\n",
        b"ECHO \x0b a\x0c\r\n",
        b"ECHO a\rb\n",
        b"ECHO \"a\\x41\\n\\r\\t\\b\\a\\\\\\\"\\z\"\r\n",
        b"ECHO \"\\x4\"\r\n",
        b"ECHO \"\\x4g\"\r\n",
        b"ECHO \"\\xFf\"\r\n",
        b"ECHO 'a\\'b\\n'\r\n",
        b"ECHO a\"b c\"\r\n",
        b"ECHO a'b c'\r\n",
        b"ECHO \"\"\r\n",
        b"ECHO ''\r\n",
        b"ECHO \"a\"\x0b\r\n",
        b"ECHO \xff\xfe\r\n",
        b"SET k \"a b\"\r\nGET k\r\n",
        b"PING\r\n*1\r\n$4\r\nPING\r\nPING\n",
        // A NUL before the newline: strchr never finds the end of the line.
        b"PING\x00\r\nPING\r\n",
        b"PING\r\nPING\x00\r\n",
    ] {
        r.check(case);
    }
}

#[test]
fn inline_protocol_errors() {
    let Some(mut r) = Raw::start() else { return };
    for case in [
        &b"ECHO \"a\"b\r\n"[..],
        b"ECHO \"abc\r\n",
        b"ECHO 'abc\r\n",
        b"ECHO 'a'b\r\n",
        b"ECHO \"\\\"\r\n",
        b"PING\r\nECHO \"x\r\nPING\r\n",
    ] {
        r.check(case);
    }
}

#[test]
fn size_limits() {
    let Some(mut r) = Raw::start() else { return };
    let long = |prefix: &[u8], n: usize, fill: u8| {
        let mut v = prefix.to_vec();
        v.resize(prefix.len() + n, fill);
        v
    };
    // 64 KiB of inline text without a newline: waits; one byte more: error.
    r.check(&long(b"", 65_536, b'a'));
    r.check(&long(b"", 65_537, b'a'));
    r.check(&long(b"*", 65_535, b'1'));
    r.check(&long(b"*", 65_536, b'1'));
    r.check(&long(b"*1\r\n$", 65_535, b'1'));
    r.check(&long(b"*1\r\n$", 65_536, b'1'));
    // A long inline line that does end: a request like any other.
    let mut line = long(b"ECHO ", 30_000, b'b');
    line.extend_from_slice(b"\r\n");
    r.check(&line);
    // A 40 000-byte bulk, past Redis's 32 KiB "big argument" path.
    let mut big = b"*2\r\n$4\r\nECHO\r\n$40000\r\n".to_vec();
    big.extend(std::iter::repeat_n(b'z', 40_000));
    big.extend_from_slice(b"\r\n*1\r\n$4\r\nPING\r\n");
    r.check(&big);
}

#[test]
fn every_cut_point() {
    let Some(mut r) = Raw::start() else { return };
    r.check_every_cut(b"*2\r\n$4\r\nECHO\r\n$3\r\na\r\n\r\n*1\r\n$4\r\nPING\r\n");
    r.check_every_cut(b"SET k \"v w\"\r\nGET k\nPING\r\n");
    r.check_every_cut(b"*1\r\n$4\r\nPING\r\n*1\r\n$x\r\n");
    r.check_every_cut(b"ECHO 'a\\'b'\r\n*0\r\n*1\r\n:PING\r\n");
}

/// Pieces that matter to the parser; random concatenations of them reach
/// the corners of both request formats.
const PIECES: &[&[u8]] = &[
    b"*1\r\n", b"*2\r\n", b"*3\r\n", b"$4\r\n", b"$1\r\n", b"$0\r\n", b"$2\r\n", b"PING", b"ECHO",
    b"echo", b"\r\n", b"\r\n", b"\r", b"\n", b"$", b"*", b"-", b"+", b"0", b"1", b"2", b"4", b"x",
    b" ", b" ", b"\t", b"\"", b"'", b"\\", b"\\x41", b"\\xZ", b"\x00", b"\x0b", b"\x0c", b"\xff",
    b"$-1", b"*-1", b"*0", b"ab",
];

fn request_bytes() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(prop::sample::select(PIECES), 1..24).prop_map(|v| v.concat())
}

#[test]
fn random_pieces_match_oracle() {
    let Some(r) = Raw::start() else { return };
    let r = std::cell::RefCell::new(r);
    let mut runner = TestRunner::new(PropConfig {
        cases: 400,
        ..PropConfig::default()
    });
    let result = runner.run(&request_bytes(), |bytes| {
        r.borrow_mut().compare(&bytes).map_err(TestCaseError::fail)
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}
