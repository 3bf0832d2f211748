use std::sync::Arc;

use super::*;
use crate::clock::{Clock, ManualClock};
use crate::config::Config;

const T0: u64 = 1_700_000_000_000;

fn ks() -> (Keyspace, ManualClock) {
    let clock = ManualClock::new(T0);
    let mut ks = Keyspace::with_clock(Config::default(), Arc::new(clock.clone()));
    ks.seed_rng(7);
    (ks, clock)
}

fn put(ks: &mut Keyspace, key: &str) {
    ks.set(key.as_bytes(), b"v", &Default::default()).unwrap();
}

#[test]
fn conditions() {
    let (mut ks, _) = ks();
    put(&mut ks, "k");
    assert_eq!(
        ks.expire(b"k", 100, ExpireCondition::GT),
        Ok(false),
        "GT on no TTL fails"
    );
    assert_eq!(ks.expire(b"k", 100, ExpireCondition::XX), Ok(false));
    assert_eq!(
        ks.expire(b"k", 100, ExpireCondition::LT),
        Ok(true),
        "LT on no TTL succeeds"
    );
    assert_eq!(ks.expire(b"k", 200, ExpireCondition::NX), Ok(false));
    assert_eq!(
        ks.expire(b"k", 100, ExpireCondition::GT),
        Ok(false),
        "equal fails GT"
    );
    assert_eq!(
        ks.expire(b"k", 100, ExpireCondition::LT),
        Ok(false),
        "equal fails LT"
    );
    assert_eq!(
        ks.expire(b"k", 200, ExpireCondition::XX | ExpireCondition::GT),
        Ok(true)
    );
    assert_eq!(ks.ttl(b"k"), 200);
    assert_eq!(
        ks.expire(b"k", 50, ExpireCondition::XX | ExpireCondition::LT),
        Ok(true)
    );
    assert_eq!(ks.pttl(b"k"), 50_000);
    assert!(
        ks.expire(b"k", 1, ExpireCondition::GT | ExpireCondition::LT)
            .is_err()
    );
    assert!(
        ks.expire(b"k", 1, ExpireCondition::NX | ExpireCondition::XX)
            .is_err()
    );
    assert_eq!(ks.expire(b"nokey", 1, ExpireCondition::ALWAYS), Ok(false));
    ks.validate().unwrap();
}

#[test]
fn past_deadlines_delete_and_overflow_errors() {
    let (mut ks, _) = ks();
    put(&mut ks, "k");
    assert_eq!(
        ks.pexpireat(b"k", i64::try_from(T0).unwrap(), ExpireCondition::ALWAYS),
        Ok(true)
    );
    assert_eq!(ks.dbsize(), 0, "deadline == now deletes at once");
    assert_eq!(ks.stats().expired_keys, 0);
    put(&mut ks, "k");
    assert_eq!(ks.expire(b"k", -5, ExpireCondition::ALWAYS), Ok(true));
    assert_eq!(ks.ttl(b"k"), -2);
    put(&mut ks, "k");
    assert_eq!(
        ks.expire(b"k", i64::MAX / 1000 + 1, ExpireCondition::ALWAYS),
        Err(Error::InvalidExpireTime("expire"))
    );
    assert_eq!(
        ks.pexpire(b"k", i64::MAX, ExpireCondition::ALWAYS),
        Err(Error::InvalidExpireTime("pexpire"))
    );
    assert_eq!(
        ks.expireat(b"k", i64::MIN, ExpireCondition::ALWAYS),
        Err(Error::InvalidExpireTime("expireat"))
    );
    assert_eq!(
        ks.pexpireat(b"k", i64::MAX, ExpireCondition::ALWAYS),
        Ok(true)
    );
    assert_eq!(ks.pexpiretime(b"k"), i64::MAX);
    assert_eq!(ks.expiretime(b"k"), 9_223_372_036_854_776);
    ks.validate().unwrap();
}

#[test]
fn ttl_rounding_and_strict_expiry() {
    let (mut ks, clock) = ks();
    put(&mut ks, "k");
    ks.pexpire(b"k", 1_499, ExpireCondition::ALWAYS).unwrap();
    assert_eq!(ks.ttl(b"k"), 1);
    ks.pexpire(b"k", 1_500, ExpireCondition::ALWAYS).unwrap();
    assert_eq!(ks.ttl(b"k"), 2);
    clock.advance(1_500);
    assert_eq!(ks.pttl(b"k"), 0, "alive at the exact deadline");
    assert_eq!(ks.ttl(b"k"), 0);
    clock.advance(1);
    assert_eq!(ks.pttl(b"k"), -2);
    assert_eq!(ks.stats().expired_keys, 1);
    put(&mut ks, "p");
    assert_eq!(ks.ttl(b"p"), -1);
    assert!(!ks.persist(b"p"));
    ks.expire(b"p", 10, ExpireCondition::ALWAYS).unwrap();
    assert!(ks.persist(b"p"));
    assert_eq!(ks.pexpiretime(b"p"), -1);
    ks.validate().unwrap();
}

