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

/// The coarse clock's last reading in Unix ms (0 until the ticker ran).
static COARSE_MS: AtomicU64 = AtomicU64::new(0);

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
    let ms = COARSE_MS.load(Ordering::Relaxed);
    let reads = COARSE_READS.with(|r| {
        let n = r.get().wrapping_add(1);
        r.set(n);
        n
    });
    if ms != 0 && !reads.is_multiple_of(COARSE_CHECK_EVERY) {
        return ms;
    }
    coarse_check(ms)
}

/// The coarse clock's last reading as it stands (0 before it started),
/// for a caller that counts its own readings and calls
/// [`coarse_refresh`] on every `COARSE_CHECK_EVERY`th.
#[inline(always)]
pub(crate) fn coarse_peek() -> u64 {
    COARSE_MS.load(Ordering::Relaxed)
}

/// Starts the ticker if needed and moves the coarse clock on if it lags
/// the system clock (the check [`coarse_system_ms`] makes every
/// `COARSE_CHECK_EVERY`th reading).
pub(crate) fn coarse_refresh() {
    coarse_check(COARSE_MS.load(Ordering::Relaxed));
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
                    COARSE_MS.fetch_max(system_ms(), Ordering::Relaxed);
                    std::thread::sleep(COARSE_TICK);
                }
            });
    });
    let now = system_ms();
    if now > ms + 1000 || ms == 0 {
        COARSE_MS.fetch_max(now, Ordering::Relaxed);
    }
    COARSE_MS.load(Ordering::Relaxed).max(ms)
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
}
