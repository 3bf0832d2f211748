use std::sync::Arc;

use super::*;
use crate::clock::ManualClock;
use crate::config::MaxmemoryPolicy;
use crate::expire::ExpireCondition;

const T0: u64 = 1_700_000_000_000;

fn ks() -> (Keyspace, ManualClock) {
    let clock = ManualClock::new(T0);
    let mut ks = Keyspace::with_clock(Config::default(), Arc::new(clock.clone()));
    ks.seed_rng(1);
    (ks, clock)
}

fn put(ks: &mut Keyspace, key: &[u8]) {
    ks.set(key, b"v", &Default::default()).unwrap();
}

fn keys_of(v: &[&str]) -> Vec<Vec<u8>> {
    let mut out: Vec<Vec<u8>> = v.iter().map(|k| k.as_bytes().to_vec()).collect();
    out.sort();
    out
}

fn sorted(mut v: Vec<Vec<u8>>) -> Vec<Vec<u8>> {
    v.sort();
    v
}

#[test]
fn del_exists_touch_count_as_redis() {
    let (mut ks, _) = ks();
    put(&mut ks, b"a");
    put(&mut ks, b"b");
    assert_eq!(ks.exists(&[b"a", b"a", b"x"]), 2, "EXISTS counts repeats");
    assert_eq!(ks.touch(&[b"a", b"b", b"x"]), 2);
    assert_eq!(ks.del(&[b"a", b"a", b"x"]), 1, "DEL deletes once");
    assert_eq!(ks.unlink(&[b"b"]), 1);
    assert_eq!(ks.dbsize(), 0);
    assert_eq!(ks.type_of(b"a"), None);
    ks.validate().unwrap();
}

#[test]
fn rename_moves_value_and_ttl() {
    let (mut ks, _) = ks();
    put(&mut ks, b"a");
    ks.expire(b"a", 100, ExpireCondition::ALWAYS).unwrap();
    assert_eq!(ks.rename(b"x", b"y"), Err(Error::NoSuchKey));
    assert_eq!(ks.rename(b"x", b"x"), Err(Error::NoSuchKey));
    assert_eq!(ks.rename(b"a", b"a"), Ok(()));
    assert_eq!(ks.renamenx(b"a", b"a"), Ok(false));
    assert_eq!(ks.rename(b"a", b"b"), Ok(()));
    assert_eq!(ks.ttl(b"b"), 100);
    assert_eq!(ks.ttl(b"a"), -2);
    put(&mut ks, b"c");
    assert_eq!(ks.renamenx(b"b", b"c"), Ok(false));
    assert_eq!(
        ks.rename(b"c", b"b"),
        Ok(()),
        "overwrites, dropping the TTL of the old value"
    );
    assert_eq!(ks.ttl(b"b"), -1);
    assert_eq!(ks.renamenx(b"b", b"d"), Ok(true));
    assert_eq!(ks.dbsize(), 1);
    ks.validate().unwrap();
}

#[test]
fn copy_and_move_across_databases() {
    let (mut ks, _) = ks();
    put(&mut ks, b"a");
    ks.pexpire(b"a", 5_000, ExpireCondition::ALWAYS).unwrap();
    assert!(ks.copy(b"a", b"a", None, false).is_err(), "same object");
    assert_eq!(
        ks.copy(b"a", b"a", Some(16), false),
        Err(Error::DbIndexOutOfRange)
    );
    assert_eq!(ks.copy(b"a", b"a", Some(1), false), Ok(true));
    assert_eq!(ks.copy(b"a", b"a", Some(1), false), Ok(false));
    assert_eq!(ks.copy(b"a", b"a", Some(1), true), Ok(true));
    assert_eq!(ks.copy(b"nokey", b"z", None, true), Ok(false));
    assert_eq!(
        ks.move_key(b"a", 0).map_err(|e| e.to_string()),
        Err("ERR source and destination objects are the same".into())
    );
    assert_eq!(ks.move_key(b"a", 1), Ok(false), "exists in the target");
    assert_eq!(ks.move_key(b"a", 2), Ok(true));
    assert_eq!(ks.move_key(b"a", 2), Ok(false), "gone from the source");
    for db in [1, 2] {
        ks.select(db).unwrap();
        assert_eq!(ks.pttl(b"a"), 5_000, "db {db} has the TTL");
    }
    ks.validate().unwrap();
}

#[test]
fn keys_skips_expired_without_deleting() {
    let (mut ks, clock) = ks();
    for k in ["one", "two", "three", ""] {
        put(&mut ks, k.as_bytes());
    }
    ks.pexpire(b"two", 10, ExpireCondition::ALWAYS).unwrap();
    assert_eq!(sorted(ks.keys(b"*")), keys_of(&["", "one", "three", "two"]));
    assert_eq!(
        sorted(ks.keys(b"**")),
        keys_of(&["one", "three", "two"]),
        "only `*` lists the empty key"
    );
    assert_eq!(sorted(ks.keys(b"t*")), keys_of(&["three", "two"]));
    clock.advance(11);
    assert_eq!(sorted(ks.keys(b"t*")), keys_of(&["three"]));
    assert_eq!(ks.dbsize(), 4);
}

