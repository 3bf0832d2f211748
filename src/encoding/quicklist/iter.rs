//! Walking a quicklist's elements: an owning iterator and a borrowing scan.
//! Both decompress a compressed node into a temporary copy while they are
//! on it; the node itself stays compressed.

use std::borrow::Cow;
use std::ops::ControlFlow;

use super::super::listpack::{Elem, Listpack, Pos};
use super::Quicklist;

/// An iterator over a quicklist's elements in either direction, yielding
/// each element's bytes (integers in decimal).
#[derive(Debug, Clone)]
pub struct Iter<'a> {
    ql: &'a Quicklist,
    node: usize,
    lp: Option<Cow<'a, Listpack>>,
    pos: Option<Pos>,
    reverse: bool,
}

impl Quicklist {
    /// Elements from head to tail.
    pub fn iter(&self) -> Iter<'_> {
        self.iter_at(0, false)
    }

    /// Elements starting at `index` (negative counts from the tail), going
    /// towards the tail, or towards the head when `reverse`. Empty when the
    /// index is out of range.
    pub fn iter_at(&self, index: i64, reverse: bool) -> Iter<'_> {
        let mut iter = Iter {
            ql: self,
            node: 0,
            lp: None,
            pos: None,
            reverse,
        };
        if let Some((node, offset)) = self.locate(index) {
            let lp = self.nodes[node].listpack();
            iter.pos = lp.seek(offset as isize);
            iter.node = node;
            iter.lp = Some(lp);
        }
        iter
    }

    /// Copies out `len` elements from index `start` towards the tail (fewer
    /// when the list ends first; none when `start` is out of range).
    pub fn range_vec(&self, start: usize, len: usize) -> Vec<Vec<u8>> {
        let mut out = Vec::with_capacity(len.min(self.count));
        self.range_each(start, len, |e| out.push(e.to_vec()));
        out
    }

    /// Calls `f` on `len` elements from index `start` towards the tail
    /// (fewer when the list ends first; none when `start` is out of range),
    /// borrowed from the nodes: one walk of the node counts to `start`,
    /// then each node's entries decoded in order. Returns how many.
    pub fn range_each(&self, start: usize, len: usize, mut f: impl FnMut(Elem<'_>)) -> usize {
        let Some((mut node, mut offset)) = self.locate(start as i64) else {
            return 0;
        };
        let mut done = 0;
        while done < len && node < self.nodes.len() {
            // Forwards only: LPOP's popped entries can be skipped in place.
            let (lp, popped) = self.nodes[node].reader();
            if let Some(pos) = lp.seek((offset + popped) as isize) {
                for e in lp.iter_from(pos).take(len - done) {
                    f(e);
                    done += 1;
                }
            }
            node += 1;
            offset = 0;
        }
        done
    }

    /// Calls `f` on the elements from `index` (negative counts from the
    /// tail) towards the tail, or towards the head when `reverse`, until it
    /// breaks or the list ends. Nothing is copied out of raw nodes.
    pub fn scan(&self, index: i64, reverse: bool, mut f: impl FnMut(Elem<'_>) -> ControlFlow<()>) {
        let Some((mut node, offset)) = self.locate(index) else {
            return;
        };
        let mut lp = self.nodes[node].listpack();
        let mut pos = lp.seek(offset as isize);
        loop {
            while let Some(p) = pos {
                if f(lp.at(p)).is_break() {
                    return;
                }
                pos = if reverse {
                    lp.prev_pos(p)
                } else {
                    lp.next_pos(p)
                };
            }
            node = match next_node(self, node, reverse) {
                Some(next) => next,
                None => return,
            };
            lp = self.nodes[node].listpack();
            pos = if reverse {
                lp.last_pos()
            } else {
                lp.first_pos()
            };
        }
    }

    /// The index of the first element from the head equal to `needle` (as
    /// [`Elem::matches`] compares).
    pub fn position(&self, needle: &[u8]) -> Option<usize> {
        let mut i = 0;
        let mut found = None;
        self.scan(0, false, |e| {
            if e.matches(needle) {
                found = Some(i);
                return ControlFlow::Break(());
            }
            i += 1;
            ControlFlow::Continue(())
        });
        found
    }
}

/// The node after `node` in the walking direction.
fn next_node(ql: &Quicklist, node: usize, reverse: bool) -> Option<usize> {
    if reverse {
        node.checked_sub(1)
    } else {
        Some(node + 1).filter(|&i| i < ql.nodes.len())
    }
}

impl Iterator for Iter<'_> {
    type Item = Vec<u8>;

    fn next(&mut self) -> Option<Vec<u8>> {
        loop {
            let lp = self.lp.as_ref()?;
            if let Some(p) = self.pos {
                let value = lp.at(p).to_vec();
                self.pos = if self.reverse {
                    lp.prev_pos(p)
                } else {
                    lp.next_pos(p)
                };
                return Some(value);
            }
            let Some(node) = next_node(self.ql, self.node, self.reverse) else {
                self.lp = None;
                return None;
            };
            let lp = self.ql.nodes[node].listpack();
            self.pos = if self.reverse {
                lp.last_pos()
            } else {
                lp.first_pos()
            };
            self.node = node;
            self.lp = Some(lp);
        }
    }
}
