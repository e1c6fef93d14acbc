//! The query planner's statistics, kept current by Roster itself. PostgreSQL plans a lookup
//! from what it last learnt of a table; a cluster without autovacuum (or one that has not
//! come round yet) still believes `users` holds the few rows it had when first analyzed, and
//! plans scans that grow with the table: lookups and searches slow down as users pile up.
//! So the user service looks every `statistics_interval_secs` for tables changed by more
//! than autovacuum's own analyze threshold since their last analyze, and analyzes those.
//! Where autovacuum runs, it finds nothing to do. On SQLite, `PRAGMA optimize` does the same
//! (it analyzes only what its own heuristics say needs it).
//!
//! A long batch cannot wait for the next round: a 10 000-user PATCH into a table analyzed
//! while small would look up each of its users by a scan of every row it has written so far.
//! So a batch counts what it writes and, past the same threshold, analyzes `users` between
//! two of its transactions ([`BatchGrowth`]). An analyze also makes PostgreSQL plan its
//! cached statements again, so no connection keeps a plan made for the small table.

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
            self.analyze(table).await?;
        }
        Ok(stale)
    }

    /// `ANALYZE table` on PostgreSQL. Never behind a long lock (a stalled `LOCK TABLE`, a
    /// migration) holding a connection of the pool: past a second it gives up, for next time.
    async fn analyze(&self, table: &str) -> Result<(), StorageError> {
        let txn = self.connection().begin().await.map_err(storage)?;
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
            return Ok(());
        }
        txn.commit().await.map_err(storage)
    }

    /// What a batch's analyzes start from (PostgreSQL; `None` on SQLite, whose planner keeps
    /// no plan across statements and reads no statistics it was not given).
    pub(crate) async fn batch_growth(&self) -> Option<BatchGrowth> {
        if self.backend() != DbBackend::Postgres {
            return None;
        }
        match self.users_size().await {
            Ok(rows) => Some(BatchGrowth { rows, written: 0.0 }),
            Err(e) => {
                tracing::warn!(error = ?e, "Cannot read the size of users; the batch will not analyze it.");
                None
            }
        }
    }

    /// The number of users the planner believes in (0 before the first analyze).
    async fn users_size(&self) -> Result<f64, StorageError> {
        let row = self
            .connection()
            .query_one_raw(Statement::from_string(
                DbBackend::Postgres,
                "SELECT GREATEST(reltuples, 0)::float8 FROM pg_class WHERE oid = 'users'::regclass",
            ))
            .await
            .map_err(storage)?;
        row.map_or(Ok(0.0), |r| r.try_get_by_index::<f64>(0).map_err(storage))
    }

    /// After a batch's transaction that wrote `rows` users: analyzes `users` when the batch
    /// has written more than the analyze threshold since it began or last analyzed. A failure
    /// leaves the statistics as they were; the batch goes on.
    pub(crate) async fn after_batch_chunk(&self, growth: &mut BatchGrowth, rows: usize) {
        growth.written += f64::from(u32::try_from(rows).unwrap_or(u32::MAX));
        if growth.written <= 50.0 + 0.1 * growth.rows {
            return;
        }
        if let Err(e) = self.analyze("users").await {
            tracing::warn!(error = ?e, "Cannot analyze users after a batch's transaction.");
            return;
        }
        growth.written = 0.0;
        match self.users_size().await {
            Ok(n) => growth.rows = n,
            Err(e) => tracing::warn!(error = ?e, "Cannot read the size of users."),
        }
    }
}

/// A batch's writes since the planner last learnt the size of `users`.
#[derive(Debug)]
pub(crate) struct BatchGrowth {
    /// Users as of the last analyze.
    rows: f64,
    written: f64,
}
