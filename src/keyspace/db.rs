//! One logical database: the key table, the TTL index, the slot index and
//! the running byte count (see the accounting notes in the parent module).

use indexmap::IndexMap;

use super::Key;
use super::table::{self, Entry, Hasher, KeyWords, SlotAt, Table};
use crate::cluster::SlotIndex;
use crate::value::Value;

/// One logical database.
///
/// Keys live in a [`Table`]; TTLs in `expires` (Redis's `expires` dict),
/// with a flag in each entry saying whether to look there. Every access
/// that may change a value's size goes through [`Db::get_mut`] /
/// [`Db::entry_at_mut`], which remember the entry handed out and its heap
/// bytes, so the running byte total is brought up to date (settled) before
/// the next structural change, and read exactly in between. Reads take
/// [`Db::entry_for_read`], which remembers nothing (reads leave sizes as
/// they are; debug builds check that they do).
#[derive(Debug, Default)]
pub(crate) struct Db {
    table: Table,
    /// Keys with a TTL and their absolute expiry in Unix ms.
    expires: IndexMap<Key, u64, Hasher>,
    /// The most keys `expires` has held since it was last emptied (it
    /// keeps the capacity it grew to).
    expires_peak: usize,
    /// Per-slot key index, kept only with `cluster-enabled`.
    pub(crate) slots: Option<Box<SlotIndex>>,
    /// Key allocations (in the table and in `expires`) plus every value's
    /// heap bytes, as of the last settle.
    data_bytes: usize,
    /// The entry last handed out for mutation: its position and its
    /// value's heap bytes at that time.
    pending: Option<(usize, usize)>,
    /// The pending entry's key, for [`Db::pending_hit`].
    hot: HotKey,
    /// The key found last by a read, for [`Db::read_hit`].
    read_hot: ReadHot,
    /// Debug builds: the entry last handed out for reading and its heap
    /// bytes then, checked unchanged at the next hand-out.
    #[cfg(debug_assertions)]
    read_check: Option<(usize, usize)>,
    /// Running estimate of the TTL left on volatile keys, in ms (INFO
    /// keyspace `avg_ttl`), refreshed by the active expire cycle.
    pub(crate) avg_ttl: u64,
}

/// A key kept with its position so that the next access to it finds it
/// by comparing its length and two words, with no hash and no probe: the
/// key of the entry pending for writing (RPUSH after RPUSH into one list)
/// and the key read last (ZSCORE after ZSCORE on one sorted set).
#[derive(Debug, Default, Clone, Copy)]
struct HotKey {
    /// The key's length + 1; 0 when disarmed (nothing kept, or a key
    /// longer than `table::WORDS_KEY`).
    len1: usize,
    /// `table::key_words` of the key.
    lo: u64,
    hi: u64,
    /// Its position.
    pos: usize,
    /// Whether the entry has a TTL (then its expiry must be checked).
    ttl: bool,
}

impl HotKey {
    /// The shortcut armed for the key `w` at position `pos`, or `None`
    /// when the key is too long to compare as two words.
    #[inline]
    fn of(w: &KeyWords, pos: usize, ttl: bool) -> Option<HotKey> {
        (w.len <= table::WORDS_KEY).then_some(HotKey {
            len1: w.len + 1,
            lo: w.lo,
            hi: w.hi,
            pos,
            ttl,
        })
    }

    /// Whether the kept key is `w`.
    #[inline(always)]
    fn is(&self, w: &KeyWords) -> bool {
        w.len + 1 == self.len1 && w.lo == self.lo && w.hi == self.hi
    }
}

/// The key found last by a read and its position, so that the next read
/// of it (ZSCORE after ZSCORE on one sorted set) finds it without a hash
/// or a probe. A hit is checked against the key stored at the position,
/// so a stale position can only miss, never find another key; removals
/// and `clear` (the only changes that move positions: inserts append,
/// index growth and shrinking keep them) disarm it anyway.
#[derive(Debug, Clone, Copy)]
struct ReadHot {
    /// [`KeyWords::print`] of the key: a cheap first test before the
    /// slot is read.
    print: u64,
    /// Its position, split; [`SlotAt::NONE`] when disarmed (a key longer
    /// than `table::INLINE_KEY` is never kept).
    at: SlotAt,
}

