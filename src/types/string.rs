//! Strings: the value type and the typed string commands.
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
//! # Thresholds
//!
//! 44 bytes: the robj (16) + sdshdr8 (3) + 44 + NUL fill a 64-byte jemalloc
//! class, Redis's embstr limit. 20 characters: the longest `i64`.

use crate::error::{Error, Result};
use crate::keyspace::Keyspace;
use crate::util::num;
use crate::value::{Encoding, Value};

/// The longest string Redis stores with the `embstr` encoding.
pub const EMBSTR_MAX_LEN: usize = 44;

/// A string value in one of Redis's three encodings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StringValue {
    /// `int`: a canonical 64-bit integer.
    Int(i64),
    /// `embstr`: at most 44 bytes, stored whole and never edited in place.
    Embstr(Box<[u8]>),
    /// `raw`: anything else.
    Raw(Vec<u8>),
}

impl StringValue {
    /// Encodes whole bytes the way SET does (Redis's `tryObjectEncoding`).
    pub fn from_bytes(bytes: &[u8]) -> Self {
        if bytes.len() <= 20
            && let Some(v) = num::parse_i64(bytes)
        {
            return StringValue::Int(v);
        }
        Self::from_bytes_no_int(bytes)
    }

    /// Encodes whole bytes as `embstr` or `raw`, never `int` (INCRBYFLOAT results).
    pub fn from_bytes_no_int(bytes: &[u8]) -> Self {
        if bytes.len() <= EMBSTR_MAX_LEN {
            StringValue::Embstr(bytes.into())
        } else {
            StringValue::Raw(bytes.to_vec())
        }
    }

    /// The OBJECT ENCODING of this string.
    pub fn encoding(&self) -> Encoding {
        match self {
            StringValue::Int(_) => Encoding::Int,
            StringValue::Embstr(_) => Encoding::Embstr,
            StringValue::Raw(_) => Encoding::Raw,
        }
    }

    /// Length in bytes of the string's text.
    pub fn len(&self) -> usize {
        match self {
            StringValue::Int(v) => num::write_i64(&mut num::itoa_buf(), *v).len(),
            StringValue::Embstr(b) => b.len(),
            StringValue::Raw(b) => b.len(),
        }
    }

    /// True for the empty string.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The string's bytes (integers are formatted).
    pub fn to_vec(&self) -> Vec<u8> {
        match self {
            StringValue::Int(v) => num::format_i64(*v),
            StringValue::Embstr(b) => b.to_vec(),
            StringValue::Raw(b) => b.clone(),
        }
    }

    /// Calls `f` with the string's bytes, formatting integers on the stack.
    pub fn with_bytes<R>(&self, f: impl FnOnce(&[u8]) -> R) -> R {
        match self {
            StringValue::Int(v) => f(num::write_i64(&mut num::itoa_buf(), *v)),
            StringValue::Embstr(b) => f(b),
            StringValue::Raw(b) => f(b),
        }
    }

    /// The bytes as a growable buffer for in-place edits; the value becomes `raw`.
    pub fn make_raw(&mut self) -> &mut Vec<u8> {
        if !matches!(self, StringValue::Raw(_)) {
            *self = StringValue::Raw(self.to_vec());
        }
        match self {
            StringValue::Raw(b) => b,
            _ => unreachable!("just converted to raw"),
        }
    }
}

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
    ///
    /// # Complexity
    /// O(1).
    ///
    /// # Errors
    /// [`Error::InvalidExpireTime`] for a non-positive or overflowing time
    /// (checked before anything else); [`Error::WrongType`] with GET when the
    /// old value is not a string (nothing is written).
    pub fn set(&mut self, key: &[u8], value: &[u8], opts: &SetOptions) -> Result<SetOutcome> {
        let now = self.now_ms();
        let deadline = opts.expiry.deadline(now, "set")?;
        let old = if opts.get {
            self.read_string(key)?.map(|s| s.to_vec())
        } else {
            None
        };
        let exists = self.key_exists(key);
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
        let keep_ttl = opts.expiry == Expiry::KeepTtl;
        self.set_key(key, Value::String(StringValue::from_bytes(value)), keep_ttl);
        if let Some(when) = deadline {
            self.db_mut().set_expire(key, when);
        }
        Ok(SetOutcome { written: true, old })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    #[test]
    fn encodings_follow_redis() {
        assert_eq!(StringValue::from_bytes(b"123").encoding(), Encoding::Int);
        assert_eq!(
            StringValue::from_bytes(b"0123").encoding(),
            Encoding::Embstr
        );
        assert_eq!(
            StringValue::from_bytes(&[b'x'; 44]).encoding(),
            Encoding::Embstr
        );
        assert_eq!(
            StringValue::from_bytes(&[b'x'; 45]).encoding(),
            Encoding::Raw
        );
        assert_eq!(
            StringValue::from_bytes(b"9223372036854775808").encoding(),
            Encoding::Embstr
        );
        let mut s = StringValue::from_bytes(b"12");
        s.make_raw().push(b'3');
        assert_eq!(s, StringValue::Raw(b"123".to_vec()));
        assert_eq!(StringValue::Int(-120).len(), 4);
    }

    #[test]
    fn set_nx_xx_get() {
        let mut ks = Keyspace::new(Config::default());
        let nx = SetOptions {
            condition: SetCondition::IfAbsent,
            ..Default::default()
        };
        assert!(ks.set(b"k", b"1", &nx).unwrap().written);
        assert!(!ks.set(b"k", b"2", &nx).unwrap().written);
        let get = SetOptions {
            get: true,
            ..Default::default()
        };
        assert_eq!(ks.set(b"k", b"3", &get).unwrap().old, Some(b"1".to_vec()));
        assert_eq!(ks.get(b"k").unwrap(), Some(b"3".to_vec()));
        let bad = SetOptions {
            expiry: Expiry::Ex(0),
            ..Default::default()
        };
        assert_eq!(
            ks.set(b"k", b"4", &bad),
            Err(Error::InvalidExpireTime("set"))
        );
    }
}
