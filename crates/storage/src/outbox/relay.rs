//! What the relay needs from the outbox: its lease, the events not yet published, and
//! marking them published under the lease it holds.

use super::read::event_of;
use crate::Store;
use crate::entities::outbox_event;
use crate::errors::storage;
use roster_domain::events::Event;
use roster_domain::{StorageError, Timestamp};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use std::time::Duration;

/// The lease a relay holds: who and which epoch, to fence its marks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lease {
    pub holder: uuid::Uuid,
    pub epoch: i64,
}

impl Store {
    /// Renews the lease `name` for `holder`, or takes it if it has ended; `None` while
    /// another holder's lease runs.
    pub async fn hold_relay_lease(
        &self,
        name: &str,
        holder: uuid::Uuid,
        ttl: Duration,
        now: Timestamp,
    ) -> Result<Option<Lease>, StorageError> {
        let until = now.plus(ttl).as_micros();
        let conn = self.connection();
        // Renew what we hold: the epoch stays.
        let renew = Query::update()
            .table("relay_leases")
            .value("expires_at", until)
            .and_where(Expr::col("name").eq(name))
            .and_where(Expr::col("holder").eq(holder))
            .and_where(Expr::col("expires_at").gte(now.as_micros()))
            .returning(Query::returning().column("epoch"))
            .to_owned();
        if let Some(row) = conn.query_one(&renew).await.map_err(storage)? {
            let epoch = row.try_get_by_index::<i64>(0).map_err(storage)?;
            return Ok(Some(Lease { holder, epoch }));
        }
        // Take it when nobody holds it or its holder's time is up: a new epoch.
        let take = Query::insert()
            .into_table("relay_leases")
            .columns(["name", "holder", "epoch", "expires_at"])
            .values_panic([name.into(), holder.into(), 1_i64.into(), until.into()])
            .on_conflict(
                OnConflict::column("name")
                    .values([
                        ("holder", Expr::cust("excluded.holder")),
                        ("epoch", Expr::cust("relay_leases.epoch + 1")),
                        ("expires_at", Expr::cust("excluded.expires_at")),
                    ])
                    .action_and_where(Expr::col(("relay_leases", "expires_at")).lt(now.as_micros()))
                    .to_owned(),
            )
            .returning(Query::returning().columns(["holder", "epoch"]))
            .to_owned();
        let Some(row) = conn.query_one(&take).await.map_err(storage)? else {
            return Ok(None);
        };
        let got: uuid::Uuid = row.try_get_by_index(0).map_err(storage)?;
        let epoch = row.try_get_by_index::<i64>(1).map_err(storage)?;
        Ok((got == holder).then_some(Lease { holder, epoch }))
    }

    /// Gives the lease up (at shutdown), so that another replica need not wait for it to end.
    pub async fn release_relay_lease(&self, name: &str, lease: Lease) -> Result<(), StorageError> {
        let stmt = Query::delete()
            .from_table("relay_leases")
            .and_where(Expr::col("name").eq(name))
            .and_where(Expr::col("holder").eq(lease.holder))
            .and_where(Expr::col("epoch").eq(lease.epoch))
            .to_owned();
        self.connection().execute(&stmt).await.map_err(storage)?;
        Ok(())
    }

    /// The oldest `limit` events not yet published, in the order they were appended (each
    /// tenant's in sequence order).
    pub async fn unpublished_events(&self, limit: u64) -> Result<Vec<Event>, StorageError> {
        let rows = outbox_event::Entity::find()
            .filter(outbox_event::Column::PublishedAt.is_null())
            .order_by_asc(outbox_event::Column::GlobalSeq)
            .limit(limit)
            .all(self.connection())
            .await
            .map_err(storage)?;
        Ok(rows.into_iter().filter_map(event_of).collect())
    }

    /// Marks `ids` published at `now`, only while `lease` is still the lease of `name`
    /// (a relay that lost it marks nothing). The number of events marked.
    pub async fn mark_published(
        &self,
        name: &str,
        lease: Lease,
        ids: &[uuid::Uuid],
        now: Timestamp,
    ) -> Result<u64, StorageError> {
        if ids.is_empty() {
            return Ok(0);
        }
        let held = Query::select()
            .expr(Expr::val(1))
            .from("relay_leases")
            .and_where(Expr::col("name").eq(name))
            .and_where(Expr::col("holder").eq(lease.holder))
            .and_where(Expr::col("epoch").eq(lease.epoch))
            .to_owned();
        let res = outbox_event::Entity::update_many()
            .col_expr(
                outbox_event::Column::PublishedAt,
                Expr::val(now.as_micros()),
            )
            .filter(outbox_event::Column::Id.is_in(ids.iter().copied()))
            .filter(Expr::exists(held))
            .exec(self.connection())
            .await
            .map_err(storage)?;
        Ok(res.rows_affected)
    }

    /// Counts a failed attempt to publish `id`, with why.
    pub async fn note_publish_failure(
        &self,
        id: uuid::Uuid,
        error: &str,
    ) -> Result<(), StorageError> {
        outbox_event::Entity::update_many()
            .col_expr(
                outbox_event::Column::Attempts,
                Expr::col(outbox_event::Column::Attempts).add(1),
            )
            .col_expr(outbox_event::Column::LastError, Expr::val(error))
            .filter(outbox_event::Column::Id.eq(id))
            .exec(self.connection())
            .await
            .map_err(storage)?;
        Ok(())
    }
}
