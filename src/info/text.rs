//! The INFO text: Redis 7.0.15's sections, field names and order, with the
//! values an in-process keyspace has. Section selection follows Redis:
//! no argument means the default sections, `default` adds them, `all`
//! means every section, `everything` too (it also asks modules, which
//! embedis has none of); other names are matched without case and unknown
//! ones are ignored.

use std::collections::HashSet;
use std::fmt::Write;

use super::{latency, sysinfo};
use crate::keyspace::Keyspace;

/// The sections in the order INFO prints them.
const SECTIONS: [&str; 13] = [
    "server",
    "clients",
    "memory",
    "persistence",
    "stats",
    "replication",
    "cpu",
    "modules",
    "commandstats",
    "errorstats",
    "latencystats",
    "cluster",
    "keyspace",
];

/// What no argument (or `default`) selects.
const DEFAULT: [&str; 11] = [
    "server",
    "clients",
    "memory",
    "persistence",
    "stats",
    "replication",
    "cpu",
    "module_list",
    "errorstats",
    "cluster",
    "keyspace",
];

/// The sections INFO's arguments ask for.
struct Selection {
    all: bool,
    names: HashSet<Vec<u8>>,
}

impl Selection {
    fn parse(args: &[&[u8]]) -> Selection {
        let mut sel = Selection {
            all: false,
            names: HashSet::new(),
        };
        let defaults = |names: &mut HashSet<Vec<u8>>| {
            names.extend(DEFAULT.iter().map(|s| s.as_bytes().to_vec()));
        };
        if args.is_empty() {
            defaults(&mut sel.names);
        }
        for arg in args {
            let lower = arg.to_ascii_lowercase();
            match lower.as_slice() {
                b"default" => defaults(&mut sel.names),
                b"all" | b"everything" => sel.all = true,
                _ => {
                    sel.names.insert(lower);
                }
            }
        }
        sel
    }

    fn wants(&self, section: &str) -> bool {
        self.all
            || self.names.contains(section.as_bytes())
            || (section == "modules" && self.names.contains(&b"module_list"[..]))
    }
}

/// Redis's `bytesToHuman`: `512B`, `1.50K`, `3.20M` ... up to `P`.
pub(super) fn human(n: u64) -> String {
    const UNITS: [(u32, char); 5] = [(1, 'K'), (2, 'M'), (3, 'G'), (4, 'T'), (5, 'P')];
    if n < 1024 {
        return format!("{n}B");
    }
    for (power, unit) in UNITS {
        let next = 1u128 << (10 * (power + 1));
        if u128::from(n) < next {
            let d = n as f64 / (1u64 << (10 * power)) as f64;
            return format!("{d:.2}{unit}");
        }
    }
    format!("{n}B")
}

/// Replaces the bytes that would break INFO's `name:value` lines.
fn safe_name(name: &[u8]) -> String {
    name.iter()
        .map(|&b| match b {
            b'#' | b':' | b'\n' | b'\r' => '_',
            _ => char::from(b),
        })
        .collect()
}

