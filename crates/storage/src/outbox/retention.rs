//! Retention: a tenant's events older than the retention go, oldest first and in batches,
//! once nothing still owes them (the NATS relay, when there is one). Each tenant's prefix of
//! pruned sequences is recorded before its rows go, so that a reader asking for events after
//! a pruned sequence is told they are gone instead of silently getting fewer.

use crate::Store;
use crate::entities::outbox_event;
use crate::errors::storage;
use roster_domain::{StorageError, TenantId, Timestamp};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use std::collections::HashMap;

impl Store {
    /// Prunes the events that occurred before `cutoff`, each tenant's as a prefix of its
    /// sequence: up to the first event still unpublished when `published_only` (a relay owes
    /// it). At most `batch` rows go per statement. Returns how many went.
    pub async fn prune_events(
        &self,
        cutoff: Timestamp,
        published_only: bool,
        batch: u64,
    ) -> Result<u64, StorageError> {
        let conn = self.connection();
        let mut old = outbox_event::Entity::find()
            .select_only()
            .column(outbox_event::Column::TenantId)
            .column_as(outbox_event::Column::TenantSeq.max(), "through")
            .filter(outbox_event::Column::OccurredAt.lt(cutoff.as_micros()))
            .group_by(outbox_event::Column::TenantId);
        if published_only {
            old = old.filter(outbox_event::Column::PublishedAt.is_not_null());
        }
        let old: Vec<(uuid::Uuid, i64)> = old.into_tuple().all(conn).await.map_err(storage)?;
        let owed: HashMap<uuid::Uuid, i64> = if published_only {
            outbox_event::Entity::find()
                .select_only()
                .column(outbox_event::Column::TenantId)
                .column_as(outbox_event::Column::TenantSeq.min(), "first")
                .filter(outbox_event::Column::PublishedAt.is_null())
                .group_by(outbox_event::Column::TenantId)
                .into_tuple()
                .all(conn)
                .await
                .map_err(storage)?
                .into_iter()
                .collect()
        } else {
            HashMap::new()
        };
        let mut gone = 0;
        for (tenant, through) in old {
            let through = owed
                .get(&tenant)
                .map_or(through, |first| Ord::min(through, first - 1));
            if through < 1 {
                continue;
            }
            mark_pruned(conn, tenant, through).await?;
            loop {
                let chosen = Query::select()
                    .column(outbox_event::Column::GlobalSeq)
                    .from(outbox_event::Entity)
                    .and_where(outbox_event::Column::TenantId.eq(tenant))
                    .and_where(outbox_event::Column::TenantSeq.lte(through))
                    .limit(batch)
                    .to_owned();
                let n = outbox_event::Entity::delete_many()
                    .filter(outbox_event::Column::GlobalSeq.in_subquery(chosen))
                    .exec(conn)
                    .await
                    .map_err(storage)?
                    .rows_affected;
                gone += n;
                if n < batch {
                    break;
                }
            }
        }
        Ok(gone)
    }
}

/// The last sequence of the tenant's pruned prefix (0: nothing was pruned).
pub(super) async fn pruned_through<C: ConnectionTrait>(
    conn: &C,
    tenant: TenantId,
) -> Result<i64, StorageError> {
    let stmt = Query::select()
        .column("pruned_through")
        .from("event_retention")
        .and_where(Expr::col("tenant_id").eq(tenant.as_uuid()))
        .to_owned();
    let row = conn.query_one(&stmt).await.map_err(storage)?;
    row.map_or(Ok(0), |r| r.try_get_by_index::<i64>(0).map_err(storage))
}

/// Moves the tenant's pruned mark on to `through` (never back: two pruners may race).
async fn mark_pruned<C: ConnectionTrait>(
    conn: &C,
    tenant: uuid::Uuid,
    through: i64,
) -> Result<(), StorageError> {
    let stmt = Query::insert()
        .into_table("event_retention")
        .columns(["tenant_id", "pruned_through"])
        .values_panic([tenant.into(), through.into()])
        .on_conflict(
            OnConflict::column("tenant_id")
                .value(
                    "pruned_through",
                    Expr::cust(
                        "CASE WHEN excluded.pruned_through > event_retention.pruned_through \
                         THEN excluded.pruned_through ELSE event_retention.pruned_through END",
                    ),
                )
                .to_owned(),
        )
        .to_owned();
    conn.execute(&stmt).await.map_err(storage)?;
    Ok(())
}
