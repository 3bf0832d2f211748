//! Lists: a quicklist of listpack nodes (Redis 7.0 always reports OBJECT
//! ENCODING `quicklist`), and the typed list commands on [`Keyspace`].
//!
//! # Thresholds
//!
//! A list takes `list-max-listpack-size` (node fill) and
//! `list-compress-depth` from the configuration when it is created and
//! keeps them, as Redis does: a later CONFIG SET only affects new lists.
//! Lists never change encoding in 7.0; a list that becomes empty is
//! deleted.
//!
//! # Compatibility
//!
//! Redis 7.0.15 `t_list.c`. The blocking commands (BLPOP, BRPOP, BLMOVE,
//! BRPOPLPUSH, BLMPOP) live in the command layer and reply as if their
//! timeout had expired when there is nothing to pop.

use crate::encoding::quicklist::{Quicklist, copy_out};
use std::ops::ControlFlow;

use crate::encoding::Listpack;
use crate::encoding::listpack::Elem;
use crate::error::{Error, Result};
use crate::keyspace::Keyspace;
use crate::util::num::write_i64;
use crate::value::{Encoding, Value};

/// The value of a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListValue {
    ql: Quicklist,
}

/// An end of a list: LEFT is the head, RIGHT the tail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    /// The head (LPUSH, LPOP, `LEFT`).
    Left,
    /// The tail (RPUSH, RPOP, `RIGHT`).
    Right,
}

/// LPOS options.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LposOptions {
    /// Which match to start from: 1 = first from the head, -1 = first from
    /// the tail (never 0).
    pub rank: i64,
    /// How many matches to return; 0 = all.
    pub count: usize,
    /// How many elements to scan at most; 0 = all.
    pub maxlen: usize,
}

impl Default for LposOptions {
    fn default() -> Self {
        LposOptions {
            rank: 1,
            count: 1,
            maxlen: 0,
        }
    }
}

impl ListValue {
    /// An empty list with the given node fill and compress depth.
    pub fn new(fill: i64, compress_depth: usize) -> Self {
        ListValue {
            ql: Quicklist::new(fill, compress_depth),
        }
    }

    /// Wraps a quicklist.
    pub fn from_quicklist(ql: Quicklist) -> Self {
        ListValue { ql }
    }

    /// The encoding OBJECT ENCODING reports (always `quicklist` in 7.0).
    pub fn encoding(&self) -> Encoding {
        Encoding::Quicklist
    }

    /// The underlying quicklist.
    pub fn quicklist(&self) -> &Quicklist {
        &self.ql
    }

    /// The number of elements.
    pub fn len(&self) -> usize {
        self.ql.len()
    }

    /// Whether the list is empty (only transiently: empty lists are deleted).
    pub fn is_empty(&self) -> bool {
        self.ql.is_empty()
    }

    /// Elements from head to tail, as bytes.
    pub fn to_vec(&self) -> Vec<Vec<u8>> {
        self.ql.iter().collect()
    }

    #[inline(always)]
    fn push(&mut self, end: End, value: &[u8]) {
        match end {
            End::Left => self.ql.push_front(value),
            End::Right => self.ql.push_back(value),
        }
    }

    #[inline(always)]
    fn pop(&mut self, end: End) -> Option<Vec<u8>> {
        match end {
            End::Left => self.ql.pop_front(),
            End::Right => self.ql.pop_back(),
        }
    }

    /// Pops up to `count` elements from `end`, in pop order: one pop at a
    /// time, so each takes the single pop's in-place path (LPOP marks
    /// entries popped instead of moving the node's buffer).
    fn pop_many(&mut self, end: End, count: usize) -> Vec<Vec<u8>> {
        let n = count.min(self.len());
        let mut out = Vec::with_capacity(n);
        for _ in 0..n {
            out.push(self.pop(end).expect("n is within the length"));
        }
        out
    }

    /// Elements between `start` and `stop` inclusive with LRANGE's index
    /// rules.
    fn range(&self, start: i64, stop: i64) -> Vec<Vec<u8>> {
        let Some((start, len)) = clamp_range(self.len(), start, stop) else {
            return Vec::new();
        };
        self.ql.range_vec(start, len)
    }