impl Keyspace {
    /// ```text
    /// INFO [section [section ...]]
    /// ```
    /// The INFO text, `\r\n`-separated, as Redis 7.0.15 prints it: the
    /// same sections, field names and order, with this keyspace's figures
    /// (see `docs/compat.md` for the fields whose values differ in
    /// process). Section names: `server`, `clients`, `memory`,
    /// `persistence`, `stats`, `replication`, `cpu`, `modules`,
    /// `commandstats`, `errorstats`, `latencystats`, `cluster`,
    /// `keyspace`, plus `default`, `all` and `everything`.
    ///
    /// ```
    /// let mut ks = embedis::Keyspace::new(embedis::Config::default());
    /// ks.set(b"k", b"v", &Default::default()).unwrap();
    /// let text = ks.info(&[b"keyspace".as_slice()]);
    /// assert_eq!(text, "# Keyspace\r\ndb0:keys=1,expires=0,avg_ttl=0\r\n");
    /// ```
    ///
    /// # Complexity
    /// O(databases + commands used + error codes seen).
    pub fn info(&self, sections: &[&[u8]]) -> String {
        let sel = Selection::parse(sections);
        let mut out = String::new();
        for section in SECTIONS {
            if !sel.wants(section) {
                continue;
            }
            if !out.is_empty() {
                out.push_str("\r\n");
            }
            let mut lines = Lines(&mut out);
            match section {
                "server" => self.info_server(&mut lines),
                "clients" => info_clients(&mut lines),
                "memory" => self.info_memory(&mut lines),
                "persistence" => self.info_persistence(&mut lines),
                "stats" => self.info_stats(&mut lines),
                "replication" => self.info_replication(&mut lines),
                "cpu" => info_cpu(&mut lines),
                "modules" => lines.header("Modules"),
                "commandstats" => self.info_commandstats(&mut lines),
                "errorstats" => self.info_errorstats(&mut lines),
                "latencystats" => self.info_latencystats(&mut lines),
                "cluster" => {
                    lines.header("Cluster");
                    lines.field("cluster_enabled", u8::from(self.config.cluster_enabled));
                }
                _ => self.info_keyspace(&mut lines),
            }
        }
        out
    }

    fn info_server(&self, l: &mut Lines<'_>) {
        let now_ms = self.clock.now_ms();
        let uptime = (now_ms / 1000).saturating_sub(self.introspection.started_ms / 1000);
        l.header("Server");
        l.field("redis_version", "7.0.15");
        l.field("redis_git_sha1", "00000000");
        l.field("redis_git_dirty", 0);
        l.field(
            "redis_build_id",
            concat!("embedis-", env!("CARGO_PKG_VERSION")),
        );
        let mode = if self.config.cluster_enabled {
            "cluster"
        } else {
            "standalone"
        };
        l.field("redis_mode", mode);
        l.field("os", sysinfo::os_name());
        l.field("arch_bits", usize::BITS);
        l.field("monotonic_clock", "POSIX clock_gettime");
        l.field("multiplexing_api", "none");
        l.field("atomicvar_api", "none");
        l.field("gcc_version", "0.0.0");
        l.field("process_id", std::process::id());
        l.field("process_supervised", "no");
        l.field("run_id", &self.introspection.run_id);
        l.field("tcp_port", 0);
        l.field("server_time_usec", self.clock.now_us());
        l.field("uptime_in_seconds", uptime);
        l.field("uptime_in_days", uptime / 86_400);
        l.field("hz", self.config.hz);
        l.field("configured_hz", self.config.hz);
        l.field("lru_clock", crate::keys::lru_clock(now_ms));
        l.field("executable", "");
        l.field("config_file", "");
        l.field("io_threads_active", 0);
    }

