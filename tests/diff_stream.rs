//! Differential tests of the stream commands against redis-server 7.0.15:
//! IDs, XADD/XRANGE/XDEL/XTRIM/XSETID, XREAD, consumer groups with their
//! pending lists, XCLAIM/XAUTOCLAIM and XINFO. Explicit IDs everywhere so
//! both sides generate the same ones; fields that depend on wall time
//! (idle times, seen and delivery times) are masked before comparing.

mod common;

use common::{Pair, V, parse_reply as parse};
use embedis::command::split_args;

/// Replaces the value following any bulk key named in `keys` (in flat
/// key/value arrays) with 0, recursively.
fn mask_fields(v: &mut V, keys: &[&str]) {
    if let V::Arr(Some(items)) = v {
        let mut mask_next = false;
        for item in items.iter_mut() {
            if mask_next {
                *item = V::Int(0);
                mask_next = false;
                continue;
            }
            if let V::Bulk(Some(b)) = item
                && keys.iter().any(|k| k.as_bytes() == b.as_slice())
            {
                mask_next = true;
                continue;
            }
            mask_fields(item, keys);
        }
    }
}

/// Replaces element `idx` of every row of an array of arrays with 0.
fn mask_column(v: &mut V, idx: usize) {
    if let V::Arr(Some(rows)) = v {
        for row in rows {
            if let V::Arr(Some(cells)) = row
                && cells.len() > idx
            {
                cells[idx] = V::Int(0);
            }
        }
    }
}

fn both(p: &mut Pair, line: &str) -> (V, V) {
    let argv = split_args(line.as_bytes()).unwrap();
    let argv: Vec<&[u8]> = argv.iter().map(Vec::as_slice).collect();
    let (want, got) = p.both(&argv);
    (parse(&want, &mut 0), parse(&got, &mut 0))
}

/// Compares after masking the values of the named map keys.
fn check_masked(p: &mut Pair, line: &str, keys: &[&str]) {
    let (mut want, mut got) = both(p, line);
    mask_fields(&mut want, keys);
    mask_fields(&mut got, keys);
    assert_eq!(got, want, "reply differs for `{line}` (left: embedis)");
}

/// XPENDING extended form with the idle column masked.
fn check_pending(p: &mut Pair, line: &str) {
    let (mut want, mut got) = both(p, line);
    mask_column(&mut want, 2);
    mask_column(&mut got, 2);
    assert_eq!(got, want, "reply differs for `{line}` (left: embedis)");
}

/// Masks the delivery-time cell of every row of every `pending` array
/// (4-cell group rows: index 2; 3-cell consumer rows: index 1).
fn mask_delivery_times(v: &mut V) {
    if let V::Arr(Some(items)) = v {
        let mut pending_next = false;
        for item in items.iter_mut() {
            if pending_next {
                if let V::Arr(Some(rows)) = item {
                    for row in rows {
                        if let V::Arr(Some(cells)) = row {
                            let idx = if cells.len() == 4 { 2 } else { 1 };
                            cells[idx] = V::Int(0);
                        }
                    }
                }
                pending_next = false;
                continue;
            }
            pending_next = matches!(item, V::Bulk(Some(b)) if b.as_slice() == b"pending");
            mask_delivery_times(item);
        }
    }
}

/// XINFO STREAM FULL with seen times and PEL delivery times masked.
fn check_full(p: &mut Pair, line: &str) {
    let (mut want, mut got) = both(p, line);
    for v in [&mut want, &mut got] {
        mask_fields(v, &["seen-time"]);
        mask_delivery_times(v);
    }
    assert_eq!(got, want, "reply differs for `{line}` (left: embedis)");
}

fn all(p: &mut Pair, lines: &[&str]) {
    for l in lines {
        p.check(l);
    }
}

