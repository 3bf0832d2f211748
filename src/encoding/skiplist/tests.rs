use std::collections::{BTreeMap, HashMap, HashSet};

use proptest::prelude::*;
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

use super::*;

/// Order key of the model: (score bits made sortable, member).
fn key(score: f64, member: &[u8]) -> (i64, Vec<u8>) {
    let bits = score.to_bits() as i64;
    let ord = if bits < 0 { bits ^ i64::MAX } else { bits };
    (ord, member.to_vec())
}

/// A BTreeMap model of the sorted set, keyed by order, plus member scores.
#[derive(Default)]
struct Model {
    order: BTreeMap<(i64, Vec<u8>), f64>,
    scores: HashMap<Vec<u8>, f64>,
}

impl Model {
    fn entries(&self) -> Vec<(f64, Vec<u8>)> {
        self.order
            .iter()
            .map(|((_, m), s)| (*s, m.clone()))
            .collect()
    }

    fn insert(&mut self, score: f64, m: &[u8]) -> bool {
        if self.scores.contains_key(m) {
            return false;
        }
        self.scores.insert(m.to_vec(), score);
        self.order.insert(key(score, m), score);
        true
    }

    fn remove(&mut self, m: &[u8]) -> Option<f64> {
        let s = self.scores.remove(m)?;
        self.order.remove(&key(s, m));
        Some(s)
    }
}

fn list_entries(s: &SkipList) -> Vec<(f64, Vec<u8>)> {
    s.iter().map(|(sc, m)| (sc, m.to_vec())).collect()
}

/// One random operation on both, checking the answers agree.
fn step(s: &mut SkipList, model: &mut Model, rng: &mut SmallRng, members: u32) {
    let i = rng.random_range(0..members);
    let member = if i % 97 == 0 {
        format!("long{i}:{}", "L".repeat((i as usize * 37) % 9000)).into_bytes()
    } else {
        format!("m{i}").into_bytes()
    };
    let score = f64::from(rng.random_range(-40i32..40)) / 2.0;
    match rng.random_range(0..12) {
        0..=2 => assert_eq!(s.insert(score, &member), model.insert(score, &member)),
        3..=4 => {
            let before = model.scores.get(&member).copied();
            let got = s.insert_or_score(score, &member);
            assert_eq!(got.err(), before);
            model.insert(score, &member);
        }
        5..=6 => {
            let old = s.update_score(&member, score);
            assert_eq!(old, model.scores.get(&member).copied());
            if old.is_some() {
                model.remove(&member);
                model.insert(score, &member);
            }
        }
        7..=8 => assert_eq!(s.remove(&member), model.remove(&member)),
        9 => {
            let start = rng.random_range(0..=s.len());
            let n = rng.random_range(0..80);
            let gone: Vec<_> = model.entries().into_iter().skip(start).take(n).collect();
            assert_eq!(s.remove_range(start, start + n), gone.len());
            for (_, m) in gone {
                model.remove(&m);
            }
        }
        _ => check_queries(s, model, rng, &member, score),
    }
    assert_eq!(s.len(), model.scores.len());
}

fn check_queries(s: &SkipList, model: &Model, rng: &mut SmallRng, member: &[u8], score: f64) {
    let entries = model.entries();
    let pos = entries.iter().position(|(_, m)| m == member);
    assert_eq!(s.rank(member), pos);
    assert_eq!(s.score(member), model.scores.get(member).copied());
    let below = entries.iter().filter(|(sc, _)| *sc < score).count();
    assert_eq!(s.count_while(|sc, _| sc < score), below);
    assert_eq!(s.count_scores_while(|sc| sc < score), below);
    let upto = entries
        .iter()
        .filter(|(sc, m)| *sc < score || (*sc == score && m.as_slice() <= member))
        .count();
    assert_eq!(
        s.count_while(|sc, m| sc < score || (sc == score && m <= member)),
        upto
    );
    let a = rng.random_range(0..=entries.len());
    let b = rng.random_range(0..=entries.len());
    let want: Vec<_> = entries
        .iter()
        .skip(a)
        .take(b.saturating_sub(a))
        .cloned()
        .collect();
    let got: Vec<_> = s.range(a, b).map(|(sc, m)| (sc, m.to_vec())).collect();
    assert_eq!(got, want);
    let rev: Vec<_> = s
        .range(a, b)
        .rev()
        .map(|(sc, m)| (sc, m.to_vec()))
        .collect();
    assert_eq!(rev, want.iter().rev().cloned().collect::<Vec<_>>());
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
    assert_eq!(s.range(a, b).len(), want.len());
}

