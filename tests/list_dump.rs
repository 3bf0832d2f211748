//! Quicklist node boundaries and node bytes against redis-server 7.0.15's
//! DUMP, for multi-node lists built by pushes, inserts (splits and merges),
//! replacements and deletions under small `list-max-listpack-size` values.
//!
//! A list's DUMP payload is RDB type 18 (`QUICKLIST_2`): the node count as
//! an RDB length, then per node a container length (1 = plain, 2 = packed)
//! and the node's listpack as an RDB string, then the 2-byte RDB version
//! and an 8-byte CRC. The oracle runs with `rdbcompression no`, so the
//! strings are stored raw, except the nodes the quicklist itself keeps
//! LZF-compressed under `list-compress-depth`: those are written as an
//! LZF-framed string holding the node's own compressed bytes. So under
//! compression the dump shows which nodes Redis compressed and the exact
//! bytes its `lzf_compress` produced, which are compared with ours.

mod common;

use common::{Oracle, Pair};
use embedis::encoding::lzf;
use embedis::encoding::quicklist::NodeView;
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

/// A node as dumped: a listpack, or the LZF bytes of one and its size.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Dumped {
    Raw(Vec<u8>),
    Lzf(Vec<u8>, usize),
}

impl Dumped {
    /// The node's listpack bytes.
    fn listpack(&self) -> Vec<u8> {
        match self {
            Dumped::Raw(b) => b.clone(),
            Dumped::Lzf(blob, len) => lzf::decompress(blob, *len).expect("valid LZF blob"),
        }
    }
}

/// Reads an RDB string at `*pos` (raw, integer-encoded or LZF-framed).
fn rdb_string(buf: &[u8], pos: &mut usize) -> Dumped {
    let b = buf[*pos];
    if b == 0xC3 {
        *pos += 1;
        let clen = rdb_len(buf, pos) as usize;
        let len = rdb_len(buf, pos) as usize;
        let blob = buf[*pos..*pos + clen].to_vec();
        *pos += clen;
        return Dumped::Lzf(blob, len);
    }
    if b >> 6 == 3 {
        *pos += 1;
        let width = match b & 0x3F {
            0 => 1,
            1 => 2,
            2 => 4,
            other => panic!("unknown string encoding {other}"),
        };
        let mut v = [0u8; 8];
        v[..width].copy_from_slice(&buf[*pos..*pos + width]);
        *pos += width;
        let n = i64::from_le_bytes(v) << (64 - 8 * width) >> (64 - 8 * width);
        return Dumped::Raw(n.to_string().into_bytes());
    }
    let len = rdb_len(buf, pos) as usize;
    let s = buf[*pos..*pos + len].to_vec();
    *pos += len;
    Dumped::Raw(s)
}

