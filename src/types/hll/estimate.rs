//! The cardinality estimate from a register histogram: Ertl's improved
//! estimator ("New cardinality estimation algorithms for HyperLogLog
//! sketches", arXiv:1702.01284) as Redis 7.0 evaluates it.
//!
//! Every floating-point operation is done in the same order and precision
//! as redis-server's build (SSE2 doubles, `pow(x, 2)` folded to `x * x`,
//! round half away from zero), so estimates are bit-identical.

use super::{Q, REGISTERS};

/// 0.5 / ln 2, the bias constant as the limit of many registers.
const ALPHA_INF: f64 = 0.721_347_520_444_481_7;

/// σ(x) = x + Σ_{k≥1} x^(2^k) · 2^(k-1); infinite at 1.
fn sigma(mut x: f64) -> f64 {
    if x == 1.0 {
        return f64::INFINITY;
    }
    let mut y = 1.0;
    let mut z = x;
    loop {
        x *= x;
        let before = z;
        z += x * y;
        y += y;
        if before == z {
            return z;
        }
    }
}

/// τ(x) = (1 - x - Σ_{k≥1} (1 - x^(2^-k))² · 2^-k) / 3; zero at 0 and 1.
fn tau(mut x: f64) -> f64 {
    if x == 0.0 || x == 1.0 {
        return 0.0;
    }
    let mut y = 1.0;
    let mut z = 1.0 - x;
    loop {
        x = x.sqrt();
        let before = z;
        y *= 0.5;
        let d = 1.0 - x;
        z -= d * d * y;
        if before == z {
            return z / 3.0;
        }
    }
}

/// The estimate for a histogram of register values (`histogram[v]` =
/// registers holding `v`). Only values 0..=51 take part, as in Redis:
/// registers above 51 (possible only in hand-written dense strings) are
/// ignored.
pub(crate) fn estimate(histogram: &[u64; 64]) -> u64 {
    let m = REGISTERS as f64;
    let mut z = m * tau((m - histogram[Q + 1] as f64) / m);
    for &count in histogram[1..=Q].iter().rev() {
        z += count as f64;
        z *= 0.5;
    }
    z += m * sigma(histogram[0] as f64 / m);
    to_card(ALPHA_INF * m * m / z)
}

/// Redis's `(uint64_t)(double)llroundl(x)`: round half away from zero to
/// `long long`, where anything out of range (or NaN, or the infinity of an
/// all-zero sum) becomes `LLONG_MIN`; back through `double`, a negative
/// value reaches `uint64_t` as its two's complement bits (2^63 here).
fn to_card(x: f64) -> u64 {
    const TWO_63: f64 = 9_223_372_036_854_775_808.0;
    let r = x.round();
    let ll = if r.is_nan() || !(-TWO_63..TWO_63).contains(&r) {
        i64::MIN
    } else {
        r as i64
    };
    let e = ll as f64;
    if e < 0.0 { e as i64 as u64 } else { e as u64 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_and_saturated() {
        let mut h = [0u64; 64];
        h[0] = REGISTERS as u64;
        assert_eq!(estimate(&h), 0);
        let mut h = [0u64; 64];
        h[1] = REGISTERS as u64;
        // All registers at 1: roughly m·ln(m/…) territory, finite and positive.
        assert!(estimate(&h) > 0);
    }

    #[test]
    fn out_of_range_estimates_wrap_like_redis() {
        // Every register above 51 (hand-written dense strings): z = 0.
        let mut h = [0u64; 64];
        h[63] = REGISTERS as u64;
        assert_eq!(estimate(&h), 1 << 63);
        assert_eq!(to_card(f64::NAN), 1 << 63);
        assert_eq!(to_card(1e19), 1 << 63);
        assert_eq!(to_card(2.5), 3);
        assert_eq!(to_card(9.007_199_254_740_993e15), 9_007_199_254_740_992);
    }

    #[test]
    fn one_register_set() {
        let mut h = [0u64; 64];
        h[0] = REGISTERS as u64 - 1;
        h[2] = 1;
        assert_eq!(estimate(&h), 1);
    }
}
