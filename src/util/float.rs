//! Floating-point parsing and printing exactly as Redis 7.0 does.
//!
//! Redis uses two kinds of floating point:
//!
//! * `double` (IEEE binary64) for sorted-set scores and most float
//!   arguments: parsed by `string2d` (a whole-string `strtod`) and replied
//!   with `%.17g`. See [`parse_double`] and [`format_double`]; score-range
//!   bounds and SORT weights use plain `strtod` with looser checks
//!   ([`parse_double_lenient`], [`parse_double_sort`]), and listpack scores
//!   are stored as [`format_double_compact`] text.
//! * `long double` for INCRBYFLOAT and HINCRBYFLOAT. On x86-64 that is the
//!   x87 80-bit extended format: a 64-bit mantissa with an explicit integer
//!   bit and a 15-bit exponent, so results carry about 19 significant digits
//!   and print as `%.17Lf` with trailing zeros removed. See [`LongDouble`] and
//!   [`incr_long_double`].
//!
//! Everything here is exact, never approximated through `f64`: decimal and
//! hexadecimal text is converted with correct rounding (round to nearest,
//! ties to even, as glibc's `strtod`/`strtold` do), additions round once,
//! and printing works on the exact binary value as glibc's `printf` does.
//! A tiny big-integer type (module `big`) carries the few cases that need
//! more than 128 bits.

mod big;
mod long_double;

use self::big::Big;
pub use self::long_double::{
    LongDouble, hincr_long_double, incr_long_double, parse_float_increment,
};

/// Longest text (exclusive) Redis's `string2ld` accepts: its stack buffer is
/// 5 KiB including the terminating NUL.
const MAX_LONG_DOUBLE_CHARS: usize = 5 * 1024;

/// log2(10), to bound decimal exponents before any exact arithmetic.
const LOG2_10: f64 = std::f64::consts::LOG2_10;

/// A binary floating-point format with gradual underflow.
struct Format {
    /// Mantissa bits, including the leading one.
    prec: u32,
    /// Exponent of the least significant mantissa bit of the smallest
    /// subnormal (the finest quantum).
    min_q: i64,
    /// Exponent of the leading bit of the largest finite value.
    emax: i64,
}

/// The x87 80-bit extended format, C's `long double` on x86-64.
const X87: Format = Format {
    prec: 64,
    min_q: -16382 - 63,
    emax: 16383,
};

/// IEEE binary64, C's `double`.
const F64: Format = Format {
    prec: 53,
    min_q: -1022 - 52,
    emax: 1023,
};

/// A magnitude after rounding into a [`Format`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rounded {
    /// The text had no non-zero digit.
    ExactZero,
    /// Non-zero, but rounded to zero (`strtod` reports ERANGE).
    Underflow,
    /// Too large for the format (`strtod` reports ERANGE and returns infinity).
    Overflow,
    /// `m * 2^q`; either `m` has exactly `prec` bits or `q` is `min_q`.
    /// `inexact` when rounding changed the value.
    Finite { m: u128, q: i64, inexact: bool },
}

/// Rounds `n * 2^exp2` (plus something strictly between 0 and `2^exp2` when
/// `sticky`) to the nearest value of format `f`, ties to even.
///
/// When `sticky` is set, `n` must have at least `prec + 2` bits so that the
/// rounding bit is exact.
fn round(n: &Big, exp2: i64, sticky: bool, f: &Format) -> Rounded {
    if n.is_zero() {
        return Rounded::Underflow;
    }
    let len = n.bit_len() as i64;
    let top = len - 1 + exp2;
    if top > f.emax + 1 {
        return Rounded::Overflow;
    }
    let prec = i64::from(f.prec);
    let mut q = (top - (prec - 1)).max(f.min_q);
    let shift = q - exp2;
    let mut inexact = false;
    let mut m = if shift <= 0 {
        debug_assert!(!sticky && len - shift <= prec);
        n.shr_low128(0) << (-shift)
    } else {
        let sh = shift as u64;
        let mut m = n.shr_low128(sh);
        let half = n.bit(sh - 1);
        let rest = sticky || n.any_below(sh - 1);
        inexact = half || rest;
        if half && (rest || m & 1 == 1) {
            m += 1;
        }
        m
    };
    if m == 0 {
        return Rounded::Underflow;
    }
    if m >> f.prec != 0 {
        m >>= 1;
        q += 1;
    }
    if q + prec - 1 > f.emax {
        return Rounded::Overflow;
    }
    Rounded::Finite { m, q, inexact }
}

