//! Typed stream commands: `impl Keyspace` for XADD, XRANGE, XDEL, XTRIM,
//! XSETID, XREAD and XINFO; the consumer-group commands are in
//! `group_api.rs`.
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

use super::group::no_group;
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

pub(super) fn new_stream() -> Value {
    Value::Stream(Box::new(StreamValue::new()))
}

impl Keyspace {
    pub(super) fn stream_read(&mut self, key: &[u8]) -> Result<Option<&mut StreamValue>> {
        self.read_typed(key, as_stream)
    }

    pub(super) fn stream_write(&mut self, key: &[u8]) -> Result<Option<&mut StreamValue>> {
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
    ///
    /// [`Error::OutOfMemory`](crate::Error::OutOfMemory) when used memory is over `maxmemory`
    /// and eviction cannot bring it under; nothing is changed then.
    pub fn xadd(
        &mut self,
        key: &[u8],
        id: XAddId,
        fields: &[(&[u8], &[u8])],
        opts: &XAddOptions,
    ) -> Result<Option<StreamId>> {
        self.make_room()?;
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
    ///
    /// [`Error::OutOfMemory`](crate::Error::OutOfMemory) when used memory is over `maxmemory`
    /// and eviction cannot bring it under; nothing is changed then.
    pub fn xsetid(
        &mut self,
        key: &[u8],
        id: StreamId,
        entries_added: Option<u64>,
        max_deleted: Option<StreamId>,
    ) -> Result<()> {
        self.make_room()?;
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
        s.consumers_info(group, now)
            .ok_or_else(|| no_group(group, key))
    }

    /// The stream value under `key` for read-only inspection (XINFO FULL).
    ///
    /// # Errors
    /// `ERR no such key`, `WRONGTYPE`.
    pub fn stream_value(&mut self, key: &[u8]) -> Result<&StreamValue> {
        Ok(&*self.stream_read(key)?.ok_or(Error::NoSuchKey)?)
    }
}
