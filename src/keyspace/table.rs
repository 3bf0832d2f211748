//! The key table of one database: a dense, position-addressable array of
//! slots (key + entry) with a chained hash index over it.
//!
//! # Format
//!
//! ```text
//!   buckets: [u32; 2^k]        bits 0..P = head position + 1 (0 = empty chain),
//!                              bits P..32 = the chain's tag filter (P = min(k + 1, 31))
//!   slots:   chunk 0 | chunk 1 | ...   position p lives at chunks[p / CHUNK][p % CHUNK]
//!   slot:    KeyBuf (16 B: inline <= 14 bytes, else boxed) + Entry (value, lru, link)
//!   link:    bit 31 = the key has a TTL, bits 0..31 = next position in the chain
//! ```
//!
//! Every chunk grows like a `Vec` up to `CHUNK` slots (by doubling, or by
//! `TIGHT_STEP` slots while memory is tight), so the array wastes at most one chunk's
//! spare capacity and never moves more than one chunk when it grows. The
//! index is a power-of-two array of chain heads kept at load factor <= 1
//! (Redis's dict), 4 bytes a bucket; chains link through the slots
//! themselves.
//!
//! # Tag filters
//!
//! A position needs only `P = k + 1` bits (there are fewer than `2^(k+1)`
//! keys, tight growth included), so each bucket word keeps the other
//! `32 - P` bits (11 at a million keys, never fewer than one) as a small
//! Bloom filter of its chain: every key sets the bit its hash's upper half
//! picks. A lookup whose bit is clear is a miss without visiting any slot
//! (an empty chain has no bits set), so a miss touches a slot only on a
//! filter collision (about 1 in 11 single-key chains at a million keys)
//! instead of on every non-empty chain. The filter is exact, not stale:
//! removing a key recomputes it from the keys left on the chain (a chain
//! is one or two keys long), and the index is rebuilt with new widths when
//! it doubles or halves. Hits still read the chain's slots in order.
//!
//! # Growth under maxmemory
//!
//! Doubling the index adds 4 bytes a key at once. When the keyspace says
//! memory is tight ([`Table::set_tight`]: the next doubling would pass
//! `maxmemory`), the index does not double until the load factor passes
//! 1.6 (Redis's `dictExpandAllowed` and its 1.618), chains simply grow
//! longer, chunks grow by `TIGHT_STEP` slots, and spare slots are given
//! back as keys go (a slot costs 56 bytes used or not, so eviction must
//! free slots, not only the keys' own allocations). So a limit just under
//! a doubling does not make eviction empty the table to pay for it.
//!
//! # Invariants
//!
//! 1. Positions `0..len` are occupied; every key is on the chain of
//!    `hash(key) & (buckets - 1)` exactly once, and chains hold nothing else.
//! 2. Removal moves the last slot into the hole (swap-remove), so a key
//!    only ever moves from the end to a lower position: SCAN, walking
//!    positions downwards, returns every key present for the whole scan.
//!
//! # Thresholds
//!
//! `CHUNK` = 1024 slots (56 KiB); the index doubles when `len` reaches the
//! bucket count (tight: 1.6 times it) and halves below one key per 8
//! buckets. Table bytes are counted from slots and buckets allocated, which
//! move only when chunks or the index are allocated or freed.

use super::keyhash::KeyHasher;
use crate::value::Value;

/// Slots per chunk (a power of two).
const CHUNK: usize = 1024;
/// End of a chain (also what an empty bucket's head reads as).
const NIL: u32 = 0x7FFF_FFFF;
/// The TTL flag in a link.
const TTL_FLAG: u32 = 0x8000_0000;
/// Slots a chunk grows by while memory is tight (and keeps spare at most
/// twice over).
const TIGHT_STEP: usize = 8;
/// Longest key stored inline.
pub(crate) const INLINE_KEY: usize = 14;

/// Bytes of one slot in the table (key handle and entry).
pub(crate) const SLOT_BYTES: usize = std::mem::size_of::<Slot>();

/// The hasher of the index: keyed per table with random seeds, so clients
/// cannot aim collisions at it.
pub(crate) type Hasher = ahash::RandomState;

/// Key bytes, inline when at most 14 bytes long (the slot then holds no
/// pointer and the key costs no allocation).
#[derive(Clone)]
pub(crate) enum KeyBuf {
    /// A short key.
    Inline {
        /// Its length.
        len: u8,
        /// Its bytes, zero-padded.
        bytes: [u8; INLINE_KEY],
    },
    /// A longer key (boxed twice so the slot stays 16 bytes).
    Heap(Box<Box<[u8]>>),
}

