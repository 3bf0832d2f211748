//! Redis glob matching (KEYS, SCAN MATCH, CONFIG GET patterns), with the
//! exact rules of Redis 7.0's `stringmatchlen`.
//!
//! # Rules
//!
//! - `*` matches any run of bytes (runs of `*` count as one), `?` any one byte.
//! - `[...]` matches one byte from a class; `[^...]` negates it. Inside a
//!   class, `\x` is the literal `x` (compared case-sensitively even in
//!   no-case mode), `a-z` is a range whose ends may come in either order, and
//!   anything else is a literal. Range ends and the subject byte compare as
//!   C `char`s, which are signed on x86-64: bytes `0x80..=0xFF` sort *below*
//!   `0x00`, so `[a-\xff]` holds `\xff..=a` rather than `a..=\xff`.
//! - A class with no closing `]` takes the rest of the pattern as its body
//!   (`[abc` matches one of `a`, `b`, `c`; `[^` matches any byte; `[` alone
//!   matches nothing). `]` right after `[` closes an empty class, which
//!   matches nothing (or everything, negated).
//! - A range is recognised before `]`: `[a-]` is the range `]..=a` in an
//!   unterminated class, as Redis reads it.
//! - `\x` outside a class is the literal `x`; a trailing `\` is a literal
//!   backslash.
//! - The empty subject matches only the empty pattern (not even `*`): Redis
//!   only enters its matching loop with bytes left to match. KEYS and SCAN
//!   treat the pattern `*` as "everything" before calling the matcher, so
//!   they still list the empty key for `*`.
//! - No-case mode folds ASCII letters only (C locale `tolower`).
//!
//! # Algorithm
//!
//! The pattern is compiled once into tokens that each match exactly one
//! byte, plus `*`. Matching then needs only one backtracking point, the most
//! recent `*`: when a later token fails, that star absorbs one more byte and
//! matching resumes after it. Because every other token consumes exactly one
//! byte, retrying earlier stars can never succeed where the latest one failed,
//! so this gives the same answers as Redis's recursive matcher in
//! O(pattern * subject) time and constant stack.

/// One element of a compiled pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    /// `*` (a run of them).
    Star,
    /// `?`
    Any,
    /// A literal byte (possibly escaped).
    Byte(u8),
    /// `[...]`: the index range of its items in `Glob::items`.
    Class {
        negate: bool,
        start: usize,
        end: usize,
    },
}

/// One element of a bracket class.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ClassItem {
    /// `\x`: exact byte, never case-folded.
    Escaped(u8),
    /// `a-z`, ends as written.
    Range(u8, u8),
    /// A plain byte.
    Byte(u8),
}

/// A compiled Redis glob pattern.
///
/// ```
/// use embedis::util::glob::Glob;
/// let g = Glob::new(b"user:[0-9]*", false);
/// assert!(g.matches(b"user:42"));
/// assert!(!g.matches(b"user:x"));
/// ```
#[derive(Debug, Clone)]
pub struct Glob {
    tokens: Vec<Token>,
    items: Vec<ClassItem>,
    nocase: bool,
    empty: bool,
}

/// Folds an ASCII letter to lowercase, as C `tolower` in the C locale.
fn fold(b: u8, nocase: bool) -> u8 {
    if nocase { b.to_ascii_lowercase() } else { b }
}

/// A byte as the C `char` Redis compares ranges with (signed on x86-64).
fn signed(b: u8) -> i8 {
    // Reinterpreting the bits is the point: C's `char` is signed here.
    b as i8
}

impl Glob {
    /// Compiles `pattern`; `nocase` folds ASCII case (CONFIG GET uses it).
    pub fn new(pattern: &[u8], nocase: bool) -> Glob {
        let mut g = Glob {
            tokens: Vec::new(),
            items: Vec::new(),
            nocase,
            empty: pattern.is_empty(),
        };
        let mut i = 0;
        while i < pattern.len() {
            match pattern[i] {
                b'*' => {
                    if g.tokens.last() != Some(&Token::Star) {
                        g.tokens.push(Token::Star);
                    }
                    i += 1;
                }
                b'?' => {
                    g.tokens.push(Token::Any);
                    i += 1;
                }
                b'[' => i = g.compile_class(pattern, i + 1),
                b'\\' if i + 1 < pattern.len() => {
                    g.tokens.push(Token::Byte(pattern[i + 1]));
                    i += 2;
                }
                b => {
                    g.tokens.push(Token::Byte(b));
                    i += 1;
                }
            }
        }
        g
    }

