//! The listpack form of a sorted set: `member, score` pairs in ascending
//! (score, member) order, as Redis's `zzl*` functions keep them.
//!
//! Members are stored as Redis stores strings (canonical integers as
//! integer entries); scores as integer entries when they are integral
//! (`double2ll`, which also stores `-0` as `0`), else as `d2string` text
//! ([`format_double_compact`](crate::util::float::format_double_compact)). Reading a
//! score back is `strtod` of that text, which gives the stored double
//! exactly.

use std::cmp::Ordering;

use crate::encoding::{Elem, Listpack, Pos};
use crate::types::listpack_room;
use crate::util::float::{DoubleText, double_to_i64, parse_double_lenient};
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

/// A score as a listpack stores it (`zzlInsertAt`): an integer entry when
/// `double2ll` finds one (so `-0` is stored as `0`), else its `d2string`
/// text, which for a non-integral score is `%.17g`.
#[derive(Debug, Clone, Copy)]
pub(super) struct Stored {
    score: f64,
    int: Option<i64>,
    text: DoubleText,
    /// For a text without exponent (`1e-4 <= |score| < 1e17`): the
    /// number of digits before its point.
    int_digits: Option<usize>,
}

impl Stored {
    /// How `score` is stored.
    pub(super) fn of(score: f64) -> Self {
        let int = double_to_i64(score);
        let text = match int {
            Some(_) => DoubleText::of(0.0),
            None => DoubleText::of(score),
        };
        let plain = int.is_none() && (1e-4..1e17).contains(&score.abs());
        let int_digits = plain.then(|| {
            let body = &text.as_bytes()[usize::from(score < 0.0)..];
            body.iter().position(|&c| c == b'.').unwrap_or(body.len())
        });
        Stored {
            score,
            int,
            text,
            int_digits,
        }
    }

    /// The element written.
    fn elem(&self) -> Elem<'_> {
        match self.int {
            Some(i) => Elem::Int(i),
            None => Elem::Str(self.text.as_bytes()),
        }
    }

    /// The bytes its entry takes.
    pub(super) fn entry_size(&self) -> usize {
        Listpack::entry_size(self.elem())
    }

    /// How the stored score `e` compares with this one (never NaN): from
    /// the two texts when they settle it ([`cmp_texts`]), else as
    /// [`cmp_score`] does.
    fn cmp_stored(&self, e: Elem<'_>) -> Ordering {
        if let (Elem::Str(a), Some(jb)) = (e, self.int_digits)
            && let Some(o) = cmp_texts(a, self.text.as_bytes(), jb)
        {
            return o;
        }
        cmp_score(e, self.score)
    }

    /// Whether the pair stored as (`m`, `s`), with `m` at `mp`, comes
    /// after (`member`, this score) in the order.
    fn sorts_before(&self, lp: &Listpack, member: &[u8], mp: Pos, s: Elem<'_>) -> bool {
        match self.cmp_stored(s) {
            Ordering::Greater => true,
            Ordering::Less => false,
            Ordering::Equal => cmp_member(lp.at(mp), member).is_gt(),
        }
    }
}

/// How the double a stored text `a` reads as compares with the double
/// whose `%.17g` text is `b` (plain decimal, non-integral, `jb` digits
/// before its point), from the texts alone; `None` when they do not
/// settle it (then the stored text must be parsed).
///
/// `b` is the double's exact 17-digit rounding, but `a` may be any text a
/// restored payload holds, so texts are only trusted where rounding cannot
/// reorder them. `a` must be plain decimal too (digits, at most one point,
/// a leading `-`, no leading zeros). Then:
/// * a differing sign settles it (`b` is not zero);
/// * so does a differing number of digits before the point, or a
///   difference in those digits: between the two texts lies an integer
///   below 1e17, which is a double; `b`'s double (rounding is monotonic
///   and `%.17g` tells doubles apart) lies strictly on its side of it,
///   being no integer, and `a`'s on its side or on it;
/// * past the point, where the texts first differ within their first 15
///   characters, the larger by at least two units there, or by one unit
///   and then not `0` against `9` at some later place among the first 15,
///   is larger by more than a unit of the 15th significant digit: more
///   than rounding either text to a double can move it;
/// * identical texts are the same double.
fn cmp_texts(a: &[u8], b: &[u8], jb: usize) -> Option<Ordering> {
    let (aneg, ab) = match a.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, a),
    };
    let (bneg, bb) = match b.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, b),
    };
    if !ab.first()?.is_ascii_digit() {
        return None;
    }
    if aneg != bneg {
        return Some(if bneg {
            Ordering::Greater
        } else {
            Ordering::Less
        });
    }
    let ja = if ab.get(jb) == Some(&b'.') && digits_but(ab, jb) {
        // The usual case: the point in the same place, the rest digits.
        jb
    } else {
        let ja = ab
            .iter()
            .position(|c| !c.is_ascii_digit())
            .unwrap_or(ab.len());
        if ja < ab.len() && (ab[ja] != b'.' || !all_digits(&ab[ja + 1..])) {
            return None;
        }
        ja
    };
    if ab[0] == b'0' && ja > 1 {
        return None;
    }
    let o = if ja != jb {
        ja.cmp(&jb)
    } else {
        cmp_digits(ab, bb, jb)?
    };
    Some(if bneg { o.reverse() } else { o })
}

