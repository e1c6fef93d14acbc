//! Users' authorization epoch: a counter that moves on every change that must end the
//! tokens a user already holds (password, status, access level, roles, keys, secret key).
//! Tokens carry the epoch they were minted at; the core compares it on every call.

use sea_orm_migration::prelude::*;

#[derive(Debug, DeriveMigrationName)]
pub(super) struct Migration;

#[allow(elided_lifetimes_in_paths)]
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("users")
                .add_column(
                    ColumnDef::new("auth_epoch")
                        .big_integer()
                        .not_null()
                        .default(0),
                )
                .take(),
        )
        .await
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}
