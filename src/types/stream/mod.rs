//! A stream: entries packed in listpack nodes indexed by their first ID,
//! with consumer groups.
//!
//! # Format
//!
//! ```text
//! nodes: BTreeMap<StreamId, Listpack>   node key = master ID = first entry's ID
//!   0-1 -> [master entry | entry | entry | ... ]   (see node.rs)
//!   9-4 -> [master entry | entry | ... ]
//! length, last_id, first_id, max_deleted_id, entries_added
//! groups: BTreeMap<name, Group>         (see group.rs)
//! ```
//!
//! The ordered map plays the part of Redis's rax keyed by the 16-byte
//! big-endian master ID; iteration order is the same.
//!
//! # Invariants
//!
//! 1. `length` is the sum of the nodes' live counts. XDEL drops a node
//!    whose last live entry it deletes; an exact MINID trim can leave a
//!    node of tombstones only, as Redis does.
//! 2. `first_id` is the first live entry's ID (0-0 when empty).
//! 3. Each node holds at most `stream-node-max-entries` entries (live and
//!    deleted) unless that limit is 0.
//! 4. Each group's PEL and its consumers' PELs hold the same IDs, each
//!    pending ID owned by exactly one consumer.
//! 5. The last live entry (as a reverse scan finds it) is at most
//!    `last_id`; `entries_added` is at least `length`. Nodes are ordered and
//!    disjoint until XSETID sets the last ID below a tombstone: then new
//!    entries may land in (or ahead of) a node whose key is above them, as
//!    in Redis, and scans follow Redis's iterator so replies agree.
//!
//! # Thresholds
//!
//! A new node starts when the last node's bytes plus the raw bytes of the
//! new fields and values reach `stream-node-max-bytes` (4096; 0 means 1 GB),
//! or its live + deleted count reaches `stream-node-max-entries` (100; 0
//! means no limit). A node left behind is shrunk to fit.
//!
//! # Compatibility
//!
//! Redis 7.0.15 streams: OBJECT ENCODING `stream`.

mod api;
mod group;
mod group_api;
mod id;
mod info;
mod node;

use std::collections::BTreeMap;

use crate::encoding::listpack::Listpack;
use crate::error::{Error, Result};
use crate::value::{Encoding, Value};

pub use api::{ReadFrom, StreamRead, XAddId, XAddOptions, XTrim, XTrimStrategy};
pub use group::{AutoClaimed, Claimed, PendingEntry, PendingSummary};
pub(crate) use group::{Group, no_group, no_key_or_group};
pub use group_api::ClaimOptions;
pub use id::StreamId;
pub use info::{ConsumerInfo, GroupInfo, StreamInfo};

/// Largest total size of the fields and values of one entry (1 GB).
const MAX_ENTRY_BYTES: usize = 1 << 30;

/// Field/value pairs of one entry.
pub type Fields = Vec<(Vec<u8>, Vec<u8>)>;

/// One stream entry: its ID and field/value pairs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamEntry {
    /// The entry ID.
    pub id: StreamId,
    /// Field/value pairs in insertion order.
    pub fields: Vec<(Vec<u8>, Vec<u8>)>,
}

/// The value of a stream.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StreamValue {
    nodes: BTreeMap<StreamId, Listpack>,
    length: u64,
    last_id: StreamId,
    first_id: StreamId,
    max_deleted_id: StreamId,
    entries_added: u64,
    pub(crate) groups: BTreeMap<Box<[u8]>, Group>,
    /// Sum of the nodes' listpack lengths, kept as nodes change so
    /// [`StreamValue::heap_bytes`] needs no walk over the nodes.
    node_bytes: usize,
}

pub(crate) fn as_stream(v: &mut Value) -> Option<&mut StreamValue> {
    match v {
        Value::Stream(s) => Some(s),
        _ => None,
    }
}

fn to_entry(node: &node::Node<'_>, raw: &node::RawEntry) -> StreamEntry {
    StreamEntry {
        id: raw.id,
        fields: node
            .fields(raw)
            .map(|(f, v)| (f.to_vec(), v.to_vec()))
            .collect(),
    }
}

