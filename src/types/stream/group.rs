//! Consumer groups: the group's pending entries list (PEL), its consumers
//! and their own PELs, kept in agreement.
//!
//! # Invariants
//!
//! 1. Every ID in a consumer's PEL is in the group PEL with that consumer
//!    as owner, and every group PEL entry appears in its owner's PEL.
//! 2. `entries_read` is -1 (unknown) or a count of entries.

use std::collections::{BTreeMap, BTreeSet};

use super::{StreamEntry, StreamId, StreamValue};
use crate::error::{Error, Result};

/// A pending entry: delivered but not acknowledged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Nack {
    /// Last delivery time (Unix ms).
    pub(crate) delivery_time: u64,
    /// Number of deliveries.
    pub(crate) delivery_count: u64,
    /// The owning consumer's name.
    pub(crate) consumer: Box<[u8]>,
}

/// A consumer of a group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Consumer {
    /// Last time the consumer was seen (Unix ms).
    pub(crate) seen_time: u64,
    /// IDs pending for this consumer.
    pub(crate) pel: BTreeSet<StreamId>,
}

/// A consumer group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Group {
    /// Last ID delivered through `>`.
    pub(crate) last_id: StreamId,
    /// Logical read counter, -1 when unknown.
    pub(crate) entries_read: i64,
    /// Group PEL.
    pub(crate) pel: BTreeMap<StreamId, Nack>,
    /// Consumers by name.
    pub(crate) consumers: BTreeMap<Box<[u8]>, Consumer>,
}

/// XPENDING's summary form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingSummary {
    /// Number of pending entries.
    pub count: u64,
    /// Smallest and largest pending IDs (None when nothing is pending).
    pub bounds: Option<(StreamId, StreamId)>,
    /// Consumers with pending entries and their counts.
    pub consumers: Vec<(Vec<u8>, u64)>,
}

/// One row of XPENDING's extended form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingEntry {
    /// The entry ID.
    pub id: StreamId,
    /// Owning consumer.
    pub consumer: Vec<u8>,
    /// Milliseconds since the last delivery.
    pub idle: u64,
    /// Number of deliveries.
    pub delivery_count: u64,
}

/// What XCLAIM claimed: entries, or IDs with JUSTID.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claimed {
    /// Full entries.
    Entries(Vec<StreamEntry>),
    /// IDs only (JUSTID).
    Ids(Vec<StreamId>),
}

/// XAUTOCLAIM's reply: the next cursor, what was claimed, and the pending
/// IDs dropped because their entries no longer exist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AutoClaimed {
    /// Where the next call should start (0-0 when the scan reached the end).
    pub next: StreamId,
    /// Claimed entries or IDs.
    pub claimed: Claimed,
    /// Pending IDs whose entries were deleted.
    pub deleted: Vec<StreamId>,
}

/// Client bytes as Redis's `%s` quotes them in an error: up to the first NUL.
fn c_text(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    String::from_utf8_lossy(&bytes[..end])
}

/// `NOGROUP No such consumer group '<group>' for key name '<key>'`.
pub(crate) fn no_group(group: &[u8], key: &[u8]) -> Error {
    Error::other(format!(
        "NOGROUP No such consumer group '{}' for key name '{}'",
        c_text(group),
        c_text(key)
    ))
}

/// `NOGROUP No such key '<key>' or consumer group '<group>'` (XPENDING,
/// XCLAIM, XAUTOCLAIM), with XREADGROUP's suffix when `read`.
pub(crate) fn no_key_or_group(key: &[u8], group: &[u8], read: bool) -> Error {
    Error::other(format!(
        "NOGROUP No such key '{}' or consumer group '{}'{}",
        c_text(key),
        c_text(group),
        if read {
            " in XREADGROUP with GROUP option"
        } else {
            ""
        }
    ))
}

impl Group {
    fn new(last_id: StreamId, entries_read: i64) -> Self {
        Group {
            last_id,
            entries_read,
            pel: BTreeMap::new(),
            consumers: BTreeMap::new(),
        }
    }

