//! Intset: a sorted array of distinct integers, all stored with one width,
//! byte-identical to Redis 7.0.15. Small sets made only of integers use it.
//!
//! # Format
//!
//! ```text
//! +-------------+-------------+---------+---------+-----+-------------+
//! | width       | length      | value 0 | value 1 | ... | value n-1   |
//! | u32 LE      | u32 LE      | width bytes each, signed, LE          |
//! | (2, 4 or 8) | (n)         |                                       |
//! +-------------+-------------+---------+---------+-----+-------------+
//! ```
//!
//! The *width* field holds the size in bytes of every value: 2 (i16),
//! 4 (i32) or 8 (i64). The values follow in strictly increasing order.
//! An empty intset is the eight bytes `02 00 00 00 00 00 00 00`.
//!
//! # Invariants
//!
//! * the width is 2, 4 or 8 and the buffer is exactly `8 + n * width`;
//! * values are strictly increasing (sorted, no duplicates);
//! * the width only grows: it widens the moment a value needs it (a value
//!   outside i16 forces 4, outside i32 forces 8) and never narrows when
//!   that value is removed. So a valid intset may use a width larger than
//!   its values need, and validation does not object.
//!
//! # Thresholds
//!
//! * width 2 holds `-32768..=32767`; width 4 holds `i32`; width 8 all `i64`;
//! * a value that needs a wider width is necessarily smaller than every
//!   stored value (if negative) or larger (if positive), so widening places
//!   it at the front or the back;
//! * the set-level limit (`set-max-intset-entries`, 512 by default) is the
//!   set type's business, not this module's.
//!
//! # Compatibility
//!
//! The bytes match Redis 7.0.15 for the same sequence of additions and
//! removals (`tests/encoding_dump.rs` compares with `DUMP` of a live
//! server). [`Intset::validate`] accepts and rejects what Redis's intset
//! integrity check does: width, exact size, a non-empty set (Redis never
//! stores an empty one, so an empty payload is corrupt), and in deep mode
//! strictly increasing values. An in-memory [`Intset`] may be empty; it
//! then fails `validate` exactly as the same bytes would in Redis.
//!
//! # References
//!
//! * Redis 7.0.15 `src/intset.c` (behaviour read, not copied).

use super::Corrupt;

const HDR: usize = 8;

/// The byte width a value needs.
fn width_for(v: i64) -> usize {
    if i16::try_from(v).is_ok() {
        2
    } else if i32::try_from(v).is_ok() {
        4
    } else {
        8
    }
}

/// A sorted set of distinct integers in Redis's intset layout.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Intset {
    buf: Vec<u8>,
}

impl Default for Intset {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for Intset {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

impl Extend<i64> for Intset {
    fn extend<I: IntoIterator<Item = i64>>(&mut self, iter: I) {
        for v in iter {
            self.insert(v);
        }
    }
}

impl FromIterator<i64> for Intset {
    fn from_iter<I: IntoIterator<Item = i64>>(iter: I) -> Self {
        let mut set = Intset::new();
        set.extend(iter);
        set
    }
}

/// Reads the `i`-th value of `width` bytes from a values area.
fn read_value(values: &[u8], width: usize, i: usize) -> i64 {
    let at = i * width;
    let b = &values[at..at + width];
    match width {
        2 => i64::from(i16::from_le_bytes([b[0], b[1]])),
        4 => i64::from(i32::from_le_bytes([b[0], b[1], b[2], b[3]])),
        _ => i64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]),
    }
}

/// Appends `v` with `width` bytes (the caller checked it fits).
fn push_value(out: &mut Vec<u8>, width: usize, v: i64) {
    out.extend_from_slice(&v.to_le_bytes()[..width]);
}

impl Intset {
    /// An empty intset of width 2.
    pub fn new() -> Self {
        Intset {
            buf: vec![2, 0, 0, 0, 0, 0, 0, 0],
        }
    }

