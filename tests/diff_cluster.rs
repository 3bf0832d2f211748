//! CLUSTER commands and cluster-mode key checks against the oracle, with and
//! without `cluster-enabled`.
//!
//! The cluster-mode oracle is a single node that owns every slot
//! (`CLUSTER ADDSLOTSRANGE 0 16383`), which is what an embedded keyspace is.
//! Redis lists GETKEYSINSLOT keys newest first, embedis in byte order, so those
//! replies are compared as sets, and by length when `count` cuts the slot short.

mod common;

use std::time::{Duration, Instant};

use common::Pair;
use embedis::Config;

/// Every CLUSTER subcommand with an argv of valid arity.
const SUBCOMMANDS: &[&str] = &[
    "ADDSLOTS 1",
    "ADDSLOTSRANGE 1 2",
    "BUMPEPOCH",
    "COUNT-FAILURE-REPORTS abc",
    "COUNTKEYSINSLOT 1",
    "DELSLOTS 1",
    "DELSLOTSRANGE 1 2",
    "FAILOVER",
    "FLUSHSLOTS",
    "FORGET abc",
    "GETKEYSINSLOT 1 1",
    "HELP",
    "INFO",
    "KEYSLOT k",
    "LINKS",
    "MEET 127.0.0.1 1",
    "MYID",
    "NODES",
    "REPLICAS abc",
    "REPLICATE abc",
    "RESET",
    "SAVECONFIG",
    "SET-CONFIG-EPOCH 1",
    "SETSLOT 1 STABLE",
    "SHARDS",
    "SLAVES abc",
    "SLOTS",
];

/// Argument-count errors and unknown subcommands (the same in both modes).
const ARITY: &[&str] = &[
    "CLUSTER",
    "CLUSTER NOSUCH",
    "CLUSTER KEYSLOT",
    "CLUSTER KEYSLOT a b",
    "CLUSTER COUNTKEYSINSLOT",
    "CLUSTER GETKEYSINSLOT 1",
    "CLUSTER GETKEYSINSLOT 1 2 3",
    "CLUSTER HELP x",
    "CLUSTER INFO x",
    "CLUSTER ADDSLOTS",
    "CLUSTER ADDSLOTSRANGE 1",
    "CLUSTER MEET a",
    "CLUSTER SETSLOT 1",
    "READONLY x",
    "READWRITE x",
    "ASKING x",
];

#[test]
fn cluster_disabled() {
    let Some(mut p) = Pair::new() else { return };
    for sub in SUBCOMMANDS {
        p.check(&format!("CLUSTER {sub}"));
        p.check(&format!("cluster {}", sub.to_ascii_lowercase()));
    }
    p.check_all(ARITY);
    p.check_all(&[
        "READONLY",
        "READWRITE",
        "ASKING",
        "CLUSTER KEYSLOT foo",
        "CLUSTER COUNTKEYSINSLOT x",
        // Without cluster mode keys may span slots.
        "SET a 1",
        "SET b 2",
        "SELECT 1",
        "SELECT 0",
    ]);
}

