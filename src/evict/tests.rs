use std::sync::{Arc, Mutex};

use proptest::prelude::*;

use super::*;
use crate::clock::ManualClock;
use crate::config::Config;
use crate::types::string::SetOptions;

const T0: u64 = 1_700_000_000_000;

fn keyspace(policy: MaxmemoryPolicy) -> (Keyspace, ManualClock) {
    let clock = ManualClock::new(T0);
    let mut ks = Keyspace::with_clock(Config::default(), Arc::new(clock.clone()));
    ks.seed_rng(7);
    ks.config_mut().maxmemory_policy = policy;
    (ks, clock)
}

/// A keyspace whose key and TTL tables in databases 0 and 3 already have
/// room for 4,000 keys, so that the tests below see memory move with the
/// data only, not in the steps of a table doubling (the tables never
/// shrink).
fn roomy(policy: MaxmemoryPolicy) -> (Keyspace, ManualClock) {
    let (mut ks, clock) = keyspace(policy);
    for db in [3, 0] {
        ks.select(db).unwrap();
        for i in 0..4000 {
            set_ex(&mut ks, 900_000 + i, 10);
        }
        for i in 0..4000 {
            ks.del(&[&key(900_000 + i)]);
        }
    }
    (ks, clock)
}

fn key(i: usize) -> Vec<u8> {
    format!("key:{i:06}").into_bytes()
}

fn set(ks: &mut Keyspace, i: usize) -> Result<()> {
    ks.set(&key(i), b"0123456789abcdef", &SetOptions::default())
        .map(drop)
}

fn set_ex(ks: &mut Keyspace, i: usize, seconds: i64) {
    ks.setex(&key(i), seconds, b"0123456789abcdef").unwrap();
}

fn present(ks: &mut Keyspace, i: usize) -> bool {
    ks.lookup_quiet(&key(i)).is_some()
}

/// Caps memory at what the keyspace holds now, once its key tables have
/// given back their spare slots (as they do when memory is tight), so each
/// new key must make room.
fn cap_here(ks: &mut Keyspace) {
    ks.config_mut().maxmemory = ks.used_memory() as u64;
    ks.evict().unwrap();
    ks.config_mut().maxmemory = ks.used_memory() as u64;
}

#[test]
fn pool_keeps_the_best_sixteen_in_ascending_order() {
    let mut pool = Pool::default();
    for s in [5, 1, 9, 3] {
        pool.offer(s, 0, b"k");
    }
    assert_eq!(pool.scores(), vec![1, 3, 5, 9]);
    for s in 10..30 {
        pool.offer(s, 0, b"k");
    }
    assert_eq!(pool.scores(), (14..30).collect::<Vec<_>>());
    pool.offer(14, 0, b"tie-with-worst");
    pool.offer(2, 0, b"worse");
    assert_eq!(pool.scores(), (14..30).collect::<Vec<_>>());
    assert!(pool.slots.iter().all(|c| &*c.key == b"k"));
    pool.offer(20, 1, b"mid");
    assert_eq!(pool.slots[5].key.as_ref(), b"mid", "before the pooled 20");
    assert_eq!(pool.pop_best().map(|c| c.score), Some(29));
    assert_eq!(pool.slots.len(), POOL_SIZE - 1);
}

proptest! {
    /// Offers alone leave exactly the 16 highest scores offered.
    #[test]
    fn pool_is_the_top_sixteen(scores in prop::collection::vec(0u64..50, 0..80)) {
        let mut pool = Pool::default();
        for &s in &scores {
            pool.offer(s, 0, b"k");
        }
        let mut want = scores.clone();
        want.sort_unstable();
        let want = want[want.len().saturating_sub(POOL_SIZE)..].to_vec();
        prop_assert_eq!(pool.scores(), want);
    }
}

