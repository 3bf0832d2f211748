//! CONFIG GET, SET and RESETSTAT as typed [`Keyspace`] methods.

use std::borrow::Cow;

use super::directives::{DIRECTIVES, Directive, c_str, lookup};
use crate::error::{Error, Result};
use crate::keyspace::{Keyspace, Stats};

/// Why CONFIG SET refused a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SetError {
    /// No directive has this name.
    Unknown(Vec<u8>),
    /// The directive named `arg` (as the reply spells it) refused: `reason`.
    Failed {
        /// The name as Redis reports it.
        arg: Vec<u8>,
        /// The text after `- `.
        reason: Cow<'static, str>,
    },
}

impl SetError {
    /// The error text without the `ERR ` code, as bytes (names are client bytes,
    /// read up to a NUL as Redis prints them).
    pub(crate) fn text(&self) -> Vec<u8> {
        let mut out = Vec::new();
        match self {
            SetError::Unknown(name) => {
                out.extend_from_slice(
                    b"ERR Unknown option or number of arguments for CONFIG SET - '",
                );
                out.extend_from_slice(c_str(name));
                out.push(b'\'');
            }
            SetError::Failed { arg, reason } => {
                out.extend_from_slice(b"ERR CONFIG SET failed (possibly related to argument '");
                out.extend_from_slice(c_str(arg));
                out.extend_from_slice(b"') - ");
                out.extend_from_slice(reason.as_bytes());
            }
        }
        out
    }
}

impl Keyspace {
    /// ```text
    /// CONFIG GET pattern [pattern ...]
    /// ```
    /// The directives matching any pattern, as (name, value) pairs. A pattern
    /// without `*`, `?` or `[` names one directive (either spelling, any
    /// case) and is echoed as given; a glob matches names case-insensitively,
    /// old aliases included. Each directive is listed once.
    ///
    /// ```
    /// let ks = embedis::Keyspace::new(embedis::Config::default());
    /// let pairs = ks.config_get(&[b"maxmemory-p*".as_slice()]);
    /// assert_eq!(pairs, vec![(b"maxmemory-policy".to_vec(), b"noeviction".to_vec())]);
    /// ```
    ///
    /// # Complexity
    /// O(patterns x directives).
    pub fn config_get(&self, patterns: &[&[u8]]) -> Vec<(Vec<u8>, Vec<u8>)> {
        let mut out: Vec<(Vec<u8>, &Directive)> = Vec::new();
        let seen = |out: &[(Vec<u8>, &Directive)], name: &[u8]| {
            out.iter().any(|(n, _)| n.eq_ignore_ascii_case(name))
        };
        for &pattern in patterns {
            if !c_str(pattern)
                .iter()
                .any(|b| matches!(b, b'*' | b'?' | b'['))
            {
                if let Some((d, _)) = lookup(pattern).filter(|_| !seen(&out, pattern)) {
                    out.push((pattern.to_vec(), d));
                }
                continue;
            }
            for d in DIRECTIVES {
                for name in std::iter::once(d.name).chain(d.alias) {
                    if !seen(&out, name.as_bytes()) && glob_nocase(c_str(pattern), name.as_bytes())
                    {
                        out.push((name.as_bytes().to_vec(), d));
                    }
                }
            }
        }
        out.into_iter()
            .map(|(name, d)| (name, self.config.directive_value(d)))
            .collect()
    }

    /// ```text
    /// CONFIG SET name value [name value ...]
    /// ```
    /// Sets every directive or none. Values parse as Redis parses them:
    /// memory amounts (`100mb`, `5k`, `1gb`) for memory directives, strict
    /// integers within each directive's bounds, policy names, event letters.
    ///
    /// ```
    /// let mut ks = embedis::Keyspace::new(embedis::Config::default());
    /// ks.config_set(&[(b"maxmemory".as_slice(), b"100mb".as_slice())]).unwrap();
    /// assert_eq!(ks.config().maxmemory, 100 * 1024 * 1024);
    /// assert!(ks.config_set(&[(b"databases".as_slice(), b"4".as_slice())]).is_err());
    /// ```
    ///
    /// # Errors
    /// - `ERR Unknown option or number of arguments for CONFIG SET - '<name>'`
    /// - `ERR CONFIG SET failed (possibly related to argument '<name>') - <reason>`,
    ///   where the reason is `can't set immutable config` (`databases`,
    ///   `cluster-enabled`), `duplicate parameter`, or the value's parse or
    ///   range error.
    ///
    /// # Complexity
    /// O(pairs x directives).
    pub fn config_set(&mut self, pairs: &[(&[u8], &[u8])]) -> Result<()> {
        self.config_set_checked(pairs)
            .map_err(|e| Error::other(String::from_utf8_lossy(&e.text()).into_owned()))
    }

