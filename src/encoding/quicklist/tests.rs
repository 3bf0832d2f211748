use std::collections::VecDeque;

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

use super::*;

fn contents(ql: &Quicklist) -> Vec<Vec<u8>> {
    ql.iter().collect()
}

fn node_lens(ql: &Quicklist) -> Vec<usize> {
    ql.listpacks().map(|lp| lp.len()).collect()
}

/// Which nodes are compressed, head first.
fn packed(ql: &Quicklist) -> Vec<bool> {
    ql.node_views()
        .map(|v| matches!(v, NodeView::Lzf { .. }))
        .collect()
}

#[test]
fn fill_is_clamped_as_redis() {
    assert_eq!(Quicklist::new(-100, 0).fill(), -5);
    assert_eq!(Quicklist::new(1 << 20, 0).fill(), 32767);
    assert_eq!(Quicklist::new(-2, 0).fill(), -2);
}

#[test]
fn count_fill_makes_nodes_of_n_entries() {
    let mut ql = Quicklist::new(4, 0);
    for i in 0..10 {
        ql.push_back(format!("{i}").as_bytes());
    }
    assert_eq!(node_lens(&ql), vec![4, 4, 2]);
    ql.push_front(b"x");
    assert_eq!(node_lens(&ql), vec![1, 4, 4, 2]);
    assert_eq!(ql.get(0), Some(b"x".to_vec()));
    assert_eq!(ql.get(-1), Some(b"9".to_vec()));
    assert_eq!(ql.pop_front(), Some(b"x".to_vec()));
    assert_eq!(node_lens(&ql), vec![4, 4, 2]);
    ql.validate(true).unwrap();
}

#[test]
fn zero_fill_keeps_one_element_per_node() {
    let mut ql = Quicklist::new(0, 0);
    for v in [b"a", b"b", b"c"] {
        ql.push_back(v);
    }
    assert_eq!(node_lens(&ql), vec![1, 1, 1]);
    ql.insert(1, b"z", false);
    assert_eq!(node_lens(&ql), vec![1, 1, 1, 1]);
    ql.validate(true).unwrap();
}

#[test]
fn size_fill_packs_by_bytes() {
    let mut ql = Quicklist::new(-1, 0);
    let value = [b'v'; 100];
    for _ in 0..100 {
        ql.push_back(&value);
    }
    ql.validate(true).unwrap();
    // 103 bytes per entry: a node of 38 takes one more (7 + 38 * 103 + 108
    // = 4029 <= 4096), a node of 39 does not (4132).
    assert_eq!(node_lens(&ql), vec![39, 39, 22]);
}

#[test]
fn insert_into_full_node_splits_and_merges() {
    let mut ql = Quicklist::new(4, 0);
    for i in 0..8 {
        ql.push_back(format!("{i}").as_bytes());
    }
    assert!(ql.insert(1, b"m", true));
    assert_eq!(node_lens(&ql), vec![2, 3, 4]);
    assert_eq!(
        contents(&ql),
        ["0", "1", "m", "2", "3", "4", "5", "6", "7"]
            .iter()
            .map(|s| s.as_bytes().to_vec())
            .collect::<Vec<_>>()
    );
    // At the head of a full node whose previous node has room.
    assert!(ql.insert(5, b"p", false));
    assert_eq!(node_lens(&ql), vec![2, 4, 4]);
    ql.validate(true).unwrap();
}

#[test]
fn remove_range_and_matching() {
    let mut ql = Quicklist::new(3, 0);
    for i in 0..10 {
        ql.push_back(if i % 2 == 0 { b"a" } else { b"b" });
    }
    assert_eq!(ql.remove_matching(b"a", 2, true), 2);
    assert_eq!(ql.remove_range(-3, 100), 3);
    assert_eq!(ql.remove_range(0, 1), 1);
    ql.validate(true).unwrap();
    assert_eq!(
        contents(&ql),
        vec![b"b".to_vec(), b"a".to_vec(), b"b".to_vec(), b"a".to_vec()]
    );
    assert_eq!(ql.remove_matching(b"a", 0, false), 2);
    assert_eq!(ql.remove_matching(b"b", 0, false), 2);
    assert!(ql.is_empty());
    assert_eq!(ql.node_count(), 0);
}

