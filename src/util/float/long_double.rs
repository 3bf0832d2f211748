//! INCRBYFLOAT and HINCRBYFLOAT arithmetic: C's `long double` on x86-64.

use std::ops::Add;

use super::big::Big;
use super::{
    Lexed, MAX_LONG_DOUBLE_CHARS, Rounded, X87, decimal_to_binary, hex_to_binary, lex,
    push_fraction, round,
};
use crate::Error;

/// An x87 80-bit extended-precision value: C's `long double` on x86-64,
/// which INCRBYFLOAT and HINCRBYFLOAT compute with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LongDouble(pub(super) Ld);

/// The value classes of [`LongDouble`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Ld {
    /// `mant * 2^exp`; zero has `mant == 0`. Non-zero values are normalized
    /// (`mant >= 2^63`) unless `exp` is the subnormal exponent.
    Finite {
        neg: bool,
        mant: u64,
        exp: i64,
    },
    Inf {
        neg: bool,
    },
    Nan,
}

impl LongDouble {
    /// Positive zero.
    pub const ZERO: LongDouble = LongDouble(Ld::Finite {
        neg: false,
        mant: 0,
        exp: 0,
    });

    /// Parses text the way Redis's `string2ld` does: the whole text must be
    /// what `strtold` reads (decimal, `0x` hexadecimal, `inf`/`infinity`),
    /// shorter than 5120 bytes, no leading space, not `nan`, and a finite
    /// text must neither overflow nor underflow to zero.
    pub fn parse(s: &[u8]) -> Option<LongDouble> {
        if s.is_empty() || s.len() >= MAX_LONG_DOUBLE_CHARS {
            return None;
        }
        match lex(s)? {
            Lexed::Inf { neg } => Some(LongDouble(Ld::Inf { neg })),
            Lexed::Num {
                neg,
                hex: true,
                int,
                frac,
                exp,
            } => LongDouble::from_rounded(neg, hex_to_binary(int, frac, exp, &X87)),
            Lexed::Num {
                neg,
                int,
                frac,
                exp,
                ..
            } => LongDouble::from_rounded(neg, decimal_to_binary(int, frac, exp, &X87)),
        }
    }

    /// The exact value of an integer (every `i64` fits the 64-bit mantissa).
    pub fn from_i64(v: i64) -> LongDouble {
        let r = round(
            &Big::from_u128(u128::from(v.unsigned_abs())),
            0,
            false,
            &X87,
        );
        LongDouble::from_rounded(v < 0, r).unwrap_or(LongDouble::ZERO)
    }

    fn from_rounded(neg: bool, r: Rounded) -> Option<LongDouble> {
        match r {
            Rounded::ExactZero => Some(LongDouble(Ld::Finite {
                neg,
                mant: 0,
                exp: 0,
            })),
            Rounded::Underflow | Rounded::Overflow => None,
            Rounded::Finite { m, q, .. } => Some(LongDouble(Ld::Finite {
                neg,
                mant: m as u64,
                exp: q,
            })),
        }
    }

    /// False for infinities and NaN.
    pub fn is_finite(self) -> bool {
        matches!(self.0, Ld::Finite { .. })
    }

    /// Formats like Redis's `ld2string` in human mode (the INCRBYFLOAT
    /// reply): `%.17Lf`, then trailing zeros and a trailing dot removed, and
    /// `-0` printed as `0`; infinities as `inf`/`-inf`.
    pub fn to_human(self) -> Vec<u8> {
        let (neg, mant, exp) = match self.0 {
            Ld::Inf { neg } => {
                return if neg {
                    b"-inf".to_vec()
                } else {
                    b"inf".to_vec()
                };
            }
            Ld::Nan => return b"nan".to_vec(),
            Ld::Finite { neg, mant, exp } => (neg, mant, exp),
        };
        let (int, frac) = fixed17(mant, exp);
        let mut out = Vec::with_capacity(int.len() + 19);
        if neg {
            out.push(b'-');
        }
        out.extend_from_slice(&int);
        push_fraction(&mut out, format!("{frac:017}").as_bytes());
        if out == b"-0" {
            out.remove(0);
        }
        out
    }
}

/// `mant * 2^exp` rounded to 17 decimals (ties to even, as glibc's printf):
/// the integer part's digits and the 17 fraction digits as a number.
fn fixed17(mant: u64, exp: i64) -> (Vec<u8>, u64) {
    const SCALE: u128 = 100_000_000_000_000_000;
    if exp >= 0 {
        return (
            Big::from_u128(u128::from(mant))
                .shl(exp as u64)
                .to_decimal(),
            0,
        );
    }
    let sh = exp.unsigned_abs();
    let (mut int, bits) = if sh < 64 {
        (
            u128::from(mant >> sh),
            u128::from(mant) & ((1u128 << sh) - 1),
        )
    } else {
        (0, u128::from(mant))
    };
    // bits < 2^64 and SCALE < 2^57, so the product fits.
    let scaled = bits * SCALE;
    let mut digits = 0u128;
    if sh < 128 {
        digits = scaled >> sh;
        let rem = scaled & ((1u128 << sh) - 1);
        let half = 1u128 << (sh - 1);
        if rem > half || (rem == half && digits & 1 == 1) {
            digits += 1;
        }
    }
    // Otherwise scaled < 2^121 is below half of 2^sh: rounds to zero.
    if digits == SCALE {
        digits = 0;
        int += 1;
    }
    (int.to_string().into_bytes(), digits as u64)
}

impl Add for LongDouble {
    type Output = LongDouble;