#[test]
fn xadd_ids_and_errors() {
    let Some(mut p) = Pair::new() else { return };
    all(
        &mut p,
        &[
            "XADD s 1-1 f v",
            "XADD s 1-1 f v",
            "XADD s 1-0 f v",
            "XADD s 1 f v",
            "XADD s 1-* a b",
            "XADD s 1-* a b c d",
            "XADD s 5-* a b",
            "XADD s 3-* a b",
            "XADD s 0-0 f v",
            "XADD new 0-0 f v",
            "EXISTS new",
            "XADD new 0 f v",
            "XADD new 0-* f v",
            "XADD new2 0-1 f v",
            "XADD s 18446744073709551615-18446744073709551615 f v",
            "XADD s * f v",
            "XADD s 18446744073709551615-* f v",
            "XADD s2 18446744073709551615-18446744073709551614 f v",
            "XADD s2 18446744073709551615-* f v",
            "XADD s2 18446744073709551615-* f v",
            "XADD s f",
            "XADD s 1-1",
            "XADD s 9-1 f v g",
            "XADD s",
            "XADD s MAXLEN",
            "XADD s MAXLEN 5",
            "XADD s abc f v",
            "XADD s 1-x f v",
            "XADD s -1 f v",
            "XADD s + f v",
            "XADD s - f v",
            "XADD s 00010-01 f v",
            "XADD s2 1 f v",
            "XADD x NOMKSTREAM 1-1 f v",
            "EXISTS x",
            "XADD s2 NOMKSTREAM 1-1 f v",
            "SET str v",
            "XADD str 1-1 f v",
            "XADD str NOMKSTREAM 1-1 f v",
            "XLEN str",
            "XRANGE str - +",
            "TYPE s",
            "OBJECT ENCODING s",
            "XLEN s",
            "XLEN nosuch",
            "XRANGE s - +",
            "XRANGE new - +",
        ],
    );
}

#[test]
fn xadd_trimming_options() {
    let Some(mut p) = Pair::new() else { return };
    for i in 1..=350 {
        p.check(&format!("XADD s {i}-1 f{} v{i} n {i}", i % 3));
    }
    all(
        &mut p,
        &[
            "XADD s MAXLEN 300 351-1 f v",
            "XLEN s",
            "XADD s MAXLEN ~ 200 352-1 f v",
            "XLEN s",
            "XADD s MAXLEN ~ 10 LIMIT 50 353-1 f v",
            "XLEN s",
            "XADD s MAXLEN = 150 354-1 f v",
            "XLEN s",
            "XADD s MINID 200 355-1 f v",
            "XRANGE s - + COUNT 3",
            "XADD s MINID ~ 290 356-1 f v",
            "XRANGE s - + COUNT 2",
            "XADD s MINID = 295-1 357-1 f v",
            "XADD s MAXLEN -1 358-1 f v",
            "XADD s MAXLEN 10 MINID 5 358-1 f v",
            "XADD s MINID 5 MAXLEN 10 358-1 f v",
            "XADD s LIMIT 10 358-1 f v",
            "XADD s LIMIT 0 358-1 f v",
            "XADD s MAXLEN 10 LIMIT 10 358-1 f v",
            "XADD s MAXLEN ~ 10 LIMIT -1 358-1 f v",
            "XADD s MAXLEN abc 358-1 f v",
            "XADD s MINID abc 358-1 f v",
            "XADD s MINID + 358-1 f v",
            "XADD s NOMKSTREAM MAXLEN 2 999-1 f v",
            "XLEN s",
            "XTRIM s",
            "XTRIM s LIMIT 5",
            "XTRIM s MAXLEN",
            "XTRIM s FOO 1",
            "XTRIM s MAXLEN 1 2",
            "XTRIM nosuch MAXLEN 1",
            "XTRIM str MAXLEN 1",
            "XTRIM nosuch FOO",
            "XTRIM s MAXLEN ~ 0 LIMIT 0",
            "XLEN s",
            "XINFO STREAM s",
        ],
    );
}

