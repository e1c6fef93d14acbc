//! Idempotency keys: one row per caller's scope and key, holding the request's fingerprint,
//! the claim that runs it, and once it has run its sealed answer. The primary key makes the
//! first claim of a key win, whichever replica makes it. `expires_at` is when the row stops
//! counting: the end of a running claim's lease, or of an answer's retention; the purge of
//! expired rows is a range scan of its index. A tenant's rows go with it.

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
                .table("idempotency_keys")
                .col(ColumnDef::new("scope").text().not_null())
                .col(ColumnDef::new("request_key").string_len(255).not_null())
                // Null for the operator, who belongs to no tenant.
                .col(ColumnDef::new("tenant_id").uuid().null())
                .col(ColumnDef::new("fingerprint").string_len(64).not_null())
                .col(ColumnDef::new("claim_id").uuid().not_null())
                // Null while the claim runs.
                .col(ColumnDef::new("answer").blob().null())
                .col(ColumnDef::new("created_at").big_integer().not_null())
                .col(ColumnDef::new("expires_at").big_integer().not_null())
                .primary_key(
                    Index::create()
                        .name("pk_idempotency_keys")
                        .col("scope")
                        .col("request_key"),
                )
                .foreign_key(&mut cascade(
                    "fk_idempotency_keys_tenant",
                    ("idempotency_keys", "tenant_id"),
                    ("tenants", "id"),
                ))
                .take(),
        )
        .await?;
        m.create_index(index(
            "ix_idempotency_keys_expires_at",
            "idempotency_keys",
            &["expires_at"],
            false,
        ))
        .await?;
        // The tenant's rows, for the cascade when it is deleted.
        m.create_index(index(
            "ix_idempotency_keys_tenant",
            "idempotency_keys",
            &["tenant_id"],
            false,
        ))
        .await
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}
