//! HyperLogLog against the oracle: after every step the GET bytes of each
//! HLL must be identical (sparse edits, promotion at the threshold, dense,
//! merges of mixed encodings, cached counts), as must every reply and
//! error text, including for hand-crafted and corrupted strings and for
//! values copied from one server to the other with SET.

mod common;

use common::Pair;
use embedis::Config;
use embedis::types::hll::hash;

/// `PFADD key e...` as argv.
fn pfadd_argv(key: &str, elements: &[Vec<u8>]) -> Vec<Vec<u8>> {
    let mut argv = vec![b"PFADD".to_vec(), key.as_bytes().to_vec()];
    argv.extend(elements.iter().cloned());
    argv
}

fn run(p: &mut Pair, argv: &[Vec<u8>]) -> Vec<u8> {
    let refs: Vec<&[u8]> = argv.iter().map(Vec::as_slice).collect();
    let what = String::from_utf8_lossy(&argv[0]).into_owned();
    p.check_argv(&refs, &what)
}

/// Compares the stored bytes of `keys` on both sides.
fn same_bytes(p: &mut Pair, keys: &[&str]) {
    for key in keys {
        p.check(&format!("GET {key}"));
    }
}

/// Distinct elements `<prefix><i>` for i in range.
fn elements(prefix: &str, range: std::ops::Range<u64>) -> Vec<Vec<u8>> {
    range.map(|i| format!("{prefix}{i}").into_bytes()).collect()
}

/// Adds `n` elements one PFADD at a time, comparing reply and bytes after
/// each, then the count.
fn grow_one_by_one(p: &mut Pair, key: &str, prefix: &str, n: u64) {
    for e in elements(prefix, 0..n) {
        run(p, &pfadd_argv(key, &[e]));
        same_bytes(p, &[key]);
    }
    p.check(&format!("PFCOUNT {key}"));
    same_bytes(p, &[key]);
    p.check(&format!("PFDEBUG ENCODING {key}"));
}

/// Asserts the encoding both sides report (after checking they agree).
fn assert_encoding(p: &mut Pair, key: &str, want: &str) {
    let got = p.check(&format!("PFDEBUG ENCODING {key}"));
    assert_eq!(got, format!("+{want}\r\n").into_bytes(), "{key}");
}

/// An 8-byte element whose hash lands in register `index` with run length
/// `count` (1..=51), found by running MurmurHash64A backwards: every step of
/// the hash of one 8-byte block is invertible.
fn element_for(index: usize, count: u8) -> Vec<u8> {
    const M: u64 = 0xc6a4_a793_5bd1_e995;
    let inverse = (0..6).fold(M, |x: u64, _| {
        x.wrapping_mul(2u64.wrapping_sub(M.wrapping_mul(x)))
    });
    let unshift = |x: u64| x ^ (x >> 47);
    let run_bit = if count <= 50 { 1u64 << (13 + count) } else { 0 };
    let target = index as u64 | run_bit;
    let h = unshift(unshift(target).wrapping_mul(inverse));
    let h0 = u64::from(hash::SEED) ^ 8u64.wrapping_mul(M);
    let k = h.wrapping_mul(inverse) ^ h0;
    let block = unshift(k.wrapping_mul(inverse)).wrapping_mul(inverse);
    let element = block.to_le_bytes().to_vec();
    assert_eq!(hash::pattern(&element), (index, count));
    element
}

/// The oracle's bytes for `key`, taken out of its GET reply.
fn oracle_get(p: &mut Pair, key: &[u8]) -> Vec<u8> {
    let reply = p.oracle.send(&[b"GET", key]);
    let nl = reply.iter().position(|&b| b == b'\n').unwrap();
    reply[nl + 1..reply.len() - 2].to_vec()
}

