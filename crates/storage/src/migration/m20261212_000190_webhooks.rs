//! Webhook subscriptions and what they gave up on. A subscription reads its tenant's event
//! log like any reader, from `after_sequence` on: delivered, parked or skipped events move
//! it; a failing head event keeps its attempts, the time of the first failure and when to
//! try next. `secret` is the HMAC key deliveries are signed with: it has to be kept as it is
//! to sign (the receiver holds the same). Parked deliveries are kept to be seen; both go
//! with their tenant, parked ones with their subscription.

use super::{cascade, index};
use sea_orm_migration::prelude::*;

#[derive(Debug, DeriveMigrationName)]
pub(super) struct Migration;

#[allow(elided_lifetimes_in_paths)]
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("webhooks")
                .col(ColumnDef::new("id").uuid().not_null().primary_key())
                .col(ColumnDef::new("tenant_id").uuid().not_null())
                .col(ColumnDef::new("url").text().not_null())
                // A JSON array of type names; empty: every type.
                .col(ColumnDef::new("event_types").text().not_null())
                .col(ColumnDef::new("secret").text().not_null())
                .col(ColumnDef::new("state").text().not_null())
                .col(ColumnDef::new("after_sequence").big_integer().not_null())
                .col(ColumnDef::new("attempts").integer().not_null())
                .col(ColumnDef::new("failing_since").big_integer().null())
                .col(ColumnDef::new("next_attempt_at").big_integer().null())
                .col(ColumnDef::new("last_error").text().null())
                .col(ColumnDef::new("parked_in_a_row").integer().not_null())
                .col(ColumnDef::new("created_at").big_integer().not_null())
                .col(ColumnDef::new("updated_at").big_integer().not_null())
                .foreign_key(&mut cascade(
                    "fk_webhooks_tenant",
                    ("webhooks", "tenant_id"),
                    ("tenants", "id"),
                ))
                .take(),
        )
        .await?;
        m.create_index(index(
            "ix_webhooks_tenant",
            "webhooks",
            &["tenant_id", "created_at", "id"],
            false,
        ))
        .await?;
        m.create_table(
            Table::create()
                .table("webhook_parked")
                .col(ColumnDef::new("webhook_id").uuid().not_null())
                .col(ColumnDef::new("tenant_seq").big_integer().not_null())
                .col(ColumnDef::new("event_id").uuid().not_null())
                .col(ColumnDef::new("event_type").text().not_null())
                .col(ColumnDef::new("attempts").integer().not_null())
                .col(ColumnDef::new("last_error").text().not_null())
                .col(ColumnDef::new("parked_at").big_integer().not_null())
                .primary_key(Index::create().col("webhook_id").col("tenant_seq"))
                .foreign_key(&mut cascade(
                    "fk_webhook_parked_webhook",
                    ("webhook_parked", "webhook_id"),
                    ("webhooks", "id"),
                ))
                .take(),
        )
        .await
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}
