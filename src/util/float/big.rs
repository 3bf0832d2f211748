//! A minimal unsigned big integer, just enough for exact decimal <-> binary
//! conversion of floating-point values (at most a few thousand digits).
//!
//! Limbs are `u32`, least significant first, with no trailing zero limbs
//! (zero is the empty vector).

use std::cmp::Ordering;

/// An arbitrary-precision unsigned integer.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct Big {
    limbs: Vec<u32>,
}

impl Big {
    /// The integer `v`.
    pub(super) fn from_u128(mut v: u128) -> Big {
        let mut limbs = Vec::new();
        while v != 0 {
            limbs.push(v as u32);
            v >>= 32;
        }
        Big { limbs }
    }

    /// True for zero.
    pub(super) fn is_zero(&self) -> bool {
        self.limbs.is_empty()
    }

    /// The number of significant bits (0 for zero).
    pub(super) fn bit_len(&self) -> u64 {
        match self.limbs.last() {
            None => 0,
            Some(&top) => self.limbs.len() as u64 * 32 - u64::from(top.leading_zeros()),
        }
    }

    /// The bit at position `i` (0 is the least significant).
    pub(super) fn bit(&self, i: u64) -> bool {
        let limb = (i / 32) as usize;
        limb < self.limbs.len() && (self.limbs[limb] >> (i % 32)) & 1 == 1
    }

    /// True when any bit below position `i` is set.
    pub(super) fn any_below(&self, i: u64) -> bool {
        let full = ((i / 32) as usize).min(self.limbs.len());
        if self.limbs[..full].iter().any(|&l| l != 0) {
            return true;
        }
        let rem = i % 32;
        full < self.limbs.len() && rem != 0 && self.limbs[full] & ((1u32 << rem) - 1) != 0
    }

    /// The value shifted right by `n` bits, truncated to its low 128 bits.
    pub(super) fn shr_low128(&self, n: u64) -> u128 {
        let mut out = 0u128;
        for k in 0..4u64 {
            let bit = n + 32 * k;
            let limb = (bit / 32) as usize;
            let sh = bit % 32;
            let lo = u64::from(self.limbs.get(limb).copied().unwrap_or(0));
            let hi = u64::from(self.limbs.get(limb + 1).copied().unwrap_or(0));
            let word = (((hi << 32) | lo) >> sh) as u32;
            out |= u128::from(word) << (32 * k);
        }
        out
    }

    /// `self = self * m + a`.
    pub(super) fn mul_add_small(&mut self, m: u32, a: u32) {
        let mut carry = u64::from(a);
        for limb in &mut self.limbs {
            let v = u64::from(*limb) * u64::from(m) + carry;
            *limb = v as u32;
            carry = v >> 32;
        }
        if carry != 0 {
            self.limbs.push(carry as u32);
        }
        self.trim();
    }

    /// `self = self * 10^k`.
    pub(super) fn mul_pow10(&mut self, mut k: u64) {
        while k >= 9 {
            self.mul_add_small(1_000_000_000, 0);
            k -= 9;
        }
        if k > 0 {
            self.mul_add_small(10u32.pow(k as u32), 0);
        }
    }

    /// `self * 2^n`.
    pub(super) fn shl(&self, n: u64) -> Big {
        if self.is_zero() {
            return Big::default();
        }
        let words = (n / 32) as usize;
        let bits = n % 32;
        let mut limbs = vec![0u32; words];
        limbs.reserve(self.limbs.len() + 1);
        if bits == 0 {
            limbs.extend_from_slice(&self.limbs);
        } else {
            let mut carry = 0u32;
            for &l in &self.limbs {
                limbs.push((l << bits) | carry);
                carry = l >> (32 - bits);
            }
            limbs.push(carry);
        }
        let mut out = Big { limbs };
        out.trim();
        out
    }

    /// `self += other`.
    pub(super) fn add_assign(&mut self, other: &Big) {
        if self.limbs.len() < other.limbs.len() {
            self.limbs.resize(other.limbs.len(), 0);
        }
        let mut carry = 0u64;
        for i in 0..self.limbs.len() {
            let v = u64::from(self.limbs[i])
                + u64::from(other.limbs.get(i).copied().unwrap_or(0))
                + carry;
            self.limbs[i] = v as u32;
            carry = v >> 32;
        }
        if carry != 0 {
            self.limbs.push(carry as u32);
        }
    }

    /// `self -= other`; requires `self >= other`.
    pub(super) fn sub_assign(&mut self, other: &Big) {
        debug_assert!(*self >= *other);
        let mut borrow = 0i64;
        for i in 0..self.limbs.len() {
            let rhs = i64::from(other.limbs.get(i).copied().unwrap_or(0));
            let mut v = i64::from(self.limbs[i]) - rhs - borrow;
            borrow = 0;
            if v < 0 {
                v += 1 << 32;
                borrow = 1;
            }
            self.limbs[i] = v as u32;
        }
        self.trim();
    }

