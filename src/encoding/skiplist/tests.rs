use std::collections::BTreeMap;

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

use super::*;

/// Order key of the model: (score bits made sortable, member).
fn key(score: f64, member: &[u8]) -> (i64, Vec<u8>) {
    let bits = score.to_bits() as i64;
    let ord = if bits < 0 { bits ^ i64::MAX } else { bits };
    (ord, member.to_vec())
}

fn model_entries(m: &BTreeMap<(i64, Vec<u8>), f64>) -> Vec<(f64, Vec<u8>)> {
    m.iter().map(|((_, k), s)| (*s, k.clone())).collect()
}

fn list_entries(s: &SkipList) -> Vec<(f64, Vec<u8>)> {
    s.iter().map(|(sc, m)| (sc, m.to_vec())).collect()
}

#[test]
fn empty_list() {
    let s = SkipList::new();
    s.validate().unwrap();
    assert_eq!(s.len(), 0);
    assert!(s.first().is_none() && s.last().is_none());
    assert_eq!(s.at_rank(0), None);
    assert_eq!(s.range(0, 10).count(), 0);
    assert_eq!(s.count_while(|_, _| true), 0);
}

#[test]
fn ties_order_by_member_bytes() {
    let mut s = SkipList::new();
    for m in [&b"b"[..], b"a", b"ab", b"", b"\xff", b"a\x00"] {
        assert!(s.insert(1.0, m));
    }
    assert!(!s.insert(2.0, b"a"));
    s.validate().unwrap();
    let order: Vec<&[u8]> = s.iter().map(|(_, m)| m).collect();
    assert_eq!(order, [&b""[..], b"a", b"a\x00", b"ab", b"b", b"\xff"]);
    assert_eq!(s.rank(b"ab"), Some(3));
    assert_eq!(s.score(b"a"), Some(1.0));
}

#[test]
fn random_ops_against_a_btreemap() {
    let mut rng = SmallRng::seed_from_u64(7);
    let mut s = SkipList::new();
    let mut model: BTreeMap<(i64, Vec<u8>), f64> = BTreeMap::new();
    let mut scores: std::collections::HashMap<Vec<u8>, f64> = Default::default();
    for step in 0..6000 {
        let member = format!("m{}", rng.random_range(0..400)).into_bytes();
        let score = f64::from(rng.random_range(-20i32..20)) / 2.0;
        match rng.random_range(0..10) {
            0..=3 => {
                let added = s.insert(score, &member);
                assert_eq!(added, !scores.contains_key(&member));
                if added {
                    scores.insert(member.clone(), score);
                    model.insert(key(score, &member), score);
                }
            }
            4..=5 => {
                let old = s.update_score(&member, score);
                assert_eq!(old, scores.get(&member).copied());
                if let Some(old) = old {
                    model.remove(&key(old, &member));
                    model.insert(key(score, &member), score);
                    scores.insert(member.clone(), score);
                }
            }
            6..=7 => {
                let old = s.remove(&member);
                assert_eq!(old, scores.remove(&member));
                if let Some(old) = old {
                    model.remove(&key(old, &member));
                }
            }
            8 => {
                let start = rng.random_range(0..=s.len());
                let n = rng.random_range(0..4);
                let removed: Vec<_> = model_entries(&model)
                    .into_iter()
                    .skip(start)
                    .take(n)
                    .collect();
                assert_eq!(s.remove_range(start, start + n), removed.len());
                for (sc, m) in removed {
                    model.remove(&key(sc, &m));
                    scores.remove(&m);
                }
            }
            _ => {
                let entries = model_entries(&model);
                if let Some(pos) = entries.iter().position(|(_, m)| *m == member) {
                    assert_eq!(s.rank(&member), Some(pos));
                    let h = s.at_rank(pos).unwrap();
                    assert_eq!(s.entry(h).1, &member[..]);
                }
                let below = entries.iter().filter(|(sc, _)| *sc < score).count();
                assert_eq!(s.count_while(|sc, _| sc < score), below);
                let a = rng.random_range(0..=entries.len());
                let b = rng.random_range(0..=entries.len());
                let got: Vec<_> = s.range(a, b).map(|(sc, m)| (sc, m.to_vec())).collect();
                let want: Vec<_> = entries
                    .iter()
                    .skip(a)
                    .take(b.saturating_sub(a))
                    .cloned()
                    .collect();
                assert_eq!(got, want);
                let got_rev: Vec<_> = s
                    .range(a, b)
                    .rev()
                    .map(|(sc, m)| (sc, m.to_vec()))
                    .collect();
                assert_eq!(got_rev, want.iter().rev().cloned().collect::<Vec<_>>());
                // Both ends at once meet in the middle without overlap.
                let mut it = s.range(a, b);
                let (mut lo, mut hi) = (Vec::new(), Vec::new());
                while let Some((sc, m)) = it.next() {
                    lo.push((sc, m.to_vec()));
                    if let Some((sc, m)) = it.next_back() {
                        hi.push((sc, m.to_vec()));
                    }
                }
                lo.extend(hi.into_iter().rev());
                assert_eq!(lo, want);
                let last = s.last().map(|h| s.entry(h).1.to_vec());
                assert_eq!(last, entries.last().map(|(_, m)| m.clone()));
                if let Some(h) = s.last() {
                    let before = s.prev(h).map(|p| s.entry(p).1.to_vec());
                    let want = entries.len().checked_sub(2).map(|i| entries[i].1.clone());
                    assert_eq!(before, want);
                }
            }
        }
        if step % 50 == 0 {
            s.validate().unwrap();
        }
        assert_eq!(s.len(), model.len());
    }
    s.validate().unwrap();
    assert_eq!(list_entries(&s), model_entries(&model));
}

