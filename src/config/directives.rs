//! The CONFIG directives embedis carries: each one's Redis type, bounds and
//! alias, and Redis's value syntax (memory units, strict integers, policy
//! names, event-class letters).

use std::borrow::Cow;

use super::{Config, MaxmemoryPolicy};
use crate::util::num::parse_i64;

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
pub(super) fn lookup(name: &[u8]) -> Option<(&'static Directive, bool)> {
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
pub(super) fn c_str(bytes: &[u8]) -> &[u8] {
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
}
