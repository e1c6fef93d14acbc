//! SQLite's counterpart of the PostgreSQL trigram indexes (`m20261208_000140`): an FTS5 table
//! `users_search` with the trigram tokenizer over the same five searched expressions (login,
//! email, full name, display name, external id), one row per user under the user's `number`
//! (the table's INTEGER PRIMARY KEY, so the rowid, which not even VACUUM changes), kept in
//! step by triggers in the writing transaction itself.
//!
//! A search by part of one of them first asks the FTS table which users may hold the text
//! (`crates/storage/src/users/narrowing.rs`); when they are few, the search reads those alone
//! and applies the same `LOWER(col) LIKE` as before to them: the index narrows, the LIKE
//! decides, so what a search finds does not change.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

#[derive(Debug, DeriveMigrationName)]
pub(super) struct Migration;

/// The FTS table's columns and the user expression each holds (over `new.` in the triggers,
/// over the table in the backfill).
const COLUMNS: [(&str, &str); 5] = [
    ("login_key", "{t}.login_key"),
    ("email_key", "{t}.email_key"),
    (
        "full_name",
        "NULLIF(TRIM(COALESCE({t}.first_name, '') || ' ' || COALESCE({t}.last_name, '')), '')",
    ),
    ("display_name", "{t}.display_name"),
    ("external_id", "{t}.external_id"),
];

/// The `users` columns the searched expressions read.
const SOURCES: &str = "login_key, email_key, first_name, last_name, display_name, external_id";

fn names() -> String {
    COLUMNS.map(|(n, _)| n).join(", ")
}

fn values(of: &str) -> String {
    COLUMNS.map(|(_, e)| e.replace("{t}", of)).join(", ")
}

fn statements() -> Vec<String> {
    let (names, new) = (names(), values("new"));
    let changed = SOURCES
        .split(", ")
        .map(|c| format!("old.{c} IS NOT new.{c}"))
        .collect::<Vec<_>>()
        .join(" OR ");
    let set = COLUMNS
        .map(|(n, e)| format!("{n} = {}", e.replace("{t}", "new")))
        .join(", ");
    vec![
        format!("CREATE VIRTUAL TABLE users_search USING fts5({names}, tokenize = 'trigram')"),
        format!(
            "INSERT INTO users_search (rowid, {names}) SELECT number, {} FROM users",
            values("users")
        ),
        format!(
            "CREATE TRIGGER users_search_insert AFTER INSERT ON users BEGIN \
             INSERT INTO users_search (rowid, {names}) VALUES (new.number, {new}); END"
        ),
        "CREATE TRIGGER users_search_delete AFTER DELETE ON users BEGIN \
         DELETE FROM users_search WHERE rowid = old.number; END"
            .to_owned(),
        // Only when a searched column changes: a batch writes every column of the users it
        // changes, and re-indexing the unchanged text cost a third of its speed.
        format!(
            "CREATE TRIGGER users_search_update AFTER UPDATE OF {SOURCES} ON users \
             WHEN {changed} BEGIN \
             UPDATE users_search SET {set} WHERE rowid = new.number; END"
        ),
    ]
}

#[allow(elided_lifetimes_in_paths)]
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() != DbBackend::Sqlite {
            return Ok(());
        }
        let db = m.get_connection();
        for s in statements() {
            db.execute_unprepared(&s).await?;
        }
        Ok(())
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}
