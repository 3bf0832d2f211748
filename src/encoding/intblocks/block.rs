//! One block of an [`IntBlocks`](super::IntBlocks): members as packed
//! offsets from a base key, or as a bitmap from it.

/// Most members a packed block holds; one more splits it.
pub(super) const PACKED_MAX: usize = 2048;
/// Widest span of a bitmap block, in bits (1 KiB of bitmap: finding the
/// k-th member walks at most 128 words).
pub(super) const BITMAP_BITS: u64 = 1 << 13;
/// Bytes of the widest bitmap.
pub(super) const BITMAP_BYTES: usize = (BITMAP_BITS / 8) as usize;

/// Bytes needed to write `off` (at least 1).
pub(super) fn width_of(off: u64) -> u8 {
    (8 - (off.leading_zeros() / 8) as u8).max(1)
}

/// Reads the `i`-th offset of `w` bytes.
#[inline]
fn read(data: &[u8], w: usize, i: usize) -> u64 {
    let s = &data[i * w..i * w + w];
    match w {
        1 => u64::from(s[0]),
        2 => u64::from(u16::from_le_bytes([s[0], s[1]])),
        4 => u64::from(u32::from_le_bytes([s[0], s[1], s[2], s[3]])),
        8 => u64::from_le_bytes([s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7]]),
        _ => {
            let mut b = [0u8; 8];
            b[..w].copy_from_slice(s);
            u64::from_le_bytes(b)
        }
    }
}

/// The position of the `r`-th set bit of `word` (it has more than `r`).
fn select_in_word(mut word: u64, r: u32) -> u64 {
    for _ in 0..r {
        word &= word - 1;
    }
    u64::from(word.trailing_zeros())
}

/// Grows `data` by `extra` bytes (zeroed), reserving a quarter more room
/// when full (never past `limit`, the most the block can hold), so growth
/// is amortized with little slack.
fn grow(data: &mut Vec<u8>, extra: usize, limit: usize) {
    let need = data.len() + extra;
    if need > data.capacity() {
        let target = (data.capacity() + data.capacity() / 4 + 16)
            .min(limit)
            .max(need);
        data.reserve_exact(target - data.len());
    }
    data.resize(need, 0);
}

/// Gives room back once less than two thirds of it is used.
fn maybe_shrink(data: &mut Vec<u8>) {
    let len = data.len();
    if data.capacity() > len + len / 2 + 32 {
        data.shrink_to(len + len / 8);
    }
}

/// Members `base + offset`, packed (`width` 1 to 8 bytes per offset,
/// strictly increasing) or as a bitmap (`width` 0; bit `o` of byte
/// `o / 8` set when `base + o` is a member; last byte non-zero).
#[derive(Clone, Debug)]
pub(super) struct Block {
    pub(super) base: u64,
    pub(super) data: Vec<u8>,
    pub(super) len: u32,
    pub(super) width: u8,
}

/// What [`Block::insert`] did.
pub(super) enum Added {
    /// Added in place.
    Yes,
    /// Already present.
    No,
    /// Does not fit: above every member, and the block is full.
    After,
    /// Does not fit: the block must be rebuilt with the key.
    Rebuild,
}

impl Block {
    /// A packed block of one key.
    pub(super) fn single(k: u64) -> Self {
        Block {
            base: k,
            data: vec![0],
            len: 1,
            width: 1,
        }
    }

