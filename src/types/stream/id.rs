//! Stream entry IDs: `ms-seq` pairs, their parsing rules and arithmetic.

use std::fmt;

use crate::error::{Error, Result};
use crate::util::num::parse_i64;

/// A stream entry ID: milliseconds and a sequence number, ordered as the
/// pair `(ms, seq)`. Printed as `ms-seq`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct StreamId {
    /// Milliseconds part.
    pub ms: u64,
    /// Sequence part.
    pub seq: u64,
}

impl StreamId {
    /// `0-0`, the smallest ID.
    pub const MIN: StreamId = StreamId { ms: 0, seq: 0 };
    /// `18446744073709551615-18446744073709551615`, the largest ID.
    pub const MAX: StreamId = StreamId {
        ms: u64::MAX,
        seq: u64::MAX,
    };

    /// An ID from its two parts.
    pub const fn new(ms: u64, seq: u64) -> Self {
        StreamId { ms, seq }
    }

    /// True for `0-0`.
    pub fn is_zero(self) -> bool {
        self == StreamId::MIN
    }

    /// The next ID, None after the largest.
    pub fn incr(self) -> Option<StreamId> {
        match self.seq.checked_add(1) {
            Some(seq) => Some(StreamId { ms: self.ms, seq }),
            None => self.ms.checked_add(1).map(|ms| StreamId { ms, seq: 0 }),
        }
    }

    /// The previous ID, None before `0-0`.
    pub fn decr(self) -> Option<StreamId> {
        match self.seq.checked_sub(1) {
            Some(seq) => Some(StreamId { ms: self.ms, seq }),
            None => self
                .ms
                .checked_sub(1)
                .map(|ms| StreamId { ms, seq: u64::MAX }),
        }
    }

    /// The printed form `ms-seq` as bytes.
    pub fn to_bytes(self) -> Vec<u8> {
        self.to_string().into_bytes()
    }

    /// Parses an ID argument as stream commands do: `ms-seq`, or `ms` alone
    /// (the sequence is then `missing_seq`), and unless `strict`, `-` and `+`
    /// for the smallest and largest IDs.
    ///
    /// # Errors
    /// `ERR Invalid stream ID specified as stream command argument`.
    pub fn parse(arg: &[u8], missing_seq: u64, strict: bool) -> Result<StreamId> {
        let (id, _) = parse_parts(arg, missing_seq, strict, false)?;
        Ok(id)
    }

    /// Parses XADD's explicit ID: like [`StreamId::parse`] (strict) but also
    /// accepting `ms-*`. Returns the ID and whether the sequence was given.
    ///
    /// # Errors
    /// `ERR Invalid stream ID specified as stream command argument`.
    pub fn parse_for_add(arg: &[u8]) -> Result<(StreamId, bool)> {
        parse_parts(arg, 0, true, true)
    }
}

impl fmt::Display for StreamId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.ms, self.seq)
    }
}

/// The error every malformed ID gets.
pub(crate) fn invalid_id() -> Error {
    Error::other("ERR Invalid stream ID specified as stream command argument")
}

fn parse_parts(arg: &[u8], missing_seq: u64, strict: bool, star: bool) -> Result<(StreamId, bool)> {
    if arg.len() > 127 {
        return Err(invalid_id());
    }
    // Redis copies the argument into a C string: a NUL ends it.
    let arg = &arg[..arg.iter().position(|&b| b == 0).unwrap_or(arg.len())];
    match arg {
        b"-" | b"+" if strict => return Err(invalid_id()),
        b"-" => return Ok((StreamId::MIN, true)),
        b"+" => return Ok((StreamId::MAX, true)),
        _ => {}
    }
    let (ms_part, seq_part) = match arg.iter().position(|&b| b == b'-') {
        Some(dash) => (&arg[..dash], Some(&arg[dash + 1..])),
        None => (arg, None),
    };
    let ms = string2ull(ms_part).ok_or_else(invalid_id)?;
    match seq_part {
        None => Ok((StreamId::new(ms, missing_seq), true)),
        Some(b"*") if star => Ok((StreamId::new(ms, 0), false)),
        Some(s) => Ok((
            StreamId::new(ms, string2ull(s).ok_or_else(invalid_id)?),
            true,
        )),
    }
}

/// Redis's `string2ull`: a canonical signed integer that is not negative,
/// else C's `strtoull` in base 10 over the whole string (leading white
/// space and a sign allowed, `-` wrapping, overflow refused).
pub(crate) fn string2ull(s: &[u8]) -> Option<u64> {
    if let Some(v) = parse_i64(s) {
        return u64::try_from(v).ok();
    }
    let mut i = 0;
    while i < s.len() && matches!(s[i], b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r') {
        i += 1;
    }
    let mut negative = false;
    if i < s.len() && (s[i] == b'+' || s[i] == b'-') {
        negative = s[i] == b'-';
        i += 1;
    }
    let digits = &s[i..];
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let mut v: u64 = 0;
    for &d in digits {
        v = v.checked_mul(10)?.checked_add(u64::from(d - b'0'))?;
    }
    Some(if negative { v.wrapping_neg() } else { v })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_forms() {
        assert_eq!(StreamId::parse(b"5", 7, false), Ok(StreamId::new(5, 7)));
        assert_eq!(StreamId::parse(b"5-3", 7, false), Ok(StreamId::new(5, 3)));
        assert_eq!(StreamId::parse(b"-", 0, false), Ok(StreamId::MIN));
        assert_eq!(StreamId::parse(b"+", 0, false), Ok(StreamId::MAX));
        assert!(StreamId::parse(b"+", 0, true).is_err());
        assert_eq!(StreamId::parse(b"007", 0, true), Ok(StreamId::new(7, 0)));
        assert_eq!(StreamId::parse(b" +7", 0, true), Ok(StreamId::new(7, 0)));
        assert!(StreamId::parse(b"1-", 0, true).is_err());
        assert!(StreamId::parse(b"1--1", 0, true).is_err());
        assert!(StreamId::parse(b"18446744073709551616", 0, true).is_err());
        assert_eq!(
            StreamId::parse_for_add(b"3-*"),
            Ok((StreamId::new(3, 0), false))
        );
        assert!(StreamId::parse(b"3-*", 0, true).is_err());
    }

    #[test]
    fn incr_decr_carry() {
        assert_eq!(StreamId::new(1, u64::MAX).incr(), Some(StreamId::new(2, 0)));
        assert_eq!(StreamId::MAX.incr(), None);
        assert_eq!(StreamId::new(2, 0).decr(), Some(StreamId::new(1, u64::MAX)));
        assert_eq!(StreamId::MIN.decr(), None);
    }
}