/// The nodes in a DUMP payload of a list.
fn dump_nodes(payload: &[u8]) -> Vec<Dumped> {
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

/// How the nodes of one list compare between the two sides.
#[derive(Debug, Default, Clone, Copy)]
struct Compared {
    nodes: usize,
    /// Nodes compressed on both sides (their LZF bytes are equal).
    both_packed: usize,
    /// Nodes compressed on one side only.
    state_differs: usize,
    /// Nodes Redis compressed and we did not.
    only_redis: usize,
}

/// Compares the nodes of `key` on both sides: node boundaries and listpack
/// bytes always, LZF bytes where both sides compressed a node.
fn compare(p: &mut Pair, key: &str, what: &str) -> Compared {
    let exists = p.check(&format!("EXISTS {key}"));
    if exists == b":0\r\n" {
        return Compared::default();
    }
    let want = dump_nodes(&bulk(&p.oracle.send(&[b"DUMP", key.as_bytes()])));
    let got: Vec<Dumped> =
        p.ks.list_quicklist(key.as_bytes(), |ql| {
            ql.validate(false).unwrap();
            ql.node_views()
                .map(|v| match v {
                    NodeView::Raw(lp) => Dumped::Raw(lp.as_bytes().to_vec()),
                    NodeView::Lzf { blob, raw_len } => Dumped::Lzf(blob.to_vec(), raw_len),
                })
                .collect()
        })
        .unwrap()
        .unwrap();
    let lps = |v: &[Dumped]| v.iter().map(Dumped::listpack).collect::<Vec<_>>();
    let (got_lp, want_lp) = (lps(&got), lps(&want));
    let lens = |v: &[Vec<u8>]| v.iter().map(Vec::len).collect::<Vec<_>>();
    assert_eq!(
        lens(&got_lp),
        lens(&want_lp),
        "node sizes differ after {what}"
    );
    assert!(got_lp == want_lp, "node bytes differ after {what}");
    let mut c = Compared {
        nodes: got.len(),
        ..Compared::default()
    };
    for (i, (g, w)) in got.iter().zip(&want).enumerate() {
        match (g, w) {
            (Dumped::Lzf(a, _), Dumped::Lzf(b, _)) => {
                assert_eq!(a, b, "LZF bytes of node {i} differ after {what}");
                c.both_packed += 1;
            }
            (Dumped::Raw(_), Dumped::Raw(_)) => {}
            _ => {
                let redis = matches!(w, Dumped::Lzf(..));
                if std::env::var_os("LIST_DUMP_VERBOSE").is_some() {
                    eprintln!(
                        "node {i}/{}: Redis compressed {redis} after {what}",
                        got.len()
                    );
                }
                c.state_differs += 1;
                c.only_redis += usize::from(redis);
            }
        }
    }
    c
}

fn pair() -> Option<Pair> {
    let mut p = Pair::new()?;
    p.oracle
        .send(&[b"CONFIG", b"SET", b"rdbcompression", b"no"]);
    Some(p)
}

/// Sets the node fill and compress depth on both sides.
fn configure(p: &mut Pair, fill: &str, depth: usize) {
    p.check(&format!("CONFIG SET list-max-listpack-size {fill}"));
    p.check(&format!("CONFIG SET list-compress-depth {depth}"));
}

/// Pushes and pops at both ends, without compression and with depths 1 to
/// 3: the same nodes, compressed in the same places to the same LZF bytes.
#[test]
fn pushes_and_pops_build_the_same_nodes() {
    let Some(mut p) = pair() else { return };
    let runs = [
        ("4", 0),
        ("1", 0),
        ("0", 0),
        ("-1", 0),
        ("-2", 0),
        ("7", 0),
        ("4", 1),
        ("2", 2),
        ("0", 1),
        ("-1", 1),
        ("7", 3),
    ];
    for (fill, depth) in runs {
        configure(&mut p, fill, depth);
        p.check("DEL l");
        let mut packed = 0;
        let what = |step: &str, i| format!("{step} {i} fill {fill} depth {depth}");
        for i in 0..60 {
            let v = "x".repeat(i * 37 % 300);
            p.check(&format!("RPUSH l {i} {v}"));
            p.check(&format!("LPUSH l -{i} s{v}"));
            let c = compare(&mut p, "l", &what("push", i));
            assert_eq!(
                c.state_differs,
                0,
                "compression differs: {}",
                what("push", i)
            );
            packed = packed.max(c.both_packed);
        }
        for i in 0..20 {
            p.check(&format!("LPOP l {}", i % 3));
            p.check("RPOP l");
            // One element without a count: the lazy head pop.
            p.check("LPOP l");
            let c = compare(&mut p, "l", &what("pop", i));
            assert_eq!(
                c.state_differs,
                0,
                "compression differs: {}",
                what("pop", i)
            );
        }
        assert_eq!(depth > 0, packed > 0, "fill {fill} depth {depth}: {packed}");
    }
}

#[test]
fn inserts_split_and_merge_like_redis() {
    let Some(mut p) = pair() else { return };
    let mut rng = SmallRng::seed_from_u64(0xD0);
    let mut differs = 0;
    for (fill, depth) in [("4", 0), ("3", 1), ("2", 2), ("-1", 1), ("5", 0), ("4", 1)] {
        configure(&mut p, fill, depth);
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
            let what = format!("step {step} `{line}` fill {fill} depth {depth}");
            let c = compare(&mut p, "l", &what);
            most = most.max(c.nodes);
            differs += c.state_differs;
            assert_eq!(
                c.only_redis, 0,
                "Redis compressed a node we keep raw: {what}"
            );
        }
        assert!(most >= 4, "fill {fill} never built several nodes ({most})");
    }
    eprintln!("nodes compressed on one side only, summed over steps: {differs}");
}