    /// Indexes of matches for LPOS.
    fn positions(&self, element: &[u8], opts: LposOptions) -> Vec<usize> {
        let reverse = opts.rank < 0;
        // Redis negates the rank in a C long, so i64::MIN stays negative
        // and then counts every match, as rank -1 does.
        let skip = match opts.rank {
            i64::MIN => 0,
            r => r.unsigned_abs() - 1,
        };
        let n = self.len();
        let scan = if opts.maxlen == 0 {
            n
        } else {
            opts.maxlen.min(n)
        };
        let start = if reverse { -1 } else { 0 };
        let mut out = Vec::new();
        let mut matches = 0u64;
        let mut i = 0;
        self.ql.scan(start, reverse, |elem| {
            if i == scan {
                return ControlFlow::Break(());
            }
            i += 1;
            if !elem.matches(element) {
                return ControlFlow::Continue(());
            }
            matches += 1;
            if matches <= skip {
                return ControlFlow::Continue(());
            }
            let at = i - 1;
            out.push(if reverse { n - 1 - at } else { at });
            if opts.count != 0 && out.len() >= opts.count {
                return ControlFlow::Break(());
            }
            ControlFlow::Continue(())
        });
        out
    }
}

/// LRANGE/LTRIM index arithmetic: the first index and the number of
/// elements of `[start, stop]` in a list of `len`, None when empty.
fn clamp_range(len: usize, start: i64, stop: i64) -> Option<(usize, usize)> {
    let n = len as i64;
    let mut start = if start < 0 {
        start.saturating_add(n)
    } else {
        start
    };
    let mut stop = if stop < 0 {
        stop.saturating_add(n)
    } else {
        stop
    };
    start = start.max(0);
    if start > stop || start >= n {
        return None;
    }
    stop = stop.min(n - 1);
    Some((start as usize, (stop - start + 1) as usize))
}

fn as_list(v: &mut Value) -> Option<&mut ListValue> {
    match v {
        Value::List(l) => Some(l),
        _ => None,
    }
}

/// The reply of a pop with a key name (LMPOP, BLPOP...): the key and the
/// elements popped.
pub type KeyedPop = (Vec<u8>, Vec<Vec<u8>>);

impl Keyspace {
    fn new_list_maker(&self) -> impl FnOnce() -> Value + use<> {
        let fill = self.config.list_max_listpack_size;
        let depth = self.config.list_compress_depth;
        move || Value::List(Box::new(ListValue::new(fill, depth)))
    }

    /// Checks that `key` is absent or a list, looking it up as a read
    /// (`write == false`) or write command would; true when it exists.
    /// Commands use it to order their errors as Redis does (key before a
    /// malformed index).
    ///
    /// # Errors
    /// [`Error::WrongType`] when the key holds another type.
    pub(crate) fn list_probe(&mut self, key: &[u8], write: bool) -> Result<bool> {
        let found = if write {
            self.write_typed(key, as_list)?
        } else {
            self.read_typed(key, as_list)?
        };
        Ok(found.is_some())
    }

    #[inline(always)]
    fn push_generic(&mut self, key: &[u8], values: &[&[u8]], end: End, xx: bool) -> Result<usize> {
        let before = self.dirty_mark();
        let list = if xx {
            match self.write_typed(key, as_list)? {
                Some(l) => l,
                None => return Ok(0),
            }
        } else {
            let make = self.new_list_maker();
            self.write_typed_or_insert(key, as_list, make)?
        };
        for v in values {
            list.push(end, v);
        }
        let len = list.len();
        self.signal_modified(key);
        self.set_dirty(before, values.len());
        Ok(len)
    }

    /// Prepends elements (each in turn, so the last ends up first),
    /// creating the list if needed; returns the new length.
    ///
    /// ```text
    /// LPUSH key element [element ...]
    /// ```
    /// O(1) per element.
    ///
    /// # Errors
    /// [`Error::WrongType`] when the key holds another type.
    ///
    /// [`Error::OutOfMemory`](crate::Error::OutOfMemory) when used memory is over `maxmemory`
    /// and eviction cannot bring it under; nothing is changed then.
    pub fn lpush(&mut self, key: &[u8], values: &[&[u8]]) -> Result<usize> {
        self.make_room()?;
        self.push_generic(key, values, End::Left, false)
    }

    /// Appends elements, creating the list if needed; returns the new length.
    ///
    /// ```text
    /// RPUSH key element [element ...]
    /// ```
    /// O(1) per element.
    ///
    /// # Errors
    /// [`Error::WrongType`] when the key holds another type.
    ///
    /// [`Error::OutOfMemory`](crate::Error::OutOfMemory) when used memory is over `maxmemory`
    /// and eviction cannot bring it under; nothing is changed then.
    pub fn rpush(&mut self, key: &[u8], values: &[&[u8]]) -> Result<usize> {
        self.make_room()?;
        self.push_generic(key, values, End::Right, false)
    }

    /// LPUSH only when the list exists; returns the new length, 0 if absent.
    ///
    /// ```text
    /// LPUSHX key element [element ...]
    /// ```
    /// O(1) per element.
    ///
    /// # Errors
    /// [`Error::WrongType`] when the key holds another type.
    ///
    /// [`Error::OutOfMemory`](crate::Error::OutOfMemory) when used memory is over `maxmemory`
    /// and eviction cannot bring it under; nothing is changed then.
    pub fn lpushx(&mut self, key: &[u8], values: &[&[u8]]) -> Result<usize> {
        self.make_room()?;
        self.push_generic(key, values, End::Left, true)
    }

