//! The `cluster` group: CLUSTER KEYSLOT, COUNTKEYSINSLOT, GETKEYSINSLOT and
//! HELP, READONLY, READWRITE, ASKING.
//!
//! Without `cluster-enabled` every one of them answers
//! `ERR This instance has cluster support disabled` (after the usual arity
//! check), as Redis does. With it, the slot queries read the keyspace's slot
//! index. An embedded keyspace is a single node with no cluster bus, so the
//! topology subcommands (ADDSLOTS, MEET, NODES, SLOTS, ...) are listed, for
//! identical arity and unknown-subcommand errors, but refused.

use super::args;
use super::flags::{ADMIN, FAST};
use super::keyless as spec;
use super::{CommandSpec, Ctx, KeySpec, Reply};
use crate::cluster::{CLUSTER_DISABLED, CLUSTER_SLOTS, key_hash_slot};
use crate::error::{Error, Result};

pub(super) const COMMANDS: &[CommandSpec] = &[
    CommandSpec {
        name: "cluster",
        arity: -2,
        flags: 0,
        keys: KeySpec::None,
        handler: super::container,
        subcommands: SUBCOMMANDS,
    },
    spec("readonly", 1, FAST, ok_in_cluster),
    spec("readwrite", 1, FAST, ok_in_cluster),
    spec("asking", 1, FAST, ok_in_cluster),
];

const SUBCOMMANDS: &[CommandSpec] = &[
    spec("keyslot", 3, 0, keyslot),
    spec("countkeysinslot", 3, 0, countkeysinslot),
    spec("getkeysinslot", 4, 0, getkeysinslot),
    spec("help", 2, 0, help),
    spec("addslots", -3, ADMIN, unsupported),
    spec("addslotsrange", -4, ADMIN, unsupported),
    spec("bumpepoch", 2, ADMIN, unsupported),
    spec("count-failure-reports", 3, ADMIN, unsupported),
    spec("delslots", -3, ADMIN, unsupported),
    spec("delslotsrange", -4, ADMIN, unsupported),
    spec("failover", -2, ADMIN, unsupported),
    spec("flushslots", 2, ADMIN, unsupported),
    spec("forget", 3, ADMIN, unsupported),
    spec("info", 2, 0, unsupported),
    spec("links", 2, 0, unsupported),
    spec("meet", -4, ADMIN, unsupported),
    spec("myid", 2, 0, unsupported),
    spec("nodes", 2, 0, unsupported),
    spec("replicas", 3, ADMIN, unsupported),
    spec("replicate", 3, ADMIN, unsupported),
    spec("reset", -2, ADMIN, unsupported),
    spec("saveconfig", 2, ADMIN, unsupported),
    spec("set-config-epoch", 3, ADMIN, unsupported),
    spec("setslot", -4, ADMIN, unsupported),
    spec("shards", 2, 0, unsupported),
    spec("slaves", 3, ADMIN, unsupported),
    spec("slots", 2, 0, unsupported),
];

/// Fails unless `cluster-enabled` is on.
fn require_cluster(ctx: &Ctx<'_>) -> Result<()> {
    if ctx.ks.config().cluster_enabled {
        Ok(())
    } else {
        Err(Error::other(CLUSTER_DISABLED))
    }
}

/// READONLY, READWRITE, ASKING: a single node serves every slot, so these
/// only acknowledge.
fn ok_in_cluster(ctx: &mut Ctx<'_>, _: &[&[u8]]) -> Result<Reply> {
    require_cluster(ctx)?;
    Ok(Reply::OK)
}

fn keyslot(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    require_cluster(ctx)?;
    Ok(Reply::Integer(i64::from(key_hash_slot(argv[2]))))
}

/// Parses a slot number; `None` when outside 0..16384.
fn slot(arg: &[u8]) -> Result<Option<u16>> {
    let n = args::int(arg)?;
    Ok(u16::try_from(n).ok().filter(|&s| s < CLUSTER_SLOTS))
}

