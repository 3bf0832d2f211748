//! Strings: the value type and the typed string commands (Redis's `string`
//! group: GET, SET and variants, MGET/MSET, the INCR family, APPEND,
//! GETRANGE/SETRANGE, LCS).
//!
//! # Encodings
//!
//! Redis picks a string's encoding when a whole value is stored (SET, MSET,
//! GETSET, ...): `int` when the bytes are a canonical `i64` of at most 20
//! characters, else `embstr` up to 44 bytes, else `raw`. In-place edits
//! (APPEND, SETRANGE, SETBIT, ...) always leave `raw`, and a `raw` string
//! never becomes `embstr` again until it is overwritten. INCR-family results
//! are `int`; INCRBYFLOAT results are `embstr`/`raw` (never `int`).
//!
//! Checked against redis-server 7.0.15: APPEND to a missing key stores the
//! argument as SET would (`APPEND k 12` gives `int`), while APPEND to an
//! existing key, even of an empty string, leaves `raw`. SETRANGE always
//! leaves `raw` except when the value is empty (nothing changes).
//!
//! # TTLs
//!
//! Whole-value writes (SET, GETSET, MSET, SETEX, ...) drop the TTL unless
//! `KEEPTTL`; in-place edits (APPEND, SETRANGE, the INCR family and
//! INCRBYFLOAT) keep it.
//!
//! # Thresholds
//!
//! 44 bytes: the robj (16) + sdshdr8 (3) + 44 + NUL fill a 64-byte jemalloc
//! class, Redis's embstr limit. 20 characters: the longest `i64`.

use crate::error::{Error, Result};
use crate::keyspace::{Entry, Keyspace};
use crate::util::float::incr_long_double;
use crate::util::num;
use crate::value::Value;

mod lcs;
mod value;

pub use lcs::{LcsIdx, LcsMatch};
pub(crate) use lcs::{LcsResult, LcsWant, lcs_compute};
pub use value::{EMBSTR_MAX_LEN, ShortStr, StringValue};

/// The condition part of SET: `NX`, `XX` or neither.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SetCondition {
    /// Always write.
    #[default]
    Always,
    /// `NX`: write only if the key does not exist.
    IfAbsent,
    /// `XX`: write only if the key exists.
    IfPresent,
}

/// The expiry part of SET and GETEX.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Expiry {
    /// No option: SET clears any TTL, GETEX leaves it.
    #[default]
    None,
    /// `EX seconds`, relative.
    Ex(i64),
    /// `PX milliseconds`, relative.
    Px(i64),
    /// `EXAT unix-seconds`.
    ExAt(i64),
    /// `PXAT unix-milliseconds`.
    PxAt(i64),
    /// `KEEPTTL` (SET): keep the existing TTL.
    KeepTtl,
    /// `PERSIST` (GETEX): remove the TTL.
    Persist,
}

impl Expiry {
    /// Resolves to an absolute Unix-ms deadline. `Ok(None)` for the
    /// non-deadline variants.
    ///
    /// # Errors
    /// [`Error::InvalidExpireTime`] naming `command` when the time is not
    /// positive or overflows, as Redis checks it.
    pub fn deadline(self, now: u64, command: &'static str) -> Result<Option<u64>> {
        let (v, unit, relative) = match self {
            Expiry::Ex(v) => (v, 1000, true),
            Expiry::Px(v) => (v, 1, true),
            Expiry::ExAt(v) => (v, 1000, false),
            Expiry::PxAt(v) => (v, 1, false),
            Expiry::None | Expiry::KeepTtl | Expiry::Persist => return Ok(None),
        };
        let bad = Error::InvalidExpireTime(command);
        if v <= 0 {
            return Err(bad);
        }
        let ms = v.checked_mul(unit).ok_or_else(|| bad.clone())?;
        let when = if relative {
            ms.checked_add(now as i64).ok_or(bad)?
        } else {
            ms
        };
        Ok(Some(when as u64))
    }
}

