//! Unit tests of the string type and its typed commands.

use std::sync::Arc;

use super::*;
use crate::clock::ManualClock;
use crate::config::Config;
use crate::value::Encoding;

fn ks_at(ms: u64) -> (Keyspace, ManualClock) {
    let clock = ManualClock::new(ms);
    (
        Keyspace::with_clock(Config::default(), Arc::new(clock.clone())),
        clock,
    )
}

fn enc(ks: &mut Keyspace, key: &[u8]) -> Encoding {
    ks.lookup_quiet(key).expect("key exists").value.encoding()
}

fn ttl(ks: &mut Keyspace, key: &[u8]) -> u64 {
    match ks.lookup_quiet(key) {
        Some(_) => ks.db().expire_at(key),
        None => u64::MAX,
    }
}

#[test]
fn encodings_follow_redis() {
    assert_eq!(StringValue::from_bytes(b"123").encoding(), Encoding::Int);
    assert_eq!(
        StringValue::from_bytes(b"0123").encoding(),
        Encoding::Embstr
    );
    assert_eq!(
        StringValue::from_bytes(&[b'x'; 44]).encoding(),
        Encoding::Embstr
    );
    assert_eq!(
        StringValue::from_bytes(&[b'x'; 45]).encoding(),
        Encoding::Raw
    );
    assert_eq!(
        StringValue::from_bytes(b"9223372036854775808").encoding(),
        Encoding::Embstr
    );
    let mut s = StringValue::from_bytes(b"12");
    s.make_raw().push(b'3');
    assert_eq!(s, StringValue::Raw(b"123".to_vec()));
    assert_eq!(StringValue::Int(-120).len(), 4);
}

#[test]
fn set_nx_xx_get() {
    let mut ks = Keyspace::new(Config::default());
    let nx = SetOptions {
        condition: SetCondition::IfAbsent,
        ..Default::default()
    };
    assert!(ks.set(b"k", b"1", &nx).unwrap().written);
    assert!(!ks.set(b"k", b"2", &nx).unwrap().written);
    let get = SetOptions {
        get: true,
        ..Default::default()
    };
    assert_eq!(ks.set(b"k", b"3", &get).unwrap().old, Some(b"1".to_vec()));
    assert_eq!(ks.get(b"k").unwrap(), Some(b"3".to_vec()));
    let bad = SetOptions {
        expiry: Expiry::Ex(0),
        ..Default::default()
    };
    assert_eq!(
        ks.set(b"k", b"4", &bad),
        Err(Error::InvalidExpireTime("set"))
    );
}

#[test]
fn encodings_after_each_operation() {
    let (mut ks, _) = ks_at(1_000);
    ks.append(b"a", b"12").unwrap();
    assert_eq!(enc(&mut ks, b"a"), Encoding::Int);
    ks.append(b"a", b"").unwrap();
    assert_eq!(enc(&mut ks, b"a"), Encoding::Raw);
    assert_eq!(ks.incr(b"a").unwrap(), 13);
    assert_eq!(enc(&mut ks, b"a"), Encoding::Int);
    ks.append(b"b", b"abc").unwrap();
    assert_eq!(enc(&mut ks, b"b"), Encoding::Embstr);
    ks.setrange(b"c", 0, b"1").unwrap();
    assert_eq!(enc(&mut ks, b"c"), Encoding::Raw);
    ks.mset(&[(b"d", b"5"), (b"e", &[b'x'; 45])]).unwrap();
    assert_eq!(enc(&mut ks, b"d"), Encoding::Int);
    assert_eq!(enc(&mut ks, b"e"), Encoding::Raw);
    assert_eq!(ks.setrange(b"d", 3, b"").unwrap(), 1);
    assert_eq!(enc(&mut ks, b"d"), Encoding::Int);
    ks.incrbyfloat(b"d", b"1").unwrap();
    assert_eq!(enc(&mut ks, b"d"), Encoding::Embstr);
    ks.getset(b"d", b"-7").unwrap();
    assert_eq!(enc(&mut ks, b"d"), Encoding::Int);
    ks.incrbyfloat(b"f", b"1e60").unwrap();
    assert_eq!(enc(&mut ks, b"f"), Encoding::Raw);
}

