//! A tour of embedis through the patterns it supports so far.
//!
//! Run: `cargo run --release --example tour`
//!
//! Each section prints what it does; the asserts make the tour fail loudly if
//! the library ever stops behaving as shown.

use std::sync::Arc;

use embedis::command::Session;
use embedis::{
    Config, ExpireCondition, Expiry, Keyspace, ManualClock, SetCondition, SetOptions, key_hash_slot,
};

fn main() -> Result<(), embedis::Error> {
    // A manual clock makes TTLs deterministic; `Keyspace::new` uses wall time.
    let clock = ManualClock::new(1_700_000_000_000);
    let mut ks = Keyspace::with_clock(Config::default(), Arc::new(clock.clone()));

    cache_with_ttl(&mut ks, &clock)?;
    counters(&mut ks, &clock)?;
    lock(&mut ks, &clock)?;
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