#[test]
fn trim_inside_nodes_and_xinfo() {
    let Some(mut p) = Pair::new() else { return };
    for i in 1..=250 {
        p.check(&format!("XADD s {i}-0 a {i} b x"));
    }
    all(
        &mut p,
        &[
            "XINFO STREAM s",
            "XTRIM s MAXLEN ~ 180",
            "XINFO STREAM s",
            "XTRIM s MAXLEN 180",
            "XINFO STREAM s",
            "XTRIM s MINID ~ 120",
            "XTRIM s MINID 125-5",
            "XINFO STREAM s",
            "XTRIM s MINID ~ 1000 LIMIT 100",
            "XINFO STREAM s",
            "XTRIM s MAXLEN 0",
            "XINFO STREAM s",
            "XRANGE s - +",
            "EXISTS s",
            "XADD s 1-0 a b",
            "XADD s 300-0 a b",
            "XINFO STREAM s",
        ],
    );
}

#[test]
fn exact_minid_trim_can_leave_a_node_of_tombstones() {
    let Some(mut p) = Pair::new() else { return };
    all(
        &mut p,
        &[
            "XADD s 1-0 f v",
            "XADD s 2-0 f v",
            "XADD s 3-0 f v",
            "XDEL s 3-0",
            "XTRIM s MINID 3",
            "XINFO STREAM s",
            "XADD s 4-0 f v",
            "XINFO STREAM s",
            "XRANGE s - +",
            "XTRIM s MAXLEN 0",
            "XINFO STREAM s",
        ],
    );
}

#[test]
fn xrange_and_xrevrange() {
    let Some(mut p) = Pair::new() else { return };
    all(
        &mut p,
        &[
            "XADD s 1-0 a 1",
            "XADD s 1-5 a 2 b 3",
            "XADD s 2-0 b 3 a 2",
            "XADD s 3-0 x \"\"",
            "XADD s 3-1 a 1",
            "XADD s 18446744073709551615-0 a 1",
            "XRANGE s - +",
            "XRANGE s 1 1",
            "XRANGE s 1-1 2",
            "XRANGE s (1-0 +",
            "XRANGE s - (3-1",
            "XRANGE s (1 +",
            "XRANGE s (- +",
            "XRANGE s - (+",
            "XRANGE s (18446744073709551615-18446744073709551615 +",
            "XRANGE s - (0-0",
            "XRANGE s ( +",
            "XRANGE s 3 1",
            "XRANGE s - + COUNT 2",
            "XRANGE s - + COUNT 0",
            "XRANGE s - + COUNT -1",
            "XRANGE nosuch - + COUNT 0",
            "XRANGE s - + COUNT",
            "XRANGE s - + COUNT x",
            "XRANGE s - + FOO 1",
            "XRANGE s - + count 1 count 3",
            "XRANGE s x +",
            "XRANGE s 1-2-3 +",
            "XREVRANGE s + -",
            "XREVRANGE s + - COUNT 2",
            "XREVRANGE s (3-1 (1-0",
            "XREVRANGE s 2 1",
            "XREVRANGE s 1 2",
            "XREVRANGE s + - COUNT 0",
            "XREVRANGE nosuch + -",
            "XDEL s 1-5 2-0 9-9",
            "XDEL s 1-5",
            "XDEL s bad",
            "XDEL nosuch bad",
            "XDEL str bad",
            "XRANGE s - +",
            "XREVRANGE s + -",
            "XDEL s 1-0 3-0 3-1 18446744073709551615-0",
            "XLEN s",
            "EXISTS s",
            "XRANGE s - +",
            "XINFO STREAM s",
        ],
    );
}

#[test]
fn nodes_follow_config_limits() {
    let Some(mut p) = Pair::new() else { return };
    all(
        &mut p,
        &[
            "CONFIG SET stream-node-max-entries 3",
            "CONFIG SET stream-node-max-bytes 120",
        ],
    );
    for i in 1..=40 {
        let big = "x".repeat((i * 7) % 50);
        p.check(&format!("XADD s {i}-0 f{} {big}", i % 2));
        if i % 9 == 0 {
            p.check("XINFO STREAM s");
        }
    }
    all(
        &mut p,
        &[
            "XINFO STREAM s",
            "XDEL s 2-0 3-0 10-0 11-0 12-0",
            "XINFO STREAM s",
            "XTRIM s MAXLEN ~ 20",
            "XINFO STREAM s",
            "XRANGE s - +",
            "XREVRANGE s + - COUNT 7",
            "CONFIG SET stream-node-max-entries 0",
            "CONFIG SET stream-node-max-bytes 0",
        ],
    );
    for i in 41..=60 {
        p.check(&format!("XADD s {i}-0 f v"));
    }
    p.check("XINFO STREAM s");
}

