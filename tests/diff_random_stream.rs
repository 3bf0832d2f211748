//! Random differential test of streams: proptest-generated sequences of
//! stream commands run on the oracle and on the command layer, replies
//! compared byte for byte (after parsing, with the few wall-clock cells
//! compared within a tolerance).
//!
//! # Determinism
//!
//! Both sides must generate the same IDs, so IDs are explicit. The grammar
//! emits placeholders the runner resolves, the same for both sides:
//! `@N` is a fresh ID N milliseconds after the previous fresh one (N = 0:
//! the next sequence number), `@N-*` the same with an automatic sequence,
//! `#K` the K-th fresh ID of the case (mod their number), `(#K` its
//! exclusive form and `#K.` its milliseconds alone. A plain `*` ID appears
//! only right after `XADD key 99999999999999-* ...`, so the stream's last
//! ID is in the far future and `*` yields last ID + 1 on both sides.
//!
//! Idle thresholds are 0 or an hour, and the IDLE/TIME options of XCLAIM
//! set delivery times that are now or more than an hour ago, so which
//! entries pass a min-idle test never depends on how long the run took.
//! The cells that report wall time (XPENDING's idle column, XINFO
//! CONSUMERS' idle, XINFO STREAM FULL's seen and delivery times) are
//! compared within [`TOLERANCE_MS`]. BLOCK is never generated (the oracle
//! would block), and no mutation token can introduce it or a small
//! positive idle threshold.
//!
//! After every command the keyspace's `validate()` checks the stream
//! invariants (nodes, counters, group and consumer PELs).
//!
//! Run longer with `EMBEDIS_RANDOM_CASES=5000 cargo test --test diff_random_stream`.

mod common;
mod random;

use common::{Pair, V, parse_reply as parse};
use proptest::prelude::*;
use proptest::strategy::Union;
use random::{Arg, Argv, Piece, alt, lit, many, one, opt, pick, seq};

/// Wall-clock cells may differ by this much between the two sides.
const TOLERANCE_MS: i64 = 5_000;

fn p(list: &'static [&'static str]) -> Piece {
    one(pick(list))
}

fn key() -> Piece {
    one(prop_oneof![8 => pick(&["s"]), 2 => pick(&["t"]), 1 => pick(&["str", "nosuch"])].boxed())
}

fn group() -> Piece {
    one(prop_oneof![6 => pick(&["g"]), 2 => pick(&["h"]), 1 => pick(&["nog"])].boxed())
}

fn consumer() -> Piece {
    p(&["alice", "bob", "carol"])
}

/// A fresh ID for XADD (mostly), a literal one, or a malformed one.
fn add_id() -> Piece {
    one(prop_oneof![
        8 => pick(&["@0", "@1", "@1", "@2"]),
        3 => pick(&["@0-*", "@1-*", "@2-*"]),
        1 => pick(&[
            "0-0", "0-1", "0", "0-*", "1", "3-*", "5-5",
            "18446744073709551615-18446744073709551615",
            "18446744073709551615-*", "18446744073709551614-18446744073709551615",
        ]),
        1 => pick(&["abc", "1-x", "-1", "+", "-", "", "1-", "-*", "1-2-3", "(1"]),
    ]
    .boxed())
}

/// An ID that probably names an entry of the case.
fn known_id() -> Piece {
    one(prop_oneof![
        8 => pick(&["#0", "#1", "#2", "#3", "#4", "#5", "#6", "#7", "#8", "#9"]),
        1 => pick(&["0-0", "0-1", "1", "2-0", "18446744073709551615-18446744073709551615"]),
        1 => pick(&["x", "-", "+", "1-x", ""]),
    ]
    .boxed())
}

/// A range bound: inclusive, exclusive, `-`/`+`, or malformed.
fn bound() -> Piece {
    one(prop_oneof![
        4 => pick(&["-", "+"]),
        4 => pick(&["#0", "#2", "#4", "#6", "#8", "#1.", "#5."]),
        3 => pick(&["(#0", "(#3", "(#5", "(#9"]),
        1 => pick(&["0", "(0-0", "(-", "(+", "(", "x", "(18446744073709551615-18446744073709551615"]),
    ]
    .boxed())
}

fn count() -> Piece {
    one(prop_oneof![6 => pick(&["0", "1", "2", "3", "10"]), 1 => pick(&["-1", "x"])].boxed())
}

