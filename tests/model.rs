//! Model test of the typed keyspace API: random operation sequences run on
//! a [`Keyspace`] with a manual clock and on a naive model (one `BTreeMap`
//! of key -> (value, absolute expiry) per database), comparing every result
//! and calling `Keyspace::validate` after every operation.
//!
//! The model keeps logically expired keys until an operation removes or
//! replaces them, so the keyspace's DBSIZE (which counts expired keys not
//! yet reclaimed) must lie between the model's live count and its total.

use std::collections::BTreeMap;
use std::sync::Arc;

use embedis::{Config, Error, Expiry, Keyspace, ManualClock, SetCondition, SetOptions};
use proptest::prelude::*;

const START_MS: u64 = 1_700_000_000_000;
/// Databases the generated operations use (the keyspace has the default 16).
const DBS: usize = 3;
const KEYS: &[&[u8]] = &[b"a", b"b", b"c", b"\x00k"];
const VALUES: &[&[u8]] = &[
    b"",
    b"v",
    b"0",
    b"1",
    b"-1",
    b"-0",
    b"+1",
    b" 1",
    b"01",
    b"9223372036854775807",
    b"-9223372036854775808",
    b"9223372036854775808",
    b"12345678901234567890",
    b"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
    b"yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy",
    b"\x00\xff",
];

/// One database of the model: key -> (value, absolute expiry in Unix ms).
type ModelDb = BTreeMap<Vec<u8>, (Vec<u8>, Option<u64>)>;

#[derive(Debug, Clone)]
enum Op {
    Advance(u64),
    Set {
        key: usize,
        value: usize,
        opts: SetOptions,
    },
    Get(usize),
    Select(usize),
    SwapDb(i64, i64),
    FlushDb,
    FlushAll,
    DbSize,
}

fn key() -> impl Strategy<Value = usize> {
    0..KEYS.len()
}

fn expiry() -> impl Strategy<Value = Expiry> {
    let start_s = (START_MS / 1000) as i64;
    let start_ms = START_MS as i64;
    let relative = prop_oneof![
        Just(-1i64),
        Just(0),
        1i64..4,
        Just(1000),
        Just(i64::MAX),
        Just(i64::MAX / 1000),
        Just(i64::MAX / 1000 + 1),
    ];
    prop_oneof![
        3 => Just(Expiry::None),
        1 => Just(Expiry::KeepTtl),
        1 => relative.clone().prop_map(Expiry::Ex),
        2 => prop_oneof![relative, 1i64..3000].prop_map(Expiry::Px),
        1 => prop_oneof![Just(0i64), Just(1), (start_s - 2)..(start_s + 4)].prop_map(Expiry::ExAt),
        1 => prop_oneof![Just(-5i64), Just(i64::MAX), (start_ms - 2)..(start_ms + 3000)]
            .prop_map(Expiry::PxAt),
    ]
}

fn set_options() -> impl Strategy<Value = SetOptions> {
    let cond = prop_oneof![
        2 => Just(SetCondition::Always),
        1 => Just(SetCondition::IfAbsent),
        1 => Just(SetCondition::IfPresent),
    ];
    (cond, expiry(), any::<bool>()).prop_map(|(condition, expiry, get)| SetOptions {
        condition,
        expiry,
        get,
    })
}

fn op() -> impl Strategy<Value = Op> {
    let db = prop_oneof![5 => 0..DBS, 1 => Just(16usize)];
    let swap_index = prop_oneof![6 => 0..DBS as i64, 1 => Just(-1i64), 1 => Just(16i64)];
    prop_oneof![
        3 => prop_oneof![Just(0u64), Just(1), Just(999), Just(1000), Just(1001), 1u64..3000]
            .prop_map(Op::Advance),
        8 => (key(), 0..VALUES.len(), set_options())
            .prop_map(|(key, value, opts)| Op::Set { key, value, opts }),
        5 => key().prop_map(Op::Get),
        2 => db.prop_map(Op::Select),
        1 => (swap_index.clone(), swap_index).prop_map(|(a, b)| Op::SwapDb(a, b)),
        1 => Just(Op::FlushDb),
        1 => Just(Op::FlushAll),
        2 => Just(Op::DbSize),
    ]
}

/// The naive model.
struct Model {
    dbs: Vec<ModelDb>,
    selected: usize,
    clock: ManualClock,
}

impl Model {
    fn now(&self) -> u64 {
        use embedis::Clock;
        self.clock.now_ms()
    }

    fn db(&mut self) -> &mut ModelDb {
        &mut self.dbs[self.selected]
    }

    /// The live (unexpired) entry of `key`; expired entries stay put.
    fn live(&mut self, key: &[u8]) -> Option<(Vec<u8>, Option<u64>)> {
        let now = self.now();
        self.db()
            .get(key)
            .filter(|(_, at)| at.is_none_or(|at| now <= at))
            .cloned()
    }

    fn live_count(&mut self) -> usize {
        let now = self.now();
        self.db()
            .values()
            .filter(|(_, at)| at.is_none_or(|at| now <= at))
            .count()
    }

