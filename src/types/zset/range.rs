//! ZRANGE's request type and the one place that turns a request into the
//! window of ranks it selects, handed back copied ([`select`]) or lent
//! ([`select_each`]).

use super::listpack::elem_score;
use super::{LexRange, ScoreRange, ZSetValue};
use crate::encoding::listpack::Elem;
use crate::error::Error;
use crate::util::num::write_i64;

/// What a ZRANGE selects.
#[derive(Debug, Clone, PartialEq)]
pub enum ZRangeBy {
    /// Positions `start..=stop`, negative from the end.
    Rank(i64, i64),
    /// Scores in a range.
    Score(ScoreRange),
    /// Members in a lexicographic range.
    Lex(LexRange),
}

/// A ZRANGE request: what to select, in which direction, and an optional
/// `LIMIT offset count` (score and lex ranges only; a negative count means
/// no limit).
///
/// ```
/// use embedis::types::zset::{ScoreRange, ZAddOptions, ZRange};
/// let mut ks = embedis::Keyspace::new(embedis::Config::default());
/// let opts = ZAddOptions::default();
/// ks.zadd(b"board", &[(10.0, b"ann".as_slice()), (30.0, b"bob"), (20.0, b"cy")], &opts).unwrap();
/// let top = ks.zrange(b"board", &ZRange::by_score(..).rev().limit(0, 2)).unwrap();
/// assert_eq!(top, vec![(b"bob".to_vec(), 30.0), (b"cy".to_vec(), 20.0)]);
/// let mid = ks.zrange(b"board", &ZRange::by_score(15.0..=30.0)).unwrap();
/// assert_eq!(mid.len(), 2);
/// assert_eq!(ks.zcount(b"board", &ScoreRange::all()).unwrap(), 3);
/// assert_eq!(ks.zrevrank(b"board", b"ann").unwrap(), Some(2));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct ZRange {
    /// What to select.
    pub by: ZRangeBy,
    /// `REV`: highest first (score and lex bounds are still `min`, `max`).
    pub rev: bool,
    /// `LIMIT offset count`.
    pub limit: Option<(i64, i64)>,
}

impl ZRange {
    /// Positions `start..=stop` (negative from the end).
    pub fn by_rank(start: i64, stop: i64) -> Self {
        ZRange {
            by: ZRangeBy::Rank(start, stop),
            rev: false,
            limit: None,
        }
    }

    /// Members whose score is in `range` (a [`ScoreRange`], `a..=b` or `..`).
    pub fn by_score(range: impl Into<ScoreRange>) -> Self {
        ZRange {
            by: ZRangeBy::Score(range.into()),
            rev: false,
            limit: None,
        }
    }

    /// Members in a lexicographic range.
    pub fn by_lex(range: LexRange) -> Self {
        ZRange {
            by: ZRangeBy::Lex(range),
            rev: false,
            limit: None,
        }
    }

    /// Highest first.
    #[must_use]
    pub fn rev(mut self) -> Self {
        self.rev = true;
        self
    }

    /// Skips `offset` results and returns at most `count` (negative: all).
    #[must_use]
    pub fn limit(mut self, offset: i64, count: i64) -> Self {
        self.limit = Some((offset, count));
        self
    }
}

impl ZRange {
    /// Rejects a rank range with a limit, as Redis does (only a count other
    /// than -1, the default, conflicts).
    pub(crate) fn check(&self) -> Result<(), Error> {
        if self.limit.is_some_and(|(_, count)| count != -1) && matches!(self.by, ZRangeBy::Rank(..))
        {
            return Err(limit_with_rank());
        }
        Ok(())
    }
}

/// Clamps Redis rank arguments to an ascending window of a set of `len`.
pub(crate) fn rank_window(len: usize, start: i64, stop: i64) -> Option<(usize, usize)> {
    let n = len as i64;
    let mut start = if start < 0 { n + start } else { start };
    let mut stop = if stop < 0 { n + stop } else { stop };
    start = start.max(0);
    if start > stop || start >= n {
        return None;
    }
    stop = stop.min(n - 1);
    Some((start as usize, stop as usize + 1))
}

/// The ascending rank window `start..end` a ZRANGE selects from `z`
/// (read from `end` down when `spec.rev`), or `None` when it selects
/// nothing.
fn selection(z: &ZSetValue, spec: &ZRange) -> Option<(usize, usize)> {
    let (a, b) = match &spec.by {
        ZRangeBy::Rank(start, stop) => {
            let (a, b) = rank_window(z.len(), *start, *stop)?;
            let n = z.len();
            // A reversed rank counts from the highest member.
            return Some(if spec.rev { (n - b, n - a) } else { (a, b) });
        }
        ZRangeBy::Score(r) => z.score_window(r),
        ZRangeBy::Lex(r) => z.lex_window(r, spec.rev),
    };
    let (offset, count) = spec.limit.unwrap_or((0, -1));
    let n = b - a;
    let offset = usize::try_from(offset).ok().filter(|&o| o < n)?;
    let take = usize::try_from(count).map_or(n - offset, |c| c.min(n - offset));
    Some(if spec.rev {
        (b - offset - take, b - offset)
    } else {
        (a + offset, a + offset + take)
    })
}