#[test]
fn random_mixes_keep_boundaries() {
    let Some(mut p) = pair() else { return };
    let mut rng = SmallRng::seed_from_u64(0xD1);
    let mut differs = 0;
    for (fill, depth) in [("4", 0), ("-1", 0), ("2", 0), ("4", 1), ("-1", 2), ("2", 1)] {
        configure(&mut p, fill, depth);
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
            let what = format!("step {step} `{line}` fill {fill} depth {depth}");
            let c = compare(&mut p, "l", &what);
            differs += c.state_differs;
            // Redis can leave a deep node raw after an insert grew it past
            // the size worth compressing (docs/compat.md); never the reverse.
            assert_eq!(
                c.only_redis, 0,
                "Redis compressed a node we keep raw: {what}"
            );
        }
    }
    eprintln!("nodes compressed on one side only, summed over steps: {differs}");
}

/// The element at `i` (a pivot for LINSERT/LREM), or a placeholder.
fn index_value(p: &mut Pair, i: i64) -> String {
    p.ks.lindex(b"l", i)
        .unwrap()
        .map_or_else(|| "none".to_string(), |v| String::from_utf8(v).unwrap())
}

/// Strings for [`lzf_bytes_equal_redis_string_dumps`]: random bytes, few
/// distinct bytes, repeated snippets with stray bytes, listpack-like runs
/// of numbered entries, and repeats that reach the last input bytes (where
/// liblzf's match rules have their edge cases).
fn lzf_sample(rng: &mut SmallRng, kind: usize) -> Vec<u8> {
    let n = rng.random_range(21..if kind == 0 { 200 } else { 9000 });
    match kind {
        0 | 1 => (0..n).map(|_| rng.random()).collect(),
        2 => (0..n).map(|_| rng.random_range(b'a'..b'd')).collect(),
        3 => {
            let pool: Vec<Vec<u8>> = (0..5)
                .map(|_| {
                    (0..rng.random_range(1..40))
                        .map(|_| rng.random_range(0..4))
                        .collect()
                })
                .collect();
            let mut v = Vec::new();
            while v.len() < n {
                let s = &pool[rng.random_range(0..pool.len())];
                for _ in 0..rng.random_range(1..20) {
                    v.extend_from_slice(s);
                }
                if rng.random_bool(0.3) {
                    v.push(rng.random());
                }
            }
            v
        }
        4 => {
            let mut v = Vec::new();
            for i in 0..n / 18 {
                v.push(0x90);
                v.extend_from_slice(format!("e{i:015}").as_bytes());
                v.push(17);
            }
            v.push(0xFF);
            v
        }
        _ => {
            // A prefix, then a repeat of its start that ends the string.
            let head: Vec<u8> = (0..rng.random_range(8..300))
                .map(|_| rng.random())
                .collect();
            let mut v = head.clone();
            v.extend_from_slice(&head[1..rng.random_range(4..head.len())]);
            v
        }
    }
}

/// Our LZF output against Redis's own: redis-server compresses every
/// string longer than 20 bytes in a DUMP payload with `lzf_compress`, an
/// output limit of the length minus 4, and stores it raw when that fails.
/// Each sample is a fresh key, dumped once (liblzf's table is not cleared
/// between calls in Redis, but stale entries only point into other live
/// strings, which never pass its distance check).
#[test]
fn lzf_bytes_equal_redis_string_dumps() {
    let Some(mut oracle) = Oracle::start(&["--rdbcompression", "yes"]) else {
        return;
    };
    let mut rng = SmallRng::seed_from_u64(0x1F2);
    let (mut packed, mut raw) = (0, 0);
    for i in 0..600 {
        let data = lzf_sample(&mut rng, i % 6);
        let key = format!("s{i}");
        oracle.send(&[b"SET", key.as_bytes(), &data]);
        let payload = bulk(&oracle.send(&[b"DUMP", key.as_bytes()]));
        assert_eq!(payload[0], 0, "not a string payload");
        let mut pos = 1;
        let ours = lzf::compress(&data, data.len() - 4);
        match rdb_string(&payload, &mut pos) {
            Dumped::Lzf(blob, len) => {
                assert_eq!(len, data.len());
                assert!(
                    ours.as_deref() == Some(&blob[..]),
                    "LZF bytes differ on sample {i} ({data:?})"
                );
                packed += 1;
            }
            Dumped::Raw(stored) => {
                assert_eq!(stored, data);
                assert!(ours.is_none(), "we compressed sample {i}, Redis did not");
                raw += 1;
            }
        }
    }
    assert!(packed > 300 && raw > 50, "{packed} compressed, {raw} raw");
}
