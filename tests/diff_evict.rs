//! Differential tests of maxmemory and eviction against redis-server 7.0.15:
//! CONFIG GET/SET of every eviction setting, the OOM refusal, which commands
//! it applies to (the DENYOOM flags), OBJECT FREQ and IDLETIME.
//!
//! The oracle's `used_memory` starts near 1 MB while ours counts only the
//! data, so limits are either 0 or 1 byte with at least one key stored:
//! then both sides are over the limit and every reply compared is
//! determined.

mod common;

use common::Pair;
use embedis::command::{self, CommandSpec, flags};

const POLICIES: [&str; 8] = [
    "volatile-lru",
    "allkeys-lru",
    "volatile-lfu",
    "allkeys-lfu",
    "volatile-random",
    "allkeys-random",
    "volatile-ttl",
    "noeviction",
];

#[test]
fn config_get_set_of_every_eviction_setting() {
    let Some(mut p) = Pair::new() else { return };
    for policy in POLICIES {
        p.check(&format!("CONFIG SET maxmemory-policy {policy}"));
        p.check("CONFIG GET maxmemory-policy");
        p.check(&format!(
            "CONFIG SET maxmemory-policy {}",
            policy.to_uppercase()
        ));
        p.check("CONFIG GET maxmemory-policy");
    }
    for bad in ["lru", "allkeys-lru2", "\"\"", "volatile-lfu,noeviction"] {
        p.check(&format!("CONFIG SET maxmemory-policy {bad}"));
    }
    let numbers = [
        (
            "maxmemory",
            &[
                "0", "1", "100", "1k", "1kb", "3MB", "2gb", "-1", "x", "1.5", "0x10",
            ][..],
        ),
        (
            "maxmemory-samples",
            &[
                "1",
                "5",
                "10",
                "64",
                "65",
                "0",
                "-1",
                "2147483647",
                "2147483648",
                "a",
            ],
        ),
        (
            "maxmemory-eviction-tenacity",
            &["0", "10", "100", "101", "-1", "50x"],
        ),
        (
            "lfu-log-factor",
            &["0", "1", "10", "100", "2147483647", "2147483648", "-1"],
        ),
        (
            "lfu-decay-time",
            &["0", "1", "60", "2147483647", "-1", "1m"],
        ),
    ];
    for (name, values) in numbers {
        for value in values {
            p.check(&format!("CONFIG SET {name} {value}"));
            p.check(&format!("CONFIG GET {name}"));
        }
    }
    p.check("CONFIG SET maxmemory 0");
    p.check("CONFIG SET maxmemory-samples 7 lfu-log-factor 3 lfu-decay-time 2 maxmemory-eviction-tenacity 20");
    p.check_unordered(
        "CONFIG GET maxmemory maxmemory-policy maxmemory-samples maxmemory-eviction-tenacity",
    );
    p.check_unordered("CONFIG GET lfu-*");
    p.check("CONFIG SET maxmemory-samples 0 lfu-log-factor 4");
    p.check("CONFIG GET lfu-log-factor");
}

/// Our commands with their full names (`xgroup|create` for subcommands).
fn our_commands() -> Vec<(String, &'static CommandSpec)> {
    let mut out = Vec::new();
    for c in command::commands() {
        if c.subcommands.is_empty() {
            out.push((c.name.to_owned(), c));
        }
        for s in c.subcommands {
            out.push((format!("{}|{}", c.name, s.name), s));
        }
    }
    out
}

#[test]
fn denyoom_flags_match_the_oracle_command_table() {
    let Some(mut p) = Pair::new() else { return };
    let mut mismatches = Vec::new();
    for (name, spec) in our_commands() {
        let info = p.oracle.send(&[b"COMMAND", b"INFO", name.as_bytes()]);
        assert!(
            !info.starts_with(b"*1\r\n*-1") && !info.starts_with(b"*1\r\n$-1"),
            "the oracle has no command {name}"
        );
        let theirs = info.windows(10).any(|w| w == b"+denyoom\r\n");
        let ours = spec.flags & flags::DENYOOM != 0;
        if theirs != ours {
            mismatches.push(format!("{name}: ours {ours}, redis {theirs}"));
        }
    }
    assert!(mismatches.is_empty(), "{mismatches:#?}");
}

