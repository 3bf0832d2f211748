//! LEB128 lengths: seven bits a byte, the low group first, the top bit set
//! on every byte but the last (so values below 128 take one byte). The
//! hash table's pair blocks and the sorted-set blocks' member slabs prefix
//! each byte string with one; [`len`] of a value is exactly what [`push`]
//! writes, so a validator can reject a non-minimal form by comparing the
//! bytes [`read`] consumed with `len` of what it returned.

/// Bytes the LEB128 form of `n` takes.
#[inline]
pub fn len(mut n: usize) -> usize {
    let mut bytes = 1;
    while n >= 0x80 {
        n >>= 7;
        bytes += 1;
    }
    bytes
}

/// Appends the LEB128 form of `n` to `out`.
#[inline]
pub fn push(out: &mut Vec<u8>, mut n: usize) {
    loop {
        let low = (n & 0x7F) as u8;
        n >>= 7;
        if n == 0 {
            out.push(low);
            return;
        }
        out.push(low | 0x80);
    }
}

/// Reads a LEB128 value at the start of `buf`: (value, bytes used), or
/// None when `buf` ends inside it or it runs past ten bytes.
#[inline]
pub fn read(buf: &[u8]) -> Option<(usize, usize)> {
    match buf.first() {
        Some(&b) if b < 0x80 => Some((usize::from(b), 1)),
        _ => read_long(buf),
    }
}

/// [`read`] for values of two bytes or more.
fn read_long(buf: &[u8]) -> Option<(usize, usize)> {
    let mut n = 0usize;
    for (i, &b) in buf.iter().enumerate().take(10) {
        n |= usize::from(b & 0x7F).checked_shl(7 * i as u32)?;
        if b & 0x80 == 0 {
            return Some((n, i + 1));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_at_group_boundaries() {
        for n in [0, 1, 127, 128, 16_383, 16_384, 1 << 21, usize::MAX >> 1] {
            let mut out = Vec::new();
            push(&mut out, n);
            assert_eq!(out.len(), len(n), "{n}");
            assert_eq!(read(&out), Some((n, out.len())), "{n}");
            assert_eq!(read(&out[..out.len() - 1]), None, "{n} truncated");
        }
        assert_eq!(read(&[0x80; 11]), None);
        assert_eq!(read(&[]), None);
    }
}
