//! Bitmaps: bit-level commands over string values (SETBIT, GETBIT,
//! BITCOUNT, BITPOS, BITOP, BITFIELD, BITFIELD_RO).
//!
//! # Format
//!
//! A bitmap is an ordinary string value ([`StringValue`]); bit 0 is the most
//! significant bit of byte 0 (the `bits` module has the layout). Integer-encoded
//! strings are read as their decimal text. Writes (SETBIT, BITFIELD with SET
//! or INCRBY) edit the bytes in place, leaving the `raw` encoding, and grow
//! the string with zero bytes up to the byte holding the highest bit they
//! touch; a write on a missing key creates it. BITOP stores a new `raw`
//! string under its destination (any TTL is dropped), or deletes the
//! destination when every source is missing or empty.
//!
//! # Invariants
//!
//! 1. Bit offsets are below `8 * proto-max-bulk-len` (2^32 by default);
//!    anything else is `ERR bit offset is not an integer or out of range`.
//!    Only a field's first bit is checked, so BITFIELD may grow a string up
//!    to 8 bytes past that limit, as Redis does.
//! 2. Reads past the end of a string see zero bits; reads never create keys.
//!
//! # Compatibility
//!
//! Redis 7.0.15 `bitops.c`, including its argument-check order: GETBIT,
//! SETBIT, BITOP and BITFIELD validate arguments before looking the key
//! up, while BITCOUNT and BITPOS look the key up first (a missing key
//! answers 0, or -1/0, whatever the remaining arguments are).
//!
//! # References
//!
//! Redis `src/bitops.c`; docs/redis-internals.md section 5.

mod bitfield;
mod bits;

pub use bitfield::{BitfieldOp, BitfieldOverflow, BitfieldType};
pub use bits::BitOp;

use crate::error::{Error, Result};
use crate::keyspace::{Entry, Keyspace};
use crate::types::string::{self, StringValue};
use crate::util::num;
use crate::value::Value;

/// The error for a bad or out-of-range bit offset.
pub(crate) const BIT_OFFSET_ERR: &str = "ERR bit offset is not an integer or out of range";
/// The error for a SETBIT value other than 0 or 1.
pub(crate) const BIT_VALUE_ERR: &str = "ERR bit is not an integer or out of range";
/// The error for a BITPOS bit other than 0 or 1.
pub(crate) const BITPOS_BIT_ERR: &str = "ERR The bit argument must be 1 or 0.";
/// The error for BITOP NOT with other than one source.
pub(crate) const BITOP_NOT_ERR: &str = "ERR BITOP NOT must be called with a single source key.";

/// The unit of a BITCOUNT/BITPOS range: `BYTE` (the default) or `BIT`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum BitUnit {
    /// `BYTE`: start and end index bytes.
    #[default]
    Byte,
    /// `BIT`: start and end index bits.
    Bit,
}

/// The range of a BITPOS search: `start [end [BYTE|BIT]]`.
///
/// Indexes may be negative (counted from the end). Without `end` the search
/// runs to the end of the string, and a search for 0 in all-ones bytes
/// answers the first bit past the string (Redis treats the string as
/// zero-padded); with `end` it answers -1. (`unit: Bit` without `end`,
/// which the command syntax cannot express, searches bits to the end.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct BitposRange {
    /// First byte (or bit) of the range.
    pub start: i64,
    /// Last byte (or bit) of the range, inclusive; `None` for the end.
    pub end: Option<i64>,
    /// Whether `start`/`end` count bytes or bits.
    pub unit: BitUnit,
}

/// Checks a bit offset against `proto-max-bulk-len` (bytes). Offsets past
/// `i64::MAX` are refused whatever the limit, as Redis parses them as a
/// signed 64-bit integer (so a field's last bit always fits in a `u64`).
pub(crate) fn check_offset(offset: u64, max_bulk_len: u64) -> Result<u64> {
    if offset > i64::MAX as u64 || offset >> 3 >= max_bulk_len {
        return Err(Error::other(BIT_OFFSET_ERR));
    }
    Ok(offset)
}

/// Parses a bit offset argument as Redis does: a strict integer, or with
/// `hash_width` (BITFIELD) also `#N` meaning `N * width` (multiplied with
/// 64-bit wrap-around, as the C code does); then range-checked.
pub(crate) fn parse_offset(arg: &[u8], hash_width: Option<u32>, max_bulk_len: u64) -> Result<u64> {
    let bad = || Error::other(BIT_OFFSET_ERR);
    let (text, width) = match (arg.first(), hash_width) {
        (Some(b'#'), Some(w)) => (&arg[1..], i64::from(w)),
        _ => (arg, 1),
    };
    let v = num::parse_i64(text).ok_or_else(bad)?.wrapping_mul(width);
    let v = u64::try_from(v).map_err(|_| bad())?;
    check_offset(v, max_bulk_len)
}

