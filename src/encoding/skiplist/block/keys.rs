//! The key array of a [`Block`]: each sorted position's one-byte score
//! key under the block's quantizer, the search that counts keys instead of
//! probing cells, and the rewrite that picks a quantizer (see the module
//! docs of `block.rs`).

use super::{BASE, Block, CELLS, COARSE, NO_KEY, ORDER, SHIFT};

/// A score as a `u64` that orders as the score does (never NaN), with -0
/// and +0 the same, as sorted sets rank them.
#[inline(always)]
pub(in crate::encoding::skiplist) fn ordered(score: f64) -> u64 {
    let b = (score + 0.0).to_bits();
    if b >> 63 == 0 { b | 1 << 63 } else { !b }
}

/// The one-byte key of a score whose [`ordered`] value is `t` under the
/// quantizer (`base`, `shift`): the distance from `base` (0 below it)
/// shifted right, capped at 255. Non-decreasing in the score.
#[inline(always)]
pub(in crate::encoding::skiplist) fn quantize(t: u64, base: u64, shift: u8) -> u8 {
    let d = t.saturating_sub(base) >> (shift & 63);
    d.min(255) as u8
}

/// The quantizer for a block whose scores run from `first` to `last`: the
/// base at `first`, and the smallest shift that maps the range into keys
/// 0..=255 (so `last` gets a key of 128 or more, or the range is under
/// 256). Scores inserted past `last` (up to the next block's first) take
/// the keys above it, or share 255, until the block is next rewritten.
fn quantizer(first: f64, last: f64) -> (u64, u8) {
    let base = ordered(first);
    let range = ordered(last).saturating_sub(base);
    let bits = 64 - range.leading_zeros();
    (base, bits.saturating_sub(8) as u8)
}

/// How many of `keys` are below `q` and how many at most `q`, counted
/// without a branch per key (byte counters: at most 64).
#[inline(always)]
fn count_keys(keys: &[u8; ORDER], q: u8) -> (usize, usize) {
    let (mut lt, mut le) = (0u8, 0u8);
    for &k in keys {
        lt = lt.wrapping_add(u8::from(k < q));
        le = le.wrapping_add(u8::from(k <= q));
    }
    (usize::from(lt), usize::from(le))
}

impl Block {
    /// The key array: the entries' score keys in sorted order, then
    /// [`NO_KEY`] up to [`BLOCK_MAX`].
    #[inline]
    pub(in crate::encoding::skiplist) fn keys(&self) -> &[u8] {
        self.buf.get(..ORDER).unwrap_or(&[])
    }

    /// The quantizer's (base, shift).
    #[inline]
    pub(in crate::encoding::skiplist) fn quantizer(&self) -> (u64, u8) {
        (
            self.word(BASE),
            self.buf.get(SHIFT).copied().unwrap_or(COARSE),
        )
    }

    /// The key of `score` under this block's quantizer.
    #[inline]
    pub(in crate::encoding::skiplist) fn key_of(&self, score: f64) -> u8 {
        let (base, shift) = self.quantizer();
        quantize(ordered(score), base, shift)
    }

    /// Picks the quantizer for the entries' range and rewrites every key
    /// (reads every score: for rewrites only).
    pub(in crate::encoding::skiplist) fn requantize(&mut self) {
        let n = self.len();
        if n == 0 {
            return;
        }
        let (base, shift) = quantizer(self.score(0), self.score(n - 1));
        self.set_word(BASE, base);
        self.buf[SHIFT] = shift;
        for j in 0..n {
            self.buf[j] = quantize(ordered(self.score(j)), base, shift);
        }
        self.buf[n..ORDER].fill(NO_KEY);
    }

    /// How many entries sort strictly before (score, member): the key
    /// array (one 64-byte read, no branch per key) brackets the entries
    /// whose keys equal the score's, and only those cells are read (binary
    /// search, then the equal scores by member).
    #[inline]
    pub(in crate::encoding::skiplist) fn search(&self, score: f64, member: &[u8]) -> usize {
        let n = self.len();
        let Some(h) = self.buf.first_chunk::<CELLS>() else {
            return 0;
        };
        let base = u64::from_le_bytes(*h[BASE..].first_chunk::<8>().unwrap_or(&[0; 8]));
        let q = quantize(ordered(score), base, h[SHIFT]);
        let (lt, le) = count_keys(h.first_chunk::<ORDER>().unwrap_or(&[NO_KEY; ORDER]), q);
        let (mut a, mut b) = (lt, le.min(n));
        while a < b {
            let mid = (a + b) / 2;
            if self.score(mid) < score {
                a = mid + 1;
            } else {
                b = mid;
            }
        }
        let mut j = a;
        while j < n && self.score(j) == score && self.member(j) < member {
            j += 1;
        }
        j
    }
}
