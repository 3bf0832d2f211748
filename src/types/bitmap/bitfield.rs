//! BITFIELD and BITFIELD_RO: integer fields of 1 to 64 bits at arbitrary
//! bit offsets of a string.
//!
//! # Format
//!
//! A field is the big-endian bit string at its offset (see [`super::bits`]);
//! signed fields are two's complement.
//!
//! # Overflow
//!
//! SET and INCRBY results that do not fit the type follow the current
//! OVERFLOW mode: WRAP (modular, the default), SAT (clamp), or FAIL (reply
//! nil and leave the field alone). The overflow tests reproduce Redis's
//! 64-bit arithmetic exactly, including its quirks (an unsigned SET of a
//! negative value saturates to the maximum; a signed SET of a very negative
//! value into a narrow type saturates to the maximum too, because Redis's
//! limit arithmetic wraps).
//!
//! # Compatibility
//!
//! Every operation is validated before any runs. When some operation writes,
//! the string is created or grown to its highest written bit first, even if
//! FAIL then suppresses every write.

use crate::error::{Error, Result};
use crate::keyspace::Keyspace;

use super::bits::{get_field, set_field};
use super::check_offset;

/// The error for a malformed type.
const TYPE_ERR: &str = "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.";
/// The error for BITFIELD_RO with a write.
const RO_ERR: &str = "ERR BITFIELD_RO only supports the GET subcommand";

/// A BITFIELD integer type: `i1` to `i64` or `u1` to `u63`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct BitfieldType {
    signed: bool,
    bits: u8,
}

impl BitfieldType {
    /// A signed (`iN`) or unsigned (`uN`) type of `bits` bits.
    ///
    /// # Errors
    /// `ERR Invalid bitfield type. ...` unless `1 <= bits <= 64` (signed) or
    /// `1 <= bits <= 63` (unsigned).
    pub fn new(signed: bool, bits: u32) -> Result<Self> {
        let max = if signed { 64 } else { 63 };
        if !(1..=max).contains(&bits) {
            return Err(Error::other(TYPE_ERR));
        }
        Ok(BitfieldType {
            signed,
            bits: bits as u8,
        })
    }

    /// Parses a type as BITFIELD does: `i` or `u` then a strict integer (the
    /// text after a NUL byte is ignored, as Redis reads it as a C string).
    ///
    /// # Errors
    /// `ERR Invalid bitfield type. ...`
    pub fn parse(text: &[u8]) -> Result<Self> {
        let signed = match text.first() {
            Some(b'i') => true,
            Some(b'u') => false,
            _ => return Err(Error::other(TYPE_ERR)),
        };
        let rest = &text[1..];
        let digits = &rest[..rest.iter().position(|&b| b == 0).unwrap_or(rest.len())];
        let bits = crate::util::num::parse_i64(digits).ok_or(Error::other(TYPE_ERR))?;
        Self::new(signed, u32::try_from(bits).unwrap_or(0))
    }

    /// True for `iN` types.
    pub fn signed(self) -> bool {
        self.signed
    }

    /// The width in bits.
    pub fn bits(self) -> u32 {
        u32::from(self.bits)
    }
}

/// What BITFIELD does with a SET or INCRBY result that does not fit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum BitfieldOverflow {
    /// `WRAP`: keep the low bits (two's complement for signed types).
    #[default]
    Wrap,
    /// `SAT`: clamp to the type's minimum or maximum.
    Sat,
    /// `FAIL`: reply nil and write nothing.
    Fail,
}

/// One BITFIELD subcommand. Offsets are bit offsets (the `#N` form already
/// multiplied by the width).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BitfieldOp {
    /// `GET type offset`: the field's value.
    Get {
        /// The field type.
        ty: BitfieldType,
        /// Bit offset of the field.
        offset: u64,
    },
    /// `SET type offset value`: stores `value`, replies the old value.
    Set {
        /// The field type.
        ty: BitfieldType,
        /// Bit offset of the field.
        offset: u64,
        /// The value to store.
        value: i64,
    },
    /// `INCRBY type offset increment`: adds, replies the new value.
    IncrBy {
        /// The field type.
        ty: BitfieldType,
        /// Bit offset of the field.
        offset: u64,
        /// The increment (may be negative).
        increment: i64,
    },
    /// `OVERFLOW WRAP|SAT|FAIL`: the mode for the SET/INCRBY ops after it.
    Overflow(BitfieldOverflow),
}

