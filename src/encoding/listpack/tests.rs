//! Unit tests and the proptest model for the listpack.

use super::entry::push_backlen;
use super::*;
use proptest::prelude::*;

/// The single entry (encoding and backlen) `elem` becomes.
fn entry(elem: Elem<'_>) -> Vec<u8> {
    let mut lp = Listpack::new();
    lp.push_back(elem);
    lp.as_bytes()[HDR..lp.total_bytes() - 1].to_vec()
}

#[test]
fn empty_layout() {
    let lp = Listpack::new();
    assert_eq!(lp.as_bytes(), &[7, 0, 0, 0, 0, 0, 0xFF]);
    assert!(lp.is_empty());
    assert_eq!(lp.len(), 0);
    assert_eq!(lp.first(), None);
    assert_eq!(lp.get(0), None);
    assert_eq!(lp.get(-1), None);
    lp.validate(true).unwrap();
}

#[test]
fn integer_encodings_and_limits() {
    let cases: &[(i64, &[u8])] = &[
        (0, &[0x00, 1]),
        (127, &[0x7F, 1]),
        (128, &[0xC0, 0x80, 2]),
        (-1, &[0xDF, 0xFF, 2]),
        (4095, &[0xCF, 0xFF, 2]),
        (-4096, &[0xD0, 0x00, 2]),
        (4096, &[0xF1, 0x00, 0x10, 3]),
        (-4097, &[0xF1, 0xFF, 0xEF, 3]),
        (32767, &[0xF1, 0xFF, 0x7F, 3]),
        (-32768, &[0xF1, 0x00, 0x80, 3]),
        (32768, &[0xF2, 0x00, 0x80, 0x00, 4]),
        (-8388608, &[0xF2, 0x00, 0x00, 0x80, 4]),
        (8388608, &[0xF3, 0x00, 0x00, 0x80, 0x00, 5]),
        (i64::from(i32::MIN), &[0xF3, 0, 0, 0, 0x80, 5]),
        (
            i64::from(i32::MAX) + 1,
            &[0xF4, 0, 0, 0, 0x80, 0, 0, 0, 0, 9],
        ),
        (i64::MIN, &[0xF4, 0, 0, 0, 0, 0, 0, 0, 0x80, 9]),
    ];
    for &(v, want) in cases {
        assert_eq!(entry(Elem::Int(v)), want, "{v}");
        let text = v.to_string();
        assert_eq!(entry(Elem::Str(text.as_bytes())), want, "{v} as text");
        let mut lp = Listpack::new();
        lp.push_back(v);
        assert_eq!(lp.get(0), Some(Elem::Int(v)));
    }
}

#[test]
fn integer_looking_strings_stay_strings() {
    for s in [
        &b"007"[..],
        b"-0",
        b"+1",
        b" 1",
        b"1 ",
        b"",
        b"-",
        b"9223372036854775808",
        b"-9223372036854775809",
    ] {
        let mut lp = Listpack::new();
        lp.push_back(s);
        assert_eq!(lp.get(0), Some(Elem::Str(s)), "{s:?}");
        assert_eq!(entry(Elem::Str(s))[0], 0x80 | s.len() as u8);
    }
}

#[test]
fn string_length_classes_and_backlens() {
    for (len, head, back) in [
        (0usize, 1usize, 1usize),
        (63, 1, 1),
        (64, 2, 1),
        (125, 2, 1),
        (126, 2, 2),
        (4095, 2, 2),
        (4096, 5, 2),
        (16377, 5, 2),
        (16378, 5, 3),
    ] {
        let s = vec![b'x'; len];
        let e = entry(Elem::Str(&s));
        assert_eq!(e.len(), head + len + back, "len {len}");
        let mut lp = Listpack::new();
        lp.push_back(s.as_slice());
        lp.push_back(1);
        lp.validate(true).unwrap();
        assert_eq!(lp.iter_rev().nth(1), Some(Elem::Str(&s)));
    }
    assert_eq!(entry(Elem::Str(&[b'a'; 64]))[..2], [0xE0, 64]);
    assert_eq!(entry(Elem::Str(&[b'a'; 4096]))[..5], [0xF0, 0, 0x10, 0, 0]);
}