/// Converts `int.frac * 10^exp` (ASCII decimal digits) into format `f`.
fn decimal_to_binary(int: &[u8], frac: &[u8], exp: i64, f: &Format) -> Rounded {
    let all: Vec<u8> = int.iter().chain(frac).copied().collect();
    let Some(first) = all.iter().position(|&c| c != b'0') else {
        return Rounded::ExactZero;
    };
    let trailing = all.iter().rev().take_while(|&&c| c == b'0').count();
    let digits = &all[first..all.len() - trailing];
    // The value is 0.d1d2d3... * 10^dexp; exp10 is the exponent of the last digit.
    let exp10 = exp - frac.len() as i64 + trailing as i64;
    let dexp = exp10 + digits.len() as i64;
    if (dexp - 1) as f64 * LOG2_10 > (f.emax + 2) as f64 {
        return Rounded::Overflow;
    }
    if (dexp as f64) * LOG2_10 < (f.min_q - 2) as f64 {
        return Rounded::Underflow;
    }
    let mut d = Big::default();
    for chunk in digits.chunks(9) {
        let v = chunk
            .iter()
            .fold(0u32, |v, &c| v * 10 + u32::from(c - b'0'));
        d.mul_add_small(10u32.pow(chunk.len() as u32), v);
    }
    if exp10 >= 0 {
        d.mul_pow10(exp10 as u64);
        return round(&d, 0, false, f);
    }
    let mut p = Big::from_u128(1);
    p.mul_pow10(exp10.unsigned_abs());
    // Scale so that the quotient has exactly prec + 3 or prec + 2 bits.
    let s = i64::from(f.prec) + 2 - (d.bit_len() as i64 - p.bit_len() as i64);
    let mut x = d.shl(s.max(0) as u64);
    let y = p.shl((-s).max(0) as u64);
    let quotient = x.div_rem_short_quotient(&y);
    round(&Big::from_u128(quotient), -s, !x.is_zero(), f)
}

/// Converts `0x int.frac * 2^exp` (ASCII hexadecimal digits) into format `f`.
fn hex_to_binary(int: &[u8], frac: &[u8], exp: i64, f: &Format) -> Rounded {
    /// Digits kept exactly; any further non-zero digit only sets the sticky bit.
    const KEEP: usize = 40;
    let all = || int.iter().chain(frac).copied();
    let Some(first) = all().position(|c| c != b'0') else {
        return Rounded::ExactZero;
    };
    let total = int.len() + frac.len();
    let kept = (total - first).min(KEEP);
    let mut n = Big::default();
    for c in all().skip(first).take(kept) {
        let v = (c as char).to_digit(16).unwrap_or(0);
        n.mul_add_small(16, v);
    }
    let sticky = all().skip(first + kept).any(|c| c != b'0');
    let exp2 = exp - 4 * frac.len() as i64 + 4 * (total - first - kept) as i64;
    let top = n.bit_len() as i64 - 1 + exp2;
    if top > f.emax + 2 {
        return Rounded::Overflow;
    }
    if top < f.min_q - 2 {
        return Rounded::Underflow;
    }
    round(&n, exp2, sticky, f)
}

/// The shape of a number as `strtod` reads it, when it reads the whole text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lexed<'a> {
    /// `inf` or `infinity` in any case.
    Inf { neg: bool },
    /// `[0x]int[.frac][e|p exp]`, digits only, at least one digit overall.
    Num {
        neg: bool,
        hex: bool,
        int: &'a [u8],
        frac: &'a [u8],
        exp: i64,
    },
}

