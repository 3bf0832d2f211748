//! Positions: Redis's entry-pointer API without pointers. A [`Pos`] is the
//! byte offset of an entry, so a caller can find an element and then read,
//! replace or delete it (or its neighbour) without walking twice.

use super::{
    COUNT_UNKNOWN, EOF, Elem, HDR, Listpack, backlen_size, canonical, canonical_size, decode,
    encode_canonical, encode_entry, entry_matches, entry_size, read_backlen, same_bytes,
};

/// Writes the entry of a string under 64 bytes at the start of `out`
/// (tag, bytes, one-byte backlen) and returns its size.
#[inline]
fn put_short(out: &mut [u8], s: &[u8]) -> usize {
    let n = s.len();
    out[0] = 0x80 | n as u8;
    out[1..=n].copy_from_slice(s);
    out[n + 1] = n as u8 + 1;
    n + 2
}

/// The byte offset of one entry (or of the terminator, see
/// [`Listpack::end_pos`]) inside a listpack.
///
/// A position is only meaningful for the listpack state it came from: any
/// mutation invalidates all positions except the one the mutation returns.
/// Using a stale position never causes undefined behaviour but may panic or
/// read a meaningless element.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pos(pub(super) usize);

impl Pos {
    /// The entry's byte offset from the start of the listpack.
    pub fn offset(self) -> usize {
        self.0
    }
}

impl Listpack {
    /// The position of the entry at byte `offset` (one a [`Pos::offset`]
    /// gave, possibly advanced by whole entries), None at the terminator.
    ///
    /// # Panics
    /// If `offset` is past the end; an offset inside an entry gives a
    /// stale position.
    pub fn pos_at(&self, offset: usize) -> Option<Pos> {
        (self.buf[offset] != EOF).then_some(Pos(offset))
    }

    /// Position of the element at `index` (negative from the end), walking
    /// from the nearer end when the count is known (Redis `lpSeek`). O(n).
    pub fn seek(&self, index: isize) -> Option<Pos> {
        let known = self.header_count() != super::COUNT_UNKNOWN;
        let n = if known { self.len() as isize } else { 0 };
        let index = if known && index < 0 { index + n } else { index };
        if known && !(0..n).contains(&index) {
            return None;
        }
        if index >= 0 && (!known || index <= n / 2) {
            let mut p = self.first_pos()?;
            for _ in 0..index {
                p = self.next_pos(p)?;
            }
            Some(p)
        } else {
            let from_end = if index < 0 { index } else { index - n };
            let mut p = self.last_pos()?;
            for _ in 1..from_end.unsigned_abs() {
                p = self.prev_pos(p)?;
            }
            Some(p)
        }
    }

    /// Position of the first element.
    pub fn first_pos(&self) -> Option<Pos> {
        (self.buf[HDR] != EOF).then_some(Pos(HDR))
    }

    /// Position of the last element.
    pub fn last_pos(&self) -> Option<Pos> {
        self.prev_pos(self.end_pos())
    }

    /// Position of the terminator: inserting before it appends.
    pub fn end_pos(&self) -> Pos {
        Pos(self.buf.len() - 1)
    }

    /// Position of the element after `pos`, None if `pos` is the last
    /// (Redis `lpNext`).
    ///
    /// # Panics
    /// If `pos` is the terminator or stale.
    pub fn next_pos(&self, pos: Pos) -> Option<Pos> {
        let next = pos.0 + entry_size(&self.buf, pos.0);
        (self.buf[next] != EOF).then_some(Pos(next))
    }

    /// Position of the element before `pos` (which may be the terminator),
    /// None if `pos` is the first (Redis `lpPrev`).
    ///
    /// # Panics
    /// If `pos` is stale.
    pub fn prev_pos(&self, pos: Pos) -> Option<Pos> {
        if pos.0 <= HDR {
            return None;
        }
        let enc = read_backlen(&self.buf, pos.0 - 1).expect("valid listpack");
        Some(Pos(pos.0 - enc as usize - backlen_size(enc)))
    }

