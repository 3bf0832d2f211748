//! Side-by-side benchmark of embedis, yo-kv, kevy-embedded and a
//! hand-written std baseline (and, from a file the redis script writes,
//! redis-server's in-server figures): identical workloads through each
//! engine's public API, one markdown table on stdout.
//!
//! ```text
//! cargo run --release -p compare -- [--quick] [--rounds N] [--repeat N] [--redis FILE] [--engine NAME ...] [FILTER ...]
//! ```
//!
//! `--repeat N` runs each workload's engines N times in passes that
//! alternate their order (first to last, then last to first) and reports
//! each cell's median over the passes: on a shared machine whose memory
//! speed drifts over tens of seconds, a slow phase then lands on every
//! engine's passes alike instead of on the one engine running in it.
//!
//! FILTER keeps the workloads whose id or title contains it
//! (case-insensitive); `--engine` (repeatable) runs only the named engines
//! (`embedis`, `yo-kv`, `kevy-embedded`, `std baseline`), e.g. under a
//! profiler. Progress goes to stderr.

#![deny(unsafe_code)]

#[allow(unsafe_code)]
mod alloc;
mod bench;
mod engine;
mod engines;
mod report;
mod workloads;

use std::time::Instant;

use bench::Cfg;
use engine::{Engine, R};
use engines::{embedis::Embedis, kevy::Kevy, std::Std, yo::Yo};

#[global_allocator]
static GLOBAL: alloc::Counting = alloc::Counting;

/// (name, version) of each engine, in column order.
pub(crate) const ENGINES: [(&str, &str); 4] = [
    (Embedis::NAME, Embedis::VERSION),
    (Yo::NAME, Yo::VERSION),
    (Kevy::NAME, Kevy::VERSION),
    (Std::NAME, Std::VERSION),
];

struct Args {
    quick: bool,
    rounds: Option<usize>,
    repeat: usize,
    redis: Option<String>,
    engines: Vec<String>,
    filters: Vec<String>,
}

fn parse_args() -> Result<Args, String> {
    let mut a = Args {
        quick: false,
        rounds: None,
        repeat: 1,
        redis: None,
        engines: Vec::new(),
        filters: Vec::new(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--quick" => a.quick = true,
            "--rounds" => {
                let n = it.next().and_then(|s| s.parse().ok()).filter(|&n| n > 0);
                a.rounds = Some(n.ok_or("--rounds needs a positive number")?);
            }
            "--repeat" => {
                let n = it.next().and_then(|s| s.parse().ok()).filter(|&n| n > 0);
                a.repeat = n.ok_or("--repeat needs a positive number")?;
            }
            "--redis" => a.redis = Some(it.next().ok_or("--redis needs a file")?),
            "--engine" => a.engines.push(it.next().ok_or("--engine needs a name")?),
            "-h" | "--help" => return Err(String::new()),
            s if s.starts_with('-') => return Err(format!("unknown option {s}")),
            s => a.filters.push(s.to_ascii_lowercase()),
        }
    }
    Ok(a)
}

fn main() {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            if !e.is_empty() {
                eprintln!("compare: {e}");
            }
            eprintln!(
                "usage: compare [--quick] [--rounds N] [--repeat N] [--redis FILE] [--engine NAME ...] [FILTER ...]"
            );
            std::process::exit(2);
        }
    };
    let cfg = Cfg::new(args.quick, args.rounds);
    let redis = match args
        .redis
        .as_deref()
        .map(report::RedisFigures::load)
        .transpose()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("compare: {e}");
            std::process::exit(2);
        }
    };
    let chosen: Vec<_> = workloads::all()
        .into_iter()
        .filter(|w| {
            let hay = format!("{} {}", w.id, w.title).to_ascii_lowercase();
            args.filters.is_empty() || args.filters.iter().any(|f| hay.contains(f.as_str()))
        })
        .collect();
    let started = Instant::now();
    let mut results = Vec::with_capacity(chosen.len());
    for w in &chosen {
        // passes[e]: engine e's result in each pass.
        let mut passes: Vec<Vec<R<Vec<f64>>>> = (0..ENGINES.len()).map(|_| Vec::new()).collect();
        for pass in 0..args.repeat {
            let mut order: Vec<usize> = (0..ENGINES.len()).collect();
            if pass % 2 == 1 {
                order.reverse();
            }
            for e in order {
                let name = ENGINES[e].0;
                if !args.engines.is_empty() && !args.engines.iter().any(|n| n == name) {
                    passes[e].push(Err(engine::Miss::Lacks("not run")));
                    continue;
                }
                let t = Instant::now();
                let r = run_caught(w.run[e], &cfg);
                eprintln!(
                    "{:>7.1}s  {} / {name}: {:.1}s",
                    started.elapsed().as_secs_f64(),
                    w.id,
                    t.elapsed().as_secs_f64()
                );
                passes[e].push(r);
            }
        }
        results.push(passes.into_iter().map(median_of_passes).collect::<Vec<_>>());
    }
    print!(
        "{}",
        report::render(&cfg, &chosen, &results, redis.as_ref())
    );
    eprintln!("compare: done in {:.0}s", started.elapsed().as_secs_f64());
}

/// Runs one workload for one engine; a workload that panics (an engine's
/// answer failed a check) shows as a failed cell instead of ending the run.
fn run_caught(run: workloads::RunFn, cfg: &Cfg) -> R<Vec<f64>> {
    std::panic::catch_unwind(|| run(cfg)).unwrap_or_else(|p| {
        let msg = p
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| p.downcast_ref::<&str>().copied())
            .unwrap_or("panic");
        Err(engine::fails(format!("panicked: {msg}")))
    })
}

/// One engine's cell from its passes: the first failure if any pass
/// failed, else each figure's median over the passes.
fn median_of_passes(passes: Vec<R<Vec<f64>>>) -> R<Vec<f64>> {
    let mut ok = Vec::with_capacity(passes.len());
    for p in passes {
        ok.push(p?);
    }
    let width = ok.first().map_or(0, Vec::len);
    Ok((0..width)
        .map(|i| bench::middle(ok.iter().filter_map(|r| r.get(i).copied()).collect()))
        .collect())
}
