//! Byte-exact proof of the listpack and intset encodings: the same values
//! are built on a real redis-server 7.0.15 and with `embedis::encoding`,
//! and the bytes Redis puts in `DUMP` are compared with ours.
//!
//! DUMP payload: `<type byte> <value> <RDB version, 2 bytes> <CRC64, 8 bytes>`.
//! A listpack hash is type 16 followed by one RDB string (the listpack); an
//! intset is type 11 followed by one RDB string; a quicklist (lists) is
//! type 18, a node count, then per node a container kind and an RDB string.
//! Compression is switched off on the oracle so the strings are raw.

mod common;

use common::Oracle;
use embedis::encoding::{Elem, Intset, Listpack};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

/// The payload of a bulk-string reply.
fn bulk(reply: &[u8]) -> Option<Vec<u8>> {
    if reply.starts_with(b"$-1") {
        return None;
    }
    assert_eq!(
        reply[0],
        b'$',
        "not a bulk reply: {:?}",
        String::from_utf8_lossy(reply)
    );
    let nl = reply.iter().position(|&b| b == b'\n').unwrap();
    let n: usize = std::str::from_utf8(&reply[1..nl - 1])
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(reply.len(), nl + 1 + n + 2);
    Some(reply[nl + 1..nl + 1 + n].to_vec())
}

/// Reads an RDB length at `pos`; returns (value, bytes consumed).
fn rdb_len(b: &[u8], pos: usize) -> (usize, usize) {
    let first = b[pos];
    match first >> 6 {
        0 => (usize::from(first & 0x3F), 1),
        1 => (
            (usize::from(first & 0x3F) << 8) | usize::from(b[pos + 1]),
            2,
        ),
        2 if first == 0x80 => {
            let v = u32::from_be_bytes(b[pos + 1..pos + 5].try_into().unwrap());
            (v as usize, 5)
        }
        2 if first == 0x81 => {
            let v = u64::from_be_bytes(b[pos + 1..pos + 9].try_into().unwrap());
            (v as usize, 9)
        }
        _ => panic!("unexpected RDB length prefix {first:#x} (compressed or int-encoded string)"),
    }
}

/// Reads a raw RDB string at `pos`; returns (bytes, next position).
fn rdb_string(b: &[u8], pos: usize) -> (Vec<u8>, usize) {
    let (len, used) = rdb_len(b, pos);
    let start = pos + used;
    (b[start..start + len].to_vec(), start + len)
}

/// DUMPs `key` and returns (type byte, body without the 10-byte trailer).
fn dump(o: &mut Oracle, key: &[u8]) -> Option<(u8, Vec<u8>)> {
    let payload = bulk(&o.send(&[b"DUMP", key]))?;
    assert_eq!(&payload[payload.len() - 10..payload.len() - 8], &[10, 0]);
    Some((payload[0], payload[1..payload.len() - 10].to_vec()))
}

/// The listpack of a listpack-encoded hash.
fn hash_listpack(o: &mut Oracle, key: &[u8]) -> Vec<u8> {
    let (ty, body) = dump(o, key).expect("key exists");
    assert_eq!(ty, 16, "hash is not listpack-encoded");
    let (lp, end) = rdb_string(&body, 0);
    assert_eq!(end, body.len());
    lp
}

/// The listpack of a one-node quicklist (list); None if the key is gone.
fn list_listpack(o: &mut Oracle, key: &[u8]) -> Option<Vec<u8>> {
    let (ty, body) = dump(o, key)?;
    assert_eq!(ty, 18, "list is not a quicklist");
    assert_eq!(rdb_len(&body, 0), (1, 1), "list has more than one node");
    assert_eq!(rdb_len(&body, 1), (2, 1), "node is not a packed listpack");
    let (lp, end) = rdb_string(&body, 2);
    assert_eq!(end, body.len());
    Some(lp)
}

/// The intset of an intset-encoded set.
fn set_intset(o: &mut Oracle, key: &[u8]) -> Vec<u8> {
    let (ty, body) = dump(o, key).expect("key exists");
    assert_eq!(ty, 11, "set is not intset-encoded");
    let (is, end) = rdb_string(&body, 0);
    assert_eq!(end, body.len());
    is
}

