//! Built-in roles (the Cloud Elements role keys) in the role catalogue: a `built_in` flag,
//! a name namespace of their own (an RBAC role may still be called `admin`), and the roles of
//! every existing tenant, with its owner holding `org-admin` and `org`.
//!
//! The rows it writes are frozen here, as they were when it shipped: a migration that ran on
//! one database must do the same on the next, whatever the live code (the role keys, the
//! entities, how tenants get their roles today) becomes.

use super::index;
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::ConnectionTrait;

#[derive(Debug, DeriveMigrationName)]
pub(super) struct Migration;

/// The built-in role keys, stored as role names, in the order they were inserted.
const ROLE_KEYS: [&str; 3] = ["org-admin", "admin", "org"];

/// The roles a tenant's owner held from the start.
const OWNER_ROLE_KEYS: [&str; 2] = ["org-admin", "org"];

/// Creates the built-in roles of `tenant` and gives `owner` (a user number) the owner's, as
/// their default roles.
async fn insert_for_tenant<C: ConnectionTrait>(
    db: &C,
    tenant: uuid::Uuid,
    owner: Option<i64>,
    created: i64,
) -> Result<(), DbErr> {
    let roles = ROLE_KEYS.map(|key| (key, uuid::Uuid::now_v7()));
    let mut insert = Query::insert()
        .into_table("roles")
        .columns(["id", "tenant_id", "name", "created_at", "built_in"])
        .to_owned();
    for (key, id) in roles {
        insert.values_panic([
            id.into(),
            tenant.into(),
            key.into(),
            created.into(),
            true.into(),
        ]);
    }
    db.execute(&insert).await?;
    let Some(owner) = owner else {
        return Ok(());
    };
    let mut held = Query::insert()
        .into_table("role_members")
        .columns(["role_id", "user_number", "is_default"])
        .to_owned();
    for (_, id) in roles
        .iter()
        .filter(|(key, _)| OWNER_ROLE_KEYS.contains(key))
    {
        held.values_panic([(*id).into(), owner.into(), true.into()]);
    }
    db.execute(&held).await?;
    Ok(())
}

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
            insert_for_tenant(db, tenant, owner, created).await?;
        }
        Ok(())
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}
