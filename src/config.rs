//! Configuration, with one field per redis.conf directive (`-` becomes `_`).
//!
//! Defaults are Redis 7.0.15's compiled-in defaults (what a server started
//! without a config file uses), e.g. `hash-max-listpack-entries` is 512.
//! CONFIG GET/SET read and write these fields through a table of directives
//! ([`Keyspace::config_get`], [`Keyspace::config_set`]) that knows each one's
//! Redis type, bounds, alias and value syntax.

use std::borrow::Cow;

use crate::error::{Error, Result};
use crate::keyspace::{Keyspace, Stats};
use crate::util::num::parse_i64;

/// Which keys `maxmemory` may evict (`maxmemory-policy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MaxmemoryPolicy {
    /// Evict nothing; writes that may grow memory fail with OOM.
    #[default]
    Noeviction,
    /// Approximate LRU over all keys.
    AllkeysLru,
    /// Approximate LFU over all keys.
    AllkeysLfu,
    /// Random keys.
    AllkeysRandom,
    /// Approximate LRU over keys with a TTL.
    VolatileLru,
    /// Approximate LFU over keys with a TTL.
    VolatileLfu,
    /// Random keys with a TTL.
    VolatileRandom,
    /// Keys with the nearest expiry first.
    VolatileTtl,
}

impl MaxmemoryPolicy {
    /// Every policy, in the order redis.conf documents them.
    pub const ALL: [MaxmemoryPolicy; 8] = [
        MaxmemoryPolicy::VolatileLru,
        MaxmemoryPolicy::AllkeysLru,
        MaxmemoryPolicy::VolatileLfu,
        MaxmemoryPolicy::AllkeysLfu,
        MaxmemoryPolicy::VolatileRandom,
        MaxmemoryPolicy::AllkeysRandom,
        MaxmemoryPolicy::VolatileTtl,
        MaxmemoryPolicy::Noeviction,
    ];

    /// The redis.conf spelling, e.g. `allkeys-lru`.
    pub fn as_str(self) -> &'static str {
        match self {
            MaxmemoryPolicy::Noeviction => "noeviction",
            MaxmemoryPolicy::AllkeysLru => "allkeys-lru",
            MaxmemoryPolicy::AllkeysLfu => "allkeys-lfu",
            MaxmemoryPolicy::AllkeysRandom => "allkeys-random",
            MaxmemoryPolicy::VolatileLru => "volatile-lru",
            MaxmemoryPolicy::VolatileLfu => "volatile-lfu",
            MaxmemoryPolicy::VolatileRandom => "volatile-random",
            MaxmemoryPolicy::VolatileTtl => "volatile-ttl",
        }
    }

    /// Parses the redis.conf spelling, case-insensitively.
    pub fn parse(name: &[u8]) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|p| p.as_str().as_bytes().eq_ignore_ascii_case(name))
    }

    /// True for the two LFU policies (OBJECT FREQ works, IDLETIME does not).
    pub fn is_lfu(self) -> bool {
        matches!(
            self,
            MaxmemoryPolicy::AllkeysLfu | MaxmemoryPolicy::VolatileLfu
        )
    }

    /// True for the policies that track access time or frequency per key,
    /// which stops Redis from sharing small integer objects.
    pub fn tracks_access(self) -> bool {
        matches!(
            self,
            MaxmemoryPolicy::AllkeysLru
                | MaxmemoryPolicy::VolatileLru
                | MaxmemoryPolicy::AllkeysLfu
                | MaxmemoryPolicy::VolatileLfu
        )
    }
}