#[test]
fn nothing_happens_without_a_limit() {
    let (mut ks, _) = keyspace(MaxmemoryPolicy::Noeviction);
    for i in 0..100 {
        set(&mut ks, i).unwrap();
    }
    assert_eq!(ks.evict(), Ok(0));
    assert_eq!(ks.dbsize(), 100);
}

#[test]
fn noeviction_refuses_growth_and_changes_nothing() {
    let (mut ks, _) = keyspace(MaxmemoryPolicy::Noeviction);
    for i in 0..50 {
        set(&mut ks, i).unwrap();
    }
    ks.config_mut().maxmemory = 1;
    let before = ks.used_memory();
    assert_eq!(set(&mut ks, 0), Err(Error::OutOfMemory));
    assert_eq!(ks.incr(b"n"), Err(Error::OutOfMemory));
    assert_eq!(ks.lpush(b"l", &[b"a"]), Err(Error::OutOfMemory));
    assert_eq!(
        ks.mset(&[(b"a", b"1"), (b"b", b"2")]),
        Err(Error::OutOfMemory)
    );
    assert_eq!(ks.used_memory(), before);
    assert_eq!(ks.dbsize(), 50);
    assert_eq!(ks.stats().evicted_keys, 0);
    // Reads and shrinking writes still run.
    assert!(ks.get(&key(1)).unwrap().is_some());
    assert_eq!(ks.del(&[&key(1)]), 1);
    assert_eq!(ks.evict(), Err(Error::OutOfMemory));
}

#[test]
fn volatile_policies_spare_keys_without_ttl() {
    for policy in [
        MaxmemoryPolicy::VolatileLru,
        MaxmemoryPolicy::VolatileLfu,
        MaxmemoryPolicy::VolatileRandom,
        MaxmemoryPolicy::VolatileTtl,
    ] {
        let (mut ks, _) = roomy(policy);
        for i in 0..200 {
            if i % 2 == 0 {
                set(&mut ks, i).unwrap();
            } else {
                set_ex(&mut ks, i, 1000 + i as i64);
            }
        }
        cap_here(&mut ks);
        for i in 200..260 {
            set(&mut ks, i).unwrap();
        }
        // How many keys must go varies from run to run: the key table's
        // reported capacity (counted in used_memory) shrinks by a slot for
        // each deletion that leaves a tombstone, and which ones do depends on
        // the random table seed. What must hold is that some went, only
        // volatile ones, and the limit holds.
        let evicted = ks.stats().evicted_keys;
        assert!(evicted > 0, "{policy:?}: {evicted}");
        for i in (0..260).step_by(2) {
            assert!(present(&mut ks, i), "{policy:?} evicted {i} without TTL");
        }
        ks.evict().unwrap();
        assert!(ks.used_memory() as u64 <= ks.config().maxmemory);
        ks.validate().unwrap();
    }
}

#[test]
fn volatile_policies_without_volatile_keys_refuse() {
    for policy in [
        MaxmemoryPolicy::VolatileLru,
        MaxmemoryPolicy::VolatileLfu,
        MaxmemoryPolicy::VolatileRandom,
        MaxmemoryPolicy::VolatileTtl,
    ] {
        let (mut ks, _) = keyspace(policy);
        for i in 0..20 {
            set(&mut ks, i).unwrap();
        }
        set_ex(&mut ks, 20, 100);
        ks.config_mut().maxmemory = 1;
        assert_eq!(set(&mut ks, 99), Err(Error::OutOfMemory), "{policy:?}");
        assert_eq!(ks.stats().evicted_keys, 1, "the one volatile key went");
        assert_eq!(ks.dbsize(), 20);
    }
}

