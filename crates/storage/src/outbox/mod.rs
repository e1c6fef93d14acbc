//! The outbox: the change events a write causes, appended in the write's own transaction
//! just before it commits (see the migration `m20261210_000160_outbox` for why the numbers
//! have no holes), and read back by the event readers and the relay.

pub(crate) mod payload;
mod read;
mod relay;
mod retention;

pub(crate) use read::high_water;
pub use relay::Lease;

use crate::entities::outbox_event;
use roster_domain::events::EventType;
use roster_domain::groups::{Group, GroupRef};
use roster_domain::users::User;
use roster_domain::{StorageError, TenantId, Timestamp, UserId};
use sea_orm::sea_query::{Expr, OnConflict, Query};
use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::sync::atomic::{AtomicU64, Ordering};
use tokio::sync::watch;

use crate::errors::storage;

/// One event a write owes, before it has its number.
#[derive(Debug, Clone)]
struct Pending {
    tenant: uuid::Uuid,
    kind: EventType,
    subject: String,
    data: Value,
}

/// The events of one write (or of one savepoint of it, merged into the write's when the
/// savepoint holds), in the order they happened.
#[derive(Debug, Default)]
pub(crate) struct Outbox(Vec<Pending>);

impl Outbox {
    pub(crate) fn push(
        &mut self,
        tenant: TenantId,
        kind: EventType,
        subject: &dyn std::fmt::Display,
        data: Value,
    ) {
        self.0.push(Pending {
            tenant: tenant.as_uuid(),
            kind,
            subject: subject.to_string(),
            data,
        });
    }

    pub(crate) fn merge(&mut self, other: Outbox) {
        self.0.extend(other.0);
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub(crate) fn user_created(&mut self, u: &User) {
        self.push(u.tenant, EventType::UserCreated, &u.id, payload::user(u));
        self.memberships(u, &[], &u.groups);
    }

    /// `password`: the write set a password (the data never shows one, so only the changed
    /// paths can say it).
    pub(crate) fn user_updated(&mut self, before: &User, after: &User, password: bool) {
        let (was, is) = (payload::user(before), payload::user(after));
        let changed = payload::changed_fields(&was, &is, password);
        self.push(
            after.tenant,
            EventType::UserUpdated,
            &after.id,
            json!({"user": is, "changed_fields": changed}),
        );
        self.memberships(after, &before.groups, &after.groups);
    }

    pub(crate) fn user_deleted(&mut self, u: &User) {
        self.memberships(u, &u.groups, &[]);
        self.push(u.tenant, EventType::UserDeleted, &u.id, payload::user(u));
    }

    /// A member added to each group of `is` not in `was`, and removed from each of `was`
    /// not in `is` (a new order of the same groups is no membership change).
    fn memberships(&mut self, u: &User, was: &[GroupRef], is: &[GroupRef]) {
        let ids = |gs: &[GroupRef]| gs.iter().map(|g| g.id).collect::<BTreeSet<_>>();
        let (was_ids, is_ids) = (ids(was), ids(is));
        for g in is.iter().filter(|g| !was_ids.contains(&g.id)) {
            self.member(EventType::GroupMemberAdded, u, g);
        }
        for g in was.iter().filter(|g| !is_ids.contains(&g.id)) {
            self.member(EventType::GroupMemberRemoved, u, g);
        }
    }

    fn member(&mut self, kind: EventType, u: &User, g: &GroupRef) {
        self.membership(kind, u.tenant, g, u.id, u.login.as_str());
    }

    /// `user` (with its login) joined or left `group`; the subject is the group.
    pub(crate) fn membership(
        &mut self,
        kind: EventType,
        tenant: TenantId,
        group: &GroupRef,
        user: UserId,
        login: &str,
    ) {
        let data = json!({
            "group": payload::group_ref(group),
            "user": {"id": user.to_string(), "login": login},
        });
        self.push(tenant, kind, &group.id, data);
    }

    /// An update of the resource `subject`, told as `{name: after, "changed_fields": […]}`,
    /// or nothing when no field changed.
    pub(crate) fn updated(
        &mut self,
        tenant: TenantId,
        kind: EventType,
        subject: &dyn std::fmt::Display,
        name: &str,
        (before, after): (Value, Value),
    ) {
        let changed = payload::changed_fields(&before, &after, false);
        if !changed.is_empty() {
            let data = json!({name: after, "changed_fields": changed});
            self.push(tenant, kind, subject, data);
        }
    }

    pub(crate) fn group(&mut self, kind: EventType, g: &Group) {
        self.push(g.tenant, kind, &g.id, payload::group(g));
    }
}

/// Wakes the readers of this process when a write has committed events.
#[derive(Debug)]
pub(crate) struct Commits {
    count: AtomicU64,
    tx: watch::Sender<u64>,
}

impl Default for Commits {
    fn default() -> Self {
        Self {
            count: AtomicU64::new(0),
            tx: watch::channel(0).0,
        }
    }
}

impl Commits {
    pub(crate) fn committed(&self) {
        let n = self.count.fetch_add(1, Ordering::SeqCst) + 1;
        self.tx.send_replace(n);
    }

