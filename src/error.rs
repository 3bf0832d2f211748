//! The one error type of the typed API: every variant displays as the exact
//! text Redis 7.0.15 sends after the leading `-` of an error reply.
//!
//! The first word of the text is the error code (`ERR`, `WRONGTYPE`, `OOM`,
//! ...); [`Error::code`] returns it on its own. Texts are pinned by the
//! differential tests against a real redis-server, never guessed.

use std::borrow::Cow;
use std::fmt;

/// A Redis error reply.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// `WRONGTYPE Operation against a key holding the wrong kind of value`
    WrongType,
    /// `ERR value is not an integer or out of range`
    NotInteger,
    /// `ERR value is not a valid float`
    NotFloat,
    /// `ERR syntax error`
    Syntax,
    /// `ERR increment or decrement would overflow`
    Overflow,
    /// `ERR no such key`
    NoSuchKey,
    /// `ERR index out of range`
    IndexOutOfRange,
    /// `ERR DB index is out of range`
    DbIndexOutOfRange,
    /// `ERR string exceeds maximum allowed size (proto-max-bulk-len)`
    StringTooLong,
    /// `ERR offset is out of range`
    OffsetOutOfRange,
    /// `ERR invalid expire time in '<command>' command`
    InvalidExpireTime(&'static str),
    /// `ERR wrong number of arguments for '<command>' command`
    WrongArity(String),
    /// `OOM command not allowed when used memory > 'maxmemory'.`
    OutOfMemory,
    /// `CROSSSLOT Keys in request don't hash to the same slot`
    CrossSlot,
    /// `BUSYKEY Target key name already exists.`
    BusyKey,
    /// `INVALIDOBJ Corrupted HLL object detected` and other corrupt payloads.
    InvalidObject(&'static str),
    /// Any other reply, stored with its code (e.g. `ERR source and destination objects are the same`).
    Other(Cow<'static, str>),
}

impl Error {
    /// Builds an [`Error::Other`] from text that already starts with its code.
    pub fn other(text: impl Into<Cow<'static, str>>) -> Self {
        Error::Other(text.into())
    }

    /// The error code: the first word of the reply (`ERR`, `WRONGTYPE`, ...).
    pub fn code(&self) -> &str {
        match self {
            Error::WrongType => "WRONGTYPE",
            Error::OutOfMemory => "OOM",
            Error::CrossSlot => "CROSSSLOT",
            Error::BusyKey => "BUSYKEY",
            Error::InvalidObject(_) => "INVALIDOBJ",
            Error::Other(text) => text.split(' ').next().unwrap_or("ERR"),
            _ => "ERR",
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::WrongType => {
                f.write_str("WRONGTYPE Operation against a key holding the wrong kind of value")
            }
            Error::NotInteger => f.write_str("ERR value is not an integer or out of range"),
            Error::NotFloat => f.write_str("ERR value is not a valid float"),
            Error::Syntax => f.write_str("ERR syntax error"),
            Error::Overflow => f.write_str("ERR increment or decrement would overflow"),
            Error::NoSuchKey => f.write_str("ERR no such key"),
            Error::IndexOutOfRange => f.write_str("ERR index out of range"),
            Error::DbIndexOutOfRange => f.write_str("ERR DB index is out of range"),
            Error::StringTooLong => {
                f.write_str("ERR string exceeds maximum allowed size (proto-max-bulk-len)")
            }
            Error::OffsetOutOfRange => f.write_str("ERR offset is out of range"),
            Error::InvalidExpireTime(cmd) => {
                write!(f, "ERR invalid expire time in '{cmd}' command")
            }
            Error::WrongArity(cmd) => {
                write!(f, "ERR wrong number of arguments for '{cmd}' command")
            }
            Error::OutOfMemory => {
                f.write_str("OOM command not allowed when used memory > 'maxmemory'.")
            }
            Error::CrossSlot => {
                f.write_str("CROSSSLOT Keys in request don't hash to the same slot")
            }
            Error::BusyKey => f.write_str("BUSYKEY Target key name already exists."),
            Error::InvalidObject(what) => write!(f, "INVALIDOBJ {what}"),
            Error::Other(text) => f.write_str(text),
        }
    }
}

impl std::error::Error for Error {}

/// `Result` with [`Error`] as the default error.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_first_words() {
        for e in [
            Error::WrongType,
            Error::NotInteger,
            Error::OutOfMemory,
            Error::CrossSlot,
            Error::BusyKey,
            Error::InvalidObject("Corrupted HLL object detected"),
            Error::other("NOGROUP No such key"),
            Error::InvalidExpireTime("set"),
        ] {
            let text = e.to_string();
            assert_eq!(text.split(' ').next().unwrap(), e.code(), "{text}");
        }
    }
}