/// Splits `s` the way glibc's `strtod` parses it, returning None unless the
/// whole text is consumed: optional sign, then `inf`/`infinity`, a decimal
/// number with optional `e` exponent, or a `0x` hexadecimal number with
/// optional binary `p` exponent. No whitespace; `nan` is not a number here
/// (Redis rejects it after parsing anyway).
fn lex(s: &[u8]) -> Option<Lexed<'_>> {
    let (neg, rest) = match s.first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if rest.eq_ignore_ascii_case(b"inf") || rest.eq_ignore_ascii_case(b"infinity") {
        return Some(Lexed::Inf { neg });
    }
    let hex = rest.len() > 2 && rest[0] == b'0' && rest[1] | 0x20 == b'x';
    let body = if hex { &rest[2..] } else { rest };
    let is_digit = |c: &u8| {
        if hex {
            c.is_ascii_hexdigit()
        } else {
            c.is_ascii_digit()
        }
    };
    let int_len = body.iter().take_while(|c| is_digit(c)).count();
    let int = &body[..int_len];
    let mut pos = int_len;
    let mut frac: &[u8] = &[];
    if body.get(pos) == Some(&b'.') {
        let n = body[pos + 1..].iter().take_while(|c| is_digit(c)).count();
        frac = &body[pos + 1..pos + 1 + n];
        pos += 1 + n;
    }
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    let mut exp = 0i64;
    if pos < body.len() {
        if body[pos] | 0x20 != if hex { b'p' } else { b'e' } {
            return None;
        }
        let tail = &body[pos + 1..];
        let (eneg, digits) = match tail.first() {
            Some(b'-') => (true, &tail[1..]),
            Some(b'+') => (false, &tail[1..]),
            _ => (false, tail),
        };
        if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
            return None;
        }
        // Saturate: anything this large over- or underflows every format.
        exp = digits
            .iter()
            .fold(0i64, |e, &c| (e * 10 + i64::from(c - b'0')).min(1 << 40));
        if eneg {
            exp = -exp;
        }
    }
    Some(Lexed::Num {
        neg,
        hex,
        int,
        frac,
        exp,
    })
}

/// Builds an `f64` from an [`F64`] rounding.
fn f64_from(neg: bool, r: Rounded) -> f64 {
    let magnitude = match r {
        Rounded::ExactZero | Rounded::Underflow => 0.0,
        Rounded::Overflow => f64::INFINITY,
        Rounded::Finite { m, q, .. } => {
            let m = m as u64;
            let bits = if m >> 52 == 0 {
                m
            } else {
                (((q + 52 + 1023) as u64) << 52) | (m & ((1 << 52) - 1))
            };
            f64::from_bits(bits)
        }
    };
    if neg { -magnitude } else { magnitude }
}

/// Parses a double the way Redis's `string2d` does (ZADD scores and most
/// float arguments): the whole text must be what `strtod` reads, with no
/// leading space, `nan` rejected, and a finite text that overflows to
/// infinity or underflows to zero rejected. `inf`, `infinity` (any case,
/// optional sign) and hex floats (`0x1.8p3`) are accepted.
///
/// ```
/// use embedis::util::float::parse_double;
/// assert_eq!(parse_double(b"1.5"), Some(1.5));
/// assert_eq!(parse_double(b"-inf"), Some(f64::NEG_INFINITY));
/// assert_eq!(parse_double(b"0x1p-2"), Some(0.25));
/// assert_eq!(parse_double(b" 1"), None);
/// assert_eq!(parse_double(b"1e400"), None);
/// assert_eq!(parse_double(b"nan"), None);
/// ```
pub fn parse_double(s: &[u8]) -> Option<f64> {
    match lex(s)? {
        Lexed::Inf { neg } => Some(if neg {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        }),
        Lexed::Num {
            neg,
            hex: true,
            int,
            frac,
            exp,
        } => match hex_to_binary(int, frac, exp, &F64) {
            r @ (Rounded::ExactZero | Rounded::Finite { .. }) => Some(f64_from(neg, r)),
            Rounded::Underflow | Rounded::Overflow => None,
        },
        Lexed::Num { int, frac, .. } => {
            // The lexer admitted only ASCII in the grammar Rust's parser
            // shares with strtod; Rust rounds decimal input correctly.
            let v: f64 = std::str::from_utf8(s).ok()?.parse().ok()?;
            let nonzero = int.iter().chain(frac).any(|&c| c != b'0');
            (v.is_finite() && (v != 0.0 || !nonzero)).then_some(v)
        }
    }
}

