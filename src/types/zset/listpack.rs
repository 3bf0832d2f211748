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
use crate::types::listpack_room;
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

/// How a stored score compares with `score` (never NaN).
fn cmp_score(e: Elem<'_>, score: f64) -> Ordering {
    if let Elem::Str(text) = e
        && let Some(o) = quick_cmp(text, score)
    {
        return o;
    }
    // Partial order: a stored 0 equals a -0 score, as in Redis.
    elem_score(e).partial_cmp(&score).unwrap_or(Ordering::Equal)
}

/// The powers of ten a double holds exactly.
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// How the score stored as `text` compares with `score`, when its leading
/// digits settle it, without parsing all of it (`None` otherwise).
///
/// A plain decimal text (no exponent) whose first 15 significant digits
/// read as the integer `w` with `f` of them after the point lies in
/// `[w, w + 1] / 10^f`; both ends are exact doubles divided by an exact
/// power of ten, so correct rounding, which is monotonic, puts the stored
/// double between the two quotients as rounded. A score outside them
/// compares without further reading; scores that differ in their first
/// 15 digits (nearly all) never need the full parse.
fn quick_cmp(text: &[u8], score: f64) -> Option<Ordering> {
    let (neg, body) = match text.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, text),
    };
    let (mut w, mut sig, mut frac, mut dot) = (0u64, 0u32, 0i32, false);
    for &c in body {
        match c {
            b'0'..=b'9' if sig < 15 => {
                w = w * 10 + u64::from(c - b'0');
                sig += u32::from(w > 0);
                frac += i32::from(dot);
            }
            // Past 15 digits: only digits after the point may follow.
            b'0'..=b'9' if dot => {}
            b'.' if !dot => dot = true,
            _ => return None,
        }
    }
    let p = *POW10.get(usize::try_from(frac).ok()?)?;
    if body.is_empty() {
        return None;
    }
    let (lo, hi) = (w as f64 / p, (w + 1) as f64 / p);
    let (lo, hi) = if neg { (-hi, -lo) } else { (lo, hi) };
    if score < lo {
        Some(Ordering::Greater)
    } else if score > hi {
        Some(Ordering::Less)
    } else {
        None
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
        let o = cmp_score(lp.at(sp), score);
        if o.is_gt() || (o.is_eq() && cmp_member(lp.at(ep), member).is_gt()) {
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

/// Makes room for the pair: when the buffer must grow, it grows by an
/// eighth more than the pair needs ([`listpack_room`], as hash listpacks
/// do), not to exactly its new size as Redis reallocates,
/// nor by doubling (spare capacity would be a large share of a small
/// sorted set): a 10-member set grows about half as often.
fn reserve_pair(lp: &mut Listpack, member: &[u8], score: f64, text: &[u8]) {
    let need =
        Listpack::entry_size(Elem::parse(member)) + Listpack::entry_size(score_elem(score, text));
    let total = lp.total_bytes() + need;
    if total > lp.allocated_bytes() {
        lp.reserve_exact(listpack_room(total) - lp.total_bytes());
    }
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

#[cfg(test)]
mod tests {
    use rand::rngs::SmallRng;
    use rand::{Rng, SeedableRng};

    use super::*;

    /// Stored score texts: what ZADD writes for random magnitudes, and
    /// texts only a RESTOREd payload could hold.
    fn texts(rng: &mut SmallRng) -> Vec<Vec<u8>> {
        let mut out: Vec<Vec<u8>> = (0..20_000)
            .map(|_| {
                let v = rng.random::<f64>() * 10f64.powi(rng.random_range(-8..20));
                format_double_compact(if rng.random_bool(0.3) { -v } else { v })
            })
            .collect();
        for t in [
            "1.",
            ".",
            "-",
            "",
            "0001.5",
            "1e5",
            " 1",
            "inf",
            "-inf",
            "0.1000000000000000055511151",
            "123456789012345678.5",
            "-0.0",
            "9.999999999999999999999",
        ] {
            out.push(t.as_bytes().to_vec());
        }
        out
    }

    #[test]
    fn quick_comparison_agrees_with_parsing() {
        let mut rng = SmallRng::seed_from_u64(5);
        let (mut settled, mut total) = (0, 0);
        for text in texts(&mut rng) {
            let stored = elem_score(Elem::Str(&text));
            let near = [
                stored,
                stored.next_up(),
                stored.next_down(),
                -stored,
                0.0,
                -0.0,
            ];
            let far =
                (0..4).map(|_| (rng.random::<f64>() - 0.5) * 10f64.powi(rng.random_range(-8..20)));
            for score in near.into_iter().chain(far) {
                total += 1;
                let full = stored.partial_cmp(&score).unwrap_or(Ordering::Equal);
                if let Some(o) = quick_cmp(&text, score) {
                    settled += 1;
                    assert_eq!(o, full, "{} vs {score:e}", String::from_utf8_lossy(&text));
                }
                assert_eq!(cmp_score(Elem::Str(&text), score), full);
            }
        }
        // The random far scores (4 of every 10 probes) settle without parsing.
        assert!(settled * 10 > total * 3, "{settled} of {total}");
    }
}
