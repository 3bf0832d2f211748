//! One listpack entry on its own: the tag and length prefix, the
//! integer and string encodings, the backward length, decoding, and the
//! per-entry check (the byte layout is in the parent module's essay).
//! Whole-listpack operations live in the parent.

use super::{EOF, Elem, TAG_INT16, TAG_INT24, TAG_INT32, TAG_INT64, TAG_STR32};
use crate::encoding::Corrupt;
use crate::util::num::parse_i64;

/// Size of the tag-plus-length prefix for a tag byte, or None if unused.
pub(super) fn prefix_len(tag: u8) -> Option<usize> {
    match tag {
        0x00..=0xDF => Some(1),
        0xE0..=0xEF => Some(2),
        TAG_STR32 => Some(5),
        TAG_INT16..=TAG_INT64 | EOF => Some(1),
        _ => None,
    }
}

/// Encoding size (prefix and payload, no backlen) of the entry at `p`.
/// The caller guarantees `buf[p..p + prefix_len]` is readable.
pub(super) fn encoded_len(buf: &[u8], p: usize) -> Option<u64> {
    let tag = buf[p];
    Some(match tag {
        0x00..=0x7F => 1,
        0x80..=0xBF => 1 + u64::from(tag & 0x3F),
        0xC0..=0xDF => 2,
        0xE0..=0xEF => 2 + (u64::from(tag & 0x0F) << 8 | u64::from(buf[p + 1])),
        TAG_STR32 => 5 + u64::from(le_u32(&buf[p + 1..p + 5])),
        TAG_INT16 => 3,
        TAG_INT24 => 4,
        TAG_INT32 => 5,
        TAG_INT64 => 9,
        EOF => 1,
        _ => return None,
    })
}

pub(super) fn le_u32(b: &[u8]) -> u32 {
    u32::from_le_bytes([b[0], b[1], b[2], b[3]])
}

/// How many bytes the backlen of an `n`-byte encoding takes.
pub(super) fn backlen_size(n: u64) -> usize {
    match n {
        0..=127 => 1,
        128..16383 => 2,
        16383..2097151 => 3,
        2097151..268435455 => 4,
        _ => 5,
    }
}

/// Appends the backlen of an `n`-byte encoding.
pub(super) fn push_backlen(out: &mut Vec<u8>, n: u64) {
    if n <= 127 {
        out.push(n as u8);
        return;
    }
    let size = backlen_size(n);
    for i in (0..size).rev() {
        let group = ((n >> (7 * i)) & 0x7F) as u8;
        out.push(if i + 1 == size { group } else { group | 0x80 });
    }
}

/// Reads a backlen whose last byte is at `end`, walking left. None if it
/// would run past the buffer start or use more than five bytes.
pub(super) fn read_backlen(buf: &[u8], end: usize) -> Option<u64> {
    let mut value = 0u64;
    for i in 0..5 {
        let byte = buf[end.checked_sub(i)?];
        value |= u64::from(byte & 0x7F) << (7 * i);
        if byte & 0x80 == 0 {
            return Some(value);
        }
    }
    None
}

/// Decodes the entry at `p` of a valid buffer: its element and full size.
#[inline]
pub(super) fn decode(buf: &[u8], p: usize) -> (Elem<'_>, usize) {
    let tag = buf[p];
    let int_at = |n: usize| {
        let mut raw = [0u8; 8];
        raw[..n].copy_from_slice(&buf[p + 1..p + 1 + n]);
        let shift = 64 - 8 * n as u32;
        (i64::from_le_bytes(raw) << shift) >> shift
    };
    let (elem, enc) = match tag {
        0x00..=0x7F => (Elem::Int(i64::from(tag)), 1),
        0x80..=0xBF => {
            let len = usize::from(tag & 0x3F);
            (Elem::Str(&buf[p + 1..p + 1 + len]), 1 + len)
        }
        0xC0..=0xDF => {
            let raw = i64::from(tag & 0x1F) << 8 | i64::from(buf[p + 1]);
            (Elem::Int(if raw >= 4096 { raw - 8192 } else { raw }), 2)
        }
        0xE0..=0xEF => {
            let len = usize::from(tag & 0x0F) << 8 | usize::from(buf[p + 1]);
            (Elem::Str(&buf[p + 2..p + 2 + len]), 2 + len)
        }
        TAG_STR32 => {
            let len = le_u32(&buf[p + 1..p + 5]) as usize;
            (Elem::Str(&buf[p + 5..p + 5 + len]), 5 + len)
        }
        TAG_INT16 => (Elem::Int(int_at(2)), 3),
        TAG_INT24 => (Elem::Int(int_at(3)), 4),
        TAG_INT32 => (Elem::Int(int_at(4)), 5),
        TAG_INT64 => (Elem::Int(int_at(8)), 9),
        _ => unreachable!("decode called on a terminator or unused tag"),
    };
    (elem, enc + backlen_size(enc as u64))
}

