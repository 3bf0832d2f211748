//! The read shortcut (the key read last, `Db::read_hit`) and the write
//! shortcut (the pending key, `Db::pending_hit`) against every change that
//! moves, removes or replaces keys: after each, a read of the key read last
//! must see the truth. Keyspaces on the system clock take the inline read
//! path (`Keyspace::read_fast`); those on a `ManualClock` take the general
//! path with the shortcut's position, so both are covered.

use std::collections::HashMap;
use std::sync::Arc;

use proptest::prelude::*;

use crate::ZAddOptions;
use crate::clock::ManualClock;
use crate::config::{Config, MaxmemoryPolicy};
use crate::error::Error;
use crate::expire::ExpireCondition;
use crate::keyspace::Keyspace;

fn system() -> Keyspace {
    Keyspace::new(Config::default())
}

fn manual(ms: u64) -> (Keyspace, ManualClock) {
    let clock = ManualClock::new(ms);
    (
        Keyspace::with_clock(Config::default(), Arc::new(clock.clone())),
        clock,
    )
}

fn zadd(ks: &mut Keyspace, key: &[u8], score: f64) {
    ks.zadd(key, &[(score, b"m")], &ZAddOptions::default())
        .unwrap();
}

fn score(ks: &mut Keyspace, key: &[u8]) -> Option<f64> {
    ks.zscore(key, b"m").unwrap()
}

/// Switches `ks` to an LFU policy whose log factor of 0 makes every
/// access an increment, adds the sorted set `f` (member `m`, score 1),
/// and returns its starting frequency.
fn lfu_with_key_f(ks: &mut Keyspace) -> u32 {
    ks.config_mut().maxmemory_policy = MaxmemoryPolicy::AllkeysLfu;
    ks.config_mut().lfu_log_factor = 0;
    zadd(ks, b"f", 1.0);
    ks.object_freq(b"f").unwrap().unwrap()
}

fn get(ks: &mut Keyspace, key: &[u8]) -> Option<Vec<u8>> {
    ks.get(key).unwrap()
}

fn set(ks: &mut Keyspace, key: &[u8], value: &[u8]) {
    ks.set(key, value, &Default::default()).unwrap();
}

/// Both keyspace kinds, with "a" (first), "z" (a zset) and "last" (the
/// key a removal moves), "z" read twice so the shortcut holds it.
fn warmed() -> Vec<Keyspace> {
    [system(), manual(1_000_000).0]
        .into_iter()
        .map(|mut ks| {
            set(&mut ks, b"a", b"1");
            zadd(&mut ks, b"z", 1.5);
            set(&mut ks, b"last", b"L");
            assert_eq!(score(&mut ks, b"z"), Some(1.5));
            assert_eq!(score(&mut ks, b"z"), Some(1.5));
            ks
        })
        .collect()
}

#[test]
fn removals_and_renames_are_seen() {
    for mut ks in warmed() {
        // Deleting the first key moves "last" into its position.
        assert_eq!(ks.del(&[b"a"]), 1);
        assert_eq!(score(&mut ks, b"z"), Some(1.5));
        assert_eq!(get(&mut ks, b"last").as_deref(), Some(&b"L"[..]));
        assert_eq!(get(&mut ks, b"last").as_deref(), Some(&b"L"[..]));
        // The key read last deleted, then its position reused.
        assert_eq!(ks.unlink(&[b"last"]), 1);
        assert_eq!(get(&mut ks, b"last"), None);
        set(&mut ks, b"other", b"O");
        assert_eq!(get(&mut ks, b"last"), None);
        assert_eq!(score(&mut ks, b"z"), Some(1.5));
        ks.rename(b"z", b"y").unwrap();
        assert_eq!(score(&mut ks, b"z"), None);
        assert_eq!(score(&mut ks, b"y"), Some(1.5));
        ks.rename(b"y", b"z").unwrap();
        assert_eq!(score(&mut ks, b"y"), None);
        assert_eq!(score(&mut ks, b"z"), Some(1.5));
        assert_eq!(ks.getdel(b"other").unwrap().as_deref(), Some(&b"O"[..]));
        assert_eq!(get(&mut ks, b"other"), None);
        ks.validate().unwrap();
    }
}

