//! Replies of the command layer and their RESP2 encoding.

use std::borrow::Cow;

use crate::error::Error;

/// A reply, as Redis would send it.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Reply {
    /// `+text`
    Status(Cow<'static, str>),
    /// `-text` (the text starts with its code, e.g. `ERR ...`). Bytes, because
    /// Redis echoes client bytes in some errors (unknown command names).
    Error(Cow<'static, [u8]>),
    /// `:n`
    Integer(i64),
    /// `$len` + bytes.
    Bulk(Vec<u8>),
    /// `$-1`: a missing value.
    Nil,
    /// `*n` + elements.
    Array(Vec<Reply>),
    /// `*-1`: a missing array (e.g. EXEC aborted by WATCH, BLPOP timeout).
    NilArray,
}

impl Reply {
    /// `+OK`
    pub const OK: Reply = Reply::Status(Cow::Borrowed("OK"));

    /// A bulk reply from anything byte-like.
    pub fn bulk(bytes: impl Into<Vec<u8>>) -> Reply {
        Reply::Bulk(bytes.into())
    }

    /// A bulk reply or nil.
    pub fn bulk_or_nil(bytes: Option<Vec<u8>>) -> Reply {
        bytes.map_or(Reply::Nil, Reply::Bulk)
    }

    /// An array of bulk replies.
    pub fn bulks<I, B>(items: I) -> Reply
    where
        I: IntoIterator<Item = B>,
        B: Into<Vec<u8>>,
    {
        Reply::Array(items.into_iter().map(|b| Reply::Bulk(b.into())).collect())
    }

    /// A status reply from static text.
    pub fn status(text: &'static str) -> Reply {
        Reply::Status(Cow::Borrowed(text))
    }

    /// An array of status lines: what every HELP subcommand replies.
    pub(crate) fn status_lines(lines: &[&'static str]) -> Reply {
        Reply::Array(lines.iter().map(|&line| Reply::status(line)).collect())
    }

    /// True for error replies.
    pub fn is_error(&self) -> bool {
        matches!(self, Reply::Error(_))
    }

    /// The RESP2 bytes of this reply.
    pub fn to_resp2(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.write_resp2(&mut out);
        out
    }

    /// Appends the RESP2 bytes of this reply to `out`.
    pub fn write_resp2(&self, out: &mut Vec<u8>) {
        match self {
            Reply::Status(s) => line(out, b'+', s.as_bytes()),
            Reply::Error(s) => line(out, b'-', s),
            Reply::Integer(n) => line(out, b':', n.to_string().as_bytes()),
            Reply::Bulk(b) => {
                line(out, b'$', b.len().to_string().as_bytes());
                out.extend_from_slice(b);
                out.extend_from_slice(b"\r\n");
            }
            Reply::Nil => out.extend_from_slice(b"$-1\r\n"),
            Reply::NilArray => out.extend_from_slice(b"*-1\r\n"),
            Reply::Array(items) => {
                line(out, b'*', items.len().to_string().as_bytes());
                for item in items {
                    item.write_resp2(out);
                }
            }
        }
    }
}

fn line(out: &mut Vec<u8>, tag: u8, body: &[u8]) {
    out.push(tag);
    out.extend_from_slice(body);
    out.extend_from_slice(b"\r\n");
}

impl From<Error> for Reply {
    /// Client bytes quoted in an error (key or group names ...) may hold CR
    /// or LF; Redis turns them into spaces so the reply stays one line.
    fn from(e: Error) -> Reply {
        let mut text = e.to_string().into_bytes();
        for b in &mut text {
            if *b == b'\r' || *b == b'\n' {
                *b = b' ';
            }
        }
        Reply::Error(Cow::Owned(text))
    }
}

impl From<i64> for Reply {
    fn from(n: i64) -> Reply {
        Reply::Integer(n)
    }
}

impl From<bool> for Reply {
    fn from(b: bool) -> Reply {
        Reply::Integer(i64::from(b))
    }
}

impl From<usize> for Reply {
    fn from(n: usize) -> Reply {
        Reply::Integer(i64::try_from(n).unwrap_or(i64::MAX))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resp2_bytes() {
        assert_eq!(Reply::OK.to_resp2(), b"+OK\r\n");
        assert_eq!(
            Reply::from(Error::Syntax).to_resp2(),
            b"-ERR syntax error\r\n"
        );
        assert_eq!(Reply::Integer(-3).to_resp2(), b":-3\r\n");
        assert_eq!(Reply::bulk(&b"ab"[..]).to_resp2(), b"$2\r\nab\r\n");
        assert_eq!(Reply::Nil.to_resp2(), b"$-1\r\n");
        assert_eq!(Reply::NilArray.to_resp2(), b"*-1\r\n");
        let arr = Reply::Array(vec![Reply::Integer(1), Reply::Nil]);
        assert_eq!(arr.to_resp2(), b"*2\r\n:1\r\n$-1\r\n");
    }
}
