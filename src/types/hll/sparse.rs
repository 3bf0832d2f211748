//! The sparse form: run-length opcodes over the 16384 registers.
//!
//! ```text
//! ZERO   00xxxxxx            xxxxxx + 1 (1..=64) registers at 0
//! XZERO  01xxxxxx yyyyyyyy   (xxxxxx << 8 | yyyyyyyy) + 1 (1..=16384) registers at 0
//! VAL    1vvvvvxx            xx + 1 (1..=4) registers at vvvvv + 1 (1..=32)
//! ```
//!
//! A well-formed stream covers exactly 16384 registers. Strings written by
//! SET or RESTORE may hold anything, so every walk here is bounds-checked:
//! run totals are kept in `usize` and never index past the registers, and
//! an XZERO cut short by the end of the string reads its missing second
//! byte from the byte after the string: the NUL that ends every Redis
//! string, or, within one command, whatever an earlier edit of a cut-short
//! stream left there (Redis writes a split opcode's last byte past the new
//! end in that case, and the next walk reads it back).
//!
//! [`set`] edits the stream in place exactly as Redis does (same split of
//! the covering opcode, same merge of neighbouring VALs, same promotion
//! points), because the bytes are visible to GET and must match.

use super::{Corrupt, DENSE, DENSE_SIZE, HDR, REGISTERS, dense};

/// Largest value a VAL opcode holds; higher values force the dense form.
pub(crate) const VAL_MAX_VALUE: u8 = 32;
/// Longest run of one VAL opcode.
pub(crate) const VAL_MAX_LEN: usize = 4;
/// Longest run of one ZERO opcode.
pub(crate) const ZERO_MAX_LEN: usize = 64;

/// An empty HLL in sparse form: the header and one XZERO of 16384.
pub(crate) fn new() -> Vec<u8> {
    let mut hll = Vec::with_capacity(HDR + 2);
    hll.extend_from_slice(b"HYLL");
    hll.extend_from_slice(&[super::SPARSE, 0, 0, 0]);
    hll.extend_from_slice(&[0; 8]);
    let mut seq = [0u8; 2];
    xzero(&mut seq, REGISTERS);
    hll.extend_from_slice(&seq);
    hll
}

/// The three opcode kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Zero,
    XZero,
    Val,
}

/// One decoded opcode.
#[derive(Debug, Clone, Copy)]
struct Op {
    kind: Kind,
    /// Register value (0 for ZERO and XZERO).
    value: u8,
    /// Registers covered.
    run: usize,
    /// Bytes taken by the opcode.
    width: usize,
}

/// Decodes the opcode at `p` (which must be inside `data`); the byte just
/// past the end reads as `after`.
fn op_at(data: &[u8], p: usize, after: u8) -> Op {
    let b = data[p];
    if b & 0xc0 == 0 {
        Op {
            kind: Kind::Zero,
            value: 0,
            run: usize::from(b & 0x3f) + 1,
            width: 1,
        }
    } else if b & 0xc0 == 0x40 {
        let low = data.get(p + 1).copied().unwrap_or(after);
        Op {
            kind: Kind::XZero,
            value: 0,
            run: (usize::from(b & 0x3f) << 8 | usize::from(low)) + 1,
            width: 2,
        }
    } else {
        Op {
            kind: Kind::Val,
            value: ((b >> 2) & 0x1f) + 1,
            run: usize::from(b & 3) + 1,
            width: 1,
        }
    }
}

fn is_val(b: u8) -> bool {
    b & 0x80 != 0
}

/// The VAL opcode byte for `run` (1..=4) registers at `value` (1..=32).
fn val(value: u8, run: usize) -> u8 {
    0x80 | ((value - 1) << 2) | (run - 1) as u8
}

/// Writes a ZERO opcode (run 1..=64) at `out[0]`.
fn zero(out: &mut [u8], run: usize) {
    out[0] = (run - 1) as u8;
}

/// Writes an XZERO opcode (run 1..=16384) at `out[0..2]`.
fn xzero(out: &mut [u8], run: usize) {
    let r = run - 1;
    out[0] = 0x40 | (r >> 8) as u8;
    out[1] = (r & 0xff) as u8;
}