#[test]
fn iterators_walk_across_nodes() {
    let mut ql = Quicklist::new(2, 0);
    for i in 0..7 {
        ql.push_back(format!("{i}").as_bytes());
    }
    let back: Vec<_> = ql.iter_at(-1, true).collect();
    let mut fwd = contents(&ql);
    fwd.reverse();
    assert_eq!(back, fwd);
    assert_eq!(ql.iter_at(3, false).count(), 4);
    assert_eq!(ql.iter_at(7, false).count(), 0);
    assert_eq!(ql.range_vec(1, 4), contents(&ql)[1..5].to_vec());
    assert_eq!(ql.range_vec(5, 10), contents(&ql)[5..].to_vec());
    assert!(ql.range_vec(7, 3).is_empty());
}

/// The string fast path of RPUSH writes what the generic push writes,
/// integers included, and reports the capacity growth.
#[test]
fn push_back_str_is_push_back() {
    let long = vec![b'z'; 70];
    let mut inputs: Vec<&[u8]> = vec![
        b"",
        b"a",
        b"e000000000000001",
        b"0",
        b"-",
        b"-0",
        b"-12",
        b"007",
        b"12345678901234567890",
        b"9223372036854775807",
        b"-9223372036854775808",
        b"9223372036854775808",
        b"1.5",
        b" 1",
    ];
    let s63 = vec![b'q'; 63];
    let s64 = vec![b'q'; 64];
    inputs.extend([s63.as_slice(), s64.as_slice(), long.as_slice()]);
    let (mut fast, mut slow) = (Listpack::new(), Listpack::new());
    for _ in 0..3 {
        for s in &inputs {
            let cap = fast.allocated_bytes();
            let grew = fast.push_back_str(s);
            assert_eq!(fast.allocated_bytes() - cap, grew);
            slow.push_back(Elem::Str(s));
            assert_eq!(fast.as_bytes(), slow.as_bytes(), "{s:?}");
        }
    }
    fast.validate(true).unwrap();
}

/// LPOP marks entries popped and cuts them out later: every view shows
/// the bytes popping them one by one leaves, and any change settles them.
#[test]
fn lazy_head_pops_look_eager() {
    for depth in [0, 1] {
        let mut ql = Quicklist::new(-1, depth);
        let mut model: VecDeque<Vec<u8>> = VecDeque::new();
        for i in 0..2000 {
            let v = format!("e{i:015}").into_bytes();
            ql.push_back(&v);
            model.push_back(v);
        }
        let check = |ql: &Quicklist, model: &VecDeque<Vec<u8>>| {
            ql.validate(true).unwrap();
            assert_eq!(contents(ql), model.iter().cloned().collect::<Vec<_>>());
            // The head node is exactly a listpack of its live elements.
            let head = ql.listpacks().next().unwrap().into_owned();
            let fresh: Listpack = head.iter().collect();
            assert_eq!(head.as_bytes(), fresh.as_bytes());
            let NodeView::Raw(viewed) = ql.node_views().next().unwrap() else {
                panic!("the head is raw")
            };
            assert_eq!(viewed.as_bytes(), head.as_bytes());
            assert_eq!(ql.get(0), model.front().cloned());
            assert_eq!(ql.get(3), model.get(3).cloned());
            assert_eq!(
                ql.range_vec(1, 5),
                model.range(1..6).cloned().collect::<Vec<_>>()
            );
            let back: Vec<_> = ql.iter_at(4, true).collect();
            assert_eq!(back, model.range(..5).rev().cloned().collect::<Vec<_>>());
        };
        for round in 0..6 {
            for _ in 0..50 {
                assert_eq!(ql.pop_front(), model.pop_front());
            }
            check(&ql, &model);
            assert_eq!(ql.clone(), ql);
            // Each kind of change settles the popped entries.
            match round {
                0 => {
                    ql.push_front(b"front");
                    model.push_front(b"front".to_vec());
                }
                1 => {
                    assert!(ql.insert(2, b"ins", false));
                    model.insert(2, b"ins".to_vec());
                }
                2 => {
                    assert!(ql.replace(1, b"rep"));
                    model[1] = b"rep".to_vec();
                }
                3 => {
                    assert_eq!(ql.remove_range(0, 3), 3);
                    model.drain(0..3);
                }
                _ => {}
            }
            check(&ql, &model);
        }
        while let Some(v) = model.pop_front() {
            assert_eq!(ql.pop_front(), Some(v));
        }
        assert!(ql.is_empty() && ql.node_count() == 0 && ql.node_bytes == 0);
    }
}

