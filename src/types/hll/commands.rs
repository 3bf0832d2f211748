//! The typed HyperLogLog commands on [`Keyspace`].

use super::{
    HDR, HllEncoding, REGISTERS, count, count_registers, dense, merge_into, new_sparse, raise,
    sparse, view,
};
use crate::error::{Error, Result};
use crate::keyspace::Keyspace;
use crate::types::string::StringValue;
use crate::value::Value;

/// A PFDEBUG subcommand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PfDebugOp {
    /// `GETREG`: every register (converts a sparse HLL to dense first).
    GetReg,
    /// `DECODE`: the sparse opcodes as text.
    Decode,
    /// `ENCODING`: `dense` or `sparse`.
    Encoding,
    /// `TODENSE`: converts to dense; true when it was sparse.
    ToDense,
}

impl PfDebugOp {
    /// Parses a subcommand name, ignoring case.
    pub fn parse(name: &[u8]) -> Option<Self> {
        [
            ("getreg", PfDebugOp::GetReg),
            ("decode", PfDebugOp::Decode),
            ("encoding", PfDebugOp::Encoding),
            ("todense", PfDebugOp::ToDense),
        ]
        .into_iter()
        .find(|(n, _)| name.eq_ignore_ascii_case(n.as_bytes()))
        .map(|(_, op)| op)
    }
}

/// What a PFDEBUG subcommand returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PfDebugReply {
    /// GETREG: the 16384 register values.
    Registers(Vec<u8>),
    /// DECODE: `z:<run>`, `Z:<run>`, `v:<value>,<run>` separated by spaces.
    Decoded(Vec<u8>),
    /// ENCODING.
    Encoding(HllEncoding),
    /// TODENSE: whether a conversion happened.
    Converted(bool),
}

fn as_string(v: &mut Value) -> Option<&mut StringValue> {
    match v {
        Value::String(s) => Some(s),
        #[allow(unreachable_patterns)]
        _ => None,
    }
}

fn fresh() -> Value {
    Value::String(StringValue::Raw(new_sparse()))
}

impl Keyspace {
    /// ```text
    /// PFADD key [element ...]
    /// ```
    /// Adds elements to the HLL at `key`, creating an empty (sparse) one
    /// when the key is missing. True when a register changed or the key was
    /// created. The HLL may be promoted to dense (see the module docs).
    ///
    /// ```
    /// use embedis::{Config, Keyspace};
    /// let mut ks = Keyspace::new(Config::default());
    /// assert!(ks.pfadd(b"visitors", &[b"alice", b"bob"]).unwrap());
    /// assert!(!ks.pfadd(b"visitors", &[b"alice"]).unwrap());
    /// assert_eq!(ks.pfcount(&[b"visitors"]).unwrap(), 2);
    /// ks.pfadd(b"others", &[b"carol"]).unwrap();
    /// ks.pfmerge(b"all", &[b"visitors", b"others"]).unwrap();
    /// assert_eq!(ks.pfcount(&[b"all"]).unwrap(), 3);
    /// // The value is a plain string holding Redis's bytes.
    /// assert!(ks.get(b"all").unwrap().unwrap().starts_with(b"HYLL"));
    /// ```
    ///
    /// # Complexity
    /// O(1) per element (O(size) for a sparse HLL, bounded by
    /// `hll-sparse-max-bytes`).
    ///
    /// # Errors
    /// [`Error::WrongType`] for a non-string key; `WRONGTYPE Key is not a
    /// valid HyperLogLog string value.` for a string that is not an HLL;
    /// `INVALIDOBJ Corrupted HLL object detected` for a malformed sparse
    /// stream (elements added before the error stay added, as in Redis).
    ///
    /// [`Error::OutOfMemory`](crate::Error::OutOfMemory) when used memory is over `maxmemory`
    /// and eviction cannot bring it under; nothing is changed then.
    pub fn pfadd(&mut self, key: &[u8], elements: &[&[u8]]) -> Result<bool> {
        self.make_room()?;
        let max_bytes = self.config.hll_sparse_max_bytes;
        let mut created = false;
        let s = self.write_typed_or_insert(key, as_string, || {
            created = true;
            fresh()
        })?;
        view(s)?;
        let hll = s.make_raw();
        let mut updated = u64::from(created);
        let mut after = 0;
        let added = elements.iter().try_fold(0, |n, element| {
            super::add(hll, element, max_bytes, &mut after).map(|changed| n + u64::from(changed))
        });
        // A sparse string grows a few bytes at a time with spare room for
        // the edits; it keeps no spare capacity between commands. (Redis's
        // greedy growth keeps some; the bytes stored are the same.)
        if !super::is_dense(hll) {
            hll.shrink_to_fit();
        }
        updated += added?;
        if updated == 0 {
            return Ok(false);
        }
        super::invalidate_cache(hll);
        // Redis counts one change per updated register; creating the key
        // already signalled once.
        if !created {
            self.signal_modified(key);
        }
        self.stats.dirty += updated - 1;
        Ok(true)
    }