impl Default for ReadHot {
    fn default() -> Self {
        ReadHot {
            print: 0,
            at: SlotAt::NONE,
        }
    }
}

/// Heap bytes of the TTL index grown to `len` keys: an `indexmap`'s
/// entries vector and hashbrown index at the sizes they double to.
/// Computed from its peak key count, not read from the map, whose reported
/// capacity moves with deleted-slot markers.
fn expires_bytes(len: usize) -> usize {
    if len == 0 {
        return 0;
    }
    let entries = len.next_power_of_two().max(4);
    let buckets = if len < 8 {
        (len + 1).next_power_of_two()
    } else {
        (len * 8 / 7).next_power_of_two()
    };
    entries * (8 + std::mem::size_of::<Key>() + 8) + buckets * 9 + 16
}

impl Db {
    pub(super) fn new(cluster: bool) -> Self {
        Db {
            slots: cluster.then(|| Box::new(SlotIndex::new())),
            ..Db::default()
        }
    }

    /// Brings `data_bytes` up to date with the entry last handed out.
    #[inline]
    fn settle(&mut self) {
        #[cfg(debug_assertions)]
        self.check_read();
        if let Some((i, before)) = self.pending.take() {
            self.hot.len1 = 0;
            let after = self.table.entry(i).value.heap_bytes();
            self.data_bytes = self.data_bytes + after - before;
        }
    }

    /// Debug builds: panics if the entry last handed out for reading
    /// changed size (a read path that should have asked for writing).
    #[cfg(debug_assertions)]
    fn check_read(&mut self) {
        if let Some((i, before)) = self.read_check.take()
            && i < self.table.len()
        {
            let after = self.table.entry(i).value.heap_bytes();
            assert_eq!(before, after, "a read changed an entry's size");
        }
    }

    /// What settling would change `data_bytes` by (signed).
    fn pending_delta(&self) -> isize {
        self.pending.map_or(0, |(i, before)| {
            self.table.entry(i).value.heap_bytes() as isize - before as isize
        })
    }

    /// Heap bytes this database holds: its tables, every key allocation
    /// and every value's heap bytes. O(1).
    pub(crate) fn used_memory(&self) -> usize {
        let (map, expires, slots) = self.table_bytes();
        (self.data_bytes as isize + self.pending_delta()) as usize + map + expires + slots
    }

    /// Heap bytes of the tables alone: (key table, TTL index, slot index),
    /// keys and values excluded. MEMORY STATS reports them per database.
    /// O(1).
    pub(crate) fn table_bytes(&self) -> (usize, usize, usize) {
        let expires = expires_bytes(self.expires_peak);
        let slots = self.slots.as_ref().map_or(0, |s| s.heap_bytes());
        (self.table.table_bytes(), expires, slots)
    }

    /// Says whether memory is tight for the key table's growth.
    pub(crate) fn set_tight(&mut self, tight: bool) {
        self.table.set_tight(tight);
    }

    /// Bytes the key table would allocate at once on its next growth.
    pub(crate) fn next_growth_bytes(&self) -> usize {
        self.table.next_growth_bytes()
    }

    /// The position of `key`.
    #[inline]
    pub(crate) fn find(&self, key: &[u8]) -> Option<usize> {
        self.table.find(key)
    }

    /// The position of `key` and whether it has a TTL (read from the slot
    /// the probe stopped at).
    #[inline]
    pub(crate) fn find_flagged(&self, key: &[u8]) -> Option<(usize, bool)> {
        self.table.lookup(key).map(|(i, e)| (i, e.has_ttl()))
    }

    /// When `key` is the key of the entry last handed out for writing
    /// (still pending), whether that entry has a TTL; None for any other
    /// key. A write to the key written last finds it so, without hashing
    /// or probing (RPUSH after RPUSH into one list). A pending position
    /// is always live: every change that moves positions settles first.
    /// Keys longer than `table::WORDS_KEY` bytes always probe.
    #[inline(always)]
    pub(crate) fn pending_hit(&self, w: &KeyWords) -> Option<bool> {
        self.hot.is(w).then_some(self.hot.ttl)
    }

