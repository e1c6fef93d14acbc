//! Roster keeps the planner's statistics current itself: this machine's PostgreSQL runs with
//! autovacuum off, so a table that grew since its last analyze is analyzed by Roster or by
//! nobody (and lookups would be planned for the table it was when it was small).

use crate::support::{TestApp, create, user};
use roster_proto::v1 as pb;
use sqlx::Connection as _;
use std::time::{Duration, Instant};

/// When `users` was last analyzed by a manual `ANALYZE` (autovacuum's own counts apart), and
/// the rows changed since.
async fn users_statistics(url: &str) -> (Option<String>, i64) {
    let mut conn = sqlx::PgConnection::connect(url).await.expect("connect");
    let row: (Option<String>, i64) = sqlx::query_as(
        "SELECT last_analyze::text, n_mod_since_analyze FROM pg_stat_user_tables \
         WHERE relname = 'users' AND schemaname = current_schema()",
    )
    .fetch_one(&mut conn)
    .await
    .expect("the statistics of users");
    conn.close().await.ok();
    row
}

/// A server analyzing every `interval` seconds, on PostgreSQL only (the counters are
/// PostgreSQL's).
async fn postgres_app(interval: u64) -> Option<TestApp> {
    let app = TestApp::spawn_with(|s| s.statistics_interval_secs = interval).await;
    if app.db.is_postgres() {
        Some(app)
    } else {
        eprintln!("statistics: skipped: the analyze counters are PostgreSQL's");
        None
    }
}

/// `n` new users of the token's tenant, created by one BatchUpsertUsers.
async fn new_users_in_one_batch(app: &TestApp, token: &str, n: usize) {
    let items: Vec<pb::UpsertUserItem> = (0..n)
        .map(|i| pb::UpsertUserItem {
            key: Some(pb::UserKey {
                key: Some(pb::user_key::Key::Email(format!("u{i}@acme.test"))),
            }),
            user: create(user(&format!("u{i}@acme.test"))).user,
            create_if_missing: true,
            ..Default::default()
        })
        .collect();
    let r = app
        .users(token)
        .batch_upsert_users(pb::BatchUpsertUsersRequest {
            items,
            ..Default::default()
        })
        .await
        .expect("batch")
        .into_inner();
    assert!(r.results.iter().all(|x| x.created), "every user is new");
}

#[tokio::test]
async fn a_table_that_grew_is_analyzed_by_roster_itself() {
    let Some(app) = postgres_app(1).await else {
        return;
    };
    let t = app.tenant("acme").await;
    // One transaction's worth: the batch leaves the analyze to the round.
    new_users_in_one_batch(&app, &t.token, 200).await;

    // Analyzed within a few rounds, with the new rows counted in.
    let began = Instant::now();
    let (analyzed, changed) = loop {
        let (at, changed) = users_statistics(&app.db.url).await;
        if at.is_some() && changed < 200 {
            break (at, changed);
        }
        assert!(
            began.elapsed() < Duration::from_secs(30),
            "users never analyzed: last {at:?}, {changed} rows changed since"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert!(
        analyzed.is_some() && changed < 200,
        "{analyzed:?} {changed}"
    );
}

/// On SQLite the same round is `PRAGMA optimize`, taken behind the store's write gate while
/// the server writes too: it succeeds and answers no table names.
#[tokio::test]
async fn a_round_on_either_database_succeeds_while_users_are_written() {
    let app = TestApp::spawn().await;
    let t = app.tenant("acme").await;
    let store =
        roster_storage::Store::connect(&app.db.url, &roster_storage::StoreOptions::default())
            .await
            .expect("a second store on the test database");
    let mut users = app.users(&t.token);
    for i in 0..5 {
        let (created, refreshed) = tokio::join!(
            users.create_user(create(user(&format!("w{i}@acme.test")))),
            store.refresh_statistics(),
        );
        created.expect("the write goes on");
        let tables = refreshed.expect("a round succeeds");
        if !app.db.is_postgres() {
            assert!(tables.is_empty(), "{tables:?}");
        }
    }
}

#[tokio::test]
async fn with_the_interval_at_zero_nothing_is_analyzed() {
    let Some(app) = postgres_app(0).await else {
        return;
    };
    let t = app.tenant("acme").await;
    for i in 0..60 {
        app.users(&t.token)
            .create_user(create(user(&format!("u{i}@acme.test"))))
            .await
            .expect("create");
    }
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(users_statistics(&app.db.url).await.0, None, "switched off");
}

#[tokio::test]
async fn a_long_batch_analyzes_the_table_it_grows_without_waiting_for_a_round() {
    // A batch's own lookups must be planned for the table as the batch is filling it: with
    // the background round switched off, the batch itself analyzes `users` between two of
    // its transactions once it has written past the analyze threshold.
    let Some(app) = postgres_app(0).await else {
        return;
    };
    let t = app.tenant("acme").await;
    assert_eq!(users_statistics(&app.db.url).await.0, None, "not yet");
    new_users_in_one_batch(&app, &t.token, 600).await;
    let (analyzed, changed) = users_statistics(&app.db.url).await;
    assert!(
        analyzed.is_some() && changed < 600,
        "analyzed {analyzed:?}, {changed} rows changed since"
    );
}
