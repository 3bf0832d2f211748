//! ZADD's one-pair path (`Keyspace::zadd_one`: the write shortcut, the
//! single skiplist lookup) against the general path (`zadd_many`): two
//! keyspaces run the same random commands, one adding single pairs by
//! `zadd`, the other by `zadd_many`, and must agree after every step on
//! replies and errors, contents and encodings, used memory, the dirty and
//! hit/miss counters, evictions, and every key's access field and TTL.

use std::sync::Arc;

use proptest::prelude::*;

use super::{ZAddOptions, ZRange};
use crate::clock::ManualClock;
use crate::config::{Config, MaxmemoryPolicy};
use crate::expire::ExpireCondition;
use crate::keyspace::Keyspace;

#[derive(Debug, Clone)]
enum Op {
    /// ZADD of one pair (key, score, member, CH).
    Add(u8, f64, u8, bool),
    /// ZADD of two pairs (the general path on both sides).
    AddTwo(u8, f64, u8),
    Score(u8, u8),
    Rem(u8, u8),
    Set(u8),
    Del(u8),
    /// PEXPIRE key ms.
    Expire(u8, u16),
    /// The clock moves on (ms).
    Tick(u16),
}

/// Keys of each class the lookups tell apart: one byte, inline, 15..16
/// bytes (words, not inline) and longer than 16 bytes.
fn key(k: u8) -> &'static [u8] {
    [
        &b"z"[..],
        b"zset:1",
        b"zset-fifteen-bb",
        b"a-sorted-set-key-of-25-by",
    ][usize::from(k % 4)]
}

/// Members: short ones, one past a small listpack value limit, long ones.
fn member(m: u8) -> Vec<u8> {
    match m % 8 {
        0 => b"a".to_vec(),
        1 => b"12".to_vec(),
        2 => b"-7".to_vec(),
        7 => vec![b'L'; 70],
        i => format!("member:{i}").into_bytes(),
    }
}