/// C's `isspace` in the C locale.
fn is_c_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// The text `strtod` sees when Redis calls it on a raw buffer and only
/// checks that parsing stopped at a NUL: everything before the first NUL,
/// leading whitespace skipped. `Err(())` means nothing at all was read
/// (an empty text reads as 0 with the end pointer on the NUL: accepted).
fn strtod_body(s: &[u8]) -> Result<Option<Lexed<'_>>, ()> {
    let text = &s[..s.iter().position(|&c| c == 0).unwrap_or(s.len())];
    if text.is_empty() {
        return Ok(None);
    }
    let start = text.iter().position(|&c| !is_c_space(c)).ok_or(())?;
    lex(&text[start..]).map(Some).ok_or(())
}

/// A lexed number as a `double`, and whether glibc's `strtod` would set
/// `errno` to ERANGE: overflow, underflow to zero, or an inexact result
/// that is tiny (below the smallest normal after rounding to 53 bits with
/// an unbounded exponent, as x86 detects tininess).
fn f64_with_erange(lexed: Lexed<'_>) -> (f64, bool) {
    let (neg, hex, int, frac, exp) = match lexed {
        Lexed::Inf { neg } => {
            return (
                if neg {
                    f64::NEG_INFINITY
                } else {
                    f64::INFINITY
                },
                false,
            );
        }
        Lexed::Num {
            neg,
            hex,
            int,
            frac,
            exp,
        } => (neg, hex, int, frac, exp),
    };
    let convert = |f: &Format| {
        if hex {
            hex_to_binary(int, frac, exp, f)
        } else {
            decimal_to_binary(int, frac, exp, f)
        }
    };
    let r = convert(&F64);
    let erange = match r {
        Rounded::ExactZero => false,
        Rounded::Underflow | Rounded::Overflow => true,
        Rounded::Finite { inexact: false, .. } => false,
        Rounded::Finite { m, q, .. } if m >> 52 == 1 && q > F64.min_q => false,
        Rounded::Finite { .. } => {
            const UNBOUNDED: Format = Format {
                prec: 53,
                min_q: -(1 << 40),
                emax: 1023,
            };
            match convert(&UNBOUNDED) {
                Rounded::Finite { q, .. } => q + 52 < -1022,
                _ => true,
            }
        }
    };
    (f64_from(neg, r), erange)
}

/// Parses a score-range bound as ZRANGEBYSCORE, ZCOUNT and friends do
/// (`zslParseRange`, after the caller strips an optional `(`): plain
/// `strtod`, so leading whitespace is skipped, the text ends at its first
/// NUL, an empty text is 0, overflow gives infinity and underflow zero;
/// only trailing junk and `nan` are rejected.
///
/// ```
/// use embedis::util::float::parse_double_lenient;
/// assert_eq!(parse_double_lenient(b" 1.5"), Some(1.5));
/// assert_eq!(parse_double_lenient(b""), Some(0.0));
/// assert_eq!(parse_double_lenient(b"1e400"), Some(f64::INFINITY));
/// assert_eq!(parse_double_lenient(b"1\0junk"), Some(1.0));
/// assert_eq!(parse_double_lenient(b"1 "), None);
/// ```
pub fn parse_double_lenient(s: &[u8]) -> Option<f64> {
    // What `%.17g` and integer formatting write (every stored score) needs
    // none of strtod's leniency.
    plain_decimal(s).or_else(|| parse_strtod(s))
}

/// [`parse_double_lenient`] for any text, through the strtod lexer.
fn parse_strtod(s: &[u8]) -> Option<f64> {
    match strtod_body(s).ok()? {
        None => Some(0.0),
        Some(Lexed::Num {
            neg,
            hex: false,
            int,
            frac,
            exp,
        }) => Some(decimal_f64(neg, int, frac, exp)),
        Some(lexed) => Some(f64_with_erange(lexed).0),
    }
}

