use super::*;
use crate::encoding::listpack::Elem;

fn add(s: &mut StreamValue, ms: u64, seq: u64, fields: &[(&[u8], &[u8])]) {
    let id = s
        .next_id(XAddId::Explicit(StreamId::new(ms, seq)), 0)
        .unwrap();
    s.append(id, fields, 4096, 4).unwrap();
}

#[test]
fn append_range_delete_and_nodes() {
    let mut s = StreamValue::new();
    for i in 1..=10 {
        add(&mut s, i, 0, &[(b"a", b"1"), (b"b", b"x")]);
    }
    add(&mut s, 11, 0, &[(b"z", b"9")]);
    s.validate(4).unwrap();
    assert_eq!(s.node_count(), 3);
    assert_eq!(s.len(), 11);
    let r = s.range(StreamId::new(3, 0), StreamId::new(5, 0), false, 0);
    assert_eq!(r.len(), 3);
    assert_eq!(
        r[0].fields,
        vec![
            (b"a".to_vec(), b"1".to_vec()),
            (b"b".to_vec(), b"x".to_vec())
        ]
    );
    let r = s.range(StreamId::MIN, StreamId::MAX, true, 2);
    assert_eq!(r[0].id, StreamId::new(11, 0));
    assert_eq!(r[0].fields, vec![(b"z".to_vec(), b"9".to_vec())]);
    assert_eq!(s.delete(&[StreamId::new(1, 0), StreamId::new(99, 0)]), 1);
    assert_eq!(s.first_id(), StreamId::new(2, 0));
    s.validate(4).unwrap();
    for i in 2..=4 {
        s.delete(&[StreamId::new(i, 0)]);
    }
    assert_eq!(s.node_count(), 2);
    s.validate(4).unwrap();
}

#[test]
fn trim_exact_and_approx() {
    let mut s = StreamValue::new();
    for i in 1..=10 {
        add(&mut s, i, 0, &[(b"f", b"v")]);
    }
    let approx = XTrim {
        strategy: XTrimStrategy::MaxLen(5),
        approx: true,
        limit: None,
    };
    assert_eq!(s.trim(&approx, 4), 4);
    assert_eq!(s.len(), 6);
    let exact = XTrim {
        approx: false,
        ..approx
    };
    assert_eq!(s.trim(&exact, 4), 1);
    assert_eq!(s.first_id(), StreamId::new(6, 0));
    s.validate(4).unwrap();
    let minid = XTrim {
        strategy: XTrimStrategy::MinId(StreamId::new(9, 0)),
        approx: false,
        limit: None,
    };
    assert_eq!(s.trim(&minid, 4), 3);
    s.validate(4).unwrap();
}

#[test]
fn ids_follow_last_id() {
    let mut s = StreamValue::new();
    assert_eq!(s.next_id(XAddId::Auto, 100), Ok(StreamId::new(100, 0)));
    add(&mut s, 100, 0, &[(b"f", b"v")]);
    // Clock behind: last id + 1.
    assert_eq!(s.next_id(XAddId::Auto, 50), Ok(StreamId::new(100, 1)));
    assert_eq!(
        s.next_id(XAddId::AutoSeq(100), 0),
        Ok(StreamId::new(100, 1))
    );
    assert!(s.next_id(XAddId::AutoSeq(99), 0).is_err());
    assert!(
        s.next_id(XAddId::Explicit(StreamId::new(100, 0)), 0)
            .is_err()
    );
}

/// A stream of three 2-field entries in one node, for corruption tests.
fn small() -> StreamValue {
    let mut s = StreamValue::new();
    for i in 1..=3 {
        add(&mut s, i, 0, &[(b"a", b"1"), (b"b", b"x")]);
    }
    s.validate(4).unwrap();
    s
}

fn node_mut(s: &mut StreamValue) -> &mut Listpack {
    s.nodes.values_mut().next().unwrap()
}

/// Replaces the `n`-th element of the only node.
fn poke(s: &mut StreamValue, n: usize, v: i64) {
    let lp = node_mut(s);
    let mut pos = lp.first_pos().unwrap();
    for _ in 0..n {
        pos = lp.next_pos(pos).unwrap();
    }
    lp.replace_at(pos, v);
}

#[test]
fn validate_catches_broken_nodes() {
    // Layout: live deleted n a b 0 | flags ms seq v v back | ...
    let mut s = small();
    poke(&mut s, 0, 2);
    assert!(s.validate_structure().unwrap_err().contains("counts"));
    let mut s = small();
    poke(&mut s, 6, 8);
    assert!(s.validate_structure().unwrap_err().contains("flags"));
    let mut s = small();
    poke(&mut s, 11, 4);
    assert!(s.validate_structure().unwrap_err().contains("back-count"));
    let mut s = small();
    poke(&mut s, 7, 5);
    assert!(s.validate_structure().unwrap_err().contains("first entry"));
    let mut s = small();
    poke(&mut s, 13, 9);
    assert!(s.validate_structure().unwrap_err().contains("after"));
    let mut s = small();
    poke(&mut s, 5, 1);
    assert!(s.validate_structure().unwrap_err().contains("terminated"));
}

#[test]
fn validate_catches_uncompacted_master_fields() {
    let mut s = StreamValue::new();
    add(&mut s, 1, 0, &[(b"a", b"1")]);
    add(&mut s, 2, 0, &[(b"b", b"2")]);
    s.validate(4).unwrap();
    // Rename the second entry's field to the master field "a": the entry
    // now spells the master fields out without SAMEFIELDS.
    let lp = node_mut(&mut s);
    let mut pos = lp.first_pos().unwrap();
    for _ in 0..14 {
        pos = lp.next_pos(pos).unwrap();
    }
    assert_eq!(lp.at(pos), Elem::Str(b"b"));
    lp.replace_at(pos, Elem::Str(b"a"));
    assert!(s.validate_structure().unwrap_err().contains("uncompacted"));
}

#[test]
fn validate_catches_broken_counters_and_pels() {
    let mut s = small();
    s.length = 2;
    assert!(s.validate_structure().unwrap_err().contains("length"));
    let mut s = small();
    s.first_id = StreamId::new(2, 0);
    assert!(s.validate_structure().unwrap_err().contains("first_id"));
    let mut s = small();
    s.last_id = StreamId::new(2, 0);
    assert!(s.validate_structure().unwrap_err().contains("last_id"));
    let mut s = small();
    s.entries_added = 1;
    assert!(
        s.validate_structure()
            .unwrap_err()
            .contains("entries_added")
    );
    let mut s = small();
    assert!(s.validate(2).unwrap_err().contains("holds"));
    s.create_group(b"g", StreamId::MIN, -1);
    s.read_new(b"g", b"c", 2, false, 5);
    s.validate(4).unwrap();
    let g = s.group_mut(b"g").unwrap();
    g.consumers
        .get_mut(&b"c"[..])
        .unwrap()
        .pel
        .remove(&StreamId::new(1, 0));
    assert!(s.validate(4).unwrap_err().contains("owner"));
    let mut s = small();
    s.create_group(b"g", StreamId::MIN, -2);
    assert!(s.validate(4).unwrap_err().contains("entries_read"));
}
