//! Argument parsing helpers that produce Redis's exact error texts.

use crate::error::{Error, Result};
use crate::util::num;

/// True when `arg` equals the ASCII keyword `kw` (given in lowercase),
/// ignoring case.
pub(crate) fn is_kw(arg: &[u8], kw: &str) -> bool {
    arg.eq_ignore_ascii_case(kw.as_bytes())
}

/// True when `arg` equals the lowercase keyword `keyword` the way Redis's C
/// code compares an option with `strcasecmp`: case-insensitively, up to the
/// argument's first NUL byte (so `"count\0junk"` matches `count`).
pub(crate) fn kw(arg: &[u8], keyword: &str) -> bool {
    let end = arg.iter().position(|&b| b == 0).unwrap_or(arg.len());
    arg[..end].eq_ignore_ascii_case(keyword.as_bytes())
}

/// Parses an integer argument (`ERR value is not an integer or out of range`).
pub(crate) fn int(arg: &[u8]) -> Result<i64> {
    num::parse_i64(arg).ok_or(Error::NotInteger)
}

/// Parses a database index as SELECT/MOVE/COPY do: an integer, then range-checked
/// by the keyspace. As Redis's `getIntFromObjectOrReply`, an integer outside
/// `i32` gets its own error.
pub(crate) fn db_index(arg: &[u8]) -> Result<i64> {
    let v = int(arg)?;
    if i32::try_from(v).is_err() {
        return Err(Error::other(
            "ERR value is out of range, value must between -2147483648 and 2147483647",
        ));
    }
    Ok(v)
}

/// A cursor over the option arguments of a command.
#[derive(Debug)]
pub(crate) struct Args<'a, 'b> {
    argv: &'a [&'b [u8]],
    pos: usize,
}

impl<'a, 'b> Args<'a, 'b> {
    /// A cursor starting at `argv[start]`.
    pub(crate) fn new(argv: &'a [&'b [u8]], start: usize) -> Self {
        Args { argv, pos: start }
    }

    /// The next argument, if any.
    pub(crate) fn next(&mut self) -> Option<&'b [u8]> {
        let arg = self.argv.get(self.pos).copied();
        if arg.is_some() {
            self.pos += 1;
        }
        arg
    }

    /// The next argument, or `ERR syntax error` when there is none.
    pub(crate) fn value(&mut self) -> Result<&'b [u8]> {
        self.next().ok_or(Error::Syntax)
    }

    /// The next argument as an integer (syntax error when absent).
    pub(crate) fn int_value(&mut self) -> Result<i64> {
        int(self.value()?)
    }

    /// Number of arguments left.
    pub(crate) fn remaining(&self) -> usize {
        self.argv.len().saturating_sub(self.pos)
    }

    /// True when every argument was consumed.
    pub(crate) fn is_empty(&self) -> bool {
        self.remaining() == 0
    }
}

/// The options after the cursor of SCAN, HSCAN, SSCAN and ZSCAN.
#[derive(Debug, Default)]
pub(crate) struct ScanArgs<'a> {
    /// `COUNT`, when given (at least 1).
    pub(crate) count: Option<usize>,
    /// `MATCH`'s pattern, when given.
    pub(crate) pattern: Option<&'a [u8]>,
    /// `TYPE`'s name, when given (SCAN only).
    pub(crate) type_name: Option<&'a [u8]>,
}

/// Reads the scan options from `argv[start..]` as Redis's
/// `scanGenericCommand` does: keyword and value pairs in any order, the
/// last of each kind winning; keywords compare as C strings; `COUNT` must
/// be an integer (else `ERR value is not an integer or out of range`) of at
/// least 1 (else `ERR syntax error`); `TYPE` only where `with_type`
/// (SCAN); anything else, or a keyword without a value, is a syntax error.
pub(crate) fn scan_args<'a>(
    argv: &[&'a [u8]],
    start: usize,
    with_type: bool,
) -> Result<ScanArgs<'a>> {
    let mut out = ScanArgs::default();
    let mut i = start;
    while i < argv.len() {
        let (opt, value) = match argv.get(i + 1) {
            Some(&value) => (argv[i], value),
            None => return Err(Error::Syntax),
        };
        if kw(opt, "count") {
            let count = usize::try_from(int(value)?).ok().filter(|&c| c >= 1);
            out.count = Some(count.ok_or(Error::Syntax)?);
        } else if kw(opt, "match") {
            out.pattern = Some(value);
        } else if with_type && kw(opt, "type") {
            out.type_name = Some(value);
        } else {
            return Err(Error::Syntax);
        }
        i += 2;
    }
    Ok(out)
}
