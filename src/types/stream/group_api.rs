//! Typed consumer-group commands: `impl Keyspace` for XREADGROUP, XACK,
//! XPENDING, XCLAIM, XAUTOCLAIM and XGROUP (the rest of the stream group
//! is in `api.rs`).

use super::api::{ReadFrom, StreamRead, new_stream};
use super::group::{AutoClaimed, Claimed, PendingEntry, PendingSummary, no_key_or_group};
use super::{StreamId, StreamValue};
use crate::error::{Error, Result};
use crate::keyspace::Keyspace;

/// XCLAIM's options.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ClaimOptions {
    /// Delivery time to set (Unix ms; IDLE is converted by the caller);
    /// negative or future values mean now.
    pub delivery_time: Option<i64>,
    /// `RETRYCOUNT`.
    pub retry_count: Option<u64>,
    /// `FORCE`: create pending entries for IDs that are not pending.
    pub force: bool,
    /// `JUSTID`: return IDs, do not bump delivery counts.
    pub justid: bool,
    /// `LASTID`: raise the group's last ID to this.
    pub last_id: Option<StreamId>,
}

impl Keyspace {
    /// Checks that `key` holds a stream with `group` for XREADGROUP.
    ///
    /// # Errors
    /// `WRONGTYPE` or NOGROUP.
    pub(crate) fn xreadgroup_check(&mut self, key: &[u8], group: &[u8]) -> Result<()> {
        match self.stream_read(key)? {
            Some(s) if s.group(group).is_some() => Ok(()),
            _ => Err(no_key_or_group(key, group, true)),
        }
    }

    /// Reads as member `consumer` of `group`: `ReadFrom::New` delivers
    /// entries no member has seen (adding them to the consumer's pending
    /// list unless `noack`); `ReadFrom::After(id)` re-reads the consumer's
    /// own pending entries after `id`. Streams with nothing to return are
    /// left out.
    ///
    /// ```text
    /// XREADGROUP GROUP group consumer [COUNT count] [BLOCK ms] [NOACK] STREAMS key [key ...] id [id ...]
    /// ```
    ///
    /// O(log n + m) per stream.
    ///
    /// # Errors
    /// `WRONGTYPE`, NOGROUP, and `$` is refused.
    pub fn xreadgroup(
        &mut self,
        group: &[u8],
        consumer: &[u8],
        streams: &[(&[u8], ReadFrom)],
        count: usize,
        noack: bool,
    ) -> Result<Vec<StreamRead>> {
        for &(key, from) in streams {
            self.xreadgroup_check(key, group)?;
            if from == ReadFrom::Last {
                return Err(Error::other(
                    "ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set.",
                ));
            }
        }
        self.xreadgroup_unchecked(group, consumer, streams, count, noack)
    }

    /// XREADGROUP after its checks passed.
    pub(crate) fn xreadgroup_unchecked(
        &mut self,
        group: &[u8],
        consumer: &[u8],
        streams: &[(&[u8], ReadFrom)],
        count: usize,
        noack: bool,
    ) -> Result<Vec<StreamRead>> {
        let now = self.now_ms();
        let mut out = Vec::new();
        for &(key, from) in streams {
            let Some(s) = self.stream_read(key)? else {
                continue;
            };
            if s.group(group).is_none() {
                continue;
            }
            let entries = match from {
                ReadFrom::After(id) => s.read_history(group, consumer, id, count, now),
                _ => {
                    let last_id = s.group(group).map_or(StreamId::MAX, |g| g.last_id);
                    if s.last_entry_id().is_none_or(|l| l <= last_id) {
                        continue;
                    }
                    let got = s.read_new(group, consumer, count, noack, now);
                    got.into_iter().map(|e| (e.id, Some(e.fields))).collect()
                }
            };
            out.push(StreamRead {
                key: key.to_vec(),
                entries,
            });
            self.stats.dirty += 1;
        }
        Ok(out)
    }

    /// Whether the stream at `key` has `group` (None: no key), looked up
    /// as a write.
    ///
    /// # Errors
    /// `WRONGTYPE`.
    pub(crate) fn stream_group_probe(&mut self, key: &[u8], group: &[u8]) -> Result<Option<bool>> {
        Ok(self.stream_write(key)?.map(|s| s.group(group).is_some()))
    }