/// The value of `s` when Rust's parser takes all of it and strtod would
/// read the same: Rust accepts a subset of strtod's syntax (no leading
/// space, hex or trailing text) and rounds decimals correctly as glibc
/// does, overflow to infinity included; only its `nan` is set aside
/// (lenient parsing rejects NaN). `None` sends the text to the strtod lexer.
fn plain_decimal(s: &[u8]) -> Option<f64> {
    let v: f64 = std::str::from_utf8(s).ok()?.parse().ok()?;
    (!v.is_nan()).then_some(v)
}

/// A lexed decimal number as a correctly rounded `double` (what `strtod`
/// returns, overflow to infinity and underflow to zero included), through
/// Rust's parser, which also rounds decimal input correctly and is far
/// cheaper than the big-number path. Listpack sorted sets parse every
/// stored score with it.
fn decimal_f64(neg: bool, int: &[u8], frac: &[u8], exp: i64) -> f64 {
    let mut text = Vec::with_capacity(int.len() + frac.len() + 24);
    if neg {
        text.push(b'-');
    }
    if int.is_empty() {
        text.push(b'0');
    }
    text.extend_from_slice(int);
    if !frac.is_empty() {
        text.push(b'.');
        text.extend_from_slice(frac);
    }
    text.push(b'e');
    text.extend_from_slice(exp.to_string().as_bytes());
    std::str::from_utf8(&text)
        .ok()
        .and_then(|t| t.parse::<f64>().ok())
        .unwrap_or_else(|| {
            f64_with_erange(Lexed::Num {
                neg,
                hex: false,
                int,
                frac,
                exp,
            })
            .0
        })
}

/// Parses a SORT weight (`SORT ... BY` without `ALPHA`): like
/// [`parse_double_lenient`] but any ERANGE from `strtod` (overflow,
/// underflow, an inexact subnormal) rejects the value.
///
/// ```
/// use embedis::util::float::parse_double_sort;
/// assert_eq!(parse_double_sort(b" 2"), Some(2.0));
/// assert_eq!(parse_double_sort(b"1e400"), None);
/// assert_eq!(parse_double_sort(b"1e-310"), None);
/// assert_eq!(parse_double_sort(b"0x1p-1074"), Some(f64::from_bits(1)));
/// ```
pub fn parse_double_sort(s: &[u8]) -> Option<f64> {
    match strtod_body(s).ok()? {
        None => Some(0.0),
        Some(lexed) => match f64_with_erange(lexed) {
            (_, true) => None,
            (v, false) => Some(v),
        },
    }
}

/// The exact integer value of a double when it has one and lies within
/// [-2^62, 2^62], as Redis's `double2ll` decides (listpack scores stored
/// as integers).
pub fn double_to_i64(v: f64) -> Option<i64> {
    const LIMIT: f64 = (i64::MAX / 2) as f64;
    if !(-LIMIT..=LIMIT).contains(&v) {
        return None;
    }
    let i = v as i64;
    (i as f64 == v).then_some(i)
}

/// A double as Redis's `d2string` writes it (sorted-set scores stored in a
/// listpack as text): `nan`, `inf`/`-inf`, `0`/`-0`, an integer when
/// [`double_to_i64`] finds one, otherwise `%.17g`.
pub fn format_double_compact(v: f64) -> Vec<u8> {
    match double_to_i64(v) {
        Some(0) if v.is_sign_negative() => b"-0".to_vec(),
        Some(i) => i.to_string().into_bytes(),
        None => format_double(v),
    }
}

/// Formats a double as Redis 7.0 replies it in RESP2 (`addReplyDouble`):
/// `inf`/`-inf` for infinities, otherwise C's `%.17g` (17 significant
/// digits, exponent form below 1e-4 or from 1e17 on, trailing zeros removed).
///
/// ```
/// use embedis::util::float::format_double;
/// assert_eq!(format_double(0.1), b"0.10000000000000001");
/// assert_eq!(format_double(1.5), b"1.5");
/// assert_eq!(format_double(1e17), b"1e+17");
/// assert_eq!(format_double(f64::NEG_INFINITY), b"-inf");
/// ```
pub fn format_double(v: f64) -> Vec<u8> {
    DoubleText::of(v).as_bytes().to_vec()
}

