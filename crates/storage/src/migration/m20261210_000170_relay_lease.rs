//! The relay's lease: one row per relay kind naming the process that may publish events
//! now, until when, and the lease's epoch. Replicas that share a database take it in turn:
//! the holder renews it well before it ends, another process takes it only once it has
//! ended, and each take moves the epoch on, so that a holder that paused past its lease
//! (and so lost it) can no longer mark events as published: its marks name an old epoch.

use sea_orm_migration::prelude::*;

#[derive(Debug, DeriveMigrationName)]
pub(super) struct Migration;

#[allow(elided_lifetimes_in_paths)]
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("relay_leases")
                .col(ColumnDef::new("name").text().not_null().primary_key())
                .col(ColumnDef::new("holder").uuid().not_null())
                .col(ColumnDef::new("epoch").big_integer().not_null())
                .col(ColumnDef::new("expires_at").big_integer().not_null())
                .take(),
        )
        .await
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}
