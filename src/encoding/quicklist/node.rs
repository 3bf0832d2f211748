//! Quicklist nodes: a listpack held either as is or LZF-compressed, with
//! Redis 7.0's rule for when compressing is worth it.

use std::borrow::Cow;

use super::super::Corrupt;
use super::super::listpack::{Elem, Listpack};
use super::super::lzf;

/// Listpacks smaller than this are never compressed (Redis
/// `MIN_COMPRESS_BYTES`).
pub(super) const MIN_COMPRESS_BYTES: usize = 48;
/// Compression is kept only when it saves more than this many bytes (Redis
/// `MIN_COMPRESS_IMPROVE`).
pub(super) const MIN_COMPRESS_IMPROVE: usize = 8;

/// A compressed node: the LZF bytes of its listpack, plus what Redis keeps
/// beside them (the listpack's size; the element count is the node's) so
/// a compressed node can be sized and counted without decompressing it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Packed {
    blob: Box<[u8]>,
    raw_len: u32,
}

/// The node's listpack, raw or compressed.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Data {
    /// A listpack ready to read and modify.
    Raw(Listpack),
    /// A listpack compressed because it lies deeper than the compress depth.
    Lzf(Packed),
}

/// One node of a quicklist: its listpack and, beside it, the element count
/// (so walking the node table to an index never touches the node buffers).
///
/// LPOP takes elements off a raw node's front lazily: the first `dead`
/// entries (`dead_bytes` bytes after the header) are already popped and
/// are cut out of the buffer in one move at the node's next change (or
/// never, when the node empties and is dropped), instead of moving the
/// rest of the buffer once per pop. Every view of the node leaves them
/// out, so the listpack seen is byte for byte what popping them one by
/// one would have left.
///
/// Invariants: `count` is the number of live elements; `dead` entries are
/// only held by a raw node; every change of a raw listpack goes through
/// [`Node::edit`], which cuts the dead entries first and refreshes `count`.
#[derive(Debug, Clone)]
pub(super) struct Node {
    count: u32,
    dead: u16,
    dead_bytes: u16,
    data: Data,
}

impl PartialEq for Node {
    /// The same live elements in the same state (raw or compressed).
    fn eq(&self, other: &Self) -> bool {
        self.count == other.count
            && match (&self.data, &other.data) {
                (Data::Lzf(a), Data::Lzf(b)) => a == b,
                (Data::Raw(_), Data::Raw(_)) => self.listpack() == other.listpack(),
                _ => false,
            }
    }
}

impl Eq for Node {}

/// Where a listpack's first entry starts (after its 6-byte header).
const FIRST_ENTRY: usize = 6;

/// A node as stored, for inspection (RDB-style dumps and tests).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NodeView<'a> {
    /// An uncompressed node (a copy only while LPOP's popped entries are
    /// still to be cut out of it).
    Raw(Cow<'a, Listpack>),
    /// A compressed node: the LZF bytes and the size of the listpack they
    /// expand to (what RDB's `rdbSaveLzfBlob` writes).
    Lzf {
        /// The LZF-compressed listpack.
        blob: &'a [u8],
        /// The listpack's size in bytes.
        raw_len: usize,
    },
}

/// The compressed form of `lp` when Redis would keep it: the listpack has
/// at least [`MIN_COMPRESS_BYTES`] and LZF saves more than
/// [`MIN_COMPRESS_IMPROVE`] bytes.
pub(super) fn compress(lp: &Listpack) -> Option<Packed> {
    let sz = lp.total_bytes();
    if sz < MIN_COMPRESS_BYTES {
        return None;
    }
    // Redis gives lzf_compress an output buffer of the listpack's size.
    let blob = lzf::compress(lp.as_bytes(), sz)?;
    if blob.len() + MIN_COMPRESS_IMPROVE >= sz {
        return None;
    }
    Some(Packed {
        blob: blob.into_boxed_slice(),
        raw_len: u32::try_from(sz).ok()?,
    })
}

impl Packed {
    /// The listpack the blob expands to, checked deeply against the
    /// node's element count.
    fn expand_checked(&self, count: u32) -> Result<Listpack, Corrupt> {
        let raw_len = self.raw_len as usize;
        let bytes = lzf::decompress(&self.blob, raw_len)?;
        let lp = Listpack::from_bytes(bytes)?;
        if lp.len() != count as usize {
            return Err(Corrupt("compressed node count disagrees"));
        }
        Ok(lp)
    }

