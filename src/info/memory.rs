//! MEMORY STATS and MEMORY DOCTOR figures.
//!
//! Redis's allocator figures come from jemalloc; embedis runs on whatever
//! allocator the host installed, so it reports them as Redis does when
//! built with libc malloc: the allocator's "allocated" is `used_memory`,
//! its "active" and "resident" are the process RSS. The RSS is the host
//! process's, so the fragmentation ratios include the host's own memory.

use super::sysinfo;
use crate::keyspace::{Db, Keyspace};

/// One database's table overhead (MEMORY STATS `db.N`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct DbOverhead {
    /// Database index.
    pub db: usize,
    /// Bytes of the main key table (entries and index), values excluded.
    pub main: u64,
    /// Bytes of the index of keys with a TTL.
    pub expires: u64,
    /// Bytes of the cluster slot-to-keys index (0 without cluster mode).
    pub slot_to_keys: u64,
}

/// MEMORY STATS, typed: the fields that describe the keyspace, and the
/// process RSS the ratios derive from.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct MemoryStats {
    /// `peak.allocated`: the memory high-water mark.
    pub peak_allocated: u64,
    /// `total.allocated`: `used_memory` now.
    pub total_allocated: u64,
    /// `startup.allocated`: `used_memory` of the keyspace when created.
    pub startup_allocated: u64,
    /// `db.N`: table overhead of every database holding keys.
    pub dbs: Vec<DbOverhead>,
    /// `overhead.total`: startup memory plus every table overhead.
    pub overhead_total: u64,
    /// `keys.count`: keys in all databases.
    pub keys_count: u64,
    /// `keys.bytes-per-key`: memory above startup divided by the keys.
    pub keys_bytes_per_key: u64,
    /// `dataset.bytes`: `total_allocated - overhead_total`.
    pub dataset_bytes: u64,
    /// `dataset.percentage`: dataset share of the memory above startup.
    pub dataset_percentage: f32,
    /// `peak.percentage`: current memory as a share of the peak.
    pub peak_percentage: f32,
    /// The host process's resident set size (0 where it cannot be read).
    pub process_rss: u64,
}

impl MemoryStats {
    /// `fragmentation`: process RSS over `used_memory` (Redis computes it
    /// in single precision).
    pub fn fragmentation(&self) -> f32 {
        self.process_rss as f32 / self.total_allocated as f32
    }

    /// `fragmentation.bytes`: process RSS minus `used_memory` (may be negative).
    pub fn fragmentation_bytes(&self) -> i64 {
        self.process_rss as i64 - self.total_allocated as i64
    }
}

/// Table overhead of one database: what its tables hold besides the keys
/// and values themselves.
fn db_overhead(index: usize, db: &Db) -> DbOverhead {
    let (main, expires, slot_to_keys) = db.table_bytes();
    DbOverhead {
        db: index,
        main: main as u64,
        expires: expires as u64,
        slot_to_keys: slot_to_keys as u64,
    }
}

impl Keyspace {
    /// ```text
    /// MEMORY STATS
    /// ```
    /// Memory figures of the keyspace: totals, the peak, per-database table
    /// overhead and the dataset share. Also raises the recorded peak.
    ///
    /// ```
    /// let mut ks = embedis::Keyspace::new(embedis::Config::default());
    /// ks.set(b"k", b"v", &Default::default()).unwrap();
    /// let stats = ks.memory_stats();
    /// assert_eq!(stats.keys_count, 1);
    /// assert_eq!(stats.dbs.len(), 1);
    /// assert!(stats.total_allocated > stats.startup_allocated);
    /// ```
    ///
    /// # Complexity
    /// O(databases).
    pub fn memory_stats(&mut self) -> MemoryStats {
        let total = self.used_memory() as u64;
        let peak = self.introspection.peak_memory.max(total);
        self.introspection.peak_memory = peak;
        let startup = self.introspection.startup_memory;
        let dbs: Vec<DbOverhead> = self
            .dbs
            .iter()
            .enumerate()
            .filter(|(_, db)| db.len() > 0)
            .map(|(i, db)| db_overhead(i, db))
            .collect();
        let overhead = startup
            + dbs
                .iter()
                .map(|d| d.main + d.expires + d.slot_to_keys)
                .sum::<u64>();
        let keys: u64 = self.dbs.iter().map(|db| db.len() as u64).sum();
        let dataset = total.saturating_sub(overhead);
        let net = if total > startup { total - startup } else { 1 };
        MemoryStats {
            peak_allocated: peak,
            total_allocated: total,
            startup_allocated: startup,
            dbs,
            overhead_total: overhead,
            keys_count: keys,
            keys_bytes_per_key: net.checked_div(keys).unwrap_or(0),
            dataset_bytes: dataset,
            dataset_percentage: dataset as f32 * 100.0 / net as f32,
            peak_percentage: total as f32 * 100.0 / peak.max(1) as f32,
            process_rss: sysinfo::process_rss(),
        }
    }

    /// ```text
    /// MEMORY DOCTOR
    /// ```
    /// Redis's memory report. Under 5 MB the keyspace counts as empty;
    /// above, the one issue it can judge is a peak over 150 % of the memory
    /// in use (the RSS-based checks would blame the host's memory on the
    /// keyspace, and there are no client buffers, replicas or scripts).
    ///
    /// # Complexity
    /// O(databases).
    pub fn memory_doctor(&mut self) -> String {
        let stats = self.memory_stats();
        if stats.total_allocated < 5 * 1024 * 1024 {
            return DOCTOR_EMPTY.to_owned();
        }
        if stats.peak_allocated as f32 / stats.total_allocated as f32 > 1.5 {
            return format!("{DOCTOR_ISSUES}{DOCTOR_PEAK}{DOCTOR_END}");
        }
        DOCTOR_FINE.to_owned()
    }
}

const DOCTOR_FINE: &str = "Hi Sam, I can't find any memory issue in your instance. \
     I can only account for what occurs on this base.\n";

const DOCTOR_EMPTY: &str = "Hi Sam, this instance is empty or is using very little memory, \
     my issues detector can't be used in these conditions. \
     Please, leave for your mission on Earth and fill it with some data. \
     The new Sam and I will be back to our programming as soon as I \
     finished rebooting.\n";

const DOCTOR_ISSUES: &str =
    "Sam, I detected a few issues in this Redis instance memory implants:\n\n";

const DOCTOR_PEAK: &str = " * Peak memory: In the past this instance used more than 150% \
     the memory that is currently using. The allocator is normally not able to release memory \
     after a peak, so you can expect to see a big fragmentation ratio, however this is actually \
     harmless and is only due to the memory peak, and if the Redis instance Resident Set Size \
     (RSS) is currently bigger than expected, the memory will be used as soon as you fill the \
     Redis instance with more data. If the memory peak was only occasional and you want to try \
     to reclaim memory, please try the MEMORY PURGE command, otherwise the only other option is \
     to shutdown and restart the instance.\n\n";

const DOCTOR_END: &str = "I'm here to keep you safe, Sam. I want to help you.\n";
