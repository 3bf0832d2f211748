//! Time for expiry and idle tracking, behind the [`Clock`] trait.
//!
//! The keyspace reads the clock once per command and uses that reading for
//! every expiry decision inside it, as Redis does. [`SystemClock`] reads wall
//! time; [`ManualClock`] is advanced by hand, so tests and deterministic
//! embedders never sleep.
//!
//! Access times (the LRU/LFU field every lookup updates, OBJECT IDLETIME,
//! eviction's idle scores) read [`Clock::coarse_ms`] instead: Redis reads
//! them from a clock its cron refreshes every 100 ms (`server.lruclock`),
//! and the field only keeps seconds (LFU: minutes). [`SystemClock`] keeps
//! such a clock in a process-wide atomic that one background thread,
//! started at the first reading, refreshes every `COARSE_TICK`; so a
//! lookup of a key without TTL reads no system clock at all. Expiry always
//! reads [`Clock::now_ms`].

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// A source of Unix time in milliseconds.
pub trait Clock: Send + Sync + std::fmt::Debug {
    /// Milliseconds since the Unix epoch.
    fn now_ms(&self) -> u64;

    /// Microseconds since the Unix epoch (used where Redis keeps µs).
    fn now_us(&self) -> u64 {
        self.now_ms() * 1000
    }

    /// Milliseconds since the Unix epoch for access-time tracking, which
    /// may lag [`Clock::now_ms`] by up to about 100 ms (see the module
    /// docs). Defaults to `now_ms`.
    fn coarse_ms(&self) -> u64 {
        self.now_ms()
    }
}

/// How often the coarse clock is refreshed (Redis's cron at `hz` 10).
const COARSE_TICK: std::time::Duration = std::time::Duration::from_millis(100);

/// The coarse clock's last reading (0 until the ticker ran), as Unix
/// seconds in the high 32 bits and the milliseconds within that second in
/// the low ones ([`coarse_word`]): ordered as the time it holds (so every
/// store is a maximum), and Redis's LRU clock (seconds modulo 2^24) is a
/// shift and a mask away, with no division ([`coarse_lru_peek`]). One
/// word, so every reading, in ms or as an LRU clock, comes from the same
/// ordered sequence of values. Unix seconds fit in 32 bits until 2106.
static COARSE: AtomicU64 = AtomicU64::new(0);

/// [`COARSE`]'s encoding of `ms` Unix milliseconds.
fn coarse_word(ms: u64) -> u64 {
    let secs = u32::try_from(ms / 1000).unwrap_or(u32::MAX);
    (u64::from(secs) << 32) | (ms % 1000)
}

/// The Unix milliseconds [`COARSE`]'s `word` holds.
#[inline]
fn coarse_ms_of(word: u64) -> u64 {
    (word >> 32) * 1000 + (word & 0xffff_ffff)
}

/// The coarse clock's last reading in Unix ms (0 until the ticker ran).
#[inline]
fn coarse_load_ms() -> u64 {
    coarse_ms_of(COARSE.load(Ordering::Relaxed))
}

/// Moves the coarse clock forward to `ms` (never back).
fn coarse_advance(ms: u64) {
    COARSE.fetch_max(coarse_word(ms), Ordering::Relaxed);
}

/// Whether the ticker thread was started (or its start failed).
static COARSE_TICKER: std::sync::Once = std::sync::Once::new();

/// Wall-clock milliseconds since the Unix epoch.
fn system_ms() -> u64 {
    // Milliseconds straight from seconds and nanoseconds (no 128-bit
    // arithmetic).
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() * 1000 + u64::from(d.subsec_millis()))
}

/// Every this many coarse readings in a thread, one checks the system
/// clock, so a starved ticker cannot leave the coarse clock behind.
pub(crate) const COARSE_CHECK_EVERY: u32 = 64;

