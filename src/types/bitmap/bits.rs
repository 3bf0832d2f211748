//! Bit kernels over byte slices: population count, first-bit search, the
//! BITOP combinations and big-endian bitfield access.
//!
//! # Format
//!
//! A bitmap is a byte string read left to right, most significant bit
//! first: bit `n` lives in byte `n / 8` under the mask `0x80 >> (n % 8)`.
//! A bitfield of `w` bits at offset `o` is the big-endian integer formed by
//! bits `o .. o + w`.
//!
//! # Speed
//!
//! The bulk loops work on 8-byte words (`chunks_exact` + `from_le_bytes`);
//! byte order inside a word does not matter for counting or for AND/OR/XOR,
//! and LLVM turns these loops into SIMD code on its own, so BITCOUNT and
//! BITOP run at close to memory bandwidth without `unsafe`.

/// Bytes per word in the bulk loops.
const WORD: usize = 8;

fn word(chunk: &[u8]) -> u64 {
    let mut w = [0u8; WORD];
    w.copy_from_slice(chunk);
    u64::from_le_bytes(w)
}

/// Number of set bits in `bytes`.
pub(crate) fn popcount(bytes: &[u8]) -> u64 {
    let mut chunks = bytes.chunks_exact(WORD);
    let bulk: u64 = (&mut chunks).map(|c| u64::from(word(c).count_ones())).sum();
    let tail: u64 = chunks
        .remainder()
        .iter()
        .map(|b| u64::from(b.count_ones()))
        .sum();
    bulk + tail
}

/// Number of set bits among bits `first ..= last` (bit positions, MSB-first
/// order; `last` must lie inside `bytes`).
pub(crate) fn popcount_bits(bytes: &[u8], first: u64, last: u64) -> u64 {
    debug_assert!(first <= last && last / 8 < bytes.len() as u64);
    let (lo, hi) = ((first / 8) as usize, (last / 8) as usize);
    let mut count = popcount(&bytes[lo..=hi]);
    count -= u64::from((bytes[lo] & !head_mask(first)).count_ones());
    count -= u64::from((bytes[hi] & !tail_mask(last)).count_ones());
    count
}

/// Mask of the bits of `first`'s byte at or after `first`.
fn head_mask(first: u64) -> u8 {
    0xff >> (first % 8)
}

/// Mask of the bits of `last`'s byte at or before `last`.
fn tail_mask(last: u64) -> u8 {
    0xff << (7 - last % 8)
}

/// Position of the first bit equal to `bit` among bits `first ..= last`
/// (which must lie inside `bytes`), or `None`.
pub(crate) fn find_bit(bytes: &[u8], bit: bool, first: u64, last: u64) -> Option<u64> {
    debug_assert!(first <= last && last / 8 < bytes.len() as u64);
    let (lo, hi) = ((first / 8) as usize, (last / 8) as usize);
    // Bits outside the range are forced to the value not searched for.
    let look = |byte: u8, mask: u8| if bit { byte & mask } else { !byte & mask };
    let mut head_tail = head_mask(first);
    if lo == hi {
        head_tail &= tail_mask(last);
    }
    let hit = look(bytes[lo], head_tail);
    if hit != 0 {
        return Some(lo as u64 * 8 + u64::from(hit.leading_zeros()));
    }
    if lo == hi {
        return None;
    }
    let skip = if bit { 0x00 } else { 0xff };
    if let Some(i) = first_byte_not(&bytes[lo + 1..hi], skip) {
        let at = lo + 1 + i;
        let hit = look(bytes[at], 0xff);
        return Some(at as u64 * 8 + u64::from(hit.leading_zeros()));
    }
    let hit = look(bytes[hi], tail_mask(last));
    (hit != 0).then(|| hi as u64 * 8 + u64::from(hit.leading_zeros()))
}

/// Index of the first byte of `bytes` that differs from `skip`.
fn first_byte_not(bytes: &[u8], skip: u8) -> Option<usize> {
    let skip_word = u64::from_le_bytes([skip; WORD]);
    let mut chunks = bytes.chunks_exact(WORD);
    let mut base = 0;
    for c in &mut chunks {
        if word(c) != skip_word {
            break;
        }
        base += WORD;
    }
    bytes[base..]
        .iter()
        .position(|&b| b != skip)
        .map(|i| base + i)
}

/// A BITOP operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BitOp {
    /// `AND`: bits set in every source.
    And,
    /// `OR`: bits set in any source.
    Or,
    /// `XOR`: bits set in an odd number of sources.
    Xor,
    /// `NOT`: the complement of the single source.
    Not,
}

/// Combines `sources` with `op` into a new string as long as the longest
/// source; shorter sources count as zero-padded. `NOT` uses the first source.
pub(crate) fn combine(op: BitOp, sources: &[&[u8]]) -> Vec<u8> {
    match op {
        BitOp::And => combine_with(sources, true, |a, b| a & b),
        BitOp::Or => combine_with(sources, false, |a, b| a | b),
        BitOp::Xor => combine_with(sources, false, |a, b| a ^ b),
        BitOp::Not => {
            let src = sources.first().copied().unwrap_or_default();
            let mut out = vec![0u8; src.len()];
            map2(&mut out, src, src, |a, _| !a);
            out
        }
    }
}

