//! [`WebhookRepository`] on sea-orm: tenants' webhook subscriptions, each write telling its
//! change event; and (in `delivery`) what the dispatcher reads and records.

mod delivery;

pub use delivery::{DueWebhook, Outcome};

use crate::Store;
use crate::effects::Effects;
use crate::entities::{webhook, webhook_parked};
use crate::errors::{foreign_key_violation, storage};
use roster_domain::events::EventType;
use roster_domain::webhooks::{
    ParkedDelivery, Webhook, WebhookChange, WebhookRepository, WebhookState, WebhookUrl,
};
use roster_domain::{StorageError, TenantId, Timestamp, WebhookId};
use sea_orm::ActiveValue::Set;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder,
    QuerySelect,
};
use serde_json::{Value, json};

pub(crate) fn webhook_from_row(r: &webhook::Model) -> Result<Webhook, StorageError> {
    let bad = |what: &str| StorageError::msg(format!("stored webhook {what} is invalid"));
    let names: Vec<String> = serde_json::from_str(&r.event_types).map_err(|_| bad("types"))?;
    Ok(Webhook {
        id: WebhookId::from_uuid(r.id),
        tenant: TenantId::from_uuid(r.tenant_id),
        url: WebhookUrl::stored(&r.url).map_err(|_| bad("url"))?,
        // A type this build does not know (a newer one wrote it) is not delivered here.
        types: names
            .iter()
            .filter_map(|n| EventType::from_name(n))
            .collect(),
        state: WebhookState::from_name(&r.state).ok_or_else(|| bad("state"))?,
        after_sequence: r.after_sequence,
        attempts: r.attempts,
        failing_since: r.failing_since.map(Timestamp::from_micros),
        next_attempt: r.next_attempt_at.map(Timestamp::from_micros),
        last_error: r.last_error.clone(),
        parked_in_a_row: r.parked_in_a_row,
        created: Timestamp::from_micros(r.created_at),
        updated: Timestamp::from_micros(r.updated_at),
    })
}

fn types_json(types: &[EventType]) -> String {
    let names: Vec<&str> = types.iter().map(|t| t.as_str()).collect();
    serde_json::to_string(&names).unwrap_or_else(|_| "[]".to_owned())
}

/// A subscription in its events: never its secret, nor its URL's query (where receivers
/// often keep a token): readers of events need not be those who manage webhooks.
fn payload(w: &Webhook) -> Value {
    json!({
        "id": w.id.to_string(),
        "url": w.url.redacted(),
        "event_types": w.types.iter().map(|t| t.as_str()).collect::<Vec<_>>(),
        "state": w.state.as_str(),
        "create_time": crate::outbox::payload::rfc3339(w.created),
    })
}

fn find(tenant: TenantId, id: WebhookId) -> sea_orm::Select<webhook::Entity> {
    webhook::Entity::find()
        .filter(webhook::Column::TenantId.eq(tenant.as_uuid()))
        .filter(webhook::Column::Id.eq(id.as_uuid()))
}

impl WebhookRepository for Store {
    #[tracing::instrument(name = "db.webhooks.create", skip_all, fields(db.system = self.system()))]
    async fn create_webhook(
        &self,
        w: &Webhook,
        secret: &str,
    ) -> Result<Option<Webhook>, StorageError> {
        let tx = self.write().await.map_err(storage)?;
        // From the next event on: what came before is for ListEvents.
        let after = crate::outbox::high_water(&tx.txn, w.tenant).await?;
        let row = webhook::ActiveModel {
            id: Set(w.id.as_uuid()),
            tenant_id: Set(w.tenant.as_uuid()),
            url: Set(w.url.as_str().to_owned()),
            event_types: Set(types_json(&w.types)),
            secret: Set(secret.to_owned()),
            state: Set(w.state.as_str().to_owned()),
            after_sequence: Set(after),
            attempts: Set(0),
            failing_since: Set(None),
            next_attempt_at: Set(None),
            last_error: Set(None),
            parked_in_a_row: Set(0),
            created_at: Set(w.created.as_micros()),
            updated_at: Set(w.updated.as_micros()),
        };
        let row = match row.insert(&tx.txn).await {
            Ok(r) => r,
            Err(e) if foreign_key_violation(&e) => return Ok(None),
            Err(e) => return Err(storage(e)),
        };
        let made = webhook_from_row(&row)?;
        let mut effects = Effects::default();
        effects.events.push(
            made.tenant,
            EventType::WebhookCreated,
            &made.id,
            payload(&made),
        );
        self.finish(tx, effects, made.created).await?;
        Ok(Some(made))
    }

