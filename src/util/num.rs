//! Numbers exactly as Redis parses and prints them.
//!
//! Integers follow Redis's strict `string2ll` rules: optional `-`, no `+`, no
//! leading zeros, no spaces, `-0` rejected, at most 20 characters, within
//! `i64`. Only such canonical text can be stored with the `int` encoding.

/// Parses a canonical 64-bit signed decimal, the way Redis's `string2ll` does.
///
/// ```
/// use embedis::util::num::parse_i64;
/// assert_eq!(parse_i64(b"-42"), Some(-42));
/// assert_eq!(parse_i64(b"042"), None);
/// assert_eq!(parse_i64(b"-0"), None);
/// assert_eq!(parse_i64(b"+1"), None);
/// ```
pub fn parse_i64(s: &[u8]) -> Option<i64> {
    if s.is_empty() || s.len() > 20 {
        return None;
    }
    if s == b"0" {
        return Some(0);
    }
    let (neg, digits) = match s[0] {
        b'-' => (true, &s[1..]),
        _ => (false, s),
    };
    match digits.first() {
        Some(b'1'..=b'9') => {}
        _ => return None,
    }
    let mut v: u64 = 0;
    for &d in digits {
        if !d.is_ascii_digit() {
            return None;
        }
        v = v.checked_mul(10)?.checked_add(u64::from(d - b'0'))?;
    }
    if neg {
        if v > i64::MAX as u64 + 1 {
            return None;
        }
        Some((v as i64).wrapping_neg())
    } else {
        i64::try_from(v).ok()
    }
}

/// Formats an integer as decimal bytes.
pub fn format_i64(v: i64) -> Vec<u8> {
    let mut buf = itoa_buf();
    write_i64(&mut buf, v).to_vec()
}

/// A stack buffer large enough for any `i64`.
pub(crate) fn itoa_buf() -> [u8; 20] {
    [0; 20]
}

/// Writes `v` in decimal at the end of `buf` and returns the written part.
pub(crate) fn write_i64(buf: &mut [u8; 20], v: i64) -> &[u8] {
    let mut n = v.unsigned_abs();
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    if v < 0 {
        i -= 1;
        buf[i] = b'-';
    }
    &buf[i..]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_edges() {
        assert_eq!(parse_i64(b"0"), Some(0));
        assert_eq!(parse_i64(b"9223372036854775807"), Some(i64::MAX));
        assert_eq!(parse_i64(b"-9223372036854775808"), Some(i64::MIN));
        assert_eq!(parse_i64(b"9223372036854775808"), None);
        assert_eq!(parse_i64(b"-9223372036854775809"), None);
        assert_eq!(parse_i64(b""), None);
        assert_eq!(parse_i64(b"-"), None);
        assert_eq!(parse_i64(b" 1"), None);
        assert_eq!(parse_i64(b"1 "), None);
        assert_eq!(parse_i64(b"00"), None);
        assert_eq!(parse_i64(b"123456789012345678901"), None);
    }

    #[test]
    fn format_roundtrip() {
        for v in [0, 1, -1, 10, -10, i64::MAX, i64::MIN, 1234567890] {
            assert_eq!(format_i64(v), v.to_string().into_bytes());
            assert_eq!(parse_i64(&format_i64(v)), Some(v));
        }
    }
}
