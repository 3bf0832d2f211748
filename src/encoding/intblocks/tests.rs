use std::collections::BTreeSet;

use proptest::prelude::*;

use super::*;

fn check(s: &IntBlocks, model: &BTreeSet<i64>) {
    s.validate().unwrap();
    assert_eq!(s.len(), model.len());
    assert!(s.iter().eq(model.iter().copied()));
}

/// A full scan (count `count`), every member once.
fn scan_all(s: &IntBlocks, count: usize) -> Vec<i64> {
    let (mut cursor, mut out) = (0, Vec::new());
    loop {
        let before = out.len();
        cursor = s.scan(cursor, count, &mut out);
        assert!(cursor == 0 || out.len() - before >= count.max(1));
        if cursor == 0 {
            return out;
        }
    }
}

#[test]
fn sequential_integers_become_bitmaps() {
    let s: IntBlocks = (0..1_000_000).collect();
    s.validate().unwrap();
    assert_eq!(s.len(), 1_000_000);
    assert!(s.heap_bytes() < 1_000_000 / 4, "{} bytes", s.heap_bytes());
    assert!(s.contains(0) && s.contains(999_999) && !s.contains(1_000_000) && !s.contains(-1));
    assert_eq!(s.nth(123_456), Some(123_456));
    assert_eq!((s.first(), s.last()), (Some(0), Some(999_999)));
}

#[test]
fn random_integers_pack_by_span() {
    let mut x = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = || {
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    };
    let r32: IntBlocks = (0..200_000).map(|_| (next() >> 32) as i64).collect();
    r32.validate().unwrap();
    let per = r32.heap_bytes() as f64 / r32.len() as f64;
    assert!(per < 6.0, "{per} B/member for random u32");
    let r64: IntBlocks = (0..200_000).map(|_| next() as i64).collect();
    r64.validate().unwrap();
    let per = r64.heap_bytes() as f64 / r64.len() as f64;
    assert!(per < 12.0, "{per} B/member for random i64");
}

#[test]
fn extremes_and_signs() {
    let vals = [i64::MIN, i64::MIN + 1, -1, 0, 1, i64::MAX - 1, i64::MAX];
    let mut s = IntBlocks::new();
    for v in vals {
        assert!(s.insert(v));
        assert!(!s.insert(v));
    }
    s.validate().unwrap();
    assert!(s.iter().eq(vals));
    assert_eq!(scan_all(&s, 1), vals);
    for v in vals {
        assert!(s.remove(v));
        assert!(!s.remove(v));
        s.validate().unwrap();
    }
    assert!(s.is_empty() && s.block_count() == 0 && s.heap_bytes() == 0);
}

#[test]
fn removals_merge_and_repack() {
    let mut s: IntBlocks = (0..200_000).collect();
    let full = s.block_count();
    for v in 0..200_000 {
        if v % 1000 != 0 {
            s.remove(v);
        }
    }
    s.validate().unwrap();
    assert_eq!(s.len(), 200);
    assert!(s.block_count() < full, "{} blocks", s.block_count());
    assert!(s.heap_bytes() < 200 * 16, "{} bytes", s.heap_bytes());
    assert!(s.iter().eq((0..200_000).step_by(1000)));
}

#[test]
fn scan_resumes_by_key() {
    let s: IntBlocks = [1, 2, 3, 4, 6, 7, 10].into_iter().collect();
    let mut out = Vec::new();
    let c = s.scan(0, 1, &mut out);
    assert_eq!(out, [1]);
    let c = s.scan(c, 1, &mut out);
    assert_eq!(out, [1, 2, 3]);
    let c = s.scan(c, 2, &mut out);
    assert_eq!(out, [1, 2, 3, 4, 6, 7]);
    assert_eq!(s.scan(c, 5, &mut out), 0);
    assert_eq!(out, [1, 2, 3, 4, 6, 7, 10]);
    for count in [1, 2, 3, 100] {
        assert!(
            scan_all(&s, count)
                .iter()
                .eq(s.iter().collect::<Vec<_>>().iter())
        );
    }
    let mut again = Vec::new();
    assert_eq!(s.scan(4, 100, &mut again), 0, "an even cursor starts over");
    assert_eq!(again.len(), 7);
}