#[test]
fn backlen_boundaries() {
    for (n, want) in [
        (1u64, &[0x01][..]),
        (127, &[0x7F]),
        (128, &[0x01, 0x80]),
        (16382, &[0x7F, 0xFE]),
        (16383, &[0x00, 0xFF, 0xFF]),
        (2097150, &[0x7F, 0xFF, 0xFE]),
        (2097151, &[0x00, 0xFF, 0xFF, 0xFF]),
        (268435455, &[0x00, 0xFF, 0xFF, 0xFF, 0xFF]),
    ] {
        let mut out = Vec::new();
        push_backlen(&mut out, n);
        assert_eq!(out, want, "{n}");
        assert_eq!(read_backlen(&out, out.len() - 1), Some(n));
    }
}

#[test]
fn positional_operations() {
    let mut lp = Listpack::new();
    lp.push_back(b"b");
    lp.push_front(1);
    lp.push_back(b"300");
    assert!(lp.insert(1, b"mid"));
    assert!(lp.insert(4, b"end"));
    assert!(!lp.insert(9, b"no"));
    let all: Vec<_> = lp.iter().collect();
    assert_eq!(
        all,
        [
            Elem::Int(1),
            Elem::Str(b"mid"),
            Elem::Str(b"b"),
            Elem::Int(300),
            Elem::Str(b"end")
        ]
    );
    assert_eq!(lp.get(-2), Some(Elem::Int(300)));
    assert_eq!(lp.get(-5), Some(Elem::Int(1)));
    assert_eq!(lp.get(-6), None);
    assert_eq!(lp.get(5), None);
    assert!(lp.replace(-1, b"-77"));
    assert_eq!(lp.last(), Some(Elem::Int(-77)));
    assert!(!lp.replace(5, b"x"));
    assert!(lp.remove(1));
    assert!(!lp.remove(4));
    assert_eq!(lp.remove_range(-2, 10), 2);
    assert_eq!(lp.len(), 2);
    assert_eq!(lp.remove_range(5, 1), 0);
    assert_eq!(lp.remove_range(0, 0), 0);
    lp.validate(true).unwrap();
    assert_eq!(format!("{lp:?}"), "[Int(1), Str([98])]");
    let copy: Listpack = lp.iter().collect();
    assert_eq!(copy, lp);
}

#[test]
fn find_compares_like_redis() {
    let mut lp = Listpack::new();
    for e in [&b"a"[..], b"12", b"007", b"x", b"-5", b"12"] {
        lp.push_back(e);
    }
    assert_eq!(lp.find(b"12"), Some(1));
    assert_eq!(lp.find(b"012"), None);
    assert_eq!(lp.find(b"+12"), None);
    assert_eq!(lp.find(b"007"), Some(2));
    assert_eq!(lp.find(b"7"), None);
    assert_eq!(lp.find(b"-5"), Some(4));
    // Skip 1: only even positions (hash fields).
    assert_eq!(lp.find_from(0, b"12", 1), None);
    assert_eq!(lp.find_from(0, b"-5", 1), Some(4));
    assert_eq!(lp.find_from(1, b"12", 1), Some(1));
    assert_eq!(lp.find_from(2, b"12", 1), None);
    assert_eq!(lp.find_from(3, b"12", 1), Some(5));
    // A foreign listpack may hold an integer-looking string as a string.
    let mut raw = Listpack::new().into_bytes();
    raw.truncate(HDR);
    raw.extend_from_slice(&[0x81, b'5', 2, 0xFF]);
    raw[4] = 1;
    raw[0] = raw.len() as u8;
    let foreign = Listpack::from_bytes(raw).unwrap();
    assert_eq!(foreign.get(0), Some(Elem::Str(b"5")));
    assert_eq!(foreign.find(b"5"), Some(0));
    assert!(Elem::Int(5).matches(b"5"));
    assert!(!Elem::Int(5).matches(b"05"));
}

