use super::long_double::Ld;
use super::*;
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

fn ld(s: &str) -> LongDouble {
    LongDouble::parse(s.as_bytes()).unwrap_or_else(|| panic!("{s} should parse"))
}

fn human(s: &str) -> String {
    String::from_utf8(ld(s).to_human()).unwrap()
}

fn incr(a: &str, b: &str) -> Result<String, String> {
    incr_long_double(a.as_bytes(), b.as_bytes())
        .map(|v| String::from_utf8(v).unwrap())
        .map_err(|e| e.to_string())
}

/// A random decimal text: sign, 1..max_digits digits with a dot somewhere,
/// and usually an exponent in `-exp_span..exp_span`.
fn random_decimal(rng: &mut SmallRng, max_digits: usize, exp_span: i64) -> String {
    let mut s = String::new();
    if rng.random_bool(0.3) {
        s.push('-');
    }
    let n = rng.random_range(1..=max_digits);
    let dot = rng.random_range(0..=n);
    for i in 0..n {
        if i == dot {
            s.push('.');
        }
        s.push(char::from(b'0' + rng.random_range(0..10u8)));
    }
    if rng.random_bool(0.7) {
        s.push_str(&format!("e{}", rng.random_range(-exp_span..exp_span)));
    }
    s
}

#[test]
fn lexer_follows_strtod() {
    for ok in [
        "1",
        "-1",
        "+1",
        ".5",
        "5.",
        "1e5",
        "1E+5",
        "1e-05",
        "0x1p3",
        "0X1P-3",
        "0x.8",
        "0x1.",
        "0xAbC",
        "inf",
        "-Infinity",
        "+INF",
        "1.e5",
        "00012",
        "0x1e5",
    ] {
        assert!(lex(ok.as_bytes()).is_some(), "{ok}");
    }
    for bad in [
        "",
        " 1",
        "1 ",
        "+",
        "-",
        ".",
        "e5",
        "1e",
        "1e+",
        "1.5.",
        "0x",
        "0x.",
        "0x1p",
        "0xg",
        "0x1g",
        "1p3",
        "nan",
        "-nan",
        "nan(1)",
        "infin",
        "infinityy",
        "1\0",
        "1,5",
        "1_0",
        "--1",
        "+-1",
        "1e5.0",
        "0x1p1.5",
        "\u{661}",
    ] {
        assert!(lex(bad.as_bytes()).is_none(), "{bad:?}");
    }
    assert_eq!(
        lex(b"-0x1.8p+2"),
        Some(Lexed::Num {
            neg: true,
            hex: true,
            int: b"1",
            frac: b"8",
            exp: 2
        })
    );
    assert_eq!(
        lex(b"1e99999999999999999999999")
            .map(|l| matches!(l, Lexed::Num { exp, .. } if exp == 1 << 40)),
        Some(true)
    );
}

#[test]
fn parse_double_rules() {
    assert_eq!(parse_double(b"1.5"), Some(1.5));
    assert_eq!(parse_double(b"-0"), Some(-0.0));
    assert!(parse_double(b"-0").unwrap().is_sign_negative());
    assert_eq!(parse_double(b"0e-99999"), Some(0.0));
    assert_eq!(parse_double(b"inf"), Some(f64::INFINITY));
    assert_eq!(parse_double(b"-INFINITY"), Some(f64::NEG_INFINITY));
    assert_eq!(parse_double(b"1e308"), Some(1e308));
    assert_eq!(parse_double(b"1e309"), None);
    assert_eq!(parse_double(b"1e-400"), None);
    assert_eq!(parse_double(b"-1e-400"), None);
    assert_eq!(
        parse_double(b"4.9406564584124654e-324"),
        Some(f64::from_bits(1))
    );
    assert_eq!(
        parse_double(b"2.4703282292062328e-324"),
        Some(f64::from_bits(1))
    );
    assert_eq!(parse_double(b"2.4703282292062327e-324"), None);
    assert_eq!(parse_double(b"0x1p-1074"), Some(f64::from_bits(1)));
    assert_eq!(parse_double(b"0x1p-1075"), None);
    assert_eq!(
        parse_double(b"0x1.0000000000000000000000000000000000000000001p-1075"),
        Some(f64::from_bits(1))
    );
    assert_eq!(parse_double(b"0x1.fffffffffffff7ffffp1023"), Some(f64::MAX));
    assert_eq!(parse_double(b"0x1.fffffffffffff8p1023"), None);
    assert_eq!(parse_double(b"0x1.8"), Some(1.5));
    assert_eq!(parse_double(b"0x.1p4"), Some(1.0));
    assert_eq!(
        parse_double(b"0x10000000000000000000000000000000000000000000001"),
        Some(2f64.powi(184))
    );
    assert_eq!(parse_double(b"0x0p99999"), Some(0.0));
    assert_eq!(parse_double(b"nan"), None);
    assert_eq!(parse_double(b" 1"), None);
    assert_eq!(parse_double(b""), None);
    let long = format!("0.{}1", "0".repeat(10_000));
    assert_eq!(parse_double(long.as_bytes()), None);
    let long = format!("1{}e-10000", "0".repeat(10_000));
    assert_eq!(parse_double(long.as_bytes()), Some(1.0));
}