    /// x87 addition: the exact sum rounded once to 64 mantissa bits.
    fn add(self, other: LongDouble) -> LongDouble {
        use Ld::{Finite, Inf, Nan};
        match (self.0, other.0) {
            (Nan, _) | (_, Nan) => LongDouble(Nan),
            (Inf { neg: a }, Inf { neg: b }) if a != b => LongDouble(Nan),
            (Inf { .. }, _) => self,
            (_, Inf { .. }) => other,
            (
                Finite {
                    neg: a, mant: 0, ..
                },
                Finite {
                    neg: b, mant: 0, ..
                },
            ) => LongDouble(Finite {
                neg: a && b,
                mant: 0,
                exp: 0,
            }),
            (Finite { mant: 0, .. }, _) => other,
            (_, Finite { mant: 0, .. }) => self,
            (
                Finite {
                    neg: an,
                    mant: am,
                    exp: ae,
                },
                Finite {
                    neg: bn,
                    mant: bm,
                    exp: be,
                },
            ) => add_finite((an, am, ae), (bn, bm, be)),
        }
    }
}

/// Adds two non-zero finite values given as (negative, mantissa, exponent).
fn add_finite(a: (bool, u64, i64), b: (bool, u64, i64)) -> LongDouble {
    let ((hn, hm, he), (ln, mut lm, mut le)) = if a.2 >= b.2 { (a, b) } else { (b, a) };
    // Far below the larger operand's last bit, the smaller one only decides
    // which way a result between two neighbours rounds, never the rounding
    // bit itself: replace it by any value of the same sign that far below.
    // (The larger one is normalized: its exponent is above the subnormal one.)
    if he - le > 130 {
        debug_assert!(hm >> 63 == 1);
        lm = 1;
        le = he - 130;
    }
    let hi = Big::from_u128(u128::from(hm)).shl((he - le) as u64);
    let lo = Big::from_u128(u128::from(lm));
    let (neg, sum) = if hn == ln {
        let mut s = hi;
        s.add_assign(&lo);
        (hn, s)
    } else if hi >= lo {
        let mut s = hi;
        s.sub_assign(&lo);
        (hn, s)
    } else {
        let mut s = lo;
        s.sub_assign(&hi);
        (ln, s)
    };
    if sum.is_zero() {
        return LongDouble::ZERO;
    }
    match round(&sum, le, false, &X87) {
        Rounded::Finite { m, q, .. } => LongDouble(Ld::Finite {
            neg,
            mant: m as u64,
            exp: q,
        }),
        Rounded::Overflow => LongDouble(Ld::Inf { neg }),
        Rounded::ExactZero | Rounded::Underflow => LongDouble(Ld::Finite {
            neg,
            mant: 0,
            exp: 0,
        }),
    }
}

/// What INCRBYFLOAT computes in Redis 7.0 on x86-64: `current + incr` in
/// 80-bit extended precision, formatted as the reply and the new value.
/// A missing key counts as `b"0"`.
///
/// ```
/// use embedis::util::float::incr_long_double;
/// assert_eq!(incr_long_double(b"0.1", b"0.2").unwrap(), b"0.3");
/// assert_eq!(incr_long_double(b"1", b"1e-20").unwrap(), b"1");
/// assert_eq!(incr_long_double(b"10.50", b"0.1").unwrap(), b"10.6");
/// ```
///
/// # Errors
/// [`Error::NotFloat`] when either operand is not a valid float for
/// `string2ld` (checked current value first, then the increment; same text);
/// `ERR increment would produce NaN or Infinity` when the sum is not finite
/// (including an `inf` operand).
pub fn incr_long_double(current: &[u8], incr: &[u8]) -> Result<Vec<u8>, Error> {
    let cur = LongDouble::parse(current).ok_or(Error::NotFloat)?;
    let inc = LongDouble::parse(incr).ok_or(Error::NotFloat)?;
    let sum = cur + inc;
    if !sum.is_finite() {
        return Err(Error::other("ERR increment would produce NaN or Infinity"));
    }
    Ok(sum.to_human())
}

/// HINCRBYFLOAT's first step, taken before the key is even looked up: the
/// increment must be a valid float and finite.
///
/// ```
/// use embedis::util::float::{hincr_long_double, parse_float_increment};
/// let incr = parse_float_increment(b"0.2").unwrap();
/// assert_eq!(hincr_long_double(Some(b"0.1"), incr).unwrap(), b"0.3");
/// assert_eq!(hincr_long_double(None, incr).unwrap(), b"0.2");
/// ```
///
/// # Errors
/// [`Error::NotFloat`] when `incr` is not a valid float for `string2ld`;
/// `ERR value is NaN or Infinity` for an infinite one.
pub fn parse_float_increment(incr: &[u8]) -> Result<LongDouble, Error> {
    let v = LongDouble::parse(incr).ok_or(Error::NotFloat)?;
    if !v.is_finite() {
        return Err(Error::other("ERR value is NaN or Infinity"));
    }
    Ok(v)
}

/// HINCRBYFLOAT's arithmetic once the hash is found (or created): the
/// field's current value (`None` when the field is missing, counting as 0)
/// plus `incr` from [`parse_float_increment`], formatted as the reply and
/// the field's new value.
///
/// # Errors
/// `ERR hash value is not a float` when the field's value is not a valid
/// float for `string2ld`; `ERR increment would produce NaN or Infinity`
/// when the sum is not finite (an `inf` field value, or overflow).
pub fn hincr_long_double(current: Option<&[u8]>, incr: LongDouble) -> Result<Vec<u8>, Error> {
    let cur = match current {
        None => LongDouble::ZERO,
        Some(text) => {
            LongDouble::parse(text).ok_or(Error::other("ERR hash value is not a float"))?
        }
    };
    let sum = cur + incr;
    if !sum.is_finite() {
        return Err(Error::other("ERR increment would produce NaN or Infinity"));
    }
    Ok(sum.to_human())
}
