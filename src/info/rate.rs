//! `instantaneous_ops_per_sec`: Redis samples the command counter every
//! 100 ms from its cron and averages the last 16 samples (1.6 s). Without
//! a cron, the samples are taken when commands finish: a gap of several
//! periods counts as that many samples of the rate over the gap, and INFO
//! adds the periods since the last sample the same way, so the figure is a
//! time-weighted average over the last 1.6 s either way.

use std::time::{Duration, Instant};

const PERIOD: Duration = Duration::from_millis(100);
const SAMPLES: usize = 16;

/// The sampled command rate.
#[derive(Debug, Clone, Default)]
pub(super) struct OpsRate {
    /// Ops per second, one per period; `next` is where the next one goes.
    samples: [u64; SAMPLES],
    next: usize,
    /// When the last sample was taken and the counter then.
    last: Option<(Instant, u64)>,
    /// When the next sample is due (one comparison per command).
    due: Option<Instant>,
}

/// Ops per second over `elapsed`, and how many whole periods that spans.
fn rate_over(elapsed: Duration, ops: u64) -> (u64, usize) {
    let ms = u64::try_from(elapsed.as_millis())
        .unwrap_or(u64::MAX)
        .max(1);
    let periods = usize::try_from(elapsed.as_millis() / PERIOD.as_millis()).unwrap_or(SAMPLES);
    (ops.saturating_mul(1000) / ms, periods.min(SAMPLES))
}

impl OpsRate {
    /// Takes samples if a period passed since the last one; `count` is the
    /// commands processed so far. Returns true when it sampled (a period
    /// boundary: the caller's cue for other periodic bookkeeping).
    pub(super) fn observe(&mut self, now: Instant, count: u64) -> bool {
        if self.due.is_some_and(|due| now < due) {
            return false;
        }
        self.due = Some(now + PERIOD);
        let Some((at, before)) = self.last else {
            self.last = Some((now, count));
            return true;
        };
        let elapsed = now.saturating_duration_since(at);
        let (rate, periods) = rate_over(elapsed, count.saturating_sub(before));
        for _ in 0..periods {
            self.samples[self.next] = rate;
            self.next = (self.next + 1) % SAMPLES;
        }
        self.last = Some((now, count));
        true
    }

    /// The average over the last 16 periods as of `now`.
    pub(super) fn per_sec(&self, now: Instant, count: u64) -> u64 {
        let Some((at, before)) = self.last else {
            return 0;
        };
        let (pending, periods) = rate_over(
            now.saturating_duration_since(at),
            count.saturating_sub(before),
        );
        let recorded: u64 = (0..SAMPLES - periods)
            .map(|back| self.samples[(self.next + SAMPLES - 1 - back) % SAMPLES])
            .sum();
        (recorded + pending * periods as u64) / SAMPLES as u64
    }

    /// Forgets every sample (CONFIG RESETSTAT).
    pub(super) fn reset(&mut self) {
        *self = OpsRate::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steady_rate_and_decay() {
        let t0 = Instant::now();
        let mut r = OpsRate::default();
        // 1000 ops per second for two seconds, observed every 10 ms.
        for i in 0..=200u64 {
            r.observe(t0 + Duration::from_millis(i * 10), i * 10);
        }
        let end = t0 + Duration::from_millis(2000);
        assert_eq!(r.per_sec(end, 2000), 1000);
        // Idle for 0.8 s: half the window is empty.
        assert_eq!(r.per_sec(end + Duration::from_millis(800), 2000), 500);
        assert_eq!(r.per_sec(end + Duration::from_secs(5), 2000), 0);
        r.reset();
        assert_eq!(r.per_sec(end, 2000), 0);
    }
}
