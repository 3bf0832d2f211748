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
        Some((block.scores[j], block.member(j)))
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
        Some((block.scores[j], block.member(j)))
    }
}

impl ExactSizeIterator for Iter<'_> {}