    /// Redis's deadline rules for SET's EX/PX/EXAT/PXAT.
    fn deadline(&self, expiry: Expiry) -> Result<Option<u64>, Error> {
        let bad = Error::InvalidExpireTime("set");
        let (v, relative, seconds) = match expiry {
            Expiry::Ex(v) => (v, true, true),
            Expiry::Px(v) => (v, true, false),
            Expiry::ExAt(v) => (v, false, true),
            Expiry::PxAt(v) => (v, false, false),
            _ => return Ok(None),
        };
        if v <= 0 || (seconds && v > i64::MAX / 1000) {
            return Err(bad);
        }
        let ms = if seconds { v * 1000 } else { v };
        let when = if relative {
            ms.checked_add(self.now() as i64).ok_or(bad)?
        } else {
            ms
        };
        Ok(Some(when as u64))
    }

    fn set(
        &mut self,
        key: &[u8],
        value: &[u8],
        opts: &SetOptions,
    ) -> Result<(bool, Option<Vec<u8>>), Error> {
        let deadline = self.deadline(opts.expiry)?;
        let old = self.live(key);
        let refused = match opts.condition {
            SetCondition::Always => false,
            SetCondition::IfAbsent => old.is_some(),
            SetCondition::IfPresent => old.is_none(),
        };
        let old_value = if opts.get {
            old.as_ref().map(|(v, _)| v.clone())
        } else {
            None
        };
        if refused {
            return Ok((false, old_value));
        }
        let kept = if opts.expiry == Expiry::KeepTtl {
            old.and_then(|(_, at)| at)
        } else {
            None
        };
        self.db()
            .insert(key.to_vec(), (value.to_vec(), deadline.or(kept)));
        Ok((true, old_value))
    }
}

/// Runs `ops` on both sides, checking each result.
fn run(ops: &[Op]) -> Result<(), TestCaseError> {
    let clock = ManualClock::new(START_MS);
    let mut ks = Keyspace::with_clock(Config::default(), Arc::new(clock.clone()));
    let mut m = Model {
        dbs: vec![ModelDb::new(); 16],
        selected: 0,
        clock: clock.clone(),
    };
    for (i, op) in ops.iter().enumerate() {
        step(&mut ks, &mut m, op)
            .map_err(|e| TestCaseError::fail(format!("op {i} {op:?}: {e}")))?;
        ks.validate()
            .map_err(|e| TestCaseError::fail(format!("invalid after op {i} {op:?}: {e}")))?;
    }
    sweep(&mut ks, &mut m)
}

fn step(ks: &mut Keyspace, m: &mut Model, op: &Op) -> Result<(), String> {
    fn same<T: PartialEq + std::fmt::Debug>(got: T, want: T) -> Result<(), String> {
        if got == want {
            Ok(())
        } else {
            Err(format!("keyspace {got:?}, model {want:?}"))
        }
    }
    match op {
        Op::Advance(ms) => m.clock.advance(*ms),
        Op::Set { key, value, opts } => {
            let got = ks
                .set(KEYS[*key], VALUES[*value], opts)
                .map(|o| (o.written, o.old));
            same(got, m.set(KEYS[*key], VALUES[*value], opts))?;
        }
        Op::Get(key) => same(ks.get(KEYS[*key]), Ok(m.live(KEYS[*key]).map(|(v, _)| v)))?,
        Op::Select(db) => {
            let want = if *db < 16 {
                Ok(())
            } else {
                Err(Error::DbIndexOutOfRange)
            };
            if want.is_ok() {
                m.selected = *db;
            }
            same(ks.select(*db), want)?;
        }
        Op::SwapDb(a, b) => {
            let ok = (0..16).contains(a) && (0..16).contains(b);
            if ok {
                m.dbs.swap(*a as usize, *b as usize);
            }
            same(
                ks.swapdb(*a, *b),
                if ok {
                    Ok(())
                } else {
                    Err(Error::DbIndexOutOfRange)
                },
            )?;
        }
        Op::FlushDb => {
            m.db().clear();
            ks.flushdb();
        }
        Op::FlushAll => {
            m.dbs.iter_mut().for_each(BTreeMap::clear);
            ks.flushall();
        }
        Op::DbSize => {
            let (live, total) = (m.live_count(), m.db().len());
            let got = ks.dbsize();
            if got < live || got > total {
                return Err(format!("dbsize {got} outside model's {live}..={total}"));
            }
        }
    }
    same(ks.selected_db(), m.selected)
}

/// Compares every key of every database used, then DBSIZE once all expired
/// keys have been looked up (and so reclaimed).
fn sweep(ks: &mut Keyspace, m: &mut Model) -> Result<(), TestCaseError> {
    let selected = m.selected;
    for db in 0..DBS {
        ks.select(db).unwrap();
        m.selected = db;
        for key in KEYS {
            let want = m.live(key).map(|(v, _)| v);
            prop_assert_eq!(ks.get(key).unwrap(), want, "db {} key {:?}", db, key);
        }
        let live = m.live_count();
        prop_assert_eq!(ks.dbsize(), live, "db {} size after touching every key", db);
    }
    ks.select(selected).unwrap();
    m.selected = selected;
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn keyspace_matches_model(ops in prop::collection::vec(op(), 1..80)) {
        run(&ops)?;
    }
}