#[test]
fn generic_decimal_matches_rust_for_f64() {
    let mut rng = SmallRng::seed_from_u64(7);
    for i in 0..20_000 {
        let s = if i % 2 == 0 {
            random_decimal(&mut rng, 25, 340)
        } else {
            random_decimal(&mut rng, 60, 30)
        };
        let Some(Lexed::Num {
            neg,
            int,
            frac,
            exp,
            ..
        }) = lex(s.as_bytes())
        else {
            panic!("{s}")
        };
        let ours = f64_from(neg, decimal_to_binary(int, frac, exp, &F64));
        let rust: f64 = s.parse().unwrap();
        assert_eq!(ours.to_bits(), rust.to_bits(), "{s}");
    }
    // Halfway cases between neighbouring doubles, just below and above.
    for bits in [
        1u64,
        0x0010_0000_0000_0000,
        0x3ff0_0000_0000_0001,
        0x7fef_ffff_ffff_ffff,
    ] {
        let a = f64::from_bits(bits);
        for s in [format!("{a:e}"), format!("{:.40e}", a)] {
            assert_eq!(parse_double(s.as_bytes()), Some(a), "{s}");
        }
    }
}

/// The exact bounds check: `text` lies within half an ulp of the 80-bit
/// value it parsed to (ties to an even mantissa).
fn assert_nearest(text: &str) {
    let Some(Lexed::Num {
        int,
        frac,
        exp,
        hex: false,
        ..
    }) = lex(text.as_bytes())
    else {
        panic!("{text}")
    };
    let Some(LongDouble(Ld::Finite { mant, exp: q, .. })) = LongDouble::parse(text.as_bytes())
    else {
        return;
    };
    let mut d = Big::default();
    for &c in int.iter().chain(frac) {
        d.mul_add_small(10, u32::from(c - b'0'));
    }
    let e10 = exp - frac.len() as i64;
    // Compare value = d * 10^e10 with (k * 2^(q - sh)) by cross-multiplying.
    let side = |k: u128, sh: i64| -> std::cmp::Ordering {
        let mut lhs = d.clone();
        lhs.mul_pow10(e10.max(0) as u64);
        let lhs = lhs.shl((sh - q).max(0) as u64);
        let mut rhs = Big::from_u128(k).shl((q - sh).max(0) as u64);
        rhs.mul_pow10((-e10).max(0) as u64);
        lhs.cmp(&rhs)
    };
    if mant == 0 {
        return;
    }
    let m = u128::from(mant);
    let lower = if mant == 1 << 63 && q > X87.min_q {
        side(4 * m - 1, 2)
    } else {
        side(2 * m - 1, 1)
    };
    let upper = side(2 * m + 1, 1);
    use std::cmp::Ordering::*;
    let even = mant & 1 == 0;
    assert!(
        lower == Greater || (lower == Equal && even),
        "{text}: below the rounding interval"
    );
    assert!(
        upper == Less || (upper == Equal && even),
        "{text}: above the rounding interval"
    );
    assert!(mant >> 63 == 1 || q == X87.min_q, "{text}: not normalized");
}