impl StreamValue {
    /// An empty stream.
    pub fn new() -> Self {
        StreamValue::default()
    }

    /// The encoding OBJECT ENCODING reports.
    pub fn encoding(&self) -> Encoding {
        Encoding::Stream
    }

    /// Number of live entries (XLEN).
    pub fn len(&self) -> u64 {
        self.length
    }

    /// True without live entries (the key may still exist).
    pub fn is_empty(&self) -> bool {
        self.length == 0
    }

    /// The last ID ever generated or set (XSETID).
    pub fn last_id(&self) -> StreamId {
        self.last_id
    }

    /// Entries ever added.
    pub fn entries_added(&self) -> u64 {
        self.entries_added
    }

    /// The largest ID ever deleted by XDEL (0-0 if none).
    pub fn max_deleted_id(&self) -> StreamId {
        self.max_deleted_id
    }

    /// Number of listpack nodes.
    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    /// Heap bytes held: node buffers (the tail node's spare capacity
    /// included; full nodes are shrunk), the ordered map's per-node share
    /// and the consumer groups. O(log nodes + consumers).
    pub fn heap_bytes(&self) -> usize {
        let tail_spare = self
            .nodes
            .last_key_value()
            .map_or(0, |(_, lp)| lp.allocated_bytes() - lp.total_bytes());
        self.node_bytes
            + tail_spare
            + self.nodes.len() * btree_share::<StreamId, Listpack>()
            + self.groups_heap_bytes()
    }

    /// Estimated heap bytes of the consumer groups: names, PEL entries
    /// (each holding a copy of its consumer's name), consumers.
    fn groups_heap_bytes(&self) -> usize {
        let mut total = 0;
        for (name, g) in &self.groups {
            total += btree_share::<Box<[u8]>, Group>() + name.len();
            total += g.pel.len() * btree_share::<StreamId, group::Nack>();
            for (cname, c) in &g.consumers {
                total += btree_share::<Box<[u8]>, group::Consumer>() + cname.len();
                total += c.pel.len() * (btree_share::<StreamId, ()>() + cname.len());
            }
        }
        total
    }

    /// The sum of the nodes' lengths, from scratch (validation).
    fn count_node_bytes(&self) -> usize {
        self.nodes.values().map(Listpack::total_bytes).sum()
    }

    /// The ID the next XADD gets for `how` at time `now`, checked against
    /// `last_id`.
    ///
    /// # Errors
    /// The exhausted-ID and equal-or-smaller errors of XADD.
    pub fn next_id(&self, how: XAddId, now: u64) -> Result<StreamId> {
        if self.last_id == StreamId::MAX {
            return Err(Error::other(
                "ERR The stream has exhausted the last possible ID, unable to add more items",
            ));
        }
        let id = match how {
            XAddId::Auto => {
                if now > self.last_id.ms {
                    StreamId::new(now, 0)
                } else {
                    self.last_id.incr().expect("not the largest ID")
                }
            }
            XAddId::AutoSeq(ms) if ms == self.last_id.ms => {
                if self.last_id.seq == u64::MAX {
                    return Err(too_small());
                }
                StreamId::new(ms, self.last_id.seq + 1)
            }
            XAddId::AutoSeq(ms) => StreamId::new(ms, 0),
            XAddId::Explicit(id) => id,
        };
        if id <= self.last_id {
            return Err(too_small());
        }
        Ok(id)
    }