/// Random operations against a `VecDeque` model with every fill class,
/// without compression and with depths 1 and 2 (checked less often: the
/// check tries to compress every deep raw node).
#[test]
fn random_ops_match_a_model() {
    for fill in [-5, -2, -1, 0, 1, 2, 3, 5, 16] {
        random_run(fill, 0, 3000, 1, 0x9157);
    }
    for (fill, depth) in [(-2, 1), (-1, 1), (1, 2), (0, 1), (3, 2), (16, 1), (5, 3)] {
        random_run(fill, depth, 1500, 7, 0x9158);
    }
}

fn random_value(rng: &mut SmallRng) -> Vec<u8> {
    let len = if rng.random_bool(0.1) {
        rng.random_range(0..3000)
    } else {
        rng.random_range(0..12)
    };
    match rng.random_range(0..10) {
        0..3 => format!("{}", rng.random_range(-100_000i64..100_000)).into_bytes(),
        // Random bytes compress badly: such nodes stay raw.
        3 => (0..len).map(|_| rng.random()).collect(),
        _ => (0..len).map(|_| rng.random_range(b'a'..b'e')).collect(),
    }
}

fn random_run(fill: i64, depth: usize, steps: usize, check_every: usize, seed: u64) {
    let mut rng = SmallRng::seed_from_u64(seed ^ fill as u64 ^ (depth as u64) << 8);
    let mut ql = Quicklist::new(fill, depth);
    let mut model: VecDeque<Vec<u8>> = VecDeque::new();
    let mut replaced = false;
    let mut most_packed = 0;
    for step in 0..steps {
        let value = random_value(&mut rng);
        let n = model.len() as i64;
        match rng.random_range(0..11) {
            0 | 1 => {
                ql.push_back(&value);
                model.push_back(value);
            }
            2 => {
                ql.push_front(&value);
                model.push_front(value);
            }
            3 => assert_eq!(ql.pop_front(), model.pop_front()),
            4 => assert_eq!(ql.pop_back(), model.pop_back()),
            5 | 6 if n > 0 => {
                let i = rng.random_range(0..n);
                let after = rng.random_bool(0.5);
                assert!(ql.insert(i, &value, after));
                model.insert(i as usize + usize::from(after), value);
            }
            7 if n > 0 => {
                let i = rng.random_range(0..n);
                assert!(ql.replace(i, &value));
                assert_eq!(ql.get(i), Some(value.clone()));
                model[i as usize] = value;
                replaced = true;
            }
            8 if n > 0 => {
                let start = rng.random_range(-n..n);
                let count = rng.random_range(0..4);
                let first = if start < 0 { start + n } else { start } as usize;
                let end = (first + count).min(model.len());
                model.drain(first..end);
                assert_eq!(ql.remove_range(start, count), end - first);
            }
            9 if n > 0 => {
                let needle = model[rng.random_range(0..n) as usize].clone();
                let limit = rng.random_range(0..3);
                let from_tail = rng.random_bool(0.5);
                let want = remove_from_model(&mut model, &needle, limit, from_tail);
                assert_eq!(ql.remove_matching(&needle, limit, from_tail), want);
            }
            10 if n > 0 => {
                let i = rng.random_range(-n..n);
                let reverse = rng.random_bool(0.5);
                let first = if i < 0 { i + n } else { i } as usize;
                let want: Vec<Vec<u8>> = if reverse {
                    model.range(..=first).rev().take(5).cloned().collect()
                } else {
                    model.range(first..).take(5).cloned().collect()
                };
                assert_eq!(ql.iter_at(i, reverse).take(5).collect::<Vec<_>>(), want);
                // A range of a length taken from the index (no extra draws).
                let len = (first * 7 + 3) % 40;
                let want: Vec<Vec<u8>> = model.range(first..).take(len).cloned().collect();
                assert_eq!(ql.range_vec(first, len), want);
            }
            _ => {}
        }
        if step % check_every == 0 {
            ql.validate(!replaced).unwrap();
        }
        assert_eq!(ql.len(), model.len());
        most_packed = most_packed.max(ql.compressed_nodes());
    }
    ql.validate(!replaced).unwrap();
    assert_eq!(contents(&ql), model.iter().cloned().collect::<Vec<_>>());
    if depth > 0 && fill != 0 {
        assert!(
            most_packed > 0,
            "fill {fill} depth {depth} never compressed"
        );
    }
}

