//! Every stored row that belongs to one tenant, read straight from the database, so a test
//! can show that nothing of that tenant changed, whatever table a change would have touched.
//!
//! A row belongs to the tenant when its `tenant_id` is the tenant's, or when its `id`, its
//! `number` or any other `…_id` or `…_number` column (but `external_id`, which is the
//! client's own text) names a row that belongs to it: memberships, grants, keys and guess
//! counters are found through their owner without this module knowing the schema.

use super::TestDb;
use sea_orm::{ConnectionTrait as _, Database, DatabaseBackend, Statement};
use serde_json::{Map, Value};
use std::collections::BTreeSet;

/// One row: its table and its columns as text.
pub(crate) type Row = (String, Map<String, Value>);

/// The tenant's rows, sorted, ready to compare.
pub(crate) async fn tenant_rows(db: &TestDb, tenant_id: &str) -> Vec<String> {
    let all = all_rows(db).await;
    let mut ids: BTreeSet<String> = BTreeSet::from([normal(tenant_id)]);
    // Owners first found through tenant_id, then rows naming those owners, until no new id.
    loop {
        let before = ids.len();
        for (_, row) in &all {
            if belongs(row, &ids) {
                for key in ["id", "number"] {
                    if let Some(id) = row.get(key).and_then(text) {
                        ids.insert(normal(&id));
                    }
                }
            }
        }
        if ids.len() == before {
            break;
        }
    }
    let mut mine: Vec<String> = all
        .iter()
        .filter(|(_, row)| belongs(row, &ids))
        .map(|(table, row)| format!("{table} {}", Value::Object(row.clone())))
        .collect();
    mine.sort();
    mine
}

/// What differs between two snapshots: rows gone (`- `) and rows new (`+ `).
pub(crate) fn changes(before: &[String], after: &[String]) -> Vec<String> {
    before
        .iter()
        .filter(|r| !after.contains(r))
        .map(|r| format!("- {r}"))
        .chain(
            after
                .iter()
                .filter(|r| !before.contains(r))
                .map(|r| format!("+ {r}")),
        )
        .collect()
}

fn belongs(row: &Map<String, Value>, ids: &BTreeSet<String>) -> bool {
    row.iter().any(|(column, value)| {
        (["id", "number"].contains(&column.as_str())
            || column.ends_with("_number")
            || (column.ends_with("_id") && column != "external_id"))
            && text(value).is_some_and(|v| ids.contains(&normal(&v)))
    })
}

/// PostgreSQL spells a UUID with dashes, SQLite may keep it as hex bytes.
fn normal(s: &str) -> String {
    s.to_ascii_lowercase().replace('-', "")
}

fn text(v: &Value) -> Option<String> {
    v.as_str()
        .map(str::to_owned)
        .or_else(|| v.as_number().map(ToString::to_string))
}

async fn all_rows(db: &TestDb) -> Vec<Row> {
    let conn = Database::connect(&db.url)
        .await
        .expect("connect to the test database");
    let backend = conn.get_database_backend();
    let postgres = backend == DatabaseBackend::Postgres;
    let tables_sql = if postgres {
        "SELECT table_name::text FROM information_schema.tables \
         WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1"
    } else {
        // Not the search index (`users_search`, an FTS5 table, and its shadow tables): it
        // holds nothing but what `users` holds, which is compared itself.
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
         AND name NOT LIKE 'users_search%' ORDER BY 1"
    };
    let tables: Vec<String> = conn
        .query_all_raw(Statement::from_string(backend, tables_sql))
        .await
        .expect("list tables")
        .iter()
        .map(|r| r.try_get_by_index::<String>(0).expect("table name"))
        .collect();
    let mut rows = Vec::new();
    for table in tables {
        let sql = if postgres {
            format!("SELECT row_to_json(t)::text FROM \"{table}\" t")
        } else {
            sqlite_json(&conn, &table).await
        };
        for r in conn
            .query_all_raw(Statement::from_string(backend, sql))
            .await
            .expect("read a table")
        {
            let json: String = r.try_get_by_index(0).expect("row as JSON");
            let Value::Object(map) = serde_json::from_str(&json).expect("JSON row") else {
                panic!("a row is an object");
            };
            rows.push((table.clone(), map));
        }
    }
    conn.close().await.ok();
    rows
}

/// `SELECT json_object(…)` over every column of `table`, blobs as hex (JSON holds no blob).
async fn sqlite_json(conn: &sea_orm::DatabaseConnection, table: &str) -> String {
    let columns: Vec<String> = conn
        .query_all_raw(Statement::from_string(
            DatabaseBackend::Sqlite,
            format!("SELECT name FROM pragma_table_info('{table}')"),
        ))
        .await
        .expect("table columns")
        .iter()
        .map(|r| r.try_get_by_index::<String>(0).expect("column name"))
        .collect();
    let pairs: Vec<String> = columns
        .iter()
        .map(|c| {
            format!(
                "'{c}', CASE typeof(\"{c}\") WHEN 'blob' THEN lower(hex(\"{c}\")) ELSE \"{c}\" END"
            )
        })
        .collect();
    format!("SELECT json_object({}) FROM \"{table}\"", pairs.join(", "))
}
