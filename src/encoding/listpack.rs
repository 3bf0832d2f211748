//! Listpack: a flat byte buffer holding a sequence of small strings and
//! integers, walkable from either end, byte-identical to Redis 7.0.15.
//!
//! # Format
//!
//! A listpack is one contiguous buffer: a 6-byte header, zero or more
//! entries, and a single terminator byte.
//!
//! ```text
//! +-------------+-----------+---------+---------+-----+------+
//! | total bytes | elem count| entry 0 | entry 1 | ... | 0xFF |
//! |  u32 LE     |  u16 LE   |         |         |     |      |
//! +-------------+-----------+---------+---------+-----+------+
//! ```
//!
//! *total bytes* counts the whole buffer, header and terminator included,
//! so an empty listpack is the seven bytes `07 00 00 00 00 00 FF`.
//! *elem count* is the number of entries while it fits below 65535; the
//! value 65535 means "unknown, walk the entries to count them".
//!
//! Every entry is an encoding (a type tag, possibly a length, and the
//! payload) followed by a *backlen*: the size of the encoding written so it
//! can be read from its last byte towards its first, which is what lets a
//! reader step backwards.
//!
//! ```text
//! +----------------------------+---------------+
//! | tag [length] [payload]     | backlen (1-5) |
//! +----------------------------+---------------+
//! ```
//!
//! The first byte decides the encoding (bits written high to low; `x` are
//! value bits, `l` are length bits):
//!
//! ```text
//! 0xxxxxxx                          7-bit unsigned int, 0..=127      (1 byte)
//! 10llllll <data>                   string of 0..=63 bytes           (1 + len)
//! 110xxxxx xxxxxxxx                 13-bit signed int, -4096..=4095  (2 bytes)
//!                                   (high 5 bits in the tag, then the low byte)
//! 1110llll llllllll <data>          string of 64..=4095 bytes        (2 + len)
//!                                   (high 4 length bits in the tag)
//! 11110000 <len u32 LE> <data>      string of 4096.. bytes           (5 + len)
//! 11110001 <i16 LE>                 16-bit signed int                (3 bytes)
//! 11110010 <i24 LE>                 24-bit signed int                (4 bytes)
//! 11110011 <i32 LE>                 32-bit signed int                (5 bytes)
//! 11110100 <i64 LE>                 64-bit signed int                (9 bytes)
//! 11110101 ..= 11111110             not used (corrupt)
//! 11111111                          the terminator, never an entry
//! ```
//!
//! Negative numbers are two's complement within their width (the 13-bit
//! form stores `8192 + v` for negative `v`).
//!
//! The backlen holds the encoding size `n` (tag, length and payload, not
//! the backlen itself) in 7-bit groups. The byte nearest the entry start
//! holds the most significant group; every other byte has its top bit set,
//! so a reader starting at the last byte keeps going left while it sees a
//! set top bit:
//!
//! ```text
//! n <= 127         [0nnnnnnn]                                        1 byte
//! n <  16383       [0 hi7] [1 lo7]                                   2 bytes
//! n <  2097151     [0 hi7] [1 mid7] [1 lo7]                          3 bytes
//! n <  268435455   [0 ..] [1 ..] [1 ..] [1 lo7]                      4 bytes
//! otherwise        [0 top] [1 ..] [1 ..] [1 ..] [1 lo7]              5 bytes
//! ```
//!
//! Mind the asymmetry: one byte covers `n <= 127`, but each wider form
//! stops one short of what its bits could hold (`n < 16383`, not
//! `n <= 16383`), so 16383 itself takes three bytes. Readers stop at the
//! first byte without the top bit and give up after five bytes.
//!
//! # Invariants
//!
//! A [`Listpack`] always holds a buffer that passes [`Listpack::validate`]
//! with `deep = true`:
//!
//! * the header's total equals the buffer length, which is at least 7;
//! * the last byte is the terminator and no entry runs past it;
//! * each entry's tag is one of the nine encodings above and its backlen,
//!   read right to left, equals its encoding size;
//! * the header count is 65535 or the true number of entries.
//!
//! What is written is also canonical: a string that reads as a 64-bit
//! integer in Redis's strict decimal form (no sign other than a leading
//! `-`, no leading zeros, no spaces, not `-0`, at most 20 characters) is
//! stored as an integer, in the smallest integer encoding that holds it.
//! Buffers received from outside may hold non-canonical entries (an
//! integer-looking string stored as a string, a small value in a wide
//! integer encoding); Redis accepts those and so do we, and lookups still
//! compare them correctly.
//!
//! # Thresholds
//!
//! * element count: exact up to 65534, then the unknown marker 65535 until a
//!   full walk ([`Listpack::sync_count`]) finds fewer entries again;
//! * string encodings switch at 64 and 4096 bytes; integer encodings at the
//!   ranges in the table above;
//! * backlen widths switch at 128, 16383, 2097151 and 268435455;
//! * Redis refuses to grow a listpack past 1 GiB ([`Listpack::safe_to_add`]);
//!   the header's u32 total caps it at 4 GiB, past which we panic.
//!
//! When a hash, list or sorted set leaves this encoding is decided by the
//! type above, not here.
//!
//! # Compatibility
//!
//! The bytes match Redis 7.0.15 for the same sequence of appends, inserts,
//! replacements and deletions, including how the header count moves
//! (incremented and decremented only while known; re-learned only by a
//! walk). `tests/encoding_dump.rs` compares against a live server through
//! `DUMP`. Validation accepts and rejects the same buffers as Redis's
//! integrity check, including its leniency about non-canonical entries.
//! Redis's callback-driven checks (e.g. "a hash listpack has an even count
//! and no duplicate fields") belong to the types and are available through
//! [`Listpack::validate_bytes_with`].
//!
//! # References
//!
//! * Redis 7.0.15 `src/listpack.c` (behaviour read, not copied).
//! * The listpack specification, <https://github.com/antirez/listpack>.

