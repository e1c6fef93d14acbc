//! Request signatures already used (CloudAPI writes), so that a replayed signature is refused
//! by every user-service replica. One row per tenant and digest of the signature, kept until
//! the signature's date leaves the accepted window; the primary key makes a second insert of
//! the same signature fail, whichever replica makes it.

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
                .table("used_signatures")
                .col(ColumnDef::new("tenant_id").uuid().not_null())
                .col(ColumnDef::new("digest").string_len(64).not_null())
                .col(ColumnDef::new("expires_at").big_integer().not_null())
                .primary_key(
                    Index::create()
                        .name("pk_used_signatures")
                        .col("tenant_id")
                        .col("digest"),
                )
                .foreign_key(&mut cascade(
                    "fk_used_signatures_tenant",
                    ("used_signatures", "tenant_id"),
                    ("tenants", "id"),
                ))
                .take(),
        )
        .await?;
        // The purge of expired rows is a range scan on this index.
        m.create_index(index(
            "ix_used_signatures_expires_at",
            "used_signatures",
            &["expires_at"],
            false,
        ))
        .await
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}
