//! Indexes for the user orders SCIM clients ask for, so that a keyset page of a large tenant
//! is a range of an index in every one of them (`crates/storage/src/users/list.rs`):
//!
//! - update time and id: (tenant, column, number);
//! - optional text, compared without case with unset values last: (tenant, `'1'` when unset
//!   else `'0' || LOWER(col)`, number). The list query orders by exactly this expression,
//!   which is what lets either database use the index. sea-query's builder has no
//!   expression indexes; the SQL is the same on both databases.

use super::index;
use sea_orm_migration::prelude::*;

#[derive(Debug, DeriveMigrationName)]
pub(super) struct Migration;

/// The optional text columns users are ordered by.
const TEXT_ORDERS: [&str; 5] = [
    "external_id",
    "display_name",
    "first_name",
    "last_name",
    "job_title",
];

#[allow(elided_lifetimes_in_paths)]
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(index(
            "ix_users_tenant_updated",
            "users",
            &["tenant_id", "updated_at", "number"],
            false,
        ))
        .await?;
        m.create_index(index(
            "ix_users_tenant_id",
            "users",
            &["tenant_id", "id", "number"],
            false,
        ))
        .await?;
        let db = m.get_connection();
        for col in TEXT_ORDERS {
            db.execute_unprepared(&format!(
                "CREATE INDEX ix_users_tenant_order_{col} ON users (tenant_id, \
                 (CASE WHEN {col} IS NULL THEN '1' ELSE '0' || LOWER({col}) END), number)"
            ))
            .await?;
        }
        Ok(())
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}