fn fields() -> Piece {
    let field = p(&["f", "f", "g", "h", ""]);
    let value = one(prop_oneof![
        6 => pick(&["v", "1", "-7", "", "123456789012", "12345678901234567890", "a b"]),
        1 => pick(&["xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"]),
        1 => prop::collection::vec(any::<u8>(), 0..4),
    ]
    .boxed());
    prop_oneof![
        20 => many(seq(vec![field.clone(), value.clone()]), 1, 4),
        1 => seq(vec![field]),
    ]
    .boxed()
}

/// `MAXLEN|MINID [=|~] threshold [LIMIT n]`.
fn trim() -> Piece {
    let op = p(&["", "", "=", "~", "~"]).prop_map(|v| if v[0].is_empty() { Vec::new() } else { v });
    let maxlen = seq(vec![
        p(&["MAXLEN", "maxlen"]),
        op.clone().boxed(),
        p(&["0", "1", "2", "3", "5", "-1", "x"]),
    ]);
    let minid = seq(vec![lit("MINID"), op.boxed(), known_id()]);
    seq(vec![
        alt(vec![maxlen, minid]),
        opt(seq(vec![lit("LIMIT"), p(&["0", "1", "2", "5", "-1", "x"])])),
    ])
}

fn xadd() -> Piece {
    let opts = many(alt(vec![lit("NOMKSTREAM"), trim()]), 0, 2);
    seq(vec![key(), opts, add_id(), fields()])
}

fn xclaim_opts() -> Piece {
    many(
        alt(vec![
            seq(vec![lit("IDLE"), p(&["0", "1000000000", "-1", "x"])]),
            seq(vec![lit("TIME"), p(&["1000", "99999999999999", "-5", "x"])]),
            seq(vec![lit("RETRYCOUNT"), p(&["0", "5", "-1", "x"])]),
            lit("FORCE"),
            lit("JUSTID"),
            seq(vec![lit("LASTID"), known_id()]),
            lit("FOO"),
        ]),
        0,
        3,
    )
}

fn idle_threshold() -> Piece {
    one(prop_oneof![6 => pick(&["0", "3600000"]), 1 => pick(&["-5", "x"])].boxed())
}

/// One command per entry; weights favour the commands that build state.
fn grammar() -> Vec<(u32, &'static str, Piece)> {
    let entries_read = || {
        opt(seq(vec![
            lit("ENTRIESREAD"),
            p(&["0", "1", "3", "-1", "-2", "x"]),
        ]))
    };
    let start = || {
        one(prop_oneof![3 => pick(&["0", "$"]), 2 => pick(&["#1", "#4"]), 1 => pick(&["-", "+", "x"])].boxed())
    };
    vec![
        (14, "xadd", xadd()),
        (2, "xdel", seq(vec![key(), many(known_id(), 1, 4)])),
        (2, "xtrim", seq(vec![key(), trim()])),
        (3, "xrange", seq(vec![key(), bound(), bound(), opt(seq(vec![lit("COUNT"), count()]))])),
        (2, "xrevrange", seq(vec![key(), bound(), bound(), opt(seq(vec![lit("COUNT"), count()]))])),
        (1, "xlen", key()),
        (
            2,
            "xread",
            prop_oneof![
                seq(vec![opt(seq(vec![lit("COUNT"), count()])), lit("STREAMS"), key(), known_id()]),
                seq(vec![lit("STREAMS"), lit("s"), lit("t"), p(&["$", "0", "#2"]), p(&["0", "$"])]),
            ]
            .boxed(),
        ),
        (
            4,
            "xgroup",
            seq(vec![lit("CREATE"), key(), group(), start(), opt(lit("MKSTREAM")), entries_read()]),
        ),
        (1, "xgroup", seq(vec![lit("SETID"), key(), group(), start(), entries_read()])),
        (1, "xgroup", seq(vec![lit("CREATECONSUMER"), key(), group(), consumer()])),
        (1, "xgroup", seq(vec![lit("DELCONSUMER"), key(), group(), consumer()])),
        (1, "xgroup", seq(vec![lit("DESTROY"), key(), group()])),
        (
            8,
            "xreadgroup",
            seq(vec![
                lit("GROUP"),
                group(),
                consumer(),
                opt(seq(vec![lit("COUNT"), count()])),
                opt(lit("NOACK")),
                lit("STREAMS"),
                prop_oneof![
                    6 => seq(vec![key(), one(prop_oneof![4 => pick(&[">"]), 2 => pick(&["0", "#2", "(#3"]), 1 => pick(&["$", "x"])].boxed())]),
                    1 => seq(vec![lit("s"), lit("t"), p(&[">", "0"]), p(&[">", "0"])]),
                ]
                .boxed(),
            ]),
        ),
        (4, "xack", seq(vec![key(), group(), many(known_id(), 1, 4)])),
        (2, "xpending", seq(vec![key(), group()])),
        (
            3,
            "xpending",
            seq(vec![
                key(),
                group(),
                opt(seq(vec![lit("IDLE"), idle_threshold()])),
                bound(),
                bound(),
                count(),
                opt(consumer()),
            ]),
        ),
        (
            4,
            "xclaim",
            seq(vec![key(), group(), consumer(), idle_threshold(), many(known_id(), 1, 4), xclaim_opts()]),
        ),
        (
            3,
            "xautoclaim",
            seq(vec![
                key(),
                group(),
                consumer(),
                idle_threshold(),
                bound(),
                opt(seq(vec![lit("COUNT"), p(&["1", "2", "3", "100", "0", "x"])])),
                opt(lit("JUSTID")),
            ]),
        ),
        (2, "xinfo", seq(vec![lit("STREAM"), key(), opt(seq(vec![lit("FULL"), opt(seq(vec![lit("COUNT"), count()]))]))])),
        (1, "xinfo", seq(vec![lit("GROUPS"), key()])),
        (1, "xinfo", seq(vec![lit("CONSUMERS"), key(), group()])),
        (
            1,
            "xsetid",
            seq(vec![
                key(),
                known_id(),
                opt(seq(vec![lit("ENTRIESADDED"), p(&["0", "2", "10", "100", "-1"])])),
                opt(seq(vec![lit("MAXDELETEDID"), known_id()])),
            ]),
        ),
        (1, "del", key()),
        (1, "exists", key()),
    ]
}