    async fn list_webhooks(&self, tenant: TenantId) -> Result<Vec<Webhook>, StorageError> {
        webhook::Entity::find()
            .filter(webhook::Column::TenantId.eq(tenant.as_uuid()))
            .order_by_asc(webhook::Column::CreatedAt)
            .order_by_asc(webhook::Column::Id)
            .all(self.connection())
            .await
            .map_err(storage)?
            .iter()
            .map(webhook_from_row)
            .collect()
    }

    async fn get_webhook(
        &self,
        tenant: TenantId,
        id: WebhookId,
    ) -> Result<Option<Webhook>, StorageError> {
        find(tenant, id)
            .one(self.connection())
            .await
            .map_err(storage)?
            .as_ref()
            .map(webhook_from_row)
            .transpose()
    }

    #[tracing::instrument(name = "db.webhooks.update", skip_all, fields(db.system = self.system()))]
    async fn update_webhook(
        &self,
        tenant: TenantId,
        id: WebhookId,
        changes: &[WebhookChange],
        now: Timestamp,
    ) -> Result<Option<Webhook>, StorageError> {
        let tx = self.write().await.map_err(storage)?;
        let Some(row) = find(tenant, id)
            .lock_exclusive()
            .one(&tx.txn)
            .await
            .map_err(storage)?
        else {
            return Ok(None);
        };
        let before = webhook_from_row(&row)?;
        let mut am = row.into_active_model();
        for change in changes {
            match change {
                WebhookChange::Url(u) => am.url = Set(u.as_str().to_owned()),
                WebhookChange::Types(t) => am.event_types = Set(types_json(t)),
                WebhookChange::State(s) => {
                    am.state = Set(s.as_str().to_owned());
                    if *s == WebhookState::Active {
                        // Resumed: the head event is tried again at once, as if new.
                        am.attempts = Set(0);
                        am.failing_since = Set(None);
                        am.next_attempt_at = Set(None);
                        am.parked_in_a_row = Set(0);
                    }
                }
            }
        }
        am.updated_at = Set(now.as_micros());
        let row = am.update(&tx.txn).await.map_err(storage)?;
        let after = webhook_from_row(&row)?;
        let mut effects = Effects::default();
        effects.events.updated(
            tenant,
            EventType::WebhookUpdated,
            &id,
            "webhook",
            (payload(&before), payload(&after)),
        );
        self.finish(tx, effects, now).await?;
        Ok(Some(after))
    }

    #[tracing::instrument(name = "db.webhooks.delete", skip_all, fields(db.system = self.system()))]
    async fn delete_webhook(
        &self,
        tenant: TenantId,
        id: WebhookId,
        now: Timestamp,
    ) -> Result<bool, StorageError> {
        let tx = self.write().await.map_err(storage)?;
        let Some(row) = find(tenant, id).one(&tx.txn).await.map_err(storage)? else {
            return Ok(false);
        };
        webhook::Entity::delete_by_id(row.id)
            .exec(&tx.txn)
            .await
            .map_err(storage)?;
        let gone = webhook_from_row(&row)?;
        let mut effects = Effects::default();
        effects
            .events
            .push(tenant, EventType::WebhookDeleted, &id, payload(&gone));
        self.finish(tx, effects, now).await?;
        Ok(true)
    }

    async fn parked_deliveries(
        &self,
        tenant: TenantId,
        id: WebhookId,
        limit: u32,
    ) -> Result<Vec<ParkedDelivery>, StorageError> {
        let owned = find(tenant, id)
            .select_only()
            .column(webhook::Column::Id)
            .into_tuple::<uuid::Uuid>()
            .one(self.connection())
            .await
            .map_err(storage)?;
        let Some(owned) = owned else {
            return Ok(Vec::new());
        };
        let rows = webhook_parked::Entity::find()
            .filter(webhook_parked::Column::WebhookId.eq(owned))
            .order_by_asc(webhook_parked::Column::TenantSeq)
            .limit(u64::from(limit))
            .all(self.connection())
            .await
            .map_err(storage)?;
        Ok(rows
            .into_iter()
            .map(|r| ParkedDelivery {
                sequence: r.tenant_seq,
                event_id: r.event_id,
                event_type: r.event_type,
                attempts: r.attempts,
                last_error: r.last_error,
                parked: Timestamp::from_micros(r.parked_at),
            })
            .collect())
    }
}
