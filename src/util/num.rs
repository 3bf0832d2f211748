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
    let (neg, digits) = match s.first()? {
        b'-' => (true, &s[1..]),
        _ => (false, s),
    };
    match digits {
        [b'0'] if !neg => return Some(0),
        [b'1'..=b'9', ..] if digits.len() <= 19 => {}
        _ => return None,
    }
    // At most 19 digits: below 10^19, so the sum cannot overflow a u64.
    let mut v: u64 = 0;
    for &d in digits {
        let d = d.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        v = v * 10 + u64::from(d);
    }
    if neg {
        (v <= i64::MAX as u64 + 1).then(|| (v as i64).wrapping_neg())
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
        for bad in [
            &b"-0"[..],
            b"+5",
            b"007",
            b"-07",
            b"1a",
            b"9999999999999999999",
            b"-9999999999999999999",
            b"18446744073709551615",
            b"99999999999999999999",
            b"-99999999999999999999",
        ] {
            assert_eq!(parse_i64(bad), None, "{:?}", String::from_utf8_lossy(bad));
        }
        assert_eq!(
            parse_i64(b"1000000000000000000"),
            Some(1_000_000_000_000_000_000)
        );
        assert_eq!(parse_i64(b"-1"), Some(-1));
    }

    #[test]
    fn format_roundtrip() {
        for v in [0, 1, -1, 10, -10, i64::MAX, i64::MIN, 1234567890] {
            assert_eq!(format_i64(v), v.to_string().into_bytes());
            assert_eq!(parse_i64(&format_i64(v)), Some(v));
        }
    }
}