#[test]
fn databases_moves_swaps_and_flushes_are_seen() {
    for mut ks in warmed() {
        assert!(ks.move_key(b"z", 1).unwrap());
        assert_eq!(score(&mut ks, b"z"), None);
        ks.select(1).unwrap();
        assert_eq!(score(&mut ks, b"z"), Some(1.5));
        ks.select(0).unwrap();
        zadd(&mut ks, b"z", 2.5);
        assert_eq!(score(&mut ks, b"z"), Some(2.5));
        ks.select(1).unwrap();
        assert_eq!(score(&mut ks, b"z"), Some(1.5));
        ks.swapdb(0, 1).unwrap();
        assert_eq!(score(&mut ks, b"z"), Some(2.5));
        ks.select(0).unwrap();
        assert_eq!(score(&mut ks, b"z"), Some(1.5));
        ks.flushdb();
        assert_eq!(score(&mut ks, b"z"), None);
        zadd(&mut ks, b"z", 3.5);
        assert_eq!(score(&mut ks, b"z"), Some(3.5));
        ks.flushall();
        assert_eq!(score(&mut ks, b"z"), None);
        ks.select(1).unwrap();
        assert_eq!(score(&mut ks, b"z"), None);
        ks.validate().unwrap();
    }
}

#[test]
fn growth_shrinking_and_replacement_are_seen() {
    for mut ks in warmed() {
        let filler = |i: usize| format!("filler:{i}").into_bytes();
        for i in 0..5_000 {
            set(&mut ks, &filler(i), b"x");
            if i % 997 == 0 {
                assert_eq!(score(&mut ks, b"z"), Some(1.5));
            }
        }
        // Removing keys moves "z" (swap-remove) and shrinks the index.
        for i in 0..5_000 {
            assert_eq!(ks.del(&[&filler(i)]), 1);
            if i % 991 == 0 {
                assert_eq!(score(&mut ks, b"z"), Some(1.5));
                assert_eq!(get(&mut ks, b"a").as_deref(), Some(&b"1"[..]));
            }
        }
        assert_eq!(ks.del(&[b"a", b"last"]), 2);
        assert_eq!(score(&mut ks, b"z"), Some(1.5));
        // Another type under the same key at the same position.
        set(&mut ks, b"z", b"now a string");
        assert_eq!(ks.zscore(b"z", b"m"), Err(Error::WrongType));
        assert_eq!(get(&mut ks, b"z").as_deref(), Some(&b"now a string"[..]));
        ks.copy(b"z", b"c", None, false).unwrap();
        zadd(&mut ks, b"c2", 9.0);
        ks.copy(b"c2", b"z", None, true).unwrap();
        assert_eq!(score(&mut ks, b"z"), Some(9.0));
        assert_eq!(ks.get(b"z"), Err(Error::WrongType));
        ks.validate().unwrap();
    }
}

#[test]
fn lazy_and_active_expiry_are_seen() {
    let (mut ks, clock) = manual(1_000_000);
    zadd(&mut ks, b"z", 1.5);
    set(&mut ks, b"s", b"v");
    assert_eq!(score(&mut ks, b"z"), Some(1.5));
    ks.pexpire(b"z", 100, ExpireCondition::ALWAYS).unwrap();
    assert_eq!(score(&mut ks, b"z"), Some(1.5));
    clock.advance(101);
    let expired = ks.stats().expired_keys;
    assert_eq!(score(&mut ks, b"z"), None);
    assert_eq!(ks.stats().expired_keys, expired + 1);
    // Active expiry removes the key read last (and moves others).
    zadd(&mut ks, b"z", 2.5);
    set(&mut ks, b"t", b"w");
    assert_eq!(get(&mut ks, b"t").as_deref(), Some(&b"w"[..]));
    ks.pexpire(b"s", 10, ExpireCondition::ALWAYS).unwrap();
    ks.pexpire(b"t", 10, ExpireCondition::ALWAYS).unwrap();
    clock.advance(11);
    assert_eq!(ks.active_expire_cycle(100), 2);
    assert_eq!(get(&mut ks, b"t"), None);
    assert_eq!(score(&mut ks, b"z"), Some(2.5));
    // PERSIST on the key read last: still read, never expired.
    ks.pexpire(b"z", 10, ExpireCondition::ALWAYS).unwrap();
    assert!(ks.persist(b"z"));
    clock.advance(100);
    assert_eq!(score(&mut ks, b"z"), Some(2.5));
    ks.validate().unwrap();

    // On the system clock: a TTL on the key read last sends it through
    // the checked path; a deadline in the past deletes it.
    let mut ks = system();
    zadd(&mut ks, b"z", 1.5);
    assert_eq!(score(&mut ks, b"z"), Some(1.5));
    ks.pexpire(b"z", 100_000, ExpireCondition::ALWAYS).unwrap();
    assert_eq!(score(&mut ks, b"z"), Some(1.5));
    ks.pexpireat(b"z", 1, ExpireCondition::ALWAYS).unwrap();
    assert_eq!(score(&mut ks, b"z"), None);
    ks.validate().unwrap();
}

