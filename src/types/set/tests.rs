//! Unit tests of the set type: encodings, conversions and the operations.

use super::*;
use crate::keyspace::Keyspace;

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
