//! Redis value types: each file holds a type's encodings, the one place that
//! decides its conversions, and its `impl Keyspace` block of typed commands.

pub mod string;