#[test]
fn long_double_parse_is_correctly_rounded() {
    let mut rng = SmallRng::seed_from_u64(11);
    for i in 0..1500 {
        let s = match i % 3 {
            0 => random_decimal(&mut rng, 25, 60),
            1 => random_decimal(&mut rng, 80, 4950),
            _ => random_decimal(&mut rng, 30, 5),
        };
        assert_nearest(&s);
    }
    for s in [
        "0.1",
        "0.3",
        "1e4932",
        "1.18973149535723176502e4932",
        "3.6451995318824746025e-4951",
        "1e-4940",
    ] {
        assert_nearest(s);
    }
    // A tie between two 64-bit mantissas: 2^64 + 1 rounds to even (2^64), 2^64 + 3 up.
    assert_eq!(human("18446744073709551617"), "18446744073709551616");
    assert_eq!(human("18446744073709551619"), "18446744073709551620");
    assert_eq!(
        human("18446744073709551617.000000000000000000001"),
        "18446744073709551618"
    );
}

#[test]
fn long_double_limits() {
    assert!(LongDouble::parse(b"1.18973149535723176502e4932").is_some());
    assert!(LongDouble::parse(b"1.18973149535723176505e4932").is_some());
    assert!(LongDouble::parse(b"1.18973149535723176506e4932").is_none());
    assert!(LongDouble::parse(b"1e4933").is_none());
    assert!(LongDouble::parse(b"1e-5000").is_none());
    assert!(LongDouble::parse(b"1.8225997659412373012e-4951").is_none());
    assert!(LongDouble::parse(b"1.82259976594123730127e-4951").is_some());
    assert_eq!(
        LongDouble::parse(b"0x1p-16445"),
        Some(LongDouble(Ld::Finite {
            neg: false,
            mant: 1,
            exp: -16445
        }))
    );
    assert!(LongDouble::parse(b"0x1p-16446").is_none());
    assert!(LongDouble::parse(b"0x1p16383").is_some());
    assert!(LongDouble::parse(b"0x1p16384").is_none());
    assert_eq!(
        LongDouble::parse(b"-0x0p99999999"),
        Some(LongDouble(Ld::Finite {
            neg: true,
            mant: 0,
            exp: 0
        }))
    );
    assert!(LongDouble::parse(b"nan").is_none());
    let max_len = format!("1.{}", "0".repeat(MAX_LONG_DOUBLE_CHARS - 3));
    assert!(LongDouble::parse(max_len.as_bytes()).is_some());
    let too_long = format!("1.{}", "0".repeat(MAX_LONG_DOUBLE_CHARS - 2));
    assert!(LongDouble::parse(too_long.as_bytes()).is_none());
}

#[test]
fn human_printing() {
    assert_eq!(human("0"), "0");
    assert_eq!(human("-0"), "0");
    assert_eq!(human("1.5"), "1.5");
    assert_eq!(human("-1.25"), "-1.25");
    assert_eq!(human("0.1"), "0.1");
    assert_eq!(human("100"), "100");
    assert_eq!(human("1e-17"), "0.00000000000000001");
    assert_eq!(human("4e-18"), "0");
    assert_eq!(human("-4e-18"), "0");
    assert_eq!(human("6e-18"), "0.00000000000000001");
    assert_eq!(human("-6e-18"), "-0.00000000000000001");
    // 2^-18 ends in ...625 at 18 decimals: ties go to even.
    assert_eq!(human("0.000003814697265625"), "0.00000381469726562");
    assert_eq!(human("0.000003814697265635"), "0.00000381469726563");
    assert_eq!(human("0.999999999999999999"), "1");
    assert_eq!(human("0x1p-16445"), "0");
    assert_eq!(human("1e20"), "100000000000000000000");
    assert_eq!(
        LongDouble::from_i64(i64::MIN).to_human(),
        b"-9223372036854775808"
    );
    assert_eq!(LongDouble::from_i64(0).to_human(), b"0");
    let big = human("1e300");
    assert_eq!(big.len(), 301);
    assert!(big.starts_with("10000000000000000000"));
    assert_eq!(human("0x1p16383").len(), 4932);
    assert_eq!(LongDouble(Ld::Inf { neg: true }).to_human(), b"-inf");
}