#[test]
fn scan_walks_everything_and_filters() {
    let (mut ks, clock) = ks();
    for i in 0..25 {
        put(&mut ks, format!("k{i}").as_bytes());
    }
    ks.pexpire(b"k3", 10, ExpireCondition::ALWAYS).unwrap();
    clock.advance(11);
    let mut seen = Vec::new();
    let mut cursor = 0;
    let opts = ScanOptions {
        count: 7,
        ..Default::default()
    };
    loop {
        let (next, keys) = ks.scan(cursor, &opts);
        assert!(keys.len() <= 7);
        seen.extend(keys);
        if next == 0 {
            break;
        }
        cursor = next;
    }
    let want: Vec<Vec<u8>> = (0..25)
        .filter(|&i| i != 3)
        .map(|i| format!("k{i}").into_bytes())
        .collect();
    assert_eq!(sorted(seen), sorted(want));
    assert_eq!(ks.dbsize(), 24, "the expired key met was deleted");
    let small = ScanOptions {
        pattern: Some(b"k1?".to_vec()),
        count: 100,
        ..Default::default()
    };
    let (next, keys) = ks.scan(0, &small);
    assert_eq!(next, 0);
    assert_eq!(keys.len(), 10);
    let typed = ScanOptions {
        type_name: Some(b"STRING".to_vec()),
        count: 100,
        ..Default::default()
    };
    assert_eq!(ks.scan(0, &typed).1.len(), 24);
    let other = ScanOptions {
        type_name: Some(b"list".to_vec()),
        count: 100,
        ..Default::default()
    };
    assert!(ks.scan(0, &other).1.is_empty());
    assert_eq!(
        ks.scan(u64::MAX, &other).0,
        0,
        "a cursor past the end is clamped"
    );
}

#[test]
fn randomkey_skips_and_reclaims_expired_keys() {
    let (mut ks, clock) = ks();
    assert_eq!(ks.randomkey(), None);
    for i in 0..10 {
        let k = format!("k{i}");
        put(&mut ks, k.as_bytes());
        ks.pexpire(k.as_bytes(), 10, ExpireCondition::ALWAYS)
            .unwrap();
    }
    put(&mut ks, b"live");
    clock.advance(11);
    assert_eq!(ks.randomkey(), Some(b"live".to_vec()));
    ks.del(&[b"live"]);
    assert_eq!(ks.randomkey(), None);
    assert_eq!(ks.dbsize(), 0);
    ks.validate().unwrap();
}

#[test]
fn object_refcount_and_encoding() {
    let (mut ks, _) = ks();
    ks.set(b"small", b"9999", &Default::default()).unwrap();
    ks.set(b"big", b"10000", &Default::default()).unwrap();
    ks.set(b"neg", b"-1", &Default::default()).unwrap();
    ks.set(b"str", b"abc", &Default::default()).unwrap();
    assert_eq!(ks.object_refcount(b"small"), Some(i64::from(i32::MAX)));
    assert_eq!(ks.object_refcount(b"big"), Some(1));
    assert_eq!(ks.object_refcount(b"neg"), Some(1));
    assert_eq!(ks.object_refcount(b"str"), Some(1));
    assert_eq!(ks.object_refcount(b"none"), None);
    assert_eq!(ks.object_encoding(b"small"), Some(Encoding::Int));
    assert_eq!(ks.object_encoding(b"str"), Some(Encoding::Embstr));
    ks.config_mut().maxmemory = 1 << 30;
    ks.config_mut().maxmemory_policy = MaxmemoryPolicy::AllkeysLru;
    assert_eq!(ks.object_refcount(b"small"), Some(1));
}

#[test]
fn idletime_tracks_reads_and_writes_but_not_notouch_lookups() {
    let (mut ks, clock) = ks();
    put(&mut ks, b"k");
    assert_eq!(ks.object_idletime(b"k"), Ok(Some(0)));
    clock.advance(5_000);
    let _ = ks.ttl(b"k");
    let _ = ks.type_of(b"k");
    let _ = ks.exists(&[b"k"]);
    let _ = ks.object_encoding(b"k");
    assert_eq!(ks.object_idletime(b"k"), Ok(Some(5)));
    assert_eq!(ks.get(b"k").unwrap(), Some(b"v".to_vec()));
    assert_eq!(ks.object_idletime(b"k"), Ok(Some(0)));
    clock.advance(3_000);
    ks.touch(&[b"k"]);
    assert_eq!(ks.object_idletime(b"k"), Ok(Some(0)));
    clock.advance(3_000);
    ks.expire(b"k", 100, ExpireCondition::ALWAYS).unwrap();
    assert_eq!(ks.object_idletime(b"k"), Ok(Some(0)), "write lookups touch");
    assert_eq!(ks.object_idletime(b"nokey"), Ok(None));
    assert!(ks.object_freq(b"k").is_err());
    assert_eq!(
        ks.object_freq(b"nokey"),
        Ok(None),
        "missing key checked before the policy"
    );
}