#[test]
fn xsetid_rules() {
    let Some(mut p) = Pair::new() else { return };
    all(
        &mut p,
        &[
            "XSETID nosuch 1-1",
            "XSETID str 1-1",
            "XADD s 5-0 f v",
            "XADD s 6-0 f v",
            "XSETID s 5-9",
            "XSETID s 6-0",
            "XSETID s 10-0",
            "XADD s 9-0 f v",
            "XADD s 10-0 f v",
            "XSETID s 20 ENTRIESADDED 1",
            "XSETID s 20 ENTRIESADDED 3",
            "XSETID s 20 ENTRIESADDED -1",
            "XSETID s 20 ENTRIESADDED x",
            "XSETID s 20 MAXDELETEDID 30",
            "XSETID s 20 MAXDELETEDID 15 ENTRIESADDED 10",
            "XSETID s 20 MAXDELETEDID 0-0",
            "XSETID s 20 FOO 1",
            "XSETID s 20 ENTRIESADDED",
            "XSETID s + ",
            "XSETID s -",
            "XINFO STREAM s",
            "XDEL s 5-0 6-0 10-0",
            "XSETID s 1-0",
            "XINFO STREAM s",
            "XADD s 1-1 f v",
            "XADD s 2-0 f v",
            "XSETID s 18446744073709551615-18446744073709551615",
            "XADD s * f v",
            "XINFO STREAM s",
        ],
    );
}

#[test]
fn xread_forms() {
    let Some(mut p) = Pair::new() else { return };
    all(
        &mut p,
        &[
            "XADD a 1-0 f 1",
            "XADD a 2-0 f 2",
            "XADD b 1-0 g 1",
            "XREAD STREAMS a b 0 0",
            "XREAD COUNT 1 STREAMS a b 0 0",
            "XREAD STREAMS a b 1 1",
            "XREAD STREAMS a b $ $",
            "XREAD STREAMS a nosuch 0 0",
            "XREAD STREAMS nosuch 0",
            "XREAD BLOCK 10 STREAMS a $",
            "XREAD BLOCK 0 COUNT 1 STREAMS a 1",
            "XREAD BLOCK -1 STREAMS a 0",
            "XREAD BLOCK x STREAMS a 0",
            "XREAD COUNT x STREAMS a 0",
            "XREAD COUNT -5 STREAMS a 0",
            "XREAD STREAMS a b 0",
            "XREAD STREAMS a >",
            "XREAD STREAMS a +",
            "XREAD STREAMS a -",
            "XREAD STREAMS a bad",
            "XREAD FOO STREAMS a 0",
            "XREAD GROUP g c STREAMS a 0",
            "XREAD NOACK STREAMS a 0",
            "XREAD COUNT 1 a 0",
            "XREAD STREAMS str 0",
            "XREAD STREAMS a str 0 bad",
            "XREAD STREAMS a str bad 0",
            "XDEL a 2-0",
            "XREAD STREAMS a 1-0",
            "XREAD STREAMS a 0",
        ],
    );
}

