//! Every row of one tenant, read straight from the database (SQLite or PostgreSQL) as text,
//! table by table, so that a change anywhere in the tenant shows. The tables are read from the
//! catalog, not listed here: a table added later is read too, or fails the test until it is
//! said whose rows it holds.

use sea_orm::{ConnectionTrait as _, Database, DbBackend, Statement};
use std::collections::BTreeMap;

/// The tenant's rows, per table, each row as text, sorted.
pub(crate) async fn of_tenant(url: &str, login: &str) -> BTreeMap<String, Vec<String>> {
    let db = Database::connect(url).await.expect("the test database");
    let backend = db.get_database_backend();
    let texts = |sql: String| {
        let db = &db;
        async move {
            db.query_all_raw(Statement::from_string(backend, sql.clone()))
                .await
                .unwrap_or_else(|e| panic!("{sql}: {e}"))
                .into_iter()
                .map(|r| r.try_get_by_index::<String>(0).expect("a text column"))
                .collect::<Vec<String>>()
        }
    };
    let postgres = backend == DbBackend::Postgres;
    let tables = texts(if postgres {
        "SELECT CAST(table_name AS text) FROM information_schema.tables \
         WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1"
            .to_owned()
    } else {
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
         ORDER BY 1"
            .to_owned()
    })
    .await;
    assert!(tables.iter().any(|t| t == "users"), "{tables:?}");
    let tenant = format!("(SELECT id FROM tenants WHERE login = '{login}')");
    let mut all = BTreeMap::new();
    for table in tables.iter().filter(|t| !t.starts_with("seaql_")) {
        let columns = texts(if postgres {
            format!(
                "SELECT CAST(column_name AS text) FROM information_schema.columns \
                 WHERE table_schema = current_schema() AND table_name = '{table}' \
                 ORDER BY ordinal_position"
            )
        } else {
            format!("SELECT name FROM pragma_table_info('{table}') ORDER BY cid")
        })
        .await;
        let has = |c: &str| columns.iter().any(|x| x == c);
        // Whose rows: the tenant's own, or those of its users or roles.
        let scope = if table == "tenants" {
            format!("id = {tenant}")
        } else if has("tenant_id") {
            format!("tenant_id = {tenant}")
        } else if has("user_number") {
            format!("user_number IN (SELECT number FROM users WHERE tenant_id = {tenant})")
        } else if has("role_id") {
            format!("role_id IN (SELECT id FROM roles WHERE tenant_id = {tenant})")
        } else {
            panic!("table {table} ({columns:?}): say which tenant its rows belong to")
        };
        let row = if postgres {
            "CAST(t AS text)".to_owned()
        } else {
            columns
                .iter()
                .map(|c| format!("quote(\"{c}\")"))
                .collect::<Vec<_>>()
                .join(" || '|' || ")
        };
        let rows = texts(format!(
            "SELECT {row} FROM \"{table}\" t WHERE {scope} ORDER BY 1"
        ))
        .await;
        all.insert(table.clone(), rows);
    }
    db.close().await.ok();
    all
}