/// The members a ZRANGE selects from `z`, in reply order.
pub(crate) fn select(z: &ZSetValue, spec: &ZRange) -> Vec<(Vec<u8>, f64)> {
    selection(z, spec).map_or_else(Vec::new, |(a, b)| z.window(a, b, spec.rev))
}

/// [`select`] without copies: calls `f` on each selected (member, score)
/// in reply order, the member borrowed from `z` (an integer-encoded
/// listpack member is formatted into a scratch buffer first); returns how
/// many there were.
pub(crate) fn select_each(z: &ZSetValue, spec: &ZRange, mut f: impl FnMut(&[u8], f64)) -> usize {
    let Some((a, b)) = selection(z, spec) else {
        return 0;
    };
    match z {
        ZSetValue::Listpack(lp) => {
            // At most `zset-max-listpack-entries` pairs: gather the window's
            // borrowed entries, then hand them over in reply order.
            let pairs: Vec<(Elem<'_>, f64)> = lp
                .pairs()
                .skip(a)
                .take(b - a)
                .map(|(m, s)| (m, elem_score(s)))
                .collect();
            let mut digits = [0u8; 20];
            let mut give = |(m, s): &(Elem<'_>, f64)| match *m {
                Elem::Str(m) => f(m, *s),
                Elem::Int(v) => f(write_i64(&mut digits, v), *s),
            };
            if spec.rev {
                pairs.iter().rev().for_each(&mut give);
            } else {
                pairs.iter().for_each(&mut give);
            }
            pairs.len()
        }
        ZSetValue::Skiplist(s) => {
            s.each_in(a, b, spec.rev, |sc, m| f(m, sc));
            b - a
        }
    }
}

/// `ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX`
pub(crate) fn limit_with_rank() -> Error {
    Error::other(
        "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX",
    )
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::encoding::skiplist::LexBound;
    use crate::types::zset::ZAddOptions;
    use crate::{Config, Keyspace};

    fn bound(b: Option<(bool, u8)>, open: LexBound) -> LexBound {
        match b {
            None => open,
            Some((true, c)) => LexBound::Inclusive(vec![b'a' + c % 26]),
            Some((false, c)) => LexBound::Exclusive(vec![b'a' + c % 26]),
        }
    }

    /// Any ZRANGE request over small ranks, scores 0..10 and one-letter
    /// lex bounds, with or without REV and LIMIT.
    fn spec() -> impl Strategy<Value = ZRange> {
        let by = prop_oneof![
            (-12i64..12, -12i64..12).prop_map(|(a, b)| ZRangeBy::Rank(a, b)),
            (0u8..10, 0u8..10, any::<(bool, bool)>()).prop_map(|(a, b, (x, y))| {
                ZRangeBy::Score(ScoreRange {
                    min: f64::from(a),
                    max: f64::from(b),
                    min_ex: x,
                    max_ex: y,
                })
            }),
            (any::<Option<(bool, u8)>>(), any::<Option<(bool, u8)>>()).prop_map(|(a, b)| {
                ZRangeBy::Lex(LexRange {
                    min: bound(a, LexBound::Min),
                    max: bound(b, LexBound::Max),
                })
            }),
        ];
        let limit = proptest::option::of((-2i64..6, -2i64..6));
        (by, any::<bool>(), limit).prop_map(|(by, rev, limit)| ZRange { by, rev, limit })
    }

    proptest! {
        /// The lending form visits exactly what the copying form returns,
        /// in the same order, under both encodings, with the same errors.
        #[test]
        fn zrange_with_lends_what_zrange_copies(
            members in proptest::collection::vec((0u8..10, 0u16..40), 0..30),
            specs in proptest::collection::vec(spec(), 1..8),
        ) {
            for entries in [0, 128] {
                let mut ks = Keyspace::new(Config { zset_max_listpack_entries: entries, ..Config::default() });
                for &(score, m) in &members {
                    // Letters for lex ranges, digits for integer-encoded members.
                    let m = if m % 3 == 0 { format!("{m}") } else { format!("{}", char::from(b'a' + (m % 26) as u8)) };
                    ks.zadd(b"z", &[(f64::from(score), m.as_bytes())], &ZAddOptions::default()).unwrap();
                }
                for spec in &specs {
                    let mut lent = Vec::new();
                    let got = ks.zrange_with(b"z", spec, |m, s| lent.push((m.to_vec(), s)));
                    match ks.zrange(b"z", spec) {
                        Ok(copied) => {
                            prop_assert_eq!(got, Ok(copied.len()));
                            prop_assert_eq!(&lent, &copied);
                        }
                        Err(e) => prop_assert_eq!(got, Err(e)),
                    }
                }
            }
        }
    }
}