impl KeyBuf {
    pub(crate) fn new(key: &[u8]) -> Self {
        if key.len() <= INLINE_KEY {
            KeyBuf::Inline {
                len: key.len() as u8,
                bytes: pad_inline(key),
            }
        } else {
            KeyBuf::Heap(Box::new(key.into()))
        }
    }

    #[inline]
    pub(crate) fn as_bytes(&self) -> &[u8] {
        match self {
            KeyBuf::Inline { len, bytes } => &bytes[..usize::from(*len)],
            KeyBuf::Heap(b) => b,
        }
    }

    /// Heap bytes held (0 for an inline key).
    pub(crate) fn heap_bytes(&self) -> usize {
        match self {
            KeyBuf::Inline { .. } => 0,
            KeyBuf::Heap(b) => std::mem::size_of::<Box<[u8]>>() + b.len(),
        }
    }

    /// Heap bytes a `KeyBuf` of `key` holds, without making one.
    #[inline]
    pub(crate) fn heap_bytes_for(key: &[u8]) -> usize {
        match key.len() {
            0..=INLINE_KEY => 0,
            n => std::mem::size_of::<Box<[u8]>>() + n,
        }
    }
}

/// `key` (at most `INLINE_KEY` bytes) zero-padded to `INLINE_KEY` bytes:
/// its [`key_words`] laid out as bytes (no `memcpy` call for a variable
/// length).
#[inline]
fn pad_inline(key: &[u8]) -> [u8; INLINE_KEY] {
    let (lo, hi) = key_words(key);
    let mut out = [0; INLINE_KEY];
    out[..8].copy_from_slice(&lo.to_le_bytes());
    out[8..].copy_from_slice(&hi.to_le_bytes()[..INLINE_KEY - 8]);
    out
}

/// Longest key [`key_words`] describes.
pub(crate) const WORDS_KEY: usize = 16;

/// A key of at most [`WORDS_KEY`] bytes zero-padded to 16 bytes, as two
/// little-endian words: with its length, this tells it apart from every
/// other key, and for a key of at most `INLINE_KEY` bytes it is exactly
/// what an inline [`KeyBuf`] holds, so a stored key compares as two
/// fixed-offset loads ([`KeyWords`]). Built from fixed-size loads only
/// (the first and last 8, 4 or 2 bytes, the tail shifted to its place;
/// the byte of a key of 1), no padding copy, no jump table, no `memcmp`.
/// Longer keys give words that do not tell them apart.
#[inline(always)]
pub(crate) fn key_words(key: &[u8]) -> (u64, u64) {
    let n = key.len();
    if let (Some(f), Some(l)) = (key.first_chunk::<8>(), key.last_chunk::<8>()) {
        // Bytes 8..n are the top n - 8 bytes of the last word (none for
        // n = 8: a shift by 64 gives None).
        // (Junk for a longer key, which no hot key or stored key is
        // compared with by words.)
        let shift = (WORDS_KEY.wrapping_sub(n) as u32).wrapping_mul(8);
        let tail = u64::from_le_bytes(*l).checked_shr(shift);
        (u64::from_le_bytes(*f), tail.unwrap_or(0))
    } else if let (Some(f), Some(l)) = (key.first_chunk::<4>(), key.last_chunk::<4>()) {
        // The last four bytes at their place (overlapping the first four,
        // which they agree with).
        let head = u64::from(u32::from_le_bytes(*f));
        (head | u64::from(u32::from_le_bytes(*l)) << (8 * (n - 4)), 0)
    } else if let (Some(f), Some(l)) = (key.first_chunk::<2>(), key.last_chunk::<2>()) {
        // Likewise with two bytes: keys of 2 or 3.
        let head = u64::from(u16::from_le_bytes(*f));
        (head | u64::from(u16::from_le_bytes(*l)) << (8 * (n - 2)), 0)
    } else {
        (key.first().map_or(0, |&b| u64::from(b)), 0)
    }
}

/// A key of at most [`WORDS_KEY`] bytes as a lookup compares it: its
/// length and [`key_words`], computed once per lookup and used for the
/// hash, the hot-key checks and every stored key on the chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct KeyWords {
    /// The key's length.
    pub(crate) len: usize,
    /// Its bytes 0..8, zero-padded.
    pub(crate) lo: u64,
    /// Its bytes 8..16, zero-padded.
    pub(crate) hi: u64,
}

impl KeyWords {
    /// The words of `key` (meaningful for keys of at most [`WORDS_KEY`]
    /// bytes; longer keys never compare equal to a hot key, whose length
    /// is at most that).
    #[inline(always)]
    pub(crate) fn of(key: &[u8]) -> KeyWords {
        let (lo, hi) = key_words(key);
        KeyWords {
            len: key.len(),
            lo,
            hi,
        }
    }