/// Resolves Redis `start`/`end` indexes over `total` units to an inclusive,
/// non-empty range, or `None`.
fn clamp_range(start: i64, end: i64, total: i64) -> Option<(u64, u64)> {
    let fix = |i: i64| if i < 0 { (i + total).max(0) } else { i };
    let (start, end) = (fix(start), fix(end).min(total - 1));
    (start <= end).then_some((start as u64, end as u64))
}

/// Total units (bytes or bits) of a string of `len` bytes.
fn units(len: usize, unit: BitUnit) -> i64 {
    let len = len as i64;
    match unit {
        BitUnit::Byte => len,
        BitUnit::Bit => len * 8,
    }
}

/// First and last bit of an inclusive range given in `unit`s.
fn bit_span(first: u64, last: u64, unit: BitUnit) -> (u64, u64) {
    match unit {
        BitUnit::Byte => (first * 8, last * 8 + 7),
        BitUnit::Bit => (first, last),
    }
}

/// BITCOUNT over the bytes of a string.
fn count_in(bytes: &[u8], range: Option<(i64, i64, BitUnit)>) -> u64 {
    let Some((start, end, unit)) = range else {
        return bits::popcount(bytes);
    };
    if start < 0 && end < 0 && start > end {
        return 0;
    }
    match clamp_range(start, end, units(bytes.len(), unit)) {
        None => 0,
        Some((first, last)) => {
            let (first, last) = bit_span(first, last, unit);
            bits::popcount_bits(bytes, first, last)
        }
    }
}

/// BITPOS over the bytes of an existing string.
fn bitpos_in(bytes: &[u8], bit: bool, range: Option<BitposRange>) -> i64 {
    let r = range.unwrap_or_default();
    let total = units(bytes.len(), r.unit);
    let Some((first, last)) = clamp_range(r.start, r.end.unwrap_or(total - 1), total) else {
        return -1;
    };
    let (first, last) = bit_span(first, last, r.unit);
    match bits::find_bit(bytes, bit, first, last) {
        Some(pos) => pos as i64,
        // Without an explicit end the string counts as zero-padded.
        None if !bit && r.end.is_none() => last as i64 + 1,
        None => -1,
    }
}

impl Keyspace {
    /// Runs `edit` on the string at `key` as a raw buffer at least `len`
    /// bytes long (zero-filled), creating the key when missing; `edit` also
    /// learns whether the string was created or grew. Redis's
    /// `lookupStringForBitCommand`: a new string is exactly `len` bytes, an
    /// existing one grows as Redis's `sdsgrowzero` (see
    /// [`string::grow_zeroed`]).
    ///
    /// An existing key is looked up once (the edit runs on the borrowed
    /// entry). A new key is added without a modification signal (Redis's
    /// `dbAdd` here does not signal): the caller signals once if it changed
    /// anything, so a BITFIELD whose writes FAIL refused signals nothing.
    fn edit_bits<R>(
        &mut self,
        key: &[u8],
        len: usize,
        edit: impl FnOnce(&mut Vec<u8>, bool) -> R,
    ) -> Result<R> {
        if let Some(s) = self.write_string(key)? {
            let buf = s.make_raw();
            let grew = buf.len() < len;
            if grew {
                string::grow_zeroed(buf, len);
            }
            return Ok(edit(buf, grew));
        }
        let mut buf = vec![0; len];
        let out = edit(&mut buf, true);
        let lru = self.new_access_field();
        let value = Value::String(StringValue::Raw(buf));
        self.db_mut().insert(key, Entry::with_lru(value, lru), 0);
        Ok(out)
    }

