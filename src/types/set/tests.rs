//! Unit tests of the set type: encodings, conversions and the operations.

use super::*;
use crate::keyspace::Keyspace;
use rand::SeedableRng;

fn ks_with_limit(limit: usize) -> Keyspace {
    Keyspace::new(Config {
        set_max_intset_entries: limit,
        ..Config::default()
    })
}

fn enc(ks: &mut Keyspace, key: &[u8]) -> Encoding {
    ks.lookup_quiet(key).expect("present").value.encoding()
}

#[test]
fn intset_until_the_limit_then_table() {
    let mut ks = ks_with_limit(4);
    assert_eq!(ks.sadd(b"s", &[b"3", b"1", b"2", b"2"]).unwrap(), 3);
    assert_eq!(enc(&mut ks, b"s"), Encoding::Intset);
    assert_eq!(ks.smembers(b"s").unwrap(), [b"1", b"2", b"3"]);
    ks.sadd(b"s", &[b"4"]).unwrap();
    assert_eq!(enc(&mut ks, b"s"), Encoding::Intset);
    ks.sadd(b"s", &[b"5"]).unwrap();
    assert_eq!(enc(&mut ks, b"s"), Encoding::Hashtable);
    ks.srem(b"s", &[b"1", b"2", b"3", b"4"]).unwrap();
    assert_eq!(enc(&mut ks, b"s"), Encoding::Hashtable);
    assert_eq!(ks.srem(b"s", &[b"5"]).unwrap(), 1);
    assert!(ks.lookup_quiet(b"s").is_none());
    ks.validate_sets().unwrap();
}

#[test]
fn non_integer_first_member_or_later_converts() {
    let mut ks = ks_with_limit(512);
    ks.sadd(b"a", &[b"x", b"1"]).unwrap();
    assert_eq!(enc(&mut ks, b"a"), Encoding::Hashtable);
    ks.sadd(b"b", &[b"1", b"01"]).unwrap();
    assert_eq!(enc(&mut ks, b"b"), Encoding::Hashtable);
    assert!(ks.sismember(b"b", b"01").unwrap());
    assert!(!ks.sismember(b"b", b"001").unwrap());
    ks.validate_sets().unwrap();
}

#[test]
fn set_operations_build_fresh_intsets() {
    let mut ks = ks_with_limit(512);
    ks.sadd(b"a", &[b"1", b"2", b"3", b"x"]).unwrap();
    ks.sadd(b"b", &[b"3", b"2", b"x"]).unwrap();
    assert_eq!(ks.sinterstore(b"d", &[b"a", b"b"]).unwrap(), 3);
    assert_eq!(enc(&mut ks, b"d"), Encoding::Hashtable);
    ks.srem(b"b", &[b"x"]).unwrap();
    assert_eq!(ks.sinterstore(b"d", &[b"a", b"b"]).unwrap(), 2);
    assert_eq!(enc(&mut ks, b"d"), Encoding::Intset);
    assert_eq!(ks.sinter(&[b"a", b"b"]).unwrap().len(), 2);
    assert_eq!(ks.sintercard(&[b"a", b"b"], 1).unwrap(), 1);
    assert_eq!(ks.sdiff(&[b"a", b"b"]).unwrap().len(), 2);
    assert_eq!(ks.sunion(&[b"b", b"nokey"]).unwrap(), [b"2", b"3"]);
    assert_eq!(ks.sinterstore(b"d", &[b"a", b"nokey"]).unwrap(), 0);
    assert!(ks.lookup_quiet(b"d").is_none());
    ks.validate_sets().unwrap();
}

#[test]
fn spop_count_paths() {
    let mut ks = ks_with_limit(512);
    let members: Vec<Vec<u8>> = (0..600).map(|i| format!("{i}").into_bytes()).collect();
    let refs: Vec<&[u8]> = members.iter().map(Vec::as_slice).collect();
    ks.sadd(b"s", &refs).unwrap();
    assert_eq!(enc(&mut ks, b"s"), Encoding::Hashtable);
    assert_eq!(ks.spop_count(b"s", 10).unwrap().len(), 10);
    assert_eq!(ks.spop_count(b"s", 580).unwrap().len(), 580);
    assert_eq!(ks.scard(b"s").unwrap(), 10);
    assert_eq!(enc(&mut ks, b"s"), Encoding::Intset);
    ks.validate_sets().unwrap();
    let all = ks.spop_count(b"s", 100).unwrap();
    assert_eq!(all.len(), 10);
    assert!(ks.lookup_quiet(b"s").is_none());
}

#[test]
fn srandmember_shapes() {
    let mut ks = ks_with_limit(512);
    ks.sadd(b"s", &[b"a", b"b", b"c"]).unwrap();
    assert_eq!(ks.srandmember_count(b"s", -7).unwrap().len(), 7);
    let mut two = ks.srandmember_count(b"s", 2).unwrap();
    two.sort();
    two.dedup();
    assert_eq!(two.len(), 2);
    assert_eq!(ks.srandmember_count(b"s", 5).unwrap().len(), 3);
    assert!(ks.srandmember(b"nokey").unwrap().is_none());
}

