//! The database stalled: another session holds `LOCK TABLE users IN ACCESS EXCLUSIVE MODE`
//! for longer than a request's deadline. Every dialect answers its "try again" in time,
//! saying it ran out of time (no request hangs on the lock), the statements that waited are
//! cancelled by the server rather than left holding their connections, and once the lock
//! is released the same processes serve again.

use super::deployment::{Deployment, Limits, postgres_or_skip};
use super::dialects::Dialect;
use futures::future::join_all;
use sqlx::{Connection as _, Executor as _};
use std::time::{Duration, Instant};

const DEADLINE: Duration = Duration::from_secs(2);

/// How late an answer may be beyond the deadline: the gateway's and the client's own work,
/// on a machine busy with other tests.
const SLACK: Duration = Duration::from_millis(1500);

/// Roster's statements of the test database waiting on a lock (the locker's own session is
/// idle in its transaction, not waiting).
async fn waiting_on_locks(conn: &mut sqlx::PgConnection) -> i64 {
    sqlx::query_scalar(
        "SELECT count(*) FROM pg_stat_activity \
         WHERE datname = current_database() AND wait_event_type = 'Lock'",
    )
    .fetch_one(conn)
    .await
    .expect("pg_stat_activity")
}

/// One write in every dialect at once; each answer with how long it took.
async fn round(d: &Deployment, tag: &str) -> Vec<(Dialect, crate::support::Answer, Duration)> {
    join_all(Dialect::ALL.into_iter().map(|dialect| async move {
        let email = format!("{}-{tag}@acme.test", dialect.tag());
        let sent = Instant::now();
        let answer = d.clients.create(dialect, &email).await;
        (dialect, answer, sent.elapsed())
    }))
    .await
}

#[tokio::test]
async fn a_stalled_database_answers_in_time_and_serves_again_once_released() {
    if postgres_or_skip("stalled_database").is_none() {
        return;
    }
    let d = Deployment::start(Limits {
        deadline: DEADLINE,
        acquire: Duration::from_millis(500),
        lease: None,
    })
    .await;
    // Every credential exchanged and cached while the database answers.
    for (dialect, a, _) in round(&d, "before").await {
        assert!(dialect.acknowledged(&a), "{dialect:?}: {a:?}");
    }

    let mut locker = sqlx::PgConnection::connect(&d.install.db.url)
        .await
        .expect("a session of its own");
    locker.execute("BEGIN").await.expect("begin");
    locker
        .execute("LOCK TABLE users IN ACCESS EXCLUSIVE MODE")
        .await
        .expect("lock the users");
    // Two rounds while it holds: the first round's connections must have come back for the
    // second to be answered the same way.
    let mut slowest = Duration::ZERO;
    for tag in ["stalled-1", "stalled-2"] {
        for (dialect, a, took) in round(&d, tag).await {
            let message = dialect.try_again(&a).unwrap_or_else(|e| panic!("{e}"));
            assert!(message.contains("in time"), "{dialect:?}: {a:?}");
            assert!(
                took < DEADLINE + SLACK,
                "{dialect:?} answered after {took:?}"
            );
            slowest = slowest.max(took);
        }
        // The server cancelled what waited (statement_timeout), shortly after the answers.
        let mut waiting = waiting_on_locks(&mut locker).await;
        let since = Instant::now();
        while waiting > 0 && since.elapsed() < Duration::from_secs(1) {
            tokio::time::sleep(Duration::from_millis(50)).await;
            waiting = waiting_on_locks(&mut locker).await;
        }
        assert_eq!(waiting, 0, "statements still wait on the lock ({tag})");
    }
    locker.execute("COMMIT").await.expect("release the lock");
    let _ = locker.close().await;

    // Released: the same processes serve again.
    let released = Instant::now();
    for (dialect, a, _) in round(&d, "after").await {
        assert!(dialect.acknowledged(&a), "{dialect:?}: {a:?}");
    }
    let stored = d.stored_emails().await;
    for dialect in Dialect::ALL {
        for tag in ["before", "after"] {
            assert!(stored.contains(&format!("{}-{tag}@acme.test", dialect.tag())));
        }
    }
    eprintln!(
        "stall: with a {DEADLINE:?} deadline the slowest answer took {slowest:?}; served again {:?} after the lock was released",
        released.elapsed()
    );
}
