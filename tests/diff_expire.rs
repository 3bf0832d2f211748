//! Differential tests of the TTL commands against redis-server: EXPIRE,
//! PEXPIRE, EXPIREAT, PEXPIREAT (NX/XX/GT/LT), TTL, PTTL, EXPIRETIME,
//! PEXPIRETIME and PERSIST.
//!
//! The two sides read different clocks, so exact comparisons use absolute
//! far-future deadlines (EXPIREAT/PEXPIREAT, EXPIRETIME/PEXPIRETIME) or
//! relative TTLs in whole seconds, which round to the same value on both
//! sides; PTTL of a relative TTL is compared with a tolerance.

mod common;

use common::Pair;

/// 2100-01-01T00:00:00Z.
const FAR: i64 = 4_102_444_800;

fn integer(reply: &[u8]) -> i64 {
    let text = reply
        .strip_prefix(b":")
        .and_then(|r| r.strip_suffix(b"\r\n"))
        .expect("integer reply");
    std::str::from_utf8(text).unwrap().parse().unwrap()
}

#[test]
fn expire_flags_and_errors() {
    let Some(mut p) = Pair::new() else { return };
    p.check_all(&[
        "EXPIRE nokey 100",
        "EXPIRE nokey 100 NX",
        "EXPIRE nokey -1",
        "SET k v",
        "EXPIRE k 100 FOO",
        "EXPIRE k 100 nx FOO",
        "EXPIRE k x FOO",
        "EXPIRE k 100 NX XX",
        "EXPIRE k 100 NX GT",
        "EXPIRE k 100 LT NX",
        "EXPIRE k 100 GT LT",
        "EXPIRE k 100 GT LT NX",
        "EXPIRE k x NX XX",
        "EXPIRE k x GT",
        "EXPIRE k 1.5",
        "EXPIRE k \"\"",
        "EXPIRE k -0",
        "EXPIRE k 100 NX NX",
        "TTL k",
        "EXPIRE k 50 GT",
        "EXPIRE k 500 LT",
        "EXPIRE k 500 NX",
        "TTL k",
        "PERSIST k",
        "PERSIST k",
        "TTL k",
        "PERSIST nokey",
        "PERSIST",
        "EXPIRE",
        "EXPIRE k",
        "PEXPIRE k",
        "EXPIREAT k",
        "PEXPIREAT k",
    ]);
    // Deadline comparisons use absolute times, so equal deadlines really are
    // equal on both sides.
    let at = |cmd: &str, t: i64, flags: &str| format!("{cmd} k {t} {flags}");
    let far_ms = FAR * 1000;
    p.check_all(&[
        &at("EXPIREAT", FAR, "GT"),
        &at("EXPIREAT", FAR, "XX"),
        &at("EXPIREAT", FAR, "XX GT"),
        &at("EXPIREAT", FAR, "XX LT"),
        "EXPIRETIME k",
        &at("EXPIREAT", FAR, "LT"),
        "EXPIRETIME k",
        &at("EXPIREAT", FAR + 100, "NX"),
        &at("EXPIREAT", FAR + 100, "GT"),
        "EXPIRETIME k",
        &at("EXPIREAT", FAR + 100, "GT"),
        &at("EXPIREAT", FAR + 100, "LT"),
        &at("PEXPIREAT", (FAR + 100) * 1000, "GT"),
        &at("PEXPIREAT", (FAR + 100) * 1000, "LT"),
        &at("EXPIREAT", FAR + 50, "GT"),
        &at("EXPIREAT", FAR + 50, "lt"),
        "EXPIRETIME k",
        &at("PEXPIREAT", far_ms + 50_001, "xx gt"),
        "PEXPIRETIME k",
        &at("PEXPIREAT", far_ms + 49_999, "XX LT"),
        "PEXPIRETIME k",
        &at("EXPIREAT", FAR, "XX GT"),
        &at("EXPIREAT", FAR, "XX LT"),
        &at("EXPIREAT", FAR, "NX"),
        "EXPIRETIME k",
        "PERSIST k",
        &at("EXPIREAT", FAR, "nx"),
        "EXPIRETIME k",
    ]);
    // Unknown flags are echoed (up to a NUL, newlines turned into spaces).
    p.check_argv(&[b"EXPIRE", b"k", b"1", b"F\x00OO"], "EXPIRE with NUL flag");
    p.check_argv(&[b"EXPIRE", b"k", b"1", b"a\r\nb"], "EXPIRE with CRLF flag");
    p.check_argv(&[b"EXPIRE", b"k", b"1", b"\xff"], "EXPIRE with binary flag");
    p.check_argv(&[b"EXPIRE", b"k", b"1", b""], "EXPIRE with empty flag");
}