    /// The consumer named `name`, created (seen now) if missing; its seen
    /// time is set to `now` either way.
    fn touch_consumer(&mut self, name: &[u8], now: u64) -> &mut Consumer {
        // Look up before inserting: the name is copied only for a new one.
        if !self.consumers.contains_key(name) {
            self.consumers.insert(
                name.into(),
                Consumer {
                    seen_time: now,
                    pel: BTreeSet::new(),
                },
            );
        }
        let c = self.consumers.get_mut(name).expect("present");
        c.seen_time = now;
        c
    }

    /// Removes one pending ID from the group and its owner.
    fn drop_pending(&mut self, id: StreamId) -> bool {
        match self.pel.remove(&id) {
            Some(nack) => {
                if let Some(c) = self.consumers.get_mut(&nack.consumer) {
                    c.pel.remove(&id);
                }
                true
            }
            None => false,
        }
    }

    /// Moves (or creates) the pending entry `id` to consumer `name`.
    fn assign(&mut self, id: StreamId, name: &[u8], time: u64, count: u64) {
        if let Some(old) = self.pel.get(&id).map(|n| n.consumer.clone())
            && &*old != name
            && let Some(c) = self.consumers.get_mut(&old)
        {
            c.pel.remove(&id);
        }
        self.pel.insert(
            id,
            Nack {
                delivery_time: time,
                delivery_count: count,
                consumer: name.into(),
            },
        );
        if let Some(c) = self.consumers.get_mut(name) {
            c.pel.insert(id);
        }
    }

    pub(crate) fn validate(&self) -> std::result::Result<(), String> {
        if self.entries_read < -1 {
            return Err("entries_read below -1".into());
        }
        let mut owned = 0;
        for (name, c) in &self.consumers {
            for id in &c.pel {
                match self.pel.get(id) {
                    Some(n) if n.consumer == *name => owned += 1,
                    _ => return Err(format!("consumer PEL id {id} not owned in group PEL")),
                }
            }
        }
        if owned != self.pel.len() {
            return Err("group PEL entry without its owner".into());
        }
        Ok(())
    }
}

impl StreamValue {
    pub(crate) fn group(&self, name: &[u8]) -> Option<&Group> {
        self.groups.get(name)
    }

    pub(crate) fn group_mut(&mut self, name: &[u8]) -> Option<&mut Group> {
        self.groups.get_mut(name)
    }

    /// XGROUP CREATE on the value: false when the group exists.
    pub fn create_group(&mut self, name: &[u8], id: StreamId, entries_read: i64) -> bool {
        if self.groups.contains_key(name) {
            return false;
        }
        self.groups
            .insert(name.into(), Group::new(id, entries_read));
        true
    }

    /// XGROUP SETID on the value.
    ///
    /// # Errors
    /// NOGROUP when the group is missing (`key` names it in the message).
    pub fn set_group_id(
        &mut self,
        key: &[u8],
        name: &[u8],
        id: StreamId,
        entries_read: i64,
    ) -> Result<()> {
        let g = self.group_mut(name).ok_or_else(|| no_group(name, key))?;
        g.last_id = id;
        g.entries_read = entries_read;
        Ok(())
    }

    /// XGROUP DESTROY on the value.
    pub fn destroy_group(&mut self, name: &[u8]) -> bool {
        self.groups.remove(name).is_some()
    }

    /// XGROUP CREATECONSUMER on the value: true when created.
    ///
    /// # Errors
    /// NOGROUP when the group is missing.
    pub fn create_consumer(
        &mut self,
        key: &[u8],
        group: &[u8],
        name: &[u8],
        now: u64,
    ) -> Result<bool> {
        let g = self.group_mut(group).ok_or_else(|| no_group(group, key))?;
        if g.consumers.contains_key(name) {
            return Ok(false);
        }
        g.touch_consumer(name, now);
        Ok(true)
    }

    /// XGROUP DELCONSUMER on the value: the number of entries that were
    /// pending for the consumer (dropped from the group PEL too).
    ///
    /// # Errors
    /// NOGROUP when the group is missing.
    pub fn delete_consumer(&mut self, key: &[u8], group: &[u8], name: &[u8]) -> Result<u64> {
        let g = self.group_mut(group).ok_or_else(|| no_group(group, key))?;
        let Some(c) = g.consumers.remove(name) else {
            return Ok(0);
        };
        for id in &c.pel {
            g.pel.remove(id);
        }
        Ok(c.pel.len() as u64)
    }