/// Tokens a mutation may put anywhere: none is BLOCK, `*` or a small
/// positive number (which could become an idle threshold).
const AWKWARD: &[&str] = &[
    "0",
    "-1",
    "x",
    "",
    "-",
    "+",
    "(",
    "0-0",
    "1-x",
    "$",
    ">",
    "~",
    "=",
    "MAXLEN",
    "COUNT",
    "STREAMS",
    "JUSTID",
    "FORCE",
    "18446744073709551615-18446744073709551615",
    "18446744073709551616",
    "\u{0}",
];

/// One step: usually one command (sometimes mutated); sometimes a plain
/// `*` XADD after the far-future ID that makes it deterministic.
fn step() -> BoxedStrategy<Vec<Argv>> {
    let named = |name: &'static str, args: Piece| {
        (Just(name), args, any::<bool>())
            .prop_map(|(n, a, upper)| {
                let name = if upper {
                    n.to_ascii_uppercase()
                } else {
                    n.to_owned()
                };
                std::iter::once(name.into_bytes())
                    .chain(a)
                    .collect::<Argv>()
            })
            .boxed()
    };
    let weighted: Vec<(u32, BoxedStrategy<Argv>)> = grammar()
        .into_iter()
        .map(|(w, name, args)| (w, named(name, args)))
        .collect();
    let single = (
        Union::new_weighted(weighted),
        0u8..24,
        any::<prop::sample::Index>(),
        pick(AWKWARD),
    )
        .prop_map(|(argv, mutation, at, token)| vec![random::mutate(argv, mutation, at, token)]);
    let auto = (key(), many(trim(), 0, 2), fields()).prop_map(|(k, t, f)| {
        let far: Argv = [
            &b"XADD"[..],
            k[0].as_slice(),
            b"99999999999999-*",
            b"f",
            b"v",
        ]
        .iter()
        .map(|a| a.to_vec())
        .collect();
        let mut add: Argv = vec![b"XADD".to_vec(), k[0].clone()];
        add.extend(t);
        add.push(b"*".to_vec());
        add.extend(f);
        vec![far, add]
    });
    prop_oneof![20 => single, 1 => auto].boxed()
}

/// The fresh IDs of one case, for resolving placeholders.
#[derive(Default)]
struct Ids {
    ms: u64,
    seq: u64,
    issued: Vec<(u64, u64)>,
}

impl Ids {
    fn fresh(&mut self, gap: u64) -> (u64, u64) {
        if gap == 0 {
            self.seq += 1;
        } else {
            self.ms += gap;
            self.seq = 0;
        }
        self.issued.push((self.ms, self.seq));
        (self.ms, self.seq)
    }

