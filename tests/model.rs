//! Model test of the typed keyspace API: random operation sequences run on
//! a [`Keyspace`] with a manual clock and on a naive model (one `BTreeMap`
//! of key -> (value, absolute expiry) per database), comparing every result
//! and calling `Keyspace::validate` after every operation.
//!
//! The model's rules are Redis 7.0.15's, written from its behaviour rather
//! than from embedis's code: a key is live while `now <= deadline`; the
//! EXPIRE family checks option conflicts, then overflow, then the key; a
//! deadline not after now deletes the key.
//!
//! The model keeps logically expired keys until an operation certainly
//! removes or replaces them, so the keyspace's DBSIZE (which counts expired
//! keys not yet reclaimed, lazily or by the active cycle) must lie between
//! the model's live count and its total.

use std::collections::BTreeMap;
use std::sync::Arc;

use embedis::{
    Clock, Config, Error, ExpireCondition, Expiry, Keyspace, ManualClock, SetCondition, SetOptions,
    ValueType,
};
use proptest::prelude::*;

const START_MS: u64 = 1_700_000_000_000;
const START_S: i64 = (START_MS / 1000) as i64;
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

/// Which EXPIRE command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ExpireKind {
    Expire,
    Pexpire,
    Expireat,
    Pexpireat,
}

impl ExpireKind {
    fn name(self) -> &'static str {
        match self {
            ExpireKind::Expire => "expire",
            ExpireKind::Pexpire => "pexpire",
            ExpireKind::Expireat => "expireat",
            ExpireKind::Pexpireat => "pexpireat",
        }
    }

    fn seconds(self) -> bool {
        matches!(self, ExpireKind::Expire | ExpireKind::Expireat)
    }

    fn relative(self) -> bool {
        matches!(self, ExpireKind::Expire | ExpireKind::Pexpire)
    }
}

/// EXPIRE's NX, XX, GT, LT.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Flag {
    Nx,
    Xx,
    Gt,
    Lt,
}

/// Which TTL query.
#[derive(Debug, Clone, Copy)]
enum TtlKind {
    Ttl,
    Pttl,
    ExpireTime,
    PexpireTime,
}

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
    Del(Vec<usize>),
    Exists(Vec<usize>),
    Touch(Vec<usize>),
    Type(usize),
    Rename {
        from: usize,
        to: usize,
        nx: bool,
    },
    Move {
        key: usize,
        db: usize,
    },
    Copy {
        from: usize,
        to: usize,
        db: Option<usize>,
        replace: bool,
    },
    Expire {
        key: usize,
        kind: ExpireKind,
        value: i64,
        flags: Vec<Flag>,
    },
    Persist(usize),
    Ttl(usize, TtlKind),
    ActiveExpire(usize),
    IncrBy {
        key: usize,
        kind: IncrKind,
        by: i64,
    },
    Append {
        key: usize,
        value: usize,
    },
    Strlen(usize),
    GetRange {
        key: usize,
        start: i64,
        end: i64,
    },
    SetRange {
        key: usize,
        offset: i64,
        value: usize,
    },
    GetDel(usize),
    GetSet {
        key: usize,
        value: usize,
    },
    GetEx {
        key: usize,
        expiry: Expiry,
    },
    SetNx {
        key: usize,
        value: usize,
    },
    SetEx {
        key: usize,
        ms: bool,
        time: i64,
        value: usize,
    },
    MSet {
        pairs: Vec<(usize, usize)>,
        nx: bool,
    },
    MGet(Vec<usize>),
}

/// Which counter command.
#[derive(Debug, Clone, Copy)]
enum IncrKind {
    Incr,
    Decr,
    IncrBy,
    DecrBy,
}

fn key() -> impl Strategy<Value = usize> {
    0..KEYS.len()
}

fn keys() -> impl Strategy<Value = Vec<usize>> {
    prop::collection::vec(key(), 1..4)
}