#[test]
fn basics_and_replies() {
    let Some(mut p) = Pair::new() else { return };
    p.check_all(&[
        "PFADD h",
        "GET h",
        "OBJECT ENCODING h",
        "TYPE h",
        "PFADD h",
        "PFCOUNT h",
        "GET h",
        "PFADD h a b c foo hello redis \"\"",
        "GET h",
        "PFADD h a",
        "GET h",
        "PFCOUNT h",
        "GET h",
        "PFCOUNT h",
        "PFCOUNT nokey",
        "PFCOUNT nokey h",
        "PFCOUNT h h",
        "PFADD h2 x y z",
        "PFCOUNT h h2",
        "PFCOUNT h2 nokey h",
        "GET h2",
        "PFMERGE m h h2",
        "GET m",
        "PFCOUNT m",
        "PFMERGE m",
        "GET m",
        "PFMERGE empty",
        "GET empty",
        "PFMERGE h2 nokey",
        "GET h2",
        "PFADD",
        "PFCOUNT",
        "PFMERGE",
        "PFDEBUG",
        "PFDEBUG GETREG",
        "PFDEBUG GETREG h extra",
        "PFSELFTEST x",
    ]);
}

#[test]
fn pfdebug_subcommands() {
    let Some(mut p) = Pair::new() else { return };
    p.check_all(&[
        "PFDEBUG ENCODING nokey",
        "PFDEBUG nosuch nokey",
        "SET s notanhll",
        "PFDEBUG ENCODING s",
        "PFDEBUG nosuch s",
        "PFADD h a b c d e f",
        "PFDEBUG nosuch h",
        "PFDEBUG \"a\\r\\nb\" h",
        "PFDEBUG \"ab\\x00cd\" h",
        "PFDEBUG ENCODING h",
        "PFDEBUG encoding h",
        "PFDEBUG DECODE h",
        "PFDEBUG TODENSE h",
        "PFDEBUG ENCODING h",
        "GET h",
        "PFDEBUG TODENSE h",
        "PFDEBUG DECODE h",
        "PFDEBUG GETREG h",
        "PFADD g x",
        "PFDEBUG GETREG g",
        "PFDEBUG ENCODING g",
        "GET g",
        "PFCOUNT g",
        "PFCOUNT h",
        "PFADD e",
        "PFDEBUG DECODE e",
    ]);
}

#[test]
fn element_bytes_and_hash_tails() {
    let Some(mut p) = Pair::new() else { return };
    // Every tail length of MurmurHash64A, binary bytes, NULs and high bits.
    let mut elems: Vec<Vec<u8>> = (0..40u8).map(|n| (0..n).collect()).collect();
    elems.extend((0..40u8).map(|n| (0..n).map(|i| 255 - i.wrapping_mul(7)).collect()));
    elems.push(vec![0; 100]);
    elems.push(vec![0xff; 1000]);
    for chunk in elems.chunks(7) {
        run(&mut p, &pfadd_argv("h", chunk));
        same_bytes(&mut p, &["h"]);
    }
    p.check("PFCOUNT h");
    p.check("PFDEBUG TODENSE h");
    run(&mut p, &pfadd_argv("h", &elems));
    for chunk in elems.chunks(9) {
        run(&mut p, &pfadd_argv("d", chunk));
    }
    p.check("PFDEBUG TODENSE d");
    for chunk in elems.chunks(9) {
        run(&mut p, &pfadd_argv("d", chunk));
        same_bytes(&mut p, &["d"]);
    }
    p.check("PFCOUNT d");
    same_bytes(&mut p, &["h", "d"]);
}

#[test]
fn sparse_growth_and_promotion_at_default_threshold() {
    let Some(mut p) = Pair::new() else { return };
    // Single adds until well past the 3000-byte promotion.
    grow_one_by_one(&mut p, "h", "elem:", 2000);
    assert_encoding(&mut p, "h", "dense");
    // A register value above 32 promotes at once.
    p.check("PFADD v");
    run(&mut p, &pfadd_argv("v", &[b"small".to_vec()]));
    same_bytes(&mut p, &["v"]);
    assert_encoding(&mut p, "v", "sparse");
    run(&mut p, &pfadd_argv("v", &[element_for(100, 33)]));
    same_bytes(&mut p, &["v"]);
    assert_encoding(&mut p, "v", "dense");
}