#[test]
fn header_count_becomes_unknown_and_back() {
    let mut lp = Listpack::new();
    for i in 0..65534 {
        lp.push_back(i64::from(i % 100));
    }
    assert_eq!(lp.header_count(), 65534);
    lp.push_back(1);
    assert_eq!(lp.header_count(), u16::MAX);
    assert_eq!(lp.len(), 65535);
    lp.validate(true).unwrap();
    lp.push_back(2);
    assert!(lp.remove(0));
    assert_eq!(lp.header_count(), u16::MAX);
    assert_eq!(lp.sync_count(), 65535);
    assert_eq!(lp.header_count(), u16::MAX);
    assert!(lp.remove(-1));
    assert_eq!(
        lp.header_count(),
        u16::MAX,
        "deletion never decrements unknown"
    );
    assert_eq!(lp.sync_count(), 65534);
    assert_eq!(lp.header_count(), 65534);
    assert_eq!(lp.get(-1), Some(Elem::Int(1)));
    lp.validate(true).unwrap();
    // The short-string append moves the count the same way.
    lp.push_back_str(b"ab");
    assert_eq!(lp.header_count(), u16::MAX);
    lp.push_back_str(b"cd");
    assert_eq!(lp.header_count(), u16::MAX);
    assert_eq!(lp.len(), 65536);
    assert_eq!(lp.get(-1), Some(Elem::Str(b"cd")));
    lp.validate(true).unwrap();
}

fn corrupt(bytes: &[u8], deep: bool) -> &'static str {
    Listpack::validate_bytes(bytes, deep).unwrap_err().0
}

#[test]
fn validation_rejects_what_redis_rejects() {
    assert_eq!(
        corrupt(&[6, 0, 0, 0, 0, 0], false),
        "shorter than a header and terminator"
    );
    assert_eq!(
        corrupt(&[8, 0, 0, 0, 0, 0, 0xFF], false),
        "header total differs from the length"
    );
    assert_eq!(
        corrupt(&[7, 0, 0, 0, 0, 0, 0xFE], false),
        "missing terminator"
    );
    // Shallow checks ignore the entries and the count.
    let bad_count = [7, 0, 0, 0, 3, 0, 0xFF];
    assert!(Listpack::validate_bytes(&bad_count, false).is_ok());
    assert_eq!(
        corrupt(&bad_count, true),
        "header count differs from the entries"
    );
    // An unknown count is accepted whatever the true count.
    assert!(Listpack::validate_bytes(&[7, 0, 0, 0, 0xFF, 0xFF, 0xFF], true).is_ok());
    assert_eq!(
        corrupt(&[9, 0, 0, 0, 1, 0, 0xF5, 1, 0xFF], true),
        "unknown entry encoding"
    );
    assert_eq!(
        corrupt(&[9, 0, 0, 0, 1, 0, 0x05, 2, 0xFF], true),
        "backlen does not match the entry"
    );
    assert_eq!(
        corrupt(&[9, 0, 0, 0, 1, 0, 0x82, 2, 0xFF], true),
        "entry past the end"
    );
    assert_eq!(
        corrupt(&[9, 0, 0, 0, 1, 0, 0xF0, 1, 0xFF], true),
        "entry header past the end"
    );
    assert_eq!(
        corrupt(&[10, 0, 0, 0, 1, 0, 0x05, 1, 0xFF, 0xFF], true),
        "terminator before the end"
    );
    // Redis's backlen reader keeps walking left while bytes have their
    // top bit set; a stray top bit that adds nothing is tolerated.
    assert!(Listpack::validate_bytes(&[9, 0, 0, 0, 1, 0, 0x00, 0x81, 0xFF], true).is_ok());
    // Non-canonical integer widths are valid too.
    let wide = [11, 0, 0, 0, 1, 0, 0xF1, 5, 0, 3, 0xFF];
    let lp = Listpack::from_bytes(wide.to_vec()).unwrap();
    assert_eq!(lp.get(0), Some(Elem::Int(5)));
    assert_eq!(lp.find(b"5"), Some(0));
}

#[test]
fn validate_callback_sees_every_entry() {
    let mut lp = Listpack::new();
    lp.push_back(b"f");
    lp.push_back(7);
    let mut seen = Vec::new();
    Listpack::validate_bytes_with(lp.as_bytes(), true, |e, n| {
        seen.push((e.to_vec(), n));
        true
    })
    .unwrap();
    assert_eq!(seen, [(b"f".to_vec(), 2), (b"7".to_vec(), 2)]);
    let rejected = Listpack::validate_bytes_with(lp.as_bytes(), true, |_, _| false);
    assert_eq!(rejected, Err(Corrupt("entry rejected by the caller")));
}

