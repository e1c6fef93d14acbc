//! What the webhook dispatcher reads and records. Every record is fenced twice: by the
//! dispatcher's lease (one that lost it records nothing) and by the subscription's position
//! (`after_sequence` as the dispatcher read it, and still active), so that neither a second
//! dispatcher nor a manager's change made meanwhile is overwritten.

use super::webhook_from_row;
use crate::Store;
use crate::entities::{webhook, webhook_parked};
use crate::errors::storage;
use crate::outbox::Lease;
use roster_domain::events::Event;
use roster_domain::webhooks::{Webhook, WebhookState};
use roster_domain::{StorageError, Timestamp};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

/// A subscription with events waiting, and the key its deliveries are signed with.
#[derive(Debug, Clone)]
pub struct DueWebhook {
    pub webhook: Webhook,
    pub secret: String,
}

/// What became of a subscription's head event.
#[derive(Debug, Clone)]
pub enum Outcome<'a> {
    /// Delivered (2xx), or not of its types: the position moves to `through`.
    Passed { through: i64, delivered: bool },
    /// An attempt failed; the next is due at `retry_at`.
    Failed { error: &'a str, retry_at: Timestamp },
    /// Given up on after `attempts`: parked, and the position moves past it; `pause` stops
    /// the subscription.
    Parked {
        event: &'a Event,
        attempts: i32,
        error: &'a str,
        pause: bool,
    },
}

impl Store {
    /// Active subscriptions whose tenant has events after their position and whose next
    /// attempt is due at `now`, oldest first.
    pub async fn due_webhooks(
        &self,
        now: Timestamp,
        limit: u64,
    ) -> Result<Vec<DueWebhook>, StorageError> {
        let latest = Query::select()
            .column("last_sequence")
            .from("tenant_event_sequences")
            .and_where(
                Expr::col(("tenant_event_sequences", "tenant_id"))
                    .equals((webhook::Entity, webhook::Column::TenantId)),
            )
            .to_owned();
        let rows = webhook::Entity::find()
            .filter(webhook::Column::State.eq(WebhookState::Active.as_str()))
            .filter(
                webhook::Column::NextAttemptAt
                    .is_null()
                    .or(webhook::Column::NextAttemptAt.lte(now.as_micros())),
            )
            .filter(Expr::col((webhook::Entity, webhook::Column::AfterSequence)).lt(latest))
            .order_by_asc(webhook::Column::CreatedAt)
            .limit(limit)
            .all(self.connection())
            .await
            .map_err(storage)?;
        rows.iter()
            .map(|r| {
                Ok(DueWebhook {
                    webhook: webhook_from_row(r)?,
                    secret: r.secret.clone(),
                })
            })
            .collect()
    }

    /// Records `outcome` for the subscription `w` as read (its id and position), only while
    /// `lease` of `lease_name` holds and the subscription is where it was. Whether it was
    /// recorded.
    pub async fn record_webhook(
        &self,
        (lease_name, lease): (&str, Lease),
        w: &Webhook,
        outcome: Outcome<'_>,
        now: Timestamp,
    ) -> Result<bool, StorageError> {
        let held = Query::select()
            .expr(Expr::val(1))
            .from("relay_leases")
            .and_where(Expr::col("name").eq(lease_name))
            .and_where(Expr::col("holder").eq(lease.holder))
            .and_where(Expr::col("epoch").eq(lease.epoch))
            .to_owned();
        let tx = self.write().await.map_err(storage)?;
        let null = || Expr::val(Option::<i64>::None);
        let mut q = webhook::Entity::update_many()
            .filter(webhook::Column::Id.eq(w.id.as_uuid()))
            .filter(webhook::Column::AfterSequence.eq(w.after_sequence))
            .filter(webhook::Column::State.eq(WebhookState::Active.as_str()))
            .filter(Expr::exists(held));
        q = match outcome {
            Outcome::Passed { through, delivered } => {
                let q = q
                    .col_expr(webhook::Column::AfterSequence, Expr::val(through))
                    .col_expr(webhook::Column::Attempts, Expr::val(0))
                    .col_expr(webhook::Column::FailingSince, null())
                    .col_expr(webhook::Column::NextAttemptAt, null());
                if delivered {
                    q.col_expr(webhook::Column::ParkedInARow, Expr::val(0))
                } else {
                    q
                }
            }
            Outcome::Failed { error, retry_at } => q
                .col_expr(
                    webhook::Column::Attempts,
                    Expr::col(webhook::Column::Attempts).add(1),
                )
                .col_expr(
                    webhook::Column::FailingSince,
                    Expr::col(webhook::Column::FailingSince).if_null(now.as_micros()),
                )
                .col_expr(
                    webhook::Column::NextAttemptAt,
                    Expr::val(retry_at.as_micros()),
                )
                .col_expr(webhook::Column::LastError, Expr::val(error)),
            Outcome::Parked {
                event,
                attempts,
                error,
                pause,
            } => {
                webhook_parked::Entity::insert(webhook_parked::ActiveModel {
                    webhook_id: Set(w.id.as_uuid()),
                    tenant_seq: Set(event.sequence),
                    event_id: Set(event.id),
                    event_type: Set(event.kind.as_str().to_owned()),
                    attempts: Set(attempts),
                    last_error: Set(error.to_owned()),
                    parked_at: Set(now.as_micros()),
                })
                .on_conflict_do_nothing()
                .exec_without_returning(&tx.txn)
                .await
                .map_err(storage)?;
                let state = if pause {
                    WebhookState::Paused
                } else {
                    WebhookState::Active
                };
                q.col_expr(webhook::Column::AfterSequence, Expr::val(event.sequence))
                    .col_expr(webhook::Column::Attempts, Expr::val(0))
                    .col_expr(webhook::Column::FailingSince, null())
                    .col_expr(webhook::Column::NextAttemptAt, null())
                    .col_expr(webhook::Column::LastError, Expr::val(error))
                    .col_expr(
                        webhook::Column::ParkedInARow,
                        Expr::col(webhook::Column::ParkedInARow).add(1),
                    )
                    .col_expr(webhook::Column::State, Expr::val(state.as_str()))
            }
        };
        let n = q
            .col_expr(webhook::Column::UpdatedAt, Expr::val(now.as_micros()))
            .exec(&tx.txn)
            .await
            .map_err(storage)?
            .rows_affected;
        if n == 0 {
            // Moved on by someone else: the parked row (if any) goes back with the rest.
            return Ok(false);
        }
        tx.txn.commit().await.map_err(storage)?;
        Ok(true)
    }
}