use self::entry::{
    backlen_size, canonical, canonical_size, check_entry, decode, encode_canonical, encode_entry,
    encode_entry_into, entry_matches, entry_size, eq_short, le_u32, read_backlen, same_bytes,
};
use super::Corrupt;
use crate::util::num::{parse_i64, write_i64};

const HDR: usize = 6;
const EOF: u8 = 0xFF;
const COUNT_UNKNOWN: u16 = u16::MAX;
/// Capacities below which [`Listpack::regrow`] copies into a fresh
/// allocation instead of calling `realloc`.
const REGROW_COPY_BELOW: usize = 4096;
/// Redis's soft ceiling on a listpack's size (1 GiB).
const MAX_SAFE_SIZE: usize = 1 << 30;

const TAG_STR32: u8 = 0xF0;
const TAG_INT16: u8 = 0xF1;
const TAG_INT24: u8 = 0xF2;
const TAG_INT32: u8 = 0xF3;
const TAG_INT64: u8 = 0xF4;

/// Whether string input may be stored as an integer: a canonical integer
/// is at most 20 bytes and starts with a digit or '-'.
#[inline(always)]
fn maybe_int(s: &[u8]) -> bool {
    s.len() <= 20 && matches!(s.first(), Some(b'-' | b'0'..=b'9'))
}

/// One listpack element, borrowed from the buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Elem<'a> {
    /// An integer entry.
    Int(i64),
    /// A string entry.
    Str(&'a [u8]),
}

impl<'a> Elem<'a> {
    /// Classifies input bytes the way the listpack stores them: canonical
    /// decimal integers become [`Elem::Int`], anything else [`Elem::Str`].
    pub fn parse(bytes: &'a [u8]) -> Self {
        match parse_i64(bytes) {
            Some(v) => Elem::Int(v),
            None => Elem::Str(bytes),
        }
    }

    /// Whether this element equals `needle` as Redis compares them: string
    /// entries byte for byte, integer entries against `needle` read as a
    /// canonical decimal (so `5` matches `"5"` but not `"05"` or `"+5"`).
    pub fn matches(&self, needle: &[u8]) -> bool {
        match *self {
            Elem::Str(s) => s == needle,
            Elem::Int(v) => parse_i64(needle) == Some(v),
        }
    }

    /// The element as bytes (integers in decimal).
    pub fn to_vec(&self) -> Vec<u8> {
        match *self {
            // Exact capacity: no growth steps for the copy.
            Elem::Str(s) => s.to_vec(),
            Elem::Int(v) => write_i64(&mut [0u8; 20], v).to_vec(),
        }
    }