#[derive(Debug, Clone)]
enum Op {
    PushBack(Vec<u8>),
    PushFront(Vec<u8>),
    Insert(usize, Vec<u8>),
    Remove(isize),
    RemoveRange(isize, usize),
    Replace(isize, Vec<u8>),
    Find(Vec<u8>),
    Seek(isize),
    FindRemove(Vec<u8>),
    PairReplace(Vec<u8>, Vec<u8>),
}

fn element() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        any::<i64>().prop_map(|v| v.to_string().into_bytes()),
        (-5000i64..5000).prop_map(|v| v.to_string().into_bytes()),
        proptest::sample::select(vec!["007", "-0", "+1", "", "a", "0", "-"])
            .prop_map(|s| s.as_bytes().to_vec()),
        proptest::collection::vec(any::<u8>(), 0..80),
        (60usize..140).prop_map(|n| vec![b'z'; n]),
        Just(vec![b'q'; 4100]),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => element().prop_map(Op::PushBack),
        2 => element().prop_map(Op::PushFront),
        2 => (0usize..12, element()).prop_map(|(i, e)| Op::Insert(i, e)),
        2 => (-12isize..12).prop_map(Op::Remove),
        1 => (-12isize..12, 0usize..4).prop_map(|(i, n)| Op::RemoveRange(i, n)),
        2 => (-12isize..12, element()).prop_map(|(i, e)| Op::Replace(i, e)),
        1 => element().prop_map(Op::Find),
        1 => (-12isize..12).prop_map(Op::Seek),
        1 => element().prop_map(Op::FindRemove),
        1 => (element(), element()).prop_map(|(a, b)| Op::PairReplace(a, b)),
    ]
}

/// Where a possibly negative index lands in a model of length `n`.
fn resolve(i: isize, n: usize) -> Option<usize> {
    let i = if i < 0 { i + n as isize } else { i };
    (0..n as isize).contains(&i).then_some(i as usize)
}