    /// When `w` is the key found last by a read (see [`Db::arm_read`]),
    /// its position and entry; None for any other key. A read of the key
    /// read last finds it so, without hashing or probing (ZSCORE after
    /// ZSCORE on one sorted set): one word compared with the one kept,
    /// then the key stored at the kept position (so a hit is always
    /// right). Keys longer than `table::INLINE_KEY` bytes always miss.
    #[inline(always)]
    pub(crate) fn read_hit(&self, w: &KeyWords) -> Option<(SlotAt, &Entry)> {
        let hot = &self.read_hot;
        if w.print() != hot.print {
            return None;
        }
        let entry = self.table.entry_if_key(hot.at, w)?;
        Some((hot.at, entry))
    }

    /// Remembers the key `w`, found at position `pos`, for
    /// [`Db::read_hit`]; keys longer than `table::INLINE_KEY` bytes are
    /// not kept.
    #[inline]
    pub(crate) fn arm_read(&mut self, w: &KeyWords, pos: usize) {
        if w.len <= table::INLINE_KEY {
            self.read_hot = ReadHot {
                print: w.print(),
                at: SlotAt::of(pos),
            };
        }
    }

    /// The position and entry of `key`, whose [`KeyWords`] are `w`.
    #[inline(always)]
    pub(crate) fn lookup_keyed(&self, key: &[u8], w: &KeyWords) -> Option<(usize, &Entry)> {
        self.table.probe_keyed(key, w).1
    }

    /// The position of `key`, whose [`KeyWords`] are `w`, and whether it
    /// has a TTL: [`Db::find_flagged`] with the words computed once.
    #[inline(always)]
    pub(crate) fn find_keyed(&self, key: &[u8], w: &KeyWords) -> Option<(usize, bool)> {
        let found = self.table.probe_keyed(key, w).1;
        found.map(|(i, e)| (i, e.has_ttl()))
    }

    /// The pending entry's position (meaningful after
    /// [`Db::pending_hit`] found it).
    #[inline]
    pub(crate) fn pending_pos(&self) -> usize {
        self.hot.pos
    }

    /// The pending entry (after [`Db::pending_hit`] found it), for writing
    /// again: nothing to settle or remember, its size then is still the
    /// one to settle from.
    #[inline(always)]
    pub(crate) fn pending_entry(&mut self) -> &mut Entry {
        #[cfg(debug_assertions)]
        self.check_read();
        self.table.entry_mut(self.hot.pos)
    }

    /// The hash of `key`.
    #[inline]
    pub(crate) fn hash(&self, key: &[u8]) -> u64 {
        self.table.hash(key)
    }

    /// The hash of `key` and its position if present: one probe for a
    /// lookup that may go on to [`Db::insert_new`].
    #[inline]
    pub(crate) fn probe(&self, key: &[u8]) -> (u64, Option<usize>) {
        let (hash, found) = self.table.probe_keyed(key, &KeyWords::of(key));
        (hash, found.map(|(i, _)| i))
    }

    /// [`Db::probe`] of `key`, whose [`KeyWords`] are `w`, with whether
    /// the key found has a TTL.
    #[inline(always)]
    pub(crate) fn probe_keyed(&self, key: &[u8], w: &KeyWords) -> (u64, Option<(usize, bool)>) {
        let (hash, found) = self.table.probe_keyed(key, w);
        (hash, found.map(|(i, e)| (i, e.has_ttl())))
    }

    /// The entry at position `i` (which must be `< len`), for reading.
    #[inline]
    pub(crate) fn entry_at(&self, i: usize) -> &Entry {
        self.table.entry(i)
    }

    /// The entry of `key`, for reading.
    #[inline]
    pub(crate) fn get(&self, key: &[u8]) -> Option<&Entry> {
        self.table.find(key).map(|i| self.table.entry(i))
    }

    /// The entry of `key`, for writing (its size change is accounted).
    pub(crate) fn get_mut(&mut self, key: &[u8]) -> Option<&mut Entry> {
        let i = self.table.find(key)?;
        self.entry_at_mut(i).map(|(_, e)| e)
    }

    /// The key and entry at position `i` (`0..len`), for writing (its size
    /// change is accounted).
    ///
    /// Handing out the entry that is already pending costs nothing: its
    /// size then is still the one to settle from (a run of writes to one
    /// key, as RPUSH into one list, reads no sizes at all).
    #[inline]
    pub(crate) fn entry_at_mut(&mut self, i: usize) -> Option<(&[u8], &mut Entry)> {
        if matches!(self.pending, Some((p, _)) if p == i) {
            #[cfg(debug_assertions)]
            self.check_read();
        } else {
            self.make_pending(i)?;
        }
        self.table.get_index_mut(i)
    }