/// `v` as exact hexadecimal float text.
fn hex_text(v: f64) -> String {
    let bits = v.to_bits();
    let sign = if bits >> 63 == 1 { "-" } else { "" };
    let e = ((bits >> 52) & 0x7ff) as i64;
    let m = bits & ((1 << 52) - 1);
    if e == 0 {
        format!("{sign}0x0.{m:013x}p-1022")
    } else {
        format!("{sign}0x1.{m:013x}p{}", e - 1023)
    }
}

#[test]
fn human_printing_matches_exact_fixed_formatting() {
    // Every double is exact in 80 bits; Rust's `{:.17}` is exact with ties to even.
    let mut rng = SmallRng::seed_from_u64(3);
    for i in 0..5000 {
        let v = if i % 2 == 0 {
            f64::from_bits(
                rng.random::<u64>() & !(0x7ff << 52) | (rng.random_range(900u64..1100) << 52),
            )
        } else {
            rng.random_range(-1e6..1e6)
        };
        let mut want = format!("{v:.17}");
        want = want.trim_end_matches('0').trim_end_matches('.').to_string();
        if want == "-0" {
            want = "0".into();
        }
        assert_eq!(human(&hex_text(v)), want, "{v:e}");
    }
}

#[test]
fn addition() {
    assert_eq!(incr("0.1", "0.2"), Ok("0.3".into()));
    assert_eq!(incr("1", "1e-20"), Ok("1".into()));
    assert_eq!(incr("10.5", "0.1"), Ok("10.6".into()));
    assert_eq!(incr("5", "-5"), Ok("0".into()));
    assert_eq!(incr("-0", "-0"), Ok("0".into()));
    assert_eq!(incr("3", "-4.5"), Ok("-1.5".into()));
    assert_eq!(
        incr("9223372036854775807", "1"),
        Ok("9223372036854775808".into())
    );
    assert_eq!(
        incr("18446744073709551615", "1"),
        Ok("18446744073709551616".into())
    );
    // 2^64 + 1 is a tie at 64 bits: to even.
    assert_eq!(
        incr("18446744073709551616", "1"),
        Ok("18446744073709551616".into())
    );
    assert_eq!(
        incr("18446744073709551616", "1.0000001"),
        Ok("18446744073709551618".into())
    );
    assert_eq!(
        incr("18446744073709551616", "-0.5"),
        Ok("18446744073709551616".into())
    );
    assert_eq!(
        incr("18446744073709551616", "-0.50001"),
        Ok("18446744073709551615".into())
    );
    assert_eq!(incr("0x1p-16445", "0x1p-16445"), Ok("0".into()));
    assert_eq!(incr("1e300", "0").map(|s| s.len()), Ok(301));
    assert_eq!(
        incr("0x1p16383", "0x1p16383"),
        Err("ERR increment would produce NaN or Infinity".into())
    );
    assert_eq!(incr("1e4932", "-1e4932"), Ok("0".into()));
    assert_eq!(
        incr("inf", "1"),
        Err("ERR increment would produce NaN or Infinity".into())
    );
    assert_eq!(
        incr("1", "-inf"),
        Err("ERR increment would produce NaN or Infinity".into())
    );
    assert_eq!(
        incr("inf", "-inf"),
        Err("ERR increment would produce NaN or Infinity".into())
    );
    assert_eq!(
        incr("abc", "1"),
        Err("ERR value is not a valid float".into())
    );
    assert_eq!(
        incr("1", "nan"),
        Err("ERR value is not a valid float".into())
    );
    assert_eq!(
        incr("abc", "inf"),
        Err("ERR value is not a valid float".into())
    );
    // Subnormal sums are exact; the far-apart shortcut keeps the rounding.
    let tiny = LongDouble::parse(b"0x1p-16445").unwrap();
    assert_eq!(tiny + tiny, LongDouble::parse(b"0x1p-16444").unwrap());
    let one = LongDouble::from_i64(1);
    assert_eq!(one + tiny, one);
    assert_eq!(
        ld("0x1.0000000000000001p0") + ld("-0x1p-200"),
        ld("0x1.0000000000000000p0")
    );
    assert_eq!(ld("0x1p0") + ld("-0x1p-200"), ld("0x1p0"));
    assert_eq!(ld("0x1p0") + ld("-0x1p-65"), ld("0x1p0"));
    assert_eq!(
        ld("0x1p0") + ld("-0x1.0000000001p-65"),
        ld("0x1.fffffffffffffffep-1")
    );
    assert_eq!(
        ld("0x1.0000000000000002p0") + ld("-0x1p-200"),
        ld("0x1.0000000000000002p0")
    );
    assert_eq!(
        ld("0x1.0000000000000006p0") + ld("0x1p-200"),
        ld("0x1.0000000000000006p0")
    );
    assert_eq!(ld("0x1p0") + ld("0x1p-64"), ld("0x1p0"));
    assert_eq!(
        ld("0x1p0") + ld("0x1.0000001p-64"),
        ld("0x1.0000000000000002p0")
    );
    assert_eq!(
        ld("0x1.0000000000000002p0") + ld("0x1p-64"),
        ld("0x1.0000000000000004p0")
    );
}