fn oracle() -> Option<Oracle> {
    let mut o = Oracle::start(&[])?;
    for (k, v) in [
        ("rdbcompression", "no"),
        ("hash-max-listpack-value", "100000000"),
        ("hash-max-listpack-entries", "1000000"),
        ("set-max-intset-entries", "1000000"),
        ("list-max-listpack-size", "-5"),
    ] {
        assert_eq!(
            o.send(&[b"CONFIG", b"SET", k.as_bytes(), v.as_bytes()]),
            b"+OK\r\n"
        );
    }
    Some(o)
}

/// Incompressible-looking bytes of a given length.
fn noise(len: usize, seed: u64) -> Vec<u8> {
    let mut rng = SmallRng::seed_from_u64(seed);
    (0..len).map(|_| rng.random()).collect()
}

/// Every element shape worth a byte-exact check: each integer width and its
/// limits, string length classes, backlen width changes, and strings that
/// only look like integers.
fn shapes() -> Vec<Vec<u8>> {
    let mut ints: Vec<i64> = (-3..=130).collect();
    for b in [1i64 << 12, 1 << 15, 1 << 23, 1 << 31, 1 << 40] {
        ints.extend([b - 2, b - 1, b, b + 1, -b - 1, -b, -b + 1]);
    }
    ints.extend([
        i64::MAX,
        i64::MAX - 1,
        i64::MIN,
        i64::MIN + 1,
        1234567890123,
    ]);
    let mut out: Vec<Vec<u8>> = ints.iter().map(|v| v.to_string().into_bytes()).collect();
    for s in [
        "",
        "007",
        "-0",
        "+1",
        " 1",
        "1 ",
        "00",
        "0x1",
        "-",
        "1.5",
        "1e3",
        "9223372036854775808",
        "-9223372036854775809",
        "18446744073709551616",
        "-00",
        "12345678901234567890",
        "01",
        "--1",
    ] {
        out.push(s.as_bytes().to_vec());
    }
    out.push(b"\x00\xff\r\n".to_vec());
    for len in [
        1, 62, 63, 64, 65, 125, 126, 127, 128, 4094, 4095, 4096, 4097,
    ] {
        out.push(noise(len, len as u64));
    }
    for len in [16376, 16377, 16378, 16379, 16380] {
        out.push(noise(len, len as u64));
    }
    out
}

/// Our mirror of HSET on a listpack hash: one walk over the fields, then
/// replace the value in place or append the pair (as Redis does).
fn hset(lp: &mut Listpack, field: &[u8], value: &[u8]) {
    let hit = lp.first_pos().and_then(|p| lp.find_pos(p, field, 1));
    match hit {
        Some(p) => {
            let v = lp.next_pos(p).expect("every field has a value");
            lp.replace_at(v, value);
        }
        None => {
            lp.push_back(field);
            lp.push_back(value);
        }
    }
    assert_eq!(
        lp.find_from(0, field, 1).map(|i| lp.get(i as isize + 1)),
        Some(Some(Elem::parse(value)))
    );
}

/// Our mirror of HDEL on a listpack hash (re-learning the count as Redis's
/// length check does).
fn hdel(lp: &mut Listpack, field: &[u8]) {
    let p = lp.first_pos().and_then(|p| lp.find_pos(p, field, 1));
    assert_eq!(lp.remove_from(p.expect("field exists"), 2), 2);
    lp.sync_count();
}

fn assert_same(ours: &Listpack, theirs: &[u8], what: &str) {
    ours.validate(true).unwrap();
    if ours.as_bytes() != theirs {
        let pos = ours.as_bytes().iter().zip(theirs).position(|(a, b)| a != b);
        panic!(
            "{what}: listpack differs (ours {} bytes, redis {} bytes, first difference at {pos:?})",
            ours.as_bytes().len(),
            theirs.len()
        );
    }
    let parsed = Listpack::from_bytes(theirs.to_vec()).expect("redis bytes validate");
    assert_eq!(parsed.len(), ours.len());
}

