//! LCS: the longest common subsequence of two strings, computed with
//! Redis's dynamic-programming table and backward walk so that ties, run
//! boundaries and the order of reported runs match Redis exactly.
//!
//! # Thresholds
//!
//! The table holds `(n + 1) * (m + 1)` 4-byte cells; LCS refuses inputs
//! whose table would exceed `proto-max-bulk-len` bytes, as Redis does.

use crate::error::{Error, Result};
use crate::keyspace::Keyspace;
use crate::value::Value;

/// One common substring run reported by `LCS ... IDX`: inclusive byte
/// ranges in each string and the run's length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LcsMatch {
    /// `(start, end)` in the first string, inclusive.
    pub a: (usize, usize),
    /// `(start, end)` in the second string, inclusive.
    pub b: (usize, usize),
    /// `end - start + 1` (what `WITHMATCHLEN` prints).
    pub len: usize,
}

/// The `LCS ... IDX` result: the matched runs, last run first (the order
/// Redis reports them), and the length of the whole common subsequence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LcsIdx {
    /// Runs at least `MINMATCHLEN` long, from the end of the strings backwards.
    pub matches: Vec<LcsMatch>,
    /// Length of the longest common subsequence.
    pub len: usize,
}

/// What an LCS computation should produce.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LcsWant {
    /// The subsequence itself.
    String,
    /// Only its length.
    Len,
    /// The matched runs of at least this length (0 = all).
    Idx(usize),
}

/// The result of [`lcs_compute`], shaped by [`LcsWant`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum LcsResult {
    /// The subsequence.
    String(Vec<u8>),
    /// Its length.
    Len(usize),
    /// The runs.
    Idx(LcsIdx),
}

impl Keyspace {
    /// ```text
    /// LCS key1 key2
    /// ```
    /// The longest common subsequence of the two strings (missing keys are
    /// empty strings).
    ///
    /// # Complexity
    /// O(n * m) time and memory.
    ///
    /// # Errors
    /// `ERR The specified keys must contain string values`; `ERR Insufficient
    /// memory, transient memory for LCS exceeds proto-max-bulk-len` when the
    /// `(n + 1) * (m + 1)` table of 4-byte cells exceeds `proto_max_bulk_len`.
    pub fn lcs(&mut self, key1: &[u8], key2: &[u8]) -> Result<Vec<u8>> {
        match self.lcs_with(key1, key2, LcsWant::String)? {
            LcsResult::String(s) => Ok(s),
            _ => unreachable!("asked for the string"),
        }
    }

    /// ```text
    /// LCS key1 key2 LEN
    /// ```
    /// The length of the longest common subsequence.
    ///
    /// # Complexity
    /// O(n * m) time and memory.
    ///
    /// # Errors
    /// As [`Keyspace::lcs`].
    pub fn lcs_len(&mut self, key1: &[u8], key2: &[u8]) -> Result<usize> {
        match self.lcs_with(key1, key2, LcsWant::Len)? {
            LcsResult::Len(n) => Ok(n),
            _ => unreachable!("asked for the length"),
        }
    }

    /// ```text
    /// LCS key1 key2 IDX [MINMATCHLEN len] [WITHMATCHLEN]
    /// ```
    /// The runs of the longest common subsequence that are at least
    /// `min_match_len` bytes long (0 = all), and its total length.
    ///
    /// # Complexity
    /// O(n * m) time and memory.
    ///
    /// # Errors
    /// As [`Keyspace::lcs`].
    pub fn lcs_idx(&mut self, key1: &[u8], key2: &[u8], min_match_len: usize) -> Result<LcsIdx> {
        match self.lcs_with(key1, key2, LcsWant::Idx(min_match_len))? {
            LcsResult::Idx(idx) => Ok(idx),
            _ => unreachable!("asked for the runs"),
        }
    }

    fn lcs_with(&mut self, key1: &[u8], key2: &[u8], want: LcsWant) -> Result<LcsResult> {
        let (a, b) = self.lcs_inputs(key1, key2)?;
        lcs_compute(&a, &b, want, self.config.proto_max_bulk_len)
    }

