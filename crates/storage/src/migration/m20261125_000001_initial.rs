//! Tenants, users, groups, memberships, devices and SSH keys.
//!
//! Case-insensitive uniqueness uses lower-case shadow columns (`login_key`, `email_key`) with
//! ordinary unique indexes, which behave the same on SQLite and PostgreSQL. Index names are
//! explicit: the storage adapter classifies unique violations by them.

use super::{cascade, index};
use sea_orm_migration::prelude::*;

#[derive(Debug, DeriveMigrationName)]
pub(super) struct Migration;

fn uuid_pk(name: &'static str) -> ColumnDef {
    ColumnDef::new(name).uuid().not_null().primary_key().take()
}

fn text(name: &'static str) -> ColumnDef {
    ColumnDef::new(name).text().not_null().take()
}

fn opt_text(name: &'static str) -> ColumnDef {
    ColumnDef::new(name).text().null().take()
}

fn micros(name: &'static str) -> ColumnDef {
    ColumnDef::new(name).big_integer().not_null().take()
}

async fn create_tenants(m: &SchemaManager<'_>) -> Result<(), DbErr> {
    m.create_table(
        Table::create()
            .table("tenants")
            .col(uuid_pk("id"))
            .col(text("login"))
            .col(text("login_key"))
            .col(text("name"))
            .col(ColumnDef::new("company_id").big_integer().not_null())
            .col(text("organization_secret_digest"))
            .col(text("integration_key_digest"))
            .col(ColumnDef::new("owner_user_id").uuid().null())
            .col(micros("created_at"))
            .col(micros("updated_at"))
            .take(),
    )
    .await?;
    for (name, cols) in [
        ("ux_tenants_login_key", &["login_key"][..]),
        ("ux_tenants_company_id", &["company_id"][..]),
        (
            "ux_tenants_organization_secret",
            &["organization_secret_digest"][..],
        ),
    ] {
        m.create_index(index(name, "tenants", cols, true)).await?;
    }
    Ok(())
}

async fn create_users(m: &SchemaManager<'_>) -> Result<(), DbErr> {
    m.create_table(
        Table::create()
            .table("users")
            .col(
                ColumnDef::new("number")
                    .big_integer()
                    .not_null()
                    .auto_increment()
                    .primary_key(),
            )
            .col(ColumnDef::new("id").uuid().not_null())
            .col(ColumnDef::new("tenant_id").uuid().not_null())
            .col(text("login"))
            .col(text("login_key"))
            .col(text("email"))
            .col(text("email_key"))
            .col(opt_text("external_id"))
            .col(opt_text("first_name"))
            .col(opt_text("last_name"))
            .col(opt_text("display_name"))
            .col(opt_text("job_title"))
            .col(opt_text("company_name"))
            .col(opt_text("address"))
            .col(opt_text("postal_code"))
            .col(opt_text("city"))
            .col(opt_text("state"))
            .col(opt_text("country"))
            .col(opt_text("phone"))
            .col(opt_text("time_zone"))
            .col(text("status"))
            .col(text("person_type"))
            .col(text("access_level"))
            .col(text("metadata"))
            .col(
                ColumnDef::new("password_change_required")
                    .boolean()
                    .not_null(),
            )
            .col(opt_text("password_hash"))
            .col(text("secret_digest"))
            .col(micros("created_at"))
            .col(micros("updated_at"))
            .col(ColumnDef::new("last_activity_at").big_integer().null())
            .col(ColumnDef::new("version").big_integer().not_null())
            .foreign_key(&mut cascade(
                "fk_users_tenant",
                ("users", "tenant_id"),
                ("tenants", "id"),
            ))
            .take(),
    )
    .await?;
    for (name, cols, unique) in [
        ("ux_users_id", &["id"][..], true),
        ("ux_users_login_key", &["tenant_id", "login_key"][..], true),
        ("ux_users_email_key", &["tenant_id", "email_key"][..], true),
        // NULLs are distinct in unique indexes on both databases: unset ids never collide.
        (
            "ux_users_external_id",
            &["tenant_id", "external_id"][..],
            true,
        ),
        // Keyset pages: (tenant, sort key, number).
        (
            "ix_users_tenant_number",
            &["tenant_id", "number"][..],
            false,
        ),
        (
            "ix_users_tenant_created",
            &["tenant_id", "created_at", "number"][..],
            false,
        ),
        (
            "ix_users_secret",
            &["tenant_id", "secret_digest"][..],
            false,
        ),
    ] {
        m.create_index(index(name, "users", cols, unique)).await?;
    }
    Ok(())
}

