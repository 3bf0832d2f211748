//! Differential tests of the options SCAN, HSCAN, SSCAN and ZSCAN share
//! (one parser in the command layer): keywords compared as C strings (up to
//! a NUL byte), the last COUNT and MATCH winning, COUNT's errors, TYPE only
//! on SCAN, a keyword without its value.

mod common;

use common::Pair;

/// Runs `argv` (words, `\0` allowed) on both sides and compares the replies.
fn check(p: &mut Pair, words: &[&str]) {
    let argv: Vec<&[u8]> = words.iter().map(|w| w.as_bytes()).collect();
    p.check_argv(&argv, &format!("{words:?}"));
}

#[test]
fn scan_family_options_match_redis() {
    let Some(mut p) = Pair::new() else { return };
    p.check_all(&[
        "SADD s 1 2 3",
        "HSET h f v g w",
        "ZADD z 1 a 2 b",
        "SET k v",
        "SELECT 1",
        "SET k v",
        "SELECT 0",
    ]);
    for head in [
        &["SCAN", "0"][..],
        &["SSCAN", "s", "0"],
        &["HSCAN", "h", "0"],
        &["ZSCAN", "z", "0"],
        &["SSCAN", "nokey", "0"],
        &["SSCAN", "k", "0"],
        &["HSCAN", "k", "0"],
        &["ZSCAN", "k", "0"],
    ] {
        for tail in [
            &[][..],
            &["COUNT", "100"],
            &["count\0junk", "100"],
            &["match\0junk", "a*"],
            &["MATCH", "1*"],
            &["MATCH", "x*", "MATCH", "a*"],
            &["COUNT", "0", "COUNT", "5"],
            &["COUNT", "5", "COUNT", "0"],
            &["COUNT", "x"],
            &["COUNT", "-1"],
            &["COUNT", "9223372036854775808"],
            &["COUNT"],
            &["MATCH"],
            &["COUNT", "1", "MATCH"],
            &["TYPE", "string"],
            &["type\0x", "set"],
            &["TYPE", "nosuch", "COUNT", "x"],
            &["FOO", "bar"],
            &["COUNT", "x", "FOO"],
        ] {
            let words: Vec<&str> = head.iter().chain(tail).copied().collect();
            // SCAN runs in db 1, which holds one key: no order to differ.
            let db = if words[0] == "SCAN" { "1" } else { "0" };
            p.check(&format!("SELECT {db}"));
            check(&mut p, &words);
        }
    }
}