#[test]
fn volatile_ttl_with_full_sampling_evicts_the_soonest_first() {
    let (mut ks, _) = roomy(MaxmemoryPolicy::VolatileTtl);
    ks.config_mut().maxmemory_samples = 64;
    // TTLs in scrambled order, all keys sampled every round.
    for i in 0..40 {
        set_ex(&mut ks, i, 100 + ((i * 17) % 40) as i64);
    }
    let order = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&order);
    ks.set_eviction_listener(move |e| sink.lock().unwrap().push(e.expire_at.unwrap()));
    cap_here(&mut ks);
    for i in 40..60 {
        set(&mut ks, i).unwrap();
    }
    let order = order.lock().unwrap();
    assert!(order.len() >= 8, "{}", order.len());
    let expected: Vec<u64> = (0..order.len() as u64)
        .map(|s| T0 + (100 + s) * 1000)
        .collect();
    assert_eq!(*order, expected);
}

#[test]
fn volatile_ttl_with_default_sampling_prefers_the_soonest() {
    let (mut ks, _) = roomy(MaxmemoryPolicy::VolatileTtl);
    for i in 0..2000 {
        set_ex(&mut ks, i, 1000 + ((i * 7919) % 2000) as i64);
    }
    cap_here(&mut ks);
    for i in 2000..2400 {
        set(&mut ks, i).unwrap();
    }
    let evicted = ks.stats().evicted_keys as usize;
    assert!(evicted >= 250, "{evicted}");
    // A fifth went: over half of the soonest fifth, almost none of the
    // latest two fifths.
    let rank = |i: usize| (i * 7919) % 2000;
    let early = (0..2000)
        .filter(|&i| rank(i) < 400 && present(&mut ks, i))
        .count();
    let late = (0..2000)
        .filter(|&i| rank(i) >= 1200 && present(&mut ks, i))
        .count();
    assert!(early < 200, "{early} of the soonest 400 survived");
    assert!(late > 780, "{late} of the latest 800 survived");
}

/// A skewed workload: 100 hot keys read often, then a flood of new keys.
fn skewed(policy: MaxmemoryPolicy, clock: Option<&ManualClock>) -> usize {
    let (mut ks, own_clock) = roomy(policy);
    let clock = clock.cloned().unwrap_or(own_clock);
    for i in 0..2000 {
        set(&mut ks, i).unwrap();
    }
    cap_here(&mut ks);
    for round in 0..20 {
        clock.advance(1000);
        for i in 0..100 {
            ks.get(&key(i * 20)).unwrap();
        }
        for i in 0..100 {
            set(&mut ks, 2000 + round * 100 + i).unwrap();
        }
    }
    ks.evict().unwrap();
    assert!(ks.used_memory() as u64 <= ks.config().maxmemory);
    (0..100).filter(|&i| present(&mut ks, i * 20)).count()
}

#[test]
fn lfu_keeps_the_hot_keys() {
    let hot = skewed(MaxmemoryPolicy::AllkeysLfu, None);
    assert!(hot >= 95, "{hot} of 100 hot keys survived");
}

#[test]
fn lru_keeps_the_recently_used_keys() {
    let hot = skewed(MaxmemoryPolicy::AllkeysLru, None);
    assert!(hot >= 95, "{hot} of 100 recent keys survived");
    // Random eviction, for contrast, keeps about the fraction that fits.
    let random = skewed(MaxmemoryPolicy::AllkeysRandom, None);
    assert!(random < 80, "{random}");
}

#[test]
fn evictions_are_counted_reported_and_validated() {
    let (mut ks, _) = roomy(MaxmemoryPolicy::AllkeysRandom);
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&seen);
    ks.set_eviction_listener(move |e| sink.lock().unwrap().push(e));
    for i in 0..100 {
        set(&mut ks, i).unwrap();
    }
    set_ex(&mut ks, 100, 50);
    cap_here(&mut ks);
    for i in 101..200 {
        set(&mut ks, i).unwrap();
        let admitted = ks
            .evict
            .admitted_at
            .take()
            .expect("the write evicted first");
        assert!(admitted as u64 <= ks.config().maxmemory);
    }
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len() as u64, ks.stats().evicted_keys);
    assert_eq!(ks.dbsize() + seen.len(), 200);
    for e in seen.iter() {
        assert_eq!(e.db, 0);
        assert!(ks.lookup_quiet(&e.key).is_none());
        assert_eq!(
            e.value,
            Value::String(crate::types::string::StringValue::from_bytes(
                b"0123456789abcdef"
            ))
        );
        let volatile = e.key == key(100);
        assert_eq!(e.expire_at.is_some(), volatile);
    }
    assert!(ks.take_eviction_listener().is_some());
    ks.validate().unwrap();
}