    /// Bytes 6..14 of the padded key: with `lo`, an inline key's 14 bytes
    /// as two overlapping fixed-offset loads.
    #[inline(always)]
    pub(crate) fn mid(&self) -> u64 {
        (self.lo >> 48) | (self.hi << 16)
    }

    /// The words of a key of at most `INLINE_KEY` bytes from its length,
    /// `lo` and [`KeyWords::mid`] (for passing them in two registers).
    #[inline(always)]
    pub(crate) fn from_mid(len: usize, lo: u64, mid: u64) -> KeyWords {
        debug_assert!(len <= INLINE_KEY);
        KeyWords {
            len,
            lo,
            hi: mid >> 16,
        }
    }

    /// The words of `key` from `lo` and [`KeyWords::mid`] computed
    /// earlier (for passing them in two registers); a key longer than
    /// `INLINE_KEY` bytes has its words computed again.
    #[inline(always)]
    pub(crate) fn resume(key: &[u8], lo: u64, mid: u64) -> KeyWords {
        if key.len() <= INLINE_KEY {
            KeyWords::from_mid(key.len(), lo, mid)
        } else {
            KeyWords::of(key)
        }
    }

    /// A one-word summary of the key (bytes 0..14 folded), for a quick
    /// "not this key" before a stored key is read.
    #[inline(always)]
    pub(crate) fn print(&self) -> u64 {
        self.lo ^ self.mid()
    }
}

/// Whether the stored key `k` is the key of length `n` whose
/// [`KeyWords`] give `lo` and `mid` (`n <= INLINE_KEY`): the length and
/// two fixed-offset loads of the zero-padded inline bytes.
#[inline(always)]
fn inline_is(k: &KeyBuf, n: usize, lo: u64, mid: u64) -> bool {
    match k {
        KeyBuf::Inline { len, bytes } => {
            let (head, tail) = (bytes.first_chunk::<8>(), bytes.last_chunk::<8>());
            let word = |w: Option<&[u8; 8]>| u64::from_le_bytes(*w.expect("14 bytes"));
            usize::from(*len) == n && word(head) == lo && word(tail) == mid
        }
        KeyBuf::Heap(_) => false,
    }
}

impl std::fmt::Debug for KeyBuf {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", String::from_utf8_lossy(self.as_bytes()))
    }
}

/// A stored key's value and metadata (its TTL, if any, is in the
/// database's expires index; a flag here says whether to look).
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    /// The value.
    pub(crate) value: Value,
    /// Redis's 24-bit LRU clock or LFU (minutes << 8 | counter) field.
    pub(crate) lru: u32,
    /// TTL flag and next position in the hash chain (see the module docs).
    link: u32,
}

impl Entry {
    /// An entry for `value` with a zero access field.
    #[cfg(test)]
    pub(crate) fn new(value: Value) -> Self {
        Self::with_lru(value, 0)
    }

    /// An entry for `value` with the access field `lru`.
    pub(crate) fn with_lru(value: Value, lru: u32) -> Self {
        Entry {
            value,
            lru,
            link: NIL,
        }
    }

    /// Whether the key has a TTL (then it is in the expires index).
    #[inline]
    pub(crate) fn has_ttl(&self) -> bool {
        self.link & TTL_FLAG != 0
    }

    /// Whether the key has no TTL and `count` is not negative, in one
    /// test of a sign (the TTL flag is the link's top bit): the read
    /// shortcut's two conditions on the key and on the fast clock.
    #[inline(always)]
    pub(crate) fn no_ttl_and_not_negative(&self, count: i32) -> bool {
        const { assert!(TTL_FLAG == 1 << 31) };
        (self.link as i32 | count) >= 0
    }

    pub(super) fn set_ttl_flag(&mut self, on: bool) {
        self.link = (self.link & !TTL_FLAG) | if on { TTL_FLAG } else { 0 };
    }

    #[inline]
    fn next(&self) -> u32 {
        self.link & !TTL_FLAG
    }

    fn set_next(&mut self, next: u32) {
        self.link = (self.link & TTL_FLAG) | next;
    }
}

/// One key and its entry.
#[derive(Debug, Clone)]
struct Slot {
    key: KeyBuf,
    entry: Entry,
}

/// A position split into its chunk and its place in it, as a shortcut
/// keeps it: addressing the slot takes no division.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SlotAt {
    /// `pos / CHUNK` (`u32::MAX`: no position; a table has fewer chunks).
    chunk: u32,
    /// `pos % CHUNK`.
    off: u32,
}

impl SlotAt {
    /// No position: addresses no slot.
    pub(crate) const NONE: SlotAt = SlotAt {
        chunk: u32::MAX,
        off: 0,
    };

