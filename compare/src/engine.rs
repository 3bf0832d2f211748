//! The operations every engine offers to the workloads, each through the
//! engine's own public API. A method an engine cannot do returns
//! [`Miss::Lacks`]; one that fails at run time returns [`Miss::Fails`].

use std::fmt;

/// Why a cell of the table is empty.
#[derive(Debug, Clone)]
pub(crate) enum Miss {
    /// The engine has no such operation (a fixed reason).
    Lacks(&'static str),
    /// The operation returned an error (its text).
    Fails(String),
}

impl fmt::Display for Miss {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Miss::Lacks(why) => write!(f, "{why}"),
            Miss::Fails(err) => write!(f, "fails: {err}"),
        }
    }
}

/// An engine's answer.
pub(crate) type R<T> = Result<T, Miss>;

/// Turns an engine's error into a [`Miss::Fails`]: its text without a
/// leading error code (`YO_ERR_FULL: `, `ERR `) or parenthesised detail.
pub(crate) fn fails(e: impl fmt::Display) -> Miss {
    let text = e.to_string();
    let mut s = text.as_str();
    if let Some((code, rest)) = s.split_once(' ') {
        let code = code.trim_end_matches(':');
        if !code.is_empty() && code.chars().all(|c| c.is_ascii_uppercase() || c == '_') {
            s = rest;
        }
    }
    let s = s.split(" (").next().unwrap_or(s);
    Miss::Fails(s.chars().take(60).collect::<String>().replace('|', "/"))
}

/// A stream entry ID as (milliseconds, sequence).
pub(crate) type Id = (u64, u64);

/// One engine under test: a fresh, empty keyspace per `open`.
///
/// Every engine's methods are `#[inline(always)]` adapters, and the
/// callbacks of the range rows are the workload's own closure types, not
/// `dyn FnMut`: a workload's timed loop calls each library's API as a
/// user's code would. What the library lets inline (embedis's `zscore`,
/// the std baseline's maps and iterators, a closure handed to a generic
/// walk) inlines into the loop, and what it keeps out of line stays a
/// call. An adapter kept out of line, or a callback called through a
/// vtable, would add costs no user pays, the same for every engine, which
/// pull every ratio towards 1: a loop of independent lookups is bound by
/// how many of them the core keeps in flight, so each instruction per
/// call counts (the out-of-line adapter was 40 ns of embedis's 155 ns
/// ZSCORE; see docs/performance.md, Method).
pub(crate) trait Engine: Sized {
    /// Name shown in the table header.
    const NAME: &'static str;
    /// Version shown in the table header.
    const VERSION: &'static str;
    /// A fresh empty keyspace.
    fn open() -> Self;
    /// `SET k v`.
    fn set(&mut self, k: &[u8], v: &[u8]) -> R<()>;
    /// `GET k`: the value's length on a hit.
    fn get(&mut self, k: &[u8]) -> R<Option<usize>>;
    /// `INCR k`.
    fn incr(&mut self, k: &[u8]) -> R<i64>;
    /// `HSET k f v`.
    fn hset(&mut self, k: &[u8], f: &[u8], v: &[u8]) -> R<()>;
    /// `ZADD k score m`.
    fn zadd(&mut self, k: &[u8], score: f64, m: &[u8]) -> R<()>;
    /// `ZSCORE k m`.
    fn zscore(&mut self, k: &[u8], m: &[u8]) -> R<Option<f64>>;
    /// `ZRANK k m`.
    fn zrank(&mut self, k: &[u8], m: &[u8]) -> R<Option<usize>>;
    /// `ZREVRANGE k 0 n-1 WITHSCORES`: `f` sees each (member, score) in
    /// order, by the engine's cheapest public path (borrowed where the API
    /// lends them); returns how many.
    fn zrange_top(&mut self, k: &[u8], n: usize, f: &mut impl FnMut(&[u8], f64)) -> R<usize>;
    /// `SADD k m`.
    fn sadd(&mut self, k: &[u8], m: &[u8]) -> R<()>;
    /// `RPUSH k v`.
    fn rpush(&mut self, k: &[u8], v: &[u8]) -> R<()>;
    /// `LPOP k`: the element, None when the key is absent.
    fn lpop(&mut self, k: &[u8]) -> R<Option<Vec<u8>>>;
    /// `LRANGE k start stop`: `f` sees each element's bytes in order, by
    /// the engine's cheapest public path (borrowed where the API lends
    /// them); returns how many.
    fn lrange(&mut self, k: &[u8], start: i64, stop: i64, f: &mut impl FnMut(&[u8])) -> R<usize>;
    /// `PFADD k e [e ...]`.
    fn pfadd(&mut self, _k: &[u8], _es: &[&[u8]]) -> R<()> {
        Err(Miss::Lacks("no HLL"))
    }
    /// `PFCOUNT k`.
    fn pfcount(&mut self, _k: &[u8]) -> R<u64> {
        Err(Miss::Lacks("no HLL"))
    }
    /// `SETBIT k off 1`.
    fn setbit(&mut self, k: &[u8], off: u64) -> R<()>;
    /// `BITCOUNT k`.
    fn bitcount(&mut self, k: &[u8]) -> R<u64>;
    /// `XADD k id f v [f v ...]` with an explicit ID.
    fn xadd(&mut self, k: &[u8], id: Id, fields: &[(&[u8], &[u8])]) -> R<()>;
    /// `XGROUP CREATE k g 0`.
    fn xgroup_create(&mut self, k: &[u8], g: &[u8]) -> R<()>;
    /// `XREADGROUP GROUP g c COUNT n STREAMS k >` then `XACK k g` of what
    /// was read; returns how many were acknowledged.
    fn xread_ack(&mut self, k: &[u8], g: &[u8], c: &[u8], n: usize) -> R<usize>;
}
