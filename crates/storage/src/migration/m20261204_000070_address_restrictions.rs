//! Where users' secret keys may be used from (SureCloud's restrictions by IP address, range
//! or hostname): one row per restricted user, its entries one a line; no row, no
//! restriction. Kept apart from `secret_keys` because they belong to the account and outlive
//! a rotated or revoked key.

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
                .table("address_restrictions")
                .col(
                    ColumnDef::new("user_number")
                        .big_integer()
                        .not_null()
                        .primary_key(),
                )
                .col(ColumnDef::new("tenant_id").uuid().not_null())
                .col(ColumnDef::new("user_id").uuid().not_null())
                .col(ColumnDef::new("entries").text().not_null())
                .foreign_key(&mut cascade(
                    "fk_address_restrictions_user",
                    ("address_restrictions", "user_number"),
                    ("users", "number"),
                ))
                .take(),
        )
        .await?;
        m.create_index(index(
            "ux_address_restrictions_user",
            "address_restrictions",
            &["tenant_id", "user_id"],
            true,
        ))
        .await
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}