    /// Position `pos`, split. Chunk ids fit 32 bits (a table of 2^32
    /// chunks would hold 4 T keys); a truncated one would only address
    /// another slot, whose key the shortcut compares anyway.
    #[inline]
    pub(crate) fn of(pos: usize) -> SlotAt {
        SlotAt {
            chunk: (pos / CHUNK) as u32,
            off: (pos % CHUNK) as u32,
        }
    }

    /// The chunk, as an index.
    #[inline(always)]
    fn chunk(self) -> usize {
        self.chunk as usize
    }

    /// The place in the chunk, as an index.
    #[inline(always)]
    fn off(self) -> usize {
        self.off as usize
    }

    /// The position (meaningless for [`SlotAt::NONE`]).
    #[inline]
    pub(crate) fn pos(self) -> usize {
        self.chunk().wrapping_mul(CHUNK).wrapping_add(self.off())
    }
}

/// The key table (see the module docs).
#[derive(Debug, Default)]
pub(crate) struct Table {
    chunks: Vec<Vec<Slot>>,
    buckets: Vec<u32>,
    /// Bits of a bucket word holding its head position + 1 (see "Tag
    /// filters" in the module docs); 0 while there is no index.
    pos_bits: u32,
    /// `(1 << pos_bits) - 1` (kept: every lookup reads it).
    pos_mask: u32,
    /// `32 - pos_bits`, the tag filter's width (kept likewise).
    tag_width: u32,
    len: usize,
    /// Slots allocated over every chunk.
    slot_cap: usize,
    /// Memory is tight: grow the index late and chunks in small steps.
    tight: bool,
    hasher: KeyHasher,
}

impl Table {
    /// Number of keys.
    #[inline]
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    #[inline]
    fn slot(&self, i: usize) -> &Slot {
        &self.chunks[i / CHUNK][i % CHUNK]
    }

    #[inline]
    fn slot_mut(&mut self, i: usize) -> &mut Slot {
        &mut self.chunks[i / CHUNK][i % CHUNK]
    }

    #[inline]
    fn bucket_of(&self, key: &[u8]) -> usize {
        (self.hash(key) as usize) & (self.buckets.len() - 1)
    }

    /// The bucket-word bits holding a head position + 1.
    #[inline]
    fn pos_mask(&self) -> u32 {
        self.pos_mask
    }

    /// The tag-filter bit of a key whose hash is `hash`: one of the
    /// `32 - pos_bits` bits above the head, picked by the hash's upper half
    /// (the bucket is picked by its lower bits).
    #[inline]
    fn tag_bit(&self, hash: u64) -> u32 {
        let t = ((hash >> 32) * u64::from(self.tag_width)) >> 32;
        1 << (self.pos_bits + t as u32)
    }

    /// The head position of bucket `b`'s chain (NIL when empty).
    #[inline]
    fn head(&self, b: usize) -> u32 {
        (self.buckets[b] & self.pos_mask()).wrapping_sub(1) & NIL
    }

    /// Makes `pos` (NIL = none) the head of bucket `b`'s chain, keeping
    /// its tag filter.
    fn set_head(&mut self, b: usize, pos: u32) {
        let stored = if pos == NIL { 0 } else { pos + 1 };
        let mask = self.pos_mask();
        self.buckets[b] = (self.buckets[b] & !mask) | stored;
    }

    /// Recomputes bucket `b`'s tag filter from the keys on its chain.
    fn refresh_filter(&mut self, b: usize) {
        let mut filter = 0;
        let mut i = self.head(b);
        while i != NIL {
            let s = self.slot(i as usize);
            filter |= self.tag_bit(self.hash(s.key.as_bytes()));
            i = s.entry.next();
        }
        let mask = self.pos_mask();
        self.buckets[b] = (self.buckets[b] & mask) | filter;
    }

    /// The hash of `key` in this table (for [`Table::probe_keyed`] and
    /// [`Table::push_hashed`], so a lookup then insert hashes once).
    #[inline]
    pub(crate) fn hash(&self, key: &[u8]) -> u64 {
        self.hasher.hash(key)
    }

    /// [`Table::hash`] of a key of at most `WORDS_KEY` bytes given as its
    /// [`KeyWords`].
    #[inline(always)]
    pub(crate) fn hash_words(&self, w: &KeyWords) -> u64 {
        self.hasher.hash_words(w)
    }

    /// The position of `key`.
    #[inline]
    pub(crate) fn find(&self, key: &[u8]) -> Option<usize> {
        self.lookup(key).map(|(i, _)| i)
    }

    /// The position of `key` and its entry.
    #[inline]
    pub(crate) fn lookup(&self, key: &[u8]) -> Option<(usize, &Entry)> {
        self.probe_keyed(key, &KeyWords::of(key)).1
    }

