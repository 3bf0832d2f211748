//! The argv command layer (group `command`): what `Session::execute` costs
//! over the typed call it ends in, on the same 1M-key keyspace as
//! `string/get/embstr/1M`: `command/typed/get/1M` calls `Keyspace::get`,
//! `command/execute/get/1M` runs `GET key` through the command table, and
//! `command/resp/get/1M` also parses the RESP request and writes the RESP
//! reply, as a server would; `command/execute/multi-get-exec/1M` wraps
//! the GET in MULTI/EXEC.
//!
//! Run: `cargo bench --bench commands`.

// criterion_group!/criterion_main! generate undocumented items.
#![allow(missing_docs)]

mod common;

use std::hint::black_box;

use common::{PROBES, Probes, name};
use criterion::{Criterion, criterion_group, criterion_main};
use embedis::command::{Session, parse_request};
use embedis::{Keyspace, SetOptions};

const N: u64 = 1_000_000;
const VALUE: &[u8] = b"value-0123456789";

fn loaded() -> Keyspace {
    let mut ks = common::keyspace();
    let opts = SetOptions::default();
    for i in 0..N {
        ks.set(&name("key:", i), VALUE, &opts).unwrap();
    }
    ks
}

fn commands(c: &mut Criterion) {
    let mut g = c.benchmark_group("command");
    let mut state: Option<Keyspace> = None;
    let mut session = Session::new();
    let mut probes = Probes::new("key:", N, 1);
    let opts = SetOptions::default();
    g.bench_function("typed/get/1M", |b| {
        let ks = state.get_or_insert_with(loaded);
        b.iter(|| black_box(ks.get(probes.pick()).unwrap()));
    });
    g.bench_function("execute/get/1M", |b| {
        let ks = state.get_or_insert_with(loaded);
        b.iter(|| black_box(session.execute(ks, &[b"GET", probes.pick()])));
    });
    g.bench_function("typed/set/1M", |b| {
        let ks = state.get_or_insert_with(loaded);
        b.iter(|| black_box(ks.set(probes.pick(), VALUE, &opts).unwrap()));
    });
    g.bench_function("execute/set/1M", |b| {
        let ks = state.get_or_insert_with(loaded);
        b.iter(|| black_box(session.execute(ks, &[b"SET", probes.pick(), VALUE])));
    });
    g.bench_function("execute/multi-get-exec/1M", |b| {
        let ks = state.get_or_insert_with(loaded);
        session.execute(ks, &[b"MULTI"]);
        session.execute(ks, &[b"GET", b"key:1"]);
        let reply = session.execute(ks, &[b"EXEC"]).to_resp2();
        assert_eq!(reply, b"*1\r\n$16\r\nvalue-0123456789\r\n");
        b.iter(|| {
            session.execute(ks, &[b"MULTI"]);
            session.execute(ks, &[b"GET", probes.pick()]);
            black_box(session.execute(ks, &[b"EXEC"]))
        });
    });
    // RESP requests for the probe keys, encoded once.
    let mut rng = common::Rng::new(1);
    let requests: Vec<Vec<u8>> = (0..PROBES)
        .map(|_| {
            let k = name("key:", rng.below(N));
            let mut r = format!("*2\r\n$3\r\nGET\r\n${}\r\n", k.len()).into_bytes();
            r.extend_from_slice(&k);
            r.extend_from_slice(b"\r\n");
            r
        })
        .collect();
    let mut at = 0;
    let mut out = Vec::with_capacity(64);
    g.bench_function("resp/get/1M", |b| {
        let ks = state.get_or_insert_with(loaded);
        b.iter(|| {
            at = (at + 1) & (PROBES - 1);
            let (argv, _) = parse_request(&requests[at]).unwrap().unwrap();
            out.clear();
            session.execute_owned(ks, &argv).write_resp2(&mut out);
            black_box(out.len())
        });
    });
    let mut empty = common::keyspace();
    g.bench_function("execute/ping", |b| {
        b.iter(|| black_box(session.execute(&mut empty, &[b"PING"])));
    });
    g.finish();
}

criterion_group!(benches, commands);
criterion_main!(benches);
