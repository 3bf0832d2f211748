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

/// The capacity a small hash's or sorted set's listpack that needs `need`
/// bytes is given when it must grow: an eighth more, rounded up to 16
/// bytes. Redis reallocates a listpack to its exact size on every write,
/// and doubling would leave a third of a small aggregate unused; this
/// keeps the spare room within an eighth plus 15 bytes and saves about
/// half the reallocations (a 10-field hash of short pairs grows 5 times,
/// not 10).
pub(crate) fn listpack_room(need: usize) -> usize {
    (need + need / 8).next_multiple_of(16)
}