#[test]
fn many_members_keep_spans_and_reuse_or_compact_bytes() {
    let mut s = SkipList::new();
    let member = |i: u32| format!("member:{i:06}-{}", "x".repeat((i % 50) as usize)).into_bytes();
    for i in 0..20_000u32 {
        assert!(s.insert(f64::from(i % 1000), &member(i)));
    }
    s.validate().unwrap();
    // A fifth of the bytes freed: below the compaction threshold.
    for i in (0..20_000u32).step_by(5) {
        assert!(s.remove(&member(i)).is_some());
    }
    s.validate().unwrap();
    let arena_len = s.arena.bytes.len();
    let garbage = s.arena.garbage;
    assert!(garbage > 0);
    // Re-adding members of the same lengths reuses the freed records.
    for i in (0..20_000u32).step_by(5) {
        assert!(s.insert(f64::from(i % 1000), &member(i)));
    }
    s.validate().unwrap();
    assert!(
        s.arena.garbage < garbage / 2,
        "{} of {garbage}",
        s.arena.garbage
    );
    assert!(s.arena.bytes.len() < arena_len + garbage);
    // Removing half compacts: the garbage goes and ranks stay right.
    for i in (0..20_000u32).step_by(2) {
        assert!(s.remove(&member(i)).is_some());
    }
    s.validate().unwrap();
    assert!(s.arena.garbage * 4 <= s.arena.bytes.len());
    let live: Vec<_> = s.iter().map(|(_, m)| m.to_vec()).collect();
    for (r, m) in live.iter().enumerate().step_by(97) {
        assert_eq!(s.rank(m), Some(r));
    }
    assert_eq!(s.remove_range(100, 9_000), 8_900);
    s.validate().unwrap();
    assert_eq!(s.len(), 1_100);
    assert!(s.buckets.len() <= 2048, "{}", s.buckets.len());
    let mut seen = std::collections::HashSet::new();
    let mut cursor = 0;
    loop {
        cursor = s.scan(cursor, 10, |_, m| assert!(seen.insert(m.to_vec())));
        if cursor == 0 {
            break;
        }
    }
    assert_eq!(seen.len(), s.len());
}

#[test]
fn queue_churn_keeps_memory_bounded() {
    // A queue by time: members of growing length pushed at the back and
    // popped at the front, so freed records rarely fit new members.
    let mut s = SkipList::new();
    let mut peak = 0;
    for t in 0..60_000u64 {
        let m = format!("job:{t}:{}", "p".repeat((t % 13) as usize));
        assert!(s.insert(t as f64, m.as_bytes()));
        if t >= 1_000 {
            assert_eq!(s.remove_range(0, 1), 1);
        }
        if t == 5_000 {
            peak = s.heap_bytes();
        }
        if t % 7_919 == 0 {
            s.validate().unwrap();
        }
    }
    s.validate().unwrap();
    assert_eq!(s.len(), 1_000);
    assert_eq!(s.first().map(|h| s.entry(h).0), Some(59_000.0));
    // 1000 live members of about 40 bytes: well under 100 KiB, and no
    // larger than early in the churn.
    let end = s.heap_bytes();
    assert!(end < 100 << 10 && end <= peak + peak / 4, "{end} vs {peak}");
}