#[test]
fn hash_values_of_every_shape() {
    let Some(mut o) = oracle() else { return };
    let mut lp = Listpack::new();
    for (i, v) in shapes().iter().enumerate() {
        let field = format!("f{i}").into_bytes();
        o.send(&[b"HSET", b"h", &field, v]);
        hset(&mut lp, &field, v);
        assert_same(&lp, &hash_listpack(&mut o, b"h"), &format!("value #{i}"));
    }
    // Overwrite every value with the shape of its neighbour (all size changes).
    let shapes = shapes();
    for i in 0..shapes.len() {
        let field = format!("f{i}").into_bytes();
        let v = &shapes[(i + 7) % shapes.len()];
        o.send(&[b"HSET", b"h", &field, v]);
        hset(&mut lp, &field, v);
    }
    assert_same(&lp, &hash_listpack(&mut o, b"h"), "after overwrites");
    for i in (0..shapes.len()).step_by(3) {
        let field = format!("f{i}").into_bytes();
        o.send(&[b"HDEL", b"h", &field]);
        hdel(&mut lp, &field);
    }
    assert_same(&lp, &hash_listpack(&mut o, b"h"), "after deletions");
}

#[test]
fn hash_fields_of_every_shape() {
    let Some(mut o) = oracle() else { return };
    let mut lp = Listpack::new();
    for v in shapes() {
        o.send(&[b"HSET", b"g", &v, b"x"]);
        hset(&mut lp, &v, b"x");
    }
    assert_same(&lp, &hash_listpack(&mut o, b"g"), "fields");
    // Lookups through integer-looking and integer fields agree with HGET.
    for probe in [&b"7"[..], b"007", b"-0", b"+1", b"128", b"x", b""] {
        let theirs = o.send(&[b"HEXISTS", b"g", probe]) == b":1\r\n";
        assert_eq!(lp.find_from(0, probe, 1).is_some(), theirs, "{probe:?}");
    }
}

#[test]
fn backlen_width_boundaries() {
    let Some(mut o) = oracle() else { return };
    // Encoding sizes around 2097151 (3 vs 4 backlen bytes); strings of
    // 4096+ bytes take 5 header bytes.
    for (i, len) in [2097145usize, 2097146, 2097147].into_iter().enumerate() {
        let key = format!("big{i}").into_bytes();
        let v = noise(len, 99);
        o.send(&[b"HSET", &key, b"f", &v]);
        let mut lp = Listpack::new();
        hset(&mut lp, b"f", &v);
        assert_same(&lp, &hash_listpack(&mut o, &key), &format!("len {len}"));
    }
}

/// Our mirror of the list commands on a one-node quicklist.
fn list_op(o: &mut Oracle, lp: &mut Listpack, rng: &mut SmallRng, pool: &[Vec<u8>]) -> String {
    let pick = |rng: &mut SmallRng| pool[rng.random_range(0..pool.len())].clone();
    let n = lp.len() as i64;
    match rng.random_range(0..8) {
        0 | 1 => {
            let v = pick(rng);
            o.send(&[b"RPUSH", b"l", &v]);
            lp.push_back(v.as_slice());
            "RPUSH".into()
        }
        2 => {
            let v = pick(rng);
            o.send(&[b"LPUSH", b"l", &v]);
            lp.push_front(v.as_slice());
            "LPUSH".into()
        }
        3 => {
            let (pivot, v) = (pick(rng), pick(rng));
            let after = rng.random_bool(0.5);
            let side: &[u8] = if after { b"AFTER" } else { b"BEFORE" };
            o.send(&[b"LINSERT", b"l", side, &pivot, &v]);
            if let Some(i) = lp.find(&pivot) {
                assert!(lp.insert(i + usize::from(after), v.as_slice()));
            }
            "LINSERT".into()
        }
        4 if n > 0 => {
            let i = rng.random_range(-n..n);
            let v = pick(rng);
            o.send(&[b"LSET", b"l", i.to_string().as_bytes(), &v]);
            assert!(lp.replace(i as isize, v.as_slice()));
            format!("LSET {i}")
        }
        5 => {
            let v = pick(rng);
            let count: i64 = rng.random_range(-2..=2);
            o.send(&[b"LREM", b"l", count.to_string().as_bytes(), &v]);
            lrem(lp, count, &v);
            format!("LREM {count}")
        }
        6 if n > 0 => {
            let (a, b) = (rng.random_range(0..=n / 4), rng.random_range(0..=n / 4));
            let stop = -1 - b;
            o.send(&[
                b"LTRIM",
                b"l",
                a.to_string().as_bytes(),
                stop.to_string().as_bytes(),
            ]);
            if a + b >= n {
                lp.remove_range(0, n as usize);
            } else {
                lp.remove_range(0, a as usize);
                lp.remove_range(-b as isize, b as usize);
            }
            format!("LTRIM {a} {stop}")
        }
        _ if n > 0 => {
            o.send(&[b"RPOP", b"l"]);
            lp.remove(-1);
            "RPOP".into()
        }
        _ => "nothing".into(),
    }
}