/// argv of the minimal arity for `name` (dummy arguments `k`).
fn dummy_argv(name: &str, spec: &CommandSpec) -> Vec<Vec<u8>> {
    let mut argv: Vec<Vec<u8>> = name.split('|').map(|s| s.as_bytes().to_vec()).collect();
    let want = spec.arity.unsigned_abs() as usize;
    while argv.len() < want {
        argv.push(b"k".to_vec());
    }
    argv
}

fn check_owned(p: &mut Pair, argv: &[Vec<u8>]) -> Vec<u8> {
    let refs: Vec<&[u8]> = argv.iter().map(Vec::as_slice).collect();
    let what = String::from_utf8_lossy(&argv.join(&b' ')).into_owned();
    p.check_argv(&refs, &what)
}

const OOM: &[u8] = b"-OOM command not allowed when used memory > 'maxmemory'.\r\n";

#[test]
fn noeviction_refuses_every_denyoom_command_before_parsing_it() {
    let Some(mut p) = Pair::new() else { return };
    p.check_all(&["SET a 1", "RPUSH l x y", "CONFIG SET maxmemory 1"]);
    for (name, spec) in our_commands() {
        if spec.flags & flags::DENYOOM != 0 {
            let reply = check_owned(&mut p, &dummy_argv(&name, spec));
            assert_eq!(reply, OOM, "{name}");
        }
    }
    // Arity and unknown commands are judged first; nothing changed.
    p.check_all(&[
        "SET k",
        "NOSUCH k",
        "XGROUP NOSUCH k",
        "DBSIZE",
        "GET a",
        "LRANGE l 0 -1",
        "EXISTS k",
    ]);
}

#[test]
fn noeviction_lets_reads_and_shrinking_writes_run() {
    let Some(mut p) = Pair::new() else { return };
    p.check_all(&[
        "SET a 1",
        "SET b 2",
        "RPUSH l x y z",
        "SADD s m n",
        "HSET h f v g w",
        "ZADD z 1 m 2 n",
        "CONFIG SET maxmemory 1",
        "SET c 3",
        "INCR a",
        "APPEND b x",
        "GET a",
        "MGET a b c",
        "EXPIRE a 100",
        "PERSIST a",
        "LPOP l",
        "RPOP l",
        "LRANGE l 0 -1",
        "SREM s m",
        "SPOP s",
        "HDEL h f",
        "HGETALL h",
        "ZPOPMIN z",
        "ZREM z n",
        "RENAME a a2",
        "GETDEL b",
        "SMOVE s s2 m",
        "DEL a2",
        "DBSIZE",
        "LPUSH l again",
        "FLUSHALL",
        "DBSIZE",
        "CONFIG SET maxmemory 0",
        "SET c 3",
        "GET c",
    ]);
}

#[test]
fn volatile_policies_evict_only_keys_with_a_ttl_then_refuse() {
    let Some(mut p) = Pair::new() else { return };
    for policy in [
        "volatile-lru",
        "volatile-lfu",
        "volatile-random",
        "volatile-ttl",
    ] {
        p.check_all(&[
            "FLUSHALL",
            &format!("CONFIG SET maxmemory-policy {policy}"),
            "SET a 1",
            "SET b 2",
            "SET t1 x EX 100",
            "SET t2 y PX 100000",
            "CONFIG SET maxmemory 1",
            // Both volatile keys go before the refusal; the others stay.
            "SET c 3",
            "DBSIZE",
            "EXISTS a b t1 t2",
            "LPUSH l x",
            "CONFIG SET maxmemory 0",
            "SET c 3",
            "DBSIZE",
        ]);
    }
}

#[test]
fn allkeys_policies_empty_the_keyspace_under_a_one_byte_limit() {
    let Some(mut p) = Pair::new() else { return };
    for policy in ["allkeys-lru", "allkeys-lfu", "allkeys-random"] {
        p.check_all(&[
            "FLUSHALL",
            "CONFIG SET maxmemory 0",
            &format!("CONFIG SET maxmemory-policy {policy}"),
            "SET a 1",
            "SELECT 5",
            "SET b 2",
            "SELECT 0",
            "HSET h f v",
            "CONFIG SET maxmemory 1",
            // Eviction runs before any command; every key goes.
            "DBSIZE",
            "SELECT 5",
            "DBSIZE",
            "SELECT 0",
            "GET a",
        ]);
    }
    p.check_all(&[
        "CONFIG SET maxmemory 0",
        "CONFIG SET maxmemory-policy noeviction",
    ]);
}

