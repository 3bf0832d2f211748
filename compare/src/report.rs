//! The markdown table: one row per (workload, metric), a column per
//! engine, Redis's figure when given, and the aim for embedis.

use std::collections::HashMap;
use std::fmt::Write;

use crate::ENGINES;
use crate::bench::Cfg;
use crate::engine::R;
use crate::workloads::{Workload, size_label};

/// Figures measured on redis-server by `scripts/redis_baseline.sh`:
/// `<workload id>:<unit>` -> value (ns/op in-server, or bytes per unit
/// from `used_memory`), and `version`.
pub(crate) struct RedisFigures {
    figures: HashMap<String, f64>,
    version: String,
}

impl RedisFigures {
    /// Reads the `key<TAB>value` file; `#` lines are comments.
    pub(crate) fn load(path: &str) -> Result<RedisFigures, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
        let mut r = RedisFigures {
            figures: HashMap::new(),
            version: "?".into(),
        };
        for line in text
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        {
            let mut parts = line.split('\t');
            let (Some(k), Some(v)) = (parts.next(), parts.next()) else {
                continue;
            };
            if k == "version" {
                r.version = v.trim().to_string();
            } else if let Ok(x) = v.trim().parse() {
                r.figures.insert(k.to_string(), x);
            }
        }
        Ok(r)
    }
    fn get(&self, id: &str, unit: &str) -> Option<f64> {
        self.figures.get(&format!("{id}:{unit}")).copied()
    }
}

/// A figure as the table writes it.
fn fmt_value(unit: &str, x: f64) -> String {
    if unit == "ns/op" {
        match x {
            x if x >= 1e6 => format!("{:.1} ms", x / 1e6),
            x if x >= 1e5 => format!("{:.0} µs", x / 1e3),
            x if x < 10.0 => format!("{x:.1}"),
            x => format!("{x:.0}"),
        }
    } else if x >= 10_000.0 {
        let s = format!("{x:.0}");
        let mut out = String::new();
        for (i, c) in s.chars().enumerate() {
            if i > 0 && (s.len() - i) % 3 == 0 {
                out.push(',');
            }
            out.push(c);
        }
        out
    } else if x < 10.0 {
        format!("{x:.2}")
    } else {
        format!("{x:.1}")
    }
}

/// The aim for embedis on one row: the bound and what sets it.
fn aim(unit: &str, peers: &[Option<f64>], redis: Option<f64>) -> Option<(f64, &'static str)> {
    let (yo, kevy, std) = (peers[1], peers[2], peers[3]);
    let mut bounds: Vec<(f64, &'static str)> = Vec::new();
    if unit == "ns/op" {
        let best = [yo, kevy].into_iter().flatten().reduce(f64::min);
        bounds.extend(best.map(|b| (b / 1.5, "1.5x peers")));
        bounds.extend(std.map(|s| (s, "std")));
        bounds.extend(redis.map(|r| (r / 5.0, "5x Redis")));
    } else {
        bounds.extend(redis.map(|r| (r, "Redis")));
        bounds.extend(yo.map(|y| (y, "yo-kv")));
    }
    bounds
        .into_iter()
        .reduce(|a, b| if b.0 < a.0 { b } else { a })
}

/// The whole report: header lines, the table, and notes.
pub(crate) fn render(
    cfg: &Cfg,
    chosen: &[Workload],
    results: &[Vec<R<Vec<f64>>>],
    redis: Option<&RedisFigures>,
) -> String {
    let mut out = String::new();
    let engines: Vec<String> = ENGINES.iter().map(|(n, v)| format!("{n} {v}")).collect();
    let _ = writeln!(out, "Engines: {}.", engines.join(" · "));
    if let Some(r) = redis {
        let _ = writeln!(
            out,
            "Redis: redis-server {} (in-server Lua loops, `used_memory` deltas).",
            r.version
        );
    }
    let _ = writeln!(
        out,
        "Sizes: {} ({} / {}); ns/op is the median of {} round(s).\n",
        if cfg.quick { "quick" } else { "full" },
        size_label(cfg.n),
        size_label(cfg.small),
        cfg.rounds
    );
    let names: Vec<&str> = ENGINES.iter().map(|(n, _)| *n).collect();
    let _ = writeln!(
        out,
        "| workload | unit | {} | Redis | embedis/Redis | aim for embedis | |",
        names.join(" | ")
    );
    let _ = writeln!(
        out,
        "|---|---|{}---:|---:|---|---|",
        "---:|".repeat(names.len())
    );
    let mut notes: Vec<String> = Vec::new();
    for (w, per_engine) in chosen.iter().zip(results) {
        let title = w
            .title
            .replace("{n}", &size_label(cfg.n))
            .replace("{small}", &size_label(cfg.small))
            .replace("{c}", &size_label(cfg.hashes_c))
            .replace("{h1}", &size_label(cfg.dense_hlls))
            .replace("{bits}", &size_label(cfg.setbits));
        for (m, unit) in w.metrics.iter().enumerate() {
            row(
                &mut out, &mut notes, &title, unit, w.id, m, per_engine, redis,
            );
        }
    }
    out.push('\n');
    for n in notes {
        let _ = writeln!(out, "{n}");
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn row(
    out: &mut String,
    notes: &mut Vec<String>,
    title: &str,
    unit: &str,
    id: &str,
    m: usize,
    per_engine: &[R<Vec<f64>>],
    redis: Option<&RedisFigures>,
) {
    let values: Vec<Option<f64>> = per_engine
        .iter()
        .map(|r| r.as_ref().ok().map(|v| v[m]))
        .collect();
    let cells: Vec<String> = per_engine
        .iter()
        .map(|r| match r {
            Ok(v) => fmt_value(unit, v[m]),
            Err(miss) => format!("— ({miss})"),
        })
        .collect();
    let rv = redis.and_then(|r| r.get(id, unit));
    let rcell = rv.map_or("—".to_string(), |x| fmt_value(unit, x));
    let ratio = match (values[0], rv) {
        (Some(e), Some(r)) if r > 0.0 => format!("{:.2}", e / r),
        _ => "—".into(),
    };
    let (aim_cell, verdict) = match (values[0], aim(unit, &values, rv)) {
        (Some(e), Some((bound, what))) => {
            let v = match e / bound {
                r if r <= 1.0 => "met".to_string(),
                r if r < 1.1 => format!("**short {r:.2}x**"),
                r => format!("**short {r:.1}x**"),
            };
            (format!("≤ {} ({what})", fmt_value(unit, bound)), v)
        }
        _ => ("—".into(), String::new()),
    };
    let _ = writeln!(
        out,
        "| {title} | {unit} | {} | {rcell} | {ratio} | {aim_cell} | {verdict} |",
        cells.join(" | ")
    );
    if let (0, Err(e)) = (m, &per_engine[0]) {
        notes.push(format!("- embedis failed `{id}`: {e}"));
    }
}
