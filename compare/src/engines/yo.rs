//! yo-kv 0.3.33 through its `Keyspace` API.

use yo_kv::lists::End;
use yo_kv::stream::Id as YoId;
use yo_kv::streams::{Add, From, Read, Start, Trim};
use yo_kv::zsets::Query;
use yo_kv::{Keyspace, SetOptions, ZAdd};

use crate::engine::{Engine, Id, R, fails};

/// yo-kv's single-threaded `Keyspace`.
pub(crate) struct Yo {
    ks: Keyspace,
}

impl Engine for Yo {
    const NAME: &'static str = "yo-kv";
    const VERSION: &'static str = "0.3.33";

    #[inline(always)]
    fn open() -> Self {
        Yo {
            ks: Keyspace::new(),
        }
    }
    #[inline(always)]
    fn set(&mut self, k: &[u8], v: &[u8]) -> R<()> {
        self.ks.set(k, v, SetOptions::default()).map_err(fails)?;
        Ok(())
    }
    #[inline(always)]
    fn get(&mut self, k: &[u8]) -> R<Option<usize>> {
        Ok(self.ks.get(k).map_err(fails)?.map(|v| v.len()))
    }
    #[inline(always)]
    fn incr(&mut self, k: &[u8]) -> R<i64> {
        self.ks.incr(k).map_err(fails)
    }
    #[inline(always)]
    fn hset(&mut self, k: &[u8], f: &[u8], v: &[u8]) -> R<()> {
        self.ks.hset(k, [(f, v)].into_iter()).map_err(fails)?;
        Ok(())
    }
    #[inline(always)]
    fn zadd(&mut self, k: &[u8], score: f64, m: &[u8]) -> R<()> {
        let pairs = [(score, m)].into_iter();
        self.ks.zadd(k, pairs, ZAdd::default()).map_err(fails)?;
        Ok(())
    }
    #[inline(always)]
    fn zscore(&mut self, k: &[u8], m: &[u8]) -> R<Option<f64>> {
        self.ks.zscore(k, m).map_err(fails)
    }
    #[inline(always)]
    fn zrank(&mut self, k: &[u8], m: &[u8]) -> R<Option<usize>> {
        Ok(self.ks.zrank(k, m, false).map_err(fails)?.map(|r| r.0))
    }
    #[inline(always)]
    fn zrange_top(&mut self, k: &[u8], n: usize, f: &mut impl FnMut(&[u8], f64)) -> R<usize> {
        let mut q = Query::rank(0, n as i64 - 1);
        q.rev = true;
        let w = self.ks.zwindow(k, &q).map_err(fails)?;
        let (mut digits, mut count) = (Vec::new(), 0);
        self.ks
            .zwalk(k, w, |m, s| {
                count += 1;
                lend(m, &mut digits, |m| f(m, s));
            })
            .map_err(fails)?;
        Ok(count)
    }
    #[inline(always)]
    fn sadd(&mut self, k: &[u8], m: &[u8]) -> R<()> {
        self.ks.sadd(k, [m].into_iter()).map_err(fails)?;
        Ok(())
    }
    #[inline(always)]
    fn rpush(&mut self, k: &[u8], v: &[u8]) -> R<()> {
        self.ks
            .push(k, End::Right, [v].into_iter())
            .map_err(fails)?;
        Ok(())
    }
    #[inline(always)]
    fn lpop(&mut self, k: &[u8]) -> R<Option<Vec<u8>>> {
        self.ks.pop(k, End::Left).map_err(fails)
    }
    #[inline(always)]
    fn lrange(&mut self, k: &[u8], start: i64, stop: i64, f: &mut impl FnMut(&[u8])) -> R<usize> {
        let mut digits = Vec::new();
        let mut n = 0;
        for e in self.ks.lrange(k, start, stop).map_err(fails)? {
            lend(e, &mut digits, |e| f(e));
            n += 1;
        }
        Ok(n)
    }
    #[inline(always)]
    fn pfadd(&mut self, k: &[u8], es: &[&[u8]]) -> R<()> {
        self.ks.pfadd(k, es.iter().copied()).map_err(fails)?;
        Ok(())
    }
    #[inline(always)]
    fn pfcount(&mut self, k: &[u8]) -> R<u64> {
        self.ks.pfcount([k].into_iter()).map_err(fails)
    }
    #[inline(always)]
    fn setbit(&mut self, k: &[u8], off: u64) -> R<()> {
        self.ks.setbit(k, off, true).map_err(fails)?;
        Ok(())
    }
    #[inline(always)]
    fn bitcount(&mut self, k: &[u8]) -> R<u64> {
        self.ks.bitcount(k, None).map_err(fails)
    }
    #[inline(always)]
    fn xadd(&mut self, k: &[u8], id: Id, fields: &[(&[u8], &[u8])]) -> R<()> {
        let id = Add::At(YoId {
            ms: id.0,
            seq: id.1,
        });
        self.ks
            .xadd(k, id, fields, Trim::None, true, 0)
            .map_err(fails)?;
        Ok(())
    }
    #[inline(always)]
    fn xgroup_create(&mut self, k: &[u8], g: &[u8]) -> R<()> {
        let at = Start::At(YoId::MIN);
        self.ks
            .xgroup_create(k, g, at, false, None)
            .map_err(fails)?;
        Ok(())
    }
    #[inline(always)]
    fn xread_ack(&mut self, k: &[u8], g: &[u8], c: &[u8], n: usize) -> R<usize> {
        let want = Read {
            group: g,
            consumer: c,
            from: From::New,
            count: Some(n),
            noack: false,
        };
        let mut ids = Vec::with_capacity(n);
        self.ks
            .xreadgroup_into(k, want, 0, |id, fields| {
                // Read the entry as a caller would: owned field/value pairs.
                let pairs: Vec<(Vec<u8>, Vec<u8>)> = fields
                    .into_iter()
                    .flatten()
                    .map(|(f, v)| (owned(f), owned(v)))
                    .collect();
                std::hint::black_box(pairs);
                ids.push(id);
                true
            })
            .map_err(fails)?;
        Ok(self.ks.xack(k, g, ids.into_iter()).map_err(fails)? as usize)
    }
}

/// A listpack entry as the bytes a client would see.
/// Hands `f` the entry's bytes: borrowed for a string, formatted into
/// `scratch` for an integer.
fn lend(e: yo_kv::Entry<'_>, scratch: &mut Vec<u8>, f: impl FnOnce(&[u8])) {
    match e {
        yo_kv::Entry::Str(s) => f(s),
        int => {
            scratch.clear();
            int.write_to(scratch);
            f(scratch);
        }
    }
}

fn owned(e: yo_kv::Entry<'_>) -> Vec<u8> {
    let mut v = Vec::with_capacity(e.byte_len());
    e.write_to(&mut v);
    v
}
