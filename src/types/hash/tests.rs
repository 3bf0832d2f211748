//! Unit tests of the hash type: encodings and conversions.

use super::*;
use crate::error::Error;
use crate::keyspace::Keyspace;
use crate::value::Value;

fn ks_with(entries: usize, value: usize) -> Keyspace {
    Keyspace::new(Config {
        hash_max_listpack_entries: entries,
        hash_max_listpack_value: value,
        ..Config::default()
    })
}

fn enc(ks: &mut Keyspace, key: &[u8]) -> Option<Encoding> {
    ks.object_encoding(key)
}

#[test]
fn duplicates_in_one_hset_do_not_convert() {
    let mut ks = ks_with(4, 64);
    let pairs: Vec<(&[u8], &[u8])> = vec![
        (b"a", b"1"),
        (b"a", b"2"),
        (b"a", b"3"),
        (b"a", b"4"),
        (b"a", b"5"),
    ];
    assert_eq!(ks.hset(b"k", &pairs).unwrap(), 1);
    assert_eq!(enc(&mut ks, b"k"), Some(Encoding::Listpack));
    assert_eq!(ks.hget(b"k", b"a").unwrap().as_deref(), Some(&b"5"[..]));
    ks.validate_hashes().unwrap();
}

#[test]
fn entries_and_value_limits_convert_once() {
    let mut ks = ks_with(4, 8);
    for i in 0..4 {
        ks.hset(b"k", &[(format!("f{i}").as_bytes(), b"v")])
            .unwrap();
    }
    assert_eq!(enc(&mut ks, b"k"), Some(Encoding::Listpack));
    ks.hset(b"k", &[(b"f4", b"v")]).unwrap();
    assert_eq!(enc(&mut ks, b"k"), Some(Encoding::Hashtable));
    assert_eq!(ks.hdel(b"k", &[b"f0", b"f1", b"f2"]).unwrap(), 3);
    assert_eq!(enc(&mut ks, b"k"), Some(Encoding::Hashtable));
    ks.hset(b"v", &[(b"f", b"123456789")]).unwrap();
    assert_eq!(enc(&mut ks, b"v"), Some(Encoding::Hashtable));
    ks.hset(b"i", &[(b"f", b"99999999")]).unwrap();
    assert_eq!(ks.hincrby(b"i", b"f", 1).unwrap(), 100_000_000);
    assert_eq!(enc(&mut ks, b"i"), Some(Encoding::Hashtable));
    ks.validate_hashes().unwrap();
}

#[test]
fn lowered_limit_converts_at_next_write() {
    let mut ks = ks_with(512, 64);
    for i in 0..10 {
        ks.hset(b"k", &[(format!("f{i}").as_bytes(), b"v")])
            .unwrap();
    }
    ks.config_mut().hash_max_listpack_entries = 4;
    assert!(!ks.hsetnx(b"k", b"f0", b"x").unwrap());
    assert_eq!(enc(&mut ks, b"k"), Some(Encoding::Listpack));
    ks.hset(b"k", &[(b"f0", b"w")]).unwrap();
    assert_eq!(enc(&mut ks, b"k"), Some(Encoding::Hashtable));
    assert_eq!(ks.hlen(b"k").unwrap(), 10);
}

#[test]
fn integers_round_trip_and_counters() {
    for (entries, value) in [(0, 0), (512, 64)] {
        let mut ks = ks_with(entries, value);
        ks.hset(b"k", &[(b"1", b"-12"), (b"x", b"7")]).unwrap();
        assert_eq!(ks.hget(b"k", b"1").unwrap().as_deref(), Some(&b"-12"[..]));
        assert_eq!(ks.hstrlen(b"k", b"1").unwrap(), 3);
        assert_eq!(ks.hincrby(b"k", b"1", 2).unwrap(), -10);
        assert_eq!(ks.hincrby(b"k", b"x", 1).unwrap(), 8);
        assert_eq!(ks.hincrby(b"k", b"1", i64::MIN), Err(Error::Overflow));
        ks.hset(b"k", &[(b"s", b"-0")]).unwrap();
        assert_eq!(
            ks.hincrby(b"k", b"s", 1),
            Err(Error::other("ERR hash value is not an integer"))
        );
        assert_eq!(ks.hincrbyfloat(b"k", b"1", b"0.5").unwrap(), b"-9.5");
        assert_eq!(ks.hincrbyfloat(b"k", b"new", b"1e2").unwrap(), b"100");
        ks.validate_hashes().unwrap();
    }
}

#[test]
fn hdel_of_last_field_deletes_the_key() {
    let mut ks = ks_with(512, 64);
    ks.hset(b"k", &[(b"a", b"1"), (b"b", b"2")]).unwrap();
    assert_eq!(ks.hdel(b"k", &[b"a", b"b", b"c"]).unwrap(), 2);
    assert_eq!(ks.hlen(b"k").unwrap(), 0);
    assert_eq!(enc(&mut ks, b"k"), None);
    assert_eq!(ks.hset(b"k", &[]).unwrap(), 0);
    assert_eq!(enc(&mut ks, b"k"), None);
}