#[test]
fn smove_creates_and_deletes() {
    let mut ks = ks_with_limit(512);
    ks.sadd(b"a", &[b"1"]).unwrap();
    assert!(ks.smove(b"a", b"b", b"1").unwrap());
    assert!(ks.lookup_quiet(b"a").is_none());
    assert_eq!(enc(&mut ks, b"b"), Encoding::Intset);
    assert!(!ks.smove(b"a", b"b", b"1").unwrap());
    ks.set(b"str", b"v", &Default::default()).unwrap();
    assert_eq!(ks.smove(b"b", b"str", b"1"), Err(crate::Error::WrongType));
    assert!(!ks.smove(b"nokey", b"str", b"1").unwrap());
}

fn ints_set(members: impl IntoIterator<Item = i64>) -> SetValue {
    let mut s = SetValue::new_intset();
    for v in members {
        s.add(v.to_string().as_bytes(), 16);
    }
    assert!(matches!(s, SetValue::Ints(_)));
    s
}

#[test]
fn large_integer_sets_live_in_int_blocks_until_a_string_arrives() {
    let mut ks = ks_with_limit(512);
    for i in 0..2000 {
        ks.sadd(b"s", &[i.to_string().as_bytes()]).unwrap();
    }
    assert_eq!(enc(&mut ks, b"s"), Encoding::Hashtable);
    assert!(matches!(ks.set_ref(b"s"), Some(SetValue::Ints(_))));
    for odd in [&b"-0"[..], b"007", b"+5"] {
        assert!(!ks.sismember(b"s", odd).unwrap());
    }
    ks.validate_sets().unwrap();
    ks.sadd(b"s", &[b"007"]).unwrap();
    assert!(matches!(ks.set_ref(b"s"), Some(SetValue::Table(_))));
    ks.srem(b"s", &[b"007"]).unwrap();
    assert!(matches!(ks.set_ref(b"s"), Some(SetValue::Table(_))));
    assert_eq!(ks.scard(b"s").unwrap(), 2000);
    ks.validate_sets().unwrap();
}

#[test]
fn random_picks_from_int_blocks_are_uniform() {
    let mut ks = ks_with_limit(16);
    let members: Vec<Vec<u8>> = (0..1000)
        .map(|i| (i * 37 - 5000).to_string().into_bytes())
        .collect();
    let refs: Vec<&[u8]> = members.iter().map(|m| &m[..]).collect();
    ks.sadd(b"s", &refs).unwrap();
    assert!(matches!(ks.set_ref(b"s"), Some(SetValue::Ints(_))));
    let mut counts = std::collections::HashMap::new();
    for _ in 0..100 {
        for m in ks.srandmember_count(b"s", -1000).unwrap() {
            *counts.entry(m).or_insert(0u32) += 1;
        }
    }
    for _ in 0..100 {
        for m in ks.srandmember_count(b"s", 500).unwrap() {
            *counts.entry(m).or_insert(0u32) += 2;
        }
    }
    // Each member expects 100 + 2 * 50 = 200 (standard deviation ~14).
    assert_eq!(counts.len(), 1000);
    assert!(
        counts.values().all(|&c| (100..=300).contains(&c)),
        "{counts:?}"
    );
}

#[test]
fn pops_from_int_blocks_are_uniform_and_exact() {
    let mut rng = SmallRng::seed_from_u64(11);
    let mut counts = vec![0u32; 1000];
    for _ in 0..400 {
        let mut s = ints_set(0..1000);
        let popped = s.pop_many(100, &mut rng);
        assert_eq!(popped.len(), 100);
        assert_eq!(s.len(), 900);
        for m in &popped {
            assert!(!s.contains(m));
            counts[parse_i64(m).unwrap() as usize] += 1;
        }
        s.pop_random(&mut rng).unwrap();
        assert_eq!(s.len(), 899);
        s.validate().unwrap();
    }
    // Each member expects 40 pops (standard deviation ~6).
    assert!(counts.iter().all(|&c| (10..=80).contains(&c)), "{counts:?}");
}

#[test]
fn scan_survives_conversion_to_the_table() {
    let mut s = ints_set(-300..700);
    let mut seen = std::collections::BTreeSet::new();
    let (cursor, got) = s.scan(0, 50, None);
    assert!(cursor != 0 && cursor % 2 == 1 && got.len() >= 50);
    seen.extend(got);
    s.add(b"word", 16);
    assert!(matches!(s, SetValue::Table(_)));
    let mut cursor = cursor;
    loop {
        let (next, got) = s.scan(cursor, 50, None);
        seen.extend(got);
        if next == 0 {
            break;
        }
        assert_eq!(next % 2, 0, "table cursors are even");
        cursor = next;
    }
    for v in -300..700 {
        assert!(seen.contains(v.to_string().as_bytes()), "{v} missed");
    }
    assert!(seen.contains(&b"word"[..]));
}

#[test]
fn int_blocks_heap_bytes_follow_the_members() {
    let mut s = ints_set(0..100_000);
    let dense = s.heap_bytes();
    assert!(dense < 20_000, "{dense}");
    for v in 0..100_000 {
        if v % 100 != 0 {
            s.remove(v.to_string().as_bytes());
        }
    }
    s.validate().unwrap();
    assert!(s.heap_bytes() < 4_000, "{}", s.heap_bytes());
    assert_eq!(s.clone(), s);
}