#[test]
fn promotion_with_configured_thresholds() {
    let Some(mut p) = Pair::new() else { return };
    for (i, max) in ["0", "17", "18", "19", "20", "25", "100", "301", "700"]
        .iter()
        .enumerate()
    {
        p.check(&format!("CONFIG SET hll-sparse-max-bytes {max}"));
        let key = format!("h{i}");
        grow_one_by_one(&mut p, &key, "x", 260);
        // Batches too: one PFADD crossing the threshold mid-way.
        let key = format!("b{i}");
        for batch in 0..8 {
            run(
                &mut p,
                &pfadd_argv(&key, &elements("y", batch * 40..batch * 40 + 40)),
            );
            same_bytes(&mut p, &[&key]);
        }
    }
    p.check("CONFIG SET hll-sparse-max-bytes 20000");
    grow_one_by_one(&mut p, "big", "z", 2000);
    assert_encoding(&mut p, "big", "sparse");
}

#[test]
fn merges_of_mixed_encodings() {
    let Some(mut p) = Pair::new() else { return };
    run(&mut p, &pfadd_argv("s1", &elements("a", 0..50)));
    run(&mut p, &pfadd_argv("s2", &elements("a", 25..120)));
    run(&mut p, &pfadd_argv("d1", &elements("b", 0..3000)));
    run(&mut p, &pfadd_argv("d2", &elements("a", 100..5000)));
    same_bytes(&mut p, &["s1", "s2", "d1", "d2"]);
    p.check_all(&[
        "PFDEBUG ENCODING s1",
        "PFDEBUG ENCODING d1",
        "PFMERGE m1 s1 s2",
        "PFDEBUG ENCODING m1",
        "GET m1",
        "PFMERGE m2 s1 d1",
        "PFDEBUG ENCODING m2",
        "GET m2",
        "PFMERGE s1 s2",
        "GET s1",
        "PFMERGE s2 d2 nokey",
        "GET s2",
        "PFMERGE d1 s1",
        "GET d1",
        "PFMERGE d1 d2 s1 s2 m1 m2",
        "GET d1",
        "PFCOUNT d1",
        "PFCOUNT s1 s2",
        "PFCOUNT s1 d1",
        "PFCOUNT d1 d2 m1 m2 nokey",
        "PFCOUNT m1 m2",
        "GET m1",
        "GET m2",
    ]);
    // A sparse destination growing past the threshold during the merge.
    run(&mut p, &pfadd_argv("t1", &elements("c", 0..400)));
    run(&mut p, &pfadd_argv("t2", &elements("d", 0..400)));
    same_bytes(&mut p, &["t1", "t2"]);
    p.check_all(&[
        "PFDEBUG ENCODING t1",
        "PFMERGE t1 t2",
        "PFDEBUG ENCODING t1",
        "GET t1",
    ]);
    // Sparse sources with VAL runs merged into a sparse destination.
    p.check("CONFIG SET hll-sparse-max-bytes 100000");
    run(&mut p, &pfadd_argv("u1", &elements("e", 0..3000)));
    run(&mut p, &pfadd_argv("u2", &elements("f", 0..3000)));
    p.check_all(&[
        "PFMERGE u3 u1 u2",
        "GET u3",
        "PFDEBUG ENCODING u3",
        "PFCOUNT u3",
    ]);
}

#[test]
fn counts_match_the_oracle_up_to_100k() {
    let Some(mut p) = Pair::new() else { return };
    let mut n = 0;
    for step in [
        1u64, 2, 5, 10, 30, 100, 300, 1000, 3000, 10_000, 30_000, 55_549,
    ] {
        for chunk in elements("k", n..n + step).chunks(1000) {
            run(&mut p, &pfadd_argv("c", chunk));
        }
        n += step;
        p.check("PFCOUNT c");
        p.check("PFCOUNT c other");
    }
    same_bytes(&mut p, &["c"]);
    for chunk in elements("k", 50_000..150_000).chunks(1000) {
        run(&mut p, &pfadd_argv("o", chunk));
    }
    p.check_all(&[
        "PFCOUNT c o",
        "PFCOUNT o",
        "PFMERGE u c o",
        "PFCOUNT u",
        "GET u",
    ]);
}

