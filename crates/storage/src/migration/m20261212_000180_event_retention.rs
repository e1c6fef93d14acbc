//! How far each tenant's events have been pruned: every event up to `pruned_through` is
//! gone (sent and older than the retention), none after it. The mark is moved before the
//! rows are deleted, so a reader resuming from a pruned sequence is told so rather than
//! quietly missing events; and it is a table of its own so that pruning never waits on the
//! sequence counter the writers lock.

use sea_orm_migration::prelude::*;

#[derive(Debug, DeriveMigrationName)]
pub(super) struct Migration;

#[allow(elided_lifetimes_in_paths)]
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("event_retention")
                .col(ColumnDef::new("tenant_id").uuid().not_null().primary_key())
                .col(ColumnDef::new("pruned_through").big_integer().not_null())
                .take(),
        )
        .await
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}
