//! The listpack form of a sorted set: `member, score` pairs in ascending
//! (score, member) order, as Redis's `zzl*` functions keep them.
//!
//! Members are stored as Redis stores strings (canonical integers as
//! integer entries); scores as integer entries when they are integral
//! (`double2ll`, which also stores `-0` as `0`), else as `d2string` text
//! ([`format_double_compact`]). Reading a
//! score back is `strtod` of that text, which gives the stored double
//! exactly.

use std::cmp::Ordering;

use crate::encoding::{Elem, Listpack, Pos};
use crate::util::float::{double_to_i64, format_double_compact, parse_double_lenient};
use crate::util::num::write_i64;

/// The bytes of a listpack element (integers in decimal, written to `buf`).
pub(super) fn elem_bytes<'a>(e: Elem<'a>, buf: &'a mut [u8; 20]) -> &'a [u8] {
    match e {
        Elem::Str(s) => s,
        Elem::Int(v) => write_i64(buf, v),
    }
}

/// Compares a listpack member element with `member` as bytes.
fn cmp_member(e: Elem<'_>, member: &[u8]) -> Ordering {
    let mut buf = [0u8; 20];
    elem_bytes(e, &mut buf).cmp(member)
}

/// The double a score element holds.
pub(super) fn elem_score(e: Elem<'_>) -> f64 {
    match e {
        Elem::Int(v) => v as f64,
        // Stored scores are always complete numbers; strtod of Redis's
        // 127-byte copy reads the same value.
        Elem::Str(s) => parse_double_lenient(&s[..s.len().min(127)]).unwrap_or(0.0),
    }
}

/// Position of `member` and its score.
pub(super) fn find(lp: &Listpack, member: &[u8]) -> Option<(Pos, f64)> {
    let start = lp.first_pos()?;
    let p = lp.find_pos(start, member, 1)?;
    let sp = lp.next_pos(p)?;
    Some((p, elem_score(lp.at(sp))))
}

/// Removes the pair whose member is at `p`.
pub(super) fn delete_at(lp: &mut Listpack, p: Pos) {
    lp.remove_from(p, 2);
}

/// Inserts a pair at its place in the order (the member must be absent).
pub(super) fn insert(lp: &mut Listpack, member: &[u8], score: f64) {
    let mut at = lp.end_pos();
    let mut p = lp.first_pos();
    while let Some(ep) = p {
        let sp = lp.next_pos(ep).expect("listpack zset holds pairs");
        let s = elem_score(lp.at(sp));
        if s > score || (s == score && cmp_member(lp.at(ep), member).is_gt()) {
            at = ep;
            break;
        }
        p = lp.next_pos(sp);
    }
    let text = score_text(score);
    reserve_pair(lp, member, score, &text);
    let ep = lp.insert_before(at, Elem::parse(member));
    let sp = lp.next_pos(ep).unwrap_or_else(|| lp.end_pos());
    lp.insert_before(sp, score_elem(score, &text));
}

/// Grows the buffer by exactly what the pair takes, as Redis reallocates a
/// listpack to its new size, instead of doubling it (spare capacity would
/// be a large share of a small sorted set).
fn reserve_pair(lp: &mut Listpack, member: &[u8], score: f64, text: &[u8]) {
    let need =
        Listpack::entry_size(Elem::parse(member)) + Listpack::entry_size(score_elem(score, text));
    lp.reserve_exact(need);
}

/// The text a non-integral score is stored as (`d2string`).
fn score_text(score: f64) -> Vec<u8> {
    match double_to_i64(score) {
        Some(_) => Vec::new(),
        None => format_double_compact(score),
    }
}

/// How Redis stores a score (`zzlInsertAt`): an integer entry when
/// `double2ll` finds one (so `-0` is stored as `0`), else `text`.
fn score_elem(score: f64, text: &[u8]) -> Elem<'_> {
    match double_to_i64(score) {
        Some(i) => Elem::Int(i),
        None => Elem::parse(text),
    }
}

/// Appends a pair (the caller keeps the order).
pub(super) fn push(lp: &mut Listpack, member: &[u8], score: f64) {
    let text = score_text(score);
    reserve_pair(lp, member, score, &text);
    lp.push_back(Elem::parse(member));
    lp.push_back(score_elem(score, &text));
}

/// The (member bytes, score) pairs in order.
pub(super) fn entries(lp: &Listpack) -> impl DoubleEndedIterator<Item = (Vec<u8>, f64)> + '_ {
    let v: Vec<(Vec<u8>, f64)> = lp
        .pairs()
        .map(|(m, s)| (m.to_vec(), elem_score(s)))
        .collect();
    v.into_iter()
}

/// Number of leading pairs for which `pred(score, member)` holds.
pub(super) fn count_while(lp: &Listpack, pred: impl Fn(f64, &[u8]) -> bool) -> usize {
    let mut buf = [0u8; 20];
    lp.pairs()
        .take_while(|&(m, s)| pred(elem_score(s), elem_bytes(m, &mut buf)))
        .count()
}

/// The (score, member text) elements as ZSCAN returns them: the stored
/// score text, not a reformatted double.
pub(super) fn raw_pairs(lp: &Listpack) -> Vec<Vec<u8>> {
    lp.iter().map(|e| e.to_vec()).collect()
}
