//! A fresh database per test: an SQLite file in a temporary directory by default, a new
//! PostgreSQL database when `ROSTER_TEST_DATABASE_URL` names a server (created on that server
//! with a unique name and dropped after the test).

use roster_storage::{Store, StoreOptions};
use sqlx::Connection as _;
use tempfile::TempDir;

/// A database for one test, gone with it.
pub(crate) struct TestDb {
    pub(crate) url: String,
    /// The server's URL and the database's name, to drop it.
    postgres: Option<(String, String)>,
    /// Where the SQLite file lives.
    _dir: Option<TempDir>,
}

/// `url` with its database replaced by `name`, query kept.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let (server, _) = base.rsplit_once('/').expect("a database URL has a path");
    match query {
        Some(q) => format!("{server}/{name}?{q}"),
        None => format!("{server}/{name}"),
    }
}

async fn execute(admin: &str, sql: String) -> Result<(), sqlx::Error> {
    let mut conn = sqlx::PgConnection::connect(admin).await?;
    sqlx::Executor::execute(&mut conn, sqlx::AssertSqlSafe(sql)).await?;
    conn.close().await
}

impl TestDb {
    pub(crate) async fn create() -> Self {
        let admin = std::env::var("ROSTER_TEST_DATABASE_URL")
            .ok()
            .filter(|u| !u.trim().is_empty());
        if let Some(admin) = admin {
            let name = format!("roster_storage_t_{}", uuid::Uuid::new_v4().simple());
            execute(&admin, format!("CREATE DATABASE {name}"))
                .await
                .unwrap_or_else(|e| panic!("cannot create a database at {admin}: {e}"));
            Self {
                url: with_database(&admin, &name),
                postgres: Some((admin, name)),
                _dir: None,
            }
        } else {
            let dir = tempfile::tempdir().expect("a temporary directory");
            Self {
                url: format!(
                    "sqlite://{}?mode=rwc",
                    dir.path().join("roster.db").display()
                ),
                postgres: None,
                _dir: Some(dir),
            }
        }
    }

    /// A new pool on the database, with no migration applied.
    pub(crate) async fn connect(&self) -> Store {
        Store::connect(&self.url, &StoreOptions::default())
            .await
            .expect("connect to the test database")
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some((admin, name)) = self.postgres.take() else {
            return;
        };
        // Drop runs outside async (maybe inside a runtime): a runtime of its own, on a thread
        // of its own, drops the database.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .ok()?;
            rt.block_on(execute(
                &admin,
                format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
            ))
            .ok()
        })
        .join();
    }
}