    /// Reads both LCS operands (missing = empty), looking both keys up
    /// before checking their types, as Redis does.
    ///
    /// # Errors
    /// `ERR The specified keys must contain string values`.
    pub(crate) fn lcs_inputs(&mut self, key1: &[u8], key2: &[u8]) -> Result<(Vec<u8>, Vec<u8>)> {
        let a = self.lookup_read(key1).map(|e| string_bytes(&e.value));
        let b = self.lookup_read(key2).map(|e| string_bytes(&e.value));
        match (a.unwrap_or(Some(Vec::new())), b.unwrap_or(Some(Vec::new()))) {
            (Some(a), Some(b)) => Ok((a, b)),
            _ => Err(Error::other(
                "ERR The specified keys must contain string values",
            )),
        }
    }
}

/// The bytes of a string value, or `None` for other types.
fn string_bytes(value: &Value) -> Option<Vec<u8>> {
    match value {
        Value::String(s) => Some(s.to_vec()),
        #[allow(unreachable_patterns)]
        _ => None,
    }
}

/// Computes an LCS of `a` and `b` with Redis's dynamic-programming table
/// and its backward walk, so ties and run boundaries match Redis exactly.
///
/// # Errors
/// `ERR String too long for LCS` for inputs of 4 GiB or more; `ERR
/// Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len`
/// when the table of 4-byte cells would exceed `limit` bytes.
pub(crate) fn lcs_compute(a: &[u8], b: &[u8], want: LcsWant, limit: u64) -> Result<LcsResult> {
    let too_long = |s: &[u8]| s.len() as u64 >= u64::from(u32::MAX) - 1;
    if too_long(a) || too_long(b) {
        return Err(Error::other("ERR String too long for LCS"));
    }
    let cells = (a.len() as u64 + 1) * (b.len() as u64 + 1);
    if cells * 4 > limit {
        return Err(Error::other(
            "ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len",
        ));
    }
    let table = lcs_table(a, b);
    let total = table[table.len() - 1] as usize;
    Ok(match want {
        LcsWant::Len => LcsResult::Len(total),
        LcsWant::String => LcsResult::String(lcs_walk(a, b, &table, 0).0),
        LcsWant::Idx(min) => LcsResult::Idx(LcsIdx {
            matches: lcs_walk(a, b, &table, min).1,
            len: total,
        }),
    })
}

/// The table of LCS lengths of every prefix pair, row-major with rows of
/// `b.len() + 1` cells.
fn lcs_table(a: &[u8], b: &[u8]) -> Vec<u32> {
    let width = b.len() + 1;
    let mut t = vec![0u32; (a.len() + 1) * width];
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            t[i * width + j] = if a[i - 1] == b[j - 1] {
                t[(i - 1) * width + j - 1] + 1
            } else {
                t[(i - 1) * width + j].max(t[i * width + j - 1])
            };
        }
    }
    t
}

/// Walks the table back from the end, collecting the subsequence and its
/// runs of at least `min` bytes. On a mismatch it steps in the first string
/// only when that keeps a strictly longer LCS, as Redis does.
fn lcs_walk(a: &[u8], b: &[u8], t: &[u32], min: usize) -> (Vec<u8>, Vec<LcsMatch>) {
    let width = b.len() + 1;
    let mut out = vec![0u8; t[t.len() - 1] as usize];
    let mut matches = Vec::new();
    // The run being built: (a_start, a_end, b_start, b_end).
    let mut run: Option<(usize, usize, usize, usize)> = None;
    let (mut i, mut j, mut k) = (a.len(), b.len(), out.len());
    while i > 0 && j > 0 {
        let mut emit = false;
        if a[i - 1] == b[j - 1] {
            out[k - 1] = a[i - 1];
            match &mut run {
                None => run = Some((i - 1, i - 1, j - 1, j - 1)),
                Some(r) if r.0 == i && r.2 == j => {
                    r.0 -= 1;
                    r.2 -= 1;
                }
                Some(_) => emit = true,
            }
            emit |= run.is_some_and(|r| r.0 == 0 || r.2 == 0);
            (i, j, k) = (i - 1, j - 1, k - 1);
        } else {
            if t[(i - 1) * width + j] > t[i * width + j - 1] {
                i -= 1;
            } else {
                j -= 1;
            }
            emit = run.is_some();
        }
        if let Some(r) = run.take_if(|_| emit) {
            let len = r.1 - r.0 + 1;
            if len >= min {
                matches.push(LcsMatch {
                    a: (r.0, r.1),
                    b: (r.2, r.3),
                    len,
                });
            }
        }
    }
    (out, matches)
}
