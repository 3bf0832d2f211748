use super::text::human;
use crate::command::Session;
use crate::{Config, Keyspace};

fn run(ks: &mut Keyspace, s: &mut Session, line: &str) -> Vec<u8> {
    let argv: Vec<&[u8]> = line.split(' ').map(str::as_bytes).collect();
    s.execute(ks, &argv).to_resp2()
}

/// The `# Title` lines of an INFO text.
fn headers(text: &str) -> Vec<&str> {
    text.split("\r\n").filter(|l| l.starts_with('#')).collect()
}

#[test]
fn human_sizes_follow_bytes_to_human() {
    assert_eq!(human(0), "0B");
    assert_eq!(human(1023), "1023B");
    assert_eq!(human(1024), "1.00K");
    assert_eq!(human(916_344), "894.87K");
    assert_eq!(human(6_746_112), "6.43M");
    assert_eq!(human(25_276_510_208), "23.54G");
    assert_eq!(human(1 << 40), "1.00T");
    assert_eq!(human(1 << 50), "1.00P");
    assert_eq!(human(1 << 60), "1152921504606846976B");
}

#[test]
fn section_selection_follows_redis() {
    let ks = Keyspace::new(Config::default());
    let default = [
        "# Server",
        "# Clients",
        "# Memory",
        "# Persistence",
        "# Stats",
        "# Replication",
        "# CPU",
        "# Modules",
        "# Errorstats",
        "# Cluster",
        "# Keyspace",
    ];
    assert_eq!(headers(&ks.info(&[])), default);
    assert_eq!(headers(&ks.info(&[b"DEFAULT".as_slice()])), default);
    let all_text = ks.info(&[b"all".as_slice()]);
    let all = headers(&all_text);
    assert_eq!(all.len(), 13);
    assert_eq!(all[8], "# Commandstats");
    assert_eq!(all[10], "# Latencystats");
    assert_eq!(headers(&ks.info(&[b"everything".as_slice(), b"x"])), all);
    assert_eq!(ks.info(&[b"nosuch".as_slice()]), "");
    assert_eq!(
        ks.info(&[b"Keyspace".as_slice(), b"SERVER", b"server"])
            .matches("# ")
            .count(),
        2
    );
    assert_eq!(
        ks.info(&[b"module_list".as_slice(), b"cluster"]),
        "# Modules\r\n\r\n# Cluster\r\ncluster_enabled:0\r\n"
    );
}

#[test]
fn command_and_error_stats() {
    let mut ks = Keyspace::new(Config::default());
    let mut s = Session::new();
    run(&mut ks, &mut s, "SET k v");
    run(&mut ks, &mut s, "GET k");
    run(&mut ks, &mut s, "GET nokey");
    run(&mut ks, &mut s, "LPUSH k x");
    run(&mut ks, &mut s, "GET");
    run(&mut ks, &mut s, "CONFIG GET");
    run(&mut ks, &mut s, "CONFIG NOPE");
    run(&mut ks, &mut s, "NOPE");
    run(&mut ks, &mut s, "CONFIG GET hz");
    let stats = ks.stats();
    assert_eq!(stats.total_commands_processed, 5);
    assert_eq!((stats.keyspace_hits, stats.keyspace_misses), (1, 1));
    assert_eq!(stats.total_error_replies, 5);
    let calls: Vec<(String, u64, u64, u64)> = ks
        .command_stats()
        .into_iter()
        .map(|c| (c.name, c.calls, c.rejected_calls, c.failed_calls))
        .collect();
    assert_eq!(
        calls,
        vec![
            ("config|get".to_owned(), 1, 1, 0),
            ("get".to_owned(), 2, 1, 0),
            ("lpush".to_owned(), 1, 0, 1),
            ("set".to_owned(), 1, 0, 0),
        ]
    );
    assert_eq!(
        ks.error_stats(),
        vec![(b"ERR".to_vec(), 4), (b"WRONGTYPE".to_vec(), 1)]
    );
    let text = ks.info(&[b"errorstats".as_slice()]);
    assert_eq!(
        text,
        "# Errorstats\r\nerrorstat_ERR:count=4\r\nerrorstat_WRONGTYPE:count=1\r\n"
    );
    let text = ks.info(&[b"commandstats".as_slice()]);
    assert!(text.contains("\r\ncmdstat_get:calls=2,usec="), "{text}");
    assert!(text.contains(",rejected_calls=1,failed_calls=0\r\n"));

    run(&mut ks, &mut s, "CONFIG RESETSTAT");
    assert_eq!(ks.stats().total_commands_processed, 1);
    assert_eq!(ks.stats().total_error_replies, 0);
    assert_eq!(ks.error_stats(), vec![]);
    let names: Vec<String> = ks.command_stats().into_iter().map(|c| c.name).collect();
    assert_eq!(names, vec!["config|resetstat".to_owned()]);
}