    /// The blocks for sorted, distinct `keys` (not empty): one bitmap when
    /// that is smaller than packing them, else packed blocks of at most
    /// [`PACKED_MAX`] members, halving until they fit.
    pub(super) fn encode(keys: &[u64], out: &mut Vec<Block>) {
        let (first, last) = (keys[0], keys[keys.len() - 1]);
        let span = last - first;
        let w = width_of(span);
        let bitmap = span / 8 + 1;
        if span < BITMAP_BITS && bitmap < (keys.len() * usize::from(w)) as u64 {
            let mut data = vec![0u8; bitmap as usize];
            for &k in keys {
                let o = (k - first) as usize;
                data[o / 8] |= 1 << (o % 8);
            }
            out.push(Block {
                base: first,
                data,
                len: keys.len() as u32,
                width: 0,
            });
        } else if keys.len() <= PACKED_MAX {
            let mut data = Vec::with_capacity(keys.len() * usize::from(w));
            for &k in keys {
                data.extend_from_slice(&(k - first).to_le_bytes()[..usize::from(w)]);
            }
            out.push(Block {
                base: first,
                data,
                len: keys.len() as u32,
                width: w,
            });
        } else {
            let (lo, hi) = keys.split_at(keys.len() / 2);
            Block::encode(lo, out);
            Block::encode(hi, out);
        }
    }

    pub(super) fn len(&self) -> usize {
        self.len as usize
    }

    fn w(&self) -> usize {
        usize::from(self.width)
    }

