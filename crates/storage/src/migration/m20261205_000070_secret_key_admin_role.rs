//! The built-in role `secret-key-admin` (SureCloud's Secret Key Administrator) for every
//! tenant that lacks it: tenants created before it existed. Nobody holds it at first.
//!
//! The key is frozen here, as it was when the migration shipped, whatever the live catalogue
//! becomes.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::ConnectionTrait;

#[derive(Debug, DeriveMigrationName)]
pub(super) struct Migration;

const KEY: &str = "secret-key-admin";

#[allow(elided_lifetimes_in_paths)]
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        let have = Query::select()
            .column(("roles", "tenant_id"))
            .from("roles")
            .and_where(Expr::col(("roles", "built_in")).eq(true))
            .and_where(Expr::col(("roles", "name")).eq(KEY))
            .to_owned();
        let lacking = db
            .query_all(
                &Query::select()
                    .column(("tenants", "id"))
                    .column(("tenants", "created_at"))
                    .from("tenants")
                    .and_where(Expr::col(("tenants", "id")).not_in_subquery(have))
                    .to_owned(),
            )
            .await?;
        for row in lacking {
            let tenant: uuid::Uuid = row.try_get("", "id")?;
            let created: i64 = row.try_get("", "created_at")?;
            db.execute(
                &Query::insert()
                    .into_table("roles")
                    .columns(["id", "tenant_id", "name", "created_at", "built_in"])
                    .values_panic([
                        uuid::Uuid::now_v7().into(),
                        tenant.into(),
                        KEY.into(),
                        created.into(),
                        true.into(),
                    ])
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}
