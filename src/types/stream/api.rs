//! Typed stream commands: `impl Keyspace` for XADD, XRANGE, consumer
//! groups and the rest of Redis's `stream` group.
//!
//! A task queue in a few lines:
//!
//! ```
//! use embedis::types::stream::{ReadFrom, XAddId, XAddOptions};
//! let mut ks = embedis::Keyspace::new(embedis::Config::default());
//! ks.xgroup_create(b"jobs", b"workers", ReadFrom::After(Default::default()), true, None).unwrap();
//! let id = ks.xadd(b"jobs", XAddId::Auto, &[(b"task", b"resize")], &XAddOptions::default())
//!     .unwrap()
//!     .unwrap();
//! let got = ks.xreadgroup(b"workers", b"w1", &[(b"jobs", ReadFrom::New)], 10, false).unwrap();
//! assert_eq!(got[0].entries[0].0, id);
//! assert_eq!(ks.xack(b"jobs", b"workers", &[id]).unwrap(), 1);
//! ```

use super::group::{AutoClaimed, Claimed, PendingEntry, PendingSummary};
use super::info::{ConsumerInfo, GroupInfo, StreamInfo};
use super::{StreamEntry, StreamId, StreamValue, as_stream};
use crate::error::{Error, Result};
use crate::keyspace::Keyspace;
use crate::value::Value;

/// How XADD picks the new entry's ID.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum XAddId {
    /// `*`: from the clock (or the last ID + 1 when the clock is behind).
    Auto,
    /// `ms-*`: the given milliseconds with the next free sequence.
    AutoSeq(u64),
    /// `ms-seq`.
    Explicit(StreamId),
}

/// What to trim by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum XTrimStrategy {
    /// `MAXLEN n`: keep at most n entries.
    MaxLen(u64),
    /// `MINID id`: drop entries below id.
    MinId(StreamId),
}

/// A trim request: `MAXLEN|MINID [=|~] threshold [LIMIT n]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct XTrim {
    /// The threshold.
    pub strategy: XTrimStrategy,
    /// `~`: only remove whole nodes.
    pub approx: bool,
    /// `LIMIT`: most entries to remove (only with `~`; 0 = no limit);
    /// None takes the default (100 x `stream-node-max-entries` with `~`).
    pub limit: Option<u64>,
}

impl XTrim {
    pub(crate) fn effective_limit(&self, max_entries: usize) -> u64 {
        if !self.approx {
            return 0;
        }
        match self.limit {
            Some(l) => l,
            None => {
                let l = 100u64.saturating_mul(max_entries as u64);
                if l == 0 { 10_000 } else { l.min(1_000_000) }
            }
        }
    }
}

/// XADD's options.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct XAddOptions {
    /// `NOMKSTREAM`: do not create a missing key.
    pub nomkstream: bool,
    /// Trim after adding.
    pub trim: Option<XTrim>,
}

/// Where a read starts for one stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadFrom {
    /// After this ID (XREAD; XREADGROUP reads the consumer's history).
    After(StreamId),
    /// `$`: after the stream's last ID (XREAD, XGROUP CREATE/SETID).
    Last,
    /// `>`: entries never delivered to the group (XREADGROUP).
    New,
}

/// Entries read from one stream by XREAD/XREADGROUP; a history read
/// returns `None` for entries deleted since their delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamRead {
    /// The stream key.
    pub key: Vec<u8>,
    /// Entries, oldest first.
    pub entries: Vec<(StreamId, Option<super::Fields>)>,
}

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

fn nogroup_read(key: &[u8], group: &[u8]) -> Error {
    Error::other(format!(
        "NOGROUP No such key '{}' or consumer group '{}' in XREADGROUP with GROUP option",
        String::from_utf8_lossy(key),
        String::from_utf8_lossy(group)
    ))
}

fn nogroup(key: &[u8], group: &[u8]) -> Error {
    Error::other(format!(
        "NOGROUP No such key '{}' or consumer group '{}'",
        String::from_utf8_lossy(key),
        String::from_utf8_lossy(group)
    ))
}

