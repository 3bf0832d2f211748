//! What the random differential tests share: argument-grammar combinators
//! over proptest strategies, and the runner that feeds generated cases to
//! one oracle pair (`EMBEDIS_RANDOM_CASES` overrides the number of cases).

#![allow(dead_code, unreachable_pub)]

use std::cell::RefCell;

use proptest::prelude::*;
use proptest::strategy::Union;
use proptest::test_runner::{Config as PropConfig, TestCaseError, TestRunner};

use crate::common::Pair;

/// One argument.
pub type Arg = Vec<u8>;
/// A command: its name, then its arguments.
pub type Argv = Vec<Arg>;
/// A grammar piece: a strategy for zero or more arguments.
pub type Piece = BoxedStrategy<Vec<Arg>>;

/// One of `list`, as bytes.
pub fn pick(list: &'static [&'static str]) -> BoxedStrategy<Arg> {
    prop::sample::select(list)
        .prop_map(|s| s.as_bytes().to_vec())
        .boxed()
}

/// One argument from `s`.
pub fn one(s: BoxedStrategy<Arg>) -> Piece {
    s.prop_map(|a| vec![a]).boxed()
}

/// Exactly the argument `word`.
pub fn lit(word: &'static str) -> Piece {
    Just(vec![word.as_bytes().to_vec()]).boxed()
}

/// `piece` zero or one time.
pub fn opt(piece: Piece) -> Piece {
    prop_oneof![Just(Vec::new()), piece].boxed()
}

/// `piece` repeated `min..max` times.
pub fn many(piece: Piece, min: usize, max: usize) -> Piece {
    prop::collection::vec(piece, min..max)
        .prop_map(|v| v.concat())
        .boxed()
}

/// The pieces one after another.
pub fn seq(pieces: Vec<Piece>) -> Piece {
    pieces.prop_map(|v| v.concat()).boxed()
}

/// One of the pieces.
pub fn alt(pieces: Vec<Piece>) -> Piece {
    Union::new(pieces).boxed()
}

/// `argv` after mutation number `mutation`: 0 drops the last argument, 1
/// appends `token`, 2 puts `token` in place of the argument `at` picks
/// (never the name); any other number leaves `argv` as it is.
pub fn mutate(mut argv: Argv, mutation: u8, at: prop::sample::Index, token: Arg) -> Argv {
    let i = 1 + at.index(argv.len().max(2) - 1);
    match mutation {
        0 if argv.len() > 1 => drop(argv.pop()),
        1 => argv.push(token),
        2 if i < argv.len() => argv[i] = token,
        _ => {}
    }
    argv
}

/// Runs `cases` (default `default_cases`, or `EMBEDIS_RANDOM_CASES`) values
/// of `strategy` through `case` on one shared oracle pair; panics with the
/// shrunk failing case and `case`'s description of the difference.
pub fn run_cases<S: Strategy>(
    default_cases: u32,
    strategy: S,
    case: impl Fn(&mut Pair, S::Value) -> Result<(), String>,
) {
    let Some(p) = Pair::new() else { return };
    let p = RefCell::new(p);
    let cases = std::env::var("EMBEDIS_RANDOM_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default_cases);
    let mut runner = TestRunner::new(PropConfig {
        cases,
        ..PropConfig::default()
    });
    let result = runner.run(&strategy, |value| {
        case(&mut p.borrow_mut(), value).map_err(TestCaseError::fail)
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}

/// Runs each command on both sides and fails unless the replies are the
/// same (the resets a case starts with).
pub fn reset(p: &mut Pair, commands: &[&[&str]]) {
    for argv in commands {
        let refs: Vec<&[u8]> = argv.iter().map(|s| s.as_bytes()).collect();
        let (want, got) = p.both(&refs);
        assert_eq!(want, got, "reset {argv:?} failed");
    }
}
