use std::collections::VecDeque;

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

use super::*;

fn contents(ql: &Quicklist) -> Vec<Vec<u8>> {
    ql.iter().map(|e| e.to_vec()).collect()
}

fn node_lens(ql: &Quicklist) -> Vec<usize> {
    ql.nodes().map(Listpack::len).collect()
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
    assert_eq!(ql.get(0), Some(Elem::Str(b"x")));
    assert_eq!(ql.get(-1), Some(Elem::Int(9)));
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
    let back: Vec<_> = ql.iter_at(-1, true).map(|e| e.to_vec()).collect();
    let mut fwd = contents(&ql);
    fwd.reverse();
    assert_eq!(back, fwd);
    assert_eq!(ql.iter_at(3, false).count(), 4);
    assert_eq!(ql.iter_at(7, false).count(), 0);
}

/// Random operations against a `VecDeque` model with every fill class.
#[test]
fn random_ops_match_a_model() {
    let mut rng = SmallRng::seed_from_u64(0x9157);
    for fill in [-5, -2, -1, 0, 1, 2, 3, 5, 16] {
        let mut ql = Quicklist::new(fill, 0);
        let mut model: VecDeque<Vec<u8>> = VecDeque::new();
        let mut replaced = false;
        for _ in 0..3000 {
            let len = if rng.random_bool(0.1) {
                rng.random_range(0..3000)
            } else {
                rng.random_range(0..12)
            };
            let value: Vec<u8> = if rng.random_bool(0.3) {
                format!("{}", rng.random_range(-100_000i64..100_000)).into_bytes()
            } else {
                (0..len).map(|_| rng.random_range(b'a'..b'e')).collect()
            };
            let n = model.len() as i64;
            match rng.random_range(0..9) {
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
                _ => {}
            }
            ql.validate(!replaced).unwrap();
            assert_eq!(ql.len(), model.len());
        }
        assert_eq!(contents(&ql), model.iter().cloned().collect::<Vec<_>>());
    }
}