    /// Compiles the class whose body starts at `i` (just after `[`) and
    /// returns the index after it.
    fn compile_class(&mut self, pattern: &[u8], mut i: usize) -> usize {
        let negate = pattern.get(i) == Some(&b'^');
        if negate {
            i += 1;
        }
        let start = self.items.len();
        loop {
            let left = pattern.len() - i;
            if left == 0 {
                break;
            }
            let b = pattern[i];
            if b == b'\\' && left >= 2 {
                self.items.push(ClassItem::Escaped(pattern[i + 1]));
                i += 2;
            } else if b == b']' {
                i += 1;
                break;
            } else if left >= 3 && pattern[i + 1] == b'-' {
                self.items.push(ClassItem::Range(b, pattern[i + 2]));
                i += 3;
            } else {
                self.items.push(ClassItem::Byte(b));
                i += 1;
            }
        }
        self.tokens.push(Token::Class {
            negate,
            start,
            end: self.items.len(),
        });
        i
    }

    /// True when the pattern matches all of `subject`.
    pub fn matches(&self, subject: &[u8]) -> bool {
        if subject.is_empty() {
            return self.empty;
        }
        let (mut t, mut s) = (0, 0);
        // The token after the latest star, and the subject position that star
        // currently stops at.
        let mut backtrack: Option<(usize, usize)> = None;
        while s < subject.len() {
            match self.tokens.get(t) {
                Some(Token::Star) => {
                    t += 1;
                    backtrack = Some((t, s));
                    continue;
                }
                Some(tok) if self.token_matches(tok, subject[s]) => {
                    t += 1;
                    s += 1;
                    continue;
                }
                _ => {}
            }
            match backtrack {
                Some((bt, bs)) => {
                    t = bt;
                    s = bs + 1;
                    backtrack = Some((bt, bs + 1));
                }
                None => return false,
            }
        }
        self.tokens[t..].iter().all(|tok| *tok == Token::Star)
    }

    fn token_matches(&self, tok: &Token, c: u8) -> bool {
        match *tok {
            Token::Star => false,
            Token::Any => true,
            Token::Byte(b) => fold(b, self.nocase) == fold(c, self.nocase),
            Token::Class { negate, start, end } => {
                let hit = self.items[start..end]
                    .iter()
                    .any(|item| self.item_matches(*item, c));
                hit != negate
            }
        }
    }

    fn item_matches(&self, item: ClassItem, c: u8) -> bool {
        match item {
            ClassItem::Escaped(b) => b == c,
            ClassItem::Byte(b) => fold(b, self.nocase) == fold(c, self.nocase),
            ClassItem::Range(a, b) => {
                let (lo, hi) = if signed(a) > signed(b) {
                    (b, a)
                } else {
                    (a, b)
                };
                let (lo, hi, c) = (
                    fold(lo, self.nocase),
                    fold(hi, self.nocase),
                    fold(c, self.nocase),
                );
                (signed(lo)..=signed(hi)).contains(&signed(c))
            }
        }
    }
}