#[test]
fn eviction_is_seen() {
    let mut ks = system();
    ks.config_mut().maxmemory_policy = MaxmemoryPolicy::AllkeysRandom;
    for i in 0..2_000 {
        set(&mut ks, format!("k:{i}").as_bytes(), b"some value");
    }
    zadd(&mut ks, b"z", 1.5);
    assert_eq!(score(&mut ks, b"z"), Some(1.5));
    ks.config_mut().maxmemory = (ks.used_memory() / 2) as u64;
    ks.evict().unwrap();
    let present = (0..2_000)
        .filter(|i| get(&mut ks, format!("k:{i}").as_bytes()).is_some())
        .count();
    assert!(present < 2_000);
    assert_eq!(
        ks.dbsize(),
        present + usize::from(score(&mut ks, b"z").is_some())
    );
    ks.validate().unwrap();
}

#[test]
fn counters_and_access_fields_are_kept_on_the_shortcut() {
    let mut ks = system();
    zadd(&mut ks, b"z", 1.5);
    let before = ks.stats();
    for _ in 0..200 {
        assert_eq!(score(&mut ks, b"z"), Some(1.5));
        assert_eq!(score(&mut ks, b"missing"), None);
    }
    let after = ks.stats();
    assert_eq!(after.keyspace_hits - before.keyspace_hits, 200);
    assert_eq!(after.keyspace_misses - before.keyspace_misses, 200);
    assert_eq!(ks.object_idletime(b"z").unwrap(), Some(0));
    // Switching to LFU: every read of the key read last counts.
    let start = lfu_with_key_f(&mut ks);
    for _ in 0..100 {
        assert_eq!(ks.zscore(b"f", b"m").unwrap(), Some(1.0));
    }
    assert_eq!(ks.object_freq(b"f").unwrap(), Some(start + 100));
    // And back to LRU through CONFIG SET: idle time again.
    ks.config_set(&[(b"maxmemory-policy", b"allkeys-lru")])
        .unwrap();
    for _ in 0..100 {
        assert_eq!(ks.zscore(b"f", b"m").unwrap(), Some(1.0));
    }
    assert_eq!(ks.object_idletime(b"f").unwrap(), Some(0));
}

/// A stream read by the shortcut's callers: the stream's own reads take
/// the general path (it is handed out for writing), a sorted-set read of
/// it is WRONGTYPE however often it repeats, and neither disturbs the
/// counters or the key read last.
#[test]
fn streams_and_wrong_types_on_the_shortcut() {
    use crate::types::stream::{XAddId, XAddOptions};
    for mut ks in warmed() {
        let fields: &[(&[u8], &[u8])] = &[(b"f", b"v")];
        ks.xadd(b"s", XAddId::Auto, fields, &XAddOptions::default())
            .unwrap();
        let before = ks.stats();
        for _ in 0..3 {
            assert_eq!(ks.xlen(b"s").unwrap(), 1);
            assert_eq!(ks.zscore(b"s", b"m"), Err(Error::WrongType));
            assert_eq!(ks.zscore(b"a", b"m"), Err(Error::WrongType));
            assert_eq!(ks.xlen(b"z"), Err(Error::WrongType));
            assert_eq!(score(&mut ks, b"z"), Some(1.5));
        }
        let after = ks.stats();
        assert_eq!(after.keyspace_hits - before.keyspace_hits, 15);
        assert_eq!(after.keyspace_misses, before.keyspace_misses);
    }
}