#[test]
fn overflow_and_past_deadlines() {
    let Some(mut p) = Pair::new() else { return };
    p.check_all(&[
        "SET k v",
        "EXPIRE k 9223372036854775807",
        "EXPIRE k 9223372036854775",
        "EXPIRE k 9223372036854776",
        "EXPIRE k -9223372036854775808",
        "EXPIRE k -9223372036854776",
        "PEXPIRE k 9223372036854775807",
        "PEXPIRE k 9223372036854775000",
        "EXPIREAT k 9223372036854775807",
        "EXPIREAT k 9223372036854776",
        "EXPIREAT k -9223372036854776",
        "EXPIREAT k 9223372036854775",
        "PEXPIRETIME k",
        "EXPIRETIME k",
        "PEXPIREAT k 9223372036854775807",
        "PEXPIRETIME k",
        "EXPIRETIME k",
        "PEXPIREAT k 9223372036854775808",
        "PEXPIREAT k -9223372036854775808",
        "EXISTS k",
        "SET k v",
        "EXPIRE k -9223372036854775",
        "EXISTS k",
        "SET k v",
        "EXPIRE k 0",
        "EXISTS k",
        "SET k v",
        "PEXPIRE k -1",
        "EXISTS k",
        "SET k v",
        "EXPIREAT k 1",
        "EXISTS k",
        "SET k v",
        "PEXPIREAT k 0",
        "EXISTS k",
        "SET k v",
        "EXPIRE k 100",
        "EXPIRE k -1 GT",
        "EXPIRE k -1 LT",
        "EXISTS k",
        "SET k v",
        "EXPIRE k -1 NX",
        "EXISTS k",
        "SET k v",
        "EXPIRE k -1 GT",
        "EXPIRE k -1 XX",
        "EXISTS k",
        "EXPIRE k -1 LT",
        "EXISTS k",
        "DBSIZE",
    ]);
}

#[test]
fn absolute_deadlines_and_ttl_queries() {
    let Some(mut p) = Pair::new() else { return };
    let far_ms = FAR * 1000 + 123;
    p.check_all(&[
        "TTL nokey",
        "PTTL nokey",
        "EXPIRETIME nokey",
        "PEXPIRETIME nokey",
        "SET k v",
        "TTL k",
        "PTTL k",
        "EXPIRETIME k",
        "PEXPIRETIME k",
        "TTL",
        "TTL k k",
        "PTTL",
        "EXPIRETIME",
        "PEXPIRETIME k k",
    ]);
    p.check_all(&[
        &format!("EXPIREAT k {FAR}"),
        "EXPIRETIME k",
        "PEXPIRETIME k",
        &format!("PEXPIREAT k {far_ms}"),
        "EXPIRETIME k",
        "PEXPIRETIME k",
        &format!("PEXPIREAT k {} GT", far_ms + 1),
        &format!("PEXPIREAT k {} GT", far_ms + 1),
        &format!("PEXPIREAT k {} LT", far_ms - 1),
        "PEXPIRETIME k",
        &format!("PEXPIREAT k {} XX LT", far_ms - 499),
        "PEXPIRETIME k",
        "EXPIRETIME k",
        &format!("PEXPIREAT k {}", far_ms - 124 + 500),
        "EXPIRETIME k",
        &format!("PEXPIREAT k {}", far_ms - 124 + 499),
        "EXPIRETIME k",
        &format!("EXPIREAT k {FAR} NX"),
        "PERSIST k",
        &format!("EXPIREAT k {FAR} NX"),
        "PEXPIRETIME k",
        "EXPIRE k 1000",
        "TTL k",
        "EXPIRE k 86400",
        "TTL k",
        "PEXPIRE k 1000000",
        "TTL k",
        "SET k v KEEPTTL",
        "TTL k",
        "SET k v",
        "TTL k",
    ]);
    // PTTL of a relative deadline differs only by the clock skew.
    p.check("PEXPIRE k 100000");
    let (want, got) = p.both(&[b"PTTL", b"k"]);
    let (want, got) = (integer(&want), integer(&got));
    assert!(
        (want - got).abs() < 250 && got <= 100_000 && got > 99_000,
        "PTTL {got} vs {want}"
    );
}

#[test]
fn keys_expire_on_both_sides() {
    let Some(mut p) = Pair::new() else { return };
    p.check_all(&[
        "SET a 1",
        "SET b 2",
        "SET c 3",
        "PEXPIRE a 50",
        "PEXPIRE b 50",
        "EXPIRE c 100",
        "RENAME b b2",
        "COPY c c2",
        "TTL c2",
    ]);
    std::thread::sleep(std::time::Duration::from_millis(120));
    p.check_all(&[
        "GET a",
        "TTL a",
        "EXISTS b2",
        "PERSIST a",
        "EXPIRE a 10",
        "RENAME a x",
        "DBSIZE",
        "SET d 1 PX 50",
        "TTL c",
    ]);
    p.check_unordered("KEYS *");
    std::thread::sleep(std::time::Duration::from_millis(120));
    p.check_all(&["TYPE d", "DBSIZE"]);
}