    /// Serves `>` for a group member: entries after the group's last ID.
    /// The group must exist.
    pub(crate) fn read_new(
        &mut self,
        group: &[u8],
        consumer: &[u8],
        count: usize,
        noack: bool,
        now: u64,
    ) -> Vec<StreamEntry> {
        let start = self.groups[group].last_id.incr().unwrap_or(StreamId::MAX);
        let entries = self.range(start, StreamId::MAX, false, count);
        let mut entries_read = self.groups[group].entries_read;
        let added = self.entries_added;
        for e in &entries {
            if entries_read != -1 && !self.has_tombstones_from(e.id) {
                entries_read += 1;
            } else if added != 0 {
                entries_read = self.estimate_read_counter(e.id).map_or(-1, |v| v as i64);
            }
        }
        let g = self.groups.get_mut(group).expect("group exists");
        g.entries_read = entries_read;
        g.touch_consumer(consumer, now);
        for e in &entries {
            g.last_id = e.id;
            if !noack {
                g.assign(e.id, consumer, now, 1);
            }
        }
        entries
    }

    /// Serves a history read: the consumer's own pending entries after
    /// `after`; deleted entries come back as `(id, None)`.
    pub(crate) fn read_history(
        &mut self,
        group: &[u8],
        consumer: &[u8],
        after: StreamId,
        count: usize,
        now: u64,
    ) -> Vec<(StreamId, Option<super::Fields>)> {
        let Some(start) = after.incr() else {
            return Vec::new();
        };
        let ids: Vec<StreamId> = {
            let g = self.groups.get_mut(group).expect("group exists");
            let c = g.touch_consumer(consumer, now);
            let it = c.pel.range(start..).copied();
            if count == 0 {
                it.collect()
            } else {
                it.take(count).collect()
            }
        };
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            let entry = self.get(id);
            if entry.is_some() {
                let n = self.groups.get_mut(group).and_then(|g| g.pel.get_mut(&id));
                if let Some(n) = n {
                    n.delivery_time = now;
                    n.delivery_count += 1;
                }
            }
            out.push((id, entry.map(|e| e.fields)));
        }
        out
    }

    /// XACK on the value: how many IDs were pending.
    pub fn ack(&mut self, group: &[u8], ids: &[StreamId]) -> u64 {
        let Some(g) = self.group_mut(group) else {
            return 0;
        };
        ids.iter().filter(|&&id| g.drop_pending(id)).count() as u64
    }

    /// XPENDING summary (the group must exist).
    pub(crate) fn pending_summary(&self, group: &[u8]) -> PendingSummary {
        let g = &self.groups[group];
        let bounds = match (g.pel.keys().next(), g.pel.keys().next_back()) {
            (Some(&a), Some(&b)) => Some((a, b)),
            _ => None,
        };
        PendingSummary {
            count: g.pel.len() as u64,
            bounds,
            consumers: g
                .consumers
                .iter()
                .filter(|(_, c)| !c.pel.is_empty())
                .map(|(n, c)| (n.to_vec(), c.pel.len() as u64))
                .collect(),
        }
    }

    /// XPENDING extended form (the group must exist).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn pending_range(
        &self,
        group: &[u8],
        min_idle: i64,
        start: StreamId,
        end: StreamId,
        count: usize,
        consumer: Option<&[u8]>,
        now: u64,
    ) -> Vec<PendingEntry> {
        let g = &self.groups[group];
        let ids: Box<dyn Iterator<Item = StreamId>> = match consumer {
            Some(name) => match g.consumers.get(name) {
                Some(c) if start <= end => Box::new(c.pel.range(start..=end).copied()),
                _ => return Vec::new(),
            },
            None if start <= end => Box::new(g.pel.range(start..=end).map(|(k, _)| *k)),
            None => return Vec::new(),
        };
        let mut out = Vec::new();
        for id in ids {
            if out.len() >= count {
                break;
            }
            let n = &g.pel[&id];
            let idle = now as i64 - n.delivery_time as i64;
            if min_idle != 0 && idle < min_idle {
                continue;
            }
            out.push(PendingEntry {
                id,
                consumer: n.consumer.to_vec(),
                idle: idle.max(0) as u64,
                delivery_count: n.delivery_count,
            });
        }
        out
    }

    /// XCLAIM on the value (the group must exist).
    pub(crate) fn claim(
        &mut self,
        group: &[u8],
        consumer: &[u8],
        min_idle: i64,
        ids: &[StreamId],
        opts: &super::ClaimOptions,
        now: u64,
    ) -> Claimed {
        let time = match opts.delivery_time {
            Some(t) if t >= 0 && (t as u64) <= now => t as u64,
            _ => now,
        };
        let mut entries = Vec::new();
        let mut claimed_ids = Vec::new();
        let mut have_consumer = false;
        {
            let g = self.groups.get_mut(group).expect("group exists");
            if let Some(last) = opts.last_id
                && last > g.last_id
            {
                g.last_id = last;
            }
        }
        for &id in ids {
            let exists = self.contains(id);
            let g = self.groups.get_mut(group).expect("group exists");
            if !exists {
                g.drop_pending(id);
                continue;
            }
            let (had_owner, count) = match g.pel.get(&id) {
                Some(n) => (true, n.delivery_count),
                None if opts.force => (false, 1),
                None => continue,
            };
            if had_owner && min_idle != 0 {
                let idle = now as i64 - g.pel[&id].delivery_time as i64;
                if idle < min_idle {
                    continue;
                }
            }
            if !have_consumer {
                g.touch_consumer(consumer, now);
                have_consumer = true;
            }
            let count = match opts.retry_count {
                Some(r) => r,
                None if !opts.justid => count + 1,
                None => count,
            };
            g.assign(id, consumer, time, count);
            if opts.justid {
                claimed_ids.push(id);
            } else if let Some(e) = self.get(id) {
                entries.push(e);
            }
        }
        if opts.justid {
            Claimed::Ids(claimed_ids)
        } else {
            Claimed::Entries(entries)
        }
    }

    /// XAUTOCLAIM on the value (the group must exist).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn autoclaim(
        &mut self,
        group: &[u8],
        consumer: &[u8],
        min_idle: i64,
        start: StreamId,
        count: usize,
        justid: bool,
        now: u64,
    ) -> AutoClaimed {
        let mut attempts = count.saturating_mul(10);
        let mut left = count;
        let mut entries = Vec::new();
        let mut claimed_ids = Vec::new();
        let mut deleted = Vec::new();
        let mut have_consumer = false;
        // Where the scan goes on; None once it passed the largest ID.
        let mut cursor = Some(start);
        while attempts > 0 && left > 0 {
            attempts -= 1;
            let Some(from) = cursor else { break };
            let g = &self.groups[group];
            let Some((&id, nack)) = g.pel.range(from..).next() else {
                cursor = None;
                break;
            };
            let delivered = nack.delivery_time;
            let count_now = nack.delivery_count;
            cursor = id.incr();
            if !self.contains(id) {
                self.groups.get_mut(group).expect("group").drop_pending(id);
                deleted.push(id);
                left -= 1;
                continue;
            }
            if min_idle != 0 && (now as i64 - delivered as i64) < min_idle {
                continue;
            }
            let g = self.groups.get_mut(group).expect("group");
            if !have_consumer {
                g.touch_consumer(consumer, now);
                have_consumer = true;
            }
            g.assign(
                id,
                consumer,
                now,
                if justid { count_now } else { count_now + 1 },
            );
            if justid {
                claimed_ids.push(id);
            } else if let Some(e) = self.get(id) {
                entries.push(e);
            }
            left -= 1;
        }
        // The cursor is the next pending ID after the last one looked at.
        let next = cursor
            .and_then(|c| self.groups[group].pel.range(c..).next())
            .map_or(StreamId::MIN, |(k, _)| *k);
        AutoClaimed {
            next,
            claimed: if justid {
                Claimed::Ids(claimed_ids)
            } else {
                Claimed::Entries(entries)
            },
            deleted,
        }
    }
}