/// The fast clock's readings run out and are granted again: thousands of
/// reads of the key read last, and of missing keys between them, keep
/// the access time current and count every hit and miss; under LFU none
/// of them takes a plain time.
#[test]
fn fast_clock_readings_run_out_and_come_back() {
    let mut ks = system();
    zadd(&mut ks, b"z", 1.5);
    let before = ks.stats();
    for i in 0..5000 {
        assert_eq!(score(&mut ks, b"z"), Some(1.5));
        if i % 7 == 0 {
            assert_eq!(score(&mut ks, b"nope"), None);
        }
    }
    let after = ks.stats();
    assert_eq!(after.keyspace_hits - before.keyspace_hits, 5000);
    assert_eq!(after.keyspace_misses - before.keyspace_misses, 715);
    assert_eq!(ks.object_idletime(b"z").unwrap(), Some(0));
    let start = lfu_with_key_f(&mut ks);
    for i in 0..200 {
        assert_eq!(ks.zscore(b"f", b"m").unwrap(), Some(1.0));
        if i % 3 == 0 {
            assert_eq!(score(&mut ks, b"nope"), None);
        }
    }
    assert_eq!(ks.object_freq(b"f").unwrap(), Some((start + 200).min(255)));
}

#[test]
fn idle_time_follows_reads_on_a_manual_clock() {
    let (mut ks, clock) = manual(1_000_000);
    zadd(&mut ks, b"z", 1.5);
    clock.advance(10_000);
    assert_eq!(ks.object_idletime(b"z").unwrap(), Some(10));
    assert_eq!(score(&mut ks, b"z"), Some(1.5));
    assert_eq!(ks.object_idletime(b"z").unwrap(), Some(0));
    clock.advance(5_000);
    assert_eq!(score(&mut ks, b"z"), Some(1.5));
    assert_eq!(ks.object_idletime(b"z").unwrap(), Some(0));
}

/// One step of the model test.
#[derive(Debug, Clone)]
enum Op {
    Set(u8, u8),
    Zadd(u8, u8),
    Get(u8),
    Zscore(u8),
    Del(u8),
    Rename(u8, u8),
    Move(u8),
    Swap,
    Select(u8),
    Flush,
    Ttl(u8, bool),
    Fill(u8),
    Unfill(u8),
}

fn op() -> impl Strategy<Value = Op> {
    let k = 0u8..6;
    prop_oneof![
        (k.clone(), any::<u8>()).prop_map(|(k, v)| Op::Set(k, v)),
        (k.clone(), any::<u8>()).prop_map(|(k, v)| Op::Zadd(k, v)),
        k.clone().prop_map(Op::Get),
        k.clone().prop_map(Op::Get),
        k.clone().prop_map(Op::Zscore),
        k.clone().prop_map(Op::Zscore),
        k.clone().prop_map(Op::Del),
        (k.clone(), k.clone()).prop_map(|(a, b)| Op::Rename(a, b)),
        k.clone().prop_map(Op::Move),
        Just(Op::Swap),
        (0u8..2).prop_map(Op::Select),
        Just(Op::Flush),
        (k.clone(), any::<bool>()).prop_map(|(k, on)| Op::Ttl(k, on)),
        (0u8..4).prop_map(Op::Fill),
        (0u8..4).prop_map(Op::Unfill),
    ]
}

/// What a key holds in the model.
#[derive(Debug, Clone, PartialEq)]
enum Val {
    Str(Vec<u8>),
    Z(f64),
}

/// Names of every length class the words distinguish (1, 4..7, 8..14,
/// 15..16 and longer than 16 bytes).
fn name(k: u8) -> Vec<u8> {
    let names: [&[u8]; 6] = [
        b"z",
        b"key1",
        b"user:1000",
        b"fifteen-bytes-k",
        b"a-key-of-twenty-bytes",
        b"y",
    ];
    names[usize::from(k)].to_vec()
}

