//! A first differential check: connection commands and basic SET/GET.

mod common;

use common::Pair;

#[test]
fn ping_echo_select_set_get() {
    let Some(mut p) = Pair::new() else { return };
    p.check_all(&[
        "PING",
        "PING hello",
        "PING a b",
        "ECHO",
        "ECHO \"a b\"",
        "SELECT 16",
        "SELECT x",
        "SELECT -1",
        "SELECT 1",
        "SET k v",
        "GET k",
        "SELECT 0",
        "GET k",
        "SET k v NX",
        "SET k v XX GET",
        "SET k v EX 0",
        "SET k v EX 10 PX 10",
        "SET k v KEEPTTL EX 10",
        "SET k v NX XX",
        "SET k v GET GET",
        "SET k v EX",
        "SET k v FOO",
        "NOSUCH a b",
        "DBSIZE",
        "SWAPDB 0 1",
        "DBSIZE",
        "SWAPDB 0 16",
        "SWAPDB x 1",
        "SWAPDB 0 y",
        "FLUSHDB foo",
        "FLUSHALL SYNC",
        "DBSIZE",
    ]);
}