#[test]
fn every_database_is_a_source() {
    for policy in [MaxmemoryPolicy::AllkeysLru, MaxmemoryPolicy::AllkeysRandom] {
        let (mut ks, clock) = roomy(policy);
        ks.select(3).unwrap();
        for i in 0..200 {
            set(&mut ks, i).unwrap();
        }
        clock.advance(60_000);
        ks.select(0).unwrap();
        for i in 0..200 {
            set(&mut ks, i).unwrap();
        }
        cap_here(&mut ks);
        for i in 200..300 {
            set(&mut ks, i).unwrap();
        }
        let db3 = ks.with_db(3, |ks| ks.dbsize());
        assert!(db3 < 200, "{policy:?}: nothing left db 3");
        if policy == MaxmemoryPolicy::AllkeysLru {
            assert_eq!(ks.dbsize(), 300, "the older keys of db 3 went first");
        }
    }
}

#[test]
fn ghosts_in_the_pool_are_skipped() {
    let (mut ks, clock) = keyspace(MaxmemoryPolicy::AllkeysLru);
    for i in 0..10 {
        set(&mut ks, i).unwrap();
    }
    clock.advance(10_000);
    for i in 10..20 {
        set(&mut ks, i).unwrap();
    }
    let now = ks.now_ms();
    ks.populate_pool(0, MaxmemoryPolicy::AllkeysLru);
    assert_eq!(ks.evict.pool.slots.len(), 5);
    // Delete every pooled key: all candidates become ghosts.
    let pooled: Vec<Box<[u8]>> = ks.evict.pool.slots.iter().map(|c| c.key.clone()).collect();
    ks.del(&pooled.iter().map(|k| &k[..]).collect::<Vec<_>>());
    let (db, victim) = ks.pool_victim(MaxmemoryPolicy::AllkeysLru).unwrap();
    assert_eq!(db, 0);
    assert!(!pooled.contains(&victim));
    assert!(ks.lookup_quiet(&victim).is_some());
    assert_eq!(ks.now_ms(), now);
}

#[test]
fn scores_follow_the_policy() {
    let mut e = Entry::new(Value::String(
        crate::types::string::StringValue::from_bytes(b"v"),
    ));
    e.lru = crate::keys::lru_clock(T0);
    let later = T0 + 30_000;
    assert_eq!(score(MaxmemoryPolicy::AllkeysLru, &e, 0, 1, later), 30_000);
    e.lru = crate::keys::new_access_field(
        &Config {
            maxmemory_policy: MaxmemoryPolicy::AllkeysLfu,
            ..Config::default()
        },
        T0,
    );
    assert_eq!(score(MaxmemoryPolicy::VolatileLfu, &e, 0, 1, T0), 250);
    assert_eq!(
        score(MaxmemoryPolicy::VolatileLfu, &e, 0, 1, T0 + 180_000),
        253
    );
    assert_eq!(
        score(MaxmemoryPolicy::VolatileTtl, &e, T0 + 5, 1, T0),
        u64::MAX - T0 - 5
    );
}

#[test]
fn admitted_commands_skip_the_typed_check() {
    let (mut ks, _) = keyspace(MaxmemoryPolicy::Noeviction);
    set(&mut ks, 0).unwrap();
    ks.config_mut().maxmemory = 1;
    assert_eq!(ks.admit_command(true), Err(Error::OutOfMemory));
    assert_eq!(ks.admit_command(false), Ok(()));
    assert_eq!(set(&mut ks, 1), Ok(()), "judged by the command's flag");
    ks.end_command();
    assert_eq!(set(&mut ks, 2), Err(Error::OutOfMemory));
}