/// [`format_double`]'s text held in place (at most 24 bytes), for callers
/// that use it for a moment and would rather not allocate (a listpack
/// sorted set writing a score).
#[derive(Debug, Clone, Copy)]
pub(crate) struct DoubleText {
    buf: [u8; TEXT_ROOM],
    len: u8,
}

/// A [`DoubleText`]'s buffer: the longest text is 24 bytes; the fixed
/// path writes scratch bytes up to 36.
const TEXT_ROOM: usize = 40;

impl DoubleText {
    /// `%.17g` of `v` (`inf`, `-inf`, `nan`, `0`, `-0` as
    /// [`format_double`] writes them).
    pub(crate) fn of(v: f64) -> Self {
        let mut t = DoubleText {
            buf: [0; TEXT_ROOM],
            len: 0,
        };
        let special: &[u8] = if v.is_nan() {
            b"nan"
        } else if v.is_infinite() {
            if v > 0.0 { b"inf" } else { b"-inf" }
        } else if v == 0.0 {
            if v.is_sign_negative() { b"-0" } else { b"0" }
        } else if let Some(n) = format_fixed17(v, &mut t.buf) {
            t.len = n as u8;
            return t;
        } else {
            let exact = format_double_exact(v);
            t.buf[..exact.len()].copy_from_slice(&exact);
            t.len = exact.len() as u8;
            return t;
        };
        t.buf[..special.len()].copy_from_slice(special);
        t.len = special.len() as u8;
        t
    }

    /// The text.
    pub(crate) fn as_bytes(&self) -> &[u8] {
        &self.buf[..usize::from(self.len)]
    }
}

/// `%.17g` of a finite, non-zero `v` through Rust's exact formatting.
fn format_double_exact(v: f64) -> Vec<u8> {
    // Rust's exact formatting rounds ties to even like glibc.
    let sci = format!("{:.16e}", v.abs());
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: Vec<u8> = mantissa.bytes().filter(u8::is_ascii_digit).collect();
    let mut out = Vec::with_capacity(24);
    if v < 0.0 {
        out.push(b'-');
    }
    if !(-4..17).contains(&exp) {
        out.push(digits[0]);
        push_fraction(&mut out, &digits[1..]);
        out.extend_from_slice(
            format!("e{}{:02}", if exp < 0 { '-' } else { '+' }, exp.abs()).as_bytes(),
        );
    } else if exp >= 0 {
        let split = exp as usize + 1;
        out.extend_from_slice(&digits[..split]);
        push_fraction(&mut out, &digits[split..]);
    } else {
        out.push(b'0');
        let mut frac = vec![b'0'; (-exp - 1) as usize];
        frac.extend_from_slice(&digits);
        push_fraction(&mut out, &frac);
    }
    out
}

/// The powers of ten a double holds exactly.
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// 10^k for k in 0..=20, the scales [`format_fixed17`] multiplies by.
const POW10_U128: [u128; 21] = {
    let mut t = [1u128; 21];
    let mut k = 1;
    while k < 21 {
        t[k] = t[k - 1] * 10;
        k += 1;
    }
    t
};

/// The two-digit strings "00" to "99", back to back.
const DIGIT_PAIRS: [u8; 200] = {
    let mut t = [0u8; 200];
    let mut i = 0;
    while i < 100 {
        t[2 * i] = b'0' + (i / 10) as u8;
        t[2 * i + 1] = b'0' + (i % 10) as u8;
        i += 1;
    }
    t
};