    pub(crate) fn count(&self) -> u64 {
        self.count.load(Ordering::SeqCst)
    }

    /// Returns once the count has passed `seen`, or after `max`.
    pub(crate) async fn wait(&self, seen: u64, max: std::time::Duration) {
        let mut rx = self.tx.subscribe();
        let _ = tokio::time::timeout(max, rx.wait_for(|n| *n > seen)).await;
    }
}

/// Appends `events` with their tenants' next sequence numbers. Runs last in the write's
/// transaction: the tenant's counter row is locked from here to the commit only.
pub(crate) async fn append<C: ConnectionTrait>(
    conn: &C,
    events: Outbox,
    now: Timestamp,
) -> Result<(), StorageError> {
    if events.is_empty() {
        return Ok(());
    }
    // Tenants in a fixed order, so that two writes naming the same tenants lock their
    // counters alike.
    let tenants: BTreeSet<uuid::Uuid> = events.0.iter().map(|e| e.tenant).collect();
    let mut rows = Vec::with_capacity(events.0.len());
    for tenant in tenants {
        let mine: Vec<&Pending> = events.0.iter().filter(|e| e.tenant == tenant).collect();
        let n = i64::try_from(mine.len()).unwrap_or(i64::MAX);
        let last = bump(conn, tenant, n).await?;
        for (i, e) in (last - n + 1..).zip(mine) {
            rows.push(outbox_event::ActiveModel {
                id: Set(uuid::Uuid::now_v7()),
                tenant_id: Set(tenant),
                tenant_seq: Set(i),
                event_type: Set(e.kind.as_str().to_owned()),
                subject: Set(e.subject.clone()),
                occurred_at: Set(now.as_micros()),
                data: Set(e.data.to_string()),
                published_at: Set(None),
                attempts: Set(0),
                last_error: Set(None),
                ..Default::default()
            });
        }
    }
    outbox_event::Entity::insert_many(rows)
        .exec_without_returning(conn)
        .await
        .map_err(storage)?;
    Ok(())
}

/// Moves the tenant's counter on by `n` and returns its new value (made at `n` for the
/// tenant's first events).
async fn bump<C: ConnectionTrait>(
    conn: &C,
    tenant: uuid::Uuid,
    n: i64,
) -> Result<i64, StorageError> {
    let stmt = Query::insert()
        .into_table("tenant_event_sequences")
        .columns(["tenant_id", "last_sequence"])
        .values_panic([tenant.into(), n.into()])
        .on_conflict(
            OnConflict::column("tenant_id")
                .value(
                    "last_sequence",
                    Expr::cust("tenant_event_sequences.last_sequence + excluded.last_sequence"),
                )
                .to_owned(),
        )
        .returning_col("last_sequence")
        .to_owned();
    let row = conn
        .query_one(&stmt)
        .await
        .map_err(storage)?
        .ok_or_else(|| storage(sea_orm::DbErr::RecordNotFound("event sequence".into())))?;
    row.try_get_by_index::<i64>(0).map_err(storage)
}
