//! A sorted set: listpack while small, then skiplist + member index.
//!
//! Placeholder: the type is uninhabited until its issue lands, so the
//! keyspace can already name it in [`crate::Value`] and every `match` on a
//! value is complete.

use crate::value::Encoding;

/// The value of a sorted set: listpack while small, then skiplist + member index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ZSetValue {}

impl ZSetValue {
    /// The encoding OBJECT ENCODING reports.
    pub fn encoding(&self) -> Encoding {
        match *self {}
    }
}