    /// Appends an entry with ID `id` (greater than `last_id`), starting a new
    /// node when the last one is full.
    ///
    /// # Errors
    /// `ERR Elements are too large to be stored` above 1 GB of fields and values.
    pub fn append(
        &mut self,
        id: StreamId,
        fields: &[(&[u8], &[u8])],
        max_bytes: usize,
        max_entries: usize,
    ) -> Result<()> {
        debug_assert!(id > self.last_id);
        let total: usize = fields.iter().map(|(f, v)| f.len() + v.len()).sum();
        if total > MAX_ENTRY_BYTES {
            return Err(Error::other("ERR Elements are too large to be stored"));
        }
        let max_bytes = if max_bytes == 0 || max_bytes > MAX_ENTRY_BYTES {
            MAX_ENTRY_BYTES
        } else {
            max_bytes
        };
        let mut appended = false;
        if let Some((&master, lp)) = self.nodes.iter_mut().next_back() {
            let (live, deleted) = node::counts(lp);
            let full = lp.total_bytes() + total >= max_bytes
                || (max_entries != 0 && live + deleted >= max_entries as u64);
            if full {
                lp.shrink_to_fit();
            } else {
                self.node_bytes -= lp.total_bytes();
                node::append(lp, master, id, fields);
                self.node_bytes += lp.total_bytes();
                appended = true;
            }
        }
        if !appended {
            let lp = node::create(id, fields);
            self.node_bytes += lp.total_bytes();
            self.nodes.insert(id, lp);
        }
        self.length += 1;
        self.entries_added += 1;
        self.last_id = id;
        if self.length == 1 {
            self.first_id = id;
        }
        Ok(())
    }

    /// Calls `f` on each live entry with `start <= id <= end`, ascending or
    /// (`rev`) descending, until `f` returns false.
    ///
    /// This walks as Redis's stream iterator does, which matters once XSETID
    /// lowered the last ID below a tombstone (entries are then not sorted):
    /// it starts at the last node whose key is at most the near bound (else
    /// at the first or last node), skips tombstones without looking at their
    /// IDs, and stops at the first live entry beyond the far bound.
    pub(crate) fn scan(
        &self,
        start: StreamId,
        end: StreamId,
        rev: bool,
        mut f: impl FnMut(&node::Node<'_>, &node::RawEntry) -> bool,
    ) {
        if start > end {
            return;
        }
        let near = if rev { end } else { start };
        let seek = self.nodes.range(..=near).next_back().map(|(k, _)| *k);
        if !rev {
            let Some(from) = seek.or_else(|| self.nodes.keys().next().copied()) else {
                return;
            };
            for (&master, lp) in self.nodes.range(from..) {
                let n = node::Node::open(lp, master);
                for e in n.iter() {
                    if e.deleted || e.id < start {
                        continue;
                    }
                    if e.id > end || !f(&n, &e) {
                        return;
                    }
                }
            }
        } else {
            let Some(to) = seek.or_else(|| self.nodes.keys().next_back().copied()) else {
                return;
            };
            for (&master, lp) in self.nodes.range(..=to).rev() {
                let n = node::Node::open(lp, master);
                for e in n.iter_rev() {
                    if e.deleted || e.id > end {
                        continue;
                    }
                    if e.id < start || !f(&n, &e) {
                        return;
                    }
                }
            }
        }
    }

    /// Live entries in `start..=end`, at most `count` (0 = all).
    pub fn range(
        &self,
        start: StreamId,
        end: StreamId,
        rev: bool,
        count: usize,
    ) -> Vec<StreamEntry> {
        let mut out = Vec::new();
        self.scan(start, end, rev, |n, e| {
            out.push(to_entry(n, e));
            count == 0 || out.len() < count
        });
        out
    }

    /// The live entry with ID `id`.
    pub fn get(&self, id: StreamId) -> Option<StreamEntry> {
        self.range(id, id, false, 1).pop()
    }

    /// True when a live entry has ID `id`.
    pub fn contains(&self, id: StreamId) -> bool {
        let mut found = false;
        self.scan(id, id, false, |_, _| {
            found = true;
            false
        });
        found
    }

    fn edge_id(&self, last: bool) -> Option<StreamId> {
        let mut found = None;
        self.scan(StreamId::MIN, StreamId::MAX, last, |_, e| {
            found = Some(e.id);
            false
        });
        found
    }

    /// The last live entry's ID.
    pub fn last_entry_id(&self) -> Option<StreamId> {
        self.edge_id(true)
    }

    /// The first live entry's ID (recorded, 0-0 when empty).
    pub fn first_id(&self) -> StreamId {
        self.first_id
    }

    /// Deletes one live entry (a tombstone in its node; an emptied node is
    /// dropped). Does not touch `max_deleted_id` or `first_id`. The entry is
    /// found as [`StreamValue::scan`] finds it.
    fn delete_raw(&mut self, id: StreamId) -> bool {
        let seek = self.nodes.range(..=id).next_back().map(|(k, _)| *k);
        let Some(from) = seek.or_else(|| self.nodes.keys().next().copied()) else {
            return false;
        };
        let mut found = None;
        'nodes: for (&master, lp) in self.nodes.range(from..) {
            for e in node::Node::open(lp, master).iter() {
                if e.deleted || e.id < id {
                    continue;
                }
                if e.id == id {
                    found = Some((master, e.flags_pos));
                }
                break 'nodes;
            }
        }
        let Some((master, pos)) = found else {
            return false;
        };
        let lp = self.nodes.get_mut(&master).expect("found above");
        self.node_bytes -= lp.total_bytes();
        if node::mark_deleted(lp, pos) == 0 {
            self.nodes.remove(&master);
        } else {
            self.node_bytes += lp.total_bytes();
        }
        self.length -= 1;
        true
    }

