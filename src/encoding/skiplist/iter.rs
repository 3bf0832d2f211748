//! Double-ended iteration over a rank window of a [`SkipList`].

use super::{HEADER, SkipList};

/// Iterator over (score, member) in ascending order, double-ended: the
/// front walks the forward links, the back the backward links, and each end
/// is located (by rank) only when first used.
#[derive(Debug, Clone)]
pub struct Iter<'a> {
    list: &'a SkipList,
    /// The next node from the front (0 until located).
    front: u32,
    /// The next node from the back (0 until located).
    back: u32,
    /// Rank of the next node from the front.
    start: usize,
    remaining: usize,
}

impl<'a> Iter<'a> {
    /// The members at ranks `start..end` (`start <= end <= len`).
    pub(super) fn new(list: &'a SkipList, start: usize, end: usize) -> Self {
        Iter {
            list,
            front: 0,
            back: 0,
            start,
            remaining: end - start,
        }
    }

    fn item(&self, x: u32) -> (f64, &'a [u8]) {
        (self.list.score_of(x), self.list.member_of(x))
    }
}

impl<'a> Iterator for Iter<'a> {
    type Item = (f64, &'a [u8]);

    fn next(&mut self) -> Option<Self::Item> {
        if self.remaining == 0 {
            return None;
        }
        if self.front == HEADER {
            self.front = self.list.node_at(self.start);
        }
        let x = self.front;
        self.front = self.list.fwd(x, 0);
        self.start += 1;
        self.remaining -= 1;
        Some(self.item(x))
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
        if self.back == HEADER {
            self.back = self.list.node_at(self.start + self.remaining - 1);
        }
        let x = self.back;
        self.back = self.list.back(x);
        self.remaining -= 1;
        Some(self.item(x))
    }
}

impl ExactSizeIterator for Iter<'_> {}
