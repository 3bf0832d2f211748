//! The string value: Redis's `int`, `embstr` and `raw` encodings, with
//! short `embstr`s held inline.

use crate::util::num;
use crate::value::Encoding;

/// The longest string Redis stores with the `embstr` encoding.
pub const EMBSTR_MAX_LEN: usize = 44;

/// Longest `embstr` kept inside the value itself (no allocation).
const SHORT_MAX: usize = 15;

/// The bytes of a short `embstr` (at most 15), kept inline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShortStr {
    len: u8,
    bytes: [u8; SHORT_MAX],
}

impl ShortStr {
    /// The bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..usize::from(self.len)]
    }
}

/// A string value in one of Redis's three encodings (`int`, `embstr`,
/// `raw`). An `embstr` of at most 16 bytes is held inline (no allocation:
/// the value stays 24 bytes, as the `raw` vector's spare bit patterns tell
/// the variants apart); OBJECT ENCODING still says `embstr`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum StringValue {
    /// `int`: a canonical 64-bit integer.
    Int(i64),
    /// `embstr` of at most 15 bytes, inline.
    Short(ShortStr),
    /// `embstr` of exactly 16 bytes, inline.
    Short16([u8; 16]),
    /// `embstr`: at most 44 bytes, stored whole and never edited in place.
    Embstr(Box<[u8]>),
    /// `raw`: anything else.
    Raw(Vec<u8>),
}

impl StringValue {
    /// Encodes whole bytes the way SET does (Redis's `tryObjectEncoding`).
    pub fn from_bytes(bytes: &[u8]) -> Self {
        if bytes.len() <= 20
            && let Some(v) = num::parse_i64(bytes)
        {
            return StringValue::Int(v);
        }
        Self::from_bytes_no_int(bytes)
    }

    /// Encodes whole bytes as `embstr` or `raw`, never `int` (INCRBYFLOAT results).
    pub fn from_bytes_no_int(bytes: &[u8]) -> Self {
        if bytes.len() <= SHORT_MAX {
            let mut short = ShortStr {
                len: bytes.len() as u8,
                bytes: [0; SHORT_MAX],
            };
            short.bytes[..bytes.len()].copy_from_slice(bytes);
            StringValue::Short(short)
        } else if let Ok(b16) = <[u8; 16]>::try_from(bytes) {
            StringValue::Short16(b16)
        } else if bytes.len() <= EMBSTR_MAX_LEN {
            StringValue::Embstr(bytes.into())
        } else {
            StringValue::Raw(bytes.to_vec())
        }
    }

    /// The OBJECT ENCODING of this string.
    pub fn encoding(&self) -> Encoding {
        match self {
            StringValue::Int(_) => Encoding::Int,
            StringValue::Short(_) | StringValue::Short16(_) | StringValue::Embstr(_) => {
                Encoding::Embstr
            }
            StringValue::Raw(_) => Encoding::Raw,
        }
    }

    /// Length in bytes of the string's text.
    pub fn len(&self) -> usize {
        match self {
            StringValue::Int(v) => num::write_i64(&mut num::itoa_buf(), *v).len(),
            _ => self.as_bytes().map_or(0, <[u8]>::len),
        }
    }

    /// The stored bytes; `None` for an `int` (see [`StringValue::with_bytes`]).
    pub fn as_bytes(&self) -> Option<&[u8]> {
        match self {
            StringValue::Int(_) => None,
            StringValue::Short(s) => Some(s.as_bytes()),
            StringValue::Short16(b) => Some(b),
            StringValue::Embstr(b) => Some(b),
            StringValue::Raw(b) => Some(b),
        }
    }

    /// Heap bytes held: 0 for `int` and short `embstr`s, the allocation of
    /// a longer `embstr`, the capacity of a `raw` buffer.
    #[inline]
    pub fn heap_bytes(&self) -> usize {
        match self {
            StringValue::Int(_) | StringValue::Short(_) | StringValue::Short16(_) => 0,
            StringValue::Embstr(b) => b.len(),
            StringValue::Raw(v) => v.capacity(),
        }
    }

    /// True for the empty string.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The string's bytes (integers are formatted).
    pub fn to_vec(&self) -> Vec<u8> {
        match self {
            StringValue::Int(v) => num::format_i64(*v),
            // Inline strings copy their whole fixed-size buffer (no
            // variable-length memcpy); the spare capacity costs nothing
            // in the allocator's smallest size class.
            StringValue::Short(s) => {
                let mut v = s.bytes.to_vec();
                v.truncate(usize::from(s.len));
                v
            }
            StringValue::Short16(b) => b.to_vec(),
            _ => self.as_bytes().unwrap_or_default().to_vec(),
        }
    }

    /// Calls `f` with the string's bytes, formatting integers on the stack.
    pub fn with_bytes<R>(&self, f: impl FnOnce(&[u8]) -> R) -> R {
        match self {
            StringValue::Int(v) => f(num::write_i64(&mut num::itoa_buf(), *v)),
            _ => f(self.as_bytes().unwrap_or_default()),
        }
    }

    /// The bytes as a growable buffer for in-place edits; the value becomes `raw`.
    pub fn make_raw(&mut self) -> &mut Vec<u8> {
        if !matches!(self, StringValue::Raw(_)) {
            *self = StringValue::Raw(self.to_vec());
        }
        match self {
            StringValue::Raw(b) => b,
            _ => unreachable!("just converted to raw"),
        }
    }
}