#[test]
fn addition_matches_exact_sum_of_doubles() {
    // Two doubles within 2^10 of each other in magnitude sum exactly within
    // 64 bits, so the 80-bit sum printed must equal the exact decimal sum.
    let mut rng = SmallRng::seed_from_u64(5);
    for _ in 0..2000 {
        let a: f64 = rng.random_range(-1000.0..1000.0);
        let b: f64 = rng.random_range(-1000.0..1000.0);
        let exact = ld(&hex_text(a)) + ld(&hex_text(b));
        let (ia, ib) = ((a * 2f64.powi(42)) as i128, (b * 2f64.powi(42)) as i128);
        if ia as f64 != a * 2f64.powi(42) || ib as f64 != b * 2f64.powi(42) {
            continue;
        }
        let sum = ia + ib;
        let want = ld(&format!(
            "{}{:#x}p-42",
            if sum < 0 { "-" } else { "" },
            sum.unsigned_abs()
        ));
        assert_eq!(exact, want, "{a} + {b}");
    }
}

#[test]
fn format_double_is_percent_17g() {
    let cases: &[(f64, &str)] = &[
        (0.0, "0"),
        (-0.0, "-0"),
        (1.0, "1"),
        (-2.5, "-2.5"),
        (0.1, "0.10000000000000001"),
        (1e16, "10000000000000000"),
        (1e17, "1e+17"),
        (1.5e17, "1.5e+17"),
        (123456789012345678.0, "1.2345678901234568e+17"),
        (0.0001, "0.0001"),
        (0.00001, "1.0000000000000001e-05"),
        (1e-100, "1e-100"),
        (f64::MAX, "1.7976931348623157e+308"),
        (f64::from_bits(1), "4.9406564584124654e-324"),
        (1.0 + 1.0 / 131072.0, "1.0000076293945312"),
        (f64::INFINITY, "inf"),
        (f64::NEG_INFINITY, "-inf"),
    ];
    for &(v, want) in cases {
        assert_eq!(String::from_utf8(format_double(v)).unwrap(), want, "{v:e}");
    }
}

