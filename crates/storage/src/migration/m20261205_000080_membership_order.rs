//! The order a user's groups were given in: `user_groups.position`, the membership's place
//! in the list the write that set the user's groups named them in. Memberships from before
//! it share position 0 and are read in path order.

use sea_orm_migration::prelude::*;

#[derive(Debug, DeriveMigrationName)]
pub(super) struct Migration;

#[allow(elided_lifetimes_in_paths)]
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("user_groups")
                .add_column(
                    ColumnDef::new("position")
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
