//! Waiting on the database, bounded: a call's statements are cancelled by PostgreSQL when
//! the call's deadline runs out (and its connection serves the next call), and a pool with
//! no free connection answers "busy" after its wait, on both databases. SQLite's page caches
//! stay within the pool's budget.

// A failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::TestDb;
use roster_domain::deadline::within;
use roster_domain::ports::{NewUserRecord, SecretDigest, UserRepository as _};
use roster_domain::users::{CreateUserError, NewUser, UserKey};
use roster_domain::{StorageFault, TenantId, Timestamp, UserId};
use roster_storage::{Store, StoreOptions};
use sea_orm::{ConnectionTrait as _, Statement, TransactionTrait as _};
use sqlx::{Connection as _, Executor as _};
use std::time::{Duration, Instant};

async fn store(db: &TestDb, options: &StoreOptions) -> Store {
    let store = Store::connect(&db.url, options).await.unwrap();
    store.migrate().await.unwrap();
    store
}

fn anyone() -> UserKey {
    UserKey::Id(UserId::generate())
}

/// The one value `sql` (a `SHOW` or a `PRAGMA`) answers on a connection of the pool.
async fn setting<T: sea_orm::TryGetable>(store: &Store, sql: &str) -> T {
    let c = store.connection();
    let row = c
        .query_one_raw(Statement::from_string(c.get_database_backend(), sql))
        .await
        .unwrap()
        .unwrap();
    row.try_get_by_index(0).unwrap()
}

/// `statement_timeout` as a connection of the pool has it now.
async fn statement_timeout(store: &Store) -> String {
    setting(store, "SHOW statement_timeout").await
}

#[tokio::test]
async fn a_stalled_statement_is_cancelled_at_the_deadline_and_its_connection_serves_on() {
    let db = TestDb::create().await;
    if !db.url.starts_with("postgres") {
        eprintln!("skipped: statement timeouts are PostgreSQL's; set ROSTER_TEST_DATABASE_URL");
        return;
    }
    let store = db.connect().await;
    store.migrate().await.unwrap();
    let mut locker = sqlx::PgConnection::connect(&db.url).await.unwrap();
    locker.execute("BEGIN").await.unwrap();
    locker
        .execute("LOCK TABLE users IN ACCESS EXCLUSIVE MODE")
        .await
        .unwrap();

    // A read and a write, each with 300 ms to go, stall on the lock.
    let started = Instant::now();
    let deadline = Instant::now() + Duration::from_millis(300);
    let read = within(deadline, store.get(TenantId::generate(), &anyone())).await;
    assert_eq!(read.unwrap_err().fault(), StorageFault::DeadlineExceeded);
    let record = NewUserRecord {
        id: UserId::generate(),
        user: NewUser::fake(1),
        password_hash: None,
        secret_digest: SecretDigest::from_hex("00".to_owned()),
        now: Timestamp::from_micros(1_700_000_000_000_000),
    };
    let deadline = Instant::now() + Duration::from_millis(300);
    let write = within(deadline, store.create(TenantId::generate(), record)).await;
    let Err(CreateUserError::Storage(e)) = write else {
        panic!("{write:?}");
    };
    assert_eq!(e.fault(), StorageFault::DeadlineExceeded);
    // The server cancelled them: nothing of the store waits on the lock any more.
    assert!(started.elapsed() < Duration::from_secs(3), "{started:?}");
    let waiting: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM pg_stat_activity \
         WHERE datname = current_database() AND wait_event_type = 'Lock'",
    )
    .fetch_one(&mut locker)
    .await
    .unwrap();
    assert_eq!(waiting, 0);
    locker.execute("COMMIT").await.unwrap();

    // The pool serves calls without a deadline, with the server's default again.
    assert!(
        store
            .get(TenantId::generate(), &anyone())
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(statement_timeout(&store).await, "0");
    let deadline = Instant::now() + Duration::from_mins(1);
    let bounded = within(deadline, statement_timeout(&store)).await;
    assert_ne!(
        bounded, "0",
        "a call with a deadline has its statements bounded"
    );
}

#[tokio::test]
async fn a_pool_with_no_free_connection_answers_busy_after_its_wait() {
    let db = TestDb::create().await;
    let options = StoreOptions {
        max_connections: 1,
        acquire_timeout: Duration::from_millis(200),
        ..StoreOptions::default()
    };
    let store = store(&db, &options).await;
    // A transaction holds the only connection.
    let held = store.connection().begin().await.unwrap();
    let started = Instant::now();
    let busy = store
        .get(TenantId::generate(), &anyone())
        .await
        .unwrap_err();
    assert_eq!(busy.fault(), StorageFault::Busy);
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(200) && waited < Duration::from_secs(3),
        "{waited:?}"
    );
    held.rollback().await.unwrap();
    assert!(
        store
            .get(TenantId::generate(), &anyone())
            .await
            .unwrap()
            .is_none()
    );
}

/// `PRAGMA cache_size` as one of the pool's connections has it (negative: KiB).
async fn cache_size(store: &Store) -> i64 {
    setting(store, "PRAGMA cache_size").await
}

#[tokio::test]
async fn each_connection_gets_its_share_of_the_cache_budget() {
    let db = TestDb::create().await;
    if !db.url.starts_with("sqlite") {
        eprintln!("skipped: the page cache budget is SQLite's");
        return;
    }
    let options = StoreOptions {
        max_connections: 4,
        sqlite_cache_kib: 1024,
        ..StoreOptions::default()
    };
    let store = Store::connect(&db.url, &options).await.unwrap();
    assert_eq!(cache_size(&store).await, -256);

    // A budget too small to split still leaves every connection a working cache.
    let options = StoreOptions {
        max_connections: 10,
        sqlite_cache_kib: 100,
        ..StoreOptions::default()
    };
    let store = Store::connect(&db.url, &options).await.unwrap();
    assert_eq!(cache_size(&store).await, -64);

    // By default the pool's caches hold 4 MiB together, not SQLite's 2 MiB a connection.
    let store = Store::connect(&db.url, &StoreOptions::default())
        .await
        .unwrap();
    assert_eq!(cache_size(&store).await, -409);
}