#[test]
fn ttl_kept_by_edits_and_dropped_by_overwrites() {
    let (mut ks, clock) = ks_at(1_000);
    let px = SetOptions {
        expiry: Expiry::Px(500),
        ..Default::default()
    };
    let keep = SetOptions {
        expiry: Expiry::KeepTtl,
        ..Default::default()
    };
    let edits: [&dyn Fn(&mut Keyspace); 5] = [
        &|ks| assert_eq!(ks.append(b"k", b"1"), Ok(2)),
        &|ks| assert_eq!(ks.incr(b"k"), Ok(2)),
        &|ks| assert_eq!(ks.incrbyfloat(b"k", b"0.5"), Ok(b"1.5".to_vec())),
        &|ks| assert_eq!(ks.setrange(b"k", 0, b"7"), Ok(1)),
        &|ks| assert!(ks.set(b"k", b"1", &keep).unwrap().written),
    ];
    for edit in edits {
        ks.set(b"k", b"1", &px).unwrap();
        edit(&mut ks);
        assert_eq!(ttl(&mut ks, b"k"), 1_500);
    }
    let overwrites: [fn(&mut Keyspace); 4] = [
        |ks| assert!(ks.set(b"k", b"1", &SetOptions::default()).unwrap().written),
        |ks| assert_eq!(ks.getset(b"k", b"1"), Ok(Some(b"1".to_vec()))),
        |ks| ks.mset(&[(b"k", b"1")]).unwrap(),
        |ks| assert_eq!(ks.getex(b"k", Expiry::Persist), Ok(Some(b"1".to_vec()))),
    ];
    for overwrite in overwrites {
        ks.set(b"k", b"1", &px).unwrap();
        overwrite(&mut ks);
        assert_eq!(ttl(&mut ks, b"k"), 0);
    }
    ks.setex(b"k", 2, b"v").unwrap();
    assert_eq!(ttl(&mut ks, b"k"), 3_000);
    ks.psetex(b"k", 2, b"v").unwrap();
    assert_eq!(ttl(&mut ks, b"k"), 1_002);
    clock.set(1_003);
    assert_eq!(ks.get(b"k").unwrap(), None);
    ks.validate().unwrap();
}

#[test]
fn getex_deadlines() {
    let (mut ks, _) = ks_at(10_000);
    assert_eq!(ks.getex(b"k", Expiry::Ex(0)), Ok(None));
    ks.mset(&[(b"k", b"v")]).unwrap();
    assert_eq!(
        ks.getex(b"k", Expiry::Ex(0)),
        Err(Error::InvalidExpireTime("getex"))
    );
    assert_eq!(ks.getex(b"k", Expiry::KeepTtl), Err(Error::Syntax));
    assert_eq!(ks.getex(b"k", Expiry::Ex(5)).unwrap(), Some(b"v".to_vec()));
    assert_eq!(ttl(&mut ks, b"k"), 15_000);
    assert_eq!(
        ks.getex(b"k", Expiry::PxAt(20_000)).unwrap(),
        Some(b"v".to_vec())
    );
    assert_eq!(ttl(&mut ks, b"k"), 20_000);
    // An absolute deadline equal to now deletes.
    assert_eq!(
        ks.getex(b"k", Expiry::PxAt(10_000)).unwrap(),
        Some(b"v".to_vec())
    );
    assert_eq!(ks.get(b"k").unwrap(), None);
    ks.validate().unwrap();
}

#[test]
fn counters_and_errors() {
    let (mut ks, _) = ks_at(0);
    assert_eq!(
        ks.decrby(b"n", i64::MIN),
        Err(Error::other("ERR decrement would overflow"))
    );
    assert_eq!(ks.incrby(b"n", i64::MAX).unwrap(), i64::MAX);
    assert_eq!(ks.incr(b"n"), Err(Error::Overflow));
    assert_eq!(ks.decrby(b"n", -1), Err(Error::Overflow));
    ks.mset(&[(b"s", b"-0"), (b"t", b" 1")]).unwrap();
    assert_eq!(ks.incr(b"s"), Err(Error::NotInteger));
    assert_eq!(ks.incr(b"t"), Err(Error::NotInteger));
    assert_eq!(ks.incrbyfloat(b"t", b"1"), Err(Error::NotFloat));
    assert_eq!(ks.incrbyfloat(b"u", b"1.5").unwrap(), b"1.5");
    assert_eq!(ks.incrbyfloat(b"u", b"-1.5").unwrap(), b"0");
    assert_eq!(ks.get(b"s").unwrap(), Some(b"-0".to_vec()));
    assert!(ks.msetnx(&[(b"x", b"1"), (b"x", b"2")]).unwrap());
    assert_eq!(ks.get(b"x").unwrap(), Some(b"2".to_vec()));
    assert!(!ks.msetnx(&[(b"y", b"1"), (b"x", b"2")]).unwrap());
    assert_eq!(ks.mget(&[b"x", b"y"]), vec![Some(b"2".to_vec()), None]);
}

#[test]
fn ranges_and_setrange() {
    let (mut ks, _) = ks_at(0);
    assert_eq!(byte_range(b"hello", 0, -1), b"hello");
    assert_eq!(byte_range(b"hello", -3, -1), b"llo");
    assert_eq!(byte_range(b"hello", -1, -3), b"");
    assert_eq!(byte_range(b"hello", -100, 1), b"he");
    assert_eq!(byte_range(b"hello", 3, 100), b"lo");
    assert_eq!(byte_range(b"hello", 5, 100), b"");
    assert_eq!(byte_range(b"", 0, -1), b"");
    assert_eq!(byte_range(b"hello", i64::MIN, i64::MAX), b"hello");
    assert_eq!(ks.setrange(b"k", 0, b""), Ok(0));
    assert_eq!(ks.get(b"k").unwrap(), None);
    assert_eq!(ks.setrange(b"k", 3, b"ab"), Ok(5));
    assert_eq!(ks.get(b"k").unwrap(), Some(b"\0\0\0ab".to_vec()));
    assert_eq!(ks.setrange(b"k", -1, b""), Err(Error::OffsetOutOfRange));
    assert_eq!(ks.setrange(b"k", 1 << 29, b"x"), Err(Error::StringTooLong));
    assert_eq!(ks.setrange(b"k", i64::MAX, b"x"), Err(Error::StringTooLong));
    ks.config_mut().proto_max_bulk_len = 6;
    assert_eq!(ks.append(b"k", b"xy"), Err(Error::StringTooLong));
    assert_eq!(ks.append(b"k", b"x"), Ok(6));
    assert_eq!(ks.getrange(b"k", 1, -2).unwrap(), b"\0\0ab");
    assert_eq!(ks.strlen(b"k"), Ok(6));
    assert_eq!(ks.strlen(b"nokey"), Ok(0));
}