/// The opcodes of the sparse area of `hll`, with their offsets (`after`:
/// the byte past the end).
fn ops(hll: &[u8], after: u8) -> impl Iterator<Item = (usize, Op)> + '_ {
    let mut p = HDR;
    std::iter::from_fn(move || {
        if p >= hll.len() {
            return None;
        }
        let op = op_at(hll, p, after);
        let at = p;
        p += op.width;
        Some((at, op))
    })
}

/// Adds each register value of a sparse HLL into `histogram`.
///
/// # Errors
/// [`Corrupt`] unless the runs add up to exactly 16384 registers.
pub(crate) fn histogram(hll: &[u8], histogram: &mut [u64; 64]) -> Result<(), Corrupt> {
    let mut covered = 0usize;
    for (_, op) in ops(hll, 0) {
        covered += op.run;
        if covered > REGISTERS {
            return Err(Corrupt);
        }
        histogram[usize::from(op.value)] += op.run as u64;
    }
    if covered == REGISTERS {
        Ok(())
    } else {
        Err(Corrupt)
    }
}

/// Calls `f(first, run, value)` for each VAL run. Every opcode must stay
/// within the 16384 registers and together they must cover exactly all of
/// them (the rule of Redis 7.0.15 with its CVE-2025-32023 fix, as Debian
/// ships it: anything after a complete stream is corruption too).
fn for_each_val(hll: &[u8], after: u8, mut f: impl FnMut(usize, usize, u8)) -> Result<(), Corrupt> {
    let mut idx = 0usize;
    for (_, op) in ops(hll, after) {
        if idx + op.run > REGISTERS {
            return Err(Corrupt);
        }
        if op.kind == Kind::Val {
            f(idx, op.run, op.value);
        }
        idx += op.run;
    }
    if idx == REGISTERS {
        Ok(())
    } else {
        Err(Corrupt)
    }
}

/// Raises each byte of `max` (one per register) to the sparse HLL's values.
///
/// # Errors
/// [`Corrupt`] for a malformed stream (`max` may then be partly raised).
pub(crate) fn merge_into(hll: &[u8], max: &mut [u8]) -> Result<(), Corrupt> {
    for_each_val(hll, 0, |first, run, value| {
        for m in &mut max[first..first + run] {
            *m = (*m).max(value);
        }
    })
}

/// The dense form of a sparse HLL: its header (cached cardinality and the
/// three unused bytes included) with the encoding byte set to dense.
/// `after` is the byte past the end (0 outside a sparse edit sequence).
///
/// # Errors
/// [`Corrupt`] for a malformed stream.
pub(crate) fn to_dense(hll: &[u8], after: u8) -> Result<Vec<u8>, Corrupt> {
    let mut out = vec![0u8; DENSE_SIZE];
    out[..HDR].copy_from_slice(&hll[..HDR]);
    out[4] = DENSE;
    let regs = &mut out[HDR..];
    for_each_val(hll, after, |first, run, value| {
        for i in first..first + run {
            dense::put(regs, i, value);
        }
    })?;
    Ok(out)
}

/// PFDEBUG DECODE's text: `z:<run>`, `Z:<run>` and `v:<value>,<run>`
/// separated by spaces.
pub(crate) fn decode(hll: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    for (_, op) in ops(hll, 0) {
        let item = match op.kind {
            Kind::Zero => format!("z:{} ", op.run),
            Kind::XZero => format!("Z:{} ", op.run),
            Kind::Val => format!("v:{},{} ", op.value, op.run),
        };
        out.extend_from_slice(item.as_bytes());
    }
    out.pop();
    out
}

/// What [`edit`] decided.
enum Edit {
    /// Done: the new string length and whether a register changed.
    Done(usize, bool),
    /// The value or the size calls for the dense form.
    Promote,
    /// The stream does not reach `index`.
    Corrupt,
}