    fn info_memory(&self, l: &mut Lines<'_>) {
        let used = self.used_memory() as u64;
        let peak = self.used_memory_peak() as u64;
        let rss = sysinfo::process_rss();
        let system = sysinfo::total_system_memory();
        let overhead = self.memory_overhead();
        let startup = self.introspection.startup_memory;
        let dataset = used.saturating_sub(overhead);
        let net = if used > startup { used - startup } else { 1 };
        let frag = rss as f32 / used as f32;
        let frag_bytes = rss as i64 - used as i64;
        l.header("Memory");
        l.field("used_memory", used);
        l.field("used_memory_human", human(used));
        l.field("used_memory_rss", rss);
        l.field("used_memory_rss_human", human(rss));
        l.field("used_memory_peak", peak);
        l.field("used_memory_peak_human", human(peak));
        l.percent(
            "used_memory_peak_perc",
            used as f32 * 100.0 / peak.max(1) as f32,
        );
        l.field("used_memory_overhead", overhead);
        l.field("used_memory_startup", startup);
        l.field("used_memory_dataset", dataset);
        l.percent(
            "used_memory_dataset_perc",
            dataset as f32 * 100.0 / net as f32,
        );
        l.field("allocator_allocated", used);
        l.field("allocator_active", rss);
        l.field("allocator_resident", rss);
        l.field("total_system_memory", system);
        l.field("total_system_memory_human", human(system));
        l.zeros(&["used_memory_lua", "used_memory_vm_eval"]);
        l.field("used_memory_lua_human", "0B");
        l.zeros(&[
            "used_memory_scripts_eval",
            "number_of_cached_scripts",
            "number_of_functions",
            "number_of_libraries",
            "used_memory_vm_functions",
            "used_memory_vm_total",
        ]);
        l.field("used_memory_vm_total_human", "0B");
        l.field("used_memory_functions", 0);
        l.field("used_memory_scripts", 0);
        l.field("used_memory_scripts_human", "0B");
        l.field("maxmemory", self.config.maxmemory);
        l.field("maxmemory_human", human(self.config.maxmemory));
        l.field("maxmemory_policy", self.config.maxmemory_policy.as_str());
        l.ratio("allocator_frag_ratio", frag);
        l.field("allocator_frag_bytes", frag_bytes);
        l.ratio("allocator_rss_ratio", 1.0);
        l.field("allocator_rss_bytes", 0);
        l.ratio("rss_overhead_ratio", 1.0);
        l.field("rss_overhead_bytes", 0);
        l.ratio("mem_fragmentation_ratio", frag);
        l.field("mem_fragmentation_bytes", frag_bytes);
        l.zeros(&[
            "mem_not_counted_for_evict",
            "mem_replication_backlog",
            "mem_total_replication_buffers",
            "mem_clients_slaves",
            "mem_clients_normal",
            "mem_cluster_links",
            "mem_aof_buffer",
        ]);
        l.field("mem_allocator", "libc");
        l.zeros(&[
            "active_defrag_running",
            "lazyfree_pending_objects",
            "lazyfreed_objects",
        ]);
    }

    /// `used_memory_overhead`: startup memory plus the tables' overhead.
    fn memory_overhead(&self) -> u64 {
        let tables: usize = self
            .dbs
            .iter()
            .filter(|db| db.len() > 0)
            .map(|db| {
                let (main, expires, slots) = db.table_bytes();
                main + expires + slots
            })
            .sum();
        self.introspection.startup_memory + tables as u64
    }

    fn info_persistence(&self, l: &mut Lines<'_>) {
        l.header("Persistence");
        l.zeros(&[
            "loading",
            "async_loading",
            "current_cow_peak",
            "current_cow_size",
            "current_cow_size_age",
        ]);
        l.field("current_fork_perc", "0.00");
        l.field("current_save_keys_processed", 0);
        l.field("current_save_keys_total", 0);
        l.field("rdb_changes_since_last_save", self.stats.dirty);
        l.field("rdb_bgsave_in_progress", 0);
        l.field("rdb_last_save_time", self.introspection.started_ms / 1000);
        l.field("rdb_last_bgsave_status", "ok");
        l.field("rdb_last_bgsave_time_sec", -1);
        l.field("rdb_current_bgsave_time_sec", -1);
        l.zeros(&[
            "rdb_saves",
            "rdb_last_cow_size",
            "rdb_last_load_keys_expired",
            "rdb_last_load_keys_loaded",
            "aof_enabled",
            "aof_rewrite_in_progress",
            "aof_rewrite_scheduled",
        ]);
        l.field("aof_last_rewrite_time_sec", -1);
        l.field("aof_current_rewrite_time_sec", -1);
        l.field("aof_last_bgrewrite_status", "ok");
        l.field("aof_rewrites", 0);
        l.field("aof_rewrites_consecutive_failures", 0);
        l.field("aof_last_write_status", "ok");
        l.zeros(&[
            "aof_last_cow_size",
            "module_fork_in_progress",
            "module_fork_last_cow_size",
        ]);
    }