#[test]
fn lcs_results() {
    let (mut ks, _) = ks_at(0);
    ks.mset(&[(b"a", b"ohmytext"), (b"b", b"mynewtext")])
        .unwrap();
    assert_eq!(ks.lcs(b"a", b"b").unwrap(), b"mytext");
    assert_eq!(ks.lcs_len(b"a", b"b").unwrap(), 6);
    let idx = ks.lcs_idx(b"a", b"b", 0).unwrap();
    assert_eq!(idx.len, 6);
    let runs: Vec<_> = idx.matches.iter().map(|m| (m.a, m.b, m.len)).collect();
    assert_eq!(runs, vec![((4, 7), (5, 8), 4), ((2, 3), (0, 1), 2)]);
    assert_eq!(ks.lcs_idx(b"a", b"b", 3).unwrap().matches.len(), 1);
    assert_eq!(ks.lcs(b"a", b"missing").unwrap(), b"");
    let limit = 4 * 9 * 10 - 1;
    let err = lcs_compute(b"ohmytext", b"mynewtext", LcsWant::Len, limit).unwrap_err();
    assert!(err.to_string().contains("exceeds proto-max-bulk-len"));
    assert!(lcs_compute(b"ohmytext", b"mynewtext", LcsWant::Len, limit + 1).is_ok());
}

#[test]
fn wrong_type_leaves_the_key_alone() {
    let (mut ks, _) = ks_at(0);
    ks.hset(b"h", &[(b"f", b"v")]).unwrap();
    let get = SetOptions {
        get: true,
        ..Default::default()
    };
    assert_eq!(ks.get(b"h"), Err(Error::WrongType));
    assert_eq!(ks.set(b"h", b"x", &get), Err(Error::WrongType));
    assert_eq!(ks.getset(b"h", b"x"), Err(Error::WrongType));
    assert_eq!(ks.getdel(b"h"), Err(Error::WrongType));
    assert_eq!(ks.getex(b"h", Expiry::Persist), Err(Error::WrongType));
    assert_eq!(ks.incr(b"h"), Err(Error::WrongType));
    assert_eq!(ks.incrbyfloat(b"h", b"x"), Err(Error::WrongType));
    assert_eq!(ks.append(b"h", b"x"), Err(Error::WrongType));
    assert_eq!(ks.strlen(b"h"), Err(Error::WrongType));
    assert_eq!(ks.getrange(b"h", 0, -1), Err(Error::WrongType));
    assert_eq!(ks.setrange(b"h", 0, b""), Err(Error::WrongType));
    assert_eq!(ks.setrange(b"h", -1, b"x"), Err(Error::OffsetOutOfRange));
    assert!(ks.lcs(b"h", b"nokey").is_err());
    assert_eq!(ks.mget(&[b"h"]), vec![None]);
    assert!(!ks.msetnx(&[(b"a", b"1"), (b"h", b"2")]).unwrap());
    assert!(!ks.setnx(b"h", b"x").unwrap());
    assert_eq!(
        ks.lookup_quiet(b"h").unwrap().value.value_type().as_str(),
        "hash"
    );
    // Whole-value writes replace any type.
    ks.mset(&[(b"h", b"s")]).unwrap();
    assert_eq!(ks.get(b"h").unwrap(), Some(b"s".to_vec()));
    ks.validate().unwrap();
}

#[test]
fn every_length_round_trips_with_redis_encodings() {
    for n in 0..=50usize {
        let bytes: Vec<u8> = (0..n).map(|i| b'a' + (i % 26) as u8).collect();
        let s = StringValue::from_bytes(&bytes);
        let want = if n <= EMBSTR_MAX_LEN {
            Encoding::Embstr
        } else {
            Encoding::Raw
        };
        assert_eq!(s.encoding(), want, "{n}");
        assert_eq!(s.to_vec(), bytes);
        assert_eq!(s.len(), n);
        assert_eq!(s.as_bytes(), Some(&bytes[..]));
        assert_eq!(s.heap_bytes() == 0, n <= 16, "{n}");
        let mut raw = s.clone();
        raw.make_raw().push(b'!');
        assert_eq!(raw.encoding(), Encoding::Raw);
        assert_eq!(raw.len(), n + 1);
    }
    assert_eq!(StringValue::from_bytes(b"-17"), StringValue::Int(-17));
    assert_eq!(StringValue::Int(-17).as_bytes(), None);
}