#[test]
fn object_freq_and_idletime_error_texts() {
    let Some(mut p) = Pair::new() else { return };
    p.check_all(&["SET k v", "OBJECT FREQ k", "OBJECT FREQ nokey"]);
    for policy in POLICIES {
        p.check_all(&[
            &format!("CONFIG SET maxmemory-policy {policy}"),
            "OBJECT FREQ k",
            "OBJECT FREQ nokey",
            "OBJECT IDLETIME nokey",
            "OBJECT FREQ",
            "OBJECT IDLETIME",
            "OBJECT FREQ k extra",
        ]);
        if policy.ends_with("lfu") {
            p.check("OBJECT IDLETIME k");
        } else {
            // The idle time itself (0 or 1 s) is compared below.
            p.check("OBJECT FREQ k");
        }
    }
    p.check("CONFIG SET maxmemory-policy noeviction");
    p.check("SET fresh v");
    let (want, got) = p.both(&[b"OBJECT", b"IDLETIME", b"fresh"]);
    for reply in [&want, &got] {
        assert!(reply == b":0\r\n" || reply == b":1\r\n", "{reply:?}");
    }
}

/// With `lfu-log-factor 0` every access increments the counter and with
/// `lfu-decay-time 0` nothing decays, so OBJECT FREQ counts exactly which
/// commands touch a key. (A limit is set so that Redis does not share
/// small integers between keys, which would share their counter too.)
#[test]
fn object_freq_counts_the_accesses_of_each_command() {
    let Some(mut p) = Pair::new() else { return };
    p.check_all(&[
        "CONFIG SET maxmemory 1gb",
        "CONFIG SET maxmemory-policy allkeys-lfu",
        "CONFIG SET lfu-log-factor 0",
        "CONFIG SET lfu-decay-time 0",
    ]);
    let steps: &[&[&str]] = &[
        &["SET s v", "OBJECT FREQ s"],
        &["GET s", "GET s", "OBJECT FREQ s"],
        &["SET s w", "OBJECT FREQ s"],
        &["SET s w GET", "OBJECT FREQ s"],
        &["APPEND s x", "STRLEN s", "GETRANGE s 0 1", "OBJECT FREQ s"],
        &["TYPE s", "EXISTS s", "TTL s", "PTTL s", "OBJECT FREQ s"],
        &["TOUCH s", "OBJECT FREQ s"],
        &["EXPIRE s 100", "PERSIST s", "OBJECT FREQ s"],
        &["INCR n", "INCR n", "INCRBY n 5", "OBJECT FREQ n"],
        &["MSET n 1 s 2", "OBJECT FREQ n", "OBJECT FREQ s"],
        &["MGET n s nokey", "OBJECT FREQ n"],
        &["RPUSH l a b c", "LRANGE l 0 -1", "LLEN l", "OBJECT FREQ l"],
        &["LPOP l", "LINDEX l 0", "OBJECT FREQ l"],
        &[
            "HSET h f v",
            "HGET h f",
            "HGETALL h",
            "HINCRBY h n 1",
            "OBJECT FREQ h",
        ],
        &[
            "SADD st a b",
            "SISMEMBER st a",
            "SCARD st",
            "OBJECT FREQ st",
        ],
        &[
            "ZADD z 1 a",
            "ZSCORE z a",
            "ZRANGE z 0 -1",
            "ZINCRBY z 1 a",
            "OBJECT FREQ z",
        ],
        &["SETBIT b 7 1", "GETBIT b 7", "BITCOUNT b", "OBJECT FREQ b"],
        &["PFADD p a", "PFCOUNT p", "OBJECT FREQ p"],
        &["XADD x 1-1 f v", "XLEN x", "XRANGE x - +", "OBJECT FREQ x"],
        &["RENAME s s2", "OBJECT FREQ s2"],
        &["COPY s2 s3", "OBJECT FREQ s2", "OBJECT FREQ s3"],
        &["SUNIONSTORE st2 st", "OBJECT FREQ st", "OBJECT FREQ st2"],
        &["OBJECT ENCODING s2", "OBJECT FREQ s2", "OBJECT IDLETIME s2"],
    ];
    for step in steps {
        p.check_all(step);
    }
    // 250 reads saturate the counter at 255.
    for _ in 0..260 {
        p.check("GET n");
    }
    p.check("OBJECT FREQ n");
    p.check_all(&[
        "CONFIG SET lfu-log-factor 10",
        "CONFIG SET lfu-decay-time 1",
        "CONFIG SET maxmemory-policy noeviction",
        "CONFIG SET maxmemory 0",
    ]);
}