/// One monomorphised BITOP loop per operation (so `f` inlines and the loops
/// vectorise). `and` says that zero padding clears the result.
fn combine_with(sources: &[&[u8]], and: bool, f: impl Fn(u64, u64) -> u64 + Copy) -> Vec<u8> {
    let len = sources.iter().map(|s| s.len()).max().unwrap_or(0);
    // A zeroed allocation costs no pass over the memory (the allocator hands
    // out fresh zero pages for big strings), so the first two sources are
    // combined with each output byte written once.
    let mut out = vec![0u8; len];
    match sources {
        [] => {}
        [only] => out.copy_from_slice(only),
        [a, b, rest @ ..] => {
            let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
            let n = short.len();
            map2(&mut out[..n], a, b, f);
            if !and {
                out[n..long.len()].copy_from_slice(&long[n..]);
            }
            for src in rest {
                apply(&mut out, src, f);
                if and && src.len() < len {
                    out[src.len()..].fill(0);
                }
            }
        }
    }
    out
}

/// `out[i] = f(a[i], b[i])` for every byte of `out`, a word at a time.
fn map2(out: &mut [u8], a: &[u8], b: &[u8], f: impl Fn(u64, u64) -> u64) {
    let n = out.len();
    let (a, b) = (&a[..n], &b[..n]);
    let mut outs = out.chunks_exact_mut(WORD);
    let (mut xs, mut ys) = (a.chunks_exact(WORD), b.chunks_exact(WORD));
    for ((d, x), y) in (&mut outs).zip(&mut xs).zip(&mut ys) {
        d.copy_from_slice(&f(word(x), word(y)).to_le_bytes());
    }
    let tail = outs.into_remainder().iter_mut();
    for ((d, x), y) in tail.zip(xs.remainder()).zip(ys.remainder()) {
        *d = f(u64::from(*x), u64::from(*y)) as u8;
    }
}

/// `out[i] = f(out[i], src[i])` over the common prefix, a word at a time.
fn apply(out: &mut [u8], src: &[u8], f: impl Fn(u64, u64) -> u64) {
    let n = out.len().min(src.len());
    let (out, src) = (&mut out[..n], &src[..n]);
    let mut dst_chunks = out.chunks_exact_mut(WORD);
    let mut src_chunks = src.chunks_exact(WORD);
    for (d, s) in (&mut dst_chunks).zip(&mut src_chunks) {
        d.copy_from_slice(&f(word(d), word(s)).to_le_bytes());
    }
    for (d, s) in dst_chunks
        .into_remainder()
        .iter_mut()
        .zip(src_chunks.remainder())
    {
        *d = f(u64::from(*d), u64::from(*s)) as u8;
    }
}

/// Window of bytes a bitfield access reads: enough for 64 bits at any shift.
const FIELD_WINDOW: usize = 9;

/// The `bits`-wide (1..=64) unsigned field at bit `offset`; bits past the
/// end of `bytes` read as zero.
pub(crate) fn get_field(bytes: &[u8], offset: u64, bits: u32) -> u64 {
    debug_assert!((1..=64).contains(&bits));
    let mut window = [0u8; 16];
    let from = usize::try_from(offset / 8).unwrap_or(usize::MAX);
    let avail = bytes.get(from..).unwrap_or(&[]);
    let n = avail.len().min(FIELD_WINDOW);
    window[..n].copy_from_slice(&avail[..n]);
    let x = u128::from_be_bytes(window) << (offset % 8);
    (x >> (128 - bits)) as u64
}

