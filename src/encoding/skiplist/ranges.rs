//! Score and lexicographic ranges (Redis `zrangespec`, `zlexrangespec`).

/// A score range: `min..max` with either end exclusive (Redis `zrangespec`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ScoreRange {
    /// Lower bound.
    pub min: f64,
    /// Upper bound.
    pub max: f64,
    /// Whether `min` itself is excluded (`(min`).
    pub min_ex: bool,
    /// Whether `max` itself is excluded (`(max`).
    pub max_ex: bool,
}

impl ScoreRange {
    /// The inclusive range `min..=max`.
    pub fn new(min: f64, max: f64) -> Self {
        ScoreRange {
            min,
            max,
            min_ex: false,
            max_ex: false,
        }
    }

    /// Every score (`-inf..=+inf`).
    pub fn all() -> Self {
        ScoreRange::new(f64::NEG_INFINITY, f64::INFINITY)
    }

    /// Whether `v` is at or above the lower bound.
    pub fn gte_min(&self, v: f64) -> bool {
        if self.min_ex {
            v > self.min
        } else {
            v >= self.min
        }
    }

    /// Whether `v` is at or below the upper bound.
    pub fn lte_max(&self, v: f64) -> bool {
        if self.max_ex {
            v < self.max
        } else {
            v <= self.max
        }
    }

    /// Whether no score can be in the range.
    pub fn is_empty(&self) -> bool {
        self.min > self.max || (self.min == self.max && (self.min_ex || self.max_ex))
    }
}

impl From<std::ops::RangeInclusive<f64>> for ScoreRange {
    /// `a..=b` is the inclusive range `[a, b]`.
    fn from(r: std::ops::RangeInclusive<f64>) -> Self {
        ScoreRange::new(*r.start(), *r.end())
    }
}

impl From<std::ops::RangeFull> for ScoreRange {
    /// `..` is every score.
    fn from(_: std::ops::RangeFull) -> Self {
        ScoreRange::all()
    }
}

/// One end of a lexicographic range.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LexBound {
    /// `-`: below every member.
    Min,
    /// `+`: above every member.
    Max,
    /// `[m`: `m` included.
    Inclusive(Vec<u8>),
    /// `(m`: `m` excluded.
    Exclusive(Vec<u8>),
}

impl LexBound {
    /// Compares a member with this bound's value (`-`/`+` as infinities).
    fn cmp_member(&self, m: &[u8]) -> std::cmp::Ordering {
        use std::cmp::Ordering::{Greater, Less};
        match self {
            LexBound::Min => Greater,
            LexBound::Max => Less,
            LexBound::Inclusive(v) | LexBound::Exclusive(v) => m.cmp(v),
        }
    }

    fn exclusive(&self) -> bool {
        !matches!(self, LexBound::Inclusive(_))
    }

    /// Rank of the bound among `-` < strings < `+` (for emptiness checks).
    fn cmp_bound(&self, other: &LexBound) -> std::cmp::Ordering {
        use std::cmp::Ordering::{Equal, Greater, Less};
        match (self, other) {
            (LexBound::Min, LexBound::Min) | (LexBound::Max, LexBound::Max) => Equal,
            (LexBound::Min, _) | (_, LexBound::Max) => Less,
            (LexBound::Max, _) | (_, LexBound::Min) => Greater,
            (
                LexBound::Inclusive(a) | LexBound::Exclusive(a),
                LexBound::Inclusive(b) | LexBound::Exclusive(b),
            ) => a.cmp(b),
        }
    }
}

/// A lexicographic range of members (Redis `zlexrangespec`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LexRange {
    /// Lower end.
    pub min: LexBound,
    /// Upper end.
    pub max: LexBound,
}

impl LexRange {
    /// Whether `m` is at or above the lower end.
    pub fn gte_min(&self, m: &[u8]) -> bool {
        let c = self.min.cmp_member(m);
        if self.min.exclusive() {
            c.is_gt()
        } else {
            c.is_ge()
        }
    }

    /// Whether `m` is at or below the upper end.
    pub fn lte_max(&self, m: &[u8]) -> bool {
        let c = self.max.cmp_member(m);
        if self.max.exclusive() {
            c.is_lt()
        } else {
            c.is_le()
        }
    }

    /// Whether no member can be in the range.
    pub fn is_empty(&self) -> bool {
        let c = self.min.cmp_bound(&self.max);
        c.is_gt() || (c.is_eq() && (self.min.exclusive() || self.max.exclusive()))
    }
}