    /// The element at `pos`.
    ///
    /// # Panics
    /// If `pos` is the terminator or stale.
    pub fn at(&self, pos: Pos) -> Elem<'_> {
        decode(&self.buf, pos.0).0
    }

    /// The elements from `pos` (an entry or the terminator) to the end,
    /// front to back (double-ended).
    ///
    /// # Panics
    /// If `pos` is stale.
    pub fn iter_from(&self, pos: Pos) -> super::Iter<'_> {
        let mut it = self.iter();
        it.front = pos.0;
        it
    }

    /// The bytes of the entry at byte `offset` when it is a short string
    /// (under 64 bytes, the usual list element; its entry takes two bytes
    /// more); None for any other entry or the terminator.
    ///
    /// # Panics
    /// If `offset` is stale (inside an entry).
    #[inline(always)]
    pub(crate) fn short_str_at(&self, offset: usize) -> Option<&[u8]> {
        let tag = *self.buf.get(offset)?;
        if tag & 0xC0 != 0x80 {
            return None;
        }
        self.buf
            .get(offset + 1..offset + 1 + usize::from(tag & 0x3F))
    }

    /// Removes the last element when it is a short string (under 64
    /// bytes, the usual list element), handing its bytes to `f` first; the
    /// buffer keeps its capacity. None, nothing changed, for any other
    /// last entry or when there is none.
    #[inline(always)]
    pub(crate) fn pop_back_short_with<R>(&mut self, f: impl FnOnce(&[u8]) -> R) -> Option<R> {
        let len = self.buf.len();
        // A short string's backlen is one byte holding its encoding's
        // size, 1 + n; the entry's tag says the same length.
        let enc = usize::from(self.buf[len - 2]);
        let at = len.checked_sub(2 + enc).filter(|&at| at >= HDR)?;
        if enc == 0 || enc > 64 || self.buf[at] != 0x80 | (enc - 1) as u8 {
            return None;
        }
        let out = f(&self.buf[at + 1..at + enc]);
        self.buf.truncate(at + 1);
        self.buf[at] = EOF;
        // The header, in line: the new size, and a known count less one.
        let head = &mut self.buf[..HDR];
        head[..4].copy_from_slice(&(at as u32 + 1).to_le_bytes());
        let count = u16::from_le_bytes([head[4], head[5]]);
        if count != COUNT_UNKNOWN {
            head[4..].copy_from_slice(&(count - 1).to_le_bytes());
        }
        Some(out)
    }

    /// The element at `pos` and the bytes its entry takes (encoding plus
    /// backlen), in one decode; a short string (under 64 bytes, the usual
    /// list element) is read in line.
    ///
    /// # Panics
    /// If `pos` is the terminator or stale.
    #[inline]
    pub fn at_with_len(&self, pos: Pos) -> (Elem<'_>, usize) {
        let tag = self.buf[pos.0];
        if tag & 0xC0 == 0x80 {
            let n = usize::from(tag & 0x3F);
            return (Elem::Str(&self.buf[pos.0 + 1..pos.0 + 1 + n]), n + 2);
        }
        decode(&self.buf, pos.0)
    }

    /// The bytes the entry at `pos` takes (encoding plus backlen).
    ///
    /// # Panics
    /// If `pos` is the terminator or stale.
    pub fn entry_len_at(&self, pos: Pos) -> usize {
        entry_size(&self.buf, pos.0)
    }

    /// Position of the first element equal to `needle` (as
    /// [`Elem::matches`]) among `start` and every `skip + 1`-th element
    /// after it (Redis `lpFind`). Starting at the terminator finds nothing.
    ///
    /// # Panics
    /// If `start` is stale.
    pub fn find_pos(&self, start: Pos, needle: &[u8], skip: usize) -> Option<Pos> {
        let buf = &self.buf[..];
        let wanted = crate::util::num::parse_i64(needle);
        let mut p = start.0;
        loop {
            if buf[p] == EOF {
                return None;
            }
            let (hit, len) = entry_matches(buf, p, needle, wanted);
            if hit {
                return Some(Pos(p));
            }
            p += len;
            for _ in 0..skip {
                if buf[p] == EOF {
                    return None;
                }
                p += entry_size(buf, p);
            }
        }
    }

    /// Inserts `elem` before `pos` (the terminator appends) and returns the
    /// new element's position (Redis `lpInsert` before).
    ///
    /// # Panics
    /// If `pos` is stale or the listpack would exceed 4 GiB.
    pub fn insert_before<'e>(&mut self, pos: Pos, elem: impl Into<Elem<'e>>) -> Pos {
        self.buf.splice(pos.0..pos.0, encode_entry(elem.into()));
        self.bump_count(true, 1);
        self.set_total();
        pos
    }

    /// One walk over a listpack of (key, value) pairs, for a sorted set's
    /// insert: `Ok` with the position of the first key equal to `needle`
    /// (as [`Listpack::find_pos`] compares), else `Err` with the position
    /// of the first pair for which `before(key position, value)` holds,
    /// or the terminator when none does. `before` is called in order on
    /// each pair until it holds, and not after.
    ///
    /// # Panics
    /// If an element count is odd (a trailing key without a value).
    #[inline]
    pub(crate) fn find_or_slot(
        &self,
        needle: &[u8],
        mut before: impl FnMut(Pos, Elem<'_>) -> bool,
    ) -> Result<Pos, Pos> {
        let buf = &self.buf[..];
        let wanted = crate::util::num::parse_i64(needle);
        let mut p = HDR;
        let mut slot = None;
        while buf[p] != EOF {
            // A short string (a small sorted set's usual member) in line.
            let tag = buf[p];
            let (hit, len) = if tag & 0xC0 == 0x80 {
                let n = usize::from(tag & 0x3F);
                // Members often differ in their last byte: that first.
                let hit = n == needle.len()
                    && (n == 0 || buf[p + n] == needle[n - 1])
                    && same_bytes(&buf[p + 1..p + 1 + n], needle);
                (hit, n + 2)
            } else {
                entry_matches(buf, p, needle, wanted)
            };
            if hit {
                return Ok(Pos(p));
            }
            let vp = p + len;
            let size = if slot.is_none() {
                let (value, size) = self.at_with_len(Pos(vp));
                if before(Pos(p), value) {
                    slot = Some(p);
                }
                size
            } else {
                match buf[vp] {
                    tag @ 0x80..=0xBF => usize::from(tag & 0x3F) + 2,
                    _ => entry_size(buf, vp),
                }
            };
            p = vp + size;
        }
        Err(Pos(slot.unwrap_or(p)))
    }

    /// Inserts `first` and then `second` before `pos` (the terminator
    /// appends) in one move of the entries after it: the bytes two
    /// [`insert_before`](Self::insert_before) calls leave. The elements
    /// come as stored: a string that reads as a canonical integer must be
    /// given as [`Elem::Int`] ([`Elem::parse`] classifies; a caller that
    /// knows its strings never read so skips it; debug builds check). A
    /// buffer that must grow is given `room(need)` bytes of capacity (at
    /// least `need`, the size after the insert). Returns the position of
    /// `first`.
    ///
    /// # Panics
    /// If `pos` is stale or the listpack would exceed 4 GiB.
    pub(crate) fn insert_stored_pair_before(
        &mut self,
        pos: Pos,
        first: Elem<'_>,
        second: Elem<'_>,
        room: impl FnOnce(usize) -> usize,
    ) -> Pos {
        debug_assert_eq!(first, canonical(first));
        debug_assert_eq!(second, canonical(second));
        let add = canonical_size(first) + canonical_size(second);
        let old = self.buf.len();
        let need = old + add;
        if need > self.buf.capacity() {
            self.regrow(room(need).max(need));
        }
        match (first, second) {
            // Two short strings (a small sorted set's usual pair): the
            // entries after `pos` move once and the pair is written there.
            (Elem::Str(a), Elem::Str(b)) if a.len() < 64 && b.len() < 64 => {
                self.buf.resize(need, 0);
                self.buf.copy_within(pos.0..old, pos.0 + add);
                let at = pos.0 + put_short(&mut self.buf[pos.0..], a);
                put_short(&mut self.buf[at..], b);
            }
            // Written at the end, then rotated into place.
            _ => {
                encode_canonical(&mut self.buf, first);
                encode_canonical(&mut self.buf, second);
                self.buf[pos.0..].rotate_right(add);
            }
        }
        self.bump_count(true, 2);
        self.set_total();
        pos
    }

    /// Replaces the element at `pos`, returning its (unchanged) position;
    /// the count is untouched (Redis `lpReplace`).
    ///
    /// # Panics
    /// If `pos` is the terminator or stale, or the listpack would exceed 4 GiB.
    pub fn replace_at<'e>(&mut self, pos: Pos, elem: impl Into<Elem<'e>>) -> Pos {
        let old = entry_size(&self.buf, pos.0);
        self.buf
            .splice(pos.0..pos.0 + old, encode_entry(elem.into()));
        self.set_total();
        pos
    }

    /// Removes the element at `pos` and returns the position of the one
    /// that followed it, None if it was the last (Redis `lpDelete`).
    ///
    /// # Panics
    /// If `pos` is the terminator or stale.
    pub fn remove_at(&mut self, pos: Pos) -> Option<Pos> {
        self.remove_from(pos, 1);
        (self.buf[pos.0] != EOF).then_some(pos)
    }

    /// Removes the last element, whose position is `last` (from
    /// [`Listpack::last_pos`]), by cutting the buffer there: the bytes
    /// [`remove_at`](Self::remove_at) leaves, without the move. The
    /// buffer keeps its capacity.
    ///
    /// # Panics
    /// If `last` is stale; debug builds check that it is the last entry.
    pub(crate) fn remove_last_at(&mut self, last: Pos) {
        debug_assert_eq!(self.buf[last.0 + entry_size(&self.buf, last.0)], EOF);
        self.buf.truncate(last.0);
        self.buf.push(EOF);
        self.bump_count(false, 1);
        self.set_total();
    }

    /// Removes up to `n` elements starting at `pos`; returns how many were
    /// removed (Redis `lpDeleteRangeWithEntry`).
    ///
    /// # Panics
    /// If `pos` is stale.
    pub fn remove_from(&mut self, pos: Pos, n: usize) -> usize {
        let mut end = pos.0;
        let mut removed = 0;
        while removed < n && self.buf[end] != EOF {
            end += entry_size(&self.buf, end);
            removed += 1;
        }
        self.buf.drain(pos.0..end);
        self.bump_count(false, removed);
        self.set_total();
        removed
    }
}
