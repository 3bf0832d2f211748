//! LZF compression, producing the same bytes as the liblzf (API 1.5) that Redis
//! 7.0.15 bundles (`lzf_c.c`, `lzf_d.c`) for quicklist nodes deeper than
//! `list-compress-depth` and for RDB strings.
//!
//! # Format
//!
//! A compressed stream is a sequence of items, each starting with a
//! control byte `c`:
//!
//! ```text
//! c < 32            literal run: the next c + 1 bytes (1..=32) are copied
//! c = LLLooooo      back reference of L + 2 bytes (L = 1..=6), distance
//!     oooooooo        ((c & 31) << 8 | next byte) + 1 back in the output
//! c = 111ooooo      long back reference: the next byte adds to L = 7, so
//!     LLLLLLLL        9..=264 bytes; then the low distance byte
//!     oooooooo
//! ```
//!
//! Distances reach 8192 bytes back, so the decoder needs only the output
//! it has produced.
//!
//! # How matches are found
//!
//! Redis builds liblzf with a 2^16-slot hash table (`HLOG` 16) and its
//! `VERY_FAST` setting. At each input position the three bytes there are
//! hashed to a slot; the slot's previous position is the match candidate
//! and the current position replaces it. A candidate counts when it is not
//! the very first input byte, lies fewer than 8192 bytes back and its three
//! bytes are equal. The match is then extended, at most 264 bytes and not
//! into the last two input bytes (with one quirk kept here: the first
//! sixteen extra bytes are compared without that bound, so a match close
//! to the end may run to the very end). After a match only its last two
//! positions are entered into the table, then the scan resumes behind it.
//! Literals are gathered into runs of at most 32 bytes.
//!
//! The output is limited to a caller-given size. Compression gives up
//! (Redis's `lzf_compress` returns 0) when, at a literal, the output is
//! full; at a match, fewer than five bytes would be left after closing the
//! current run; or at the end, fewer than three bytes are left for the last
//! literals. The quicklist passes the listpack's own size as the limit and
//! keeps the result only when it saves more than 8 bytes.
//!
//! # The table without clearing
//!
//! liblzf (as Redis builds it) leaves the table uninitialised; other ports
//! zero all 2^16 slots per call, which costs more than compressing a
//! typical 8 KiB node. Here a [`Compressor`] keeps its table between calls
//! and tags every entry with a generation: a slot stores `base + position`,
//! where `base` grows by the input length after each call, so an entry
//! written by an earlier call is at most the current `base` and reads as
//! empty. The output is exactly that of a freshly zeroed table. The table
//! is cleared only when the 32-bit stamps would wrap, once per 4 GiB of
//! input. A small shared pool ([`compress`]) lends compressors out, so
//! neither each list nor each call pays for a table.
//!
//! # References
//!
//! * Redis 7.0.15 `src/lzf_c.c`, `src/lzf_d.c`, `src/lzfP.h` (behaviour
//!   read, not copied) and `src/quicklist.c` (`__quicklistCompressNode`).

use std::fmt;
use std::sync::Mutex;

use super::Corrupt;

/// Slots in the match table (Redis `HLOG` 16).
const SLOTS: usize = 1 << 16;
/// Longest literal run.
const MAX_LIT: usize = 32;
/// Back references reach at most this far (distance - 1 < 8192).
const MAX_OFF: usize = 1 << 13;
/// Longest back reference in bytes.
const MAX_REF: usize = (1 << 8) + (1 << 3);
/// Compressors kept in the shared pool at most (one per thread that
/// compresses at the same time is enough; more would only hold memory).
const POOL_MAX: usize = 4;

/// The table slot of the three bytes starting at a position, given `h`
/// holding them in its low 24 bits (liblzf's `VERY_FAST` `IDX`; higher
/// bits of `h` do not reach the 16 result bits).
fn slot_of(h: u32) -> usize {
    ((h >> 8).wrapping_sub(h.wrapping_mul(5)) & (SLOTS as u32 - 1)) as usize
}

/// A reusable LZF compressor: the match table and its generation base
/// (see the module docs). About 256 KiB; create one and keep it, or use
/// [`compress`], which borrows one from a shared pool.
pub struct Compressor {
    /// Per slot, `base + position` of the last position hashed there.
    slots: Box<[u32; SLOTS]>,
    /// Stamps at or below this are from earlier calls (or position 0,
    /// which is never a match candidate).
    base: u32,
}

impl fmt::Debug for Compressor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Compressor")
            .field("base", &self.base)
            .finish_non_exhaustive()
    }
}

impl Default for Compressor {
    fn default() -> Self {
        Self::new()
    }
}