/// Raises register `index` of the sparse HLL `hll` to `count` if it is
/// lower, promoting to dense when Redis would (`count` above 32, or the
/// string growing past `max_bytes`). True when the register changed.
///
/// `after` carries the byte past the end of the string from one edit to
/// the next within a command (start it at 0; see the module docs).
///
/// # Errors
/// [`Corrupt`] when the stream does not cover `index`, or when a promotion
/// finds it malformed; `hll` is then unchanged.
pub(crate) fn set(
    hll: &mut Vec<u8>,
    index: usize,
    count: u8,
    max_bytes: usize,
    after: &mut u8,
) -> Result<bool, Corrupt> {
    if count > VAL_MAX_VALUE {
        return promote(hll, index, count, after);
    }
    let len = hll.len();
    // The byte after the string plus room for the three bytes a split adds:
    // Redis edits within this room, so a stream cut short behaves the same.
    hll.resize(len + 4, 0);
    hll[len] = *after;
    match edit(hll, len, index, count, max_bytes) {
        Edit::Done(new_len, changed) => {
            *after = hll[new_len];
            hll.truncate(new_len);
            if changed {
                super::invalidate_cache(hll);
            }
            Ok(changed)
        }
        Edit::Promote => {
            hll.truncate(len);
            promote(hll, index, count, after)
        }
        Edit::Corrupt => {
            hll.truncate(len);
            Err(Corrupt)
        }
    }
}

fn promote(hll: &mut Vec<u8>, index: usize, count: u8, after: &mut u8) -> Result<bool, Corrupt> {
    *hll = to_dense(hll, *after)?;
    *after = 0;
    let changed = dense::raise(&mut hll[HDR..], index, count);
    debug_assert!(changed, "a promotion always raises the register");
    Ok(true)
}

/// The opcode covering `index`: its offset, the first register it covers
/// and the offset of the opcode before it.
fn locate(buf: &[u8], end: usize, index: usize) -> Option<(usize, usize, Option<usize>)> {
    let (mut p, mut first, mut prev) = (HDR, 0usize, None);
    while p < end {
        let op = op_at(buf, p, buf[end]);
        if index < first + op.run {
            return Some((p, first, prev));
        }
        prev = Some(p);
        p += op.width;
        first += op.run;
    }
    None
}

/// The in-place edit on `buf` (string of length `end`, then room).
fn edit(buf: &mut [u8], end: usize, index: usize, count: u8, max_bytes: usize) -> Edit {
    let Some((p, first, prev)) = locate(buf, end, index) else {
        return Edit::Corrupt;
    };
    let op = op_at(buf, p, buf[end]);
    let next = (p + op.width < end).then_some(p + op.width);
    if op.kind == Kind::Val {
        if op.value >= count {
            return Edit::Done(end, false);
        }
        if op.run == 1 {
            buf[p] = val(count, 1);
            return Edit::Done(merge_vals(buf, end, prev.unwrap_or(HDR)), true);
        }
    }
    if op.kind == Kind::Zero && op.run == 1 {
        buf[p] = val(count, 1);
        return Edit::Done(merge_vals(buf, end, prev.unwrap_or(HDR)), true);
    }
    let (seq, seq_len) = split(op, first, index, count);
    let delta = seq_len as isize - op.width as isize;
    if delta > 0 && end + delta as usize > max_bytes {
        return Edit::Promote;
    }
    if delta != 0
        && let Some(next) = next
    {
        buf.copy_within(next..end, next.wrapping_add_signed(delta));
    }
    let end = end.wrapping_add_signed(delta);
    // Redis sets the new length (writing its NUL) before copying the
    // opcodes in; for a cut-short stream the copy overwrites that NUL.
    buf[end] = 0;
    buf[p..p + seq_len].copy_from_slice(&seq[..seq_len]);
    Edit::Done(merge_vals(buf, end, prev.unwrap_or(HDR)), true)
}

/// The opcodes replacing `op` (covering registers from `first`) once
/// register `index` holds `count`: at most XZERO, VAL, XZERO (5 bytes).
fn split(op: Op, first: usize, index: usize, count: u8) -> ([u8; 5], usize) {
    let mut seq = [0u8; 5];
    let mut n = 0;
    let last = first + op.run - 1;
    let side = |seq: &mut [u8; 5], n: &mut usize, run: usize| {
        if op.kind == Kind::Val {
            seq[*n] = val(op.value, run);
            *n += 1;
        } else if run > ZERO_MAX_LEN {
            xzero(&mut seq[*n..], run);
            *n += 2;
        } else {
            zero(&mut seq[*n..], run);
            *n += 1;
        }
    };
    if index != first {
        side(&mut seq, &mut n, index - first);
    }
    seq[n] = val(count, 1);
    n += 1;
    if index != last {
        side(&mut seq, &mut n, last - index);
    }
    (seq, n)
}