/// Whether the 8 bytes of `x` are all ASCII digits: high nibble 3, and
/// adding 6 to the low one does not carry into it.
#[inline]
fn digits8(x: u64) -> bool {
    const HIGH: u64 = 0xF0F0_F0F0_F0F0_F0F0;
    const THREES: u64 = 0x3030_3030_3030_3030;
    x & HIGH == THREES && x.wrapping_add(0x0606_0606_0606_0606) & HIGH == THREES
}

/// The 8 bytes of `s` from `at`, little-endian.
#[inline]
fn load8(s: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(s[at..at + 8].try_into().expect("8 bytes"))
}

/// Whether `s` is all ASCII digits, 8 bytes at a time (the last 8 read
/// may overlap the ones before).
#[inline]
fn all_digits(s: &[u8]) -> bool {
    let n = s.len();
    if n < 8 {
        return s.iter().all(u8::is_ascii_digit);
    }
    let mut i = 0;
    while i + 8 < n {
        if !digits8(load8(s, i)) {
            return false;
        }
        i += 8;
    }
    digits8(load8(s, n - 8))
}

/// Whether `s` is all ASCII digits but for the point at `point`, 8 bytes
/// at a time (the point read as a `0`).
#[inline]
fn digits_but(s: &[u8], point: usize) -> bool {
    debug_assert_eq!(s[point], b'.');
    let n = s.len();
    if n < 8 {
        return s
            .iter()
            .enumerate()
            .all(|(i, c)| i == point || c.is_ascii_digit());
    }
    let window = |at: usize| {
        let mut x = load8(s, at);
        if (at..at + 8).contains(&point) {
            // '.' + 2 is '0', with no carry.
            x += 2 << (8 * (point - at));
        }
        digits8(x)
    };
    let mut i = 0;
    while i + 8 < n {
        if !window(i) {
            return false;
        }
        i += 8;
    }
    window(n - 8)
}

/// [`cmp_texts`] for two unsigned plain texts with the same `jb` digits
/// before the point.
fn cmp_digits(ab: &[u8], bb: &[u8], jb: usize) -> Option<Ordering> {
    const SURE: usize = 15;
    let n = ab.len().min(bb.len()).min(SURE);
    let Some(i) = (0..n).find(|&i| ab[i] != bb[i]) else {
        return (ab == bb).then_some(Ordering::Equal);
    };
    let o = ab[i].cmp(&bb[i]);
    if i < jb || ab[i].abs_diff(bb[i]) >= 2 {
        return Some(o);
    }
    let (hi, lo) = if o.is_gt() { (ab, bb) } else { (bb, ab) };
    for j in i + 1..SURE {
        let h = hi.get(j).copied().unwrap_or(b'0');
        let l = lo.get(j).copied().unwrap_or(b'0');
        if (h, l) != (b'0', b'9') {
            return Some(o);
        }
    }
    None
}

/// One walk for ZADD: `Ok` with the position and score of `member`, or
/// `Err` with the position a new pair (`member`, `score`) goes before.
pub(super) fn locate(
    lp: &Listpack,
    member: &[u8],
    score: &Stored,
) -> std::result::Result<(Pos, f64), Pos> {
    let p = lp.find_or_slot(member, |mp, s| score.sorts_before(lp, member, mp, s))?;
    let sp = lp.next_pos(p).expect("listpack zset holds pairs");
    Ok((p, elem_score(lp.at(sp))))
}

