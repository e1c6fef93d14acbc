//! The database stalled (`LOCK TABLE users` held past the deadline) while every client
//! retries its writes with their keys. The lease is left at its default (two minutes), far
//! beyond the clients' patience: a write that ran out of time must free its key itself for
//! its retry to run.

use super::super::deployment::{Deployment, Limits, postgres_or_skip};
use super::check::{assert_one_effect_per_key, retried_through};
use super::writers::{Writer, Writers};
use sqlx::{Connection as _, Executor as _};
use std::time::{Duration, Instant};

const DEADLINE: Duration = Duration::from_secs(2);
/// How long the lock is held: twice the deadline, so that whatever each client sends in
/// the first half of it runs out of time waiting on the lock, and is sent again.
const STALL: Duration = Duration::from_secs(4);

#[tokio::test]
async fn writes_retried_with_their_keys_through_a_stall_take_effect_once_each() {
    if postgres_or_skip("retries_through_a_stall").is_none() {
        return;
    }
    let began = Instant::now();
    let d = Deployment::start(Limits {
        deadline: DEADLINE,
        acquire: Duration::from_millis(500),
        lease: None,
    })
    .await;
    let clients = Writers::start(&d.clients, DEADLINE);
    clients
        .until_each_wrote_after(Instant::now(), Duration::from_mins(1))
        .await;

    let mut locker = sqlx::PgConnection::connect(&d.install.db.url)
        .await
        .expect("a session of its own");
    locker.execute("BEGIN").await.expect("begin");
    locker
        .execute("LOCK TABLE users IN ACCESS EXCLUSIVE MODE")
        .await
        .expect("lock the users");
    let stalled = Instant::now();
    tokio::time::sleep(STALL).await;
    locker.execute("COMMIT").await.expect("release the lock");
    let released = Instant::now();
    let _ = locker.close().await;
    let recovered = clients
        .until_each_wrote_after(released, Duration::from_secs(30))
        .await;
    let writes = clients.stop().await;

    let tally = assert_one_effect_per_key(&writes, &d.stored_users().await);
    let through = retried_through(&writes, stalled, released);
    for writer in Writer::all() {
        assert!(
            through.iter().any(|w| w.writer == writer),
            "{writer:?} had no write retried through the stall"
        );
    }
    eprintln!(
        "retries through a stall: {tally} ({} retried through the stall); every client wrote again {recovered:?} after the lock was released; the test took {:?}",
        through.len(),
        began.elapsed(),
    );
}