/// Keyspace configuration. Field names are redis.conf directives.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Config {
    /// `databases`: number of logical databases (SELECT 0..n-1).
    pub databases: usize,
    /// `hash-max-listpack-entries`: most fields a listpack hash holds.
    pub hash_max_listpack_entries: usize,
    /// `hash-max-listpack-value`: longest field or value (bytes) in a listpack hash.
    pub hash_max_listpack_value: usize,
    /// `zset-max-listpack-entries`: most members a listpack sorted set holds.
    pub zset_max_listpack_entries: usize,
    /// `zset-max-listpack-value`: longest member (bytes) in a listpack sorted set.
    pub zset_max_listpack_value: usize,
    /// `set-max-intset-entries`: most members an intset holds.
    pub set_max_intset_entries: usize,
    /// `list-max-listpack-size`: negative = bytes per quicklist node class, positive = entries.
    pub list_max_listpack_size: i64,
    /// `list-compress-depth`: quicklist nodes left uncompressed at each end (0 = none compressed).
    pub list_compress_depth: usize,
    /// `hll-sparse-max-bytes`: largest sparse HyperLogLog, header included.
    pub hll_sparse_max_bytes: usize,
    /// `stream-node-max-bytes`: largest stream listpack node.
    pub stream_node_max_bytes: usize,
    /// `stream-node-max-entries`: most entries in one stream node.
    pub stream_node_max_entries: usize,
    /// `proto-max-bulk-len`: largest string value (SETRANGE, APPEND, SETBIT limit).
    pub proto_max_bulk_len: u64,
    /// `maxmemory`: memory limit in bytes, 0 = none.
    pub maxmemory: u64,
    /// `maxmemory-policy`.
    pub maxmemory_policy: MaxmemoryPolicy,
    /// `maxmemory-samples`: keys sampled per eviction round.
    pub maxmemory_samples: u32,
    /// `maxmemory-eviction-tenacity`: eviction effort per command (0-100).
    pub maxmemory_eviction_tenacity: u32,
    /// `lfu-log-factor`: how slowly the LFU counter grows.
    pub lfu_log_factor: u32,
    /// `lfu-decay-time`: minutes per LFU counter decrement, 0 = never decay.
    pub lfu_decay_time: u32,
    /// `active-expire-effort`: 1-10, scales the active expire cycle.
    pub active_expire_effort: u32,
    /// `hz`: how often a host is expected to drive background work per second.
    pub hz: u32,
    /// `notify-keyspace-events`: keyspace notification classes (empty = off).
    pub notify_keyspace_events: String,
    /// `cluster-enabled`: keep a per-slot key index and refuse cross-slot commands.
    pub cluster_enabled: bool,
    /// `slowlog-log-slower-than`: microseconds; negative disables the slow log.
    pub slowlog_log_slower_than: i64,
    /// `slowlog-max-len`: entries kept in the slow log.
    pub slowlog_max_len: u64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            databases: 16,
            hash_max_listpack_entries: 512,
            hash_max_listpack_value: 64,
            zset_max_listpack_entries: 128,
            zset_max_listpack_value: 64,
            set_max_intset_entries: 512,
            list_max_listpack_size: -2,
            list_compress_depth: 0,
            hll_sparse_max_bytes: 3000,
            stream_node_max_bytes: 4096,
            stream_node_max_entries: 100,
            proto_max_bulk_len: 512 * 1024 * 1024,
            maxmemory: 0,
            maxmemory_policy: MaxmemoryPolicy::Noeviction,
            maxmemory_samples: 5,
            maxmemory_eviction_tenacity: 10,
            lfu_log_factor: 10,
            lfu_decay_time: 1,
            active_expire_effort: 1,
            hz: 10,
            notify_keyspace_events: String::new(),
            cluster_enabled: false,
            slowlog_log_slower_than: 10_000,
            slowlog_max_len: 128,
        }
    }
}

// ---------------------------------------------------------------------------
// Directives: the names CONFIG GET/SET know, how their values parse and print.
// ---------------------------------------------------------------------------

/// How a directive's value is parsed and printed.
#[derive(Clone, Copy)]
pub(crate) enum Kind {
    /// An integer (or memory amount) held as Redis holds it, in 64 bits.
    Number(Number),
    /// `maxmemory-policy`.
    Policy,
    /// A yes/no flag.
    Bool(fn(&Config) -> bool),
    /// `notify-keyspace-events`: a set of event-class letters.
    Events,
}

/// A numeric directive: accessors through Redis's `long long` view of the
/// value, and the inclusive bounds CONFIG SET enforces.
#[derive(Clone, Copy)]
pub(crate) struct Number {
    get: fn(&Config) -> i64,
    set: fn(&mut Config, i64),
    min: i64,
    max: i64,
    /// The bounds are compared (and printed) as unsigned, as Redis does for
    /// `size_t` and `unsigned long long` settings.
    unsigned: bool,
    /// Accepts and prints memory amounts (`5k`, `100mb`, `1gb`).
    memory: bool,
}

/// One CONFIG directive.
pub(crate) struct Directive {
    /// The redis.conf name.
    pub(crate) name: &'static str,
    /// The pre-7.0 name that still works (`hash-max-ziplist-entries`).
    pub(crate) alias: Option<&'static str>,
    /// False for the directives only settable at startup.
    pub(crate) mutable: bool,
    pub(crate) kind: Kind,
}

const INT_MAX: i64 = i32::MAX as i64;
const INT_MIN: i64 = i32::MIN as i64;
const LONG_MAX: i64 = i64::MAX;