fn countkeysinslot(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    require_cluster(ctx)?;
    let slot = slot(argv[2])?.ok_or(Error::other("ERR Invalid slot"))?;
    let n = ctx.ks.cluster_countkeysinslot(slot)?;
    Ok(Reply::Integer(i64::try_from(n).unwrap_or(i64::MAX)))
}

fn getkeysinslot(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    require_cluster(ctx)?;
    let slot = slot(argv[2])?;
    let count = args::int(argv[3])?;
    let (Some(slot), Ok(count)) = (slot, usize::try_from(count)) else {
        return Err(Error::other("ERR Invalid slot or number of keys"));
    };
    Ok(Reply::bulks(ctx.ks.cluster_getkeysinslot(slot, count)?))
}

fn unsupported(ctx: &mut Ctx<'_>, argv: &[&[u8]]) -> Result<Reply> {
    require_cluster(ctx)?;
    let sub = String::from_utf8_lossy(argv[1]).to_ascii_uppercase();
    Err(Error::other(format!(
        "ERR CLUSTER {sub} is not supported by embedis (a single node without a cluster bus)"
    )))
}

const HELP: &[&str] = &[
    "CLUSTER <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "ADDSLOTS <slot> [<slot> ...]",
    "    Assign slots to current node.",
    "ADDSLOTSRANGE <start slot> <end slot> [<start slot> <end slot> ...]",
    "    Assign slots which are between <start-slot> and <end-slot> to current node.",
    "BUMPEPOCH",
    "    Advance the cluster config epoch.",
    "COUNT-FAILURE-REPORTS <node-id>",
    "    Return number of failure reports for <node-id>.",
    "COUNTKEYSINSLOT <slot>",
    "    Return the number of keys in <slot>.",
    "DELSLOTS <slot> [<slot> ...]",
    "    Delete slots information from current node.",
    "DELSLOTSRANGE <start slot> <end slot> [<start slot> <end slot> ...]",
    "    Delete slots information which are between <start-slot> and <end-slot> from current node.",
    "FAILOVER [FORCE|TAKEOVER]",
    "    Promote current replica node to being a master.",
    "FORGET <node-id>",
    "    Remove a node from the cluster.",
    "GETKEYSINSLOT <slot> <count>",
    "    Return key names stored by current node in a slot.",
    "FLUSHSLOTS",
    "    Delete current node own slots information.",
    "INFO",
    "    Return information about the cluster.",
    "KEYSLOT <key>",
    "    Return the hash slot for <key>.",
    "MEET <ip> <port> [<bus-port>]",
    "    Connect nodes into a working cluster.",
    "MYID",
    "    Return the node id.",
    "NODES",
    "    Return cluster configuration seen by node. Output format:",
    "    <id> <ip:port> <flags> <master> <pings> <pongs> <epoch> <link> <slot> ...",
    "REPLICATE <node-id>",
    "    Configure current node as replica to <node-id>.",
    "RESET [HARD|SOFT]",
    "    Reset current node (default: soft).",
    "SET-CONFIG-EPOCH <epoch>",
    "    Set config epoch of current node.",
    "SETSLOT <slot> (IMPORTING <node-id>|MIGRATING <node-id>|STABLE|NODE <node-id>)",
    "    Set slot state.",
    "REPLICAS <node-id>",
    "    Return <node-id> replicas.",
    "SAVECONFIG",
    "    Force saving cluster configuration on disk.",
    "SLOTS",
    "    Return information about slots range mappings. Each range is made of:",
    "    start, end, master and replicas IP addresses, ports and ids",
    "SHARDS",
    "    Return information about slot range mappings and the nodes associated with them.",
    "LINKS",
    "    Return information about all network links between this node and its peers.",
    "    Output format is an array where each array element is a map containing attributes of a link",
    "HELP",
    "    Prints this help.",
];

fn help(ctx: &mut Ctx<'_>, _: &[&[u8]]) -> Result<Reply> {
    require_cluster(ctx)?;
    Ok(Reply::status_lines(HELP))
}