    /// The entry of the key whose [`KeyWords`] are `w`, at position `i`
    /// (`0..len`), for writing (its size change is accounted):
    /// [`Db::entry_at_mut`] for a caller that has the key's words at
    /// hand, which reads the slot once.
    #[inline(always)]
    pub(crate) fn entry_for_write(&mut self, i: usize, w: &KeyWords) -> &mut Entry {
        if matches!(self.pending, Some((p, _)) if p == i) {
            #[cfg(debug_assertions)]
            self.check_read();
            return self.table.entry_mut(i);
        }
        self.settle();
        #[cfg(debug_assertions)]
        if let Some((key, _)) = self.table.get_index(i) {
            assert!(key.len() > table::WORDS_KEY || KeyWords::of(key) == *w);
        }
        let entry = self.table.entry_mut(i);
        self.pending = Some((i, entry.value.heap_bytes()));
        if let Some(hot) = HotKey::of(w, i, entry.has_ttl()) {
            self.hot = hot;
        }
        entry
    }

    /// Settles the entry last handed out and remembers position `i` and
    /// its heap bytes instead; None when `i` is past the end.
    #[inline(never)]
    fn make_pending(&mut self, i: usize) -> Option<()> {
        self.settle();
        let (key, entry) = self.table.get_index(i)?;
        self.pending = Some((i, entry.value.heap_bytes()));
        if let Some(hot) = HotKey::of(&KeyWords::of(key), i, entry.has_ttl()) {
            self.hot = hot;
        }
        Some(())
    }

    /// [`Db::entry_for_read`] of the entry [`Db::read_hit`] found (which
    /// must be in range), addressed as it addressed it, so that after it
    /// the compiler addresses the slot once.
    #[inline(always)]
    pub(crate) fn entry_for_read_hit(&mut self) -> &mut Entry {
        let at = self.read_hot.at;
        #[cfg(debug_assertions)]
        {
            self.check_read();
            self.read_check = Some((at.pos(), self.table.entry(at.pos()).value.heap_bytes()));
        }
        self.table.entry_mut_at(at)
    }

    /// The entry at position `i` (which must be `< len`) for a read: mutable
    /// for the access-time field and for read paths that take `&mut`, but
    /// its size must not change (nothing is settled for it).
    #[inline]
    pub(crate) fn entry_for_read(&mut self, i: usize) -> &mut Entry {
        #[cfg(debug_assertions)]
        {
            self.check_read();
            self.read_check = Some((i, self.table.entry(i).value.heap_bytes()));
        }
        self.table.entry_mut(i)
    }

    /// [`Db::entry_for_read`] of the key `w` at position `i`, remembered
    /// for [`Db::read_hit`] (the slot is addressed before anything is
    /// stored, so a caller that just probed it addresses it once).
    #[inline(always)]
    pub(crate) fn entry_for_read_armed(&mut self, i: usize, w: &KeyWords) -> &mut Entry {
        #[cfg(debug_assertions)]
        {
            self.check_read();
            self.read_check = Some((i, self.table.entry(i).value.heap_bytes()));
        }
        let Db {
            table, read_hot, ..
        } = self;
        let entry = table.entry_mut(i);
        if w.len <= table::INLINE_KEY {
            *read_hot = ReadHot {
                print: w.print(),
                at: SlotAt::of(i),
            };
        }
        entry
    }

    /// The key and entry at position `i` (`0..len`): positions are dense,
    /// so a uniform `i` is a uniform sample (RANDOMKEY, SCAN, eviction).
    #[inline]
    pub(crate) fn get_index(&self, i: usize) -> Option<(&[u8], &Entry)> {
        self.table.get_index(i)
    }