    /// Divides by `d` (non-zero) in place and returns the remainder.
    pub(super) fn div_rem_small(&mut self, d: u32) -> u32 {
        let mut rem = 0u64;
        for limb in self.limbs.iter_mut().rev() {
            let cur = (rem << 32) | u64::from(*limb);
            *limb = (cur / u64::from(d)) as u32;
            rem = cur % u64::from(d);
        }
        self.trim();
        rem as u32
    }

    /// `floor(self / d)` as a u128, leaving the remainder in `self`; the
    /// quotient must be below 2^127.
    pub(super) fn div_rem_short_quotient(&mut self, d: &Big) -> u128 {
        let (nb, db) = (self.bit_len(), d.bit_len());
        if nb < db {
            return 0;
        }
        let top = nb - db;
        debug_assert!(top < 127);
        let mut q = 0u128;
        for i in (0..=top).rev() {
            let shifted = d.shl(i);
            if *self >= shifted {
                self.sub_assign(&shifted);
                q |= 1 << i;
            }
        }
        q
    }

    /// The decimal digits (ASCII), "0" for zero.
    pub(super) fn to_decimal(&self) -> Vec<u8> {
        let mut n = self.clone();
        let mut chunks = Vec::new();
        while !n.is_zero() {
            chunks.push(n.div_rem_small(1_000_000_000));
        }
        let mut out = Vec::with_capacity(chunks.len() * 9 + 1);
        match chunks.pop() {
            None => out.push(b'0'),
            Some(top) => out.extend_from_slice(top.to_string().as_bytes()),
        }
        for c in chunks.iter().rev() {
            out.extend_from_slice(format!("{c:09}").as_bytes());
        }
        out
    }

    fn trim(&mut self) {
        while self.limbs.last() == Some(&0) {
            self.limbs.pop();
        }
    }
}

impl PartialOrd for Big {
    fn partial_cmp(&self, other: &Big) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Big {
    fn cmp(&self, other: &Big) -> Ordering {
        self.limbs
            .len()
            .cmp(&other.limbs.len())
            .then_with(|| self.limbs.iter().rev().cmp(other.limbs.iter().rev()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pow10(k: u64) -> Big {
        let mut b = Big::from_u128(1);
        b.mul_pow10(k);
        b
    }

    #[test]
    fn decimal_round_trip() {
        assert_eq!(Big::default().to_decimal(), b"0");
        assert_eq!(
            Big::from_u128(u128::MAX).to_decimal(),
            u128::MAX.to_string().as_bytes()
        );
        let mut expect = b"1".to_vec();
        expect.extend(std::iter::repeat_n(b'0', 100));
        assert_eq!(pow10(100).to_decimal(), expect);
        assert_eq!(pow10(100).shl(3).to_decimal()[..2], *b"80");
    }

    #[test]
    fn bits_and_shifts() {
        let b = Big::from_u128(0b1011).shl(70);
        assert_eq!(b.bit_len(), 74);
        assert!(b.bit(70) && b.bit(71) && !b.bit(72) && b.bit(73));
        assert!(!b.any_below(70));
        assert!(b.any_below(71));
        assert_eq!(b.shr_low128(70), 0b1011);
        assert_eq!(b.shr_low128(0), 0b1011u128 << 70);
        assert_eq!(Big::from_u128(5).shl(0), Big::from_u128(5));
    }

    #[test]
    fn arithmetic() {
        let mut a = pow10(40);
        let b = pow10(39);
        a.sub_assign(&b);
        let mut c = a.clone();
        c.add_assign(&b);
        assert_eq!(c, pow10(40));
        let mut d = Big::from_u128(u128::from(u32::MAX));
        d.add_assign(&Big::from_u128(1));
        assert_eq!(d, Big::from_u128(1 << 32));
        assert_eq!(a.to_decimal(), format!("9{}", "0".repeat(39)).as_bytes());
        let mut n = Big::from_u128(10u128.pow(30) + 7);
        let q = n.div_rem_short_quotient(&Big::from_u128(1000));
        assert_eq!(q, 10u128.pow(27));
        assert_eq!(n, Big::from_u128(7));
        let mut m = Big::from_u128(12345);
        assert_eq!(m.div_rem_small(100), 45);
        assert_eq!(m, Big::from_u128(123));
        assert!(Big::from_u128(1 << 40) > Big::from_u128(u128::from(u32::MAX)));
        assert!(Big::from_u128(3) < Big::from_u128(4));
    }
}
