//! Criterion benches, one hub (hashbrown style): each topic file exposes
//! `register_benches`. Group names read `structure/op/encoding/size`.
//!
//! Run: `cargo bench --bench bench` (add a filter such as `keyspace/` to
//! run one group).

// criterion_group!/criterion_main! generate undocumented items.
#![allow(missing_docs)]

use criterion::{criterion_group, criterion_main};

mod bitmap;
mod hash;
mod hll;
mod keyspace;
mod list;
mod set;
mod stream;
mod zset;

criterion_group!(
    benches,
    keyspace::register_benches,
    bitmap::register_benches,
    list::register_benches,
    set::register_benches,
    zset::register_benches,
    hash::register_benches,
    hll::register_benches,
    stream::register_benches
);
criterion_main!(benches);