#[test]
fn lenient_and_sort_parsing() {
    assert_eq!(parse_double_lenient(b""), Some(0.0));
    assert_eq!(parse_double_lenient(b"\0abc"), Some(0.0));
    assert_eq!(parse_double_lenient(b" \t\n\x0b\x0c\r-2"), Some(-2.0));
    assert_eq!(parse_double_lenient(b"  "), None);
    assert_eq!(parse_double_lenient(b" \0"), None);
    assert_eq!(parse_double_lenient(b"2 "), None);
    assert_eq!(parse_double_lenient(b"2\0 x"), Some(2.0));
    assert_eq!(parse_double_lenient(b"nan"), None);
    assert_eq!(parse_double_lenient(b"-1e400"), Some(f64::NEG_INFINITY));
    assert_eq!(parse_double_lenient(b"1e-400"), Some(0.0));
    assert_eq!(parse_double_lenient(b"0x1p-1080"), Some(0.0));
    assert_eq!(parse_double_lenient(b"1e-310"), Some(1e-310));
    assert_eq!(parse_double_lenient(b"-inf"), Some(f64::NEG_INFINITY));
    assert_eq!(parse_double_sort(b""), Some(0.0));
    assert_eq!(parse_double_sort(b" 1"), Some(1.0));
    assert_eq!(parse_double_sort(b"inf"), Some(f64::INFINITY));
    assert_eq!(parse_double_sort(b"1e400"), None);
    assert_eq!(parse_double_sort(b"1e-400"), None);
    assert_eq!(parse_double_sort(b"1e-310"), None);
    assert_eq!(
        parse_double_sort(b"0x1.8p-1060"),
        Some(1.5 * 2f64.powi(-1060))
    );
    assert_eq!(
        parse_double_sort(b"2.2250738585072014e-308"),
        Some(f64::MIN_POSITIVE)
    );
    assert_eq!(parse_double_sort(b"2.2250738585072011e-308"), None);
    // Just below the smallest normal but rounding to it at 53 bits: not tiny.
    assert_eq!(
        parse_double_sort(b"0x1.fffffffffffff8p-1023"),
        Some(f64::MIN_POSITIVE)
    );
    // Below that midpoint it is tiny, even though the result is the smallest normal.
    assert_eq!(parse_double_sort(b"0x1.fffffffffffff7p-1023"), None);
    assert_eq!(
        parse_double_lenient(b"0x1.fffffffffffff7p-1023"),
        Some(f64::MIN_POSITIVE)
    );
}

#[test]
fn compact_scores() {
    assert_eq!(double_to_i64(3.0), Some(3));
    assert_eq!(double_to_i64(-0.0), Some(0));
    assert_eq!(double_to_i64(2f64.powi(62)), Some(1 << 62));
    assert_eq!(double_to_i64(-(2f64.powi(62))), Some(-(1 << 62)));
    assert_eq!(double_to_i64(2f64.powi(63)), None);
    assert_eq!(double_to_i64(1.5), None);
    assert_eq!(double_to_i64(f64::NAN), None);
    assert_eq!(double_to_i64(f64::INFINITY), None);
    assert_eq!(format_double_compact(-0.0), b"-0");
    assert_eq!(format_double_compact(0.0), b"0");
    assert_eq!(format_double_compact(1e15), b"1000000000000000");
    assert_eq!(format_double_compact(1e20), b"1e+20");
    assert_eq!(format_double_compact(0.5), b"0.5");
    assert_eq!(format_double_compact(f64::NEG_INFINITY), b"-inf");
    assert_eq!(format_double_compact(f64::NAN), b"nan");
}

#[test]
fn arbitrary_bytes_never_panic() {
    let alphabet = b"0123456789abcdefxXpPeE.+-infty \0";
    let mut rng = SmallRng::seed_from_u64(99);
    for _ in 0..20_000 {
        let n = rng.random_range(0..24);
        let s: Vec<u8> = (0..n)
            .map(|_| alphabet[rng.random_range(0..alphabet.len())])
            .collect();
        let strict = parse_double(&s);
        assert!(
            strict.is_none() || parse_double_lenient(&s) == strict,
            "{s:?}"
        );
        parse_double_sort(&s);
        if let Some(v) = LongDouble::parse(&s) {
            let _ = v.to_human();
            let _ = (v + v).to_human();
        }
    }
}

