//! CONFIG GET, SET and RESETSTAT as typed [`Keyspace`] methods.

use std::borrow::Cow;

use super::directives::{DIRECTIVES, Directive, c_str, lookup};
use crate::error::{Error, Result};
use crate::keyspace::{Keyspace, Stats};
use crate::util::glob::Glob;

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
            let glob = Glob::new(c_str(pattern), true);
            for d in DIRECTIVES {
                for name in std::iter::once(d.name).chain(d.alias) {
                    if !seen(&out, name.as_bytes()) && glob.matches(name.as_bytes()) {
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
        *self.config_mut() = next;
        Ok(())
    }

    /// ```text
    /// CONFIG RESETSTAT
    /// ```
    /// Zeroes the counters INFO reports, as Redis: hits, misses, expired and
    /// evicted keys, commands processed, error replies, the per-command and
    /// per-error tables. The write counter (`dirty`), the slow log and the
    /// memory peak stay.
    ///
    /// # Complexity
    /// O(commands used + error codes seen).
    pub fn config_resetstat(&mut self) {
        self.stats = Stats {
            dirty: self.stats.dirty,
            ..Stats::default()
        };
        self.introspection.reset_stats();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    #[test]
    fn get_by_name_alias_and_glob() {
        let ks = Keyspace::new(Config::default());
        let names = |patterns: &[&[u8]]| -> Vec<Vec<u8>> {
            ks.config_get(patterns)
                .into_iter()
                .map(|(n, _)| n)
                .collect()
        };
        assert_eq!(names(&[b"HZ", b"hz", b"h?"]), vec![b"HZ".to_vec()]);
        assert_eq!(names(&[b"[^a]Z"]), vec![b"hz".to_vec()]);
        assert_eq!(
            names(&[b"hash-max-ziplist-value"]),
            vec![b"hash-max-ziplist-value".to_vec()]
        );
        assert_eq!(names(&[b"LIST-*"]).len(), 3);
        assert!(names(&[b"nosuch", b"x*"]).is_empty());
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