/// Builds a numeric directive over one `Config` field.
macro_rules! number {
    ($name:literal, $alias:expr, $field:ident, $min:expr, $max:expr, $unsigned:expr, $memory:expr) => {
        Directive {
            name: $name,
            alias: $alias,
            mutable: true,
            kind: Kind::Number(Number {
                get: |c| c.$field as i64,
                set: |c, v| c.$field = v as _,
                min: $min,
                max: $max,
                unsigned: $unsigned,
                memory: $memory,
            }),
        }
    };
}

/// Every directive embedis carries, with Redis 7.0.15's types and bounds.
pub(crate) const DIRECTIVES: &[Directive] = &[
    Directive {
        name: "databases",
        alias: None,
        mutable: false,
        kind: Kind::Number(Number {
            get: |c| c.databases as i64,
            set: |c, v| c.databases = v as usize,
            min: 1,
            max: INT_MAX,
            unsigned: false,
            memory: false,
        }),
    },
    number!(
        "hash-max-listpack-entries",
        Some("hash-max-ziplist-entries"),
        hash_max_listpack_entries,
        0,
        LONG_MAX,
        true,
        false
    ),
    number!(
        "hash-max-listpack-value",
        Some("hash-max-ziplist-value"),
        hash_max_listpack_value,
        0,
        LONG_MAX,
        true,
        true
    ),
    number!(
        "zset-max-listpack-entries",
        Some("zset-max-ziplist-entries"),
        zset_max_listpack_entries,
        0,
        LONG_MAX,
        true,
        false
    ),
    number!(
        "zset-max-listpack-value",
        Some("zset-max-ziplist-value"),
        zset_max_listpack_value,
        0,
        LONG_MAX,
        true,
        true
    ),
    number!(
        "set-max-intset-entries",
        None,
        set_max_intset_entries,
        0,
        LONG_MAX,
        true,
        false
    ),
    number!(
        "list-max-listpack-size",
        Some("list-max-ziplist-size"),
        list_max_listpack_size,
        INT_MIN,
        INT_MAX,
        false,
        false
    ),
    number!(
        "list-compress-depth",
        None,
        list_compress_depth,
        0,
        INT_MAX,
        false,
        false
    ),
    number!(
        "hll-sparse-max-bytes",
        None,
        hll_sparse_max_bytes,
        0,
        LONG_MAX,
        true,
        true
    ),
    number!(
        "stream-node-max-bytes",
        None,
        stream_node_max_bytes,
        0,
        LONG_MAX,
        true,
        true
    ),
    number!(
        "stream-node-max-entries",
        None,
        stream_node_max_entries,
        0,
        i64::MAX,
        false,
        false
    ),
    number!(
        "proto-max-bulk-len",
        None,
        proto_max_bulk_len,
        1024 * 1024,
        LONG_MAX,
        false,
        true
    ),
    // Redis's bounds are 0..ULLONG_MAX: every value passes (-1 is ULLONG_MAX unsigned).
    number!("maxmemory", None, maxmemory, 0, -1, true, true),
    Directive {
        name: "maxmemory-policy",
        alias: None,
        mutable: true,
        kind: Kind::Policy,
    },
    number!(
        "maxmemory-samples",
        None,
        maxmemory_samples,
        1,
        INT_MAX,
        false,
        false
    ),
    number!(
        "maxmemory-eviction-tenacity",
        None,
        maxmemory_eviction_tenacity,
        0,
        100,
        false,
        false
    ),
    number!(
        "lfu-log-factor",
        None,
        lfu_log_factor,
        0,
        INT_MAX,
        false,
        false
    ),
    number!(
        "lfu-decay-time",
        None,
        lfu_decay_time,
        0,
        INT_MAX,
        false,
        false
    ),
    number!(
        "active-expire-effort",
        None,
        active_expire_effort,
        1,
        10,
        false,
        false
    ),
    Directive {
        name: "hz",
        alias: None,
        mutable: true,
        kind: Kind::Number(Number {
            get: |c| i64::from(c.hz),
            // Any int is accepted, then held to 1..=500 (Redis treats hz as a hint).
            set: |c, v| c.hz = v.clamp(HZ_MIN, HZ_MAX) as u32,
            min: 0,
            max: INT_MAX,
            unsigned: false,
            memory: false,
        }),
    },
    Directive {
        name: "notify-keyspace-events",
        alias: None,
        mutable: true,
        kind: Kind::Events,
    },
    Directive {
        name: "cluster-enabled",
        alias: None,
        mutable: false,
        kind: Kind::Bool(|c| c.cluster_enabled),
    },
    number!(
        "slowlog-log-slower-than",
        None,
        slowlog_log_slower_than,
        -1,
        i64::MAX,
        false,
        false
    ),
    number!(
        "slowlog-max-len",
        None,
        slowlog_max_len,
        0,
        LONG_MAX,
        false,
        false
    ),
];