fn lrem(lp: &mut Listpack, count: i64, v: &[u8]) {
    let hits: Vec<usize> = lp
        .iter()
        .enumerate()
        .filter(|(_, e)| e.matches(v))
        .map(|(i, _)| i)
        .collect();
    let chosen: Vec<usize> = match count {
        0 => hits,
        c if c > 0 => hits.into_iter().take(c as usize).collect(),
        c => hits
            .into_iter()
            .rev()
            .take(c.unsigned_abs() as usize)
            .collect(),
    };
    let mut chosen = chosen;
    chosen.sort_unstable();
    for i in chosen.into_iter().rev() {
        assert!(lp.remove(i as isize));
    }
}

#[test]
fn list_operations_match_quicklist_node() {
    let Some(mut o) = oracle() else { return };
    let mut pool: Vec<Vec<u8>> = shapes().into_iter().filter(|s| s.len() < 200).collect();
    pool.extend(["a", "b", "5", "05", "-7"].map(|s| s.as_bytes().to_vec()));
    let mut rng = SmallRng::seed_from_u64(7);
    let mut lp = Listpack::new();
    for step in 0..1500 {
        if lp.total_bytes() > 40_000 {
            o.send(&[b"DEL", b"l"]);
            lp = Listpack::new();
        }
        let what = list_op(&mut o, &mut lp, &mut rng, &pool);
        match list_listpack(&mut o, b"l") {
            Some(theirs) => assert_same(&lp, &theirs, &format!("step {step} ({what})")),
            None => assert!(lp.is_empty(), "step {step} ({what}): redis list is gone"),
        }
        let replies = o.send(&[b"LRANGE", b"l", b"0", b"-1"]);
        let mut want = format!("*{}\r\n", lp.len()).into_bytes();
        for e in lp.iter() {
            let b = e.to_vec();
            want.extend_from_slice(format!("${}\r\n", b.len()).as_bytes());
            want.extend_from_slice(&b);
            want.extend_from_slice(b"\r\n");
        }
        assert_eq!(replies, want, "step {step} ({what}): LRANGE differs");
    }
}

/// A DUMP payload for a listpack hash, for RESTORE.
fn hash_payload(lp: &[u8]) -> Vec<u8> {
    let mut out = vec![16, 0x80];
    out.extend_from_slice(&u32::try_from(lp.len()).unwrap().to_be_bytes());
    out.extend_from_slice(lp);
    out.extend_from_slice(&[10, 0]);
    let crc = crc::Crc::<u64>::new(&crc::CRC_64_REDIS).checksum(&out);
    out.extend_from_slice(&crc.to_le_bytes());
    out
}