    /// ```text
    /// SETBIT key offset value
    /// ```
    /// Sets or clears the bit at `offset` and returns its previous value,
    /// growing (or creating) the string with zero bytes as needed.
    ///
    /// ```
    /// # let mut ks = embedis::Keyspace::new(embedis::Config::default());
    /// // Daily active users: one bit per user id.
    /// ks.setbit(b"active:2024-05-01", 9, 1)?;
    /// assert_eq!(ks.get(b"active:2024-05-01")?.unwrap(), [0x00, 0x40]);
    /// assert_eq!(ks.getbit(b"active:2024-05-01", 9)?, 1);
    /// # Ok::<(), embedis::Error>(())
    /// ```
    ///
    /// # Complexity
    /// O(1), plus O(n) to grow the string.
    ///
    /// # Errors
    /// `ERR bit offset is not an integer or out of range` for an offset at
    /// or past `8 * proto-max-bulk-len`; `ERR bit is not an integer or out of
    /// range` for a `bit` other than 0 or 1; [`Error::WrongType`].
    ///
    /// [`Error::OutOfMemory`](crate::Error::OutOfMemory) when used memory is over `maxmemory`
    /// and eviction cannot bring it under; nothing is changed then.
    pub fn setbit(&mut self, key: &[u8], offset: u64, bit: u8) -> Result<u8> {
        self.make_room()?;
        check_offset(offset, self.config.proto_max_bulk_len)?;
        if bit > 1 {
            return Err(Error::other(BIT_VALUE_ERR));
        }
        let byte = (offset / 8) as usize;
        let mask = 0x80u8 >> (offset % 8);
        let (old, grew) = self.edit_bits(key, byte + 1, |buf, grew| {
            let old = u8::from(buf[byte] & mask != 0);
            if old != bit {
                buf[byte] ^= mask;
            }
            (old, grew)
        })?;
        if grew || old != bit {
            self.signal_modified(key);
        }
        Ok(old)
    }

    /// ```text
    /// GETBIT key offset
    /// ```
    /// The bit at `offset`: 0 past the end of the string or for a missing key.
    ///
    /// # Complexity
    /// O(1).
    ///
    /// # Errors
    /// `ERR bit offset is not an integer or out of range` (checked before the
    /// key); [`Error::WrongType`].
    pub fn getbit(&mut self, key: &[u8], offset: u64) -> Result<u8> {
        check_offset(offset, self.config.proto_max_bulk_len)?;
        let Some(s) = self.read_string(key)? else {
            return Ok(0);
        };
        let byte = usize::try_from(offset / 8).unwrap_or(usize::MAX);
        let mask = 0x80u8 >> (offset % 8);
        Ok(s.with_bytes(|b| b.get(byte).map_or(0, |&v| u8::from(v & mask != 0))))
    }

    /// ```text
    /// BITCOUNT key [start end [BYTE | BIT]]
    /// ```
    /// Number of set bits in the string, or in the range `start..=end`
    /// (bytes or bits; negative indexes count from the end; when both are
    /// negative and `start > end` the count is 0). A missing key counts 0.
    ///
    /// ```
    /// use embedis::BitUnit;
    /// # let mut ks = embedis::Keyspace::new(embedis::Config::default());
    /// ks.set(b"k", b"\xff\x0f", &Default::default())?;
    /// assert_eq!(ks.bitcount(b"k", None)?, 12);
    /// assert_eq!(ks.bitcount(b"k", Some((-1, -1, BitUnit::Byte)))?, 4);
    /// assert_eq!(ks.bitcount(b"k", Some((4, 11, BitUnit::Bit)))?, 4);
    /// # Ok::<(), embedis::Error>(())
    /// ```
    ///
    /// # Complexity
    /// O(n) in the range's length, a word at a time.
    ///
    /// # Errors
    /// [`Error::WrongType`].
    pub fn bitcount(&mut self, key: &[u8], range: Option<(i64, i64, BitUnit)>) -> Result<u64> {
        self.bitcount_with(key, || Ok(range))
    }

    /// BITCOUNT with the range parsed only once the key is known to be a
    /// string, as Redis orders its checks.
    pub(crate) fn bitcount_with(
        &mut self,
        key: &[u8],
        range: impl FnOnce() -> Result<Option<(i64, i64, BitUnit)>>,
    ) -> Result<u64> {
        let Some(s) = self.read_string(key)? else {
            return Ok(0);
        };
        let range = range()?;
        Ok(s.with_bytes(|b| count_in(b, range)))
    }