#[test]
fn groups_create_setid_destroy_consumers() {
    let Some(mut p) = Pair::new() else { return };
    all(
        &mut p,
        &[
            "XGROUP CREATE s g $",
            "XGROUP CREATE s g $ MKSTREAM",
            "XGROUP CREATE s g $ MKSTREAM",
            "TYPE s",
            "XLEN s",
            "XADD s 1-0 f v",
            "XGROUP CREATE s g2 0 ENTRIESREAD 0",
            "XGROUP CREATE s g3 0 ENTRIESREAD -2",
            "XGROUP CREATE s g3 0 ENTRIESREAD x",
            "XGROUP CREATE s g3 0 FOO",
            "XGROUP CREATE s g3 bad",
            "XGROUP CREATE s g3 +",
            "XGROUP CREATE s g3 0 ENTRIESREAD",
            "XGROUP CREATE str g 0",
            "XGROUP CREATE str g 0 MKSTREAM",
            "XGROUP SETID s g 0",
            "XGROUP SETID s g 5 ENTRIESREAD 1",
            "XGROUP SETID s g + ",
            "XGROUP SETID s g -",
            "XGROUP SETID s g $",
            "XGROUP SETID s nog 0",
            "XGROUP SETID nosuch g 0",
            "XGROUP SETID s g 0 MKSTREAM",
            "XGROUP SETID s g 0 ENTRIESREAD 1 extra",
            "XGROUP SETID s g bad",
            "XGROUP CREATECONSUMER s g alice",
            "XGROUP CREATECONSUMER s g alice",
            "XGROUP CREATECONSUMER s nog alice",
            "XGROUP CREATECONSUMER nosuch g alice",
            "XGROUP DELCONSUMER s g bob",
            "XGROUP DELCONSUMER s g alice",
            "XGROUP DELCONSUMER s nog alice",
            "XGROUP DESTROY s g2",
            "XGROUP DESTROY s g2",
            "XGROUP DESTROY nosuch g2",
            "XGROUP DESTROY s g2 extra",
            "XGROUP FOO s g",
            "XGROUP",
            "XGROUP CREATE s",
            "XGROUP HELP",
            "XGROUP HELP extra",
            "XINFO GROUPS s",
            "XINFO GROUPS nosuch",
            "XINFO GROUPS str",
            "XINFO CONSUMERS s nog",
            "XINFO HELP",
            "XINFO FOO s",
            "XINFO STREAM s FULL COUNT",
            "XINFO STREAM s FOO",
            "XINFO STREAM s FULL FOO 1",
            "XINFO STREAM s FULL COUNT x",
        ],
    );
}

