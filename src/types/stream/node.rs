//! One stream node: a listpack holding a master entry and up to
//! `stream-node-max-entries` entries, laid out as Redis 7.0 lays it out.
//!
//! # Format
//!
//! ```text
//! master entry:  live-count | deleted-count | n | field_1 .. field_n | 0
//! each entry:    flags | ms-delta | seq-delta | values_1 .. values_n          | lp-count
//!           or:  flags | ms-delta | seq-delta | m | f_1 v_1 .. f_m v_m         | lp-count
//! ```
//!
//! * The master fields are the field names of the first entry added to the
//!   node; an entry with exactly those names in that order sets the
//!   SAMEFIELDS flag (2) and stores only its values.
//! * Deltas are relative to the node's key (its master ID), wrapping: the
//!   sequence delta may be "negative" (stored as a signed 64-bit integer).
//! * `lp-count` is the number of listpack elements of the entry before it
//!   (n + 3 with SAMEFIELDS, 2m + 4 without), which lets Redis walk
//!   backwards.
//! * Deletion only sets the DELETED flag (1) and moves one from the live
//!   count to the deleted count; a node whose live count reaches zero is
//!   dropped by the caller.
//!
//! # Invariants
//!
//! 1. The master counts equal the numbers of live and deleted entries.
//! 2. Live entry IDs strictly increase and the first entry's ID is the
//!    master ID. Tombstones may be out of order: XSETID may set the last ID
//!    below a deleted entry's, and later entries are appended after it.
//!
//! # References
//!
//! Redis 7.0 `t_stream.c` (`streamAppendItem`, the stream iterator) and
//! `stream.h`.

use smallvec::SmallVec;

use crate::encoding::listpack::{Elem, Listpack, Pos};

use super::StreamId;

/// Entry flag: deleted (a tombstone).
pub(crate) const FLAG_DELETED: i64 = 1;
/// Entry flag: the entry's fields are the master fields.
pub(crate) const FLAG_SAMEFIELDS: i64 = 2;

/// An entry's header, decoded without its fields (see [`Node::fields`]).
#[derive(Debug, Clone, Copy)]
pub(crate) struct RawEntry {
    /// The entry ID.
    pub(crate) id: StreamId,
    /// True for a tombstone.
    pub(crate) deleted: bool,
    /// Position of the flags element.
    pub(crate) flags_pos: Pos,
    /// True when the field names are the master fields (SAMEFIELDS).
    same: bool,
    /// Position of the element after the sequence delta.
    body: Pos,
}

/// A node opened for reading: its master fields decoded once, entries
/// walked lazily forwards or backwards (by the back-counts).
#[derive(Debug)]
pub(crate) struct Node<'a> {
    lp: &'a Listpack,
    master: StreamId,
    master_fields: SmallVec<[Elem<'a>; 4]>,
    /// Position of the first entry's flags.
    first: Option<Pos>,
}

impl<'a> Node<'a> {
    /// Opens the node keyed `master`.
    pub(crate) fn open(lp: &'a Listpack, master: StreamId) -> Self {
        let mut p = lp.first_pos();
        let mut next = || {
            let cur = p?;
            p = lp.next_pos(cur);
            Some(lp.at(cur))
        };
        next();
        next();
        let n = next().map_or(0, int) as usize;
        let master_fields = (0..n).filter_map(|_| next()).collect();
        next(); // the master entry's terminating 0
        Node {
            lp,
            master,
            master_fields,
            first: p,
        }
    }

    fn step(&self, p: Pos) -> Pos {
        self.lp.next_pos(p).expect("a complete stream entry")
    }

    /// Decodes the header of the entry whose flags are at `flags_pos`.
    fn head(&self, flags_pos: Pos) -> RawEntry {
        let flags = int(self.lp.at(flags_pos));
        let ms_pos = self.step(flags_pos);
        let seq_pos = self.step(ms_pos);
        let ms = int(self.lp.at(ms_pos)) as u64;
        let seq = int(self.lp.at(seq_pos)) as u64;
        RawEntry {
            id: StreamId::new(
                self.master.ms.wrapping_add(ms),
                self.master.seq.wrapping_add(seq),
            ),
            deleted: flags & FLAG_DELETED != 0,
            flags_pos,
            same: flags & FLAG_SAMEFIELDS != 0,
            body: self.step(seq_pos),
        }
    }

    /// The position after `e` (the next entry's flags), None at the end.
    fn after(&self, e: &RawEntry) -> Option<Pos> {
        let mut p = e.body;
        let skip = if e.same {
            self.master_fields.len()
        } else {
            1 + 2 * int(self.lp.at(p)) as usize
        };
        for _ in 0..skip {
            p = self.step(p);
        }
        self.lp.next_pos(p) // past the back-count
    }

