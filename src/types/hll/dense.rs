//! The dense form: 16384 six-bit registers packed little-end first.
//!
//! Register `i` occupies bits `6i .. 6i + 6` of the register area, bit `b`
//! being bit `b % 8` (counting from the least significant) of byte `b / 8`.
//! A register whose first bit is 0 or 2 within its byte fits in that byte;
//! at 4 or 6 it continues into the next one. The last register (16383)
//! starts at bit 2 of the last byte, so no access ever leaves the area.

use super::{BITS, DENSE_BYTES, REGISTER_MAX, REGISTERS};

/// The value of register `index` in a dense register area.
///
/// `registers` must hold at least [`DENSE_BYTES`] bytes.
pub(crate) fn get(registers: &[u8], index: usize) -> u8 {
    let bit = index * BITS;
    let (byte, shift) = (bit / 8, bit % 8);
    let mut v = u16::from(registers[byte]) >> shift;
    if shift > 8 - BITS {
        v |= u16::from(registers[byte + 1]) << (8 - shift);
    }
    (v as u8) & REGISTER_MAX
}

/// Stores `value` (at most 63) into register `index`, leaving its
/// neighbours untouched.
pub(crate) fn put(registers: &mut [u8], index: usize, value: u8) {
    debug_assert!(value <= REGISTER_MAX);
    let bit = index * BITS;
    let (byte, shift) = (bit / 8, bit % 8);
    let value = u16::from(value & REGISTER_MAX);
    let mask = u16::from(REGISTER_MAX) << shift;
    registers[byte] = (registers[byte] & !(mask as u8)) | ((value << shift) as u8);
    if shift > 8 - BITS {
        let (hi_mask, hi) = ((mask >> 8) as u8, ((value << shift) >> 8) as u8);
        registers[byte + 1] = (registers[byte + 1] & !hi_mask) | hi;
    }
}

/// Raises register `index` to `value` if it is lower; true when it changed.
pub(crate) fn raise(registers: &mut [u8], index: usize, value: u8) -> bool {
    if value > get(registers, index) {
        put(registers, index, value);
        true
    } else {
        false
    }
}

/// Adds every register value into `histogram` (any 6-bit value has a slot).
pub(crate) fn histogram(registers: &[u8], histogram: &mut [u64; 64]) {
    // Four registers per three bytes.
    for chunk in registers[..DENSE_BYTES].chunks_exact(3) {
        for v in unpack4(chunk) {
            histogram[usize::from(v)] += 1;
        }
    }
}

/// The four registers held by three packed bytes.
fn unpack4(chunk: &[u8]) -> [u8; 4] {
    let (a, b, c) = (chunk[0], chunk[1], chunk[2]);
    [
        a & 63,
        (a >> 6) | ((b & 15) << 2),
        (b >> 4) | ((c & 3) << 4),
        c >> 2,
    ]
}

/// Raises each byte of `max` (one per register) to the register's value,
/// four registers per three bytes.
pub(crate) fn merge_into(registers: &[u8], max: &mut [u8]) {
    let packed = registers[..DENSE_BYTES].chunks_exact(3);
    for (chunk, out) in packed.zip(max[..REGISTERS].chunks_exact_mut(4)) {
        for (m, v) in out.iter_mut().zip(unpack4(chunk)) {
            *m = (*m).max(v);
        }
    }
}

/// Packs one register per byte (each at most 63) into the dense area,
/// replacing every register.
pub(crate) fn store_all(registers: &mut [u8], values: &[u8]) {
    let packed = registers[..DENSE_BYTES].chunks_exact_mut(3);
    for (chunk, v) in packed.zip(values[..REGISTERS].chunks_exact(4)) {
        debug_assert!(v.iter().all(|&x| x <= REGISTER_MAX));
        chunk[0] = v[0] | (v[1] << 6);
        chunk[1] = (v[1] >> 2) | (v[2] << 4);
        chunk[2] = (v[2] >> 4) | (v[3] << 2);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registers_do_not_bleed() {
        let mut regs = vec![0u8; DENSE_BYTES];
        for i in 0..REGISTERS {
            put(&mut regs, i, (i % 64) as u8);
        }
        for i in 0..REGISTERS {
            assert_eq!(get(&regs, i), (i % 64) as u8, "register {i}");
        }
        put(&mut regs, 5, 0);
        assert_eq!(get(&regs, 4), 4);
        assert_eq!(get(&regs, 5), 0);
        assert_eq!(get(&regs, 6), 6);
        let mut h = [0u64; 64];
        histogram(&regs, &mut h);
        assert_eq!(h.iter().sum::<u64>(), REGISTERS as u64);
        assert_eq!(h[0], 257);
        assert_eq!(h[5], 255);
    }

    #[test]
    fn bulk_merge_and_store_match_single_registers() {
        let mut regs = vec![0u8; DENSE_BYTES];
        let value = |i: usize| ((i * 37 + i / 7) % 64) as u8;
        for i in 0..REGISTERS {
            put(&mut regs, i, value(i));
        }
        let mut max: Vec<u8> = (0..REGISTERS).map(|i| (i % 50) as u8).collect();
        merge_into(&regs, &mut max);
        for (i, &m) in max.iter().enumerate() {
            assert_eq!(m, value(i).max((i % 50) as u8), "register {i}");
        }
        let mut packed = vec![0xffu8; DENSE_BYTES];
        store_all(&mut packed, &max);
        for (i, &m) in max.iter().enumerate() {
            assert_eq!(get(&packed, i), m, "register {i}");
        }
        store_all(&mut packed, &(0..REGISTERS).map(value).collect::<Vec<_>>());
        assert_eq!(packed, regs);
    }

    #[test]
    fn packing_matches_the_layout() {
        let mut regs = vec![0u8; DENSE_BYTES];
        put(&mut regs, 1, 63);
        assert_eq!(&regs[..2], &[0b1100_0000, 0b0000_1111]);
        put(&mut regs, REGISTERS - 1, 63);
        assert_eq!(regs[DENSE_BYTES - 1], 0b1111_1100);
        assert!(!raise(&mut regs, 1, 10));
        assert!(raise(&mut regs, 2, 10));
    }
}
