//! Per-command latency percentiles (`INFO latencystats`), as Redis 7.0
//! keeps them: an HDR histogram of nanoseconds from 1 ns to 1 s with two
//! significant digits, reported at the 50th, 99th and 99.9th percentiles
//! as the highest value equivalent to the bucket reached, in microseconds.
//!
//! The table grows up to the highest bucket in use (Redis allocates all of
//! it, about 24 KB per command, up front).

/// Values below this share one bucket per unit (2 x 10^2, rounded up to a
/// power of two: 256 sub-buckets, half of them per bucket above the first).
const SUB_BUCKET_HALF_MAGNITUDE: u32 = 7;
const SUB_BUCKET_HALF: u64 = 1 << SUB_BUCKET_HALF_MAGNITUDE;
const SUB_BUCKET_COUNT: u64 = SUB_BUCKET_HALF * 2;
const SUB_BUCKET_MASK: u64 = SUB_BUCKET_COUNT - 1;

/// The tracked range, in nanoseconds.
const MIN_NS: u64 = 1;
const MAX_NS: u64 = 1_000_000_000;

/// The percentiles INFO reports (`latency-tracking-info-percentiles`).
pub(super) const PERCENTILES: [(&str, f64); 3] = [("50", 50.0), ("99", 99.0), ("99.9", 99.9)];

/// A sparse HDR histogram of command durations.
#[derive(Debug, Clone, Default)]
pub(super) struct Histogram {
    counts: Vec<u64>,
    total: u64,
}

fn bucket_index(v: u64) -> u32 {
    let pow2ceiling = 64 - (v | SUB_BUCKET_MASK).leading_zeros();
    pow2ceiling - (SUB_BUCKET_HALF_MAGNITUDE + 1)
}

fn counts_index(v: u64) -> u32 {
    let bucket = bucket_index(v);
    let sub = (v >> bucket) as u32;
    ((bucket + 1) << SUB_BUCKET_HALF_MAGNITUDE) + sub - SUB_BUCKET_HALF as u32
}

/// The lowest value of the bucket at `index`.
fn value_at_index(index: u32) -> u64 {
    let mut bucket = i64::from(index >> SUB_BUCKET_HALF_MAGNITUDE) - 1;
    let mut sub = u64::from(index) & (SUB_BUCKET_HALF - 1);
    sub += SUB_BUCKET_HALF;
    if bucket < 0 {
        sub -= SUB_BUCKET_HALF;
        bucket = 0;
    }
    sub << bucket
}

/// The highest value counted in the same bucket as `v`.
fn highest_equivalent(v: u64) -> u64 {
    let bucket = bucket_index(v);
    let sub = v >> bucket;
    let lowest = sub << bucket;
    let width_bucket = if sub >= SUB_BUCKET_COUNT {
        bucket + 1
    } else {
        bucket
    };
    lowest + (1u64 << width_bucket) - 1
}

impl Histogram {
    /// Records one duration, clamped to the tracked range.
    pub(super) fn record(&mut self, ns: u64) {
        let index = counts_index(ns.clamp(MIN_NS, MAX_NS)) as usize;
        if index >= self.counts.len() {
            self.counts.resize(index + 1, 0);
        }
        self.counts[index] += 1;
        self.total += 1;
    }

    /// The value at `percentile` (0 < p <= 100), in nanoseconds.
    pub(super) fn value_at(&self, percentile: f64) -> u64 {
        let p = percentile.min(100.0);
        let wanted = (((p / 100.0) * self.total as f64 + 0.5) as u64).max(1);
        let mut seen = 0;
        for (index, &n) in self.counts.iter().enumerate() {
            seen += n;
            if seen >= wanted {
                return highest_equivalent(value_at_index(index as u32));
            }
        }
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_match_hdr_with_two_digits() {
        // Redis records whole microseconds as nanoseconds.
        assert_eq!(highest_equivalent(1), 1);
        assert_eq!(highest_equivalent(255), 255);
        assert_eq!(highest_equivalent(1000), 1003);
        assert_eq!(highest_equivalent(3000), 3007);
        assert_eq!(highest_equivalent(1_000_000), 1_003_519);
        for v in [1, 100, 255, 256, 1000, 123_456, MAX_NS] {
            let low = value_at_index(counts_index(v));
            assert!(low <= v && v <= highest_equivalent(low), "{v}");
        }
    }

    #[test]
    fn percentiles() {
        let mut h = Histogram::default();
        for _ in 0..98 {
            h.record(0);
        }
        h.record(2000);
        h.record(50_000);
        assert_eq!(h.value_at(50.0), 1);
        assert_eq!(h.value_at(99.0), 2007);
        assert_eq!(h.value_at(99.9), 50_175);
        assert_eq!(Histogram::default().value_at(50.0), 0);
    }
}