#[test]
fn empty_list() {
    let s = SkipList::new();
    s.validate().unwrap();
    assert_eq!(s.len(), 0);
    assert_eq!(s.range(0, 10).count(), 0);
    assert_eq!(s.iter().next_back(), None);
    assert_eq!(s.count_while(|_, _| true), 0);
    assert_eq!(s.count_scores_while(|_| true), 0);
    assert_eq!(s.scan(0, 10, |_, _| panic!("no members")), 0);
}

#[test]
fn insert_or_score_descends_first_only_while_adding() {
    let mut s = SkipList::new();
    let mut model = Model::default();
    // Descending scores put each newcomer first: full first blocks split
    // and the entry searches again from the header.
    for i in 0..3000u32 {
        let (score, m) = (f64::from(3000 - i), format!("m{i}").into_bytes());
        assert_eq!(s.insert_or_score(score, &m), Ok(()));
        model.insert(score, &m);
        if i % 250 == 0 {
            s.validate().unwrap();
        }
    }
    assert_eq!(s.adding, ADDING_MAX);
    s.validate().unwrap();
    assert_eq!(list_entries(&s), model.entries());
    // Present members: their scores, nothing changed, and the count
    // falls to probing first.
    for i in (0..3000u32).step_by(7) {
        let m = format!("m{i}").into_bytes();
        assert_eq!(s.insert_or_score(-1.0, &m), Err(f64::from(3000 - i)));
    }
    assert_eq!(s.adding, 0);
    assert_eq!(list_entries(&s), model.entries());
    // Three new members, then a present one: the count stays high, so
    // present members meet the descent-first path too; ties included.
    for i in 0..2000u32 {
        let m = format!("n{}", if i % 4 == 3 { i - 1 } else { i }).into_bytes();
        let before = model.scores.get(&m).copied();
        assert_eq!(s.insert_or_score(f64::from(i % 5), &m).err(), before);
        model.insert(f64::from(i % 5), &m);
    }
    s.validate().unwrap();
    assert_eq!(list_entries(&s), model.entries());
}

#[test]
fn scores_into_agrees_with_score() {
    let mut s = SkipList::new();
    let mut out = Vec::new();
    s.scores_into(&[b"a".as_slice(), b""], &mut out);
    assert_eq!(out, [None, None]);
    let long = |i: u32| format!("long{i}:{}", "x".repeat(40 + i as usize % 300)).into_bytes();
    for i in 0..3000u32 {
        let m = if i % 13 == 0 {
            long(i)
        } else {
            format!("m{i}").into_bytes()
        };
        s.insert(f64::from(i % 97), &m);
    }
    // Present, absent, long, empty and repeated members, across group
    // boundaries, after removals that leave tombstones.
    for i in (0..3000u32).step_by(11) {
        s.remove(format!("m{i}").as_bytes());
    }
    let mut probes: Vec<Vec<u8>> = Vec::new();
    for i in 0..1200u32 {
        probes.push(match i % 5 {
            0 => long(i),
            1 => format!("absent{i}").into_bytes(),
            2 => Vec::new(),
            _ => format!("m{}", (i * 7) % 3000).into_bytes(),
        });
    }
    probes.push(probes[3].clone());
    let refs: Vec<&[u8]> = probes.iter().map(Vec::as_slice).collect();
    for n in [0, 1, 15, 16, 17, 33, refs.len()] {
        let mut out = vec![Some(-1.0)];
        s.scores_into(&refs[..n], &mut out);
        let want: Vec<Option<f64>> = std::iter::once(Some(-1.0))
            .chain(refs[..n].iter().map(|m| s.score(m)))
            .collect();
        assert_eq!(out, want, "{n} members");
    }
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
    for (seed, members) in [(7u64, 300u32), (8, 3_000), (9, 20)] {
        let mut rng = SmallRng::seed_from_u64(seed);
        let (mut s, mut model) = (SkipList::new(), Model::default());
        for n in 0..6_000 {
            step(&mut s, &mut model, &mut rng, members);
            if n % 500 == 0 {
                s.validate().unwrap();
            }
        }
        s.validate().unwrap();
        assert_eq!(list_entries(&s), model.entries());
    }
}