fn expiry() -> impl Strategy<Value = Expiry> {
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
        1 => prop_oneof![Just(0i64), Just(1), (START_S - 2)..(START_S + 4)].prop_map(Expiry::ExAt),
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

fn expire_op() -> impl Strategy<Value = Op> {
    let kind = prop_oneof![
        Just(ExpireKind::Expire),
        Just(ExpireKind::Pexpire),
        Just(ExpireKind::Expireat),
        Just(ExpireKind::Pexpireat),
    ];
    let edge = prop_oneof![
        Just(i64::MAX),
        Just(i64::MIN),
        Just(i64::MAX / 1000),
        Just(i64::MAX / 1000 + 1),
        Just(i64::MIN / 1000),
        Just(i64::MIN / 1000 - 1),
        Just(i64::MAX - START_MS as i64),
        Just(i64::MAX - START_MS as i64 + 1),
    ];
    let near = prop_oneof![-2i64..5, 900i64..1100, 2000i64..3000];
    let flag = prop_oneof![
        Just(Flag::Nx),
        Just(Flag::Xx),
        Just(Flag::Gt),
        Just(Flag::Lt)
    ];
    let flags = prop_oneof![3 => Just(Vec::new()), 2 => prop::collection::vec(flag, 1..3)];
    (key(), kind, prop_oneof![1 => edge, 6 => near], flags).prop_map(|(key, kind, v, flags)| {
        // Absolute kinds get times around the clock's start.
        let value = match kind {
            ExpireKind::Expireat if v.unsigned_abs() < 5000 => START_S + v / 1000,
            ExpireKind::Pexpireat if v.unsigned_abs() < 5000 => START_MS as i64 + v,
            _ => v,
        };
        Op::Expire {
            key,
            kind,
            value,
            flags,
        }
    })
}

fn value() -> impl Strategy<Value = usize> {
    0..VALUES.len()
}

/// Counter and range arguments: small, edge and overflow-prone numbers.
fn number() -> impl Strategy<Value = i64> {
    prop_oneof![
        4 => -5i64..50,
        1 => Just(i64::MAX),
        1 => Just(i64::MIN),
        1 => Just(i64::MAX - 1),
        1 => Just(i64::MIN + 1),
        1 => any::<i64>(),
    ]
}

fn string_op() -> impl Strategy<Value = Op> {
    let kind = prop_oneof![
        Just(IncrKind::Incr),
        Just(IncrKind::Decr),
        Just(IncrKind::IncrBy),
        Just(IncrKind::DecrBy),
    ];
    let offset = prop_oneof![4 => -1i64..60, 1 => Just(536_870_912i64), 1 => Just(i64::MIN)];
    let getex = prop_oneof![
        Just(Expiry::None),
        Just(Expiry::Persist),
        expiry().prop_filter("not for GETEX", |e| *e != Expiry::KeepTtl),
    ];
    let pairs = prop::collection::vec((key(), value()), 1..4);
    prop_oneof![
        4 => (key(), kind, number()).prop_map(|(key, kind, by)| Op::IncrBy { key, kind, by }),
        2 => (key(), value()).prop_map(|(key, value)| Op::Append { key, value }),
        1 => key().prop_map(Op::Strlen),
        2 => (key(), number(), number()).prop_map(|(key, start, end)| Op::GetRange { key, start, end }),
        2 => (key(), offset, value()).prop_map(|(key, offset, value)| Op::SetRange { key, offset, value }),
        1 => key().prop_map(Op::GetDel),
        1 => (key(), value()).prop_map(|(key, value)| Op::GetSet { key, value }),
        2 => (key(), getex).prop_map(|(key, expiry)| Op::GetEx { key, expiry }),
        1 => (key(), value()).prop_map(|(key, value)| Op::SetNx { key, value }),
        2 => (key(), any::<bool>(), prop_oneof![Just(-1i64), Just(0), 1i64..3000, Just(i64::MAX / 1000 + 1), Just(i64::MAX)], value())
            .prop_map(|(key, ms, time, value)| Op::SetEx { key, ms, time, value }),
        2 => (pairs, any::<bool>()).prop_map(|(pairs, nx)| Op::MSet { pairs, nx }),
        1 => keys().prop_map(Op::MGet),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    let db = prop_oneof![5 => 0..DBS, 1 => Just(16usize)];
    let swap_index = prop_oneof![6 => 0..DBS as i64, 1 => Just(-1i64), 1 => Just(16i64)];
    let ttl_kind = prop_oneof![
        Just(TtlKind::Ttl),
        Just(TtlKind::Pttl),
        Just(TtlKind::ExpireTime),
        Just(TtlKind::PexpireTime),
    ];
    prop_oneof![
        4 => prop_oneof![Just(0u64), Just(1), Just(999), Just(1000), Just(1001), 1u64..3000]
            .prop_map(Op::Advance),
        8 => (key(), 0..VALUES.len(), set_options())
            .prop_map(|(key, value, opts)| Op::Set { key, value, opts }),
        4 => key().prop_map(Op::Get),
        2 => db.clone().prop_map(Op::Select),
        1 => (swap_index.clone(), swap_index).prop_map(|(a, b)| Op::SwapDb(a, b)),
        1 => Just(Op::FlushDb),
        1 => Just(Op::FlushAll),
        2 => Just(Op::DbSize),
        2 => keys().prop_map(Op::Del),
        2 => keys().prop_map(Op::Exists),
        1 => keys().prop_map(Op::Touch),
        1 => key().prop_map(Op::Type),
        2 => (key(), key(), any::<bool>()).prop_map(|(from, to, nx)| Op::Rename { from, to, nx }),
        1 => (key(), db.clone()).prop_map(|(key, db)| Op::Move { key, db }),
        1 => (key(), key(), prop::option::of(db), any::<bool>())
            .prop_map(|(from, to, db, replace)| Op::Copy { from, to, db, replace }),
        6 => expire_op(),
        2 => key().prop_map(Op::Persist),
        3 => (key(), ttl_kind).prop_map(|(k, kind)| Op::Ttl(k, kind)),
        1 => prop_oneof![Just(1usize), Just(20), Just(1000)].prop_map(Op::ActiveExpire),
        12 => string_op(),
    ]
}

/// The naive model.
struct Model {
    dbs: Vec<ModelDb>,
    selected: usize,
    clock: ManualClock,
}

/// Redis's `string2ll`: the canonical decimal form of an `i64` and nothing else.
fn canonical_i64(bytes: &[u8]) -> Option<i64> {
    let text = std::str::from_utf8(bytes).ok()?;
    let n: i64 = text.parse().ok()?;
    (n.to_string() == text).then_some(n)
}

fn same_object() -> Error {
    Error::other("ERR source and destination objects are the same")
}

impl Model {
    fn now(&self) -> u64 {
        self.clock.now_ms()
    }

    fn db(&mut self) -> &mut ModelDb {
        &mut self.dbs[self.selected]
    }

    /// The live (unexpired) entry of `key` in database `db`.
    fn live_in(&self, db: usize, key: &[u8]) -> Option<(Vec<u8>, Option<u64>)> {
        let now = self.now();
        self.dbs[db]
            .get(key)
            .filter(|(_, at)| at.is_none_or(|at| now <= at))
            .cloned()
    }

    fn live(&self, key: &[u8]) -> Option<(Vec<u8>, Option<u64>)> {
        self.live_in(self.selected, key)
    }

    fn live_count(&self) -> usize {
        let now = self.now();
        self.dbs[self.selected]
            .values()
            .filter(|(_, at)| at.is_none_or(|at| now <= at))
            .count()
    }

    /// Entries whose deadline has passed, in every database.
    fn expired_count(&self) -> usize {
        let now = self.now();
        self.dbs
            .iter()
            .flat_map(|db| db.values())
            .filter(|(_, at)| at.is_some_and(|at| now > at))
            .count()
    }

    /// Redis's deadline rules for SET's EX/PX/EXAT/PXAT.
    fn set_deadline(&self, expiry: Expiry) -> Result<Option<u64>, Error> {
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
        let deadline = self.set_deadline(opts.expiry)?;
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

    /// DEL: counts live keys; expired entries named are reclaimed too.
    fn del(&mut self, keys: &[&[u8]]) -> usize {
        keys.iter()
            .filter(|k| self.live(k).is_some() & self.db().remove(**k).is_some())
            .count()
    }

    fn rename(&mut self, from: &[u8], to: &[u8], nx: bool) -> Result<bool, Error> {
        if self.live(from).is_none() {
            return Err(Error::NoSuchKey);
        }
        if from == to {
            return Ok(!nx);
        }
        if nx && self.live(to).is_some() {
            return Ok(false);
        }
        let entry = self.db().remove(from).expect("live");
        self.db().insert(to.to_vec(), entry);
        Ok(true)
    }

    fn move_key(&mut self, key: &[u8], db: usize) -> Result<bool, Error> {
        if db >= self.dbs.len() {
            return Err(Error::DbIndexOutOfRange);
        }
        if db == self.selected {
            return Err(same_object());
        }
        if self.live(key).is_none() || self.live_in(db, key).is_some() {
            return Ok(false);
        }
        let entry = self.db().remove(key).expect("live");
        self.dbs[db].insert(key.to_vec(), entry);
        Ok(true)
    }

    fn copy(
        &mut self,
        from: &[u8],
        to: &[u8],
        db: Option<usize>,
        replace: bool,
    ) -> Result<bool, Error> {
        let dst = db.unwrap_or(self.selected);
        if dst >= self.dbs.len() {
            return Err(Error::DbIndexOutOfRange);
        }
        if dst == self.selected && from == to {
            return Err(same_object());
        }
        let Some(entry) = self.live(from) else {
            return Ok(false);
        };
        if self.live_in(dst, to).is_some() && !replace {
            return Ok(false);
        }
        self.dbs[dst].insert(to.to_vec(), entry);
        Ok(true)
    }

    /// The EXPIRE family: option conflicts, then overflow, then the key.
    fn expire(
        &mut self,
        key: &[u8],
        kind: ExpireKind,
        value: i64,
        flags: &[Flag],
    ) -> Result<bool, Error> {
        let has = |f| flags.contains(&f);
        if has(Flag::Nx) && (has(Flag::Xx) || has(Flag::Gt) || has(Flag::Lt)) {
            return Err(Error::other(
                "ERR NX and XX, GT or LT options at the same time are not compatible",
            ));
        }
        if has(Flag::Gt) && has(Flag::Lt) {
            return Err(Error::other(
                "ERR GT and LT options at the same time are not compatible",
            ));
        }
        let bad = Error::InvalidExpireTime(kind.name());
        let mut when = value;
        if kind.seconds() {
            if !(i64::MIN / 1000..=i64::MAX / 1000).contains(&when) {
                return Err(bad);
            }
            when *= 1000;
        }
        let base = if kind.relative() {
            self.now() as i64
        } else {
            0
        };
        if when > i64::MAX - base {
            return Err(bad);
        }
        when += base;
        let Some((_, current)) = self.live(key) else {
            return Ok(false);
        };
        let current = current.map(|c| c as i64);
        let refused = (has(Flag::Nx) && current.is_some())
            || (has(Flag::Xx) && current.is_none())
            || (has(Flag::Gt) && current.is_none_or(|c| when <= c))
            || (has(Flag::Lt) && current.is_some_and(|c| when >= c));
        if refused {
            return Ok(false);
        }
        if when <= self.now() as i64 {
            self.db().remove(key);
        } else {
            self.db().get_mut(key).expect("live").1 = Some(when as u64);
        }
        Ok(true)
    }

    fn persist(&mut self, key: &[u8]) -> bool {
        match self.live(key) {
            Some((_, Some(_))) => {
                self.db().get_mut(key).expect("live").1 = None;
                true
            }
            _ => false,
        }
    }

    /// INCR family: a missing key counts as 0; the TTL is kept.
    fn incr(&mut self, key: &[u8], kind: IncrKind, by: i64) -> Result<i64, Error> {
        let by = match kind {
            IncrKind::Incr => 1,
            IncrKind::Decr => -1,
            IncrKind::IncrBy => by,
            IncrKind::DecrBy if by == i64::MIN => {
                return Err(Error::other("ERR decrement would overflow"));
            }
            IncrKind::DecrBy => -by,
        };
        let (old, ttl) = match self.live(key) {
            None => (0, None),
            Some((v, ttl)) => (canonical_i64(&v).ok_or(Error::NotInteger)?, ttl),
        };
        let new = old.checked_add(by).ok_or(Error::Overflow)?;
        self.db()
            .insert(key.to_vec(), (new.to_string().into_bytes(), ttl));
        Ok(new)
    }

    fn append(&mut self, key: &[u8], value: &[u8]) -> usize {
        let (mut v, ttl) = self.live(key).unwrap_or_default();
        v.extend_from_slice(value);
        let len = v.len();
        self.db().insert(key.to_vec(), (v, ttl));
        len
    }

    fn getrange(&self, key: &[u8], start: i64, end: i64) -> Vec<u8> {
        let Some((v, _)) = self.live(key) else {
            return Vec::new();
        };
        let len = v.len() as i128;
        let (mut start, mut end) = (i128::from(start), i128::from(end));
        if start < 0 && end < 0 && start > end {
            return Vec::new();
        }
        if start < 0 {
            start += len;
        }
        if end < 0 {
            end += len;
        }
        let (start, end) = (start.max(0), end.max(0).min(len - 1));
        if start > end || len == 0 {
            return Vec::new();
        }
        v[start as usize..=end as usize].to_vec()
    }

    fn setrange(&mut self, key: &[u8], offset: i64, value: &[u8]) -> Result<usize, Error> {
        if offset < 0 {
            return Err(Error::OffsetOutOfRange);
        }
        let old = self.live(key);
        if value.is_empty() {
            return Ok(old.map_or(0, |(v, _)| v.len()));
        }
        let offset = offset as u64 as usize;
        if offset as u64 + value.len() as u64 > 512 * 1024 * 1024 {
            return Err(Error::StringTooLong);
        }
        let (mut v, ttl) = old.unwrap_or_default();
        if v.len() < offset + value.len() {
            v.resize(offset + value.len(), 0);
        }
        v[offset..offset + value.len()].copy_from_slice(value);
        let len = v.len();
        self.db().insert(key.to_vec(), (v, ttl));
        Ok(len)
    }

    /// GETEX: the time is checked only when the key exists; a deadline not
    /// after now deletes the key (its value is still returned).
    fn getex(&mut self, key: &[u8], expiry: Expiry) -> Result<Option<Vec<u8>>, Error> {
        let Some((v, _)) = self.live(key) else {
            return Ok(None);
        };
        let deadline = self
            .set_deadline(expiry)
            .map_err(|_| Error::InvalidExpireTime("getex"))?;
        if let Some(when) = deadline {
            if when <= self.now() {
                self.db().remove(key);
            } else {
                self.db().insert(key.to_vec(), (v.clone(), Some(when)));
            }
        } else if expiry == Expiry::Persist {
            self.db().insert(key.to_vec(), (v.clone(), None));
        }
        Ok(Some(v))
    }

    fn setex(&mut self, key: &[u8], ms: bool, time: i64, value: &[u8]) -> Result<(), Error> {
        let expiry = if ms {
            Expiry::Px(time)
        } else {
            Expiry::Ex(time)
        };
        let name = if ms { "psetex" } else { "setex" };
        let when = self
            .set_deadline(expiry)
            .map_err(|_| Error::InvalidExpireTime(name))?;
        self.db().insert(key.to_vec(), (value.to_vec(), when));
        Ok(())
    }

    /// MSET / MSETNX (which sets nothing when any key is live).
    fn mset(&mut self, pairs: &[(&[u8], &[u8])], nx: bool) -> bool {
        if nx && pairs.iter().any(|(k, _)| self.live(k).is_some()) {
            return false;
        }
        for (k, v) in pairs {
            self.db().insert(k.to_vec(), (v.to_vec(), None));
        }
        true
    }

    fn ttl(&self, key: &[u8], kind: TtlKind) -> i64 {
        let at = match self.live(key) {
            None => return -2,
            Some((_, None)) => return -1,
            Some((_, Some(at))) => at as i64,
        };
        let left = (at - self.now() as i64).max(0);
        // Redis rounds to seconds as `(ms + 500) / 1000` and, as the
        // oracle shows for a deadline of i64::MAX ms, without wrapping.
        let round = |ms: i64| ((i128::from(ms) + 500) / 1000) as i64;
        match kind {
            TtlKind::Ttl => round(left),
            TtlKind::Pttl => left,
            TtlKind::ExpireTime => round(at),
            TtlKind::PexpireTime => at,
        }
    }
}

/// Runs `ops` on both sides, checking each result.
fn run(ops: &[Op], config: Config) -> Result<(), TestCaseError> {
    let clock = ManualClock::new(START_MS);
    let mut ks = Keyspace::with_clock(config, Arc::new(clock.clone()));
    ks.seed_rng(7);
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
        if ks.selected_db() != m.selected {
            return Err(TestCaseError::fail(format!(
                "op {i}: selected db {} vs {}",
                ks.selected_db(),
                m.selected
            )));
        }
    }
    sweep(&mut ks, &mut m)
}

/// `Ok` when `got == want`, comparing errors by their reply text.
fn same<T: PartialEq + std::fmt::Debug>(
    got: Result<T, Error>,
    want: Result<T, Error>,
) -> Result<(), String> {
    let (got, want) = (
        got.map_err(|e| e.to_string()),
        want.map_err(|e| e.to_string()),
    );
    if got == want {
        Ok(())
    } else {
        Err(format!("keyspace {got:?}, model {want:?}"))
    }
}

fn names(keys: &[usize]) -> Vec<&'static [u8]> {
    keys.iter().map(|&k| KEYS[k]).collect()
}

fn step(ks: &mut Keyspace, m: &mut Model, op: &Op) -> Result<(), String> {
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
        _ => step_keys(ks, m, op)?,
    }
    Ok(())
}

