use super::*;
use crate::config::Config;

fn ks() -> Keyspace {
    Keyspace::new(Config::default())
}

#[test]
fn setbit_grows_and_returns_the_old_bit() {
    let mut ks = ks();
    assert_eq!(ks.setbit(b"k", 9, 1).unwrap(), 0);
    assert_eq!(ks.get(b"k").unwrap().unwrap(), [0x00, 0x40]);
    assert_eq!(ks.setbit(b"k", 9, 1).unwrap(), 1);
    assert_eq!(ks.setbit(b"k", 0, 1).unwrap(), 0);
    assert_eq!(ks.get(b"k").unwrap().unwrap(), [0x80, 0x40]);
    assert_eq!(ks.getbit(b"k", 0).unwrap(), 1);
    assert_eq!(ks.getbit(b"k", 1).unwrap(), 0);
    assert_eq!(ks.getbit(b"k", 1000).unwrap(), 0);
    assert_eq!(ks.getbit(b"nokey", 3).unwrap(), 0);
    assert_eq!(
        ks.setbit(b"k", 0, 2).unwrap_err().to_string(),
        BIT_VALUE_ERR
    );
    let limit = ks.config().proto_max_bulk_len * 8;
    assert_eq!(
        ks.setbit(b"k", limit, 1).unwrap_err().to_string(),
        BIT_OFFSET_ERR
    );
    assert_eq!(
        ks.getbit(b"k", limit).unwrap_err().to_string(),
        BIT_OFFSET_ERR
    );
}

#[test]
fn integer_strings_are_their_digits() {
    let mut ks = ks();
    ks.set(b"n", b"7", &Default::default()).unwrap();
    // '7' is 0x37 = 0011 0111.
    assert_eq!(ks.bitcount(b"n", None).unwrap(), 5);
    assert_eq!(ks.getbit(b"n", 2).unwrap(), 1);
    assert_eq!(ks.bitpos(b"n", 1, None).unwrap(), 2);
    assert_eq!(ks.setbit(b"n", 7, 0).unwrap(), 1);
    assert_eq!(ks.get(b"n").unwrap().unwrap(), b"6");
    let encoding = ks.lookup_quiet(b"n").unwrap().value.encoding();
    assert_eq!(encoding.as_str(), "raw");
}

#[test]
fn bitcount_ranges() {
    let mut ks = ks();
    ks.set(b"k", b"\xff\x0f\xf0", &Default::default()).unwrap();
    assert_eq!(ks.bitcount(b"k", None).unwrap(), 16);
    assert_eq!(ks.bitcount(b"k", Some((1, 1, BitUnit::Byte))).unwrap(), 4);
    assert_eq!(ks.bitcount(b"k", Some((-2, -1, BitUnit::Byte))).unwrap(), 8);
    assert_eq!(ks.bitcount(b"k", Some((-1, -3, BitUnit::Byte))).unwrap(), 0);
    // Both negative and start > end: 0 even though clamping would give 0..=0.
    assert_eq!(
        ks.bitcount(b"k", Some((-100, -200, BitUnit::Byte)))
            .unwrap(),
        0
    );
    assert_eq!(
        ks.bitcount(b"k", Some((-100, 0, BitUnit::Byte))).unwrap(),
        8
    );
    assert_eq!(ks.bitcount(b"k", Some((4, 11, BitUnit::Bit))).unwrap(), 4);
    assert_eq!(ks.bitcount(b"k", Some((5, 5, BitUnit::Bit))).unwrap(), 1);
    assert_eq!(ks.bitcount(b"k", Some((12, 100, BitUnit::Bit))).unwrap(), 8);
    assert_eq!(ks.bitcount(b"k", Some((3, 2, BitUnit::Bit))).unwrap(), 0);
    assert_eq!(
        ks.bitcount(b"none", Some((0, -1, BitUnit::Bit))).unwrap(),
        0
    );
}