    /// The listpack the blob expands to. The blob was made by [`compress`]
    /// from a valid listpack, so it is not validated again.
    fn expand(&self) -> Listpack {
        let raw_len = self.raw_len as usize;
        let bytes = lzf::decompress(&self.blob, raw_len).expect("node LZF data is intact");
        Listpack::from_trusted(bytes)
    }
}

/// An element's bytes in a vector of its own.
///
/// Up to 16 bytes (most list elements) are gathered into a 16-byte block
/// with fixed-size moves (two overlapping halves, so no copy of a variable
/// length and no call to `memcpy`) and the vector takes the block: its
/// capacity is 16, the smallest block a general-purpose allocator hands
/// out anyway. Longer elements get a vector of their exact size, out of
/// line.
#[inline(always)]
pub(crate) fn copy_out(s: &[u8]) -> Vec<u8> {
    let n = s.len();
    if n > 16 || n == 0 {
        return copy_out_long(s);
    }
    let mut block = [0u8; 16];
    if n >= 8 {
        block[..8].copy_from_slice(&s[..8]);
        block[n - 8..n].copy_from_slice(&s[n - 8..]);
    } else if n >= 4 {
        block[..4].copy_from_slice(&s[..4]);
        block[n - 4..n].copy_from_slice(&s[n - 4..]);
    } else {
        block[0] = s[0];
        block[n / 2] = s[n / 2];
        block[n - 1] = s[n - 1];
    }
    let boxed: Box<[u8]> = Box::new(block);
    let mut v = boxed.into_vec();
    v.truncate(n);
    v
}

/// [`copy_out`] of an element over 16 bytes (or empty). Out of line:
/// alone, the allocation compiles to a direct allocator call (inside a
/// large caller it may become a call to the generic raw-vector
/// constructor).
#[inline(never)]
fn copy_out_long(s: &[u8]) -> Vec<u8> {
    s.to_vec()
}

/// A listpack's element count as a node keeps it.
fn count_of(lp: &Listpack) -> u32 {
    u32::try_from(lp.len()).expect("a node holds fewer than 4G elements")
}

impl Node {
    /// A raw node holding `lp`.
    pub(super) fn raw(lp: Listpack) -> Node {
        Node {
            count: count_of(&lp),
            dead: 0,
            dead_bytes: 0,
            data: Data::Raw(lp),
        }
    }

    /// The number of elements (no access to the buffer).
    pub(super) fn len(&self) -> usize {
        self.count as usize
    }

    /// The listpack's size in bytes, compressed or not (Redis `node->sz`).
    pub(super) fn total_bytes(&self) -> usize {
        match &self.data {
            Data::Raw(lp) => lp.total_bytes() - usize::from(self.dead_bytes),
            Data::Lzf(p) => p.raw_len as usize,
        }
    }

    /// Heap bytes held by the node's buffer.
    pub(super) fn allocated_bytes(&self) -> usize {
        match &self.data {
            Data::Raw(lp) => lp.allocated_bytes(),
            Data::Lzf(p) => p.blob.len(),
        }
    }

    /// Whether the node is compressed.
    pub(super) fn is_compressed(&self) -> bool {
        matches!(self.data, Data::Lzf(_))
    }