    /// Appends the element's bytes (integers in decimal) to `out`.
    pub fn write_to(&self, out: &mut Vec<u8>) {
        match *self {
            Elem::Str(s) => out.extend_from_slice(s),
            Elem::Int(v) => {
                let mut buf = [0u8; 20];
                out.extend_from_slice(write_i64(&mut buf, v));
            }
        }
    }
}

impl<'a> From<&'a [u8]> for Elem<'a> {
    fn from(bytes: &'a [u8]) -> Self {
        Elem::Str(bytes)
    }
}

impl<'a, const N: usize> From<&'a [u8; N]> for Elem<'a> {
    fn from(bytes: &'a [u8; N]) -> Self {
        Elem::Str(bytes)
    }
}

impl From<i64> for Elem<'_> {
    fn from(v: i64) -> Self {
        Elem::Int(v)
    }
}

/// A listpack: the exact bytes Redis 7.0.15 keeps for small hashes, lists
/// and sorted sets.
///
/// Elements are written from [`Elem`]s: a [`Elem::Str`] that reads as a
/// canonical integer is stored as an integer, exactly as Redis does for
/// string input. Index-based operations walk the buffer, so they cost
/// O(n) in the listpack's size; that is inherent to the format. For
/// find-then-modify work in one walk (HSET, LINSERT, ...), use the [`Pos`]
/// methods ([`seek`](Self::seek), [`find_pos`](Self::find_pos),
/// [`next_pos`](Self::next_pos), [`replace_at`](Self::replace_at),
/// [`remove_at`](Self::remove_at), ...), Redis's entry-pointer API.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Listpack {
    buf: Vec<u8>,
}

impl Default for Listpack {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for Listpack {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl Listpack {
    /// An empty listpack (7 bytes).
    pub fn new() -> Self {
        Listpack {
            buf: vec![7, 0, 0, 0, 0, 0, EOF],
        }
    }

    /// An empty listpack with room for `capacity` bytes in all (at least
    /// its own 7), so the first writes need not reallocate.
    pub fn with_capacity(capacity: usize) -> Self {
        let mut buf = Vec::with_capacity(capacity.max(7));
        buf.extend_from_slice(&[7, 0, 0, 0, 0, 0, EOF]);
        Listpack { buf }
    }

    /// Adopts `bytes` after a deep [`validate`](Self::validate).
    ///
    /// # Errors
    /// [`Corrupt`] when the bytes are not a valid listpack.
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Self, Corrupt> {
        Self::validate_bytes(&bytes, true)?;
        Ok(Listpack { buf: bytes })
    }

    /// Adopts bytes this crate produced from a valid listpack (a quicklist
    /// node's decompressed buffer) without walking them again; checked only
    /// in debug builds.
    pub(crate) fn from_trusted(bytes: Vec<u8>) -> Self {
        debug_assert!(Self::validate_bytes(&bytes, false).is_ok());
        Listpack { buf: bytes }
    }

    /// The exact bytes, as Redis would store or dump them.
    pub fn as_bytes(&self) -> &[u8] {
        &self.buf
    }

    /// The exact bytes, consuming the listpack.
    pub fn into_bytes(self) -> Vec<u8> {
        self.buf
    }

    /// The number of bytes in the buffer (Redis `lpBytes`).
    pub fn total_bytes(&self) -> usize {
        self.buf.len()
    }

    /// The raw header count: the number of elements, or 65535 if unknown.
    pub fn header_count(&self) -> u16 {
        u16::from_le_bytes([self.buf[4], self.buf[5]])
    }

    fn set_header_count(&mut self, n: u16) {
        self.buf[4..6].copy_from_slice(&n.to_le_bytes());
    }

    fn set_total(&mut self) {
        let total = u32::try_from(self.buf.len()).expect("listpack larger than 4 GiB");
        self.buf[..4].copy_from_slice(&total.to_le_bytes());
    }

    /// The number of elements. O(1) unless the header says "unknown", in
    /// which case the entries are walked (the header is left alone; see
    /// [`sync_count`](Self::sync_count)).
    pub fn len(&self) -> usize {
        match self.header_count() {
            COUNT_UNKNOWN => self.iter().count(),
            n => usize::from(n),
        }
    }

    /// The number of elements, storing it in the header when the header
    /// said "unknown" and the true count fits again, as Redis's `lpLength`
    /// does as a side effect.
    pub fn sync_count(&mut self) -> usize {
        let n = self.len();
        if let Ok(small) = u16::try_from(n)
            && small != COUNT_UNKNOWN
        {
            self.set_header_count(small);
        }
        n
    }