    /// RPUSH only when the list exists; returns the new length, 0 if absent.
    ///
    /// ```text
    /// RPUSHX key element [element ...]
    /// ```
    /// O(1) per element.
    ///
    /// # Errors
    /// [`Error::WrongType`] when the key holds another type.
    ///
    /// [`Error::OutOfMemory`](crate::Error::OutOfMemory) when used memory is over `maxmemory`
    /// and eviction cannot bring it under; nothing is changed then.
    pub fn rpushx(&mut self, key: &[u8], values: &[&[u8]]) -> Result<usize> {
        self.make_room()?;
        self.push_generic(key, values, End::Right, true)
    }

    /// Pops from `end`: one element when `count` is None, else up to
    /// `count`. None when the key does not exist; `Some(vec![])` for a count
    /// of 0 on an existing list.
    fn pop_generic(
        &mut self,
        key: &[u8],
        end: End,
        count: Option<usize>,
    ) -> Result<Option<Vec<Vec<u8>>>> {
        let Some(list) = self.write_typed(key, as_list)? else {
            return Ok(None);
        };
        let popped = match count {
            Some(0) => return Ok(Some(Vec::new())),
            None => vec![list.pop(end).expect("lists are never empty")],
            Some(n) => list.pop_many(end, n),
        };
        let emptied = list.is_empty();
        let before = self.dirty_mark();
        self.settle_removal(key, emptied);
        self.set_dirty(before, popped.len());
        Ok(Some(popped))
    }

    /// Redis counts list writes per element (and LTRIM per element
    /// removed), where `signal_modified` counts one per call: sets the
    /// counter to `before + changes`.
    /// Keys expired lazily meanwhile keep the count they added.
    fn set_dirty(&mut self, before: (u64, u64), changes: usize) {
        let expired = self.stats.expired_keys - before.1;
        self.stats.dirty = before.0 + changes as u64 + expired;
    }

    /// The write and expiry counters before a list write.
    fn dirty_mark(&self) -> (u64, u64) {
        (self.stats.dirty, self.stats.expired_keys)
    }

    /// Deletes `key` if its list became empty and records the change.
    fn after_removal(&mut self, key: &[u8]) {
        let empty = matches!(
            self.db().get(key).map(|e| &e.value),
            Some(Value::List(l)) if l.is_empty()
        );
        self.settle_removal(key, empty);
    }

    /// Records a removal from the list at `key`: deletes the key when
    /// `emptied` (the caller saw the list become empty), else signals the
    /// change. Saves [`Keyspace::after_removal`]'s second lookup.
    #[inline]
    fn settle_removal(&mut self, key: &[u8], emptied: bool) {
        if emptied {
            self.remove_emptied(key);
        } else {
            self.signal_modified(key);
        }
    }

    /// Removes and returns elements from the head: one when `count` is None,
    /// else up to `count` (0 gives an empty vector). None when the key does
    /// not exist.
    ///
    /// ```text
    /// LPOP key [count]
    /// ```
    /// O(n) in the number of elements returned.
    ///
    /// # Errors
    /// [`Error::WrongType`] when the key holds another type.
    pub fn lpop(&mut self, key: &[u8], count: Option<usize>) -> Result<Option<Vec<Vec<u8>>>> {
        self.pop_generic(key, End::Left, count)
    }

    /// LPOP without a count: the head element itself, None when the key
    /// does not exist ([`Keyspace::lpop`] with `None`, without the
    /// one-element vector).
    ///
    /// ```text
    /// LPOP key
    /// ```
    /// O(1).
    ///
    /// # Errors
    /// [`Error::WrongType`] when the key holds another type.
    pub fn lpop_one(&mut self, key: &[u8]) -> Result<Option<Vec<u8>>> {
        self.pop_one(key, End::Left)
    }

    /// RPOP without a count: the tail element itself, None when the key
    /// does not exist.
    ///
    /// ```text
    /// RPOP key
    /// ```
    /// O(1).
    ///
    /// # Errors
    /// [`Error::WrongType`] when the key holds another type.
    pub fn rpop_one(&mut self, key: &[u8]) -> Result<Option<Vec<u8>>> {
        self.pop_one(key, End::Right)
    }

