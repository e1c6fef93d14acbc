//! Roles, policies and their memberships (CloudAPI RBAC).

use super::{cascade, index};
use sea_orm_migration::prelude::*;

#[derive(Debug, DeriveMigrationName)]
pub(super) struct Migration;

// async_trait's lifetimes cannot be spelled out here.
#[allow(elided_lifetimes_in_paths)]
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("roles")
                .col(ColumnDef::new("id").uuid().not_null().primary_key())
                .col(ColumnDef::new("tenant_id").uuid().not_null())
                .col(ColumnDef::new("name").text().not_null())
                .col(ColumnDef::new("created_at").big_integer().not_null())
                .foreign_key(&mut cascade(
                    "fk_roles_tenant",
                    ("roles", "tenant_id"),
                    ("tenants", "id"),
                ))
                .take(),
        )
        .await?;
        m.create_index(index(
            "ux_roles_name",
            "roles",
            &["tenant_id", "name"],
            true,
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("policies")
                .col(ColumnDef::new("id").uuid().not_null().primary_key())
                .col(ColumnDef::new("tenant_id").uuid().not_null())
                .col(ColumnDef::new("name").text().not_null())
                .col(ColumnDef::new("rules").text().not_null())
                .col(ColumnDef::new("description").text().null())
                .col(ColumnDef::new("created_at").big_integer().not_null())
                .foreign_key(&mut cascade(
                    "fk_policies_tenant",
                    ("policies", "tenant_id"),
                    ("tenants", "id"),
                ))
                .take(),
        )
        .await?;
        m.create_index(index(
            "ux_policies_name",
            "policies",
            &["tenant_id", "name"],
            true,
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("role_members")
                .col(ColumnDef::new("role_id").uuid().not_null())
                .col(ColumnDef::new("user_number").big_integer().not_null())
                .col(ColumnDef::new("is_default").boolean().not_null())
                .primary_key(Index::create().col("role_id").col("user_number"))
                .foreign_key(&mut cascade(
                    "fk_role_members_role",
                    ("role_members", "role_id"),
                    ("roles", "id"),
                ))
                .foreign_key(&mut cascade(
                    "fk_role_members_user",
                    ("role_members", "user_number"),
                    ("users", "number"),
                ))
                .take(),
        )
        .await?;
        m.create_index(index(
            "ix_role_members_user",
            "role_members",
            &["user_number"],
            false,
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("role_policies")
                .col(ColumnDef::new("role_id").uuid().not_null())
                .col(ColumnDef::new("policy_id").uuid().not_null())
                .primary_key(Index::create().col("role_id").col("policy_id"))
                .foreign_key(&mut cascade(
                    "fk_role_policies_role",
                    ("role_policies", "role_id"),
                    ("roles", "id"),
                ))
                .foreign_key(&mut cascade(
                    "fk_role_policies_policy",
                    ("role_policies", "policy_id"),
                    ("policies", "id"),
                ))
                .take(),
        )
        .await?;
        m.create_index(index(
            "ix_role_policies_policy",
            "role_policies",
            &["policy_id"],
            false,
        ))
        .await?;
        Ok(())
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}