async fn create_groups(m: &SchemaManager<'_>) -> Result<(), DbErr> {
    m.create_table(
        Table::create()
            .table("groups")
            .col(uuid_pk("id"))
            .col(ColumnDef::new("tenant_id").uuid().not_null())
            .col(ColumnDef::new("parent_id").uuid().null())
            .col(text("name"))
            .col(text("path"))
            .col(opt_text("external_id"))
            .col(micros("created_at"))
            .foreign_key(&mut cascade(
                "fk_groups_tenant",
                ("groups", "tenant_id"),
                ("tenants", "id"),
            ))
            .foreign_key(&mut cascade(
                "fk_groups_parent",
                ("groups", "parent_id"),
                ("groups", "id"),
            ))
            .take(),
    )
    .await?;
    for (name, cols, unique) in [
        ("ux_groups_path", &["tenant_id", "path"][..], true),
        (
            "ux_groups_external_id",
            &["tenant_id", "external_id"][..],
            true,
        ),
        ("ix_groups_parent", &["parent_id"][..], false),
    ] {
        m.create_index(index(name, "groups", cols, unique)).await?;
    }
    Ok(())
}

async fn create_user_groups(m: &SchemaManager<'_>) -> Result<(), DbErr> {
    m.create_table(
        Table::create()
            .table("user_groups")
            .col(ColumnDef::new("user_number").big_integer().not_null())
            .col(ColumnDef::new("group_id").uuid().not_null())
            .primary_key(Index::create().col("user_number").col("group_id"))
            .foreign_key(&mut cascade(
                "fk_user_groups_user",
                ("user_groups", "user_number"),
                ("users", "number"),
            ))
            .foreign_key(&mut cascade(
                "fk_user_groups_group",
                ("user_groups", "group_id"),
                ("groups", "id"),
            ))
            .take(),
    )
    .await?;
    m.create_index(index(
        "ix_user_groups_group",
        "user_groups",
        &["group_id"],
        false,
    ))
    .await?;
    Ok(())
}

async fn create_user_devices(m: &SchemaManager<'_>) -> Result<(), DbErr> {
    m.create_table(
        Table::create()
            .table("user_devices")
            .col(ColumnDef::new("user_number").big_integer().not_null())
            .col(text("device_id"))
            .col(opt_text("os"))
            .col(opt_text("os_version"))
            .col(opt_text("app_version"))
            .col(opt_text("name"))
            .col(micros("last_sync_at"))
            .primary_key(Index::create().col("user_number").col("device_id"))
            .foreign_key(&mut cascade(
                "fk_user_devices_user",
                ("user_devices", "user_number"),
                ("users", "number"),
            ))
            .take(),
    )
    .await?;
    Ok(())
}

async fn create_ssh_keys(m: &SchemaManager<'_>) -> Result<(), DbErr> {
    m.create_table(
        Table::create()
            .table("ssh_keys")
            .col(uuid_pk("id"))
            .col(ColumnDef::new("tenant_id").uuid().not_null())
            .col(ColumnDef::new("user_number").big_integer().null())
            .col(text("name"))
            .col(text("fingerprint"))
            .col(text("public_key"))
            .col(micros("created_at"))
            .foreign_key(&mut cascade(
                "fk_ssh_keys_tenant",
                ("ssh_keys", "tenant_id"),
                ("tenants", "id"),
            ))
            .foreign_key(&mut cascade(
                "fk_ssh_keys_user",
                ("ssh_keys", "user_number"),
                ("users", "number"),
            ))
            .take(),
    )
    .await?;
    // Account keys (no user) and user keys are unique by fingerprint and by name within
    // their owner. Partial indexes: both databases support them, sea-query's builder does
    // not, hence plain SQL.
    let db = m.get_connection();
    for sql in [
        "CREATE UNIQUE INDEX ux_ssh_keys_account_fp ON ssh_keys (tenant_id, fingerprint) WHERE user_number IS NULL",
        "CREATE UNIQUE INDEX ux_ssh_keys_account_name ON ssh_keys (tenant_id, name) WHERE user_number IS NULL",
        "CREATE UNIQUE INDEX ux_ssh_keys_user_fp ON ssh_keys (user_number, fingerprint) WHERE user_number IS NOT NULL",
        "CREATE UNIQUE INDEX ux_ssh_keys_user_name ON ssh_keys (user_number, name) WHERE user_number IS NOT NULL",
    ] {
        db.execute_unprepared(sql).await?;
    }
    Ok(())
}

// async_trait's lifetimes cannot be spelled out here.
#[allow(elided_lifetimes_in_paths)]
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        create_tenants(m).await?;
        create_users(m).await?;
        create_groups(m).await?;
        create_user_groups(m).await?;
        create_user_devices(m).await?;
        create_ssh_keys(m).await?;
        Ok(())
    }

    fn use_transaction(&self) -> Option<bool> {
        // All or nothing on SQLite too.
        Some(true)
    }
}