/// A pair whose oracle runs in cluster mode owning every slot.
fn cluster_pair() -> Option<(Pair, std::path::PathBuf)> {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let dir = std::env::temp_dir().join(format!("embedis-cluster-{}-{nanos}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let nodes = dir.join("nodes.conf");
    let mut config = Config::default();
    config.cluster_enabled = true;
    let extra = [
        "--cluster-enabled",
        "yes",
        "--cluster-config-file",
        nodes.to_str().unwrap(),
    ];
    let mut p = Pair::with(&extra, config)?;
    assert_eq!(
        p.oracle
            .send(&[b"CLUSTER", b"ADDSLOTSRANGE", b"0", b"16383"]),
        b"+OK\r\n"
    );
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let info = p.oracle.send(&[b"CLUSTER", b"INFO"]);
        if String::from_utf8_lossy(&info).contains("cluster_state:ok") {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "oracle cluster never reached cluster_state:ok"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    Some((p, dir))
}

#[test]
fn cluster_enabled_slot_queries() {
    let Some((mut p, dir)) = cluster_pair() else {
        return;
    };
    p.check_all(ARITY);
    p.check_all(&[
        "READONLY",
        "READWRITE",
        "ASKING",
        "CLUSTER HELP",
        "cluster help",
    ]);
    for key in [
        "foo",
        "bar",
        "",
        "{user1000}.following",
        "foo{}{bar}",
        "foo{{bar}}zap",
        "{}",
        "a{b}c{d}",
        "}{x}",
    ] {
        p.check_argv(&[b"CLUSTER", b"KEYSLOT", key.as_bytes()], key);
    }
    p.check_argv(&[b"CLUSTER", b"KEYSLOT", b"\x00\xff{\x01}"], "binary key");
    p.check_all(&[
        "CLUSTER COUNTKEYSINSLOT 0",
        "CLUSTER COUNTKEYSINSLOT 16383",
        "CLUSTER COUNTKEYSINSLOT 16384",
        "CLUSTER COUNTKEYSINSLOT -1",
        "CLUSTER COUNTKEYSINSLOT x",
        "CLUSTER COUNTKEYSINSLOT 1.5",
        "CLUSTER COUNTKEYSINSLOT 99999999999999999999",
        "CLUSTER GETKEYSINSLOT 0 0",
        "CLUSTER GETKEYSINSLOT 0 10",
        "CLUSTER GETKEYSINSLOT 16384 1",
        "CLUSTER GETKEYSINSLOT -1 1",
        "CLUSTER GETKEYSINSLOT 1 -1",
        "CLUSTER GETKEYSINSLOT x 1",
        "CLUSTER GETKEYSINSLOT 1 x",
        "CLUSTER GETKEYSINSLOT x -1",
        "CLUSTER GETKEYSINSLOT 16384 x",
        "CLUSTER GETKEYSINSLOT 99999 -5",
    ]);
    // Fill a few slots: many keys under one tag, and scattered keys.
    for i in 0..40 {
        p.check(&format!("SET {{tag}}k{i} v"));
        p.check(&format!("SET key:{i} v"));
    }
    p.check_all(&["SET foo 1", "SET {foo}2 1", "SET foo{}{bar} 1"]);
    let slots: Vec<u16> = ["tag", "foo", "foo{}{bar}", "key:7", "key:13", "nokeyhere"]
        .iter()
        .map(|k| embedis::key_hash_slot(k.as_bytes()))
        .collect();
    for slot in slots {
        p.check(&format!("CLUSTER COUNTKEYSINSLOT {slot}"));
        p.check_unordered(&format!("CLUSTER GETKEYSINSLOT {slot} 1000"));
        p.check_unordered(&format!("CLUSTER GETKEYSINSLOT {slot} 0"));
        let (want, got) = p.both(&[
            b"CLUSTER",
            b"GETKEYSINSLOT",
            slot.to_string().as_bytes(),
            b"3",
        ]);
        assert_eq!(
            common::sorted_elements(&got).len(),
            common::sorted_elements(&want).len(),
            "slot {slot}"
        );
        assert_eq!(
            got.split(|&b| b == b'\n').next(),
            want.split(|&b| b == b'\n').next(),
            "slot {slot}"
        );
    }
    // Writes that add, move and remove keys keep the slot index right.
    let tag = embedis::key_hash_slot(b"tag");
    for line in [
        "DEL {tag}k1 {tag}k2 {tag}nosuch",
        "RENAME {tag}k3 {tag}renamed",
        "RENAME {tag}k4 {tag}k5",
        "COPY {tag}k6 {tag}copy",
        "UNLINK {tag}k7",
        "EXPIRE {tag}k8 100",
        "PERSIST {tag}k8",
        "SET {tag}k9 v PX 1",
    ] {
        let name = line.split(' ').next().unwrap();
        if embedis::command::lookup(name.as_bytes()).is_some() {
            p.check(line);
        }
    }
    std::thread::sleep(Duration::from_millis(5));
    p.check("GET {tag}k9");
    p.check(&format!("CLUSTER COUNTKEYSINSLOT {tag}"));
    p.check_unordered(&format!("CLUSTER GETKEYSINSLOT {tag} 1000"));
    p.check("FLUSHALL");
    p.check("CLUSTER COUNTKEYSINSLOT 12182");
    p.check(&format!("CLUSTER COUNTKEYSINSLOT {tag}"));
    drop(p);
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn cluster_enabled_crossslot_and_select() {
    let Some((mut p, dir)) = cluster_pair() else {
        return;
    };
    p.check_all(&[
        "SET a 1",
        "GET a",
        "SET {a}x 1",
        "GET {a}x",
        "SELECT 0",
        "SELECT 1",
        "SELECT -1",
        "SELECT 16",
        "SELECT x",
        "DBSIZE",
        "CONFIG GET cluster-enabled",
        "CONFIG SET cluster-enabled no",
        "CONFIG GET databases",
        // Commands that reach other databases are refused in cluster mode.
        "SWAPDB 0 1",
        "SWAPDB 0 0",
        "SWAPDB x 1",
        "MOVE a 1",
        "MOVE a 0",
        "MOVE a x",
        "MOVE nosuch 1",
        "COPY a {a}b DB 0",
        "COPY a {a}c DB 1",
        "COPY a {a}c DB x",
        "COPY nosuch {nosuch}c DB 1",
        "FLUSHDB",
        "DBSIZE",
    ]);
    // Multi-key commands: keys in one slot run, keys across slots are refused
    // before the command looks at its arguments. Commands still being written
    // are checked once they are in the table.
    for line in MULTI_KEY {
        let name = line.split(' ').next().unwrap();
        if embedis::command::lookup(name.as_bytes()).is_none() {
            eprintln!("diff_cluster: {name} not implemented yet, `{line}` skipped");
            continue;
        }
        p.check(line);
    }
    drop(p);
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn cluster_enabled_transactions() {
    if embedis::command::lookup(b"multi").is_none() {
        eprintln!("diff_cluster: MULTI not implemented yet, transactions skipped");
        return;
    }
    let Some((mut p, dir)) = cluster_pair() else {
        return;
    };
    p.check_all(&[
        // EXEC checks the keys of every queued command together.
        "MULTI",
        "SET a 1",
        "SET b 2",
        "EXEC",
        "GET a",
        "MULTI",
        "SET {a}1 1",
        "GET {a}2",
        "EXEC",
        // A cross-slot command is refused when queued and aborts EXEC.
        "MULTI",
        "MSET a 1 b 2",
        "EXEC",
        "MULTI",
        "EXEC",
        "MULTI",
        "PING",
        "SET a 1",
        "EXEC",
        // WATCHed keys are not part of the slot check.
        "WATCH a",
        "MULTI",
        "GET b",
        "EXEC",
        "MULTI",
        "SELECT 1",
        "EXEC",
    ]);
    drop(p);
    std::fs::remove_dir_all(dir).ok();
}

/// Multi-key command lines: same-slot (hash tag `{a}`) and cross-slot forms,
/// with malformed ones whose key positions depend on their arguments.
const MULTI_KEY: &[&str] = &[
    "MSET a 1 b 2",
    "MSET {a}1 1 {a}2 2",
    "MSET a 1 b",
    "MSET {a}1 1 {a}2",
    "MSETNX a 1 b 2",
    "MSETNX {a}3 1 {a}4 2",
    "MGET a b",
    "MGET {a}1 {a}2 a",
    "LCS a b",
    "LCS {a}1 {a}2",
    "BITOP AND a b c",
    "BITOP OR {a}d {a}1 {a}2",
    "BITOP NOT {a}d b",
    "DEL a b",
    "DEL {a}1 {a}2",
    "UNLINK a b",
    "UNLINK {a}3 {a}4",
    "EXISTS a b c",
    "EXISTS {a}1 {a}2",
    "TOUCH a b",
    "TOUCH {a}1 a",
    "RENAME a b",
    "RENAME {a}x {a}y",
    "RENAME nosuch{b} b",
    "RENAMENX a b",
    "RENAMENX {a}y {a}z",
    "COPY a b",
    "COPY {a}z {a}w",
    "COPY a b DB 0",
    "SORT a STORE b",
    "SORT {a}l STORE {a}m",
    "RPOPLPUSH a b",
    "RPOPLPUSH {a}l {a}m",
    "LMOVE a b LEFT RIGHT",
    "LMOVE {a}l {a}m LEFT RIGHT",
    "BLPOP a b 0",
    "BRPOP a b 0",
    "BLMOVE a b LEFT RIGHT 0",
    "BRPOPLPUSH a b 0",
    "LMPOP 2 a b LEFT",
    "LMPOP 2 {a}l {a}m LEFT",
    "LMPOP 3 a b LEFT",
    "LMPOP 1 a b LEFT",
    "BLMPOP 0 2 a b LEFT",
    "SMOVE a b m",
    "SMOVE {a}s {a}t m",
    "SINTER a b",
    "SINTER {a}s {a}t",
    "SINTERSTORE d a b",
    "SINTERSTORE {a}d {a}s {a}t",
    "SINTERCARD 2 a b",
    "SINTERCARD 2 {a}s {a}t",
    "SINTERCARD 3 a b",
    "SUNION a b",
    "SUNIONSTORE d a b",
    "SDIFF a b",
    "SDIFFSTORE d a b",
    "SDIFFSTORE {a}d {a}s",
    "ZUNIONSTORE d 2 a b",
    "ZUNIONSTORE {a}d 2 {a}z {a}y",
    "ZUNIONSTORE {a}d 1 {a}z b",
    "ZUNIONSTORE d 3 a b",
    "ZUNIONSTORE d 0 a",
    "ZUNIONSTORE d x a",
    "ZUNIONSTORE {a}d 2x {a}z {a}y",
    "ZUNIONSTORE d 2x a b",
    "ZUNION \" 2\" a b",
    "ZUNION +2 a b",
    "ZUNION 2abc a b",
    "ZUNION 4294967298 a b",
    "ZUNION 99999999999999999999 a b",
    "ZUNION -1 a b",
    "ZINTERCARD 3 a b",
    "LMPOP 4 a b LEFT",
    "LMPOP 2x a b LEFT",
    "BLMPOP 0 3 a b LEFT",
    "BZMPOP 0 3 a b MIN",
    "ZMPOP 3 a b MIN",
    "ZINTERSTORE d 2 a b",
    "ZDIFFSTORE d 2 a b",
    "ZUNION 2 a b",
    "ZUNION 2 {a}z {a}y",
    "ZINTER 2 a b",
    "ZDIFF 2 a b",
    "ZINTERCARD 2 a b",
    "ZRANGESTORE a b 0 -1",
    "ZRANGESTORE {a}d {a}z 0 -1",
    "BZPOPMIN a b 0",
    "BZPOPMAX a b 0",
    "ZMPOP 2 a b MIN",
    "ZMPOP 2 {a}z {a}y MIN",
    "BZMPOP 0 2 a b MIN",
    "PFCOUNT a b",
    "PFCOUNT {a}h {a}i",
    "PFMERGE a b",
    "PFMERGE {a}h {a}i",
    "XREAD STREAMS a b 0 0",
    "XREAD STREAMS {a}x {a}y 0 0",
    "XREAD COUNT 1 STREAMS a b 0",
    "XREADGROUP GROUP g c STREAMS a b > >",
    "GEORADIUS a 0 0 1 km STORE b",
    "GEOSEARCHSTORE a b FROMLONLAT 0 0 BYRADIUS 1 km",
    "WATCH a b",
    "WATCH {a}1 {a}2",
    "EVAL \"return 1\" 2 a b",
    "EVAL \"return 1\" 2 {a}1 {a}2",
    "OBJECT ENCODING a",
    "GET {a}1",
];
