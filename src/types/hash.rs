//! A hash: listpack while small, then a hash table.
//!
//! Placeholder: the type is uninhabited until its issue lands, so the
//! keyspace can already name it in [`crate::Value`] and every `match` on a
//! value is complete.

use crate::value::Encoding;

/// The value of a hash: listpack while small, then a hash table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HashValue {}

impl HashValue {
    /// The encoding OBJECT ENCODING reports.
    pub fn encoding(&self) -> Encoding {
        match *self {}
    }
}