/// A literal run waiting to be written: `len` input bytes ending at the
/// current position. The output reserves one control byte for it, as
/// liblzf's output pointer does.
#[derive(Clone, Copy)]
struct Run {
    len: usize,
}

impl Run {
    /// Writes the run (control byte and bytes ending at `end`), if any.
    fn flush(&mut self, input: &[u8], end: usize, out: &mut Vec<u8>) {
        if self.len > 0 {
            out.push((self.len - 1) as u8);
            out.extend_from_slice(&input[end - self.len..end]);
            self.len = 0;
        }
    }

    /// Adds the byte before `end` to the run, writing the run when full.
    fn push(&mut self, input: &[u8], end: usize, out: &mut Vec<u8>) {
        self.len += 1;
        if self.len == MAX_LIT {
            self.flush(input, end, out);
        }
    }
}

impl Compressor {
    /// A compressor with an empty table.
    pub fn new() -> Self {
        Compressor {
            slots: vec![0; SLOTS]
                .into_boxed_slice()
                .try_into()
                .expect("SLOTS entries"),
            base: 0,
        }
    }

    /// Starts a call on `len` input bytes: returns the base for its stamps,
    /// clearing the table first when they would not fit 32 bits.
    fn begin(&mut self, len: usize) -> u32 {
        let fits = |base: u32| u32::try_from(len).is_ok_and(|l| base.checked_add(l).is_some());
        if !fits(self.base) {
            self.slots.fill(0);
            self.base = 0;
        }
        let base = self.base;
        self.base = base + len as u32;
        base
    }

    /// Compresses `input` into `out` (cleared first) as Redis's
    /// `lzf_compress(input, len, out, limit)` would with a zeroed table.
    /// Returns false, leaving `out` unspecified, where that returns 0: empty
    /// input, a zero limit, or output that would not fit `limit` bytes (see
    /// the module docs for the exact points of giving up). Inputs of 4 GiB
    /// or more are refused too (no listpack is that large).
    pub fn compress_into(&mut self, input: &[u8], limit: usize, out: &mut Vec<u8>) -> bool {
        out.clear();
        let n = input.len();
        if n == 0 || limit == 0 || u32::try_from(n).is_err() {
            return false;
        }
        out.reserve(limit.min(n + n / 32 + 1));
        let base = self.begin(n);
        let mut run = Run { len: 0 };
        let mut ip = 0;
        if n >= 3 {
            let mut h = u32::from(input[0]) << 8 | u32::from(input[1]);
            while ip + 2 < n {
                h = h << 8 | u32::from(input[ip + 2]);
                let slot = slot_of(h);
                let stamp = self.slots[slot];
                self.slots[slot] = base + ip as u32;
                let cand = (stamp - base.min(stamp)) as usize;
                let is_match = cand > 0
                    && ip - cand - 1 < MAX_OFF
                    && input[cand + 2] == input[ip + 2]
                    && input[cand..cand + 2] == input[ip..ip + 2];
                if !is_match {
                    // liblzf's output pointer sits after the reserved
                    // control byte and the pending literals.
                    if out.len() + 1 + run.len >= limit {
                        return false;
                    }
                    ip += 1;
                    run.push(input, ip, out);
                    continue;
                }
                if out.len() + 1 + run.len - usize::from(run.len == 0) + 4 >= limit {
                    return false;
                }
                run.flush(input, ip, out);
                let len = match_len(input, cand, ip);
                emit_ref(out, len, ip - cand - 1);
                ip += len;
                if ip + 2 >= n {
                    break;
                }
                // Enter the match's last two positions, as VERY_FAST does.
                h = u32::from(input[ip - 2]) << 8 | u32::from(input[ip - 1]);
                for p in [ip - 2, ip - 1] {
                    h = h << 8 | u32::from(input[p + 2]);
                    self.slots[slot_of(h)] = base + p as u32;
                }
            }
        }
        if out.len() + 1 + run.len + 3 > limit {
            return false;
        }
        while ip < n {
            ip += 1;
            run.push(input, ip, out);
        }
        run.flush(input, ip, out);
        true
    }
}