fn run_model(ks: &mut Keyspace, ops: &[Op]) {
    let mut model: Vec<HashMap<Vec<u8>, Val>> = vec![HashMap::new(), HashMap::new()];
    let mut db = 0usize;
    ks.select(0).unwrap();
    for op in ops {
        match *op {
            Op::Set(k, v) => {
                set(ks, &name(k), &[v]);
                model[db].insert(name(k), Val::Str(vec![v]));
            }
            Op::Zadd(k, v) => {
                let s = f64::from(v);
                let r = ks.zadd(&name(k), &[(s, b"m")], &ZAddOptions::default());
                match model[db].get(&name(k)) {
                    Some(Val::Str(_)) => assert_eq!(r, Err(Error::WrongType)),
                    _ => {
                        r.unwrap();
                        model[db].insert(name(k), Val::Z(s));
                    }
                }
            }
            Op::Get(k) => {
                let want = match model[db].get(&name(k)) {
                    Some(Val::Str(v)) => Ok(Some(v.clone())),
                    Some(Val::Z(_)) => Err(Error::WrongType),
                    None => Ok(None),
                };
                assert_eq!(ks.get(&name(k)), want, "{op:?}");
            }
            Op::Zscore(k) => {
                let want = match model[db].get(&name(k)) {
                    Some(Val::Z(s)) => Ok(Some(*s)),
                    Some(Val::Str(_)) => Err(Error::WrongType),
                    None => Ok(None),
                };
                assert_eq!(ks.zscore(&name(k), b"m"), want, "{op:?}");
            }
            Op::Del(k) => {
                let had = model[db].remove(&name(k)).is_some();
                assert_eq!(ks.del(&[&name(k)]), usize::from(had));
            }
            Op::Rename(a, b) => {
                let r = ks.rename(&name(a), &name(b));
                match model[db].remove(&name(a)) {
                    Some(v) => {
                        r.unwrap();
                        model[db].insert(name(b), v);
                    }
                    None => assert!(r.is_err()),
                }
            }
            Op::Move(k) => {
                let other = 1 - db;
                let moved = ks.move_key(&name(k), other).unwrap();
                let can = model[db].contains_key(&name(k)) && !model[other].contains_key(&name(k));
                assert_eq!(moved, can);
                if can {
                    let v = model[db].remove(&name(k)).unwrap();
                    model[other].insert(name(k), v);
                }
            }
            Op::Swap => {
                ks.swapdb(0, 1).unwrap();
                model.swap(0, 1);
            }
            Op::Select(d) => {
                db = usize::from(d);
                ks.select(db).unwrap();
            }
            Op::Flush => {
                ks.flushdb();
                model[db].clear();
            }
            Op::Ttl(k, on) => {
                // Far deadlines (no expiry here): the TTL flag's paths.
                let present = model[db].contains_key(&name(k));
                if on {
                    let r = ks.pexpire(&name(k), 1_000_000, ExpireCondition::ALWAYS);
                    assert_eq!(r.unwrap(), present);
                } else {
                    ks.persist(&name(k));
                }
            }
            Op::Fill(n) => {
                for i in 0..usize::from(n) * 300 {
                    let key = format!("fill:{i}").into_bytes();
                    set(ks, &key, b"f");
                    model[db].insert(key, Val::Str(b"f".to_vec()));
                }
            }
            Op::Unfill(n) => {
                for i in (0..usize::from(n) * 300).rev() {
                    let key = format!("fill:{i}").into_bytes();
                    let had = model[db].remove(&key).is_some();
                    assert_eq!(ks.del(&[&key]), usize::from(had));
                }
            }
        }
    }
    ks.validate().unwrap();
    for (d, m) in model.iter().enumerate() {
        ks.select(d).unwrap();
        assert_eq!(ks.dbsize(), m.len());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn shortcuts_agree_with_a_model(ops in prop::collection::vec(op(), 1..120)) {
        run_model(&mut system(), &ops);
        run_model(&mut manual(1_000_000).0, &ops);
    }
}