#[test]
fn bitpos_padding_rules() {
    let mut ks = ks();
    ks.set(b"ones", b"\xff\xff\xff", &Default::default())
        .unwrap();
    let r = |start, end, unit| Some(BitposRange { start, end, unit });
    assert_eq!(ks.bitpos(b"ones", 0, None).unwrap(), 24);
    assert_eq!(
        ks.bitpos(b"ones", 0, r(1, None, BitUnit::Byte)).unwrap(),
        24
    );
    assert_eq!(
        ks.bitpos(b"ones", 0, r(0, Some(-1), BitUnit::Byte))
            .unwrap(),
        -1
    );
    assert_eq!(ks.bitpos(b"ones", 1, r(1, None, BitUnit::Byte)).unwrap(), 8);
    assert_eq!(
        ks.bitpos(b"ones", 1, r(5, Some(9), BitUnit::Bit)).unwrap(),
        5
    );
    assert_eq!(
        ks.bitpos(b"ones", 1, r(3, Some(2), BitUnit::Byte)).unwrap(),
        -1
    );
    assert_eq!(ks.bitpos(b"none", 1, None).unwrap(), -1);
    assert_eq!(ks.bitpos(b"none", 0, None).unwrap(), 0);
    ks.set(b"empty", b"", &Default::default()).unwrap();
    assert_eq!(ks.bitpos(b"empty", 0, None).unwrap(), -1);
    ks.set(b"z", b"\x00\x00\x01", &Default::default()).unwrap();
    assert_eq!(ks.bitpos(b"z", 1, None).unwrap(), 23);
    assert_eq!(
        ks.bitpos(b"z", 1, r(0, Some(21), BitUnit::Bit)).unwrap(),
        -1
    );
    assert_eq!(
        ks.bitpos(b"z", 0, r(23, Some(23), BitUnit::Bit)).unwrap(),
        -1
    );
    assert_eq!(
        ks.bitpos(b"z", 2, None).unwrap_err().to_string(),
        BITPOS_BIT_ERR
    );
}

#[test]
fn bitop_pads_and_deletes() {
    let mut ks = ks();
    ks.set(b"a", b"\xf0", &Default::default()).unwrap();
    ks.set(b"b", b"\x0f\x0f", &Default::default()).unwrap();
    assert_eq!(ks.bitop(BitOp::And, b"d", &[b"a", b"b"]).unwrap(), 2);
    assert_eq!(ks.get(b"d").unwrap().unwrap(), [0, 0]);
    assert_eq!(ks.bitop(BitOp::Or, b"d", &[b"a", b"b", b"x"]).unwrap(), 2);
    assert_eq!(ks.get(b"d").unwrap().unwrap(), [0xff, 0x0f]);
    assert_eq!(ks.bitop(BitOp::Not, b"d", &[b"a"]).unwrap(), 1);
    assert_eq!(ks.get(b"d").unwrap().unwrap(), [0x0f]);
    assert_eq!(
        ks.bitop(BitOp::Not, b"d", &[b"a", b"b"])
            .unwrap_err()
            .to_string(),
        BITOP_NOT_ERR
    );
    assert_eq!(ks.bitop(BitOp::Xor, b"d", &[b"x", b"y"]).unwrap(), 0);
    assert_eq!(ks.get(b"d").unwrap(), None);
    ks.validate().unwrap();
}

#[test]
fn bitfield_creates_even_when_fail_refuses() {
    let mut ks = ks();
    let u8t = BitfieldType::new(false, 8).unwrap();
    let ops = [
        BitfieldOp::Overflow(BitfieldOverflow::Fail),
        BitfieldOp::IncrBy {
            ty: u8t,
            offset: 16,
            increment: 300,
        },
        BitfieldOp::Get { ty: u8t, offset: 0 },
    ];
    assert_eq!(ks.bitfield(b"k", &ops).unwrap(), [None, Some(0)]);
    assert_eq!(ks.get(b"k").unwrap().unwrap(), [0, 0, 0]);
    assert_eq!(
        ks.bitfield_ro(b"k", &ops).unwrap_err().to_string(),
        "ERR BITFIELD_RO only supports the GET subcommand"
    );
    let get = [BitfieldOp::Get { ty: u8t, offset: 4 }];
    assert_eq!(ks.bitfield_ro(b"missing", &get).unwrap(), [Some(0)]);
    assert_eq!(ks.get(b"missing").unwrap(), None);
}

#[test]
fn offsets_parse_like_redis() {
    let limit = 512 * 1024 * 1024;
    assert_eq!(
        parse_offset(b"4294967295", None, limit).unwrap(),
        (1 << 32) - 1
    );
    assert!(parse_offset(b"4294967296", None, limit).is_err());
    assert!(parse_offset(b"#1", None, limit).is_err());
    assert_eq!(parse_offset(b"#3", Some(8), limit).unwrap(), 24);
    assert!(parse_offset(b"#-1", Some(8), limit).is_err());
    assert!(parse_offset(b"-1", None, limit).is_err());
    assert!(parse_offset(b"#", Some(8), limit).is_err());
    assert!(parse_offset(b"", None, limit).is_err());
    assert!(check_offset(u64::MAX, u64::MAX).is_err());
    assert!(check_offset(i64::MAX as u64, u64::MAX).is_ok());
    // The multiplication wraps as in C: 2^61 * 8 = 2^64 = 0.
    assert_eq!(
        parse_offset(b"#2305843009213693952", Some(8), limit).unwrap(),
        0
    );
}

/// Model test: random SETBIT/BITFIELD writes and every read command against
/// a `Vec<bool>` of bits.
mod model {
    use proptest::prelude::*;