/// The length liblzf gives a match of `input[ip..]` against
/// `input[cand..]` whose first three bytes are equal: the common length,
/// capped at 264 and at `n - ip - 2`, except that when that cap exceeds 16
/// liblzf compares the bytes up to offset 18 regardless of it (so a match
/// may then reach the end), and a match is never shorter than 3.
fn match_len(input: &[u8], cand: usize, ip: usize) -> usize {
    let max = (input.len() - ip - 2).min(MAX_REF);
    let bound = if max > 16 { max.max(19) } else { max.max(3) };
    let (a, b) = (&input[cand..cand + bound], &input[ip..ip + bound]);
    let word = |s: &[u8], k: usize| u64::from_le_bytes(s[k..k + 8].try_into().expect("8 bytes"));
    let mut len = 3;
    while len + 8 <= bound {
        let diff = word(a, len) ^ word(b, len);
        if diff != 0 {
            return len + (diff.trailing_zeros() / 8) as usize;
        }
        len += 8;
    }
    while len < bound && a[len] == b[len] {
        len += 1;
    }
    len
}

/// Writes a back reference of `len` bytes (3..=264) at distance `off + 1`.
fn emit_ref(out: &mut Vec<u8>, len: usize, off: usize) {
    let l = len - 2;
    let high = (off >> 8) as u8;
    if l < 7 {
        out.push(high + ((l as u8) << 5));
    } else {
        out.push(high + (7 << 5));
        out.push((l - 7) as u8);
    }
    out.push(off as u8);
}

/// Compressors lent out by [`compress`].
static POOL: Mutex<Vec<Compressor>> = Mutex::new(Vec::new());

/// Compresses `input` with an output limit of `limit` bytes, as Redis's
/// `lzf_compress` does; None where that returns 0 (see
/// [`Compressor::compress_into`]). Borrows a compressor from a small
/// shared pool, so no table is allocated or cleared per call.
pub fn compress(input: &[u8], limit: usize) -> Option<Vec<u8>> {
    let taken = POOL
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .pop();
    let mut c = taken.unwrap_or_default();
    let mut out = Vec::new();
    let ok = c.compress_into(input, limit, &mut out);
    let mut pool = POOL
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if pool.len() < POOL_MAX {
        pool.push(c);
    }
    ok.then_some(out)
}

/// Expands LZF data that must produce exactly `len` bytes.
///
/// Never panics on any input. Like liblzf, the output never grows past
/// `len` and references must stay within what was produced.
///
/// # Errors
/// [`Corrupt`] when a run or reference is cut short, a reference points
/// before the start, the output would exceed `len`, or it ends shorter.
pub fn decompress(input: &[u8], len: usize) -> Result<Vec<u8>, Corrupt> {
    let out = decompress_upto(input, len)?;
    if out.len() != len {
        return Err(Corrupt("LZF data expands to the wrong size"));
    }
    Ok(out)
}

/// Expands LZF data into at most `max` bytes (liblzf's `lzf_decompress`
/// with an output buffer of `max` bytes), returning what it produced.
///
/// # Errors
/// [`Corrupt`] when a run or reference is cut short, a reference points
/// before the start, or the output would exceed `max`.
pub fn decompress_upto(input: &[u8], max: usize) -> Result<Vec<u8>, Corrupt> {
    const TRUNCATED: Corrupt = Corrupt("LZF data cut short");
    const TOO_BIG: Corrupt = Corrupt("LZF data expands past its size");
    // A back reference of 3 input bytes yields at most 264 output bytes:
    // reserve no more than the input can produce.
    let mut out = Vec::with_capacity(max.min(input.len().saturating_mul(88)));
    let mut ip = 0;
    while let Some(&ctrl) = input.get(ip) {
        ip += 1;
        let ctrl = usize::from(ctrl);
        if ctrl < MAX_LIT {
            let n = ctrl + 1;
            if out.len() + n > max {
                return Err(TOO_BIG);
            }
            out.extend_from_slice(input.get(ip..ip + n).ok_or(TRUNCATED)?);
            ip += n;
            continue;
        }
        let mut n = ctrl >> 5;
        if n == 7 {
            n += usize::from(*input.get(ip).ok_or(TRUNCATED)?);
            ip += 1;
        }
        let dist = ((ctrl & 0x1f) << 8 | usize::from(*input.get(ip).ok_or(TRUNCATED)?)) + 1;
        ip += 1;
        let n = n + 2;
        if out.len() + n > max {
            return Err(TOO_BIG);
        }
        let from = out
            .len()
            .checked_sub(dist)
            .ok_or(Corrupt("LZF reference before the start"))?;
        copy_back(&mut out, from, n);
    }
    Ok(out)
}

/// Appends `n` bytes copied from `from` on, byte by byte in effect: when
/// the source overlaps what is being written, the pattern repeats.
fn copy_back(out: &mut Vec<u8>, from: usize, mut n: usize) {
    while n > 0 {
        let chunk = n.min(out.len() - from);
        out.extend_from_within(from..from + chunk);
        n -= chunk;
    }
}

#[cfg(test)]
mod tests;