#[test]
fn readgroup_pel_ack_and_history() {
    let Some(mut p) = Pair::new() else { return };
    for i in 1..=6 {
        p.check(&format!("XADD s {i}-0 f {i}"));
    }
    all(
        &mut p,
        &[
            "XGROUP CREATE s g 0",
            "XREADGROUP GROUP g alice COUNT 2 STREAMS s >",
            "XREADGROUP GROUP g bob COUNT 1 STREAMS s >",
            "XREADGROUP GROUP g alice STREAMS s 0",
            "XREADGROUP GROUP g bob STREAMS s 0",
            "XREADGROUP GROUP g alice COUNT 1 STREAMS s 1-0",
            "XPENDING s g",
            "XINFO GROUPS s",
            "XDEL s 2-0",
            "XREADGROUP GROUP g alice STREAMS s 0",
            "XINFO GROUPS s",
            "XACK s g 1-0 2-0 9-0",
            "XACK s g 1-0",
            "XACK s g bad",
            "XACK s nog bad",
            "XACK nosuch g 1-0",
            "XACK str g 1-0",
            "XPENDING s g",
            "XREADGROUP GROUP g carol NOACK STREAMS s >",
            "XPENDING s g",
            "XREADGROUP GROUP g carol STREAMS s >",
            "XREADGROUP GROUP g dave STREAMS s 0",
            "XREADGROUP GROUP g alice STREAMS s $",
            "XREADGROUP GROUP nog alice STREAMS s >",
            "XREADGROUP GROUP g alice STREAMS nosuch >",
            "XREADGROUP GROUP g alice STREAMS str >",
            "XREADGROUP GROUP g alice STREAMS s",
            "XREADGROUP GROUP g alice STREAMS s s > >",
            "XREADGROUP GROUP g alice STREAMS s > extra",
            "XREADGROUP STREAMS s >",
            "XREADGROUP GROUP g alice BLOCK 5 STREAMS s >",
            "XREADGROUP GROUP g alice BLOCK -5 STREAMS s >",
            "XREADGROUP GROUP g alice COUNT 1 NOACK STREAMS s bad",
            "XINFO GROUPS s",
            "XGROUP SETID s g 0",
            "XREADGROUP GROUP g erin COUNT 2 STREAMS s >",
            "XPENDING s g",
        ],
    );
    // The extended form carries idle times: compared with that column masked.
    check_pending(&mut p, "XPENDING s g - + 10");
    all(
        &mut p,
        &[
            "XGROUP DELCONSUMER s g erin",
            "XPENDING s g",
            "XINFO GROUPS s",
            "XADD s 7-0 f 7",
            "XGROUP SETID s g 3-0 ENTRIESREAD 3",
            "XINFO GROUPS s",
            "XREADGROUP GROUP g alice STREAMS s >",
            "XINFO GROUPS s",
            "XGROUP SETID s g 0",
            "XINFO GROUPS s",
            "XGROUP SETID s g 7-0",
            "XINFO GROUPS s",
            "XGROUP SETID s g 100-0",
            "XINFO GROUPS s",
        ],
    );
    check_pending(&mut p, "XPENDING s g - + 10");
    check_pending(&mut p, "XPENDING s g - + 10 alice");
    check_pending(&mut p, "XPENDING s g (1-0 (7-0 1");
    check_pending(&mut p, "XPENDING s g IDLE 0 - + 10 carol");
    check_pending(&mut p, "XPENDING s g IDLE 3600000 - + 10");
    all(
        &mut p,
        &[
            "XPENDING s g - + -1",
            "XPENDING s g - + 10 nobody",
            "XPENDING s g - +",
            "XPENDING s g IDLE 5 - +",
            "XPENDING s g IDLE x - + 10",
            "XPENDING s g - + x",
            "XPENDING s g x + 10",
            "XPENDING s g (+ + 10",
            "XPENDING s nog",
            "XPENDING nosuch g - + 10",
            "XPENDING str g",
            "XPENDING s g - + 10 a b c",
        ],
    );
}

#[test]
fn lag_and_entries_read() {
    let Some(mut p) = Pair::new() else { return };
    all(
        &mut p,
        &[
            "XGROUP CREATE s g $ MKSTREAM",
            "XINFO GROUPS s",
            "XADD s 1-0 f v",
            "XADD s 2-0 f v",
            "XADD s 3-0 f v",
            "XADD s 4-0 f v",
            "XGROUP CREATE s g2 0",
            "XGROUP CREATE s g3 2-0",
            "XGROUP CREATE s g4 1-0 ENTRIESREAD 1",
            "XINFO GROUPS s",
            "XREADGROUP GROUP g c COUNT 1 STREAMS s >",
            "XREADGROUP GROUP g2 c COUNT 1 STREAMS s >",
            "XINFO GROUPS s",
            "XDEL s 3-0",
            "XINFO GROUPS s",
            "XREADGROUP GROUP g c STREAMS s >",
            "XREADGROUP GROUP g3 c STREAMS s >",
            "XINFO GROUPS s",
            "XDEL s 1-0",
            "XINFO GROUPS s",
            "XTRIM s MAXLEN 0",
            "XINFO GROUPS s",
            "XADD s 5-0 f v",
            "XINFO GROUPS s",
            "XREADGROUP GROUP g4 c STREAMS s >",
            "XINFO GROUPS s",
            "XINFO STREAM s",
        ],
    );
}