/// Inserts a pair at `at` (from [`locate`]), in one move.
///
/// When the buffer must grow, it grows by an eighth more than the pair
/// needs ([`listpack_room`], as hash listpacks do), not to exactly its new
/// size as Redis reallocates, nor by doubling (spare capacity would be a
/// large share of a small sorted set): a 10-member set grows about half as
/// often.
pub(super) fn insert_at(lp: &mut Listpack, at: Pos, member: &[u8], score: &Stored) {
    // A score's text never reads as an integer (it has a point, an
    // exponent or letters): only the member needs classifying.
    lp.insert_stored_pair_before(at, Elem::parse(member), score.elem(), listpack_room);
}

/// Inserts a pair at its place in the order (the member must be absent).
pub(super) fn insert(lp: &mut Listpack, member: &[u8], score: f64) {
    let stored = Stored::of(score);
    match locate(lp, member, &stored) {
        Err(at) => insert_at(lp, at, member, &stored),
        Ok(_) => unreachable!("inserting a member already present"),
    }
}

/// The capacity a new listpack gets for its first pair: what the growth
/// policy gives it when that pair is inserted, allocated at once.
pub(super) fn first_capacity(member: &[u8], score: &Stored) -> usize {
    let need = Listpack::new().total_bytes()
        + Listpack::entry_size(Elem::Str(member))
        + score.entry_size();
    listpack_room(need)
}