    /// XDEL: deletes the given IDs; returns how many existed.
    pub fn delete(&mut self, ids: &[StreamId]) -> u64 {
        let mut deleted = 0;
        let mut first = false;
        for &id in ids {
            if self.delete_raw(id) {
                first |= id == self.first_id;
                self.max_deleted_id = self.max_deleted_id.max(id);
                deleted += 1;
            }
        }
        if deleted > 0 {
            if self.length == 0 {
                self.first_id = StreamId::MIN;
            } else if first {
                self.first_id = self.edge_id(false).unwrap_or(StreamId::MIN);
            }
        }
        deleted
    }

    /// Trims from the head as XTRIM / XADD's trimming do; returns the
    /// number of entries removed.
    pub fn trim(&mut self, trim: &XTrim, max_entries: usize) -> u64 {
        let limit = trim.effective_limit(max_entries);
        let mut deleted = 0u64;
        while let Some((&master, lp)) = self.nodes.iter_mut().next() {
            if let XTrimStrategy::MaxLen(maxlen) = trim.strategy
                && self.length <= maxlen
            {
                break;
            }
            let (live, _) = node::counts(lp);
            if limit != 0 && deleted + live > limit {
                break;
            }
            let whole = match trim.strategy {
                XTrimStrategy::MaxLen(maxlen) => self.length - live >= maxlen,
                XTrimStrategy::MinId(min) => node::last_id(lp, master) < min,
            };
            if whole {
                self.node_bytes -= lp.total_bytes();
                self.nodes.remove(&master);
                self.length -= live;
                deleted += live;
                continue;
            }
            if trim.approx {
                break;
            }
            let mut victims = Vec::new();
            let mut length = self.length;
            for e in node::entries(lp, master) {
                let stop = match trim.strategy {
                    XTrimStrategy::MaxLen(maxlen) => length <= maxlen,
                    XTrimStrategy::MinId(min) => e.id >= min,
                };
                if stop {
                    break;
                }
                if !e.deleted {
                    victims.push(e.flags_pos);
                    length -= 1;
                }
            }
            // Flags are one-byte integers either way, so positions stay
            // valid while flags change; the master counts come last.
            self.node_bytes -= lp.total_bytes();
            for pos in &victims {
                node::mark_deleted(lp, *pos);
            }
            self.node_bytes += lp.total_bytes();
            self.length -= victims.len() as u64;
            deleted += victims.len() as u64;
            break;
        }
        if self.length == 0 {
            self.first_id = StreamId::MIN;
        } else if deleted > 0 {
            self.first_id = self.edge_id(false).unwrap_or(StreamId::MIN);
        }
        deleted
    }

    /// XSETID on the value: checks and sets last_id, entries_added and
    /// max_deleted_id.
    ///
    /// # Errors
    /// Redis's XSETID errors.
    pub fn set_id(
        &mut self,
        id: StreamId,
        entries_added: Option<u64>,
        max_deleted: Option<StreamId>,
    ) -> Result<()> {
        if self.length > 0 {
            let top = self.last_entry_id().unwrap_or(StreamId::MIN);
            if id < top {
                return Err(Error::other(
                    "ERR The ID specified in XSETID is smaller than the target stream top item",
                ));
            }
            if let Some(added) = entries_added
                && added < self.length
            {
                return Err(Error::other(
                    "ERR The entries_added specified in XSETID is smaller than the target stream length",
                ));
            }
        }
        self.last_id = id;
        if let Some(added) = entries_added {
            self.entries_added = added;
        }
        if let Some(md) = max_deleted {
            self.max_deleted_id = md;
        }
        Ok(())
    }