    use super::*;

    #[derive(Debug, Clone)]
    enum Op {
        SetBit(u64, bool),
        SetField(bool, u32, u64, i64),
        Count(i64, i64, BitUnit),
        Pos(bool, i64, Option<i64>, BitUnit),
        GetField(bool, u32, u64),
    }

    fn op() -> impl Strategy<Value = Op> {
        let unit = prop_oneof![Just(BitUnit::Byte), Just(BitUnit::Bit)];
        let idx = -80i64..80;
        let width = (any::<bool>(), 1u32..=63);
        prop_oneof![
            4 => (0u64..300, any::<bool>()).prop_map(|(o, b)| Op::SetBit(o, b)),
            2 => (width.clone(), 0u64..300, any::<i64>())
                .prop_map(|((s, w), o, v)| Op::SetField(s, w, o, v)),
            2 => (idx.clone(), idx.clone(), unit.clone()).prop_map(|(s, e, u)| Op::Count(s, e, u)),
            2 => (any::<bool>(), idx.clone(), prop::option::of(idx), unit)
                .prop_map(|(b, s, e, u)| Op::Pos(b, s, e, u)),
            1 => (width, 0u64..320).prop_map(|((s, w), o)| Op::GetField(s, w, o)),
        ]
    }

    fn grow(model: &mut Vec<bool>, last_bit: u64) {
        let len = ((last_bit / 8 + 1) * 8) as usize;
        if model.len() < len {
            model.resize(len, false);
        }
    }

    /// Inclusive bit range of a Redis start/end pair, by plain arithmetic.
    fn span(model: &[bool], start: i64, end: i64, unit: BitUnit) -> Option<(usize, usize)> {
        let scale = if unit == BitUnit::Bit { 1 } else { 8 };
        let total = model.len() as i64 / scale;
        let norm = |i: i64| if i < 0 { (total + i).max(0) } else { i };
        let (s, e) = (norm(start), norm(end).min(total - 1));
        (s <= e).then(|| ((s * scale) as usize, (e * scale + scale - 1) as usize))
    }

    fn field(model: &[bool], signed: bool, width: u32, offset: u64) -> i64 {
        let mut v: u64 = 0;
        for i in 0..u64::from(width) {
            let bit = model.get((offset + i) as usize).copied().unwrap_or(false);
            v = v << 1 | u64::from(bit);
        }
        if signed && v >> (width - 1) & 1 == 1 {
            (v | u64::MAX << width) as i64
        } else {
            v as i64
        }
    }