    /// ```text
    /// PFCOUNT key [key ...]
    /// ```
    /// The estimated number of distinct elements. With one key the cached
    /// value is used when valid, and otherwise computed and written back
    /// into the value (a modification, as in Redis). With several keys the
    /// estimate of their union, without modifying them. Missing keys count
    /// as empty.
    ///
    /// # Complexity
    /// O(1) with a valid cache, else O(registers) per key.
    ///
    /// # Errors
    /// [`Error::WrongType`], the HLL WRONGTYPE error or INVALIDOBJ, for the
    /// first offending key.
    pub fn pfcount(&mut self, keys: &[&[u8]]) -> Result<u64> {
        if let [key] = keys {
            return self.pfcount_one(key);
        }
        let mut max = vec![0u8; REGISTERS];
        for key in keys {
            if let Some(s) = self.read_string(key)? {
                merge_into(view(s)?, &mut max)?;
            }
        }
        Ok(count_registers(&max))
    }

    fn pfcount_one(&mut self, key: &[u8]) -> Result<u64> {
        let Some(s) = self.read_string_mut(key)? else {
            return Ok(0);
        };
        view(s)?;
        let hll = s.make_raw();
        if let Some(card) = super::cached(hll) {
            return Ok(card);
        }
        let card = count(hll)?;
        super::store_cache(hll, card);
        self.signal_modified(key);
        Ok(card)
    }

    /// ```text
    /// PFMERGE destkey [sourcekey ...]
    /// ```
    /// Stores at `dest` the union of `dest` itself and every source
    /// (missing keys count as empty), creating `dest` when missing. The
    /// result is dense when any input is dense.
    ///
    /// # Complexity
    /// O(registers) per key.
    ///
    /// # Errors
    /// As [`Keyspace::pfcount`], for the first offending key (nothing is
    /// written then).
    ///
    /// [`Error::OutOfMemory`](crate::Error::OutOfMemory) when used memory is over `maxmemory`
    /// and eviction cannot bring it under; nothing is changed then.
    pub fn pfmerge(&mut self, dest: &[u8], sources: &[&[u8]]) -> Result<()> {
        self.make_room()?;
        let max_bytes = self.config.hll_sparse_max_bytes;
        let mut max = vec![0u8; REGISTERS];
        let mut use_dense = false;
        for key in std::iter::once(dest).chain(sources.iter().copied()) {
            if let Some(s) = self.read_string(key)? {
                let hll = view(s)?;
                use_dense |= hll[4] == super::DENSE;
                merge_into(hll, &mut max)?;
            }
        }
        let mut created = false;
        let s = self.write_typed_or_insert(dest, as_string, || {
            created = true;
            fresh()
        })?;
        let hll = s.make_raw();
        if use_dense {
            super::to_dense(hll)?;
            // `max` already holds the destination's own registers, so
            // every register simply becomes its merged value.
            dense::store_all(&mut hll[HDR..], &max);
        } else {
            let mut after = 0;
            for (index, &value) in max.iter().enumerate() {
                if value != 0 {
                    // As Redis, a failed sparse edit is skipped silently (the
                    // destination was validated by the merge above).
                    let _ = raise(hll, index, value, max_bytes, &mut after);
                }
            }
        }
        super::invalidate_cache(hll);
        if !created {
            self.signal_modified(dest);
        }
        Ok(())
    }

    /// The HLL a PFDEBUG subcommand works on, made `raw` as Redis does
    /// before looking at the subcommand.
    ///
    /// # Errors
    /// `ERR The specified key does not exist`, [`Error::WrongType`] or the
    /// HLL WRONGTYPE error.
    pub(crate) fn pfdebug_target(&mut self, key: &[u8]) -> Result<&mut Vec<u8>> {
        let Some(s) = self.write_string(key)? else {
            return Err(Error::other("ERR The specified key does not exist"));
        };
        view(s)?;
        Ok(s.make_raw())
    }