#[test]
fn xclaim_and_xautoclaim() {
    let Some(mut p) = Pair::new() else { return };
    for i in 1..=8 {
        p.check(&format!("XADD s {i}-0 f {i}"));
    }
    all(
        &mut p,
        &[
            "XGROUP CREATE s g 0",
            "XREADGROUP GROUP g alice COUNT 6 STREAMS s >",
            "XCLAIM s g bob 0 1-0 2-0 TIME 1000",
            "XCLAIM s g bob 3600000 3-0 4-0",
            "XCLAIM s g bob 3600000 1-0 2-0 3-0 TIME 1000",
            "XCLAIM s g bob 0 1-0 JUSTID",
            "XCLAIM s g bob 0 1-0 RETRYCOUNT 7 IDLE 500 JUSTID",
            "XCLAIM s g bob 0 1-0 RETRYCOUNT -1 TIME 1000",
            "XCLAIM s g carol 0 7-0",
            "XCLAIM s g carol 0 7-0 FORCE TIME 2000",
            "XCLAIM s g carol 0 8-0 FORCE JUSTID TIME 2000",
            "XCLAIM s g carol 0 99-0 FORCE",
            "XDEL s 2-0",
            "XCLAIM s g carol 0 2-0 3-0 TIME 3000",
            "XPENDING s g",
            "XCLAIM s g carol 0 3-0 LASTID 50-0 TIME 3000",
            "XINFO GROUPS s",
            "XCLAIM s g carol 0 3-0 LASTID 10-0 TIME 3000",
            "XINFO GROUPS s",
            "XCLAIM s g carol 0 3-0 FOO",
            "XCLAIM s g carol 0 3-0 IDLE",
            "XCLAIM s g carol 0 3-0 IDLE x",
            "XCLAIM s g carol 0 3-0 TIME x",
            "XCLAIM s g carol 0 3-0 RETRYCOUNT x",
            "XCLAIM s g carol 0 3-0 LASTID x",
            "XCLAIM s g carol x 3-0",
            "XCLAIM s nog carol 0 3-0",
            "XCLAIM nosuch g carol 0 3-0",
            "XCLAIM str g carol 0 3-0",
            "XCLAIM s g carol -5 3-0 TIME 99999999999999",
            "XCLAIM s g carol 0 3-0 TIME -5 JUSTID",
            "XPENDING s g",
            "XDEL s 4-0 6-0",
            "XAUTOCLAIM s g dave 0 0 COUNT 2 JUSTID",
            "XAUTOCLAIM s g dave 0 0 COUNT 1",
            "XAUTOCLAIM s g dave 0 (3-0 COUNT 10",
            "XAUTOCLAIM s g dave 3600000 0",
            "XAUTOCLAIM s g dave 0 - COUNT 100",
            "XAUTOCLAIM s g dave 0 0 COUNT 0",
            "XAUTOCLAIM s g dave 0 0 COUNT x",
            "XAUTOCLAIM s g dave 0 0 COUNT 1152921504606846976",
            "XAUTOCLAIM s g dave 0 0 FOO",
            "XAUTOCLAIM s g dave x 0",
            "XAUTOCLAIM s g dave 0 x",
            "XAUTOCLAIM s g dave 0 (18446744073709551615-18446744073709551615",
            "XAUTOCLAIM s nog dave 0 0",
            "XAUTOCLAIM nosuch g dave 0 0",
            "XAUTOCLAIM str g dave 0 0",
            "XPENDING s g",
            "XGROUP DELCONSUMER s g dave",
            "XPENDING s g",
            "XINFO GROUPS s",
        ],
    );
    check_pending(&mut p, "XPENDING s g - + 100");
    check_masked(&mut p, "XINFO CONSUMERS s g", &["idle"]);
    check_full(&mut p, "XINFO STREAM s FULL");
    check_full(&mut p, "XINFO STREAM s FULL COUNT 1");
    check_full(&mut p, "XINFO STREAM s FULL COUNT 0");
}

#[test]
fn autoclaim_reports_deleted_entries() {
    let Some(mut p) = Pair::new() else { return };
    for i in 1..=30 {
        p.check(&format!("XADD s {i}-0 f {i}"));
    }
    all(
        &mut p,
        &[
            "XGROUP CREATE s g 0",
            "XREADGROUP GROUP g a STREAMS s >",
            "XDEL s 1-0 5-0 6-0 7-0 20-0",
            "XAUTOCLAIM s g b 0 0 COUNT 3",
            "XAUTOCLAIM s g b 0 3-0 COUNT 3 JUSTID",
            "XAUTOCLAIM s g b 3600000 0 COUNT 1",
            "XAUTOCLAIM s g b 0 0 COUNT 100 JUSTID",
            "XPENDING s g",
        ],
    );
    check_pending(&mut p, "XPENDING s g - + 100 a");
}