fn step_keys(ks: &mut Keyspace, m: &mut Model, op: &Op) -> Result<(), String> {
    match op {
        Op::Del(keys) => same(Ok(ks.del(&names(keys))), Ok(m.del(&names(keys)))),
        Op::Exists(keys) | Op::Touch(keys) => {
            let want = keys.iter().filter(|&&k| m.live(KEYS[k]).is_some()).count();
            let got = if matches!(op, Op::Exists(_)) {
                ks.exists(&names(keys))
            } else {
                ks.touch(&names(keys))
            };
            same(Ok(got), Ok(want))
        }
        Op::Type(key) => {
            let want = m.live(KEYS[*key]).map(|_| ValueType::String);
            same(Ok(ks.type_of(KEYS[*key])), Ok(want))
        }
        Op::Rename {
            from,
            to,
            nx: false,
        } => {
            let got = ks.rename(KEYS[*from], KEYS[*to]).map(|()| true);
            same(got, m.rename(KEYS[*from], KEYS[*to], false))
        }
        Op::Rename { from, to, nx: true } => same(
            ks.renamenx(KEYS[*from], KEYS[*to]),
            m.rename(KEYS[*from], KEYS[*to], true),
        ),
        Op::Move { key, db } => same(ks.move_key(KEYS[*key], *db), m.move_key(KEYS[*key], *db)),
        Op::Copy {
            from,
            to,
            db,
            replace,
        } => {
            let (f, t) = (KEYS[*from], KEYS[*to]);
            same(ks.copy(f, t, *db, *replace), m.copy(f, t, *db, *replace))
        }
        Op::Expire {
            key,
            kind,
            value,
            flags,
        } => {
            let cond = flags.iter().fold(ExpireCondition::ALWAYS, |c, f| {
                c | match f {
                    Flag::Nx => ExpireCondition::NX,
                    Flag::Xx => ExpireCondition::XX,
                    Flag::Gt => ExpireCondition::GT,
                    Flag::Lt => ExpireCondition::LT,
                }
            });
            let k = KEYS[*key];
            let got = match kind {
                ExpireKind::Expire => ks.expire(k, *value, cond),
                ExpireKind::Pexpire => ks.pexpire(k, *value, cond),
                ExpireKind::Expireat => ks.expireat(k, *value, cond),
                ExpireKind::Pexpireat => ks.pexpireat(k, *value, cond),
            };
            same(got, m.expire(k, *kind, *value, flags))
        }
        Op::Persist(key) => same(Ok(ks.persist(KEYS[*key])), Ok(m.persist(KEYS[*key]))),
        Op::Ttl(key, kind) => {
            let k = KEYS[*key];
            let got = match kind {
                TtlKind::Ttl => ks.ttl(k),
                TtlKind::Pttl => ks.pttl(k),
                TtlKind::ExpireTime => ks.expiretime(k),
                TtlKind::PexpireTime => ks.pexpiretime(k),
            };
            same(Ok(got), Ok(m.ttl(k, *kind)))
        }
        Op::ActiveExpire(budget) => {
            let expired = m.expired_count();
            let deleted = ks.active_expire_cycle(*budget);
            if deleted > expired {
                return Err(format!(
                    "active cycle deleted {deleted} keys, only {expired} were expired"
                ));
            }
            Ok(())
        }
        _ => step_strings(ks, m, op),
    }
}