fn apply(lp: &mut Listpack, model: &mut Vec<Vec<u8>>, op: Op) {
    match op {
        Op::PushBack(e) => {
            lp.push_back(e.as_slice());
            model.push(e);
        }
        Op::PushFront(e) => {
            lp.push_front(e.as_slice());
            model.insert(0, e);
        }
        Op::Insert(i, e) => {
            assert_eq!(lp.insert(i, e.as_slice()), i <= model.len());
            if i <= model.len() {
                model.insert(i, e);
            }
        }
        Op::Remove(i) => {
            let at = resolve(i, model.len());
            assert_eq!(lp.remove(i), at.is_some());
            if let Some(at) = at {
                model.remove(at);
            }
        }
        Op::RemoveRange(i, n) => {
            let at = resolve(i, model.len()).filter(|_| n > 0);
            let want = at.map_or(0, |at| n.min(model.len() - at));
            assert_eq!(lp.remove_range(i, n), want);
            if let Some(at) = at {
                model.drain(at..at + want);
            }
        }
        Op::Replace(i, e) => {
            let at = resolve(i, model.len());
            assert_eq!(lp.replace(i, e.as_slice()), at.is_some());
            if let Some(at) = at {
                model[at] = e;
            }
        }
        Op::Find(e) => {
            let want = model.iter().position(|m| *m == e);
            assert_eq!(lp.find(&e), want);
        }
        Op::Seek(i) => {
            let want = resolve(i, model.len()).map(|at| Elem::parse(&model[at]));
            assert_eq!(lp.seek(i).map(|p| lp.at(p)), want);
        }
        Op::FindRemove(e) => {
            let hit = lp.first_pos().and_then(|p| lp.find_pos(p, &e, 0));
            let at = model.iter().position(|m| *m == e);
            assert_eq!(hit.is_some(), at.is_some());
            if let (Some(p), Some(at)) = (hit, at) {
                model.remove(at);
                let next = lp.remove_at(p);
                assert_eq!(
                    next.map(|p| lp.at(p)),
                    model.get(at).map(|m| Elem::parse(m))
                );
            }
        }
        Op::PairReplace(field, value) => {
            // HSET-style: look among even positions, replace the odd one.
            let hit = lp.first_pos().and_then(|p| lp.find_pos(p, &field, 1));
            let at = model.iter().step_by(2).position(|m| *m == field);
            let at = at.filter(|a| 2 * a + 1 < model.len());
            match (hit.and_then(|p| lp.next_pos(p)), at) {
                (Some(vp), Some(a)) => {
                    lp.replace_at(vp, value.as_slice());
                    model[2 * a + 1] = value;
                }
                (None, None) => {
                    let end = lp.end_pos();
                    let p = lp.insert_before(end, field.as_slice());
                    assert_eq!(lp.next_pos(p), None);
                    lp.push_back(value.as_slice());
                    model.push(field);
                    model.push(value);
                }
                (got, want) => panic!("pair lookup {got:?} vs model {want:?}"),
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    #[test]
    fn matches_a_vec_model(ops in proptest::collection::vec(op(), 0..40)) {
        let mut lp = Listpack::new();
        let mut model: Vec<Vec<u8>> = Vec::new();
        for op in ops {
            apply(&mut lp, &mut model, op);
            lp.validate(true).unwrap();
            prop_assert_eq!(lp.len(), model.len());
            let got: Vec<Vec<u8>> = lp.iter().map(|e| e.to_vec()).collect();
            prop_assert_eq!(&got, &model);
            let elems: Vec<Elem<'_>> = model.iter().map(|m| Elem::parse(m)).collect();
            prop_assert_eq!(lp.iter().collect::<Vec<_>>(), elems.clone());
            let mut back: Vec<_> = lp.iter_rev().collect();
            back.reverse();
            prop_assert_eq!(back, elems);
            // Bytes depend only on the contents, never on the history.
            let mut fresh = Listpack::new();
            for m in &model {
                fresh.push_back(m.as_slice());
            }
            prop_assert_eq!(fresh.as_bytes(), lp.as_bytes());
            let pairs: Vec<_> = lp.pairs().map(|(a, b)| (a.to_vec(), b.to_vec())).collect();
            prop_assert_eq!(pairs.len(), model.len() / 2);
            for (i, (a, b)) in pairs.into_iter().enumerate() {
                prop_assert_eq!(&a, &model[2 * i]);
                prop_assert_eq!(&b, &model[2 * i + 1]);
            }
        }
    }
}

#[test]
fn positions_walk_both_ways() {
    let mut lp = Listpack::new();
    assert_eq!(lp.first_pos(), None);
    assert_eq!(lp.last_pos(), None);
    assert_eq!(lp.seek(0), None);
    assert_eq!(lp.find_pos(lp.end_pos(), b"x", 0), None);
    for e in [&b"a"[..], b"2", b"c", b"4", b"e"] {
        lp.push_back(e);
    }
    let mut p = lp.first_pos().unwrap();
    let mut seen = vec![lp.at(p).to_vec()];
    while let Some(n) = lp.next_pos(p) {
        assert_eq!(lp.prev_pos(n), Some(p));
        p = n;
        seen.push(lp.at(p).to_vec());
    }
    assert_eq!(Some(p), lp.last_pos());
    assert_eq!(lp.prev_pos(lp.first_pos().unwrap()), None);
    assert_eq!(
        seen,
        [
            b"a".to_vec(),
            b"2".to_vec(),
            b"c".to_vec(),
            b"4".to_vec(),
            b"e".to_vec()
        ]
    );
    for i in -5isize..5 {
        let want = seen[i.rem_euclid(5) as usize].clone();
        assert_eq!(lp.at(lp.seek(i).unwrap()).to_vec(), want, "{i}");
    }
    assert_eq!(lp.seek(5), None);
    assert_eq!(lp.seek(-6), None);
    // Skip 1 looks at fields only: "2" sits at an odd index.
    let first = lp.first_pos().unwrap();
    assert_eq!(lp.find_pos(first, b"2", 1), None);
    assert_eq!(lp.find_pos(first, b"e", 1), lp.last_pos());
    assert_eq!(lp.remove_from(lp.seek(3).unwrap(), 9), 2);
    assert_eq!(lp.len(), 3);
    lp.validate(true).unwrap();
}

/// The fuzz bodies over their seed corpora (`fuzz/seeds/listpack_validate`
/// and `fuzz/seeds/intset_validate`), each seed whole and cut at every
/// length. A seed's name says whether Redis accepts it: corrupt ones are
/// named for their defect.
#[test]
fn fuzz_seed_corpora() {
    use crate::encoding::Intset;
    use crate::encoding::fuzz::{intset_validate, listpack_validate};
    let corrupt = [
        "bad_",
        "no_",
        "count_mismatch",
        "truncated",
        "too_short",
        "str_len",
        "unsorted",
        "duplicate",
        "header_only",
        "empty",
    ];
    type Body = fn(&[u8]);
    type Check = fn(&[u8]) -> bool;
    let targets: [(&str, Body, Check); 2] = [
        ("listpack_validate", listpack_validate, |b| {
            Listpack::validate_bytes(b, true).is_ok()
        }),
        ("intset_validate", intset_validate, |b| {
            Intset::validate_bytes(b, true).is_ok()
        }),
    ];
    for (target, body, accepts) in targets {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fuzz/seeds")
            .join(target);
        let mut seen = 0;
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let data = std::fs::read(&path).unwrap();
            body(&data);
            for cut in 0..data.len().min(300) {
                body(&data[..cut]);
            }
            // An empty listpack is valid; an empty intset is not.
            let bad = corrupt.iter().any(|c| name.starts_with(c))
                && !(target == "listpack_validate" && name == "empty");
            assert_eq!(accepts(&data), !bad, "{target}/{name}");
            seen += 1;
        }
        assert!(seen >= 10, "{target}: only {seen} seeds");
    }
}

/// `entry_size` predicts what an insert adds, for every encoding and
/// backlen width; `entry_len_at` reads it back.
#[test]
fn entry_sizes_match_inserts() {
    let long = vec![b'x'; 20_000];
    let cases: Vec<Elem<'_>> = vec![
        Elem::Int(5),
        Elem::Int(-4096),
        Elem::Int(30_000),
        Elem::Int(-8_000_000),
        Elem::Int(2_000_000_000),
        Elem::Int(i64::MIN),
        Elem::Str(b"12345"),
        Elem::Str(b"012"),
        Elem::Str(&long[..63]),
        Elem::Str(&long[..64]),
        Elem::Str(&long[..200]),
        Elem::Str(&long[..4095]),
        Elem::Str(&long[..4096]),
        Elem::Str(&long[..16_400]),
    ];
    for e in cases {
        let mut lp = Listpack::new();
        lp.push_back(Elem::Int(1));
        let before = lp.total_bytes();
        lp.push_back(e);
        assert_eq!(Listpack::entry_size(e), lp.total_bytes() - before, "{e:?}");
        let pos = lp.last_pos().unwrap();
        assert_eq!(lp.entry_len_at(pos), Listpack::entry_size(e));
        assert_eq!(lp.at_with_len(pos), (lp.at(pos), Listpack::entry_size(e)));
        // `push_back_str` of the element's text writes what `push_back`
        // of that text does, and reports the capacity it added.
        let text = e.to_vec();
        let mut by_str = Listpack::new();
        by_str.push_back(Elem::Int(1));
        let cap = by_str.allocated_bytes();
        let grown = by_str.push_back_str(&text);
        assert_eq!(grown, by_str.allocated_bytes() - cap);
        let mut by_elem = Listpack::new();
        by_elem.push_back(Elem::Int(1));
        by_elem.push_back(Elem::Str(&text));
        assert_eq!(by_str.as_bytes(), by_elem.as_bytes(), "{e:?}");
    }
}

/// `push_back_exact` writes the bytes of pushing one by one (integer-like
/// strings canonicalised) and grows the buffer by exactly what it adds.
#[test]
fn push_back_exact_matches_single_pushes() {
    let long = vec![b'x'; 5000];
    let cases: [[Elem<'_>; 2]; 4] = [
        [Elem::Str(b"f1"), Elem::Str(b"v1")],
        [Elem::Str(b"12"), Elem::Str(b"-4097")],
        [Elem::Int(1 << 40), Elem::Str(&long)],
        [Elem::Str(b"007"), Elem::Str(b"")],
    ];
    let mut exact = Listpack::new();
    let mut single = Listpack::new();
    for pair in cases {
        exact.shrink_to_fit();
        let before = exact.total_bytes();
        exact.push_back_exact(pair);
        for e in pair {
            single.push_back(e);
        }
        assert_eq!(exact.as_bytes(), single.as_bytes());
        assert_eq!(exact.allocated_bytes(), exact.total_bytes());
        assert!(exact.total_bytes() > before);
    }
    assert_eq!(exact.len(), 8);
    exact.validate(true).unwrap();
}

/// Cutting the last entry off leaves the bytes removing it does, for
/// every kind of last entry, and keeps the buffer's capacity.
#[test]
fn remove_last_at_matches_remove_at() {
    let long = vec![b'y'; 300];
    let mut lp = Listpack::new();
    for e in [
        Elem::Str(b"a"),
        Elem::Int(7),
        Elem::Str(&long),
        Elem::Int(-70_000),
        Elem::Str(b"tail"),
    ] {
        lp.push_back(e);
    }
    while let Some(last) = lp.last_pos() {
        let mut moved = lp.clone();
        moved.remove_at(last);
        let cap = lp.allocated_bytes();
        lp.remove_last_at(last);
        assert_eq!(lp.as_bytes(), moved.as_bytes());
        assert_eq!(lp.allocated_bytes(), cap);
        lp.validate(true).unwrap();
    }
    assert!(lp.is_empty());
}

/// `pop_back_short_with` takes a short-string last entry exactly as
/// removing it does (bytes, header, capacity) and declines, changing
/// nothing, any other last entry; with the header count known and
/// "unknown".
#[test]
fn pop_back_short_matches_remove() {
    let mut kinds: Vec<Vec<u8>> = (0..=70).map(|n| vec![b'q'; n]).collect();
    kinds.extend(["5", "127", "-1", "4095", "70000", "-2147483648", "007"].map(|s| s.into()));
    kinds.push(vec![b'r'; 5000]);
    for filler in [0, 65_540] {
        let mut lp = Listpack::new();
        for i in 0..filler {
            lp.push_back((i % 100) as i64);
        }
        for i in 0..3 * kinds.len() {
            lp.push_back(Elem::Str(&kinds[(i * 11) % kinds.len()]));
        }
        while lp.len() > filler {
            let mut removed = lp.clone();
            let want = removed.last().unwrap().to_vec();
            removed.remove(-1);
            let (before, cap) = (lp.clone(), lp.allocated_bytes());
            match lp.pop_back_short_with(<[u8]>::to_vec) {
                Some(got) => {
                    assert_eq!(got, want);
                    assert_eq!(lp.as_bytes(), removed.as_bytes());
                    assert_eq!(lp.allocated_bytes(), cap);
                }
                None => {
                    assert_eq!(lp.as_bytes(), before.as_bytes());
                    assert!(want.len() >= 64 || matches!(lp.last(), Some(Elem::Int(_))));
                    lp = removed;
                }
            }
            if lp.len().is_multiple_of(16) {
                lp.validate(true).unwrap();
            }
        }
    }
    assert_eq!(Listpack::new().pop_back_short_with(<[u8]>::to_vec), None);
}

/// `find_field`'s short-string path finds what the general field search
/// finds, for needles of every length class and over listpacks holding
/// integers, strings of every length around the needles', and
/// non-canonical entries (a 12-bit string tag on short strings, a 32-bit
/// one, as a foreign listpack may hold them).
#[test]
fn short_field_search_matches_the_general_one() {
    let long = vec![b'q'; 70];
    let mut names: Vec<Vec<u8>> = Vec::new();
    for n in [1usize, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 24, 63] {
        for last in [b'a', b'b'] {
            let mut f: Vec<u8> = (0..n).map(|i| b'c' + (i % 20) as u8).collect();
            f[n - 1] = last;
            names.push(f.clone());
            // The same length, differing in the first or a middle byte.
            f[0] = b'Z';
            names.push(f.clone());
            f[n / 2] = b'Y';
            names.push(f);
        }
    }
    let mut plain = Listpack::new();
    // Integer fields (7-bit, 13-bit, 64-bit) before the string ones.
    for (f, v) in [(5, &b"v5"[..]), (1000, b"v1000"), (1 << 40, b"vbig")] {
        plain.push_back(Elem::Int(f));
        plain.push_back(v);
    }
    for (i, f) in names.iter().enumerate() {
        plain.push_back(f.as_slice());
        match i % 4 {
            0 => plain.push_back(Elem::Int(i as i64)),
            1 => plain.push_back(Elem::Int(1 << 40)),
            2 => plain.push_back(long.as_slice()),
            _ => plain.push_back(&b"v"[..]),
        }
    }
    plain.push_back(&b"12"[..]);
    plain.push_back(&b"x"[..]);
    // Non-canonical: fields "ab" (12-bit tag) and "cd" (32-bit tag).
    let mut raw = Listpack::new().into_bytes();
    raw.truncate(HDR);
    raw.extend_from_slice(&[0xE0, 2, b'a', b'b', 4, 0x81, b'1', 2]);
    raw.extend_from_slice(&[0xF0, 2, 0, 0, 0, b'c', b'd', 7, 0x01, 1, 0xFF]);
    raw[4] = 4;
    raw[0] = raw.len() as u8;
    let foreign = Listpack::from_bytes(raw).unwrap();
    let mut needles = names.clone();
    needles.extend([
        b"ab".to_vec(),
        b"cd".to_vec(),
        b"12".to_vec(),
        b"5".to_vec(),
        b"1000".to_vec(),
        b"x".to_vec(),
        b"zz".to_vec(),
        b"v".to_vec(),
        long[..63].to_vec(),
    ]);
    for lp in [&plain, &foreign, &Listpack::new()] {
        for n in &needles {
            let general = lp.first_pos().and_then(|p| lp.find_pos(p, n, 1));
            assert_eq!(lp.find_field(n), general, "needle {n:?}");
            assert_eq!(lp.find_field_general(n), general, "needle {n:?}");
        }
    }
    assert!(foreign.find_field(b"ab").is_some());
    assert!(foreign.find_field(b"cd").is_some());
    assert!(plain.find_field(&names[40]).is_some());
}

/// `push_pair_grown` writes the bytes of `push_back_grown` with the same
/// pair and grows the buffer to the same capacity, for short strings,
/// integer-like ones, long ones and empty ones, across a header count
/// that passes 65535.
#[test]
fn push_pair_grown_matches_push_back_grown() {
    let long = vec![b'x'; 70];
    let room = |need: usize| (need + need / 8).next_multiple_of(16);
    let pairs: [(&[u8], &[u8]); 7] = [
        (b"f1", b"a0000001"),
        (b"f2", b"12"),
        (b"-3", b"v"),
        (&long, b"w"),
        (b"g", &long[..63]),
        (b"", b"e"),
        (b"123456789012345678901", b"x7"),
    ];
    let mut a = Listpack::new();
    let mut b = Listpack::new();
    for round in 0..40_000 {
        let (f, v) = pairs[round % pairs.len()];
        a.push_pair_grown(f, v, room);
        b.push_back_grown([Elem::Str(f), Elem::Str(v)], room);
        if round < 50 || round % 997 == 0 {
            assert_eq!(a.as_bytes(), b.as_bytes(), "round {round}");
            assert_eq!(a.allocated_bytes(), b.allocated_bytes(), "round {round}");
        }
    }
    assert_eq!(a.as_bytes(), b.as_bytes());
    assert_eq!(a.header_count(), COUNT_UNKNOWN);
    a.validate(true).unwrap();
}

/// `regrow` keeps the bytes and gives exactly the capacity asked for,
/// whether it copies into a fresh allocation (small buffers) or grows in
/// place (from 4 KiB on).
#[test]
fn regrow_keeps_bytes_and_gives_exact_capacity() {
    for size in [10usize, 4000, 5000] {
        let mut lp = Listpack::new();
        while lp.total_bytes() < size {
            lp.push_back(&b"abcdefgh"[..]);
        }
        lp.shrink_to_fit();
        let before = lp.as_bytes().to_vec();
        let cap = lp.total_bytes() + 100;
        lp.regrow(cap);
        assert_eq!(lp.as_bytes(), &before[..], "size {size}");
        assert_eq!(lp.allocated_bytes(), cap, "size {size}");
        lp.validate(true).unwrap();
    }
}