#[test]
fn header_count_beyond_65534() {
    let Some(mut o) = oracle() else { return };
    // 32768 fields make 65536 entries: the header count becomes "unknown".
    // Building that with HSET costs Redis quadratic time, so the oracle gets
    // our bytes through RESTORE and must hand back the very same bytes.
    let n = 32768;
    let fields: Vec<Vec<u8>> = (0..n).map(|i| format!("k{i}").into_bytes()).collect();
    let mut lp = Listpack::new();
    for f in &fields {
        lp.push_back(f.as_slice());
        lp.push_back(1);
        if lp.len() == 65534 {
            assert_eq!(lp.header_count(), 65534);
        }
    }
    assert_eq!(lp.header_count(), u16::MAX);
    let payload = hash_payload(lp.as_bytes());
    assert_eq!(o.send(&[b"RESTORE", b"big", b"0", &payload]), b"+OK\r\n");
    assert_same(&lp, &hash_listpack(&mut o, b"big"), "65536 entries");
    // Appending keeps the count unknown.
    o.send(&[b"HSET", b"big", b"new", b"v"]);
    hset(&mut lp, b"new", b"v");
    assert_same(&lp, &hash_listpack(&mut o, b"big"), "65538 entries");
    // Deleting keeps it unknown while 65535 or more entries remain, then
    // Redis recounts and stores the count again.
    for (f, count) in [
        (&fields[5], u16::MAX),
        (&fields[9], 65534),
        (&fields[1], 65532),
    ] {
        o.send(&[b"HDEL", b"big", f]);
        hdel(&mut lp, f);
        assert_eq!(lp.header_count(), count);
        assert_same(&lp, &hash_listpack(&mut o, b"big"), "after HDEL");
    }
}

fn check_intset(o: &mut Oracle, key: &[u8], ours: &Intset, what: &str) {
    let theirs = set_intset(o, key);
    assert_eq!(ours.as_bytes(), &theirs[..], "{what}: intset differs");
    Intset::from_bytes(theirs).expect("redis bytes validate");
    ours.validate(true).unwrap();
}

#[test]
fn intset_widths_and_upgrades() {
    let Some(mut o) = oracle() else { return };
    let groups: Vec<Vec<i64>> = vec![
        vec![1, 2, 3],
        vec![3, 1, 2, 0, -1],
        vec![-32768, 32767, 0],
        vec![5, 32768],
        vec![5, -32769],
        vec![1, 2, i64::from(i32::MAX), i64::from(i32::MIN)],
        vec![7, i64::from(i32::MAX) + 1],
        vec![7, -3, i64::from(i32::MIN) - 1],
        vec![i64::MAX, i64::MIN, 0, -1, 1],
        vec![100, 40000, -5, 3_000_000_000, -3_000_000_000, 12],
    ];
    for (g, values) in groups.iter().enumerate() {
        let key = format!("s{g}").into_bytes();
        let mut set = Intset::new();
        for v in values {
            o.send(&[b"SADD", &key, v.to_string().as_bytes()]);
            assert!(set.insert(*v));
            assert!(!set.insert(*v));
            check_intset(&mut o, &key, &set, &format!("group {g} after {v}"));
        }
        // Removing the value that widened the set never narrows it.
        let widest = *values.iter().max_by_key(|v| v.unsigned_abs()).unwrap();
        if values.len() > 1 {
            o.send(&[b"SREM", &key, widest.to_string().as_bytes()]);
            assert!(set.remove(widest));
            assert!(!set.remove(widest));
            check_intset(
                &mut o,
                &key,
                &set,
                &format!("group {g} after removing {widest}"),
            );
        }
    }
}

#[test]
fn intset_random_adds_and_removes() {
    let Some(mut o) = oracle() else { return };
    let mut rng = SmallRng::seed_from_u64(11);
    let mut set = Intset::new();
    let scales = [100i64, 40_000, 3_000_000_000, i64::MAX];
    for step in 0..2000 {
        let scale = scales[(step / 500) % scales.len()];
        let v = rng.random_range(-scale..scale);
        if rng.random_bool(0.7) || set.len() < 2 {
            o.send(&[b"SADD", b"r", v.to_string().as_bytes()]);
            set.insert(v);
        } else {
            let v = set.get(rng.random_range(0..set.len())).unwrap();
            o.send(&[b"SREM", b"r", v.to_string().as_bytes()]);
            assert!(set.remove(v));
        }
        if step % 10 == 0 {
            check_intset(&mut o, b"r", &set, &format!("step {step}"));
        }
    }
    check_intset(&mut o, b"r", &set, "final");
    assert_eq!(
        o.send(&[b"SCARD", b"r"]),
        format!(":{}\r\n", set.len()).into_bytes()
    );
    // Elements are exposed identically to SMEMBERS (sorted for intsets).
    let theirs = o.send(&[b"SMEMBERS", b"r"]);
    let mut want = format!("*{}\r\n", set.len()).into_bytes();
    for v in set.iter() {
        let s = Elem::Int(v).to_vec();
        want.extend_from_slice(format!("${}\r\n", s.len()).as_bytes());
        want.extend_from_slice(&s);
        want.extend_from_slice(b"\r\n");
    }
    assert_eq!(theirs, want);
}