/// Options of SET: `[NX|XX] [GET] [EX|PX|EXAT|PXAT|KEEPTTL]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SetOptions {
    /// NX / XX.
    pub condition: SetCondition,
    /// EX / PX / EXAT / PXAT / KEEPTTL.
    pub expiry: Expiry,
    /// GET: return the old value.
    pub get: bool,
}

/// What SET did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetOutcome {
    /// Whether the value was written (false when NX/XX refused).
    pub written: bool,
    /// With GET: the previous value, if the key held one.
    pub old: Option<Vec<u8>>,
}

impl Keyspace {
    /// Reads a string key for a read command (hit/miss counted).
    ///
    /// # Errors
    /// [`Error::WrongType`] when the key holds another type.
    pub(crate) fn read_string(&mut self, key: &[u8]) -> Result<Option<&mut StringValue>> {
        match self.lookup_read(key) {
            None => Ok(None),
            Some(entry) => match &mut entry.value {
                Value::String(s) => Ok(Some(s)),
                #[allow(unreachable_patterns)]
                _ => Err(Error::WrongType),
            },
        }
    }

    /// [`Keyspace::read_string`] for a read that may change the value
    /// (PFCOUNT's cached count): the size change is accounted.
    ///
    /// # Errors
    /// [`Error::WrongType`] when the key holds another type.
    pub(crate) fn read_string_mut(&mut self, key: &[u8]) -> Result<Option<&mut StringValue>> {
        match self.lookup_read_mut(key) {
            None => Ok(None),
            Some(entry) => match &mut entry.value {
                Value::String(s) => Ok(Some(s)),
                #[allow(unreachable_patterns)]
                _ => Err(Error::WrongType),
            },
        }
    }

    /// Reads a string key for a write command (no hit/miss counting).
    ///
    /// # Errors
    /// [`Error::WrongType`] when the key holds another type.
    pub(crate) fn write_string(&mut self, key: &[u8]) -> Result<Option<&mut StringValue>> {
        match self.lookup_write(key) {
            None => Ok(None),
            Some(entry) => match &mut entry.value {
                Value::String(s) => Ok(Some(s)),
                #[allow(unreachable_patterns)]
                _ => Err(Error::WrongType),
            },
        }
    }

    /// Stores whole bytes as SET does (int/embstr/raw chosen by content),
    /// dropping the TTL. Like Redis's `setKey` it first looks the key up for
    /// writing, which counts as an access (LRU/LFU).
    fn overwrite_string(&mut self, key: &[u8], value: &[u8]) {
        self.lookup_write(key);
        self.set_key(key, Value::String(StringValue::from_bytes(value)), false);
    }

    /// ```text
    /// GET key
    /// ```
    /// The string at `key`, or `None`.
    ///
    /// # Complexity
    /// O(1).
    ///
    /// # Errors
    /// [`Error::WrongType`] when the key holds another type.
    pub fn get(&mut self, key: &[u8]) -> Result<Option<Vec<u8>>> {
        Ok(self.read_string(key)?.map(|s| s.to_vec()))
    }

    /// ```text
    /// SET key value [NX | XX] [GET] [EX s | PX ms | EXAT ts | PXAT ms-ts | KEEPTTL]
    /// ```
    /// Stores `value`, replacing any value of any type and clearing the TTL
    /// unless `KEEPTTL`. A past EXAT/PXAT stores a key that is already expired.
    /// `Expiry::Persist` is not a SET option and is treated as no option.
    ///
    /// # Complexity
    /// O(1).
    ///
    /// # Errors
    /// [`Error::InvalidExpireTime`] for a non-positive or overflowing time
    /// (checked before anything else); [`Error::WrongType`] with GET when the
    /// old value is not a string (nothing is written).
    ///
    /// [`Error::OutOfMemory`](crate::Error::OutOfMemory) when used memory is over `maxmemory`
    /// and eviction cannot bring it under; nothing is changed then.
    pub fn set(&mut self, key: &[u8], value: &[u8], opts: &SetOptions) -> Result<SetOutcome> {
        self.make_room()?;
        self.set_generic(key, value, opts, "set")
    }