#[test]
fn slowlog_through_the_command_layer() {
    let mut ks = Keyspace::new(Config::default());
    let mut s = Session::new();
    s.set_client_addr(b"10.0.0.1:5");
    s.set_client_name(b"worker");
    run(&mut ks, &mut s, "SET a 1");
    assert_eq!(ks.slowlog_len(), 0);
    run(&mut ks, &mut s, "CONFIG SET slowlog-log-slower-than 0");
    run(&mut ks, &mut s, "GET a");
    assert_eq!(run(&mut ks, &mut s, "SLOWLOG LEN"), b":2\r\n");
    let entries = ks.slowlog_get(usize::MAX);
    assert_eq!(entries.len(), 3);
    assert_eq!(entries[0].args, vec![b"SLOWLOG".to_vec(), b"LEN".to_vec()]);
    assert_eq!(entries[1].args, vec![b"GET".to_vec(), b"a".to_vec()]);
    assert_eq!(entries[2].id, 0);
    assert_eq!(entries[0].client_addr, b"10.0.0.1:5");
    assert_eq!(entries[0].client_name, b"worker");
    assert_eq!(run(&mut ks, &mut s, "SLOWLOG RESET"), b"+OK\r\n");
    assert_eq!(run(&mut ks, &mut s, "SLOWLOG LEN"), b":1\r\n");
    assert_eq!(ks.slowlog_get(1)[0].id, 4);
    run(&mut ks, &mut s, "CONFIG SET slowlog-log-slower-than -1");
    run(&mut ks, &mut s, "GET a");
    assert_eq!(ks.slowlog_len(), 2);
    assert_eq!(
        run(&mut ks, &mut s, "SLOWLOG GET x"),
        b"-ERR count should be greater than or equal to -1\r\n"
    );
    assert_eq!(
        run(&mut ks, &mut s, "SLOWLOG get 1 2"),
        b"-ERR unknown subcommand or wrong number of arguments for 'get'. Try SLOWLOG HELP.\r\n"
    );
}

#[test]
fn keyspace_section_lists_databases_with_keys() {
    let mut ks = Keyspace::new(Config::default());
    let mut s = Session::new();
    run(&mut ks, &mut s, "SET a 1");
    run(&mut ks, &mut s, "SELECT 3");
    run(&mut ks, &mut s, "SET b 1 EX 100");
    run(&mut ks, &mut s, "SET c 1");
    assert_eq!(
        ks.info(&[b"keyspace".as_slice()]),
        "# Keyspace\r\ndb0:keys=1,expires=0,avg_ttl=0\r\ndb3:keys=2,expires=1,avg_ttl=0\r\n"
    );
}

#[test]
fn memory_peak_follows_commands() {
    let mut ks = Keyspace::new(Config::default());
    let mut s = Session::new();
    let startup = ks.memory_stats().startup_allocated;
    assert_eq!(startup as usize, ks.used_memory());
    for i in 0..50 {
        run(&mut ks, &mut s, &format!("SET key{i} {}", "x".repeat(100)));
    }
    let high = ks.used_memory();
    // INFO samples the peak (commands do every 100 ms).
    run(&mut ks, &mut s, "INFO memory");
    run(&mut ks, &mut s, "FLUSHALL");
    assert!(ks.used_memory() < high);
    assert_eq!(ks.used_memory_peak(), high);
    let stats = ks.memory_stats();
    assert_eq!(stats.peak_allocated as usize, high);
    assert_eq!(stats.keys_count, 0);
    assert!(stats.dbs.is_empty());
}

#[test]
fn avg_ttl_follows_the_active_expire_cycle() {
    use crate::ManualClock;
    use std::sync::Arc;
    let clock = ManualClock::new(1_000_000);
    let mut ks = Keyspace::with_clock(Config::default(), Arc::new(clock.clone()));
    let mut s = Session::new();
    run(&mut ks, &mut s, "SET a 1 PX 10000");
    run(&mut ks, &mut s, "SET b 1 PX 20000");
    assert_eq!(ks.keyspace_stats()[0].avg_ttl, 0);
    ks.active_expire_cycle(100);
    // First estimate 15000, then 98 % of it plus 2 % of the same sample.
    assert_eq!(
        ks.keyspace_stats()[0].avg_ttl,
        15_000 / 50 * 49 + 15_000 / 50
    );
    clock.advance(10_001);
    ks.active_expire_cycle(100);
    // Half the sample had expired, so the cycle ran a second round on b.
    let once = 15_000 / 50 * 49 + 9_999 / 50;
    assert_eq!(ks.keyspace_stats()[0].avg_ttl, once / 50 * 49 + 9_999 / 50);
    clock.advance(10_000);
    ks.active_expire_cycle(100);
    ks.active_expire_cycle(100);
    assert!(ks.keyspace_stats().is_empty());
    run(&mut ks, &mut s, "SET c 1");
    assert_eq!(ks.keyspace_stats()[0].avg_ttl, 0);
}

#[test]
fn memory_doctor_reports() {
    let mut ks = Keyspace::new(Config::default());
    assert!(
        ks.memory_doctor()
            .starts_with("Hi Sam, this instance is empty")
    );
    let mb = vec![b'x'; 1 << 20];
    for i in 0..16u8 {
        ks.set(&[b'k', i], &mb, &Default::default()).unwrap();
    }
    assert_eq!(
        ks.memory_doctor(),
        "Hi Sam, I can't find any memory issue in your instance. \
         I can only account for what occurs on this base.\n"
    );
    for i in 0..10u8 {
        ks.del(&[&[b'k', i][..]]);
    }
    let report = ks.memory_doctor();
    assert!(report.starts_with("Sam, I detected a few issues in this Redis instance memory implants:\n\n * Peak memory: In the past this instance used more than 150% the memory"));
    assert!(report.ends_with(
        "restart the instance.\n\nI'm here to keep you safe, Sam. I want to help you.\n"
    ));
}