    /// ```text
    /// BITPOS key bit [start [end [BYTE | BIT]]]
    /// ```
    /// Position of the first bit equal to `bit` (see [`BitposRange`] for the
    /// range and the zero-padding rule), or -1. A missing key answers -1 when
    /// looking for 1 and 0 when looking for 0; an empty string answers -1.
    ///
    /// ```
    /// use embedis::{BitUnit, BitposRange};
    /// # let mut ks = embedis::Keyspace::new(embedis::Config::default());
    /// ks.set(b"k", b"\xff\xff", &Default::default())?;
    /// // No 0 in the string: without an end, the bit just past it.
    /// assert_eq!(ks.bitpos(b"k", 0, None)?, 16);
    /// let whole = BitposRange { start: 0, end: Some(-1), unit: BitUnit::Byte };
    /// assert_eq!(ks.bitpos(b"k", 0, Some(whole))?, -1);
    /// # Ok::<(), embedis::Error>(())
    /// ```
    ///
    /// # Complexity
    /// O(n) in the range's length, skipping a word at a time.
    ///
    /// # Errors
    /// `ERR The bit argument must be 1 or 0.`; [`Error::WrongType`].
    pub fn bitpos(&mut self, key: &[u8], bit: u8, range: Option<BitposRange>) -> Result<i64> {
        self.bitpos_with(key, bit, || Ok(range))
    }

    /// BITPOS with the range parsed only once the key is known to be a
    /// string, as Redis orders its checks.
    pub(crate) fn bitpos_with(
        &mut self,
        key: &[u8],
        bit: u8,
        range: impl FnOnce() -> Result<Option<BitposRange>>,
    ) -> Result<i64> {
        if bit > 1 {
            return Err(Error::other(BITPOS_BIT_ERR));
        }
        let bit = bit == 1;
        let Some(s) = self.read_string(key)? else {
            return Ok(if bit { -1 } else { 0 });
        };
        let range = range()?;
        Ok(s.with_bytes(|b| bitpos_in(b, bit, range)))
    }

    /// ```text
    /// BITOP AND | OR | XOR | NOT destkey key [key ...]
    /// ```
    /// Combines the source strings (missing keys and shorter strings count as
    /// zero bytes up to the longest) and stores the result under `dest` as a
    /// new value without TTL; returns its length. When the result is empty,
    /// `dest` is deleted instead.
    ///
    /// ```
    /// use embedis::BitOp;
    /// # let mut ks = embedis::Keyspace::new(embedis::Config::default());
    /// ks.set(b"a", b"\xf0", &Default::default())?;
    /// ks.set(b"b", b"\x3c\x01", &Default::default())?;
    /// assert_eq!(ks.bitop(BitOp::And, b"both", &[b"a", b"b"])?, 2);
    /// assert_eq!(ks.get(b"both")?.unwrap(), [0x30, 0x00]);
    /// # Ok::<(), embedis::Error>(())
    /// ```
    ///
    /// # Complexity
    /// O(n) in the total length of the sources, a word at a time.
    ///
    /// # Errors
    /// `ERR BITOP NOT must be called with a single source key.`;
    /// [`Error::WrongType`] for the first source that is not a string
    /// (nothing is written).
    ///
    /// [`Error::OutOfMemory`](crate::Error::OutOfMemory) when used memory is over `maxmemory`
    /// and eviction cannot bring it under; nothing is changed then.
    pub fn bitop(&mut self, op: BitOp, dest: &[u8], sources: &[&[u8]]) -> Result<usize> {
        self.make_room()?;
        if op == BitOp::Not && sources.len() != 1 {
            return Err(Error::other(BITOP_NOT_ERR));
        }
        // Lookups first (expiry, statistics, type checks), then borrow all
        // sources at once without copying them.
        for key in sources {
            self.read_string(key)?;
        }
        let result = {
            let map = self.db();
            let value = |key: &[u8]| match map.get(key).map(|e| &e.value) {
                Some(Value::String(s)) => Some(s),
                _ => None,
            };
            let ints: Vec<Option<Vec<u8>>> = sources
                .iter()
                .map(|k| match value(k) {
                    Some(StringValue::Int(v)) => Some(num::format_i64(*v)),
                    _ => None,
                })
                .collect();
            let slices: Vec<&[u8]> = sources
                .iter()
                .zip(&ints)
                .map(|(k, int)| match (int, value(k)) {
                    (Some(text), _) => text.as_slice(),
                    (None, Some(s)) => s.as_bytes().unwrap_or_default(),
                    (None, None) => &[],
                })
                .collect();
            bits::combine(op, &slices)
        };
        let len = result.len();
        if len == 0 {
            self.remove_emptied(dest);
        } else {
            // Redis's setKey looks the destination up for writing first
            // (expiry, access time) and an overwrite keeps an LFU counter.
            self.lookup_write(dest);
            self.set_key(dest, Value::String(StringValue::Raw(result)), false);
        }
        Ok(len)
    }
}

#[cfg(test)]
mod tests;