#[test]
fn equal_scores_fill_and_split_blocks() {
    // Every score equal: the descent compares first members at each step.
    let mut s = SkipList::new();
    let mut rng = SmallRng::seed_from_u64(3);
    let mut model = Model::default();
    for _ in 0..5_000 {
        let m = format!("k{}", rng.random_range(0..4_000u32)).into_bytes();
        assert_eq!(s.insert(0.0, &m), model.insert(0.0, &m));
    }
    s.validate().unwrap();
    for (r, (_, m)) in model.entries().iter().enumerate().step_by(31) {
        assert_eq!(s.rank(m), Some(r));
    }
    let low = s.count_while(|_, m| m < b"k2".as_slice());
    assert_eq!(
        low,
        model
            .entries()
            .iter()
            .filter(|(_, m)| m.as_slice() < b"k2")
            .count()
    );
}

/// A full block's split moves only its second half: the entries before
/// the split point keep their block and cell (so their index slots stay),
/// the others land in cells 0.. of one new block in sorted order; both
/// the byte-copy path (members in line in both shapes) and the reshaping
/// path (members that change shape) keep the list valid.
#[test]
fn split_keeps_the_first_half_in_place() {
    for (name, member) in [
        (
            "in line",
            (|i: u32| format!("m:{i:06}").into_bytes()) as fn(u32) -> Vec<u8>,
        ),
        ("reshaped", |i: u32| {
            if i < 48 {
                format!("{i:02}").into_bytes()
            } else {
                format!("{i:0>20}").into_bytes()
            }
        }),
    ] {
        let mut s = SkipList::new();
        // Scores in a shuffled order, so the cells are not sorted.
        for i in 0..BLOCK_MAX as u32 {
            let j = (i * 37) % BLOCK_MAX as u32;
            assert!(s.insert(f64::from(j), &member(j)));
        }
        s.validate().unwrap();
        let x = s.link(HEADER, 0).next;
        assert_eq!(s.block(x).len(), BLOCK_MAX, "{name}");
        let place = |s: &SkipList, j: u32| {
            let m = member(j);
            s.locate(s.hash(&m), &m).unwrap()
        };
        let before: Vec<Place> = (0..BLOCK_MAX as u32).map(|j| place(&s, j)).collect();
        // One more entry at the end splits the full block.
        assert!(s.insert(1e9, &member(999)));
        s.validate().unwrap();
        let k = BLOCK_MAX / 2;
        let y = s.link(x, 0).next;
        for (j, &was) in before.iter().enumerate() {
            let now = place(&s, j as u32);
            if j < k {
                assert_eq!(now, was, "{name}: kept entry {j} moved");
            } else {
                assert_eq!(now, (y, (j - k) as u8), "{name}: moved entry {j}");
            }
        }
    }
}

#[test]
fn long_members_sit_alone_in_blocks() {
    let mut s = SkipList::new();
    let big = vec![7u8; 70_000];
    s.insert(1.0, b"a");
    s.insert(1.0, &big);
    s.insert(1.0, b"b");
    for i in 0..200u32 {
        s.insert(
            f64::from(i),
            format!("x{i}:{}", "y".repeat(i as usize * 3)).as_bytes(),
        );
    }
    s.validate().unwrap();
    assert_eq!(s.score(&big), Some(1.0));
    // "x0:" (score 0), then the big member (bytes 7 < b'a') at score 1.
    assert_eq!(s.rank(&big), Some(1));
    let (sc, m) = s.range(1, 2).next_back().unwrap();
    assert_eq!((sc, m.len()), (1.0, 70_000));
    assert_eq!(s.remove(&big), Some(1.0));
    s.validate().unwrap();
}

#[test]
fn long_members_beside_short_ones() {
    // Long members (own blocks) land first, last and inside full blocks.
    let mut rng = SmallRng::seed_from_u64(11);
    let (mut s, mut model) = (SkipList::new(), Model::default());
    for i in 0..3_000u32 {
        let len = if i % 5 == 0 {
            4_100 + (i as usize % 300)
        } else {
            6
        };
        let m = format!("{:05}{}", rng.random_range(0..20_000u32), "z".repeat(len)).into_bytes();
        let score = f64::from(rng.random_range(0..4u32));
        assert_eq!(s.insert(score, &m), model.insert(score, &m));
        if i % 7 == 0 {
            let victim = model.entries()[rng.random_range(0..model.order.len())]
                .1
                .clone();
            assert_eq!(s.remove(&victim), model.remove(&victim));
        }
        if i % 400 == 0 {
            s.validate().unwrap();
        }
    }
    s.validate().unwrap();
    assert_eq!(list_entries(&s), model.entries());
    for (r, (_, m)) in model.entries().iter().enumerate().step_by(13) {
        assert_eq!(s.rank(m), Some(r));
    }
}