/// The size (encoding plus backlen) of the entry at `p` of a valid
/// buffer, read from its tag and length alone.
pub(super) fn entry_size(buf: &[u8], p: usize) -> usize {
    let tag = buf[p];
    let enc = match tag {
        0x00..=0x7F => 1,
        0x80..=0xBF => 1 + usize::from(tag & 0x3F),
        0xC0..=0xDF => 2,
        0xE0..=0xEF => 2 + (usize::from(tag & 0x0F) << 8 | usize::from(buf[p + 1])),
        TAG_STR32 => 5 + le_u32(&buf[p + 1..p + 5]) as usize,
        TAG_INT16 => 3,
        TAG_INT24 => 4,
        TAG_INT32 => 5,
        _ => 9,
    };
    enc + backlen_size(enc as u64)
}

/// Whether the entry at `p` of a valid buffer equals `needle` (as
/// [`Elem::matches`]; `wanted` is `needle` read as a canonical integer),
/// and the entry's size. Strings compare their length before their bytes;
/// integer entries are compared only when `needle` is an integer, without
/// formatting either side.
pub(super) fn entry_matches(
    buf: &[u8],
    p: usize,
    needle: &[u8],
    wanted: Option<i64>,
) -> (bool, usize) {
    let tag = buf[p];
    let (start, len) = match tag {
        0x80..=0xBF => (p + 1, usize::from(tag & 0x3F)),
        0xE0..=0xEF => (
            p + 2,
            usize::from(tag & 0x0F) << 8 | usize::from(buf[p + 1]),
        ),
        TAG_STR32 => (p + 5, le_u32(&buf[p + 1..p + 5]) as usize),
        _ => {
            let size = entry_size(buf, p);
            let hit = wanted.is_some_and(|w| decode(buf, p).0 == Elem::Int(w));
            return (hit, size);
        }
    };
    let enc = start - p + len;
    let hit = len == needle.len() && same_bytes(&buf[start..start + len], needle);
    (hit, enc + backlen_size(enc as u64))
}

/// Whether two slices of equal length hold the same bytes. Short ones (a
/// hash's typical fields) are compared in line: a call to `memcmp` costs
/// more than the comparison.
#[inline]
pub(super) fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    if a.len() <= 16 {
        a.iter().zip(b).all(|(x, y)| x == y)
    } else {
        a == b
    }
}

/// Whether two slices of equal length, 1 to 63 bytes, hold the same
/// bytes: up to 16 compared as two overlapping words (first and last 8,
/// or 4, bytes; 1 to 3 as first, middle and last byte), fixed-size loads
/// with no loop and no `memcmp`; longer ones as [`same_bytes`] after
/// their first 16.
#[inline(always)]
pub(super) fn eq_short(a: &[u8], b: &[u8]) -> bool {
    debug_assert_eq!(a.len(), b.len());
    let n = a.len();
    if n >= 8 {
        let w = |s: &[u8], at: usize| u64::from_le_bytes(s[at..at + 8].try_into().expect("8"));
        if n <= 16 {
            return w(a, 0) == w(b, 0) && w(a, n - 8) == w(b, n - 8);
        }
        return w(a, 0) == w(b, 0) && w(a, 8) == w(b, 8) && a[16..] == b[16..];
    }
    if n >= 4 {
        let w = |s: &[u8], at: usize| u32::from_le_bytes(s[at..at + 4].try_into().expect("4"));
        return w(a, 0) == w(b, 0) && w(a, n - 4) == w(b, n - 4);
    }
    n == 0 || (a[0] == b[0] && a[n / 2] == b[n / 2] && a[n - 1] == b[n - 1])
}

