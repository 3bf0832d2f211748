//! Quicklist node boundaries and node bytes against redis-server 7.0.15's
//! DUMP, for multi-node lists built by pushes, inserts (splits and merges),
//! replacements and deletions under small `list-max-listpack-size` values.
//!
//! A list's DUMP payload is RDB type 18 (`QUICKLIST_2`): the node count as
//! an RDB length, then per node a container length (1 = plain, 2 = packed)
//! and the node's listpack as an RDB string, then the 2-byte RDB version
//! and an 8-byte CRC. The oracle runs with `rdbcompression no`, so the
//! strings are stored raw; LZF-framed strings are reported as unsupported.

mod common;

use common::Pair;
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

/// Reads an RDB length at `*pos`.
fn rdb_len(buf: &[u8], pos: &mut usize) -> u64 {
    let b = buf[*pos];
    *pos += 1;
    match b >> 6 {
        0 => u64::from(b & 0x3F),
        1 => {
            let v = (u64::from(b & 0x3F) << 8) | u64::from(buf[*pos]);
            *pos += 1;
            v
        }
        2 if b == 0x80 => {
            let v = u32::from_be_bytes(buf[*pos..*pos + 4].try_into().unwrap());
            *pos += 4;
            u64::from(v)
        }
        2 if b == 0x81 => {
            let v = u64::from_be_bytes(buf[*pos..*pos + 8].try_into().unwrap());
            *pos += 8;
            v
        }
        _ => panic!("encoded value 0x{b:02x} where a length was expected"),
    }
}

/// Reads an RDB string at `*pos` (raw or integer-encoded).
fn rdb_string(buf: &[u8], pos: &mut usize) -> Vec<u8> {
    let b = buf[*pos];
    if b >> 6 == 3 {
        *pos += 1;
        let width = match b & 0x3F {
            0 => 1,
            1 => 2,
            2 => 4,
            3 => panic!("LZF-compressed string: run the oracle with rdbcompression no"),
            other => panic!("unknown string encoding {other}"),
        };
        let mut v = [0u8; 8];
        v[..width].copy_from_slice(&buf[*pos..*pos + width]);
        *pos += width;
        let n = i64::from_le_bytes(v) << (64 - 8 * width) >> (64 - 8 * width);
        return n.to_string().into_bytes();
    }
    let len = rdb_len(buf, pos) as usize;
    let s = buf[*pos..*pos + len].to_vec();
    *pos += len;
    s
}

/// The node listpacks in a DUMP payload of a list.
fn dump_nodes(payload: &[u8]) -> Vec<Vec<u8>> {
    assert_eq!(payload[0], 18, "not a QUICKLIST_2 payload");
    let mut pos = 1;
    let n = rdb_len(payload, &mut pos);
    let mut nodes = Vec::new();
    for _ in 0..n {
        let container = rdb_len(payload, &mut pos);
        assert_eq!(container, 2, "plain node in the oracle's dump");
        nodes.push(rdb_string(payload, &mut pos));
    }
    assert_eq!(pos + 10, payload.len(), "trailing bytes after the nodes");
    nodes
}

/// The bulk payload of a RESP2 bulk reply.
fn bulk(reply: &[u8]) -> Vec<u8> {
    assert_eq!(
        reply[0],
        b'$',
        "not a bulk: {}",
        String::from_utf8_lossy(reply)
    );
    let nl = reply.iter().position(|&b| b == b'\n').unwrap();
    reply[nl + 1..reply.len() - 2].to_vec()
}

/// Compares the nodes of `key` on both sides; returns the node count.
fn compare(p: &mut Pair, key: &str, what: &str) -> usize {
    let exists = p.check(&format!("EXISTS {key}"));
    if exists == b":0\r\n" {
        return 0;
    }
    let want = dump_nodes(&bulk(&p.oracle.send(&[b"DUMP", key.as_bytes()])));
    let got: Vec<Vec<u8>> =
        p.ks.list_nodes(key.as_bytes())
            .unwrap()
            .unwrap()
            .into_iter()
            .map(|lp| lp.into_bytes())
            .collect();
    let lens = |v: &[Vec<u8>]| v.iter().map(Vec::len).collect::<Vec<_>>();
    assert_eq!(lens(&got), lens(&want), "node sizes differ after {what}");
    assert!(got == want, "node bytes differ after {what}");
    got.len()
}