/// Redis's unsigned overflow test: `Some(replacement)` when `value + incr`
/// does not fit `bits` bits (the replacement is unused under FAIL).
fn unsigned_overflow(value: u64, incr: i64, bits: u32, mode: BitfieldOverflow) -> Option<u64> {
    let max = (1u64 << bits) - 1;
    let max_incr = max.wrapping_sub(value) as i64;
    let min_incr = value.wrapping_neg() as i64;
    let wrapped = value.wrapping_add(incr as u64) & max;
    let pick = |limit| match mode {
        BitfieldOverflow::Wrap => wrapped,
        BitfieldOverflow::Sat => limit,
        BitfieldOverflow::Fail => 0,
    };
    if value > max || (incr > 0 && incr > max_incr) {
        Some(pick(max))
    } else if incr < 0 && incr < min_incr {
        Some(pick(0))
    } else {
        None
    }
}

/// Redis's signed overflow test, with its wrapping limit arithmetic.
fn signed_overflow(value: i64, incr: i64, bits: u32, mode: BitfieldOverflow) -> Option<i64> {
    let max = if bits == 64 {
        i64::MAX
    } else {
        (1i64 << (bits - 1)) - 1
    };
    let min = -max - 1;
    let max_incr = (max as u64).wrapping_sub(value as u64) as i64;
    let min_incr = min.wrapping_sub(value);
    let pick = |limit| match mode {
        BitfieldOverflow::Wrap => sign_extend(value.wrapping_add(incr) as u64, bits),
        BitfieldOverflow::Sat => limit,
        BitfieldOverflow::Fail => 0,
    };
    let narrow = bits != 64;
    if value > max || (narrow && incr > max_incr) || (value >= 0 && incr > 0 && incr > max_incr) {
        Some(pick(max))
    } else if value < min
        || (narrow && incr < min_incr)
        || (value < 0 && incr < 0 && incr < min_incr)
    {
        Some(pick(min))
    } else {
        None
    }
}

/// The low `bits` of `raw` as a two's complement number.
fn sign_extend(raw: u64, bits: u32) -> i64 {
    if bits < 64 && raw & (1 << (bits - 1)) != 0 {
        (raw | (u64::MAX << bits)) as i64
    } else if bits < 64 {
        (raw & !(u64::MAX << bits)) as i64
    } else {
        raw as i64
    }
}

/// Reads a field as its reply value.
fn read(bytes: &[u8], ty: BitfieldType, offset: u64) -> i64 {
    let raw = get_field(bytes, offset, ty.bits());
    if ty.signed {
        sign_extend(raw, ty.bits())
    } else {
        raw as i64
    }
}

/// Runs a SET (`incr == false`) or INCRBY on `buf`: the reply (None when
/// FAIL refused) and whether the field changed.
fn write(
    buf: &mut [u8],
    ty: BitfieldType,
    offset: u64,
    arg: i64,
    incr: bool,
    mode: BitfieldOverflow,
) -> (Option<i64>, bool) {
    let bits = ty.bits();
    let old = get_field(buf, offset, bits);
    let (new, overflow, reply) = if ty.signed {
        let old = sign_extend(old, bits);
        let (base, add) = if incr { (old, arg) } else { (arg, 0) };
        let over = signed_overflow(base, add, bits, mode);
        let new = over.unwrap_or(base.wrapping_add(add));
        (new as u64, over.is_some(), if incr { new } else { old })
    } else {
        let (base, add) = if incr { (old, arg) } else { (arg as u64, 0) };
        let over = unsigned_overflow(base, add, bits, mode);
        let new = over.unwrap_or(base.wrapping_add(add as u64));
        (new, over.is_some(), if incr { new } else { old } as i64)
    };
    if overflow && mode == BitfieldOverflow::Fail {
        return (None, false);
    }
    set_field(buf, offset, bits, new);
    let mask = if bits == 64 {
        u64::MAX
    } else {
        (1 << bits) - 1
    };
    (Some(reply), old != new & mask)
}