    /// True when an XDEL tombstone may lie in `start..`: Redis's cheap test
    /// on `max_deleted_id`.
    pub(crate) fn has_tombstones_from(&self, start: StreamId) -> bool {
        if self.length == 0 || self.max_deleted_id.is_zero() {
            return false;
        }
        if self.first_id > self.max_deleted_id {
            return false;
        }
        start <= self.max_deleted_id
    }

    /// Redis's estimate of the logical read counter at `id`; None when it
    /// cannot be known.
    pub(crate) fn estimate_read_counter(&self, id: StreamId) -> Option<u64> {
        if self.entries_added == 0 {
            return Some(0);
        }
        if self.length == 0 && id <= self.last_id {
            return Some(self.entries_added);
        }
        match id.cmp(&self.last_id) {
            std::cmp::Ordering::Equal => return Some(self.entries_added),
            std::cmp::Ordering::Greater => return None,
            std::cmp::Ordering::Less => {}
        }
        if self.max_deleted_id.is_zero() || self.max_deleted_id < self.first_id {
            match id.cmp(&self.first_id) {
                std::cmp::Ordering::Less => return Some(self.entries_added - self.length),
                std::cmp::Ordering::Equal => {
                    return Some(self.entries_added - self.length + 1);
                }
                std::cmp::Ordering::Greater => {}
            }
        }
        None
    }

    /// Checks invariants 1-5 of the module docs, with invariant 3's node
    /// limit `max_entries` (0: no limit). Use it where the limit was not
    /// lowered since the nodes were filled (nodes are never split).
    ///
    /// # Errors
    /// A description of the first broken invariant.
    pub fn validate(&self, max_entries: usize) -> std::result::Result<(), String> {
        self.validate_structure()?;
        for (&master, lp) in &self.nodes {
            let (live, deleted) = node::counts(lp);
            if max_entries != 0 && live + deleted > max_entries as u64 {
                return Err(format!("node {master} holds {} entries", live + deleted));
            }
        }
        Ok(())
    }

    /// Checks the invariants that hold whatever the node limits were:
    /// every node (see `node.rs`), the length, first and last IDs, the
    /// entries-added counter and every group.
    ///
    /// # Errors
    /// A description of the first broken invariant.
    pub fn validate_structure(&self) -> std::result::Result<(), String> {
        let mut live_total = 0;
        for (&master, lp) in &self.nodes {
            let (live, _) = node::validate(lp, master)?;
            live_total += live;
        }
        if live_total != self.length {
            return Err(format!("length {} but {live_total} live", self.length));
        }
        if self.count_node_bytes() != self.node_bytes {
            return Err(format!(
                "node bytes counted {} but the nodes hold {}",
                self.node_bytes,
                self.count_node_bytes()
            ));
        }
        if self.last_entry_id().is_some_and(|l| l > self.last_id) {
            return Err("the last entry is above last_id".into());
        }
        if self.entries_added < self.length {
            return Err(format!(
                "entries_added {} below length {}",
                self.entries_added, self.length
            ));
        }
        let first = self.edge_id(false).unwrap_or(StreamId::MIN);
        if first != self.first_id {
            return Err(format!(
                "first_id {} but first entry {first}",
                self.first_id
            ));
        }
        for (name, g) in &self.groups {
            g.validate()
                .map_err(|e| format!("group {}: {e}", String::from_utf8_lossy(name)))?;
        }
        Ok(())
    }
}

/// Estimated heap share of one element of a `BTreeMap<K, V>`: leaves of
/// 11 slots (keys, values, parent link and counts) about two thirds full.
fn btree_share<K, V>() -> usize {
    (11 * (std::mem::size_of::<K>() + std::mem::size_of::<V>()) + 16) * 3 / 22
}

fn too_small() -> Error {
    Error::other("ERR The ID specified in XADD is equal or smaller than the target stream top item")
}

#[cfg(test)]
mod tests;
