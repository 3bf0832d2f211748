//! A tour of embedis through the patterns it supports so far.
//!
//! Run: `cargo run --release --example tour`
//!
//! Each section prints what it does; the asserts make the tour fail loudly if
//! the library ever stops behaving as shown.

use std::sync::Arc;

use embedis::command::Session;
use embedis::types::list::End;
use embedis::types::zset::{ScoreRange, ZAddOptions, ZRange};
use embedis::{
    BitOp, Config, ExpireCondition, Expiry, Keyspace, ManualClock, SetCondition, SetOptions,
    key_hash_slot,
};

fn main() -> Result<(), embedis::Error> {
    // A manual clock makes TTLs deterministic; `Keyspace::new` uses wall time.
    let clock = ManualClock::new(1_700_000_000_000);
    let mut ks = Keyspace::with_clock(Config::default(), Arc::new(clock.clone()));

    cache_with_ttl(&mut ks, &clock)?;
    counters(&mut ks, &clock)?;
    lock(&mut ks, &clock)?;
    user_profile(&mut ks)?;
    job_list(&mut ks)?;
    leaderboard(&mut ks)?;
    activity_bitmap(&mut ks)?;
    command_layer(&mut ks);
    hash_slots();
    Ok(())
}

/// A page cache: entries live 60 seconds; the host reclaims expired keys.
fn cache_with_ttl(ks: &mut Keyspace, clock: &ManualClock) -> Result<(), embedis::Error> {
    println!("== cache with TTL");
    let ex60 = SetOptions {
        expiry: Expiry::Ex(60),
        ..Default::default()
    };
    ks.set(b"page:/home", b"<html>home</html>", &ex60)?;
    ks.set(b"page:/about", b"<html>about</html>", &ex60)?;
    println!("cached 2 pages, TTL of /home = {} s", ks.ttl(b"page:/home"));

    clock.advance(30_000);
    let hit = ks.get(b"page:/home")?;
    println!(
        "after 30 s: /home is {}",
        if hit.is_some() { "a hit" } else { "a miss" }
    );
    assert!(hit.is_some());

    clock.advance(31_000);
    assert_eq!(ks.get(b"page:/home")?, None);
    println!("after 61 s: /home expired on access (lazy expiry)");

    // /about was never touched again: the active expire cycle reclaims it.
    let reclaimed = ks.active_expire_cycle(100);
    println!(
        "active expire cycle reclaimed {reclaimed} key(s); dbsize = {}",
        ks.dbsize()
    );
    assert_eq!(ks.dbsize(), 0);
    Ok(())
}

/// Counters: page views, and a fixed-window rate limiter of 3 calls per minute.
fn counters(ks: &mut Keyspace, clock: &ManualClock) -> Result<(), embedis::Error> {
    println!("== counters");
    for _ in 0..5 {
        ks.incr(b"views:/home")?;
    }
    ks.incrby(b"views:/home", 10)?;
    println!("views:/home = {}", ks.incr(b"views:/home")? - 1);

    let mut allowed = 0;
    for call in 0..5 {
        let minute = ks.now_ms() / 60_000;
        let key = format!("rate:alice:{minute}").into_bytes();
        let n = ks.incr(&key)?;
        // NX: the window's TTL is set by its first call only.
        ks.expire(&key, 60, ExpireCondition::NX)?;
        if n <= 3 {
            allowed += 1;
        }
        println!(
            "call {call}: count in window = {n} -> {}",
            if n <= 3 { "allowed" } else { "limited" }
        );
    }
    assert_eq!(allowed, 3);
    clock.advance(60_000);
    Ok(())
}

/// A lock with SET NX EX: one owner at a time, released by its owner or by TTL.
fn lock(ks: &mut Keyspace, clock: &ManualClock) -> Result<(), embedis::Error> {
    println!("== SET NX EX lock");
    let take = SetOptions {
        condition: SetCondition::IfAbsent,
        expiry: Expiry::Ex(10),
        get: false,
    };
    assert!(ks.set(b"lock:report", b"worker-1", &take)?.written);
    println!("worker-1 took the lock");
    assert!(!ks.set(b"lock:report", b"worker-2", &take)?.written);
    println!("worker-2 was refused");

    // worker-1 stalls; the TTL frees the lock.
    clock.advance(10_001);
    assert!(ks.set(b"lock:report", b"worker-2", &take)?.written);
    println!("after 10 s the lock expired and worker-2 took it");

    // Release only if we still own it.
    if ks.get(b"lock:report")?.as_deref() == Some(b"worker-2") {
        ks.del(&[b"lock:report"]);
        println!("worker-2 released the lock");
    }
    Ok(())
}

