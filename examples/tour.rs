//! A tour of embedis through the patterns it supports so far, one function
//! per section.
//!
//! Run: `cargo run --release --example tour`
//!
//! Each section prints what it does; the asserts make the tour fail loudly if
//! the library ever stops behaving as shown.

use std::sync::Arc;

use embedis::command::Session;
use embedis::types::list::End;
use embedis::types::stream::{Claimed, ReadFrom, StreamId, XAddId, XAddOptions};
use embedis::types::zset::{ScoreRange, ZAddOptions, ZRange};
use embedis::{
    BitOp, Config, ExpireCondition, Expiry, Keyspace, ManualClock, MaxmemoryPolicy, SetCondition,
    SetOptions, key_hash_slot,
};

fn main() -> Result<(), embedis::Error> {
    // A manual clock makes TTLs deterministic; `Keyspace::new` uses wall time.
    let clock = ManualClock::new(1_700_000_000_000);
    let mut ks = Keyspace::with_clock(Config::default(), Arc::new(clock.clone()));

    cache_with_ttl(&mut ks, &clock)?;
    cache_under_maxmemory(&clock)?;
    counters(&mut ks, &clock)?;
    lock(&mut ks, &clock)?;
    user_profile(&mut ks)?;
    job_list(&mut ks)?;
    leaderboard(&mut ks)?;
    email_queue(&mut ks, &clock)?;
    daily_active_users(&mut ks)?;
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

/// The same page cache bounded by memory instead of TTLs: `maxmemory` with
/// `allkeys-lfu` keeps the pages read most often and evicts the long tail,
/// and an eviction listener sees every page that goes.
fn cache_under_maxmemory(clock: &ManualClock) -> Result<(), embedis::Error> {
    println!("== cache under maxmemory (allkeys-lfu)");
    let mut config = Config::default();
    config.maxmemory = 256 * 1024;
    config.maxmemory_policy = MaxmemoryPolicy::AllkeysLfu;
    let mut ks = Keyspace::with_clock(config, Arc::new(clock.clone()));
    let evicted = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let seen = Arc::clone(&evicted);
    ks.set_eviction_listener(move |_page| {
        seen.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    });

    // 20 popular pages get 3 reads in 4; the rest go to a tail of 5,000.
    let body = vec![b'x'; 1000];
    let mut x: u32 = 12345;
    for _ in 0..40_000 {
        x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        let page = if x % 4 < 3 {
            (x >> 8) % 20
        } else {
            20 + (x >> 8) % 5_000
        };
        let key = format!("page:/{page}").into_bytes();
        if ks.get(&key)?.is_none() {
            // A miss: render the page and cache it.
            ks.set(&key, &body, &SetOptions::default())?;
        }
        clock.advance(5);
    }
    let stats = ks.stats();
    let ratio =
        100.0 * stats.keyspace_hits as f64 / (stats.keyspace_hits + stats.keyspace_misses) as f64;
    println!(
        "hits {}, misses {} ({ratio:.1} % hit ratio), evicted {}; {} pages in {} bytes",
        stats.keyspace_hits,
        stats.keyspace_misses,
        stats.evicted_keys,
        ks.dbsize(),
        ks.used_memory()
    );
    let popular_cached = (0..20)
        .filter(|p| ks.exists(&[format!("page:/{p}").as_bytes()]) == 1)
        .count();
    println!(
        "{popular_cached} of the 20 popular pages are cached; OBJECT FREQ of page:/0 = {}",
        ks.object_freq(b"page:/0")?.unwrap_or(0)
    );
    assert_eq!(
        stats.evicted_keys as usize,
        evicted.load(std::sync::atomic::Ordering::Relaxed)
    );
    // The last write may end over the limit by what it added; the next
    // write (or an explicit `evict`) brings memory back under it.
    ks.evict()?;
    assert!(ks.used_memory() as u64 <= 256 * 1024);
    assert!(ratio > 70.0 && stats.evicted_keys > 0);
    assert!(popular_cached >= 18);
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

/// An e-mail task queue on a stream with a consumer group: two workers
/// share the jobs, acknowledge what they sent, and when one stalls the
/// other reclaims its job once it has been idle for 30 s.
fn email_queue(ks: &mut Keyspace, clock: &ManualClock) -> Result<(), embedis::Error> {
    println!("== e-mail task queue (stream + consumer group)");
    let (queue, group) = (&b"emails"[..], &b"mailers"[..]);
    ks.xgroup_create(queue, group, ReadFrom::Last, true, None)?;
    for to in ["ada@example.com", "bob@example.com", "cy@example.com"] {
        let job: [(&[u8], &[u8]); 2] = [(b"to", to.as_bytes()), (b"template", b"welcome")];
        let id = ks.xadd(queue, XAddId::Auto, &job, &XAddOptions::default())?;
        println!("queued {to} as {}", id.expect("the queue exists"));
    }
    // Each worker asks for new jobs (`>`): no job goes to both.
    let mut took = Vec::new();
    for (worker, count) in [(&b"worker-a"[..], 2), (b"worker-b", 2)] {
        let got = ks.xreadgroup(group, worker, &[(queue, ReadFrom::New)], count, false)?;
        let ids: Vec<StreamId> = got
            .iter()
            .flat_map(|r| r.entries.iter().map(|e| e.0))
            .collect();
        let shown: Vec<String> = ids.iter().map(StreamId::to_string).collect();
        println!(
            "{} took {}",
            String::from_utf8_lossy(worker),
            shown.join(", ")
        );
        took.push(ids);
    }
    assert_eq!((took[0].len(), took[1].len()), (2, 1));
    // worker-a sends both and acknowledges; worker-b stalls before its ack.
    assert_eq!(ks.xack(queue, group, &took[0])?, 2);
    let pending = ks.xpending(queue, group)?;
    let owners: Vec<String> = pending
        .consumers
        .iter()
        .map(|(name, n)| format!("{} ({n})", String::from_utf8_lossy(name)))
        .collect();
    println!(
        "pending: {} job(s), owned by {}",
        pending.count,
        owners.join(", ")
    );
    assert_eq!(pending.count, 1);

    // A minute later worker-a claims what has been idle for over 30 s.
    clock.advance(60_000);
    let reclaimed = ks.xautoclaim(queue, group, b"worker-a", 30_000, StreamId::MIN, 10, false)?;
    let Claimed::Entries(jobs) = reclaimed.claimed else {
        unreachable!("without JUSTID the entries come back")
    };
    let rows = ks.xpending_range(queue, group, 0, StreamId::MIN, StreamId::MAX, 10, None)?;
    println!(
        "worker-a reclaimed {} job(s) idle > 30 s (now delivered {} times)",
        jobs.len(),
        rows[0].delivery_count
    );
    assert_eq!((jobs[0].id, rows[0].delivery_count), (took[1][0], 2));
    ks.xack(queue, group, &[jobs[0].id])?;
    assert_eq!(ks.xpending(queue, group)?.count, 0);
    println!("all {} jobs sent and acknowledged", ks.xlen(queue)?);
    Ok(())
}

/// Daily active users with HyperLogLogs: about 12 KB per day at most,
/// whatever the number of users, with a 0.81 % standard error.
fn daily_active_users(ks: &mut Keyspace) -> Result<(), embedis::Error> {
    println!("== daily active users (HyperLogLog)");
    let days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
    for (d, day) in days.iter().enumerate() {
        // 1000 users a day, sliding by 200: neighbouring days overlap.
        let users: Vec<Vec<u8>> = (0..1000)
            .map(|u| format!("user:{}", d * 200 + u).into_bytes())
            .collect();
        let users: Vec<&[u8]> = users.iter().map(Vec::as_slice).collect();
        ks.pfadd(format!("dau:{day}").as_bytes(), &users)?;
    }
    let monday = ks.pfcount(&[b"dau:mon"])?;
    let mon_tue = ks.pfcount(&[b"dau:mon", b"dau:tue"])?;
    println!("monday: ~{monday} users; monday or tuesday: ~{mon_tue} (exactly 1000 and 1200)");
    let keys: Vec<Vec<u8>> = days
        .iter()
        .map(|d| format!("dau:{d}").into_bytes())
        .collect();
    let keys: Vec<&[u8]> = keys.iter().map(Vec::as_slice).collect();
    ks.pfmerge(b"wau:week1", &keys)?;
    let week = ks.pfcount(&[b"wau:week1"])?;
    println!("week: ~{week} distinct users (exactly 2200)");
    for (estimate, exact) in [(monday, 1000.0), (mon_tue, 1200.0), (week, 2200.0)] {
        assert!((estimate as f64 - exact).abs() / exact < 0.03);
    }
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
