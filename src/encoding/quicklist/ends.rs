//! Pushes and pops at the ends of a quicklist: the common cases (a short
//! string written into the tail node's spare capacity, an element taken
//! off the head node lazily or cut off the tail node) in line, and the
//! cases that add, drop or reshape nodes out of line, with the byte count
//! kept by [`Quicklist::tracked`].

use super::node::{Node, copy_out};
use super::{Elem, Listpack, Quicklist, SIZE_CLASSES, SIZE_ESTIMATE_OVERHEAD, SIZE_SAFETY_LIMIT};
use super::{allow_insert, single};

impl Quicklist {
    /// Appends `value` at the tail (Redis `quicklistPushTail`).
    #[inline(always)]
    pub fn push_back(&mut self, value: &[u8]) {
        // Most pushes write a short string into the tail node's spare
        // capacity: no byte count but the element counts changes.
        let fill = self.fill;
        if let Some(tail) = self.nodes.back_mut()
            && tail.try_push_back_short(value, fill)
        {
            self.count += 1;
            return;
        }
        self.push_back_slow(value);
    }

    /// [`Quicklist::push_back`] of other elements, or when the tail node
    /// must grow its buffer, holds popped entries, is full or is missing:
    /// out of line.
    #[inline(never)]
    fn push_back_slow(&mut self, value: &[u8]) {
        // A tail node that takes the element is the only byte count that
        // changes (the tail is never compressed).
        let fill = self.fill;
        if let Some(tail) = self.nodes.back_mut()
            && allow_insert(tail, fill, value.len())
        {
            self.node_bytes += tail.push_back_str(value);
            self.count += 1;
            return;
        }
        let last = self.nodes.len().saturating_sub(1);
        self.tracked(last, last + 1, |ql| ql.push_back_untracked(value));
    }

    fn push_back_untracked(&mut self, value: &[u8]) {
        let fill = self.fill;
        match self.nodes.back_mut() {
            Some(tail) if allow_insert(tail, fill, value.len()) => {
                tail.edit(|lp| lp.push_back(Elem::Str(value)));
            }
            Some(tail) => {
                tail.edit(Listpack::shrink_to_fit);
                let node = self.growing_node(value);
                self.nodes.push_back(node);
                // The node one past the tail-side depth just became deep.
                self.compress_if_deep(self.nodes.len().wrapping_sub(self.depth() + 1));
            }
            None => self.nodes.push_back(single(value)),
        }
        self.count += 1;
    }

    /// Prepends `value` at the head (Redis `quicklistPushHead`).
    pub fn push_front(&mut self, value: &[u8]) {
        // As in `push_back`: the head node alone changes in the common case.
        let fill = self.fill;
        if let Some(head) = self.nodes.front_mut()
            && allow_insert(head, fill, value.len())
        {
            let before = head.allocated_bytes();
            head.edit(|lp| lp.push_front(Elem::Str(value)));
            self.node_bytes = self.node_bytes + head.allocated_bytes() - before;
            self.count += 1;
            return;
        }
        self.tracked(0, 1, |ql| ql.push_front_untracked(value));
    }

    fn push_front_untracked(&mut self, value: &[u8]) {
        let fill = self.fill;
        match self.nodes.front_mut() {
            Some(head) if allow_insert(head, fill, value.len()) => {
                head.edit(|lp| lp.push_front(Elem::Str(value)));
            }
            Some(head) => {
                head.edit(Listpack::shrink_to_fit);
                let node = self.growing_node(value);
                self.nodes.push_front(node);
                self.compress_if_deep(self.depth());
            }
            None => self.nodes.push_front(single(value)),
        }
        self.count += 1;
    }

    /// A one-element node for the end of a list that just filled a node:
    /// its buffer is reserved up to the node size limit at once, so the
    /// pushes that follow do not reallocate (the node is shrunk when full).
    fn growing_node(&self, value: &[u8]) -> Node {
        let limit = if self.fill < 0 {
            SIZE_CLASSES[(-(self.fill as i64) - 1) as usize]
        } else {
            // Room for `fill` entries like this one (1 to 5 bytes of tag,
            // 1 to 5 of backlen), never above the safety limit.
            let per_entry = value.len() + SIZE_ESTIMATE_OVERHEAD;
            (7 + self.fill as usize * per_entry).min(SIZE_SAFETY_LIMIT)
        };
        let first = single(value).into_listpack();
        let mut buf = Vec::with_capacity(limit.max(first.total_bytes()));
        buf.extend_from_slice(first.as_bytes());
        Node::raw(Listpack::from_trusted(buf))
    }

