//! embedis: Redis 7.0's data structures as an in-process Rust library.
//!
//! A program creates a [`Keyspace`] and calls typed methods named after
//! Redis commands (`ks.set`, `ks.incr`, `ks.expire`, ...), or feeds argv to
//! the [`command`] layer and gets the exact reply redis-server 7.0.15 would
//! send. There is no server, no network and no background thread: the host
//! drives expiry (`Keyspace::active_expire_cycle`).
//!
//! # Layout
//!
//! | module | what |
//! |---|---|
//! | [`keyspace`](Keyspace) | databases, lookup, lazy expiry, write bookkeeping |
//! | `types/` | each Redis type: its encodings, conversions and typed commands |
//! | `keys`, `expire` | commands on keys of any type; TTLs and the active expire cycle |
//! | [`command`] | the command table, argv parsing, RESP replies and requests |
//! | [`cluster`](key_hash_slot) | hash slots and the per-slot key index |
//! | `info`, `slowlog` | INFO text, command/error statistics, MEMORY figures, the slow log |
//! | [`util`] | Redis-exact number parsing/formatting and glob matching |
//!
//! Every error is an [`Error`] whose `Display` is Redis's exact error text.
#![forbid(unsafe_code)]

mod clock;
mod cluster;
pub mod command;
mod config;
pub mod encoding;
mod error;
mod evict;
mod expire;
pub mod fuzzing;
mod info;
mod keys;
mod keyspace;
mod slowlog;
pub mod types;
pub mod util;
mod value;

pub use clock::{Clock, ManualClock, SystemClock};
pub use cluster::{CLUSTER_SLOTS, key_hash_slot};
pub use config::{Config, MaxmemoryPolicy};
pub use error::{Error, Result};
pub use evict::{Evicted, EvictionListener};
pub use expire::ExpireCondition;
pub use info::{CommandStats, DbOverhead, DbStats, MemoryStats};
pub use keys::ScanOptions;
pub use keyspace::{Keyspace, Stats};
pub use slowlog::SlowlogEntry;
pub use types::bitmap::{BitOp, BitUnit, BitfieldOp, BitfieldOverflow, BitfieldType, BitposRange};
pub use types::string::{
    Expiry, LcsIdx, LcsMatch, SetCondition, SetOptions, SetOutcome, StringValue,
};
pub use types::zset::{
    Aggregate, LexBound, LexRange, ScoreRange, SetOpOptions, ZAddCompare, ZAddCondition,
    ZAddOptions, ZRange, ZRangeBy,
};
pub use value::{Encoding, Value, ValueType};

#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
