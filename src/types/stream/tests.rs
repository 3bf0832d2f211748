use super::*;

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
