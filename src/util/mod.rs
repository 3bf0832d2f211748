//! Small helpers shared by every layer: Redis-exact number parsing and
//! formatting, and Redis glob matching.

pub mod float;
pub mod glob;
pub mod num;
pub(crate) mod prefetch;
pub mod varint;
