//! HyperLogLog: Redis's exact `HYLL` string bytes, PFADD/PFCOUNT/PFMERGE.
//!
//! An HLL is an ordinary string value (TYPE `string`, OBJECT ENCODING
//! `raw` once a PF command has touched it), so GET, SET, DUMP and RESTORE
//! move it between embedis and redis-server unchanged. Everything here
//! works on those bytes directly.
//!
//! # Format
//!
//! ```text
//! offset  size  field
//!      0     4  magic "HYLL"
//!      4     1  encoding: 0 = dense, 1 = sparse (anything else: not an HLL)
//!      5     3  unused (copied along, never checked)
//!      8     8  cached cardinality, u64 little-endian; bit 7 of byte 15
//!               set = the cache is stale
//!     16     -  registers: dense = 12288 bytes (16384 x 6 bits, see
//!               `dense`), sparse = run-length opcodes (see `sparse`)
//! ```
//!
//! An element is hashed with MurmurHash64A (seed `0xadc83b19`); the low 14
//! bits pick one of 16384 registers, and the register keeps the largest
//! "position of the first 1 bit" (1..=51) among the remaining 50 bits with
//! bit 50 forced (see [`hash::pattern`]).
//!
//! # Invariants
//!
//! 1. A string is accepted as an HLL when it is not an integer-encoded
//!    string, is at least 16 bytes, starts with `HYLL`, has encoding 0 or 1,
//!    and, when dense, is exactly 12304 bytes. Anything else gets
//!    `WRONGTYPE Key is not a valid HyperLogLog string value.`
//! 2. Sparse streams are trusted only as far as they are read: each walk
//!    checks its run totals and a malformed stream gets
//!    `INVALIDOBJ Corrupted HLL object detected`. No input reads or writes
//!    outside the string or the 16384 registers.
//! 3. A sparse HLL never exceeds `hll-sparse-max-bytes` through an edit here
//!    and never holds a value above 32; dense is never turned back to sparse.
//! 4. When a command changes registers it sets the stale bit and leaves
//!    bytes 8..15 of the old cache as they were (Redis only flips the bit).
//!
//! # Thresholds
//!
//! `hll-sparse-max-bytes` (default 3000, header included): a sparse edit
//! that would grow the string past it promotes to dense (12304 bytes); so
//! does a register value above 32, which no VAL opcode can hold. PFMERGE
//! writes a dense destination when any input is dense.
//!
//! # Compatibility
//!
//! Redis 7.0.15 `hyperloglog.c`: same hash, same register packing, same
//! sparse edit sequence (split, then VAL merge over at most five opcodes),
//! same promotion points and the same 7.0 estimator with identical
//! floating-point order, so GET bytes and counts agree with redis-server.
//! The oracle is Debian 12's 7.0.15, which carries the CVE-2025-32023 fix
//! (upstream 7.2.10): every sparse reader rejects an opcode whose run
//! passes register 16384, so a complete stream followed by anything is
//! corrupt, and run totals can never overflow. Plain 7.0.15 tolerated
//! trailing VALs in merges and could write out of bounds; we follow the
//! fixed behaviour.
//!
//! # References
//!
//! Flajolet et al., "HyperLogLog: the analysis of a near-optimal
//! cardinality estimation algorithm" (2007); Ertl, "New cardinality
//! estimation algorithms for HyperLogLog sketches" (arXiv:1702.01284);
//! Redis `src/hyperloglog.c` at tag 7.0.15.

mod commands;
mod dense;
mod estimate;
pub mod hash;
mod selftest;
mod sparse;
#[cfg(test)]
mod tests;

use crate::error::Error;
use crate::types::string::StringValue;

pub use commands::{PfDebugOp, PfDebugReply};

/// Bits of the hash that pick a register.
pub const P: u32 = 14;
/// Bits of the hash left for the run length (64 - P).
pub const Q: usize = 64 - P as usize;
/// Number of registers (2^14).
pub const REGISTERS: usize = 1 << P;
/// Bits per dense register.
pub const BITS: usize = 6;
/// Largest value a dense register holds.
pub const REGISTER_MAX: u8 = (1 << BITS) - 1;
/// Header size in bytes.
pub const HDR: usize = 16;
/// Bytes of packed dense registers.
pub const DENSE_BYTES: usize = (REGISTERS * BITS).div_ceil(8);
/// Length of a dense HLL string, header included (12304).
pub const DENSE_SIZE: usize = HDR + DENSE_BYTES;
/// The encoding byte of a dense HLL.
pub const DENSE: u8 = 0;
/// The encoding byte of a sparse HLL.
pub const SPARSE: u8 = 1;

const MAGIC: &[u8; 4] = b"HYLL";
/// The byte of the header holding the cache's stale bit.
const CACHE_FLAG_BYTE: usize = 15;
const STALE: u8 = 0x80;

/// A sparse stream that does not describe 16384 registers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Corrupt;

impl From<Corrupt> for Error {
    fn from(_: Corrupt) -> Error {
        corrupt()
    }
}

/// `INVALIDOBJ Corrupted HLL object detected`
pub(crate) fn corrupt() -> Error {
    Error::InvalidObject("Corrupted HLL object detected")
}

/// `WRONGTYPE Key is not a valid HyperLogLog string value.`
pub(crate) fn not_hll() -> Error {
    Error::other("WRONGTYPE Key is not a valid HyperLogLog string value.")
}

/// The two HLL representations, as PFDEBUG ENCODING names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HllEncoding {
    /// 16384 packed six-bit registers.
    Dense,
    /// Run-length opcodes.
    Sparse,
}