#[test]
fn random_and_scan_cover_both_encodings() {
    for entries in [0, 512] {
        let mut ks = ks_with(entries, 64);
        let fields: Vec<Vec<u8>> = (0..40).map(|i| format!("f{i}").into_bytes()).collect();
        for f in &fields {
            ks.hset(b"k", &[(f, b"v")]).unwrap();
        }
        let some = ks.hrandfield_count(b"k", 10).unwrap();
        let uniq: std::collections::HashSet<_> = some.iter().collect();
        assert_eq!((some.len(), uniq.len()), (10, 10));
        assert_eq!(ks.hrandfield_count(b"k", 100).unwrap().len(), 40);
        assert_eq!(ks.hrandfield_withvalues(b"k", -100).unwrap().len(), 100);
        let mut seen = std::collections::HashSet::new();
        let mut cursor = 0;
        loop {
            let (next, found) = ks.hscan(b"k", cursor, &HashScanOptions::default()).unwrap();
            seen.extend(found.into_iter().map(|(f, _)| f));
            if next == 0 {
                break;
            }
            cursor = next;
        }
        assert_eq!(seen.len(), 40);
    }
}

#[test]
fn write_counter_counts_pairs_and_deleted_fields() {
    let mut ks = ks_with(512, 64);
    let dirty = |ks: &Keyspace| ks.stats().dirty;
    ks.hset(b"k", &[(b"a", b"1"), (b"b", b"2"), (b"a", b"3")])
        .unwrap();
    assert_eq!(dirty(&ks), 3);
    assert!(!ks.hsetnx(b"k", b"a", b"x").unwrap());
    assert_eq!(dirty(&ks), 3);
    ks.hsetnx(b"n", b"a", b"x").unwrap();
    ks.hincrby(b"i", b"a", 1).unwrap();
    assert_eq!(dirty(&ks), 5);
    assert_eq!(ks.hdel(b"k", &[b"a", b"zz"]).unwrap(), 1);
    assert_eq!(dirty(&ks), 6);
    assert_eq!(ks.hdel(b"k", &[b"zz"]).unwrap(), 0);
    assert_eq!(dirty(&ks), 6);
    ks.hset(b"k", &[(b"c", b"1")]).unwrap();
    assert_eq!(ks.hdel(b"k", &[b"b", b"c"]).unwrap(), 2);
    assert_eq!(dirty(&ks), 9);
    assert_eq!(ks.hincrby(b"s", b"f", 1).unwrap(), 1);
    assert_eq!(ks.hset(b"s", &[(b"f", b"x")]).unwrap(), 0);
    assert!(ks.hincrby(b"s", b"f", 1).is_err());
    assert_eq!(dirty(&ks), 11);
}

/// The in-line field lookup finds what the general walk finds, over every
/// entry kind a field or value can take (small and large integers, empty,
/// short and long strings) and needles that match none; pairs appended
/// together are the bytes of single pushes.
#[test]
fn field_lookup_matches_the_general_walk() {
    let long = vec![b'L'; 100];
    let huge = vec![b'H'; 5000];
    let kinds: Vec<&[u8]> = vec![
        b"7",
        b"-3",
        b"300",
        b"70000",
        b"5000000000",
        b"",
        b"f1",
        b"f2",
        b"x",
        &long,
        &huge,
        b"12345678901234567",
        b"007",
        &long[..63],
        &long[..64],
        b"-",
        b"9z",
    ];
    let mut lp = Listpack::new();
    let mut single = Listpack::new();
    for (i, f) in kinds.iter().enumerate() {
        let v = kinds[(i * 5 + 3) % kinds.len()];
        lp.push_back_grown([Elem::Str(f), Elem::Str(v)], listpack_room);
        single.push_back(Elem::Str(f));
        single.push_back(Elem::Str(v));
    }
    assert_eq!(lp.as_bytes(), single.as_bytes());
    let mut needles = kinds.clone();
    needles.extend([&b"f3"[..], b"y", b"8", b"L", b"070000"]);
    for n in needles {
        let general = lp.first_pos().and_then(|p| lp.find_pos(p, n, 1));
        assert_eq!(lp.find_field(n), general, "needle {n:?}");
    }
    assert_eq!(Listpack::new().find_field(b"a"), None);
}

/// A growing small hash keeps its listpack's spare room within an eighth
/// plus 16 bytes.
#[test]
fn listpack_growth_keeps_little_spare_room() {
    let mut ks = ks_with(512, 64);
    for i in 0..100u32 {
        ks.hset(b"h", &[(format!("f{i}").as_bytes(), b"a0000001")])
            .unwrap();
        let Some(Value::Hash(HashValue::Listpack(lp))) = ks.db().get(b"h").map(|e| &e.value) else {
            panic!("listpack hash expected");
        };
        let (used, held) = (lp.total_bytes(), lp.allocated_bytes());
        assert!(
            held >= used && held <= used + used / 8 + 16,
            "{used} in {held}"
        );
    }
}