fn score() -> impl Strategy<Value = f64> {
    prop_oneof![
        (0u8..6).prop_map(f64::from),
        Just(f64::NAN),
        Just(f64::INFINITY),
        Just(f64::NEG_INFINITY),
        Just(-0.0),
        Just(0.5),
        any::<f64>().prop_filter("not NaN", |s| !s.is_nan()),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    let k = 0u8..5;
    let m = 0u8..8;
    prop_oneof![
        6 => (k.clone(), score(), m.clone(), any::<bool>()).prop_map(|(k, s, m, ch)| Op::Add(k, s, m, ch)),
        1 => (k.clone(), score(), m.clone()).prop_map(|(k, s, m)| Op::AddTwo(k, s, m)),
        2 => (k.clone(), m.clone()).prop_map(|(k, m)| Op::Score(k, m)),
        1 => (k.clone(), m).prop_map(|(k, m)| Op::Rem(k, m)),
        1 => k.clone().prop_map(Op::Set),
        1 => k.clone().prop_map(Op::Del),
        1 => (k, 1u16..3000).prop_map(|(k, ms)| Op::Expire(k, ms)),
        1 => (0u16..2000).prop_map(Op::Tick),
    ]
}

/// Listpack limits and memory settings the two keyspaces share.
#[derive(Debug, Clone, Copy)]
struct Setup {
    entries: usize,
    value: usize,
    maxmemory: u64,
    policy: MaxmemoryPolicy,
}

fn setup() -> impl Strategy<Value = Setup> {
    let policy = prop_oneof![
        Just(MaxmemoryPolicy::Noeviction),
        Just(MaxmemoryPolicy::AllkeysLru),
        Just(MaxmemoryPolicy::AllkeysLfu),
        Just(MaxmemoryPolicy::AllkeysRandom),
    ];
    (
        prop_oneof![Just(0usize), Just(1), Just(3), Just(128)],
        prop_oneof![Just(0usize), Just(4), Just(64)],
        prop_oneof![Just(0u64), Just(1), Just(2_000), Just(6_000)],
        policy,
    )
        .prop_map(|(entries, value, maxmemory, policy)| Setup {
            entries,
            value,
            maxmemory,
            policy,
        })
}

fn keyspace(s: Setup, clock: &ManualClock) -> Keyspace {
    let config = Config {
        zset_max_listpack_entries: s.entries,
        zset_max_listpack_value: s.value,
        maxmemory_policy: s.policy,
        ..Config::default()
    };
    let mut ks = Keyspace::with_clock(config, Arc::new(clock.clone()));
    ks.seed_rng(7);
    // The limit is set once the (empty) keyspace exists: its own tables
    // would not fit under the smallest one.
    ks.config_mut().maxmemory = s.maxmemory;
    ks
}

/// Everything observable about one key, read without touching it.
fn key_state(ks: &mut Keyspace, k: &[u8]) -> String {
    let entry = ks.db().get(k).map(|e| (e.lru, e.has_ttl()));
    let ttl = ks.pttl(k);
    let enc = ks.object_encoding(k);
    // The read touches the key on both sides alike (same clock, same
    // seeded random source) and leaves the pending entry alone.
    let items = ks.uncounted(|ks| ks.zrange(k, &ZRange::by_rank(0, -1)));
    format!("{entry:?} {ttl} {enc:?} {items:?}")
}

fn state(ks: &mut Keyspace) -> String {
    let mut out = format!(
        "{:?} mem {} keys {}",
        ks.stats(),
        ks.used_memory(),
        ks.dbsize()
    );
    for k in 0..4 {
        out += &key_state(ks, key(k));
    }
    out
}

/// Runs `op` on `ks`, single pairs added by `zadd` (`fast`) or by the
/// general path; the reply as text.
fn apply(ks: &mut Keyspace, op: &Op, fast: bool, clock: &ManualClock) -> String {
    match *op {
        Op::Add(k, s, m, ch) => {
            let opts = ZAddOptions {
                ch,
                ..ZAddOptions::default()
            };
            let m = member(m);
            let pair = [(s, m.as_slice())];
            let r = match fast {
                true => ks.zadd(key(k), &pair, &opts),
                false => ks.zadd_many(key(k), &pair, &opts),
            };
            format!("{r:?}")
        }
        Op::AddTwo(k, s, m) => {
            let (a, b) = (member(m), member(m.wrapping_add(3)));
            let r = ks.zadd(key(k), &[(s, &a), (1.0, &b)], &ZAddOptions::default());
            format!("{r:?}")
        }
        Op::Score(k, m) => format!("{:?}", ks.zscore(key(k), &member(m))),
        Op::Rem(k, m) => format!("{:?}", ks.zrem(key(k), &[&member(m)])),
        Op::Set(k) => format!("{:?}", ks.set(key(k), b"str", &Default::default())),
        Op::Del(k) => format!("{:?}", ks.del(&[key(k)])),
        Op::Expire(k, ms) => {
            format!(
                "{:?}",
                ks.pexpire(key(k), i64::from(ms), ExpireCondition::ALWAYS)
            )
        }
        Op::Tick(ms) => {
            // Both keyspaces share the clock: only the fast side moves it.
            if fast {
                clock.advance(u64::from(ms));
            }
            String::new()
        }
    }
}

fn run(s: Setup, ops: &[Op]) {
    let clock = ManualClock::new(1_000_000);
    let (mut fast, mut general) = (keyspace(s, &clock), keyspace(s, &clock));
    for (i, op) in ops.iter().enumerate() {
        let a = apply(&mut fast, op, true, &clock);
        let b = apply(&mut general, op, false, &clock);
        assert_eq!(a, b, "step {i}: {op:?}");
        assert_eq!(state(&mut fast), state(&mut general), "step {i}: {op:?}");
    }
    fast.validate().unwrap();
    general.validate().unwrap();
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn one_pair_zadd_agrees_with_the_general_path(
        s in setup(),
        ops in prop::collection::vec(op(), 1..80),
    ) {
        run(s, &ops);
    }
}

#[test]
fn one_pair_zadd_replies() {
    let clock = ManualClock::new(1_000);
    let setup = Setup {
        entries: 2,
        value: 64,
        maxmemory: 0,
        policy: MaxmemoryPolicy::Noeviction,
    };
    let mut ks = keyspace(setup, &clock);
    let o = ZAddOptions::default();
    let ch = ZAddOptions { ch: true, ..o };
    assert_eq!(ks.zadd(b"z", &[(1.0, b"a".as_slice())], &o), Ok(1));
    assert_eq!(ks.zadd(b"z", &[(1.0, b"a".as_slice())], &ch), Ok(0));
    assert_eq!(ks.zadd(b"z", &[(2.0, b"a".as_slice())], &o), Ok(0));
    assert_eq!(ks.zadd(b"z", &[(3.0, b"a".as_slice())], &ch), Ok(1));
    assert_eq!(ks.zadd(b"z", &[(1.0, b"b".as_slice())], &o), Ok(1));
    // The third member converts the listpack; then the skiplist path.
    assert_eq!(ks.zadd(b"z", &[(1.0, b"c".as_slice())], &o), Ok(1));
    assert_eq!(
        ks.object_encoding(b"z").map(|e| e.as_str()),
        Some("skiplist")
    );
    assert_eq!(ks.zadd(b"z", &[(-0.0, b"c".as_slice())], &ch), Ok(1));
    assert_eq!(ks.zadd(b"z", &[(0.0, b"c".as_slice())], &ch), Ok(0));
    let dirty = ks.stats().dirty;
    let nan = ks.zadd(b"z", &[(f64::NAN, b"c".as_slice())], &o);
    assert_eq!(
        nan.unwrap_err().to_string(),
        "ERR resulting score is not a number (NaN)"
    );
    assert_eq!(ks.stats().dirty, dirty);
    // NaN is refused before the key is looked up: no key is created, and
    // no pair of a multi-pair call is added.
    assert!(ks.zadd(b"new", &[(f64::NAN, b"a".as_slice())], &o).is_err());
    let two = [(1.0, b"d".as_slice()), (f64::NAN, b"e".as_slice())];
    assert!(ks.zadd(b"z", &two, &o).is_err());
    assert!(ks.zadd_incr(b"new", f64::NAN, b"a", &o).is_err());
    assert_eq!((ks.stats().dirty, ks.dbsize()), (dirty, 1));
    ks.set(b"s", b"x", &Default::default()).unwrap();
    assert_eq!(
        ks.zadd(b"s", &[(1.0, b"a".as_slice())], &o),
        Err(crate::Error::WrongType)
    );
    assert_eq!(ks.zscore(b"z", b"c"), Ok(Some(0.0)));
    assert_eq!(ks.zcard(b"z"), Ok(3));
    ks.validate().unwrap();
}

#[test]
fn a_limit_set_between_writes_is_enforced() {
    let mut ks = Keyspace::new(Config::default());
    let o = ZAddOptions::default();
    for i in 0..200 {
        let m = format!("m{i}");
        assert_eq!(ks.zadd(b"z", &[(f64::from(i), m.as_bytes())], &o), Ok(1));
    }
    // Under noeviction, over the limit: refused, nothing changed.
    ks.config_mut().maxmemory = 1;
    let used = ks.used_memory();
    let oom = Err(crate::Error::OutOfMemory);
    assert_eq!(ks.zadd(b"z", &[(1.0, b"new".as_slice())], &o), oom);
    assert_eq!(ks.zadd(b"y", &[(1.0, b"new".as_slice())], &o), oom);
    assert_eq!(ks.used_memory(), used);
    ks.config_mut().maxmemory = 0;
    assert_eq!(ks.zadd(b"z", &[(1.0, b"new".as_slice())], &o), Ok(1));
    assert_eq!(ks.zadd(b"z", &[(2.0, b"new2".as_slice())], &o), Ok(1));
    ks.config_set(&[(b"maxmemory", b"1")]).unwrap();
    assert_eq!(ks.zadd(b"z", &[(1.0, b"new3".as_slice())], &o), oom);
    ks.config_set(&[(b"maxmemory", b"0")]).unwrap();
    assert_eq!(ks.zadd(b"z", &[(1.0, b"new3".as_slice())], &o), Ok(1));
    assert_eq!(ks.zcard(b"z"), Ok(203));
    ks.validate().unwrap();
}