    /// One element from `end`, None when the key does not exist.
    #[inline(always)]
    fn pop_one(&mut self, key: &[u8], end: End) -> Result<Option<Vec<u8>>> {
        let Some(list) = self.write_typed(key, as_list)? else {
            return Ok(None);
        };
        if end == End::Left
            && let Some(s) = list.ql.pop_front_short()
        {
            // The usual LPOP: the head node keeps other elements, so the
            // list stays; the bytes are copied out of its buffer.
            let value = copy_out(s);
            self.signal_modified(key);
            return Ok(Some(value));
        }
        if end == End::Right
            && let Some(value) = list.ql.pop_back_short()
        {
            // The usual RPOP, likewise.
            self.signal_modified(key);
            return Ok(Some(value));
        }
        let value = list.pop(end).expect("lists are never empty");
        // The one write Redis counts: `settle_removal` signals the change
        // or the deletion of the emptied key, each counting one.
        let emptied = list.is_empty();
        self.settle_removal(key, emptied);
        Ok(Some(value))
    }

    /// [`Keyspace::lpop`] from the tail (elements in pop order).
    ///
    /// ```text
    /// RPOP key [count]
    /// ```
    /// O(n) in the number of elements returned.
    ///
    /// # Errors
    /// [`Error::WrongType`] when the key holds another type.
    pub fn rpop(&mut self, key: &[u8], count: Option<usize>) -> Result<Option<Vec<Vec<u8>>>> {
        self.pop_generic(key, End::Right, count)
    }

    /// The length of the list (0 when absent).
    ///
    /// ```text
    /// LLEN key
    /// ```
    /// O(1).
    ///
    /// # Errors
    /// [`Error::WrongType`] when the key holds another type.
    pub fn llen(&mut self, key: &[u8]) -> Result<usize> {
        Ok(self.read_typed(key, as_list)?.map_or(0, |l| l.len()))
    }

    /// The element at `index` (negative counts from the tail).
    ///
    /// ```text
    /// LINDEX key index
    /// ```
    /// O(n) in the distance from the nearer end.
    ///
    /// # Errors
    /// [`Error::WrongType`] when the key holds another type.
    pub fn lindex(&mut self, key: &[u8], index: i64) -> Result<Option<Vec<u8>>> {
        let Some(list) = self.read_typed(key, as_list)? else {
            return Ok(None);
        };
        Ok(list.ql.get(index))
    }

    /// Replaces the element at `index`.
    ///
    /// ```text
    /// LSET key index element
    /// ```
    /// O(n) in the distance from the nearer end.
    ///
    /// # Errors
    /// [`Error::NoSuchKey`] when the key is absent, [`Error::WrongType`],
    /// [`Error::IndexOutOfRange`] when `index` is outside the list.
    ///
    /// [`Error::OutOfMemory`](crate::Error::OutOfMemory) when used memory is over `maxmemory`
    /// and eviction cannot bring it under; nothing is changed then.
    pub fn lset(&mut self, key: &[u8], index: i64, value: &[u8]) -> Result<()> {
        self.make_room()?;
        let list = self.write_typed(key, as_list)?.ok_or(Error::NoSuchKey)?;
        if !list.ql.replace(index, value) {
            return Err(Error::IndexOutOfRange);
        }
        self.signal_modified(key);
        Ok(())
    }

    /// The elements from `start` to `stop` inclusive (negative indexes count
    /// from the tail; out-of-range ends are clipped).
    ///
    /// ```text
    /// LRANGE key start stop
    /// ```
    /// O(s + n): s to reach `start`, n elements returned.
    ///
    /// # Errors
    /// [`Error::WrongType`] when the key holds another type.
    pub fn lrange(&mut self, key: &[u8], start: i64, stop: i64) -> Result<Vec<Vec<u8>>> {
        Ok(self
            .read_typed(key, as_list)?
            .map_or_else(Vec::new, |l| l.range(start, stop)))
    }

    /// [`Keyspace::lrange`] without copying: calls `f` on each element in
    /// order, borrowed from the list (an integer-encoded element is
    /// formatted into a scratch buffer first), and returns how many there
    /// were. For callers that write the elements straight into a reply or
    /// consume them in place.
    ///
    /// ```text
    /// LRANGE key start stop
    /// ```
    /// O(s + n): s to reach `start`, n elements visited.
    ///
    /// # Errors
    /// [`Error::WrongType`] when the key holds another type.
    pub fn lrange_with(
        &mut self,
        key: &[u8],
        start: i64,
        stop: i64,
        mut f: impl FnMut(&[u8]),
    ) -> Result<usize> {
        let Some(list) = self.read_typed(key, as_list)? else {
            return Ok(0);
        };
        let Some((first, n)) = clamp_range(list.len(), start, stop) else {
            return Ok(0);
        };
        let mut digits = [0u8; 20];
        Ok(list.ql.range_each(first, n, |e| match e {
            Elem::Str(s) => f(s),
            Elem::Int(v) => f(write_i64(&mut digits, v)),
        }))
    }