/// Merges neighbouring VAL opcodes of equal value whose runs fit one VAL,
/// looking at up to five opcodes from `p`; returns the new string length.
fn merge_vals(buf: &mut [u8], mut end: usize, mut p: usize) -> usize {
    let mut budget = 5;
    while p < end && budget > 0 {
        budget -= 1;
        let b = buf[p];
        if b & 0xc0 == 0x40 {
            p += 2;
            continue;
        }
        if b & 0xc0 == 0 {
            p += 1;
            continue;
        }
        if p + 1 < end && is_val(buf[p + 1]) {
            let (a, c) = (op_at(buf, p, 0), op_at(buf, p + 1, 0));
            let run = a.run + c.run;
            if a.value == c.value && run <= VAL_MAX_LEN {
                buf[p + 1] = val(a.value, run);
                // The byte at `end` moves too, as Redis's memmove does.
                buf.copy_within(p + 1..=end, p);
                end -= 1;
                buf[end] = 0;
                continue;
            }
        }
        p += 1;
    }
    end
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set1(h: &mut Vec<u8>, index: usize, count: u8, max: usize) -> Result<bool, Corrupt> {
        set(h, index, count, max, &mut 0)
    }

    #[test]
    fn fresh_hll_is_one_xzero() {
        let h = new();
        assert_eq!(h.len(), 18);
        assert_eq!(&h[16..], &[0x7f, 0xff]);
        assert_eq!(decode(&h), b"Z:16384");
    }

    #[test]
    fn setting_splits_and_merges() {
        let mut h = new();
        assert_eq!(set1(&mut h, 12711, 2, 3000), Ok(true));
        assert_eq!(&h[16..], &[0x71, 0xa6, 0x84, 0x4e, 0x57]);
        assert_eq!(set1(&mut h, 12711, 2, 3000), Ok(false));
        assert_eq!(set1(&mut h, 12712, 2, 3000), Ok(true));
        assert_eq!(decode(&h), b"Z:12711 v:2,2 Z:3671");
        assert_eq!(set1(&mut h, 0, 1, 3000), Ok(true));
        assert_eq!(decode(&h), b"v:1,1 Z:12710 v:2,2 Z:3671");
    }

    #[test]
    fn promotion_by_value_and_size() {
        let mut h = new();
        assert_eq!(set1(&mut h, 3, 33, 3000), Ok(true));
        assert_eq!(h.len(), DENSE_SIZE);
        assert_eq!(h[4], DENSE);
        assert_eq!(dense::get(&h[HDR..], 3), 33);
        let mut h = new();
        assert_eq!(set1(&mut h, 100, 1, 20), Ok(true));
        assert_eq!(h[4], DENSE);
    }

    #[test]
    fn malformed_streams() {
        let mut h = new();
        h.truncate(HDR);
        assert_eq!(set1(&mut h, 0, 1, 3000), Err(Corrupt));
        let mut hist = [0u64; 64];
        assert_eq!(histogram(&h, &mut hist), Err(Corrupt));
        // A truncated XZERO reads its second byte as 0: 0x7f -> 16129.
        h.push(0x7f);
        assert_eq!(decode(&h), b"Z:16129");
        assert_eq!(histogram(&h, &mut hist), Err(Corrupt));
        // Runs adding past 16384 before a VAL never write out of range.
        let mut h = new();
        h.extend_from_slice(&[0x7f, 0xff, 0xff]);
        let mut max = vec![0u8; REGISTERS];
        assert_eq!(merge_into(&h, &mut max), Err(Corrupt));
        assert!(to_dense(&h, 0).is_err());
        // Anything after a full stream is corruption for every reader.
        let mut h = new();
        h.push(0xff);
        assert_eq!(merge_into(&h, &mut max), Err(Corrupt));
        assert_eq!(histogram(&h, &mut hist), Err(Corrupt));
    }
}
