//! A fresh database per test: an SQLite file in the test's directory by default, a new
//! PostgreSQL database when `ROSTER_TEST_DATABASE_URL` names a server (dropped with the test).

use sqlx::Connection as _;
use std::path::Path;

/// A database for one test, dropped with it.
#[derive(Debug)]
pub(crate) struct TestDb {
    pub(crate) url: String,
    postgres: Option<(String, String)>,
}

/// The PostgreSQL server to test against, if any.
pub(crate) fn postgres_admin_url() -> Option<String> {
    std::env::var("ROSTER_TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.trim().is_empty())
}

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

impl TestDb {
    /// A fresh database: a new PostgreSQL database, or an SQLite file in `dir`.
    pub(crate) async fn create(dir: &Path) -> Self {
        match postgres_admin_url() {
            Some(admin) => {
                let name = format!("roster_t_{}", uuid::Uuid::new_v4().simple());
                let mut conn = sqlx::PgConnection::connect(&admin)
                    .await
                    .unwrap_or_else(|e| {
                        panic!("PostgreSQL at ROSTER_TEST_DATABASE_URL is not reachable: {e}")
                    });
                sqlx::Executor::execute(
                    &mut conn,
                    sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")),
                )
                .await
                .expect("create test database");
                let _ = conn.close().await;
                Self {
                    url: with_database(&admin, &name),
                    postgres: Some((admin, name)),
                }
            }
            None => Self {
                url: format!("sqlite://{}?mode=rwc", dir.join("roster.db").display()),
                postgres: None,
            },
        }
    }

    pub(crate) fn is_postgres(&self) -> bool {
        self.postgres.is_some()
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some((admin, name)) = self.postgres.take() else {
            return;
        };
        // Drop runs outside async; a short-lived runtime on its own thread does the cleanup.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .ok()?;
            rt.block_on(async {
                let mut conn = sqlx::PgConnection::connect(&admin).await.ok()?;
                let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                sqlx::Executor::execute(&mut conn, sqlx::AssertSqlSafe(sql))
                    .await
                    .ok()?;
                conn.close().await.ok()
            })
        })
        .join();
    }
}