    /// SET with the command name `command` in expire-time errors.
    fn set_generic(
        &mut self,
        key: &[u8],
        value: &[u8],
        opts: &SetOptions,
        command: &'static str,
    ) -> Result<SetOutcome> {
        // The clock is read only for a relative expiry (EX, PX).
        let now = match opts.expiry {
            Expiry::Ex(_) | Expiry::Px(_) => self.now_ms(),
            _ => 0,
        };
        let deadline = opts.expiry.deadline(now, command)?;
        let old = if opts.get { self.get(key)? } else { None };
        let keep_ttl = opts.expiry == Expiry::KeepTtl;
        let value = Value::String(StringValue::from_bytes(value));
        if opts.condition == SetCondition::Always {
            // One probe: the lookup Redis makes before overwriting is the
            // store's own.
            self.store(key, value, keep_ttl, deadline.unwrap_or(0), true);
            return Ok(SetOutcome { written: true, old });
        }
        let exists = self.lookup_write(key).is_some();
        let refused = match opts.condition {
            SetCondition::Always => false,
            SetCondition::IfAbsent => exists,
            SetCondition::IfPresent => !exists,
        };
        if refused {
            return Ok(SetOutcome {
                written: false,
                old,
            });
        }
        self.store(key, value, keep_ttl, deadline.unwrap_or(0), false);
        Ok(SetOutcome { written: true, old })
    }

    /// ```text
    /// SETNX key value
    /// ```
    /// Stores `value` only if `key` does not exist; true when it was stored.
    ///
    /// # Complexity
    /// O(1).
    ///
    /// # Errors
    /// [`Error::OutOfMemory`](crate::Error::OutOfMemory) when used memory is over `maxmemory`
    /// and eviction cannot bring it under; nothing is changed then.
    pub fn setnx(&mut self, key: &[u8], value: &[u8]) -> Result<bool> {
        self.make_room()?;
        let opts = SetOptions {
            condition: SetCondition::IfAbsent,
            ..Default::default()
        };
        Ok(self.set_generic(key, value, &opts, "setnx")?.written)
    }

    /// ```text
    /// SETEX key seconds value
    /// ```
    /// Stores `value` with a TTL of `seconds`.
    ///
    /// # Complexity
    /// O(1).
    ///
    /// # Errors
    /// `ERR invalid expire time in 'setex' command` when `seconds` is not
    /// positive or the deadline overflows.
    ///
    /// [`Error::OutOfMemory`](crate::Error::OutOfMemory) when used memory is over `maxmemory`
    /// and eviction cannot bring it under; nothing is changed then.
    pub fn setex(&mut self, key: &[u8], seconds: i64, value: &[u8]) -> Result<()> {
        self.make_room()?;
        let opts = SetOptions {
            expiry: Expiry::Ex(seconds),
            ..Default::default()
        };
        self.set_generic(key, value, &opts, "setex").map(drop)
    }

    /// ```text
    /// PSETEX key milliseconds value
    /// ```
    /// Stores `value` with a TTL of `milliseconds`.
    ///
    /// # Complexity
    /// O(1).
    ///
    /// # Errors
    /// `ERR invalid expire time in 'psetex' command` when `milliseconds` is
    /// not positive or the deadline overflows.
    ///
    /// [`Error::OutOfMemory`](crate::Error::OutOfMemory) when used memory is over `maxmemory`
    /// and eviction cannot bring it under; nothing is changed then.
    pub fn psetex(&mut self, key: &[u8], milliseconds: i64, value: &[u8]) -> Result<()> {
        self.make_room()?;
        let opts = SetOptions {
            expiry: Expiry::Px(milliseconds),
            ..Default::default()
        };
        self.set_generic(key, value, &opts, "psetex").map(drop)
    }