fn new_stream() -> Value {
    Value::Stream(StreamValue::new())
}

impl Keyspace {
    fn stream_read(&mut self, key: &[u8]) -> Result<Option<&mut StreamValue>> {
        self.read_typed(key, as_stream)
    }

    fn stream_write(&mut self, key: &[u8]) -> Result<Option<&mut StreamValue>> {
        self.write_typed(key, as_stream)
    }

    /// Appends an entry.
    ///
    /// ```text
    /// XADD key [NOMKSTREAM] [MAXLEN|MINID [=|~] threshold [LIMIT n]] *|id field value [field value ...]
    /// ```
    ///
    /// Returns the new ID, or None when `nomkstream` and the key is missing.
    /// O(1) amortised plus trimming.
    ///
    /// # Errors
    /// `WRONGTYPE`; `ERR The ID specified in XADD must be greater than 0-0`;
    /// `ERR The ID specified in XADD is equal or smaller than the target stream top item`;
    /// the exhausted-ID and too-large errors.
    pub fn xadd(
        &mut self,
        key: &[u8],
        id: XAddId,
        fields: &[(&[u8], &[u8])],
        opts: &XAddOptions,
    ) -> Result<Option<StreamId>> {
        if id == XAddId::Explicit(StreamId::MIN) {
            return Err(Error::other(
                "ERR The ID specified in XADD must be greater than 0-0",
            ));
        }
        let now = self.now_ms();
        let (max_bytes, max_entries) = (
            self.config.stream_node_max_bytes,
            self.config.stream_node_max_entries,
        );
        let s = if opts.nomkstream {
            match self.stream_write(key)? {
                Some(s) => s,
                None => return Ok(None),
            }
        } else {
            self.write_typed_or_insert(key, as_stream, new_stream)?
        };
        let new_id = s.next_id(id, now)?;
        s.append(new_id, fields, max_bytes, max_entries)?;
        if let Some(trim) = &opts.trim {
            s.trim(trim, max_entries);
        }
        self.signal_modified(key);
        Ok(Some(new_id))
    }

    /// Number of entries.
    ///
    /// ```text
    /// XLEN key
    /// ```
    ///
    /// O(1).
    ///
    /// # Errors
    /// `WRONGTYPE`.
    pub fn xlen(&mut self, key: &[u8]) -> Result<u64> {
        Ok(self.stream_read(key)?.map_or(0, |s| s.len()))
    }

    /// Entries with `start <= id <= end`, at most `count`.
    ///
    /// ```text
    /// XRANGE key start end [COUNT count]
    /// ```
    ///
    /// O(log n + m).
    ///
    /// # Errors
    /// `WRONGTYPE`.
    pub fn xrange(
        &mut self,
        key: &[u8],
        start: StreamId,
        end: StreamId,
        count: Option<usize>,
    ) -> Result<Vec<StreamEntry>> {
        self.range_generic(key, start, end, false, count)
    }

    /// Entries with `start <= id <= end`, newest first.
    ///
    /// ```text
    /// XREVRANGE key end start [COUNT count]
    /// ```
    ///
    /// O(log n + m).
    ///
    /// # Errors
    /// `WRONGTYPE`.
    pub fn xrevrange(
        &mut self,
        key: &[u8],
        end: StreamId,
        start: StreamId,
        count: Option<usize>,
    ) -> Result<Vec<StreamEntry>> {
        self.range_generic(key, start, end, true, count)
    }

    fn range_generic(
        &mut self,
        key: &[u8],
        start: StreamId,
        end: StreamId,
        rev: bool,
        count: Option<usize>,
    ) -> Result<Vec<StreamEntry>> {
        if count == Some(0) {
            // Still a lookup (WRONGTYPE, access time).
            self.stream_read(key)?;
            return Ok(Vec::new());
        }
        Ok(match self.stream_read(key)? {
            Some(s) => s.range(start, end, rev, count.unwrap_or(0)),
            None => Vec::new(),
        })
    }