    /// The bytes `elem` takes when stored: its encoding (integer-looking
    /// strings canonicalised, as every insert does) plus its backlen.
    pub fn entry_size<'e>(elem: impl Into<Elem<'e>>) -> usize {
        canonical_size(canonical(elem.into()))
    }

    /// Makes room for exactly `additional` more bytes, without the
    /// doubling a plain push would do: for listpacks that stay small, such
    /// as small hashes, where spare capacity would be a large share.
    pub fn reserve_exact(&mut self, additional: usize) {
        self.buf.reserve_exact(additional);
    }

    /// Releases spare buffer capacity (for a quicklist node that is full
    /// and will not grow again soon).
    pub fn shrink_to_fit(&mut self) {
        self.buf.shrink_to_fit();
    }

    /// Heap bytes the buffer holds, spare capacity included.
    pub fn allocated_bytes(&self) -> usize {
        self.buf.capacity()
    }

    /// Whether the listpack has no elements.
    pub fn is_empty(&self) -> bool {
        self.buf[HDR] == EOF
    }

    /// Whether `add` more bytes keep the listpack within Redis's 1 GiB
    /// safety limit (Redis `lpSafeToAdd`).
    pub fn safe_to_add(&self, add: usize) -> bool {
        self.buf.len().saturating_add(add) <= MAX_SAFE_SIZE
    }

    /// Iterates the elements front to back (double-ended).
    pub fn iter(&self) -> Iter<'_> {
        Iter {
            buf: &self.buf,
            front: HDR,
            back: self.buf.len() - 1,
        }
    }