/// A DUMP payload: `body` after `ty`, then version and CRC.
fn payload(ty: u8, prefix: &[u8], blob: &[u8]) -> Vec<u8> {
    let mut out = vec![ty];
    out.extend_from_slice(prefix);
    out.push(0x80);
    out.extend_from_slice(&u32::try_from(blob.len()).unwrap().to_be_bytes());
    out.extend_from_slice(blob);
    out.extend_from_slice(&[10, 0]);
    let crc = crc::Crc::<u64>::new(&crc::CRC_64_REDIS).checksum(&out);
    out.extend_from_slice(&crc.to_le_bytes());
    out
}

/// A random small corruption: flipped bits, new/lost bytes, truncation, or
/// a header rewritten (total fixed up so that deep checks are reached).
fn mutate(rng: &mut SmallRng, data: &[u8], fix_total: bool) -> Vec<u8> {
    let mut out = data.to_vec();
    for _ in 0..rng.random_range(1..3) {
        let n = out.len();
        match rng.random_range(0..6) {
            0 if n > 0 => {
                let i = rng.random_range(0..n);
                out[i] ^= 1 << rng.random_range(0..8);
            }
            1 if n > 0 => {
                let i = rng.random_range(0..n);
                out[i] = rng.random();
            }
            2 => out.insert(rng.random_range(0..=n), rng.random()),
            3 if n > 0 => {
                out.remove(rng.random_range(0..n));
            }
            4 if n > 8 => out[4 + rng.random_range(0..4)] = rng.random_range(0..4),
            _ => {}
        }
    }
    if fix_total && rng.random_bool(0.7) && out.len() >= 4 {
        let len = u32::try_from(out.len()).unwrap().to_le_bytes();
        out[..4].copy_from_slice(&len);
    }
    out
}

#[test]
fn validation_verdicts_match_restore() {
    let Some(mut o) = oracle() else { return };
    assert_eq!(
        o.send(&[b"CONFIG", b"SET", b"sanitize-dump-payload", b"yes"]),
        b"+OK\r\n"
    );
    let mut rng = SmallRng::seed_from_u64(3);
    let mut lp = Listpack::new();
    for e in [
        &b"1"[..],
        b"-4096",
        b"40000",
        b"8000000",
        b"1099511627776",
        b"abc",
        &[7; 100],
    ] {
        lp.push_back(e);
    }
    let mut counts = [0usize; 4];
    for round in 0..1500 {
        let blob = mutate(&mut rng, lp.as_bytes(), true);
        let ours = Listpack::from_bytes(blob.clone()).is_ok_and(|l| !l.is_empty());
        let reply = o.send(&[
            b"RESTORE",
            b"l",
            b"0",
            &payload(18, &[1, 2], &blob),
            b"REPLACE",
        ]);
        assert_eq!(reply == b"+OK\r\n", ours, "round {round}: {blob:?}");
        counts[usize::from(ours)] += 1;
    }
    let mut set = Intset::new();
    for v in [3, -7, 1000, 70000] {
        set.insert(v);
    }
    for round in 0..1500 {
        let blob = mutate(&mut rng, set.as_bytes(), false);
        let ours = Intset::validate_bytes(&blob, true).is_ok();
        let reply = o.send(&[b"RESTORE", b"s", b"0", &payload(11, &[], &blob), b"REPLACE"]);
        assert_eq!(reply == b"+OK\r\n", ours, "round {round}: {blob:?}");
        counts[2 + usize::from(ours)] += 1;
    }
    eprintln!("verdicts (rejected, accepted) listpack, intset: {counts:?}");
    assert!(
        counts.iter().all(|&c| c > 100),
        "verdict mix too one-sided: {counts:?}"
    );
}
