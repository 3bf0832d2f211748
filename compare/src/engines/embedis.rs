//! embedis through its typed `Keyspace` API.

use embedis::types::stream::{ReadFrom, StreamId, XAddId, XAddOptions};
use embedis::{Config, Keyspace, SetOptions, ZAddOptions, ZRange};

use crate::engine::{Engine, Id, R, fails};

/// embedis's `Keyspace` with the default config.
pub(crate) struct Embedis {
    ks: Keyspace,
    set: SetOptions,
    zadd: ZAddOptions,
    xadd: XAddOptions,
}

impl Engine for Embedis {
    const NAME: &'static str = "embedis";
    const VERSION: &'static str = "this tree";

    #[inline(always)]
    fn open() -> Self {
        Embedis {
            ks: Keyspace::new(Config::default()),
            set: SetOptions::default(),
            zadd: ZAddOptions::default(),
            xadd: XAddOptions::default(),
        }
    }
    #[inline(always)]
    fn set(&mut self, k: &[u8], v: &[u8]) -> R<()> {
        self.ks.set(k, v, &self.set).map_err(fails)?;
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
        self.ks.hset(k, &[(f, v)]).map_err(fails)?;
        Ok(())
    }
    #[inline(always)]
    fn zadd(&mut self, k: &[u8], score: f64, m: &[u8]) -> R<()> {
        self.ks.zadd(k, &[(score, m)], &self.zadd).map_err(fails)?;
        Ok(())
    }
    #[inline(always)]
    fn zscore(&mut self, k: &[u8], m: &[u8]) -> R<Option<f64>> {
        self.ks.zscore(k, m).map_err(fails)
    }
    #[inline(always)]
    fn zrank(&mut self, k: &[u8], m: &[u8]) -> R<Option<usize>> {
        self.ks.zrank(k, m).map_err(fails)
    }
    #[inline(always)]
    fn zrange_top(&mut self, k: &[u8], n: usize, f: &mut impl FnMut(&[u8], f64)) -> R<usize> {
        let spec = ZRange::by_rank(0, n as i64 - 1).rev();
        self.ks.zrange_with(k, &spec, f).map_err(fails)
    }
    #[inline(always)]
    fn sadd(&mut self, k: &[u8], m: &[u8]) -> R<()> {
        self.ks.sadd(k, &[m]).map_err(fails)?;
        Ok(())
    }
    #[inline(always)]
    fn rpush(&mut self, k: &[u8], v: &[u8]) -> R<()> {
        self.ks.rpush(k, &[v]).map_err(fails)?;
        Ok(())
    }
    #[inline(always)]
    fn lpop(&mut self, k: &[u8]) -> R<Option<Vec<u8>>> {
        self.ks.lpop_one(k).map_err(fails)
    }
    #[inline(always)]
    fn lrange(&mut self, k: &[u8], start: i64, stop: i64, f: &mut impl FnMut(&[u8])) -> R<usize> {
        self.ks.lrange_with(k, start, stop, f).map_err(fails)
    }
    #[inline(always)]
    fn pfadd(&mut self, k: &[u8], es: &[&[u8]]) -> R<()> {
        self.ks.pfadd(k, es).map_err(fails)?;
        Ok(())
    }
    #[inline(always)]
    fn pfcount(&mut self, k: &[u8]) -> R<u64> {
        self.ks.pfcount(&[k]).map_err(fails)
    }
    #[inline(always)]
    fn setbit(&mut self, k: &[u8], off: u64) -> R<()> {
        self.ks.setbit(k, off, 1).map_err(fails)?;
        Ok(())
    }
    #[inline(always)]
    fn bitcount(&mut self, k: &[u8]) -> R<u64> {
        self.ks.bitcount(k, None).map_err(fails)
    }
    #[inline(always)]
    fn xadd(&mut self, k: &[u8], id: Id, fields: &[(&[u8], &[u8])]) -> R<()> {
        let id = XAddId::Explicit(StreamId::new(id.0, id.1));
        self.ks.xadd(k, id, fields, &self.xadd).map_err(fails)?;
        Ok(())
    }
    #[inline(always)]
    fn xgroup_create(&mut self, k: &[u8], g: &[u8]) -> R<()> {
        let from = ReadFrom::After(StreamId::MIN);
        self.ks
            .xgroup_create(k, g, from, false, None)
            .map_err(fails)
    }
    #[inline(always)]
    fn xread_ack(&mut self, k: &[u8], g: &[u8], c: &[u8], n: usize) -> R<usize> {
        let got = self
            .ks
            .xreadgroup(g, c, &[(k, ReadFrom::New)], n, false)
            .map_err(fails)?;
        let ids: Vec<StreamId> = got
            .iter()
            .flat_map(|r| r.entries.iter().map(|e| e.0))
            .collect();
        Ok(self.ks.xack(k, g, &ids).map_err(fails)? as usize)
    }
}
