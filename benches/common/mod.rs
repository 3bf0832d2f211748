//! Helpers shared by the criterion bench files: seeded pseudo-random inputs,
//! key and member names, configs with one threshold changed, and
//! [`steady`], which times an insert-like operation while keeping the
//! structure at the size the bench's name states.
//!
//! Naming scheme of every bench: `TYPE/COMMAND/ENCODING[/VARIANT]/SIZE`,
//! where SIZE is the size of the structure (or keyspace) the measured
//! operation works on, e.g. `zset/zadd/skiplist/1M` adds one new member to
//! a zset that already holds 1M members.

// Each bench binary compiles this module and uses a different part of it.
#![allow(dead_code, unreachable_pub)]

use std::ops::Range;
use std::time::{Duration, Instant};

use criterion::Bencher;
use embedis::{Config, Keyspace};

/// How many probe keys or members a read bench cycles through (a power of
/// two, so the index wraps with a mask).
pub const PROBES: usize = 4096;

/// xorshift64: a fixed pseudo-random sequence, the same on every run.
pub struct Rng(u64);

impl Rng {
    /// A sequence started from `seed` (any value; 0 is mapped to 1).
    pub fn new(seed: u64) -> Self {
        Rng(seed.max(1))
    }

    /// The next value.
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// The next value reduced to `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }
}

/// `prefix` followed by `i` in decimal, e.g. `key:42`.
pub fn name(prefix: &str, i: u64) -> Vec<u8> {
    format!("{prefix}{i}").into_bytes()
}

/// `name(prefix, i)` for `i` in `0..n`.
pub fn names(prefix: &str, n: u64) -> Vec<Vec<u8>> {
    (0..n).map(|i| name(prefix, i)).collect()
}

/// Borrowed slices of `items`, for the `&[&[u8]]` arguments.
pub fn refs(items: &[Vec<u8>]) -> Vec<&[u8]> {
    items.iter().map(Vec::as_slice).collect()
}

/// A value of `len` bytes.
pub fn value(len: usize) -> Vec<u8> {
    (0..len).map(|i| b'a' + (i % 26) as u8).collect()
}

/// A default config changed by `edit`.
pub fn config(edit: impl FnOnce(&mut Config)) -> Config {
    let mut c = Config::default();
    edit(&mut c);
    c
}

/// A keyspace with the default config.
pub fn keyspace() -> Keyspace {
    Keyspace::new(Config::default())
}

/// A fixed scattered sequence of [`PROBES`] names `prefix{i}`, `i < n`.
pub struct Probes {
    items: Vec<Vec<u8>>,
    at: usize,
}

impl Probes {
    /// Probes drawn from `prefix0 .. prefix{n-1}` with the given seed.
    pub fn new(prefix: &str, n: u64, seed: u64) -> Self {
        let mut rng = Rng::new(seed);
        let items = (0..PROBES).map(|_| name(prefix, rng.below(n))).collect();
        Probes { items, at: 0 }
    }

    /// The next probe (cycles).
    pub fn pick(&mut self) -> &[u8] {
        self.at = (self.at + 1) & (PROBES - 1);
        &self.items[self.at]
    }
}

/// Times `op(state, i)` for consecutive `i` taken from `*next`, in chunks
/// of at most `chunk`; after each chunk, outside the timing,
/// `undo(state, range)` takes the structure back to its base size (removes
/// what the chunk added, pushes back what it popped, ...). An insert bench
/// thus measures inserts into a structure of its stated size, however many
/// iterations criterion asks for. Benches at an encoding threshold spread
/// one operation per key over `chunk` keys, so no key passes the threshold.
pub fn steady<S>(
    b: &mut Bencher<'_>,
    state: &mut S,
    chunk: u64,
    next: &mut u64,
    mut op: impl FnMut(&mut S, u64),
    mut undo: impl FnMut(&mut S, Range<u64>),
) {
    b.iter_custom(|iters| {
        let mut spent = Duration::ZERO;
        let mut left = iters;
        while left > 0 {
            let n = left.min(chunk);
            let from = *next;
            let start = Instant::now();
            for i in from..from + n {
                op(state, i);
            }
            spent += start.elapsed();
            *next += n;
            undo(state, from..from + n);
            left -= n;
        }
        spent
    });
}

/// True when the bench binary was started by `cargo bench -- --test`
/// (every bench runs once): benches that are not criterion's (the
/// eviction hit ratios) shrink their workload then.
pub fn smoke_test() -> bool {
    std::env::args().any(|a| a == "--test")
}

/// Panics unless `key`'s OBJECT ENCODING is `encoding`: a bench must
/// measure the encoding its name states.
pub fn assert_encoding(ks: &mut Keyspace, key: &[u8], encoding: &str) {
    let got = ks.object_encoding(key).map(embedis::Encoding::as_str);
    assert_eq!(
        got,
        Some(encoding),
        "{}: encoding",
        String::from_utf8_lossy(key)
    );
}

/// [`steady`] over many keys: times `op(ks, key)` on the next key of
/// `keys` (each key once per chunk), then runs `undo(ks, key)` for those
/// keys outside the timing. For benches at an encoding threshold: one
/// insert per key never takes a key past the size the bench names.
pub fn per_key(
    b: &mut Bencher<'_>,
    ks: &mut Keyspace,
    keys: &[Vec<u8>],
    next: &mut u64,
    mut op: impl FnMut(&mut Keyspace, &[u8]),
    mut undo: impl FnMut(&mut Keyspace, &[u8]),
) {
    let n = keys.len() as u64;
    let key = |i: u64| keys[(i % n) as usize].as_slice();
    steady(
        b,
        ks,
        n,
        next,
        |ks, i| op(ks, key(i)),
        |ks, r| {
            for i in r {
                undo(ks, key(i));
            }
        },
    );
}

/// Undo for [`per_key`] after an operation that converted the key's
/// encoding: COPY `template` (a key in the base state) over it.
pub fn restore_from(template: &'static [u8]) -> impl FnMut(&mut Keyspace, &[u8]) {
    move |ks, key| {
        ks.copy(template, key, None, true).unwrap();
    }
}