/// A user profile in a hash: small hashes stay in the compact listpack encoding.
fn user_profile(ks: &mut Keyspace) -> Result<(), embedis::Error> {
    println!("== user profile (hash)");
    ks.hset(
        b"user:42",
        &[(b"name", b"Ada"), (b"city", b"London"), (b"logins", b"0")],
    )?;
    ks.hincrby(b"user:42", b"logins", 1)?;
    for (field, value) in ks.hgetall(b"user:42")? {
        println!(
            "  {} = {}",
            String::from_utf8_lossy(&field),
            String::from_utf8_lossy(&value)
        );
    }
    println!(
        "encoding: {}",
        ks.object_encoding(b"user:42").unwrap().as_str()
    );
    assert_eq!(ks.hget(b"user:42", b"logins")?.as_deref(), Some(&b"1"[..]));
    Ok(())
}

/// A job list: producers LPUSH, a worker moves a job to its processing list
/// (LMOVE, the reliable-queue pattern) and removes it when done.
fn job_list(ks: &mut Keyspace) -> Result<(), embedis::Error> {
    println!("== job list");
    ks.lpush(b"jobs", &[b"resize:1.png", b"resize:2.png", b"email:7"])?;
    let job = ks.lmove(b"jobs", b"jobs:processing", End::Right, End::Left)?;
    let job = job.expect("a job is queued");
    println!("worker took {}", String::from_utf8_lossy(&job));
    assert_eq!(job, b"resize:1.png");
    ks.lpop(b"jobs:processing", None)?;
    let left: Vec<String> = ks
        .lrange(b"jobs", 0, -1)?
        .iter()
        .map(|j| String::from_utf8_lossy(j).into_owned())
        .collect();
    println!("{} job(s) left: {}", ks.llen(b"jobs")?, left.join(", "));
    assert_eq!(ks.llen(b"jobs:processing")?, 0);
    Ok(())
}

/// A leaderboard: top 3, one player's rank, and a score range.
fn leaderboard(ks: &mut Keyspace) -> Result<(), embedis::Error> {
    println!("== leaderboard (sorted set)");
    let players: Vec<(f64, Vec<u8>)> = (0..100)
        .map(|i| {
            (
                f64::from((i * 37) % 101),
                format!("player:{i}").into_bytes(),
            )
        })
        .collect();
    let pairs: Vec<(f64, &[u8])> = players.iter().map(|(s, m)| (*s, m.as_slice())).collect();
    ks.zadd(b"scores", &pairs, &ZAddOptions::default())?;
    ks.zincrby(b"scores", 50.0, b"player:7")?;
    for (member, score) in ks.zrange(b"scores", &ZRange::by_rank(0, 2).rev())? {
        println!("  {:<10} {score}", String::from_utf8_lossy(&member));
    }
    let rank = ks
        .zrevrank(b"scores", b"player:7")?
        .expect("player:7 is ranked");
    println!("player:7 is number {} of {}", rank + 1, pairs.len());
    let band = ks.zcount(b"scores", &ScoreRange::new(90.0, 100.0))?;
    println!("{band} players scored 90..=100");
    println!(
        "encoding: {}",
        ks.object_encoding(b"scores").unwrap().as_str()
    );
    Ok(())
}

/// Daily activity bitmaps: one bit per user id; who was active both days.
fn activity_bitmap(ks: &mut Keyspace) -> Result<(), embedis::Error> {
    println!("== activity bitmap");
    for id in [3, 5, 8, 13, 21] {
        ks.setbit(b"active:mon", id, 1)?;
    }
    for id in [5, 8, 9, 21, 34] {
        ks.setbit(b"active:tue", id, 1)?;
    }
    ks.bitop(BitOp::And, b"active:both", &[b"active:mon", b"active:tue"])?;
    let both = ks.bitcount(b"active:both", None)?;
    let first = ks.bitpos(b"active:both", 1, None)?;
    println!("active both days: {both} users, lowest id {first}");
    assert_eq!((both, first), (3, 5));
    Ok(())
}

/// The same keyspace through Redis commands, replies as RESP bytes.
fn command_layer(ks: &mut Keyspace) {
    println!("== command layer");
    let mut session = Session::new();
    for argv in [
        &[&b"SET"[..], b"greeting", b"hello", b"PX", b"5000"][..],
        &[b"GET", b"greeting"],
        &[b"PTTL", b"greeting"],
        &[b"INCR", b"greeting"],
        &[b"OBJECT", b"ENCODING", b"greeting"],
    ] {
        let reply = session.execute(ks, argv);
        let shown: Vec<String> = argv
            .iter()
            .map(|a| String::from_utf8_lossy(a).into_owned())
            .collect();
        println!(
            "{:<40} -> {:?}",
            shown.join(" "),
            String::from_utf8_lossy(&reply.to_resp2())
        );
    }
}

/// Cluster hash slots: keys sharing a `{tag}` share a slot.
fn hash_slots() {
    println!("== hash slots");
    for key in [
        &b"user1000"[..],
        b"{user1000}.following",
        b"{user1000}.followers",
        b"foo",
    ] {
        println!(
            "{:<24} slot {}",
            String::from_utf8_lossy(key),
            key_hash_slot(key)
        );
    }
    assert_eq!(
        key_hash_slot(b"{user1000}.following"),
        key_hash_slot(b"user1000")
    );
}