    /// Deletes entries; returns how many existed. The key stays even when
    /// the stream becomes empty.
    ///
    /// ```text
    /// XDEL key id [id ...]
    /// ```
    ///
    /// O(log n) per ID.
    ///
    /// # Errors
    /// `WRONGTYPE`.
    pub fn xdel(&mut self, key: &[u8], ids: &[StreamId]) -> Result<u64> {
        let Some(s) = self.stream_write(key)? else {
            return Ok(0);
        };
        let n = s.delete(ids);
        if n > 0 {
            self.signal_modified(key);
        }
        Ok(n)
    }

    /// Trims the stream; returns the number of entries removed.
    ///
    /// ```text
    /// XTRIM key MAXLEN|MINID [=|~] threshold [LIMIT count]
    /// ```
    ///
    /// O(removed).
    ///
    /// # Errors
    /// `WRONGTYPE`.
    pub fn xtrim(&mut self, key: &[u8], trim: &XTrim) -> Result<u64> {
        let max_entries = self.config.stream_node_max_entries;
        let Some(s) = self.stream_write(key)? else {
            return Ok(0);
        };
        let n = s.trim(trim, max_entries);
        if n > 0 {
            self.signal_modified(key);
        }
        Ok(n)
    }

    /// Sets the stream's last ID (and entries-added / max-deleted-id).
    ///
    /// ```text
    /// XSETID key last-id [ENTRIESADDED entries-added] [MAXDELETEDID max-deleted-id]
    /// ```
    ///
    /// O(1).
    ///
    /// # Errors
    /// `ERR no such key`, `WRONGTYPE`, and XSETID's ordering errors.
    pub fn xsetid(
        &mut self,
        key: &[u8],
        id: StreamId,
        entries_added: Option<u64>,
        max_deleted: Option<StreamId>,
    ) -> Result<()> {
        if let Some(md) = max_deleted
            && id < md
        {
            return Err(Error::other(
                "ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id",
            ));
        }
        let s = self.stream_write(key)?.ok_or(Error::NoSuchKey)?;
        s.set_id(id, entries_added, max_deleted.filter(|m| !m.is_zero()))?;
        self.signal_modified(key);
        Ok(())
    }

    /// Reads entries after the given IDs from several streams; streams with
    /// nothing to return are left out. `BLOCK` is not supported: an empty
    /// result is what a timed-out block returns.
    ///
    /// ```text
    /// XREAD [COUNT count] [BLOCK ms] STREAMS key [key ...] id [id ...]
    /// ```
    ///
    /// O(log n + m) per stream.
    ///
    /// # Errors
    /// `WRONGTYPE`; `>` (only for XREADGROUP) is refused.
    pub fn xread(
        &mut self,
        streams: &[(&[u8], ReadFrom)],
        count: usize,
    ) -> Result<Vec<StreamRead>> {
        let mut after = Vec::with_capacity(streams.len());
        for &(key, from) in streams {
            let s = self.stream_read(key)?;
            after.push(match from {
                ReadFrom::After(id) => id,
                ReadFrom::Last => s.map_or(StreamId::MIN, |s| s.last_id()),
                ReadFrom::New => {
                    return Err(Error::other(
                        "ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.",
                    ));
                }
            });
        }
        let streams: Vec<(&[u8], StreamId)> = streams.iter().map(|s| s.0).zip(after).collect();
        self.xread_after(&streams, count)
    }

    /// XREAD's second pass: entries after resolved IDs.
    pub(crate) fn xread_after(
        &mut self,
        streams: &[(&[u8], StreamId)],
        count: usize,
    ) -> Result<Vec<StreamRead>> {
        let mut out = Vec::new();
        for &(key, gt) in streams {
            let Some(s) = self.stream_read(key)? else {
                continue;
            };
            if s.last_entry_id().is_none_or(|last| last <= gt) {
                continue;
            }
            let start = gt.incr().unwrap_or(StreamId::MAX);
            let entries = s.range(start, StreamId::MAX, false, count);
            out.push(StreamRead {
                key: key.to_vec(),
                entries: entries
                    .into_iter()
                    .map(|e| (e.id, Some(e.fields)))
                    .collect(),
            });
        }
        Ok(out)
    }

