//! The sea-orm storage adapter: the repositories of `roster-domain` on SQLite (the embedded
//! default) and PostgreSQL (production).
//!
//! SQLite runs in WAL mode with one writer at a time: write transactions start with
//! `BEGIN IMMEDIATE` (so that another process, such as `roster tenant create` next to
//! `roster serve`, waits on the busy timeout instead of failing on a lock upgrade) and are
//! queued in-process by a gate, which is fairer than SQLite's busy polling. PostgreSQL rows
//! are locked with `SELECT ... FOR UPDATE` where a write reads first.
//!
//! Every repository method runs in a `db.<repository>.<method>` span, so that a request's
//! trace shows its database work.

mod builtin_roles;
mod connect;
mod deadline;
mod effects;
mod entities;
mod errors;
mod folders;
mod groups;
mod guesses;
mod idempotency;
mod keys;
pub mod migration;
mod outbox;
mod provisioning;
mod rbac;
mod rows;
mod secret_keys;
mod statistics;
mod tenants;
mod used_signatures;
mod users;
mod webhooks;

pub use connect::{ConnectError, DEFAULT_SQLITE_CACHE_KIB, StoreOptions};
pub use outbox::Lease;
pub use webhooks::{DueWebhook, Outcome};

use sea_orm::{
    DatabaseConnection, DatabaseTransaction, DbBackend, DbErr, SqliteTransactionMode,
    TransactionOptions, TransactionTrait,
};
use sea_orm_migration::MigratorTrait as _;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use tokio::sync::{Mutex, OwnedMutexGuard};

/// A connection pool plus what writes need to be safe on its database.
#[derive(Debug, Clone)]
pub struct Store {
    db: DatabaseConnection,
    /// SQLite only: serialises this process's write transactions.
    write_gate: Option<Arc<Mutex<()>>>,
    /// The same pool as `db`, for its statistics.
    pool: connect::Pool,
    /// Grows when one of this process's write transactions starts and when it ends (see
    /// [`roster_domain::ports::WriteCounter`]).
    writes: Arc<AtomicU64>,
    /// Counts and page starts of recent searches (see [`users::memo`]).
    memo: Arc<users::memo::SearchMemo>,
    /// Wakes event readers when this process commits events.
    commits: Arc<outbox::Commits>,
    /// Whether writes append their events ([`StoreOptions::events`]).
    events: bool,
}

/// How the pool's connections are used right now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolStats {
    /// Connections open, idle or in use.
    pub open: u32,
    pub idle: u32,
    /// The most the pool opens.
    pub max: u32,
}

/// A write transaction, holding the SQLite write gate until it ends.
pub(crate) struct WriteTxn {
    pub(crate) txn: DatabaseTransaction,
    _gate: Option<OwnedMutexGuard<()>>,
    _counted: Counted,
}

/// Counts a write's end when the write goes out of scope, committed or not.
struct Counted(Arc<AtomicU64>);

impl Drop for Counted {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

impl roster_domain::ports::WriteCounter for Store {
    fn writes(&self) -> u64 {
        self.writes.load(Ordering::SeqCst)
    }
}

impl Store {
    /// Connects to `url` (`sqlite://path?mode=rwc` or `postgres://...`).
    pub async fn connect(url: &str, options: &StoreOptions) -> Result<Self, ConnectError> {
        connect::connect(url, options).await
    }

    /// Applies every pending migration.
    pub async fn migrate(&self) -> Result<(), DbErr> {
        migration::Migrator::up(&self.db, None).await
    }

    /// The OpenTelemetry `db.system` name of the database.
    pub(crate) fn system(&self) -> &'static str {
        match self.pool {
            connect::Pool::Sqlite(..) => "sqlite",
            connect::Pool::Postgres(..) => "postgresql",
        }
    }

    pub fn backend(&self) -> DbBackend {
        self.db.get_database_backend()
    }

    pub fn connection(&self) -> &DatabaseConnection {
        &self.db
    }

    pub fn pool_stats(&self) -> PoolStats {
        self.pool.stats()
    }

    /// A cheap round trip, for readiness checks.
    pub async fn ping(&self) -> Result<(), DbErr> {
        self.db.ping().await
    }

    pub(crate) async fn write(&self) -> Result<WriteTxn, DbErr> {
        let gate = match &self.write_gate {
            Some(g) => Some(Arc::clone(g).lock_owned().await),
            None => None,
        };
        let txn = self
            .db
            .begin_with_options(TransactionOptions {
                sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
                ..TransactionOptions::default()
            })
            .await?;
        self.writes.fetch_add(1, Ordering::SeqCst);
        Ok(WriteTxn {
            txn,
            _gate: gate,
            _counted: Counted(Arc::clone(&self.writes)),
        })
    }

    /// Whether reads inside a write should lock their rows (`FOR UPDATE`).
    pub(crate) fn locks_rows(&self) -> bool {
        self.backend() == DbBackend::Postgres
    }
}
