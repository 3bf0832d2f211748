//! Configuration, with one field per redis.conf directive (`-` becomes `_`).
//!
//! Defaults are Redis 7.0.15's compiled-in defaults (what a server started
//! without a config file uses), e.g. `hash-max-listpack-entries` is 512.
//! CONFIG GET/SET read and write these fields through a table of directives
//! ([`Keyspace::config_get`](crate::Keyspace::config_get), [`Keyspace::config_set`](crate::Keyspace::config_set)) that knows each one's
//! Redis type, bounds, alias and value syntax.
//!
//! `directives` holds that table and Redis's value syntax; `access` the
//! CONFIG GET/SET/RESETSTAT methods of [`Keyspace`](crate::Keyspace).

mod access;
mod directives;

/// Which keys `maxmemory` may evict (`maxmemory-policy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MaxmemoryPolicy {
    /// Evict nothing; writes that may grow memory fail with OOM.
    #[default]
    Noeviction,
    /// Approximate LRU over all keys.
    AllkeysLru,
    /// Approximate LFU over all keys.
    AllkeysLfu,
    /// Random keys.
    AllkeysRandom,
    /// Approximate LRU over keys with a TTL.
    VolatileLru,
    /// Approximate LFU over keys with a TTL.
    VolatileLfu,
    /// Random keys with a TTL.
    VolatileRandom,
    /// Keys with the nearest expiry first.
    VolatileTtl,
}

impl MaxmemoryPolicy {
    /// Every policy, in the order redis.conf documents them.
    pub const ALL: [MaxmemoryPolicy; 8] = [
        MaxmemoryPolicy::VolatileLru,
        MaxmemoryPolicy::AllkeysLru,
        MaxmemoryPolicy::VolatileLfu,
        MaxmemoryPolicy::AllkeysLfu,
        MaxmemoryPolicy::VolatileRandom,
        MaxmemoryPolicy::AllkeysRandom,
        MaxmemoryPolicy::VolatileTtl,
        MaxmemoryPolicy::Noeviction,
    ];

    /// The redis.conf spelling, e.g. `allkeys-lru`.
    pub fn as_str(self) -> &'static str {
        match self {
            MaxmemoryPolicy::Noeviction => "noeviction",
            MaxmemoryPolicy::AllkeysLru => "allkeys-lru",
            MaxmemoryPolicy::AllkeysLfu => "allkeys-lfu",
            MaxmemoryPolicy::AllkeysRandom => "allkeys-random",
            MaxmemoryPolicy::VolatileLru => "volatile-lru",
            MaxmemoryPolicy::VolatileLfu => "volatile-lfu",
            MaxmemoryPolicy::VolatileRandom => "volatile-random",
            MaxmemoryPolicy::VolatileTtl => "volatile-ttl",
        }
    }

    /// Parses the redis.conf spelling, case-insensitively.
    pub fn parse(name: &[u8]) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|p| p.as_str().as_bytes().eq_ignore_ascii_case(name))
    }

    /// True for the two LFU policies (OBJECT FREQ works, IDLETIME does not).
    pub fn is_lfu(self) -> bool {
        matches!(
            self,
            MaxmemoryPolicy::AllkeysLfu | MaxmemoryPolicy::VolatileLfu
        )
    }

    /// True for the policies that track access time or frequency per key,
    /// which stops Redis from sharing small integer objects.
    pub fn tracks_access(self) -> bool {
        matches!(
            self,
            MaxmemoryPolicy::AllkeysLru
                | MaxmemoryPolicy::VolatileLru
                | MaxmemoryPolicy::AllkeysLfu
                | MaxmemoryPolicy::VolatileLfu
        )
    }
}

/// Keyspace configuration. Field names are redis.conf directives.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Config {
    /// `databases`: number of logical databases (SELECT 0..n-1).
    pub databases: usize,
    /// `hash-max-listpack-entries`: most fields a listpack hash holds.
    pub hash_max_listpack_entries: usize,
    /// `hash-max-listpack-value`: longest field or value (bytes) in a listpack hash.
    pub hash_max_listpack_value: usize,
    /// `zset-max-listpack-entries`: most members a listpack sorted set holds.
    pub zset_max_listpack_entries: usize,
    /// `zset-max-listpack-value`: longest member (bytes) in a listpack sorted set.
    pub zset_max_listpack_value: usize,
    /// `set-max-intset-entries`: most members an intset holds.
    pub set_max_intset_entries: usize,
    /// `list-max-listpack-size`: negative = bytes per quicklist node class, positive = entries.
    pub list_max_listpack_size: i64,
    /// `list-compress-depth`: quicklist nodes left uncompressed at each end (0 = none compressed).
    pub list_compress_depth: usize,
    /// `hll-sparse-max-bytes`: largest sparse HyperLogLog, header included.
    pub hll_sparse_max_bytes: usize,
    /// `stream-node-max-bytes`: largest stream listpack node.
    pub stream_node_max_bytes: usize,
    /// `stream-node-max-entries`: most entries in one stream node.
    pub stream_node_max_entries: usize,
    /// `proto-max-bulk-len`: largest string value (SETRANGE, APPEND, SETBIT limit).
    pub proto_max_bulk_len: u64,
    /// `maxmemory`: memory limit in bytes, 0 = none.
    pub maxmemory: u64,
    /// `maxmemory-policy`.
    pub maxmemory_policy: MaxmemoryPolicy,
    /// `maxmemory-samples`: keys sampled per eviction round.
    pub maxmemory_samples: u32,
    /// `maxmemory-eviction-tenacity`: eviction effort per command (0-100).
    pub maxmemory_eviction_tenacity: u32,
    /// `lfu-log-factor`: how slowly the LFU counter grows.
    pub lfu_log_factor: u32,
    /// `lfu-decay-time`: minutes per LFU counter decrement, 0 = never decay.
    pub lfu_decay_time: u32,
    /// `active-expire-effort`: 1-10, scales the active expire cycle.
    pub active_expire_effort: u32,
    /// `hz`: how often a host is expected to drive background work per second.
    pub hz: u32,
    /// `notify-keyspace-events`: keyspace notification classes (empty = off).
    pub notify_keyspace_events: String,
    /// `cluster-enabled`: keep a per-slot key index and refuse cross-slot commands.
    pub cluster_enabled: bool,
    /// `slowlog-log-slower-than`: microseconds; negative disables the slow log.
    pub slowlog_log_slower_than: i64,
    /// `slowlog-max-len`: entries kept in the slow log.
    pub slowlog_max_len: u64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            databases: 16,
            hash_max_listpack_entries: 512,
            hash_max_listpack_value: 64,
            zset_max_listpack_entries: 128,
            zset_max_listpack_value: 64,
            set_max_intset_entries: 512,
            list_max_listpack_size: -2,
            list_compress_depth: 0,
            hll_sparse_max_bytes: 3000,
            stream_node_max_bytes: 4096,
            stream_node_max_entries: 100,
            proto_max_bulk_len: 512 * 1024 * 1024,
            maxmemory: 0,
            maxmemory_policy: MaxmemoryPolicy::Noeviction,
            maxmemory_samples: 5,
            maxmemory_eviction_tenacity: 10,
            lfu_log_factor: 10,
            lfu_decay_time: 1,
            active_expire_effort: 1,
            hz: 10,
            notify_keyspace_events: String::new(),
            cluster_enabled: false,
            slowlog_log_slower_than: 10_000,
            slowlog_max_len: 128,
        }
    }
}