fn step_strings(ks: &mut Keyspace, m: &mut Model, op: &Op) -> Result<(), String> {
    match op {
        Op::IncrBy { key, kind, by } => {
            let k = KEYS[*key];
            let got = match kind {
                IncrKind::Incr => ks.incr(k),
                IncrKind::Decr => ks.decr(k),
                IncrKind::IncrBy => ks.incrby(k, *by),
                IncrKind::DecrBy => ks.decrby(k, *by),
            };
            same(got, m.incr(k, *kind, *by))
        }
        Op::Append { key, value } => same(
            ks.append(KEYS[*key], VALUES[*value]),
            Ok(m.append(KEYS[*key], VALUES[*value])),
        ),
        Op::Strlen(key) => same(
            ks.strlen(KEYS[*key]),
            Ok(m.live(KEYS[*key]).map_or(0, |(v, _)| v.len())),
        ),
        Op::GetRange { key, start, end } => same(
            ks.getrange(KEYS[*key], *start, *end),
            Ok(m.getrange(KEYS[*key], *start, *end)),
        ),
        Op::SetRange { key, offset, value } => same(
            ks.setrange(KEYS[*key], *offset, VALUES[*value]),
            m.setrange(KEYS[*key], *offset, VALUES[*value]),
        ),
        Op::GetDel(key) => {
            let want = m.live(KEYS[*key]).map(|(v, _)| v);
            if want.is_some() {
                m.db().remove(KEYS[*key]);
            }
            same(ks.getdel(KEYS[*key]), Ok(want))
        }
        Op::GetSet { key, value } => {
            let want = m.live(KEYS[*key]).map(|(v, _)| v);
            m.db()
                .insert(KEYS[*key].to_vec(), (VALUES[*value].to_vec(), None));
            same(ks.getset(KEYS[*key], VALUES[*value]), Ok(want))
        }
        Op::GetEx { key, expiry } => {
            same(ks.getex(KEYS[*key], *expiry), m.getex(KEYS[*key], *expiry))
        }
        Op::SetNx { key, value } => {
            let pairs = [(KEYS[*key], VALUES[*value])];
            same(
                ks.setnx(KEYS[*key], VALUES[*value]),
                Ok(m.mset(&pairs, true)),
            )
        }
        Op::SetEx {
            key,
            ms,
            time,
            value,
        } => {
            let (k, v) = (KEYS[*key], VALUES[*value]);
            let got = if *ms {
                ks.psetex(k, *time, v)
            } else {
                ks.setex(k, *time, v)
            };
            same(got, m.setex(k, *ms, *time, v))
        }
        Op::MSet { pairs, nx } => {
            let pairs: Vec<(&[u8], &[u8])> =
                pairs.iter().map(|&(k, v)| (KEYS[k], VALUES[v])).collect();
            let got = if *nx {
                ks.msetnx(&pairs)
            } else {
                ks.mset(&pairs).map(|()| true)
            };
            same(got, Ok(m.mset(&pairs, *nx)))
        }
        Op::MGet(keys) => {
            let want: Vec<_> = keys
                .iter()
                .map(|&k| m.live(KEYS[k]).map(|(v, _)| v))
                .collect();
            same(Ok(ks.mget(&names(keys))), Ok(want))
        }
        _ => unreachable!("handled in step or step_keys"),
    }
}