    /// ```text
    /// PFDEBUG GETREG|DECODE|ENCODING|TODENSE key
    /// ```
    /// Debugging views of an HLL. GETREG and TODENSE convert a sparse HLL
    /// to dense in place.
    ///
    /// # Complexity
    /// O(registers).
    ///
    /// # Errors
    /// `ERR The specified key does not exist`, [`Error::WrongType`], the HLL
    /// WRONGTYPE error, INVALIDOBJ when a conversion meets a malformed
    /// stream, and `ERR HLL encoding is not sparse` for DECODE on dense.
    ///
    /// [`Error::OutOfMemory`](crate::Error::OutOfMemory) when used memory is over `maxmemory`
    /// and eviction cannot bring it under; nothing is changed then.
    pub fn pfdebug(&mut self, op: PfDebugOp, key: &[u8]) -> Result<PfDebugReply> {
        self.make_room()?;
        let hll = self.pfdebug_target(key)?;
        let reply = match op {
            PfDebugOp::GetReg => {
                let converted = super::to_dense(hll)?;
                let regs = &hll[HDR..];
                let values = (0..REGISTERS).map(|i| dense::get(regs, i)).collect();
                self.stats.dirty += u64::from(converted);
                PfDebugReply::Registers(values)
            }
            PfDebugOp::Decode => {
                if hll[4] != super::SPARSE {
                    return Err(Error::other("ERR HLL encoding is not sparse"));
                }
                PfDebugReply::Decoded(sparse::decode(hll))
            }
            PfDebugOp::Encoding => PfDebugReply::Encoding(super::check(hll)?),
            PfDebugOp::ToDense => {
                let converted = super::to_dense(hll)?;
                self.stats.dirty += u64::from(converted);
                PfDebugReply::Converted(converted)
            }
        };
        Ok(reply)
    }

    /// ```text
    /// PFSELFTEST
    /// ```
    /// Redis's self-test of the register code: 1000 rounds of random
    /// register writes read back, then 10 million elements added to a dense
    /// and a sparse HLL side by side, checking at each power of ten that
    /// both agree and that the error stays within six standard errors.
    ///
    /// # Complexity
    /// Fixed: about 26 million register operations (seconds).
    ///
    /// # Errors
    /// `TESTFAILED ...` naming the failed check.
    pub fn pfselftest(&mut self) -> Result<()> {
        let max_bytes = self.config.hll_sparse_max_bytes;
        super::selftest::run(&mut self.rng, max_bytes, &super::selftest::FULL)
    }
}

/// The body of [`super::hll_bytes`].
pub(super) fn fuzz_one(data: &[u8]) {
    use crate::config::Config;
    use crate::types::string::SetOptions;

    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let mut value = Vec::new();
    if mode & 1 == 1 {
        value.extend_from_slice(b"HYLL\x01\0\0\0\0\0\0\0\0\0\0\x80");
    }
    value.extend_from_slice(rest);
    let config = Config {
        hll_sparse_max_bytes: usize::from(mode >> 1) * 40,
        ..Config::default()
    };
    let mut ks = Keyspace::new(config);
    ks.seed_rng(0);
    ks.set(b"k", &value, &SetOptions::default())
        .expect("plain SET");
    let one = ks.pfcount(&[b"k"]);
    let union = ks.pfcount(&[b"k", b"missing"]);
    if let (Ok(a), Ok(b)) = (&one, &union)
        && super::cached(&value).is_none()
    {
        assert_eq!(a, b, "one-key and union counts differ");
    }
    ok(&one);
    let regs_before = ks.get(b"k").ok().flatten().and_then(|v| registers_of(&v));
    let elements: Vec<&[u8]> = rest.chunks(3).take(64).collect();
    let added = ks.pfadd(b"k", &elements);
    if ok(&added) {
        let after = ks.get(b"k").unwrap().unwrap();
        super::check(&after).expect("PFADD leaves a valid header");
        if let (Some(old), Some(new)) = (regs_before, registers_of(&after)) {
            assert!(
                old.iter().zip(&new).all(|(a, b)| a <= b),
                "a register shrank"
            );
            for e in &elements {
                let (i, v) = super::hash::pattern(e);
                assert!(new[i] >= v, "element not recorded");
            }
        }
    }
    ok(&ks.pfmerge(b"d", &[b"k"]));
    for op in [PfDebugOp::Decode, PfDebugOp::Encoding, PfDebugOp::GetReg] {
        ok(&ks.pfdebug(op, b"k").map(|_| ()));
    }
    ks.validate().expect("keyspace invariants");
}

/// True for success; false for the errors a hostile HLL string may get.
fn ok<T>(r: &Result<T>) -> bool {
    match r {
        Ok(_) => true,
        Err(e) if *e == super::corrupt() || *e == super::not_hll() => false,
        Err(e) if e.to_string() == "ERR HLL encoding is not sparse" => false,
        Err(e) => panic!("unexpected error {e}"),
    }
}

/// The registers of a string that is a well-formed HLL.
fn registers_of(bytes: &[u8]) -> Option<Vec<u8>> {
    super::check(bytes).ok()?;
    super::registers(bytes).ok()
}