    /// Whether a stream is at `key`, looked up as a write (no hit/miss
    /// counting).
    ///
    /// # Errors
    /// `WRONGTYPE`.
    pub(crate) fn stream_probe(&mut self, key: &[u8]) -> Result<bool> {
        Ok(self.stream_write(key)?.is_some())
    }

    /// The last ID of the stream at `key` (a read lookup), None if missing.
    ///
    /// # Errors
    /// `WRONGTYPE`.
    pub(crate) fn stream_last_id(&mut self, key: &[u8]) -> Result<Option<StreamId>> {
        Ok(self.stream_read(key)?.map(|s| s.last_id()))
    }

    /// Checks that `key` holds a stream with `group` for XREADGROUP.
    ///
    /// # Errors
    /// `WRONGTYPE` or NOGROUP.
    pub(crate) fn xreadgroup_check(&mut self, key: &[u8], group: &[u8]) -> Result<()> {
        match self.stream_read(key)? {
            Some(s) if s.group(group).is_some() => Ok(()),
            _ => Err(nogroup_read(key, group)),
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
            _ => Err(nogroup(key, group)),
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
    pub fn xgroup_create(
        &mut self,
        key: &[u8],
        group: &[u8],
        from: ReadFrom,
        mkstream: bool,
        entries_read: Option<i64>,
    ) -> Result<()> {
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
    pub fn xgroup_createconsumer(
        &mut self,
        key: &[u8],
        group: &[u8],
        consumer: &[u8],
    ) -> Result<bool> {
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

    /// XINFO STREAM.
    ///
    /// ```text
    /// XINFO STREAM key
    /// ```
    ///
    /// O(log n).
    ///
    /// # Errors
    /// `ERR no such key`, `WRONGTYPE`.
    pub fn xinfo_stream(&mut self, key: &[u8]) -> Result<StreamInfo> {
        Ok(self.stream_read(key)?.ok_or(Error::NoSuchKey)?.info())
    }

    /// XINFO GROUPS.
    ///
    /// ```text
    /// XINFO GROUPS key
    /// ```
    ///
    /// O(groups).
    ///
    /// # Errors
    /// `ERR no such key`, `WRONGTYPE`.
    pub fn xinfo_groups(&mut self, key: &[u8]) -> Result<Vec<GroupInfo>> {
        Ok(self
            .stream_read(key)?
            .ok_or(Error::NoSuchKey)?
            .groups_info())
    }

    /// XINFO CONSUMERS.
    ///
    /// ```text
    /// XINFO CONSUMERS key group
    /// ```
    ///
    /// O(consumers).
    ///
    /// # Errors
    /// `ERR no such key`, `WRONGTYPE`, NOGROUP.
    pub fn xinfo_consumers(&mut self, key: &[u8], group: &[u8]) -> Result<Vec<ConsumerInfo>> {
        let now = self.now_ms();
        let s = self.stream_read(key)?.ok_or(Error::NoSuchKey)?;
        s.consumers_info(group, now).ok_or_else(|| {
            Error::other(format!(
                "NOGROUP No such consumer group '{}' for key name '{}'",
                String::from_utf8_lossy(group),
                String::from_utf8_lossy(key)
            ))
        })
    }

    /// The stream value under `key` for read-only inspection (XINFO FULL).
    ///
    /// # Errors
    /// `ERR no such key`, `WRONGTYPE`.
    pub fn stream_value(&mut self, key: &[u8]) -> Result<&StreamValue> {
        Ok(&*self.stream_read(key)?.ok_or(Error::NoSuchKey)?)
    }
}

fn no_key_for_group() -> Error {
    Error::other(
        "ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.",
    )
}