    fn known(&self, k: usize) -> (u64, u64) {
        if self.issued.is_empty() {
            (0, 1)
        } else {
            self.issued[k % self.issued.len()]
        }
    }

    /// The argument with its placeholder (if any) replaced; anything else
    /// (a random value may start with `@` or `#`) is kept.
    fn resolve(&mut self, arg: &[u8]) -> Arg {
        let text = String::from_utf8_lossy(arg);
        if let Some(rest) = text.strip_prefix('@') {
            let (gap, star) = match rest.strip_suffix("-*") {
                Some(g) => (g, true),
                None => (rest, false),
            };
            let Ok(gap) = gap.parse() else {
                return arg.to_vec();
            };
            let (ms, seq) = self.fresh(gap);
            return if star {
                format!("{ms}-*")
            } else {
                format!("{ms}-{seq}")
            }
            .into_bytes();
        }
        let (open, rest) = match text.strip_prefix("(#") {
            Some(r) => ("(", r),
            None => match text.strip_prefix('#') {
                Some(r) => ("", r),
                None => return arg.to_vec(),
            },
        };
        let (k, ms_only) = match rest.strip_suffix('.') {
            Some(k) => (k, true),
            None => (rest, false),
        };
        let Ok(k) = k.parse() else {
            return arg.to_vec();
        };
        let (ms, seq) = self.known(k);
        if ms_only {
            format!("{open}{ms}")
        } else {
            format!("{open}{ms}-{seq}")
        }
        .into_bytes()
    }
}

/// Moves the integer in `cell` to `times`, leaving 0.
fn take(cell: &mut V, times: &mut Vec<i64>) {
    if let V::Int(t) = cell {
        times.push(*t);
        *t = 0;
    }
}

/// Takes the value after each bulk named `name` in flat maps, recursively.
fn take_named(v: &mut V, name: &[u8], times: &mut Vec<i64>) {
    if let V::Arr(Some(items)) = v {
        let mut next = false;
        for item in items.iter_mut() {
            if next {
                take(item, times);
            }
            next = matches!(item, V::Bulk(Some(b)) if b == name);
            take_named(item, name, times);
        }
    }
}

/// Takes the delivery-time cell of every row of every `pending` array of
/// XINFO STREAM FULL (group rows: 4 cells, time at 2; consumer rows: 3
/// cells, time at 1).
fn take_delivery_times(v: &mut V, times: &mut Vec<i64>) {
    if let V::Arr(Some(items)) = v {
        let mut pending = false;
        for item in items.iter_mut() {
            if pending && let V::Arr(Some(rows)) = item {
                for row in rows {
                    if let V::Arr(Some(cells)) = row {
                        let idx = if cells.len() == 4 { 2 } else { 1 };
                        take(&mut cells[idx], times);
                    }
                }
            }
            pending = matches!(item, V::Bulk(Some(b)) if b == b"pending");
            take_delivery_times(item, times);
        }
    }
}

/// Moves the wall-clock cells of `v` (a reply to `argv`) to a list.
fn take_times(argv: &[Arg], v: &mut V) -> Vec<i64> {
    let mut times = Vec::new();
    let name = argv[0].to_ascii_lowercase();
    let sub = argv
        .get(1)
        .map(|a| a.to_ascii_lowercase())
        .unwrap_or_default();
    match (name.as_slice(), sub.as_slice()) {
        (b"xpending", _) if argv.len() > 3 => {
            if let V::Arr(Some(rows)) = v {
                for row in rows {
                    if let V::Arr(Some(cells)) = row
                        && cells.len() == 4
                    {
                        take(&mut cells[2], &mut times);
                    }
                }
            }
        }
        (b"xinfo", b"consumers") => take_named(v, b"idle", &mut times),
        (b"xinfo", b"stream") => {
            take_named(v, b"seen-time", &mut times);
            take_delivery_times(v, &mut times);
        }
        _ => {}
    }
    times
}

fn replies_match(argv: &[Arg], want: &[u8], got: &[u8]) -> bool {
    if want == got {
        return true;
    }
    let (mut w, mut g) = (parse(want, &mut 0), parse(got, &mut 0));
    let (tw, tg) = (take_times(argv, &mut w), take_times(argv, &mut g));
    w == g
        && tw.len() == tg.len()
        && tw
            .iter()
            .zip(&tg)
            .all(|(a, b)| (a - b).abs() <= TOLERANCE_MS)
}