/// PFCOUNT equals the oracle's at checkpoints from 1 to 10M distinct
/// elements (the issue's accuracy proof against Redis; the 3-standard-error
/// bound is checked in the unit tests). About 7 s on a loaded machine; run with
/// `cargo test --test diff_hll -- --ignored`.
#[test]
#[ignore = "10M elements through both sides: cargo test --test diff_hll -- --ignored"]
fn counts_match_the_oracle_up_to_ten_million() {
    let Some(mut p) = Pair::new() else { return };
    let mut n = 0;
    for target in [
        1u64, 10, 100, 1000, 10_000, 100_000, 1_000_000, 3_000_000, 10_000_000,
    ] {
        while n < target {
            let end = target.min(n + 100_000);
            for chunk in elements("m", n..end).chunks(2000) {
                run(&mut p, &pfadd_argv("big", chunk));
            }
            n = end;
        }
        p.check("PFCOUNT big");
        p.check("PFCOUNT big other");
    }
    same_bytes(&mut p, &["big"]);
}

/// A sparse header with cache bytes `card` (byte 15 carries the flag).
fn sparse_with(card: [u8; 8], ops: &[u8]) -> Vec<u8> {
    let mut v = b"HYLL\x01\0\0\0".to_vec();
    v.extend_from_slice(&card);
    v.extend_from_slice(ops);
    v
}

const STALE: [u8; 8] = [0, 0, 0, 0, 0, 0, 0, 0x80];

/// Sets `value` on both sides, then runs PF commands on it, comparing
/// replies and the bytes left behind.
fn hostile(p: &mut Pair, value: &[u8], what: &str) {
    let cmds: &[&[&[u8]]] = &[
        &[b"PFCOUNT", b"x"],
        &[b"PFCOUNT", b"x", b"nokey"],
        &[b"PFMERGE", b"m", b"x"],
        &[b"PFMERGE", b"x"],
        &[b"PFADD", b"x", b"a"],
        &[b"PFADD", b"x", b"foo", b"hello", b"redis", b"b", b"c", b"d"],
        &[b"PFADD", b"x"],
        &[b"PFDEBUG", b"DECODE", b"x"],
        &[b"PFDEBUG", b"ENCODING", b"x"],
        &[b"PFCOUNT", b"x"],
        &[b"PFDEBUG", b"GETREG", b"x"],
    ];
    for cmd in cmds {
        p.check_argv(&[b"DEL", b"x", b"m"], "DEL");
        p.check_argv(&[b"SET", b"x", value], what);
        p.check_argv(cmd, &format!("{what}: {}", String::from_utf8_lossy(cmd[0])));
        p.check_argv(&[b"GET", b"x"], &format!("{what}: GET after {cmd:?}"));
        p.check_argv(&[b"GET", b"m"], what);
        p.check_argv(&[b"OBJECT", b"ENCODING", b"x"], what);
    }
}

#[test]
fn hostile_headers() {
    let Some(mut p) = Pair::new() else { return };
    let mut dense = b"HYLL\0\0\0\0".to_vec();
    dense.resize(12304, 0);
    let mut long_dense = dense.clone();
    long_dense.push(0);
    let mut enc2 = sparse_with(STALE, &[0x7f, 0xff]);
    enc2[4] = 2;
    let values: Vec<(Vec<u8>, &str)> = vec![
        (b"".to_vec(), "empty"),
        (b"HYLL".to_vec(), "magic only"),
        (b"HYLL\x01\0\0\0\0\0\0\0\0\0\0".to_vec(), "15 bytes"),
        (b"1234567890123456789".to_vec(), "int-encoded"),
        (
            b"hyll\x01\0\0\0\0\0\0\0\0\0\0\x80\x7f\xff".to_vec(),
            "lowercase magic",
        ),
        (enc2, "encoding 2"),
        (dense[..12303].to_vec(), "short dense"),
        (long_dense, "long dense"),
        (dense.clone(), "empty dense, valid zero cache"),
        (sparse_with([0; 8], &[]), "sparse without opcodes"),
    ];
    for (value, what) in &values {
        hostile(&mut p, value, what);
    }
}