    /// [`Keyspace::stream_group_probe`] as a read lookup.
    ///
    /// # Errors
    /// `WRONGTYPE`.
    pub(crate) fn stream_group_probe_read(
        &mut self,
        key: &[u8],
        group: &[u8],
    ) -> Result<Option<bool>> {
        Ok(self.stream_read(key)?.map(|s| s.group(group).is_some()))
    }

    /// Acknowledges pending entries; returns how many were pending.
    ///
    /// ```text
    /// XACK key group id [id ...]
    /// ```
    ///
    /// O(log n) per ID.
    ///
    /// # Errors
    /// `WRONGTYPE`.
    pub fn xack(&mut self, key: &[u8], group: &[u8], ids: &[StreamId]) -> Result<u64> {
        Ok(self.stream_read(key)?.map_or(0, |s| s.ack(group, ids)))
    }

    fn with_group(&mut self, key: &[u8], group: &[u8]) -> Result<&mut StreamValue> {
        match self.stream_read(key)? {
            Some(s) if s.group(group).is_some() => Ok(s),
            _ => Err(no_key_or_group(key, group, false)),
        }
    }

    /// The summary of a group's pending entries.
    ///
    /// ```text
    /// XPENDING key group
    /// ```
    ///
    /// O(consumers).
    ///
    /// # Errors
    /// `WRONGTYPE`, NOGROUP.
    pub fn xpending(&mut self, key: &[u8], group: &[u8]) -> Result<PendingSummary> {
        Ok(self.with_group(key, group)?.pending_summary(group))
    }

    /// Pending entries in `start..=end` idle at least `min_idle` ms, at most
    /// `count`, optionally of one consumer.
    ///
    /// ```text
    /// XPENDING key group [IDLE min-idle-time] start end count [consumer]
    /// ```
    ///
    /// O(log n + count).
    ///
    /// # Errors
    /// `WRONGTYPE`, NOGROUP.
    #[allow(clippy::too_many_arguments)]
    pub fn xpending_range(
        &mut self,
        key: &[u8],
        group: &[u8],
        min_idle: i64,
        start: StreamId,
        end: StreamId,
        count: usize,
        consumer: Option<&[u8]>,
    ) -> Result<Vec<PendingEntry>> {
        let now = self.now_ms();
        let s = self.with_group(key, group)?;
        Ok(s.pending_range(group, min_idle, start, end, count, consumer, now))
    }

    /// Transfers pending entries idle at least `min_idle` ms to `consumer`.
    /// Entries deleted from the stream are dropped from the pending list
    /// and not returned.
    ///
    /// ```text
    /// XCLAIM key group consumer min-idle-time id [id ...] [IDLE ms] [TIME unix-ms] [RETRYCOUNT count] [FORCE] [JUSTID] [LASTID id]
    /// ```
    ///
    /// O(log n) per ID.
    ///
    /// # Errors
    /// `WRONGTYPE`, NOGROUP.
    pub fn xclaim(
        &mut self,
        key: &[u8],
        group: &[u8],
        consumer: &[u8],
        min_idle: i64,
        ids: &[StreamId],
        opts: &ClaimOptions,
    ) -> Result<Claimed> {
        let now = self.now_ms();
        let s = self.with_group(key, group)?;
        Ok(s.claim(group, consumer, min_idle.max(0), ids, opts, now))
    }

    /// Claims up to `count` pending entries from `start` idle at least
    /// `min_idle` ms; reports pending IDs whose entries were deleted.
    ///
    /// ```text
    /// XAUTOCLAIM key group consumer min-idle-time start [COUNT count] [JUSTID]
    /// ```
    ///
    /// O(count).
    ///
    /// # Errors
    /// `WRONGTYPE`, NOGROUP.
    #[allow(clippy::too_many_arguments)]
    pub fn xautoclaim(
        &mut self,
        key: &[u8],
        group: &[u8],
        consumer: &[u8],
        min_idle: i64,
        start: StreamId,
        count: usize,
        justid: bool,
    ) -> Result<AutoClaimed> {
        let now = self.now_ms();
        let s = self.with_group(key, group)?;
        Ok(s.autoclaim(group, consumer, min_idle.max(0), start, count, justid, now))
    }