    /// The position and entry of a key of at most `INLINE_KEY` bytes,
    /// given as its [`KeyWords`], whose [`Table::hash`] is `hash`: each stored key on the chain compares as
    /// its length and two fixed-offset loads (no padding, no `memcmp`).
    #[inline(always)]
    pub(crate) fn lookup_words(&self, w: &KeyWords, hash: u64) -> Option<(usize, &Entry)> {
        debug_assert!(w.len <= INLINE_KEY);
        let mut i = self.chain_head(hash)?;
        let (n, lo, mid) = (w.len, w.lo, w.mid());
        loop {
            let s = self.slot(i as usize);
            if inline_is(&s.key, n, lo, mid) {
                return Some((i as usize, &s.entry));
            }
            i = s.entry.next();
            if i == NIL {
                return None;
            }
        }
    }

    /// The hash of `key`, whose [`KeyWords`] are `w`, and its position
    /// and entry if present: the words computed once serve the hash and
    /// every compare.
    #[inline(always)]
    pub(crate) fn probe_keyed(&self, key: &[u8], w: &KeyWords) -> (u64, Option<(usize, &Entry)>) {
        if w.len <= INLINE_KEY {
            let hash = self.hash_words(w);
            return (hash, self.lookup_words(w, hash));
        }
        let hash = self.hash(key);
        (hash, self.lookup_long(key, hash))
    }

    /// The position and entry of `key`, longer than `INLINE_KEY` bytes
    /// and whose [`Table::hash`] is `hash`
    /// (stored boxed), out of line.
    #[inline(never)]
    fn lookup_long(&self, key: &[u8], hash: u64) -> Option<(usize, &Entry)> {
        let mut i = self.chain_head(hash)?;
        while i != NIL {
            let s = self.slot(i as usize);
            if let KeyBuf::Heap(k) = &s.key
                && ***k == *key
            {
                return Some((i as usize, &s.entry));
            }
            i = s.entry.next();
        }
        None
    }

    /// The head position of the chain a key whose hash is `hash` would
    /// be on, or None when the bucket's tag filter rules the key out (an
    /// empty chain, and an empty table with no index, included).
    #[inline(always)]
    fn chain_head(&self, hash: u64) -> Option<u32> {
        let b = (hash as usize) & self.buckets.len().wrapping_sub(1);
        let word = *self.buckets.get(b)?;
        if word & self.tag_bit(hash) == 0 {
            return None;
        }
        Some((word & self.pos_mask()) - 1)
    }

    /// The entry at `at` if it is in range and the key stored there is
    /// the key of at most `INLINE_KEY` bytes given by `w`.
    #[inline(always)]
    pub(crate) fn entry_if_key(&self, at: SlotAt, w: &KeyWords) -> Option<&Entry> {
        let s = self.chunks.get(at.chunk())?.get(at.off())?;
        inline_is(&s.key, w.len, w.lo, w.mid()).then_some(&s.entry)
    }

    /// The entry at `at` (which must be in range), mutable: addressed as
    /// [`Table::entry_if_key`] addresses it, so that after it the compiler
    /// addresses the slot once.
    #[inline(always)]
    pub(crate) fn entry_mut_at(&mut self, at: SlotAt) -> &mut Entry {
        &mut self.chunks[at.chunk()][at.off()].entry
    }

    /// The key and entry at position `i`.
    #[inline]
    pub(crate) fn get_index(&self, i: usize) -> Option<(&[u8], &Entry)> {
        (i < self.len).then(|| {
            let s = self.slot(i);
            (s.key.as_bytes(), &s.entry)
        })
    }

    /// The key and entry at position `i`, the entry mutable.
    #[inline]
    pub(crate) fn get_index_mut(&mut self, i: usize) -> Option<(&[u8], &mut Entry)> {
        if i >= self.len {
            return None;
        }
        let s = self.slot_mut(i);
        Some((s.key.as_bytes(), &mut s.entry))
    }

    /// The entry at position `i` (which must be `< len`).
    #[inline]
    pub(crate) fn entry(&self, i: usize) -> &Entry {
        &self.slot(i).entry
    }

    /// The entry at position `i` (which must be `< len`), mutable.
    #[inline]
    pub(crate) fn entry_mut(&mut self, i: usize) -> &mut Entry {
        &mut self.slot_mut(i).entry
    }

    /// The key's heap bytes at position `i` (which must be `< len`).
    pub(crate) fn key_heap_bytes(&self, i: usize) -> usize {
        self.slot(i).key.heap_bytes()
    }