/// Appends the smallest integer encoding of `v`.
pub(super) fn encode_int(out: &mut Vec<u8>, v: i64) {
    if (0..=127).contains(&v) {
        out.push(v as u8);
    } else if (-4096..=4095).contains(&v) {
        let raw = (v as u16) & 0x1FFF;
        out.extend_from_slice(&[0xC0 | (raw >> 8) as u8, raw as u8]);
    } else if let Ok(v) = i16::try_from(v) {
        out.push(TAG_INT16);
        out.extend_from_slice(&v.to_le_bytes());
    } else if (-(1 << 23)..(1 << 23)).contains(&v) {
        out.push(TAG_INT24);
        out.extend_from_slice(&v.to_le_bytes()[..3]);
    } else if let Ok(v) = i32::try_from(v) {
        out.push(TAG_INT32);
        out.extend_from_slice(&v.to_le_bytes());
    } else {
        out.push(TAG_INT64);
        out.extend_from_slice(&v.to_le_bytes());
    }
}

/// Appends a string encoding of `s`.
pub(super) fn encode_str(out: &mut Vec<u8>, s: &[u8]) {
    let len = s.len();
    if len < 64 {
        out.push(0x80 | len as u8);
    } else if len < 4096 {
        out.extend_from_slice(&[0xE0 | (len >> 8) as u8, len as u8]);
    } else {
        let len = u32::try_from(len).expect("listpack string longer than 4 GiB");
        out.push(TAG_STR32);
        out.extend_from_slice(&len.to_le_bytes());
    }
    out.extend_from_slice(s);
}

/// The size of the smallest integer encoding of `v`.
pub(super) fn int_encoding_len(v: i64) -> usize {
    if (0..=127).contains(&v) {
        1
    } else if (-4096..=4095).contains(&v) {
        2
    } else if i16::try_from(v).is_ok() {
        3
    } else if (-(1 << 23)..(1 << 23)).contains(&v) {
        4
    } else if i32::try_from(v).is_ok() {
        5
    } else {
        9
    }
}

/// The full entry (encoding and backlen) for an element, canonicalised.
pub(super) fn encode_entry(elem: Elem<'_>) -> Vec<u8> {
    let mut out = Vec::new();
    encode_entry_into(&mut out, elem);
    out
}

/// The element as stored: a string that reads as a canonical integer
/// becomes that integer.
pub(super) fn canonical(elem: Elem<'_>) -> Elem<'_> {
    match elem {
        Elem::Str(s) => parse_i64(s).map_or(Elem::Str(s), Elem::Int),
        int => int,
    }
}

/// The size (encoding and backlen) of a [`canonical`] element's entry.
pub(super) fn canonical_size(elem: Elem<'_>) -> usize {
    let enc = match elem {
        Elem::Int(v) => int_encoding_len(v),
        Elem::Str(s) if s.len() < 64 => 1 + s.len(),
        Elem::Str(s) if s.len() < 4096 => 2 + s.len(),
        Elem::Str(s) => 5 + s.len(),
    };
    enc + backlen_size(enc as u64)
}

/// Appends the entry of a [`canonical`] element (a string is written as a
/// string even when it reads as an integer).
pub(super) fn encode_canonical(out: &mut Vec<u8>, elem: Elem<'_>) {
    let start = out.len();
    match elem {
        Elem::Int(v) => encode_int(out, v),
        Elem::Str(s) => encode_str(out, s),
    }
    let n = (out.len() - start) as u64;
    push_backlen(out, n);
}

/// Appends the full entry for an element to `out` (no temporary buffer).
pub(super) fn encode_entry_into(out: &mut Vec<u8>, elem: Elem<'_>) {
    encode_canonical(out, canonical(elem));
}

/// Checks the entry at `p` (an entry, not the terminator) the way Redis's
/// per-entry check does and returns the offset of the next one.
pub(super) fn check_entry(buf: &[u8], p: usize) -> Result<usize, Corrupt> {
    let last = buf.len() - 1;
    let prefix = prefix_len(buf[p]).ok_or(Corrupt("unknown entry encoding"))?;
    if p + prefix > last {
        return Err(Corrupt("entry header past the end"));
    }
    let enc = encoded_len(buf, p).ok_or(Corrupt("unknown entry encoding"))?;
    let back = backlen_size(enc) as u64;
    let total = enc + back;
    if p as u64 + total > last as u64 {
        return Err(Corrupt("entry past the end"));
    }
    let next = p + total as usize;
    if read_backlen(buf, next - 1) != Some(enc) {
        return Err(Corrupt("backlen does not match the entry"));
    }
    Ok(next)
}