#[test]
fn keys_of_stream_type() {
    let Some(mut p) = Pair::new() else { return };
    all(
        &mut p,
        &[
            "XADD s 1-0 f v",
            "XGROUP CREATE s g 0",
            "XREADGROUP GROUP g c STREAMS s >",
            "COPY s s2",
            "XACK s2 g 1-0",
            "XPENDING s g",
            "XPENDING s2 g",
            "RENAME s2 s3",
            "XLEN s3",
            "DEL s3",
            "EXISTS s3",
            "LPUSH s x",
            "GET s",
            "HSET s a b",
            "XDEL s 1-0",
            "EXISTS s",
            "TYPE s",
            "XINFO STREAM s",
            "XLEN s",
            "SET str v",
            "XINFO STREAM str",
            "XINFO STREAM nosuch",
            "XGROUP CREATECONSUMER str g c",
        ],
    );
}

/// Regressions found by tests/diff_random_stream.rs.
#[test]
fn random_sequence_regressions() {
    let Some(mut p) = Pair::new() else { return };
    all(
        &mut p,
        &[
            // The XAUTOCLAIM cursor after the largest ID, skipped as not idle.
            "XADD s 0-1 f v",
            "XADD s 18446744073709551615-18446744073709551615 f v",
            "XGROUP CREATE s g 0",
            "XREADGROUP GROUP g c STREAMS s >",
            "XAUTOCLAIM s g alice 3600000 -",
            "XAUTOCLAIM s g alice 0 (0-1 JUSTID",
            "XAUTOCLAIM s g alice 0 - COUNT 1 JUSTID",
            // The largest ID as a history ID reads new entries, as `>`.
            "XREADGROUP GROUP g alice STREAMS s 18446744073709551615-18446744073709551615",
            "XADD s2 1-0 f v",
            "XGROUP CREATE s2 g 0",
            "XREADGROUP GROUP g alice STREAMS s2 18446744073709551615-18446744073709551615",
            "XPENDING s2 g",
            // XSETID below a tombstone: later entries follow it in the node,
            // and scans skip tombstones without stopping at them.
            "XADD u 2-0 f v",
            "XADD u 2-1 f v",
            "XADD u 2-2 0 v",
            "XDEL u 2-2",
            "XSETID u 2-1",
            "XADD u 2-2 f v",
            "XADD u 3-0 f v",
            "XDEL u 2-1",
            "XSETID u 3-0",
            "XADD u 3-1 f v",
            "XRANGE u - +",
            "XRANGE u - 2-2",
            "XREVRANGE u 2-2 -",
            "XREVRANGE u + 2-2",
            "XINFO STREAM u",
            "XADD v 3-0 f v",
            "XADD v 6-0 f v",
            "XDEL v 6-0",
            "XSETID v 3-0",
            "XADD v 4-0 f v",
            "XRANGE v - 5",
            "XREVRANGE v 5 -",
            "XREVRANGE v + 3-5",
            "XDEL v 4-0",
            "XRANGE v - +",
            // An entry below its node's key: the scan starts at the first node.
            "XADD w 1-0 f v",
            "XADD w 2-0 f v",
            "XADD w 3-0 f v",
            "XDEL w 3-0",
            "XTRIM w MINID 3",
            "XSETID w 0-5",
            "XADD w 0-6 f v",
            "XRANGE w - +",
            "XRANGE w 0-6 0-6",
            "XREVRANGE w 0-6 -",
            "XINFO STREAM w",
            "XDEL w 0-6",
            "XLEN w",
            // NOGROUP quotes names as C strings: up to a NUL.
            "XGROUP SETID s \"a\\x00b\" 0",
            "XPENDING \"s\\x00t\" g",
        ],
    );
}
