//! The value stored under a key, its Redis type and its encoding.
//!
//! One variant per Redis type; each type's own enum (in `types/`) carries its
//! encodings and decides its conversions. [`Encoding::as_str`] is the exact
//! OBJECT ENCODING reply.

use crate::encoding::skiplist::SkipList;
use crate::types::hash::{FieldTable, HashValue};
use crate::types::list::ListValue;
use crate::types::set::SetValue;
use crate::types::stream::StreamValue;
use crate::types::string::StringValue;
use crate::types::zset::ZSetValue;

/// A value held by a key.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Value {
    /// A string (also bitmaps and HyperLogLogs).
    String(StringValue),
    /// A list (boxed: a quicklist handle is larger than the other types').
    List(Box<ListValue>),
    /// A hash.
    Hash(HashValue),
    /// A set.
    Set(SetValue),
    /// A sorted set.
    ZSet(ZSetValue),
    /// A stream (boxed: rare and large).
    Stream(Box<StreamValue>),
}

impl Value {
    /// The Redis type of this value.
    pub fn value_type(&self) -> ValueType {
        match self {
            Value::String(_) => ValueType::String,
            Value::List(_) => ValueType::List,
            Value::Hash(_) => ValueType::Hash,
            Value::Set(_) => ValueType::Set,
            Value::ZSet(_) => ValueType::ZSet,
            Value::Stream(_) => ValueType::Stream,
        }
    }

    /// Heap bytes this value holds beyond its own inline size: buffers at
    /// their capacity, boxed tables at their size plus their contents.
    /// O(1) for every type (streams: O(log nodes + consumers)); the
    /// keyspace reads it before and after each write to keep its running
    /// total exact.
    #[inline]
    pub fn heap_bytes(&self) -> usize {
        match self {
            Value::String(s) => s.heap_bytes(),
            Value::Hash(HashValue::Listpack(lp)) | Value::ZSet(ZSetValue::Listpack(lp)) => {
                lp.allocated_bytes()
            }
            _ => self.aggregate_heap_bytes(),
        }
    }

    /// [`Value::heap_bytes`] of an aggregate, out of line (a string's is
    /// a match on its encoding, a small hash's or sorted set's one field
    /// of its listpack, both inlined where sizes are settled).
    #[inline(never)]
    fn aggregate_heap_bytes(&self) -> usize {
        match self {
            Value::String(s) => s.heap_bytes(),
            Value::List(l) => size_of::<ListValue>() + l.quicklist().allocated_bytes(),
            Value::Hash(h) => match h {
                HashValue::Listpack(lp) => lp.allocated_bytes(),
                HashValue::Table(t) => size_of::<FieldTable>() + t.heap_bytes(),
            },
            Value::Set(v) => v.heap_bytes(),
            Value::ZSet(z) => match z {
                ZSetValue::Listpack(lp) => lp.allocated_bytes(),
                ZSetValue::Skiplist(sl) => size_of::<SkipList>() + sl.heap_bytes(),
            },
            Value::Stream(st) => size_of::<StreamValue>() + st.heap_bytes(),
        }
    }

    /// The encoding OBJECT ENCODING reports.
    pub fn encoding(&self) -> Encoding {
        match self {
            Value::String(s) => s.encoding(),
            Value::List(v) => v.encoding(),
            Value::Hash(v) => v.encoding(),
            Value::Set(v) => v.encoding(),
            Value::ZSet(v) => v.encoding(),
            Value::Stream(v) => v.encoding(),
        }
    }
}

/// The Redis type of a value, as TYPE names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ValueType {
    /// `string`
    String,
    /// `list`
    List,
    /// `set`
    Set,
    /// `zset`
    ZSet,
    /// `hash`
    Hash,
    /// `stream`
    Stream,
}

impl ValueType {
    /// The TYPE reply: `string`, `list`, `set`, `zset`, `hash` or `stream`.
    pub fn as_str(self) -> &'static str {
        match self {
            ValueType::String => "string",
            ValueType::List => "list",
            ValueType::Set => "set",
            ValueType::ZSet => "zset",
            ValueType::Hash => "hash",
            ValueType::Stream => "stream",
        }
    }

    /// Parses a type name as SCAN's TYPE option takes it (case-insensitive).
    pub fn parse(name: &[u8]) -> Option<Self> {
        [
            ValueType::String,
            ValueType::List,
            ValueType::Set,
            ValueType::ZSet,
            ValueType::Hash,
            ValueType::Stream,
        ]
        .into_iter()
        .find(|t| t.as_str().as_bytes().eq_ignore_ascii_case(name))
    }
}

/// A value's internal representation, as OBJECT ENCODING names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Encoding {
    /// A string holding a canonical 64-bit integer.
    Int,
    /// A short string (at most 44 bytes) created whole and never modified in place.
    Embstr,
    /// Any other string.
    Raw,
    /// Listpack (small hashes and sorted sets).
    Listpack,
    /// Quicklist (lists).
    Quicklist,
    /// Intset (small integer sets).
    Intset,
    /// Hash table (large hashes and sets).
    Hashtable,
    /// Skiplist (large sorted sets).
    Skiplist,
    /// Stream.
    Stream,
}

impl Encoding {
    /// The exact OBJECT ENCODING reply.
    pub fn as_str(self) -> &'static str {
        match self {
            Encoding::Int => "int",
            Encoding::Embstr => "embstr",
            Encoding::Raw => "raw",
            Encoding::Listpack => "listpack",
            Encoding::Quicklist => "quicklist",
            Encoding::Intset => "intset",
            Encoding::Hashtable => "hashtable",
            Encoding::Skiplist => "skiplist",
            Encoding::Stream => "stream",
        }
    }
}
