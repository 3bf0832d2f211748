//! Runs the fuzz target bodies of `embedis::fuzzing` on stable: over the
//! hand-written seed corpus in `fuzz/seeds/<target>/`, then over a few
//! thousand inputs from a seeded random generator (structured commands from
//! the command table and a pool of awkward tokens, then mutated bytes).
//! A panic in a body is a bug; the failing input is printed so it can be
//! added to the seeds.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;

use embedis::command::commands;
use embedis::fuzzing::{command_argv, command_bytes, encode_multibulk, resp_request};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

/// Random inputs per body in the smoke loop.
const SMOKE_CASES: usize = 4_000;

fn seeds(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/seeds")
        .join(target);
    let mut out: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("seed dir {}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect();
    out.sort();
    assert!(out.len() >= 5, "too few seeds in {}", dir.display());
    out
}

/// Runs `body` on `input`, turning a panic into a failure that shows the input.
fn run(body: fn(&[u8]), name: &str, input: &[u8]) {
    if catch_unwind(AssertUnwindSafe(|| body(input))).is_err() {
        panic!(
            "{name} panicked on input {:?}",
            String::from_utf8_lossy(input)
        );
    }
}

#[test]
fn seed_corpus_command_bytes() {
    for (name, data) in seeds("command_bytes") {
        run(command_bytes, &name, &data);
        run(resp_request, &name, &data);
        // Every prefix too: partial requests at each cut point.
        for cut in 0..data.len() {
            run(command_bytes, &name, &data[..cut]);
        }
    }
}

#[test]
fn seed_corpus_command_argv() {
    for (name, data) in seeds("command_argv") {
        run(command_argv, &name, &data);
    }
}

const TOKENS: &[&[u8]] = &[
    b"k",
    b"k",
    b"j",
    b"n",
    b"",
    b"v",
    b"0",
    b"-0",
    b"+1",
    b" 1",
    b"1 ",
    b"01",
    b"-1",
    b"1",
    b"10",
    b"15",
    b"16",
    b"9223372036854775807",
    b"-9223372036854775808",
    b"9223372036854775808",
    b"-9223372036854775809",
    b"18446744073709551616",
    b"1e3",
    b"3.5",
    b"-3.5e-2",
    b"inf",
    b"-inf",
    b"nan",
    b"0x10",
    b"\x00",
    b"a\x00b",
    b"\xff\xfe",
    b"\r\n",
    b"\"",
    b"'",
    b"NX",
    b"XX",
    b"GET",
    b"EX",
    b"PX",
    b"EXAT",
    b"PXAT",
    b"KEEPTTL",
    b"PERSIST",
    b"GT",
    b"LT",
    b"SYNC",
    b"ASYNC",
    b"*",
    b"536870911",
    b"536870912",
    b"4294967295",
    b"1048576",
    b"1700000000",
    b"1700000000000",
    b"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
];

fn token(rng: &mut SmallRng) -> Vec<u8> {
    if rng.random_range(0..8) == 0 {
        let len = rng.random_range(0..6);
        return (0..len).map(|_| rng.random()).collect();
    }
    TOKENS[rng.random_range(0..TOKENS.len())].to_vec()
}

/// A command from the table (or, rarely, a made-up name) with 0-5 arguments.
fn random_argv(rng: &mut SmallRng) -> Vec<Vec<u8>> {
    let table: Vec<_> = commands().collect();
    let spec = table[rng.random_range(0..table.len())];
    let mut name = spec.name.as_bytes().to_vec();
    if rng.random_range(0..2) == 0 {
        name.make_ascii_uppercase();
    }
    if rng.random_range(0..30) == 0 {
        name = token(rng);
    }
    let mut argv = vec![name];
    if !spec.subcommands.is_empty() && rng.random_range(0..8) != 0 {
        argv.push(
            spec.subcommands[rng.random_range(0..spec.subcommands.len())]
                .name
                .into(),
        );
    }
    let extra = rng.random_range(0..6);
    argv.extend((0..extra).map(|_| token(rng)));
    argv
}

/// An inline request line for `argv`, quoting every argument.
fn inline(argv: &[Vec<u8>]) -> Vec<u8> {
    let mut out = Vec::new();
    for a in argv {
        out.push(b'"');
        for &b in a {
            if b.is_ascii_alphanumeric() {
                out.push(b);
            } else {
                out.extend_from_slice(format!("\\x{b:02x}").as_bytes());
            }
        }
        out.extend_from_slice(b"\" ");
    }
    out.extend_from_slice(b"\r\n");
    out
}

fn mutate(rng: &mut SmallRng, data: &mut Vec<u8>) {
    for _ in 0..rng.random_range(0..4) {
        if data.is_empty() {
            return;
        }
        let i = rng.random_range(0..data.len());
        match rng.random_range(0..4) {
            0 => data[i] = rng.random(),
            1 => data.truncate(i),
            2 => {
                data.remove(i);
            }
            _ => {
                let special = b"\r\n*$0-9 \"'\\";
                data.insert(i, special[rng.random_range(0..special.len())]);
            }
        }
    }
}

#[test]
fn smoke_command_bytes() {
    let mut rng = SmallRng::seed_from_u64(0x5eed_0001);
    for _ in 0..SMOKE_CASES {
        let mut data = Vec::new();
        for _ in 0..rng.random_range(1..8) {
            let argv = random_argv(&mut rng);
            if rng.random_range(0..3) == 0 {
                data.extend(inline(&argv));
            } else {
                data.extend(encode_multibulk(&argv));
            }
        }
        if rng.random_range(0..3) == 0 {
            mutate(&mut rng, &mut data);
        }
        run(command_bytes, "smoke", &data);
        run(resp_request, "smoke", &data);
    }
}

#[test]
fn smoke_command_argv() {
    let mut rng = SmallRng::seed_from_u64(0x5eed_0002);
    for _ in 0..SMOKE_CASES {
        let sep = 0xfe;
        let mut data = vec![sep];
        for _ in 0..rng.random_range(1..8) {
            for a in random_argv(&mut rng) {
                data.extend(a.iter().map(|&b| if b == sep { b'?' } else { b }));
                if a.is_empty() {
                    data.push(b'e');
                }
                data.push(sep);
            }
            data.push(sep);
        }
        if rng.random_range(0..4) == 0 {
            mutate(&mut rng, &mut data);
        }
        run(command_argv, "smoke", &data);
    }
}

#[test]
fn random_bytes_never_panic() {
    let mut rng = SmallRng::seed_from_u64(0x5eed_0003);
    for _ in 0..SMOKE_CASES {
        let len = rng.random_range(0..64);
        let data: Vec<u8> = (0..len).map(|_| rng.random()).collect();
        run(command_bytes, "random", &data);
        run(resp_request, "random", &data);
        run(command_argv, "random", &data);
    }
}

/// Values the sweep gives key `k` before running each command.
fn key_states() -> Vec<Vec<Vec<u8>>> {
    let states: &[&[&str]] = &[
        &[],
        &["SET", "k", "1"],
        &["SET", "k", "hello world"],
        &["RPUSH", "k", "a", "1", "b"],
        &["HSET", "k", "f", "1", "g", "v"],
        &["SADD", "k", "1", "2", "a"],
        &["ZADD", "k", "1", "a", "2", "b"],
        &["PFADD", "k", "a", "b"],
        &["XADD", "k", "1-1", "f", "v"],
    ];
    states
        .iter()
        .map(|s| s.iter().map(|a| a.as_bytes().to_vec()).collect())
        .collect()
}

/// Every command (and subcommand) with every token at every position of
/// argument lists of 1 to 4 arguments (the rest `k`), on each kind of
/// value: a systematic net for panics on odd arguments, which random
/// sampling can miss.
#[test]
fn every_command_with_each_token() {
    use embedis::fuzzing::Harness;
    let mut names: Vec<Vec<Vec<u8>>> = Vec::new();
    for spec in commands() {
        names.push(vec![spec.name.as_bytes().to_vec()]);
        for sub in spec.subcommands {
            names.push(vec![
                spec.name.as_bytes().to_vec(),
                sub.name.as_bytes().to_vec(),
            ]);
        }
    }
    for state in key_states() {
        let mut h = Harness::new();
        for prefix in &names {
            if prefix[0].eq_ignore_ascii_case(b"flushall")
                || prefix[0].eq_ignore_ascii_case(b"flushdb")
            {
                continue;
            }
            for n in 1..=4 {
                for pos in 0..n {
                    for token in TOKENS {
                        if !state.is_empty() {
                            let setup: Vec<&[u8]> = state.iter().map(Vec::as_slice).collect();
                            h.run(&[b"DEL", b"k"]);
                            h.run(&setup);
                        }
                        let mut argv: Vec<&[u8]> = prefix.iter().map(Vec::as_slice).collect();
                        argv.extend((0..n).map(|i| if i == pos { *token } else { &b"k"[..] }));
                        if catch_unwind(AssertUnwindSafe(|| h.run(&argv))).is_err() {
                            panic!(
                                "panicked on {:?}",
                                argv.iter()
                                    .map(|a| String::from_utf8_lossy(a))
                                    .collect::<Vec<_>>()
                            );
                        }
                    }
                }
            }
        }
    }
}