#[test]
fn scan_reports_stable_members_across_resizes_and_compaction() {
    let mut s = SkipList::new();
    for i in 0..3_000u32 {
        s.insert(f64::from(i), format!("stable:{i}").as_bytes());
    }
    let mut seen = std::collections::HashSet::new();
    let (mut cursor, mut step) = (0, 0u32);
    loop {
        cursor = s.scan(cursor, 20, |_, m| {
            seen.insert(m.to_vec());
        });
        // Between calls: grow the index, then churn enough to compact.
        for j in 0..40 {
            s.insert(
                -1.0,
                format!("temp:{step}:{j}:{}", "t".repeat(40)).as_bytes(),
            );
        }
        if step % 5 == 4 {
            s.remove_range(0, s.count_while(|sc, _| sc < 0.0));
        }
        step += 1;
        if cursor == 0 {
            break;
        }
    }
    s.validate().unwrap();
    for i in 0..3_000u32 {
        assert!(
            seen.contains(format!("stable:{i}").as_bytes()),
            "missed {i}"
        );
    }
}

#[test]
fn infinities_and_signed_zero() {
    let mut s = SkipList::new();
    s.insert(f64::INFINITY, b"top");
    s.insert(f64::NEG_INFINITY, b"bottom");
    s.insert(-0.0, b"z");
    s.insert(0.0, b"a");
    s.validate().unwrap();
    let order: Vec<&[u8]> = s.iter().map(|(_, m)| m).collect();
    assert_eq!(order, [&b"bottom"[..], b"a", b"z", b"top"]);
    assert_eq!(
        s.update_score(b"top", f64::NEG_INFINITY),
        Some(f64::INFINITY)
    );
    assert_eq!(s.rank(b"top"), Some(1));
    s.validate().unwrap();
}

#[test]
fn lex_and_score_ranges() {
    let r = ScoreRange {
        min: 1.0,
        max: 2.0,
        min_ex: true,
        max_ex: false,
    };
    assert!(!r.gte_min(1.0) && r.gte_min(1.5) && r.lte_max(2.0) && !r.is_empty());
    assert!(
        ScoreRange {
            min: 1.0,
            max: 1.0,
            min_ex: false,
            max_ex: true
        }
        .is_empty()
    );
    let lex = LexRange {
        min: LexBound::Exclusive(b"b".to_vec()),
        max: LexBound::Max,
    };
    assert!(!lex.gte_min(b"b") && lex.gte_min(b"ba") && lex.lte_max(b"\xff\xff"));
    assert!(
        LexRange {
            min: LexBound::Max,
            max: LexBound::Max
        }
        .is_empty()
    );
    assert!(
        !LexRange {
            min: LexBound::Min,
            max: LexBound::Max
        }
        .is_empty()
    );
    assert!(
        LexRange {
            min: LexBound::Inclusive(b"a".to_vec()),
            max: LexBound::Exclusive(b"a".to_vec())
        }
        .is_empty()
    );
}

#[test]
fn record_sizes() {
    // score 8, next 4, back 4, chain 4, height 1, length 1, member.
    assert_eq!(arena::record_size(1, 8), 30);
    assert_eq!(arena::record_size(3, 8), 46);
    assert_eq!(arena::record_size(1, 200), 223);
    let mut s = SkipList::new();
    s.insert(1.0, &[7u8; 300]);
    s.insert(2.0, b"");
    s.validate().unwrap();
    assert_eq!(s.score(&[7u8; 300]), Some(1.0));
    assert_eq!(s.rank(b""), Some(1));
}

#[test]
fn level_distribution_is_quarter_geometric() {
    let mut s = SkipList::new();
    let mut counts = [0usize; MAX_LEVEL + 1];
    for _ in 0..400_000 {
        counts[s.random_level()] += 1;
    }
    eprintln!("{:?}", &counts[..12]);
    // P(level >= k + 1) = 4^-k: each level about a quarter of the one below.
    for k in 1..6 {
        let ratio = counts[k + 1] as f64 / counts[k] as f64;
        assert!((0.2..0.3).contains(&ratio), "level {k}: {counts:?}");
    }
}