    /// Creates a consumer group starting after `from` (`Last` = the
    /// stream's last ID); `mkstream` creates a missing key.
    ///
    /// ```text
    /// XGROUP CREATE key group id|$ [MKSTREAM] [ENTRIESREAD entries-read]
    /// ```
    ///
    /// O(1).
    ///
    /// # Errors
    /// `WRONGTYPE`, the missing-key error, `BUSYGROUP`.
    ///
    /// [`Error::OutOfMemory`](crate::Error::OutOfMemory) when used memory is over `maxmemory`
    /// and eviction cannot bring it under; nothing is changed then.
    pub fn xgroup_create(
        &mut self,
        key: &[u8],
        group: &[u8],
        from: ReadFrom,
        mkstream: bool,
        entries_read: Option<i64>,
    ) -> Result<()> {
        self.make_room()?;
        if self.stream_write(key)?.is_none() {
            if !mkstream {
                return Err(no_key_for_group());
            }
            self.add_key(key, new_stream());
        }
        let s = self.stream_write(key)?.expect("present");
        let id = match from {
            ReadFrom::After(id) => id,
            _ => s.last_id(),
        };
        if !s.create_group(group, id, entries_read.unwrap_or(-1)) {
            return Err(Error::other("BUSYGROUP Consumer Group name already exists"));
        }
        self.signal_modified(key);
        Ok(())
    }

    /// Sets a group's last delivered ID and entries-read counter.
    ///
    /// ```text
    /// XGROUP SETID key group id|$ [ENTRIESREAD entries-read]
    /// ```
    ///
    /// O(1).
    ///
    /// # Errors
    /// `WRONGTYPE`, the missing-key error, NOGROUP.
    pub fn xgroup_setid(
        &mut self,
        key: &[u8],
        group: &[u8],
        from: ReadFrom,
        entries_read: Option<i64>,
    ) -> Result<()> {
        let s = self.stream_write(key)?.ok_or_else(no_key_for_group)?;
        let id = match from {
            ReadFrom::After(id) => id,
            _ => s.last_id(),
        };
        s.set_group_id(key, group, id, entries_read.unwrap_or(-1))?;
        self.signal_modified(key);
        Ok(())
    }

    /// Destroys a group; true if it existed.
    ///
    /// ```text
    /// XGROUP DESTROY key group
    /// ```
    ///
    /// O(pending + consumers).
    ///
    /// # Errors
    /// `WRONGTYPE`, the missing-key error.
    pub fn xgroup_destroy(&mut self, key: &[u8], group: &[u8]) -> Result<bool> {
        let s = self.stream_write(key)?.ok_or_else(no_key_for_group)?;
        let done = s.destroy_group(group);
        if done {
            self.signal_modified(key);
        }
        Ok(done)
    }

    /// Creates a consumer; true if it was new.
    ///
    /// ```text
    /// XGROUP CREATECONSUMER key group consumer
    /// ```
    ///
    /// O(1).
    ///
    /// # Errors
    /// `WRONGTYPE`, the missing-key error, NOGROUP.
    ///
    /// [`Error::OutOfMemory`](crate::Error::OutOfMemory) when used memory is over `maxmemory`
    /// and eviction cannot bring it under; nothing is changed then.
    pub fn xgroup_createconsumer(
        &mut self,
        key: &[u8],
        group: &[u8],
        consumer: &[u8],
    ) -> Result<bool> {
        self.make_room()?;
        let now = self.now_ms();
        let s = self.stream_write(key)?.ok_or_else(no_key_for_group)?;
        let created = s.create_consumer(key, group, consumer, now)?;
        if created {
            self.signal_modified(key);
        }
        Ok(created)
    }

    /// Deletes a consumer and its pending entries; returns how many
    /// entries it had pending.
    ///
    /// ```text
    /// XGROUP DELCONSUMER key group consumer
    /// ```
    ///
    /// O(pending).
    ///
    /// # Errors
    /// `WRONGTYPE`, the missing-key error, NOGROUP.
    pub fn xgroup_delconsumer(&mut self, key: &[u8], group: &[u8], consumer: &[u8]) -> Result<u64> {
        let s = self.stream_write(key)?.ok_or_else(no_key_for_group)?;
        let n = s.delete_consumer(key, group, consumer)?;
        self.signal_modified(key);
        Ok(n)
    }
}

fn no_key_for_group() -> Error {
    Error::other(
        "ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.",
    )
}
