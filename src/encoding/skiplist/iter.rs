//! Double-ended iteration over a rank window of a [`SkipList`].

use super::{HEADER, SkipList};

/// Iterator over (score, member) in ascending order, double-ended: the
/// front walks blocks forward, the back walks them backward (through the
/// level-0 `back` links), and each end is located (by rank) only when
/// first used.
#[derive(Debug, Clone)]
pub struct Iter<'a> {
    list: &'a SkipList,
    /// Rank of the next entry from the front.
    start: usize,
    remaining: usize,
    /// Front: block (0 until located) and the next entry's index in it.
    front: (u32, usize),
    /// Back: block (0 until located) and the index just past the next
    /// entry to yield.
    back: (u32, usize),
}

impl<'a> Iter<'a> {
    /// The members at ranks `start..end` (`start <= end <= len`).
    pub(super) fn new(list: &'a SkipList, start: usize, end: usize) -> Self {
        Iter {
            list,
            start,
            remaining: end - start,
            front: (HEADER, 0),
            back: (HEADER, 0),
        }
    }
}

impl<'a> Iterator for Iter<'a> {
    type Item = (f64, &'a [u8]);

    fn next(&mut self) -> Option<Self::Item> {
        if self.remaining == 0 {
            return None;
        }
        let list = self.list;
        let (mut b, mut j) = self.front;
        if b == HEADER {
            (b, j) = list.at_rank(self.start);
        } else if j == list.block(b).len() {
            (b, j) = (list.link(b, 0).next, 0);
        }
        let block = list.block(b);
        self.front = (b, j + 1);
        self.start += 1;
        self.remaining -= 1;
        Some(block.entry_of(block.cell_at(j)))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.remaining, Some(self.remaining))
    }
}

impl DoubleEndedIterator for Iter<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        if self.remaining == 0 {
            return None;
        }
        let list = self.list;
        let (mut b, mut j) = self.back;
        if b == HEADER {
            let last = self.start + self.remaining - 1;
            if last + 1 == list.len {
                b = list.tail;
                j = list.block(b).len();
            } else {
                let (x, k) = list.at_rank(last);
                (b, j) = (x, k + 1);
            }
        } else if j == 0 {
            b = list.nodes[b as usize].back;
            j = list.block(b).len();
        }
        j -= 1;
        let block = list.block(b);
        self.back = (b, j);
        self.remaining -= 1;
        Some(block.entry_of(block.cell_at(j)))
    }
}

impl ExactSizeIterator for Iter<'_> {}

impl SkipList {
    /// Calls `f` on each (score, member) at ranks `start..end` (`end <=
    /// len`), ascending, or descending when `rev`. The same entries as
    /// [`SkipList::range`] in the same order, but walked block by block
    /// (one rank search, then contiguous runs), which costs less per entry
    /// than the iterator's resumable state.
    pub fn each_in(&self, start: usize, end: usize, rev: bool, mut f: impl FnMut(f64, &[u8])) {
        let mut left = end.saturating_sub(start);
        if left == 0 {
            return;
        }
        if rev {
            let (mut b, mut j) = if end == self.len {
                (self.tail, self.block(self.tail).len())
            } else {
                let (x, k) = self.at_rank(end - 1);
                (x, k + 1)
            };
            loop {
                let block = self.block(b);
                let lo = j - left.min(j);
                for &c in block.order()[lo..j].iter().rev() {
                    let (s, m) = block.entry_of(c);
                    f(s, m);
                }
                left -= j - lo;
                if left == 0 {
                    return;
                }
                b = self.nodes[b as usize].back;
                j = self.block(b).len();
            }
        }
        let (mut b, mut j) = self.at_rank(start);
        loop {
            let block = self.block(b);
            let hi = j + left.min(block.len() - j);
            for &c in &block.order()[j..hi] {
                let (s, m) = block.entry_of(c);
                f(s, m);
            }
            left -= hi - j;
            if left == 0 {
                return;
            }
            (b, j) = (self.link(b, 0).next, 0);
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::SkipList;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(32))]

        /// `each_in` visits what `range` yields (itself checked against a
        /// model in the skiplist's tests), across block boundaries, in both
        /// directions.
        #[test]
        fn each_in_matches_range(
            scores in proptest::collection::vec(0u16..500, 0..700),
            windows in proptest::collection::vec((0usize..720, 0usize..720, any::<bool>()), 1..12),
        ) {
            let mut s = SkipList::new();
            for (i, &sc) in scores.iter().enumerate() {
                s.insert(f64::from(sc), format!("m{i}").as_bytes());
            }
            for (a, b, rev) in windows {
                let (a, b) = (a.min(s.len()), b.min(s.len()));
                let mut seen = Vec::new();
                s.each_in(a, b, rev, |sc, m| seen.push((sc, m.to_vec())));
                let mut want: Vec<(f64, Vec<u8>)> = if a < b {
                    s.range(a, b).map(|(sc, m)| (sc, m.to_vec())).collect()
                } else {
                    Vec::new()
                };
                if rev {
                    want.reverse();
                }
                prop_assert_eq!(seen, want);
            }
        }
    }
}