    /// Iterates the elements back to front.
    pub fn iter_rev(&self) -> std::iter::Rev<Iter<'_>> {
        self.iter().rev()
    }

    /// The first element.
    pub fn first(&self) -> Option<Elem<'_>> {
        self.iter().next()
    }

    /// The last element.
    pub fn last(&self) -> Option<Elem<'_>> {
        self.iter().next_back()
    }

    /// The element at `index`; negative indexes count from the end (-1 is
    /// the last). O(n).
    pub fn get(&self, index: isize) -> Option<Elem<'_>> {
        self.seek(index).map(|p| self.at(p))
    }

    fn bump_count(&mut self, added: bool, by: usize) {
        let n = self.header_count();
        if n != COUNT_UNKNOWN {
            let n = usize::from(n);
            let new = if added { n + by } else { n - by };
            self.set_header_count(u16::try_from(new).unwrap_or(COUNT_UNKNOWN));
        }
    }

    /// Appends an element at the end (Redis `lpAppend`/`lpAppendInteger`).
    ///
    /// # Panics
    /// If the listpack would exceed 4 GiB (check [`safe_to_add`](Self::safe_to_add)).
    pub fn push_back<'e>(&mut self, elem: impl Into<Elem<'e>>) {
        // Same bytes as inserting before the terminator, written in place.
        self.buf.pop();
        encode_entry_into(&mut self.buf, elem.into());
        self.buf.push(EOF);
        self.bump_count(true, 1);
        self.set_total();
    }

    /// Appends string input at the end: the same bytes as
    /// [`push_back`](Self::push_back)`(Elem::Str(s))` (input that reads as
    /// a canonical integer is stored as one), with a short string that
    /// cannot be an integer written in one step; returns how much the
    /// buffer's capacity grew.
    ///
    /// # Panics
    /// If the listpack would exceed 4 GiB.
    #[inline]
    pub fn push_back_str(&mut self, s: &[u8]) -> usize {
        let n = s.len();
        if n >= 64 || maybe_int(s) {
            return self.push_back_general(s);
        }
        // Tag, bytes, one-byte backlen (the encoding is 1 + n <= 64 bytes),
        // terminator; the old terminator's byte is reused.
        let cap = self.buf.capacity();
        let eof = self.buf.len() - 1;
        self.buf.reserve(n + 2);
        self.buf[eof] = 0x80 | n as u8;
        self.buf.extend_from_slice(s);
        self.buf.extend_from_slice(&[(n + 1) as u8, EOF]);
        self.grew_by(1);
        self.buf.capacity() - cap
    }

    /// Appends `s` when it is stored as a short string (under 64 bytes, not
    /// readable as an integer) and the buffer has room for it without
    /// growing: the bytes [`push_back_str`](Self::push_back_str) writes.
    /// False, nothing changed, otherwise.
    #[inline(always)]
    pub(crate) fn try_push_back_short(&mut self, s: &[u8]) -> bool {
        let n = s.len();
        let len = self.buf.len();
        if n >= 64 || self.buf.capacity() - len < n + 2 || maybe_int(s) {
            return false;
        }
        self.buf[len - 1] = 0x80 | n as u8;
        self.buf.extend_from_slice(s);
        self.buf.extend_from_slice(&[(n + 1) as u8, EOF]);
        self.grew_by(1);
        true
    }

    /// [`Listpack::push_back_str`] for input that may be stored otherwise
    /// than as a short string: out of line, returns the capacity growth.
    #[inline(never)]
    fn push_back_general(&mut self, s: &[u8]) -> usize {
        let cap = self.buf.capacity();
        self.push_back(Elem::Str(s));
        self.buf.capacity() - cap
    }

    /// The header after `n` entries were appended: the total is the
    /// buffer's length and a known count grows by `n` (reaching 65535 or
    /// more, "unknown").
    #[inline]
    fn grew_by(&mut self, n: usize) {
        let total = u32::try_from(self.buf.len()).expect("listpack larger than 4 GiB");
        let (head, _) = self.buf.split_at_mut(HDR);
        head[..4].copy_from_slice(&total.to_le_bytes());
        let count = u16::from_le_bytes([head[4], head[5]]);
        if count != COUNT_UNKNOWN {
            let new = u16::try_from(usize::from(count) + n).unwrap_or(COUNT_UNKNOWN);
            head[4..].copy_from_slice(&new.to_le_bytes());
        }
    }

    /// Gives the buffer exactly `cap` bytes of capacity (at least its
    /// length). A small buffer (under 4 KiB) is copied into a fresh
    /// allocation, which the allocator serves from its per-size caches,
    /// where `realloc` of a block that cannot grow in place (the usual
    /// case for many small hashes growing in turn) takes the allocator's
    /// slow path for the new block and then copies all the same: about a
    /// fifth of the instructions of a small hash's HSET went there.
    #[inline(never)]
    fn regrow(&mut self, cap: usize) {
        let len = self.buf.len();
        if self.buf.capacity() >= REGROW_COPY_BELOW {
            self.buf.reserve_exact(cap - len);
            return;
        }
        let mut grown = Vec::with_capacity(cap.max(len));
        grown.extend_from_slice(&self.buf);
        self.buf = grown;
    }

    /// Appends a (field, value) pair of string input: the bytes and
    /// growth of [`push_back_grown`](Self::push_back_grown)`([Elem::Str(field),
    /// Elem::Str(value)], room)`, with two strings under 64 bytes that
    /// cannot be integers (a small hash's usual pair) written without
    /// classifying or encoding them one by one: one capacity check, the old
    /// terminator's byte reused.
    ///
    /// # Panics
    /// If the listpack would exceed 4 GiB.
    #[inline]
    pub fn push_pair_grown(
        &mut self,
        field: &[u8],
        value: &[u8],
        room: impl FnOnce(usize) -> usize,
    ) {
        let (f, v) = (field.len(), value.len());
        if f >= 64 || v >= 64 || maybe_int(field) || maybe_int(value) {
            return self.push_back_grown([Elem::Str(field), Elem::Str(value)], room);
        }
        let len = self.buf.len();
        let need = len + f + v + 4;
        if need > self.buf.capacity() {
            self.regrow(room(need).max(need));
        }
        self.buf[len - 1] = 0x80 | f as u8;
        self.buf.extend_from_slice(field);
        self.buf.extend_from_slice(&[f as u8 + 1, 0x80 | v as u8]);
        self.buf.extend_from_slice(value);
        self.buf.extend_from_slice(&[v as u8 + 1, EOF]);
        self.grew_by(2);
    }

    /// Appends elements at the end, growing the buffer by exactly the bytes
    /// they take: for listpacks that stay small, such as small hashes, where
    /// capacity doubling would leave a large share unused. The bytes are
    /// those of pushing the elements one by one.
    ///
    /// # Panics
    /// If the listpack would exceed 4 GiB.
    pub fn push_back_exact<const N: usize>(&mut self, elems: [Elem<'_>; N]) {
        self.push_back_grown(elems, |need| need);
    }

    /// [`Listpack::push_back_exact`] where a buffer that must grow is
    /// given `room(need)` bytes of capacity (at least `need`, the size
    /// after the push) instead of exactly `need`.
    ///
    /// # Panics
    /// If the listpack would exceed 4 GiB.
    pub fn push_back_grown<const N: usize>(
        &mut self,
        elems: [Elem<'_>; N],
        room: impl FnOnce(usize) -> usize,
    ) {
        // Strings under 64 bytes that cannot be integers (a small hash's
        // usual fields and values): tag, bytes, one-byte backlen.
        let short = |e: &Elem<'_>| match e {
            Elem::Str(s) => s.len() < 64 && !matches!(s.first(), Some(b'-' | b'0'..=b'9')),
            Elem::Int(_) => false,
        };
        let fast = elems.iter().all(short);
        let elems = match fast {
            true => elems,
            false => elems.map(canonical),
        };
        let add: usize = match fast {
            true => elems
                .iter()
                .map(|e| match e {
                    Elem::Str(s) => s.len() + 2,
                    Elem::Int(_) => 0,
                })
                .sum(),
            false => elems.iter().map(|&e| canonical_size(e)).sum(),
        };
        let need = self.buf.len() + add;
        if need > self.buf.capacity() {
            self.regrow(room(need).max(need));
        }
        self.buf.pop();
        for e in elems {
            match e {
                Elem::Str(s) if fast => {
                    self.buf.push(0x80 | s.len() as u8);
                    self.buf.extend_from_slice(s);
                    self.buf.push(s.len() as u8 + 1);
                }
                e => encode_canonical(&mut self.buf, e),
            }
        }
        self.buf.push(EOF);
        self.bump_count(true, N);
        self.set_total();
    }

    /// Prepends an element (Redis `lpPrepend`/`lpPrependInteger`).
    ///
    /// # Panics
    /// If the listpack would exceed 4 GiB.
    pub fn push_front<'e>(&mut self, elem: impl Into<Elem<'e>>) {
        self.insert_before(Pos(HDR), elem);
    }

    /// Inserts an element so that it ends up at index `at` (`0..=len`).
    /// Returns false, changing nothing, when `at > len`.
    ///
    /// # Panics
    /// If the listpack would exceed 4 GiB.
    pub fn insert<'e>(&mut self, at: usize, elem: impl Into<Elem<'e>>) -> bool {
        let end = self.end_pos();
        let mut p = Pos(HDR);
        for _ in 0..at {
            if p == end {
                return false;
            }
            p = self.next_pos(p).unwrap_or(end);
        }
        self.insert_before(p, elem);
        true
    }

    /// Removes the element at index `at` (negative from the end). Returns
    /// false when out of range.
    pub fn remove(&mut self, at: isize) -> bool {
        self.remove_range(at, 1) == 1
    }

    /// Removes up to `n` elements starting at index `at` (negative from the
    /// end), as Redis's `lpDeleteRange`; returns how many were removed.
    pub fn remove_range(&mut self, at: isize, n: usize) -> usize {
        if n == 0 {
            return 0;
        }
        match self.seek(at) {
            Some(p) => self.remove_from(p, n),
            None => 0,
        }
    }

    /// Replaces the element at index `at` (negative from the end). Returns
    /// false when out of range. The header count is untouched.
    ///
    /// # Panics
    /// If the listpack would exceed 4 GiB.
    pub fn replace<'e>(&mut self, at: isize, elem: impl Into<Elem<'e>>) -> bool {
        match self.seek(at) {
            Some(p) => {
                self.replace_at(p, elem);
                true
            }
            None => false,
        }
    }

    /// Index of the first element equal to `needle` (compared as
    /// [`Elem::matches`] does, i.e. Redis's `lpFind`).
    pub fn find(&self, needle: &[u8]) -> Option<usize> {
        self.find_from(0, needle, 0)
    }

    /// Position of the first field equal to `needle` in a listpack of
    /// (field, value) pairs: [`Listpack::find_pos`] from the first entry
    /// with `skip = 1`, with short strings and small integers (a small
    /// hash's usual fields and values) sized in line. A needle that is a
    /// short string which cannot be an integer (the usual field) takes
    /// [`Listpack::find_short_field`].
    #[inline]
    pub fn find_field(&self, needle: &[u8]) -> Option<pos::Pos> {
        let n = needle.len();
        if n != 0 && n < 64 && !maybe_int(needle) {
            return self.find_short_field(needle);
        }
        self.find_field_general(needle)
    }

    /// [`Listpack::find_field`] for a needle of 1 to 63 bytes that cannot
    /// be read as an integer: only a field entry tagged as a 6-bit string
    /// of the needle's length (one byte compared with the wanted tag) or a
    /// non-canonical longer string encoding can equal it, so integer and
    /// other short-string fields are skipped by their tag alone.
    fn find_short_field(&self, needle: &[u8]) -> Option<pos::Pos> {
        let buf = &self.buf[..];
        let n = needle.len();
        let want = 0x80 | n as u8;
        let last = needle[n - 1];
        let mut p = HDR;
        loop {
            let tag = buf[p];
            p += if tag == want {
                // Fields often differ in their last byte: that first.
                if buf[p + n] == last && eq_short(&buf[p + 1..p + 1 + n], needle) {
                    return Some(pos::Pos(p));
                }
                n + 2
            } else if tag & 0xC0 == 0x80 {
                // A 6-bit string of another length cannot match.
                usize::from(tag & 0x3F) + 2
            } else if tag == EOF {
                return None;
            } else {
                match Self::other_field(buf, p, needle) {
                    Ok(size) => size,
                    Err(found) => return Some(found),
                }
            };
            let tag = buf[p];
            p += if tag & 0xC0 == 0x80 {
                usize::from(tag & 0x3F) + 2
            } else if tag < 0x80 {
                2
            } else if tag == EOF {
                return None;
            } else {
                entry_size(buf, p)
            };
        }
    }

    /// [`Listpack::find_short_field`] at a field entry that is neither a
    /// 6-bit string nor the terminator, out of line: a 7-bit integer
    /// cannot match (2 bytes), longer encodings are compared. The entry's
    /// size, or the position found.
    #[cold]
    #[inline(never)]
    fn other_field(buf: &[u8], p: usize, needle: &[u8]) -> Result<usize, pos::Pos> {
        match buf[p] {
            0x00..=0x7F => Ok(2),
            _ => match entry_matches(buf, p, needle, None) {
                (true, _) => Err(pos::Pos(p)),
                (false, size) => Ok(size),
            },
        }
    }

    /// [`Listpack::find_field`] for any needle.
    fn find_field_general(&self, needle: &[u8]) -> Option<pos::Pos> {
        let buf = &self.buf[..];
        let wanted = parse_i64(needle);
        let mut p = HDR;
        loop {
            let tag = buf[p];
            p += if tag & 0xC0 == 0x80 {
                let len = usize::from(tag & 0x3F);
                // Fields often differ in their last byte: that first.
                if len == needle.len()
                    && (len == 0 || buf[p + len] == needle[len - 1])
                    && same_bytes(&buf[p + 1..p + 1 + len], needle)
                {
                    return Some(pos::Pos(p));
                }
                len + 2
            } else if tag == EOF {
                return None;
            } else {
                match entry_matches(buf, p, needle, wanted) {
                    (true, _) => return Some(pos::Pos(p)),
                    (false, size) => size,
                }
            };
            let tag = buf[p];
            p += match tag {
                0x00..=0x7F => 2,
                0x80..=0xBF => usize::from(tag & 0x3F) + 2,
                EOF => return None,
                _ => entry_size(buf, p),
            };
        }
    }

    /// Index of the first element equal to `needle` among those at
    /// `start`, `start + skip + 1`, `start + 2 * (skip + 1)`, ... (Redis's
    /// `lpFind` with a skip count: a hash passes `skip = 1` to look only at
    /// fields).
    pub fn find_from(&self, start: usize, needle: &[u8], skip: usize) -> Option<usize> {
        let wanted = parse_i64(needle);
        self.iter()
            .enumerate()
            .skip(start)
            .step_by(skip + 1)
            .find(|(_, e)| match *e {
                Elem::Str(s) => s == needle,
                Elem::Int(v) => wanted == Some(v),
            })
            .map(|(i, _)| i)
    }

    /// Iterates (even, odd) element pairs, e.g. a hash's (field, value) or
    /// a sorted set's (member, score). A trailing unpaired element is
    /// skipped.
    pub fn pairs(&self) -> impl Iterator<Item = (Elem<'_>, Elem<'_>)> + '_ {
        let mut it = self.iter();
        std::iter::from_fn(move || Some((it.next()?, it.next()?)))
    }

    /// Checks this listpack's bytes (see [`validate_bytes`](Self::validate_bytes)).
    ///
    /// # Errors
    /// [`Corrupt`] with the first problem found.
    pub fn validate(&self, deep: bool) -> Result<(), Corrupt> {
        Self::validate_bytes(&self.buf, deep)
    }

    /// Checks arbitrary bytes as Redis's listpack integrity check does,
    /// never panicking. The shallow check (`deep = false`) looks only at
    /// the header: at least 7 bytes, total equal to the length, terminator
    /// last. The deep check also walks every entry (tag known, entry inside
    /// the buffer, backlen agreeing with the entry), requires the walk to
    /// end exactly on the terminator, and compares the count with a known
    /// header count.
    ///
    /// # Errors
    /// [`Corrupt`] with the first problem found.
    pub fn validate_bytes(data: &[u8], deep: bool) -> Result<(), Corrupt> {
        Self::validate_bytes_with(data, deep, |_, _| true)
    }

    /// [`validate_bytes`](Self::validate_bytes) that also calls `entry_ok`
    /// on each entry with the header count (deep mode only); a false
    /// return rejects the buffer (Redis's per-entry callback).
    ///
    /// # Errors
    /// [`Corrupt`] with the first problem found.
    pub fn validate_bytes_with(
        data: &[u8],
        deep: bool,
        mut entry_ok: impl FnMut(Elem<'_>, u16) -> bool,
    ) -> Result<(), Corrupt> {
        if data.len() < HDR + 1 {
            return Err(Corrupt("shorter than a header and terminator"));
        }
        if le_u32(data) as usize != data.len() {
            return Err(Corrupt("header total differs from the length"));
        }
        if data[data.len() - 1] != EOF {
            return Err(Corrupt("missing terminator"));
        }
        if !deep {
            return Ok(());
        }
        let header = u16::from_le_bytes([data[4], data[5]]);
        let mut count = 0usize;
        let mut p = HDR;
        while data[p] != EOF {
            let next = check_entry(data, p)?;
            if !entry_ok(decode(data, p).0, header) {
                return Err(Corrupt("entry rejected by the caller"));
            }
            count += 1;
            p = next;
        }
        if p != data.len() - 1 {
            return Err(Corrupt("terminator before the end"));
        }
        if header != COUNT_UNKNOWN && usize::from(header) != count {
            return Err(Corrupt("header count differs from the entries"));
        }
        Ok(())
    }
}

