//! The query planner's statistics, kept current by Roster itself. PostgreSQL plans a lookup
//! from what it last learnt of a table; a cluster without autovacuum (or one that has not
//! come round yet) still believes `users` holds the few rows it had when first analyzed, and
//! plans scans that grow with the table: lookups and searches slow down as users pile up.
//! So the user service looks every `statistics_interval_secs` for tables changed by more
//! than autovacuum's own analyze threshold since their last analyze, and analyzes those.
//! Where autovacuum runs, it finds nothing to do. On SQLite, `PRAGMA optimize` does the same
//! (it analyzes only what its own heuristics say needs it).

use crate::Store;
use crate::errors::storage;
use roster_domain::StorageError;
use sea_orm::{ConnectionTrait, DbBackend, Statement, TransactionTrait};

/// Tables changed by more than 50 rows plus 10% of their size since they were last
/// analyzed: autovacuum's default analyze threshold.
const STALE: &str = "SELECT s.relname::text FROM pg_stat_user_tables s \
    JOIN pg_class c ON c.oid = s.relid \
    WHERE s.schemaname = current_schema() \
    AND s.n_mod_since_analyze > 50 + 0.1 * GREATEST(c.reltuples, 0) \
    ORDER BY 1";

impl Store {
    /// Analyzes the tables whose statistics are stale (see the module); returns their names
    /// (on SQLite, none: `PRAGMA optimize` does not say).
    ///
    /// # Errors
    /// A failed query; a table locked by someone else past one second is left for next time.
    pub async fn refresh_statistics(&self) -> Result<Vec<String>, StorageError> {
        let db = self.connection();
        if self.backend() != DbBackend::Postgres {
            // It may write its findings: as a write of this process, behind the write gate.
            let w = self.write().await.map_err(storage)?;
            w.txn
                .execute_unprepared("PRAGMA optimize")
                .await
                .map_err(storage)?;
            w.txn.commit().await.map_err(storage)?;
            return Ok(Vec::new());
        }
        let stale: Vec<String> = db
            .query_all_raw(Statement::from_string(DbBackend::Postgres, STALE))
            .await
            .map_err(storage)?
            .iter()
            .map(|r| r.try_get_by_index::<String>(0))
            .collect::<Result<_, _>>()
            .map_err(storage)?;
        for table in &stale {
            // Never behind a long lock (a stalled `LOCK TABLE`, a migration) holding a
            // connection of the pool: give up on this table until the next round.
            let txn = db.begin().await.map_err(storage)?;
            txn.execute_unprepared("SET LOCAL lock_timeout = '1s'")
                .await
                .map_err(storage)?;
            let quoted = table.replace('"', "\"\"");
            if let Err(e) = txn
                .execute_unprepared(&format!("ANALYZE \"{quoted}\""))
                .await
            {
                tracing::warn!(table, error = %e, "Cannot analyze a table now.");
                txn.rollback().await.map_err(storage)?;
                continue;
            }
            txn.commit().await.map_err(storage)?;
        }
        Ok(stale)
    }
}