    fn check(ks: &mut Keyspace, model: &mut Vec<bool>, op: Op) {
        match op {
            Op::SetBit(o, b) => {
                let old = model.get(o as usize).copied().unwrap_or(false);
                assert_eq!(ks.setbit(b"k", o, u8::from(b)).unwrap(), u8::from(old));
                grow(model, o);
                model[o as usize] = b;
            }
            Op::SetField(s, w, o, v) => {
                let ty = BitfieldType::new(s, w).unwrap();
                // WRAP keeps the low bits whatever the value.
                let set = BitfieldOp::Set {
                    ty,
                    offset: o,
                    value: v,
                };
                let old = field(model, s, w, o);
                assert_eq!(ks.bitfield(b"k", &[set]).unwrap(), [Some(old)]);
                grow(model, o + u64::from(w) - 1);
                for i in 0..u64::from(w) {
                    model[(o + i) as usize] = (v as u64) >> (u64::from(w) - 1 - i) & 1 == 1;
                }
            }
            Op::Count(s, e, u) => {
                let want = if s < 0 && e < 0 && s > e {
                    0
                } else {
                    span(model, s, e, u)
                        .map_or(0, |(a, b)| model[a..=b].iter().filter(|&&x| x).count())
                };
                let got = ks.bitcount(b"k", Some((s, e, u))).unwrap();
                assert_eq!(got, want as u64, "BITCOUNT {s} {e} {u:?}");
            }
            Op::Pos(b, s, e, u) => {
                let range = BitposRange {
                    start: s,
                    end: e,
                    unit: u,
                };
                let total = model.len() as i64 / if u == BitUnit::Bit { 1 } else { 8 };
                // An empty model is a missing key: 0 is found at once, 1 never.
                let want = match span(model, s, e.unwrap_or(total - 1), u) {
                    None if model.is_empty() => -i64::from(b),
                    None => -1,
                    Some((x, y)) => match (x..=y).find(|&i| model[i] == b) {
                        Some(i) => i as i64,
                        None if !b && e.is_none() => y as i64 + 1,
                        None => -1,
                    },
                };
                let got = ks.bitpos(b"k", u8::from(b), Some(range)).unwrap();
                assert_eq!(got, want, "BITPOS {b} {s} {e:?} {u:?}");
            }
            Op::GetField(s, w, o) => {
                let ty = BitfieldType::new(s, w).unwrap();
                let got = ks
                    .bitfield_ro(b"k", &[BitfieldOp::Get { ty, offset: o }])
                    .unwrap();
                assert_eq!(got, [Some(field(model, s, w, o))]);
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        #[test]
        fn bitmaps_match_a_vec_of_bools(ops in prop::collection::vec(op(), 1..60)) {
            let mut ks = Keyspace::new(Config::default());
            let mut model = Vec::new();
            for op in ops {
                check(&mut ks, &mut model, op);
            }
            let bytes = ks.get(b"k").unwrap().unwrap_or_default();
            prop_assert_eq!(bytes.len() * 8, model.len());
            for (i, &bit) in model.iter().enumerate() {
                prop_assert_eq!(bytes[i / 8] & (0x80 >> (i % 8)) != 0, bit);
            }
        }
    }
}

#[test]
fn write_counter_counts_changes() {
    let mut ks = ks();
    ks.set(b"k", b"\x00\x00", &Default::default()).unwrap();
    let u8t = BitfieldType::new(false, 8).unwrap();
    let set = |offset, value| BitfieldOp::Set {
        ty: u8t,
        offset,
        value,
    };
    let before = ks.stats().dirty;
    ks.bitfield(b"k", &[set(0, 1), set(8, 1), set(8, 1)])
        .unwrap();
    assert_eq!(ks.stats().dirty, before + 2);
    // Byte 0 is now 0x01: its last bit changes once.
    assert_eq!(ks.setbit(b"k", 7, 0).unwrap(), 1);
    assert_eq!(ks.setbit(b"k", 7, 0).unwrap(), 0);
    assert_eq!(ks.stats().dirty, before + 3);
    ks.bitfield(b"k", &[set(0, 0)]).unwrap();
    assert_eq!(ks.stats().dirty, before + 3);
    // Creating a key counts once with its write; refused writes not at all.
    ks.setbit(b"new", 3, 0).unwrap();
    assert_eq!(ks.stats().dirty, before + 4);
    let fail = BitfieldOp::Overflow(BitfieldOverflow::Fail);
    ks.bitfield(b"new2", &[fail, set(0, 1000)]).unwrap();
    assert_eq!(ks.stats().dirty, before + 4);
    assert_eq!(ks.get(b"new2").unwrap().unwrap(), [0]);
    ks.validate().unwrap();
}

/// The raw buffer behind `key` (tests look at its capacity).
fn raw<'a>(ks: &'a Keyspace, key: &[u8]) -> &'a Vec<u8> {
    match ks.db().get(key).map(|e| &e.value) {
        Some(Value::String(StringValue::Raw(b))) => b,
        _ => panic!("not a raw string"),
    }
}

#[test]
fn strings_grow_as_redis_greedy_rule() {
    let mut ks = ks();
    // A new bitmap is exactly as long as its highest byte.
    ks.setbit(b"k", 8 * 999, 1).unwrap();
    assert_eq!(raw(&ks, b"k").capacity(), 1000);
    // Growing below 1 MB reserves twice the needed length...
    ks.setbit(b"k", 8 * 1999, 1).unwrap();
    assert_eq!(raw(&ks, b"k").len(), 2000);
    assert_eq!(raw(&ks, b"k").capacity(), 4000);
    // ... and nothing while that room lasts.
    ks.setbit(b"k", 8 * 3999, 1).unwrap();
    assert_eq!(raw(&ks, b"k").capacity(), 4000);
    // From 1 MB on, the needed length plus 1 MB (not twice 3 MB).
    let mb = 1 << 20;
    ks.setbit(b"k", 8 * (3 * mb as u64) - 1, 1).unwrap();
    assert_eq!(raw(&ks, b"k").len(), 3 * mb);
    assert_eq!(raw(&ks, b"k").capacity(), 4 * mb);
    // BITFIELD, SETRANGE and APPEND grow by the same rule.
    let u8t = BitfieldType::new(false, 8).unwrap();
    let set = BitfieldOp::Set {
        ty: u8t,
        offset: 8 * 99,
        value: 1,
    };
    ks.bitfield(b"f", &[set]).unwrap();
    assert_eq!(raw(&ks, b"f").capacity(), 100);
    ks.setrange(b"f", 199, b"x").unwrap();
    assert_eq!(raw(&ks, b"f").capacity(), 400);
    ks.set(b"a", b"abc", &Default::default()).unwrap();
    ks.append(b"a", &[b'x'; 100]).unwrap();
    assert_eq!(raw(&ks, b"a").capacity(), 206);
    assert_eq!(ks.strlen(b"a").unwrap(), 103);
    ks.validate().unwrap();
}