/// Appends a pair (the caller keeps the order).
pub(super) fn push(lp: &mut Listpack, member: &[u8], score: f64) {
    let stored = Stored::of(score);
    insert_at(lp, lp.end_pos(), member, &stored);
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
    use crate::util::float::format_double_compact;

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

    /// Texts a restored payload could hold near the `%.17g` text `b`:
    /// cut short, continued with runs of 9s or 0s, one digit moved by one
    /// or two, and with junk or an exponent after the part that is read.
    fn near_texts(b: &[u8], rng: &mut SmallRng) -> Vec<Vec<u8>> {
        let mut out = vec![b.to_vec()];
        for cut in 1..=b.len() {
            let head = &b[..cut];
            out.push(head.to_vec());
            for tail in ["9999999999999", "0000000000001", "5", "e-5", "x", ".5"] {
                out.push([head, tail.as_bytes()].concat());
            }
        }
        for _ in 0..12 {
            let mut t = b.to_vec();
            let i = rng.random_range(0..t.len());
            if t[i].is_ascii_digit() && rng.random_bool(0.8) {
                let d = i32::from(t[i] - b'0') + rng.random_range(-2..=2);
                t[i] = b'0' + d.clamp(0, 9) as u8;
            } else {
                t[i] = b"e.-+x 0"[rng.random_range(0..7)];
            }
            if rng.random_bool(0.3) {
                let from = rng.random_range(i..=t.len());
                t.truncate(from);
                t.extend_from_slice(if rng.random_bool(0.5) {
                    b"99999999"
                } else {
                    b"00000001"
                });
            }
            out.push(t);
        }
        out
    }

    #[test]
    fn text_comparison_agrees_with_parsing() {
        let mut rng = SmallRng::seed_from_u64(6);
        // Probes that are another score's text: nearly all settle.
        let (mut settled, mut total) = (0, 0);
        let mut scores: Vec<f64> = (0..3_000)
            .map(|_| {
                let v = rng.random::<f64>() * 10f64.powi(rng.random_range(-5..18));
                if rng.random_bool(0.3) { -v } else { v }
            })
            .collect();
        scores.extend((0..1_000).map(|_| rng.random::<f64>() * 1e6));
        for p in -4..=17 {
            let t = 10f64.powi(p);
            scores.extend([t.next_up(), t.next_down(), -t.next_down(), 1.5 * t]);
        }
        for score in scores {
            let stored = Stored::of(score);
            let b = stored.text.as_bytes().to_vec();
            let near = near_texts(&b, &mut rng);
            let far = texts_for(&mut rng);
            let n = near.len();
            for (k, a) in near.into_iter().chain(far).enumerate() {
                let full = elem_score(Elem::Str(&a))
                    .partial_cmp(&score)
                    .unwrap_or(Ordering::Equal);
                total += usize::from(k >= n);
                if let Some(jb) = stored.int_digits
                    && let Some(o) = cmp_texts(&a, &b, jb)
                {
                    settled += usize::from(k >= n);
                    assert_eq!(
                        o,
                        full,
                        "{} vs {}",
                        String::from_utf8_lossy(&a),
                        String::from_utf8_lossy(&b)
                    );
                }
                assert_eq!(stored.cmp_stored(Elem::Str(&a)), full);
            }
        }
        // Plain scores are 5 of 6 (|score| within 1e-4..1e17 and the sign
        // differing or both plain): nearly all of those settle.
        assert!(settled * 10 > total * 7, "{settled} of {total}");
    }

    /// A few stored texts of random scores near and far.
    fn texts_for(rng: &mut SmallRng) -> Vec<Vec<u8>> {
        (0..4)
            .map(|_| {
                let v = (rng.random::<f64>() - 0.5) * 10f64.powi(rng.random_range(-6..19));
                format_double_compact(v)
            })
            .collect()
    }

    /// Elements of every encoding a pair insert may write.
    fn random_elem(rng: &mut SmallRng) -> Vec<u8> {
        match rng.random_range(0..6) {
            0 => rng
                .random_range(-70_000i64..70_000)
                .to_string()
                .into_bytes(),
            1 => rng.random::<i64>().to_string().into_bytes(),
            2 => vec![b'x'; rng.random_range(0..200)],
            3 => vec![b'y'; rng.random_range(4000..4200)],
            4 => format_double_compact(rng.random::<f64>() * 1e6),
            _ => format!("m:{}", rng.random_range(0..20)).into_bytes(),
        }
    }

    #[test]
    fn pair_insert_writes_what_two_inserts_write() {
        let mut rng = SmallRng::seed_from_u64(7);
        for _ in 0..300 {
            let mut one = Listpack::new();
            let mut two = Listpack::new();
            for _ in 0..rng.random_range(0..12) {
                let (a, b) = (random_elem(&mut rng), random_elem(&mut rng));
                let n = one.len();
                let at = rng.random_range(0..=n / 2) * 2;
                let pos = one.seek(at as isize).unwrap_or_else(|| one.end_pos());
                let (ea, eb) = (Elem::parse(&a), Elem::parse(&b));
                let got = one.insert_stored_pair_before(pos, ea, eb, |need| need);
                assert_eq!(got, pos);
                let p2 = two.seek(at as isize).unwrap_or_else(|| two.end_pos());
                let p2 = two.insert_before(p2, Elem::Str(&a));
                let next = two.next_pos(p2).unwrap_or_else(|| two.end_pos());
                two.insert_before(next, Elem::Str(&b));
                assert_eq!(one.as_bytes(), two.as_bytes());
                one.validate(true).unwrap();
            }
        }
    }

    #[test]
    fn one_walk_finds_what_find_and_order_find() {
        let mut rng = SmallRng::seed_from_u64(8);
        for _ in 0..2_000 {
            let mut lp = Listpack::new();
            for _ in 0..rng.random_range(0..10) {
                let m = random_elem(&mut rng);
                let score = (rng.random_range(0..8) as f64) / 4.0 + 0.125;
                if find(&lp, &m).is_none() {
                    insert(&mut lp, &m, score);
                }
            }
            let member = random_elem(&mut rng);
            let score = (rng.random_range(0..8) as f64) / 4.0 + 0.125;
            let stored = Stored::of(score);
            let pairs: Vec<(Vec<u8>, f64)> = entries(&lp).collect();
            match locate(&lp, &member, &stored) {
                Ok((p, s)) => assert_eq!(Some((p, s)), find(&lp, &member)),
                Err(at) => {
                    assert!(find(&lp, &member).is_none());
                    let rank = pairs
                        .iter()
                        .take_while(|(m, s)| (*s, m.as_slice()) < (score, member.as_slice()))
                        .count();
                    let want = lp.seek(2 * rank as isize).unwrap_or_else(|| lp.end_pos());
                    assert_eq!(at, want);
                }
            }
        }
    }

    #[test]
    fn all_digits_checks_every_byte() {
        let mut rng = SmallRng::seed_from_u64(9);
        for len in 0..40 {
            for bad in 0..=255u8 {
                let mut s: Vec<u8> = (0..len).map(|_| rng.random_range(b'0'..=b'9')).collect();
                if len > 0 {
                    s[rng.random_range(0..len)] = bad;
                }
                assert_eq!(all_digits(&s), s.iter().all(u8::is_ascii_digit), "{s:?}");
                if len > 0 {
                    let point = rng.random_range(0..len);
                    let mut t = s.clone();
                    t[point] = b'.';
                    let want = t
                        .iter()
                        .enumerate()
                        .all(|(i, c)| i == point || c.is_ascii_digit());
                    assert_eq!(digits_but(&t, point), want, "{t:?}");
                }
            }
        }
    }
}
