//! [`UsedSignatures`] on sea-orm: one row per tenant and signature digest, first insert wins.
//!
//! The insert is the check: `INSERT ... ON CONFLICT DO UPDATE ... WHERE expired`. Of two
//! replicas inserting the same digest at once, the database lets one insert and makes the
//! other wait for it and then update nothing (PostgreSQL: the unique index; SQLite: one
//! writer at a time), so exactly one is told it was first. A row that has expired is taken
//! over by the new use, so that a purge that has not run yet never refuses anything. Expired
//! rows are purged in the same write: a range scan of the expiry index, which holds the rows
//! of the last few minutes' writes at most.

use crate::Store;
use crate::errors::storage;
use roster_domain::ports::{SecretDigest, UsedSignatures};
use roster_domain::{StorageError, TenantId, Timestamp};
use sea_orm::ConnectionTrait;
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict, Query};

const TABLE: &str = "used_signatures";

impl UsedSignatures for Store {
    #[tracing::instrument(name = "db.used_signatures.use", skip_all, fields(db.system = self.system()))]
    async fn use_signature(
        &self,
        tenant: TenantId,
        digest: &SecretDigest,
        expires: Timestamp,
        now: Timestamp,
    ) -> Result<bool, StorageError> {
        let now = now.as_micros();
        let insert = Query::insert()
            .into_table(TABLE)
            .columns(["tenant_id", "digest", "expires_at"])
            .values_panic([
                tenant.as_uuid().into(),
                digest.as_str().into(),
                expires.as_micros().into(),
            ])
            .on_conflict(
                OnConflict::columns(["tenant_id", "digest"])
                    .update_column("expires_at")
                    .action_and_where(Expr::col((TABLE, "expires_at")).lt(Expr::val(now)))
                    .to_owned(),
            )
            .to_owned();
        let purge = Query::delete()
            .from_table(TABLE)
            .and_where(Expr::col("expires_at").lt(Expr::val(now)))
            .to_owned();
        let w = self.write().await.map_err(storage)?;
        let inserted = w.txn.execute(&insert).await.map_err(storage)?;
        w.txn.execute(&purge).await.map_err(storage)?;
        w.txn.commit().await.map_err(storage)?;
        Ok(inserted.rows_affected() == 1)
    }
}
