//! CONFIG and its subcommands: GET, SET, RESETSTAT, REWRITE, HELP.

use super::flags::ADMIN;
use super::keyless as sub;
use super::{CommandSpec, Ctx, KeySpec, Reply};
use crate::error::{Error, Result};

pub(super) const COMMANDS: &[CommandSpec] = &[CommandSpec {
    name: "config",
    arity: -2,
    flags: 0,
    keys: KeySpec::None,
    handler: super::container,
    subcommands: SUBCOMMANDS,
}];

const SUBCOMMANDS: &[CommandSpec] = &[
    sub("get", -3, ADMIN, get),
    sub("set", -4, ADMIN, set),
    sub("resetstat", 2, ADMIN, resetstat),
    sub("rewrite", 2, ADMIN, rewrite),
    sub("help", 2, 0, help),
];

fn get(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    let pairs = ctx.ks.config_get(&argv[2..]);
    Ok(Reply::bulks(
        pairs.into_iter().flat_map(|(name, value)| [name, value]),
    ))
}

fn set(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    if !argv.len().is_multiple_of(2) {
        return Err(Error::Syntax);
    }
    let pairs: Vec<(&[u8], &[u8])> = argv[2..].chunks_exact(2).map(|p| (p[0], p[1])).collect();
    match ctx.ks.config_set_checked(&pairs) {
        Ok(()) => Ok(Reply::OK),
        Err(e) => Ok(super::error_bytes(e.text())),
    }
}

fn resetstat(ctx: &mut Ctx<'_>, _: &[&[u8]]) -> Result<Reply> {
    ctx.ks.config_resetstat();
    Ok(Reply::OK)
}

/// An embedded keyspace has no configuration file, so REWRITE answers as a
/// server started without one does.
fn rewrite(_: &mut Ctx<'_>, _: &[&[u8]]) -> Result<Reply> {
    Err(Error::other(
        "ERR The server is running without a config file",
    ))
}

const HELP: &[&str] = &[
    "CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "GET <pattern>",
    "    Return parameters matching the glob-like <pattern> and their values.",
    "SET <directive> <value>",
    "    Set the configuration <directive> to <value>.",
    "RESETSTAT",
    "    Reset statistics reported by the INFO command.",
    "REWRITE",
    "    Rewrite the configuration file.",
    "HELP",
    "    Prints this help.",
];

fn help(_: &mut Ctx<'_>, _: &[&[u8]]) -> Result<Reply> {
    Ok(Reply::status_lines(HELP))
}

#[cfg(test)]
mod tests {
    use crate::command::Session;
    use crate::{Config, Keyspace};

    fn run(ks: &mut Keyspace, argv: &[&str]) -> String {
        let argv: Vec<&[u8]> = argv.iter().map(|a| a.as_bytes()).collect();
        String::from_utf8(Session::new().execute(ks, &argv).to_resp2()).unwrap()
    }

    #[test]
    fn get_set_round_trip() {
        let mut ks = Keyspace::new(Config::default());
        assert_eq!(
            run(&mut ks, &["config", "set", "maxmemory", "1kb"]),
            "+OK\r\n"
        );
        assert_eq!(
            run(&mut ks, &["config", "get", "MAXMEMORY"]),
            "*2\r\n$9\r\nMAXMEMORY\r\n$4\r\n1024\r\n"
        );
        assert_eq!(
            run(&mut ks, &["config", "set", "maxmemory", "-1"]),
            "-ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a memory value\r\n"
        );
        assert_eq!(
            run(&mut ks, &["config", "set", "nope\r\nx", "1"]),
            "-ERR Unknown option or number of arguments for CONFIG SET - 'nope  x'\r\n"
        );
        assert_eq!(
            run(&mut ks, &["config", "set", "hz", "1", "x"]),
            "-ERR syntax error\r\n"
        );
        assert_eq!(run(&mut ks, &["config", "get", "nothing*"]), "*0\r\n");
    }

    #[test]
    fn multi_set_is_atomic() {
        let mut ks = Keyspace::new(Config::default());
        let reply = run(
            &mut ks,
            &["config", "set", "hz", "20", "lfu-log-factor", "x"],
        );
        assert!(
            reply.starts_with(
                "-ERR CONFIG SET failed (possibly related to argument 'lfu-log-factor')"
            )
        );
        assert_eq!(ks.config().hz, 10);
        let reply = run(&mut ks, &["config", "set", "hz", "20", "HZ", "30"]);
        assert!(
            reply.ends_with("'HZ') - duplicate parameter\r\n"),
            "{reply}"
        );
        assert_eq!(
            run(
                &mut ks,
                &[
                    "config",
                    "set",
                    "hash-max-listpack-entries",
                    "1",
                    "hash-max-ziplist-entries",
                    "2"
                ]
            ),
            "+OK\r\n"
        );
        assert_eq!(ks.config().hash_max_listpack_entries, 2);
    }
}