    /// The node as stored.
    pub(super) fn view(&self) -> NodeView<'_> {
        match &self.data {
            Data::Raw(_) => NodeView::Raw(self.listpack()),
            Data::Lzf(p) => NodeView::Lzf {
                blob: &p.blob,
                raw_len: p.raw_len as usize,
            },
        }
    }

    /// The listpack for reading: borrowed when raw, a decompressed copy
    /// otherwise (the node itself stays compressed).
    pub(super) fn listpack(&self) -> Cow<'_, Listpack> {
        match &self.data {
            Data::Raw(lp) if self.dead > 0 => {
                let mut live = lp.clone();
                live.remove_range(0, usize::from(self.dead));
                Cow::Owned(live)
            }
            Data::Raw(lp) => Cow::Borrowed(lp),
            Data::Lzf(p) => Cow::Owned(p.expand()),
        }
    }

    /// The listpack for reading forwards without a copy: the buffer as
    /// stored and how many popped entries lead it (add that to a forward
    /// index; walking backwards must stop before them).
    pub(super) fn reader(&self) -> (Cow<'_, Listpack>, usize) {
        match &self.data {
            Data::Raw(lp) => (Cow::Borrowed(lp), usize::from(self.dead)),
            Data::Lzf(p) => (Cow::Owned(p.expand()), 0),
        }
    }

    /// Pops the first element (LPOP) when it is a short string (see
    /// [`Listpack::short_str_at`]), by marking its entry popped without
    /// moving the buffer, and returns its bytes, which stay in the buffer
    /// until the node's next change. None (nothing changed) when the node
    /// is compressed, holds one element (the caller drops the node
    /// instead), the element is of another kind, or the popped entries
    /// would outgrow their counters.
    #[inline(always)]
    pub(super) fn pop_first_short(&mut self) -> Option<&[u8]> {
        let Data::Raw(lp) = &self.data else {
            return None;
        };
        if self.count < 2 {
            return None;
        }
        let s = lp.short_str_at(FIRST_ENTRY + usize::from(self.dead_bytes))?;
        // Tag, bytes and a one-byte backlen: at most 65 bytes.
        self.dead_bytes = self.dead_bytes.checked_add(s.len() as u16 + 2)?;
        // Every entry takes at least two bytes, so `dead` stays below
        // half of `dead_bytes`' range and cannot overflow.
        self.dead += 1;
        self.count -= 1;
        Some(s)
    }

    /// Pops the first element (LPOP) by marking its entry popped, without
    /// moving the buffer; None (nothing changed) when the node is
    /// compressed, holds one element (the caller drops the node instead),
    /// or the popped entries would outgrow their counters.
    pub(super) fn pop_first_lazy(&mut self) -> Option<Vec<u8>> {
        if let Some(s) = self.pop_first_short() {
            return Some(copy_out(s));
        }
        if self.count < 2 {
            return None;
        }
        self.pop_first_lazy_general()
    }

    /// [`Node::pop_first_lazy`] of any element (after the checks it made).
    #[inline(never)]
    fn pop_first_lazy_general(&mut self) -> Option<Vec<u8>> {
        let Data::Raw(lp) = &self.data else {
            return None;
        };
        if self.dead == u16::MAX {
            return None;
        }
        let pos = lp.pos_at(FIRST_ENTRY + usize::from(self.dead_bytes))?;
        let (elem, size) = lp.at_with_len(pos);
        let dead_bytes = self.dead_bytes.checked_add(u16::try_from(size).ok()?)?;
        let value = elem.to_vec();
        self.dead += 1;
        self.dead_bytes = dead_bytes;
        self.count -= 1;
        Some(value)
    }

    /// Pops the last element (RPOP) when it is a short string, from a raw
    /// node without popped entries that keeps other elements; the buffer
    /// keeps its capacity. None (nothing changed) otherwise.
    #[inline(always)]
    pub(super) fn pop_last_short(&mut self) -> Option<Vec<u8>> {
        let Data::Raw(lp) = &mut self.data else {
            return None;
        };
        if self.count < 2 || self.dead != 0 {
            return None;
        }
        // A closure is inlined; `copy_out` itself was called through an
        // out-of-line `FnOnce` shim (some 30 instructions per RPOP).
        #[allow(clippy::redundant_closure)]
        let value = lp.pop_back_short_with(|s| copy_out(s))?;
        self.count -= 1;
        Some(value)
    }

    /// Pops the last element (RPOP) of a raw node without popped entries
    /// that keeps at least one element; the buffer keeps its capacity.
    /// None (nothing changed) otherwise.
    #[inline]
    pub(super) fn pop_last_in_place(&mut self) -> Option<Vec<u8>> {
        let Data::Raw(lp) = &mut self.data else {
            return None;
        };
        if self.count < 2 || self.dead != 0 {
            return None;
        }
        let pos = lp.last_pos()?;
        let value = match lp.at_with_len(pos).0 {
            Elem::Str(s) => copy_out(s),
            elem => elem.to_vec(),
        };
        lp.remove_last_at(pos);
        self.count -= 1;
        Some(value)
    }

    /// The first live element, read in place (decompressing a copy of a
    /// compressed node).
    pub(super) fn first_live(&self) -> Option<Vec<u8>> {
        match &self.data {
            Data::Raw(lp) => {
                let pos = lp.pos_at(FIRST_ENTRY + usize::from(self.dead_bytes))?;
                Some(lp.at(pos).to_vec())
            }
            Data::Lzf(p) => p.expand().first().map(|e| e.to_vec()),
        }
    }

    /// Runs `f` on the listpack for modifying (decompressing the node in
    /// place first), then takes the element count again.
    pub(super) fn edit<R>(&mut self, f: impl FnOnce(&mut Listpack) -> R) -> R {
        let lp = self.raw_mut();
        let r = f(lp);
        self.count = count_of(lp);
        r
    }

    /// The raw listpack, decompressing the node in place first. Private:
    /// changes go through [`Node::edit`], which keeps the count.
    fn raw_mut(&mut self) -> &mut Listpack {
        if let Data::Lzf(p) = &self.data {
            self.data = Data::Raw(p.expand());
        }
        let dead = std::mem::take(&mut self.dead);
        self.dead_bytes = 0;
        match &mut self.data {
            Data::Raw(lp) => {
                if dead > 0 {
                    // Cut the popped entries out: one move for all of them.
                    lp.remove_range(0, usize::from(dead));
                }
                lp
            }
            Data::Lzf(_) => unreachable!("decompressed above"),
        }
    }

    /// Appends `value` when that is a push in place: the node is raw
    /// without popped entries, `fill` lets it take the element (see
    /// `allow_insert`) and the listpack takes it as a short string without
    /// growing its buffer (see [`Listpack::try_push_back_short`]). False,
    /// nothing changed, otherwise.
    #[inline(always)]
    pub(super) fn try_push_back_short(&mut self, value: &[u8], fill: i32) -> bool {
        let Data::Raw(lp) = &mut self.data else {
            return false;
        };
        if self.dead != 0
            || !super::allow_insert_sized(lp.total_bytes(), self.count, fill, value.len())
        {
            return false;
        }
        if !lp.try_push_back_short(value) {
            return false;
        }
        self.count += 1;
        true
    }

    /// Appends string input at the end of the listpack (see
    /// [`Listpack::push_back_str`]); returns how much the buffer's
    /// capacity grew.
    #[inline]
    pub(super) fn push_back_str(&mut self, value: &[u8]) -> usize {
        match &mut self.data {
            Data::Raw(lp) if self.dead == 0 => {
                self.count += 1;
                lp.push_back_str(value)
            }
            _ => {
                let before = self.allocated_bytes();
                self.edit(|lp| lp.push_back_str(value));
                self.allocated_bytes() - before
            }
        }
    }

    /// Decompresses the node in place if it is compressed.
    pub(super) fn decompress(&mut self) {
        self.raw_mut();
    }

    /// Compresses a raw node in place when that is worth it (see
    /// [`compress`]); a compressed node is left alone.
    pub(super) fn compress(&mut self) {
        if self.dead > 0 {
            self.raw_mut();
        }
        if let Data::Raw(lp) = &self.data
            && let Some(p) = compress(lp)
        {
            self.data = Data::Lzf(p);
        }
    }

    /// The node's listpack, unwrapping or decompressing it.
    pub(super) fn into_listpack(mut self) -> Listpack {
        if self.dead > 0 {
            self.raw_mut();
        }
        match self.data {
            Data::Raw(lp) => lp,
            Data::Lzf(p) => p.expand(),
        }
    }

    /// Checks the node: a raw listpack must be valid and hold the node's
    /// count; a compressed node must expand to a valid listpack of its
    /// recorded size and count and be worth its compression. Returns the
    /// listpack.
    pub(super) fn checked_listpack(&self) -> Result<Cow<'_, Listpack>, Corrupt> {
        match &self.data {
            Data::Raw(stored) => {
                stored.validate(true)?;
                let lp = self.listpack();
                if lp.len() != self.len() {
                    return Err(Corrupt("node count disagrees with its listpack"));
                }
                if stored.total_bytes() - lp.total_bytes() != usize::from(self.dead_bytes) {
                    return Err(Corrupt("popped bytes disagree with the popped entries"));
                }
                Ok(lp)
            }
            Data::Lzf(p) => {
                let lp = p.expand_checked(self.count)?;
                if lp.total_bytes() < MIN_COMPRESS_BYTES
                    || p.blob.len() + MIN_COMPRESS_IMPROVE >= lp.total_bytes()
                {
                    return Err(Corrupt("node compressed below Redis's thresholds"));
                }
                Ok(Cow::Owned(lp))
            }
        }
    }
}