#[test]
fn many_members_keep_spans_and_renumber() {
    let mut s = SkipList::new();
    let member = |i: u32| format!("member:{i:06}-{}", "x".repeat((i % 50) as usize)).into_bytes();
    for i in 0..20_000u32 {
        assert!(s.insert(f64::from(i % 1000), &member(i)));
    }
    s.validate().unwrap();
    for i in (0..20_000u32).step_by(2) {
        assert!(s.remove(&member(i)).is_some());
    }
    s.validate().unwrap();
    let live: Vec<_> = s.iter().map(|(_, m)| m.to_vec()).collect();
    for (r, m) in live.iter().enumerate().step_by(97) {
        assert_eq!(s.rank(m), Some(r));
    }
    assert_eq!(s.remove_range(100, 9_000), 8_900);
    s.validate().unwrap();
    assert_eq!(s.len(), 1_100);
    assert!(s.index.slots.len() <= 2048, "{}", s.index.slots.len());
    assert!(s.blocks.len() < 1_100 / 8, "{} blocks", s.blocks.len());
    let mut seen = HashSet::new();
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
    // A queue by time: pushed at the back, popped at the front.
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
    assert_eq!(s.iter().next().map(|e| e.0), Some(59_000.0));
    let end = s.heap_bytes();
    assert!(end < 100 << 10 && end <= peak + peak / 4, "{end} vs {peak}");
}

#[test]
fn shrinking_gives_memory_back() {
    let mut s = SkipList::new();
    for i in 0..50_000u32 {
        s.insert(f64::from(i), format!("m{i}").as_bytes());
    }
    let full = s.heap_bytes();
    s.remove_range(0, 49_900);
    s.validate().unwrap();
    assert!(s.heap_bytes() * 50 < full, "{} of {full}", s.heap_bytes());
    for i in 49_900..50_000u32 {
        assert_eq!(s.remove(format!("m{i}").as_bytes()), Some(f64::from(i)));
    }
    s.validate().unwrap();
    assert!(s.is_empty() && s.heap_bytes() < 2048, "{}", s.heap_bytes());
    s.insert(1.0, b"again");
    s.validate().unwrap();
}

