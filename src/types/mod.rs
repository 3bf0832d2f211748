//! Redis value types: each file holds a type's encodings, the one place that
//! decides its conversions, and its `impl Keyspace` block of typed commands.

pub mod bitmap;
pub mod hash;
pub mod hll;
pub mod list;
pub mod set;
pub mod stream;
pub mod string;
pub mod zset;