    /// Every key and entry in position order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (&[u8], &Entry)> + '_ {
        self.chunks
            .iter()
            .flatten()
            .map(|s| (s.key.as_bytes(), &s.entry))
    }

    /// Adds `key`, which must be absent; returns its position.
    #[cfg(test)]
    pub(crate) fn push(&mut self, key: &[u8], entry: Entry) -> usize {
        self.push_hashed(key, self.hash(key), entry)
    }

    /// Adds `key`, which must be absent and whose [`Table::hash`] is
    /// `hash`; returns its position.
    #[inline]
    pub(crate) fn push_hashed(&mut self, key: &[u8], hash: u64, mut entry: Entry) -> usize {
        if self.index_full() {
            self.rehash((self.buckets.len() * 2).max(4));
        }
        let pos = self.len;
        let b = (hash as usize) & (self.buckets.len() - 1);
        entry.set_next(self.head(b));
        let word = self.buckets[b] & !self.pos_mask();
        self.buckets[b] = word | self.tag_bit(hash) | (pos as u32 + 1);
        let slot = Slot {
            key: KeyBuf::new(key),
            entry,
        };
        if pos / CHUNK == self.chunks.len() {
            self.chunks.push(Vec::new());
        }
        let tight = self.tight;
        let chunk = &mut self.chunks[pos / CHUNK];
        if chunk.len() == chunk.capacity() {
            let cap = chunk.capacity();
            let step = match (tight, cap) {
                (true, _) => TIGHT_STEP,
                // Later chunks start at an eighth: fewer copies as they fill.
                (false, 0) if pos >= CHUNK => CHUNK / 8,
                (false, _) => cap.max(4),
            };
            chunk.reserve_exact(step.min(CHUNK - cap));
            self.slot_cap += chunk.capacity() - cap;
        }
        chunk.push(slot);
        self.len += 1;
        pos
    }

    /// Whether the next key makes the index grow: at load factor 1, or
    /// while memory is tight past 1.6.
    #[inline]
    fn index_full(&self) -> bool {
        let n = self.buckets.len();
        if self.tight && n > 0 {
            self.len * 5 >= n * 8
        } else {
            self.len >= n
        }
    }

    /// Whether memory is tight (see the module docs).
    pub(crate) fn is_tight(&self) -> bool {
        self.tight
    }

    /// Says whether memory is tight (see the module docs); a table that
    /// is gives back its spare slots at once.
    pub(crate) fn set_tight(&mut self, tight: bool) {
        self.tight = tight;
        if tight {
            self.trim();
        }
    }

    /// Bytes the table would allocate at once on its next growth: the
    /// doubled index, or a doubled chunk.
    pub(crate) fn next_growth_bytes(&self) -> usize {
        let index = self.buckets.len().max(4) * 2 * std::mem::size_of::<u32>();
        let chunk = self
            .chunks
            .last()
            .map_or(4, |c| c.capacity().clamp(4, CHUNK));
        index.max(chunk * SLOT_BYTES)
    }

    /// Replaces the entry at position `pos` (keeping its chain link and
    /// TTL flag); returns the old entry.
    pub(crate) fn replace(&mut self, pos: usize, mut entry: Entry) -> Entry {
        let slot = self.slot_mut(pos);
        entry.link = slot.entry.link;
        std::mem::replace(&mut slot.entry, entry)
    }

    /// Unlinks position `pos` from the chain of bucket `b` and refreshes
    /// the chain's tag filter.
    fn unlink(&mut self, b: usize, pos: usize) {
        let next = self.slot(pos).entry.next();
        if self.head(b) == pos as u32 {
            self.set_head(b, next);
        } else {
            let mut i = self.head(b) as usize;
            loop {
                let at = self.slot(i).entry.next();
                if at == pos as u32 {
                    self.slot_mut(i).entry.set_next(next);
                    break;
                }
                debug_assert!(at != NIL, "position {pos} not on its chain");
                i = at as usize;
            }
        }
        self.refresh_filter(b);
    }

    /// Points whatever links to `from` (a bucket head or a slot of its
    /// chain) at `to` instead.
    fn relink(&mut self, b: usize, from: usize, to: usize) {
        if self.head(b) == from as u32 {
            self.set_head(b, to as u32);
            return;
        }
        let mut i = self.head(b) as usize;
        loop {
            let at = self.slot(i).entry.next();
            if at == from as u32 {
                self.slot_mut(i).entry.set_next(to as u32);
                return;
            }
            i = at as usize;
        }
    }

    /// Removes the key at position `pos`; the last key takes its place.
    /// Returns the removed key's entry and its key's heap bytes.
    pub(crate) fn swap_remove(&mut self, pos: usize) -> (Entry, usize) {
        let b = self.bucket_of(self.slot(pos).key.as_bytes());
        self.unlink(b, pos);
        let last = self.len - 1;
        if pos != last {
            let lb = self.bucket_of(self.slot(last).key.as_bytes());
            self.relink(lb, last, pos);
        }
        let chunk = &mut self.chunks[last / CHUNK];
        let mut removed = chunk.pop().expect("last slot exists");
        if pos != last {
            std::mem::swap(&mut removed, self.slot_mut(pos));
        }
        self.len -= 1;
        self.release_spare();
        let key_bytes = removed.key.heap_bytes();
        (removed.entry, key_bytes)
    }

    /// Frees trailing chunks beyond one spare empty one, and shrinks the
    /// index below one key per 8 buckets.
    fn release_spare(&mut self) {
        if self.tight {
            self.trim();
        }
        while self.chunks.len() >= 2
            && self.chunks[self.chunks.len() - 1].is_empty()
            && self.chunks[self.chunks.len() - 2].is_empty()
        {
            let freed = self.chunks.pop().expect("two chunks");
            self.slot_cap -= freed.capacity();
        }
        if self.len == 0 {
            *self = Table {
                hasher: std::mem::take(&mut self.hasher),
                tight: self.tight,
                ..Table::default()
            };
        } else if self.buckets.len() > 4 && self.len * 8 < self.buckets.len() {
            self.rehash(self.len.next_power_of_two().max(4));
        }
    }

    /// While memory is tight: frees every empty trailing chunk and the last
    /// chunk's spare slots beyond `TIGHT_STEP`, so that removing keys
    /// (eviction) gives their slots back.
    fn trim(&mut self) {
        while self.len > 0 && self.chunks.last().is_some_and(Vec::is_empty) {
            let freed = self.chunks.pop().expect("a chunk");
            self.slot_cap -= freed.capacity();
        }
        if let Some(last) = self.chunks.last_mut() {
            let cap = last.capacity();
            if cap - last.len() > 2 * TIGHT_STEP {
                last.shrink_to(last.len() + TIGHT_STEP);
                self.slot_cap -= cap - last.capacity();
            }
        }
    }

    /// Rebuilds the index with `n` buckets (a power of two).
    fn rehash(&mut self, n: usize) {
        self.buckets = vec![0; n];
        self.pos_bits = (n.trailing_zeros() + 1).min(31);
        self.pos_mask = (1u32 << self.pos_bits) - 1;
        self.tag_width = 32 - self.pos_bits;
        let mask = n - 1;
        for i in 0..self.len {
            let hash = self.hash(self.slot(i).key.as_bytes());
            let b = (hash as usize) & mask;
            let head = self.head(b);
            self.slot_mut(i).entry.set_next(head);
            let word = self.buckets[b] & !self.pos_mask();
            self.buckets[b] = word | self.tag_bit(hash) | (i as u32 + 1);
        }
    }

    /// Heap bytes of the slot chunks and the index (keys' own allocations
    /// and values not included).
    pub(crate) fn table_bytes(&self) -> usize {
        self.slot_cap * std::mem::size_of::<Slot>()
            + self.chunks.capacity() * std::mem::size_of::<Vec<Slot>>()
            + self.buckets.capacity() * std::mem::size_of::<u32>()
    }

    /// Checks invariant 1 of the module docs.
    pub(crate) fn validate(&self) -> Result<(), String> {
        let stored: usize = self.chunks.iter().map(Vec::len).sum();
        if stored != self.len {
            return Err(format!("{stored} slots for {} keys", self.len));
        }
        let cap: usize = self.chunks.iter().map(Vec::capacity).sum();
        if cap != self.slot_cap {
            return Err(format!("{cap} slots allocated, {} counted", self.slot_cap));
        }
        if self.chunks.iter().rev().skip(2).any(|c| c.len() != CHUNK) {
            return Err("a chunk before the last is not full".into());
        }
        let mut chained = 0;
        for b in 0..self.buckets.len() {
            let mut i = self.head(b);
            let mut filter = 0;
            while i != NIL {
                let s = self.slot(i as usize);
                if self.bucket_of(s.key.as_bytes()) != b {
                    return Err(format!("key {:?} on the wrong chain", s.key));
                }
                filter |= self.tag_bit(self.hash(s.key.as_bytes()));
                chained += 1;
                if chained > self.len {
                    return Err("a chain loops".into());
                }
                i = s.entry.next();
            }
            if self.buckets[b] & !self.pos_mask() != filter {
                return Err(format!("bucket {b}: tag filter differs from its chain"));
            }
        }
        if chained != self.len {
            return Err(format!("{chained} keys chained, {} stored", self.len));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::string::StringValue;

    fn entry(i: usize) -> Entry {
        Entry::new(Value::String(StringValue::from_bytes(
            i.to_string().as_bytes(),
        )))
    }

    #[test]
    fn slots_and_keys_stay_small() {
        // The per-key budget (see the module docs): a 16-byte key handle,
        // a 32-byte value, 8 bytes of access field and chain link.
        assert_eq!(std::mem::size_of::<KeyBuf>(), 16);
        assert_eq!(std::mem::size_of::<StringValue>(), 24);
        assert_eq!(std::mem::size_of::<Value>(), 32);
        assert_eq!(std::mem::size_of::<Entry>(), 40);
        assert_eq!(SLOT_BYTES, 56);
    }

    #[test]
    fn keys_inline_up_to_fourteen_bytes() {
        for n in 0..40 {
            let key: Vec<u8> = (0..n as u8).collect();
            let k = KeyBuf::new(&key);
            assert_eq!(k.as_bytes(), &key[..]);
            assert_eq!(k.heap_bytes() == 0, n <= INLINE_KEY, "{n}");
            assert_eq!(k.heap_bytes(), KeyBuf::heap_bytes_for(&key), "{n}");
        }
    }

    /// The words of every key of up to 16 bytes are its bytes,
    /// zero-padded, as little-endian words (what an inline key stores).
    #[test]
    fn key_words_are_the_padded_bytes() {
        for n in 0..=WORDS_KEY {
            let key: Vec<u8> = (0..n as u8).map(|i| 0xA0 ^ i.wrapping_mul(37)).collect();
            let mut padded = [0u8; 16];
            padded[..n].copy_from_slice(&key);
            let lo = u64::from_le_bytes(padded[..8].try_into().unwrap());
            let hi = u64::from_le_bytes(padded[8..].try_into().unwrap());
            assert_eq!(key_words(&key), (lo, hi), "{n}");
        }
    }

    /// A split position addresses the slot its position does.
    #[test]
    fn split_positions_address_their_slots() {
        let mut t = Table::default();
        for i in 0..2500usize {
            t.push(i.to_string().as_bytes(), entry(i));
        }
        for i in [0, 1, 1023, 1024, 1025, 2047, 2048, 2499] {
            let at = SlotAt::of(i);
            assert_eq!(at.pos(), i);
            let w = KeyWords::of(i.to_string().as_bytes());
            let e = t.entry_if_key(at, &w).expect("the key at its position");
            assert!(std::ptr::eq(e, t.entry(i)));
            assert!(t.entry_if_key(SlotAt::of(i ^ 1), &w).is_none());
        }
        let w = KeyWords::of(b"0");
        assert!(t.entry_if_key(SlotAt::NONE, &w).is_none());
        assert!(t.entry_if_key(SlotAt::of(2500), &w).is_none());
    }

    #[test]
    fn key_words_and_length_tell_short_keys_apart() {
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for n in 0..=WORDS_KEY {
            for _ in 0..300 {
                let a: Vec<u8> = (0..n).map(|_| next() as u8).collect();
                let mut b = a.clone();
                if n > 0 && next() % 4 != 0 {
                    let at = next() as usize % n;
                    b[at] ^= 1 << (next() % 8);
                }
                assert_eq!(key_words(&a) == key_words(&b), a == b, "{a:?} {b:?}");
            }
        }
    }

    #[test]
    fn push_find_remove_across_chunks() {
        let mut t = Table::default();
        let key = |i: usize| format!("some-longer-key:{i}").into_bytes();
        for i in 0..3000usize {
            let k = if i.is_multiple_of(2) {
                key(i)
            } else {
                i.to_string().into_bytes()
            };
            assert_eq!(t.push(&k, entry(i)), i);
        }
        t.validate().unwrap();
        for i in (0..3000usize).step_by(3) {
            let k = if i.is_multiple_of(2) {
                key(i)
            } else {
                i.to_string().into_bytes()
            };
            let pos = t.find(&k).expect("present");
            t.swap_remove(pos);
            assert_eq!(t.find(&k), None);
        }
        t.validate().unwrap();
        assert_eq!(t.len(), 2000);
        for i in 0..3000usize {
            let k = if i.is_multiple_of(2) {
                key(i)
            } else {
                i.to_string().into_bytes()
            };
            assert_eq!(t.find(&k).is_some(), !i.is_multiple_of(3), "{i}");
        }
        while t.len() > 0 {
            t.swap_remove(0);
        }
        t.validate().unwrap();
        assert_eq!(t.table_bytes(), 0);
    }

    #[test]
    fn ttl_flag_survives_relinking() {
        let mut t = Table::default();
        for i in 0..100 {
            let mut e = entry(i);
            e.set_ttl_flag(i.is_multiple_of(2));
            t.push(i.to_string().as_bytes(), e);
        }
        for i in (0..100).step_by(7) {
            let pos = t.find(i.to_string().as_bytes()).unwrap();
            t.swap_remove(pos);
        }
        for (k, e) in t.iter() {
            let i: usize = std::str::from_utf8(k).unwrap().parse().unwrap();
            assert_eq!(e.has_ttl(), i.is_multiple_of(2));
        }
        t.validate().unwrap();
    }
}