/// Iterator over a listpack's elements (front to back, or reversed).
#[derive(Debug, Clone)]
pub struct Iter<'a> {
    buf: &'a [u8],
    /// Offset of the next entry from the front.
    front: usize,
    /// Offset just past the next entry from the back.
    back: usize,
}

impl<'a> Iterator for Iter<'a> {
    type Item = Elem<'a>;

    #[inline]
    fn next(&mut self) -> Option<Elem<'a>> {
        if self.front >= self.back {
            return None;
        }
        let (elem, size) = decode(self.buf, self.front);
        self.front += size;
        Some(elem)
    }
}

impl<'a> DoubleEndedIterator for Iter<'a> {
    fn next_back(&mut self) -> Option<Elem<'a>> {
        if self.front >= self.back {
            return None;
        }
        let enc = read_backlen(self.buf, self.back - 1).expect("valid listpack") as usize;
        self.back -= enc + backlen_size(enc as u64);
        Some(decode(self.buf, self.back).0)
    }
}

impl<'e> Extend<Elem<'e>> for Listpack {
    fn extend<I: IntoIterator<Item = Elem<'e>>>(&mut self, iter: I) {
        for elem in iter {
            self.push_back(elem);
        }
    }
}

impl<'e> FromIterator<Elem<'e>> for Listpack {
    fn from_iter<I: IntoIterator<Item = Elem<'e>>>(iter: I) -> Self {
        let mut lp = Listpack::new();
        lp.extend(iter);
        lp
    }
}

impl<'a> IntoIterator for &'a Listpack {
    type Item = Elem<'a>;
    type IntoIter = Iter<'a>;

    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

mod entry;
mod pos;
pub use pos::Pos;

#[cfg(test)]
mod tests;