    /// Removes and returns the head element.
    #[inline(always)]
    pub fn pop_front(&mut self) -> Option<Vec<u8>> {
        if let Some(s) = self.pop_front_short() {
            return Some(copy_out(s));
        }
        self.pop_front_slow()
    }

    /// Pops the head element when that is the usual case: a short string
    /// (see [`Listpack::short_str_at`]) taken off a head node that keeps
    /// other elements, so no node goes and no byte count changes (the
    /// entry is cut out of the buffer later, with those popped after it).
    /// Returns its bytes, read in place; None, nothing changed, otherwise
    /// (then [`Quicklist::pop_front`] takes the element).
    #[inline(always)]
    pub fn pop_front_short(&mut self) -> Option<&[u8]> {
        let s = self.nodes.front_mut()?.pop_first_short()?;
        self.count -= 1;
        Some(s)
    }

    /// [`Quicklist::pop_front`] of any other element, of a head node's last
    /// element or of a compressed head: out of line.
    #[inline(never)]
    fn pop_front_slow(&mut self) -> Option<Vec<u8>> {
        // An element of another kind still leaves the node and its buffer
        // as they were.
        if let Some(value) = self.nodes.front_mut().and_then(Node::pop_first_lazy) {
            self.count -= 1;
            return Some(value);
        }
        self.tracked(0, 1, Self::pop_front_untracked)
    }

    fn pop_front_untracked(&mut self) -> Option<Vec<u8>> {
        let head = self.nodes.front_mut()?;
        let value = if head.len() == 1 {
            // The node goes: read its element where it is, without first
            // cutting out the entries popped before it.
            head.first_live().expect("nodes are never empty")
        } else {
            head.edit(|head| {
                let value = head.first().expect("nodes are never empty").to_vec();
                head.remove(0);
                value
            })
        };
        if head.len() <= 1 {
            self.nodes.pop_front();
            // The node that was at the head-side depth is now within it.
            self.decompress_at(self.depth().wrapping_sub(1));
        }
        self.count -= 1;
        Some(value)
    }

    /// Removes and returns the tail element.
    #[inline(always)]
    pub fn pop_back(&mut self) -> Option<Vec<u8>> {
        if let Some(value) = self.pop_back_short() {
            return Some(value);
        }
        self.pop_back_slow()
    }

    /// Pops the tail element when that is the usual case: a short string
    /// cut off a tail node that keeps other elements, whose buffer keeps
    /// its capacity, so no node goes and no byte count changes. None,
    /// nothing changed, otherwise (then [`Quicklist::pop_back`] takes the
    /// element).
    #[inline(always)]
    pub fn pop_back_short(&mut self) -> Option<Vec<u8>> {
        let value = self.nodes.back_mut()?.pop_last_short()?;
        self.count -= 1;
        Some(value)
    }

    /// [`Quicklist::pop_back`] of any other element, of a tail node's last
    /// element or of a tail holding popped entries: out of line.
    #[inline(never)]
    fn pop_back_slow(&mut self) -> Option<Vec<u8>> {
        if let Some(value) = self.nodes.back_mut().and_then(Node::pop_last_in_place) {
            self.count -= 1;
            return Some(value);
        }
        let last = self.nodes.len().saturating_sub(1);
        self.tracked(last, last + 1, Self::pop_back_untracked)
    }

    fn pop_back_untracked(&mut self) -> Option<Vec<u8>> {
        let tail = self.nodes.back_mut()?;
        let value = tail.edit(|tail| {
            let value = tail.last().expect("nodes are never empty").to_vec();
            tail.remove(-1);
            value
        });
        if tail.len() == 0 {
            self.nodes.pop_back();
            self.decompress_at(self.nodes.len().wrapping_sub(self.depth()));
        }
        self.count -= 1;
        Some(value)
    }
}
