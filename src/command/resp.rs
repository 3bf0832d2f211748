//! Request parsing: RESP multibulk (`*2\r\n$3\r\nGET\r\n$1\r\nk\r\n`) and
//! inline commands (`GET k\r\n`), with Redis's protocol error texts.
//!
//! # Format
//!
//! ```text
//! multibulk: '*' <count> CRLF ( '$' <len> CRLF <len bytes> CRLF ){count}
//! inline:    <words separated by spaces, "double" or 'single' quoted> LF
//! ```
//!
//! A request starting with `*` is multibulk, anything else is inline. Counts
//! and lengths use Redis's strict integer rules. A count of zero or less is
//! an empty request, which Redis skips; so is an empty inline line.
//!
//! # Thresholds
//!
//! 64 KiB: the longest inline line, and the longest count or length line,
//! before Redis gives up waiting for its end. 1 048 576: the most arguments
//! of one request (7.0 accepts up to `INT_MAX` from authenticated clients,
//! but a larger count could not fit in memory anyway; see docs/compat.md).
//! 512 MiB: the longest bulk (`proto-max-bulk-len`).

use std::fmt;

use crate::util::num::parse_i64;

/// Longest inline request or count line Redis waits for.
const INLINE_MAX: usize = 64 * 1024;
/// Most arguments accepted in one multibulk request.
const MULTIBULK_MAX: i64 = 1024 * 1024;
/// Longest bulk argument (`proto-max-bulk-len` default).
const BULK_MAX: i64 = 512 * 1024 * 1024;

/// A request that can never become valid; Redis replies with this text and
/// closes the connection. The text is bytes because Redis echoes the
/// offending byte raw in `expected '$', got '<byte>'`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProtocolError(pub Vec<u8>);

impl ProtocolError {
    /// The error reply Redis sends before closing: `-` + text + CRLF, with
    /// any CR or LF in the text turned into spaces.
    pub fn to_resp2(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.0.len() + 3);
        out.push(b'-');
        out.extend(
            self.0
                .iter()
                .map(|&b| if b == b'\r' || b == b'\n' { b' ' } else { b }),
        );
        out.extend_from_slice(b"\r\n");
        out
    }
}

impl fmt::Display for ProtocolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&String::from_utf8_lossy(&self.0))
    }
}

impl std::error::Error for ProtocolError {}

fn err(text: &str) -> ProtocolError {
    ProtocolError(format!("ERR Protocol error: {text}").into_bytes())
}

/// A parsed request and the number of input bytes it used.
pub type Parsed = (Vec<Vec<u8>>, usize);

/// Parses one request from the front of `buf`.
///
/// Returns `Ok(None)` when `buf` holds only part of a request, and
/// `Ok(Some((argv, used)))` otherwise; `argv` is empty for the requests Redis
/// skips (empty inline lines, `*0`).
///
/// ```
/// use embedis::command::parse_request;
/// let (argv, used) = parse_request(b"*1\r\n$4\r\nPING\r\n").unwrap().unwrap();
/// assert_eq!((argv, used), (vec![b"PING".to_vec()], 14));
/// assert_eq!(parse_request(b"*1\r\n$4\r\nPI").unwrap(), None);
/// let (argv, _) = parse_request(b"set k 'a b'\r\n").unwrap().unwrap();
/// assert_eq!(argv, vec![b"set".to_vec(), b"k".to_vec(), b"a b".to_vec()]);
/// ```
///
/// # Errors
/// [`ProtocolError`] with Redis's text for malformed input.
pub fn parse_request(buf: &[u8]) -> Result<Option<Parsed>, ProtocolError> {
    match buf.first() {
        None => Ok(None),
        Some(b'*') => parse_multibulk(buf),
        Some(_) => parse_inline(buf),
    }
}

/// Finds `target` at or after `from` the way Redis's `strchr` over its
/// query buffer does: a NUL byte ends the search, so a line with a NUL
/// before its end is never complete.
fn find_byte(buf: &[u8], from: usize, target: u8) -> Option<usize> {
    let rest = buf.get(from..)?;
    let i = rest.iter().position(|&b| b == target || b == 0)?;
    (rest[i] == target).then_some(from + i)
}

/// Finds the end of the count line starting at `from`: the first CR (see
/// [`find_byte`]), which must be followed by one more byte. Like Redis, the
/// byte after the CR is skipped without being checked. `Ok(None)`: wait for
/// more input; `Err` when `too_big` applies instead.
fn count_line_end(buf: &[u8], from: usize, too_big: &str) -> Result<Option<usize>, ProtocolError> {
    match find_byte(buf, from, b'\r') {
        Some(cr) if cr + 1 < buf.len() => Ok(Some(cr)),
        Some(_) => Ok(None),
        None if buf.len() - from > INLINE_MAX => Err(err(too_big)),
        None => Ok(None),
    }
}