const HZ_MIN: i64 = 1;
const HZ_MAX: i64 = 500;

/// The directive called `name` (either spelling, any case), and whether
/// `name` is its alias.
pub(crate) fn lookup(name: &[u8]) -> Option<(&'static Directive, bool)> {
    DIRECTIVES.iter().find_map(|d| {
        if name.eq_ignore_ascii_case(d.name.as_bytes()) {
            Some((d, false))
        } else if d
            .alias
            .is_some_and(|a| name.eq_ignore_ascii_case(a.as_bytes()))
        {
            Some((d, true))
        } else {
            None
        }
    })
}

/// The part of `bytes` before the first NUL: Redis reads some values as C strings.
fn c_str(bytes: &[u8]) -> &[u8] {
    bytes
        .iter()
        .position(|&b| b == 0)
        .map_or(bytes, |end| &bytes[..end])
}

/// Parses a memory amount as Redis's `memtoull`: digits then an optional
/// unit (`b`, `k`=1000, `kb`=1024, `m`, `mb`, `g`, `gb`, any case). No digits
/// reads as 0; a digit run past `u64` saturates; the product wraps.
fn parse_memory(value: &[u8]) -> Option<u64> {
    let value = c_str(value);
    let digits = value.iter().take_while(|b| b.is_ascii_digit()).count();
    let unit = value[digits..].to_ascii_lowercase();
    let mul: u64 = match unit.as_slice() {
        b"" | b"b" => 1,
        b"k" => 1000,
        b"kb" => 1024,
        b"m" => 1000 * 1000,
        b"mb" => 1024 * 1024,
        b"g" => 1000 * 1000 * 1000,
        b"gb" => 1024 * 1024 * 1024,
        _ => return None,
    };
    if digits >= 128 {
        return None;
    }
    let n = value[..digits]
        .iter()
        .try_fold(0u64, |acc, d| {
            acc.checked_mul(10)?.checked_add(u64::from(d - b'0'))
        })
        .unwrap_or(u64::MAX);
    Some(n.wrapping_mul(mul))
}

/// Event-class letters and their bits, in the order Redis prints them.
const EVENT_CLASSES: [(u8, u32); 11] = [
    (b'g', 1 << 2),
    (b'$', 1 << 3),
    (b'l', 1 << 4),
    (b's', 1 << 5),
    (b'h', 1 << 6),
    (b'z', 1 << 7),
    (b'x', 1 << 8),
    (b'e', 1 << 9),
    (b't', 1 << 10),
    (b'd', 1 << 13),
    (b'n', 1 << 14),
];
const EVENT_KEYSPACE: u32 = 1;
const EVENT_KEYEVENT: u32 = 1 << 1;
const EVENT_KEY_MISS: u32 = 1 << 11;
/// What `A` stands for: every class but `m` and `n`.
const EVENT_ALL: u32 = (1 << 2)
    | (1 << 3)
    | (1 << 4)
    | (1 << 5)
    | (1 << 6)
    | (1 << 7)
    | (1 << 8)
    | (1 << 9)
    | (1 << 10)
    | (1 << 13);

/// Parses `notify-keyspace-events` letters into bits (None on an unknown letter).
fn parse_events(value: &[u8]) -> Option<u32> {
    c_str(value).iter().try_fold(0, |flags, &c| {
        let bit = match c {
            b'A' => EVENT_ALL,
            b'K' => EVENT_KEYSPACE,
            b'E' => EVENT_KEYEVENT,
            b'm' => EVENT_KEY_MISS,
            _ => EVENT_CLASSES.iter().find(|(l, _)| *l == c)?.1,
        };
        Some(flags | bit)
    })
}

/// The canonical spelling of event bits: `A` or the classes, then `K`, `E`, `m`.
fn format_events(flags: u32) -> String {
    let mut out = String::new();
    if flags & EVENT_ALL == EVENT_ALL {
        out.push('A');
    } else {
        for (letter, bit) in EVENT_CLASSES {
            if flags & bit != 0 {
                out.push(char::from(letter));
            }
        }
    }
    for (letter, bit) in [
        ('K', EVENT_KEYSPACE),
        ('E', EVENT_KEYEVENT),
        ('m', EVENT_KEY_MISS),
    ] {
        if flags & bit != 0 {
            out.push(letter);
        }
    }
    out
}