    /// Adopts `bytes` after a deep [`validate`](Self::validate).
    ///
    /// # Errors
    /// [`Corrupt`] when the bytes are not a valid intset (including an
    /// empty one, as Redis rejects).
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Self, Corrupt> {
        Self::validate_bytes(&bytes, true)?;
        Ok(Intset { buf: bytes })
    }

    /// Heap bytes the buffer holds, spare capacity included.
    pub fn allocated_bytes(&self) -> usize {
        self.buf.capacity()
    }

    /// The exact bytes, as Redis would store or dump them.
    pub fn as_bytes(&self) -> &[u8] {
        &self.buf
    }

    /// The exact bytes, consuming the intset.
    pub fn into_bytes(self) -> Vec<u8> {
        self.buf
    }

    /// The width in bytes of every value (2, 4 or 8).
    pub fn width(&self) -> usize {
        u32::from_le_bytes([self.buf[0], self.buf[1], self.buf[2], self.buf[3]]) as usize
    }

    /// The number of values. O(1).
    pub fn len(&self) -> usize {
        (self.buf.len() - HDR) / self.width()
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.buf.len() == HDR
    }

    fn values(&self) -> &[u8] {
        &self.buf[HDR..]
    }

    fn set_len(&mut self, n: usize) {
        let n = u32::try_from(n).expect("intset longer than u32::MAX");
        self.buf[4..8].copy_from_slice(&n.to_le_bytes());
    }

    /// The value at sorted position `i` (O(1); handy for random picks).
    pub fn get(&self, i: usize) -> Option<i64> {
        (i < self.len()).then(|| read_value(self.values(), self.width(), i))
    }

    /// The smallest value.
    pub fn first(&self) -> Option<i64> {
        self.get(0)
    }

    /// The largest value.
    pub fn last(&self) -> Option<i64> {
        self.len().checked_sub(1).and_then(|i| self.get(i))
    }

