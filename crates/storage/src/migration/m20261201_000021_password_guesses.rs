//! Wrong password guesses per user, counted in the database so that the limit holds across
//! every user-service replica.

use super::cascade;
use sea_orm_migration::prelude::*;

#[derive(Debug, DeriveMigrationName)]
pub(super) struct Migration;

#[allow(elided_lifetimes_in_paths)]
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("password_guesses")
                .col(
                    ColumnDef::new("user_number")
                        .big_integer()
                        .not_null()
                        .primary_key(),
                )
                .col(ColumnDef::new("window_start").big_integer().not_null())
                .col(ColumnDef::new("guesses").big_integer().not_null())
                .foreign_key(&mut cascade(
                    "fk_password_guesses_user",
                    ("password_guesses", "user_number"),
                    ("users", "number"),
                ))
                .take(),
        )
        .await
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}