/// Runs BITFIELD's operations on a buffer already grown to hold every
/// written field; `grew` when the string was created or grew. Returns the
/// replies and the number of changes Redis counts.
fn apply_ops(buf: &mut [u8], grew: bool, ops: &[BitfieldOp]) -> (Vec<Option<i64>>, u64) {
    let mut mode = BitfieldOverflow::Wrap;
    let mut changes = 0;
    let mut out = Vec::with_capacity(ops.len());
    for op in ops {
        let (reply, did) = match *op {
            BitfieldOp::Overflow(m) => {
                mode = m;
                continue;
            }
            BitfieldOp::Get { ty, offset } => (Some(read(buf, ty, offset)), false),
            BitfieldOp::Set { ty, offset, value } => write(buf, ty, offset, value, false, mode),
            BitfieldOp::IncrBy {
                ty,
                offset,
                increment,
            } => write(buf, ty, offset, increment, true, mode),
        };
        // Redis counts a write that changed the field, or any write that
        // FAIL did not refuse on a new or grown string, as one change.
        let wrote = reply.is_some() && !matches!(op, BitfieldOp::Get { .. });
        changes += u64::from(did || (grew && wrote));
        out.push(reply);
    }
    (out, changes)
}

impl Keyspace {
    /// ```text
    /// BITFIELD key [GET type offset | [OVERFLOW WRAP|SAT|FAIL]
    ///     (SET type offset value | INCRBY type offset increment)] ...
    /// ```
    /// Runs the operations in order; one reply per GET/SET/INCRBY: GET the
    /// value, SET the old value, INCRBY the new value, `None` when OVERFLOW
    /// FAIL refused a write. With any SET/INCRBY the string is created or
    /// grown (zero bytes) to the highest written bit before anything runs.
    ///
    /// ```
    /// use embedis::{BitfieldOp, BitfieldOverflow, BitfieldType};
    /// # let mut ks = embedis::Keyspace::new(embedis::Config::default());
    /// // Four saturating 4-bit counters packed in two bytes.
    /// let u4 = BitfieldType::new(false, 4)?;
    /// let ops = [
    ///     BitfieldOp::Overflow(BitfieldOverflow::Sat),
    ///     BitfieldOp::IncrBy { ty: u4, offset: 4, increment: 20 },
    ///     BitfieldOp::Get { ty: u4, offset: 0 },
    /// ];
    /// assert_eq!(ks.bitfield(b"counters", &ops)?, [Some(15), Some(0)]);
    /// assert_eq!(ks.get(b"counters")?.unwrap(), [0x0f]);
    /// # Ok::<(), embedis::Error>(())
    /// ```
    ///
    /// # Complexity
    /// O(1) per operation, plus O(n) to grow the string.
    ///
    /// # Errors
    /// `ERR bit offset is not an integer or out of range` for an offset at or
    /// past `8 * proto-max-bulk-len` (checked for every op before any runs);
    /// [`Error::WrongType`].
    ///
    /// [`Error::OutOfMemory`](crate::Error::OutOfMemory) when used memory is over `maxmemory`
    /// and eviction cannot bring it under; nothing is changed then.
    pub fn bitfield(&mut self, key: &[u8], ops: &[BitfieldOp]) -> Result<Vec<Option<i64>>> {
        self.make_room()?;
        self.bitfield_generic(key, ops, false)
    }

    /// ```text
    /// BITFIELD_RO key [GET type offset ...]
    /// ```
    /// The read-only variant of [`Keyspace::bitfield`] (OVERFLOW is accepted
    /// and ignored).
    ///
    /// # Complexity
    /// O(1) per operation.
    ///
    /// # Errors
    /// `ERR BITFIELD_RO only supports the GET subcommand` when `ops` holds a
    /// SET or INCRBY; otherwise as [`Keyspace::bitfield`].
    pub fn bitfield_ro(&mut self, key: &[u8], ops: &[BitfieldOp]) -> Result<Vec<Option<i64>>> {
        self.bitfield_generic(key, ops, true)
    }

    fn bitfield_generic(
        &mut self,
        key: &[u8],
        ops: &[BitfieldOp],
        read_only: bool,
    ) -> Result<Vec<Option<i64>>> {
        let limit = self.config.proto_max_bulk_len;
        let mut highest: Option<u64> = None;
        for op in ops {
            match *op {
                BitfieldOp::Get { offset, .. } => {
                    check_offset(offset, limit)?;
                }
                BitfieldOp::Set { ty, offset, .. } | BitfieldOp::IncrBy { ty, offset, .. } => {
                    check_offset(offset, limit)?;
                    let last = offset + u64::from(ty.bits()) - 1;
                    highest = Some(highest.map_or(last, |h| h.max(last)));
                }
                BitfieldOp::Overflow(_) => {}
            }
        }
        let Some(highest) = highest else {
            return self.bitfield_read(key, ops);
        };
        if read_only {
            return Err(Error::other(RO_ERR));
        }
        let (out, changes) = self.edit_bits(key, (highest / 8) as usize + 1, |buf, grew| {
            apply_ops(buf, grew, ops)
        })?;
        if changes > 0 {
            // One modification signal; the write counter counts each change.
            self.signal_modified(key);
            self.stats.dirty += changes - 1;
        }
        Ok(out)
    }