    /// ```text
    /// GETSET key value
    /// ```
    /// Stores `value` (dropping any TTL) and returns the previous string.
    ///
    /// # Complexity
    /// O(1).
    ///
    /// # Errors
    /// [`Error::WrongType`] when the key holds another type (nothing is written).
    ///
    /// [`Error::OutOfMemory`](crate::Error::OutOfMemory) when used memory is over `maxmemory`
    /// and eviction cannot bring it under; nothing is changed then.
    pub fn getset(&mut self, key: &[u8], value: &[u8]) -> Result<Option<Vec<u8>>> {
        self.make_room()?;
        let old = self.get(key)?;
        self.overwrite_string(key, value);
        Ok(old)
    }

    /// ```text
    /// GETDEL key
    /// ```
    /// Returns the string at `key` and deletes the key.
    ///
    /// # Complexity
    /// O(1).
    ///
    /// # Errors
    /// [`Error::WrongType`] when the key holds another type (nothing is deleted).
    pub fn getdel(&mut self, key: &[u8]) -> Result<Option<Vec<u8>>> {
        let old = self.get(key)?;
        if old.is_some() {
            self.delete_key(key);
        }
        Ok(old)
    }

    /// ```text
    /// GETEX key [EX s | PX ms | EXAT ts | PXAT ms-ts | PERSIST]
    /// ```
    /// Returns the string at `key` and changes its TTL: `Expiry::None`
    /// leaves it, `Persist` removes it, the others set it. An EXAT/PXAT
    /// deadline at or before now deletes the key after reading it.
    ///
    /// # Complexity
    /// O(1).
    ///
    /// # Errors
    /// [`Error::Syntax`] for `Expiry::KeepTtl` (not a GETEX option);
    /// [`Error::WrongType`] when the key holds another type;
    /// `ERR invalid expire time in 'getex' command` for a non-positive or
    /// overflowing time, checked only when the key exists.
    pub fn getex(&mut self, key: &[u8], expiry: Expiry) -> Result<Option<Vec<u8>>> {
        if expiry == Expiry::KeepTtl {
            return Err(Error::Syntax);
        }
        let Some(value) = self.get(key)? else {
            return Ok(None);
        };
        let now = self.now_ms();
        let deadline = expiry.deadline(now, "getex")?;
        let absolute = matches!(expiry, Expiry::ExAt(_) | Expiry::PxAt(_));
        match deadline {
            Some(when) if absolute && when <= now => {
                self.delete_key(key);
            }
            Some(when) => {
                self.db_mut().set_expire(key, when);
                self.signal_modified(key);
            }
            None if expiry == Expiry::Persist => {
                let had_ttl = self.db().get(key).is_some_and(|e| e.has_ttl());
                if had_ttl {
                    self.db_mut().set_expire(key, 0);
                    self.signal_modified(key);
                }
            }
            None => {}
        }
        Ok(Some(value))
    }

    /// ```text
    /// MGET key [key ...]
    /// ```
    /// The string at each key; `None` for missing keys and for keys holding
    /// another type (MGET never fails with WRONGTYPE).
    ///
    /// # Complexity
    /// O(n) in the number of keys.
    pub fn mget(&mut self, keys: &[&[u8]]) -> Vec<Option<Vec<u8>>> {
        keys.iter()
            .map(|key| match self.lookup_read(key) {
                Some(Entry {
                    value: Value::String(s),
                    ..
                }) => Some(s.to_vec()),
                _ => None,
            })
            .collect()
    }

    /// ```text
    /// MSET key value [key value ...]
    /// ```
    /// Stores every pair in order (a repeated key keeps its last value),
    /// replacing any value of any type and dropping TTLs.
    ///
    /// # Complexity
    /// O(n) in the number of pairs.
    ///
    /// # Errors
    /// [`Error::OutOfMemory`](crate::Error::OutOfMemory) when used memory is over `maxmemory`
    /// and eviction cannot bring it under; nothing is changed then.
    pub fn mset(&mut self, pairs: &[(&[u8], &[u8])]) -> Result<()> {
        self.make_room()?;
        for (key, value) in pairs {
            self.overwrite_string(key, value);
        }
        Ok(())
    }