/// True when `pattern` matches all of `subject` under Redis's glob rules.
///
/// ```
/// use embedis::util::glob::glob_match;
/// assert!(glob_match(b"h?llo", b"hello", false));
/// assert!(glob_match(b"H[A-Z]LLO", b"hello", true));
/// assert!(!glob_match(b"*", b"", false));
/// ```
pub fn glob_match(pattern: &[u8], subject: &[u8], nocase: bool) -> bool {
    Glob::new(pattern, nocase).matches(subject)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A direct transcription of the recursive matching rules (without the
    /// early-exit optimisation), used as a reference for the compiled matcher.
    fn reference(p: &[u8], s: &[u8], nocase: bool) -> bool {
        fn at(p: &[u8], i: usize) -> u8 {
            p.get(i).copied().unwrap_or(0)
        }
        fn rec(p: &[u8], s: &[u8], nocase: bool) -> bool {
            let (mut pi, mut si) = (0usize, 0usize);
            while pi < p.len() && si < s.len() {
                match p[pi] {
                    b'*' => {
                        while pi + 1 < p.len() && p[pi + 1] == b'*' {
                            pi += 1;
                        }
                        if pi + 1 == p.len() {
                            return true;
                        }
                        while si < s.len() {
                            if rec(&p[pi + 1..], &s[si..], nocase) {
                                return true;
                            }
                            si += 1;
                        }
                        return false;
                    }
                    b'?' => si += 1,
                    b'[' => {
                        pi += 1;
                        let not = at(p, pi) == b'^';
                        if not {
                            pi += 1;
                        }
                        let mut hit = false;
                        loop {
                            let left = p.len() - pi;
                            if at(p, pi) == b'\\' && left >= 2 {
                                pi += 1;
                                hit |= p[pi] == s[si];
                            } else if at(p, pi) == b']' && left > 0 {
                                break;
                            } else if left == 0 {
                                pi -= 1;
                                break;
                            } else if left >= 3 && p[pi + 1] == b'-' {
                                let (mut a, mut b) = (signed(p[pi]), signed(p[pi + 2]));
                                if a > b {
                                    std::mem::swap(&mut a, &mut b);
                                }
                                let f = |x: i8| signed(fold(x as u8, nocase));
                                let c = f(signed(s[si]));
                                hit |= f(a) <= c && c <= f(b);
                                pi += 2;
                            } else {
                                hit |= fold(p[pi], nocase) == fold(s[si], nocase);
                            }
                            pi += 1;
                        }
                        if hit == not {
                            return false;
                        }
                        si += 1;
                    }
                    c => {
                        let c = if c == b'\\' && p.len() - pi >= 2 {
                            pi += 1;
                            p[pi]
                        } else {
                            c
                        };
                        if fold(c, nocase) != fold(s[si], nocase) {
                            return false;
                        }
                        si += 1;
                    }
                }
                pi += 1;
                if si == s.len() {
                    while pi < p.len() && p[pi] == b'*' {
                        pi += 1;
                    }
                    break;
                }
            }
            pi == p.len() && si == s.len()
        }
        rec(p, s, nocase)
    }

    fn m(p: &str, s: &str) -> bool {
        glob_match(p.as_bytes(), s.as_bytes(), false)
    }

    #[test]
    fn basics() {
        assert!(m("*", "abc"));
        assert!(!m("*", ""));
        assert!(m("", ""));
        assert!(!m("", "a"));
        assert!(m("a*", "a"));
        assert!(m("a**b", "ab"));
        assert!(m("*b*", "abc"));
        assert!(!m("*b*", "acd"));
        assert!(m("h?llo", "hallo"));
        assert!(!m("h?llo", "hllo"));
        assert!(m("h[ae]llo", "hello"));
        assert!(!m("h[^e]llo", "hello"));
        assert!(m("h[a-b]llo", "hbllo"));
        assert!(m("h[b-a]llo", "hallo"), "reversed ranges work");
        assert!(!m("A", "a"));
        assert!(glob_match(b"A[B-C]", b"ab", true));
    }

    #[test]
    fn escapes_and_unterminated_classes() {
        assert!(m("\\*", "*"));
        assert!(!m("\\*", "a"));
        assert!(m("a\\", "a\\"), "trailing backslash is literal");
        assert!(m("[\\]]", "]"));
        assert!(m("[abc", "b"), "unterminated class takes the rest");
        assert!(!m("[abc", "bc"));
        assert!(!m("[", "["));
        assert!(m("[^", "x"));
        assert!(!m("[]", "]"), "[] is an empty class");
        assert!(!m("[]a", "a"));
        assert!(m("[^]a", "xa"));
        assert!(m("[a-]", "_"), "[a-] is the range ]..=a");
        assert!(!m("[a-]", "-"));
        assert!(m("x[a-", "xa"));
        assert!(m("x[a-", "x-"));
        // Escaped bytes in a class ignore no-case mode.
        assert!(!glob_match(b"[\\A]", b"a", true));
        assert!(glob_match(b"\\A", b"a", true));
    }

    #[test]
    fn signed_char_ranges() {
        assert!(glob_match(b"[a-\xff]", b"\xff", false));
        assert!(!glob_match(b"[a-\xff]", b"\xf0", false), "-16 is below -1");
        assert!(glob_match(b"[a-\xff]", b"\x00", false));
        assert!(!glob_match(b"[a-\xff]", b"b", false));
        assert!(glob_match(b"[\x80-\x7f]", b"\x00", false));
    }

    #[test]
    fn nocase_ranges_fold_after_ordering() {
        // 'Z' < 'a', so no swap; folded the range becomes z..=a, which is empty.
        assert!(!glob_match(b"[Z-a]", b"_", true));
        assert!(glob_match(b"[Z-a]", b"_", false));
    }

    #[test]
    fn agrees_with_reference_on_exhaustive_small_inputs() {
        let alphabet: &[u8] = b"a*?[]^-\\A\xff";
        let subjects: &[&[u8]] = &[
            b"", b"a", b"A", b"-", b"]", b"^", b"\\", b"\xff", b"aa", b"a-", b"]a", b"aA\xff",
            b"ab",
        ];
        let mut pats: Vec<Vec<u8>> = vec![Vec::new()];
        for _ in 0..4 {
            let mut next = Vec::new();
            for p in &pats {
                for &c in alphabet {
                    let mut q = p.clone();
                    q.push(c);
                    next.push(q);
                }
            }
            pats.extend(next.into_iter().filter(|q| q.len() <= 4));
            pats.sort();
            pats.dedup();
        }
        for p in &pats {
            for nocase in [false, true] {
                let g = Glob::new(p, nocase);
                for s in subjects {
                    assert_eq!(
                        g.matches(s),
                        reference(p, s, nocase),
                        "pattern {p:?} subject {s:?} nocase {nocase}"
                    );
                }
            }
        }
    }

    #[test]
    fn many_stars_do_not_blow_up() {
        let pattern = "a*".repeat(50) + "b";
        let subject = "a".repeat(200);
        assert!(!m(&pattern, &subject));
    }
}
