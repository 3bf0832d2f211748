//! The process and machine figures INFO shows, read from `/proc` where the
//! operating system has one (Linux); elsewhere they read as zero or empty.
//! These describe the whole host process, not the keyspace alone.

use std::sync::OnceLock;

/// Clock ticks per second of `/proc/*/stat` times (`USER_HZ`, 100 on every
/// Linux architecture in use).
const TICKS_PER_SEC: u64 = 100;

/// `uname -srm` as Redis prints it in `os:` (e.g. `Linux 6.1.0 x86_64`).
pub(super) fn os_name() -> &'static str {
    static OS: OnceLock<String> = OnceLock::new();
    OS.get_or_init(|| {
        let read = |path: &str| {
            std::fs::read_to_string(path)
                .map(|s| s.trim().to_owned())
                .ok()
        };
        match (
            read("/proc/sys/kernel/ostype"),
            read("/proc/sys/kernel/osrelease"),
        ) {
            (Some(name), Some(release)) => format!("{name} {release} {}", std::env::consts::ARCH),
            _ => format!("{} {}", std::env::consts::OS, std::env::consts::ARCH),
        }
    })
}

/// A `Name:   <n> kB` line of a `/proc` status file, in bytes.
fn kb_field(path: &str, name: &str) -> u64 {
    let Ok(text) = std::fs::read_to_string(path) else {
        return 0;
    };
    text.lines()
        .find_map(|line| {
            let rest = line.strip_prefix(name)?.strip_prefix(':')?;
            let kb: u64 = rest.trim().trim_end_matches("kB").trim().parse().ok()?;
            Some(kb * 1024)
        })
        .unwrap_or(0)
}

/// The host process's resident set size in bytes.
pub(super) fn process_rss() -> u64 {
    kb_field("/proc/self/status", "VmRSS")
}

/// The machine's physical memory in bytes.
pub(super) fn total_system_memory() -> u64 {
    static TOTAL: OnceLock<u64> = OnceLock::new();
    *TOTAL.get_or_init(|| kb_field("/proc/meminfo", "MemTotal"))
}

/// CPU time in microseconds: (system, user).
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct CpuTime {
    pub(super) sys_us: u64,
    pub(super) user_us: u64,
}

/// CPU times of the process, of its waited-for children, and of the
/// calling thread, from `/proc/self/stat` and `/proc/thread-self/stat`.
pub(super) fn cpu_times() -> (CpuTime, CpuTime, CpuTime) {
    let fields = |path: &str| -> Vec<u64> {
        let Ok(text) = std::fs::read_to_string(path) else {
            return Vec::new();
        };
        // Fields after the parenthesised command name start at field 3.
        let after = text.rfind(')').map_or("", |i| &text[i + 1..]);
        after
            .split_whitespace()
            .map(|f| f.parse().unwrap_or(0))
            .collect()
    };
    let at = |v: &[u64], field: usize| {
        v.get(field - 3).copied().unwrap_or(0) * 1_000_000 / TICKS_PER_SEC
    };
    // The thread first: the process total read after it cannot be smaller.
    let thread = fields("/proc/thread-self/stat");
    let own = fields("/proc/self/stat");
    (
        CpuTime {
            sys_us: at(&own, 15),
            user_us: at(&own, 14),
        },
        CpuTime {
            sys_us: at(&own, 17),
            user_us: at(&own, 16),
        },
        CpuTime {
            sys_us: at(&thread, 15),
            user_us: at(&thread, 14),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proc_figures_are_plausible_on_linux() {
        if !std::path::Path::new("/proc/self/status").exists() {
            return;
        }
        assert!(process_rss() > 0);
        assert!(total_system_memory() >= process_rss());
        assert!(os_name().starts_with("Linux "));
        let (own, _, thread) = cpu_times();
        assert!(thread.user_us <= own.user_us && thread.sys_us <= own.sys_us);
    }
}