/// The 17 significant digits of `a` (finite, `1e-4 <= a < 1e17`) as an
/// integer in `[10^16, 10^17)`, and the decimal exponent of the first,
/// computed exactly in 128-bit integers: `a = m * 2^e`, so `a * 10^k`
/// for the `k` that leaves 17 integer digits is `m * 10^k` shifted by
/// `e`, rounded half to even like glibc. `None` when rounding carries the
/// exponent out of that range.
fn digits17(a: f64) -> Option<(u64, i32)> {
    const LOW: u128 = 10u128.pow(16);
    let bits = a.to_bits();
    let m = u128::from((bits & ((1 << 52) - 1)) | (1 << 52));
    let e = ((bits >> 52) & 0x7ff) as i32 - 1075;
    // floor(log10(a)) is floor(e2 * log10(2)) or one more, for
    // a in [2^e2, 2^(e2 + 1)); a wrong guess costs one more round.
    let e2 = e + 52;
    let mut d = (e2 * 1233) >> 12;
    let next = d + 1;
    let reached = match usize::try_from(next) {
        Ok(k) => k <= 16 && a >= POW10[k],
        Err(_) => a * POW10[next.unsigned_abs() as usize] >= 1.0,
    };
    if reached {
        d = next;
    }
    loop {
        let k = u32::try_from(16 - d).ok().filter(|&k| k <= 20)?;
        let scaled = m * POW10_U128[k as usize];
        let (floor, up) = if e >= 0 {
            (scaled << e, false)
        } else {
            let s = e.unsigned_abs();
            let (floor, rem) = (scaled >> s, scaled & ((1u128 << s) - 1));
            let half = 1u128 << (s - 1);
            (floor, rem > half || (rem == half && floor & 1 == 1))
        };
        if floor < LOW {
            d -= 1;
        } else if floor >= 10 * LOW {
            d += 1;
        } else if floor + u128::from(up) == 10 * LOW {
            return Some((LOW as u64, d + 1));
        } else {
            return Some(((floor + u128::from(up)) as u64, d));
        }
    }
}

/// Writes `%.17g` of `v` at the start of `out` when `1e-4 <= |v| < 1e17`
/// (where it prints no exponent; nearly every score) and returns its
/// length; `None` outside that range. Every copy has a fixed size (bytes
/// written past the length are scratch), so none becomes a `memcpy` call.
fn format_fixed17(v: f64, out: &mut [u8; TEXT_ROOM]) -> Option<usize> {
    let a = v.abs();
    if !(1e-4..1e17).contains(&a) {
        return None;
    }
    let (digits, d) = digits17(a)?;
    if !(-4..17).contains(&d) {
        return None;
    }
    // The 17 digits, then zeros: a fixed 16-byte window at any offset up
    // to 16 stays inside.
    let mut text = [b'0'; 33];
    let (high, low) = ((digits / 100_000_000) as u32, (digits % 100_000_000) as u32);
    put_digits(&mut text[..9], high);
    put_digits(&mut text[9..17], low);
    let keep = 17 - text[..17].iter().rev().take_while(|&&c| c == b'0').count();
    let n = usize::from(v < 0.0);
    out[0] = b'-';
    if d >= 0 {
        let split = d as usize + 1;
        out[n..n + 17].copy_from_slice(&text[..17]);
        out[n + split] = b'.';
        out[n + split + 1..n + split + 17].copy_from_slice(&text[split..split + 16]);
        Some(if keep > split {
            n + 1 + keep
        } else {
            n + split
        })
    } else {
        let zeros = (-d - 1) as usize;
        out[n..n + 5].copy_from_slice(b"0.000");
        out[n + 2 + zeros..n + 19 + zeros].copy_from_slice(&text[..17]);
        Some(n + 2 + zeros + keep)
    }
}

/// Writes `v` in decimal into all of `out`, zero-padded on the left (`v`
/// must fit), two digits at a time.
#[inline]
fn put_digits(out: &mut [u8], mut v: u32) {
    let mut end = out.len();
    while end >= 2 {
        let r = (v % 100) as usize;
        v /= 100;
        out[end - 2..end].copy_from_slice(&DIGIT_PAIRS[2 * r..2 * r + 2]);
        end -= 2;
    }
    if end == 1 {
        out[0] = b'0' + v as u8;
    }
}

/// Appends `.frac` without its trailing zeros (nothing if all are zero).
fn push_fraction(out: &mut Vec<u8>, frac: &[u8]) {
    let keep = frac.len() - frac.iter().rev().take_while(|&&c| c == b'0').count();
    if keep > 0 {
        out.push(b'.');
        out.extend_from_slice(&frac[..keep]);
    }
}

#[cfg(test)]
mod tests;