/// Compares every key of every database used, then DBSIZE once all expired
/// keys have been looked up (and so reclaimed).
fn sweep(ks: &mut Keyspace, m: &mut Model) -> Result<(), TestCaseError> {
    let selected = m.selected;
    for db in 0..DBS.min(ks.databases()) {
        ks.select(db).unwrap();
        m.selected = db;
        for key in KEYS {
            let want = m.live(key).map(|(v, _)| v);
            prop_assert_eq!(ks.get(key).unwrap(), want, "db {} key {:?}", db, key);
            prop_assert_eq!(
                ks.pttl(key),
                m.ttl(key, TtlKind::Pttl),
                "db {} key {:?}",
                db,
                key
            );
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
        run(&ops, Config::default())?;
    }

    /// With `cluster-enabled` the keyspace also keeps a per-slot key index,
    /// which `validate` checks after every operation. Operations that name
    /// another database are left out (cluster mode refuses them).
    #[test]
    fn cluster_keyspace_matches_model(ops in prop::collection::vec(single_db_op(), 1..80)) {
        let mut config = Config::default();
        config.cluster_enabled = true;
        // One database keeps `validate` (which sums every slot count) cheap.
        config.databases = 1;
        run(&ops, config)?;
    }
}

/// [`op`] without the operations that use databases other than 0.
fn single_db_op() -> impl Strategy<Value = Op> {
    op().prop_filter("uses another database", |op| {
        !matches!(
            op,
            Op::Select(_) | Op::SwapDb(..) | Op::Move { .. } | Op::Copy { db: Some(_), .. }
        )
    })
}
