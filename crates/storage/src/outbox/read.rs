//! [`EventRepository`] on sea-orm: a tenant's events by sequence.

use crate::Store;
use crate::entities::outbox_event;
use crate::errors::storage;
use roster_domain::events::{Event, EventPage, EventQuery, EventType};
use roster_domain::ports::EventRepository;
use roster_domain::{StorageError, TenantId, Timestamp};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use std::time::Duration;

impl EventRepository for Store {
    #[tracing::instrument(name = "db.events.list", skip_all, fields(db.system = self.system()))]
    async fn list_events(
        &self,
        tenant: TenantId,
        query: &EventQuery,
    ) -> Result<EventPage, StorageError> {
        let conn = self.connection();
        // The high water first: every event up to it is committed (a tenant's numbers commit
        // in order), so the page below never stops short of one that commits later.
        let high_water = high_water(conn, tenant).await?;
        let mut find = outbox_event::Entity::find()
            .filter(outbox_event::Column::TenantId.eq(tenant.as_uuid()))
            .filter(outbox_event::Column::TenantSeq.gt(query.after))
            .filter(outbox_event::Column::TenantSeq.lte(high_water))
            .order_by_asc(outbox_event::Column::TenantSeq)
            .limit(u64::from(query.limit));
        if !query.types.is_empty() {
            find = find.filter(
                outbox_event::Column::EventType.is_in(query.types.iter().map(|t| t.as_str())),
            );
        }
        let rows = find.all(conn).await.map_err(storage)?;
        // After the rows: the mark moves before rows go, so rows missing from this read
        // show in the mark read after it.
        let pruned_through = super::retention::pruned_through(conn, tenant).await?;
        let full = rows.len() >= query.limit as usize;
        let events: Vec<Event> = rows.into_iter().filter_map(event_of).collect();
        // A short page read everything up to the high water; a full one stops at its last.
        let next_after = match events.last() {
            Some(e) if full => e.sequence,
            _ => Ord::max(high_water, query.after),
        };
        Ok(EventPage {
            events,
            next_after,
            high_water,
            pruned_through,
        })
    }

    async fn wait_for_commit(&self, seen: u64, max: Duration) {
        self.commits.wait(seen, max).await;
    }

    fn commits(&self) -> u64 {
        self.commits.count()
    }
}

/// The tenant's last sequence (0 before its first event).
pub(crate) async fn high_water<C: ConnectionTrait>(
    conn: &C,
    tenant: TenantId,
) -> Result<i64, StorageError> {
    let stmt = Query::select()
        .column("last_sequence")
        .from("tenant_event_sequences")
        .and_where(Expr::col("tenant_id").eq(tenant.as_uuid()))
        .to_owned();
    let row = conn.query_one(&stmt).await.map_err(storage)?;
    row.map_or(Ok(0), |r| r.try_get_by_index::<i64>(0).map_err(storage))
}

/// The event a row holds; `None` for a type this build does not know (written by a newer
/// one during a rolling upgrade), which readers skip.
pub(super) fn event_of(row: outbox_event::Model) -> Option<Event> {
    Some(Event {
        id: row.id,
        tenant: TenantId::from_uuid(row.tenant_id),
        sequence: row.tenant_seq,
        kind: EventType::from_name(&row.event_type)?,
        subject: row.subject,
        time: Timestamp::from_micros(row.occurred_at),
        data: row.data,
    })
}