#[derive(Debug, Clone)]
enum Op {
    Insert(i64),
    Remove(i64),
    RemoveNth(usize),
    InsertRun(i64, u16),
    RemoveRun(i64, u16),
}

fn value_strategy() -> impl Strategy<Value = i64> {
    prop_oneof![
        0i64..3000,
        -70_000i64..70_000,
        any::<i32>().prop_map(i64::from),
        any::<i64>(),
        Just(i64::MIN),
        Just(i64::MAX),
        (i64::MAX - 3000)..=i64::MAX,
    ]
}

fn op_strategy() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => value_strategy().prop_map(Op::Insert),
        2 => value_strategy().prop_map(Op::Remove),
        1 => any::<usize>().prop_map(Op::RemoveNth),
        1 => (value_strategy(), 0u16..5000).prop_map(|(v, n)| Op::InsertRun(v, n)),
        1 => (value_strategy(), 0u16..5000).prop_map(|(v, n)| Op::RemoveRun(v, n)),
    ]
}

fn apply(s: &mut IntBlocks, model: &mut BTreeSet<i64>, op: &Op) {
    match *op {
        Op::Insert(v) => assert_eq!(s.insert(v), model.insert(v)),
        Op::Remove(v) => assert_eq!(s.remove(v), model.remove(&v)),
        Op::RemoveNth(r) => {
            let r = if model.is_empty() { r } else { r % model.len() };
            let want = model.iter().nth(r).copied();
            assert_eq!(s.nth(r), want);
            assert_eq!(s.remove_nth(r), want);
            if let Some(v) = want {
                model.remove(&v);
            }
        }
        Op::InsertRun(from, n) => {
            for v in (from..=i64::MAX).take(usize::from(n)) {
                assert_eq!(s.insert(v), model.insert(v));
            }
        }
        Op::RemoveRun(from, n) => {
            for v in (from..=i64::MAX).take(usize::from(n)) {
                assert_eq!(s.remove(v), model.remove(&v));
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn behaves_like_a_btreeset(ops in proptest::collection::vec(op_strategy(), 1..60)) {
        let mut s = IntBlocks::new();
        let mut model = BTreeSet::new();
        for op in &ops {
            apply(&mut s, &mut model, op);
            check(&s, &model);
            prop_assert_eq!(s.clone(), s.clone());
            prop_assert_eq!(s.clone().heap_bytes() <= s.heap_bytes() + 64, true);
        }
        for (r, v) in model.iter().enumerate().step_by(97) {
            prop_assert_eq!(s.nth(r), Some(*v));
        }
    }

    #[test]
    fn scan_returns_every_stable_member_once(
        start in proptest::collection::vec(value_strategy(), 0..3000),
        ops in proptest::collection::vec(op_strategy(), 0..40),
        count in 1usize..300,
    ) {
        let mut s: IntBlocks = start.iter().copied().collect();
        let mut model: BTreeSet<i64> = start.iter().copied().collect();
        let mut stable = model.clone();
        let mut seen = Vec::new();
        let mut cursor = 0;
        let mut ops = ops.iter();
        loop {
            cursor = s.scan(cursor, count, &mut seen);
            if cursor == 0 {
                break;
            }
            if let Some(op) = ops.next() {
                apply(&mut s, &mut model, op);
                stable.retain(|v| model.contains(v));
                s.validate().unwrap();
            }
        }
        let n = seen.len();
        let seen: BTreeSet<i64> = seen.into_iter().collect();
        prop_assert_eq!(seen.len(), n, "a member returned twice");
        prop_assert!(stable.is_subset(&seen));
    }
}