    /// ```text
    /// MSETNX key value [key value ...]
    /// ```
    /// Stores every pair only if none of the keys exists; true when stored.
    ///
    /// # Complexity
    /// O(n) in the number of pairs.
    ///
    /// # Errors
    /// [`Error::OutOfMemory`](crate::Error::OutOfMemory) when used memory is over `maxmemory`
    /// and eviction cannot bring it under; nothing is changed then.
    pub fn msetnx(&mut self, pairs: &[(&[u8], &[u8])]) -> Result<bool> {
        self.make_room()?;
        if pairs
            .iter()
            .any(|(key, _)| self.lookup_write(key).is_some())
        {
            return Ok(false);
        }
        self.mset(pairs)?;
        Ok(true)
    }

    /// ```text
    /// INCR key
    /// ```
    /// Adds 1 to the integer at `key` (a missing key counts as 0) and returns
    /// the new value, stored with the `int` encoding; the TTL is kept.
    ///
    /// # Complexity
    /// O(1).
    ///
    /// # Errors
    /// [`Error::WrongType`]; [`Error::NotInteger`] when the value is not a
    /// canonical 64-bit integer; [`Error::Overflow`] past `i64` bounds.
    ///
    /// [`Error::OutOfMemory`](crate::Error::OutOfMemory) when used memory is over `maxmemory`
    /// and eviction cannot bring it under; nothing is changed then.
    pub fn incr(&mut self, key: &[u8]) -> Result<i64> {
        self.make_room()?;
        self.incrby(key, 1)
    }

    /// ```text
    /// DECR key
    /// ```
    /// Subtracts 1, as [`Keyspace::incr`] adds.
    ///
    /// # Complexity
    /// O(1).
    ///
    /// # Errors
    /// As [`Keyspace::incr`].
    ///
    /// [`Error::OutOfMemory`](crate::Error::OutOfMemory) when used memory is over `maxmemory`
    /// and eviction cannot bring it under; nothing is changed then.
    pub fn decr(&mut self, key: &[u8]) -> Result<i64> {
        self.make_room()?;
        self.incrby(key, -1)
    }

    /// ```text
    /// DECRBY key decrement
    /// ```
    /// Subtracts `decrement`, as [`Keyspace::incrby`] adds.
    ///
    /// # Complexity
    /// O(1).
    ///
    /// # Errors
    /// `ERR decrement would overflow` for `i64::MIN` (checked before the key
    /// is read); otherwise as [`Keyspace::incr`].
    ///
    /// [`Error::OutOfMemory`](crate::Error::OutOfMemory) when used memory is over `maxmemory`
    /// and eviction cannot bring it under; nothing is changed then.
    pub fn decrby(&mut self, key: &[u8], decrement: i64) -> Result<i64> {
        self.make_room()?;
        if decrement == i64::MIN {
            return Err(Error::other("ERR decrement would overflow"));
        }
        self.incrby(key, -decrement)
    }

    /// ```text
    /// INCRBY key increment
    /// ```
    /// Adds `increment`, as [`Keyspace::incr`] adds 1.
    ///
    /// # Complexity
    /// O(1).
    ///
    /// # Errors
    /// As [`Keyspace::incr`].
    ///
    /// [`Error::OutOfMemory`](crate::Error::OutOfMemory) when used memory is over `maxmemory`
    /// and eviction cannot bring it under; nothing is changed then.
    pub fn incrby(&mut self, key: &[u8], increment: i64) -> Result<i64> {
        self.make_room()?;
        let Some(s) = self.write_string(key)? else {
            self.add_key(key, Value::String(StringValue::Int(increment)));
            return Ok(increment);
        };
        let current = match *s {
            StringValue::Int(v) => v,
            ref other => other.with_bytes(num::parse_i64).ok_or(Error::NotInteger)?,
        };
        let new = current.checked_add(increment).ok_or(Error::Overflow)?;
        *s = StringValue::Int(new);
        self.signal_modified(key);
        Ok(new)
    }