/// LREM on the model: the first (or last) `limit` matches, all when 0.
fn remove_from_model(
    model: &mut VecDeque<Vec<u8>>,
    needle: &[u8],
    limit: usize,
    from_tail: bool,
) -> usize {
    let limit = if limit == 0 { usize::MAX } else { limit };
    let mut hits: Vec<usize> = (0..model.len()).filter(|&i| model[i] == needle).collect();
    if from_tail {
        hits.reverse();
    }
    hits.truncate(limit);
    hits.sort_unstable();
    for &i in hits.iter().rev() {
        model.remove(i);
    }
    hits.len()
}

/// Depth 1 keeps the head and tail raw and compresses everything between;
/// pops bring compressed nodes back to the ends raw.
#[test]
fn depth_one_compresses_inner_nodes() {
    let mut ql = Quicklist::new(4, 1);
    for i in 0..40 {
        ql.push_back(format!("element-{:03}-{}", i, "x".repeat(20)).as_bytes());
    }
    assert_eq!(ql.node_count(), 10);
    let mut want = vec![true; 10];
    want[0] = false;
    want[9] = false;
    assert_eq!(packed(&ql), want);
    ql.validate(true).unwrap();
    assert!(
        ql.allocated_bytes()
            < Quicklist::from_nodes(ql.listpacks().map(Cow::into_owned), 4, 0).allocated_bytes()
    );
    // Reads leave the nodes as they were.
    assert_eq!(
        ql.get(17),
        Some(format!("element-017-{}", "x".repeat(20)).into_bytes())
    );
    assert_eq!(packed(&ql), want);
    for _ in 0..4 {
        ql.pop_front();
    }
    assert!(!packed(&ql)[0]);
    assert_eq!(ql.compressed_nodes(), 7);
    ql.validate(true).unwrap();
    // Down to two nodes nothing is compressed.
    ql.remove_range(4, 28);
    assert_eq!(ql.node_count(), 2);
    assert_eq!(ql.compressed_nodes(), 0);
    ql.validate(true).unwrap();
}

/// With depth d a list of at most 2d nodes has no compressed node, and
/// small or incompressible nodes stay raw at any depth.
#[test]
fn compression_thresholds() {
    let mut ql = Quicklist::new(2, 2);
    for i in 0..8 {
        ql.push_back(format!("{i}-{}", "y".repeat(60)).as_bytes());
    }
    assert_eq!(packed(&ql), vec![false; 4]);
    ql.push_back(b"last");
    assert_eq!(packed(&ql), vec![false, false, true, false, false]);
    ql.validate(true).unwrap();

    // Nodes of one short element: below MIN_COMPRESS_BYTES.
    let mut small = Quicklist::new(0, 1);
    for i in 0..10 {
        small.push_back(format!("{i}").as_bytes());
    }
    assert_eq!(small.compressed_nodes(), 0);
    small.validate(true).unwrap();

    // Random bytes do not compress by 8 bytes.
    let mut rng = SmallRng::seed_from_u64(7);
    let mut noisy = Quicklist::new(1, 1);
    for _ in 0..5 {
        let v: Vec<u8> = (0..200).map(|_| rng.random()).collect();
        noisy.push_back(&v);
    }
    assert_eq!(noisy.compressed_nodes(), 0);
    noisy.validate(true).unwrap();
}