    /// Entries (tombstones included) front to back.
    pub(crate) fn iter(&self) -> impl Iterator<Item = RawEntry> + '_ {
        let mut p = self.first;
        std::iter::from_fn(move || {
            let e = self.head(p?);
            p = self.after(&e);
            Some(e)
        })
    }

    /// Entries (tombstones included) back to front.
    pub(crate) fn iter_rev(&self) -> impl Iterator<Item = RawEntry> + '_ {
        let mut back = self.lp.last_pos();
        std::iter::from_fn(move || {
            let b = back?;
            let k = int(self.lp.at(b));
            if k <= 0 {
                return None; // the master entry's terminator
            }
            let mut p = b;
            for _ in 0..k {
                p = self.lp.prev_pos(p)?;
            }
            back = self.lp.prev_pos(p);
            Some(self.head(p))
        })
    }

    /// The field/value pairs of `e`, decoded as they are iterated.
    pub(crate) fn fields(
        &self,
        e: &RawEntry,
    ) -> impl ExactSizeIterator<Item = (Elem<'a>, Elem<'a>)> + '_ {
        let mut p = e.body;
        let m = if e.same {
            None
        } else {
            let m = int(self.lp.at(p)) as usize;
            p = self.step(p);
            Some(m)
        };
        let n = m.unwrap_or(self.master_fields.len());
        let lp = self.lp;
        let mut next = move || {
            let v = lp.at(p);
            // The back-count follows the last value, so a next element exists.
            p = lp.next_pos(p).unwrap_or(p);
            v
        };
        (0..n).map(move |i| match m {
            None => (self.master_fields[i], next()),
            Some(_) => {
                let f = next();
                (f, next())
            }
        })
    }
}

fn int(e: Elem<'_>) -> i64 {
    match e {
        Elem::Int(v) => v,
        Elem::Str(s) => crate::util::num::parse_i64(s).unwrap_or(0),
    }
}

/// A new node whose master entry holds the field names of `fields`, with
/// that first entry (whose ID is `id`, the node key) appended.
pub(crate) fn create(id: StreamId, fields: &[(&[u8], &[u8])]) -> Listpack {
    let mut lp = Listpack::new();
    lp.push_back(1i64);
    lp.push_back(0i64);
    lp.push_back(fields.len() as i64);
    for (f, _) in fields {
        lp.push_back(Elem::Str(f));
    }
    lp.push_back(0i64);
    push_entry(&mut lp, id, id, FLAG_SAMEFIELDS, fields);
    lp
}

fn push_entry(
    lp: &mut Listpack,
    master: StreamId,
    id: StreamId,
    flags: i64,
    fields: &[(&[u8], &[u8])],
) {
    lp.push_back(flags);
    lp.push_back(id.ms.wrapping_sub(master.ms) as i64);
    lp.push_back(id.seq.wrapping_sub(master.seq) as i64);
    let same = flags & FLAG_SAMEFIELDS != 0;
    if !same {
        lp.push_back(fields.len() as i64);
    }
    for (f, v) in fields {
        if !same {
            lp.push_back(Elem::Str(f));
        }
        lp.push_back(Elem::Str(v));
    }
    let n = fields.len() as i64;
    lp.push_back(if same { n + 3 } else { 2 * n + 4 });
}

/// Live and deleted entry counts from the master entry.
pub(crate) fn counts(lp: &Listpack) -> (u64, u64) {
    let mut it = lp.iter();
    let live = it.next().map_or(0, int);
    let deleted = it.next().map_or(0, int);
    (live as u64, deleted as u64)
}

/// Appends an entry to the node keyed `master` (the caller decided it fits).
pub(crate) fn append(lp: &mut Listpack, master: StreamId, id: StreamId, fields: &[(&[u8], &[u8])]) {
    let (live, _) = counts(lp);
    let first = lp.first_pos().expect("master entry");
    lp.replace_at(first, (live + 1) as i64);
    let mut it = lp.iter().skip(2);
    let n = it.next().map_or(0, int) as usize;
    let same = n == fields.len()
        && it
            .by_ref()
            .take(n)
            .zip(fields)
            .all(|(m, (f, _))| m.matches(f));
    let flags = if same { FLAG_SAMEFIELDS } else { 0 };
    push_entry(lp, master, id, flags, fields);
}

/// Every entry header of the node keyed `master` (tombstones included),
/// in order.
pub(crate) fn entries(lp: &Listpack, master: StreamId) -> Vec<RawEntry> {
    Node::open(lp, master).iter().collect()
}