fn shown(argv: &[Arg]) -> String {
    argv.iter()
        .map(|a| format!("{:?}", String::from_utf8_lossy(a)))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Runs one case on the shared pair; the error describes the first difference.
/// Each case starts from an empty database with the node limits `limits`,
/// the first `groups_made` of three groups created (so group commands often
/// find their group), then runs `steps`.
fn run_case(
    p: &mut Pair,
    limits: (&str, &str),
    groups_made: usize,
    steps: &[Vec<Argv>],
) -> Result<(), String> {
    let (entries, bytes) = limits;
    random::reset(
        p,
        &[
            &["FLUSHALL"],
            &["CONFIG", "SET", "stream-node-max-entries", entries],
            &["CONFIG", "SET", "stream-node-max-bytes", bytes],
            &["SET", "str", "v"],
        ],
    );
    let mut ids = Ids::default();
    let mut log = Vec::new();
    let groups: &[&str] = &[
        "XGROUP CREATE s g 0 MKSTREAM",
        "XGROUP CREATE t g $ MKSTREAM",
        "XGROUP CREATE s h 0",
    ];
    let prelude = groups[..groups_made].iter().map(|l| {
        l.split(' ')
            .map(|a| a.as_bytes().to_vec())
            .collect::<Argv>()
    });
    for argv in prelude.chain(steps.iter().flatten().cloned()) {
        let argv: Argv = argv.iter().map(|a| ids.resolve(a)).collect();
        let refs: Vec<&[u8]> = argv.iter().map(Vec::as_slice).collect();
        let (want, got) = p.both(&refs);
        log.push(shown(&argv));
        if !replies_match(&argv, &want, &got) {
            return Err(format!(
                "limits {limits:?}; commands:\n  {}\ndiffer:\n embedis: {:?}\n redis:   {:?}",
                log.join("\n  "),
                String::from_utf8_lossy(&got),
                String::from_utf8_lossy(&want)
            ));
        }
        p.ks.validate()
            .map_err(|e| format!("commands:\n  {}\nbroke an invariant: {e}", log.join("\n  ")))?;
    }
    Ok(())
}

#[test]
fn random_stream_commands_match_oracle() {
    let limits = (
        prop::sample::select(&["1", "2", "3", "100", "0"][..]),
        prop::sample::select(&["0", "60", "120", "4096"][..]),
    );
    let strategy = (
        limits,
        prop_oneof![1 => Just(0usize), 2 => Just(1), 3 => Just(3)],
        prop::collection::vec(step(), 1..50),
    );
    random::run_cases(200, strategy, |p, (limits, groups, steps)| {
        run_case(p, limits, groups, &steps)
    });
}

#[test]
fn placeholders_resolve_the_same_way_every_time() {
    let mut ids = Ids::default();
    assert_eq!(ids.resolve(b"#3"), b"0-1");
    assert_eq!(ids.resolve(b"@0"), b"0-1");
    assert_eq!(ids.resolve(b"@2"), b"2-0");
    assert_eq!(ids.resolve(b"@0-*"), b"2-*");
    assert_eq!(ids.resolve(b"#0"), b"0-1");
    assert_eq!(ids.resolve(b"(#1"), b"(2-0");
    assert_eq!(ids.resolve(b"#5."), b"2");
    assert_eq!(ids.resolve(b"x"), b"x");
}

#[test]
fn wall_clock_cells_are_compared_within_the_tolerance() {
    let argv: Argv = vec![
        b"XPENDING".to_vec(),
        b"s".to_vec(),
        b"g".to_vec(),
        b"-".to_vec(),
    ];
    let row = |idle: i64| format!("*1\r\n*4\r\n$3\r\n1-0\r\n$1\r\na\r\n:{idle}\r\n:1\r\n");
    assert!(replies_match(&argv, row(5).as_bytes(), row(20).as_bytes()));
    assert!(!replies_match(
        &argv,
        row(5).as_bytes(),
        row(1_000_000_000).as_bytes()
    ));
    let summary: Argv = argv[..3].to_vec();
    let two = "*4\r\n:2\r\n$3\r\n1-0\r\n$3\r\n2-0\r\n*1\r\n*2\r\n$1\r\na\r\n$1\r\n2\r\n";
    let three = "*4\r\n:2\r\n$3\r\n1-0\r\n$3\r\n2-0\r\n*1\r\n*2\r\n$1\r\na\r\n$1\r\n3\r\n";
    assert!(!replies_match(&summary, two.as_bytes(), three.as_bytes()));
}
