//! Building the pool: SQLite with WAL, a busy timeout and foreign keys; PostgreSQL as is.
//! Both bound how long a connection may wait on the database by the deadline of the call
//! that takes it (see [`crate::deadline`]).

use crate::deadline;
use crate::{PoolStats, Store};
use sea_orm::{SqlxPostgresConnector, SqlxSqliteConnector};
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Mutex;

/// Pool settings.
#[derive(Debug, Clone)]
pub struct StoreOptions {
    pub max_connections: u32,
    /// Longest a call waits for a free connection; past it the call fails as busy
    /// ([`roster_domain::StorageFault::Busy`]). Keep it well below the callers' deadlines,
    /// so that a saturated pool answers "try later" rather than running out their time.
    pub acquire_timeout: Duration,
    /// How long SQLite waits for another process's write lock (less when the call's
    /// deadline is nearer).
    pub busy_timeout: Duration,
    /// SQLite: the page caches of all the pool's connections together, in KiB.
    pub sqlite_cache_kib: u32,
    /// Whether writes append their change events to the outbox (see `outbox`); off only
    /// for an installation that wants no events, or to measure what they cost.
    pub events: bool,
}

/// The smallest page cache a SQLite connection gets, in KiB.
const MIN_CACHE_KIB: u32 = 64;

/// The default [`StoreOptions::sqlite_cache_kib`]: 4 MiB, where SQLite alone would give each
/// connection 2 MiB (20 MiB for a pool of 10) and fill them as the database grows.
pub const DEFAULT_SQLITE_CACHE_KIB: u32 = 4096;

impl Default for StoreOptions {
    fn default() -> Self {
        Self {
            max_connections: 10,
            acquire_timeout: Duration::from_secs(3),
            busy_timeout: Duration::from_secs(15),
            sqlite_cache_kib: DEFAULT_SQLITE_CACHE_KIB,
            events: true,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error("unsupported database URL scheme (use sqlite:// or postgres://)")]
    Scheme,
    #[error("invalid database URL: {0}")]
    Url(#[source] sqlx::Error),
    #[error("cannot connect to the database: {0}")]
    Connect(#[source] sqlx::Error),
}

/// The sqlx pool under the sea-orm connection (a cheap handle on the same pool).
#[derive(Debug, Clone)]
pub(crate) enum Pool {
    Sqlite(SqlitePool, u32),
    Postgres(PgPool, u32),
}

impl Pool {
    pub(crate) fn stats(&self) -> PoolStats {
        let (open, idle, max) = match self {
            Self::Sqlite(p, max) => (p.size(), p.num_idle(), *max),
            Self::Postgres(p, max) => (p.size(), p.num_idle(), *max),
        };
        PoolStats {
            open,
            idle: u32::try_from(idle).unwrap_or(u32::MAX),
            max,
        }
    }
}

pub(crate) async fn connect(url: &str, o: &StoreOptions) -> Result<Store, ConnectError> {
    if url.starts_with("sqlite:") {
        let opts = SqliteConnectOptions::from_str(url)
            .map_err(ConnectError::Url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(o.busy_timeout)
            .foreign_keys(true);
        // SQLite keeps a page cache per connection; the budget is the pool's, so that the
        // memory it may take is known, whatever the pool size (pages beyond it are read
        // again from the operating system's file cache).
        let per_connection = (o.sqlite_cache_kib / o.max_connections.max(1)).max(MIN_CACHE_KIB);
        let opts = opts.pragma("cache_size", format!("-{per_connection}"));
        let busy = o.busy_timeout;
        let pool = SqlitePoolOptions::new()
            .max_connections(o.max_connections)
            .acquire_timeout(o.acquire_timeout)
            // The statement below reaches the connection's worker as the liveness ping would.
            .test_before_acquire(false)
            .after_connect(move |conn, _| Box::pin(deadline::bound_sqlite(conn, busy, false)))
            .before_acquire(move |conn, _| {
                Box::pin(async move {
                    deadline::bound_sqlite(conn, busy, true)
                        .await
                        .map(|()| true)
                })
            })
            .connect_with(opts)
            .await
            .map_err(ConnectError::Connect)?;
        Ok(Store {
            pool: Pool::Sqlite(pool.clone(), o.max_connections),
            db: SqlxSqliteConnector::from_sqlx_sqlite_pool(pool),
            write_gate: Some(Arc::new(Mutex::new(()))),
            writes: Arc::default(),
            memo: Arc::default(),
            commits: Arc::default(),
            events: o.events,
        })
    } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
        let pool = PgPoolOptions::new()
            .max_connections(o.max_connections)
            .acquire_timeout(o.acquire_timeout)
            // The statement below is a round trip that fails on a dead connection, as the
            // liveness ping would: it replaces the ping rather than adding to it.
            .test_before_acquire(false)
            .after_connect(|conn, _| Box::pin(deadline::bound_postgres(conn, false)))
            .before_acquire(|conn, _| {
                Box::pin(async move { deadline::bound_postgres(conn, true).await.map(|()| true) })
            })
            .connect(url)
            .await
            .map_err(ConnectError::Connect)?;
        Ok(Store {
            pool: Pool::Postgres(pool.clone(), o.max_connections),
            db: SqlxPostgresConnector::from_sqlx_postgres_pool(pool),
            write_gate: None,
            writes: Arc::default(),
            memo: Arc::default(),
            commits: Arc::default(),
            events: o.events,
        })
    } else {
        Err(ConnectError::Scheme)
    }
}
