//! Built-in roles (the Cloud Elements role keys) in the role catalogue: a `built_in` flag,
//! a name namespace of their own (an RBAC role may still be called `admin`), and the roles of
//! every existing tenant, with its owner holding `org-admin` and `org`.

use super::index;
use roster_domain::rbac::BuiltInRole;
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::ConnectionTrait;

#[derive(Debug, DeriveMigrationName)]
pub(super) struct Migration;

/// What the owner of a tenant holds from the start.
pub(crate) const OWNER_ROLES: [BuiltInRole; 2] = [BuiltInRole::OrgAdmin, BuiltInRole::Org];

#[allow(elided_lifetimes_in_paths)]
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("roles")
                .add_column(
                    ColumnDef::new("built_in")
                        .boolean()
                        .not_null()
                        .default(false),
                )
                .take(),
        )
        .await?;
        m.drop_index(
            Index::drop()
                .name("ux_roles_name")
                .table("roles")
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "ux_roles_name",
            "roles",
            &["tenant_id", "built_in", "name"],
            true,
        ))
        .await?;
        let db = m.get_connection();
        let tenants = db
            .query_all(
                &Query::select()
                    .column(("tenants", "id"))
                    .column(("users", "number"))
                    .column(("tenants", "created_at"))
                    .from("tenants")
                    .left_join(
                        "users",
                        Expr::col(("users", "id")).equals(("tenants", "owner_user_id")),
                    )
                    .to_owned(),
            )
            .await?;
        for row in tenants {
            let tenant: uuid::Uuid = row.try_get("", "id")?;
            let owner: Option<i64> = row.try_get("", "number")?;
            let created: i64 = row.try_get("", "created_at")?;
            crate::builtin_roles::insert_for_tenant(db, tenant, owner, created).await?;
        }
        Ok(())
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}