/// Marks the entry whose flags are at `flags_pos` deleted and moves one
/// from the live count to the deleted count. Returns the live count left.
pub(crate) fn mark_deleted(lp: &mut Listpack, flags_pos: Pos) -> u64 {
    let flags = int(lp.at(flags_pos));
    lp.replace_at(flags_pos, flags | FLAG_DELETED);
    let (live, deleted) = counts(lp);
    let first = lp.first_pos().expect("master entry");
    lp.replace_at(first, (live - 1) as i64);
    let second = lp.next_pos(first).expect("deleted count");
    lp.replace_at(second, (deleted + 1) as i64);
    live - 1
}

/// The ID of the node's last entry (tombstone or not).
pub(crate) fn last_id(lp: &Listpack, master: StreamId) -> StreamId {
    Node::open(lp, master)
        .iter_rev()
        .next()
        .map_or(master, |e| e.id)
}

/// A cursor over a node's elements for [`validate`]: every read is checked,
/// so a malformed node gives an error, never a panic.
struct Reader<'a> {
    elems: Vec<Elem<'a>>,
    at: usize,
}

impl<'a> Reader<'a> {
    fn elem(&mut self, what: &str) -> Result<Elem<'a>, String> {
        let e = self.elems.get(self.at).copied();
        self.at += 1;
        e.ok_or_else(|| format!("node ends inside {what}"))
    }

    fn int(&mut self, what: &str) -> Result<i64, String> {
        match self.elem(what)? {
            Elem::Int(v) => Ok(v),
            Elem::Str(s) => {
                crate::util::num::parse_i64(s).ok_or(format!("{what} is not an integer"))
            }
        }
    }

    fn count(&mut self, what: &str) -> Result<usize, String> {
        usize::try_from(self.int(what)?).map_err(|_| format!("{what} is negative"))
    }
}

/// Checks one node: the master entry's counts equal the live and deleted
/// entries, the first entry's ID is the master ID and live IDs strictly
/// increase (a tombstone may exceed later IDs once XSETID lowered the last
/// ID), flags are known, each entry's back-count is right, and the
/// master-field compaction is applied exactly when an entry's field names
/// are the master fields (as appending decides it). Returns the counts.
pub(crate) fn validate(lp: &Listpack, master: StreamId) -> Result<(u64, u64), String> {
    lp.validate(true)
        .map_err(|c| format!("node {master}: listpack {c:?}"))?;
    let mut r = Reader {
        elems: lp.iter().collect(),
        at: 0,
    };
    let live = r.int("live count")? as u64;
    let deleted = r.int("deleted count")? as u64;
    let n = r.count("master field count")?;
    let master_fields: Vec<Vec<u8>> = (0..n)
        .map(|_| r.elem("master fields").map(|e| e.to_vec()))
        .collect::<Result<_, _>>()?;
    if r.int("master terminator")? != 0 {
        return Err(format!("node {master}: master entry not terminated by 0"));
    }
    let (mut seen_live, mut seen_deleted) = (0u64, 0u64);
    let mut prev_live: Option<StreamId> = None;
    while r.at < r.elems.len() {
        let flags = r.int("flags")?;
        if !(0..=FLAG_DELETED | FLAG_SAMEFIELDS).contains(&flags) {
            return Err(format!("node {master}: unknown flags {flags}"));
        }
        let ms = r.int("ms delta")? as u64;
        let seq = r.int("seq delta")? as u64;
        let id = StreamId::new(master.ms.wrapping_add(ms), master.seq.wrapping_add(seq));
        let same = flags & FLAG_SAMEFIELDS != 0;
        let elements = if same {
            for _ in 0..n {
                r.elem("values")?;
            }
            n + 3
        } else {
            let m = r.count("field count")?;
            let mut names = Vec::with_capacity(m);
            for _ in 0..m {
                names.push(r.elem("fields")?.to_vec());
                r.elem("values")?;
            }
            if names == master_fields {
                return Err(format!(
                    "node {master}: entry {id} has the master fields uncompacted"
                ));
            }
            2 * m + 4
        };
        if r.count("back-count")? != elements {
            return Err(format!("node {master}: entry {id} has a wrong back-count"));
        }
        if seen_live + seen_deleted == 0 {
            if id != master {
                return Err(format!("node {master}: first entry is {id}"));
            }
            if !same {
                return Err(format!("node {master}: first entry not compacted"));
            }
        }
        if flags & FLAG_DELETED != 0 {
            seen_deleted += 1;
            continue;
        }
        seen_live += 1;
        if let Some(p) = prev_live.filter(|&p| p >= id) {
            return Err(format!("node {master}: live {id} after live {p}"));
        }
        prev_live = Some(id);
    }
    if (seen_live, seen_deleted) != (live, deleted) {
        return Err(format!(
            "node {master}: counts {live}/{deleted} but {seen_live}/{seen_deleted} entries"
        ));
    }
    if seen_live + seen_deleted == 0 {
        return Err(format!("node {master}: no entries"));
    }
    Ok((live, deleted))
}