    /// Every key and entry, in position order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (&[u8], &Entry)> + '_ {
        self.table.iter()
    }

    /// The absolute expiry of `key` in Unix ms, 0 without TTL (or key).
    #[inline]
    pub(crate) fn expire_at(&self, key: &[u8]) -> u64 {
        self.expires.get(key).copied().unwrap_or(0)
    }

    /// Whether `key` (with entry `entry`) is logically expired at `now`.
    #[inline]
    pub(crate) fn is_expired(&self, key: &[u8], entry: &Entry, now: u64) -> bool {
        entry.has_ttl() && now > self.expire_at(key)
    }

    /// Number of keys with a TTL.
    pub(crate) fn expires_len(&self) -> usize {
        self.expires.len()
    }

    /// The key at position `i` (`0..expires_len`) of the TTL index and its
    /// expiry: positions are dense, for sampling volatile keys.
    pub(crate) fn expires_entry_at(&self, i: usize) -> Option<(&[u8], u64)> {
        self.expires.get_index(i).map(|(k, &t)| (&k[..], t))
    }

    /// The key at position `i` (`0..expires_len`) of the TTL index.
    pub(crate) fn expires_key_at(&self, i: usize) -> Option<&[u8]> {
        self.expires_entry_at(i).map(|(k, _)| k)
    }

    /// Records `when` (0 = none) as the TTL of the key at position `i`.
    fn put_expire(&mut self, i: usize, key: &[u8], when: u64) {
        let entry = self.table.entry_mut(i);
        let had = entry.has_ttl();
        if !had && when == 0 {
            return;
        }
        entry.set_ttl_flag(when != 0);
        if self.hot.pos == i {
            self.hot.ttl = when != 0;
        }
        if had && when != 0 {
            if let Some(t) = self.expires.get_mut(key) {
                *t = when;
            }
        } else if when != 0 {
            if self.expires.insert(key.into(), when).is_none() {
                self.data_bytes += key.len();
                self.expires_peak = self.expires_peak.max(self.expires.len());
            }
        } else if self.expires.swap_remove(key).is_some() {
            self.data_bytes -= key.len();
        }
    }

    /// Inserts or replaces `key` with `entry` and the TTL `expire_at`
    /// (0 = none), keeping the expiry and slot indexes right. Returns the
    /// previous entry.
    pub(crate) fn insert(&mut self, key: &[u8], entry: Entry, expire_at: u64) -> Option<Entry> {
        let (hash, found) = self.probe(key);
        match found {
            Some(pos) => Some(self.replace_at(pos, key, entry, expire_at)),
            None => {
                self.insert_new(key, hash, entry, expire_at);
                None
            }
        }
    }

    /// Replaces the entry at position `pos` (holding `key`) with `entry`
    /// and the TTL `expire_at` (0 = none); returns the old entry.
    pub(crate) fn replace_at(
        &mut self,
        pos: usize,
        key: &[u8],
        entry: Entry,
        expire_at: u64,
    ) -> Entry {
        self.settle();
        self.data_bytes += entry.value.heap_bytes();
        let old = self.table.replace(pos, entry);
        self.data_bytes -= old.value.heap_bytes();
        if expire_at != 0 || old.has_ttl() {
            self.put_expire(pos, key, expire_at);
        }
        old
    }

    /// Adds `key`, known absent, whose [`Db::probe`] hash is `hash`;
    /// returns its position.
    pub(crate) fn insert_new(
        &mut self,
        key: &[u8],
        hash: u64,
        mut entry: Entry,
        expire_at: u64,
    ) -> usize {
        self.settle();
        // An entry moved from another key (RENAME, MOVE) comes with its
        // old TTL flag: the flag follows `expire_at` here.
        entry.set_ttl_flag(false);
        self.data_bytes += entry.value.heap_bytes() + table::KeyBuf::heap_bytes_for(key);
        let pos = self.table.push_hashed(key, hash, entry);
        if let Some(slots) = &mut self.slots {
            slots.add(key);
        }
        if expire_at != 0 {
            self.put_expire(pos, key, expire_at);
        }
        pos
    }

    /// Removes `key`; returns its entry and expiry (0 = none).
    pub(crate) fn remove(&mut self, key: &[u8]) -> Option<(Entry, u64)> {
        let pos = self.table.find(key)?;
        Some(self.remove_at(pos, key))
    }

    /// Removes `key`, at position `pos`; returns its entry and expiry
    /// (0 = none).
    pub(crate) fn remove_at(&mut self, pos: usize, key: &[u8]) -> (Entry, u64) {
        self.settle();
        // The last key moves into `pos` (see `Table::swap_remove`).
        self.read_hot = ReadHot::default();

        let (entry, key_bytes) = self.table.swap_remove(pos);
        self.data_bytes -= key_bytes + entry.value.heap_bytes();
        let mut when = 0;
        if entry.has_ttl()
            && let Some(t) = self.expires.swap_remove(key)
        {
            when = t;
            self.data_bytes -= key.len();
        }
        if let Some(slots) = &mut self.slots {
            slots.remove(key);
        }
        (entry, when)
    }

    /// Sets (`when != 0`) or clears (`when == 0`) the TTL of an existing key.
    /// Returns false when the key is absent.
    pub(crate) fn set_expire(&mut self, key: &[u8], when: u64) -> bool {
        let Some(pos) = self.table.find(key) else {
            return false;
        };
        self.put_expire(pos, key, when);
        true
    }

    /// Removes every key.
    pub(crate) fn clear(&mut self) {
        let tight = std::mem::take(&mut self.table).is_tight();
        self.table.set_tight(tight);
        self.expires = IndexMap::default();
        self.expires_peak = 0;
        self.data_bytes = 0;
        self.pending = None;
        self.hot.len1 = 0;
        self.read_hot = ReadHot::default();
        #[cfg(debug_assertions)]
        {
            self.read_check = None;
        }
        if let Some(slots) = &mut self.slots {
            **slots = SlotIndex::new();
        }
    }

    /// Number of keys, counting keys expired but not yet reclaimed (as DBSIZE does).
    #[inline]
    pub(crate) fn len(&self) -> usize {
        self.table.len()
    }

    /// Bytes one key costs in the key table (its slot and a bucket) and,
    /// with a TTL, in the TTL index, beside its own allocations.
    pub(crate) fn key_overhead(key: &[u8], has_ttl: bool) -> usize {
        let table = table::SLOT_BYTES + 4 + table::KeyBuf::heap_bytes_for(key);
        let ttl = if has_ttl {
            key.len() + 8 + std::mem::size_of::<Key>() + 8 + 9
        } else {
            0
        };
        table + ttl
    }
    /// Checks the invariants in the module docs.
    pub(crate) fn validate(&self) -> std::result::Result<(), String> {
        self.table.validate()?;
        let volatile = self.iter().filter(|(_, e)| e.has_ttl()).count();
        if volatile != self.expires.len() {
            return Err(format!(
                "{volatile} volatile keys but {} in expires",
                self.expires.len()
            ));
        }
        for (key, &when) in &self.expires {
            match self.get(key) {
                Some(e) if e.has_ttl() && when != 0 => {}
                _ => return Err(format!("expires lists {key:?} without a TTL")),
            }
        }
        if let Some(slots) = &self.slots {
            slots.validate(self.iter().map(|(k, _)| k), self.len())?;
        }
        for (key, e) in self.iter() {
            validate_value(&e.value)
                .map_err(|m| format!("key {:?}: {m}", String::from_utf8_lossy(key)))?;
        }
        self.validate_bytes()
    }

    /// Checks the running byte total against a count from scratch.
    fn validate_bytes(&self) -> std::result::Result<(), String> {
        let keys: usize = (0..self.len()).map(|i| self.table.key_heap_bytes(i)).sum();
        let ttl_keys: usize = self.expires.keys().map(|k| k.len()).sum();
        let values: usize = self.iter().map(|(_, e)| e.value.heap_bytes()).sum();
        let counted = self.data_bytes as isize + self.pending_delta();
        let fresh = (keys + ttl_keys + values) as isize;
        if counted != fresh {
            return Err(format!("running byte total {counted}, recounted {fresh}"));
        }
        Ok(())
    }
}

/// Checks a value's own invariants where its type keeps counters or
/// structure the keyspace relies on.
fn validate_value(value: &Value) -> std::result::Result<(), String> {
    use crate::types::hash::HashValue;
    use crate::types::set::SetValue;
    match value {
        Value::ZSet(z) => {
            z.validate().map_err(|m| format!("zset: {m}"))?;
            if z.is_empty() {
                return Err("empty zset".into());
            }
        }
        Value::List(l) => {
            l.quicklist()
                .validate(false)
                .map_err(|m| format!("list: {}", m.0))?;
        }
        Value::Hash(HashValue::Table(t)) => t.validate().map_err(|m| format!("hash: {m}"))?,
        Value::Set(SetValue::Table(t)) => t.validate().map_err(|m| format!("set: {m}"))?,
        Value::Stream(st) => st
            .validate_structure()
            .map_err(|m| format!("stream: {m}"))?,
        _ => {}
    }
    Ok(())
}
