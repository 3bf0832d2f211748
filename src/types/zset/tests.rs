use super::*;
use crate::Keyspace;
use crate::config::Config;

fn ks_with(entries: usize, value: usize) -> Keyspace {
    Keyspace::new(Config {
        zset_max_listpack_entries: entries,
        zset_max_listpack_value: value,
        ..Config::default()
    })
}

fn enc(ks: &mut Keyspace, key: &[u8]) -> &'static str {
    ks.object_encoding(key).map_or("none", |e| e.as_str())
}

#[test]
fn conversion_points_follow_redis() {
    let mut ks = ks_with(3, 8);
    let o = ZAddOptions::default();
    ks.zadd(
        b"z",
        &[(1.0, b"a".as_slice()), (2.0, b"b"), (3.0, b"c")],
        &o,
    )
    .unwrap();
    assert_eq!(enc(&mut ks, b"z"), "listpack");
    ks.zadd(b"z", &[(4.0, b"d".as_slice())], &o).unwrap();
    assert_eq!(enc(&mut ks, b"z"), "skiplist");
    ks.zrem(b"z", &[b"a", b"b", b"c"]).unwrap();
    assert_eq!(enc(&mut ks, b"z"), "skiplist");
    ks.zadd(b"long", &[(1.0, b"123456789".as_slice())], &o)
        .unwrap();
    assert_eq!(enc(&mut ks, b"long"), "skiplist");
    ks.zadd(b"y", &[(1.0, b"a".as_slice())], &o).unwrap();
    ks.zadd(b"y", &[(1.0, b"123456789".as_slice())], &o)
        .unwrap();
    assert_eq!(enc(&mut ks, b"y"), "skiplist");
    assert_eq!(
        ks.zunionstore(b"u", &[b"z"], &SetOpOptions::default())
            .unwrap(),
        1
    );
    assert_eq!(enc(&mut ks, b"u"), "listpack");
    assert_eq!(
        ks.zrangestore(b"r", b"y", &ZRange::by_rank(0, -1)).unwrap(),
        2
    );
    assert_eq!(enc(&mut ks, b"r"), "skiplist");
    ks.validate().unwrap();
}

#[test]
fn same_operations_under_both_encodings() {
    for entries in [0, 128] {
        let mut ks = ks_with(entries, 64);
        let o = ZAddOptions::default();
        let members: Vec<(f64, Vec<u8>)> = (0..40)
            .map(|i| (f64::from(i % 7), format!("m{i}").into_bytes()))
            .collect();
        let pairs: Vec<(f64, &[u8])> = members.iter().map(|(s, m)| (*s, m.as_slice())).collect();
        assert_eq!(ks.zadd(b"z", &pairs, &o).unwrap(), 40);
        assert_eq!(ks.zcard(b"z").unwrap(), 40);
        assert_eq!(ks.zcount(b"z", &ScoreRange::new(2.0, 3.0)).unwrap(), 12);
        assert_eq!(ks.zrank(b"z", b"m0").unwrap(), Some(0));
        assert_eq!(ks.zrevrank(b"z", b"m0").unwrap(), Some(39));
        let top = ks
            .zrange(b"z", &ZRange::by_score(ScoreRange::all()).rev().limit(1, 2))
            .unwrap();
        assert_eq!(top.len(), 2);
        assert_eq!(top[0].1, 6.0);
        assert_eq!(ks.zincrby(b"z", 0.5, b"m0").unwrap(), 0.5);
        assert_eq!(ks.zremrangebyrank(b"z", 0, 4).unwrap(), 5);
        assert_eq!(ks.zpopmax(b"z", 3).unwrap().len(), 3);
        assert_eq!(ks.zcard(b"z").unwrap(), 32);
        ks.validate().unwrap();
        let all = ks.zrandmember_count(b"z", 100).unwrap();
        assert_eq!(all.len(), 32);
        assert_eq!(ks.zrandmember_count(b"z", -100).unwrap().len(), 100);
        assert_eq!(ks.zrandmember_count(b"z", 5).unwrap().len(), 5);
        assert_eq!(ks.zremrangebyscore(b"z", &ScoreRange::all()).unwrap(), 32);
        assert_eq!(enc(&mut ks, b"z"), "none");
    }
}

#[test]
fn nan_and_option_errors() {
    let mut ks = ks_with(128, 64);
    let o = ZAddOptions::default();
    ks.zadd(b"z", &[(f64::INFINITY, b"a".as_slice())], &o)
        .unwrap();
    let err = ks.zincrby(b"z", f64::NEG_INFINITY, b"a").unwrap_err();
    assert_eq!(err.to_string(), "ERR resulting score is not a number (NaN)");
    let bad = ZAddOptions {
        condition: Some(ZAddCondition::Nx),
        compare: Some(ZAddCompare::Gt),
        ch: false,
    };
    assert!(ks.zadd(b"z", &[(1.0, b"b".as_slice())], &bad).is_err());
    ks.validate().unwrap();
}

#[test]
fn stored_score_texts_read_back_as_strtod_reads_them() {
    use crate::encoding::Elem;
    use crate::util::float::{format_double_compact, parse_double_lenient};
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut values = vec![
        0.1,
        1.5,
        -2.25e-300,
        1e308,
        f64::MAX,
        f64::MIN_POSITIVE,
        5e-324,
        f64::INFINITY,
        f64::NEG_INFINITY,
    ];
    for _ in 0..20_000 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let v = f64::from_bits(x);
        if v.is_finite() {
            values.push(v);
        }
        values.push((x >> 11) as f64 / (1u64 << 53) as f64 * 1e6);
    }
    for v in values {
        let text = format_double_compact(v);
        let strtod = parse_double_lenient(&text).unwrap();
        let got = listpack::elem_score(Elem::Str(&text));
        assert_eq!(
            got.to_bits(),
            strtod.to_bits(),
            "{}",
            String::from_utf8_lossy(&text)
        );
    }
    for odd in [&b"0x1p3"[..], b"1e", b" 2", b"3abc"] {
        let got = listpack::elem_score(Elem::Str(odd));
        assert_eq!(got, parse_double_lenient(odd).unwrap_or(0.0));
    }
}
