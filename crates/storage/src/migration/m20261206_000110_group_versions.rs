//! A version and an update time per group (`groups.version`, `groups.updated_at`), for the
//! group's etag: they move on a rename, an external id change and a change of members.
//! Groups made before start at version 1, last changed when they were created.

use sea_orm_migration::prelude::*;

#[derive(Debug, DeriveMigrationName)]
pub(super) struct Migration;

#[allow(elided_lifetimes_in_paths)]
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters one at a time.
        m.alter_table(
            Table::alter()
                .table("groups")
                .add_column(
                    ColumnDef::new("version")
                        .big_integer()
                        .not_null()
                        .default(1),
                )
                .take(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("groups")
                .add_column(
                    ColumnDef::new("updated_at")
                        .big_integer()
                        .not_null()
                        .default(0),
                )
                .take(),
        )
        .await?;
        m.get_connection()
            .execute_unprepared("UPDATE groups SET updated_at = created_at")
            .await?;
        Ok(())
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}