    /// BITFIELD with only GETs: reads, never creates the key.
    fn bitfield_read(&mut self, key: &[u8], ops: &[BitfieldOp]) -> Result<Vec<Option<i64>>> {
        let s = self.read_string(key)?;
        let run = |bytes: &[u8]| {
            ops.iter()
                .filter_map(|op| match *op {
                    BitfieldOp::Get { ty, offset } => Some(Some(read(bytes, ty, offset))),
                    _ => None,
                })
                .collect()
        };
        Ok(match s {
            Some(s) => s.with_bytes(run),
            None => run(&[]),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use BitfieldOverflow::{Fail, Sat, Wrap};

    #[test]
    fn types_parse_like_redis() {
        assert_eq!(BitfieldType::parse(b"i64").unwrap().bits(), 64);
        assert!(!BitfieldType::parse(b"u63").unwrap().signed());
        assert_eq!(BitfieldType::parse(b"u8\0junk").unwrap().bits(), 8);
        for bad in [
            &b"u64"[..],
            b"i65",
            b"i0",
            b"u",
            b"",
            b"I8",
            b"i08",
            b"i+8",
            b"i-8",
            b"x8",
        ] {
            assert_eq!(
                BitfieldType::parse(bad).unwrap_err().to_string(),
                TYPE_ERR,
                "{bad:?}"
            );
        }
    }

    #[test]
    fn unsigned_limits() {
        assert_eq!(unsigned_overflow(255, 1, 8, Wrap), Some(0));
        assert_eq!(unsigned_overflow(255, 1, 8, Sat), Some(255));
        assert_eq!(unsigned_overflow(0, -1, 8, Sat), Some(0));
        assert_eq!(unsigned_overflow(0, -1, 8, Wrap), Some(255));
        assert_eq!(unsigned_overflow(10, -10, 8, Sat), None);
        // An unsigned SET of a negative value is "too big": SAT gives max.
        assert_eq!(unsigned_overflow(u64::MAX, 0, 8, Sat), Some(255));
        assert_eq!(unsigned_overflow(u64::MAX, 0, 8, Wrap), Some(255));
        let max63 = (1u64 << 63) - 1;
        assert_eq!(unsigned_overflow(max63, 1, 63, Wrap), Some(0));
        assert_eq!(unsigned_overflow(0, i64::MIN, 63, Wrap), Some(0));
    }

    #[test]
    fn signed_limits() {
        assert_eq!(signed_overflow(127, 1, 8, Wrap), Some(-128));
        assert_eq!(signed_overflow(127, 1, 8, Sat), Some(127));
        assert_eq!(signed_overflow(-128, -1, 8, Sat), Some(-128));
        assert_eq!(signed_overflow(-128, -1, 8, Wrap), Some(127));
        assert_eq!(signed_overflow(i64::MAX, 1, 64, Wrap), Some(i64::MIN));
        assert_eq!(signed_overflow(i64::MIN, -1, 64, Sat), Some(i64::MIN));
        assert_eq!(signed_overflow(i64::MIN, i64::MAX, 64, Sat), None);
        assert_eq!(signed_overflow(-1, 0, 1, Sat), None);
        assert_eq!(signed_overflow(1, 0, 1, Sat), Some(0));
        // Redis's wrapping limit arithmetic: a very negative SET into i8
        // reads as a positive overflow.
        assert_eq!(signed_overflow(i64::MIN, 0, 8, Sat), Some(127));
    }

    #[test]
    fn write_refused_under_fail() {
        let ty = BitfieldType::new(false, 8).unwrap();
        let mut buf = [0xffu8, 0];
        assert_eq!(write(&mut buf, ty, 0, 1, true, Fail), (None, false));
        assert_eq!(buf, [0xff, 0]);
        assert_eq!(write(&mut buf, ty, 4, 1, false, Fail), (Some(0xf0), true));
        assert_eq!(buf, [0xf0, 0x10]);
    }
}