impl HllEncoding {
    /// `dense` or `sparse`.
    pub fn as_str(self) -> &'static str {
        match self {
            HllEncoding::Dense => "dense",
            HllEncoding::Sparse => "sparse",
        }
    }
}

/// Checks the header of a candidate HLL string (invariant 1).
///
/// # Errors
/// The WRONGTYPE HLL error when the bytes are not an HLL.
pub fn check(bytes: &[u8]) -> Result<HllEncoding, Error> {
    if bytes.len() < HDR || &bytes[..4] != MAGIC {
        return Err(not_hll());
    }
    match bytes[4] {
        DENSE if bytes.len() == DENSE_SIZE => Ok(HllEncoding::Dense),
        SPARSE => Ok(HllEncoding::Sparse),
        _ => Err(not_hll()),
    }
}

/// The bytes of a string value that holds an HLL.
///
/// # Errors
/// The WRONGTYPE HLL error for integer-encoded strings (never an HLL, as
/// Redis requires a byte string) and for bytes failing [`check`].
pub(crate) fn view(s: &StringValue) -> Result<&[u8], Error> {
    let Some(bytes) = s.as_bytes() else {
        return Err(not_hll());
    };
    check(bytes)?;
    Ok(bytes)
}

fn is_dense(hll: &[u8]) -> bool {
    hll[4] == DENSE
}

/// Marks the cached cardinality stale (only the flag bit changes).
pub(crate) fn invalidate_cache(hll: &mut [u8]) {
    hll[CACHE_FLAG_BYTE] |= STALE;
}

/// The cached cardinality, unless it is stale.
pub(crate) fn cached(hll: &[u8]) -> Option<u64> {
    if hll[CACHE_FLAG_BYTE] & STALE != 0 {
        return None;
    }
    Some(u64::from_le_bytes(hll[8..16].try_into().expect("8 bytes")))
}

/// Stores a freshly computed cardinality (valid: below 2^63).
pub(crate) fn store_cache(hll: &mut [u8], card: u64) {
    hll[8..16].copy_from_slice(&card.to_le_bytes());
}

/// Raises register `index` to `value` in either form (PFADD's and PFMERGE's
/// per-register step); sparse may be promoted to dense.
/// `after` is the byte past the end of a sparse string, carried from one
/// edit to the next within a command (start at 0; see `sparse`).
pub(crate) fn raise(
    hll: &mut Vec<u8>,
    index: usize,
    value: u8,
    max_bytes: usize,
    after: &mut u8,
) -> Result<bool, Corrupt> {
    if is_dense(hll) {
        Ok(dense::raise(&mut hll[HDR..], index, value))
    } else {
        sparse::set(hll, index, value, max_bytes, after)
    }
}

/// Adds one element; true when a register changed (`after` as in [`raise`]).
pub(crate) fn add(
    hll: &mut Vec<u8>,
    element: &[u8],
    max_bytes: usize,
    after: &mut u8,
) -> Result<bool, Corrupt> {
    let (index, count) = hash::pattern(element);
    raise(hll, index, count, max_bytes, after)
}

/// The estimate of one HLL, ignoring its cache.
pub(crate) fn count(hll: &[u8]) -> Result<u64, Corrupt> {
    let mut histogram = [0u64; 64];
    if is_dense(hll) {
        dense::histogram(&hll[HDR..], &mut histogram);
    } else {
        sparse::histogram(hll, &mut histogram)?;
    }
    Ok(estimate::estimate(&histogram))
}

/// Raises each byte of `max` (one per register) to the HLL's register.
pub(crate) fn merge_into(hll: &[u8], max: &mut [u8]) -> Result<(), Corrupt> {
    if is_dense(hll) {
        dense::merge_into(&hll[HDR..], max);
        Ok(())
    } else {
        sparse::merge_into(hll, max)
    }
}

/// The estimate for registers held one per byte (PFCOUNT of several keys).
pub(crate) fn count_registers(max: &[u8]) -> u64 {
    let mut histogram = [0u64; 64];
    for &v in max {
        histogram[usize::from(v & REGISTER_MAX)] += 1;
    }
    estimate::estimate(&histogram)
}

/// Converts a sparse HLL to dense in place; true when it was sparse.
pub(crate) fn to_dense(hll: &mut Vec<u8>) -> Result<bool, Corrupt> {
    if is_dense(hll) {
        return Ok(false);
    }
    *hll = sparse::to_dense(hll, 0)?;
    Ok(true)
}

/// The value of every register (one byte each) of a valid HLL.
///
/// # Errors
/// [`Corrupt`] for a malformed sparse stream.
pub(crate) fn registers(hll: &[u8]) -> Result<Vec<u8>, Corrupt> {
    let mut out = vec![0u8; REGISTERS];
    merge_into(hll, &mut out)?;
    Ok(out)
}

/// A fresh, empty HLL string (sparse).
pub(crate) fn new_sparse() -> Vec<u8> {
    sparse::new()
}

/// Fuzz body: treats `data` as a stored HLL string and runs PFCOUNT,
/// PFADD, PFMERGE and PFDEBUG on it through the typed API.
///
/// The first byte picks the shape: even = the bytes as they are; odd = a
/// valid sparse header with a stale cache followed by the rest as opcodes
/// (so the sparse walkers see arbitrary streams). Every call must succeed
/// or answer one of the two HLL errors; after a successful PFADD the
/// registers must only have grown, and one key's count must equal its
/// union count whenever both succeed.
///
/// # Panics
/// Only when one of those properties breaks (a bug).
pub fn hll_bytes(data: &[u8]) {
    commands::fuzz_one(data);
}