thread_local! {
    /// Coarse readings this thread made (for `COARSE_CHECK_EVERY`).
    static COARSE_READS: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

/// The coarse clock: the ticker's last reading. It never goes backwards
/// (every store is a maximum), so access fields taken from it compare
/// with later readings without wrapping. Before the ticker has run, and
/// on every `COARSE_CHECK_EVERY`th reading, the system clock is read and
/// moves the coarse one forward when that is more than a second behind.
#[inline]
pub(crate) fn coarse_system_ms() -> u64 {
    coarse_ms_of(coarse_system_word())
}

/// [`coarse_system_ms`] as Redis's LRU clock (the access field a value
/// takes under an LRU-style policy), with no division.
#[inline]
pub(crate) fn coarse_system_lru() -> u32 {
    lru_of(coarse_system_word())
}

/// [`coarse_system_ms`] as [`COARSE`] encodes it.
#[inline]
fn coarse_system_word() -> u64 {
    let word = COARSE.load(Ordering::Relaxed);
    let reads = COARSE_READS.with(|r| {
        let n = r.get().wrapping_add(1);
        r.set(n);
        n
    });
    if word != 0 && !reads.is_multiple_of(COARSE_CHECK_EVERY) {
        return word;
    }
    coarse_word(coarse_check(coarse_ms_of(word)))
}

/// Redis's LRU clock (seconds modulo 2^24) of [`COARSE`]'s `word`.
#[inline(always)]
fn lru_of(word: u64) -> u32 {
    u32::try_from((word >> 32) & ((1 << 24) - 1)).unwrap_or(0)
}

/// Redis's LRU clock (Unix seconds modulo 2^24, as
/// [`crate::keys::lru_clock`] gives) of the coarse clock's last reading
/// as it stands (0 before it started): one load, a shift and a mask, for
/// a caller that counts its own readings and calls [`coarse_refresh`] on
/// every `COARSE_CHECK_EVERY`th.
#[inline(always)]
pub(crate) fn coarse_lru_peek() -> u32 {
    lru_of(COARSE.load(Ordering::Relaxed))
}

/// Starts the ticker if needed and moves the coarse clock on if it lags
/// the system clock (the check [`coarse_system_ms`] makes every
/// `COARSE_CHECK_EVERY`th reading).
pub(crate) fn coarse_refresh() {
    coarse_check(coarse_load_ms());
}

/// The slow path of [`coarse_system_ms`]: starts the ticker once, and
/// reads the system clock to move the coarse one on if it lags.
#[cold]
#[inline(never)]
fn coarse_check(ms: u64) -> u64 {
    COARSE_TICKER.call_once(|| {
        // Without a ticker, the checks below keep the clock going.
        let _ = std::thread::Builder::new()
            .name("embedis-coarse-clock".into())
            .spawn(|| {
                loop {
                    coarse_advance(system_ms());
                    std::thread::sleep(COARSE_TICK);
                }
            });
    });
    let now = system_ms();
    if now > ms + 1000 || ms == 0 {
        coarse_advance(now);
    }
    coarse_load_ms().max(ms)
}

/// Wall-clock time from [`SystemTime`].
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> u64 {
        system_ms()
    }

    fn coarse_ms(&self) -> u64 {
        coarse_system_ms()
    }

    fn now_us(&self) -> u64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| u64::try_from(d.as_micros()).unwrap_or(u64::MAX))
    }
}

/// A clock that only moves when told. Clones share the same time, so a test
/// keeps one handle and gives another to the keyspace.
///
/// ```
/// use embedis::{Clock, ManualClock};
/// let clock = ManualClock::new(1_000);
/// let handle = clock.clone();
/// handle.advance(500);
/// assert_eq!(clock.now_ms(), 1_500);
/// ```
#[derive(Debug, Clone, Default)]
pub struct ManualClock {
    ms: Arc<AtomicU64>,
}

impl ManualClock {
    /// A clock standing at `ms` milliseconds since the epoch.
    pub fn new(ms: u64) -> Self {
        ManualClock {
            ms: Arc::new(AtomicU64::new(ms)),
        }
    }

    /// Moves the clock forward by `ms` milliseconds.
    pub fn advance(&self, ms: u64) {
        self.ms.fetch_add(ms, Ordering::SeqCst);
    }

    /// Sets the clock to `ms` (it may go backwards, as wall clocks do).
    pub fn set(&self, ms: u64) {
        self.ms.store(ms, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now_ms(&self) -> u64 {
        self.ms.load(Ordering::SeqCst)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coarse_clock_follows_the_system_clock_and_never_goes_back() {
        let clock = SystemClock;
        let mut last = 0;
        for _ in 0..5 * COARSE_CHECK_EVERY {
            let t = clock.coarse_ms();
            assert!(t >= last, "went back from {last} to {t}");
            assert!(t <= clock.now_ms(), "ahead of the system clock");
            last = t;
        }
        // A check against the system clock ran within the last 64 readings.
        assert!(clock.now_ms() <= last + 2_000);
        let manual = ManualClock::new(5);
        assert_eq!(manual.coarse_ms(), 5);
    }

    #[test]
    fn coarse_word_keeps_order_ms_and_the_lru_clock() {
        let times = [0, 999, 1_000, 1_001, 1_764_201_599_999, 1_764_201_600_000];
        for pair in times.windows(2) {
            assert!(coarse_word(pair[0]) < coarse_word(pair[1]), "{pair:?}");
        }
        let past_lru_wrap = 1_000 * ((1 << 24) + 7) + 321;
        for ms in times.into_iter().chain([past_lru_wrap]) {
            assert_eq!(coarse_ms_of(coarse_word(ms)), ms);
            assert_eq!(lru_of(coarse_word(ms)), crate::keys::lru_clock(ms));
        }
        assert_eq!(lru_of(coarse_word(past_lru_wrap)), 7);
        // The read shortcut's reading is the general path's, as a field.
        let ms = SystemClock.coarse_ms();
        let lru = coarse_lru_peek();
        assert!(
            lru >= crate::keys::lru_clock(ms) || lru < 2,
            "{lru} vs {ms}"
        );
    }
}
