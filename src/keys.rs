//! Typed commands that act on keys of any type (Redis's `generic` group)
//! and on whole databases.

use crate::error::{Error, Result};
use crate::keyspace::{Db, Keyspace};

impl Keyspace {
    /// ```text
    /// DBSIZE
    /// ```
    /// Number of keys in the selected database, counting keys whose TTL has
    /// passed but that no lookup or expire cycle has reclaimed yet (as Redis).
    pub fn dbsize(&self) -> usize {
        self.db().len()
    }

    /// ```text
    /// FLUSHDB
    /// ```
    /// Removes every key of the selected database.
    pub fn flushdb(&mut self) {
        self.db_mut().clear();
        self.stats.dirty += 1;
    }

    /// ```text
    /// FLUSHALL
    /// ```
    /// Removes every key of every database.
    pub fn flushall(&mut self) {
        for db in &mut self.dbs {
            db.clear();
        }
        self.stats.dirty += 1;
    }

    /// ```text
    /// SWAPDB index1 index2
    /// ```
    /// Swaps two databases' contents.
    ///
    /// # Errors
    /// `ERR DB index is out of range` for an index outside `0..databases`;
    /// `ERR SWAPDB is not allowed in cluster mode` with `cluster-enabled`.
    pub fn swapdb(&mut self, a: i64, b: i64) -> Result<()> {
        if self.config.cluster_enabled {
            return Err(Error::other("ERR SWAPDB is not allowed in cluster mode"));
        }
        let n = self.dbs.len() as i64;
        if !(0..n).contains(&a) || !(0..n).contains(&b) {
            return Err(Error::DbIndexOutOfRange);
        }
        if a != b {
            self.dbs.swap(a as usize, b as usize);
            self.expire_cursor.swap(a as usize, b as usize);
            self.stats.dirty += 1;
        }
        Ok(())
    }

    /// The selected database, for sibling modules.
    #[allow(dead_code)]
    pub(crate) fn selected_db_ref(&self) -> &Db {
        self.db()
    }
}