#[test]
fn active_cycle_reclaims_expired_keys_only() {
    let (mut ks, clock) = ks();
    for i in 0..300 {
        let key = format!("k{i}");
        put(&mut ks, &key);
        if i % 3 != 0 {
            ks.pexpire(
                key.as_bytes(),
                10 + i64::from(i % 2) * 1_000_000,
                ExpireCondition::ALWAYS,
            )
            .unwrap();
        }
    }
    ks.select(3).unwrap();
    for i in 0..50 {
        let key = format!("d3:{i}");
        put(&mut ks, &key);
        ks.pexpire(key.as_bytes(), 10, ExpireCondition::ALWAYS)
            .unwrap();
    }
    ks.select(0).unwrap();
    // Keys with i % 3 != 0 have a TTL: short for even i, long for odd i.
    let short: usize = (0..300).filter(|i| i % 3 != 0 && i % 2 == 0).count();
    assert_eq!(ks.active_expire_cycle(1_000), 0, "nothing expired yet");
    clock.advance(11);
    let mut total = 0;
    let mut calls = 0;
    while total < short + 50 {
        let n = ks.active_expire_cycle(25);
        total += n;
        calls += 1;
        ks.validate().unwrap();
        assert!(calls < 200, "cycle makes progress");
    }
    assert_eq!(total, short + 50);
    assert_eq!(ks.active_expire_cycle(10_000), 0);
    assert_eq!(ks.dbsize(), 300 - short);
    assert_eq!(ks.stats().expired_keys, (short + 50) as u64);
    ks.select(3).unwrap();
    assert_eq!(ks.dbsize(), 0);
}

#[test]
fn active_cycle_respects_budget_and_stale_threshold() {
    let (mut ks, clock) = ks();
    for i in 0..100 {
        let key = format!("k{i}");
        put(&mut ks, &key);
        ks.pexpire(key.as_bytes(), 5, ExpireCondition::ALWAYS)
            .unwrap();
    }
    clock.advance(6);
    assert_eq!(ks.active_expire_cycle(0), 0);
    assert_eq!(ks.active_expire_cycle(7), 7, "budget caps the samples");
    // All sampled keys are expired, so the loop repeats until the budget ends.
    assert_eq!(ks.active_expire_cycle(1_000), 93);
    // Mostly live keys: one loop of 20 samples, no repeat (1 of 20 <= 10%).
    for i in 0..100 {
        let key = format!("live{i}");
        put(&mut ks, &key);
        ks.pexpire(
            key.as_bytes(),
            if i == 0 { 1 } else { 1_000_000 },
            ExpireCondition::ALWAYS,
        )
        .unwrap();
    }
    clock.advance(2);
    let before = ks.dbsize();
    let deleted = ks.active_expire_cycle(1_000);
    assert!(deleted <= 1);
    assert_eq!(ks.dbsize(), before - deleted);
    ks.validate().unwrap();
}

mod model {
    use std::collections::BTreeMap;

    use proptest::prelude::*;

    use super::*;

    #[derive(Debug, Clone)]
    enum Op {
        /// SET key, optionally with a relative TTL in ms.
        Set(u8, Option<u16>),
        Advance(u16),
        Cycle(u8),
        Persist(u8),
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            4 => (0u8..40, proptest::option::of(1u16..500)).prop_map(|(k, t)| Op::Set(k, t)),
            2 => (0u16..300).prop_map(Op::Advance),
            2 => (0u8..60).prop_map(Op::Cycle),
            1 => (0u8..40).prop_map(Op::Persist),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(150))]

        /// The active cycle deletes only logically expired keys, never
        /// changes what a lookup sees, and keeps the indexes consistent.
        #[test]
        fn active_cycle_only_reclaims_expired_keys(ops in proptest::collection::vec(op(), 1..80)) {
            let (mut ks, clock) = ks();
            // Model: key -> absolute deadline (0 = none).
            let mut model: BTreeMap<u8, u64> = BTreeMap::new();
            for op in ops {
                let now = clock.now_ms();
                match op {
                    Op::Set(k, ttl) => {
                        put(&mut ks, &format!("k{k}"));
                        let mut deadline = 0;
                        if let Some(t) = ttl {
                            ks.pexpire(format!("k{k}").as_bytes(), i64::from(t), ExpireCondition::ALWAYS).unwrap();
                            deadline = now + u64::from(t);
                        }
                        model.insert(k, deadline);
                    }
                    Op::Advance(ms) => clock.advance(u64::from(ms)),
                    Op::Persist(k) => {
                        let live = model.get(&k).is_some_and(|&d| d == 0 || now <= d);
                        let had_ttl = live && model[&k] != 0;
                        prop_assert_eq!(ks.persist(format!("k{k}").as_bytes()), had_ttl);
                        if live {
                            model.insert(k, 0);
                        } else {
                            model.remove(&k);
                        }
                    }
                    Op::Cycle(budget) => {
                        let before = ks.dbsize();
                        let deleted = ks.active_expire_cycle(usize::from(budget));
                        prop_assert!(deleted <= usize::from(budget));
                        prop_assert_eq!(ks.dbsize(), before - deleted);
                    }
                }
                ks.validate().map_err(TestCaseError::fail)?;
                // Every key the model says is live is stored, with its deadline.
                let now = clock.now_ms();
                for (k, &d) in &model {
                    if d == 0 || now <= d {
                        let want = if d == 0 { -1 } else { i64::try_from(d).unwrap() };
                        prop_assert_eq!(ks.pexpiretime(format!("k{k}").as_bytes()), want);
                    }
                }
            }
            // Finally a big cycle leaves exactly the live keys.
            let now = clock.now_ms();
            ks.active_expire_cycle(100_000);
            let live = model.values().filter(|&&d| d == 0 || now <= d).count();
            prop_assert_eq!(ks.dbsize(), live);
        }
    }
}