    /// Keeps only the elements from `start` to `stop` (LRANGE's rules),
    /// deleting the key when nothing is left.
    ///
    /// ```text
    /// LTRIM key start stop
    /// ```
    /// O(n) in the number of elements removed.
    ///
    /// # Errors
    /// [`Error::WrongType`] when the key holds another type.
    pub fn ltrim(&mut self, key: &[u8], start: i64, stop: i64) -> Result<()> {
        let Some(list) = self.write_typed(key, as_list)? else {
            return Ok(());
        };
        let len = list.len();
        let (ltrim, rtrim) = match clamp_range(len, start, stop) {
            None => (len, 0),
            Some((first, n)) => (first, len - first - n),
        };
        list.ql.remove_range(0, ltrim);
        list.ql.remove_range(-(rtrim as i64), rtrim);
        let emptied = list.is_empty();
        let before = self.dirty_mark();
        self.settle_removal(key, emptied);
        self.set_dirty(before, ltrim + rtrim);
        Ok(())
    }

    /// Removes elements equal to `element`: the first `count` from the head
    /// (count > 0), the last `-count` from the tail (count < 0) or all
    /// (count = 0); returns how many were removed.
    ///
    /// ```text
    /// LREM key count element
    /// ```
    /// O(n).
    ///
    /// # Errors
    /// [`Error::WrongType`] when the key holds another type.
    pub fn lrem(&mut self, key: &[u8], count: i64, element: &[u8]) -> Result<usize> {
        let Some(list) = self.write_typed(key, as_list)? else {
            return Ok(0);
        };
        let limit = usize::try_from(count.unsigned_abs()).unwrap_or(usize::MAX);
        let removed = list.ql.remove_matching(element, limit, count < 0);
        if removed > 0 {
            let emptied = list.is_empty();
            let before = self.dirty_mark();
            self.settle_removal(key, emptied);
            self.set_dirty(before, removed);
        }
        Ok(removed)
    }

    /// Inserts `element` before (or after) the first element equal to
    /// `pivot`; returns the new length, -1 when the pivot is not found and 0
    /// when the key does not exist.
    ///
    /// ```text
    /// LINSERT key BEFORE|AFTER pivot element
    /// ```
    /// O(n) to find the pivot.
    ///
    /// # Errors
    /// [`Error::WrongType`] when the key holds another type.
    ///
    /// [`Error::OutOfMemory`](crate::Error::OutOfMemory) when used memory is over `maxmemory`
    /// and eviction cannot bring it under; nothing is changed then.
    pub fn linsert(
        &mut self,
        key: &[u8],
        after: bool,
        pivot: &[u8],
        element: &[u8],
    ) -> Result<i64> {
        self.make_room()?;
        let Some(list) = self.write_typed(key, as_list)? else {
            return Ok(0);
        };
        let Some(index) = list.ql.position(pivot) else {
            return Ok(-1);
        };
        list.ql.insert(index as i64, element, after);
        let len = list.len() as i64;
        self.signal_modified(key);
        Ok(len)
    }

    /// Indexes of elements equal to `element` (always counted from the
    /// head), following `opts`; empty when the key does not exist.
    ///
    /// ```text
    /// LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len]
    /// ```
    /// O(n).
    ///
    /// # Errors
    /// [`Error::WrongType`] when the key holds another type.
    pub fn lpos(&mut self, key: &[u8], element: &[u8], opts: LposOptions) -> Result<Vec<usize>> {
        Ok(self
            .read_typed(key, as_list)?
            .map_or_else(Vec::new, |l| l.positions(element, opts)))
    }

    /// Pops an element from `from` of `source` and pushes it to `to` of
    /// `destination` (which may be the same list); returns the element, None
    /// when `source` does not exist.
    ///
    /// ```text
    /// LMOVE source destination LEFT|RIGHT LEFT|RIGHT
    /// ```
    /// O(1).
    ///
    /// # Errors
    /// [`Error::WrongType`] when either key holds another type (nothing
    /// moves).
    ///
    /// [`Error::OutOfMemory`](crate::Error::OutOfMemory) when used memory is over `maxmemory`
    /// and eviction cannot bring it under; nothing is changed then.
    pub fn lmove(
        &mut self,
        source: &[u8],
        destination: &[u8],
        from: End,
        to: End,
    ) -> Result<Option<Vec<u8>>> {
        self.make_room()?;
        if self.write_typed(source, as_list)?.is_none() {
            return Ok(None);
        }
        self.write_typed(destination, as_list)?;
        let list = self.write_typed(source, as_list)?.expect("checked above");
        let value = list.pop(from).expect("lists are never empty");
        if source == destination {
            list.push(to, &value);
            self.signal_modified(source);
            return Ok(Some(value));
        }
        let before = self.dirty_mark();
        let make = self.new_list_maker();
        self.write_typed_or_insert(destination, as_list, make)?
            .push(to, &value);
        self.signal_modified(destination);
        self.after_removal(source);
        self.set_dirty(before, 1);
        Ok(Some(value))
    }

