//! The outbox of change events. Every write appends the events it causes to `outbox_events`
//! in its own transaction, so a rolled-back write leaves none and a committed one always has
//! them; the relay and the event readers take them from there.
//!
//! `tenant_event_sequences` holds each tenant's last sequence number. A write bumps its row
//! by the number of events it appends, just before it commits; on PostgreSQL the row stays
//! locked until then, so a tenant's writers take their numbers in the order they commit and
//! a reader that has seen sequence N never meets an N-1 committed later. SQLite has one
//! writer at a time, which gives the same. The counter has no foreign key: a deleted tenant's
//! events (its deletion among them) outlive it for their retention.
//!
//! `global_seq` orders events across tenants and is the pruning cursor; it is never reused
//! (SQLite `AUTOINCREMENT`, a PostgreSQL identity). The partial index keeps the relay's
//! question ("what is not published yet?") cheap however long the history grows.

use super::index;
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::ConnectionTrait;

#[derive(Debug, DeriveMigrationName)]
pub(super) struct Migration;

#[allow(elided_lifetimes_in_paths)]
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("tenant_event_sequences")
                .col(ColumnDef::new("tenant_id").uuid().not_null().primary_key())
                .col(ColumnDef::new("last_sequence").big_integer().not_null())
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("outbox_events")
                .col(
                    ColumnDef::new("global_seq")
                        .big_integer()
                        .not_null()
                        .auto_increment()
                        .primary_key(),
                )
                .col(ColumnDef::new("id").uuid().not_null())
                .col(ColumnDef::new("tenant_id").uuid().not_null())
                .col(ColumnDef::new("tenant_seq").big_integer().not_null())
                .col(ColumnDef::new("event_type").text().not_null())
                .col(ColumnDef::new("subject").text().not_null())
                .col(ColumnDef::new("occurred_at").big_integer().not_null())
                // The CloudEvent's `data`, JSON.
                .col(ColumnDef::new("data").text().not_null())
                // Set by the relay once NATS has acknowledged the event (or, without NATS,
                // once it has been handed on).
                .col(ColumnDef::new("published_at").big_integer().null())
                .col(ColumnDef::new("attempts").integer().not_null().default(0))
                .col(ColumnDef::new("last_error").text().null())
                .take(),
        )
        .await?;
        m.create_index(index(
            "ux_outbox_events_tenant_seq",
            "outbox_events",
            &["tenant_id", "tenant_seq"],
            true,
        ))
        .await?;
        m.create_index(index("ux_outbox_events_id", "outbox_events", &["id"], true))
            .await?;
        // Both databases take a partial index in the same words.
        let db = m.get_connection();
        let unpublished = "CREATE INDEX ix_outbox_events_unpublished \
             ON outbox_events (global_seq) WHERE published_at IS NULL";
        db.execute_unprepared(unpublished).await?;
        Ok(())
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}