/// Writes to a compressed node decompress it and compress it again; a
/// node rebuilt from nodes gets the state of its position.
#[test]
fn writes_to_compressed_nodes() {
    let mut ql = Quicklist::new(8, 1);
    for i in 0..64 {
        ql.push_back(format!("value {i} {}", "z".repeat(i % 30)).as_bytes());
    }
    assert!(ql.compressed_nodes() >= 5);
    assert!(ql.replace(20, b"replaced"));
    assert_eq!(ql.get(20), Some(b"replaced".to_vec()));
    assert!(ql.insert(30, b"inserted", true));
    assert_eq!(ql.get(31), Some(b"inserted".to_vec()));
    assert_eq!(ql.remove_matching(b"value 40 zzzzzzzzzz", 0, false), 1);
    assert_eq!(ql.position(b"replaced"), Some(20));
    ql.validate(false).unwrap();
    let rebuilt = Quicklist::from_nodes(ql.listpacks().map(Cow::into_owned), 8, 1);
    assert_eq!(packed(&rebuilt), packed(&ql));
    rebuilt.validate(false).unwrap();
}

/// Elements of every kind a list node holds: each string length class
/// (short, 12-bit and 32-bit lengths, empty, around the 16-byte copy
/// block), each integer encoding, and strings that read as integers.
fn every_kind() -> Vec<Vec<u8>> {
    let mut out: Vec<Vec<u8>> = (0..=70).map(|n| vec![b'a' + (n % 26) as u8; n]).collect();
    for n in [100, 4095, 4096, 20_000, 70_000] {
        out.push((0..n).map(|i| (i % 251) as u8).collect());
    }
    for i in [
        0i64,
        7,
        127,
        128,
        -1,
        4095,
        -4096,
        32_767,
        -32_768,
        8_388_607,
        -8_388_608,
        2_147_483_647,
        -2_147_483_648,
        i64::MAX,
        i64::MIN,
    ] {
        out.push(i.to_string().into_bytes());
    }
    // Strings that look like integers but are kept as strings.
    out.extend([&b"007"[..], b"-0", b"+1", b" 1", b"1.5"].map(<[u8]>::to_vec));
    out
}

/// Fills (nodes of one entry, of a few, size-bounded) and compress
/// depths the in-line pop tests cross.
const SHORT_POP_SHAPES: [(i64, usize); 8] = [
    (-2, 0),
    (-1, 1),
    (-5, 2),
    (0, 0),
    (0, 1),
    (1, 1),
    (3, 0),
    (5, 1),
];

/// A list of three rounds of `kinds`, starting `rotate` kinds in, and
/// its model.
fn rotated_list(
    kinds: &[Vec<u8>],
    fill: i64,
    depth: usize,
    rotate: usize,
) -> (Quicklist, VecDeque<Vec<u8>>) {
    let mut ql = Quicklist::new(fill, depth);
    let mut model = VecDeque::new();
    for i in 0..3 * kinds.len() {
        let v = &kinds[(i * 7 + rotate) % kinds.len()];
        ql.push_back(v);
        model.push_back(v.clone());
    }
    (ql, model)
}

/// After one pop: the list equals the general path's, has the model's
/// length, and now and then validates and holds the model's elements.
fn agrees_after_pop(ql: &Quicklist, general: &Quicklist, model: &VecDeque<Vec<u8>>) {
    assert_eq!(ql, general);
    assert_eq!(ql.len(), model.len());
    if model.len().is_multiple_of(37) {
        ql.validate(false).unwrap();
        assert_eq!(contents(ql), model.iter().cloned().collect::<Vec<_>>());
    }
}

/// One end's pops for [`short_pops_match_general_pops`]: the general pop,
/// the in-line pop (None when it declines) and the model's pop.
struct EndPops {
    general: fn(&mut Quicklist) -> Option<Vec<u8>>,
    short: fn(&mut Quicklist) -> Option<Vec<u8>>,
    model: fn(&mut VecDeque<Vec<u8>>) -> Option<Vec<u8>>,
}