    /// [`Keyspace::config_set`] with the failure kept as bytes.
    pub(crate) fn config_set_checked(&mut self, pairs: &[(&[u8], &[u8])]) -> Result<(), SetError> {
        let mut targets: Vec<(&Directive, bool)> = Vec::with_capacity(pairs.len());
        for &(name, _) in pairs {
            let Some((d, via_alias)) = lookup(name) else {
                return Err(SetError::Unknown(name.to_vec()));
            };
            let failed = |reason: &'static str| SetError::Failed {
                arg: name.to_vec(),
                reason: reason.into(),
            };
            if !d.mutable {
                return Err(failed("can't set immutable config"));
            }
            // Redis registers an alias as a separate entry, so setting both
            // spellings in one call is not a duplicate.
            if targets
                .iter()
                .any(|&(t, a)| std::ptr::eq(t, d) && a == via_alias)
            {
                return Err(failed("duplicate parameter"));
            }
            targets.push((d, via_alias));
        }
        let mut next = self.config.clone();
        for (&(d, via_alias), &(_, value)) in targets.iter().zip(pairs) {
            next.set_directive(d, value).map_err(|reason| {
                let name = if via_alias {
                    d.alias.unwrap_or(d.name)
                } else {
                    d.name
                };
                SetError::Failed {
                    arg: name.as_bytes().to_vec(),
                    reason,
                }
            })?;
        }
        self.config = next;
        Ok(())
    }

    /// ```text
    /// CONFIG RESETSTAT
    /// ```
    /// Zeroes the counters INFO reports (hits, misses, expired and evicted
    /// keys, commands processed). The write counter (`dirty`) is not a
    /// statistic and stays.
    ///
    /// # Complexity
    /// O(1).
    pub fn config_resetstat(&mut self) {
        self.stats = Stats {
            dirty: self.stats.dirty,
            ..Stats::default()
        };
    }
}

/// Redis glob matching, ASCII case-insensitive (CONFIG GET patterns).
/// `*` any run, `?` one byte, `[abc]`, `[^a]`, `[a-z]` classes, `\x` literal.
fn glob_nocase(pattern: &[u8], name: &[u8]) -> bool {
    let (mut p, mut s) = (pattern, name);
    while let Some(&c) = p.first() {
        match c {
            b'*' => {
                while p.first() == Some(&b'*') {
                    p = &p[1..];
                }
                if p.is_empty() {
                    return true;
                }
                return (0..s.len()).any(|i| glob_nocase(p, &s[i..]));
            }
            b'?' => {
                let Some((_, rest)) = s.split_first() else {
                    return false;
                };
                s = rest;
                p = &p[1..];
            }
            b'[' => {
                let Some((&b, rest)) = s.split_first() else {
                    return false;
                };
                let (matched, after) = class_match(&p[1..], b);
                if !matched {
                    return false;
                }
                s = rest;
                p = after;
            }
            _ => {
                let (lit, after) = if c == b'\\' && p.len() >= 2 {
                    (p[1], &p[2..])
                } else {
                    (c, &p[1..])
                };
                match s.split_first() {
                    Some((&b, rest)) if b.eq_ignore_ascii_case(&lit) => s = rest,
                    _ => return false,
                }
                p = after;
            }
        }
    }
    s.is_empty()
}

/// Matches byte `b` against the class body after `[`; returns the result and
/// the pattern after the closing `]` (or the end, when it is missing).
fn class_match(mut p: &[u8], b: u8) -> (bool, &[u8]) {
    let b = b.to_ascii_lowercase();
    let negate = p.first() == Some(&b'^');
    if negate {
        p = &p[1..];
    }
    let mut hit = false;
    loop {
        match p {
            [] => break,
            [b']', rest @ ..] => {
                p = rest;
                break;
            }
            [b'\\', c, rest @ ..] => {
                hit |= c.to_ascii_lowercase() == b;
                p = rest;
            }
            [lo, b'-', hi, rest @ ..] => {
                let (lo, hi) = (lo.to_ascii_lowercase(), hi.to_ascii_lowercase());
                let (lo, hi) = if lo > hi { (hi, lo) } else { (lo, hi) };
                hit |= (lo..=hi).contains(&b);
                p = rest;
            }
            [c, rest @ ..] => {
                hit |= c.to_ascii_lowercase() == b;
                p = rest;
            }
        }
    }
    (hit != negate, p)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    #[test]
    fn glob_is_case_insensitive() {
        assert!(glob_nocase(b"HASH-*", b"hash-max-listpack-value"));
        assert!(glob_nocase(b"h?", b"hz"));
        assert!(glob_nocase(b"[^a]Z", b"hz"));
        assert!(glob_nocase(b"[z-a]*", b"hz"));
        assert!(glob_nocase(b"\\hz", b"hz"));
        assert!(!glob_nocase(b"h", b"hz"));
        assert!(!glob_nocase(b"*x", b"hz"));
        assert!(glob_nocase(b"h*z*", b"hz"));
    }

    #[test]
    fn resetstat_keeps_dirty() {
        let mut ks = Keyspace::new(Config::default());
        ks.stats.keyspace_hits = 3;
        ks.stats.total_commands_processed = 9;
        ks.stats.dirty = 5;
        ks.config_resetstat();
        assert_eq!(
            ks.stats(),
            Stats {
                dirty: 5,
                ..Stats::default()
            }
        );
    }
}