#[test]
fn hostile_sparse_streams() {
    let Some(mut p) = Pair::new() else { return };
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (sparse_with(STALE, &[0x7f]), "truncated XZERO"),
        (sparse_with(STALE, &[0x7f, 0xfe]), "one register short"),
        (sparse_with(STALE, &[0x7f, 0xff, 0x00]), "one register long"),
        (
            sparse_with(STALE, &[0x7f, 0xff, 0x7f, 0xff]),
            "twice the registers",
        ),
        (sparse_with(STALE, &[0x7f, 0xff, 0xff]), "trailing VAL"),
        (
            sparse_with(STALE, &[0x7f, 0xfe, 0x83]),
            "VAL run past the end",
        ),
        (sparse_with(STALE, &[0x5f, 0x3f]), "XZERO of 8000 only"),
        (
            sparse_with(STALE, &[0x7f, 0xfb, 0x7c]),
            "truncated XZERO after",
        ),
        (
            sparse_with(STALE, &[0x80, 0x80, 0x80, 0x80, 0x7f, 0xfb]),
            "VALs of one, not merged",
        ),
        (
            sparse_with(STALE, &[0x00, 0x00, 0x7f, 0xfd]),
            "ZERO ones, not merged",
        ),
        (
            sparse_with(STALE, &[0x40, 0x00, 0x7f, 0xfe]),
            "XZERO of one",
        ),
        (
            sparse_with([5, 0, 0, 0, 0, 0, 0, 0], &[0x7f]),
            "valid cache over a broken stream",
        ),
        (
            sparse_with(
                [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f],
                &[0x7f, 0xff],
            ),
            "largest valid cache",
        ),
        (
            {
                let mut v = sparse_with(STALE, &[0x7f, 0xff]);
                v[5..8].copy_from_slice(b"abc");
                v
            },
            "unused header bytes set",
        ),
        (
            sparse_with(STALE, &[0xfc, 0x7f, 0xfe]),
            "value 32 then zeros",
        ),
        (sparse_with(STALE, &[0xff; 4096]), "all VALs, way too many"),
        (sparse_with(STALE, &[0x3f; 300]), "ZEROs past the end"),
    ];
    for (value, what) in &cases {
        hostile(&mut p, value, what);
    }
    // PFADD stopping half-way: an element landing before register 8000
    // succeeds, the next one (beyond the stream) fails; the first change
    // stays, with the cache left as it was.
    let half = sparse_with([9, 0, 0, 0, 0, 0, 0, 0], &[0x5f, 0x3f]);
    let (low, high) = {
        let pick = |want: bool| {
            (0u64..)
                .map(|i| format!("e{i}").into_bytes())
                .find(|e| (hash::pattern(e).0 < 8000) == want)
                .unwrap()
        };
        (pick(true), pick(false))
    };
    p.check_argv(&[b"SET", b"x", &half], "half stream");
    let reply = p.check_argv(&[b"PFADD", b"x", &low, &high], "PFADD stopping half-way");
    assert!(
        reply.starts_with(b"-INVALIDOBJ"),
        "the scenario needs the error"
    );
    p.check("GET x");
    p.check("PFCOUNT x");
}