    /// LMOVE source destination RIGHT LEFT.
    ///
    /// ```text
    /// RPOPLPUSH source destination
    /// ```
    /// O(1).
    ///
    /// # Errors
    /// [`Error::WrongType`] when either key holds another type.
    ///
    /// [`Error::OutOfMemory`](crate::Error::OutOfMemory) when used memory is over `maxmemory`
    /// and eviction cannot bring it under; nothing is changed then.
    pub fn rpoplpush(&mut self, source: &[u8], destination: &[u8]) -> Result<Option<Vec<u8>>> {
        self.make_room()?;
        self.lmove(source, destination, End::Right, End::Left)
    }

    /// Pops up to `count` elements from `end` of the first non-empty list
    /// among `keys`; returns its name and the elements, None when all are
    /// absent.
    ///
    /// ```text
    /// LMPOP numkeys key [key ...] LEFT|RIGHT [COUNT count]
    /// ```
    /// O(k + n): k keys probed, n elements returned.
    ///
    /// # Errors
    /// [`Error::WrongType`] when a key reached before the first list holds
    /// another type.
    pub fn lmpop(&mut self, keys: &[&[u8]], end: End, count: usize) -> Result<Option<KeyedPop>> {
        for key in keys {
            if let Some(popped) = self.pop_generic(key, end, Some(count))? {
                return Ok(Some((key.to_vec(), popped)));
            }
        }
        Ok(None)
    }

    /// Heap bytes a list's quicklist holds (node buffers with their spare
    /// capacity and the node table), 0 when the key is absent: an estimate
    /// of its memory use comparable with Redis's per-element figures.
    ///
    /// # Errors
    /// [`Error::WrongType`] when the key holds another type.
    pub fn list_allocated_bytes(&mut self, key: &[u8]) -> Result<usize> {
        match self.lookup_quiet(key).map(|e| &e.value) {
            None => Ok(0),
            Some(Value::List(l)) => Ok(l.ql.allocated_bytes() + std::mem::size_of::<ListValue>()),
            Some(_) => Err(Error::WrongType),
        }
    }

    /// The node listpacks of a list, decompressed (for DUMP-style
    /// inspection and tests).
    ///
    /// # Errors
    /// [`Error::WrongType`] when the key holds another type.
    pub fn list_nodes(&mut self, key: &[u8]) -> Result<Option<Vec<Listpack>>> {
        self.list_quicklist(key, |ql| {
            ql.listpacks().map(std::borrow::Cow::into_owned).collect()
        })
    }

    /// Runs `f` on a list's quicklist (for inspection: node states, LZF
    /// blobs, validation), without touching the key's access time; None
    /// when the key is absent.
    ///
    /// # Errors
    /// [`Error::WrongType`] when the key holds another type.
    pub fn list_quicklist<R>(
        &mut self,
        key: &[u8],
        f: impl FnOnce(&Quicklist) -> R,
    ) -> Result<Option<R>> {
        self.lookup_quiet(key)
            .map(|e| match &e.value {
                Value::List(l) => Ok(f(&l.ql)),
                _ => Err(Error::WrongType),
            })
            .transpose()
    }
}