#[test]
fn idletime_wraps_with_the_lru_clock() {
    assert_eq!(idle_seconds(5, 10_000), 5);
    let near_wrap = u32::try_from(LRU_CLOCK_MAX - 2).unwrap();
    assert_eq!(idle_seconds(near_wrap, 3_000), 3 + 2);
}

#[test]
fn lfu_counter_grows_logarithmically_and_decays() {
    let (mut ks, clock) = ks();
    ks.config_mut().maxmemory_policy = MaxmemoryPolicy::AllkeysLfu;
    put(&mut ks, b"k");
    assert_eq!(ks.object_freq(b"k"), Ok(Some(5)));
    assert!(ks.object_idletime(b"k").is_err());
    for _ in 0..1000 {
        ks.get(b"k").unwrap();
    }
    let hot = ks.object_freq(b"k").unwrap().unwrap();
    assert!(
        (12..=24).contains(&hot),
        "1000 hits give about 18, got {hot}"
    );
    clock.advance(3 * 60_000);
    assert_eq!(
        ks.object_freq(b"k"),
        Ok(Some(hot - 3)),
        "one decrement per minute"
    );
    ks.config_mut().lfu_decay_time = 0;
    assert_eq!(
        ks.object_freq(b"k"),
        Ok(Some(hot)),
        "decay time 0 never decays"
    );
}

mod scan_guarantee {
    use proptest::prelude::*;

    use super::*;

    #[derive(Debug, Clone)]
    enum Op {
        Insert(u16),
        Delete(u16),
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            (0u16..400).prop_map(Op::Insert),
            (0u16..400).prop_map(Op::Delete)
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        /// Every key present from the first SCAN call to the last is returned
        /// at least once, whatever is inserted or deleted between calls.
        #[test]
        fn keys_present_throughout_are_returned(
            initial in 0usize..200,
            count in 1usize..20,
            steps in proptest::collection::vec(proptest::collection::vec(op(), 0..8), 1..60),
        ) {
            let (mut ks, _) = ks();
            for i in 0..initial {
                put(&mut ks, format!("k{i}").as_bytes());
            }
            let mut survivors: std::collections::BTreeSet<Vec<u8>> =
                (0..initial).map(|i| format!("k{i}").into_bytes()).collect();
            let mut seen = std::collections::BTreeSet::new();
            let opts = ScanOptions { count, ..Default::default() };
            let mut cursor = 0;
            let mut steps = steps.into_iter();
            loop {
                let (next, keys) = ks.scan(cursor, &opts);
                seen.extend(keys);
                if next == 0 {
                    break;
                }
                cursor = next;
                for op in steps.next().unwrap_or_default() {
                    match op {
                        Op::Insert(i) => put(&mut ks, format!("k{i}").as_bytes()),
                        Op::Delete(i) => {
                            let key = format!("k{i}").into_bytes();
                            ks.del(&[&key]);
                            survivors.remove(&key);
                        }
                    }
                }
            }
            for key in &survivors {
                prop_assert!(seen.contains(key), "missed {:?}", String::from_utf8_lossy(key));
            }
            ks.validate().unwrap();
        }
    }
}

#[test]
fn cluster_mode_refuses_other_databases() {
    let config = Config {
        cluster_enabled: true,
        ..Config::default()
    };
    let mut ks = Keyspace::new(config);
    put(&mut ks, b"a");
    let text = |r: Result<bool>| r.map_err(|e| e.to_string());
    assert_eq!(
        text(ks.move_key(b"a", 1)),
        Err("ERR MOVE is not allowed in cluster mode".into())
    );
    assert_eq!(
        text(ks.move_key(b"a", 99)),
        Err("ERR MOVE is not allowed in cluster mode".into())
    );
    assert_eq!(
        text(ks.copy(b"a", b"{a}b", Some(1), false)),
        Err("ERR Copying to another database is not allowed in cluster mode".into())
    );
    assert_eq!(
        text(ks.copy(b"a", b"{a}b", Some(16), false)),
        Err("ERR DB index is out of range".into())
    );
    assert_eq!(ks.copy(b"a", b"{a}b", Some(0), false), Ok(true));
    ks.validate().unwrap();
}
