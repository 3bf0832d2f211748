//! The workloads: each is one generic function run once per engine, and
//! gives one figure per metric (rows of the table).

use crate::bench::Cfg;
use crate::engine::R;

mod bits;
mod collections;
mod datasets;
mod streams;
mod strings;

/// One engine's run of a workload: a figure per metric.
pub(crate) type RunFn = fn(&Cfg) -> R<Vec<f64>>;

/// A workload and its four runs (embedis, yo-kv, kevy-embedded, std).
pub(crate) struct Workload {
    /// Short stable name (the filter matches it; Redis figures use it).
    pub(crate) id: &'static str,
    /// Title; `{n}` and `{small}` are replaced by the run's sizes.
    pub(crate) title: &'static str,
    /// The unit of each figure: `ns/op` or `B/<unit>`.
    pub(crate) metrics: &'static [&'static str],
    /// The run per engine, in [`crate::ENGINES`] order.
    pub(crate) run: [RunFn; 4],
}

/// The four instantiations of a generic workload function.
macro_rules! per_engine {
    ($f:ident) => {
        [
            $f::<crate::engines::embedis::Embedis>,
            $f::<crate::engines::yo::Yo>,
            $f::<crate::engines::kevy::Kevy>,
            $f::<crate::engines::std::Std>,
        ]
    };
}
pub(crate) use per_engine;

/// A group's workloads as a table, one entry each:
/// `"id" => function ["metric", ...] "title";`.
macro_rules! workloads {
    ($($id:literal => $f:ident $metrics:tt $title:literal;)*) => {
        vec![$(
            crate::workloads::Workload {
                id: $id,
                title: $title,
                metrics: &$metrics,
                run: crate::workloads::per_engine!($f),
            }
        ),*]
    };
}
pub(crate) use workloads;

/// Every workload, in table order.
pub(crate) fn all() -> Vec<Workload> {
    let mut v = strings::workloads();
    v.extend(collections::workloads());
    v.extend(bits::workloads());
    v.extend(streams::workloads());
    v.extend(datasets::workloads());
    v
}

/// A size as the table writes it (1M, 100k, 10M).
pub(crate) fn size_label(n: usize) -> String {
    match n {
        n if n >= 1_000_000 && n % 1_000_000 == 0 => format!("{}M", n / 1_000_000),
        n if n >= 1_000 && n % 1_000 == 0 => format!("{}k", n / 1_000),
        n => n.to_string(),
    }
}
