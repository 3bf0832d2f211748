//! The measuring harness: sizes, the seeded input generator, flat input
//! buffers, timed loops and the heap counter around a build.

use std::time::{Duration, Instant};

use crate::alloc;
use crate::engine::{Engine, R};

/// Sizes and repetitions of one run.
pub(crate) struct Cfg {
    /// Smaller sizes for a smoke run.
    pub(crate) quick: bool,
    /// Timed rounds per figure (the median is shown).
    pub(crate) rounds: usize,
    /// The "1M" of the workloads (100k with `--quick`).
    pub(crate) n: usize,
    /// The "100k" of the workloads (10k with `--quick`).
    pub(crate) small: usize,
    /// Longest a read loop runs per round before it stops early.
    pub(crate) budget: Duration,
    /// Hashes of 1000 fields in dataset c (10k; 1k with `--quick`).
    pub(crate) hashes_c: usize,
    /// Dense HLLs of 100k elements in dataset h1 (1000; 10 with `--quick`).
    pub(crate) dense_hlls: usize,
    /// SETBITs in dataset i (10M; 1M with `--quick`).
    pub(crate) setbits: usize,
}

impl Cfg {
    /// Full or quick sizes.
    pub(crate) fn new(quick: bool, rounds: Option<usize>) -> Cfg {
        let (n, small, budget) = if quick {
            (100_000, 10_000, Duration::from_millis(200))
        } else {
            (1_000_000, 100_000, Duration::from_millis(1500))
        };
        Cfg {
            quick,
            rounds: rounds.unwrap_or(3),
            n,
            small,
            budget,
            hashes_c: small / 10,
            dense_hlls: if quick { 10 } else { 1000 },
            setbits: n * 10,
        }
    }
}

/// splitmix64: the fixed-seed generator for every random input.
pub(crate) struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub(crate) fn new(seed: u64) -> Rng {
        Rng(seed)
    }
    /// The next 64 random bits.
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n`.
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        ((self.next() as u128 * n as u128) >> 64) as u64
    }
    /// Uniform in `[0, 1)`.
    pub(crate) fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Many byte strings in one buffer, read back in order: inputs laid out
/// in the order the timed loop uses them, so reading them costs the loop
/// no cache misses of its own.
#[derive(Default)]
pub(crate) struct Bytes {
    buf: Vec<u8>,
    ends: Vec<usize>,
}

impl Bytes {
    /// `n` strings made by `f(i, &mut out)`.
    pub(crate) fn build(n: usize, mut f: impl FnMut(usize, &mut Vec<u8>)) -> Bytes {
        let mut b = Bytes {
            buf: Vec::with_capacity(n * 12),
            ends: Vec::with_capacity(n),
        };
        for i in 0..n {
            f(i, &mut b.buf);
            b.ends.push(b.buf.len());
        }
        b
    }
    /// `prefix{i}` for each `i` of `ids`.
    pub(crate) fn numbered(prefix: &str, ids: impl Iterator<Item = u64>) -> Bytes {
        let ids: Vec<u64> = ids.collect();
        Bytes::build(ids.len(), |i, out| {
            out.extend_from_slice(prefix.as_bytes());
            out.extend_from_slice(ids[i].to_string().as_bytes());
        })
    }
    /// The `i`th string.
    pub(crate) fn get(&self, i: usize) -> &[u8] {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.buf[start..self.ends[i]]
    }
    /// How many strings.
    pub(crate) fn len(&self) -> usize {
        self.ends.len()
    }
}

/// Random ids in `0..n`, `count` of them.
pub(crate) fn random_ids(seed: u64, n: usize, count: usize) -> impl Iterator<Item = u64> {
    let mut rng = Rng::new(seed);
    (0..count).map(move |_| rng.below(n as u64))
}

/// Times `op(i)` for `i` in `0..n`, stopping early once `budget` has
/// passed (checked every 64 ops); ns per op over the ops that ran.
pub(crate) fn time_upto(n: usize, budget: Duration, mut op: impl FnMut(usize) -> R<()>) -> R<f64> {
    let t0 = Instant::now();
    let mut done = 0;
    while done < n {
        let end = (done + 64).min(n);
        for i in done..end {
            op(i)?;
        }
        done = end;
        if t0.elapsed() > budget {
            break;
        }
    }
    Ok(t0.elapsed().as_nanos() as f64 / done.max(1) as f64)
}

/// The median of `rounds` results of `f`.
pub(crate) fn median(rounds: usize, mut f: impl FnMut() -> R<f64>) -> R<f64> {
    let mut v = Vec::with_capacity(rounds);
    for _ in 0..rounds.max(1) {
        v.push(f()?);
    }
    Ok(middle(v))
}

/// The median of `v` (not empty): its middle figure once sorted, the
/// upper one of an even count.
pub(crate) fn middle(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Opens a fresh engine, runs `build` on it timed, and measures the heap
/// it then holds. Returns the engine (kept for reads), ns per op of the
/// build over `ops` ops, and the live heap bytes it holds.
pub(crate) fn build<E: Engine>(
    ops: usize,
    build: impl FnOnce(&mut E) -> R<()>,
) -> R<(E, f64, f64)> {
    let before = alloc::live();
    let mut e = E::open();
    let t0 = Instant::now();
    build(&mut e)?;
    let ns = t0.elapsed().as_nanos() as f64 / ops.max(1) as f64;
    let bytes = (alloc::live() - before) as f64;
    Ok((e, ns, bytes))
}

/// Runs a build `rounds` times on fresh engines; the median ns per op and
/// the heap bytes per `units` (bytes from the last round; they do not
/// depend on the round).
pub(crate) fn build_rounds<E: Engine>(
    cfg: &Cfg,
    ops: usize,
    units: usize,
    mut f: impl FnMut(&mut E) -> R<()>,
) -> R<Vec<f64>> {
    let mut bytes = 0.0;
    let ns = median(cfg.rounds, || {
        let (e, ns, b) = build::<E>(ops, &mut f)?;
        bytes = b;
        drop(e);
        Ok(ns)
    })?;
    Ok(vec![ns, bytes / units.max(1) as f64])
}
