//! Tenants' provisioning tokens (SCIM bearer credentials): one row per token, its secret
//! kept only as a digest, found by its id (which the bearer text carries). Revoking a token
//! deletes its row; deleting the tenant deletes its tokens.

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
                .table("provisioning_tokens")
                .col(ColumnDef::new("id").uuid().not_null().primary_key())
                .col(ColumnDef::new("tenant_id").uuid().not_null())
                .col(ColumnDef::new("name").text().not_null())
                .col(ColumnDef::new("digest").string_len(64).not_null())
                .col(ColumnDef::new("created_at").big_integer().not_null())
                .col(ColumnDef::new("last_used_at").big_integer().null())
                .foreign_key(&mut cascade(
                    "fk_provisioning_tokens_tenant",
                    ("provisioning_tokens", "tenant_id"),
                    ("tenants", "id"),
                ))
                .take(),
        )
        .await?;
        // A tenant's list, oldest first.
        m.create_index(index(
            "ix_provisioning_tokens_tenant",
            "provisioning_tokens",
            &["tenant_id", "created_at", "id"],
            false,
        ))
        .await
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}