    /// ```text
    /// INCRBYFLOAT key increment
    /// ```
    /// Adds the decimal `increment` to the number at `key` (missing = 0) in
    /// 80-bit extended precision, as Redis does, and returns the new value as
    /// Redis prints it (`%.17Lf`, trailing zeros removed). The result is
    /// stored as a string (`embstr`/`raw`, never `int`); the TTL is kept.
    ///
    /// # Complexity
    /// O(1) (O(n) in the digits printed).
    ///
    /// # Errors
    /// [`Error::WrongType`]; [`Error::NotFloat`] when the value or increment
    /// is not a number; `ERR increment would produce NaN or Infinity`.
    ///
    /// [`Error::OutOfMemory`](crate::Error::OutOfMemory) when used memory is over `maxmemory`
    /// and eviction cannot bring it under; nothing is changed then.
    pub fn incrbyfloat(&mut self, key: &[u8], increment: &[u8]) -> Result<Vec<u8>> {
        self.make_room()?;
        let Some(s) = self.write_string(key)? else {
            let result = incr_long_double(b"0", increment)?;
            self.add_key(key, Value::String(StringValue::from_bytes_no_int(&result)));
            return Ok(result);
        };
        let result = s.with_bytes(|current| incr_long_double(current, increment))?;
        *s = StringValue::from_bytes_no_int(&result);
        self.signal_modified(key);
        Ok(result)
    }

    /// ```text
    /// APPEND key value
    /// ```
    /// Appends `value` (creating the key as SET would when missing) and
    /// returns the new length. An existing value becomes `raw`; the TTL is kept.
    ///
    /// # Complexity
    /// O(1) amortized (O(n) when the value is not `raw` yet).
    ///
    /// # Errors
    /// [`Error::WrongType`]; [`Error::StringTooLong`] when the result would
    /// exceed `proto_max_bulk_len`.
    ///
    /// [`Error::OutOfMemory`](crate::Error::OutOfMemory) when used memory is over `maxmemory`
    /// and eviction cannot bring it under; nothing is changed then.
    pub fn append(&mut self, key: &[u8], value: &[u8]) -> Result<usize> {
        self.make_room()?;
        let limit = self.config.proto_max_bulk_len;
        let Some(s) = self.write_string(key)? else {
            self.add_key(key, Value::String(StringValue::from_bytes(value)));
            return Ok(value.len());
        };
        check_string_length(s.len(), value.len(), limit)?;
        let buf = s.make_raw();
        reserve_greedy(buf, buf.len() + value.len());
        buf.extend_from_slice(value);
        let len = buf.len();
        self.signal_modified(key);
        Ok(len)
    }

    /// ```text
    /// STRLEN key
    /// ```
    /// Length in bytes of the string at `key` (0 when missing).
    ///
    /// # Complexity
    /// O(1).
    ///
    /// # Errors
    /// [`Error::WrongType`].
    pub fn strlen(&mut self, key: &[u8]) -> Result<usize> {
        Ok(self.read_string(key)?.map_or(0, |s| s.len()))
    }

    /// ```text
    /// GETRANGE key start end
    /// ```
    /// The bytes from `start` to `end` inclusive; negative offsets count from
    /// the end (-1 is the last byte), out-of-range offsets are clamped, and a
    /// missing key or empty range gives an empty string.
    ///
    /// # Complexity
    /// O(n) in the returned length.
    ///
    /// # Errors
    /// [`Error::WrongType`].
    pub fn getrange(&mut self, key: &[u8], start: i64, end: i64) -> Result<Vec<u8>> {
        let Some(s) = self.read_string(key)? else {
            return Ok(Vec::new());
        };
        Ok(s.with_bytes(|bytes| byte_range(bytes, start, end).to_vec()))
    }