fn parse_multibulk(buf: &[u8]) -> Result<Option<Parsed>, ProtocolError> {
    let Some(cr) = count_line_end(buf, 0, "too big mbulk count string")? else {
        return Ok(None);
    };
    let count = match parse_i64(&buf[1..cr]) {
        Some(n) if n <= MULTIBULK_MAX => n,
        _ => return Err(err("invalid multibulk length")),
    };
    let mut pos = cr + 2;
    if count <= 0 {
        return Ok(Some((Vec::new(), pos)));
    }
    let mut argv = Vec::with_capacity(usize::try_from(count.min(1024)).unwrap_or(0));
    for _ in 0..count {
        let Some(cr) = count_line_end(buf, pos, "too big bulk count string")? else {
            return Ok(None);
        };
        if buf[pos] != b'$' {
            return Err(expected_dollar(buf[pos]));
        }
        let len = match parse_i64(&buf[pos + 1..cr]) {
            Some(n) if (0..=BULK_MAX).contains(&n) => n as usize,
            _ => return Err(err("invalid bulk length")),
        };
        let start = cr + 2;
        // The two bytes after the payload are skipped unchecked, as Redis does.
        if buf.len() < start + len + 2 {
            return Ok(None);
        }
        argv.push(buf[start..start + len].to_vec());
        pos = start + len + 2;
    }
    Ok(Some((argv, pos)))
}

fn expected_dollar(got: u8) -> ProtocolError {
    let mut e = err("expected '$', got '");
    e.0.extend_from_slice(&[got, b'\'']);
    e
}

fn parse_inline(buf: &[u8]) -> Result<Option<Parsed>, ProtocolError> {
    let Some(nl) = find_byte(buf, 0, b'\n') else {
        return if buf.len() > INLINE_MAX {
            Err(err("too big inline request"))
        } else {
            Ok(None)
        };
    };
    let mut line = &buf[..nl];
    if line.last() == Some(&b'\r') {
        line = &line[..line.len() - 1];
    }
    match split_args(line) {
        Some(argv) => Ok(Some((argv, nl + 1))),
        None => Err(err("unbalanced quotes in request")),
    }
}

/// Splits an inline line into words the way redis-cli and inline requests
/// do: spaces separate words; `"..."` understands `\n \r \t \b \a \\ \"` and
/// `\xHH`; `'...'` understands only `\'`. A closing quote must be followed by
/// a space or the end of the line. `None` on unbalanced quotes.
///
/// As Redis's `sdssplitargs`, which reads a C string: a NUL byte ends the
/// line, and although vertical tab and form feed are skipped between words,
/// only space, tab, CR and LF end an unquoted word (`a\x0bb` is one word).
pub fn split_args(line: &[u8]) -> Option<Vec<Vec<u8>>> {
    let line = &line[..line.iter().position(|&b| b == 0).unwrap_or(line.len())];
    let mut out = Vec::new();
    let mut i = 0;
    loop {
        while i < line.len() && is_space(line[i]) {
            i += 1;
        }
        if i >= line.len() {
            return Some(out);
        }
        let mut word = Vec::new();
        while let Some(&c) = line.get(i) {
            if matches!(c, b' ' | b'\n' | b'\r' | b'\t') {
                break;
            }
            i += 1;
            // A closing quote ends the word (the next byte is a space).
            match c {
                b'"' => {
                    i = double_quoted(line, i, &mut word)?;
                    break;
                }
                b'\'' => {
                    i = single_quoted(line, i, &mut word)?;
                    break;
                }
                _ => word.push(c),
            }
        }
        out.push(word);
    }
}

/// C's `isspace` in the C locale.
fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\n' | b'\r' | b'\t' | 0x0b | 0x0c)
}

/// After a closing quote: the next byte must be a space or the end.
fn after_quote(line: &[u8], i: usize) -> Option<usize> {
    match line.get(i) {
        None => Some(i),
        Some(&c) if is_space(c) => Some(i),
        Some(_) => None,
    }
}