/// Empties lists of every shape with `end`'s in-line pop (a head pop
/// every `head_every`-th step when given): each pop it takes gives what
/// the general path (the same pop on a copy) gives, a declined pop
/// changes nothing, and nodes of one entry (fill 0 and 1) are dropped,
/// never popped in place.
fn short_pops_match_general_pops(end: EndPops, head_every: Option<usize>) {
    let kinds = every_kind();
    for (fill, depth) in SHORT_POP_SHAPES {
        for rotate in [0, 1, 7, 30] {
            let (mut ql, mut model) = rotated_list(&kinds, fill, depth, rotate);
            let mut taken = 0;
            let mut step = 0;
            while !model.is_empty() {
                step += 1;
                if head_every.is_some_and(|k| step % k == 0) {
                    assert_eq!(ql.pop_front(), model.pop_front());
                    continue;
                }
                let mut general = ql.clone();
                let want = (end.general)(&mut general);
                assert_eq!(want, (end.model)(&mut model));
                let before = ql.clone();
                match (end.short)(&mut ql) {
                    Some(v) => {
                        assert_eq!(Some(v.clone()), want, "fill {fill} depth {depth}");
                        assert!(v.len() < 64);
                        taken += 1;
                    }
                    None => {
                        assert_eq!(ql, before, "a declined pop changes nothing");
                        assert_eq!((end.general)(&mut ql), want);
                    }
                }
                agrees_after_pop(&ql, &general, &model);
            }
            assert!(ql.is_empty() && ql.node_count() == 0 && ql.node_bytes == 0);
            assert_eq!(
                taken > 0,
                !(0..=1).contains(&fill),
                "fill {fill} depth {depth}"
            );
        }
    }
}

/// The in-line head pop (`pop_front_short`) gives what the general path
/// (`pop_front` of a copy) gives whenever it takes an element, and changes
/// nothing when it declines; across fills (nodes of one entry, of a few,
/// size-bounded), depths (compressed nodes) and every element kind.
#[test]
fn short_head_pop_matches_the_general_pop() {
    let end = EndPops {
        general: Quicklist::pop_front,
        short: |ql| ql.pop_front_short().map(<[u8]>::to_vec),
        model: VecDeque::pop_front,
    };
    short_pops_match_general_pops(end, None);
}

/// The same for the in-line tail pop (`pop_back_short`), with head pops
/// mixed in so that a one-node list's tail node holds popped entries.
#[test]
fn short_tail_pop_matches_the_general_pop() {
    let end = EndPops {
        general: Quicklist::pop_back,
        short: Quicklist::pop_back_short,
        model: VecDeque::pop_back,
    };
    short_pops_match_general_pops(end, Some(5));
}

/// The head pop on a node made large by LSET: popped bytes beyond the
/// node's 16-bit counter fall back to cutting the entries out.
#[test]
fn head_pops_past_the_popped_byte_counter() {
    let mut ql = Quicklist::new(-2, 0);
    let mut model = VecDeque::new();
    for i in 0..300 {
        let v = format!("v{i:014}").into_bytes();
        ql.push_back(&v);
        model.push_back(v);
    }
    let big = vec![b'x'; 60_000];
    for i in [5, 6, 150] {
        assert!(ql.replace(i, &big));
        model[i as usize] = big.clone();
    }
    while let Some(v) = model.pop_front() {
        assert_eq!(ql.pop_front(), Some(v));
        ql.validate(false).unwrap();
        assert_eq!(contents(&ql), model.iter().cloned().collect::<Vec<_>>());
    }
    assert!(ql.is_empty() && ql.node_bytes == 0);
}

/// `copy_out` gives the bytes for every length, whichever way it copies.
#[test]
fn copy_out_copies_every_length() {
    let src: Vec<u8> = (0..100u8).map(|i| i.wrapping_mul(37) ^ 0x5A).collect();
    for start in [0, 1, 3] {
        for n in 0..=80 {
            let s = &src[start..start + n];
            let v = copy_out(s);
            assert_eq!(v, s);
            assert!(v.capacity() >= n);
        }
    }
}