/// The fast decimal path of `parse_double_lenient` agrees with the
/// big-number conversion on awkward inputs: halfway cases, subnormals,
/// overflow and underflow edges, long mantissas and Redis's own score text.
#[test]
fn lenient_fast_path_matches_big_number_path() {
    let mut texts: Vec<String> = vec![
        "2.2250738585072011e-308".into(),
        "2.2250738585072014e-308".into(),
        "4.9406564584124654e-324".into(),
        "2.4703282292062327e-324".into(),
        "2.4703282292062328e-324".into(),
        "1.7976931348623157e308".into(),
        "1.7976931348623158e308".into(),
        "1.797693134862315807e308".into(),
        "9007199254740993".into(),
        "0.1".into(),
        ".5".into(),
        "5.".into(),
        "00000.000001e+6".into(),
        format!("1{}e-400", "0".repeat(400)),
        format!("0.{}1e10", "0".repeat(300)),
    ];
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    for _ in 0..20_000 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let v = f64::from_bits(x);
        if v.is_finite() {
            texts.push(String::from_utf8(format_double_compact(v)).unwrap());
            texts.push(format!("{v:e}"));
            texts.push(format!("{:.25e}", v));
        }
    }
    for t in &texts {
        let Some(Lexed::Num {
            neg,
            hex: false,
            int,
            frac,
            exp,
        }) = lex(t.as_bytes())
        else {
            panic!("not a decimal: {t}");
        };
        let slow = f64_with_erange(Lexed::Num {
            neg,
            hex: false,
            int,
            frac,
            exp,
        })
        .0;
        let fast = decimal_f64(neg, int, frac, exp);
        assert_eq!(fast.to_bits(), slow.to_bits(), "{t}");
    }
}

/// Values whose `%.17g` takes every branch of the integer fast path:
/// random bits across its range, scores as the benchmarks draw them,
/// neighbours of powers of ten, and short binary fractions, whose exact
/// decimal expansions end in ...5 right after the 17th digit (ties).
fn fixed17_probes() -> Vec<f64> {
    let mut rng = SmallRng::seed_from_u64(17);
    let mut out = Vec::new();
    for _ in 0..40_000 {
        let bits = rng.random_range(1e-5f64.to_bits()..2e17f64.to_bits());
        out.push(f64::from_bits(bits));
        out.push(rng.random::<f64>() * 1e6);
        let n: u64 = rng.random_range(1u64 << 52..1u64 << 53);
        out.push(n as f64 / f64::from(1u32 << rng.random_range(0..31)) / 4096.0);
    }
    for p in -5..=18 {
        let t = 10f64.powi(p);
        out.extend([t, t.next_up(), t.next_down(), 9.5 * t, 5.0 * t]);
    }
    out
}

#[test]
fn fixed17_matches_exact_formatting() {
    for v in fixed17_probes() {
        for v in [v, -v] {
            assert_eq!(format_double(v), format_double_exact(v), "{v:e}");
        }
    }
}

#[test]
fn plain_decimals_parse_as_strtod_does() {
    let mut rng = SmallRng::seed_from_u64(18);
    let mut texts: Vec<Vec<u8>> = fixed17_probes()
        .into_iter()
        .take(20_000)
        .map(format_double)
        .collect();
    texts.extend((0..20_000).map(|_| random_decimal(&mut rng, 30, 400).into_bytes()));
    let odd = [
        "1.",
        ".5",
        "-",
        "1e",
        "1e+",
        "+1",
        "1.5E3",
        "-0",
        "007",
        "1_0",
        "inf",
        "-Infinity",
        "+inf",
        "infinite",
        "nan",
        "-NaN",
        " 1",
        "1 ",
        "0x10",
        "1e99999",
        "1\0x",
        "",
        "+",
        "e5",
    ];
    for t in odd {
        texts.push(t.as_bytes().to_vec());
    }
    for t in texts {
        let (fast, slow) = (parse_double_lenient(&t), parse_strtod(&t));
        let same = fast.map(f64::to_bits) == slow.map(f64::to_bits);
        assert!(
            same,
            "{}: {fast:?} vs {slow:?}",
            String::from_utf8_lossy(&t)
        );
    }
}
