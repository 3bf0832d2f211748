//! A stream: listpack nodes indexed by entry ID, with consumer groups.
//!
//! Placeholder: the type is uninhabited until its issue lands, so the
//! keyspace can already name it in [`crate::Value`] and every `match` on a
//! value is complete.

use crate::value::Encoding;

/// The value of a stream: listpack nodes indexed by entry ID, with consumer groups.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StreamValue {}

impl StreamValue {
    /// The encoding OBJECT ENCODING reports.
    pub fn encoding(&self) -> Encoding {
        match *self {}
    }
}