/// Stores the low `bits` (1..=64) of `value` as the field at bit `offset`;
/// `bytes` must already reach the field's last bit.
pub(crate) fn set_field(bytes: &mut [u8], offset: u64, bits: u32, value: u64) {
    debug_assert!((1..=64).contains(&bits));
    let from = (offset / 8) as usize;
    let to = ((offset + u64::from(bits) - 1) / 8) as usize;
    let span = &mut bytes[from..=to];
    let mut window = [0u8; 16];
    window[..span.len()].copy_from_slice(span);
    let at = 128 - bits - (offset % 8) as u32;
    let ones = (1u128 << bits) - 1;
    let x = u128::from_be_bytes(window) & !(ones << at) | (u128::from(value) & ones) << at;
    let n = span.len();
    span.copy_from_slice(&x.to_be_bytes()[..n]);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Bit-by-bit reference implementations.
    fn bit(bytes: &[u8], n: u64) -> bool {
        bytes
            .get((n / 8) as usize)
            .is_some_and(|b| b & (0x80 >> (n % 8)) != 0)
    }

    fn bytes_from(seed: u64, len: usize) -> Vec<u8> {
        let mut x = seed | 1;
        (0..len)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                // Mostly runs of 0x00/0xff, to exercise the word skipping.
                match x % 5 {
                    0 => 0,
                    1 => 0xff,
                    _ => (x >> 32) as u8,
                }
            })
            .collect()
    }

    #[test]
    fn popcount_matches_bits() {
        for len in [0, 1, 7, 8, 9, 31, 64, 100] {
            let b = bytes_from(len as u64 + 3, len);
            let want = (0..len as u64 * 8).filter(|&n| bit(&b, n)).count() as u64;
            assert_eq!(popcount(&b), want);
            for first in 0..len as u64 * 8 {
                for last in (first..len as u64 * 8).step_by(7) {
                    let want = (first..=last).filter(|&n| bit(&b, n)).count() as u64;
                    assert_eq!(popcount_bits(&b, first, last), want, "{first}..={last}");
                }
            }
        }
    }

    #[test]
    fn find_bit_matches_scan() {
        for len in [1, 2, 9, 17, 40] {
            let mut b = bytes_from(len as u64, len);
            for fill in [None, Some(0u8), Some(0xff)] {
                if let Some(f) = fill {
                    b.iter_mut().for_each(|x| *x = f);
                }
                let n = len as u64 * 8;
                for first in 0..n {
                    for last in (first..n).step_by(5).chain([n - 1]) {
                        for want_bit in [false, true] {
                            let want = (first..=last).find(|&i| bit(&b, i) == want_bit);
                            assert_eq!(find_bit(&b, want_bit, first, last), want);
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn combine_pads_with_zeros() {
        let a = [0xf0u8];
        let b = [0x0fu8, 0x0f];
        assert_eq!(combine(BitOp::And, &[&a, &b]), [0x00, 0x00]);
        assert_eq!(combine(BitOp::Or, &[&a, &b]), [0xff, 0x0f]);
        assert_eq!(combine(BitOp::Xor, &[&a, &b, &b]), [0xf0, 0x00]);
        assert_eq!(combine(BitOp::Not, &[&b]), [0xf0, 0xf0]);
        let long = bytes_from(9, 37);
        let other = bytes_from(11, 29);
        let and = combine(BitOp::And, &[&long, &other]);
        let xor = combine(BitOp::Xor, &[&long, &other]);
        for i in 0..37 {
            let o = other.get(i).copied().unwrap_or(0);
            assert_eq!(and[i], long[i] & o);
            assert_eq!(xor[i], long[i] ^ o);
        }
        assert_eq!(combine(BitOp::Not, &[&long])[36], !long[36]);
        assert!(combine(BitOp::Or, &[]).is_empty());
        // Every operation over 1 to 4 sources of mixed lengths, against a
        // byte-at-a-time reference.
        let pool: Vec<Vec<u8>> = [0, 3, 17, 8, 40, 33]
            .iter()
            .map(|&n| bytes_from(n as u64 + 5, n))
            .collect();
        for op in [BitOp::And, BitOp::Or, BitOp::Xor] {
            for k in 1..=4 {
                for start in 0..pool.len() {
                    let srcs: Vec<&[u8]> = (0..k)
                        .map(|i| pool[(start + i) % pool.len()].as_slice())
                        .collect();
                    let len = srcs.iter().map(|s| s.len()).max().unwrap();
                    let want: Vec<u8> = (0..len)
                        .map(|i| {
                            let at = |s: &[u8]| s.get(i).copied().unwrap_or(0);
                            srcs[1..].iter().fold(at(srcs[0]), |acc, s| match op {
                                BitOp::And => acc & at(s),
                                BitOp::Or => acc | at(s),
                                _ => acc ^ at(s),
                            })
                        })
                        .collect();
                    assert_eq!(combine(op, &srcs), want, "{op:?} {k} {start}");
                }
            }
        }
    }

    #[test]
    fn fields_round_trip() {
        let mut b = vec![0u8; 12];
        for bits in 1..=64u32 {
            for offset in 0..=(96 - u64::from(bits)) {
                let v = 0xdead_beef_cafe_f00d_u64.rotate_left(bits + offset as u32);
                let before = b.clone();
                set_field(&mut b, offset, bits, v);
                let mask = if bits == 64 {
                    u64::MAX
                } else {
                    (1 << bits) - 1
                };
                assert_eq!(get_field(&b, offset, bits), v & mask);
                for n in (0..offset).chain(offset + u64::from(bits)..96) {
                    assert_eq!(bit(&b, n), bit(&before, n), "bit {n} changed");
                }
                for j in 0..u64::from(bits) {
                    assert_eq!(
                        bit(&b, offset + j),
                        (v >> (u64::from(bits) - 1 - j)) & 1 == 1
                    );
                }
            }
        }
        assert_eq!(get_field(&[0xff], 4, 8), 0xf0);
        assert_eq!(get_field(&[0xff], 100, 8), 0);
    }
}
