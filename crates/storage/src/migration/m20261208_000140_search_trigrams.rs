//! Trigram indexes for searches by part of a login, a name, an email or an external id (`LOWER(col)
//! LIKE '%…%'`: Forms On Fire's `Name` and `Email`, SCIM's `co`, CEQL's `like`), on PostgreSQL
//! with its `pg_trgm` extension, so that such a search reads the rows that hold the text
//! rather than every row of the table. Each index is on exactly the expression the search
//! compares (`crates/storage/src/users/filter.rs`), which is what lets the planner use it.
//!
//! The extension is created where the server has it and the role may (it is a trusted
//! extension: a database owner may); otherwise the migration makes no index and searches scan
//! the tenant's rows as before. SQLite has no index for a substring; its searches scan.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend, Statement};

#[derive(Debug, DeriveMigrationName)]
pub(super) struct Migration;

/// Index name suffix and the searched expression (the search qualifies the columns with
/// `users.`, which names the same ones).
pub(crate) const TRIGRAM_INDEXES: [(&str, &str); 5] = [
    ("login", "LOWER(login_key)"),
    ("email", "LOWER(email_key)"),
    (
        "full_name",
        "LOWER(NULLIF(TRIM(COALESCE(first_name, '') || ' ' || COALESCE(last_name, '')), ''))",
    ),
    ("display_name", "LOWER(display_name)"),
    ("external_id", "LOWER(external_id)"),
];

/// Creates the extension when it can; a refusal (no privilege) leaves the transaction usable.
const CREATE_EXTENSION: &str = "DO $$ BEGIN \
    IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm') THEN \
        CREATE EXTENSION IF NOT EXISTS pg_trgm; \
    END IF; \
    EXCEPTION WHEN insufficient_privilege THEN \
        RAISE NOTICE 'pg_trgm is not installed (%); substring searches will scan', SQLERRM; \
    END $$";

#[allow(elided_lifetimes_in_paths)]
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() != DbBackend::Postgres {
            return Ok(());
        }
        let db = m.get_connection();
        db.execute_unprepared(CREATE_EXTENSION).await?;
        let installed = db
            .query_one_raw(Statement::from_string(
                DbBackend::Postgres,
                "SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'",
            ))
            .await?
            .is_some();
        if !installed {
            return Ok(());
        }
        for (name, expr) in TRIGRAM_INDEXES {
            db.execute_unprepared(&format!(
                "CREATE INDEX ix_users_trgm_{name} ON users USING gin (({expr}) gin_trgm_ops)"
            ))
            .await?;
        }
        Ok(())
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}