fn pair() -> Option<Pair> {
    let mut p = Pair::new()?;
    p.oracle
        .send(&[b"CONFIG", b"SET", b"rdbcompression", b"no"]);
    Some(p)
}

#[test]
fn pushes_and_pops_build_the_same_nodes() {
    let Some(mut p) = pair() else { return };
    for fill in ["4", "1", "0", "-1", "-2", "7"] {
        p.check(&format!("CONFIG SET list-max-listpack-size {fill}"));
        p.check("DEL l");
        for i in 0..60 {
            let v = "x".repeat(i * 37 % 300);
            p.check(&format!("RPUSH l {i} {v}"));
            p.check(&format!("LPUSH l -{i} s{v}"));
            compare(&mut p, "l", &format!("push {i} fill {fill}"));
        }
        for i in 0..20 {
            p.check(&format!("LPOP l {}", i % 3));
            p.check("RPOP l");
            compare(&mut p, "l", &format!("pop {i} fill {fill}"));
        }
    }
}

#[test]
fn inserts_split_and_merge_like_redis() {
    let Some(mut p) = pair() else { return };
    let mut rng = SmallRng::seed_from_u64(0xD0);
    for fill in ["4", "3", "2", "-1", "5"] {
        p.check(&format!("CONFIG SET list-max-listpack-size {fill}"));
        p.check("DEL l");
        p.check("RPUSH l p0 p1 p2 p3 p4 p5 p6 p7 p8 p9");
        let mut most = 0;
        for step in 0..250 {
            let pivot = format!("p{}", rng.random_range(0..10));
            let len = if fill == "-1" {
                rng.random_range(0..900)
            } else {
                rng.random_range(0..5)
            };
            let v = format!("v{}", "y".repeat(len));
            let side = ["BEFORE", "AFTER"][rng.random_range(0..2)];
            let line = match rng.random_range(0..10) {
                0 => format!("LREM l 1 {v}"),
                1 => format!(
                    "LTRIM l {} -{}",
                    rng.random_range(0..2),
                    rng.random_range(1..3)
                ),
                2 => format!(
                    "LSET l {} p{}",
                    rng.random_range(-5..5),
                    rng.random_range(0..10)
                ),
                3 => format!("RPUSH l p{}", rng.random_range(0..10)),
                _ => format!("LINSERT l {side} {pivot} {v}"),
            };
            p.check(&line);
            let nodes = compare(&mut p, "l", &format!("step {step} `{line}` fill {fill}"));
            most = most.max(nodes);
        }
        assert!(most >= 4, "fill {fill} never built several nodes ({most})");
    }
}

#[test]
fn random_mixes_keep_boundaries() {
    let Some(mut p) = pair() else { return };
    let mut rng = SmallRng::seed_from_u64(0xD1);
    for fill in ["4", "-1", "2"] {
        p.check(&format!("CONFIG SET list-max-listpack-size {fill}"));
        p.check("DEL l");
        for step in 0..300 {
            let n = p.ks.llen(b"l").unwrap() as i64;
            let i = if n == 0 { 0 } else { rng.random_range(-n..n) };
            let v = if rng.random_bool(0.3) {
                format!("{}", rng.random_range(-70000..70000))
            } else {
                "z".repeat(rng.random_range(1..if fill == "-1" { 700 } else { 20 }))
            };
            let line = match rng.random_range(0..8) {
                0 | 1 => format!("RPUSH l {v} {v}1"),
                2 => format!("LPUSH l {v}"),
                3 => format!("LINSERT l AFTER {} {v}", index_value(&mut p, i)),
                4 => format!("LINSERT l BEFORE {} {v}", index_value(&mut p, i)),
                5 => format!(
                    "LREM l {} {}",
                    rng.random_range(-2..3),
                    index_value(&mut p, i)
                ),
                6 => format!(
                    "LTRIM l {} {}",
                    rng.random_range(0..3),
                    rng.random_range(-3..-1)
                ),
                _ => format!("RPOP l {}", rng.random_range(1..4)),
            };
            p.check(&line);
            compare(&mut p, "l", &format!("step {step} `{line}` fill {fill}"));
        }
    }
}

/// The element at `i` (a pivot for LINSERT/LREM), or a placeholder.
fn index_value(p: &mut Pair, i: i64) -> String {
    p.ks.lindex(b"l", i)
        .unwrap()
        .map_or_else(|| "none".to_string(), |v| String::from_utf8(v).unwrap())
}
