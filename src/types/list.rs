//! A list: quicklist of listpack nodes (7.0 always reports `quicklist`).
//!
//! Placeholder: the type is uninhabited until its issue lands, so the
//! keyspace can already name it in [`crate::Value`] and every `match` on a
//! value is complete.

use crate::value::Encoding;

/// The value of a list: quicklist of listpack nodes (7.0 always reports `quicklist`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListValue {}

impl ListValue {
    /// The encoding OBJECT ENCODING reports.
    pub fn encoding(&self) -> Encoding {
        match *self {}
    }
}