    /// ```text
    /// SETRANGE key offset value
    /// ```
    /// Overwrites the string at `offset` with `value`, padding with zero
    /// bytes when the string is shorter, and returns the new length. An
    /// empty `value` changes nothing (and creates no key); otherwise the
    /// value becomes `raw` and the TTL is kept.
    ///
    /// # Complexity
    /// O(1) when no growth or conversion is needed, else O(offset + len).
    ///
    /// # Errors
    /// [`Error::OffsetOutOfRange`] for a negative offset; [`Error::WrongType`];
    /// [`Error::StringTooLong`] when `offset + value.len()` exceeds
    /// `proto_max_bulk_len`.
    ///
    /// [`Error::OutOfMemory`](crate::Error::OutOfMemory) when used memory is over `maxmemory`
    /// and eviction cannot bring it under; nothing is changed then.
    pub fn setrange(&mut self, key: &[u8], offset: i64, value: &[u8]) -> Result<usize> {
        self.make_room()?;
        let Ok(offset) = usize::try_from(offset) else {
            return Err(Error::OffsetOutOfRange);
        };
        let limit = self.config.proto_max_bulk_len;
        let Some(s) = self.write_string(key)? else {
            if value.is_empty() {
                return Ok(0);
            }
            check_string_length(offset, value.len(), limit)?;
            let mut buf = vec![0; offset + value.len()];
            buf[offset..].copy_from_slice(value);
            let len = buf.len();
            self.add_key(key, Value::String(StringValue::Raw(buf)));
            return Ok(len);
        };
        if value.is_empty() {
            return Ok(s.len());
        }
        check_string_length(offset, value.len(), limit)?;
        let buf = s.make_raw();
        let end = offset + value.len();
        grow_zeroed(buf, end);
        buf[offset..end].copy_from_slice(value);
        let len = buf.len();
        self.signal_modified(key);
        Ok(len)
    }
}

/// Fails when `len + add` bytes would exceed `limit` (proto-max-bulk-len).
/// Past this length a growing string reserves this much spare room instead
/// of doubling (Redis's `SDS_MAX_PREALLOC`, 1 MB).
const GREEDY_STEP: usize = 1024 * 1024;

/// Makes room in a raw string buffer for `len` bytes the way Redis's
/// greedy `sdsMakeRoomFor` does when a write grows a string (APPEND,
/// SETRANGE, SETBIT, BITFIELD): nothing when the capacity already
/// suffices; otherwise capacity for twice the needed length below 1 MB,
/// or the needed length plus 1 MB from there on. (Vec's own doubling
/// would leave up to twice a large bitmap's length allocated.)
pub(crate) fn reserve_greedy(buf: &mut Vec<u8>, len: usize) {
    if len <= buf.capacity() {
        return;
    }
    let target = if len < GREEDY_STEP {
        len * 2
    } else {
        len.saturating_add(GREEDY_STEP)
    };
    buf.reserve_exact(target - buf.len());
}

/// Grows a raw string buffer to `len` bytes with zero bytes, reserving
/// room as [`reserve_greedy`] does (Redis's `sdsgrowzero`).
pub(crate) fn grow_zeroed(buf: &mut Vec<u8>, len: usize) {
    if buf.len() < len {
        reserve_greedy(buf, len);
        buf.resize(len, 0);
    }
}

fn check_string_length(len: usize, add: usize, limit: u64) -> Result<()> {
    match (len as u64).checked_add(add as u64) {
        Some(total) if total <= limit => Ok(()),
        _ => Err(Error::StringTooLong),
    }
}

/// GETRANGE's slice of `bytes` for inclusive offsets `start..=end`
/// (negative offsets count from the end).
pub(crate) fn byte_range(bytes: &[u8], start: i64, end: i64) -> &[u8] {
    let len = bytes.len() as i64;
    if (start < 0 && end < 0 && start > end) || len == 0 {
        return &[];
    }
    let start = if start < 0 {
        (len + start).max(0)
    } else {
        start
    };
    let end = if end < 0 {
        (len + end).max(0)
    } else {
        end.min(len - 1)
    };
    if start > end {
        return &[];
    }
    &bytes[start as usize..=end as usize]
}

#[cfg(test)]
mod tests;