    /// Iterates the values in increasing order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = i64> + ExactSizeIterator + '_ {
        let width = self.width();
        let values = self.values();
        (0..self.len()).map(move |i| read_value(values, width, i))
    }

    /// Binary search: Ok(position) if present, Err(insert position) if not.
    fn search(&self, v: i64) -> Result<usize, usize> {
        let (width, values) = (self.width(), self.values());
        let (mut lo, mut hi) = (0, self.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            match read_value(values, width, mid).cmp(&v) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return Ok(mid),
            }
        }
        Err(lo)
    }

    /// Whether `v` is in the set. O(log n).
    pub fn contains(&self, v: i64) -> bool {
        width_for(v) <= self.width() && self.search(v).is_ok()
    }

    /// Adds `v`; returns false if it was already present. Widens every
    /// value first if `v` needs a larger width. O(n).
    pub fn insert(&mut self, v: i64) -> bool {
        let need = width_for(v);
        let width = self.width();
        if need > width {
            self.widen_and_insert(v, need);
            return true;
        }
        let Err(pos) = self.search(v) else {
            return false;
        };
        let at = HDR + pos * width;
        self.buf
            .splice(at..at, v.to_le_bytes()[..width].iter().copied());
        let n = self.len();
        self.set_len(n);
        true
    }

    /// Rewrites every value with `width`, placing `v` first if negative
    /// or last otherwise (it lies outside the current range).
    fn widen_and_insert(&mut self, v: i64, width: usize) {
        let old: Vec<i64> = self.iter().collect();
        let mut buf = Vec::with_capacity(HDR + (old.len() + 1) * width);
        buf.extend_from_slice(&(width as u32).to_le_bytes());
        buf.extend_from_slice(&[0; 4]);
        if v < 0 {
            push_value(&mut buf, width, v);
        }
        for x in old {
            push_value(&mut buf, width, x);
        }
        if v >= 0 {
            push_value(&mut buf, width, v);
        }
        self.buf = buf;
        let n = self.len();
        self.set_len(n);
    }

    /// Removes `v`; returns false if it was absent. Never narrows. O(n).
    pub fn remove(&mut self, v: i64) -> bool {
        if width_for(v) > self.width() {
            return false;
        }
        let Ok(pos) = self.search(v) else {
            return false;
        };
        let width = self.width();
        let at = HDR + pos * width;
        self.buf.drain(at..at + width);
        let n = self.len();
        self.set_len(n);
        true
    }

    /// Checks this intset's bytes (see [`validate_bytes`](Self::validate_bytes)).
    ///
    /// # Errors
    /// [`Corrupt`] with the first problem found; an empty set is corrupt.
    pub fn validate(&self, deep: bool) -> Result<(), Corrupt> {
        Self::validate_bytes(&self.buf, deep)
    }

    /// Checks arbitrary bytes as Redis's intset integrity check does,
    /// never panicking: an 8-byte header, width 2, 4 or 8, size exactly
    /// header plus length times width, at least one value, and (deep)
    /// strictly increasing values.
    ///
    /// # Errors
    /// [`Corrupt`] with the first problem found.
    pub fn validate_bytes(data: &[u8], deep: bool) -> Result<(), Corrupt> {
        if data.len() < HDR {
            return Err(Corrupt("shorter than the intset header"));
        }
        let width = u32::from_le_bytes([data[0], data[1], data[2], data[3]]);
        if !matches!(width, 2 | 4 | 8) {
            return Err(Corrupt("unknown intset width"));
        }
        let count = u32::from_le_bytes([data[4], data[5], data[6], data[7]]);
        if HDR as u64 + u64::from(count) * u64::from(width) != data.len() as u64 {
            return Err(Corrupt("intset size differs from its length"));
        }
        if count == 0 {
            return Err(Corrupt("empty intset"));
        }
        if !deep {
            return Ok(());
        }
        let values = &data[HDR..];
        let width = width as usize;
        let mut prev = read_value(values, width, 0);
        for i in 1..count as usize {
            let cur = read_value(values, width, i);
            if cur <= prev {
                return Err(Corrupt("intset values not strictly increasing"));
            }
            prev = cur;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeSet;

    #[test]
    fn layout_and_widening() {
        let mut s = Intset::new();
        assert_eq!(s.as_bytes(), &[2, 0, 0, 0, 0, 0, 0, 0]);
        assert!(s.is_empty());
        assert!(s.insert(5));
        assert!(s.insert(-2));
        assert!(!s.insert(5));
        assert_eq!(s.as_bytes(), &[2, 0, 0, 0, 2, 0, 0, 0, 0xFE, 0xFF, 5, 0]);
        assert!(s.insert(70000));
        assert_eq!(s.width(), 4);
        assert_eq!(s.iter().collect::<Vec<_>>(), [-2, 5, 70000]);
        assert!(s.insert(i64::MIN));
        assert_eq!(s.width(), 8);
        assert_eq!(s.first(), Some(i64::MIN));
        assert_eq!(s.last(), Some(70000));
        assert_eq!(s.as_bytes().len(), 8 + 4 * 8);
        assert!(s.remove(i64::MIN));
        assert!(!s.remove(i64::MIN));
        assert_eq!(s.width(), 8, "never narrows");
        assert!(!s.contains(i64::MAX));
        assert!(s.contains(-2));
        assert_eq!(s.get(3), None);
        assert_eq!(format!("{s:?}"), "{-2, 5, 70000}");
        s.validate(true).unwrap();
        let collected: Intset = [70000, -2, 5, 5].into_iter().collect();
        assert_eq!(collected.iter().collect::<Vec<_>>(), [-2, 5, 70000]);
        assert_eq!(collected.width(), 4);
    }

    #[test]
    fn width_limits() {
        for (v, w) in [
            (32767, 2),
            (-32768, 2),
            (32768, 4),
            (-32769, 4),
            (i64::from(i32::MAX), 4),
            (i64::from(i32::MIN), 4),
            (i64::from(i32::MAX) + 1, 8),
            (i64::from(i32::MIN) - 1, 8),
        ] {
            let mut s = Intset::new();
            s.insert(0);
            s.insert(v);
            assert_eq!(s.width(), w, "{v}");
            assert!(s.contains(v));
            // A value too wide for the set is never found, never removed.
            if w > 2 {
                let mut narrow = Intset::new();
                narrow.insert(1);
                assert!(!narrow.contains(v));
                assert!(!narrow.remove(v));
                assert_eq!(narrow.as_bytes(), &[2, 0, 0, 0, 1, 0, 0, 0, 1, 0]);
            }
        }
    }

    fn corrupt(bytes: &[u8], deep: bool) -> &'static str {
        Intset::validate_bytes(bytes, deep).unwrap_err().0
    }

    #[test]
    fn validation_matches_redis_rules() {
        assert_eq!(
            corrupt(&[2, 0, 0, 0, 0, 0, 0], false),
            "shorter than the intset header"
        );
        assert_eq!(
            corrupt(&[3, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0], false),
            "unknown intset width"
        );
        assert_eq!(
            corrupt(&[2, 0, 0, 0, 2, 0, 0, 0, 1, 0], false),
            "intset size differs from its length"
        );
        assert_eq!(corrupt(&[2, 0, 0, 0, 0, 0, 0, 0], false), "empty intset");
        assert_eq!(corrupt(&Intset::new().into_bytes(), true), "empty intset");
        let unsorted = [2, 0, 0, 0, 2, 0, 0, 0, 5, 0, 1, 0];
        assert!(Intset::validate_bytes(&unsorted, false).is_ok());
        assert_eq!(
            corrupt(&unsorted, true),
            "intset values not strictly increasing"
        );
        let dup = [2, 0, 0, 0, 2, 0, 0, 0, 5, 0, 5, 0];
        assert_eq!(corrupt(&dup, true), "intset values not strictly increasing");
        // Wider than needed is fine (sets never narrow).
        let wide = [8, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0];
        let s = Intset::from_bytes(wide.to_vec()).unwrap();
        assert_eq!(s.iter().collect::<Vec<_>>(), [1]);
        // A length whose byte size overflows 32 bits is just a mismatch.
        assert_eq!(
            corrupt(&[8, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF], false),
            "intset size differs from its length"
        );
    }

    #[derive(Debug, Clone)]
    enum Op {
        Insert(i64),
        Remove(i64),
        Contains(i64),
    }

    fn value() -> impl Strategy<Value = i64> {
        prop_oneof![
            -40i64..40,
            any::<i16>().prop_map(i64::from),
            any::<i32>().prop_map(i64::from),
            any::<i64>(),
        ]
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            3 => value().prop_map(Op::Insert),
            2 => value().prop_map(Op::Remove),
            1 => value().prop_map(Op::Contains),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        #[test]
        fn matches_a_btreeset_model(ops in proptest::collection::vec(op(), 0..60)) {
            let mut s = Intset::new();
            let mut model = BTreeSet::new();
            let mut widest = 2;
            for op in ops {
                match op {
                    Op::Insert(v) => prop_assert_eq!(s.insert(v), model.insert(v)),
                    Op::Remove(v) => prop_assert_eq!(s.remove(v), model.remove(&v)),
                    Op::Contains(v) => prop_assert_eq!(s.contains(v), model.contains(&v)),
                }
                if s.is_empty() {
                    prop_assert_eq!(s.as_bytes().len(), HDR);
                } else {
                    s.validate(true).unwrap();
                }
                prop_assert!(s.width() >= widest, "width shrank");
                widest = s.width();
                let need = model.iter().map(|&v| width_for(v)).max().unwrap_or(2);
                prop_assert!(s.width() >= need);
                prop_assert_eq!(s.len(), model.len());
                prop_assert_eq!(s.iter().collect::<Vec<_>>(), model.iter().copied().collect::<Vec<_>>());
                for (i, v) in model.iter().enumerate() {
                    prop_assert_eq!(s.get(i), Some(*v));
                }
            }
        }
    }
}