#[test]
fn scan_reports_stable_members_across_resizes_and_renumbering() {
    let mut s = SkipList::new();
    for i in 0..3_000u32 {
        s.insert(f64::from(i), format!("stable:{i}").as_bytes());
    }
    let mut seen = HashSet::new();
    let (mut cursor, mut step) = (0, 0u32);
    loop {
        cursor = s.scan(cursor, 20, |_, m| {
            seen.insert(m.to_vec());
        });
        // Between calls: grow the index, then churn enough to renumber.
        for j in 0..200 {
            s.insert(-1.0, format!("temp:{step}:{j}").as_bytes());
        }
        if step % 5 == 4 {
            s.remove_range(0, s.count_scores_while(|sc| sc < 0.0));
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
fn level_distribution_is_quarter_geometric() {
    let mut s = SkipList::new();
    let mut counts = [0usize; MAX_LEVEL + 1];
    for _ in 0..400_000 {
        counts[s.random_level()] += 1;
    }
    // P(level >= k + 1) = 4^-k: each level about a quarter of the one below.
    for k in 1..6 {
        let ratio = counts[k + 1] as f64 / counts[k] as f64;
        assert!((0.2..0.3).contains(&ratio), "level {k}: {counts:?}");
    }
}

#[test]
fn validate_catches_broken_invariants() {
    let mut s = SkipList::new();
    for i in 0..500u32 {
        s.insert(f64::from(i), format!("v{i}").as_bytes());
    }
    s.validate().unwrap();
    let mut t = s.clone();
    t.low[0][1].span += 1;
    assert!(t.validate().is_err());
    let mut t = s.clone();
    t.low[0][0].key += 0.5;
    assert!(t.validate().is_err());
    let mut t = s.clone();
    t.blocks[1].raw_mut().swap(block::ORDER, block::ORDER + 1);
    assert!(t.validate().is_err());
    let mut t = s.clone();
    let v = t.index.slots.iter().position(|&v| v > index::TOMB).unwrap();
    t.index.slots[v] = index::EMPTY;
    assert!(t.validate().is_err());
    // A slot naming another cell of the same block.
    let mut t = s.clone();
    let v = t.index.slots.iter().position(|&v| v > index::TOMB).unwrap();
    t.index.slots[v] ^= 1 << 4;
    assert!(t.validate().is_err());
    // A used bitmap that disagrees with the order.
    let mut t = s.clone();
    t.blocks[1].raw_mut()[block::USED] ^= 0x80;
    assert!(t.validate().is_err());
    // An order naming a cell twice.
    let mut t = s.clone();
    let second = t.blocks[1].raw_mut()[block::ORDER + 1];
    t.blocks[1].raw_mut()[block::ORDER] = second;
    assert!(t.validate().is_err());
    let mut t = s.clone();
    t.nodes[0].tower = u32::MAX;
    assert!(t.validate().is_err());
    // A cell whose length byte is neither an in-line length nor the slab
    // mark, and a block whose in-line length is out of range.
    let mut t = s.clone();
    let k = t.blocks[1].inline_max();
    assert!(k >= 2, "short members sit in line");
    let c = t.blocks[1].cell_at(0);
    let at = block::CELLS + (9 + k) * usize::from(c) + 8;
    t.blocks[1].raw_mut()[at] = (k + 1) as u8;
    assert!(t.validate().is_err());
    let mut t = s.clone();
    t.blocks[1].set_inline_raw(1);
    assert!(t.validate().is_err());
    // A score key off by one, a padding key that is not the pad, and a
    // quantizer shift out of range.
    let mut t = s.clone();
    t.blocks[1].raw_mut()[3] ^= 1;
    assert!(t.validate().is_err());
    let mut t = s.clone();
    let n = t.blocks[1].len();
    t.blocks[1].raw_mut()[n] = 7;
    assert!(t.validate().is_err());
    let mut t = s.clone();
    t.blocks[1].raw_mut()[block::SHIFT] = 64;
    assert!(t.validate().is_err());
    let mut t = s;
    t.block_heap += 1;
    assert!(t.validate().is_err());
}

/// A block's in-line length is the one taking the fewest bytes plus the
/// headroom of up to one byte a member: every member in line when they
/// are all short and alike (with room for one more byte), none when they
/// are long, and the slab for the odd long one among short ones.
#[test]
fn choose_inline_minimizes_bytes_with_headroom() {
    use block::choose_inline;
    assert_eq!(choose_inline([8usize; 40].into_iter()), 9);
    assert_eq!(choose_inline([15usize; 40].into_iter()), 16);
    assert_eq!(choose_inline([16usize; 40].into_iter()), 16);
    assert_eq!(choose_inline([17usize; 40].into_iter()), 0);
    assert_eq!(choose_inline([30usize; 40].into_iter()), 0);
    assert_eq!(
        choose_inline((0..40).map(|i| if i < 36 { 8 } else { 7 })),
        9
    );
    assert_eq!(
        choose_inline((0..40).map(|i| if i < 38 { 5 } else { 100 })),
        6
    );
    // One-byte members still get cells of two or three in-line bytes (a
    // slab mark and offset need three).
    assert_eq!(choose_inline([1usize; 10].into_iter()), 3);
    // Lengths spread from 1 to 16: in line only as far as the bytes allow.
    let lens = || (0..64).map(|i| 1 + i % 16);
    let k = usize::from(choose_inline(lens()));
    let cost = |k: usize| -> usize {
        lens()
            .map(|l| {
                let cell = if k == 0 { 10 } else { 9 + k };
                cell + if k != 0 && l <= k { 0 } else { 1 + l }
            })
            .sum()
    };
    let least = (0..=16).filter(|&j| j != 1).map(cost).min().unwrap();
    assert!(cost(k) <= least + 64, "{k}: {} vs {least}", cost(k));
}

/// Members in line and in the slab side by side, at the in-line limit
/// (16 bytes) and just past it (17), with lengths that drift upwards (so
/// blocks shaped for shorter members take longer ones into the slab until
/// a split or compaction reshapes them) and long members: the list stays
/// valid through growth, splits, removals that compact and merge blocks,
/// and score updates, and every member keeps its score and rank.
#[test]
fn inline_and_slab_members_across_splits_merges_and_compaction() {
    let mut rng = SmallRng::seed_from_u64(5);
    let (mut s, mut model) = (SkipList::new(), Model::default());
    let member = |i: u32| -> Vec<u8> {
        match i % 11 {
            0 => format!("{:016}", i).into_bytes(),
            1 => format!("{:017}", i).into_bytes(),
            2 if i % 1_001 == 2 => format!("long{i}:{}", "L".repeat(5_000)).into_bytes(),
            3 => format!("{:02}", i % 100).into_bytes(),
            _ => format!("m:{i}").into_bytes(),
        }
    };
    for i in 0..20_000u32 {
        let score = f64::from(rng.random_range(0u32..3_000));
        let m = member(i);
        assert_eq!(s.insert(score, &m), model.insert(score, &m), "{i}");
        if i % 4_999 == 0 {
            s.validate().unwrap();
        }
    }
    s.validate().unwrap();
    let shapes: HashSet<usize> = s.blocks.iter().skip(1).map(|b| b.inline_max()).collect();
    assert!(shapes.len() >= 2, "blocks of several shapes: {shapes:?}");
    for i in (0..20_000u32).step_by(3) {
        let m = member(i);
        if let Some(old) = model.scores.get(&m).copied() {
            let new = old + 0.5;
            assert_eq!(s.update_score(&m, new), Some(old));
            model.remove(&m);
            model.insert(new, &m);
        }
    }
    s.validate().unwrap();
    for i in (0..20_000u32).filter(|i| i % 5 != 0) {
        let m = member(i);
        assert_eq!(s.remove(&m), model.remove(&m), "{i}");
        if i % 4_999 == 0 {
            s.validate().unwrap();
        }
    }
    s.validate().unwrap();
    let entries = model.entries();
    assert_eq!(list_entries(&s), entries);
    for (r, (score, m)) in entries.iter().enumerate() {
        assert_eq!(s.score(m), Some(*score));
        assert_eq!(s.lookup(m).ok(), Some(*score));
        if r % 7 == 0 {
            assert_eq!(s.rank(m), Some(r));
        }
    }
    for i in 20_000..20_100u32 {
        let m = member(i);
        assert_eq!(s.score(&m), model.scores.get(&m).copied());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn prop_matches_btreemap(seed in any::<u64>(), members in 2u32..2_000, steps in 1usize..1_500) {
        let mut rng = SmallRng::seed_from_u64(seed);
        let (mut s, mut model) = (SkipList::new(), Model::default());
        for _ in 0..steps {
            step(&mut s, &mut model, &mut rng, members);
        }
        prop_assert_eq!(s.validate(), Ok(()));
        prop_assert_eq!(list_entries(&s), model.entries());
    }
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

/// How many entries of `b` sort before (score, member), by a scan.
fn scan_search(b: &block::Block, score: f64, member: &[u8]) -> usize {
    b.entries()
        .take_while(|&(s, m, _)| s < score || (s == score && m < member))
        .count()
}

/// Builds a block by inserting `entries` (in the given order) where the
/// scan puts them, checking each key-array search against the scan.
fn build_block(entries: &[(f64, Vec<u8>)]) -> block::Block {
    let mut b = block::Block::default();
    for (s, m) in entries {
        let pos = b.search(*s, m);
        assert_eq!(pos, scan_search(&b, *s, m), "insert {s} {m:?}");
        b.insert(pos, *s, m);
    }
    b
}

/// Checks the block's keys against its scores and its search against the
/// scan for `probes`.
fn check_block(b: &block::Block, probes: &[(f64, Vec<u8>)]) {
    let (base, shift) = b.quantizer();
    assert!(shift <= 63);
    for (j, &k) in b.keys().iter().enumerate() {
        let want = if j < b.len() {
            block::quantize(block::ordered(b.score(j)), base, shift)
        } else {
            block::NO_KEY
        };
        assert_eq!(k, want, "key {j}");
    }
    for (s, m) in probes {
        assert_eq!(b.search(*s, m), scan_search(b, *s, m), "probe {s} {m:?}");
    }
}

#[test]
fn key_search_agrees_with_a_scan() {
    let mut rng = SmallRng::seed_from_u64(7);
    for round in 0..300 {
        let n = 1 + round % 64;
        // Few distinct scores (ties), then spread ones, then huge ranges.
        let scale = [0.5, 1e3, 1e300][round % 3];
        let entries: Vec<(f64, Vec<u8>)> = (0..n)
            .map(|j| {
                let s = f64::from(rng.random_range(0u32..40)) * scale - 10.0 * scale;
                (s, format!("m{j:03}").into_bytes())
            })
            .collect();
        let mut b = build_block(&entries);
        let probes: Vec<(f64, Vec<u8>)> = (0..100)
            .map(|p| {
                let s = match p {
                    0 => f64::NEG_INFINITY,
                    1 => f64::INFINITY,
                    _ => f64::from(rng.random_range(0u32..50)) * scale - 12.0 * scale,
                };
                (s, format!("m{:03}", rng.random_range(0..80)).into_bytes())
            })
            .collect();
        check_block(&b, &probes);
        // Rewritten blocks pick their own quantizers.
        b.compact(b.cap());
        check_block(&b, &probes);
        if b.len() >= 2 {
            let tail = b.split_off(b.len() / 2);
            check_block(&b, &probes);
            check_block(&tail, &probes);
            b.append(&tail);
            check_block(&b, &probes);
        }
    }
}

/// -0 and +0 share a key and tie by member; the infinities take the ends
/// of the key range.
#[test]
fn key_search_ties_signed_zeros_and_infinities() {
    let scores = [0.0, -0.0, f64::INFINITY, f64::NEG_INFINITY, 1.0, -1.0];
    let mut rng = SmallRng::seed_from_u64(11);
    for _ in 0..50 {
        let entries: Vec<(f64, Vec<u8>)> = (0..40)
            .map(|j| {
                let s = scores[rng.random_range(0..scores.len())];
                (s, format!("z{:02}", (j * 17) % 40).into_bytes())
            })
            .collect();
        let mut b = build_block(&entries);
        let probes: Vec<(f64, Vec<u8>)> = scores
            .iter()
            .flat_map(|&s| ["z", "z20", "zz"].map(|m| (s, m.as_bytes().to_vec())))
            .collect();
        check_block(&b, &probes);
        b.compact(b.cap());
        check_block(&b, &probes);
        let got: Vec<(f64, &[u8])> = b.entries().map(|(s, m, _)| (s, m)).collect();
        let mut want = got.clone();
        want.sort_by(|x, y| x.0.partial_cmp(&y.0).unwrap().then(x.1.cmp(y.1)));
        assert_eq!(got, want);
        assert_eq!(b.len(), 40);
    }
    let mut s = SkipList::new();
    for i in 0..300u32 {
        let score = scores[i as usize % scores.len()];
        assert!(s.insert(score, format!("e{i}").as_bytes()));
    }
    s.validate().unwrap();
    assert_eq!(s.rank(b"e1"), s.rank(b"e0").map(|r| r + 1), "-0 ties +0");
}

/// Equal scores are ordered by member alone, whatever their keys.
#[test]
fn key_search_equal_scores_by_member() {
    let entries: Vec<(f64, Vec<u8>)> = (0..64u32)
        .map(|j| (2.5, format!("k{:02}", (j * 29) % 64).into_bytes()))
        .collect();
    let b = build_block(&entries);
    let members: Vec<&[u8]> = b.entries().map(|(_, m, _)| m).collect();
    let mut sorted = members.clone();
    sorted.sort();
    assert_eq!(members, sorted);
    let probes = [
        (2.5, b"k".to_vec()),
        (2.5, b"k31x".to_vec()),
        (2.5, b"l".to_vec()),
        (2.4, b"z".to_vec()),
        (2.6, b"a".to_vec()),
    ];
    check_block(&b, &probes);
}

/// A block whose later inserts all land above the range it was shaped
/// for keeps them, in order, under the top key (255).
#[test]
fn key_search_above_the_old_range_clamps() {
    let first: Vec<(f64, Vec<u8>)> = (0..8u32)
        .map(|j| (1e3 + f64::from(j), format!("a{j}").into_bytes()))
        .collect();
    let mut b = build_block(&first);
    b.compact(b.cap());
    for j in 0..40u32 {
        let s = 1e6 + f64::from((j * 13) % 40);
        let m = format!("b{j:02}").into_bytes();
        let pos = b.search(s, &m);
        assert_eq!(pos, scan_search(&b, s, &m));
        b.insert(pos, s, &m);
    }
    assert_eq!(b.key_of(1e6), 255);
    assert!(b.keys()[..b.len()].iter().filter(|&&k| k == 255).count() >= 40);
    let probes = [
        (1e6 + 5.5, b"x".to_vec()),
        (1e6 + 5.0, b"b00".to_vec()),
        (1e7, b"".to_vec()),
        (1e3 + 3.5, b"".to_vec()),
        (0.0, b"".to_vec()),
    ];
    check_block(&b, &probes);
    // An ascending run on a list puts every insert past its last block's
    // range; the list stays valid.
    let mut s = SkipList::new();
    for i in 0..5_000u32 {
        assert!(s.insert(f64::from(i) * 1e3, format!("t{i}").as_bytes()));
    }
    s.validate().unwrap();
    assert_eq!(s.rank(b"t4999"), Some(4999));
}

/// Many blocks through a whole life: growth with index doublings and
/// splits, then removals that shrink blocks (renumbering their cells),
/// merge neighbours, shrink the index and renumber the blocks; the list
/// stays valid and every member keeps its score and rank.
#[test]
fn cells_survive_growth_and_shrinking() {
    let mut rng = SmallRng::seed_from_u64(11);
    let (mut s, mut model) = (SkipList::new(), Model::default());
    for i in 0..30_000u32 {
        let score = f64::from(rng.random_range(0u32..5_000));
        let m = format!("m{i}");
        assert_eq!(
            s.insert(score, m.as_bytes()),
            model.insert(score, m.as_bytes())
        );
    }
    s.validate().unwrap();
    for i in (0..30_000u32).filter(|i| i % 7 != 0) {
        let m = format!("m{i}");
        assert_eq!(s.remove(m.as_bytes()), model.remove(m.as_bytes()));
    }
    s.validate().unwrap();
    let entries = model.entries();
    assert_eq!(list_entries(&s), entries);
    for (r, (score, m)) in entries.iter().enumerate().step_by(13) {
        assert_eq!(s.score(m), Some(*score));
        assert_eq!(s.rank(m), Some(r));
    }
}

/// The member hash: sequential members of every length class (short ones
/// through the two-word path, longer ones through ahash) spread over the
/// home slots (low bits) and the tags (top four bits) of a table their
/// size.
#[test]
fn member_hash_spreads_over_homes_and_tags() {
    let h = index::MemberHasher::new();
    for prefix in [
        "",
        "m",
        "m:",
        "user:1000:",
        "a-longer-prefix:",
        "past-sixteen-bytes:",
    ] {
        let mut home = vec![0u32; 4096];
        let mut tag = [0u32; 16];
        for i in 0..12_288 {
            let x = h.hash_one(format!("{prefix}{i}").as_bytes());
            home[(x & 4095) as usize] += 1;
            tag[usize::from(index::tag_of(x))] += 1;
        }
        let worst = home.iter().max().copied().unwrap_or(0);
        assert!(worst <= 16, "{prefix:?}: {worst} members share a home");
        for &t in &tag {
            assert!((600..=950).contains(&t), "{prefix:?}: tags {tag:?}");
        }
    }
}

/// Members of every length around the two-word hash and compare (0 to 20
/// bytes), and twins differing in one byte or only by a trailing zero,
/// are each found with their own score and never for one another.
#[test]
fn short_members_of_every_length_are_told_apart() {
    let mut s = SkipList::new();
    let mut all = Vec::new();
    for n in 0..=20usize {
        let base: Vec<u8> = (0..n).map(|i| b'a' + (i % 26) as u8).collect();
        all.push(base.clone());
        for at in 0..n {
            let mut twin = base.clone();
            twin[at] ^= 0x20;
            all.push(twin);
        }
    }
    let mut padded: Vec<Vec<u8>> = all.iter().map(|m| [m.as_slice(), b"\0"].concat()).collect();
    padded.retain(|m| !all.contains(m));
    for (i, m) in all.iter().enumerate() {
        assert!(s.insert(i as f64, m), "{m:?}");
    }
    s.validate().unwrap();
    for (i, m) in all.iter().enumerate() {
        assert_eq!(s.score(m), Some(i as f64), "{m:?}");
        assert_eq!(s.lookup(m).ok(), Some(i as f64), "{m:?}");
    }
    for m in &padded {
        assert_eq!(s.score(m), None, "{m:?}");
        assert!(s.lookup(m).is_err(), "{m:?}");
    }
}