/// Exposes list element access to other modules.
impl ListValue {
    /// The element at `index` (negative counts from the tail).
    pub fn get(&self, index: i64) -> Option<Vec<u8>> {
        self.ql.get(index)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    fn ks() -> Keyspace {
        Keyspace::new(Config::default())
    }

    #[test]
    fn push_pop_and_delete_when_empty() {
        let mut ks = ks();
        assert_eq!(ks.rpush(b"k", &[b"a", b"b", b"c"]), Ok(3));
        assert_eq!(ks.lpush(b"k", &[b"x", b"y"]), Ok(5));
        assert_eq!(
            ks.lrange(b"k", 0, -1).unwrap(),
            vec![
                b"y".to_vec(),
                b"x".to_vec(),
                b"a".to_vec(),
                b"b".to_vec(),
                b"c".to_vec()
            ]
        );
        assert_eq!(ks.lpop(b"k", Some(0)), Ok(Some(vec![])));
        assert_eq!(
            ks.rpop(b"k", Some(2)),
            Ok(Some(vec![b"c".to_vec(), b"b".to_vec()]))
        );
        assert_eq!(ks.lpop(b"k", Some(10)).unwrap().unwrap().len(), 3);
        assert!(!ks.key_exists(b"k"));
        assert_eq!(ks.lpop(b"k", None), Ok(None));
        assert_eq!(ks.lpushx(b"k", &[b"a"]), Ok(0));
        ks.validate().unwrap();
    }

    /// LRANGE by visitor gives what LRANGE returns, integers as decimal.
    #[test]
    fn lrange_with_matches_lrange() {
        let mut ks = ks();
        let values: Vec<Vec<u8>> = (0..500)
            .map(|i| match i % 3 {
                0 => format!("{}", i as i64 * 1000 - 7000).into_bytes(),
                1 => format!("e{i:015}").into_bytes(),
                _ => vec![b'x'; i % 70],
            })
            .collect();
        let refs: Vec<&[u8]> = values.iter().map(Vec::as_slice).collect();
        ks.rpush(b"l", &refs).unwrap();
        for (start, stop) in [
            (0, -1),
            (3, 99),
            (-50, -2),
            (130, 700),
            (400, 10),
            (-900, 2),
        ] {
            let mut seen = Vec::new();
            let n = ks.lrange_with(b"l", start, stop, |e| seen.push(e.to_vec()));
            assert_eq!(n, Ok(seen.len()));
            assert_eq!(
                seen,
                ks.lrange(b"l", start, stop).unwrap(),
                "{start} {stop}"
            );
        }
        assert_eq!(ks.lrange_with(b"none", 0, -1, |_| panic!("no list")), Ok(0));
        ks.setnx(b"s", b"v").unwrap();
        assert_eq!(ks.lrange_with(b"s", 0, -1, |_| {}), Err(Error::WrongType));
    }

    /// The single pops give what LPOP/RPOP without a count give, delete
    /// the emptied key and count one write each.
    #[test]
    fn single_pops() {
        let mut ks = ks();
        ks.rpush(b"l", &[b"a", b"2", b"c"]).unwrap();
        let dirty = ks.stats().dirty;
        assert_eq!(ks.lpop_one(b"l"), Ok(Some(b"a".to_vec())));
        assert_eq!(ks.rpop_one(b"l"), Ok(Some(b"c".to_vec())));
        assert_eq!(ks.stats().dirty, dirty + 2);
        assert_eq!(ks.lpop_one(b"l"), Ok(Some(b"2".to_vec())));
        assert!(!ks.key_exists(b"l"));
        assert_eq!(ks.lpop_one(b"l"), Ok(None));
        assert_eq!(ks.rpop_one(b"l"), Ok(None));
        ks.setnx(b"s", b"v").unwrap();
        assert_eq!(ks.lpop_one(b"s"), Err(Error::WrongType));
        ks.validate().unwrap();
    }

    /// A keyspace with list-max-listpack-size `fill` and
    /// list-compress-depth `depth` whose list `l` holds `n` elements
    /// cycling through `values`.
    fn filled_list(values: &[Vec<u8>], fill: i64, depth: usize, n: usize) -> Keyspace {
        let mut ks = Keyspace::new(Config {
            list_max_listpack_size: fill,
            list_compress_depth: depth,
            ..Config::default()
        });
        for v in values.iter().cycle().take(n) {
            ks.rpush(b"l", &[v]).unwrap();
        }
        ks
    }

    /// `lpop_one` (whose usual case skips the general pop) and LPOP
    /// without a count give the same elements, writes and memory, over
    /// every element kind, nodes of one entry and compressed nodes.
    #[test]
    fn single_head_pops_match_lpop() {
        let mut values: Vec<Vec<u8>> = (0..70).map(|n| vec![b'k'; n]).collect();
        values
            .extend(["12", "-7", "70000", "-2147483648", "9223372036854775807"].map(|s| s.into()));
        values.push(vec![b'z'; 9000]);
        for (fill, depth) in [(-2, 0), (0, 0), (4, 1)] {
            let (mut one, mut generic) = (
                filled_list(&values, fill, depth, 400),
                filled_list(&values, fill, depth, 400),
            );
            while generic.key_exists(b"l") {
                let want = generic
                    .lpop(b"l", None)
                    .unwrap()
                    .map(|mut v| v.pop().unwrap());
                assert_eq!(one.lpop_one(b"l").unwrap(), want);
                assert_eq!(one.stats().dirty, generic.stats().dirty);
                assert_eq!(one.used_memory(), generic.used_memory());
            }
            assert!(!one.key_exists(b"l"));
            one.validate().unwrap();
        }
    }

    /// LPOP and RPOP with a count give what as many single pops give,
    /// with the same memory and the key deleted with its last element.
    #[test]
    fn count_pops_match_single_pops() {
        let mut values: Vec<Vec<u8>> = (0..70).map(|n| vec![b'c'; n]).collect();
        values.extend(["3", "-90000", "4611686018427387904"].map(|s| s.into()));
        values.push(vec![b'w'; 5000]);
        for (fill, depth) in [(-2, 0), (0, 0), (3, 1)] {
            let (mut counted, mut single) = (
                filled_list(&values, fill, depth, 300),
                filled_list(&values, fill, depth, 300),
            );
            let mut round = 0;
            while single.key_exists(b"l") {
                round += 1;
                let (end, n) = (round % 2, round % 9);
                let got = match end {
                    0 => counted.lpop(b"l", Some(n)),
                    _ => counted.rpop(b"l", Some(n)),
                };
                let mut want = Vec::new();
                for _ in 0..n {
                    let one = match end {
                        0 => single.lpop_one(b"l"),
                        _ => single.rpop_one(b"l"),
                    };
                    want.extend(one.unwrap());
                }
                assert_eq!(got.unwrap(), Some(want));
                assert_eq!(counted.used_memory(), single.used_memory());
            }
            assert!(!counted.key_exists(b"l"));
            counted.validate().unwrap();
        }
    }

    #[test]
    fn wrong_type_is_reported() {
        let mut ks = ks();
        ks.setnx(b"s", b"v").unwrap();
        assert_eq!(ks.lpush(b"s", &[b"a"]), Err(Error::WrongType));
        assert_eq!(ks.llen(b"s"), Err(Error::WrongType));
        ks.rpush(b"l", &[b"a"]).unwrap();
        assert_eq!(
            ks.lmove(b"l", b"s", End::Left, End::Left),
            Err(Error::WrongType)
        );
        assert_eq!(ks.llen(b"l"), Ok(1));
        assert_eq!(ks.get(b"l"), Err(Error::WrongType));
    }

    /// The write counter moves as Redis's `dirty`: per element pushed,
    /// popped, trimmed or removed; one per LSET, LINSERT and LMOVE.
    #[test]
    fn dirty_counts_elements() {
        let mut ks = ks();
        let d = |ks: &Keyspace| ks.stats().dirty;
        let start = d(&ks);
        ks.rpush(b"l", &[b"a", b"b", b"c", b"d", b"e"]).unwrap();
        assert_eq!(d(&ks), start + 5);
        ks.lpop(b"l", Some(2)).unwrap();
        assert_eq!(d(&ks), start + 7);
        ks.ltrim(b"l", 0, -1).unwrap();
        assert_eq!(d(&ks), start + 7);
        ks.ltrim(b"l", 1, -1).unwrap();
        assert_eq!(d(&ks), start + 8);
        ks.lmove(b"l", b"m", End::Left, End::Left).unwrap();
        assert_eq!(d(&ks), start + 9);
        ks.lrem(b"m", 0, b"zz").unwrap();
        ks.lpop(b"m", Some(0)).unwrap();
        assert_eq!(d(&ks), start + 9);
        ks.lpop(b"m", Some(5)).unwrap();
        assert_eq!(d(&ks), start + 10);
    }

    #[test]
    fn lmove_to_itself_rotates() {
        let mut ks = ks();
        ks.rpush(b"l", &[b"1", b"2", b"3"]).unwrap();
        assert_eq!(ks.rpoplpush(b"l", b"l"), Ok(Some(b"3".to_vec())));
        assert_eq!(
            ks.lrange(b"l", 0, -1).unwrap(),
            vec![b"3".to_vec(), b"1".to_vec(), b"2".to_vec()]
        );
        assert_eq!(
            ks.lmove(b"l", b"m", End::Left, End::Right),
            Ok(Some(b"3".to_vec()))
        );
        assert_eq!(ks.llen(b"m"), Ok(1));
    }

    #[test]
    fn ltrim_lrem_linsert_lpos() {
        let mut ks = ks();
        ks.rpush(b"l", &[b"a", b"b", b"a", b"c", b"a"]).unwrap();
        let all = LposOptions {
            count: 0,
            ..LposOptions::default()
        };
        assert_eq!(ks.lpos(b"l", b"a", all), Ok(vec![0, 2, 4]));
        let back = LposOptions {
            rank: -2,
            count: 0,
            maxlen: 0,
        };
        assert_eq!(ks.lpos(b"l", b"a", back), Ok(vec![2, 0]));
        assert_eq!(ks.linsert(b"l", true, b"c", b"d"), Ok(6));
        assert_eq!(ks.linsert(b"l", false, b"zz", b"d"), Ok(-1));
        assert_eq!(ks.lrem(b"l", -2, b"a"), Ok(2));
        ks.ltrim(b"l", 1, -1).unwrap();
        assert_eq!(
            ks.lrange(b"l", 0, -1).unwrap(),
            vec![b"b".to_vec(), b"c".to_vec(), b"d".to_vec()]
        );
        ks.ltrim(b"l", 5, 10).unwrap();
        assert!(!ks.key_exists(b"l"));
    }
}