    fn info_stats(&self, l: &mut Lines<'_>) {
        let s = &self.stats;
        l.header("Stats");
        l.field(
            "total_connections_received",
            self.introspection.connections_received,
        );
        l.field("total_commands_processed", s.total_commands_processed);
        l.field(
            "instantaneous_ops_per_sec",
            self.introspection
                .ops
                .per_sec(std::time::Instant::now(), s.total_commands_processed),
        );
        l.zeros(&[
            "total_net_input_bytes",
            "total_net_output_bytes",
            "total_net_repl_input_bytes",
            "total_net_repl_output_bytes",
        ]);
        l.same(
            &[
                "instantaneous_input_kbps",
                "instantaneous_output_kbps",
                "instantaneous_input_repl_kbps",
                "instantaneous_output_repl_kbps",
            ],
            "0.00",
        );
        l.zeros(&[
            "rejected_connections",
            "sync_full",
            "sync_partial_ok",
            "sync_partial_err",
        ]);
        l.field("expired_keys", s.expired_keys);
        l.field("expired_stale_perc", "0.00");
        l.field("expired_time_cap_reached_count", 0);
        l.field("expire_cycle_cpu_milliseconds", 0);
        l.field("evicted_keys", s.evicted_keys);
        l.zeros(&[
            "evicted_clients",
            "total_eviction_exceeded_time",
            "current_eviction_exceeded_time",
        ]);
        l.field("keyspace_hits", s.keyspace_hits);
        l.field("keyspace_misses", s.keyspace_misses);
        l.same(&STATS_ZEROS_1, 0);
        l.field("total_error_replies", s.total_error_replies);
        l.same(&STATS_ZEROS_2, 0);
    }

    fn info_replication(&self, l: &mut Lines<'_>) {
        l.header("Replication");
        l.field("role", "master");
        l.field("connected_slaves", 0);
        l.field("master_failover_state", "no-failover");
        l.field("master_replid", &self.introspection.replid);
        l.field("master_replid2", "0".repeat(40));
        l.field("master_repl_offset", 0);
        l.field("second_repl_offset", -1);
        l.field("repl_backlog_active", 0);
        l.field("repl_backlog_size", 1_048_576);
        l.field("repl_backlog_first_byte_offset", 0);
        l.field("repl_backlog_histlen", 0);
    }

    fn info_commandstats(&self, l: &mut Lines<'_>) {
        l.header("Commandstats");
        for c in self.command_stats() {
            let per_call = if c.calls == 0 {
                0.0
            } else {
                c.usec as f32 / c.calls as f32
            };
            l.field(
                &format!("cmdstat_{}", safe_name(c.name.as_bytes())),
                format_args!(
                    "calls={},usec={},usec_per_call={per_call:.2},rejected_calls={},failed_calls={}",
                    c.calls, c.usec, c.rejected_calls, c.failed_calls
                ),
            );
        }
    }

    fn info_latencystats(&self, l: &mut Lines<'_>) {
        l.header("Latencystats");
        let mut rows: Vec<_> = self
            .introspection
            .commands
            .values()
            .filter_map(|(stats, h)| Some((&stats.name, h.as_ref()?)))
            .collect();
        rows.sort_by(|a, b| a.0.cmp(b.0));
        for (name, h) in rows {
            let values: Vec<String> = latency::PERCENTILES
                .iter()
                .map(|&(label, p)| format!("p{label}={:.3}", h.value_at(p) as f64 / 1000.0))
                .collect();
            l.field(
                &format!("latency_percentiles_usec_{}", safe_name(name.as_bytes())),
                values.join(","),
            );
        }
    }