/// Redis's enum table order, used in the error listing the valid policies.
const POLICY_ERROR: &str = "argument(s) must be one of the following: volatile-lru, volatile-lfu, \
     volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, noeviction";

impl Config {
    /// The value of `d` as CONFIG GET prints it.
    pub(crate) fn directive_value(&self, d: &Directive) -> Vec<u8> {
        match d.kind {
            Kind::Number(n) => {
                let v = (n.get)(self);
                if n.memory {
                    (v as u64).to_string()
                } else {
                    v.to_string()
                }
                .into_bytes()
            }
            Kind::Policy => self.maxmemory_policy.as_str().as_bytes().to_vec(),
            Kind::Bool(get) => if get(self) { &b"yes"[..] } else { b"no" }.to_vec(),
            Kind::Events => match parse_events(self.notify_keyspace_events.as_bytes()) {
                Some(flags) => format_events(flags).into_bytes(),
                None => self.notify_keyspace_events.as_bytes().to_vec(),
            },
        }
    }

    /// Sets `d` from CONFIG SET's `value`, or returns the reason Redis gives
    /// for refusing it (the text after `- ` in the error).
    pub(crate) fn set_directive(
        &mut self,
        d: &Directive,
        value: &[u8],
    ) -> Result<(), Cow<'static, str>> {
        match d.kind {
            Kind::Number(n) => {
                let v = if n.memory {
                    parse_memory(value).ok_or("argument must be a memory value")? as i64
                } else {
                    parse_i64(value).ok_or("argument couldn't be parsed into an integer")?
                };
                n.check(v)?;
                (n.set)(self, v);
            }
            Kind::Policy => {
                self.maxmemory_policy = MaxmemoryPolicy::parse(c_str(value)).ok_or(POLICY_ERROR)?;
            }
            // Only `cluster-enabled` is boolean, and it is immutable.
            Kind::Bool(_) => return Err("can't set immutable config".into()),
            Kind::Events => {
                let flags = parse_events(value)
                    .ok_or("Invalid event class character. Use 'Ag$lshzxeKEtmdn'.")?;
                self.notify_keyspace_events = format_events(flags);
            }
        }
        Ok(())
    }
}

impl Number {
    /// Redis's bounds check, with its exact message.
    fn check(&self, v: i64) -> Result<(), Cow<'static, str>> {
        let inside = if self.unsigned {
            (self.min as u64..=self.max as u64).contains(&(v as u64))
        } else {
            (self.min..=self.max).contains(&v)
        };
        if inside {
            return Ok(());
        }
        Err(if self.unsigned {
            format!(
                "argument must be between {} and {} inclusive",
                self.min as u64, self.max as u64
            )
        } else {
            format!(
                "argument must be between {} and {} inclusive",
                self.min, self.max
            )
        }
        .into())
    }
}

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

    #[test]
    fn memory_values() {
        assert_eq!(parse_memory(b"1gb"), Some(1 << 30));
        assert_eq!(parse_memory(b"5K"), Some(5000));
        assert_eq!(parse_memory(b"100mB"), Some(100 << 20));
        assert_eq!(parse_memory(b""), Some(0));
        assert_eq!(parse_memory(b"kb"), Some(0));
        assert_eq!(parse_memory(b"7\0junk"), Some(7));
        assert_eq!(parse_memory(b"-1"), None);
        assert_eq!(parse_memory(b"+1"), None);
        assert_eq!(parse_memory(b"1tb"), None);
        assert_eq!(
            parse_memory(b"99999999999999999999999gb"),
            Some(u64::MAX.wrapping_mul(1 << 30))
        );
        assert_eq!(parse_memory(&[b'1'; 128]), None);
    }

    #[test]
    fn event_letters_round_trip_canonically() {
        let canon = |s: &[u8]| parse_events(s).map(format_events);
        assert_eq!(canon(b"KEA").as_deref(), Some("AKE"));
        assert_eq!(canon(b"g$lshzxetd").as_deref(), Some("A"));
        assert_eq!(canon(b"mEKn").as_deref(), Some("nKEm"));
        assert_eq!(canon(b"").as_deref(), Some(""));
        assert_eq!(canon(b"K?"), None);
    }

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
    fn every_field_has_one_directive() {
        let mut names: Vec<&str> = DIRECTIVES
            .iter()
            .flat_map(|d| std::iter::once(d.name).chain(d.alias))
            .collect();
        let before = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), before);
        assert_eq!(DIRECTIVES.len(), 24);
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
