//! kevy-embedded 1.3.0 (kevy-store 1.18.0): its `Store` wrappers where
//! they exist, else `Store::with`, its documented escape hatch to the
//! underlying `kevy_store::Store`. No HLL and no bitmaps in this version.

use std::fmt::Debug;

use kevy_embedded::{Config, Store};
use kevy_store::{GroupCreateMode, ReadGroupId, StreamId, XAddIdSpec};

use crate::engine::{Engine, Id, Miss, R, fails};

/// kevy-embedded's `Store`, in memory, TTL reaper in manual mode (no
/// background thread).
pub(crate) struct Kevy {
    s: Store,
}

fn kf(e: impl Debug) -> Miss {
    fails(format!("{e:?}"))
}

impl Engine for Kevy {
    const NAME: &'static str = "kevy-embedded";
    const VERSION: &'static str = "1.3.0 (kevy-store 1.18.0)";

    #[inline(always)]
    fn open() -> Self {
        let config = Config::default().with_ttl_reaper_manual();
        Kevy {
            s: Store::open(config).expect("kevy-embedded opens in memory"),
        }
    }
    #[inline(always)]
    fn set(&mut self, k: &[u8], v: &[u8]) -> R<()> {
        self.s.set(k, v).map_err(fails)?;
        Ok(())
    }
    #[inline(always)]
    fn get(&mut self, k: &[u8]) -> R<Option<usize>> {
        Ok(self.s.get(k).map_err(fails)?.map(|v| v.len()))
    }
    #[inline(always)]
    fn incr(&mut self, k: &[u8]) -> R<i64> {
        self.s.incr(k).map_err(fails)
    }
    #[inline(always)]
    fn hset(&mut self, k: &[u8], f: &[u8], v: &[u8]) -> R<()> {
        self.s.hset(k, &[(f, v)]).map_err(fails)?;
        Ok(())
    }
    #[inline(always)]
    fn zadd(&mut self, k: &[u8], score: f64, m: &[u8]) -> R<()> {
        self.s.zadd(k, &[(score, m)]).map_err(fails)?;
        Ok(())
    }
    #[inline(always)]
    fn zscore(&mut self, k: &[u8], m: &[u8]) -> R<Option<f64>> {
        self.s.zscore(k, m).map_err(fails)
    }
    #[inline(always)]
    fn zrank(&mut self, k: &[u8], m: &[u8]) -> R<Option<usize>> {
        self.s.with(|st| st.zrank(k, m)).map_err(kf)
    }
    #[inline(always)]
    fn zrange_top(&mut self, k: &[u8], n: usize, f: &mut impl FnMut(&[u8], f64)) -> R<usize> {
        // No reverse range in kevy-store 1.18 and only owned answers: the
        // last n ascending, read backwards.
        let v = self
            .s
            .with(|st| st.zrange(k, -(n as i64), -1))
            .map_err(kf)?;
        v.iter().rev().for_each(|(m, s)| f(m, *s));
        Ok(v.len())
    }
    #[inline(always)]
    fn sadd(&mut self, k: &[u8], m: &[u8]) -> R<()> {
        self.s.sadd(k, &[m]).map_err(fails)?;
        Ok(())
    }
    #[inline(always)]
    fn rpush(&mut self, k: &[u8], v: &[u8]) -> R<()> {
        self.s.rpush(k, &[v]).map_err(fails)?;
        Ok(())
    }
    #[inline(always)]
    fn lpop(&mut self, k: &[u8]) -> R<Option<Vec<u8>>> {
        Ok(self.s.lpop(k, 1).map_err(fails)?.pop())
    }
    #[inline(always)]
    fn lrange(&mut self, k: &[u8], start: i64, stop: i64, f: &mut impl FnMut(&[u8])) -> R<usize> {
        // No LRANGE wrapper in 1.3.0, and kevy-store's answers owned copies.
        let got = self.s.with(|st| st.lrange(k, start, stop)).map_err(kf)?;
        got.iter().for_each(|v| f(v));
        Ok(got.len())
    }
    #[inline(always)]
    fn setbit(&mut self, _k: &[u8], _off: u64) -> R<()> {
        Err(Miss::Lacks("no bitmaps"))
    }
    #[inline(always)]
    fn bitcount(&mut self, _k: &[u8]) -> R<u64> {
        Err(Miss::Lacks("no bitmaps"))
    }
    #[inline(always)]
    fn xadd(&mut self, k: &[u8], id: Id, fields: &[(&[u8], &[u8])]) -> R<()> {
        let spec = XAddIdSpec::Explicit(StreamId {
            ms: id.0,
            seq: id.1,
        });
        let owned = fields
            .iter()
            .map(|(f, v)| (f.to_vec(), v.to_vec()))
            .collect();
        self.s
            .with(|st| st.xadd(k, spec, owned, false, 0))
            .map_err(kf)?;
        Ok(())
    }
    #[inline(always)]
    fn xgroup_create(&mut self, k: &[u8], g: &[u8]) -> R<()> {
        let mode = GroupCreateMode::AtId(StreamId::MIN);
        self.s
            .with(|st| st.xgroup_create(k, g, mode, false))
            .map_err(kf)?;
        Ok(())
    }
    #[inline(always)]
    fn xread_ack(&mut self, k: &[u8], g: &[u8], c: &[u8], n: usize) -> R<usize> {
        self.s.with(|st| {
            let got = st
                .xreadgroup(k, g, c, ReadGroupId::New, Some(n), false, 0)
                .map_err(kf)?;
            let ids: Vec<StreamId> = got.iter().map(|e| e.0).collect();
            Ok(st.xack(k, g, &ids).map_err(kf)? as usize)
        })
    }
}