    fn info_errorstats(&self, l: &mut Lines<'_>) {
        l.header("Errorstats");
        for (code, count) in &self.introspection.errors {
            l.field(
                &format!("errorstat_{}", safe_name(code)),
                format_args!("count={count}"),
            );
        }
    }

    fn info_keyspace(&self, l: &mut Lines<'_>) {
        l.header("Keyspace");
        for d in self.keyspace_stats() {
            l.field(
                &format!("db{}", d.db),
                format_args!(
                    "keys={},expires={},avg_ttl={}",
                    d.keys, d.expires, d.avg_ttl
                ),
            );
        }
    }
}

/// Stats fields between `keyspace_misses` and `total_error_replies`, all
/// zero in process (no pub/sub, forks, defrag, tracking or replicas yet).
const STATS_ZEROS_1: [&str; 17] = [
    "pubsub_channels",
    "pubsub_patterns",
    "pubsubshard_channels",
    "latest_fork_usec",
    "total_forks",
    "migrate_cached_sockets",
    "slave_expires_tracked_keys",
    "active_defrag_hits",
    "active_defrag_misses",
    "active_defrag_key_hits",
    "active_defrag_key_misses",
    "total_active_defrag_time",
    "current_active_defrag_time",
    "tracking_total_keys",
    "tracking_total_items",
    "tracking_total_prefixes",
    "unexpected_error_replies",
];

/// Stats fields after `total_error_replies`: no network, no I/O threads.
const STATS_ZEROS_2: [&str; 7] = [
    "dump_payload_sanitizations",
    "total_reads_processed",
    "total_writes_processed",
    "io_threaded_reads_processed",
    "io_threaded_writes_processed",
    "reply_buffer_shrinks",
    "reply_buffer_expands",
];

fn info_clients(l: &mut Lines<'_>) {
    l.header("Clients");
    // The host is the keyspace's one client (sessions are not connections).
    l.field("connected_clients", 1);
    l.field("cluster_connections", 0);
    l.field("maxclients", 10_000);
    l.zeros(&[
        "client_recent_max_input_buffer",
        "client_recent_max_output_buffer",
        "blocked_clients",
        "tracking_clients",
        "clients_in_timeout_table",
    ]);
}

fn info_cpu(l: &mut Lines<'_>) {
    let (own, children, thread) = sysinfo::cpu_times();
    l.header("CPU");
    let secs = |us: u64| format!("{}.{:06}", us / 1_000_000, us % 1_000_000);
    l.field("used_cpu_sys", secs(own.sys_us));
    l.field("used_cpu_user", secs(own.user_us));
    l.field("used_cpu_sys_children", secs(children.sys_us));
    l.field("used_cpu_user_children", secs(children.user_us));
    l.field("used_cpu_sys_main_thread", secs(thread.sys_us));
    l.field("used_cpu_user_main_thread", secs(thread.user_us));
}

/// Appends INFO lines to a string.
struct Lines<'a>(&'a mut String);

impl Lines<'_> {
    fn header(&mut self, title: &str) {
        let _ = write!(self.0, "# {title}\r\n");
    }

    fn field(&mut self, name: &str, value: impl std::fmt::Display) {
        let _ = write!(self.0, "{name}:{value}\r\n");
    }

    /// A `name:0` line for each of `names`.
    fn zeros(&mut self, names: &[&str]) {
        self.same(names, 0);
    }

    /// A `name:value` line for each of `names`, all with the same value.
    fn same(&mut self, names: &[&str], value: impl std::fmt::Display) {
        for name in names {
            self.field(name, &value);
        }
    }

    /// A `%.2f%%` field.
    fn percent(&mut self, name: &str, value: f32) {
        let _ = write!(self.0, "{name}:{value:.2}%\r\n");
    }

    /// A `%.2f` field.
    fn ratio(&mut self, name: &str, value: f32) {
        let _ = write!(self.0, "{name}:{value:.2}\r\n");
    }
}