#[test]
fn dense_register_values_above_51() {
    let Some(mut p) = Pair::new() else { return };
    let mut dense = b"HYLL\0\0\0\0\0\0\0\0\0\0\0\x80".to_vec();
    dense.resize(12304, 0);
    for (i, b) in dense[16..].iter_mut().enumerate() {
        *b = (i * 37 % 251) as u8;
    }
    hostile(&mut p, &dense, "dense with arbitrary registers");
    let mut full = dense.clone();
    full[16..].fill(0xff);
    hostile(&mut p, &full, "dense with every register at 63");
    p.check_argv(&[b"SET", b"a", &dense], "SET");
    p.check("PFADD b x y z");
    p.check_all(&["PFMERGE b a", "GET b", "PFCOUNT a b", "PFCOUNT b"]);
}

#[test]
fn embstr_hll_becomes_raw() {
    let Some(mut p) = Pair::new() else { return };
    p.check("PFADD src a");
    let bytes = oracle_get(&mut p, b"src");
    for cmd in [
        "PFCOUNT e",
        "PFCOUNT e other",
        "PFADD e",
        "PFADD e a",
        "PFADD e zzz",
        "PFMERGE e",
        "PFMERGE other e",
        "PFDEBUG ENCODING e",
        "PFDEBUG nosuch e",
    ] {
        p.check_argv(&[b"SET", b"e", &bytes], "SET");
        p.check("OBJECT ENCODING e");
        p.check(cmd);
        p.check("OBJECT ENCODING e");
        p.check("GET e");
    }
}

/// Runs `argv` only on the embedis side.
fn ours(p: &mut Pair, argv: &[&[u8]]) -> Vec<u8> {
    p.session.execute(&mut p.ks, argv).to_resp2()
}

#[test]
fn values_copied_between_servers() {
    let Some(mut p) = Pair::new() else { return };
    // Built by redis, copied here with SET: the same PFADDs then agree.
    run(&mut p, &pfadd_argv("rs", &elements("r", 0..100)));
    run(&mut p, &pfadd_argv("rd", &elements("r", 0..4000)));
    for key in [&b"rs"[..], b"rd"] {
        let bytes = oracle_get(&mut p, key);
        ours(&mut p, &[b"SET", key, &bytes]);
        same_bytes(&mut p, &["rs", "rd"]);
        p.check(&format!("PFCOUNT {}", String::from_utf8_lossy(key)));
        run(
            &mut p,
            &pfadd_argv(std::str::from_utf8(key).unwrap(), &elements("q", 0..300)),
        );
        same_bytes(&mut p, &["rs", "rd"]);
    }
    // Built here, copied to redis with SET: redis reads our bytes the same.
    for (key, n) in [("es", 60u64), ("ed", 5000)] {
        let argv = pfadd_argv(key, &elements("w", 0..n));
        let refs: Vec<&[u8]> = argv.iter().map(Vec::as_slice).collect();
        ours(&mut p, &refs);
        let mine = ours(&mut p, &[b"GET", key.as_bytes()]);
        let nl = mine.iter().position(|&b| b == b'\n').unwrap();
        let bytes = mine[nl + 1..mine.len() - 2].to_vec();
        p.oracle.send(&[b"SET", key.as_bytes(), &bytes]);
        same_bytes(&mut p, &[key]);
        p.check(&format!("PFCOUNT {key}"));
        p.check(&format!("PFDEBUG GETREG {key}"));
        run(&mut p, &pfadd_argv(key, &elements("v", 0..200)));
        same_bytes(&mut p, &[key]);
        p.check(&format!("PFCOUNT {key} rs rd"));
    }
}

#[test]
fn promotion_threshold_from_config_object() {
    // The typed Config field feeds the same rule as CONFIG SET.
    let mut cfg = Config::default();
    cfg.hll_sparse_max_bytes = 50;
    let Some(mut p) = Pair::with(&["--hll-sparse-max-bytes", "50"], cfg) else {
        return;
    };
    grow_one_by_one(&mut p, "h", "n", 40);
}

#[test]
fn pfselftest_passes_on_both() {
    let Some(mut p) = Pair::new() else { return };
    assert_eq!(p.check("PFSELFTEST"), b"+OK\r\n");
}
