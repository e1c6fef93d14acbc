//! A PATCH is a bulk request: its calls to the core have `upstream_bulk_timeout_ms` from its
//! arrival, not the ordinary `upstream_timeout_ms`, so a database slower than the ordinary
//! wall (here: `users` held by another session for two seconds) delays it without failing it.

use crate::support::TestApp;
use crate::support::surecloud::Sc;
use serde_json::{Value, json};
use sqlx::Connection as _;
use std::time::Duration;

fn users(n: usize) -> Value {
    (0..n)
        .map(|i| json!({"email": format!("slow{i}@acme.test"), "role": "CONTRIBUTOR"}))
        .collect()
}

/// Holds the write lock on `users` from another session for `hold`, from when this returns.
async fn hold_users(app: &TestApp, hold: Duration) -> tokio::task::JoinHandle<()> {
    let url = app.db.url.clone();
    let postgres = app.db.is_postgres();
    let (taken, wait) = tokio::sync::oneshot::channel();
    let task = tokio::spawn(async move {
        if postgres {
            let mut c = sqlx::PgConnection::connect(&url).await.expect("connect");
            let mut tx = c.begin().await.expect("begin");
            sqlx::query("LOCK TABLE users IN EXCLUSIVE MODE")
                .execute(&mut *tx)
                .await
                .expect("lock");
            let _ = taken.send(());
            tokio::time::sleep(hold).await;
            tx.commit().await.expect("release");
        } else {
            let mut c = sqlx::SqliteConnection::connect(&url)
                .await
                .expect("connect");
            sqlx::query("BEGIN IMMEDIATE")
                .execute(&mut c)
                .await
                .expect("lock");
            let _ = taken.send(());
            tokio::time::sleep(hold).await;
            sqlx::query("COMMIT")
                .execute(&mut c)
                .await
                .expect("release");
        }
    });
    wait.await.expect("the lock is taken");
    task
}

#[tokio::test]
async fn a_patch_outlasts_the_ordinary_deadline_within_its_bulk_budget() {
    let app = TestApp::spawn_with(|s| s.upstream_timeout_ms = 1000).await;
    let t = app.tenant("acme").await;
    let sc = Sc::owner(&app, &t).await;
    let held = hold_users(&app, Duration::from_secs(2)).await;
    let written = sc.patch_ok(users(3)).await;
    assert_eq!(written.len(), 3);
    held.await.expect("the lock was held and released");
}

#[tokio::test]
async fn with_a_bulk_budget_as_short_as_the_ordinary_one_the_same_patch_is_cut_off() {
    // The control of the test above: the wait, not the PATCH, is what the budget decides.
    let app = TestApp::spawn_with(|s| {
        s.upstream_timeout_ms = 1000;
        s.upstream_bulk_timeout_ms = 1000;
    })
    .await;
    let t = app.tenant("acme").await;
    let sc = Sc::owner(&app, &t).await;
    let held = hold_users(&app, Duration::from_secs(2)).await;
    let a = sc.patch(users(3)).await;
    // Cut off by the deadline, or by the database's busy wait bounded by the same deadline:
    // either way nothing was written, and the answer is "try again" as a whole (503 with
    // Retry-After), never a 200 that a retrying client would take as final.
    Sc::error(&a, 503);
    assert_eq!(a.header("retry-after"), "1", "{a:?}");
    held.await.expect("the lock was held and released");
    // Nothing was half-written: the same PATCH now writes all three.
    assert_eq!(sc.patch_ok(users(3)).await.len(), 3);
}