    /// Packed: `Ok(position)` of `off`, or `Err(insert position)`.
    fn search(&self, off: u64) -> Result<usize, usize> {
        let (w, data) = (self.w(), &self.data[..]);
        let (mut lo, mut hi) = (0, self.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            match read(data, w, mid).cmp(&off) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return Ok(mid),
            }
        }
        Err(lo)
    }

    fn bit(&self, off: u64) -> bool {
        let byte = (off / 8) as usize;
        byte < self.data.len() && self.data[byte] & (1 << (off % 8)) != 0
    }

    /// Whether key `k` (at least `base`) is a member.
    #[inline]
    pub(super) fn contains(&self, k: u64) -> bool {
        let off = k - self.base;
        if self.width == 0 {
            return self.bit(off);
        }
        off <= self.max_off() && self.search(off).is_ok()
    }

    /// The largest offset this block's width can hold.
    fn max_off(&self) -> u64 {
        match self.width {
            8 => u64::MAX,
            w => (1u64 << (8 * u32::from(w))) - 1,
        }
    }

    /// The largest member's key.
    pub(super) fn last(&self) -> u64 {
        if self.width == 0 {
            let top = self.data.len() - 1;
            let bit = 7 - self.data[top].leading_zeros() as usize;
            self.base + (top * 8 + bit) as u64
        } else {
            self.base + read(&self.data, self.w(), self.len() - 1)
        }
    }

    /// Adds key `k` (at least `base`) in place when it fits.
    #[inline]
    pub(super) fn insert(&mut self, k: u64) -> Added {
        let off = k - self.base;
        if self.width == 0 {
            if off >= BITMAP_BITS {
                return Added::After;
            }
            if self.bit(off) {
                return Added::No;
            }
            let byte = (off / 8) as usize;
            if byte >= self.data.len() {
                if byte + 1 > 8 * self.len() + 64 {
                    return Added::Rebuild;
                }
                let extra = byte + 1 - self.data.len();
                grow(&mut self.data, extra, BITMAP_BYTES);
            }
            self.data[byte] |= 1 << (off % 8);
            self.len += 1;
            return Added::Yes;
        }
        if off > self.max_off() {
            return if self.len() >= PACKED_MAX {
                Added::After
            } else {
                Added::Rebuild
            };
        }
        let at = match self.search(off) {
            Ok(_) => return Added::No,
            Err(at) => at,
        };
        if self.len() >= PACKED_MAX {
            return if at == self.len() {
                Added::After
            } else {
                Added::Rebuild
            };
        }
        let w = self.w();
        let end = self.data.len();
        grow(&mut self.data, w, PACKED_MAX * w);
        self.data.copy_within(at * w..end, at * w + w);
        self.data[at * w..at * w + w].copy_from_slice(&off.to_le_bytes()[..w]);
        self.len += 1;
        Added::Yes
    }

    /// Removes key `k` (at least `base`); false when absent.
    pub(super) fn remove(&mut self, k: u64) -> bool {
        let off = k - self.base;
        if self.width == 0 {
            if !self.bit(off) {
                return false;
            }
            self.data[(off / 8) as usize] &= !(1 << (off % 8));
            while self.data.last() == Some(&0) {
                self.data.pop();
            }
        } else {
            if off > self.max_off() {
                return false;
            }
            let Ok(at) = self.search(off) else {
                return false;
            };
            let w = self.w();
            self.data.copy_within(at * w + w.., at * w);
            self.data.truncate(self.data.len() - w);
        }
        self.len -= 1;
        maybe_shrink(&mut self.data);
        true
    }

    /// Whether a bitmap has become so sparse that packing is much smaller.
    pub(super) fn too_sparse(&self) -> bool {
        self.width == 0 && self.data.len() > 8 * self.len() + 64
    }

    /// The key of the `r`-th smallest member (`r < len`).
    pub(super) fn nth(&self, r: usize) -> u64 {
        if self.width != 0 {
            return self.base + read(&self.data, self.w(), r);
        }
        let mut left = r as u32;
        let words = self.data.chunks_exact(8);
        let tail = words.remainder();
        let mut at = 0usize;
        for c in words {
            let word = u64::from_le_bytes(c.try_into().expect("8 bytes"));
            let ones = word.count_ones();
            if left < ones {
                return self.base + (at * 8) as u64 + select_in_word(word, left);
            }
            left -= ones;
            at += 8;
        }
        let mut b = [0u8; 8];
        b[..tail.len()].copy_from_slice(tail);
        let word = u64::from_le_bytes(b);
        debug_assert!(left < word.count_ones(), "rank within the block");
        self.base + (at * 8) as u64 + select_in_word(word, left)
    }

    /// The first position at or after key `k` for [`Block::next_from`]:
    /// an index (packed) or a bit offset (bitmap).
    pub(super) fn seek(&self, k: u64) -> usize {
        let off = k.saturating_sub(self.base);
        if self.width == 0 {
            return usize::try_from(off).map_or(usize::MAX, |o| o.min(self.data.len() * 8));
        }
        if off > self.max_off() {
            return self.len();
        }
        match self.search(off) {
            Ok(i) | Err(i) => i,
        }
    }

    /// The member at or after position `pos` and the position after it.
    #[inline]
    pub(super) fn next_from(&self, pos: usize) -> Option<(u64, usize)> {
        if self.width != 0 {
            return (pos < self.len())
                .then(|| (self.base + read(&self.data, self.w(), pos), pos + 1));
        }
        let mut p = pos;
        while p / 8 < self.data.len() {
            let bits = self.data[p / 8] >> (p % 8);
            if bits != 0 {
                let at = p + bits.trailing_zeros() as usize;
                return Some((self.base + at as u64, at + 1));
            }
            p = (p / 8 + 1) * 8;
        }
        None
    }

    /// Every member's key, ascending, appended to `out`.
    pub(super) fn decode_into(&self, out: &mut Vec<u64>) {
        let mut pos = 0;
        while let Some((k, next)) = self.next_from(pos) {
            out.push(k);
            pos = next;
        }
    }

    /// Checks this block alone; `below` is the next block's base.
    pub(super) fn validate(&self, below: Option<u64>) -> Result<(), String> {
        let mut keys = Vec::new();
        self.decode_into(&mut keys);
        if keys.len() != self.len() || keys.is_empty() {
            return Err(format!(
                "block holds {} members, counts {}",
                keys.len(),
                self.len
            ));
        }
        if keys.windows(2).any(|p| p[0] >= p[1]) {
            return Err("block members not strictly increasing".into());
        }
        if below.is_some_and(|b| keys[keys.len() - 1] >= b) {
            return Err("block reaches into the next one".into());
        }
        match self.width {
            0 if self.data.len() > BITMAP_BYTES || self.data.last() == Some(&0) => {
                Err("bitmap too wide or with a zero last byte".into())
            }
            1..=8 if self.data.len() != self.len() * self.w() || self.len() > PACKED_MAX => {
                Err("packed block of the wrong size".into())
            }
            9.. => Err("unknown block width".into()),
            _ => Ok(()),
        }
    }
}