fn double_quoted(line: &[u8], mut i: usize, word: &mut Vec<u8>) -> Option<usize> {
    loop {
        let c = *line.get(i)?;
        if c == b'"' {
            return after_quote(line, i + 1);
        }
        if c == b'\\'
            && line.len() > i + 3
            && line[i + 1] == b'x'
            && let (Some(h), Some(l)) = (hex(line[i + 2]), hex(line[i + 3]))
        {
            word.push(h * 16 + l);
            i += 4;
            continue;
        }
        if c == b'\\' && i + 1 < line.len() {
            word.push(match line[i + 1] {
                b'n' => b'\n',
                b'r' => b'\r',
                b't' => b'\t',
                b'b' => 0x08,
                b'a' => 0x07,
                other => other,
            });
            i += 2;
            continue;
        }
        word.push(c);
        i += 1;
    }
}

fn single_quoted(line: &[u8], mut i: usize, word: &mut Vec<u8>) -> Option<usize> {
    loop {
        let c = *line.get(i)?;
        if c == b'\'' {
            return after_quote(line, i + 1);
        }
        if c == b'\\' && line.get(i + 1) == Some(&b'\'') {
            word.push(b'\'');
            i += 2;
            continue;
        }
        word.push(c);
        i += 1;
    }
}

fn hex(c: u8) -> Option<u8> {
    (c as char).to_digit(16).map(|d| d as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(v: &[&str]) -> Vec<Vec<u8>> {
        v.iter().map(|s| s.as_bytes().to_vec()).collect()
    }

    #[test]
    fn multibulk_whole_and_partial() {
        let req = b"*2\r\n$3\r\nGET\r\n$1\r\nk\r\nextra";
        let (argv, used) = parse_request(req).unwrap().unwrap();
        assert_eq!(argv, words(&["GET", "k"]));
        assert_eq!(used, req.len() - 5);
        for cut in 0..used {
            assert_eq!(parse_request(&req[..cut]).unwrap(), None, "cut {cut}");
        }
    }

    #[test]
    fn multibulk_errors() {
        let e = |b: &[u8]| parse_request(b).unwrap_err().to_string();
        assert_eq!(e(b"*x\r\n"), "ERR Protocol error: invalid multibulk length");
        assert_eq!(
            e(b"*1\r\n:1\r\n"),
            "ERR Protocol error: expected '$', got ':'"
        );
        assert_eq!(
            e(b"*1\r\n$-1\r\n"),
            "ERR Protocol error: invalid bulk length"
        );
        assert_eq!(parse_request(b"*0\r\n").unwrap(), Some((vec![], 4)));
        assert_eq!(parse_request(b"*-1\r\n").unwrap(), Some((vec![], 5)));
        let raw = parse_request(b"*1\r\n\xff\r\n").unwrap_err();
        assert_eq!(
            raw.to_resp2(),
            b"-ERR Protocol error: expected '$', got '\xff'\r\n"
        );
        let cr = parse_request(b"*1\r\n\r\n").unwrap_err();
        assert_eq!(
            cr.to_resp2(),
            b"-ERR Protocol error: expected '$', got ' '\r\n"
        );
    }

    #[test]
    fn redis_line_scanning_quirks() {
        // The byte after a count line's CR is not checked ...
        let (argv, used) = parse_request(b"*1\rX$4\r\nPING\r\n").unwrap().unwrap();
        assert_eq!((argv, used), (words(&["PING"]), 14));
        // ... but must be there, and a bad tag waits for its line's CR.
        assert_eq!(parse_request(b"*1\r"), Ok(None));
        assert_eq!(parse_request(b"*1\r\n:1"), Ok(None));
        // A NUL hides every later CR or LF, so the line never ends.
        assert_eq!(parse_request(b"*1\x00\r\n$4\r\nPING\r\n"), Ok(None));
        assert_eq!(parse_request(b"PING\x00\r\n"), Ok(None));
        // Vertical tab and form feed separate words only between them.
        let (argv, _) = parse_request(b"a\x0bb \x0c c\n").unwrap().unwrap();
        assert_eq!(argv, vec![b"a\x0bb".to_vec(), b"c".to_vec()]);
    }

    #[test]
    fn inline_quotes() {
        let p = |s: &str| parse_request(s.as_bytes()).map(|r| r.map(|(a, _)| a));
        assert_eq!(
            p("a \"b c\" 'd\\'e'\n"),
            Ok(Some(words(&["a", "b c", "d'e"])))
        );
        assert_eq!(
            p("\"\\x41\\n\"\r\n").unwrap().unwrap(),
            vec![b"A\n".to_vec()]
        );
        assert_eq!(p("\n"), Ok(Some(vec![])));
        assert!(p("\"abc\n").is_err());
        assert!(p("\"a\"b\n").is_err());
        assert_eq!(p("ping"), Ok(None));
    }
}
