//! Users' secret keys (SureCloud): at most one per user, stored as a digest. The digest is
//! unique, so that a key finds its user (and tenant) by itself.

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
                .table("secret_keys")
                .col(
                    ColumnDef::new("user_number")
                        .big_integer()
                        .not_null()
                        .primary_key(),
                )
                .col(ColumnDef::new("tenant_id").uuid().not_null())
                .col(ColumnDef::new("user_id").uuid().not_null())
                .col(ColumnDef::new("key_id").uuid().not_null())
                .col(ColumnDef::new("digest").string_len(64).not_null())
                .col(ColumnDef::new("created_at").big_integer().not_null())
                .foreign_key(&mut cascade(
                    "fk_secret_keys_user",
                    ("secret_keys", "user_number"),
                    ("users", "number"),
                ))
                .take(),
        )
        .await?;
        m.create_index(index(
            "ux_secret_keys_digest",
            "secret_keys",
            &["digest"],
            true,
        ))
        .await?;
        m.create_index(index(
            "ix_secret_keys_user",
            "secret_keys",
            &["tenant_id", "user_id", "key_id"],
            false,
        ))
        .await
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}
