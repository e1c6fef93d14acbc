//! Folders and their grants (Forms On Fire `Folders`), and the user columns Forms On Fire
//! adds: the licence type (`Type`) and the do-not-email flag.
//!
//! Folder names are unique per tenant without case through the lower-case shadow column
//! `name_key`, as logins and emails are. Existing users get the defaults a new user gets.

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
                .table("folders")
                .col(ColumnDef::new("id").uuid().not_null().primary_key())
                .col(ColumnDef::new("tenant_id").uuid().not_null())
                .col(ColumnDef::new("name").text().not_null())
                .col(ColumnDef::new("name_key").text().not_null())
                .col(ColumnDef::new("external_id").text().null())
                .col(ColumnDef::new("created_at").big_integer().not_null())
                .foreign_key(&mut cascade(
                    "fk_folders_tenant",
                    ("folders", "tenant_id"),
                    ("tenants", "id"),
                ))
                .take(),
        )
        .await?;
        for (name, cols) in [
            ("ux_folders_name_key", &["tenant_id", "name_key"][..]),
            ("ux_folders_external_id", &["tenant_id", "external_id"][..]),
        ] {
            m.create_index(index(name, "folders", cols, true)).await?;
        }

        m.create_table(
            Table::create()
                .table("user_folders")
                .col(ColumnDef::new("user_number").big_integer().not_null())
                .col(ColumnDef::new("folder_id").uuid().not_null())
                .primary_key(Index::create().col("user_number").col("folder_id"))
                .foreign_key(&mut cascade(
                    "fk_user_folders_user",
                    ("user_folders", "user_number"),
                    ("users", "number"),
                ))
                .foreign_key(&mut cascade(
                    "fk_user_folders_folder",
                    ("user_folders", "folder_id"),
                    ("folders", "id"),
                ))
                .take(),
        )
        .await?;
        m.create_index(index(
            "ix_user_folders_folder",
            "user_folders",
            &["folder_id"],
            false,
        ))
        .await?;

        // One column per statement: SQLite alters one thing at a time.
        m.alter_table(
            Table::alter()
                .table("users")
                .add_column(
                    ColumnDef::new("license_type")
                        .text()
                        .not_null()
                        .default("STANDARD"),
                )
                .take(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("users")
                .add_column(
                    ColumnDef::new("do_not_email")
                        .boolean()
                        .not_null()
                        .default(false),
                )
                .take(),
        )
        .await?;
        Ok(())
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}