/// Whether `policy` has a key it could evict.
fn evictable(ks: &Keyspace, policy: MaxmemoryPolicy) -> bool {
    match policy {
        MaxmemoryPolicy::Noeviction => false,
        p if samples_all_keys(p) => ks.dbs.iter().any(|db| db.len() != 0),
        _ => ks.dbs.iter().any(|db| db.expires_len() != 0),
    }
}

/// One write or read of the random workloads, as a command line.
fn op_strategy() -> impl Strategy<Value = Vec<Vec<u8>>> {
    let key = (0..30u8).prop_map(|k| format!("k{k}").into_bytes());
    let value = (0..300usize, any::<u8>()).prop_map(|(n, b)| vec![b'a' + b % 26; n]);
    let line = |parts: &[&[u8]]| parts.iter().map(|p| p.to_vec()).collect::<Vec<_>>();
    prop_oneof![
        (key.clone(), value.clone()).prop_map(move |(k, v)| line(&[b"SET", &k, &v])),
        (key.clone(), value.clone()).prop_map(move |(k, v)| line(&[b"APPEND", &k, &v])),
        (key.clone(), value.clone()).prop_map(move |(k, v)| line(&[b"RPUSH", &k, &v, b"x"])),
        (key.clone(), value.clone()).prop_map(move |(k, v)| line(&[b"HSET", &k, &v, b"f"])),
        (key.clone(), value.clone()).prop_map(move |(k, v)| line(&[b"SADD", &k, &v])),
        (key.clone(), value.clone()).prop_map(move |(k, v)| line(&[b"ZADD", &k, b"1", &v])),
        (key.clone(), value.clone()).prop_map(move |(k, v)| line(&[b"SETEX", &k, b"100", &v])),
        (key.clone(), key.clone(), value.clone())
            .prop_map(move |(k, j, v)| line(&[b"MSET", &k, &v, &j, &v])),
        key.clone().prop_map(move |k| line(&[b"INCR", &k])),
        key.clone().prop_map(move |k| line(&[b"EXPIRE", &k, b"50"])),
        key.clone().prop_map(move |k| line(&[b"GET", &k])),
        key.clone().prop_map(move |k| line(&[b"LPOP", &k])),
        key.clone().prop_map(move |k| line(&[b"DEL", &k])),
        (0..6000u32).prop_map(move |m| line(&[
            b"CONFIG",
            b"SET",
            b"maxmemory",
            m.to_string().as_bytes()
        ])),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// After every command, used memory is at most `maxmemory` plus what
    /// that command added after its admission: eviction brings memory under
    /// the limit first, and stops short only when nothing evictable is
    /// left; then a DENYOOM command is refused having changed nothing, and
    /// only the commands Redis lets run over the limit run.
    #[test]
    fn the_limit_holds_after_every_write(
        policy in prop::sample::select(MaxmemoryPolicy::ALL.to_vec()),
        limit in 1u64..6000,
        ops in prop::collection::vec(op_strategy(), 1..80),
    ) {
        let (mut ks, clock) = keyspace(policy);
        ks.config_mut().maxmemory = limit;
        let mut session = crate::command::Session::new();
        for argv in &ops {
            clock.advance(700);
            ks.evict.admitted_at = None;
            let args: Vec<&[u8]> = argv.iter().map(Vec::as_slice).collect();
            let denyoom = crate::command::lookup(args[0]).unwrap().flags
                & crate::command::flags::DENYOOM != 0;
            let reply = session.execute(&mut ks, &args).to_resp2();
            let after = ks.used_memory();
            let max = ks.config().maxmemory as usize;
            let admitted = ks.evict.admitted_at.expect("every command passes admission");
            if reply.starts_with(b"-OOM") {
                prop_assert!(denyoom);
                prop_assert_eq!(after, admitted, "a refused command changed memory");
                prop_assert!(admitted > max && max != 0);
                prop_assert!(!evictable(&ks, policy), "refused with keys left to evict");
            } else if max != 0 && admitted > max {
                prop_assert!(!denyoom, "{:?} ran over the limit", argv[0]);
            } else {
                let added = after.saturating_sub(admitted);
                prop_assert!(max == 0 || after <= max + added);
            }
            ks.validate().map_err(TestCaseError::fail)?;
        }
    }

    /// The typed API: a growing write either fails with OOM having changed
    /// nothing, or ran with memory under the limit at its start.
    #[test]
    fn typed_writes_respect_the_limit(
        policy in prop::sample::select(MaxmemoryPolicy::ALL.to_vec()),
        limit in 1u64..6000,
        writes in prop::collection::vec((0..30u8, 0..300usize, 0..4u8), 1..80),
    ) {
        let (mut ks, _) = keyspace(policy);
        ks.config_mut().maxmemory = limit;
        for (k, n, kind) in writes {
            let key = format!("k{k}").into_bytes();
            let value = vec![b'v'; n];
            ks.evict.admitted_at = None;
            let before = ks.used_memory();
            let outcome = match kind {
                0 => ks.set(&key, &value, &SetOptions::default()).map(drop),
                1 => ks.rpush(&key, &[&value]).map(drop),
                2 => ks.sadd(&key, &[&value]).map(drop),
                _ => ks.setex(&key, 100, &value),
            };
            let after = ks.used_memory();
            match outcome {
                Err(Error::OutOfMemory) => {
                    prop_assert!(ks.evict.admitted_at.is_none());
                    prop_assert!(after <= before, "a refused write grew memory");
                    prop_assert!(after as u64 > limit);
                    prop_assert!(!evictable(&ks, policy), "refused with keys left to evict");
                }
                Err(Error::WrongType) => {}
                Err(e) => return Err(TestCaseError::fail(format!("{e}"))),
                Ok(()) => {
                    let admitted = ks.evict.admitted_at.expect("checked");
                    prop_assert!(admitted as u64 <= limit);
                    prop_assert!(after <= limit as usize + (after - admitted.min(after)));
                }
            }
            ks.validate().map_err(TestCaseError::fail)?;
        }
    }
}

/// Issue 8: filling past the limit with small values keeps a number of
/// keys proportional to the limit at every size, across the key table's
/// doublings (its index and chunks grow late, in small steps, while memory
/// is tight), instead of evicting everything when a doubling would not fit.
#[test]
fn key_count_follows_the_limit_across_table_doublings() {
    let mut bytes_per_key = Vec::new();
    let mut limit = 6_000u64;
    while limit < 1_500_000 {
        let (mut ks, _) = keyspace(MaxmemoryPolicy::AllkeysLru);
        ks.config_mut().maxmemory = limit;
        let fits = limit as usize / 50;
        for i in 0..fits * 2 {
            set(&mut ks, i).unwrap();
            // A write may pass the limit by its own key (and a chunk step);
            // the next one evicts first.
            let used = ks.used_memory() as u64;
            assert!(used <= limit + 8_192, "{limit}: {used} after key {i}");
        }
        let keys = ks.dbsize();
        assert!(keys > 0, "{limit}: every key evicted");
        bytes_per_key.push((limit, limit as f64 / keys as f64));
        ks.validate().unwrap();
        limit = limit * 13 / 10;
    }
    let (min, max) = bytes_per_key
        .iter()
        .fold((f64::MAX, 0f64), |(lo, hi), &(_, b)| (lo.min(b), hi.max(b)));
    assert!(max < min * 1.3, "bytes per key by limit: {bytes_per_key:?}");
}
